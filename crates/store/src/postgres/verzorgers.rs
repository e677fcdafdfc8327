//! The PostgreSQL store's parents and guardians: the statements of [`crate::verzorgers`].

use ::postgres::Client;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::verzorger::Verzorger;

use crate::postgres::{in_tx, person_id, Conn};
use crate::verzorgers::{importeren, opgeslagen, wijzigen, VerzorgerSql, COLS};
use crate::{Decide, ImportOutcome, Result, Rows};

struct Sql<'c>(&'c mut Client);

impl VerzorgerSql for Sql<'_> {
    fn persoon(&mut self, leerling: LeerlingId) -> Result<Option<i64>> {
        person_id(self.0, leerling)
    }

    fn bestaande(&mut self, persoon: i64, leerling: LeerlingId) -> Result<Vec<Verzorger>> {
        lees(self.0, persoon, leerling)
    }

    fn vervangen(&mut self, persoon: i64, nieuw: &[Verzorger]) -> Result<()> {
        self.0
            .execute("DELETE FROM verzorgers WHERE jongere_id = $1", &[&persoon])?;
        let ins = self.0.prepare(&format!(
            "INSERT INTO verzorgers (jongere_id, volgorde, {COLS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))?;
        for (i, v) in nieuw.iter().enumerate() {
            self.0.execute(
                &ins,
                &[
                    &persoon,
                    &(i as i32),
                    &v.naam,
                    &v.relatie.code(),
                    &v.adres.straat,
                    &v.adres.huisnummer,
                    &v.adres.postcode.as_str(),
                    &v.adres.woonplaats,
                    &v.telefoon,
                    &v.email,
                ],
            )?;
        }
        Ok(())
    }
}

fn lees(c: &mut Client, persoon: i64, leerling: LeerlingId) -> Result<Vec<Verzorger>> {
    let sql = format!("SELECT {COLS} FROM verzorgers WHERE jongere_id = $1 ORDER BY volgorde");
    c.query(&sql, &[&persoon])?
        .iter()
        .map(|r| {
            let Ok(o) = opgeslagen(r);
            o.verzorger(leerling)
        })
        .collect()
}

pub(crate) fn import_verzorgers(
    conn: &mut Conn,
    rows: Rows<'_, Verzorger>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    in_tx(conn, |c| importeren(&mut Sql(c), rows, decide))
}

pub(crate) fn verzorgers_wijzigen(
    conn: &mut Conn,
    leerling: LeerlingId,
    wijzig: crate::VerzorgerWijziger<'_>,
) -> Result<std::result::Result<(), String>> {
    in_tx(conn, |c| wijzigen(&mut Sql(c), leerling, wijzig))
}

pub(crate) fn verzorgers_van(conn: &mut Conn, leerling: LeerlingId) -> Result<Vec<Verzorger>> {
    match person_id(conn, leerling)? {
        Some(p) => lees(conn, p, leerling),
        None => Ok(Vec::new()),
    }
}
