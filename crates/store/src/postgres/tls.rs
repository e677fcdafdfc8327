//! TLS to PostgreSQL: the database URL's `sslmode` and `sslrootcert`, read as libpq reads them,
//! on rustls (no system OpenSSL). Every connection leerrecht makes to PostgreSQL — the store's
//! pool, backup, restore, dump and migrations — is made through [`PgConnect`].
//!
//! | `sslmode` | TLS | the server's certificate |
//! |---|---|---|
//! | `disable` | never | — |
//! | `prefer` (default) | when the server offers it | not checked |
//! | `require` | always | not checked; with `sslrootcert` as `verify-ca` |
//! | `verify-ca` | always | signed by a CA of `sslrootcert` |
//! | `verify-full` | always | signed by a CA of `sslrootcert` and issued for the host |
//!
//! `sslrootcert=FILE` names a PEM file with the trusted CA certificates;
//! `sslrootcert=system` trusts the system's CAs (its certificate files, `SSL_CERT_FILE` or
//! `SSL_CERT_DIR`), and, as with libpq, only with `verify-full`. leerrecht reads no
//! `~/.postgresql/root.crt`: verification is asked for in the URL or not at all.

use std::fmt;
use std::sync::Arc;

use ::postgres::{Client, Config};
use r2d2_postgres::PostgresConnectionManager;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::{Result, StoreError};

/// The TLS connector every PostgreSQL connection uses.
pub(crate) type Tls = MakeRustlsConnect;

/// How much TLS a URL asks for (`sslmode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(StoreError::Tls(format!(
                    "sslmode={other} is not supported: use disable, prefer, require, verify-ca or verify-full"
                )))
            }
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    /// The mode the driver knows: it only decides whether TLS is used; the checks of the
    /// certificate are the verifier's.
    fn driver(self) -> &'static str {
        match self {
            SslMode::Disable => "sslmode=disable",
            SslMode::Prefer => "sslmode=prefer",
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => "sslmode=require",
        }
    }
}

/// What is checked of the server's certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    Nothing,
    Chain,
    ChainAndName,
}

/// Where the trusted CAs come from (`sslrootcert`).
#[derive(Clone, Debug)]
enum Roots {
    File(String),
    System,
}

impl fmt::Display for Roots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Roots::File(path) => write!(f, "sslrootcert={path}"),
            Roots::System => f.write_str("the system's trusted CAs (sslrootcert=system)"),
        }
    }
}

/// A database URL's connection settings with its TLS set up: makes connections and explains
/// their failures.
#[derive(Clone)]
pub struct PgConnect {
    config: Config,
    tls: Tls,
    mode: SslMode,
    roots: Option<Roots>,
}

impl PgConnect {
    /// Reads a `postgres://` URL, with its `sslmode` and `sslrootcert`.
    pub fn new(url: &str) -> Result<Self> {
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (url, None),
        };
        let mut mode = SslMode::Prefer;
        let mut roots = None;
        let mut rest = Vec::new();
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => mode = SslMode::parse(&percent_decode(value))?,
                "sslrootcert" => {
                    let v = percent_decode(value);
                    roots = Some(if v == "system" {
                        Roots::System
                    } else {
                        Roots::File(v)
                    });
                }
                "sslcert" | "sslkey" | "sslpassword" | "sslcrl" | "sslcrldir" => {
                    return Err(StoreError::Tls(format!(
                        "{key} is not supported: leerrecht logs in with a password, not a client certificate"
                    )))
                }
                _ => rest.push(pair),
            }
        }
        let check = match (mode, &roots) {
            (SslMode::Disable | SslMode::Prefer, _) | (SslMode::Require, None) => Check::Nothing,
            (SslMode::Require | SslMode::VerifyCa, Some(Roots::System)) => {
                return Err(StoreError::Tls(format!(
                    "sslmode={} may not be used with sslrootcert=system: any certificate a public CA issued would do; use sslmode=verify-full",
                    mode.as_str()
                )))
            }
            (SslMode::Require | SslMode::VerifyCa, Some(_)) => Check::Chain,
            (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
                return Err(StoreError::Tls(format!(
                    "sslmode={} needs the CA to trust: add sslrootcert=FILE (a PEM file with the CA's certificate) or sslrootcert=system",
                    mode.as_str()
                )))
            }
            (SslMode::VerifyFull, Some(_)) => Check::ChainAndName,
        };
        rest.push(mode.driver());
        let driver_url = format!("{base}?{}", rest.join("&"));
        let config: Config = driver_url.parse()?;
        let root_store = match (&roots, check) {
            (_, Check::Nothing) | (None, _) => RootCertStore::empty(),
            (Some(r), _) => load_roots(r)?,
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = Arc::new(Verifier {
            check,
            roots: Arc::new(root_store),
            provider: provider.clone(),
        });
        let mut tls_config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| StoreError::Tls(format!("cannot set up TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        // PostgreSQL 17 checks the protocol name when it is given; older servers ignore it.
        tls_config.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(PgConnect {
            config,
            tls: MakeRustlsConnect::new(tls_config),
            mode,
            roots,
        })
    }

    /// The `sslmode` the URL asks for (`prefer` when it says none).
    pub fn mode(&self) -> SslMode {
        self.mode
    }

    /// One connection, its failure explained.
    pub fn connect(&self) -> Result<Client> {
        self.config
            .connect(self.tls.clone())
            .map_err(|e| self.explain(e))
    }

    /// A pool's connection manager with these settings.
    pub(crate) fn manager(&self) -> PostgresConnectionManager<Tls> {
        PostgresConnectionManager::new(self.config.clone(), self.tls.clone())
    }

    /// Turns a failure of TLS into a message that says what is wrong; other failures pass.
    fn explain(&self, e: ::postgres::Error) -> StoreError {
        let hosts = self.hosts();
        if let Some(tls) = rustls_error(&e) {
            let why = match tls {
                rustls::Error::InvalidCertificate(c) => self.certificate(c, &hosts),
                other => format!("the TLS handshake with {hosts} failed: {other}"),
            };
            return StoreError::Tls(why);
        }
        let cause = std::error::Error::source(&e).map(|c| c.to_string());
        let tls_failed = e.to_string().starts_with("error performing TLS handshake");
        if tls_failed && cause.as_deref() == Some("server does not support TLS") {
            return StoreError::Tls(format!(
                "the server at {hosts} does not offer TLS, but the URL asks for sslmode={}: turn ssl on in the PostgreSQL server",
                self.mode.as_str()
            ));
        }
        if tls_failed {
            return StoreError::Tls(format!(
                "the TLS handshake with {hosts} failed: {}",
                cause.unwrap_or_else(|| e.to_string())
            ));
        }
        StoreError::Postgres(e)
    }

    fn certificate(&self, c: &CertificateError, hosts: &str) -> String {
        let roots = self
            .roots
            .as_ref()
            .map_or_else(|| "no CA".to_string(), |r| r.to_string());
        let what = match c {
            CertificateError::UnknownIssuer => {
                format!("is not trusted: no CA in {roots} signed it")
            }
            CertificateError::BadSignature => {
                format!("is not trusted: its signature does not match a CA in {roots}")
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!(
                    "is not valid for the host name {} (sslmode=verify-full)",
                    self.host_names()
                )
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "has expired".to_string()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "is not valid yet".to_string()
            }
            CertificateError::Revoked => "has been revoked".to_string(),
            other => format!("is not accepted: {other:?}"),
        };
        format!("the certificate of the PostgreSQL server at {hosts} {what}")
    }

    fn host_names(&self) -> String {
        let names: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|h| match h {
                ::postgres::config::Host::Tcp(name) => name.clone(),
                ::postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        names.join(", ")
    }

    fn hosts(&self) -> String {
        let ports = self.config.get_ports();
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
                match h {
                    ::postgres::config::Host::Tcp(name) => format!("{name}:{port}"),
                    ::postgres::config::Host::Unix(path) => path.display().to_string(),
                }
            })
            .collect();
        if hosts.is_empty() {
            "localhost:5432".to_string()
        } else {
            hosts.join(", ")
        }
    }
}

/// Connects to the database a `postgres://` URL names, honouring its TLS settings.
pub fn connect(url: &str) -> Result<Client> {
    PgConnect::new(url)?.connect()
}

fn rustls_error(e: &::postgres::Error) -> Option<&rustls::Error> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = next {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(r) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return Some(r);
            }
        }
        next = err.source();
    }
    None
}

fn load_roots(roots: &Roots) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::File(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| StoreError::Tls(format!("cannot read sslrootcert={path}: {e}")))?;
            let mut n = 0;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| {
                    StoreError::Tls(format!("sslrootcert={path} is not a PEM file: {e}"))
                })?;
                store.add(cert).map_err(|e| {
                    StoreError::Tls(format!("sslrootcert={path} holds a bad certificate: {e}"))
                })?;
                n += 1;
            }
            if n == 0 {
                return Err(StoreError::Tls(format!(
                    "sslrootcert={path} holds no certificate (BEGIN CERTIFICATE)"
                )));
            }
        }
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(StoreError::Tls(
                    "sslrootcert=system: no trusted CA found on this system (install ca-certificates, or set SSL_CERT_FILE)".into(),
                ));
            }
        }
    }
    Ok(store)
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks the server's certificate as the `sslmode` asks; the handshake's signatures are
/// always checked against the certificate the server showed.
#[derive(Debug)]
struct Verifier {
    check: Check,
    roots: Arc<RootCertStore>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if self.check == Check::Nothing {
            return Ok(ServerCertVerified::assertion());
        }
        let cert = ParsedCertificate::try_from(end_entity)?;
        verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.provider.signature_verification_algorithms.all,
        )?;
        if self.check == Check::ChainAndName {
            verify_server_name(&cert, server_name)?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(url: &str) -> String {
        match PgConnect::new(url) {
            Ok(_) => panic!("{url} was accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn modes_are_read_from_the_url() {
        let base = "postgres://u@db.example:5432/x";
        assert_eq!(PgConnect::new(base).unwrap().mode(), SslMode::Prefer);
        for (q, m) in [
            ("disable", SslMode::Disable),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
        ] {
            let c = PgConnect::new(&format!("{base}?sslmode={q}&connect_timeout=3")).unwrap();
            assert_eq!(c.mode(), m);
            assert_eq!(c.config.get_connect_timeout().map(|d| d.as_secs()), Some(3));
        }
        let c = PgConnect::new(&format!("{base}?sslmode=verify-full&sslrootcert=system"));
        // A system without CAs says so; one with them accepts the URL.
        match c {
            Ok(c) => assert_eq!(c.mode(), SslMode::VerifyFull),
            Err(e) => assert!(e.to_string().contains("no trusted CA"), "{e}"),
        }
    }

    #[test]
    fn unclear_tls_settings_are_refused() {
        let base = "postgres://u@db.example/x";
        assert!(err(&format!("{base}?sslmode=allow")).contains("sslmode=allow is not supported"));
        assert!(err(&format!("{base}?sslmode=verify-full")).contains("needs the CA to trust"));
        assert!(err(&format!("{base}?sslmode=verify-ca")).contains("needs the CA to trust"));
        assert!(err(&format!("{base}?sslmode=require&sslrootcert=system"))
            .contains("may not be used with sslrootcert=system"));
        assert!(err(&format!(
            "{base}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"
        ))
        .contains("cannot read sslrootcert=/nonexistent/ca.pem"));
        assert!(err(&format!("{base}?sslcert=/x/client.pem")).contains("sslcert is not supported"));
    }

    #[test]
    fn a_root_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leeg ca.pem");
        std::fs::write(&path, "geen certificaat\n").unwrap();
        let encoded = path.display().to_string().replace(' ', "%20");
        let e = err(&format!(
            "postgres://u@db.example/x?sslmode=verify-full&sslrootcert={encoded}"
        ));
        assert!(e.contains("holds no certificate"), "{e}");
        assert!(e.contains("leeg ca.pem"), "{e}");
    }
}
