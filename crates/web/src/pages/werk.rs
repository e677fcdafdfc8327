//! The worklist of the user's organisation, the search for a person, and the thuiszitters
//! list. Each shows only whom the gate lets the reader see; each person shown is audited.

use std::collections::HashMap;
use std::str::FromStr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use leerrecht_app::api::JongereKop;
use leerrecht_app::register::lijsten::ThuiszitterFilter;
use leerrecht_app::{Actor, AppError};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak};
use serde::Deserialize;

use super::tekst::Taal;
use super::{doe, html, Bezoeker, Fout, Kader};
use crate::AppState;

/// The worklist's kinds of item, as a person reads them.
fn soort_label(code: &str) -> &'static str {
    match code {
        "conceptmelding" => "Conceptmelding bevestigen",
        "melding" => "Melding in behandeling nemen",
        "signaal" => "Signaal",
        "mazl" => "MAZL-verwijzing",
        "aanbod" => "Aanbod binnenkort nodig",
        "aanbod_te_laat" => "Aanbod te laat",
        "escalatie" => "Escalatie",
        "vrijstelling" => "Vrijstelling loopt af",
        "av" => "Absoluut verzuim",
        "thuiszitter_voorstel" => "Registratie thuiszittend voorgesteld",
        "vrijstelling_verlengen" => "Vrijstelling jaarlijks verlengen",
        "vrijstelling_gemarkeerd" => "Vrijstelling zonder passend aanbod",
        "handhaving" => "Uitkomst HALT of proces-verbaal",
        "overdracht" => "Zaak overgedragen na verhuizing",
        "overdracht_weg" => "Zaak overgedragen aan een ander bureau",
        "rmc" => "RMC-zaak: uitkomst nodig",
        _ => "Overig",
    }
}

/// One row of the worklist, ready to show.
pub struct Regel {
    pub soort: &'static str,
    pub href: Option<String>,
    pub naam: String,
    pub datum: String,
    pub te_laat: bool,
    pub wat: String,
}

#[derive(Template)]
#[template(path = "werklijst.html")]
struct Werklijstpagina {
    k: Kader,
    peildatum: String,
    tellingen: Vec<(&'static str, String)>,
    regels: Vec<Regel>,
}

pub async fn werklijst(State(s): State<AppState>, b: Bezoeker) -> Result<Response, Fout> {
    let (actor, regels, taal) = (b.actor.clone(), s.cfg().escalatie, b.taal);
    let w = doe(&s, taal, move |app| {
        let org = match &actor {
            Actor::Gebruiker(g) if g.rol.sees_persons() => g.organisatie.clone(),
            _ => {
                return Err(AppError::Forbidden(
                    "de werklijst is voor rollen die personen zien".into(),
                ))
            }
        };
        let on = app.now().date_naive();
        let w = app.werklijst(&actor, &org, on, &regels)?;
        let mut ids = Vec::with_capacity(w.items.len());
        for i in &w.items {
            ids.push(match LeerlingId::from_str(&i.leerling) {
                Ok(l) => app.id_van(l)?,
                Err(_) => None,
            });
        }
        // Schools and organisations by name, where a person reads them.
        let namen: HashMap<String, String> = app
            .organisaties(&actor)?
            .into_iter()
            .map(|o| (o.code.as_str().to_string(), o.naam))
            .collect();
        Ok((w, ids, namen))
    })
    .await?;
    let (w, ids, namen) = w;
    let naam_van = |c: &str| namen.get(c).cloned();
    let regels = w
        .items
        .into_iter()
        .zip(ids)
        .map(|(i, id)| Regel {
            soort: taal.s(soort_label(i.soort)),
            href: id.map(|id| format!("/jongeren/{id}")),
            naam: i.naam,
            datum: taal.datum_kort(&i.datum),
            te_laat: i.te_laat,
            wat: super::woorden::werkzin(taal, &i.wat, &naam_van),
        })
        .collect();
    let p = Werklijstpagina {
        k: b.kader(taal.s("Werklijst"), "/werklijst"),
        peildatum: taal.datum(&w.peildatum),
        tellingen: w
            .tellingen
            .into_iter()
            .map(|(k, v)| (taal.s(soort_label(k)), taal.getal(v as i64)))
            .collect(),
        regels,
    };
    Ok(html(p))
}

/// A person in a list of results.
pub struct Persoon {
    pub href: String,
    pub naam: String,
    pub geboortedatum: String,
    pub leeftijd: u32,
    pub plicht: &'static str,
    pub scholen: String,
}

/// Every organisation's name by its code: schools by name where a person reads them.
async fn orgnamen(s: &AppState, b: &Bezoeker) -> Result<HashMap<String, String>, Fout> {
    let actor = b.actor.clone();
    doe(s, b.taal, move |app| {
        Ok(app
            .organisaties(&actor)?
            .into_iter()
            .map(|o| (o.code.as_str().to_string(), o.naam))
            .collect())
    })
    .await
}

pub fn persoon(k: &JongereKop, taal: Taal, namen: &HashMap<String, String>) -> Persoon {
    let j = &k.kop.jongere;
    Persoon {
        href: format!("/jongeren/{}", k.id),
        naam: format!("{} {}", j.voornamen, j.achternaam),
        geboortedatum: taal.datum_kort(&j.geboortedatum),
        leeftijd: k.kop.leeftijd,
        plicht: taal.s(k.kop.plicht.code()),
        scholen: k
            .kop
            .scholen
            .iter()
            .map(|c| namen.get(c).cloned().unwrap_or_else(|| c.clone()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[derive(Template)]
#[template(path = "zoeken.html")]
struct Zoekpagina {
    k: Kader,
    naam: String,
    geboortedatum: String,
    fout: Option<String>,
    resultaten: Option<Vec<Persoon>>,
    /// How many matched, in words ("1 jongere", "12 jongeren", "jongeren 51 tot en met
    /// 100"), and whether there are more than this page and those before it show.
    aantal: String,
    meer: bool,
    /// This page's number (from 0), for the forms to the previous and next page.
    pagina: u32,
}

pub async fn zoeken_formulier(b: Bezoeker) -> Result<Response, Fout> {
    if !b.rol().is_some_and(|r| r.sees_persons()) {
        return Err(Fout::Verboden(b.taal));
    }
    Ok(html(Zoekpagina {
        k: b.kader(b.taal.s("Zoeken"), "/zoeken"),
        naam: String::new(),
        geboortedatum: String::new(),
        fout: None,
        resultaten: None,
        aantal: String::new(),
        meer: false,
        pagina: 0,
    }))
}

#[derive(Deserialize)]
struct Zoekvraag {
    #[serde(default)]
    naam: String,
    #[serde(default)]
    geboortedatum: String,
    #[serde(default)]
    bsn: String,
    /// The page asked for (from 0); the name stays in the form's body, out of the URL.
    #[serde(default)]
    pagina: Option<u32>,
}

pub async fn zoeken(State(s): State<AppState>, b: Bezoeker, body: Bytes) -> Result<Response, Fout> {
    let taal = b.taal;
    let v: Zoekvraag = b.formulier(&body)?;
    let mut pagina = Zoekpagina {
        k: b.kader(taal.s("Zoeken"), "/zoeken"),
        naam: v.naam.clone(),
        geboortedatum: v.geboortedatum.clone(),
        fout: None,
        resultaten: None,
        aantal: String::new(),
        meer: false,
        pagina: v.pagina.unwrap_or(0),
    };
    // Anything longer than a name, a date or a number is refused before any work is done.
    const _: () = assert!(
        leerrecht_app::register::lijsten::MAX_ZOEKNAAM == 200,
        "the message says 200"
    );
    if v.naam.chars().count() > leerrecht_app::register::lijsten::MAX_ZOEKNAAM
        || v.geboortedatum.len() > 32
        || v.bsn.len() > 32
    {
        pagina.naam = String::new();
        pagina.geboortedatum = String::new();
        pagina.fout = Some(
            taal.s("Zoekvraag te lang: een naam heeft hoogstens 200 tekens.")
                .to_string(),
        );
        return Ok(pagina.into_response());
    }
    let actor = b.actor.clone();
    let bsn = v.bsn.trim().to_string();
    let r = if !bsn.is_empty() {
        // The number is never repeated back, in the page or in an error.
        match LeerlingId::from_str(&bsn) {
            Err(_) => {
                pagina.fout = Some("BSN of onderwijsnummer: geen geldig nummer (11-proef)".into());
                return Ok(pagina.into_response());
            }
            Ok(l) => {
                let een = |personen| leerrecht_app::register::lijsten::Zoekresultaat {
                    personen,
                    vanaf: 1,
                    meer: false,
                };
                doe(&s, taal, move |app| match app.jongere_zoeken(&actor, l) {
                    Ok(k) => Ok(een(vec![k])),
                    Err(AppError::Forbidden(_)) => Ok(een(Vec::new())),
                    Err(e) => Err(e),
                })
                .await
            }
        }
    } else {
        let geboren = match v.geboortedatum.trim() {
            "" => None,
            d => match leerrecht_domain::date::parse_date(d) {
                Ok(d) => Some(d),
                Err(_) => {
                    pagina.fout = Some(format!(
                        "{}: {}",
                        taal.s("Geboortedatum"),
                        taal.s("geen bestaande datum; schrijf de datum als DD-MM-JJJJ, bijvoorbeeld 01-12-2026")
                    ));
                    return Ok(pagina.into_response());
                }
            },
        };
        let naam = v.naam.clone();
        let p = pagina.pagina;
        doe(&s, taal, move |app| {
            app.jongeren_zoeken_op_naam(&actor, &naam, geboren, p)
        })
        .await
    };
    let r = r.map(|z| {
        pagina.meer = z.meer;
        pagina.pagina = ((z.vanaf - 1) / leerrecht_app::register::lijsten::ZOEK_MAX) as u32;
        (z.vanaf, z.personen)
    });
    match r {
        Ok((vanaf, rs)) => {
            pagina.aantal = match rs.len() {
                _ if vanaf > 1 || pagina.meer => format!(
                    "{} {} {} {}",
                    taal.s("jongeren"),
                    taal.getal(vanaf as i64),
                    taal.s("tot en met"),
                    taal.getal((vanaf + rs.len()).saturating_sub(1) as i64)
                ),
                1 => taal.s("1 jongere").to_string(),
                n => format!("{} {}", taal.getal(n as i64), taal.s("jongeren")),
            };
            let namen = orgnamen(&s, &b).await?;
            pagina.resultaten = Some(rs.iter().map(|k| persoon(k, taal, &namen)).collect())
        }
        Err(Fout::Ongeldig(_, m)) => pagina.fout = Some(m),
        Err(e) => return Err(e),
    }
    Ok(pagina.into_response())
}

/// One row of the thuiszitters list, ready to show.
pub struct Thuiszitter {
    pub p: Persoon,
    pub categorie: &'static str,
    pub oorzaak: &'static str,
    pub van: String,
    pub termijn: String,
    pub te_laat: i64,
    pub aanbod: bool,
}

#[derive(Template)]
#[template(path = "thuiszitters.html")]
struct Thuiszitterspagina {
    k: Kader,
    peildatum: String,
    categorieen: Vec<(&'static str, &'static str, bool)>,
    oorzaken: Vec<(&'static str, &'static str, bool)>,
    school: String,
    te_laat: bool,
    rijen: Vec<Thuiszitter>,
    aantal: String,
}

#[derive(Deserialize, Default)]
pub struct Lijstfilter {
    #[serde(default)]
    categorie: String,
    #[serde(default)]
    oorzaak: String,
    #[serde(default)]
    school: String,
    #[serde(default)]
    te_laat: Option<String>,
}

pub async fn thuiszitters(
    State(s): State<AppState>,
    b: Bezoeker,
    Query(q): Query<Lijstfilter>,
) -> Result<Response, Fout> {
    let taal = b.taal;
    let filter = ThuiszitterFilter {
        categorie: Categorie::from_str(&q.categorie).ok(),
        oorzaak: Oorzaak::from_str(&q.oorzaak).ok(),
        school: Some(q.school.trim().to_string()).filter(|s| !s.is_empty()),
        te_laat: q.te_laat.is_some(),
    };
    let (actor, regels, f) = (b.actor.clone(), s.cfg().escalatie, filter.clone());
    let (on, lijst) = doe(&s, taal, move |app| {
        let on: NaiveDate = app.now().date_naive();
        Ok((on, app.thuiszitterslijst(&actor, on, &f, &regels)?))
    })
    .await?;
    let namen = orgnamen(&s, &b).await?;
    let rijen: Vec<Thuiszitter> = lijst
        .iter()
        .map(|r| Thuiszitter {
            p: persoon(&r.kop, taal, &namen),
            categorie: super::tekst::kort(taal.s(r.categorie.label())),
            oorzaak: taal.s(r.oorzaak.label()),
            van: taal.datum_kort(&r.van),
            termijn: r
                .klok
                .as_ref()
                .map(|k| taal.datum_kort(&k.termijn))
                .unwrap_or_default(),
            te_laat: r.klok.as_ref().map_or(0, |k| k.dagen_te_laat),
            aanbod: r.klok.as_ref().is_some_and(|k| k.aanbod.is_some()),
        })
        .collect();
    let p = Thuiszitterspagina {
        k: b.kader(taal.s("Thuiszitters"), "/thuiszitters"),
        peildatum: taal.datum(&on),
        categorieen: Categorie::ALL
            .into_iter()
            .map(|c| (c.code(), taal.s(c.label()), filter.categorie == Some(c)))
            .collect(),
        oorzaken: Oorzaak::ALL
            .into_iter()
            .map(|o| (o.code(), taal.s(o.label()), filter.oorzaak == Some(o)))
            .collect(),
        school: filter.school.clone().unwrap_or_default(),
        te_laat: filter.te_laat,
        aantal: taal.getal(rijen.len() as i64),
        rijen,
    };
    Ok(html(p))
}

/// One row of the RMC list, ready to show.
pub struct RmcRij {
    pub p: Persoon,
    pub sinds: String,
    pub school: String,
    pub zaak: Option<i64>,
    pub pogingen: usize,
    pub bereikt: bool,
}

#[derive(Template)]
#[template(path = "rmc.html")]
struct Rmcpagina {
    k: Kader,
    peildatum: String,
    rijen: Vec<RmcRij>,
    aantal: String,
}

/// The RMC list of the user's bureau on today (docs/domain.md §13): leerplicht's only.
pub async fn rmc(State(s): State<AppState>, b: Bezoeker) -> Result<Response, Fout> {
    let (taal, actor) = (b.taal, b.actor.clone());
    let (on, lijst) = doe(&s, taal, move |app| {
        let on: NaiveDate = app.now().date_naive();
        Ok((on, app.rmclijst(&actor, on)?))
    })
    .await?;
    let namen = orgnamen(&s, &b).await?;
    let rijen: Vec<RmcRij> = lijst
        .iter()
        .map(|r| RmcRij {
            p: persoon(&r.kop, taal, &namen),
            sinds: taal.datum_kort(&r.sinds),
            school: r
                .laatste_school
                .as_ref()
                .map(|c| namen.get(c).cloned().unwrap_or_else(|| c.clone()))
                .unwrap_or_default(),
            zaak: r.zaak,
            pogingen: r.pogingen,
            bereikt: r.bereikt,
        })
        .collect();
    let p = Rmcpagina {
        k: b.kader(taal.s("RMC-lijst"), "/rmc"),
        peildatum: taal.datum(&on),
        aantal: taal.getal(rijen.len() as i64),
        rijen,
    };
    Ok(html(p))
}

impl IntoResponse for Zoekpagina {
    /// A search the page refuses (its reason above the form) is a 422.
    fn into_response(self) -> Response {
        let status = if self.fout.is_some() {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            axum::http::StatusCode::OK
        };
        (status, html(self)).into_response()
    }
}
