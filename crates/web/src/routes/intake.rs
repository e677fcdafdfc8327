//! Bulk intake from schools' administration packages: a batch of absence or meldingen is
//! checked row by row exactly as the file of that kind is (the same import), and written all
//! or nothing. With an `Idempotency-Key` the answer is stored, so that a retry after a lost
//! answer gets the same answer and changes nothing. Also a person's meldingen and their status.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leerrecht_app::register::import::{ImportKind, ImportReport};
use leerrecht_store::api::Claim;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, InvalidParam};
use crate::extract::{parse, Body, Json, Path, Query};
use crate::openapi::{
    AfsluitredenCode, Bestandsdatum, Leerlingnummer, MeldingsoortCode, MeldingstatusCode,
    NieuweMeldingstatus, Schoolcode, VerzuimsoortCode,
};
use crate::routes::jongeren::{met_jongere, VanJongere};
use crate::AppState;

/// A batch of rows; each row has the members of the file format's columns.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    #[schema(value_type = Vec<Object>)]
    pub rijen: Vec<serde_json::Value>,
}

/// A batch of absence, as the document describes it (the handler reads a [`Batch`] and the
/// import checks each row against these types).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Verzuimbatch {
    /// The rows, at most the installation's `max_rijen` (100 000 unless configured).
    #[schema(max_items = 100_000)]
    pub rijen: Vec<Verzuimrij>,
}

/// A row of absence: the columns of the `verzuim` file, each with its JSON type (a number
/// in quotes or `"ja"` for a boolean is refused).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Verzuimrij {
    /// BSN or onderwijsnummer of a pupil the school has enrolled on the day.
    #[schema(value_type = Leerlingnummer)]
    pub leerling: String,
    /// The school's code (BRIN and location): with an API token, the token's own school.
    #[schema(value_type = Schoolcode)]
    pub school: String,
    /// `YYYY-MM-DD` or `DD-MM-YYYY`.
    #[schema(value_type = Bestandsdatum)]
    pub datum: String,
    /// `ongeoorloofd`, `luxe`, `te_laat`, `ziek` or `geoorloofd`.
    #[schema(value_type = VerzuimsoortCode)]
    pub soort: String,
    /// Minutes of lessons missed, 0 to 1440.
    #[schema(minimum = 0, maximum = 1440)]
    pub minuten: Option<u32>,
    /// Absent the whole day.
    pub hele_dag: Option<bool>,
}

/// A batch of meldingen, as the document describes it.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Meldingenbatch {
    /// The rows, at most the installation's `max_rijen` (100 000 unless configured).
    #[schema(max_items = 100_000)]
    pub rijen: Vec<Meldingrij>,
}

/// A row of meldingen: the columns of the `meldingen` file, each with its JSON type.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Meldingrij {
    /// BSN or onderwijsnummer of a pupil the school has enrolled.
    #[schema(value_type = Leerlingnummer)]
    pub leerling: String,
    /// The school's code: with an API token, the token's own school.
    #[schema(value_type = Schoolcode)]
    pub school: String,
    /// `YYYY-MM-DD` or `DD-MM-YYYY`.
    #[schema(value_type = Bestandsdatum)]
    pub begindatum: String,
    /// `luxe`, `beginnend`, `signaal`, `16uur` or `langdurig`.
    #[schema(value_type = MeldingsoortCode)]
    pub verzuimsoort: String,
    /// Hours of absence.
    #[schema(minimum = 0)]
    pub uren: Option<u32>,
    /// Days of absence.
    #[schema(minimum = 0)]
    pub dagen: Option<u32>,
    /// The last day of the absence, `YYYY-MM-DD` or `DD-MM-YYYY`.
    #[schema(value_type = Option<Bestandsdatum>)]
    pub einddatum: Option<String>,
    /// Whether whole lessons were missed.
    pub hele_lessen: Option<bool>,
    /// The reason the school knows of.
    pub reden: Option<String>,
    /// What the school did about it.
    pub ondernomen: Option<String>,
    /// Whether the school asks leerplicht to act.
    pub actie_gewenst: Option<bool>,
    /// Whom leerplicht can reach at the school.
    pub contact: Option<String>,
}

/// What a batch did: every row was valid and is stored.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct BatchResultaat {
    /// Rows in the batch.
    pub rijen: u64,
    /// Rows stored that were new.
    pub nieuw: u64,
    /// Rows that changed what was stored.
    pub gewijzigd: u64,
    /// Rows equal to what was stored.
    pub ongewijzigd: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IdempotencyKey {
    /// A unique key per batch (a UUID, say): a retry with the same key and body gets the
    /// first answer and changes nothing. Kept 24 hours. Visible ASCII only.
    #[param(
        rename = "Idempotency-Key",
        pattern = "^[\\x20-\\x7E]*$",
        min_length = 1,
        max_length = 255,
        example = "5f0c6a2e-8d1b-4c3a-9e7f-2b6d4a1c8e90"
    )]
    pub key: Option<String>,
}

/// Sends a batch of absence.
///
/// The columns `leerling`, `school`, `datum`, `soort`, `minuten`, `hele_dag`, as in the
/// `verzuim` file. All or nothing; invalid rows are listed in the problem's `invalidParams`
/// as `rijen[i].kolom`. Token scope `verzuim:schrijven`.
#[utoipa::path(post, path = "/verzuim", tag = "verzuim", operation_id = "verzuim_sturen", params(IdempotencyKey),
    request_body = Verzuimbatch,
    responses((status = 200, description = "Alle rijen opgeslagen", body = BatchResultaat)))]
pub async fn verzuim(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    batch(s, c, ImportKind::Verzuim, headers, body).await
}

/// Sends a batch of meldingen.
///
/// The columns of the `meldingen` file. Each joins (or opens) the pupil's verzuim case. All
/// or nothing; invalid rows are listed in the problem's `invalidParams`. Token scope
/// `meldingen:schrijven`.
#[utoipa::path(post, path = "/meldingen", tag = "meldingen", operation_id = "meldingen_sturen", params(IdempotencyKey),
    request_body = Meldingenbatch,
    responses((status = 200, description = "Alle rijen opgeslagen", body = BatchResultaat)))]
pub async fn meldingen(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Body(body): Body,
) -> ApiResult<Response> {
    batch(s, c, ImportKind::Meldingen, headers, body).await
}

fn json_ct(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// The answer to a batch: 200 with counts, or 422 with every bad row.
fn answer(r: &ImportReport) -> (StatusCode, String) {
    if r.committed && r.errors.is_empty() {
        let body = BatchResultaat {
            rijen: r.rows,
            nieuw: r.counts.nieuw,
            gewijzigd: r.counts.gewijzigd,
            ongewijzigd: r.counts.ongewijzigd,
        };
        (
            StatusCode::OK,
            serde_json::to_string(&body).unwrap_or_default(),
        )
    } else {
        let params: Vec<InvalidParam> = r
            .errors
            .iter()
            .map(|e| InvalidParam {
                name: if e.column == "-" {
                    format!("rijen[{}]", e.line.saturating_sub(1))
                } else {
                    format!("rijen[{}].{}", e.line.saturating_sub(1), e.column)
                },
                reason: e.reason.clone(),
            })
            .collect();
        let bad = r
            .errors
            .iter()
            .map(|e| e.line)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let body = serde_json::json!({
            "type": "about:blank",
            "title": "Ongeldige invoer",
            "status": 422,
            "detail": format!("{bad} van de {} rijen ongeldig; er is niets opgeslagen", r.rows),
            "invalidParams": params,
        });
        (StatusCode::UNPROCESSABLE_ENTITY, body.to_string())
    }
}

fn respond(status: StatusCode, body: String, replay: bool) -> Response {
    let ct = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    if replay {
        r.headers_mut()
            .insert("idempotency-replayed", HeaderValue::from_static("true"));
    }
    r
}

async fn batch(
    s: AppState,
    c: Caller,
    kind: ImportKind,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    if !json_ct(&headers) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let batch: Batch = parse(&body)?;
    if batch.rijen.len() > s.cfg().max_rijen {
        return Err(ApiError::field(
            "rijen",
            format!("hoogstens {} rijen per batch", s.cfg().max_rijen),
        ));
    }
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| ApiError::param("Idempotency-Key", "alleen zichtbare ASCII-tekens"))?
                .to_string(),
        ),
    };
    let fingerprint = data_encoding::HEXLOWER.encode(&Sha256::digest(
        [kind.to_string().as_bytes(), b"\n", &body].concat(),
    ));
    let actor = c.actor;
    let claimed = match key {
        None => None,
        Some(key) => {
            let (a, fp) = (actor.clone(), fingerprint.clone());
            let (k, claim) = s
                .run(move |app| app.idempotentie_claimen(&a, &key, &fp))
                .await?;
            match claim {
                Claim::Nieuw => Some(k),
                Claim::Bezig { .. } => {
                    return Err(ApiError::Conflict(
                        "een verzoek met deze Idempotency-Key is nog bezig".into(),
                    ))
                }
                Claim::Klaar {
                    verzoek,
                    status,
                    antwoord,
                } => {
                    if verzoek != fingerprint {
                        return Err(ApiError::field(
                            "Idempotency-Key",
                            "al gebruikt voor een ander verzoek",
                        ));
                    }
                    let status =
                        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    return Ok(respond(status, antwoord, true));
                }
            }
        }
    };
    let n = batch.rijen.len();
    let rijen = batch.rijen;
    let result = s
        .run(move |app| app.import_batch(&actor, kind, &rijen, &format!("API-batch van {n} rijen")))
        .await;
    match result {
        Ok(report) => {
            let (status, body) = answer(&report);
            if let Some(k) = claimed {
                let (b, st) = (body.clone(), status.as_u16());
                s.run(move |app| app.idempotentie_vastleggen(&k, st, &b))
                    .await?;
            }
            Ok(respond(status, body, false))
        }
        Err(e) => {
            if let Some(k) = claimed {
                // Not answered: let a retry with the key try again.
                let _ = s.run(move |app| app.idempotentie_vrijgeven(&k)).await;
            }
            Err(e)
        }
    }
}

/// A melding with where it stands.
#[derive(Serialize, ToSchema)]
pub struct Melding {
    /// The melding's number: what `PATCH /meldingen/{id}` takes.
    #[schema(minimum = 1, example = 7)]
    pub id: i64,
    #[schema(value_type = Schoolcode)]
    pub school: String,
    /// The first day of the absence.
    pub begindatum: chrono::NaiveDate,
    /// `luxe`, `beginnend`, `signaal`, `16uur` or `langdurig`.
    #[schema(value_type = MeldingsoortCode)]
    pub verzuimsoort: String,
    /// Hours of absence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uren: Option<u32>,
    /// Days of absence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dagen: Option<u32>,
    /// `concept`, `geregistreerd`, `in_behandeling`, `afgesloten`, `ingetrokken` or
    /// `ter_kennisgeving`.
    #[schema(value_type = MeldingstatusCode)]
    pub status: String,
    /// The rest of the melding: einddatum, hele_lessen, reden, ondernomen, actie_gewenst,
    /// contact (each when known).
    #[schema(value_type = Object)]
    pub gegevens: serde_json::Value,
    /// The signal a draft was made from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signaal: Option<String>,
    /// Why it was closed or withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub afsluitreden: Option<String>,
    /// What the school wrote when it withdrew the melding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toelichting: Option<String>,
    /// The number of the case the melding joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zaak: Option<i64>,
}

/// A young person's meldingen.
///
/// Every melding the caller may see (a school its own), oldest first, with where it stands
/// and the case it joined (logged).
#[utoipa::path(get, path = "/meldingen", tag = "meldingen", params(VanJongere),
    responses((status = 200, description = "Meldingen", body = Vec<Melding>)))]
pub async fn meldingen_lezen(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Melding>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.meldingen(a, l)).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|m| Melding {
                id: m.id,
                school: m.school.as_str().to_string(),
                begindatum: m.begindatum,
                verzuimsoort: m.verzuimsoort,
                uren: m.uren,
                dagen: m.dagen,
                status: m.status,
                gegevens: serde_json::to_value(&m.gegevens).unwrap_or_default(),
                signaal: m.signaal,
                afsluitreden: m.afsluitreden,
                toelichting: m.toelichting,
                zaak: m.zaak_id,
            })
            .collect(),
    ))
}

/// A new status: `geregistreerd` confirms a draft (the school), `in_behandeling`,
/// `ter_kennisgeving` or `afgesloten` (with `afsluitreden`) answer it (leerplicht),
/// `ingetrokken` withdraws it (the school, with `afsluitreden` one of `achteraf_geoorloofd`,
/// `ziek_achteraf_gemeld`, `administratieve_fout`, and optionally a `toelichting`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeldingWijziging {
    #[schema(value_type = NieuweMeldingstatus)]
    pub status: String,
    /// Required with `afgesloten` and `ingetrokken`, refused with any other status.
    #[serde(default)]
    #[schema(value_type = Option<AfsluitredenCode>)]
    pub afsluitreden: Option<String>,
    /// The school's own words on a withdrawal (at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub toelichting: Option<String>,
}

/// Changes a melding's status.
///
/// The school confirms a draft (`concept` → `geregistreerd`) or withdraws a melding that is
/// `concept` or `geregistreerd`; leerplicht answers a registered melding (`in_behandeling`,
/// `ter_kennisgeving`, `afgesloten`) and closes one in treatment. Any other step is refused
/// with 422, a melding outside the caller's view with 403.
#[utoipa::path(patch, path = "/meldingen/{id}", tag = "meldingen",
    params(("id" = i64, Path, description = "Het nummer van de melding", minimum = 1, example = 7)),
    request_body = MeldingWijziging,
    responses((status = 204, description = "Gewijzigd")))]
pub async fn melding_wijzigen(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(w): Json<MeldingWijziging>,
) -> ApiResult<StatusCode> {
    s.run(move |app| {
        if w.status == "geregistreerd" {
            if w.afsluitreden.is_some() || w.toelichting.is_some() {
                return Err(leerrecht_app::AppError::Invalid(
                    "afsluitreden: alleen bij afsluiten".into(),
                ));
            }
            app.melding_bevestigen(&c.actor, id).map(|_| ())
        } else {
            app.melding_status_met(
                &c.actor,
                id,
                &w.status,
                w.afsluitreden.as_deref(),
                w.toelichting.as_deref(),
            )
        }
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
