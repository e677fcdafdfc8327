//! The documentation cannot drift from the program:
//!
//! - `docs/commands.md` holds, between its generated markers, the long help of every
//!   (sub)command exactly as the built `leerrecht` prints it. Run with
//!   `LEERRECHT_DOCS_BIJWERKEN=1` to rewrite that part instead of comparing it.
//! - `docs/operations.md` names, in its table of every key, each table (or array of tables) and key that
//!   `leerrecht.toml` accepts, and no key the program refuses. What the program accepts is
//!   asked of the program itself: an unknown key makes it name the keys it expected.
//! - `README.md` stays within 8,000 characters and links every document in `docs/` (of the
//!   user guide, its entry page).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const BEGIN: &str = "<!-- BEGIN GENERATED: leerrecht help";
const END: &str = "<!-- END GENERATED -->";

fn docs(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name)
}

/// The built command, with none of the environment that changes what its help says.
fn leerrecht() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_leerrecht"));
    c.env_remove("LEERRECHT_DB")
        .env_remove("LEERRECHT_CONFIG")
        .env_remove("LEERRECHT_LOG")
        .env_remove("LEERRECHT_LOG_FORMAT")
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1");
    c
}

fn help(path: &[String]) -> String {
    let out = leerrecht()
        .args(path)
        .arg("--help")
        .output()
        .expect("the leerrecht command runs");
    assert!(
        out.status.success(),
        "leerrecht {} --help failed: {}",
        path.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("help is UTF-8");
    // Trailing white space is invisible in the document and fragile in review.
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// The subcommands a help text lists under `Commands:` (without clap's own `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The generated part of `docs/commands.md`: the long help of every (sub)command, depth first
/// in the order the program lists them.
fn generated() -> String {
    fn walk(path: Vec<String>, out: &mut String) {
        let text = help(&path);
        let title = std::iter::once("leerrecht")
            .chain(path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let level = if path.len() <= 1 { "###" } else { "####" };
        out.push_str(&format!("{level} `{title}`\n\n```text\n{text}\n```\n\n"));
        for sub in subcommands(&text) {
            let mut p = path.clone();
            p.push(sub);
            walk(p, out);
        }
    }
    let mut out = String::new();
    walk(Vec::new(), &mut out);
    out
}

#[test]
fn the_command_reference_is_the_help_of_the_program() {
    let path = docs("commands.md");
    let doc = std::fs::read_to_string(&path).expect("docs/commands.md is there");
    let begin = doc
        .find(BEGIN)
        .expect("docs/commands.md has its BEGIN GENERATED marker");
    let begin = begin + doc[begin..].find('\n').expect("a line after the marker") + 1;
    let end = doc
        .find(END)
        .expect("docs/commands.md has its END GENERATED marker");
    assert!(
        begin <= end,
        "the markers of docs/commands.md are out of order"
    );
    let want = generated();
    let want = format!("\n{want}");
    if std::env::var("LEERRECHT_DOCS_BIJWERKEN").is_ok_and(|v| v == "1") {
        let new = format!("{}{}{}", &doc[..begin], want, &doc[end..]);
        std::fs::write(&path, new).expect("docs/commands.md can be written");
        return;
    }
    let have = &doc[begin..end];
    if have != want {
        let first = have
            .lines()
            .zip(want.lines())
            .position(|(h, w)| h != w)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
        panic!(
            "docs/commands.md no longer matches the program's help (first difference at line \
             {} of the generated part: document {:?}, program {:?}); rewrite it with \
             LEERRECHT_DOCS_BIJWERKEN=1 cargo test -p leerrecht --test docs",
            first + 1,
            have.lines().nth(first).unwrap_or(""),
            want.lines().nth(first).unwrap_or(""),
        );
    }
}

/// The names the program expected where a settings file held an unknown key: serde's
/// "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn accepted(dir: &Path, table: Option<&str>) -> BTreeSet<String> {
    let file = dir.join("leerrecht.toml");
    let refusal = |text: String| {
        std::fs::write(&file, text).unwrap();
        let db = format!("sqlite://{}", dir.join("leeg.db").display());
        leerrecht()
            .args(["--db", &db, "--config"])
            .arg(&file)
            .arg("signals")
            .output()
            .expect("the leerrecht command runs")
    };
    let mut out = refusal(match table {
        Some(t) => format!("[{t}]\nzz_onbekend = 1\n"),
        None => "zz_onbekend = 1\n".to_string(),
    });
    if let Some(t) = table {
        if String::from_utf8_lossy(&out.stderr).contains("expected a sequence") {
            // An array of tables, like [[oidc]].
            out = refusal(format!("[[{t}]]\nzz_onbekend = 1\n"));
        }
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown key in {table:?} is refused as invalid input: {stderr}"
    );
    let (_, expected) = stderr
        .split_once("expected")
        .unwrap_or_else(|| panic!("the refusal names the expected keys: {stderr}"));
    let expected = expected.lines().next().unwrap_or("");
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_operator_guide_names_every_setting() {
    let doc = std::fs::read_to_string(docs("operations.md")).expect("docs/operations.md is there");
    // The rows of its table of every key: | `[table]` | `key` | …
    let documented: BTreeSet<(String, String)> = doc
        .lines()
        .filter_map(|l| {
            let mut cells = l.split('|').map(str::trim).skip(1);
            // `[table]`, or `[[table]]` for an array of tables.
            let table = cells.next()?.strip_prefix("`[")?.strip_suffix("]`")?;
            let table = table.trim_start_matches('[').trim_end_matches(']');
            let key = cells.next()?.strip_prefix('`')?.strip_suffix('`')?;
            Some((table.to_string(), key.to_string()))
        })
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let tables = accepted(dir.path(), None);
    assert!(
        tables.contains("regels") && tables.contains("taken"),
        "the tables of leerrecht.toml were read from the program: {tables:?}"
    );
    let mut accepted_keys = BTreeSet::new();
    for table in &tables {
        let mut keys = accepted(dir.path(), Some(table));
        if table == "regels" {
            // Read before the rules themselves, so not among the names serde lists.
            keys.insert("geldig_vanaf".to_string());
        }
        assert!(!keys.is_empty(), "[{table}] has keys");
        for key in keys {
            accepted_keys.insert((table.clone(), key));
        }
    }

    let missing: Vec<_> = accepted_keys.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "docs/operations.md does not name these settings in its table of every key: {missing:?}"
    );
    let unknown: Vec<_> = documented.difference(&accepted_keys).collect();
    assert!(
        unknown.is_empty(),
        "docs/operations.md names settings the program does not accept: {unknown:?}"
    );
}

#[test]
fn the_readme_stays_short_and_points_to_every_document() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md is there");
    let chars = readme.chars().count();
    assert!(
        chars <= 8_000,
        "README.md has {chars} characters; what a reader needs beyond the pitch and the two \
         commands belongs in the document of that reader in docs/"
    );
    for entry in std::fs::read_dir(root.join("docs")).expect("docs/ is there") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        // The user guide may be one page per role; the README links its entry page.
        if name.ends_with(".md") && !name.starts_with("handleiding") {
            assert!(
                readme.contains(&format!("(docs/{name})")),
                "README.md's \"Where to read on\" links docs/{name}"
            );
        }
    }
}
