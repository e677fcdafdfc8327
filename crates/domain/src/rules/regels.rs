//! The thresholds of the rules (regional policy, docs/domain.md §6) and their history: a change of
//! rules applies from a date on, and the earlier versions are kept so that past signals stay
//! explainable and reproducible.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a set of rules or a rules history was refused.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
pub enum RegelsError {
    #[error("regels: {veld} must be at least 1")]
    Nul { veld: &'static str },
    #[error("regels: a history needs at least one version")]
    Leeg,
    #[error("regels: two versions start on {0}")]
    DubbeleDatum(NaiveDate),
}

/// The thresholds of the rules of docs/domain.md §6. [`Default`] gives the defaults of docs/domain.md.
///
/// Reads from a `[regels]` table in which every field is optional (a missing one keeps its
/// default) and an unknown one is an error (a misspelt threshold must not be silently
/// ignored); every value must be at least 1:
///
/// ```toml
/// [regels]
/// signaal_minuten = 360
/// venster_lesweken = 4
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "RegelsInvoer")]
pub struct Regels {
    /// `16uur`: unused unauthorised minutes within the window that make the mandatory report.
    pub uur16_minuten: u32,
    /// `signaal`: the same for the preventive signal.
    pub signaal_minuten: u32,
    /// `16uur` and `signaal`: the window, in lesweken up to and including the current one.
    pub venster_lesweken: u32,
    /// `te_laat`: late arrivals within one school year since the last `te_laat` signal.
    pub te_laat_aantal: u32,
    /// `mazl_7dagen`: consecutive school days of one sickness episode.
    pub mazl_dagen: u32,
    /// `mazl_4x12`: episodes whose first day lies within the window ...
    pub mazl_episodes: u32,
    /// ... of this many lesweken, up to and including the current one.
    pub mazl_lesweken: u32,
    /// `lrv`: consecutive school days with a whole day of `ongeoorloofd` absence.
    pub lrv_dagen: u32,
}

impl Default for Regels {
    fn default() -> Self {
        Regels {
            uur16_minuten: 960,
            signaal_minuten: 480,
            venster_lesweken: 4,
            te_laat_aantal: 9,
            mazl_dagen: 7,
            mazl_episodes: 4,
            mazl_lesweken: 12,
            lrv_dagen: 21,
        }
    }
}

impl Regels {
    /// Checks that every threshold is at least 1 (a threshold of 0 would fire on nothing, or on
    /// everything).
    pub fn check(&self) -> Result<(), RegelsError> {
        let velden = [
            ("uur16_minuten", self.uur16_minuten),
            ("signaal_minuten", self.signaal_minuten),
            ("venster_lesweken", self.venster_lesweken),
            ("te_laat_aantal", self.te_laat_aantal),
            ("mazl_dagen", self.mazl_dagen),
            ("mazl_episodes", self.mazl_episodes),
            ("mazl_lesweken", self.mazl_lesweken),
            ("lrv_dagen", self.lrv_dagen),
        ];
        match velden.iter().find(|(_, v)| *v == 0) {
            Some((veld, _)) => Err(RegelsError::Nul { veld }),
            None => Ok(()),
        }
    }
}

/// What a `[regels]` table may hold: every field optional.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RegelsInvoer {
    uur16_minuten: u32,
    signaal_minuten: u32,
    venster_lesweken: u32,
    te_laat_aantal: u32,
    mazl_dagen: u32,
    mazl_episodes: u32,
    mazl_lesweken: u32,
    lrv_dagen: u32,
}

impl Default for RegelsInvoer {
    fn default() -> Self {
        let r = Regels::default();
        RegelsInvoer {
            uur16_minuten: r.uur16_minuten,
            signaal_minuten: r.signaal_minuten,
            venster_lesweken: r.venster_lesweken,
            te_laat_aantal: r.te_laat_aantal,
            mazl_dagen: r.mazl_dagen,
            mazl_episodes: r.mazl_episodes,
            mazl_lesweken: r.mazl_lesweken,
            lrv_dagen: r.lrv_dagen,
        }
    }
}

impl TryFrom<RegelsInvoer> for Regels {
    type Error = RegelsError;
    fn try_from(i: RegelsInvoer) -> Result<Self, RegelsError> {
        let r = Regels {
            uur16_minuten: i.uur16_minuten,
            signaal_minuten: i.signaal_minuten,
            venster_lesweken: i.venster_lesweken,
            te_laat_aantal: i.te_laat_aantal,
            mazl_dagen: i.mazl_dagen,
            mazl_episodes: i.mazl_episodes,
            mazl_lesweken: i.mazl_lesweken,
            lrv_dagen: i.lrv_dagen,
        };
        r.check()?;
        Ok(r)
    }
}

/// One version of the rules, in force from `van` on.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct RegelsVersie {
    pub van: NaiveDate,
    pub regels: Regels,
}

/// The rules over time: versions ordered by their start date, none removed. On a date `d` the
/// latest version with `van ≤ d` applies; before the first version, the first one applies
/// (so the first version's date never leaves dates without rules).
///
/// The engine applies to each signal the version in force on the signal's date (the date on
/// which the threshold is reached); a version's window reaches back over dates of earlier
/// versions where its window is longer. A change of rules does not fire anything by itself:
/// the next absence is measured against the new thresholds.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(try_from = "Vec<RegelsVersie>", into = "Vec<RegelsVersie>")]
pub struct RegelsHistorie(Vec<RegelsVersie>);

impl RegelsHistorie {
    /// A history from versions in any order; refuses an empty list, two versions starting on
    /// the same date, and thresholds of 0.
    pub fn new(mut versies: Vec<RegelsVersie>) -> Result<Self, RegelsError> {
        if versies.is_empty() {
            return Err(RegelsError::Leeg);
        }
        versies.sort_by_key(|v| v.van);
        if let Some(w) = versies.windows(2).find(|w| w[0].van == w[1].van) {
            return Err(RegelsError::DubbeleDatum(w[0].van));
        }
        for v in &versies {
            v.regels.check()?;
        }
        Ok(RegelsHistorie(versies))
    }

    /// One set of rules for all dates.
    pub fn vast(regels: Regels) -> Self {
        RegelsHistorie(vec![RegelsVersie {
            van: crate::calendar::EPOCH,
            regels,
        }])
    }

    /// This history plus a version from `van` on (replacing one that starts on that very
    /// date). Later versions stay: a change is a new dated version, never a rewrite.
    pub fn met(mut self, van: NaiveDate, regels: Regels) -> Result<Self, RegelsError> {
        regels.check()?;
        match self.0.binary_search_by_key(&van, |v| v.van) {
            Ok(i) => self.0[i].regels = regels,
            Err(i) => self.0.insert(i, RegelsVersie { van, regels }),
        }
        Ok(self)
    }

    /// The versions, ordered by start date.
    pub fn versies(&self) -> &[RegelsVersie] {
        &self.0
    }

    /// The index in [`versies`](Self::versies) of the version in force on `d`.
    pub fn index_op(&self, d: NaiveDate) -> usize {
        self.0.partition_point(|v| v.van <= d).saturating_sub(1)
    }

    /// The rules in force on `d`.
    pub fn regels_op(&self, d: NaiveDate) -> &Regels {
        &self.0[self.index_op(d)].regels
    }
}

impl Default for RegelsHistorie {
    /// docs/domain.md §6's defaults for all dates.
    fn default() -> Self {
        RegelsHistorie::vast(Regels::default())
    }
}

impl From<Regels> for RegelsHistorie {
    fn from(r: Regels) -> Self {
        RegelsHistorie::vast(r)
    }
}

impl TryFrom<Vec<RegelsVersie>> for RegelsHistorie {
    type Error = RegelsError;
    fn try_from(v: Vec<RegelsVersie>) -> Result<Self, RegelsError> {
        RegelsHistorie::new(v)
    }
}

impl From<RegelsHistorie> for Vec<RegelsVersie> {
    fn from(h: RegelsHistorie) -> Self {
        h.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, MapDeserializer};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn from_pairs(pairs: &[(&'static str, u32)]) -> Result<Regels, DeError> {
        Regels::deserialize(MapDeserializer::<_, DeError>::new(pairs.iter().copied()))
    }

    #[test]
    fn defaults_are_domain_6() {
        let r = Regels::default();
        assert_eq!(
            (
                r.uur16_minuten,
                r.signaal_minuten,
                r.venster_lesweken,
                r.te_laat_aantal
            ),
            (960, 480, 4, 9)
        );
        assert_eq!(
            (r.mazl_dagen, r.mazl_episodes, r.mazl_lesweken, r.lrv_dagen),
            (7, 4, 12, 21)
        );
        assert_eq!(r.check(), Ok(()));
    }

    #[test]
    fn a_table_sets_any_subset() {
        assert_eq!(from_pairs(&[]).unwrap(), Regels::default());
        let r = from_pairs(&[("signaal_minuten", 360), ("lrv_dagen", 15)]).unwrap();
        assert_eq!(
            r,
            Regels {
                signaal_minuten: 360,
                lrv_dagen: 15,
                ..Regels::default()
            }
        );
        let err = from_pairs(&[("signaal_minuut", 360)]).unwrap_err();
        assert!(err.to_string().contains("signaal_minuut"), "{err}");
        let err = from_pairs(&[("venster_lesweken", 0)]).unwrap_err();
        assert!(err.to_string().contains("venster_lesweken"), "{err}");
    }

    #[test]
    fn the_version_in_force() {
        let streng = Regels {
            uur16_minuten: 600,
            ..Regels::default()
        };
        let h = RegelsHistorie::new(vec![
            RegelsVersie {
                van: d(2022, 8, 1),
                regels: streng,
            },
            RegelsVersie {
                van: d(2019, 8, 1),
                regels: Regels::default(),
            },
        ])
        .unwrap();
        assert_eq!(h.regels_op(d(2010, 1, 1)), &Regels::default()); // before the first
        assert_eq!(h.regels_op(d(2022, 7, 31)), &Regels::default());
        assert_eq!(h.regels_op(d(2022, 8, 1)), &streng);
        assert_eq!(h.regels_op(d(2030, 1, 1)), &streng);
        assert_eq!(h.versies()[0].van, d(2019, 8, 1));

        let h2 = h.clone().met(d(2024, 8, 1), Regels::default()).unwrap();
        assert_eq!(h2.versies().len(), 3);
        assert_eq!(h2.regels_op(d(2023, 1, 1)), &streng);
        assert_eq!(h2.regels_op(d(2024, 8, 1)), &Regels::default());

        assert_eq!(RegelsHistorie::new(vec![]), Err(RegelsError::Leeg));
        let twice = vec![
            RegelsVersie {
                van: d(2019, 8, 1),
                regels: streng,
            };
            2
        ];
        assert_eq!(
            RegelsHistorie::new(twice),
            Err(RegelsError::DubbeleDatum(d(2019, 8, 1)))
        );
        assert_eq!(
            RegelsHistorie::default().regels_op(d(2020, 1, 1)),
            &Regels::default()
        );
    }
}
