//! Black-box tests of the HTTP API: the real `leerrecht serve` on a random port, over real
//! HTTP, against a fresh SQLite file and a fresh PostgreSQL database filled with the tiny
//! demo region. Every scenario is a function taking the database URL, with one `#[test]` per
//! backend; two server processes on one PostgreSQL database share sessions and keys.

mod support;

use std::process::Command;

use reqwest::blocking::{Client, Response};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use tempfile::TempDir;

use support::{leerrecht, on_both_demos, velden, write_file, Demo, Server, BIN};

/// The bearer token `/metrics` asks for (given to the server in its environment).
const METRICS_TOKEN: &str = "api-test-metrics-token-0123456789abcdef";

fn client() -> Client {
    Client::builder().build().unwrap()
}

fn json_of(r: Response) -> (u16, HeaderMap, Value) {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let (_, v) = support::json_of(r);
    (status, headers, v)
}

fn assert_problem(h: &HeaderMap, v: &Value, status: u16) {
    assert_eq!(h["content-type"], "application/problem+json", "{v}");
    assert_eq!(v["status"], status, "{v}");
    assert!(v["title"].is_string() && v["detail"].is_string(), "{v}");
}

/// A logged-in person: the session cookie and its CSRF token.
struct Login {
    cookie: String,
    csrf: String,
    set_cookie: String,
}

impl Login {
    /// `GET path` in this session.
    fn get(&self, c: &Client, s: &Server, path: &str) -> (u16, HeaderMap, Value) {
        json_of(
            c.get(s.url(path))
                .header("cookie", &self.cookie)
                .send()
                .unwrap(),
        )
    }

    /// `POST path` of a JSON body in this session, with its CSRF token.
    fn post(&self, c: &Client, s: &Server, path: &str, body: &Value) -> (u16, HeaderMap, Value) {
        json_of(
            c.post(s.url(path))
                .header("cookie", &self.cookie)
                .header("x-csrf-token", &self.csrf)
                .json(body)
                .send()
                .unwrap(),
        )
    }
}

fn login(c: &Client, s: &Server, demo: &Demo, rol: &str) -> Login {
    let r = demo.api_login(c, &s.base, rol);
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let (status, _, v) = json_of(r);
    assert_eq!(status, 201, "{v}");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    Login {
        cookie,
        csrf: v["csrf_token"].as_str().unwrap().to_string(),
        set_cookie,
    }
}

// ---------------------------------------------------------------------------------------

fn service_basics(demo: Demo) {
    let s = Server::start(&demo.db, &[("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN)]);
    let c = client();
    for path in ["/healthz", "/readyz"] {
        let (st, h, v) = json_of(c.get(s.url(path)).send().unwrap());
        assert_eq!((st, &v), (200, &json!({"status": "ok"})));
        assert_eq!(h["api-version"], "1.0.0");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "no-store");
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'"));
        assert!(h.contains_key("x-request-id"));
    }
    // A request id sent along comes back.
    let r = c
        .get(s.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    // No trailing slashes, and every error is a problem with the version header.
    let (st, h, v) = json_of(c.get(s.url("/api/v1/jongeren/")).send().unwrap());
    assert_eq!(st, 404);
    assert_problem(&h, &v, 404);
    assert_eq!(h["api-version"], "1.0.0");
    let (st, h, v) = json_of(c.put(s.url("/api/v1/jongeren")).send().unwrap());
    assert_eq!(st, 405);
    assert_problem(&h, &v, 405);
    let (st, h, v) = json_of(c.get(s.url("/api/v1/jongeren")).send().unwrap());
    assert_eq!(st, 401);
    assert_problem(&h, &v, 401);
    assert!(h.contains_key("www-authenticate"));
    // The OpenAPI document is served and names the resources.
    let (st, _, doc) = json_of(c.get(s.url("/api/v1/openapi.json")).send().unwrap());
    assert_eq!(st, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/jongeren/{id}",
        "/jongeren/_zoek",
        "/verzuim",
        "/meldingen",
        "/werklijst",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing");
    }
    // Metrics count what was asked, by route template.
    let m = c
        .get(s.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        m.contains(
            r#"leerrecht_http_requests_total{method="GET",route="/healthz",status="200"} 2"#
        ),
        "{m}"
    );
    assert!(m.contains("leerrecht_http_request_duration_seconds_bucket"));
}

fn login_cookie_csrf_and_logout(demo: Demo) {
    let s = Server::start(&demo.db, &[("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN)]);
    let c = client();
    // A wrong password is a 401 problem that says nothing of which part was wrong.
    let (user, _, _) = demo.account("leerplicht");
    let (st, h, v) = json_of(
        c.post(s.url("/api/v1/sessies"))
            .json(&json!({"gebruikersnaam": user, "wachtwoord": "fout-fout-fout-fout", "code": "123456"}))
            .send()
            .unwrap(),
    );
    assert_eq!(st, 401);
    assert_problem(&h, &v, 401);
    assert_eq!(v["detail"], "onjuiste gebruikersnaam, wachtwoord of code");

    let l = login(&c, &s, &demo, "leerplicht");
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1"] {
        assert!(l.set_cookie.contains(flag), "{flag} in {}", l.set_cookie);
    }
    let (st, _, ik) = l.get(&c, &s, "/api/v1/gebruikers/ik");
    assert_eq!(st, 200);
    assert_eq!(ik["rol"], "leerplicht");
    assert_eq!(ik["gebruikersnaam"], user);

    // A write with the cookie needs the CSRF token of that session.
    let page = l.get(&c, &s, "/api/v1/jongeren?limiet=1").2;
    let id = page["jongeren"][0]["id"].as_str().unwrap().to_string();
    let body = json!({"jongere": id, "categorie": "dreigend_thuiszittend", "oorzaak": "onbekend", "per": "2026-01-05"});
    for csrf in [None, Some("0".repeat(64))] {
        let mut rq = c
            .post(s.url("/api/v1/registraties"))
            .header("cookie", &l.cookie)
            .json(&body);
        if let Some(t) = csrf {
            rq = rq.header("x-csrf-token", t);
        }
        let (st, h, v) = json_of(rq.send().unwrap());
        assert_eq!(st, 403, "{v}");
        assert_problem(&h, &v, 403);
        assert!(v["detail"].as_str().unwrap().contains("X-CSRF-Token"));
    }
    let (st, _, v) = l.post(&c, &s, "/api/v1/registraties", &body);
    assert!(st == 204 || st == 422, "{st} {v}");

    // Logging out ends the session for every later request.
    let (st, _, _) = json_of(
        c.delete(s.url("/api/v1/sessies/huidig"))
            .header("cookie", &l.cookie)
            .header("x-csrf-token", &l.csrf)
            .send()
            .unwrap(),
    );
    assert_eq!(st, 204);
    let (st, _, _) = l.get(&c, &s, "/api/v1/gebruikers/ik");
    assert_eq!(st, 401);
}

/// A reset code from the administrator, with the TOTP code where the account has one, sets a
/// new password and ends the account's sessions; a wrong or spent code, or a missing TOTP
/// code, is refused with one vague answer. A signed-in user changes their own password with
/// the current one and the CSRF token.
fn password_reset_and_change(demo: Demo) {
    let s = Server::start(&demo.db, &[("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN)]);
    let c = client();
    let herstel = |user: &str| -> String {
        let out = leerrecht(&demo.db, &["user", "reset-password", user]);
        out.lines()
            .find_map(|l| l.trim().strip_prefix("lrh_").map(|c| format!("lrh_{c}")))
            .unwrap_or_else(|| panic!("no reset code in {out}"))
    };
    let reset = |body: Value| {
        json_of(
            c.post(s.url("/api/v1/wachtwoordherstel"))
                .json(&body)
                .send()
                .unwrap(),
        )
    };
    let nieuw = "een-heel-nieuw-wachtwoord-2026";

    // An account with a second factor: the reset code alone is not enough.
    let (user, pass, secret) = demo.account("school");
    let l = login(&c, &s, &demo, "school");
    let code = herstel(user);
    let next_totp = || {
        leerrecht_app::toegang::auth::current_totp(
            secret,
            chrono::Utc::now() + chrono::Duration::seconds(30),
        )
        .unwrap()
    };
    let (st, h, v) = reset(
        json!({"gebruikersnaam": user, "herstelcode": "lrh_fout", "wachtwoord": nieuw, "code": next_totp()}),
    );
    assert_eq!(st, 401, "{v}");
    assert_problem(&h, &v, 401);
    let (st, _, v) =
        reset(json!({"gebruikersnaam": user, "herstelcode": code, "wachtwoord": nieuw}));
    assert_eq!(st, 401, "a reset without the TOTP code: {v}");
    let (st, _, v) = reset(
        json!({"gebruikersnaam": user, "herstelcode": code, "wachtwoord": "kort", "code": next_totp()}),
    );
    assert_eq!(st, 422, "the password policy applies: {v}");
    let (st, _, v) = reset(
        json!({"gebruikersnaam": user, "herstelcode": code, "wachtwoord": nieuw, "code": next_totp()}),
    );
    assert_eq!(st, 204, "{v}");
    let ik = |cookie: &str| {
        c.get(s.url("/api/v1/gebruikers/ik"))
            .header("cookie", cookie)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(
        ik(&l.cookie),
        401,
        "the reset ended the session made before it"
    );
    let (st, _, _) = reset(
        json!({"gebruikersnaam": user, "herstelcode": code, "wachtwoord": "nog-weer-een-ander-wachtwoord", "code": next_totp()}),
    );
    assert_eq!(st, 401, "a spent code");
    let (st, _, _) = json_of(
        c.post(s.url("/api/v1/sessies"))
            .json(&json!({"gebruikersnaam": user, "wachtwoord": pass, "code": "000000"}))
            .send()
            .unwrap(),
    );
    assert_eq!(st, 401, "the old password no longer works");

    // An account without a second factor logs in with the new password.
    let (user, _, _) = demo.account("beleid");
    let code = herstel(user);
    let (st, _, v) =
        reset(json!({"gebruikersnaam": user, "herstelcode": code, "wachtwoord": nieuw}));
    assert_eq!(st, 204, "{v}");
    let login_as = |wachtwoord: &str| {
        let r = c
            .post(s.url("/api/v1/sessies"))
            .json(&json!({"gebruikersnaam": user, "wachtwoord": wachtwoord}))
            .send()
            .unwrap();
        let cookie = r
            .headers()
            .get("set-cookie")
            .map(|h| h.to_str().unwrap().split(';').next().unwrap().to_string());
        let (st, _, v) = json_of(r);
        (st, cookie, v["csrf_token"].as_str().map(str::to_string))
    };
    let (st, cookie, csrf) = login_as(nieuw);
    assert_eq!(st, 201);
    let (cookie, csrf) = (cookie.unwrap(), csrf.unwrap());

    // Changing one's own password: CSRF token, the current password, the policy.
    let change = |body: Value, csrf: Option<&str>| {
        let mut rq = c
            .put(s.url("/api/v1/gebruikers/ik/wachtwoord"))
            .header("cookie", &cookie)
            .json(&body);
        if let Some(t) = csrf {
            rq = rq.header("x-csrf-token", t);
        }
        json_of(rq.send().unwrap())
    };
    let beter = "nog-een-beter-wachtwoord-2027";
    assert_eq!(
        change(json!({"huidig": nieuw, "nieuw": beter}), None).0,
        403
    );
    let (st, _, v) = change(
        json!({"huidig": "niet-het-huidige", "nieuw": beter}),
        Some(&csrf),
    );
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["invalidParams"][0]["name"], "huidig", "{v}");
    assert_eq!(
        change(json!({"huidig": nieuw, "nieuw": "kort"}), Some(&csrf)).0,
        422
    );
    assert_eq!(
        change(json!({"huidig": nieuw, "nieuw": beter}), Some(&csrf)).0,
        204
    );
    assert_eq!(ik(&cookie), 401, "a changed password ends the session");
    assert_eq!(login_as(nieuw).0, 401);
    assert_eq!(login_as(beter).0, 201);

    // The audit chain, which has every attempt, is intact (leerrecht fails otherwise).
    leerrecht(&demo.db, &["audit", "verify"]);
}

fn persons_by_opaque_id(demo: Demo) {
    let s = Server::start(&demo.db, &[("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN)]);
    let c = client();
    let l = login(&c, &s, &demo, "leerplicht");
    let get = |path: &str| l.get(&c, &s, path);
    // Pages follow each other without overlap.
    let (st, _, p1) = get("/api/v1/jongeren?limiet=3");
    assert_eq!(st, 200, "{p1}");
    let first: Vec<String> = velden(&p1["jongeren"], "id")
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(first.len(), 3);
    let next = p1["volgende"].as_str().unwrap();
    let (_, _, p2) = get(&format!("/api/v1/jongeren?limiet=3&na={next}"));
    let second = velden(&p2["jongeren"], "id");
    assert_eq!(second.len(), 3);
    assert!(second.iter().all(|id| !first.iter().any(|f| f == id)));

    // The id is opaque; the person's record has the BSN in the body only.
    let id = &first[0];
    assert_eq!(id.len(), 32);
    let (st, _, j) = get(&format!("/api/v1/jongeren/{id}"));
    assert_eq!(st, 200, "{j}");
    let nummer = j["bsn"]
        .as_str()
        .or(j["onderwijsnummer"].as_str())
        .unwrap()
        .to_string();
    assert!(!id.contains(&nummer));
    // Search by BSN in a POST body finds the same id.
    let (st, _, found) = l.post(
        &c,
        &s,
        "/api/v1/jongeren/_zoek",
        &json!({"leerling": nummer}),
    );
    assert_eq!(st, 200, "{found}");
    assert_eq!(found["id"], id.as_str());
    // A made-up id names no one, and is refused as someone else's would be; an invalid
    // number is named without repeating it.
    let (st, h, v) = get(&format!("/api/v1/jongeren/{}", "0".repeat(32)));
    assert_eq!(st, 403);
    assert_problem(&h, &v, 403);
    let (st, h, v) = l.post(
        &c,
        &s,
        "/api/v1/jongeren/_zoek",
        &json!({"leerling": "123456789"}),
    );
    assert_eq!(st, 422);
    assert_problem(&h, &v, 422);
    assert_eq!(v["invalidParams"][0]["name"], "leerling");
    assert!(!v.to_string().contains("123456789"));
    // The person's other resources answer through the gate.
    let mut grond = false;
    for res in [
        "inschrijvingen",
        "meldingen",
        "registraties",
        "zaken",
        "aanbod",
        "escalaties",
    ] {
        let (st, _, v) = get(&format!("/api/v1/{res}?jongere={id}"));
        assert_eq!(st, 200, "{res}: {v}");
        assert!(v.is_array(), "{res}: {v}");
        let rijen = v.as_array().unwrap();
        match res {
            "registraties" => grond |= !rijen.is_empty(),
            "meldingen" => grond |= rijen.iter().any(|m| m["status"] != "ingetrokken"),
            _ => {}
        }
        if res == "zaken" {
            grond |= v
                .as_array()
                .unwrap()
                .iter()
                .any(|z| z["gesloten"].is_null());
        }
    }
    // Absence needs a purpose: a melding, an open case or a registration (docs/domain.md
    // §10); without one the refusal says why.
    let (st, h, v) = get(&format!("/api/v1/verzuim?jongere={id}"));
    if grond {
        assert_eq!(st, 200, "{v}");
    } else {
        assert_eq!(st, 403, "{v}");
        assert_problem(&h, &v, 403);
        assert!(v["detail"].as_str().unwrap().contains("doelbinding"), "{v}");
    }
    // Signals are the school's: leerplicht reads none.
    let (st, h, v) = get(&format!("/api/v1/signalen?jongere={id}"));
    assert_eq!(st, 403, "{v}");
    assert_problem(&h, &v, 403);
    // A system's token may not read persons; the refusal is a problem.
    let (st, h, v) = json_of(
        c.get(s.url(&format!("/api/v1/jongeren/{id}")))
            .bearer_auth(&demo.token)
            .send()
            .unwrap(),
    );
    assert_eq!(st, 403);
    assert_problem(&h, &v, 403);
    // The worklist and a report.
    let (st, _, w) = get("/api/v1/werklijst");
    assert_eq!(st, 200, "{w}");
    assert_eq!(w["organisatie"], "RBL-ZKIJ");
    assert!(w["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["jongere"].as_str().is_some_and(|j| j.len() == 32)));
    let (st, _, r) = get("/api/v1/rapportages/oorzaken?datum=2026-10-01");
    assert_eq!(st, 200, "{r}");
    assert!(r["rijen"].is_array());
    let (st, _, v) = get("/api/v1/rapportages/oorzaken");
    assert_eq!(st, 400, "{v}");
    assert_eq!(v["invalidParams"][0]["name"], "datum");

    // Every read was logged before it was answered, under the person, by the user.
    let export = leerrecht(
        &demo.db,
        &["audit", "export", "--person", &nummer, "--format", "json"],
    );
    let entries: Value = serde_json::from_str(&export).unwrap();
    let acties: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["wie"] == "demo.leerplicht")
        .filter_map(|e| e["actie"].as_str())
        .collect();
    for a in [
        "persoon_bekijken",
        "verzuim_lezen",
        "signalen_lezen",
        "zaak_lezen",
    ] {
        assert!(acties.contains(&a), "{a} in {acties:?}");
    }
    // Nothing of the person reaches the server's log.
    let log = s.log();
    assert!(log.contains("route=/api/v1/jongeren/{id}"), "{log}");
    assert!(!log.contains(&nummer), "the number in the log");
    assert!(!log.contains(id.as_str()), "the id in the log");
}

fn bulk_intake(demo: Demo) {
    let s = Server::start(&demo.db, &[("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN)]);
    let c = client();
    let (leerling, school) = demo.pupil_of_token_school(&["2025-02-03", "2025-03-06"]);
    let post = |path: &str, key: Option<&str>, body: &Value| {
        let mut rq = c.post(s.url(path)).bearer_auth(&demo.token).json(body);
        if let Some(k) = key {
            rq = rq.header("idempotency-key", k);
        }
        json_of(rq.send().unwrap())
    };
    let good = json!({"rijen": [
        {"leerling": leerling, "school": school, "datum": "2025-03-03", "soort": "ongeoorloofd", "minuten": 120},
        {"leerling": leerling, "school": school, "datum": "2025-03-04", "soort": "te_laat", "minuten": 10, "hele_dag": false},
    ]});
    // One bad row: nothing is stored, and each bad field is named by row and column.
    let bad = json!({"rijen": [
        {"leerling": leerling, "school": school, "datum": "2025-03-05", "soort": "ongeoorloofd", "minuten": 60},
        {"leerling": leerling, "school": school, "datum": "2025-03-06", "soort": "spijbelen"},
        {"leerling": leerling, "school": school, "datum": "2099-01-01", "soort": "ziek", "kleur": "rood"},
    ]});
    let (st, h, v) = post("/api/v1/verzuim", None, &bad);
    assert_eq!(st, 422, "{v}");
    assert_problem(&h, &v, 422);
    let names = velden(&v["invalidParams"], "name");
    assert_eq!(names, ["rijen[1].soort", "rijen[2].kleur"], "{v}");
    assert_eq!(
        v["detail"],
        "2 van de 3 rijen ongeldig; er is niets opgeslagen"
    );

    // The same checks as the file: a row the CSV import refuses is refused alike.
    let dir = TempDir::new().unwrap();
    let file = write_file(
        dir.path(),
        "verzuim.csv",
        &format!("leerling;school;datum;soort\n{leerling};{school};2025-03-06;spijbelen\n"),
    );
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&demo.db)
        .args(["import", "verzuim"])
        .arg(&file)
        .output()
        .unwrap();
    let csv_reason = String::from_utf8_lossy(&out.stderr).to_string();
    let api_reason = v["invalidParams"][0]["reason"].as_str().unwrap();
    assert!(
        csv_reason.contains(api_reason),
        "{csv_reason} vs {api_reason}"
    );

    // A good batch with a key; a retry gets the same answer and changes nothing.
    let (st, h, first) = post("/api/v1/verzuim", Some("batch-1"), &good);
    assert_eq!(st, 200, "{first}");
    assert!(!h.contains_key("idempotency-replayed"));
    assert_eq!(first["rijen"], 2);
    let (st, h, again) = post("/api/v1/verzuim", Some("batch-1"), &good);
    assert_eq!((st, &again), (200, &first));
    assert_eq!(h["idempotency-replayed"], "true");
    // Without the key the same batch is simply unchanged (a day's record is replaced whole).
    let (_, _, plain) = post("/api/v1/verzuim", None, &good);
    assert_eq!(plain["ongewijzigd"], 2, "{plain}");
    // The key with another body is refused.
    let (st, _, v) = post("/api/v1/verzuim", Some("batch-1"), &bad);
    assert_eq!(st, 422);
    assert_eq!(v["invalidParams"][0]["name"], "Idempotency-Key");

    // Another school's pupil or school is refused per row.
    let (st, _, v) = post(
        "/api/v1/verzuim",
        None,
        &json!({"rijen": [{"leerling": leerling, "school": "99ZZ00", "datum": "2025-03-03", "soort": "ziek"}]}),
    );
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["invalidParams"][0]["name"], "rijen[0].school");

    // A body over the limit (32 MiB) is refused whole before it is read, and a batch of more
    // rows than one batch may hold is refused by name; neither stores anything.
    let huge = format!(
        r#"{{"rijen": [], "opvulling": "{}"}}"#,
        "x".repeat(33 << 20)
    );
    let (st, h, v) = json_of(
        c.post(s.url("/api/v1/verzuim"))
            .bearer_auth(&demo.token)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .unwrap(),
    );
    assert_eq!(st, 413, "{v}");
    assert_problem(&h, &v, 413);
    let row = json!({"leerling": leerling, "school": school, "datum": "2025-03-05",
                     "soort": "ongeoorloofd", "minuten": 60});
    let (st, _, v) = post(
        "/api/v1/verzuim",
        None,
        &json!({"rijen": vec![row; 100_001]}),
    );
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["invalidParams"][0]["name"], "rijen", "{v}");

    // Meldingen: a batch joins the pupil's verzuim case.
    let (st, _, v) = post(
        "/api/v1/meldingen",
        Some("meldingen-1"),
        &json!({"rijen": [{"leerling": leerling, "school": school, "begindatum": "2025-03-03",
                           "verzuimsoort": "16uur", "uren": 16, "actie_gewenst": true}]}),
    );
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["nieuw"], 1);

    // A leerplicht officer sees what the school sent.
    let l = login(&c, &s, &demo, "leerplicht");
    let found = l
        .post(
            &c,
            &s,
            "/api/v1/jongeren/_zoek",
            &json!({"leerling": leerling}),
        )
        .2;
    let id = found["id"].as_str().expect("found by number");
    let get = |path: String| l.get(&c, &s, &path).2;
    let v = get(format!(
        "/api/v1/verzuim?jongere={id}&van=2025-03-01&tot=2025-03-31"
    ));
    let days: Vec<(&str, &str, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["datum"].as_str().unwrap(),
                d["soort"].as_str().unwrap(),
                d["minuten"].as_u64().unwrap(),
            )
        })
        .filter(|d| d.0 == "2025-03-03" || d.0 == "2025-03-04" || d.0 == "2025-03-05")
        .collect();
    assert!(days.contains(&("2025-03-03", "ongeoorloofd", 120)), "{v}");
    assert!(days.contains(&("2025-03-04", "te_laat", 10)), "{v}");
    assert!(
        !days.iter().any(|d| d.0 == "2025-03-05"),
        "the refused batch left nothing"
    );
    let m = get(format!("/api/v1/meldingen?jongere={id}"));
    let melding = m
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["begindatum"] == "2025-03-03" && m["verzuimsoort"] == "16uur")
        .unwrap_or_else(|| panic!("the melding in {m}"));
    assert_eq!(melding["status"], "geregistreerd");
    assert!(melding["zaak"].is_i64());
    assert_eq!(melding["gegevens"]["actie_gewenst"], true);
    // Leerplicht takes it on (a cookie write with its CSRF token).
    let (st, _, v) = json_of(
        c.patch(s.url(&format!("/api/v1/meldingen/{}", melding["id"])))
            .header("cookie", &l.cookie)
            .header("x-csrf-token", &l.csrf)
            .json(&json!({"status": "in_behandeling"}))
            .send()
            .unwrap(),
    );
    assert_eq!(st, 204, "{v}");
    // A token without the scope is refused the batch as a whole.
    let out = leerrecht(
        &demo.db,
        &[
            "token",
            "create",
            "--org",
            &school,
            "--scope",
            "meldingen:schrijven",
        ],
    );
    let only_meldingen = out
        .split_whitespace()
        .find(|w| w.starts_with("lrt_"))
        .unwrap()
        .to_string();
    let (st, _, v) = json_of(
        c.post(s.url("/api/v1/verzuim"))
            .bearer_auth(&only_meldingen)
            .json(&good)
            .send()
            .unwrap(),
    );
    assert_eq!(st, 403, "{v}");
}

/// Two server processes on one PostgreSQL database: a session made on one is good on the
/// other, a logout on one ends it on both, and an Idempotency-Key answered by one is
/// answered alike by the other.
#[test]
fn two_servers_share_sessions_and_keys_on_postgres() {
    let demo = Demo::postgres();
    let (a, b) = (
        Server::start(&demo.db, &[("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN)]),
        Server::start(&demo.db, &[("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN)]),
    );
    let c = client();
    let l = login(&c, &a, &demo, "leerplicht");
    let ik = |s: &Server| {
        c.get(s.url("/api/v1/gebruikers/ik"))
            .header("cookie", &l.cookie)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!((ik(&a), ik(&b)), (200, 200));
    let (leerling, school) = demo.pupil_of_token_school(&["2025-02-03", "2025-03-06"]);
    let batch = json!({"rijen": [{"leerling": leerling, "school": school, "datum": "2025-02-03", "soort": "ziek", "hele_dag": true}]});
    let send = |s: &Server| {
        c.post(s.url("/api/v1/verzuim"))
            .bearer_auth(&demo.token)
            .header("idempotency-key", "gedeeld-1")
            .json(&batch)
            .send()
            .unwrap()
    };
    let first = send(&a);
    assert_eq!(first.status(), 200);
    assert!(first.headers().get("idempotency-replayed").is_none());
    let again = send(&b);
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotency-replayed"], "true");
    let st = c
        .delete(b.url("/api/v1/sessies/huidig"))
        .header("cookie", &l.cookie)
        .header("x-csrf-token", &l.csrf)
        .send()
        .unwrap()
        .status();
    assert_eq!(st, 204);
    assert_eq!((ik(&a), ik(&b)), (401, 401));
}

// Each scenario on both databases.
on_both_demos! {
    service_basics: service_basics_sqlite, service_basics_postgres;
    login_cookie_csrf_and_logout: login_cookie_csrf_and_logout_sqlite, login_cookie_csrf_and_logout_postgres;
    password_reset_and_change: password_reset_and_change_sqlite, password_reset_and_change_postgres;
    persons_by_opaque_id: persons_by_opaque_id_sqlite, persons_by_opaque_id_postgres;
    bulk_intake: bulk_intake_sqlite, bulk_intake_postgres;
}
