//! Enforcement on an absence case (docs/domain.md §13): a HALT referral (from 12) and its
//! outcome, an official report to the Public Prosecutor and the decision on it. Each is an
//! event of the case, recorded by leerplicht through the gate; the worklist reminds of an
//! outcome that is long in coming ([`leerrecht_domain::zaak::UITKOMST_WEKEN`]).

use chrono::NaiveDate;
use leerrecht_domain::duty::age_on;
use leerrecht_domain::zaak::{Gebeurtenis, OmBeslissing, PvArtikel, HALT_VANAF_JAAR};

use crate::toegang::{Actor, Gebruik};
use crate::{App, AppError, Result};

/// The longest sanction text accepted, in characters.
pub const SANCTIE_MAX: usize = 500;

/// The enforcement steps as a form and the API name them: code and label.
pub const STAPPEN: [(&str, &str); 8] = [
    ("halt", "Verwezen naar HALT"),
    ("halt_afgerond", "HALT-afdoening afgerond"),
    ("halt_niet_afgerond", "HALT-afdoening niet afgerond"),
    ("proces_verbaal_art2", "Proces-verbaal art. 2 (de ouders)"),
    ("proces_verbaal_art4", "Proces-verbaal art. 4 (de jongere)"),
    ("om_sepot", "Beslissing OM: sepot"),
    ("om_strafbeschikking", "Beslissing OM: strafbeschikking"),
    ("om_dagvaarding", "Beslissing OM: dagvaarding"),
];

/// The event of step `code` of [`STAPPEN`] on `datum`, with the sanction for a decision.
pub fn stap(code: &str, datum: NaiveDate, sanctie: &str) -> Result<Gebeurtenis, String> {
    let om = |beslissing| Gebeurtenis::OmUitspraak {
        datum,
        beslissing,
        sanctie: sanctie.trim().to_string(),
    };
    Ok(match code.trim() {
        "halt" => Gebeurtenis::Halt { datum },
        "halt_afgerond" => Gebeurtenis::HaltUitkomst {
            datum,
            afgerond: true,
        },
        "halt_niet_afgerond" => Gebeurtenis::HaltUitkomst {
            datum,
            afgerond: false,
        },
        "proces_verbaal_art2" => Gebeurtenis::ProcesVerbaal {
            datum,
            artikel: PvArtikel::Art2,
        },
        "proces_verbaal_art4" => Gebeurtenis::ProcesVerbaal {
            datum,
            artikel: PvArtikel::Art4,
        },
        "om_sepot" => om(OmBeslissing::Sepot),
        "om_strafbeschikking" => om(OmBeslissing::Strafbeschikking),
        "om_dagvaarding" => om(OmBeslissing::Dagvaarding),
        _ => {
            let codes: Vec<&str> = STAPPEN.iter().map(|(c, _)| *c).collect();
            return Err(format!("use {}", codes.join(", ")));
        }
    })
}

impl App {
    /// Leerplicht records an enforcement step on case `zaak`: `Halt`, `HaltUitkomst`,
    /// `ProcesVerbaal` or `OmUitspraak`. Not on a day in the future; a HALT referral only for
    /// a young person of 12 or older on its day; an outcome only for a step that waits for
    /// one (the case's own check).
    pub fn handhaving_vastleggen(&self, actor: &Actor, zaak: i64, e: Gebeurtenis) -> Result<()> {
        let soort = match &e {
            Gebeurtenis::Halt { .. } => "halt",
            Gebeurtenis::HaltUitkomst { .. } => "halt_uitkomst",
            Gebeurtenis::ProcesVerbaal { .. } => "proces_verbaal",
            Gebeurtenis::OmUitspraak { .. } => "om_uitspraak",
            _ => {
                return Err(AppError::Invalid(
                    "soort: halt, halt_uitkomst, proces_verbaal of om_uitspraak".into(),
                ))
            }
        };
        let (rij, t) = self.zaak_met_toegang(
            actor,
            Gebruik::ZaakWijzigen,
            zaak,
            &format!("zaak {zaak}: {soort}"),
        )?;
        // The input is judged after the gate, so that a refused request tells nothing.
        let datum = e.datum();
        if datum > self.now().date_naive() {
            return Err(AppError::Invalid("datum: ligt in de toekomst".into()));
        }
        if datum < rij.geopend {
            return Err(AppError::Invalid(format!(
                "datum: ligt voor de opening van de zaak ({})",
                rij.geopend
            )));
        }
        if let Gebeurtenis::Halt { datum } = &e {
            let leeftijd = age_on(t.ctx.jongere.geboortedatum, *datum);
            if leeftijd < HALT_VANAF_JAAR {
                return Err(AppError::Invalid(format!(
                    "datum: HALT is voor jongeren vanaf {HALT_VANAF_JAAR} jaar; deze jongere is dan {leeftijd}"
                )));
            }
        }
        if let Gebeurtenis::OmUitspraak { sanctie, .. } = &e {
            if sanctie.chars().count() > SANCTIE_MAX {
                return Err(AppError::Invalid(format!(
                    "sanctie: langer dan {SANCTIE_MAX} tekens"
                )));
            }
        }
        self.zaak_event(actor, zaak, &e)
    }
}
