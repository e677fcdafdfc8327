//! Identifiers of the field (docs/domain.md §3). Each type can only hold a valid value: parse at the
//! edge, and everything behind it may rely on the check having been done.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why an identifier was refused; the text is what a person reads next to the bad value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must be 9 digits (got {0:?})")]
    NotNineDigits(String),
    #[error("fails the 11-proef for a BSN")]
    BsnChecksum,
    #[error("an onderwijsnummer starts with 10 and passes its own 11-proef")]
    OnderwijsnummerChecksum,
    #[error("is not a BSN and not an onderwijsnummer")]
    NeitherBsnNorOnderwijsnummer,
    #[error("a BRIN is 2 digits and 2 capital letters, e.g. 05KO (got {0:?})")]
    Brin(String),
    #[error("a school location is a BRIN plus a 2-digit location number, e.g. 05KO00 (got {0:?})")]
    SchoolCode(String),
    #[error("a CBS gemeentecode is GM followed by 4 digits, e.g. GM0392 (got {0:?})")]
    GemeenteCode(String),
}

/// Weighted digit sum of the 11-proef, weights 9..2 and −1 for the last digit.
fn weighted_sum(n: u32) -> i64 {
    let mut digits = [0i64; 9];
    let mut rest = n;
    for d in digits.iter_mut().rev() {
        *d = i64::from(rest % 10);
        rest /= 10;
    }
    let weights = [9, 8, 7, 6, 5, 4, 3, 2, -1];
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

fn parse_nine_digits(s: &str) -> Result<u32, IdError> {
    let t = s.trim();
    if t.is_empty() || t.len() > 9 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::NotNineDigits(s.to_string()));
    }
    // Left-padding with zeros is allowed (docs/domain.md §3): "12345678" is "012345678".
    t.parse().map_err(|_| IdError::NotNineDigits(s.to_string()))
}

/// Burgerservicenummer: 9 digits, weighted sum ≡ 0 (mod 11), not all zeros.
///
/// `Debug` does not print the number: a BSN must not end up in logs by accident.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bsn(u32);

impl Bsn {
    pub fn new(n: u32) -> Result<Self, IdError> {
        if n == 0 || n > 999_999_999 || weighted_sum(n).rem_euclid(11) != 0 {
            return Err(IdError::BsnChecksum);
        }
        Ok(Bsn(n))
    }
    pub fn value(self) -> u32 {
        self.0
    }
}

/// Onderwijsnummer: used when a pupil has no BSN; 9 digits starting with `10`, weighted sum
/// ≡ 5 (mod 11), so it can never be mistaken for a BSN.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Onderwijsnummer(u32);

impl Onderwijsnummer {
    pub fn new(n: u32) -> Result<Self, IdError> {
        if !(100_000_000..=109_999_999).contains(&n) || weighted_sum(n).rem_euclid(11) != 5 {
            return Err(IdError::OnderwijsnummerChecksum);
        }
        Ok(Onderwijsnummer(n))
    }
    pub fn value(self) -> u32 {
        self.0
    }
}

/// Reading an identifier from an owned string is parsing it (serde's `try_from`).
macro_rules! try_from_string {
    ($t:ident) => {
        impl TryFrom<String> for $t {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                s.parse()
            }
        }
    };
}

macro_rules! nine_digit_id {
    ($t:ident) => {
        impl FromStr for $t {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                $t::new(parse_nine_digits(s)?)
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:09}", self.0)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Redacted on purpose: Debug output ends up in logs and panics.
                write!(f, concat!(stringify!($t), "(…{:03})"), self.0 % 1000)
            }
        }
        try_from_string!($t);
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.to_string()
            }
        }
    };
}
nine_digit_id!(Bsn);
nine_digit_id!(Onderwijsnummer);

/// What an import column named `leerling` holds: a BSN or, failing that, an onderwijsnummer.
/// The two checksums differ, so the value itself says which it is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum LeerlingId {
    Bsn(Bsn),
    Onderwijsnummer(Onderwijsnummer),
}

impl FromStr for LeerlingId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let n = parse_nine_digits(s)?;
        if let Ok(b) = Bsn::new(n) {
            return Ok(LeerlingId::Bsn(b));
        }
        Onderwijsnummer::new(n)
            .map(LeerlingId::Onderwijsnummer)
            .map_err(|_| IdError::NeitherBsnNorOnderwijsnummer)
    }
}

impl fmt::Display for LeerlingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeerlingId::Bsn(b) => b.fmt(f),
            LeerlingId::Onderwijsnummer(o) => o.fmt(f),
        }
    }
}

macro_rules! code_type {
    ($(#[$m:meta])* $t:ident, $err:ident, $check:expr) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $t(String);

        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl FromStr for $t {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                let t = s.trim();
                let check: fn(&[u8]) -> bool = $check;
                if check(t.as_bytes()) {
                    Ok($t(t.to_string()))
                } else {
                    Err(IdError::$err(s.to_string()))
                }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }
        // Hashes and compares as its text, so maps keyed by codes can be asked with a `&str`.
        impl std::borrow::Borrow<str> for $t {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        try_from_string!($t);
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
    };
}

fn is_brin(b: &[u8]) -> bool {
    b.len() == 4
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[2..].iter().all(u8::is_ascii_uppercase)
}

code_type!(
    /// BRIN number of a school board's institution: 2 digits and 2 capital letters (`05KO`).
    Brin,
    Brin,
    is_brin
);
code_type!(
    /// A school location: BRIN plus a 2-digit location number (`05KO00`).
    SchoolCode,
    SchoolCode,
    |b| b.len() == 6 && is_brin(&b[..4]) && b[4..].iter().all(u8::is_ascii_digit)
);
code_type!(
    /// CBS gemeentecode: `GM` and 4 digits (`GM0392`).
    GemeenteCode,
    GemeenteCode,
    |b| b.len() == 6 && b.starts_with(b"GM") && b[2..].iter().all(u8::is_ascii_digit)
);

impl SchoolCode {
    pub fn brin(&self) -> Brin {
        Brin(self.0[..4].to_string())
    }
}

/// Checksum helpers for generators and tests: the weighted sum of the 11-proef mod 11.
pub fn elfproef_rest(n: u32) -> i64 {
    weighted_sum(n).rem_euclid(11)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert!("111222333".parse::<Bsn>().is_ok());
        assert!("123456782".parse::<Bsn>().is_ok());
        assert_eq!("123456789".parse::<Bsn>(), Err(IdError::BsnChecksum));
        assert_eq!("000000000".parse::<Bsn>(), Err(IdError::BsnChecksum));
        assert!(matches!("12345".parse::<Bsn>(), Err(IdError::BsnChecksum)));
        assert!("1234567890".parse::<Bsn>().is_err());
        assert!("12a456789".parse::<Bsn>().is_err());
        assert!("101222331".parse::<Onderwijsnummer>().is_ok());
        assert!(matches!(
            "101222331".parse::<LeerlingId>(),
            Ok(LeerlingId::Onderwijsnummer(_))
        ));
        assert!(matches!(
            "111222333".parse::<LeerlingId>(),
            Ok(LeerlingId::Bsn(_))
        ));
        assert_eq!(
            "111222334".parse::<LeerlingId>(),
            Err(IdError::NeitherBsnNorOnderwijsnummer)
        );
    }

    #[test]
    fn left_padding_is_accepted_and_printed_in_full() {
        // 010000008: 0*9+1*8+...+8*-1 = 8 - 8 = 0.
        let b: Bsn = "10000008".parse().unwrap();
        assert_eq!(b.to_string(), "010000008");
    }

    #[test]
    fn debug_never_shows_the_whole_number() {
        let b: Bsn = "111222333".parse().unwrap();
        assert!(!format!("{b:?}").contains("111222333"));
    }

    #[test]
    fn codes() {
        assert!("05KO".parse::<Brin>().is_ok());
        assert!("05ko".parse::<Brin>().is_err());
        assert!("05KO00".parse::<SchoolCode>().is_ok());
        assert_eq!(
            "07NU01".parse::<SchoolCode>().unwrap().brin().as_str(),
            "07NU"
        );
        assert!("05KO0".parse::<SchoolCode>().is_err());
        assert!("GM0392".parse::<GemeenteCode>().is_ok());
        assert!("GM392".parse::<GemeenteCode>().is_err());
        assert!("gm0392".parse::<GemeenteCode>().is_err());
    }

    proptest! {
        #[test]
        fn bsn_accepted_iff_elfproef(n in 0u32..1_000_000_000) {
            let ok = n != 0 && elfproef_rest(n) == 0;
            prop_assert_eq!(Bsn::new(n).is_ok(), ok);
        }

        #[test]
        fn onderwijsnummer_accepted_iff_its_own_elfproef(n in 100_000_000u32..110_000_000) {
            prop_assert_eq!(Onderwijsnummer::new(n).is_ok(), elfproef_rest(n) == 5);
        }

        #[test]
        fn never_both(n in 0u32..1_000_000_000) {
            prop_assert!(!(Bsn::new(n).is_ok() && Onderwijsnummer::new(n).is_ok()));
        }

        #[test]
        fn display_parse_roundtrip(n in 1u32..1_000_000_000) {
            if let Ok(b) = Bsn::new(n) {
                prop_assert_eq!(b.to_string().parse::<Bsn>().unwrap(), b);
            }
        }

        #[test]
        fn changing_one_digit_breaks_a_bsn(n in 1u32..1_000_000_000, pos in 0u32..9, delta in 1u32..10) {
            if let Ok(b) = Bsn::new(n) {
                let p = 10u32.pow(pos);
                let digit = (b.value() / p) % 10;
                let changed = b.value() - digit * p + ((digit + delta) % 10) * p;
                prop_assert!(Bsn::new(changed).is_err());
            }
        }
    }
}
