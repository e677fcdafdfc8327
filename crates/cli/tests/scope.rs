//! Scope over real HTTP, on the tiny demo in SQLite and PostgreSQL: a school sees and
//! confirms only its own school's drafts (also of a pupil who came from another school), and
//! partners belong to a case — leerplicht adds and removes them through the API and the
//! pages, a partner sees the person and that case only, and loses both on removal.

mod support;

use std::process::Stdio;

use chrono::{Duration, Utc};
use leerrecht_app::{Actor, App};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::org::{OrgSoort, Rol};
use leerrecht_domain::zaak::ZaakSoort;
use reqwest::blocking::Client;
use reqwest::redirect::Policy;
use serde_json::{json, Value};
use tempfile::TempDir;

use support::{
    dienst_van, eerste_jongere, leerrecht, on_both_databases, serve, swv_van, tiny_demo_app,
    write_file, ApiSessie, Proces,
};

const WACHTWOORD: &str = "Correct-Paard-Batterij-Scope";

fn start(db: &str) -> (Proces, String) {
    let (child, base) = serve(db, &[], Stdio::null());
    (Proces(child), base)
}

/// Logs in with the test's password, which must succeed.
fn inloggen(c: &Client, base: &str, naam: &str, geheim: &Option<String>) -> ApiSessie {
    ApiSessie::login(c, base, naam, WACHTWOORD, geheim.as_deref())
}

fn account(app: &App, naam: &str, org: &str, rol: Rol) -> Option<String> {
    app.user_add_blijvend(&Actor::local_operator(), naam, org, rol, WACHTWOORD)
        .unwrap()
        .totp_geheim
}

fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

fn get(c: &Client, base: &str, s: &ApiSessie, path: &str) -> (u16, Value) {
    let r = c
        .get(format!("{base}{path}"))
        .header("cookie", &s.cookie)
        .send()
        .unwrap();
    let st = r.status().as_u16();
    let text = r.text().unwrap();
    (st, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn send(
    c: &Client,
    base: &str,
    s: &ApiSessie,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rq = c
        .request(method.parse().unwrap(), format!("{base}{path}"))
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf);
    if let Some(b) = body {
        rq = rq.json(&b);
    }
    let r = rq.send().unwrap();
    let st = r.status().as_u16();
    let text = r.text().unwrap();
    (st, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A page form, posted as the browser does: urlencoded, with the session's CSRF token.
/// `PATCH` of the melding `id` (its status) in the session `s`.
fn melding_wijzigen(c: &Client, base: &str, s: &ApiSessie, id: i64, body: Value) -> (u16, Value) {
    let pad = format!("/api/v1/meldingen/{id}");
    send(c, base, s, "PATCH", &pad, Some(body))
}

fn formulier(c: &Client, base: &str, s: &ApiSessie, path: &str, velden: &[(&str, &str)]) -> u16 {
    let mut velden: Vec<(&str, &str)> = velden.to_vec();
    velden.push(("csrf", &s.csrf));
    c.post(format!("{base}{path}"))
        .header("cookie", &s.cookie)
        .form(&velden)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

/// A pupil with a draft melding of the school they are enrolled at today: (pupil, school,
/// draft).
fn met_concept(app: &App, overslaan: Option<LeerlingId>) -> (LeerlingId, String, i64) {
    let op = Actor::local_operator();
    let today = Utc::now().date_naive();
    let mut gevonden = None;
    app.jongeren(&op, today, None, &mut |j| {
        if gevonden.is_some() || Some(j.leerling) == overslaan {
            return Ok(());
        }
        let Some(school) = &j.school else {
            return Ok(());
        };
        if let Some(m) = app
            .opslag(&leerrecht_app::Actor::local_operator())
            .unwrap()
            .meldingen_van(j.leerling)?
            .into_iter()
            .find(|m| m.status == "concept" && m.school == *school)
        {
            gevonden = Some((j.leerling, school.as_str().to_string(), m.id));
        }
        Ok(())
    })
    .unwrap();
    gevonden.expect("the tiny demo has draft meldingen")
}

/// Finding 1 of the penetration test: a pupil formerly at school A, now at school C. School
/// C neither lists nor confirms school A's draft, through the API or the page; school A
/// confirms its own drafts.
fn another_schools_draft(db: &str) {
    let app = tiny_demo_app(db);
    let op = Actor::local_operator();
    let today = Utc::now().date_naive();
    let (pupil, school_a, draft) = met_concept(&app, None);
    let orgs = app.organisaties(&op).unwrap();
    let school_c = orgs
        .iter()
        .find(|o| o.soort == OrgSoort::School && o.code.as_str() != school_a)
        .unwrap()
        .code
        .as_str()
        .to_string();
    // The move: the enrolment at A ends yesterday, the one at C starts today.
    let oud = app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .inschrijvingen_van(pupil)
        .unwrap()
        .into_iter()
        .find(|i| i.school.as_str() == school_a && i.einddatum().is_none())
        .expect("an open enrolment at A");
    let dir = TempDir::new().unwrap();
    let csv = write_file(
        dir.path(),
        "verhuisd.csv",
        &format!(
            "leerling;school;sector;begindatum;einddatum\n{pupil};{school_a};{s};{b};{e}\n{pupil};{school_c};{s};{t};\n",
            s = oud.sector.code(),
            b = oud.begindatum(),
            e = today - Duration::days(1),
            t = today,
        ),
    );
    leerrecht(db, &["import", "inschrijvingen", csv.to_str().unwrap()]);
    let geheim_c = account(&app, "scope.school.c", &school_c, Rol::School);
    // A control: another pupil's draft at their own school A'.
    let (ander, school_eigen, eigen_concept) = met_concept(&app, Some(pupil));
    let geheim_eigen = account(&app, "scope.school.eigen", &school_eigen, Rol::School);
    let id = app.id_van(pupil).unwrap().unwrap();
    let ander_id = app.id_van(ander).unwrap().unwrap();

    let (_server, base) = start(db);
    let c = client();
    let sc = inloggen(&c, &base, "scope.school.c", &geheim_c);
    // School C sees its pupil, but not school A's meldingen.
    let (st, _) = get(&c, &base, &sc, &format!("/api/v1/jongeren/{id}"));
    assert_eq!(st, 200);
    let (st, lijst) = get(&c, &base, &sc, &format!("/api/v1/meldingen?jongere={id}"));
    assert_eq!(st, 200, "{lijst}");
    assert!(
        lijst
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["school"] == school_c.as_str() && m["id"] != draft),
        "school C lists another school's meldingen: {lijst}"
    );
    // Nor confirms its draft: through the API…
    let (st, v) = melding_wijzigen(&c, &base, &sc, draft, json!({"status": "geregistreerd"}));
    assert_eq!(st, 403, "{v}");
    // …or withdraws it…
    let (st, _) = melding_wijzigen(
        &c,
        &base,
        &sc,
        draft,
        json!({"status": "ingetrokken", "afsluitreden": "administratieve_fout"}),
    );
    assert_eq!(st, 403);
    // …or through the page's forms.
    let formulieren: [(&str, &[(&str, &str)]); 2] = [
        ("intrekken", &[("reden", "administratieve_fout")]),
        ("bevestigen", &[]),
    ];
    for (actie, velden) in formulieren {
        let pad = format!("/jongeren/{id}/melding/{draft}/{actie}");
        assert_eq!(formulier(&c, &base, &sc, &pad, velden), 403, "{actie}");
    }
    // The draft is still a draft of school A, and no case was opened for it.
    let m = app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .meldingen_van(pupil)
        .unwrap()
        .into_iter()
        .find(|m| m.id == draft)
        .unwrap();
    assert_eq!((m.status.as_str(), m.zaak_id), ("concept", None));
    // The refusals are in the audit log.
    let mut geweigerd = 0;
    app.opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            if e.entry.actor == "scope.school.c"
                && !e.entry.toegestaan
                && e.entry.record.as_deref().is_some_and(|r| {
                    r.starts_with(&format!("melding {draft} "))
                        || r.starts_with(&format!("melding {draft}:"))
                })
            {
                geweigerd += 1;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(geweigerd, 4);

    // A school confirms its own draft: the control that the refusal is about the school.
    let se = inloggen(&c, &base, "scope.school.eigen", &geheim_eigen);
    let (st, lijst) = get(
        &c,
        &base,
        &se,
        &format!("/api/v1/meldingen?jongere={ander_id}"),
    );
    assert_eq!(st, 200);
    assert!(lijst
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == eigen_concept));
    let (st, v) = melding_wijzigen(
        &c,
        &base,
        &se,
        eigen_concept,
        json!({"status": "geregistreerd"}),
    );
    assert_eq!(st, 204, "{v}");
    // …and withdraws it again through the page's form: not without a reason from the list,
    // then with one and its own words, which the melding keeps.
    let pad = format!("/jongeren/{ander_id}/melding/{eigen_concept}/intrekken");
    assert_eq!(formulier(&c, &base, &se, &pad, &[("reden", "")]), 422);
    assert_eq!(
        formulier(&c, &base, &se, &pad, &[("reden", "geen_zin")]),
        422
    );
    let st = formulier(
        &c,
        &base,
        &se,
        &pad,
        &[
            ("reden", "achteraf_geoorloofd"),
            ("toelichting", "Verlof was toch gegeven."),
        ],
    );
    assert_eq!(st, 303);
    let (_, lijst) = get(
        &c,
        &base,
        &se,
        &format!("/api/v1/meldingen?jongere={ander_id}"),
    );
    let m = lijst
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == eigen_concept)
        .unwrap()
        .clone();
    assert_eq!(
        (&m["status"], &m["afsluitreden"], &m["toelichting"]),
        (
            &json!("ingetrokken"),
            &json!("achteraf_geoorloofd"),
            &json!("Verlof was toch gegeven.")
        ),
        "{m}"
    );
}

on_both_databases!(
    |db: String| another_schools_draft(&db),
    another_schools_draft_sqlite("a.db"),
    another_schools_draft_postgres
);

/// Issue 16 item 4 and finding 10: leerplicht adds a partner to one case through the API
/// and removes it again; the partner sees the person and that case only, and neither after
/// the removal; no other role adds or removes partners. The page's forms do the same.
fn case_partners(db: &str) {
    let app = tiny_demo_app(db);
    let op = Actor::local_operator();
    let today = Utc::now().date_naive();
    let orgs = app.organisaties(&op).unwrap();
    // The test opens its own cases: a pupil without an open one.
    let store = app.opslag(&op).unwrap();
    let met_zaak: std::collections::HashSet<LeerlingId> =
        [ZaakSoort::Thuiszitter, ZaakSoort::Verzuim]
            .into_iter()
            .flat_map(|s| store.open_zaken(s).unwrap())
            .map(|z| z.leerling)
            .collect();
    // A pupil at a school with an SWV, in a gemeente a bureau and a CJG serve.
    let gekozen = eerste_jongere(&app, |j| {
        if met_zaak.contains(&j.leerling) {
            return None;
        }
        let school = j.school.as_ref()?;
        let dienst = |s: OrgSoort| dienst_van(&orgs, s, &j.gemeente);
        Some((
            j.leerling,
            school.as_str().to_string(),
            swv_van(&orgs, school.as_str())?,
            dienst(OrgSoort::Leerplicht)?,
            dienst(OrgSoort::Cjg)?,
        ))
    });
    let (pupil, school, swv, bureau, cjg) = gekozen.expect("a pupil of the demo");
    // A second bureau, serving a gemeente other than the pupil's.
    let gemeente = app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .persoon_context(pupil, today)
        .unwrap()
        .unwrap()
        .jongere
        .gemeente;
    let elders = orgs
        .iter()
        .find(|o| o.soort == OrgSoort::Gemeente && o.code.as_str() != gemeente.as_str())
        .expect("a second gemeente")
        .code
        .as_str()
        .to_string();
    let dir = TempDir::new().unwrap();
    let f = write_file(
        dir.path(),
        "bureau.csv",
        &format!("code;soort;naam;gemeente;regio;swv;bedient\nRBL-ELDERS;leerplicht;Bureau elders;{elders};;;{elders}\n"),
    );
    leerrecht(db, &["import", "organisaties", f.to_str().unwrap()]);
    let ander_bureau = "RBL-ELDERS".to_string();
    let thuis = app
        .zaak_openen(&op, pupil, ZaakSoort::Thuiszitter, today)
        .unwrap();
    let verzuim = app
        .zaak_openen(&op, pupil, ZaakSoort::Verzuim, today)
        .unwrap();
    let g_lp = account(&app, "scope.lp", &bureau, Rol::Leerplicht);
    let g_lp2 = account(&app, "scope.lp.ander", &ander_bureau, Rol::Leerplicht);
    let g_cjg = account(&app, "scope.cjg", &cjg, Rol::Cjg);
    let g_swv = account(&app, "scope.swv", &swv, Rol::Swv);
    let g_school = account(&app, "scope.school", &school, Rol::School);
    let id = app.id_van(pupil).unwrap().unwrap();

    let (_server, base) = start(db);
    let c = client();
    let lp = inloggen(&c, &base, "scope.lp", &g_lp);
    let cj = inloggen(&c, &base, "scope.cjg", &g_cjg);
    // Before: the CJG sees nobody.
    let (st, _) = get(&c, &base, &cj, &format!("/api/v1/jongeren/{id}"));
    assert_eq!(st, 403);
    // Only leerplicht of the person's bureau adds a partner.
    let anderen: Vec<(&str, ApiSessie)> = [
        ("scope.lp.ander", &g_lp2),
        ("scope.swv", &g_swv),
        ("scope.school", &g_school),
    ]
    .into_iter()
    .map(|(naam, geheim)| (naam, inloggen(&c, &base, naam, geheim)))
    .collect();
    let mut alle: Vec<(&str, &ApiSessie)> = anderen.iter().map(|(n, s)| (*n, s)).collect();
    alle.push(("scope.cjg", &cj));
    for (naam, s) in alle {
        let (st, v) = send(
            &c,
            &base,
            s,
            "POST",
            &format!("/api/v1/zaken/{thuis}/partners"),
            Some(json!({"organisatie": cjg})),
        );
        assert_eq!(st, 403, "{naam}: {v}");
    }
    let (st, v) = send(
        &c,
        &base,
        &lp,
        "POST",
        &format!("/api/v1/zaken/{thuis}/partners"),
        Some(json!({"organisatie": cjg, "contact": "J. de Boer"})),
    );
    assert_eq!(st, 201, "{v}");
    assert_eq!(
        v,
        json!({"zaak": thuis, "organisatie": cjg, "contact": "J. de Boer"})
    );
    // An unknown organisation is refused as input.
    let (st, _) = send(
        &c,
        &base,
        &lp,
        "POST",
        &format!("/api/v1/zaken/{thuis}/partners"),
        Some(json!({"organisatie": "GEEN-ORG"})),
    );
    assert_eq!(st, 422);
    // The CJG sees the person and that case, not the other case.
    assert_eq!(
        get(&c, &base, &cj, &format!("/api/v1/jongeren/{id}")).0,
        200
    );
    assert_eq!(
        get(&c, &base, &cj, &format!("/api/v1/zaken/{thuis}")).0,
        200
    );
    assert_eq!(
        get(&c, &base, &cj, &format!("/api/v1/zaken/{verzuim}")).0,
        403
    );
    let (st, zaken) = get(&c, &base, &cj, &format!("/api/v1/zaken?jongere={id}"));
    assert_eq!(st, 200);
    let ids: Vec<i64> = zaken
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [thuis]);
    let (_, alle) = get(&c, &base, &lp, &format!("/api/v1/zaken?jongere={id}"));
    assert_eq!(alle.as_array().unwrap().len(), 2);
    // The CJG lists the person among its persons.
    let (st, lijst) = get(&c, &base, &cj, "/api/v1/jongeren");
    assert_eq!(st, 200);
    assert!(lijst["jongeren"]
        .as_array()
        .unwrap()
        .iter()
        .any(|j| j["id"] == id.as_str()));
    // Removing: only leerplicht; then the CJG sees neither the case nor the person.
    let partner_weg = |wie: &ApiSessie| {
        let pad = format!("/api/v1/zaken/{thuis}/partners/{cjg}");
        send(&c, &base, wie, "DELETE", &pad, None)
    };
    let partner_weg_formulier = |wie: &ApiSessie| {
        let pad = format!("/jongeren/{id}/zaak/{verzuim}/partner/verwijderen");
        formulier(&c, &base, wie, &pad, &[("organisatie", &cjg)])
    };
    let dossier = |wie: &ApiSessie| {
        c.get(format!("{base}/jongeren/{id}"))
            .header("cookie", &wie.cookie)
            .send()
            .unwrap()
    };
    let (st, _) = partner_weg(&cj);
    assert_eq!(st, 403);
    let (st, v) = partner_weg(&lp);
    assert_eq!(st, 204, "{v}");
    assert_eq!(
        get(&c, &base, &cj, &format!("/api/v1/zaken/{thuis}")).0,
        403
    );
    assert_eq!(
        get(&c, &base, &cj, &format!("/api/v1/jongeren/{id}")).0,
        403
    );
    // Removing again: not a partner any more.
    let (st, _) = partner_weg(&lp);
    assert_eq!(st, 422);
    // The case tells the story.
    let (_, zaak) = get(&c, &base, &lp, &format!("/api/v1/zaken/{thuis}"));
    let soorten: Vec<&str> = zaak["gebeurtenissen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["gebeurtenis"]["soort"].as_str().unwrap())
        .collect();
    assert_eq!(soorten, ["geopend", "partner", "partner_verwijderd"]);

    // The page's forms: leerplicht adds the partner to the verzuim case, the CJG then sees
    // that case, and after the removal the file is closed to it again.
    let st = formulier(
        &c,
        &base,
        &lp,
        &format!("/jongeren/{id}/zaak/{verzuim}/partner"),
        &[("organisatie", &cjg), ("contact", "")],
    );
    assert_eq!(st, 303);
    assert_eq!(
        get(&c, &base, &cj, &format!("/api/v1/zaken/{verzuim}")).0,
        200
    );
    let pagina = dossier(&cj);
    assert_eq!(pagina.status().as_u16(), 200);
    let html = pagina.text().unwrap();
    assert!(html.contains(&format!("id=\"partners-{verzuim}\"")));
    assert!(!html.contains(&format!("id=\"partners-{thuis}\"")));
    // A CJG posting the form is refused.
    let st = partner_weg_formulier(&cj);
    assert_eq!(st, 403);
    let st = partner_weg_formulier(&lp);
    assert_eq!(st, 303);
    let pagina = dossier(&cj);
    assert_eq!(pagina.status().as_u16(), 403);

    // Each addition and removal is in the audit log, allowed or refused.
    let mut acties = Vec::new();
    app.opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            if e.entry.actie.starts_with("partner_") {
                acties.push((
                    e.entry.actor.clone(),
                    e.entry.actie.clone(),
                    e.entry.toegestaan,
                ));
            }
            Ok(())
        })
        .unwrap();
    let telling = |actor: &str, actie: &str, ok: bool| {
        acties
            .iter()
            .filter(|(a, b, c)| a == actor && b == actie && *c == ok)
            .count()
    };
    assert_eq!(telling("scope.lp", "partner_toevoegen", true), 3);
    assert_eq!(telling("scope.lp", "partner_verwijderen", true), 3);
    assert_eq!(telling("scope.cjg", "partner_toevoegen", false), 1);
    assert_eq!(telling("scope.cjg", "partner_verwijderen", false), 2);
    assert_eq!(telling("scope.lp.ander", "partner_toevoegen", false), 1);
}

on_both_databases!(
    |db: String| case_partners(&db),
    case_partners_sqlite("p.db"),
    case_partners_postgres
);
