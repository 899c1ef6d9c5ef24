//! Other publishers' fact-checks: one row per review URL, written by
//! imports, read by listings and by repeated-claim matching.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::entities::claim_fact_checks;
use super::entities::fact_checks::{self, Column, Entity};
use super::{Sql, StoreResult};
use crate::domain::factcheck::{ExternalRating, FactCheck, FactCheckContent};
use crate::domain::ids::{ClaimId, FactCheckId};
use crate::domain::page::{Cursor, Limit, Page};
use crate::domain::search::SearchQuery;
use crate::domain::similarity::{Fingerprint, TermCounts};

fn to_domain(row: fact_checks::Model) -> FactCheck {
    FactCheck {
        id: FactCheckId(row.id),
        content: FactCheckContent {
            review_url: row.review_url,
            review_url_key: row.review_url_key,
            publisher_name: row.publisher_name,
            publisher_url: row.publisher_url,
            claim_reviewed: row.claim_reviewed,
            claimant: row.claimant,
            rating: ExternalRating {
                name: row.rating_name,
                value: row.rating_value,
                best: row.best_rating,
                worst: row.worst_rating,
            },
            date_published: row.date_published,
            appearance_url: row.appearance_url,
            body: row.body,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The ids of the fact-checks already stored under these review URL keys.
pub async fn ids_by_key(
    conn: &impl ConnectionTrait,
    keys: impl IntoIterator<Item = String>,
) -> StoreResult<HashMap<String, FactCheckId>> {
    let keys: Vec<String> = keys.into_iter().collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(1000) {
        let rows: Vec<(Uuid, String)> = Entity::find()
            .select_only()
            .column(Column::Id)
            .column(Column::ReviewUrlKey)
            .filter(Column::ReviewUrlKey.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(conn)
            .await?;
        found.extend(rows.into_iter().map(|(id, key)| (key, FactCheckId(id))));
    }
    Ok(found)
}

/// Writes fact-checks, each new or in place of the one with its review URL
/// key (keeping that one's id and creation time).
pub async fn upsert(
    conn: &impl ConnectionTrait,
    items: &[(FactCheckId, FactCheckContent)],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    // 16 columns a row: well inside both databases' parameter limits.
    for chunk in items.chunks(500) {
        let rows = chunk.iter().map(|(id, c)| fact_checks::ActiveModel {
            id: Set(id.0),
            review_url: Set(c.review_url.clone()),
            review_url_key: Set(c.review_url_key.clone()),
            publisher_name: Set(c.publisher_name.clone()),
            publisher_url: Set(c.publisher_url.clone()),
            claim_reviewed: Set(c.claim_reviewed.clone()),
            claimant: Set(c.claimant.clone()),
            rating_name: Set(c.rating.name.clone()),
            rating_value: Set(c.rating.value),
            best_rating: Set(c.rating.best),
            worst_rating: Set(c.rating.worst),
            date_published: Set(c.date_published),
            appearance_url: Set(c.appearance_url.clone()),
            body: Set(c.body.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        });
        Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(Column::ReviewUrlKey)
                    .update_columns([
                        Column::ReviewUrl,
                        Column::PublisherName,
                        Column::PublisherUrl,
                        Column::ClaimReviewed,
                        Column::Claimant,
                        Column::RatingName,
                        Column::RatingValue,
                        Column::BestRating,
                        Column::WorstRating,
                        Column::DatePublished,
                        Column::AppearanceUrl,
                        Column::Body,
                        Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, id: FactCheckId) -> StoreResult<Option<FactCheck>> {
    Ok(Entity::find_by_id(id.0).one(conn).await?.map(to_domain))
}

/// Fact-checks newest first (by when they were last imported), optionally
/// only those matching `search` or from `publisher` (any case).
pub async fn list(
    conn: &impl ConnectionTrait,
    search: Option<&SearchQuery>,
    publisher: Option<&str>,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<FactCheck>> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let mut query = Entity::find();
    if let Some(search) = search {
        query = query.filter(super::search::matching(
            conn.get_database_backend(),
            "fact_checks",
            "fact_checks_fts",
            search,
        ));
    }
    if let Some(publisher) = publisher {
        // ASCII letters in any case, every other character as it is, on
        // both databases: SQLite's lower() folds ASCII only, so PostgreSQL
        // folds with translate() rather than its Unicode lower().
        let name = match conn.get_database_backend() {
            DbBackend::Postgres => Expr::cust(
                "translate(fact_checks.publisher_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
            ),
            _ => Expr::expr(Func::lower(Expr::col((Entity, Column::PublisherName)))),
        };
        query = query.filter(name.eq(publisher.to_ascii_lowercase()));
    }
    let rows = super::newest_first(conn, query, Column::UpdatedAt, Column::Id, limit, after).await?;
    let items: Vec<FactCheck> = rows.into_iter().map(to_domain).collect();
    Ok(Page::from_rows(items, limit, |f: &FactCheck| Cursor {
        created_at: f.updated_at,
        id: f.id.0,
    }))
}

/// Fact-checks whose statement shares the rarest words of `print`: a short
/// list to score, read through the full-text index only. Each rare word
/// brings up to `PER_WORD` statements that have it, and each set of all
/// but one of them (both, of two) up to `PER_WORD` that have them all: when
/// hundreds of imported statements share a place or a subject, the one
/// that shares everything is found even if no single word's first
/// `PER_WORD` include it.
pub async fn candidates(
    conn: &impl ConnectionTrait,
    print: &Fingerprint,
    counts: &TermCounts,
) -> StoreResult<Vec<FactCheck>> {
    const WORDS: usize = 4;
    /// Terms of more claims than this are too common to look up by.
    const COMMON: u64 = 1_000;
    const PER_WORD: i64 = 20;
    let words = print.rare_words(counts, WORDS, COMMON);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut groups: Vec<Vec<&str>> = words.iter().map(|w| vec![*w]).collect();
    match words.len() {
        0 | 1 => {}
        2 => groups.push(words.clone()),
        n => groups.extend((0..n).map(|skip| {
            let mut group = words.clone();
            group.remove(skip);
            group
        })),
    }
    let mut sql = Sql::new(conn.get_database_backend());
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ");
        }
        sql.push("SELECT id FROM (");
        if sql.postgres() {
            sql.push("SELECT f.id FROM fact_checks f WHERE ");
            for (j, word) in group.iter().enumerate() {
                if j > 0 {
                    sql.push(" AND ");
                }
                sql.push("f.search @@ to_tsquery('english', ")
                    .search_words(&format!("{word}:A"))
                    .push(")");
            }
        } else {
            let all: Vec<String> = group
                .iter()
                .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                .collect();
            sql.push(
                "SELECT f.id AS id FROM fact_checks_fts JOIN fact_checks f ON f.rowid = fact_checks_fts.rowid \
                 WHERE fact_checks_fts MATCH ",
            )
            .bind(format!("claim_reviewed : ({})", all.join(" AND ")));
        }
        sql.push(" LIMIT ").bind(PER_WORD).push(&format!(") w{i}"));
    }
    let ids: Vec<Uuid> = sql
        .all(conn)
        .await?
        .iter()
        .map(|row| row.try_get("", "id"))
        .collect::<Result<_, DbErr>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

/// Stores the fact-checks `claim` repeats, in place of those found before.
pub async fn store_matches(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    matches: &[(FactCheckId, f64)],
) -> StoreResult<()> {
    claim_fact_checks::Entity::delete_many()
        .filter(claim_fact_checks::Column::ClaimId.eq(claim.0))
        .exec(conn)
        .await?;
    if matches.is_empty() {
        return Ok(());
    }
    let rows = matches.iter().map(|(id, score)| claim_fact_checks::ActiveModel {
        claim_id: Set(claim.0),
        fact_check_id: Set(id.0),
        score: Set(*score),
    });
    claim_fact_checks::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
