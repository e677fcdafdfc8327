//! Exemptions (docs/domain.md §8): recorded in a case of their own kind, read back per person.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use leerrecht_app::zaken::vrijstellingen::{NieuweVrijstelling, VastgelegdeVrijstelling};
use leerrecht_domain::zaak::{Artikel, Deskundige, Verklaring};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::jongeren::{met_jongere, VanJongere};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::openapi::{ArtikelCode, ArtikelInvoer, DeskundigeCode, JongereId};
use crate::AppState;

/// An exemption as recorded.
#[derive(Serialize, ToSchema)]
pub struct Vrijstelling {
    /// The number of the exemption case.
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
    /// `art5_sub_a`, `art5_sub_b`, `art5_sub_c`, `art5a_reizend`, `art3a`, `art3b` or
    /// `art15`.
    #[schema(value_type = ArtikelCode)]
    pub artikel: String,
    /// Why, in words.
    pub reden: String,
    /// Given because no suitable offer exists: flagged (docs/domain.md §8).
    pub geen_passend_aanbod: bool,
    /// The first day exempted.
    pub van: NaiveDate,
    /// The last day exempted, if it ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tot: Option<NaiveDate>,
    /// The date of the statement (5 sub a).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verklaring_datum: Option<NaiveDate>,
    /// `arts`, `psycholoog` or `pedagoog`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<DeskundigeCode>)]
    pub verklaring_door: Option<String>,
    /// A yearly exemption without an end: the day it is to be renewed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verlengen_op: Option<NaiveDate>,
}

fn of(v: VastgelegdeVrijstelling) -> Vrijstelling {
    let x = v.vrijstelling;
    Vrijstelling {
        zaak: v.zaak,
        artikel: x.artikel.code().to_string(),
        reden: x.reden,
        geen_passend_aanbod: x.gemarkeerd,
        van: x.van,
        tot: x.tot,
        verklaring_datum: x.verklaring.map(|k| k.datum),
        verklaring_door: x.verklaring.map(|k| k.door.code().to_string()),
        verlengen_op: v.verlengen_op,
    }
}

/// A young person's exemptions.
///
/// Every exemption in the person's exemption cases, with the day a yearly one is to be
/// renewed (logged).
#[utoipa::path(get, path = "/vrijstellingen", tag = "thuiszitters", operation_id = "vrijstellingen_lijst", params(VanJongere),
    responses((status = 200, description = "Vrijstellingen", body = Vec<Vrijstelling>)))]
pub async fn lijst(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<VanJongere>,
) -> ApiResult<axum::Json<Vec<Vrijstelling>>> {
    let rows = met_jongere(&s, c, q.jongere, |app, a, l| app.vrijstellingen(a, l)).await?;
    Ok(axum::Json(rows.into_iter().map(of).collect()))
}

/// A new exemption. The article's code may also be given as before (`5a` for 5 sub a,
/// `5a_reizend` for article 5a).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweVrijstellingVerzoek {
    /// The id of the young person.
    #[schema(value_type = JongereId)]
    pub jongere: String,
    #[schema(value_type = ArtikelInvoer)]
    pub artikel: String,
    /// Why, in words.
    #[schema(example = "Psychisch niet in staat onderwijs te volgen")]
    pub reden: String,
    /// Given because no suitable offer exists.
    #[serde(default)]
    pub geen_passend_aanbod: bool,
    /// The day of the decision and the first day exempted.
    pub van: NaiveDate,
    /// The last day exempted, if it ends.
    #[serde(default)]
    pub tot: Option<NaiveDate>,
    /// Required for 5 sub a: the statement's date (at most three months before `van`)…
    #[serde(default)]
    #[schema(value_type = NaiveDate, required = false)]
    pub verklaring_datum: Option<NaiveDate>,
    /// …and its author: `arts`, `psycholoog` or `pedagoog` (both or neither).
    #[serde(default)]
    #[schema(value_type = DeskundigeCode, required = false)]
    pub verklaring_door: Option<String>,
}

/// Records an exemption.
///
/// For leerplicht. In the person's exemption case, opened when there is none. Article 5
/// sub a needs the statement of a doctor, psychologist or pedagogue, at most three months
/// old (422 otherwise).
#[utoipa::path(post, path = "/vrijstellingen", tag = "thuiszitters", operation_id = "vrijstelling_vastleggen",
    request_body = NieuweVrijstellingVerzoek,
    responses((status = 201, description = "Vastgelegd", body = Vrijstelling)))]
pub async fn vastleggen(
    State(s): State<AppState>,
    c: Caller,
    Json(n): Json<NieuweVrijstellingVerzoek>,
) -> ApiResult<(StatusCode, axum::Json<Vrijstelling>)> {
    let artikel = Artikel::from_code(&n.artikel).ok_or_else(|| {
        ApiError::field(
            "artikel",
            "art5_sub_a, art5_sub_b, art5_sub_c, art5a_reizend, art3a, art3b of art15",
        )
    })?;
    let door =
        match n.verklaring_door.as_deref() {
            None => None,
            Some(d) => Some(Deskundige::from_code(d).ok_or_else(|| {
                ApiError::field("verklaring_door", "arts, psycholoog of pedagoog")
            })?),
        };
    let verklaring = match (n.verklaring_datum, door) {
        (Some(datum), Some(door)) => Some(Verklaring { datum, door }),
        (None, None) => None,
        (Some(_), None) => return Err(ApiError::field("verklaring_door", "hoort bij een datum")),
        (None, Some(_)) => return Err(ApiError::field("verklaring_datum", "hoort bij een auteur")),
    };
    let nieuw = NieuweVrijstelling {
        artikel,
        reden: n.reden,
        geen_passend_aanbod: n.geen_passend_aanbod,
        van: n.van,
        tot: n.tot,
        verklaring,
    };
    let van = nieuw.van;
    let rows = met_jongere(&s, c, n.jongere, move |app, a, l| {
        app.vrijstelling_vastleggen(a, l, nieuw)?;
        app.vrijstellingen(a, l)
    })
    .await?;
    let made = rows
        .into_iter()
        .rev()
        .find(|v| v.vrijstelling.artikel == artikel && v.vrijstelling.van == van)
        .ok_or_else(|| ApiError::from(leerrecht_app::AppError::Invalid("vrijstelling".into())))?;
    Ok((StatusCode::CREATED, axum::Json(of(made))))
}
