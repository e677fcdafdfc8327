//! The audit log (NEN 7513 style): one entry per read or change of personal data, written
//! before the data is handed out, hash-chained in the store. Entries of concurrent callers
//! are committed together (group commit): the first caller to find no write under way writes
//! everything queued so far in one transaction, the others wait for that commit. A call
//! returns only once its entry is committed, so an acknowledged entry is never lost.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

use hmac::{Hmac, KeyInit, Mac};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_store::access::{moment, AuditEntry, NieuwAuditEntry, GENESIS};
use leerrecht_store::Store;
use rand::RngCore;
use sha2::Sha256;

use crate::toegang::{actor_doel, authorize, Action, Actor, Doel};
use crate::{App, AppError, Result};

#[derive(Default)]
struct State {
    queue: Vec<NieuwAuditEntry>,
    /// The batch the queue belongs to.
    next_batch: u64,
    /// The last batch whose write finished (committed or failed).
    finished: u64,
    writing: bool,
    /// Recent failed batches and why.
    failed: VecDeque<(u64, String)>,
}

/// Group commit of audit entries.
pub(crate) struct Auditor {
    state: Mutex<State>,
    done: Condvar,
}

impl Auditor {
    pub(crate) fn new() -> Self {
        Auditor {
            state: Mutex::new(State {
                next_batch: 1,
                ..State::default()
            }),
            done: Condvar::new(),
        }
    }

    /// Appends `entry` and returns once it is committed.
    pub(crate) fn record(&self, store: &dyn Store, entry: NieuwAuditEntry) -> Result<()> {
        self.record_all(store, vec![entry])
    }

    /// Appends `entries` (committed together, in order) and returns once they are committed.
    pub(crate) fn record_all(
        &self,
        store: &dyn Store,
        entries: Vec<NieuwAuditEntry>,
    ) -> Result<()> {
        let mut st = self.state.lock().expect("audit lock");
        st.queue.extend(entries);
        let mine = st.next_batch;
        loop {
            if st.finished >= mine {
                return match st.failed.iter().find(|(b, _)| *b == mine) {
                    Some((_, e)) => Err(AppError::Audit(e.clone())),
                    None => Ok(()),
                };
            }
            if !st.writing {
                // Lead: write what is queued, and keep writing what queues up meanwhile (a
                // few rounds at most), so that no commit waits for a sleeping thread to wake
                // up and take the lead.
                st.writing = true;
                for _round in 0..8 {
                    if st.queue.is_empty() {
                        break;
                    }
                    let batch = std::mem::take(&mut st.queue);
                    let id = st.next_batch;
                    st.next_batch += 1;
                    drop(st);
                    let r = store.append_audit(&batch);
                    st = self.state.lock().expect("audit lock");
                    st.finished = id;
                    if let Err(e) = r {
                        st.failed.push_back((id, e.to_string()));
                        if st.failed.len() > 64 {
                            st.failed.pop_front();
                        }
                    }
                    self.done.notify_all();
                }
                st.writing = false;
                // Someone may have queued after the last round: let a waiter take the lead.
                self.done.notify_all();
                continue;
            }
            st = self.done.wait(st).expect("audit lock");
        }
    }
}

/// Who, which organisation, which role and from where, as the audit log names an actor.
pub(crate) fn actor_fields(actor: &Actor) -> (String, Option<String>, Option<String>, String) {
    match actor {
        Actor::LocalOperator { os_user } => {
            (format!("operator:{os_user}"), None, None, "cli".into())
        }
        Actor::Gebruiker(g) => (
            g.gebruikersnaam.clone(),
            Some(g.organisatie.clone()),
            Some(g.rol.code().to_string()),
            g.bron.clone(),
        ),
        Actor::Systeem(s) => (
            format!("token:{}", s.token_id),
            Some(s.organisatie.clone()),
            None,
            s.bron.clone(),
        ),
    }
}

/// The result of checking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditControle {
    pub entries: u64,
    /// The newest link (sequence number and hash): keep it elsewhere to detect removal of the
    /// newest entries, which a chain alone cannot show.
    pub kop: Option<(i64, String)>,
    /// The first broken link and what is wrong with it.
    pub eerste_breuk: Option<(i64, String)>,
}

/// One entry of the audit log in the shape the command line and API show.
pub type AuditRegel = AuditEntry;

impl App {
    pub(crate) fn audit_key(&self) -> Result<&[u8]> {
        if let Some(keys) = &self.sleutels {
            return Ok(&keys[0]);
        }
        if let Some(k) = self.audit_key.get() {
            return Ok(k);
        }
        let mut fresh = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        let hex = data_encoding::HEXLOWER.encode(&fresh);
        let stored = self
            .store()
            .instelling_of(crate::toegang::sleutels::IN_DATABASE, &hex)?;
        let key = data_encoding::HEXLOWER_PERMISSIVE
            .decode(stored.as_bytes())
            .map_err(|e| AppError::Audit(format!("stored audit key is invalid: {e}")))?;
        Ok(self.audit_key.get_or_init(|| key))
    }

    /// The keyed pseudonym that names a person in the audit log: stable, not reversible
    /// without the installation's key, and never the BSN itself.
    pub fn pseudoniem(&self, l: LeerlingId) -> Result<String> {
        Ok(pseudoniem_met(self.audit_key()?, l))
    }

    /// The pseudonyms a person may be logged under: one per key, the current first (a
    /// lookup in the log finds the entries made before a rotation too).
    pub(crate) fn pseudoniemen(&self, l: LeerlingId) -> Result<Vec<String>> {
        Ok(self
            .alle_sleutels()?
            .into_iter()
            .map(|k| pseudoniem_met(k, l))
            .collect())
    }
}

/// The pseudonym of `l` under `key`.
fn pseudoniem_met(key: &[u8], l: LeerlingId) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    let (kind, n) = match l {
        LeerlingId::Bsn(b) => ("bsn", b.value()),
        LeerlingId::Onderwijsnummer(o) => ("onr", o.value()),
    };
    mac.update(format!("{kind}:{n:09}").as_bytes());
    let out = mac.finalize().into_bytes();
    data_encoding::HEXLOWER.encode(&out[..16])
}

impl App {
    /// Writes one audit entry and returns once it is committed.
    pub(crate) fn audit(
        &self,
        actor: &Actor,
        actie: &str,
        persoon: Option<String>,
        record: Option<String>,
        reden: Option<String>,
        toegestaan: bool,
    ) -> Result<()> {
        self.audit_met_doel(actor, actie, persoon, record, reden, toegestaan, None)
    }

    /// [`App::audit`] of a use the gate allowed on `doel`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn audit_met_doel(
        &self,
        actor: &Actor,
        actie: &str,
        persoon: Option<String>,
        record: Option<String>,
        reden: Option<String>,
        toegestaan: bool,
        doel: Option<Doel>,
    ) -> Result<()> {
        let entry = self.entry(actor, actie, persoon, record, reden, toegestaan, doel);
        self.auditor.record(self.store(), entry)
    }

    /// The entry [`App::audit_operatie`] writes, to be committed with the change it names
    /// (a change of credentials, [`App::inlog_wijzigen`]).
    pub(crate) fn operatie_entry(
        &self,
        actor: &Actor,
        actie: &str,
        record: String,
    ) -> NieuwAuditEntry {
        self.entry(actor, actie, None, Some(record), None, true, None)
    }

    /// An entry of `actor`, now.
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &self,
        actor: &Actor,
        actie: &str,
        persoon: Option<String>,
        record: Option<String>,
        reden: Option<String>,
        toegestaan: bool,
        doel: Option<Doel>,
    ) -> NieuwAuditEntry {
        let (who, org, rol, bron) = actor_fields(actor);
        NieuwAuditEntry {
            tijd: moment(self.now()),
            actor: who,
            organisatie: org,
            rol,
            actie: actie.to_string(),
            persoon,
            record,
            bron,
            noodtoegang: reden.is_some(),
            reden,
            toegestaan,
            doel: doel.map(|d| d.code().to_string()),
        }
    }

    /// Writes one entry per person read (allowed) in one commit, and returns once it is
    /// committed: for listings that show many persons at once. Each is logged on the
    /// purpose the actor sees the persons of a listing on ([`actor_doel`]), or on a
    /// break-the-glass grant when it names one.
    pub(crate) fn audit_personen(
        &self,
        actor: &Actor,
        actie: &str,
        personen: Vec<(String, Option<String>)>,
        record: &str,
    ) -> Result<()> {
        if personen.is_empty() {
            return Ok(());
        }
        let (who, org, rol, bron) = actor_fields(actor);
        let tijd = moment(self.now());
        let entries = personen
            .into_iter()
            .map(|(p, reden)| NieuwAuditEntry {
                tijd: tijd.clone(),
                actor: who.clone(),
                organisatie: org.clone(),
                rol: rol.clone(),
                actie: actie.to_string(),
                persoon: Some(p),
                record: Some(record.to_string()),
                bron: bron.clone(),
                noodtoegang: reden.is_some(),
                doel: match reden {
                    Some(_) => Some(Doel::Noodtoegang.code().to_string()),
                    None => actor_doel(actor).map(|d| d.code().to_string()),
                },
                reden,
                toegestaan: true,
            })
            .collect();
        self.auditor.record_all(self.store(), entries)
    }

    /// Records a bulk operation of the operator or a system (an import, a listing over
    /// everyone, a purge) as one entry that names the operation and what it did.
    pub fn audit_operatie(&self, actor: &Actor, actie: &str, record: String) -> Result<()> {
        self.audit(actor, actie, None, Some(record), None, true)
    }

    /// Records that a bulk write starts (`ACTIE_gestart`), before it changes anything. Its
    /// closing entry with the counts follows the commit, so a crash in between would
    /// otherwise leave changed data that the log does not name.
    pub fn audit_begin(&self, actor: &Actor, actie: &str, record: String) -> Result<()> {
        self.audit_operatie(actor, &format!("{actie}_gestart"), record)
    }

    /// Checks every link of the chain, oldest first, and reports the first broken one.
    pub fn audit_verify(&self, actor: &Actor) -> Result<AuditControle> {
        authorize(actor, Action::VerifyAudit)?;
        let mut out = AuditControle {
            entries: 0,
            kop: None,
            eerste_breuk: None,
        };
        let mut vorige = GENESIS.to_string();
        let mut expect_seq = 1i64;
        self.store().for_each_audit(&mut |e| {
            out.entries += 1;
            if out.eerste_breuk.is_none() {
                let recomputed = leerrecht_store::access::chain_hash(&e.vorige, e.seq, &e.entry);
                let breuk = if e.seq != expect_seq {
                    Some(format!("entry {expect_seq} is missing"))
                } else if e.vorige != vorige {
                    Some("does not follow from the entry before it".to_string())
                } else if recomputed != e.hash {
                    Some("content was changed after it was written".to_string())
                } else {
                    None
                };
                if let Some(why) = breuk {
                    out.eerste_breuk = Some((e.seq.min(expect_seq), why));
                }
            }
            expect_seq = e.seq + 1;
            vorige = e.hash.clone();
            out.kop = Some((e.seq, e.hash));
            Ok(())
        })?;
        Ok(out)
    }

    /// Who saw or changed this person's data, oldest first (a parent's request under the GDPR).
    /// The export itself is recorded.
    pub fn audit_export(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<AuditRegel>> {
        authorize(actor, Action::ExportAudit)?;
        let mut namen = self.pseudoniemen(leerling)?;
        // A person known by both numbers may have been logged under either, and under
        // every key the installation had.
        if let Some(j) = self.store().jongere(leerling)? {
            for id in [
                j.bsn().map(LeerlingId::Bsn),
                j.onderwijsnummer().map(LeerlingId::Onderwijsnummer),
            ]
            .into_iter()
            .flatten()
            {
                for p in self.pseudoniemen(id)? {
                    if !namen.contains(&p) {
                        namen.push(p);
                    }
                }
            }
        }
        let out = self.store().audit_van(&namen)?;
        self.audit(
            actor,
            "audit_export",
            Some(namen[0].clone()),
            Some(format!("{} regels", out.len())),
            None,
            true,
        )?;
        Ok(out)
    }
}
