//! The one error type of the HTTP layer, mapped once to `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail`, and for invalid input the extension member
//! `invalidParams` listing each field (or batch row and column) with its reason. Server-side
//! failures are logged in full under the request id and answered generically.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leerrecht_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field: where (`rijen[3].datum`, `van`) and why.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InvalidParam {
    pub name: String,
    pub reason: String,
}

/// An error as RFC 9457 problem details. Invalid input adds the extension member
/// `invalidParams`: a list of `{name, reason}`, one per invalid field or batch row.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

#[derive(Debug)]
pub enum ApiError {
    /// No or an unknown credential (401).
    Unauthenticated(String),
    /// A cookie-authenticated write without the session's CSRF token (403).
    Csrf,
    Forbidden(String),
    NotFound(String),
    /// The request itself is malformed: JSON, a header, a query parameter (400).
    BadRequest(String, Vec<InvalidParam>),
    /// Well-formed but invalid content: field or row errors (422).
    Invalid(String, Vec<InvalidParam>),
    Conflict(String),
    TooManyRequests(String),
    Locked(String),
    PayloadTooLarge,
    UnsupportedMediaType,
    MethodNotAllowed,
    /// The store cannot be reached, or the request took too long (503).
    Unavailable(String),
    /// Anything else: logged, answered without detail (500).
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Csrf | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(..) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Locked(_) => StatusCode::LOCKED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// One invalid field, as a 422.
    pub fn field(name: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ApiError::Invalid(
            format!("{name}: {reason}"),
            vec![InvalidParam {
                name: name.into(),
                reason,
            }],
        )
    }

    /// One invalid query parameter or header, as a 400.
    pub fn param(name: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ApiError::BadRequest(
            format!("{name}: {reason}"),
            vec![InvalidParam {
                name: name.into(),
                reason,
            }],
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Forbidden(m) => ApiError::Forbidden(m),
            AppError::NotFound(m) => ApiError::NotFound(m),
            AppError::Locked(m) => ApiError::Locked(m),
            // The app names the field before the first colon ("per: …", "tekst: leeg").
            AppError::Invalid(m) => match m.split_once(": ") {
                Some((name, reason))
                    if !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
                {
                    ApiError::field(name, reason)
                }
                _ => ApiError::Invalid(m, Vec::new()),
            },
            AppError::Store(e) if e.is_unavailable() => {
                tracing::warn!(target: "leerrecht::http", "database unavailable: {e}");
                ApiError::Unavailable("de database is tijdelijk niet bereikbaar".into())
            }
            e => ApiError::Internal(e.to_string()),
        }
    }
}

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Ongeldig verzoek",
        401 => "Niet ingelogd",
        403 => "Geen toegang",
        404 => "Niet gevonden",
        405 => "Methode niet toegestaan",
        409 => "Conflict",
        413 => "Verzoek te groot",
        415 => "Mediatype niet ondersteund",
        422 => "Ongeldige invoer",
        423 => "Geblokkeerd",
        429 => "Te veel verzoeken",
        503 => "Tijdelijk niet beschikbaar",
        _ => "Interne fout",
    }
}

/// The problem body with its `invalidParams`, as sent.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(flatten)]
    problem: &'a Problem,
    #[serde(rename = "invalidParams", skip_serializing_if = "<[_]>::is_empty")]
    invalid_params: &'a [InvalidParam],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (detail, params) = match self {
            ApiError::Unauthenticated(m) => (m, Vec::new()),
            ApiError::Csrf => (
                "schrijven met een sessiecookie vraagt de header X-CSRF-Token van de sessie".into(),
                Vec::new(),
            ),
            ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::TooManyRequests(m)
            | ApiError::Locked(m) => (m, Vec::new()),
            ApiError::BadRequest(m, p) | ApiError::Invalid(m, p) => (m, p),
            ApiError::PayloadTooLarge => (
                "het verzoek is groter dan de server aanneemt".into(),
                Vec::new(),
            ),
            ApiError::UnsupportedMediaType => {
                ("stuur de inhoud als application/json".into(), Vec::new())
            }
            ApiError::MethodNotAllowed => {
                ("deze methode kan niet op deze resource".into(), Vec::new())
            }
            ApiError::Unavailable(m) => {
                tracing::warn!(reason = %scrub_numbers(&m), "unavailable");
                (
                    "probeer het over enkele ogenblikken opnieuw".into(),
                    Vec::new(),
                )
            }
            ApiError::Internal(m) => {
                tracing::error!(reason = %scrub_numbers(&m), "internal error");
                (
                    "er ging iets mis aan onze kant; het is vastgelegd onder het request-id".into(),
                    Vec::new(),
                )
            }
        };
        problem_response(status, detail, &params)
    }
}

/// A reason for the log with every run of 8 or more digits masked: a database's own message
/// can quote the row it refused (PostgreSQL's `DETAIL: Key (bsn)=(…)`), and a BSN or
/// onderwijsnummer must never reach the log.
pub fn scrub_numbers(m: &str) -> String {
    let mut out = String::with_capacity(m.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 8 {
            out.extend(std::iter::repeat_n('#', digits.len()));
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in m.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// A problem+json response.
pub fn problem_response(status: StatusCode, detail: String, params: &[InvalidParam]) -> Response {
    let p = Problem {
        kind: "about:blank".into(),
        title: title(status).into(),
        status: status.as_u16(),
        detail,
        instance: None,
    };
    let body = serde_json::to_vec(&Body {
        problem: &p,
        invalid_params: params,
    })
    .unwrap_or_default();
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"leerrecht\""),
        );
    }
    r
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::scrub_numbers;

    #[test]
    fn person_numbers_never_reach_the_log() {
        assert_eq!(
            scrub_numbers(
                "db error: ERROR: duplicate key\nDETAIL: Key (bsn)=(123456782) already exists."
            ),
            "db error: ERROR: duplicate key\nDETAIL: Key (bsn)=(#########) already exists."
        );
        assert_eq!(
            scrub_numbers("row 1234567 of 2024-10-07"),
            "row 1234567 of 2024-10-07"
        );
        assert_eq!(scrub_numbers("12345678"), "########");
    }
}
