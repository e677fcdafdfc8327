//! The HTTP server of leerrecht: the web pages for people (server-rendered, `pages`), the
//! JSON API under `/api/v1` after the Dutch API Design Rules, its OpenAPI document at
//! `/api/v1/openapi.json`, and `/healthz`, `/readyz` and `/metrics`.
//! Handlers parse the request, ask the app layer on the blocking pool (the stores are
//! synchronous) and shape its answer; every decision on access is the app's. Nothing is
//! kept between requests in the process: sessions, idempotency keys, lockout and rate-limit
//! counters are in the database, so several processes can serve one database.
#![forbid(unsafe_code)]

mod auth;
mod cookies;
mod error;
mod extract;
mod herkomst;
mod metrics;
mod middleware;
mod openapi;
mod pages;
mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::Router;
use leerrecht_app::{App, AppError};
use leerrecht_domain::thuiszitters::Escalatieregels;

pub use crate::error::{ApiError, Problem};
pub use crate::middleware::api_version::API_VERSION;
pub use crate::openapi::openapi_json;

/// Use cases that run at once (the store pools 8 connections).
const WERKERS: usize = 12;

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Instellingen {
    /// The three-month clock (worklists, KPI), from `leerrecht.toml`.
    pub escalatie: Escalatieregels,
    /// The largest request body accepted, in bytes (a batch of absence).
    pub max_body: usize,
    /// How long a request may take.
    pub timeout: Duration,
    /// Login attempts per client address per minute.
    pub login_per_minuut: u64,
    /// Rows per batch of absence or meldingen.
    pub max_rijen: usize,
    /// Answers reach the browser over TLS (a proxy terminates it): send HSTS.
    pub hsts: bool,
    /// The site's origin as the browser sees it, when the `Host` header does not tell it.
    pub origin: Option<String>,
    /// The SHA-256 of the bearer token `/metrics` asks for; without one it answers 404.
    pub metrics_token: Option<[u8; 32]>,
    /// The daily jobs, whose latest runs `/metrics` and the beheer page show.
    pub taken: leerrecht_app::taken::TakenConfig,
}

impl Default for Instellingen {
    fn default() -> Self {
        Instellingen {
            escalatie: Escalatieregels::default(),
            max_body: 32 << 20,
            timeout: Duration::from_secs(60),
            login_per_minuut: 30,
            max_rijen: 100_000,
            hsts: false,
            origin: None,
            metrics_token: None,
            taken: leerrecht_app::taken::TakenConfig::default(),
        }
    }
}

impl Instellingen {
    /// `/metrics` for a bearer of `token` (kept as its SHA-256), or for no one.
    pub fn met_metrics_token(mut self, token: Option<&str>) -> Self {
        use sha2::Digest;
        self.metrics_token = token.map(|t| sha2::Sha256::digest(t.as_bytes()).into());
        self
    }
}

struct Inner {
    app: Arc<App>,
    /// Use cases running at once: a few more than the store's connections. Waiting here is
    /// first come, first served (tokio's semaphore is fair), which a pile of blocking
    /// threads waiting for a pooled connection is not: it keeps the slowest answers short.
    werkers: tokio::sync::Semaphore,
    cfg: Instellingen,
    metrics: Arc<metrics::Metrics>,
    /// The files read in from the browser, by their id (`pages::inlezen`).
    invoer: std::sync::Mutex<std::collections::HashMap<String, Arc<pages::inlezen::Invoertaak>>>,
}

/// What every handler gets: the app, the settings and the metrics.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    pub fn new(app: Arc<App>, cfg: Instellingen) -> Self {
        AppState(Arc::new(Inner {
            app,
            werkers: tokio::sync::Semaphore::new(WERKERS),
            cfg,
            metrics: Arc::default(),
            invoer: Default::default(),
        }))
    }

    /// The app, for what needs no blocking thread (the names of the identity providers).
    pub(crate) fn app(&self) -> &App {
        &self.0.app
    }

    pub(crate) fn cfg(&self) -> &Instellingen {
        &self.0.cfg
    }

    /// The files being read in from the browser.
    pub(crate) fn invoer(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Arc<pages::inlezen::Invoertaak>>>
    {
        self.0.invoer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs a use case on the blocking pool.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, AppError> + Send + 'static,
    {
        let _permit = self
            .0
            .werkers
            .acquire()
            .await
            .map_err(|_| ApiError::Unavailable("shutting down".into()))?;
        let app = self.0.app.clone();
        match tokio::task::spawn_blocking(move || f(&app)).await {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::Internal(format!("use case panicked: {e}"))),
        }
    }
}

/// The whole service as a router, with its layers.
pub fn router(state: AppState) -> Router {
    let timeout = state.cfg().timeout;
    let hsts = state.cfg().hsts;
    let max_body = state.cfg().max_body;
    let metrics = state.0.metrics.clone();
    let pages_state = state.clone();
    routes::routes(state)
        .fallback(|req: axum::extract::Request| async move {
            if req.uri().path().starts_with("/api/") {
                ApiError::NotFound("geen resource op dit pad".into()).into_response()
            } else {
                let (parts, _) = req.into_parts();
                pages::Fout::NietGevonden(pages::taal_van(&parts)).into_response()
            }
        })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed.into_response() })
        .layer(axum::middleware::from_fn_with_state(
            pages_state,
            pages::met_kop,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            timeout,
            middleware::timeout::timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            middleware::access_log::access_log,
        ))
        .layer(axum::middleware::from_fn_with_state(
            hsts,
            middleware::security_headers::security_headers,
        ))
        .layer(axum::middleware::from_fn(
            middleware::api_version::api_version,
        ))
        .layer(axum::middleware::from_fn(
            middleware::request_id::request_id,
        ))
}

/// Serves until `shutdown` completes, then stops taking connections and lets the requests
/// under way finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!(target: "leerrecht::http", "shutting down: finishing requests under way");
}
