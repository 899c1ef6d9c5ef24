//! The authentication extractor. A handler states what it does by the
//! permission it asks for (`AuthUser<ArchiveArticles>`); the domain's
//! permission table decides which roles may do it.

use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::AppState;
use super::error::AppError;
use crate::domain::DomainError;
use crate::domain::role::Action;
use crate::domain::user::{Credential, Principal};
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
    CreateTokens,
    ManageUsers,
    ChangeUsers,
    ManageWebhooks,
    ExportClaims,
    ImportFactChecks
);

/// A caller whose credentials are valid and whose role allows `P`.
/// Missing or bad credentials are 401; a role too low is 403, and so is an
/// API token for an action only a person may take.
pub struct AuthUser<P> {
    pub principal: Principal,
    permission: PhantomData<P>,
}

impl<P: Permission> FromRequestParts<AppState> for AuthUser<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = bearer_token(parts)?;
        let principal = auth::authenticate(&state.db, &state.keys, bearer).await?;
        if let Some(signed_in) = parts.extensions.get::<super::observe::SignedIn>() {
            signed_in.set(principal.user_id.0);
        }
        let needed = P::ACTION.least_role();
        if !principal.role.includes(needed) {
            return Err(DomainError::Forbidden(format!(
                "this needs the {} role or higher, and you act as {}",
                needed.as_str(),
                principal.role.as_str()
            ))
            .into());
        }
        if P::ACTION.needs_person() && principal.credential != Credential::Session {
            return Err(DomainError::Forbidden(
                "this needs a person signed in with a password (an access token from /api/v1/auth/login); \
                 API tokens may not create users, change roles or passwords, create API tokens or manage webhooks"
                    .into(),
            )
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

/// The client's address, for rate limiting sign-ins: the socket's peer, or,
/// behind `trusted_proxies` proxies of ours, the address that many places
/// from the right of `X-Forwarded-For` (each proxy appends the address it
/// was reached from, so everything further left came from the client and
/// may be forged). A header with fewer addresses than that, or one that is
/// not a list of IP addresses, counts as the peer's. "unknown" when the
/// server was not started with connection info.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = (state.trusted_proxies > 0)
            .then(|| forwarded_client(&parts.headers, state.trusted_proxies))
            .flatten();
        Ok(ClientAddr(
            forwarded.or(peer).map_or_else(|| "unknown".into(), client_key),
        ))
    }
}

/// The address `hops` places from the right of all `X-Forwarded-For` headers
/// taken together (1 is the rightmost). Only the entries our proxies wrote
/// are read: what the client wrote further left may be anything.
fn forwarded_client(headers: &axum::http::HeaderMap, hops: usize) -> Option<IpAddr> {
    let mut entries: Vec<&str> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        entries.extend(value.to_str().ok()?.split(','));
    }
    let index = entries.len().checked_sub(hops)?;
    entries[index].trim().parse::<IpAddr>().ok()
}

/// How a client address is counted: an IPv4 address as itself, an IPv6
/// address by its /64 (one host usually holds a whole /64, and could
/// otherwise take a fresh address for every attempt).
fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let key = |s: &str| client_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2::5"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::5"), key("2001:db8:1:3::5"));
        assert_eq!(key("::ffff:198.51.100.4"), "198.51.100.4");
        assert_eq!(key("198.51.100.4"), "198.51.100.4");
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn the_client_is_counted_from_the_right() {
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let h = headers(&["203.0.113.9, 198.51.100.4"]);
        assert_eq!(forwarded_client(&h, 1), ip("198.51.100.4"));
        assert_eq!(forwarded_client(&h, 2), ip("203.0.113.9"));
        assert_eq!(forwarded_client(&h, 3), None);
        let split = headers(&["203.0.113.9", "198.51.100.4, 2001:db8::1"]);
        assert_eq!(forwarded_client(&split, 1), ip("2001:db8::1"));
        assert_eq!(forwarded_client(&split, 3), ip("203.0.113.9"));
        assert_eq!(
            forwarded_client(&headers(&["nonsense, 198.51.100.4"]), 1),
            ip("198.51.100.4"),
            "what the client wrote does not spoil what the proxy wrote"
        );
        assert_eq!(forwarded_client(&headers(&["198.51.100.4, nonsense"]), 1), None);
        assert_eq!(forwarded_client(&HeaderMap::new(), 1), None);
    }
}
