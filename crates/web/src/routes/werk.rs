//! The worklist of the caller's organisation, and the figures (rapportages) as JSON. The
//! figures name no person, except the KPI's overdue list for readers the gate lets see them.

use std::str::FromStr;

use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_app::cijfers::{Gebied, Opties};
use leerrecht_app::{Actor, App};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::Escalatieregels;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::openapi::{
    Datumlijst, Gemeentecode, JongereId, Organisatiecode, Schoolcode, Schooljaar,
};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Peildag {
    /// The day (default today).
    pub peildatum: Option<NaiveDate>,
}

/// One thing to do.
#[derive(Serialize, ToSchema)]
pub struct WerkItem {
    /// `conceptmelding`, `melding`, `signaal`, `mazl`, `aanbod`, `aanbod_te_laat`,
    /// `escalatie`, `vrijstelling`, `av` (absolute absence), `thuiszitter_voorstel` (an `lrv`
    /// signal: register as thuiszittend with `POST registraties`), `vrijstelling_verlengen`,
    /// `vrijstelling_gemarkeerd`, `handhaving` (a HALT referral or official report without
    /// an outcome after eight weeks) or `overdracht` (a case handed over after a move).
    pub soort: String,
    /// The id of the young person: what the per-person operations take.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<JongereId>)]
    pub jongere: Option<String>,
    /// The person's name.
    pub naam: String,
    /// The day it is about, or due.
    pub datum: NaiveDate,
    /// Whether it is overdue.
    pub te_laat: bool,
    /// What to do, in words.
    pub wat: String,
}

/// What needs the caller's organisation now, most urgent first.
#[derive(Serialize, ToSchema)]
pub struct Werklijst {
    #[schema(value_type = Organisatiecode)]
    pub organisatie: String,
    /// The day the list is for.
    pub peildatum: NaiveDate,
    /// Items per kind.
    #[schema(value_type = Object)]
    pub tellingen: serde_json::Value,
    /// The things to do, most urgent first.
    pub items: Vec<WerkItem>,
}

/// The worklist of the caller's own organisation.
///
/// What needs doing now, most urgent first: drafts to confirm, meldingen to answer,
/// offers and escalations due, absolute absence, exemptions to renew. For users of an
/// organisation (an API token gets 403); each person shown is logged.
#[utoipa::path(get, path = "/werklijst", tag = "werklijst", params(Peildag),
    responses((status = 200, description = "De werklijst", body = Werklijst)))]
pub async fn werklijst(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Peildag>,
) -> ApiResult<axum::Json<Werklijst>> {
    let regels = s.cfg().escalatie;
    let w = s
        .run(move |app| {
            let org = match &c.actor {
                leerrecht_app::Actor::Gebruiker(g) => g.organisatie.clone(),
                _ => {
                    return Err(leerrecht_app::AppError::Forbidden(
                        "de werklijst is voor gebruikers van een organisatie".into(),
                    ))
                }
            };
            let on = q.peildatum.unwrap_or_else(|| app.now().date_naive());
            let w = app.werklijst(&c.actor, &org, on, &regels)?;
            let mut items = Vec::with_capacity(w.items.len());
            for i in w.items {
                let jongere = match LeerlingId::from_str(&i.leerling) {
                    Ok(l) => app.id_van(l)?,
                    Err(_) => None,
                };
                items.push(WerkItem {
                    soort: i.soort.to_string(),
                    jongere,
                    naam: i.naam,
                    datum: i.datum,
                    te_laat: i.te_laat,
                    wat: i.wat,
                });
            }
            Ok(Werklijst {
                organisatie: w.organisatie,
                peildatum: w.peildatum,
                tellingen: serde_json::to_value(&w.tellingen).unwrap_or_default(),
                items,
            })
        })
        .await?;
    Ok(axum::Json(w))
}

/// Where and how to count, for every report: what the handlers read. Each report documents
/// the members it uses ([`Gebiedsvraag`] and its own), with the ones it needs as required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rapportvraag {
    pub datums: Option<String>,
    pub datum: Option<NaiveDate>,
    pub jaar: Option<String>,
    pub basisjaar: Option<String>,
    pub reductie: Option<f64>,
    pub gemeente: Option<String>,
    pub regio: Option<String>,
    pub swv: Option<String>,
    pub school: Option<String>,
    pub publiek: Option<bool>,
    pub bekend_op: Option<DateTime<Utc>>,
}

/// Where to count and how to publish, for every report.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // the document's view of [`Rapportvraag`]
pub struct Gebiedsvraag {
    /// Only persons living in this gemeente (one of the region's; 422 otherwise).
    #[param(value_type = Gemeentecode, required = false, example = "GM0392")]
    pub gemeente: Option<String>,
    /// Only persons living in the gemeenten of this sub-region (one of the region's).
    #[param(example = "Zuid-Kennemerland")]
    pub regio: Option<String>,
    /// Only pupils of the schools of this samenwerkingsverband (one with schools).
    #[param(value_type = Organisatiecode, required = false, example = "SWV-PO-ZK")]
    pub swv: Option<String>,
    /// Only pupils of this school location (one of the region's).
    #[param(value_type = Schoolcode, required = false, example = "51AY00")]
    pub school: Option<String>,
    /// Counts below 5 as `<5` (always so for `beleid`).
    pub publiek: Option<bool>,
    /// The figures as they were known at this moment (RFC 3339).
    pub bekend_op: Option<DateTime<Utc>>,
}

/// The dates of the peildatum table.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Peildatumvraag {
    /// The dates, comma-separated.
    #[param(value_type = Datumlijst)]
    pub datums: String,
}

/// The day of a report on one day.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Dagvraag {
    /// The day.
    #[param(example = "2025-10-01")]
    pub datum: NaiveDate,
}

/// The school year of a report on a year.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Jaarvraag {
    /// The school year.
    #[param(value_type = Schooljaar)]
    pub jaar: String,
}

/// The day a report on a year is read on.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Leesdag {
    /// Read on this day (default today).
    #[param(example = "2025-10-01")]
    pub datum: Option<NaiveDate>,
}

/// The baseline and reduction of the targets.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Doelvraag {
    /// The baseline year (default `2018-2019`).
    #[param(value_type = Schooljaar, required = false)]
    pub basisjaar: Option<String>,
    /// The reduction in percent, 0 to 100 (default 10).
    #[param(minimum = 0, maximum = 100, example = 10)]
    pub reductie: Option<f64>,
}

impl Rapportvraag {
    fn opties(&self) -> Opties {
        Opties {
            gebied: Gebied {
                gemeente: self.gemeente.clone(),
                regio: self.regio.clone(),
                swv: self.swv.clone(),
                school: self.school.clone(),
            },
            publiek: self.publiek.unwrap_or(false),
            bekend_op: self.bekend_op,
        }
    }
    fn jaar(&self) -> Result<SchoolYear, ApiError> {
        let j = self
            .jaar
            .as_deref()
            .ok_or_else(|| ApiError::param("jaar", "nodig, bijvoorbeeld 2023-2024"))?;
        j.parse()
            .map_err(|e: leerrecht_domain::schoolyear::SchoolYearError| {
                ApiError::param("jaar", e.to_string())
            })
    }
    fn datum(&self) -> Result<NaiveDate, ApiError> {
        self.datum
            .ok_or_else(|| ApiError::param("datum", "nodig, bijvoorbeeld 2025-10-01"))
    }
}

/// A report as JSON; its shape is that of `leerrecht report … --format json`.
async fn rapport<T: Serialize + Send + 'static>(
    s: &AppState,
    f: impl FnOnce(&leerrecht_app::App) -> leerrecht_app::Result<T> + Send + 'static,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let r = s.run(f).await?;
    serde_json::to_value(&r)
        .map(axum::Json)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// A report on a school year as read on a day (default today), with the escalation rules of
/// the settings.
async fn jaar_op_leesdag<T, F>(
    s: &AppState,
    c: Caller,
    q: &Rapportvraag,
    f: F,
) -> ApiResult<axum::Json<serde_json::Value>>
where
    T: Serialize + Send + 'static,
    F: FnOnce(
            &App,
            &Actor,
            SchoolYear,
            NaiveDate,
            &Escalatieregels,
            &Opties,
        ) -> leerrecht_app::Result<T>
        + Send
        + 'static,
{
    let (j, o, regels) = (q.jaar()?, q.opties(), s.cfg().escalatie);
    let d = q.datum;
    rapport(s, move |app| {
        let d = d.unwrap_or_else(|| app.now().date_naive());
        f(app, &c.actor, j, d, &regels, &o)
    })
    .await
}

/// Registered persons per thuiszitter category on each date.
///
/// One column per date, with a total row; no person is named. Its shape is that of
/// `leerrecht report peildatum --format json`.
#[utoipa::path(get, path = "/rapportages/peildatum", tag = "rapportages",
    params(Peildatumvraag, Gebiedsvraag),
    responses((status = 200, description = "De peildatumtabel", body = Object)))]
pub async fn peildatum(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let raw = q
        .datums
        .as_deref()
        .ok_or_else(|| ApiError::param("datums", "nodig, bijvoorbeeld 2025-01-01,2025-10-01"))?;
    let dates = raw
        .split(',')
        .map(|d| leerrecht_domain::date::parse_date(d.trim()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::param("datums", e.to_string()))?;
    let o = q.opties();
    rapport(&s, move |app| app.rapport_peildatum(&c.actor, &dates, &o)).await
}

/// Registered persons per main cause on a date.
///
/// With a total row; no person is named.
#[utoipa::path(get, path = "/rapportages/oorzaken", tag = "rapportages",
    params(Dagvraag, Gebiedsvraag),
    responses((status = 200, description = "De oorzaken", body = Object)))]
pub async fn oorzaken(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let (d, o) = (q.datum()?, q.opties());
    rapport(&s, move |app| app.rapport_oorzaken(&c.actor, d, &o)).await
}

/// Unique thuiszitters and verzuimers per area in a school year.
///
/// Each person counted once per area; no person is named.
#[utoipa::path(get, path = "/rapportages/schooljaar", tag = "rapportages",
    params(Jaarvraag, Gebiedsvraag),
    responses((status = 200, description = "Het schooljaar", body = Object)))]
pub async fn schooljaar(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let (j, o) = (q.jaar()?, q.opties());
    rapport(&s, move |app| app.rapport_schooljaar(&c.actor, j, &o)).await
}

/// The targets: per area and indicator, baseline, target and actual.
///
/// The target is the baseline year's figure less the reduction.
#[utoipa::path(get, path = "/rapportages/doelen", tag = "rapportages",
    params(Jaarvraag, Doelvraag, Leesdag, Gebiedsvraag),
    responses((status = 200, description = "De doelen", body = Object)))]
pub async fn doelen(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let j = q.jaar()?;
    let basis: SchoolYear = q
        .basisjaar
        .as_deref()
        .unwrap_or("2018-2019")
        .parse()
        .map_err(|e: leerrecht_domain::schoolyear::SchoolYearError| {
            ApiError::param("basisjaar", e.to_string())
        })?;
    let reductie = q.reductie.unwrap_or(10.0);
    if !(0.0..=100.0).contains(&reductie) {
        return Err(ApiError::param("reductie", "0 tot en met 100"));
    }
    let (o, d) = (q.opties(), q.datum);
    rapport(&s, move |app| {
        let d = d.unwrap_or_else(|| app.now().date_naive());
        app.rapport_doelen(&c.actor, basis, reductie, j, d, &o)
    })
    .await
}

/// The three-month KPI of the runs of home-sitting that began in a school year.
///
/// Each run judged on the day asked; the list of overdue runs names persons only for
/// readers the gate lets see them.
#[utoipa::path(get, path = "/rapportages/kpi", tag = "rapportages",
    params(Jaarvraag, Leesdag, Gebiedsvraag),
    responses((status = 200, description = "De KPI", body = Object)))]
pub async fn kpi(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    jaar_op_leesdag(&s, c, &q, App::rapport_kpi).await
}

/// The Leerplichttelling of a school year.
///
/// Absoluut verzuim, long-term relative absence and exemptions, each person once.
#[utoipa::path(get, path = "/rapportages/leerplichttelling", tag = "rapportages",
    params(Jaarvraag, Leesdag, Gebiedsvraag),
    responses((status = 200, description = "De Leerplichttelling", body = Object)))]
pub async fn leerplichttelling(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    jaar_op_leesdag(&s, c, &q, App::rapport_leerplichttelling).await
}

/// The RMC figures of a school year per gemeente.
///
/// New early school leavers of 18 to 23 (left education without a startkwalificatie), those
/// the RMC reached, those back in education, at work, in care or not reachable; no person is
/// named.
#[utoipa::path(get, path = "/rapportages/rmc", tag = "rapportages",
    params(Jaarvraag, Leesdag, Gebiedsvraag),
    responses((status = 200, description = "De RMC-cijfers", body = Object)))]
pub async fn rmc_cijfers(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    jaar_op_leesdag(&s, c, &q, |app, actor, j, d, _, o| {
        app.rapport_rmc(actor, j, d, o)
    })
    .await
}

/// The Inspectie's overview on a day.
///
/// Per samenwerkingsverband: thuiszittend up to and over three months, and absoluut
/// verzuim.
#[utoipa::path(get, path = "/rapportages/inspectie", tag = "rapportages",
    params(Dagvraag, Gebiedsvraag),
    responses((status = 200, description = "Het Inspectie-overzicht", body = Object)))]
pub async fn inspectie(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<Rapportvraag>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let (d, o, regels) = (q.datum()?, q.opties(), s.cfg().escalatie);
    rapport(&s, move |app| {
        app.rapport_inspectie(&c.actor, d, &regels, &o)
    })
    .await
}
