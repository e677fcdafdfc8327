//! The officer's case work, the youth doctor's medical notes and break-the-glass over real
//! HTTP: the real `leerrecht serve` on a random port, on the tiny demo region in SQLite and
//! in PostgreSQL. Each call passes the gate and leaves its audit entry; only leerplicht closes
//! a case, only the youth doctor reads and writes medical notes, and a BSN travels only in a
//! request body.

mod support;

use leerrecht_app::{Actor, App};
use leerrecht_domain::zaak::ZaakSoort;
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};

use support::{json_of, leerrecht, on_both_databases, session_cookie, Demo, Server};

/// A logged-in user of the API: the session cookie and its CSRF token.
struct Als<'a> {
    c: &'a Client,
    base: &'a str,
    cookie: String,
    csrf: String,
}

impl<'a> Als<'a> {
    fn login(c: &'a Client, s: &'a Server, demo: &Demo, rol: &str) -> Als<'a> {
        let r = demo.api_login(c, &s.base, rol);
        let cookie = session_cookie(&r);
        let (st, v) = antwoord(r);
        assert_eq!(st, 201, "{rol} logs in: {v}");
        Als {
            c,
            base: &s.base,
            cookie,
            csrf: v["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    fn get(&self, path: &str) -> (u16, Value) {
        antwoord(
            self.c
                .get(format!("{}/api/v1{path}", self.base))
                .header("cookie", &self.cookie)
                .send()
                .unwrap(),
        )
    }
    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r: RequestBuilder = self
            .c
            .post(format!("{}/api/v1{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body);
        antwoord(r.send().unwrap())
    }
}

fn antwoord(r: reqwest::blocking::Response) -> (u16, Value) {
    let st = r.status().as_u16();
    let problem = r
        .headers()
        .get("content-type")
        .is_some_and(|c| c == "application/problem+json");
    let (_, v) = json_of(r);
    if st >= 400 {
        assert!(problem, "an error is a problem: {st} {v}");
    }
    (st, v)
}

fn veld(v: &Value) -> &str {
    v["invalidParams"][0]["name"].as_str().unwrap_or("")
}

/// The audit entries of one person, as `audit export` gives them.
fn audit(db: &str, nummer: &str) -> Vec<Value> {
    let out = leerrecht(
        db,
        &["audit", "export", "--person", nummer, "--format", "json"],
    );
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn case_work_medical_notes_and_break_the_glass(db: String) {
    let demo = Demo::new(db.clone(), None);
    let s = Server::start(&db, &[]);
    let c = Client::new();
    let leerplicht = Als::login(&c, &s, &demo, "leerplicht");
    let jeugdarts = Als::login(&c, &s, &demo, "jeugdarts");

    // The operations are in the OpenAPI document.
    let (st, doc) = leerplicht.get("/openapi.json");
    assert_eq!(st, 200);
    for (pad, methode) in [
        ("/zaken/{id}/plannen", "post"),
        ("/zaken/{id}/ouderbetrokkenheid", "post"),
        ("/zaken/{id}/sluiting", "post"),
        ("/zaken/{id}/notities", "get"),
        ("/zaken/{id}/handhaving", "post"),
        ("/zaken/{id}/notities", "post"),
        ("/medische-notities", "get"),
        ("/medische-notities", "post"),
        ("/noodtoegang", "post"),
    ] {
        assert!(doc["paths"][pad][methode].is_object(), "{methode} {pad}");
    }

    // A person of the bureau whom the youth doctor cannot see (no MAZL referral).
    let (st, lijst) = leerplicht.get("/jongeren?limiet=30");
    assert_eq!(st, 200, "{lijst}");
    let (id, nummer) = lijst["jongeren"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| {
            let id = j["id"].as_str().unwrap().to_string();
            let nummer = j["bsn"]
                .as_str()
                .or(j["onderwijsnummer"].as_str())
                .unwrap()
                .to_string();
            (id, nummer)
        })
        .find(|(id, _)| jeugdarts.get(&format!("/jongeren/{id}")).0 == 403)
        .expect("a person outside the youth doctor's scope");

    // An open case of the person (the operator opens one when there is none).
    let app = App::new(leerrecht_store::open(&db).unwrap());
    let op = Actor::local_operator();
    let l = app.leerling_van_id(&op, &id).unwrap();
    let vandaag = chrono::Utc::now().date_naive();
    let zaak = match app
        .zaken(&op, l)
        .unwrap()
        .into_iter()
        .find(|z| z.gesloten.is_none())
    {
        Some(z) => z.id,
        None => app
            .zaak_openen(
                &op,
                l,
                ZaakSoort::Thuiszitter,
                vandaag - chrono::Duration::days(40),
            )
            .unwrap(),
    };
    drop(app);
    let (st, voor) = leerplicht.get(&format!("/zaken/{zaak}"));
    assert_eq!(st, 200, "{voor}");
    let events_voor = voor["gebeurtenissen"].as_array().unwrap().len();

    // A write to the case as leerplicht: its plan, the parents' involvement, its closing.
    let zaak_post = |wat: &str, body: Value| leerplicht.post(&format!("/zaken/{zaak}/{wat}"), body);

    // The joint plan: at least one of education, care and youth help, and words.
    let (st, v) = zaak_post(
        "plannen",
        json!({"omschrijving": "Dagbesteding en terug naar school"}),
    );
    assert_eq!((st, veld(&v)), (422, "plan"), "{v}");
    let (st, v) = zaak_post(
        "plannen",
        json!({"onderwijs": true, "jeugdhulp": true, "omschrijving": "Halve dagen VSO De Brug, \
               jeugdhulp thuis", "datum": vandaag}),
    );
    assert_eq!(st, 204, "{v}");
    // A field that does not exist is refused.
    let (st, v) = zaak_post(
        "plannen",
        json!({"onderwijs": true, "omschrijving": "x", "kleur": "rood"}),
    );
    assert_eq!(st, 400, "{v}");

    // How the parents were involved.
    let (st, v) = zaak_post("ouderbetrokkenheid", json!({"hoe": "  "}));
    assert_eq!((st, veld(&v)), (422, "hoe"), "{v}");
    let (st, v) = zaak_post(
        "ouderbetrokkenheid",
        json!({"hoe": "Gesprek thuis met moeder en vader"}),
    );
    assert_eq!(st, 204, "{v}");

    // Only leerplicht closes; the SWV may not, and its attempt is logged as refused.
    let swv = Als::login(&c, &s, &demo, "swv");
    let (st, v) = swv.post(
        &format!("/zaken/{zaak}/sluiting"),
        json!({"reden": "terug_naar_school"}),
    );
    assert_eq!(st, 403, "{v}");
    // A reason is one of the list; `overig` needs words; not in the future.
    for (body, field) in [
        (json!({"reden": "opgelost"}), "reden"),
        (json!({"reden": "overig"}), "toelichting"),
        (
            json!({"reden": "verhuisd", "datum": vandaag + chrono::Duration::days(1)}),
            "datum",
        ),
    ] {
        let (st, v) = leerplicht.post(&format!("/zaken/{zaak}/sluiting"), body);
        assert_eq!((st, veld(&v)), (422, field), "{v}");
    }
    let (st, v) = zaak_post(
        "sluiting",
        json!({"reden": "terug_naar_school", "toelichting": "Weer naar De Brug"}),
    );
    assert_eq!(st, 204, "{v}");

    // Closed, the case keeps its history and takes nothing more.
    let (st, na) = leerplicht.get(&format!("/zaken/{zaak}"));
    assert_eq!(st, 200, "{na}");
    assert_eq!(na["gesloten"], json!(vandaag), "{na}");
    let events = na["gebeurtenissen"].as_array().unwrap();
    assert_eq!(events.len(), events_voor + 3, "{na}");
    assert_eq!(
        events[..events_voor],
        voor["gebeurtenissen"].as_array().unwrap()[..]
    );
    let soorten: Vec<&str> = events[events_voor..]
        .iter()
        .map(|e| e["gebeurtenis"]["soort"].as_str().unwrap())
        .collect();
    assert_eq!(soorten, ["plan", "ouders", "gesloten"]);
    let plan = &events[events_voor]["gebeurtenis"];
    assert_eq!(
        (
            plan["onderwijs"].clone(),
            plan["zorg"].clone(),
            plan["jeugdhulp"].clone()
        ),
        (json!(true), json!(false), json!(true))
    );
    let gesloten = &events[events_voor + 2]["gebeurtenis"];
    assert_eq!(gesloten["reden"], "terug_naar_school");
    assert_eq!(gesloten["uitkomst"], "Weer naar De Brug");
    assert_eq!(events[events_voor + 2]["wie"], "demo.leerplicht");
    let (st, v) = zaak_post("ouderbetrokkenheid", json!({"hoe": "Nog een gesprek"}));
    assert_eq!(st, 422, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("not open"), "{v}");

    // Enforcement: a step that does not exist, and any step on a closed case, are refused.
    let (st, v) = zaak_post("handhaving", json!({"stap": "ontslag"}));
    assert_eq!((st, veld(&v)), (422, "stap"), "{v}");
    let (st, v) = zaak_post("handhaving", json!({"stap": "halt"}));
    assert_eq!(st, 422, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("not open"), "{v}");
    let (st, v) = swv.post(
        &format!("/zaken/{zaak}/handhaving"),
        json!({"stap": "halt"}),
    );
    assert_eq!(st, 403, "{v}");

    // Reports of talks and notes, also on a closed case, each with who may read it.
    for (body, field) in [
        (json!({"niveau": "iedereen", "tekst": "x"}), "niveau"),
        (
            json!({"niveau": "zaak", "soort": "brief", "tekst": "x"}),
            "soort",
        ),
        (json!({"niveau": "zaak", "tekst": "  "}), "tekst"),
        (
            json!({"niveau": "zaak", "tekst": "x", "datum": vandaag + chrono::Duration::days(1)}),
            "datum",
        ),
    ] {
        let (st, v) = zaak_post("notities", body);
        assert_eq!((st, veld(&v)), (422, field), "{v}");
    }
    let (st, n) = zaak_post(
        "notities",
        json!({"niveau": "zaak", "tekst": "Afsluitend gesprek met moeder: het gaat goed op De Brug."}),
    );
    assert_eq!(st, 201, "{n}");
    assert_eq!(
        (
            n["zaak"].clone(),
            n["soort"].clone(),
            n["datum"].clone(),
            n["door"].clone()
        ),
        (
            json!(zaak),
            json!("gesprek"),
            json!(vandaag),
            json!("demo.leerplicht")
        ),
        "{n}"
    );
    let (st, n) = zaak_post(
        "notities",
        json!({"niveau": "leerplicht", "soort": "notitie", "tekst": "Zorgen over de thuissituatie."}),
    );
    assert_eq!(st, 201, "{n}");
    let (st, ns) = leerplicht.get(&format!("/zaken/{zaak}/notities"));
    assert_eq!(st, 200, "{ns}");
    let niveaus: Vec<&str> = ns
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["niveau"].as_str().unwrap())
        .collect();
    assert_eq!(niveaus, ["zaak", "leerplicht"], "{ns}");
    // Another reader of the case never meets the note for leerplicht only.
    let (st, ns) = swv.get(&format!("/zaken/{zaak}/notities"));
    match st {
        200 => assert!(
            ns.as_array().unwrap().iter().all(|n| n["niveau"] == "zaak"),
            "{ns}"
        ),
        _ => assert_eq!(st, 403, "{ns}"),
    }
    let (st, v) = swv.post(
        &format!("/zaken/{zaak}/notities"),
        json!({"niveau": "zaak", "tekst": "Van het SWV"}),
    );
    assert_eq!(st, 403, "{v}");

    // Leerplicht adds and removes a parent; the checks of the import hold here too.
    let ouder = |telefoon: &str| {
        json!({"jongere": id, "naam": "Ria Testouder", "relatie": "ouder", "straat": "Kerkstraat",
               "huisnummer": "12", "postcode": "2011ab", "woonplaats": "Haarlem",
               "telefoon": telefoon})
    };
    for (body, field) in [
        (ouder("12"), "telefoon"),
        (
            json!({"jongere": id, "naam": "X", "relatie": "moeder", "straat": "a",
                "huisnummer": "1", "postcode": "2011 AB", "woonplaats": "b"}),
            "relatie",
        ),
        (
            json!({"jongere": id, "naam": "X", "relatie": "ouder", "straat": "a",
                "huisnummer": "1", "postcode": "123", "woonplaats": "b"}),
            "postcode",
        ),
    ] {
        let (st, v) = leerplicht.post("/verzorgers", body);
        assert_eq!((st, veld(&v)), (422, field), "{v}");
    }
    let (st, lijst) = leerplicht.post("/verzorgers", ouder("023-5551234"));
    assert_eq!(st, 201, "{lijst}");
    let ria = lijst
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["naam"] == "Ria Testouder")
        .expect("the new parent is in the answer");
    assert_eq!(ria["postcode"], "2011 AB", "{ria}");
    let (st, v) = leerplicht.post("/verzorgers", ouder("023-5551234"));
    assert_eq!((st, veld(&v)), (422, "naam"), "{v}");

    // A letter to the parents, kept on the (closed) case; its PDF for those who see the case.
    let (st, v) = zaak_post("brieven", json!({"sjabloon": "aanmaning"}));
    assert_eq!((st, veld(&v)), (422, "sjabloon"), "{v}");
    let (st, b) = zaak_post("brieven", json!({"sjabloon": "waarschuwing"}));
    assert_eq!(st, 201, "{b}");
    assert!(b["aan"].as_str().unwrap().contains("Ria Testouder"), "{b}");
    assert!(b["adressen"].as_u64().unwrap() >= 1, "{b}");
    let (st, lijst) = leerplicht.get(&format!("/zaken/{zaak}/brieven"));
    assert_eq!(st, 200, "{lijst}");
    assert_eq!(lijst.as_array().unwrap().last().unwrap()["id"], b["id"]);
    let pdf = c
        .get(format!("{}/api/v1/brieven/{}", leerplicht.base, b["id"]))
        .header("cookie", &leerplicht.cookie)
        .send()
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let tekst: String = doc
        .get_pages()
        .keys()
        .map(|p| doc.extract_text(&[*p]).unwrap())
        .collect();
    assert!(
        tekst.contains("Ria Testouder") && tekst.contains("waarschuwing"),
        "{tekst}"
    );
    let (st, v) = swv.post(
        "/verzorgers/_verwijder",
        json!({"jongere": id, "naam": "Ria Testouder"}),
    );
    assert_eq!(st, 403, "{v}");
    let weg = json!({"jongere": id, "naam": "Ria Testouder"});
    let (st, v) = leerplicht.post("/verzorgers/_verwijder", weg.clone());
    assert_eq!(st, 204, "{v}");
    let (st, v) = leerplicht.post("/verzorgers/_verwijder", weg);
    assert_eq!((st, veld(&v)), (422, "naam"), "{v}");
    let (st, lijst) = leerplicht.get(&format!("/verzorgers?jongere={id}"));
    assert_eq!(st, 200, "{lijst}");
    assert!(!lijst.to_string().contains("Ria Testouder"), "{lijst}");
    let (st, v) = zaak_post("sluiting", json!({"reden": "verhuisd"}));
    assert_eq!(st, 422, "a closed case does not close again: {v}");

    // Medical notes are the youth doctor's alone: leerplicht may neither read nor write.
    let (st, v) = leerplicht.get(&format!("/medische-notities?jongere={id}"));
    assert_eq!(st, 403, "{v}");
    let (st, v) = leerplicht.post(
        "/medische-notities",
        json!({"jongere": id, "tekst": "Mag niet"}),
    );
    assert_eq!(st, 403, "{v}");
    // Outside the youth doctor's scope, no notes either, until the glass is broken.
    let (st, v) = jeugdarts.get(&format!("/medische-notities?jongere={id}"));
    assert_eq!(st, 403, "{v}");

    // Break the glass: a valid number, a written reason, a bounded time; the number is in the
    // body and never repeated.
    let reden = "Acute zorg: school belt over ernstige klachten, ouders onbereikbaar";
    for (body, field) in [
        (
            json!({"leerling": "123456789", "reden": reden, "minuten": 60}),
            "leerling",
        ),
        (
            json!({"leerling": nummer, "reden": "even kijken", "minuten": 60}),
            "reden",
        ),
        (
            json!({"leerling": nummer, "reden": reden, "minuten": 1441}),
            "minuten",
        ),
    ] {
        let (st, v) = jeugdarts.post("/noodtoegang", body);
        assert_eq!((st, veld(&v)), (422, field), "{v}");
        assert!(!v.to_string().contains("123456789") && !v.to_string().contains(&nummer));
    }
    let beleid = Als::login(&c, &s, &demo, "beleid");
    let (st, v) = beleid.post(
        "/noodtoegang",
        json!({"leerling": nummer, "reden": reden, "minuten": 60}),
    );
    assert_eq!(
        st, 403,
        "a role that sees no persons does not break the glass: {v}"
    );
    let (st, v) = jeugdarts.post(
        "/noodtoegang",
        json!({"leerling": nummer, "reden": reden, "minuten": 30}),
    );
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["jongere"], id.as_str(), "the same opaque id");
    let tot: chrono::DateTime<chrono::Utc> = v["tot"].as_str().unwrap().parse().unwrap();
    let over = tot - chrono::Utc::now();
    assert!(
        over > chrono::Duration::minutes(28) && over <= chrono::Duration::minutes(30),
        "{over}"
    );
    // Now the youth doctor sees the person, flagged, and writes and reads a note.
    let (st, j) = jeugdarts.get(&format!("/jongeren/{id}"));
    assert_eq!(st, 200, "{j}");
    assert_eq!(j["noodtoegang"], true);
    let (st, v) = jeugdarts.post("/medische-notities", json!({"jongere": id, "tekst": " "}));
    assert_eq!((st, veld(&v)), (422, "tekst"), "{v}");
    let (st, n) = jeugdarts.post(
        "/medische-notities",
        json!({"jongere": id, "tekst": "Hoofdpijnklachten, verwezen naar huisarts"}),
    );
    assert_eq!(st, 201, "{n}");
    assert_eq!(n["tekst"], "Hoofdpijnklachten, verwezen naar huisarts");
    let (st, ns) = jeugdarts.get(&format!("/medische-notities?jongere={id}"));
    assert_eq!(st, 200, "{ns}");
    assert!(
        ns.as_array().unwrap().iter().any(|x| x["id"] == n["id"]),
        "{ns}"
    );
    // Still the youth doctor's alone.
    let (st, _) = leerplicht.get(&format!("/medische-notities?jongere={id}"));
    assert_eq!(st, 403);

    // Every step is in the audit log under the person: the closing by leerplicht, the
    // refused closing by the SWV, the break-the-glass with its reason, and the notes made
    // under it flagged.
    let log = audit(&db, &nummer);
    let heeft = |wie: &str, actie: &str, toegestaan: bool| {
        log.iter()
            .any(|e| e["wie"] == wie && e["actie"] == actie && e["toegestaan"] == toegestaan)
    };
    assert!(heeft("demo.leerplicht", "zaak_sluiten", true), "{log:?}");
    assert!(heeft("demo.swv", "zaak_sluiten", false), "{log:?}");
    assert!(heeft("demo.leerplicht", "zaak_wijzigen", true));
    assert!(heeft("demo.leerplicht", "medisch_lezen", false));
    let glas = log
        .iter()
        .find(|e| {
            e["wie"] == "demo.jeugdarts" && e["actie"] == "noodtoegang" && e["toegestaan"] == true
        })
        .expect("the break-the-glass is logged");
    assert_eq!(glas["reden"], reden);
    assert_eq!(glas["noodtoegang"], true);
    for actie in ["medisch_schrijven", "medisch_lezen"] {
        assert!(
            log.iter().any(|e| e["wie"] == "demo.jeugdarts"
                && e["actie"] == actie
                && e["toegestaan"] == true
                && e["noodtoegang"] == true
                && e["reden"] == reden),
            "{actie} flagged: {log:?}"
        );
    }
    // The number never reached the server's log.
    let serverlog = s.log();
    assert!(
        serverlog.contains("route=/api/v1/noodtoegang"),
        "{serverlog}"
    );
    assert!(
        !serverlog.contains(&nummer),
        "the number in the server's log"
    );
}

/// The RMC over HTTP: leerplicht's list of early school leavers, an RMC case opened from it,
/// its contact attempts and outcome, and the RMC figures without persons; the list is refused
/// to a school and the number never reaches the server's log.
fn the_rmc_list_a_case_its_contact_attempts_and_the_figures(db: String) {
    let demo = Demo::new(db.clone(), None);
    let s = Server::start(&db, &[]);
    let c = Client::new();
    let leerplicht = Als::login(&c, &s, &demo, "leerplicht");
    let school = Als::login(&c, &s, &demo, "school");
    let beleid = Als::login(&c, &s, &demo, "beleid");

    let (st, lijst) = leerplicht.get("/rmc");
    assert_eq!(st, 200, "{lijst}");
    let rijen = lijst.as_array().unwrap();
    assert!(!rijen.is_empty(), "the demo has early school leavers");
    let vrij = rijen
        .iter()
        .find(|r| r["zaak"].is_null())
        .expect("someone on the list without an RMC case");
    let id = vrij["jongere"]["id"].as_str().unwrap().to_string();
    let nummer = vrij["jongere"]["bsn"]
        .as_str()
        .or(vrij["jongere"]["onderwijsnummer"].as_str())
        .unwrap()
        .to_string();
    assert_eq!(school.get("/rmc").0, 403, "the list is leerplicht's");

    // A case for them, once.
    let (st, v) = leerplicht.post("/rmc/zaken", json!({"jongere": id}));
    assert_eq!(st, 201, "{v}");
    let zaak = v["zaak"].as_i64().unwrap();
    let (st, v) = leerplicht.post("/rmc/zaken", json!({"jongere": id}));
    assert_eq!(st, 422, "one open RMC case: {v}");
    assert_eq!(
        school.post("/rmc/zaken", json!({"jongere": id})).0,
        403,
        "a school opens no RMC case"
    );

    // Contact attempts: a way of contact from the list, on the day given or today.
    let pad = format!("/zaken/{zaak}/contactpogingen");
    let (st, v) = leerplicht.post(&pad, json!({"wijze": "fax", "bereikt": false}));
    assert_eq!((st, veld(&v)), (422, "wijze"), "{v}");
    let (st, v) = leerplicht.post(&pad, json!({"wijze": "telefoon", "bereikt": false}));
    assert_eq!(st, 204, "{v}");
    let (st, v) = leerplicht.post(&pad, json!({"wijze": "huisbezoek", "bereikt": true}));
    assert_eq!(st, 204, "{v}");
    // An outcome of the RMC closes it; a thuiszitter's reason does not.
    let sluiting = format!("/zaken/{zaak}/sluiting");
    let (st, v) = leerplicht.post(&sluiting, json!({"reden": "aanbod_gestart"}));
    assert_eq!(st, 422, "{v}");
    let (st, v) = leerplicht.post(&sluiting, json!({"reden": "werk"}));
    assert_eq!(st, 204, "{v}");
    let (st, v) = leerplicht.get(&format!("/zaken/{zaak}"));
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["soort"], "rmc");
    let soorten: Vec<&str> = v["gebeurtenissen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["gebeurtenis"]["soort"].as_str().unwrap())
        .collect();
    assert_eq!(
        soorten,
        ["geopend", "contactpoging", "contactpoging", "gesloten"]
    );
    let (_, lijst) = leerplicht.get("/rmc");
    assert!(
        lijst
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["jongere"]["id"] == id.as_str() && r["zaak"].is_null()),
        "closed, the case is off the list's row; the person stays on it while not enrolled"
    );

    // The figures name no one and hide small counts for the policy officer.
    let jaar =
        leerrecht_domain::schoolyear::SchoolYear::containing(chrono::Utc::now().date_naive());
    let (st, v) = beleid.get(&format!("/rapportages/rmc?jaar={jaar}"));
    assert_eq!(st, 200, "{v}");
    let rijen = v["rijen"].as_array().unwrap();
    assert!(!rijen.is_empty());
    assert!(!v.to_string().contains(&nummer));

    assert!(!s.log().contains(&nummer), "the number in the server's log");
}

on_both_databases!(
    the_rmc_list_a_case_its_contact_attempts_and_the_figures,
    the_rmc_list_a_case_its_contact_attempts_and_the_figures_sqlite("rmc.db"),
    the_rmc_list_a_case_its_contact_attempts_and_the_figures_postgres
);

on_both_databases!(
    case_work_medical_notes_and_break_the_glass,
    case_work_medical_notes_and_break_the_glass_sqlite("zaken.db"),
    case_work_medical_notes_and_break_the_glass_postgres
);
