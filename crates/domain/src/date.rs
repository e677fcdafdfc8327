//! Dates as they come in files (DOMAIN §12): `YYYY-MM-DD` or `DD-MM-YYYY`, told apart by
//! where the four-digit year stands.

use chrono::NaiveDate;

/// Parses `2019-08-31` or `31-08-2019`; anything else, or a day that does not exist, is an error
/// whose text a person can act on.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    let b = t.as_bytes();
    let fmt = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        "%Y-%m-%d"
    } else if b.len() == 10 && b[2] == b'-' && b[5] == b'-' {
        "%d-%m-%Y"
    } else {
        return Err(format!("{t:?} is not a date: use YYYY-MM-DD or DD-MM-YYYY"));
    };
    NaiveDate::parse_from_str(t, fmt).map_err(|_| format!("{t:?} is not an existing date"))
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
    }
}
