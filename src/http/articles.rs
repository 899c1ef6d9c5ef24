//! `/articles`: news articles, the texts claims are found in.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{ArchiveArticles, AuthUser, Read, WriteArticles, WriteClaims};
use super::claims::ClaimResponse;
use super::error::{AppError, Problem};
use super::extract::{Created, Json, Path, Precondition, Query, Versioned, not_null, nullable};
use super::paging::{Paged, page_request};
use crate::domain::DomainError;
use crate::domain::article::{Article, ArticleFields, ArticlePatch};
use crate::domain::error::Errors;
use crate::domain::ids::ArticleId;
use crate::domain::search::SearchQuery;
use crate::service::articles;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_articles, create_article))
        .routes(routes!(get_article, update_article, archive_article))
        .routes(routes!(reextract_article))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Council approves school budget",
    "body": "The city council approved a budget of $4.5bn on Tuesday, including 12 new schools.",
    "url": "https://news.example.org/2026/council-budget",
    "outlet": "Example News",
    "author": "A. Reporter",
    "published_at": "2026-11-26T09:30:00Z",
    "language": "en"
}))]
pub struct CreateArticle {
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// The full text. Kept exactly as sent: claim offsets count code points into it.
    #[schema(min_length = 1, max_length = 1000000)]
    pub body: String,
    #[schema(format = "uri", max_length = 2048)]
    pub url: Option<String>,
    #[schema(max_length = 200)]
    pub outlet: Option<String>,
    #[schema(max_length = 200)]
    pub author: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// Language tag; defaults to "en".
    #[schema(example = "en")]
    pub language: Option<String>,
}

/// Fields to change; leave a field out to keep it, send `null` to clear an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Council approves $4.5bn school budget", "outlet": null}))]
pub struct UpdateArticle {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, min_length = 1, max_length = 500)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, min_length = 1, max_length = 1000000)]
    pub body: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = "uri", max_length = 2048)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub outlet: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub author: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub published_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub language: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleResponse {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    #[schema(required = true, format = "uri")]
    pub url: Option<String>,
    #[schema(required = true)]
    pub outlet: Option<String>,
    #[schema(required = true)]
    pub author: Option<String>,
    #[schema(required = true)]
    pub published_at: Option<DateTime<Utc>>,
    pub language: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change; send it back in `If-Match` to edit safely.
    pub version: i64,
    /// The user who created it.
    #[schema(required = true)]
    pub created_by: Option<Uuid>,
}

impl From<Article> for ArticleResponse {
    fn from(a: Article) -> Self {
        let c = a.content;
        Self {
            id: a.id.0,
            title: c.title,
            body: c.body,
            url: c.url,
            outlet: c.outlet,
            author: c.author,
            published_at: c.published_at,
            language: c.language,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
            created_by: a.created_by.map(|u| u.0),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListArticles {
    /// Full-text search in title and body: every word must match (word
    /// forms too: "attack" finds "attacks"; words every text has, such as
    /// "the", are left out); results come best match first.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// An article with the claims just extracted from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleWithClaims {
    #[serde(flatten)]
    pub article: ArticleResponse,
    /// The claims stored from this article by this request.
    pub claims: Vec<ClaimResponse>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreateArticleQuery {
    /// Extract and store the article's claims (the default), or not.
    #[param(default = true)]
    pub extract: Option<bool>,
}

/// What a second extraction run did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reextraction {
    /// Claims found for the first time, now stored.
    pub created: Vec<ClaimResponse>,
    /// Claims found again at the same span, left untouched.
    pub kept: Vec<ClaimResponse>,
}

/// List articles
///
/// Live (not archived) articles, newest first, a page at a time; with `q`,
/// the ones matching the search, best match first.
#[utoipa::path(get, path = "/articles", tag = "articles", security(("bearerAuth" = [])), params(ListArticles),
    responses(
        (status = 200, description = "A page of articles", body = Paged<ArticleResponse>),
        (status = 400, description = "Unknown or malformed query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit, cursor or q", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_articles(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Query(query): Query<ListArticles>,
) -> Result<Json<Paged<ArticleResponse>>, AppError> {
    if let Some(q) = query.q {
        let search = SearchQuery::parse(&q).map_err(|m| DomainError::invalid("q", m))?;
        let (limit, cursor) = page_request(query.limit, query.cursor.as_deref())?;
        let page = articles::search(&state.db, &search, limit, cursor).await?;
        return Ok(Json(Paged::from_page(page, ArticleResponse::from)));
    }
    let (limit, cursor) = page_request(query.limit, query.cursor.as_deref())?;
    let page = articles::list(&state.db, limit, cursor).await?;
    Ok(Json(Paged::from_page(page, ArticleResponse::from)))
}

/// Create an article
///
/// Stores the article and, unless `extract=false`, the check-worthy claims
/// the extractor finds in it (English only), returned with it.
#[utoipa::path(post, path = "/articles", tag = "articles", security(("bearerAuth" = [])), request_body = CreateArticle, params(CreateArticleQuery),
    responses(
        (status = 201, description = "Created", body = ArticleWithClaims,
            headers(("Location" = String, description = "URL of the new article"), ("ETag" = String, description = "Its version"))),
    ))]
async fn create_article(
    auth: AuthUser<WriteArticles>,
    State(state): State<AppState>,
    Query(query): Query<CreateArticleQuery>,
    Json(req): Json<CreateArticle>,
) -> Result<Created<ArticleWithClaims>, AppError> {
    let fields = ArticleFields {
        title: req.title,
        body: req.body,
        url: req.url,
        outlet: req.outlet,
        author: req.author,
        published_at: req.published_at,
        language: req.language,
    };
    let extract = query.extract.unwrap_or(true);
    let (article, claims) = articles::create(
        &state.db,
        auth.principal.user_id,
        fields,
        extract,
        state.max_claims_per_article,
    )
    .await?;
    Ok(Created {
        location: format!("/api/v1/articles/{}", article.id),
        version: article.version,
        body: ArticleWithClaims {
            article: article.into(),
            claims: claims.into_iter().map(ClaimResponse::from).collect(),
        },
    })
}

/// Get an article
///
/// A live article with its ETag; archived articles are 404.
#[utoipa::path(get, path = "/articles/{id}", tag = "articles", security(("bearerAuth" = [])), params(("id" = Uuid, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article", body = ArticleResponse, headers(("ETag" = String, description = "Its version"))),
        (status = 404, description = "No such article, or archived", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_article(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Versioned<ArticleResponse>, AppError> {
    let article = articles::get(&state.db, ArticleId(id)).await?;
    Ok(Versioned {
        version: article.version,
        body: article.into(),
    })
}

/// Update an article
///
/// Changing the body re-anchors the article's claims: a claim whose text is
/// still in the body gets its new offsets, one whose text is gone keeps its
/// text with null offsets.
#[utoipa::path(patch, path = "/articles/{id}", tag = "articles", security(("bearerAuth" = [])), request_body = UpdateArticle,
    params(("id" = Uuid, Path, description = "Article id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The updated article", body = ArticleResponse, headers(("ETag" = String, description = "Its new version"))),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The edit would change the title, URL or date of an article with claims in review or verified, or move or remove such a claim's text; the claims are listed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_article(
    auth: AuthUser<WriteArticles>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
    Json(req): Json<UpdateArticle>,
) -> Result<Versioned<ArticleResponse>, AppError> {
    let mut errors = Errors::default();
    let patch = ArticlePatch {
        title: not_null(&mut errors, "title", req.title),
        body: not_null(&mut errors, "body", req.body),
        language: not_null(&mut errors, "language", req.language),
        url: req.url,
        outlet: req.outlet,
        author: req.author,
        published_at: req.published_at,
    };
    errors.into_result()?;
    let article =
        articles::update(&state.db, auth.principal.user_id, ArticleId(id), &if_match, patch).await?;
    Ok(Versioned {
        version: article.version,
        body: article.into(),
    })
}

/// Archive an article
///
/// The article disappears from listings and reads; its claims are kept.
#[utoipa::path(delete, path = "/articles/{id}", tag = "articles", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Article id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Archived"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
    ))]
async fn archive_article(
    _auth: AuthUser<ArchiveArticles>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
) -> Result<StatusCode, AppError> {
    articles::archive(&state.db, ArticleId(id), &if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Extract claims again
///
/// Runs the extractor on the article's current body. Claims already stored
/// at the same span are kept untouched, with their status and history; new
/// ones are added; none are removed.
#[utoipa::path(post, path = "/articles/{id}/extract", tag = "articles", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Article id")),
    responses(
        (status = 200, description = "What was created and what was kept", body = Reextraction),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The article changed while its claims were being extracted; try again", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The article would have more claims than allowed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn reextract_article(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Reextraction>, AppError> {
    let (created, kept) = articles::reextract(
        &state.db,
        auth.principal.user_id,
        ArticleId(id),
        state.max_claims_per_article,
    )
    .await?;
    Ok(Json(Reextraction {
        created: created.into_iter().map(ClaimResponse::from).collect(),
        kept: kept.into_iter().map(ClaimResponse::from).collect(),
    }))
}
