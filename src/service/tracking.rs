//! Tracking claims across articles: repeats found by matching when a claim
//! is written, similar claims on request, and links between claims.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::db::{self, StoreResult, claims, links, tracking};
use crate::domain::DomainError;
use crate::domain::claim::{Claim, ClaimStatus, VerifiedMatch};
use crate::domain::history::{ClaimLinkChange, EventData};
use crate::domain::ids::{ClaimId, UserId};
use crate::domain::link::{self, Group, Link, Pair, Relation};
use crate::domain::page::now;
use crate::domain::similarity::{Fingerprint, RELEVANT, Similarity};

use super::events::record;

/// How many repeats are stored per claim.
const REPEATS_KEPT: usize = 10;

/// Claims from other articles that resemble `claim`, best first, each at
/// least `RELEVANT`.
async fn scored(
    conn: &impl ConnectionTrait,
    claim: &Claim,
    print: &Fingerprint,
) -> StoreResult<Vec<(Claim, Similarity)>> {
    let mut counts = tracking::term_counts(conn, &print.terms).await?;
    let ids = tracking::candidates(conn, claim.id, claim.article_id, print, &counts).await?;
    let found = claims::in_order(conn, &ids, false).await?;
    let prints: Vec<Fingerprint> = found.iter().map(Fingerprint::of_claim).collect();
    let unknown: BTreeSet<&String> = prints
        .iter()
        .flat_map(|p| &p.terms)
        .filter(|t| !counts.by_term.contains_key(*t))
        .collect();
    if !unknown.is_empty() {
        let more = tracking::term_counts(conn, unknown).await?;
        counts.by_term.extend(more.by_term);
    }
    let mut scored: Vec<(Claim, Similarity)> = found
        .into_iter()
        .zip(&prints)
        .map(|(c, p)| {
            let similarity = print.compare(p, &counts);
            (c, similarity)
        })
        .filter(|(_, s)| s.score >= RELEVANT)
        .collect();
    scored.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.id.cmp(&b.0.id)));
    Ok(scored)
}

fn verified(claim: &Claim, score: f64) -> Option<VerifiedMatch> {
    let verdict = claim
        .verdict
        .as_ref()
        .filter(|_| claim.status == ClaimStatus::Verified)?;
    Some(VerifiedMatch {
        claim_id: claim.id,
        score,
        rating: verdict.rating,
        summary: verdict.summary.clone(),
        approved_at: verdict.approved_at?,
    })
}

/// Finds and stores the repeats of `claim`, and shows the best verified one
/// on it.
async fn remember_repeats(
    conn: &impl ConnectionTrait,
    claim: &mut Claim,
    print: &Fingerprint,
) -> StoreResult<()> {
    let repeats: Vec<(Claim, Similarity)> = scored(conn, claim, print)
        .await?
        .into_iter()
        .filter(|(_, s)| s.same_claim())
        .take(REPEATS_KEPT)
        .collect();
    let pairs: Vec<(ClaimId, f64)> = repeats.iter().map(|(c, s)| (c.id, s.score)).collect();
    tracking::store_matches(conn, claim.id, &pairs).await?;
    claim.similar_verified = repeats
        .iter()
        .filter_map(|(c, s)| verified(c, s.score))
        .max_by(|a, b| {
            a.score
                .total_cmp(&b.score)
                .then(a.approved_at.cmp(&b.approved_at))
        });
    Ok(())
}

/// A new claim: counts its terms and looks for repeats, in the caller's
/// transaction.
pub(super) async fn track_new(conn: &impl ConnectionTrait, claim: &mut Claim) -> StoreResult<()> {
    let print = Fingerprint::of_claim(claim);
    tracking::count_terms(conn, &print.terms, 1).await?;
    remember_repeats(conn, claim, &print).await
}

/// A claim whose wording or claimant changed: its repeats are found afresh.
pub(super) async fn track_reworded(
    conn: &impl ConnectionTrait,
    old: &Claim,
    new: &mut Claim,
) -> StoreResult<()> {
    let (before, after) = (Fingerprint::of_claim(old), Fingerprint::of_claim(new));
    if before.terms != after.terms {
        tracking::count_terms(conn, &before.terms, -1).await?;
        tracking::count_terms(conn, &after.terms, 1).await?;
    }
    tracking::forget_matches(conn, new.id).await?;
    remember_repeats(conn, new, &after).await
}

/// A deleted claim no longer counts towards term rarity. Its stored matches
/// stay for the record; reads skip deleted claims.
pub(super) async fn track_deleted(conn: &impl ConnectionTrait, claim: &Claim) -> StoreResult<()> {
    tracking::count_terms(conn, &Fingerprint::of_claim(claim).terms, -1).await
}

/// Claims from other articles that resemble claim `id`, best first.
pub async fn similar(
    db: &DatabaseConnection,
    id: ClaimId,
    limit: usize,
) -> StoreResult<Vec<(Claim, Similarity)>> {
    let claim = claims::in_order(db, &[id.0], false)
        .await?
        .pop()
        .ok_or(DomainError::NotFound("claim"))?;
    let mut found = scored(db, &claim, &Fingerprint::of_claim(&claim)).await?;
    found.truncate(limit);
    Ok(found)
}

/// A claim with its links and, when it has `same_as` links, its group.
pub async fn detail(db: &DatabaseConnection, id: ClaimId) -> StoreResult<(Claim, Vec<Link>, Option<Group>)> {
    let claim = super::claims::get(db, id).await?;
    let links = links::of_claim(db, id).await?;
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
