//! The specification of the rules by worked examples at their edges, and properties checked
//! against a naive reference implementation written straight from docs/domain.md §6.
//!
//! The calendar is the demo calendar of 2019-2020 and 2020-2021: school starts on Monday
//! 26 August 2019; the herfstvakantie is the week of Monday 21 October 2019 (Saturday 19 to
//! Sunday 27 October), the kerstvakantie 21 December 2019 to 5 January 2020; Tweede
//! Pinksterdag is Monday 1 June 2020; 2020-2021 starts on Monday 31 August 2020.

use chrono::{Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;
use crate::calendar::{demo_vakanties, Kalender, SchoolDays, Vakantie};
use crate::ids::SchoolCode;
use crate::schoolyear::SchoolYear;

use Verzuimsoort::{Geoorloofd, Luxe, Ongeoorloofd, TeLaat, Ziek};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A school with one extra day off: Monday 7 October 2019.
fn eigen_school() -> SchoolCode {
    "05KO00".parse().unwrap()
}

fn kalender() -> Kalender {
    let mut vs = demo_vakanties(SchoolYear::new(2019));
    vs.extend(demo_vakanties(SchoolYear::new(2020)));
    vs.push(
        Vakantie::new(
            "studiedag",
            d(2019, 10, 7),
            d(2019, 10, 7),
            Some(eigen_school()),
        )
        .unwrap(),
    );
    Kalender::new(vs, d(2019, 8, 1), d(2021, 7, 31))
}

/// The same without the herfstvakantie: every week of autumn 2019 is a lesweek.
fn kalender_zonder_herfst() -> Kalender {
    let mut vs = demo_vakanties(SchoolYear::new(2019));
    vs.retain(|v| v.naam != "Herfstvakantie");
    Kalender::new(vs, d(2019, 8, 1), d(2020, 7, 31))
}

fn rij(datum: NaiveDate, soort: Verzuimsoort, minuten: u16) -> Verzuim {
    Verzuim::new(datum, soort, minuten, false)
}

fn hele_dag(datum: NaiveDate) -> Verzuim {
    Verzuim::new(datum, Ongeoorloofd, 300, true)
}

fn run_with(rows: &[Verzuim], days: &SchoolDays) -> Vec<Signaal> {
    evaluate(rows, days, &RegelsHistorie::default())
}

fn run(rows: &[Verzuim]) -> Vec<Signaal> {
    run_with(rows, kalender().common())
}

/// The dates on which `regel` fired.
fn op(signalen: &[Signaal], regel: Regel) -> Vec<NaiveDate> {
    signalen
        .iter()
        .filter(|s| s.regel == regel)
        .map(|s| s.datum)
        .collect()
}

fn een(signalen: &[Signaal], regel: Regel) -> &Signaal {
    let mut it = signalen.iter().filter(|s| s.regel == regel);
    let s = it
        .next()
        .unwrap_or_else(|| panic!("no {regel} in {signalen:#?}"));
    assert!(it.next().is_none(), "more than one {regel}: {signalen:#?}");
    s
}

/// The school days from `van` on, `n` of them.
fn schooldagen(days: &SchoolDays, van: NaiveDate, n: usize) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut x = if days.is_school_day(van) {
        van
    } else {
        days.next_school_day(van).unwrap()
    };
    while out.len() < n {
        out.push(x);
        x = days.next_school_day(x).unwrap();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// 16uur and signaal

#[test]
fn uur16_fires_at_960_not_at_959() {
    let week = |last: u16| {
        vec![
            rij(d(2019, 10, 7), Ongeoorloofd, 240),
            rij(d(2019, 10, 8), Ongeoorloofd, 240),
            rij(d(2019, 10, 9), Luxe, 240),
            rij(d(2019, 10, 10), Ongeoorloofd, last),
        ]
    };
    let s = run(&week(239));
    assert_eq!(op(&s, Regel::Uur16), []);
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 10, 8)]);

    let s = run(&week(240));
    let u = een(&s, Regel::Uur16);
    assert_eq!(u.datum, d(2019, 10, 10));
    assert_eq!(u.uitleg.minuten, 960);
    assert_eq!(u.uitleg.drempel, 960);
    assert_eq!(u.uitleg.aantal, 4);
    assert_eq!(
        u.uitleg.rijen,
        [
            d(2019, 10, 7),
            d(2019, 10, 8),
            d(2019, 10, 9),
            d(2019, 10, 10)
        ]
    );
    // The window: the 4 most recent lesweken, from the first day of the earliest.
    assert_eq!(u.uitleg.venster_van, d(2019, 9, 16));
    assert_eq!(u.uitleg.venster_tot, d(2019, 10, 10));
    // The signaal of the 8th stays; it does not fire again on the 10th.
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 10, 8)]);
}

#[test]
fn the_window_spans_a_holiday() {
    // Four Mondays in four consecutive lesweken; the herfstvakantie week in between is no
    // lesweek, so the window spans five calendar weeks.
    let rows = [
        rij(d(2019, 10, 7), Ongeoorloofd, 240),
        rij(d(2019, 10, 14), Ongeoorloofd, 240),
        rij(d(2019, 10, 28), Ongeoorloofd, 240),
        rij(d(2019, 11, 4), Ongeoorloofd, 240),
    ];
    let s = run(&rows);
    let u = een(&s, Regel::Uur16);
    assert_eq!(u.datum, d(2019, 11, 4));
    assert_eq!(u.uitleg.venster_van, d(2019, 10, 7));
    assert_eq!(u.uitleg.minuten, 960);
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 10, 14)]);

    // Without the holiday the window of 4 November starts on 14 October: 720 minutes.
    let k = kalender_zonder_herfst();
    let s = run_with(&rows, k.common());
    assert_eq!(op(&s, Regel::Uur16), []);
    // signaal: 480 on the 14th; then 240 + 240 unused ones by 4 November.
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 10, 14), d(2019, 11, 4)]);
    assert_eq!(
        een(&s[1..], Regel::Signaal).uitleg.venster_van,
        d(2019, 10, 14)
    );

    // Minutes five lesweken back are outside the window.
    let rows = [
        rij(d(2019, 9, 30), Ongeoorloofd, 240),
        rij(d(2019, 10, 14), Ongeoorloofd, 240),
        rij(d(2019, 10, 28), Ongeoorloofd, 240),
        rij(d(2019, 11, 4), Ongeoorloofd, 240),
    ];
    assert_eq!(op(&run(&rows), Regel::Uur16), []);
}

#[test]
fn signaal_at_480_but_only_16uur_when_960_on_one_date() {
    let s = run(&[rij(d(2019, 10, 8), Ongeoorloofd, 480)]);
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 10, 8)]);
    assert_eq!(op(&s, Regel::Uur16), []);
    let s = run(&[rij(d(2019, 10, 8), Ongeoorloofd, 479)]);
    assert!(s.is_empty(), "{s:?}");

    // Two rows on one date add up.
    let s = run(&[
        rij(d(2019, 10, 8), Ongeoorloofd, 480),
        rij(d(2019, 10, 8), Luxe, 480),
    ]);
    assert_eq!(op(&s, Regel::Uur16), [d(2019, 10, 8)]);
    assert_eq!(op(&s, Regel::Signaal), []);
    assert_eq!(een(&s, Regel::Uur16).uitleg.rijen, [d(2019, 10, 8)]);
}

#[test]
fn after_16uur_the_next_needs_960_new_minutes() {
    let rows = [
        rij(d(2019, 10, 7), Ongeoorloofd, 960),
        rij(d(2019, 10, 8), Ongeoorloofd, 959),
        rij(d(2019, 10, 9), Ongeoorloofd, 1),
    ];
    let s = run(&rows);
    assert_eq!(op(&s, Regel::Uur16), [d(2019, 10, 7), d(2019, 10, 9)]);
    // The 16uur of the 7th used the minutes for signaal too; 959 new ones make a signaal.
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 10, 8)]);
    let tweede = &s
        .iter()
        .filter(|x| x.regel == Regel::Uur16)
        .nth(1)
        .unwrap()
        .uitleg;
    assert_eq!(tweede.rijen, [d(2019, 10, 8), d(2019, 10, 9)]);
    assert_eq!(tweede.minuten, 960);
}

#[test]
fn signaal_has_its_own_used_marker() {
    // signaal on the 7th uses 480 minutes for signaal only: 16uur still counts them.
    let rows = [
        rij(d(2019, 10, 7), Ongeoorloofd, 480),
        rij(d(2019, 10, 8), Ongeoorloofd, 240),
        rij(d(2019, 10, 9), Ongeoorloofd, 240),
    ];
    let s = run(&rows);
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 10, 7)]);
    assert_eq!(op(&s, Regel::Uur16), [d(2019, 10, 9)]);
    assert_eq!(een(&s, Regel::Uur16).uitleg.minuten, 960);
}

#[test]
fn only_unauthorised_minutes_on_school_days_count() {
    let rows = [
        rij(d(2019, 10, 5), Ongeoorloofd, 960), // Saturday
        rij(d(2019, 10, 22), Luxe, 960),        // herfstvakantie
        rij(d(2019, 10, 8), Ziek, 960),
        rij(d(2019, 10, 8), Geoorloofd, 960),
        rij(d(2019, 10, 8), TeLaat, 960),
    ];
    let s = run(&rows);
    assert_eq!(op(&s, Regel::Uur16), []);
    assert_eq!(op(&s, Regel::Signaal), []);
    // A school's own day off is no school day of that school, only.
    let k = kalender();
    let rows = [rij(d(2019, 10, 7), Ongeoorloofd, 960)];
    assert_eq!(
        op(&run_with(&rows, k.common()), Regel::Uur16),
        [d(2019, 10, 7)]
    );
    assert!(run_with(&rows, k.voor_school(&eigen_school())).is_empty());
}

#[test]
fn a_change_of_rules_applies_from_its_date() {
    let streng = Regels {
        uur16_minuten: 600,
        ..Regels::default()
    };
    let h = RegelsHistorie::default()
        .met(d(2020, 1, 1), streng)
        .unwrap();
    let rows = [
        rij(d(2019, 12, 2), Ongeoorloofd, 700),
        rij(d(2020, 1, 13), Ongeoorloofd, 700),
    ];
    let s = evaluate(&rows, kalender().common(), &h);
    assert_eq!(op(&s, Regel::Uur16), [d(2020, 1, 13)]);
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 12, 2)]);
    assert_eq!(een(&s, Regel::Uur16).uitleg.drempel, 600);
    // A wider window from a date on reaches back over the earlier version's dates.
    let breed = Regels {
        venster_lesweken: 8,
        ..Regels::default()
    };
    let h = RegelsHistorie::default()
        .met(d(2019, 11, 1), breed)
        .unwrap();
    let rows = [
        rij(d(2019, 9, 23), Ongeoorloofd, 470),
        rij(d(2019, 10, 28), Ongeoorloofd, 470),
        rij(d(2019, 11, 4), Ongeoorloofd, 30),
    ];
    let s = evaluate(&rows, kalender().common(), &h);
    assert_eq!(op(&s, Regel::Uur16), [d(2019, 11, 4)]);
    assert_eq!(een(&s, Regel::Uur16).uitleg.venster_van, d(2019, 9, 9));
    assert_eq!(op(&s, Regel::Signaal), []);
    let s = run(&rows);
    assert_eq!(op(&s, Regel::Uur16), []);
    assert_eq!(op(&s, Regel::Signaal), [d(2019, 11, 4)]);
}

// ---------------------------------------------------------------------------------------------
// te_laat

#[test]
fn te_laat_fires_on_the_9th_late_arrival() {
    let k = kalender();
    let dagen = schooldagen(k.common(), d(2019, 9, 2), 20);
    let laat: Vec<Verzuim> = dagen.iter().map(|&x| rij(x, TeLaat, 10)).collect();
    assert_eq!(op(&run(&laat[..8]), Regel::TeLaat), []);
    let s = run(&laat[..9]);
    let t = een(&s, Regel::TeLaat);
    assert_eq!(t.datum, dagen[8]);
    assert_eq!(t.uitleg.aantal, 9);
    assert_eq!(t.uitleg.rijen, dagen[..9]);
    assert_eq!(t.uitleg.venster_van, d(2019, 8, 1));
    // The count starts again after the signal: the 18th is the next.
    let s = run(&laat[..18]);
    assert_eq!(op(&s, Regel::TeLaat), [dagen[8], dagen[17]]);
    assert_eq!(s[1].uitleg.venster_van, dagen[8] + Days::new(1));
    assert_eq!(s[1].uitleg.rijen, dagen[9..18]);
    // Late arrivals on weekends or in holidays do not count.
    let mut rows = laat[..8].to_vec();
    rows.push(rij(d(2019, 9, 7), TeLaat, 10));
    rows.push(rij(d(2019, 10, 23), TeLaat, 10));
    assert_eq!(op(&run(&rows), Regel::TeLaat), []);
    // Two late arrivals on one day are two; all of that day's are used by its signal.
    let mut rows = laat[..8].to_vec();
    rows.push(rij(dagen[7], TeLaat, 5));
    rows.push(rij(dagen[7], TeLaat, 5));
    rows.extend(laat[8..16].iter().copied());
    let s = run(&rows);
    assert_eq!(op(&s, Regel::TeLaat), [dagen[7]]);
    assert_eq!(s[0].uitleg.aantal, 10);
    rows.push(laat[16]);
    assert_eq!(op(&run(&rows), Regel::TeLaat), [dagen[7], dagen[16]]);
}

#[test]
fn te_laat_count_restarts_in_a_new_school_year() {
    let k = kalender();
    let juni = schooldagen(k.common(), d(2020, 6, 29), 5);
    let september = schooldagen(k.common(), d(2020, 8, 31), 8);
    assert_eq!(juni[4], d(2020, 7, 3));
    assert_eq!(september[0], d(2020, 8, 31));
    let rows: Vec<Verzuim> = juni
        .iter()
        .chain(&september)
        .map(|&x| rij(x, TeLaat, 10))
        .collect();
    assert_eq!(op(&run(&rows), Regel::TeLaat), []);
    let mut rows = rows;
    rows.push(rij(d(2020, 9, 10), TeLaat, 10));
    let s = run(&rows);
    let t = een(&s, Regel::TeLaat);
    assert_eq!(t.datum, d(2020, 9, 10));
    assert_eq!(t.uitleg.venster_van, d(2020, 8, 1));
    assert_eq!(t.uitleg.rijen.len(), 9);
}

// ---------------------------------------------------------------------------------------------
// luxe

#[test]
fn luxe_fires_on_the_first_day_of_each_run() {
    let rows = [
        // Thursday, Friday, (weekend), Monday: one run.
        rij(d(2019, 10, 3), Luxe, 300),
        rij(d(2019, 10, 4), Luxe, 300),
        rij(d(2019, 10, 7), Luxe, 300),
        // Tuesday 8th without luxe (a late arrival only): Wednesday starts a new run.
        rij(d(2019, 10, 8), TeLaat, 5),
        rij(d(2019, 10, 9), Luxe, 0),
        // Friday before the herfstvakantie and the Monday after: one run.
        rij(d(2019, 10, 17), Luxe, 60),
        rij(d(2019, 10, 18), Luxe, 300),
        rij(d(2019, 10, 28), Luxe, 300),
    ];
    let s = run(&rows);
    assert_eq!(
        op(&s, Regel::Luxe),
        [d(2019, 10, 3), d(2019, 10, 9), d(2019, 10, 17)]
    );
    let l = &s.iter().find(|x| x.regel == Regel::Luxe).unwrap().uitleg;
    assert_eq!(
        (l.venster_van, l.venster_tot),
        (d(2019, 10, 3), d(2019, 10, 3))
    );
    assert_eq!(l.rijen, [d(2019, 10, 3)]);

    // Friday 4th and Tuesday 8th around the school's own day off on Monday 7th: one run.
    let k = kalender();
    let rows = [
        rij(d(2019, 10, 4), Luxe, 300),
        rij(d(2019, 10, 8), Luxe, 300),
    ];
    assert_eq!(
        op(
            &run_with(&rows, k.voor_school(&eigen_school())),
            Regel::Luxe
        ),
        [d(2019, 10, 4)]
    );
    assert_eq!(
        op(&run_with(&rows, k.common()), Regel::Luxe),
        [d(2019, 10, 4), d(2019, 10, 8)]
    );
}

// ---------------------------------------------------------------------------------------------
// mazl_7dagen and mazl_4x12

#[test]
fn mazl_7dagen_on_the_7th_sick_day_across_a_weekend() {
    let ziek: Vec<Verzuim> = [
        d(2019, 10, 2), // Wednesday
        d(2019, 10, 3),
        d(2019, 10, 4),
        d(2019, 10, 5), // Saturday: not a school day, neither counts nor breaks
        d(2019, 10, 7), // Monday
        d(2019, 10, 8),
        d(2019, 10, 9),
        d(2019, 10, 10), // 7th school day
        d(2019, 10, 11),
        d(2019, 10, 14),
    ]
    .iter()
    .map(|&x| rij(x, Ziek, 300))
    .collect();
    assert_eq!(op(&run(&ziek[..7]), Regel::Mazl7Dagen), []);
    let s = run(&ziek);
    let m = een(&s, Regel::Mazl7Dagen);
    assert_eq!(m.datum, d(2019, 10, 10));
    assert_eq!(m.uitleg.aantal, 7);
    assert_eq!(m.uitleg.venster_van, d(2019, 10, 2));
    assert_eq!(m.uitleg.rijen.len(), 7);
    assert!(!m.uitleg.rijen.contains(&d(2019, 10, 5)));

    // Across the herfstvakantie: Thursday 17, Friday 18, then 28 October to 1 November.
    let k = kalender();
    let rows: Vec<Verzuim> = schooldagen(k.common(), d(2019, 10, 17), 7)
        .into_iter()
        .map(|x| rij(x, Ziek, 0))
        .collect();
    assert_eq!(op(&run(&rows), Regel::Mazl7Dagen), [d(2019, 11, 1)]);
}

#[test]
fn a_school_day_without_ziek_breaks_the_episode() {
    let k = kalender();
    let dagen = schooldagen(k.common(), d(2019, 10, 2), 8);
    let mut rows: Vec<Verzuim> = dagen.iter().map(|&x| rij(x, Ziek, 300)).collect();
    // Monday 7 October: back at school (only a late arrival).
    assert_eq!(dagen[3], d(2019, 10, 7));
    rows[3] = rij(dagen[3], TeLaat, 5);
    let s = run(&rows);
    assert_eq!(op(&s, Regel::Mazl7Dagen), []);
    // The school with a day off on the 7th sees one episode of 7 days.
    let s = run_with(&rows, k.voor_school(&eigen_school()));
    assert_eq!(op(&s, Regel::Mazl7Dagen), [dagen[7]]);
}

#[test]
fn mazl_4x12_on_the_4th_episode_within_12_lesweken() {
    let k = kalender();
    let s = k.common();
    let episode =
        |start: NaiveDate| vec![rij(start, Ziek, 300), rij(start + Days::new(1), Ziek, 300)];
    let l0 = s.lesweek_ordinal(d(2019, 9, 9)).unwrap();
    // 2 December is 11 lesweken after 9 September (the herfstvakantie week skipped).
    assert_eq!(s.lesweek_ordinal(d(2019, 12, 2)), Some(l0 + 11));
    assert_eq!(s.lesweek_ordinal(d(2019, 12, 9)), Some(l0 + 12));
    let eerste_drie: Vec<Verzuim> = [d(2019, 9, 9), d(2019, 9, 30), d(2019, 10, 28)]
        .into_iter()
        .flat_map(episode)
        .collect();

    let mut rows = eerste_drie.clone();
    rows.extend(episode(d(2019, 12, 2)));
    let sig = run(&rows);
    let m = een(&sig, Regel::Mazl4x12);
    assert_eq!(m.datum, d(2019, 12, 2));
    assert_eq!(m.uitleg.aantal, 4);
    assert_eq!(
        m.uitleg.rijen,
        [
            d(2019, 9, 9),
            d(2019, 9, 30),
            d(2019, 10, 28),
            d(2019, 12, 2)
        ]
    );
    assert_eq!(m.uitleg.venster_van, d(2019, 9, 9));

    // The 1st episode in lesweek 13 back: not counted.
    let mut rows = eerste_drie.clone();
    rows.extend(episode(d(2019, 12, 9)));
    assert_eq!(op(&run(&rows), Regel::Mazl4x12), []);

    // After a signal, the next needs 4 new episodes.
    let mut rows = eerste_drie;
    for start in [
        d(2019, 12, 2),
        d(2019, 12, 4),
        d(2019, 12, 9),
        d(2019, 12, 11),
    ] {
        rows.push(rij(start, Ziek, 300)); // one-day episodes
    }
    assert_eq!(op(&run(&rows), Regel::Mazl4x12), [d(2019, 12, 2)]);
    rows.push(rij(d(2019, 12, 13), Ziek, 300));
    assert_eq!(
        op(&run(&rows), Regel::Mazl4x12),
        [d(2019, 12, 2), d(2019, 12, 13)]
    );
}

// ---------------------------------------------------------------------------------------------
// lrv

#[test]
fn lrv_on_the_21st_whole_day() {
    let k = kalender();
    let dagen = schooldagen(k.common(), d(2019, 9, 2), 30);
    assert_eq!(dagen[20], d(2019, 9, 30));
    let rows: Vec<Verzuim> = dagen.iter().map(|&x| hele_dag(x)).collect();
    assert_eq!(op(&run(&rows[..20]), Regel::Lrv), []);
    let s = run(&rows);
    let l = een(&s, Regel::Lrv);
    assert_eq!(l.datum, d(2019, 9, 30));
    assert_eq!(l.uitleg.aantal, 21);
    assert_eq!(l.uitleg.rijen, dagen[..21]);
    assert_eq!(l.uitleg.venster_van, d(2019, 9, 2));
    assert_eq!(l.uitleg.minuten, 21 * 300);

    // A partial day (not hele_dag) breaks the run; the next run needs 21 days again.
    let mut rows = rows;
    rows[10] = rij(dagen[10], Ongeoorloofd, 200);
    let more: Vec<Verzuim> = schooldagen(k.common(), dagen[29] + Days::new(1), 5)
        .into_iter()
        .map(hele_dag)
        .collect();
    assert_eq!(op(&run(&rows), Regel::Lrv), []);
    rows.extend(more);
    // Days 11..=29 (19 days) and 2 more make 21.
    let s = run(&rows);
    let l = een(&s, Regel::Lrv);
    assert_eq!(l.uitleg.venster_van, dagen[11]);
    assert_eq!(l.uitleg.aantal, 21);
    assert_eq!(l.datum, d(2019, 10, 15));

    // A run across the herfstvakantie: 18 October and 28 October are consecutive school days.
    let rows: Vec<Verzuim> = schooldagen(k.common(), d(2019, 10, 1), 21)
        .into_iter()
        .map(hele_dag)
        .collect();
    assert_eq!(rows[13].datum, d(2019, 10, 18));
    assert_eq!(rows[14].datum, d(2019, 10, 28));
    assert_eq!(op(&run(&rows), Regel::Lrv), [rows[20].datum]);

    // A whole day of luxe or ziek is no whole day of ongeoorloofd.
    let mut rows: Vec<Verzuim> = dagen[..21].iter().map(|&x| hele_dag(x)).collect();
    rows[5] = Verzuim::new(dagen[5], Luxe, 300, true);
    assert_eq!(op(&run(&rows), Regel::Lrv), []);
    rows[5] = Verzuim::new(dagen[5], Ziek, 300, true);
    assert_eq!(op(&run(&rows), Regel::Lrv), []);
}

// ---------------------------------------------------------------------------------------------
// av

#[test]
fn absoluut_verzuim_needs_duty_age_no_enrolment_no_exemption() {
    let on = d(2024, 10, 1);
    let tien = d(2014, 5, 3);
    let zeventien = d(2007, 5, 3); // kwalificatieplichtig
    let negentien = d(2005, 5, 3);
    let vier = d(2020, 5, 3);
    assert!(absoluut_verzuim(tien, on, false, false, None));
    assert!(absoluut_verzuim(zeventien, on, false, false, None));
    assert!(!absoluut_verzuim(tien, on, true, false, None));
    assert!(!absoluut_verzuim(tien, on, false, true, None));
    assert!(!absoluut_verzuim(negentien, on, false, false, None));
    assert!(!absoluut_verzuim(vier, on, false, false, None));
    let s = absoluut_verzuim_signaal(tien, on, false, false, None).unwrap();
    assert_eq!((s.regel, s.datum), (Regel::Av, on));
    assert_eq!(absoluut_verzuim_signaal(tien, on, true, false, None), None);
    // A 17-year-old whose enrolment ended with a havo diploma on 12 July: no duty, no av.
    assert!(!absoluut_verzuim(
        zeventien,
        on,
        false,
        false,
        Some(d(2024, 7, 12))
    ));
    // A diploma after the reference date changes nothing yet.
    assert!(absoluut_verzuim(
        zeventien,
        on,
        false,
        false,
        Some(d(2024, 10, 1))
    ));
}

// ---------------------------------------------------------------------------------------------
// The engine as a whole

#[test]
fn signals_come_in_date_then_rule_order_and_an_evaluator_is_reusable() {
    let k = kalender();
    let dagen = schooldagen(k.common(), d(2019, 9, 2), 25);
    let rows: Vec<Verzuim> = dagen
        .iter()
        .flat_map(|&x| {
            [
                hele_dag(x),
                rij(x, TeLaat, 5),
                Verzuim::new(x, Luxe, 300, true),
            ]
        })
        .collect();
    let s = run(&rows);
    let keys: Vec<(NaiveDate, Regel)> = s.iter().map(|x| (x.datum, x.regel)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted);
    assert_eq!(
        keys[..3],
        [
            (dagen[0], Regel::Signaal),
            (dagen[0], Regel::Luxe),
            (dagen[1], Regel::Uur16)
        ]
    );

    let mut ev = Evaluator::new();
    let mut out = Vec::new();
    ev.evaluate(&rows, k.common(), &RegelsHistorie::default(), &mut out);
    ev.evaluate(&rows[..5], k.common(), &RegelsHistorie::default(), &mut out);
    let n = s.len();
    assert_eq!(out[..n], s[..]);
    assert_eq!(out[n..], run(&rows[..5])[..]);
}

// ---------------------------------------------------------------------------------------------
// The reference: docs/domain.md §6 read literally, quadratic, by dates rather than indices. With a
// history, each date is measured against the rules in force on it; a run (episode, whole
// days) fires on its first day that reaches the threshold of that day.

fn naive(rows: &[Verzuim], days: &SchoolDays, h: &RegelsHistorie) -> Vec<(NaiveDate, Regel, u32)> {
    let school: Vec<Verzuim> = rows
        .iter()
        .copied()
        .filter(|r| days.is_school_day(r.datum))
        .collect();
    let mut dates: Vec<NaiveDate> = school.iter().map(|r| r.datum).collect();
    dates.sort();
    dates.dedup();
    let on = |x: NaiveDate| school.iter().filter(move |r| r.datum == x);
    let has = |x: NaiveDate, f: &dyn Fn(&Verzuim) -> bool| on(x).any(f);
    let mut out = Vec::new();
    let mut used16: Option<NaiveDate> = None;
    let mut used_sig: Option<NaiveDate> = None;
    let mut last_tl: Option<NaiveDate> = None;
    let mut last_mazl: Option<NaiveDate> = None;
    let mut episodes: Vec<NaiveDate> = Vec::new();
    let counting_minutes = |x: NaiveDate| -> u32 {
        on(x)
            .filter(|r| r.soort.telt_voor_uren())
            .map(|r| u32::from(r.minuten))
            .sum()
    };
    // The length of the run of days with `f` ending on `x`.
    let run_len = |x: NaiveDate, f: &dyn Fn(&Verzuim) -> bool| -> u32 {
        let mut n = 0;
        let mut y = Some(x);
        while let Some(z) = y {
            if !has(z, f) {
                break;
            }
            n += 1;
            y = days.prev_school_day(z);
        }
        n
    };
    // Whether the run of `f` ending on `x` reaches `thr` on `x` for the first time.
    let first_reaching =
        |x: NaiveDate, f: &dyn Fn(&Verzuim) -> bool, thr: &dyn Fn(&Regels) -> u32| -> bool {
            let n = run_len(x, f);
            if n < thr(h.regels_op(x)) {
                return false;
            }
            let mut y = x;
            for i in 1..n {
                y = days.prev_school_day(y).unwrap();
                if n - i >= thr(h.regels_op(y)) {
                    return false;
                }
            }
            true
        };
    let is_ziek = |r: &Verzuim| r.soort == Ziek;
    let is_luxe = |r: &Verzuim| r.soort == Luxe;
    let is_whole = |r: &Verzuim| r.soort == Ongeoorloofd && r.hele_dag;
    for &x in &dates {
        let lw = days.lesweek_ordinal(x).unwrap();
        let regels = h.regels_op(x);
        // 16uur, signaal
        if counting_minutes(x) > 0 {
            let begin = (lw + 1).saturating_sub(regels.venster_lesweken);
            let unused = |used: Option<NaiveDate>| -> u32 {
                dates
                    .iter()
                    .filter(|&&y| {
                        y <= x
                            && used.is_none_or(|u| y > u)
                            && days.lesweek_ordinal(y).unwrap() >= begin
                    })
                    .map(|&y| counting_minutes(y))
                    .sum()
            };
            let m16 = unused(used16);
            if m16 >= regels.uur16_minuten {
                out.push((x, Regel::Uur16, m16));
                used16 = Some(x);
                used_sig = Some(x);
            } else {
                let ms = unused(used_sig);
                if ms >= regels.signaal_minuten {
                    out.push((x, Regel::Signaal, ms));
                    used_sig = Some(x);
                }
            }
        }
        // te_laat
        if has(x, &|r| r.soort == TeLaat) {
            let year = SchoolYear::containing(x);
            let n = school
                .iter()
                .filter(|r| {
                    r.soort == TeLaat
                        && r.datum <= x
                        && year.contains(r.datum)
                        && last_tl.is_none_or(|l| r.datum > l)
                })
                .count() as u32;
            if n >= regels.te_laat_aantal {
                out.push((x, Regel::TeLaat, n));
                last_tl = Some(x);
            }
        }
        // luxe
        if has(x, &is_luxe) && run_len(x, &is_luxe) == 1 {
            out.push((x, Regel::Luxe, 1));
        }
        // mazl
        if has(x, &is_ziek) {
            let n = run_len(x, &is_ziek);
            if first_reaching(x, &is_ziek, &|r| r.mazl_dagen) {
                out.push((x, Regel::Mazl7Dagen, n));
            }
            if n == 1 {
                episodes.push(x);
                let begin = (lw + 1).saturating_sub(regels.mazl_lesweken);
                let c = episodes
                    .iter()
                    .filter(|&&e| {
                        last_mazl.is_none_or(|l| e > l) && days.lesweek_ordinal(e).unwrap() >= begin
                    })
                    .count() as u32;
                if c >= regels.mazl_episodes {
                    // The explanation lists the most recent episodes that reach the threshold.
                    out.push((x, Regel::Mazl4x12, regels.mazl_episodes));
                    last_mazl = Some(x);
                }
            }
        }
        // lrv
        if has(x, &is_whole) && first_reaching(x, &is_whole, &|r| r.lrv_dagen) {
            out.push((x, Regel::Lrv, run_len(x, &is_whole)));
        }
    }
    out
}

/// What the naive reference compares: date, rule, and the figure it measured.
fn kern(s: &[Signaal]) -> Vec<(NaiveDate, Regel, u32)> {
    s.iter()
        .map(|x| {
            let n = match x.regel {
                Regel::Uur16 | Regel::Signaal => x.uitleg.minuten,
                Regel::Luxe => 1,
                _ => x.uitleg.aantal,
            };
            (x.datum, x.regel, n)
        })
        .collect()
}

#[test]
fn the_reference_agrees_on_the_worked_examples() {
    let k = kalender();
    let dagen = schooldagen(k.common(), d(2019, 9, 2), 40);
    let rows: Vec<Verzuim> = dagen
        .iter()
        .enumerate()
        .flat_map(|(i, &x)| {
            [
                if i == 30 {
                    rij(x, Ongeoorloofd, 100)
                } else {
                    hele_dag(x)
                },
                rij(x, if i >= 12 && i % 3 == 0 { TeLaat } else { Ziek }, 5),
                rij(x, if i % 5 < 2 { Luxe } else { Geoorloofd }, 50),
            ]
        })
        .collect();
    let s = run(&rows);
    assert_eq!(
        kern(&s),
        naive(&rows, k.common(), &RegelsHistorie::default())
    );
    assert!(
        Regel::ALL[..7]
            .iter()
            .all(|r| s.iter().any(|x| x.regel == *r)),
        "{:?}",
        kern(&s)
    );
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Day `o` of the generated range: 130 days from 26 August 2019 (weekends, the herfstvakantie
/// and the school's own day off included), then 70 days from 6 July 2020 (the end of the
/// school year, the summer holiday and the start of the next).
fn dag(o: u64) -> NaiveDate {
    if o < 130 {
        d(2019, 8, 26) + Days::new(o)
    } else {
        d(2020, 7, 6) + Days::new(o - 130)
    }
}

/// Rows over the days of [`dag`], with kinds and minutes that reach every threshold now and
/// then.
fn arb_rows(max: usize) -> impl Strategy<Value = Vec<Verzuim>> {
    let soort = prop_oneof![
        4 => Just(Ongeoorloofd),
        2 => Just(Luxe),
        2 => Just(TeLaat),
        3 => Just(Ziek),
        1 => Just(Geoorloofd),
    ];
    let minuten = prop_oneof![3 => 0u16..=120, 2 => 120u16..=480, 1 => Just(960u16)];
    prop::collection::vec((0u64..200, soort, minuten, any::<bool>()), 0..max).prop_map(|v| {
        v.into_iter()
            .map(|(o, s, m, h)| Verzuim::new(dag(o), s, m, h))
            .collect()
    })
}

/// Thresholds small enough to fire often on the generated rows.
fn arb_regels() -> impl Strategy<Value = Regels> {
    (
        1u32..=1500,
        1u32..=900,
        1u32..=6,
        1u32..=10,
        1u32..=8,
        1u32..=5,
        1u32..=14,
        1u32..=25,
    )
        .prop_map(|(a, b, c, e, f, g, h, i)| Regels {
            uur16_minuten: a,
            signaal_minuten: b,
            venster_lesweken: c,
            te_laat_aantal: e,
            mazl_dagen: f,
            mazl_episodes: g,
            mazl_lesweken: h,
            lrv_dagen: i,
        })
}

fn both_schools<T>(f: impl Fn(&SchoolDays) -> T) -> (T, T) {
    let k = kalender();
    (f(k.common()), f(k.voor_school(&eigen_school())))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn agrees_with_the_reference(rows in arb_rows(120), regels in arb_regels()) {
        let h = RegelsHistorie::vast(regels);
        let (a, b) = both_schools(|days| (kern(&evaluate(&rows, days, &h)), naive(&rows, days, &h)));
        prop_assert_eq!(a.0, a.1);
        prop_assert_eq!(b.0, b.1);
    }

    #[test]
    fn agrees_with_the_reference_on_the_defaults(rows in arb_rows(200)) {
        let k = kalender();
        let fast = kern(&run_with(&rows, k.common()));
        prop_assert_eq!(fast, naive(&rows, k.common(), &RegelsHistorie::default()));
    }

    #[test]
    fn row_order_does_not_matter(
        (rows, shuffled) in arb_rows(150).prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
        regels in arb_regels(),
    ) {
        let h = RegelsHistorie::vast(regels);
        let k = kalender();
        let days = k.voor_school(&eigen_school());
        prop_assert_eq!(evaluate(&rows, days, &h), evaluate(&shuffled, days, &h));
    }

    #[test]
    fn splitting_rows_does_not_matter(
        rows in arb_rows(150),
        cut in any::<prop::sample::Index>(),
        parts in prop::collection::vec(0.0f64..=1.0, 150),
    ) {
        let k = kalender();
        let days = k.common();
        let whole = run_with(&rows, days);
        // Over two imports, in either order.
        let c = cut.index(rows.len() + 1);
        let swapped: Vec<Verzuim> = rows[c..].iter().chain(&rows[..c]).copied().collect();
        prop_assert_eq!(&run_with(&swapped, days), &whole);
        // A row's minutes over two rows of the same kind and date (not late arrivals: each row
        // is one).
        let mut split = Vec::new();
        for (r, p) in rows.iter().zip(&parts) {
            if r.soort == TeLaat {
                split.push(*r);
            } else {
                let a = (f64::from(r.minuten) * p) as u16;
                split.push(Verzuim { minuten: a, ..*r });
                split.push(Verzuim { minuten: r.minuten - a, ..*r });
            }
        }
        prop_assert_eq!(&run_with(&split, days), &whole);
    }

    #[test]
    fn folded_totals_give_the_signals_of_their_rows(
        rows in arb_rows(150),
        regels in arb_regels(),
        seed in any::<u64>(),
    ) {
        // Fold per (date, kind) as the stores do: minutes added up, rows counted, hele_dag
        // when any row said so; then put the kinds of a date in an arbitrary order.
        let mut totalen: Vec<Dagtotaal> = Vec::new();
        let mut sorted = rows.clone();
        sorted.sort_by_key(|r| (r.datum, r.soort));
        for r in &sorted {
            match totalen.last_mut() {
                Some(t) if t.datum == r.datum && t.soort == r.soort => {
                    // A stored total saturates at u16::MAX minutes; no day comes near it.
                    let m = t.minuten.checked_add(r.minuten);
                    prop_assume!(m.is_some());
                    t.minuten = m.unwrap_or_default();
                    t.aantal += 1;
                    t.hele_dag |= r.hele_dag;
                }
                _ => totalen.push(Dagtotaal {
                    datum: r.datum,
                    soort: r.soort,
                    minuten: r.minuten,
                    aantal: 1,
                    hele_dag: r.hele_dag,
                }),
            }
        }
        totalen.sort_by_key(|t| (t.datum, (t.soort as u64).wrapping_mul(seed) % 7));
        let h = RegelsHistorie::vast(regels);
        let k = kalender();
        for days in [k.common(), k.voor_school(&eigen_school())] {
            let mut e = Evaluator::new();
            let mut out = Vec::new();
            e.evaluate_totalen(&totalen, days, &h, &mut out);
            prop_assert_eq!(&out, &evaluate(&rows, days, &h));
            // Out of date order too.
            let mut reversed = totalen.clone();
            reversed.reverse();
            out.clear();
            e.evaluate_totalen(&reversed, days, &h, &mut out);
            prop_assert_eq!(&out, &evaluate(&rows, days, &h));
        }
    }

    #[test]
    fn rows_on_non_school_days_never_count(
        rows in arb_rows(120),
        extra in arb_rows(60),
    ) {
        let k = kalender();
        for days in [k.common(), k.voor_school(&eigen_school())] {
            let mut more = rows.clone();
            more.extend(extra.iter().filter(|r| !days.is_school_day(r.datum)));
            // And some Saturdays and Sundays for sure.
            more.extend(extra.iter().map(|r| Verzuim {
                datum: r.datum.week(Weekday::Mon).first_day() + Days::new(5 + u64::from(r.hele_dag)),
                ..*r
            }));
            prop_assert_eq!(run_with(&more, days), run_with(&rows, days));
        }
    }

    #[test]
    fn a_signal_depends_only_on_rows_up_to_its_date(rows in arb_rows(150), o in 0u64..200) {
        let cut = dag(o);
        let k = kalender();
        let all = run_with(&rows, k.common());
        let before: Vec<Verzuim> = rows.iter().copied().filter(|r| r.datum <= cut).collect();
        let expected: Vec<Signaal> = all.into_iter().filter(|s| s.datum <= cut).collect();
        prop_assert_eq!(run_with(&before, k.common()), expected);
    }

    #[test]
    fn uur16_needs_its_minutes_unused_in_its_window(rows in arb_rows(200)) {
        let k = kalender();
        let days = k.common();
        let s = run_with(&rows, days);
        let mut vorige: Option<NaiveDate> = None;
        for x in s.iter().filter(|x| x.regel == Regel::Uur16) {
            let lw = days.lesweek_ordinal(x.datum).unwrap();
            let van = days.lesweek_start(lw.saturating_sub(3)).unwrap();
            prop_assert_eq!(x.uitleg.venster_van, van);
            // Brute force over the rows: unused counted minutes in the window, on school days.
            let m: u32 = rows
                .iter()
                .filter(|r| {
                    r.soort.telt_voor_uren()
                        && days.is_school_day(r.datum)
                        && van <= r.datum
                        && r.datum <= x.datum
                        && vorige.is_none_or(|v| r.datum > v)
                })
                .map(|r| u32::from(r.minuten))
                .sum();
            prop_assert!(m >= 960, "16uur on {} with {} unused minutes", x.datum, m);
            prop_assert_eq!(m, x.uitleg.minuten);
            prop_assert!(x.uitleg.rijen.iter().all(|&r| van <= r && r <= x.datum && days.is_school_day(r)));
            vorige = Some(x.datum);
        }
        // signaal never on a 16uur date.
        for x in s.iter().filter(|x| x.regel == Regel::Signaal) {
            prop_assert!(!s.iter().any(|y| y.regel == Regel::Uur16 && y.datum == x.datum));
        }
    }

    #[test]
    fn agrees_with_the_reference_under_a_history(
        rows in arb_rows(120),
        versies in prop::collection::vec((0u64..200, arb_regels()), 1..4),
    ) {
        let h = RegelsHistorie::new(
            versies
                .into_iter()
                .map(|(o, regels)| RegelsVersie { van: dag(o), regels })
                .fold(Vec::<RegelsVersie>::new(), |mut v, x| {
                    if !v.iter().any(|y| y.van == x.van) {
                        v.push(x);
                    }
                    v
                }),
        )
        .unwrap();
        let (a, b) = both_schools(|days| (kern(&evaluate(&rows, days, &h)), naive(&rows, days, &h)));
        prop_assert_eq!(a.0, a.1);
        prop_assert_eq!(b.0, b.1);
    }

    #[test]
    fn a_history_applies_each_version_from_its_date(
        rows in arb_rows(150),
        oud in arb_regels(),
        nieuw in arb_regels(),
        o in 0u64..200,
    ) {
        // With a history, signals before the change are those of the old rules alone; with
        // windows that do not reach back over the change, the later ones those of the new.
        let van = dag(o);
        let h = RegelsHistorie::vast(oud).met(van, nieuw).unwrap();
        let k = kalender();
        let days = k.common();
        let s = evaluate(&rows, days, &h);
        let alleen_oud = evaluate(&rows, days, &RegelsHistorie::vast(oud));
        let voor = |v: &[Signaal]| v.iter().filter(|x| x.datum < van).cloned().collect::<Vec<_>>();
        prop_assert_eq!(voor(&s), voor(&alleen_oud));
        for x in &s {
            let r = h.regels_op(x.datum);
            let drempel = match x.regel {
                Regel::Uur16 => r.uur16_minuten,
                Regel::Signaal => r.signaal_minuten,
                Regel::TeLaat => r.te_laat_aantal,
                Regel::Mazl7Dagen => r.mazl_dagen,
                Regel::Mazl4x12 => r.mazl_episodes,
                Regel::Lrv => r.lrv_dagen,
                Regel::Luxe | Regel::Av => 0,
            };
            prop_assert_eq!(x.uitleg.drempel, drempel);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Throughput, by hand: cargo test -p leerrecht-domain --release -- --ignored --nocapture doorvoer

#[test]
#[ignore = "a measurement, not a test: run in release with --nocapture"]
fn doorvoer() {
    let k = kalender();
    let days = k.common();
    let regels = RegelsHistorie::default();
    // A school year of plausible absence for many pupils: most a little, some a lot.
    let schooldagen: Vec<NaiveDate> = days
        .school_days_between(d(2019, 8, 26), d(2020, 7, 17))
        .collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut ev = Evaluator::new();
    let mut out = Vec::new();
    // Per mille of pupils with a lot of (whole-day) absence: a pessimistic and a plainer mix.
    for zwaar in [100, 10] {
        let mut rows: Vec<Verzuim> = Vec::new();
        let mut groups: Vec<(usize, usize)> = Vec::new();
        while rows.len() < 20_000_000 {
            let start = rows.len();
            let n = (rnd() % 120) as usize;
            let heavy = rnd() % 1000 < zwaar;
            let mut picks: Vec<usize> = (0..n)
                .map(|_| (rnd() % schooldagen.len() as u64) as usize)
                .collect();
            picks.sort_unstable();
            for i in picks {
                let soort = match rnd() % 10 {
                    0..=2 => Ongeoorloofd,
                    3 => Luxe,
                    4..=5 => TeLaat,
                    6..=8 => Ziek,
                    _ => Geoorloofd,
                };
                let minuten = if heavy { 300 } else { (rnd() % 120) as u16 };
                rows.push(Verzuim::new(
                    schooldagen[i],
                    soort,
                    minuten,
                    heavy && rnd() % 2 == 0,
                ));
            }
            groups.push((start, rows.len()));
        }
        for pass in ["sorted", "sorted", "shuffled"] {
            if pass == "shuffled" {
                for &(a, b) in &groups {
                    let g = &mut rows[a..b];
                    for i in (1..g.len()).rev() {
                        g.swap(i, (rnd() % (i as u64 + 1)) as usize);
                    }
                }
            }
            let t = std::time::Instant::now();
            let mut signals = 0usize;
            for &(a, b) in &groups {
                ev.evaluate(&rows[a..b], days, &regels, &mut out);
                signals += out.len();
                out.clear();
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{zwaar}‰ heavy, {pass}: {} rows, {} groups, {} signals in {:.3} s: {:.1} million rows/s",
                rows.len(),
                groups.len(),
                signals,
                secs,
                rows.len() as f64 / secs / 1e6
            );
        }
    }
}
