//! The officer's letters (*brieven*, docs/domain.md §13): the five kinds, their built-in Dutch
//! text, and how a template's merge fields (`{{veld}}`) are filled in. A gemeente may replace a
//! template's text with its own; the fields are the same for every template.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The kinds of letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sjabloon {
    /// An invitation to the parents and the young person for a talk about the absence.
    Uitnodiging,
    /// A formal warning to the parents.
    Waarschuwing,
    /// A summons to appear.
    Oproep,
    /// To the school: its melding came in.
    BevestigingMelding,
    /// The decision on an exemption, to the parents.
    BesluitVrijstelling,
}

impl Sjabloon {
    pub const ALL: [Sjabloon; 5] = [
        Sjabloon::Uitnodiging,
        Sjabloon::Waarschuwing,
        Sjabloon::Oproep,
        Sjabloon::BevestigingMelding,
        Sjabloon::BesluitVrijstelling,
    ];

    /// The name as stored, in the command and in a template's file name.
    pub fn code(self) -> &'static str {
        match self {
            Sjabloon::Uitnodiging => "uitnodiging",
            Sjabloon::Waarschuwing => "waarschuwing",
            Sjabloon::Oproep => "oproep",
            Sjabloon::BevestigingMelding => "bevestiging_melding",
            Sjabloon::BesluitVrijstelling => "besluit_vrijstelling",
        }
    }

    /// The kind in Dutch, as the officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            Sjabloon::Uitnodiging => "Uitnodiging verzuimgesprek",
            Sjabloon::Waarschuwing => "Waarschuwing",
            Sjabloon::Oproep => "Oproep",
            Sjabloon::BevestigingMelding => "Bevestiging melding (aan de school)",
            Sjabloon::BesluitVrijstelling => "Besluit vrijstelling",
        }
    }

    /// Whether the letter goes to the school of the case's melding rather than to the
    /// parents (one letter per address).
    pub fn aan_school(self) -> bool {
        self == Sjabloon::BevestigingMelding
    }

    /// The built-in text, used where the gemeente has no text of its own.
    pub fn standaard(self) -> &'static str {
        match self {
            Sjabloon::Uitnodiging => UITNODIGING,
            Sjabloon::Waarschuwing => WAARSCHUWING,
            Sjabloon::Oproep => OPROEP,
            Sjabloon::BevestigingMelding => BEVESTIGING_MELDING,
            Sjabloon::BesluitVrijstelling => BESLUIT_VRIJSTELLING,
        }
    }
}

impl FromStr for Sjabloon {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Sjabloon::ALL
            .into_iter()
            .find(|t| t.code() == s.trim())
            .ok_or_else(|| {
                "use uitnodiging, waarschuwing, oproep, bevestiging_melding or \
                 besluit_vrijstelling"
                    .to_string()
            })
    }
}

impl fmt::Display for Sjabloon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The merge fields every template may use, with what they hold.
pub const VELDEN: [(&str, &str); 16] = [
    (
        "aanhef",
        "de namen van de ouders of verzorgers op dit adres (bij de school: de school)",
    ),
    ("adres", "straat en huisnummer van de geadresseerde"),
    (
        "postcode_woonplaats",
        "postcode en woonplaats van de geadresseerde",
    ),
    ("jongere", "voornamen en achternaam van de jongere"),
    ("voornaam", "de eerste voornaam van de jongere"),
    ("geboortedatum", "de geboortedatum van de jongere"),
    ("school", "de school (of scholen) van de jongere"),
    ("gemeente", "de woongemeente van de jongere"),
    ("datum", "de dag van de brief"),
    ("ambtenaar", "de leerplichtambtenaar die de brief maakt"),
    ("organisatie", "de afdeling leerplicht die de zaak heeft"),
    ("zaak", "het nummer van de zaak"),
    ("zaak_geopend", "de dag waarop de zaak begon"),
    (
        "melding_datum",
        "de begindatum van de melding van de school (leeg zonder melding)",
    ),
    (
        "vrijstelling",
        "het artikel van de vrijstelling (leeg zonder vrijstelling)",
    ),
    (
        "vrijstelling_van",
        "de eerste dag van de vrijstelling (leeg zonder vrijstelling)",
    ),
];

/// The fields `tekst` uses that are not merge fields: a template with any is refused.
pub fn onbekende_velden(tekst: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = tekst;
    while let Some(i) = rest.find("{{") {
        let na = &rest[i + 2..];
        let Some(j) = na.find("}}") else {
            out.push(format!("{{{{{}", na.chars().take(20).collect::<String>()));
            break;
        };
        let naam = na[..j].trim();
        if !VELDEN.iter().any(|(v, _)| *v == naam) && !out.iter().any(|o| o == naam) {
            out.push(naam.to_string());
        }
        rest = &na[j + 2..];
    }
    out
}

/// `tekst` with every `{{veld}}` replaced by its value in `waarden` (empty when absent).
/// Check a template with [`onbekende_velden`] first.
pub fn vul(tekst: &str, waarden: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(tekst.len() + 256);
    let mut rest = tekst;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let na = &rest[i + 2..];
        match na.find("}}") {
            Some(j) => {
                if let Some(w) = waarden.get(na[..j].trim()) {
                    out.push_str(w);
                }
                rest = &na[j + 2..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

const UITNODIGING: &str = "\
Betreft: uitnodiging voor een gesprek over het verzuim van {{jongere}}

Beste {{aanhef}},

De school van {{voornaam}}, {{school}}, heeft ons laten weten dat {{voornaam}} vaak niet op school is. Volgens de Leerplichtwet bent u als ouder of verzorger ervoor verantwoordelijk dat uw kind naar school gaat.

Wij willen graag met u en {{voornaam}} praten over de reden van het verzuim en over wat er nodig is om weer regelmatig naar school te gaan. Daarom nodigen wij u en {{voornaam}} uit voor een gesprek. Wilt u binnen een week na de datum van deze brief contact met ons opnemen om een afspraak te maken?

Met vriendelijke groet,

{{ambtenaar}}
leerplichtambtenaar, {{organisatie}}

Zaaknummer {{zaak}}";

const WAARSCHUWING: &str = "\
Betreft: waarschuwing wegens verzuim van {{jongere}}, geboren {{geboortedatum}}

Beste {{aanhef}},

{{voornaam}} is ingeschreven bij {{school}} en is leerplichtig. Ondanks eerdere contacten is {{voornaam}} opnieuw zonder geldige reden van school weggebleven. Dat is in strijd met de Leerplichtwet 1969.

Met deze brief geven wij u een officiële waarschuwing. Gaat {{voornaam}} niet direct weer elke dag naar school, dan kunnen wij een proces-verbaal opmaken. De officier van justitie beslist dan over een straf.

Heeft u vragen, of is er iets aan de hand waardoor {{voornaam}} niet naar school kan, neem dan contact met ons op.

Met vriendelijke groet,

{{ambtenaar}}
leerplichtambtenaar, {{organisatie}}

Zaaknummer {{zaak}}";

const OPROEP: &str = "\
Betreft: oproep in verband met het verzuim van {{jongere}}

Beste {{aanhef}},

Wij hebben u eerder uitgenodigd voor een gesprek over het verzuim van {{voornaam}}. Wij roepen u en {{voornaam}} nu op om te verschijnen voor een gesprek met de leerplichtambtenaar. De dag en het tijdstip spreken wij telefonisch met u af; neemt u binnen drie werkdagen contact met ons op.

Verschijnt u zonder bericht niet, dan kunnen wij een proces-verbaal opmaken wegens overtreding van de Leerplichtwet 1969.

Met vriendelijke groet,

{{ambtenaar}}
leerplichtambtenaar, {{organisatie}}

Zaaknummer {{zaak}}";

const BEVESTIGING_MELDING: &str = "\
Betreft: ontvangst van uw melding over {{jongere}}

Beste {{aanhef}},

Wij hebben uw melding van verzuim over {{jongere}}, geboren {{geboortedatum}}, ontvangen. Het verzuim begon op {{melding_datum}}. De melding is in behandeling bij {{ambtenaar}}, leerplichtambtenaar van {{organisatie}}, onder zaaknummer {{zaak}}.

Wij nemen contact op met de ouders of verzorgers. Blijft het verzuim doorgaan of verandert er iets, laat het ons dan weten.

Met vriendelijke groet,

{{ambtenaar}}
leerplichtambtenaar, {{organisatie}}";

const BESLUIT_VRIJSTELLING: &str = "\
Betreft: besluit over vrijstelling van de leerplicht van {{jongere}}

Beste {{aanhef}},

U heeft gevraagd om vrijstelling van de leerplicht voor {{jongere}}, geboren {{geboortedatum}}. Wij hebben besloten deze vrijstelling te verlenen op grond van {{vrijstelling}}, met ingang van {{vrijstelling_van}}.

Bent u het niet eens met dit besluit, dan kunt u binnen zes weken na de datum van deze brief bezwaar maken bij het college van burgemeester en wethouders van de gemeente {{gemeente}}.

Met vriendelijke groet,

{{ambtenaar}}
leerplichtambtenaar, {{organisatie}}

Zaaknummer {{zaak}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_text_uses_merge_fields_only() {
        for s in Sjabloon::ALL {
            assert_eq!(onbekende_velden(s.standaard()), Vec::<String>::new(), "{s}");
            assert_eq!(s.code().parse::<Sjabloon>(), Ok(s));
        }
    }

    #[test]
    fn fields_are_filled_and_unknown_ones_named() {
        let mut w = BTreeMap::new();
        w.insert("voornaam", "Sem".to_string());
        assert_eq!(vul("Beste {{ voornaam }}, {{zaak}}.", &w), "Beste Sem, .");
        assert_eq!(vul("open {{voornaam", &w), "open {{voornaam");
        assert_eq!(
            onbekende_velden("{{voornaam}} {{bsn}} {{bsn}} {{naam"),
            ["bsn", "{{naam"]
        );
    }
}
