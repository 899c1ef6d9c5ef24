//! How claims relate across articles: `/claims/{id}/similar` (repeats found
//! by matching) and `/claims/{id}/links` (links people made).

use axum::extract::State;
use axum::http::{StatusCode, header};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, LinkClaims, Read};
use super::claims::{RatingName, Status};
use super::error::{AppError, Problem};
use super::extract::{Json, Path, Query};
use super::fact_checks::ExternalRatingWire;
use crate::domain::DomainError;
use crate::domain::claim::Claim;
use crate::domain::factcheck::FactCheck;
use crate::domain::ids::{ClaimId, UserId};
use crate::domain::link::{Group, Link, Relation};
use crate::domain::page::Limit;
use crate::domain::similarity::{self, Reason, Similarity};
use crate::service::tracking::{self, Resemblance};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(similar_claims))
        .routes(routes!(list_links, create_link))
        .routes(routes!(delete_link))
}

const SIMILAR_DEFAULT: u64 = 10;
const SIMILAR_MAX: u64 = 50;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// How many matches at most.
    #[param(minimum = 1, maximum = 50, default = 10)]
    pub limit: Option<i64>,
}

/// What a signal behind a match score is: `shared_quantity`,
/// `shared_terms`, `same_claimant` and `similar_meaning` (the cosine of the
/// two texts' sentence embeddings, for other publishers' fact-checks when
/// the server has the model) count for the match; the others against it
/// (`different_detail`: near-identical wording with a word swapped or two
/// actors exchanged).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    SharedQuantity,
    SharedTerms,
    SameClaimant,
    DifferentQuantity,
    DifferentNames,
    DifferentDetail,
    OppositeDirection,
    SimilarMeaning,
}

impl From<&Reason> for ReasonKind {
    fn from(reason: &Reason) -> Self {
        match reason {
            Reason::SharedQuantity(_) => Self::SharedQuantity,
            Reason::SharedTerms(_) => Self::SharedTerms,
            Reason::SameClaimant(_) => Self::SameClaimant,
            Reason::DifferentQuantity(_) => Self::DifferentQuantity,
            Reason::DifferentNames(_) => Self::DifferentNames,
            Reason::DifferentDetail(_) => Self::DifferentDetail,
            Reason::OppositeDirection => Self::OppositeDirection,
            Reason::SimilarMeaning(_) => Self::SimilarMeaning,
        }
    }
}

/// One signal behind a match score.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchReason {
    pub kind: ReasonKind,
    /// For people, e.g. "shared quantity 300000 troop".
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarClaim {
    pub source: ClaimSource,
    pub claim_id: Uuid,
    #[schema(required = true)]
    pub article_id: Option<Uuid>,
    pub text: String,
    #[schema(required = true)]
    pub claimant: Option<String>,
    pub status: Status,
    /// The rating of its current verdict, approved or only proposed.
    #[schema(required = true)]
    pub rating: Option<RatingName>,
    /// How alike the two claims are, 0..1.
    pub score: f64,
    /// Whether `score` reaches the threshold for "the same claim".
    pub same_claim: bool,
    pub reasons: Vec<MatchReason>,
}

/// Where a match comes from.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimSource {
    /// A claim of this desk.
    Claim,
}

/// Where a match comes from.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExternalSource {
    /// Another publisher's fact-check, imported with `POST /fact-checks/import`.
    External,
}

/// Another publisher's fact-check that resembles the claim.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarFactCheck {
    pub source: ExternalSource,
    pub fact_check_id: Uuid,
    /// The claim as the fact-checker stated it.
    pub claim_reviewed: String,
    pub publisher: String,
    /// The fact-check's page.
    #[schema(format = "uri")]
    pub review_url: String,
    pub rating: ExternalRatingWire,
    /// How alike the claim and the fact-checker's statement are, 0..1.
    pub score: f64,
    /// Whether `score` reaches `same_external_threshold`.
    pub same_claim: bool,
    pub reasons: Vec<MatchReason>,
}

fn reasons(similarity: &Similarity) -> Vec<MatchReason> {
    similarity
        .reasons
        .iter()
        .map(|r| MatchReason {
            kind: r.into(),
            description: r.describe(),
        })
        .collect()
}

impl From<(FactCheck, Similarity)> for SimilarFactCheck {
    fn from((f, similarity): (FactCheck, Similarity)) -> Self {
        Self {
            source: ExternalSource::External,
            fact_check_id: f.id.0,
            claim_reviewed: f.content.claim_reviewed,
            publisher: f.content.publisher_name,
            review_url: f.content.review_url,
            rating: f.content.rating.into(),
            same_claim: similarity.score >= similarity::SAME_REVIEWED,
            score: similarity.score,
            reasons: reasons(&similarity),
        }
    }
}

impl From<(Claim, Similarity)> for SimilarClaim {
    fn from((claim, similarity): (Claim, Similarity)) -> Self {
        Self {
            source: ClaimSource::Claim,
            claim_id: claim.id.0,
            article_id: claim.article_id.map(|a| a.0),
            text: claim.content.text.into_string(),
            claimant: claim.content.claimant,
            status: claim.status.into(),
            rating: claim.verdict.map(|v| v.rating.into()),
            same_claim: similarity.same_claim(),
            score: similarity.score,
            reasons: reasons(&similarity),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarClaims {
    /// Claims, best match first.
    pub items: Vec<SimilarClaim>,
    /// Other publishers' fact-checks, best match first.
    pub external: Vec<SimilarFactCheck>,
    /// The score from which two claims count as the same claim.
    pub same_claim_threshold: f64,
    /// The score from which a claim repeats another publisher's fact-check.
    pub same_external_threshold: f64,
}

/// Find similar claims
///
/// Claims in other articles (and standalone claims) that resemble this one,
/// best match first, each with a score in 0..1 and the reasons for it:
/// shared amounts (numbers normalised, units in singular form), shared rare
/// terms, the same claimant; and what speaks against it — another number for
/// the same unit, other names, the opposite direction. Other publishers'
/// fact-checks (see `POST /fact-checks/import`) that resemble it are in
/// `external`, marked `"source": "external"`; `limit` counts both lists.
/// Computed afresh on each request; matches below 0.2 are left out.
#[utoipa::path(get, path = "/claims/{id}/similar", tag = "tracking", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id"), SimilarQuery),
    responses(
        (status = 200, description = "Similar claims", body = SimilarClaims),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit", body = Problem, content_type = "application/problem+json"),
    ))]
async fn similar_claims(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<SimilarQuery>,
) -> Result<Json<SimilarClaims>, AppError> {
    let limit = Limit::parse_within(query.limit, SIMILAR_DEFAULT, SIMILAR_MAX)
        .map_err(|m| DomainError::invalid("limit", m))?;
    let found = tracking::similar(&state.db, &state.semantic, ClaimId(id), limit.get() as usize).await?;
    let (mut items, mut external) = (Vec::new(), Vec::new());
    for (resemblance, similarity) in found {
        match resemblance {
            Resemblance::Claim(c) => items.push(SimilarClaim::from((*c, similarity))),
            Resemblance::External(f) => external.push(SimilarFactCheck::from((*f, similarity))),
        }
    }
    Ok(Json(SimilarClaims {
        items,
        external,
        same_claim_threshold: similarity::SAME_CLAIM,
        same_external_threshold: similarity::SAME_REVIEWED,
    }))
}

/// How two claims relate.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationName {
    /// The same claim: symmetric and transitive, so linked claims form a
    /// group that shares its latest approved verdict.
    SameAs,
    Contradicts,
    Related,
}

impl From<Relation> for RelationName {
    fn from(r: Relation) -> Self {
        match r {
            Relation::SameAs => Self::SameAs,
            Relation::Contradicts => Self::Contradicts,
            Relation::Related => Self::Related,
        }
    }
}

impl From<RelationName> for Relation {
    fn from(r: RelationName) -> Self {
        match r {
            RelationName::SameAs => Self::SameAs,
            RelationName::Contradicts => Self::Contradicts,
            RelationName::Related => Self::Related,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"claim_id": "0192e4a4-7b1c-7cc0-8f3e-6d2b9c1a5e10", "relation": "same_as"}))]
pub struct CreateLink {
    /// The claim to link to.
    pub claim_id: Uuid,
    pub relation: RelationName,
}

/// A link, seen from one of its two claims.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkResponse {
    /// The claim at the other end.
    pub claim_id: Uuid,
    pub relation: RelationName,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl LinkResponse {
    pub fn seen_from(id: ClaimId, link: Link) -> Self {
        Self {
            claim_id: link.pair.other(id).0,
            relation: link.relation.into(),
            created_by: link.created_by.0,
            created_at: link.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    /// Oldest first.
    pub items: Vec<LinkResponse>,
}

/// The verdict a `same_as` group shares.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupVerdict {
    /// The member whose verdict it is.
    pub claim_id: Uuid,
    pub rating: RatingName,
    pub summary: String,
    #[schema(required = true)]
    pub approved_by: Option<Uuid>,
    #[schema(required = true)]
    pub approved_at: Option<DateTime<Utc>>,
}

/// Claims joined to this one by `same_as` links, directly or through others.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupResponse {
    /// Every live member, this claim included.
    pub claim_ids: Vec<Uuid>,
    /// The most recently approved verdict among the members.
    #[schema(required = true)]
    pub verdict: Option<GroupVerdict>,
}

impl From<Group> for GroupResponse {
    fn from(g: Group) -> Self {
        Self {
            claim_ids: g.members.iter().map(|c| c.0).collect(),
            verdict: g.verdict.map(|(claim, v)| GroupVerdict {
                claim_id: claim.0,
                rating: v.rating.into(),
                summary: v.summary,
                approved_by: v.approved_by.map(|a| a.0),
                approved_at: v.approved_at,
            }),
        }
    }
}

/// List a claim's links
#[utoipa::path(get, path = "/claims/{id}/links", tag = "tracking", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 200, description = "Its links", body = Links),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_links(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Links>, AppError> {
    let links = tracking::links(&state.db, ClaimId(id)).await?;
    Ok(Json(Links {
        items: links
            .into_iter()
            .map(|l| LinkResponse::seen_from(ClaimId(id), l))
            .collect(),
    }))
}

/// Link two claims
///
/// Records how this claim relates to another: `same_as`, `contradicts` or
/// `related`. A pair of claims has at most one link, whichever claim it was
/// made from. Recorded in both claims' history. Checker role or higher.
#[utoipa::path(post, path = "/claims/{id}/links", tag = "tracking", security(("bearerAuth" = [])), request_body = CreateLink,
    params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 201, description = "Linked", body = LinkResponse,
            headers(("Location" = String, description = "URL of the link"))),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already linked, or a contradiction inside one same_as group", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown relation, unknown claim, or a claim linked to itself", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_link(
    auth: AuthUser<LinkClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(req): Json<CreateLink>,
) -> Result<(StatusCode, [(header::HeaderName, String); 1], Json<LinkResponse>), AppError> {
    let link = tracking::link(
        &state.db,
        auth.principal.user_id,
        ClaimId(id),
        ClaimId(req.claim_id),
        req.relation.into(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/claims/{id}/links/{}", req.claim_id),
        )],
        Json(LinkResponse::seen_from(ClaimId(id), link)),
    ))
}

/// Remove a link
///
/// Removes the link between this claim and `other_id`, whichever of the two
/// it was made from. Recorded in both claims' history. Checker role or higher.
#[utoipa::path(delete, path = "/claims/{id}/links/{other_id}", tag = "tracking", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id"), ("other_id" = Uuid, Path, description = "The linked claim's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such claim, or no link between the two", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A claim cannot be linked to itself", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_link(
    auth: AuthUser<LinkClaims>,
    State(state): State<AppState>,
    Path((id, other)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    let actor: UserId = auth.principal.user_id;
    tracking::unlink(&state.db, actor, ClaimId(id), ClaimId(other)).await?;
    Ok(StatusCode::NO_CONTENT)
}
