//! Use cases on one person, each through [`App::toegang`]: the gate asks [`beslis`], looks up
//! a live break-the-glass grant when the person is outside the user's scope, and writes the
//! audit entry (allowed or refused) before any data is handed out.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use leerrecht_domain::doelbinding::vensters;
use leerrecht_domain::duty::{age_on, duty_status, DutyStatus};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::person::Jongere;
use leerrecht_store::access::{NotitieRij, PersoonContext};

use crate::toegang::audit::AuditRegel;
use crate::toegang::dossier::{leerplicht_gronden, mazl_gronden};
use crate::toegang::{
    beslis_over, vraagt_gronden, Actor, Beslissing, Doel, Gebruik, Onderwerp, GEEN_DOEL,
};
use crate::{App, AppError, Result};

/// The longest a break-the-glass grant may last.
pub const NOODTOEGANG_MAX: Duration = Duration::hours(24);
/// The shortest written reason accepted for breaking the glass.
pub const NOODTOEGANG_REDEN_MIN: usize = 20;

/// The one answer to a refused look-up of a person, a case or a melding, whether the register
/// does not know it or it is not the reader's: the reason is in the audit log only, so that
/// no answer tells whether a person is registered.
pub const GEEN_TOEGANG: &str = "geen toegang tot deze persoon";

/// What a use case gets when the gate lets it through.
#[derive(Clone, Debug)]
pub struct Toegang {
    pub ctx: PersoonContext,
    /// Set when access was granted by breaking the glass.
    pub noodtoegang: Option<String>,
    /// The purpose the gate allowed the use on (recorded in the audit entry).
    pub doel: Doel,
    /// The days the grounds of the file cover (docs/domain.md §10), in date order: what of
    /// the absence a reader on a ground sees ([`crate::toegang::zicht`]).
    pub vensters: Vec<(NaiveDate, NaiveDate)>,
    /// Only the gate makes a `Toegang`: the reads of [`super::lezen`] take one.
    pub(super) _zegel: super::Zegel,
}

impl Toegang {
    /// The person the gate let the reader in on.
    pub fn leerling(&self) -> leerrecht_domain::ids::LeerlingId {
        self.ctx.jongere.leerling_id()
    }
}

/// The header of a person's file.
#[derive(Clone, Debug)]
pub struct PersoonKop {
    pub jongere: Jongere,
    pub leeftijd: u32,
    pub plicht: DutyStatus,
    pub scholen: Vec<String>,
}

impl PersoonKop {
    /// The header of the person the gate judged, on `on`.
    pub(crate) fn van(ctx: PersoonContext, on: chrono::NaiveDate) -> PersoonKop {
        let jongere = ctx.jongere;
        PersoonKop {
            leeftijd: age_on(jongere.geboortedatum, on),
            plicht: duty_status(jongere.geboortedatum, on),
            scholen: ctx
                .scholen
                .iter()
                .map(|(s, _)| s.as_str().to_string())
                .collect(),
            jongere,
        }
    }
}

impl App {
    /// The single gate for one person's data. `record` names what is read or changed (for
    /// the audit log). Unknown persons and refusals look alike to the caller: one answer
    /// ([`GEEN_TOEGANG`]), and the same work (a look-up of a grant, the audit entry).
    pub fn toegang(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        leerling: LeerlingId,
        record: &str,
    ) -> Result<Toegang> {
        self.toegang_over(actor, gebruik, leerling, &Onderwerp::Persoon, record)
    }

    /// [`App::toegang`] for a question about one of the person's cases or meldingen.
    pub fn toegang_over(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        leerling: LeerlingId,
        onderwerp: &Onderwerp,
        record: &str,
    ) -> Result<Toegang> {
        let now = self.now();
        let Some(mut ctx) = self.store().persoon_context(leerling, now.date_naive())? else {
            let persoon = self.pseudoniem(leerling)?;
            return Err(self.onbekend_geweigerd(actor, gebruik, Some(persoon), record)?);
        };
        self.gronden_aanvullen(actor, gebruik, &mut ctx)?;
        let beslissing = self.beslissing_over(actor, gebruik, &ctx, onderwerp, now)?;
        self.besloten(actor, gebruik, leerling, record, ctx, beslissing)
    }

    /// [`App::toegang`] for the person with an internal id (an opaque id's person), the
    /// person and the gate's facts in one read; None, with nothing logged, when no person
    /// has that id: the caller refuses as for an unknown id.
    pub(crate) fn toegang_van_id(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        intern: i64,
        record: &str,
    ) -> Result<Option<Toegang>> {
        let now = self.now();
        let Some(mut ctx) = self
            .store()
            .persoon_context_van_id(intern, now.date_naive())?
        else {
            return Ok(None);
        };
        self.gronden_aanvullen(actor, gebruik, &mut ctx)?;
        let leerling = ctx.jongere.leerling_id();
        let beslissing = self.beslissing_over(actor, gebruik, &ctx, &Onderwerp::Persoon, now)?;
        self.besloten(actor, gebruik, leerling, record, ctx, beslissing)
            .map(Some)
    }

    /// The refusal of a look-up that names no one the register knows (a person, an opaque
    /// id, a case or a melding number): the same work as a refusal by the gate (the grant's
    /// look-up, the audit entry of the refusal) and the same answer, [`GEEN_TOEGANG`].
    pub(crate) fn onbekend_geweigerd(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        persoon: Option<String>,
        record: &str,
    ) -> Result<AppError> {
        if let Actor::Gebruiker(g) = actor {
            // A refused user's grant is looked up; no row has id 0.
            let _ = self.store().noodtoegang(g.id, 0, self.now())?;
        }
        self.audit(
            actor,
            gebruik.code(),
            persoon,
            Some(format!("{record} (onbekend)")),
            None,
            false,
        )?;
        Ok(AppError::Forbidden(GEEN_TOEGANG.into()))
    }

    /// Logs the gate's decision on a person whose facts `ctx` holds, and hands them out when
    /// it allows.
    pub(crate) fn besloten(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        leerling: LeerlingId,
        record: &str,
        ctx: PersoonContext,
        beslissing: Beslissing,
    ) -> Result<Toegang> {
        let persoon = self.pseudoniem(leerling)?;
        let vandaag = self.now().date_naive();
        match beslissing {
            Beslissing::Toegestaan(doel) => {
                self.audit_met_doel(
                    actor,
                    gebruik.code(),
                    Some(persoon),
                    Some(record.to_string()),
                    None,
                    true,
                    Some(doel),
                )?;
                let vensters = vensters(&ctx.gronden, self.terugkijk_weken(), vandaag);
                Ok(Toegang {
                    ctx,
                    noodtoegang: None,
                    doel,
                    vensters,
                    _zegel: super::Zegel(()),
                })
            }
            Beslissing::Noodtoegang(reden) => {
                self.audit_met_doel(
                    actor,
                    gebruik.code(),
                    Some(persoon),
                    Some(record.to_string()),
                    Some(reden.clone()),
                    true,
                    Some(Doel::Noodtoegang),
                )?;
                Ok(Toegang {
                    ctx,
                    noodtoegang: Some(reden),
                    doel: Doel::Noodtoegang,
                    vensters: Vec::new(),
                    _zegel: super::Zegel(()),
                })
            }
            Beslissing::ZonderDoel => {
                self.audit(
                    actor,
                    gebruik.code(),
                    Some(persoon),
                    Some(format!("{record} (geweigerd: geen doel)")),
                    None,
                    false,
                )?;
                Err(AppError::Forbidden(GEEN_DOEL.into()))
            }
            Beslissing::Geweigerd(why) => {
                self.audit(
                    actor,
                    gebruik.code(),
                    Some(persoon),
                    Some(format!("{record} (geweigerd: {why})")),
                    None,
                    false,
                )?;
                Err(AppError::Forbidden(GEEN_TOEGANG.into()))
            }
        }
    }

    /// The gate's decision, with a grant of emergency access taken into account.
    pub(crate) fn beslissing(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        ctx: &PersoonContext,
        now: DateTime<Utc>,
    ) -> Result<Beslissing> {
        self.beslissing_over(actor, gebruik, ctx, &Onderwerp::Persoon, now)
    }

    fn beslissing_over(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        ctx: &PersoonContext,
        onderwerp: &Onderwerp,
        now: DateTime<Utc>,
    ) -> Result<Beslissing> {
        let mut beslissing = beslis_over(actor, gebruik, ctx, onderwerp, None);
        if let (Beslissing::Geweigerd(_) | Beslissing::ZonderDoel, Actor::Gebruiker(g)) =
            (&beslissing, actor)
        {
            if let Some(reden) = self.store().noodtoegang(g.id, ctx.id, now)? {
                beslissing = beslis_over(actor, gebruik, ctx, onderwerp, Some(&reden));
            }
        }
        Ok(beslissing)
    }

    /// Reads the grounds of the person's file into `ctx` when the gate needs them for
    /// `gebruik` ([`vraagt_gronden`]): for leerplicht a confirmed melding, an open case, a
    /// period on the thuiszitters list; for the youth doctor a MAZL referral.
    fn gronden_aanvullen(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        ctx: &mut PersoonContext,
    ) -> Result<()> {
        if !vraagt_gronden(actor, gebruik) {
            return Ok(());
        }
        let leerling = ctx.jongere.leerling_id();
        let gronden = if actor.rol() == Some(leerrecht_domain::org::Rol::Jeugdarts) {
            mazl_gronden(&self.store().signalen_van(leerling)?)
        } else {
            leerplicht_gronden(
                &self.store().meldingen_van(leerling)?,
                &self.store().zaken_van(leerling)?,
                &self.store().registraties(leerling)?.unwrap_or_default(),
            )
        };
        ctx.gronden = gronden;
        Ok(())
    }

    /// For lists that show only whom the reader may see (the overdue list of the KPI): the
    /// person's data when the gate allows it, audited as [`App::toegang`] does; None, and
    /// nothing read or logged, when it does not.
    pub fn toegang_als_mag(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        leerling: LeerlingId,
        record: &str,
    ) -> Result<Option<Toegang>> {
        let now = self.now();
        let Some(mut ctx) = self.store().persoon_context(leerling, now.date_naive())? else {
            return Ok(None);
        };
        self.gronden_aanvullen(actor, gebruik, &mut ctx)?;
        match self.beslissing(actor, gebruik, &ctx, now)? {
            Beslissing::Geweigerd(_) | Beslissing::ZonderDoel => Ok(None),
            b => self
                .besloten(actor, gebruik, leerling, record, ctx, b)
                .map(Some),
        }
    }

    /// Break the glass: access to one person outside the user's scope, for the use cases of
    /// the user's role, with a written reason, for at most [`NOODTOEGANG_MAX`]. Flagged in the
    /// audit log, as is every access made with it.
    pub fn noodtoegang(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        reden: &str,
        duur: Duration,
    ) -> Result<DateTime<Utc>> {
        let Actor::Gebruiker(g) = actor else {
            return Err(AppError::Forbidden("noodtoegang is voor gebruikers".into()));
        };
        if !g.rol.sees_persons() {
            return Err(AppError::Forbidden(format!(
                "de rol {} ziet geen personen, ook niet in nood",
                g.rol
            )));
        }
        let reden = reden.trim();
        if reden.chars().count() < NOODTOEGANG_REDEN_MIN {
            return Err(AppError::Invalid(format!(
                "reden: schrijf op waarom (minstens {NOODTOEGANG_REDEN_MIN} tekens)"
            )));
        }
        if duur <= Duration::zero() || duur > NOODTOEGANG_MAX {
            return Err(AppError::Invalid(
                "minuten: 1 tot en met 1440 (ten hoogste 24 uur)".into(),
            ));
        }
        let persoon = self.pseudoniem(leerling)?;
        let now = self.now();
        let Some(ctx) = self.store().persoon_context(leerling, now.date_naive())? else {
            self.audit(
                actor,
                "noodtoegang",
                Some(persoon),
                Some("onbekend".into()),
                Some(reden.into()),
                false,
            )?;
            return Err(AppError::Forbidden("geen toegang tot deze persoon".into()));
        };
        let tot = now + duur;
        self.store()
            .add_noodtoegang(g.id, ctx.id, reden, now, tot)?;
        self.audit(
            actor,
            "noodtoegang",
            Some(persoon),
            Some(format!("tot {}", leerrecht_store::access::moment(tot))),
            Some(reden.into()),
            true,
        )?;
        Ok(tot)
    }

    /// The header of a person's file.
    pub fn persoon(&self, actor: &Actor, leerling: LeerlingId) -> Result<PersoonKop> {
        let t = self.toegang(actor, Gebruik::PersoonBekijken, leerling, "persoon")?;
        Ok(PersoonKop::van(t.ctx, self.now().date_naive()))
    }

    /// The youth doctor writes a medical note.
    pub fn notitie_schrijven(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        tekst: &str,
    ) -> Result<i64> {
        let t = self.toegang(
            actor,
            Gebruik::MedischSchrijven,
            leerling,
            "medische notitie",
        )?;
        // The input is judged after the gate, so that a refused request tells nothing.
        let tekst = tekst.trim();
        if tekst.is_empty() {
            return Err(AppError::Invalid("tekst: leeg".into()));
        }
        let Actor::Gebruiker(g) = actor else {
            return Err(AppError::Forbidden(
                "medische notities alleen voor de jeugdarts".into(),
            ));
        };
        Ok(self
            .store()
            .add_notitie(t.ctx.id, &g.organisatie, g.id, self.now(), tekst)?)
    }

    /// The medical notes of a person: for the youth doctor only.
    pub fn notities(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<NotitieRij>> {
        let t = self.toegang(actor, Gebruik::MedischLezen, leerling, "medische notities")?;
        Ok(self.store().notities(t.ctx.id)?)
    }

    /// Who viewed or changed the person's file: for leerplicht, on the person's page.
    pub fn inzage(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<AuditRegel>> {
        let t = self.toegang(actor, Gebruik::InzageLezen, leerling, "inzage")?;
        let mut namen = self.pseudoniemen(t.ctx.jongere.leerling_id())?;
        for p in self.pseudoniemen(leerling)? {
            if !namen.contains(&p) {
                namen.push(p);
            }
        }
        Ok(self.store().audit_van(&namen)?)
    }
}
