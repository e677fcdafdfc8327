//! Organisations of a region (docs/domain.md §2): gemeenten, school locations, samenwerkingsverbanden,
//! and the leerplicht bureaus, GGDs and CJGs that serve a list of gemeenten.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{GemeenteCode, SchoolCode};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum OrgSoort {
    Gemeente,
    School,
    Swv,
    Leerplicht,
    Ggd,
    Cjg,
}

impl OrgSoort {
    pub const ALL: [OrgSoort; 6] = [
        OrgSoort::Gemeente,
        OrgSoort::School,
        OrgSoort::Swv,
        OrgSoort::Leerplicht,
        OrgSoort::Ggd,
        OrgSoort::Cjg,
    ];
    pub fn code(self) -> &'static str {
        match self {
            OrgSoort::Gemeente => "gemeente",
            OrgSoort::School => "school",
            OrgSoort::Swv => "swv",
            OrgSoort::Leerplicht => "leerplicht",
            OrgSoort::Ggd => "ggd",
            OrgSoort::Cjg => "cjg",
        }
    }
    /// Kinds that serve a list of gemeenten (`bedient`).
    pub fn serves_gemeenten(self) -> bool {
        matches!(self, OrgSoort::Leerplicht | OrgSoort::Ggd | OrgSoort::Cjg)
    }
}

code_soort!(
    OrgSoort,
    to_ascii_lowercase,
    "unknown soort {:?}: use gemeente, school, swv, leerplicht, ggd or cjg"
);

/// The code of an organisation. Its form follows the kind: a CBS code for a gemeente, a
/// location code for a school, and a free code (letters, digits, `-`, `_`, `.`) otherwise.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(soort: OrgSoort, s: &str) -> Result<Self, String> {
        let t = s.trim();
        match soort {
            OrgSoort::Gemeente => {
                t.parse::<GemeenteCode>().map_err(|e| e.to_string())?;
            }
            OrgSoort::School => {
                t.parse::<SchoolCode>().map_err(|e| e.to_string())?;
            }
            _ => {
                let ok = !t.is_empty()
                    && t.len() <= 40
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
                if !ok {
                    return Err(format!(
                        "{t:?} is not a code: 1 to 40 letters, digits, '-', '_' or '.'"
                    ));
                }
            }
        };
        Ok(OrgCode(t.to_string()))
    }
    /// Codes read back from storage, which only ever holds parsed codes.
    pub fn from_stored(s: String) -> Self {
        OrgCode(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl From<&GemeenteCode> for OrgCode {
    fn from(g: &GemeenteCode) -> Self {
        OrgCode(g.as_str().to_string())
    }
}
impl From<&SchoolCode> for OrgCode {
    fn from(s: &SchoolCode) -> Self {
        OrgCode(s.as_str().to_string())
    }
}

/// One organisation as the register knows it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Organisatie {
    pub code: OrgCode,
    pub soort: OrgSoort,
    pub naam: String,
    /// The gemeente the organisation is located in (for a gemeente: itself).
    pub gemeente: Option<GemeenteCode>,
    /// The sub-region (e.g. `Zuid-Kennemerland`), for gemeenten and the figures per region.
    pub regio: Option<String>,
    /// The samenwerkingsverband a school belongs to.
    pub swv: Option<OrgCode>,
    /// The gemeenten a leerplicht bureau, GGD or CJG serves.
    pub bedient: Vec<GemeenteCode>,
}

/// The roles of the users of leerrecht (docs/domain.md §1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Rol {
    Leerplicht,
    School,
    Swv,
    Jeugdarts,
    Cjg,
    Beleid,
    Beheer,
}

impl Rol {
    pub const ALL: [Rol; 7] = [
        Rol::Leerplicht,
        Rol::School,
        Rol::Swv,
        Rol::Jeugdarts,
        Rol::Cjg,
        Rol::Beleid,
        Rol::Beheer,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Rol::Leerplicht => "leerplicht",
            Rol::School => "school",
            Rol::Swv => "swv",
            Rol::Jeugdarts => "jeugdarts",
            Rol::Cjg => "cjg",
            Rol::Beleid => "beleid",
            Rol::Beheer => "beheer",
        }
    }
    /// Whether the role ever sees a person (docs/domain.md §10).
    pub fn sees_persons(self) -> bool {
        !matches!(self, Rol::Beleid | Rol::Beheer)
    }
    /// Whether the role logs in with a second factor: the roles that see persons, and
    /// `beheer`, which changes other accounts' credentials.
    pub fn needs_second_factor(self) -> bool {
        self.sees_persons() || self == Rol::Beheer
    }
    /// The kind of organisation a user of this role belongs to; `None`: any kind.
    pub fn org_soort(self) -> Option<OrgSoort> {
        match self {
            Rol::Leerplicht => Some(OrgSoort::Leerplicht),
            Rol::School => Some(OrgSoort::School),
            Rol::Swv => Some(OrgSoort::Swv),
            Rol::Jeugdarts => Some(OrgSoort::Ggd),
            Rol::Cjg => Some(OrgSoort::Cjg),
            Rol::Beleid | Rol::Beheer => None,
        }
    }
}

code_soort!(
    Rol,
    to_ascii_lowercase,
    "unknown role {:?}: use leerplicht, school, swv, jeugdarts, cjg, beleid or beheer"
);
