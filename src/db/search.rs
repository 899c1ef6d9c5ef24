//! Full-text search on each database's own engine: PostgreSQL `tsvector`
//! columns with GIN indexes, SQLite FTS5 tables. Triggers (see migration
//! 000006) keep both in step with every write, inside its transaction.
//!
//! Ranks are made "higher is better" on both: `ts_rank` as is, FTS5's bm25
//! negated. Queries reach the engines only as words already split by
//! `SearchQuery`: each word is quoted for FTS5 and PostgreSQL gets them via
//! `plainto_tsquery`, so no input can be a syntax error.

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ConnectionTrait, DbBackend};
use uuid::Uuid;

use super::{Sql, StoreResult};
use crate::domain::claim::ClaimFilter;
use crate::domain::page::{Limit, RankCursor};
use crate::domain::search::SearchQuery;

/// An FTS5 query that matches documents containing every word. Words hold
/// only letters and digits, so quoting them needs no escaping.
pub(super) fn fts5_all(query: &SearchQuery) -> String {
    let quoted: Vec<String> = query.words().iter().map(|w| format!("\"{w}\"")).collect();
    quoted.join(" ")
}

/// A filter on `table` for "matches the search", for listings in time
/// order: its `search` tsvector on PostgreSQL (the words written into the
/// statement, see `Sql::search_words`), its FTS5 table `fts` on SQLite.
/// Used for `claims` and `fact_checks`.
pub(super) fn matching(backend: DbBackend, table: &str, fts: &str, query: &SearchQuery) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => {
            let mut sql = Sql::new(backend);
            sql.push(&format!("{table}.search @@ plainto_tsquery('english', "))
                .search_words(&query.words().join(" "))
                .push(")");
            Expr::cust(sql.text)
        }
        _ => Expr::cust_with_values(
            format!("{table}.rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"),
            [fts5_all(query)],
        ),
    }
}

/// The filters of a claim listing other than the search, on alias `t`.
fn claim_filters(sql: &mut Sql, filter: &ClaimFilter) {
    sql.push(" AND t.deleted_at IS NULL");
    if let Some(article) = filter.article_id {
        sql.push(" AND t.article_id = ").bind(article.0);
    }
    if let Some(status) = filter.status {
        sql.push(" AND t.status = ").bind(status.as_str());
    }
    if let Some(assignee) = filter.assignee {
        sql.push(" AND t.assignee_id = ").bind(assignee.0);
    }
    if let Some(rating) = filter.rating {
        sql.push(" AND t.verdict_rating = ").bind(rating.as_str());
    }
    let times = filter.times;
    for (bound, condition) in [
        (times.created_after, " AND t.created_at > "),
        (times.created_before, " AND t.created_at < "),
        (times.updated_after, " AND t.updated_at > "),
        (times.updated_before, " AND t.updated_at < "),
    ] {
        if let Some(at) = bound {
            sql.push(condition).bind(at);
        }
    }
}

/// Closes a ranked query: only the newest `RANKED_MAX` matches are ranked,
/// then the keyset condition after `after`, best first, and one row more
/// than a page.
fn ranked_page(sql: &mut Sql, searched: &Searched, limit: Limit, after: Option<RankCursor>) {
    if sql.postgres() {
        sql.push(" ORDER BY t.created_at DESC LIMIT ")
            .bind(RANKED_MAX)
            .push(") n) ranked");
    } else {
        // Rowids grow with every insert, and FTS5 walks them backwards from
        // its index, stopping at the limit.
        sql.push(&format!(" ORDER BY {}.rowid DESC LIMIT ", searched.fts))
            .bind(RANKED_MAX)
            .push(") ranked");
    }
    if let Some(c) = after {
        sql.push(" WHERE rank < ")
            .bind(c.rank)
            .push(" OR (rank = ")
            .bind(c.rank)
            .push(" AND id > ")
            .bind(c.id)
            .push(")");
    }
    sql.push(" ORDER BY rank DESC, id ASC LIMIT ")
        .bind((limit.get() + 1) as i64);
}

async fn ranked_ids(conn: &impl ConnectionTrait, sql: Sql) -> StoreResult<Vec<(Uuid, f64)>> {
    let rows = sql.all(conn).await?;
    Ok(rows
        .iter()
        .map(|row| Ok((row.try_get::<Uuid>("", "id")?, row.try_get::<f64>("", "rank")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// At most this many matches of one search are ranked: the newest.
pub const RANKED_MAX: i64 = 1_000;

/// A table searched by relevance; `t` is its alias in the query.
struct Searched {
    table: &'static str,
    /// SQLite: its FTS5 table and the bm25 column weights.
    fts: &'static str,
    weights: &'static str,
}

const CLAIMS: Searched = Searched {
    table: "claims",
    fts: "claims_fts",
    // Text > claimant > article title.
    weights: "4.0, 2.0, 1.0",
};

const ARTICLES: Searched = Searched {
    table: "articles",
    fts: "articles_fts",
    // Title > body.
    weights: "3.0, 1.0",
};

/// `SELECT id, rank FROM (... WHERE <matches>`, left open for filters.
/// Ranking costs time per match, so a search that matches very many rows
/// ranks the newest `RANKED_MAX` of them (after the filters): the latency of
/// a search does not grow with the size of the collection.
fn ranked_matches(backend: DbBackend, searched: &Searched, query: &SearchQuery) -> Sql {
    let Searched { table, fts, weights } = searched;
    let mut sql = Sql::new(backend);
    if sql.postgres() {
        // The rank is computed outside the limited scan, on its rows only;
        // the query is written out in the scan so the planner can see how
        // common its words are.
        let words = query.words().join(" ");
        sql.push("SELECT id, rank FROM (SELECT n.id, ts_rank(n.search, plainto_tsquery('english', ")
            .search_words(&words)
            .push(&format!(
                "))::float8 AS rank FROM (SELECT t.id, t.search FROM {table} t \
                 WHERE t.search @@ plainto_tsquery('english', "
            ))
            .search_words(&words)
            .push(")");
    } else {
        sql.push(&format!(
            "SELECT id, rank FROM (SELECT t.id AS id, -bm25({fts}, {weights}) AS rank \
             FROM {fts} JOIN {table} t ON t.rowid = {fts}.rowid WHERE {fts} MATCH "
        ))
        .bind(fts5_all(query));
    }
    sql
}

/// Ids and ranks of the claims matching `query` and `filter`, best first:
/// one page after `after`, plus one row if more follow.
pub async fn claims(
    conn: &impl ConnectionTrait,
    query: &SearchQuery,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<RankCursor>,
) -> StoreResult<Vec<(Uuid, f64)>> {
    let mut sql = ranked_matches(conn.get_database_backend(), &CLAIMS, query);
    claim_filters(&mut sql, filter);
    ranked_page(&mut sql, &CLAIMS, limit, after);
    ranked_ids(conn, sql).await
}

/// Ids and ranks of the live articles matching `query`, best first.
pub async fn articles(
    conn: &impl ConnectionTrait,
    query: &SearchQuery,
    limit: Limit,
    after: Option<RankCursor>,
) -> StoreResult<Vec<(Uuid, f64)>> {
    let mut sql = ranked_matches(conn.get_database_backend(), &ARTICLES, query);
    sql.push(" AND t.archived_at IS NULL");
    ranked_page(&mut sql, &ARTICLES, limit, after);
    ranked_ids(conn, sql).await
}
