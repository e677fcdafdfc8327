//! Registrations and cases as both stores keep them. What a change of a person's
//! registrations does to the periods already stored, and what a stored case event means,
//! is decided here once; each store only reads and writes its rows.

use chrono::NaiveDate;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::register::{toets, Registerfeiten};
use leerrecht_domain::thuiszitters::{afsluiting, Afsluiting, Categorie, Oorzaak, Registratie};
use leerrecht_domain::zaak::Gebeurtenis;

use crate::stored::{invalid, leerling_of, school, Rij};
use crate::{MeldingGegevens, MeldingStaat, Result, WerkPersoon, WerkRij, Zaaknotitie};

/// A stored period: start, end (open when None), category and cause as their codes.
pub(crate) type Periode = (NaiveDate, Option<NaiveDate>, String, String);

/// A person's stored periods as registrations.
pub(crate) fn als_registraties(
    leerling: LeerlingId,
    periods: Vec<Periode>,
) -> Result<Vec<Registratie>> {
    periods
        .into_iter()
        .map(|(van, tot, c, o)| {
            let (c, o) = categorie_oorzaak(&c, &o)?;
            Registratie::new(leerling, c, o, van, tot).map_err(|e| invalid("registratie", e))
        })
        .collect()
}

/// A stored period's category and cause, from their codes.
pub(crate) fn categorie_oorzaak(c: &str, o: &str) -> Result<(Categorie, Oorzaak)> {
    Ok((
        c.parse().map_err(|e| invalid("categorie", e))?,
        o.parse().map_err(|e| invalid("oorzaak", e))?,
    ))
}

/// Why a registration cannot be stored next to the period `van`–`tot` that is.
pub(crate) fn overlap_reason(van: NaiveDate, tot: Option<NaiveDate>) -> String {
    match tot {
        Some(t) => format!("overlaps the registration from {van} to {t}"),
        None => format!("overlaps the open registration from {van}"),
    }
}

/// What a stored period holds besides its start: end (open when None), category and cause as
/// their codes.
pub(crate) type Inhoud<'a> = (Option<NaiveDate>, &'a str, &'a str);

/// The reads and writes of a change of one person's registrations, each in its database's
/// SQL; what the change does with them is decided once, in [`registratie_wijzigen`].
pub(crate) trait RegistratieOpslag {
    /// The person's stored periods, by start.
    fn periods(&mut self, person: i64) -> Result<Vec<Periode>>;
    /// What the register knows about the person that a registration must fit.
    fn registerfeiten(&mut self, person: i64) -> Result<Registerfeiten>;
    /// Keeps history (docs/domain.md §9.7): the version of period (`person`, `van`) that held
    /// until now ends, and `nieuw` (end, category, cause), when given, holds from now on.
    fn versie(&mut self, person: i64, van: NaiveDate, nieuw: Option<Inhoud<'_>>) -> Result<()>;
    /// Removes the period (`person`, `van`).
    fn verwijder(&mut self, person: i64, van: NaiveDate) -> Result<()>;
    /// Ends the period (`person`, `van`) on `tot`.
    fn beeindig(&mut self, person: i64, van: NaiveDate, tot: NaiveDate) -> Result<()>;
    /// Adds the period (`person`, `van`) with `inhoud`.
    fn voeg_toe(&mut self, person: i64, van: NaiveDate, inhoud: Inhoud<'_>) -> Result<()>;
}

/// Changes the registrations of `person` per `per` to `nieuw` (none: no registration from
/// then on), inside the caller's transaction: the period holding on `per` is closed and the
/// new one added, each change recorded in the history. `Err(reason)` when the change does not
/// fit; nothing is written then.
pub(crate) fn registratie_wijzigen(
    db: &mut impl RegistratieOpslag,
    person: i64,
    nieuw: Option<(Categorie, Oorzaak)>,
    per: NaiveDate,
) -> Result<std::result::Result<(), String>> {
    let all = db.periods(person)?;
    let (sluit, nieuw) = match wijziging(&all, per, nieuw, || db.registerfeiten(person))? {
        Ok(w) => w,
        Err(reden) => return Ok(Err(reden)),
    };
    match sluit {
        Afsluiting::Geen => {}
        Afsluiting::Vervalt(_) => {
            db.versie(person, per, None)?;
            db.verwijder(person, per)?;
        }
        Afsluiting::Eindigt(i, tot) => {
            let open = &all[i];
            db.versie(person, open.0, Some((Some(tot), &open.2, &open.3)))?;
            db.beeindig(person, open.0, tot)?;
        }
    }
    if let Some((tot, c, o)) = nieuw {
        db.versie(person, per, Some((tot, c, o)))?;
        db.voeg_toe(person, per, (tot, c, o))?;
    }
    Ok(Ok(()))
}

/// A period that starts with a change: its end (open when None), category and cause.
pub(crate) type Nieuw = (Option<NaiveDate>, &'static str, &'static str);

/// Decides a change of a person's registrations per `per`: what it does to the stored
/// periods `all`, and the period `nieuw` starts, checked against what the register knows of
/// the person (`feiten`, read only when there is a new period). The error is the reason the
/// change cannot be made.
pub(crate) fn wijziging(
    all: &[Periode],
    per: NaiveDate,
    nieuw: Option<(Categorie, Oorzaak)>,
    feiten: impl FnOnce() -> Result<Registerfeiten>,
) -> Result<std::result::Result<(Afsluiting, Option<Nieuw>), String>> {
    let perioden: Vec<_> = all.iter().map(|p| (p.0, p.1)).collect();
    let sluit = match afsluiting(&perioden, per) {
        Ok(a) => a,
        Err(reden) => return Ok(Err(reden)),
    };
    let Some((c, o)) = nieuw else {
        return Ok(Ok((sluit, None)));
    };
    Ok(match toets(c, per, None, &feiten()?) {
        Ok(tot) => Ok((sluit, Some((tot, c.code(), o.code())))),
        Err(a) => Err(a.reden),
    })
}

/// A melding from its columns (`MELDING_COLS` of each store): the driver's error outside, a
/// stored value that does not decode inside.
pub(crate) fn melding<R: Rij>(r: &R) -> std::result::Result<Result<MeldingStaat>, R::Fout> {
    let leerling = match leerling_of(r.opt_nummer(1)?, r.opt_nummer(2)?) {
        Ok(l) => l,
        Err(e) => return Ok(Err(e)),
    };
    let school = match school(&r.tekst(3)?) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let gegevens = match MeldingGegevens::from_json(&r.tekst(12)?) {
        Ok(g) => g,
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(MeldingStaat {
        id: r.i64(0)?,
        leerling,
        school,
        begindatum: r.datum(4)?,
        verzuimsoort: r.tekst(5)?,
        uren: r.opt_u32(6)?,
        dagen: r.opt_u32(7)?,
        status: r.tekst(8)?,
        signaal: r.opt_tekst(9)?,
        afsluitreden: r.opt_tekst(10)?,
        zaak_id: r.opt_i64(11)?,
        gegevens,
        toelichting: r.opt_tekst(13)?,
        bevestigd: r.opt_dag(14)?,
        ingetrokken: r.opt_dag(15)?,
    }))
}

/// How many columns [`melding`] reads (each store's `MELDING_COLS`): what a query selects
/// after them starts here.
pub(crate) const MELDING_NCOLS: usize = 16;

/// A melding of the work list from its columns: those of [`melding`], then the person's (see
/// [`werk_persoon`]).
pub(crate) fn werk_melding<R: Rij>(r: &R) -> std::result::Result<Result<WerkRij>, R::Fout> {
    let m = melding(r)?;
    let p = werk_persoon(r, MELDING_NCOLS)?;
    Ok(m.and_then(|m| Ok(WerkRij::Melding(Box::new(m), p?))))
}

/// A signal of the work list from its columns: the person's (see [`werk_persoon`]), then
/// school, rule and day.
pub(crate) fn werk_signaal<R: Rij>(r: &R) -> std::result::Result<Result<WerkRij>, R::Fout> {
    let persoon = werk_persoon(r, 0)?;
    let (school, regel, datum) = (r.tekst(5)?, r.tekst(6)?, r.datum(7)?);
    Ok(persoon.map(|persoon| WerkRij::Signaal {
        persoon,
        school,
        regel,
        datum,
    }))
}

/// The person of a row of the work lists, whose columns (bsn, onderwijsnummer, achternaam,
/// voornamen, gemeente) start at column `at`.
pub(crate) fn werk_persoon<R: Rij>(
    r: &R,
    at: usize,
) -> std::result::Result<Result<WerkPersoon>, R::Fout> {
    let leerling = match leerling_of(r.opt_nummer(at)?, r.opt_nummer(at + 1)?) {
        Ok(l) => l,
        Err(e) => return Ok(Err(e)),
    };
    let achternaam = r.tekst(at + 2)?;
    let voornamen = r.tekst(at + 3)?;
    Ok(Ok(WerkPersoon {
        leerling,
        naam: format!("{voornamen} {achternaam}"),
        gemeente: r.tekst(at + 4)?,
    }))
}

/// Adds what a stored case event (its JSON) says to what the register knows of its person:
/// an exemption; other events add nothing.
pub(crate) fn feit_gebeurtenis(f: &mut Registerfeiten, json: &str) -> Result<()> {
    if let Gebeurtenis::Vrijstelling { van, tot, .. } = gebeurtenis(json)? {
        f.vrijstellingen.push((van, tot));
    }
    Ok(())
}

/// The refusal of a case event whose number another event took first.
pub(crate) const ZAAK_GEWIJZIGD: &str = "the case changed meanwhile: look again";

/// A stored case event, from its JSON.
pub(crate) fn gebeurtenis(json: &str) -> Result<Gebeurtenis> {
    serde_json::from_str(json).map_err(|e| invalid("gebeurtenis", e))
}

/// A case event as it is stored: JSON.
pub(crate) fn gebeurtenis_json(e: &Gebeurtenis) -> Result<String> {
    serde_json::to_string(e).map_err(|e| invalid("gebeurtenis", e))
}

/// The columns of a stored note on a case, in the order both stores read them.
pub(crate) const NOTITIE_COLS: &str =
    "id, zaak_id, niveau, soort, datum, tekst, wie, organisatie, tijd";

/// A stored note's columns ([`NOTITIE_COLS`]) as a [`Zaaknotitie`]; the outer error is the
/// driver's, the inner one a stored level or kind that does not decode.
pub(crate) fn zaaknotitie<R: Rij>(r: &R) -> std::result::Result<Result<Zaaknotitie>, R::Fout> {
    let (niveau, soort) = (r.tekst(2)?, r.tekst(3)?);
    let (id, zaak, datum, tekst) = (r.i64(0)?, r.i64(1)?, r.datum(4)?, r.tekst(5)?);
    let (wie, organisatie, tijd) = (r.tekst(6)?, r.opt_tekst(7)?, r.moment(8)?);
    Ok((|| {
        Ok(Zaaknotitie {
            niveau: niveau.parse().map_err(|e| invalid("zaaknotitie", e))?,
            soort: soort.parse().map_err(|e| invalid("zaaknotitie", e))?,
            id,
            zaak,
            datum,
            tekst,
            wie,
            organisatie,
            tijd,
        })
    })())
}

/// The columns of a stored letter but its PDF, in the order both stores read them.
pub(crate) const BRIEF_COLS: &str = "id, zaak_id, sjabloon, aan, adressen, wie, organisatie, tijd";

/// A stored letter's columns ([`BRIEF_COLS`]).
pub(crate) fn brief<R: Rij>(r: &R) -> std::result::Result<crate::Brief, R::Fout> {
    Ok(crate::Brief {
        id: r.i64(0)?,
        zaak: r.i64(1)?,
        sjabloon: r.tekst(2)?,
        aan: r.tekst(3)?,
        adressen: r.u32(4)?,
        wie: r.tekst(5)?,
        organisatie: r.opt_tekst(6)?,
        tijd: r.moment(7)?,
    })
}
