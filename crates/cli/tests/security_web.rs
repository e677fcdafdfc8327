//! The penetration test's findings on the web layer, each sent as the finding's request to
//! the real `leerrecht serve` over real HTTP, on the tiny demo region in SQLite and in
//! PostgreSQL: redirects only to paths of the site (2), request ids only when safe (7), the
//! login form only from this site (8), long or malformed input a 4xx (9), and `/metrics`
//! behind a token, HSTS only behind TLS, strict JSON types in batches (11). The spreadsheet
//! side of 11 (a formula behind a leading space) is a unit test of `uitvoer::geen_formule`.

mod support;

use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use serde_json::{json, Value};
use tempfile::TempDir;

use support::{bsn, on_both_demos, ApiSessie, Demo, Server};

/// The log line of the request with id `id`, waiting a little for it to be written.
fn log_line(s: &Server, id: &str) -> String {
    let started = Instant::now();
    loop {
        let log = s.log();
        if let Some(l) = log
            .lines()
            .find(|l| l.contains(&format!("request_id={id}")))
        {
            return l.to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no log line for request {id}:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A client that does not follow redirects, so that their `Location` can be read.
fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

/// A logged-in person (over the API): the cookie and the session's CSRF token.
fn login(c: &Client, s: &Server, demo: &Demo, rol: &str) -> (String, String) {
    let sessie = ApiSessie::of(demo.api_login(c, &s.base, rol), rol);
    (sessie.cookie, sessie.csrf)
}

// --- Finding 2: open redirect ---------------------------------------------------------------

fn redirects_stay_on_the_site(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client();
    // The finding's request, and its relatives: each goes to the start page instead.
    for terug in [
        "/%09/127.0.0.1:38999/index.html",
        "/%0A/127.0.0.1:38999/",
        "/%20/127.0.0.1:38999/",
        "//127.0.0.1:38999/",
        "/%5C127.0.0.1:38999/",
        "%5C%5C127.0.0.1:38999/",
        "https://127.0.0.1:38999/",
        "javascript:alert(1)",
        "/%0D%0ASet-Cookie:%20x=1",
        "/%FF",
    ] {
        let r = c
            .get(s.url(&format!("/taal/en?terug={terug}")))
            .send()
            .unwrap();
        assert_eq!(r.status(), 303, "{terug}");
        assert_eq!(location(&r), "/", "{terug}");
        assert!(r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("leerrecht_taal=en"));
    }
    // A page of the site is where one goes back to.
    let r = c
        .get(s.url(
            "/taal/en?terug=%2Frapportages%2Fpeildatum%3Fdatums%3D01-10-2025%26formaat%3Dhtml",
        ))
        .send()
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        "/rapportages/peildatum?datums=01-10-2025&formaat=html"
    );
}

// --- Finding 7: log forging through X-Request-Id ----------------------------------------------

fn request_ids_are_safe_in_the_log(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client();
    let is_uuid = |id: &str| {
        let g: Vec<&str> = id.split('-').collect();
        g.len() == 5
            && g.iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let nummer = format!("{:09}", bsn(123_456_000, 3));
    let lang = "x".repeat(8000);
    for (sent, sporen) in [
        (
            "abc status=200 route=/fake method=FAKE",
            vec!["route=/fake", "method=FAKE"],
        ),
        (
            lang.as_str(),
            vec!["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        ),
        (nummer.as_str(), vec![nummer.as_str()]),
        ("bsn-123456782", vec!["123456782"]),
    ] {
        let r = c
            .get(s.url("/healthz"))
            .header("x-request-id", sent)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(
            is_uuid(&id),
            "{sent:.40} is replaced by a fresh UUID, got {id:.80}"
        );
        let line = log_line(&s, &id);
        assert!(line.contains("route=/healthz"), "{line}");
        for spoor in sporen {
            assert!(!line.contains(spoor), "{spoor:.40} in {line:.200}");
            assert!(!s.log().contains(spoor), "{spoor:.40} in the log");
        }
    }
    // A UUID or a short token of safe characters is kept, echoed and logged as sent.
    for sent in [
        "abc-123",
        "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "batch.2025_03",
    ] {
        let r = c
            .get(s.url("/healthz"))
            .header("x-request-id", sent)
            .send()
            .unwrap();
        assert_eq!(r.headers()["x-request-id"], sent);
        assert!(log_line(&s, sent).contains("route=/healthz"));
    }
}

// --- Finding 8: login CSRF --------------------------------------------------------------------

fn login_form_only_from_this_site(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client();
    let form = |rol: &str| {
        let (user, pass, secret) = demo.account(rol);
        let code = leerrecht_app::toegang::auth::current_totp(secret, chrono::Utc::now()).unwrap();
        vec![
            ("gebruikersnaam", user.to_string()),
            ("wachtwoord", pass.to_string()),
            ("code", code),
        ]
    };
    // Another site's page posting the login form: refused before the credentials are
    // looked at, with a Dutch page and no session.
    for (kop, waarde) in [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("referer", "http://evil.example/login.html"),
    ] {
        let r = c
            .post(s.url("/inloggen"))
            .header(kop, waarde)
            .form(&form("swv"))
            .send()
            .unwrap();
        assert_eq!(r.status(), 403, "{kop}: {waarde}");
        assert!(r.headers().get("set-cookie").is_none());
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let body = r.text().unwrap();
        assert!(body.contains("<html lang=\"nl\">"), "{body}");
        assert!(
            body.contains("het formulier kwam niet van deze site"),
            "{body}"
        );
    }
    // The site's own form logs in: Origin of this site, or (without Origin) its Referer.
    let r = c
        .post(s.url("/inloggen"))
        .header("origin", &s.base)
        .form(&form("swv"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("leerrecht_sessie=lrs_"));
    let r = c
        .post(s.url("/inloggen"))
        .header("referer", s.url("/inloggen"))
        .form(&form("jeugdarts"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers().contains_key("set-cookie"));
}

// --- Finding 9: 500 on bad input --------------------------------------------------------------

fn long_or_malformed_input_is_a_4xx(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client();
    let (cookie, csrf) = login(&c, &s, &demo, "leerplicht");
    // The finding: a 200,000-character name.
    let zoek = |naam: &str| {
        c.post(s.url("/zoeken"))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("naam", naam)])
            .send()
            .unwrap()
    };
    let naam = "a".repeat(200_000);
    let r = zoek(&naam);
    assert_eq!(r.status(), 422);
    let body = r.text().unwrap();
    assert!(body.contains("Zoekvraag te lang"), "{body:.2000}");
    assert!(!body.contains(&naam[..1000]), "the name is not echoed");
    // Just over the limit, and with LIKE's own wildcards: still a 422, not a 500.
    for naam in ["%".repeat(201), "_".repeat(50_001), "b".repeat(201)] {
        let r = zoek(&naam);
        assert_eq!(r.status(), 422, "{:.10}… ({})", naam, naam.len());
    }
    // A search within the limit is answered as before.
    let r = c
        .post(s.url("/zoeken"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("naam", "de")])
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    // The other finding: an encoded CR/LF in the way back is a redirect home, not a 500.
    for terug in ["/%0D%0A", "/x%0D%0ALocation:%20http://evil.example", "%0A"] {
        let r = c
            .get(s.url(&format!("/taal/nl?terug={terug}")))
            .send()
            .unwrap();
        assert_eq!(r.status(), 303, "{terug}");
        assert_eq!(location(&r), "/");
    }
    assert!(
        !s.log().contains("status=500"),
        "no server error:\n{}",
        s.log()
    );
}

// --- Finding 11: /metrics, HSTS, strict JSON types ----------------------------------------------

fn metrics_and_hsts_follow_the_configuration(demo: Demo) {
    let dir = TempDir::new().unwrap();
    // Out of the box: plain HTTP, so no HSTS, and no metrics for anyone.
    {
        let s = Server::start(&demo.db, &[]);
        let c = client();
        let r = c.get(s.url("/healthz")).send().unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers().get("strict-transport-security").is_none());
        let r = c.get(s.url("/metrics")).send().unwrap();
        assert_eq!(r.status(), 404);
        assert!(!r.text().unwrap().contains("leerrecht_http_requests_total"));
    }
    // Behind a TLS proxy, with a metrics token in a file.
    let token = "metrics-token-0123456789abcdefghijklmnopqrstuv";
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let config = dir.path().join("leerrecht.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nachter_tls_proxy = true\n\n[metrics]\ntoken_file = {:?}\n",
            token_file.display().to_string()
        ),
    )
    .unwrap();
    let s = Server::start(&demo.db, &[("LEERRECHT_CONFIG", config.to_str().unwrap())]);
    let c = client();
    let r = c.get(s.url("/healthz")).send().unwrap();
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("metrics-token-0123456789abcdefghijklmnopqrstuv"),
    ] {
        let mut q = c.get(s.url("/metrics"));
        if let Some(a) = auth {
            q = q.header("authorization", a);
        }
        let r = q.send().unwrap();
        assert_eq!(r.status(), 401, "{auth:?}");
        assert!(!r.text().unwrap().contains("leerrecht_http_requests_total"));
    }
    let r = c.get(s.url("/metrics")).bearer_auth(token).send().unwrap();
    assert_eq!(r.status(), 200);
    let m = r.text().unwrap();
    assert!(
        m.contains(
            r#"leerrecht_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{m}"
    );
}

fn batches_have_strict_json_types(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client();
    let (leerling, school) = demo.pupil_of_token_school(&["2025-03-03", "2025-03-06"]);
    let send = |path: &str, rijen: Value| {
        let r = c
            .post(s.url(path))
            .bearer_auth(&demo.token)
            .json(&json!({ "rijen": rijen }))
            .send()
            .unwrap();
        let status = r.status().as_u16();
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        (status, ct, r.json::<Value>().unwrap())
    };
    let names = |v: &Value| -> Vec<String> {
        v["invalidParams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    // The finding: minutes as text and a whole day as "ja".
    let (st, ct, v) = send(
        "/api/v1/verzuim",
        json!([
            {"leerling": leerling, "school": school, "datum": "2025-03-03", "soort": "ongeoorloofd", "minuten": "60"},
            {"leerling": leerling, "school": school, "datum": "2025-03-04", "soort": "ziek", "hele_dag": "ja"},
            {"leerling": leerling, "school": school, "datum": "2025-03-05", "soort": "ongeoorloofd", "minuten": 60.5},
            {"leerling": leerling, "school": school, "datum": "2025-03-06", "soort": "ongeoorloofd", "minuten": 60},
        ]),
    );
    assert_eq!(st, 422, "{v}");
    assert_eq!(ct, "application/problem+json");
    assert_eq!(
        names(&v),
        ["rijen[0].minuten", "rijen[1].hele_dag", "rijen[2].minuten"],
        "{v}"
    );
    // Nothing was stored: the same rows with the schema's types go in as new.
    let (st, _, v) = send(
        "/api/v1/verzuim",
        json!([
            {"leerling": leerling, "school": school, "datum": "2025-03-03", "soort": "ongeoorloofd", "minuten": 60},
            {"leerling": leerling, "school": school, "datum": "2025-03-04", "soort": "ziek", "hele_dag": true},
        ]),
    );
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["rijen"], 2);
    // Meldingen: hours as text, actie_gewenst as "ja", the pupil as a number.
    let (st, _, v) = send(
        "/api/v1/meldingen",
        json!([
            {"leerling": leerling, "school": school, "begindatum": "2025-03-03", "verzuimsoort": "16uur", "uren": "16"},
            {"leerling": leerling, "school": school, "begindatum": "2025-03-03", "verzuimsoort": "16uur", "actie_gewenst": "ja"},
            {"leerling": 123456782, "school": school, "begindatum": "2025-03-03", "verzuimsoort": "16uur"},
        ]),
    );
    assert_eq!(st, 422, "{v}");
    assert_eq!(
        names(&v),
        [
            "rijen[0].uren",
            "rijen[1].actie_gewenst",
            "rijen[2].leerling"
        ],
        "{v}"
    );
    // The OpenAPI document says so: integer and boolean members, strings for the rest.
    let doc: Value = c
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let rij = &doc["components"]["schemas"]["Verzuimrij"]["properties"];
    // A member's type, through the named schema it refers to when it does.
    let soort = |p: &Value| match p["$ref"].as_str() {
        Some(r) => {
            let naam = r.rsplit('/').next().unwrap();
            doc["components"]["schemas"][naam]["type"].clone()
        }
        None => p["type"].clone(),
    };
    assert!(
        soort(&rij["minuten"]).to_string().contains("integer"),
        "{rij}"
    );
    assert!(
        soort(&rij["hele_dag"]).to_string().contains("boolean"),
        "{rij}"
    );
    assert_eq!(soort(&rij["leerling"]), "string", "{rij}");
}

// Each scenario on both databases.
on_both_demos! {
    redirects_stay_on_the_site: redirects_stay_on_the_site_sqlite, redirects_stay_on_the_site_postgres;
    request_ids_are_safe_in_the_log: request_ids_are_safe_in_the_log_sqlite, request_ids_are_safe_in_the_log_postgres;
    login_form_only_from_this_site: login_form_only_from_this_site_sqlite, login_form_only_from_this_site_postgres;
    long_or_malformed_input_is_a_4xx: long_or_malformed_input_is_a_4xx_sqlite, long_or_malformed_input_is_a_4xx_postgres;
    metrics_and_hsts_follow_the_configuration: metrics_and_hsts_follow_the_configuration_sqlite, metrics_and_hsts_follow_the_configuration_postgres;
    batches_have_strict_json_types: batches_have_strict_json_types_sqlite, batches_have_strict_json_types_postgres;
}
