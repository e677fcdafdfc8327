//! The request id: the client's `X-Request-Id` when it is a UUID or a short token of safe
//! characters (`[A-Za-z0-9._-]{1,64}` without a run of eight or more digits, which could be
//! a BSN), else a fresh UUID. The id goes into the access log and back in the answer, so a
//! value that could forge a log line, flood it, or carry a person's number never gets there.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::{MakeRequestId, MakeRequestUuid};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether `id` is a UUID in its usual form (8-4-4-4-12 hexadecimal digits).
fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// Whether a client's request id may be used as it is.
pub fn acceptabel(id: &str) -> bool {
    is_uuid(id) || {
        let b = id.as_bytes();
        (1..=64).contains(&b.len())
            && b.iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
            && b.split(|c| !c.is_ascii_digit()).all(|run| run.len() < 8)
    }
}

pub async fn request_id(mut req: Request, next: Next) -> Response {
    let gegeven = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptabel(v))
        .and_then(|v| HeaderValue::from_str(v).ok());
    let id = gegeven
        .or_else(|| {
            MakeRequestUuid
                .make_request_id(&req)
                .map(|r| r.header_value().clone())
        })
        .unwrap_or_else(|| HeaderValue::from_static("-"));
    req.headers_mut().insert(REQUEST_ID, id.clone());
    let mut res = next.run(req).await;
    res.headers_mut().insert(REQUEST_ID, id);
    res
}

#[cfg(test)]
mod tests {
    use super::acceptabel;

    #[test]
    fn only_uuids_and_short_safe_tokens_are_kept() {
        for goed in [
            "abc-123",
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "12345678-1234-4234-8234-123456789012",
            "req.42_b",
            "x",
            &"a".repeat(64),
        ] {
            assert!(acceptabel(goed), "{goed}");
        }
        for fout in [
            "",
            "abc status=200 route=/fake method=FAKE",
            "abc\tstatus=200",
            "a\"b",
            "a=b",
            &"a".repeat(65),
            &"x".repeat(8000),
            "123456782",
            "bsn-123456782",
            "12345678",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
            "67e5504410b1426f9247bb680e5fe0c8123456782",
        ] {
            assert!(!acceptabel(fout), "{fout}");
        }
    }
}
