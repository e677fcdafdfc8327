//! The register's rules through the command and over real HTTP, on both databases:
//! registrations checked against the register (`import registraties`, `POST registraties`),
//! exemptions recorded in cases of their own (`POST`/`GET vrijstellingen`) with the old
//! codes still read, and an exemption taking a person out of the `av` signal.

mod support;

use std::process::{Command, Stdio};
use std::str::FromStr;

use leerrecht_domain::ids::LeerlingId;
use leerrecht_testkit::PgCluster;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use tempfile::TempDir;

use support::{json_of, leerrecht, serve, session_cookie, write_file, Demo, BIN};

/// Two valid BSNs far from the demo's, for people the test adds.
fn bsns() -> (String, String) {
    let mut it = (912_345_000u32..)
        .map(|x| format!("{x:09}"))
        .filter(|s| LeerlingId::from_str(s).is_ok());
    (it.next().unwrap(), it.next().unwrap())
}

fn scenario(db: String, dir: &TempDir) {
    let demo = Demo::new(db.clone(), None);
    // A 22-year-old and a 13-year-old in Haarlem, enrolled nowhere.
    let (oud, jong) = bsns();
    let jongeren = write_file(
        dir.path(),
        "jongeren.csv",
        &format!(
            "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n\
             {oud};;Proef;Oud;2003-01-10;GM0392\n{jong};;Proef;Jong;2012-05-01;GM0392\n"
        ),
    );
    leerrecht(&db, &["import", "jongeren", jongeren.to_str().unwrap()]);

    // The command refuses a registration that does not fit the register: line, column,
    // reason, exit code 2, nothing written.
    let registraties = write_file(
        dir.path(),
        "registraties.csv",
        &format!("leerling;categorie;oorzaak;van;tot\n{oud};thuiszittend;psychisch;2025-03-03;\n"),
    );
    let r = Command::new(BIN)
        .args(["--db", &db, "import", "registraties"])
        .arg(&registraties)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains(":2: categorie: thuiszittend needs a duty"),
        "{err}"
    );
    assert!(!err.contains(&oud), "no BSN in an error: {err}");
    // The 13-year-old is an absolute absentee.
    let av = |on: &str| leerrecht(&db, &["signals", "--regel", "av", "--as-of", on]);
    assert!(av("2025-10-01").contains(&jong));

    let (child, base) = serve(&db, &[], Stdio::null());
    let _server = Killer(child);
    let c = Client::builder().build().unwrap();
    let url = |p: &str| format!("{base}/api/v1{p}");
    let r = demo.api_login(&c, &base, "leerplicht");
    let cookie = session_cookie(&r);
    let (st, v) = json_of(r);
    assert_eq!(st, 201, "{v}");
    let csrf = v["csrf_token"].as_str().unwrap().to_string();
    let post = |p: &str, body: Value| {
        json_of(
            c.post(url(p))
                .header("cookie", &cookie)
                .header("x-csrf-token", &csrf)
                .json(&body)
                .send()
                .unwrap(),
        )
    };
    let get = |p: &str| json_of(c.get(url(p)).header("cookie", &cookie).send().unwrap());
    let id = |bsn: &str| {
        let (st, v) = post("/jongeren/_zoek", json!({ "leerling": bsn }));
        assert_eq!(st, 200, "{v}");
        v["id"].as_str().unwrap().to_string()
    };
    let (id_oud, id_jong) = (id(&oud), id(&jong));
    // The OpenAPI document names the new resource.
    let (st, doc) = get("/openapi.json");
    assert_eq!(st, 200);
    assert!(doc["paths"].get("/vrijstellingen").is_some(), "{doc}");

    // The API checks the same: no duty at 22, so not thuiszittend.
    let (st, v) = post(
        "/registraties",
        json!({"jongere": id_oud, "categorie": "thuiszittend", "oorzaak": "psychisch", "per": "2025-03-03"}),
    );
    assert_eq!(st, 422, "{v}");
    assert!(v.to_string().contains("needs a duty"), "{v}");

    // 5 sub a, by its old code, needs the statement; with it, it is recorded in a case of its
    // own and read back under its new code, with its yearly renewal.
    let (st, v) = post(
        "/vrijstellingen",
        json!({"jongere": id_jong, "artikel": "5a", "reden": "psychisch ongeschikt", "van": "2025-09-01"}),
    );
    assert_eq!(st, 422, "{v}");
    assert!(v.to_string().contains("statement"), "{v}");
    let (st, v) = post(
        "/vrijstellingen",
        json!({"jongere": id_jong, "artikel": "5a", "reden": "psychisch ongeschikt",
               "van": "2025-09-01", "verklaring_datum": "2025-08-01", "verklaring_door": "psycholoog"}),
    );
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["artikel"], "art5_sub_a");
    assert_eq!(v["verlengen_op"], "2026-09-01");
    let (st, v) = get(&format!("/vrijstellingen?jongere={id_jong}"));
    assert_eq!(st, 200, "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["verklaring_door"], "psycholoog");
    let (st, v) = get(&format!("/zaken?jongere={id_jong}"));
    assert_eq!(st, 200, "{v}");
    assert_eq!(v[0]["soort"], "vrijstelling", "{v}");
    assert_eq!(v.as_array().unwrap().len(), 1, "no thuiszitter case: {v}");
    // Exempted: no longer an absolute absentee while the exemption runs.
    assert!(!av("2025-10-01").contains(&jong));
    assert!(av("2025-08-15").contains(&jong));
}

/// Stops the server when the test ends, however it ends.
struct Killer(std::process::Child);

impl Drop for Killer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn register_rules_through_every_entry_point_sqlite() {
    let dir = TempDir::new().unwrap();
    let db = format!("sqlite://{}", dir.path().join("r.db").display());
    scenario(db, &dir);
}

#[test]
fn register_rules_through_every_entry_point_postgres() {
    let dir = TempDir::new().unwrap();
    scenario(PgCluster::shared().fresh_database(), &dir);
}
