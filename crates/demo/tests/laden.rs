//! The demo region in a store: it loads into an empty database only, and both databases hold
//! the same region for the same seed.

#[path = "../../app/tests/common/mod.rs"]
mod common;

use common::*;
use leerrecht_app::Actor;
use leerrecht_demo::{Demo, DemoOptions, Scale};

on_both!(demo_region_loads_and_refuses_a_second_time);

fn demo_region_loads_and_refuses_a_second_time(db: Db) {
    let actor = Actor::local_operator();
    let today = d("2026-11-25");
    let s = Demo(&db.app)
        .load(&actor, &DemoOptions::new(Scale::Tiny, 3, today))
        .unwrap();
    let o = db.app.overzicht(&actor, today).unwrap();
    assert_eq!(o.gemeenten.len(), 7);
    assert_eq!(
        o.gemeenten.iter().map(|g| g.jongeren).sum::<u64>(),
        s.jongeren
    );
    assert!(o.gemeenten.iter().any(|g| g.naam == "Haarlem"));
    // Every person the demo made is listed, each with a valid identifier.
    assert_eq!(db.people("2026-11-25").len() as u64, s.jongeren);
    let err = Demo(&db.app).load(&actor, &DemoOptions::new(Scale::Tiny, 3, today));
    assert!(err.is_err());
}

/// Both databases hold the same demo region for the same seed, to the last count.
#[test]
fn sqlite_and_postgres_agree_on_the_demo_region() {
    let (a, b) = (sqlite(), postgres());
    let actor = Actor::local_operator();
    let today = d("2026-11-25");
    for db in [&a, &b] {
        Demo(&db.app)
            .load(&actor, &DemoOptions::new(Scale::Tiny, 11, today))
            .unwrap();
    }
    for on in ["2017-10-01", "2021-03-15", "2026-11-25"] {
        assert_eq!(
            a.app.overzicht(&actor, d(on)).unwrap().gemeenten,
            b.app.overzicht(&actor, d(on)).unwrap().gemeenten,
            "{on}"
        );
        assert_eq!(a.people(on), b.people(on), "{on}");
    }
    // The demo's absence makes the same signals on both.
    let signals = |db: &Db| {
        let config = leerrecht_app::config::Config::default();
        let regels = db.app.regels(&actor, &config, today).unwrap();
        let run = db.app.update_signals(&actor, &regels, false).unwrap();
        let mut out = Vec::new();
        db.app
            .list_signals(&actor, today, None, true, &mut |s| {
                out.push(format!(
                    "{} {:?} {} {} {}",
                    s.leerling, s.school, s.regel, s.datum, s.uitleg
                ));
                Ok(())
            })
            .unwrap();
        (run, out)
    };
    let (run_a, list_a) = signals(&a);
    let (run_b, list_b) = signals(&b);
    // What a run rewrites is each store's own business (SQLite only what changed).
    let counts = |r: leerrecht_store::SignaalRun| (r.leerlingen, r.rijen, r.signalen, r.concepten);
    assert_eq!(counts(run_a), counts(run_b));
    assert!(run_a.rijen > 1000, "the demo has absence: {run_a:?}");
    for regel in ["16uur", "signaal", "te_laat", "mazl_7dagen", "av"] {
        assert!(
            list_a.iter().any(|s| s.contains(&format!(" {regel} "))),
            "no {regel} signal"
        );
    }
    assert_eq!(list_a, list_b);
}
