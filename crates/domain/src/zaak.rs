//! A case (*zaak*, docs/domain.md §7–8) as a sequence of events: nothing is overwritten, and the state
//! on any past moment is the fold of the events recorded up to then.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::thuiszitters::Niveau;

/// What kind of case: absence (opened by a melding), a thuiszitter's, an exemption's (opened
/// when an exemption is recorded, so that recording one does not make anyone a thuiszitter),
/// or the RMC's (an early school leaver of 18 to 23, docs/domain.md §13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ZaakSoort {
    Verzuim,
    Thuiszitter,
    Vrijstelling,
    Rmc,
}

impl ZaakSoort {
    pub fn code(self) -> &'static str {
        match self {
            ZaakSoort::Verzuim => "verzuim",
            ZaakSoort::Thuiszitter => "thuiszitter",
            ZaakSoort::Vrijstelling => "vrijstelling",
            ZaakSoort::Rmc => "rmc",
        }
    }

    /// The reasons a case of this kind closes with: an RMC case ends in one of the RMC's
    /// outcomes (back in education, work, care, not reachable), the others as before.
    pub fn sluitredenen(self) -> Vec<Sluitreden> {
        Sluitreden::ALL
            .into_iter()
            .filter(|r| match self {
                ZaakSoort::Rmc => r.rmc(),
                _ => !r.alleen_rmc(),
            })
            .collect()
    }
}

/// The kinds of suitable offer (docs/domain.md §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AanbodType {
    Onderwijs,
    OnderwijsZorgarrangement,
    Zorg,
    Jeugdhulp,
    Dagbesteding,
    WerkLeerwerktraject,
}

impl AanbodType {
    pub const ALL: [AanbodType; 6] = [
        AanbodType::Onderwijs,
        AanbodType::OnderwijsZorgarrangement,
        AanbodType::Zorg,
        AanbodType::Jeugdhulp,
        AanbodType::Dagbesteding,
        AanbodType::WerkLeerwerktraject,
    ];
    /// The code as stored, in files and in the API (its serde name).
    pub fn code(self) -> &'static str {
        match self {
            AanbodType::Onderwijs => "onderwijs",
            AanbodType::OnderwijsZorgarrangement => "onderwijs_zorgarrangement",
            AanbodType::Zorg => "zorg",
            AanbodType::Jeugdhulp => "jeugdhulp",
            AanbodType::Dagbesteding => "dagbesteding",
            AanbodType::WerkLeerwerktraject => "werk_leerwerktraject",
        }
    }
}

/// The exemptions of the Leerplichtwet (docs/domain.md §8). Codes say what they are (`art5_sub_a`,
/// `art5a_reizend`); the codes of before (`5a` for 5 sub a, `5a_reizend` for article 5a…)
/// are still read, from stored events, files and requests ([`Artikel::from_code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Artikel {
    #[serde(rename = "art5_sub_a", alias = "5a")]
    Art5SubA,
    #[serde(rename = "art5_sub_b", alias = "5b")]
    Art5SubB,
    #[serde(rename = "art5_sub_c", alias = "5c")]
    Art5SubC,
    #[serde(rename = "art5a_reizend", alias = "5a_reizend")]
    Art5a,
    #[serde(rename = "art3a", alias = "3a")]
    Art3a,
    #[serde(rename = "art3b", alias = "3b")]
    Art3b,
    #[serde(rename = "art15", alias = "15")]
    Art15,
}

impl Artikel {
    pub const ALL: [Artikel; 7] = [
        Artikel::Art5SubA,
        Artikel::Art5SubB,
        Artikel::Art5SubC,
        Artikel::Art5a,
        Artikel::Art3a,
        Artikel::Art3b,
        Artikel::Art15,
    ];
    /// The code as stored and in files.
    pub fn code(self) -> &'static str {
        match self {
            Artikel::Art5SubA => "art5_sub_a",
            Artikel::Art5SubB => "art5_sub_b",
            Artikel::Art5SubC => "art5_sub_c",
            Artikel::Art5a => "art5a_reizend",
            Artikel::Art3a => "art3a",
            Artikel::Art3b => "art3b",
            Artikel::Art15 => "art15",
        }
    }
    /// The code of before, still read: `5a` meant 5 sub a and `5a_reizend` article 5a.
    pub fn oude_code(self) -> &'static str {
        match self {
            Artikel::Art5SubA => "5a",
            Artikel::Art5SubB => "5b",
            Artikel::Art5SubC => "5c",
            Artikel::Art5a => "5a_reizend",
            Artikel::Art3a => "3a",
            Artikel::Art3b => "3b",
            Artikel::Art15 => "15",
        }
    }
    /// The article of a code, new or old (case-insensitive).
    pub fn from_code(s: &str) -> Option<Artikel> {
        let s = s.trim();
        Artikel::ALL
            .into_iter()
            .find(|a| a.code().eq_ignore_ascii_case(s) || a.oude_code().eq_ignore_ascii_case(s))
    }
    pub fn label(self) -> &'static str {
        match self {
            Artikel::Art5SubA => "Art. 5 sub a (lichamelijk of psychisch ongeschikt)",
            Artikel::Art5SubB => "Art. 5 sub b (bedenkingen tegen de richting)",
            Artikel::Art5SubC => "Art. 5 sub c (school in het buitenland)",
            Artikel::Art5a => "Art. 5a (trekkend bestaan)",
            Artikel::Art3a => "Art. 3a (vervangend programma)",
            Artikel::Art3b => "Art. 3b (vervangend programma)",
            Artikel::Art15 => "Art. 15 (voldoende ander onderwijs)",
        }
    }
    /// 5 sub a is renewed yearly, on a fresh statement.
    pub fn jaarlijks(self) -> bool {
        self == Artikel::Art5SubA
    }
}

/// Who wrote the statement a 5-sub-a exemption needs (docs/domain.md §8): an independent doctor,
/// psychologist or pedagogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Deskundige {
    Arts,
    Psycholoog,
    Pedagoog,
}

impl Deskundige {
    pub const ALL: [Deskundige; 3] = [
        Deskundige::Arts,
        Deskundige::Psycholoog,
        Deskundige::Pedagoog,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Deskundige::Arts => "arts",
            Deskundige::Psycholoog => "psycholoog",
            Deskundige::Pedagoog => "pedagoog",
        }
    }
    pub fn from_code(s: &str) -> Option<Deskundige> {
        Deskundige::ALL
            .into_iter()
            .find(|d| d.code().eq_ignore_ascii_case(s.trim()))
    }
}

/// The statement behind a 5-sub-a exemption: when, and by whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Verklaring {
    pub datum: NaiveDate,
    pub door: Deskundige,
}

/// How old a 5-sub-a statement may be at the decision, in months (docs/domain.md §8).
pub const VERKLARING_MAANDEN: u32 = 3;

/// Kernteam (Zuid-Kennemerland) or jeugdteam (IJmond).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Team {
    Kernteam,
    Jeugdteam,
}

/// Why leerplicht closed a case (docs/domain.md §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sluitreden {
    /// A suitable offer started.
    AanbodGestart,
    /// Back in school.
    TerugNaarSchool,
    /// Moved away (out of the bureau's gemeenten).
    Verhuisd,
    /// An exemption was granted.
    Vrijstelling,
    /// Turned 18 without a duty left.
    #[serde(rename = "18_zonder_plicht")]
    AchttienZonderPlicht,
    /// RMC: at work.
    Werk,
    /// RMC: in care (or youth help) that keeps them from education and work.
    Zorg,
    /// RMC: not reachable after the contact attempts recorded.
    NietBereikbaar,
    /// Another reason, written in the case's explanation.
    Overig,
}

impl Sluitreden {
    pub const ALL: [Sluitreden; 9] = [
        Sluitreden::AanbodGestart,
        Sluitreden::TerugNaarSchool,
        Sluitreden::Verhuisd,
        Sluitreden::Vrijstelling,
        Sluitreden::AchttienZonderPlicht,
        Sluitreden::Werk,
        Sluitreden::Zorg,
        Sluitreden::NietBereikbaar,
        Sluitreden::Overig,
    ];
    /// An outcome of the RMC only.
    pub fn alleen_rmc(self) -> bool {
        matches!(
            self,
            Sluitreden::Werk | Sluitreden::Zorg | Sluitreden::NietBereikbaar
        )
    }
    /// A reason an RMC case may close with: back in education, work, care, not reachable,
    /// moved away, or another reason explained.
    pub fn rmc(self) -> bool {
        self.alleen_rmc()
            || matches!(
                self,
                Sluitreden::TerugNaarSchool | Sluitreden::Verhuisd | Sluitreden::Overig
            )
    }
    /// The code as stored and in the API.
    pub fn code(self) -> &'static str {
        match self {
            Sluitreden::AanbodGestart => "aanbod_gestart",
            Sluitreden::TerugNaarSchool => "terug_naar_school",
            Sluitreden::Verhuisd => "verhuisd",
            Sluitreden::Vrijstelling => "vrijstelling",
            Sluitreden::AchttienZonderPlicht => "18_zonder_plicht",
            Sluitreden::Werk => "werk",
            Sluitreden::Zorg => "zorg",
            Sluitreden::NietBereikbaar => "niet_bereikbaar",
            Sluitreden::Overig => "overig",
        }
    }
    /// The reason in Dutch, as the officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            Sluitreden::AanbodGestart => "Aanbod gestart",
            Sluitreden::TerugNaarSchool => "Terug naar school",
            Sluitreden::Verhuisd => "Verhuisd",
            Sluitreden::Vrijstelling => "Vrijstelling",
            Sluitreden::AchttienZonderPlicht => "18 jaar zonder plicht",
            Sluitreden::Werk => "Aan het werk",
            Sluitreden::Zorg => "In zorg",
            Sluitreden::NietBereikbaar => "Niet bereikbaar",
            Sluitreden::Overig => "Overig",
        }
    }
}

impl std::str::FromStr for Sluitreden {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Sluitreden::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| {
                "use aanbod_gestart, terug_naar_school, verhuisd, vrijstelling, \
                 18_zonder_plicht, werk, zorg, niet_bereikbaar or overig"
                    .to_string()
            })
    }
}

/// Who may read a note on a case (docs/domain.md §13). The third level of the field, medical
/// data (art. 9 GDPR), is the youth doctor's medical notes on the person's file: the youth
/// doctor does not see cases, and no one else reads medical notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Vertrouwelijkheid {
    /// Everyone who may see the case: leerplicht, the partners in it, the SWV.
    Zaak,
    /// The leerplicht officers only.
    Leerplicht,
}

impl Vertrouwelijkheid {
    pub const ALL: [Vertrouwelijkheid; 2] =
        [Vertrouwelijkheid::Zaak, Vertrouwelijkheid::Leerplicht];
    /// The code as stored and in the API.
    pub fn code(self) -> &'static str {
        match self {
            Vertrouwelijkheid::Zaak => "zaak",
            Vertrouwelijkheid::Leerplicht => "leerplicht",
        }
    }
    /// The level in Dutch, as the officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            Vertrouwelijkheid::Zaak => "Iedereen die de zaak ziet",
            Vertrouwelijkheid::Leerplicht => "Alleen leerplicht",
        }
    }
}

impl std::str::FromStr for Vertrouwelijkheid {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Vertrouwelijkheid::ALL
            .into_iter()
            .find(|v| v.code() == s.trim())
            .ok_or_else(|| "use zaak or leerplicht".to_string())
    }
}

/// What a note on a case records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotitieSoort {
    /// The report of a talk (*gespreksverslag*), with the day it took place.
    Gesprek,
    /// Any other note.
    Notitie,
}

impl NotitieSoort {
    pub const ALL: [NotitieSoort; 2] = [NotitieSoort::Gesprek, NotitieSoort::Notitie];
    /// The code as stored and in the API.
    pub fn code(self) -> &'static str {
        match self {
            NotitieSoort::Gesprek => "gesprek",
            NotitieSoort::Notitie => "notitie",
        }
    }
    /// The kind in Dutch.
    pub fn label(self) -> &'static str {
        match self {
            NotitieSoort::Gesprek => "Gespreksverslag",
            NotitieSoort::Notitie => "Notitie",
        }
    }
}

impl std::str::FromStr for NotitieSoort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        NotitieSoort::ALL
            .into_iter()
            .find(|v| v.code() == s.trim())
            .ok_or_else(|| "use gesprek or notitie".to_string())
    }
}

/// The article of the Leerplichtwet 1969 an official report (*proces-verbaal*) is drawn up
/// under (docs/domain.md §13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PvArtikel {
    /// Art. 2: the parents, who must see to it that their child attends school.
    Art2,
    /// Art. 4: the young person from 12, who must attend school.
    Art4,
}

impl PvArtikel {
    pub const ALL: [PvArtikel; 2] = [PvArtikel::Art2, PvArtikel::Art4];
    pub fn code(self) -> &'static str {
        match self {
            PvArtikel::Art2 => "art2",
            PvArtikel::Art4 => "art4",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PvArtikel::Art2 => "art. 2 Leerplichtwet (de ouders)",
            PvArtikel::Art4 => "art. 4 Leerplichtwet (de jongere)",
        }
    }
}

impl std::str::FromStr for PvArtikel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PvArtikel::ALL
            .into_iter()
            .find(|a| a.code() == s.trim())
            .ok_or_else(|| "use art2 (the parents) or art4 (the young person)".into())
    }
}

/// The Public Prosecutor's decision on an official report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OmBeslissing {
    /// Dismissed (*sepot*).
    Sepot,
    /// A punishment order of the prosecutor (*OM-strafbeschikking*).
    Strafbeschikking,
    /// Brought before the court (*dagvaarding*); the sanction is the court's.
    Dagvaarding,
}

impl OmBeslissing {
    pub const ALL: [OmBeslissing; 3] = [
        OmBeslissing::Sepot,
        OmBeslissing::Strafbeschikking,
        OmBeslissing::Dagvaarding,
    ];
    pub fn code(self) -> &'static str {
        match self {
            OmBeslissing::Sepot => "sepot",
            OmBeslissing::Strafbeschikking => "strafbeschikking",
            OmBeslissing::Dagvaarding => "dagvaarding",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            OmBeslissing::Sepot => "Sepot",
            OmBeslissing::Strafbeschikking => "Strafbeschikking",
            OmBeslissing::Dagvaarding => "Dagvaarding",
        }
    }
}

impl std::str::FromStr for OmBeslissing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        OmBeslissing::ALL
            .into_iter()
            .find(|a| a.code() == s.trim())
            .ok_or_else(|| "use sepot, strafbeschikking or dagvaarding".into())
    }
}

/// How the RMC tried to reach a young person (docs/domain.md §13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contactwijze {
    Brief,
    Telefoon,
    Email,
    Huisbezoek,
    Gesprek,
}

impl Contactwijze {
    pub const ALL: [Contactwijze; 5] = [
        Contactwijze::Brief,
        Contactwijze::Telefoon,
        Contactwijze::Email,
        Contactwijze::Huisbezoek,
        Contactwijze::Gesprek,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Contactwijze::Brief => "brief",
            Contactwijze::Telefoon => "telefoon",
            Contactwijze::Email => "email",
            Contactwijze::Huisbezoek => "huisbezoek",
            Contactwijze::Gesprek => "gesprek",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Contactwijze::Brief => "Brief",
            Contactwijze::Telefoon => "Telefoon",
            Contactwijze::Email => "E-mail",
            Contactwijze::Huisbezoek => "Huisbezoek",
            Contactwijze::Gesprek => "Gesprek",
        }
    }
}

impl std::str::FromStr for Contactwijze {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Contactwijze::ALL
            .into_iter()
            .find(|a| a.code() == s.trim())
            .ok_or_else(|| "use brief, telefoon, email, huisbezoek or gesprek".into())
    }
}

/// The youngest age for a HALT referral (docs/domain.md §13).
pub const HALT_VANAF_JAAR: u32 = 12;
/// Weeks after a HALT referral or an official report that the worklist reminds of its pending
/// outcome.
pub const UITKOMST_WEKEN: i64 = 8;

/// One change to a case. Dates are the days things happened; the moment of recording is kept
/// beside the event by the store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "soort", rename_all = "snake_case")]
pub enum Gebeurtenis {
    Geopend {
        zaak: ZaakSoort,
        /// The leerplicht organisation that holds the case.
        organisatie: String,
        datum: NaiveDate,
    },
    MeldingToegevoegd {
        melding: i64,
        datum: NaiveDate,
    },
    Plan {
        onderwijs: bool,
        zorg: bool,
        jeugdhulp: bool,
        omschrijving: String,
        datum: NaiveDate,
    },
    Partner {
        organisatie: String,
        /// The person at the partner, if named.
        contact: Option<String>,
        datum: NaiveDate,
    },
    /// A partner leaves the case: from `datum` on it no longer sees the case.
    PartnerVerwijderd {
        organisatie: String,
        datum: NaiveDate,
    },
    Overleg {
        team: Team,
        datum: NaiveDate,
        besluiten: String,
        vervolg: String,
    },
    Ouders {
        datum: NaiveDate,
        hoe: String,
    },
    Aanbod {
        nummer: u32,
        aanbod: AanbodType,
        aanbieder: String,
        aangeboden: NaiveDate,
        gestart: Option<NaiveDate>,
    },
    AanbodGestart {
        nummer: u32,
        gestart: NaiveDate,
    },
    Vrijstelling {
        artikel: Artikel,
        reden: String,
        /// The reason given is that no suitable offer exists: the pact wants never to see this.
        geen_passend_aanbod: bool,
        /// The day of the decision and the first day exempted. A 5-sub-a exemption is renewed
        /// by recording it again, from the renewal, on a fresh statement.
        van: NaiveDate,
        tot: Option<NaiveDate>,
        /// The statement (required for 5 sub a, at most three months old at `van`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        verklaring: Option<Verklaring>,
    },
    Escalatie {
        niveau: Niveau,
        datum: NaiveDate,
        geinformeerd: Vec<String>,
    },
    /// The case moves to the leerplicht organisation of the young person's new gemeente
    /// (docs/domain.md §13): its history, clock and level go with it; `van` reads it until
    /// `lezen_tot`.
    Overgedragen {
        van: String,
        naar: String,
        datum: NaiveDate,
        lezen_tot: NaiveDate,
    },
    /// A referral to HALT (for a young person from 12), on an absence case.
    Halt {
        datum: NaiveDate,
    },
    /// The outcome of the pending HALT referral: completed or not.
    HaltUitkomst {
        datum: NaiveDate,
        afgerond: bool,
    },
    /// An official report to the Public Prosecutor, on an absence case.
    ProcesVerbaal {
        datum: NaiveDate,
        artikel: PvArtikel,
    },
    /// An attempt to reach the young person of an RMC case, and whether it reached them.
    Contactpoging {
        datum: NaiveDate,
        wijze: Contactwijze,
        bereikt: bool,
    },
    /// The Public Prosecutor's decision on the pending report, with the sanction in words.
    OmUitspraak {
        datum: NaiveDate,
        beslissing: OmBeslissing,
        #[serde(default)]
        sanctie: String,
    },
    Gesloten {
        datum: NaiveDate,
        /// Why the case closed; events stored before reasons were kept have none (their
        /// `uitkomst` may hold a reason's code).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reden: Option<Sluitreden>,
        /// The explanation, in the officer's words (required with `overig`).
        #[serde(default)]
        uitkomst: String,
    },
}

impl Gebeurtenis {
    /// The day the event happened.
    pub fn datum(&self) -> NaiveDate {
        match self {
            Gebeurtenis::Geopend { datum, .. }
            | Gebeurtenis::MeldingToegevoegd { datum, .. }
            | Gebeurtenis::Plan { datum, .. }
            | Gebeurtenis::Partner { datum, .. }
            | Gebeurtenis::PartnerVerwijderd { datum, .. }
            | Gebeurtenis::Overleg { datum, .. }
            | Gebeurtenis::Ouders { datum, .. }
            | Gebeurtenis::Escalatie { datum, .. }
            | Gebeurtenis::Overgedragen { datum, .. }
            | Gebeurtenis::Halt { datum }
            | Gebeurtenis::HaltUitkomst { datum, .. }
            | Gebeurtenis::ProcesVerbaal { datum, .. }
            | Gebeurtenis::OmUitspraak { datum, .. }
            | Gebeurtenis::Contactpoging { datum, .. }
            | Gebeurtenis::Gesloten { datum, .. } => *datum,
            Gebeurtenis::Aanbod { aangeboden, .. } => *aangeboden,
            Gebeurtenis::AanbodGestart { gestart, .. } => *gestart,
            Gebeurtenis::Vrijstelling { van, .. } => *van,
        }
    }

    /// One line in Dutch for a person's story.
    pub fn omschrijving(&self) -> String {
        match self {
            Gebeurtenis::Geopend {
                zaak, organisatie, ..
            } => {
                format!("zaak {} geopend bij {organisatie}", zaak.code())
            }
            Gebeurtenis::MeldingToegevoegd { melding, .. } => {
                format!("melding {melding} toegevoegd")
            }
            Gebeurtenis::Plan {
                onderwijs,
                zorg,
                jeugdhulp,
                omschrijving,
                ..
            } => {
                let delen: Vec<&str> = [
                    (*onderwijs, "onderwijs"),
                    (*zorg, "zorg"),
                    (*jeugdhulp, "jeugdhulp"),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, w)| *w)
                .collect();
                format!("plan ({}): {omschrijving}", delen.join(", "))
            }
            Gebeurtenis::Partner {
                organisatie,
                contact,
                ..
            } => match contact {
                Some(c) => format!("partner {organisatie} ({c})"),
                None => format!("partner {organisatie}"),
            },
            Gebeurtenis::PartnerVerwijderd { organisatie, .. } => {
                format!("partner {organisatie} verwijderd")
            }
            Gebeurtenis::Overleg {
                team,
                besluiten,
                vervolg,
                ..
            } => {
                let team = match team {
                    Team::Kernteam => "kernteam",
                    Team::Jeugdteam => "jeugdteam",
                };
                format!("overleg {team}: {besluiten}; vervolg: {vervolg}")
            }
            Gebeurtenis::Ouders { hoe, .. } => format!("ouders betrokken: {hoe}"),
            Gebeurtenis::Aanbod {
                nummer, aanbieder, ..
            } => {
                format!("aanbod {nummer} gedaan door {aanbieder}")
            }
            Gebeurtenis::AanbodGestart { nummer, .. } => format!("aanbod {nummer} gestart"),
            Gebeurtenis::Vrijstelling {
                reden,
                geen_passend_aanbod,
                ..
            } => {
                let vlag = if *geen_passend_aanbod {
                    " [GEMARKEERD: geen passend aanbod]"
                } else {
                    ""
                };
                format!("vrijstelling: {reden}{vlag}")
            }
            Gebeurtenis::Escalatie {
                niveau,
                geinformeerd,
                ..
            } => {
                format!("escalatie {}: {}", niveau.code(), geinformeerd.join(", "))
            }
            Gebeurtenis::Overgedragen { van, naar, .. } => {
                format!("overgedragen van {van} aan {naar}")
            }
            Gebeurtenis::Halt { .. } => "verwezen naar HALT".into(),
            Gebeurtenis::HaltUitkomst { afgerond, .. } => {
                if *afgerond {
                    "HALT-afdoening afgerond".into()
                } else {
                    "HALT-afdoening niet afgerond".into()
                }
            }
            Gebeurtenis::ProcesVerbaal { artikel, .. } => {
                format!("proces-verbaal ({})", artikel.label())
            }
            Gebeurtenis::OmUitspraak {
                beslissing,
                sanctie,
                ..
            } => match sanctie.trim() {
                "" => format!("beslissing OM: {}", beslissing.label()),
                s => format!("beslissing OM: {} ({s})", beslissing.label()),
            },
            Gebeurtenis::Contactpoging { wijze, bereikt, .. } => format!(
                "contactpoging ({}): {}",
                wijze.label().to_lowercase(),
                if *bereikt { "bereikt" } else { "niet bereikt" }
            ),
            Gebeurtenis::Gesloten {
                reden, uitkomst, ..
            } => match (reden, uitkomst.trim()) {
                (Some(r), "") => format!("zaak gesloten: {}", r.label()),
                (Some(r), u) => format!("zaak gesloten: {} ({u})", r.label()),
                (None, u) => format!("zaak gesloten: {u}"),
            },
        }
    }
}

/// An offer as the case knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Aanbod {
    pub nummer: u32,
    pub aanbod: AanbodType,
    pub aanbieder: String,
    pub aangeboden: NaiveDate,
    pub gestart: Option<NaiveDate>,
}

/// An exemption as the case knows it; `gemarkeerd` when given because no offer exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Vrijstelling {
    pub artikel: Artikel,
    pub reden: String,
    pub gemarkeerd: bool,
    pub van: NaiveDate,
    pub tot: Option<NaiveDate>,
    pub verklaring: Option<Verklaring>,
}

impl Vrijstelling {
    /// When a yearly exemption (5 sub a) without an end is due for renewal: one year after
    /// its start (a renewal is recorded as the exemption again, from the renewal date).
    pub fn verlengen_op(&self) -> Option<NaiveDate> {
        if !self.artikel.jaarlijks() || self.tot.is_some() {
            return None;
        }
        self.van.checked_add_months(chrono::Months::new(12))
    }
}

impl ZaakStaat {
    /// The yearly exemptions due for renewal: per article, the last one recorded without an
    /// end, with the day its renewal falls due.
    pub fn te_verlengen(&self) -> Vec<(&Vrijstelling, NaiveDate)> {
        let mut laatste: Vec<&Vrijstelling> = Vec::new();
        for v in &self.vrijstellingen {
            match laatste.iter_mut().find(|l| l.artikel == v.artikel) {
                Some(l) if l.van <= v.van => *l = v,
                Some(_) => {}
                None => laatste.push(v),
            }
        }
        laatste
            .into_iter()
            .filter_map(|v| v.verlengen_op().map(|d| (v, d)))
            .collect()
    }
}

/// The state of a case: the fold of its events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ZaakStaat {
    pub soort: Option<ZaakSoort>,
    pub organisatie: Option<String>,
    pub geopend: Option<NaiveDate>,
    pub meldingen: Vec<i64>,
    /// The current plan: education, care, youth help, and what it says.
    pub plan: Option<(bool, bool, bool, String)>,
    pub partners: Vec<(String, Option<String>)>,
    pub overleggen: Vec<(Team, NaiveDate, String, String)>,
    pub ouders: Vec<(NaiveDate, String)>,
    pub aanbod: Vec<Aanbod>,
    pub vrijstellingen: Vec<Vrijstelling>,
    /// The highest level reached, and each escalation with who was informed.
    pub niveau: Option<Niveau>,
    pub escalaties: Vec<(Niveau, NaiveDate, Vec<String>)>,
    pub gesloten: Option<(NaiveDate, String)>,
    /// Why the case closed: the event's reason, or for an event stored before reasons were
    /// kept, its outcome when that is a reason's code.
    pub sluitreden: Option<Sluitreden>,
    /// HALT referrals: the day, and the outcome (its day, completed) once known.
    pub halt: Vec<(NaiveDate, Option<(NaiveDate, bool)>)>,
    /// Official reports: the day, the article, and the prosecutor's decision once known.
    pub processen_verbaal: Vec<Proces>,
    /// The RMC's attempts to reach the young person: day, how, reached.
    pub contactpogingen: Vec<(NaiveDate, Contactwijze, bool)>,
}

/// An official report as the case knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proces {
    pub datum: NaiveDate,
    pub artikel: PvArtikel,
    /// The decision: its day, what, and the sanction in words.
    pub uitspraak: Option<(NaiveDate, OmBeslissing, String)>,
}

impl ZaakStaat {
    /// The enforcement steps still waiting for their outcome: what, and since when.
    pub fn uitkomst_open(&self) -> Vec<(&'static str, NaiveDate)> {
        let halt = self
            .halt
            .iter()
            .filter(|(_, u)| u.is_none())
            .map(|(d, _)| ("HALT-verwijzing", *d));
        let pv = self
            .processen_verbaal
            .iter()
            .filter(|p| p.uitspraak.is_none())
            .map(|p| ("proces-verbaal", p.datum));
        halt.chain(pv).collect()
    }
}

impl ZaakStaat {
    /// Applies one event. Events that make no sense in the state (an offer started that was
    /// never made) are refused by [`ZaakStaat::check`] before they are stored.
    pub fn apply(&mut self, e: &Gebeurtenis) {
        match e {
            Gebeurtenis::Geopend {
                zaak,
                organisatie,
                datum,
            } => {
                self.soort = Some(*zaak);
                self.organisatie = Some(organisatie.clone());
                self.geopend = Some(*datum);
            }
            Gebeurtenis::MeldingToegevoegd { melding, .. } => self.meldingen.push(*melding),
            Gebeurtenis::Plan {
                onderwijs,
                zorg,
                jeugdhulp,
                omschrijving,
                ..
            } => self.plan = Some((*onderwijs, *zorg, *jeugdhulp, omschrijving.clone())),
            Gebeurtenis::Partner {
                organisatie,
                contact,
                ..
            } => {
                if !self
                    .partners
                    .iter()
                    .any(|(o, c)| o == organisatie && c == contact)
                {
                    self.partners.push((organisatie.clone(), contact.clone()));
                }
            }
            Gebeurtenis::PartnerVerwijderd { organisatie, .. } => {
                self.partners.retain(|(o, _)| o != organisatie)
            }
            Gebeurtenis::Overleg {
                team,
                datum,
                besluiten,
                vervolg,
            } => self
                .overleggen
                .push((*team, *datum, besluiten.clone(), vervolg.clone())),
            Gebeurtenis::Ouders { datum, hoe } => self.ouders.push((*datum, hoe.clone())),
            Gebeurtenis::Aanbod {
                nummer,
                aanbod,
                aanbieder,
                aangeboden,
                gestart,
            } => self.aanbod.push(Aanbod {
                nummer: *nummer,
                aanbod: *aanbod,
                aanbieder: aanbieder.clone(),
                aangeboden: *aangeboden,
                gestart: *gestart,
            }),
            Gebeurtenis::AanbodGestart { nummer, gestart } => {
                if let Some(a) = self.aanbod.iter_mut().find(|a| a.nummer == *nummer) {
                    a.gestart = Some(*gestart);
                }
            }
            Gebeurtenis::Vrijstelling {
                artikel,
                reden,
                geen_passend_aanbod,
                van,
                tot,
                verklaring,
            } => self.vrijstellingen.push(Vrijstelling {
                artikel: *artikel,
                reden: reden.clone(),
                gemarkeerd: *geen_passend_aanbod,
                van: *van,
                tot: *tot,
                verklaring: *verklaring,
            }),
            Gebeurtenis::Escalatie {
                niveau,
                datum,
                geinformeerd,
            } => {
                self.niveau = self.niveau.max(Some(*niveau));
                self.escalaties
                    .push((*niveau, *datum, geinformeerd.clone()));
            }
            Gebeurtenis::Overgedragen { naar, .. } => self.organisatie = Some(naar.clone()),
            Gebeurtenis::Halt { datum } => self.halt.push((*datum, None)),
            Gebeurtenis::HaltUitkomst { datum, afgerond } => {
                if let Some(h) = self.halt.iter_mut().rev().find(|(_, u)| u.is_none()) {
                    h.1 = Some((*datum, *afgerond));
                }
            }
            Gebeurtenis::ProcesVerbaal { datum, artikel } => self.processen_verbaal.push(Proces {
                datum: *datum,
                artikel: *artikel,
                uitspraak: None,
            }),
            Gebeurtenis::OmUitspraak {
                datum,
                beslissing,
                sanctie,
            } => {
                if let Some(p) = self
                    .processen_verbaal
                    .iter_mut()
                    .rev()
                    .find(|p| p.uitspraak.is_none())
                {
                    p.uitspraak = Some((*datum, *beslissing, sanctie.clone()));
                }
            }
            Gebeurtenis::Contactpoging {
                datum,
                wijze,
                bereikt,
            } => self.contactpogingen.push((*datum, *wijze, *bereikt)),
            Gebeurtenis::Gesloten {
                datum,
                reden,
                uitkomst,
            } => {
                self.gesloten = Some((*datum, uitkomst.clone()));
                self.sluitreden = reden.or_else(|| uitkomst.parse().ok());
            }
        }
    }

    /// The state after these events, in order.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a Gebeurtenis>) -> Self {
        let mut s = ZaakStaat::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    /// Whether `e` may follow this state; the reason when not.
    pub fn check(&self, e: &Gebeurtenis) -> Result<(), String> {
        let open = self.geopend.is_some() && self.gesloten.is_none();
        match e {
            Gebeurtenis::Geopend { .. } if self.geopend.is_some() => {
                Err("the case is already open".into())
            }
            Gebeurtenis::Geopend { .. } => Ok(()),
            _ if !open => Err("the case is not open".into()),
            Gebeurtenis::AanbodGestart { nummer, gestart } => {
                match self.aanbod.iter().find(|a| a.nummer == *nummer) {
                    None => Err(format!("there is no offer {nummer}")),
                    Some(a) if *gestart < a.aangeboden => Err(format!(
                        "an offer starts on or after it was made ({})",
                        a.aangeboden
                    )),
                    Some(_) => Ok(()),
                }
            }
            Gebeurtenis::Aanbod {
                aangeboden,
                gestart: Some(g),
                ..
            } if g < aangeboden => Err(format!(
                "an offer starts on or after it was made ({aangeboden})"
            )),
            Gebeurtenis::Vrijstelling {
                van, tot: Some(t), ..
            } if t < van => Err("the exemption ends before it starts".into()),
            Gebeurtenis::PartnerVerwijderd { organisatie, .. }
                if !self.partners.iter().any(|(o, _)| o == organisatie) =>
            {
                Err(format!("{organisatie} is not a partner of the case"))
            }
            Gebeurtenis::Vrijstelling {
                artikel: Artikel::Art5SubA,
                verklaring: None,
                ..
            } => Err(
                "5 sub a needs the statement of a doctor, psychologist or pedagogue: its date and author"
                    .into(),
            ),
            Gebeurtenis::Vrijstelling {
                artikel: Artikel::Art5SubA,
                van,
                verklaring: Some(v),
                ..
            } if v.datum > *van => Err(format!(
                "the statement ({}) is dated after the decision ({van})",
                v.datum
            )),
            Gebeurtenis::Vrijstelling {
                artikel: Artikel::Art5SubA,
                van,
                verklaring: Some(v),
                ..
            } if v
                .datum
                .checked_add_months(chrono::Months::new(VERKLARING_MAANDEN))
                .is_some_and(|grens| grens < *van) =>
            {
                Err(format!(
                    "the statement ({}) is older than {VERKLARING_MAANDEN} months at the decision ({van})",
                    v.datum
                ))
            }
            Gebeurtenis::Overgedragen { van, naar, .. }
                if self.organisatie.as_deref() != Some(van.as_str()) || van == naar =>
            {
                Err(format!("the case is not {van}'s to hand over to {naar}"))
            }
            Gebeurtenis::Halt { .. } | Gebeurtenis::ProcesVerbaal { .. }
                if self.soort != Some(ZaakSoort::Verzuim) =>
            {
                Err("enforcement is recorded on an absence case".into())
            }
            Gebeurtenis::Halt { .. } if self.halt.iter().any(|(_, u)| u.is_none()) => {
                Err("a HALT referral is waiting for its outcome".into())
            }
            Gebeurtenis::HaltUitkomst { datum, .. } => {
                match self.halt.iter().rev().find(|(_, u)| u.is_none()) {
                    None => Err("there is no HALT referral waiting for its outcome".into()),
                    Some((d, _)) if datum < d => {
                        Err(format!("the outcome comes on or after the referral ({d})"))
                    }
                    Some(_) => Ok(()),
                }
            }
            Gebeurtenis::OmUitspraak { datum, .. } => match self
                .processen_verbaal
                .iter()
                .rev()
                .find(|p| p.uitspraak.is_none())
            {
                None => Err("there is no official report waiting for a decision".into()),
                Some(p) if *datum < p.datum => Err(format!(
                    "the decision comes on or after the report ({})",
                    p.datum
                )),
                Some(_) => Ok(()),
            },
            Gebeurtenis::Contactpoging { .. } if self.soort != Some(ZaakSoort::Rmc) => {
                Err("contact attempts are recorded on an RMC case".into())
            }
            Gebeurtenis::Contactpoging { datum, .. } if self.geopend.is_some_and(|g| *datum < g) => {
                Err(format!(
                    "a contact attempt comes on or after the day the case was opened ({})",
                    self.geopend.expect("checked")
                ))
            }
            Gebeurtenis::Escalatie { .. } if self.soort == Some(ZaakSoort::Rmc) => {
                Err("an RMC case has no escalation ladder".into())
            }
            Gebeurtenis::Escalatie { niveau, .. } if self.niveau.is_some_and(|n| n >= *niveau) => {
                Err(format!("the case is already at {}", niveau.code()))
            }
            Gebeurtenis::Gesloten { reden: None, .. } => {
                Err("a case is closed with a reason".into())
            }
            Gebeurtenis::Gesloten {
                reden: Some(Sluitreden::Overig),
                uitkomst,
                ..
            } if uitkomst.trim().is_empty() => Err("the reason overig needs an explanation".into()),
            Gebeurtenis::Gesloten {
                reden: Some(r), ..
            } if self.soort.is_some_and(|s| !s.sluitredenen().contains(r)) => Err(format!(
                "a case of kind {} does not close with {}",
                self.soort.expect("checked").code(),
                r.code()
            )),
            Gebeurtenis::Gesloten {
                reden: Some(Sluitreden::NietBereikbaar),
                ..
            } if self.contactpogingen.is_empty() => Err(
                "not reachable is an outcome after contact attempts: record them first".into(),
            ),
            Gebeurtenis::Gesloten { datum, .. } if self.geopend.is_some_and(|g| *datum < g) => {
                Err(format!(
                    "a case closes on or after the day it was opened ({})",
                    self.geopend.expect("checked")
                ))
            }
            _ => Ok(()),
        }
    }

    /// The next offer number.
    pub fn volgend_aanbod(&self) -> u32 {
        self.aanbod.iter().map(|a| a.nummer).max().unwrap_or(0) + 1
    }

    /// The day the first offer was made, if any: what stops the three-month clock.
    pub fn eerste_aanbod(&self) -> Option<NaiveDate> {
        self.aanbod.iter().map(|a| a.aangeboden).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testsupport::d;

    /// Enforcement on an absence case: one HALT referral at a time, an outcome only for a
    /// pending one and not before it, the prosecutor's decision likewise; never on another
    /// kind of case.
    #[test]
    fn enforcement_waits_for_its_outcomes() {
        let geopend = |zaak| Gebeurtenis::Geopend {
            zaak,
            organisatie: "RBL".into(),
            datum: d("2025-09-01"),
        };
        let thuis = ZaakStaat::fold(&[geopend(ZaakSoort::Thuiszitter)]);
        let halt = Gebeurtenis::Halt {
            datum: d("2025-10-01"),
        };
        assert!(thuis.check(&halt).is_err(), "only on an absence case");
        let mut s = ZaakStaat::fold(&[geopend(ZaakSoort::Verzuim)]);
        let uitkomst = |datum: &str| Gebeurtenis::HaltUitkomst {
            datum: d(datum),
            afgerond: false,
        };
        assert!(s.check(&uitkomst("2025-10-02")).is_err(), "nothing pending");
        s.check(&halt).unwrap();
        s.apply(&halt);
        assert!(s.check(&halt).is_err(), "one referral at a time");
        assert!(s.check(&uitkomst("2025-09-30")).is_err(), "not before it");
        assert_eq!(s.uitkomst_open(), [("HALT-verwijzing", d("2025-10-01"))]);
        s.apply(&uitkomst("2025-11-20"));
        assert_eq!(s.halt, [(d("2025-10-01"), Some((d("2025-11-20"), false)))]);
        let pv = Gebeurtenis::ProcesVerbaal {
            datum: d("2025-12-01"),
            artikel: PvArtikel::Art2,
        };
        s.check(&pv).unwrap();
        s.apply(&pv);
        let om = Gebeurtenis::OmUitspraak {
            datum: d("2026-02-01"),
            beslissing: OmBeslissing::Strafbeschikking,
            sanctie: "boete € 150".into(),
        };
        s.check(&om).unwrap();
        s.apply(&om);
        assert!(s.uitkomst_open().is_empty());
        assert!(s.check(&om).is_err(), "no report waits any more");
        let json = serde_json::to_string(&om).unwrap();
        assert!(json.contains("\"soort\":\"om_uitspraak\""), "{json}");
    }

    fn story() -> Vec<Gebeurtenis> {
        vec![
            Gebeurtenis::Geopend {
                zaak: ZaakSoort::Thuiszitter,
                organisatie: "RBL-ZKIJ".into(),
                datum: d("2025-09-15"),
            },
            Gebeurtenis::Partner {
                organisatie: "CJG-HLM".into(),
                contact: Some("J. de Boer".into()),
                datum: d("2025-09-16"),
            },
            Gebeurtenis::Aanbod {
                nummer: 1,
                aanbod: AanbodType::OnderwijsZorgarrangement,
                aanbieder: "De Ark".into(),
                aangeboden: d("2025-11-01"),
                gestart: None,
            },
            Gebeurtenis::AanbodGestart {
                nummer: 1,
                gestart: d("2025-11-17"),
            },
            Gebeurtenis::Gesloten {
                datum: d("2026-01-31"),
                reden: Some(Sluitreden::AanbodGestart),
                uitkomst: "start bij De Ark".into(),
            },
        ]
    }

    #[test]
    fn the_state_is_the_fold_of_the_events_so_far() {
        let events = story();
        let before_start = ZaakStaat::fold(&events[..3]);
        assert_eq!(before_start.aanbod[0].gestart, None);
        let all = ZaakStaat::fold(&events);
        assert_eq!(all.aanbod[0].gestart, Some(d("2025-11-17")));
        assert_eq!(all.eerste_aanbod(), Some(d("2025-11-01")));
        assert_eq!(all.gesloten.as_ref().map(|g| g.0), Some(d("2026-01-31")));
        assert_eq!(
            all.partners,
            [("CJG-HLM".to_string(), Some("J. de Boer".to_string()))]
        );
    }

    #[test]
    fn a_removed_partner_leaves_the_state_and_cannot_be_removed_twice() {
        let events = story();
        let mut staat = ZaakStaat::fold(&events[..2]);
        let weg = Gebeurtenis::PartnerVerwijderd {
            organisatie: "CJG-HLM".into(),
            datum: d("2025-10-01"),
        };
        assert_eq!(staat.check(&weg), Ok(()));
        staat.apply(&weg);
        assert!(staat.partners.is_empty());
        assert_eq!(
            staat.check(&weg),
            Err("CJG-HLM is not a partner of the case".into())
        );
        assert_eq!(weg.omschrijving(), "partner CJG-HLM verwijderd");
    }

    #[test]
    fn events_that_do_not_fit_are_refused() {
        let events = story();
        let open = ZaakStaat::fold(&events[..2]);
        assert!(open
            .check(&Gebeurtenis::AanbodGestart {
                nummer: 1,
                gestart: d("2025-11-17")
            })
            .is_err());
        let closed = ZaakStaat::fold(&events);
        assert!(closed
            .check(&Gebeurtenis::Ouders {
                datum: d("2026-02-01"),
                hoe: "gesprek".into()
            })
            .unwrap_err()
            .contains("not open"));
        let mut s = ZaakStaat::fold(&events[..1]);
        let up = Gebeurtenis::Escalatie {
            niveau: Niveau::Management,
            datum: d("2025-12-15"),
            geinformeerd: vec!["teamleider leerplicht".into()],
        };
        assert!(s.check(&up).is_ok());
        s.apply(&up);
        assert!(s.check(&up).is_err(), "a level is reached once");
    }

    fn vrijstelling(
        artikel: Artikel,
        van: &str,
        verklaring: Option<(&str, Deskundige)>,
    ) -> Gebeurtenis {
        Gebeurtenis::Vrijstelling {
            artikel,
            reden: "psychisch ongeschikt".into(),
            geen_passend_aanbod: false,
            van: d(van),
            tot: None,
            verklaring: verklaring.map(|(datum, door)| Verklaring {
                datum: d(datum),
                door,
            }),
        }
    }

    #[test]
    fn exemption_codes_say_what_they_are_and_the_old_ones_still_read() {
        assert_eq!(Artikel::Art5SubA.code(), "art5_sub_a");
        assert_eq!(Artikel::Art5a.code(), "art5a_reizend");
        assert_eq!(Artikel::from_code("5a"), Some(Artikel::Art5SubA));
        assert_eq!(Artikel::from_code("5a_reizend"), Some(Artikel::Art5a));
        assert_eq!(Artikel::from_code("ART5A_REIZEND"), Some(Artikel::Art5a));
        assert_eq!(Artikel::from_code("art15"), Some(Artikel::Art15));
        assert_eq!(Artikel::from_code("5d"), None);
        for a in Artikel::ALL {
            assert_eq!(Artikel::from_code(a.code()), Some(a));
            assert_eq!(Artikel::from_code(a.oude_code()), Some(a));
            // Stored events of before read as the same article; new ones are written anew.
            let oud: Artikel = serde_json::from_value(serde_json::json!(a.oude_code())).unwrap();
            assert_eq!(oud, a);
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::json!(a.code())
            );
        }
        // An offer's code is its serde name, for every kind.
        for a in AanbodType::ALL {
            assert_eq!(
                serde_json::to_value(a).unwrap(),
                serde_json::json!(a.code())
            );
        }
        let stored = r#"{"soort":"vrijstelling","artikel":"5a_reizend","reden":"kermis","geen_passend_aanbod":false,"van":"2025-01-06","tot":null}"#;
        match serde_json::from_str::<Gebeurtenis>(stored).unwrap() {
            Gebeurtenis::Vrijstelling {
                artikel,
                verklaring,
                ..
            } => {
                assert_eq!((artikel, verklaring), (Artikel::Art5a, None));
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn five_sub_a_needs_a_recent_statement() {
        let open = ZaakStaat::fold(&[Gebeurtenis::Geopend {
            zaak: ZaakSoort::Vrijstelling,
            organisatie: "RBL-ZKIJ".into(),
            datum: d("2025-09-01"),
        }]);
        assert!(open
            .check(&vrijstelling(Artikel::Art5SubA, "2025-09-01", None))
            .unwrap_err()
            .contains("statement"));
        // Three months to the day is still in time; one day more is too old.
        assert!(open
            .check(&vrijstelling(
                Artikel::Art5SubA,
                "2025-09-01",
                Some(("2025-06-01", Deskundige::Psycholoog))
            ))
            .is_ok());
        assert!(open
            .check(&vrijstelling(
                Artikel::Art5SubA,
                "2025-09-02",
                Some(("2025-06-01", Deskundige::Arts))
            ))
            .unwrap_err()
            .contains("older than 3 months"));
        assert!(open
            .check(&vrijstelling(
                Artikel::Art5SubA,
                "2025-09-01",
                Some(("2025-09-02", Deskundige::Pedagoog))
            ))
            .unwrap_err()
            .contains("after the decision"));
        // Other articles need no statement.
        assert!(open
            .check(&vrijstelling(Artikel::Art5SubC, "2025-09-01", None))
            .is_ok());
    }

    #[test]
    fn a_yearly_exemption_without_an_end_is_due_a_year_after_its_last_renewal() {
        let mut s = ZaakStaat::fold(&[
            Gebeurtenis::Geopend {
                zaak: ZaakSoort::Vrijstelling,
                organisatie: "RBL-ZKIJ".into(),
                datum: d("2024-09-01"),
            },
            vrijstelling(
                Artikel::Art5SubA,
                "2024-09-01",
                Some(("2024-08-15", Deskundige::Arts)),
            ),
            vrijstelling(Artikel::Art5SubC, "2024-09-01", None),
        ]);
        let due: Vec<_> = s
            .te_verlengen()
            .iter()
            .map(|(v, d)| (v.artikel, *d))
            .collect();
        assert_eq!(due, [(Artikel::Art5SubA, d("2025-09-01"))]);
        s.apply(&vrijstelling(
            Artikel::Art5SubA,
            "2025-08-25",
            Some(("2025-08-01", Deskundige::Arts)),
        ));
        let due: Vec<_> = s
            .te_verlengen()
            .iter()
            .map(|(v, d)| (v.artikel, *d))
            .collect();
        assert_eq!(due, [(Artikel::Art5SubA, d("2026-08-25"))]);
        // Renewed with an end: nothing is due any more.
        let mut met_einde = vrijstelling(
            Artikel::Art5SubA,
            "2026-08-20",
            Some(("2026-08-01", Deskundige::Arts)),
        );
        if let Gebeurtenis::Vrijstelling { tot, .. } = &mut met_einde {
            *tot = Some(d("2027-07-31"));
        }
        s.apply(&met_einde);
        assert!(s.te_verlengen().is_empty());
    }

    #[test]
    fn closing_needs_a_reason_and_keeps_the_history() {
        let events = story();
        let open = ZaakStaat::fold(&events[..4]);
        let sluit = |reden, uitkomst: &str, datum| Gebeurtenis::Gesloten {
            datum: d(datum),
            reden,
            uitkomst: uitkomst.into(),
        };
        assert!(open
            .check(&sluit(None, "klaar", "2026-01-31"))
            .unwrap_err()
            .contains("reason"));
        assert!(open
            .check(&sluit(Some(Sluitreden::Overig), " ", "2026-01-31"))
            .unwrap_err()
            .contains("explanation"));
        assert!(open
            .check(&sluit(
                Some(Sluitreden::Overig),
                "naar familie in Belgie",
                "2026-01-31"
            ))
            .is_ok());
        assert!(open
            .check(&sluit(Some(Sluitreden::Verhuisd), "", "2025-09-14"))
            .unwrap_err()
            .contains("2025-09-15"));
        let closed = ZaakStaat::fold(&events);
        assert_eq!(closed.sluitreden, Some(Sluitreden::AanbodGestart));
        // Closing adds; what was recorded before stays in the state.
        assert_eq!(closed.aanbod, open.aanbod);
        assert_eq!(closed.partners, open.partners);
        assert_eq!(
            events[4].omschrijving(),
            "zaak gesloten: Aanbod gestart (start bij De Ark)"
        );
        assert!(closed
            .check(&sluit(Some(Sluitreden::Overig), "nog eens", "2026-02-01"))
            .unwrap_err()
            .contains("not open"));
    }

    #[test]
    fn a_closing_stored_without_a_reason_still_reads() {
        // As stored before closings had a reason: the outcome may be a reason's code.
        let oud: Gebeurtenis = serde_json::from_str(
            r#"{"soort":"gesloten","datum":"2026-01-31","uitkomst":"terug_naar_school"}"#,
        )
        .unwrap();
        assert_eq!(
            oud,
            Gebeurtenis::Gesloten {
                datum: d("2026-01-31"),
                reden: None,
                uitkomst: "terug_naar_school".into(),
            }
        );
        let mut s = ZaakStaat::fold(&story()[..1]);
        s.apply(&oud);
        assert_eq!(s.sluitreden, Some(Sluitreden::TerugNaarSchool));
        assert_eq!(oud.omschrijving(), "zaak gesloten: terug_naar_school");
        let vrij: Gebeurtenis = serde_json::from_str(
            r#"{"soort":"gesloten","datum":"2026-01-31","uitkomst":"zomaar"}"#,
        )
        .unwrap();
        let mut s = ZaakStaat::fold(&story()[..1]);
        s.apply(&vrij);
        assert_eq!(s.sluitreden, None);
        assert_eq!(s.gesloten, Some((d("2026-01-31"), "zomaar".into())));
        for r in Sluitreden::ALL {
            assert_eq!(r.code().parse::<Sluitreden>(), Ok(r));
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::String(r.code().into())
            );
        }
    }

    #[test]
    fn events_read_back_from_their_stored_form() {
        for e in story() {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(
                serde_json::from_str::<Gebeurtenis>(&json).unwrap(),
                e,
                "{json}"
            );
        }
    }

    #[test]
    fn an_rmc_case_records_contact_attempts_and_closes_with_an_rmc_outcome() {
        let open = |zaak| Gebeurtenis::Geopend {
            zaak,
            organisatie: "RBL".into(),
            datum: d("2025-01-06"),
        };
        let poging = Gebeurtenis::Contactpoging {
            datum: d("2025-01-08"),
            wijze: Contactwijze::Telefoon,
            bereikt: false,
        };
        let sluit = |r| Gebeurtenis::Gesloten {
            datum: d("2025-02-01"),
            reden: Some(r),
            uitkomst: String::new(),
        };
        let verzuim = ZaakStaat::fold(&[open(ZaakSoort::Verzuim)]);
        assert!(verzuim.check(&poging).is_err());
        assert!(verzuim.check(&sluit(Sluitreden::Werk)).is_err());
        let mut rmc = ZaakStaat::fold(&[open(ZaakSoort::Rmc)]);
        assert!(rmc.check(&sluit(Sluitreden::AanbodGestart)).is_err());
        // Not reachable only after an attempt.
        assert!(rmc.check(&sluit(Sluitreden::NietBereikbaar)).is_err());
        let te_vroeg = Gebeurtenis::Contactpoging {
            datum: d("2025-01-05"),
            wijze: Contactwijze::Brief,
            bereikt: true,
        };
        assert!(rmc.check(&te_vroeg).is_err());
        rmc.check(&poging).unwrap();
        rmc.apply(&poging);
        assert_eq!(rmc.contactpogingen.len(), 1);
        rmc.check(&sluit(Sluitreden::NietBereikbaar)).unwrap();
        rmc.check(&sluit(Sluitreden::Werk)).unwrap();
        assert!(ZaakSoort::Rmc
            .sluitredenen()
            .contains(&Sluitreden::TerugNaarSchool));
        assert!(!ZaakSoort::Thuiszitter
            .sluitredenen()
            .contains(&Sluitreden::Zorg));
    }
}
