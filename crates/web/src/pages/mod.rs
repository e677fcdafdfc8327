//! The web application: server-rendered pages (askama templates) for people, beside the
//! JSON API. Every task works with plain HTML forms: a write is a POST carrying the
//! session's CSRF token in a hidden field, answered by a redirect to the page that shows
//! the result (POST-redirect-GET). Pages call the same app use cases as the API, so the
//! gate decides and the audit log records exactly as there; a BSN is only ever in a POST
//! body, and persons are named in URLs by their opaque id.

mod beheer;
mod brieven;
mod dossier;
pub(crate) mod inlezen;
mod inloggen;
pub mod invoer;
mod noodtoegang;
mod rapport;
mod sso;
pub mod tekst;
mod werk;
pub mod woorden;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leerrecht_app::{Actor, AppError};
use leerrecht_domain::org::Rol;
use serde::de::DeserializeOwned;

use crate::auth::{bron, constant_time_eq, cookie_token, csrf_token};
use crate::error::ApiError;
use crate::AppState;
use tekst::{Taal, TAAL_COOKIE};

/// The style sheet, served by the application itself (no CDN).
const CSS: &str = include_str!("../../static/leerrecht.css");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(start))
        .route("/static/leerrecht.css", get(css))
        .route("/taal/{code}", get(taal))
        .route("/inloggen", get(inloggen::tonen).post(inloggen::inloggen))
        .route("/uitloggen", post(inloggen::uitloggen))
        .route("/inloggen/oidc/terug", get(sso::terug))
        .route("/inloggen/oidc/code", get(sso::code_tonen).post(sso::code))
        .route("/inloggen/oidc/{n}", get(sso::begin))
        .route("/werklijst", get(werk::werklijst))
        .route("/zoeken", get(werk::zoeken_formulier).post(werk::zoeken))
        .route("/thuiszitters", get(werk::thuiszitters))
        .route("/rmc", get(werk::rmc))
        .route(
            "/inlezen",
            get(inlezen::formulier)
                .post(inlezen::versturen)
                .layer(axum::extract::DefaultBodyLimit::max(inlezen::MAX_BESTAND)),
        )
        .route("/inlezen/{id}", get(inlezen::stand).post(inlezen::doorgaan))
        .route("/jongeren/{id}", get(dossier::dossier))
        .route("/jongeren/{id}/melding", post(dossier::melding_indienen))
        .route(
            "/jongeren/{id}/melding/{melding}/bevestigen",
            post(dossier::melding_bevestigen),
        )
        .route(
            "/jongeren/{id}/melding/{melding}/status",
            post(dossier::melding_status),
        )
        .route(
            "/jongeren/{id}/verzorgers",
            post(dossier::verzorger_toevoegen),
        )
        .route(
            "/jongeren/{id}/verzorgers/verwijderen",
            post(dossier::verzorger_verwijderen),
        )
        .route(
            "/jongeren/{id}/melding/{melding}/intrekken",
            post(dossier::melding_intrekken),
        )
        .route("/jongeren/{id}/registratie", post(dossier::registratie))
        .route("/jongeren/{id}/aanbod", post(dossier::aanbod))
        .route("/jongeren/{id}/overleg", post(dossier::overleg))
        .route("/jongeren/{id}/vrijstelling", post(dossier::vrijstelling))
        .route(
            "/jongeren/{id}/zaak/{zaak}/partner",
            post(dossier::partner_toevoegen),
        )
        .route(
            "/jongeren/{id}/zaak/{zaak}/partner/verwijderen",
            post(dossier::partner_verwijderen),
        )
        .route("/jongeren/{id}/escalatie", post(dossier::escalatie))
        .route("/jongeren/{id}/plan", post(dossier::plan))
        .route("/jongeren/{id}/ouders", post(dossier::ouders))
        .route("/jongeren/{id}/sluiten", post(dossier::sluiten))
        .route("/jongeren/{id}/notitie", post(dossier::notitie))
        .route("/jongeren/{id}/zaaknotitie", post(dossier::zaaknotitie))
        .route("/jongeren/{id}/brief", post(dossier::brief_maken))
        .route("/jongeren/{id}/handhaving", post(dossier::handhaving))
        .route("/jongeren/{id}/contactpoging", post(dossier::contactpoging))
        .route("/jongeren/{id}/rmc", post(dossier::rmc_openen))
        .route("/jongeren/{id}/brief/{nr}", get(dossier::brief))
        .route(
            "/noodtoegang",
            get(noodtoegang::formulier).post(noodtoegang::aanvragen),
        )
        .route("/rapportages", get(rapport::overzicht))
        .route("/rapportages/{soort}", get(rapport::rapport))
        .route("/beheer", get(beheer::beheer))
        .route(
            "/beheer/brieven",
            get(brieven::tonen).post(brieven::opslaan),
        )
        .route(
            "/beheer/gebruikers/{naam}/uitschakelen",
            post(beheer::uitschakelen),
        )
        .route(
            "/beheer/gebruikers/{naam}/tweede-factor",
            post(beheer::tweede_factor),
        )
}

/// Who is looking at a page, and in which language.
pub struct Bezoeker {
    pub actor: Actor,
    pub sessie: String,
    pub taal: Taal,
    /// The page's path and query, for the language switch to come back to.
    pub pad: String,
}

impl Bezoeker {
    pub fn rol(&self) -> Option<Rol> {
        self.actor.rol()
    }
    pub fn csrf(&self) -> String {
        csrf_token(&self.sessie)
    }
    /// Checks the hidden CSRF field of a form.
    pub fn check(&self, sent: &str) -> Result<(), Fout> {
        if constant_time_eq(sent.as_bytes(), self.csrf().as_bytes()) {
            Ok(())
        } else {
            Err(Fout::Verlopen(self.taal))
        }
    }
    /// A form sent with this session: its CSRF field is checked before anything else is
    /// read from it, so that a form from another site does nothing at all.
    pub fn formulier<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, Fout> {
        #[derive(serde::Deserialize)]
        struct Token {
            #[serde(default)]
            csrf: String,
        }
        let t: Token = formulier(body, self.taal)?;
        self.check(&t.csrf)?;
        formulier(body, self.taal)
    }
    pub fn kader(&self, titel: &str, actief: &'static str) -> Kader {
        Kader::new(self.taal, titel, Some(self), actief)
    }
}

/// The language of a request: the cookie's, else Dutch.
pub fn taal_van(parts: &Parts) -> Taal {
    crate::auth::cookie(parts, TAAL_COOKIE)
        .and_then(Taal::from_code)
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for Bezoeker {
    type Rejection = Fout;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Fout> {
        let taal = taal_van(parts);
        let Some(token) = cookie_token(parts).filter(|t| t.starts_with("lrs_")) else {
            return Err(Fout::Inloggen);
        };
        let bron = bron(parts);
        let t = token.clone();
        let actor = state
            .run(move |app| app.session_actor(&t, &bron))
            .await
            .map_err(|e| Fout::from_api(e, taal))?;
        match actor {
            Some(actor) => Ok(Bezoeker {
                actor,
                sessie: token,
                taal,
                pad: parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_string(),
            }),
            None => Err(Fout::Inloggen),
        }
    }
}

/// One item of the main menu.
pub struct MenuItem {
    pub href: &'static str,
    pub label: &'static str,
    pub actief: bool,
}

/// What every page has around its content: language, title, menu, the user, the CSRF token.
pub struct Kader {
    pub taal: Taal,
    pub titel: String,
    pub gebruiker: Option<String>,
    pub csrf: String,
    pub menu: Vec<MenuItem>,
    pub kruimels: Vec<(String, String)>,
    /// A message after a redirect (`?ok=1`).
    pub melding: Option<&'static str>,
    pub pad: String,
}

impl Kader {
    pub fn new(taal: Taal, titel: &str, b: Option<&Bezoeker>, actief: &'static str) -> Kader {
        let mut menu = Vec::new();
        let mut gebruiker = None;
        if let Some(b) = b {
            let rol = b.rol();
            let ziet = rol.is_some_and(|r| r.sees_persons());
            let mut add = |href, label| {
                menu.push(MenuItem {
                    href,
                    label: taal.s(label),
                    actief: href == actief,
                })
            };
            if ziet {
                add("/werklijst", "Werklijst");
                add("/zoeken", "Zoeken");
            }
            if matches!(rol, Some(Rol::Swv | Rol::Leerplicht | Rol::Cjg)) {
                add("/thuiszitters", "Thuiszitters");
            }
            if rol == Some(Rol::Leerplicht) {
                add("/rmc", "RMC");
            }
            add("/rapportages", "Rapportages");
            if matches!(rol, Some(Rol::Beheer | Rol::Leerplicht)) {
                add("/inlezen", "Inlezen");
            }
            if rol == Some(Rol::Beheer) {
                add("/beheer", "Beheer");
            }
            if let Actor::Gebruiker(g) = &b.actor {
                gebruiker = Some(format!(
                    "{} ({}, {})",
                    g.gebruikersnaam, g.rol, g.organisatie
                ));
            }
        }
        Kader {
            taal,
            titel: titel.to_string(),
            gebruiker,
            csrf: b.map(Bezoeker::csrf).unwrap_or_default(),
            menu,
            kruimels: Vec::new(),
            melding: None,
            pad: b.map_or_else(|| "/inloggen".to_string(), |b| b.pad.clone()),
        }
    }
    pub fn t(&self, nl: &'static str) -> &'static str {
        self.taal.s(nl)
    }
    /// The link that switches language and comes back to `pad`.
    pub fn taal_link(&self) -> String {
        format!(
            "/taal/{}?terug={}",
            self.taal.ander().code(),
            pct(&self.pad)
        )
    }
    pub fn kruimel(mut self, href: &str, label: &str) -> Self {
        self.kruimels.push((href.to_string(), label.to_string()));
        self
    }
}

fn pct(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Why a page cannot be shown; rendered as a page of its own (or a redirect to login).
#[derive(Debug)]
pub enum Fout {
    /// No (live) session: to the login page.
    Inloggen,
    /// A form without the session's CSRF token (an old page, or another site).
    Verlopen(Taal),
    Verboden(Taal),
    NietGevonden(Taal),
    Ongeldig(Taal, String),
    /// The database is away for a moment (a restart): try again shortly.
    Onbeschikbaar(Taal),
    Intern(Taal),
}

impl Fout {
    pub fn from_api(e: ApiError, taal: Taal) -> Fout {
        match e {
            ApiError::Unauthenticated(_) => Fout::Inloggen,
            ApiError::Forbidden(_) | ApiError::Csrf => Fout::Verboden(taal),
            ApiError::NotFound(_) => Fout::NietGevonden(taal),
            ApiError::Invalid(m, p) | ApiError::BadRequest(m, p) => {
                let mut m = m;
                for ip in p {
                    m.push_str(&format!("; {}: {}", ip.name, ip.reason));
                }
                Fout::Ongeldig(taal, m)
            }
            ApiError::Unavailable(_) => Fout::Onbeschikbaar(taal),
            e => {
                tracing::error!(target: "leerrecht::http", "page failed: {e:?}");
                Fout::Intern(taal)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "fout.html")]
struct FoutPagina {
    k: Kader,
    kop: &'static str,
    tekst: String,
}

/// An error page's content, kept on the response so that [`met_kop`] can render it again
/// with the logged-in user's header and menu.
#[derive(Clone)]
struct FoutInhoud {
    kop: &'static str,
    tekst: String,
}

/// Gives an error page the header of the user who is logged in (name, menu, logout), so
/// that a refused page is not a dead end. Only error pages pay for the session look-up.
pub async fn met_kop(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (uri, headers) = (req.uri().clone(), req.headers().clone());
    let bron = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .cloned();
    let res = next.run(req).await;
    let Some(inhoud) = res.extensions().get::<FoutInhoud>().cloned() else {
        return res;
    };
    let (mut parts, ()) = axum::http::Request::builder()
        .uri(uri)
        .body(())
        .map(axum::http::Request::into_parts)
        .unwrap_or_else(|_| axum::http::Request::new(()).into_parts());
    parts.headers = headers;
    if let Some(b) = bron {
        parts.extensions.insert(b);
    }
    match Bezoeker::from_request_parts(&mut parts, &state).await {
        Ok(b) => {
            let status = res.status();
            let p = FoutPagina {
                k: b.kader(b.taal.s(inhoud.kop), ""),
                kop: b.taal.s(inhoud.kop),
                tekst: inhoud.tekst,
            };
            (status, html(p)).into_response()
        }
        Err(_) => res,
    }
}

impl IntoResponse for Fout {
    fn into_response(self) -> Response {
        let (status, taal, kop, tekst) = match self {
            Fout::Inloggen => return Redirect::to("/inloggen").into_response(),
            Fout::Verlopen(t) => (
                StatusCode::FORBIDDEN,
                t,
                "Er ging iets mis",
                t.s("Het formulier is verlopen: probeer het opnieuw.")
                    .to_string(),
            ),
            Fout::Verboden(t) => (
                StatusCode::FORBIDDEN,
                t,
                "Geen toegang",
                t.s("U mag deze pagina of deze jongere niet zien.")
                    .to_string(),
            ),
            Fout::NietGevonden(t) => (
                StatusCode::NOT_FOUND,
                t,
                "Niet gevonden",
                t.s("Deze pagina of jongere bestaat niet, of u mag hem niet zien.")
                    .to_string(),
            ),
            Fout::Ongeldig(t, m) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                t,
                "Controleer het formulier",
                m,
            ),
            Fout::Onbeschikbaar(t) => (
                StatusCode::SERVICE_UNAVAILABLE,
                t,
                "Tijdelijk niet beschikbaar",
                t.s("leerrecht kan de gegevens nu even niet bereiken. Probeer het over een minuut opnieuw; wat u invulde is niet vastgelegd.")
                    .to_string(),
            ),
            Fout::Intern(t) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                t,
                "Er ging iets mis",
                String::new(),
            ),
        };
        let inhoud = FoutInhoud {
            kop,
            tekst: tekst.clone(),
        };
        let p = FoutPagina {
            k: Kader::new(taal, taal.s(kop), None, ""),
            kop: taal.s(kop),
            tekst,
        };
        let mut r = (status, html(p)).into_response();
        r.extensions_mut().insert(inhoud);
        r
    }
}

/// Renders a page.
pub fn html<T: Template>(t: T) -> Response {
    match t.render() {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(target: "leerrecht::http", "template failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A form body, parsed; a malformed one is an invalid request.
pub fn formulier<T: DeserializeOwned>(body: &[u8], taal: Taal) -> Result<T, Fout> {
    serde_urlencoded::from_bytes(body).map_err(|e| Fout::Ongeldig(taal, e.to_string()))
}

/// Runs a use case and maps its failure to an error page.
pub async fn doe<T, F>(s: &AppState, taal: Taal, f: F) -> Result<T, Fout>
where
    T: Send + 'static,
    F: FnOnce(&leerrecht_app::App) -> Result<T, AppError> + Send + 'static,
{
    s.run(f).await.map_err(|e| Fout::from_api(e, taal))
}

async fn start(b: Result<Bezoeker, Fout>) -> Redirect {
    match b {
        Ok(b) if b.rol().is_some_and(|r| r.sees_persons()) => Redirect::to("/werklijst"),
        Ok(b) if b.rol() == Some(Rol::Beheer) => Redirect::to("/beheer"),
        Ok(_) => Redirect::to("/rapportages"),
        Err(_) => Redirect::to("/inloggen"),
    }
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// Where a redirect to a target the request named may go: the target itself when it is a
/// plain path of this site — it starts with one `/` (not `//` or `/\\`), is at most 2,000
/// characters, and holds only the printable ASCII characters a URL's path and query may
/// (no white space or control character, no backslash, no quote or angle bracket; the
/// rest percent-encoded) —, and `/` otherwise. Every redirect to a target taken from a
/// request goes through here, so none leaves the site and none fails to become a header.
pub fn veilig_pad(doel: &str) -> &str {
    let veilig = |c: u8| c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&c);
    let b = doel.as_bytes();
    let goed = b.len() <= 2000
        && b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/' | b'\\'))
        && b.iter().all(|&c| veilig(c));
    if goed {
        doel
    } else {
        "/"
    }
}

/// Switches the language (a cookie for a year) and goes back to the page one came from. The
/// query is read leniently: a malformed one goes back to the start page.
async fn taal(
    axum::extract::Path(code): axum::extract::Path<String>,
    uri: axum::http::Uri,
) -> Response {
    let taal = Taal::from_code(&code).unwrap_or_default();
    let terug = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "terug")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    // Only back to a page of this site.
    let mut r = Redirect::to(veilig_pad(&terug)).into_response();
    crate::cookies::zet(&mut r, &crate::cookies::taal(TAAL_COOKIE, taal.code()));
    r
}

/// A redirect after a successful write, to the page that shows it (a path of this site).
pub fn terug_naar(pad: &str) -> Response {
    Redirect::to(veilig_pad(pad)).into_response()
}

#[cfg(test)]
mod tests {
    use super::veilig_pad;

    #[test]
    fn redirects_stay_on_the_site() {
        for goed in [
            "/",
            "/werklijst",
            "/jongeren/0123abcd?ok=1",
            "/rapportages/peildatum?datums=01-10-2025&formaat=html",
            "/zoeken?naam=de%20Vries",
        ] {
            assert_eq!(veilig_pad(goed), goed);
        }
        for fout in [
            "",
            "werklijst",
            "//127.0.0.1:38999/index.html",
            "/\\127.0.0.1",
            "/\t/127.0.0.1:38999/index.html",
            "/\n/x",
            "/a\r\nSet-Cookie: x=1",
            "/ /x",
            "/a\\b",
            "https://example.org/",
            "javascript:alert(1)",
            "/\"><x",
            "/caf\u{e9}",
        ] {
            assert_eq!(veilig_pad(fout), "/", "{fout:?}");
        }
        assert_eq!(veilig_pad(&format!("/{}", "a".repeat(2000))), "/");
    }
}
