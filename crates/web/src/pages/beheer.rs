//! Administration: the organisations of the region, the accounts (which `beheer` may
//! disable or mark for a new second factor, which the owner sets up at the next login), the school calendar and the versions of the signal
//! rules. Other changes go through the import files, `leerrecht user …` and
//! `leerrecht.toml`, which check and audit them.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{doe, html, terug_naar, Bezoeker, Fout, Kader};
use crate::AppState;

#[derive(Template)]
#[template(path = "beheer.html")]
struct Beheerpagina {
    k: Kader,
    organisaties: Vec<[String; 6]>,
    gebruikers: Vec<[String; 6]>,
    kalender: Vec<[String; 4]>,
    regels: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct Ok {
    ok: Option<String>,
}

pub async fn beheer(
    State(s): State<AppState>,
    b: Bezoeker,
    Query(q): Query<Ok>,
) -> Result<Response, Fout> {
    pagina(&s, &b, q.ok.as_deref()).await
}

async fn pagina(s: &AppState, b: &Bezoeker, ok: Option<&str>) -> Result<Response, Fout> {
    let taal = b.taal;
    if b.rol() != Some(leerrecht_domain::org::Rol::Beheer) {
        return Err(Fout::Verboden(taal));
    }
    let actor = b.actor.clone();
    let (orgs, users, kal, regels) = doe(s, taal, move |app| {
        Ok((
            app.organisaties(&actor)?,
            app.user_list(&actor)?,
            app.kalender(&actor)?,
            app.regelversies(&actor)?,
        ))
    })
    .await?;
    let ja = |b: bool| taal.s(if b { "ja" } else { "nee" }).to_string();
    let mut k = b.kader(taal.s("Beheer"), "/beheer");
    k.melding = match ok {
        Some("tweede-factor") => Some(
            taal.s("Tweede factor aangevraagd: de gebruiker stelt die in bij de volgende inlog."),
        ),
        Some(_) => Some(taal.s("Vastgelegd.")),
        None => None,
    };
    let p = Beheerpagina {
        k,
        organisaties: orgs
            .into_iter()
            .map(|o| {
                [
                    o.code.as_str().to_string(),
                    o.soort.code().to_string(),
                    o.naam,
                    o.gemeente
                        .map(|g| g.as_str().to_string())
                        .unwrap_or_default(),
                    o.regio.unwrap_or_default(),
                    o.bedient
                        .iter()
                        .map(|g| g.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect(),
        gebruikers: users
            .into_iter()
            .map(|u| {
                [
                    u.gebruikersnaam,
                    u.rol,
                    u.organisatie,
                    ja(u.actief),
                    ja(u.tweede_factor),
                    ja(u.geblokkeerd),
                ]
            })
            .collect(),
        kalender: kal
            .into_iter()
            .take(200)
            .map(|v| {
                [
                    v.naam,
                    taal.datum_kort(&v.van),
                    taal.datum_kort(&v.tot),
                    v.school
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| taal.s("alle scholen").to_string()),
                ]
            })
            .collect(),
        regels: regels
            .into_iter()
            .map(|(d, r)| (taal.datum_kort(&d), r))
            .collect(),
    };
    Ok(html(p))
}

/// Disables an account and ends its sessions.
pub async fn uitschakelen(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(naam): Path<String>,
    body: Bytes,
) -> Result<Response, Fout> {
    b.formulier::<serde::de::IgnoredAny>(&body)?;
    let actor = b.actor.clone();
    doe(&s, b.taal, move |app| app.user_disable(&actor, &naam)).await?;
    Ok(terug_naar("/beheer?ok=1"))
}

/// Asks for a new second factor for an account: its owner sets it up at the next login, and
/// the secret is shown to the owner alone.
pub async fn tweede_factor(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(naam): Path<String>,
    body: Bytes,
) -> Result<Response, Fout> {
    b.formulier::<serde::de::IgnoredAny>(&body)?;
    let actor = b.actor.clone();
    doe(&s, b.taal, move |app| app.user_vraag_2fa(&actor, &naam)).await?;
    Ok(terug_naar("/beheer?ok=tweede-factor"))
}
