//! One pupil's absence at one school as one packed value: how the SQLite store keeps absence
//! (`verzuim_blokken`), so that a pupil's whole history is a single read and a national
//! year's 40 million rows are two million values rather than 40 million table rows.
//!
//! A value is a format byte (1) followed by the day rows in (day, kind) order, each five
//! bytes — the day as days since 1 January 1970 (`u16`, little-endian, so 1970 to 2149), the
//! minutes (`u16`), and a flag byte: the kind in bits 0–2 (the order of [`Verzuimsoort`]),
//! `hele_dag` in bit 3, and in bit 4 whether a `u16` count of folded rows follows (only when
//! it is more than one: two late arrivals on a day).

use chrono::NaiveDate;
use leerrecht_domain::rules::{Dagtotaal, Verzuim, Verzuimsoort};

use crate::{ImportCounts, Result, StoreError};

const FORMAT: u8 = 1;
const HELE_DAG: u8 = 1 << 3;
const AANTAL: u8 = 1 << 4;

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const EPOCH_CE: i32 = 719_163;

/// All absence of one kind on one day at one school: the rows of a file with that key,
/// folded (minutes added up, rows counted, `hele_dag` when any row said so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dagrij {
    pub dag: u16,
    pub soort: Verzuimsoort,
    pub minuten: u16,
    pub aantal: u16,
    pub hele_dag: bool,
}

impl Dagrij {
    /// The row of one absence record, for day `dag`.
    pub fn van(dag: u16, v: &Verzuim) -> Self {
        Dagrij {
            dag,
            soort: v.soort,
            minuten: v.minuten,
            aantal: 1,
            hele_dag: v.hele_dag,
        }
    }
    fn key(&self) -> (u16, Verzuimsoort) {
        (self.dag, self.soort)
    }
    /// Adds another row with the same key.
    fn plus(&mut self, o: &Dagrij) {
        self.minuten = self.minuten.saturating_add(o.minuten);
        self.aantal = self.aantal.saturating_add(o.aantal);
        self.hele_dag |= o.hele_dag;
    }
}

/// The day number of `d`, or None outside 1970–2149.
pub(crate) fn dag(d: NaiveDate) -> Option<u16> {
    use chrono::Datelike;
    u16::try_from(d.num_days_from_ce() - EPOCH_CE).ok()
}

pub(crate) fn datum(dag: u16) -> NaiveDate {
    // A table of every day: a signal run turns tens of millions of day numbers into dates,
    // and the calendar arithmetic costs more than the rest of decoding.
    static DATA: std::sync::OnceLock<Vec<NaiveDate>> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        (0..=u16::MAX)
            .map(|d| {
                NaiveDate::from_num_days_from_ce_opt(EPOCH_CE + i32::from(d))
                    .expect("a u16 day lies within chrono's range")
            })
            .collect()
    })[usize::from(dag)]
}

fn soort_code(s: Verzuimsoort) -> u8 {
    Verzuimsoort::ALL
        .iter()
        .position(|k| *k == s)
        .expect("every kind is in ALL") as u8
}

/// Sorts `rows` by (day, kind) and folds the rows with the same key into one.
pub(crate) fn fold(rows: &mut Vec<Dagrij>) {
    rows.sort_unstable_by_key(Dagrij::key);
    rows.dedup_by(|later, first| {
        let same = later.key() == first.key();
        if same {
            first.plus(later);
        }
        same
    });
}

/// Writes `rows` (folded: sorted, one per key) as a stored value into `out`.
pub(crate) fn encode(rows: &[Dagrij], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(1 + rows.len() * 5);
    out.push(FORMAT);
    for r in rows {
        out.extend_from_slice(&r.dag.to_le_bytes());
        out.extend_from_slice(&r.minuten.to_le_bytes());
        let mut flags = soort_code(r.soort);
        if r.hele_dag {
            flags |= HELE_DAG;
        }
        if r.aantal > 1 {
            flags |= AANTAL;
        }
        out.push(flags);
        if r.aantal > 1 {
            out.extend_from_slice(&r.aantal.to_le_bytes());
        }
    }
}

fn onleesbaar(why: &str) -> StoreError {
    StoreError::Invalid(format!("stored absence is unreadable: {why}"))
}

/// Calls `f` with each row of a stored value, in (day, kind) order.
pub(crate) fn for_each(b: &[u8], mut f: impl FnMut(Dagrij)) -> Result<()> {
    let Some((&FORMAT, mut rest)) = b.split_first() else {
        return Err(onleesbaar("unknown format"));
    };
    while !rest.is_empty() {
        let [d0, d1, m0, m1, flags, tail @ ..] = rest else {
            return Err(onleesbaar("a row is cut short"));
        };
        let (aantal, tail) = if flags & AANTAL != 0 {
            match tail {
                [a0, a1, t @ ..] => (u16::from_le_bytes([*a0, *a1]), t),
                _ => return Err(onleesbaar("a count is cut short")),
            }
        } else {
            (1, tail)
        };
        let soort = *Verzuimsoort::ALL
            .get(usize::from(flags & 7))
            .ok_or_else(|| onleesbaar("unknown kind"))?;
        f(Dagrij {
            dag: u16::from_le_bytes([*d0, *d1]),
            soort,
            minuten: u16::from_le_bytes([*m0, *m1]),
            aantal,
            hele_dag: flags & HELE_DAG != 0,
        });
        rest = tail;
    }
    Ok(())
}

pub(crate) fn decode(b: &[u8], out: &mut Vec<Dagrij>) -> Result<()> {
    out.clear();
    for_each(b, |r| out.push(r))
}

/// The totals as the rules read them, in date order: one per stored row. Returns how many.
pub(crate) fn voor_regels(b: &[u8], out: &mut Vec<Dagtotaal>) -> Result<u64> {
    out.clear();
    for_each(b, |r| {
        out.push(Dagtotaal {
            datum: datum(r.dag),
            soort: r.soort,
            minuten: r.minuten,
            aantal: r.aantal,
            hele_dag: r.hele_dag,
        })
    })?;
    Ok(out.len() as u64)
}

/// `stored` with the rows of `file` (both folded) put in: a row of the file replaces the
/// stored row with its key. Counts the file's rows as new, changed or unchanged.
pub(crate) fn merge(stored: &[Dagrij], file: &[Dagrij], out: &mut Vec<Dagrij>) -> ImportCounts {
    out.clear();
    let mut counts = ImportCounts::default();
    let (mut i, mut j) = (0, 0);
    while i < stored.len() || j < file.len() {
        match (stored.get(i), file.get(j)) {
            (Some(s), Some(f)) if s.key() == f.key() => {
                if s == f {
                    counts.ongewijzigd += 1;
                } else {
                    counts.gewijzigd += 1;
                }
                out.push(*f);
                i += 1;
                j += 1;
            }
            (Some(s), Some(f)) if s.key() < f.key() => {
                out.push(*s);
                i += 1;
            }
            (Some(s), None) => {
                out.push(*s);
                i += 1;
            }
            (_, Some(f)) => {
                counts.nieuw += 1;
                out.push(*f);
                j += 1;
            }
            (None, None) => unreachable!("the loop runs while either has rows"),
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rij(dag: &str, soort: Verzuimsoort, minuten: u16) -> Dagrij {
        Dagrij {
            dag: super::dag(d(dag)).unwrap(),
            soort,
            minuten,
            aantal: 1,
            hele_dag: false,
        }
    }

    #[test]
    fn days_cover_1970_to_2149() {
        assert_eq!(dag(d("1970-01-01")), Some(0));
        assert_eq!(dag(d("1969-12-31")), None);
        assert_eq!(datum(dag(d("2149-06-06")).unwrap()), d("2149-06-06"));
        assert_eq!(dag(d("2150-01-01")), None);
        assert_eq!(datum(u16::MAX), d("2149-06-06"));
    }

    #[test]
    fn rows_read_back_as_written() {
        use Verzuimsoort::*;
        let mut rows = vec![
            rij("2025-09-02", Ziek, 0),
            rij("2025-09-01", TeLaat, 10),
            rij("2025-09-01", Ongeoorloofd, 1440),
            rij("2025-09-01", TeLaat, 5),
            Dagrij {
                hele_dag: true,
                ..rij("2025-09-03", Ongeoorloofd, 300)
            },
        ];
        fold(&mut rows);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1].soort, TeLaat);
        assert_eq!((rows[1].minuten, rows[1].aantal), (15, 2));
        let mut b = Vec::new();
        encode(&rows, &mut b);
        assert_eq!(b.len(), 1 + 4 * 5 + 2);
        let mut back = Vec::new();
        decode(&b, &mut back).unwrap();
        assert_eq!(back, rows);
        // The rules see every late arrival.
        let mut v = Vec::new();
        assert_eq!(voor_regels(&b, &mut v).unwrap(), 4);
        let late: u16 = v
            .iter()
            .filter(|r| r.soort == TeLaat)
            .map(|r| r.aantal)
            .sum();
        assert_eq!(late, 2);
        assert!(v.is_sorted_by_key(|r| r.datum));
    }

    #[test]
    fn a_damaged_value_is_an_error_not_a_panic() {
        let mut b = Vec::new();
        encode(&[rij("2025-09-01", Verzuimsoort::Luxe, 60)], &mut b);
        let mut out = Vec::new();
        for cut in 0..b.len() {
            if cut != 1 {
                assert!(decode(&b[..cut], &mut out).is_err(), "cut at {cut}");
            }
        }
        let mut bad = b.clone();
        bad[5] = 7;
        assert!(decode(&bad, &mut out).is_err());
        bad[0] = 2;
        assert!(decode(&bad, &mut out).is_err());
    }

    #[test]
    fn a_file_row_replaces_the_stored_row_with_its_key() {
        use Verzuimsoort::*;
        let stored = [
            rij("2025-09-01", Ongeoorloofd, 60),
            rij("2025-09-02", Ziek, 0),
            rij("2025-09-04", Luxe, 300),
        ];
        let file = [
            rij("2025-09-01", Ongeoorloofd, 60),
            rij("2025-09-02", Ziek, 30),
            rij("2025-09-03", Geoorloofd, 100),
        ];
        let mut out = Vec::new();
        let c = merge(&stored, &file, &mut out);
        assert_eq!((c.nieuw, c.gewijzigd, c.ongewijzigd), (1, 1, 1));
        assert_eq!(out.len(), 4);
        assert!(out.is_sorted_by_key(|r| r.key()));
        assert_eq!(out[1].minuten, 30);
        assert_eq!(out[3], stored[2]);
    }
}
