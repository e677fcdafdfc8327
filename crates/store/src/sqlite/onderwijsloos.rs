//! The periods without an enrolment (migration V54), brought up to date for the people a
//! change marked.

use rusqlite::Connection;

use crate::Result;

/// Recomputes the periods of every marked person and clears the marks; within the caller's
/// transaction.
pub(crate) fn bijwerken(conn: &Connection) -> Result<()> {
    let gemarkeerd: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM onderwijsloos_vuil)",
        [],
        |r| r.get(0),
    )?;
    if !gemarkeerd {
        return Ok(());
    }
    conn.execute_batch(
        "DELETE FROM onderwijsloos WHERE jongere_id IN (SELECT jongere_id FROM onderwijsloos_vuil);
         WITH p AS (
           SELECT j.id, date(j.geboortedatum, '+5 years', '-1 month') AS lo,
                  date(j.geboortedatum, '+18 years', '+1 month') AS hi
           FROM onderwijsloos_vuil v JOIN jongeren j ON j.id = v.jongere_id),
         e AS (
           SELECT i.jongere_id, i.begindatum AS b, coalesce(i.einddatum, '9999-12-31') AS e,
                  max(coalesce(i.einddatum, '9999-12-31')) OVER (
                    PARTITION BY i.jongere_id ORDER BY i.begindatum, i.school
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS voor
           FROM onderwijsloos_vuil v JOIN inschrijvingen i ON i.jongere_id = v.jongere_id),
         g AS (
           SELECT jongere_id, coalesce(date(voor, '+1 day'), '0000-01-01') AS van,
                  date(b, '-1 day') AS tot
           FROM e WHERE voor IS NULL OR voor < date(b, '-1 day')
           UNION ALL
           SELECT jongere_id, date(max(e), '+1 day'), '9999-12-31' FROM e
           GROUP BY jongere_id HAVING max(e) < '9999-12-31'
           UNION ALL
           SELECT id, '0000-01-01', '9999-12-31' FROM p
           WHERE NOT EXISTS (SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = p.id))
         INSERT INTO onderwijsloos (jongere_id, van, tot)
         SELECT g.jongere_id, max(g.van, p.lo), min(g.tot, p.hi) FROM g JOIN p ON p.id = g.jongere_id
         WHERE max(g.van, p.lo) <= min(g.tot, p.hi);
         DELETE FROM onderwijsloos_vuil;",
    )?;
    Ok(())
}
