//! Figures without persons (docs/domain.md §9): the peildatum table of registered persons per category
//! on chosen dates (the Noord-Kennemerland table), the main causes on a date, the school-year
//! figures and targets (Zuid-Kennemerland), the three-month KPI, the Leerplichttelling and the
//! Inspectie's overview. Each is counted in `domain::cijfers` from one read of the store, for
//! a part of the region, now or as known at a past moment, and for publication with small
//! counts hidden. [`crate::uitvoer`] turns a report into a table, CSV, XLSX or HTML.

mod doelen;
mod rmc;
mod telling;

pub use doelen::{DoelPrognose, DoelRij, Doelen, PrognoseToets, ToetsRij, Verloop, VerloopPunt};
pub use rmc::{Rmc, RmcCijferRij};

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use leerrecht_domain::calendar::Kalender;
use leerrecht_domain::cijfers::{
    self, duur_op, kpi_gevallen, looptijden, mediaan, secundair_verbergen, thuiszitter_tussen,
    Aantal, Basis, Duur, KpiUitkomst, PersoonsDossier,
};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::melding::{concept_termijn, schooldagen_over};
use leerrecht_domain::org::{OrgSoort, Organisatie, Rol};
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::{Categorie, Escalatieregels, Oorzaak, Runregels};
use leerrecht_domain::zaak::Artikel;
use serde::Serialize;

use leerrecht_store::access::Signaaltelling;
use leerrecht_store::BasisNodig;
use leerrecht_store::WelkeInschrijvingen::{self, Geen, Thuiszitters};

use crate::toegang::{authorize, Action, Actor, Beslissing, Gebruik};
use crate::uitvoer::{Cel, Grafiek, GrafiekSoort, Tabel, Weergave};
use crate::{App, AppError, Result};

/// Which part of the region to count: all, a gemeente or the gemeenten of a sub-region (by
/// where people live), and a samenwerkingsverband or a school location (by enrolment on the
/// date, or during the school year; a melding by its school).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gebied {
    pub gemeente: Option<String>,
    pub regio: Option<String>,
    pub swv: Option<String>,
    pub school: Option<String>,
}

/// How to count: where, for publication, and as known at which moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Opties {
    pub gebied: Gebied,
    /// Hide every count below 5 as `<5` (docs/domain.md §9.6). Always so for `beleid`.
    pub publiek: bool,
    /// The figures as they were known at this moment (docs/domain.md §9.7); None: now.
    pub bekend_op: Option<DateTime<Utc>>,
}

impl From<Gebied> for Opties {
    fn from(gebied: Gebied) -> Self {
        Opties {
            gebied,
            ..Opties::default()
        }
    }
}

/// One row of the peildatum table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeildatumRij {
    pub categorie: &'static str,
    pub label: &'static str,
    pub aantallen: Vec<Aantal>,
}

/// Registered persons per category on each date, with a total row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Peildatum {
    pub peildata: Vec<NaiveDate>,
    pub rijen: Vec<PeildatumRij>,
}

/// One row of the causes table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OorzaakRij {
    pub oorzaak: &'static str,
    pub label: &'static str,
    pub aantal: Aantal,
}

/// Registered persons per main cause on one date, with a total row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Oorzaken {
    pub peildatum: NaiveDate,
    pub rijen: Vec<OorzaakRij>,
}

/// One area of the school-year figures: the total, a sub-region or a gemeente.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchooljaarRij {
    /// `totaal`, the sub-region's name, or the gemeente's code.
    pub gebied: String,
    pub naam: String,
    pub niveau: &'static str,
    /// Unique thuiszitters incl. absoluut verzuim (without the VO-MBO gap).
    pub thuiszitters: Aantal,
    /// Unique persons with a melding, under 18 on its start date.
    pub verzuimers_onder_18: Aantal,
    /// Unique persons with a melding, 18 or older on its start date.
    pub verzuimers_18_plus: Aantal,
}

/// Unique persons per area in a school year (docs/domain.md §9.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schooljaar {
    pub jaar: String,
    pub rijen: Vec<SchooljaarRij>,
}

/// One overdue thuiszitter, for roles that may see the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeLaat {
    pub leerling: String,
    pub naam: String,
    pub gemeente: String,
    pub begin: NaiveDate,
    pub termijn: NaiveDate,
    pub dagen_te_laat: i64,
}

/// Runs of home-sitting that began in one month, and how many had an offer in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KpiMaand {
    pub maand: String,
    pub gestart: Aantal,
    pub binnen_termijn: Aantal,
}

/// The three-month KPI of a school year (docs/domain.md §9.4).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Kpi {
    pub jaar: String,
    /// The day the clocks are read: the year's last day, or today while it runs.
    pub peildatum: NaiveDate,
    pub gestart: Aantal,
    pub binnen_termijn: Aantal,
    pub te_laat: Aantal,
    pub achterstallig: Aantal,
    pub beeindigd_zonder_aanbod: Aantal,
    pub lopend: Aantal,
    /// Share of the decided runs (all but `lopend`) with an offer in time, in percent.
    pub aandeel_binnen_termijn: Option<f64>,
    /// Median days from the start of home-sitting to the offer.
    pub mediaan_dagen_tot_aanbod: Option<f64>,
    pub per_maand: Vec<KpiMaand>,
    /// The overdue persons the reader may see.
    pub te_laat_lijst: Vec<TeLaat>,
    /// Overdue persons not shown to this reader.
    pub te_laat_niet_getoond: Aantal,
    /// Per school, how its draft meldingen of the year were settled against the term.
    pub meldtermijn: Vec<MeldtermijnRij>,
}

/// One school's draft meldingen of a school year against the term (docs/domain.md §7), as they stood
/// on the report's date: confirmed within the term or after it, withdrawn by the school, and
/// still open (of which past the term). Drafts the system withdrew because their signal fell
/// away are not counted: the school never had to act on them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeldtermijnRij {
    pub school: String,
    pub naam: String,
    pub concepten: Aantal,
    pub op_tijd: Aantal,
    pub te_laat: Aantal,
    pub ingetrokken: Aantal,
    pub open: Aantal,
    pub open_te_laat: Aantal,
}

/// The Leerplichttelling's figures of one kind of absence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Telling {
    pub totaal: Aantal,
    pub bij_begin: Aantal,
    pub nieuw: Aantal,
    pub langer_dan_3_maanden: Aantal,
    pub opgelost: Aantal,
}

/// Exemptions of one article in the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VrijstellingRij {
    pub artikel: &'static str,
    pub label: &'static str,
    pub aantal: Aantal,
    /// Of which registered because no suitable offer exists (flagged, docs/domain.md §8).
    pub geen_passend_aanbod: Aantal,
}

/// Enforcement of one kind in the year: HALT referrals, or official reports under one article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HandhavingRij {
    /// `halt`, `art2` or `art4`.
    pub soort: &'static str,
    pub label: &'static str,
    pub aantal: Aantal,
}

/// The yearly Leerplichttelling (docs/domain.md §9.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Leerplichttelling {
    pub jaar: String,
    pub absoluut_verzuim: Telling,
    pub langdurig_relatief_verzuim: Telling,
    pub vrijstellingen: Vec<VrijstellingRij>,
    /// HALT referrals and official reports dated in the year (docs/domain.md §13).
    pub handhaving: Vec<HandhavingRij>,
}

/// One samenwerkingsverband in the Inspectie's overview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InspectieRij {
    /// The SWV's code, `geen` for people enrolled nowhere in one, or `totaal`.
    pub swv: String,
    pub naam: String,
    pub thuiszittend_4_weken_3_maanden: Aantal,
    pub thuiszittend_langer_dan_3_maanden: Aantal,
    pub absoluut_verzuim: Aantal,
}

/// The quarterly overview for the Inspectie on a date (docs/domain.md §9.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inspectie {
    pub peildatum: NaiveDate,
    pub rijen: Vec<InspectieRij>,
}

/// One area's school-year counts: (code, name, level, [thuiszitters, verzuimers under 18,
/// 18 and older]).
type Gebiedstelling = (String, String, &'static str, [u64; 3]);

/// The two indicators of the targets.
const INDICATOREN: [(&str, &str); 2] = [
    ("thuiszitters", "Thuiszitters (incl. absoluut verzuim)"),
    ("verzuimers_onder_18", "Ongeoorloofd verzuimers tot 18 jaar"),
];

/// The register's organisations, as the figures need them.
struct Kaart {
    /// Gemeente code → (name, sub-region).
    gemeenten: BTreeMap<String, (String, Option<String>)>,
    /// School location → its SWV.
    swv_van_school: HashMap<String, String>,
    /// School location → the gemeente it stands in.
    gemeente_van_school: HashMap<String, String>,
    namen: HashMap<String, String>,
}

impl Kaart {
    fn new(orgs: &[Organisatie]) -> Self {
        let mut k = Kaart {
            gemeenten: BTreeMap::new(),
            swv_van_school: HashMap::new(),
            gemeente_van_school: HashMap::new(),
            namen: HashMap::new(),
        };
        for o in orgs {
            k.namen.insert(o.code.as_str().to_string(), o.naam.clone());
            match o.soort {
                OrgSoort::Gemeente => {
                    k.gemeenten.insert(
                        o.code.as_str().to_string(),
                        (o.naam.clone(), o.regio.clone()),
                    );
                }
                OrgSoort::School => {
                    if let Some(g) = &o.gemeente {
                        k.gemeente_van_school
                            .insert(o.code.as_str().to_string(), g.as_str().to_string());
                    }
                    if let Some(swv) = &o.swv {
                        k.swv_van_school
                            .insert(o.code.as_str().to_string(), swv.as_str().to_string());
                    }
                }
                _ => {}
            }
        }
        k
    }
    fn regio(&self, gemeente: &str) -> Option<&str> {
        self.gemeenten.get(gemeente).and_then(|(_, r)| r.as_deref())
    }
    /// The register's own copy of a gemeente code, to count by without copying it; `""` for a
    /// gemeente the register does not know (counted in the total only).
    fn gemeente_key(&self, gemeente: &str) -> &str {
        self.gemeenten
            .get_key_value(gemeente)
            .map_or("", |(k, _)| k.as_str())
    }
    fn naam(&self, code: &str) -> String {
        self.namen
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

/// The rows of the school-year figures — the total, each sub-region, each gemeente (within
/// the filter) — from counts per gemeente. Each person is counted in one gemeente, so an
/// area's count is the sum of its gemeenten's.
fn per_gebied(
    kaart: &Kaart,
    f: &Filter<'_>,
    per_gemeente: &HashMap<&str, [u64; 3]>,
) -> Vec<Gebiedstelling> {
    let som = |binnen: &dyn Fn(&str) -> bool| {
        per_gemeente
            .iter()
            .filter(|(g, _)| binnen(g))
            .fold([0u64; 3], |acc, (_, n)| {
                [acc[0] + n[0], acc[1] + n[1], acc[2] + n[2]]
            })
    };
    let gemeenten: Vec<(&String, &(String, Option<String>))> = kaart
        .gemeenten
        .iter()
        .filter(|(g, _)| f.woont_in(g))
        .collect();
    let mut regios: Vec<&str> = gemeenten
        .iter()
        .filter_map(|(_, (_, r))| r.as_deref())
        .collect();
    regios.sort();
    regios.dedup();
    let mut out = vec![(
        "totaal".to_string(),
        "Totaal".to_string(),
        "totaal",
        som(&|_| true),
    )];
    for r in regios {
        out.push((
            r.to_string(),
            r.to_string(),
            "regio",
            som(&|g| kaart.regio(g) == Some(r)),
        ));
    }
    for (g, (naam, _)) in gemeenten {
        out.push((g.clone(), naam.clone(), "gemeente", som(&|x| x == g)));
    }
    out
}

/// Who counts, by the filters of a [`Gebied`].
struct Filter<'a> {
    gebied: &'a Gebied,
    kaart: Kaart,
}

impl Filter<'_> {
    fn woont_in(&self, gemeente: &str) -> bool {
        self.gebied
            .gemeente
            .as_deref()
            .is_none_or(|g| g == gemeente)
            && self.gebied.regio.as_deref().is_none_or(|r| {
                self.kaart
                    .regio(gemeente)
                    .is_some_and(|x| x.eq_ignore_ascii_case(r))
            })
    }
    fn school_telt(&self, school: &str) -> bool {
        self.gebied.school.as_deref().is_none_or(|s| s == school)
            && self.gebied.swv.as_deref().is_none_or(|s| {
                self.kaart
                    .swv_van_school
                    .get(school)
                    .is_some_and(|x| x == s)
            })
    }
    fn per_school(&self) -> bool {
        self.gebied.school.is_some() || self.gebied.swv.is_some()
    }
    fn per_gemeente(&self) -> bool {
        self.gebied.gemeente.is_some() || self.gebied.regio.is_some()
    }
    /// What a figure reads of the basis: what it counts by itself, and what the filters
    /// need on top (where people live, or every enrolment for the school filters).
    fn nodig(
        &self,
        personen: bool,
        inschrijvingen: WelkeInschrijvingen,
        zaken: bool,
    ) -> BasisNodig {
        BasisNodig {
            personen: personen || self.per_gemeente(),
            inschrijvingen: if self.per_school() {
                WelkeInschrijvingen::Alle
            } else {
                inschrijvingen
            },
            zaken,
        }
    }
    /// Whether a registered person counts, enrolled (for the school filters) on some day
    /// from `van` to `tot`, living (for the area filters) where they lived on the day their
    /// first period in those days began, or on `van` when it began earlier (docs/domain.md §9.7).
    fn persoon(
        &self,
        basis: &Basis,
        d: &PersoonsDossier<'_>,
        van: NaiveDate,
        tot: NaiveDate,
    ) -> bool {
        let dag = woondag(d.perioden.iter().copied(), van, tot);
        let woont_in = !self.per_gemeente()
            || d.perioden
                .first()
                .and_then(|p| basis.personen.get(&p.persoon))
                .is_some_and(|p| self.woont_in(p.gemeente_op(dag)));
        woont_in
            && (!self.per_school()
                || d.inschrijvingen.iter().any(|i| {
                    i.van <= tot && i.tot.is_none_or(|t| t >= van) && self.school_telt(&i.school)
                }))
    }
}

impl App {
    fn publiek(&self, actor: &Actor, opties: &Opties) -> bool {
        opties.publiek || actor.rol() == Some(Rol::Beleid)
    }

    /// The area asked for, with the map of the region it is checked against.
    fn filter<'o>(&self, opties: &'o Opties) -> Result<Filter<'o>> {
        Ok(Filter {
            gebied: &opties.gebied,
            kaart: self.kaart(&opties.gebied)?,
        })
    }

    fn kaart(&self, gebied: &Gebied) -> Result<Kaart> {
        let kaart = Kaart::new(&self.store().organisaties()?);
        if let Some(g) = &gebied.gemeente {
            if !kaart.gemeenten.contains_key(g) {
                return Err(AppError::Invalid(format!("gemeente: onbekend: {g}")));
            }
        }
        if let Some(r) = &gebied.regio {
            if !kaart
                .gemeenten
                .values()
                .any(|(_, x)| x.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(r)))
            {
                return Err(AppError::Invalid(format!(
                    "regio: geen gemeente in sub-regio {r}"
                )));
            }
        }
        if let Some(s) = &gebied.swv {
            if !kaart.swv_van_school.values().any(|x| x == s) {
                return Err(AppError::Invalid(format!("swv: geen school in {s}")));
            }
        }
        if let Some(s) = &gebied.school {
            if !kaart.namen.contains_key(s) {
                return Err(AppError::Invalid(format!("school: onbekend: {s}")));
            }
        }
        Ok(kaart)
    }

    /// The registrations counted on each date: (person, category, cause).
    fn op_data(
        &self,
        dates: &[NaiveDate],
        opties: &Opties,
    ) -> Result<Vec<Vec<(Categorie, Oorzaak)>>> {
        let f = self.filter(opties)?;
        let basis = self
            .store()
            .cijferbasis(opties.bekend_op, f.nodig(false, Geen, false))?;
        let per = basis.per_persoon();
        Ok(dates
            .iter()
            .map(|d| {
                per.values()
                    .filter(|x| f.persoon(&basis, x, *d, *d))
                    .flat_map(|x| x.perioden.iter().filter(|p| p.telt_op(*d)))
                    .map(|p| (p.categorie, p.oorzaak))
                    .collect()
            })
            .collect())
    }

    /// Registered persons per category on each of `dates`, plus the total.
    pub fn rapport_peildatum(
        &self,
        actor: &Actor,
        dates: &[NaiveDate],
        opties: &Opties,
    ) -> Result<Peildatum> {
        authorize(actor, Action::ReadFigures)?;
        if dates.is_empty() {
            return Err(AppError::Invalid("dates: at least one".into()));
        }
        let geteld = self.op_data(dates, opties)?;
        let mut rijen: Vec<PeildatumRij> = Categorie::ALL
            .iter()
            .map(|c| PeildatumRij {
                categorie: c.code(),
                label: c.label(),
                aantallen: geteld
                    .iter()
                    .map(|g| Aantal::new(g.iter().filter(|(x, _)| x == c).count() as u64))
                    .collect(),
            })
            .collect();
        rijen.push(PeildatumRij {
            categorie: "totaal",
            label: "Totaal",
            aantallen: geteld.iter().map(|g| Aantal::new(g.len() as u64)).collect(),
        });
        if self.publiek(actor, opties) {
            // Per date, the categories add up to the total row; cells row by row.
            let (totaal, n) = (rijen.len() - 1, dates.len());
            let groepen: Vec<(Vec<usize>, usize)> = (0..n)
                .map(|j| ((0..totaal).map(|i| i * n + j).collect(), totaal * n + j))
                .collect();
            let cellen: Vec<&mut Aantal> = rijen
                .iter_mut()
                .flat_map(|r| r.aantallen.iter_mut())
                .collect();
            publiceer(cellen, &groepen);
        }
        Ok(Peildatum {
            peildata: dates.to_vec(),
            rijen,
        })
    }

    /// Registered persons per main cause on `on`, plus the total.
    pub fn rapport_oorzaken(
        &self,
        actor: &Actor,
        on: NaiveDate,
        opties: &Opties,
    ) -> Result<Oorzaken> {
        authorize(actor, Action::ReadFigures)?;
        let geteld = self.op_data(&[on], opties)?.remove(0);
        let mut rijen: Vec<OorzaakRij> = Oorzaak::ALL
            .iter()
            .map(|o| OorzaakRij {
                oorzaak: o.code(),
                label: o.label(),
                aantal: Aantal::new(geteld.iter().filter(|(_, x)| x == o).count() as u64),
            })
            .collect();
        rijen.push(OorzaakRij {
            oorzaak: "totaal",
            label: "Totaal",
            aantal: Aantal::new(geteld.len() as u64),
        });
        if self.publiek(actor, opties) {
            let totaal = rijen.len() - 1;
            publiceer(
                rijen.iter_mut().map(|r| &mut r.aantal).collect(),
                &[((0..totaal).collect(), totaal)],
            );
        }
        Ok(Oorzaken {
            peildatum: on,
            rijen,
        })
    }

    /// Unique thuiszitters and absentees per area in each of `jaren`, as plain counts.
    fn schooljaar_tellingen(
        &self,
        jaren: &[SchoolYear],
        opties: &Opties,
        f: &Filter,
    ) -> Result<Vec<Vec<Gebiedstelling>>> {
        let sneden: Vec<(SchoolYear, Vec<NaiveDate>)> =
            jaren.iter().map(|j| (*j, vec![j.last_day()])).collect();
        Ok(self
            .tellingen_tot(&sneden, opties, f)?
            .into_iter()
            .map(|mut t| t.remove(0))
            .collect())
    }

    /// Unique thuiszitters and absentees per area in each school year of `sneden`, counted
    /// from its first day up to each of its days (a day past the year's end counts the whole
    /// year; one before its start, nothing). The registrations are read once for all years,
    /// and each year's meldingen are counted on a thread of their own meanwhile: at national
    /// scale these are the reads that take time.
    fn tellingen_tot(
        &self,
        sneden: &[(SchoolYear, Vec<NaiveDate>)],
        opties: &Opties,
        f: &Filter,
    ) -> Result<Vec<Vec<Vec<Gebiedstelling>>>> {
        let kaart = &f.kaart;
        let (basis, verzuimers) = std::thread::scope(|scope| {
            let verzuimers: Vec<_> = sneden
                .iter()
                .map(|(jaar, tot)| {
                    scope.spawn(move || self.verzuimers_per_gemeente(*jaar, tot, opties, f))
                })
                .collect();
            let basis = self
                .store()
                .cijferbasis(opties.bekend_op, f.nodig(true, Thuiszitters, false));
            let verzuimers: Vec<_> = verzuimers
                .into_iter()
                .map(|t| t.join().expect("a counting thread does not panic"))
                .collect();
            (basis, verzuimers)
        });
        let basis = basis?;
        let dossiers = basis.per_persoon();
        let kalender = self.regiokalender()?;
        sneden
            .iter()
            .zip(verzuimers)
            .map(|((jaar, tot), verzuimers)| {
                tot.iter()
                    .zip(verzuimers?)
                    .map(|(tot, mut per_gemeente)| {
                        let (s, e) = (jaar.first_day(), (*tot).min(jaar.last_day()));
                        if s <= e {
                            for (persoon, d) in &dossiers {
                                if thuiszitter_tussen(d, s, e, kalender.common())
                                    && f.persoon(&basis, d, s, e)
                                {
                                    let dag = woondag(d.perioden.iter().copied(), s, e);
                                    let g = kaart
                                        .gemeente_key(basis.personen[persoon].gemeente_op(dag));
                                    per_gemeente.entry(g).or_default()[0] += 1;
                                }
                            }
                        }
                        Ok(per_gebied(kaart, f, &per_gemeente))
                    })
                    .collect()
            })
            .collect()
    }

    /// Per gemeente and for each day of `tot`, the unique persons with a melding in `jaar` up
    /// to that day, under 18 and 18 or older on its start date (in places 1 and 2; place 0 is
    /// for the thuiszitters). A person counts in the gemeente they lived in at their latest
    /// melding of the year up to the day.
    ///
    /// For whole years without a school filter and for now, the database's own count answers
    /// ([`Store::verzuimers_telling`](leerrecht_store::Store::verzuimers_telling)). Otherwise
    /// the meldingen themselves are read once: a national year has well over a million,
    /// gathered as small rows and sorted by person, which costs less than a hash map of
    /// persons looked up at random.
    fn verzuimers_per_gemeente<'k>(
        &self,
        jaar: SchoolYear,
        tot: &[NaiveDate],
        opties: &Opties,
        f: &'k Filter<'_>,
    ) -> Result<Vec<HashMap<&'k str, [u64; 3]>>> {
        let mut per_gemeente: HashMap<&'k str, [u64; 3]> = HashMap::new();
        let snel = opties.bekend_op.is_none()
            && !f.per_school()
            && tot.iter().all(|t| *t >= jaar.last_day());
        if snel {
            for (volwassen, g, n) in self.store().verzuimers_telling(jaar)? {
                if f.woont_in(&g) {
                    per_gemeente.entry(f.kaart.gemeente_key(&g)).or_default()
                        [1 + usize::from(volwassen)] += n;
                }
            }
        }
        // Gemeente 0 is one the register does not know (counted in the total only).
        let mut codes: Vec<&'k str> = vec![""];
        codes.extend(f.kaart.gemeenten.keys().map(String::as_str));
        let index: HashMap<&str, u16> = codes
            .iter()
            .enumerate()
            .map(|(i, g)| (*g, i as u16))
            .collect();
        let mut rijen: Vec<(i64, bool, NaiveDate, u16)> = Vec::new();
        let mut tel = |m: cijfers::Melding<'_>| {
            if !f.woont_in(m.gemeente) || (f.per_school() && !f.school_telt(m.school)) {
                return;
            }
            let g = index.get(m.gemeente).copied().unwrap_or(0);
            rijen.push((m.persoon, m.meerderjarig, m.begindatum, g));
        };
        let laatste = tot
            .iter()
            .copied()
            .max()
            .unwrap_or(jaar.first_day())
            .min(jaar.last_day());
        // The database's count holds the live meldingen only: the anonymous ones that
        // retention kept (other persons, by construction) are counted here beside it.
        if snel {
            self.store().cijfer_meldingen_anoniem(
                jaar.first_day(),
                jaar.last_day(),
                None,
                &mut tel,
            )?;
        } else if laatste >= jaar.first_day() {
            self.store()
                .cijfer_meldingen(jaar.first_day(), laatste, opties.bekend_op, &mut tel)?;
        }
        rijen.sort_unstable();
        let mut uit = vec![per_gemeente; tot.len()];
        // Per (person, age class), their meldingen by date: the last one up to a day is their
        // latest melding of the year by then.
        for groep in rijen.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            for (dag, per_gemeente) in tot.iter().zip(uit.iter_mut()) {
                let n = groep.partition_point(|r| r.2 <= *dag);
                if let Some(r) = n.checked_sub(1).map(|i| groep[i]) {
                    per_gemeente.entry(codes[usize::from(r.3)]).or_default()
                        [1 + usize::from(r.1)] += 1;
                }
            }
        }
        Ok(uit)
    }

    /// Unique persons per area in school year `jaar` (docs/domain.md §9.2).
    pub fn rapport_schooljaar(
        &self,
        actor: &Actor,
        jaar: SchoolYear,
        opties: &Opties,
    ) -> Result<Schooljaar> {
        authorize(actor, Action::ReadFigures)?;
        let f = self.filter(opties)?;
        let publiek = self.publiek(actor, opties);
        let mut rijen: Vec<SchooljaarRij> = self
            .schooljaar_tellingen(&[jaar], opties, &f)?
            .remove(0)
            .into_iter()
            .map(|(gebied, naam, niveau, [t, o, p])| SchooljaarRij {
                gebied,
                naam,
                niveau,
                thuiszitters: t.into(),
                verzuimers_onder_18: o.into(),
                verzuimers_18_plus: p.into(),
            })
            .collect();
        if publiek {
            let groepen = gebied_groepen(
                &rijen
                    .iter()
                    .map(|r| (r.gebied.as_str(), r.niveau))
                    .collect::<Vec<_>>(),
                &f.kaart,
            );
            publiceer(
                rijen.iter_mut().map(|r| &mut r.thuiszitters).collect(),
                &groepen,
            );
            publiceer(
                rijen
                    .iter_mut()
                    .map(|r| &mut r.verzuimers_onder_18)
                    .collect(),
                &groepen,
            );
            publiceer(
                rijen
                    .iter_mut()
                    .map(|r| &mut r.verzuimers_18_plus)
                    .collect(),
                &groepen,
            );
        }
        Ok(Schooljaar {
            jaar: jaar.to_string(),
            rijen,
        })
    }

    /// The three-month KPI of school year `jaar`, its clocks read on the year's last day or
    /// `vandaag` if earlier. The overdue persons are listed for readers who may see them,
    /// each read audited; the others get the count.
    pub fn rapport_kpi(
        &self,
        actor: &Actor,
        jaar: SchoolYear,
        vandaag: NaiveDate,
        regels: &Escalatieregels,
        opties: &Opties,
    ) -> Result<Kpi> {
        authorize(actor, Action::ReadFigures)?;
        let f = self.filter(opties)?;
        let (s, e) = (jaar.first_day(), jaar.last_day());
        // The cases that began in the year, each judged on the day asked: a year that has
        // ended is judged on that day too, so a case whose deadline passed after 31 July
        // without an offer counts as overdue rather than as still running.
        let op = vandaag;
        // Who the overdue are is read for them alone, below: the register of everyone ever
        // registered is only needed where people live counts.
        let basis = self
            .store()
            .cijferbasis(opties.bekend_op, f.nodig(false, Thuiszitters, true))?;
        let per: BTreeMap<i64, PersoonsDossier<'_>> = basis
            .per_persoon()
            .into_iter()
            .filter(|(_, d)| f.persoon(&basis, d, s, e))
            .collect();
        let kalender = self.regiokalender()?;
        let rr = Runregels {
            schooldagen: kalender.common(),
            max_onderbreking: regels.onderbreking_schooldagen,
        };
        let gevallen = kpi_gevallen(&per, s, e, op, regels.aanbod_maanden, &rr);
        let tel = |u: KpiUitkomst| gevallen.iter().filter(|g| g.uitkomst == u).count() as u64;
        let binnen = tel(KpiUitkomst::BinnenTermijn);
        let beslist = gevallen.len() as u64 - tel(KpiUitkomst::Lopend);
        let mut maanden: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for g in &gevallen {
            let m = maanden
                .entry(format!("{:04}-{:02}", g.begin.year(), g.begin.month()))
                .or_default();
            m.0 += 1;
            m.1 += u64::from(g.uitkomst == KpiUitkomst::BinnenTermijn);
        }
        let mut lijst = Vec::new();
        let mut niet_getoond = 0;
        let ziet_personen = match actor {
            Actor::LocalOperator { .. } => true,
            Actor::Gebruiker(g) => g.rol.sees_persons(),
            Actor::Systeem(_) => false,
        };
        // Each person shown is decided by the gate and audited, as `toegang_als_mag` does,
        // but with the entries of the whole list in one commit (a listing's way): one commit
        // per person was most of the report's time at national scale.
        let now = self.now();
        let mut gezien = Vec::new();
        for g in gevallen
            .iter()
            .filter(|g| g.uitkomst == KpiUitkomst::Achterstallig)
        {
            // A figure row kept by retention names no one (its number is negative): counted,
            // never shown.
            let ctx = match g.persoon {
                p if ziet_personen && p > 0 => {
                    self.store().persoon_context_van_id(p, now.date_naive())?
                }
                _ => None,
            };
            let leerling = ctx.as_ref().map(|c| c.jongere.leerling_id());
            let reden = match &ctx {
                Some(ctx) => match self.beslissing(actor, Gebruik::RegistratiesLezen, ctx, now)? {
                    Beslissing::Toegestaan(_) => Some(None),
                    Beslissing::Noodtoegang(r) => Some(Some(r)),
                    Beslissing::Geweigerd(_) | Beslissing::ZonderDoel => None,
                },
                None => None,
            };
            let (Some(ctx), Some(reden), Some(leerling)) = (ctx, reden, leerling) else {
                niet_getoond += 1;
                continue;
            };
            gezien.push((self.pseudoniem(leerling)?, reden));
            let j = &ctx.jongere;
            lijst.push(TeLaat {
                leerling: leerling.to_string(),
                naam: format!("{} {}", j.voornamen, j.achternaam),
                gemeente: j.gemeente.as_str().to_string(),
                begin: g.begin,
                termijn: g.termijn,
                dagen_te_laat: (op - g.termijn).num_days(),
            });
        }
        self.audit_personen(
            actor,
            Gebruik::RegistratiesLezen.code(),
            gezien,
            "kpi te laat",
        )?;
        lijst.sort_by_key(|t| std::cmp::Reverse(t.dagen_te_laat));
        let meldtermijn = self.meldtermijn(&f, &kalender, s, op, regels)?;
        let mut kpi = Kpi {
            jaar: jaar.to_string(),
            peildatum: op,
            gestart: (gevallen.len() as u64).into(),
            binnen_termijn: binnen.into(),
            te_laat: tel(KpiUitkomst::TeLaat).into(),
            achterstallig: tel(KpiUitkomst::Achterstallig).into(),
            beeindigd_zonder_aanbod: tel(KpiUitkomst::BeeindigdZonderAanbod).into(),
            lopend: tel(KpiUitkomst::Lopend).into(),
            aandeel_binnen_termijn: (beslist > 0)
                .then(|| (binnen as f64 * 1000.0 / beslist as f64).round() / 10.0),
            mediaan_dagen_tot_aanbod: mediaan(
                gevallen
                    .iter()
                    .filter_map(|g| g.aanbod.map(|a| (a - g.begin).num_days()))
                    .collect(),
            ),
            per_maand: maanden
                .into_iter()
                .map(|(maand, (n, b))| KpiMaand {
                    maand,
                    gestart: n.into(),
                    binnen_termijn: b.into(),
                })
                .collect(),
            te_laat_lijst: lijst,
            te_laat_niet_getoond: niet_getoond.into(),
            meldtermijn,
        };
        if self.publiek(actor, opties) {
            kpi.te_laat_niet_getoond.publiek();
            // The outcomes add up to the runs begun; per month, the runs begun and those with
            // an offer in time add up to theirs.
            let maanden = kpi.per_maand.len();
            let mut cellen: Vec<&mut Aantal> = vec![
                &mut kpi.gestart,
                &mut kpi.binnen_termijn,
                &mut kpi.te_laat,
                &mut kpi.achterstallig,
                &mut kpi.beeindigd_zonder_aanbod,
                &mut kpi.lopend,
            ];
            for m in &mut kpi.per_maand {
                cellen.push(&mut m.gestart);
                cellen.push(&mut m.binnen_termijn);
            }
            publiceer(
                cellen,
                &[
                    ((1..=5).collect(), 0),
                    ((0..maanden).map(|m| 6 + 2 * m).collect(), 0),
                    ((0..maanden).map(|m| 7 + 2 * m).collect(), 1),
                ],
            );
            // A share or a median over hidden counts would give them away.
            if [
                &kpi.gestart,
                &kpi.binnen_termijn,
                &kpi.te_laat,
                &kpi.achterstallig,
                &kpi.beeindigd_zonder_aanbod,
                &kpi.lopend,
            ]
            .iter()
            .any(|a| a.verborgen)
            {
                kpi.aandeel_binnen_termijn = None;
            }
            if kpi.binnen_termijn.verborgen || kpi.te_laat.verborgen {
                kpi.mediaan_dagen_tot_aanbod = None;
            }
            kpi.te_laat_lijst.clear();
            for r in &mut kpi.meldtermijn {
                publiceer(
                    vec![
                        &mut r.concepten,
                        &mut r.op_tijd,
                        &mut r.te_laat,
                        &mut r.ingetrokken,
                        &mut r.open,
                        &mut r.open_te_laat,
                    ],
                    &[((1..=4).collect(), 0)],
                );
            }
        }
        Ok(kpi)
    }

    /// Per school, its drafts that began from `van` to `op` against the term, as they stood
    /// on `op` (see [`MeldtermijnRij`]). Figures about schools, not persons.
    fn meldtermijn(
        &self,
        f: &Filter<'_>,
        kalender: &Kalender,
        van: NaiveDate,
        op: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Vec<MeldtermijnRij>> {
        #[derive(Default)]
        struct Tel {
            concepten: u64,
            op_tijd: u64,
            te_laat: u64,
            ingetrokken: u64,
            open: u64,
            open_te_laat: u64,
        }
        let mut per: BTreeMap<String, Tel> = BTreeMap::new();
        if op < van {
            return Ok(Vec::new());
        }
        for m in self.store().concepten(van, op)? {
            let school = m.school.as_str();
            let gemeente_telt = !f.per_gemeente()
                || f.kaart
                    .gemeente_van_school
                    .get(school)
                    .is_some_and(|g| f.woont_in(g));
            if !gemeente_telt || !f.school_telt(school) {
                continue;
            }
            // As it stood on `op`: a later confirmation or withdrawal had not happened yet.
            let bevestigd = m.bevestigd.filter(|d| *d <= op);
            let ingetrokken = m.ingetrokken.filter(|d| *d <= op);
            if ingetrokken.is_some() && m.vervallen {
                continue;
            }
            let dagen = match school.parse::<leerrecht_domain::ids::SchoolCode>() {
                Ok(code) => kalender.voor_school(&code),
                Err(_) => kalender.common(),
            };
            let termijn = concept_termijn(dagen, m.begindatum, regels.melding_termijn_schooldagen);
            let t = per.entry(school.to_string()).or_default();
            t.concepten += 1;
            match (bevestigd, ingetrokken) {
                (Some(b), _) if b <= termijn => t.op_tijd += 1,
                (Some(_), _) => t.te_laat += 1,
                (None, Some(_)) => t.ingetrokken += 1,
                (None, None) => {
                    t.open += 1;
                    t.open_te_laat += u64::from(schooldagen_over(dagen, termijn, op) > 0);
                }
            }
        }
        Ok(per
            .into_iter()
            .map(|(school, t)| MeldtermijnRij {
                naam: f.kaart.namen.get(&school).cloned().unwrap_or_default(),
                school,
                concepten: t.concepten.into(),
                op_tijd: t.op_tijd.into(),
                te_laat: t.te_laat.into(),
                ingetrokken: t.ingetrokken.into(),
                open: t.open.into(),
                open_te_laat: t.open_te_laat.into(),
            })
            .collect())
    }

    /// The Leerplichttelling of school year `jaar` (docs/domain.md §9.5), as it stood on the year's
    /// last day or `vandaag` if earlier.
    pub fn rapport_leerplichttelling(
        &self,
        actor: &Actor,
        jaar: SchoolYear,
        vandaag: NaiveDate,
        regels: &Escalatieregels,
        opties: &Opties,
    ) -> Result<Leerplichttelling> {
        authorize(actor, Action::ReadFigures)?;
        let f = self.filter(opties)?;
        let (s, e) = (jaar.first_day(), jaar.last_day());
        // The candidates for absolute absence are read beside the basis: at national scale
        // both take most of a second, the first from the whole register of duty age.
        let (basis, kandidaten) = std::thread::scope(|scope| {
            let kandidaten =
                (!f.per_school()).then(|| scope.spawn(|| self.av_kandidaten_op(jaar, vandaag)));
            let basis = self
                .store()
                .cijferbasis(opties.bekend_op, f.nodig(true, Thuiszitters, true));
            let kandidaten = kandidaten
                .map(|t| t.join().expect("a reading thread does not panic"))
                .transpose();
            (basis, kandidaten)
        });
        let (basis, kandidaten) = (basis?, kandidaten?);
        let per: BTreeMap<i64, PersoonsDossier<'_>> = basis
            .per_persoon()
            .into_iter()
            .filter(|(_, d)| f.persoon(&basis, d, s, e))
            .collect();
        let publiek = self.publiek(actor, opties);
        let kalender = self.regiokalender()?;
        let rr = Runregels {
            schooldagen: kalender.common(),
            max_onderbreking: regels.onderbreking_schooldagen,
        };
        // The signals count too (`telling_signalen`), each person once.
        let geteld = |c: Categorie| -> HashSet<_> {
            looptijden(&per, c, jaar, vandaag, &rr)
                .totaal
                .iter()
                .filter_map(|p| basis.personen.get(p).and_then(|x| x.leerling))
                .collect()
        };
        let (av_signalen, lrv_signalen) = self.telling_signalen(
            jaar,
            vandaag,
            &crate::cijfers::telling::Gebiedstoets {
                woont_in: &|g| f.woont_in(g),
                school_telt: &|s| f.school_telt(s),
                per_school: f.per_school(),
            },
            &geteld(Categorie::AbsoluutVerzuim),
            &geteld(Categorie::Thuiszittend),
            kandidaten,
        )?;
        let telling = |c: Categorie| {
            let l = looptijden(&per, c, jaar, vandaag, &rr);
            let (erbij, nieuw_erbij) = match c {
                Categorie::AbsoluutVerzuim => (av_signalen, 0),
                _ => (lrv_signalen, lrv_signalen),
            };
            let mut t = Telling {
                totaal: (l.totaal.len() as u64 + erbij).into(),
                bij_begin: (l.bij_begin.len() as u64).into(),
                nieuw: (l.nieuw.len() as u64 + nieuw_erbij).into(),
                langer_dan_3_maanden: (l.langer_dan_3_maanden.len() as u64).into(),
                opgelost: (l.opgelost.len() as u64).into(),
            };
            if publiek {
                t.langer_dan_3_maanden.publiek();
                t.opgelost.publiek();
                // Those at the start and the new ones make up the total.
                publiceer(
                    vec![&mut t.totaal, &mut t.bij_begin, &mut t.nieuw],
                    &[(vec![1, 2], 0)],
                );
            }
            t
        };
        // Exemptions of persons in the area: everyone with a case is in the basis.
        let mut op_school: HashSet<i64> = HashSet::new();
        if f.per_school() {
            op_school.extend(
                basis
                    .inschrijvingen
                    .iter()
                    .filter(|i| {
                        i.van <= e && i.tot.is_none_or(|t| t >= s) && f.school_telt(&i.school)
                    })
                    .map(|i| i.persoon),
            );
        }
        // Where the person lived on the day the exemption began (docs/domain.md §9.7).
        let in_gebied = |id: &i64, dag: NaiveDate| {
            basis
                .personen
                .get(id)
                .is_some_and(|p| f.woont_in(p.gemeente_op(dag)))
                && (!f.per_school() || op_school.contains(id))
        };
        let vrijstellingen = Artikel::ALL
            .iter()
            .map(|a| {
                let v: Vec<_> = basis
                    .vrijstellingen
                    .iter()
                    .filter(|v| {
                        v.artikel == *a
                            && jaar.contains(v.van)
                            && v.van <= vandaag
                            && in_gebied(&v.persoon, v.van)
                    })
                    .collect();
                let mut r = VrijstellingRij {
                    artikel: a.code(),
                    label: a.label(),
                    aantal: (v.len() as u64).into(),
                    geen_passend_aanbod: (v.iter().filter(|v| v.geen_passend_aanbod).count()
                        as u64)
                        .into(),
                };
                if publiek {
                    r.aantal.publiek();
                    r.geen_passend_aanbod.publiek();
                }
                r
            })
            .collect();
        // Enforcement dated in the year, of persons in the area on its day.
        let soorten: [(&'static str, &'static str); 3] = [
            ("halt", "HALT-verwijzingen"),
            ("art2", "Processen-verbaal art. 2 (ouders)"),
            ("art4", "Processen-verbaal art. 4 (jongere)"),
        ];
        let handhaving = soorten
            .into_iter()
            .map(|(soort, label)| {
                let n = basis
                    .handhaving
                    .iter()
                    .filter(|h| {
                        h.code() == soort
                            && jaar.contains(h.datum)
                            && h.datum <= vandaag
                            && in_gebied(&h.persoon, h.datum)
                    })
                    .count();
                let mut aantal: Aantal = (n as u64).into();
                if publiek {
                    aantal.publiek();
                }
                HandhavingRij {
                    soort,
                    label,
                    aantal,
                }
            })
            .collect();
        Ok(Leerplichttelling {
            jaar: jaar.to_string(),
            absoluut_verzuim: telling(Categorie::AbsoluutVerzuim),
            langdurig_relatief_verzuim: telling(Categorie::Thuiszittend),
            vrijstellingen,
            handhaving,
        })
    }

    /// The Inspectie's overview on `on`: per SWV the thuiszitters by how long they have been
    /// at home, and absoluut verzuim (docs/domain.md §9.5). A person belongs to the SWV of the school
    /// they are enrolled at on the date, else of their last school.
    pub fn rapport_inspectie(
        &self,
        actor: &Actor,
        on: NaiveDate,
        regels: &Escalatieregels,
        opties: &Opties,
    ) -> Result<Inspectie> {
        authorize(actor, Action::ReadFigures)?;
        let f = self.filter(opties)?;
        let basis = self
            .store()
            .cijferbasis(opties.bekend_op, f.nodig(false, Thuiszitters, false))?;
        let mut per_swv: BTreeMap<String, [u64; 3]> = BTreeMap::new();
        let kalender = self.regiokalender()?;
        let rr = Runregels {
            schooldagen: kalender.common(),
            max_onderbreking: regels.onderbreking_schooldagen,
        };
        for d in basis.per_persoon().values() {
            if !f.persoon(&basis, d, on, on) {
                continue;
            }
            let kolom = match duur_op(d, on, &rr) {
                Some(Duur::TotDrieMaanden) => 0,
                Some(Duur::MeerDanDrieMaanden) => 1,
                None if d
                    .perioden
                    .iter()
                    .any(|p| p.categorie == Categorie::AbsoluutVerzuim && p.telt_op(on)) =>
                {
                    2
                }
                None => continue,
            };
            let school = d
                .inschrijvingen
                .iter()
                .filter(|i| i.van <= on)
                .max_by_key(|i| (i.telt_op(on), i.tot.unwrap_or(NaiveDate::MAX), i.van))
                .map(|i| i.school.as_str());
            let swv = school
                .and_then(|s| f.kaart.swv_van_school.get(s))
                .cloned()
                .unwrap_or_else(|| "geen".into());
            per_swv.entry(swv).or_default()[kolom] += 1;
        }
        let mut totaal = [0u64; 3];
        let mut rijen: Vec<InspectieRij> = per_swv
            .into_iter()
            .map(|(swv, n)| {
                for i in 0..3 {
                    totaal[i] += n[i];
                }
                InspectieRij {
                    naam: if swv == "geen" {
                        "Niet ingeschreven bij een samenwerkingsverband".into()
                    } else {
                        f.kaart.naam(&swv)
                    },
                    swv,
                    thuiszittend_4_weken_3_maanden: n[0].into(),
                    thuiszittend_langer_dan_3_maanden: n[1].into(),
                    absoluut_verzuim: n[2].into(),
                }
            })
            .collect();
        rijen.push(InspectieRij {
            swv: "totaal".into(),
            naam: "Totaal".into(),
            thuiszittend_4_weken_3_maanden: totaal[0].into(),
            thuiszittend_langer_dan_3_maanden: totaal[1].into(),
            absoluut_verzuim: totaal[2].into(),
        });
        if self.publiek(actor, opties) {
            // Per column, the SWVs add up to the total row.
            let totaal = rijen.len() - 1;
            let groep = [((0..totaal).collect(), totaal)];
            publiceer(
                rijen
                    .iter_mut()
                    .map(|r| &mut r.thuiszittend_4_weken_3_maanden)
                    .collect(),
                &groep,
            );
            publiceer(
                rijen
                    .iter_mut()
                    .map(|r| &mut r.thuiszittend_langer_dan_3_maanden)
                    .collect(),
                &groep,
            );
            publiceer(
                rijen.iter_mut().map(|r| &mut r.absoluut_verzuim).collect(),
                &groep,
            );
        }
        Ok(Inspectie {
            peildatum: on,
            rijen,
        })
    }
}

fn aantal(a: &Aantal) -> Cel {
    Cel::Aantal(*a)
}

/// The first two cells of a row about an area or organisation: its code and its name.
pub(crate) fn naam_en_code(code: &str, naam: &str) -> Vec<Cel> {
    vec![Cel::Tekst(code.into()), Cel::Tekst(naam.into())]
}

/// A row of a table of key figures: the figure's label and its value.
fn kengetal((label, waarde): &(&str, Cel)) -> Vec<Cel> {
    vec![Cel::Tekst(label.to_string()), waarde.clone()]
}

impl Peildatum {
    pub fn weergave(&self) -> Weergave {
        let mut kolommen = vec!["Categorie".to_string()];
        kolommen.extend(self.peildata.iter().map(|d| d.to_string()));
        let rijen = self
            .rijen
            .iter()
            .map(|r| {
                let mut v = vec![Cel::Tekst(r.label.into())];
                v.extend(r.aantallen.iter().map(aantal));
                v
            })
            .collect();
        Weergave {
            titel: "Thuiszitters per categorie op peildata".into(),
            tabellen: vec![Tabel {
                titel: "Per categorie".into(),
                kolommen,
                rijen,
            }],
            grafieken: vec![Grafiek {
                titel: "Categorieën over de peildata".into(),
                soort: GrafiekSoort::Staven,
                labels: self.peildata.iter().map(|d| d.to_string()).collect(),
                reeksen: self
                    .rijen
                    .iter()
                    .filter(|r| r.categorie != "totaal")
                    .map(|r| {
                        (
                            r.label.to_string(),
                            r.aantallen
                                .iter()
                                .map(|a| a.getal().map(|n| n as f64))
                                .collect(),
                        )
                    })
                    .collect(),
                band: None,
            }],
            ..Weergave::default()
        }
    }
}

impl Oorzaken {
    pub fn weergave(&self) -> Weergave {
        Weergave {
            titel: format!("Hoofdoorzaken op {}", self.peildatum),
            tabellen: vec![Tabel::per(
                "Per hoofdoorzaak",
                &["Hoofdoorzaak", "Aantal"],
                &self.rijen,
                |r| vec![Cel::Tekst(r.label.into()), aantal(&r.aantal)],
            )],
            grafieken: vec![Grafiek {
                titel: "Hoofdoorzaken".into(),
                soort: GrafiekSoort::Staven,
                labels: self
                    .rijen
                    .iter()
                    .filter(|r| r.oorzaak != "totaal")
                    .map(|r| r.label.to_string())
                    .collect(),
                reeksen: vec![(
                    "Aantal".into(),
                    self.rijen
                        .iter()
                        .filter(|r| r.oorzaak != "totaal")
                        .map(|r| r.aantal.getal().map(|n| n as f64))
                        .collect(),
                )],
                band: None,
            }],
            ..Weergave::default()
        }
    }
}

impl Schooljaar {
    pub fn weergave(&self) -> Weergave {
        Weergave {
            titel: format!("Thuiszitters en verzuimers in schooljaar {}", self.jaar),
            tabellen: vec![Tabel::per(
                "Unieke personen",
                &[
                    "Gebied",
                    "Naam",
                    "Thuiszitters (incl. absoluut verzuim)",
                    "Verzuimers tot 18 jaar",
                    "Verzuimers 18 jaar en ouder",
                ],
                &self.rijen,
                |r| {
                    let mut rij = naam_en_code(&r.gebied, &r.naam);
                    rij.extend(
                        [
                            &r.thuiszitters,
                            &r.verzuimers_onder_18,
                            &r.verzuimers_18_plus,
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

impl Kpi {
    pub fn weergave(&self) -> Weergave {
        let getal = |x: Option<f64>| x.map_or(Cel::Leeg, Cel::Getal);
        let mut tabellen = vec![
            Tabel::per(
                "Aanbod binnen drie maanden",
                &["Kengetal", "Waarde"],
                &[
                    ("Gestart", aantal(&self.gestart)),
                    ("Aanbod binnen termijn", aantal(&self.binnen_termijn)),
                    ("Aanbod na de termijn", aantal(&self.te_laat)),
                    ("Achterstallig (geen aanbod)", aantal(&self.achterstallig)),
                    (
                        "Beëindigd zonder aanbod",
                        aantal(&self.beeindigd_zonder_aanbod),
                    ),
                    ("Termijn loopt nog", aantal(&self.lopend)),
                    (
                        "Aandeel binnen termijn (%)",
                        getal(self.aandeel_binnen_termijn),
                    ),
                    (
                        "Mediaan dagen tot aanbod",
                        getal(self.mediaan_dagen_tot_aanbod),
                    ),
                ],
                kengetal,
            ),
            Tabel::per(
                "Per maand van start",
                &["Maand", "Gestart", "Binnen termijn"],
                &self.per_maand,
                |m| {
                    vec![
                        Cel::Tekst(m.maand.clone()),
                        aantal(&m.gestart),
                        aantal(&m.binnen_termijn),
                    ]
                },
            ),
        ];
        if !self.te_laat_lijst.is_empty() {
            tabellen.push(Tabel::per(
                "Achterstallig",
                &[
                    "Leerling",
                    "Naam",
                    "Gemeente",
                    "Begin",
                    "Termijn",
                    "Dagen te laat",
                ],
                &self.te_laat_lijst,
                |t| {
                    vec![
                        Cel::Tekst(t.leerling.clone()),
                        Cel::Tekst(t.naam.clone()),
                        Cel::Tekst(t.gemeente.clone()),
                        Cel::Tekst(t.begin.to_string()),
                        Cel::Tekst(t.termijn.to_string()),
                        Cel::Getal(t.dagen_te_laat as f64),
                    ]
                },
            ));
        }
        if !self.meldtermijn.is_empty() {
            tabellen.push(Tabel::per(
                "Conceptmeldingen binnen de termijn, per school",
                &[
                    "School",
                    "Naam",
                    "Concepten",
                    "Op tijd bevestigd",
                    "Te laat bevestigd",
                    "Ingetrokken",
                    "Open",
                    "Open, te laat",
                ],
                &self.meldtermijn,
                |r| {
                    let mut rij = naam_en_code(&r.school, &r.naam);
                    rij.extend(
                        [
                            &r.concepten,
                            &r.op_tijd,
                            &r.te_laat,
                            &r.ingetrokken,
                            &r.open,
                            &r.open_te_laat,
                        ]
                        .map(aantal),
                    );
                    rij
                },
            ));
        }
        Weergave {
            titel: format!("Aanbod binnen drie maanden, schooljaar {}", self.jaar),
            toelichting: vec![
                format!("Stand op {}.", self.peildatum),
                format!(
                    "Gevallen die in schooljaar {} begonnen, elk beoordeeld op de stand van die dag.",
                    self.jaar
                ),
            ],
            tabellen,
            grafieken: vec![Grafiek {
                titel: "Aandeel met aanbod binnen drie maanden, per maand van start (%)".into(),
                soort: GrafiekSoort::Lijn,
                labels: self.per_maand.iter().map(|m| m.maand.clone()).collect(),
                reeksen: vec![(
                    "Binnen termijn (%)".into(),
                    self.per_maand
                        .iter()
                        .map(|m| match (m.gestart.getal(), m.binnen_termijn.getal()) {
                            (Some(n), Some(b)) if n > 0 => Some(b as f64 * 100.0 / n as f64),
                            _ => None,
                        })
                        .collect(),
                )],
                band: None,
            }],
            engels: false,
        }
    }
}

impl Leerplichttelling {
    pub fn weergave(&self) -> Weergave {
        let telling = |titel: &str, t: &Telling| {
            Tabel::per(
                titel,
                &["Kengetal", "Aantal"],
                &[
                    ("Totaal in het schooljaar", aantal(&t.totaal)),
                    ("Bij begin schooljaar", aantal(&t.bij_begin)),
                    ("Nieuw", aantal(&t.nieuw)),
                    ("Langer dan 3 maanden", aantal(&t.langer_dan_3_maanden)),
                    ("Opgelost", aantal(&t.opgelost)),
                ],
                kengetal,
            )
        };
        Weergave {
            titel: format!("Leerplichttelling {}", self.jaar),
            tabellen: vec![
                telling("Absoluut verzuim", &self.absoluut_verzuim),
                telling(
                    "Langdurig relatief verzuim",
                    &self.langdurig_relatief_verzuim,
                ),
                Tabel::per(
                    "Vrijstellingen",
                    &["Artikel", "Aantal", "Waarvan wegens geen passend aanbod"],
                    &self.vrijstellingen,
                    |v| {
                        vec![
                            Cel::Tekst(v.label.into()),
                            aantal(&v.aantal),
                            aantal(&v.geen_passend_aanbod),
                        ]
                    },
                ),
                Tabel::per(
                    "Handhaving",
                    &["Kengetal", "Aantal"],
                    &self.handhaving,
                    |h| vec![Cel::Tekst(h.label.into()), aantal(&h.aantal)],
                ),
            ],
            ..Weergave::default()
        }
    }
}

impl Inspectie {
    pub fn weergave(&self) -> Weergave {
        Weergave {
            titel: format!(
                "Overzicht thuiszitters voor de Inspectie, {}",
                self.peildatum
            ),
            tabellen: vec![Tabel::per(
                "Per samenwerkingsverband",
                &[
                    "SWV",
                    "Naam",
                    "Thuiszittend 4 weken – 3 maanden",
                    "Thuiszittend langer dan 3 maanden",
                    "Absoluut verzuim",
                ],
                &self.rijen,
                |r| {
                    let mut rij = naam_en_code(&r.swv, &r.naam);
                    rij.extend(
                        [
                            &r.thuiszittend_4_weken_3_maanden,
                            &r.thuiszittend_langer_dan_3_maanden,
                            &r.absoluut_verzuim,
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

impl App {
    /// For each person of `wie` (with the day before which their signals go), the school years
    /// in which only their signals brought them into the Leerplichttelling, as counted today
    /// over the whole region: what a purge keeps anonymously so that the count stays the same
    /// (docs/domain.md §9.8). An `lrv` year only when all its signals go; an `av` year is kept by the
    /// store only when the person's record goes.
    pub(crate) fn signaaltellingen_die_gaan(
        &self,
        wie: &[(LeerlingId, NaiveDate, NaiveDate)],
        vandaag: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<HashMap<LeerlingId, Vec<Signaaltelling>>> {
        let mut out: HashMap<LeerlingId, Vec<Signaaltelling>> = HashMap::new();
        let Some(eerste) = wie
            .iter()
            .map(|(_, _, geboren)| {
                SchoolYear::containing(
                    geboren
                        .checked_add_months(chrono::Months::new(5 * 12))
                        .unwrap_or(*geboren),
                )
            })
            .min()
        else {
            return Ok(out);
        };
        let voor: HashMap<LeerlingId, NaiveDate> = wie.iter().map(|(l, v, _)| (*l, *v)).collect();
        let basis = self.store().cijferbasis(
            None,
            BasisNodig {
                personen: true,
                inschrijvingen: Thuiszitters,
                zaken: true,
            },
        )?;
        let per = basis.per_persoon();
        let kalender = self.regiokalender()?;
        let rr = Runregels {
            schooldagen: kalender.common(),
            max_onderbreking: regels.onderbreking_schooldagen,
        };
        let laatste = SchoolYear::containing(vandaag);
        let mut jaar = eerste;
        while jaar <= laatste {
            let geteld = |c: Categorie| -> HashSet<LeerlingId> {
                looptijden(&per, c, jaar, vandaag, &rr)
                    .totaal
                    .iter()
                    .filter_map(|p| basis.personen.get(p).and_then(|x| x.leerling))
                    .collect()
            };
            let (av, lrv) = (
                geteld(Categorie::AbsoluutVerzuim),
                geteld(Categorie::Thuiszittend),
            );
            let kandidaten = self.av_kandidaten_op(jaar, vandaag)?;
            for p in self.signaalpersonen(jaar, vandaag, &av, &lrv, Some(kandidaten))? {
                let Some(v) = voor.get(&p.leerling) else {
                    continue;
                };
                if p.av || p.laatste < *v {
                    out.entry(p.leerling).or_default().push(Signaaltelling {
                        schooljaar: jaar.start_year(),
                        av: p.av,
                        gemeente: p.gemeente,
                        scholen: p.scholen,
                    });
                }
            }
            jaar = SchoolYear::new(jaar.start_year() + 1);
        }
        Ok(out)
    }
}

/// The day a person's residence counts for a figure over the days `van..=tot`: the day the
/// first of `perioden` overlapping them began, or `van` when it began earlier (or none does).
fn woondag<'a>(
    perioden: impl Iterator<Item = &'a cijfers::Periode>,
    van: NaiveDate,
    tot: NaiveDate,
) -> NaiveDate {
    perioden
        .filter(|p| p.overlapt(van, tot))
        .map(|p| p.van.max(van))
        .min()
        .unwrap_or(van)
}

/// Hides the small counts of a published table and then every cell that could be worked out
/// from a total (docs/domain.md §9.6 and §9.8): `groepen` are (parts, total) as indices into `cellen`.
fn publiceer(cellen: Vec<&mut Aantal>, groepen: &[(Vec<usize>, usize)]) {
    let mut kopie: Vec<Aantal> = cellen
        .iter()
        .map(|a| {
            let mut a = **a;
            a.publiek();
            a
        })
        .collect();
    secundair_verbergen(&mut kopie, groepen);
    for (a, k) in cellen.into_iter().zip(kopie) {
        *a = k;
    }
}

/// The areas of the school-year figures as groups that add up: the gemeenten of each
/// sub-region make up its row, and all gemeenten the total row.
fn gebied_groepen(rijen: &[(&str, &'static str)], kaart: &Kaart) -> Vec<(Vec<usize>, usize)> {
    let gemeenten: Vec<usize> = (0..rijen.len())
        .filter(|&i| rijen[i].1 == "gemeente")
        .collect();
    let mut out = Vec::new();
    for (i, (gebied, niveau)) in rijen.iter().enumerate() {
        match *niveau {
            "totaal" => out.push((gemeenten.clone(), i)),
            "regio" => out.push((
                gemeenten
                    .iter()
                    .copied()
                    .filter(|&g| kaart.regio(rijen[g].0) == Some(gebied))
                    .collect(),
                i,
            )),
            _ => {}
        }
    }
    out
}
