//! The PostgreSQL store's reads for the figures (docs/domain.md §9), now or as known at a past moment.

use crate::stored::{cijfer_periode, cijfer_vrijstelling};
use crate::zaakfeiten::Zaakfeiten;
use std::collections::HashMap;

use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::types::ToSql;
use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::cijfers::{
    leeftijd, Basis, Handhaving, Inschrijving, Melding, Persoon, Verhuizing,
};

use crate::postgres::absence::leerling_of;
use crate::postgres::{planner_zonder, Conn};
use crate::{verhuisd, BasisNodig, Result, WelkeInschrijvingen};

/// Reads what `nodig` asks for, in one snapshot.
pub(crate) fn cijferbasis(
    conn: &mut Conn,
    bekend_op: Option<DateTime<Utc>>,
    nodig: BasisNodig,
) -> Result<Basis> {
    let mut tx = conn.transaction()?;
    // One snapshot for all the reads. The statements are simple reads of many rows, planned
    // anew for each report: compiling them (PostgreSQL's JIT) cost more than it saved.
    tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET LOCAL jit = off")?;
    // The registrations, with their people when the basis needs them: one pass, each person
    // found by the register's key (at national scale 152,000 of three million).
    let (mensen, bij) = if nodig.personen {
        (
            ", j.bsn, j.onderwijsnummer, j.gemeente",
            " LEFT JOIN jongeren j ON j.id = r.jongere_id",
        )
    } else {
        ("", "")
    };
    let registraties_sql = match bekend_op {
        None => format!("SELECT r.jongere_id, r.categorie, r.oorzaak, r.van, r.tot{mensen} FROM registraties r{bij}"),
        Some(_) => format!(
            "SELECT r.jongere_id, r.categorie, r.oorzaak, r.van, r.tot{mensen}
             FROM registratie_versies r{bij}
             WHERE r.vastgelegd <= $1 AND (r.vervallen IS NULL OR r.vervallen > $1)"
        ),
    };
    let mut registraties = Vec::new();
    let mut personen = HashMap::new();
    // The people the basis is about (registered, or with a case), and those of them once
    // registered as thuiszitter or in absoluut verzuim, each sorted once: the reads below
    // ask for them by id, which at national scale is a fraction of the register.
    let mut wie: Vec<i64> = Vec::new();
    let mut thuis: Vec<i64> = Vec::new();
    let persoon = |personen: &mut HashMap<i64, Persoon>,
                   id: i64,
                   r: &::postgres::Row,
                   i: usize|
     -> Result<()> {
        if let (false, Some(gemeente)) = (
            personen.contains_key(&id),
            r.get::<_, Option<String>>(i + 2),
        ) {
            personen.insert(
                id,
                Persoon::in_gemeente(Some(leerling_of(r.get(i), r.get(i + 1))?), gemeente),
            );
        }
        Ok(())
    };
    let mut rij = |r: &::postgres::Row| -> Result<()> {
        let (c, o): (&str, &str) = (r.get(1), r.get(2));
        let id: i64 = r.get(0);
        wie.push(id);
        if c == "thuiszittend" || c == "absoluut_verzuim" {
            thuis.push(id);
        }
        registraties.push(cijfer_periode(id, c, o, r.get(3), r.get(4))?);
        if nodig.personen {
            persoon(&mut personen, id, r, 5)?;
        }
        Ok(())
    };
    let t: Vec<&(dyn ToSql + Sync)> = match &bekend_op {
        None => Vec::new(),
        Some(t) => vec![t],
    };
    if nodig.personen {
        // With their people the rows are worked on as they arrive (`query_raw`), while the
        // server still looks up the rest; the registrations alone come faster collected.
        // The planner would rather hash the whole register of three million: three times slower.
        planner_zonder(&mut tx, &["enable_hashjoin", "enable_mergejoin"], |tx| {
            let mut rows = tx.query_raw(&registraties_sql, t)?;
            while let Some(r) = rows.next()? {
                rij(&r)?;
            }
            Ok(())
        })?;
    } else {
        for r in tx.query(&registraties_sql, &t)? {
            rij(&r)?;
        }
    }
    if nodig.personen {
        for r in tx.query(
            "SELECT DISTINCT z.jongere_id, j.bsn, j.onderwijsnummer, j.gemeente
             FROM zaken z LEFT JOIN jongeren j ON j.id = z.jongere_id",
            &[],
        )? {
            let id: i64 = r.get(0);
            wie.push(id);
            persoon(&mut personen, id, &r, 1)?;
        }
    } else if nodig.inschrijvingen == WelkeInschrijvingen::Alle {
        for r in tx.query("SELECT DISTINCT jongere_id FROM zaken", &[])? {
            wie.push(r.get(0));
        }
    }
    for v in [&mut wie, &mut thuis] {
        v.sort_unstable();
        v.dedup();
    }
    if nodig.personen {
        // The moves of the same people, chosen by the server (sending their ids costs more).
        let rows = tx.query(
            &format!(
                "SELECT v.jongere_id, v.datum, v.van, v.naar, v.vastgelegd <= coalesce($1, v.vastgelegd)
                 FROM verhuizingen v
                 WHERE v.jongere_id IN ({} UNION ALL SELECT jongere_id FROM zaken)
                 ORDER BY v.jongere_id, v.vastgelegd",
                if bekend_op.is_some() {
                    "SELECT jongere_id FROM registratie_versies
                     WHERE vastgelegd <= $1 AND (vervallen IS NULL OR vervallen > $1)"
                } else {
                    "SELECT jongere_id FROM registraties"
                }
            ),
            &[&bekend_op],
        )?;
        verhuisd(
            &mut personen,
            rows.iter().map(|r| (r.get(0), verhuizing(r))),
        );
    }
    let inschrijvingen_van = match nodig.inschrijvingen {
        WelkeInschrijvingen::Geen => None,
        WelkeInschrijvingen::Thuiszitters => Some(&thuis),
        WelkeInschrijvingen::Alle => Some(&wie),
    };
    let inschrijvingen = match inschrijvingen_van {
        // A few of every hundred people: their index probes, not the whole table.
        Some(ids) => crate::postgres::met_indexen(&mut tx, |tx| {
            Ok(tx.query(
                "SELECT i.jongere_id, i.school, i.sector, i.begindatum, i.einddatum
                 FROM inschrijvingen i WHERE i.jongere_id = ANY($1)",
                &[ids],
            )?)
        })?,
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
         WHERE e.gebeurtenis->>'soort' IN ('aanbod', 'aanbod_gestart', 'vrijstelling', 'halt', 'proces_verbaal')
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
    let mut basis = Basis {
        personen,
        registraties,
        inschrijvingen,
        aanbiedingen: feiten.aanbiedingen,
        gestart: feiten.gestart,
        vrijstellingen: feiten.vrijstellingen,
        handhaving: feiten.handhaving,
    };
    anoniem(&mut tx, bekend_op, nodig, &mut basis)?;
    tx.commit()?;
    Ok(basis)
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
        let begindatum = r.get(4);
        f(Melding {
            persoon: r.get(0),
            gemeente: r.get(1),
            meerderjarig: leeftijd(r.get(2), begindatum) >= 18,
            school: r.get(3),
            begindatum,
        });
    }
    drop(it);
    cijfer_meldingen_anoniem(conn, van, tot, bekend_op, f)
}

/// See the SQLite store's `kies_meldingen`: the meldingen a purge destroys, in `purge_meldingen`.
pub(crate) fn kies_meldingen(c: &mut ::postgres::Client, voor: NaiveDate) -> Result<()> {
    c.batch_execute("CREATE TEMP TABLE purge_meldingen (id BIGINT PRIMARY KEY) ON COMMIT DROP")?;
    c.execute(
        "INSERT INTO purge_meldingen (id)
         SELECT m.id FROM meldingen m WHERE m.begindatum < $1
           AND NOT EXISTS (SELECT 1 FROM meldingen n WHERE n.jongere_id = m.jongere_id
                           AND n.schooljaar = m.schooljaar AND n.begindatum >= $1)",
        &[&voor],
    )?;
    c.batch_execute("ANALYZE purge_meldingen")?;
    Ok(())
}

/// See the SQLite store's `registraties_grens`: `purge_plan.reg_voor` of each person whose
/// A registration period's first and last day.
type Looptijd = (NaiveDate, Option<NaiveDate>);

/// leerplicht file goes but not the rest.
pub(crate) fn registraties_grens(c: &mut ::postgres::Client) -> Result<()> {
    let mut per: HashMap<i64, (NaiveDate, Vec<Looptijd>)> = HashMap::new();
    for r in c.query(
        "SELECT p.jongere_id, p.voor, r.van, r.tot FROM purge_plan p
           JOIN registraties r ON r.jongere_id = p.jongere_id WHERE NOT p.dossier
         UNION ALL
         SELECT p.jongere_id, p.voor, r.van, r.tot FROM purge_plan p
           JOIN registratie_versies r ON r.jongere_id = p.jongere_id WHERE NOT p.dossier",
        &[],
    )? {
        per.entry(r.get(0))
            .or_insert((r.get(1), Vec::new()))
            .1
            .push((r.get(2), r.get(3)));
    }
    let (mut ids, mut grenzen) = (Vec::new(), Vec::new());
    for (id, (voor, perioden)) in per {
        let grens = leerrecht_domain::retention::registraties_voor(&perioden, voor);
        if grens != voor {
            ids.push(id);
            grenzen.push(grens);
        }
    }
    if !ids.is_empty() {
        c.execute(
            "UPDATE purge_plan p SET reg_voor = u.g
             FROM unnest($1::bigint[], $2::date[]) AS u(i, g) WHERE p.jongere_id = u.i",
            &[&ids, &grenzen],
        )?;
    }
    Ok(())
}

/// See the SQLite store's `bewaar_anoniem`: the anonymous figure rows of what a purge destroys.
pub(crate) fn bewaar_anoniem(c: &mut ::postgres::Client) -> Result<()> {
    c.batch_execute(
        "LOCK TABLE anoniem_personen, anoniem_meldingen IN EXCLUSIVE MODE;
         CREATE TEMP TABLE purge_anoniem ON COMMIT DROP AS
         SELECT p.jongere_id, (SELECT coalesce(max(id), 0) FROM anoniem_personen)
                              + row_number() OVER (ORDER BY random()) AS rij, p.reg_voor
         FROM purge_plan p
         WHERE EXISTS (SELECT 1 FROM registraties r WHERE r.jongere_id = p.jongere_id AND r.van < p.reg_voor)
            OR EXISTS (SELECT 1 FROM registratie_versies r WHERE r.jongere_id = p.jongere_id AND r.van < p.reg_voor)
            OR (p.dossier AND EXISTS (SELECT 1 FROM zaken z WHERE z.jongere_id = p.jongere_id));
         INSERT INTO anoniem_personen (id, gemeente)
         SELECT a.rij, j.gemeente FROM purge_anoniem a JOIN jongeren j ON j.id = a.jongere_id
         ORDER BY a.rij;
         INSERT INTO anoniem_verhuizingen (persoon, datum, van, naar, vastgelegd)
         SELECT a.rij, v.datum, v.van, v.naar, v.vastgelegd
         FROM purge_anoniem a JOIN verhuizingen v ON v.jongere_id = a.jongere_id;
         INSERT INTO anoniem_perioden (persoon, versie, van, tot, categorie, oorzaak)
         SELECT a.rij, 0, r.van, r.tot, r.categorie, r.oorzaak
         FROM purge_anoniem a JOIN registraties r ON r.jongere_id = a.jongere_id
         WHERE r.van < a.reg_voor;
         INSERT INTO anoniem_perioden (persoon, versie, van, tot, categorie, oorzaak, vastgelegd, vervallen)
         SELECT a.rij, 1, r.van, r.tot, r.categorie, r.oorzaak, r.vastgelegd, r.vervallen
         FROM purge_anoniem a JOIN registratie_versies r ON r.jongere_id = a.jongere_id
         WHERE r.van < a.reg_voor;
         INSERT INTO anoniem_inschrijvingen (persoon, school, sector, van, tot)
         SELECT a.rij, i.school, i.sector, i.begindatum, i.einddatum
         FROM purge_anoniem a JOIN inschrijvingen i ON i.jongere_id = a.jongere_id
         WHERE i.begindatum < a.reg_voor;
         INSERT INTO anoniem_aanbiedingen (persoon, aangeboden, tijd)
         SELECT a.rij, (e.gebeurtenis->>'aangeboden')::date, e.tijd
         FROM purge_anoniem a JOIN zaken z ON z.jongere_id = a.jongere_id
         JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE e.gebeurtenis->>'soort' = 'aanbod' AND (e.gebeurtenis->>'aangeboden')::date < a.reg_voor
           AND (e.gebeurtenis->>'aangeboden')::date >= (SELECT min(r.van) FROM registratie_versies r
                 WHERE r.jongere_id = a.jongere_id AND r.van < a.reg_voor);
         INSERT INTO anoniem_aanbod_gestart (persoon, gestart, tijd)
         SELECT a.rij, (e.gebeurtenis->>'gestart')::date, e.tijd
         FROM purge_anoniem a JOIN zaken z ON z.jongere_id = a.jongere_id
         JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE e.gebeurtenis->>'soort' IN ('aanbod', 'aanbod_gestart')
           AND e.gebeurtenis->>'gestart' IS NOT NULL
           AND (e.gebeurtenis->>'gestart')::date < a.reg_voor;
         INSERT INTO anoniem_vrijstellingen (persoon, artikel, geen_passend_aanbod, van, tijd)
         SELECT a.rij, e.gebeurtenis->>'artikel', (e.gebeurtenis->>'geen_passend_aanbod')::boolean,
                (e.gebeurtenis->>'van')::date, e.tijd
         FROM purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN zaken z ON z.jongere_id = a.jongere_id JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE p.dossier AND e.gebeurtenis->>'soort' = 'vrijstelling';
         INSERT INTO anoniem_handhaving (persoon, soort, datum, tijd)
         SELECT a.rij, CASE e.gebeurtenis->>'soort' WHEN 'halt' THEN 'halt'
                       ELSE e.gebeurtenis->>'artikel' END,
                (e.gebeurtenis->>'datum')::date, e.tijd
         FROM purge_anoniem a JOIN purge_plan p ON p.jongere_id = a.jongere_id
         JOIN zaken z ON z.jongere_id = a.jongere_id JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE p.dossier AND e.gebeurtenis->>'soort' IN ('halt', 'proces_verbaal');

         CREATE TEMP TABLE purge_melders ON COMMIT DROP AS
         SELECT jongere_id, schooljaar, (SELECT coalesce(max(persoon), 0) FROM anoniem_meldingen)
                                        + row_number() OVER (ORDER BY random()) AS rij
         FROM (SELECT DISTINCT m.jongere_id, m.schooljaar FROM meldingen m
               JOIN purge_meldingen w ON w.id = m.id WHERE m.vastgelegd IS NOT NULL) x;
         INSERT INTO anoniem_meldingen
             (persoon, gemeente, meerderjarig, school, begindatum, telt, vastgelegd, ingetrokken_op)
         SELECT t.rij, coalesce(m.gemeente, ''), m.meerderjarig, m.school, m.begindatum,
                m.status NOT IN ('concept', 'ingetrokken'), m.vastgelegd, m.ingetrokken_op
         FROM meldingen m JOIN purge_meldingen w ON w.id = m.id
         JOIN purge_melders t ON t.jongere_id = m.jongere_id AND t.schooljaar = m.schooljaar
         WHERE m.vastgelegd IS NOT NULL
         ORDER BY t.rij, m.begindatum;
         INSERT INTO anoniem_concepten (school, begindatum, bevestigd, ingetrokken, vervallen)
         SELECT m.school, m.begindatum,
                CASE WHEN isfinite(m.vastgelegd) THEN (m.vastgelegd AT TIME ZONE 'UTC')::date END,
                CASE WHEN isfinite(m.ingetrokken_op) THEN (m.ingetrokken_op AT TIME ZONE 'UTC')::date END,
                coalesce(m.afsluitreden = 'signaal_vervallen', false)
         FROM meldingen m JOIN purge_meldingen w ON w.id = m.id
         WHERE m.signaal IS NOT NULL
         ORDER BY m.school, m.begindatum;",
    )?;
    Ok(())
}

/// The anonymous meldingen that retention kept, like [`cijfer_meldingen`], each person under
/// the negative of their number.
pub(crate) fn cijfer_meldingen_anoniem(
    conn: &mut Conn,
    van: NaiveDate,
    tot: NaiveDate,
    bekend_op: Option<DateTime<Utc>>,
    f: &mut dyn FnMut(Melding<'_>),
) -> Result<()> {
    for r in conn.query(
        "SELECT persoon, gemeente, meerderjarig, school, begindatum FROM anoniem_meldingen
         WHERE begindatum >= $1 AND begindatum <= $2
           AND CASE WHEN $3::timestamptz IS NULL THEN telt
               ELSE vastgelegd <= $3 AND (ingetrokken_op IS NULL OR ingetrokken_op > $3) END",
        &[&van, &tot, &bekend_op],
    )? {
        f(Melding {
            persoon: -r.get::<_, i64>(0),
            gemeente: r.get(1),
            meerderjarig: r.get(2),
            school: r.get(3),
            begindatum: r.get(4),
        });
    }
    Ok(())
}

/// A move read as (id, day, from, to, known at the moment asked).
fn verhuizing(r: &::postgres::Row) -> (Verhuizing, bool) {
    (
        Verhuizing {
            datum: r.get(1),
            van: r.get(2),
            naar: r.get(3),
        },
        r.get(4),
    )
}

/// See the SQLite store's `anoniem`: the anonymous figure rows added to `basis`.
fn anoniem(
    tx: &mut ::postgres::Transaction<'_>,
    t: Option<DateTime<Utc>>,
    nodig: BasisNodig,
    basis: &mut Basis,
) -> Result<()> {
    for r in tx.query(
        "SELECT persoon, categorie, oorzaak, van, tot FROM anoniem_perioden
         WHERE CASE WHEN $1::timestamptz IS NULL THEN versie = 0
               ELSE versie = 1 AND vastgelegd <= $1 AND (vervallen IS NULL OR vervallen > $1) END",
        &[&t],
    )? {
        let (c, o): (&str, &str) = (r.get(1), r.get(2));
        basis.registraties.push(cijfer_periode(
            -r.get::<_, i64>(0),
            c,
            o,
            r.get(3),
            r.get(4),
        )?);
    }
    if nodig.personen {
        for r in tx.query("SELECT id, gemeente FROM anoniem_personen", &[])? {
            basis
                .personen
                .insert(-r.get::<_, i64>(0), Persoon::in_gemeente(None, r.get(1)));
        }
        let rows = tx.query(
            "SELECT persoon, datum, van, naar, vastgelegd <= coalesce($1, vastgelegd)
             FROM anoniem_verhuizingen ORDER BY persoon, vastgelegd",
            &[&t],
        )?;
        verhuisd(
            &mut basis.personen,
            rows.iter().map(|r| (-r.get::<_, i64>(0), verhuizing(r))),
        );
    }
    if nodig.inschrijvingen != WelkeInschrijvingen::Geen {
        for r in tx.query(
            "SELECT persoon, school, sector, van, tot FROM anoniem_inschrijvingen",
            &[],
        )? {
            basis.inschrijvingen.push(Inschrijving {
                persoon: -r.get::<_, i64>(0),
                school: r.get(1),
                sector: r.get(2),
                van: r.get(3),
                tot: r.get(4),
            });
        }
    }
    if nodig.zaken {
        for r in tx.query(
            "SELECT persoon, aangeboden FROM anoniem_aanbiedingen
             WHERE $1::timestamptz IS NULL OR tijd <= $1",
            &[&t],
        )? {
            basis.aanbiedingen.push((-r.get::<_, i64>(0), r.get(1)));
        }
        for r in tx.query(
            "SELECT persoon, gestart FROM anoniem_aanbod_gestart
             WHERE $1::timestamptz IS NULL OR tijd <= $1",
            &[&t],
        )? {
            basis.gestart.push((-r.get::<_, i64>(0), r.get(1)));
        }
        for r in tx.query(
            "SELECT persoon, artikel, geen_passend_aanbod, van FROM anoniem_vrijstellingen
             WHERE $1::timestamptz IS NULL OR tijd <= $1",
            &[&t],
        )? {
            basis.vrijstellingen.push(cijfer_vrijstelling(
                -r.get::<_, i64>(0),
                r.get(1),
                r.get(2),
                r.get(3),
            )?);
        }
        for r in tx.query(
            "SELECT persoon, soort, datum FROM anoniem_handhaving
             WHERE $1::timestamptz IS NULL OR tijd <= $1",
            &[&t],
        )? {
            let soort: String = r.get(1);
            basis.handhaving.push(
                Handhaving::van_code(-r.get::<_, i64>(0), &soort, r.get(2))
                    .map_err(|e| crate::stored::invalid("anoniem_handhaving", e))?,
            );
        }
    }
    Ok(())
}
