//! The officer's work on a case beyond offers (the joint plan, how the parents were involved,
//! closing with a reason), the youth doctor's medical notes, and break-the-glass access.
//! Every handler runs one app use case, which passes the gate and writes the audit entry; a
//! BSN travels only in a request body.

use std::str::FromStr;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::zaak::{NotitieSoort, Sluitreden, Vertrouwelijkheid};
use leerrecht_store::access::NotitieRij;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::openapi::{
    ContactwijzeCode, HandhavingCode, JongereId, Leerlingnummer, NotitieniveauCode,
    NotitiesoortCode, Organisatiecode, SjabloonCode, SluitredenCode,
};
use crate::routes::jongeren::{met_jongere, VanJongere};
use crate::AppState;

/// The joint plan of a case: education, care and/or youth help (at least one), in words.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwPlan {
    /// The plan holds education.
    #[serde(default)]
    #[schema(example = true)]
    pub onderwijs: bool,
    /// The plan holds care.
    #[serde(default)]
    pub zorg: bool,
    /// The plan holds youth help.
    #[serde(default)]
    pub jeugdhulp: bool,
    /// The plan in words (not blank).
    #[schema(
        min_length = 1,
        pattern = "\\S",
        example = "Twee dagen per week onderwijs op de VSO-locatie, daarnaast jeugdhulp thuis"
    )]
    pub omschrijving: String,
    /// The day the plan was made (default today).
    #[serde(default)]
    pub datum: Option<NaiveDate>,
}

/// Records the joint plan of a case.
///
/// For leerplicht. It replaces the plan before, which stays in the history. At least one of
/// `onderwijs`, `zorg` and `jeugdhulp` must be true (422 otherwise).
#[utoipa::path(post, path = "/zaken/{id}/plannen", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = NieuwPlan,
    responses((status = 204, description = "Vastgelegd")))]
pub async fn plan(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(p): Json<NieuwPlan>,
) -> ApiResult<StatusCode> {
    s.run(move |app| {
        let datum = p.datum.unwrap_or_else(|| app.now().date_naive());
        app.plan_vastleggen(
            &c.actor,
            id,
            (p.onderwijs, p.zorg, p.jeugdhulp),
            &p.omschrijving,
            datum,
        )
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the parents were involved, on a day.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ouderbetrokkenheid {
    /// The day (default today).
    #[serde(default)]
    pub datum: Option<NaiveDate>,
    /// How: a talk at home, at the kernteam's meeting, by phone… (not blank).
    #[schema(
        min_length = 1,
        pattern = "\\S",
        example = "Gesprek thuis met beide ouders"
    )]
    pub hoe: String,
}

/// Records how the parents were involved in a case.
///
/// For leerplicht: the day and how, kept in the case's history.
#[utoipa::path(post, path = "/zaken/{id}/ouderbetrokkenheid", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = Ouderbetrokkenheid,
    responses((status = 204, description = "Vastgelegd")))]
pub async fn ouders(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(o): Json<Ouderbetrokkenheid>,
) -> ApiResult<StatusCode> {
    s.run(move |app| {
        let datum = o.datum.unwrap_or_else(|| app.now().date_naive());
        app.ouders_vastleggen(&c.actor, id, datum, &o.hoe)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The closing of a case, with its reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Sluiting {
    /// `aanbod_gestart`, `terug_naar_school`, `verhuisd`, `vrijstelling`, `18_zonder_plicht`
    /// or `overig`; an RMC case `terug_naar_school`, `werk`, `zorg`, `niet_bereikbaar` (after
    /// a contact attempt), `verhuisd` or `overig`.
    #[schema(value_type = SluitredenCode)]
    pub reden: String,
    /// The day the case closes (default today; not in the future).
    #[serde(default)]
    pub datum: Option<NaiveDate>,
    /// An explanation; required with `overig`.
    #[serde(default)]
    pub toelichting: String,
}

/// Closes a case with a reason.
///
/// For leerplicht only. The case keeps its history; a closed case cannot be closed again
/// (422), nor can it close on a day in the future.
#[utoipa::path(post, path = "/zaken/{id}/sluiting", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = Sluiting,
    responses((status = 204, description = "Gesloten")))]
pub async fn sluiting(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(z): Json<Sluiting>,
) -> ApiResult<StatusCode> {
    let reden = Sluitreden::from_str(&z.reden).map_err(|e| ApiError::field("reden", e))?;
    s.run(move |app| {
        let datum = z.datum.unwrap_or_else(|| app.now().date_naive());
        app.zaak_sluiten(&c.actor, id, reden, datum, &z.toelichting)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A report of a talk or a note on a case.
#[derive(Serialize, ToSchema)]
pub struct Zaaknotitie {
    /// The note's number.
    pub id: i64,
    /// The case's number.
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
    /// Who may read it: `zaak` (everyone who may see the case) or `leerplicht` (leerplicht
    /// only).
    #[schema(value_type = NotitieniveauCode)]
    pub niveau: String,
    /// `gesprek` (the report of a talk) or `notitie`.
    #[schema(value_type = NotitiesoortCode)]
    pub soort: String,
    /// The day of the talk (or of the note).
    pub datum: NaiveDate,
    /// The text.
    pub tekst: String,
    /// Who wrote it: the user name.
    pub door: String,
    /// The writer's organisation.
    #[schema(value_type = Option<Organisatiecode>)]
    pub organisatie: Option<String>,
    /// When it was written.
    pub tijd: DateTime<Utc>,
}

impl From<leerrecht_store::Zaaknotitie> for Zaaknotitie {
    fn from(n: leerrecht_store::Zaaknotitie) -> Self {
        Zaaknotitie {
            id: n.id,
            zaak: n.zaak,
            niveau: n.niveau.code().into(),
            soort: n.soort.code().into(),
            datum: n.datum,
            tekst: n.tekst,
            door: n.wie,
            organisatie: n.organisatie,
            tijd: n.tijd,
        }
    }
}

/// The reports of talks and notes on a case.
///
/// For everyone who may see the case (leerplicht, the SWV, a partner in the case), oldest
/// first. A note for leerplicht only is in the list for leerplicht alone: for others it is
/// left out, and nothing in the answer shows that it exists. Logged.
#[utoipa::path(get, path = "/zaken/{id}/notities", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    responses((status = 200, description = "Gespreksverslagen en notities", body = Vec<Zaaknotitie>)))]
pub async fn zaaknotities(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<axum::Json<Vec<Zaaknotitie>>> {
    let rows = s.run(move |app| app.zaaknotities(&c.actor, id)).await?;
    Ok(axum::Json(
        rows.into_iter().map(Zaaknotitie::from).collect(),
    ))
}

/// A new report of a talk or note on a case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweZaaknotitie {
    /// Who may read it: `zaak` or `leerplicht`.
    #[schema(value_type = NotitieniveauCode)]
    pub niveau: String,
    /// `gesprek` (default) or `notitie`.
    #[serde(default)]
    #[schema(value_type = Option<NotitiesoortCode>)]
    pub soort: Option<String>,
    /// The day of the talk (default today; not in the future, not before the case opened).
    #[serde(default)]
    pub datum: Option<NaiveDate>,
    /// The text (not blank, at most 20,000 characters).
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = "\\S",
        example = "Gesprek met moeder en Sanne op het gemeentehuis. Afspraak: vanaf maandag weer naar school, mentor belt vrijdag."
    )]
    pub tekst: String,
}

/// Writes a report of a talk or a note on a case.
///
/// For leerplicht only; also on a closed case (a report written after the talk). Logged.
#[utoipa::path(post, path = "/zaken/{id}/notities", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = NieuweZaaknotitie,
    responses((status = 201, description = "Vastgelegd", body = Zaaknotitie)))]
pub async fn zaaknotitie_schrijven(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(n): Json<NieuweZaaknotitie>,
) -> ApiResult<(StatusCode, axum::Json<Zaaknotitie>)> {
    let niveau =
        Vertrouwelijkheid::from_str(&n.niveau).map_err(|e| ApiError::field("niveau", e))?;
    let soort = match &n.soort {
        Some(s) => NotitieSoort::from_str(s).map_err(|e| ApiError::field("soort", e))?,
        None => NotitieSoort::Gesprek,
    };
    let notitie = s
        .run(move |app| {
            let nieuw = leerrecht_app::zaken::notities::NieuweNotitie {
                niveau,
                soort,
                datum: n.datum.unwrap_or_else(|| app.now().date_naive()),
                tekst: n.tekst,
            };
            app.zaaknotitie_schrijven(&c.actor, id, nieuw)
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(notitie.into())))
}

/// A step of enforcement on an absence case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Handhavingstap {
    /// `halt`, `halt_afgerond`, `halt_niet_afgerond`, `proces_verbaal_art2`,
    /// `proces_verbaal_art4`, `om_sepot`, `om_strafbeschikking` or `om_dagvaarding`.
    #[schema(value_type = HandhavingCode)]
    pub stap: String,
    /// The day it happened (default today; not in the future, not before the case opened).
    #[serde(default)]
    pub datum: Option<NaiveDate>,
    /// With a decision of the prosecutor: the sanction in words.
    #[serde(default)]
    #[schema(max_length = 500, example = "geldboete € 150")]
    pub sanctie: String,
}

/// Records a step of enforcement on an absence case.
///
/// For leerplicht only. A HALT referral for a young person of 12 or older, one at a time; an
/// outcome (`halt_afgerond`, `halt_niet_afgerond`) for the pending referral, a decision of
/// the prosecutor (`om_…`) for the pending official report, each on or after it (422
/// otherwise). The worklist reminds of an outcome that is eight weeks in coming. Logged.
#[utoipa::path(post, path = "/zaken/{id}/handhaving", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = Handhavingstap,
    responses((status = 204, description = "Vastgelegd")))]
pub async fn handhaving(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(h): Json<Handhavingstap>,
) -> ApiResult<StatusCode> {
    use leerrecht_app::zaken::handhaving::stap;
    // The step is one of a list, checked at the edge as every code is.
    stap(&h.stap, NaiveDate::MIN, "").map_err(|e| ApiError::field("stap", e))?;
    s.run(move |app| {
        let datum = h.datum.unwrap_or_else(|| app.now().date_naive());
        let e = stap(&h.stap, datum, &h.sanctie).map_err(leerrecht_app::AppError::Invalid)?;
        app.handhaving_vastleggen(&c.actor, id, e)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An attempt of the RMC to reach the young person of an RMC case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contactpoging {
    /// The day of the attempt (default today; not in the future, not before the case opened).
    #[serde(default)]
    pub datum: Option<NaiveDate>,
    /// How: `brief`, `telefoon`, `email`, `huisbezoek` or `gesprek`.
    #[schema(value_type = ContactwijzeCode)]
    pub wijze: String,
    /// Whether it reached the young person.
    pub bereikt: bool,
}

/// Records an attempt to reach the young person of an RMC case.
///
/// For leerplicht (the region's RMC function) only, on an open case of kind `rmc` (422
/// otherwise). The case closes with an RMC outcome (`terug_naar_school`, `werk`, `zorg`,
/// `niet_bereikbaar` after an attempt, `verhuisd`, `overig`) at `/zaken/{id}/sluiting`.
/// Logged.
#[utoipa::path(post, path = "/zaken/{id}/contactpogingen", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = Contactpoging,
    responses((status = 204, description = "Vastgelegd")))]
pub async fn contactpoging(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(p): Json<Contactpoging>,
) -> ApiResult<StatusCode> {
    let wijze: leerrecht_domain::zaak::Contactwijze = p
        .wijze
        .parse()
        .map_err(|e: String| ApiError::field("wijze", e))?;
    s.run(move |app| {
        let datum = p.datum.unwrap_or_else(|| app.now().date_naive());
        app.contactpoging_vastleggen(&c.actor, id, datum, wijze, p.bereikt)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A letter kept on a case (its PDF at `/brieven/{id}`).
#[derive(Serialize, ToSchema)]
pub struct Brief {
    /// The letter's number.
    pub id: i64,
    /// The case's number.
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
    /// The template it was made from.
    #[schema(value_type = SjabloonCode)]
    pub sjabloon: String,
    /// To whom: the names at each address, or the school.
    pub aan: String,
    /// How many letters (one per address) the PDF holds.
    pub adressen: u32,
    /// Who made it: the user name.
    pub door: String,
    /// When it was made.
    pub tijd: DateTime<Utc>,
}

impl From<leerrecht_store::Brief> for Brief {
    fn from(b: leerrecht_store::Brief) -> Self {
        Brief {
            id: b.id,
            zaak: b.zaak,
            sjabloon: b.sjabloon,
            aan: b.aan,
            adressen: b.adressen,
            door: b.wie,
            tijd: b.tijd,
        }
    }
}

/// The letters kept on a case.
///
/// For everyone who may see the case, oldest first. Logged.
#[utoipa::path(get, path = "/zaken/{id}/brieven", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    responses((status = 200, description = "Brieven", body = Vec<Brief>)))]
pub async fn brieven(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<axum::Json<Vec<Brief>>> {
    let rows = s.run(move |app| app.brieven(&c.actor, id)).await?;
    Ok(axum::Json(rows.into_iter().map(Brief::from).collect()))
}

/// A letter to make.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweBrief {
    /// The template.
    #[schema(value_type = SjabloonCode)]
    pub sjabloon: String,
}

/// Makes a letter on a case from its template.
///
/// For leerplicht only. One letter per address of the young person's parents and guardians
/// (to the school of the case's melding for `bevestiging_melding`), as one PDF kept on the
/// case; 422 when there is no one to send it to. Logged.
#[utoipa::path(post, path = "/zaken/{id}/brieven", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = NieuweBrief,
    responses((status = 201, description = "Gemaakt", body = Brief)))]
pub async fn brief_maken(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(n): Json<NieuweBrief>,
) -> ApiResult<(StatusCode, axum::Json<Brief>)> {
    let sjabloon = leerrecht_domain::brief::Sjabloon::from_str(&n.sjabloon)
        .map_err(|e| ApiError::field("sjabloon", e))?;
    let (b, _) = s
        .run(move |app| app.brief_maken(&c.actor, id, sjabloon))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(b.into())))
}

/// A letter's PDF.
///
/// For everyone who may see its case. Logged.
#[utoipa::path(get, path = "/brieven/{id}", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de brief", minimum = 1, example = 3)),
    responses((status = 200, description = "De brief als PDF", content_type = "application/pdf", body = Vec<u8>)))]
pub async fn brief_pdf(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let (b, pdf) = s.run(move |app| app.brief(&c.actor, id)).await?;
    let mut r = pdf.into_response();
    let h = r.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"brief-{}-{}.pdf\"",
        b.id, b.sjabloon
    )) {
        h.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// A youth doctor's medical note.
#[derive(Serialize, ToSchema)]
pub struct MedischeNotitie {
    /// The note's number.
    pub id: i64,
    /// When it was written.
    pub tijd: DateTime<Utc>,
    /// The GGD of the doctor who wrote it.
    #[schema(value_type = Organisatiecode)]
    pub organisatie: String,
    /// The note.
    pub tekst: String,
}

impl From<NotitieRij> for MedischeNotitie {
    fn from(n: NotitieRij) -> Self {
        MedischeNotitie {
            id: n.id,
            tijd: n.tijd,
            organisatie: n.organisatie,
            tekst: n.tekst,
        }
    }
}

/// A young person's medical notes.
///
/// For the youth doctor only (403 for every other role); logged.
#[utoipa::path(get, path = "/medische-notities", tag = "jongeren", params(VanJongere),
    responses((status = 200, description = "Medische notities", body = Vec<MedischeNotitie>)))]
pub async fn notities(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<MedischeNotitie>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.notities(a, l)).await?;
    Ok(axum::Json(
        rows.into_iter().map(MedischeNotitie::from).collect(),
    ))
}

/// A new medical note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweNotitie {
    /// The id of the young person.
    #[schema(value_type = JongereId)]
    pub jongere: String,
    /// The note (not blank).
    #[schema(
        min_length = 1,
        pattern = "\\S",
        example = "Verzuim besproken; geen medische grond voor afwezigheid"
    )]
    pub tekst: String,
}

/// Writes a medical note.
///
/// For the youth doctor only, about a person in the doctor's scope; logged.
#[utoipa::path(post, path = "/medische-notities", tag = "jongeren", request_body = NieuweNotitie,
    responses((status = 201, description = "Vastgelegd", body = MedischeNotitie)))]
pub async fn notitie_schrijven(
    State(s): State<AppState>,
    c: Caller,
    Json(n): Json<NieuweNotitie>,
) -> ApiResult<(StatusCode, axum::Json<MedischeNotitie>)> {
    let NieuweNotitie { jongere, tekst } = n;
    let notitie = met_jongere(&s, c, jongere, move |app, a, l| {
        let id = app.notitie_schrijven(a, l, &tekst)?;
        app.notities(a, l)?
            .into_iter()
            .find(|x| x.id == id)
            .ok_or_else(|| leerrecht_app::AppError::Invalid("tekst: niet vastgelegd".into()))
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(notitie.into())))
}

/// Break the glass: emergency access to one person outside one's scope, found by BSN or
/// onderwijsnummer in this body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Noodtoegangvraag {
    /// A BSN or onderwijsnummer (nine digits).
    #[schema(value_type = Leerlingnummer)]
    pub leerling: String,
    /// Why, in writing (at least 20 characters besides surrounding blanks); flagged in the
    /// audit log.
    #[schema(
        min_length = 20,
        pattern = "\\S[\\s\\S]{18,}\\S",
        example = "Melding van acute zorgen door de huisarts buiten kantoortijd"
    )]
    pub reden: String,
    /// For how long, 1 to 1440 minutes.
    #[schema(minimum = 1, maximum = 1440)]
    pub minuten: u32,
}

/// A granted emergency access.
#[derive(Serialize, ToSchema)]
pub struct Noodtoegang {
    /// The opaque id of the person: what the per-person operations take.
    #[schema(value_type = JongereId)]
    pub jongere: String,
    /// Until when the access lasts.
    pub tot: DateTime<Utc>,
}

/// Breaks the glass for one person outside the user's scope.
///
/// A written reason, at most 24 hours, flagged in the audit log with every access made
/// under it. For users of a role that sees persons (403 otherwise).
#[utoipa::path(post, path = "/noodtoegang", tag = "jongeren", request_body = Noodtoegangvraag,
    responses((status = 201, description = "Toegang verleend", body = Noodtoegang)))]
pub async fn noodtoegang(
    State(s): State<AppState>,
    c: Caller,
    Json(v): Json<Noodtoegangvraag>,
) -> ApiResult<(StatusCode, axum::Json<Noodtoegang>)> {
    // The reason never repeats the number: it may be a BSN.
    let leerling = LeerlingId::from_str(v.leerling.trim()).map_err(|_| {
        ApiError::field("leerling", "geen geldig BSN of onderwijsnummer (11-proef)")
    })?;
    // The duration is judged by the use case, after the role: a refused request tells nothing.
    let (tot, kop) = s
        .run(move |app| {
            let tot = app.noodtoegang(
                &c.actor,
                leerling,
                &v.reden,
                chrono::Duration::minutes(i64::from(v.minuten)),
            )?;
            Ok((tot, app.jongere_zoeken(&c.actor, leerling)?))
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Noodtoegang {
            jongere: kop.id,
            tot,
        }),
    ))
}
