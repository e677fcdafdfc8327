//! Who is calling. Systems send an API token as `Authorization: Bearer lrt_…`; people log in
//! (`POST /api/v1/sessies`) and then send the session cookie, or the session token as a bearer
//! token from a script. A write made with the cookie must carry the session's CSRF token in
//! `X-CSRF-Token`: a page on another site can make the browser send the cookie, but cannot
//! read the token. Sessions live in the database, so any server process can check them.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method};
use leerrecht_app::Actor;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "leerrecht_sessie";
/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of a session: derived from its secret, so nothing needs storing.
pub fn csrf_token(session: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(format!("leerrecht csrf\n{session}")))
}

/// The caller of a request, authenticated.
pub struct Caller {
    pub actor: Actor,
    /// The session token, when the caller is a logged-in person.
    pub sessie: Option<String>,
}

/// The client's address, as the audit log records it.
pub fn bron(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "onbekend".to_string(), |c| c.0.ip().to_string())
}

/// The session token of the request's cookie, if any.
pub fn cookie_token(parts: &Parts) -> Option<String> {
    cookie(parts, COOKIE).map(str::to_string)
}

/// The value of the request's cookie `naam`, if it sent one.
pub fn cookie<'a>(parts: &'a Parts, naam: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == naam)
        .and_then(|c| c.value_raw())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bron = bron(parts);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.strip_prefix("Bearer ")
                    .map(str::trim)
                    .map(str::to_string)
                    .ok_or_else(|| {
                        ApiError::Unauthenticated("Authorization: gebruik Bearer <token>".into())
                    })
            })
            .transpose()?;
        let (token, via_cookie) = match (bearer, cookie_token(parts)) {
            (Some(t), _) => (t, false),
            (None, Some(c)) => (c, true),
            (None, None) => {
                return Err(ApiError::Unauthenticated(
                    "log in (POST /api/v1/sessies) of stuur een API-token als Bearer".into(),
                ))
            }
        };
        if via_cookie && !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), csrf_token(&token).as_bytes()) {
                return Err(ApiError::Csrf);
            }
        }
        let is_session = token.starts_with("lrs_");
        let t = token.clone();
        let actor = state
            .run(move |app| {
                if is_session {
                    app.session_actor(&t, &bron)
                } else {
                    app.token_actor(&t, &bron)
                }
            })
            .await?;
        match actor {
            Some(actor) => Ok(Caller {
                actor,
                sessie: is_session.then_some(token),
            }),
            None => Err(ApiError::Unauthenticated(
                "sessie verlopen of token onbekend: log opnieuw in".into(),
            )),
        }
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}
