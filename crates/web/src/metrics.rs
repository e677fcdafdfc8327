//! Request metrics in the OpenMetrics text format (`/metrics`), kept by the Prometheus client
//! library: requests by method, route template and status, a latency histogram per route,
//! requests in flight, and the daily jobs' latest runs.

use std::time::Duration;

use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The content type of what [`Metrics::render`] writes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Antwoord {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Taak {
    taak: String,
}

type Duur = Family<Route, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<Antwoord, Counter>,
    duration: Duur,
    in_flight: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<Antwoord, Counter>::default();
        let duration: Duur = Family::new_with_constructor(|| Histogram::new(BUCKETS));
        let in_flight = Gauge::default();
        let mut registry = Registry::with_prefix("leerrecht_http");
        registry.register(
            "requests",
            "Requests answered, by method, route and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "request_duration",
            "Time to answer, by route",
            prometheus_client::registry::Unit::Seconds,
            duration.clone(),
        );
        registry.register(
            "requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        Metrics {
            registry,
            requests,
            duration,
            in_flight,
        }
    }
}

impl Metrics {
    pub fn begin(&self) {
        self.in_flight.inc();
    }

    pub fn end(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.in_flight.dec();
        self.requests
            .get_or_create(&Antwoord {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.duration
            .get_or_create(&Route {
                route: route.to_string(),
            })
            .observe(took.as_secs_f64());
    }

    /// The request metrics and, when given, the daily jobs' latest runs, in the OpenMetrics
    /// text format.
    pub fn render(&self, taken: Option<&[leerrecht_app::taken::TaakStand]>) -> String {
        let mut out = String::new();
        // Writing into a String does not fail.
        let _ = encode_registry(&mut out, &self.registry);
        if let Some(stand) = taken {
            let _ = encode_registry(&mut out, &taken_registry(stand));
        }
        let _ = encode_eof(&mut out);
        out
    }
}

/// The daily jobs' latest slots (from the job table, so every server of a database shows the
/// same): when it last started, how long it took, whether it went well, whether it runs now.
fn taken_registry(stand: &[leerrecht_app::taken::TaakStand]) -> Registry {
    let tijd = || Family::<Taak, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
    let gepland = tijd();
    let gestart = tijd();
    let duur = tijd();
    let gelukt = Family::<Taak, Gauge>::default();
    let bezig = Family::<Taak, Gauge>::default();
    for s in stand {
        let Some(r) = &s.laatste else { continue };
        let taak = Taak {
            taak: s.taak.naam().to_string(),
        };
        gepland
            .get_or_create(&taak)
            .set(r.gepland_op.timestamp() as f64);
        gestart
            .get_or_create(&taak)
            .set(r.gestart.timestamp_millis() as f64 / 1e3);
        if let Some(ms) = r.duur_ms {
            duur.get_or_create(&taak).set(ms as f64 / 1e3);
        }
        if let Some(u) = &r.uitkomst {
            gelukt
                .get_or_create(&taak)
                .set(i64::from(u.starts_with("ok")));
        }
        bezig.get_or_create(&taak).set(i64::from(r.klaar.is_none()));
    }
    let mut reg = Registry::with_prefix("leerrecht_job");
    reg.register(
        "last_scheduled_timestamp_seconds",
        "The slot of the job's latest run: when it was due (Unix time)",
        gepland,
    );
    reg.register(
        "last_start_timestamp_seconds",
        "When the job's latest run started (Unix time)",
        gestart,
    );
    reg.register(
        "last_duration_seconds",
        "How long the job's latest finished run took",
        duur,
    );
    reg.register(
        "last_success",
        "1 when the job's latest finished run went well, 0 when it failed",
        gelukt,
    );
    reg.register(
        "running",
        "1 while a server runs the job's latest slot",
        bezig,
    );
    reg
}
