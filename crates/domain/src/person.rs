//! Young people and their enrolments: who someone is, where they live, where they are enrolled.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{Bsn, GemeenteCode, LeerlingId, Onderwijsnummer, SchoolCode};

/// A young person as the population register (BRP) or a school knows them. At least one of
/// BSN and onderwijsnummer is present: the constructor refuses a person without either.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Jongere {
    bsn: Option<Bsn>,
    onderwijsnummer: Option<Onderwijsnummer>,
    pub achternaam: String,
    pub voornamen: String,
    pub geboortedatum: NaiveDate,
    /// The gemeente of the BRP address; the person belongs to it.
    pub gemeente: GemeenteCode,
    /// The day the person came to live in `gemeente`, when the file says (the optional
    /// `verhuisdatum` column): a change of gemeente is dated by it, else by the day it is
    /// recorded (docs/domain.md §9.7).
    pub woont_sinds: Option<NaiveDate>,
}

impl Jongere {
    pub fn new(
        bsn: Option<Bsn>,
        onderwijsnummer: Option<Onderwijsnummer>,
        achternaam: String,
        voornamen: String,
        geboortedatum: NaiveDate,
        gemeente: GemeenteCode,
    ) -> Result<Self, &'static str> {
        if bsn.is_none() && onderwijsnummer.is_none() {
            return Err("a young person needs a BSN or an onderwijsnummer");
        }
        Ok(Jongere {
            bsn,
            onderwijsnummer,
            achternaam,
            voornamen,
            geboortedatum,
            gemeente,
            woont_sinds: None,
        })
    }
    pub fn bsn(&self) -> Option<Bsn> {
        self.bsn
    }
    pub fn onderwijsnummer(&self) -> Option<Onderwijsnummer> {
        self.onderwijsnummer
    }
    /// The identifier files use for this person: the BSN, or the onderwijsnummer without one.
    pub fn leerling_id(&self) -> LeerlingId {
        match (self.bsn, self.onderwijsnummer) {
            (Some(b), _) => LeerlingId::Bsn(b),
            (None, Some(o)) => LeerlingId::Onderwijsnummer(o),
            (None, None) => unreachable!("checked in Jongere::new"),
        }
    }
}

/// Education sectors (docs/domain.md §4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Sector {
    #[serde(rename = "PO")]
    Po,
    #[serde(rename = "SO")]
    So,
    #[serde(rename = "VO")]
    Vo,
    #[serde(rename = "VSO")]
    Vso,
    #[serde(rename = "MBO")]
    Mbo,
}

impl Sector {
    pub const ALL: [Sector; 5] = [Sector::Po, Sector::So, Sector::Vo, Sector::Vso, Sector::Mbo];
    pub fn code(self) -> &'static str {
        match self {
            Sector::Po => "PO",
            Sector::So => "SO",
            Sector::Vo => "VO",
            Sector::Vso => "VSO",
            Sector::Mbo => "MBO",
        }
    }
}

code_soort!(
    Sector,
    to_ascii_uppercase,
    "unknown sector {:?}: use PO, SO, VO, VSO or MBO"
);

/// An enrolment of a pupil at a school location, from `begindatum` up to and including
/// `einddatum` (open when still enrolled). The constructor refuses an end before the start.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Inschrijving {
    pub leerling: LeerlingId,
    pub school: SchoolCode,
    pub sector: Sector,
    begindatum: NaiveDate,
    einddatum: Option<NaiveDate>,
    /// The enrolment ended with a startkwalificatie (MBO-2, havo or vwo diploma), which ends
    /// kwalificatieplicht (docs/domain.md §4). Only an ended enrolment has one.
    #[serde(default)]
    startkwalificatie: bool,
}

impl Inschrijving {
    pub fn new(
        leerling: LeerlingId,
        school: SchoolCode,
        sector: Sector,
        begindatum: NaiveDate,
        einddatum: Option<NaiveDate>,
    ) -> Result<Self, &'static str> {
        if einddatum.is_some_and(|e| e < begindatum) {
            return Err("einddatum lies before begindatum");
        }
        Ok(Inschrijving {
            leerling,
            school,
            sector,
            begindatum,
            einddatum,
            startkwalificatie: false,
        })
    }
    /// The same enrolment, ended with a startkwalificatie or not; refused on an enrolment
    /// without an end.
    pub fn met_startkwalificatie(mut self, startkwalificatie: bool) -> Result<Self, &'static str> {
        if startkwalificatie && self.einddatum.is_none() {
            return Err(
                "a startkwalificatie is obtained at the end of an enrolment: give its einddatum",
            );
        }
        self.startkwalificatie = startkwalificatie;
        Ok(self)
    }
    pub fn startkwalificatie(&self) -> bool {
        self.startkwalificatie
    }
    /// The day a startkwalificatie was obtained with this enrolment: its last day.
    pub fn startkwalificatie_op(&self) -> Option<NaiveDate> {
        self.einddatum.filter(|_| self.startkwalificatie)
    }
    pub fn begindatum(&self) -> NaiveDate {
        self.begindatum
    }
    pub fn einddatum(&self) -> Option<NaiveDate> {
        self.einddatum
    }
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.begindatum <= d && self.einddatum.is_none_or(|e| d <= e)
    }
}
