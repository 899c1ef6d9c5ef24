use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    UpdateMany,
};

use std::collections::HashMap;

use sea_orm::DbErr;
use uuid::Uuid;

use super::entities::claim_quantities;
use super::entities::claims::{self, Column, Entity};
use super::{StoreError, StoreResult, Writes};
use crate::domain::claim::{
    Claim, ClaimContent, ClaimFilter, ClaimOrder, ClaimStatus, ClaimText, ExternalMatch, Span, VerdictRecord,
    VerifiedMatch,
};
use crate::domain::export::ClaimRow;
use crate::domain::extract::{Analysis, ClaimKind, ExtractedQuantity, Qualifier};
use crate::domain::ids::{ArticleId, ClaimId, FactCheckId, UserId};
use crate::domain::page::{Cursor, Limit, Page, RankCursor};
use crate::domain::search::SearchQuery;
use crate::domain::similarity::unit_key;
use crate::domain::workflow::Rating;

fn to_domain(row: claims::Model, quantities: Vec<ExtractedQuantity>) -> StoreResult<Claim> {
    // Rows only ever hold values the domain wrote; anything else is corruption.
    let corrupt = |what: &str| StoreError::Database(DbErr::Type(format!("claim {}: bad {what}", row.id)));
    let span = match (row.span_start, row.span_end) {
        (Some(start), Some(end)) if start >= 0 && end >= start => Some(Span {
            start: start as usize,
            end: end as usize,
        }),
        (None, None) => None,
        _ => return Err(corrupt("span")),
    };
    let kind = match row.kind.as_deref() {
        Some(k) => Some(ClaimKind::parse(k).ok_or_else(|| corrupt("kind"))?),
        None => None,
    };
    Ok(Claim {
        id: ClaimId(row.id),
        article_id: row.article_id.map(ArticleId),
        status: ClaimStatus::parse(&row.status).map_err(|_| corrupt("status"))?,
        content: ClaimContent {
            text: ClaimText::parse(row.text).map_err(|_| corrupt("text"))?,
            span,
            claimant: row.claimant,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
        created_by: row.created_by.map(UserId),
        analysis: Analysis {
            kind,
            checkworthiness: row.checkworthiness,
            quantities,
        },
        assignee: row.assignee_id.map(UserId),
        verdict: match (
            row.verdict_rating,
            row.verdict_summary,
            row.verdict_proposed_by,
            row.verdict_proposed_at,
        ) {
            (Some(rating), Some(summary), Some(by), Some(at)) => Some(VerdictRecord {
                rating: Rating::parse(&rating).ok_or_else(|| corrupt("verdict rating"))?,
                summary,
                proposed_by: UserId(by),
                proposed_at: at,
                approved_by: row.verdict_approved_by.map(UserId),
                approved_at: row.verdict_approved_at,
            }),
            _ => None,
        },
        similar_verified: None,
        similar_external: None,
    })
}

/// A claim row with, in the same statement, its quantities and its best
/// verified repeat as JSON (see `shown`).
struct ShownRow {
    claim: claims::Model,
    quantities: Option<String>,
    verified: Option<String>,
    external: Option<String>,
}

impl sea_orm::FromQueryResult for ShownRow {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            claim: claims::Model::from_query_result(row, pre)?,
            quantities: row.try_get(pre, "shown_quantities")?,
            verified: row.try_get(pre, "shown_verified")?,
            external: row.try_get(pre, "shown_external")?,
        })
    }
}

/// A quantity as `shown` writes it in JSON (and as `claims.quantities_json`
/// holds it).
#[derive(serde::Deserialize, serde::Serialize)]
struct QuantityJson {
    value: f64,
    value_max: Option<f64>,
    of: Option<f64>,
    unit: Option<String>,
    qualifier: String,
    text: String,
    start: i64,
    end: i64,
}

/// A claim's quantities as the JSON kept on its row.
fn quantities_json(quantities: &[ExtractedQuantity]) -> String {
    let rows: Vec<QuantityJson> = quantities
        .iter()
        .map(|q| QuantityJson {
            value: q.value,
            value_max: q.value_max,
            of: q.of,
            unit: q.unit.clone(),
            qualifier: q.qualifier.as_str().to_owned(),
            text: q.text.clone(),
            start: q.start as i64,
            end: q.end as i64,
        })
        .collect();
    serde_json::to_string(&rows).expect("quantities serialise")
}

/// A verified repeat as `shown` writes it in JSON.
#[derive(serde::Deserialize)]
struct VerifiedJson {
    match_id: Uuid,
    score: f64,
    rating: String,
    summary: String,
    approved_at: String,
}

/// An external fact-check repeat as `shown` writes it in JSON.
#[derive(serde::Deserialize)]
struct ExternalJson {
    fact_check_id: Uuid,
    score: f64,
    publisher: String,
    review_url: String,
    claim_reviewed: String,
    rating: Option<String>,
}

/// `claims.extras` bits (migration 13): which optional parts a claim may
/// have. The database's triggers set a bit when such a row is inserted,
/// and nothing clears it, so a set bit may be stale but a part never exists
/// without its bit: a claim whose `extras` is 0 is shown from its row alone.
pub const EXTRAS_REPEATS: i32 = 1;
/// Rows in `claim_fact_checks`.
pub const EXTRAS_FACT_CHECKS: i32 = 2;
/// Rows in `claim_links`, on either side.
pub const EXTRAS_LINKS: i32 = 4;

/// Adds to a claims query, as three more columns, each claim's quantities,
/// its best verified repeat and its best external fact-check, as JSON built
/// by the database: a claim as the API shows it is then one statement, not
/// four.
fn shown(query: sea_orm::Select<Entity>, backend: sea_orm::DbBackend) -> sea_orm::Select<Entity> {
    use sea_orm::sea_query::Expr;
    let (quantities, verified, external) = if backend == sea_orm::DbBackend::Postgres {
        (
            "(SELECT json_agg(json_build_object('value', q.value, 'value_max', q.value_max, 'of', q.of_value, \
             'unit', q.unit, 'qualifier', q.qualifier, 'text', q.text, 'start', q.span_start, 'end', q.span_end) \
             ORDER BY q.position)::text FROM claim_quantities q WHERE q.claim_id = \"claims\".\"id\")",
            "(SELECT json_build_object('match_id', m.match_id, 'score', m.score, 'rating', v.verdict_rating, \
             'summary', v.verdict_summary, 'approved_at', v.verdict_approved_at)::text \
             FROM claim_matches m JOIN claims v ON v.id = m.match_id \
             WHERE m.claim_id = \"claims\".\"id\" AND v.status = 'verified' AND v.deleted_at IS NULL \
             AND v.verdict_approved_at IS NOT NULL \
             ORDER BY m.score DESC, v.verdict_approved_at DESC LIMIT 1)",
            "(SELECT json_build_object('fact_check_id', f.id, 'score', m.score, 'publisher', f.publisher_name, \
             'review_url', f.review_url, 'claim_reviewed', f.claim_reviewed, 'rating', f.rating_name)::text \
             FROM claim_fact_checks m JOIN fact_checks f ON f.id = m.fact_check_id \
             WHERE m.claim_id = \"claims\".\"id\" ORDER BY m.score DESC, f.updated_at DESC LIMIT 1)",
        )
    } else {
        (
            "(SELECT json_group_array(json_object('value', q.value, 'value_max', q.value_max, 'of', q.of_value, \
             'unit', q.unit, 'qualifier', q.qualifier, 'text', q.text, 'start', q.span_start, 'end', q.span_end)) \
             FROM (SELECT * FROM claim_quantities WHERE claim_id = \"claims\".\"id\" ORDER BY position) q)",
            // UUIDs are stored as 16-byte blobs, which JSON cannot hold.
            "(SELECT json_object('match_id', lower(hex(m.match_id)), 'score', m.score, 'rating', v.verdict_rating, \
             'summary', v.verdict_summary, 'approved_at', v.verdict_approved_at) \
             FROM claim_matches m JOIN claims v ON v.id = m.match_id \
             WHERE m.claim_id = \"claims\".\"id\" AND v.status = 'verified' AND v.deleted_at IS NULL \
             AND v.verdict_approved_at IS NOT NULL \
             ORDER BY m.score DESC, v.verdict_approved_at DESC LIMIT 1)",
            "(SELECT json_object('fact_check_id', lower(hex(f.id)), 'score', m.score, 'publisher', f.publisher_name, \
             'review_url', f.review_url, 'claim_reviewed', f.claim_reviewed, 'rating', f.rating_name) \
             FROM claim_fact_checks m JOIN fact_checks f ON f.id = m.fact_check_id \
             WHERE m.claim_id = \"claims\".\"id\" ORDER BY m.score DESC, f.updated_at DESC LIMIT 1)",
        )
    };
    // Quantities are kept as JSON on the row; rows from before that was so
    // are read from `claim_quantities`.
    let quantities = format!("COALESCE(\"claims\".\"quantities_json\", {quantities})");
    // Most claims have no match: `extras` and then an index probe spare
    // them the sorted look-up (on PostgreSQL, the probe halved what a
    // page's two match columns cost to run; on SQLite, `extras` spares a
    // page's rows the probes too).
    let verified = format!(
        "CASE WHEN (\"claims\".\"extras\" & {EXTRAS_REPEATS}) <> 0 \
         AND EXISTS (SELECT 1 FROM claim_matches g WHERE g.claim_id = \"claims\".\"id\") THEN {verified} END"
    );
    let external = format!(
        "CASE WHEN (\"claims\".\"extras\" & {EXTRAS_FACT_CHECKS}) <> 0 \
         AND EXISTS (SELECT 1 FROM claim_fact_checks g WHERE g.claim_id = \"claims\".\"id\") \
         THEN {external} END"
    );
    query
        .column_as(Expr::cust(quantities), "shown_quantities")
        .column_as(Expr::cust(verified), "shown_verified")
        .column_as(Expr::cust(external), "shown_external")
}

/// Runs a claims query as the API shows claims: one statement (two on
/// PostgreSQL when a claim has more than its row, see `load_flagged`).
async fn load_shown(conn: &impl ConnectionTrait, query: sea_orm::Select<Entity>) -> StoreResult<Vec<Claim>> {
    let backend = conn.get_database_backend();
    if backend == sea_orm::DbBackend::Postgres {
        let rows = load_flagged(conn, query, None, false).await?;
        return from_shown(rows.into_iter().map(|(row, _)| row).collect());
    }
    let rows = shown(query, backend).into_model::<ShownRow>().all(conn).await?;
    from_shown(rows)
}

/// The SQL that tells whether a claim has links (`EXTRAS_LINKS` first).
const LINKED: &str = "((\"claims\".\"extras\" & 4) <> 0 AND EXISTS (SELECT 1 FROM claim_links l \
                      WHERE l.claim_id = \"claims\".\"id\" OR l.other_id = \"claims\".\"id\"))";

/// A claims row with `shown_extras`, read from PostgreSQL straight from
/// sqlx. sea-orm's own reads format the column's name on every call, and
/// the name again for every NULL: on a page of fifty claims that was a third
/// of the server's CPU (`perf`, `GET /claims?limit=50`).
fn pg_flagged(row: &sea_orm::sqlx::postgres::PgRow) -> Result<(claims::Model, i32), sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Row;
    let claim = claims::Model {
        id: row.try_get("id")?,
        article_id: row.try_get("article_id")?,
        text: row.try_get("text")?,
        span_start: row.try_get("span_start")?,
        span_end: row.try_get("span_end")?,
        claimant: row.try_get("claimant")?,
        status: row.try_get("status")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        deleted_at: row.try_get("deleted_at")?,
        version: row.try_get("version")?,
        created_by: row.try_get("created_by")?,
        kind: row.try_get("kind")?,
        checkworthiness: row.try_get("checkworthiness")?,
        assignee_id: row.try_get("assignee_id")?,
        verdict_rating: row.try_get("verdict_rating")?,
        verdict_summary: row.try_get("verdict_summary")?,
        verdict_proposed_by: row.try_get("verdict_proposed_by")?,
        verdict_proposed_at: row.try_get("verdict_proposed_at")?,
        verdict_approved_by: row.try_get("verdict_approved_by")?,
        verdict_approved_at: row.try_get("verdict_approved_at")?,
        quantities_json: row.try_get("quantities_json")?,
    };
    Ok((claim, row.try_get("shown_extras")?))
}

/// PostgreSQL: the claims of `query` (up to `limit`, written into the
/// statement), as `shown` would give them, and whether each has links
/// (read only `with_links`).
///
/// PostgreSQL sets up each of `shown`'s subqueries every time a statement
/// runs, found or not, and that set-up was most of what a claim cost it
/// (see migration 13). So the rows are read plainly with `claims.extras`,
/// and only the claims whose `extras` says they may have more (or whose
/// quantities predate `quantities_json`) are read again with `shown`'s
/// columns, in one statement for all of them. Most claims have nothing
/// more: they cost one plain statement.
async fn load_flagged(
    conn: &impl ConnectionTrait,
    query: sea_orm::Select<Entity>,
    limit: Option<u64>,
    with_links: bool,
) -> StoreResult<Vec<(ShownRow, bool)>> {
    use sea_orm::{FromQueryResult, QueryTrait};
    struct Flagged {
        claim: claims::Model,
        extras: i32,
    }
    impl FromQueryResult for Flagged {
        fn from_query_result(row: &sea_orm::QueryResult, _pre: &str) -> Result<Self, DbErr> {
            let row = row
                .try_as_pg_row()
                .ok_or_else(|| DbErr::Type("load_flagged reads PostgreSQL rows only".into()))?;
            let (claim, extras) = pg_flagged(row).map_err(|e| DbErr::Type(format!("a claims row: {e}")))?;
            Ok(Self { claim, extras })
        }
    }
    struct More {
        id: Uuid,
        shown: ShownRow,
        linked: bool,
    }
    let backend = conn.get_database_backend();
    let query = query.column_as(Expr::cust("\"claims\".\"extras\""), "shown_extras");
    let statement = match limit {
        Some(limit) => super::with_written_limit(query, limit, backend),
        None => query.build(backend),
    };
    let rows = Flagged::find_by_statement(statement).all(conn).await?;
    let wanted = |row: &Flagged| {
        let links = if with_links { EXTRAS_LINKS } else { 0 };
        row.claim.quantities_json.is_none() || row.extras & (EXTRAS_REPEATS | EXTRAS_FACT_CHECKS | links) != 0
    };
    let ids: Vec<Uuid> = rows.iter().filter(|r| wanted(r)).map(|r| r.claim.id).collect();
    let mut more: HashMap<Uuid, More> = HashMap::new();
    if !ids.is_empty() {
        let mut query = shown(Entity::find().filter(Column::Id.is_in(ids)), backend);
        if with_links {
            query = query.column_as(Expr::cust(LINKED), "shown_linked");
        }
        struct Read(More);
        impl FromQueryResult for Read {
            fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, DbErr> {
                let shown = ShownRow::from_query_result(row, pre)?;
                // Asked for only `with_links`.
                let linked: Option<bool> = row.try_get(pre, "shown_linked").ok();
                Ok(Self(More {
                    id: shown.claim.id,
                    shown,
                    linked: linked.unwrap_or(false),
                }))
            }
        }
        for Read(found) in query.into_model::<Read>().all(conn).await? {
            more.insert(found.id, found);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| match more.remove(&row.claim.id) {
            // Read again just now: what the second statement saw.
            Some(found) => (
                ShownRow {
                    claim: row.claim,
                    ..found.shown
                },
                found.linked,
            ),
            None => {
                let quantities = row.claim.quantities_json.clone();
                (
                    ShownRow {
                        claim: row.claim,
                        quantities,
                        verified: None,
                        external: None,
                    },
                    false,
                )
            }
        })
        .collect())
}

/// Up to `limit` claims of `query` (whose own limit is replaced), as the
/// API shows claims, in no particular order: one statement, with the limit
/// written into it (see `with_written_limit`), read the way that is
/// cheapest on each database.
async fn load_shown_page(
    conn: &impl ConnectionTrait,
    query: sea_orm::Select<Entity>,
    limit: u64,
) -> StoreResult<Vec<Claim>> {
    let backend = conn.get_database_backend();
    if backend == sea_orm::DbBackend::Postgres {
        let rows = load_flagged(conn, query, Some(limit), false).await?;
        return from_shown(rows.into_iter().map(|(row, _)| row).collect());
    }
    load_packed(
        conn,
        super::with_written_limit(shown(query, backend), limit, backend),
    )
    .await
}

/// A claim as `load_packed` reads it: the row and what `shown` adds,
/// already parsed from the one JSON value.
#[derive(serde::Deserialize)]
struct PackedRow {
    c: claims::Model,
    q: Option<Vec<QuantityJson>>,
    v: Option<VerifiedJson>,
    e: Option<ExternalJson>,
}

/// Runs `inner`, a claims query with the columns `shown` adds, on SQLite,
/// with the whole result built by the database as one JSON array in one
/// row. A page of claims is then one value to hand over, not one row each:
/// SQLite's driver passes every row from its worker thread to the request's
/// task, and those hand-overs were most of a page's cost. (On PostgreSQL,
/// whose rows arrive in the request's task, building the JSON in the
/// server cost more than it saved.) SQL does not promise that an aggregate
/// keeps the order of its subquery: callers sort.
async fn load_packed(conn: &impl ConnectionTrait, inner: sea_orm::Statement) -> StoreResult<Vec<Claim>> {
    use sea_orm::{ColumnType, IdenStatic, Iterable};
    // Every column of the row, so that the object reads as a `claims::Model`.
    let columns: Vec<String> = Column::iter()
        // The quantities come as `shown_quantities`, parsed once.
        .filter(|column| !matches!(column, Column::QuantitiesJson))
        .map(|column| {
            let name = column.as_str();
            // UUIDs are 16-byte blobs in SQLite, which JSON cannot hold
            // (and `hex(NULL)` is '', not NULL).
            let value = if matches!(column.def().get_column_type(), ColumnType::Uuid) {
                format!("CASE WHEN s.{name} IS NULL THEN NULL ELSE lower(hex(s.{name})) END")
            } else {
                format!("s.{name}")
            };
            format!("'{name}', {value}")
        })
        .collect();
    let sql = format!(
        "SELECT json_group_array(json_object('c', json_object({}), \
         'q', json(s.shown_quantities), 'v', json(s.shown_verified), 'e', json(s.shown_external))) \
         FROM ({}) s",
        columns.join(", "),
        inner.sql
    );
    let statement = sea_orm::Statement { sql, ..inner };
    let json: String = match conn.query_one_raw(statement).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => return Ok(Vec::new()),
    };
    let rows: Vec<PackedRow> = serde_json::from_str(&json)
        .map_err(|e| StoreError::Database(DbErr::Type(format!("claims page: bad JSON ({e})"))))?;
    rows.into_iter()
        .map(|row| to_shown_claim(row.c, row.q.unwrap_or_default(), row.v, row.e))
        .collect()
}

/// The columns of `shown` that `direct_row` reads, in this order.
const SHOWN_COLUMNS: [&str; 24] = [
    "id",
    "article_id",
    "text",
    "span_start",
    "span_end",
    "claimant",
    "status",
    "created_at",
    "updated_at",
    "deleted_at",
    "version",
    "created_by",
    "kind",
    "checkworthiness",
    "assignee_id",
    "verdict_rating",
    "verdict_summary",
    "verdict_proposed_by",
    "verdict_proposed_at",
    "verdict_approved_by",
    "verdict_approved_at",
    "shown_quantities",
    "shown_verified",
    "shown_external",
];

/// Where each of `SHOWN_COLUMNS` stands in a result.
fn direct_columns(columns: &super::direct::Columns<'_>) -> Option<[usize; 24]> {
    let mut at = [0; 24];
    for (slot, name) in at.iter_mut().zip(SHOWN_COLUMNS) {
        *slot = columns.position(name)?;
    }
    Some(at)
}

/// A row of `shown` as `direct` reads it (see `db::direct`); None for a
/// value that is not as sqlx would have written it.
fn direct_row(at: &[usize; 24], row: &rusqlite::Row<'_>) -> Option<ShownRow> {
    use super::direct::{time, uuid};
    let text = |i: usize| -> Option<Option<String>> { row.get(at[i]).ok() };
    let claim = claims::Model {
        id: uuid(row, at[0])??,
        article_id: uuid(row, at[1])?,
        text: text(2)??,
        span_start: row.get(at[3]).ok()?,
        span_end: row.get(at[4]).ok()?,
        claimant: text(5)?,
        status: text(6)??,
        created_at: time(row, at[7])??,
        updated_at: time(row, at[8])??,
        deleted_at: time(row, at[9])?,
        version: row.get(at[10]).ok()?,
        created_by: uuid(row, at[11])?,
        kind: text(12)?,
        checkworthiness: row.get(at[13]).ok()?,
        assignee_id: uuid(row, at[14])?,
        verdict_rating: text(15)?,
        verdict_summary: text(16)?,
        verdict_proposed_by: uuid(row, at[17])?,
        verdict_proposed_at: time(row, at[18])?,
        verdict_approved_by: uuid(row, at[19])?,
        verdict_approved_at: time(row, at[20])?,
        // Read as `shown_quantities`.
        quantities_json: None,
    };
    Some(ShownRow {
        claim,
        quantities: text(21)?,
        verified: text(22)?,
        external: text(23)?,
    })
}

/// Maps rows read with `shown` to claims, with no further query.
fn from_shown(rows: Vec<ShownRow>) -> StoreResult<Vec<Claim>> {
    rows.into_iter()
        .map(|row| {
            let id = row.claim.id;
            let bad = |what: &str| StoreError::Database(DbErr::Type(format!("claim {id}: bad {what}")));
            let quantities: Vec<QuantityJson> = match row.quantities.as_deref() {
                Some(json) => serde_json::from_str(json).map_err(|_| bad("quantities"))?,
                None => Vec::new(),
            };
            let verified: Option<VerifiedJson> = match row.verified.as_deref() {
                Some(json) => Some(serde_json::from_str(json).map_err(|_| bad("verified repeat"))?),
                None => None,
            };
            let external: Option<ExternalJson> = match row.external.as_deref() {
                Some(json) => Some(serde_json::from_str(json).map_err(|_| bad("external fact-check"))?),
                None => None,
            };
            to_shown_claim(row.claim, quantities, verified, external)
        })
        .collect()
}

/// A claim as the API shows it, from its row and what `shown` adds.
fn to_shown_claim(
    row: claims::Model,
    quantities: Vec<QuantityJson>,
    verified: Option<VerifiedJson>,
    external: Option<ExternalJson>,
) -> StoreResult<Claim> {
    let id = row.id;
    let bad = |what: &str| StoreError::Database(DbErr::Type(format!("claim {id}: bad {what}")));
    let quantities = quantities
        .into_iter()
        .map(|q| {
            Ok(ExtractedQuantity {
                qualifier: Qualifier::parse(&q.qualifier).ok_or_else(|| bad("qualifier"))?,
                value: q.value,
                value_max: q.value_max,
                of: q.of,
                unit: q.unit,
                text: q.text,
                start: q.start.max(0) as usize,
                end: q.end.max(0) as usize,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let mut claim = to_domain(row, quantities)?;
    if let Some(v) = verified {
        claim.similar_verified = Some(VerifiedMatch {
            claim_id: ClaimId(v.match_id),
            score: v.score,
            rating: Rating::parse(&v.rating).ok_or_else(|| bad("verified rating"))?,
            summary: v.summary,
            approved_at: DateTime::parse_from_rfc3339(&v.approved_at)
                .map_err(|_| bad("approval time"))?
                .with_timezone(&Utc),
        });
    }
    if let Some(e) = external {
        claim.similar_external = Some(ExternalMatch {
            fact_check_id: FactCheckId(e.fact_check_id),
            score: e.score,
            publisher: e.publisher,
            review_url: e.review_url,
            claim_reviewed: e.claim_reviewed,
            rating: e.rating,
        });
    }
    Ok(claim)
}

/// Maps rows to claims with their quantities, loaded in one query.
async fn with_quantities(conn: &impl ConnectionTrait, rows: Vec<claims::Model>) -> StoreResult<Vec<Claim>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut by_claim: HashMap<Uuid, Vec<ExtractedQuantity>> = HashMap::new();
    if !ids.is_empty() {
        let found = claim_quantities::Entity::find()
            .filter(claim_quantities::Column::ClaimId.is_in(ids))
            .order_by_asc(claim_quantities::Column::ClaimId)
            .order_by_asc(claim_quantities::Column::Position)
            .all(conn)
            .await?;
        for q in found {
            let qualifier = Qualifier::parse(&q.qualifier).ok_or_else(|| {
                StoreError::Database(DbErr::Type(format!("quantity {}: bad qualifier", q.id)))
            })?;
            by_claim.entry(q.claim_id).or_default().push(ExtractedQuantity {
                value: q.value,
                value_max: q.value_max,
                of: q.of_value,
                unit: q.unit,
                qualifier,
                text: q.text,
                start: Ord::max(q.span_start, 0) as usize,
                end: Ord::max(q.span_end, 0) as usize,
            });
        }
    }
    rows.into_iter()
        .map(|row| {
            let quantities = by_claim.remove(&row.id).unwrap_or_default();
            to_domain(row, quantities)
        })
        .collect()
}

/// Replaces the rows of `claim_quantities` for a claim (the caller writes
/// the row's own `quantities_json` with the rest of the claim).
async fn store_quantities(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    quantities: &[ExtractedQuantity],
) -> StoreResult<()> {
    claim_quantities::Entity::delete_many()
        .filter(claim_quantities::Column::ClaimId.eq(claim.0))
        .exec(conn)
        .await?;
    if quantities.is_empty() {
        return Ok(());
    }
    let rows = quantity_rows(claim, quantities);
    claim_quantities::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

fn quantity_rows(
    claim: ClaimId,
    quantities: &[ExtractedQuantity],
) -> impl Iterator<Item = claim_quantities::ActiveModel> + '_ {
    quantities
        .iter()
        .enumerate()
        .map(move |(position, q)| claim_quantities::ActiveModel {
            id: Set(Uuid::now_v7()),
            claim_id: Set(claim.0),
            position: Set(position as i32),
            value: Set(q.value),
            value_max: Set(q.value_max),
            of_value: Set(q.of),
            unit: Set(q.unit.clone()),
            unit_key: Set(q.unit.as_deref().map(unit_key)),
            qualifier: Set(q.qualifier.as_str().to_owned()),
            text: Set(q.text.clone()),
            span_start: Set(q.start as i32),
            span_end: Set(q.end as i32),
        })
}

fn span_columns(span: Option<Span>) -> (Option<i32>, Option<i32>) {
    // Article bodies are capped far below i32::MAX code points.
    match span {
        Some(s) => (Some(s.start as i32), Some(s.end as i32)),
        None => (None, None),
    }
}

fn row(claim: &Claim) -> claims::ActiveModel {
    let (span_start, span_end) = span_columns(claim.content.span);
    claims::ActiveModel {
        id: Set(claim.id.0),
        article_id: Set(claim.article_id.map(|a| a.0)),
        text: Set(claim.content.text.as_str().to_owned()),
        span_start: Set(span_start),
        span_end: Set(span_end),
        claimant: Set(claim.content.claimant.clone()),
        status: Set(claim.status.as_str().to_owned()),
        created_at: Set(claim.created_at),
        updated_at: Set(claim.updated_at),
        deleted_at: Set(None),
        version: Set(claim.version),
        created_by: Set(claim.created_by.map(|u| u.0)),
        kind: Set(claim.analysis.kind.map(|k| k.as_str().to_owned())),
        checkworthiness: Set(claim.analysis.checkworthiness),
        assignee_id: Set(None),
        verdict_rating: Set(None),
        verdict_summary: Set(None),
        verdict_proposed_by: Set(None),
        verdict_proposed_at: Set(None),
        verdict_approved_by: Set(None),
        verdict_approved_at: Set(None),
        quantities_json: Set(Some(quantities_json(&claim.analysis.quantities))),
    }
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    article_id: Option<ArticleId>,
    content: ClaimContent,
    analysis: Analysis,
    created_by: UserId,
    now: DateTime<Utc>,
) -> StoreResult<Claim> {
    let claim = new_claim(article_id, content, analysis, created_by, now);
    insert_many(conn, std::slice::from_ref(&claim)).await?;
    Ok(claim)
}

/// A claim as it is first stored: unverified, version 1.
pub fn new_claim(
    article_id: Option<ArticleId>,
    content: ClaimContent,
    analysis: Analysis,
    created_by: UserId,
    now: DateTime<Utc>,
) -> Claim {
    Claim {
        id: ClaimId::generate(),
        article_id,
        content,
        status: ClaimStatus::Unverified,
        created_at: now,
        updated_at: now,
        version: 1,
        created_by: Some(created_by),
        analysis,
        assignee: None,
        verdict: None,
        similar_verified: None,
        similar_external: None,
    }
}

/// Stores many new claims with their quantities, a few statements per
/// thousand rows.
pub async fn insert_many(conn: &impl ConnectionTrait, claims: &[Claim]) -> StoreResult<()> {
    let mut writes = Writes::new(conn.get_database_backend());
    insert_many_into(&mut writes, claims);
    Ok(writes.run(conn).await?)
}

/// `insert_many`'s statements, built to run later.
pub fn insert_many_into(writes: &mut Writes, claims: &[Claim]) {
    for chunk in claims.chunks(1000) {
        writes.insert(chunk.iter().map(row));
        let quantities: Vec<claim_quantities::ActiveModel> = chunk
            .iter()
            .flat_map(|c| quantity_rows(c.id, &c.analysis.quantities))
            .collect();
        for rows in quantities.chunks(2000) {
            writes.insert(rows.iter().cloned());
        }
    }
}

/// A claim that has not been deleted, as the API shows it (one statement).
pub async fn find(conn: &impl ConnectionTrait, id: ClaimId) -> StoreResult<Option<Claim>> {
    let query = Entity::find_by_id(id.0).filter(Column::DeletedAt.is_null());
    Ok(load_shown(conn, query).await?.pop())
}

/// A claim that has not been deleted, as the API shows it, and whether it
/// has any links — in one statement, so a claim without links (most) costs
/// no second one.
pub async fn find_with_link_flag(db: &DatabaseConnection, id: ClaimId) -> StoreResult<Option<(Claim, bool)>> {
    struct Row {
        shown: ShownRow,
        linked: bool,
    }
    impl sea_orm::FromQueryResult for Row {
        fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, DbErr> {
            Ok(Self {
                shown: ShownRow::from_query_result(row, pre)?,
                linked: row.try_get(pre, "shown_linked")?,
            })
        }
    }
    let query = Entity::find_by_id(id.0).filter(Column::DeletedAt.is_null());
    let backend = db.get_database_backend();
    if backend == sea_orm::DbBackend::Postgres {
        let Some((row, linked)) = load_flagged(db, query, Some(1), true).await?.pop() else {
            return Ok(None);
        };
        return Ok(from_shown(vec![row])?.pop().map(|claim| (claim, linked)));
    }
    let query = shown(query, backend).column_as(Expr::cust(LINKED), "shown_linked");
    let direct = super::direct::readers(db).and_then(|readers| {
        let statement = super::with_written_limit(query.clone(), 1, backend);
        readers.query(
            &statement,
            |columns| Some((direct_columns(columns)?, columns.position("shown_linked")?)),
            |(at, linked), row| Some((direct_row(at, row)?, row.get::<_, bool>(*linked).ok()?)),
        )
    });
    let row = match direct {
        Some(mut rows) => rows.pop().map(|(shown, linked)| Row { shown, linked }),
        None => query.into_model::<Row>().one(db).await?,
    };
    let Some(row) = row else {
        return Ok(None);
    };
    let linked = row.linked;
    Ok(from_shown(vec![row.shown])?.pop().map(|claim| (claim, linked)))
}

/// A claim, deleted or not (for telling integrations about a deletion).
pub async fn find_any(conn: &impl ConnectionTrait, id: ClaimId) -> StoreResult<Option<Claim>> {
    Ok(load_shown(conn, Entity::find_by_id(id.0)).await?.pop())
}

/// The status of a claim that exists and has not been deleted. With `lock`,
/// the row is locked until the transaction ends (PostgreSQL; SQLite's write
/// transactions already exclude each other), so a concurrent status change
/// waits for the caller's write instead of slipping past its check.
pub async fn live_status(
    conn: &impl ConnectionTrait,
    id: ClaimId,
    lock: bool,
) -> StoreResult<Option<ClaimStatus>> {
    let mut query = Entity::find_by_id(id.0)
        .filter(Column::DeletedAt.is_null())
        .select_only()
        .column(Column::Status);
    if lock {
        query = query.lock_exclusive();
    }
    match query.into_tuple::<String>().one(conn).await? {
        Some(status) => ClaimStatus::parse(&status)
            .map(Some)
            .map_err(|_| StoreError::Database(DbErr::Type(format!("claim {id}: bad status")))),
        None => Ok(None),
    }
}

/// The live claims that `filter` selects (its order aside).
fn filtered(backend: sea_orm::DbBackend, filter: &ClaimFilter) -> sea_orm::Select<Entity> {
    let mut query = Entity::find().filter(Column::DeletedAt.is_null());
    if let Some(article) = filter.article_id {
        query = query.filter(Column::ArticleId.eq(article.0));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    if let Some(search) = &filter.search {
        query = query.filter(super::search::matching(backend, "claims", "claims_fts", search));
    }
    if let Some(assignee) = filter.assignee {
        query = query.filter(Column::AssigneeId.eq(assignee.0));
    }
    if let Some(rating) = filter.rating {
        query = query.filter(Column::VerdictRating.eq(rating.as_str()));
    }
    let times = filter.times;
    for (bound, column, after) in [
        (times.created_after, Column::CreatedAt, true),
        (times.created_before, Column::CreatedAt, false),
        (times.updated_after, Column::UpdatedAt, true),
        (times.updated_before, Column::UpdatedAt, false),
    ] {
        if let Some(at) = bound {
            query = query.filter(if after { column.gt(at) } else { column.lt(at) });
        }
    }
    query
}

/// The column a listing in `order` is sorted by, newest first.
fn time_column(order: ClaimOrder) -> Column {
    if order == ClaimOrder::Updated {
        Column::UpdatedAt
    } else {
        Column::CreatedAt
    }
}

/// Claims matching `filter`, newest first.
pub async fn list(
    db: &DatabaseConnection,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Claim>> {
    let backend = db.get_database_backend();
    let query = filtered(backend, filter);
    let by_updated = filter.order == ClaimOrder::Updated;
    let query = super::newest_first_query(query, time_column(filter.order), Column::Id, limit, after);
    let direct = super::direct::readers(db).and_then(|readers| {
        let statement = super::with_written_limit(shown(query.clone(), backend), limit.get() + 1, backend);
        readers.query(&statement, direct_columns, direct_row)
    });
    let mut items = match direct {
        Some(rows) => from_shown(rows)?,
        None => load_shown_page(db, query, limit.get() + 1).await?,
    };
    let key = |c: &Claim| Cursor {
        created_at: if by_updated { c.updated_at } else { c.created_at },
        id: c.id.0,
    };
    items.sort_by_key(|c| {
        let Cursor { created_at, id } = key(c);
        std::cmp::Reverse((created_at, id))
    });
    Ok(Page::from_rows(items, limit, key))
}

/// Claims matching `search` and `filter`, best match first.
pub async fn search(
    conn: &impl ConnectionTrait,
    search: &SearchQuery,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<RankCursor>,
) -> StoreResult<Page<Claim, RankCursor>> {
    let ranked = super::search::claims(conn, search, filter, limit, after).await?;
    let ranks: HashMap<Uuid, f64> = ranked.iter().copied().collect();
    let ids: Vec<Uuid> = ranked.iter().map(|(id, _)| *id).collect();
    let items = in_order(conn, &ids, true).await?;
    Ok(Page::from_rows(items, limit, |c: &Claim| RankCursor {
        rank: ranks[&c.id.0],
        id: c.id.0,
    }))
}

/// The wording (text and claimant) of the live claims among `ids`: what a
/// claim's repeats are found from, read without the rest of the row.
pub async fn wordings(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> StoreResult<HashMap<ClaimId, (String, Option<String>)>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(Uuid, String, Option<String>)> = Entity::find()
            .select_only()
            .columns([Column::Id, Column::Text, Column::Claimant])
            .filter(Column::Id.is_in(chunk.iter().copied()))
            .filter(Column::DeletedAt.is_null())
            .into_tuple()
            .all(conn)
            .await?;
        found.extend(
            rows.into_iter()
                .map(|(id, text, claimant)| (ClaimId(id), (text, claimant))),
        );
    }
    Ok(found)
}

/// The live claims among `ids`, in the order of `ids`; `shown` adds what the
/// API shows beyond the row (the best verified repeat).
pub async fn in_order(conn: &impl ConnectionTrait, ids: &[Uuid], shown: bool) -> StoreResult<Vec<Claim>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let query = Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::DeletedAt.is_null());
    let mut claims = if shown {
        load_shown_page(conn, query, ids.len() as u64).await?
    } else {
        with_quantities(conn, query.all(conn).await?).await?
    };
    let position: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    claims.sort_by_key(|c| position[&c.id.0]);
    Ok(claims)
}

/// Writes the workflow fields — status, assignee, verdict — if the stored
/// version is still `expected`.
pub async fn update_workflow(
    conn: &impl ConnectionTrait,
    id: ClaimId,
    expected: i64,
    status: ClaimStatus,
    assignee: Option<UserId>,
    verdict: Option<&VerdictRecord>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let update = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(Column::AssigneeId, Expr::value(assignee.map(|a| a.0)))
        .col_expr(
            Column::VerdictRating,
            Expr::value(verdict.map(|v| v.rating.as_str())),
        )
        .col_expr(
            Column::VerdictSummary,
            Expr::value(verdict.map(|v| v.summary.clone())),
        )
        .col_expr(
            Column::VerdictProposedBy,
            Expr::value(verdict.map(|v| v.proposed_by.0)),
        )
        .col_expr(
            Column::VerdictProposedAt,
            Expr::value(verdict.map(|v| v.proposed_at)),
        )
        .col_expr(
            Column::VerdictApprovedBy,
            Expr::value(verdict.and_then(|v| v.approved_by.map(|a| a.0))),
        )
        .col_expr(
            Column::VerdictApprovedAt,
            Expr::value(verdict.and_then(|v| v.approved_at)),
        );
    apply_if_current(conn, update, id, expected, now).await
}

/// How many live claims an article has.
pub async fn count_of_article(conn: &impl ConnectionTrait, article_id: ArticleId) -> StoreResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(Entity::find()
        .filter(Column::ArticleId.eq(article_id.0))
        .filter(Column::DeletedAt.is_null())
        .count(conn)
        .await?)
}

/// Every claim of one article, for re-anchoring after its body changes.
pub async fn all_of_article(conn: &impl ConnectionTrait, article_id: ArticleId) -> StoreResult<Vec<Claim>> {
    let query = Entity::find()
        .filter(Column::ArticleId.eq(article_id.0))
        .filter(Column::DeletedAt.is_null())
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id);
    load_shown(conn, query).await
}

/// Writes new content if the stored version is still `expected`; returns
/// false when someone else wrote first.
pub async fn update(
    conn: &impl ConnectionTrait,
    id: ClaimId,
    expected: i64,
    content: &ClaimContent,
    analysis: &Analysis,
    assignee: Option<UserId>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let (span_start, span_end) = span_columns(content.span);
    let update = Entity::update_many()
        .col_expr(Column::AssigneeId, Expr::value(assignee.map(|a| a.0)))
        .col_expr(Column::Text, Expr::value(content.text.as_str()))
        .col_expr(Column::SpanStart, Expr::value(span_start))
        .col_expr(Column::SpanEnd, Expr::value(span_end))
        .col_expr(Column::Claimant, Expr::value(content.claimant.clone()))
        .col_expr(Column::Kind, Expr::value(analysis.kind.map(|k| k.as_str())))
        .col_expr(Column::Checkworthiness, Expr::value(analysis.checkworthiness))
        .col_expr(
            Column::QuantitiesJson,
            Expr::value(quantities_json(&analysis.quantities)),
        );
    if !apply_if_current(conn, update, id, expected, now).await? {
        return Ok(false);
    }
    store_quantities(conn, id, &analysis.quantities).await?;
    Ok(true)
}

/// Soft-deletes the claim if the stored version is still `expected`: it
/// disappears from the API but its row (and later its history) stays.
pub async fn delete(
    conn: &impl ConnectionTrait,
    id: ClaimId,
    expected: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let update = Entity::update_many().col_expr(Column::DeletedAt, Expr::value(now));
    apply_if_current(conn, update, id, expected, now).await
}

/// Runs `update` on the live claim only if its stored version is still
/// `expected`, bumping the version and `updated_at`; false when someone else
/// wrote first.
async fn apply_if_current(
    conn: &impl ConnectionTrait,
    update: UpdateMany<Entity>,
    id: ClaimId,
    expected: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = update
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1))
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .filter(Column::DeletedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// One batch of a claims export: up to `limit.get()` claims matching
/// `filter`, newest first (by creation, or by last change when the filter
/// orders so), after `after`; each with its article's title, its
/// assignee's email and its sources' URLs. Four statements a batch.
pub async fn export_batch(
    conn: &impl ConnectionTrait,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Vec<ClaimRow>> {
    use super::entities::{articles, sources, users};
    let column = time_column(filter.order);
    let query = super::newest_first_query(
        filtered(conn.get_database_backend(), filter),
        column,
        Column::Id,
        limit,
        after,
    );
    let mut rows = query.all(conn).await?;
    rows.truncate(limit.get() as usize);
    // A row shows the kind, not the quantities.
    let claims = rows
        .into_iter()
        .map(|row| to_domain(row, Vec::new()))
        .collect::<StoreResult<Vec<Claim>>>()?;
    let article_ids: Vec<Uuid> = claims.iter().filter_map(|c| c.article_id.map(|a| a.0)).collect();
    let titles: HashMap<Uuid, String> = if article_ids.is_empty() {
        HashMap::new()
    } else {
        articles::Entity::find()
            .select_only()
            .column(articles::Column::Id)
            .column(articles::Column::Title)
            .filter(articles::Column::Id.is_in(article_ids))
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    let assignees: Vec<Uuid> = claims.iter().filter_map(|c| c.assignee.map(|a| a.0)).collect();
    let emails: HashMap<Uuid, String> = if assignees.is_empty() {
        HashMap::new()
    } else {
        users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::Email)
            .filter(users::Column::Id.is_in(assignees))
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    let mut urls: HashMap<Uuid, Vec<String>> = HashMap::new();
    if !claims.is_empty() {
        let found = sources::Entity::find()
            .select_only()
            .column(sources::Column::ClaimId)
            .column(sources::Column::Url)
            .filter(sources::Column::ClaimId.is_in(claims.iter().map(|c| c.id.0)))
            .order_by_asc(sources::Column::CreatedAt)
            .order_by_asc(sources::Column::Id)
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?;
        for (claim, url) in found {
            urls.entry(claim).or_default().push(url);
        }
    }
    Ok(claims
        .into_iter()
        .map(|claim| ClaimRow {
            article_title: claim.article_id.and_then(|a| titles.get(&a.0).cloned()),
            assignee_email: claim.assignee.and_then(|a| emails.get(&a.0).cloned()),
            source_urls: urls.remove(&claim.id.0).unwrap_or_default(),
            claim,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `LINKED` writes the links bit as a number; it must be that bit.
    #[test]
    fn the_links_test_reads_the_links_bit() {
        assert!(LINKED.contains(&format!("\"extras\" & {EXTRAS_LINKS})")));
    }

    /// `direct_row` reads the columns by position: they must stay the
    /// entity's own (less the quantities, read as `shown_quantities`), in
    /// its order, then the three that `shown` adds.
    #[test]
    fn the_direct_columns_are_the_entitys() {
        use sea_orm::{IdenStatic, Iterable};
        let mut expected: Vec<&str> = Column::iter()
            .filter(|c| !matches!(c, Column::QuantitiesJson))
            .map(|c| c.as_str())
            .collect();
        expected.extend(["shown_quantities", "shown_verified", "shown_external"]);
        assert_eq!(SHOWN_COLUMNS.as_slice(), expected.as_slice());
    }
}
