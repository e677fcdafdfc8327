//! A database that goes away comes back: PostgreSQL restarts while `leerrecht serve` runs
//! under load. During the outage every request gets a 503 (problem+json from the API, a Dutch
//! page on the web), `/readyz` says not ready, and intake that was refused wrote nothing; after
//! it comes back the same server answers again, the same session still valid, without a
//! restart of leerrecht.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use leerrecht_testkit::PgCluster;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use support::{session_cookie, Demo, Server};

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Logs in as the demo's policy officer (no second factor) and returns the session cookie.
fn inloggen(c: &Client, s: &Server, demo: &Demo) -> String {
    let r = demo.api_login(c, &s.base, "beleid");
    assert_eq!(r.status().as_u16(), 201);
    session_cookie(&r)
}

#[test]
fn a_restart_of_postgresql_under_load_is_answered_and_survived() {
    let cluster = PgCluster::start();
    let demo = Demo::new(cluster.fresh_database(), None);
    let server = Server::start(&demo.db, &[]);
    let c = client();
    let cookie = inloggen(&c, &server, &demo);
    let rapport = server.url("/api/v1/rapportages/schooljaar?jaar=2024-2025");
    let lees = |c: &Client| {
        c.get(&rapport)
            .header("cookie", &cookie)
            .send()
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    };
    assert_eq!(lees(&c), 200);

    // Load: four clients reading the report all the time.
    let stop = Arc::new(AtomicBool::new(false));
    let statussen = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (stop, statussen, rapport, cookie) = (
                stop.clone(),
                statussen.clone(),
                rapport.clone(),
                cookie.clone(),
            );
            std::thread::spawn(move || {
                let c = client();
                while !stop.load(Ordering::Relaxed) {
                    let st = c
                        .get(&rapport)
                        .header("cookie", &cookie)
                        .send()
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0);
                    statussen.lock().unwrap().push(st);
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));

    cluster.stop();
    // The API answers 503 with a problem in Dutch; readiness says not ready.
    let r = c.get(&rapport).header("cookie", &cookie).send().unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let v: Value = r.json().unwrap();
    assert_eq!(v["title"], "Tijdelijk niet beschikbaar", "{v}");
    assert!(
        !v.to_string().contains("127.0.0.1"),
        "no connection details in the answer: {v}"
    );
    assert_eq!(
        c.get(server.url("/readyz"))
            .send()
            .unwrap()
            .status()
            .as_u16(),
        503
    );
    assert_eq!(
        c.get(server.url("/healthz"))
            .send()
            .unwrap()
            .status()
            .as_u16(),
        200,
        "the process itself is alive"
    );
    // The web page says so in Dutch.
    let r = c
        .get(server.url("/werklijst"))
        .header("cookie", &cookie)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.text().unwrap().contains("Tijdelijk niet beschikbaar"));
    // Intake during the outage is refused whole.
    let r = c
        .post(server.url("/api/v1/verzuim"))
        .bearer_auth(&demo.token)
        .json(&json!({"rijen": []}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);

    cluster.start_again();
    // Back without restarting leerrecht: ready within seconds, the same session valid.
    let t = Instant::now();
    while c
        .get(server.url("/readyz"))
        .send()
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
        != 200
    {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "ready again after the restart"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(lees(&c), 200);
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let statussen = statussen.lock().unwrap();
    assert!(
        statussen.iter().all(|s| matches!(s, 200 | 503)),
        "every request under load got an answer, 200 or 503: {:?}",
        statussen
            .iter()
            .filter(|s| !matches!(s, 200 | 503))
            .collect::<Vec<_>>()
    );
    assert!(statussen.contains(&503) && statussen.last() == Some(&200));
    assert!(
        !server.log().contains("panicked"),
        "no panic in the server: {}",
        server.log()
    );
}
