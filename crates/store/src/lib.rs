//! Storage of leerrecht behind one trait, [`Store`], with one implementation per real
//! database: SQLite (the embedded default) and PostgreSQL (production). The backend is picked
//! from the URL's scheme. Nothing here knows who is asking: access checks live in the app layer.
#![forbid(unsafe_code)]

mod absence;
pub mod access;
pub mod api;
pub mod backup;
mod cases;
mod forward;
mod postgres;
mod sqlite;
mod stored;
pub mod taken;
mod verzorgers;
mod verzuimblok;
mod zaakfeiten;

/// The TLS side of PostgreSQL connections, under the path other crates know it by.
pub use crate::postgres::tls as postgres_tls;

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::calendar::Vakantie;
use leerrecht_domain::duty::BirthRanges;
use leerrecht_domain::ids::{GemeenteCode, LeerlingId, SchoolCode};
use leerrecht_domain::org::Organisatie;
use leerrecht_domain::person::{Inschrijving, Jongere, Sector};
use leerrecht_domain::rules::{Dagtotaal, Verzuim};
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak, Registratie};
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};

pub use crate::access::AccessStore;
pub use crate::api::ApiStore;
pub use crate::postgres::tls::PgConnect;
pub use crate::postgres::PgStore;
pub use crate::sqlite::SqliteStore;
pub use crate::taken::TaakStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("TLS to PostgreSQL: {0}")]
    Tls(String),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("migrations: {0}")]
    Migration(#[from] refinery::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Whether the database could not be reached or went away (a restart, a network fault): a
    /// request may be tried again later, and nothing of it was written.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Pool(_) => true,
            StoreError::Postgres(e) => {
                e.is_closed()
                    || std::error::Error::source(e)
                        .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some())
                    || e.code().is_some_and(|c| {
                        let c = c.code();
                        // Connection exceptions, and a server that shuts down or starts.
                        c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03")
                    })
            }
            _ => false,
        }
    }

    /// Whether PostgreSQL refused a row because the unique `constraint` holds its key already.
    pub(crate) fn is_unique_violation(&self, constraint: &str) -> bool {
        match self {
            StoreError::Postgres(e) => e.as_db_error().is_some_and(|d| {
                *d.code() == ::postgres::error::SqlState::UNIQUE_VIOLATION
                    && d.constraint() == Some(constraint)
            }),
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A problem with one row of an import that only the stored data can reveal (an unknown
/// person, a duplicate, an overlap). `line` is the file's line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowIssue {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

/// Whether migration V54 (the periods without an enrolment) was among those just applied:
/// it marks everyone, and the store that applied it brings them up to date on opening. Later
/// marks are brought up to date by the enrolment imports and the bulk load; a person import
/// leaves its new people marked for the enrolments that follow it, and the reads check the
/// marked people one by one meanwhile.
pub(crate) fn onderwijsloos_nieuw(applied: &[refinery::Migration]) -> bool {
    applied.iter().any(|m| m.version() == 54)
}

/// The reason of a row that repeats an earlier row of the same file.
pub(crate) fn twice(what: impl std::fmt::Display, first: impl std::fmt::Display) -> String {
    format!("{what} appears twice in the file (first on line {first})")
}

impl RowIssue {
    pub fn new(line: u64, column: &str, reason: impl Into<String>) -> Self {
        RowIssue {
            line,
            column: column.to_string(),
            reason: reason.into(),
        }
    }
}

/// What an import did, or would do, to the stored data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub nieuw: u64,
    pub gewijzigd: u64,
    pub ongewijzigd: u64,
}

/// The outcome of an import call: counts, the issues the store found, and whether it committed.
#[derive(Clone, Debug, Default)]
pub struct ImportOutcome {
    pub counts: ImportCounts,
    pub issues: Vec<RowIssue>,
    pub committed: bool,
}

/// Rows of an import, each with its line number in the file. Rows that failed to parse never
/// reach the store; the caller keeps their errors.
pub type Rows<'a, T> = &'a mut dyn Iterator<Item = (u64, T)>;

/// Asked once all rows are staged and checked, with the store's own issues: true commits,
/// false rolls everything back (an invalid row elsewhere, or a dry run).
pub type Decide<'a> = &'a mut dyn FnMut(&[RowIssue]) -> bool;

/// A change of a young person's verzorgers ([`Store::verzorgers_wijzigen`]): the stored ones
/// in, the new list (or why not) out.
pub type VerzorgerWijziger<'a> =
    &'a mut dyn FnMut(
        Vec<leerrecht_domain::verzorger::Verzorger>,
    )
        -> std::result::Result<Vec<leerrecht_domain::verzorger::Verzorger>, String>;

/// One person as listed by [`Store::for_each_jongere`], with the enrolment covering the date.
#[derive(Clone, Debug)]
pub struct JongereRij {
    pub jongere: Jongere,
    pub inschrijving: Option<(SchoolCode, Sector)>,
    /// The end of the first enrolment that ended with a startkwalificatie before the date
    /// asked about, if any (it ends kwalificatieplicht).
    pub startkwalificatie: Option<NaiveDate>,
}

/// Counts of one gemeente for `overzicht` (see the app layer for their meaning).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GemeenteTelling {
    pub gemeente: String,
    pub jongeren: u64,
    pub leerplichtig: u64,
    pub leerplichtig_ingeschreven: u64,
    pub kwalificatieplichtig: u64,
    pub kwalificatieplichtig_ingeschreven: u64,
}

/// One row of absence as imported: a pupil at a school, one day, one kind.
#[derive(Clone, Debug)]
pub struct VerzuimRij {
    pub leerling: LeerlingId,
    pub school: SchoolCode,
    pub verzuim: Verzuim,
}

/// One formal absence report (melding) as imported.
#[derive(Clone, Debug)]
pub struct MeldingRij {
    pub leerling: LeerlingId,
    pub school: SchoolCode,
    pub begindatum: NaiveDate,
    /// One of `luxe`, `beginnend`, `signaal`, `16uur`, `langdurig` (checked at the edge).
    pub verzuimsoort: &'static str,
    pub uren: Option<u32>,
    pub dagen: Option<u32>,
    pub gegevens: MeldingGegevens,
}

/// The rest of a melding (docs/domain.md §7); every part may be unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeldingGegevens {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub einddatum: Option<NaiveDate>,
    /// Whether all lessons were missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hele_lessen: Option<bool>,
    /// The suspected reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reden: Option<String>,
    /// What the school already did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ondernomen: Option<String>,
    /// Whether the school wants the municipality to act.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actie_gewenst: Option<bool>,
    /// The reporter's contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

impl MeldingGegevens {
    /// The stored form: JSON with only what is known.
    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("melding details serialise")
    }
    pub fn from_json(s: &str) -> Result<Self> {
        serde_json::from_str(s)
            .map_err(|e| StoreError::Invalid(format!("stored melding details: {e}")))
    }
}

/// A signal as the store keeps it: the rule's code, its date and its explanation as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpgeslagenSignaal {
    pub regel: &'static str,
    pub datum: NaiveDate,
    pub uitleg: String,
}

/// A stored signal with the pupil and school it belongs to, for listing.
#[derive(Clone, Debug)]
pub struct SignaalRij {
    pub leerling: LeerlingId,
    pub school: SchoolCode,
    pub regel: String,
    pub datum: NaiveDate,
    pub uitleg: String,
}

/// What a signal run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignaalRun {
    /// Pupil-school pairs evaluated.
    pub leerlingen: u64,
    /// Absence rows read (one per pupil, school, day and kind).
    pub rijen: u64,
    /// The signals of those pairs.
    pub signalen: u64,
    /// Pairs whose signals changed and were written again.
    pub gewijzigd: u64,
    /// Draft meldingen made of new `16uur`, `luxe`, `te_laat` and `lrv` signals.
    pub concepten: u64,
    /// Draft meldingen withdrawn because their signal is gone (a corrected absence file, a
    /// new study day in the calendar): status `ingetrokken`, reason `signaal_vervallen`.
    pub ingetrokken: u64,
}

/// A person of leerplicht or kwalificatieplicht age without an enrolment on a date, living in
/// a gemeente a leerplicht organisation serves: a candidate for absoluut verzuim.
#[derive(Clone, Debug)]
pub struct AvKandidaat {
    pub leerling: LeerlingId,
    pub geboortedatum: NaiveDate,
    pub gemeente: GemeenteCode,
    /// The last day of the first enrolment that ended with a startkwalificatie, if any.
    pub startkwalificatie: Option<NaiveDate>,
    /// An exemption recorded in one of the person's cases covers the reference date.
    pub vrijgesteld: bool,
}

/// The rules as a signal run applies them, one per thread of the run.
pub trait Beoordelaar: Send {
    /// Evaluates the absence of one pupil at one school (totals per date and kind, in date
    /// order). Returns a fingerprint of the signals they make — equal signals with equal
    /// explanations give equal fingerprints, so a store need only rewrite the signals of a
    /// pair whose fingerprint changed — and how many there are.
    fn beoordeel(&mut self, school: &str, rows: &[Dagtotaal]) -> (u64, u64);
    /// The signals of the last evaluation, as stored.
    fn signalen(&self) -> Vec<OpgeslagenSignaal>;
}

/// Makes a [`Beoordelaar`] for each thread of a signal run.
pub type Beoordelaars<'a> = &'a (dyn Fn() -> Box<dyn Beoordelaar + 'a> + Sync);

/// A LIKE pattern for names containing `naam` (trimmed), with LIKE's own wildcards and the
/// escape character escaped (`ESCAPE '\\'`).
pub(crate) fn like_bevat(naam: &str) -> String {
    format!(
        "%{}%",
        naam.trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Whether a signal of this rule is a draft melding for the school to confirm (docs/domain.md
/// §7; the domain's [`Regel::conceptmelding`](leerrecht_domain::rules::Regel::conceptmelding)).
pub fn wordt_concept(regel: &str) -> bool {
    leerrecht_domain::rules::Regel::ALL
        .iter()
        .any(|r| r.code() == regel && r.conceptmelding().is_some())
}

/// Trusted, already valid rows written in one transaction, as fast as the database allows.
/// Used by the demo generator; nothing is visible until `commit`, and dropping without
/// committing rolls back.
pub trait BulkWriter {
    fn organisatie(&mut self, o: &Organisatie) -> Result<()>;
    fn vakantie(&mut self, v: &Vakantie) -> Result<()>;
    fn jongere(&mut self, j: &Jongere) -> Result<()>;
    /// An enrolment of the person written last, or of any earlier one.
    fn inschrijving(&mut self, i: &Inschrijving) -> Result<()>;
    /// Absence of one pupil at one school, in date order, one row per pupil, school, day and kind.
    fn verzuim(
        &mut self,
        leerling: LeerlingId,
        school: &SchoolCode,
        rows: &[Verzuim],
    ) -> Result<()>;
    fn commit(self: Box<Self>) -> Result<()>;
}

/// Everything leerrecht stores. Every method is one transaction: it happens whole or not at all.
pub trait Store: AccessStore + ApiStore + TaakStore + Send + Sync {
    fn backend(&self) -> Backend;

    /// The session with this token hash, its user and what the user's organisation serves:
    /// what every request of a logged-in person checks. One read where the store can join.
    fn sessie_feiten(&self, token_hash: &str) -> Result<Option<access::SessieFeiten>> {
        let Some(sessie) = self.sessie(token_hash)? else {
            return Ok(None);
        };
        let gebruiker = self.gebruiker_by_id(sessie.gebruiker_id)?;
        let bedient = match &gebruiker {
            Some(g) => self.bedient_van(&g.organisatie)?,
            None => None,
        };
        Ok(Some(access::SessieFeiten {
            sessie,
            gebruiker,
            bedient,
        }))
    }

    /// [`AccessStore::persoon_context`] of the person with this internal id (an opaque id's
    /// person): one read where the store can join.
    fn persoon_context_van_id(
        &self,
        id: i64,
        on: NaiveDate,
    ) -> Result<Option<access::PersoonContext>> {
        match self.leerling_van(id)? {
            Some(l) => self.persoon_context(l, on),
            None => Ok(None),
        }
    }

    /// [`AccessStore::persoon_context`] of many persons on one date, keyed by the identifiers
    /// asked for; an unknown person is left out. One read where the store can batch (a
    /// worklist judges thousands of persons, each a round trip to a database server).
    fn persoon_contexten(
        &self,
        leerlingen: &[LeerlingId],
        on: NaiveDate,
    ) -> Result<std::collections::HashMap<LeerlingId, access::PersoonContext>> {
        let mut uit = std::collections::HashMap::with_capacity(leerlingen.len());
        for l in leerlingen {
            if let Some(ctx) = self.persoon_context(*l, on)? {
                uit.insert(*l, ctx);
            }
        }
        Ok(uit)
    }

    /// True when the register holds no organisations and no people.
    fn is_empty(&self) -> Result<bool>;

    fn organisaties(&self) -> Result<Vec<Organisatie>>;
    fn vakanties(&self) -> Result<Vec<Vakantie>>;

    fn import_organisaties(
        &self,
        rows: Rows<'_, Organisatie>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;
    fn import_vakanties(
        &self,
        rows: Rows<'_, Vakantie>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;
    fn import_jongeren(&self, rows: Rows<'_, Jongere>, decide: Decide<'_>)
        -> Result<ImportOutcome>;
    fn import_inschrijvingen(
        &self,
        rows: Rows<'_, Inschrijving>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;

    /// Absence rows; a person must be enrolled at that school on that date. Rows of one file
    /// with the same pupil, school, day and kind are added up; a file replaces what was stored
    /// for each such key. The pupils whose absence changed are marked for the next signal run.
    fn import_verzuim(
        &self,
        rows: Rows<'_, VerzuimRij>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;
    /// Imports meldingen; when it commits, the setting `markering` (if any) is set in the same
    /// transaction, so that it stands for exactly the meldingen of a committed import.
    fn import_meldingen(
        &self,
        rows: Rows<'_, MeldingRij>,
        decide: Decide<'_>,
        markering: Option<&str>,
    ) -> Result<ImportOutcome>;

    /// Thuiszitter registration periods. A row with the person and start of a stored period
    /// replaces it; in the result no two periods of one person may overlap (the later line
    /// of two in the file is the one reported).
    fn import_registraties(
        &self,
        rows: Rows<'_, Registratie>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;
    /// Gives each young person the rows name exactly the verzorgers of their rows, in their
    /// order (a verzorger left out is removed); all or nothing.
    fn import_verzorgers(
        &self,
        rows: Rows<'_, leerrecht_domain::verzorger::Verzorger>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;
    /// Changes a young person's verzorgers in one transaction: `wijzig` gets the stored ones
    /// and gives the new list, or why not (then nothing changes).
    fn verzorgers_wijzigen(
        &self,
        leerling: LeerlingId,
        wijzig: VerzorgerWijziger<'_>,
    ) -> Result<std::result::Result<(), String>>;
    /// A young person's parents and guardians, in their order.
    fn verzorgers_van(
        &self,
        leerling: LeerlingId,
    ) -> Result<Vec<leerrecht_domain::verzorger::Verzorger>>;
    /// The people registered in a thuiszitter category (`thuiszittend`, `absoluut_verzuim`)
    /// on `on`.
    fn thuiszitters_op(&self, on: NaiveDate) -> Result<Vec<LeerlingId>>;
    /// The people registered in any category of the thuiszitters list on `on`.
    fn geregistreerden_op(&self, on: NaiveDate) -> Result<Vec<LeerlingId>>;
    /// What may need someone's attention, one row at a time: the meldingen with `status` (of
    /// one school, if given) in the order of their start, then the `signaal`, MAZL and `lrv`
    /// signals dated from `sinds` to `on` in date order, each with the person's name and
    /// gemeente (the caller keeps what belongs to whom).
    fn for_each_werk(
        &self,
        on: NaiveDate,
        sinds: NaiveDate,
        status: &str,
        school: Option<&str>,
        f: &mut dyn FnMut(WerkRij) -> Result<()>,
    ) -> Result<()>;
    /// [`Store::for_each_werk`] collected whole.
    fn werkvoorraad(
        &self,
        on: NaiveDate,
        sinds: NaiveDate,
        status: &str,
        school: Option<&str>,
    ) -> Result<Werkvoorraad> {
        let mut out = Werkvoorraad::default();
        self.for_each_werk(on, sinds, status, school, &mut |rij| {
            match rij {
                WerkRij::Melding(m, p) => out.meldingen.push((*m, p)),
                WerkRij::Signaal {
                    persoon,
                    school,
                    regel,
                    datum,
                } => out.signalen.push((persoon, school, regel, datum)),
            }
            Ok(())
        })?;
        Ok(out)
    }
    /// Every registration period covering `on`: its category, main cause and the person's
    /// gemeente (for counts; no person is named).
    fn registraties_op(&self, on: NaiveDate) -> Result<Vec<(Categorie, Oorzaak, String)>>;
    /// What the figures about thuiszitters count (docs/domain.md §9): every registration period, and
    /// of the persons with a period or a case their enrolments, offers and exemptions; as it
    /// was known at `bekend_op` (the database's moments of recording), or now. The anonymous
    /// figure rows that retention kept of destroyed files are included, each under a negative
    /// number and without a `leerling`.
    /// Only what `nodig` asks for is read besides the periods; the rest stays empty.
    fn cijferbasis(
        &self,
        bekend_op: Option<DateTime<Utc>>,
        nodig: BasisNodig,
    ) -> Result<leerrecht_domain::cijfers::Basis>;
    /// Calls `f` with each melding that counts in the figures (not drafts, not withdrawn),
    /// starting from `van` to `tot`, as known at `bekend_op` or now, the anonymous ones that
    /// retention kept included.
    fn cijfer_meldingen(
        &self,
        van: NaiveDate,
        tot: NaiveDate,
        bekend_op: Option<DateTime<Utc>>,
        f: &mut dyn FnMut(leerrecht_domain::cijfers::Melding<'_>),
    ) -> Result<()>;
    /// Only the anonymous meldingen that retention kept of destroyed ones (docs/domain.md §9.8), as
    /// [`Store::cijfer_meldingen`] gives them beside the others: each person under a negative
    /// number of their own, one per school year.
    fn cijfer_meldingen_anoniem(
        &self,
        van: NaiveDate,
        tot: NaiveDate,
        bekend_op: Option<DateTime<Utc>>,
        f: &mut dyn FnMut(leerrecht_domain::cijfers::Melding<'_>),
    ) -> Result<()>;
    /// Per gemeente and age class (18 or older on the start date), how many persons have a
    /// melding that counts (not a draft, not withdrawn) starting in `jaar`, each in the
    /// gemeente of their latest one: (18 or older, gemeente, persons). Kept up to date by the
    /// database itself (migration `V12__verzuimers_per_jaar`).
    fn verzuimers_telling(&self, jaar: SchoolYear) -> Result<Vec<(bool, String, u64)>>;
    /// The registration periods of one person, by start; None for an unknown person.
    fn registraties(&self, leerling: LeerlingId) -> Result<Option<Vec<Registratie>>>;
    /// Opens a case of `soort` for a person at a leerplicht organisation, recording the
    /// opening event. `Ok(Err(reason))` for an unknown person or when such a case is open.
    #[allow(clippy::too_many_arguments)]
    fn zaak_openen(
        &self,
        leerling: LeerlingId,
        soort: ZaakSoort,
        organisatie: &str,
        datum: NaiveDate,
        tijd: DateTime<Utc>,
        wie: &str,
        wie_organisatie: Option<&str>,
    ) -> Result<std::result::Result<i64, String>>;
    fn zaak(&self, id: i64) -> Result<Option<ZaakRij>>;
    /// A person's cases, oldest first.
    fn zaken_van(&self, leerling: LeerlingId) -> Result<Vec<ZaakRij>>;
    /// Every open case of one kind (the worklist's exemptions up for renewal), by number.
    fn open_zaken(&self, soort: ZaakSoort) -> Result<Vec<ZaakRij>>;
    /// Every open case with the gemeente its young person lives in now (the handover after a
    /// move), by number: one read.
    fn open_zaken_met_gemeente(&self) -> Result<Vec<(ZaakRij, String)>>;
    /// Every case of one kind, open or closed (the RMC's figures), by number.
    fn zaken_soort(&self, soort: ZaakSoort) -> Result<Vec<ZaakRij>>;
    /// The persons born from `geboren_van` up to and including `geboren_tot` who have an
    /// enrolment on record, each with all their enrolments (the RMC's list and figures), by
    /// the store's number.
    fn rmc_kandidaten(
        &self,
        geboren_van: NaiveDate,
        geboren_tot: NaiveDate,
    ) -> Result<Vec<RmcKandidaat>>;
    /// A case's events in the order they were recorded.
    fn zaak_events(&self, id: i64) -> Result<Vec<ZaakEvent>>;
    /// The registration periods and the cases with their events of each of `leerlingen`:
    /// what a thuiszitter's clock and ladder are worked out from, for a worklist's or the
    /// escalations' many at once. An unknown person is left out. One person at a time
    /// unless a store reads them together.
    fn zaakdossiers(
        &self,
        leerlingen: &[LeerlingId],
    ) -> Result<std::collections::HashMap<LeerlingId, Zaakdossier>> {
        let mut uit = std::collections::HashMap::with_capacity(leerlingen.len());
        for l in leerlingen {
            let Some(registraties) = self.registraties(*l)? else {
                continue;
            };
            let mut zaken = Vec::new();
            for z in self.zaken_van(*l)? {
                let events = self.zaak_events(z.id)?;
                zaken.push((z, events));
            }
            uit.insert(
                *l,
                Zaakdossier {
                    registraties,
                    zaken,
                },
            );
        }
        Ok(uit)
    }
    /// The open absence cases held by `organisatie` with a HALT referral or an official
    /// report among their events (the worklist's reminders of a pending outcome), by number.
    fn zaken_met_handhaving(&self, organisatie: &str) -> Result<Vec<ZaakRij>>;
    /// The open cases held by `organisatie` that another bureau handed over to it, by number.
    fn zaken_overgedragen(&self, organisatie: &str) -> Result<Vec<ZaakRij>>;
    /// The open cases `organisatie` handed over to another bureau, by number.
    fn zaken_overgedragen_door(&self, organisatie: &str) -> Result<Vec<ZaakRij>>;
    /// Adds a note to its case (`n.zaak`; `n.id` is not read); the new note's id.
    fn zaaknotitie_toevoegen(&self, n: &Zaaknotitie) -> Result<i64>;
    /// A case's notes in the order they were written.
    fn zaaknotities(&self, zaak: i64) -> Result<Vec<Zaaknotitie>>;
    /// Keeps a letter on its case (`b.zaak`; `b.id` is not read); the new letter's id.
    fn brief_toevoegen(&self, b: &Brief, pdf: &[u8]) -> Result<i64>;
    /// A case's letters, oldest first, without their PDF.
    fn brieven(&self, zaak: i64) -> Result<Vec<Brief>>;
    /// One letter with its PDF.
    fn brief(&self, id: i64) -> Result<Option<(Brief, Vec<u8>)>>;
    /// Adds an event as number `volgnummer` (one more than the last the caller saw);
    /// `Ok(Err(reason))` when someone else added one meanwhile.
    #[allow(clippy::too_many_arguments)]
    fn zaak_event_toevoegen(
        &self,
        id: i64,
        volgnummer: u32,
        tijd: DateTime<Utc>,
        wie: &str,
        wie_organisatie: Option<&str>,
        gebeurtenis: &Gebeurtenis,
    ) -> Result<std::result::Result<(), String>>;

    fn melding(&self, id: i64) -> Result<Option<MeldingStaat>>;
    /// Meldingen that are registered or being handled but belong to no case yet (imported
    /// ones), oldest first.
    fn meldingen_zonder_zaak(&self) -> Result<Vec<MeldingStaat>>;
    /// A person's meldingen, oldest first.
    fn meldingen_van(&self, leerling: LeerlingId) -> Result<Vec<MeldingStaat>>;
    /// Moves a melding from status `van` to `naar` (false when its status is no longer `van`),
    /// with the closing or withdrawal reason, the school's words and the case it joined when
    /// given.
    fn melding_zetten(&self, id: i64, zetting: MeldingZetting<'_>) -> Result<bool>;
    /// The draft meldingen made from signals that began from `van` to `tot`, whatever became
    /// of them, with those of destroyed meldingen that retention kept: what the figures of the
    /// melding deadline count.
    fn concepten(&self, van: NaiveDate, tot: NaiveDate) -> Result<Vec<Concept>>;
    /// Sets the moment each melding was settled — confirmed (`vastgelegd`) or withdrawn
    /// (`ingetrokken_op`), whichever it was — to the one given, for a settlement recorded after
    /// the fact (the demo's past: schools that settled their drafts within days). A melding
    /// not settled is left as it is; returns how many were set.
    fn meldingen_afgehandeld_op(&self, momenten: &[(i64, DateTime<Utc>)]) -> Result<usize>;

    /// A change of category from `per` on: the period open on `per` ends the day before (or
    /// is replaced when it starts on `per`) and `nieuw` opens from `per`; with None the open
    /// period only ends. `Ok(Err(reason))` when a later period exists.
    fn registratie_wijzigen(
        &self,
        leerling: LeerlingId,
        nieuw: Option<(Categorie, Oorzaak)>,
        per: NaiveDate,
    ) -> Result<std::result::Result<(), String>>;

    fn bulk_writer(&self) -> Result<Box<dyn BulkWriter + '_>>;

    /// The stored versions of the rules: (applies from, rules as JSON), oldest first.
    fn regelversies(&self) -> Result<Vec<(NaiveDate, String)>>;
    /// Adds a version of the rules; every pupil's signals will be recomputed.
    fn add_regelversie(&self, van: NaiveDate, regels: &str) -> Result<()>;

    /// Brings the stored signals up to date — of every pupil-school pair with `all`, else of
    /// those whose absence (or the rules) changed since the last run — and makes the draft
    /// meldingen of their new signals ([`wordt_concept`]), in one transaction.
    fn bring_signals_up_to_date(&self, all: bool, maak: Beoordelaars<'_>) -> Result<SignaalRun>;
    /// Streams the stored signals with a date up to `until` (of rule `regel` only, when
    /// given), by date. The rule is chosen in the database, so a listing of one rule sorts
    /// and reads only that rule's signals. Each signal's explanation is read only `met_uitleg`
    /// (else it is empty): it is most of a row's bytes, and the database sorts what it reads.
    fn signalen(
        &self,
        until: NaiveDate,
        regel: Option<&str>,
        met_uitleg: bool,
        f: &mut dyn FnMut(SignaalRij) -> Result<()>,
    ) -> Result<()>;
    /// Streams the candidates for absoluut verzuim on `on` (see [`AvKandidaat`]).
    fn av_kandidaten(
        &self,
        on: NaiveDate,
        ranges: BirthRanges,
        f: &mut dyn FnMut(AvKandidaat) -> Result<()>,
    ) -> Result<()>;

    /// Streams people (optionally of one gemeente) by gemeente, name and birth date, each with
    /// the enrolment that covers `on` (the most recent one when several do).
    fn for_each_jongere(
        &self,
        on: NaiveDate,
        gemeente: Option<&GemeenteCode>,
        f: &mut dyn FnMut(JongereRij) -> Result<()>,
    ) -> Result<()>;

    /// Finds one person by BSN or onderwijsnummer.
    fn jongere(&self, id: LeerlingId) -> Result<Option<Jongere>>;

    /// Per gemeente of residence: people, and how many are of each duty and enrolled on `on`;
    /// the domain's birth-date ranges let the database count duties by a plain range.
    fn overzicht(&self, on: NaiveDate, ranges: BirthRanges) -> Result<Vec<GemeenteTelling>>;
}

/// A melding with where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeldingStaat {
    pub id: i64,
    pub leerling: LeerlingId,
    pub school: SchoolCode,
    pub begindatum: NaiveDate,
    pub verzuimsoort: String,
    pub uren: Option<u32>,
    pub dagen: Option<u32>,
    pub status: String,
    pub gegevens: MeldingGegevens,
    /// The rule of the signal a draft was made from.
    pub signaal: Option<String>,
    pub afsluitreden: Option<String>,
    pub zaak_id: Option<i64>,
    /// What the school wrote when it withdrew the melding.
    pub toelichting: Option<String>,
    /// The day a draft was confirmed (None while a draft, or for a melding filed as such).
    pub bevestigd: Option<NaiveDate>,
    /// The day the melding was withdrawn.
    pub ingetrokken: Option<NaiveDate>,
}

/// A draft melding as the figures of the draft term see it (no person).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concept {
    pub school: String,
    /// The signal's day.
    pub begindatum: NaiveDate,
    pub bevestigd: Option<NaiveDate>,
    pub ingetrokken: Option<NaiveDate>,
    /// Withdrawn by the system because its signal fell away.
    pub vervallen: bool,
}

/// A melding's move from one status to another (see [`Store::melding_zetten`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct MeldingZetting<'a> {
    pub van: &'a str,
    pub naar: &'a str,
    pub afsluitreden: Option<&'a str>,
    pub toelichting: Option<&'a str>,
    pub zaak_id: Option<i64>,
}

/// Gives each person of the figures their moves, read per person in the order recorded with
/// whether each was known at the moment asked (see [`Persoon::met_verhuizingen`]).
pub(crate) fn verhuisd(
    personen: &mut std::collections::HashMap<i64, leerrecht_domain::cijfers::Persoon>,
    rijen: impl IntoIterator<Item = (i64, (leerrecht_domain::cijfers::Verhuizing, bool))>,
) {
    let mut per: std::collections::HashMap<i64, Vec<_>> = std::collections::HashMap::new();
    for (id, v) in rijen {
        per.entry(id).or_default().push(v);
    }
    for (id, vs) in per {
        if let Some(p) = personen.remove(&id) {
            personen.insert(id, p.met_verhuizingen(vs));
        }
    }
}

/// The SQL of the domain's rule of which signals become draft meldingen
/// ([`Regel::conceptmelding`](leerrecht_domain::rules::Regel::conceptmelding)), for a
/// statement over the signal rule in `kolom`: `soort` is the melding kind of a rule whose
/// signals do (NULL for the others), and `wordt_concept` the condition that it does.
pub(crate) struct ConceptSql {
    pub soort: String,
    pub wordt_concept: String,
}

pub(crate) fn concept_sql(kolom: &str) -> ConceptSql {
    let regels: Vec<(&str, &str)> = leerrecht_domain::rules::Regel::ALL
        .iter()
        .filter_map(|r| Some((r.code(), r.conceptmelding()?)))
        .collect();
    let soort = regels
        .iter()
        .map(|(r, m)| format!(" WHEN '{r}' THEN '{m}'"))
        .collect::<String>();
    ConceptSql {
        soort: format!("CASE {kolom}{soort} END"),
        wordt_concept: regels_sql(kolom, |r| r.conceptmelding().is_some()),
    }
}

/// The SQL condition that the signal rule in `kolom` is one of the domain's rules for which
/// `welke` holds, so that a statement states a rule of the field as the domain does:
/// `kolom IN ('…', …)`.
pub(crate) fn regels_sql(kolom: &str, welke: fn(leerrecht_domain::rules::Regel) -> bool) -> String {
    let lijst = leerrecht_domain::rules::Regel::ALL
        .iter()
        .filter(|r| welke(**r))
        .map(|r| format!("'{}'", r.code()))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{kolom} IN ({lijst})")
}

/// What a figure needs of the [`Basis`](leerrecht_domain::cijfers::Basis) besides the
/// registration periods: at national scale each part is a read of hundreds of thousands of
/// rows, so a figure asks only for what it counts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BasisNodig {
    /// Each person's gemeente, date of birth and identifier.
    pub personen: bool,
    pub inschrijvingen: WelkeInschrijvingen,
    /// Offers and exemptions from the cases.
    pub zaken: bool,
}

/// Whose enrolments a figure needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WelkeInschrijvingen {
    #[default]
    Geen,
    /// Of persons with a `thuiszittend` or `absoluut_verzuim` period: for the VO-MBO gap
    /// and the SWV of a thuiszitter's school.
    Thuiszitters,
    /// Of everyone in the basis: for the school and SWV filters.
    Alle,
}

/// A person as the worklist sees them: identifier, name, gemeente.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WerkPersoon {
    pub leerling: LeerlingId,
    pub naam: String,
    pub gemeente: String,
}

/// One row of the worklists' raw material (see [`Store::for_each_werk`]).
#[derive(Clone, Debug)]
pub enum WerkRij {
    /// A melding asked for, and its person.
    Melding(Box<MeldingStaat>, WerkPersoon),
    /// A recent `signaal`, `mazl_7dagen`, `mazl_4x12` or `lrv` signal.
    Signaal {
        persoon: WerkPersoon,
        school: String,
        regel: String,
        datum: NaiveDate,
    },
}

/// The raw material of the worklists, whole (see [`Store::werkvoorraad`]).
#[derive(Clone, Debug, Default)]
pub struct Werkvoorraad {
    /// The meldingen asked for, and their person.
    pub meldingen: Vec<(MeldingStaat, WerkPersoon)>,
    /// Recent `signaal`, `mazl_7dagen`, `mazl_4x12` and `lrv` signals: person, school, rule,
    /// date.
    pub signalen: Vec<(WerkPersoon, String, String, NaiveDate)>,
}

/// A person the RMC may follow: who, born when, living where, and every enrolment on record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RmcKandidaat {
    pub leerling: LeerlingId,
    pub geboortedatum: NaiveDate,
    pub gemeente: String,
    pub opleidingen: Vec<leerrecht_domain::rmc::Opleiding>,
    /// The school of each enrolment, in the order of `opleidingen`.
    pub scholen: Vec<String>,
}

/// One row of the RMC candidates' read: the store's number of the person, the person, and
/// one enrolment. Rows of one person come together.
pub(crate) type RmcRij = (
    i64,
    LeerlingId,
    NaiveDate,
    String,
    leerrecht_domain::rmc::Opleiding,
    String,
);

/// The rows of [`Store::rmc_kandidaten`], one person per run of rows.
pub(crate) fn rmc_groepeer(
    rijen: impl IntoIterator<Item = Result<RmcRij>>,
) -> Result<Vec<RmcKandidaat>> {
    let mut out: Vec<RmcKandidaat> = Vec::new();
    let mut vorige = None;
    for r in rijen {
        let (id, leerling, geboortedatum, gemeente, o, school) = r?;
        match out.last_mut() {
            Some(k) if vorige == Some(id) => {
                k.opleidingen.push(o);
                k.scholen.push(school);
            }
            _ => out.push(RmcKandidaat {
                leerling,
                geboortedatum,
                gemeente,
                opleidingen: vec![o],
                scholen: vec![school],
            }),
        }
        vorige = Some(id);
    }
    Ok(out)
}

/// A case as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZaakRij {
    pub id: i64,
    pub leerling: LeerlingId,
    pub soort: ZaakSoort,
    pub organisatie: String,
    pub geopend: NaiveDate,
    pub gesloten: Option<NaiveDate>,
}

/// A person's registration periods (by start) and cases (oldest first) with their events
/// (in the order recorded): [`Store::zaakdossiers`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Zaakdossier {
    pub registraties: Vec<Registratie>,
    pub zaken: Vec<(ZaakRij, Vec<ZaakEvent>)>,
}

/// One recorded event of a case: what happened, and who recorded it when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZaakEvent {
    pub volgnummer: u32,
    pub tijd: DateTime<Utc>,
    pub wie: String,
    pub organisatie: Option<String>,
    pub gebeurtenis: Gebeurtenis,
}

/// A letter kept on a case (docs/domain.md §13), without its PDF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brief {
    pub id: i64,
    pub zaak: i64,
    /// The template's name ([`leerrecht_domain::brief::Sjabloon::code`]).
    pub sjabloon: String,
    /// To whom, in words: the names at each address, or the school.
    pub aan: String,
    /// How many letters (addresses) the PDF holds.
    pub adressen: u32,
    /// Who made it, as the audit log names them, and their organisation.
    pub wie: String,
    pub organisatie: Option<String>,
    pub tijd: DateTime<Utc>,
}

/// A report of a talk or a note on a case (docs/domain.md §13), with who may read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zaaknotitie {
    pub id: i64,
    pub zaak: i64,
    pub niveau: leerrecht_domain::zaak::Vertrouwelijkheid,
    pub soort: leerrecht_domain::zaak::NotitieSoort,
    /// The day of the talk (or of the note).
    pub datum: NaiveDate,
    pub tekst: String,
    /// Who wrote it, as the audit log names them, and their organisation.
    pub wie: String,
    pub organisatie: Option<String>,
    /// When it was written.
    pub tijd: DateTime<Utc>,
}

/// The reason given for a row that names a person the register does not know.
pub const UNKNOWN_PERSON: &str = "unknown young person: import them with 'import jongeren' first";

/// Ends an import: asks the caller with the store's issues, and commits only when the caller
/// agrees and the store found nothing wrong. Returns the outcome and whether to commit.
pub(crate) fn decided(
    counts: ImportCounts,
    issues: Vec<RowIssue>,
    decide: Decide<'_>,
) -> Result<(ImportOutcome, bool)> {
    let commit = decide(&issues) && issues.is_empty();
    Ok((
        ImportOutcome {
            counts,
            issues,
            committed: commit,
        },
        commit,
    ))
}

/// Opens the database a URL names and brings its schema up to date.
/// `sqlite://PATH` (relative or absolute; created when missing), `sqlite::memory:`,
/// `postgres://…` or `postgresql://…`.
pub fn open(url: &str) -> Result<Box<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Box::new(SqliteStore::open(path)?))
    } else if url == "sqlite::memory:" {
        Ok(Box::new(SqliteStore::open(":memory:")?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(url)?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

/// Opens the database as [`open`] does, for a long-running server: SQLite with a small page
/// cache per connection (4 MiB rather than 128), so that the server's memory stays small,
/// and checkpoints off the path of the requests (see [`SqliteStore::open_for_server`]).
pub fn open_for_server(url: &str) -> Result<Box<dyn Store>> {
    match url.strip_prefix("sqlite://") {
        Some(path) => Ok(Box::new(SqliteStore::open_for_server(path, 4 * 1024)?)),
        None => open(url),
    }
}

/// The URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact_url("postgres://u:geheim@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
