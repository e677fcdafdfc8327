//! The signals in the Leerplichttelling (docs/domain.md §9.5): absolute absence and long-term
//! relative absence are counted from the signals as well as from the thuiszitters list, each
//! person once.
//!
//! Choices: an `lrv` signal dated in the year (up to the count's date) counts its pupil as
//! long-term relative absence, new in the year, unless the pupil has a `thuiszittend` run in
//! the year; an `av` signal on the count's date (the year's last day, or today when earlier)
//! counts its young person as absolute absence unless they have an `absoluut_verzuim` run in
//! the year. A signal says when the absence was seen, not how long it lasted or that it
//! ended: signal-only persons count in the total (and, for `lrv`, as new), never as lasting
//! more than three months or resolved. Signals keep no history, so a count as known at a past
//! moment (`--bekend-op`) reads them as they are now. A purge keeps, per school year, a row
//! without a number for each person whom only the signals (or, for absolute absence, the
//! record) it destroys brought in, and the count adds those rows (docs/domain.md §9.8).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use leerrecht_domain::duty::birth_ranges;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::rules::absoluut_verzuim;
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_store::AvKandidaat;

use crate::{App, Result};

/// Where a signal's person must be to count: their gemeente, the signal's school.
pub(crate) struct Gebiedstoets<'a> {
    pub woont_in: &'a dyn Fn(&str) -> bool,
    pub school_telt: &'a dyn Fn(&str) -> bool,
    pub per_school: bool,
}

/// One person the signals bring into a year's count, before any area filter: absolute
/// absence (`av`), or long-term relative absence with the schools of its `lrv` signals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Signaalpersoon {
    pub leerling: LeerlingId,
    pub av: bool,
    pub gemeente: String,
    pub scholen: Vec<String>,
    /// The day of the last `lrv` signal that brought the person in (for `av`: the count's date).
    pub laatste: NaiveDate,
}

impl Gebiedstoets<'_> {
    /// Whether a person the signals bring in counts in this area.
    fn telt<'s>(
        &self,
        av: bool,
        gemeente: &str,
        mut scholen: impl Iterator<Item = &'s str>,
    ) -> bool {
        (self.woont_in)(gemeente)
            && if av {
                // Absolute absence has no school: a count for a school or an SWV has none.
                !self.per_school
            } else {
                scholen.any(|s| (self.school_telt)(s))
            }
    }
}

impl App {
    /// The persons only the signals bring into the year's count: (absolute absence,
    /// long-term relative absence), leaving out those already counted from the list; with
    /// those that retention kept of destroyed files (docs/domain.md §9.8). `kandidaten` are
    /// the candidates for absolute absence ([`App::av_kandidaten_op`]), read by the caller
    /// (a count for a school or an SWV has none).
    pub(crate) fn telling_signalen(
        &self,
        jaar: SchoolYear,
        vandaag: NaiveDate,
        gebied: &Gebiedstoets<'_>,
        geteld_av: &HashSet<LeerlingId>,
        geteld_lrv: &HashSet<LeerlingId>,
        kandidaten: Option<Vec<AvKandidaat>>,
    ) -> Result<(u64, u64)> {
        let (mut av, mut lrv) = (0, 0);
        let kandidaten = kandidaten.filter(|_| !gebied.per_school);
        for p in self.signaalpersonen(jaar, vandaag, geteld_av, geteld_lrv, kandidaten)? {
            if gebied.telt(p.av, &p.gemeente, p.scholen.iter().map(String::as_str)) {
                *(if p.av { &mut av } else { &mut lrv }) += 1;
            }
        }
        if jaar.last_day().min(vandaag) >= jaar.first_day() {
            for (a, gemeente, scholen) in self.store().anonieme_signaaltellingen(jaar)? {
                if gebied.telt(a, &gemeente, scholen.split('|').filter(|s| !s.is_empty())) {
                    *(if a { &mut av } else { &mut lrv }) += 1;
                }
            }
        }
        Ok((av, lrv))
    }

    /// The candidates for absolute absence on the count's date of `jaar` (its last day, or
    /// `vandaag` if earlier; none before the year). At national scale this read visits every
    /// young person of duty age, so the Leerplichttelling makes it beside its other reads.
    pub(crate) fn av_kandidaten_op(
        &self,
        jaar: SchoolYear,
        vandaag: NaiveDate,
    ) -> Result<Vec<AvKandidaat>> {
        let peil = jaar.last_day().min(vandaag);
        let mut out = Vec::new();
        if peil >= jaar.first_day() {
            self.store()
                .av_kandidaten(peil, birth_ranges(peil), &mut |k| {
                    out.push(k);
                    Ok(())
                })?;
        }
        Ok(out)
    }

    /// Every person the signals bring into the count of `jaar` on its last day or `vandaag`
    /// if earlier, not counted from the list (`geteld_*`); absolute absence only when given
    /// its candidates ([`App::av_kandidaten_op`]).
    pub(crate) fn signaalpersonen(
        &self,
        jaar: SchoolYear,
        vandaag: NaiveDate,
        geteld_av: &HashSet<LeerlingId>,
        geteld_lrv: &HashSet<LeerlingId>,
        kandidaten: Option<Vec<AvKandidaat>>,
    ) -> Result<Vec<Signaalpersoon>> {
        let peil = jaar.last_day().min(vandaag);
        if peil < jaar.first_day() {
            return Ok(Vec::new());
        }
        let mut lrv: HashMap<LeerlingId, (Vec<String>, NaiveDate)> = HashMap::new();
        self.store().signalen(peil, Some("lrv"), false, &mut |s| {
            if jaar.contains(s.datum) && !geteld_lrv.contains(&s.leerling) {
                let e = lrv.entry(s.leerling).or_insert((Vec::new(), s.datum));
                if !e.0.iter().any(|x| x == s.school.as_str()) {
                    e.0.push(s.school.as_str().to_string());
                }
                e.1 = e.1.max(s.datum);
            }
            Ok(())
        })?;
        let mut out = Vec::new();
        for (l, (scholen, laatste)) in lrv {
            if let Some(j) = self.store().jongere(l)? {
                out.push(Signaalpersoon {
                    leerling: l,
                    av: false,
                    gemeente: j.gemeente.as_str().to_string(),
                    scholen,
                    laatste,
                });
            }
        }
        for k in kandidaten.into_iter().flatten() {
            if !geteld_av.contains(&k.leerling)
                && absoluut_verzuim(
                    k.geboortedatum,
                    peil,
                    false,
                    k.vrijgesteld,
                    k.startkwalificatie,
                )
            {
                out.push(Signaalpersoon {
                    leerling: k.leerling,
                    av: true,
                    gemeente: k.gemeente.as_str().to_string(),
                    scholen: Vec::new(),
                    laatste: peil,
                });
            }
        }
        Ok(out)
    }
}
