//! A deadline per request: past it the client gets a 503 problem. The blocking work of a
//! request that timed out runs on to its end (a store call is one transaction), unobserved.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

pub async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            ApiError::Unavailable(format!("request took longer than {limit:?}")).into_response()
        }
    }
}
