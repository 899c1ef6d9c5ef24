use sea_orm::DatabaseConnection;

use crate::db::{self, StoreResult, articles, claims};
use crate::domain::DomainError;
use crate::domain::article::{Article, ArticleContent, ArticleFields, ArticlePatch};
use crate::domain::claim::{CLAIMANT_MAX, Claim, ClaimContent, ClaimText, Span};
use crate::domain::extract::{self, Analysis, ExtractedClaim};
use crate::domain::history::EventKind;
use crate::domain::ids::{ArticleId, UserId};
use crate::domain::page::{Cursor, Limit, Page, RankCursor, now};
use crate::domain::search::SearchQuery;
use crate::domain::text;
use crate::domain::version::IfMatch;

const ENTITY: &str = "article";

/// Stores an article and, when `extract` is set, the claims the extractor
/// finds in it, all in one transaction.
pub async fn create(
    db: &DatabaseConnection,
    actor: UserId,
    fields: ArticleFields,
    extract: bool,
) -> StoreResult<(Article, Vec<Claim>)> {
    let content = ArticleContent::parse(fields)?;
    let found = if extract {
        extract::extract(&content.body)
    } else {
        Vec::new()
    };
    let txn = db::begin_write(db).await?;
    let article = articles::insert(&txn, content, actor, now()).await?;
    let mut created = Vec::with_capacity(found.len());
    for claim in found {
        let analysis = Analysis::of_extracted(&claim);
        if let Some(content) = extracted_content(claim) {
            created.push(
                super::claims::insert_recorded(&txn, Some(article.id), content, analysis, actor).await?,
            );
        }
    }
    super::commit(txn, (article, created)).await
}

/// Runs extraction again on a stored article. Claims already stored for the
/// same span are kept untouched (with their status and history); new ones
/// are added; none are removed. Returns (created, kept).
pub async fn reextract(
    db: &DatabaseConnection,
    actor: UserId,
    id: ArticleId,
) -> StoreResult<(Vec<Claim>, Vec<Claim>)> {
    let txn = db::begin_write(db).await?;
    let article = articles::find_live(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    let mut existing = claims::all_of_article(&txn, id).await?;
    let (mut created, mut kept) = (Vec::new(), Vec::new());
    for claim in extract::extract(&article.content.body) {
        let span = Span {
            start: claim.start,
            end: claim.end,
        };
        if let Some(i) = existing.iter().position(|c| c.content.span == Some(span)) {
            kept.push(existing.swap_remove(i));
        } else {
            let analysis = Analysis::of_extracted(&claim);
            if let Some(content) = extracted_content(claim) {
                created.push(super::claims::insert_recorded(&txn, Some(id), content, analysis, actor).await?);
            }
        }
    }
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
pub async fn update(
    db: &DatabaseConnection,
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
    if content == current.content {
        return super::commit(txn, current).await;
    }
    let at = now();
    if !articles::update(&txn, id, current.version, &content, at).await? {
        return Err(super::stale(
            ENTITY,
            articles::find_live(db, id).await?.map(|a| a.version),
        ));
    }
    if content.body != current.content.body {
        for claim in claims::all_of_article(&txn, id).await? {
            let span = claim.content.reanchored(&content.body);
            if span != claim.content.span {
                let moved = ClaimContent {
                    span,
                    ..claim.content.clone()
                };
                claims::update(
                    &txn,
                    claim.id,
                    claim.version,
                    &moved,
                    &claim.analysis,
                    claim.assignee,
                    at,
                )
                .await?;
                let fields = super::claims::edited_fields(&claim.content, &moved);
                let data = serde_json::json!({ "fields": fields, "reason": "the article body changed" });
                super::claims::record(&txn, claim.id, None, EventKind::Edited, data).await?;
            }
        }
    }
    let updated = Article {
        content,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    super::commit(txn, updated).await
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
