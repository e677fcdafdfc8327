//! `leerrecht backup` and `restore` on both databases: a restored copy holds everything the
//! original held, a backup taken while another process writes is the state of one moment,
//! and restore refuses what it should.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use leerrecht_store::backup::{dump, Dump};
use leerrecht_testkit::PgCluster;
use support::*;

/// The permission bits of a file.
fn mode(f: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(f)
        .unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        .permissions()
        .mode()
        & 0o777
}

fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}/{name}", dir.display())
}

/// Two fresh databases of one kind: the original and where its backup goes.
fn pair(kind: &str, dir: &Path) -> (String, String) {
    match kind {
        "sqlite" => (sqlite_url(dir, "bron.db"), sqlite_url(dir, "terug.db")),
        _ => {
            let pg = PgCluster::shared();
            (pg.fresh_database(), pg.fresh_database())
        }
    }
}

/// Everything comes back: every table equal, the audit log equal up to the restore's own
/// entry, which follows it; the chain verifies; the restored database works.
fn restore_gives_back_everything(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = pair(kind, dir.path());
    ok(
        &src,
        dir.path(),
        &["demo", "--no-serve", "--scale", "tiny", "--seed", "3"],
    );
    let file = dir.path().join("kopie.bak");
    let before = dump(&src).unwrap();
    let out = ok(&src, dir.path(), &["backup", file.to_str().unwrap()]);
    assert!(out.starts_with("backup geschreven"), "{out}");
    assert_eq!(mode(&file), 0o600, "a backup is for its owner's eyes only");
    if kind == "sqlite" {
        // (Its WAL, gone once the last connection closed, takes the same mode from SQLite.)
        assert_eq!(
            mode(&dir.path().join("bron.db")),
            0o600,
            "a new database file"
        );
    }
    assert!(!dir.path().join("kopie.bak.onvolledig").exists());

    let out = ok(&dst, dir.path(), &["restore", file.to_str().unwrap()]);
    assert!(out.starts_with("teruggezet"), "{out}");
    let after = dump(&dst).unwrap();
    assert_eq!(differing_tables(&before, &after), Vec::<String>::new());
    assert!(audit_prefix(&before, &after));
    let added = new_audit_actions(&before, &after);
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].contains("restore"), "{added:?}");
    assert!(ok(&dst, dir.path(), &["audit", "verify"]).starts_with("audit log intact"));
    // The copy is a working database: the same figures, and signals up to date already.
    let peil = ["overzicht", "--as-of", "2025-10-01", "--format", "json"];
    assert_eq!(ok(&src, dir.path(), &peil), ok(&dst, dir.path(), &peil));
    let signals = ["signals", "--as-of", "2025-10-01"];
    assert_eq!(
        ok(&src, dir.path(), &signals),
        ok(&dst, dir.path(), &signals)
    );

    // A database with data in it is refused, and nothing in it changes; --force replaces it.
    let refused = run(&dst, dir.path(), &["restore", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));
    let forced = ok(
        &dst,
        dir.path(),
        &["restore", "--force", file.to_str().unwrap()],
    );
    assert!(forced.starts_with("teruggezet"));
    let again = dump(&dst).unwrap();
    assert_eq!(differing_tables(&before, &again), Vec::<String>::new());
    assert!(ok(&dst, dir.path(), &["audit", "verify"]).starts_with("audit log intact"));
    // Never overwrites an existing file.
    let twice = run(&src, dir.path(), &["backup", file.to_str().unwrap()]);
    assert_eq!(twice.status.code(), Some(1));
}

/// A file that is not a backup, one cut short, and a backup of the other kind of database
/// are refused before anything is written.
fn damaged_and_foreign_backups_are_refused(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = pair(kind, dir.path());
    ok(&src, dir.path(), &["demo", "--no-serve", "--scale", "tiny"]);
    let file = dir.path().join("kopie.bak");
    ok(&src, dir.path(), &["backup", file.to_str().unwrap()]);
    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path().join("afgebroken.bak");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let junk = dir.path().join("rommel.bak");
    std::fs::write(&junk, "code;soort;naam\n").unwrap();
    for f in [&cut, &junk] {
        let out = run(&dst, dir.path(), &["restore", f.to_str().unwrap()]);
        assert_ne!(out.status.code(), Some(0), "{}", f.display());
        let dumped = dump(&dst).unwrap_or_default();
        assert!(
            dumped.get("jongeren").is_none_or(|rows| rows.is_empty()),
            "a refused restore wrote persons"
        );
    }
    // The other kind of database.
    let other = match kind {
        "sqlite" => PgCluster::shared().fresh_database(),
        _ => sqlite_url(dir.path(), "ander.db"),
    };
    let out = run(&other, dir.path(), &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("restores into"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Backups taken while another process keeps importing (one new person per import) are each
/// the database of one moment: the persons of the first m imports, no more, no less; the
/// audit log a prefix of the original's, with an entry for each of those imports but perhaps
/// the last (its entry follows its commit); the chain intact.
fn backup_while_another_process_writes(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (src, _) = pair(kind, dir.path());
    ok(&src, dir.path(), &["demo", "--no-serve", "--scale", "tiny"]);
    let bsns: Vec<u32> = (0..400)
        .scan(300_000_000, |next, _| {
            let b = bsn(*next, 0);
            *next = b + 1;
            Some(b)
        })
        .collect();
    // The demo reads in files of its own (its moves): the writer's imports come after them.
    let import_entries = |d: &Dump| {
        audit_entries(d)
            .iter()
            .filter(|(_, r)| r.contains("import_jongeren") && !r.contains("gestart"))
            .count()
    };
    let vooraf = import_entries(&dump(&src).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (src, path, stop, bsns) = (
            src.clone(),
            dir.path().to_path_buf(),
            stop.clone(),
            bsns.clone(),
        );
        std::thread::spawn(move || {
            let mut k = 0;
            let mut csv =
                String::from("bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n");
            while !stop.load(Ordering::Relaxed) && k < bsns.len() {
                csv.push_str(&format!(
                    "{:09};;Schrijver;Nr {k};2012-01-01;GM0392\n",
                    bsns[k]
                ));
                let f = path.join("erbij.csv");
                std::fs::write(&f, &csv).unwrap();
                ok(&src, &path, &["import", "jongeren", f.to_str().unwrap()]);
                k += 1;
            }
            k
        })
    };
    let mut files = Vec::new();
    for i in 0..3 {
        std::thread::sleep(Duration::from_millis(700));
        let f = dir.path().join(format!("tijdens-{i}.bak"));
        ok(&src, dir.path(), &["backup", f.to_str().unwrap()]);
        files.push(f);
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    let final_state = dump(&src).unwrap();
    let mut seen = Vec::new();
    for f in &files {
        let dst = match kind {
            "sqlite" => sqlite_url(
                dir.path(),
                &format!("{}.db", f.file_stem().unwrap().to_str().unwrap()),
            ),
            _ => PgCluster::shared().fresh_database(),
        };
        ok(&dst, dir.path(), &["restore", f.to_str().unwrap()]);
        let d = dump(&dst).unwrap();
        let persons = d["jongeren"].join("\n");
        let m = bsns
            .iter()
            .take_while(|b| persons.contains(&format!("{b:09}")))
            .count();
        for b in &bsns[m..] {
            assert!(!persons.contains(&format!("{b:09}")), "person after a gap");
        }
        let imports = import_entries(&d) - vooraf;
        assert!(
            imports == m || imports + 1 == m,
            "{m} persons, {imports} import entries"
        );
        // The original's log, as far as the copy goes, then the restore's own entry.
        let mine = audit_entries(&d);
        let theirs = audit_entries(&final_state);
        assert!(mine.len() <= theirs.len() + 1);
        assert!(mine[..mine.len() - 1]
            .iter()
            .zip(&theirs)
            .all(|(a, b)| a == b));
        assert!(ok(&dst, dir.path(), &["audit", "verify"]).starts_with("audit log intact"));
        seen.push(m);
    }
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
}

/// The tests of each scenario (`fn(kind: &str)`): on SQLite and on PostgreSQL.
macro_rules! on_both_kinds {
    ($($scenario:ident: $sqlite:ident, $postgres:ident;)+) => {
        $(
            #[test]
            fn $sqlite() {
                $scenario("sqlite");
            }

            #[test]
            fn $postgres() {
                $scenario("postgres");
            }
        )+
    };
}

on_both_kinds! {
    restore_gives_back_everything: restore_gives_back_everything_sqlite, restore_gives_back_everything_postgres;
    damaged_and_foreign_backups_are_refused: damaged_and_foreign_backups_are_refused_sqlite, damaged_and_foreign_backups_are_refused_postgres;
    backup_while_another_process_writes: backup_while_another_process_writes_sqlite, backup_while_another_process_writes_postgres;
}
