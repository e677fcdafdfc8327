//! Break the glass: a user of a role that sees persons asks for emergency access to one
//! person outside their scope, found by BSN or onderwijsnummer in the form's body (never in
//! an address), with a written reason and a duration. The app grants it (at most 24 hours,
//! flagged in the audit log) and the file opens, under a warning.

use std::str::FromStr;

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use leerrecht_domain::ids::LeerlingId;
use serde::Deserialize;

use super::{doe, html, terug_naar, Bezoeker, Fout, Kader};
use crate::AppState;

/// The durations offered, in hours.
const UREN: [u32; 4] = [1, 4, 8, 24];

#[derive(Template)]
#[template(path = "noodtoegang.html")]
struct Noodtoegangpagina {
    k: Kader,
    /// A reason that concerns the whole form, above it.
    fout: Option<String>,
    /// A reason next to its field: `bsn` or `reden`.
    veld: &'static str,
    veldfout: String,
    reden: String,
    uren: Vec<u32>,
    gekozen: u32,
    min_tekens: usize,
}

fn pagina(b: &Bezoeker, fout: Option<String>, reden: String, gekozen: u32) -> Noodtoegangpagina {
    Noodtoegangpagina {
        k: b.kader(b.taal.s("Noodtoegang"), "")
            .kruimel("/zoeken", b.taal.s("Zoeken")),
        fout,
        veld: "",
        veldfout: String::new(),
        reden,
        uren: UREN.to_vec(),
        gekozen,
        min_tekens: leerrecht_app::toegang::NOODTOEGANG_REDEN_MIN,
    }
}

pub async fn formulier(b: Bezoeker) -> Result<Response, Fout> {
    if !b.rol().is_some_and(|r| r.sees_persons()) {
        return Err(Fout::Verboden(b.taal));
    }
    Ok(html(pagina(&b, None, String::new(), 1)))
}

#[derive(Deserialize)]
struct Vraag {
    #[serde(default)]
    bsn: String,
    #[serde(default)]
    reden: String,
    #[serde(default)]
    uren: String,
}

pub async fn aanvragen(
    State(s): State<AppState>,
    b: Bezoeker,
    body: Bytes,
) -> Result<Response, Fout> {
    let v: Vraag = b.formulier(&body)?;
    let uren = v
        .uren
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|u| UREN.contains(u))
        .unwrap_or(1);
    // The number is never repeated back, in the page or in an error.
    let Ok(leerling) = LeerlingId::from_str(v.bsn.trim()) else {
        let m = b.taal.s("geen geldig nummer (11-proef)").to_string();
        return Ok(opnieuw(&b, "bsn", m, v.reden, uren));
    };
    let actor = b.actor.clone();
    let reden = v.reden.clone();
    let r = doe(&s, b.taal, move |app| {
        app.noodtoegang(
            &actor,
            leerling,
            &reden,
            chrono::Duration::hours(i64::from(uren)),
        )?;
        app.jongere_zoeken(&actor, leerling)
    })
    .await;
    match r {
        Ok(kop) => Ok(terug_naar(&format!("/jongeren/{}", kop.id))),
        // Too short a reason is answered next to it, in the page's language.
        Err(Fout::Ongeldig(_, m)) if m.starts_with("reden:") => {
            let m = format!(
                "{} {}",
                b.taal.s("schrijf op waarom; minstens zoveel tekens:"),
                leerrecht_app::toegang::NOODTOEGANG_REDEN_MIN
            );
            Ok(opnieuw(&b, "reden", m, v.reden, uren))
        }
        Err(Fout::Ongeldig(_, m)) => Ok(opnieuw(&b, "", m, v.reden, uren)),
        Err(e) => Err(e),
    }
}

/// The form again with the reason it was refused (422) next to its field (`veld`; empty:
/// above the form), the written reason and the duration kept; the number is not.
fn opnieuw(b: &Bezoeker, veld: &'static str, m: String, reden: String, uren: u32) -> Response {
    let mut p = pagina(b, None, reden, uren);
    if veld.is_empty() {
        p.fout = Some(m);
    } else {
        p.veld = veld;
        p.veldfout = m;
    }
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(p)).into_response()
}
