//! The PostgreSQL store's absence, meldingen and signals: rows are staged with COPY, checked,
//! folded and merged set-based; a signal run reads the changed pupils through a cursor and
//! writes their signals back with COPY, all in one transaction.

use ::postgres::Client;
use chrono::NaiveDate;
use leerrecht_domain::duty::BirthRanges;
use leerrecht_domain::ids::{Bsn, LeerlingId, Onderwijsnummer, SchoolCode};
use leerrecht_domain::rules::{Dagtotaal, Verzuim, Verzuimsoort};

use crate::postgres::{
    copy_rows, flush_copy, ids, in_tx, invalid, issues_from, person_id, row, tally, with_person,
    COPY_CHUNK,
};
use crate::{
    decided, AvKandidaat, Beoordelaars, Decide, ImportCounts, ImportOutcome, MeldingRij, Result,
    RowIssue, Rows, SignaalRij, SignaalRun, StoreError, VerzuimRij, CONCEPT_REGELS, UNKNOWN_PERSON,
};

pub(crate) fn import_verzuim(
    conn: &mut Client,
    rows: Rows<'_, VerzuimRij>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    in_tx(conn, |conn| {
        conn.batch_execute(
            "CREATE TEMP TABLE stage_vraw (line BIGINT, bsn INTEGER, onr INTEGER, school TEXT,
               datum DATE, soort TEXT, minuten INTEGER, hele_dag BOOLEAN) ON COMMIT DROP",
        )?;
        const COPY: &str = "COPY stage_vraw FROM STDIN";
        copy_rows(conn, COPY, rows, |line, r, buf| {
            let (bsn, onr) = ids(r.leerling);
            let v = r.verzuim;
            row(
                buf,
                &[
                    Some(&line.to_string()),
                    bsn.as_deref(),
                    onr.as_deref(),
                    Some(r.school.as_str()),
                    Some(&v.datum.to_string()),
                    Some(v.soort.code()),
                    Some(&v.minuten.to_string()),
                    Some(if v.hele_dag { "t" } else { "f" }),
                ],
            );
        })?;
        conn.batch_execute(
            &(with_person("stage_vraw", "stage_v")
                + "ALTER TABLE stage_v ADD COLUMN ingeschreven BOOLEAN;
             UPDATE stage_v s SET ingeschreven = EXISTS (
               SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = s.person AND i.school = s.school
                 AND i.begindatum <= s.datum AND (i.einddatum IS NULL OR i.einddatum >= s.datum))
             WHERE s.person IS NOT NULL;
             ANALYZE stage_v;"),
        )?;
        let mut issues = issues_from(
            conn,
            "SELECT line FROM stage_v WHERE person IS NULL ORDER BY line",
            "leerling",
            |_| UNKNOWN_PERSON.into(),
        )?;
        for r in conn.query(
            "SELECT line, coalesce(bsn, onr), school, datum FROM stage_v
             WHERE person IS NOT NULL AND NOT ingeschreven ORDER BY line",
            &[],
        )? {
            let n: i32 = r.get(1);
            let leerling = format!("{:09}", n);
            let datum: NaiveDate = r.get(3);
            issues.push(RowIssue::new(
                r.get::<_, i64>(0) as u64,
                "datum",
                format!(
                    "{leerling} is not enrolled at {} on {datum}",
                    r.get::<_, String>(2)
                ),
            ));
        }
        issues.sort_by_key(|i| i.line);
        conn.batch_execute(
            "CREATE TEMP TABLE folded ON COMMIT DROP AS
               SELECT f.*, CASE WHEN v.jongere_id IS NULL THEN 0
                                WHEN (v.minuten, v.aantal, v.hele_dag) = (f.minuten, f.aantal, f.hele_dag)
                                THEN 1 ELSE 2 END AS oud
               FROM (SELECT person AS jongere_id, school, datum, soort, sum(minuten)::int AS minuten,
                            count(*)::int AS aantal, bool_or(hele_dag) AS hele_dag
                     FROM stage_v WHERE person IS NOT NULL AND ingeschreven
                     GROUP BY person, school, datum, soort) f
               LEFT JOIN verzuim v ON v.jongere_id = f.jongere_id AND v.school = f.school
                 AND v.datum = f.datum AND v.soort = f.soort;
             INSERT INTO verzuim (jongere_id, school, datum, soort, minuten, aantal, hele_dag)
               SELECT jongere_id, school, datum, soort, minuten, aantal, hele_dag
               FROM folded WHERE oud <> 1 ORDER BY jongere_id, school, datum, soort
               ON CONFLICT (jongere_id, school, datum, soort) DO UPDATE
                 SET minuten = excluded.minuten, aantal = excluded.aantal, hele_dag = excluded.hele_dag;
             INSERT INTO verzuim_gewijzigd (jongere_id, school)
               SELECT DISTINCT jongere_id, school FROM folded WHERE oud <> 1
               ON CONFLICT DO NOTHING;",
        )?;
        let r = conn.query_one(
            "SELECT count(*) FILTER (WHERE oud = 0), count(*) FILTER (WHERE oud = 1),
                    count(*) FILTER (WHERE oud = 2) FROM folded",
            &[],
        )?;
        let counts = ImportCounts {
            nieuw: r.get::<_, i64>(0) as u64,
            ongewijzigd: r.get::<_, i64>(1) as u64,
            gewijzigd: r.get::<_, i64>(2) as u64,
        };
        decided(counts, issues, decide)
    })
}

pub(crate) fn import_meldingen(
    conn: &mut Client,
    rows: Rows<'_, MeldingRij>,
    decide: Decide<'_>,
    markering: Option<&str>,
) -> Result<ImportOutcome> {
    in_tx(conn, |conn| {
        let mut counts = ImportCounts::default();
        let mut issues = Vec::new();
        let mut first_line = std::collections::HashMap::new();
        for (line, m) in rows {
            let Some(person) = person_id(conn, m.leerling)? else {
                issues.push(RowIssue::new(line, "leerling", UNKNOWN_PERSON));
                continue;
            };
            let enrolled = conn
                .query_opt(
                    "SELECT 1 FROM inschrijvingen WHERE jongere_id = $1 AND school = $2
                       AND begindatum <= $3 AND (einddatum IS NULL OR einddatum >= $3)",
                    &[&person, &m.school.as_str(), &m.begindatum],
                )?
                .is_some();
            if !enrolled {
                issues.push(RowIssue::new(
                    line,
                    "begindatum",
                    format!(
                        "{} is not enrolled at {} on {}",
                        m.leerling, m.school, m.begindatum
                    ),
                ));
                continue;
            }
            let key = (person, m.school.clone(), m.begindatum, m.verzuimsoort);
            if let Some(first) = first_line.get(&key) {
                issues.push(RowIssue::new(
                    line,
                    "begindatum",
                    format!("this melding appears twice in the file (first on line {first})"),
                ));
                continue;
            }
            first_line.insert(key, line);
            let uren = m.uren.map(|u| u as i32);
            let dagen = m.dagen.map(|d| d as i32);
            let gegevens = m.gegevens.json();
            let old = conn.query_opt(
                "SELECT uren, dagen, gegevens FROM meldingen WHERE jongere_id = $1 AND school = $2
                   AND begindatum = $3 AND verzuimsoort = $4",
                &[&person, &m.school.as_str(), &m.begindatum, &m.verzuimsoort],
            )?;
            let old: Option<(Option<i32>, Option<i32>, String)> =
                old.map(|r| (r.get(0), r.get(1), r.get(2)));
            let changed = old.as_ref() != Some(&(uren, dagen, gegevens.clone()));
            if changed {
                conn.execute(
                    "INSERT INTO meldingen (jongere_id, school, begindatum, verzuimsoort, uren, dagen, gegevens, vastgelegd,
                                            gemeente, geboortedatum)
                     SELECT $1, $2, $3, $4, $5, $6, $7, now(), j.gemeente, j.geboortedatum
                     FROM jongeren j WHERE j.id = $1
                     ON CONFLICT (jongere_id, school, begindatum, verzuimsoort)
                     DO UPDATE SET uren = excluded.uren, dagen = excluded.dagen,
                                   gegevens = excluded.gegevens",
                    &[
                        &person,
                        &m.school.as_str(),
                        &m.begindatum,
                        &m.verzuimsoort,
                        &uren,
                        &dagen,
                        &gegevens,
                    ],
                )?;
            }
            tally(&mut counts, old.is_some(), changed);
        }
        let besluit = decided(counts, issues, decide)?;
        if let (Some(naam), true) = (markering, besluit.1) {
            conn.execute(
                "INSERT INTO instellingen (naam, waarde) VALUES ($1, '1') ON CONFLICT DO NOTHING",
                &[&naam],
            )?;
        }
        Ok(besluit)
    })
}

/// Folds one pupil's rows at one school per day and kind, as the table holds them.
pub(crate) fn copy_verzuim(buf: &mut Vec<u8>, person: i64, school: &SchoolCode, rows: &[Verzuim]) {
    let mut sorted: Vec<&Verzuim> = rows.iter().collect();
    sorted.sort_by_key(|v| (v.datum, v.soort));
    let mut i = 0;
    while i < sorted.len() {
        let (d, k) = (sorted[i].datum, sorted[i].soort);
        let (mut minuten, mut aantal, mut hele_dag) = (0u32, 0u32, false);
        while i < sorted.len() && sorted[i].datum == d && sorted[i].soort == k {
            minuten += u32::from(sorted[i].minuten);
            aantal += 1;
            hele_dag |= sorted[i].hele_dag;
            i += 1;
        }
        row(
            buf,
            &[
                Some(&person.to_string()),
                Some(school.as_str()),
                Some(&d.to_string()),
                Some(k.code()),
                Some(&minuten.to_string()),
                Some(&aantal.to_string()),
                Some(if hele_dag { "t" } else { "f" }),
            ],
        );
    }
}

pub(crate) const COPY_VERZUIM: &str =
    "COPY verzuim (jongere_id, school, datum, soort, minuten, aantal, hele_dag) FROM STDIN";

pub(crate) fn regelversies(conn: &mut Client) -> Result<Vec<(NaiveDate, String)>> {
    Ok(conn
        .query("SELECT van, regels FROM regelversies ORDER BY van", &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

pub(crate) fn add_regelversie(conn: &mut Client, van: NaiveDate, regels: &str) -> Result<()> {
    in_tx(conn, |conn| {
        conn.execute(
            "INSERT INTO regelversies (van, regels) VALUES ($1, $2)",
            &[&van, &regels],
        )?;
        conn.batch_execute(
            "INSERT INTO verzuim_gewijzigd (jongere_id, school)
             SELECT DISTINCT jongere_id, school FROM verzuim ON CONFLICT DO NOTHING",
        )?;
        Ok(((), true))
    })
}

const COPY_SIGNALEN: &str = "COPY signalen (jongere_id, school, regel, datum, uitleg) FROM STDIN";

pub(crate) fn bring_signals_up_to_date(
    conn: &mut Client,
    all: bool,
    maak: Beoordelaars<'_>,
) -> Result<SignaalRun> {
    let mut b = maak();
    in_tx(conn, |conn| {
        if all {
            conn.batch_execute(
                "TRUNCATE signalen; DELETE FROM verzuim_gewijzigd;
                 INSERT INTO verzuim_gewijzigd SELECT DISTINCT jongere_id, school FROM verzuim;",
            )?;
        } else {
            conn.batch_execute(
                "LOCK TABLE verzuim_gewijzigd IN EXCLUSIVE MODE;
                 DELETE FROM signalen s USING verzuim_gewijzigd g
                  WHERE s.jongere_id = g.jongere_id AND s.school = g.school;",
            )?;
        }
        let sql = if all {
            "DECLARE rijen NO SCROLL CURSOR FOR
             SELECT jongere_id, school, datum, soort, minuten, aantal, hele_dag FROM verzuim
             ORDER BY jongere_id, school, datum"
        } else {
            "DECLARE rijen NO SCROLL CURSOR FOR
             SELECT v.jongere_id, v.school, v.datum, v.soort, v.minuten, v.aantal, v.hele_dag
             FROM verzuim_gewijzigd g JOIN verzuim v
               ON v.jongere_id = g.jongere_id AND v.school = g.school
             ORDER BY v.jongere_id, v.school, v.datum"
        };
        conn.batch_execute(sql)?;
        let mut run = SignaalRun::default();
        let mut rows_buf: Vec<Dagtotaal> = Vec::new();
        let mut out = Vec::with_capacity(COPY_CHUNK + 4096);
        let mut current: Option<(i64, SchoolCode)> = None;
        let mut flush = |current: &Option<(i64, SchoolCode)>,
                         rows_buf: &mut Vec<Dagtotaal>,
                         out: &mut Vec<u8>,
                         run: &mut SignaalRun| {
            if let Some((person, school)) = current {
                let (_, n) = b.beoordeel(school.as_str(), rows_buf);
                for s in &b.signalen() {
                    row(
                        out,
                        &[
                            Some(&person.to_string()),
                            Some(school.as_str()),
                            Some(s.regel),
                            Some(&s.datum.to_string()),
                            Some(&s.uitleg),
                        ],
                    );
                }
                run.leerlingen += 1;
                run.gewijzigd += 1;
                run.signalen += n;
            }
            rows_buf.clear();
        };
        loop {
            let batch = conn.query("FETCH 20000 FROM rijen", &[])?;
            if batch.is_empty() {
                break;
            }
            for r in &batch {
                let person: i64 = r.get(0);
                let school: &str = r.get(1);
                if current
                    .as_ref()
                    .is_none_or(|(p, s)| *p != person || s.as_str() != school)
                {
                    flush(&current, &mut rows_buf, &mut out, &mut run);
                    current = Some((person, school.parse().map_err(|e| invalid("school", e))?));
                }
                let soort: Verzuimsoort = r
                    .get::<_, &str>(3)
                    .parse()
                    .map_err(|e| invalid("soort", e))?;
                let minuten: i32 = r.get(4);
                let aantal: i32 = r.get(5);
                let datum: NaiveDate = r.get(2);
                let hele_dag: bool = r.get(6);
                let minuten = u16::try_from(minuten).unwrap_or(u16::MAX);
                rows_buf.push(Dagtotaal {
                    datum,
                    soort,
                    minuten,
                    aantal: u16::try_from(aantal).unwrap_or(u16::MAX),
                    hele_dag,
                });
                run.rijen += 1;
            }
            // A pupil may continue in the next batch: write only what is complete.
            if out.len() >= COPY_CHUNK {
                flush_copy(conn, COPY_SIGNALEN, &mut out)?;
            }
        }
        flush(&current, &mut rows_buf, &mut out, &mut run);
        flush_copy(conn, COPY_SIGNALEN, &mut out)?;
        conn.batch_execute("CLOSE rijen")?;
        // The draft meldingen of the new signals of the pairs evaluated.
        run.concepten = conn.execute(
            &format!(
                "INSERT INTO meldingen (jongere_id, school, begindatum, verzuimsoort, status, signaal,
                                        gemeente, geboortedatum)
                 SELECT s.jongere_id, s.school, s.datum, {CONCEPT_REGELS}, 'concept', s.regel,
                        j.gemeente, j.geboortedatum
                 FROM verzuim_gewijzigd g
                 JOIN signalen s ON s.jongere_id = g.jongere_id AND s.school = g.school
                 JOIN jongeren j ON j.id = s.jongere_id
                 WHERE s.regel IN ('16uur','luxe','te_laat','lrv')
                 ON CONFLICT (jongere_id, school, begindatum, verzuimsoort) DO UPDATE
                 SET status = 'concept', ingetrokken_op = NULL, afsluitreden = NULL
                 WHERE meldingen.status = 'ingetrokken'
                   AND meldingen.afsluitreden = 'signaal_vervallen'"
            ),
            &[],
        )?;
        // A draft whose signal is gone is withdrawn, with the reason.
        run.ingetrokken = conn.execute(
            "UPDATE meldingen m SET status = 'ingetrokken', ingetrokken_op = now(),
                    afsluitreden = 'signaal_vervallen'
             FROM verzuim_gewijzigd g
             WHERE m.jongere_id = g.jongere_id AND m.school = g.school
               AND m.status = 'concept' AND m.signaal IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM signalen s
                               WHERE s.jongere_id = m.jongere_id AND s.school = m.school
                                 AND s.regel = m.signaal AND s.datum = m.begindatum)",
            &[],
        )?;
        conn.batch_execute("DELETE FROM verzuim_gewijzigd")?;
        Ok((run, true))
    })
}

/// The identifier of a stored person: the BSN, or the onderwijsnummer when there is none.
pub(crate) fn leerling_of(bsn: Option<i32>, onr: Option<i32>) -> Result<LeerlingId> {
    bsn.and_then(|n| Bsn::new(n as u32).ok())
        .map(LeerlingId::Bsn)
        .or(onr
            .and_then(|n| Onderwijsnummer::new(n as u32).ok())
            .map(LeerlingId::Onderwijsnummer))
        .ok_or_else(|| invalid("jongere", "without BSN or onderwijsnummer"))
}

pub(crate) fn signalen(
    conn: &mut Client,
    until: NaiveDate,
    regel: Option<&str>,
    f: &mut dyn FnMut(SignaalRij) -> Result<()>,
) -> Result<()> {
    use ::postgres::fallible_iterator::FallibleIterator;
    let params: [&(dyn ::postgres::types::ToSql + Sync); 2] = [&until, &regel];
    let mut it = conn.query_raw(
        "SELECT j.bsn, j.onderwijsnummer, s.school, s.regel, s.datum, s.uitleg
         FROM signalen s JOIN jongeren j ON j.id = s.jongere_id
         WHERE s.datum <= $1 AND ($2::text IS NULL OR s.regel = $2)
         ORDER BY s.datum, s.school, coalesce(j.bsn, j.onderwijsnummer), s.regel",
        params,
    )?;
    while let Some(r) = it.next()? {
        let school: String = r.get(2);
        f(SignaalRij {
            leerling: leerling_of(r.get(0), r.get(1))?,
            school: school.parse().map_err(|e| invalid("school", e))?,
            regel: r.get(3),
            datum: r.get(4),
            uitleg: r.get(5),
        })?;
    }
    Ok(())
}

pub(crate) fn av_kandidaten(
    conn: &mut Client,
    on: NaiveDate,
    r: BirthRanges,
    f: &mut dyn FnMut(AvKandidaat) -> Result<()>,
) -> Result<()> {
    let rows = conn.query(
        "SELECT j.bsn, j.onderwijsnummer, j.geboortedatum, j.gemeente,
                (SELECT min(i.einddatum) FROM inschrijvingen i
                 WHERE i.jongere_id = j.id AND i.startkwalificatie),
                EXISTS (SELECT 1 FROM zaken z JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
                        WHERE z.jongere_id = j.id AND e.gebeurtenis->>'soort' = 'vrijstelling'
                          AND (e.gebeurtenis->>'van')::date <= $1
                          AND coalesce((e.gebeurtenis->>'tot')::date, 'infinity') >= $1)
         FROM jongeren j
         WHERE (j.geboortedatum BETWEEN $2 AND $3 OR j.geboortedatum BETWEEN $4 AND $5)
           AND j.gemeente IN (SELECT b.gemeente FROM organisatie_bedient b
                              JOIN organisaties o ON o.code = b.organisatie
                              WHERE o.soort = 'leerplicht')
           AND NOT EXISTS (SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = j.id
                           AND i.begindatum <= $1 AND (i.einddatum IS NULL OR i.einddatum >= $1))
         ORDER BY j.gemeente, coalesce(j.bsn, j.onderwijsnummer)",
        &[
            &on,
            &r.leerplichtig.0,
            &r.leerplichtig.1,
            &r.kwalificatieplichtig.0,
            &r.kwalificatieplichtig.1,
        ],
    )?;
    for row in rows {
        let gemeente: String = row.get(3);
        f(AvKandidaat {
            leerling: leerling_of(row.get(0), row.get(1))?,
            geboortedatum: row.get(2),
            gemeente: gemeente.parse().map_err(|e| invalid("gemeente", e))?,
            startkwalificatie: row.get(4),
            vrijgesteld: row.get(5),
        })?;
    }
    Ok(())
}

pub(crate) fn person_for(conn: &mut Client, l: LeerlingId) -> Result<i64> {
    person_id(conn, l)?.ok_or_else(|| StoreError::Invalid("absence of an unknown person".into()))
}
