//! The RMC's figures per gemeente (docs/domain.md §13): the new early school leavers of a
//! school year, how many of them the RMC reached, and how many went back to education or
//! left the list with another outcome.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use leerrecht_domain::cijfers::Aantal;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::rmc::{instroomdagen, terug_ingeschreven};
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::zaak::{Sluitreden, ZaakSoort, ZaakStaat};
use serde::Serialize;

use super::{aantal, naam_en_code, Opties};
use crate::toegang::{authorize, Action, Actor};
use crate::uitvoer::{Tabel, Weergave};
use crate::{App, Result};

/// One gemeente's RMC figures for a school year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RmcCijferRij {
    pub gemeente: String,
    pub naam: String,
    /// New on the list in the school year: left education without a startkwalificatie.
    pub nieuw: Aantal,
    /// Of those, reached by the RMC (a contact attempt that reached them).
    pub bereikt: Aantal,
    /// Of those, back in education: enrolled again, or their RMC case closed so.
    pub terug: Aantal,
    /// Of those, their RMC case closed with work, care, or not reachable.
    pub werk: Aantal,
    pub zorg: Aantal,
    pub niet_bereikbaar: Aantal,
}

/// The RMC figures of a school year, as they stood on its last day or `peildatum` if earlier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rmc {
    pub jaar: String,
    pub peildatum: NaiveDate,
    pub rijen: Vec<RmcCijferRij>,
}

impl App {
    /// The RMC figures of `jaar` per gemeente of the area, as they stood on the year's last
    /// day or `vandaag` if earlier. A person counts in the gemeente they live in now, once,
    /// on the first day in the year they entered the list. Figures count the register as it
    /// is: a file destroyed under retention no longer counts (`bekend_op` is not read).
    pub fn rapport_rmc(
        &self,
        actor: &Actor,
        jaar: SchoolYear,
        vandaag: NaiveDate,
        opties: &Opties,
    ) -> Result<Rmc> {
        authorize(actor, Action::ReadFigures)?;
        let f = self.filter(opties)?;
        let tot = jaar.last_day().min(vandaag);
        let publiek = self.publiek(actor, opties);
        // Everyone of RMC age on some day of the year: born up to 23 years before its first
        // day and at least 18 years before its last.
        let van = jaar.first_day();
        let geboren_van = van
            .with_year(van.year() - 23)
            .unwrap_or(van - chrono::Duration::days(23 * 365));
        let geboren_tot = tot
            .with_year(tot.year() - 18)
            .unwrap_or(tot - chrono::Duration::days(18 * 365));
        let mut zaken: HashMap<LeerlingId, Vec<ZaakStaat>> = HashMap::new();
        for z in self.store().zaken_soort(ZaakSoort::Rmc)? {
            let events = self.store().zaak_events(z.id)?;
            zaken.entry(z.leerling).or_default().push(ZaakStaat::fold(
                events
                    .iter()
                    .filter(|e| e.gebeurtenis.datum() <= tot)
                    .map(|e| &e.gebeurtenis),
            ));
        }
        #[derive(Default)]
        struct Teller {
            nieuw: u64,
            bereikt: u64,
            terug: u64,
            werk: u64,
            zorg: u64,
            niet_bereikbaar: u64,
        }
        let mut per: HashMap<String, Teller> = f
            .kaart
            .gemeenten
            .keys()
            .filter(|g| f.woont_in(g))
            .map(|g| (g.clone(), Teller::default()))
            .collect();
        for k in self.store().rmc_kandidaten(geboren_van, geboren_tot)? {
            let Some(t) = per.get_mut(&k.gemeente) else {
                continue;
            };
            let Some(sinds) = instroomdagen(k.geboortedatum, &k.opleidingen)
                .into_iter()
                .find(|d| jaar.contains(*d) && *d <= tot)
            else {
                continue;
            };
            t.nieuw += 1;
            let staten = zaken.get(&k.leerling).map(Vec::as_slice).unwrap_or(&[]);
            if staten
                .iter()
                .flat_map(|s| &s.contactpogingen)
                .any(|(d, _, bereikt)| *bereikt && *d >= sinds)
            {
                t.bereikt += 1;
            }
            let uitkomst = staten
                .iter()
                .filter(|s| s.gesloten.as_ref().is_some_and(|(d, _)| *d >= sinds))
                .filter_map(|s| s.sluitreden)
                .next_back();
            if uitkomst == Some(Sluitreden::TerugNaarSchool)
                || terug_ingeschreven(&k.opleidingen, sinds, tot)
            {
                t.terug += 1;
            } else {
                match uitkomst {
                    Some(Sluitreden::Werk) => t.werk += 1,
                    Some(Sluitreden::Zorg) => t.zorg += 1,
                    Some(Sluitreden::NietBereikbaar) => t.niet_bereikbaar += 1,
                    _ => {}
                }
            }
        }
        let tel = |n: u64| {
            let mut a: Aantal = n.into();
            if publiek {
                a.publiek();
            }
            a
        };
        let mut rijen: Vec<RmcCijferRij> = per
            .into_iter()
            .map(|(g, t)| RmcCijferRij {
                naam: f
                    .kaart
                    .gemeenten
                    .get(&g)
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default(),
                gemeente: g,
                nieuw: tel(t.nieuw),
                bereikt: tel(t.bereikt),
                terug: tel(t.terug),
                werk: tel(t.werk),
                zorg: tel(t.zorg),
                niet_bereikbaar: tel(t.niet_bereikbaar),
            })
            .collect();
        rijen.sort_by(|a, b| a.gemeente.cmp(&b.gemeente));
        Ok(Rmc {
            jaar: jaar.to_string(),
            peildatum: tot,
            rijen,
        })
    }
}

impl Rmc {
    pub fn weergave(&self) -> Weergave {
        Weergave {
            titel: format!("RMC-cijfers {}", self.jaar),
            toelichting: vec![format!("Stand op {}.", self.peildatum)],
            tabellen: vec![Tabel::per(
                "Voortijdig schoolverlaters van 18 tot 23 jaar, per gemeente",
                &[
                    "Gemeente",
                    "Naam",
                    "Nieuwe voortijdig schoolverlaters",
                    "Bereikt",
                    "Terug naar onderwijs",
                    "Aan het werk",
                    "In zorg",
                    "Niet bereikbaar",
                ],
                &self.rijen,
                |r| {
                    let mut rij = naam_en_code(&r.gemeente, &r.naam);
                    rij.extend(
                        [
                            &r.nieuw,
                            &r.bereikt,
                            &r.terug,
                            &r.werk,
                            &r.zorg,
                            &r.niet_bereikbaar,
                        ]
                        .map(aantal),
                    );
                    rij
                },
            )],
            ..Weergave::default()
        }
    }
}
