//! Claims as CSV: content negotiation for `GET /claims` and the streamed
//! response shared with `GET /claims/export.csv`.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::AppState;
use super::error::AppError;
use crate::domain::claim::ClaimFilter;
use crate::service::claims;

const CSV: &str = "text/csv";
const JSON: &str = "application/json";

/// Whether `Accept` prefers CSV to JSON: the media range with the highest
/// `q` wins, the first listed among equals; `*/*`, `application/*` and no
/// header at all mean JSON.
pub fn wants_csv(headers: &HeaderMap) -> bool {
    let mut best: Option<(f32, bool)> = None;
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let csv = match media.as_str() {
                CSV | "text/*" => true,
                JSON | "application/*" | "*/*" => false,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, csv));
            }
        }
    }
    best.is_some_and(|(_, csv)| csv)
}

/// Streams every claim `filter` selects as a CSV attachment. The first
/// batch is read before the status line goes out, so a query the database
/// refuses is still a problem+json answer, not a 200 cut short.
pub async fn csv_response(state: &AppState, filter: ClaimFilter) -> Result<Response, AppError> {
    let mut stream = Box::pin(claims::export_csv(state.db.clone(), filter));
    let first = stream.next().await.transpose()?;
    let rest = stream.map(|chunk| {
        chunk.map_err(|e| {
            // The status line has gone; ending the body early is all that is
            // left to tell the client the file is incomplete.
            tracing::error!(error = %e, "claims export failed part-way");
            std::io::Error::other("the export failed part-way")
        })
    });
    let stream = futures_util::stream::iter(first.map(Ok)).chain(rest);
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"claims.csv\""),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_preferred_media_type_wins() {
        assert!(!wants_csv(&HeaderMap::new()));
        assert!(wants_csv(&accept("text/csv")));
        assert!(wants_csv(&accept("text/csv, application/json;q=0.5")));
        assert!(!wants_csv(&accept("application/json, text/csv")));
        assert!(wants_csv(&accept("application/json;q=0.2, text/csv;q=0.9")));
        assert!(!wants_csv(&accept("*/*")));
        assert!(!wants_csv(&accept("text/csv;q=0, */*")));
        assert!(!wants_csv(&accept("image/png")));
    }
}
