//! The vocabulary of the signal engine: kinds of absence, one absence row, the rules and the
//! signals they produce with their explanation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A code in a file or on the command line that is not one of the known ones.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
#[error("{code:?} is not a {wat}: use one of {geldig}")]
pub struct OnbekendeCode {
    /// What was expected, e.g. `verzuimsoort`.
    pub wat: &'static str,
    /// The text as given.
    pub code: String,
    /// The valid codes, separated by commas.
    pub geldig: &'static str,
}

/// The kind of an absence row (docs/domain.md §6). Codes as in files: `ongeoorloofd`, `luxe`,
/// `te_laat`, `ziek`, `geoorloofd`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verzuimsoort {
    /// Unauthorised absence (relatief verzuim).
    Ongeoorloofd,
    /// Unauthorised extra holiday outside the school holidays (luxeverzuim).
    Luxe,
    /// Arrived late: one row per late arrival.
    TeLaat,
    /// Reported sick: authorised, but watched (MAZL).
    Ziek,
    /// Authorised absence: leave granted, appointment, religious day…
    Geoorloofd,
}

impl Verzuimsoort {
    pub const ALL: [Verzuimsoort; 5] = [
        Verzuimsoort::Ongeoorloofd,
        Verzuimsoort::Luxe,
        Verzuimsoort::TeLaat,
        Verzuimsoort::Ziek,
        Verzuimsoort::Geoorloofd,
    ];

    /// The code used in files, reports and the database.
    pub const fn code(self) -> &'static str {
        match self {
            Verzuimsoort::Ongeoorloofd => "ongeoorloofd",
            Verzuimsoort::Luxe => "luxe",
            Verzuimsoort::TeLaat => "te_laat",
            Verzuimsoort::Ziek => "ziek",
            Verzuimsoort::Geoorloofd => "geoorloofd",
        }
    }

    /// Whether the minutes of this kind count for `16uur` and `signaal` (unauthorised lesson
    /// time: `ongeoorloofd` and `luxe`).
    pub const fn telt_voor_uren(self) -> bool {
        matches!(self, Verzuimsoort::Ongeoorloofd | Verzuimsoort::Luxe)
    }
}

code_soort!(Verzuimsoort, onbekend "verzuimsoort", geldig "ongeoorloofd, luxe, te_laat, ziek, geoorloofd");

/// One absence row of one pupil at one school: a day, a kind, the lesson minutes missed and
/// whether all lessons of the day were missed. 8 bytes, so tens of millions fit in memory.
///
/// Every row is an absence of its own: two rows on one date add up (their minutes are summed,
/// two `te_laat` rows are two late arrivals). Removing duplicates of a re-imported file is the
/// store's job, not the engine's.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct Verzuim {
    pub datum: NaiveDate,
    pub soort: Verzuimsoort,
    /// Lesson minutes missed (a day has at most 1440; the import checks the range).
    pub minuten: u16,
    /// All lessons of the day were missed (`hele_dag` = `ja` in files).
    pub hele_dag: bool,
}

impl Verzuim {
    pub const fn new(datum: NaiveDate, soort: Verzuimsoort, minuten: u16, hele_dag: bool) -> Self {
        Verzuim {
            datum,
            soort,
            minuten,
            hele_dag,
        }
    }
}

/// All absence of one kind on one date of one (pupil, school), folded: the minutes of its rows
/// added up, how many rows there were (`aantal`: every late arrival counts), and `hele_dag`
/// when any of them said so. This is how the stores keep absence, and what
/// [`Evaluator::evaluate_totalen`](super::Evaluator::evaluate_totalen) reads; the rules give
/// the same signals for it as for the rows it folds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Dagtotaal {
    pub datum: NaiveDate,
    pub soort: Verzuimsoort,
    pub minuten: u16,
    pub aantal: u16,
    pub hele_dag: bool,
}

/// A rule of docs/domain.md §6. Orders as listed there, which is also the order of signals on one date.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub enum Regel {
    /// Mandatory report: 16 hours of unauthorised absence in 4 lesweken.
    #[serde(rename = "16uur")]
    Uur16,
    /// Preventive signal: 8 hours in 4 lesweken.
    #[serde(rename = "signaal")]
    Signaal,
    /// Frequent lateness: the 9th late arrival in a school year.
    #[serde(rename = "te_laat")]
    TeLaat,
    /// Luxury absence: the first day of a run of luxe days.
    #[serde(rename = "luxe")]
    Luxe,
    /// Long sickness: the 7th consecutive school day of one episode.
    #[serde(rename = "mazl_7dagen")]
    Mazl7Dagen,
    /// Frequent sickness: the 4th episode within 12 lesweken.
    #[serde(rename = "mazl_4x12")]
    Mazl4x12,
    /// Long-term unauthorised absence: the 21st consecutive whole day.
    #[serde(rename = "lrv")]
    Lrv,
    /// Absolute absence: of duty age, not enrolled, not exempted.
    #[serde(rename = "av")]
    Av,
}

impl Regel {
    pub const ALL: [Regel; 8] = [
        Regel::Uur16,
        Regel::Signaal,
        Regel::TeLaat,
        Regel::Luxe,
        Regel::Mazl7Dagen,
        Regel::Mazl4x12,
        Regel::Lrv,
        Regel::Av,
    ];

    /// The code of docs/domain.md §6, used in files, reports, the database and `--regel`.
    pub const fn code(self) -> &'static str {
        match self {
            Regel::Uur16 => "16uur",
            Regel::Signaal => "signaal",
            Regel::TeLaat => "te_laat",
            Regel::Luxe => "luxe",
            Regel::Mazl7Dagen => "mazl_7dagen",
            Regel::Mazl4x12 => "mazl_4x12",
            Regel::Lrv => "lrv",
            Regel::Av => "av",
        }
    }

    /// The kind of melding (its `verzuimsoort`) that a signal of this rule becomes as a draft
    /// for the school to confirm, or None when its signals stay signals (docs/domain.md §7):
    /// the mandatory 16 hours, luxury absence, frequent lateness as beginning absence, and
    /// long relative absence.
    pub const fn conceptmelding(self) -> Option<&'static str> {
        match self {
            Regel::Uur16 => Some("16uur"),
            Regel::Luxe => Some("luxe"),
            Regel::TeLaat => Some("beginnend"),
            Regel::Lrv => Some("langdurig"),
            Regel::Signaal | Regel::Mazl7Dagen | Regel::Mazl4x12 | Regel::Av => None,
        }
    }

    /// Whether a signal of this rule is a MAZL referral: the youth doctor's, who may read the
    /// sick days behind it (docs/domain.md §10).
    pub const fn mazl(self) -> bool {
        matches!(self, Regel::Mazl7Dagen | Regel::Mazl4x12)
    }

    /// Whether a recent signal of this rule is an item on a worklist as a signal (the others
    /// reach the worklists as draft meldingen, or not at all): the school's `signaal`, the
    /// GGD's MAZL referrals, and `lrv` as a thuiszitter proposal for leerplicht and the SWV.
    pub const fn op_werklijst(self) -> bool {
        matches!(
            self,
            Regel::Signaal | Regel::Mazl7Dagen | Regel::Mazl4x12 | Regel::Lrv
        )
    }

    /// Whether the rule with code `code` is one for which `welke` holds; false for a code that
    /// names no rule.
    pub fn code_is(code: &str, welke: fn(Regel) -> bool) -> bool {
        code.parse::<Regel>().is_ok_and(welke)
    }
}

code_soort!(Regel, onbekend "regel", geldig "16uur, signaal, te_laat, luxe, mazl_7dagen, mazl_4x12, lrv, av");

/// Why a signal fired: the window the rule looked at, the dates of the absence rows that made
/// it, and the figures compared with the threshold.
///
/// Per rule:
///
/// | regel | `venster_van`..`venster_tot` | `rijen` | `minuten` | `aantal` |
/// |---|---|---|---|---|
/// | `16uur`, `signaal` | first day of the earliest lesweek of the window .. the date | dates with unused counted minutes | unused minutes | number of those dates |
/// | `te_laat` | 1 August, or the day after the last `te_laat` signal when later .. the date | dates of the counted late arrivals | 0 | late arrivals |
/// | `luxe` | the date .. the date | the date | counted minutes that day | 1 |
/// | `mazl_7dagen` | first day of the episode .. the date | the sick days | 0 | sick days |
/// | `mazl_4x12` | first day of the earliest lesweek of the window .. the date | first days of the counted episodes | 0 | episodes |
/// | `lrv` | first day of the run .. the date | the whole days | their counted minutes | whole days |
/// | `av` | the reference date .. the reference date | none | 0 | 0 |
///
/// Counted minutes are those of `ongeoorloofd` and `luxe`. `rijen` holds each date once, in order. Every date lies on or before the signal's date: a
/// signal and its explanation depend only on absence up to its own date.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Uitleg {
    pub venster_van: NaiveDate,
    pub venster_tot: NaiveDate,
    pub rijen: Vec<NaiveDate>,
    pub minuten: u32,
    pub aantal: u32,
    /// The threshold that was reached, from the rules that applied on the signal's date (0 for
    /// `luxe` and `av`, which have none).
    pub drempel: u32,
}

/// A dated, explained fact someone must act on, for one (pupil, school): produced by the rules
/// of docs/domain.md §6. The pair (`regel`, `datum`) identifies it: a rule fires at most once per date.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Signaal {
    pub regel: Regel,
    pub datum: NaiveDate,
    pub uitleg: Uitleg,
}

/// A fingerprint of a list of signals with their explanations (64-bit FNV-1a over every
/// field): equal lists give equal fingerprints, in every build and on every machine, so a
/// store can keep it and rewrite a pupil's signals only when it changes.
pub fn vingerafdruk(signalen: &[Signaal]) -> u64 {
    use chrono::Datelike;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |x: u32| {
        for b in x.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let dag = |d: NaiveDate| d.num_days_from_ce() as u32;
    eat(signalen.len() as u32);
    for s in signalen {
        eat(s.regel as u32);
        eat(dag(s.datum));
        let u = &s.uitleg;
        eat(dag(u.venster_van));
        eat(dag(u.venster_tot));
        eat(u.minuten);
        eat(u.aantal);
        eat(u.drempel);
        eat(u.rijen.len() as u32);
        for d in &u.rijen {
            eat(dag(*d));
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_signals_become_draft_meldingen_and_of_which_kind() {
        let drafts: Vec<(&str, &str)> = Regel::ALL
            .iter()
            .filter_map(|r| Some((r.code(), r.conceptmelding()?)))
            .collect();
        assert_eq!(
            drafts,
            [
                ("16uur", "16uur"),
                ("te_laat", "beginnend"),
                ("luxe", "luxe"),
                ("lrv", "langdurig")
            ]
        );
    }

    #[test]
    fn fingerprints_tell_signals_apart() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let s = Signaal {
            regel: Regel::Uur16,
            datum: d("2025-10-03"),
            uitleg: Uitleg {
                venster_van: d("2025-09-08"),
                venster_tot: d("2025-10-03"),
                rijen: vec![d("2025-09-09"), d("2025-10-03")],
                minuten: 960,
                aantal: 2,
                drempel: 960,
            },
        };
        let base = vingerafdruk(std::slice::from_ref(&s));
        // Fixed across builds and machines: a stored fingerprint stays valid. A change of the
        // function must come with a migration that clears the stored ones.
        assert_eq!(base, 6_626_781_209_278_330_461);
        assert_ne!(base, vingerafdruk(&[]));
        let mut t = s.clone();
        t.uitleg.rijen[0] = d("2025-09-10");
        assert_ne!(base, vingerafdruk(&[t]));
        let mut t = s.clone();
        t.regel = Regel::Signaal;
        assert_ne!(base, vingerafdruk(&[t]));
        let mut t = s.clone();
        t.uitleg.drempel = 900;
        assert_ne!(base, vingerafdruk(&[t]));
        assert_ne!(base, vingerafdruk(&[s.clone(), s]));
    }

    #[test]
    fn codes_round_trip() {
        for s in Verzuimsoort::ALL {
            assert_eq!(s.code().parse::<Verzuimsoort>(), Ok(s));
            assert_eq!(s.to_string(), s.code());
            let de: Verzuimsoort =
                serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<
                    serde::de::value::Error,
                >::new(s.code()))
                .unwrap();
            assert_eq!(de, s);
        }
        for r in Regel::ALL {
            assert_eq!(r.code().parse::<Regel>(), Ok(r));
            assert_eq!(r.to_string(), r.code());
            let de: Regel = serde::Deserialize::deserialize(serde::de::value::StrDeserializer::<
                serde::de::value::Error,
            >::new(r.code()))
            .unwrap();
            assert_eq!(de, r);
        }
        assert_eq!(
            " Te_Laat ".parse::<Verzuimsoort>(),
            Ok(Verzuimsoort::TeLaat)
        );
        assert_eq!("16UUR".parse::<Regel>(), Ok(Regel::Uur16));
        let err = "laat".parse::<Verzuimsoort>().unwrap_err();
        assert!(err.to_string().contains("te_laat"), "{err}");
        assert!("16 uur".parse::<Regel>().is_err());
        assert_eq!(format!("{:>8}|", Regel::Lrv), "     lrv|");
        assert_eq!(format!("{:<6}|", Verzuimsoort::Ziek), "ziek  |");
    }

    #[test]
    fn only_unauthorised_minutes_count_for_hours() {
        let counting: Vec<_> = Verzuimsoort::ALL
            .into_iter()
            .filter(|s| s.telt_voor_uren())
            .collect();
        assert_eq!(counting, [Verzuimsoort::Ongeoorloofd, Verzuimsoort::Luxe]);
    }

    #[test]
    fn a_row_is_small() {
        assert!(std::mem::size_of::<Verzuim>() <= 8);
    }
}
