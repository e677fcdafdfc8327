//! Logging in through the organisation's identity provider (OpenID Connect): the button of
//! the login page starts the flow, the provider sends the browser back, and a login without
//! a strong second factor at the provider asks for leerrecht's code
//! ([`leerrecht_app::toegang::sso`]).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leerrecht_app::toegang::sso::{SsoFout, SsoUitkomst};
use leerrecht_app::LoginFout;
use serde::Deserialize;

use super::inloggen::inlogpagina;
use super::tekst::Taal;
use super::{doe, formulier, html, taal_van, Kader};
use crate::auth::{bron, cookie};
use crate::cookies::{self, Bereik};
use crate::AppState;

/// The cookie that binds a flow (and the wait for a code) to the browser that started it.
const BINDING: &str = "leerrecht_sso_binding";
/// The cookie that holds the one-time token of the wait for a code.
const WACHT: &str = "leerrecht_sso_wacht";

/// `GET /inloggen/oidc/{n}`: to provider `n` with `state`, `nonce` and an S256 PKCE
/// challenge (302).
pub async fn begin(State(s): State<AppState>, parts: Parts, Path(n): Path<usize>) -> Response {
    let taal = taal_van(&parts);
    match s.run(move |app| app.sso_begin(n)).await {
        Ok(start) => {
            let mut r = (StatusCode::FOUND, [(header::LOCATION, start.url)]).into_response();
            cookies::zet(&mut r, &cookies::sso_binding(BINDING, &start.binding));
            r
        }
        Err(crate::error::ApiError::NotFound(_)) => super::Fout::NietGevonden(taal).into_response(),
        Err(e) => {
            tracing::warn!(error = ?e, "single sign-on could not start");
            let t = "de identiteitsaanbieder is nu niet bereikbaar; probeer het later opnieuw";
            (StatusCode::BAD_GATEWAY, fout_pagina(&s, taal, t)).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct Terug {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

/// `GET /inloggen/oidc/terug`: the provider's answer.
pub async fn terug(State(s): State<AppState>, parts: Parts, Query(q): Query<Terug>) -> Response {
    let taal = taal_van(&parts);
    if !binnen_limiet(&s, &parts).await {
        return te_vaak(&s, taal);
    }
    let (Some(state), Some(code)) = (q.state, q.code) else {
        // The user cancelled at the provider, or it refused: nothing to log in with.
        let t = if q.error.is_some() {
            "de identiteitsaanbieder heeft de aanmelding niet gegeven; probeer het opnieuw"
        } else {
            "deze inlogpoging is verlopen, al gebruikt of in een andere browser begonnen; begin opnieuw"
        };
        return (StatusCode::UNAUTHORIZED, fout_pagina(&s, taal, t)).into_response();
    };
    let binding = cookie(&parts, BINDING).unwrap_or("").to_string();
    let b = bron(&parts);
    let r = doe(&s, taal, move |app| {
        app.sso_terug(&state, &code, &binding, &b)
    })
    .await;
    match r {
        Ok(Ok(SsoUitkomst::Sessie(sessie, n))) => ingelogd(taal, &sessie.token, n),
        Ok(Ok(SsoUitkomst::CodeNodig(token))) => {
            let mut r = Redirect::to("/inloggen/oidc/code").into_response();
            cookies::zet(&mut r, &cookies::sso_binding(WACHT, &token));
            r
        }
        Ok(Err(fout)) => geweigerd(&s, taal, &fout),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "sso_code.html")]
struct Codepagina {
    k: Kader,
    fout: Option<String>,
}

/// `GET /inloggen/oidc/code`: leerrecht's second factor after the provider's login.
pub async fn code_tonen(parts: Parts) -> Response {
    let taal = taal_van(&parts);
    html(Codepagina {
        k: Kader::new(taal, taal.s("Code uit uw authenticator-app"), None, ""),
        fout: None,
    })
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

/// `POST /inloggen/oidc/code`.
pub async fn code(State(s): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let taal = taal_van(&parts);
    if crate::herkomst::van_deze_site(&parts, s.cfg().origin.as_deref()) == Some(false) {
        let t = "Inloggen geweigerd: het formulier kwam niet van deze site. Open de inlogpagina opnieuw.";
        return (StatusCode::FORBIDDEN, fout_pagina(&s, taal, t)).into_response();
    }
    if !binnen_limiet(&s, &parts).await {
        return te_vaak(&s, taal);
    }
    let f: Code = match formulier(&body, taal) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let token = cookie(&parts, WACHT).unwrap_or("").to_string();
    let binding = cookie(&parts, BINDING).unwrap_or("").to_string();
    let b = bron(&parts);
    let r = doe(&s, taal, move |app| {
        app.sso_code(&token, &binding, &f.code, &b)
    })
    .await;
    match r {
        Ok(Ok((sessie, n))) => {
            let mut r = Redirect::to("/").into_response();
            zet_sessie(&mut r, &sessie.token, n);
            r
        }
        Ok(Err(fout @ SsoFout::Login(LoginFout::Onjuist | LoginFout::CodeGebruikt))) => {
            let p = Codepagina {
                k: Kader::new(taal, taal.s("Code uit uw authenticator-app"), None, ""),
                fout: Some(taal.s(fout.tekst()).into()),
            };
            (StatusCode::UNAUTHORIZED, html(p)).into_response()
        }
        Ok(Err(fout)) => geweigerd(&s, taal, &fout),
        Err(e) => e.into_response(),
    }
}

/// The session cookie, the provider's index for logging out, and the flow's cookies gone.
fn zet_sessie(r: &mut Response, token: &str, n: usize) {
    cookies::zet(r, &cookies::sessie(token, Bereik::Site));
    cookies::zet(r, &cookies::sso_aanbieder(Some(n)));
    cookies::zet(r, &cookies::sso_binding_weg(BINDING));
    cookies::zet(r, &cookies::sso_binding_weg(WACHT));
}

#[derive(Template)]
#[template(path = "sso_verder.html")]
struct Verder {
    k: Kader,
    href: String,
    link: &'static str,
}

/// A page that moves on to `href` by itself (`Refresh`), with a link for when it does not:
/// a navigation of this page, where a redirect would not do (see [`ingelogd`] and
/// [`uitgelogd`]).
pub(super) fn verder(
    taal: Taal,
    titel: &'static str,
    href: String,
    link: &'static str,
) -> Response {
    let refresh = HeaderValue::from_str(&format!("0; url={href}"));
    let mut r = html(Verder {
        k: Kader::new(taal, taal.s(titel), None, ""),
        href,
        link,
    });
    if let Ok(v) = refresh {
        r.headers_mut().insert(header::REFRESH, v);
    }
    r
}

/// Logged in after the provider's redirect. The browser came here from another site, and a
/// SameSite=Strict cookie set now is not sent on a redirect of that same navigation: this
/// page moves on to the start page itself, a navigation of this site.
fn ingelogd(taal: Taal, token: &str, n: usize) -> Response {
    let mut r = verder(taal, "U bent ingelogd", "/".into(), "Verder naar leerrecht");
    zet_sessie(&mut r, token, n);
    r
}

/// Logged out here, on the way to log out at the provider: the logout form may only send to
/// this site (`form-action 'self'`), so this page goes on to the provider.
pub(super) fn uitgelogd(taal: Taal, url: String) -> Response {
    verder(
        taal,
        "U bent uitgelogd",
        url,
        "Ook uitloggen bij uw organisatie",
    )
}

/// A refused login: the login page with the reason.
fn geweigerd(s: &AppState, taal: Taal, fout: &SsoFout) -> Response {
    let t = fout.tekst();
    let mut r = (StatusCode::UNAUTHORIZED, fout_pagina(s, taal, t)).into_response();
    cookies::zet(&mut r, &cookies::sso_binding_weg(BINDING));
    cookies::zet(&mut r, &cookies::sso_binding_weg(WACHT));
    r
}

/// The login page with `t` as its error.
fn fout_pagina(s: &AppState, taal: Taal, t: &'static str) -> Response {
    html(inlogpagina(s, taal, Some(taal.s(t).into()), String::new()))
}

/// Whether this address is within the login attempts per minute.
async fn binnen_limiet(s: &AppState, parts: &Parts) -> bool {
    let b = bron(parts);
    let max = s.cfg().login_per_minuut;
    s.run(move |app| app.binnen_limiet("inloggen", &b, chrono::Duration::minutes(1), max))
        .await
        .unwrap_or(false)
}

fn te_vaak(s: &AppState, taal: Taal) -> Response {
    let t = "te veel inlogpogingen vanaf dit adres; probeer het over een minuut opnieuw";
    (StatusCode::TOO_MANY_REQUESTS, fout_pagina(s, taal, t)).into_response()
}
