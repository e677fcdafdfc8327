//! The daily jobs' table and the planner on both databases: a slot is claimed by one server
//! only, a live lease is respected, an expired one is taken over, a finished slot never runs
//! again; and a planner runs each due job once, audited, whichever of two planners looks.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Local, Utc};
use common::Db;
use leerrecht_app::config::Config;
use leerrecht_app::taken::{Planner, Taak};
use leerrecht_app::App;
use leerrecht_store::taken::{TaakClaim, BEWAAR_DAGEN};

fn t0() -> DateTime<Utc> {
    "2026-03-02T05:00:00Z".parse().unwrap()
}

fn s(n: i64) -> Duration {
    Duration::seconds(n)
}

fn claims_and_leases(db: Db) {
    let st = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap();
    let slot = t0();
    let genomen = TaakClaim::Genomen {
        overgenomen_van: None,
    };
    assert_eq!(
        st.taak_claimen("signalen", slot, "a", t0(), t0() + s(60))
            .unwrap(),
        genomen
    );
    // Another server, while A's lease lives: held.
    assert_eq!(
        st.taak_claimen("signalen", slot, "b", t0() + s(1), t0() + s(61))
            .unwrap(),
        TaakClaim::Bezet { houder: "a".into() }
    );
    // Another job's slot of the same moment is a slot of its own.
    assert_eq!(
        st.taak_claimen("escaleren", slot, "b", t0(), t0() + s(60))
            .unwrap(),
        genomen
    );
    // A renews; B cannot renew what it does not hold.
    assert!(st
        .taak_verlengen("signalen", slot, "a", t0() + s(120))
        .unwrap());
    assert!(!st
        .taak_verlengen("signalen", slot, "b", t0() + s(500))
        .unwrap());
    assert!(matches!(
        st.taak_claimen("signalen", slot, "b", t0() + s(100), t0() + s(160))
            .unwrap(),
        TaakClaim::Bezet { .. }
    ));
    // A stops renewing (it died): once the lease ran out, B takes the slot over.
    assert_eq!(
        st.taak_claimen("signalen", slot, "b", t0() + s(121), t0() + s(181))
            .unwrap(),
        TaakClaim::Genomen {
            overgenomen_van: Some("a".into())
        }
    );
    // A, come back, can neither renew nor finish it.
    assert!(!st
        .taak_verlengen("signalen", slot, "a", t0() + s(300))
        .unwrap());
    assert!(!st
        .taak_klaar("signalen", slot, "a", t0() + s(130), "ok: a", 5)
        .unwrap());
    assert!(st
        .taak_klaar("signalen", slot, "b", t0() + s(130), "ok: b", 9000)
        .unwrap());
    assert!(!st
        .taak_klaar("signalen", slot, "b", t0() + s(131), "ok: again", 1)
        .unwrap());
    // A finished slot never runs again, however late someone looks.
    for (h, at) in [("a", 200), ("b", 100_000), ("c", 10)] {
        assert_eq!(
            st.taak_claimen("signalen", slot, h, t0() + s(at), t0() + s(at + 60))
                .unwrap(),
            TaakClaim::Klaar
        );
    }
    let rijen = st.taken().unwrap();
    assert_eq!(rijen.len(), 2);
    let r = rijen.iter().find(|r| r.naam == "signalen").unwrap();
    assert_eq!(
        (
            r.houder.as_str(),
            r.pogingen,
            r.uitkomst.as_deref(),
            r.duur_ms,
            r.gepland_op,
            r.gestart,
            r.klaar
        ),
        (
            "b",
            2,
            Some("ok: b"),
            Some(9000),
            slot,
            t0() + s(121),
            Some(t0() + s(130))
        )
    );
    // The next day is a new slot; finished slots older than the table keeps go when a new
    // one is claimed, unfinished ones stay.
    let later = slot + Duration::days(BEWAAR_DAGEN + 1);
    assert_eq!(
        st.taak_claimen("signalen", later, "c", later, later + s(60))
            .unwrap(),
        genomen
    );
    let namen: Vec<(String, DateTime<Utc>)> = st
        .taken()
        .unwrap()
        .into_iter()
        .map(|r| (r.naam, r.gepland_op))
        .collect();
    assert_eq!(
        namen,
        vec![("escaleren".into(), slot), ("signalen".into(), later)]
    );
}

/// Sixteen servers claim one new slot at the same moment, and then one expired slot: one
/// wins each time.
fn one_claim_wins_a_race(db: Db) {
    let st = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap();
    for (slot, nu) in [(t0(), t0()), (t0(), t0() + s(100))] {
        let claims: Vec<TaakClaim> = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..16)
                .map(|i| {
                    sc.spawn(move || {
                        st.taak_claimen("backup", slot, &format!("s{i}"), nu, nu + s(60))
                            .unwrap()
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let won = claims
            .iter()
            .filter(|c| matches!(c, TaakClaim::Genomen { .. }))
            .count();
        assert_eq!(won, 1, "{claims:?}");
        assert_eq!(
            claims
                .iter()
                .filter(|c| matches!(c, TaakClaim::Bezet { .. }))
                .count(),
            15
        );
    }
    assert_eq!(st.taken().unwrap()[0].pogingen, 2);
}

/// The `[taken]` of a settings file with every job due a minute ago (local time).
fn config(backup_map: &std::path::Path) -> Config {
    let t = (Local::now() - Duration::minutes(1))
        .time()
        .format("%H:%M:%S")
        .to_string();
    Config::parse(&format!(
        "[taken]\nsignalen = \"{t}\"\nescaleren = \"{t}\"\nbewaartermijn = \"{t}\"\n\
         backup = \"{t}\"\nbackup_map = \"{}\"\nlease_seconden = 30\n",
        backup_map.display()
    ))
    .unwrap()
}

fn audit_actions(app: &App) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    app.opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            out.push((
                e.entry.actor,
                e.entry.actie,
                e.entry.record.unwrap_or_default(),
            ));
            Ok(())
        })
        .unwrap();
    out
}

fn each_due_job_runs_once(db: Db) {
    let map = db.dir.path().join("backups");
    let cfg = config(&map);
    let app = Arc::new(App::new(leerrecht_store::open(&db.url).unwrap()));
    let a = Planner::new(app.clone(), cfg.clone(), &db.url);
    let b = Planner::new(
        Arc::new(App::new(leerrecht_store::open(&db.url).unwrap())),
        cfg.clone(),
        &db.url,
    );
    assert_ne!(a.houder(), b.houder());
    let nu = Utc::now();
    let runs = a.ronde(nu).unwrap();
    let mut taken: Vec<Taak> = runs.iter().map(|r| r.taak).collect();
    taken.sort();
    assert_eq!(
        taken,
        vec![
            Taak::Backup,
            Taak::Bewaartermijn,
            Taak::Signalen,
            Taak::Escaleren
        ]
    );
    for r in &runs {
        assert!(r.uitkomst.starts_with("ok: "), "{r:?}");
        assert_eq!(r.overgenomen_van, None);
    }
    // The other server, and the first again: nothing left to do.
    assert!(b.ronde(Utc::now()).unwrap().is_empty());
    assert!(a.ronde(Utc::now()).unwrap().is_empty());
    let files: Vec<_> = std::fs::read_dir(&map).unwrap().collect();
    assert_eq!(files.len(), 1, "one backup file");
    // The table, the status and the audit log tell the same.
    let rijen = app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .taken()
        .unwrap();
    assert_eq!(rijen.len(), 4);
    assert!(rijen
        .iter()
        .all(|r| r.houder == a.houder() && r.klaar.is_some() && r.pogingen == 1));
    let stand = app
        .taken_stand(&leerrecht_app::taken::taken_actor(), &cfg.taken)
        .unwrap();
    assert_eq!(stand.len(), 4);
    assert!(stand.iter().all(|s| s
        .laatste
        .as_ref()
        .is_some_and(|r| r.uitkomst.as_deref().is_some_and(|u| u.starts_with("ok")))));
    let log = audit_actions(&app);
    for taak in ["signalen", "escaleren", "bewaartermijn", "backup"] {
        let van = |actie: &str| {
            log.iter()
                .filter(|(wie, a, r)| {
                    wie == "operator:taken" && a == actie && r.starts_with(&format!("{taak}, "))
                })
                .count()
        };
        assert_eq!(
            (van("taak_gestart"), van("taak")),
            (1, 1),
            "{taak}: {log:?}"
        );
    }
    let n = |actie: &str| log.iter().filter(|(_, a, _)| a == actie).count();
    assert_eq!(n("signalen_bijwerken"), 1);
    assert_eq!(n("backup"), 1);
    // The backup holds the job table as it was: its own slot claimed, not yet finished.
    let kopie = if db.url.starts_with("sqlite") {
        format!("sqlite://{}", db.dir.path().join("kopie.db").display())
    } else {
        leerrecht_testkit::PgCluster::shared().fresh_database()
    };
    let file = std::fs::read_dir(&map)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    leerrecht_store::backup::restore(&kopie, &file, false).unwrap();
    let hersteld = leerrecht_store::open(&kopie).unwrap().taken().unwrap();
    let r = hersteld.iter().find(|r| r.naam == "backup").unwrap();
    assert_eq!((r.houder.as_str(), r.klaar), (a.houder(), None));
    // A slot not yet due, or missed by more than the catch-up window, is not run.
    let later = Planner::new(
        app.clone(),
        Config::parse(&format!(
            "[taken]\nsignalen = \"{}\"\ninhalen_uren = 1\n",
            (Local::now() + Duration::minutes(5)).time().format("%H:%M")
        ))
        .unwrap(),
        &db.url,
    );
    assert!(later.ronde(Utc::now()).unwrap().is_empty());
}

/// A job that fails is recorded as failed, shown so, and not run again that day.
fn a_failed_job_is_finished_as_failed(db: Db) {
    // The backup directory cannot be made: a file is in its way.
    let blok = db.dir.path().join("geen-map");
    std::fs::write(&blok, "").unwrap();
    let cfg = config(&blok.join("backups"));
    let app = Arc::new(App::new(leerrecht_store::open(&db.url).unwrap()));
    let a = Planner::new(app.clone(), cfg.clone(), &db.url);
    let runs = a.ronde(Utc::now()).unwrap();
    assert_eq!(runs.len(), 4);
    for r in &runs {
        assert_eq!(
            r.uitkomst.starts_with("fout: "),
            r.taak == Taak::Backup,
            "{r:?}"
        );
    }
    assert!(a.ronde(Utc::now()).unwrap().is_empty());
    let stand = app
        .taken_stand(&leerrecht_app::taken::taken_actor(), &cfg.taken)
        .unwrap();
    let backup = stand.iter().find(|s| s.taak == Taak::Backup).unwrap();
    let r = backup.laatste.as_ref().unwrap();
    assert!(
        r.klaar.is_some() && r.uitkomst.as_deref().unwrap().contains("geen-map"),
        "{r:?}"
    );
    let log = audit_actions(&app);
    assert!(log
        .iter()
        .any(|(_, a, r)| a == "taak" && r.starts_with("backup, ") && r.contains(": fout: ")));
}

on_both!(
    claims_and_leases,
    one_claim_wins_a_race,
    each_due_job_runs_once,
    a_failed_job_is_finished_as_failed
);

#[test]
fn settings_are_checked() {
    let c = Config::parse(
        "[taken]\nsignalen = \"06:00\"\nbackup = \"01:30\"\nbackup_map = \"/var/backups/leerrecht\"\n",
    )
    .unwrap();
    assert_eq!(c.taken.tijden.len(), 2);
    assert_eq!(c.taken.interval, std::time::Duration::from_secs(30));
    for (bad, word) in [
        ("signalen = \"6 uur\"", "signalen"),
        ("backup = \"01:30\"", "backup_map"),
        ("escaleren = \"24:00\"", "escaleren"),
        ("interval_seconden = 0", "interval_seconden"),
        ("lease_seconden = 1", "lease_seconden"),
        ("inhalen_uren = 30", "inhalen_uren"),
        ("inhalen_uren = 0", "inhalen_uren"),
        ("signalenn = \"06:00\"", "signalenn"),
    ] {
        let e = Config::parse(&format!("[taken]\n{bad}\n")).unwrap_err();
        assert!(e.contains(word), "{bad}: {e}");
    }
    assert!(Config::parse("").unwrap().taken.tijden.is_empty());
}
