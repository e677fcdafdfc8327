//! Request metrics in the Prometheus text format (`/metrics`): requests by method, route
//! template and status, a latency histogram per route, and requests in flight.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Route {
    by_status: BTreeMap<(String, u16), u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, Route>>,
    in_flight: AtomicI64,
}

impl Metrics {
    pub fn begin(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    pub fn end(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let secs = took.as_secs_f64();
        let mut routes = self.routes.lock().expect("metrics lock");
        let r = routes.entry(route.to_string()).or_default();
        *r.by_status.entry((method.to_string(), status)).or_default() += 1;
        for (b, le) in r.buckets.iter_mut().zip(BUCKETS) {
            if secs <= le {
                *b += 1;
            }
        }
        r.count += 1;
        r.sum += secs;
    }

    /// The metrics as Prometheus text exposition format 0.0.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let routes = self.routes.lock().expect("metrics lock");
        out.push_str("# HELP leerrecht_http_requests_total Requests answered, by method, route and status.\n");
        out.push_str("# TYPE leerrecht_http_requests_total counter\n");
        for (route, r) in routes.iter() {
            for ((method, status), n) in &r.by_status {
                let _ = writeln!(
                    out,
                    "leerrecht_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP leerrecht_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE leerrecht_http_request_duration_seconds histogram\n");
        for (route, r) in routes.iter() {
            for (b, le) in r.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "leerrecht_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {b}"
                );
            }
            let _ = writeln!(
                out,
                "leerrecht_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                r.count
            );
            let _ = writeln!(
                out,
                "leerrecht_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                r.sum
            );
            let _ = writeln!(
                out,
                "leerrecht_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                r.count
            );
        }
        out.push_str("# HELP leerrecht_http_requests_in_flight Requests being answered now.\n");
        out.push_str("# TYPE leerrecht_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "leerrecht_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out
    }
}

/// The daily jobs' latest slots (from the job table, so every server of a database shows the
/// same): when it last started, how long it took, whether it went well, whether it runs now.
pub fn render_taken(stand: &[leerrecht_app::taken::TaakStand]) -> String {
    let mut out = String::new();
    let reeksen: [(&str, &str, &str); 5] = [
        (
            "leerrecht_job_last_scheduled_timestamp_seconds",
            "gauge",
            "The slot of the job's latest run: when it was due (Unix time).",
        ),
        (
            "leerrecht_job_last_start_timestamp_seconds",
            "gauge",
            "When the job's latest run started (Unix time).",
        ),
        (
            "leerrecht_job_last_duration_seconds",
            "gauge",
            "How long the job's latest finished run took.",
        ),
        (
            "leerrecht_job_last_success",
            "gauge",
            "1 when the job's latest finished run went well, 0 when it failed.",
        ),
        (
            "leerrecht_job_running",
            "gauge",
            "1 while a server runs the job's latest slot.",
        ),
    ];
    for (i, (naam, soort, help)) in reeksen.iter().enumerate() {
        let _ = writeln!(out, "# HELP {naam} {help}");
        let _ = writeln!(out, "# TYPE {naam} {soort}");
        for s in stand {
            let Some(r) = &s.laatste else { continue };
            let waarde = match i {
                0 => Some(r.gepland_op.timestamp() as f64),
                1 => Some(r.gestart.timestamp_millis() as f64 / 1e3),
                2 => r.duur_ms.map(|ms| ms as f64 / 1e3),
                3 => r
                    .uitkomst
                    .as_ref()
                    .map(|u| if u.starts_with("ok") { 1.0 } else { 0.0 }),
                _ => Some(if r.klaar.is_none() { 1.0 } else { 0.0 }),
            };
            if let Some(w) = waarde {
                let _ = writeln!(out, "{naam}{{taak=\"{}\"}} {w}", s.taak.naam());
            }
        }
    }
    out
}
