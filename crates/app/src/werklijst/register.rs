//! The worklist's items that come from the register rather than from a school: absolute
//! absence (`av`) and thuiszitter candidates (`lrv`) for leerplicht and the SWV, and the
//! exemptions that need leerplicht's attention (docs/domain.md §6.8, §8). A school gets none of
//! these: they are about persons it may not (yet) read, or about leerplicht's own decisions.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use leerrecht_domain::doelbinding::melding_geeft_grond;
use leerrecht_domain::duty::{birth_ranges, duty_status_met};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::org::{OrgSoort, Organisatie};
use leerrecht_domain::rules::absoluut_verzuim;
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort, ZaakStaat, UITKOMST_WEKEN};
use leerrecht_store::access::PersoonContext;
use leerrecht_store::{WerkPersoon, ZaakEvent, ZaakRij};

use crate::werklijst::{WerkItem, VOORUIT_DAGEN};
use crate::{App, Result};

impl App {
    /// Adds the register's items for organisation `o` on `on` to `items`; `lrv` holds the
    /// recent `lrv` signals of the people it serves (leerplicht: by gemeente; an SWV: by
    /// school), person, school and date, in date order. The gate's facts of the persons it
    /// reads are added to `contexten`.
    pub(crate) fn register_items(
        &self,
        items: &mut Vec<WerkItem>,
        o: &Organisatie,
        on: NaiveDate,
        lrv: &[(WerkPersoon, String, NaiveDate)],
        contexten: &mut HashMap<LeerlingId, PersoonContext>,
    ) -> Result<()> {
        if !matches!(o.soort, OrgSoort::Leerplicht | OrgSoort::Swv) {
            return Ok(());
        }
        let org = o.code.as_str();
        let serves = |g: &str| o.bedient.iter().any(|b| b.as_str() == g);
        // Someone already on the thuiszitters list needs no proposal.
        let geregistreerd: HashSet<String> = self
            .store()
            .geregistreerden_op(on)?
            .into_iter()
            .map(|l| l.to_string())
            .collect();
        // `lrv`: a thuiszitter candidate, proposed to leerplicht and to the school's SWV once
        // the school confirmed a melding of the pupil: until then the signal is the school's
        // draft, and unconfirmed signals stay at the school (docs/domain.md §10).
        let mut voorgesteld = HashSet::new();
        for (p, school, datum) in lrv {
            let leerling = p.leerling.to_string();
            if geregistreerd.contains(&leerling) || voorgesteld.contains(&leerling) {
                continue;
            }
            let bevestigd = self
                .store()
                .meldingen_van(p.leerling)?
                .iter()
                .any(|m| m.school.as_str() == school && melding_geeft_grond(&m.status));
            if !bevestigd {
                continue;
            }
            voorgesteld.insert(leerling.clone());
            items.push(WerkItem {
                soort: "thuiszitter_voorstel",
                leerling,
                naam: p.naam.clone(),
                datum: *datum,
                te_laat: false,
                wat: format!(
                    "langdurig relatief verzuim op {school}: registratie thuiszittend voorgesteld"
                ),
            });
        }
        if o.soort != OrgSoort::Leerplicht {
            return Ok(());
        }
        // `av`: of duty age, enrolled nowhere, not exempted, in a gemeente the bureau serves.
        let mut av = Vec::new();
        self.store().av_kandidaten(on, birth_ranges(on), &mut |k| {
            if serves(k.gemeente.as_str())
                && absoluut_verzuim(
                    k.geboortedatum,
                    on,
                    false,
                    k.vrijgesteld,
                    k.startkwalificatie,
                )
                && !geregistreerd.contains(&k.leerling.to_string())
            {
                av.push(k);
            }
            Ok(())
        })?;
        // Their names come with the gate's facts, read for all of them at once and kept for
        // the gate's look at every item.
        self.contexten_aanvullen(contexten, av.iter().map(|k| k.leerling), on)?;
        for k in av {
            let naam = contexten
                .get(&k.leerling)
                .map(|c| format!("{} {}", c.jongere.voornamen, c.jongere.achternaam))
                .unwrap_or_default();
            items.push(WerkItem {
                soort: "av",
                leerling: k.leerling.to_string(),
                naam,
                datum: on,
                te_laat: false,
                wat: format!(
                    "absoluut verzuim: {}, nergens ingeschreven, geen vrijstelling",
                    duty_status_met(k.geboortedatum, on, k.startkwalificatie)
                ),
            });
        }
        // The cases of this bureau the list may name: its exemptions, the handovers after a
        // move, its RMC cases near their term and its absence cases with enforcement. Their
        // events and their persons are read for all of them at once.
        let vrijstellingen: Vec<ZaakRij> = self
            .store()
            .open_zaken(ZaakSoort::Vrijstelling)?
            .into_iter()
            .filter(|z| z.organisatie == org)
            .collect();
        let inkomend = self.store().zaken_overgedragen(org)?;
        let uitgaand = self.store().zaken_overgedragen_door(org)?;
        let rmc: Vec<ZaakRij> = self
            .store()
            .open_zaken(ZaakSoort::Rmc)?
            .into_iter()
            .filter(|z| {
                z.organisatie == org
                    && z.geopend <= on
                    && (crate::zaken::rmc::rmc_termijn(z.geopend) - on).num_days() <= VOORUIT_DAGEN
            })
            .collect();
        let handhaving = self.store().zaken_met_handhaving(org)?;
        let personen: Vec<LeerlingId> = [&vrijstellingen, &inkomend, &uitgaand, &rmc, &handhaving]
            .into_iter()
            .flatten()
            .map(|z| z.leerling)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        self.contexten_aanvullen(contexten, personen.iter().copied(), on)?;
        let events: HashMap<i64, Vec<ZaakEvent>> = self
            .store()
            .zaakdossiers(&personen)?
            .into_values()
            .flat_map(|d| d.zaken)
            .map(|(z, e)| (z.id, e))
            .collect();
        // A case's events and its person's name (a case can be on two of the lists); none
        // when the person is gone.
        let van = |z: &ZaakRij| -> Option<(&[ZaakEvent], String)> {
            let j = &contexten.get(&z.leerling)?.jongere;
            Some((
                events.get(&z.id).map_or(&[][..], Vec::as_slice),
                format!("{} {}", j.voornamen, j.achternaam),
            ))
        };
        // Exemptions held by this bureau: a yearly one due for renewal, one given because no
        // suitable offer exists.
        for z in &vrijstellingen {
            let Some((events, naam)) = van(z) else {
                continue;
            };
            let staat = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
            let item = |soort, datum, te_laat, wat| WerkItem {
                soort,
                leerling: z.leerling.to_string(),
                naam: naam.clone(),
                datum,
                te_laat,
                wat,
            };
            for (v, op) in staat.te_verlengen() {
                if (op - on).num_days() <= VOORUIT_DAGEN {
                    items.push(item(
                        "vrijstelling_verlengen",
                        op,
                        op < on,
                        format!(
                            "vrijstelling {} van {} jaarlijks verlengen uiterlijk {op}",
                            v.artikel.code(),
                            v.van
                        ),
                    ));
                }
            }
            for v in &staat.vrijstellingen {
                if v.gemarkeerd && v.van <= on && v.tot.is_none_or(|t| on <= t) {
                    items.push(item(
                        "vrijstelling_gemarkeerd",
                        v.van,
                        true,
                        format!(
                            "vrijstelling {} gegeven omdat er geen passend aanbod is",
                            v.artikel.code()
                        ),
                    ));
                }
            }
        }
        // Handovers after a move, during the transition period: the cases handed over to this
        // bureau, and those it handed over and still reads (where the young person went, and
        // until when the file stays open to it).
        for (zaken, naar_ons) in [(&inkomend, true), (&uitgaand, false)] {
            for z in zaken {
                let Some((events, naam)) = van(z) else {
                    continue;
                };
                let laatste = events.iter().rev().find_map(|e| match &e.gebeurtenis {
                    Gebeurtenis::Overgedragen {
                        van,
                        naar,
                        datum,
                        lezen_tot,
                    } if (if naar_ons { naar } else { van }) == org => {
                        Some((if naar_ons { van } else { naar }, *datum, *lezen_tot))
                    }
                    _ => None,
                });
                let Some((ander, datum, tot)) = laatste else {
                    continue;
                };
                if datum <= on && on < tot {
                    let (soort, wat) = if naar_ons {
                        (
                            "overdracht",
                            format!(
                                "zaak {} ({}) overgedragen door {ander} na een verhuizing",
                                z.id,
                                z.soort.code()
                            ),
                        )
                    } else {
                        (
                            "overdracht_weg",
                            format!(
                                "zaak {} ({}) na een verhuizing overgedragen aan {ander}; u leest mee tot {tot}",
                                z.id,
                                z.soort.code()
                            ),
                        )
                    };
                    items.push(WerkItem {
                        soort,
                        leerling: z.leerling.to_string(),
                        naam,
                        datum,
                        te_laat: false,
                        wat,
                    });
                }
            }
        }
        // RMC cases of this bureau without an outcome, from two weeks before their three
        // months are up (docs/domain.md §13).
        for z in &rmc {
            let termijn = crate::zaken::rmc::rmc_termijn(z.geopend);
            let Some((events, naam)) = van(z) else {
                continue;
            };
            let staat = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
            let pogingen = staat.contactpogingen.len();
            let bereikt = staat.contactpogingen.iter().any(|(_, _, b)| *b);
            items.push(WerkItem {
                soort: "rmc",
                leerling: z.leerling.to_string(),
                naam,
                datum: termijn,
                te_laat: termijn < on,
                wat: format!(
                    "RMC-zaak {} van {}: uitkomst uiterlijk {termijn} ({pogingen} contactpoging{}, {})",
                    z.id,
                    z.geopend,
                    if pogingen == 1 { "" } else { "en" },
                    if bereikt { "bereikt" } else { "nog niet bereikt" }
                ),
            });
        }
        // Enforcement on this bureau's absence cases whose outcome is long in coming.
        for z in &handhaving {
            let Some((events, naam)) = van(z) else {
                continue;
            };
            let staat = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
            for (wat, sinds) in staat.uitkomst_open() {
                let termijn = sinds + Duration::weeks(UITKOMST_WEKEN);
                if termijn <= on {
                    items.push(WerkItem {
                        soort: "handhaving",
                        leerling: z.leerling.to_string(),
                        naam: naam.clone(),
                        datum: termijn,
                        te_laat: true,
                        wat: format!(
                            "{wat} van {sinds}: nog geen uitkomst na {UITKOMST_WEKEN} weken"
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}
