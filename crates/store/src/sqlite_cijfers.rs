//! The SQLite store's reads for the figures (DOMAIN §9), now or as known at a past moment.

use crate::zaakfeiten::Zaakfeiten;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::cijfers::{Basis, Inschrijving, Melding, Periode, Persoon};
use leerrecht_domain::date::iso;
use rusqlite::params;

use crate::access::moment;
use crate::sqlite::{date_col, invalid, leerling_of, opt_date_col, text, Conn, SqliteStore};
use crate::{BasisNodig, Result, WelkeInschrijvingen};

/// The versions of registration periods that stood at the moment `?1`.
const VERSIES_OP: &str =
    "registratie_versies WHERE vastgelegd <= ?1 AND (vervallen IS NULL OR vervallen > ?1)";

/// The registration periods as they stood at `bekend_op`, or now.
fn perioden(conn: &Conn, bekend_op: Option<&str>) -> Result<Vec<Periode>> {
    let sql = match bekend_op {
        None => "SELECT jongere_id, categorie, oorzaak, van, tot FROM registraties".to_string(),
        Some(_) => format!("SELECT jongere_id, categorie, oorzaak, van, tot FROM {VERSIES_OP}"),
    };
    let mut stmt = conn.prepare(&sql)?;
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

/// Fills `temp.cijfer_personen` with the persons whose parts a figure reads: everyone with a
/// period or a case, or only those with a thuiszitter's period. One statement each, not one
/// per period (each would be a transaction of its own).
fn vul_personen(conn: &Conn, t: Option<&str>, alleen_thuiszitters: bool) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS cijfer_personen (id INTEGER PRIMARY KEY);
         DELETE FROM temp.cijfer_personen;",
    )?;
    let bron = match t {
        None => "registraties WHERE 1".to_string(),
        Some(_) => VERSIES_OP.to_string(),
    };
    let filter = if alleen_thuiszitters {
        " AND (categorie = 'thuiszittend' OR categorie = 'absoluut_verzuim')"
    } else {
        ""
    };
    let sql = format!(
        "INSERT OR IGNORE INTO temp.cijfer_personen (id) SELECT jongere_id FROM {bron}{filter}"
    );
    match t {
        None => conn.execute(&sql, [])?,
        Some(t) => conn.execute(&sql, [t])?,
    };
    if !alleen_thuiszitters {
        conn.execute(
            "INSERT OR IGNORE INTO temp.cijfer_personen (id) SELECT jongere_id FROM zaken",
            [],
        )?;
    }
    Ok(())
}

/// The enrolments of the persons in `temp.cijfer_personen`. The temp table has no
/// statistics: CROSS JOIN keeps it the outer loop (else SQLite scans every enrolment in the
/// country).
fn inschrijvingen(conn: &Conn) -> Result<Vec<Inschrijving>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT i.jongere_id, i.school, i.sector, i.begindatum, i.einddatum
         FROM temp.cijfer_personen p CROSS JOIN inschrijvingen i ON i.jongere_id = p.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        out.push(Inschrijving {
            persoon: r.get(0)?,
            school: r.get(1)?,
            sector: r.get(2)?,
            van: date_col(r, 3)?,
            tot: opt_date_col(r, 4)?,
        });
    }
    Ok(out)
}

/// Reads what `nodig` asks for. The enrolments, the largest part, are read on a second
/// connection at the same time as the rest when one is free; the two reads may then see
/// different commits of a write made meanwhile, which figures as known at a moment
/// (`bekend_op`) never do.
pub(crate) fn cijferbasis(
    store: &SqliteStore,
    bekend_op: Option<DateTime<Utc>>,
    nodig: BasisNodig,
) -> Result<Basis> {
    let t = bekend_op.map(moment);
    let t = t.as_deref();
    let conn = store.conn()?;
    let welke = nodig.inschrijvingen;
    let tweede = (welke != WelkeInschrijvingen::Geen)
        .then(|| store.try_conn())
        .flatten();
    std::thread::scope(|scope| {
        let apart = tweede.map(|c| {
            scope.spawn(move || -> Result<Vec<Inschrijving>> {
                vul_personen(&c, t, welke == WelkeInschrijvingen::Thuiszitters)?;
                inschrijvingen(&c)
            })
        });
        let registraties = perioden(&conn, t)?;
        let mut personen = HashMap::new();
        if nodig.personen {
            vul_personen(&conn, t, false)?;
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
        }
        let zaakfeiten = if nodig.zaken {
            zaken(&conn, t)?
        } else {
            Default::default()
        };
        let inschrijvingen = match (apart, welke) {
            (Some(h), _) => h.join().expect("reading enrolments does not panic")?,
            (None, WelkeInschrijvingen::Geen) => Vec::new(),
            (None, w) => {
                vul_personen(&conn, t, w == WelkeInschrijvingen::Thuiszitters)?;
                inschrijvingen(&conn)?
            }
        };
        Ok(Basis {
            personen,
            registraties,
            inschrijvingen,
            aanbiedingen: zaakfeiten.aanbiedingen,
            gestart: zaakfeiten.gestart,
            vrijstellingen: zaakfeiten.vrijstellingen,
        })
    })
}

/// Offers, their starts and exemptions recorded in cases by the moment `t`.
fn zaken(conn: &Conn, t: Option<&str>) -> Result<Zaakfeiten> {
    let mut feiten = Zaakfeiten::default();
    let mut stmt = conn.prepare(
        "SELECT z.jongere_id, e.gebeurtenis FROM zaak_gebeurtenissen e JOIN zaken z ON z.id = e.zaak_id
         WHERE (e.gebeurtenis LIKE '%\"soort\":\"aanbod%' OR e.gebeurtenis LIKE '%\"soort\":\"vrijstelling\"%')
           AND (?1 IS NULL OR e.tijd <= ?1)",
    )?;
    let mut rows = stmt.query(params![t])?;
    while let Some(r) = rows.next()? {
        let persoon: i64 = r.get(0)?;
        let json: String = r.get(1)?;
        feiten.lees(persoon, &json)?;
    }
    Ok(feiten)
}

pub(crate) fn cijfer_meldingen(
    conn: &Conn,
    van: NaiveDate,
    tot: NaiveDate,
    bekend_op: Option<DateTime<Utc>>,
    f: &mut dyn FnMut(Melding<'_>),
) -> Result<()> {
    let t = bekend_op.map(moment);
    let known = match t {
        None => "m.status <> 'concept' AND m.status <> 'ingetrokken'",
        Some(_) => {
            "m.vastgelegd IS NOT NULL AND m.vastgelegd <= ?3
             AND (m.ingetrokken_op IS NULL OR m.ingetrokken_op > ?3)"
        }
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT m.jongere_id, m.gemeente, m.geboortedatum, m.school, m.begindatum
         FROM meldingen m INDEXED BY meldingen_cijfers
         WHERE m.begindatum >= ?1 AND m.begindatum <= ?2 AND {known}"
    ))?;
    let mut rows = match &t {
        None => stmt.query(params![iso(van), iso(tot)])?,
        Some(t) => stmt.query(params![iso(van), iso(tot), t])?,
    };
    while let Some(r) = rows.next()? {
        f(Melding {
            persoon: r.get(0)?,
            gemeente: text(r.get_ref(1)?)?,
            geboortedatum: date_col(r, 2)?,
            school: text(r.get_ref(3)?)?,
            begindatum: date_col(r, 4)?,
        });
    }
    Ok(())
}
