//! Access (*toegang*): who is acting, what they may do, and the single gate every use case
//! passes (docs/domain.md §10). Two questions are asked here and nowhere else: may this actor do this
//! kind of thing at all ([`authorize`]), and may this actor do this to this person
//! ([`beslis`], through `App::toegang`, which also writes the audit entry). Beside the gate:
//! accounts, login and sessions, the authentication building blocks, the audit log and
//! retention.

pub(crate) mod accounts;
pub mod audit;
pub mod auth;
pub mod dossier;
mod lezen;
pub mod matrix;
mod poort;
pub mod retention;
pub mod sleutels;
pub mod sso;
pub mod verwerkingsregister;
pub mod zicht;

pub use zicht::{melding_zichtbaar, zaak_zichtbaar};

pub use poort::{PersoonKop, Toegang, GEEN_TOEGANG, NOODTOEGANG_MAX, NOODTOEGANG_REDEN_MIN};

use leerrecht_domain::doelbinding::Grond;
use leerrecht_domain::ids::GemeenteCode;
use leerrecht_domain::org::Rol;
use leerrecht_store::access::PersoonContext;

use crate::{AppError, Result};

/// The seal of a [`Toegang`]: its field is private to this module, so only the gate makes
/// one.
#[derive(Clone, Debug)]
pub struct Zegel(());

/// The party on whose behalf a use case runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Whoever runs the `leerrecht` command on the server itself: the installation's operator.
    LocalOperator { os_user: String },
    /// A person logged in with password and (for roles that see persons) a second factor.
    Gebruiker(Gebruiker),
    /// A system holding an API token: a school's administration package.
    Systeem(Systeem),
}

/// A logged-in user, with what the gate needs of their organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gebruiker {
    pub id: i64,
    pub gebruikersnaam: String,
    pub rol: Rol,
    pub organisatie: String,
    /// The gemeenten the organisation serves (leerplicht, GGD, CJG).
    pub bedient: Vec<GemeenteCode>,
    /// From where: the client's address.
    pub bron: String,
}

/// A system acting with an API token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Systeem {
    pub token_id: i64,
    pub organisatie: String,
    pub scopes: Vec<Scope>,
    pub bron: String,
}

/// What an API token allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Send absence for the organisation's own pupils.
    VerzuimSchrijven,
    /// File meldingen for the organisation's own pupils.
    MeldingenSchrijven,
}

impl Scope {
    pub const ALL: [Scope; 2] = [Scope::VerzuimSchrijven, Scope::MeldingenSchrijven];
    pub fn code(self) -> &'static str {
        match self {
            Scope::VerzuimSchrijven => "verzuim:schrijven",
            Scope::MeldingenSchrijven => "meldingen:schrijven",
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Scope::ALL
            .into_iter()
            .find(|c| c.code() == s.trim())
            .ok_or_else(|| {
                format!("unknown scope {s:?}: use verzuim:schrijven or meldingen:schrijven")
            })
    }
}

impl Actor {
    pub fn local_operator() -> Self {
        Actor::LocalOperator {
            os_user: std::env::var("USER").unwrap_or_else(|_| "onbekend".into()),
        }
    }
    /// The role, for users.
    pub fn rol(&self) -> Option<Rol> {
        match self {
            Actor::Gebruiker(g) => Some(g.rol),
            _ => None,
        }
    }
}

/// What a use case is about to do, in terms the gate can judge without a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Write the register of organisations or the calendar.
    BeheerRegister,
    /// Write the register of people and enrolments in bulk (imports).
    WritePersons,
    /// Read the register of people in bulk (listings over everyone).
    ReadPersons,
    /// Write absence or meldingen in bulk (imports; an API token of a school).
    WriteAbsence,
    /// Send a batch of absence over the API (a school's system, token scope `verzuim:schrijven`).
    SendVerzuim,
    /// Send a batch of meldingen over the API (token scope `meldingen:schrijven`).
    SendMeldingen,
    /// Read the register of organisations (no persons).
    ReadRegister,
    /// Read counts without persons.
    ReadFigures,
    /// Fill an empty database with the demo region.
    LoadDemo,
    /// Add, disable and reset accounts; create API tokens.
    ManageAccounts,
    /// Check the audit log's chain.
    VerifyAudit,
    /// List who saw or changed one person's data (a request under the GDPR).
    ExportAudit,
    /// Destroy files whose retention period ended.
    Purge,
    /// Change the texts of the letters' templates.
    BeheerBrieven,
    /// Read in a file of the register of people (`jongeren`, `inschrijvingen`) from the
    /// browser: beheer, as the operator does on the server.
    InlezenRegister,
    /// Read in a file of the bureau's own files (`registraties`, `verzorgers`) from the
    /// browser: leerplicht, each row of a young person of the bureau's gemeenten.
    InlezenDossier,
}

/// The one place that decides whether `actor` may perform `action` (person-free actions;
/// actions on one person go through [`beslis`]).
pub fn authorize(actor: &Actor, action: Action) -> Result<()> {
    use Action::*;
    let allowed = match actor {
        Actor::LocalOperator { .. } => true,
        Actor::Gebruiker(g) => match action {
            ReadFigures | ReadRegister => true,
            BeheerRegister | ManageAccounts | VerifyAudit | BeheerBrieven | InlezenRegister => {
                g.rol == Rol::Beheer
            }
            InlezenDossier => g.rol == Rol::Leerplicht,
            WritePersons | ReadPersons | WriteAbsence | SendVerzuim | SendMeldingen | LoadDemo
            | ExportAudit | Purge => false,
        },
        Actor::Systeem(s) => match action {
            WriteAbsence => {
                s.scopes.contains(&Scope::VerzuimSchrijven)
                    || s.scopes.contains(&Scope::MeldingenSchrijven)
            }
            SendVerzuim => s.scopes.contains(&Scope::VerzuimSchrijven),
            SendMeldingen => s.scopes.contains(&Scope::MeldingenSchrijven),
            ReadRegister => true,
            _ => false,
        },
    };
    if allowed {
        Ok(())
    } else {
        Err(forbidden(action))
    }
}

/// The refusal a use case returns when the gate says no.
pub fn forbidden(action: Action) -> AppError {
    AppError::Forbidden(format!("not allowed: {action:?}"))
}

/// The use cases that touch one person's data (docs/domain.md §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gebruik {
    /// The person's header: name, birth date, age, duty, school.
    PersoonBekijken,
    VerzuimLezen,
    VerzuimRegistreren,
    SignalenLezen,
    /// MAZL sick-absence referrals to the youth doctor.
    VerwijzingenLezen,
    MeldingenLezen,
    MeldingIndienen,
    MeldingBehandelen,
    /// Thuiszitter registrations.
    RegistratiesLezen,
    RegistratiesWijzigen,
    /// The case: plan, partners, meetings, offers.
    ZaakLezen,
    ZaakWijzigen,
    /// Close a case with a reason: leerplicht's alone (docs/domain.md §8).
    ZaakSluiten,
    PartnerToevoegen,
    PartnerVerwijderen,
    MedischLezen,
    MedischSchrijven,
    /// Who viewed or changed the person's file.
    InzageLezen,
    /// Add or remove a parent or guardian: leerplicht's (docs/domain.md §13).
    VerzorgersWijzigen,
    /// Read the notes of a case kept for leerplicht only (docs/domain.md §13).
    VertrouwelijkLezen,
}

impl Gebruik {
    pub const ALL: [Gebruik; 20] = [
        Gebruik::PersoonBekijken,
        Gebruik::VerzuimLezen,
        Gebruik::VerzuimRegistreren,
        Gebruik::SignalenLezen,
        Gebruik::VerwijzingenLezen,
        Gebruik::MeldingenLezen,
        Gebruik::MeldingIndienen,
        Gebruik::MeldingBehandelen,
        Gebruik::RegistratiesLezen,
        Gebruik::RegistratiesWijzigen,
        Gebruik::ZaakLezen,
        Gebruik::ZaakWijzigen,
        Gebruik::ZaakSluiten,
        Gebruik::PartnerToevoegen,
        Gebruik::PartnerVerwijderen,
        Gebruik::MedischLezen,
        Gebruik::MedischSchrijven,
        Gebruik::InzageLezen,
        Gebruik::VerzorgersWijzigen,
        Gebruik::VertrouwelijkLezen,
    ];
    /// The code in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Gebruik::PersoonBekijken => "persoon_bekijken",
            Gebruik::VerzuimLezen => "verzuim_lezen",
            Gebruik::VerzuimRegistreren => "verzuim_registreren",
            Gebruik::SignalenLezen => "signalen_lezen",
            Gebruik::VerwijzingenLezen => "verwijzingen_lezen",
            Gebruik::MeldingenLezen => "meldingen_lezen",
            Gebruik::MeldingIndienen => "melding_indienen",
            Gebruik::MeldingBehandelen => "melding_behandelen",
            Gebruik::RegistratiesLezen => "registraties_lezen",
            Gebruik::RegistratiesWijzigen => "registraties_wijzigen",
            Gebruik::ZaakLezen => "zaak_lezen",
            Gebruik::ZaakWijzigen => "zaak_wijzigen",
            Gebruik::ZaakSluiten => "zaak_sluiten",
            Gebruik::PartnerToevoegen => "partner_toevoegen",
            Gebruik::PartnerVerwijderen => "partner_verwijderen",
            Gebruik::MedischLezen => "medisch_lezen",
            Gebruik::MedischSchrijven => "medisch_schrijven",
            Gebruik::InzageLezen => "inzage_lezen",
            Gebruik::VerzorgersWijzigen => "verzorgers_wijzigen",
            Gebruik::VertrouwelijkLezen => "vertrouwelijk_lezen",
        }
    }
    /// Whether the use case changes data (as opposed to reading it).
    pub fn wijzigt(self) -> bool {
        matches!(
            self,
            Gebruik::VerzuimRegistreren
                | Gebruik::MeldingIndienen
                | Gebruik::MeldingBehandelen
                | Gebruik::RegistratiesWijzigen
                | Gebruik::ZaakWijzigen
                | Gebruik::ZaakSluiten
                | Gebruik::PartnerToevoegen
                | Gebruik::PartnerVerwijderen
                | Gebruik::MedischSchrijven
                | Gebruik::VerzorgersWijzigen
        )
    }
}

/// Which use cases a role has at all, for the persons in its scope (docs/domain.md §10).
/// Signals are the school's early warnings, unconfirmed: leerplicht has none of them. Absence
/// is read by leerplicht on a ground only, and by the youth doctor as sick days only (see
/// [`zicht`]).
pub fn rol_mag(rol: Rol, g: Gebruik) -> bool {
    use Gebruik::*;
    match rol {
        Rol::Leerplicht => !matches!(
            g,
            VerzuimRegistreren | SignalenLezen | MeldingIndienen | MedischLezen | MedischSchrijven
        ),
        Rol::School => matches!(
            g,
            PersoonBekijken
                | VerzuimLezen
                | VerzuimRegistreren
                | SignalenLezen
                | VerwijzingenLezen
                | MeldingenLezen
                | MeldingIndienen
        ),
        Rol::Swv => matches!(
            g,
            PersoonBekijken | RegistratiesLezen | RegistratiesWijzigen | ZaakLezen
        ),
        Rol::Jeugdarts => matches!(
            g,
            PersoonBekijken | VerzuimLezen | VerwijzingenLezen | MedischLezen | MedischSchrijven
        ),
        Rol::Cjg => matches!(g, PersoonBekijken | ZaakLezen | RegistratiesLezen),
        Rol::Beleid | Rol::Beheer => false,
    }
}

/// Whether the person is in the user's scope (docs/domain.md §10): the facts in `ctx` are those of
/// today (enrolments that cover today).
pub fn in_scope(g: &Gebruiker, ctx: &PersoonContext) -> bool {
    match g.rol {
        Rol::Leerplicht => g.bedient.contains(&ctx.jongere.gemeente) || overgedragen_door(g, ctx),
        Rol::School => ctx.scholen.iter().any(|(s, _)| s.as_str() == g.organisatie),
        Rol::Swv => ctx
            .scholen
            .iter()
            .any(|(_, swv)| swv.as_deref() == Some(g.organisatie.as_str())),
        Rol::Jeugdarts => ctx.mazl_verwezen && g.bedient.contains(&ctx.jongere.gemeente),
        Rol::Cjg => ctx.partners.contains(&g.organisatie),
        Rol::Beleid | Rol::Beheer => false,
    }
}

/// Whether the user's bureau handed a case of the person over to another bureau and reads it
/// still, for the transition period (docs/domain.md §13): it is the case's partner until
/// then, without serving the person's gemeente. It reads only.
pub fn overgedragen_door(g: &Gebruiker, ctx: &PersoonContext) -> bool {
    g.rol == Rol::Leerplicht
        && !g.bedient.contains(&ctx.jongere.gemeente)
        && ctx.partners.contains(&g.organisatie)
}

/// The purpose (*doel*) a read or change of one person's data is allowed on, as the audit
/// log records it (docs/domain.md §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Doel {
    /// The school's (or its SWV's) own pupil, enrolled there.
    Inschrijving,
    /// The register of leerplichtigen the gemeente keeps (Leerplichtwet art. 18): register
    /// facts, meldingen, registrations and cases of who lives in a gemeente it serves.
    Leerplichtregister,
    /// A melding the school confirmed.
    Melding,
    /// An open case; for a partner, a case it was added to.
    Zaak,
    /// A period on the thuiszitters list.
    Registratie,
    /// A MAZL referral to the youth doctor.
    Mazl,
    /// Break-the-glass: a written reason, for a limited time.
    Noodtoegang,
    /// The installation's operator, on the server's command line.
    Beheer,
}

impl Doel {
    pub const ALL: [Doel; 8] = [
        Doel::Inschrijving,
        Doel::Leerplichtregister,
        Doel::Melding,
        Doel::Zaak,
        Doel::Registratie,
        Doel::Mazl,
        Doel::Noodtoegang,
        Doel::Beheer,
    ];
    /// The code in the audit log.
    pub const fn code(self) -> &'static str {
        match self {
            Doel::Inschrijving => "inschrijving",
            Doel::Leerplichtregister => "leerplichtregister",
            Doel::Melding => "melding",
            Doel::Zaak => "zaak",
            Doel::Registratie => "registratie",
            Doel::Mazl => "mazl",
            Doel::Noodtoegang => "noodtoegang",
            Doel::Beheer => "beheer",
        }
    }
    /// The purpose a ground gives.
    pub const fn van_grond(g: Grond) -> Doel {
        match g {
            Grond::Zaak => Doel::Zaak,
            Grond::Registratie => Doel::Registratie,
            Grond::Melding => Doel::Melding,
            Grond::Mazl => Doel::Mazl,
        }
    }
}

/// Why leerplicht may not read a person's absence although the person is theirs: said to the
/// reader (the person is in their register, so the answer tells nothing new).
pub const GEEN_DOEL: &str = "geen doel voor verzuimgegevens: die zijn alleen in te zien bij een \
bevestigde melding, een open zaak of een registratie op de thuiszitterslijst (doelbinding); \
in een noodgeval kunt u noodtoegang vragen";

/// The gate's answer for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Beslissing {
    /// Allowed, on this purpose.
    Toegestaan(Doel),
    /// Allowed outside the user's scope on a live break-the-glass grant with this reason.
    Noodtoegang(String),
    /// The person is the reader's, but this part of the file needs a ground the file does not
    /// have ([`GEEN_DOEL`]).
    ZonderDoel,
    Geweigerd(&'static str),
}

impl Beslissing {
    /// Whether the gate lets the reader through, on whatever purpose.
    pub fn toegestaan(&self) -> bool {
        matches!(self, Beslissing::Toegestaan(_) | Beslissing::Noodtoegang(_))
    }
    /// Whether the gate lets the reader through on their own scope (not by breaking the glass).
    pub fn eigen(&self) -> bool {
        matches!(self, Beslissing::Toegestaan(_))
    }
    /// The purpose the read is allowed on.
    pub fn doel(&self) -> Option<Doel> {
        match self {
            Beslissing::Toegestaan(d) => Some(*d),
            Beslissing::Noodtoegang(_) => Some(Doel::Noodtoegang),
            _ => None,
        }
    }
}

/// What a question about one person is about beyond the person: one of their cases, or a
/// melding of one school. A partner (CJG) sees only the cases it was added to; a school
/// sees and changes only its own meldingen (docs/domain.md §10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Onderwerp {
    /// The person (their header, or a part of the file that is not one case or melding).
    Persoon,
    /// One of the person's cases.
    Zaak(i64),
    /// A melding filed by (or drafted for) this school location.
    Melding { school: String },
}

/// The one place that decides whether `actor` may use `gebruik` on the person of `ctx`.
/// `noodtoegang` is the reason of the user's live break-the-glass grant for this person.
pub fn beslis(
    actor: &Actor,
    gebruik: Gebruik,
    ctx: &PersoonContext,
    noodtoegang: Option<&str>,
) -> Beslissing {
    beslis_over(actor, gebruik, ctx, &Onderwerp::Persoon, noodtoegang)
}

/// [`beslis`] for a question about one case or melding of the person. Another school's
/// melding is refused even on a break-the-glass grant: a school never acts for another.
pub fn beslis_over(
    actor: &Actor,
    gebruik: Gebruik,
    ctx: &PersoonContext,
    onderwerp: &Onderwerp,
    noodtoegang: Option<&str>,
) -> Beslissing {
    if let Onderwerp::Melding { school } = onderwerp {
        if !melding_zichtbaar(actor, school) {
            return Beslissing::Geweigerd("melding van een andere school");
        }
    }
    let beslissing = beslis_persoon(actor, gebruik, ctx, noodtoegang);
    match (onderwerp, &beslissing) {
        (Onderwerp::Zaak(z), Beslissing::Toegestaan(_))
            if !zaak_zichtbaar(actor, ctx, false, *z) =>
        {
            match noodtoegang {
                Some(reden) => Beslissing::Noodtoegang(reden.to_string()),
                None => Beslissing::Geweigerd("geen partner in deze zaak"),
            }
        }
        _ => beslissing,
    }
}

/// The gate's answer on the person alone.
fn beslis_persoon(
    actor: &Actor,
    gebruik: Gebruik,
    ctx: &PersoonContext,
    noodtoegang: Option<&str>,
) -> Beslissing {
    match actor {
        // The operator runs the installation and its bulk work; medical notes are the youth
        // doctor's alone, even for the operator.
        Actor::LocalOperator { .. } => {
            if matches!(gebruik, Gebruik::MedischLezen | Gebruik::MedischSchrijven) {
                Beslissing::Geweigerd("medische notities alleen voor de jeugdarts")
            } else {
                Beslissing::Toegestaan(Doel::Beheer)
            }
        }
        Actor::Systeem(s) => {
            let scope = match gebruik {
                Gebruik::VerzuimRegistreren => Scope::VerzuimSchrijven,
                Gebruik::MeldingIndienen => Scope::MeldingenSchrijven,
                _ => return Beslissing::Geweigerd("niet met een API-token"),
            };
            if !s.scopes.contains(&scope) {
                Beslissing::Geweigerd("token zonder deze scope")
            } else if ctx.scholen.iter().any(|(c, _)| c.as_str() == s.organisatie) {
                Beslissing::Toegestaan(Doel::Inschrijving)
            } else {
                Beslissing::Geweigerd("leerling niet ingeschreven bij deze school")
            }
        }
        Actor::Gebruiker(g) => {
            if !rol_mag(g.rol, gebruik) {
                Beslissing::Geweigerd("niet voor deze rol")
            } else if gebruik.wijzigt() && overgedragen_door(g, ctx) {
                Beslissing::Geweigerd("overgedragen: alleen lezen")
            } else if in_scope(g, ctx) {
                match doel_van(g.rol, gebruik, ctx) {
                    Some(doel) => Beslissing::Toegestaan(doel),
                    None => match noodtoegang {
                        Some(reden) => Beslissing::Noodtoegang(reden.to_string()),
                        None => Beslissing::ZonderDoel,
                    },
                }
            } else if let Some(reden) = noodtoegang {
                Beslissing::Noodtoegang(reden.to_string())
            } else {
                Beslissing::Geweigerd("buiten uw doelgroep")
            }
        }
    }
}

/// The purpose on which a user of `rol` may use `gebruik` on the person of `ctx` in their
/// scope; None when the use needs a ground the file does not have. Leerplicht reads absence
/// on the strongest ground of the file (an open case, then a registration, then a confirmed
/// melding); everything else of the person on its register.
fn doel_van(rol: Rol, gebruik: Gebruik, ctx: &PersoonContext) -> Option<Doel> {
    match rol {
        Rol::Leerplicht if gebruik == Gebruik::VerzuimLezen => ctx
            .gronden
            .iter()
            .map(|g| g.grond)
            .filter(|g| *g != Grond::Mazl)
            .min()
            .map(Doel::van_grond),
        _ => rol_doel(rol),
    }
}

/// The purpose a user of `rol` sees the persons in their scope on, for everything but a
/// read that needs a ground: what a listing of persons is logged with.
pub fn rol_doel(rol: Rol) -> Option<Doel> {
    match rol {
        Rol::School | Rol::Swv => Some(Doel::Inschrijving),
        Rol::Leerplicht => Some(Doel::Leerplichtregister),
        Rol::Jeugdarts => Some(Doel::Mazl),
        Rol::Cjg => Some(Doel::Zaak),
        Rol::Beleid | Rol::Beheer => None,
    }
}

/// [`rol_doel`] for any actor: the operator's work is [`Doel::Beheer`], a school's system
/// acts for its own pupils.
pub fn actor_doel(actor: &Actor) -> Option<Doel> {
    match actor {
        Actor::LocalOperator { .. } => Some(Doel::Beheer),
        Actor::Systeem(_) => Some(Doel::Inschrijving),
        Actor::Gebruiker(g) => rol_doel(g.rol),
    }
}

/// Whether the gate needs the grounds of the person's file ([`PersoonContext::gronden`]) to
/// decide on `gebruik` for `actor`.
pub fn vraagt_gronden(actor: &Actor, gebruik: Gebruik) -> bool {
    gebruik == Gebruik::VerzuimLezen
        && matches!(actor.rol(), Some(Rol::Leerplicht | Rol::Jeugdarts))
}
