//! The demo's file work (docs/domain.md §13): on every open absence or thuiszitter case, the
//! officer's report of a talk with the family for everyone on the case, and now and then a
//! note for leerplicht only; invitations to parents; HALT referrals and official reports. The
//! same for the same seed.

use chrono::{Duration, NaiveDate};
use leerrecht_domain::brief::Sjabloon;
use leerrecht_domain::zaak::{
    Gebeurtenis, NotitieSoort, OmBeslissing, PvArtikel, Vertrouwelijkheid, ZaakSoort,
};
use leerrecht_store::Zaaknotitie;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Demo;
use leerrecht_app::toegang::{authorize, Action, Actor};
use leerrecht_app::Result;

/// Reports of a talk, with `{naam}` for the young person's first name.
const GESPREKKEN: &[&str] = &[
    "Verzuimgesprek met moeder en {naam} op het gemeentehuis. {naam} vindt de overstap naar de \
     nieuwe klas zwaar. Afspraak: vanaf maandag weer elke dag naar school; de mentor belt \
     vrijdag met moeder.",
    "Huisbezoek. Vader en {naam} waren thuis. {naam} slaapt slecht en komt daardoor te laat. \
     Afgesproken: hulp via het CJG, over drie weken een nieuw gesprek.",
    "Gesprek met {naam}, de mentor en de zorgcoördinator op school. Het verzuim is minder \
     geworden; de school houdt de aanwezigheid wekelijks bij.",
    "Telefonisch contact met de ouders. Ze herkennen het verzuim en willen meewerken. \
     Uitnodiging voor een gesprek met {naam} verstuurd.",
];

/// Notes for leerplicht only: what the officer keeps from the partners.
const VERTROUWELIJK: &[&str] = &[
    "Moeder vertelde over spanningen thuis na de scheiding; zij wil niet dat de school dit weet.",
    "Eerdere melding bij Veilig Thuis (2023) volgens vader afgesloten. Niet delen.",
    "Oudere broer heeft eerder een proces-verbaal gehad voor verzuim; ouders zijn daar boos over.",
];

impl Demo<'_> {
    /// Writes the talks and notes on every open absence or thuiszitter case, dated between
    /// the case's opening and `peildatum`, as its bureau's officer. Returns how many.
    pub fn zaaknotities(&self, actor: &Actor, seed: u64, peildatum: NaiveDate) -> Result<u64> {
        authorize(actor, Action::LoadDemo)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6e6f_7469_7469_6573);
        let mut n = 0;
        for soort in [ZaakSoort::Verzuim, ZaakSoort::Thuiszitter] {
            for z in self.store().open_zaken(soort)? {
                if z.geopend > peildatum {
                    continue;
                }
                let Some(j) = self.store().jongere(z.leerling)? else {
                    continue;
                };
                let naam = j.voornamen.split(' ').next().unwrap_or("").to_string();
                let dagen = (peildatum - z.geopend).num_days();
                let dag =
                    |rng: &mut ChaCha8Rng| z.geopend + Duration::days(rng.gen_range(0..=dagen));
                let mut notities = vec![(
                    Vertrouwelijkheid::Zaak,
                    NotitieSoort::Gesprek,
                    GESPREKKEN
                        .choose(&mut rng)
                        .expect("talks")
                        .replace("{naam}", &naam),
                )];
                if rng.gen_bool(0.3) {
                    notities.push((
                        Vertrouwelijkheid::Leerplicht,
                        NotitieSoort::Notitie,
                        VERTROUWELIJK.choose(&mut rng).expect("notes").to_string(),
                    ));
                }
                for (niveau, soort, tekst) in notities {
                    self.store().zaaknotitie_toevoegen(&Zaaknotitie {
                        id: 0,
                        zaak: z.id,
                        niveau,
                        soort,
                        datum: dag(&mut rng),
                        tekst,
                        wie: "demo.leerplicht".into(),
                        organisatie: Some(z.organisatie.clone()),
                        tijd: self.now(),
                    })?;
                    n += 1;
                }
            }
        }
        self.audit_operatie(actor, "demo_zaaknotities", format!("{n} notities"))?;
        Ok(n)
    }

    /// Makes an invitation to the parents on about one open absence case in ten whose young
    /// person has parents on file, at most [`BRIEVEN_MAX`], through the use case a leerplicht
    /// officer uses. Returns how many.
    pub fn brieven(&self, actor: &Actor, seed: u64) -> Result<u64> {
        authorize(actor, Action::LoadDemo)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6272_6965_7665_6e00);
        let mut n = 0;
        for z in self.store().open_zaken(ZaakSoort::Verzuim)? {
            if n >= BRIEVEN_MAX {
                break;
            }
            if !rng.gen_bool(0.1) || self.store().verzorgers_van(z.leerling)?.is_empty() {
                continue;
            }
            self.brief_maken(actor, z.id, Sjabloon::Uitnodiging)?;
            n += 1;
        }
        Ok(n)
    }
}

impl Demo<'_> {
    /// Enforcement on about one open absence case in twenty of a young person of 12 or older:
    /// a HALT referral a month after the case opened (or on `peildatum` for a case younger
    /// than that), its outcome six weeks later when that lies before `peildatum` (now and then
    /// not completed, and then an official report to the parents, and the prosecutor's
    /// decision when it lies before `peildatum`). Referrals still waiting show on the file;
    /// after eight weeks the worklist reminds of them. Returns how many steps.
    pub fn handhaving(&self, actor: &Actor, seed: u64, peildatum: NaiveDate) -> Result<u64> {
        authorize(actor, Action::LoadDemo)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6861_6e64_6861_7669);
        let mut n = 0;
        for z in self.store().open_zaken(ZaakSoort::Verzuim)? {
            if !rng.gen_bool(0.05) {
                continue;
            }
            let Some(j) = self.store().jongere(z.leerling)? else {
                continue;
            };
            let halt = (z.geopend + Duration::days(30)).min(peildatum);
            if halt < z.geopend
                || leerrecht_domain::duty::age_on(j.geboortedatum, halt)
                    < leerrecht_domain::zaak::HALT_VANAF_JAAR
            {
                continue;
            }
            let mut stappen = vec![Gebeurtenis::Halt { datum: halt }];
            let uitkomst = halt + Duration::weeks(6);
            if uitkomst <= peildatum {
                let afgerond = rng.gen_bool(0.7);
                stappen.push(Gebeurtenis::HaltUitkomst {
                    datum: uitkomst,
                    afgerond,
                });
                let pv = uitkomst + Duration::days(14);
                if !afgerond && pv <= peildatum {
                    stappen.push(Gebeurtenis::ProcesVerbaal {
                        datum: pv,
                        artikel: PvArtikel::Art2,
                    });
                    let om = pv + Duration::weeks(10);
                    if om <= peildatum {
                        stappen.push(Gebeurtenis::OmUitspraak {
                            datum: om,
                            beslissing: OmBeslissing::Strafbeschikking,
                            sanctie: "geldboete € 150".into(),
                        });
                    }
                }
            }
            for e in stappen {
                self.handhaving_vastleggen(actor, z.id, e)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// The most letters the demo makes: each is a PDF of some 30 kB.
pub const BRIEVEN_MAX: u64 = 100;

/// The most RMC cases the demo opens.
pub const RMC_MAX: usize = 400;

impl Demo<'_> {
    /// The RMC's work (docs/domain.md §13): for about two in three of the young people on the
    /// RMC list on `peildatum` (at most [`RMC_MAX`]), an RMC case opened some weeks after they
    /// came on it, one to three contact attempts, and for a case older than three months an
    /// outcome: back in education, work or care when they were reached, not reachable when
    /// not. Through the use cases the officer uses. Returns how many cases.
    pub fn rmc(&self, actor: &Actor, seed: u64, peildatum: NaiveDate) -> Result<u64> {
        use chrono::Datelike;
        use leerrecht_domain::zaak::{Contactwijze, Sluitreden};
        authorize(actor, Action::LoadDemo)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x726d_6300_0000_0000);
        let van = peildatum
            .with_year(peildatum.year() - 23)
            .unwrap_or(peildatum - Duration::days(23 * 365));
        let tot = peildatum
            .with_year(peildatum.year() - 18)
            .unwrap_or(peildatum - Duration::days(18 * 365));
        let mut lijst: Vec<_> = self
            .store()
            .rmc_kandidaten(van, tot)?
            .into_iter()
            .filter(|k| leerrecht_domain::duty::is_rmc_age(k.geboortedatum, peildatum))
            .filter_map(|k| {
                let sinds =
                    leerrecht_domain::rmc::op_lijst(k.geboortedatum, &k.opleidingen, peildatum)?;
                Some((k.leerling, sinds))
            })
            .collect();
        lijst.shuffle(&mut rng);
        let mut n = 0;
        for (leerling, sinds) in lijst {
            if n as usize >= RMC_MAX {
                break;
            }
            if !rng.gen_bool(0.65) {
                continue;
            }
            let geopend = sinds + Duration::days(rng.gen_range(7..=42));
            if geopend > peildatum {
                continue;
            }
            let zaak = self.rmc_zaak_openen(actor, leerling, geopend)?;
            n += 1;
            let wijzen = [
                Contactwijze::Brief,
                Contactwijze::Telefoon,
                Contactwijze::Huisbezoek,
                Contactwijze::Gesprek,
            ];
            let pogingen = rng.gen_range(1..=3);
            let bereikt_ooit = rng.gen_bool(0.6);
            let mut dag = geopend;
            let mut laatste = None;
            for i in 0..pogingen {
                dag += Duration::days(rng.gen_range(3..=20));
                if dag > peildatum {
                    break;
                }
                let bereikt = bereikt_ooit && i == pogingen - 1;
                self.contactpoging_vastleggen(actor, zaak, dag, wijzen[i.min(3)], bereikt)?;
                laatste = Some((dag, bereikt));
            }
            let Some((dag, bereikt)) = laatste else {
                continue;
            };
            let sluit = dag + Duration::days(rng.gen_range(7..=30));
            if geopend + Duration::days(90) > peildatum || sluit > peildatum || !rng.gen_bool(0.7) {
                continue;
            }
            let reden = match (bereikt, rng.gen_range(0..10)) {
                (false, _) => Sluitreden::NietBereikbaar,
                (true, 0..=2) => Sluitreden::TerugNaarSchool,
                (true, 3..=6) => Sluitreden::Werk,
                (true, _) => Sluitreden::Zorg,
            };
            self.zaak_sluiten(actor, zaak, reden, sluit, "")?;
        }
        Ok(n)
    }
}
