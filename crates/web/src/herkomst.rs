//! Whether a form was sent from this site: the login form has no session (so no CSRF token)
//! yet, and another site's page must not log a browser in under its own account (login
//! CSRF). A browser names the page's origin in `Origin` on every cross-site POST; when it
//! leaves it out, `Referer` tells. The origin must be the configured one
//! (`[server] origin`), or else name the host of the request's own `Host` header.

use axum::http::header;
use axum::http::request::Parts;

/// `Some(true)` when the request's `Origin` (or, without it, `Referer`) is this site,
/// `Some(false)` when it is another site or `null`, `None` when it sent neither (not a
/// browser's cross-site form: browsers send `Origin` with every cross-site POST).
pub fn van_deze_site(parts: &Parts, origin: Option<&str>) -> Option<bool> {
    let kop = |h| parts.headers.get(h).map(|v| v.to_str().unwrap_or("null"));
    let herkomst = match (kop(header::ORIGIN), kop(header::REFERER)) {
        (Some(o), _) => o.trim().to_string(),
        (None, Some(r)) => oorsprong_van(r.trim()),
        (None, None) => return None,
    };
    let herkomst = herkomst.trim_end_matches('/');
    Some(match origin {
        Some(o) => herkomst.eq_ignore_ascii_case(o.trim_end_matches('/')),
        None => {
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .or_else(|| parts.uri.authority().map(|a| a.as_str()));
            match (herkomst.split_once("://"), host) {
                (Some((scheme, authority)), Some(host)) => {
                    matches!(scheme, "http" | "https")
                        && !host.is_empty()
                        && authority.eq_ignore_ascii_case(host.trim())
                }
                _ => false,
            }
        }
    })
}

/// The origin (`scheme://host[:port]`) of a URL; the URL itself when it has no path.
fn oorsprong_van(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            format!("{scheme}://{authority}")
        }
        None => "null".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::van_deze_site;

    fn parts(headers: &[(&str, &str)]) -> axum::http::request::Parts {
        let mut b = axum::http::Request::builder().uri("/inloggen");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_origin_must_be_this_site() {
        let host = ("host", "127.0.0.1:8080");
        let eigen = ("origin", "http://127.0.0.1:8080");
        assert_eq!(van_deze_site(&parts(&[host, eigen]), None), Some(true));
        for o in [
            "http://evil.example",
            "null",
            "http://127.0.0.1:8081",
            "file://",
        ] {
            assert_eq!(
                van_deze_site(&parts(&[host, ("origin", o)]), None),
                Some(false),
                "{o}"
            );
        }
        let referer = |r| parts(&[host, ("referer", r)]);
        assert_eq!(
            van_deze_site(&referer("http://127.0.0.1:8080/inloggen?x=1"), None),
            Some(true)
        );
        assert_eq!(
            van_deze_site(&referer("http://127.0.0.1:8080.evil.example/"), None),
            Some(false)
        );
        assert_eq!(van_deze_site(&parts(&[host]), None), None);
        // Behind a proxy that passes another Host, the configured origin counts.
        let proxy = parts(&[host, ("origin", "https://leerrecht.example.nl")]);
        assert_eq!(
            van_deze_site(&proxy, Some("https://leerrecht.example.nl")),
            Some(true)
        );
        assert_eq!(van_deze_site(&proxy, None), Some(false));
        assert_eq!(
            van_deze_site(&parts(&[host, eigen]), Some("https://leerrecht.example.nl")),
            Some(false)
        );
    }
}
