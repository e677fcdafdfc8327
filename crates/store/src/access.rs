//! What the store keeps for access and accountability: accounts, sessions, API tokens, the
//! facts the need-to-know gate judges a person by, break-the-glass grants, the audit log and
//! retention. The rules themselves live in the app layer; this is storage only.

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::person::Jongere;
use leerrecht_domain::schoolyear::SchoolYear;
use sha2::{Digest, Sha256};

use crate::stored::Rij;
use crate::Result;

/// The lookup index of persons in the audit log is brought up to date whenever the sequence
/// passes a multiple of this.
pub(crate) const INDEX_EVERY: i64 = 1024;

/// The columns of an account, in the order both stores read them.
pub(crate) const GEBRUIKER_COLS: &str =
    "id, gebruikersnaam, organisatie, rol, wachtwoord, totp_geheim,
     totp_laatste_stap, actief, mislukte_pogingen, geblokkeerd_tot, aangemaakt,
     totp_inschrijven, totp_nieuw, wachtwoord_tijdelijk, email, sso_koppeling";

/// The columns of an audit entry, in the order both stores read them.
pub(crate) const AUDIT_COLS: &str =
    "seq, tijd, actor, organisatie, rol, actie, persoon, record, bron, reden,
     noodtoegang, toegestaan, vorige, hash, doel";

/// The account whose columns ([`GEBRUIKER_COLS`]) start at column `at`.
pub(crate) fn gebruiker<R: Rij>(r: &R, at: usize) -> std::result::Result<GebruikerRij, R::Fout> {
    Ok(GebruikerRij {
        id: r.i64(at)?,
        gebruikersnaam: r.tekst(at + 1)?,
        organisatie: r.tekst(at + 2)?,
        rol: r.tekst(at + 3)?,
        wachtwoord_hash: r.tekst(at + 4)?,
        totp_geheim: r.opt_tekst(at + 5)?,
        totp_laatste_stap: r.opt_i64(at + 6)?,
        actief: r.waar(at + 7)?,
        mislukte_pogingen: r.u32(at + 8)?,
        geblokkeerd_tot: r.opt_moment(at + 9)?,
        aangemaakt: r.moment(at + 10)?,
        totp_inschrijven: r.waar(at + 11)?,
        totp_nieuw: r.opt_tekst(at + 12)?,
        wachtwoord_tijdelijk: r.waar(at + 13)?,
        email: r.opt_tekst(at + 14)?,
        sso_koppeling: r.opt_tekst(at + 15)?,
    })
}

/// The columns of a single sign-on login under way, in the order both stores read them.
pub(crate) const OIDC_COLS: &str =
    "sleutel, binding, issuer, nonce, verifier, gebruiker_id, aangemaakt";

/// A single sign-on login under way from its columns ([`OIDC_COLS`]).
pub(crate) fn oidc_aanvraag<R: Rij>(r: &R) -> std::result::Result<OidcAanvraagRij, R::Fout> {
    Ok(OidcAanvraagRij {
        sleutel: r.tekst(0)?,
        binding: r.tekst(1)?,
        issuer: r.tekst(2)?,
        nonce: r.tekst(3)?,
        verifier: r.tekst(4)?,
        gebruiker_id: r.opt_i64(5)?,
        aangemaakt: r.moment(6)?,
    })
}

/// A session from its columns: token_hash, gebruiker_id, aangemaakt, laatst_gebruikt,
/// verloopt, ingetrokken, bron.
pub(crate) fn sessie<R: Rij>(r: &R) -> std::result::Result<SessieRij, R::Fout> {
    Ok(SessieRij {
        token_hash: r.tekst(0)?,
        gebruiker_id: r.i64(1)?,
        aangemaakt: r.moment(2)?,
        laatst_gebruikt: r.moment(3)?,
        verloopt: r.moment(4)?,
        ingetrokken: r.opt_moment(5)?,
        bron: r.tekst(6)?,
    })
}

/// A mail of the outbox from its columns: id, sleutel, aan, onderwerp, tekst, pogingen.
pub(crate) fn mail<R: Rij>(r: &R) -> std::result::Result<MailRij, R::Fout> {
    Ok(MailRij {
        id: r.i64(0)?,
        sleutel: r.tekst(1)?,
        aan: r.tekst(2)?,
        onderwerp: r.tekst(3)?,
        tekst: r.tekst(4)?,
        pogingen: r.u32(5)?,
    })
}

/// The columns [`mail`] reads.
pub(crate) const MAIL_COLS: &str = "id, sleutel, aan, onderwerp, tekst, pogingen";

/// An API token from its columns: id, token_hash, organisatie, scopes, omschrijving,
/// aangemaakt, ingetrokken.
pub(crate) fn token<R: Rij>(r: &R) -> std::result::Result<ApiTokenRij, R::Fout> {
    Ok(ApiTokenRij {
        id: r.i64(0)?,
        token_hash: r.tekst(1)?,
        organisatie: r.tekst(2)?,
        scopes: r.tekst(3)?,
        omschrijving: r.tekst(4)?,
        aangemaakt: r.moment(5)?,
        ingetrokken: r.opt_moment(6)?,
    })
}

/// An audit entry from its columns ([`AUDIT_COLS`]).
pub(crate) fn audit<R: Rij>(r: &R) -> std::result::Result<AuditEntry, R::Fout> {
    Ok(AuditEntry {
        seq: r.i64(0)?,
        entry: NieuwAuditEntry {
            tijd: r.tekst(1)?,
            actor: r.tekst(2)?,
            organisatie: r.opt_tekst(3)?,
            rol: r.opt_tekst(4)?,
            actie: r.tekst(5)?,
            persoon: r.opt_tekst(6)?,
            record: r.opt_tekst(7)?,
            bron: r.tekst(8)?,
            reden: r.opt_tekst(9)?,
            noodtoegang: r.waar(10)?,
            toegestaan: r.waar(11)?,
            doel: r.opt_tekst(14)?,
        },
        vorige: r.tekst(12)?,
        hash: r.tekst(13)?,
    })
}

/// Whether a change meant for one record changed exactly one (`n` rows).
pub(crate) fn one_changed<N: PartialEq + From<u8>>(n: N) -> Result<()> {
    if n == N::from(1) {
        Ok(())
    } else {
        Err(crate::StoreError::Invalid("no such record".into()))
    }
}

/// A new account. The password arrives hashed (Argon2id, PHC string).
#[derive(Clone, Debug)]
pub struct NieuweGebruiker {
    pub gebruikersnaam: String,
    pub organisatie: String,
    pub rol: String,
    pub wachtwoord_hash: String,
    pub totp_geheim: Option<String>,
    pub aangemaakt: DateTime<Utc>,
    /// Set by someone else: its owner chooses a new one at the first login.
    pub wachtwoord_tijdelijk: bool,
}

/// An account as stored, with its login state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GebruikerRij {
    pub id: i64,
    pub gebruikersnaam: String,
    pub organisatie: String,
    pub rol: String,
    pub wachtwoord_hash: String,
    pub totp_geheim: Option<String>,
    pub totp_laatste_stap: Option<i64>,
    pub actief: bool,
    pub mislukte_pogingen: u32,
    pub geblokkeerd_tot: Option<DateTime<Utc>>,
    pub aangemaakt: DateTime<Utc>,
    /// Marked by an administrator: the owner sets up a new second factor at the next login.
    pub totp_inschrijven: bool,
    /// The secret offered to the owner during that set-up, until a first code confirms it.
    pub totp_nieuw: Option<String>,
    /// The password was set by someone else: its owner chooses a new one at the next login.
    pub wachtwoord_tijdelijk: bool,
    /// Where notices and the daily digest go, if anywhere.
    pub email: Option<String>,
    /// The identity at an identity provider this account logs in as by single sign-on
    /// ("issuer subject"), once it has done so.
    pub sso_koppeling: Option<String>,
}

/// A single sign-on login under way ([`AccessStore::oidc_aanvraag_bewaren`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcAanvraagRij {
    /// The hash of the flow's `state`, or of the one-time token of the wait for a code.
    pub sleutel: String,
    /// The hash of the cookie of the browser that started it.
    pub binding: String,
    pub issuer: String,
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// Set while the provider's login is done and leerrecht's second factor is awaited.
    pub gebruiker_id: Option<i64>,
    pub aangemaakt: DateTime<Utc>,
}

/// A login session, known by the SHA-256 of its token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessieRij {
    pub token_hash: String,
    pub gebruiker_id: i64,
    pub aangemaakt: DateTime<Utc>,
    pub laatst_gebruikt: DateTime<Utc>,
    pub verloopt: DateTime<Utc>,
    pub ingetrokken: Option<DateTime<Utc>>,
    pub bron: String,
}

/// What checking a session needs: the session, its user (None when the account is gone), and
/// the gemeenten the user's organisation serves (None when the organisation is unknown).
#[derive(Clone, Debug)]
pub struct SessieFeiten {
    pub sessie: SessieRij,
    pub gebruiker: Option<GebruikerRij>,
    pub bedient: Option<Vec<String>>,
}

/// An API token of a system (a school's administration package), known by its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRij {
    pub id: i64,
    pub token_hash: String,
    pub organisatie: String,
    /// Space-separated scopes, e.g. `verzuim:schrijven`.
    pub scopes: String,
    pub omschrijving: String,
    pub aangemaakt: DateTime<Utc>,
    pub ingetrokken: Option<DateTime<Utc>>,
}

/// What the need-to-know gate needs to know about one person on one date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersoonContext {
    pub id: i64,
    /// The person's record: identifiers, name, birth date, gemeente of residence.
    pub jongere: Jongere,
    /// School locations the person is enrolled at on the date, each with its SWV.
    pub scholen: Vec<(SchoolCode, Option<String>)>,
    /// Partner organisations of any of the person's cases on the date, each once, in order.
    pub partners: Vec<String>,
    /// The cases each partner organisation is a partner of on the date: (organisation, case).
    pub partner_zaken: Vec<(String, i64)>,
    /// Whether a MAZL signal (a referral to the youth doctor) exists for the person.
    pub mazl_verwezen: bool,
    /// The grounds of the person's file that give a purpose to read their absence
    /// (docs/domain.md §10). The store's reads leave this empty: the app fills it for the uses
    /// that need it, and the gate refuses such a use on an empty list.
    pub gronden: Vec<leerrecht_domain::doelbinding::Doelgrond>,
}

/// A youth doctor's note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotitieRij {
    pub id: i64,
    pub organisatie: String,
    pub gebruiker_id: i64,
    pub tijd: DateTime<Utc>,
    pub tekst: String,
}

/// An audit entry before it is chained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NieuwAuditEntry {
    /// The moment, as fixed-format UTC text (see [`moment`]); hashed as is.
    pub tijd: String,
    pub actor: String,
    pub organisatie: Option<String>,
    pub rol: Option<String>,
    pub actie: String,
    /// The keyed pseudonym of the person, never the identifier itself.
    pub persoon: Option<String>,
    pub record: Option<String>,
    /// From where: the client address, or the command line and its operating-system user.
    pub bron: String,
    /// The written reason of a break-the-glass access.
    pub reden: Option<String>,
    pub noodtoegang: bool,
    pub toegestaan: bool,
    /// The purpose the read or change was allowed on (a code of the gate's purposes); None
    /// for entries of acts on no person's file, and for entries written before purposes
    /// were recorded.
    pub doel: Option<String>,
}

/// A chained audit entry as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub entry: NieuwAuditEntry,
    pub vorige: String,
    pub hash: String,
}

/// The hash that precedes the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain link of an entry: SHA-256 over the previous hash, the sequence number and every
/// field, each length-prefixed so that no two different entries encode alike.
pub fn chain_hash(vorige: &str, seq: i64, e: &NieuwAuditEntry) -> String {
    let mut h = Sha256::new();
    let mut field = |v: Option<&str>| match v {
        Some(s) => {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        None => h.update(u64::MAX.to_le_bytes()),
    };
    field(Some(vorige));
    field(Some(&seq.to_string()));
    field(Some(&e.tijd));
    field(Some(&e.actor));
    field(e.organisatie.as_deref());
    field(e.rol.as_deref());
    field(Some(&e.actie));
    field(e.persoon.as_deref());
    field(e.record.as_deref());
    field(Some(&e.bron));
    field(e.reden.as_deref());
    field(Some(if e.noodtoegang { "1" } else { "0" }));
    field(Some(if e.toegestaan { "1" } else { "0" }));
    // Entries written before the purpose was recorded have no such field: their links stay
    // as they were made.
    if let Some(doel) = e.doel.as_deref() {
        field(Some(doel));
    }
    hex(&h.finalize())
}

/// The SHA-256 of a secret token, hex: how sessions and API tokens are looked up.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// A moment as fixed-format UTC text with microseconds: sorts and compares as the moment.
pub fn moment(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // By hand: this runs for every audit entry, and chrono's formatter costs microseconds.
    let mut s = String::with_capacity(27);
    let mut num = |n: u32, width: usize, sep: char| {
        let digits = n.to_string();
        for _ in digits.len()..width {
            s.push('0');
        }
        s.push_str(&digits);
        s.push(sep);
    };
    num(t.year() as u32, 4, '-');
    num(t.month(), 2, '-');
    num(t.day(), 2, 'T');
    num(t.hour(), 2, ':');
    num(t.minute(), 2, ':');
    num(t.second(), 2, '.');
    num(t.nanosecond() / 1000 % 1_000_000, 6, 'Z');
    s
}

/// Reads [`moment`] text back.
#[cfg(test)]
mod tests {
    #[test]
    fn moments_are_fixed_width_utc() {
        use chrono::TimeZone;
        let t = chrono::Utc.with_ymd_and_hms(2026, 1, 5, 7, 3, 9).unwrap()
            + chrono::Duration::microseconds(42);
        assert_eq!(super::moment(t), "2026-01-05T07:03:09.000042Z");
        assert_eq!(super::parse_moment(&super::moment(t)).unwrap(), t);
    }
}

pub fn parse_moment(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| crate::StoreError::Invalid(format!("stored moment {s:?} is invalid: {e}")))
}

/// What retention removes of one person: the records (absence, signals) dated before `voor`;
/// with `dossier` the whole file (notes, case partners, grants) and the person's record with their
/// enrolments, the record kept only while meldingen within their own period remain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgePersoon {
    pub id: i64,
    pub voor: NaiveDate,
    pub dossier: bool,
    /// The school years in which only this person's signals, which the purge destroys,
    /// brought them into the Leerplichttelling: kept anonymously (`anoniem_signaaltellingen`),
    /// an `av` one only when the person's record goes.
    pub signaaltellingen: Vec<Signaaltelling>,
}

/// One school year in which the signals alone brought a person into the Leerplichttelling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signaaltelling {
    pub schooljaar: i32,
    pub av: bool,
    pub gemeente: String,
    /// The schools of the `lrv` signals.
    pub scholen: Vec<String>,
}

/// A person that retention may concern: born on or before the cut-off of the youngest file.
#[derive(Clone, Debug)]
pub struct PurgeKandidaat {
    pub id: i64,
    pub leerling: LeerlingId,
    pub geboortedatum: NaiveDate,
}

/// What a purge removed (or, in a dry run, would remove).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeTelling {
    pub personen: u64,
    pub inschrijvingen: u64,
    pub verzuim: u64,
    pub signalen: u64,
    pub registraties: u64,
    pub zaken: u64,
    pub meldingen: u64,
    pub notities: u64,
    pub partners: u64,
    pub noodtoegang: u64,
    /// Parents and guardians, who go with the file.
    pub verzorgers: u64,
    /// Reports of talks and notes on the file's cases.
    pub zaaknotities: u64,
    /// Letters kept on the file's cases.
    pub brieven: u64,
}

/// One step of a change of an account's credentials ([`AccessStore::inlog_wijzigen`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inlogstap {
    /// A new password hash, chosen by the account's owner.
    Wachtwoord(String),
    /// A new password hash set by someone else: its owner chooses a new one at the next
    /// login.
    TijdelijkWachtwoord(String),
    /// A new TOTP secret (or none); a set-up its owner was to do is off.
    TotpGeheim(Option<String>),
    /// A new second factor, set up by the owner at the next login: the secret it had and any
    /// offered before are gone.
    TotpVragen,
    /// Enabled or disabled.
    Actief(bool),
    /// A reset code's hash and expiry, replacing any before it.
    Herstelcode(String, DateTime<Utc>),
    /// The open reset code is used or withdrawn.
    HerstelcodeWissen,
    /// The outcome of a login: failures in a row, blocked until, the last TOTP step used
    /// (kept when None).
    LoginState {
        mislukt: u32,
        geblokkeerd_tot: Option<DateTime<Utc>>,
        stap: Option<i64>,
    },
    /// The failed logins under this name, from every address, are forgotten.
    InlogpogingenWissen(String),
    /// Every live session of the account ends at this moment.
    SessiesBeeindigen(DateTime<Utc>),
    /// The account's e-mail address (or none).
    Email(Option<String>),
    /// The identity at an identity provider the account logs in as (or none: the link is
    /// undone, and the next single sign-on login makes a new one).
    SsoKoppeling(Option<String>),
    /// A mail queued with the change (a notice to the account's address).
    Mail(NieuweMail),
}

/// A mail to queue in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NieuweMail {
    /// One mail per key: a second with the same key is not queued.
    pub sleutel: String,
    pub aan: String,
    pub onderwerp: String,
    pub tekst: String,
    pub gemaakt: DateTime<Utc>,
}

/// A mail in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailRij {
    pub id: i64,
    pub sleutel: String,
    pub aan: String,
    pub onderwerp: String,
    pub tekst: String,
    pub pogingen: u32,
}

/// The outbox at a glance, for the beheer page and `/metrics`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailStand {
    /// Queued and not sent yet (retries included).
    pub wachtend: u64,
    /// Of those, how many failed at least once.
    pub mislukt: u64,
    /// The last failure and when it happened.
    pub laatste_fout: Option<(String, DateTime<Utc>)>,
    /// Sent in all.
    pub verzonden: u64,
}

impl MailStand {
    /// From the counts as a database gives them: waiting, of which failed, sent.
    pub(crate) fn uit(
        (wachtend, mislukt, verzonden): (i64, i64, i64),
        laatste_fout: Option<(String, DateTime<Utc>)>,
    ) -> MailStand {
        MailStand {
            wachtend: wachtend as u64,
            mislukt: mislukt as u64,
            laatste_fout,
            verzonden: verzonden as u64,
        }
    }
}

/// Storage for accounts, access facts, the audit log and retention.
pub trait AccessStore {
    /// The value of an installation setting; when absent, stores `nieuw` first. Concurrent
    /// callers all get the one value that was stored.
    fn instelling_of(&self, naam: &str, nieuw: &str) -> Result<String>;
    /// The value of an installation setting, if it has one.
    fn instelling(&self, naam: &str) -> Result<Option<String>>;
    /// Sets a setting, or removes it with None.
    fn set_instelling(&self, naam: &str, waarde: Option<&str>) -> Result<()>;
    /// The names of the settings that start with `voorvoegsel`, in order.
    fn instellingen_met(&self, voorvoegsel: &str) -> Result<Vec<String>>;

    /// Adds an account; a taken username is `StoreError::Invalid`.
    fn add_gebruiker(&self, g: &NieuweGebruiker) -> Result<i64>;
    /// Keeps a single sign-on login under way, and forgets those made before `vergeten`.
    fn oidc_aanvraag_bewaren(&self, a: &OidcAanvraagRij, vergeten: DateTime<Utc>) -> Result<()>;
    /// Takes out the login under way with this key: it can be used once.
    fn oidc_aanvraag_nemen(&self, sleutel: &str) -> Result<Option<OidcAanvraagRij>>;
    fn gebruiker(&self, gebruikersnaam: &str) -> Result<Option<GebruikerRij>>;
    fn gebruiker_by_id(&self, id: i64) -> Result<Option<GebruikerRij>>;
    fn gebruikers(&self) -> Result<Vec<GebruikerRij>>;
    /// Changes one account's credentials in one transaction: the steps in order, then the
    /// audit entries `audit` appended to the chain, all committed together or not at all (a
    /// new password never leaves the old sessions alive, nor a change unlogged).
    fn inlog_wijzigen(
        &self,
        gebruiker_id: i64,
        stappen: &[Inlogstap],
        audit: &[NieuwAuditEntry],
    ) -> Result<()>;
    /// Records the outcome of a login attempt.
    fn set_login_state(
        &self,
        id: i64,
        mislukte_pogingen: u32,
        geblokkeerd_tot: Option<DateTime<Utc>>,
        totp_laatste_stap: Option<i64>,
    ) -> Result<()> {
        let stap = Inlogstap::LoginState {
            mislukt: mislukte_pogingen,
            geblokkeerd_tot,
            stap: totp_laatste_stap,
        };
        self.inlog_wijzigen(id, &[stap], &[])
    }
    /// An account's open reset code: its hash and expiry.
    fn herstelcode(&self, gebruiker_id: i64) -> Result<Option<(String, DateTime<Utc>)>>;
    /// The secret offered for the set-up: `nieuw` when none was offered yet, else the one
    /// offered before (so concurrent logins agree).
    fn totp_aanbieden(&self, gebruiker_id: i64, nieuw: &str) -> Result<String>;
    /// Makes the offered secret the account's second factor, `stap` its last used step;
    /// false when nothing was offered.
    fn totp_bevestigen(&self, gebruiker_id: i64, stap: i64) -> Result<bool>;

    /// Failed logins (and other password or code guesses) under one user name from one
    /// client address: how many in a row, and until when they are blocked. Kept for names
    /// with and without an account alike.
    fn inlogpoging(&self, naam: &str, bron: &str) -> Result<Option<(u32, Option<DateTime<Utc>>)>>;
    /// Records the count after a failure at `nu`, and removes the rows of pairs that have
    /// not failed since `vergeten`.
    fn set_inlogpoging(
        &self,
        naam: &str,
        bron: &str,
        mislukt: u32,
        geblokkeerd_tot: Option<DateTime<Utc>>,
        nu: DateTime<Utc>,
        vergeten: DateTime<Utc>,
    ) -> Result<()>;
    /// Forgets the failures under a name from one address.
    fn clear_inlogpogingen(&self, naam: &str, bron: &str) -> Result<()>;

    /// Queues `m` unless a mail with its key was queued before; whether it was queued.
    fn mail_toevoegen(&self, m: &NieuweMail) -> Result<bool>;
    /// Up to `max` queued mails due at `nu`, oldest first.
    fn mail_te_verzenden(&self, nu: DateTime<Utc>, max: u32) -> Result<Vec<MailRij>>;
    /// Records an attempt to send mail `id` at `at`: sent (`fout` None), or failed with
    /// `fout` and not tried again before `volgende`.
    fn mail_poging(
        &self,
        id: i64,
        at: DateTime<Utc>,
        fout: Option<&str>,
        volgende: DateTime<Utc>,
    ) -> Result<()>;
    /// The outbox at a glance.
    fn mail_stand(&self) -> Result<MailStand>;
    /// Forgets the sessions started before `voor` (long ended: a session lives hours) and the
    /// mail made before it that was sent or given up after `max_pogingen` attempts; with
    /// `dry_run` only counts them. Returns (sessions, mails).
    fn vergeten(&self, voor: DateTime<Utc>, max_pogingen: u32, dry_run: bool)
        -> Result<(u64, u64)>;

    fn add_sessie(&self, s: &SessieRij) -> Result<()>;
    fn sessie(&self, token_hash: &str) -> Result<Option<SessieRij>>;
    fn touch_sessie(
        &self,
        token_hash: &str,
        laatst: DateTime<Utc>,
        verloopt: DateTime<Utc>,
    ) -> Result<()>;
    /// Revokes one session; false when there was no such live session.
    fn revoke_sessie(&self, token_hash: &str, at: DateTime<Utc>) -> Result<bool>;

    fn add_api_token(&self, t: &ApiTokenRij) -> Result<i64>;
    fn api_token(&self, token_hash: &str) -> Result<Option<ApiTokenRij>>;
    fn api_tokens(&self) -> Result<Vec<ApiTokenRij>>;
    fn revoke_api_token(&self, id: i64, at: DateTime<Utc>) -> Result<bool>;

    /// The facts about a person the gate judges by, on a date; None for an unknown person.
    fn persoon_context(
        &self,
        leerling: LeerlingId,
        on: NaiveDate,
    ) -> Result<Option<PersoonContext>>;

    fn add_noodtoegang(
        &self,
        gebruiker_id: i64,
        jongere_id: i64,
        reden: &str,
        van: DateTime<Utc>,
        tot: DateTime<Utc>,
    ) -> Result<()>;
    /// The reason of a break-the-glass grant of this user for this person that is live at `now`.
    fn noodtoegang(
        &self,
        gebruiker_id: i64,
        jongere_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<String>>;

    /// Adds a partner organisation to a case from `sinds` (idempotent; a partner removed
    /// before is a partner again from `sinds`).
    fn add_partner(&self, zaak_id: i64, organisatie: &str, sinds: NaiveDate) -> Result<()>;
    /// Removes a partner from a case: from `tot` on it no longer sees the case. False when
    /// the organisation was no partner of the case.
    fn remove_partner(&self, zaak_id: i64, organisatie: &str, tot: NaiveDate) -> Result<bool>;

    fn add_notitie(
        &self,
        jongere_id: i64,
        organisatie: &str,
        gebruiker_id: i64,
        tijd: DateTime<Utc>,
        tekst: &str,
    ) -> Result<i64>;
    fn notities(&self, jongere_id: i64) -> Result<Vec<NotitieRij>>;

    /// Appends entries to the audit log in one transaction, chaining each to the one before
    /// (serialised against every other writer, in any process); returns their sequence numbers.
    fn append_audit(&self, entries: &[NieuwAuditEntry]) -> Result<Vec<i64>>;
    /// Streams the whole audit log in sequence order.
    fn for_each_audit(&self, f: &mut dyn FnMut(AuditEntry) -> Result<()>) -> Result<()>;
    /// The entries that name any of these pseudonyms, in sequence order.
    fn audit_van(&self, personen: &[String]) -> Result<Vec<AuditEntry>>;

    /// People born on or before `geboren_tot`.
    fn purge_kandidaten(&self, geboren_tot: NaiveDate) -> Result<Vec<PurgeKandidaat>>;
    /// Removes what the plan says and the meldingen that started before `meldingen_voor`
    /// (a person's meldingen of a school year go together, when the last of them is due),
    /// adding anonymous counts per school year, gemeente and indicator, and first the
    /// anonymous figure rows the reports count (`V34__anonieme_cijferrijen`), to what is kept;
    /// when only the leerplicht part of a file goes, periods joined to a kept one stay
    /// (`retention::registraties_voor`). In a dry run, counts and rolls back.
    fn purge(
        &self,
        plan: &[PurgePersoon],
        meldingen_voor: NaiveDate,
        dry_run: bool,
    ) -> Result<PurgeTelling>;
    /// The anonymous figures kept by retention: (school year, gemeente, indicator, count).
    fn anonieme_cijfers(&self) -> Result<Vec<(String, String, String, u64)>>;
    /// The persons of destroyed files that their signals alone brought into the
    /// Leerplichttelling of `jaar`: (absolute absence, gemeente, schools `|`-separated).
    fn anonieme_signaaltellingen(&self, jaar: SchoolYear) -> Result<Vec<(bool, String, String)>>;
}
