//! Reports in English: the labels a report is made with are Dutch ([`Weergave`]); this gives
//! the English for each of them, and numbers written the English way. The names of
//! categories, causes, areas and organisations are the domain's terms of art and stay as they
//! are, as do codes and dates.

use crate::uitvoer::{Cel, Weergave};

/// Labels of the reports, Dutch and English.
const LABELS: &[(&str, &str)] = &[
    // Titles of reports, tables and charts.
    (
        "Thuiszitters per categorie op peildata",
        "Young people out of school per category on reference dates",
    ),
    ("Per categorie", "Per category"),
    (
        "Categorieën over de peildata",
        "Categories over the reference dates",
    ),
    ("Per hoofdoorzaak", "Per main cause"),
    ("Hoofdoorzaken", "Main causes"),
    ("Unieke personen", "Unique persons"),
    ("Doelen per gebied", "Targets per area"),
    ("Aanbod binnen drie maanden", "Offer within three months"),
    ("Per maand van start", "Per month of start"),
    ("Achterstallig", "Overdue"),
    (
        "Aandeel met aanbod binnen drie maanden, per maand van start (%)",
        "Share with an offer within three months, per month of start (%)",
    ),
    ("Vrijstellingen", "Exemptions"),
    ("Per samenwerkingsverband", "Per samenwerkingsverband (SWV)"),
    // Column headers.
    ("Categorie", "Category"),
    ("Hoofdoorzaak", "Main cause"),
    ("Aantal", "Number"),
    ("Gebied", "Area"),
    ("Naam", "Name"),
    (
        "Thuiszitters (incl. absoluut verzuim)",
        "Out of school (incl. absoluut verzuim)",
    ),
    (
        "Ongeoorloofd verzuimers tot 18 jaar",
        "Unauthorised absentees under 18",
    ),
    ("Verzuimers tot 18 jaar", "Absentees under 18"),
    ("Verzuimers 18 jaar en ouder", "Absentees 18 and older"),
    ("Indicator", "Indicator"),
    ("Basis", "Baseline"),
    ("Doel", "Target"),
    ("Actueel", "Actual"),
    ("Verschil met doel", "Difference from target"),
    ("Behaald", "Met"),
    ("Kengetal", "Measure"),
    ("Waarde", "Value"),
    ("Maand", "Month"),
    ("Gestart", "Started"),
    ("Binnen termijn", "Within the term"),
    ("Binnen termijn (%)", "Within the term (%)"),
    ("Leerling", "Pupil"),
    ("Gemeente", "Gemeente (municipality)"),
    ("Begin", "Start"),
    ("Termijn", "Term ends"),
    ("Dagen te laat", "Days overdue"),
    ("Artikel", "Article"),
    (
        "Waarvan wegens geen passend aanbod",
        "Of which for lack of a suitable offer",
    ),
    ("SWV", "SWV"),
    (
        "Thuiszittend 4 weken – 3 maanden",
        "Out of school 4 weeks – 3 months",
    ),
    (
        "Thuiszittend langer dan 3 maanden",
        "Out of school longer than 3 months",
    ),
    ("Absoluut verzuim", "Absoluut verzuim (not enrolled)"),
    ("Langdurig relatief verzuim", "Long-term relatief verzuim"),
    ("Handhaving", "Enforcement"),
    (
        "Voortijdig schoolverlaters van 18 tot 23 jaar, per gemeente",
        "Early school leavers of 18 to 23, per gemeente",
    ),
    (
        "Nieuwe voortijdig schoolverlaters",
        "New early school leavers",
    ),
    ("Bereikt", "Reached"),
    ("Terug naar onderwijs", "Back in education"),
    ("Aan het werk", "At work"),
    ("In zorg", "In care"),
    ("Niet bereikbaar", "Not reachable"),
    ("HALT-verwijzingen", "HALT referrals"),
    (
        "Processen-verbaal art. 2 (ouders)",
        "Official reports art. 2 (the parents)",
    ),
    (
        "Processen-verbaal art. 4 (jongere)",
        "Official reports art. 4 (the young person)",
    ),
    // Row labels.
    ("Aanbod binnen termijn", "Offer within the term"),
    ("Aanbod na de termijn", "Offer after the term"),
    ("Achterstallig (geen aanbod)", "Overdue (no offer)"),
    ("Beëindigd zonder aanbod", "Ended without an offer"),
    ("Termijn loopt nog", "Term still running"),
    ("Aandeel binnen termijn (%)", "Share within the term (%)"),
    ("Mediaan dagen tot aanbod", "Median days to an offer"),
    ("Totaal in het schooljaar", "Total in the school year"),
    ("Bij begin schooljaar", "At the start of the school year"),
    ("Nieuw", "New"),
    ("Langer dan 3 maanden", "Longer than 3 months"),
    ("Opgelost", "Resolved"),
    ("ja", "yes"),
    ("nee", "no"),
    ("Totaal", "Total"),
    ("totaal", "total"),
    // The forecast of the targets and its backtest.
    ("Prognose", "Forecast"),
    ("Prognose laag (80%)", "Forecast low (80%)"),
    ("Prognose hoog (80%)", "Forecast high (80%)"),
    ("Kans doel gehaald (%)", "Chance of meeting the target (%)"),
    ("Samenvatting", "Summary"),
    ("Prognoses", "Forecasts"),
    ("Gemiddelde absolute fout (%)", "Mean absolute percentage error (%)"),
    (
        "Uitkomst binnen 80%-interval (%)",
        "Outcome within the 80% interval (%)",
    ),
    ("Alle", "All"),
    ("Schooljaar", "School year"),
    ("Peildatum", "Reference date"),
    ("Tot peildatum", "Up to the reference date"),
    ("Uitkomst", "Outcome"),
    ("Fout (%)", "Error (%)"),
    ("Binnen interval", "Within the interval"),
    (
        "Per schooljaar de prognose zoals die op de dag gemaakt was, naast de uitkomst van het jaar.",
        "Per school year the forecast as it was made on the day, beside the year's outcome.",
    ),
    (
        "Prognose: het aantal tot nu toe, gedeeld door het deel van hun eindtotaal dat de eerdere schooljaren op dezelfde datum hadden bereikt (het seizoenspatroon van het hele gebied).",
        "Forecast: the count so far, divided by the share of their year-end totals that the earlier school years had reached on the same date (the seasonal pattern of the whole area).",
    ),
    (
        "De band is het 80%-interval: in acht van de tien jaren valt de uitkomst erbinnen. Hij houdt rekening met toeval in de aantallen en met de verschillen tussen de eerdere jaren. De kans op het doel is de kans dat het jaar eindigt op of onder het doel.",
        "The band is the 80% interval: in eight years out of ten the outcome falls within it. It allows for chance in the counts and for the differences between the earlier years. The chance of the target is the chance that the year ends at or below the target.",
    ),
    (
        "Hoe goed dit in eerdere jaren uitkwam, toont leerrecht report prognose-toets.",
        "How well this came out in earlier years is shown by leerrecht report prognose-toets.",
    ),
    // Lines under the title.
    (
        "Voor publicatie: aantallen onder 5 zijn weergegeven als <5.",
        "For publication: counts below 5 are shown as <5.",
    ),
];

/// Labels with a value in them: a Dutch prefix and suffix around it, and the English.
const MET_WAARDE: &[(&str, &str, &str, &str)] = &[
    ("Hoofdoorzaken op ", "", "Main causes on ", ""),
    (
        "Thuiszitters en verzuimers in schooljaar ",
        "",
        "Out of school and absentees in school year ",
        "",
    ),
    (
        "Aanbod binnen drie maanden, schooljaar ",
        "",
        "Offer within three months, school year ",
        "",
    ),
    ("Stand op ", ".", "As of ", "."),
    (
        "Gevallen die in schooljaar ",
        " begonnen, elk beoordeeld op de stand van die dag.",
        "Cases that began in school year ",
        ", each judged as it stood on that day.",
    ),
    (
        "Leerplichttelling ",
        "",
        "Leerplichttelling (compulsory education count) ",
        "",
    ),
    (
        "Overzicht thuiszitters voor de Inspectie, ",
        "",
        "Young people out of school, for the Inspectie, ",
        "",
    ),
    ("RMC-cijfers ", "", "RMC figures ", ""),
    ("Basis ", "", "Baseline ", ""),
    ("Actueel ", "", "Actual ", ""),
    ("Doel (", ")", "Target (", ")"),
    ("Zoals bekend op ", ".", "As known at ", "."),
    ("Gebied: ", ".", "Area: ", "."),
    ("Doelen: ", "", "Targets: ", ""),
    ("Seizoenspatroon uit ", ".", "Seasonal pattern from ", "."),
    (
        "Toets van de prognose: ",
        "",
        "Backtest of the forecast: ",
        "",
    ),
];

/// The English of a Dutch label of a report, when it is one.
pub fn engels(nl: &str) -> Option<String> {
    if let Some((_, en)) = LABELS.iter().find(|(d, _)| *d == nl) {
        return Some((*en).to_string());
    }
    if let Some(label) = nl.strip_suffix(": voortgang naar het doel") {
        return Some(format!("{}: progress towards the target", vertaal(label)));
    }
    if let Some(label) = nl.strip_suffix(": verloop en prognose") {
        return Some(format!("{}: course and forecast", vertaal(label)));
    }
    MET_WAARDE.iter().find_map(|(voor, na, en_voor, en_na)| {
        let waarde = nl.strip_prefix(voor)?.strip_suffix(na)?;
        let waarde = waarde
            .replace(" ten opzichte van basisjaar ", " against baseline year ")
            .replace(" tot en met ", " to ")
            .replace(", prognose op ", ", forecast on ")
            .replace("sub-regio ", "sub-region ");
        Some(format!("{en_voor}{waarde}{en_na}"))
    })
}

/// The English of a label, or the label itself (a name, a code, a date).
fn vertaal(s: &str) -> String {
    engels(s).unwrap_or_else(|| s.to_string())
}

impl Weergave {
    /// The same report with its labels in English and its numbers written the English way.
    pub fn in_het_engels(mut self) -> Weergave {
        let v = |s: &mut String| *s = vertaal(s);
        v(&mut self.titel);
        self.toelichting.iter_mut().for_each(v);
        for t in &mut self.tabellen {
            v(&mut t.titel);
            t.kolommen.iter_mut().for_each(v);
            for cel in t.rijen.iter_mut().flatten() {
                if let Cel::Tekst(s) = cel {
                    v(s);
                }
            }
        }
        for g in &mut self.grafieken {
            v(&mut g.titel);
            for (naam, _) in &mut g.reeksen {
                v(naam);
            }
        }
        self.engels = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_a_value_keep_the_value() {
        for (nl, en) in [
            ("Hoofdoorzaken op 2025-10-01", "Main causes on 2025-10-01"),
            (
                "Doelen: 2025-2026 ten opzichte van basisjaar 2022-2023 (−30%)",
                "Targets: 2025-2026 against baseline year 2022-2023 (−30%)",
            ),
            (
                "Thuiszitters (incl. absoluut verzuim): voortgang naar het doel",
                "Out of school (incl. absoluut verzuim): progress towards the target",
            ),
            ("Stand op 2026-03-15.", "As of 2026-03-15."),
        ] {
            assert_eq!(engels(nl).as_deref(), Some(en), "{nl}");
        }
        // Names and codes are not labels.
        assert_eq!(engels("Haarlem"), None);
        assert_eq!(engels("GM0392"), None);
    }

    #[test]
    fn every_dutch_label_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (nl, en) in LABELS {
            assert!(seen.insert(nl), "{nl} twice");
            assert!(!en.is_empty());
        }
    }
}
