//! Retention (docs/domain.md §11): `leerrecht purge` destroys the files whose period ended, keeps
//! anonymous counts of what went and the anonymous figure rows that every report counts
//! beside the live ones (docs/domain.md §9.8), and records the purge in the audit log.

use chrono::NaiveDate;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::retention::{bewaartermijnen, meldingen_voor, oudste_geboortedatum_in_beeld};
use leerrecht_domain::rmc::op_lijst;
use leerrecht_store::access::{PurgePersoon, PurgeTelling};

use leerrecht_domain::thuiszitters::Escalatieregels;

use crate::toegang::{authorize, Action, Actor};
use crate::{App, Result};

/// One person whose file (or part of it) goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgeRegel {
    pub leerling: LeerlingId,
    pub geboortedatum: NaiveDate,
    /// `leerplichtdossier`: the records up to the end of leerplicht; `dossier`: everything,
    /// the person's record included (unless meldingen within their period remain).
    pub wat: &'static str,
}

/// What a purge did, or would do.
#[derive(Clone, Debug)]
pub struct PurgeRapport {
    pub peildatum: NaiveDate,
    pub dry_run: bool,
    pub personen: Vec<PurgeRegel>,
    /// Meldingen that started before this day go.
    pub meldingen_voor: NaiveDate,
    pub telling: PurgeTelling,
    /// Sessions (with their client address) and sent or given-up mail older than
    /// [`VERGETEN_NA_DAGEN`] that went.
    pub sessies: u64,
    pub mails: u64,
}

/// After how many days ended sessions, with their client address, and mail that was sent or
/// given up are forgotten by the purge (docs/dpia.md, open points).
pub const VERGETEN_NA_DAGEN: i64 = 90;

impl App {
    /// Destroys what must go on `as_of`; with `dry_run`, lists and counts it and keeps all.
    pub fn purge(&self, actor: &Actor, as_of: NaiveDate, dry_run: bool) -> Result<PurgeRapport> {
        self.purge_met(actor, as_of, dry_run, &Escalatieregels::default())
    }

    /// [`App::purge`] with the region's escalation settings, by which the Leerplichttelling
    /// whose signal counts the purge keeps joins periods into runs.
    pub fn purge_met(
        &self,
        actor: &Actor,
        as_of: NaiveDate,
        dry_run: bool,
        regels: &Escalatieregels,
    ) -> Result<PurgeRapport> {
        authorize(actor, Action::Purge)?;
        let mut plan = Vec::new();
        let mut personen = Vec::new();
        // Early school leavers (on the RMC list on the day, or with an open RMC case): the
        // RMC follows them, so their file stays until the 23rd birthday.
        let oudste = oudste_geboortedatum_in_beeld(as_of);
        let mut rmc: std::collections::HashSet<LeerlingId> = self
            .store()
            .rmc_kandidaten(
                as_of
                    .checked_sub_months(chrono::Months::new(23 * 12))
                    .unwrap_or(NaiveDate::MIN),
                oudste,
            )?
            .into_iter()
            .filter(|k| op_lijst(k.geboortedatum, &k.opleidingen, as_of).is_some())
            .map(|k| k.leerling)
            .collect();
        rmc.extend(
            self.store()
                .open_zaken(leerrecht_domain::zaak::ZaakSoort::Rmc)?
                .into_iter()
                .map(|z| z.leerling),
        );
        for k in self.store().purge_kandidaten(oudste)? {
            let t = bewaartermijnen(k.geboortedatum);
            let (dossier, voor, wat) = if t.dossier_weg(rmc.contains(&k.leerling)) <= as_of {
                (
                    true,
                    NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date"),
                    "dossier",
                )
            } else if t.leerplicht_dossier_weg <= as_of {
                let voor = t.leerplicht_tot.succ_opt().expect("date within range");
                (false, voor, "leerplichtdossier")
            } else {
                continue;
            };
            plan.push(PurgePersoon {
                id: k.id,
                voor,
                dossier,
                signaaltellingen: Vec::new(),
            });
            personen.push(PurgeRegel {
                leerling: k.leerling,
                geboortedatum: k.geboortedatum,
                wat,
            });
        }
        if !dry_run {
            let wie: Vec<_> = plan
                .iter()
                .zip(&personen)
                .map(|(p, r)| (r.leerling, p.voor, r.geboortedatum))
                .collect();
            let mut tellingen = self.signaaltellingen_die_gaan(&wie, as_of, regels)?;
            for (p, r) in plan.iter_mut().zip(&personen) {
                p.signaaltellingen = tellingen.remove(&r.leerling).unwrap_or_default();
            }
        }
        let mv = meldingen_voor(as_of);
        if !dry_run {
            self.audit_begin(
                actor,
                "purge",
                format!("peildatum {as_of}: {} personen", plan.len()),
            )?;
        }
        let telling = self.store().purge(&plan, mv, dry_run)?;
        // Staff's sessions and mail hold no child's data: they go in a transaction of their
        // own, which a run after a crash simply does again.
        let voor = (as_of - chrono::Duration::days(VERGETEN_NA_DAGEN))
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc();
        let (sessies, mails) = self
            .store()
            .vergeten(voor, crate::mail::POGINGEN_MAX, dry_run)?;
        self.audit_operatie(
            actor,
            if dry_run { "purge_proef" } else { "purge" },
            format!(
                "peildatum {as_of}: personen {}, inschrijvingen {}, verzuim {}, signalen {}, registraties {}, meldingen {}, notities {}, partners {}, noodtoegang {}, verzorgers {}, zaaknotities {}, brieven {}, sessies {sessies}, mails {mails}",
                telling.personen,
                telling.inschrijvingen,
                telling.verzuim,
                telling.signalen,
                telling.registraties,
                telling.meldingen,
                telling.notities,
                telling.partners,
                telling.noodtoegang,
                telling.verzorgers,
                telling.zaaknotities,
                telling.brieven
            ),
        )?;
        Ok(PurgeRapport {
            peildatum: as_of,
            dry_run,
            personen,
            meldingen_voor: mv,
            telling,
            sessies,
            mails,
        })
    }
}
