//! The RMC (docs/domain.md §13) over the API: the list of early school leavers of 18 to 23 the
//! caller's bureau follows, and opening an RMC case for one of them. Contact attempts and the
//! outcome are recorded on the case (`/zaken/{id}/contactpogingen`, `/zaken/{id}/sluiting`).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Query};
use crate::openapi::{JongereId, Schoolcode};
use crate::routes::jongeren::{met_jongere, Jongere};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RmcVraag {
    /// The list as it stands on this day (default today).
    #[param(example = "2025-03-01")]
    pub peildatum: Option<NaiveDate>,
}

/// One young person on the RMC list.
#[derive(Serialize, ToSchema)]
pub struct RmcRegel {
    pub jongere: Jongere,
    /// On the list since: the day after their last enrolment ended, or their 18th birthday.
    pub sinds: NaiveDate,
    /// The school of the enrolment they left last.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Schoolcode>)]
    pub laatste_school: Option<String>,
    /// Their open RMC case, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, example = 12)]
    pub zaak: Option<i64>,
    /// The contact attempts recorded on it, and whether one reached them.
    pub contactpogingen: usize,
    pub bereikt: bool,
}

/// The RMC list of the caller's bureau.
///
/// The young people of 18 to 23 living in the gemeenten the bureau serves who left education
/// without a startkwalificatie and are enrolled nowhere, longest on the list first. For
/// leerplicht (the region's RMC function) only; every person listed is logged.
#[utoipa::path(get, path = "/rmc", tag = "thuiszitters", operation_id = "rmc_lijst", params(RmcVraag),
    responses((status = 200, description = "De RMC-lijst", body = Vec<RmcRegel>)))]
pub async fn lijst(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<RmcVraag>,
) -> ApiResult<axum::Json<Vec<RmcRegel>>> {
    let rijen = s
        .run(move |app| {
            let on = q.peildatum.unwrap_or_else(|| app.now().date_naive());
            app.rmclijst(&c.actor, on)
        })
        .await?;
    Ok(axum::Json(
        rijen
            .into_iter()
            .map(|r| RmcRegel {
                jongere: r.kop.into(),
                sinds: r.sinds,
                laatste_school: r.laatste_school,
                zaak: r.zaak,
                contactpogingen: r.pogingen,
                bereikt: r.bereikt,
            })
            .collect(),
    ))
}

/// An RMC case to open.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweRmcZaak {
    /// The id of the young person.
    #[schema(value_type = JongereId)]
    pub jongere: String,
    /// The day it opens (default today; not in the future).
    #[serde(default)]
    pub datum: Option<NaiveDate>,
}

/// The case opened.
#[derive(Serialize, ToSchema)]
pub struct Geopend {
    #[schema(minimum = 1, example = 12)]
    pub zaak: i64,
}

/// Opens an RMC case.
///
/// For leerplicht only, at the bureau serving the young person's gemeente, for someone of 18
/// to 23 on the day, enrolled nowhere and without a startkwalificatie on record, with no other
/// open RMC case (422 otherwise). Logged.
#[utoipa::path(post, path = "/rmc/zaken", tag = "thuiszitters", operation_id = "rmc_zaak_openen",
    request_body = NieuweRmcZaak,
    responses((status = 201, description = "Geopend", body = Geopend)))]
pub async fn openen(
    State(s): State<AppState>,
    c: Caller,
    Json(n): Json<NieuweRmcZaak>,
) -> ApiResult<(StatusCode, axum::Json<Geopend>)> {
    let zaak = met_jongere(&s, c, n.jongere, move |app, a, l| {
        let datum = n.datum.unwrap_or_else(|| app.now().date_naive());
        app.rmc_zaak_openen(a, l, datum)
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(Geopend { zaak })))
}
