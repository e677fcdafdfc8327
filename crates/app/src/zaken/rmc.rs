//! The RMC (docs/domain.md §13): the list of early school leavers of 18 to 23 that the
//! leerplicht bureau, as the region's RMC function, follows up; the RMC case it opens for one
//! of them, with its attempts to reach them and its outcome; and the three-month clock of that
//! case on the worklist.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use leerrecht_domain::duty::is_rmc_age;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::org::Rol;
use leerrecht_domain::rmc::op_lijst;
use leerrecht_domain::zaak::{Contactwijze, Gebeurtenis, ZaakSoort, ZaakStaat};

use crate::api::JongereKop;
use crate::register::lijsten::kop_van;
use crate::toegang::{forbidden, Action, Actor, Gebruik};
use crate::{App, AppError, Result};

/// The months an RMC case has to reach an outcome: the same three months as a thuiszitter's
/// offer (docs/domain.md §8, §13).
pub const RMC_MAANDEN: u32 = 3;

/// One young person on the RMC list.
#[derive(Clone, Debug)]
pub struct RmcRegel {
    pub kop: JongereKop,
    /// Since when they are on the list: the day after their last enrolment ended, or their
    /// 18th birthday.
    pub sinds: NaiveDate,
    /// The school of the enrolment they left last.
    pub laatste_school: Option<String>,
    /// Their open RMC case, with its attempts to reach them and whether one reached them.
    pub zaak: Option<i64>,
    pub pogingen: usize,
    pub bereikt: bool,
}

impl App {
    /// The RMC list on `on` as the bureau sees it: the young people of 18 to 23 living in the
    /// gemeenten it serves who left education without a startkwalificatie and are enrolled
    /// nowhere, longest on the list first. For leerplicht (the region's RMC function); every
    /// person shown is audited.
    pub fn rmclijst(&self, actor: &Actor, on: NaiveDate) -> Result<Vec<RmcRegel>> {
        match actor {
            Actor::LocalOperator { .. } => {}
            Actor::Gebruiker(g) if g.rol == Rol::Leerplicht => {}
            _ => return Err(forbidden(Action::ReadPersons)),
        }
        let geboren_van = on
            .with_year(on.year() - 23)
            .unwrap_or(on - Duration::days(23 * 365));
        let geboren_tot = on
            .with_year(on.year() - 18)
            .unwrap_or(on - Duration::days(18 * 365))
            + Duration::days(1);
        let now = self.now();
        let mut out = Vec::new();
        let mut audit = Vec::new();
        // A bureau's list holds the young people of the gemeenten it serves: the others are
        // passed over before their file is read.
        let bedient = match actor {
            Actor::Gebruiker(g) => Some(&g.bedient),
            _ => None,
        };
        let mut op_de_lijst = Vec::new();
        for k in self.store().rmc_kandidaten(geboren_van, geboren_tot)? {
            if !is_rmc_age(k.geboortedatum, on)
                || bedient.is_some_and(|b| !b.iter().any(|g| g.as_str() == k.gemeente))
            {
                continue;
            }
            if let Some(sinds) = op_lijst(k.geboortedatum, &k.opleidingen, on) {
                op_de_lijst.push((k, sinds));
            }
        }
        // The gate's facts of everyone on the list, and the open RMC cases, each in one read
        // (not a round trip per person).
        let leerlingen: Vec<LeerlingId> = op_de_lijst.iter().map(|(k, _)| k.leerling).collect();
        let mut contexten = self.store().persoon_contexten(&leerlingen, on)?;
        let open: HashMap<LeerlingId, i64> = self
            .store()
            .zaken_soort(ZaakSoort::Rmc)?
            .into_iter()
            .filter(|z| z.gesloten.is_none())
            .map(|z| (z.leerling, z.id))
            .collect();
        for (k, sinds) in op_de_lijst {
            let Some(ctx) = contexten.remove(&k.leerling) else {
                continue;
            };
            if !self
                .beslissing(actor, Gebruik::ZaakWijzigen, &ctx, now)?
                .eigen()
            {
                continue;
            }
            let laatste_school = k
                .opleidingen
                .iter()
                .zip(&k.scholen)
                .filter(|(o, _)| o.eind.is_some_and(|e| e < sinds))
                .max_by_key(|(o, _)| o.eind)
                .map(|(_, school)| school.clone());
            let (zaak, pogingen, bereikt) = match open.get(&k.leerling) {
                Some(&id) => {
                    let events = self.store().zaak_events(id)?;
                    let s = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
                    let bereikt = s.contactpogingen.iter().any(|(_, _, b)| *b);
                    (Some(id), s.contactpogingen.len(), bereikt)
                }
                None => (None, 0, false),
            };
            audit.push((self.pseudoniem(k.leerling)?, None));
            out.push(RmcRegel {
                kop: kop_van(self, ctx, on)?,
                sinds,
                laatste_school,
                zaak,
                pogingen,
                bereikt,
            });
        }
        self.audit_personen(actor, Gebruik::ZaakWijzigen.code(), audit, "rmclijst")?;
        out.sort_by(|a, b| a.sinds.cmp(&b.sinds).then(a.kop.id.cmp(&b.kop.id)));
        Ok(out)
    }

    /// Opens an RMC case for a young person on `datum`, at the bureau serving their gemeente:
    /// they must be of 18 to 23 then, enrolled nowhere, and without a startkwalificatie on
    /// record. A person has at most one open RMC case.
    pub fn rmc_zaak_openen(
        &self,
        actor: &Actor,
        leerling: leerrecht_domain::ids::LeerlingId,
        datum: NaiveDate,
    ) -> Result<i64> {
        let t = self.toegang(actor, Gebruik::ZaakWijzigen, leerling, "zaak rmc openen")?;
        // The input is judged after the gate, so that a refused request tells nothing.
        if datum > self.now().date_naive() {
            return Err(AppError::Invalid("datum: ligt in de toekomst".into()));
        }
        let geboren = t.ctx.jongere.geboortedatum;
        if !is_rmc_age(geboren, datum) {
            return Err(AppError::Invalid(format!(
                "jongere: is op {datum} niet tussen 18 en 23 jaar; een RMC-zaak is voor een \
                 voortijdig schoolverlater van 18 tot 23"
            )));
        }
        let opleidingen = self.store().inschrijvingen_van(leerling)?;
        if opleidingen.iter().any(|i| i.covers(datum)) {
            return Err(AppError::Invalid(format!(
                "jongere: staat op {datum} ingeschreven op een school"
            )));
        }
        if opleidingen
            .iter()
            .any(|i| i.startkwalificatie() && i.einddatum().is_some_and(|e| e <= datum))
        {
            return Err(AppError::Invalid(
                "jongere: heeft een startkwalificatie".into(),
            ));
        }
        let gemeente = t.ctx.jongere.gemeente.clone();
        self.zaak_openen_voor(actor, leerling, &gemeente, ZaakSoort::Rmc, datum)
    }

    /// Records an attempt to reach the young person of RMC case `zaak`: the day (not in the
    /// future, not before the case opened), how, and whether it reached them.
    pub fn contactpoging_vastleggen(
        &self,
        actor: &Actor,
        zaak: i64,
        datum: NaiveDate,
        wijze: Contactwijze,
        bereikt: bool,
    ) -> Result<()> {
        self.vastleggen(
            actor,
            zaak,
            Gebeurtenis::Contactpoging {
                datum,
                wijze,
                bereikt,
            },
            true,
        )
    }
}

/// The day an RMC case opened on `geopend` is due to have its outcome.
pub fn rmc_termijn(geopend: NaiveDate) -> NaiveDate {
    leerrecht_domain::thuiszitters::eerste_dag_na_maanden(geopend, RMC_MAANDEN)
}
