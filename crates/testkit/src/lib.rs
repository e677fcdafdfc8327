//! Test support for leerrecht.
//!
//! * [`PgCluster`]: a throwaway PostgreSQL cluster started from the system's
//!   server binaries (`initdb`, `pg_ctl`, `postgres`), listening on
//!   `127.0.0.1` on a free port, with trust authentication for the superuser
//!   `postgres`. [`PgCluster::shared`] gives one cluster per test process,
//!   [`PgCluster::fresh_database`] a new, empty database in it.
//! * [`sqlite_url`]: the URL of a SQLite file inside a temporary directory.
//!
//! # Clean-up
//!
//! Every cluster is guarded by a small *watchdog*: a `sh` process started
//! before `initdb` whose standard input is a pipe that only this process
//! writes to (and never does). The watchdog blocks reading that pipe; once it
//! sees end-of-file it stops the server (`pg_ctl -m immediate stop`) and
//! removes the cluster's directory. The pipe reaches end-of-file when
//!
//! * the [`PgCluster`] is dropped (its `Drop` closes the pipe and waits for
//!   the watchdog to finish), or
//! * the test process ends in any way at all — normal exit, panic, abort, or
//!   `SIGKILL` — because the kernel closes the process's descriptors.
//!
//! The latter is what cleans up [`PgCluster::shared`], which lives in a
//! `static` and is therefore never dropped. On a normal exit (including the
//! test harness finishing) it is also stopped synchronously, through an
//! `atexit` handler (the C library's, declared directly, no `libc` crate),
//! so the server is gone before the process is; after a crash or `SIGKILL`
//! the watchdog does it a moment later. The watchdog runs in its own
//! process group and ignores `SIGINT`/`SIGTERM`/`SIGHUP`, so a Ctrl-C or a test
//! runner killing the test's process group does not take it down before it
//! has done its job; `pg_ctl` starts the server in its own session anyway.
//! Neither the watchdog nor the server hold the test's stdout or stderr, so
//! test runners do not see them as leaked.
//!
//! # Running as root
//!
//! PostgreSQL refuses to run as root. When this process's effective user is
//! root, `initdb`/`pg_ctl` run as the unprivileged `postgres` system user (the
//! Debian package creates it; it is created with `useradd` if missing) through
//! `runuser` (or `setpriv`), and the cluster's directory, made under `/tmp`,
//! is handed to that user with `chown`.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once, OnceLock};

/// The superuser `initdb` creates (`-U postgres`).
pub const SUPERUSER: &str = "postgres";

/// The unprivileged OS user the server runs as when the tests run as root.
const SERVER_OS_USER: &str = "postgres";

/// Where the Debian/Ubuntu packages put each major version's binaries.
const DEBIAN_PG_ROOT: &str = "/usr/lib/postgresql";

/// How often starting is retried when the chosen port was taken meanwhile.
const START_ATTEMPTS: usize = 5;

const MISSING_BINARIES: &str = "PostgreSQL server binaries not found: install the postgresql \
     package (the test command `bash scripts/test.sh` does this), e.g. \
     `apt-get install -y --no-install-recommends postgresql`";

/// A throwaway PostgreSQL cluster, listening on `127.0.0.1:<port>`.
///
/// Stopped and deleted on drop, or when the process ends (see the crate
/// documentation).
#[derive(Debug)]
pub struct PgCluster {
    bin_dir: PathBuf,
    root: PathBuf,
    port: u16,
    next_db: AtomicU64,
    watchdog: Watchdog,
}

impl PgCluster {
    /// The cluster shared by every test of this process, started on first use.
    ///
    /// It is never dropped; its watchdog stops it and removes its directory
    /// when the process ends. Under `cargo nextest` every test is its own
    /// process, so every test that calls this gets its own cluster.
    pub fn shared() -> &'static PgCluster {
        static SHARED: OnceLock<PgCluster> = OnceLock::new();
        static AT_EXIT: Once = Once::new();

        /// Stops the shared cluster at a normal process exit, so that it is
        /// gone by the time the process is (the watchdog alone would do it
        /// a moment later).
        extern "C" fn stop_shared() {
            // Unwinding out of an `extern "C"` function would abort.
            let _ = std::panic::catch_unwind(|| {
                if let Some(cluster) = SHARED.get() {
                    cluster.watchdog.finish();
                }
            });
        }

        let cluster = SHARED.get_or_init(PgCluster::start);
        AT_EXIT.call_once(|| {
            extern "C" {
                // The C library's, which std links anyway.
                fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
            }
            // SAFETY: `atexit` only records the callback, which takes no
            // arguments, cannot unwind and only touches a `static`.
            unsafe {
                atexit(stop_shared);
            }
        });
        cluster
    }

    /// Initialises and starts a new cluster of the caller's own.
    ///
    /// # Panics
    ///
    /// If the server binaries are missing or `initdb`/`pg_ctl` fail; the
    /// message says what is missing or contains the tool's output.
    pub fn start() -> PgCluster {
        let bin_dir = find_bin_dir();
        let as_root = running_as_root();
        if as_root {
            ensure_os_user(SERVER_OS_USER);
        }

        let mut builder = tempfile::Builder::new();
        builder.prefix("leerrecht-pg-");
        // Under root, TMPDIR may point somewhere the `postgres` user cannot
        // reach (such as /root/...); /tmp is always traversable.
        let tmp = if as_root {
            builder.tempdir_in("/tmp")
        } else {
            builder.tempdir()
        }
        .unwrap_or_else(|e| panic!("cannot create a temporary directory for PostgreSQL: {e}"));
        // From here on the watchdog owns the directory's removal.
        let root = tmp.keep();
        let runner = Runner { as_root };
        if as_root {
            run_checked(
                Command::new("chown")
                    .arg("-R")
                    .arg(SERVER_OS_USER)
                    .arg(&root),
            );
        }
        let watchdog = Watchdog::spawn(&root, &bin_dir.join("pg_ctl"), &runner);

        let mut cluster = PgCluster {
            bin_dir,
            root,
            port: 0,
            next_db: AtomicU64::new(0),
            watchdog,
        };
        cluster.initdb(&runner);
        cluster.start_server(&runner);
        cluster
    }

    /// Creates a new, empty database with a unique name and returns its URL,
    /// `postgres://postgres@127.0.0.1:<port>/<name>`.
    pub fn fresh_database(&self) -> String {
        let n = self.next_db.fetch_add(1, Ordering::Relaxed);
        let name = format!("test_{}_{n}", std::process::id());
        let createdb = self.tool("createdb");
        run_checked(
            client_command(&createdb)
                .arg("--host=127.0.0.1")
                .arg(format!("--port={}", self.port))
                .arg(format!("--username={SUPERUSER}"))
                .arg("--no-password")
                .arg(&name),
        );
        self.url(&name)
    }

    /// The URL of database `dbname` in this cluster, connecting as the
    /// superuser over TCP.
    pub fn url(&self, dbname: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{dbname}", self.port)
    }

    /// The TCP port the server listens on (on `127.0.0.1`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the server binaries in use.
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// The data directory (`PGDATA`).
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The directory holding the server's Unix-domain socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("socket")
    }

    /// The server's log file.
    pub fn log_file(&self) -> PathBuf {
        self.root.join("server.log")
    }

    /// A client tool (`psql`, `createdb`, ...) matching the server's version:
    /// from [`bin_dir`](Self::bin_dir), else found in `PATH`.
    pub fn tool(&self, name: &str) -> PathBuf {
        let own = self.bin_dir.join(name);
        if own.is_file() {
            return own;
        }
        find_in_path(name).unwrap_or_else(|| {
            panic!(
                "PostgreSQL client tool `{name}` not found in {} nor in PATH: install the \
                 postgresql package (the test command `bash scripts/test.sh` does this)",
                self.bin_dir.display()
            )
        })
    }

    fn initdb(&self, runner: &Runner) {
        let initdb = self.bin_dir.join("initdb");
        let mut cmd = runner.command(&initdb);
        cmd.current_dir(&self.root)
            .arg("--pgdata")
            .arg(self.data_dir())
            .arg(format!("--username={SUPERUSER}"))
            .args(["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
        run_checked(&mut cmd);
        fs::create_dir(self.socket_dir())
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", self.socket_dir().display()));
        if runner.as_root {
            run_checked(
                Command::new("chown")
                    .arg(SERVER_OS_USER)
                    .arg(self.socket_dir()),
            );
        }
    }

    /// Stops the server at once (`pg_ctl stop -m fast`: open sessions are cut off), keeping
    /// its data: for tests of a database that goes away. [`start_again`](Self::start_again)
    /// brings it back on the same port.
    pub fn stop(&self) {
        let runner = Runner {
            as_root: running_as_root(),
        };
        let mut cmd = runner.command(&self.bin_dir.join("pg_ctl"));
        cmd.current_dir(&self.root)
            .arg("--pgdata")
            .arg(self.data_dir())
            .args(["-w", "-t", "60", "-m", "fast", "stop"]);
        run_checked(&mut cmd);
    }

    /// Starts a server stopped by [`stop`](Self::stop) again, on its port.
    pub fn start_again(&self) {
        let runner = Runner {
            as_root: running_as_root(),
        };
        let (cmd, output) = self.pg_ctl_start(&runner, self.port);
        assert!(
            output.status.success(),
            "cannot start PostgreSQL again: {}",
            describe_failure(&cmd, &output)
        );
    }

    fn pg_ctl_start(&self, runner: &Runner, port: u16) -> (Command, std::process::Output) {
        let pg_ctl = self.bin_dir.join("pg_ctl");
        // pg_ctl hands these to a shell, hence the quoting.
        let options = format!(
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -k '{}' -c listen_addresses=127.0.0.1 -p {port}",
            self.socket_dir().display()
        );
        let mut cmd = runner.command(&pg_ctl);
        cmd.current_dir(&self.root)
            .arg("--pgdata")
            .arg(self.data_dir())
            .arg("--log")
            .arg(self.log_file())
            .args(["-w", "-t", "60", "-o"])
            .arg(options)
            .arg("start");
        let output = run(&mut cmd);
        (cmd, output)
    }

    fn start_server(&mut self, runner: &Runner) {
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            let port = free_port();
            let (cmd, output) = self.pg_ctl_start(runner, port);
            if output.status.success() {
                self.port = port;
                return;
            }
            let log = fs::read_to_string(self.log_file()).unwrap_or_default();
            failures.push(format!(
                "{}\n--- server log ---\n{}",
                describe_failure(&cmd, &output),
                tail(&log, 30)
            ));
            if !log.contains("could not bind") && !log.contains("already in use") {
                break;
            }
            // Someone took the port between probing and starting: retry
            // with a fresh log.
            let _ = fs::remove_file(self.log_file());
        }
        panic!(
            "cannot start PostgreSQL in {}:\n{}",
            self.root.display(),
            failures.join("\n\n")
        );
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.watchdog.finish();
    }
}

/// The URL of the SQLite database file `test.db` inside `dir`:
/// `sqlite://<dir>/test.db`.
pub fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}/test.db", dir.path().display())
}

/// The process that stops the server and removes its directory once its
/// standard input, a pipe only this process holds, is closed.
#[derive(Debug)]
struct Watchdog {
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
    root: PathBuf,
}

const WATCHDOG_SCRIPT: &str = r#"
trap '' INT TERM HUP
cat >/dev/null
root=$1
shift
if [ -f "$root/data/postmaster.pid" ]; then
    "$@" --pgdata "$root/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    # Should stopping have failed, do not leave a server behind.
    if [ -f "$root/data/postmaster.pid" ]; then
        pid=$(head -n 1 "$root/data/postmaster.pid")
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    fi
fi
rm -rf "$root"
"#;

impl Watchdog {
    fn spawn(root: &Path, pg_ctl: &Path, runner: &Runner) -> Watchdog {
        let mut cmd = client_command("sh");
        cmd.arg("-c")
            .arg(WATCHDOG_SCRIPT)
            .arg("leerrecht-pg-watchdog")
            .arg(root);
        if runner.as_root {
            cmd.args(runner.prefix());
        }
        cmd.arg(pg_ctl)
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Out of the test's process group: survives Ctrl-C and runners
            // killing that group, so it can still clean up.
            .process_group(0);
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            let _ = fs::remove_dir_all(root);
            panic!("cannot start the PostgreSQL clean-up watchdog (sh): {e}")
        });
        let stdin = child.stdin.take();
        Watchdog {
            child: Mutex::new(child),
            stdin: Mutex::new(stdin),
            root: root.to_owned(),
        }
    }

    /// Closes the pipe and waits until the server is stopped and the
    /// directory removed.
    fn finish(&self) {
        let stdin = self.stdin.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(stdin);
        let _ = self.child.lock().unwrap_or_else(|e| e.into_inner()).wait();
        // In case the watchdog could not do its job.
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// Runs server tools either directly or, as root, as the `postgres` user.
struct Runner {
    as_root: bool,
}

impl Runner {
    fn prefix(&self) -> Vec<OsString> {
        if !self.as_root {
            return Vec::new();
        }
        if let Some(runuser) = find_in_path("runuser").or_else(|| find_in_sbin("runuser")) {
            return vec![
                runuser.into(),
                "-u".into(),
                SERVER_OS_USER.into(),
                "--".into(),
            ];
        }
        if let Some(setpriv) = find_in_path("setpriv").or_else(|| find_in_sbin("setpriv")) {
            return vec![
                setpriv.into(),
                format!("--reuid={SERVER_OS_USER}").into(),
                format!("--regid={SERVER_OS_USER}").into(),
                "--init-groups".into(),
                "--".into(),
            ];
        }
        panic!(
            "running as root, but neither `runuser` nor `setpriv` (util-linux) was found to run \
             PostgreSQL as the `{SERVER_OS_USER}` user; PostgreSQL refuses to run as root"
        );
    }

    fn command(&self, program: &Path) -> Command {
        let prefix = self.prefix();
        let mut cmd = match prefix.split_first() {
            Some((first, rest)) => {
                let mut cmd = client_command(first);
                cmd.args(rest).arg(program);
                cmd
            }
            None => client_command(program),
        };
        cmd.stdin(Stdio::null());
        cmd
    }
}

/// A command for a PostgreSQL tool, without the caller's `PG*` environment
/// (`PGHOST`, `PGDATA`, ...) that could redirect it elsewhere.
fn client_command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for (key, _) in std::env::vars_os() {
        if key.as_encoded_bytes().starts_with(b"PG") {
            cmd.env_remove(key);
        }
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// The bin directory of the highest PostgreSQL version under
/// `/usr/lib/postgresql`, else the directory of the `initdb` found in `PATH`.
fn find_bin_dir() -> PathBuf {
    let has_server = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|tool| dir.join(tool).is_file())
    };
    let mut versions: Vec<(Vec<u64>, PathBuf)> = fs::read_dir(DEBIAN_PG_ROOT)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<Vec<u64>>>()?;
            let bin = entry.path().join("bin");
            has_server(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    find_in_path("initdb")
        .and_then(|initdb| fs::canonicalize(initdb).ok())
        .and_then(|initdb| initdb.parent().map(Path::to_owned))
        .filter(|dir| has_server(dir))
        .unwrap_or_else(|| panic!("{MISSING_BINARIES}"))
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn find_in_sbin(name: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|candidate| candidate.is_file())
}

/// Whether the effective user is root, from `/proc/self/status` (else `id -u`).
fn running_as_root() -> bool {
    if let Ok(status) = fs::read_to_string("/proc/self/status") {
        if let Some(uids) = status.lines().find_map(|l| l.strip_prefix("Uid:")) {
            // Real, effective, saved, filesystem.
            if let Some(effective) = uids.split_whitespace().nth(1) {
                return effective == "0";
            }
        }
    }
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Creates the system user `name` if it does not exist.
fn ensure_os_user(name: &str) {
    let exists = || {
        Command::new("id")
            .arg("-u")
            .arg(name)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if exists() {
        return;
    }
    let useradd = find_in_path("useradd")
        .or_else(|| find_in_sbin("useradd"))
        .unwrap_or_else(|| {
            panic!("running as root and the `{name}` user is missing, but `useradd` was not found")
        });
    let mut cmd = Command::new(useradd);
    cmd.args(["--system", "--user-group", "--no-create-home"])
        .args(["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin"])
        .arg(name);
    let output = run(&mut cmd);
    // Another test process may have created it meanwhile.
    if !output.status.success() && !exists() {
        panic!(
            "running as root, PostgreSQL must run as the `{name}` user, which cannot be \
             created:\n{}",
            describe_failure(&cmd, &output)
        );
    }
}

/// A free TCP port on 127.0.0.1, as far as one can tell without holding it.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("cannot find a free TCP port on 127.0.0.1: {e}"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| {
        if e.kind() == ErrorKind::NotFound {
            panic!("cannot run {cmd:?}: not found. {MISSING_BINARIES}")
        }
        panic!("cannot run {cmd:?}: {e}")
    })
}

fn run_checked(cmd: &mut Command) -> Output {
    let output = run(cmd);
    if !output.status.success() {
        panic!("{}", describe_failure(cmd, &output));
    }
    output
}

fn describe_failure(cmd: &Command, output: &Output) -> String {
    format!(
        "{cmd:?} failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim_end(),
        String::from_utf8_lossy(&output.stderr).trim_end()
    )
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select_1(cluster: &PgCluster, url: &str) -> String {
        let output = run_checked(
            client_command(cluster.tool("psql"))
                .arg(url)
                .args(["-tAc", "select 1"]),
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    #[test]
    fn shared_cluster_serves_fresh_databases() {
        let cluster = PgCluster::shared();
        assert!(std::ptr::eq(cluster, PgCluster::shared()));
        let a = cluster.fresh_database();
        let b = cluster.fresh_database();
        assert_ne!(a, b);
        let prefix = format!("postgres://postgres@127.0.0.1:{}/", cluster.port());
        assert!(a.starts_with(&prefix), "{a}");
        assert!(b.starts_with(&prefix), "{b}");
        assert_eq!(select_1(cluster, &a), "1");
        assert_eq!(select_1(cluster, &b), "1");
    }

    #[test]
    fn own_cluster_is_stopped_and_removed_on_drop() {
        let cluster = PgCluster::start();
        let url = cluster.fresh_database();
        assert_eq!(select_1(&cluster, &url), "1");
        let data = cluster.data_dir();
        let pid_line = fs::read_to_string(data.join("postmaster.pid")).unwrap();
        let pid = pid_line.lines().next().unwrap().trim().to_owned();
        assert!(Path::new("/proc").join(&pid).exists());
        let port = cluster.port();

        drop(cluster);
        assert!(!data.exists(), "{} still exists", data.display());
        // The postmaster is gone (or at most a zombie of pg_ctl's, reaped
        // by init): it no longer accepts connections.
        assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
        let state = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        assert!(
            state.is_empty() || state.contains(") Z "),
            "postmaster {pid} still running"
        );
    }

    #[test]
    fn sqlite_url_points_into_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(&dir);
        assert_eq!(url, format!("sqlite://{}/test.db", dir.path().display()));
    }
}
