//! What of a person's file a reader sees, row by row, once the gate ([`super::beslis`]) let
//! them in on the person: the second half of the gate, kept beside it so that every
//! visibility decision is made in this module and its parent (docs/domain.md §10).
//!
//! - absence: a school its own rows; leerplicht the rows within the windows of its grounds
//!   and never sick days; the youth doctor the sick days within the window of the MAZL
//!   referral; on a break-the-glass grant the role's rows without a window;
//! - signals: the school its own, the youth doctor the MAZL referrals, no one else;
//! - meldingen: a school its own; drafts stay at the school that drafts them;
//! - cases: a partner the cases it was added to.

use chrono::NaiveDate;
use leerrecht_domain::org::Rol;
use leerrecht_domain::rules::Verzuimsoort;
use leerrecht_store::access::PersoonContext;
use leerrecht_store::api::VerzuimRegel;
use leerrecht_store::{MeldingStaat, SignaalRij};

use super::{Actor, Doel, Gebruik, Toegang};

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
            Rol::Jeugdarts => r.regel.starts_with("mazl"),
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
