//! The cookies the server sets, built by the `cookie` crate: the session (for the pages on the
//! whole site, for the API under `/api/v1`) and the language of the pages. Reading a request's
//! cookies is [`crate::auth::cookie`].

use axum::http::{header, HeaderValue};
use axum::response::Response;
use cookie::{Cookie, SameSite};

use crate::auth::COOKIE;

/// Where a session cookie is sent: the pages log in for the whole site, the API's login
/// (`POST /api/v1/sessies`) for the API alone.
#[derive(Clone, Copy, Debug)]
pub enum Bereik {
    Site,
    Api,
}

impl Bereik {
    fn pad(self) -> &'static str {
        match self {
            Bereik::Site => "/",
            Bereik::Api => "/api/v1",
        }
    }
}

/// The session cookie: HttpOnly, Secure, SameSite=Strict, alive as long as a session may be.
pub fn sessie(token: &str, bereik: Bereik) -> Cookie<'static> {
    beschermd(token.to_string(), bereik)
        .max_age(cookie::time::Duration::seconds(
            leerrecht_app::toegang::auth::SESSIE_MAX.num_seconds(),
        ))
        .build()
}

/// The cookie that removes the session cookie from the browser.
pub fn sessie_weg(bereik: Bereik) -> Cookie<'static> {
    beschermd(String::new(), bereik).removal().build()
}

/// The session cookie's name, scope and protections, which setting and removing share: a
/// browser removes a cookie only when its name and path match the one it holds.
fn beschermd(waarde: String, bereik: Bereik) -> cookie::CookieBuilder<'static> {
    Cookie::build((COOKIE, waarde))
        .path(bereik.pad())
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
}

/// The cookie that binds a single sign-on login under way to this browser: sent back with
/// the provider's redirect (SameSite=Lax, a top-level GET from the provider's site), only to
/// the paths of that login, for as long as the login may take.
pub fn sso_binding(naam: &'static str, waarde: &str) -> Cookie<'static> {
    Cookie::build((naam, waarde.to_string()))
        .path("/inloggen/oidc")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(
            leerrecht_app::toegang::sso::AANVRAAG_GELDIG.num_seconds(),
        ))
        .build()
}

/// The cookie that removes [`sso_binding`]'s cookie `naam`.
pub fn sso_binding_weg(naam: &'static str) -> Cookie<'static> {
    Cookie::build((naam, ""))
        .path("/inloggen/oidc")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .removal()
        .build()
}

/// Which identity provider the session's login came through, so that logging out ends the
/// provider's session too. It only decides where the browser goes after logging out.
pub fn sso_aanbieder(n: Option<usize>) -> Cookie<'static> {
    let b = Cookie::build((SSO_AANBIEDER, n.map(|n| n.to_string()).unwrap_or_default()))
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict);
    match n {
        Some(_) => b
            .max_age(cookie::time::Duration::seconds(
                leerrecht_app::toegang::auth::SESSIE_MAX.num_seconds(),
            ))
            .build(),
        None => b.removal().build(),
    }
}

/// The name of [`sso_aanbieder`]'s cookie.
pub const SSO_AANBIEDER: &str = "leerrecht_sso";

/// The language of the pages, kept for a year.
pub fn taal(naam: &'static str, code: &str) -> Cookie<'static> {
    Cookie::build((naam, code.to_string()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build()
}

/// Sets `c` on the response.
pub fn zet(r: &mut Response, c: &Cookie<'_>) {
    // A cookie built here holds only characters a header may carry.
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_carries_its_protections_and_scope() {
        let c = sessie("lrs_abc", Bereik::Api).to_string();
        for flag in [
            "leerrecht_sessie=lrs_abc",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
        ] {
            assert!(c.contains(flag), "{c}");
        }
        assert!(c.contains("Path=/api/v1"), "{c}");
        let weg = sessie_weg(Bereik::Site).to_string();
        assert!(weg.contains("Max-Age=0") && weg.contains("Path=/"), "{weg}");
        assert!(weg.starts_with("leerrecht_sessie=;"), "{weg}");
    }
}
