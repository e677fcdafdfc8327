//! The worklist (docs/domain.md §8): what needs one organisation now. For a school: drafts to
//! confirm and preventive signals; for a leerplicht bureau: meldingen not yet taken on,
//! thuiszitters whose offer is due or late, escalations due and exemptions up for renewal;
//! for an SWV or CJG: their thuiszitters' offers; for a GGD: MAZL referrals.

mod register;

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::melding::{concept_termijn, schooldagen_over};
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::rules::Regel;
use leerrecht_domain::thuiszitters::{Escalatieregels, Niveau};
use leerrecht_domain::zaak::Artikel;

use leerrecht_store::WerkRij;

use crate::toegang::{authorize, beslis, Action, Actor, Gebruik};
use crate::{App, AppError, Result};

/// Days before a deadline that an item appears.
pub const VOORUIT_DAGEN: i64 = 14;
/// How far back signals count as new.
pub const SIGNALEN_DAGEN: i64 = 28;

/// One thing to do.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WerkItem {
    /// `conceptmelding`, `melding`, `signaal`, `mazl`, `aanbod`, `aanbod_te_laat`,
    /// `escalatie`, `vrijstelling`, `av` (absolute absence), `thuiszitter_voorstel` (an `lrv`
    /// signal: register as thuiszittend), `vrijstelling_verlengen` (a yearly exemption due
    /// for renewal), `vrijstelling_gemarkeerd` (given because no suitable offer exists) or
    /// `handhaving` (a HALT referral or official report without an outcome after
    /// [`leerrecht_domain::zaak::UITKOMST_WEKEN`] weeks) or `overdracht` (a case handed over
    /// to this bureau after a move, during the transition period), `overdracht_weg` (a case
    /// this bureau handed over, while it still reads it) or `rmc` (an RMC case
    /// without an outcome, from two weeks before its three months are up).
    pub soort: &'static str,
    pub leerling: String,
    pub naam: String,
    /// The day it concerns (the melding's start, the signal, the deadline…).
    pub datum: NaiveDate,
    pub te_laat: bool,
    pub wat: String,
}

/// An organisation's worklist on a day.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Werklijst {
    pub organisatie: String,
    pub peildatum: NaiveDate,
    pub tellingen: BTreeMap<&'static str, usize>,
    pub items: Vec<WerkItem>,
}

impl App {
    /// The worklist of organisation `org` on `on`. The operator may ask for any organisation;
    /// a user only for their own, and sees only the persons the gate lets them see.
    pub fn werklijst(
        &self,
        actor: &Actor,
        org: &str,
        on: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Werklijst> {
        match actor {
            Actor::LocalOperator { .. } => {}
            Actor::Gebruiker(g) if g.organisatie == org && g.rol.sees_persons() => {}
            _ => return Err(crate::toegang::forbidden(Action::ReadPersons)),
        }
        let orgs = self.store().organisaties()?;
        let o = orgs
            .iter()
            .find(|o| o.code.as_str() == org)
            .ok_or_else(|| AppError::Invalid(format!("org: onbekende organisatie {org:?}")))?;
        let swv_van: HashMap<&str, &str> = orgs
            .iter()
            .filter_map(|s| Some((s.code.as_str(), s.swv.as_ref()?.as_str())))
            .collect();
        let serves = |g: &str| o.bedient.iter().any(|b| b.as_str() == g);
        let mut items = Vec::new();
        // A school confirms its own drafts; a bureau takes on registered meldingen.
        let (status, school) = match o.soort {
            OrgSoort::School => ("concept", Some(org)),
            _ => ("geregistreerd", None),
        };
        let kalender = self.regiokalender()?;
        // Rows come one at a time and only this organisation's are kept: the worklist's size,
        // not the region's, decides its memory.
        let mut lrv = Vec::new();
        let mut rijen = |rij: WerkRij| -> leerrecht_store::Result<()> {
            match rij {
                WerkRij::Melding(m, p) => {
                    let item = |soort, wat: String| WerkItem {
                        soort,
                        leerling: p.leerling.to_string(),
                        naam: p.naam.clone(),
                        datum: m.begindatum,
                        te_laat: false,
                        wat,
                    };
                    match o.soort {
                        OrgSoort::School if m.status == "concept" && m.school.as_str() == org => {
                            // A draft is settled within the term of the school's own calendar
                            // (docs/domain.md §7).
                            let dagen = kalender.voor_school(&m.school);
                            let termijn = concept_termijn(
                                dagen,
                                m.begindatum,
                                regels.melding_termijn_schooldagen,
                            );
                            let over = schooldagen_over(dagen, termijn, on);
                            let nog = if on < termijn {
                                dagen.count_school_days(on.succ_opt().unwrap_or(on), termijn)
                            } else {
                                0
                            };
                            items.push(WerkItem {
                                te_laat: over > 0,
                                ..item(
                                    "conceptmelding",
                                    match over {
                                        0 if nog == 0 => format!(
                                            "melding {} ({}) bevestigen of intrekken: vandaag de laatste dag",
                                            m.id, m.verzuimsoort
                                        ),
                                        0 => format!(
                                            "melding {} ({}) bevestigen of intrekken: nog {nog} {}",
                                            m.id,
                                            m.verzuimsoort,
                                            if nog == 1 { "schooldag" } else { "schooldagen" }
                                        ),
                                        n => format!(
                                            "melding {} ({}) bevestigen of intrekken: {n} {} te laat",
                                            m.id,
                                            m.verzuimsoort,
                                            if n == 1 { "schooldag" } else { "schooldagen" }
                                        ),
                                    },
                                )
                            })
                        }
                        OrgSoort::Leerplicht
                            if m.status == "geregistreerd" && serves(&p.gemeente) =>
                        {
                            items.push(item(
                                "melding",
                                format!(
                                    "melding {} ({}) van {} in behandeling nemen",
                                    m.id, m.verzuimsoort, m.school
                                ),
                            ))
                        }
                        _ => {}
                    }
                }
                WerkRij::Signaal {
                    persoon: p,
                    school,
                    regel,
                    datum,
                } => {
                    let mazl = Regel::code_is(&regel, Regel::mazl);
                    let mine = match o.soort {
                        // An `lrv` signal reaches the school as its draft melding.
                        OrgSoort::School => !mazl && regel != "lrv" && school == org,
                        OrgSoort::Ggd => mazl && serves(&p.gemeente),
                        _ => false,
                    };
                    if mine {
                        items.push(WerkItem {
                            soort: if mazl { "mazl" } else { "signaal" },
                            leerling: p.leerling.to_string(),
                            naam: p.naam.clone(),
                            datum,
                            te_laat: false,
                            wat: format!("{regel} op {school}"),
                        });
                    } else if regel == "lrv" {
                        // A thuiszitter proposal for leerplicht and the school's SWV.
                        let voor_ons = match o.soort {
                            OrgSoort::Leerplicht => serves(&p.gemeente),
                            OrgSoort::Swv => swv_van.get(school.as_str()) == Some(&org),
                            _ => false,
                        };
                        if voor_ons {
                            lrv.push((p, school, datum));
                        }
                    }
                }
            }
            Ok(())
        };
        self.store().for_each_werk(
            on,
            on - Duration::days(SIGNALEN_DAGEN),
            status,
            school,
            &mut rijen,
        )?;
        // The gate's facts of the persons on the list, read in batches and kept.
        let mut contexten = HashMap::new();
        self.register_items(&mut items, o, on, &lrv, &mut contexten)?;
        // The clock of a thuiszitter is read from registrations and cases, which a school may
        // not read (docs/domain.md §10): a school's worklist has no thuiszitter items.
        if matches!(
            o.soort,
            OrgSoort::Leerplicht | OrgSoort::Swv | OrgSoort::Cjg
        ) {
            let thuiszitters = self.store().thuiszitters_op(on)?;
            self.contexten_aanvullen(&mut contexten, thuiszitters.iter().copied(), on)?;
            let mine: Vec<LeerlingId> = thuiszitters
                .into_iter()
                .filter(|l| {
                    contexten.get(l).is_some_and(|ctx| match o.soort {
                        OrgSoort::Leerplicht => serves(ctx.jongere.gemeente.as_str()),
                        OrgSoort::Swv => ctx.scholen.iter().any(|(s, swv)| {
                            swv.as_deref().or(swv_van.get(s.as_str()).copied()) == Some(org)
                        }),
                        OrgSoort::Cjg => ctx.partners.iter().any(|p| p == org),
                        _ => false,
                    })
                })
                .collect();
            // Their registrations and cases, read at once.
            let mut dossiers = self.store().zaakdossiers(&mine)?;
            for leerling in mine {
                let dossier = dossiers.remove(&leerling).unwrap_or_default();
                self.thuiszitter_items(
                    &mut items,
                    leerling,
                    &contexten[&leerling].jongere,
                    o.soort,
                    on,
                    crate::zaken::stand_uit(&dossier, on, regels, &kalender),
                )?;
            }
        }
        // A user sees only who the gate lets them see, each item only when the gate lets them
        // read what it is made of, and each person shown is logged.
        if let Actor::Gebruiker(_) = actor {
            let mut kept = Vec::with_capacity(items.len());
            let mut decided: HashMap<(String, Gebruik), bool> = HashMap::new();
            // The gate's facts of everyone on the list, read at once.
            let leerlingen = items
                .iter()
                .map(|i| {
                    i.leerling
                        .parse::<LeerlingId>()
                        .map_err(|_| AppError::Invalid("a listed identifier is invalid".into()))
                })
                .collect::<Result<Vec<_>>>()?;
            self.contexten_aanvullen(&mut contexten, leerlingen.iter().copied(), on)?;
            let mut gelogd: std::collections::HashSet<String> = Default::default();
            // Every person shown, logged in one commit before the list is handed out.
            let mut personen = Vec::new();
            for (item, l) in items.into_iter().zip(leerlingen) {
                let gebruik = gebruik_van(item.soort);
                let ok = match decided.get(&(item.leerling.clone(), gebruik)) {
                    Some(ok) => *ok,
                    None => {
                        let ok = match contexten.get(&l) {
                            Some(ctx) => {
                                beslis(actor, Gebruik::PersoonBekijken, ctx, None).eigen()
                                    && beslis(actor, gebruik, ctx, None).eigen()
                            }
                            None => false,
                        };
                        if ok && gelogd.insert(item.leerling.clone()) {
                            personen.push((self.pseudoniem(l)?, None));
                        }
                        decided.insert((item.leerling.clone(), gebruik), ok);
                        ok
                    }
                };
                if ok {
                    kept.push(item);
                }
            }
            self.audit_personen(actor, "werklijst", personen, &format!("werklijst {org}"))?;
            items = kept;
        } else {
            authorize(actor, Action::ReadPersons)?;
            self.audit_operatie(
                actor,
                "werklijst",
                format!("{org} op {on}: {} regels", items.len()),
            )?;
        }
        items.sort_by(|a, b| {
            b.te_laat
                .cmp(&a.te_laat)
                .then(a.datum.cmp(&b.datum))
                .then(a.leerling.cmp(&b.leerling))
        });
        let mut tellingen = BTreeMap::new();
        for i in &items {
            *tellingen.entry(i.soort).or_insert(0) += 1;
        }
        Ok(Werklijst {
            organisatie: org.to_string(),
            peildatum: on,
            tellingen,
            items,
        })
    }

    /// Adds to `contexten` the gate's facts of those of `leerlingen` it does not hold yet, in
    /// one read of the store.
    pub(crate) fn contexten_aanvullen(
        &self,
        contexten: &mut HashMap<LeerlingId, leerrecht_store::access::PersoonContext>,
        leerlingen: impl IntoIterator<Item = LeerlingId>,
        on: NaiveDate,
    ) -> Result<()> {
        let nieuw: std::collections::HashSet<LeerlingId> = leerlingen
            .into_iter()
            .filter(|l| !contexten.contains_key(l))
            .collect();
        let nieuw: Vec<LeerlingId> = nieuw.into_iter().collect();
        contexten.extend(self.store().persoon_contexten(&nieuw, on)?);
        Ok(())
    }

    fn thuiszitter_items(
        &self,
        items: &mut Vec<WerkItem>,
        leerling: LeerlingId,
        jongere: &leerrecht_domain::person::Jongere,
        soort: OrgSoort,
        on: NaiveDate,
        stand: crate::zaken::Stand,
    ) -> Result<()> {
        // A case of an earlier run says nothing about this run's ladder.
        let open_staat = if stand.open_eerder {
            None
        } else {
            stand.open.map(|(_, staat)| staat)
        };
        let Some(k) = stand.klok else {
            return Ok(());
        };
        let item = |soort, datum, te_laat, wat: String| WerkItem {
            soort,
            leerling: leerling.to_string(),
            naam: format!("{} {}", jongere.voornamen, jongere.achternaam),
            datum,
            te_laat,
            wat,
        };
        if k.aanbod.is_none() {
            if k.dagen_te_laat > 0 {
                items.push(item(
                    "aanbod_te_laat",
                    k.termijn,
                    true,
                    format!(
                        "thuis sinds {}: aanbod {} dagen te laat",
                        k.begin, k.dagen_te_laat
                    ),
                ));
            } else if (k.termijn - on).num_days() <= VOORUIT_DAGEN {
                items.push(item(
                    "aanbod",
                    k.termijn,
                    false,
                    format!("thuis sinds {}: aanbod uiterlijk {}", k.begin, k.termijn),
                ));
            }
        }
        if soort == OrgSoort::Leerplicht {
            let bereikt = open_staat.as_ref().and_then(|s| s.niveau);
            if k.niveau > Niveau::Uitvoerend && bereikt.is_none_or(|b| b < k.niveau) {
                items.push(item(
                    "escalatie",
                    k.termijn,
                    true,
                    format!("escalatie naar {} is verschuldigd", k.niveau.code()),
                ));
            }
            if let Some(s) = &open_staat {
                for v in &s.vrijstellingen {
                    if let (Artikel::Art5SubA, Some(tot)) = (v.artikel, v.tot) {
                        if (tot - on).num_days() <= 30 {
                            items.push(item(
                                "vrijstelling",
                                tot,
                                tot < on,
                                format!("vrijstelling 5 sub a loopt af op {tot}: verlengen of beëindigen"),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// What a worklist item is made of, as the gate names it: an item is shown only to whom may
/// read that.
fn gebruik_van(soort: &str) -> Gebruik {
    match soort {
        "conceptmelding" | "melding" => Gebruik::MeldingenLezen,
        "signaal" => Gebruik::SignalenLezen,
        "mazl" => Gebruik::VerwijzingenLezen,
        // The clock, escalations and exemptions come from registrations and cases.
        _ => Gebruik::ZaakLezen,
    }
}
