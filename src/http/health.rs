//! Liveness and readiness probes for load balancers and orchestrators.

use std::time::Duration;

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{AppError, Problem};
use super::extract::Json;
use crate::db;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness
///
/// The process is up and serving HTTP. Does not touch the database.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, description = "Up", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

/// Readiness
///
/// The database answers; 503 when it does not, so traffic goes elsewhere.
#[utoipa::path(get, path = "/readyz", tag = "health", security(()),
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable", body = Problem, content_type = "application/problem+json"),
    ))]
async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    match tokio::time::timeout(Duration::from_secs(3), db::ping(&state.db)).await {
        Ok(Ok(())) => Ok(Json(Health {
            status: "ready".into(),
        })),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check failed");
            Err(AppError::Unavailable)
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            Err(AppError::Unavailable)
        }
    }
}
