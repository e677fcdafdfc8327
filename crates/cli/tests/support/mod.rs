//! Shared by the integration tests of the binary: running it, serving it, valid identifiers,
//! and comparing whole-database dumps.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use leerrecht_store::backup::Dump;

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
    let mut child = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start leerrecht serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the server's first line");
    let origin = line
        .trim()
        .strip_prefix("leerrecht: API on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches("/api/v1")
        .to_string();
    (child, origin)
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
