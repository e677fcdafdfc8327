//! Words for the codes a person reads, and dates in the page's style inside texts that the
//! use cases write (a worklist item, a case event).
//!
//! The pages write a date one way per place: `20 juli 2026` (`20 July 2026`) in running text
//! and banners ([`Taal::datum`]), `20-07-2026` in dense tables ([`Taal::datum_kort`]); never
//! `2026-07-20`, which stays for files and the API. A code (`in_behandeling`, `16uur`,
//! `GM0375`) is shown as its words; only the administrator's pages show codes. The Dutch
//! words are the keys of their English, as in [`super::tekst`].

use super::tekst::Taal;

/// The words of a melding's status.
pub fn status(code: &str) -> Option<&'static str> {
    Some(match code {
        "concept" => "concept",
        "geregistreerd" => "geregistreerd",
        "in_behandeling" => "in behandeling",
        "ter_kennisgeving" => "ter kennisgeving",
        "afgesloten" => "afgesloten",
        "ingetrokken" => "ingetrokken",
        _ => return None,
    })
}

/// The words of a melding's reason for closing or withdrawal.
pub fn afsluitreden(code: &str) -> Option<&'static str> {
    Some(match code {
        "terug_naar_school" => "terug naar school",
        "andere_opleiding" => "andere opleiding",
        "werk" => "werk",
        "overig_uitgeschreven" => "uitgeschreven (overig)",
        "overleden" => "overleden",
        "langdurig_ziek" => "langdurig ziek",
        "legitiem_afwezig" => "afwezig met geldige reden",
        "signaal_vervallen" => "signaal vervallen",
        "achteraf_geoorloofd" => "achteraf geoorloofd",
        "ziek_achteraf_gemeld" => "ziek, achteraf gemeld",
        "administratieve_fout" => "administratieve fout",
        _ => return None,
    })
}

/// The words of a rule of the covenant (docs/domain.md §6), as a signal names it.
pub fn regel(code: &str) -> Option<&'static str> {
    Some(match code {
        "16uur" => "16 uur ongeoorloofd verzuim in 4 lesweken",
        "signaal" => "8 uur ongeoorloofd verzuim in 4 lesweken",
        "te_laat" => "vaak te laat",
        "luxe" => "luxe verzuim",
        "mazl_7dagen" => "7 schooldagen achter elkaar ziek",
        "mazl_4x12" => "4 keer ziek in 12 lesweken",
        "lrv" => "langdurig relatief verzuim",
        "av" => "absoluut verzuim",
        _ => return None,
    })
}

/// The words of a melding's kind.
pub fn meldingsoort(code: &str) -> Option<&'static str> {
    Some(match code {
        "16uur" => "16 uur ongeoorloofd verzuim",
        "luxe" => "luxe verzuim",
        "beginnend" => "beginnend verzuim",
        "signaal" => "signaal",
        "langdurig" => "langdurig relatief verzuim",
        "lrv" => "langdurig relatief verzuim",
        _ => return None,
    })
}

/// The words of an escalation level.
pub fn niveau(code: &str) -> Option<&'static str> {
    Some(match code {
        "uitvoerend" => "uitvoerend niveau",
        "management" => "managementniveau",
        "bestuurlijk" => "bestuurlijk niveau",
        _ => return None,
    })
}

/// The words of what a reader did with a file (the audit log's action).
pub fn actie(code: &str) -> Option<&'static str> {
    Some(match code {
        "persoon_bekijken" => "persoon bekeken",
        "dossier_bekijken" => "dossier bekeken",
        "verzuim_lezen" => "verzuim gelezen",
        "verzuim_registreren" => "verzuim geregistreerd",
        "signalen_lezen" => "signalen gelezen",
        "verwijzingen_lezen" => "verwijzingen gelezen",
        "meldingen_lezen" => "meldingen gelezen",
        "melding_indienen" => "melding ingediend",
        "melding_behandelen" => "melding behandeld",
        "registraties_lezen" => "registraties gelezen",
        "registraties_wijzigen" => "registratie gewijzigd",
        "zaak_lezen" => "zaak gelezen",
        "zaak_wijzigen" => "zaak gewijzigd",
        "zaak_sluiten" => "zaak gesloten",
        "partner_toevoegen" => "partner toegevoegd",
        "partner_verwijderen" => "partner verwijderd",
        "medisch_lezen" => "medische notities gelezen",
        "medisch_schrijven" => "medische notitie geschreven",
        "inzage_lezen" => "inzage gelezen",
        "werklijst" => "op de werklijst",
        "zoeken" => "gezocht",
        _ => return None,
    })
}

/// The purpose an audit entry names (`toegang::Doel`), in words.
pub fn doel(code: &str) -> Option<&'static str> {
    Some(match code {
        "inschrijving" => "op inschrijving",
        "leerplichtregister" => "op het leerplichtregister",
        "melding" => "op een melding",
        "zaak" => "op een zaak",
        "registratie" => "op een registratie",
        "mazl" => "op een MAZL-verwijzing",
        "noodtoegang" => "met noodtoegang",
        "beheer" => "voor beheer",
        _ => return None,
    })
}

/// A code in words, in the page's language; an unknown code with its underscores as spaces.
pub fn woord(taal: Taal, words: Option<&'static str>, code: &str) -> String {
    match words {
        Some(w) => taal.s(w).to_string(),
        None => code.replace('_', " "),
    }
}

/// Who did something, as a person reads it: the local operator's entries (the command line)
/// say so instead of `operator:…`.
pub fn auteur(taal: Taal, wie: &str) -> String {
    if wie.starts_with("operator:") {
        taal.s("beheerder (opdrachtregel)").to_string()
    } else if let Some(t) = wie.strip_prefix("token:") {
        format!("{} {t}", taal.s("systeem"))
    } else {
        wie.strip_prefix("gebruiker:").unwrap_or(wie).to_string()
    }
}

/// Every ISO date (`2026-07-20`) in a text, in the page's running-text style.
pub fn datums(taal: Taal, tekst: &str) -> String {
    leerrecht_app::uitvoer::iso_datums(tekst, |d| taal.datum(&d))
}

/// The sentences the worklist's items are written in, with `{}` for what varies. A sentence
/// is shown in the page's language (its English is keyed by this Dutch), with each part in
/// words: dates in the page's style, codes as words, schools by name.
const ZINNEN: [&str; 13] = [
    "melding {} ({}) bevestigen of intrekken: vandaag de laatste dag",
    "melding {} ({}) bevestigen of intrekken: nog {} schooldagen",
    "melding {} ({}) bevestigen of intrekken: nog {} schooldag",
    "melding {} ({}) bevestigen of intrekken: {} schooldagen te laat",
    "melding {} ({}) bevestigen of intrekken: {} schooldag te laat",
    "melding {} ({}) bevestigen",
    "melding {} ({}) van {} in behandeling nemen",
    "thuis sinds {}: aanbod {} dagen te laat",
    "thuis sinds {}: aanbod uiterlijk {}",
    "escalatie naar {} is verschuldigd",
    "vrijstelling 5 sub a loopt af op {}: verlengen of beëindigen",
    "langdurig relatief verzuim op {}: registratie thuiszittend voorgesteld",
    "{} op {}",
];

/// The parts of `tekst` where `zin` has `{}`, when the text is written in that sentence.
fn delen<'a>(zin: &str, tekst: &'a str) -> Option<Vec<&'a str>> {
    let stukken: Vec<&str> = zin.split("{}").collect();
    let mut rest = tekst.strip_prefix(stukken[0])?;
    let mut uit = Vec::new();
    for (n, stuk) in stukken.iter().enumerate().skip(1) {
        let laatste = n + 1 == stukken.len();
        if laatste && stuk.is_empty() {
            uit.push(rest);
            rest = "";
        } else {
            let at = if laatste {
                rest.rfind(stuk)?
            } else {
                rest.find(stuk)?
            };
            uit.push(&rest[..at]);
            rest = &rest[at + stuk.len()..];
        }
    }
    (rest.is_empty() && uit.iter().all(|d| !d.is_empty())).then_some(uit)
}

/// One part of a sentence in words: a date, a rule or melding kind, a level, a school.
fn deel(taal: Taal, d: &str, als_regel: bool, naam_van: &dyn Fn(&str) -> Option<String>) -> String {
    if let Some(n) = naam_van(d) {
        return n;
    }
    let w = if als_regel {
        regel(d)
    } else {
        meldingsoort(d).or_else(|| regel(d))
    };
    if let Some(w) = w.or_else(|| niveau(d)) {
        return taal.s(w).to_string();
    }
    datums(taal, d)
}

/// A worklist item's text as a person reads it, in the page's language. A text in none of
/// the known sentences keeps its words, with its dates and known codes translated.
pub fn werkzin(taal: Taal, tekst: &str, naam_van: &dyn Fn(&str) -> Option<String>) -> String {
    for zin in ZINNEN {
        if let Some(d) = delen(zin, tekst) {
            // The bare "… op …" only for a rule at a school.
            if zin == "{} op {}" && regel(d[0]).is_none() {
                continue;
            }
            let mut uit = String::new();
            let vertaald = taal.s(zin);
            let mut d = d.into_iter();
            for (n, stuk) in vertaald.split("{}").enumerate() {
                if n > 0 {
                    let als_regel = zin == "{} op {}";
                    uit.push_str(
                        &d.next()
                            .map(|x| deel(taal, x, als_regel, naam_van))
                            .unwrap_or_default(),
                    );
                }
                uit.push_str(stuk);
            }
            return uit;
        }
    }
    datums(taal, tekst)
}

/// The English of the words above and of the texts that come with them.
pub fn en(nl: &str) -> Option<&'static str> {
    Some(match nl {
        "concept" => "draft",
        "geregistreerd" => "registered",
        "in behandeling" => "in progress",
        "ter kennisgeving" => "for information",
        "afgesloten" => "closed",
        "ingetrokken" => "withdrawn",
        "terug naar school" => "back at school",
        "andere opleiding" => "other education",
        "werk" => "work",
        "uitgeschreven (overig)" => "unenrolled (other)",
        "overleden" => "deceased",
        "langdurig ziek" => "long-term sick",
        "afwezig met geldige reden" => "absent with a valid reason",
        "signaal vervallen" => "signal lapsed",
        "achteraf geoorloofd" => "authorised afterwards",
        "ziek, achteraf gemeld" => "sick, reported afterwards",
        "administratieve fout" => "administrative error",
        "16 uur ongeoorloofd verzuim in 4 lesweken" => {
            "16 hours of unauthorised absence in 4 school weeks"
        }
        "8 uur ongeoorloofd verzuim in 4 lesweken" => {
            "8 hours of unauthorised absence in 4 school weeks"
        }
        "vaak te laat" => "often late",
        "luxe verzuim" => "luxury absence",
        "7 schooldagen achter elkaar ziek" => "sick for 7 school days in a row",
        "4 keer ziek in 12 lesweken" => "sick 4 times in 12 school weeks",
        "langdurig relatief verzuim" => "long-term relative absence",
        "absoluut verzuim" => "absolute absence",
        "16 uur ongeoorloofd verzuim" => "16 hours of unauthorised absence",
        "beginnend verzuim" => "beginning absence",
        "signaal" => "signal",
        "uitvoerend niveau" => "operational level",
        "managementniveau" => "management level",
        "bestuurlijk niveau" => "administrative level",
        "persoon bekeken" => "person viewed",
        "dossier bekeken" => "file viewed",
        "op inschrijving" => "on enrolment",
        "op het leerplichtregister" => "on the leerplicht register",
        "op een melding" => "on a melding",
        "op een zaak" => "on a case",
        "op een registratie" => "on a registration",
        "op een MAZL-verwijzing" => "on a MAZL referral",
        "met noodtoegang" => "with emergency access",
        "voor beheer" => "for administration",
        "verzuim gelezen" => "absence read",
        "verzuim geregistreerd" => "absence recorded",
        "signalen gelezen" => "signals read",
        "verwijzingen gelezen" => "referrals read",
        "meldingen gelezen" => "absence reports read",
        "melding ingediend" => "absence report filed",
        "melding behandeld" => "absence report handled",
        "registraties gelezen" => "registrations read",
        "registratie gewijzigd" => "registration changed",
        "zaak gelezen" => "case read",
        "zaak gewijzigd" => "case changed",
        "zaak gesloten" => "case closed",
        "partner toegevoegd" => "partner added",
        "partner verwijderd" => "partner removed",
        "medische notities gelezen" => "medical notes read",
        "medische notitie geschreven" => "medical note written",
        "inzage gelezen" => "file views read",
        "op de werklijst" => "on the worklist",
        "gezocht" => "searched",
        "beheerder (opdrachtregel)" => "administrator (command line)",
        "systeem" => "system",
        "melding {} ({}) bevestigen" => "confirm absence report {} ({})",
        "melding {} ({}) bevestigen of intrekken: vandaag de laatste dag" => {
            "confirm or withdraw absence report {} ({}): today is the last day"
        }
        "melding {} ({}) bevestigen of intrekken: nog {} schooldagen" => {
            "confirm or withdraw absence report {} ({}): {} school days left"
        }
        "melding {} ({}) bevestigen of intrekken: nog {} schooldag" => {
            "confirm or withdraw absence report {} ({}): {} school day left"
        }
        "melding {} ({}) bevestigen of intrekken: {} schooldagen te laat" => {
            "confirm or withdraw absence report {} ({}): {} school days overdue"
        }
        "melding {} ({}) bevestigen of intrekken: {} schooldag te laat" => {
            "confirm or withdraw absence report {} ({}): {} school day overdue"
        }
        "melding {} ({}) van {} in behandeling nemen" => "take on absence report {} ({}) from {}",
        "thuis sinds {}: aanbod {} dagen te laat" => {
            "out of school since {}: offer {} days overdue"
        }
        "thuis sinds {}: aanbod uiterlijk {}" => "out of school since {}: offer due by {}",
        "escalatie naar {} is verschuldigd" => "escalation to {} is due",
        "vrijstelling 5 sub a loopt af op {}: verlengen of beëindigen" => {
            "exemption 5 sub a ends on {}: renew or end it"
        }
        "langdurig relatief verzuim op {}: registratie thuiszittend voorgesteld" => {
            "long-term relative absence at {}: registration as out of school proposed"
        }
        "{} op {}" => "{} at {}",
        "aanbod gedaan op" => "offer made on",
        "geen bestaande datum; schrijf de datum als DD-MM-JJJJ, bijvoorbeeld 01-12-2026" => {
            "not an existing date; write the date as DD-MM-YYYY, for example 01-12-2026"
        }
        "kies een soort aanbod" => "choose a kind of offer",
        "1 jongere" => "1 young person",
        "Zoeken in organisaties, gebruikers en kalender" => {
            "Search organisations, users and the calendar"
        }
        "Drempel" => "Threshold",
        "Waarde" => "Value",
        "Vorige" => "Previous",
        "Volgende" => "Next",
        "Bladeren" => "Pages",
        "van" => "of",
        "jongeren" => "young people",
        "Er zijn meer jongeren die passen dan hier staan: blader verder, of maak de zoekvraag preciezer, bijvoorbeeld met de geboortedatum." => {
            "More young people match than are shown here: page on, or make the search more precise, for example with the date of birth."
        }
        "Bladeren door de resultaten" => "Page through the results",
        "Vorige 50" => "Previous 50",
        "Volgende 50" => "Next 50",
        "tot en met" => "to",
        "(kies een categorie)" => "(choose a category)",
        "(kies een oorzaak)" => "(choose a cause)",
        "Registratie beëindigen" => "End the registration",
        "Beëindigen per" => "End as of",
        "Ja, beëindig de registratie (de driemaandentermijn stopt)" => {
            "Yes, end the registration (the three-month clock stops)"
        }
        "registratie beëindigen: vink aan dat u de registratie wilt beëindigen" => {
            "end the registration: tick the box to confirm that you want to end it"
        }
        "categorie: kies een categorie" => "category: choose a category",
        "deze code is al gebruikt; wacht op de volgende code uit uw authenticator-app" => {
            "this code was already used; wait for the next code from your authenticator app"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_in_a_text_are_written_in_the_page_style() {
        assert_eq!(
            datums(
                Taal::Nl,
                "thuis sinds 2026-07-20: aanbod uiterlijk 2026-10-20"
            ),
            "thuis sinds 20 juli 2026: aanbod uiterlijk 20 oktober 2026"
        );
        assert_eq!(datums(Taal::En, "(2026-07-20)"), "(20 July 2026)");
        // A school year, a number and an impossible date stay as they are.
        assert_eq!(
            datums(Taal::Nl, "2025-2026 12026-07-20 2026-02-30"),
            "2025-2026 12026-07-20 2026-02-30"
        );
    }

    #[test]
    fn worklist_sentences_in_words_and_in_english() {
        let scholen = |c: &str| (c == "53FW00").then(|| "Het Lyceum".to_string());
        assert_eq!(
            werkzin(Taal::Nl, "16uur op 53FW00", &scholen),
            "16 uur ongeoorloofd verzuim in 4 lesweken op Het Lyceum"
        );
        assert_eq!(
            werkzin(
                Taal::En,
                "thuis sinds 2026-07-20: aanbod 12 dagen te laat",
                &scholen
            ),
            "out of school since 20 July 2026: offer 12 days overdue"
        );
        assert_eq!(
            werkzin(
                Taal::Nl,
                "melding 7 (16uur) van 53FW00 in behandeling nemen",
                &scholen
            ),
            "melding 7 (16 uur ongeoorloofd verzuim) van Het Lyceum in behandeling nemen"
        );
        assert_eq!(
            werkzin(
                Taal::En,
                "escalatie naar management is verschuldigd",
                &scholen
            ),
            "escalation to management level is due"
        );
        // The draft term's sentences, singular and plural.
        assert_eq!(
            werkzin(
                Taal::En,
                "melding 7 (16uur) bevestigen of intrekken: 3 schooldagen te laat",
                &scholen
            ),
            "confirm or withdraw absence report 7 (16 hours of unauthorised absence): 3 school days overdue"
        );
        assert_eq!(
            werkzin(
                Taal::En,
                "melding 7 (16uur) bevestigen of intrekken: nog 1 schooldag",
                &scholen
            ),
            "confirm or withdraw absence report 7 (16 hours of unauthorised absence): 1 school day left"
        );
        // An unknown sentence keeps its words; its dates are still written out.
        assert_eq!(
            werkzin(Taal::Nl, "iets anders sinds 2026-01-05", &scholen),
            "iets anders sinds 5 januari 2026"
        );
    }

    #[test]
    fn every_word_has_its_english() {
        let codes = [
            "concept",
            "geregistreerd",
            "in_behandeling",
            "ter_kennisgeving",
            "afgesloten",
            "ingetrokken",
        ];
        for c in codes {
            assert!(en(status(c).unwrap()).is_some(), "{c}");
        }
        for c in leerrecht_app::zaken::meldingen::AFSLUITREDENEN
            .into_iter()
            .chain(leerrecht_app::zaken::meldingen::INTREKREDENEN)
        {
            assert!(en(afsluitreden(c).expect(c)).is_some(), "{c}");
        }
        for r in leerrecht_domain::rules::Regel::ALL {
            let w = regel(r.code()).unwrap_or_else(|| panic!("{r}"));
            assert!(en(w).is_some(), "{r}");
        }
        for z in ZINNEN {
            let e = en(z).expect(z);
            assert_eq!(e.matches("{}").count(), z.matches("{}").count(), "{z}");
        }
    }
}
