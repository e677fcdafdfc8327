//! A person's file: the header, the school year's absence as a calendar heat map, signals,
//! meldingen, registrations, cases with offers, meetings, exemptions and escalations, and for
//! leerplicht who viewed the file; and the forms that change it. Each part is read through
//! its own use case, so each is decided by the gate and audited; a part the reader's role
//! may not see is left out rather than refused.

use leerrecht_app::register::verzorgers::VerzorgerWijziging;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::str::FromStr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate};
use leerrecht_app::toegang::{rol_mag, Gebruik};
use leerrecht_app::zaken::vrijstellingen::NieuweVrijstelling;
use leerrecht_app::{App, AppError};
use leerrecht_domain::brief::Sjabloon;
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::{Categorie, Niveau, Oorzaak};
use leerrecht_domain::zaak::{
    AanbodType, Artikel, Contactwijze, Deskundige, Gebeurtenis, NotitieSoort, Sluitreden, Team,
    Verklaring, Vertrouwelijkheid, ZaakSoort, ZaakStaat,
};
use leerrecht_store::api::VerzuimRegel;
use leerrecht_store::{MeldingGegevens, MeldingRij};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::invoer::{self, Afwijzing, Invoer};
use super::tekst::Taal;
use super::woorden;
use super::{doe, html, terug_naar, Bezoeker, Fout, Kader};
use crate::AppState;

/// The day an offer was made, and the days after the deadline it came (0: in time).
type AanbodOp = (String, i64);

pub struct Melding {
    pub id: i64,
    pub soort: String,
    pub school: String,
    pub begindatum: String,
    pub status: String,
    /// The status's code, for the status form's current choice.
    pub status_code: String,
    pub uren: String,
    pub concept: bool,
    pub open: bool,
    /// Not yet handled: the school may still withdraw it.
    pub intrekbaar: bool,
    /// The school's words on a withdrawal.
    pub toelichting: String,
}

pub struct Gebeurtenisregel {
    pub datum: String,
    pub wat: String,
    pub wie: String,
}

pub struct Zaakview {
    pub id: i64,
    pub soort: &'static str,
    pub organisatie: String,
    pub geopend: String,
    pub gesloten: Option<String>,
    pub gebeurtenissen: Vec<Gebeurtenisregel>,
    /// The case's partners now: (organisation code, with the contact when named).
    pub partners: Vec<(String, String)>,
}

/// Who viewed or changed the file: one row per person and outcome, with the last moment,
/// the number of entries and what was done.
pub struct Inzage {
    pub tijd: String,
    pub wie: String,
    pub organisatie: String,
    pub actie: String,
    /// The purposes the reads were allowed on, in words.
    pub doel: String,
    pub aantal: usize,
    pub toegestaan: bool,
}

fn inzage_per_wie(
    rs: &[leerrecht_app::toegang::audit::AuditRegel],
    taal: Taal,
    naam: &dyn Fn(&str) -> String,
) -> Vec<Inzage> {
    let mut out: Vec<Inzage> = Vec::new();
    // Newest first, so the first entry of a group is its last moment.
    for a in rs.iter().rev() {
        let e = &a.entry;
        let org = e.organisatie.clone().unwrap_or_default();
        let doel = e
            .doel
            .as_deref()
            .map(|d| woorden::woord(taal, woorden::doel(d), d))
            .unwrap_or_default();
        match out.iter_mut().find(|i| {
            i.wie == woorden::auteur(taal, &e.actor)
                && i.organisatie == naam(&org)
                && i.toegestaan == e.toegestaan
        }) {
            Some(i) => {
                i.aantal += 1;
                let actie = woorden::woord(taal, woorden::actie(&e.actie), &e.actie);
                if !i.actie.split(", ").any(|x| x == actie) && i.actie.len() < 120 {
                    i.actie = format!("{}, {}", i.actie, actie);
                }
                if !doel.is_empty() && !i.doel.split(", ").any(|x| x == doel) {
                    i.doel = if i.doel.is_empty() {
                        doel
                    } else {
                        format!("{}, {doel}", i.doel)
                    };
                }
            }
            None => out.push(Inzage {
                // `2026-07-20T10:15:00…` as `20-07-2026 10:15`.
                tijd: match (
                    NaiveDate::parse_from_str(e.tijd.get(..10).unwrap_or(""), "%Y-%m-%d"),
                    e.tijd.get(11..16),
                ) {
                    (Ok(d), Some(t)) => format!("{} {t}", taal.datum_kort(&d)),
                    _ => e.tijd.clone(),
                },
                wie: woorden::auteur(taal, &e.actor),
                organisatie: naam(&org),
                actie: woorden::woord(taal, woorden::actie(&e.actie), &e.actie),
                doel,
                aantal: 1,
                toegestaan: e.toegestaan,
            }),
        }
    }
    out
}

pub struct Maandrij {
    pub maand: String,
    pub minuten: Vec<String>,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct Dossierpagina {
    k: Kader,
    /// Why the form just sent was refused.
    fout: Option<String>,
    id: String,
    naam: String,
    geboortedatum: String,
    /// `BSN 123456782` or `onderwijsnummer …`: in the page, never in its address.
    nummer: String,
    leeftijd: u32,
    plicht: &'static str,
    gemeente: String,
    scholen: String,
    noodtoegang: bool,
    inschrijvingen: Vec<(String, String, String, String)>,
    /// Parents and guardians: name, relation, address, telephone, e-mail.
    verzorgers: Vec<[String; 5]>,
    jaar: String,
    vorig: Option<String>,
    volgend: Option<String>,
    verzuim: Option<(String, Vec<Maandrij>)>,
    /// The reader may see the person but not their absence: no melding, case or registration
    /// gives a purpose (docs/domain.md §10).
    verzuim_zonder_doel: bool,
    soorten: Vec<&'static str>,
    signalen: Option<Vec<(String, String, String)>>,
    meldingen: Option<Vec<Melding>>,
    registraties: Option<Vec<(&'static str, &'static str, String, String)>>,
    /// Since, deadline, days overdue without an offer, and the offer's day with the days it
    /// came after the deadline.
    klok: Option<(String, String, i64, Option<AanbodOp>)>,
    /// The registration that holds today: its category and cause, for the change form.
    huidige_registratie: Option<(&'static str, &'static str)>,
    zaken: Option<Vec<Zaakview>>,
    aanbod: Vec<(String, String, String, String)>,
    overleggen: Vec<(String, String, String, String)>,
    vrijstellingen: Vec<(String, String, String, String, bool)>,
    escalaties: Vec<(String, String, String)>,
    inzage: Option<Vec<Inzage>>,
    mag_melden: bool,
    mag_behandelen: bool,
    mag_registreren: bool,
    mag_zaak: bool,
    /// Whether the reader adds and removes case partners (leerplicht).
    mag_partner: bool,
    /// Whether the reader adds and removes parents and guardians (leerplicht).
    mag_verzorgers: bool,
    /// The organisations that can be a case's partner: (code, name).
    partnerorganisaties: Vec<(String, String)>,
    vandaag: String,
    categorieen: Vec<(&'static str, &'static str)>,
    oorzaken: Vec<(&'static str, &'static str)>,
    aanbodsoorten: Vec<(&'static str, &'static str)>,
    artikelen: Vec<(&'static str, &'static str)>,
    deskundigen: Vec<&'static str>,
    /// The fields of the form that adds a verzorger: (name, label, short box).
    verzorgervelden: [(&'static str, &'static str, bool); 8],
    relaties: Vec<&'static str>,
    /// The choices of a form: (code, words).
    verzuimsoorten: Vec<(&'static str, String)>,
    afsluitredenen: Vec<(&'static str, String)>,
    /// The statuses a melding can be given: (code, words).
    statussen: Vec<(&'static str, String)>,
    /// The reasons a school withdraws a melding for: (code, words).
    intrekredenen: Vec<(&'static str, &'static str)>,
    /// The joint plan and the parents' involvement, the closing forms and the medical notes.
    zw: Zaakwerk,
    /// The form of the file that was refused, as typed.
    iv: Invoer,
}

/// The part of the file about the joint plan, the parents, closing a case, and the youth
/// doctor's medical notes.
pub struct Zaakwerk {
    /// The current plan of each case that has one: case, parts, description, day.
    plannen: Vec<(i64, String, String, String)>,
    /// How the parents were involved: case, day, how.
    ouders: Vec<(i64, String, String)>,
    /// The open cases, to choose from: id and label.
    open_zaken: Vec<(i64, String)>,
    /// Closed cases with their reason: case, day, reason, explanation.
    gesloten: Vec<(i64, String, String, String)>,
    mag_sluiten: bool,
    sluitredenen: Vec<(&'static str, &'static str)>,
    /// The medical notes (the youth doctor only): moment, organisation, text.
    notities: Option<Vec<(String, String, String)>>,
    mag_notitie: bool,
    /// The reports of talks and notes on the cases the reader sees, newest first.
    zaaknotities: Vec<Zaaknotitieregel>,
    /// Every case the reader sees, to write a note on: id and label.
    alle_zaken: Vec<(i64, String)>,
    notitiesoorten: Vec<(&'static str, &'static str)>,
    niveaus: Vec<(&'static str, &'static str)>,
    /// The letters on the cases the reader sees, newest first.
    brieven: Vec<Briefregel>,
    sjablonen: Vec<(&'static str, &'static str)>,
    /// Enforcement: case, step, day, outcome (empty while waiting).
    handhaving: Vec<(i64, String, String, String)>,
    /// The open absence cases, to record enforcement on: id and label.
    verzuimzaken: Vec<(i64, String)>,
    stappen: Vec<(&'static str, &'static str)>,
    /// The RMC's contact attempts: case, day, how, reached or not.
    contactpogingen: Vec<(i64, String, String, String)>,
    /// The open RMC cases, to record a contact attempt on: id and label.
    rmczaken: Vec<(i64, String)>,
    wijzen: Vec<(&'static str, &'static str)>,
    /// Of RMC age (18 to 23) without an open RMC case: the form to open one is offered.
    rmc_openen: bool,
}

/// A letter kept on a case, as the page lists it.
pub struct Briefregel {
    pub id: i64,
    pub zaak: i64,
    pub tijd: String,
    pub soort: String,
    pub aan: String,
    pub wie: String,
}

/// A report of a talk or a note as the page shows it.
pub struct Zaaknotitieregel {
    pub zaak: i64,
    pub datum: String,
    pub soort: &'static str,
    /// Set for a note for leerplicht only.
    pub vertrouwelijk: bool,
    pub tekst: String,
    pub wie: String,
}

/// The kinds of organisation offered as a case's partner on the page.
const PARTNERSOORTEN: [leerrecht_domain::org::OrgSoort; 3] = [
    leerrecht_domain::org::OrgSoort::Cjg,
    leerrecht_domain::org::OrgSoort::Ggd,
    leerrecht_domain::org::OrgSoort::Swv,
];

const SOORTEN: [&str; 5] = ["ongeoorloofd", "luxe", "te_laat", "ziek", "geoorloofd"];

#[derive(Deserialize, Default)]
pub struct Jaarvraag {
    jaar: Option<String>,
    ok: Option<String>,
}

/// Everything the file shows, read through the use cases in one go on the blocking pool.
struct Gelezen {
    kop: leerrecht_app::api::JongereKop,
    inschrijvingen: Vec<leerrecht_domain::person::Inschrijving>,
    verzuim: Option<Vec<VerzuimRegel>>,
    verzuim_zonder_doel: bool,
    signalen: Option<Vec<leerrecht_store::SignaalRij>>,
    meldingen: Option<Vec<leerrecht_store::MeldingStaat>>,
    registraties: Option<Vec<leerrecht_domain::thuiszitters::Registratie>>,
    klok: Option<leerrecht_domain::thuiszitters::Klok>,
    zaken: Option<Vec<leerrecht_app::api::ZaakMetEvents>>,
    inzage: Option<Vec<leerrecht_app::toegang::audit::AuditRegel>>,
    organisaties: Vec<leerrecht_domain::org::Organisatie>,
    /// Every organisation's name by its code: schools and gemeenten by name on the page.
    namen: std::collections::HashMap<String, String>,
    notities: Option<Vec<leerrecht_store::access::NotitieRij>>,
    verzorgers: Vec<leerrecht_domain::verzorger::Verzorger>,
    zaaknotities: Vec<leerrecht_store::Zaaknotitie>,
    brieven: Vec<leerrecht_store::Brief>,
    vandaag: NaiveDate,
}

pub async fn dossier(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(id): Path<String>,
    Query(q): Query<Jaarvraag>,
) -> Result<Response, Fout> {
    let g = lees(&s, &b, id.clone()).await?;
    Ok(html(pagina(&b, id, g, q, None)))
}

/// Reads the whole file in one gated read (one audit entry for the page).
async fn lees(s: &AppState, b: &Bezoeker, id: String) -> Result<Gelezen, Fout> {
    let (actor, regels) = (b.actor.clone(), s.cfg().escalatie);
    doe(s, b.taal, move |app| {
        let vandaag = app.now().date_naive();
        // Seven school years back: enough for the heat map of any year the demo holds.
        let van = SchoolYear::containing(vandaag).first_day() - Duration::days(7 * 366);
        let d = app.dossier(&actor, &id, van, &regels)?;
        let (kop, inschrijvingen, verzuim, verzuim_zonder_doel) =
            (d.kop, d.inschrijvingen, d.verzuim, d.verzuim_zonder_doel);
        let (signalen, meldingen, registraties, klok) =
            (d.signalen, d.meldingen, d.registraties, d.klok);
        let (zaken, inzage, notities, verzorgers) = (d.zaken, d.inzage, d.notities, d.verzorgers);
        let (zaaknotities, brieven) = (d.zaaknotities, d.brieven);
        // The partners one may add to a case, for the reader who adds them.
        let organisaties = match actor.rol() {
            Some(r) if rol_mag(r, Gebruik::PartnerToevoegen) && zaken.is_some() => {
                app.organisaties(&actor)?
            }
            _ => Vec::new(),
        };
        let namen = app
            .organisaties(&actor)?
            .into_iter()
            .map(|o| (o.code.as_str().to_string(), o.naam))
            .collect();
        Ok(Gelezen {
            namen,
            notities,
            zaaknotities,
            brieven,
            verzorgers,
            kop,
            inschrijvingen,
            verzuim,
            verzuim_zonder_doel,
            signalen,
            meldingen,
            registraties,
            klok,
            zaken,
            inzage,
            organisaties,
            vandaag,
        })
    })
    .await
}

fn pagina(
    b: &Bezoeker,
    id: String,
    g: Gelezen,
    q: Jaarvraag,
    fout: Option<String>,
) -> Dossierpagina {
    let taal = b.taal;
    let rol = b.rol();
    let mag = |u: Gebruik| rol.is_some_and(|r| rol_mag(r, u));
    let j = &g.kop.kop.jongere;
    let naam = format!("{} {}", j.voornamen, j.achternaam);
    // An organisation, school or gemeente by its name; a code without one stays a code.
    let org = |c: &str| g.namen.get(c).cloned().unwrap_or_else(|| c.to_string());
    // The codes of organisations in a text (a case event) by their names.
    let met_namen = |t: &str| {
        t.split(' ')
            .map(|w| {
                let kern = w.trim_end_matches([',', ')', ':', ';']);
                match g.namen.get(kern) {
                    Some(n) => format!("{n}{}", &w[kern.len()..]),
                    None => w.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The school year shown: asked for, else this one, else the latest with absence.
    let mut jaar = q
        .jaar
        .as_deref()
        .and_then(|j| SchoolYear::from_str(j).ok())
        .unwrap_or_else(|| SchoolYear::containing(g.vandaag));
    if q.jaar.is_none() {
        if let Some(rows) = &g.verzuim {
            if !rows.iter().any(|r| jaar.contains(r.datum)) {
                if let Some(last) = rows.iter().map(|r| r.datum).max() {
                    jaar = SchoolYear::containing(last);
                }
            }
        }
    }
    let start = jaar.first_day().year();
    let vorig = Some(format!("{}-{}", start - 1, start));
    let volgend = (start < SchoolYear::containing(g.vandaag).first_day().year())
        .then(|| format!("{}-{}", start + 1, start + 2));
    let verzuim = g.verzuim.as_ref().map(|rows| {
        let rows: Vec<&VerzuimRegel> = rows.iter().filter(|r| jaar.contains(r.datum)).collect();
        (heatmap(&rows, jaar, taal, &naam), maanden(&rows, taal))
    });
    let mut aanbod = Vec::new();
    let mut overleggen = Vec::new();
    let mut vrijstellingen = Vec::new();
    let mut escalaties = Vec::new();
    let zaken =
        g.zaken.as_ref().map(|zs| {
            zs.iter()
                .map(|z| {
                    // The case's state is the domain's fold of its events: offers with their
                    // start (also when it was recorded later), meetings, exemptions, escalations.
                    let st = ZaakStaat::fold(z.events.iter().map(|e| &e.gebeurtenis));
                    aanbod.extend(st.aanbod.iter().map(|a| {
                        (
                            taal.s(a.aanbod.code()).to_string(),
                            a.aanbieder.clone(),
                            taal.datum_kort(&a.aangeboden),
                            a.gestart.map(|d| taal.datum_kort(&d)).unwrap_or_default(),
                        )
                    }));
                    overleggen.extend(st.overleggen.iter().map(
                        |(team, datum, besluiten, vervolg)| {
                            (
                                taal.datum_kort(datum),
                                match team {
                                    Team::Kernteam => "kernteam".to_string(),
                                    Team::Jeugdteam => "jeugdteam".to_string(),
                                },
                                besluiten.clone(),
                                vervolg.clone(),
                            )
                        },
                    ));
                    vrijstellingen.extend(st.vrijstellingen.iter().map(|v| {
                        (
                            v.artikel.label().to_string(),
                            v.reden.clone(),
                            taal.datum_kort(&v.van),
                            v.tot.map(|d| taal.datum_kort(&d)).unwrap_or_default(),
                            v.gemarkeerd,
                        )
                    }));
                    escalaties.extend(st.escalaties.iter().map(|(niveau, datum, geinformeerd)| {
                        (
                            woorden::woord(taal, woorden::niveau(niveau.code()), niveau.code()),
                            taal.datum_kort(datum),
                            geinformeerd.join(", "),
                        )
                    }));
                    let mut gebeurtenissen = Vec::new();
                    for e in &z.events {
                        gebeurtenissen.push(Gebeurtenisregel {
                            datum: taal.datum_kort(&e.gebeurtenis.datum()),
                            wat: woorden::datums(taal, &met_namen(&e.gebeurtenis.omschrijving())),
                            wie: woorden::auteur(taal, &e.wie),
                        });
                    }
                    Zaakview {
                        id: z.rij.id,
                        soort: taal.s(z.rij.soort.code()),
                        organisatie: org(&z.rij.organisatie),
                        geopend: taal.datum_kort(&z.rij.geopend),
                        gesloten: z.rij.gesloten.map(|d| taal.datum_kort(&d)),
                        gebeurtenissen,
                        partners: st
                            .partners
                            .iter()
                            .map(|(o, c)| {
                                let label = match c {
                                    Some(c) => format!("{} ({c})", org(o)),
                                    None => org(o),
                                };
                                (o.clone(), label)
                            })
                            .collect(),
                    }
                })
                .collect()
        });
    let zw = zaakwerk(
        &g,
        taal,
        mag(Gebruik::ZaakSluiten),
        mag(Gebruik::MedischSchrijven),
    );
    let eigen_school = match &b.actor {
        leerrecht_app::Actor::Gebruiker(g) if g.rol == leerrecht_domain::org::Rol::School => {
            g.organisatie.clone()
        }
        _ => String::new(),
    };
    let mut k = b
        .kader(&naam, "")
        .kruimel("/zoeken", taal.s("Zoeken"))
        .kruimel(&format!("/jongeren/{id}"), &naam);
    if q.ok.is_some() {
        k.melding = Some(taal.s("Vastgelegd."));
    }
    Dossierpagina {
        k,
        fout,
        naam: naam.clone(),
        geboortedatum: taal.datum(&j.geboortedatum),
        nummer: match (j.bsn(), j.onderwijsnummer()) {
            (Some(b), _) => format!("BSN {:09}", b.value()),
            (None, Some(o)) => format!("{} {:09}", taal.s("onderwijsnummer"), o.value()),
            _ => String::new(),
        },
        leeftijd: g.kop.kop.leeftijd,
        plicht: taal.s(g.kop.kop.plicht.code()),
        gemeente: org(j.gemeente.as_str()),
        scholen: g
            .kop
            .kop
            .scholen
            .iter()
            .map(|s| org(s))
            .collect::<Vec<_>>()
            .join(", "),
        noodtoegang: g.kop.noodtoegang,
        verzorgers: g
            .verzorgers
            .iter()
            .map(|v| {
                [
                    v.naam.clone(),
                    taal.s(relatie_woord(v.relatie)).to_string(),
                    v.adres.to_string(),
                    v.telefoon.clone().unwrap_or_default(),
                    v.email.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        inschrijvingen: g
            .inschrijvingen
            .iter()
            .map(|i| {
                (
                    org(i.school.as_str()),
                    i.sector.code().to_string(),
                    taal.datum_kort(&i.begindatum()),
                    i.einddatum()
                        .map(|d| taal.datum_kort(&d))
                        .unwrap_or_default(),
                )
            })
            .collect(),
        jaar: jaar.to_string(),
        vorig,
        volgend,
        verzuim,
        verzuim_zonder_doel: g.verzuim_zonder_doel,
        soorten: SOORTEN.iter().map(|s| taal.s(s)).collect(),
        signalen: g.signalen.as_ref().map(|ss| {
            ss.iter()
                .rev()
                .map(|s| {
                    (
                        taal.datum_kort(&s.datum),
                        woorden::woord(taal, woorden::regel(&s.regel), &s.regel),
                        org(s.school.as_str()),
                    )
                })
                .collect()
        }),
        meldingen: g.meldingen.as_ref().map(|ms| {
            ms.iter()
                .rev()
                .map(|m| Melding {
                    id: m.id,
                    soort: woorden::woord(
                        taal,
                        woorden::meldingsoort(&m.verzuimsoort),
                        &m.verzuimsoort,
                    ),
                    school: org(m.school.as_str()),
                    begindatum: taal.datum_kort(&m.begindatum),
                    status: {
                        let st = woorden::woord(taal, woorden::status(&m.status), &m.status);
                        match &m.afsluitreden {
                            Some(r) => format!(
                                "{st} ({})",
                                woorden::woord(taal, woorden::afsluitreden(r), r)
                            ),
                            None => st,
                        }
                    },
                    status_code: m.status.clone(),
                    uren: m.uren.map(|u| u.to_string()).unwrap_or_default(),
                    concept: m.status == "concept",
                    open: matches!(m.status.as_str(), "geregistreerd" | "in_behandeling"),
                    intrekbaar: matches!(m.status.as_str(), "concept" | "geregistreerd"),
                    toelichting: m.toelichting.clone().unwrap_or_default(),
                })
                .collect()
        }),
        registraties: g.registraties.as_ref().map(|rs| {
            rs.iter()
                .rev()
                .map(|r| {
                    (
                        super::tekst::kort(taal.s(r.categorie.label())),
                        taal.s(r.oorzaak.label()),
                        taal.datum_kort(&r.van()),
                        r.tot().map(|d| taal.datum_kort(&d)).unwrap_or_default(),
                    )
                })
                .collect()
        }),
        klok: g.klok.as_ref().map(|k| {
            (
                taal.datum(&k.begin),
                taal.datum(&k.termijn),
                k.dagen_te_laat,
                k.aanbod
                    .map(|a| (taal.datum(&a), (a - k.termijn).num_days().max(0))),
            )
        }),
        huidige_registratie: g.registraties.as_ref().and_then(|rs| {
            rs.iter()
                .filter(|r| r.van() <= g.vandaag && r.tot().is_none_or(|t| t >= g.vandaag))
                .max_by_key(|r| r.van())
                .map(|r| (r.categorie.code(), r.oorzaak.code()))
        }),
        zaken,
        aanbod,
        overleggen,
        vrijstellingen,
        escalaties,
        inzage: g.inzage.as_ref().map(|rs| inzage_per_wie(rs, taal, &org)),
        mag_melden: mag(Gebruik::MeldingIndienen) && !eigen_school.is_empty(),
        mag_behandelen: mag(Gebruik::MeldingBehandelen),
        mag_registreren: mag(Gebruik::RegistratiesWijzigen),
        mag_zaak: mag(Gebruik::ZaakWijzigen),
        mag_partner: mag(Gebruik::PartnerToevoegen),
        mag_verzorgers: mag(Gebruik::VerzorgersWijzigen),
        partnerorganisaties: g
            .organisaties
            .iter()
            .filter(|o| PARTNERSOORTEN.contains(&o.soort))
            .map(|o| (o.code.as_str().to_string(), o.naam.clone()))
            .collect(),
        vandaag: taal.datum_kort(&g.vandaag),
        categorieen: Categorie::ALL
            .into_iter()
            .map(|c| (c.code(), taal.s(c.label())))
            .collect(),
        oorzaken: Oorzaak::ALL
            .into_iter()
            .map(|o| (o.code(), taal.s(o.label())))
            .collect(),
        aanbodsoorten: AanbodType::ALL
            .into_iter()
            .map(|a| (a.code(), taal.s(a.code())))
            .collect(),
        artikelen: Artikel::ALL
            .into_iter()
            .map(|a| (a.code(), a.label()))
            .collect(),
        deskundigen: Deskundige::ALL.into_iter().map(Deskundige::code).collect(),
        verzorgervelden: [
            ("naam", "Naam", false),
            ("relatie", "Relatie", false),
            ("straat", "Straat", false),
            ("huisnummer", "Huisnummer", true),
            ("postcode", "Postcode", true),
            ("woonplaats", "Woonplaats", false),
            ("telefoon", "Telefoon", false),
            ("email", "E-mail", false),
        ],
        relaties: leerrecht_domain::verzorger::Relatie::ALL
            .into_iter()
            .map(|r| r.code())
            .collect(),
        intrekredenen: leerrecht_app::zaken::meldingen::INTREKREDENEN
            .iter()
            .map(|r| (*r, intrekreden_label(r)))
            .collect(),
        verzuimsoorten: ["16uur", "luxe", "beginnend", "signaal", "langdurig"]
            .into_iter()
            .map(|c| (c, woorden::woord(taal, woorden::meldingsoort(c), c)))
            .collect(),
        afsluitredenen: leerrecht_app::zaken::meldingen::AFSLUITREDENEN
            .into_iter()
            .map(|c| (c, woorden::woord(taal, woorden::afsluitreden(c), c)))
            .collect(),
        statussen: ["in_behandeling", "ter_kennisgeving", "afgesloten"]
            .into_iter()
            .map(|c| (c, woorden::woord(taal, woorden::status(c), c)))
            .collect(),
        zw,
        id,
        iv: Invoer::default(),
    }
}

impl Dossierpagina {
    /// The form that withdraws melding `melding`, and the one that adds a partner to case
    /// `zaak`, by their ids in the page.
    fn intrekformulier(&self, melding: &i64) -> String {
        intrekformulier(*melding)
    }
    fn partnerformulier(&self, zaak: &i64) -> String {
        partnerformulier(*zaak)
    }
    fn statusformulier(&self, melding: &i64) -> String {
        statusformulier(*melding)
    }

    /// Whether the registration form's choice `code` of `veld` (`categorie`, `oorzaak`) is
    /// selected: as sent when the form was refused, else the registration that holds today.
    fn registratie_gekozen(&self, veld: &str, code: &str) -> bool {
        let huidig = self.huidige_registratie.is_some_and(|(c, o)| match veld {
            "categorie" => c == code,
            _ => o == code,
        });
        self.iv.gekozen("registratie-form", veld, code, huidig)
    }
}

/// The joint plans, the parents' involvement, the open and closed cases and the medical
/// notes, as the page shows them.
fn zaakwerk(g: &Gelezen, taal: Taal, mag_sluiten: bool, mag_notitie: bool) -> Zaakwerk {
    let mut zw = Zaakwerk {
        plannen: Vec::new(),
        ouders: Vec::new(),
        open_zaken: Vec::new(),
        gesloten: Vec::new(),
        mag_sluiten,
        sluitredenen: Sluitreden::ALL
            .into_iter()
            .map(|r| (r.code(), taal.s(r.label())))
            .collect(),
        notities: g.notities.as_ref().map(|ns| {
            ns.iter()
                .rev()
                .map(|n| {
                    (
                        n.tijd.format("%d-%m-%Y %H:%M").to_string(),
                        n.organisatie.clone(),
                        n.tekst.clone(),
                    )
                })
                .collect()
        }),
        mag_notitie,
        zaaknotities: g
            .zaaknotities
            .iter()
            .rev()
            .map(|n| Zaaknotitieregel {
                zaak: n.zaak,
                datum: taal.datum_kort(&n.datum),
                soort: taal.s(n.soort.label()),
                vertrouwelijk: n.niveau == Vertrouwelijkheid::Leerplicht,
                tekst: n.tekst.clone(),
                wie: woorden::auteur(taal, &n.wie),
            })
            .collect(),
        alle_zaken: Vec::new(),
        notitiesoorten: NotitieSoort::ALL
            .into_iter()
            .map(|s| (s.code(), taal.s(s.label())))
            .collect(),
        niveaus: Vertrouwelijkheid::ALL
            .into_iter()
            .map(|v| (v.code(), taal.s(v.label())))
            .collect(),
        brieven: g
            .brieven
            .iter()
            .rev()
            .map(|b| Briefregel {
                id: b.id,
                zaak: b.zaak,
                tijd: b
                    .tijd
                    .with_timezone(&chrono::Local)
                    .format("%d-%m-%Y %H:%M")
                    .to_string(),
                soort: b
                    .sjabloon
                    .parse::<Sjabloon>()
                    .map_or_else(|_| b.sjabloon.clone(), |s| taal.s(s.label()).to_string()),
                aan: b.aan.clone(),
                wie: woorden::auteur(taal, &b.wie),
            })
            .collect(),
        sjablonen: Sjabloon::ALL
            .into_iter()
            .map(|s| (s.code(), taal.s(s.label())))
            .collect(),
        handhaving: Vec::new(),
        verzuimzaken: Vec::new(),
        stappen: leerrecht_app::zaken::handhaving::STAPPEN
            .into_iter()
            .map(|(c, l)| (c, taal.s(l)))
            .collect(),
        contactpogingen: Vec::new(),
        rmczaken: Vec::new(),
        rmc_openen: false,
        wijzen: Contactwijze::ALL
            .into_iter()
            .map(|w| (w.code(), taal.s(w.label())))
            .collect(),
    };
    zw.rmc_openen = (18..=22).contains(&g.kop.kop.leeftijd)
        && !g
            .zaken
            .iter()
            .flatten()
            .any(|z| z.rij.soort == ZaakSoort::Rmc && z.rij.gesloten.is_none());
    // The open cases first: a note is mostly on the case at hand.
    let mut alle: Vec<_> = g.zaken.iter().flatten().map(|z| &z.rij).collect();
    alle.sort_by_key(|r| (r.gesloten.is_some(), std::cmp::Reverse(r.id)));
    zw.alle_zaken = alle
        .into_iter()
        .map(|r| {
            let label = format!(
                "{} {}: {}, {} {}",
                taal.s("Zaak"),
                r.id,
                taal.s(r.soort.code()),
                taal.s("geopend"),
                taal.datum_kort(&r.geopend)
            );
            (r.id, label)
        })
        .collect();
    for z in g.zaken.iter().flatten() {
        let st = ZaakStaat::fold(z.events.iter().map(|e| &e.gebeurtenis));
        let id = z.rij.id;
        if z.rij.soort == ZaakSoort::Verzuim && st.gesloten.is_none() {
            zw.verzuimzaken.push((
                id,
                format!(
                    "{} {id}: {}, {} {}",
                    taal.s("Zaak"),
                    taal.s(z.rij.soort.code()),
                    taal.s("geopend"),
                    taal.datum_kort(&z.rij.geopend)
                ),
            ));
        }
        if z.rij.soort == ZaakSoort::Rmc && st.gesloten.is_none() {
            zw.rmczaken.push((
                id,
                format!(
                    "{} {id}: {}, {} {}",
                    taal.s("Zaak"),
                    taal.s(z.rij.soort.code()),
                    taal.s("geopend"),
                    taal.datum_kort(&z.rij.geopend)
                ),
            ));
        }
        for (d, wijze, bereikt) in &st.contactpogingen {
            zw.contactpogingen.push((
                id,
                taal.datum_kort(d),
                taal.s(wijze.label()).to_string(),
                taal.s(if *bereikt { "bereikt" } else { "niet bereikt" })
                    .to_string(),
            ));
        }
        for (d, uitkomst) in &st.halt {
            zw.handhaving.push((
                id,
                taal.s("Verwezen naar HALT").to_string(),
                taal.datum_kort(d),
                match uitkomst {
                    Some((u, true)) => format!("{} {}", taal.s("afgerond op"), taal.datum_kort(u)),
                    Some((u, false)) => {
                        format!("{} {}", taal.s("niet afgerond op"), taal.datum_kort(u))
                    }
                    None => String::new(),
                },
            ));
        }
        for p in &st.processen_verbaal {
            zw.handhaving.push((
                id,
                format!(
                    "{}, {}",
                    taal.s("Proces-verbaal"),
                    taal.s(p.artikel.label())
                ),
                taal.datum_kort(&p.datum),
                match &p.uitspraak {
                    Some((u, b, sanctie)) => {
                        let s = format!("{} ({})", taal.s(b.label()), taal.datum_kort(u));
                        match sanctie.trim() {
                            "" => s,
                            t => format!("{s}: {t}"),
                        }
                    }
                    None => String::new(),
                },
            ));
        }
        if let Some((onderwijs, zorg, jeugdhulp, omschrijving)) = &st.plan {
            let delen: Vec<&str> = [
                (*onderwijs, "onderwijs"),
                (*zorg, "zorg"),
                (*jeugdhulp, "jeugdhulp"),
            ]
            .into_iter()
            .filter(|(aan, _)| *aan)
            .map(|(_, d)| taal.s(d))
            .collect();
            let datum = z
                .events
                .iter()
                .rev()
                .find_map(|e| match &e.gebeurtenis {
                    Gebeurtenis::Plan { datum, .. } => Some(taal.datum_kort(datum)),
                    _ => None,
                })
                .unwrap_or_default();
            zw.plannen
                .push((id, delen.join(", "), omschrijving.clone(), datum));
        }
        zw.ouders.extend(
            st.ouders
                .iter()
                .map(|(d, hoe)| (id, taal.datum_kort(d), hoe.clone())),
        );
        match &st.gesloten {
            None => zw.open_zaken.push((
                id,
                format!(
                    "{} {id}: {}, {} {}",
                    taal.s("Zaak"),
                    taal.s(z.rij.soort.code()),
                    taal.s("geopend"),
                    taal.datum_kort(&z.rij.geopend)
                ),
            )),
            Some((d, uitkomst)) => zw.gesloten.push((
                id,
                taal.datum_kort(d),
                st.sluitreden
                    .map(|r| taal.s(r.label()).to_string())
                    .unwrap_or_else(|| "–".into()),
                uitkomst.clone(),
            )),
        }
    }
    zw
}

/// The colour of a day: by its most serious kind of absence, darker with more minutes.
fn kleur(soort: &str, minuten: u32) -> &'static str {
    let sterk = minuten >= 240;
    match soort {
        "ongeoorloofd" | "luxe" if sterk => "#8b1a1a",
        "ongeoorloofd" | "luxe" => "#d9534f",
        "te_laat" => "#b35900",
        "ziek" if sterk => "#154273",
        "ziek" => "#5b8ac4",
        _ => "#7a7a7a",
    }
}

/// The school year as a calendar heat map: a column per week, a row per school day.
fn heatmap(rows: &[&VerzuimRegel], jaar: SchoolYear, taal: Taal, naam: &str) -> String {
    let mut dag: BTreeMap<NaiveDate, (u32, &str)> = BTreeMap::new();
    let rang = |s: &str| SOORTEN.iter().position(|x| *x == s).unwrap_or(9);
    for r in rows {
        let e = dag.entry(r.datum).or_insert((0, r.soort.as_str()));
        e.0 += r.minuten.max(if r.hele_dag { 300 } else { 0 });
        if rang(&r.soort) < rang(e.1) {
            e.1 = r.soort.as_str();
        }
    }
    let eerste = jaar.first_day();
    let maandag = eerste - Duration::days(eerste.weekday().num_days_from_monday() as i64);
    let weken = ((jaar.last_day() - maandag).num_days() / 7 + 1) as usize;
    let (cel, links, boven) = (13usize, 30usize, 18usize);
    let (w, h) = (links + weken * cel + 4, boven + 5 * cel + 4);
    let titel = format!("{} {jaar}: {naam}", taal.s("Verzuim in schooljaar"));
    let mut s = String::with_capacity(8 * 1024);
    let _ = write!(
        s,
        "<svg class=\"heatmap\" role=\"img\" aria-labelledby=\"heatmap-titel\" viewBox=\"0 0 {w} {h}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title id=\"heatmap-titel\">{}</title>",
        esc(&titel)
    );
    for (i, d) in ["ma", "di", "wo", "do", "vr"].iter().enumerate() {
        let d = if taal == Taal::En {
            ["Mon", "Tue", "Wed", "Thu", "Fri"][i]
        } else {
            d
        };
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\" font-size=\"9\">{d}</text>",
            boven + i * cel + 10
        );
    }
    let mut maand = 0;
    for wk in 0..weken {
        let x = links + wk * cel;
        for wd in 0..5 {
            let d = maandag + Duration::days((wk * 7 + wd) as i64);
            if !jaar.contains(d) {
                continue;
            }
            if (wd == 0 || d == eerste) && d.month() != maand {
                maand = d.month();
                let _ = write!(
                    s,
                    "<text x=\"{x}\" y=\"11\" font-size=\"9\">{}</text>",
                    &taal.maand(d.month0() as usize)[..3]
                );
            }
            let y = boven + wd * cel;
            match dag.get(&d) {
                Some((min, soort)) => {
                    let _ = write!(
                        s,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"11\" height=\"11\" fill=\"{}\"><title>{}: {} min {}</title></rect>",
                        kleur(soort, *min),
                        taal.datum(&d),
                        min,
                        taal.s(SOORTEN.iter().find(|x| **x == *soort).copied().unwrap_or("geoorloofd"))
                    );
                }
                None => {
                    let _ = write!(
                        s,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"11\" height=\"11\" fill=\"#eeeeee\"/>"
                    );
                }
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// The minutes of each kind per month: the heat map's figures as a table.
fn maanden(rows: &[&VerzuimRegel], taal: Taal) -> Vec<Maandrij> {
    let mut per: BTreeMap<(i32, u32), [u32; 5]> = BTreeMap::new();
    for r in rows {
        let i = SOORTEN.iter().position(|x| *x == r.soort).unwrap_or(4);
        per.entry((r.datum.year(), r.datum.month())).or_default()[i] += r.minuten;
    }
    per.into_iter()
        .map(|((y, m), v)| Maandrij {
            maand: format!("{} {y}", taal.maand(m as usize - 1)),
            minuten: v.iter().map(|n| taal.getal(*n as i64)).collect(),
        })
        .collect()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Resolves the person, runs a write and goes back to the file.
async fn schrijf<F>(s: &AppState, b: &Bezoeker, id: String, f: F) -> Result<Response, Fout>
where
    F: FnOnce(&App, &leerrecht_app::Actor, LeerlingId) -> leerrecht_app::Result<()>
        + Send
        + 'static,
{
    let r = schrijven(s, b, id.clone(), f).await;
    herstel(s, b, id, r).await
}

/// Resolves the person and runs a write; a refusal is left to the caller.
async fn schrijven<F>(s: &AppState, b: &Bezoeker, id: String, f: F) -> Result<Response, Fout>
where
    F: FnOnce(&App, &leerrecht_app::Actor, LeerlingId) -> leerrecht_app::Result<()>
        + Send
        + 'static,
{
    let actor = b.actor.clone();
    let pid = id.clone();
    doe(s, b.taal, move |app| {
        let l = app.leerling_van_id(&actor, &pid)?;
        f(app, &actor, l)
    })
    .await?;
    Ok(terug_naar(&format!("/jongeren/{id}?ok=1")))
}

/// A write to the person's file, made from a form that has been read.
type Schrijving =
    Box<dyn FnOnce(&App, &leerrecht_app::Actor, LeerlingId) -> leerrecht_app::Result<()> + Send>;

/// Boxes a write; the bound gives the closure its signature.
fn schrijving<F>(f: F) -> Result<Schrijving, Weigering>
where
    F: FnOnce(&App, &leerrecht_app::Actor, LeerlingId) -> leerrecht_app::Result<()>
        + Send
        + 'static,
{
    Ok(Box::new(f))
}

/// One of the file's forms, the same steps for each: the form `formulier` is read from the
/// body (with its session's token), `lees` checks it and makes the write, the write runs for
/// the person, and a refusal shows the file again (see `bewaar`).
async fn verwerk<T, L>(
    s: &AppState,
    b: &Bezoeker,
    id: String,
    body: &[u8],
    formulier: &str,
    velden: &[&str],
    lees: L,
) -> Result<Response, Fout>
where
    T: DeserializeOwned,
    L: FnOnce(T, &Bezoeker) -> Result<Schrijving, Weigering>,
{
    let r = async {
        let f: T = b.formulier(body)?;
        let w = lees(f, b)?;
        Ok(schrijven(s, b, id.clone(), w).await?)
    }
    .await;
    bewaar(s, b, id, formulier, velden, body, r).await
}

/// A route of one of the file's forms: its name (with the number in its address, if any), the
/// form's id on the page, the fields a refusal may name, and the reader that checks the form
/// and makes its write.
macro_rules! formulier_route {
    ($(#[$m:meta])* $naam:ident, $formulier:expr, [$($veld:literal),* $(,)?] => $lees:path) => {
        $(#[$m])*
        pub async fn $naam(
            State(s): State<AppState>,
            b: Bezoeker,
            Path(id): Path<String>,
            body: Bytes,
        ) -> Result<Response, Fout> {
            verwerk(&s, &b, id, &body, $formulier, &[$($veld),*], $lees).await
        }
    };
    (
        $(#[$m:meta])* $naam:ident($nr:ident), $formulier:expr,
        [$($veld:literal),* $(,)?] => $lees:path
    ) => {
        $(#[$m])*
        pub async fn $naam(
            State(s): State<AppState>,
            b: Bezoeker,
            Path((id, $nr)): Path<(String, i64)>,
            body: Bytes,
        ) -> Result<Response, Fout> {
            let formulier = $formulier;
            verwerk(&s, &b, id, &body, &formulier, &[$($veld),*], move |f, b| {
                $lees(f, b, $nr)
            })
            .await
        }
    };
}

/// A form refused for its input shows the file again, with the reason above it.
async fn herstel(
    s: &AppState,
    b: &Bezoeker,
    id: String,
    r: Result<Response, Fout>,
) -> Result<Response, Fout> {
    match r {
        Err(Fout::Ongeldig(_, m)) => weer_met_fout(s, b, id, m).await,
        r => r,
    }
}

/// The file with the reason a form was refused (422).
async fn weer_met_fout(
    s: &AppState,
    b: &Bezoeker,
    id: String,
    m: String,
) -> Result<Response, Fout> {
    let g = lees(s, b, id.clone()).await?;
    let p = pagina(b, id, g, Jaarvraag::default(), Some(m));
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(p)).into_response())
}

/// Why one of the file's forms did not go through: its input, refused next to a field, or
/// any other failure of the request.
enum Weigering {
    Invoer(Afwijzing),
    Fout(Fout),
}

impl From<Fout> for Weigering {
    fn from(f: Fout) -> Weigering {
        Weigering::Fout(f)
    }
}

impl From<Afwijzing> for Weigering {
    fn from(a: Afwijzing) -> Weigering {
        Weigering::Invoer(a)
    }
}

/// The outcome of one of the file's forms: done, or refused for its input and then the file
/// again (422) with the form `formulier` as it was typed, the reason next to its field
/// (`velden`: the form's fields a use case's refusal may name) or above the form.
async fn bewaar(
    s: &AppState,
    b: &Bezoeker,
    id: String,
    formulier: &str,
    velden: &[&str],
    body: &[u8],
    r: Result<Response, Weigering>,
) -> Result<Response, Fout> {
    let invoer = match r {
        Ok(r) => return Ok(r),
        Err(Weigering::Fout(Fout::Ongeldig(_, m))) => {
            // What was sent is shown again only to the session that sent it.
            b.formulier::<serde::de::IgnoredAny>(body)?;
            Invoer::van_melding(b.taal, formulier, body, velden, m)
        }
        Err(Weigering::Fout(e)) => return Err(e),
        Err(Weigering::Invoer(a)) => Invoer::van(formulier, body, a.veld, a.reden),
    };
    let g = lees(s, b, id.clone()).await?;
    let mut p = pagina(b, id, g, Jaarvraag::default(), invoer.boven());
    p.iv = invoer;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(p)).into_response())
}

fn ongeldig(b: &Bezoeker, m: String) -> Fout {
    Fout::Ongeldig(b.taal, m)
}

#[derive(Deserialize)]
pub struct MeldingForm {
    verzuimsoort: String,
    begindatum: String,
    #[serde(default)]
    einddatum: String,
    #[serde(default)]
    uren: String,
    #[serde(default)]
    dagen: String,
    #[serde(default)]
    reden: String,
    #[serde(default)]
    ondernomen: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    actie_gewenst: Option<String>,
    #[serde(default)]
    hele_lessen: Option<String>,
}

fn tekst(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

formulier_route! {
    melding_indienen, "melding-form",
    [
        "verzuimsoort",
        "begindatum",
        "uren",
        "dagen",
        "reden",
        "ondernomen",
        "contact",
    ] => melding_indienen_lezen
}

fn melding_indienen_lezen(f: MeldingForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let school = match &b.actor {
        leerrecht_app::Actor::Gebruiker(g) => g.organisatie.clone(),
        _ => return Err(Fout::Verboden(taal).into()),
    };
    let soort: &'static str = ["16uur", "luxe", "beginnend", "signaal", "langdurig"]
        .into_iter()
        .find(|s| *s == f.verzuimsoort)
        .ok_or_else(|| Afwijzing::bij("verzuimsoort", taal.s("kies een soort melding")))?;
    let begindatum = invoer::datum(taal, "begindatum", &f.begindatum)?;
    let einddatum = invoer::opt_datum(taal, "einddatum", &f.einddatum)?;
    let uren = invoer::getal(taal, "uren", &f.uren)?;
    let dagen = invoer::getal(taal, "dagen", &f.dagen)?;
    let reden = invoer::vrij(taal, "reden", &f.reden)?;
    let ondernomen = invoer::vrij(taal, "ondernomen", &f.ondernomen)?;
    let contact = invoer::vrij(taal, "contact", &f.contact)?;
    let school = SchoolCode::from_str(&school).map_err(|e| ongeldig(b, e.to_string()))?;
    let gegevens = MeldingGegevens {
        einddatum,
        hele_lessen: Some(f.hele_lessen.is_some()),
        reden: tekst(&reden),
        ondernomen: tekst(&ondernomen),
        actie_gewenst: Some(f.actie_gewenst.is_some()),
        contact: tekst(&contact),
    };
    schrijving(move |app, a, l| {
        app.melding_indienen(
            a,
            MeldingRij {
                leerling: l,
                school,
                begindatum,
                verzuimsoort: soort,
                uren,
                dagen,
                gegevens,
            },
        )
        .map(|_| ())
    })
}

pub async fn melding_bevestigen(
    State(s): State<AppState>,
    b: Bezoeker,
    Path((id, melding)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, Fout> {
    b.formulier::<serde::de::IgnoredAny>(&body)?;
    schrijf(&s, &b, id, move |app, a, _| {
        app.melding_bevestigen(a, melding).map(|_| ())
    })
    .await
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    #[serde(default)]
    afsluitreden: String,
}

formulier_route! {
    melding_status(melding), statusformulier(melding),
    ["status", "afsluitreden"] => melding_status_lezen
}

/// The form that gives one melding a new status.
fn statusformulier(melding: i64) -> String {
    format!("status-form-{melding}")
}

fn melding_status_lezen(
    f: StatusForm,
    b: &Bezoeker,
    melding: i64,
) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let reden = tekst(&f.afsluitreden);
    // Closing asks a reason, and only closing takes one: answered at the reason's field.
    match (f.status.as_str(), &reden) {
        ("afgesloten", None) => {
            return Err(Afwijzing::bij("afsluitreden", taal.s("kies een afsluitreden")).into())
        }
        (s, Some(_)) if s != "afgesloten" => {
            return Err(Afwijzing::bij(
                "afsluitreden",
                taal.s("een afsluitreden hoort alleen bij afgesloten"),
            )
            .into())
        }
        _ => {}
    }
    schrijving(move |app, a, _| app.melding_status(a, melding, &f.status, reden.as_deref()))
}

/// The words for a withdrawal reason (docs/domain.md §7).
fn intrekreden_label(code: &str) -> &'static str {
    match code {
        "achteraf_geoorloofd" => "Achteraf geoorloofd",
        "ziek_achteraf_gemeld" => "Ziek, achteraf gemeld",
        "administratieve_fout" => "Administratieve fout",
        _ => "Andere reden",
    }
}

#[derive(Deserialize)]
pub struct IntrekForm {
    #[serde(default)]
    reden: String,
    #[serde(default)]
    toelichting: String,
}

formulier_route! {
    /// The school withdraws a melding it has not seen handled, with a reason from the list and
    /// its own words; audited like every change.
    melding_intrekken(melding), intrekformulier(melding),
    ["reden", "toelichting"] => melding_intrekken_lezen
}

/// The form that withdraws one melding.
fn intrekformulier(melding: i64) -> String {
    format!("intrek-form-{melding}")
}

fn melding_intrekken_lezen(
    f: IntrekForm,
    b: &Bezoeker,
    melding: i64,
) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    // Which reasons there are is the use case's to say; an empty choice is answered here.
    let reden = tekst(&f.reden).ok_or_else(|| Afwijzing::bij("reden", taal.s("kies een reden")))?;
    let toelichting = tekst(&invoer::vrij(taal, "toelichting", &f.toelichting)?);
    schrijving(move |app, a, _| {
        app.melding_status_met(
            a,
            melding,
            "ingetrokken",
            Some(&reden),
            toelichting.as_deref(),
        )
    })
}

#[derive(Deserialize)]
pub struct RegistratieForm {
    #[serde(default)]
    categorie: String,
    #[serde(default)]
    oorzaak: String,
    per: String,
    /// Ending the registration is its own form, with a box to tick.
    #[serde(default)]
    beeindigen: Option<String>,
    #[serde(default)]
    bevestigd: Option<String>,
}

pub async fn registratie(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Fout> {
    // Changing and ending are two forms of the page, sent to the same address.
    let einde = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .unwrap_or_default()
        .iter()
        .any(|(k, _)| k == "beeindigen");
    let formulier = if einde {
        "registratie-einde-form"
    } else {
        "registratie-form"
    };
    verwerk(
        &s,
        &b,
        id,
        &body,
        formulier,
        &["categorie", "oorzaak", "per"],
        registratie_lezen,
    )
    .await
}

fn registratie_lezen(f: RegistratieForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let per = invoer::datum(taal, "per", &f.per)?;
    let nieuw = match f.categorie.trim() {
        // Ending is never what a changed form does by default: it is asked for and confirmed.
        "" if f.beeindigen.is_some() && f.bevestigd.is_some() => None,
        "" if f.beeindigen.is_some() => {
            return Err(Afwijzing::bij(
                "bevestigd",
                taal.s("vink aan dat u de registratie wilt beëindigen"),
            )
            .into())
        }
        "" => return Err(Afwijzing::bij("categorie", taal.s("kies een categorie")).into()),
        c => Some((
            Categorie::from_str(c)
                .map_err(|_| Afwijzing::bij("categorie", taal.s("kies een categorie")))?,
            Oorzaak::from_str(f.oorzaak.trim())
                .map_err(|_| Afwijzing::bij("oorzaak", taal.s("kies een oorzaak")))?,
        )),
    };
    schrijving(move |app, a, l| app.registratie_wijzigen(a, l, nieuw, per))
}

/// The person's open case of this kind, opened (through the gate) when there is none.
fn open_zaak(
    app: &App,
    a: &leerrecht_app::Actor,
    l: LeerlingId,
    soort: ZaakSoort,
) -> leerrecht_app::Result<i64> {
    let open = app
        .zaken(a, l)?
        .into_iter()
        .filter(|z| z.gesloten.is_none())
        .max_by_key(|z| (z.soort == soort, z.id));
    match open {
        Some(z) if z.soort == soort => Ok(z.id),
        _ => app.zaak_openen(a, l, soort, app.now().date_naive()),
    }
}

#[derive(Deserialize)]
pub struct AanbodForm {
    aanbod: String,
    aanbieder: String,
    aangeboden: String,
    #[serde(default)]
    gestart: String,
}

formulier_route! {
    aanbod, "aanbod-form",
    ["aanbod", "aanbieder", "aangeboden", "gestart"] => aanbod_lezen
}

fn aanbod_lezen(f: AanbodForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let soort = AanbodType::ALL
        .into_iter()
        .find(|a| a.code() == f.aanbod)
        .ok_or_else(|| Afwijzing::bij("aanbod", taal.s("kies een soort aanbod")))?;
    let aanbieder = invoer::verplicht(taal, "aanbieder", &f.aanbieder)?;
    let aangeboden = invoer::datum(taal, "aangeboden", &f.aangeboden)?;
    let gestart = invoer::opt_datum(taal, "gestart", &f.gestart)?;
    schrijving(move |app, a, l| {
        let zaak = open_zaak(app, a, l, ZaakSoort::Thuiszitter)?;
        app.aanbod_vastleggen(a, zaak, soort, &aanbieder, aangeboden, gestart)
            .map(|_| ())
    })
}

#[derive(Deserialize)]
pub struct OverlegForm {
    team: String,
    datum: String,
    besluiten: String,
    #[serde(default)]
    vervolg: String,
}

formulier_route! {
    overleg, "overleg-form",
    ["team", "datum", "besluiten", "vervolg"] => overleg_lezen
}

fn overleg_lezen(f: OverlegForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let team = match f.team.as_str() {
        "kernteam" => Team::Kernteam,
        "jeugdteam" => Team::Jeugdteam,
        _ => return Err(Afwijzing::bij("team", taal.s("kies kernteam of jeugdteam")).into()),
    };
    let d = invoer::datum(taal, "datum", &f.datum)?;
    let besluiten = invoer::verplicht(taal, "besluiten", &f.besluiten)?;
    let vervolg = invoer::vrij(taal, "vervolg", &f.vervolg)?;
    schrijving(move |app, a, l| {
        let zaak = open_zaak(app, a, l, ZaakSoort::Thuiszitter)?;
        app.zaak_vastleggen(
            a,
            zaak,
            Gebeurtenis::Overleg {
                team,
                datum: d,
                besluiten,
                vervolg,
            },
        )
    })
}

#[derive(Deserialize)]
pub struct VrijstellingForm {
    artikel: String,
    reden: String,
    van: String,
    #[serde(default)]
    tot: String,
    #[serde(default)]
    geen_passend_aanbod: Option<String>,
    /// The statement a 5-sub-a exemption needs: its date and author.
    #[serde(default)]
    verklaring_datum: String,
    #[serde(default)]
    verklaring_door: String,
}

formulier_route! {
    vrijstelling, "vrijstelling-form",
    ["artikel", "reden", "van", "tot", "verklaring_datum", "verklaring_door"] => vrijstelling_lezen
}

fn vrijstelling_lezen(f: VrijstellingForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let artikel = Artikel::from_code(&f.artikel)
        .ok_or_else(|| Afwijzing::bij("artikel", taal.s("kies een artikel")))?;
    let reden = invoer::verplicht(taal, "reden", &f.reden)?;
    let van = invoer::datum(taal, "van", &f.van)?;
    let tot = invoer::opt_datum(taal, "tot", &f.tot)?;
    let verklaring_datum = invoer::opt_datum(taal, "verklaring_datum", &f.verklaring_datum)?;
    let door = match f.verklaring_door.trim() {
        "" => None,
        d => Some(Deskundige::from_code(d).ok_or_else(|| {
            Afwijzing::bij(
                "verklaring_door",
                taal.s("kies arts, psycholoog of pedagoog"),
            )
        })?),
    };
    let verklaring = match (verklaring_datum, door) {
        (Some(datum), Some(door)) => Some(Verklaring { datum, door }),
        (None, None) => None,
        (Some(_), None) => {
            let m = taal.s("vul ook in wie de verklaring gaf");
            return Err(Afwijzing::bij("verklaring_door", m).into());
        }
        (None, Some(_)) => {
            let m = taal.s("vul ook de datum van de verklaring in");
            return Err(Afwijzing::bij("verklaring_datum", m).into());
        }
    };
    schrijving(move |app, a, l| {
        app.vrijstelling_vastleggen(
            a,
            l,
            NieuweVrijstelling {
                artikel,
                reden,
                geen_passend_aanbod: f.geen_passend_aanbod.is_some(),
                van,
                tot,
                verklaring,
            },
        )
        .map(|_| ())
    })
}

#[derive(Deserialize)]
pub struct EscalatieForm {
    niveau: String,
    datum: String,
    #[serde(default)]
    geinformeerd: String,
}

formulier_route! {
    escalatie, "escalatie-form",
    ["niveau", "datum", "geinformeerd"] => escalatie_lezen
}

fn escalatie_lezen(f: EscalatieForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let niveau = match f.niveau.as_str() {
        "management" => Niveau::Management,
        "bestuurlijk" => Niveau::Bestuurlijk,
        _ => return Err(Afwijzing::bij("niveau", taal.s("kies management of bestuurlijk")).into()),
    };
    let d = invoer::datum(taal, "datum", &f.datum)?;
    let geinformeerd: Vec<String> = invoer::vrij(taal, "geinformeerd", &f.geinformeerd)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    schrijving(move |app, a, l| {
        let zaak = open_zaak(app, a, l, ZaakSoort::Thuiszitter)?;
        app.zaak_vastleggen(
            a,
            zaak,
            Gebeurtenis::Escalatie {
                niveau,
                datum: d,
                geinformeerd,
            },
        )
    })
}

/// The case a form names: one of the person's own open cases, or (empty) the open
/// thuiszitter case, opened when there is none.
fn gekozen_zaak(
    app: &App,
    a: &leerrecht_app::Actor,
    l: LeerlingId,
    zaak: &str,
) -> leerrecht_app::Result<i64> {
    match zaak.trim() {
        "" => open_zaak(app, a, l, ZaakSoort::Thuiszitter),
        z => {
            let id: i64 = z
                .parse()
                .map_err(|_| AppError::Invalid("zaak: onbekend".into()))?;
            if app.zaken(a, l)?.iter().any(|r| r.id == id) {
                Ok(id)
            } else {
                Err(AppError::Invalid("zaak: niet van deze jongere".into()))
            }
        }
    }
}

#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    zaak: String,
    #[serde(default)]
    onderwijs: Option<String>,
    #[serde(default)]
    zorg: Option<String>,
    #[serde(default)]
    jeugdhulp: Option<String>,
    #[serde(default)]
    omschrijving: String,
    datum: String,
}

formulier_route! {
    plan, "plan-form",
    ["zaak", "omschrijving", "datum"] => plan_lezen
}

fn plan_lezen(f: PlanForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let delen = (
        f.onderwijs.is_some(),
        f.zorg.is_some(),
        f.jeugdhulp.is_some(),
    );
    // Checked before a case is opened for it; the use case checks the same.
    if delen == (false, false, false) {
        let m = taal.s("kies onderwijs, zorg en/of jeugdhulp");
        return Err(Afwijzing::bij("onderdelen", m).into());
    }
    let omschrijving = invoer::verplicht(taal, "omschrijving", &f.omschrijving)?;
    let d = invoer::datum(taal, "datum", &f.datum)?;
    schrijving(move |app, a, l| {
        let zaak = gekozen_zaak(app, a, l, &f.zaak)?;
        app.plan_vastleggen(a, zaak, delen, &omschrijving, d)
    })
}

#[derive(Deserialize)]
pub struct OudersForm {
    #[serde(default)]
    zaak: String,
    datum: String,
    #[serde(default)]
    hoe: String,
}

formulier_route! {
    ouders, "ouders-form",
    ["zaak", "datum", "hoe"] => ouders_lezen
}

fn ouders_lezen(f: OudersForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    let d = invoer::datum(taal, "datum", &f.datum)?;
    let hoe = invoer::verplicht(taal, "hoe", &f.hoe)?;
    schrijving(move |app, a, l| {
        let zaak = gekozen_zaak(app, a, l, &f.zaak)?;
        app.ouders_vastleggen(a, zaak, d, &hoe)
    })
}

#[derive(Deserialize)]
pub struct SluitForm {
    zaak: String,
    reden: String,
    datum: String,
    #[serde(default)]
    toelichting: String,
}

formulier_route! {
    sluiten, "sluiten-form",
    ["zaak", "reden", "datum", "toelichting"] => sluiten_lezen
}

fn sluiten_lezen(f: SluitForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    if f.zaak.trim().is_empty() {
        return Err(Afwijzing::bij("zaak", taal.s("kies een open zaak")).into());
    }
    let reden = Sluitreden::from_str(&f.reden)
        .map_err(|_| Afwijzing::bij("reden", taal.s("kies een reden")))?;
    let d = invoer::datum(taal, "datum", &f.datum)?;
    let toelichting = invoer::vrij(taal, "toelichting", &f.toelichting)?;
    schrijving(move |app, a, l| {
        let zaak = gekozen_zaak(app, a, l, &f.zaak)?;
        app.zaak_sluiten(a, zaak, reden, d, &toelichting)
    })
}

#[derive(Deserialize)]
pub struct NotitieForm {
    #[serde(default)]
    tekst: String,
}

formulier_route! {
    notitie, "notitie-form",
    ["tekst"] => notitie_lezen
}

fn notitie_lezen(f: NotitieForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let tekst = invoer::verplicht(b.taal, "tekst", &f.tekst)?;
    schrijving(move |app, a, l| app.notitie_schrijven(a, l, &tekst).map(|_| ()))
}

#[derive(Deserialize)]
pub struct ZaaknotitieForm {
    #[serde(default)]
    zaak: String,
    #[serde(default)]
    soort: String,
    #[serde(default)]
    niveau: String,
    datum: String,
    #[serde(default)]
    tekst: String,
}

formulier_route! {
    /// Leerplicht writes a report of a talk or a note on one of the person's cases.
    zaaknotitie, "zaaknotitie-form",
    ["zaak", "soort", "niveau", "datum", "tekst"] => zaaknotitie_lezen
}

fn zaaknotitie_lezen(f: ZaaknotitieForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    if f.zaak.trim().is_empty() {
        return Err(Afwijzing::bij("zaak", taal.s("kies een zaak")).into());
    }
    let soort = NotitieSoort::from_str(&f.soort)
        .map_err(|_| Afwijzing::bij("soort", taal.s("kies een soort")))?;
    let niveau = Vertrouwelijkheid::from_str(&f.niveau)
        .map_err(|_| Afwijzing::bij("niveau", taal.s("kies wie de notitie mag lezen")))?;
    let datum = invoer::datum(taal, "datum", &f.datum)?;
    let tekst = invoer::verplicht(taal, "tekst", &f.tekst)?;
    schrijving(move |app, a, l| {
        let zaak = gekozen_zaak(app, a, l, &f.zaak)?;
        let nieuw = leerrecht_app::zaken::notities::NieuweNotitie {
            niveau,
            soort,
            datum,
            tekst,
        };
        app.zaaknotitie_schrijven(a, zaak, nieuw).map(|_| ())
    })
}

#[derive(Deserialize)]
pub struct HandhavingForm {
    #[serde(default)]
    zaak: String,
    #[serde(default)]
    stap: String,
    datum: String,
    #[serde(default)]
    sanctie: String,
}

formulier_route! {
    /// Leerplicht records a step of enforcement on one of the person's absence cases.
    handhaving, "handhaving-form",
    ["zaak", "stap", "datum", "sanctie"] => handhaving_lezen
}

fn handhaving_lezen(f: HandhavingForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    if f.zaak.trim().is_empty() {
        return Err(Afwijzing::bij("zaak", taal.s("kies een open verzuimzaak")).into());
    }
    let datum = invoer::datum(taal, "datum", &f.datum)?;
    let sanctie = invoer::vrij(taal, "sanctie", &f.sanctie)?;
    let e = leerrecht_app::zaken::handhaving::stap(&f.stap, datum, &sanctie)
        .map_err(|_| Afwijzing::bij("stap", taal.s("kies wat er gebeurde")))?;
    schrijving(move |app, a, l| {
        let zaak = gekozen_zaak(app, a, l, &f.zaak)?;
        app.handhaving_vastleggen(a, zaak, e)
    })
}

#[derive(Deserialize)]
pub struct RmcForm {
    datum: String,
}

formulier_route! {
    /// Leerplicht, as the RMC, opens an RMC case for an early school leaver of 18 to 23.
    rmc_openen, "rmc-form",
    ["datum"] => rmc_lezen
}

fn rmc_lezen(f: RmcForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let datum = invoer::datum(b.taal, "datum", &f.datum)?;
    schrijving(move |app, a, l| app.rmc_zaak_openen(a, l, datum).map(|_| ()))
}

#[derive(Deserialize)]
pub struct ContactpogingForm {
    #[serde(default)]
    zaak: String,
    datum: String,
    #[serde(default)]
    wijze: String,
    #[serde(default)]
    bereikt: Option<String>,
}

formulier_route! {
    /// Leerplicht, as the RMC, records an attempt to reach the young person of an RMC case.
    contactpoging, "contactpoging-form",
    ["zaak", "datum", "wijze", "bereikt"] => contactpoging_lezen
}

fn contactpoging_lezen(f: ContactpogingForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    if f.zaak.trim().is_empty() {
        return Err(Afwijzing::bij("zaak", taal.s("kies een open RMC-zaak")).into());
    }
    let datum = invoer::datum(taal, "datum", &f.datum)?;
    let wijze = Contactwijze::from_str(&f.wijze)
        .map_err(|_| Afwijzing::bij("wijze", taal.s("kies hoe er contact is gezocht")))?;
    let bereikt = f.bereikt.is_some();
    schrijving(move |app, a, l| {
        let zaak = gekozen_zaak(app, a, l, &f.zaak)?;
        app.contactpoging_vastleggen(a, zaak, datum, wijze, bereikt)
    })
}

#[derive(Deserialize)]
pub struct BriefForm {
    #[serde(default)]
    zaak: String,
    #[serde(default)]
    sjabloon: String,
}

formulier_route! {
    /// Leerplicht makes a letter on one of the person's cases; it is kept on the case and
    /// listed on the page, to download.
    brief_maken, "brief-form",
    ["zaak", "sjabloon"] => brief_lezen
}

fn brief_lezen(f: BriefForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    if f.zaak.trim().is_empty() {
        return Err(Afwijzing::bij("zaak", taal.s("kies een zaak")).into());
    }
    let sjabloon = Sjabloon::from_str(&f.sjabloon)
        .map_err(|_| Afwijzing::bij("sjabloon", taal.s("kies een brief")))?;
    schrijving(move |app, a, l| {
        let zaak = gekozen_zaak(app, a, l, &f.zaak)?;
        app.brief_maken(a, zaak, sjabloon).map(|_| ())
    })
}

/// A letter kept on one of the person's cases, as its PDF: read through the gate (audited),
/// and only when it belongs to the file it is asked for under.
pub async fn brief(
    State(s): State<AppState>,
    b: Bezoeker,
    Path((id, nr)): Path<(String, i64)>,
) -> Result<Response, Fout> {
    let actor = b.actor.clone();
    let (brief, pdf) = doe(&s, b.taal, move |app| {
        let l = app.leerling_van_id(&actor, &id)?;
        let (brief, pdf) = app.brief(&actor, nr)?;
        // A letter of another person's case is refused as an unknown one.
        if !app.zaken(&actor, l)?.iter().any(|z| z.id == brief.zaak) {
            return Err(AppError::Forbidden(
                leerrecht_app::toegang::GEEN_TOEGANG.into(),
            ));
        }
        Ok((brief, pdf))
    })
    .await?;
    Ok(super::rapport::download(
        pdf,
        "application/pdf",
        &format!(
            "attachment; filename=\"brief-{}-{}.pdf\"",
            brief.id, brief.sjabloon
        ),
    ))
}

#[derive(Deserialize)]
pub struct PartnerForm {
    organisatie: String,
    #[serde(default)]
    contact: String,
}

formulier_route! {
    /// Leerplicht adds a partner to one of the person's cases.
    partner_toevoegen(zaak), partnerformulier(zaak),
    ["organisatie", "contact"] => partner_toevoegen_lezen
}

/// The form that adds a partner to one case.
fn partnerformulier(zaak: i64) -> String {
    format!("partner-form-{zaak}")
}

fn partner_toevoegen_lezen(
    f: PartnerForm,
    b: &Bezoeker,
    zaak: i64,
) -> Result<Schrijving, Weigering> {
    let taal = b.taal;
    if f.organisatie.trim().is_empty() {
        return Err(Afwijzing::bij("organisatie", taal.s("kies een organisatie")).into());
    }
    let contact = tekst(&invoer::vrij(taal, "contact", &f.contact)?);
    schrijving(move |app, a, _| app.partner_toevoegen(a, zaak, &f.organisatie, contact.as_deref()))
}

#[derive(Deserialize)]
pub struct PartnerWegForm {
    organisatie: String,
}

/// Leerplicht removes a partner from one of the person's cases.
pub async fn partner_verwijderen(
    State(s): State<AppState>,
    b: Bezoeker,
    Path((id, zaak)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, Fout> {
    let f: PartnerWegForm = b.formulier(&body)?;
    schrijf(&s, &b, id, move |app, a, _| {
        app.partner_verwijderen(a, zaak, &f.organisatie)
    })
    .await
}

#[derive(Deserialize)]
pub struct VerzorgerForm {
    naam: String,
    relatie: String,
    straat: String,
    huisnummer: String,
    postcode: String,
    woonplaats: String,
    #[serde(default)]
    telefoon: String,
    #[serde(default)]
    email: String,
}

formulier_route! {
    /// Leerplicht adds a parent or guardian to the file.
    verzorger_toevoegen, "verzorger-form",
    ["naam", "relatie", "straat", "huisnummer", "postcode", "woonplaats", "telefoon", "email"]
        => verzorger_lezen
}

fn verzorger_lezen(f: VerzorgerForm, b: &Bezoeker) -> Result<Schrijving, Weigering> {
    use leerrecht_domain::verzorger::{email_geldig, Adres, Postcode, Relatie, Verzorger};
    let taal = b.taal;
    let naam = invoer::verplicht(taal, "naam", &f.naam)?;
    let relatie: Relatie = f
        .relatie
        .parse()
        .map_err(|_| Afwijzing::bij("relatie", taal.s("kies een relatie")))?;
    let straat = invoer::verplicht(taal, "straat", &f.straat)?;
    let huisnummer = invoer::verplicht(taal, "huisnummer", &f.huisnummer)?;
    let postcode: Postcode = f.postcode.parse().map_err(|_| {
        Afwijzing::bij(
            "postcode",
            taal.s("geen postcode: schrijf vier cijfers en twee letters, zoals 2011 AB"),
        )
    })?;
    let woonplaats = invoer::verplicht(taal, "woonplaats", &f.woonplaats)?;
    let telefoon = Some(invoer::vrij(taal, "telefoon", &f.telefoon)?).filter(|t| !t.is_empty());
    let email = Some(invoer::vrij(taal, "email", &f.email)?).filter(|e| !e.is_empty());
    if email.as_deref().is_some_and(|e| !email_geldig(e)) {
        return Err(Afwijzing::bij("email", taal.s("geen e-mailadres")).into());
    }
    schrijving(move |app, a, l| {
        let v = Verzorger {
            leerling: l,
            naam,
            relatie,
            adres: Adres {
                straat,
                huisnummer,
                postcode,
                woonplaats,
            },
            telefoon,
            email,
        };
        app.verzorger_wijzigen(a, l, VerzorgerWijziging::Toevoegen(v))
    })
}

#[derive(Deserialize)]
pub struct VerzorgerWegForm {
    naam: String,
}

/// Leerplicht removes a parent or guardian from the file.
pub async fn verzorger_verwijderen(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Fout> {
    let f: VerzorgerWegForm = b.formulier(&body)?;
    schrijf(&s, &b, id, move |app, a, l| {
        app.verzorger_wijzigen(a, l, VerzorgerWijziging::Verwijderen(f.naam))
    })
    .await
}

/// The word for a verzorger's relation to the young person.
fn relatie_woord(r: leerrecht_domain::verzorger::Relatie) -> &'static str {
    use leerrecht_domain::verzorger::Relatie;
    match r {
        Relatie::Ouder => "ouder",
        Relatie::Voogd => "voogd",
        Relatie::Verzorger => "verzorger",
        Relatie::Pleegouder => "pleegouder",
    }
}
