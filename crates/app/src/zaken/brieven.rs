//! The officer's letters (docs/domain.md §13): made from a template per gemeente, one letter
//! per parent address (or to the school), rendered to a PDF and kept on the case with who made
//! it and when. Templates and logos are files in the letters' folder (`[brieven] map`):
//! `GEMEENTE/NAAM.txt` for one gemeente, `NAAM.txt` for all, else the built-in text;
//! `GEMEENTE/logo.png` or `logo.png`. Beheer changes the texts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use leerrecht_domain::brief::{onbekende_velden, vul, Sjabloon};
use leerrecht_domain::ids::GemeenteCode;
use leerrecht_domain::verzorger::adressen;
use leerrecht_domain::zaak::ZaakStaat;
use leerrecht_store::Brief;

use crate::toegang::audit::actor_fields;
use crate::toegang::{authorize, Action, Actor, Gebruik, Onderwerp};
use crate::uitvoer::brief::{brief_pdf, logo_lezen, Briefpagina, Plaatje};
use crate::uitvoer::MAANDEN_NL;
use crate::{App, AppError, Result};

/// The longest template accepted, in characters.
pub const SJABLOON_MAX: usize = 20_000;

/// A template's text and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sjabloontekst {
    pub sjabloon: Sjabloon,
    pub tekst: String,
    /// The file it was read from; None for the built-in text.
    pub bestand: Option<PathBuf>,
}

/// `20 juli 2026`.
fn lang(d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MAANDEN_NL[d.month0() as usize],
        d.year()
    )
}

impl App {
    /// The app with the letters' templates and logos in `map` (`[brieven] map`).
    pub fn met_briefmap(mut self, map: PathBuf) -> Self {
        self.briefmap = map;
        self
    }

    /// The folder of a gemeente's own templates and logo, or of those for all.
    fn briefmap_van(&self, gemeente: Option<&GemeenteCode>) -> PathBuf {
        match gemeente {
            Some(g) => self.briefmap.join(g.as_str()),
            None => self.briefmap.clone(),
        }
    }

    /// The text of template `s` for `gemeente` (None: for all gemeenten): its own file,
    /// else the one for all, else the built-in text.
    fn sjabloon_lezen(
        &self,
        gemeente: Option<&GemeenteCode>,
        s: Sjabloon,
    ) -> Result<Sjabloontekst> {
        let naam = format!("{}.txt", s.code());
        let mut plekken = Vec::new();
        if gemeente.is_some() {
            plekken.push(self.briefmap_van(gemeente).join(&naam));
        }
        plekken.push(self.briefmap.join(&naam));
        for p in plekken {
            match std::fs::read_to_string(&p) {
                Ok(tekst) => {
                    return Ok(Sjabloontekst {
                        sjabloon: s,
                        tekst,
                        bestand: Some(p),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(AppError::Io {
                        path: p.display().to_string(),
                        source,
                    })
                }
            }
        }
        Ok(Sjabloontekst {
            sjabloon: s,
            tekst: s.standaard().to_string(),
            bestand: None,
        })
    }

    /// The templates as they are for `gemeente` (None: for all gemeenten), for beheer.
    pub fn sjablonen(
        &self,
        actor: &Actor,
        gemeente: Option<&GemeenteCode>,
    ) -> Result<Vec<Sjabloontekst>> {
        authorize(actor, Action::BeheerBrieven)?;
        Sjabloon::ALL
            .into_iter()
            .map(|s| self.sjabloon_lezen(gemeente, s))
            .collect()
    }

    /// Beheer gives template `s` a text of its own for `gemeente` (None: for all gemeenten):
    /// checked for unknown merge fields, written whole or not at all, audited.
    pub fn sjabloon_opslaan(
        &self,
        actor: &Actor,
        gemeente: Option<&GemeenteCode>,
        s: Sjabloon,
        tekst: &str,
    ) -> Result<PathBuf> {
        authorize(actor, Action::BeheerBrieven)?;
        let tekst = tekst.replace("\r\n", "\n");
        if tekst.trim().is_empty() {
            return Err(AppError::Invalid("tekst: leeg".into()));
        }
        if tekst.chars().count() > SJABLOON_MAX {
            return Err(AppError::Invalid(format!(
                "tekst: langer dan {SJABLOON_MAX} tekens"
            )));
        }
        let onbekend = onbekende_velden(&tekst);
        if !onbekend.is_empty() {
            return Err(AppError::Invalid(format!(
                "tekst: onbekende velden: {}",
                onbekend.join(", ")
            )));
        }
        if let Some(g) = gemeente {
            let bekend = self
                .store()
                .organisaties()?
                .iter()
                .any(|o| o.code.as_str() == g.as_str());
            if !bekend {
                return Err(AppError::Invalid(format!("gemeente: onbekend: {g}")));
            }
        }
        let map = self.briefmap_van(gemeente);
        let pad = map.join(format!("{}.txt", s.code()));
        schrijf_heel(&map, &pad, tekst.as_bytes())?;
        self.audit_operatie(
            actor,
            "sjabloon_opslaan",
            format!(
                "{} voor {}",
                s.code(),
                gemeente.map_or("alle gemeenten", |g| g.as_str())
            ),
        )?;
        Ok(pad)
    }

    /// The logo of `gemeente`'s letters: its own, else the one for all, else none.
    fn logo(&self, gemeente: &GemeenteCode) -> Result<Option<Plaatje>> {
        for p in [
            self.briefmap_van(Some(gemeente)).join("logo.png"),
            self.briefmap.join("logo.png"),
        ] {
            match std::fs::read(&p) {
                Ok(bytes) => {
                    return logo_lezen(&bytes)
                        .map(Some)
                        .map_err(|e| AppError::Invalid(format!("logo {}: {e}", p.display())))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(AppError::Io {
                        path: p.display().to_string(),
                        source,
                    })
                }
            }
        }
        Ok(None)
    }

    /// Leerplicht makes letter `s` on case `zaak`: one per address of the young person's
    /// parents and guardians (to the school of the case's melding for `bevestiging_melding`),
    /// kept on the case. The letter as kept, and its PDF.
    pub fn brief_maken(&self, actor: &Actor, zaak: i64, s: Sjabloon) -> Result<(Brief, Vec<u8>)> {
        let (rij, t) = self.zaak_met_toegang(
            actor,
            Gebruik::ZaakWijzigen,
            zaak,
            &format!("zaak {zaak}: brief {}", s.code()),
        )?;
        let j = &t.ctx.jongere;
        let namen: BTreeMap<String, String> = self
            .store()
            .organisaties()?
            .into_iter()
            .map(|o| (o.code.as_str().to_string(), o.naam))
            .collect();
        let naam_van = |c: &str| namen.get(c).cloned().unwrap_or_else(|| c.to_string());
        let vandaag = self.now().date_naive();
        let events = self.store().zaak_events(zaak)?;
        let staat = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
        let melding = self
            .store()
            .meldingen_van(rij.leerling)?
            .into_iter()
            .filter(|m| m.zaak_id == Some(zaak))
            .max_by_key(|m| m.begindatum);
        let vrijstelling = staat.vrijstellingen.last();
        let ambtenaar = match actor {
            Actor::Gebruiker(g) => g.gebruikersnaam.clone(),
            _ => actor_fields(actor).0,
        };
        let mut velden: BTreeMap<&str, String> = BTreeMap::new();
        velden.insert("jongere", format!("{} {}", j.voornamen, j.achternaam));
        velden.insert(
            "voornaam",
            j.voornamen.split_whitespace().next().unwrap_or("").into(),
        );
        velden.insert("geboortedatum", lang(j.geboortedatum));
        // The schools of today; else the last school the young person was at.
        let mut scholen: Vec<String> = t
            .ctx
            .scholen
            .iter()
            .map(|(c, _)| naam_van(c.as_str()))
            .collect();
        if scholen.is_empty() {
            let laatste = self
                .store()
                .inschrijvingen_van(rij.leerling)?
                .into_iter()
                .max_by_key(|i| i.begindatum());
            scholen.extend(laatste.map(|i| naam_van(i.school.as_str())));
        }
        velden.insert("school", scholen.join(", "));
        velden.insert("gemeente", naam_van(j.gemeente.as_str()));
        velden.insert("datum", lang(vandaag));
        velden.insert("ambtenaar", ambtenaar);
        velden.insert("organisatie", naam_van(&rij.organisatie));
        velden.insert("zaak", zaak.to_string());
        velden.insert("zaak_geopend", lang(rij.geopend));
        if let Some(m) = &melding {
            velden.insert("melding_datum", lang(m.begindatum));
        }
        if let Some(v) = vrijstelling {
            velden.insert("vrijstelling", v.artikel.label().to_string());
            velden.insert("vrijstelling_van", lang(v.van));
        }
        let tekst = self.sjabloon_lezen(Some(&j.gemeente), s)?.tekst;
        let onbekend = onbekende_velden(&tekst);
        if !onbekend.is_empty() {
            return Err(AppError::Invalid(format!(
                "sjabloon: {} gebruikt onbekende velden: {}",
                s.code(),
                onbekend.join(", ")
            )));
        }
        let mut aan = Vec::new();
        let mut paginas = Vec::new();
        let plaats_datum = |velden: &BTreeMap<&str, String>| {
            format!("{}, {}", velden["gemeente"], velden["datum"])
        };
        if s.aan_school() {
            let Some(m) = melding else {
                return Err(AppError::Invalid(
                    "sjabloon: deze zaak heeft geen melding van een school".into(),
                ));
            };
            let school = naam_van(m.school.as_str());
            velden.insert("aanhef", school.clone());
            velden.insert("adres", String::new());
            velden.insert("postcode_woonplaats", String::new());
            paginas.push(Briefpagina {
                adres: vec![school.clone(), "t.a.v. de verzuimcoördinator".into()],
                tekst: format!("{}\n\n{}", plaats_datum(&velden), vul(&tekst, &velden)),
            });
            aan.push(school);
        } else {
            let verzorgers = self.store().verzorgers_van(rij.leerling)?;
            if verzorgers.is_empty() {
                return Err(AppError::Invalid(
                    "verzorgers: geen ouders of verzorgers bekend; voeg ze toe op het dossier"
                        .into(),
                ));
            }
            for (adres, wie) in adressen(&verzorgers) {
                let namen = wie
                    .iter()
                    .map(|v| v.naam.as_str())
                    .collect::<Vec<_>>()
                    .join(" en ");
                let straat = format!("{} {}", adres.straat, adres.huisnummer);
                let plaats = format!("{}  {}", adres.postcode.as_str(), adres.woonplaats);
                velden.insert("aanhef", namen.clone());
                velden.insert("adres", straat.clone());
                velden.insert("postcode_woonplaats", plaats.clone());
                paginas.push(Briefpagina {
                    adres: vec![namen.clone(), straat, plaats],
                    tekst: format!("{}\n\n{}", plaats_datum(&velden), vul(&tekst, &velden)),
                });
                aan.push(namen);
            }
        }
        let afzender = format!("Gemeente {}", naam_van(j.gemeente.as_str()));
        let logo = self.logo(&j.gemeente)?;
        let pdf = brief_pdf(&afzender, logo.as_ref(), s.label(), &paginas);
        let (wie, organisatie, _, _) = actor_fields(actor);
        let mut b = Brief {
            id: 0,
            zaak,
            sjabloon: s.code().to_string(),
            aan: aan.join("; "),
            adressen: paginas.len() as u32,
            wie,
            organisatie,
            tijd: self.now(),
        };
        b.id = self.store().brief_toevoegen(&b, &pdf)?;
        Ok((b, pdf))
    }

    /// The letters kept on case `zaak`, for everyone who may see the case.
    pub fn brieven(&self, actor: &Actor, zaak: i64) -> Result<Vec<Brief>> {
        self.zaak_met_toegang(
            actor,
            Gebruik::ZaakLezen,
            zaak,
            &format!("zaak {zaak}: brieven"),
        )?;
        Ok(self.store().brieven(zaak)?)
    }

    /// One letter with its PDF, for everyone who may see its case; a number that names no
    /// letter is refused as a case of someone else's would be.
    pub fn brief(&self, actor: &Actor, id: i64) -> Result<(Brief, Vec<u8>)> {
        let Some((b, pdf)) = self.store().brief(id)? else {
            return Err(self.onbekend_geweigerd(
                actor,
                Gebruik::ZaakLezen,
                None,
                &format!("brief {id}"),
            )?);
        };
        let rij = self.zaak_van(b.zaak)?;
        self.toegang_over(
            actor,
            Gebruik::ZaakLezen,
            rij.leerling,
            &Onderwerp::Zaak(b.zaak),
            &format!("zaak {}: brief {id}", b.zaak),
        )?;
        Ok((b, pdf))
    }
}

/// Writes `bytes` to `pad` in `map` whole or not at all: to a file beside it, then renamed.
fn schrijf_heel(map: &Path, pad: &Path, bytes: &[u8]) -> Result<()> {
    let io = |p: &Path| {
        let p = p.display().to_string();
        move |source| AppError::Io { path: p, source }
    };
    std::fs::create_dir_all(map).map_err(io(map))?;
    let tmp = pad.with_extension("txt.nieuw");
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, pad).map_err(io(pad))
}
