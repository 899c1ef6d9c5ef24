//! The list envelope shared by every collection.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::page::{Limit, Page, Position};
use crate::domain::{DomainError, error::Errors};

/// One page of a collection, in the order its operation describes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

impl<T> Paged<T> {
    pub fn from_page<D, C: Position>(page: Page<D, C>, to_wire: impl Fn(D) -> T) -> Self {
        Self {
            items: page.items.into_iter().map(to_wire).collect(),
            next_cursor: page.next.map(|c| c.encode()),
        }
    }
}

/// Parses the `limit` and `cursor` query parameters, reporting both at once.
pub fn page_request<C: Position>(
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<(Limit, Option<C>), DomainError> {
    let mut errors = Errors::default();
    let limit = errors.check("limit", Limit::parse(limit));
    let cursor = errors.check("cursor", cursor.map(C::decode).transpose());
    match (limit, cursor) {
        (Some(limit), Some(cursor)) => Ok((limit, cursor)),
        _ => Err(errors.into_error()),
    }
}
