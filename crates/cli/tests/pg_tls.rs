//! TLS to PostgreSQL: a throwaway cluster that takes connections only over TLS, with a CA and
//! a server certificate for `localhost` and `127.0.0.1` made here, and the real `leerrecht`
//! process connecting to it as the database URL's `sslmode` and `sslrootcert` ask. A
//! certificate from another CA or for another host is refused with a message that says so and
//! exit code 1; `sslmode=require` against a server without TLS (the shared, plain cluster)
//! fails clearly.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use leerrecht_testkit::PgCluster;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use support::*;

/// A CA: its certificate (PEM) and what signs with it.
fn ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

/// The TLS cluster and the files of the two CAs: the one that signed the server's
/// certificate and another one.
struct Tls {
    cluster: PgCluster,
    _dir: tempfile::TempDir,
    ca: PathBuf,
    other_ca: PathBuf,
}

fn tls() -> &'static Tls {
    static TLS: OnceLock<Tls> = OnceLock::new();
    TLS.get_or_init(|| {
        let (ca_pem, issuer) = ca("leerrecht test CA");
        let (other_pem, _) = ca("another CA");
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let key = KeyPair::generate().unwrap();
        let server = params.signed_by(&key, &issuer).unwrap();
        let cluster = PgCluster::start_tls(&server.pem(), &key.serialize_pem());
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        let other_ca = dir.path().join("andere ca.pem");
        std::fs::write(&ca, ca_pem).unwrap();
        std::fs::write(&other_ca, other_pem).unwrap();
        Tls {
            cluster,
            _dir: dir,
            ca,
            other_ca,
        }
    })
}

/// A fresh database of the TLS cluster, as `postgres://postgres@HOST:PORT/NAME`.
fn fresh(host: &str) -> String {
    let url = tls().cluster.fresh_database();
    url.replacen("127.0.0.1", host, 1)
}

/// The URL with these query options.
fn with(url: &str, options: &str) -> String {
    format!("{url}?{options}")
}

/// A path as a URL's option value.
fn value(p: &Path) -> String {
    p.display()
        .to_string()
        .replace('%', "%25")
        .replace(' ', "%20")
}

fn run_on(db: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    run(db, dir.path(), args)
}

/// The command fails with exit code 1 and a message that contains `says`.
fn refused(db: &str, args: &[&str], says: &str) -> String {
    let out = run_on(db, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{db}: {args:?} should fail with exit code 1:\n{stderr}"
    );
    assert!(
        stderr.contains(says),
        "{db}: expected {says:?} in:\n{stderr}"
    );
    println!("{stderr}");
    stderr
}

fn works(db: &str, args: &[&str]) -> String {
    let out = run_on(db, args);
    assert!(
        out.status.success(),
        "{db}: {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether the store's own connection for `url` is encrypted, as the server sees it.
fn encrypted(url: &str) -> bool {
    let mut c = leerrecht_store::postgres_tls::connect(url).unwrap();
    c.query_one(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        &[],
    )
    .unwrap()
    .get(0)
}

#[test]
fn verify_full_with_the_right_ca_connects_by_name_and_by_address() {
    let t = tls();
    for host in ["127.0.0.1", "localhost"] {
        let db = with(
            &fresh(host),
            &format!("sslmode=verify-full&sslrootcert={}", value(&t.ca)),
        );
        let out = works(&db, &["overzicht", "--format", "json"]);
        assert!(out.trim_start().starts_with('{'), "{out}");
        assert!(encrypted(&db), "{db}");
    }
}

#[test]
fn backup_and_restore_go_over_tls() {
    let t = tls();
    let verify = format!("sslmode=verify-full&sslrootcert={}", value(&t.ca));
    let src = with(&fresh("localhost"), &verify);
    let dst = with(&fresh("localhost"), &verify);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kopie.bak");
    ok(
        &src,
        dir.path(),
        &["demo", "--no-serve", "--scale", "tiny", "--seed", "3"],
    );
    let out = ok(&src, dir.path(), &["backup", file.to_str().unwrap()]);
    assert!(out.starts_with("backup geschreven"), "{out}");
    let out = ok(&dst, dir.path(), &["restore", file.to_str().unwrap()]);
    assert!(out.starts_with("teruggezet"), "{out}");
    let before = leerrecht_store::backup::dump(&src).unwrap();
    let after = leerrecht_store::backup::dump(&dst).unwrap();
    assert_eq!(differing_tables(&before, &after), Vec::<String>::new());
    assert!(
        before.values().any(|rows| !rows.is_empty()),
        "the demo wrote rows"
    );
}

#[test]
fn a_certificate_from_another_ca_is_not_trusted() {
    let t = tls();
    for mode in ["verify-full", "verify-ca", "require"] {
        let db = with(
            &fresh("localhost"),
            &format!("sslmode={mode}&sslrootcert={}", value(&t.other_ca)),
        );
        let stderr = refused(&db, &["overzicht"], "is not trusted");
        assert!(
            stderr.contains("andere ca.pem"),
            "names the CA file: {stderr}"
        );
    }
}

#[test]
fn a_certificate_for_another_host_is_refused_by_verify_full_only() {
    let t = tls();
    // The name the URL gives is not the one on the certificate; the address is the cluster's.
    let url = fresh("db.voorbeeld.nl");
    let root = format!("sslrootcert={}&hostaddr=127.0.0.1", value(&t.ca));
    let stderr = refused(
        &with(&url, &format!("sslmode=verify-full&{root}")),
        &["overzicht"],
        "is not valid for the host name db.voorbeeld.nl",
    );
    assert!(stderr.contains("TLS to PostgreSQL"), "{stderr}");
    // verify-ca checks the CA but not the name.
    works(
        &with(&url, &format!("sslmode=verify-ca&{root}")),
        &["overzicht"],
    );
}

#[test]
fn tls_is_used_by_default_and_the_server_refuses_plain_connections() {
    let url = fresh("127.0.0.1");
    // No sslmode: prefer, as libpq; this server takes nothing but TLS.
    works(&url, &["overzicht"]);
    assert!(encrypted(&url));
    works(&with(&url, "sslmode=require"), &["overzicht"]);
    refused(
        &with(&url, "sslmode=disable"),
        &["overzicht"],
        "no encryption",
    );
}

#[test]
fn require_against_a_server_without_tls_fails_clearly() {
    let plain = PgCluster::shared().fresh_database();
    let stderr = refused(
        &with(&plain, "sslmode=require"),
        &["overzicht"],
        "does not offer TLS",
    );
    assert!(stderr.contains("sslmode=require"), "{stderr}");
    let t = tls();
    refused(
        &with(
            &plain,
            &format!("sslmode=verify-full&sslrootcert={}", value(&t.ca)),
        ),
        &["overzicht"],
        "does not offer TLS",
    );
    // prefer falls back to a plain connection, as libpq does.
    works(&plain, &["overzicht"]);
    assert!(!encrypted(&plain));
}

#[test]
fn unclear_settings_are_refused_before_connecting() {
    let url = fresh("localhost");
    refused(
        &with(&url, "sslmode=verify-full"),
        &["overzicht"],
        "needs the CA to trust",
    );
    refused(
        &with(&url, "sslmode=verify-full&sslrootcert=/nergens/ca.pem"),
        &["overzicht"],
        "cannot read sslrootcert=/nergens/ca.pem",
    );
}
