//! The `leerrecht` command: imports, queries and the demo region over the database that
//! `--db` (or LEERRECHT_DB) names. Exit codes: 0 done, 2 invalid input (nothing was written),
//! 1 anything else (the database could not be reached, a file could not be read…).
#![forbid(unsafe_code)]

mod accounts;
mod beheer;
mod bench_web;
mod output;
mod rapport;
mod serve;
mod soak;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use leerrecht_app::config::Config;
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::Scope;
use leerrecht_app::{Actor, App, AppError};
use leerrecht_domain::date::parse_date;
use leerrecht_domain::ids::{GemeenteCode, LeerlingId};
use leerrecht_domain::org::Rol;
use leerrecht_domain::rules::Regel;

/// mimalloc instead of the C library's allocator: glibc keeps the large blocks a server frees
/// (the PostgreSQL driver's buffers of megabytes, a report's rows) inside the process, so a
/// long-running server's memory climbed with every larger message; mimalloc hands freed
/// memory back to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "leerrecht",
    version,
    about = "Verzuim en thuiszitters in beeld: the shared information system of a region's schools, gemeenten and partners."
)]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB, with TLS as
    /// ?sslmode=disable|prefer|require|verify-ca|verify-full&sslrootcert=FILE|system.
    #[arg(
        long,
        global = true,
        env = "LEERRECHT_DB",
        default_value = "sqlite://leerrecht.db"
    )]
    db: String,
    /// Settings file (the region's rules); default: leerrecht.toml in the working directory,
    /// when there.
    #[arg(long, global = true, env = "LEERRECHT_CONFIG")]
    config: Option<PathBuf>,
    /// Whether `--db` (or LEERRECHT_DB) was given rather than left at its default: the
    /// benchmarks that make their own database use it only then.
    #[arg(skip)]
    db_given: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import a CSV file of the region (all or nothing).
    Import {
        #[arg(value_parser = import_kind())]
        kind: ImportKind,
        /// A CSV file (UTF-8 or Windows-1252, told apart by content) or a spreadsheet (.xlsx).
        file: PathBuf,
        /// Check and count everything, keep nothing.
        #[arg(long)]
        dry_run: bool,
        /// The sheet of a spreadsheet to read (default: the first).
        #[arg(long)]
        blad: Option<String>,
    },
    /// List young people with age, duty status and enrolment on a date.
    Jongeren {
        /// The reference date (YYYY-MM-DD or DD-MM-YYYY); default today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// Only people living in this gemeente (GM....).
        #[arg(long)]
        gemeente: Option<GemeenteCode>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Per gemeente: young people, leerplichtig and kwalificatieplichtig, and how many are enrolled.
    Overzicht {
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "table")]
        format: TableOrJson,
    },
    /// Bring the signals up to date (only pupils whose absence changed) and list them.
    Signals {
        /// List signals up to this date, and absoluut verzuim on it; default today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// Only this rule: 16uur, signaal, te_laat, luxe, mazl_7dagen, mazl_4x12, lrv or av.
        #[arg(long, value_parser = regel_arg)]
        regel: Option<Regel>,
        #[arg(long, value_enum, default_value = "csv")]
        format: CsvOrJson,
        /// Re-evaluate every pupil, not only those whose absence changed.
        #[arg(long)]
        alles: bool,
    },
    /// One person's whole story in date order (registrations, meldingen, cases), with the
    /// three-month clock when they are a thuiszitter.
    Zaak {
        /// BSN or onderwijsnummer.
        #[arg(value_parser = leerling_arg)]
        person: LeerlingId,
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "table")]
        format: TableOrJson,
    },
    /// Make a letter on a case from its template (docs/domain.md §13): one per address of the
    /// parents and guardians (to the school for bevestiging_melding), as one PDF, kept on the
    /// case.
    Brief {
        /// uitnodiging, waarschuwing, oproep, bevestiging_melding or besluit_vrijstelling.
        #[arg(long, value_parser = sjabloon_arg)]
        sjabloon: leerrecht_domain::brief::Sjabloon,
        /// BSN or onderwijsnummer.
        #[arg(long, value_parser = leerling_arg)]
        jongere: LeerlingId,
        /// The case; default the young person's one open case.
        #[arg(long)]
        zaak: Option<i64>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// What needs one organisation now: drafts and meldingen, offers due and late,
    /// escalations due, MAZL referrals, exemptions up for renewal.
    Werklijst {
        /// The organisation's code.
        #[arg(long)]
        org: String,
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "table")]
        format: TableOrJson,
    },
    /// The RMC list: young people of 18 to 23 who left education without a
    /// startkwalificatie and are enrolled nowhere, longest on the list first, with their
    /// open RMC case.
    Rmc {
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "table")]
        format: TableOrJson,
    },
    /// Figures without persons (docs/domain.md §9).
    Report {
        #[command(subcommand)]
        what: rapport::ReportWhat,
    },
    /// Raise every escalation that is due (the three-month clock), each level once, and list
    /// what was raised.
    Escalaties {
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value = "csv")]
        format: CsvOrJson,
    },
    /// Accounts of people: add, list, disable, new second factor, new password.
    User {
        #[command(subcommand)]
        what: UserWhat,
    },
    /// API tokens for systems (a school's administration package).
    Token {
        #[command(subcommand)]
        what: TokenWhat,
    },
    /// The audit log: check its chain, or list who saw or changed one person's data.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Privacy: who sees what on which purpose, as the gate decides, and the register of
    /// processing activities (docs/dpia.md).
    Privacy {
        #[command(subcommand)]
        what: PrivacyWhat,
    },
    /// The installation's secret keys (the opaque ids and the audit log's pseudonyms), kept
    /// outside the database in the file of `[sleutels] bestand`.
    Sleutel {
        #[command(subcommand)]
        what: SleutelWhat,
    },
    /// Queue the day's digest for every account with an e-mail address and work waiting
    /// (counts per worklist kind and a link, never a young person's data; one per account
    /// and day), then send the mail that is due when `[smtp]` is set.
    Notificaties {
        /// The day of the worklists; default today.
        #[arg(long = "as-of", value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// Show who would get a digest and what it counts; queue and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Destroy the files whose retention period ended (docs/domain.md §11); anonymous counts stay.
    Purge {
        /// The date to judge retention on; default today.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// List and count what would go, keep everything.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: TableOrJson,
    },
    /// Write a consistent copy of the whole database to FILE while it is in use.
    Backup {
        /// The new backup file (never overwritten).
        file: PathBuf,
    },
    /// Put a backup back into an empty database (schema migrated to this release afterwards).
    Restore {
        file: PathBuf,
        /// Replace everything in a database that is not empty.
        #[arg(long)]
        force: bool,
    },
    /// Measure the product on the demo region (prints figures; asserts nothing).
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Serve the HTTP API (JSON under /api/v1) until Ctrl-C or SIGTERM.
    Serve {
        /// Address and port to listen on; port 0 picks a free one (printed on start).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// The current second-factor code of an account, as its authenticator app shows it (for
    /// the demo and tests; the operator only).
    Totp {
        /// The account's username.
        username: String,
    },
    /// Fill an empty database with a synthetic demo region (or keep the demo it holds) and
    /// serve the application, printing a login per role.
    Demo {
        /// Only fill the database and print the logins; do not serve.
        #[arg(long)]
        no_serve: bool,
        /// Address and port to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[arg(long, value_enum, default_value = "region")]
        scale: Scale,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write the region as import files (organisaties.csv, kalender.csv, jongeren.csv,
        /// inschrijvingen.csv, verzuim.csv) into this folder instead of into the database.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// School years with absence: `geen`, one year (`2024-2025`) or a range
        /// (`2018-2019..2024-2025`). Default: 2018-2019 up to the day before the peildatum,
        /// and none at national scale (hundreds of millions of rows; see `leerrecht bench
        /// signals`).
        #[arg(long, value_name = "JAREN", value_parser = years_arg)]
        verzuim: Option<Jaren>,
        /// The demo's day (YYYY-MM-DD or DD-MM-YYYY): its absence, meldingen and cases run up
        /// to the day before, and its worklists have work on it. Default: today.
        #[arg(long, value_parser = date_arg)]
        peildatum: Option<NaiveDate>,
    },
}

#[derive(Subcommand)]
enum UserWhat {
    /// Add an account; the password is read from standard input, never from an argument. It
    /// is temporary: the user chooses their own at the first login.
    Add {
        #[arg(long)]
        username: String,
        /// The organisation's code (a school's location code, a bureau's code…).
        #[arg(long)]
        org: String,
        /// leerplicht, school, swv, jeugdarts, cjg, beleid or beheer.
        #[arg(long, value_parser = rol_arg)]
        role: Rol,
        /// Where notices after a credential change and the daily digest go.
        #[arg(long)]
        email: Option<String>,
    },
    /// Set or remove an account's e-mail address (the old address hears of the change).
    Email {
        username: String,
        /// The new address.
        #[arg(long, required_unless_present = "geen", conflicts_with = "geen")]
        email: Option<String>,
        /// No address: no notices or digests.
        #[arg(long)]
        geen: bool,
    },
    /// List the accounts (no secrets).
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: TableOrJson,
    },
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Undo an account's link to its identity at the identity provider (single sign-on), and
    /// end its sessions: its next login through the provider links it again.
    #[command(name = "sso-ontkoppelen")]
    SsoOntkoppelen { username: String },
    /// Give an account a new TOTP secret (lost device) and end its sessions.
    #[command(name = "reset-2fa")]
    Reset2fa { username: String },
    /// Set a new password, read from standard input; ends the account's sessions. It is
    /// temporary: the user chooses their own at the next login.
    Password { username: String },
    /// Issue a one-time reset code (valid 24 hours) with which the user sets a new password
    /// themself (POST /api/v1/wachtwoordherstel, with their TOTP code).
    #[command(name = "reset-password")]
    ResetPassword { username: String },
}

#[derive(Subcommand)]
enum TokenWhat {
    /// Create a token; it is printed once and stored only as a hash.
    Create {
        /// The school location the system sends for.
        #[arg(long)]
        org: String,
        /// verzuim:schrijven and/or meldingen:schrijven (repeat, or separate with commas).
        #[arg(long, required = true, value_delimiter = ',', value_parser = scope_arg)]
        scope: Vec<Scope>,
        /// What the token is for.
        #[arg(long, default_value = "")]
        omschrijving: String,
    },
    /// List the tokens (never the tokens themselves).
    List,
    /// Revoke a token by its number.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum SleutelWhat {
    /// Put a new key in use: it goes first in the key file, the earlier ones stay after it so
    /// that existing links and audit lookups keep working; the first time, the key the
    /// database kept moves into the file and out of the database.
    Roteer,
}

#[derive(Subcommand)]
enum PrivacyWhat {
    /// For every reader, kind of data and state of the file, whether the gate lets the reader
    /// see it and on which purpose: computed by asking the gate (docs/privacy-matrix.md).
    Matrix {
        #[arg(long, value_enum, default_value = "table")]
        format: MatrixFormat,
    },
    /// The register of processing activities (GDPR art. 30) as CSV.
    Register {
        /// The controller named in each entry.
        #[arg(
            long,
            default_value = "het college van burgemeester en wethouders van de gemeente"
        )]
        verantwoordelijke: String,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum MatrixFormat {
    Table,
    Json,
    Md,
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check every link of the hash chain; exit code 1 at the first broken one.
    Verify,
    /// Who saw or changed one person's data (a request under the GDPR).
    Export {
        /// BSN or onderwijsnummer.
        #[arg(long, value_parser = leerling_arg)]
        person: LeerlingId,
        #[arg(long, value_enum, default_value = "csv")]
        format: CsvOrJson,
    },
}

fn rol_arg(s: &str) -> Result<Rol, String> {
    s.parse()
}

fn scope_arg(s: &str) -> Result<Scope, String> {
    s.parse()
}

fn leerling_arg(s: &str) -> Result<LeerlingId, String> {
    s.parse()
        .map_err(|e: leerrecht_domain::ids::IdError| e.to_string())
}

#[derive(Subcommand)]
enum BenchWhat {
    /// The worklist of every organisation and the state of cases on a past moment, on the
    /// database --db names (a national demo, say).
    Werklijst {
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
    },
    /// Every page of the web application on the database --db names (the region demo),
    /// served in this process: time per page and size with the style sheet, and the file of
    /// the person with the most absence in headless Chromium when chromedriver is there.
    Web {
        /// Fetches per page, after one warm-up.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Every report of the figures (docs/domain.md §9) at the scale of the database --db names,
    /// after topping a national demo up to 200,000 registrations and 10 million meldingen
    /// (or the numbers given).
    Rapportages {
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        /// Registrations to top up to (no top-up when three quarters are there).
        #[arg(long, default_value_t = leerrecht_demo::bench::cijfers::REGISTRATIES)]
        registraties: usize,
        /// Meldingen the top-up writes, spread over seven school years.
        #[arg(long, default_value_t = leerrecht_demo::bench::cijfers::MELDINGEN)]
        meldingen: usize,
    },
    /// The gate plus audit entry per read of one person, and sustained audit appends, on the
    /// database --db names when given (it must be empty), else a fresh SQLite database in
    /// --dir.
    Audit {
        #[arg(long, value_enum, default_value = "region")]
        scale: Scale,
        /// Folder for the SQLite database when --db is not given (kept afterwards).
        #[arg(long, default_value = "bench-out/audit")]
        dir: PathBuf,
        /// Reader threads; writers are four times as many.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// A mixed workload against a running server (scripts/soak.sh starts one on the region
    /// demo and fills in these options): latency per kind of request, errors, server memory.
    Soak {
        /// The API's base URL, ending in /api/v1; once per server when several share one
        /// database (the clients take turns).
        #[arg(long, required = true)]
        url: Vec<String>,
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// A leerplicht officer's session token, read from this environment variable.
        #[arg(long, default_value = "LEERRECHT_SOAK_SESSIE")]
        session_env: String,
        /// A school's API token (scope verzuim:schrijven), read from this environment variable.
        #[arg(long, default_value = "LEERRECHT_SOAK_TOKEN")]
        token_env: String,
        /// The token's school (location code).
        #[arg(long)]
        school: String,
        /// File of opaque person ids, one per line.
        #[arg(long)]
        ids: PathBuf,
        /// File of opaque ids of persons with a ground for the officer to read their absence
        /// (a confirmed melding, a registration or a case), one per line.
        #[arg(long)]
        gronden: PathBuf,
        /// File of pupil numbers to search for, one per line.
        #[arg(long)]
        leerlingen: PathBuf,
        /// File of the school's pupils enrolled through October 2024, one per line.
        #[arg(long)]
        pupils: PathBuf,
        /// The server's process id, to sample its memory; once per server.
        #[arg(long)]
        pid: Vec<u32>,
    },
    /// Absence import, rule evaluation in memory and from the store, and the incremental run
    /// after one more school day, on one school year of the demo region's absence: on the
    /// database --db names when given (it must be empty), else a fresh SQLite database in
    /// --dir.
    Signals {
        #[arg(long, value_enum, default_value = "region")]
        scale: Scale,
        /// Folder for the demo files, and the SQLite database when --db is not given (kept
        /// afterwards).
        #[arg(long, default_value = "bench-out/signals")]
        dir: PathBuf,
    },
}

/// The kinds of import, by the names the app gives them.
fn import_kind() -> impl clap::builder::TypedValueParser<Value = ImportKind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(ImportKind::ALLE.map(|(_, naam)| naam))
        .map(|naam| naam.parse::<ImportKind>().expect("one of the listed names"))
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CsvOrJson {
    Csv,
    Json,
}

/// The school years of the demo's absence: none, or a range of start years.
#[derive(Clone, Debug)]
struct Jaren(Option<std::ops::RangeInclusive<i32>>);

/// `geen`, `2024-2025` or `2018-2019..2024-2025`, as start years.
fn years_arg(s: &str) -> Result<Jaren, String> {
    use leerrecht_domain::schoolyear::SchoolYear;
    if s.eq_ignore_ascii_case("geen") {
        return Ok(Jaren(None));
    }
    let (a, b) = s.split_once("..").unwrap_or((s, s));
    let year = |v: &str| v.parse::<SchoolYear>().map_err(|e| e.to_string());
    let (a, b) = (year(a)?, year(b)?);
    if b < a {
        return Err(format!("{b} comes before {a}"));
    }
    Ok(Jaren(Some(a.start_year()..=b.start_year())))
}

fn regel_arg(s: &str) -> Result<Regel, String> {
    s.parse()
        .map_err(|e: leerrecht_domain::rules::OnbekendeCode| e.to_string())
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum TableOrJson {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Scale {
    Tiny,
    Region,
    National,
}

impl From<Scale> for leerrecht_demo::Scale {
    fn from(s: Scale) -> Self {
        match s {
            Scale::Tiny => leerrecht_demo::Scale::Tiny,
            Scale::Region => leerrecht_demo::Scale::Region,
            Scale::National => leerrecht_demo::Scale::National,
        }
    }
}

fn date_arg(s: &str) -> Result<NaiveDate, String> {
    parse_date(s)
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Failures that mean "your input was wrong, nothing was written": exit code 2.
#[derive(Debug)]
pub(crate) struct InvalidInput;

/// Says what was wrong with the input and turns it into exit code 2; other errors pass.
pub(crate) fn checked<T>(r: leerrecht_app::Result<T>) -> anyhow::Result<T> {
    match r {
        Err(AppError::Invalid(msg)) => {
            eprintln!("leerrecht: {msg}");
            Err(InvalidInput.into())
        }
        r => Ok(r?),
    }
}

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid input")
    }
}
impl std::error::Error for InvalidInput {}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.db_given = !matches!(
        matches.value_source("db"),
        None | Some(clap::parser::ValueSource::DefaultValue)
    );
    // The server logs one line per request (no personal data: see leerrecht-web).
    let default_filter = match cli.command {
        Command::Serve { .. } => "warn,leerrecht::http=info,leerrecht::taken=info",
        _ => "warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEERRECHT_LOG")
        .unwrap_or_else(|_| default_filter.into())
        // The database driver logs query parameters (BSNs among them) at debug
        // level: never let those through, whatever LEERRECHT_LOG asks.
        .add_directive("tokio_postgres=warn".parse().expect("a valid directive"))
        .add_directive("postgres=warn".parse().expect("a valid directive"));
    let fmt = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_env_filter(filter);
    if std::env::var("LEERRECHT_LOG_FORMAT").is_ok_and(|f| f == "json") {
        fmt.json().init();
    } else {
        fmt.with_ansi(io::IsTerminal::is_terminal(&io::stderr()))
            .init();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<InvalidInput>() => ExitCode::from(2),
        Err(e) => {
            if let Some(io) = e.downcast_ref::<io::Error>() {
                if io.kind() == io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("leerrecht: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Where this run's installation keys are (`[sleutels]` of the settings), set once at the
/// start of [`run`]: every command that opens the database uses them.
static SLEUTELBRON: std::sync::OnceLock<leerrecht_app::toegang::sleutels::SleutelBron> =
    std::sync::OnceLock::new();

pub(crate) fn open(db: &str) -> anyhow::Result<App> {
    let mut app = open_zonder_sleutels(db)?;
    if let Some(bron) = SLEUTELBRON.get() {
        if let Some(keys) = checked(bron.lees())? {
            app = app.met_sleutels(keys);
        }
    }
    Ok(app)
}

/// The database without the configured keys: for `sleutel roteer`, which makes them.
fn open_zonder_sleutels(db: &str) -> anyhow::Result<App> {
    let store = leerrecht_store::open(db)
        .with_context(|| format!("cannot open {}", leerrecht_store::redact_url(db)))?;
    let app = App::new(store);
    // A restart completes what a crash interrupted between two transactions of a command.
    if let Err(e) = app.herstellen(&Actor::local_operator()) {
        tracing::warn!("completing interrupted work failed: {e}");
    }
    Ok(app)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let actor = Actor::local_operator();
    let _ = SLEUTELBRON.set(load_config(cli.config.as_deref())?.sleutels);
    match cli.command {
        Command::Import {
            kind,
            file,
            dry_run,
            blad,
        } => {
            let config = load_config(cli.config.as_deref())?;
            let app = open(&cli.db)?.met_overdracht_dagen(config.overdracht_dagen());
            import(&app, &actor, kind, (&file, blad.as_deref()), dry_run)
        }
        Command::Jongeren {
            as_of,
            gemeente,
            format,
        } => {
            let app = open(&cli.db)?;
            let on = as_of.unwrap_or_else(today);
            let out = io::stdout().lock();
            output::jongeren(
                &app,
                &actor,
                on,
                gemeente.as_ref(),
                format == Format::Csv,
                format == Format::Json,
                out,
            )
        }
        Command::Overzicht { as_of, format } => {
            let app = open(&cli.db)?;
            let o = app.overzicht(&actor, as_of.unwrap_or_else(today))?;
            let mut out = io::stdout().lock();
            match format {
                TableOrJson::Json => {
                    serde_json::to_writer_pretty(&mut out, &output::overzicht_json(&o))?;
                    writeln!(out)?;
                }
                TableOrJson::Table => output::overzicht_table(&o, &mut out)?,
            }
            Ok(())
        }
        Command::Signals {
            as_of,
            regel,
            format,
            alles,
        } => {
            let app = open(&cli.db)?;
            let config = load_config(cli.config.as_deref())?;
            update_signals(&app, &actor, &config, alles)?;
            let out = io::stdout().lock();
            output::signalen(
                &app,
                &actor,
                as_of.unwrap_or_else(today),
                regel,
                format == CsvOrJson::Json,
                out,
            )
        }
        Command::Brief {
            sjabloon,
            jongere,
            zaak,
            out,
        } => {
            let config = load_config(cli.config.as_deref())?;
            let app = open(&cli.db)?.met_briefmap(config.briefmap());
            let zaak = match zaak {
                Some(z) => z,
                None => {
                    let open: Vec<i64> = checked(app.zaken(&actor, jongere))?
                        .into_iter()
                        .filter(|z| z.gesloten.is_none())
                        .map(|z| z.id)
                        .collect();
                    match open[..] {
                        [z] => z,
                        [] => {
                            eprintln!("leerrecht: the young person has no open case: give --zaak");
                            return Err(InvalidInput.into());
                        }
                        _ => {
                            eprintln!(
                                "leerrecht: the young person has open cases {open:?}: choose one with --zaak"
                            );
                            return Err(InvalidInput.into());
                        }
                    }
                }
            };
            let (brief, pdf) = checked(app.brief_maken(&actor, zaak, sjabloon))?;
            std::fs::write(&out, pdf).with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "brief {} ({}) op zaak {zaak}: {} adres(sen), aan {}; geschreven naar {}",
                brief.id,
                brief.sjabloon,
                brief.adressen,
                brief.aan,
                out.display()
            );
            Ok(())
        }
        Command::Zaak {
            person,
            as_of,
            format,
        } => {
            let app = open(&cli.db)?;
            let config = load_config(cli.config.as_deref())?;
            let on = as_of.unwrap_or_else(today);
            let v = checked(app.verhaal(&actor, person, on, &config.escalatie))?;
            let mut out = io::stdout().lock();
            if format == TableOrJson::Json {
                serde_json::to_writer_pretty(&mut out, &v)?;
                writeln!(out)?;
            } else {
                if let Some(k) = &v.klok {
                    writeln!(
                        out,
                        "thuiszitter sinds {}; aanbod uiterlijk {}; {}; niveau {}",
                        k.begin,
                        k.termijn,
                        match k.aanbod {
                            Some(a) => format!("aanbod gedaan op {a}"),
                            None if k.dagen_te_laat > 0 =>
                                format!("{} dagen te laat", k.dagen_te_laat),
                            None => "nog geen aanbod".to_string(),
                        },
                        k.niveau.code()
                    )?;
                }
                for r in &v.regels {
                    writeln!(out, "{}  {:<12} {}", r.datum, r.soort, r.wat)?;
                }
            }
            Ok(())
        }
        Command::Rmc { as_of, format } => {
            let app = open(&cli.db)?;
            let on = as_of.unwrap_or_else(today);
            let lijst = checked(app.rmclijst(&actor, on))?;
            let mut out = io::stdout().lock();
            if format == TableOrJson::Json {
                let rijen: Vec<_> = lijst
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "leerling": r.kop.kop.jongere.leerling_id().to_string(),
                            "naam": format!("{} {}", r.kop.kop.jongere.voornamen, r.kop.kop.jongere.achternaam),
                            "geboortedatum": r.kop.kop.jongere.geboortedatum,
                            "gemeente": r.kop.kop.jongere.gemeente.as_str(),
                            "sinds": r.sinds,
                            "laatste_school": r.laatste_school,
                            "zaak": r.zaak,
                            "contactpogingen": r.pogingen,
                            "bereikt": r.bereikt,
                        })
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &rijen)?;
                writeln!(out)?;
            } else {
                writeln!(out, "RMC-lijst op {on}: {} jongeren", lijst.len())?;
                for r in &lijst {
                    let j = &r.kop.kop.jongere;
                    writeln!(
                        out,
                        "{} {:<10} {:<28} {:<8} {:<8} {}",
                        r.sinds,
                        j.leerling_id(),
                        format!("{} {}", j.voornamen, j.achternaam),
                        j.gemeente.as_str(),
                        r.laatste_school.as_deref().unwrap_or("-"),
                        match r.zaak {
                            Some(z) => format!(
                                "zaak {z}, {} contactpogingen{}",
                                r.pogingen,
                                if r.bereikt { ", bereikt" } else { "" }
                            ),
                            None => "geen zaak".into(),
                        }
                    )?;
                }
            }
            Ok(())
        }
        Command::Werklijst { org, as_of, format } => {
            let app = open(&cli.db)?;
            let config = load_config(cli.config.as_deref())?;
            let on = as_of.unwrap_or_else(today);
            let w = checked(app.werklijst(&actor, &org, on, &config.escalatie))?;
            let mut out = io::stdout().lock();
            if format == TableOrJson::Json {
                serde_json::to_writer_pretty(&mut out, &w)?;
                writeln!(out)?;
            } else {
                let tellingen: Vec<String> = w
                    .tellingen
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect();
                writeln!(
                    out,
                    "werklijst {} op {}: {}",
                    w.organisatie,
                    w.peildatum,
                    tellingen.join(", ")
                )?;
                for i in &w.items {
                    writeln!(
                        out,
                        "{}{} {:<15} {:<10} {:<28} {}",
                        if i.te_laat { "!" } else { " " },
                        i.datum,
                        i.soort,
                        i.leerling,
                        i.naam,
                        i.wat
                    )?;
                }
            }
            Ok(())
        }
        Command::Report { what } => {
            let app = open(&cli.db)?;
            let config = load_config(cli.config.as_deref())?;
            rapport::run(&app, &actor, what, &config)
        }
        Command::Escalaties { as_of, format } => {
            let app = open(&cli.db)?;
            let config = load_config(cli.config.as_deref())?;
            let on = as_of.unwrap_or_else(today);
            let raised = checked(app.escaleren(&actor, on, &config.escalatie))?;
            let mut out = io::stdout().lock();
            if format == CsvOrJson::Json {
                serde_json::to_writer_pretty(&mut out, &raised)?;
                writeln!(out)?;
            } else {
                writeln!(out, "leerling;zaak;niveau;datum;begin;geinformeerd")?;
                for e in &raised {
                    writeln!(
                        out,
                        "{};{};{};{};{};{}",
                        e.leerling,
                        e.zaak,
                        e.niveau.code(),
                        e.datum,
                        e.begin,
                        e.geinformeerd.join("|")
                    )?;
                }
            }
            eprintln!("{} escalaties op {on}", raised.len());
            Ok(())
        }
        Command::User { what } => accounts::user(&open(&cli.db)?, &actor, what),
        Command::Token { what } => accounts::token(&open(&cli.db)?, &actor, what),
        Command::Audit { what } => accounts::audit(&open(&cli.db)?, &actor, what),
        Command::Privacy { what } => privacy(what),
        Command::Notificaties { as_of, dry_run } => {
            let config = load_config(cli.config.as_deref())?;
            let app = open(&cli.db)?;
            let on = as_of.unwrap_or_else(today);
            let lijst = checked(app.notificaties(
                &actor,
                on,
                &config.escalatie,
                config.server.origin.as_deref(),
                dry_run,
            ))?;
            for o in &lijst {
                let n: usize = o.tellingen.values().sum();
                println!(
                    "{}: {n} punten{}",
                    o.gebruikersnaam,
                    if dry_run {
                        " (proefdraai)"
                    } else if o.in_wachtrij {
                        ""
                    } else {
                        " (vandaag al verstuurd)"
                    }
                );
            }
            if dry_run {
                return Ok(());
            }
            match &config.smtp {
                Some(smtp) => {
                    let mailer = checked(smtp.mailer())?;
                    let r = checked(app.mail_verzenden(&actor, &mailer))?;
                    println!("mail: {} verzonden, {} mislukt", r.verzonden, r.mislukt);
                }
                None => println!("mail: [smtp] is niet ingesteld; de berichten wachten"),
            }
            Ok(())
        }
        Command::Sleutel { what } => match what {
            SleutelWhat::Roteer => {
                let bron = load_config(cli.config.as_deref())?.sleutels;
                let app = open_zonder_sleutels(&cli.db)?;
                let r = checked(app.sleutel_roteren(&actor, &bron))?;
                println!(
                    "nieuwe sleutel in gebruik; {} sleutels in het bestand (de eerdere blijven gelden voor bestaande links){}",
                    r.sleutels,
                    if r.uit_database {
                        "; de sleutel uit de database staat nu in het bestand en niet meer in de database"
                    } else {
                        ""
                    }
                );
                Ok(())
            }
        },
        Command::Purge {
            as_of,
            dry_run,
            format,
        } => accounts::purge(
            &open(&cli.db)?,
            &actor,
            as_of.unwrap_or_else(today),
            dry_run,
            format == TableOrJson::Json,
            &load_config(cli.config.as_deref())?.escalatie,
        ),
        Command::Backup { file } => beheer::backup(&cli.db, &actor, &file),
        Command::Restore { file, force } => beheer::restore(&cli.db, &actor, &file, force),
        Command::Bench {
            what: BenchWhat::Werklijst { as_of },
        } => {
            let app = open(&cli.db)?;
            let config = load_config(cli.config.as_deref())?;
            println!("database: {}", database_label(true, &cli.db));
            leerrecht_demo::bench::bench_werklijst(
                &app,
                as_of.unwrap_or_else(today),
                &config.escalatie,
                &mut |s| {
                    let ms = |d: Duration| d.as_secs_f64() * 1e3;
                    println!(
                        "{:<44} {:>6}  median {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  {}",
                        s.wat,
                        s.n,
                        ms(s.median),
                        ms(s.p99),
                        ms(s.max),
                        s.opmerking
                    );
                },
            )?;
            Ok(())
        }
        Command::Bench {
            what: BenchWhat::Web { rounds },
        } => {
            let config = load_config(cli.config.as_deref())?;
            bench_web::bench_web(&cli.db, &config, rounds.max(1))
        }
        Command::Bench {
            what:
                BenchWhat::Rapportages {
                    as_of,
                    registraties,
                    meldingen,
                },
        } => {
            let app = open(&cli.db)?;
            println!("database: {}", database_label(true, &cli.db));
            let doel = leerrecht_demo::bench::cijfers::Doel {
                registraties,
                meldingen,
            };
            leerrecht_demo::bench::cijfers::aanvullen(&app, doel, &mut |s| eprintln!("{s}"))?;
            leerrecht_demo::bench::cijfers::meten(&app, as_of.unwrap_or_else(today), &mut |m| {
                let ms = |d: Duration| d.as_secs_f64() * 1e3;
                println!(
                    "{:<32} first {:>8.1} ms  second {:>8.1} ms",
                    m.wat,
                    ms(m.eerste),
                    ms(m.tweede)
                );
            })?;
            Ok(())
        }
        Command::Bench {
            what:
                BenchWhat::Audit {
                    scale,
                    dir,
                    threads,
                },
        } => bench_timed(cli.db_given, &cli.db, |database| {
            leerrecht_demo::bench::bench_audit(
                scale.into(),
                &dir,
                database,
                today(),
                threads,
                &mut |m| {
                    println!(
                        "{:<66} {:>9} {:>8.2} s {:>10.0}/s {:>8.1} µs each",
                        m.wat,
                        m.rijen,
                        m.duur.as_secs_f64(),
                        m.per_seconde(),
                        1e6 / m.per_seconde()
                    );
                },
            )?;
            Ok(())
        }),
        Command::Bench {
            what: BenchWhat::Signals { scale, dir },
        } => bench_timed(cli.db_given, &cli.db, |database| {
            leerrecht_demo::bench::bench_signals(
                scale.into(),
                &dir,
                database,
                today(),
                &mut |m| {
                    println!(
                        "{:<88} {:>11} rows {:>8.3} s {:>12.0} rows/s",
                        m.wat,
                        m.rijen,
                        m.duur.as_secs_f64(),
                        m.per_seconde()
                    );
                },
            )?;
            Ok(())
        }),
        Command::Bench {
            what:
                BenchWhat::Soak {
                    url,
                    minutes,
                    clients,
                    session_env,
                    token_env,
                    school,
                    ids,
                    gronden,
                    leerlingen,
                    pupils,
                    pid,
                },
        } => {
            let secret =
                |name: &str| std::env::var(name).with_context(|| format!("{name} is not set"));
            let ok = soak::run(soak::SoakArgs {
                urls: url,
                duration: Duration::from_secs_f64(minutes * 60.0),
                clients: clients.max(1),
                session: secret(&session_env)?,
                token: secret(&token_env)?,
                school,
                ids,
                gronden,
                leerlingen,
                pupils,
                pids: pid,
            })?;
            anyhow::ensure!(ok, "the soak run failed (see the verdict)");
            Ok(())
        }
        Command::Serve { addr } => {
            let config = load_config(cli.config.as_deref())?;
            let store = leerrecht_store::open_for_server(&cli.db)
                .with_context(|| format!("cannot open {}", leerrecht_store::redact_url(&cli.db)))?;
            serve::serve(App::new(store), &config, &cli.db, &addr)
        }
        Command::Totp { username } => {
            let app = open(&cli.db)?;
            match checked(app.user_totp_code(&actor, &username))? {
                Some(code) => println!("{code}"),
                None => {
                    eprintln!("leerrecht: {username} has no second factor");
                    return Err(InvalidInput.into());
                }
            }
            Ok(())
        }
        Command::Demo {
            no_serve,
            addr,
            scale,
            seed,
            csv,
            verzuim,
            peildatum,
        } => {
            let config = load_config(cli.config.as_deref())?;
            let serve_after = csv.is_none() && !no_serve;
            demo(
                &cli.db,
                &actor,
                &config,
                (scale, seed, peildatum.unwrap_or_else(today)),
                csv,
                verzuim,
                serve_after,
            )?;
            if serve_after {
                let store = leerrecht_store::open_for_server(&cli.db).with_context(|| {
                    format!("cannot open {}", leerrecht_store::redact_url(&cli.db))
                })?;
                serve::serve(App::new(store), &config, &cli.db, &addr)?;
            }
            Ok(())
        }
    }
}

/// The database a benchmark runs on, as its figures are headed: the kind and the URL (without
/// a password), or the fresh SQLite database in the benchmark's folder.
/// Runs a benchmark on the database given with `--db` (else on one of its own), between a line
/// that names the database and a line with the total time and the peak memory.
fn bench_timed(
    db_given: bool,
    db: &str,
    run: impl FnOnce(Option<&str>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    println!("database: {}", database_label(db_given, db));
    run(db_given.then_some(db))?;
    println!(
        "total {:.1} s, peak memory {} MiB",
        started.elapsed().as_secs_f64(),
        leerrecht_demo::bench::peak_memory_mib().map_or("?".into(), |m| m.to_string())
    );
    Ok(())
}

fn database_label(given: bool, url: &str) -> String {
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    match (given, postgres) {
        (false, _) => "SQLite (a fresh database in --dir)".into(),
        (true, true) => format!("PostgreSQL ({})", leerrecht_store::redact_url(url)),
        (true, false) => format!("SQLite ({})", leerrecht_store::redact_url(url)),
    }
}

fn sjabloon_arg(s: &str) -> Result<leerrecht_domain::brief::Sjabloon, String> {
    s.parse()
}

fn load_config(path: Option<&std::path::Path>) -> anyhow::Result<Config> {
    match Config::load(path) {
        Err(AppError::Invalid(msg)) => {
            eprintln!("leerrecht: {msg}");
            Err(InvalidInput.into())
        }
        r => Ok(r?),
    }
}

/// Brings the stored signals up to date and says what it did on stderr.
fn update_signals(app: &App, actor: &Actor, config: &Config, all: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let regels = match app.regels(actor, config, today()) {
        Err(AppError::Invalid(msg)) => {
            eprintln!("leerrecht: {msg}");
            return Err(InvalidInput.into());
        }
        r => r?,
    };
    // A 16uur, luxe, te_laat or lrv signal is a draft melding for the school to confirm: the
    // run makes them.
    let run = app.update_signals(actor, &regels, all)?;
    eprintln!(
        "signalen bijgewerkt: {} leerlingen, {} verzuimregels, {} signalen in {} s; {} nieuwe conceptmeldingen; {} ingetrokken (signaal vervallen)",
        run.leerlingen,
        run.rijen,
        run.signalen,
        seconden(started),
        run.concepten,
        run.ingetrokken
    );
    Ok(())
}

fn import(
    app: &App,
    actor: &Actor,
    kind: ImportKind,
    (file, blad): (&std::path::Path, Option<&str>),
    dry_run: bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let done = Arc::new(AtomicBool::new(false));
    let mut ticker = None;
    let report = app.import_met(actor, kind, file, blad, dry_run, &mut |size, read| {
        // A progress bar on a terminal; indicatif draws nothing when stderr is piped.
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .expect("valid template"),
        );
        let done = done.clone();
        ticker = Some(std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                bar.set_position(read.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        }));
    });
    done.store(true, Ordering::Relaxed);
    if let Some(t) = ticker {
        let _ = t.join();
    }
    let report = match report {
        Err(AppError::Io { path, source }) => anyhow::bail!("{path}: {source}"),
        r => r?,
    };
    let name = file.display();
    if !report.errors.is_empty() {
        let mut err = io::stderr().lock();
        let mut lines = std::collections::BTreeSet::new();
        for e in &report.errors {
            writeln!(err, "{name}:{}: {}: {}", e.line, e.column, e.reason)?;
            lines.insert(e.line);
        }
        writeln!(
            err,
            "{name}: nothing was imported: {} invalid row(s) of {}",
            lines.len(),
            report.rows
        )?;
        return Err(InvalidInput.into());
    }
    let c = report.counts;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{name}: {} {} rows ({}) in {secs:.1} s ({:.0} rows/s): {} nieuw, {} gewijzigd, {} ongewijzigd{}",
        if dry_run { "checked" } else { "imported" },
        report.rows,
        report.gelezen.as_deref().unwrap_or("-"),
        report.rows as f64 / secs.max(1e-9),
        c.nieuw,
        c.gewijzigd,
        c.ongewijzigd,
        if dry_run { " (dry run: nothing was written)" } else { "" }
    );
    Ok(())
}

/// Fills the database with the demo on its peildatum (`scale`, `seed`, `peildatum`) and
/// prints, in Dutch, what it made and a login per role.
fn demo(
    db: &str,
    actor: &Actor,
    config: &Config,
    (scale, seed, peildatum): (Scale, u64, NaiveDate),
    csv: Option<PathBuf>,
    verzuim: Option<Jaren>,
    keep_existing: bool,
) -> anyhow::Result<()> {
    use leerrecht_demo::{DemoOptions, Scale as S, ABSENCE_YEARS};
    let scale: S = scale.into();
    let mut options = DemoOptions::new(scale, seed, peildatum);
    match verzuim {
        Some(Jaren(None)) => options.with_absence = false,
        Some(Jaren(Some(years))) => options.absence_years = years,
        None if scale == S::National => options.with_absence = false,
        None => options.absence_years = ABSENCE_YEARS,
    }
    let started = Instant::now();
    if let Some(dir) = csv {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let summary = leerrecht_demo::export_demo(actor, &options, &dir)?;
        println!("{summary}");
        eprintln!(
            "demobestanden geschreven in {} in {} s",
            dir.display(),
            seconden(started)
        );
        return Ok(());
    }
    let app = open(db)?.met_briefmap(config.briefmap());
    if keep_existing && !app.is_leeg()? {
        // The demo is there already: new logins for its accounts, and on to serving it.
        let accounts = checked(leerrecht_demo::Demo(&app).accounts_opnieuw(actor))?;
        println!("De demoregio staat al in deze database; nieuwe inloggegevens:");
        accounts::print_demo_accounts(
            &leerrecht_demo::DemoAccounts {
                accounts,
                token_school: String::new(),
                token: String::new(),
            },
            &totp_opdracht(db),
            &mut io::stdout().lock(),
        )?;
        return Ok(());
    }
    let summary = match leerrecht_demo::Demo(&app).load(actor, &options) {
        Err(AppError::Invalid(msg)) => {
            eprintln!("leerrecht: {msg}");
            return Err(InvalidInput.into());
        }
        r => r?,
    };
    println!("{summary}");
    eprintln!("demo gemaakt in {} s", seconden(started));
    if options.absence_years_effective().is_some() {
        update_signals(&app, actor, config, false)?;
    }
    let afhandelen = options.absence_up_to_peildatum();
    let started = Instant::now();
    let z =
        leerrecht_demo::Demo(&app).zaken(actor, seed, peildatum, &config.escalatie, afhandelen)?;
    let g = &z.geschiedenis;
    println!(
        "thuiszitterslijst: {} registraties, {} thuiszitters met een zaak ({} aanbod op tijd, {} te laat), {} escalaties; {} meldingen bevestigd",
        z.registraties, z.thuiszitters, z.aanbod_op_tijd, z.aanbod_te_laat, z.escalaties, z.meldingen_bevestigd
    );
    if g.thuiszitters > 0 || afhandelen {
        println!(
            "eerdere schooljaren: {} thuiszitters met een zaak ({} aanbod te laat, {} escalaties); conceptmeldingen: {} bevestigd, {} ingetrokken, {} wachten op de school",
            g.thuiszitters,
            g.aanbod_te_laat,
            g.escalaties,
            g.meldingen_bevestigd,
            g.meldingen_ingetrokken,
            g.concepten_wachtend
        );
    }
    eprintln!("zaken en meldingen gemaakt in {} s", seconden(started));
    let verzorgers = leerrecht_demo::Demo(&app).verzorgers(actor, seed)?;
    println!("ouders en verzorgers: {verzorgers} bij de jongeren met een zaak");
    let notities = leerrecht_demo::Demo(&app).zaaknotities(actor, seed, peildatum)?;
    println!("gespreksverslagen en notities: {notities} bij de open zaken");
    let brieven = leerrecht_demo::Demo(&app).brieven(actor, seed)?;
    println!("brieven: {brieven} uitnodigingen aan ouders");
    let handhaving = leerrecht_demo::Demo(&app).handhaving(actor, seed, peildatum)?;
    println!("handhaving: {handhaving} stappen (HALT, processen-verbaal, beslissingen van het OM)");
    let (weg, terug) = leerrecht_demo::Demo(&app).verhuizingen(actor, seed)?;
    if weg + terug > 0 {
        println!("verhuizingen: {weg} jongeren met een open zaak verhuisd naar Zaanstad (zaken overgedragen aan RBL-ZW), {terug} terug uit Zaanstad (zaak overgedragen aan het bureau van de regio)");
    }
    let rmc = leerrecht_demo::Demo(&app).rmc(actor, seed, peildatum)?;
    println!("RMC: {rmc} zaken van voortijdig schoolverlaters van 18 tot 23, met contactpogingen");
    let accounts = leerrecht_demo::Demo(&app).accounts(actor, peildatum)?;
    accounts::print_demo_accounts(&accounts, &totp_opdracht(db), &mut io::stdout().lock())?;
    Ok(())
}

/// Seconds with one decimal and a decimal comma.
fn seconden(started: Instant) -> String {
    format!("{:.1}", started.elapsed().as_secs_f64()).replace('.', ",")
}

/// The command that prints an account's current second-factor code, as it can be run from
/// where the demo was started: this very binary (it need not be on the PATH) on this
/// database.
fn totp_opdracht(db: &str) -> String {
    let exe = std::env::current_exe()
        .ok()
        .map(|exe| {
            std::env::current_dir()
                .ok()
                .and_then(|cwd| exe.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
                .unwrap_or(exe)
        })
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "leerrecht".into());
    format!(
        "{exe} --db {} totp GEBRUIKER",
        leerrecht_store::redact_url(db)
    )
}

/// `leerrecht privacy`: needs no database, only the gate's rules.
fn privacy(what: PrivacyWhat) -> anyhow::Result<()> {
    use leerrecht_app::toegang::{matrix, verwerkingsregister};
    let mut out = io::stdout().lock();
    match what {
        PrivacyWhat::Matrix { format } => match format {
            MatrixFormat::Table => out.write_all(matrix::tabel().as_bytes())?,
            MatrixFormat::Md => out.write_all(matrix::markdown().as_bytes())?,
            MatrixFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &matrix::matrix())?;
                writeln!(out)?;
            }
        },
        PrivacyWhat::Register { verantwoordelijke } => {
            out.write_all(&verwerkingsregister::csv(&verantwoordelijke)?)?
        }
    }
    Ok(())
}
