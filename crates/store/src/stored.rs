//! Values read back from either database, turned into domain types in one place: both stores
//! keep the same columns, so what a stored value means (and when it is invalid) is written
//! once here, and each store only reads its columns.

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::calendar::Vakantie;
use leerrecht_domain::ids::{Bsn, GemeenteCode, LeerlingId, Onderwijsnummer, SchoolCode};
use leerrecht_domain::org::{OrgCode, Organisatie};
use leerrecht_domain::person::{Jongere, Sector};
use leerrecht_domain::zaak::ZaakSoort;

use crate::{Result, StoreError};

/// A stored row, read by column number. Each database says once how its driver yields the
/// kinds of value the shared row mappings read (and what a failed read is), so that a
/// mapping into a domain type is written once for both.
pub(crate) trait Rij {
    type Fout;
    fn i64(&self, i: usize) -> std::result::Result<i64, Self::Fout>;
    fn opt_i64(&self, i: usize) -> std::result::Result<Option<i64>, Self::Fout>;
    fn u32(&self, i: usize) -> std::result::Result<u32, Self::Fout>;
    fn tekst(&self, i: usize) -> std::result::Result<String, Self::Fout>;
    fn opt_tekst(&self, i: usize) -> std::result::Result<Option<String>, Self::Fout>;
    fn waar(&self, i: usize) -> std::result::Result<bool, Self::Fout>;
    fn moment(&self, i: usize) -> std::result::Result<DateTime<Utc>, Self::Fout>;
    fn opt_moment(&self, i: usize) -> std::result::Result<Option<DateTime<Utc>>, Self::Fout>;
    /// A BSN or onderwijsnummer column.
    fn opt_nummer(&self, i: usize) -> std::result::Result<Option<i64>, Self::Fout>;
    fn datum(&self, i: usize) -> std::result::Result<NaiveDate, Self::Fout>;
    fn opt_u32(&self, i: usize) -> std::result::Result<Option<u32>, Self::Fout>;
    fn opt_datum(&self, i: usize) -> std::result::Result<Option<NaiveDate>, Self::Fout>;
    /// The day of a moment; none for the moments the history does not know.
    fn opt_dag(&self, i: usize) -> std::result::Result<Option<NaiveDate>, Self::Fout>;
}

/// The error of a stored value that does not decode.
pub(crate) fn invalid(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("stored {what} is invalid: {e}"))
}

pub(crate) fn bsn_of(v: Option<i64>) -> Option<Bsn> {
    v.and_then(|n| Bsn::new(n as u32).ok())
}

pub(crate) fn onr_of(v: Option<i64>) -> Option<Onderwijsnummer> {
    v.and_then(|n| Onderwijsnummer::new(n as u32).ok())
}

/// The identifier of a stored person: the BSN, or the onderwijsnummer when there is none.
pub(crate) fn leerling_of(bsn: Option<i64>, onr: Option<i64>) -> Result<LeerlingId> {
    match (bsn_of(bsn), onr_of(onr)) {
        (Some(b), _) => Ok(LeerlingId::Bsn(b)),
        (None, Some(o)) => Ok(LeerlingId::Onderwijsnummer(o)),
        (None, None) => Err(invalid("jongere", "without BSN or onderwijsnummer")),
    }
}

/// A stored person from the columns of `jongeren`.
pub(crate) fn jongere(
    bsn: Option<i64>,
    onr: Option<i64>,
    achternaam: String,
    voornamen: String,
    geboortedatum: NaiveDate,
    gemeente: &str,
) -> Result<Jongere> {
    let gemeente: GemeenteCode = gemeente.parse().map_err(|e| invalid("gemeente", e))?;
    Jongere::new(
        bsn_of(bsn),
        onr_of(onr),
        achternaam,
        voornamen,
        geboortedatum,
        gemeente,
    )
    .map_err(|e| invalid("jongere", e))
}

/// The kind of a stored case.
pub(crate) fn parse_soort(s: &str) -> Result<ZaakSoort> {
    match s {
        "verzuim" => Ok(ZaakSoort::Verzuim),
        "thuiszitter" => Ok(ZaakSoort::Thuiszitter),
        "vrijstelling" => Ok(ZaakSoort::Vrijstelling),
        "rmc" => Ok(ZaakSoort::Rmc),
        _ => Err(invalid("zaak soort", s)),
    }
}

/// Why an enrolment cannot be stored next to one that is: the text of the row's issue.
pub(crate) fn overlap_reason(school: &SchoolCode, b: NaiveDate, e: Option<NaiveDate>) -> String {
    match e {
        Some(e) => format!("overlaps the enrolment at {school} from {b} to {e}"),
        None => format!("overlaps the open enrolment at {school} from {b}"),
    }
}

/// A stored school code.
pub(crate) fn school(v: &str) -> Result<SchoolCode> {
    v.parse().map_err(|e| invalid("school", e))
}

/// A person's stored enrolment at `school` (with its `sector`) from `van` to `tot`.
pub(crate) fn inschrijving(
    leerling: LeerlingId,
    school: &str,
    sector: &str,
    van: NaiveDate,
    tot: Option<NaiveDate>,
    startkwalificatie: bool,
) -> Result<leerrecht_domain::person::Inschrijving> {
    leerrecht_domain::person::Inschrijving::new(
        leerling,
        self::school(school)?,
        sector.parse().map_err(|e| invalid("sector", e))?,
        van,
        tot,
    )
    .and_then(|i| i.met_startkwalificatie(startkwalificatie))
    .map_err(|e| invalid("inschrijving", e))
}

/// A school and its sector, stored together as `school|sector`.
pub(crate) fn parse_school_sector(v: &str) -> Result<(SchoolCode, Sector)> {
    let (s, sec) = v
        .split_once('|')
        .ok_or_else(|| invalid("inschrijving", v))?;
    Ok((
        s.parse().map_err(|e| invalid("school", e))?,
        sec.parse().map_err(|e| invalid("sector", e))?,
    ))
}

/// A registration period of the figures, from its stored codes.
pub(crate) fn cijfer_periode(
    persoon: i64,
    categorie: &str,
    oorzaak: &str,
    van: NaiveDate,
    tot: Option<NaiveDate>,
) -> Result<leerrecht_domain::cijfers::Periode> {
    Ok(leerrecht_domain::cijfers::Periode {
        persoon,
        categorie: categorie.parse().map_err(|e| invalid("categorie", e))?,
        oorzaak: oorzaak.parse().map_err(|e| invalid("oorzaak", e))?,
        van,
        tot,
    })
}

/// An exemption of the figures, its article stored as its name.
pub(crate) fn cijfer_vrijstelling(
    persoon: i64,
    artikel: String,
    geen_passend_aanbod: bool,
    van: NaiveDate,
) -> Result<leerrecht_domain::cijfers::Vrijstelling> {
    Ok(leerrecht_domain::cijfers::Vrijstelling {
        persoon,
        artikel: serde_json::from_value(serde_json::Value::String(artikel))
            .map_err(|e| invalid("artikel", e))?,
        geen_passend_aanbod,
        van,
    })
}

/// A row of [`crate::Store::for_each_jongere`] from its columns: the person's columns of
/// `jongeren` (bsn, onderwijsnummer, achternaam, voornamen, geboortedatum, gemeente) from
/// column `at`, then the enrolment on the day as `school|sector`, then the end of the first
/// enrolment with a startkwalificatie. The driver's error outside, a stored value that does
/// not decode inside.
pub(crate) fn jongere_rij<R: Rij>(
    r: &R,
    at: usize,
) -> std::result::Result<Result<crate::JongereRij>, R::Fout> {
    let jongere = jongere(
        r.opt_nummer(at)?,
        r.opt_nummer(at + 1)?,
        r.tekst(at + 2)?,
        r.tekst(at + 3)?,
        r.datum(at + 4)?,
        &r.tekst(at + 5)?,
    );
    let inschrijving = r.opt_tekst(at + 6)?;
    let startkwalificatie = r.opt_datum(at + 7)?;
    Ok(jongere.and_then(|jongere| {
        Ok(crate::JongereRij {
            jongere,
            inschrijving: inschrijving.map(|v| parse_school_sector(&v)).transpose()?,
            startkwalificatie,
        })
    }))
}

/// A gemeente an organisation serves, as stored.
pub(crate) fn bedient(g: &str) -> Result<GemeenteCode> {
    g.parse().map_err(|e| invalid("bedient", e))
}

/// A stored organisation from the columns of `organisaties` and the gemeenten it serves.
pub(crate) fn organisatie(
    code: OrgCode,
    soort: &str,
    naam: String,
    gemeente: Option<String>,
    regio: Option<String>,
    swv: Option<String>,
    bedient: Vec<GemeenteCode>,
) -> Result<Organisatie> {
    Ok(Organisatie {
        code,
        soort: soort.parse().map_err(|e| invalid("soort", e))?,
        naam,
        gemeente: gemeente
            .map(|g| g.parse())
            .transpose()
            .map_err(|e| invalid("gemeente", e))?,
        regio,
        swv: swv.map(OrgCode::from_stored),
        bedient,
    })
}

/// A stored holiday; an empty school is a holiday of every school.
pub(crate) fn vakantie(
    school: &str,
    van: NaiveDate,
    naam: String,
    tot: NaiveDate,
) -> Result<Vakantie> {
    Ok(Vakantie {
        naam,
        van,
        tot,
        school: if school.is_empty() {
            None
        } else {
            Some(self::school(school)?)
        },
    })
}
