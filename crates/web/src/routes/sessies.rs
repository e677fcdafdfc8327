//! Logging in and out, who am I, the accounts, and the register of organisations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use leerrecht_app::{Actor, LoginFout};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{bron, csrf_token, Caller};
use crate::cookies::{self, Bereik};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::openapi::{Gemeentecode, Organisatiecode, OrganisatiesoortCode, RolCode};
use crate::AppState;

/// Password and, for roles that see persons and `beheer`, the current code of the
/// authenticator app.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Inloggen {
    #[schema(example = "demo.leerplicht")]
    pub gebruikersnaam: String,
    pub wachtwoord: String,
    /// The six-digit TOTP code.
    #[serde(default)]
    #[schema(example = "123456")]
    pub code: Option<String>,
    /// For an account whose password an administrator set: the new password its owner
    /// chooses (the password policy applies), sent with the right password and code.
    #[serde(default)]
    pub nieuw_wachtwoord: Option<String>,
}

/// Who is calling: a person (with role) or a system (with scopes).
#[derive(Serialize, ToSchema)]
pub struct Ik {
    /// `gebruiker` or `systeem`.
    #[schema(value_type = String, pattern = "^(gebruiker|systeem|beheerder)$")]
    pub soort: &'static str,
    /// A person's user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gebruikersnaam: Option<String>,
    /// The caller's organisation.
    pub organisatie: String,
    /// A person's role.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<RolCode>)]
    pub rol: Option<String>,
    /// A system's token scopes (`verzuim:schrijven`, `meldingen:schrijven`).
    pub scopes: Vec<String>,
}

impl Ik {
    pub fn of(actor: &Actor) -> Ik {
        match actor {
            Actor::Gebruiker(g) => Ik {
                soort: "gebruiker",
                gebruikersnaam: Some(g.gebruikersnaam.clone()),
                organisatie: g.organisatie.clone(),
                rol: Some(g.rol.code().to_string()),
                scopes: Vec::new(),
            },
            Actor::Systeem(s) => Ik {
                soort: "systeem",
                gebruikersnaam: None,
                organisatie: s.organisatie.clone(),
                rol: None,
                scopes: s.scopes.iter().map(|s| s.code().to_string()).collect(),
            },
            Actor::LocalOperator { .. } => Ik {
                soort: "beheerder",
                gebruikersnaam: None,
                organisatie: String::new(),
                rol: None,
                scopes: Vec::new(),
            },
        }
    }
}

/// A new session: the token itself is only in the cookie (HttpOnly).
#[derive(Serialize, ToSchema)]
pub struct Sessie {
    /// Who logged in.
    pub gebruiker: Ik,
    /// The moment the session ends unless used before.
    pub verloopt: DateTime<Utc>,
    /// Send this in the `X-CSRF-Token` header with every write made with the cookie.
    pub csrf_token: String,
}

/// Logs in with password and second factor.
///
/// The answer sets the session cookie (Secure, HttpOnly, SameSite=Strict). Five failures in a row under one user name from one client
/// address block that name from that address for 15 minutes (423), the same for names with
/// and without an account; attempts per client address are limited. An account whose
/// administrator asked for a new second factor gets 401 until its owner has set it up on
/// the login page (`/inloggen`), which shows the new secret after the password. An account
/// whose password an administrator set gets 401 until the login brings `nieuw_wachtwoord`,
/// which replaces it.
#[utoipa::path(post, path = "/sessies", tag = "sessies", security(()),
    request_body = Inloggen,
    responses((status = 201, description = "Ingelogd", body = Sessie),
        (status = 423, description = "Account tijdelijk geblokkeerd na te veel mislukte pogingen",
            body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn inloggen(
    State(s): State<AppState>,
    parts: axum::http::request::Parts,
    Json(body): Json<Inloggen>,
) -> ApiResult<Response> {
    let bron = bron(&parts);
    binnen_loginlimiet(&s, &bron).await?;
    let (sessie, actor) = s
        .run(move |app| {
            let r = app.login_met(
                &body.gebruikersnaam,
                &body.wachtwoord,
                body.code.as_deref(),
                body.nieuw_wachtwoord.as_deref(),
                &bron,
            )?;
            Ok(match r {
                Ok(sessie) => {
                    let actor = app.session_actor(&sessie.token, &bron)?;
                    Ok((sessie, actor))
                }
                Err(f) => Err(f),
            })
        })
        .await?
        .map_err(|f| match f {
            LoginFout::Geblokkeerd => ApiError::Locked(f.to_string()),
            LoginFout::WachtwoordKiezen(Some(ref reden)) => {
                ApiError::Unauthenticated(format!("{f}; nieuw_wachtwoord: {reden}"))
            }
            LoginFout::WachtwoordKiezen(None) => {
                ApiError::Unauthenticated(format!("{f}; stuur het mee als nieuw_wachtwoord"))
            }
            f => ApiError::Unauthenticated(f.to_string()),
        })?;
    let actor = actor.ok_or_else(|| ApiError::Internal("a new session was not found".into()))?;
    let body = Sessie {
        gebruiker: Ik::of(&actor),
        verloopt: sessie.verloopt,
        csrf_token: csrf_token(&sessie.token),
    };
    let mut r = (StatusCode::CREATED, axum::Json(body)).into_response();
    cookies::zet(&mut r, &cookies::sessie(&sessie.token, Bereik::Api));
    Ok(r)
}

/// A new password set with the reset code an administrator handed over
/// (`leerrecht user reset-password`), and the TOTP code for an account with a second factor.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Herstel {
    pub gebruikersnaam: String,
    /// The reset code the administrator handed over.
    pub herstelcode: String,
    /// The new password (the password policy applies).
    pub wachtwoord: String,
    /// The six-digit TOTP code, for an account with a second factor.
    #[serde(default)]
    #[schema(example = "123456")]
    pub code: Option<String>,
}

/// Sets a new password with a reset code.
///
/// Ends every session of the account; log in again afterwards. Failures count towards the lockout like failed logins, and share their limit
/// per client address.
#[utoipa::path(post, path = "/wachtwoordherstel", tag = "sessies", security(()),
    request_body = Herstel,
    responses((status = 204, description = "Nieuw wachtwoord ingesteld"),
        (status = 423, description = "Account tijdelijk geblokkeerd na te veel mislukte pogingen",
            body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn wachtwoordherstel(
    State(s): State<AppState>,
    parts: axum::http::request::Parts,
    Json(body): Json<Herstel>,
) -> ApiResult<StatusCode> {
    let bron = bron(&parts);
    binnen_loginlimiet(&s, &bron).await?;
    s.run(move |app| {
        app.password_reset(
            &body.gebruikersnaam,
            &body.herstelcode,
            &body.wachtwoord,
            body.code.as_deref(),
            &bron,
        )
    })
    .await?
    .map_err(|f| match f {
        LoginFout::Geblokkeerd => ApiError::Locked(f.to_string()),
        _ => ApiError::Unauthenticated(
            "onjuiste gebruikersnaam, herstelcode of code, of de herstelcode is verlopen".into(),
        ),
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// The current and the new password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WachtwoordWijzigen {
    /// The current password.
    pub huidig: String,
    /// The new password (the password policy applies).
    pub nieuw: String,
}

/// Changes the caller's own password.
///
/// Every session of the account ends, this one too. A
/// wrong current password counts towards the lockout of the name and client address as a
/// failed login does (423 once blocked).
#[utoipa::path(put, path = "/gebruikers/ik/wachtwoord", tag = "gebruikers",
    request_body = WachtwoordWijzigen,
    responses((status = 204, description = "Wachtwoord gewijzigd; log opnieuw in"),
        (status = 423, description = "Tijdelijk geblokkeerd na te veel mislukte pogingen",
            body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn wachtwoord_wijzigen(
    State(s): State<AppState>,
    c: Caller,
    Json(body): Json<WachtwoordWijzigen>,
) -> ApiResult<StatusCode> {
    s.run(move |app| app.change_own_password(&c.actor, &body.huidig, &body.nieuw))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses a login or reset attempt past the limit per client address and minute.
async fn binnen_loginlimiet(s: &AppState, bron: &str) -> ApiResult<()> {
    let max = s.cfg().login_per_minuut;
    let b = bron.to_string();
    let binnen = s
        .run(move |app| app.binnen_limiet("inloggen", &b, chrono::Duration::minutes(1), max))
        .await?;
    if binnen {
        Ok(())
    } else {
        Err(ApiError::TooManyRequests(
            "te veel inlogpogingen vanaf dit adres; probeer het over een minuut opnieuw".into(),
        ))
    }
}

/// Ends the current session and clears the cookie.
///
/// Only for a session (cookie or session token); an API token has no session (403) and is
/// revoked with `leerrecht token revoke`.
#[utoipa::path(delete, path = "/sessies/huidig", tag = "sessies",
    responses((status = 204, description = "Uitgelogd")))]
pub async fn uitloggen(State(s): State<AppState>, c: Caller) -> ApiResult<Response> {
    let Some(token) = c.sessie else {
        return Err(ApiError::Forbidden(
            "een API-token heeft geen sessie; trek het in met 'leerrecht token revoke'".into(),
        ));
    };
    s.run(move |app| app.logout(&token)).await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    cookies::zet(&mut r, &cookies::sessie_weg(Bereik::Api));
    Ok(r)
}

/// Who is calling.
///
/// A person with organisation and role, or a system with its organisation and scopes.
#[utoipa::path(get, path = "/gebruikers/ik", tag = "gebruikers",
    responses((status = 200, description = "De aanroeper", body = Ik)))]
pub async fn ik(c: Caller) -> axum::Json<Ik> {
    axum::Json(Ik::of(&c.actor))
}

/// An account as listed (no secrets).
#[derive(Serialize, ToSchema)]
pub struct Account {
    pub gebruikersnaam: String,
    #[schema(value_type = Organisatiecode)]
    pub organisatie: String,
    #[schema(value_type = RolCode)]
    pub rol: String,
    /// Whether the account may log in.
    pub actief: bool,
    /// Whether a second factor is set up.
    pub tweede_factor: bool,
    /// Whether it is blocked after failed attempts.
    pub geblokkeerd: bool,
    /// Whether it is linked to an identity at its organisation's identity provider (single
    /// sign-on).
    pub sso: bool,
}

/// The accounts.
///
/// For `beheer` only: every account with its organisation, role and state, no secrets.
#[utoipa::path(get, path = "/gebruikers", tag = "gebruikers",
    responses((status = 200, description = "Alle accounts", body = Vec<Account>)))]
pub async fn gebruikers(
    State(s): State<AppState>,
    c: Caller,
) -> ApiResult<axum::Json<Vec<Account>>> {
    let rows = s.run(move |app| app.user_list(&c.actor)).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|a| Account {
                gebruikersnaam: a.gebruikersnaam,
                organisatie: a.organisatie,
                rol: a.rol,
                actief: a.actief,
                tweede_factor: a.tweede_factor,
                geblokkeerd: a.geblokkeerd,
                sso: a.sso,
            })
            .collect(),
    ))
}

/// An organisation of the region.
#[derive(Serialize, ToSchema)]
pub struct Organisatie {
    /// The organisation's code: what `/organisaties/{code}` takes.
    #[schema(value_type = Organisatiecode)]
    pub code: String,
    /// `gemeente`, `school`, `swv`, `leerplicht`, `ggd` or `cjg`.
    #[schema(value_type = OrganisatiesoortCode)]
    pub soort: String,
    #[schema(example = "Gemeente Haarlem")]
    pub naam: String,
    /// The gemeente a school or gemeente is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Gemeentecode>)]
    pub gemeente: Option<String>,
    /// The sub-region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regio: Option<String>,
    /// A school's samenwerkingsverband.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Organisatiecode>)]
    pub swv: Option<String>,
    /// The gemeenten a leerplicht bureau, GGD or CJG serves.
    #[schema(value_type = Vec<Gemeentecode>)]
    pub bedient: Vec<String>,
}

impl From<leerrecht_domain::org::Organisatie> for Organisatie {
    fn from(o: leerrecht_domain::org::Organisatie) -> Self {
        Organisatie {
            code: o.code.as_str().to_string(),
            soort: o.soort.code().to_string(),
            naam: o.naam,
            gemeente: o.gemeente.map(|g| g.as_str().to_string()),
            regio: o.regio,
            swv: o.swv.map(|s| s.as_str().to_string()),
            bedient: o.bedient.iter().map(|g| g.as_str().to_string()).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisatieFilter {
    /// Only organisations of this kind.
    #[param(value_type = OrganisatiesoortCode, required = false)]
    pub soort: Option<String>,
    /// Only organisations in (or, for a bureau, serving) this gemeente.
    #[param(value_type = Gemeentecode, required = false)]
    pub gemeente: Option<String>,
}

/// The organisations of the region.
///
/// By code, optionally only of one kind or one gemeente. Each `code` is what
/// `/organisaties/{code}` and a case's partners take.
#[utoipa::path(get, path = "/organisaties", tag = "organisaties", params(OrganisatieFilter),
    responses((status = 200, description = "Organisaties", body = Vec<Organisatie>)))]
pub async fn organisaties(
    State(s): State<AppState>,
    c: Caller,
    Query(f): Query<OrganisatieFilter>,
) -> ApiResult<axum::Json<Vec<Organisatie>>> {
    let orgs = s.run(move |app| app.organisaties(&c.actor)).await?;
    Ok(axum::Json(
        orgs.into_iter()
            .map(Organisatie::from)
            .filter(|o| f.soort.as_ref().is_none_or(|s| *s == o.soort))
            .filter(|o| {
                f.gemeente
                    .as_ref()
                    .is_none_or(|g| o.gemeente.as_ref() == Some(g) || o.bedient.contains(g))
            })
            .collect(),
    ))
}

/// One organisation.
///
/// A code not in the register gets 404.
#[utoipa::path(get, path = "/organisaties/{code}", tag = "organisaties",
    params(("code" = Organisatiecode, Path, description = "De code van de organisatie")),
    responses((status = 200, description = "De organisatie", body = Organisatie)))]
pub async fn organisatie(
    State(s): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<Organisatie>> {
    let orgs = s.run(move |app| app.organisaties(&c.actor)).await?;
    orgs.into_iter()
        .find(|o| o.code.as_str() == code)
        .map(|o| axum::Json(o.into()))
        .ok_or_else(|| ApiError::NotFound("organisatie: onbekende code".into()))
}
