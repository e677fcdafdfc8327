//! The PostgreSQL store's reads and records for the HTTP API (see [`crate::api`]).

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::person::Inschrijving;
use postgres::types::ToSql;

use crate::api::{ApiStore, Claim, JongerenFilter, VerzuimRegel};
use crate::postgres::absence::leerling_of;
use crate::postgres::{person_id, PgStore};
use crate::{Result, SignaalRij};

impl ApiStore for PgStore {
    fn bedient_van(&self, organisatie: &str) -> Result<Option<Vec<String>>> {
        let mut conn = self.conn()?;
        let r = conn.query_one(
            "SELECT EXISTS (SELECT 1 FROM organisaties WHERE code = $1),
                    ARRAY(SELECT gemeente FROM organisatie_bedient WHERE organisatie = $1
                          ORDER BY gemeente)",
            &[&organisatie],
        )?;
        Ok(r.get::<_, bool>(0).then(|| r.get(1)))
    }

    fn leerling_van(&self, id: i64) -> Result<Option<LeerlingId>> {
        // Prepared once per connection: every request about a person by id reads it.
        let mut conn = self.conn()?;
        let stmt = conn.prepared("SELECT bsn, onderwijsnummer FROM jongeren WHERE id = $1")?;
        let row = conn.query_opt(&stmt, &[&id])?;
        row.map(|r| leerling_of(r.get(0), r.get(1))).transpose()
    }

    fn jongere_id(&self, leerling: LeerlingId) -> Result<Option<i64>> {
        person_id(&mut *self.conn()?, leerling)
    }

    fn jongeren_lijst(
        &self,
        filter: &JongerenFilter,
        na: i64,
        aantal: u32,
    ) -> Result<Vec<(i64, LeerlingId)>> {
        let limit = i64::from(aantal);
        let sql = format!(
            "SELECT j.id, j.bsn, j.onderwijsnummer FROM jongeren j
             WHERE j.id > $5 AND {FILTER_SQL}
             ORDER BY j.id LIMIT $6"
        );
        let (op, partner) = (
            filter.peildatum(),
            filter.partner.clone().unwrap_or_default(),
        );
        let params: [&(dyn ToSql + Sync); 6] = [
            &filter.gemeenten,
            &filter.scholen,
            &op,
            &partner,
            &na,
            &limit,
        ];
        let rows = self.conn()?.query(&sql, &params)?;
        rows.iter()
            .map(|r| Ok((r.get(0), leerling_of(r.get(1), r.get(2))?)))
            .collect()
    }

    fn jongeren_op_naam(
        &self,
        naam: &str,
        geboren: Option<NaiveDate>,
        filter: &JongerenFilter,
        aantal: u32,
    ) -> Result<Vec<LeerlingId>> {
        let patroon = crate::like_bevat(naam);
        let limit = i64::from(aantal);
        let sql = format!(
            "SELECT j.bsn, j.onderwijsnummer FROM jongeren j
             WHERE (j.voornamen || ' ' || j.achternaam) ILIKE $5
               AND ($6::date IS NULL OR j.geboortedatum = $6) AND {FILTER_SQL}
             ORDER BY j.achternaam, j.voornamen, j.geboortedatum, j.id LIMIT $7"
        );
        let (op, partner) = (
            filter.peildatum(),
            filter.partner.clone().unwrap_or_default(),
        );
        let params: [&(dyn ToSql + Sync); 7] = [
            &filter.gemeenten,
            &filter.scholen,
            &op,
            &partner,
            &patroon,
            &geboren,
            &limit,
        ];
        let rows = self.conn()?.query(&sql, &params)?;
        rows.iter()
            .map(|r| leerling_of(r.get(0), r.get(1)))
            .collect()
    }

    fn inschrijvingen_van(&self, leerling: LeerlingId) -> Result<Vec<Inschrijving>> {
        let mut conn = self.conn()?;
        let Some(id) = conn.person_id(leerling)? else {
            return Ok(Vec::new());
        };
        let rows = conn.lees(
            "SELECT school, sector, begindatum, einddatum, startkwalificatie FROM inschrijvingen
             WHERE jongere_id = $1 ORDER BY begindatum, school",
            &[&id],
        )?;
        rows.iter()
            .map(|r| {
                let school: String = r.get(0);
                let sector: String = r.get(1);
                let (b, e, skw) = (r.get(2), r.get(3), r.get(4));
                crate::stored::inschrijving(leerling, &school, &sector, b, e, skw)
            })
            .collect()
    }

    fn verzuim_van(
        &self,
        leerling: LeerlingId,
        van: NaiveDate,
        tot: NaiveDate,
    ) -> Result<Vec<VerzuimRegel>> {
        let mut conn = self.conn()?;
        let Some(id) = conn.person_id(leerling)? else {
            return Ok(Vec::new());
        };
        let rows = conn.lees(
            "SELECT school, rijen FROM verzuim_blokken WHERE jongere_id = $1",
            &[&id],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            crate::absence::regels_van(r.get(0), r.get(1), van, tot, &mut out)?;
        }
        crate::absence::sorteer(&mut out);
        Ok(out)
    }

    fn signalen_van(&self, leerling: LeerlingId) -> Result<Vec<SignaalRij>> {
        let mut conn = self.conn()?;
        let Some(id) = conn.person_id(leerling)? else {
            return Ok(Vec::new());
        };
        let rows = conn.lees(
            "SELECT school, regel, datum, uitleg FROM signalen WHERE jongere_id = $1
             ORDER BY datum, school, regel",
            &[&id],
        )?;
        rows.iter()
            .map(|r| {
                let school: String = r.get(0);
                Ok(SignaalRij {
                    leerling,
                    school: crate::stored::school(&school)?,
                    regel: r.get(1),
                    datum: r.get(2),
                    uitleg: r.get(3),
                })
            })
            .collect()
    }

    fn idempotentie_claimen(
        &self,
        sleutel: &str,
        verzoek: &str,
        nu: DateTime<Utc>,
        vergeten_voor: DateTime<Utc>,
        opgegeven_voor: DateTime<Utc>,
    ) -> Result<Claim> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM idempotentie WHERE aangemaakt < $1",
            &[&vergeten_voor],
        )?;
        // The claim is an insert, so two processes racing for one key are ordered by the
        // primary key: the loser sees the winner's row.
        let inserted = tx.execute(
            "INSERT INTO idempotentie (sleutel, verzoek, status, antwoord, aangemaakt)
             VALUES ($1, $2, NULL, NULL, $3) ON CONFLICT (sleutel) DO NOTHING",
            &[&sleutel, &verzoek, &nu],
        )?;
        let claim = if inserted == 1 {
            Claim::Nieuw
        } else {
            let r = tx.query_one(
                "SELECT verzoek, status, antwoord, aangemaakt FROM idempotentie
                 WHERE sleutel = $1 FOR UPDATE",
                &[&sleutel],
            )?;
            let status: Option<i32> = r.get(1);
            let sinds: DateTime<Utc> = r.get(3);
            let bestaand = crate::api::bestaande_claim(
                r.get(0),
                status.map(|s| s as u16),
                r.get(2),
                sinds >= opgegeven_voor,
            );
            match bestaand {
                Some(claim) => claim,
                None => {
                    tx.execute(
                        "UPDATE idempotentie SET verzoek = $2, aangemaakt = $3 WHERE sleutel = $1",
                        &[&sleutel, &verzoek, &nu],
                    )?;
                    Claim::Nieuw
                }
            }
        };
        tx.commit()?;
        Ok(claim)
    }

    fn idempotentie_vastleggen(&self, sleutel: &str, status: u16, antwoord: &str) -> Result<()> {
        self.conn()?.execute(
            "UPDATE idempotentie SET status = $2, antwoord = $3 WHERE sleutel = $1",
            &[&sleutel, &i32::from(status), &antwoord],
        )?;
        Ok(())
    }

    fn idempotentie_vrijgeven(&self, sleutel: &str) -> Result<()> {
        self.conn()?.execute(
            "DELETE FROM idempotentie WHERE sleutel = $1 AND status IS NULL",
            &[&sleutel],
        )?;
        Ok(())
    }

    fn teller_ophogen(&self, sleutel: &str, venster: i64) -> Result<u64> {
        let mut conn = self.conn()?;
        if venster % 16 == 0 {
            conn.execute("DELETE FROM tellers WHERE venster < $1", &[&(venster - 1)])?;
        }
        let r = conn.query_one(
            "INSERT INTO tellers (sleutel, venster, aantal) VALUES ($1, $2, 1)
             ON CONFLICT (sleutel, venster) DO UPDATE SET aantal = tellers.aantal + 1
             RETURNING aantal",
            &[&sleutel, &venster],
        )?;
        Ok(r.get::<_, i64>(0) as u64)
    }
}

/// The conditions of a listing's filter on the person `j`, over the parameters $1 (its
/// gemeenten), $2 (its schools), $3 (the day) and $4 (its partner, empty for none): one
/// statement for every combination of criteria, an empty one switched off.
const FILTER_SQL: &str = "(cardinality($1::text[]) = 0 OR j.gemeente = ANY($1))
               AND (cardinality($2::text[]) = 0 OR EXISTS (SELECT 1 FROM inschrijvingen i
                     WHERE i.jongere_id = j.id AND i.school = ANY($2) AND i.begindatum <= $3
                       AND (i.einddatum IS NULL OR i.einddatum >= $3)))
               AND ($4::text = '' OR EXISTS (SELECT 1 FROM zaak_partners b
                     WHERE b.jongere_id = j.id AND b.organisatie = $4
                       AND (b.tot IS NULL OR b.tot > $3)))";
