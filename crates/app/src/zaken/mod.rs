//! Cases (docs/domain.md §7–8): opened at the leerplicht organisation that serves the young person's
//! home gemeente, changed only by adding events (each with who and when), and read as the
//! fold of their events up to any moment. Every use case passes the need-to-know gate.

pub mod brieven;
pub mod handhaving;
pub mod meldingen;
pub mod notities;
pub mod overdracht;
mod registraties;
pub mod rmc;
pub mod vrijstellingen;

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::calendar::Kalender;
use leerrecht_domain::ids::{GemeenteCode, LeerlingId};
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::thuiszitters::{
    eerste_dag_na_maanden, klok, runs, Categorie, Escalatieregels, Klok, Niveau, Runregels,
};
use leerrecht_domain::zaak::{Gebeurtenis, Sluitreden, ZaakSoort, ZaakStaat};
use leerrecht_store::{ZaakEvent, ZaakRij, Zaakdossier};

use crate::toegang::audit::actor_fields;
use crate::toegang::{authorize, Action, Actor, Gebruik, Onderwerp, Toegang};
use crate::{App, AppError, Result};

/// A case as one reads it: its row, its state, and the events that made it.
#[derive(Clone, Debug)]
pub struct Zaak {
    pub rij: ZaakRij,
    pub staat: ZaakStaat,
    pub events: Vec<ZaakEvent>,
}

impl App {
    /// Opens a case of `soort` for a person at the leerplicht organisation serving their home
    /// gemeente; a person has at most one open case of each kind.
    pub fn zaak_openen(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        soort: ZaakSoort,
        datum: NaiveDate,
    ) -> Result<i64> {
        let t = self.toegang(
            actor,
            Gebruik::ZaakWijzigen,
            leerling,
            &format!("zaak {} openen", soort.code()),
        )?;
        self.zaak_openen_voor(actor, leerling, &t.ctx.jongere.gemeente, soort, datum)
    }

    /// Opens a case once the gate has let the actor through (to open it, or to confirm the
    /// melding that opens it).
    pub(crate) fn zaak_openen_voor(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        gemeente: &GemeenteCode,
        soort: ZaakSoort,
        datum: NaiveDate,
    ) -> Result<i64> {
        let org = self
            .store()
            .organisaties()?
            .into_iter()
            .find(|o| o.soort == OrgSoort::Leerplicht && o.bedient.contains(gemeente))
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "no leerplicht organisation serves {gemeente}: register one with 'bedient'"
                ))
            })?;
        let (wie, wie_org, _, _) = actor_fields(actor);
        self.store()
            .zaak_openen(
                leerling,
                soort,
                org.code.as_str(),
                datum,
                self.now(),
                &wie,
                wie_org.as_deref(),
            )?
            .map_err(AppError::Invalid)
    }

    pub(crate) fn zaak_van(&self, id: i64) -> Result<ZaakRij> {
        self.store()
            .zaak(id)?
            .ok_or_else(|| AppError::Forbidden(crate::toegang::GEEN_TOEGANG.into()))
    }

    /// A case asked for by number, on behalf of `actor`: a number that names no case is
    /// refused as a case of someone else's would be (audited, the same answer).
    pub(crate) fn zaak_voor(&self, actor: &Actor, gebruik: Gebruik, id: i64) -> Result<ZaakRij> {
        match self.store().zaak(id)? {
            Some(z) => Ok(z),
            None => Err(self.onbekend_geweigerd(actor, gebruik, None, &format!("zaak {id}"))?),
        }
    }

    /// Case `id` and the gate's answer to `gebruik` of it (refused when either is missing),
    /// with `record` as what the audit log says was asked.
    pub(crate) fn zaak_met_toegang(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        id: i64,
        record: &str,
    ) -> Result<(ZaakRij, Toegang)> {
        let rij = self.zaak_voor(actor, gebruik, id)?;
        let t = self.toegang_over(actor, gebruik, rij.leerling, &Onderwerp::Zaak(id), record)?;
        Ok((rij, t))
    }

    /// Records one event on a case, after checking that it fits the case's current state.
    /// Adding or removing a partner is a use case of its own at the gate, and changes who
    /// sees the case: a partner sees it from the event's date, and no longer from the date
    /// it is removed. Closing is a use case of its own too (leerplicht's alone).
    pub fn zaak_vastleggen(&self, actor: &Actor, id: i64, e: Gebeurtenis) -> Result<()> {
        self.vastleggen(actor, id, e, false)
    }

    /// [`App::zaak_vastleggen`], and with `invoer` the checks of what a user typed into the
    /// event ([`App::invoer`]), made once the gate has let them through.
    fn vastleggen(&self, actor: &Actor, id: i64, e: Gebeurtenis, invoer: bool) -> Result<()> {
        let gebruik = match &e {
            Gebeurtenis::Partner { .. } => Gebruik::PartnerToevoegen,
            Gebeurtenis::PartnerVerwijderd { .. } => Gebruik::PartnerVerwijderen,
            Gebeurtenis::Gesloten { .. } => Gebruik::ZaakSluiten,
            _ => Gebruik::ZaakWijzigen,
        };
        let wat = match &e {
            Gebeurtenis::Partner { organisatie, .. }
            | Gebeurtenis::PartnerVerwijderd { organisatie, .. } => {
                format!("zaak {id}: {} {organisatie}", soort_van(&e))
            }
            _ => format!("zaak {id}: {}", soort_van(&e)),
        };
        self.zaak_met_toegang(actor, gebruik, id, &wat)?;
        // The input is judged after the gate, so that a refused request tells nothing.
        if invoer {
            self.invoer(&e)?;
        }
        match &e {
            Gebeurtenis::Partner {
                organisatie, datum, ..
            } => {
                if !self
                    .store()
                    .organisaties()?
                    .iter()
                    .any(|o| o.code.as_str() == organisatie)
                {
                    return Err(AppError::Invalid(format!(
                        "organisatie: onbekend: {organisatie}"
                    )));
                }
                // The event first: a crash in between leaves a partner that sees nothing yet.
                self.zaak_event(actor, id, &e)?;
                Ok(self.store().add_partner(id, organisatie, *datum)?)
            }
            Gebeurtenis::PartnerVerwijderd { organisatie, datum } => {
                let events = self.store().zaak_events(id)?;
                let staat = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
                staat
                    .check(&e)
                    .map_err(|why| AppError::Invalid(format!("organisatie: {why}")))?;
                // Access ends first: a crash in between leaves a partner that sees nothing.
                self.store().remove_partner(id, organisatie, *datum)?;
                self.zaak_event(actor, id, &e)
            }
            _ => self.zaak_event(actor, id, &e),
        }
    }

    /// Leerplicht adds a partner organisation (a CJG, a jeugdteam) to a case, from today:
    /// its users then see the person and this case (docs/domain.md §10).
    pub fn partner_toevoegen(
        &self,
        actor: &Actor,
        zaak: i64,
        organisatie: &str,
        contact: Option<&str>,
    ) -> Result<()> {
        let organisatie = organisatie.trim();
        if organisatie.is_empty() {
            return Err(AppError::Invalid("organisatie: leeg".into()));
        }
        let contact = contact
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        self.zaak_vastleggen(
            actor,
            zaak,
            Gebeurtenis::Partner {
                organisatie: organisatie.to_string(),
                contact,
                datum: self.now().date_naive(),
            },
        )
    }

    /// Leerplicht removes a partner from a case: from today its users no longer see the case
    /// (nor the person, when it is a partner in no other case of theirs).
    pub fn partner_verwijderen(&self, actor: &Actor, zaak: i64, organisatie: &str) -> Result<()> {
        self.zaak_vastleggen(
            actor,
            zaak,
            Gebeurtenis::PartnerVerwijderd {
                organisatie: organisatie.trim().to_string(),
                datum: self.now().date_naive(),
            },
        )
    }

    /// Closes a case with a reason (docs/domain.md §8): only leerplicht may. The case keeps its
    /// history; `toelichting` is required with the reason `overig`.
    pub fn zaak_sluiten(
        &self,
        actor: &Actor,
        id: i64,
        reden: Sluitreden,
        datum: NaiveDate,
        toelichting: &str,
    ) -> Result<()> {
        self.vastleggen(
            actor,
            id,
            Gebeurtenis::Gesloten {
                datum,
                reden: Some(reden),
                uitkomst: toelichting.trim().to_string(),
            },
            true,
        )
    }

    /// Records the joint plan of a case (education, care and/or youth help, at least one),
    /// which replaces the one before; the earlier plans stay in the case's history.
    pub fn plan_vastleggen(
        &self,
        actor: &Actor,
        id: i64,
        (onderwijs, zorg, jeugdhulp): (bool, bool, bool),
        omschrijving: &str,
        datum: NaiveDate,
    ) -> Result<()> {
        self.vastleggen(
            actor,
            id,
            Gebeurtenis::Plan {
                onderwijs,
                zorg,
                jeugdhulp,
                omschrijving: omschrijving.trim().to_string(),
                datum,
            },
            true,
        )
    }

    /// Records how the parents were involved in a case, on a day.
    pub fn ouders_vastleggen(
        &self,
        actor: &Actor,
        id: i64,
        datum: NaiveDate,
        hoe: &str,
    ) -> Result<()> {
        self.vastleggen(
            actor,
            id,
            Gebeurtenis::Ouders {
                datum,
                hoe: hoe.trim().to_string(),
            },
            true,
        )
    }

    /// What a user types into an event, checked once the gate has let them through.
    fn invoer(&self, e: &Gebeurtenis) -> Result<()> {
        match e {
            Gebeurtenis::Plan {
                onderwijs,
                zorg,
                jeugdhulp,
                omschrijving,
                ..
            } => {
                if !(*onderwijs || *zorg || *jeugdhulp) {
                    return Err(AppError::Invalid(
                        "plan: kies onderwijs, zorg en/of jeugdhulp".into(),
                    ));
                }
                if omschrijving.trim().is_empty() {
                    return Err(AppError::Invalid("omschrijving: leeg".into()));
                }
            }
            Gebeurtenis::Ouders { hoe, .. } if hoe.trim().is_empty() => {
                return Err(AppError::Invalid("hoe: leeg".into()));
            }
            Gebeurtenis::Contactpoging { datum, .. } if *datum > self.now().date_naive() => {
                return Err(AppError::Invalid("datum: ligt in de toekomst".into()));
            }
            Gebeurtenis::Gesloten {
                datum,
                reden,
                uitkomst,
            } => {
                if *datum > self.now().date_naive() {
                    return Err(AppError::Invalid("datum: ligt in de toekomst".into()));
                }
                if *reden == Some(Sluitreden::Overig) && uitkomst.trim().is_empty() {
                    return Err(AppError::Invalid(
                        "toelichting: nodig bij de reden overig".into(),
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Appends an event once the gate has let the actor through, after checking that it fits.
    pub(crate) fn zaak_event(&self, actor: &Actor, id: i64, e: &Gebeurtenis) -> Result<()> {
        let events = self.store().zaak_events(id)?;
        let staat = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
        staat
            .check(e)
            .map_err(|why| AppError::Invalid(format!("{}: {why}", soort_van(e))))?;
        let (wie, wie_org, _, _) = actor_fields(actor);
        self.store()
            .zaak_event_toevoegen(
                id,
                events.len() as u32 + 1,
                self.now(),
                &wie,
                wie_org.as_deref(),
                e,
            )?
            .map_err(AppError::Invalid)
    }

    /// A case as it stood at `op` (the events recorded up to that moment), or now.
    pub fn zaak(&self, actor: &Actor, id: i64, op: Option<DateTime<Utc>>) -> Result<Zaak> {
        let (rij, _) =
            self.zaak_met_toegang(actor, Gebruik::ZaakLezen, id, &format!("zaak {id}"))?;
        let mut events = self.store().zaak_events(id)?;
        if let Some(op) = op {
            events.retain(|e| e.tijd <= op);
        }
        Ok(Zaak {
            staat: ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis)),
            rij,
            events,
        })
    }

    /// A person's cases, oldest first: those the reader may see (a partner, its own).
    pub fn zaken(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<ZaakRij>> {
        let t = self.toegang(actor, Gebruik::ZaakLezen, leerling, "zaken")?;
        self.lees_zaken(actor, &t)
    }

    /// The three-month clock of a thuiszitter on `on`, from the registrations and the offers
    /// made in the person's cases; None when the person is not a thuiszitter then.
    pub fn klok(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        on: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Option<Klok>> {
        self.toegang(actor, Gebruik::RegistratiesLezen, leerling, "termijn")?;
        self.klok_van(leerling, on, regels)
    }

    fn klok_van(
        &self,
        leerling: LeerlingId,
        on: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Option<Klok>> {
        Ok(self.stand(leerling, on, regels)?.klok)
    }

    /// The region's calendar (the holidays for everyone), which decides how many school days
    /// lie between two registration periods (runs of home-sitting, docs/domain.md §8).
    pub fn regiokalender(&self) -> Result<Kalender> {
        Ok(Kalender::new(
            self.store().vakanties()?,
            NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date"),
            NaiveDate::from_ymd_opt(2100, 12, 31).expect("valid date"),
        ))
    }

    /// A thuiszitter's standing on `on`, from one read of their registrations and cases: the
    /// clock of the run ongoing on `on` (stopped by an offer made in that run, in any case),
    /// and the open thuiszitter case with its state. `open_eerder` is set when that open case
    /// belongs to an earlier run (it was opened before a run that has since ended).
    pub(crate) fn stand(
        &self,
        leerling: LeerlingId,
        on: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Stand> {
        let kalender = self.regiokalender()?;
        self.stand_met(leerling, on, regels, &kalender)
    }

    pub(crate) fn stand_met(
        &self,
        leerling: LeerlingId,
        on: NaiveDate,
        regels: &Escalatieregels,
        kalender: &Kalender,
    ) -> Result<Stand> {
        let dossier = self
            .store()
            .zaakdossiers(&[leerling])?
            .remove(&leerling)
            .unwrap_or_default();
        Ok(stand_uit(&dossier, on, regels, kalender))
    }

    /// Raises every escalation that is due on `on` and not yet recorded: for each thuiszitter
    /// whose clock has reached `management` or `bestuurlijk`, in their open thuiszitter case
    /// (opened at the serving bureau when there is none), each level once, with who was
    /// informed. Running it again on the same day changes nothing.
    pub fn escaleren(
        &self,
        actor: &Actor,
        on: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Vec<Escalatie>> {
        authorize(actor, Action::WritePersons)?;
        self.audit_begin(actor, "escaleren", format!("peildatum {on}"))?;
        let kalender = self.regiokalender()?;
        let orgs = self.store().organisaties()?;
        let mut raised = Vec::new();
        let thuiszitters = self.store().thuiszitters_op(on)?;
        let mut dossiers = self.store().zaakdossiers(&thuiszitters)?;
        for leerling in thuiszitters {
            let dossier = dossiers.remove(&leerling).unwrap_or_default();
            let stand = stand_uit(&dossier, on, regels, &kalender);
            let Some(k) = stand.klok else {
                continue;
            };
            if k.niveau == Niveau::Uitvoerend {
                continue;
            }
            let ctx = self
                .store()
                .persoon_context(leerling, on)?
                .ok_or_else(|| AppError::Invalid("a registered person is unknown".into()))?;
            let gemeente = ctx.jongere.gemeente.as_str().to_string();
            // A case of an earlier run is closed: this run gets a case, a clock and a ladder
            // of its own (docs/domain.md §8).
            let open = match stand.open {
                Some((zaak, _)) if stand.open_eerder => {
                    self.zaak_event(
                        actor,
                        zaak.id,
                        &Gebeurtenis::Gesloten {
                            datum: k.begin,
                            reden: Some(Sluitreden::Overig),
                            uitkomst: format!(
                                "nieuwe periode van thuiszitten vanaf {}: nieuwe zaak",
                                k.begin
                            ),
                        },
                    )?;
                    None
                }
                open => open,
            };
            let (zaak, staat) = match open {
                Some(open) => open,
                None => {
                    let id = self.zaak_openen_voor(
                        actor,
                        leerling,
                        &ctx.jongere.gemeente,
                        ZaakSoort::Thuiszitter,
                        k.begin,
                    )?;
                    (self.zaak_van(id)?, ZaakStaat::default())
                }
            };
            // The pupil's school (or last school, for absolute absence) and its SWV.
            let scholen = self.scholen_van(leerling, on, &orgs)?;
            for (niveau, maanden) in [
                (Niveau::Management, regels.management_maanden),
                (Niveau::Bestuurlijk, regels.bestuurlijk_maanden),
            ] {
                if niveau > k.niveau || staat.niveau.is_some_and(|n| n >= niveau) {
                    continue;
                }
                let datum = eerste_dag_na_maanden(k.begin, maanden);
                let mut geinformeerd = Vec::new();
                match niveau {
                    Niveau::Management => {
                        geinformeerd.push(format!("{} (teamleider leerplicht)", zaak.organisatie));
                        for (school, swv) in &scholen {
                            geinformeerd.push(format!("{school} (directie school)"));
                            if let Some(swv) = swv {
                                geinformeerd
                                    .push(format!("{swv} (management samenwerkingsverband)"));
                            }
                        }
                        for (org, _) in &staat.partners {
                            geinformeerd.push(format!("{org} (management)"));
                        }
                    }
                    _ => {
                        geinformeerd.push(format!("{gemeente} (wethouder onderwijs)"));
                        geinformeerd.push(format!("{} (directie)", zaak.organisatie));
                        for (school, swv) in &scholen {
                            geinformeerd.push(format!("{school} (schoolbestuur)"));
                            if let Some(swv) = swv {
                                geinformeerd.push(format!("{swv} (bestuur samenwerkingsverband)"));
                            }
                        }
                        for (org, _) in &staat.partners {
                            geinformeerd.push(format!("{org} (bestuur)"));
                        }
                    }
                }
                let mut gezien = std::collections::HashSet::new();
                geinformeerd.retain(|g| gezien.insert(g.clone()));
                self.zaak_event(
                    actor,
                    zaak.id,
                    &Gebeurtenis::Escalatie {
                        niveau,
                        datum,
                        geinformeerd: geinformeerd.clone(),
                    },
                )?;
                raised.push(Escalatie {
                    leerling,
                    zaak: zaak.id,
                    niveau,
                    datum,
                    begin: k.begin,
                    geinformeerd,
                });
            }
        }
        self.audit_operatie(
            actor,
            "escaleren",
            format!("peildatum {on}: {} escalaties", raised.len()),
        )?;
        Ok(raised)
    }
}

impl App {
    /// The school a person is enrolled at on `on` — or, when none, the last one they left —
    /// with its SWV: whom an escalation informs besides the case holders.
    fn scholen_van(
        &self,
        leerling: LeerlingId,
        on: NaiveDate,
        orgs: &[leerrecht_domain::org::Organisatie],
    ) -> Result<Vec<(String, Option<String>)>> {
        let alle = self.store().inschrijvingen_van(leerling)?;
        let lopend: Vec<_> = alle.iter().filter(|i| i.covers(on)).collect();
        let gekozen: Vec<_> = if lopend.is_empty() {
            alle.iter()
                .filter(|i| i.begindatum() <= on)
                .max_by_key(|i| i.einddatum())
                .into_iter()
                .collect()
        } else {
            lopend
        };
        Ok(gekozen
            .into_iter()
            .map(|i| {
                let swv = orgs
                    .iter()
                    .find(|o| o.code.as_str() == i.school.as_str())
                    .and_then(|o| o.swv.as_ref())
                    .map(|s| s.as_str().to_string());
                (i.school.as_str().to_string(), swv)
            })
            .collect())
    }
}

/// A thuiszitter's clock and open thuiszitter case (see [`App::stand`]).
pub(crate) struct Stand {
    pub klok: Option<Klok>,
    pub open: Option<(ZaakRij, ZaakStaat)>,
    /// The open case belongs to an earlier run of home-sitting.
    pub open_eerder: bool,
}

/// [`App::stand`] worked out from the person's registrations and cases.
pub(crate) fn stand_uit(
    dossier: &Zaakdossier,
    on: NaiveDate,
    regels: &Escalatieregels,
    kalender: &Kalender,
) -> Stand {
    let perioden: Vec<_> = dossier
        .registraties
        .iter()
        .map(|r| (r.categorie, r.van(), r.tot()))
        .collect();
    let mut aanbiedingen = Vec::new();
    let mut gestart = Vec::new();
    let mut open = None;
    for (z, events) in &dossier.zaken {
        for e in events {
            match e.gebeurtenis {
                Gebeurtenis::Aanbod {
                    aangeboden,
                    gestart: g,
                    ..
                } => {
                    aanbiedingen.push(aangeboden);
                    gestart.extend(g);
                }
                Gebeurtenis::AanbodGestart { gestart: g, .. } => gestart.push(g),
                _ => {}
            }
        }
        if z.gesloten.is_none() && z.soort == ZaakSoort::Thuiszitter {
            open = Some((
                z.clone(),
                ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis)),
            ));
        }
    }
    let rr = Runregels {
        schooldagen: kalender.common(),
        max_onderbreking: regels.onderbreking_schooldagen,
    };
    let klok = klok(&perioden, &aanbiedingen, &gestart, on, regels, &rr);
    // The open case belongs to an earlier run when a run that ended before this one
    // began was ongoing on or after the day the case was opened.
    let open_eerder = match (&klok, &open) {
        (Some(k), Some((_, staat))) => {
            let geopend = staat.geopend.unwrap_or(NaiveDate::MIN);
            runs(&perioden, &gestart, Categorie::is_thuiszitter, &rr)
                .iter()
                .any(|(b, e)| *b < k.begin && e.is_some_and(|e| e < k.begin && e >= geopend))
        }
        _ => false,
    };
    Stand {
        klok,
        open,
        open_eerder,
    }
}

/// An escalation raised by [`App::escaleren`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Escalatie {
    #[serde(serialize_with = "as_text")]
    pub leerling: LeerlingId,
    pub zaak: i64,
    pub niveau: Niveau,
    /// The day the level fell due.
    pub datum: NaiveDate,
    /// The day home-sitting began.
    pub begin: NaiveDate,
    pub geinformeerd: Vec<String>,
}

fn as_text<S: serde::Serializer>(l: &LeerlingId, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&l.to_string())
}

/// The kind of an event, as its stored form names it.
fn soort_van(e: &Gebeurtenis) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("soort").and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// One line of a person's story.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct VerhaalRegel {
    pub datum: NaiveDate,
    pub soort: &'static str,
    pub wat: String,
}

/// A person's whole story in date order, and their clock on the day asked about.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Verhaal {
    pub klok: Option<Klok>,
    pub regels: Vec<VerhaalRegel>,
}

impl App {
    /// One person's whole story in date order: registrations, meldingen and every event of
    /// their cases, each part as far as the actor may see it (each read is logged).
    pub fn verhaal(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        on: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Verhaal> {
        let allowed = |r: Result<()>| match r {
            Ok(()) => Ok(true),
            Err(AppError::Forbidden(_)) => Ok(false),
            Err(e) => Err(e),
        };
        let mut out = Vec::new();
        let mut any = false;
        let mut klok = None;
        if allowed(self.registraties(actor, leerling).map(|rs| {
            for r in rs {
                out.push(VerhaalRegel {
                    datum: r.van(),
                    soort: "registratie",
                    wat: format!("{} ({})", r.categorie.label(), r.oorzaak.code()),
                });
                if let Some(t) = r.tot() {
                    out.push(VerhaalRegel {
                        datum: t,
                        soort: "registratie",
                        wat: format!("einde {}", r.categorie.code()),
                    });
                }
            }
        }))? {
            any = true;
            klok = self.klok_van(leerling, on, regels)?;
        }
        any |= allowed(self.meldingen(actor, leerling).map(|ms| {
            for m in ms {
                out.push(VerhaalRegel {
                    datum: m.begindatum,
                    soort: "melding",
                    wat: format!(
                        "melding {} {} van {} ({}{})",
                        m.id,
                        m.verzuimsoort,
                        m.school,
                        m.status,
                        m.afsluitreden.map(|r| format!(": {r}")).unwrap_or_default()
                    ),
                });
            }
        }))?;
        let zaken = match self.zaken(actor, leerling) {
            Ok(z) => {
                any = true;
                z
            }
            Err(AppError::Forbidden(_)) => Vec::new(),
            Err(e) => return Err(e),
        };
        for z in zaken {
            for e in self.store().zaak_events(z.id)? {
                out.push(VerhaalRegel {
                    datum: e.gebeurtenis.datum(),
                    soort: "zaak",
                    wat: format!(
                        "zaak {}: {} (door {})",
                        z.id,
                        e.gebeurtenis.omschrijving(),
                        e.wie
                    ),
                });
            }
        }
        if !any {
            return Err(AppError::Forbidden(crate::toegang::GEEN_TOEGANG.into()));
        }
        out.sort_by_key(|r| r.datum);
        Ok(Verhaal { klok, regels: out })
    }
}
