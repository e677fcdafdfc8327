//! What of a person's file a reader sees, row by row, once the gate ([`super::beslis`]) let
//! them in on the person: the second half of the gate, kept beside it so that every
//! visibility decision is made in this module and its parent (docs/domain.md §10).
//!
//! - absence: a school its own rows; leerplicht the rows within the windows of its grounds
//!   and never sick days; the youth doctor the sick days within the window of the MAZL
//!   referral; on a break-the-glass grant the role's rows without a window;
//! - signals: the school its own, the youth doctor the MAZL referrals, no one else;
//! - meldingen: a school its own; drafts stay at the school that drafts them;
//! - cases: a partner the cases it was added to;
//! - listings of persons: where the reader's scope lets a listing look ([`bereik`]).

use chrono::NaiveDate;
use leerrecht_domain::org::{OrgSoort, Rol};
use leerrecht_domain::rules::Regel;
use leerrecht_domain::rules::Verzuimsoort;
use leerrecht_domain::zaak::Vertrouwelijkheid;
use leerrecht_store::access::PersoonContext;
use leerrecht_store::api::{JongerenFilter, VerzuimRegel};
use leerrecht_store::{MeldingStaat, SignaalRij};

use super::{Actor, Doel, Gebruik, Toegang};
use crate::{App, AppError, Result};

/// Refuses a role or a token that sees no persons at all, before any listing is read.
pub(crate) fn ziet_personen(actor: &Actor) -> Result<()> {
    match actor {
        Actor::Gebruiker(g) if !g.rol.sees_persons() => Err(AppError::Forbidden(format!(
            "de rol {} ziet geen personen",
            g.rol
        ))),
        Actor::Systeem(_) => Err(AppError::Forbidden(
            "niet met een API-token: een token stuurt verzuim en meldingen".into(),
        )),
        _ => Ok(()),
    }
}

/// Where a listing of persons may look for `actor` on `op`, narrowed in the store to the
/// reader's scope: a bureau's or GGD's gemeenten, a school's pupils, an SWV's schools'
/// pupils, a care partner's cases. Every listing of persons (the API's list, the name
/// search) narrows through this one function; the gate still decides each person found.
/// `None` when the scope holds no one (an SWV without schools); refused as
/// [`ziet_personen`] refuses.
pub(crate) fn bereik(app: &App, actor: &Actor, op: NaiveDate) -> Result<Option<JongerenFilter>> {
    ziet_personen(actor)?;
    let mut filter = JongerenFilter {
        op: Some(op),
        ..JongerenFilter::default()
    };
    let Actor::Gebruiker(g) = actor else {
        return Ok(Some(filter));
    };
    match g.rol {
        Rol::Leerplicht | Rol::Jeugdarts => {
            filter.gemeenten = g.bedient.iter().map(|c| c.as_str().to_string()).collect()
        }
        Rol::School => filter.scholen = vec![g.organisatie.clone()],
        Rol::Swv => {
            filter.scholen = app
                .store()
                .organisaties()?
                .into_iter()
                .filter(|o| {
                    o.soort == OrgSoort::School
                        && o.swv.as_ref().is_some_and(|s| s.as_str() == g.organisatie)
                })
                .map(|o| o.code.as_str().to_string())
                .collect();
            if filter.scholen.is_empty() {
                return Ok(None);
            }
        }
        Rol::Cjg => filter.partner = Some(g.organisatie.clone()),
        // Refused by `ziet_personen`.
        Rol::Beleid | Rol::Beheer => return Ok(None),
    }
    Ok(Some(filter))
}

/// Narrows a listing's criterion `lijst` to the one value `gevraagd` the reader asked for;
/// false when that value lies outside what the reader may see (the listing is then empty).
pub(crate) fn vernauw(lijst: &mut Vec<String>, gevraagd: Option<&str>) -> bool {
    match gevraagd {
        Some(g) if lijst.is_empty() || lijst.iter().any(|x| x == g) => {
            *lijst = vec![g.to_string()];
            true
        }
        Some(_) => false,
        None => true,
    }
}

/// Whether the reader the gate let in as `t` sees the absence row `r`.
pub fn verzuim_zichtbaar(actor: &Actor, t: &Toegang, r: &VerzuimRegel) -> bool {
    let ziek = r.soort == Verzuimsoort::Ziek.code();
    let in_venster = t.doel == Doel::Noodtoegang || binnen(&t.vensters, r.datum);
    match actor {
        Actor::LocalOperator { .. } => true,
        Actor::Systeem(s) => r.school == s.organisatie,
        Actor::Gebruiker(g) => match g.rol {
            Rol::School => r.school == g.organisatie,
            // Sick days are what the youth doctor is referred for: those only.
            Rol::Jeugdarts => ziek && in_venster,
            // Sick days reach others only as the hours inside a melding.
            _ => !ziek && in_venster,
        },
    }
}

fn binnen(vensters: &[(NaiveDate, NaiveDate)], datum: NaiveDate) -> bool {
    leerrecht_domain::doelbinding::binnen(vensters, datum)
}

/// What a reader of a person's signals uses: the youth doctor reads referrals, everyone else
/// the signals (which the gate lets only the school have).
pub fn signalen_gebruik(actor: &Actor) -> Gebruik {
    if actor.rol() == Some(Rol::Jeugdarts) {
        Gebruik::VerwijzingenLezen
    } else {
        Gebruik::SignalenLezen
    }
}

/// Whether the reader sees the signal `r`: a school its own early signals, the youth doctor
/// the MAZL referrals; the operator all. Signals are unconfirmed: no one else sees them.
pub fn signaal_zichtbaar(actor: &Actor, r: &SignaalRij) -> bool {
    match actor {
        Actor::LocalOperator { .. } => true,
        Actor::Systeem(s) => r.school.as_str() == s.organisatie,
        Actor::Gebruiker(g) => match g.rol {
            Rol::School => r.school.as_str() == g.organisatie,
            Rol::Jeugdarts => Regel::code_is(&r.regel, Regel::mazl),
            _ => false,
        },
    }
}

/// Whether the actor may see or change a melding of `school`: a school (user or system)
/// only its own; every other role as its use cases allow.
pub fn melding_zichtbaar(actor: &Actor, school: &str) -> bool {
    match actor {
        Actor::Gebruiker(g) if g.rol == Rol::School => g.organisatie == school,
        Actor::Systeem(s) => s.organisatie == school,
        _ => true,
    }
}

/// Whether the reader sees the melding `m` in a person's list: [`melding_zichtbaar`], and a
/// draft only by its own school (and the operator): a draft is not a melding until the
/// school confirms it.
pub fn melding_rij_zichtbaar(actor: &Actor, m: &MeldingStaat) -> bool {
    if !melding_zichtbaar(actor, m.school.as_str()) {
        return false;
    }
    m.status != "concept"
        || match actor {
            Actor::LocalOperator { .. } | Actor::Systeem(_) => true,
            Actor::Gebruiker(g) => g.rol == Rol::School,
        }
}

/// Whether the actor may see this case of the person of `ctx`, once the gate let them in on
/// the person (for listing a person's cases). A partner sees the cases it is a partner of on
/// the date of `ctx`; with a break-the-glass grant (`noodtoegang`) the role's whole use.
pub fn zaak_zichtbaar(actor: &Actor, ctx: &PersoonContext, noodtoegang: bool, zaak: i64) -> bool {
    match actor {
        Actor::Gebruiker(g) if g.rol == Rol::Cjg && !noodtoegang => ctx
            .partner_zaken
            .iter()
            .any(|(o, z)| *o == g.organisatie && *z == zaak),
        _ => true,
    }
}

/// Whether a reader sees the note `n` of a case they may see: a note for everyone on the case,
/// or one for leerplicht only when the gate allowed [`super::Gebruik::VertrouwelijkLezen`]
/// (`vertrouwelijk`). A note the reader may not see is left out without a trace.
pub fn zaaknotitie_zichtbaar(vertrouwelijk: bool, n: &leerrecht_store::Zaaknotitie) -> bool {
    match n.niveau {
        Vertrouwelijkheid::Zaak => true,
        Vertrouwelijkheid::Leerplicht => vertrouwelijk,
    }
}
