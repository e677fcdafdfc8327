//! Beheer's page of the letters' templates (docs/domain.md §13): the five texts for all
//! gemeenten or for one, each with where it comes from (a gemeente's own file, the one for
//! all, or the built-in text), changed in place; the merge fields a text may use. A text with
//! a field that does not exist is refused, with what was typed kept.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use leerrecht_domain::brief::{Sjabloon, VELDEN};
use leerrecht_domain::ids::GemeenteCode;
use leerrecht_domain::org::{OrgSoort, Rol};
use serde::Deserialize;

use super::{doe, html, terug_naar, Bezoeker, Fout, Kader};
use crate::AppState;

#[derive(Template)]
#[template(path = "beheer_brieven.html")]
struct Brievenpagina {
    k: Kader,
    /// The gemeente shown (empty: all gemeenten), and every gemeente to choose from.
    gemeente: String,
    gemeenten: Vec<(String, String)>,
    sjablonen: Vec<Sjabloonview>,
    velden: Vec<(&'static str, &'static str)>,
}

struct Sjabloonview {
    code: &'static str,
    label: &'static str,
    herkomst: String,
    tekst: String,
    /// Why the text was refused, when it was.
    fout: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Keuze {
    #[serde(default)]
    gemeente: String,
    ok: Option<String>,
}

#[derive(Deserialize)]
pub struct Opslaan {
    #[serde(default)]
    gemeente: String,
    sjabloon: String,
    #[serde(default)]
    tekst: String,
}

fn gemeente_van(s: &str) -> Result<Option<GemeenteCode>, String> {
    match s.trim() {
        "" => Ok(None),
        g => g
            .parse()
            .map(Some)
            .map_err(|e: leerrecht_domain::ids::IdError| e.to_string()),
    }
}

pub async fn tonen(
    State(s): State<AppState>,
    b: Bezoeker,
    Query(q): Query<Keuze>,
) -> Result<Response, Fout> {
    pagina(&s, &b, q.gemeente, q.ok.is_some(), None).await
}

async fn pagina(
    s: &AppState,
    b: &Bezoeker,
    gemeente: String,
    ok: bool,
    fout: Option<(Sjabloon, String, String)>,
) -> Result<Response, Fout> {
    let taal = b.taal;
    if b.rol() != Some(Rol::Beheer) {
        return Err(Fout::Verboden(taal));
    }
    let code = gemeente_van(&gemeente).map_err(|e| Fout::Ongeldig(taal, e))?;
    let actor = b.actor.clone();
    let (teksten, orgs) = doe(s, taal, move |app| {
        Ok((
            app.sjablonen(&actor, code.as_ref())?,
            app.organisaties(&actor)?,
        ))
    })
    .await?;
    let gemeenten: Vec<(String, String)> = orgs
        .into_iter()
        .filter(|o| o.soort == OrgSoort::Gemeente)
        .map(|o| (o.code.as_str().to_string(), o.naam))
        .collect();
    let sjablonen = teksten
        .into_iter()
        .map(|t| {
            let map = t
                .bestand
                .as_deref()
                .and_then(|p| p.parent())
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().to_string());
            let herkomst = taal.s(match (&t.bestand, map) {
                (None, _) => "standaardtekst van leerrecht",
                (Some(_), Some(m)) if !gemeente.is_empty() && m == gemeente => {
                    "eigen tekst van deze gemeente"
                }
                (Some(_), _) => "tekst voor alle gemeenten",
            });
            let (tekst, fout) = match &fout {
                Some((s, tekst, m)) if *s == t.sjabloon => (tekst.clone(), Some(m.clone())),
                _ => (t.tekst, None),
            };
            Sjabloonview {
                code: t.sjabloon.code(),
                label: taal.s(t.sjabloon.label()),
                herkomst: herkomst.to_string(),
                tekst,
                fout,
            }
        })
        .collect();
    let mut k = b.kader(taal.s("Brieven"), "/beheer");
    k = k.kruimel("/beheer", taal.s("Beheer"));
    if ok {
        k.melding = Some(taal.s("Vastgelegd."));
    }
    Ok(html(Brievenpagina {
        k,
        gemeente,
        gemeenten,
        sjablonen,
        velden: VELDEN.to_vec(),
    }))
}

/// Saves one template's text for the chosen gemeente (or for all).
pub async fn opslaan(
    State(s): State<AppState>,
    b: Bezoeker,
    body: Bytes,
) -> Result<Response, Fout> {
    let taal = b.taal;
    if b.rol() != Some(Rol::Beheer) {
        return Err(Fout::Verboden(taal));
    }
    let f: Opslaan = b.formulier(&body)?;
    let sjabloon: Sjabloon = f
        .sjabloon
        .parse()
        .map_err(|e: String| Fout::Ongeldig(taal, e))?;
    let code = gemeente_van(&f.gemeente).map_err(|e| Fout::Ongeldig(taal, e))?;
    let actor = b.actor.clone();
    let tekst = f.tekst.clone();
    let r = s
        .run(move |app| app.sjabloon_opslaan(&actor, code.as_ref(), sjabloon, &tekst))
        .await;
    match r {
        Ok(_) => Ok(terug_naar(&format!(
            "/beheer/brieven?gemeente={}&ok=1",
            f.gemeente.trim()
        ))),
        Err(crate::error::ApiError::Invalid(m, _)) => {
            pagina(&s, &b, f.gemeente, false, Some((sjabloon, f.tekst, m))).await
        }
        Err(e) => Err(Fout::from_api(e, taal)),
    }
}
