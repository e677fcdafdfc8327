//! The demo region's thuiszitters list, cases and meldingen, made through the ordinary use
//! cases (so every step is checked and logged as in real use): about 125 registrations per
//! region of two sub-regions over the categories and main causes in the proportions of the Noord-Kennemerland
//! count of September 2017, thuiszitter cases with offers made on time, late or not yet,
//! escalations at every level, a CJG as partner in cases, thuiszitters at primary schools too,
//! and the schools' drafts settled (see [`super::geschiedenis`], which also makes the past
//! school years' thuiszitters).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use leerrecht_domain::duty::DutyStatus;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::org::{OrgSoort, Organisatie};
use leerrecht_domain::person::Sector;
use leerrecht_domain::thuiszitters::{Categorie, Escalatieregels, Oorzaak};
use leerrecht_domain::zaak::{AanbodType, Gebeurtenis, Team, ZaakSoort};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Demo;
use leerrecht_app::toegang::Actor;
use leerrecht_app::Result;

/// Registrations per sub-region: about 125 for a region of two, as the issue asks for the
/// demo region.
pub const PER_REGIO: usize = 63;

/// Categories in the proportions of the seed count (110 pupils, September 2017).
const CATEGORIEEN: [(Categorie, u32); 5] = [
    (Categorie::Thuiszittend, 16),
    (Categorie::AbsoluutVerzuim, 6),
    (Categorie::DreigendThuiszittend, 42),
    (Categorie::LangdurigZiek, 33),
    (Categorie::Nazorg, 13),
];

/// Main causes in the proportions of the seed count (86 pupils).
const OORZAKEN: [(Oorzaak, u32); 9] = [
    (Oorzaak::Psychisch, 36),
    (Oorzaak::PsychischThuis, 5),
    (Oorzaak::FysiekZiek, 6),
    (Oorzaak::Thuissituatie, 3),
    (Oorzaak::Complex, 11),
    (Oorzaak::LangdurigZiek, 8),
    (Oorzaak::Gedrag, 3),
    (Oorzaak::Overig, 9),
    (Oorzaak::Onbekend, 5),
];

/// The CJG serving each gemeente: gemeente code to the CJG's code.
pub(super) fn cjg_per_gemeente(orgs: &[Organisatie]) -> HashMap<String, String> {
    orgs.iter()
        .filter(|o| o.soort == OrgSoort::Cjg)
        .flat_map(|o| {
            o.bedient
                .iter()
                .map(|g| (g.as_str().to_string(), o.code.as_str().to_string()))
        })
        .collect()
}

/// A main cause in the proportions of the seed count.
pub(super) fn pick_oorzaak(rng: &mut ChaCha8Rng) -> Oorzaak {
    pick(rng, &OORZAKEN)
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut n = rng.gen_range(0..total);
    for (t, w) in weighted {
        if n < *w {
            return *t;
        }
        n -= w;
    }
    weighted[0].0
}

/// What [`Demo::zaken`] made.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct DemoZaken {
    pub registraties: usize,
    pub thuiszitters: usize,
    pub zaken: usize,
    pub aanbod_op_tijd: usize,
    pub aanbod_te_laat: usize,
    pub escalaties: usize,
    pub meldingen_bevestigd: usize,
    /// The past school years: their thuiszitters and the settled drafts.
    pub geschiedenis: super::geschiedenis::DemoGeschiedenis,
}

impl Demo<'_> {
    /// Fills the demo region's thuiszitters list and cases on `today`, the same for the same
    /// seed, register and rules (`regels`: the escalation ladder and the drafts' deadline):
    /// the past school years' thuiszitters and cases of the seed region,
    /// and the present's. With `afhandelen` (the absence runs up to `today`), the schools have
    /// settled every draft but those of the last school days (see
    /// [`super::geschiedenis`]); without, the 16-hour drafts of the latest twelve months of
    /// absence are confirmed and the rest wait.
    pub fn zaken(
        &self,
        actor: &Actor,
        seed: u64,
        today: NaiveDate,
        regels: &Escalatieregels,
        afhandelen: bool,
    ) -> Result<DemoZaken> {
        let mut geschiedenis = super::geschiedenis::DemoGeschiedenis::default();
        self.demo_thuiszitters_verleden(actor, seed, today, &mut geschiedenis)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7a61_6b65_6e00);
        let regios = self
            .store()
            .organisaties()?
            .iter()
            .filter(|o| o.soort == OrgSoort::Gemeente)
            .filter_map(|o| o.regio.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            .max(1);
        let wanted = PER_REGIO * regios;
        // Secondary-school pupils of leerplicht age, and young people of duty age not
        // enrolled anywhere (absoluut verzuim), sampled evenly over the register.
        let mut ingeschreven = Vec::new();
        let mut niet = Vec::new();
        // Primary pupils too, so that the primary SWVs have thuiszitters of their own (drawn
        // from a stream of their own: the secondary ones stay as they were).
        let mut primair = Vec::new();
        let mut gemeente_van = std::collections::HashMap::new();
        self.jongeren(actor, today, None, &mut |j| {
            let plicht = matches!(
                j.plicht,
                DutyStatus::Leerplichtig | DutyStatus::Kwalificatieplichtig
            );
            if plicht && j.leeftijd >= 6 && matches!(j.sector, Some(Sector::Po | Sector::So)) {
                primair.push(j.leerling);
                gemeente_van.insert(j.leerling, j.gemeente.as_str().to_string());
            }
            if !plicht || j.leeftijd < 12 {
                return Ok(());
            }
            gemeente_van.insert(j.leerling, j.gemeente.as_str().to_string());
            match j.sector {
                Some(Sector::Vo | Sector::Vso) => ingeschreven.push(j.leerling),
                None => niet.push(j.leerling),
                _ => {}
            }
            Ok(())
        })?;
        ingeschreven.shuffle(&mut rng);
        niet.shuffle(&mut rng);
        let mut extra = ChaCha8Rng::seed_from_u64(seed ^ 0x706f_636a_6700);
        primair.shuffle(&mut extra);
        // A CJG takes part in three cases in five: the one serving the pupil's gemeente.
        let cjg_van = cjg_per_gemeente(&self.store().organisaties()?);
        let mut made = DemoZaken::default();
        let mut next_niet = niet.into_iter();
        for leerling in ingeschreven {
            if made.registraties >= wanted {
                break;
            }
            let mut categorie = pick(&mut rng, &CATEGORIEEN);
            let mut wie = leerling;
            if categorie == Categorie::AbsoluutVerzuim {
                match next_niet.next() {
                    Some(l) => wie = l,
                    None => categorie = Categorie::Thuiszittend,
                }
            }
            let oorzaak = match categorie {
                Categorie::LangdurigZiek => Oorzaak::LangdurigZiek,
                _ => pick(&mut rng, &OORZAKEN),
            };
            // Home-sitting began one to 200 days ago; a nazorg period follows earlier
            // home-sitting.
            let begin = today - Duration::days(rng.gen_range(1..=200));
            // A registration must fit the register on its days (enrolled then, for
            // thuiszittend; enrolled nowhere, for absoluut verzuim): one that does not is
            // refused, and the demo takes the next pupil.
            match self.registratie_wijzigen(actor, wie, Some((categorie, oorzaak)), begin) {
                Ok(()) => {}
                Err(leerrecht_app::AppError::Invalid(_)) => continue,
                Err(e) => return Err(e),
            }
            made.registraties += 1;
            if categorie.is_thuiszitter() {
                made.thuiszitters += 1;
                let zaak = self.demo_case(actor, wie, begin, today, &mut rng, &mut made)?;
                let cjg = gemeente_van.get(&wie).and_then(|g| cjg_van.get(g));
                self.demo_cjg(actor, zaak, cjg, begin, today, &mut extra)?;
            }
        }
        // Thuiszitters at primary schools: one for every six registrations above.
        let mut po = 0;
        for wie in primair {
            if po >= wanted / 6 {
                break;
            }
            let oorzaak = pick(&mut extra, &OORZAKEN);
            let begin = today - Duration::days(extra.gen_range(1..=150));
            match self.registratie_wijzigen(
                actor,
                wie,
                Some((Categorie::Thuiszittend, oorzaak)),
                begin,
            ) {
                Ok(()) => {}
                Err(leerrecht_app::AppError::Invalid(_)) => continue,
                Err(e) => return Err(e),
            }
            po += 1;
            made.registraties += 1;
            made.thuiszitters += 1;
            let zaak = self.demo_case(actor, wie, begin, today, &mut extra, &mut made)?;
            let cjg = gemeente_van.get(&wie).and_then(|g| cjg_van.get(g));
            self.demo_cjg(actor, zaak, cjg, begin, today, &mut extra)?;
        }
        made.escalaties = self.escaleren(actor, today, regels)?.len();
        if afhandelen {
            self.demo_concepten_afhandelen(
                actor,
                seed,
                today,
                regels.melding_termijn_schooldagen,
                &mut geschiedenis,
            )?;
            made.meldingen_bevestigd = geschiedenis.meldingen_bevestigd;
            made.geschiedenis = geschiedenis;
            return Ok(made);
        }
        made.geschiedenis = geschiedenis;
        // Schools confirm the drafts of the 16-hour signals of the twelve months up to the
        // latest one, and the bureau answers most of them.
        let mut confirmed = 0;
        let (pupils, latest) = self.drafts_16uur(actor, today)?;
        let since = latest.unwrap_or(today) - Duration::days(365);
        for leerling in pupils {
            for m in self.meldingen(actor, leerling)? {
                if m.status != "concept" || m.verzuimsoort != "16uur" || m.begindatum < since {
                    continue;
                }
                self.melding_bevestigen(actor, m.id)?;
                confirmed += 1;
                match rng.gen_range(0..10) {
                    0..=3 => self.melding_status(actor, m.id, "in_behandeling", None)?,
                    4..=6 => {
                        self.melding_status(actor, m.id, "in_behandeling", None)?;
                        self.melding_status(actor, m.id, "afgesloten", Some("terug_naar_school"))?;
                    }
                    _ => {}
                }
            }
            if confirmed >= wanted {
                break;
            }
        }
        made.meldingen_bevestigd = confirmed;
        Ok(made)
    }

    /// A thuiszitter's case: partners, a meeting, and an offer on time, late, or not yet.
    fn demo_case(
        &self,
        actor: &Actor,
        wie: LeerlingId,
        begin: NaiveDate,
        today: NaiveDate,
        rng: &mut ChaCha8Rng,
        made: &mut DemoZaken,
    ) -> Result<i64> {
        let zaak = self.zaak_openen(actor, wie, ZaakSoort::Thuiszitter, begin)?;
        made.zaken += 1;
        self.demo_overleg(actor, zaak, rng, (begin + Duration::days(14)).min(today))?;
        let days = (today - begin).num_days();
        let roll = rng.gen_range(0..10);
        let offered = match roll {
            // On time: within the three months.
            0..=5 if days > 20 => Some(begin + Duration::days(rng.gen_range(14..=days.min(85)))),
            // Late: after the deadline.
            6..=7 if days > 100 => Some(begin + Duration::days(rng.gen_range(95..=days))),
            _ => None,
        };
        if let Some(op) = offered {
            let late = (op - begin).num_days() > 90;
            if late {
                made.aanbod_te_laat += 1;
            } else {
                made.aanbod_op_tijd += 1;
            }
            let gestart = op + Duration::days(14);
            self.demo_aanbod(actor, zaak, rng, op, (gestart <= today).then_some(gestart))?;
        }
        Ok(zaak)
    }

    /// The first meeting on a case, of the core team or the youth team.
    pub(super) fn demo_overleg(
        &self,
        actor: &Actor,
        zaak: i64,
        rng: &mut ChaCha8Rng,
        datum: NaiveDate,
    ) -> Result<()> {
        self.zaak_vastleggen(
            actor,
            zaak,
            Gebeurtenis::Overleg {
                team: if rng.gen_bool(0.5) {
                    Team::Kernteam
                } else {
                    Team::Jeugdteam
                },
                datum,
                besluiten: "consulent SWV zoekt passend onderwijsaanbod; CJG sluit aan".into(),
                vervolg: "over zes weken opnieuw bespreken".into(),
            },
        )
    }

    /// A case's first offer, of a kind drawn at random, by a provider in the region.
    pub(super) fn demo_aanbod(
        &self,
        actor: &Actor,
        zaak: i64,
        rng: &mut ChaCha8Rng,
        aangeboden: NaiveDate,
        gestart: Option<NaiveDate>,
    ) -> Result<()> {
        let aanbod = [
            AanbodType::Onderwijs,
            AanbodType::OnderwijsZorgarrangement,
            AanbodType::Zorg,
            AanbodType::Jeugdhulp,
            AanbodType::Dagbesteding,
        ][rng.gen_range(0..5)];
        self.zaak_vastleggen(
            actor,
            zaak,
            Gebeurtenis::Aanbod {
                nummer: 1,
                aanbod,
                aanbieder: "aanbieder in de regio".into(),
                aangeboden,
                gestart,
            },
        )
    }

    /// The CJG of the pupil's gemeente joins a case a week after it began, three times in five.
    fn demo_cjg(
        &self,
        actor: &Actor,
        zaak: i64,
        cjg: Option<&String>,
        begin: NaiveDate,
        today: NaiveDate,
        rng: &mut ChaCha8Rng,
    ) -> Result<()> {
        let Some(cjg) = cjg else { return Ok(()) };
        if !rng.gen_ratio(3, 5) {
            return Ok(());
        }
        self.zaak_vastleggen(
            actor,
            zaak,
            Gebeurtenis::Partner {
                organisatie: cjg.clone(),
                contact: None,
                datum: (begin + Duration::days(7)).min(today),
            },
        )
    }

    /// The pupils with a 16-hour signal, the most recent first, and the latest signal's date.
    fn drafts_16uur(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<(Vec<LeerlingId>, Option<NaiveDate>)> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut latest = None;
        self.list_signals(
            actor,
            today,
            Some(leerrecht_domain::rules::Regel::Uur16),
            false,
            &mut |s| {
                latest = latest.max(Some(s.datum));
                if let Ok(l) = s.leerling.parse::<LeerlingId>() {
                    if seen.insert(l) {
                        out.push(l);
                    }
                }
                Ok(())
            },
        )?;
        out.reverse(); // the most recent first
        Ok((out, latest))
    }
}
