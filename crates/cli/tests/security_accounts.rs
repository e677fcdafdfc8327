//! Regression tests of the penetration test's findings on accounts and look-ups, each sent as
//! the finding's request over real HTTP to `leerrecht serve`, on SQLite and on PostgreSQL:
//! look-ups that answered differently for "not in the register" and "not yours", the
//! administrator's second factor and a new one shown only to its owner, the password change
//! as a guessing endpoint, and the lockout that told which user names exist.

mod support;

use leerrecht_app::{Actor, App};
use reqwest::blocking::Client;
use serde_json::{json, Value};

use support::{api_login, bsn, json_of, leerrecht, on_both_demos, token_school, Demo, Server};

/// A client whose requests come from `addr` (any address of the loopback network).
fn client_from(addr: &str) -> Client {
    Client::builder()
        .local_address(Some(addr.parse().unwrap()))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn totp(secret: &str) -> String {
    leerrecht_app::toegang::auth::current_totp(secret, chrono::Utc::now()).unwrap()
}

/// A logged-in person: the session cookie and its CSRF token.
struct Login {
    cookie: String,
    csrf: String,
}

fn login(c: &Client, s: &Server, demo: &Demo, rol: &str) -> Login {
    let r = demo.api_login(c, &s.base, rol);
    let cookie = r
        .headers()
        .get("set-cookie")
        .map(|h| h.to_str().unwrap().split(';').next().unwrap().to_string());
    let (status, v) = json_of(r);
    assert_eq!(status, 201, "{rol} logs in: {v}");
    Login {
        cookie: cookie.unwrap(),
        csrf: v["csrf_token"].as_str().unwrap().to_string(),
    }
}

/// The register today as the operator lists it: (number, school) per enrolment or person.
fn register(demo: &Demo, on: &str) -> Vec<(String, String)> {
    leerrecht(&demo.db, &["jongeren", "--as-of", on, "--format", "csv"])
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[0].to_string(), f.get(7).unwrap_or(&"").to_string())
        })
        .collect()
}

/// A valid BSN the register does not hold.
fn unregistered(known: &[(String, String)]) -> String {
    (0..)
        .map(|k| format!("{:09}", bsn(123_456_000, k)))
        .find(|n| !known.iter().any(|(m, _)| m == n))
        .unwrap()
}

/// The last audit entry: (action, record, allowed).
fn last_audit(app: &App) -> (String, String, bool) {
    let mut last = None;
    app.opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            last = Some((
                e.entry.actie,
                e.entry.record.unwrap_or_default(),
                e.entry.toegestaan,
            ));
            Ok(())
        })
        .unwrap();
    last.expect("an audit entry")
}

// ---------------------------------------------------------------------------------------

/// Finding 3: a school's account, a leerplicht officer and the school's token get one answer
/// for a person, case or melding the register does not hold and for one that is not theirs;
/// the refusal of what does not exist is audited as the other is.
fn existence_oracles(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client_from("127.0.0.1");
    let app = demo.app();
    let op = Actor::local_operator();
    let today = chrono::Utc::now().date_naive().to_string();
    let nu = register(&demo, &today);
    let school = login(&c, &s, &demo, "school");
    let (_, ik) = json_of(
        c.get(s.url("/api/v1/gebruikers/ik"))
            .header("cookie", &school.cookie)
            .send()
            .unwrap(),
    );
    let eigen = ik["organisatie"].as_str().unwrap().to_string();
    let van_ons = |n: &str| nu.iter().any(|(m, sch)| m == n && *sch == eigen);
    let leerling = nu.iter().find(|(n, _)| van_ons(n)).unwrap().0.clone();
    let ander = nu.iter().find(|(n, _)| !van_ons(n)).unwrap().0.clone();
    let onbekend = unregistered(&nu);

    // POST /jongeren/_zoek: one answer for someone else's pupil and for an unknown number.
    let zoek = |nummer: &str| {
        json_of(
            c.post(s.url("/api/v1/jongeren/_zoek"))
                .header("cookie", &school.cookie)
                .header("x-csrf-token", &school.csrf)
                .json(&json!({ "leerling": nummer }))
                .send()
                .unwrap(),
        )
    };
    assert_eq!(zoek(&leerling).0, 200, "the school finds its own pupil");
    let (st_ander, v_ander) = zoek(&ander);
    let (st_onbekend, v_onbekend) = zoek(&onbekend);
    assert_eq!(st_ander, 403, "{v_ander}");
    assert_eq!(st_onbekend, 403, "{v_onbekend}");
    assert_eq!(v_ander["title"], v_onbekend["title"]);
    assert_eq!(v_ander["detail"], v_onbekend["detail"]);
    let (actie, record, toegestaan) = last_audit(&app);
    assert_eq!(
        (actie.as_str(), toegestaan),
        ("persoon_bekijken", false),
        "the unknown number's refusal is audited: {record}"
    );
    assert!(
        !record.contains(&onbekend),
        "no number in the log: {record}"
    );

    // A token's look-up answers alike too.
    let token_zoek = |nummer: &str| {
        json_of(
            c.post(s.url("/api/v1/jongeren/_zoek"))
                .bearer_auth(&demo.token)
                .json(&json!({ "leerling": nummer }))
                .send()
                .unwrap(),
        )
    };
    assert_eq!(token_zoek(&ander), token_zoek(&onbekend));

    // GET /jongeren/{id}: an id of someone else's pupil, an id that names no one and one
    // that is no id at all get the same answer; so do the web pages of a person's file.
    let leerling_id = |n: &str| {
        app.id_van(n.parse().unwrap())
            .unwrap()
            .expect("a registered person has an id")
    };
    let ander_id = leerling_id(&ander);
    let get = |pad: &str| {
        json_of(
            c.get(s.url(pad))
                .header("cookie", &school.cookie)
                .send()
                .unwrap(),
        )
    };
    assert_eq!(
        get(&format!("/api/v1/jongeren/{}", leerling_id(&leerling))).0,
        200
    );
    let antwoord = get(&format!("/api/v1/jongeren/{ander_id}"));
    assert_eq!(antwoord.0, 403, "{}", antwoord.1);
    for id in ["0".repeat(32), "f".repeat(32), "geen-id".into()] {
        assert_eq!(get(&format!("/api/v1/jongeren/{id}")), antwoord, "{id}");
        assert_eq!(
            get(&format!("/api/v1/meldingen?jongere={id}")),
            get(&format!("/api/v1/meldingen?jongere={ander_id}")),
            "{id}"
        );
    }
    let pagina = |pad: &str| {
        let r = c
            .get(s.url(pad))
            .header("cookie", &school.cookie)
            .send()
            .unwrap();
        (
            r.status().as_u16(),
            r.text().unwrap().contains("Geen toegang"),
        )
    };
    assert_eq!(pagina(&format!("/jongeren/{ander_id}")), (403, true));
    assert_eq!(
        pagina(&format!("/jongeren/{}", "0".repeat(32))),
        (403, true)
    );

    // GET /zaken/{id} and PATCH /meldingen/{id} by number: a number beyond the last is
    // answered as a case or melding of a person outside the reader's scope (a CJG's, which
    // the CJG is not a partner in).
    let lp = login(&c, &s, &demo, "leerplicht");
    let cjg = login(&c, &s, &demo, "cjg");
    let zaken: Vec<i64> = (1..)
        .take_while(|&id| app.zaak(&op, id, None).is_ok())
        .collect();
    let zaak = |wie: &Login, id: i64| {
        json_of(
            c.get(s.url(&format!("/api/v1/zaken/{id}")))
                .header("cookie", &wie.cookie)
                .send()
                .unwrap(),
        )
    };
    assert!(
        zaken.iter().any(|&id| zaak(&lp, id).0 == 200),
        "the bureau reads its cases"
    );
    // The CJG reads the cases it was added to as a partner, and none other.
    let antwoorden: Vec<(i64, (u16, Value))> =
        zaken.iter().map(|&id| (id, zaak(&cjg, id))).collect();
    let partners = |id: i64| -> Vec<String> {
        app.zaak(&op, id, None)
            .unwrap()
            .staat
            .partners
            .iter()
            .map(|p| p.0.clone())
            .collect()
    };
    let mut eigen: Option<Vec<String>> = None;
    for (id, (st, _)) in &antwoorden {
        if *st == 200 {
            let p = partners(*id);
            eigen = Some(match eigen {
                None => p,
                Some(e) => e.into_iter().filter(|x| p.contains(x)).collect(),
            });
        }
    }
    let eigen = eigen.unwrap_or_default();
    let niet_van_ons: Vec<(u16, Value)> = antwoorden
        .into_iter()
        .filter(|(id, (st, _))| {
            if *st == 200 {
                assert!(
                    !eigen.is_empty(),
                    "case {id} read by a CJG that is no partner"
                );
            } else {
                assert!(
                    partners(*id).iter().all(|p| !eigen.contains(p)),
                    "case {id} of the CJG refused"
                );
            }
            *st != 200
        })
        .map(|(_, a)| a)
        .collect();
    assert!(!niet_van_ons.is_empty());
    let voorbij = zaken.len() as i64 + 1000;
    let onbekend_antwoord = zaak(&cjg, voorbij);
    assert_eq!(onbekend_antwoord.0, 403, "{}", onbekend_antwoord.1);
    for a in &niet_van_ons {
        assert_eq!(*a, onbekend_antwoord);
    }
    let (actie, record, toegestaan) = last_audit(&app);
    assert_eq!((actie.as_str(), toegestaan), ("zaak_lezen", false));
    assert!(record.contains(&voorbij.to_string()), "{record}");

    let meldingen: Vec<i64> = (1..)
        .take_while(|&id| {
            app.opslag(&leerrecht_app::Actor::local_operator())
                .unwrap()
                .melding(id)
                .unwrap()
                .is_some()
        })
        .collect();
    // An unknown status: the gate answers before the change is checked, and nothing changes.
    let melding = |wie: &Login, id: i64| {
        json_of(
            c.patch(s.url(&format!("/api/v1/meldingen/{id}")))
                .header("cookie", &wie.cookie)
                .header("x-csrf-token", &wie.csrf)
                .json(&json!({"status": "in_behandeling_niet"}))
                .send()
                .unwrap(),
        )
    };
    assert!(
        meldingen.iter().any(|&id| melding(&lp, id).0 == 422),
        "the bureau passes the gate for its meldingen"
    );
    let onbekend_antwoord = melding(&cjg, meldingen.len() as i64 + 1000);
    assert_eq!(onbekend_antwoord.0, 403, "{}", onbekend_antwoord.1);
    for &id in &meldingen {
        assert_eq!(melding(&cjg, id), onbekend_antwoord, "melding {id}");
    }

    // A token's batch: a pupil the register does not hold gets the row error of a pupil not
    // enrolled at the token's school.
    let token_school = token_school(&leerrecht(&demo.db, &["token", "list"]));
    let toen = register(&demo, "2025-03-03");
    let elders = toen
        .iter()
        .find(|(n, _)| !toen.iter().any(|(m, s)| m == n && *s == token_school))
        .unwrap()
        .0
        .clone();
    let batch = |nummer: &str| {
        let (st, v) = json_of(
            c.post(s.url("/api/v1/verzuim"))
                .bearer_auth(&demo.token)
                .json(
                    &json!({"rijen": [{"leerling": nummer, "school": token_school,
                    "datum": "2025-03-03", "soort": "ziek"}]}),
                )
                .send()
                .unwrap(),
        );
        assert_eq!(st, 422, "{v}");
        let p = &v["invalidParams"][0];
        (
            p["name"].as_str().unwrap().to_string(),
            p["reason"].as_str().unwrap().replace(nummer, "…"),
            v["detail"].clone(),
        )
    };
    let niet_ingeschreven = batch(&elders);
    assert!(
        niet_ingeschreven.1.contains("not enrolled at"),
        "{niet_ingeschreven:?}"
    );
    assert_eq!(batch(&unregistered(&toen)), niet_ingeschreven);
}

/// Finding 6: five wrong passwords under a name that exists and under one that does not give
/// the same answers (401, then 423); the block is per name and address, so the owner logs
/// in from another address meanwhile.
fn lockout_tells_no_names(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let aanvaller = client_from("127.0.0.1");
    let (user, pass, secret) = demo.account("leerplicht");
    let poging = |naam: &str| {
        json_of(
            aanvaller
                .post(s.url("/api/v1/sessies"))
                .json(&json!({"gebruikersnaam": naam, "wachtwoord": "fout-fout-fout-fout", "code": "123456"}))
                .send()
                .unwrap(),
        )
    };
    let bestaand: Vec<(u16, Value)> = (0..6).map(|_| poging(user)).collect();
    let verzonnen: Vec<(u16, Value)> = (0..6).map(|_| poging("niemand.hier")).collect();
    let statussen = |a: &[(u16, Value)]| a.iter().map(|x| x.0).collect::<Vec<_>>();
    assert_eq!(statussen(&bestaand), [401, 401, 401, 401, 423, 423]);
    assert_eq!(statussen(&bestaand), statussen(&verzonnen));
    for (a, b) in bestaand.iter().zip(&verzonnen) {
        assert_eq!(a.1["detail"], b.1["detail"]);
        assert_eq!(a.1["title"], b.1["title"]);
    }
    // The right password from the blocked address is still refused ...
    let inloggen = |c: &Client| {
        api_login(c, &s.base, user, pass, Some(secret))
            .status()
            .as_u16()
    };
    assert_eq!(inloggen(&aanvaller), 423);
    // ... and the owner at another address logs in.
    assert_eq!(inloggen(&client_from("127.0.0.2")), 201);
    // The web form counts and answers alike.
    let form = |naam: &str| {
        aanvaller
            .post(s.url("/inloggen"))
            .header("origin", &s.base)
            .form(&[
                ("gebruikersnaam", naam),
                ("wachtwoord", "fout"),
                ("code", ""),
            ])
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(form(user), form("niemand.hier"));
    assert_eq!(
        form("niemand.hier"),
        401,
        "blocked names answer 401 on the page"
    );
    leerrecht(&demo.db, &["audit", "verify"]);
}

/// Finding 5: wrong current passwords on `PUT /gebruikers/ik/wachtwoord` count towards the
/// lockout: after five the endpoint answers 423 even for the right one, and logging in from
/// that address is blocked too.
fn password_change_is_no_guessing_endpoint(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client_from("127.0.0.1");
    let (user, pass, secret) = demo.account("school");
    let l = login(&c, &s, &demo, "school");
    let wijzig = |huidig: &str| {
        json_of(
            c.put(s.url("/api/v1/gebruikers/ik/wachtwoord"))
                .header("cookie", &l.cookie)
                .header("x-csrf-token", &l.csrf)
                .json(&json!({"huidig": huidig, "nieuw": "een-heel-nieuw-wachtwoord-2026"}))
                .send()
                .unwrap(),
        )
    };
    let gokken: Vec<u16> = (0..8)
        .map(|i| wijzig(&format!("gok-nummer-{i}")).0)
        .collect();
    assert_eq!(gokken, [422, 422, 422, 422, 423, 423, 423, 423]);
    let (st, v) = wijzig(pass);
    assert_eq!(
        st, 423,
        "while blocked the current password is not checked: {v}"
    );
    let (st, _) = json_of(api_login(&c, &s.base, user, pass, Some(secret)));
    assert_eq!(st, 423, "the guesses count towards the login's lockout");
}

/// Finding 4: `beheer` logs in with a second factor; asking for a new second factor for
/// another account shows the administrator no secret; the owner sees it at the next login,
/// after the password, and confirms it with a first code.
fn beheer_second_factor_and_enrolment(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client_from("127.0.0.1");
    let app = demo.app();
    let (beheer, beheer_pw, beheer_totp) = demo.account("beheer");
    assert_ne!(beheer_totp, "-", "the demo prints beheer's TOTP secret");
    let (st, v) = json_of(
        c.post(s.url("/api/v1/sessies"))
            .json(&json!({"gebruikersnaam": beheer, "wachtwoord": beheer_pw}))
            .send()
            .unwrap(),
    );
    assert_eq!(st, 401, "a password alone is not enough for beheer: {v}");
    let b = login(&c, &s, &demo, "beheer");

    let (slachtoffer, pw, oud) = demo.account("school");
    // The administrator asks for a new second factor for the account.
    let nieuwe_factor = || {
        c.post(s.url(&format!("/beheer/gebruikers/{slachtoffer}/tweede-factor")))
            .header("cookie", &b.cookie)
            .header("origin", &s.base)
            .form(&[("csrf", b.csrf.as_str())])
            .send()
            .unwrap()
    };
    let r = nieuwe_factor();
    assert_eq!(r.status().as_u16(), 303);
    let pagina = c
        .get(s.url(r.headers()["location"].to_str().unwrap()))
        .header("cookie", &b.cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(pagina.contains("Tweede factor aangevraagd"), "{pagina}");
    assert!(
        !pagina.contains("otpauth"),
        "no secret for the administrator"
    );
    // The victim's account as stored.
    let opgeslagen = || {
        app.opslag(&leerrecht_app::Actor::local_operator())
            .unwrap()
            .gebruiker(slachtoffer)
            .unwrap()
            .unwrap()
    };
    let rij = opgeslagen();
    assert!(rij.totp_inschrijven && rij.totp_geheim.is_none() && rij.totp_nieuw.is_none());

    // The old second factor is gone; the API sends the owner to the login page.
    let (st, v) = json_of(api_login(&c, &s.base, slachtoffer, pw, Some(oud)));
    assert_eq!(st, 401, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("/inloggen"), "{v}");
    assert!(!v.to_string().contains("otpauth"));
    // A wrong password shows nothing.
    let form = |velden: &[(&str, &str)]| {
        c.post(s.url("/inloggen"))
            .header("origin", &s.base)
            .form(velden)
            .send()
            .unwrap()
    };
    let r = form(&[
        ("gebruikersnaam", slachtoffer),
        ("wachtwoord", "fout-fout-fout"),
    ]);
    assert_eq!(r.status().as_u16(), 401);
    assert!(!r.text().unwrap().contains("otpauth"));
    // The right password shows the new secret to its owner.
    let r = form(&[("gebruikersnaam", slachtoffer), ("wachtwoord", pw)]);
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().unwrap();
    let geheim = html
        .split("<code id=\"totp-geheim\">")
        .nth(1)
        .and_then(|h| h.split('<').next())
        .unwrap_or_else(|| panic!("the secret on the page: {html}"))
        .to_string();
    assert!(html.contains(&format!(
        "otpauth://totp/leerrecht:{slachtoffer}?secret={geheim}"
    )));
    assert_ne!(geheim, oud);
    // A wrong first code keeps the secret on offer; the right one logs in.
    let r = form(&[
        ("gebruikersnaam", slachtoffer),
        ("wachtwoord", pw),
        ("code", "000000"),
    ]);
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.text().unwrap().contains(&geheim));
    let r = form(&[
        ("gebruikersnaam", slachtoffer),
        ("wachtwoord", pw),
        ("code", &totp(&geheim)),
    ]);
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("leerrecht_sessie="));
    let rij = opgeslagen();
    assert_eq!(rij.totp_geheim.as_deref(), Some(geheim.as_str()));
    assert!(!rij.totp_inschrijven && rij.totp_nieuw.is_none());

    // The operator on the server still gets a secret to hand over, which replaces a set-up
    // the administrator asked for.
    let r = nieuwe_factor();
    assert_eq!(r.status().as_u16(), 303);
    let out = leerrecht(&demo.db, &["user", "reset-2fa", slachtoffer]);
    let geheim = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("geheim: "))
        .unwrap_or_else(|| panic!("the secret for the operator: {out}"));
    let (st, v) = json_of(api_login(&c, &s.base, slachtoffer, pw, Some(geheim)));
    assert_eq!(st, 201, "{v}");
    leerrecht(&demo.db, &["audit", "verify"]);
}

// Each scenario on both databases.
/// ASVS 2.3.1 over HTTP: a password set by the administrator (`leerrecht user add`) logs in
/// only with the owner's own new one, sent with it as `nieuw_wachtwoord`; after that the
/// set one is gone.
fn first_login_chooses_an_own_password(demo: Demo) {
    let s = Server::start(&demo.db, &[]);
    let c = client_from("127.0.0.1");
    let app = demo.app();
    let op = leerrecht_app::Actor::local_operator();
    let gemeente = app
        .organisaties(&op)
        .unwrap()
        .into_iter()
        .find(|o| o.soort == leerrecht_domain::org::OrgSoort::Gemeente)
        .expect("the demo has a gemeente");
    let ingesteld = "door-de-beheerder-ingesteld";
    app.user_add(
        &op,
        "http.beleid",
        gemeente.code.as_str(),
        leerrecht_domain::org::Rol::Beleid,
        ingesteld,
    )
    .unwrap();
    let inloggen = |wachtwoord: &str, nieuw: Option<&str>| {
        let mut body = json!({"gebruikersnaam": "http.beleid", "wachtwoord": wachtwoord});
        if let Some(n) = nieuw {
            body["nieuw_wachtwoord"] = json!(n);
        }
        json_of(c.post(s.url("/api/v1/sessies")).json(&body).send().unwrap())
    };
    let (st, v) = inloggen(ingesteld, None);
    assert_eq!(st, 401, "{v}");
    assert!(
        v["detail"].as_str().unwrap().contains("nieuw wachtwoord"),
        "{v}"
    );
    let (st, v) = inloggen(ingesteld, Some("kort"));
    assert_eq!(st, 401, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("te kort"), "{v}");
    let eigen = "mijn-eigen-beleidszin-2026";
    let (st, v) = inloggen(ingesteld, Some(eigen));
    assert_eq!(st, 201, "{v}");
    assert_eq!(inloggen(ingesteld, None).0, 401);
    assert_eq!(inloggen(eigen, None).0, 201);
}

on_both_demos! {
    existence_oracles: existence_oracles_sqlite, existence_oracles_postgres;
    lockout_tells_no_names: lockout_tells_no_names_sqlite, lockout_tells_no_names_postgres;
    password_change_is_no_guessing_endpoint: password_change_is_no_guessing_endpoint_sqlite, password_change_is_no_guessing_endpoint_postgres;
    beheer_second_factor_and_enrolment: beheer_second_factor_and_enrolment_sqlite, beheer_second_factor_and_enrolment_postgres;
    first_login_chooses_an_own_password: first_login_chooses_an_own_password_sqlite, first_login_chooses_an_own_password_postgres;
}
