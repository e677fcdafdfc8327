//! Reports of talks and notes on a case (docs/domain.md §13): written by leerplicht, each with
//! who may read it; read through the gate, a note for leerplicht only left out without a
//! trace for everyone else on the case.

use chrono::NaiveDate;
use leerrecht_domain::zaak::{NotitieSoort, Vertrouwelijkheid};
use leerrecht_store::Zaaknotitie;

use crate::toegang::audit::actor_fields;
use crate::toegang::zicht::zaaknotitie_zichtbaar;
use crate::toegang::{beslis_over, Actor, Gebruik, Onderwerp, Toegang};
use crate::{App, AppError, Result};

/// The longest note accepted, in characters: about ten pages of text.
pub const NOTITIE_MAX: usize = 20_000;

/// A note as the officer writes it.
#[derive(Clone, Debug)]
pub struct NieuweNotitie {
    pub niveau: Vertrouwelijkheid,
    pub soort: NotitieSoort,
    /// The day of the talk (or of the note).
    pub datum: NaiveDate,
    pub tekst: String,
}

impl App {
    /// Leerplicht writes a report of a talk or a note on case `zaak`; the note as stored.
    /// The day may not lie before the case opened or after today.
    pub fn zaaknotitie_schrijven(
        &self,
        actor: &Actor,
        zaak: i64,
        nieuw: NieuweNotitie,
    ) -> Result<Zaaknotitie> {
        let wat = format!(
            "zaak {zaak}: {} ({})",
            nieuw.soort.code(),
            nieuw.niveau.code()
        );
        let (rij, _) = self.zaak_met_toegang(actor, Gebruik::ZaakWijzigen, zaak, &wat)?;
        // The input is judged after the gate, so that a refused request tells nothing.
        let tekst = nieuw.tekst.trim();
        if tekst.is_empty() {
            return Err(AppError::Invalid("tekst: leeg".into()));
        }
        if tekst.chars().count() > NOTITIE_MAX {
            return Err(AppError::Invalid(format!(
                "tekst: langer dan {NOTITIE_MAX} tekens"
            )));
        }
        let vandaag = self.now().date_naive();
        if nieuw.datum > vandaag {
            return Err(AppError::Invalid(format!(
                "datum: {} ligt na vandaag",
                nieuw.datum
            )));
        }
        if nieuw.datum < rij.geopend {
            return Err(AppError::Invalid(format!(
                "datum: {} ligt voor de opening van de zaak ({})",
                nieuw.datum, rij.geopend
            )));
        }
        let (wie, organisatie, _, _) = actor_fields(actor);
        let mut n = Zaaknotitie {
            id: 0,
            zaak,
            niveau: nieuw.niveau,
            soort: nieuw.soort,
            datum: nieuw.datum,
            tekst: tekst.to_string(),
            wie,
            organisatie,
            tijd: self.now(),
        };
        n.id = self.store().zaaknotitie_toevoegen(&n)?;
        Ok(n)
    }

    /// The notes of case `zaak` the reader may see, oldest first. Notes for leerplicht only
    /// are read (and audited) only when the gate lets the reader have them.
    pub fn zaaknotities(&self, actor: &Actor, zaak: i64) -> Result<Vec<Zaaknotitie>> {
        let (_, t) = self.zaak_met_toegang(
            actor,
            Gebruik::ZaakLezen,
            zaak,
            &format!("zaak {zaak}: notities"),
        )?;
        let mut notities = self.store().zaaknotities(zaak)?;
        let vertrouwelijk = self.vertrouwelijk(actor, &t, zaak, &notities)?;
        notities.retain(|n| zaaknotitie_zichtbaar(vertrouwelijk, n));
        Ok(notities)
    }

    /// Whether the notes for leerplicht only among `notities` of case `zaak` are handed to
    /// the reader the gate let in as `t`: asked of the gate, and audited as their own read
    /// when there are any.
    pub(crate) fn vertrouwelijk(
        &self,
        actor: &Actor,
        t: &Toegang,
        zaak: i64,
        notities: &[Zaaknotitie],
    ) -> Result<bool> {
        if !notities
            .iter()
            .any(|n| n.niveau == Vertrouwelijkheid::Leerplicht)
        {
            return Ok(false);
        }
        let onderwerp = Onderwerp::Zaak(zaak);
        let b = beslis_over(
            actor,
            Gebruik::VertrouwelijkLezen,
            &t.ctx,
            &onderwerp,
            t.noodtoegang.as_deref(),
        );
        if !b.toegestaan() {
            return Ok(false);
        }
        self.toegang_over(
            actor,
            Gebruik::VertrouwelijkLezen,
            t.leerling(),
            &onderwerp,
            &format!("zaak {zaak}: vertrouwelijke notities"),
        )?;
        Ok(true)
    }
}
