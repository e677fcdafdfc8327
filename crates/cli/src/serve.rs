//! `leerrecht serve`: the web application and the HTTP API on a multi-threaded runtime whose blocking pool runs the
//! synchronous use cases. Prints the address it listens on (useful with port 0), and on
//! Ctrl-C or SIGTERM stops taking connections and finishes the requests under way. The
//! daily jobs of `[taken]` run on a thread of their own (`leerrecht_app::taken`).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use leerrecht_app::config::Config;
use leerrecht_app::taken::Planner;
use leerrecht_app::App;

pub(crate) fn serve(app: App, config: &Config, db: &str, addr: &str) -> anyhow::Result<()> {
    let mut app = app
        .met_doelbinding(config.doelbinding)
        .met_briefmap(config.briefmap())
        .met_overdracht_dagen(config.overdracht_dagen())
        .met_sso(config.sso().context("[[oidc]]")?);
    if let Some(keys) = config.sleutels.lees()? {
        app = app.met_sleutels(keys);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The store's connection pool has 8 connections; more threads than a few times that
        // would only queue for them.
        .max_blocking_threads(16)
        .build()
        .context("cannot start the runtime")?;
    let metrics_token = config
        .metrics
        .token()
        .context("cannot read the metrics token")?;
    let cfg = leerrecht_web::Instellingen {
        escalatie: config.escalatie,
        hsts: config.server.achter_tls_proxy,
        origin: config
            .server
            .origin
            .as_ref()
            .map(|o| o.trim_end_matches('/').to_string()),
        taken: config.taken.clone(),
        ..leerrecht_web::Instellingen::default()
    }
    .met_metrics_token(metrics_token.as_deref());
    let app = Arc::new(app);
    let state = leerrecht_web::AppState::new(app.clone(), cfg);
    let stop = Arc::new(AtomicBool::new(false));
    if let Some(smtp) = &config.smtp {
        // The outbox, drained every half minute: a request never waits for a mail server.
        let mailer = smtp.mailer().context("[smtp]")?;
        let (app, stop) = (app.clone(), stop.clone());
        std::thread::Builder::new()
            .name("mail".into())
            .spawn(move || {
                let op = leerrecht_app::Actor::local_operator();
                while !stop.load(Ordering::Relaxed) {
                    if let Err(e) = app.mail_verzenden(&op, &mailer) {
                        tracing::warn!("sending mail failed: {e}");
                    }
                    for _ in 0..30 {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_secs(1));
                    }
                }
            })
            .context("cannot start the mail sender")?;
    }
    let planner = Planner::new(app, config.clone(), db);
    if planner.heeft_taken() {
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("taken".into())
            .spawn(move || planner.draai(&stop))
            .context("cannot start the daily jobs")?;
    }
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        {
            let mut out = std::io::stdout().lock();
            // One write, so that a reader who takes the first line and hangs up still gets
            // both into the pipe.
            out.write_all(
                format!(
                    "leerrecht: API on http://{local}/api/v1\n\
                     leerrecht: web application on http://{local}/\n"
                )
                .as_bytes(),
            )?;
            out.flush()?;
        }
        leerrecht_web::serve(listener, state, leerrecht_web::shutdown_signal())
            .await
            .context("serving")?;
        // A job under way is not waited for: its transaction rolls back with the process,
        // and its slot is taken over once the lease runs out.
        stop.store(true, Ordering::Relaxed);
        anyhow::Ok(())
    })
}
