use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

use crate::db::{self, StoreResult, articles, claims, history, reviews, sources, users};
use crate::domain::DomainError;
use crate::domain::claim::{
    Claim, ClaimContent, ClaimFields, ClaimFilter, ClaimPatch, ClaimStatus, VerdictRecord,
};
use crate::domain::claimreview::{self, Publisher};
use crate::domain::extract::{self, Analysis};
use crate::domain::history::{
    ClaimAssigned, ClaimCreated, ClaimDeleted, ClaimEdited, ClaimTransitioned, Event, EventData, FieldChange,
    VerdictSnapshot,
};
use crate::domain::ids::{ArticleId, ClaimId, UserId};
use crate::domain::page::{Cursor, Limit, Page, RankCursor, now};
use crate::domain::search::SearchQuery;
use crate::domain::user::Principal;
use crate::domain::version::IfMatch;
use crate::domain::workflow::{self, ClaimState, Request};

const ENTITY: &str = "claim";

use super::events::record;

/// The history entry of a new claim.
fn created_data(claim: &Claim) -> EventData {
    EventData::Created(ClaimCreated {
        text: claim.content.text.as_str().to_owned(),
        article_id: claim.article_id.map(|a| a.0),
        start: claim.content.span.map(|s| s.start),
        end: claim.content.span.map(|s| s.end),
        claimant: claim.content.claimant.clone(),
    })
}

pub async fn create(
    db: &DatabaseConnection,
    actor: UserId,
    article_id: Option<ArticleId>,
    fields: ClaimFields,
    max_claims: usize,
) -> StoreResult<Claim> {
    let txn = db::begin_write(db).await?;
    let body = match article_id {
        Some(id) => Some(
            articles::find_live(&txn, id)
                .await?
                .ok_or_else(|| {
                    DomainError::invalid("article_id", "no article has this id (or it was archived)")
                })?
                .content
                .body,
        ),
        None => None,
    };
    let content = ClaimContent::parse(fields, body.as_deref())?;
    if let Some(article) = article_id
        && claims::count_of_article(&txn, article).await? >= max_claims as u64
    {
        return Err(DomainError::invalid(
            "article_id",
            format!("this article has {max_claims} claims, the most an article may have"),
        )
        .into());
    }
    let analysis = extract::analyse(content.text.as_str());
    let claim = insert_recorded(&txn, article_id, content, analysis, actor).await?;
    super::commit(txn, claim).await
}

/// Stores a new claim with the extractor's analysis of its text and its
/// `created` history event, in the caller's transaction.
pub(super) async fn insert_recorded(
    conn: &impl ConnectionTrait,
    article_id: Option<ArticleId>,
    content: ClaimContent,
    analysis: Analysis,
    actor: UserId,
) -> StoreResult<Claim> {
    let claim = claims::insert(conn, article_id, content, analysis, actor, now()).await?;
    super::tracking::track_new(conn, std::slice::from_ref(&claim)).await?;
    record(conn, claim.id, Some(actor), created_data(&claim)).await?;
    Ok(claim)
}

/// Stores many new claims of one write (an article's extraction) in a few
/// statements: the claims, their quantities, their `created` events and
/// their matching jobs, in the caller's transaction.
pub(super) async fn insert_recorded_many(
    conn: &impl ConnectionTrait,
    article_id: Option<ArticleId>,
    items: Vec<(ClaimContent, Analysis)>,
    actor: UserId,
) -> StoreResult<Vec<Claim>> {
    let mut writes = db::Writes::new(conn.get_database_backend());
    let claims = prepare_recorded_many(&mut writes, article_id, items, actor);
    writes.run(conn).await?;
    Ok(claims)
}

/// `insert_recorded_many`'s claims and statements, built before the
/// transaction that runs them.
pub(super) fn prepare_recorded_many(
    writes: &mut db::Writes,
    article_id: Option<ArticleId>,
    items: Vec<(ClaimContent, Analysis)>,
    actor: UserId,
) -> Vec<Claim> {
    let at = now();
    let claims: Vec<Claim> = items
        .into_iter()
        .map(|(content, analysis)| claims::new_claim(article_id, content, analysis, actor, at))
        .collect();
    claims::insert_many_into(writes, &claims);
    super::tracking::track_new_into(writes, &claims);
    let events: Vec<Event> = claims
        .iter()
        .map(|c| Event::new(c.id, Some(actor), at, created_data(c)))
        .collect();
    history::append_many_into(writes, &events);
    claims
}

/// 404 unless claim `id` exists and is not deleted; for use cases that act
/// on something of the claim's and need nothing of the claim itself.
pub(super) async fn require_live(conn: &impl ConnectionTrait, id: ClaimId) -> StoreResult<()> {
    claims::live_status(conn, id, false)
        .await?
        .map(|_| ())
        .ok_or(DomainError::NotFound(ENTITY).into())
}

/// 404 unless claim `id` is live, 409 while it is frozen (under review or
/// verified): for writes to what the verdict is judged on, such as its
/// sources. Locks the claim's row for the rest of the transaction.
pub(super) async fn require_editable(
    conn: &impl ConnectionTrait,
    id: ClaimId,
    what: &str,
) -> StoreResult<()> {
    let status = claims::live_status(conn, id, true)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    Ok(workflow::check_editable(status, what)?)
}

pub async fn get(db: &DatabaseConnection, id: ClaimId) -> StoreResult<Claim> {
    claims::find(db, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY).into())
}

pub async fn list(
    db: &DatabaseConnection,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Claim>> {
    claims::list(db, filter, limit, after).await
}

/// Claims matching `search` (and `filter`), best match first.
pub async fn search(
    db: &DatabaseConnection,
    search: &SearchQuery,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<RankCursor>,
) -> StoreResult<Page<Claim, RankCursor>> {
    claims::search(db, search, filter, limit, after).await
}

/// Edits a claim's wording, offsets, claimant and assignee. Status changes go
/// through `transition`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Principal,
    id: ClaimId,
    if_match: &IfMatch,
    patch: ClaimPatch,
    assignee: Option<Option<UserId>>,
) -> StoreResult<Claim> {
    let txn = db::begin_write(db).await?;
    let current = claims::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    if let Some(new) = assignee.filter(|new| *new != current.assignee) {
        let target = match new {
            Some(user) => users::find(&txn, user).await?.map(|u| (u.role, u.disabled)),
            None => None,
        };
        workflow::check_assignment(actor.user_id, actor.role, current.assignee, new, target)?;
    }
    let body = article_body(&txn, current.article_id).await?;
    let content = current.content.patched(patch, body.as_deref())?;
    if content != current.content {
        workflow::check_editable(current.status, "wording, offsets and claimant")?;
    }
    let new_assignee = assignee.unwrap_or(current.assignee);
    if content == current.content && new_assignee == current.assignee {
        return super::commit(txn, current).await;
    }
    let at = now();
    let analysis = if content.text == current.content.text {
        current.analysis.clone()
    } else {
        extract::analyse(content.text.as_str())
    };
    if !claims::update(&txn, id, current.version, &content, &analysis, new_assignee, at).await? {
        return Err(super::stale(
            ENTITY,
            claims::find(db, id).await?.map(|c| c.version),
        ));
    }
    let changes = edited_fields(&current.content, &content);
    if !changes.is_empty() {
        let data = EventData::Edited(ClaimEdited {
            fields: changes,
            reason: None,
        });
        record(&txn, id, Some(actor.user_id), data).await?;
    }
    if new_assignee != current.assignee {
        let data = EventData::Assigned(ClaimAssigned {
            from: current.assignee.map(|a| a.0),
            to: new_assignee.map(|a| a.0),
        });
        record(&txn, id, Some(actor.user_id), data).await?;
    }
    let reworded = content.text != current.content.text || content.claimant != current.content.claimant;
    let updated = Claim {
        content,
        analysis,
        assignee: new_assignee,
        updated_at: at,
        version: current.version + 1,
        ..current.clone()
    };
    if reworded {
        super::tracking::track_reworded(&txn, &current, &updated).await?;
    }
    super::commit(txn, updated).await
}

/// Every field that changed, with its old and new value.
pub(super) fn edited_fields(old: &ClaimContent, new: &ClaimContent) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    let mut diff = |name: &str, a: Value, b: Value| {
        if a != b {
            fields.push(FieldChange {
                name: name.to_owned(),
                old: a,
                new: b,
            });
        }
    };
    diff("text", json!(old.text.as_str()), json!(new.text.as_str()));
    diff(
        "start",
        json!(old.span.map(|s| s.start)),
        json!(new.span.map(|s| s.start)),
    );
    diff(
        "end",
        json!(old.span.map(|s| s.end)),
        json!(new.span.map(|s| s.end)),
    );
    diff("claimant", json!(old.claimant), json!(new.claimant));
    fields
}

pub async fn delete(
    db: &DatabaseConnection,
    actor: UserId,
    id: ClaimId,
    if_match: &IfMatch,
) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    let current = claims::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    if !claims::delete(&txn, id, current.version, now()).await? {
        return Err(super::stale(
            ENTITY,
            claims::find(db, id).await?.map(|c| c.version),
        ));
    }
    super::tracking::track_deleted(&txn, &current).await?;
    record(&txn, id, Some(actor), EventData::Deleted(ClaimDeleted {})).await?;
    super::commit(txn, ()).await
}

/// Moves a claim through the workflow; the change and its history event are
/// one transaction, and a concurrent change makes this one fail with 412.
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Principal,
    id: ClaimId,
    if_match: &IfMatch,
    request: Request,
    publisher: &Publisher,
) -> StoreResult<Claim> {
    let txn = db::begin_write(db).await?;
    // Lock the claim first: a source added or removed while this change
    // reads them waits for it, so a verdict never misses its evidence.
    claims::live_status(&txn, id, true).await?;
    let current = claims::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    let state = ClaimState {
        status: current.status,
        assignee: current.assignee,
        proposed_by: current.verdict.as_ref().map(|v| v.proposed_by),
        sources: sources::count_for_claim(&txn, id).await? as usize,
    };
    let change = workflow::check(&state, actor.user_id, actor.role, request)?;
    let at = now();
    let verdict = match change.to {
        ClaimStatus::InReview => change.verdict.clone().map(|v| VerdictRecord {
            rating: v.rating,
            summary: v.summary,
            proposed_by: actor.user_id,
            proposed_at: at,
            approved_by: None,
            approved_at: None,
        }),
        ClaimStatus::Verified => current.verdict.clone().map(|v| VerdictRecord {
            approved_by: Some(actor.user_id),
            approved_at: Some(at),
            ..v
        }),
        // Sent back or reopened: the verdict is no longer current; history keeps it.
        ClaimStatus::InProgress | ClaimStatus::Unverified => None,
        ClaimStatus::Dismissed => current.verdict.clone(),
    };
    if !claims::update_workflow(
        &txn,
        id,
        current.version,
        change.to,
        change.assignee,
        verdict.as_ref(),
        at,
    )
    .await?
    {
        return Err(super::stale(
            ENTITY,
            claims::find(db, id).await?.map(|c| c.version),
        ));
    }
    let data = EventData::Transitioned(ClaimTransitioned {
        from: change.from.as_str().to_owned(),
        to: change.to.as_str().to_owned(),
        note: change.note.clone(),
        verdict: verdict.as_ref().map(|v| VerdictSnapshot {
            rating: v.rating.as_str().to_owned(),
            summary: v.summary.clone(),
            proposed_by: v.proposed_by.0,
            approved_by: v.approved_by.map(|a| a.0),
        }),
        assignee: change.assignee.map(|a| a.0),
    });
    record(&txn, id, Some(actor.user_id), data).await?;
    let updated = Claim {
        status: change.to,
        assignee: change.assignee,
        verdict,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    if updated.status == ClaimStatus::Verified {
        // What is published is fixed now, with the verdict that approves it.
        let review = build_review(&txn, &updated, publisher).await?;
        reviews::publish(&txn, id, review, at, true).await?;
    }
    let committed = super::commit(txn, updated).await?;
    metrics::counter!("claimdesk_workflow_transitions_total",
        "from" => change.from.as_str(), "to" => change.to.as_str())
    .increment(1);
    Ok(committed)
}

/// The ClaimReview of a verified claim as it would be published now, from
/// the claim, its article (archived ones too) and its sources.
async fn build_review(
    conn: &impl ConnectionTrait,
    claim: &Claim,
    publisher: &Publisher,
) -> StoreResult<String> {
    let article = match claim.article_id {
        Some(article) => articles::find_any(conn, article).await?,
        None => None,
    };
    let sources = sources::all_for_claim(conn, claim.id).await?;
    let review = claimreview::claim_review(claim, article.as_ref(), &sources, publisher)?;
    Ok(claimreview::to_script_safe_json(&review))
}

/// The ClaimReview published when the claim's verdict was approved, byte
/// for byte, until it is verified again. A claim verified before published
/// reviews were kept gets its review built and kept on first read.
pub async fn claim_review(
    db: &DatabaseConnection,
    id: ClaimId,
    publisher: &Publisher,
) -> StoreResult<String> {
    let claim = get(db, id).await?;
    if claim.status != ClaimStatus::Verified {
        return Err(DomainError::Conflict(format!(
            "the claim is {}; only a verified claim has a ClaimReview",
            claim.status.as_str()
        ))
        .into());
    }
    if let Some(published) = reviews::published(db, id).await? {
        return Ok(published);
    }
    let txn = db::begin_write(db).await?;
    let review = build_review(&txn, &claim, publisher).await?;
    reviews::publish(&txn, id, review, now(), false).await?;
    let published = reviews::published(&txn, id).await?;
    txn.commit().await?;
    published.ok_or_else(|| DomainError::NotFound(ENTITY).into())
}

/// A claim's history, oldest first.
pub async fn history(
    db: &DatabaseConnection,
    id: ClaimId,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Event>> {
    require_live(db, id).await?;
    history::list(db, id, limit, after).await
}

async fn article_body(
    conn: &impl ConnectionTrait,
    article_id: Option<ArticleId>,
) -> StoreResult<Option<String>> {
    match article_id {
        Some(id) => articles::find_body(conn, id).await,
        None => Ok(None),
    }
}

/// Claims per statement batch of an export.
const EXPORT_BATCH: u64 = 1_000;

/// Every claim matching `filter` as CSV (header row first), read in batches
/// as the stream is polled, so memory stays flat however many claims match.
/// A database error ends the stream with that error.
pub fn export_csv(
    db: DatabaseConnection,
    filter: ClaimFilter,
) -> impl futures_util::Stream<Item = StoreResult<Vec<u8>>> + Send + 'static {
    struct State {
        db: DatabaseConnection,
        filter: ClaimFilter,
        after: Option<Cursor>,
        first: bool,
        done: bool,
    }
    let start = State {
        db,
        filter,
        after: None,
        first: true,
        done: false,
    };
    futures_util::stream::try_unfold(start, |mut state| async move {
        if state.done {
            return Ok(None);
        }
        let limit = Limit::batch(EXPORT_BATCH);
        let rows = claims::export_batch(&state.db, &state.filter, limit, state.after).await?;
        state.done = (rows.len() as u64) < limit.get();
        let by_updated = state.filter.order == crate::domain::claim::ClaimOrder::Updated;
        if let Some(last) = rows.last() {
            let c = &last.claim;
            state.after = Some(Cursor {
                created_at: if by_updated { c.updated_at } else { c.created_at },
                id: c.id.0,
            });
        }
        metrics::counter!("claimdesk_claims_exported_total").increment(rows.len() as u64);
        let chunk = crate::domain::export::to_csv(&rows, state.first);
        state.first = false;
        Ok(Some((chunk, state)))
    })
}

/// Reviews built per statement while back-filling the feed.
const BACKFILL_BATCH: u64 = 100;

/// A page of the ClaimReview feed: the published review of every live
/// verified claim, newest first, those published after `since` only.
/// Claims verified before reviews were kept get theirs built and kept first,
/// as `claim_review` does.
pub async fn feed(
    db: &DatabaseConnection,
    publisher: &Publisher,
    since: Option<chrono::DateTime<chrono::Utc>>,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<reviews::FeedEntry>> {
    loop {
        let missing = reviews::unpublished(db, BACKFILL_BATCH).await?;
        if missing.is_empty() {
            break;
        }
        let txn = db::begin_write(db).await?;
        for id in missing {
            // Another request may have moved the claim on since the read.
            if let Some(claim) = claims::find(&txn, id).await?
                && claim.status == ClaimStatus::Verified
            {
                let review = build_review(&txn, &claim, publisher).await?;
                reviews::publish(&txn, id, review, now(), false).await?;
            }
        }
        txn.commit().await?;
    }
    let rows = reviews::feed(db, since, limit, after).await?;
    Ok(Page::from_rows(rows, limit, |e| Cursor {
        created_at: e.published_at,
        id: e.claim_id.0,
    }))
}
