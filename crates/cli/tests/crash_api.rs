//! Crash safety of bulk intake over HTTP: `leerrecht serve` is killed (SIGKILL) at random
//! moments while a school system sends batches of absence, one after another, each batch
//! giving every row a minute count of its own. After each kill and restart:
//!
//! * every batch the server acknowledged (200) is there: the stored minutes are those of the
//!   last acknowledged batch, or of the one under way at the kill;
//! * no batch is there in part: every row holds the same batch's minutes;
//! * the audit chain verifies.
//!
//! Rounds per database: `LEERRECHT_CRASH_RONDES` (default 2); the moments come from
//! `LEERRECHT_CRASH_SEED` (default: the clock; printed, to repeat a run).

mod support;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_testkit::PgCluster;
use serde_json::json;
use support::*;

const DAYS: [&str; 5] = [
    "2025-02-03",
    "2025-02-04",
    "2025-02-05",
    "2025-02-06",
    "2025-02-07",
];

/// The token the demo printed, and the pupils of its school enrolled on every day sent.
fn token_and_pupils(
    db: &str,
    dir: &std::path::Path,
    demo_out: &str,
) -> (String, String, Vec<String>) {
    let token = demo_out
        .split_whitespace()
        .find(|w| w.starts_with("lrt_"))
        .expect("the demo prints a token")
        .to_string();
    let school = token_school(&ok(db, dir, &["token", "list"]));
    let enrolled = |on: &str| -> BTreeSet<String> {
        let csv = ok(db, dir, &["jongeren", "--as-of", on, "--format", "csv"]);
        enrolled_at(&csv, &school).into_iter().collect()
    };
    let pupils: Vec<String> = enrolled(DAYS[0])
        .intersection(&enrolled(DAYS[4]))
        .cloned()
        .collect();
    assert!(pupils.len() >= 10, "pupils of {school}: {}", pupils.len());
    (token, school, pupils)
}

/// The minutes stored for each (pupil, day) sent, read from the store itself.
fn stored_minutes(db: &str, pupils: &[String]) -> BTreeSet<Option<u32>> {
    let store = leerrecht_store::open(db).unwrap();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut seen = BTreeSet::new();
    for p in pupils {
        let rows = store
            .verzuim_van(LeerlingId::from_str(p).unwrap(), day(DAYS[0]), day(DAYS[4]))
            .unwrap();
        for d in DAYS {
            seen.insert(
                rows.iter()
                    .find(|r| r.datum == day(d) && r.soort == "ongeoorloofd")
                    .map(|r| r.minuten),
            );
        }
    }
    seen
}

fn intake_survives_kills(sqlite: bool) {
    let (rounds, seed) = crash_rounds_and_seed();
    let rounds = rounds.max(1);
    eprintln!("API crash test: {rounds} rounds, LEERRECHT_CRASH_SEED={seed}");
    let mut rng = seed;
    let mut below = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let dir = tempfile::tempdir().unwrap();
    let db = if sqlite {
        format!("sqlite://{}/werk.db", dir.path().display())
    } else {
        PgCluster::shared().fresh_database()
    };
    let demo_out = ok(
        &db,
        dir.path(),
        &["demo", "--no-serve", "--scale", "tiny", "--verzuim", "geen"],
    );
    let (token, school, pupils) = token_and_pupils(&db, dir.path(), &demo_out);

    for round in 0..rounds {
        // Batch n of the round gives every row 10 + n minutes; the first batch is 1. Once one
        // is acknowledged, it has overwritten whatever the round before left.
        let sent = Arc::new(AtomicU64::new(0));
        let (mut server, origin) = serve(&db, &[], Stdio::null());
        let base = format!("{origin}/api/v1");
        let stop = Arc::new(AtomicBool::new(false));
        let last_ack = Arc::new(AtomicU64::new(0));
        let sender = {
            let (stop, sent, last_ack) = (stop.clone(), sent.clone(), last_ack.clone());
            let (token, school, pupils) = (token.clone(), school.clone(), pupils.clone());
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(30))
                    .build()
                    .unwrap();
                while !stop.load(Ordering::Relaxed) {
                    let n = sent.fetch_add(1, Ordering::SeqCst) + 1;
                    let rijen: Vec<_> = pupils
                        .iter()
                        .flat_map(|p| DAYS.iter().map(move |d| (p, d)))
                        .map(|(p, d)| {
                            json!({"leerling": p, "school": school, "datum": d,
                                   "soort": "ongeoorloofd", "minuten": 10 + n})
                        })
                        .collect();
                    let r = c
                        .post(format!("{base}/verzuim"))
                        .bearer_auth(&token)
                        .json(&json!({ "rijen": rijen }))
                        .send();
                    match r {
                        Ok(r) if r.status().as_u16() == 200 => last_ack.store(n, Ordering::SeqCst),
                        Ok(r) => {
                            panic!("batch {n}: {} {}", r.status(), r.text().unwrap_or_default())
                        }
                        // The server was killed under it.
                        Err(_) => return,
                    }
                }
            })
        };
        // Let some batches through first, so that there is something to lose.
        let wait = 300 + below(1_500);
        std::thread::sleep(Duration::from_millis(wait));
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        sender.join().expect("the sender saw no refused batch");
        let acked = last_ack.load(Ordering::SeqCst);
        let under_way = sent.load(Ordering::SeqCst);
        eprintln!(
            "round {round}: killed after {wait} ms; batch {acked} acknowledged, {under_way} sent"
        );
        assert!(acked > 0, "no batch was acknowledged within {wait} ms");

        // As after a restart: the next process opens the database (and recovers it).
        let verify = ok(&db, dir.path(), &["audit", "verify"]);
        assert!(verify.starts_with("audit log intact"), "{verify}");
        let seen = stored_minutes(&db, &pupils);
        assert_eq!(
            seen.len(),
            1,
            "every row from one batch, not part of one and part of another: {seen:?}"
        );
        let m = seen.into_iter().next().unwrap().expect("rows were stored");
        let batch = u64::from(m) - 10;
        assert!(
            batch == acked || (batch > acked && batch <= under_way),
            "stored batch {batch}; acknowledged {acked}, sent {under_way}"
        );
    }
}

#[test]
fn acknowledged_batches_survive_a_killed_server_sqlite() {
    intake_survives_kills(true);
}

#[test]
fn acknowledged_batches_survive_a_killed_server_postgres() {
    intake_survives_kills(false);
}
