//! The security regression suite: every operation of the served OpenAPI document, walked
//! over real HTTP with an account of every role in two organisations of each kind and with no
//! login, each on a person of its own organisation's scope and of the other's. The expected
//! answers are the need-to-know rules of docs/domain.md §10 written down as data ([`MATRIX`]); the
//! test fails on any access they do not allow, on any refusal of what they allow, and on any
//! operation of the document that the matrix does not list, so that a new route cannot ship
//! without its place in the matrix. One test per database.
//!
//! To add a route: add its line to [`MATRIX`] (and a request body to [`body`] for a write).
//! `LEERRECHT_MATRIX_TONEN=1` prints the answers observed, one line per operation, in the
//! matrix's own notation; check each cell against docs/domain.md §10 before copying it.

mod support;

use std::collections::BTreeMap;
use std::process::Stdio;

use chrono::{Duration, Utc};
use leerrecht_app::register::verzorgers::VerzorgerWijziging;
use leerrecht_app::toegang::Scope;
use leerrecht_app::{Actor, App};
use leerrecht_domain::brief::Sjabloon;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::org::{OrgSoort, Organisatie, Rol};
use leerrecht_domain::verzorger::{Adres, Relatie, Verzorger};
use leerrecht_domain::zaak::ZaakSoort;
use leerrecht_store::{MeldingGegevens, MeldingRij};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use tempfile::TempDir;

use support::{
    dienst_van, leerrecht, on_both_databases, serve, swv_van, tiny_demo_app, write_file, ApiSessie,
};

const WACHTWOORD: &str = "Correct-Paard-Batterij-Matrix";

/// Who answers what. Per operation, one cell per caller, in the order of [`WIE`] (`token`:
/// a school's API token with both scopes, of the side's school):
/// `E` allowed on a person (or case, or melding) of the caller's own scope and refused
/// (403) on the other organisation's; `A` allowed whatever the person (person-free
/// operations); `-` refused always (401 without login, else 403); `P` public, not judged by
/// the gate (logging in, a reset code: any answer below 500). "Allowed" means the gate let
/// the request through: any answer but 401, 403 and 404.
const WIE: [&str; 9] = [
    "leerplicht",
    "school",
    "swv",
    "jeugdarts",
    "cjg",
    "beleid",
    "beheer",
    "token",
    "anoniem",
];

#[rustfmt::skip]
const MATRIX: &[(&str, &str)] = &[
    //                                                  lp sc sw ja cj bl bh tk an
    ("POST /sessies",                                  "P  P  P  P  P  P  P  P  P"),
    ("DELETE /sessies/huidig",                         "A  A  A  A  A  A  A  -  -"),
    ("GET /gebruikers",                                "-  -  -  -  -  -  A  -  -"),
    ("POST /wachtwoordherstel",                        "P  P  P  P  P  P  P  P  P"),
    ("GET /gebruikers/ik",                             "A  A  A  A  A  A  A  A  -"),
    ("PUT /gebruikers/ik/wachtwoord",                  "A  A  A  A  A  A  A  -  -"),
    ("GET /organisaties",                              "A  A  A  A  A  A  A  A  -"),
    ("GET /organisaties/{code}",                       "A  A  A  A  A  A  A  A  -"),
    ("GET /jongeren",                                  "A  A  A  A  A  -  -  -  -"),
    ("POST /jongeren/_zoek",                           "E  E  E  E  E  -  -  -  -"),
    ("GET /jongeren/{id}",                             "E  E  E  E  E  -  -  -  -"),
    ("GET /inschrijvingen",                            "E  E  E  E  E  -  -  -  -"),
    ("GET /verzorgers",                                "E  E  E  E  E  -  -  -  -"),
    ("POST /verzorgers",                               "E  -  -  -  -  -  -  -  -"),
    ("POST /verzorgers/_verwijder",                    "E  -  -  -  -  -  -  -  -"),
    // Leerplicht on a purpose (the walk's person has a case); the youth doctor the sick days.
    ("GET /verzuim",                                   "E  E  -  E  -  -  -  -  -"),
    ("POST /verzuim",                                  "-  -  -  -  -  -  -  A  -"),
    // Signals are the school's; the youth doctor reads the referrals.
    ("GET /signalen",                                  "-  E  -  E  -  -  -  -  -"),
    ("GET /meldingen",                                 "E  E  -  -  -  -  -  -  -"),
    ("POST /meldingen",                                "-  -  -  -  -  -  -  A  -"),
    ("PATCH /meldingen/{id}",                          "E  -  -  -  -  -  -  -  -"),
    ("GET /registraties",                              "E  -  E  -  E  -  -  -  -"),
    ("POST /registraties",                             "E  -  E  -  -  -  -  -  -"),
    ("GET /zaken",                                     "E  -  E  -  E  -  -  -  -"),
    ("GET /zaken/{id}",                                "E  -  E  -  E  -  -  -  -"),
    ("POST /zaken/{id}/partners",                      "E  -  -  -  -  -  -  -  -"),
    ("DELETE /zaken/{id}/partners/{organisatie}",      "E  -  -  -  -  -  -  -  -"),
    ("POST /zaken/{id}/plannen",                       "E  -  -  -  -  -  -  -  -"),
    ("POST /zaken/{id}/ouderbetrokkenheid",            "E  -  -  -  -  -  -  -  -"),
    ("POST /zaken/{id}/sluiting",                      "E  -  -  -  -  -  -  -  -"),
    ("GET /zaken/{id}/notities",                       "E  -  E  -  E  -  -  -  -"),
    ("GET /zaken/{id}/brieven",                        "E  -  E  -  E  -  -  -  -"),
    ("POST /zaken/{id}/brieven",                       "E  -  -  -  -  -  -  -  -"),
    ("GET /brieven/{id}",                              "E  -  E  -  E  -  -  -  -"),
    ("POST /zaken/{id}/handhaving",                    "E  -  -  -  -  -  -  -  -"),
    ("POST /zaken/{id}/notities",                      "E  -  -  -  -  -  -  -  -"),
    ("POST /zaken/{id}/contactpogingen",               "E  -  -  -  -  -  -  -  -"),
    // The RMC list is leerplicht's (the region's RMC function).
    ("GET /rmc",                                       "A  -  -  -  -  -  -  -  -"),
    ("POST /rmc/zaken",                                "E  -  -  -  -  -  -  -  -"),
    ("GET /medische-notities",                         "-  -  -  E  -  -  -  -  -"),
    ("POST /medische-notities",                        "-  -  -  E  -  -  -  -  -"),
    ("POST /noodtoegang",                              "A  A  A  A  A  -  -  -  -"),
    ("GET /vrijstellingen",                            "E  -  E  -  E  -  -  -  -"),
    ("POST /vrijstellingen",                           "E  -  -  -  -  -  -  -  -"),
    ("GET /aanbod",                                    "E  -  E  -  E  -  -  -  -"),
    ("POST /aanbod",                                   "E  -  -  -  -  -  -  -  -"),
    ("GET /escalaties",                                "E  -  E  -  E  -  -  -  -"),
    ("GET /werklijst",                                 "A  A  A  A  A  -  -  -  -"),
    ("GET /rapportages/peildatum",                     "A  A  A  A  A  A  A  -  -"),
    ("GET /rapportages/oorzaken",                      "A  A  A  A  A  A  A  -  -"),
    ("GET /rapportages/schooljaar",                    "A  A  A  A  A  A  A  -  -"),
    ("GET /rapportages/doelen",                        "A  A  A  A  A  A  A  -  -"),
    ("GET /rapportages/kpi",                           "A  A  A  A  A  A  A  -  -"),
    ("GET /rapportages/leerplichttelling",             "A  A  A  A  A  A  A  -  -"),
    ("GET /rapportages/inspectie",                     "A  A  A  A  A  A  A  -  -"),
    ("GET /rapportages/rmc",                           "A  A  A  A  A  A  A  -  -"),
];

/// One organisation's part: its accounts' organisations, and a person, a case and a
/// melding in its scope.
struct Kant {
    /// Organisation code per role (beleid: a gemeente; beheer: a leerplicht bureau).
    org: BTreeMap<Rol, String>,
    leerling: LeerlingId,
    id: String,
    zaak: i64,
    melding: i64,
    /// A letter on the case.
    brief: i64,
}

struct Opzet {
    kanten: [Kant; 2],
    /// An API token of each side's school, with both scopes.
    tokens: [String; 2],
    /// (username, TOTP secret) per role and side.
    accounts: BTreeMap<(Rol, usize), (String, Option<String>)>,
}

fn rol_van(wie: &str) -> Option<Rol> {
    Rol::ALL.into_iter().find(|r| r.to_string() == wie)
}

/// The tiny demo has one leerplicht bureau and one GGD for its region: each gives half of
/// its gemeenten to a second organisation of its kind (through the organisation import), so
/// that there are two of every kind with scopes apart.
fn tweede_diensten(db: &str, app: &App) {
    let orgs = app.organisaties(&Actor::local_operator()).unwrap();
    let mut csv = String::from("code;soort;naam;gemeente;regio;swv;bedient\n");
    for (soort, code, tweede) in [
        (OrgSoort::Leerplicht, "leerplicht", "RBL-TWEE"),
        (OrgSoort::Ggd, "ggd", "GGD-TWEE"),
    ] {
        // Two that each serve a part of the region (the demo's neighbouring bureau serves
        // only the gemeente its few movers went to).
        if orgs
            .iter()
            .filter(|o| o.soort == soort && o.bedient.len() >= 2)
            .count()
            >= 2
        {
            continue;
        }
        let o = orgs
            .iter()
            .find(|o| o.soort == soort && o.bedient.len() >= 2)
            .expect("an organisation serving two gemeenten");
        let (a, b) = o.bedient.split_at(o.bedient.len() / 2);
        let lijst = |g: &[leerrecht_domain::ids::GemeenteCode]| {
            g.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("|")
        };
        let gemeente = |g: &Option<leerrecht_domain::ids::GemeenteCode>| {
            g.as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default()
        };
        csv += &format!(
            "{};{code};{};{};{};;{}\n",
            o.code.as_str(),
            o.naam,
            gemeente(&o.gemeente),
            o.regio.clone().unwrap_or_default(),
            lijst(a)
        );
        csv += &format!(
            "{tweede};{code};{tweede};{};;;{}\n",
            b[0].as_str(),
            lijst(b)
        );
    }
    let dir = TempDir::new().unwrap();
    let f = write_file(dir.path(), "organisaties.csv", &csv);
    leerrecht(db, &["import", "organisaties", f.to_str().unwrap()]);
}

/// Two persons whose organisations of every kind differ: each enrolled today at a school of
/// an SWV, living in a gemeente served by a bureau and a GGD, referred to the youth doctor
/// (a MAZL signal).
fn opzet(db: &str) -> Opzet {
    let app = tiny_demo_app(db);
    tweede_diensten(db, &app);
    let op = Actor::local_operator();
    let today = Utc::now().date_naive();
    let orgs = app.organisaties(&op).unwrap();
    // Candidates: (leerling, school, swv, bureau, ggd, cjg, gemeente).
    let mut kandidaten: Vec<(LeerlingId, [String; 6])> = Vec::new();
    app.jongeren(&op, today, None, &mut |j| {
        let Some(school) = &j.school else {
            return Ok(());
        };
        let dienst = |s: OrgSoort| dienst_van(&orgs, s, &j.gemeente);
        if let (Some(swv), Some(bureau), Some(ggd), Some(cjg)) = (
            swv_van(&orgs, school.as_str()),
            dienst(OrgSoort::Leerplicht),
            dienst(OrgSoort::Ggd),
            dienst(OrgSoort::Cjg),
        ) {
            kandidaten.push((
                j.leerling,
                [
                    school.as_str().to_string(),
                    swv,
                    bureau,
                    ggd,
                    cjg,
                    j.gemeente.as_str().to_string(),
                ],
            ));
        }
        Ok(())
    })
    .unwrap();
    let mazl = |l: LeerlingId| {
        app.opslag(&leerrecht_app::Actor::local_operator())
            .unwrap()
            .persoon_context(l, today)
            .unwrap()
            .is_some_and(|c| c.mazl_verwezen)
    };
    let eerste = kandidaten
        .iter()
        .find(|(l, _)| mazl(*l))
        .cloned()
        .expect("the tiny demo has a pupil referred to the youth doctor");
    let tweede = kandidaten
        .iter()
        .find(|(l, o)| o.iter().zip(&eerste.1).all(|(a, b)| a != b) && mazl(*l))
        .cloned()
        .expect("the tiny demo has a referred pupil of other organisations of every kind");
    let beheer = |i: usize| {
        orgs.iter()
            .filter(|o| o.soort == OrgSoort::Leerplicht)
            .nth(i)
            .map(|o: &Organisatie| o.code.as_str().to_string())
            .expect("two bureaus")
    };
    let mut accounts = BTreeMap::new();
    let mut kanten = Vec::new();
    let mut tokens = Vec::new();
    for (i, (leerling, o)) in [eerste, tweede].into_iter().enumerate() {
        let org: BTreeMap<Rol, String> = [
            (Rol::School, o[0].clone()),
            (Rol::Swv, o[1].clone()),
            (Rol::Leerplicht, o[2].clone()),
            (Rol::Jeugdarts, o[3].clone()),
            (Rol::Cjg, o[4].clone()),
            (Rol::Beleid, o[5].clone()),
            (Rol::Beheer, beheer(i)),
        ]
        .into_iter()
        .collect();
        for (rol, code) in &org {
            let naam = format!("matrix.{rol}.{i}");
            let n = app
                .user_add_blijvend(&op, &naam, code, *rol, WACHTWOORD)
                .unwrap();
            accounts.insert((*rol, i), (naam, n.totp_geheim));
        }
        // A case with this side's CJG as its partner, and a melding of its school.
        let zaak = app
            .zaak_openen(&op, leerling, ZaakSoort::Thuiszitter, today)
            .unwrap();
        app.partner_toevoegen(&op, zaak, &o[4], None).unwrap();
        let (melding, _) = app
            .melding_indienen(
                &op,
                MeldingRij {
                    leerling,
                    school: o[0].parse().unwrap(),
                    begindatum: today - Duration::days(14),
                    verzuimsoort: "16uur",
                    uren: Some(16),
                    dagen: None,
                    gegevens: MeldingGegevens::default(),
                },
            )
            .unwrap();
        let (_, token) = app
            .token_create(
                &op,
                &o[0],
                &[Scope::VerzuimSchrijven, Scope::MeldingenSchrijven],
                "matrix",
            )
            .unwrap();
        tokens.push(token);
        // A parent, and an invitation to them kept on the case.
        app.verzorger_wijzigen(
            &op,
            leerling,
            VerzorgerWijziging::Toevoegen(Verzorger {
                leerling,
                naam: "Matrix Ouder".into(),
                relatie: Relatie::Ouder,
                adres: Adres {
                    straat: "Kerkstraat".into(),
                    huisnummer: "1".into(),
                    postcode: "2011 AB".parse().unwrap(),
                    woonplaats: "Haarlem".into(),
                },
                telefoon: None,
                email: None,
            }),
        )
        .unwrap();
        let (brief, _) = app.brief_maken(&op, zaak, Sjabloon::Uitnodiging).unwrap();
        kanten.push(Kant {
            org,
            id: app.id_van(leerling).unwrap().unwrap(),
            leerling,
            zaak,
            melding,
            brief: brief.id,
        });
    }
    let [a, b]: [Kant; 2] = kanten.try_into().ok().unwrap();
    Opzet {
        kanten: [a, b],
        tokens: tokens.try_into().unwrap(),
        accounts,
    }
}

/// Logs in with the test's password, which must succeed.
fn inloggen(c: &Client, base: &str, naam: &str, geheim: &Option<String>) -> ApiSessie {
    ApiSessie::login(c, base, naam, WACHTWOORD, geheim.as_deref())
}

/// The request body of a write, on the person (case, melding) of `k`.
fn body(op: &str, k: &Kant) -> Value {
    let vandaag = Utc::now().date_naive();
    match op {
        "POST /sessies" => {
            json!({"gebruikersnaam": "niemand.hier", "wachtwoord": "fout-fout-fout-fout", "code": "000000"})
        }
        "POST /wachtwoordherstel" => {
            json!({"gebruikersnaam": "niemand.hier", "code": "fout", "nieuw": "nog-een-lange-zin-hier"})
        }
        "PUT /gebruikers/ik/wachtwoord" => {
            json!({"huidig": "fout-fout-fout-fout", "nieuw": "nog-een-lange-zin-hier"})
        }
        "POST /jongeren/_zoek" => json!({"leerling": k.leerling.to_string()}),
        "POST /verzuim" | "POST /meldingen" => json!({"rijen": []}),
        // Past the gate, the input is refused (no reason for closing): nothing changes.
        "PATCH /meldingen/{id}" => json!({"status": "afgesloten"}),
        "POST /registraties" => {
            json!({"jongere": k.id, "categorie": "thuiszittend", "oorzaak": "psychisch", "per": vandaag})
        }
        // An organisation that does not exist: past the gate, the input is refused.
        "POST /zaken/{id}/partners" => json!({"organisatie": "GEEN-ORG"}),
        // Inputs the use case refuses once the gate has let the request through: no part of
        // a plan, no words for the parents, `overig` without an explanation, an empty note, no
        // minutes.
        "POST /zaken/{id}/plannen" => json!({"omschrijving": "Matrix"}),
        "POST /zaken/{id}/ouderbetrokkenheid" => json!({"hoe": " "}),
        "POST /zaken/{id}/sluiting" => json!({"reden": "overig", "toelichting": " "}),
        "POST /medische-notities" => json!({"jongere": k.id, "tekst": " "}),
        "POST /zaken/{id}/notities" => json!({"niveau": "zaak", "tekst": " "}),
        // An outcome with no HALT referral pending: past the gate, refused as input.
        "POST /zaken/{id}/handhaving" => json!({"stap": "halt_afgerond"}),
        // A contact attempt on a case that is not an RMC case, and an RMC case for a
        // young person who is not of 18 to 23: past the gate, refused as input.
        "POST /zaken/{id}/contactpogingen" => json!({"wijze": "brief", "bereikt": false}),
        "POST /rmc/zaken" => json!({"jongere": k.id}),
        // The side's parent gets another invitation.
        "POST /zaken/{id}/brieven" => json!({"sjabloon": "uitnodiging"}),
        // A parent without a name, and one who is not on the file: refused past the gate.
        "POST /verzorgers" => json!({"jongere": k.id, "naam": " ", "relatie": "ouder",
            "straat": "Kerkstraat", "huisnummer": "1", "postcode": "2011 AB", "woonplaats": "Haarlem"}),
        "POST /verzorgers/_verwijder" => json!({"jongere": k.id, "naam": "Niemand Hier"}),
        "POST /noodtoegang" => {
            json!({"leerling": k.leerling.to_string(), "reden": "Matrix", "minuten": 0})
        }
        // 5 sub a without the statement it needs.
        "POST /vrijstellingen" => {
            json!({"jongere": k.id, "artikel": "art5_sub_a", "reden": "Matrix", "van": vandaag})
        }
        "POST /aanbod" => {
            json!({"zaak": k.zaak, "aanbod": "onderwijs", "aanbieder": "De Ark", "aangeboden": vandaag})
        }
        other => panic!("{other}: add its request body to `body` in security_matrix.rs"),
    }
}

/// The value of a path or query parameter, on the person (case, melding) of `k`.
fn parameter(naam: &str, op: &str, k: &Kant) -> String {
    match (naam, op) {
        ("id", o) if o.contains("/jongeren/") => k.id.clone(),
        ("id", o) if o.contains("/zaken/") => k.zaak.to_string(),
        ("id", o) if o.contains("/brieven/") => k.brief.to_string(),
        ("id", o) if o.contains("/meldingen/") => k.melding.to_string(),
        ("jongere", _) => k.id.clone(),
        ("code", _) => k.org[&Rol::School].clone(),
        // No partner of the case: past the gate, the removal is refused as input.
        ("organisatie", _) => "GEEN-ORG".into(),
        (n, _) if optioneel(n).is_some() => optioneel(n).unwrap(),
        (n, o) => panic!("{o}: give parameter {n} a value in `parameter` in security_matrix.rs"),
    }
}

/// The value of an optional query parameter a request needs to reach the gate (a report's
/// date or school year), if it is one.
fn optioneel(naam: &str) -> Option<String> {
    let vandaag = Utc::now().date_naive();
    match naam {
        "datums" | "datum" => Some(vandaag.to_string()),
        "jaar" => Some(leerrecht_domain::schoolyear::SchoolYear::containing(vandaag).to_string()),
        _ => None,
    }
}

/// The operations of the served document: "METHOD /path" with the parameters to send
/// (name, in path or query): the required ones, and the optional ones [`optioneel`] knows.
fn operaties(doc: &Value) -> BTreeMap<String, Vec<(String, bool)>> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, o) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let params = o["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path" || p["in"] == "query")
                        .filter(|p| {
                            p["required"] == true
                                || optioneel(p["name"].as_str().unwrap()).is_some()
                        })
                        .map(|p| (p["name"].as_str().unwrap().to_string(), p["in"] == "path"))
                        .collect()
                })
                .unwrap_or_default();
            out.insert(format!("{} {path}", method.to_uppercase()), params);
        }
    }
    out
}

fn walk(db: &str) {
    let started = std::time::Instant::now();
    let o = opzet(db);
    let (mut child, base) = serve(db, &[], Stdio::null());
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = std::process::Command::new("kill")
                .arg("-TERM")
                .arg(self.0.id().to_string())
                .status();
            let _ = self.0.wait();
        }
    }
    let _ = child.stdout.take();
    let _stop = Stop(child);
    let c = Client::builder().build().unwrap();
    let doc: Value = c
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let ops = operaties(&doc);
    let matrix: BTreeMap<&str, Vec<char>> = MATRIX
        .iter()
        .map(|(op, cellen)| {
            let cellen: Vec<char> = cellen
                .split_whitespace()
                .map(|c| c.chars().next().unwrap())
                .collect();
            assert_eq!(cellen.len(), WIE.len(), "{op}: one cell per caller");
            (*op, cellen)
        })
        .collect();
    let ontbreekt: Vec<&String> = ops
        .keys()
        .filter(|o| !matrix.contains_key(o.as_str()))
        .collect();
    assert!(
        ontbreekt.is_empty(),
        "operations of the OpenAPI document without a place in the security matrix: {ontbreekt:?}"
    );
    let weg: Vec<&&str> = matrix.keys().filter(|o| !ops.contains_key(**o)).collect();
    assert!(
        weg.is_empty(),
        "the matrix lists operations the document does not have: {weg:?}"
    );

    let tonen = std::env::var("LEERRECHT_MATRIX_TONEN").is_ok();
    let mut fouten = Vec::new();
    let mut gezien: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut verzoeken = 0;
    // Writes that end the session go last.
    let mut volgorde: Vec<&String> = ops.keys().collect();
    volgorde.sort_by_key(|o| (o.as_str() == "DELETE /sessies/huidig", o.to_string()));
    // Every account logs in first: the walk's own logins and reset codes with wrong
    // credentials use up the login limit of this client address.
    let mut sessies: BTreeMap<(Rol, usize), ApiSessie> = o
        .accounts
        .iter()
        .map(|(k, (naam, geheim))| (*k, inloggen(&c, &base, naam, geheim)))
        .collect();
    for (w, wie) in WIE.iter().enumerate() {
        for kant in 0..2 {
            let sessie = rol_van(wie).map(|r| sessies.remove(&(r, kant)).unwrap());
            for op in &volgorde {
                let verwacht = matrix[op.as_str()][w];
                let (method, path) = op.split_once(' ').unwrap();
                let mut uitkomsten = Vec::new();
                let verzoek = |k: &Kant| {
                    let mut url = format!("{base}/api/v1{path}");
                    let mut query = Vec::new();
                    for (naam, in_path) in &ops[op.as_str()] {
                        let v = parameter(naam, op, k);
                        if *in_path {
                            url = url.replace(&format!("{{{naam}}}"), &v);
                        } else {
                            query.push((naam.clone(), v));
                        }
                    }
                    let body = (method != "GET" && method != "DELETE").then(|| body(op, k));
                    (url, query, body)
                };
                // Own person first, then the other side's; an operation that names no person
                // is sent once (a second logout would find no session).
                let eigen_verzoek = verzoek(&o.kanten[kant]);
                let ander_verzoek = verzoek(&o.kanten[1 - kant]);
                let persoonsvrij = eigen_verzoek == ander_verzoek;
                for (eigen, (url, query, body)) in [(true, eigen_verzoek), (false, ander_verzoek)] {
                    if persoonsvrij && !eigen {
                        uitkomsten.push(uitkomsten[0]);
                        continue;
                    }
                    let mut rq = c.request(method.parse().unwrap(), &url).query(&query);
                    if let Some(b) = body {
                        rq = rq.json(&b);
                    }
                    if let Some(s) = &sessie {
                        rq = rq
                            .header("cookie", &s.cookie)
                            .header("x-csrf-token", &s.csrf);
                    } else if *wie == "token" {
                        rq = rq.bearer_auth(&o.tokens[kant]);
                    }
                    let st = rq.send().unwrap().status().as_u16();
                    verzoeken += 1;
                    let toegelaten = !matches!(st, 401 | 403 | 404);
                    let moet = match verwacht {
                        'A' => true,
                        'E' => eigen,
                        _ => false,
                    };
                    // A 400 never reached the gate: the walk's request is wrong, not the rule.
                    if st == 400 && verwacht != 'P' {
                        fouten.push(format!(
                            "{op} as {wie}: 400, fix its parameters or body in this test"
                        ));
                    }
                    if st >= 500 || (verwacht != 'P' && toegelaten != moet) {
                        fouten.push(format!(
                            "{op} as {wie} of side {kant} on {} person: {st}, expected {}",
                            if eigen { "its own" } else { "the other" },
                            if moet { "allowed" } else { "refused" }
                        ));
                    }
                    if verwacht != 'P' && !moet && *wie == "anoniem" && st != 401 {
                        fouten.push(format!("{op} without login: {st}, expected 401"));
                    }
                    uitkomsten.push(toegelaten);
                }
                let cel = match (uitkomsten[0], uitkomsten[1]) {
                    (true, true) => "A",
                    (true, false) => "E",
                    (false, false) => "-",
                    (false, true) => "?",
                };
                gezien
                    .entry(op.to_string())
                    .or_default()
                    .push(format!("{cel}{kant}"));
            }
        }
    }
    if tonen {
        for (op, cellen) in &gezien {
            eprintln!("{op:<48} {}", cellen.join(" "));
        }
    }
    assert!(
        fouten.is_empty(),
        "{} cells differ from docs/domain.md §10:\n{}",
        fouten.len(),
        fouten.join("\n")
    );
    eprintln!(
        "security matrix: {} operations, {verzoeken} requests in {:.1} s",
        ops.len(),
        started.elapsed().as_secs_f64()
    );
}

on_both_databases!(
    |db: String| walk(&db),
    security_matrix_sqlite("matrix.db"),
    security_matrix_postgres
);
