//! The use cases the HTTP API needs beyond the command line's. Persons are named by an opaque
//! id (the internal row id, encrypted under a key of the installation: not a BSN, not
//! guessable, not enumerable), listings show only whom the gate lets the reader see (each
//! person audited), and a person's enrolments, absence, signals and case events are read
//! through the gate. Idempotency keys and rate-limit counters are kept in the store so that
//! any server process can take any request.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hmac::{Hmac, KeyInit, Mac};
use leerrecht_domain::ids::LeerlingId;

use leerrecht_domain::person::Inschrijving;
use leerrecht_store::api::{Claim, VerzuimRegel};
use leerrecht_store::{SignaalRij, ZaakEvent, ZaakRij};
use sha2::{Digest, Sha256};

use crate::toegang::zicht::{bereik, vernauw};
use crate::toegang::PersoonKop;
use crate::toegang::{Actor, Gebruik};
use crate::{App, AppError, Result};

/// How long an answer to an Idempotency-Key is kept.
pub const IDEMPOTENTIE_BEWAARD: Duration = Duration::hours(24);
/// After this long an unfinished request's key is taken over by a retry.
pub const IDEMPOTENTIE_OPGEGEVEN: Duration = Duration::minutes(5);
/// A listing considers at most this many candidates per page for each row asked, so that a
/// page costs bounded work even for a reader who may see few of them.
const KANDIDATEN_PER_RIJ: u32 = 4;

/// A person as the API shows them: the opaque id and the header of their file.
#[derive(Clone, Debug)]
pub struct JongereKop {
    pub id: String,
    pub kop: PersoonKop,
    /// Set when the reader got in by breaking the glass.
    pub noodtoegang: bool,
}

/// One page of a listing, and where the next one starts (None at the end).
#[derive(Clone, Debug)]
pub struct Pagina<T> {
    pub items: Vec<T>,
    pub volgende: Option<String>,
}

/// A case with its events, as one reads them.
#[derive(Clone, Debug)]
pub struct ZaakMetEvents {
    pub rij: ZaakRij,
    pub events: Vec<ZaakEvent>,
}

fn f(key: &[u8], round: u8, half: u64) -> u64 {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(&[round]);
    mac.update(&half.to_be_bytes());
    let out = mac.finalize().into_bytes();
    u64::from_be_bytes(out[..8].try_into().expect("8 bytes"))
}

/// A four-round Feistel network over 128 bits with HMAC-SHA256 as its round function (a
/// pseudorandom permutation, Luby–Rackoff): the id in the left half, zero in the right.
fn encrypt(key: &[u8], id: u64) -> [u64; 2] {
    let (mut a, mut b) = (id, 0u64);
    for round in 0..4 {
        (a, b) = (b, a ^ f(key, round, b));
    }
    [a, b]
}

fn decrypt(key: &[u8], [mut a, mut b]: [u64; 2]) -> Option<u64> {
    for round in (0..4).rev() {
        (a, b) = (b ^ f(key, round, a), a);
    }
    // A made-up id decrypts to a non-zero right half but once in 2^64.
    (b == 0).then_some(a)
}

impl App {
    fn id_sleutel(&self) -> Result<Vec<u8>> {
        Ok(id_sleutel_van(self.audit_key()?))
    }

    /// The opaque id of the person with this internal id: 32 hexadecimal digits.
    pub fn publiek_id(&self, intern: i64) -> Result<String> {
        let [a, b] = encrypt(&self.id_sleutel()?, intern as u64);
        Ok(format!("{a:016x}{b:016x}"))
    }

    pub(crate) fn intern_id(&self, publiek: &str) -> Result<Option<i64>> {
        if publiek.len() != 32 || !publiek.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let a = u64::from_str_radix(&publiek[..16], 16).ok();
        let b = u64::from_str_radix(&publiek[16..], 16).ok();
        let (Some(a), Some(b)) = (a, b) else {
            return Ok(None);
        };
        // An id made with an earlier key (before a rotation) still names its person.
        Ok(self
            .alle_sleutels()?
            .into_iter()
            .find_map(|k| decrypt(&id_sleutel_van(k), [a, b]))
            .and_then(|n| i64::try_from(n).ok()))
    }

    /// The person an opaque id names. An id that names no one is refused as the gate
    /// refuses a person outside the reader's scope (audited, the same answer), so that ids
    /// cannot be tried to learn who is registered.
    pub fn leerling_van_id(&self, actor: &Actor, publiek: &str) -> Result<LeerlingId> {
        let gevonden = match self.intern_id(publiek)? {
            Some(intern) => self.store().leerling_van(intern)?,
            None => None,
        };
        match gevonden {
            Some(l) => Ok(l),
            None => {
                Err(self.onbekend_geweigerd(actor, Gebruik::PersoonBekijken, None, "persoon")?)
            }
        }
    }

    /// The opaque id of a person known by identifier, if registered.
    pub fn id_van(&self, leerling: LeerlingId) -> Result<Option<String>> {
        self.store()
            .jongere_id(leerling)?
            .map(|i| self.publiek_id(i))
            .transpose()
    }

    /// A person's header by opaque id, through the gate (audited).
    pub fn jongere(&self, actor: &Actor, publiek: &str) -> Result<JongereKop> {
        let t = match self.intern_id(publiek)? {
            Some(intern) => {
                self.toegang_van_id(actor, Gebruik::PersoonBekijken, intern, "persoon")?
            }
            None => None,
        };
        let Some(t) = t else {
            return Err(self.onbekend_geweigerd(
                actor,
                Gebruik::PersoonBekijken,
                None,
                "persoon",
            )?);
        };
        self.kop_van_toegang(t)
    }

    /// A person's header looked up by BSN or onderwijsnummer, through the gate (audited): how
    /// a system or user that knows the number finds the person's id.
    pub fn jongere_zoeken(&self, actor: &Actor, leerling: LeerlingId) -> Result<JongereKop> {
        self.jongere_kop(actor, leerling)
    }

    fn jongere_kop(&self, actor: &Actor, leerling: LeerlingId) -> Result<JongereKop> {
        let t = self.toegang(actor, Gebruik::PersoonBekijken, leerling, "persoon")?;
        self.kop_van_toegang(t)
    }

    fn kop_van_toegang(&self, t: crate::toegang::Toegang) -> Result<JongereKop> {
        let today = self.now().date_naive();
        let noodtoegang = t.noodtoegang.is_some();
        let mut kop = crate::register::lijsten::kop_van(self, t.ctx, today)?;
        kop.noodtoegang = noodtoegang;
        Ok(kop)
    }

    /// A page of the persons the reader may see, by id: for a leerplicht bureau or GGD those
    /// living in the gemeenten it serves, for a school its pupils, for an SWV the pupils of
    /// its schools, for a CJG the persons whose case it joined; optionally narrowed to one
    /// gemeente or school. Every person shown passes the gate and is audited (in one commit
    /// for the page). `na` is the `volgende` of the previous page. A page may hold fewer
    /// than `aantal` persons while `volgende` is set: the reader may see few of the
    /// candidates considered.
    pub fn jongeren_pagina(
        &self,
        actor: &Actor,
        gemeente: Option<&str>,
        school: Option<&str>,
        na: Option<&str>,
        aantal: u32,
    ) -> Result<Pagina<JongereKop>> {
        let leeg = Pagina {
            items: Vec::new(),
            volgende: None,
        };
        let Some(mut filter) = bereik(self, actor, self.now().date_naive())? else {
            return Ok(leeg);
        };
        // Asking for a gemeente or school outside what the reader may see gives nothing.
        if !vernauw(&mut filter.gemeenten, gemeente) || !vernauw(&mut filter.scholen, school) {
            return Ok(leeg);
        }
        let na = match na {
            None => 0,
            Some(c) => self
                .intern_id(c)?
                .ok_or_else(|| AppError::Invalid("na: not a cursor of this listing".into()))?,
        };
        let aantal = aantal.clamp(1, 500);
        let kandidaten = self
            .store()
            .jongeren_lijst(&filter, na, aantal * KANDIDATEN_PER_RIJ)?;
        let now = self.now();
        let today = now.date_naive();
        let mut items = Vec::new();
        let mut laatste = None;
        let mut audit = Vec::new();
        let vol = kandidaten.len() as u32 == aantal * KANDIDATEN_PER_RIJ;
        for (intern, leerling) in &kandidaten {
            if items.len() as u32 == aantal {
                break;
            }
            laatste = Some(*intern);
            let Some(ctx) = self.store().persoon_context(*leerling, today)? else {
                continue;
            };
            // A listing does not use break-the-glass grants: those are for one person.
            if !self
                .beslissing(actor, Gebruik::PersoonBekijken, &ctx, now)?
                .eigen()
            {
                continue;
            }
            let reden = None;
            audit.push((self.pseudoniem(*leerling)?, reden));
            items.push(crate::register::lijsten::kop_van(self, ctx, today)?);
        }
        self.audit_personen(actor, Gebruik::PersoonBekijken.code(), audit, "jongeren")?;
        let meer = vol || kandidaten.last().map(|(i, _)| *i) != laatste;
        let volgende = match (meer, laatste) {
            (true, Some(l)) => Some(self.publiek_id(l)?),
            _ => None,
        };
        Ok(Pagina { items, volgende })
    }

    /// A person's enrolments (part of their header).
    pub fn inschrijvingen(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<Inschrijving>> {
        let t = self.toegang(actor, Gebruik::PersoonBekijken, leerling, "inschrijvingen")?;
        self.lees_inschrijvingen(&t)
    }

    /// A person's stored absence from `van` to `tot`, the rows the reader may see
    /// ([`crate::toegang::zicht::verzuim_zichtbaar`]): a school its own; leerplicht on a
    /// ground only, within its windows and without sick days; the youth doctor sick days.
    pub fn verzuim(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        van: NaiveDate,
        tot: NaiveDate,
    ) -> Result<Vec<VerzuimRegel>> {
        if tot < van {
            return Err(AppError::Invalid(format!(
                "tot: {tot} lies before van {van}"
            )));
        }
        let t = self.toegang(
            actor,
            Gebruik::VerzuimLezen,
            leerling,
            &format!("verzuim {van} tot {tot}"),
        )?;
        self.lees_verzuim(actor, &t, van, tot)
    }

    /// A person's signals. A school sees its own; the youth doctor only MAZL referrals.
    pub fn signalen(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<SignaalRij>> {
        let gebruik = crate::toegang::zicht::signalen_gebruik(actor);
        let t = self.toegang(actor, gebruik, leerling, "signalen")?;
        self.lees_signalen(actor, &t)
    }

    /// A person's cases with all their events (offers, escalations…), oldest first: those
    /// the reader may see (a partner only the cases it was added to).
    pub fn zaken_met_events(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
    ) -> Result<Vec<ZaakMetEvents>> {
        let t = self.toegang(
            actor,
            Gebruik::ZaakLezen,
            leerling,
            "zaken met gebeurtenissen",
        )?;
        self.lees_zaken(actor, &t)?
            .into_iter()
            .map(|rij| {
                Ok(ZaakMetEvents {
                    events: self.store().zaak_events(rij.id)?,
                    rij,
                })
            })
            .collect()
    }

    /// Records a suitable offer (aanbod) in a case, numbered after the offers it has.
    pub fn aanbod_vastleggen(
        &self,
        actor: &Actor,
        zaak: i64,
        aanbod: leerrecht_domain::zaak::AanbodType,
        aanbieder: &str,
        aangeboden: NaiveDate,
        gestart: Option<NaiveDate>,
    ) -> Result<u32> {
        let aanbieder = aanbieder.trim();
        if aanbieder.is_empty() {
            return Err(AppError::Invalid("aanbieder: leeg".into()));
        }
        let nummer = {
            let rij = self.zaak_voor(actor, Gebruik::ZaakWijzigen, zaak)?;
            // The number is only a count: the gate is asked when the event is recorded.
            let _ = rij;
            self.store()
                .zaak_events(zaak)?
                .iter()
                .filter(|e| {
                    matches!(
                        e.gebeurtenis,
                        leerrecht_domain::zaak::Gebeurtenis::Aanbod { .. }
                    )
                })
                .count() as u32
                + 1
        };
        self.zaak_vastleggen(
            actor,
            zaak,
            leerrecht_domain::zaak::Gebeurtenis::Aanbod {
                nummer,
                aanbod,
                aanbieder: aanbieder.to_string(),
                aangeboden,
                gestart,
            },
        )?;
        Ok(nummer)
    }

    /// The register of organisations (no persons): for every user and system.
    pub fn organisaties(&self, actor: &Actor) -> Result<Vec<leerrecht_domain::org::Organisatie>> {
        crate::toegang::authorize(actor, crate::toegang::Action::ReadRegister)?;
        Ok(self.store().organisaties()?)
    }

    /// Who an idempotency key belongs to, so that two callers' keys never meet.
    fn idempotentie_sleutel(actor: &Actor, sleutel: &str) -> Result<String> {
        let eigenaar = match actor {
            Actor::Systeem(s) => format!("token:{}", s.token_id),
            Actor::Gebruiker(g) => format!("gebruiker:{}", g.id),
            Actor::LocalOperator { os_user } => format!("operator:{os_user}"),
        };
        if sleutel.is_empty() || sleutel.len() > 255 || sleutel.chars().any(char::is_control) {
            return Err(AppError::Invalid(
                "Idempotency-Key: 1 to 255 characters".into(),
            ));
        }
        Ok(hex(&Sha256::digest(format!("{eigenaar}\n{sleutel}"))))
    }

    /// Takes an idempotency key for a request whose fingerprint is `verzoek`; see [`Claim`].
    pub fn idempotentie_claimen(
        &self,
        actor: &Actor,
        sleutel: &str,
        verzoek: &str,
    ) -> Result<(String, Claim)> {
        let k = Self::idempotentie_sleutel(actor, sleutel)?;
        let nu = self.now();
        let claim = self.store().idempotentie_claimen(
            &k,
            verzoek,
            nu,
            nu - IDEMPOTENTIE_BEWAARD,
            nu - IDEMPOTENTIE_OPGEGEVEN,
        )?;
        Ok((k, claim))
    }

    /// Stores the answer for a claimed key (from [`App::idempotentie_claimen`]).
    pub fn idempotentie_vastleggen(&self, k: &str, status: u16, antwoord: &str) -> Result<()> {
        Ok(self.store().idempotentie_vastleggen(k, status, antwoord)?)
    }

    /// Lets go of a claimed key after a failure, so that the request can be sent again.
    pub fn idempotentie_vrijgeven(&self, k: &str) -> Result<()> {
        Ok(self.store().idempotentie_vrijgeven(k)?)
    }

    /// Counts one event of `soort` for `wie` (a client address, an account) in the current
    /// window of `venster`, and says whether it stays within `max`.
    pub fn binnen_limiet(
        &self,
        soort: &str,
        wie: &str,
        venster: Duration,
        max: u64,
    ) -> Result<bool> {
        let nu: DateTime<Utc> = self.now();
        let w = nu.timestamp().div_euclid(venster.num_seconds().max(1));
        let k = hex(&Sha256::digest(format!("{soort}\n{wie}")));
        Ok(self.store().teller_ophogen(&k, w)? <= max)
    }
}

/// The key of the opaque ids, derived from an installation key.
fn id_sleutel_van(key: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(b"leerrecht publieke id");
    mac.finalize().into_bytes().to_vec()
}

fn hex(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_round_trip_and_reject_made_up_ones() {
        let key = b"0123456789abcdef0123456789abcdef";
        for id in [1u64, 2, 3, 99_999, 1 << 40] {
            let c = encrypt(key, id);
            assert_eq!(decrypt(key, c), Some(id));
            assert_ne!(c[0], id, "the id does not show");
        }
        let c = encrypt(key, 7);
        assert_eq!(decrypt(key, [c[0], c[1] ^ 1]), None);
        assert_eq!(decrypt(b"another key", c), None);
        // Neighbouring ids give unrelated opaque ids.
        let (x, y) = (encrypt(key, 41), encrypt(key, 42));
        assert_ne!(x[0] >> 32, y[0] >> 32);
    }
}
