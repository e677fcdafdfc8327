//! The SQLite store's reads for the figures (docs/domain.md §9), now or as known at a past moment.

use crate::stored::{cijfer_periode, cijfer_vrijstelling};
use crate::zaakfeiten::Zaakfeiten;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::cijfers::{
    leeftijd, Basis, Handhaving, Inschrijving, Melding, Periode, Persoon, Verhuizing,
};
use leerrecht_domain::date::iso;
use rusqlite::params;

use crate::access::moment;
use crate::sqlite::{date_col, leerling_of, opt_date_col, text, Conn, SqliteStore};
use crate::{verhuisd, BasisNodig, Result, WelkeInschrijvingen};

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
        let (c, o): (String, String) = (r.get(1)?, r.get(2)?);
        out.push(cijfer_periode(
            r.get(0)?,
            &c,
            &o,
            date_col(r, 3)?,
            opt_date_col(r, 4)?,
        )?);
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
                "SELECT j.id, j.bsn, j.onderwijsnummer, j.gemeente
                 FROM temp.cijfer_personen p CROSS JOIN jongeren j ON j.id = p.id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                personen.insert(
                    r.get::<_, i64>(0)?,
                    Persoon::in_gemeente(Some(leerling_of(r.get(1)?, r.get(2)?)?), r.get(3)?),
                );
            }
            let mut stmt = conn.prepare(
                "SELECT v.jongere_id, v.datum, v.van, v.naar, v.vastgelegd <= coalesce(?1, v.vastgelegd)
                 FROM temp.cijfer_personen p CROSS JOIN verhuizingen v ON v.jongere_id = p.id
                 ORDER BY v.jongere_id, v.vastgelegd",
            )?;
            let rows = stmt
                .query_map(params![t], |r| Ok((r.get::<_, i64>(0)?, verhuizing(r))))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            verhuisd(
                &mut personen,
                rows.into_iter()
                    .map(|(id, v)| v.map(|v| (id, v)))
                    .collect::<Result<Vec<_>>>()?,
            );
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
        let mut basis = Basis {
            personen,
            registraties,
            inschrijvingen,
            aanbiedingen: zaakfeiten.aanbiedingen,
            gestart: zaakfeiten.gestart,
            vrijstellingen: zaakfeiten.vrijstellingen,
            handhaving: zaakfeiten.handhaving,
        };
        anoniem(&conn, t, nodig, &mut basis)?;
        Ok(basis)
    })
}

/// A move read as (day, from, to, known at the moment asked).
fn verhuizing(r: &rusqlite::Row<'_>) -> Result<(Verhuizing, bool)> {
    Ok((
        Verhuizing {
            datum: date_col(r, 1)?,
            van: r.get(2)?,
            naar: r.get(3)?,
        },
        r.get(4)?,
    ))
}

/// Adds the anonymous figure rows that retention kept (migration `V34__anonieme_cijferrijen`)
/// to `basis`, each person under the negative of their number so that they meet no live
/// person: what `nodig` asks for, as known at `t` or now.
fn anoniem(conn: &Conn, t: Option<&str>, nodig: BasisNodig, basis: &mut Basis) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT persoon, categorie, oorzaak, van, tot FROM anoniem_perioden
         WHERE CASE WHEN ?1 IS NULL THEN versie = 0
               ELSE versie = 1 AND vastgelegd <= ?1 AND (vervallen IS NULL OR vervallen > ?1) END",
    )?;
    let mut rows = stmt.query(params![t])?;
    while let Some(r) = rows.next()? {
        let (c, o): (String, String) = (r.get(1)?, r.get(2)?);
        basis.registraties.push(cijfer_periode(
            -r.get::<_, i64>(0)?,
            &c,
            &o,
            date_col(r, 3)?,
            opt_date_col(r, 4)?,
        )?);
    }
    if nodig.personen {
        let mut stmt = conn.prepare("SELECT id, gemeente FROM anoniem_personen")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            basis
                .personen
                .insert(-r.get::<_, i64>(0)?, Persoon::in_gemeente(None, r.get(1)?));
        }
        let mut stmt = conn.prepare(
            "SELECT persoon, datum, van, naar, vastgelegd <= coalesce(?1, vastgelegd)
             FROM anoniem_verhuizingen ORDER BY persoon, vastgelegd",
        )?;
        let rows = stmt
            .query_map(params![t], |r| Ok((-r.get::<_, i64>(0)?, verhuizing(r))))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        verhuisd(
            &mut basis.personen,
            rows.into_iter()
                .map(|(id, v)| v.map(|v| (id, v)))
                .collect::<Result<Vec<_>>>()?,
        );
    }
    if nodig.inschrijvingen != WelkeInschrijvingen::Geen {
        let mut stmt =
            conn.prepare("SELECT persoon, school, sector, van, tot FROM anoniem_inschrijvingen")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            basis.inschrijvingen.push(Inschrijving {
                persoon: -r.get::<_, i64>(0)?,
                school: r.get(1)?,
                sector: r.get(2)?,
                van: date_col(r, 3)?,
                tot: opt_date_col(r, 4)?,
            });
        }
    }
    if nodig.zaken {
        let mut stmt = conn.prepare(
            "SELECT persoon, aangeboden FROM anoniem_aanbiedingen WHERE ?1 IS NULL OR tijd <= ?1",
        )?;
        let mut rows = stmt.query(params![t])?;
        while let Some(r) = rows.next()? {
            basis
                .aanbiedingen
                .push((-r.get::<_, i64>(0)?, date_col(r, 1)?));
        }
        let mut stmt = conn.prepare(
            "SELECT persoon, gestart FROM anoniem_aanbod_gestart WHERE ?1 IS NULL OR tijd <= ?1",
        )?;
        let mut rows = stmt.query(params![t])?;
        while let Some(r) = rows.next()? {
            basis.gestart.push((-r.get::<_, i64>(0)?, date_col(r, 1)?));
        }
        let mut stmt = conn.prepare(
            "SELECT persoon, artikel, geen_passend_aanbod, van FROM anoniem_vrijstellingen
             WHERE ?1 IS NULL OR tijd <= ?1",
        )?;
        let mut rows = stmt.query(params![t])?;
        while let Some(r) = rows.next()? {
            basis.vrijstellingen.push(cijfer_vrijstelling(
                -r.get::<_, i64>(0)?,
                r.get(1)?,
                r.get(2)?,
                date_col(r, 3)?,
            )?);
        }
        let mut stmt = conn.prepare(
            "SELECT persoon, soort, datum FROM anoniem_handhaving WHERE ?1 IS NULL OR tijd <= ?1",
        )?;
        let mut rows = stmt.query(params![t])?;
        while let Some(r) = rows.next()? {
            let soort: String = r.get(1)?;
            basis.handhaving.push(
                Handhaving::van_code(-r.get::<_, i64>(0)?, &soort, date_col(r, 2)?)
                    .map_err(|e| crate::stored::invalid("anoniem_handhaving", e))?,
            );
        }
    }
    Ok(())
}

/// Offers, their starts and exemptions recorded in cases by the moment `t`.
fn zaken(conn: &Conn, t: Option<&str>) -> Result<Zaakfeiten> {
    let mut feiten = Zaakfeiten::default();
    let mut stmt = conn.prepare(
        "SELECT z.jongere_id, e.gebeurtenis FROM zaak_gebeurtenissen e JOIN zaken z ON z.id = e.zaak_id
         WHERE (e.gebeurtenis LIKE '%\"soort\":\"aanbod%' OR e.gebeurtenis LIKE '%\"soort\":\"vrijstelling\"%'
                OR e.gebeurtenis LIKE '%\"soort\":\"halt\"%' OR e.gebeurtenis LIKE '%\"soort\":\"proces_verbaal\"%')
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
        let begindatum = date_col(r, 4)?;
        f(Melding {
            persoon: r.get(0)?,
            gemeente: text(r.get_ref(1)?)?,
            meerderjarig: leeftijd(date_col(r, 2)?, begindatum) >= 18,
            school: text(r.get_ref(3)?)?,
            begindatum,
        });
    }
    drop(rows);
    cijfer_meldingen_anoniem(conn, van, tot, bekend_op, f)
}

/// The anonymous meldingen that retention kept, like [`cijfer_meldingen`], each person under
/// the negative of their number.
pub(crate) fn cijfer_meldingen_anoniem(
    conn: &Conn,
    van: NaiveDate,
    tot: NaiveDate,
    bekend_op: Option<DateTime<Utc>>,
    f: &mut dyn FnMut(Melding<'_>),
) -> Result<()> {
    let t = bekend_op.map(moment);
    let mut stmt = conn.prepare_cached(
        "SELECT persoon, gemeente, meerderjarig, school, begindatum FROM anoniem_meldingen
         WHERE begindatum >= ?1 AND begindatum <= ?2
           AND CASE WHEN ?3 IS NULL THEN telt = 1
               ELSE vastgelegd <= ?3 AND (ingetrokken_op IS NULL OR ingetrokken_op > ?3) END",
    )?;
    let mut rows = stmt.query(params![iso(van), iso(tot), t])?;
    while let Some(r) = rows.next()? {
        f(Melding {
            persoon: -r.get::<_, i64>(0)?,
            gemeente: text(r.get_ref(1)?)?,
            meerderjarig: r.get(2)?,
            school: text(r.get_ref(3)?)?,
            begindatum: date_col(r, 4)?,
        });
    }
    Ok(())
}

/// Chooses, in `temp.purge_meldingen`, the meldingen a purge destroys: those that started
/// before `voor`, except the meldingen of a school year in which the same person has one that
/// is kept. Those go with it, a year later at most, so that one person's meldingen of a
/// school year are never half destroyed and half kept: the unique persons of the year are
/// counted over both, and the anonymous rows cannot say which kept person they were.
pub(crate) fn kies_meldingen(c: &Conn, voor: &str) -> Result<()> {
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS purge_meldingen (id INTEGER PRIMARY KEY);
         DELETE FROM temp.purge_meldingen;",
    )?;
    c.execute(
        "INSERT INTO temp.purge_meldingen (id)
         SELECT m.id FROM meldingen m WHERE m.begindatum < ?1
           AND NOT EXISTS (SELECT 1 FROM meldingen n WHERE n.jongere_id = m.jongere_id
                           AND n.schooljaar = m.schooljaar AND n.begindatum >= ?1)",
        [voor],
    )?;
    Ok(())
}

/// Sets `purge_plan.reg_voor` of each person whose leerplicht file goes but not the rest:
/// the periods that go are those that began before it
/// A registration period's first and last day.
type Looptijd = (NaiveDate, Option<NaiveDate>);

/// ([`registraties_voor`](leerrecht_domain::retention::registraties_voor)).
pub(crate) fn registraties_grens(c: &Conn) -> Result<()> {
    let mut per: HashMap<i64, (NaiveDate, Vec<Looptijd>)> = HashMap::new();
    {
        let mut stmt = c.prepare(
            "SELECT p.jongere_id, p.voor, r.van, r.tot FROM purge_plan p
               JOIN registraties r ON r.jongere_id = p.jongere_id WHERE p.dossier = 0
             UNION ALL
             SELECT p.jongere_id, p.voor, r.van, r.tot FROM purge_plan p
               JOIN registratie_versies r ON r.jongere_id = p.jongere_id WHERE p.dossier = 0",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            per.entry(r.get(0)?)
                .or_insert((date_col(r, 1)?, Vec::new()))
                .1
                .push((date_col(r, 2)?, opt_date_col(r, 3)?));
        }
    }
    let mut upd = c.prepare("UPDATE purge_plan SET reg_voor = ?2 WHERE jongere_id = ?1")?;
    for (id, (voor, perioden)) in per {
        let grens = leerrecht_domain::retention::registraties_voor(&perioden, voor);
        if grens != voor {
            upd.execute(params![id, iso(grens)])?;
        }
    }
    Ok(())
}

/// Keeps, before a purge destroys them, anonymous figure rows of what the figures count in
/// the files of `purge_plan` and the meldingen of `temp.purge_meldingen` (migration
/// `V34__anonieme_cijferrijen`): per person with a period that goes (or a case, when the
/// whole file goes) a new number in random order with their gemeente, periods and their
/// versions, enrolments, offers (those from their first period on, which the KPI can count)
/// and exemptions; per person and school year of the meldingen
/// that go another new number with each melding's gemeente, age class, school, start and
/// moments. Nothing that names or points to a person is copied.
pub(crate) fn bewaar_anoniem(c: &Conn) -> Result<()> {
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS purge_anoniem (jongere_id INTEGER PRIMARY KEY, rij INTEGER NOT NULL);
         DELETE FROM temp.purge_anoniem;
         INSERT INTO temp.purge_anoniem (jongere_id, rij)
         SELECT p.jongere_id, (SELECT coalesce(max(id), 0) FROM anoniem_personen)
                              + row_number() OVER (ORDER BY random())
         FROM purge_plan p
         WHERE EXISTS (SELECT 1 FROM registraties r WHERE r.jongere_id = p.jongere_id AND r.van < p.reg_voor)
            OR EXISTS (SELECT 1 FROM registratie_versies r WHERE r.jongere_id = p.jongere_id AND r.van < p.reg_voor)
            OR (p.dossier = 1 AND EXISTS (SELECT 1 FROM zaken z WHERE z.jongere_id = p.jongere_id));
         INSERT INTO anoniem_personen (id, gemeente)
         SELECT a.rij, j.gemeente FROM temp.purge_anoniem a JOIN jongeren j ON j.id = a.jongere_id
         ORDER BY a.rij;
         INSERT INTO anoniem_verhuizingen (persoon, datum, van, naar, vastgelegd)
         SELECT a.rij, v.datum, v.van, v.naar, v.vastgelegd
         FROM temp.purge_anoniem a JOIN verhuizingen v ON v.jongere_id = a.jongere_id;
         INSERT INTO anoniem_perioden (persoon, versie, van, tot, categorie, oorzaak)
         SELECT a.rij, 0, r.van, r.tot, r.categorie, r.oorzaak
         FROM temp.purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN registraties r ON r.jongere_id = a.jongere_id WHERE r.van < p.reg_voor;
         INSERT INTO anoniem_perioden (persoon, versie, van, tot, categorie, oorzaak, vastgelegd, vervallen)
         SELECT a.rij, 1, r.van, r.tot, r.categorie, r.oorzaak, r.vastgelegd, r.vervallen
         FROM temp.purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN registratie_versies r ON r.jongere_id = a.jongere_id WHERE r.van < p.reg_voor;
         INSERT INTO anoniem_inschrijvingen (persoon, school, sector, van, tot)
         SELECT a.rij, i.school, i.sector, i.begindatum, i.einddatum
         FROM temp.purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN inschrijvingen i ON i.jongere_id = a.jongere_id WHERE i.begindatum < p.reg_voor;
         INSERT INTO anoniem_aanbiedingen (persoon, aangeboden, tijd)
         SELECT a.rij, json_extract(e.gebeurtenis, '$.aangeboden'), e.tijd
         FROM temp.purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN zaken z ON z.jongere_id = a.jongere_id JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE json_extract(e.gebeurtenis, '$.soort') = 'aanbod'
           AND json_extract(e.gebeurtenis, '$.aangeboden') < p.reg_voor
           AND json_extract(e.gebeurtenis, '$.aangeboden') >= (SELECT min(r.van)
                 FROM registratie_versies r WHERE r.jongere_id = a.jongere_id AND r.van < p.reg_voor);
         INSERT INTO anoniem_aanbod_gestart (persoon, gestart, tijd)
         SELECT a.rij, json_extract(e.gebeurtenis, '$.gestart'), e.tijd
         FROM temp.purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN zaken z ON z.jongere_id = a.jongere_id JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE json_extract(e.gebeurtenis, '$.soort') IN ('aanbod', 'aanbod_gestart')
           AND json_extract(e.gebeurtenis, '$.gestart') IS NOT NULL
           AND json_extract(e.gebeurtenis, '$.gestart') < p.reg_voor;
         INSERT INTO anoniem_vrijstellingen (persoon, artikel, geen_passend_aanbod, van, tijd)
         SELECT a.rij, json_extract(e.gebeurtenis, '$.artikel'),
                json_extract(e.gebeurtenis, '$.geen_passend_aanbod'),
                json_extract(e.gebeurtenis, '$.van'), e.tijd
         FROM temp.purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN zaken z ON z.jongere_id = a.jongere_id JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE p.dossier = 1 AND json_extract(e.gebeurtenis, '$.soort') = 'vrijstelling';
         INSERT INTO anoniem_handhaving (persoon, soort, datum, tijd)
         SELECT a.rij, CASE json_extract(e.gebeurtenis, '$.soort') WHEN 'halt' THEN 'halt'
                       ELSE json_extract(e.gebeurtenis, '$.artikel') END,
                json_extract(e.gebeurtenis, '$.datum'), e.tijd
         FROM temp.purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN zaken z ON z.jongere_id = a.jongere_id JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE p.dossier = 1 AND json_extract(e.gebeurtenis, '$.soort') IN ('halt', 'proces_verbaal');
         DELETE FROM temp.purge_anoniem;

         CREATE TEMP TABLE IF NOT EXISTS purge_melders (
             jongere_id INTEGER NOT NULL, schooljaar INTEGER NOT NULL, rij INTEGER NOT NULL,
             PRIMARY KEY (jongere_id, schooljaar));
         DELETE FROM temp.purge_melders;
         INSERT INTO temp.purge_melders (jongere_id, schooljaar, rij)
         SELECT jongere_id, schooljaar, (SELECT coalesce(max(persoon), 0) FROM anoniem_meldingen)
                                        + row_number() OVER (ORDER BY random())
         FROM (SELECT DISTINCT m.jongere_id, m.schooljaar FROM meldingen m
               WHERE m.id IN (SELECT id FROM temp.purge_meldingen) AND m.vastgelegd IS NOT NULL);
         INSERT INTO anoniem_meldingen
             (persoon, gemeente, meerderjarig, school, begindatum, telt, vastgelegd, ingetrokken_op)
         SELECT t.rij, coalesce(m.gemeente, ''), m.meerderjarig, m.school, m.begindatum,
                m.status <> 'concept' AND m.status <> 'ingetrokken', m.vastgelegd, m.ingetrokken_op
         FROM meldingen m JOIN temp.purge_melders t
           ON t.jongere_id = m.jongere_id AND t.schooljaar = m.schooljaar
         WHERE m.id IN (SELECT id FROM temp.purge_meldingen) AND m.vastgelegd IS NOT NULL
         ORDER BY t.rij, m.begindatum;
         DELETE FROM temp.purge_melders;
         INSERT INTO anoniem_concepten (school, begindatum, bevestigd, ingetrokken, vervallen)
         SELECT school, begindatum,
                CASE WHEN vastgelegd <> '' THEN substr(vastgelegd, 1, 10) END,
                CASE WHEN ingetrokken_op <> '' THEN substr(ingetrokken_op, 1, 10) END,
                coalesce(afsluitreden = 'signaal_vervallen', 0)
         FROM meldingen
         WHERE id IN (SELECT id FROM temp.purge_meldingen) AND signaal IS NOT NULL
         ORDER BY school, begindatum;",
    )?;
    Ok(())
}
