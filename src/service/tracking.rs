//! Tracking claims across articles: repeats found by matching when a claim
//! is written, similar claims on request, and links between claims.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::background::Stop;
use crate::db::matching::{self, MatchingJob};
use crate::db::tracking::ALL_CLAIMS;
use crate::db::{self, StoreResult, claims, fact_checks, links, tracking};
use crate::domain::DomainError;
use crate::domain::claim::Claim;
use crate::domain::factcheck::FactCheck;
use crate::domain::history::{ClaimLinkChange, EventData};
use crate::domain::ids::{ClaimId, FactCheckId, UserId};
use crate::domain::link::{self, Group, Link, Pair, Relation};
use crate::domain::page::now;
use crate::domain::similarity::{Fingerprint, RELEVANT, SAME_REVIEWED, Similarity, TermCounts};

use super::events::record;
use super::semantic::Semantic;

/// How many repeats are stored per claim.
const REPEATS_KEPT: usize = 10;

/// `counts` with the counts of every term of `prints` it lacks read in.
async fn with_counts(
    conn: &impl ConnectionTrait,
    mut counts: TermCounts,
    prints: &[Fingerprint],
) -> StoreResult<TermCounts> {
    let unknown: BTreeSet<&String> = prints
        .iter()
        .flat_map(|p| &p.terms)
        .filter(|t| !counts.by_term.contains_key(*t))
        .collect();
    if !unknown.is_empty() {
        let more = tracking::term_counts(conn, unknown).await?;
        counts.by_term.extend(more.by_term);
    }
    Ok(counts)
}

/// Scores `found` (with their fingerprints `prints`) against `print` by
/// `compare`, with term rarity read for every term involved; keeps those of
/// at least `RELEVANT`, best first (ties by `id`).
async fn rank<T, K: Ord>(
    conn: &impl ConnectionTrait,
    counts: TermCounts,
    found: Vec<T>,
    prints: &[Fingerprint],
    compare: impl Fn(usize, &Fingerprint, &TermCounts) -> Similarity,
    id: impl Fn(&T) -> K,
) -> StoreResult<Vec<(T, Similarity)>> {
    let counts = with_counts(conn, counts, prints).await?;
    let mut scored: Vec<(T, Similarity)> = found
        .into_iter()
        .zip(prints)
        .enumerate()
        .map(|(i, (item, p))| {
            let similarity = compare(i, p, &counts);
            (item, similarity)
        })
        .filter(|(_, s)| s.score >= RELEVANT)
        .collect();
    scored.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(id(&a.0).cmp(&id(&b.0))));
    Ok(scored)
}

/// Claims from other articles that resemble `claim`, best first, each at
/// least `RELEVANT`.
async fn scored(
    conn: &impl ConnectionTrait,
    claim: &Claim,
    print: &Fingerprint,
    counts: TermCounts,
) -> StoreResult<Vec<(Claim, Similarity)>> {
    let ids = tracking::candidates(conn, claim.id, claim.article_id, print, &counts).await?;
    let found = claims::in_order(conn, &ids, false).await?;
    let prints: Vec<Fingerprint> = found.iter().map(Fingerprint::of_claim).collect();
    rank(
        conn,
        counts,
        found,
        &prints,
        |_, p, c| print.compare(p, c),
        |c| c.id,
    )
    .await
}

/// Other publishers' fact-checks that resemble `claim`, best first, each
/// at least `RELEVANT`, compared as a claim with a fact-checker's terse
/// statement of it: by meaning when `semantic` has the model, for those
/// (at most `BY_MEANING`) that no contradiction rules out.
async fn external(
    conn: &impl ConnectionTrait,
    semantic: &Semantic,
    claim: &Claim,
    print: &Fingerprint,
    counts: TermCounts,
) -> StoreResult<Vec<(FactCheck, Similarity)>> {
    let found = fact_checks::candidates(conn, print, &counts).await?;
    let prints: Vec<Fingerprint> = found.iter().map(reviewed_print).collect();
    let counts = with_counts(conn, counts, &prints).await?;
    let cosines = by_meaning(semantic, claim, print, &found, &prints, &counts).await;
    rank(
        conn,
        counts,
        found,
        &prints,
        |i, p, c| match cosines[i] {
            Some(cosine) => print.compare_reviewed_meaning(p, c, cosine),
            None => print.compare_reviewed(p, c),
        },
        |f| f.id,
    )
    .await
}

/// How many fact-checks a claim is compared with by meaning: the best by
/// words among those no contradiction rules out. Each new text costs
/// ~20 ms of CPU for a sentence (then it is cached), ~300 ms at the
/// model's 256-token limit.
const BY_MEANING: usize = 16;

/// The cosine of `claim` with each of `found` worth comparing by meaning
/// (`None` for the others, and for all when `semantic` is off).
async fn by_meaning(
    semantic: &Semantic,
    claim: &Claim,
    print: &Fingerprint,
    found: &[FactCheck],
    prints: &[Fingerprint],
    counts: &TermCounts,
) -> Vec<Option<f64>> {
    let mut cosines = vec![None; found.len()];
    if !semantic.is_on() {
        return cosines;
    }
    let mut worth: Vec<(usize, f64)> = prints
        .iter()
        .enumerate()
        .filter_map(|(i, p)| print.reviewed_prospect(p, counts).map(|score| (i, score)))
        .collect();
    if worth.is_empty() {
        return cosines;
    }
    worth.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    worth.truncate(BY_MEANING);
    let texts = worth
        .iter()
        .map(|(i, _)| found[*i].content.claim_reviewed.clone())
        .collect();
    if let Some(found) = semantic.cosines(claim.content.text.as_str(), texts).await {
        for ((i, _), cosine) in worth.iter().zip(found) {
            cosines[*i] = Some(cosine);
        }
    }
    cosines
}

/// A fact-check's statement as matching reads it.
fn reviewed_print(fact_check: &FactCheck) -> Fingerprint {
    let c = &fact_check.content;
    Fingerprint::of(
        &c.claim_reviewed,
        c.claimant.as_deref(),
        &crate::domain::extract::analyse(&c.claim_reviewed).quantities,
    )
}

/// What matching found for one claim: its repeats among claims and among
/// other publishers' fact-checks, best first, as they are stored.
struct Repeats {
    claims: Vec<(ClaimId, f64)>,
    external: Vec<(FactCheckId, f64)>,
}

/// Finds the repeats of `claim` (claims and other publishers'
/// fact-checks). Only reads.
async fn find_repeats(
    conn: &impl ConnectionTrait,
    semantic: &Semantic,
    claim: &Claim,
    print: &Fingerprint,
) -> StoreResult<Repeats> {
    // Term rarity is read once for both kinds of repeat.
    let counts = tracking::term_counts(conn, &print.terms).await?;
    let claims = scored(conn, claim, print, counts.clone())
        .await?
        .into_iter()
        .filter(|(_, s)| s.same_claim())
        .take(REPEATS_KEPT)
        .map(|(c, s)| (c.id, s.score))
        .collect();
    let external = external(conn, semantic, claim, print, counts)
        .await?
        .into_iter()
        .filter(|(_, s)| s.score >= SAME_REVIEWED)
        .take(REPEATS_KEPT)
        .map(|(f, s)| (f.id, s.score))
        .collect();
    Ok(Repeats { claims, external })
}

/// The job that records a new claim for matching: its terms count once more
/// (and so do all claims, the empty term), and its repeats are looked for.
fn new_claim_job(claim: &Claim) -> MatchingJob {
    let mut add = Fingerprint::of_claim(claim).terms;
    add.insert(ALL_CLAIMS.to_owned());
    MatchingJob {
        seq: 0,
        claim_id: claim.id,
        add,
        remove: BTreeSet::new(),
        rematch: true,
        attempts: 0,
    }
}

/// New claims: their matching is queued in the caller's transaction and
/// done by background work moments later (see `run_matcher`).
pub(super) async fn track_new(conn: &impl ConnectionTrait, claims: &[Claim]) -> StoreResult<()> {
    let mut writes = db::Writes::new(conn.get_database_backend());
    track_new_into(&mut writes, claims);
    Ok(writes.run(conn).await?)
}

/// `track_new`'s statements, built to run later in the transaction.
pub(super) fn track_new_into(writes: &mut db::Writes, claims: &[Claim]) {
    let jobs: Vec<MatchingJob> = claims.iter().map(new_claim_job).collect();
    matching::enqueue_into(writes, &jobs, now());
}

/// A claim whose wording or claimant changed: its term counts move to the
/// new wording and its repeats are found afresh, in the background.
pub(super) async fn track_reworded(conn: &impl ConnectionTrait, old: &Claim, new: &Claim) -> StoreResult<()> {
    let (before, after) = (Fingerprint::of_claim(old).terms, Fingerprint::of_claim(new).terms);
    let job = MatchingJob {
        seq: 0,
        claim_id: new.id,
        add: after.difference(&before).cloned().collect(),
        remove: before.difference(&after).cloned().collect(),
        rematch: true,
        attempts: 0,
    };
    matching::enqueue(conn, &[job], now()).await
}

/// A deleted claim no longer counts towards term rarity. Its stored matches
/// stay for the record; reads skip deleted claims.
pub(super) async fn track_deleted(conn: &impl ConnectionTrait, claim: &Claim) -> StoreResult<()> {
    let mut remove = Fingerprint::of_claim(claim).terms;
    remove.insert(ALL_CLAIMS.to_owned());
    let job = MatchingJob {
        seq: 0,
        claim_id: claim.id,
        add: BTreeSet::new(),
        remove,
        rematch: false,
        attempts: 0,
    };
    matching::enqueue(conn, &[job], now()).await
}

/// Jobs done in one transaction.
const MATCHING_BATCH: u64 = 64;
/// A lease outlasts any batch, so no two workers do the same job.
const MATCHING_LEASE: chrono::Duration = chrono::Duration::seconds(120);
/// How long one batch may spend finding repeats before it stops and gives
/// the rest back: a quarter of the lease, so a batch never outlives it.
const BATCH_BUDGET: std::time::Duration = std::time::Duration::from_secs(30);

/// Jobs counted in one transaction.
const COUNTING_BATCH: u64 = 1000;

/// Applies the term-count changes of up to `COUNTING_BATCH` waiting jobs
/// at once (rows in sorted order) and marks them counted, in one
/// transaction. Counting runs ahead of matching, so rarity is judged by
/// current counts however many claims wait to be matched. Returns how many
/// jobs it counted.
pub async fn count_batch(db: &DatabaseConnection) -> StoreResult<usize> {
    let txn = db::begin_write(db).await?;
    let jobs = matching::uncounted(&txn, COUNTING_BATCH).await?;
    if jobs.is_empty() {
        return Ok(0);
    }
    let mut changes: BTreeMap<String, i64> = BTreeMap::new();
    for job in &jobs {
        for term in &job.add {
            *changes.entry(term.clone()).or_default() += 1;
        }
        for term in &job.remove {
            *changes.entry(term.clone()).or_default() -= 1;
        }
    }
    changes.retain(|_, delta| *delta != 0);
    tracking::add_term_counts(&txn, &changes).await?;
    matching::mark_counted(&txn, &jobs).await?;
    txn.commit().await?;
    Ok(jobs.len())
}

/// Does up to one batch of counted matching jobs in one transaction: finds
/// the repeats of each claim to rematch and removes the jobs. A failed batch
/// is rolled back whole and tried again later. Returns how many jobs it did.
pub async fn match_batch(db: &DatabaseConnection, semantic: &Semantic, tasks: usize) -> StoreResult<usize> {
    let at = now();
    let jobs = matching::lease(db, at, MATCHING_LEASE, MATCHING_BATCH).await?;
    if jobs.is_empty() {
        return Ok(0);
    }
    let seqs: Vec<i64> = jobs.iter().map(|j| j.seq).collect();
    match apply(db, semantic, tasks, &jobs).await {
        Ok(()) => Ok(jobs.len()),
        Err(err) => {
            let attempts = jobs.iter().map(|j| j.attempts).max().unwrap_or(0);
            let retry_at = now() + chrono::Duration::seconds(5 * i64::from(attempts + 1).min(60));
            metrics::counter!("claimdesk_matching_job_failures_total").increment(jobs.len() as u64);
            matching::failed(db, &seqs, &err.to_string(), retry_at).await?;
            Err(err)
        }
    }
}

/// The most claims matched at once by default, whatever the cores: each
/// holds a pooled connection while it reads, and SQLite's pool has 8 for
/// the requests too.
const DEFAULT_TASKS_MAX: usize = 4;

/// How many claims of a batch are matched at once when the operator does
/// not say (`CLAIMDESK_MATCHING_TASKS=0`): one per core, at most
/// `DEFAULT_TASKS_MAX`. Each claim's
/// matching is a few reads and then comparisons on the CPU; run one at a
/// time, a replica's matcher waited on every read and used less than one
/// core. More at once drain a backlog faster but may take CPU from
/// requests while a flood of articles is still coming in; on the load
/// benchmark (PostgreSQL on the same two cores) `POST /articles` ran at
/// 189-206 a second with 1, 2 or 4 at once, and matching after the flood at
/// 243-269, 326-390 and 378-416 claims a second.
pub fn matching_tasks(configured: usize) -> usize {
    match configured {
        0 => std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(DEFAULT_TASKS_MAX),
        n => n,
    }
}

/// Does `jobs`: finds the repeats of each claim to rematch, then stores
/// them and removes the jobs in one short write transaction. The finding
/// only reads, so it runs before the transaction: on SQLite the write lock
/// is the whole database's, and holding it while a batch of claims was
/// compared (100-300 ms) kept every article write waiting. The claims of a
/// batch are read in one statement and matched `tasks` at a time, each in
/// a task of its own; what they find is stored in the order the claims were
/// read (newest job first, as when they were matched one by one), not the
/// order the tasks end in, since storing a claim's repeats replaces the
/// matches on both sides.
///
/// Finding stops once the batch has taken `BATCH_BUDGET` (comparing by
/// meaning can take seconds a claim): the jobs not reached are given back
/// for the next round rather than kept until their lease runs out.
async fn apply(
    db: &DatabaseConnection,
    semantic: &Semantic,
    tasks: usize,
    jobs: &[MatchingJob],
) -> StoreResult<()> {
    let started = std::time::Instant::now();
    // The newest job of a claim decides; earlier ones of the same batch
    // would only find what it finds.
    let mut wanted = Vec::new();
    let mut rematched = BTreeSet::new();
    for job in jobs.iter().rev().filter(|j| j.rematch) {
        if rematched.insert(job.claim_id) {
            wanted.push(job.claim_id.0);
        }
    }
    // A claim deleted meanwhile is not read, and its job is done.
    let read = claims::in_order(db, &wanted, false).await?;
    for claim in &read {
        rematched.remove(&claim.id);
    }
    let mut pending = read.into_iter().enumerate();
    let mut running = tokio::task::JoinSet::new();
    let mut found: Vec<(usize, Claim, Repeats)> = Vec::new();
    loop {
        while running.len() < tasks.max(1) && started.elapsed() <= BATCH_BUDGET {
            let Some((at, claim)) = pending.next() else { break };
            rematched.insert(claim.id);
            let (db, semantic) = (db.clone(), semantic.clone());
            running.spawn(async move {
                let print = Fingerprint::of_claim(&claim);
                let repeats = find_repeats(&db, &semantic, &claim, &print).await?;
                StoreResult::Ok((at, claim, repeats))
            });
        }
        match running.join_next().await {
            None => break,
            Some(Ok(done)) => found.push(done?),
            Some(Err(err)) => {
                return Err(db::StoreError::Database(sea_orm::DbErr::Custom(format!(
                    "matching a claim failed: {err}"
                ))));
            }
        }
    }
    found.sort_unstable_by_key(|(at, _, _)| *at);
    let txn = db::begin_write(db).await?;
    let ids: Vec<_> = found.iter().map(|(_, c, _)| c.id.0).collect();
    let current = claims::wordings(&txn, &ids).await?;
    for (_, claim, repeats) in &found {
        // A claim deleted, or reworded (or given another claimant) since it
        // was read, is left alone: a rewording queued a newer job, which
        // matches the new wording.
        let unchanged = current.get(&claim.id).is_some_and(|(text, claimant)| {
            text == claim.content.text.as_str() && *claimant == claim.content.claimant
        });
        if !unchanged {
            continue;
        }
        tracking::forget_matches(&txn, claim.id).await?;
        tracking::store_matches(&txn, claim.id, &repeats.claims).await?;
        fact_checks::store_matches(&txn, claim.id, &repeats.external).await?;
    }
    let (done, left): (Vec<&MatchingJob>, Vec<&MatchingJob>) = jobs
        .iter()
        .partition(|j| !j.rematch || rematched.contains(&j.claim_id));
    let seqs = |jobs: Vec<&MatchingJob>| jobs.iter().map(|j| j.seq).collect::<Vec<i64>>();
    matching::finish(&txn, &seqs(done)).await?;
    matching::release(&txn, &seqs(left)).await?;
    txn.commit().await?;
    Ok(())
}

/// One round of matching work: count every waiting job first, then match
/// one batch. Returns whether there was anything to do.
async fn matching_round(db: &DatabaseConnection, semantic: &Semantic, tasks: usize) -> StoreResult<bool> {
    let (uncounted, to_match) = matching::any_ready(db, now()).await?;
    if uncounted {
        while count_batch(db).await? as u64 == COUNTING_BATCH {}
    }
    if uncounted || to_match {
        match_batch(db, semantic, tasks).await?;
    }
    Ok(uncounted || to_match)
}

/// Does matching jobs until `stop` fires: round after round while there
/// are jobs, every `idle` otherwise. Runs in every replica.
/// `tasks`: claims matched at once (see `matching_tasks`).
pub async fn run_matcher(
    db: DatabaseConnection,
    semantic: Semantic,
    tasks: usize,
    idle: std::time::Duration,
    stop: Stop,
) {
    loop {
        let pause = match matching_round(&db, &semantic, tasks).await {
            Ok(true) => std::time::Duration::ZERO,
            Ok(false) => idle,
            Err(err) => {
                tracing::warn!(error = %err, "a matching batch failed; it will be tried again");
                idle * 4
            }
        };
        if stop.wait_or_stopped(pause).await {
            return;
        }
    }
}

/// What resembles a claim: another claim, or another publisher's
/// fact-check.
#[derive(Debug, Clone)]
pub enum Resemblance {
    Claim(Box<Claim>),
    External(Box<FactCheck>),
}

/// Claims from other articles and other publishers' fact-checks that
/// resemble claim `id`, best first.
pub async fn similar(
    db: &DatabaseConnection,
    semantic: &Semantic,
    id: ClaimId,
    limit: usize,
) -> StoreResult<Vec<(Resemblance, Similarity)>> {
    let claim = claims::in_order(db, &[id.0], false)
        .await?
        .pop()
        .ok_or(DomainError::NotFound("claim"))?;
    let print = Fingerprint::of_claim(&claim);
    let counts = tracking::term_counts(db, &print.terms).await?;
    let mut found: Vec<(Resemblance, Similarity)> = scored(db, &claim, &print, counts.clone())
        .await?
        .into_iter()
        .map(|(c, s)| (Resemblance::Claim(Box::new(c)), s))
        .chain(
            external(db, semantic, &claim, &print, counts)
                .await?
                .into_iter()
                .map(|(f, s)| (Resemblance::External(Box::new(f)), s)),
        )
        .collect();
    found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    found.truncate(limit);
    Ok(found)
}

/// A claim with its links and, when it has `same_as` links, its group.
pub async fn detail(db: &DatabaseConnection, id: ClaimId) -> StoreResult<(Claim, Vec<Link>, Option<Group>)> {
    let (claim, linked) = claims::find_with_link_flag(db, id)
        .await?
        .ok_or(DomainError::NotFound("claim"))?;
    let links = if linked {
        links::of_claim(db, id).await?
    } else {
        Vec::new()
    };
    let group = if links.iter().any(|l| l.relation == Relation::SameAs) {
        let ids: Vec<uuid::Uuid> = links::same_as_group(db, id).await?.iter().map(|c| c.0).collect();
        Some(Group::of(&claims::in_order(db, &ids, false).await?))
    } else {
        None
    };
    Ok((claim, links, group))
}

/// A claim's links, oldest first.
pub async fn links(db: &DatabaseConnection, id: ClaimId) -> StoreResult<Vec<Link>> {
    super::claims::require_live(db, id).await?;
    links::of_claim(db, id).await
}

/// Links claim `id` to `other`, recorded in both claims' history.
pub async fn link(
    db: &DatabaseConnection,
    actor: UserId,
    id: ClaimId,
    other: ClaimId,
    relation: Relation,
) -> StoreResult<Link> {
    let txn = db::begin_write(db).await?;
    super::claims::require_live(&txn, id).await?;
    let pair = Pair::new(id, other)?;
    if claims::live_status(&txn, other, false).await?.is_none() {
        return Err(DomainError::invalid("claim_id", "no claim has this id (or it was deleted)").into());
    }
    if let Some(existing) = links::find(&txn, pair).await? {
        return Err(DomainError::Conflict(format!(
            "these claims are already linked as {}; remove that link first to change it",
            existing.relation.as_str()
        ))
        .into());
    }
    let same_group = links::same_as_group(&txn, id).await?.contains(&other);
    link::check_new(relation, same_group)?;
    let link = Link {
        pair,
        relation,
        created_by: actor,
        created_at: now(),
    };
    links::insert(&txn, &link).await?;
    for (from, to) in [(id, other), (other, id)] {
        let data = EventData::Linked(ClaimLinkChange {
            claim_id: to.0,
            relation: relation.as_str().to_owned(),
        });
        record(&txn, from, Some(actor), data).await?;
    }
    super::commit(txn, link).await
}

/// Removes the link between claim `id` and `other`, recorded in both
/// claims' history.
pub async fn unlink(db: &DatabaseConnection, actor: UserId, id: ClaimId, other: ClaimId) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    super::claims::require_live(&txn, id).await?;
    let pair = Pair::new(id, other)?;
    let existing = links::find(&txn, pair)
        .await?
        .ok_or(DomainError::NotFound("link"))?;
    links::delete(&txn, pair).await?;
    for (from, to) in [(id, other), (other, id)] {
        let data = EventData::Unlinked(ClaimLinkChange {
            claim_id: to.0,
            relation: existing.relation.as_str().to_owned(),
        });
        record(&txn, from, Some(actor), data).await?;
    }
    super::commit(txn, ()).await
}
