use sea_orm::DatabaseConnection;
use serde_json::json;

use crate::db::{self, StoreResult, articles, claims};
use crate::domain::DomainError;
use crate::domain::article::{Article, ArticleContent, ArticleFields, ArticlePatch, PUBLISHED_FIELDS};
use crate::domain::claim::{CLAIMANT_MAX, Claim, ClaimContent, ClaimText, Span};
use crate::domain::extract::{self, Analysis, ExtractedClaim};
use crate::domain::history::{ArticleCreated, ArticleEdited, ClaimEdited, EventData, FieldChange};
use crate::domain::ids::{ArticleId, UserId};
use crate::domain::page::{Cursor, Limit, Page, RankCursor, now};
use crate::domain::search::SearchQuery;
use crate::domain::text;
use crate::domain::version::IfMatch;
use crate::domain::workflow;

const ENTITY: &str = "article";

/// Stores an article and, when `extract` is set, the claims the extractor
/// finds in it, all in one transaction. Extraction runs before the
/// transaction opens, so the write lock is held only for the writes; an
/// article with more than `max_claims` claims is refused whole (422).
pub async fn create(
    db: &DatabaseConnection,
    actor: UserId,
    fields: ArticleFields,
    extract: bool,
    max_claims: usize,
) -> StoreResult<(Article, Vec<Claim>)> {
    let content = ArticleContent::parse(fields)?;
    let found = if extract {
        extract_claims(&content.body)
    } else {
        Vec::new()
    };
    check_claim_count(found.len(), max_claims)?;
    let found: Vec<(ClaimContent, Analysis)> = found
        .into_iter()
        .filter_map(|claim| {
            let analysis = Analysis::of_extracted(&claim);
            extracted_content(claim).map(|content| (content, analysis))
        })
        .collect();
    // Every statement is built first, so the transaction only runs them.
    let mut writes = db::Writes::new(db.get_database_backend());
    let article = articles::new_article(content, actor, now());
    articles::insert_into(&mut writes, &article);
    let event = EventData::ArticleCreated(ArticleCreated {
        article_id: article.id.0,
        title: article.content.title.clone(),
        url: article.content.url.clone(),
        claims: found.len(),
    });
    super::events::record_article_into(&mut writes, article.id.0, Some(actor), event);
    let created = super::claims::prepare_recorded_many(&mut writes, Some(article.id), found, actor);
    writes.commit(db).await?;
    Ok((article, created))
}

fn check_claim_count(count: usize, max_claims: usize) -> Result<(), DomainError> {
    if count > max_claims {
        return Err(DomainError::invalid(
            "body",
            format!(
                "the extractor finds {count} claims in this text, and an article may have at most {max_claims}; \
                 split it into several articles, or send it with ?extract=false"
            ),
        ));
    }
    Ok(())
}

/// Runs extraction again on a stored article. Claims already stored for the
/// same span are kept untouched (with their status and history); new ones
/// are added; none are removed. Returns (created, kept). Extraction runs
/// outside the write transaction; if the article changes meanwhile, the
/// call is refused (409) rather than store claims of an old text.
pub async fn reextract(
    db: &DatabaseConnection,
    actor: UserId,
    id: ArticleId,
    max_claims: usize,
) -> StoreResult<(Vec<Claim>, Vec<Claim>)> {
    let article = articles::find_live(db, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    let found = extract_claims(&article.content.body);
    let txn = db::begin_write(db).await?;
    let current = articles::find_live(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if current.version != article.version {
        return Err(DomainError::Conflict(
            "the article changed while its claims were being extracted; try again".into(),
        )
        .into());
    }
    let mut existing = claims::all_of_article(&txn, id).await?;
    let (mut fresh, mut kept) = (Vec::new(), Vec::new());
    for claim in found {
        let span = Span {
            start: claim.start,
            end: claim.end,
        };
        if let Some(i) = existing.iter().position(|c| c.content.span == Some(span)) {
            kept.push(existing.swap_remove(i));
        } else {
            fresh.push(claim);
        }
    }
    check_claim_count(existing.len() + kept.len() + fresh.len(), max_claims)?;
    let fresh: Vec<(ClaimContent, Analysis)> = fresh
        .into_iter()
        .filter_map(|claim| {
            let analysis = Analysis::of_extracted(&claim);
            extracted_content(claim).map(|content| (content, analysis))
        })
        .collect();
    let created = super::claims::insert_recorded_many(&txn, Some(id), fresh, actor).await?;
    super::commit(txn, (created, kept)).await
}

/// An extracted claim as claim content. A sentence longer than a claim may
/// be is left out rather than cut (it would no longer match the text).
fn extracted_content(claim: ExtractedClaim) -> Option<ClaimContent> {
    let text = ClaimText::parse(claim.text).ok()?;
    let claimant = claim.claimant.filter(|c| text::char_len(c) <= CLAIMANT_MAX);
    Some(ClaimContent {
        text,
        span: Some(Span {
            start: claim.start,
            end: claim.end,
        }),
        claimant,
    })
}

pub async fn get(db: &DatabaseConnection, id: ArticleId) -> StoreResult<Article> {
    articles::find_live(db, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY).into())
}

pub async fn list(
    db: &DatabaseConnection,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Article>> {
    articles::list(db, limit, after).await
}

/// Live articles matching `query` in title or body, best match first.
pub async fn search(
    db: &DatabaseConnection,
    query: &SearchQuery,
    limit: Limit,
    after: Option<RankCursor>,
) -> StoreResult<Page<Article, RankCursor>> {
    articles::search(db, query, limit, after).await
}

/// Applies a patch. A new body re-anchors the article's claims in the same
/// transaction: a claim whose text is gone keeps everything but its offsets.
/// Every claim of the article gets an `article_edited` event. While any of
/// its claims is frozen (under review or verified), the fields a ClaimReview
/// publishes (title, URL, date) cannot change, nor can the body where it
/// would move or remove a frozen claim's text: 409, naming those claims.
pub async fn update(
    db: &DatabaseConnection,
    actor: UserId,
    id: ArticleId,
    if_match: &IfMatch,
    patch: ArticlePatch,
) -> StoreResult<Article> {
    let txn = db::begin_write(db).await?;
    let current = articles::find_live(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    let content = current.content.patched(patch)?;
    let changed = current.content.changed_fields(&content);
    if changed.is_empty() {
        return super::commit(txn, current).await;
    }
    let body_changed = changed.contains(&"body");
    let of_article = claims::all_of_article(&txn, id).await?;
    let moves: Vec<(&Claim, Option<Span>)> = of_article
        .iter()
        .map(|claim| {
            let span = if body_changed {
                claim.content.reanchored(&content.body)
            } else {
                claim.content.span
            };
            (claim, span)
        })
        .collect();
    check_frozen(&changed, &moves)?;
    let at = now();
    if !articles::update(&txn, id, current.version, &content, at).await? {
        return Err(super::stale(
            ENTITY,
            articles::find_live(db, id).await?.map(|a| a.version),
        ));
    }
    let edited = article_edit_data(id, &current.content, &content, &changed);
    for (claim, span) in moves {
        super::events::record(
            &txn,
            claim.id,
            Some(actor),
            EventData::ArticleEdited(edited.clone()),
        )
        .await?;
        if span != claim.content.span {
            let moved = ClaimContent {
                span,
                ..claim.content.clone()
            };
            // The claim was read in this transaction; if it changed since,
            // the whole edit is refused rather than half recorded.
            if !claims::update(
                &txn,
                claim.id,
                claim.version,
                &moved,
                &claim.analysis,
                claim.assignee,
                at,
            )
            .await?
            {
                return Err(DomainError::Conflict(
                    "a claim of this article changed while the article was being edited; nothing was saved; try again"
                        .into(),
                )
                .into());
            }
            let fields = super::claims::edited_fields(&claim.content, &moved);
            let data = EventData::Edited(ClaimEdited {
                fields,
                reason: Some("the article body changed".into()),
            });
            super::events::record(&txn, claim.id, None, data).await?;
        }
    }
    super::events::record_article(&txn, id.0, Some(actor), EventData::ArticleEdited(edited)).await?;
    let updated = Article {
        content,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    super::commit(txn, updated).await
}

/// 409 when the edit changes what a frozen claim's verdict was published
/// with: the article's title, URL or date, or the claim's own place in the
/// text. `moves` pairs each claim with its span after the edit.
fn check_frozen(changed: &[&str], moves: &[(&Claim, Option<Span>)]) -> Result<(), DomainError> {
    let frozen = |claim: &Claim| workflow::is_frozen(claim.status);
    let published: Vec<&str> = changed
        .iter()
        .copied()
        .filter(|f| PUBLISHED_FIELDS.contains(f))
        .collect();
    let blocked: Vec<&Claim> = if published.is_empty() {
        moves
            .iter()
            .filter(|(claim, span)| frozen(claim) && *span != claim.content.span)
            .map(|(claim, _)| *claim)
            .collect()
    } else {
        moves
            .iter()
            .map(|(claim, _)| *claim)
            .filter(|c| frozen(c))
            .collect()
    };
    if blocked.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = blocked
        .iter()
        .map(|c| format!("{} ({})", c.id, c.status.as_str()))
        .collect();
    let what = if published.is_empty() {
        "the new body moves or removes their text".to_owned()
    } else {
        format!(
            "their published fact-checks name the article's {}",
            published.join(", ")
        )
    };
    Err(DomainError::Conflict(format!(
        "this edit would change claims that are under review or verified ({what}): {}; \
         an editor must first send them back or reopen them (transition to in_progress)",
        listed.join(", ")
    )))
}

/// The `article_edited` event: which fields changed, with old and new values
/// (the body by length only: it is long, and kept on the article).
fn article_edit_data(
    id: ArticleId,
    old: &ArticleContent,
    new: &ArticleContent,
    changed: &[&str],
) -> ArticleEdited {
    let fields = changed
        .iter()
        .map(|&name| {
            let (before, after) = match name {
                "title" => (json!(old.title), json!(new.title)),
                "body" => (
                    json!({"chars": text::char_len(&old.body)}),
                    json!({"chars": text::char_len(&new.body)}),
                ),
                "url" => (json!(old.url), json!(new.url)),
                "outlet" => (json!(old.outlet), json!(new.outlet)),
                "author" => (json!(old.author), json!(new.author)),
                "published_at" => (json!(old.published_at), json!(new.published_at)),
                _ => (json!(old.language), json!(new.language)),
            };
            FieldChange {
                name: name.to_owned(),
                old: before,
                new: after,
            }
        })
        .collect();
    ArticleEdited {
        article_id: id.0,
        fields,
    }
}

/// Archives: the article leaves every listing, its claims stay.
pub async fn archive(db: &DatabaseConnection, id: ArticleId, if_match: &IfMatch) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    let current = articles::find_live(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    if !articles::archive(&txn, id, current.version, now()).await? {
        return Err(super::stale(
            ENTITY,
            articles::find_live(db, id).await?.map(|a| a.version),
        ));
    }
    super::commit(txn, ()).await
}

/// The claims in a text, counted for the metrics: texts, bytes, claims
/// found and time taken.
pub fn extract_claims(text: &str) -> Vec<extract::ExtractedClaim> {
    let started = std::time::Instant::now();
    let found = extract::extract(text);
    metrics::counter!("claimdesk_extraction_texts_total").increment(1);
    metrics::counter!("claimdesk_extraction_bytes_total").increment(text.len() as u64);
    metrics::counter!("claimdesk_extraction_claims_total").increment(found.len() as u64);
    metrics::histogram!("claimdesk_extraction_duration_seconds").record(started.elapsed().as_secs_f64());
    found
}
