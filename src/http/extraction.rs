//! `/extract`: the claim extractor alone, storing nothing. Its wire types are
//! also the shape of extracted claims everywhere else (article creation, the
//! `claimdesk extract` command).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{AuthUser, Read};
use super::error::{AppError, Problem};
use super::extract::Json;
use crate::domain::extract::{ClaimKind, ExtractedClaim, ExtractedQuantity, Qualifier};
use crate::domain::{DomainError, text};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(extract_claims))
}

/// Why a claim is check-worthy.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Quantity,
    Event,
    Attribution,
    Comparison,
}

impl From<ClaimKind> for Kind {
    fn from(k: ClaimKind) -> Self {
        match k {
            ClaimKind::Quantity => Kind::Quantity,
            ClaimKind::Event => Kind::Event,
            ClaimKind::Attribution => Kind::Attribution,
            ClaimKind::Comparison => Kind::Comparison,
        }
    }
}

/// How a number is hedged in the text.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuantityQualifier {
    Exact,
    Approx,
    MoreThan,
    LessThan,
    AtLeast,
    AtMost,
    UpTo,
}

impl From<Qualifier> for QuantityQualifier {
    fn from(q: Qualifier) -> Self {
        match q {
            Qualifier::Exact => Self::Exact,
            Qualifier::Approx => Self::Approx,
            Qualifier::MoreThan => Self::MoreThan,
            Qualifier::LessThan => Self::LessThan,
            Qualifier::AtLeast => Self::AtLeast,
            Qualifier::AtMost => Self::AtMost,
            Qualifier::UpTo => Self::UpTo,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuantityWire {
    /// The number, with scale words applied ("1.2 million" → 1200000).
    pub value: f64,
    /// Upper end of a range ("between 40 and 60" → 60).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub value_max: Option<f64>,
    /// The whole of a proportion ("four of the five" → 5).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub of: Option<f64>,
    /// Lower-case counted noun as written ("troops"), "percent", or an ISO
    /// currency code ("usd"); null when nothing is counted.
    #[schema(required = true)]
    pub unit: Option<String>,
    pub qualifier: QuantityQualifier,
    /// The expression as written.
    pub text: String,
    /// Code-point offsets of `text` in the input, end exclusive.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExtractedClaimWire {
    /// Exactly the input between `start` and `end`.
    pub text: String,
    /// Code-point offsets in the input, end exclusive.
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// 0..1: how much a desk would want to check it (see the README).
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub checkworthiness: f64,
    /// The words naming who asserts it, exactly as written.
    #[schema(required = true)]
    pub claimant: Option<String>,
    pub quantities: Vec<QuantityWire>,
}

impl From<ExtractedQuantity> for QuantityWire {
    fn from(q: ExtractedQuantity) -> Self {
        Self {
            value: q.value,
            value_max: q.value_max,
            of: q.of,
            unit: q.unit,
            qualifier: q.qualifier.into(),
            text: q.text,
            start: q.start,
            end: q.end,
        }
    }
}

impl From<ExtractedClaim> for ExtractedClaimWire {
    fn from(c: ExtractedClaim) -> Self {
        Self {
            text: c.text,
            start: c.start,
            end: c.end,
            kind: c.kind.into(),
            checkworthiness: c.checkworthiness,
            claimant: c.claimant,
            quantities: c.quantities.into_iter().map(QuantityWire::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Extraction {
    pub claims: Vec<ExtractedClaimWire>,
}

impl Extraction {
    pub fn of(text: &str) -> Self {
        Self {
            claims: crate::service::articles::extract_claims(text)
                .into_iter()
                .map(ExtractedClaimWire::from)
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "The council approved 12 new schools on Tuesday, the mayor said.", "language": "en"}))]
pub struct ExtractRequest {
    #[schema(min_length = 1, max_length = 1000000)]
    pub text: String,
    /// Only "en" is supported.
    #[schema(example = "en")]
    pub language: Option<String>,
}

/// Extract claims from a text
///
/// Runs the claim extractor on any text and returns what it finds; nothing
/// is stored.
#[utoipa::path(post, path = "/extract", tag = "extraction", request_body = ExtractRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The claims found (possibly none)", body = Extraction),
        (status = 413, description = "Text too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty text or unsupported language", body = Problem, content_type = "application/problem+json"),
    ))]
async fn extract_claims(
    _auth: AuthUser<Read>,
    State(_state): State<AppState>,
    Json(req): Json<ExtractRequest>,
) -> Result<Json<Extraction>, AppError> {
    let body = text::required(req.text, crate::domain::article::BODY_MAX, false)
        .map_err(|m| DomainError::invalid("text", m))?;
    crate::domain::article::supported_language(req.language.as_deref().unwrap_or("en"))
        .map_err(|m| DomainError::invalid("language", m))?;
    Ok(Json(Extraction::of(&body)))
}
