//! The PostgreSQL store's thuiszitter registrations and cases. Registrations are staged with COPY, checked and merged with
//! set-based statements, as the other imports.

use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::Client;
use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::register::{toets, Registerfeiten};
use leerrecht_domain::rules::Regel;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak, Registratie};
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};

use crate::cases::{
    als_registraties, feit_gebeurtenis, gebeurtenis, gebeurtenis_json, overlap_reason, Inhoud,
    Periode, RegistratieOpslag, ZAAK_GEWIJZIGD,
};
use crate::Concept;
use crate::{MeldingStaat, MeldingZetting, WerkRij, ZaakEvent, ZaakRij, Zaakdossier};
use std::collections::{HashMap, HashSet};

use crate::postgres::{
    copy_rows, ids, in_tx, invalid, met_indexen, person_id, row, stage_per_person, Conn,
};
use crate::{decided, Decide, ImportCounts, ImportOutcome, Result, Rows, UNKNOWN_PERSON};

pub(crate) fn import_registraties(
    conn: &mut Conn,
    rows: Rows<'_, Registratie>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    in_tx(conn, |conn| {
        conn.batch_execute(
            "CREATE TEMP TABLE stage_raw (line BIGINT, bsn INTEGER, onr INTEGER, van DATE, tot DATE,
               categorie TEXT, oorzaak TEXT) ON COMMIT DROP",
        )?;
        const COPY: &str =
            "COPY stage_raw (line, bsn, onr, van, tot, categorie, oorzaak) FROM STDIN";
        copy_rows(conn, COPY, rows, |line, r, buf| {
            let (bsn, onr) = ids(r.leerling);
            let tot = r.tot().map(|d| d.to_string());
            row(
                buf,
                &[
                    Some(&line.to_string()),
                    bsn.as_deref(),
                    onr.as_deref(),
                    Some(&r.van().to_string()),
                    tot.as_deref(),
                    Some(r.categorie.code()),
                    Some(r.oorzaak.code()),
                ],
            );
        })?;
        let mut issues = stage_per_person(conn, "van", "van", "this registration")?;
        // Each period must fit the register on each of its days; an open absoluut_verzuim
        // ends with the duty. The register's facts of the rows' persons are read at once.
        let te_toetsen = conn.query(
            "SELECT line, person, categorie, van, tot FROM stage_w
             WHERE line = first AND categorie IN ('thuiszittend', 'absoluut_verzuim')
             ORDER BY line",
            &[],
        )?;
        let personen: Vec<i64> = te_toetsen.iter().map(|t| t.get(1)).collect();
        let feiten = met_indexen(conn, |conn| registerfeiten_van(conn, &personen))?;
        let (mut weg, mut eind_regels, mut einden) = (Vec::new(), Vec::new(), Vec::new());
        for t in te_toetsen {
            let (line, person): (i64, i64) = (t.get(0), t.get(1));
            let categorie: String = t.get(2);
            let categorie: Categorie = categorie.parse().map_err(|e| invalid("categorie", e))?;
            let (van, tot): (NaiveDate, Option<NaiveDate>) = (t.get(3), t.get(4));
            let feiten = feiten
                .get(&person)
                .ok_or_else(|| invalid("leerling", UNKNOWN_PERSON))?;
            match toets(categorie, van, tot, feiten) {
                Err(a) => {
                    // Reported once, as the SQLite store does: not also as an overlap.
                    weg.push(line);
                    issues.push(crate::RowIssue::new(line as u64, a.kolom, a.reden));
                }
                Ok(eind) if eind != tot => {
                    eind_regels.push(line);
                    einden.push(eind);
                }
                Ok(_) => {}
            }
        }
        if !weg.is_empty() {
            conn.execute("DELETE FROM stage_w WHERE line = ANY($1)", &[&weg])?;
        }
        if !eind_regels.is_empty() {
            conn.execute(
                "UPDATE stage_w s SET tot = u.tot
                 FROM unnest($1::bigint[], $2::date[]) AS u(line, tot) WHERE s.line = u.line",
                &[&eind_regels, &einden],
            )?;
        }
        let mut counts = ImportCounts::default();
        let total: i64 = conn
            .query_one("SELECT count(*) FROM stage_w WHERE line = first", &[])?
            .get(0);
        // Each statement also keeps history (docs/domain.md §9.7): the changed periods' old versions
        // end now and their new versions hold from now; the count is of new versions.
        counts.gewijzigd = conn.execute(
            &(String::from(
                "WITH changed AS (
                   UPDATE registraties r SET tot = s.tot, categorie = s.categorie, oorzaak = s.oorzaak
                   FROM stage_w s
                   WHERE s.line = s.first AND r.jongere_id = s.person AND r.van = s.van
                     AND (r.tot, r.categorie, r.oorzaak) IS DISTINCT FROM (s.tot, s.categorie, s.oorzaak)
                   RETURNING r.jongere_id, r.van, r.tot, r.categorie, r.oorzaak)",
            ) + VERSIES),
            &[],
        )?;
        counts.nieuw = conn.execute(
            &(String::from(
                "WITH changed AS (
                   INSERT INTO registraties (jongere_id, van, tot, categorie, oorzaak)
                   SELECT person, van, tot, categorie, oorzaak FROM stage_w s
                   WHERE s.line = s.first AND NOT EXISTS (
                     SELECT 1 FROM registraties r WHERE r.jongere_id = s.person AND r.van = s.van)
                   RETURNING jongere_id, van, tot, categorie, oorzaak)",
            ) + VERSIES),
            &[],
        )?;
        counts.ongewijzigd = total as u64 - counts.nieuw - counts.gewijzigd;
        // Overlaps in the resulting state; of two rows of this file, the later line is named.
        let rows = conn.query(
            "SELECT DISTINCT ON (s.line) s.line, o.van, o.tot
             FROM stage_w s JOIN registraties o ON o.jongere_id = s.person AND o.van <> s.van
               AND o.van <= coalesce(s.tot, 'infinity') AND coalesce(o.tot, 'infinity') >= s.van
             WHERE s.line = s.first AND NOT EXISTS (
               SELECT 1 FROM stage_w l WHERE l.line = l.first AND l.person = o.jongere_id
                 AND l.van = o.van AND l.line > s.line)
             ORDER BY s.line, o.van",
            &[],
        )?;
        for r in rows {
            issues.push(crate::RowIssue::new(
                r.get::<_, i64>(0) as u64,
                "van",
                overlap_reason(r.get(1), r.get(2)),
            ));
        }
        issues.sort_by_key(|i| i.line);
        decided(counts, issues, decide)
    })
}

/// The register's facts of several persons ([`RegistratieOpslag::registerfeiten`] of each),
/// in three round trips.
fn registerfeiten_van(conn: &mut Client, personen: &[i64]) -> Result<HashMap<i64, Registerfeiten>> {
    let mut feiten: HashMap<i64, Registerfeiten> = HashMap::new();
    for r in conn.query(
        "SELECT id, geboortedatum FROM jongeren WHERE id = ANY($1)",
        &[&personen],
    )? {
        let f = Registerfeiten {
            geboortedatum: r.get(1),
            ..Registerfeiten::default()
        };
        feiten.insert(r.get(0), f);
    }
    for r in conn.query(
        "SELECT jongere_id, begindatum, einddatum, startkwalificatie FROM inschrijvingen
         WHERE jongere_id = ANY($1)",
        &[&personen],
    )? {
        if let Some(f) = feiten.get_mut(&r.get::<_, i64>(0)) {
            f.inschrijving(r.get(1), r.get(2), r.get(3));
        }
    }
    for r in conn.query(
        "SELECT z.jongere_id, e.gebeurtenis::text FROM zaken z
         JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
         WHERE z.jongere_id = ANY($1) AND e.gebeurtenis->>'soort' = 'vrijstelling'",
        &[&personen],
    )? {
        if let Some(f) = feiten.get_mut(&r.get::<_, i64>(0)) {
            feit_gebeurtenis(f, r.get(1))?;
        }
    }
    Ok(feiten)
}

/// The tail of a statement whose `changed` CTE returns periods as they now are: their
/// previous versions end now and the new ones hold from now.
const VERSIES: &str = ",
     closed AS (
       UPDATE registratie_versies v SET vervallen = now() FROM changed c
       WHERE v.jongere_id = c.jongere_id AND v.van = c.van AND v.vervallen IS NULL)
     INSERT INTO registratie_versies (jongere_id, van, tot, categorie, oorzaak, vastgelegd)
     SELECT jongere_id, van, tot, categorie, oorzaak, now() FROM changed";

pub(crate) fn registraties(
    conn: &mut Conn,
    leerling: LeerlingId,
) -> Result<Option<Vec<Registratie>>> {
    let Some(person) = conn.person_id(leerling)? else {
        return Ok(None);
    };
    als_registraties(leerling, perioden(&conn.lees(PERIODEN, &[&person])?)).map(Some)
}

pub(crate) fn registratie_wijzigen(
    conn: &mut Conn,
    leerling: LeerlingId,
    nieuw: Option<(Categorie, Oorzaak)>,
    per: NaiveDate,
) -> Result<std::result::Result<(), String>> {
    in_tx(conn, |conn| {
        let Some(person) = person_id(conn, leerling)? else {
            return Ok((Err(UNKNOWN_PERSON.to_string()), false));
        };
        // One change of a person's registrations at a time.
        conn.query_one(
            "SELECT pg_advisory_xact_lock(hashtext('registraties'), $1::int)",
            &[&(person as i32)],
        )?;
        let r = crate::cases::registratie_wijzigen(conn, person, nieuw, per)?;
        let commit = r.is_ok();
        Ok((r, commit))
    })
}

/// A person's registration periods, by start ([`perioden`]).
const PERIODEN: &str =
    "SELECT van, tot, categorie, oorzaak FROM registraties WHERE jongere_id = $1 ORDER BY van";

fn perioden(rows: &[::postgres::Row]) -> Vec<Periode> {
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

impl RegistratieOpslag for Client {
    fn periods(&mut self, person: i64) -> Result<Vec<Periode>> {
        Ok(perioden(&self.query(PERIODEN, &[&person])?))
    }
    fn registerfeiten(&mut self, person: i64) -> Result<Registerfeiten> {
        let conn = self;
        let geboortedatum: NaiveDate = conn
            .query_one(
                "SELECT geboortedatum FROM jongeren WHERE id = $1",
                &[&person],
            )?
            .get(0);
        let mut f = Registerfeiten {
            geboortedatum,
            ..Registerfeiten::default()
        };
        for r in conn.query(
            "SELECT begindatum, einddatum, startkwalificatie FROM inschrijvingen WHERE jongere_id = $1",
            &[&person],
        )? {
            f.inschrijving(r.get(0), r.get(1), r.get(2));
        }
        for r in conn.query(
            "SELECT e.gebeurtenis::text FROM zaken z JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
             WHERE z.jongere_id = $1 AND e.gebeurtenis->>'soort' = 'vrijstelling'",
            &[&person],
        )? {
            feit_gebeurtenis(&mut f, r.get(0))?;
        }
        Ok(f)
    }
    fn versie(&mut self, person: i64, van: NaiveDate, nieuw: Option<Inhoud<'_>>) -> Result<()> {
        let conn = self;
        conn.execute(
            "UPDATE registratie_versies SET vervallen = now()
             WHERE jongere_id = $1 AND van = $2 AND vervallen IS NULL",
            &[&person, &van],
        )?;
        if let Some((tot, c, o)) = nieuw {
            conn.execute(
                "INSERT INTO registratie_versies (jongere_id, van, tot, categorie, oorzaak, vastgelegd)
                 VALUES ($1, $2, $3, $4, $5, now())",
                &[&person, &van, &tot, &c, &o],
            )?;
        }
        Ok(())
    }
    fn verwijder(&mut self, person: i64, van: NaiveDate) -> Result<()> {
        self.execute(
            "DELETE FROM registraties WHERE jongere_id = $1 AND van = $2",
            &[&person, &van],
        )?;
        Ok(())
    }
    fn beeindig(&mut self, person: i64, van: NaiveDate, tot: NaiveDate) -> Result<()> {
        self.execute(
            "UPDATE registraties SET tot = $3 WHERE jongere_id = $1 AND van = $2",
            &[&person, &van, &tot],
        )?;
        Ok(())
    }
    fn voeg_toe(&mut self, person: i64, van: NaiveDate, inhoud: Inhoud<'_>) -> Result<()> {
        let (tot, c, o) = inhoud;
        self.execute(
            "INSERT INTO registraties (jongere_id, van, tot, categorie, oorzaak) VALUES ($1, $2, $3, $4, $5)",
            &[&person, &van, &tot, &c, &o],
        )?;
        Ok(())
    }
}

const ZAAK_COLS: &str =
    "z.id, j.bsn, j.onderwijsnummer, z.soort, z.organisatie, z.geopend, z.gesloten";

fn zaak_row(r: &::postgres::Row) -> Result<ZaakRij> {
    let bsn: Option<i32> = r.get(1);
    let onr: Option<i32> = r.get(2);
    let leerling = crate::postgres::absence::leerling_of(bsn, onr)?;
    let soort: String = r.get(3);
    Ok(ZaakRij {
        id: r.get(0),
        leerling,
        soort: crate::stored::parse_soort(&soort)?,
        organisatie: r.get(4),
        geopend: r.get(5),
        gesloten: r.get(6),
    })
}

fn insert_event(
    conn: &mut Client,
    id: i64,
    volgnummer: u32,
    tijd: DateTime<Utc>,
    wie: &str,
    org: Option<&str>,
    e: &Gebeurtenis,
) -> Result<bool> {
    let json = gebeurtenis_json(e)?;
    let n = conn.execute(
        "INSERT INTO zaak_gebeurtenissen (zaak_id, volgnummer, tijd, wie, organisatie, gebeurtenis)
         VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) ON CONFLICT DO NOTHING",
        &[&id, &(volgnummer as i32), &tijd, &wie, &org, &json],
    )?;
    Ok(n == 1)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn zaak_openen(
    conn: &mut Conn,
    leerling: LeerlingId,
    soort: ZaakSoort,
    organisatie: &str,
    datum: NaiveDate,
    tijd: DateTime<Utc>,
    wie: &str,
    org: Option<&str>,
) -> Result<std::result::Result<i64, String>> {
    in_tx(conn, |conn| {
        let Some(person) = person_id(conn, leerling)? else {
            return Ok((Err(UNKNOWN_PERSON.to_string()), false));
        };
        let row = conn.query_opt(
            "INSERT INTO zaken (jongere_id, soort, organisatie, geopend) VALUES ($1, $2, $3, $4)
             ON CONFLICT (jongere_id, soort) WHERE gesloten IS NULL DO NOTHING RETURNING id",
            &[&person, &soort.code(), &organisatie, &datum],
        )?;
        let Some(row) = row else {
            return Ok((
                Err("a case of this kind is open for this person".to_string()),
                false,
            ));
        };
        let id: i64 = row.get(0);
        let e = Gebeurtenis::Geopend {
            zaak: soort,
            organisatie: organisatie.to_string(),
            datum,
        };
        insert_event(conn, id, 1, tijd, wie, org, &e)?;
        Ok((Ok(id), true))
    })
}

pub(crate) fn zaak(conn: &mut Conn, id: i64) -> Result<Option<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z JOIN jongeren j ON j.id = z.jongere_id WHERE z.id = $1"
    );
    conn.lees_opt(&sql, &[&id])?
        .map(|r| zaak_row(&r))
        .transpose()
}

pub(crate) fn zaken_van(conn: &mut Conn, leerling: LeerlingId) -> Result<Vec<ZaakRij>> {
    let Some(person) = conn.person_id(leerling)? else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.jongere_id = $1 ORDER BY z.id"
    );
    conn.lees(&sql, &[&person])?.iter().map(zaak_row).collect()
}

pub(crate) fn open_zaken(conn: &mut Conn, soort: ZaakSoort) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.soort = $1 AND z.gesloten IS NULL ORDER BY z.id"
    );
    conn.query(&sql, &[&soort.code()])?
        .iter()
        .map(zaak_row)
        .collect()
}

pub(crate) fn open_zaken_met_gemeente(conn: &mut Conn) -> Result<Vec<(ZaakRij, String)>> {
    let sql = format!(
        "SELECT {ZAAK_COLS}, j.gemeente FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.gesloten IS NULL ORDER BY z.id"
    );
    conn.query(&sql, &[])?
        .iter()
        .map(|r| Ok((zaak_row(r)?, r.get(7))))
        .collect()
}

pub(crate) fn zaken_soort(conn: &mut Conn, soort: ZaakSoort) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.soort = $1 ORDER BY z.id"
    );
    conn.query(&sql, &[&soort.code()])?
        .iter()
        .map(zaak_row)
        .collect()
}

pub(crate) fn rmc_kandidaten(
    conn: &mut Conn,
    geboren_van: NaiveDate,
    geboren_tot: NaiveDate,
) -> Result<Vec<crate::RmcKandidaat>> {
    let rows = conn.query(
        "SELECT j.id, j.bsn, j.onderwijsnummer, j.geboortedatum, j.gemeente,
                i.begindatum, i.einddatum, i.startkwalificatie, i.school
         FROM jongeren j JOIN inschrijvingen i ON i.jongere_id = j.id
         WHERE j.geboortedatum BETWEEN $1 AND $2
         ORDER BY j.id",
        &[&geboren_van, &geboren_tot],
    )?;
    crate::rmc_groepeer(rows.iter().map(|r| -> Result<crate::RmcRij> {
        Ok((
            r.get(0),
            crate::postgres::absence::leerling_of(r.get(1), r.get(2))?,
            r.get(3),
            r.get(4),
            leerrecht_domain::rmc::Opleiding {
                begin: r.get(5),
                eind: r.get(6),
                startkwalificatie: r.get(7),
            },
            r.get(8),
        ))
    }))
}

pub(crate) fn zaken_met_handhaving(conn: &mut Conn, organisatie: &str) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.soort = 'verzuim' AND z.gesloten IS NULL AND z.organisatie = $1
           AND EXISTS (SELECT 1 FROM zaak_gebeurtenissen e WHERE e.zaak_id = z.id
                 AND e.gebeurtenis->>'soort' IN ('halt', 'proces_verbaal'))
         ORDER BY z.id"
    );
    conn.query(&sql, &[&organisatie])?
        .iter()
        .map(zaak_row)
        .collect()
}

pub(crate) fn zaken_overgedragen_door(conn: &mut Conn, organisatie: &str) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.gesloten IS NULL AND z.organisatie <> $1
           AND EXISTS (SELECT 1 FROM zaak_gebeurtenissen e WHERE e.zaak_id = z.id
                 AND e.gebeurtenis->>'soort' = 'overgedragen'
                 AND e.gebeurtenis->>'van' = $1)
         ORDER BY z.id"
    );
    conn.query(&sql, &[&organisatie])?
        .iter()
        .map(zaak_row)
        .collect()
}

pub(crate) fn zaken_overgedragen(conn: &mut Conn, organisatie: &str) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.gesloten IS NULL AND z.organisatie = $1
           AND EXISTS (SELECT 1 FROM zaak_gebeurtenissen e WHERE e.zaak_id = z.id
                 AND e.gebeurtenis->>'soort' = 'overgedragen')
         ORDER BY z.id"
    );
    conn.query(&sql, &[&organisatie])?
        .iter()
        .map(zaak_row)
        .collect()
}

pub(crate) fn zaak_events(conn: &mut Conn, id: i64) -> Result<Vec<ZaakEvent>> {
    conn.lees(
        "SELECT volgnummer, tijd, wie, organisatie, gebeurtenis::text FROM zaak_gebeurtenissen
         WHERE zaak_id = $1 ORDER BY volgnummer",
        &[&id],
    )?
    .iter()
    .map(event_row)
    .collect()
}

/// An event from the columns volgnummer, tijd, wie, organisatie and gebeurtenis as text.
fn event_row(r: &::postgres::Row) -> Result<ZaakEvent> {
    let json: String = r.get(4);
    Ok(ZaakEvent {
        volgnummer: r.get::<_, i32>(0) as u32,
        tijd: r.get(1),
        wie: r.get(2),
        organisatie: r.get(3),
        gebeurtenis: gebeurtenis(&json)?,
    })
}

/// [`crate::Store::zaakdossiers`] in four statements, whatever the number of persons: on
/// PostgreSQL a worklist's thousand thuiszitters were five round trips each.
pub(crate) fn zaakdossiers(
    conn: &mut Conn,
    leerlingen: &[LeerlingId],
) -> Result<HashMap<LeerlingId, Zaakdossier>> {
    let (mut bsns, mut onrs) = (Vec::new(), Vec::new());
    for l in leerlingen {
        match l {
            LeerlingId::Bsn(b) => bsns.push(b.value() as i32),
            LeerlingId::Onderwijsnummer(o) => onrs.push(o.value() as i32),
        }
    }
    // Each person under the identifier they were asked by.
    let gevraagd: HashSet<LeerlingId> = leerlingen.iter().copied().collect();
    let mut wie: HashMap<i64, LeerlingId> = HashMap::new();
    for r in conn.query(
        "SELECT id, bsn, onderwijsnummer FROM jongeren
         WHERE bsn = ANY($1::int[]) OR onderwijsnummer = ANY($2::int[])",
        &[&bsns, &onrs],
    )? {
        let bsn: Option<i32> = r.get(1);
        let onr: Option<i32> = r.get(2);
        let l = crate::postgres::absence::leerling_of(bsn, None)
            .ok()
            .filter(|l| gevraagd.contains(l))
            .or_else(|| {
                crate::postgres::absence::leerling_of(None, onr)
                    .ok()
                    .filter(|l| gevraagd.contains(l))
            });
        if let Some(l) = l {
            wie.insert(r.get(0), l);
        }
    }
    let ids: Vec<i64> = wie.keys().copied().collect();
    let mut perioden: HashMap<i64, Vec<crate::cases::Periode>> = HashMap::new();
    for r in conn.query(
        "SELECT jongere_id, van, tot, categorie, oorzaak FROM registraties
         WHERE jongere_id = ANY($1) ORDER BY jongere_id, van",
        &[&ids],
    )? {
        perioden
            .entry(r.get(0))
            .or_default()
            .push((r.get(1), r.get(2), r.get(3), r.get(4)));
    }
    let mut zaken: HashMap<i64, Vec<(ZaakRij, Vec<ZaakEvent>)>> = HashMap::new();
    let mut van_zaak: HashMap<i64, (i64, usize)> = HashMap::new();
    let sql = format!(
        "SELECT {ZAAK_COLS}, z.jongere_id FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.jongere_id = ANY($1) ORDER BY z.id"
    );
    for r in conn.query(&sql, &[&ids])? {
        let z = zaak_row(&r)?;
        let persoon: i64 = r.get(7);
        let lijst = zaken.entry(persoon).or_default();
        van_zaak.insert(z.id, (persoon, lijst.len()));
        lijst.push((z, Vec::new()));
    }
    let zaak_ids: Vec<i64> = van_zaak.keys().copied().collect();
    for r in conn.query(
        "SELECT volgnummer, tijd, wie, organisatie, gebeurtenis::text, zaak_id
         FROM zaak_gebeurtenissen WHERE zaak_id = ANY($1) ORDER BY zaak_id, volgnummer",
        &[&zaak_ids],
    )? {
        let (persoon, i) = van_zaak[&r.get::<_, i64>(5)];
        zaken.get_mut(&persoon).expect("the case's person")[i]
            .1
            .push(event_row(&r)?);
    }
    let mut uit = HashMap::with_capacity(wie.len());
    for (persoon, l) in wie {
        uit.insert(
            l,
            Zaakdossier {
                registraties: als_registraties(l, perioden.remove(&persoon).unwrap_or_default())?,
                zaken: zaken.remove(&persoon).unwrap_or_default(),
            },
        );
    }
    Ok(uit)
}

pub(crate) fn zaaknotitie_toevoegen(conn: &mut Conn, n: &crate::Zaaknotitie) -> Result<i64> {
    let row = conn.query_one(
        "INSERT INTO zaaknotities (zaak_id, jongere_id, niveau, soort, datum, tekst, wie, organisatie, tijd)
         SELECT id, jongere_id, $2, $3, $4, $5, $6, $7, $8 FROM zaken WHERE id = $1
         RETURNING id",
        &[
            &n.zaak,
            &n.niveau.code(),
            &n.soort.code(),
            &n.datum,
            &n.tekst,
            &n.wie,
            &n.organisatie,
            &n.tijd,
        ],
    )?;
    Ok(row.get(0))
}

pub(crate) fn brief_toevoegen(conn: &mut Conn, b: &crate::Brief, pdf: &[u8]) -> Result<i64> {
    let row = conn.query_one(
        "INSERT INTO brieven (zaak_id, jongere_id, sjabloon, aan, adressen, wie, organisatie, tijd, pdf)
         SELECT id, jongere_id, $2, $3, $4, $5, $6, $7, $8 FROM zaken WHERE id = $1
         RETURNING id",
        &[
            &b.zaak,
            &b.sjabloon,
            &b.aan,
            &(b.adressen as i32),
            &b.wie,
            &b.organisatie,
            &b.tijd,
            &pdf,
        ],
    )?;
    Ok(row.get(0))
}

pub(crate) fn brieven(conn: &mut Conn, zaak: i64) -> Result<Vec<crate::Brief>> {
    let sql = format!(
        "SELECT {} FROM brieven WHERE zaak_id = $1 ORDER BY id",
        crate::cases::BRIEF_COLS
    );
    Ok(conn
        .lees(&sql, &[&zaak])?
        .iter()
        .map(|r| {
            let Ok(b) = crate::cases::brief(r);
            b
        })
        .collect())
}

pub(crate) fn brief(conn: &mut Conn, id: i64) -> Result<Option<(crate::Brief, Vec<u8>)>> {
    let sql = format!(
        "SELECT {}, pdf FROM brieven WHERE id = $1",
        crate::cases::BRIEF_COLS
    );
    Ok(conn.query_opt(&sql, &[&id])?.map(|r| {
        let Ok(b) = crate::cases::brief(&r);
        (b, r.get(8))
    }))
}

pub(crate) fn zaaknotities(conn: &mut Conn, zaak: i64) -> Result<Vec<crate::Zaaknotitie>> {
    let sql = format!(
        "SELECT {} FROM zaaknotities WHERE zaak_id = $1 ORDER BY id",
        crate::cases::NOTITIE_COLS
    );
    conn.lees(&sql, &[&zaak])?
        .iter()
        .map(|r| {
            let Ok(n) = crate::cases::zaaknotitie(r);
            n
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn zaak_event_toevoegen(
    conn: &mut Conn,
    id: i64,
    volgnummer: u32,
    tijd: DateTime<Utc>,
    wie: &str,
    org: Option<&str>,
    e: &Gebeurtenis,
) -> Result<std::result::Result<(), String>> {
    in_tx(conn, |conn| {
        if !insert_event(conn, id, volgnummer, tijd, wie, org, e)? {
            return Ok((Err(ZAAK_GEWIJZIGD.to_string()), false));
        }
        if let Gebeurtenis::Gesloten { datum, .. } = e {
            conn.execute(
                "UPDATE zaken SET gesloten = $2 WHERE id = $1",
                &[&id, datum],
            )?;
        }
        if let Gebeurtenis::Overgedragen {
            van,
            naar,
            datum,
            lezen_tot,
        } = e
        {
            // The case is the new bureau's; the old one reads it as a partner until
            // `lezen_tot`.
            conn.execute(
                "UPDATE zaken SET organisatie = $2 WHERE id = $1",
                &[&id, naar],
            )?;
            conn.execute(
                "INSERT INTO zaak_partners (zaak_id, jongere_id, organisatie, sinds, tot)
                 SELECT id, jongere_id, $2, $3, $4 FROM zaken WHERE id = $1
                 ON CONFLICT (zaak_id, organisatie) DO UPDATE SET tot = excluded.tot",
                &[&id, van, datum, lezen_tot],
            )?;
        }
        Ok((Ok(()), true))
    })
}

/// The columns [`crate::cases::melding`] reads, [`crate::cases::MELDING_NCOLS`] of them.
const MELDING_COLS: &str = "m.id, j.bsn, j.onderwijsnummer, m.school, m.begindatum, m.verzuimsoort,
     m.uren, m.dagen, m.status, m.signaal, m.afsluitreden, m.zaak_id, m.gegevens, m.toelichting,
     CASE WHEN isfinite(m.vastgelegd) THEN m.vastgelegd END,
     CASE WHEN isfinite(m.ingetrokken_op) THEN m.ingetrokken_op END";

fn melding_row(r: &::postgres::Row) -> Result<MeldingStaat> {
    let Ok(m) = crate::cases::melding(r);
    m
}

pub(crate) fn melding(conn: &mut Conn, id: i64) -> Result<Option<MeldingStaat>> {
    let sql = format!("SELECT {MELDING_COLS} FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id WHERE m.id = $1");
    conn.query_opt(&sql, &[&id])?
        .map(|r| melding_row(&r))
        .transpose()
}

pub(crate) fn meldingen_van(conn: &mut Conn, leerling: LeerlingId) -> Result<Vec<MeldingStaat>> {
    let Some(person) = conn.person_id(leerling)? else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {MELDING_COLS} FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
         WHERE m.jongere_id = $1 ORDER BY m.begindatum, m.id"
    );
    conn.lees(&sql, &[&person])?
        .iter()
        .map(melding_row)
        .collect()
}

pub(crate) fn meldingen_afgehandeld_op(
    conn: &mut Conn,
    momenten: &[(i64, DateTime<Utc>)],
) -> Result<usize> {
    in_tx(conn, |conn| {
        let stmt = conn.prepare(
            "UPDATE meldingen SET
                 vastgelegd = CASE WHEN vastgelegd IS NOT NULL THEN $2::timestamptz END,
                 ingetrokken_op = CASE WHEN ingetrokken_op IS NOT NULL THEN $2::timestamptz END
             WHERE id = $1 AND (vastgelegd IS NOT NULL OR ingetrokken_op IS NOT NULL)",
        )?;
        let mut n = 0;
        for (id, op) in momenten {
            n += conn.execute(&stmt, &[id, op])? as usize;
        }
        Ok((n, true))
    })
}

pub(crate) fn melding_zetten(conn: &mut Conn, id: i64, z: MeldingZetting<'_>) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE meldingen SET status = $3, afsluitreden = coalesce($4, afsluitreden),
             zaak_id = coalesce($5, zaak_id), toelichting = coalesce($6, toelichting),
             vastgelegd = CASE WHEN $2 = 'concept' AND $3 <> 'ingetrokken' THEN now()
                               ELSE vastgelegd END,
             ingetrokken_op = CASE WHEN $3 = 'ingetrokken' THEN now() ELSE ingetrokken_op END
         WHERE id = $1 AND status = $2
           -- A melding joins one case: a second process linking it meanwhile changes nothing.
           AND ($5::bigint IS NULL OR zaak_id IS NULL)",
        &[
            &id,
            &z.van,
            &z.naar,
            &z.afsluitreden,
            &z.zaak_id,
            &z.toelichting,
        ],
    )? == 1)
}

pub(crate) fn concepten(conn: &mut Conn, van: NaiveDate, tot: NaiveDate) -> Result<Vec<Concept>> {
    conn.query(
        "SELECT school, begindatum,
                CASE WHEN isfinite(vastgelegd) THEN (vastgelegd AT TIME ZONE 'UTC')::date END,
                CASE WHEN isfinite(ingetrokken_op) THEN (ingetrokken_op AT TIME ZONE 'UTC')::date END,
                coalesce(afsluitreden = 'signaal_vervallen', false)
         FROM meldingen WHERE signaal IS NOT NULL AND begindatum >= $1 AND begindatum <= $2
         UNION ALL
         SELECT school, begindatum, bevestigd, ingetrokken, vervallen
         FROM anoniem_concepten WHERE begindatum >= $1 AND begindatum <= $2
         ORDER BY 1, 2",
        &[&van, &tot],
    )?
    .iter()
    .map(|r| {
        Ok(Concept {
            school: r.get(0),
            begindatum: r.get(1),
            bevestigd: r.get(2),
            ingetrokken: r.get(3),
            vervallen: r.get(4),
        })
    })
    .collect()
}

/// The people registered on `on` as thuiszitters (`thuiszittend`, `absoluut_verzuim`), or
/// with `alle` in any category.
pub(crate) fn thuiszitters_op(
    conn: &mut Conn,
    on: NaiveDate,
    alle: bool,
) -> Result<Vec<LeerlingId>> {
    let rows = conn.query(
        "SELECT DISTINCT j.bsn, j.onderwijsnummer FROM registraties r
         JOIN jongeren j ON j.id = r.jongere_id
         WHERE ($2 OR r.categorie IN ('thuiszittend','absoluut_verzuim'))
           AND r.van <= $1 AND (r.tot IS NULL OR r.tot >= $1)",
        &[&on, &alle],
    )?;
    let mut out = rows
        .iter()
        .map(|r| {
            let bsn: Option<i32> = r.get(0);
            let onr: Option<i32> = r.get(1);
            crate::postgres::absence::leerling_of(bsn, onr)
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by_key(|l| l.to_string());
    Ok(out)
}

pub(crate) fn for_each_werk(
    conn: &mut Conn,
    on: NaiveDate,
    sinds: NaiveDate,
    status: &str,
    school: Option<&str>,
    f: &mut dyn FnMut(WerkRij) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT {MELDING_COLS}, j.bsn, j.onderwijsnummer, j.achternaam, j.voornamen, j.gemeente
         FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
         WHERE m.status = $1 AND m.school = coalesce($2, m.school)
         ORDER BY m.begindatum, m.id"
    );
    let params: [&(dyn ::postgres::types::ToSql + Sync); 2] = [&status, &school];
    let mut it = conn.query_raw(&sql, params)?;
    while let Some(r) = it.next()? {
        let Ok(rij) = crate::cases::werk_melding(&r);
        f(rij?)?;
    }
    drop(it);
    let params: [&(dyn ::postgres::types::ToSql + Sync); 2] = [&sinds, &on];
    let mut it = conn.query_raw(
        &format!(
            "SELECT j.bsn, j.onderwijsnummer, j.achternaam, j.voornamen, j.gemeente, s.school, s.regel, s.datum
             FROM signalen s JOIN jongeren j ON j.id = s.jongere_id
             WHERE s.datum BETWEEN $1 AND $2 AND {}
             ORDER BY s.datum",
            crate::regels_sql("s.regel", Regel::op_werklijst)
        ),
        params,
    )?;
    while let Some(r) = it.next()? {
        let Ok(rij) = crate::cases::werk_signaal(&r);
        f(rij?)?;
    }
    Ok(())
}

pub(crate) fn meldingen_zonder_zaak(conn: &mut Conn) -> Result<Vec<MeldingStaat>> {
    let sql = format!(
        "SELECT {MELDING_COLS} FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
         WHERE m.zaak_id IS NULL AND m.status IN ('geregistreerd','in_behandeling')
         ORDER BY m.begindatum, m.id"
    );
    conn.query(&sql, &[])?.iter().map(melding_row).collect()
}

pub(crate) fn registraties_op(
    conn: &mut Conn,
    on: NaiveDate,
) -> Result<Vec<(Categorie, Oorzaak, String)>> {
    conn.query(
        "SELECT r.categorie, r.oorzaak, j.gemeente FROM registraties r
         JOIN jongeren j ON j.id = r.jongere_id
         WHERE r.van <= $1 AND (r.tot IS NULL OR r.tot >= $1)",
        &[&on],
    )?
    .iter()
    .map(|r| {
        let (c, o) = crate::cases::categorie_oorzaak(r.get(0), r.get(1))?;
        Ok((c, o, r.get(2)))
    })
    .collect()
}
