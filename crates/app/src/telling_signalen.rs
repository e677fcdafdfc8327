//! The signals in the Leerplichttelling (DOMAIN §9.5): absolute absence and long-term
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
//! moment (`--bekend-op`) reads them as they are now.

use std::collections::HashSet;

use chrono::NaiveDate;
use leerrecht_domain::duty::birth_ranges;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::rules::absoluut_verzuim;
use leerrecht_domain::schoolyear::SchoolYear;

use crate::{App, Result};

/// Where a signal's person must be to count: their gemeente, the signal's school.
pub(crate) struct Gebiedstoets<'a> {
    pub woont_in: &'a dyn Fn(&str) -> bool,
    pub school_telt: &'a dyn Fn(&str) -> bool,
    pub per_school: bool,
}

impl App {
    /// The persons only the signals bring into the year's count: (absolute absence,
    /// long-term relative absence), leaving out those already counted from the list.
    pub(crate) fn telling_signalen(
        &self,
        jaar: SchoolYear,
        vandaag: NaiveDate,
        gebied: &Gebiedstoets<'_>,
        geteld_av: &HashSet<LeerlingId>,
        geteld_lrv: &HashSet<LeerlingId>,
    ) -> Result<(u64, u64)> {
        let peil = jaar.last_day().min(vandaag);
        if peil < jaar.first_day() {
            return Ok((0, 0));
        }
        let mut lrv: HashSet<LeerlingId> = HashSet::new();
        let mut kandidaten = Vec::new();
        self.store().signalen(peil, &mut |s| {
            if s.regel == "lrv"
                && jaar.contains(s.datum)
                && !geteld_lrv.contains(&s.leerling)
                && (gebied.school_telt)(s.school.as_str())
            {
                kandidaten.push(s.leerling);
            }
            Ok(())
        })?;
        for l in kandidaten {
            if lrv.contains(&l) {
                continue;
            }
            if let Some(j) = self.store().jongere(l)? {
                if (gebied.woont_in)(j.gemeente.as_str()) {
                    lrv.insert(l);
                }
            }
        }
        // Absolute absence has no school: a count for a school or an SWV has none.
        let mut av = 0;
        if !gebied.per_school {
            self.store()
                .av_kandidaten(peil, birth_ranges(peil), &mut |k| {
                    if (gebied.woont_in)(k.gemeente.as_str())
                        && !geteld_av.contains(&k.leerling)
                        && absoluut_verzuim(
                            k.geboortedatum,
                            peil,
                            false,
                            k.vrijgesteld,
                            k.startkwalificatie,
                        )
                    {
                        av += 1;
                    }
                    Ok(())
                })?;
        }
        Ok((av, lrv.len() as u64))
    }
}
