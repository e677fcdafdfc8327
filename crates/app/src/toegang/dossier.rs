//! A young person's whole file as one reader may see it, in one gated read (the file page):
//! the person's facts are read once, the gate ([`super::beslis_over`]) decides every part on
//! them, only the parts it allows are handed out, each narrowed by [`super::zicht`], and one
//! audit entry names what was read and on which purpose.

use chrono::NaiveDate;
use leerrecht_domain::doelbinding::{melding_geeft_grond, vensters, Doelgrond, Grond};
use leerrecht_domain::org::Rol;
use leerrecht_domain::person::Inschrijving;
use leerrecht_domain::rules::Regel;
use leerrecht_domain::thuiszitters::{Escalatieregels, Klok, Registratie};
use leerrecht_store::access::{NotitieRij, PersoonContext};
use leerrecht_store::api::VerzuimRegel;
use leerrecht_store::{MeldingStaat, SignaalRij, ZaakRij, Zaaknotitie};

use super::audit::AuditRegel;
use super::zicht::{
    melding_rij_zichtbaar, signaal_zichtbaar, signalen_gebruik, verzuim_zichtbaar, zaak_zichtbaar,
    zaaknotitie_zichtbaar,
};
use super::{beslis_over, vraagt_gronden, Actor, Beslissing, Doel, Gebruik, Onderwerp, Toegang};
use crate::api::{JongereKop, ZaakMetEvents};
use crate::{App, AppError, Result};

/// What one reader sees of one person's file. A part the reader may not see is `None`.
#[derive(Clone, Debug)]
pub struct Dossier {
    pub kop: JongereKop,
    pub inschrijvingen: Vec<Inschrijving>,
    /// From the asked day to today.
    pub verzuim: Option<Vec<VerzuimRegel>>,
    /// The reader may see the person, and would see the absence with a ground the file lacks
    /// ([`super::GEEN_DOEL`]).
    pub verzuim_zonder_doel: bool,
    pub signalen: Option<Vec<SignaalRij>>,
    pub meldingen: Option<Vec<MeldingStaat>>,
    pub registraties: Option<Vec<Registratie>>,
    /// The three-month clock of a thuiszitter, with the registrations.
    pub klok: Option<Klok>,
    pub zaken: Option<Vec<ZaakMetEvents>>,
    /// Who saw or changed the file: leerplicht's.
    pub inzage: Option<Vec<AuditRegel>>,
    /// The youth doctor's notes: theirs alone.
    pub notities: Option<Vec<NotitieRij>>,
    /// Parents and guardians: part of the person, for every reader who may see the person.
    pub verzorgers: Vec<leerrecht_domain::verzorger::Verzorger>,
    /// The notes on the cases in `zaken` that the reader may see, by case, oldest first.
    pub zaaknotities: Vec<Zaaknotitie>,
    /// The letters kept on the cases in `zaken`, by case, oldest first.
    pub brieven: Vec<leerrecht_store::Brief>,
}

/// The grounds that let leerplicht read absence, from the file's meldingen, cases and
/// registrations (docs/domain.md §10).
pub(crate) fn leerplicht_gronden(
    meldingen: &[MeldingStaat],
    zaken: &[ZaakRij],
    registraties: &[Registratie],
) -> Vec<Doelgrond> {
    let meldingen = meldingen
        .iter()
        .filter(|m| melding_geeft_grond(&m.status))
        .map(|m| Doelgrond {
            grond: Grond::Melding,
            van: m.begindatum,
            tot: m.gegevens.einddatum,
        });
    let zaken = zaken
        .iter()
        .filter(|z| z.gesloten.is_none())
        .map(|z| Doelgrond {
            grond: Grond::Zaak,
            van: z.geopend,
            tot: None,
        });
    let registraties = registraties.iter().map(|r| Doelgrond {
        grond: Grond::Registratie,
        van: r.van(),
        tot: r.tot(),
    });
    meldingen.chain(zaken).chain(registraties).collect()
}

/// The grounds that let the youth doctor read sick days: the MAZL referrals.
pub(crate) fn mazl_gronden(signalen: &[SignaalRij]) -> Vec<Doelgrond> {
    signalen
        .iter()
        .filter(|s| Regel::code_is(&s.regel, Regel::mazl))
        .map(|s| Doelgrond {
            grond: Grond::Mazl,
            van: s.datum,
            tot: None,
        })
        .collect()
}

/// The gate's decisions on the parts of one file, with the grant looked up once.
struct Delen<'a> {
    app: &'a App,
    actor: &'a Actor,
    ctx: &'a PersoonContext,
    now: chrono::DateTime<chrono::Utc>,
    /// The reason of the user's live grant for this person, once looked up.
    grant: Option<Option<String>>,
    gelezen: Vec<String>,
    doelen: Vec<Doel>,
}

impl Delen<'_> {
    /// The gate's answer for `gebruik`, with a live grant when the reader's own scope does
    /// not reach.
    fn beslis(&mut self, gebruik: Gebruik) -> Result<Beslissing> {
        let b = beslis_over(self.actor, gebruik, self.ctx, &Onderwerp::Persoon, None);
        if !matches!(b, Beslissing::Geweigerd(_) | Beslissing::ZonderDoel) {
            return Ok(b);
        }
        let Actor::Gebruiker(g) = self.actor else {
            return Ok(b);
        };
        if self.grant.is_none() {
            self.grant = Some(self.app.store().noodtoegang(g.id, self.ctx.id, self.now)?);
        }
        Ok(match self.grant.as_ref().and_then(|r| r.as_deref()) {
            Some(reden) => beslis_over(
                self.actor,
                gebruik,
                self.ctx,
                &Onderwerp::Persoon,
                Some(reden),
            ),
            None => b,
        })
    }
    /// Whether the part `wat` of use `gebruik` is handed out; noted for the audit entry.
    fn mag(&mut self, gebruik: Gebruik, wat: &str) -> Result<Option<Beslissing>> {
        let b = self.beslis(gebruik)?;
        Ok(match b.doel() {
            Some(d) => {
                self.gelezen.push(wat.to_string());
                if !self.doelen.contains(&d) {
                    self.doelen.push(d);
                }
                Some(b)
            }
            None => None,
        })
    }
}

impl App {
    /// The file of the person with opaque id `publiek` as `actor` may see it, absence from
    /// `van` to today: one read of the person's facts, the gate's decision on each part, one
    /// audit entry for the whole (its purpose: the one the absence was read on, else the one
    /// the person was seen on). A person the reader may not see is refused as
    /// [`App::jongere`] refuses.
    pub fn dossier(
        &self,
        actor: &Actor,
        publiek: &str,
        van: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Dossier> {
        let now = self.now();
        let today = now.date_naive();
        let ctx = match self.intern_id(publiek)? {
            Some(intern) => self.store().persoon_context_van_id(intern, today)?,
            None => None,
        };
        let Some(mut ctx) = ctx else {
            return Err(self.onbekend_geweigerd(
                actor,
                Gebruik::PersoonBekijken,
                None,
                "dossier",
            )?);
        };
        let leerling = ctx.jongere.leerling_id();
        // The person first: a refusal is logged as every refusal of the gate is.
        let persoon = self.beslissing(actor, Gebruik::PersoonBekijken, &ctx, now)?;
        if !persoon.toegestaan() {
            self.besloten(
                actor,
                Gebruik::PersoonBekijken,
                leerling,
                "dossier",
                ctx,
                persoon,
            )?;
            return Err(AppError::Forbidden(super::GEEN_TOEGANG.into()));
        }
        let noodtoegang = match &persoon {
            Beslissing::Noodtoegang(r) => Some(r.clone()),
            _ => None,
        };
        // The file's records are read before the gate decides on them, and handed out only
        // after the audit entry: the grounds of purpose limitation come from them.
        let meldingen = self.store().meldingen_van(leerling)?;
        let zaken = self.store().zaken_van(leerling)?;
        let registraties = self.store().registraties(leerling)?.unwrap_or_default();
        let signalen = self.store().signalen_van(leerling)?;
        if vraagt_gronden(actor, Gebruik::VerzuimLezen) {
            ctx.gronden = if actor.rol() == Some(Rol::Jeugdarts) {
                mazl_gronden(&signalen)
            } else {
                leerplicht_gronden(&meldingen, &zaken, &registraties)
            };
        }
        let mut d = Delen {
            app: self,
            actor,
            ctx: &ctx,
            now,
            grant: noodtoegang.clone().map(Some),
            gelezen: Vec::new(),
            doelen: Vec::new(),
        };
        d.mag(Gebruik::PersoonBekijken, "persoon")?;
        // Parents and guardians are part of the person (docs/domain.md §13): read with it,
        // and named in the entry when there are any.
        let verzorgers = self.store().verzorgers_van(leerling)?;
        if !verzorgers.is_empty() {
            d.mag(Gebruik::PersoonBekijken, "verzorgers")?;
        }
        let verzuim_b = d.mag(Gebruik::VerzuimLezen, &format!("verzuim {van} tot {today}"))?;
        let verzuim_zonder_doel = verzuim_b.is_none()
            && beslis_over(
                actor,
                Gebruik::VerzuimLezen,
                &ctx,
                &Onderwerp::Persoon,
                None,
            ) == Beslissing::ZonderDoel;
        let signalen_ok = d.mag(signalen_gebruik(actor), "signalen")?.is_some();
        let meldingen_ok = d.mag(Gebruik::MeldingenLezen, "meldingen")?.is_some();
        let registraties_ok = d.mag(Gebruik::RegistratiesLezen, "registraties")?.is_some();
        let zaken_b = d.mag(Gebruik::ZaakLezen, "zaken")?;
        // The notes of the cases the reader sees: those for leerplicht only are a part of
        // their own at the gate, asked for only when there are any.
        let zaken_nood = zaken_b
            .as_ref()
            .map(|b| b.doel() == Some(Doel::Noodtoegang));
        let (mut zaaknotities, mut brieven) = (Vec::new(), Vec::new());
        if let Some(nood) = zaken_nood {
            for rij in zaken
                .iter()
                .filter(|z| zaak_zichtbaar(actor, &ctx, nood, z.id))
            {
                zaaknotities.extend(self.store().zaaknotities(rij.id)?);
                brieven.extend(self.store().brieven(rij.id)?);
            }
        }
        if !brieven.is_empty() {
            d.gelezen.push("brieven".into());
        }
        let vertrouwelijk = zaaknotities
            .iter()
            .any(|n| n.niveau == leerrecht_domain::zaak::Vertrouwelijkheid::Leerplicht)
            && d.mag(Gebruik::VertrouwelijkLezen, "vertrouwelijke notities")?
                .is_some();
        zaaknotities.retain(|n| zaaknotitie_zichtbaar(vertrouwelijk, n));
        if !zaaknotities.is_empty() {
            d.gelezen.push("zaaknotities".into());
        }
        let inzage_ok = actor.rol() == Some(Rol::Leerplicht)
            && d.mag(Gebruik::InzageLezen, "inzage")?.is_some();
        let notities_ok = actor.rol() == Some(Rol::Jeugdarts)
            && d.mag(Gebruik::MedischLezen, "medische notities")?.is_some();
        let (gelezen, doelen) = (std::mem::take(&mut d.gelezen), d.doelen.clone());
        // One entry for the page, before anything is handed out: the absence's purpose when
        // it was read, else the person's.
        let doel = match &verzuim_b {
            Some(b) => b.doel(),
            None => persoon.doel(),
        }
        .or_else(|| doelen.first().copied());
        let pseudoniem = self.pseudoniem(leerling)?;
        self.audit_met_doel(
            actor,
            "dossier_bekijken",
            Some(pseudoniem.clone()),
            Some(format!("dossier: {}", gelezen.join(", "))),
            noodtoegang.clone(),
            true,
            doel,
        )?;
        let t = |doel: Doel, nood: bool| Toegang {
            vensters: vensters(&ctx.gronden, self.terugkijk_weken(), today),
            noodtoegang: nood.then(|| noodtoegang.clone().unwrap_or_default()),
            doel,
            ctx: ctx.clone(),
            _zegel: super::Zegel(()),
        };
        let verzuim = match &verzuim_b {
            Some(b) => {
                let doel = b.doel().expect("an allowed decision has a purpose");
                let t = t(doel, doel == Doel::Noodtoegang);
                let mut rows = self.store().verzuim_van(leerling, van, today)?;
                rows.retain(|r| verzuim_zichtbaar(actor, &t, r));
                Some(rows)
            }
            None => None,
        };
        let zaken = match &zaken_b {
            Some(b) => {
                let nood = b.doel() == Some(Doel::Noodtoegang);
                let mut out = Vec::new();
                for rij in zaken {
                    if zaak_zichtbaar(actor, &ctx, nood, rij.id) {
                        out.push(ZaakMetEvents {
                            events: self.store().zaak_events(rij.id)?,
                            rij,
                        });
                    }
                }
                Some(out)
            }
            None => None,
        };
        let klok = if registraties_ok && !registraties.is_empty() {
            self.stand(leerling, today, regels)?.klok
        } else {
            None
        };
        let inzage = if inzage_ok {
            Some(self.store().audit_van(&self.pseudoniemen(leerling)?)?)
        } else {
            None
        };
        let notities = if notities_ok {
            Some(self.store().notities(ctx.id)?)
        } else {
            None
        };
        let mut kop = crate::register::lijsten::kop_van(self, ctx.clone(), today)?;
        kop.noodtoegang = noodtoegang.is_some();
        Ok(Dossier {
            kop,
            inschrijvingen: self.store().inschrijvingen_van(leerling)?,
            verzuim,
            verzuim_zonder_doel,
            signalen: signalen_ok.then(|| {
                signalen
                    .into_iter()
                    .filter(|s| signaal_zichtbaar(actor, s))
                    .collect()
            }),
            meldingen: meldingen_ok.then(|| {
                meldingen
                    .into_iter()
                    .filter(|m| melding_rij_zichtbaar(actor, m))
                    .collect()
            }),
            registraties: registraties_ok.then_some(registraties),
            klok,
            zaken,
            inzage,
            notities,
            verzorgers,
            zaaknotities,
            brieven,
        })
    }
}
