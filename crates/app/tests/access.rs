//! Accounts, the need-to-know gate, break the glass, the audit log and retention, on both
//! databases.

mod common;

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use common::{d, error_places, leerling as id, Db};
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::auth::{current_totp, ManualClock};
use leerrecht_app::toegang::{Actor, Gebruik, Scope};
use leerrecht_app::zaken::notities::NieuweNotitie;
use leerrecht_app::{App, AppError, LoginFout};
use leerrecht_domain::org::Rol;
use leerrecht_domain::zaak::{NotitieSoort, Vertrouwelijkheid, ZaakSoort};

const ORGS: &str = "code;soort;naam;gemeente;regio;swv;bedient
GM0392;gemeente;Haarlem;;Zuid-Kennemerland;;
GM0453;gemeente;Velsen;;IJmond;;
SWV-A;swv;SWV A;;;;
SWV-B;swv;SWV B;;;;
05KO00;school;De Klimop;GM0392;;SWV-A;
07NU01;school;Velsen College;GM0453;;SWV-B;
RBL-ZK;leerplicht;Leerplicht Zuid-Kennemerland;;;;GM0392
RBL-IJ;leerplicht;Leerplicht IJmond;;;;GM0453
GGD-ZK;ggd;GGD Zuid-Kennemerland;;;;GM0392
CJG-HLM;cjg;CJG Haarlem;;;;GM0392
";

/// IN lives in Haarlem and attends 05KO00; OUT lives in Velsen and attends 07NU01; LEFT was at
/// 05KO00 until the end of 2025.
const JONGEREN: &str = "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
111222333;;Jansen;Sem;2012-03-10;GM0392
123456782;;De Vries;Noor;2012-09-01;GM0453
;101222331;Bakker;Lotte;2011-05-05;GM0392
";
const IN: &str = "111222333";
const OUT: &str = "123456782";
const LEFT: &str = "101222331";

const INSCHRIJVINGEN: &str = "leerling;school;sector;begindatum;einddatum
111222333;05KO00;VO;2024-08-19;
123456782;07NU01;VO;2024-08-19;
101222331;05KO00;VO;2023-08-21;2025-12-31
";

/// Seven school days ill in a row for IN and OUT: a MAZL referral for both.
fn ziek() -> String {
    let mut s = String::from("leerling;school;datum;soort;minuten;hele_dag\n");
    for day in ["03", "04", "05", "06", "07", "10", "11"] {
        s += &format!("{IN};05KO00;2025-11-{day};ziek;300;ja\n");
        s += &format!("{OUT};07NU01;2025-11-{day};ziek;300;ja\n");
    }
    s
}

const WACHTWOORD: &str = "lange-zin-van-vier-woorden";

struct World {
    db: Db,
    app: App,
    clock: Arc<ManualClock>,
    /// IN's thuiszitter case, with CJG-HLM as its partner.
    zaak: i64,
}

fn world(db: Db) -> World {
    db.ok(ImportKind::Organisaties, ORGS);
    db.ok(ImportKind::Jongeren, JONGEREN);
    db.ok(ImportKind::Inschrijvingen, INSCHRIJVINGEN);
    db.ok(ImportKind::Verzuim, &ziek());
    let op = Actor::local_operator();
    db.update_signals("2025-01-01");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2025, 11, 20, 9, 0, 0).unwrap(),
    ));
    let app = App::with_clock(
        leerrecht_store::open(&db.url).unwrap(),
        Box::new(clock.clone()),
    );
    let zaak = app
        .zaak_openen(&op, id(IN), ZaakSoort::Thuiszitter, d("2025-11-01"))
        .unwrap();
    app.partner_toevoegen(&op, zaak, "CJG-HLM", None).unwrap();
    World {
        db,
        app,
        clock,
        zaak,
    }
}

fn org_of(rol: Rol) -> &'static str {
    match rol {
        Rol::Leerplicht => "RBL-ZK",
        Rol::School => "05KO00",
        Rol::Swv => "SWV-A",
        Rol::Jeugdarts => "GGD-ZK",
        Rol::Cjg => "CJG-HLM",
        Rol::Beleid => "GM0392",
        Rol::Beheer => "RBL-ZK",
    }
}

impl World {
    /// Adds an account of `rol` and logs it in as a user would: password, then the code.
    fn user(&self, naam: &str, rol: Rol) -> Actor {
        self.user_bij(naam, org_of(rol), rol)
    }

    /// [`World::user`] at organisation `org`.
    fn user_bij(&self, naam: &str, org: &str, rol: Rol) -> Actor {
        let op = Actor::local_operator();
        let acc = self
            .app
            .user_add_blijvend(&op, naam, org, rol, WACHTWOORD)
            .unwrap();
        assert_eq!(
            acc.totp_geheim.is_some(),
            rol.needs_second_factor(),
            "{rol}"
        );
        let code = acc
            .totp_geheim
            .map(|s| current_totp(&s, self.app.now()).unwrap());
        let sessie = self
            .app
            .login(naam, WACHTWOORD, code.as_deref(), "192.0.2.10")
            .unwrap()
            .unwrap();
        self.app
            .session_actor(&sessie.token, "192.0.2.10")
            .unwrap()
            .unwrap()
    }
    /// The existing account `naam` as it acts now, from the same address.
    fn actor_now(&self, naam: &str) -> Actor {
        let g = self
            .app
            .opslag(&leerrecht_app::Actor::local_operator())
            .unwrap()
            .gebruiker(naam)
            .unwrap()
            .unwrap();
        self.app.gebruiker_actor(&g, "192.0.2.10").unwrap()
    }
}

/// docs/domain.md §10 as a table: what each role may do for the persons in its scope.
fn expected(rol: Rol) -> &'static [Gebruik] {
    use Gebruik::*;
    match rol {
        // Absence on a ground only (IN has an open case); signals stay at the school.
        Rol::Leerplicht => &[
            PersoonBekijken,
            VerzuimLezen,
            VerwijzingenLezen,
            MeldingenLezen,
            MeldingBehandelen,
            RegistratiesLezen,
            RegistratiesWijzigen,
            ZaakLezen,
            ZaakWijzigen,
            ZaakSluiten,
            PartnerToevoegen,
            PartnerVerwijderen,
            InzageLezen,
            VerzorgersWijzigen,
            VertrouwelijkLezen,
        ],
        Rol::School => &[
            PersoonBekijken,
            VerzuimLezen,
            VerzuimRegistreren,
            SignalenLezen,
            VerwijzingenLezen,
            MeldingenLezen,
            MeldingIndienen,
        ],
        Rol::Swv => &[
            PersoonBekijken,
            RegistratiesLezen,
            RegistratiesWijzigen,
            ZaakLezen,
        ],
        // The sick days of a referred pupil.
        Rol::Jeugdarts => &[
            PersoonBekijken,
            VerzuimLezen,
            VerwijzingenLezen,
            MedischLezen,
            MedischSchrijven,
        ],
        Rol::Cjg => &[PersoonBekijken, ZaakLezen, RegistratiesLezen],
        Rol::Beleid | Rol::Beheer => &[],
    }
}

/// Every role × every personal-data use case × (in scope, out of scope).
fn the_whole_matrix(db: Db) {
    let w = world(db);
    let mut cells = 0;
    let mut allowed = 0;
    for rol in Rol::ALL {
        let actor = w.user(&format!("u.{rol}"), rol);
        for g in Gebruik::ALL {
            for (who, in_scope) in [(IN, true), (OUT, false)] {
                let want = in_scope && expected(rol).contains(&g);
                let got = w.app.toegang(&actor, g, id(who), "matrix");
                match (&got, want) {
                    (Ok(t), true) => assert_eq!(t.noodtoegang, None),
                    (Err(AppError::Forbidden(_)), false) => {}
                    _ => panic!("{rol} × {g:?} × in scope {in_scope}: want {want}, got {got:?}"),
                }
                cells += 1;
                allowed += want as usize;
            }
        }
    }
    assert_eq!(cells, 7 * Gebruik::ALL.len() * 2);
    // One audit entry per cell, allowed or refused, naming neither BSN.
    let mut logged = Vec::new();
    w.app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            if e.entry
                .record
                .as_deref()
                .is_some_and(|r| r.starts_with("matrix"))
            {
                logged.push(e.entry);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(logged.len(), cells);
    assert_eq!(logged.iter().filter(|e| e.toegestaan).count(), allowed);
    for e in &logged {
        let all = format!("{e:?}");
        assert!(!all.contains(IN) && !all.contains(OUT), "{all}");
        assert_eq!(e.bron, "192.0.2.10");
        assert!(e.rol.is_some() && e.organisatie.is_some() && e.persoon.is_some());
    }
}

/// A partner sees the person and the case it was added to, not the person's other cases,
/// and loses both from the day it is removed; each step is audited.
fn partners_see_only_their_own_cases(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    let cjg = w.user("u.cjg", Rol::Cjg);
    let lp = w.user("u.lp", Rol::Leerplicht);
    let verzuim = w
        .app
        .zaak_openen(&lp, id(IN), ZaakSoort::Verzuim, d("2025-11-02"))
        .unwrap();
    let ids = |zs: Vec<leerrecht_store::ZaakRij>| zs.into_iter().map(|z| z.id).collect::<Vec<_>>();
    assert_eq!(ids(w.app.zaken(&cjg, id(IN)).unwrap()), [w.zaak]);
    assert_eq!(ids(w.app.zaken(&lp, id(IN)).unwrap()), [w.zaak, verzuim]);
    assert!(w.app.zaak(&cjg, w.zaak, None).is_ok());
    assert!(matches!(
        w.app.zaak(&cjg, verzuim, None),
        Err(AppError::Forbidden(_))
    ));
    assert!(w.app.persoon(&cjg, id(IN)).is_ok());
    // Only leerplicht adds and removes partners.
    for who in [
        &cjg,
        &w.user("u.swv", Rol::Swv),
        &w.user("u.school", Rol::School),
    ] {
        assert!(matches!(
            w.app.partner_toevoegen(who, verzuim, "CJG-HLM", None),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            w.app.partner_verwijderen(who, w.zaak, "CJG-HLM"),
            Err(AppError::Forbidden(_))
        ));
    }
    // A second case joined, then the first left: the partner follows.
    w.app
        .partner_toevoegen(&lp, verzuim, "CJG-HLM", Some("J. de Boer"))
        .unwrap();
    assert_eq!(ids(w.app.zaken(&cjg, id(IN)).unwrap()), [w.zaak, verzuim]);
    w.app.partner_verwijderen(&lp, w.zaak, "CJG-HLM").unwrap();
    assert_eq!(ids(w.app.zaken(&cjg, id(IN)).unwrap()), [verzuim]);
    assert!(matches!(
        w.app.zaak(&cjg, w.zaak, None),
        Err(AppError::Forbidden(_))
    ));
    // Removed from its last case: the person is out of scope from that day on.
    w.app.partner_verwijderen(&lp, verzuim, "CJG-HLM").unwrap();
    assert!(matches!(
        w.app.persoon(&cjg, id(IN)),
        Err(AppError::Forbidden(_))
    ));
    // The gate's facts about IN on a day.
    let feiten = |dag: &str| {
        w.app
            .opslag(&leerrecht_app::Actor::local_operator())
            .unwrap()
            .persoon_context(id(IN), d(dag))
            .unwrap()
            .unwrap()
    };
    let ctx = feiten("2025-11-20");
    assert!(ctx.partners.is_empty() && ctx.partner_zaken.is_empty());
    // The day before the removal it was still a partner of both (dates are kept).
    let gisteren = feiten("2025-11-19");
    assert_eq!(
        gisteren.partner_zaken,
        [
            ("CJG-HLM".to_string(), w.zaak),
            ("CJG-HLM".to_string(), verzuim)
        ]
    );
    // Removing twice, or an organisation that is no partner, is refused as input.
    assert!(matches!(
        w.app.partner_verwijderen(&lp, verzuim, "CJG-HLM"),
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        w.app.partner_toevoegen(&lp, verzuim, "GEEN-ORG", None),
        Err(AppError::Invalid(_))
    ));
    // Added again: sees the case again.
    w.app
        .partner_toevoegen(&op, verzuim, "CJG-HLM", None)
        .unwrap();
    assert_eq!(ids(w.app.zaken(&cjg, id(IN)).unwrap()), [verzuim]);
    // Every addition and removal is in the audit log under its own use case (the refused
    // inputs too: the gate let them through before the input was judged).
    let mut acties = Vec::new();
    w.app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            if e.entry.actie.starts_with("partner_") && e.entry.toegestaan {
                acties.push(e.entry.actie.clone());
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(
        acties,
        [
            "partner_toevoegen",
            "partner_toevoegen",
            "partner_verwijderen",
            "partner_verwijderen",
            "partner_verwijderen",
            "partner_toevoegen",
            "partner_toevoegen"
        ]
    );
}

fn school_scope_follows_enrolment_dates(db: Db) {
    let w = world(db);
    let school = w.user("mentor", Rol::School);
    assert!(w.app.persoon(&school, id(LEFT)).is_ok());
    w.clock.advance(Duration::days(50)); // 2026-01-09: LEFT left on 2025-12-31.
                                         // A fresh session: the old one expired in the meantime.
    assert!(w.app.session_actor("lrs_onbekend", "x").unwrap().is_none());
    let school = w.actor_now("mentor");
    assert!(matches!(
        w.app.persoon(&school, id(LEFT)),
        Err(AppError::Forbidden(_))
    ));
    assert!(w.app.persoon(&school, id(IN)).is_ok());
}

fn break_the_glass(db: Db) {
    let w = world(db);
    let lp = w.user("officier", Rol::Leerplicht);
    assert!(matches!(
        w.app.persoon(&lp, id(OUT)),
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        w.app.noodtoegang(&lp, id(OUT), "nodig", Duration::hours(1)),
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        w.app.noodtoegang(
            &lp,
            id(OUT),
            "melding van politie over acute onveiligheid",
            Duration::hours(48)
        ),
        Err(AppError::Invalid(_))
    ));
    let reden = "melding van politie over acute onveiligheid thuis";
    w.app
        .noodtoegang(&lp, id(OUT), reden, Duration::hours(1))
        .unwrap();
    let t = w
        .app
        .toegang(&lp, Gebruik::VerzuimLezen, id(OUT), "verzuim")
        .unwrap();
    assert_eq!(t.noodtoegang.as_deref(), Some(reden));
    // Breaking the glass gives the role's own use cases, not the youth doctor's.
    assert!(matches!(
        w.app.notities(&lp, id(OUT)),
        Err(AppError::Forbidden(_))
    ));
    // Other users and other persons are not affected.
    let lp2 = w.user("collega", Rol::Leerplicht);
    assert!(w.app.persoon(&lp2, id(OUT)).is_err());
    // The grant ends on time.
    w.clock.advance(Duration::minutes(61));
    let lp = w.actor_now("officier");
    assert!(w.app.persoon(&lp, id(OUT)).is_err());
    // Roles that never see persons cannot break the glass.
    let beleid = w.user("adviseur", Rol::Beleid);
    assert!(matches!(
        w.app
            .noodtoegang(&beleid, id(OUT), reden, Duration::hours(1)),
        Err(AppError::Forbidden(_))
    ));
    // Flagged in the audit log, with the reason, as is each access made with it.
    let export = w
        .app
        .audit_export(&Actor::local_operator(), id(OUT))
        .unwrap();
    let flagged: Vec<_> = export
        .iter()
        .filter(|e| e.entry.noodtoegang)
        .map(|e| (e.entry.actie.as_str(), e.entry.reden.as_deref()))
        .collect();
    assert_eq!(
        flagged,
        [("noodtoegang", Some(reden)), ("verzuim_lezen", Some(reden))]
    );
}

/// Purpose limitation (docs/domain.md §10): leerplicht reads absence on a ground only, within
/// its window and without sick days; the school reads its own rows; the youth doctor the sick
/// days of a referred pupil; each read is logged with its purpose.
fn absence_is_read_on_a_purpose_only(db: Db) {
    let w = world(db);
    // IN: one day before the case's look-back, one within it, one after the case opened
    // (2025-11-01, look-back 12 weeks: from 2025-08-09). LEFT: no melding, case or registration.
    w.db.ok(
        ImportKind::Verzuim,
        &format!(
            "leerling;school;datum;soort;minuten;hele_dag
{IN};05KO00;2025-06-02;ongeoorloofd;300;ja
{IN};05KO00;2025-09-01;ongeoorloofd;300;ja
{IN};05KO00;2025-11-12;ongeoorloofd;300;ja
{LEFT};05KO00;2025-11-12;ongeoorloofd;300;ja
"
        ),
    );
    let lp = w.user("officier", Rol::Leerplicht);
    let dagen = |app: &App, a: &Actor, who: &str| -> Vec<(String, String)> {
        app.verzuim(a, id(who), d("2025-01-01"), d("2025-11-20"))
            .unwrap()
            .into_iter()
            .map(|r| (r.datum.to_string(), r.soort))
            .collect()
    };
    let doelen = |who: &str| -> Vec<(String, bool, Option<String>)> {
        w.app
            .audit_export(&Actor::local_operator(), id(who))
            .unwrap()
            .into_iter()
            .filter(|e| e.entry.actie == "verzuim_lezen")
            .map(|e| {
                (
                    e.entry.rol.unwrap_or_default(),
                    e.entry.toegestaan,
                    e.entry.doel,
                )
            })
            .collect()
    };
    // No ground: refused with the reason, and the refusal is logged.
    match w
        .app
        .verzuim(&lp, id(LEFT), d("2025-01-01"), d("2025-11-20"))
    {
        Err(AppError::Forbidden(why)) => {
            assert_eq!(why, leerrecht_app::toegang::GEEN_DOEL);
            assert!(why.contains("doelbinding"), "{why}");
        }
        other => panic!("leerplicht read LEFT's absence without a ground: {other:?}"),
    }
    assert_eq!(doelen(LEFT), [("leerplicht".to_string(), false, None)]);
    // The register facts stay leerplicht's.
    assert!(w.app.persoon(&lp, id(LEFT)).is_ok());
    // The open case: its window, no sick days (IN was ill 3 to 11 November).
    assert_eq!(
        dagen(&w.app, &lp, IN),
        [
            ("2025-09-01".to_string(), "ongeoorloofd".to_string()),
            ("2025-11-12".to_string(), "ongeoorloofd".to_string()),
        ]
    );
    assert_eq!(
        doelen(IN),
        [("leerplicht".to_string(), true, Some("zaak".to_string()))]
    );
    // The school reads its own rows, sick days and all.
    let school = w.user("mentor", Rol::School);
    let alles = dagen(&w.app, &school, IN);
    assert_eq!(alles.len(), 3 + 7, "{alles:?}");
    assert!(alles.contains(&("2025-06-02".to_string(), "ongeoorloofd".to_string())));
    // The youth doctor: the referred pupil's sick days only.
    let arts = w.user("jeugdarts", Rol::Jeugdarts);
    let ziek = dagen(&w.app, &arts, IN);
    assert_eq!(ziek.len(), 7, "{ziek:?}");
    assert!(ziek.iter().all(|(_, soort)| soort == "ziek"), "{ziek:?}");
    assert_eq!(
        doelen(IN)
            .last()
            .map(|(r, _, d)| (r.as_str(), d.as_deref())),
        Some(("jeugdarts", Some("mazl")))
    );
    // A region that sets no look-back: the case's own period only.
    let streng = App::with_clock(
        leerrecht_store::open(&w.db.url).unwrap(),
        Box::new(w.clock.clone()),
    )
    .met_doelbinding(leerrecht_app::config::Doelbinding { terugkijk_weken: 0 });
    assert_eq!(
        dagen(&streng, &lp, IN),
        [("2025-11-12".to_string(), "ongeoorloofd".to_string())]
    );
    // A melding the school files gives a ground for the period it concerns.
    let m = leerrecht_store::MeldingRij {
        leerling: id(LEFT),
        school: "05KO00".parse().unwrap(),
        begindatum: d("2025-11-12"),
        verzuimsoort: "beginnend",
        uren: Some(5),
        dagen: Some(1),
        gegevens: Default::default(),
    };
    w.app.melding_indienen(&school, m).unwrap();
    assert_eq!(
        dagen(&w.app, &lp, LEFT),
        [("2025-11-12".to_string(), "ongeoorloofd".to_string())]
    );
    assert_eq!(
        doelen(LEFT).last().map(|(_, ok, d)| (*ok, d.as_deref())),
        Some((true, Some("zaak")))
    );
}

/// The file page is one gated read: the gate decides each part on one read of the person's
/// facts, and one audit entry names what was read and on which purpose.
fn the_file_is_one_gated_read(db: Db) {
    let w = world(db);
    let regels = Default::default();
    let lp = w.user("officier", Rol::Leerplicht);
    let entries = |who: &str| {
        w.app
            .audit_export(&Actor::local_operator(), id(who))
            .unwrap()
            .into_iter()
            .filter(|e| e.entry.actor.contains("officier") || e.entry.actor.contains("arts"))
            .map(|e| (e.entry.actie, e.entry.toegestaan, e.entry.doel))
            .collect::<Vec<_>>()
    };
    let pid = |who: &str| w.app.id_van(id(who)).unwrap().unwrap();
    // IN has an open case: absence (without the sick days), meldingen, cases, who saw it.
    let f = w
        .app
        .dossier(&lp, &pid(IN), d("2025-01-01"), &regels)
        .unwrap();
    let verzuim = f.verzuim.expect("absence on the case's ground");
    assert!(verzuim.iter().all(|r| r.soort != "ziek"), "{verzuim:?}");
    assert!(!f.verzuim_zonder_doel);
    assert!(f.signalen.is_none(), "signals stay at the school");
    assert!(f.meldingen.is_some() && f.registraties.is_some() && f.inzage.is_some());
    assert_eq!(f.zaken.map(|z| z.len()), Some(1));
    assert!(f.notities.is_none());
    assert_eq!(
        entries(IN),
        [(
            "dossier_bekijken".to_string(),
            true,
            Some("zaak".to_string())
        )]
    );
    // LEFT: the register's facts, no absence, and the page says why.
    let f = w
        .app
        .dossier(&lp, &pid(LEFT), d("2025-01-01"), &regels)
        .unwrap();
    assert!(f.verzuim.is_none() && f.verzuim_zonder_doel);
    assert_eq!(f.kop.kop.jongere.achternaam, "Bakker");
    assert_eq!(
        entries(LEFT),
        [(
            "dossier_bekijken".to_string(),
            true,
            Some("leerplichtregister".to_string())
        )]
    );
    // The youth doctor: the referred pupil's sick days and the notes.
    let arts = w.user("jeugdarts", Rol::Jeugdarts);
    let f = w
        .app
        .dossier(&arts, &pid(IN), d("2025-01-01"), &regels)
        .unwrap();
    let ziek = f.verzuim.expect("sick days after the referral");
    assert_eq!(ziek.len(), 7);
    assert!(ziek.iter().all(|r| r.soort == "ziek"));
    assert!(f.notities.is_some() && f.zaken.is_none() && f.meldingen.is_none());
    assert_eq!(
        entries(IN).last().cloned(),
        Some((
            "dossier_bekijken".to_string(),
            true,
            Some("mazl".to_string())
        ))
    );
    // Someone outside the scope: refused as an unknown id is, one refusal logged.
    assert!(matches!(
        w.app.dossier(&lp, &pid(OUT), d("2025-01-01"), &regels),
        Err(AppError::Forbidden(why)) if why == leerrecht_app::toegang::GEEN_TOEGANG
    ));
    assert_eq!(
        entries(OUT),
        [("persoon_bekijken".to_string(), false, None)]
    );
}

/// Break-the-glass lifts the lack of a ground, without a window, and is logged as such.
fn break_the_glass_lifts_the_lack_of_a_ground(db: Db) {
    let w = world(db);
    w.db.ok(
        ImportKind::Verzuim,
        &format!("leerling;school;datum;soort;minuten;hele_dag\n{LEFT};05KO00;2025-02-03;ongeoorloofd;300;ja\n"),
    );
    let lp = w.user("officier", Rol::Leerplicht);
    assert!(w
        .app
        .verzuim(&lp, id(LEFT), d("2025-01-01"), d("2025-11-20"))
        .is_err());
    let reden = "politie meldt dat de jongere al weken niet thuis is";
    w.app
        .noodtoegang(&lp, id(LEFT), reden, Duration::hours(1))
        .unwrap();
    let rows = w
        .app
        .verzuim(&lp, id(LEFT), d("2025-01-01"), d("2025-11-20"))
        .unwrap();
    assert_eq!(rows.len(), 1);
    let laatste = w
        .app
        .audit_export(&Actor::local_operator(), id(LEFT))
        .unwrap()
        .into_iter()
        .rfind(|e| e.entry.actie == "verzuim_lezen")
        .unwrap();
    assert_eq!(laatste.entry.doel.as_deref(), Some("noodtoegang"));
    assert_eq!(laatste.entry.reden.as_deref(), Some(reden));
}

/// Drafts and signals stay at the school: leerplicht neither lists nor reads them.
fn drafts_and_signals_stay_at_the_school(db: Db) {
    let w = world(db);
    let mut rows = String::from("leerling;school;datum;soort;minuten;hele_dag\n");
    for day in ["17", "18", "19"] {
        rows += &format!("{LEFT};05KO00;2025-11-{day};ongeoorloofd;360;ja\n");
    }
    w.db.ok(ImportKind::Verzuim, &rows);
    w.db.update_signals("2025-01-01");
    let school = w.user("mentor", Rol::School);
    let lp = w.user("officier", Rol::Leerplicht);
    let bij_school = w.app.meldingen(&school, id(LEFT)).unwrap();
    assert!(
        bij_school.iter().any(|m| m.status == "concept"),
        "the 16-hour rule drafts a melding: {bij_school:?}"
    );
    assert!(!w.app.signalen(&school, id(LEFT)).unwrap().is_empty());
    assert!(w.app.meldingen(&lp, id(LEFT)).unwrap().is_empty());
    assert!(matches!(
        w.app.signalen(&lp, id(LEFT)),
        Err(AppError::Forbidden(_))
    ));
}

fn medical_notes_are_the_youth_doctors_alone(db: Db) {
    let w = world(db);
    let arts = w.user("arts", Rol::Jeugdarts);
    w.app
        .notitie_schrijven(&arts, id(IN), "Buikpijnklachten, verwezen naar huisarts.")
        .unwrap();
    let notes = w.app.notities(&arts, id(IN)).unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].tekst.starts_with("Buikpijn"));
    for rol in [Rol::Leerplicht, Rol::School, Rol::Swv, Rol::Cjg] {
        let u = w.user(&format!("x.{rol}"), rol);
        assert!(w.app.notities(&u, id(IN)).is_err(), "{rol}");
    }
    assert!(w.app.notities(&Actor::local_operator(), id(IN)).is_err());
    // A youth doctor sees only referred persons of the gemeenten the GGD serves.
    assert!(w.app.notities(&arts, id(OUT)).is_err());
}

fn login_lockout_and_sessions(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    let acc = w
        .app
        .user_add_blijvend(&op, "anna", "RBL-ZK", Rol::Leerplicht, WACHTWOORD)
        .unwrap();
    let secret = acc.totp_geheim.unwrap();
    let code = || current_totp(&secret, w.app.now()).unwrap();
    let login = |naam: &str, wachtwoord: &str, code: Option<&str>| {
        w.app.login(naam, wachtwoord, code, "ip").unwrap()
    };
    // Anna with the right password and the current code.
    let anna = || login("anna", WACHTWOORD, Some(&code()));
    // A role that sees persons needs the second factor.
    assert_eq!(
        login("anna", WACHTWOORD, None).unwrap_err(),
        LoginFout::CodeNodig
    );
    // Unknown name and wrong password get the same answer.
    assert_eq!(
        login("niemand", WACHTWOORD, Some(&code())).unwrap_err(),
        LoginFout::Onjuist
    );
    for _ in 0..4 {
        assert_eq!(
            login("anna", "fout-wachtwoord-1234", Some(&code())).unwrap_err(),
            LoginFout::Onjuist
        );
    }
    assert_eq!(
        login("anna", "fout-wachtwoord-1234", Some(&code())).unwrap_err(),
        LoginFout::Geblokkeerd
    );
    // Locked: even the right password and code do not get in…
    assert_eq!(anna().unwrap_err(), LoginFout::Geblokkeerd);
    // …until the lockout has passed.
    w.clock.advance(Duration::minutes(16));
    let s = anna().unwrap();
    // The same code does not work twice, and after the right password the answer says so.
    assert_eq!(anna().unwrap_err(), LoginFout::CodeGebruikt);
    assert!(w.app.session_actor(&s.token, "ip").unwrap().is_some());
    // Idle for longer than 30 minutes ends the session.
    w.clock.advance(Duration::minutes(31));
    assert!(w.app.session_actor(&s.token, "ip").unwrap().is_none());
    // Kept alive, a session still ends 12 hours after login.
    w.clock.advance(Duration::seconds(31));
    let s = anna().unwrap();
    for _ in 0..35 {
        w.clock.advance(Duration::minutes(20));
        assert!(w.app.session_actor(&s.token, "ip").unwrap().is_some());
    }
    w.clock.advance(Duration::minutes(20));
    assert!(w.app.session_actor(&s.token, "ip").unwrap().is_none());
    // Logging out and disabling end sessions.
    w.clock.advance(Duration::seconds(31));
    let s = anna().unwrap();
    assert!(w.app.logout(&s.token).unwrap());
    assert!(w.app.session_actor(&s.token, "ip").unwrap().is_none());
    w.clock.advance(Duration::seconds(31));
    let s = anna().unwrap();
    w.app.user_disable(&op, "anna").unwrap();
    assert!(w.app.session_actor(&s.token, "ip").unwrap().is_none());
    w.clock.advance(Duration::seconds(31));
    assert_eq!(anna().unwrap_err(), LoginFout::Onjuist);
    // Every attempt is in the audit log.
    let mut attempts = 0;
    w.app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            attempts += e.entry.actie.starts_with("inloggen") as usize;
            Ok(())
        })
        .unwrap();
    assert_eq!(
        attempts, 13,
        "every attempt but the one that only asked for the code"
    );
}

fn accounts_are_checked_at_the_edge(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    // A refused account: what the refusal says.
    let refused = |naam: &str, org: &str, wachtwoord: &str| -> String {
        match w
            .app
            .user_add_blijvend(&op, naam, org, Rol::Leerplicht, wachtwoord)
        {
            Err(AppError::Invalid(m)) => m,
            other => panic!("{other:?}"),
        }
    };
    for (naam, org, wachtwoord, says) in [
        ("anouk", "RBL-ZK", "kort", "12"),
        ("anouk", "ONBEKEND", WACHTWOORD, "ONBEKEND"),
        ("anouk", "05KO00", WACHTWOORD, "leerplicht"),
        ("met spatie", "RBL-ZK", WACHTWOORD, "username"),
    ] {
        let m = refused(naam, org, wachtwoord);
        assert!(m.contains(says), "{m}");
    }
    w.app
        .user_add_blijvend(&op, "anouk", "RBL-ZK", Rol::Leerplicht, WACHTWOORD)
        .unwrap();
    assert!(refused("anouk", "RBL-ZK", WACHTWOORD).contains("bestaat al"));
    // Passwords are stored as Argon2id hashes only.
    let g = w
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .gebruiker("anouk")
        .unwrap()
        .unwrap();
    assert!(g.wachtwoord_hash.starts_with("$argon2id$"));
    assert!(!g.wachtwoord_hash.contains(WACHTWOORD));
    // Only the operator and beheer manage accounts.
    let lp = w.user("lp", Rol::Leerplicht);
    assert!(matches!(w.app.user_list(&lp), Err(AppError::Forbidden(_))));
    let beheer = w.user("bh", Rol::Beheer);
    assert_eq!(w.app.user_list(&beheer).unwrap().len(), 3);
    // A new second factor replaces the old one.
    let old = g.totp_geheim.unwrap();
    let new = w.app.user_reset_2fa(&op, "anouk").unwrap();
    assert_ne!(old, new);
    let now = w.app.now();
    let code_old = current_totp(&old, now).unwrap();
    // (Two secrets give the same code one time in a million; then there is nothing to show.)
    if code_old != current_totp(&new, now).unwrap() {
        assert_eq!(
            w.app
                .login("anouk", WACHTWOORD, Some(&code_old), "ip")
                .unwrap()
                .unwrap_err(),
            LoginFout::Onjuist
        );
        // That failure counts towards the lockout; the new code opens the account.
    }
    let code_new = current_totp(&new, now).unwrap();
    assert!(w
        .app
        .login("anouk", WACHTWOORD, Some(&code_new), "ip")
        .unwrap()
        .is_ok());
}

fn tokens_send_for_their_own_school_only(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    let (nr, token) = w
        .app
        .token_create(
            &op,
            "05KO00",
            &[Scope::VerzuimSchrijven],
            "administratiepakket",
        )
        .unwrap();
    assert!(token.starts_with("lrt_") && token.len() > 40);
    let stored = w
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .api_tokens()
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, token, "stored as a hash");
    let system = w.app.token_actor(&token, "198.51.100.7").unwrap().unwrap();
    assert!(w.app.token_actor("lrt_verzonnen", "x").unwrap().is_none());
    // The system sends an absence file.
    let verzuim = |rijen: &str| {
        let p = w.db.file(
            "v.csv",
            &format!("leerling;school;datum;soort;minuten\n{rijen}"),
        );
        w.app
            .import(&system, ImportKind::Verzuim, &p, false, &mut |_, _| {})
            .unwrap()
    };
    let r = verzuim(&format!(
        "{IN};05KO00;2025-11-12;ongeoorloofd;60\n{OUT};07NU01;2025-11-12;ongeoorloofd;60\n"
    ));
    assert!(!r.committed);
    assert_eq!(error_places(&r), [(3, "school")], "{:?}", r.errors);
    let r = verzuim(&format!("{IN};05KO00;2025-11-12;ongeoorloofd;60\n"));
    assert!(r.committed, "{:?}", r.errors);
    // A token cannot touch the register, and is refused once revoked.
    let p = w.db.file("j.csv", JONGEREN);
    assert!(w
        .app
        .import(&system, ImportKind::Jongeren, &p, false, &mut |_, _| {})
        .is_err());
    assert!(w.app.token_revoke(&op, nr).unwrap());
    assert!(w.app.token_actor(&token, "x").unwrap().is_none());
}

fn the_audit_log_detects_change_and_removal(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    let lp = w.user("lp", Rol::Leerplicht);
    for _ in 0..3 {
        w.app.persoon(&lp, id(IN)).unwrap();
    }
    let ok = w.app.audit_verify(&op).unwrap();
    assert_eq!(ok.eerste_breuk, None);
    let (head, _) = ok.kop.clone().unwrap();
    assert_eq!(ok.entries as i64, head);
    // The product offers no way to change it, and the database refuses.
    let target = head - 2;
    let tamper = |sql: &str| raw(&w.db, sql);
    assert!(tamper(&format!(
        "UPDATE audit_log SET actor = 'iemand' WHERE seq = {target}"
    ))
    .is_err());
    assert!(tamper(&format!("DELETE FROM audit_log WHERE seq = {target}")).is_err());
    // Someone with the database's owner rights switches the guard off and edits: detected.
    tamper_without_guard(
        &w.db,
        &format!("UPDATE audit_log SET actor = 'iemand' WHERE seq = {target}"),
    );
    let broken = w.app.audit_verify(&op).unwrap();
    assert_eq!(broken.eerste_breuk.as_ref().map(|b| b.0), Some(target));
    assert!(broken.eerste_breuk.unwrap().1.contains("changed"));
    // A removed entry is named too.
    tamper_without_guard(
        &w.db,
        &format!("DELETE FROM audit_log WHERE seq = {}", target - 1),
    );
    let broken = w.app.audit_verify(&op).unwrap();
    assert_eq!(broken.eerste_breuk.as_ref().map(|b| b.0), Some(target - 1));
    assert!(broken.eerste_breuk.unwrap().1.contains("missing"));
}

fn raw(db: &Db, sql: &str) -> Result<(), String> {
    if let Some(path) = db.url.strip_prefix("sqlite://") {
        let c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch(sql).map_err(|e| e.to_string())
    } else {
        let mut c = leerrecht_store::postgres_tls::connect(&db.url).unwrap();
        c.batch_execute(sql).map_err(|e| e.to_string())
    }
}

fn tamper_without_guard(db: &Db, sql: &str) {
    if db.url.starts_with("sqlite://") {
        raw(
            db,
            &format!(
                "DROP TRIGGER IF EXISTS audit_log_niet_wijzigen; DROP TRIGGER IF EXISTS audit_log_niet_verwijderen; {sql};"
            ),
        )
        .unwrap();
    } else {
        raw(
            db,
            &format!("ALTER TABLE audit_log DISABLE TRIGGER USER; {sql}; ALTER TABLE audit_log ENABLE TRIGGER USER;"),
        )
        .unwrap();
    }
}

fn concurrent_entries_are_all_kept_in_one_chain(db: Db) {
    let w = world(db);
    let lp = w.user("lp", Rol::Leerplicht);
    reads_at_once_are_all_kept_in_one_chain(&w, &[&w.app; 8], &lp, 50);
}

/// Each of `apps` reads IN's absence `each` times on a thread of its own, all at once; then
/// the chain is unbroken and holds an entry for every read.
fn reads_at_once_are_all_kept_in_one_chain(w: &World, apps: &[&App], lp: &Actor, each: u64) {
    let op = Actor::local_operator();
    let before = w.app.audit_verify(&op).unwrap().entries;
    std::thread::scope(|s| {
        for app in apps {
            s.spawn(move || {
                for _ in 0..each {
                    app.toegang(lp, Gebruik::VerzuimLezen, id(IN), "tegelijk")
                        .unwrap();
                }
            });
        }
    });
    let after = w.app.audit_verify(&op).unwrap();
    assert_eq!(after.eerste_breuk, None);
    // One entry per read; the verify's own read of the log is not an entry.
    assert_eq!(after.entries - before, apps.len() as u64 * each);
}

/// Two servers on one database append to the log at once: each keeps the link it wrote last
/// and follows it without a lock while the other has not appended since.
fn entries_of_two_servers_at_once_are_all_kept_in_one_chain(db: Db) {
    let w = world(db);
    let lp = w.user("lp", Rol::Leerplicht);
    let tweede = App::with_clock(
        leerrecht_store::open(&w.db.url).unwrap(),
        Box::new(w.clock.clone()),
    );
    let apps = [&w.app, &tweede, &w.app, &tweede, &w.app, &tweede];
    reads_at_once_are_all_kept_in_one_chain(&w, &apps, &lp, 40);
}

/// A log that lost its newest entries (a database restored from an older copy while a server
/// ran) is appended to after its own last link, not after the one the server wrote last.
fn an_append_after_the_log_lost_its_newest_entries_follows_the_log(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    let lp = w.user("lp", Rol::Leerplicht);
    for _ in 0..3 {
        w.app.persoon(&lp, id(IN)).unwrap();
    }
    let (head, _) = w.app.audit_verify(&op).unwrap().kop.unwrap();
    tamper_without_guard(
        &w.db,
        &format!("DELETE FROM audit_log WHERE seq > {}", head - 2),
    );
    w.app.persoon(&lp, id(IN)).unwrap();
    let after = w.app.audit_verify(&op).unwrap();
    assert_eq!(after.eerste_breuk, None);
    assert_eq!(after.kop.map(|k| k.0), Some(head - 1));
}

fn export_lists_who_saw_one_person(db: Db) {
    let w = world(db);
    let lp = w.user("lp", Rol::Leerplicht);
    let school = w.user("mentor", Rol::School);
    w.app.persoon(&lp, id(IN)).unwrap();
    w.app.persoon(&school, id(IN)).unwrap();
    assert!(w.app.persoon(&school, id(OUT)).is_err());
    let op = Actor::local_operator();
    let seen: Vec<(String, String, bool)> = w
        .app
        .audit_export(&op, id(IN))
        .unwrap()
        .into_iter()
        .map(|e| (e.entry.actor, e.entry.actie, e.entry.toegestaan))
        .collect();
    assert!(seen.contains(&("lp".into(), "persoon_bekijken".into(), true)));
    assert!(seen.contains(&("mentor".into(), "persoon_bekijken".into(), true)));
    assert!(!seen.iter().any(|(_, _, ok)| !ok), "{seen:?}");
    let out = w.app.audit_export(&op, id(OUT)).unwrap();
    assert_eq!(
        out.iter()
            .filter(|e| e.entry.actor == "mentor")
            .map(|e| e.entry.toegestaan)
            .collect::<Vec<_>>(),
        [false]
    );
    // Leerplicht sees who viewed a file of its own; other roles do not.
    assert!(w.app.inzage(&lp, id(IN)).unwrap().len() >= 2);
    assert!(w.app.inzage(&school, id(IN)).is_err());
    // Users cannot export the log.
    assert!(w.app.audit_export(&lp, id(IN)).is_err());
}

/// Past 1024 entries the person lookup goes through the index the appenders keep in batches;
/// entries on either side of that line are found, and only those of the person asked for.
fn export_finds_entries_before_and_after_the_index_line(db: Db) {
    let w = world(db);
    let lp = w.user("lp", Rol::Leerplicht);
    for i in 0..1300 {
        let who = if i % 2 == 0 { IN } else { OUT };
        let _ = w.app.toegang(&lp, Gebruik::VerzuimLezen, id(who), "lus");
    }
    let op = Actor::local_operator();
    for (who, allowed) in [(IN, true), (OUT, false)] {
        let found: Vec<_> = w
            .app
            .audit_export(&op, id(who))
            .unwrap()
            .into_iter()
            .filter(|e| {
                e.entry
                    .record
                    .as_deref()
                    .is_some_and(|r| r.starts_with("lus"))
            })
            .collect();
        assert_eq!(found.len(), 650, "{who}");
        assert!(found.iter().all(|e| e.entry.toegestaan == allowed));
        assert!(
            found.windows(2).all(|p| p[0].seq < p[1].seq),
            "in log order"
        );
    }
    assert_eq!(w.app.audit_verify(&op).unwrap().eerste_breuk, None);
}

/// A user's worklist: their own organisation only, each person shown logged.
fn a_users_worklist_is_their_own(db: Db) {
    use leerrecht_domain::thuiszitters::{Categorie, Escalatieregels, Oorzaak};
    let w = world(db);
    let op = Actor::local_operator();
    for who in [IN, OUT] {
        w.app
            .registratie_wijzigen(
                &op,
                id(who),
                Some((Categorie::Thuiszittend, Oorzaak::Psychisch)),
                d("2025-06-02"),
            )
            .unwrap();
    }
    let regels = Escalatieregels::default();
    let lp = w.user("lp", Rol::Leerplicht);
    let lijst = w
        .app
        .werklijst(&lp, "RBL-ZK", d("2025-11-20"), &regels)
        .unwrap();
    let wie: Vec<&str> = lijst.items.iter().map(|i| i.leerling.as_str()).collect();
    assert_eq!(
        wie,
        [IN, IN],
        "late offer and escalation due, for Haarlem only: {lijst:#?}"
    );
    // Another organisation's list, or a role that sees no person: refused.
    assert!(matches!(
        w.app.werklijst(&lp, "05KO00", d("2025-11-20"), &regels),
        Err(AppError::Forbidden(_))
    ));
    let beleid = w.user("adviseur", Rol::Beleid);
    assert!(w
        .app
        .werklijst(&beleid, "GM0392", d("2025-11-20"), &regels)
        .is_err());
    let mut logged = 0;
    w.app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            logged += (e.entry.actie == "werklijst"
                && e.entry.actor == "lp"
                && e.entry.persoon.is_some()) as usize;
            Ok(())
        })
        .unwrap();
    assert_eq!(logged, 1, "one entry per person shown");
}

/// The gate's facts of many persons read at once (a worklist's) are the facts read one by
/// one, whichever identifier names the person, and an unknown person is left out.
fn the_gates_facts_of_many_are_those_of_each(db: Db) {
    let w = world(db);
    let store = w
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap();
    let onbekend = id("999999990");
    let gevraagd = [id(IN), id(OUT), id(LEFT), onbekend];
    for on in [d("2025-11-20"), d("2025-06-01"), d("2026-02-01")] {
        let samen = store.persoon_contexten(&gevraagd, on).unwrap();
        assert_eq!(samen.len(), 3, "three known persons on {on}");
        for l in gevraagd {
            assert_eq!(
                samen.get(&l),
                store.persoon_context(l, on).unwrap().as_ref(),
                "{on}"
            );
        }
    }
    // The case's partner and the MAZL referral come with the batch as with the single read.
    let ctx = &store.persoon_contexten(&[id(IN)], d("2025-11-20")).unwrap()[&id(IN)];
    assert_eq!(ctx.partners, ["CJG-HLM"]);
    assert!(ctx.mazl_verwezen);
    assert!(store
        .persoon_contexten(&[], d("2025-11-20"))
        .unwrap()
        .is_empty());
}

const OUDEREN: &str = "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
010000008;;Visser;Daan;2003-01-01;GM0392
020000005;;Smit;Eva;2006-03-10;GM0392
";

/// Reports of talks and notes on a case (docs/domain.md §13): leerplicht writes them; each
/// reader of the case sees the notes of their level, a note for leerplicht only leaves no
/// trace for the others, and the notes go with the file at the purge.
fn case_notes_are_read_at_their_level(db: Db) {
    let w = world(db);
    let regels = Default::default();
    let lp = w.user("officier", Rol::Leerplicht);
    let nieuw = |niveau, soort, datum: &str, tekst: &str| NieuweNotitie {
        niveau,
        soort,
        datum: d(datum),
        tekst: tekst.into(),
    };
    let gesprek = nieuw(
        Vertrouwelijkheid::Zaak,
        NotitieSoort::Gesprek,
        "2025-11-18",
        "Gesprek met moeder en Sem: vanaf maandag weer twee dagen naar school.",
    );
    let n = w.app.zaaknotitie_schrijven(&lp, w.zaak, gesprek).unwrap();
    assert_eq!((n.zaak, n.wie.as_str()), (w.zaak, "officier"));
    w.app
        .zaaknotitie_schrijven(
            &lp,
            w.zaak,
            nieuw(
                Vertrouwelijkheid::Leerplicht,
                NotitieSoort::Notitie,
                "2025-11-19",
                "Vader belde: spanningen thuis, niet delen met de school.",
            ),
        )
        .unwrap();
    // The input is checked: no text, a day after today or before the case opened.
    for (datum, tekst, veld) in [
        ("2025-11-19", "  ", "tekst:"),
        ("2025-11-21", "Morgen", "datum:"),
        ("2025-10-31", "Voor de zaak", "datum:"),
    ] {
        let fout = w
            .app
            .zaaknotitie_schrijven(
                &lp,
                w.zaak,
                nieuw(Vertrouwelijkheid::Zaak, NotitieSoort::Notitie, datum, tekst),
            )
            .unwrap_err();
        assert!(
            matches!(&fout, AppError::Invalid(m) if m.starts_with(veld)),
            "{datum} {tekst:?}: {fout}"
        );
    }
    let teksten = |actor: &Actor| -> Vec<String> {
        w.app
            .zaaknotities(actor, w.zaak)
            .unwrap()
            .into_iter()
            .map(|n| n.tekst)
            .collect()
    };
    assert_eq!(teksten(&lp).len(), 2, "leerplicht reads both");
    // The partner in the case and the SWV see the note for everyone, and nothing of the other.
    let cjg = w.user("cjg", Rol::Cjg);
    let swv = w.user("swv", Rol::Swv);
    for lezer in [&cjg, &swv] {
        let t = teksten(lezer);
        assert_eq!(t.len(), 1);
        assert!(t[0].starts_with("Gesprek met moeder"), "{t:?}");
    }
    // The school and the youth doctor do not see the case at all; only leerplicht writes.
    let school = w.user("juf", Rol::School);
    let arts = w.user("arts", Rol::Jeugdarts);
    for lezer in [&school, &arts] {
        assert!(matches!(
            w.app.zaaknotities(lezer, w.zaak),
            Err(AppError::Forbidden(_))
        ));
    }
    for schrijver in [&cjg, &swv, &school] {
        let r = w.app.zaaknotitie_schrijven(
            schrijver,
            w.zaak,
            nieuw(
                Vertrouwelijkheid::Zaak,
                NotitieSoort::Notitie,
                "2025-11-19",
                "Ook",
            ),
        );
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    }
    assert_eq!(teksten(&lp).len(), 2);
    // The file page: the same levels, and the audit entry names the confidential notes only
    // for the reader who got them.
    let pid = w.app.id_van(id(IN)).unwrap().unwrap();
    let f = w.app.dossier(&lp, &pid, d("2025-01-01"), &regels).unwrap();
    assert_eq!(f.zaaknotities.len(), 2);
    let f = w.app.dossier(&cjg, &pid, d("2025-01-01"), &regels).unwrap();
    assert_eq!(f.zaaknotities.len(), 1);
    assert_eq!(f.zaaknotities[0].niveau, Vertrouwelijkheid::Zaak);
    let gelezen = |wie: &str| -> Vec<String> {
        w.app
            .audit_export(&Actor::local_operator(), id(IN))
            .unwrap()
            .into_iter()
            .filter(|e| e.entry.actor == wie && e.entry.actie == "dossier_bekijken")
            .filter_map(|e| e.entry.record)
            .collect()
    };
    assert!(gelezen("officier")[0].contains("vertrouwelijke notities"));
    assert!(gelezen("cjg")[0].contains("zaaknotities"));
    assert!(!gelezen("cjg")[0].contains("vertrouwelijk"));
    // The notes go with the file.
    let r = w
        .app
        .purge(&Actor::local_operator(), d("2040-01-01"), false)
        .unwrap();
    assert_eq!(r.telling.zaaknotities, 2, "{:?}", r.telling);
}

/// A move to a gemeente of another bureau (docs/domain.md §13): the import of the new
/// address hands the open case over with its history; the old bureau reads it, and changes
/// nothing, for 30 days; the new one finds it on its worklist; a second run moves nothing.
fn a_move_hands_the_open_case_over(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    let oud = w.user("oud.bureau", Rol::Leerplicht);
    let nieuw = w.user_bij("nieuw.bureau", "RBL-IJ", Rol::Leerplicht);
    let voor = w.app.zaak(&op, w.zaak, None).unwrap();
    assert_eq!(voor.rij.organisatie, "RBL-ZK");
    assert!(
        w.app.zaak(&nieuw, w.zaak, None).is_err(),
        "not yet the new bureau's"
    );
    // IN moves to Velsen, served by the IJmond bureau.
    let verhuisd = JONGEREN.replace(
        "111222333;;Jansen;Sem;2012-03-10;GM0392",
        "111222333;;Jansen;Sem;2012-03-10;GM0453",
    );
    let pad = w.db.file("verhuisd.csv", &verhuisd);
    let importeer = || {
        let r = w
            .app
            .import(&op, ImportKind::Jongeren, &pad, false, &mut |_, _| {})
            .unwrap();
        assert!(r.committed, "{:?}", r.errors);
    };
    importeer();
    let na = w.app.zaak(&op, w.zaak, None).unwrap();
    assert_eq!(na.rij.organisatie, "RBL-IJ");
    assert_eq!(
        na.events.len(),
        voor.events.len() + 1,
        "the history goes with it"
    );
    assert_eq!(na.rij.geopend, voor.rij.geopend, "the clock goes on");
    assert_eq!(na.staat.niveau, voor.staat.niveau, "so does the level");
    // The new bureau works the case and finds it on its worklist.
    w.app
        .ouders_vastleggen(&nieuw, w.zaak, d("2025-11-20"), "Huisbezoek in Velsen")
        .unwrap();
    let werk = w
        .app
        .werklijst(&nieuw, "RBL-IJ", d("2025-11-20"), &Default::default())
        .unwrap();
    assert!(
        werk.items
            .iter()
            .any(|i| i.soort == "overdracht" && i.leerling == IN),
        "{:?}",
        werk.items
    );
    // The old bureau reads, and changes nothing; its worklist says where the case went.
    assert!(w.app.zaak(&oud, w.zaak, None).is_ok());
    let weg = |wie: &Actor, op: &str| {
        w.app
            .werklijst(wie, "RBL-ZK", d(op), &Default::default())
            .unwrap()
            .items
            .into_iter()
            .any(|i| i.soort == "overdracht_weg" && i.leerling == IN && i.wat.contains("RBL-IJ"))
    };
    assert!(weg(&oud, "2025-11-20"));
    assert!(matches!(
        w.app
            .ouders_vastleggen(&oud, w.zaak, d("2025-11-20"), "Nog een gesprek"),
        Err(AppError::Forbidden(_))
    ));
    // A second run of the file moves nothing.
    importeer();
    assert_eq!(
        w.app.zaak(&op, w.zaak, None).unwrap().events.len(),
        na.events.len() + 1
    );
    // After 30 days the old bureau no longer sees the young person, nor the item.
    w.clock.advance(Duration::days(31));
    let oud = w.user("oud.bureau2", Rol::Leerplicht);
    assert!(!weg(&oud, &(w.app.now().date_naive()).to_string()));
    assert!(matches!(
        w.app.zaak(&oud, w.zaak, None),
        Err(AppError::Forbidden(_))
    ));
    let gelogd = w
        .app
        .audit_export(&op, id(IN))
        .unwrap()
        .into_iter()
        .filter_map(|e| e.entry.record)
        .any(|r| r.contains("overgedragen van RBL-ZK aan RBL-IJ"));
    assert!(gelogd, "the handover is in the audit log");
}

fn purge_destroys_on_time_and_keeps_counts(db: Db) {
    db.ok(ImportKind::Organisaties, ORGS);
    db.ok(ImportKind::Jongeren, OUDEREN);
    // Daan (2003) turned 20 long ago and left school with a diploma: everything goes
    // (without one, the RMC would keep his file until he is 23). Eva (2006) is 19 on
    // 2025-03-10, and her kwalificatieplicht file stays until 2026-03-10.
    db.ok(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum;startkwalificatie\n010000008;05KO00;VO;2015-08-17;2021-07-31;ja\n020000005;05KO00;VO;2018-08-20;;\n",
    );
    db.ok(
        ImportKind::Verzuim,
        "leerling;school;datum;soort;minuten\n010000008;05KO00;2017-10-02;ongeoorloofd;120\n020000005;05KO00;2019-10-01;ongeoorloofd;120\n020000005;05KO00;2022-10-03;ongeoorloofd;60\n020000005;05KO00;2023-10-02;luxe;60\n",
    );
    db.ok(
        ImportKind::Meldingen,
        "leerling;school;begindatum;verzuimsoort;uren;dagen\n020000005;05KO00;2019-10-01;beginnend;2;\n020000005;05KO00;2023-10-02;luxe;;1\n",
    );
    let op = Actor::local_operator();
    let before = db.people("2025-06-01");
    let proef = db.app.purge(&op, d("2025-06-01"), true).unwrap();
    assert_eq!(
        db.people("2025-06-01"),
        before,
        "a dry run keeps everything"
    );
    let wat: Vec<_> = proef
        .personen
        .iter()
        .map(|p| (p.leerling.to_string(), p.wat))
        .collect();
    assert_eq!(
        wat,
        [
            ("010000008".to_string(), "dossier"),
            ("020000005".to_string(), "leerplichtdossier")
        ]
    );
    let t = db.app.purge(&op, d("2025-06-01"), false).unwrap().telling;
    assert_eq!(t, proef.telling, "the dry run counted what the purge did");
    assert_eq!(t.personen, 1);
    assert_eq!(t.inschrijvingen, 1);
    // Daan's row and Eva's leerplicht-era row (2019; leerplicht ended 2022-07-31).
    assert_eq!(t.verzuim, 2);
    // Meldingen five years after they started: the 2019 one.
    assert_eq!(t.meldingen, 1);
    assert_eq!(db.people("2025-06-01").len(), 1);
    let kept = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .anonieme_cijfers()
        .unwrap();
    assert!(
        kept.contains(&("2017-2018".into(), "GM0392".into(), "verzuimers".into(), 1)),
        "{kept:?}"
    );
    assert!(
        kept.contains(&("2019-2020".into(), "GM0392".into(), "verzuimers".into(), 1)),
        "{kept:?}"
    );
    assert!(
        kept.contains(&(
            "2019-2020".into(),
            "GM0392".into(),
            "melding_beginnend".into(),
            1
        )),
        "{kept:?}"
    );
    // Running it again removes nothing more; a year later Eva's file goes too, except while
    // her 2023 melding is within its five years.
    assert_eq!(
        db.app
            .purge(&op, d("2025-06-01"), false)
            .unwrap()
            .telling
            .verzuim,
        0
    );
    let t = db.app.purge(&op, d("2026-06-01"), false).unwrap().telling;
    assert_eq!((t.verzuim, t.personen), (2, 0));
    let t = db.app.purge(&op, d("2028-10-03"), false).unwrap().telling;
    assert_eq!((t.meldingen, t.personen, t.inschrijvingen), (1, 1, 1));
    assert!(db.people("2028-10-03").is_empty());
    // Each purge is in the audit log, and users may not purge.
    let mut purges = 0;
    db.app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            purges += (e.entry.actie == "purge") as usize;
            Ok(())
        })
        .unwrap();
    assert_eq!(purges, 4);
}

/// The API's list of persons and the name search narrow to the reader's scope alike: for
/// every role that sees persons both find the same persons, a care partner those of its
/// cases, and no one from the day it left its last case.
fn listings_narrow_to_the_reader_alike(db: Db) {
    let w = world(db);
    let lp = w.user("u.lp", Rol::Leerplicht);
    let ids = |ks: Vec<leerrecht_app::api::JongereKop>| {
        let mut v: Vec<String> = ks
            .into_iter()
            .map(|k| k.kop.jongere.leerling_id().to_string())
            .collect();
        v.sort();
        v
    };
    let lijst = |a: &Actor| {
        ids(w
            .app
            .jongeren_pagina(a, None, None, None, 500)
            .unwrap()
            .items)
    };
    let gezocht = |a: &Actor| {
        let mut alle = Vec::new();
        for naam in ["Jansen", "De Vries", "Bakker"] {
            alle.extend(
                w.app
                    .jongeren_zoeken_op_naam(a, naam, None, 0)
                    .unwrap()
                    .personen,
            );
        }
        ids(alle)
    };
    for (naam, rol, verwacht) in [
        ("u.l", Rol::Leerplicht, vec![IN, LEFT]),
        ("u.s", Rol::School, vec![IN, LEFT]),
        ("u.w", Rol::Swv, vec![IN, LEFT]),
        // The youth doctor sees those with a MAZL referral.
        ("u.j", Rol::Jeugdarts, vec![IN]),
        ("u.c", Rol::Cjg, vec![IN]),
    ] {
        let a = w.user(naam, rol);
        let mut verwacht: Vec<String> = verwacht.into_iter().map(String::from).collect();
        verwacht.sort();
        assert_eq!(lijst(&a), verwacht, "{rol}: list");
        assert_eq!(gezocht(&a), verwacht, "{rol}: search");
    }
    for rol in [Rol::Beleid, Rol::Beheer] {
        let a = w.user(&format!("u.{rol}"), rol);
        assert!(matches!(
            w.app.jongeren_pagina(&a, None, None, None, 500),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            w.app.jongeren_zoeken_op_naam(&a, "Jansen", None, 0),
            Err(AppError::Forbidden(_))
        ));
    }
    // The partner leaves its case: both listings lose the person that day.
    let cjg = w.user("u.cjg", Rol::Cjg);
    w.app.partner_verwijderen(&lp, w.zaak, "CJG-HLM").unwrap();
    assert!(lijst(&cjg).is_empty());
    assert!(gezocht(&cjg).is_empty());
}

/// A password that someone else set is its owner's only after they chose their own: the
/// first login, with the right password and code, asks for a new one (ASVS 2.3.1), refuses
/// one against the policy or equal to the one set, and logs in with the new one in the same
/// attempt; the old one no longer works. A password beheer sets anew is temporary again.
/// Only the local operator makes an account, or sets a password, that stays (the demo's and
/// the benchmarks').
fn a_password_set_by_someone_else_is_chosen_anew(db: Db) {
    use leerrecht_app::LoginFout;
    let w = world(db);
    let op = Actor::local_operator();
    let acc = w
        .app
        .user_add(&op, "u.nieuw", "RBL-ZK", Rol::Leerplicht, WACHTWOORD)
        .unwrap();
    let geheim = acc.totp_geheim.unwrap();
    let code = || current_totp(&geheim, w.app.now()).unwrap();
    let bron = "192.0.2.20";
    let login = |ww: &str, nieuw: Option<&str>| {
        w.app
            .login_met("u.nieuw", ww, Some(&code()), nieuw, bron)
            .unwrap()
    };
    assert!(matches!(
        login(WACHTWOORD, None),
        Err(LoginFout::WachtwoordKiezen(None))
    ));
    // A wrong password is not asked for a new one.
    assert!(matches!(
        login("niet-het-goede-wachtwoord", Some("een-eigen-lange-zin-nu")),
        Err(LoginFout::Onjuist)
    ));
    for slecht in [WACHTWOORD, "kort"] {
        assert!(
            matches!(
                login(WACHTWOORD, Some(slecht)),
                Err(LoginFout::WachtwoordKiezen(Some(_)))
            ),
            "{slecht}"
        );
    }
    let eigen = "een-eigen-lange-zin-nu";
    let sessie = login(WACHTWOORD, Some(eigen)).expect("logged in with the new password");
    assert!(w.app.session_actor(&sessie.token, bron).unwrap().is_some());
    w.clock.advance(Duration::seconds(31));
    assert!(matches!(login(WACHTWOORD, None), Err(LoginFout::Onjuist)));
    w.clock.advance(Duration::seconds(31));
    assert!(
        login(eigen, None).is_ok(),
        "the own password needs nothing more"
    );
    // Set anew by the administrator: temporary again, and the sessions end.
    w.app
        .user_set_password(&op, "u.nieuw", "nog-een-ingestelde-zin")
        .unwrap();
    assert!(w.app.session_actor(&sessie.token, bron).unwrap().is_none());
    w.clock.advance(Duration::seconds(31));
    assert!(matches!(
        login("nog-een-ingestelde-zin", None),
        Err(LoginFout::WachtwoordKiezen(None))
    ));
    // Set anew by the operator of a demo installation, to be kept: it logs in at once.
    w.app
        .user_set_password_blijvend(&op, "u.nieuw", "een-blijvende-ingestelde-zin")
        .unwrap();
    w.clock.advance(Duration::seconds(31));
    assert!(login("een-blijvende-ingestelde-zin", None).is_ok());
    let beheer = w.user("u.beheer", Rol::Beheer);
    assert!(matches!(
        w.app
            .user_add_blijvend(&beheer, "u.blijf", "RBL-ZK", Rol::Leerplicht, WACHTWOORD),
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        w.app
            .user_set_password_blijvend(&beheer, "u.nieuw", "een-andere-blijvende-zin"),
        Err(AppError::Forbidden(_))
    ));
    let mut acties = Vec::new();
    w.app
        .opslag(&op)
        .unwrap()
        .for_each_audit(&mut |e| {
            if e.entry.actor == "u.nieuw" {
                acties.push(e.entry.actie.clone());
            }
            Ok(())
        })
        .unwrap();
    assert!(
        acties.contains(&"wachtwoord_kiezen_gevraagd".to_string()),
        "{acties:?}"
    );
    assert_eq!(
        acties.iter().filter(|a| *a == "wachtwoord_gekozen").count(),
        1,
        "{acties:?}"
    );
}

/// The installation's key out of the database (ASVS 6.4.1): the first rotation moves the key
/// the database kept into the key file (readable by its owner alone) and out of the
/// database; with the file's keys an opaque id made before still names its person, a new id
/// is made with the new key, and the audit log still finds a person's entries from before.
fn keys_rotate_without_breaking_links(db: Db) {
    use leerrecht_app::toegang::sleutels::{sleutels_uit, SleutelBron};
    let w = world(db);
    let op = Actor::local_operator();
    let lp = w.user("u.lp", Rol::Leerplicht);
    let oud = w.app.id_van(id(IN)).unwrap().unwrap();
    w.app.jongere(&lp, &oud).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bron = SleutelBron {
        bestand: Some(dir.path().join("sleutels")),
        omgeving: None,
    };
    // Keys in the database, none in a file yet: reading the file is refused, rotating makes it.
    assert!(matches!(bron.lees(), Err(AppError::Invalid(_))));
    let r = w.app.sleutel_roteren(&op, &bron).unwrap();
    assert_eq!((r.sleutels, r.uit_database), (2, true));
    let winkel = w.app.opslag(&op).unwrap();
    assert_eq!(winkel.instelling("audit_sleutel").unwrap(), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(bron.bestand.as_ref().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The app as the next start makes it: with the file's keys.
    let keys = bron.lees().unwrap().unwrap();
    assert_eq!(keys.len(), 2);
    let app = App::with_clock(
        leerrecht_store::open(&w.db.url).unwrap(),
        Box::new(w.clock.clone()),
    )
    .met_sleutels(keys);
    let kop = app.jongere(&op, &oud).unwrap();
    assert_eq!(
        kop.kop.jongere.leerling_id(),
        id(IN),
        "the old link still works"
    );
    let nieuw = app.id_van(id(IN)).unwrap().unwrap();
    assert_ne!(nieuw, oud, "new ids come from the new key");
    assert_eq!(
        app.jongere(&op, &nieuw).unwrap().kop.jongere.leerling_id(),
        id(IN)
    );
    // The officer's read before the rotation is still in the person's log.
    let log = app.audit_export(&op, id(IN)).unwrap();
    assert!(
        log.iter()
            .any(|e| e.entry.actor == "u.lp" && e.entry.actie == "persoon_bekijken"),
        "{log:?}"
    );
    // A second rotation keeps both earlier keys; the database still keeps none.
    let r = app.sleutel_roteren(&op, &bron).unwrap();
    assert_eq!((r.sleutels, r.uit_database), (3, false));
    assert_eq!(winkel.instelling("audit_sleutel").unwrap(), None);
    // Only the local operator rotates; a key file readable by others, or a malformed key,
    // is refused.
    let beheer = w.user("u.beheer", Rol::Beheer);
    assert!(matches!(
        app.sleutel_roteren(&beheer, &bron),
        Err(AppError::Forbidden(_))
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = bron.bestand.as_ref().unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(bron.lees(), Err(AppError::Invalid(_))));
    }
    let fout = sleutels_uit("00ff\n", "test").unwrap_err().to_string();
    assert!(fout.contains("line 1"), "{fout}");
}

/// E-mail: a notice to the account's address is queued with every change of its
/// credentials, in the same transaction; the daily digest counts the work waiting per kind
/// and names no young person (no name, number, date of birth or school), one per account and
/// day; a mail server that cannot be reached leaves the mail queued, tried again after a wait
/// that grows, and the failure shows in the outbox's state.
fn mail_names_no_young_person_and_is_retried(db: Db) {
    use leerrecht_app::mail::SmtpConfig;
    let w = world(db);
    let op = Actor::local_operator();
    let _lp = w.user("u.lp", Rol::Leerplicht);
    let _ja = w.user("u.ja", Rol::Jeugdarts);
    let _zonder = w.user("u.zonder", Rol::Leerplicht);
    w.app
        .user_email(&op, "u.lp", Some("lp@example.nl"))
        .unwrap();
    w.app
        .user_email(&op, "u.ja", Some("ja@example.nl"))
        .unwrap();
    assert!(matches!(
        w.app.user_email(&op, "u.lp", Some("geen adres")),
        Err(AppError::Invalid(_))
    ));
    let regels = leerrecht_domain::thuiszitters::Escalatieregels::default();
    let dag = d("2025-11-20");
    let lijst = w
        .app
        .notificaties(
            &op,
            dag,
            &regels,
            Some("https://leerrecht.example.nl"),
            false,
        )
        .unwrap();
    let namen: Vec<&str> = lijst.iter().map(|o| o.gebruikersnaam.as_str()).collect();
    assert!(
        namen.contains(&"u.ja"),
        "the youth doctor has MAZL referrals: {namen:?}"
    );
    assert!(!namen.contains(&"u.zonder"), "no address, no digest");
    assert!(lijst
        .iter()
        .all(|o| o.in_wachtrij && o.tellingen.values().sum::<usize>() > 0));
    // A second run the same day queues nothing.
    let weer = w
        .app
        .notificaties(
            &op,
            dag,
            &regels,
            Some("https://leerrecht.example.nl"),
            false,
        )
        .unwrap();
    assert!(weer.iter().all(|o| !o.in_wachtrij), "{weer:?}");
    // A notice with a credential change.
    w.app
        .user_set_password(&op, "u.lp", "een-nieuwe-ingestelde-zin")
        .unwrap();
    let winkel = w.app.opslag(&op).unwrap();
    let wachtend = winkel.mail_te_verzenden(w.app.now(), 100).unwrap();
    assert_eq!(wachtend.len(), lijst.len() + 1, "{wachtend:?}");
    assert!(wachtend
        .iter()
        .any(|m| m.aan == "lp@example.nl" && m.tekst.contains("wachtwoord is gewijzigd")));
    for m in &wachtend {
        let alles = format!("{} {}", m.onderwerp, m.tekst);
        for verboden in [
            IN,
            OUT,
            LEFT,
            "Jansen",
            "Sem",
            "De Vries",
            "Bakker",
            "Lotte",
            "10-03-2012",
            "2012-03-10",
            "05KO00",
            "De Klimop",
            "Velsen College",
            "lange-zin",
        ] {
            assert!(!alles.contains(verboden), "{verboden} in {alles}");
        }
    }
    assert!(wachtend
        .iter()
        .any(|m| m.tekst.contains("https://leerrecht.example.nl/werklijst")));
    // A server that refuses: the mail waits, tried again after a growing wait.
    let poort = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = SmtpConfig {
        host: "127.0.0.1".into(),
        port: poort,
        starttls: false,
        van: "leerrecht <noreply@example.nl>".into(),
        gebruiker_file: None,
        wachtwoord_file: None,
    }
    .mailer()
    .unwrap();
    let r = w.app.mail_verzenden(&op, &mailer).unwrap();
    assert_eq!((r.verzonden, r.mislukt), (0, wachtend.len() as u64));
    let stand = w.app.mail_stand(&op).unwrap();
    assert_eq!(
        (stand.wachtend, stand.mislukt, stand.verzonden),
        (wachtend.len() as u64, wachtend.len() as u64, 0)
    );
    assert!(stand.laatste_fout.is_some());
    // Not again before the wait is over; after it, once more.
    assert_eq!(w.app.mail_verzenden(&op, &mailer).unwrap().mislukt, 0);
    w.clock.advance(Duration::seconds(61));
    assert_eq!(
        w.app.mail_verzenden(&op, &mailer).unwrap().mislukt,
        wachtend.len() as u64
    );
    assert_eq!(w.app.mail_verzenden(&op, &mailer).unwrap().mislukt, 0);
    w.clock.advance(Duration::seconds(61));
    assert_eq!(
        w.app.mail_verzenden(&op, &mailer).unwrap().mislukt,
        0,
        "the second wait is five minutes"
    );
}

/// The purge forgets staff's sessions (with their client address) and the mail that was sent
/// or given up once they are 90 days old; a mail still waiting stays, and a second run finds
/// nothing more.
fn staff_sessions_and_mail_are_forgotten_after_90_days(db: Db) {
    let w = world(db);
    let op = Actor::local_operator();
    let _lp = w.user("u.lp", Rol::Leerplicht);
    let _ja = w.user("u.ja", Rol::Jeugdarts);
    w.app
        .user_email(&op, "u.lp", Some("lp@example.nl"))
        .unwrap();
    w.app
        .user_email(&op, "u.ja", Some("ja@example.nl"))
        .unwrap();
    w.app
        .user_set_password(&op, "u.lp", "een-nieuwe-ingestelde-zin")
        .unwrap();
    let winkel = w.app.opslag(&op).unwrap();
    let verzonden = winkel.mail_te_verzenden(w.app.now(), 10).unwrap();
    assert_eq!(verzonden.len(), 1);
    let nu = w.app.now();
    winkel.mail_poging(verzonden[0].id, nu, None, nu).unwrap();
    // One still waiting.
    w.app
        .user_set_password(&op, "u.ja", "nog-een-ingestelde-zin")
        .unwrap();
    let telling = |dag: &str, proef: bool| {
        let r = w.app.purge(&op, d(dag), proef).unwrap();
        (r.sessies, r.mails)
    };
    // The sessions and mail of 20 November are 90 days old on 18 February only at its end.
    assert_eq!(telling("2026-02-18", true), (0, 0));
    let (sessies, mails) = telling("2026-02-19", true);
    assert!(sessies >= 2, "{sessies}");
    assert_eq!(mails, 1, "the sent one, not the one waiting");
    assert_eq!(telling("2026-02-19", false), (sessies, mails));
    assert_eq!(telling("2026-02-19", false), (0, 0));
    assert_eq!(
        winkel.mail_te_verzenden(w.app.now(), 10).unwrap().len(),
        1,
        "the mail still waiting stays"
    );
}

on_both!(
    partners_see_only_their_own_cases,
    the_whole_matrix,
    school_scope_follows_enrolment_dates,
    break_the_glass,
    absence_is_read_on_a_purpose_only,
    the_file_is_one_gated_read,
    listings_narrow_to_the_reader_alike,
    a_password_set_by_someone_else_is_chosen_anew,
    keys_rotate_without_breaking_links,
    mail_names_no_young_person_and_is_retried,
    staff_sessions_and_mail_are_forgotten_after_90_days,
    break_the_glass_lifts_the_lack_of_a_ground,
    drafts_and_signals_stay_at_the_school,
    medical_notes_are_the_youth_doctors_alone,
    login_lockout_and_sessions,
    accounts_are_checked_at_the_edge,
    tokens_send_for_their_own_school_only,
    the_audit_log_detects_change_and_removal,
    concurrent_entries_are_all_kept_in_one_chain,
    entries_of_two_servers_at_once_are_all_kept_in_one_chain,
    an_append_after_the_log_lost_its_newest_entries_follows_the_log,
    export_lists_who_saw_one_person,
    export_finds_entries_before_and_after_the_index_line,
    a_users_worklist_is_their_own,
    the_gates_facts_of_many_are_those_of_each,
    purge_destroys_on_time_and_keeps_counts,
    case_notes_are_read_at_their_level,
    a_move_hands_the_open_case_over,
);
