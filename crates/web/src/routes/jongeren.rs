//! Young people and what is known of each: enrolments, absence, signals, registrations on
//! the thuiszitters list, cases with their offers and escalations. A person is named by an
//! opaque id; the BSN is only ever in a body (the search), never in a path or query.

use std::str::FromStr;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_app::api::JongereKop;
use leerrecht_app::register::verzorgers::VerzorgerWijziging;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak};
use leerrecht_domain::zaak::{AanbodType, Gebeurtenis};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::openapi::{
    AanbodCode, CategorieCode, Gemeentecode, JongereId, Leerlingnummer, OorzaakCode,
    Organisatiecode, RegelCode, Schoolcode, SectorCode, VerzuimsoortCode,
};
use crate::AppState;

/// A young person: the header of their file.
#[derive(Serialize, ToSchema)]
pub struct Jongere {
    /// The opaque id of this person in the API.
    #[schema(value_type = JongereId)]
    pub id: String,
    /// The BSN, nine digits (when the person has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[0-9]{9}$", example = "111222333")]
    pub bsn: Option<String>,
    /// The onderwijsnummer, nine digits starting with 10 (when the person has no BSN).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^10[0-9]{7}$", example = "101222331")]
    pub onderwijsnummer: Option<String>,
    #[schema(example = "Jansen")]
    pub achternaam: String,
    #[schema(example = "Sanne Maria")]
    pub voornamen: String,
    pub geboortedatum: NaiveDate,
    /// The gemeente of residence (CBS code).
    #[schema(value_type = Gemeentecode)]
    pub gemeente: String,
    /// Age in years, today.
    #[schema(example = 14)]
    pub leeftijd: u32,
    /// `leerplichtig`, `kwalificatieplichtig` or `geen`, today.
    #[schema(value_type = String, pattern = "^(leerplichtig|kwalificatieplichtig|geen)$")]
    pub plicht: String,
    /// The school locations the person is enrolled at today.
    #[schema(value_type = Vec<Schoolcode>)]
    pub scholen: Vec<String>,
    /// Whether this read was made by breaking the glass.
    pub noodtoegang: bool,
}

impl From<JongereKop> for Jongere {
    fn from(k: JongereKop) -> Self {
        let j = &k.kop.jongere;
        Jongere {
            id: k.id,
            bsn: j.bsn().map(|b| format!("{:09}", b.value())),
            onderwijsnummer: j.onderwijsnummer().map(|o| format!("{:09}", o.value())),
            achternaam: j.achternaam.clone(),
            voornamen: j.voornamen.clone(),
            geboortedatum: j.geboortedatum,
            gemeente: j.gemeente.as_str().to_string(),
            leeftijd: k.kop.leeftijd,
            plicht: k.kop.plicht.code().to_string(),
            scholen: k.kop.scholen,
            noodtoegang: k.noodtoegang,
        }
    }
}

/// A page of young people.
#[derive(Serialize, ToSchema)]
pub struct JongerenPagina {
    pub jongeren: Vec<Jongere>,
    /// Pass as `na` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<JongereId>)]
    pub volgende: Option<String>,
}

/// A parent or guardian to add to a young person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweVerzorger {
    /// The id of the young person.
    #[schema(value_type = JongereId)]
    pub jongere: String,
    /// New for this young person.
    #[schema(min_length = 1, example = "Anna Jansen")]
    pub naam: String,
    /// `ouder`, `voogd`, `verzorger` or `pleegouder`.
    #[schema(example = "ouder")]
    pub relatie: String,
    #[schema(min_length = 1, example = "Kerkstraat")]
    pub straat: String,
    #[schema(min_length = 1, example = "12a")]
    pub huisnummer: String,
    /// Four digits and two letters, `2011 AB` or `2011ab`.
    #[schema(example = "2011 AB")]
    pub postcode: String,
    #[schema(min_length = 1, example = "Haarlem")]
    pub woonplaats: String,
    /// 10 to 15 digits, with spaces, `+`, `-` and brackets.
    #[serde(default)]
    #[schema(example = "023-5551234")]
    pub telefoon: Option<String>,
    #[serde(default)]
    #[schema(example = "anna@example.nl")]
    pub email: Option<String>,
}

/// Adds a parent or guardian.
///
/// For leerplicht only, after those the young person has; a name already there is refused
/// (422). Logged.
#[utoipa::path(post, path = "/verzorgers", tag = "jongeren", request_body = NieuweVerzorger,
    responses((status = 201, description = "Toegevoegd: de ouders en verzorgers nu", body = Vec<Verzorger>)))]
pub async fn verzorger_toevoegen(
    State(s): State<AppState>,
    c: Caller,
    Json(n): Json<NieuweVerzorger>,
) -> ApiResult<(StatusCode, axum::Json<Vec<Verzorger>>)> {
    use leerrecht_domain::verzorger::{Adres, Relatie};
    let relatie = Relatie::from_str(&n.relatie).map_err(|e| ApiError::field("relatie", e))?;
    let postcode = n
        .postcode
        .parse()
        .map_err(|e| ApiError::field("postcode", e))?;
    let leeg = |t: Option<String>| t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let rows = met_jongere(&s, c, n.jongere, move |app, a, l| {
        let v = leerrecht_domain::verzorger::Verzorger {
            leerling: l,
            naam: n.naam.trim().to_string(),
            relatie,
            adres: Adres {
                straat: n.straat.trim().to_string(),
                huisnummer: n.huisnummer.trim().to_string(),
                postcode,
                woonplaats: n.woonplaats.trim().to_string(),
            },
            telefoon: leeg(n.telefoon),
            email: leeg(n.email),
        };
        app.verzorger_wijzigen(a, l, VerzorgerWijziging::Toevoegen(v))?;
        app.verzorgers(a, l)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(rows.into_iter().map(verzorger_van).collect()),
    ))
}

/// A parent or guardian to remove, by name: in the body, as every name.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerzorgerWeg {
    /// The id of the young person.
    #[schema(value_type = JongereId)]
    pub jongere: String,
    /// The name as it is on the file.
    #[schema(min_length = 1, example = "Anna Jansen")]
    pub naam: String,
}

/// Removes a parent or guardian.
///
/// For leerplicht only; a name that is not on the file is refused (422). Logged.
#[utoipa::path(post, path = "/verzorgers/_verwijder", tag = "jongeren", request_body = VerzorgerWeg,
    responses((status = 204, description = "Verwijderd")))]
pub async fn verzorger_verwijderen(
    State(s): State<AppState>,
    c: Caller,
    Json(w): Json<VerzorgerWeg>,
) -> ApiResult<StatusCode> {
    met_jongere(&s, c, w.jongere, move |app, a, l| {
        app.verzorger_wijzigen(a, l, VerzorgerWijziging::Verwijderen(w.naam))
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JongerenFilter {
    /// Only persons living in this gemeente (CBS code).
    #[param(value_type = Gemeentecode, required = false)]
    pub gemeente: Option<String>,
    /// Only pupils enrolled at this school location today.
    #[param(value_type = Schoolcode, required = false)]
    pub school: Option<String>,
    /// The `volgende` of the previous page (an id this listing gave; any other is refused
    /// with 422).
    #[param(value_type = JongereId, required = false)]
    pub na: Option<String>,
    /// Persons per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500, example = 50)]
    pub limiet: Option<u32>,
}

/// The young people the caller may see, a page at a time.
///
/// Each person shown is written to the audit log. Leerplicht and the youth doctor see the
/// gemeenten their organisation serves, a school its own pupils, a samenwerkingsverband the
/// pupils of its schools, a partner the persons of its cases; `beleid`, `beheer` and API
/// tokens see no persons (403). Each item's `id` is what the per-person operations take.
#[utoipa::path(get, path = "/jongeren", tag = "jongeren", params(JongerenFilter),
    responses((status = 200, description = "Een pagina jongeren", body = JongerenPagina)))]
pub async fn lijst(
    State(s): State<AppState>,
    c: Caller,
    Query(f): Query<JongerenFilter>,
) -> ApiResult<axum::Json<JongerenPagina>> {
    let limiet = f.limiet.unwrap_or(50);
    if !(1..=500).contains(&limiet) {
        return Err(ApiError::param("limiet", "1 tot en met 500"));
    }
    let p = s
        .run(move |app| {
            app.jongeren_pagina(
                &c.actor,
                f.gemeente.as_deref(),
                f.school.as_deref(),
                f.na.as_deref(),
                limiet,
            )
        })
        .await?;
    Ok(axum::Json(JongerenPagina {
        jongeren: p.items.into_iter().map(Jongere::from).collect(),
        volgende: p.volgende,
    }))
}

/// Look-up by BSN or onderwijsnummer: in the body, so that the number never appears in a URL.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Zoekvraag {
    /// A BSN or onderwijsnummer (nine digits).
    #[schema(value_type = Leerlingnummer)]
    pub leerling: String,
}

fn leerling(s: &str) -> Result<LeerlingId, ApiError> {
    // The reason never repeats the number: it may be a BSN.
    LeerlingId::from_str(s.trim())
        .map_err(|_| ApiError::field("leerling", "geen geldig BSN of onderwijsnummer (11-proef)"))
}

/// Finds a person by BSN or onderwijsnummer.
///
/// The number travels in the body, never in a URL. A number that fails the 11-proef is
/// refused (422) without repeating it; a valid number of a person outside the caller's
/// scope, or of no registered person, gets the same 403. The read is logged, as any read of
/// the person; the answer's `id` is what the per-person operations take.
#[utoipa::path(post, path = "/jongeren/_zoek", tag = "jongeren", request_body = Zoekvraag,
    responses((status = 200, description = "De jongere", body = Jongere)))]
pub async fn zoeken(
    State(s): State<AppState>,
    c: Caller,
    Json(v): Json<Zoekvraag>,
) -> ApiResult<axum::Json<Jongere>> {
    let l = leerling(&v.leerling)?;
    let k = s.run(move |app| app.jongere_zoeken(&c.actor, l)).await?;
    Ok(axum::Json(k.into()))
}

/// One young person.
///
/// The header of the person's file: names, birth date, gemeente, age, duty and schools
/// today. Logged; an id of no one, or of a person outside the caller's scope, gets 403.
#[utoipa::path(get, path = "/jongeren/{id}", tag = "jongeren",
    params(("id" = JongereId, Path, description = "Het id van de jongere")),
    responses((status = 200, description = "De jongere", body = Jongere)))]
pub async fn jongere(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Jongere>> {
    let k = s.run(move |app| app.jongere(&c.actor, &id)).await?;
    Ok(axum::Json(k.into()))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VanJongere {
    /// The id of the young person.
    #[param(value_type = JongereId)]
    pub jongere: String,
}

/// Resolves an opaque id on the blocking pool and runs `f` with the person.
pub(crate) async fn met_jongere<T, F>(s: &AppState, c: Caller, id: String, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&leerrecht_app::App, &leerrecht_app::Actor, LeerlingId) -> leerrecht_app::Result<T>
        + Send
        + 'static,
{
    s.run(move |app| {
        let l = app.leerling_van_id(&c.actor, &id)?;
        f(app, &c.actor, l)
    })
    .await
}

/// An enrolment at a school location.
#[derive(Serialize, ToSchema)]
pub struct Inschrijving {
    #[schema(value_type = Schoolcode)]
    pub school: String,
    /// `PO`, `SO`, `VO`, `VSO` or `MBO`.
    #[schema(value_type = SectorCode)]
    pub sector: String,
    pub begindatum: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub einddatum: Option<NaiveDate>,
}

/// A young person's enrolments.
///
/// Every enrolment at a school location, past and present, by start (logged).
#[utoipa::path(get, path = "/inschrijvingen", tag = "jongeren", params(VanJongere),
    responses((status = 200, description = "Inschrijvingen", body = Vec<Inschrijving>)))]
pub async fn inschrijvingen(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Inschrijving>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.inschrijvingen(a, l)).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|i| Inschrijving {
                school: i.school.as_str().to_string(),
                sector: i.sector.code().to_string(),
                begindatum: i.begindatum(),
                einddatum: i.einddatum(),
            })
            .collect(),
    ))
}

/// A parent or guardian of a young person (docs/domain.md §13).
#[derive(Serialize, ToSchema)]
pub struct Verzorger {
    pub naam: String,
    /// `ouder`, `voogd`, `verzorger` or `pleegouder`.
    #[schema(example = "ouder")]
    pub relatie: String,
    pub straat: String,
    pub huisnummer: String,
    /// Written `1234 AB`.
    #[schema(example = "2011 AB")]
    pub postcode: String,
    pub woonplaats: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telefoon: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A young person's parents and guardians.
///
/// For every reader who may see the young person, in their order (logged).
#[utoipa::path(get, path = "/verzorgers", tag = "jongeren", params(VanJongere),
    responses((status = 200, description = "Ouders en verzorgers", body = Vec<Verzorger>)))]
pub async fn verzorgers(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Verzorger>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.verzorgers(a, l)).await?;
    Ok(axum::Json(rows.into_iter().map(verzorger_van).collect()))
}

fn verzorger_van(v: leerrecht_domain::verzorger::Verzorger) -> Verzorger {
    Verzorger {
        naam: v.naam,
        relatie: v.relatie.code().to_string(),
        straat: v.adres.straat,
        huisnummer: v.adres.huisnummer,
        postcode: v.adres.postcode.as_str().to_string(),
        woonplaats: v.adres.woonplaats,
        telefoon: v.telefoon,
        email: v.email,
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VerzuimFilter {
    /// The id of the young person.
    #[param(value_type = JongereId)]
    pub jongere: String,
    /// From this date (default: a year before `tot`).
    pub van: Option<NaiveDate>,
    /// Up to and including this date (default: today).
    pub tot: Option<NaiveDate>,
}

/// One day of absence of one kind at one school.
#[derive(Serialize, ToSchema)]
pub struct Verzuimdag {
    #[schema(value_type = Schoolcode)]
    pub school: String,
    pub datum: NaiveDate,
    /// `ongeoorloofd`, `luxe`, `te_laat`, `ziek` or `geoorloofd`.
    #[schema(value_type = VerzuimsoortCode)]
    pub soort: String,
    pub minuten: u32,
    /// Rows of the day folded into this one (late arrivals).
    pub aantal: u32,
    pub hele_dag: bool,
}

/// A young person's absence in a period.
///
/// One row per day, kind and school, from `van` to `tot` (by default the year up to
/// today). A school sees the absence it reported itself; leerplicht only with a confirmed
/// melding, an open case or a registration, the days of that period and the look-back before
/// it, without sick days (otherwise 403 with the reason); the youth doctor the sick days of a
/// referred pupil. Logged with the purpose it was allowed on.
#[utoipa::path(get, path = "/verzuim", tag = "verzuim", params(VerzuimFilter),
    responses((status = 200, description = "Verzuim", body = Vec<Verzuimdag>)))]
pub async fn verzuim(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VerzuimFilter>,
) -> ApiResult<axum::Json<Vec<Verzuimdag>>> {
    let tot = q.tot.unwrap_or_else(|| Utc::now().date_naive());
    let van = q.van.unwrap_or(tot - chrono::Duration::days(365));
    let rows = met_jongere(&s, c, q.jongere, move |app, a, l| {
        app.verzuim(a, l, van, tot)
    })
    .await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| Verzuimdag {
                school: r.school,
                datum: r.datum,
                soort: r.soort,
                minuten: r.minuten,
                aantal: r.aantal,
                hele_dag: r.hele_dag,
            })
            .collect(),
    ))
}

/// A signal a rule made of the absence, with its explanation.
#[derive(Serialize, ToSchema)]
pub struct Signaal {
    #[schema(value_type = Schoolcode)]
    pub school: String,
    /// `16uur`, `signaal`, `te_laat`, `luxe`, `mazl_7dagen`, `mazl_4x12`, `lrv` or `av`.
    #[schema(value_type = RegelCode)]
    pub regel: String,
    pub datum: NaiveDate,
    /// The rows and window that made the signal.
    #[schema(value_type = Object)]
    pub uitleg: serde_json::Value,
}

/// A young person's signals.
///
/// What the covenant's rules made of the absence, each with the rows and window that made
/// it. A school sees its own signals, the youth doctor the MAZL referrals (logged); signals
/// are unconfirmed, so no other role sees them.
#[utoipa::path(get, path = "/signalen", tag = "verzuim", params(VanJongere),
    responses((status = 200, description = "Signalen", body = Vec<Signaal>)))]
pub async fn signalen(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Signaal>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.signalen(a, l)).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| Signaal {
                school: r.school.as_str().to_string(),
                regel: r.regel,
                datum: r.datum,
                uitleg: serde_json::from_str(&r.uitleg)
                    .unwrap_or_else(|_| serde_json::json!({ "tekst": r.uitleg })),
            })
            .collect(),
    ))
}

/// A period on the thuiszitters list.
#[derive(Serialize, ToSchema)]
pub struct Registratie {
    #[schema(value_type = CategorieCode)]
    pub categorie: String,
    #[schema(value_type = OorzaakCode)]
    pub oorzaak: String,
    pub van: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tot: Option<NaiveDate>,
}

/// A young person's periods on the thuiszitters list.
///
/// Every period in a category with its main cause, by start; the open period has no `tot`
/// (logged).
#[utoipa::path(get, path = "/registraties", tag = "thuiszitters", params(VanJongere),
    responses((status = 200, description = "Registraties", body = Vec<Registratie>)))]
pub async fn registraties(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Registratie>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.registraties(a, l)).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|r| Registratie {
                categorie: r.categorie.code().to_string(),
                oorzaak: r.oorzaak.code().to_string(),
                van: r.van(),
                tot: r.tot(),
            })
            .collect(),
    ))
}

/// A change on the thuiszitters list: a category from `per` on (closing the open period),
/// or, without `categorie`, the end of the open period on the day before `per`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistratieWijziging {
    /// The id of the young person.
    #[schema(value_type = JongereId)]
    pub jongere: String,
    /// The new category; together with `oorzaak`, or both left out to end the open period.
    #[serde(default)]
    #[schema(value_type = CategorieCode, required = false)]
    pub categorie: Option<String>,
    /// The main cause; together with `categorie`.
    #[serde(default)]
    #[schema(value_type = OorzaakCode, required = false)]
    pub oorzaak: Option<String>,
    /// The first day of the new category (or the day after the open period ends).
    pub per: NaiveDate,
}

/// Registers a young person in a category, or ends their registration.
///
/// With `categorie` and `oorzaak` (both or neither) the person is in that category from
/// `per` on, and an open period ends the day before; without them the open period ends the
/// day before `per`. The category must fit the register on each day (enrolment, duty,
/// exemptions), else 422 says why. For leerplicht.
#[utoipa::path(post, path = "/registraties", tag = "thuiszitters",
    request_body = RegistratieWijziging,
    responses((status = 204, description = "Vastgelegd")))]
pub async fn registratie_wijzigen(
    State(s): State<AppState>,
    c: Caller,
    Json(w): Json<RegistratieWijziging>,
) -> ApiResult<StatusCode> {
    let nieuw = match (w.categorie.as_deref(), w.oorzaak.as_deref()) {
        (None, None) => None,
        (Some(c), Some(o)) => Some((
            Categorie::from_str(c).map_err(|e| ApiError::field("categorie", e))?,
            Oorzaak::from_str(o).map_err(|e| ApiError::field("oorzaak", e))?,
        )),
        (Some(_), None) => return Err(ApiError::field("oorzaak", "hoort bij een categorie")),
        (None, Some(_)) => return Err(ApiError::field("categorie", "hoort bij een oorzaak")),
    };
    let per = w.per;
    met_jongere(&s, c, w.jongere, move |app, a, l| {
        app.registratie_wijzigen(a, l, nieuw, per)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One recorded event of a case.
#[derive(Serialize, ToSchema)]
pub struct ZaakGebeurtenis {
    /// The event's number in its case, from 1.
    pub volgnummer: u32,
    /// When it was recorded.
    pub tijd: DateTime<Utc>,
    /// Who recorded it.
    pub wie: String,
    /// The organisation of who recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Organisatiecode>)]
    pub organisatie: Option<String>,
    /// What happened: `soort` names the kind (`geopend`, `aanbod`, `escalatie`…).
    #[schema(value_type = Object)]
    pub gebeurtenis: serde_json::Value,
}

/// A case with its events.
#[derive(Serialize, ToSchema)]
pub struct Zaak {
    /// The case's number: what the operations on a case take.
    #[schema(minimum = 1, example = 12)]
    pub id: i64,
    /// `verzuim`, `thuiszitter` or `vrijstelling`.
    #[schema(value_type = String, pattern = "^(verzuim|thuiszitter|vrijstelling|rmc)$")]
    pub soort: String,
    /// The leerplicht organisation that holds the case.
    #[schema(value_type = Organisatiecode)]
    pub organisatie: String,
    pub geopend: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gesloten: Option<NaiveDate>,
    pub gebeurtenissen: Vec<ZaakGebeurtenis>,
}

fn zaak_of(rij: leerrecht_store::ZaakRij, events: Vec<leerrecht_store::ZaakEvent>) -> Zaak {
    Zaak {
        id: rij.id,
        soort: rij.soort.code().to_string(),
        organisatie: rij.organisatie,
        geopend: rij.geopend,
        gesloten: rij.gesloten,
        gebeurtenissen: events
            .into_iter()
            .map(|e| ZaakGebeurtenis {
                volgnummer: e.volgnummer,
                tijd: e.tijd,
                wie: e.wie,
                organisatie: e.organisatie,
                gebeurtenis: serde_json::to_value(&e.gebeurtenis).unwrap_or_default(),
            })
            .collect(),
    }
}

/// A young person's cases with their events.
///
/// Every case the caller may see (a partner only its own), oldest first, each with its
/// events in order (logged). Each `id` is what the operations on a case take.
#[utoipa::path(get, path = "/zaken", tag = "thuiszitters", params(VanJongere),
    responses((status = 200, description = "Zaken", body = Vec<Zaak>)))]
pub async fn zaken(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Zaak>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.zaken_met_events(a, l)).await?;
    Ok(axum::Json(
        rows.into_iter().map(|z| zaak_of(z.rij, z.events)).collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ZaakMoment {
    /// The case as it stood at this moment (RFC 3339); default now.
    pub op: Option<DateTime<Utc>>,
}

/// One case, now or as it stood at a past moment.
///
/// With `op`, only the events recorded up to that moment. A case number that names no case
/// gets 404, a case of a person outside the caller's scope 403 (logged).
#[utoipa::path(get, path = "/zaken/{id}", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12), ZaakMoment),
    responses((status = 200, description = "De zaak", body = Zaak)))]
pub async fn zaak(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<ZaakMoment>,
) -> ApiResult<axum::Json<Zaak>> {
    let z = s.run(move |app| app.zaak(&c.actor, id, q.op)).await?;
    Ok(axum::Json(zaak_of(z.rij, z.events)))
}

/// A partner organisation of a case (a CJG, a jeugdteam): its users see the person and
/// this case.
#[derive(Serialize, ToSchema)]
pub struct Partner {
    /// The case's number.
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
    /// The organisation's code.
    #[schema(value_type = Organisatiecode)]
    pub organisatie: String,
    /// The person at the partner, if named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// A partner to add to a case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwePartner {
    /// The code of an organisation of the region.
    #[schema(value_type = Organisatiecode)]
    pub organisatie: String,
    /// The person at the partner, if named.
    #[serde(default)]
    pub contact: Option<String>,
}

/// Adds a partner organisation to a case.
///
/// For leerplicht. From today the partner's users see the person and this case, and no
/// other case of the person. The organisation must be in the register (422 otherwise).
#[utoipa::path(post, path = "/zaken/{id}/partners", tag = "thuiszitters",
    params(("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12)),
    request_body = NieuwePartner,
    responses((status = 201, description = "Toegevoegd", body = Partner)))]
pub async fn partner_toevoegen(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Json(n): Json<NieuwePartner>,
) -> ApiResult<(StatusCode, axum::Json<Partner>)> {
    let (organisatie, contact) = (n.organisatie.clone(), n.contact.clone());
    s.run(move |app| app.partner_toevoegen(&c.actor, id, &organisatie, contact.as_deref()))
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Partner {
            zaak: id,
            organisatie: n.organisatie.trim().to_string(),
            contact: n
                .contact
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
        }),
    ))
}

/// Removes a partner organisation from a case.
///
/// For leerplicht. From today the partner's users no longer see the case; an organisation
/// that is not a partner of the case is refused (422).
#[utoipa::path(delete, path = "/zaken/{id}/partners/{organisatie}", tag = "thuiszitters",
    params(
        ("id" = i64, Path, description = "Het nummer van de zaak", minimum = 1, example = 12),
        ("organisatie" = Organisatiecode, Path, description = "De code van de partnerorganisatie"),
    ),
    responses((status = 204, description = "Verwijderd")))]
pub async fn partner_verwijderen(
    State(s): State<AppState>,
    c: Caller,
    Path((id, organisatie)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    s.run(move |app| app.partner_verwijderen(&c.actor, id, &organisatie))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A suitable offer made in a case.
#[derive(Serialize, ToSchema)]
pub struct Aanbod {
    /// The case's number.
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
    /// The offer's number in its case, from 1.
    pub nummer: u32,
    /// `onderwijs`, `onderwijs_zorgarrangement`, `zorg`, `jeugdhulp`, `dagbesteding` or
    /// `werk_leerwerktraject`.
    #[schema(value_type = AanbodCode)]
    pub aanbod: String,
    /// Who offers it.
    pub aanbieder: String,
    /// The day it was offered.
    pub aangeboden: NaiveDate,
    /// The day it started, once it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gestart: Option<NaiveDate>,
}

/// The offers made to a young person.
///
/// Every suitable offer in any of the person's cases the caller may see, with the day it
/// started once it did (logged).
#[utoipa::path(get, path = "/aanbod", tag = "thuiszitters", params(VanJongere),
    responses((status = 200, description = "Aanbod", body = Vec<Aanbod>)))]
pub async fn aanbod(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Aanbod>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.zaken_met_events(a, l)).await?;
    let mut out = Vec::new();
    for z in rows {
        for e in z.events {
            match e.gebeurtenis {
                Gebeurtenis::Aanbod {
                    nummer,
                    aanbod,
                    aanbieder,
                    aangeboden,
                    gestart,
                } => out.push(Aanbod {
                    zaak: z.rij.id,
                    nummer,
                    aanbod: code_of(&aanbod),
                    aanbieder,
                    aangeboden,
                    gestart,
                }),
                Gebeurtenis::AanbodGestart { nummer, gestart } => {
                    if let Some(a) = out
                        .iter_mut()
                        .find(|a| a.zaak == z.rij.id && a.nummer == nummer)
                    {
                        a.gestart = Some(gestart);
                    }
                }
                _ => {}
            }
        }
    }
    Ok(axum::Json(out))
}

fn code_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A new offer in a case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwAanbod {
    /// The case's number.
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
    /// `onderwijs`, `onderwijs_zorgarrangement`, `zorg`, `jeugdhulp`, `dagbesteding` or
    /// `werk_leerwerktraject`.
    #[schema(value_type = AanbodCode)]
    pub aanbod: String,
    /// Who offers it (not blank).
    #[schema(min_length = 1, pattern = "\\S", example = "Het Praktijkcollege")]
    pub aanbieder: String,
    /// The day it was offered.
    pub aangeboden: NaiveDate,
    /// The day it started, if it did.
    #[serde(default)]
    pub gestart: Option<NaiveDate>,
}

/// Records a suitable offer in a case.
///
/// For leerplicht. An offer stops the three-month clock of a thuiszitter case. The case
/// must be open and the offer must fit it (422 says why otherwise).
#[utoipa::path(post, path = "/aanbod", tag = "thuiszitters", request_body = NieuwAanbod,
    responses((status = 201, description = "Vastgelegd", body = Aanbod)))]
pub async fn aanbod_doen(
    State(s): State<AppState>,
    c: Caller,
    Json(n): Json<NieuwAanbod>,
) -> ApiResult<(StatusCode, axum::Json<Aanbod>)> {
    let soort: AanbodType = serde_json::from_value(serde_json::Value::String(n.aanbod.clone()))
        .map_err(|_| {
            ApiError::field(
                "aanbod",
                "onderwijs, onderwijs_zorgarrangement, zorg, jeugdhulp, dagbesteding of werk_leerwerktraject",
            )
        })?;
    let (zaak, aanbieder, aangeboden, gestart) =
        (n.zaak, n.aanbieder.clone(), n.aangeboden, n.gestart);
    let nummer = s
        .run(move |app| {
            app.aanbod_vastleggen(&c.actor, zaak, soort, &aanbieder, aangeboden, gestart)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Aanbod {
            zaak: n.zaak,
            nummer,
            aanbod: code_of(&soort),
            aanbieder: n.aanbieder.trim().to_string(),
            aangeboden: n.aangeboden,
            gestart: n.gestart,
        }),
    ))
}

/// An escalation raised in a case.
#[derive(Serialize, ToSchema)]
pub struct Escalatie {
    /// The case's number.
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
    /// `uitvoerend`, `management` or `bestuurlijk`.
    #[schema(value_type = String, pattern = "^(uitvoerend|management|bestuurlijk)$")]
    pub niveau: String,
    /// The day the level fell due.
    pub datum: NaiveDate,
    /// Who was informed.
    pub geinformeerd: Vec<String>,
}

/// The escalations raised in a young person's cases.
///
/// Each step of the escalation ladder that fell due in a case the caller may see, with who
/// was informed (logged).
#[utoipa::path(get, path = "/escalaties", tag = "thuiszitters", params(VanJongere),
    responses((status = 200, description = "Escalaties", body = Vec<Escalatie>)))]
pub async fn escalaties(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Escalatie>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.zaken_met_events(a, l)).await?;
    let mut out = Vec::new();
    for z in rows {
        for e in z.events {
            if let Gebeurtenis::Escalatie {
                niveau,
                datum,
                geinformeerd,
            } = e.gebeurtenis
            {
                out.push(Escalatie {
                    zaak: z.rij.id,
                    niveau: niveau.code().to_string(),
                    datum,
                    geinformeerd,
                });
            }
        }
    }
    Ok(axum::Json(out))
}
