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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;

    /// Over real HTTP: a request past its deadline is answered 503 problem+json at the
    /// deadline, and one within it passes unchanged.
    #[test]
    fn a_request_past_its_deadline_gets_a_503_problem() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let addr = rt.block_on(async {
            let app = Router::new()
                .route(
                    "/traag",
                    get(|| async {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        "te laat"
                    }),
                )
                .route("/snel", get(|| async { "op tijd" }))
                .layer(axum::middleware::from_fn_with_state(
                    Duration::from_millis(300),
                    timeout,
                ));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, app).await });
            addr
        });
        let client = reqwest::blocking::Client::new();
        let started = std::time::Instant::now();
        let r = client.get(format!("http://{addr}/traag")).send().unwrap();
        let waited = started.elapsed();
        assert_eq!(r.status().as_u16(), 503);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let v: serde_json::Value = r.json().unwrap();
        assert_eq!(v["status"], 503, "{v}");
        assert!(
            waited < Duration::from_secs(3),
            "answered at the deadline: {waited:?}"
        );
        let r = client.get(format!("http://{addr}/snel")).send().unwrap();
        assert_eq!(
            (r.status().as_u16(), r.text().unwrap()),
            (200, "op tijd".into())
        );
    }
}
