//! What the HTTP API needs of the store beyond the use cases: persons by their internal id
//! (the API names a person by an opaque id made from it, never by BSN), pages of persons for
//! listings, one person's enrolments, absence and signals, and what must outlive a request
//! when several server processes share one database (idempotency keys, rate-limit counters).

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::person::Inschrijving;

use crate::{Result, SignaalRij};

/// Which persons a listing may consider (the gate still decides per person): living in one
/// of `gemeenten`, enrolled on `op` at one of `scholen`, or with `partner` in their case on
/// `op` (a partner removed on or before `op` is no longer one). An empty criterion does not
/// restrict; all criteria given must hold.
#[derive(Clone, Debug, Default)]
pub struct JongerenFilter {
    pub gemeenten: Vec<String>,
    pub scholen: Vec<String>,
    pub partner: Option<String>,
    pub op: Option<NaiveDate>,
}

impl JongerenFilter {
    /// The day the enrolments are looked at: `op`, or today.
    pub(crate) fn peildatum(&self) -> NaiveDate {
        self.op.unwrap_or_else(|| Utc::now().date_naive())
    }
}

/// One stored day of absence of one kind at one school.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerzuimRegel {
    pub school: String,
    pub datum: NaiveDate,
    pub soort: String,
    pub minuten: u32,
    /// Rows folded into this one (late arrivals on the day).
    pub aantal: u32,
    pub hele_dag: bool,
}

/// What the store knows of an idempotency key when a request arrives with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Unknown (or left unfinished too long ago): this request now holds it.
    Nieuw,
    /// Another request with this key is being handled right now.
    Bezig { verzoek: String },
    /// Answered before: the request's fingerprint and the stored answer.
    Klaar {
        verzoek: String,
        status: u16,
        antwoord: String,
    },
}

/// What a stored key means to a request that arrives with it: answered before, or being
/// handled by a request that started at or after the moment before which an unfinished one
/// counts as given up (`nog_bezig`); None when this request may take the key over.
pub(crate) fn bestaande_claim(
    verzoek: String,
    status: Option<u16>,
    antwoord: Option<String>,
    nog_bezig: bool,
) -> Option<Claim> {
    match (status, antwoord) {
        (Some(status), Some(antwoord)) => Some(Claim::Klaar {
            verzoek,
            status,
            antwoord,
        }),
        _ if nog_bezig => Some(Claim::Bezig { verzoek }),
        _ => None,
    }
}

pub trait ApiStore {
    /// The gemeenten an organisation serves (empty for most kinds); None when the
    /// organisation is unknown. One indexed read, for the actor of every request.
    fn bedient_van(&self, organisatie: &str) -> Result<Option<Vec<String>>>;
    /// The identifier of the person with this internal id.
    fn leerling_van(&self, id: i64) -> Result<Option<LeerlingId>>;
    /// The internal id of a person.
    fn jongere_id(&self, leerling: LeerlingId) -> Result<Option<i64>>;
    /// Up to `aantal` persons matching `filter` with an internal id above `na`, by id.
    fn jongeren_lijst(
        &self,
        filter: &JongerenFilter,
        na: i64,
        aantal: u32,
    ) -> Result<Vec<(i64, LeerlingId)>>;
    /// Up to `aantal` persons matching `filter` whose surname, first names or both together
    /// contain `naam` (ignoring case; empty: any name), born on `geboren` when given; by
    /// surname, first names, birth date (and the record's number, so that pages follow each
    /// other). Only identifiers: the caller asks the gate before it reads more.
    fn jongeren_op_naam(
        &self,
        naam: &str,
        geboren: Option<NaiveDate>,
        filter: &JongerenFilter,
        aantal: u32,
    ) -> Result<Vec<LeerlingId>>;
    /// A person's enrolments, by start.
    fn inschrijvingen_van(&self, leerling: LeerlingId) -> Result<Vec<Inschrijving>>;
    /// A person's stored absence from `van` to `tot`, by date.
    fn verzuim_van(
        &self,
        leerling: LeerlingId,
        van: NaiveDate,
        tot: NaiveDate,
    ) -> Result<Vec<VerzuimRegel>>;
    /// A person's stored signals, by date.
    fn signalen_van(&self, leerling: LeerlingId) -> Result<Vec<SignaalRij>>;

    /// Takes an idempotency key for a request with fingerprint `verzoek`, at `nu`. Keys
    /// recorded before `vergeten_voor` are forgotten first; a key still unfinished since
    /// before `opgegeven_voor` is taken over (its request died).
    fn idempotentie_claimen(
        &self,
        sleutel: &str,
        verzoek: &str,
        nu: DateTime<Utc>,
        vergeten_voor: DateTime<Utc>,
        opgegeven_voor: DateTime<Utc>,
    ) -> Result<Claim>;
    /// Stores the answer of the request that holds the key.
    fn idempotentie_vastleggen(&self, sleutel: &str, status: u16, antwoord: &str) -> Result<()>;
    /// Lets go of a key whose request failed, so that it can be sent again.
    fn idempotentie_vrijgeven(&self, sleutel: &str) -> Result<()>;

    /// Adds one to the counter `sleutel` in window `venster` and returns its new value;
    /// windows before `venster - 1` are dropped now and then.
    fn teller_ophogen(&self, sleutel: &str, venster: i64) -> Result<u64>;
}
