//! Shared by the integration tests of the binary: running it, serving it, valid identifiers,
//! and comparing whole-database dumps.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use leerrecht_store::backup::Dump;
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_leerrecht");

/// The command on database `db`, with a fixed working directory and no settings file.
pub fn cmd(db: &str, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_remove("LEERRECHT_CONFIG")
        .env("LEERRECHT_DB", db)
        .args(args)
        .stdin(Stdio::null());
    c
}

/// Starts `leerrecht serve` on database `db` at a free port of 127.0.0.1, with `env` set and
/// its standard error to `stderr`. Returns the process and the server's origin
/// (`http://127.0.0.1:PORT`), read from the first line it prints.
pub fn serve(db: &str, env: &[(&str, &str)], stderr: Stdio) -> (Child, String) {
    serve_op(db, "127.0.0.1:0", env, stderr)
}

/// [`serve`] at the address `addr` (for a server whose origin its settings must name).
pub fn serve_op(db: &str, addr: &str, env: &[(&str, &str)], stderr: Stdio) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", addr])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start leerrecht serve");
    let line = eerste_regel(&mut child, "the server");
    let origin = line
        .trim()
        .strip_prefix("leerrecht: API on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches("/api/v1")
        .to_string();
    (child, origin)
}

/// The first line a child process prints on its piped standard output: that it is ready.
pub fn eerste_regel(child: &mut Child, wie: &str) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{wie}'s first line: {e}"));
    line
}

/// Runs `leerrecht --db DB ARGS…`, which must succeed; returns its standard output.
pub fn leerrecht(db: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run leerrecht");
    assert!(
        out.status.success(),
        "leerrecht {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Writes `contents` to the file `name` in `dir`; returns its path.
pub fn write_file(dir: &Path, name: &str, contents: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write a test file");
    path
}

/// Runs the command and returns its output, whatever its exit code.
pub fn run(db: &str, dir: &Path, args: &[&str]) -> Output {
    cmd(db, dir, args)
        .output()
        .expect("the leerrecht binary runs")
}

/// Runs the command, which must succeed; returns its standard output.
pub fn ok(db: &str, dir: &Path, args: &[&str]) -> String {
    let out = run(db, dir, args);
    assert!(
        out.status.success(),
        "leerrecht {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The crash tests' number of rounds (`LEERRECHT_CRASH_RONDES`, 2 by default) and their random
/// seed (`LEERRECHT_CRASH_SEED`, else from the clock; always odd), so that a failing run can
/// be repeated.
pub fn crash_rounds_and_seed() -> (u64, u64) {
    let env_u64 = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let rounds = env_u64("LEERRECHT_CRASH_RONDES").unwrap_or(2);
    let seed = env_u64("LEERRECHT_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
    }) | 1;
    (rounds, seed)
}

/// The `n`th valid BSN from `from` on (11-proef).
pub fn bsn(from: u32, n: usize) -> u32 {
    (from..)
        .filter(|&v| {
            let digits = format!("{v:09}");
            let sum: i64 = digits
                .bytes()
                .zip([9, 8, 7, 6, 5, 4, 3, 2, -1])
                .map(|(d, w)| i64::from(d - b'0') * w)
                .sum();
            sum.rem_euclid(11) == 0
        })
        .nth(n)
        .expect("a valid BSN exists")
}

/// The tables whose content differs between two dumps (`audit_log` left out: compare it
/// with [`audit_prefix`]).
pub fn differing_tables(a: &Dump, b: &Dump) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|t| !is_audit(t) && a.get(*t) != b.get(*t))
        .cloned()
        .collect()
}

/// The audit log and what is derived from it alone.
pub fn is_audit(table: &str) -> bool {
    matches!(table, "audit_log" | "audit_persoon" | "audit_geindexeerd") || table == "(sequences)"
}

/// The entries of the audit log of a dump, by sequence number.
pub fn audit_entries(d: &Dump) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = d
        .get("audit_log")
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let s = r.trim_start_matches('(');
                    let seq = s
                        .split(['|', ','])
                        .next()
                        .and_then(|v| v.parse().ok())
                        .expect("audit rows start with their sequence number");
                    (seq, r.clone())
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Whether every entry of `before` is in `after` unchanged, under the same number.
pub fn audit_prefix(before: &Dump, after: &Dump) -> bool {
    let a = audit_entries(before);
    let b = audit_entries(after);
    a.len() <= b.len() && a.iter().zip(&b).all(|(x, y)| x == y)
}

/// The actions (`actie`) of the audit entries of `after` that are not in `before`.
pub fn new_audit_actions(before: &Dump, after: &Dump) -> Vec<String> {
    let n = audit_entries(before).len();
    audit_entries(after)
        .into_iter()
        .skip(n)
        .map(|(_, r)| r)
        .collect()
}

/// A database with the tiny demo region (absence of 2024-2025), and what the demo printed
/// once: a login per role and the school's API token.
pub struct Demo {
    pub db: String,
    /// (username, password, TOTP secret or "-") per demo account.
    pub accounts: Vec<(String, String, String)>,
    pub token: String,
    _dir: Option<tempfile::TempDir>,
}

/// Fills `db` with the tiny demo region (absence of 2024-2025); returns what the demo printed.
pub fn tiny_demo(db: &str) -> String {
    leerrecht(
        db,
        &[
            "demo",
            "--no-serve",
            "--scale",
            "tiny",
            "--verzuim",
            "2024-2025",
        ],
    )
}

/// The tiny demo in `db`, opened as the local operator's commands open it.
pub fn tiny_demo_app(db: &str) -> leerrecht_app::App {
    tiny_demo(db);
    leerrecht_app::App::new(leerrecht_store::open(db).expect("open the demo"))
}

impl Demo {
    /// Fills `db` with the tiny demo; `dir` is kept as long as the demo (a SQLite file's).
    pub fn new(db: String, dir: Option<tempfile::TempDir>) -> Demo {
        let out = tiny_demo(&db);
        let mut accounts = Vec::new();
        let mut token = None;
        for line in out.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() == 5 && f[0].starts_with("demo.") {
                accounts.push((f[0].to_string(), f[3].to_string(), f[4].to_string()));
            }
            if let Some(t) = f.first().filter(|t| t.starts_with("lrt_")) {
                token = Some(t.to_string());
            }
        }
        Demo {
            db,
            accounts,
            token: token.expect("the demo prints a token"),
            _dir: dir,
        }
    }

    /// The tiny demo in a SQLite file of a temporary directory.
    pub fn sqlite() -> Demo {
        let dir = tempfile::TempDir::new().unwrap();
        let db = format!("sqlite://{}", dir.path().join("demo.db").display());
        Demo::new(db, Some(dir))
    }

    /// The tiny demo in a fresh database of the shared throwaway PostgreSQL cluster.
    pub fn postgres() -> Demo {
        Demo::new(
            leerrecht_testkit::PgCluster::shared().fresh_database(),
            None,
        )
    }

    /// The demo account of a role: (username, password, TOTP secret or "-").
    pub fn account(&self, rol: &str) -> (&str, &str, &str) {
        let a = self
            .accounts
            .iter()
            .find(|a| a.0 == format!("demo.{rol}"))
            .unwrap_or_else(|| panic!("no demo account for {rol}"));
        (&a.0, &a.1, &a.2)
    }

    /// The demo account of a role as owned strings: (username, password, TOTP secret or "-").
    pub fn account_owned(&self, rol: &str) -> (String, String, String) {
        let (naam, wachtwoord, geheim) = self.account(rol);
        (naam.to_string(), wachtwoord.to_string(), geheim.to_string())
    }

    /// Logs in over the API as the demo account of `rol` (with the current TOTP code when the
    /// account has a second factor); the answer, whatever its status.
    pub fn api_login(&self, c: &Client, base: &str, rol: &str) -> Response {
        let (user, pass, secret) = self.account(rol);
        api_login(c, base, user, pass, Some(secret).filter(|s| *s != "-"))
    }

    /// A pupil enrolled at the school of the demo's token on each of `days` (the days a test
    /// sends absence for), and that school.
    pub fn pupil_of_token_school(&self, days: &[&str]) -> (String, String) {
        let school = token_school(&leerrecht(&self.db, &["token", "list"]));
        let enrolled = |on: &str| {
            let csv = leerrecht(&self.db, &["jongeren", "--as-of", on, "--format", "csv"]);
            enrolled_at(&csv, &school)
        };
        let (first, rest) = days.split_first().expect("a day");
        let later: Vec<Vec<String>> = rest.iter().map(|d| enrolled(d)).collect();
        let pupil = enrolled(first)
            .into_iter()
            .find(|p| later.iter().all(|l| l.contains(p)))
            .expect("a pupil of the token's school");
        (pupil, school)
    }

    /// The app on the demo's database, as the local operator's commands use it.
    pub fn app(&self) -> leerrecht_app::App {
        leerrecht_app::App::new(leerrecht_store::open(&self.db).expect("open the database"))
    }
}

/// Adds the account `naam` of `rol` at the organisation `org` with `wachtwoord`, as the local
/// operator; returns its name and TOTP secret (empty for a role without a second factor).
pub fn account_toevoegen(
    app: &leerrecht_app::App,
    naam: &str,
    org: &str,
    rol: leerrecht_domain::org::Rol,
    wachtwoord: &str,
) -> (String, String) {
    let n = app
        .user_add_blijvend(
            &leerrecht_app::Actor::local_operator(),
            naam,
            org,
            rol,
            wachtwoord,
        )
        .unwrap();
    (naam.to_string(), n.totp_geheim.unwrap_or_default())
}

/// The code of the samenwerkingsverband of the school `school` among `orgs`.
pub fn swv_van(orgs: &[leerrecht_domain::org::Organisatie], school: &str) -> Option<String> {
    orgs.iter()
        .find(|o| o.code.as_str() == school)
        .and_then(|o| o.swv.as_ref())
        .map(|swv| swv.as_str().to_string())
}

/// The code of the organisation of `soort` among `orgs` that serves the gemeente `g`.
pub fn dienst_van(
    orgs: &[leerrecht_domain::org::Organisatie],
    soort: leerrecht_domain::org::OrgSoort,
    g: &leerrecht_domain::ids::GemeenteCode,
) -> Option<String> {
    orgs.iter()
        .find(|o| o.soort == soort && o.bedient.contains(g))
        .map(|o| o.code.as_str().to_string())
}

/// The string `veld` of every item of the JSON array `lijst`.
pub fn velden<'a>(lijst: &'a Value, veld: &str) -> Vec<&'a str> {
    lijst
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[veld].as_str().unwrap())
        .collect()
}

/// The school of an API token in what `leerrecht token list` printed: its first word of six
/// characters that begins with two digits.
pub fn token_school(token_list: &str) -> String {
    token_list
        .lines()
        .find_map(|l| {
            l.split_whitespace()
                .find(|w| w.len() == 6 && w[..2].chars().all(|c| c.is_ascii_digit()))
        })
        .expect("a token of a school")
        .to_string()
}

/// The pupils (BSN or onderwijsnummer) enrolled at `school` in what
/// `leerrecht jongeren --format csv` printed.
pub fn enrolled_at(jongeren_csv: &str, school: &str) -> Vec<String> {
    jongeren_csv
        .lines()
        .skip(1)
        .filter(|l| l.split(';').nth(7) == Some(school))
        .map(|l| l.split(';').next().unwrap().to_string())
        .collect()
}

/// The pupil of a browser scenario on a person's file, and the leerplicht bureau of their
/// gemeente: the first of the demo of duty age (a registration needs a duty), not on the
/// thuiszitters list yet (the demo's cases run up to today, so who is on it changes with the
/// date), enrolled at their school for more than 150 days (a registration may begin four
/// months ago) and living in a gemeente that a bureau serves.
pub fn leerling_met_bureau(
    app: &leerrecht_app::App,
) -> (
    leerrecht_app::register::queries::JongereOpDatum,
    leerrecht_domain::org::Organisatie,
) {
    use leerrecht_domain::org::OrgSoort;
    let op = leerrecht_app::Actor::local_operator();
    let today = chrono::Utc::now().date_naive();
    let orgs = app.organisaties(&op).unwrap();
    eerste_jongere(app, |j| {
        if j.plicht == leerrecht_domain::duty::DutyStatus::Geen
            || !app.registraties(&op, j.leerling).unwrap().is_empty()
        {
            return None;
        }
        let school = j.school.as_ref()?;
        let lang = app
            .opslag(&leerrecht_app::Actor::local_operator())
            .unwrap()
            .inschrijvingen_van(j.leerling)
            .unwrap()
            .iter()
            .any(|i| i.school == *school && (today - i.begindatum()).num_days() > 150);
        let bureau = orgs
            .iter()
            .find(|o| o.soort == OrgSoort::Leerplicht && o.bedient.contains(&j.gemeente))?;
        lang.then(|| (j.clone(), bureau.clone()))
    })
    .expect("the tiny demo has a pupil of duty age with a bureau")
}

/// The first person of the register today for whom `kies` gives a value, and that value.
pub fn eerste_jongere<T>(
    app: &leerrecht_app::App,
    mut kies: impl FnMut(&leerrecht_app::register::queries::JongereOpDatum) -> Option<T>,
) -> Option<T> {
    let op = leerrecht_app::Actor::local_operator();
    let mut gekozen = None;
    app.jongeren(&op, chrono::Utc::now().date_naive(), None, &mut |j| {
        if gekozen.is_none() {
            gekozen = kies(&j);
        }
        Ok(())
    })
    .unwrap();
    gekozen
}

/// A running `leerrecht serve` (logging at `info`) with its log, stopped (SIGTERM, then
/// waited for) when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Serves `db` with `env` set, at a free port of 127.0.0.1.
    pub fn start(db: &str, env: &[(&str, &str)]) -> Server {
        let mut env = env.to_vec();
        env.push(("LEERRECHT_LOG", "info"));
        let (mut child, base) = serve(db, &env, Stdio::piped());
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (mut err, l) = (child.stderr.take().expect("piped"), log.clone());
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 8192];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                l.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Server { child, base, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

// Over HTTP: logging in through the API.

/// `POST /api/v1/sessies` at the server `base` with a username, a password and, when a TOTP
/// secret is given, the current code of the authenticator app; the answer, whatever its status.
pub fn api_login(c: &Client, base: &str, user: &str, pass: &str, secret: Option<&str>) -> Response {
    let code =
        secret.map(|g| leerrecht_app::toegang::auth::current_totp(g, chrono::Utc::now()).unwrap());
    c.post(format!("{base}/api/v1/sessies"))
        .json(&json!({"gebruikersnaam": user, "wachtwoord": pass, "code": code}))
        .send()
        .unwrap()
}

/// The status and JSON body of an answer (`null` for an empty body).
pub fn json_of(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, v)
}

/// The session cookie an answer sets, as a request sends it back (`name=value`).
pub fn session_cookie(r: &Response) -> String {
    r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// A logged-in session of the API: its cookie and CSRF token.
pub struct ApiSessie {
    pub cookie: String,
    pub csrf: String,
}

impl ApiSessie {
    /// The session of a successful login (201), which the answer `r` must be.
    pub fn of(r: Response, wie: &str) -> ApiSessie {
        let st = r.status().as_u16();
        if st != 201 {
            panic!("login of {wie}: {st} {}", r.text().unwrap());
        }
        let cookie = session_cookie(&r);
        let v: Value = r.json().unwrap();
        ApiSessie {
            cookie,
            csrf: v["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    /// Logs in (see [`api_login`]), which must succeed.
    pub fn login(c: &Client, base: &str, user: &str, pass: &str, secret: Option<&str>) -> Self {
        ApiSessie::of(api_login(c, base, user, pass, secret), user)
    }
}

/// Two tests of one scenario `$scenario(db: String)` (a function or a closure): `$sqlite` on a
/// SQLite file `$file` in a temporary directory, `$postgres` on a fresh database of the shared
/// PostgreSQL cluster.
#[allow(unused_macros)]
macro_rules! on_both_databases {
    ($scenario:expr, $sqlite:ident($file:literal), $postgres:ident) => {
        #[test]
        fn $sqlite() {
            let dir = tempfile::tempdir().unwrap();
            ($scenario)(format!("sqlite://{}", dir.path().join($file).display()));
        }

        #[test]
        fn $postgres() {
            ($scenario)(leerrecht_testkit::PgCluster::shared().fresh_database());
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_databases;

/// Two tests of each scenario `$scenario(demo: Demo)`: `$sqlite` on the tiny demo in SQLite,
/// `$postgres` on the tiny demo in PostgreSQL.
#[allow(unused_macros)]
macro_rules! on_both_demos {
    ($($scenario:path: $sqlite:ident, $postgres:ident;)+) => {
        $(
            #[test]
            fn $sqlite() {
                $scenario($crate::support::Demo::sqlite());
            }

            #[test]
            fn $postgres() {
                $scenario($crate::support::Demo::postgres());
            }
        )+
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_demos;

// The browser tests' tools (`web*.rs`).

/// Chromium, chromedriver and axe-core's script, from `CHROME`, `CHROMEDRIVER` and
/// `AXE_CORE_JS` or Debian's paths; None when one is missing.
fn chromium() -> Option<(std::path::PathBuf, std::path::PathBuf, String)> {
    use std::path::PathBuf;
    let find = |env: &str, names: &[&str]| -> Option<PathBuf> {
        if let Ok(p) = std::env::var(env) {
            return Some(PathBuf::from(p)).filter(|p| p.exists());
        }
        names.iter().map(PathBuf::from).find(|p| p.exists())
    };
    let chrome = find(
        "CHROME",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    )?;
    let driver = find("CHROMEDRIVER", &["/usr/bin/chromedriver"])?;
    let axe = std::env::var("AXE_CORE_JS")
        .ok()
        .map(PathBuf::from)
        .filter(|p| p.exists())?;
    let axe = std::fs::read_to_string(axe).ok()?;
    Some((chrome, driver, axe))
}

/// The browser's tools, or None when the run asked to skip; panics with what is missing.
pub fn tools() -> Option<(std::path::PathBuf, std::path::PathBuf, String)> {
    match chromium() {
        Some(t) => Some(t),
        None if std::env::var("LEERRECHT_BROWSERTEST").as_deref() == Ok("overslaan") => {
            eprintln!("browser test skipped (LEERRECHT_BROWSERTEST=overslaan)");
            None
        }
        None => panic!(
            "the browser test needs /usr/bin/chromium, /usr/bin/chromedriver (Debian's chromium \
             and chromium-driver) and axe-core's axe.min.js at AXE_CORE_JS: run \
             `bash scripts/test.sh`, which installs them, or set LEERRECHT_BROWSERTEST=overslaan"
        ),
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process ended (SIGTERM, then waited for) when dropped.
pub struct Proces(pub Child);

impl Drop for Proces {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.wait();
    }
}

/// Starts chromedriver on a free port and a headless Chromium through it (Dutch, a viewport of
/// about 1280×800: the window's size includes the browser's bars), waiting until it answers. The driver ends when the returned guard is dropped.
pub async fn browser(
    chrome: &std::path::Path,
    driver: &std::path::Path,
) -> (Proces, fantoccini::Client) {
    let port = free_port();
    let guard = Proces(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let caps: serde_json::Map<String, serde_json::Value> =
        serde_json::from_value(serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chrome,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,935", "--lang=nl"]
            }
        }))
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        let conn = hyper_util::client::legacy::connect::HttpConnector::new();
        match fantoccini::ClientBuilder::new(conn)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return (guard, client),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver answers and starts Chromium");
}

/// Writes the user guide's screenshots (`docs/handleiding/img/NAME.png`) when
/// `LEERRECHT_DOCS_BIJWERKEN=1` asks for the documents to be brought up to date (as the
/// command reference is), so that its pictures show the pages as they are; a plain test run
/// takes the pictures but leaves the checked-out files alone. A browser test calls this at
/// its very end, after every assertion held: a failing run leaves the guide's pictures as
/// they were. Each file is written beside its place and then renamed over it, so a reader
/// never meets half a PNG.
pub fn handleiding_fotos(fotos: &[(String, Vec<u8>)]) {
    if !std::env::var("LEERRECHT_DOCS_BIJWERKEN").is_ok_and(|v| v == "1") {
        return;
    }
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/handleiding/img");
    std::fs::create_dir_all(&dir).expect("create docs/handleiding/img");
    for (naam, png) in fotos {
        let doel = dir.join(format!("{naam}.png"));
        let tijdelijk = dir.join(format!(".{naam}.png.nieuw"));
        std::fs::write(&tijdelijk, png).expect("write a screenshot");
        std::fs::rename(&tijdelijk, &doel).expect("put a screenshot in place");
    }
}

/// Runs a browser scenario on a runtime of its own (two workers: a server and a browser share
/// two cores).
pub fn in_runtime<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// axe-core on the page the browser shows: no WCAG 2.1 A or AA violation. Returns the page's
/// address.
pub async fn axe_check(c: &fantoccini::Client, axe: &str) -> String {
    let url = c.current_url().await.unwrap().to_string();
    // axe and its run in one script, so that both meet the same document.
    let script = format!(
        "{axe}\n;return axe.run(document, {{runOnly: {{type: 'tag', values: \
         ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}}}).then(r => r.violations.map(v => \
         ({{id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html)}})));"
    );
    let v = c.execute(&script, vec![]).await.unwrap();
    assert_eq!(
        v,
        json!([]),
        "axe-core finds accessibility violations on {url}"
    );
    url
}

/// A headless browser on a running `leerrecht serve`. Every page it reaches (by [`Self::ga`]
/// or a click) is checked by axe-core and then by `tekstcontrole`, when set.
pub struct Browser {
    pub c: fantoccini::Client,
    /// The server's origin.
    pub base: String,
    axe: String,
    /// The pages checked so far.
    pub geschouwd: Vec<String>,
    /// A further check of each page: its address and its text (`document.body.textContent`).
    pub tekstcontrole: Option<fn(&str, &str)>,
    /// The user guide's screenshots taken so far: (name, PNG).
    pub handleiding: Vec<(String, Vec<u8>)>,
    _server: Proces,
    _driver: Proces,
    /// The server's settings folder, where the letters' templates go.
    pub instellingen: Option<tempfile::TempDir>,
}

impl Browser {
    /// Serves `db` and starts the browser.
    pub async fn start(
        db: &str,
        chrome: std::path::PathBuf,
        driver: std::path::PathBuf,
        axe: String,
    ) -> Browser {
        // Settings of its own, so that beheer's templates land in a folder of the test's.
        let map = tempfile::tempdir().unwrap();
        let config = map.path().join("leerrecht.toml");
        std::fs::write(&config, "[brieven]\nmap = \"brieven\"\n").unwrap();
        let env = [("LEERRECHT_CONFIG", config.to_str().unwrap())];
        let (server, base) = serve(db, &env, Stdio::null());
        let mut b = Browser::bij(Proces(server), base, chrome, driver, axe).await;
        b.instellingen = Some(map);
        b
    }

    /// Starts the browser on the running server `server` at `base`.
    pub async fn bij(
        server: Proces,
        base: String,
        chrome: std::path::PathBuf,
        driver: std::path::PathBuf,
        axe: String,
    ) -> Browser {
        let (driver, c) = browser(&chrome, &driver).await;
        Browser {
            c,
            base,
            axe,
            geschouwd: Vec::new(),
            tekstcontrole: None,
            handleiding: Vec::new(),
            _server: server,
            _driver: driver,
            instellingen: None,
        }
    }

    pub async fn ga(&mut self, pad: &str) {
        self.c.goto(&format!("{}{pad}", self.base)).await.unwrap();
        self.schouw().await;
    }

    pub async fn bron(&self) -> String {
        self.c.source().await.unwrap()
    }

    pub async fn tekst(&self, css: &str) -> String {
        self.c
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .text()
            .await
            .unwrap()
    }

    pub async fn waarde(&self, css: &str) -> String {
        self.c
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn vul(&self, css: &str, waarde: &str) {
        let e = self.c.find(fantoccini::Locator::Css(css)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(waarde).await.unwrap();
    }

    pub async fn kies(&self, css: &str, waarde: &str) {
        self.c
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap()
            .select_by_value(waarde)
            .await
            .unwrap();
    }

    pub async fn klik(&mut self, css: &str) {
        self.klik_op(fantoccini::Locator::Css(css)).await
    }

    /// Clicks what `l` finds and waits for the page that follows (every click here follows
    /// a link or sends a form).
    pub async fn klik_op(&mut self, l: fantoccini::Locator<'_>) {
        let e = match self.c.find(l).await {
            Ok(e) => e,
            Err(e) => panic!(
                "no {l:?} on {}: {e}\n{}",
                self.c.current_url().await.unwrap(),
                self.bron().await
            ),
        };
        self.c
            .execute("window.__vorige_pagina = true;", vec![])
            .await
            .unwrap();
        e.click().await.unwrap();
        for _ in 0..200 {
            let nieuw = self
                .c
                .execute(
                    "return window.__vorige_pagina === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(nieuw, Ok(Value::Bool(true))) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        self.schouw().await;
    }

    /// Opens a `<details>` by its summary's text.
    pub async fn open(&self, summary: &str) {
        self.c
            .find(fantoccini::Locator::XPath(&format!(
                "//summary[contains(., '{summary}')]"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// The checks of every page: axe-core, then `tekstcontrole`.
    async fn schouw(&mut self) {
        let url = axe_check(&self.c, &self.axe).await;
        if let Some(controle) = self.tekstcontrole {
            let tekst = self
                .c
                .execute("return document.body.textContent;", vec![])
                .await
                .unwrap();
            controle(&url, tekst.as_str().unwrap_or_default());
        }
        self.geschouwd.push(url);
    }

    /// A screenshot, also written to `target/screenshots/NAME.png`.
    pub async fn foto(&self, naam: &str) -> Vec<u8> {
        let png = self.c.screenshot().await.unwrap();
        let dir =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{naam}.png")), &png).unwrap();
        png
    }

    /// A screenshot that the user guide shows (`docs/handleiding/img/NAME.png`), kept until
    /// the scenario has passed.
    pub async fn plaatje(&mut self, naam: &str) {
        let png = self.foto(naam).await;
        self.handleiding.push((naam.to_string(), png));
    }

    /// Sends the login form with a username, a password and a code (empty: none asked).
    pub async fn inloggen_als(&mut self, naam: &str, wachtwoord: &str, code: &str) {
        self.ga("/inloggen").await;
        self.vul("#gebruikersnaam", naam).await;
        self.vul("#wachtwoord", wachtwoord).await;
        if !code.is_empty() {
            self.vul("#code", code).await;
        }
        self.klik("button[type=submit]").await;
    }

    /// Logs in with a password and, when the account has a TOTP secret `geheim`, its current
    /// code; `naam` must then be logged in. Returns the code (empty without a secret).
    pub async fn inloggen_totp(&mut self, naam: &str, wachtwoord: &str, geheim: &str) -> String {
        let code = if geheim.is_empty() {
            String::new()
        } else {
            leerrecht_app::toegang::auth::current_totp(geheim, chrono::Utc::now()).unwrap()
        };
        self.inloggen_als(naam, wachtwoord, &code).await;
        self.is_ingelogd(naam).await;
        code
    }

    /// Asserts that `naam` is logged in: the page offers to log out.
    pub async fn is_ingelogd(&self, naam: &str) {
        assert!(
            self.c
                .find(fantoccini::Locator::Css("form[action='/uitloggen']"))
                .await
                .is_ok(),
            "{naam} is logged in: {}",
            self.bron().await
        );
    }

    pub async fn uitloggen(&mut self) {
        self.klik("form[action='/uitloggen'] button").await;
    }
}

/// A browser scenario on `db`: the set-up `opzet` first (on the synchronous stores), then
/// `scenario` with a browser on the served database, on a runtime of its own; one browser
/// scenario at a time. Nothing when the run asks to skip the browser tests.
pub fn browser_scenario<O, F: std::future::Future<Output = ()>>(
    db: String,
    opzet: impl FnOnce(&str) -> O,
    scenario: impl FnOnce(Browser, O) -> F,
) {
    let Some((chrome, driver, axe)) = tools() else {
        return;
    };
    let _een = een_tegelijk();
    let o = opzet(&db);
    in_runtime(async move {
        let s = Browser::start(&db, chrome, driver, axe).await;
        scenario(s, o).await
    });
}

/// One browser scenario at a time: each starts a server and a browser on two cores. Held
/// while the scenario runs.
pub fn een_tegelijk() -> std::sync::MutexGuard<'static, ()> {
    static EEN_TEGELIJK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    EEN_TEGELIJK.lock().unwrap_or_else(|e| e.into_inner())
}
