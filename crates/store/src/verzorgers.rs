//! Parents and guardians (`verzorgers`), written once for both databases: what an import does
//! (each young person it names gets exactly the verzorgers of its rows, in their order) and
//! how a stored row becomes a [`Verzorger`]. Each database only says how it finds a person,
//! reads a person's rows and replaces them ([`VerzorgerSql`]).

use std::collections::HashMap;

use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::verzorger::{Adres, Verzorger};

use crate::stored::{invalid, Rij};
use crate::{decided, Decide, ImportCounts, ImportOutcome, Result, RowIssue, Rows};

/// The columns of a stored verzorger, in the order both stores read them.
pub(crate) const COLS: &str =
    "naam, relatie, straat, huisnummer, postcode, woonplaats, telefoon, email";

/// A stored verzorger's columns ([`COLS`]), before they are decoded.
pub(crate) struct Opgeslagen {
    naam: String,
    relatie: String,
    straat: String,
    huisnummer: String,
    postcode: String,
    woonplaats: String,
    telefoon: Option<String>,
    email: Option<String>,
}

pub(crate) fn opgeslagen<R: Rij>(r: &R) -> std::result::Result<Opgeslagen, R::Fout> {
    Ok(Opgeslagen {
        naam: r.tekst(0)?,
        relatie: r.tekst(1)?,
        straat: r.tekst(2)?,
        huisnummer: r.tekst(3)?,
        postcode: r.tekst(4)?,
        woonplaats: r.tekst(5)?,
        telefoon: r.opt_tekst(6)?,
        email: r.opt_tekst(7)?,
    })
}

impl Opgeslagen {
    /// The verzorger of `leerling` these columns hold.
    pub(crate) fn verzorger(self, leerling: LeerlingId) -> Result<Verzorger> {
        Ok(Verzorger {
            leerling,
            relatie: self.relatie.parse().map_err(|e| invalid("verzorger", e))?,
            adres: Adres {
                straat: self.straat,
                huisnummer: self.huisnummer,
                postcode: self.postcode.parse().map_err(|e| invalid("verzorger", e))?,
                woonplaats: self.woonplaats,
            },
            naam: self.naam,
            telefoon: self.telefoon,
            email: self.email,
        })
    }
}

/// What an import of verzorgers asks of a database, inside its transaction.
pub(crate) trait VerzorgerSql {
    /// The stored id of a young person; None when the register does not know them.
    fn persoon(&mut self, leerling: LeerlingId) -> Result<Option<i64>>;
    /// The person's verzorgers, in their order.
    fn bestaande(&mut self, persoon: i64, leerling: LeerlingId) -> Result<Vec<Verzorger>>;
    /// Replaces the person's verzorgers by `nieuw`, in that order.
    fn vervangen(&mut self, persoon: i64, nieuw: &[Verzorger]) -> Result<()>;
}

/// A change of one young person's verzorgers in the caller's transaction. Returns whether it
/// was made (or why not) and whether to commit.
pub(crate) fn wijzigen(
    db: &mut dyn VerzorgerSql,
    leerling: LeerlingId,
    wijzig: crate::VerzorgerWijziger<'_>,
) -> Result<(std::result::Result<(), String>, bool)> {
    let Some(persoon) = db.persoon(leerling)? else {
        return Ok((Err(crate::UNKNOWN_PERSON.to_string()), false));
    };
    let oud = db.bestaande(persoon, leerling)?;
    match wijzig(oud) {
        Ok(nieuw) => {
            db.vervangen(persoon, &nieuw)?;
            Ok((Ok(()), true))
        }
        Err(e) => Ok((Err(e), false)),
    }
}

/// An import of verzorgers in the caller's transaction: every young person named gets exactly
/// the verzorgers of their rows. A name twice for one young person, or a young person the
/// register does not know, is an issue of its row. Returns the outcome and whether to commit.
pub(crate) fn importeren(
    db: &mut dyn VerzorgerSql,
    rows: Rows<'_, Verzorger>,
    decide: Decide<'_>,
) -> Result<(ImportOutcome, bool)> {
    // Each young person's rows, in the order the file first names them.
    let mut per_jongere: Vec<(LeerlingId, Vec<(u64, Verzorger)>)> = Vec::new();
    let mut plek: HashMap<LeerlingId, usize> = HashMap::new();
    let mut issues = Vec::new();
    for (line, v) in rows {
        let i = *plek.entry(v.leerling).or_insert_with(|| {
            per_jongere.push((v.leerling, Vec::new()));
            per_jongere.len() - 1
        });
        let eigen = &mut per_jongere[i].1;
        if let Some((eerste, _)) = eigen.iter().find(|(_, w)| w.naam == v.naam) {
            issues.push(RowIssue::new(
                line,
                "naam",
                crate::twice(
                    format!("verzorger {:?} of this young person", v.naam),
                    eerste,
                ),
            ));
            continue;
        }
        eigen.push((line, v));
    }
    let mut counts = ImportCounts::default();
    for (leerling, eigen) in per_jongere {
        let Some(persoon) = db.persoon(leerling)? else {
            for (line, _) in &eigen {
                issues.push(RowIssue::new(*line, "leerling", crate::UNKNOWN_PERSON));
            }
            continue;
        };
        let oud = db.bestaande(persoon, leerling)?;
        let nieuw: Vec<Verzorger> = eigen.into_iter().map(|(_, v)| v).collect();
        for v in &nieuw {
            match oud.iter().find(|o| o.naam == v.naam) {
                Some(o) if o == v => counts.ongewijzigd += 1,
                Some(_) => counts.gewijzigd += 1,
                None => counts.nieuw += 1,
            }
        }
        if oud != nieuw {
            db.vervangen(persoon, &nieuw)?;
        }
    }
    decided(counts, issues, decide)
}
