//! Dates as they come in files (docs/domain.md §12): `YYYY-MM-DD` or `DD-MM-YYYY`, told apart by
//! where the four-digit year stands.

use chrono::NaiveDate;

/// Parses `2019-08-31` or `31-08-2019`; anything else, or a day that does not exist, is an error
/// whose text a person can act on.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    let b = t.as_bytes();
    // Hand-parsed: imports read millions of dates, and a format-string parser per value
    // would cost more than the rest of the row.
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let parts = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        (num(0..4), num(5..7), num(8..10))
    } else if b.len() == 10 && b[2] == b'-' && b[5] == b'-' {
        (num(6..10), num(3..5), num(0..2))
    } else {
        (None, None, None)
    };
    let (Some(y), Some(m), Some(d)) = parts else {
        return Err(format!("{t:?} is not a date: use YYYY-MM-DD or DD-MM-YYYY"));
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| format!("{t:?} is not an existing date"))
}

/// `YYYY-MM-DD`, the form dates are stored and written in.
pub fn iso(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_styles() {
        let d = NaiveDate::from_ymd_opt(2019, 8, 31).unwrap();
        assert_eq!(parse_date("2019-08-31"), Ok(d));
        assert_eq!(parse_date("31-08-2019"), Ok(d));
        assert_eq!(parse_date(" 31-08-2019 "), Ok(d));
        assert!(parse_date("2019-02-30").unwrap_err().contains("existing"));
        assert!(parse_date("31/08/2019").is_err());
        assert!(parse_date("2019-8-31").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("2019-+8-31").is_err());
        assert!(parse_date("31-08-2o19").is_err());
        assert_eq!(iso(d), "2019-08-31");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn both_styles_round_trip(days in 0i32..80_000) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
            prop_assert_eq!(parse_date(&iso(d)), Ok(d));
            let dutch = format!("{:02}-{:02}-{:04}", d.day(), d.month(), d.year());
            prop_assert_eq!(parse_date(&dutch), Ok(d));
            prop_assert_eq!(iso(d), d.to_string());
        }
    }
}
