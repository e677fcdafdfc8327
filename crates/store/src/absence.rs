//! What both stores do with absence in the same way, written once: gathering and checking a
//! file's rows per pupil and school, evaluating a stored value for a signal run, and the
//! retention of old absence. The stores only read and write ([`crate::verzuimblok`] values
//! in `verzuim_blokken` on both).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::rules::Dagtotaal;
use leerrecht_domain::schoolyear::SchoolYear;

use crate::verzuimblok::{self, Dagrij};
use crate::{
    Beoordelaar, OpgeslagenSignaal, Result, RowIssue, Rows, SignaalRun, VerzuimRij, UNKNOWN_PERSON,
};

/// An enrolment: first day, and last day when it ended.
pub(crate) type Periode = (NaiveDate, Option<NaiveDate>);

/// What the store knows of a pupil at a school: the person (None: not in the register) and
/// their enrolments at that school.
pub(crate) struct Bekend {
    pub person: Option<i64>,
    pub periods: Vec<Periode>,
}

/// A pupil's enrolment periods at one school, and the file's rows for that pair.
pub(crate) struct Groep {
    pub person: i64,
    pub school: SchoolCode,
    pub periods: Vec<Periode>,
    pub rows: Vec<Dagrij>,
}

/// Rows read ahead before their new pupils are looked up together.
pub(crate) const VOORUIT: usize = 1 << 16;

/// A (pupil, school) key of a file.
pub(crate) type Sleutel = (LeerlingId, SchoolCode);

/// Gathers a file's absence rows per pupil and school and checks each: the pupil is in the
/// register and enrolled at the school on the day. `zoek` answers for a batch of keys not
/// seen before, in their order; a store looks them up in one round trip or one by one.
/// Returns the groups (rows folded, in key order) and the issues, in line order.
pub(crate) fn verzamel(
    rows: Rows<'_, VerzuimRij>,
    zoek: &mut dyn FnMut(&[Sleutel]) -> Result<Vec<Bekend>>,
) -> Result<(Vec<Groep>, Vec<RowIssue>)> {
    let mut issues = Vec::new();
    // Per key of the file: the group, or None when the pupil is unknown.
    let mut sleutels: HashMap<Sleutel, Option<usize>> = HashMap::new();
    let mut index: HashMap<(i64, SchoolCode), usize> = HashMap::new();
    let mut groepen: Vec<Groep> = Vec::new();
    let mut buffer: Vec<(u64, VerzuimRij)> = Vec::with_capacity(VOORUIT);
    let mut nieuw: Vec<Sleutel> = Vec::new();
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        buffer.clear();
        nieuw.clear();
        for (line, r) in rows.by_ref().take(VOORUIT) {
            // Files come per pupil: the row before mostly has the same key (a repeat further
            // back is removed before the look-up).
            let key = (r.leerling, r.school.clone());
            if !sleutels.contains_key(&key) && nieuw.last() != Some(&key) {
                nieuw.push(key);
            }
            buffer.push((line, r));
        }
        if !nieuw.is_empty() {
            // A key can come back later in one batch: look each up once.
            let mut gezien = HashSet::new();
            nieuw.retain(|k| gezien.insert(k.clone()));
            let antwoorden = zoek(&nieuw)?;
            for (key, b) in nieuw.drain(..).zip(antwoorden) {
                let g = match b.person {
                    None => None,
                    Some(person) => {
                        Some(*index.entry((person, key.1.clone())).or_insert_with(|| {
                            groepen.push(Groep {
                                person,
                                school: key.1.clone(),
                                periods: b.periods,
                                rows: Vec::new(),
                            });
                            groepen.len() - 1
                        }))
                    }
                };
                sleutels.insert(key, g);
            }
        }
        let mut laatste: Option<(LeerlingId, usize)> = None;
        for (line, r) in buffer.drain(..) {
            // Files come per pupil or per day: the previous row's group first, then the map.
            let g = match laatste {
                Some((l, g)) if l == r.leerling && groepen[g].school == r.school => Some(g),
                _ => sleutels[&(r.leerling, r.school.clone())],
            };
            let Some(g) = g else {
                issues.push(RowIssue::new(line, "leerling", UNKNOWN_PERSON));
                continue;
            };
            laatste = Some((r.leerling, g));
            let groep = &mut groepen[g];
            let d = r.verzuim.datum;
            if !groep
                .periods
                .iter()
                .any(|&(b, e)| b <= d && e.is_none_or(|e| d <= e))
            {
                issues.push(RowIssue::new(line, "datum", not_enrolled(&r)));
                continue;
            }
            let Some(dag) = verzuimblok::dag(d) else {
                issues.push(RowIssue::new(
                    line,
                    "datum",
                    format!("{d} lies outside 1970–2149"),
                ));
                continue;
            };
            groep.rows.push(Dagrij::van(dag, &r.verzuim));
        }
    }
    drop(index);
    // In key order, which is the order of the stored values.
    groepen.sort_unstable_by(|a, b| (a.person, &a.school).cmp(&(b.person, &b.school)));
    for g in &mut groepen {
        verzuimblok::fold(&mut g.rows);
    }
    groepen.retain(|g| !g.rows.is_empty());
    Ok((groepen, issues))
}

fn not_enrolled(r: &VerzuimRij) -> String {
    format!(
        "{} is not enrolled at {} on {}",
        r.leerling, r.school, r.verzuim.datum
    )
}

/// One pupil-school pair whose signals changed: what to store instead.
pub(crate) struct Wijziging {
    pub person: i64,
    pub school: String,
    /// The stored fingerprint: None when the pair has no stored signals.
    pub oud: Option<i64>,
    /// The new fingerprint; None when the pair has no absence any more, or no signals.
    pub vingerafdruk: Option<i64>,
    pub signalen: Vec<OpgeslagenSignaal>,
}

/// Evaluates one stored value of a signal run. Returns the change when the pair's signals
/// differ from the stored fingerprint `oud`.
pub(crate) fn beoordeel(
    b: &mut dyn Beoordelaar,
    verzuim: &mut Vec<Dagtotaal>,
    run: &mut SignaalRun,
    person: i64,
    school: &str,
    blob: &[u8],
    oud: Option<i64>,
) -> Result<Option<Wijziging>> {
    run.rijen += verzuimblok::voor_regels(blob, verzuim)?;
    run.leerlingen += 1;
    let (nieuw, n) = b.beoordeel(school, verzuim);
    run.signalen += n;
    // Stored as a signed integer; no fingerprint stands for no signals.
    let nieuw = (n > 0).then_some(nieuw as i64);
    Ok((oud != nieuw).then(|| Wijziging {
        person,
        school: school.to_string(),
        oud,
        vingerafdruk: nieuw,
        signalen: b.signalen(),
    }))
}

/// A pair that no longer has absence: its signals go.
pub(crate) fn zonder_verzuim(person: i64, school: String) -> Wijziging {
    Wijziging {
        person,
        school,
        oud: Some(0),
        vingerafdruk: None,
        signalen: Vec::new(),
    }
}

/// The retention of absence: what goes from the stored values of the persons in a purge
/// plan, and the count of persons with unauthorised absence per school year and gemeente
/// that the figures keep of it (`verzuimers`, DOMAIN §9.8).
#[derive(Default)]
pub(crate) struct Opschoning {
    verzuimers: HashSet<(SchoolYear, String, i64)>,
    /// The pairs that lose rows, with what remains (empty: the value goes).
    pub blijft: Vec<(i64, String, Vec<Dagrij>)>,
    /// Rows removed.
    pub weg: u64,
    alle: Vec<Dagrij>,
}

impl Opschoning {
    /// One stored value of a person whose absence before `voor` goes.
    pub fn blok(
        &mut self,
        person: i64,
        school: String,
        blob: &[u8],
        voor: NaiveDate,
        gemeente: &str,
    ) -> Result<()> {
        let voor = verzuimblok::dag(voor).unwrap_or(u16::MAX);
        verzuimblok::decode(blob, &mut self.alle)?;
        let (oud, rest): (Vec<Dagrij>, Vec<Dagrij>) = self.alle.iter().partition(|x| x.dag < voor);
        if oud.is_empty() {
            return Ok(());
        }
        for x in oud.iter().filter(|x| x.soort.telt_voor_uren()) {
            let jaar = SchoolYear::containing(verzuimblok::datum(x.dag));
            self.verzuimers.insert((jaar, gemeente.to_string(), person));
        }
        self.weg += oud.len() as u64;
        self.blijft.push((person, school, rest));
        Ok(())
    }

    /// Persons with unauthorised absence among what goes, per school year and gemeente.
    pub fn verzuimers(&self) -> Vec<(SchoolYear, String, i64)> {
        let mut per: HashMap<(SchoolYear, String), i64> = HashMap::new();
        for (jaar, gemeente, _) in &self.verzuimers {
            *per.entry((*jaar, gemeente.clone())).or_default() += 1;
        }
        let mut v: Vec<_> = per.into_iter().map(|((j, g), n)| (j, g, n)).collect();
        v.sort();
        v
    }
}

/// The rows of one stored value between `van` and `tot`, as the API shows them.
pub(crate) fn regels_van(
    school: &str,
    blob: &[u8],
    van: NaiveDate,
    tot: NaiveDate,
    out: &mut Vec<crate::api::VerzuimRegel>,
) -> Result<()> {
    verzuimblok::for_each(blob, |d| {
        let datum = verzuimblok::datum(d.dag);
        if van <= datum && datum <= tot {
            out.push(crate::api::VerzuimRegel {
                school: school.to_string(),
                datum,
                soort: d.soort.code().to_string(),
                minuten: u32::from(d.minuten),
                aantal: u32::from(d.aantal),
                hele_dag: d.hele_dag,
            });
        }
    })
}

/// A person's rows of several values in the API's order: by date, school and kind.
pub(crate) fn sorteer(out: &mut [crate::api::VerzuimRegel]) {
    out.sort_by(|a, b| (a.datum, &a.school, &a.soort).cmp(&(b.datum, &b.school, &b.soort)));
}
