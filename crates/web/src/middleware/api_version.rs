//! The full version of the API on every response (API Design Rules, /core/version-header).

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The API's version: the major is in the path (`/api/v1`).
pub const API_VERSION: &str = "1.0.0";

pub async fn api_version(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert("api-version", HeaderValue::from_static(API_VERSION));
    res
}
