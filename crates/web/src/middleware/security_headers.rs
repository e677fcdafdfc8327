//! Security headers on every response. The API serves JSON only, so its content security
//! policy allows nothing at all; a page may load the site's own style sheet and images, and
//! post its forms to the site itself, and runs no script. Answers hold personal data, so
//! nothing may be cached unless a handler said otherwise (the style sheet). HSTS only when
//! the server is configured as sitting behind a TLS proxy.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Adds the headers; `hsts` says whether answers reach the browser over TLS (the server
/// sits behind a TLS proxy, `[server] achter_tls_proxy`), the only case where
/// `Strict-Transport-Security` means something.
pub async fn security_headers(State(hsts): State<bool>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    let page = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A handler may set a policy of its own, stricter in all else (the printable report
    // allows its own style sheet by its hash); every other answer gets the site's.
    let eigen = h.get(header::CONTENT_SECURITY_POLICY).cloned();
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        if page {
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'"
        } else {
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        },
    );
    if let Some(eigen) = eigen {
        h.insert(header::CONTENT_SECURITY_POLICY, eigen);
    }
    if hsts {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    // Nothing to other sites; the site itself gets the page a form came from, and the
    // browser a real `Origin` on the site's own forms (with `no-referrer` it sends
    // `Origin: null`), which the login form checks.
    set(h, header::REFERRER_POLICY, "same-origin");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    res
}
