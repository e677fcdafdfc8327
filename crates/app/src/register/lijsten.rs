//! Listings the web pages need: finding a person by name and birth date, and the shared
//! thuiszitters list as one organisation sees it. Both show only whom the gate lets the
//! reader see, and every person shown is in the audit log before the list is handed out.

use chrono::NaiveDate;
use leerrecht_domain::thuiszitters::{Categorie, Escalatieregels, Klok, Oorzaak};

use crate::api::JongereKop;
use crate::toegang::zicht::{bereik, ziet_personen};
use crate::toegang::PersoonKop;
use crate::toegang::{Actor, Gebruik};
use crate::{App, AppError, Result};

/// The most persons a search shows; a narrower question finds the rest.
pub const ZOEK_MAX: usize = 50;
/// How many pages a search goes (a name that matches more asks for a birth date).
pub const ZOEK_PAGINAS: u32 = 20;

/// One page of a search.
#[derive(Clone, Debug)]
pub struct Zoekresultaat {
    pub personen: Vec<JongereKop>,
    /// The number of the first person on the page (1 on the first page).
    pub vanaf: usize,
    /// More persons match than this page and those before it show.
    pub meer: bool,
}
/// The longest name searched for, in characters: longer than any name, and far below the
/// databases' limits on a pattern.
pub const MAX_ZOEKNAAM: usize = 200;

/// One row of the thuiszitters list.
#[derive(Clone, Debug)]
pub struct ThuiszitterRegel {
    pub kop: JongereKop,
    pub categorie: Categorie,
    pub oorzaak: Oorzaak,
    pub van: NaiveDate,
    /// The three-month clock on the day asked about.
    pub klok: Option<Klok>,
}

/// What to keep of the thuiszitters list.
#[derive(Clone, Debug, Default)]
pub struct ThuiszitterFilter {
    pub categorie: Option<Categorie>,
    pub oorzaak: Option<Oorzaak>,
    /// Only pupils enrolled at this school location.
    pub school: Option<String>,
    /// Only those whose deadline for an offer has passed without one.
    pub te_laat: bool,
}

impl App {
    /// The persons the reader may see whose surname or first names contain `naam` (ignoring
    /// case) and, when given, who were born on `geboortedatum`, by surname, first names and
    /// birth date: page `pagina` (from 0) of [`ZOEK_MAX`]. A leerplicht bureau or GGD searches
    /// the gemeenten it serves. Only the persons shown are read and audited.
    pub fn jongeren_zoeken_op_naam(
        &self,
        actor: &Actor,
        naam: &str,
        geboortedatum: Option<NaiveDate>,
        pagina: u32,
    ) -> Result<Zoekresultaat> {
        ziet_personen(actor)?;
        let naam = naam.trim();
        if naam.chars().count() > MAX_ZOEKNAAM {
            return Err(AppError::Invalid(format!(
                "naam: hoogstens {MAX_ZOEKNAAM} tekens"
            )));
        }
        if naam.chars().count() < 2 && geboortedatum.is_none() {
            return Err(AppError::Invalid(
                "naam: minstens twee letters, of een geboortedatum".into(),
            ));
        }
        let now = self.now();
        let today = now.date_naive();
        // Narrowed in the store to where the reader may look; the gate still decides each
        // person.
        let Some(filter) = bereik(self, actor, today)? else {
            return Ok(Zoekresultaat {
                personen: Vec::new(),
                vanaf: 1,
                meer: false,
            });
        };
        // Candidates first (identifiers only, nothing handed out), then the gate for each:
        // four times as many as are shown, since the reader may see only some of them (a
        // birth date narrows a common name).
        let pagina = pagina.min(ZOEK_PAGINAS - 1) as usize;
        let overslaan = pagina * ZOEK_MAX;
        let vraag = (overslaan + ZOEK_MAX) * 4;
        let kandidaten =
            self.store()
                .jongeren_op_naam(naam, geboortedatum, &filter, vraag as u32)?;
        let alle_kandidaten = kandidaten.len() < vraag;
        let mut out = Vec::new();
        let mut audit = Vec::new();
        let mut toegestaan = 0;
        let mut meer = false;
        for leerling in kandidaten {
            let Some(ctx) = self.store().persoon_context(leerling, today)? else {
                continue;
            };
            // A search does not use break-the-glass grants: those are for one person.
            if !self
                .beslissing(actor, Gebruik::PersoonBekijken, &ctx, now)?
                .eigen()
            {
                continue;
            }
            toegestaan += 1;
            if toegestaan <= overslaan {
                continue;
            }
            if out.len() == ZOEK_MAX {
                // One more the reader may see: there is a next page.
                meer = true;
                break;
            }
            audit.push((self.pseudoniem(leerling)?, None));
            out.push(kop_van(self, ctx, today)?);
        }
        // Candidates cut off by the store's limit may hold more the reader can see.
        meer |= !alle_kandidaten;
        self.audit_personen(actor, Gebruik::PersoonBekijken.code(), audit, "zoeken")?;
        // The store gives the candidates in the reader's order (surname, first names, birth
        // date), so the pages follow each other.
        Ok(Zoekresultaat {
            personen: out,
            vanaf: overslaan + 1,
            meer,
        })
    }

    /// The thuiszitters list on `on` as the reader may see it — for an SWV the pupils of its
    /// schools, for a bureau those living in the gemeenten it serves —: everyone registered
    /// in a category, each with the category, cause and (for thuiszitters) the three-month
    /// clock, most overdue first.
    pub fn thuiszitterslijst(
        &self,
        actor: &Actor,
        on: NaiveDate,
        filter: &ThuiszitterFilter,
        regels: &Escalatieregels,
    ) -> Result<Vec<ThuiszitterRegel>> {
        ziet_personen(actor)?;
        let now = self.now();
        let mut out = Vec::new();
        let mut audit = Vec::new();
        let geregistreerd = self.store().geregistreerden_op(on)?;
        // The gate's facts of everyone registered in one read, not a round trip each.
        let mut contexten = self.store().persoon_contexten(&geregistreerd, on)?;
        for leerling in geregistreerd {
            let Some(ctx) = contexten.remove(&leerling) else {
                continue;
            };
            if let Some(s) = &filter.school {
                if !ctx.scholen.iter().any(|(c, _)| c.as_str() == s) {
                    continue;
                }
            }
            if !self
                .beslissing(actor, Gebruik::RegistratiesLezen, &ctx, now)?
                .eigen()
            {
                continue;
            }
            let Some(r) = self
                .store()
                .registraties(leerling)?
                .unwrap_or_default()
                .into_iter()
                .find(|r| r.van() <= on && r.tot().is_none_or(|t| t >= on))
            else {
                continue;
            };
            if filter.categorie.is_some_and(|c| c != r.categorie)
                || filter.oorzaak.is_some_and(|o| o != r.oorzaak)
            {
                continue;
            }
            let klok = self.stand(leerling, on, regels)?.klok;
            if filter.te_laat && klok.as_ref().is_none_or(|k| k.dagen_te_laat <= 0) {
                continue;
            }
            audit.push((self.pseudoniem(leerling)?, None));
            out.push(ThuiszitterRegel {
                categorie: r.categorie,
                oorzaak: r.oorzaak,
                van: r.van(),
                klok,
                kop: kop_van(self, ctx, on)?,
            });
        }
        self.audit_personen(
            actor,
            Gebruik::RegistratiesLezen.code(),
            audit,
            "thuiszitterslijst",
        )?;
        out.sort_by(|a, b| {
            let late = |r: &ThuiszitterRegel| r.klok.as_ref().map_or(0, |k| k.dagen_te_laat);
            late(b).cmp(&late(a)).then(a.van.cmp(&b.van))
        });
        Ok(out)
    }
}

/// The list entry of a person the gate let through: public id and header, on `on`.
pub(crate) fn kop_van(
    app: &App,
    ctx: leerrecht_store::access::PersoonContext,
    on: NaiveDate,
) -> Result<JongereKop> {
    Ok(JongereKop {
        id: app.publiek_id(ctx.id)?,
        noodtoegang: false,
        kop: PersoonKop::van(ctx, on),
    })
}

impl App {
    /// The school calendar: the holidays and days off of every school and of each one.
    pub fn kalender(&self, actor: &Actor) -> Result<Vec<leerrecht_domain::calendar::Vakantie>> {
        crate::toegang::authorize(actor, crate::toegang::Action::ReadRegister)?;
        let mut v = self.store().vakanties()?;
        v.sort_by_key(|b| std::cmp::Reverse(b.van));
        Ok(v)
    }

    /// The versions of the region's signal rules, each from its date, newest first: for
    /// `beheer`.
    pub fn regelversies(&self, actor: &Actor) -> Result<Vec<(NaiveDate, String)>> {
        crate::toegang::authorize(actor, crate::toegang::Action::BeheerRegister)?;
        let mut v = self.store().regelversies()?;
        v.sort_by_key(|b| std::cmp::Reverse(b.0));
        Ok(v)
    }
}

impl App {
    /// The person with the most days of stored absence from `van` to `tot`, with that
    /// number: for the operator's benchmark of the file page (`leerrecht bench web`), which
    /// times the heaviest file. One audit entry for the whole search.
    pub fn meeste_verzuim(
        &self,
        actor: &Actor,
        van: NaiveDate,
        tot: NaiveDate,
    ) -> Result<Option<(leerrecht_domain::ids::LeerlingId, usize)>> {
        if !matches!(actor, Actor::LocalOperator { .. }) {
            return Err(AppError::Forbidden(
                "alleen de beheerder van de installatie".into(),
            ));
        }
        let mut ids = Vec::new();
        self.store().for_each_jongere(tot, None, &mut |rij| {
            ids.push(rij.jongere.leerling_id());
            Ok(())
        })?;
        let mut best: Option<(leerrecht_domain::ids::LeerlingId, usize)> = None;
        for l in ids {
            let n = self.store().verzuim_van(l, van, tot)?.len();
            if best.is_none_or(|(_, b)| n > b) {
                best = Some((l, n));
            }
        }
        self.audit_operatie(actor, "bench_meeste_verzuim", format!("{van} tot {tot}"))?;
        Ok(best)
    }
}
