//! The routes: `/healthz`, `/readyz`, `/metrics`, and the resources under `/api/v1`.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use axum::Router;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::AppState;

pub mod intake;
pub mod jongeren;
pub mod rmc;
pub mod sessies;
pub mod vrijstellingen;
pub mod werk;
pub mod zaakwerk;

pub fn routes(state: AppState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(openapi))
        .route("/sessies", post(sessies::inloggen))
        .route("/sessies/huidig", delete(sessies::uitloggen))
        .route("/gebruikers", get(sessies::gebruikers))
        .route("/wachtwoordherstel", post(sessies::wachtwoordherstel))
        .route("/gebruikers/ik", get(sessies::ik))
        .route(
            "/gebruikers/ik/wachtwoord",
            put(sessies::wachtwoord_wijzigen),
        )
        .route("/organisaties", get(sessies::organisaties))
        .route("/organisaties/{code}", get(sessies::organisatie))
        .route("/jongeren", get(jongeren::lijst))
        .route("/jongeren/_zoek", post(jongeren::zoeken))
        .route("/jongeren/{id}", get(jongeren::jongere))
        .route("/inschrijvingen", get(jongeren::inschrijvingen))
        .route(
            "/verzorgers",
            get(jongeren::verzorgers).post(jongeren::verzorger_toevoegen),
        )
        .route(
            "/verzorgers/_verwijder",
            post(jongeren::verzorger_verwijderen),
        )
        .route("/verzuim", get(jongeren::verzuim).post(intake::verzuim))
        .route("/signalen", get(jongeren::signalen))
        .route(
            "/meldingen",
            get(intake::meldingen_lezen).post(intake::meldingen),
        )
        .route("/meldingen/{id}", patch(intake::melding_wijzigen))
        .route(
            "/registraties",
            get(jongeren::registraties).post(jongeren::registratie_wijzigen),
        )
        .route("/zaken", get(jongeren::zaken))
        .route("/zaken/{id}", get(jongeren::zaak))
        .route("/zaken/{id}/partners", post(jongeren::partner_toevoegen))
        .route(
            "/zaken/{id}/partners/{organisatie}",
            delete(jongeren::partner_verwijderen),
        )
        .route("/aanbod", get(jongeren::aanbod).post(jongeren::aanbod_doen))
        .route("/escalaties", get(jongeren::escalaties))
        .route("/zaken/{id}/plannen", post(zaakwerk::plan))
        .route("/zaken/{id}/ouderbetrokkenheid", post(zaakwerk::ouders))
        .route("/zaken/{id}/sluiting", post(zaakwerk::sluiting))
        .route(
            "/zaken/{id}/brieven",
            get(zaakwerk::brieven).post(zaakwerk::brief_maken),
        )
        .route("/brieven/{id}", get(zaakwerk::brief_pdf))
        .route("/zaken/{id}/handhaving", post(zaakwerk::handhaving))
        .route("/zaken/{id}/contactpogingen", post(zaakwerk::contactpoging))
        .route("/rmc", get(rmc::lijst))
        .route("/rmc/zaken", post(rmc::openen))
        .route(
            "/zaken/{id}/notities",
            get(zaakwerk::zaaknotities).post(zaakwerk::zaaknotitie_schrijven),
        )
        .route(
            "/medische-notities",
            get(zaakwerk::notities).post(zaakwerk::notitie_schrijven),
        )
        .route("/noodtoegang", post(zaakwerk::noodtoegang))
        .route(
            "/vrijstellingen",
            get(vrijstellingen::lijst).post(vrijstellingen::vastleggen),
        )
        .route("/werklijst", get(werk::werklijst))
        .route("/rapportages/peildatum", get(werk::peildatum))
        .route("/rapportages/oorzaken", get(werk::oorzaken))
        .route("/rapportages/schooljaar", get(werk::schooljaar))
        .route("/rapportages/doelen", get(werk::doelen))
        .route("/rapportages/kpi", get(werk::kpi))
        .route(
            "/rapportages/leerplichttelling",
            get(werk::leerplichttelling),
        )
        .route("/rapportages/inspectie", get(werk::inspectie))
        .route("/rapportages/rmc", get(werk::rmc_cijfers));
    Router::new()
        .merge(crate::pages::routes())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .nest("/api/v1", api)
        .with_state(state)
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::openapi_json(),
    )
        .into_response()
}

/// Whether the process is up (or ready, with its database).
#[derive(Serialize, ToSchema)]
pub struct Gezondheid {
    pub status: &'static str,
}

async fn healthz() -> axum::Json<Gezondheid> {
    axum::Json(Gezondheid { status: "ok" })
}

async fn readyz(State(s): State<AppState>) -> ApiResult<axum::Json<Gezondheid>> {
    s.run(|app| app.is_leeg())
        .await
        .map_err(|e| crate::error::ApiError::Unavailable(format!("database not ready: {e:?}")))?;
    Ok(axum::Json(Gezondheid { status: "ok" }))
}

/// The metrics, for a bearer of the configured token only; without a configured token the
/// path does not exist (404), and a wrong or missing token is a 401.
async fn metrics(State(s): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let Some(want) = s.cfg().metrics_token else {
        return crate::pages::Fout::NietGevonden(crate::pages::tekst::Taal::default())
            .into_response();
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let sent: [u8; 32] = Sha256::digest(sent.as_bytes()).into();
    if !crate::auth::constant_time_eq(&sent, &want) {
        return crate::error::ApiError::Unauthenticated(
            "/metrics: stuur het metrics-token als Bearer".into(),
        )
        .into_response();
    }
    // The daily jobs' latest runs, read from the job table; the token's bearer is the
    // installation's operator. A database that does not answer leaves them out.
    let taken = s.cfg().taken.clone();
    let stand = if taken.tijden.is_empty() {
        None
    } else {
        match s
            .run(move |app| app.taken_stand(&leerrecht_app::taken::taken_actor(), &taken))
            .await
        {
            Ok(stand) => Some(stand),
            Err(e) => {
                tracing::warn!("/metrics: the daily jobs could not be read: {e:?}");
                None
            }
        }
    };
    let text = s.0.metrics.render(stand.as_deref());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        text,
    )
        .into_response()
}
