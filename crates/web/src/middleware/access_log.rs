//! One log line per request and the request metrics. The line names the route's template
//! (`/api/v1/jongeren/{id}`), never the path itself, nor the query, nor a body: no personal
//! data reaches the log.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::Metrics;

pub async fn access_log(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(geen route)", |p| p.as_str())
        .to_string();
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    metrics.begin();
    let res = next.run(req).await;
    let took = start.elapsed();
    metrics.end(method.as_str(), &route, res.status().as_u16(), took);
    tracing::info!(
        target: "leerrecht::http",
        request_id = %id,
        method = %method,
        route = %route,
        status = res.status().as_u16(),
        micros = took.as_micros() as u64,
        "request"
    );
    res
}
