//! Logging in (password and the authenticator app's code in one form) and out. The session
//! cookie is the API's (Secure, HttpOnly, SameSite=Strict), here for the whole site.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leerrecht_app::LoginFout;
use serde::Deserialize;

use super::tekst::Taal;
use super::{doe, formulier, html, taal_van, Bezoeker, Fout, Kader};
use crate::auth::bron;
use crate::cookies::{self, Bereik};
use crate::AppState;

#[derive(Template)]
#[template(path = "inloggen.html")]
pub(super) struct Inlogpagina {
    k: Kader,
    fout: Option<String>,
    gebruikersnaam: String,
    /// A new second factor for the owner to set up: the secret and its otpauth URI.
    inschrijving: Option<(String, String)>,
    /// The password was set by an administrator: its owner chooses a new one.
    wachtwoord_kiezen: bool,
    /// The identity providers of single sign-on: one button each.
    sso: Vec<(usize, String)>,
}

/// The login page, with a button per identity provider.
pub(super) fn inlogpagina(
    s: &AppState,
    taal: Taal,
    fout: Option<String>,
    gebruikersnaam: String,
) -> Inlogpagina {
    Inlogpagina {
        k: Kader::new(taal, taal.s("Inloggen"), None, ""),
        fout,
        gebruikersnaam,
        inschrijving: None,
        wachtwoord_kiezen: false,
        sso: s.app().sso_namen().into_iter().enumerate().collect(),
    }
}

pub async fn tonen(State(s): State<AppState>, parts: Parts) -> Response {
    html(inlogpagina(&s, taal_van(&parts), None, String::new()))
}

#[derive(Deserialize)]
struct Inlog {
    gebruikersnaam: String,
    wachtwoord: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    nieuw_wachtwoord: String,
}

pub async fn inloggen(State(s): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let taal = taal_van(&parts);
    // Only this site's own login form logs in (no login CSRF from another site's page).
    if crate::herkomst::van_deze_site(&parts, s.cfg().origin.as_deref()) == Some(false) {
        let t = "Inloggen geweigerd: het formulier kwam niet van deze site. Open de inlogpagina opnieuw.";
        return (
            StatusCode::FORBIDDEN,
            html(inlogpagina(&s, taal, Some(taal.s(t).into()), String::new())),
        )
            .into_response();
    }
    let f: Inlog = match formulier(&body, taal) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let bron = bron(&parts);
    let max = s.cfg().login_per_minuut;
    let b = bron.clone();
    let binnen = doe(&s, taal, move |app| {
        app.binnen_limiet("inloggen", &b, chrono::Duration::minutes(1), max)
    })
    .await;
    match binnen {
        Ok(true) => {}
        Ok(false) => {
            let t = taal
                .s("te veel inlogpogingen vanaf dit adres; probeer het over een minuut opnieuw");
            return (
                StatusCode::TOO_MANY_REQUESTS,
                html(inlogpagina(&s, taal, Some(t.into()), f.gebruikersnaam)),
            )
                .into_response();
        }
        Err(e) => return e.into_response(),
    }
    let naam = f.gebruikersnaam.clone();
    let met_code = !f.code.trim().is_empty();
    let r = doe(&s, taal, move |app| {
        let code = Some(f.code.trim()).filter(|c| !c.is_empty());
        let nieuw = Some(f.nieuw_wachtwoord.as_str()).filter(|n| !n.is_empty());
        app.login_met(&f.gebruikersnaam, &f.wachtwoord, code, nieuw, &bron)
    })
    .await;
    match r {
        Ok(Ok(sessie)) => {
            let mut r = Redirect::to("/").into_response();
            cookies::zet(&mut r, &cookies::sessie(&sessie.token, Bereik::Site));
            r
        }
        Ok(Err(LoginFout::Inschrijven(i))) => {
            // The right password of an account that is to set up a new second factor: the
            // secret is shown to its owner, who logs in again with a first code from it.
            let fout = met_code.then(|| {
                taal.s("de code klopt niet; probeer de volgende code")
                    .into()
            });
            let status = if met_code {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            let mut p = inlogpagina(&s, taal, fout, naam);
            p.k.titel = taal.s("Tweede factor instellen").into();
            p.inschrijving = Some((i.geheim, i.uri));
            (status, html(p)).into_response()
        }
        Ok(Err(LoginFout::WachtwoordKiezen(reden))) => {
            // The right password and code of an account whose password an administrator
            // set: its owner chooses a new one and logs in with it.
            let status = if reden.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let mut p = inlogpagina(&s, taal, reden, naam);
            p.k.titel = taal.s("Nieuw wachtwoord kiezen").into();
            p.wachtwoord_kiezen = true;
            (status, html(p)).into_response()
        }
        Ok(Err(fout)) => {
            let t = match fout {
                LoginFout::Onjuist => "onjuiste gebruikersnaam, wachtwoord of code",
                LoginFout::Geblokkeerd => {
                    "account tijdelijk geblokkeerd na te veel mislukte pogingen; probeer het later"
                }
                LoginFout::CodeGebruikt => {
                    "deze code is al gebruikt; wacht op de volgende code uit uw authenticator-app"
                }
                LoginFout::CodeNodig | LoginFout::Inschrijven(_) => {
                    "tweede factor nodig: voer de code uit uw authenticator-app in"
                }
                LoginFout::WachtwoordKiezen(_) => {
                    "kies eerst een nieuw wachtwoord: dit wachtwoord is door de beheerder ingesteld"
                }
            };
            (
                StatusCode::UNAUTHORIZED,
                html(inlogpagina(&s, taal, Some(taal.s(t).into()), naam)),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Ends the session; after a login through an identity provider that offers it, the browser
/// goes on to log out there too (and comes back to the login page).
pub async fn uitloggen(
    State(s): State<AppState>,
    b: Bezoeker,
    parts: Parts,
    body: Bytes,
) -> Response {
    let r: Result<(), Fout> = async {
        b.formulier::<serde::de::IgnoredAny>(&body)?;
        let token = b.sessie.clone();
        doe(&s, b.taal, move |app| app.logout(&token)).await?;
        Ok(())
    }
    .await;
    if let Err(e) = r {
        return e.into_response();
    }
    let aanbieder =
        crate::auth::cookie(&parts, cookies::SSO_AANBIEDER).and_then(|n| n.parse::<usize>().ok());
    let naar = match aanbieder {
        Some(n) => match s.run(move |app| app.sso_uitlog_url(n)).await {
            Ok(url) => url,
            Err(e) => {
                tracing::warn!(error = ?e, "logging out at the identity provider failed");
                None
            }
        },
        None => None,
    };
    let mut r = match naar {
        Some(url) => super::sso::uitgelogd(b.taal, url),
        None => Redirect::to("/inloggen").into_response(),
    };
    cookies::zet(&mut r, &cookies::sessie_weg(Bereik::Site));
    if aanbieder.is_some() {
        cookies::zet(&mut r, &cookies::sso_aanbieder(None));
    }
    r
}
