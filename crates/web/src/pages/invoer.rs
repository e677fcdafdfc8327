//! What a person typed in a form that was refused, and why, per field: the page is shown
//! again (422) with every value as typed, the reason next to the field it concerns (in the
//! page's language), and a reason that concerns no one field above the form. One mechanism
//! for every form of a page, so no form loses work.

use super::tekst::Taal;

/// The longest free text a form takes, in characters.
pub const TEKST_MAX: usize = 2000;

/// A form as it was sent and refused. The empty value (no form refused) answers every
/// question with the form's own defaults.
#[derive(Default)]
pub struct Invoer {
    /// The form (its `id` in the page) that was refused.
    formulier: String,
    /// The fields as sent, the CSRF token left out.
    waarden: Vec<(String, String)>,
    /// The field the reason concerns (empty: the whole form), and the reason.
    veld: String,
    fout: String,
}

/// Why a form was refused: the field (empty: the whole form) and the reason, in the page's
/// language.
#[derive(Debug)]
pub struct Afwijzing {
    pub veld: &'static str,
    pub reden: String,
}

impl Afwijzing {
    pub fn bij(veld: &'static str, reden: impl Into<String>) -> Afwijzing {
        Afwijzing {
            veld,
            reden: reden.into(),
        }
    }
}

impl Invoer {
    /// The form `formulier` as sent in `body` (URL-encoded), refused for `veld`.
    pub fn van(formulier: &str, body: &[u8], veld: &str, fout: String) -> Invoer {
        let waarden = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "csrf")
            .collect();
        Invoer {
            formulier: formulier.to_string(),
            waarden,
            veld: veld.to_string(),
            fout,
        }
    }

    /// A refusal by the use case ("veld: reason", in Dutch): next to the field when the form
    /// has a field of that name, else above the form; in English where the text is known.
    pub fn van_melding(
        taal: Taal,
        formulier: &str,
        body: &[u8],
        velden: &[&str],
        m: String,
    ) -> Invoer {
        let veld = m
            .split_once(':')
            .map(|(v, _)| v.trim())
            .filter(|v| velden.contains(v))
            .unwrap_or("")
            .to_string();
        let m = match taal {
            Taal::En => en(&m).map_or(m, str::to_string),
            Taal::Nl => m,
        };
        Invoer::van(formulier, body, &veld, m)
    }

    /// Whether this form was refused.
    pub fn is(&self, formulier: &str) -> bool {
        !self.formulier.is_empty() && self.formulier == formulier
    }

    /// The reason for the whole form, shown above the page.
    pub fn boven(&self) -> Option<String> {
        (!self.formulier.is_empty() && self.veld.is_empty()).then(|| self.fout.clone())
    }

    /// The value of a field: as typed when this form was refused, else `standaard`.
    pub fn waarde(&self, formulier: &str, veld: &str, standaard: &str) -> String {
        if !self.is(formulier) {
            return standaard.to_string();
        }
        self.waarden
            .iter()
            .find(|(k, _)| k == veld)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Whether a box is ticked: as sent when this form was refused, else `standaard`.
    pub fn aan(&self, formulier: &str, veld: &str, standaard: bool) -> bool {
        if !self.is(formulier) {
            return standaard;
        }
        self.waarden.iter().any(|(k, _)| k == veld)
    }

    /// Whether an option is chosen: as sent when this form was refused, else `standaard`.
    pub fn gekozen(
        &self,
        formulier: &str,
        veld: &str,
        code: impl std::fmt::Display,
        standaard: bool,
    ) -> bool {
        if !self.is(formulier) {
            return standaard;
        }
        let code = code.to_string();
        self.waarden.iter().any(|(k, v)| k == veld && *v == code)
    }

    /// The reason next to a field, when this form was refused for it.
    pub fn fout(&self, formulier: &str, veld: &str) -> Option<&str> {
        (self.is(formulier) && self.veld == veld).then_some(self.fout.as_str())
    }
}

/// A date typed in a form; refused in the page's language.
pub fn datum(taal: Taal, veld: &'static str, s: &str) -> Result<chrono::NaiveDate, Afwijzing> {
    leerrecht_domain::date::parse_date(s.trim()).map_err(|_| {
        Afwijzing::bij(
            veld,
            taal.s(
                "geen bestaande datum; schrijf de datum als DD-MM-JJJJ, bijvoorbeeld 01-12-2026",
            ),
        )
    })
}

/// An optional date typed in a form (empty: none).
pub fn opt_datum(
    taal: Taal,
    veld: &'static str,
    s: &str,
) -> Result<Option<chrono::NaiveDate>, Afwijzing> {
    match s.trim() {
        "" => Ok(None),
        d => datum(taal, veld, d).map(Some),
    }
}

/// A text that must be filled in, of at most [`TEKST_MAX`] characters.
pub fn verplicht(taal: Taal, veld: &'static str, s: &str) -> Result<String, Afwijzing> {
    match vrij(taal, veld, s)? {
        t if t.is_empty() => Err(Afwijzing::bij(veld, taal.s("vul dit veld in"))),
        t => Ok(t),
    }
}

/// A text that may be empty, of at most [`TEKST_MAX`] characters (trimmed).
pub fn vrij(taal: Taal, veld: &'static str, s: &str) -> Result<String, Afwijzing> {
    let t = s.trim();
    if t.chars().count() > TEKST_MAX {
        return Err(Afwijzing::bij(
            veld,
            format!(
                "{} {TEKST_MAX} {}",
                taal.s("te lang: hoogstens"),
                taal.s("tekens")
            ),
        ));
    }
    Ok(t.to_string())
}

/// A whole number typed in a form (empty: none).
pub fn getal(taal: Taal, veld: &'static str, s: &str) -> Result<Option<u32>, Afwijzing> {
    match s.trim() {
        "" => Ok(None),
        n => n
            .parse()
            .map(Some)
            .map_err(|_| Afwijzing::bij(veld, taal.s("geen heel getal"))),
    }
}

/// The English of the texts of refused forms.
pub fn en(nl: &str) -> Option<&'static str> {
    Some(match nl {
        "vul dit veld in" => "fill in this field",
        "te lang: hoogstens" => "too long: at most",
        "tekens" => "characters",
        "geen heel getal" => "not a whole number",
        "kies een soort melding" => "choose a kind of melding",
        "kies een zaak" => "choose a case",
        "kies een open verzuimzaak" => "choose an open absence case",
        "kies wat er gebeurde" => "choose what happened",
        "kies een brief" => "choose a letter",
        "kies een soort" => "choose a kind",
        "kies wie de notitie mag lezen" => "choose who may read the note",
        "kies een categorie" => "choose a category",
        "categorie: kies een categorie" => "category: choose a category",
        "kies een oorzaak" => "choose a cause",
        "registratie beëindigen: vink aan dat u de registratie wilt beëindigen" => {
            "end the registration: tick the box to confirm that you want to end it"
        }
        "vink aan dat u de registratie wilt beëindigen" => {
            "tick the box to confirm that you want to end the registration"
        }
        "kies kernteam of jeugdteam" => "choose kernteam or jeugdteam",
        "kies een artikel" => "choose an article",
        "kies arts, psycholoog of pedagoog" => "choose doctor, psychologist or educationalist",
        "vul ook in wie de verklaring gaf" => "also fill in who gave the statement",
        "vul ook de datum van de verklaring in" => "also fill in the date of the statement",
        "kies management of bestuurlijk" => "choose management or bestuurlijk",
        "kies onderwijs, zorg en/of jeugdhulp" => "choose education, care and/or youth care",
        "kies een open zaak" => "choose an open case",
        "kies een reden" => "choose a reason",
        "kies een afsluitreden" => "choose a reason for closing",
        "een afsluitreden hoort alleen bij afgesloten" => {
            "a reason for closing goes only with closed"
        }
        "kies een organisatie" => "choose an organisation",
        "geen geldig nummer (11-proef)" => "not a valid number (eleven test)",
        // The use cases' refusals that reach the file's forms past the page's own checks.
        "datum: ligt in de toekomst" => "date: lies in the future",
        "toelichting: nodig bij de reden overig" => "explanation: needed with the reason Other",
        "schrijf op waarom; minstens zoveel tekens:" => {
            "write down why; at least this many characters:"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_form_keeps_what_was_typed_and_others_keep_their_defaults() {
        let iv = Invoer::van(
            "overleg-form",
            b"csrf=geheim&team=jeugdteam&datum=31-02-2026&besluiten=Samen+verder",
            "datum",
            "geen bestaande datum".into(),
        );
        assert_eq!(iv.waarde("overleg-form", "besluiten", "x"), "Samen verder");
        assert_eq!(iv.waarde("overleg-form", "csrf", "leeg"), "");
        assert_eq!(iv.waarde("plan-form", "datum", "01-12-2026"), "01-12-2026");
        assert!(iv.gekozen("overleg-form", "team", "jeugdteam", false));
        assert!(!iv.gekozen("overleg-form", "team", "kernteam", true));
        assert!(!iv.aan("overleg-form", "vervolg", true));
        assert!(iv.aan("plan-form", "zorg", true));
        assert_eq!(
            iv.fout("overleg-form", "datum"),
            Some("geen bestaande datum")
        );
        assert_eq!(iv.fout("overleg-form", "besluiten"), None);
        assert_eq!(iv.fout("plan-form", "datum"), None);
        assert_eq!(iv.boven(), None);
        assert_eq!(Invoer::default().boven(), None);
    }

    #[test]
    fn a_use_case_refusal_goes_next_to_its_field_when_the_form_has_it() {
        let velden = ["reden", "datum", "toelichting"];
        let m = "toelichting: nodig bij de reden overig";
        let iv = Invoer::van_melding(Taal::Nl, "sluiten-form", b"", &velden, m.into());
        assert_eq!(iv.fout("sluiten-form", "toelichting"), Some(m));
        // In English where the text is known, still next to its field.
        let iv = Invoer::van_melding(Taal::En, "sluiten-form", b"", &velden, m.into());
        assert_eq!(
            iv.fout("sluiten-form", "toelichting"),
            Some("explanation: needed with the reason Other")
        );
        let m = "zaak: gesloten";
        let iv = Invoer::van_melding(Taal::En, "sluiten-form", b"", &velden, m.into());
        assert_eq!(iv.boven().as_deref(), Some(m));
    }

    #[test]
    fn texts_are_checked_in_the_page_language() {
        let lang = "x".repeat(TEKST_MAX + 1);
        let e = vrij(Taal::En, "reden", &lang).unwrap_err();
        assert_eq!(
            (e.veld, e.reden.as_str()),
            ("reden", "too long: at most 2000 characters")
        );
        assert_eq!(
            vrij(Taal::Nl, "reden", &"é".repeat(TEKST_MAX))
                .unwrap()
                .chars()
                .count(),
            TEKST_MAX
        );
        assert_eq!(
            verplicht(Taal::Nl, "hoe", "  ").unwrap_err().reden,
            "vul dit veld in"
        );
        assert!(datum(Taal::Nl, "datum", "31-02-2026").is_err());
        assert_eq!(
            getal(Taal::En, "uren", "3,5").unwrap_err().reden,
            "not a whole number"
        );
    }
}
