//! What both stores do with absence in the same way, written once: gathering and checking a
//! file's rows per pupil and school, evaluating a stored value for a signal run, and the
//! retention of old absence. The stores only read and write ([`crate::verzuimblok`] values
//! in `verzuim_blokken` on both).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::rules::Dagtotaal;
use leerrecht_domain::schoolyear::SchoolYear;

use crate::stored::invalid;
use crate::verzuimblok::{self, Dagrij};
use crate::{
    Beoordelaar, OpgeslagenSignaal, Result, RowIssue, Rows, SignaalRun, VerzuimRij, UNKNOWN_PERSON,
};

/// An enrolment: first day, and last day when it ended.
pub(crate) type Periode = (NaiveDate, Option<NaiveDate>);

/// Whether one of the enrolment periods holds on `d`.
pub(crate) fn covers(periods: &[Periode], d: NaiveDate) -> bool {
    periods
        .iter()
        .any(|&(b, e)| b <= d && e.is_none_or(|e| d <= e))
}

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

/// Rows read ahead before their new pupils are looked up together. The answer must not
/// depend on it: a debug build (every test) reads small batches, so that a file of a few
/// rows already crosses batches and keys come back in later ones.
#[cfg(not(debug_assertions))]
pub(crate) const VOORUIT: usize = 1 << 16;
#[cfg(debug_assertions)]
pub(crate) const VOORUIT: usize = 7;

/// A row of a file, with its line.
type Rij = (u64, VerzuimRij);

/// A (pupil, school) key of a file.
pub(crate) type Sleutel = (LeerlingId, SchoolCode);

/// Looks up the keys of a file a batch at a time. The answers to the batches asked come back
/// in the order asked, so a store may look a batch up while the next one is read.
pub(crate) trait Zoeker {
    fn vraag(&mut self, keys: Vec<Sleutel>) -> Result<()>;
    fn antwoord(&mut self) -> Result<Vec<Bekend>>;
}

/// A [`Zoeker`] that looks each batch up when its answer is wanted.
pub(crate) struct Direct<F>(pub F, std::collections::VecDeque<Vec<Sleutel>>);

impl<F: FnMut(&[Sleutel]) -> Result<Vec<Bekend>>> Direct<F> {
    pub fn new(f: F) -> Self {
        Direct(f, Default::default())
    }
}

impl<F: FnMut(&[Sleutel]) -> Result<Vec<Bekend>>> Zoeker for Direct<F> {
    fn vraag(&mut self, keys: Vec<Sleutel>) -> Result<()> {
        self.1.push_back(keys);
        Ok(())
    }
    fn antwoord(&mut self) -> Result<Vec<Bekend>> {
        let keys = self.1.pop_front().unwrap_or_default();
        (self.0)(&keys)
    }
}

/// What [`verzamel`] keeps of the keys of a file.
#[derive(Default)]
struct Groepen {
    /// Per key of the file: the group, or None when the pupil is unknown.
    sleutels: HashMap<Sleutel, Option<usize>>,
    index: HashMap<(i64, SchoolCode), usize>,
    groepen: Vec<Groep>,
    issues: Vec<RowIssue>,
}

impl Groepen {
    fn antwoord(&mut self, keys: Vec<Sleutel>, antwoorden: Vec<Bekend>) {
        for (key, b) in keys.into_iter().zip(antwoorden) {
            let g = b.person.map(|person| {
                *self
                    .index
                    .entry((person, key.1.clone()))
                    .or_insert_with(|| {
                        self.groepen.push(Groep {
                            person,
                            school: key.1.clone(),
                            periods: b.periods,
                            rows: Vec::new(),
                        });
                        self.groepen.len() - 1
                    })
            });
            self.sleutels.insert(key, g);
        }
    }

    /// Checks the rows of a batch whose keys are all answered, and puts them in their group.
    fn rijen(&mut self, buffer: Vec<Rij>) {
        let mut laatste: Option<(LeerlingId, usize)> = None;
        for (line, r) in buffer {
            // Files come per pupil or per day: the previous row's group first, then the map.
            let g = match laatste {
                Some((l, g)) if l == r.leerling && self.groepen[g].school == r.school => Some(g),
                _ => self.sleutels[&(r.leerling, r.school.clone())],
            };
            let Some(g) = g else {
                self.issues
                    .push(RowIssue::new(line, "leerling", UNKNOWN_PERSON));
                continue;
            };
            laatste = Some((r.leerling, g));
            let groep = &mut self.groepen[g];
            let d = r.verzuim.datum;
            if !covers(&groep.periods, d) {
                self.issues
                    .push(RowIssue::new(line, "datum", not_enrolled(&r)));
                continue;
            }
            let Some(dag) = verzuimblok::dag(d) else {
                self.issues.push(RowIssue::new(
                    line,
                    "datum",
                    format!("{d} lies outside 1970–2149"),
                ));
                continue;
            };
            groep.rows.push(Dagrij::van(dag, &r.verzuim));
        }
    }
}

/// Gathers a file's absence rows per pupil and school and checks each: the pupil is in the
/// register and enrolled at the school on the day. The keys not seen before are asked of
/// `zoek` a batch at a time, and a batch's rows are checked when its answers are in, after
/// the next batch has been read (and asked). Returns the groups (rows folded, in key order)
/// and the issues, in line order.
pub(crate) fn verzamel(
    rows: Rows<'_, VerzuimRij>,
    zoek: &mut dyn Zoeker,
) -> Result<(Vec<Groep>, Vec<RowIssue>)> {
    let mut g = Groepen::default();
    let mut gevraagd: HashSet<Sleutel> = HashSet::new();
    // The batch read before, and the keys it asked.
    let mut wacht: Option<(Vec<Rij>, Vec<Sleutel>)> = None;
    loop {
        let mut buffer: Vec<Rij> = Vec::with_capacity(VOORUIT);
        let mut nieuw: Vec<Sleutel> = Vec::new();
        for (line, r) in (&mut *rows).take(VOORUIT) {
            // Files come per pupil: the row before mostly has the same key.
            if nieuw
                .last()
                .is_none_or(|k| k.0 != r.leerling || k.1 != r.school)
            {
                let key = (r.leerling, r.school.clone());
                if !g.sleutels.contains_key(&key) && !gevraagd.contains(&key) {
                    gevraagd.insert(key.clone());
                    nieuw.push(key);
                }
            }
            buffer.push((line, r));
        }
        let klaar = buffer.is_empty();
        if !klaar {
            zoek.vraag(nieuw.clone())?;
        }
        if let Some((rijen, keys)) = wacht.take() {
            let antwoorden = zoek.antwoord()?;
            for k in &keys {
                gevraagd.remove(k);
            }
            g.antwoord(keys, antwoorden);
            g.rijen(rijen);
        }
        if klaar {
            break;
        }
        wacht = Some((buffer, nieuw));
    }
    // In key order, which is the order of the stored values.
    let mut groepen = g.groepen;
    groepen.sort_unstable_by(|a, b| (a.person, &a.school).cmp(&(b.person, &b.school)));
    for x in &mut groepen {
        verzuimblok::fold(&mut x.rows);
    }
    groepen.retain(|x| !x.rows.is_empty());
    Ok((groepen, g.issues))
}

/// The reason of a melding for a day on which its pupil was not enrolled at the school.
pub(crate) fn melding_not_enrolled(m: &crate::MeldingRij) -> String {
    format!(
        "{} is not enrolled at {} on {}",
        m.leerling, m.school, m.begindatum
    )
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

/// The two halves, each from its first id up to (not including) its end, in which the
/// readers of a run over everyone take the person ids from `lo` to `hi` (None: no absence
/// stored, nothing to read).
pub(crate) fn helften(lo: Option<i64>, hi: Option<i64>) -> Vec<(i64, i64)> {
    match (lo, hi) {
        (Some(lo), Some(hi)) => {
            let mid = lo + (hi - lo) / 2 + 1;
            vec![(lo, mid), (mid, hi + 1)]
        }
        _ => Vec::new(),
    }
}

/// Adds what readers of a signal run read (pairs, rows, signals) to `run`.
pub(crate) fn tel_gelezen(run: &mut SignaalRun, gelezen: &SignaalRun) {
    run.leerlingen += gelezen.leerlingen;
    run.rijen += gelezen.rijen;
    run.signalen += gelezen.signalen;
}

/// Reads the parts of a signal run's `werk` on one connection, all before anything is
/// written: the run's way when no readers of their own are free. Returns what was read and
/// the changes, in order.
pub(crate) fn na_elkaar<W>(
    werk: &[W],
    mut lees: impl FnMut(&W, &mut dyn FnMut(Wijziging) -> Result<()>) -> Result<SignaalRun>,
) -> Result<(SignaalRun, Vec<Wijziging>)> {
    let mut gelezen = SignaalRun::default();
    let mut wijzigingen = Vec::new();
    for w in werk {
        let r = lees(w, &mut |x| {
            wijzigingen.push(x);
            Ok(())
        })?;
        tel_gelezen(&mut gelezen, &r);
    }
    Ok((gelezen, wijzigingen))
}

/// Reads the parts of a signal run's `werk` in parallel, each on a reader of its own on a
/// thread of its own, and hands each change to `schrijf` on this thread as it comes. After a
/// failed write the changes still drain (so the readers end), and the error is returned once
/// they have. Returns what the readers read.
pub(crate) fn naast_elkaar<L: Send, W: Sync>(
    werk: &[W],
    lezers: Vec<L>,
    lees: impl Fn(&mut L, &W, &mut dyn FnMut(Wijziging) -> Result<()>) -> Result<SignaalRun> + Sync,
    mut schrijf: impl FnMut(Wijziging) -> Result<()>,
) -> Result<SignaalRun> {
    let lees = &lees;
    let mut gelezen = SignaalRun::default();
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Wijziging>(4096);
        let handles: Vec<_> = werk
            .iter()
            .zip(lezers)
            .map(|(w, mut lezer)| {
                let tx = tx.clone();
                scope.spawn(move || {
                    lees(&mut lezer, w, &mut |x| {
                        tx.send(x)
                            .map_err(|_| invalid("signalen", "the writer stopped"))
                    })
                })
            })
            .collect();
        drop(tx);
        let mut fout = None;
        for w in rx {
            if fout.is_none() {
                fout = schrijf(w).err();
            }
        }
        for h in handles {
            let r = h.join().expect("a signal reader does not panic")?;
            tel_gelezen(&mut gelezen, &r);
        }
        fout.map_or(Ok(()), Err)
    })?;
    Ok(gelezen)
}

/// The retention of absence: what goes from the stored values of the persons in a purge
/// plan, and the count of persons with unauthorised absence per school year and gemeente
/// that the figures keep of it (`verzuimers`, docs/domain.md §9.8).
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
