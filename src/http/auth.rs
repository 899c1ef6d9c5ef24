//! The authentication extractor. A handler states what it does by the
//! permission it asks for (`AuthUser<ArchiveArticles>`); the domain's
//! permission table decides which roles may do it.

use std::marker::PhantomData;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::AppState;
use super::error::AppError;
use crate::domain::DomainError;
use crate::domain::role::Action;
use crate::domain::user::Principal;
use crate::service::auth;

pub trait Permission {
    const ACTION: Action;
}

macro_rules! permissions {
    ($($name:ident),* $(,)?) => {$(
        #[doc = concat!("Marker for the `", stringify!($name), "` action.")]
        pub struct $name;
        impl Permission for $name {
            const ACTION: Action = Action::$name;
        }
    )*};
}

permissions!(
    Read,
    WriteArticles,
    WriteClaims,
    TransitionClaims,
    LinkClaims,
    ArchiveArticles,
    DeleteClaims,
    ManageOwnTokens,
    ManageUsers
);

/// A caller whose credentials are valid and whose role allows `P`.
/// Missing or bad credentials are 401; a role too low is 403.
pub struct AuthUser<P> {
    pub principal: Principal,
    permission: PhantomData<P>,
}

impl<P: Permission> FromRequestParts<AppState> for AuthUser<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = bearer_token(parts)?;
        let principal = auth::authenticate(&state.db, &state.keys, bearer).await?;
        let needed = P::ACTION.least_role();
        if !principal.role.includes(needed) {
            return Err(DomainError::Forbidden(format!(
                "this needs the {} role or higher, and you act as {}",
                needed.as_str(),
                principal.role.as_str()
            ))
            .into());
        }
        Ok(Self {
            principal,
            permission: PhantomData,
        })
    }
}

fn bearer_token(parts: &Parts) -> Result<&str, AppError> {
    let unauthenticated = |why: &str| AppError::Domain(DomainError::Unauthenticated(why.to_owned()));
    let value = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
        unauthenticated("sign in first: send Authorization: Bearer <access token or API token>")
    })?;
    let value = value
        .to_str()
        .map_err(|_| unauthenticated("the Authorization header is not readable text"))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim())
        }
        _ => Err(unauthenticated(
            "the Authorization header must be: Bearer <token>",
        )),
    }
}

/// The client's address, for rate limiting sign-ins: the socket's peer, or
/// (only when the server is told it sits behind a proxy it trusts) the first
/// address in `X-Forwarded-For`. Unknown when the server was not started
/// with connection info.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        };
        Ok(ClientAddr(
            forwarded.or_else(peer).unwrap_or_else(|| "unknown".into()),
        ))
    }
}
