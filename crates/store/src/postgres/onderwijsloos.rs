//! The periods without an enrolment (migration V54), brought up to date for the people a
//! change marked.

use crate::Result;

/// Recomputes the periods of every marked person and clears those marks; within the caller's
/// transaction. The marks are taken first: a person another transaction marks after that is
/// left marked, and one it marked before is recomputed from what it committed.
pub(crate) fn bijwerken<C: ::postgres::GenericClient>(conn: &mut C) -> Result<()> {
    let ids: Vec<i64> = conn
        .query("DELETE FROM onderwijsloos_vuil RETURNING jongere_id", &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    conn.execute(
        "DELETE FROM onderwijsloos WHERE jongere_id = ANY($1)",
        &[&ids],
    )?;
    conn.execute(
        "WITH v AS (SELECT unnest($1::bigint[]) AS jongere_id),
         p AS (
           SELECT j.id, (j.geboortedatum + interval '5 years' - interval '1 month')::date AS lo,
                  (j.geboortedatum + interval '18 years 1 month')::date AS hi
           FROM v JOIN jongeren j ON j.id = v.jongere_id),
         e AS (
           SELECT i.jongere_id, i.begindatum AS b, coalesce(i.einddatum, 'infinity') AS e,
                  max(coalesce(i.einddatum, 'infinity')) OVER (
                    PARTITION BY i.jongere_id ORDER BY i.begindatum, i.school
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS voor
           FROM v JOIN inschrijvingen i ON i.jongere_id = v.jongere_id),
         g AS (
           SELECT jongere_id, coalesce(voor + 1, '-infinity') AS van, b - 1 AS tot
           FROM e WHERE voor IS NULL OR voor < b - 1
           UNION ALL
           SELECT jongere_id, max(e) + 1, 'infinity' FROM e
           GROUP BY jongere_id HAVING max(e) < 'infinity'
           UNION ALL
           SELECT id, '-infinity', 'infinity' FROM p
           WHERE NOT EXISTS (SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = p.id))
         INSERT INTO onderwijsloos (jongere_id, van, tot)
         SELECT g.jongere_id, greatest(g.van, p.lo), least(g.tot, p.hi)
         FROM g JOIN p ON p.id = g.jongere_id
         WHERE greatest(g.van, p.lo) <= least(g.tot, p.hi)",
        &[&ids],
    )?;
    Ok(())
}
