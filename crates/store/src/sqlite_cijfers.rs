//! The SQLite store's reads for the figures (DOMAIN §9), now or as known at a past moment.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::cijfers::{Basis, Inschrijving, Melding, Periode, Persoon, Vrijstelling};
use leerrecht_domain::date::iso;
use leerrecht_domain::zaak::Gebeurtenis;
use rusqlite::params;

use crate::access::moment;
use crate::sqlite::{date_col, invalid, leerling_of, opt_date_col, Conn};
use crate::Result;

/// The registration periods as they stood at `bekend_op`, or now.
fn perioden(conn: &Conn, bekend_op: Option<&str>) -> Result<Vec<Periode>> {
    let sql = match bekend_op {
        None => "SELECT jongere_id, categorie, oorzaak, van, tot FROM registraties",
        Some(_) => {
            "SELECT jongere_id, categorie, oorzaak, van, tot FROM registratie_versies
             WHERE vastgelegd <= ?1 AND (vervallen IS NULL OR vervallen > ?1)"
        }
    };
    let mut stmt = conn.prepare(sql)?;
    let mut rows = match bekend_op {
        None => stmt.query([])?,
        Some(t) => stmt.query([t])?,
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let c: String = r.get(1)?;
        let o: String = r.get(2)?;
        out.push(Periode {
            persoon: r.get(0)?,
            categorie: c.parse().map_err(|e| invalid("categorie", e))?,
            oorzaak: o.parse().map_err(|e| invalid("oorzaak", e))?,
            van: date_col(r, 3)?,
            tot: opt_date_col(r, 4)?,
        });
    }
    Ok(out)
}

pub(crate) fn cijferbasis(conn: &Conn, bekend_op: Option<DateTime<Utc>>) -> Result<Basis> {
    let t = bekend_op.map(moment);
    let registraties = perioden(conn, t.as_deref())?;
    // The persons with a period or a case, their enrolments, offers and exemptions. The temp
    // table has no statistics: CROSS JOIN keeps it the outer loop (else SQLite scans every
    // enrolment in the country).
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS cijfer_personen (id INTEGER PRIMARY KEY);
         DELETE FROM temp.cijfer_personen;",
    )?;
    {
        let mut add =
            conn.prepare_cached("INSERT OR IGNORE INTO temp.cijfer_personen (id) VALUES (?1)")?;
        for p in &registraties {
            add.execute([p.persoon])?;
        }
    }
    conn.execute(
        "INSERT OR IGNORE INTO temp.cijfer_personen (id) SELECT jongere_id FROM zaken",
        [],
    )?;
    let mut personen = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT j.id, j.bsn, j.onderwijsnummer, j.gemeente, j.geboortedatum
         FROM temp.cijfer_personen p CROSS JOIN jongeren j ON j.id = p.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        personen.insert(
            r.get::<_, i64>(0)?,
            Persoon {
                leerling: leerling_of(r.get(1)?, r.get(2)?)?,
                gemeente: r.get(3)?,
                geboortedatum: date_col(r, 4)?,
            },
        );
    }
    drop(rows);
    let mut inschrijvingen = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT i.jongere_id, i.school, i.sector, i.begindatum, i.einddatum
         FROM temp.cijfer_personen p CROSS JOIN inschrijvingen i ON i.jongere_id = p.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        inschrijvingen.push(Inschrijving {
            persoon: r.get(0)?,
            school: r.get(1)?,
            sector: r.get(2)?,
            van: date_col(r, 3)?,
            tot: opt_date_col(r, 4)?,
        });
    }
    drop(rows);
    let mut aanbiedingen = Vec::new();
    let mut vrijstellingen = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT z.jongere_id, e.gebeurtenis FROM zaak_gebeurtenissen e JOIN zaken z ON z.id = e.zaak_id
         WHERE (e.gebeurtenis LIKE '%\"soort\":\"aanbod\"%' OR e.gebeurtenis LIKE '%\"soort\":\"vrijstelling\"%')
           AND (?1 IS NULL OR e.tijd <= ?1)",
    )?;
    let mut rows = stmt.query(params![t])?;
    while let Some(r) = rows.next()? {
        let persoon: i64 = r.get(0)?;
        let json: String = r.get(1)?;
        match serde_json::from_str(&json).map_err(|e| invalid("gebeurtenis", e))? {
            Gebeurtenis::Aanbod { aangeboden, .. } => aanbiedingen.push((persoon, aangeboden)),
            Gebeurtenis::Vrijstelling {
                artikel,
                geen_passend_aanbod,
                van,
                ..
            } => vrijstellingen.push(Vrijstelling {
                persoon,
                artikel,
                geen_passend_aanbod,
                van,
            }),
            _ => {}
        }
    }
    Ok(Basis {
        personen,
        registraties,
        inschrijvingen,
        aanbiedingen,
        vrijstellingen,
    })
}

pub(crate) fn cijfer_meldingen(
    conn: &Conn,
    van: NaiveDate,
    tot: NaiveDate,
    bekend_op: Option<DateTime<Utc>>,
) -> Result<Vec<Melding>> {
    let t = bekend_op.map(moment);
    let known = match t {
        None => "m.status <> 'concept' AND m.status <> 'ingetrokken'",
        Some(_) => {
            "m.vastgelegd IS NOT NULL AND m.vastgelegd <= ?3
             AND (m.ingetrokken_op IS NULL OR m.ingetrokken_op > ?3)"
        }
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT m.jongere_id, j.gemeente, j.geboortedatum, m.school, m.begindatum
         FROM meldingen m INDEXED BY meldingen_begindatum JOIN jongeren j ON j.id = m.jongere_id
         WHERE m.begindatum >= ?1 AND m.begindatum <= ?2 AND {known}"
    ))?;
    let mut rows = match &t {
        None => stmt.query(params![iso(van), iso(tot)])?,
        Some(t) => stmt.query(params![iso(van), iso(tot), t])?,
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Melding {
            persoon: r.get(0)?,
            gemeente: r.get(1)?,
            geboortedatum: date_col(r, 2)?,
            school: r.get(3)?,
            begindatum: date_col(r, 4)?,
        });
    }
    Ok(out)
}
