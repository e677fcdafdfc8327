//! Extractors whose failures are problem+json: a JSON body (size-limited, `application/json`
//! only, unknown members refused by the types), query parameters, and path parameters.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, InvalidParam};

/// A JSON request body.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if mime != "application/json" && mime != "application/merge-patch+json" {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        parse(&bytes).map(Json)
    }
}

/// A request body read whole, for a handler that checks its type and parses it itself; over
/// the size limit it is a problem+json 413 like [`Json`]'s, not axum's plain-text answer.
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(Body)
            .map_err(|_| ApiError::PayloadTooLarge)
    }
}

/// Parses a JSON body, naming the member that is wrong when serde can tell.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let reason = e.inner().to_string();
        // serde's message ends with "at line L column C": keep the reason, drop positions.
        let reason = reason
            .split(" at line ")
            .next()
            .unwrap_or(&reason)
            .to_string();
        geweigerd(path, "body", reason)
    })
}

/// A refused body or query: the problem names the member (`geheel` when serde's path is the
/// whole) and why.
fn geweigerd(path: String, geheel: &str, reason: String) -> ApiError {
    let name = if path == "." {
        geheel.to_string()
    } else {
        path
    };
    ApiError::BadRequest(
        format!("{name}: {reason}"),
        vec![InvalidParam { name, reason }],
    )
}

/// Query parameters; unknown ones are refused (the types deny them).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| geweigerd(e.path().to_string(), "query", e.inner().to_string()))
    }
}

/// One path parameter.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::NotFound(format!("pad: {}", e.body_text())))
    }
}
