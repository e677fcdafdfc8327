//! Upgrades: a database made by every released schema version (V1 … the newest), with
//! representative rows in it of what that version could hold, is migrated by opening it with
//! this release, on both databases; afterwards every row is there and usable through the use
//! cases: people and enrolments, absence (packed on open from the rows of before: V2–V12 on
//! SQLite, V2–V42 on PostgreSQL) and the signals it makes, meldingen, the audit chain,
//! registrations and cases.

use chrono::NaiveDate;
use leerrecht_app::{Actor, App};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::rules::{Regel, RegelsHistorie};
use leerrecht_store::access::{chain_hash, NieuwAuditEntry, GENESIS};
use leerrecht_store::backup::{migrate_to, schema_versions};
use leerrecht_store::Backend;
use leerrecht_testkit::{sqlite_url, PgCluster};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The rows a database of schema `v` can hold, as SQL both databases accept.
fn rows_of_version(v: u32, sqlite: bool) -> String {
    let mut sql = String::from(
        "INSERT INTO organisaties (code, soort, naam, gemeente, regio, swv) VALUES
           ('GM0392', 'gemeente', 'Haarlem', NULL, 'Zuid-Kennemerland', NULL),
           ('05KO00', 'school', 'De Klimop', 'GM0392', NULL, NULL),
           ('RBL-ZK', 'leerplicht', 'Bureau Leerplicht', 'GM0392', NULL, NULL);
         INSERT INTO organisatie_bedient (organisatie, gemeente) VALUES ('RBL-ZK', 'GM0392');
         INSERT INTO vakanties (school, van, naam, tot) VALUES ('', '2025-10-18', 'Herfstvakantie', '2025-10-26');
         INSERT INTO jongeren (bsn, onderwijsnummer, achternaam, voornamen, geboortedatum, gemeente) VALUES
           (111222333, NULL, 'Jansen', 'Sem', '2013-03-10', 'GM0392'),
           (NULL, 101222331, 'Bakker', 'Lotte', '2012-05-05', 'GM0392');
         INSERT INTO inschrijvingen (jongere_id, school, begindatum, einddatum, sector)
           SELECT id, '05KO00', '2019-08-20', NULL, 'PO' FROM jongeren;
        ",
    );
    if v >= 2 {
        // Absence: from V13 on SQLite and from V43 on PostgreSQL it is stored packed, which
        // only the store writes.
        if (!sqlite && v < 43) || v < 13 {
            for day in [
                "2025-09-01",
                "2025-09-02",
                "2025-09-03",
                "2025-09-04",
                "2025-09-05",
            ] {
                sql.push_str(&format!(
                    "INSERT INTO verzuim (jongere_id, school, datum, soort, minuten, aantal, hele_dag)
                       SELECT id, '05KO00', '{day}', 'ongeoorloofd', 300, 1, '1' FROM jongeren WHERE bsn = 111222333;
                     INSERT INTO verzuim_gewijzigd (jongere_id, school)
                       SELECT id, '05KO00' FROM jongeren WHERE bsn = 111222333 ON CONFLICT DO NOTHING;\n"
                ));
            }
        }
        let (extra_cols, extra_vals) = match v {
            2..=9 => ("", ""),
            10 => (", vastgelegd", ", '2025-09-10T08:00:00.000000Z'"),
            _ => (
                ", vastgelegd, gemeente, geboortedatum",
                ", '2025-09-10T08:00:00.000000Z', j.gemeente, j.geboortedatum",
            ),
        };
        sql.push_str(&format!(
            "INSERT INTO meldingen (jongere_id, school, begindatum, verzuimsoort, uren, dagen, status{extra_cols})
               SELECT j.id, '05KO00', '2025-09-08', '16uur', 25, 5, 'geregistreerd'{extra_vals}
               FROM jongeren j WHERE j.bsn = 111222333;\n"
        ));
    }
    if v >= 3 {
        let mut vorige = GENESIS.to_string();
        for seq in 1..=3i64 {
            let e = NieuwAuditEntry {
                tijd: format!("2025-09-0{seq}T10:00:00.000000Z"),
                actor: "operator:beheer".into(),
                organisatie: None,
                rol: None,
                actie: format!("import_{seq}"),
                persoon: None,
                record: Some(format!("bestand {seq}")),
                bron: "cli".into(),
                reden: None,
                noodtoegang: false,
                toegestaan: true,
                doel: None,
            };
            let hash = chain_hash(&vorige, seq, &e);
            sql.push_str(&format!(
                "INSERT INTO audit_log (seq, tijd, actor, organisatie, rol, actie, persoon, record, bron,
                                        reden, noodtoegang, toegestaan, vorige, hash)
                 VALUES ({seq}, '{}', '{}', NULL, NULL, '{}', NULL, '{}', 'cli', NULL, '0', '1', '{vorige}', '{hash}');\n",
                e.tijd,
                e.actor,
                e.actie,
                e.record.as_deref().unwrap()
            ));
            vorige = hash;
        }
    }
    if v >= 5 {
        sql.push_str(
            "INSERT INTO registraties (jongere_id, van, tot, categorie, oorzaak)
               SELECT id, '2025-06-02', NULL, 'thuiszittend', 'psychisch' FROM jongeren WHERE onderwijsnummer = 101222331;\n",
        );
        if v >= 10 {
            sql.push_str(
                "INSERT INTO registratie_versies (jongere_id, van, tot, categorie, oorzaak, vastgelegd)
                   SELECT id, '2025-06-02', NULL, 'thuiszittend', 'psychisch', '2025-06-02T09:00:00.000000Z'
                   FROM jongeren WHERE onderwijsnummer = 101222331;\n",
            );
        }
    }
    if v >= 6 {
        let geopend = serde_json::to_string(&leerrecht_domain::zaak::Gebeurtenis::Geopend {
            zaak: leerrecht_domain::zaak::ZaakSoort::Thuiszitter,
            organisatie: "RBL-ZK".into(),
            datum: d("2025-06-02"),
        })
        .unwrap();
        sql.push_str(&format!(
            "INSERT INTO zaken (jongere_id, soort, organisatie, geopend)
               SELECT id, 'thuiszitter', 'RBL-ZK', '2025-06-02' FROM jongeren WHERE onderwijsnummer = 101222331;
             INSERT INTO zaak_gebeurtenissen (zaak_id, volgnummer, tijd, wie, organisatie, gebeurtenis)
               SELECT id, 1, '2025-06-02T09:00:00.000000Z', 'lpa', 'RBL-ZK', '{geopend}' FROM zaken;\n"
        ));
    }
    if (3..33).contains(&v) {
        // Partners per person (before V33): CJG-A joined Lotte's case by the case's own event,
        // CJG-B was added to Lotte outside the case, CJG-A to Sem, who has no case.
        sql.push_str(
            "INSERT INTO organisaties (code, soort, naam, gemeente, regio, swv) VALUES
               ('CJG-A', 'cjg', 'CJG A', 'GM0392', NULL, NULL),
               ('CJG-B', 'cjg', 'CJG B', 'GM0392', NULL, NULL);
             INSERT INTO betrokken_partners (jongere_id, organisatie, sinds)
               SELECT id, 'CJG-A', '2025-06-03' FROM jongeren;
             INSERT INTO betrokken_partners (jongere_id, organisatie, sinds)
               SELECT id, 'CJG-B', '2025-06-04' FROM jongeren WHERE onderwijsnummer = 101222331;\n",
        );
        if v >= 6 {
            let partner = serde_json::to_string(&leerrecht_domain::zaak::Gebeurtenis::Partner {
                organisatie: "CJG-A".into(),
                contact: None,
                datum: d("2025-06-03"),
            })
            .unwrap();
            sql.push_str(&format!(
                "INSERT INTO zaak_gebeurtenissen (zaak_id, volgnummer, tijd, wie, organisatie, gebeurtenis)
                   SELECT id, 2, '2025-06-03T09:00:00.000000Z', 'lpa', 'RBL-ZK', '{partner}' FROM zaken;\n"
            ));
        }
    }
    sql
}

fn upgrade_from(v: u32, sqlite: bool) {
    let dir = tempfile::tempdir().unwrap();
    let url = if sqlite {
        sqlite_url(&dir)
    } else {
        PgCluster::shared().fresh_database()
    };
    migrate_to(&url, v).unwrap();
    let sql = rows_of_version(v, sqlite);
    if sqlite {
        let path = url.strip_prefix("sqlite://").unwrap();
        let c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch(&format!("PRAGMA foreign_keys = ON; {sql}"))
            .unwrap_or_else(|e| panic!("rows of V{v}: {e}"));
    } else {
        let mut c = leerrecht_store::postgres_tls::connect(&url).unwrap();
        c.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("rows of V{v}: {e}"));
    }

    // This release opens (and so migrates) it.
    let app = App::new(leerrecht_store::open(&url).unwrap());
    let op = Actor::local_operator();
    let mut people = Vec::new();
    app.jongeren(&op, d("2025-10-01"), None, &mut |j| {
        people.push(format!(
            "{} {} {:?}",
            j.leerling,
            j.achternaam,
            j.school.map(|s| s.to_string())
        ));
        Ok(())
    })
    .unwrap();
    people.sort();
    assert_eq!(
        people,
        [
            "101222331 Bakker Some(\"05KO00\")",
            "111222333 Jansen Some(\"05KO00\")"
        ],
        "V{v}"
    );
    let sem: LeerlingId = "111222333".parse().unwrap();
    let lotte: LeerlingId = "101222331".parse().unwrap();

    // Absence of before packing makes its signals: 25 hours in one week.
    let regels = app
        .regels(&op, &Default::default(), d("2025-10-01"))
        .unwrap();
    let _: &RegelsHistorie = &regels;
    app.update_signals(&op, &regels, false).unwrap();
    let mut signals = Vec::new();
    app.list_signals(&op, d("2025-10-01"), None, true, &mut |s| {
        signals.push(format!("{:?}", s));
        Ok(())
    })
    .unwrap();
    let with_absence = v >= 2 && ((!sqlite && v < 43) || v < 13);
    assert_eq!(
        signals
            .iter()
            .any(|s| s.contains("16uur") || s.contains("Uur16")),
        with_absence,
        "V{v}: {signals:?}"
    );

    // The periods without an enrolment (V54) of the people there were: both absolute
    // absentees before their school took them in, in the summer of 2019.
    let av = |on: &str| {
        let mut out = Vec::new();
        app.list_signals(&op, d(on), Some(Regel::Av), false, &mut |s| {
            out.push(s.leerling);
            Ok(())
        })
        .unwrap();
        out.sort();
        out
    };
    assert_eq!(av("2019-06-03"), ["101222331", "111222333"], "V{v}");
    assert_eq!(av("2019-09-02"), Vec::<String>::new(), "V{v}");

    let store = app.opslag(&leerrecht_app::Actor::local_operator()).unwrap();
    if v >= 2 {
        // The stored one, beside the draft the signal run made of the 16uur signal.
        let m: Vec<_> = store
            .meldingen_van(sem)
            .unwrap()
            .into_iter()
            .filter(|m| m.status != "concept")
            .collect();
        assert_eq!(m.len(), 1, "V{v}");
        assert_eq!((m[0].verzuimsoort.as_str(), m[0].uren), ("16uur", Some(25)));
    }
    let audit = app.audit_verify(&op).unwrap();
    assert_eq!(audit.eerste_breuk, None, "V{v}");
    assert!(audit.entries >= if v >= 3 { 3 } else { 0 }, "V{v}");
    if v >= 5 {
        let r = store.registraties(lotte).unwrap().unwrap();
        assert_eq!(r.len(), 1, "V{v}");
        assert_eq!(r[0].van(), d("2025-06-02"));
    }
    if v >= 6 {
        let zaken = store.zaken_van(lotte).unwrap();
        assert_eq!(zaken.len(), 1, "V{v}");
        let events = if (6..33).contains(&v) { 2 } else { 1 };
        assert_eq!(
            store.zaak_events(zaken[0].id).unwrap().len(),
            events,
            "V{v}"
        );
    }
    // V33: partners moved from the person to the case; one without a case was dropped.
    let partners = |l: LeerlingId| {
        store
            .persoon_context(l, d("2025-10-01"))
            .unwrap()
            .unwrap()
            .partner_zaken
    };
    assert_eq!(partners(sem), [], "V{v}");
    if (6..33).contains(&v) {
        let zaak = store.zaken_van(lotte).unwrap()[0].id;
        assert_eq!(
            partners(lotte),
            [("CJG-A".to_string(), zaak), ("CJG-B".to_string(), zaak)],
            "V{v}"
        );
    } else {
        assert_eq!(partners(lotte), [], "V{v}");
    }
    // The store writes as usual on the upgraded database: a new person, then everyone again.
    let f = dir.path().join("erbij.csv");
    std::fs::write(
        &f,
        "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n123456782;;Visser;Daan;2014-01-01;GM0392\n",
    )
    .unwrap();
    let r = app
        .import(
            &op,
            leerrecht_app::register::import::ImportKind::Jongeren,
            &f,
            false,
            &mut |_, _| {},
        )
        .unwrap();
    assert!(r.committed && r.counts.nieuw == 1, "V{v}: {:?}", r.errors);
    let o = app.overzicht(&op, d("2025-10-01")).unwrap();
    assert!(format!("{o:?}").contains("GM0392"));
}

fn every_version(sqlite: bool) {
    let versions = schema_versions(if sqlite {
        Backend::Sqlite
    } else {
        Backend::Postgres
    });
    assert_eq!(
        versions,
        schema_versions(if sqlite {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }),
        "both databases have the same versions"
    );
    assert!(versions.len() >= 13);
    for v in versions {
        upgrade_from(v, sqlite);
    }
}

#[test]
fn upgrades_from_every_version_sqlite() {
    every_version(true);
}

#[test]
fn upgrades_from_every_version_postgres() {
    every_version(false);
}
