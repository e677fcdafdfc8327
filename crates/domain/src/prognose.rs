//! The forecast of a school year's figure at its end, from the count so far and the seasonal
//! pattern of earlier years (docs/domain.md §9.9).
//!
//! A yearly figure of the covenant (unique thuiszitters, unique verzuimers) only grows during
//! the year. Earlier years tell how far into its year-end count a year had come on the same
//! day: its *share* on that day (0.45 on 1 February says 45% of the year's persons had been
//! counted by then). With `x` counted so far, the year-end is expected near `x / share`.
//!
//! The uncertainty has two sources, and the forecast keeps both:
//!
//! - **the count itself.** Persons arrive one by one; with `x` so far and share `a`, what
//!   comes after the day is negative binomial with `x + 1` and `a` (the persons still to come
//!   when arrivals are a Poisson stream of unknown rate with an even prior on it);
//! - **the season.** Years differ in how their persons spread over the months; every earlier
//!   year's share is one equally likely season for this year, so the forecast is the mixture
//!   of the negative binomials of all earlier years' shares.
//!
//! The forecast is the median of that mixture, the 80% interval its 10th and 90th
//! percentiles, and the chance of meeting a target the mixture's probability of ending at or
//! below it.

use statrs::distribution::{DiscreteCDF, NegativeBinomial};

/// The lower and upper percentile of the interval: together 80%.
pub const INTERVAL: (f64, f64) = (0.10, 0.90);

/// A share of one or more: by that day, the earlier year had counted all it would count.
const HEEL: f64 = 1.0 - 1e-9;

/// The year-end figure as forecast on a day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prognose {
    /// The median year-end figure.
    pub verwacht: u64,
    /// The 80% interval: the 10th and 90th percentiles.
    pub laag: u64,
    pub hoog: u64,
}

/// What comes after the day, for one earlier year's share: none if that year was complete by
/// then.
enum Rest {
    Niets,
    Nb(NegativeBinomial),
}

/// The forecast of one figure: the count `tot_nu` so far and, per earlier year, its share
/// on the same day (the count then over its year-end count). Shares that are not above zero
/// say nothing of the season and are passed over; without any, there is no forecast.
pub struct Verdeling {
    tot_nu: u64,
    resten: Vec<Rest>,
}

impl Verdeling {
    pub fn new(tot_nu: u64, aandelen: &[f64]) -> Option<Verdeling> {
        let resten: Vec<Rest> = aandelen
            .iter()
            .filter(|a| a.is_finite() && **a > 0.0)
            .map(|&a| {
                if a >= HEEL {
                    Rest::Niets
                } else {
                    NegativeBinomial::new(tot_nu as f64 + 1.0, a).map_or(Rest::Niets, Rest::Nb)
                }
            })
            .collect();
        (!resten.is_empty()).then_some(Verdeling { tot_nu, resten })
    }

    /// The chance that what comes after the day is at most `rest`.
    fn cdf_rest(&self, rest: u64) -> f64 {
        let som: f64 = self
            .resten
            .iter()
            .map(|r| match r {
                Rest::Niets => 1.0,
                Rest::Nb(nb) => nb.cdf(rest),
            })
            .sum();
        som / self.resten.len() as f64
    }

    /// The chance that the year ends at or below `n`.
    pub fn kans_hoogstens(&self, n: u64) -> f64 {
        match n.checked_sub(self.tot_nu) {
            Some(rest) => self.cdf_rest(rest).clamp(0.0, 1.0),
            None => 0.0,
        }
    }

    /// The smallest year-end figure whose chance of not being exceeded is at least `q`.
    pub fn kwantiel(&self, q: f64) -> u64 {
        // An upper bound: every component's mean plus twelve standard deviations.
        let mut hoog: u64 = 1;
        for r in &self.resten {
            if let Rest::Nb(nb) = r {
                let (k, p) = (nb.r(), nb.p());
                let (gemiddeld, sd) = (k * (1.0 - p) / p, (k * (1.0 - p)).sqrt() / p);
                hoog = hoog.max((gemiddeld + 12.0 * sd + 16.0).min(1e15) as u64);
            }
        }
        let mut laag = 0;
        if self.cdf_rest(0) >= q {
            return self.tot_nu;
        }
        // cdf_rest(laag) < q <= cdf_rest(hoog)
        while self.cdf_rest(hoog) < q && hoog < 1 << 50 {
            hoog *= 2;
        }
        while hoog - laag > 1 {
            let m = laag + (hoog - laag) / 2;
            if self.cdf_rest(m) >= q {
                hoog = m;
            } else {
                laag = m;
            }
        }
        self.tot_nu + hoog
    }

    pub fn prognose(&self) -> Prognose {
        Prognose {
            verwacht: self.kwantiel(0.5),
            laag: self.kwantiel(INTERVAL.0),
            hoog: self.kwantiel(INTERVAL.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forecast_scales_the_count_by_the_share_of_earlier_years() {
        let v = Verdeling::new(400, &[0.5, 0.5]).unwrap();
        let p = v.prognose();
        assert!((795..=805).contains(&p.verwacht), "{p:?}");
        assert!(p.laag < p.verwacht && p.verwacht < p.hoog, "{p:?}");
        // The count alone: the remainder has a standard deviation near 28 here.
        assert!(p.hoog - p.laag > 50 && p.hoog - p.laag < 100, "{p:?}");
    }

    #[test]
    fn seasons_that_differed_widen_the_interval() {
        let gelijk = Verdeling::new(400, &[0.5, 0.5, 0.5]).unwrap().prognose();
        let anders = Verdeling::new(400, &[0.4, 0.5, 0.6]).unwrap().prognose();
        assert!(anders.hoog - anders.laag > 2 * (gelijk.hoog - gelijk.laag));
        assert!(anders.laag < 700 && anders.hoog > 900, "{anders:?}");
    }

    #[test]
    fn the_chance_of_meeting_a_target_follows_where_the_target_lies() {
        let v = Verdeling::new(400, &[0.5]).unwrap();
        assert!(v.kans_hoogstens(399) == 0.0, "already above: no chance");
        assert!(v.kans_hoogstens(700) < 0.01);
        assert!((v.kans_hoogstens(800) - 0.5).abs() < 0.05);
        assert!(v.kans_hoogstens(900) > 0.99);
    }

    #[test]
    fn a_year_complete_on_the_day_forecasts_its_count() {
        let v = Verdeling::new(37, &[1.0, 1.0]).unwrap();
        assert_eq!(
            v.prognose(),
            Prognose {
                verwacht: 37,
                laag: 37,
                hoog: 37
            }
        );
        assert_eq!(v.kans_hoogstens(37), 1.0);
        assert_eq!(v.kans_hoogstens(36), 0.0);
    }

    #[test]
    fn none_counted_yet_still_forecasts_a_little_and_no_share_forecasts_nothing() {
        let p = Verdeling::new(0, &[0.5]).unwrap().prognose();
        assert!(p.verwacht <= 1 && p.hoog >= 2, "{p:?}");
        assert!(Verdeling::new(10, &[]).is_none());
        assert!(Verdeling::new(10, &[0.0, f64::NAN]).is_none());
    }
}
