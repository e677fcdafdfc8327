//! Whether a registration on the thuiszitters list fits the register (docs/domain.md §8, last
//! paragraph): `thuiszittend` needs an enrolment and a duty on each of its days;
//! `absoluut_verzuim` needs a duty, no enrolment and no exemption, and ends when the duty
//! ends. The other categories are not bound to the register.
//!
//! Choices, where docs/domain.md leaves room:
//! - A period with an end is checked on every day from its start to its end. An open period
//!   is checked from its start; for `thuiszittend` that is its first day (the days after are
//!   not known yet), for `absoluut_verzuim` every day up to the end of the duty.
//! - An open `absoluut_verzuim` period is cut: it is kept ending on the last day of duty
//!   (the day before the 18th birthday, or the end of the enrolment that ended with a
//!   startkwalificatie), as the law ends it. A period whose given end lies after the last day
//!   of duty is refused, naming that day: an end date that the register contradicts is a
//!   mistake to correct, not to guess.

use chrono::{Days, NaiveDate};

use crate::duty::{duty_status_met, laatste_plichtdag, leerplicht_start, DutyStatus};
use crate::thuiszitters::Categorie;

/// What the register knows about one young person that a registration must fit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registerfeiten {
    pub geboortedatum: NaiveDate,
    /// Enrolments: first and last day (open when still enrolled).
    pub inschrijvingen: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// The last day of the first enrolment that ended with a startkwalificatie, if any.
    pub startkwalificatie: Option<NaiveDate>,
    /// Exemptions recorded in the person's cases: first and last day (open when not ended).
    pub vrijstellingen: Vec<(NaiveDate, Option<NaiveDate>)>,
}

impl Registerfeiten {
    /// Adds an enrolment (first day, last day, whether it ended with a startkwalificatie):
    /// the earliest such last day is the startkwalificatie's day.
    pub fn inschrijving(
        &mut self,
        van: NaiveDate,
        tot: Option<NaiveDate>,
        startkwalificatie: bool,
    ) {
        self.inschrijvingen.push((van, tot));
        if let (true, Some(t)) = (startkwalificatie, tot) {
            self.startkwalificatie = Some(self.startkwalificatie.map_or(t, |s| s.min(t)));
        }
    }
    /// The duty on `d`, a startkwalificatie taken into account.
    pub fn plicht_op(&self, d: NaiveDate) -> DutyStatus {
        duty_status_met(self.geboortedatum, d, self.startkwalificatie)
    }
    /// The last day of duty.
    pub fn laatste_plichtdag(&self) -> NaiveDate {
        laatste_plichtdag(self.geboortedatum, self.startkwalificatie)
    }
    pub fn ingeschreven_op(&self, d: NaiveDate) -> bool {
        self.inschrijvingen.iter().any(|&p| dekt(p, d))
    }
    pub fn vrijgesteld_op(&self, d: NaiveDate) -> bool {
        self.vrijstellingen.iter().any(|&p| dekt(p, d))
    }
}

fn dekt((van, tot): (NaiveDate, Option<NaiveDate>), d: NaiveDate) -> bool {
    van <= d && tot.is_none_or(|t| d <= t)
}

fn volgende(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).expect("date within range")
}

/// The first day of `van..=tot` that lies in one of `perioden`.
fn eerste_gedekt(
    perioden: &[(NaiveDate, Option<NaiveDate>)],
    van: NaiveDate,
    tot: NaiveDate,
) -> Option<NaiveDate> {
    perioden
        .iter()
        .filter(|(a, b)| *a <= tot && b.is_none_or(|b| b >= van))
        .map(|(a, _)| (*a).max(van))
        .min()
}

/// The first day of `van..=tot` that lies in none of `perioden`.
fn eerste_ongedekt(
    perioden: &[(NaiveDate, Option<NaiveDate>)],
    van: NaiveDate,
    tot: NaiveDate,
) -> Option<NaiveDate> {
    let mut d = van;
    while d <= tot {
        // The furthest end of a period covering d; none covers it: d is the answer.
        let verder = perioden
            .iter()
            .filter(|&&p| dekt(p, d))
            .map(|(_, b)| *b)
            .max_by(|x, y| match (x, y) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, _) => std::cmp::Ordering::Greater,
                (_, None) => std::cmp::Ordering::Less,
                (Some(x), Some(y)) => x.cmp(y),
            });
        match verder {
            None => return Some(d),
            Some(None) => return None,
            Some(Some(e)) => d = volgende(e),
        }
    }
    None
}

/// Why a registration does not fit the register: the field at fault (`categorie`, or `tot`
/// for an end past the duty) and the reason, in the words of an import error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Afwijking {
    pub kolom: &'static str,
    pub reden: String,
}

impl std::fmt::Display for Afwijking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kolom, self.reden)
    }
}

/// Checks a registration period of `categorie` from `van` to `tot` (open when None) against
/// the register. Ok gives the end to keep: `tot` itself, or for an open `absoluut_verzuim`
/// the last day of duty.
pub fn toets(
    categorie: Categorie,
    van: NaiveDate,
    tot: Option<NaiveDate>,
    f: &Registerfeiten,
) -> Result<Option<NaiveDate>, Afwijking> {
    toets_reden(categorie, van, tot, f).map_err(|(kolom, reden)| Afwijking { kolom, reden })
}

fn toets_reden(
    categorie: Categorie,
    van: NaiveDate,
    tot: Option<NaiveDate>,
    f: &Registerfeiten,
) -> Result<Option<NaiveDate>, (&'static str, String)> {
    let fout = |reden: String| Err(("categorie", reden));
    let start = leerplicht_start(f.geboortedatum);
    let einde = f.laatste_plichtdag();
    let geen_plicht = |d: NaiveDate| {
        if d < start {
            format!("no duty on {d}: leerplicht starts on {start}")
        } else {
            format!("no duty on {d}: the duty ended on {einde}")
        }
    };
    match categorie {
        Categorie::Thuiszittend => {
            let laatste = tot.unwrap_or(van);
            if f.plicht_op(van) == DutyStatus::Geen {
                return fout(format!("thuiszittend needs a duty: {}", geen_plicht(van)));
            }
            if laatste > einde {
                return Err((
                    "tot",
                    format!(
                        "thuiszittend needs a duty: {}",
                        geen_plicht(volgende(einde))
                    ),
                ));
            }
            if let Some(d) = eerste_ongedekt(&f.inschrijvingen, van, laatste) {
                return fout(format!(
                    "thuiszittend needs an enrolment: not enrolled on {d}"
                ));
            }
            Ok(tot)
        }
        Categorie::AbsoluutVerzuim => {
            if f.plicht_op(van) == DutyStatus::Geen {
                return fout(format!(
                    "absoluut_verzuim needs a duty: {}",
                    geen_plicht(van)
                ));
            }
            let laatste = match tot {
                Some(t) if t > einde => {
                    return Err((
                        "tot",
                        format!(
                        "absoluut_verzuim ends when the duty ends: end it on {einde} at the latest"
                    ),
                    ))
                }
                Some(t) => t,
                None => einde,
            };
            if let Some(d) = eerste_gedekt(&f.inschrijvingen, van, laatste) {
                return fout(format!(
                    "absoluut_verzuim needs no enrolment: enrolled on {d}"
                ));
            }
            if let Some(d) = eerste_gedekt(&f.vrijstellingen, van, laatste) {
                return fout(format!(
                    "absoluut_verzuim needs no exemption: exempted on {d}"
                ));
            }
            Ok(Some(laatste))
        }
        _ => Ok(tot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    use crate::testsupport::d;

    fn afw(kolom: &'static str, reden: &str) -> Afwijking {
        Afwijking {
            kolom,
            reden: reden.into(),
        }
    }

    /// Born 2009-05-20: leerplichtig to 31 July 2025, kwalificatieplichtig to 19 May 2027.
    fn feiten() -> Registerfeiten {
        Registerfeiten {
            geboortedatum: d("2009-05-20"),
            inschrijvingen: vec![(d("2021-08-01"), Some(d("2025-02-14")))],
            startkwalificatie: None,
            vrijstellingen: Vec::new(),
        }
    }

    #[test]
    fn thuiszittend_needs_an_enrolment_and_a_duty_on_each_day() {
        let f = feiten();
        assert_eq!(
            toets(
                Categorie::Thuiszittend,
                d("2024-10-01"),
                Some(d("2025-02-14")),
                &f
            ),
            Ok(Some(d("2025-02-14")))
        );
        assert_eq!(
            toets(Categorie::Thuiszittend, d("2024-10-01"), None, &f),
            Ok(None)
        );
        assert_eq!(
            toets(
                Categorie::Thuiszittend,
                d("2024-10-01"),
                Some(d("2025-03-01")),
                &f
            ),
            Err(afw(
                "categorie",
                "thuiszittend needs an enrolment: not enrolled on 2025-02-15"
            ))
        );
        // 22 years old and enrolled nowhere.
        let oud = Registerfeiten {
            geboortedatum: d("2003-01-10"),
            ..Registerfeiten::default()
        };
        assert_eq!(
            toets(Categorie::Thuiszittend, d("2025-03-01"), None, &oud),
            Err(afw(
                "categorie",
                "thuiszittend needs a duty: no duty on 2025-03-01: the duty ended on 2021-01-09"
            ))
        );
    }

    #[test]
    fn absoluut_verzuim_needs_a_duty_no_enrolment_no_exemption() {
        let mut f = feiten();
        assert_eq!(
            toets(Categorie::AbsoluutVerzuim, d("2024-10-01"), None, &f),
            Err(afw(
                "categorie",
                "absoluut_verzuim needs no enrolment: enrolled on 2024-10-01"
            ))
        );
        // Open: kept ending the day before the 18th birthday.
        assert_eq!(
            toets(Categorie::AbsoluutVerzuim, d("2025-03-03"), None, &f),
            Ok(Some(d("2027-05-19")))
        );
        // Past the end of duty: refused, naming the last day.
        assert_eq!(
            toets(
                Categorie::AbsoluutVerzuim,
                d("2025-03-03"),
                Some(d("2028-06-05")),
                &f
            ),
            Err(afw(
                "tot",
                "absoluut_verzuim ends when the duty ends: end it on 2027-05-19 at the latest"
            ))
        );
        f.vrijstellingen
            .push((d("2025-09-01"), Some(d("2026-08-31"))));
        assert_eq!(
            toets(Categorie::AbsoluutVerzuim, d("2025-03-03"), None, &f),
            Err(afw(
                "categorie",
                "absoluut_verzuim needs no exemption: exempted on 2025-09-01"
            ))
        );
        assert_eq!(
            toets(
                Categorie::AbsoluutVerzuim,
                d("2025-03-03"),
                Some(d("2025-08-31")),
                &f
            ),
            Ok(Some(d("2025-08-31")))
        );
        // A startkwalificatie ends the duty: a 17-year-old with a havo diploma.
        let havo = Registerfeiten {
            geboortedatum: d("2008-03-10"),
            inschrijvingen: vec![(d("2020-08-01"), Some(d("2025-07-15")))],
            startkwalificatie: Some(d("2025-07-15")),
            vrijstellingen: Vec::new(),
        };
        assert_eq!(
            toets(Categorie::AbsoluutVerzuim, d("2025-09-01"), None, &havo),
            Err(afw("categorie", "absoluut_verzuim needs a duty: no duty on 2025-09-01: the duty ended on 2025-07-15"))
        );
    }

    #[test]
    fn other_categories_are_not_bound_to_the_register() {
        let f = Registerfeiten {
            geboortedatum: d("2003-01-10"),
            ..Registerfeiten::default()
        };
        for c in [
            Categorie::DreigendThuiszittend,
            Categorie::LangdurigZiek,
            Categorie::Nazorg,
        ] {
            assert_eq!(toets(c, d("2025-01-01"), None, &f), Ok(None));
        }
    }

    fn datum(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
        let lo = NaiveDate::from_ymd_opt(from, 1, 1)
            .unwrap()
            .num_days_from_ce();
        let hi = NaiveDate::from_ymd_opt(to, 12, 31)
            .unwrap()
            .num_days_from_ce();
        (lo..=hi).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    fn periode() -> impl Strategy<Value = (NaiveDate, Option<NaiveDate>)> {
        (datum(2018, 2028), proptest::option::of(0u64..800))
            .prop_map(|(a, n)| (a, n.map(|n| a + Days::new(n))))
    }

    proptest! {
        /// The interval arithmetic agrees with looking at every day.
        #[test]
        fn the_check_agrees_with_every_day(
            geboortedatum in datum(2003, 2016),
            inschrijvingen in proptest::collection::vec(periode(), 0..4),
            vrijstellingen in proptest::collection::vec(periode(), 0..2),
            startkwalificatie in proptest::option::of(datum(2020, 2030)),
            van in datum(2018, 2028),
            lengte in proptest::option::of(0u64..900),
            av in any::<bool>(),
        ) {
            let f = Registerfeiten { geboortedatum, inschrijvingen, startkwalificatie, vrijstellingen };
            let tot = lengte.map(|n| van + Days::new(n));
            let categorie = if av { Categorie::AbsoluutVerzuim } else { Categorie::Thuiszittend };
            let uit = toets(categorie, van, tot, &f);
            let plicht = |d: NaiveDate| f.plicht_op(d) != DutyStatus::Geen;
            let dagen = |a: NaiveDate, b: NaiveDate| a.iter_days().take_while(move |x| *x <= b);
            if av {
                let laatste = tot.unwrap_or(f.laatste_plichtdag());
                let past = plicht(van)
                    && tot.is_none_or(|t| t <= f.laatste_plichtdag())
                    && dagen(van, laatste).all(|x| plicht(x) && !f.ingeschreven_op(x) && !f.vrijgesteld_op(x));
                prop_assert_eq!(uit.is_ok(), past, "{:?}", uit);
                if let Ok(e) = uit {
                    prop_assert_eq!(e, Some(laatste));
                    prop_assert!(laatste <= f.laatste_plichtdag());
                }
            } else {
                let laatste = tot.unwrap_or(van);
                let past = dagen(van, laatste).all(|x| plicht(x) && f.ingeschreven_op(x));
                prop_assert_eq!(uit.is_ok(), past, "{:?}", uit);
                if let Ok(e) = uit {
                    prop_assert_eq!(e, tot);
                }
            }
        }
    }
}
