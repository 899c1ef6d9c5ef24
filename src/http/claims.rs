//! `/claims`: check-worthy statements, standalone or pointing into an article.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, DeleteClaims, ExportClaims as ExportClaimsAction, Read, WriteClaims};
use super::error::{AppError, Problem};
use super::export;
use super::extract::{Created, Json, Path, Precondition, Query, Versioned, not_null, nullable};
use super::extraction::{Kind, QuantityWire};
use super::paging::{Paged, page_request};
use super::tracking::{GroupResponse, LinkResponse};
use crate::domain::DomainError;
use crate::domain::claim::{Claim, ClaimFields, ClaimFilter, ClaimOrder, ClaimPatch, ClaimStatus, TimeRange};
use crate::domain::error::Errors;
use crate::domain::ids::{ArticleId, ClaimId, UserId};
use crate::domain::search::SearchQuery;
use crate::domain::workflow::Rating;
use crate::service::{claims, tracking};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_claims, create_claim))
        .routes(routes!(export_claims))
        .routes(routes!(get_claim, update_claim, delete_claim))
}

/// Where a claim is in the verification workflow.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Unverified,
    InProgress,
    InReview,
    Verified,
    Dismissed,
}

impl From<ClaimStatus> for Status {
    fn from(s: ClaimStatus) -> Self {
        match s {
            ClaimStatus::Unverified => Status::Unverified,
            ClaimStatus::InProgress => Status::InProgress,
            ClaimStatus::InReview => Status::InReview,
            ClaimStatus::Verified => Status::Verified,
            ClaimStatus::Dismissed => Status::Dismissed,
        }
    }
}

impl From<Status> for ClaimStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Unverified => ClaimStatus::Unverified,
            Status::InProgress => ClaimStatus::InProgress,
            Status::InReview => ClaimStatus::InReview,
            Status::Verified => ClaimStatus::Verified,
            Status::Dismissed => ClaimStatus::Dismissed,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text": "12 new schools",
    "article_id": "0192e4a4-7b1c-7cc0-8f3e-6d2b9c1a5e10",
    "start": 70,
    "end": 84,
    "claimant": "the city council"
}))]
pub struct CreateClaim {
    /// The claim exactly as worded in the source.
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
    /// The article the claim appears in; leave out for a standalone claim.
    pub article_id: Option<Uuid>,
    /// Code-point offset of the text in the article body. Give both `start`
    /// and `end`, or neither to have the text looked up in the body.
    #[schema(minimum = 0)]
    pub start: Option<i64>,
    /// End offset, exclusive.
    #[schema(minimum = 1)]
    pub end: Option<i64>,
    /// Who asserts the claim.
    #[schema(max_length = 200)]
    pub claimant: Option<String>,
}

/// Fields to change; leave a field out to keep it, send `null` to clear an
/// optional one. Changing `text` without new offsets re-anchors the claim.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"claimant": "the mayor"}))]
pub struct UpdateClaim {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, min_length = 1, max_length = 2000)]
    pub text: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub start: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub end: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub claimant: Option<Option<String>>,
    /// Who works on it; null to release. A checker may take a claim or
    /// release their own; an editor may assign any active checker or above.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimResponse {
    pub id: Uuid,
    #[schema(required = true)]
    pub article_id: Option<Uuid>,
    pub text: String,
    /// Code-point offsets into the article body (end exclusive); null when
    /// the claim is standalone or its text is no longer in the body.
    #[schema(required = true)]
    pub start: Option<i64>,
    #[schema(required = true)]
    pub end: Option<i64>,
    /// Whether `start`/`end` point at the text in the article body.
    pub anchored: bool,
    #[schema(required = true)]
    pub claimant: Option<String>,
    pub status: Status,
    #[serde(serialize_with = "super::time::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "super::time::serialize")]
    pub updated_at: DateTime<Utc>,
    /// Increases with every change; send it back in `If-Match` to edit safely.
    pub version: i64,
    /// The user who created it.
    #[schema(required = true)]
    pub created_by: Option<Uuid>,
    /// Why the extractor finds it check-worthy; null when it does not.
    #[schema(required = true)]
    pub kind: Option<Kind>,
    /// 0..1, see the README; null when the extractor does not find it check-worthy.
    #[schema(required = true)]
    pub checkworthiness: Option<f64>,
    /// The numbers in it. Their `start`/`end` are code-point offsets within `text`.
    pub quantities: Vec<QuantityWire>,
    /// The checker working on it.
    #[schema(required = true)]
    pub assignee_id: Option<Uuid>,
    /// The current verdict: proposed, and approved once verified.
    #[schema(required = true)]
    pub verdict: Option<VerdictResponse>,
    /// "Already checked": the closest repeat of this claim in another
    /// article that has an approved verdict. Repeats are found in the
    /// background just after a claim is created or reworded (normally well
    /// under a second; within 2 s under load), so the answer to the write
    /// itself still shows null: read the claim again to see it. See
    /// `GET /claims/{id}/similar` for every match, computed on request.
    #[schema(required = true)]
    pub similar_verified: Option<SimilarVerified>,
    /// The best of other publishers' fact-checks (imported with
    /// `POST /fact-checks/import`) that this claim repeats, found by the
    /// same background matching, moments after the claim is written.
    #[schema(required = true)]
    pub similar_external: Option<SimilarExternal>,
}

/// Another publisher's fact-check of a claim this one repeats.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarExternal {
    pub fact_check_id: Uuid,
    /// How alike the claim and the fact-checker's statement are, 0..1.
    pub score: f64,
    pub publisher: String,
    #[schema(format = "uri")]
    pub review_url: String,
    /// The claim as the fact-checker stated it.
    pub claim_reviewed: String,
    /// The verdict in the publisher's words.
    #[schema(required = true)]
    pub rating: Option<String>,
}

/// A repeat of a claim that already has an approved verdict.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarVerified {
    pub claim_id: Uuid,
    /// How alike the two claims are, 0..1.
    pub score: f64,
    pub rating: RatingName,
    pub summary: String,
    #[serde(serialize_with = "super::time::serialize")]
    pub approved_at: DateTime<Utc>,
}

/// A verdict's rating.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RatingName {
    True,
    MostlyTrue,
    HalfTrue,
    MostlyFalse,
    False,
    Misleading,
    Unproven,
}

impl From<Rating> for RatingName {
    fn from(r: Rating) -> Self {
        match r {
            Rating::True => Self::True,
            Rating::MostlyTrue => Self::MostlyTrue,
            Rating::HalfTrue => Self::HalfTrue,
            Rating::MostlyFalse => Self::MostlyFalse,
            Rating::False => Self::False,
            Rating::Misleading => Self::Misleading,
            Rating::Unproven => Self::Unproven,
        }
    }
}

impl From<RatingName> for Rating {
    fn from(r: RatingName) -> Self {
        match r {
            RatingName::True => Self::True,
            RatingName::MostlyTrue => Self::MostlyTrue,
            RatingName::HalfTrue => Self::HalfTrue,
            RatingName::MostlyFalse => Self::MostlyFalse,
            RatingName::False => Self::False,
            RatingName::Misleading => Self::Misleading,
            RatingName::Unproven => Self::Unproven,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerdictResponse {
    pub rating: RatingName,
    pub summary: String,
    pub proposed_by: Uuid,
    #[serde(serialize_with = "super::time::serialize")]
    pub proposed_at: DateTime<Utc>,
    /// Set once a second editor approves it.
    #[schema(required = true)]
    pub approved_by: Option<Uuid>,
    #[schema(required = true)]
    #[serde(serialize_with = "super::time::option::serialize")]
    pub approved_at: Option<DateTime<Utc>>,
}

impl From<Claim> for ClaimResponse {
    fn from(c: Claim) -> Self {
        let span = c.content.span;
        Self {
            id: c.id.0,
            article_id: c.article_id.map(|a| a.0),
            text: c.content.text.into_string(),
            start: span.map(|s| s.start as i64),
            end: span.map(|s| s.end as i64),
            anchored: span.is_some(),
            claimant: c.content.claimant,
            status: c.status.into(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
            created_by: c.created_by.map(|u| u.0),
            kind: c.analysis.kind.map(Kind::from),
            checkworthiness: c.analysis.checkworthiness,
            quantities: c
                .analysis
                .quantities
                .into_iter()
                .map(QuantityWire::from)
                .collect(),
            assignee_id: c.assignee.map(|a| a.0),
            verdict: c.verdict.map(|v| VerdictResponse {
                rating: v.rating.into(),
                summary: v.summary,
                proposed_by: v.proposed_by.0,
                proposed_at: v.proposed_at,
                approved_by: v.approved_by.map(|a| a.0),
                approved_at: v.approved_at,
            }),
            similar_verified: c.similar_verified.map(|m| SimilarVerified {
                claim_id: m.claim_id.0,
                score: m.score,
                rating: m.rating.into(),
                summary: m.summary,
                approved_at: m.approved_at,
            }),
            similar_external: c.similar_external.map(|m| SimilarExternal {
                fact_check_id: m.fact_check_id.0,
                score: m.score,
                publisher: m.publisher,
                review_url: m.review_url,
                claim_reviewed: m.claim_reviewed,
                rating: m.rating,
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    CreatedAt,
    UpdatedAt,
    /// Best match for `q` first; needs `q`.
    Relevance,
}

impl From<SortKey> for ClaimOrder {
    fn from(key: SortKey) -> Self {
        match key {
            SortKey::CreatedAt => ClaimOrder::Created,
            SortKey::UpdatedAt => ClaimOrder::Updated,
            SortKey::Relevance => ClaimOrder::Relevance,
        }
    }
}

/// Declares a query-parameter struct with the claim filters shared by the
/// listing and the export, plus its own fields, and `filter()` to read them.
macro_rules! claim_filter_params {
    ($(#[$meta:meta])* pub struct $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Only claims of this article.
            pub article_id: Option<Uuid>,
            /// Only claims in this status.
            pub status: Option<Status>,
            /// Full-text search in the claim text, claimant and article title:
            /// every word must match (word forms too: "attack" finds "attacks";
            /// words every text has, such as "the", are left out).
            #[param(max_length = 500)]
            pub q: Option<String>,
            /// Only claims assigned to this user; `me` for your own queue.
            #[param(example = "me")]
            pub assignee: Option<String>,
            /// Only claims whose current verdict has this rating.
            pub rating: Option<RatingName>,
            /// Only claims created after this time (RFC 3339, exclusive).
            #[serde(default, deserialize_with = "super::time::query_option")]
            pub created_after: Option<DateTime<Utc>>,
            /// Only claims created before this time (RFC 3339, exclusive).
            #[serde(default, deserialize_with = "super::time::query_option")]
            pub created_before: Option<DateTime<Utc>>,
            /// Only claims last changed after this time (RFC 3339, exclusive).
            #[serde(default, deserialize_with = "super::time::query_option")]
            pub updated_after: Option<DateTime<Utc>>,
            /// Only claims last changed before this time (RFC 3339, exclusive).
            #[serde(default, deserialize_with = "super::time::query_option")]
            pub updated_before: Option<DateTime<Utc>>,
            $($extra)*
        }

        impl $name {
            /// The filter these parameters describe, for `caller`, in the
            /// order `sort` asks for.
            fn filter(&self, caller: UserId) -> Result<ClaimFilter, DomainError> {
                let assignee = match self.assignee.as_deref() {
                    None => None,
                    Some("me") => Some(caller),
                    Some(id) => Some(UserId(id.parse().map_err(|_| {
                        DomainError::invalid("assignee", "must be \"me\" or a user id (a UUID)")
                    })?)),
                };
                let search = match self.q.as_deref() {
                    Some(q) => Some(SearchQuery::parse(q).map_err(|m| DomainError::invalid("q", m))?),
                    None => None,
                };
                let order = ClaimOrder::choose(self.sort.map(ClaimOrder::from), search.is_some())
                    .map_err(|m| DomainError::invalid("sort", m))?;
                let times = TimeRange {
                    created_after: self.created_after,
                    created_before: self.created_before,
                    updated_after: self.updated_after,
                    updated_before: self.updated_before,
                };
                times.check()?;
                Ok(ClaimFilter {
                    article_id: self.article_id.map(ArticleId),
                    status: self.status.map(ClaimStatus::from),
                    assignee,
                    rating: self.rating.map(Rating::from),
                    search,
                    times,
                    order,
                })
            }
        }
    };
}

claim_filter_params! {
    pub struct ListClaims {
        /// Newest first by `created_at` or `updated_at`, or best match first
        /// (`relevance`). The default is `relevance` with `q`, else `created_at`.
        pub sort: Option<SortKey>,
        /// Page size.
        #[param(minimum = 1, maximum = 200, default = 50)]
        pub limit: Option<i64>,
        /// The `next_cursor` of the previous page.
        pub cursor: Option<String>,
    }
}

claim_filter_params! {
    pub struct ExportClaims {
        /// Newest first by `created_at` (the default) or `updated_at`.
        pub sort: Option<ExportSort>,
    }
}

/// The order of an export: always newest first, by creation or last change.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportSort {
    CreatedAt,
    UpdatedAt,
}

impl From<ExportSort> for ClaimOrder {
    fn from(key: ExportSort) -> Self {
        match key {
            ExportSort::CreatedAt => ClaimOrder::Created,
            ExportSort::UpdatedAt => ClaimOrder::Updated,
        }
    }
}

/// List claims
///
/// Claims newest first, optionally filtered; filters combine with AND.
/// With `q`, only claims matching the search, best match first unless
/// `sort` says otherwise. With `Accept: text/csv`, every matching claim as
/// CSV instead of a page (see `GET /claims/export.csv`; `limit` and
/// `cursor` are then ignored).
#[utoipa::path(get, path = "/claims", tag = "claims", security(("bearerAuth" = [])), params(ListClaims),
    responses(
        (status = 200, description = "A page of claims (or, with Accept: text/csv, all of them as CSV)",
            content((Paged<ClaimResponse> = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Unknown or malformed query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit, cursor, q, sort, assignee or time range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_claims(
    auth: AuthUser<Read>,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ListClaims>,
) -> Result<Response, AppError> {
    let filter = query.filter(auth.principal.user_id)?;
    if export::wants_csv(&headers) {
        return export::csv_response(&state, filter).await;
    }
    let cursor = query.cursor.as_deref();
    // The answer depends on Accept: caches must keep JSON and CSV apart.
    let vary = [(header::VARY, "Accept")];
    if let (ClaimOrder::Relevance, Some(search)) = (filter.order, &filter.search) {
        let (limit, cursor) = page_request(query.limit, cursor)?;
        let page = claims::search(&state.db, search, &filter, limit, cursor).await?;
        return Ok((vary, Json(Paged::from_page(page, ClaimResponse::from))).into_response());
    }
    let (limit, cursor) = page_request(query.limit, cursor)?;
    let page = claims::list(&state.db, &filter, limit, cursor).await?;
    Ok((vary, Json(Paged::from_page(page, ClaimResponse::from))).into_response())
}

/// Export claims as CSV
///
/// Every claim matching the filters (the same as `GET /claims`), newest
/// first, as one CSV file streamed as it is read (RFC 4180, UTF-8, CRLF line
/// ends, a header row first). Columns: id, article_id, article_title, text,
/// claimant, kind, status, rating, verdict_summary, assignee_email,
/// source_urls (separated by a space), created_at, updated_at, verified_at.
/// Cells that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, tab or carriage return) begin with `'`. `GET /claims` with
/// `Accept: text/csv` answers the same. Claims changed while the export runs
/// may or may not appear in it.
#[utoipa::path(get, path = "/claims/export.csv", tag = "claims", security(("bearerAuth" = [])), params(ExportClaims),
    responses(
        (status = 200, description = "The claims as CSV", content_type = "text/csv", body = String,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"claims.csv\""))),
        (status = 422, description = "Bad q, sort, assignee or time range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn export_claims(
    auth: AuthUser<ExportClaimsAction>,
    State(state): State<AppState>,
    Query(query): Query<ExportClaims>,
) -> Result<Response, AppError> {
    let filter = query.filter(auth.principal.user_id)?;
    export::csv_response(&state, filter).await
}

/// Create a claim
///
/// A claim may stand alone (say, from a broadcast) or point into an article.
/// With an article, `start`/`end` must select exactly `text` in its body
/// (code points, end exclusive); leave them out to have the text looked up.
#[utoipa::path(post, path = "/claims", tag = "claims", security(("bearerAuth" = [])), request_body = CreateClaim,
    responses(
        (status = 201, description = "Created", body = ClaimResponse,
            headers(("Location" = String, description = "URL of the new claim"), ("ETag" = String, description = "Its version"))),
        (status = 422, description = "Invalid fields, unknown article, or offsets that do not select the text", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_claim(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Json(req): Json<CreateClaim>,
) -> Result<Created<ClaimResponse>, AppError> {
    let fields = ClaimFields {
        text: req.text,
        start: req.start,
        end: req.end,
        claimant: req.claimant,
    };
    let claim = claims::create(
        &state.db,
        auth.principal.user_id,
        req.article_id.map(ArticleId),
        fields,
        state.max_claims_per_article,
    )
    .await?;
    Ok(Created {
        location: format!("/api/v1/claims/{}", claim.id),
        version: claim.version,
        body: claim.into(),
    })
}

/// A claim with how it relates to other claims.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimDetail {
    #[serde(flatten)]
    pub claim: ClaimResponse,
    /// Its links to other claims, oldest first.
    pub links: Vec<LinkResponse>,
    /// Its `same_as` group and the group's latest approved verdict; null
    /// when it has no `same_as` link.
    #[schema(required = true)]
    pub group: Option<GroupResponse>,
}

/// Get a claim
///
/// The claim with its analysis, assignee, current verdict, the closest
/// already verified repeat, its links and its `same_as` group, and its ETag.
#[utoipa::path(get, path = "/claims/{id}", tag = "claims", security(("bearerAuth" = [])), params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 200, description = "The claim", body = ClaimDetail, headers(("ETag" = String, description = "Its version"))),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_claim(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Versioned<ClaimDetail>, AppError> {
    let (claim, links, group) = tracking::detail(&state.db, ClaimId(id)).await?;
    Ok(Versioned {
        version: claim.version,
        body: ClaimDetail {
            claim: claim.into(),
            links: links
                .into_iter()
                .map(|l| LinkResponse::seen_from(ClaimId(id), l))
                .collect(),
            group: group.map(GroupResponse::from),
        },
    })
}

/// Update a claim
///
/// Edits the wording, claimant or offsets. Status changes go through the
/// workflow, not through this endpoint.
#[utoipa::path(patch, path = "/claims/{id}", tag = "claims", security(("bearerAuth" = [])), request_body = UpdateClaim,
    params(("id" = Uuid, Path, description = "Claim id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The updated claim", body = ClaimResponse, headers(("ETag" = String, description = "Its new version"))),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The claim is in review or verified: its wording, offsets and claimant are frozen until an editor sends it back or reopens it", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_claim(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
    Json(req): Json<UpdateClaim>,
) -> Result<Versioned<ClaimResponse>, AppError> {
    let mut errors = Errors::default();
    let text = not_null(&mut errors, "text", req.text);
    errors.into_result()?;
    let patch = ClaimPatch {
        text,
        start: req.start,
        end: req.end,
        claimant: req.claimant,
    };
    let assignee = req.assignee_id.map(|a| a.map(UserId));
    let claim = claims::update(
        &state.db,
        &auth.principal,
        ClaimId(id),
        &if_match,
        patch,
        assignee,
    )
    .await?;
    Ok(Versioned {
        version: claim.version,
        body: claim.into(),
    })
}

/// Delete a claim
///
/// The claim disappears from the API; its record is kept for the history.
#[utoipa::path(delete, path = "/claims/{id}", tag = "claims", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_claim(
    auth: AuthUser<DeleteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
) -> Result<StatusCode, AppError> {
    claims::delete(&state.db, auth.principal.user_id, ClaimId(id), &if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}
