//! The PostgreSQL store's reads for the figures (DOMAIN §9), now or as known at a past moment.

use crate::zaakfeiten::Zaakfeiten;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::cijfers::{Basis, Inschrijving, Melding, Periode, Persoon};

use crate::postgres::{invalid, Conn};
use crate::postgres_absence::leerling_of;
use crate::{BasisNodig, Result, WelkeInschrijvingen};

/// Reads what `nodig` asks for, in one snapshot.
pub(crate) fn cijferbasis(
    conn: &mut Conn,
    bekend_op: Option<DateTime<Utc>>,
    nodig: BasisNodig,
) -> Result<Basis> {
    let mut tx = conn.transaction()?;
    // One snapshot for all the reads.
    tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
    tx.batch_execute(
        "CREATE TEMP TABLE cijfer_perioden ON COMMIT DROP AS
           SELECT jongere_id, categorie, oorzaak, van, tot FROM registraties WITH NO DATA;",
    )?;
    match bekend_op {
        None => tx.execute(
            "INSERT INTO cijfer_perioden SELECT jongere_id, categorie, oorzaak, van, tot FROM registraties",
            &[],
        )?,
        Some(t) => tx.execute(
            "INSERT INTO cijfer_perioden SELECT jongere_id, categorie, oorzaak, van, tot
             FROM registratie_versies WHERE vastgelegd <= $1 AND (vervallen IS NULL OR vervallen > $1)",
            &[&t],
        )?,
    };
    tx.batch_execute(
        "CREATE TEMP TABLE cijfer_personen ON COMMIT DROP AS
           SELECT jongere_id AS id FROM cijfer_perioden UNION SELECT jongere_id FROM zaken;
         ANALYZE cijfer_personen;",
    )?;
    let mut registraties = Vec::new();
    for r in tx.query("SELECT * FROM cijfer_perioden", &[])? {
        let c: String = r.get(1);
        let o: String = r.get(2);
        registraties.push(Periode {
            persoon: r.get(0),
            categorie: c.parse().map_err(|e| invalid("categorie", e))?,
            oorzaak: o.parse().map_err(|e| invalid("oorzaak", e))?,
            van: r.get(3),
            tot: r.get(4),
        });
    }
    let mut personen = HashMap::new();
    let personen_sql = "SELECT j.id, j.bsn, j.onderwijsnummer, j.gemeente, j.geboortedatum
         FROM cijfer_personen p JOIN jongeren j ON j.id = p.id";
    for r in if nodig.personen {
        tx.query(personen_sql, &[])?
    } else {
        Vec::new()
    } {
        personen.insert(
            r.get::<_, i64>(0),
            Persoon {
                leerling: leerling_of(r.get(1), r.get(2))?,
                gemeente: r.get(3),
                geboortedatum: r.get(4),
            },
        );
    }
    let inschrijvingen_sql = match nodig.inschrijvingen {
        WelkeInschrijvingen::Geen => None,
        WelkeInschrijvingen::Thuiszitters => Some(
            "SELECT i.jongere_id, i.school, i.sector, i.begindatum, i.einddatum
             FROM inschrijvingen i WHERE i.jongere_id IN (SELECT jongere_id FROM cijfer_perioden
               WHERE categorie IN ('thuiszittend', 'absoluut_verzuim'))",
        ),
        WelkeInschrijvingen::Alle => Some(
            "SELECT i.jongere_id, i.school, i.sector, i.begindatum, i.einddatum
             FROM cijfer_personen p JOIN inschrijvingen i ON i.jongere_id = p.id",
        ),
    };
    let inschrijvingen = match inschrijvingen_sql {
        Some(sql) => tx.query(sql, &[])?,
        None => Vec::new(),
    }
    .iter()
    .map(|r| Inschrijving {
        persoon: r.get(0),
        school: r.get(1),
        sector: r.get(2),
        van: r.get(3),
        tot: r.get(4),
    })
    .collect();
    let mut feiten = Zaakfeiten::default();
    let zaken_sql = "SELECT z.jongere_id, e.gebeurtenis::text FROM zaak_gebeurtenissen e JOIN zaken z ON z.id = e.zaak_id
         WHERE e.gebeurtenis->>'soort' IN ('aanbod', 'aanbod_gestart', 'vrijstelling')
           AND ($1::timestamptz IS NULL OR e.tijd <= $1)";
    for r in if nodig.zaken {
        tx.query(zaken_sql, &[&bekend_op])?
    } else {
        Vec::new()
    } {
        let persoon: i64 = r.get(0);
        let json: String = r.get(1);
        feiten.lees(persoon, &json)?;
    }
    tx.commit()?;
    Ok(Basis {
        personen,
        registraties,
        inschrijvingen,
        aanbiedingen: feiten.aanbiedingen,
        gestart: feiten.gestart,
        vrijstellingen: feiten.vrijstellingen,
    })
}

pub(crate) fn cijfer_meldingen(
    conn: &mut Conn,
    van: NaiveDate,
    tot: NaiveDate,
    bekend_op: Option<DateTime<Utc>>,
    f: &mut dyn FnMut(Melding<'_>),
) -> Result<()> {
    let known = match bekend_op {
        None => "m.status NOT IN ('concept', 'ingetrokken')",
        Some(_) => {
            "m.vastgelegd IS NOT NULL AND m.vastgelegd <= $3
             AND (m.ingetrokken_op IS NULL OR m.ingetrokken_op > $3)"
        }
    };
    let sql = format!(
        "SELECT m.jongere_id, m.gemeente, m.geboortedatum, m.school, m.begindatum
         FROM meldingen m
         WHERE m.begindatum >= $1 AND m.begindatum <= $2 AND {known}"
    );
    use ::postgres::fallible_iterator::FallibleIterator;
    let mut params: Vec<&(dyn ::postgres::types::ToSql + Sync)> = vec![&van, &tot];
    if let Some(t) = &bekend_op {
        params.push(t);
    }
    let mut it = conn.query_raw(&sql, params)?;
    while let Some(r) = it.next()? {
        f(Melding {
            persoon: r.get(0),
            gemeente: r.get(1),
            geboortedatum: r.get(2),
            school: r.get(3),
            begindatum: r.get(4),
        });
    }
    Ok(())
}
