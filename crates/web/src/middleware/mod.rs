//! HTTP concerns as small layers, each in its own file: security headers, the API-Version
//! header, request ids, the access log with metrics, and the request timeout.

pub mod access_log;
pub mod api_version;
pub mod request_id;
pub mod security_headers;
pub mod timeout;
