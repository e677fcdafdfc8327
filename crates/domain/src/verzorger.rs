//! Parents and guardians (*verzorgers*, docs/domain.md §13): whom the Leerplichtwet holds
//! responsible for a leerplichtige's attendance (art. 2), and to whom the officer's letters go,
//! one per address. They are personal data of the young person's file: the same need to know,
//! audit and retention.

use std::fmt;
use std::str::FromStr;

use crate::ids::LeerlingId;

/// How a verzorger stands to the young person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relatie {
    Ouder,
    Voogd,
    Verzorger,
    Pleegouder,
}

impl Relatie {
    pub const ALL: [Relatie; 4] = [
        Relatie::Ouder,
        Relatie::Voogd,
        Relatie::Verzorger,
        Relatie::Pleegouder,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relatie::Ouder => "ouder",
            Relatie::Voogd => "voogd",
            Relatie::Verzorger => "verzorger",
            Relatie::Pleegouder => "pleegouder",
        }
    }
}

impl FromStr for Relatie {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        Relatie::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| format!("{s:?} is not a relatie: ouder, voogd, verzorger or pleegouder"))
    }
}

impl fmt::Display for Relatie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A Dutch postcode, written `1234 AB`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Postcode(String);

impl Postcode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Postcode {
    type Err = String;
    /// Four digits (not starting with 0) and two letters, with or without a space, in any
    /// case: `1234ab` is `1234 AB`.
    fn from_str(s: &str) -> Result<Self, String> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let b = compact.as_bytes();
        let ok = b.len() == 6
            && (b'1'..=b'9').contains(&b[0])
            && b[1..4].iter().all(u8::is_ascii_digit)
            && b[4..].iter().all(u8::is_ascii_alphabetic);
        if !ok {
            return Err(format!("{s:?} is not a postcode like 1234 AB"));
        }
        Ok(Postcode(format!(
            "{} {}",
            &compact[..4],
            compact[4..].to_ascii_uppercase()
        )))
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a verzorger lives: where a letter goes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Adres {
    pub straat: String,
    pub huisnummer: String,
    pub postcode: Postcode,
    pub woonplaats: String,
}

impl fmt::Display for Adres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}, {} {}",
            self.straat, self.huisnummer, self.postcode, self.woonplaats
        )
    }
}

/// A parent or guardian of a young person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verzorger {
    pub leerling: LeerlingId,
    pub naam: String,
    pub relatie: Relatie,
    pub adres: Adres,
    pub telefoon: Option<String>,
    pub email: Option<String>,
}

/// Whether `t` is a telephone number: 10 to 15 digits, with spaces, `+`, `-` and brackets.
pub fn telefoon_geldig(t: &str) -> bool {
    let cijfers = t.chars().filter(char::is_ascii_digit).count();
    (10..=15).contains(&cijfers) && t.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

/// Whether `e` looks like an e-mail address: something, `@`, a domain with a dot, no spaces.
pub fn email_geldig(e: &str) -> bool {
    e.split_once('@')
        .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !e.contains(char::is_whitespace))
}

/// The addresses of `verzorgers`, each once, in their first order: one letter goes to each.
pub fn adressen(verzorgers: &[Verzorger]) -> Vec<(&Adres, Vec<&Verzorger>)> {
    let mut out: Vec<(&Adres, Vec<&Verzorger>)> = Vec::new();
    for v in verzorgers {
        match out.iter_mut().find(|(a, _)| **a == v.adres) {
            Some((_, bij)) => bij.push(v),
            None => out.push((&v.adres, vec![v])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_are_written_one_way() {
        assert_eq!("2011ab".parse::<Postcode>().unwrap().as_str(), "2011 AB");
        assert_eq!(
            " 2011  AB ".parse::<Postcode>().unwrap().as_str(),
            "2011 AB"
        );
        for fout in ["0123 AB", "2011 A", "2011 A1", "20111 AB", ""] {
            assert!(fout.parse::<Postcode>().is_err(), "{fout:?}");
        }
    }

    #[test]
    fn relations_are_the_four_of_the_file_format() {
        assert_eq!("Voogd".parse::<Relatie>().unwrap(), Relatie::Voogd);
        assert!("tante".parse::<Relatie>().is_err());
    }

    #[test]
    fn parents_at_one_address_get_one_letter() {
        let adres = |straat: &str| Adres {
            straat: straat.into(),
            huisnummer: "1".into(),
            postcode: "2011 AB".parse().unwrap(),
            woonplaats: "Haarlem".into(),
        };
        let leerling: LeerlingId = "111222333".parse().unwrap();
        let v = |naam: &str, straat: &str| Verzorger {
            leerling,
            naam: naam.into(),
            relatie: Relatie::Ouder,
            adres: adres(straat),
            telefoon: None,
            email: None,
        };
        let vs = [
            v("A", "Kerkstraat"),
            v("B", "Dorpsweg"),
            v("C", "Kerkstraat"),
        ];
        let a = adressen(&vs);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].1.len(), 2);
        assert_eq!(a[1].0.straat, "Dorpsweg");
    }
}
