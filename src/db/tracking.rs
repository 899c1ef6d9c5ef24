//! What repeated-claim matching reads and writes: term counts, candidates
//! found through the indexes, and the matches stored for each claim.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{Sql, StoreResult};
use crate::domain::ids::{ArticleId, ClaimId};
use crate::domain::similarity::{Fingerprint, TermCounts};

/// The row of `term_stats` that counts all claims.
pub const ALL_CLAIMS: &str = "";

/// Adds `delta` (+1 or -1) to the count of every term of a claim and to the
/// count of all claims.
pub async fn count_terms(
    conn: &impl ConnectionTrait,
    terms: &BTreeSet<String>,
    delta: i64,
) -> StoreResult<()> {
    let mut changes: BTreeMap<String, i64> = terms.iter().map(|t| (t.clone(), delta)).collect();
    changes.insert(ALL_CLAIMS.to_owned(), delta);
    add_term_counts(conn, &changes).await
}

/// Adds to the counts of terms (the empty term counts all claims). Rows are
/// written in sorted order, so concurrent writers lock the shared rows in one
/// order and cannot deadlock.
pub async fn add_term_counts(
    conn: &impl ConnectionTrait,
    changes: &BTreeMap<String, i64>,
) -> StoreResult<()> {
    let rows: Vec<(&String, &i64)> = changes.iter().collect();
    for chunk in rows.chunks(1000) {
        let mut sql = Sql::new(conn.get_database_backend());
        sql.push("INSERT INTO term_stats (term, claims) VALUES ");
        for (i, (term, delta)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(term.as_str())
                .push(", ")
                .bind(**delta)
                .push(")");
        }
        sql.push(" ON CONFLICT (term) DO UPDATE SET claims = term_stats.claims + excluded.claims");
        sql.execute(conn).await?;
    }
    Ok(())
}

/// How many claims use each of `terms`, and how many claims there are.
pub async fn term_counts<'a>(
    conn: &impl ConnectionTrait,
    terms: impl IntoIterator<Item = &'a String>,
) -> StoreResult<TermCounts> {
    let wanted: Vec<String> = std::iter::once(ALL_CLAIMS.to_owned())
        .chain(terms.into_iter().cloned())
        .collect();
    let mut counts = TermCounts::default();
    // Long claims have hundreds of terms; stay far below the databases'
    // limits on parameters per statement.
    for chunk in wanted.chunks(1000) {
        let mut sql = Sql::new(conn.get_database_backend());
        sql.push("SELECT term, claims FROM term_stats WHERE term IN ")
            .bind_list(chunk.iter().cloned());
        for row in sql.all(conn).await? {
            let term: String = row.try_get("", "term")?;
            let claims = row.try_get::<i64>("", "claims")?.max(0) as u64;
            if term == ALL_CLAIMS {
                counts.claims = claims;
            } else {
                counts.by_term.insert(term, claims);
            }
        }
    }
    Ok(counts)
}

/// Live claims outside `article` (and other than `claim`) that share rare
/// words or an amount with `print`: a short list to score, read through the
/// full-text and (unit, value) indexes only.
pub async fn candidates(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    article: Option<ArticleId>,
    print: &Fingerprint,
    counts: &TermCounts,
) -> StoreResult<Vec<Uuid>> {
    /// Terms used by more claims than this are too common to look up by:
    /// past it PostgreSQL may prefer scanning the table to the index.
    const COMMON: u64 = 1_000;
    const WORDS: usize = 3;
    /// Claims read per rare term, and kept in all.
    const PER_WORD: i64 = 20;
    const BY_WORDS: usize = 40;
    const BY_AMOUNT: i64 = 20;
    let words = print.rare_words(counts, WORDS, COMMON);
    let amounts: Vec<_> = print
        .amounts
        .iter()
        .filter(|a| {
            a.unit
                .as_deref()
                .is_some_and(|u| u != "year" && u != crate::domain::similarity::CALENDAR_YEAR)
        })
        .take(3)
        .collect();
    if words.is_empty() && amounts.is_empty() {
        return Ok(Vec::new());
    }
    let elsewhere = |sql: &mut Sql| {
        sql.push(" AND c.deleted_at IS NULL AND c.id <> ").bind(claim.0);
        if let Some(article) = article {
            sql.push(" AND (c.article_id IS NULL OR c.article_id <> ")
                .bind(article.0)
                .push(")");
        }
    };
    // One statement: a short index read per rare word (no ranking function,
    // whose cost would grow with the postings) and per amount (no DISTINCT
    // there: it would read every claim with a common amount before the
    // LIMIT, 17,000 rows and 60 ms for "12 percent" in the load benchmark;
    // repeated ids are dropped below). `src` tells
    // them apart: a word's position, or -1 for an amount.
    let mut sql = Sql::new(conn.get_database_backend());
    for (i, word) in words.iter().enumerate() {
        sql.push(&format!("SELECT id, {i} AS src FROM ("));
        if sql.postgres() {
            sql.push("SELECT c.id FROM claims c WHERE c.search @@ to_tsquery('english', ")
                .search_words(&format!("{word}:A"))
                .push(")");
        } else {
            sql.push(
                "SELECT c.id AS id FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid \
                 WHERE claims_fts MATCH ",
            )
            .bind(format!("text : \"{word}\""));
        }
        elsewhere(&mut sql);
        sql.push(" LIMIT ")
            .bind(PER_WORD)
            .push(&format!(") w{i} UNION ALL "));
    }
    for (i, amount) in amounts.iter().enumerate() {
        let margin = 1e-9 * amount.value.abs().max(1.0);
        sql.push(
            "SELECT id, -1 AS src FROM (SELECT q.claim_id AS id FROM claim_quantities q \
             JOIN claims c ON c.id = q.claim_id WHERE q.unit_key = ",
        )
        .bind(amount.unit.clone())
        .push(" AND q.value BETWEEN ")
        .bind(amount.value - margin)
        .push(" AND ")
        .bind(amount.value + margin);
        elsewhere(&mut sql);
        sql.push(" LIMIT ")
            .bind(BY_AMOUNT)
            .push(&format!(") a{i} UNION ALL "));
    }
    // Closes the last UNION ALL with a query that returns nothing.
    sql.push("SELECT id, -2 AS src FROM claims WHERE 1 = 0");

    // Claims sharing more rare words first (among equals, the rarer word's),
    // then those sharing an amount.
    let mut shared: Vec<(Uuid, usize)> = Vec::new();
    let mut by_amount: Vec<Uuid> = Vec::new();
    for row in sql.all(conn).await? {
        let id: Uuid = row.try_get("", "id")?;
        if row.try_get::<i32>("", "src")? < 0 {
            by_amount.push(id);
        } else {
            match shared.iter_mut().find(|(c, _)| *c == id) {
                Some((_, n)) => *n += 1,
                None => shared.push((id, 1)),
            }
        }
    }
    shared.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut found: Vec<Uuid> = shared.into_iter().take(BY_WORDS).map(|(id, _)| id).collect();
    for id in by_amount {
        if !found.contains(&id) {
            found.push(id);
        }
    }
    Ok(found)
}

/// Forgets every stored match of `claim`, both ways.
pub async fn forget_matches(conn: &impl ConnectionTrait, claim: ClaimId) -> StoreResult<()> {
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push("DELETE FROM claim_matches WHERE claim_id = ")
        .bind(claim.0)
        .push(" OR match_id = ")
        .bind(claim.0);
    sql.execute(conn).await?;
    Ok(())
}

/// Stores `claim`'s repeats, both ways.
pub async fn store_matches(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    matches: &[(ClaimId, f64)],
) -> StoreResult<()> {
    if matches.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push("INSERT INTO claim_matches (claim_id, match_id, score) VALUES ");
    for (i, (other, score)) in matches.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        for (j, (a, b)) in [(claim, *other), (*other, claim)].into_iter().enumerate() {
            if j > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(a.0)
                .push(", ")
                .bind(b.0)
                .push(", ")
                .bind(*score)
                .push(")");
        }
    }
    sql.push(" ON CONFLICT (claim_id, match_id) DO UPDATE SET score = excluded.score");
    sql.execute(conn).await?;
    Ok(())
}
