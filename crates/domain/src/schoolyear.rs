//! The school year (docs/domain.md §4): 1 August up to and including 31 July, named `2018-2019`.
//! Reports, holiday imports and the end of leerplicht are all cut along these years.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The school year that starts on 1 August of `start_year`. Orders chronologically; reads,
/// prints and serialises as `"2018-2019"`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchoolYear(i32);

/// Why a text is not a school year.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
pub enum SchoolYearError {
    #[error("{0:?} is not a school year: write it as two years, e.g. 2018-2019")]
    Format(String),
    #[error("{0:?} is not a school year: the second year must follow the first, e.g. 2018-2019")]
    NotConsecutive(String),
}

impl SchoolYear {
    /// The school year from 1 August `start_year` to 31 July `start_year + 1`.
    pub const fn new(start_year: i32) -> Self {
        SchoolYear(start_year)
    }

    /// The school year a day falls in: August–December belong to the year that starts then,
    /// January–July to the one that started the year before.
    pub fn containing(d: NaiveDate) -> Self {
        if d.month() >= 8 {
            SchoolYear(d.year())
        } else {
            SchoolYear(d.year() - 1)
        }
    }

    pub const fn start_year(self) -> i32 {
        self.0
    }

    /// 1 August of the start year. Panics only for years outside chrono's range (±262 000).
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 8, 1).expect("school year within chrono's date range")
    }

    /// 31 July of the year after the start year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 7, 31).expect("school year within chrono's date range")
    }

    pub const fn next(self) -> Self {
        SchoolYear(self.0 + 1)
    }

    pub const fn prev(self) -> Self {
        SchoolYear(self.0 - 1)
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        SchoolYear::containing(d) == self
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.0, self.0 + 1)
    }
}

impl FromStr for SchoolYear {
    type Err = SchoolYearError;

    /// Accepts `2018-2019` (surrounding blanks allowed). Both years are plain digits, so
    /// `2018/2019`, `18-19` with a sign, or a lone `2018` are refused rather than guessed at.
    fn from_str(s: &str) -> Result<Self, SchoolYearError> {
        let t = s.trim();
        let year = |p: &str| -> Option<i32> {
            if (1..=6).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        };
        let (a, b) = t
            .split_once('-')
            .and_then(|(a, b)| Some((year(a)?, year(b)?)))
            .ok_or_else(|| SchoolYearError::Format(s.to_string()))?;
        if b != a + 1 {
            return Err(SchoolYearError::NotConsecutive(s.to_string()));
        }
        Ok(SchoolYear(a))
    }
}

impl TryFrom<String> for SchoolYear {
    type Error = SchoolYearError;
    fn try_from(s: String) -> Result<Self, SchoolYearError> {
        s.parse()
    }
}

impl From<SchoolYear> for String {
    fn from(y: SchoolYear) -> String {
        y.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn bounds_and_containing() {
        let y = SchoolYear::new(2018);
        assert_eq!(y.start_year(), 2018);
        assert_eq!(y.first_day(), d(2018, 8, 1));
        assert_eq!(y.last_day(), d(2019, 7, 31));
        assert_eq!(SchoolYear::containing(d(2018, 8, 1)), y);
        assert_eq!(SchoolYear::containing(d(2018, 12, 31)), y);
        assert_eq!(SchoolYear::containing(d(2019, 1, 1)), y);
        assert_eq!(SchoolYear::containing(d(2019, 7, 31)), y);
        assert_eq!(SchoolYear::containing(d(2018, 7, 31)), y.prev());
        assert_eq!(SchoolYear::containing(d(2019, 8, 1)), y.next());
        assert!(y.contains(d(2019, 2, 28)));
        assert!(!y.contains(d(2019, 8, 1)));
        assert_eq!(y.next().prev(), y);
        assert!(y < y.next());
    }

    #[test]
    fn text_round_trip() {
        let y: SchoolYear = "2018-2019".parse().unwrap();
        assert_eq!(y, SchoolYear::new(2018));
        assert_eq!(y.to_string(), "2018-2019");
        assert_eq!(" 2018-2019 ".parse::<SchoolYear>(), Ok(y));
        assert!(matches!(
            "2018-2020".parse::<SchoolYear>(),
            Err(SchoolYearError::NotConsecutive(_))
        ));
        assert!(matches!(
            "2019-2018".parse::<SchoolYear>(),
            Err(SchoolYearError::NotConsecutive(_))
        ));
        for bad in [
            "2018",
            "2018/2019",
            "",
            "-2018-2019",
            "2018-+2019",
            "a-b",
            "2018-2019-2020",
        ] {
            let e = bad.parse::<SchoolYear>().unwrap_err();
            assert!(e.to_string().contains("e.g. 2018-2019"), "{bad}: {e}");
        }
    }

    #[test]
    fn serde_as_string() {
        let y = SchoolYear::new(2018);
        let s: String = y.into();
        assert_eq!(s, "2018-2019");
        assert_eq!(SchoolYear::try_from(s), Ok(y));
        assert!(SchoolYear::try_from("2018-2018".to_string()).is_err());
    }
}
