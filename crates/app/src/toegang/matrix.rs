//! The role × data × purpose matrix (`leerrecht privacy matrix`, docs/privacy-matrix.md):
//! for every reader, every kind of data of a young person's file and every state of the file
//! that could give a purpose, whether the reader sees it. Each cell is computed by asking the
//! gate ([`super::beslis`]) and its row filters ([`super::zicht`]) about a made-up file in
//! that state, exactly as the use cases ask them, so the matrix cannot drift from the code.

use chrono::{Duration, NaiveDate};
use leerrecht_domain::doelbinding::{vensters, Doelgrond, Grond, TERUGKIJK_WEKEN};
use leerrecht_domain::ids::{Bsn, GemeenteCode, SchoolCode};
use leerrecht_domain::org::Rol;
use leerrecht_domain::person::Jongere;
use leerrecht_store::access::PersoonContext;
use leerrecht_store::api::VerzuimRegel;
use leerrecht_store::{MeldingGegevens, MeldingStaat, SignaalRij};
use serde::Serialize;

use super::zicht::{
    melding_rij_zichtbaar, signaal_zichtbaar, signalen_gebruik, verzuim_zichtbaar, zaak_zichtbaar,
};
use super::{beslis, Actor, Beslissing, Doel, Gebruik, Gebruiker, Scope, Systeem, Toegang};

/// Who reads: a user of each role, a school's administration package with an API token, and
/// the installation's operator on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lezer {
    Rol(Rol),
    Schoolsysteem,
    Operator,
}

impl Lezer {
    pub fn all() -> Vec<Lezer> {
        let mut v: Vec<Lezer> = Rol::ALL.into_iter().map(Lezer::Rol).collect();
        v.extend([Lezer::Schoolsysteem, Lezer::Operator]);
        v
    }
    pub fn code(self) -> &'static str {
        match self {
            Lezer::Rol(r) => r.code(),
            Lezer::Schoolsysteem => "schoolsysteem",
            Lezer::Operator => "operator",
        }
    }
}

/// The kinds of data of a young person's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gegeven {
    /// Name, birth date, gemeente, enrolments, duty status.
    Register,
    /// Absence other than sickness, day by day.
    Verzuim,
    /// Sick days.
    Ziekteverzuim,
    /// The school's early signals (16 uur, luxe, te laat, signaal, lrv).
    Signalen,
    /// Referrals to the youth doctor (MAZL signals).
    Verwijzingen,
    /// Draft meldingen, before the school confirms them.
    Conceptmeldingen,
    /// Meldingen the school confirmed or filed.
    Meldingen,
    /// Periods on the thuiszitters list.
    Registraties,
    /// Cases with their events: plans, offers, meetings, escalations, exemptions; and the
    /// notes on them for everyone on the case.
    Zaken,
    /// The notes on a case for leerplicht only.
    VertrouwelijkeNotities,
    /// The youth doctor's notes.
    MedischeNotities,
    /// Who read or changed the file (the audit log of the person).
    Inzage,
}

impl Gegeven {
    pub const ALL: [Gegeven; 12] = [
        Gegeven::Register,
        Gegeven::Verzuim,
        Gegeven::Ziekteverzuim,
        Gegeven::Signalen,
        Gegeven::Verwijzingen,
        Gegeven::Conceptmeldingen,
        Gegeven::Meldingen,
        Gegeven::Registraties,
        Gegeven::Zaken,
        Gegeven::VertrouwelijkeNotities,
        Gegeven::MedischeNotities,
        Gegeven::Inzage,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Gegeven::Register => "registergegevens",
            Gegeven::Verzuim => "verzuim",
            Gegeven::Ziekteverzuim => "ziekteverzuim",
            Gegeven::Signalen => "signalen",
            Gegeven::Verwijzingen => "mazl_verwijzingen",
            Gegeven::Conceptmeldingen => "conceptmeldingen",
            Gegeven::Meldingen => "meldingen",
            Gegeven::Registraties => "registraties",
            Gegeven::Zaken => "zaken",
            Gegeven::VertrouwelijkeNotities => "vertrouwelijke_zaaknotities",
            Gegeven::MedischeNotities => "medische_notities",
            Gegeven::Inzage => "inzage",
        }
    }
}

/// The state of the file, as far as it gives the reader a purpose: the young person is in
/// the reader's scope with nothing more, or with a confirmed melding, an open case, a
/// registration or a MAZL referral; or outside the reader's scope with a break-the-glass
/// grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Situatie {
    Geen,
    Melding,
    Zaak,
    Registratie,
    Mazl,
    Noodtoegang,
}

impl Situatie {
    pub const ALL: [Situatie; 6] = [
        Situatie::Geen,
        Situatie::Melding,
        Situatie::Zaak,
        Situatie::Registratie,
        Situatie::Mazl,
        Situatie::Noodtoegang,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Situatie::Geen => "geen",
            Situatie::Melding => "melding",
            Situatie::Zaak => "zaak",
            Situatie::Registratie => "registratie",
            Situatie::Mazl => "mazl",
            Situatie::Noodtoegang => "noodtoegang",
        }
    }
}

/// One cell: whether `lezer` sees `gegeven` of a file in `situatie`, and on which purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cel {
    pub lezer: &'static str,
    pub gegevens: &'static str,
    pub situatie: &'static str,
    pub zichtbaar: bool,
    /// The purpose the audit entry names when it is visible.
    pub doel: Option<&'static str>,
}

const SCHOOL: &str = "00AA00";
const ANDERE_SCHOOL: &str = "99ZZ00";
const SWV: &str = "SWV-MATRIX";
const CJG: &str = "CJG-MATRIX";
const GEMEENTE: &str = "GM0001";
const ANDERE_GEMEENTE: &str = "GM0002";

fn vandaag() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 3).expect("a date")
}

fn actor(lezer: Lezer) -> Actor {
    let gemeente: GemeenteCode = GEMEENTE.parse().expect("a gemeente code");
    match lezer {
        Lezer::Rol(rol) => Actor::Gebruiker(Gebruiker {
            id: 1,
            gebruikersnaam: "matrix".into(),
            rol,
            organisatie: match rol {
                Rol::School => SCHOOL,
                Rol::Swv => SWV,
                Rol::Cjg => CJG,
                _ => "ORG-MATRIX",
            }
            .into(),
            bedient: vec![gemeente],
            bron: "matrix".into(),
        }),
        Lezer::Schoolsysteem => Actor::Systeem(Systeem {
            token_id: 1,
            organisatie: SCHOOL.into(),
            scopes: Scope::ALL.to_vec(),
            bron: "matrix".into(),
        }),
        Lezer::Operator => Actor::LocalOperator {
            os_user: "matrix".into(),
        },
    }
}

/// A file in `situatie`: in every reader's scope (living in the served gemeente, enrolled at
/// the school of the SWV), except for a break-the-glass grant, which is for someone outside.
fn dossier(situatie: Situatie) -> PersoonContext {
    let buiten = situatie == Situatie::Noodtoegang;
    let (gemeente, school) = if buiten {
        (ANDERE_GEMEENTE, ANDERE_SCHOOL)
    } else {
        (GEMEENTE, SCHOOL)
    };
    let jongere = Jongere::new(
        Some(Bsn::new(111_222_333).expect("a valid BSN")),
        None,
        "Matrix".into(),
        "M.".into(),
        NaiveDate::from_ymd_opt(2012, 1, 1).expect("a date"),
        gemeente.parse().expect("a gemeente code"),
    )
    .expect("a young person");
    let begin = vandaag() - Duration::days(14);
    let grond = |grond| Doelgrond {
        grond,
        van: begin,
        tot: None,
    };
    let gronden = match situatie {
        Situatie::Melding => vec![grond(Grond::Melding)],
        Situatie::Zaak => vec![grond(Grond::Zaak)],
        Situatie::Registratie => vec![grond(Grond::Registratie)],
        Situatie::Mazl => vec![grond(Grond::Mazl)],
        Situatie::Geen | Situatie::Noodtoegang => Vec::new(),
    };
    let partner_zaken = if situatie == Situatie::Zaak {
        vec![(CJG.to_string(), 1)]
    } else {
        Vec::new()
    };
    PersoonContext {
        id: 1,
        jongere,
        scholen: vec![(
            school.parse::<SchoolCode>().expect("a school code"),
            (!buiten).then(|| SWV.to_string()),
        )],
        partners: partner_zaken.iter().map(|(o, _)| o.clone()).collect(),
        partner_zaken,
        mazl_verwezen: situatie == Situatie::Mazl,
        gronden,
    }
}

/// The use case's question for `gegeven`, the gate's answer, and whether the row filter lets
/// a row of that kind through, as the use cases do.
fn cel(lezer: Lezer, gegeven: Gegeven, situatie: Situatie) -> Cel {
    let actor = actor(lezer);
    let ctx = dossier(situatie);
    let grant = (situatie == Situatie::Noodtoegang).then_some("een noodgeval, met reden");
    let gebruik = match gegeven {
        Gegeven::Register => Gebruik::PersoonBekijken,
        Gegeven::Verzuim | Gegeven::Ziekteverzuim => Gebruik::VerzuimLezen,
        Gegeven::Signalen | Gegeven::Verwijzingen => signalen_gebruik(&actor),
        Gegeven::Conceptmeldingen | Gegeven::Meldingen => Gebruik::MeldingenLezen,
        Gegeven::Registraties => Gebruik::RegistratiesLezen,
        Gegeven::Zaken => Gebruik::ZaakLezen,
        Gegeven::VertrouwelijkeNotities => Gebruik::VertrouwelijkLezen,
        Gegeven::MedischeNotities => Gebruik::MedischLezen,
        Gegeven::Inzage => Gebruik::InzageLezen,
    };
    // The gate looks up a grant only when it refuses on the reader's own scope.
    let mut beslissing = beslis(&actor, gebruik, &ctx, None);
    if matches!(
        beslissing,
        Beslissing::Geweigerd(_) | Beslissing::ZonderDoel
    ) {
        if let (Some(r), Actor::Gebruiker(_)) = (grant, &actor) {
            beslissing = beslis(&actor, gebruik, &ctx, Some(r));
        }
    }
    let doel = beslissing.doel();
    let zichtbaar = match doel {
        None => false,
        Some(doel) => {
            let t = Toegang {
                vensters: vensters(&ctx.gronden, TERUGKIJK_WEKEN, vandaag()),
                noodtoegang: (doel == Doel::Noodtoegang).then(|| "reden".to_string()),
                doel,
                ctx: ctx.clone(),
                _zegel: super::Zegel(()),
            };
            rij_zichtbaar(&actor, &t, gegeven)
        }
    };
    Cel {
        lezer: lezer.code(),
        gegevens: gegeven.code(),
        situatie: situatie.code(),
        zichtbaar,
        doel: if zichtbaar {
            doel.map(Doel::code)
        } else {
            None
        },
    }
}

/// Whether a row of `gegeven` of the school of the file, dated in the ground's period, passes
/// the row filter for the reader the gate let in as `t`.
fn rij_zichtbaar(actor: &Actor, t: &Toegang, gegeven: Gegeven) -> bool {
    let school = t
        .ctx
        .scholen
        .first()
        .map(|(s, _)| s.clone())
        .expect("the file has a school");
    let gisteren = vandaag() - Duration::days(1);
    let verzuim = |soort: &str| VerzuimRegel {
        school: school.as_str().to_string(),
        datum: gisteren,
        soort: soort.to_string(),
        minuten: 300,
        aantal: 1,
        hele_dag: true,
    };
    let signaal = |regel: &str| SignaalRij {
        leerling: t.ctx.jongere.leerling_id(),
        school: school.clone(),
        regel: regel.to_string(),
        datum: gisteren,
        uitleg: String::new(),
    };
    let melding = |status: &str| MeldingStaat {
        id: 1,
        leerling: t.ctx.jongere.leerling_id(),
        school: school.clone(),
        begindatum: gisteren,
        verzuimsoort: "16uur".into(),
        uren: Some(16),
        dagen: None,
        status: status.into(),
        gegevens: MeldingGegevens::default(),
        signaal: None,
        afsluitreden: None,
        zaak_id: None,
        toelichting: None,
        bevestigd: None,
        ingetrokken: None,
    };
    match gegeven {
        Gegeven::Verzuim => verzuim_zichtbaar(actor, t, &verzuim("ongeoorloofd")),
        Gegeven::Ziekteverzuim => verzuim_zichtbaar(actor, t, &verzuim("ziek")),
        Gegeven::Signalen => signaal_zichtbaar(actor, &signaal("16uur")),
        Gegeven::Verwijzingen => signaal_zichtbaar(actor, &signaal("mazl_7dagen")),
        Gegeven::Conceptmeldingen => melding_rij_zichtbaar(actor, &melding("concept")),
        Gegeven::Meldingen => melding_rij_zichtbaar(actor, &melding("geregistreerd")),
        Gegeven::Zaken | Gegeven::VertrouwelijkeNotities => {
            zaak_zichtbaar(actor, &t.ctx, t.noodtoegang.is_some(), 1)
        }
        Gegeven::Register | Gegeven::Registraties | Gegeven::MedischeNotities | Gegeven::Inzage => {
            true
        }
    }
}

/// Every cell, reader by reader, kind by kind, state by state.
pub fn matrix() -> Vec<Cel> {
    let mut out = Vec::new();
    for lezer in Lezer::all() {
        for gegeven in Gegeven::ALL {
            for situatie in Situatie::ALL {
                out.push(cel(lezer, gegeven, situatie));
            }
        }
    }
    out
}

/// The matrix as a Markdown table: one row per reader and kind of data, one column per state
/// of the file; a cell is `ja (doel)` or `nee`.
pub fn markdown() -> String {
    let mut s = String::from("| lezer | gegevens |");
    for situatie in Situatie::ALL {
        s.push_str(&format!(" {} |", situatie.code()));
    }
    s.push_str("\n|---|---|");
    s.push_str(&"---|".repeat(Situatie::ALL.len()));
    s.push('\n');
    for rij in matrix().chunks(Situatie::ALL.len()) {
        s.push_str(&format!("| {} | {} |", rij[0].lezer, rij[0].gegevens));
        for c in rij {
            s.push_str(&format!(" {} |", cel_tekst(c)));
        }
        s.push('\n');
    }
    s
}

/// A cell as the tables show it: `ja (doel)` or `nee`.
pub fn cel_tekst(c: &Cel) -> String {
    match (c.zichtbaar, c.doel) {
        (true, Some(d)) => format!("ja ({d})"),
        (true, None) => "ja".into(),
        (false, _) => "nee".into(),
    }
}

/// The matrix as aligned text columns, for a terminal.
pub fn tabel() -> String {
    let mut rijen: Vec<Vec<String>> = vec![{
        let mut h = vec!["lezer".to_string(), "gegevens".to_string()];
        h.extend(Situatie::ALL.iter().map(|s| s.code().to_string()));
        h
    }];
    for rij in matrix().chunks(Situatie::ALL.len()) {
        let mut r = vec![rij[0].lezer.to_string(), rij[0].gegevens.to_string()];
        r.extend(rij.iter().map(cel_tekst));
        rijen.push(r);
    }
    let breed: Vec<usize> = (0..rijen[0].len())
        .map(|i| {
            rijen
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for r in rijen {
        let regel: Vec<String> = r
            .iter()
            .zip(&breed)
            .map(|(c, b)| format!("{c:<b$}"))
            .collect();
        s.push_str(regel.join("  ").trim_end());
        s.push('\n');
    }
    s
}
