//! Reading in a file from the browser (docs/domain.md §12): beheer the organisations, the
//! calendar and the register of people, leerplicht the thuiszitters list and the parents of
//! its own gemeenten. The file is stored as it arrives, then checked in full (the dry run:
//! counts, and every bad row with its line, column and reason) before anything is written;
//! only then does the user read it in, all or nothing, through the same use case as the
//! command. Both run in the background: the page shows a progress bar and looks again every
//! second (no script), so a large file meets no timeout of the page.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use leerrecht_app::register::import::{inlezen_actie, ImportKind, ImportReport};
use leerrecht_app::toegang::authorize;
use leerrecht_app::Actor;
use tokio::io::AsyncWriteExt;

use super::{html, Bezoeker, Fout, Kader};
use crate::AppState;

/// The largest file accepted: 1 GiB.
pub const MAX_BESTAND: usize = 1 << 30;

/// How long a file read in stays on the server unread, or its outcome on its page.
const BEWAREN: Duration = Duration::from_secs(60 * 60);

/// The kinds of file, in the order the form offers them.
const SOORTEN: [(ImportKind, &str); 6] = [
    (ImportKind::Organisaties, "Organisaties"),
    (ImportKind::Kalender, "Kalender"),
    (ImportKind::Jongeren, "Jongeren"),
    (ImportKind::Inschrijvingen, "Inschrijvingen"),
    (ImportKind::Registraties, "Registraties (thuiszitterslijst)"),
    (ImportKind::Verzorgers, "Ouders en verzorgers"),
];

/// The kinds this reader may read in.
fn soorten(actor: &Actor) -> Vec<(ImportKind, &'static str)> {
    SOORTEN
        .into_iter()
        .filter(|(k, _)| authorize(actor, inlezen_actie(*k)).is_ok())
        .collect()
}

/// Where a file read in stands.
enum Stand {
    Proef,
    ProefKlaar(ImportReport),
    Inlezen,
    Klaar(ImportReport),
    Mislukt(String),
}

/// One file read in from the browser: whose, what, and where it stands.
pub struct Invoertaak {
    eigenaar: String,
    soort: ImportKind,
    bestand: String,
    pad: tempfile::TempPath,
    sinds: Instant,
    grootte: AtomicU64,
    gelezen: Mutex<Option<Arc<AtomicU64>>>,
    stand: Mutex<Stand>,
}

impl Invoertaak {
    fn stand(&self) -> std::sync::MutexGuard<'_, Stand> {
        self.stand.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Still checking or reading in.
    fn bezig(&self) -> bool {
        matches!(*self.stand(), Stand::Proef | Stand::Inlezen)
    }
}

fn eigenaar(b: &Bezoeker) -> Result<String, Fout> {
    match &b.actor {
        Actor::Gebruiker(g) => Ok(g.gebruikersnaam.clone()),
        _ => Err(Fout::Verboden(b.taal)),
    }
}

#[derive(Template)]
#[template(path = "inlezen.html")]
struct Inlezenpagina {
    k: Kader,
    soorten: Vec<(String, &'static str)>,
    taak: Option<Taakweergave>,
}

/// A file read in, as its page shows it.
struct Taakweergave {
    id: String,
    soort: &'static str,
    bestand: String,
    /// Still working: the page offers to look again.
    bezig: bool,
    /// Bytes read of the whole, while working.
    voortgang: (u64, u64),
    procent: u64,
    wat: String,
    /// The outcome: rows, new, changed, unchanged, how it was read.
    uitkomst: Option<[String; 5]>,
    fouten: Vec<(u64, String, String)>,
    /// The dry run found nothing wrong: the user may read it in now.
    klaar_voor_inlezen: bool,
    ingelezen: bool,
}

pub async fn formulier(b: Bezoeker) -> Result<Response, Fout> {
    let soorten = soorten(&b.actor);
    if soorten.is_empty() {
        return Err(Fout::Verboden(b.taal));
    }
    let t = b.taal;
    Ok(html(Inlezenpagina {
        k: b.kader(t.s("Bestand inlezen"), "/inlezen"),
        soorten: soorten
            .into_iter()
            .map(|(k, l)| (k.to_string(), t.s(l)))
            .collect(),
        taak: None,
    }))
}

/// The form's file arrives: the CSRF token first (a file without it is not written), the
/// kind, then the file, written to a temporary file as it arrives; then the dry run starts.
pub async fn versturen(
    State(s): State<AppState>,
    b: Bezoeker,
    mut mp: Multipart,
) -> Result<Response, Fout> {
    let taal = b.taal;
    let wie = eigenaar(&b)?;
    let ongeldig = |m: &'static str| Fout::Ongeldig(taal, taal.s(m).to_string());
    let mut csrf = String::new();
    let mut soort = None;
    let mut bestand = None;
    while let Some(mut veld) = mp
        .next_field()
        .await
        .map_err(|_| ongeldig("het bestand kwam niet goed aan"))?
    {
        match veld.name() {
            Some("csrf") => csrf = veld.text().await.unwrap_or_default(),
            Some("soort") => {
                let code = veld.text().await.unwrap_or_default();
                soort = soorten(&b.actor)
                    .into_iter()
                    .map(|(k, _)| k)
                    .find(|k| k.to_string() == code);
            }
            Some("bestand") => {
                b.check(&csrf)?;
                let naam = veld
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                    .unwrap_or_default();
                let xlsx = naam.to_ascii_lowercase().ends_with(".xlsx");
                let tijdelijk = tempfile::Builder::new()
                    .prefix("leerrecht-inlezen-")
                    .suffix(if xlsx { ".xlsx" } else { ".csv" })
                    .tempfile()
                    .map_err(|_| Fout::Intern(taal))?;
                let (f, pad) = tijdelijk.into_parts();
                let mut f = tokio::fs::File::from_std(f);
                let mut grootte = 0u64;
                while let Some(stuk) = veld
                    .chunk()
                    .await
                    .map_err(|_| ongeldig("het bestand kwam niet goed aan"))?
                {
                    grootte += stuk.len() as u64;
                    f.write_all(&stuk).await.map_err(|_| Fout::Intern(taal))?;
                }
                f.flush().await.map_err(|_| Fout::Intern(taal))?;
                if grootte == 0 {
                    return Err(ongeldig("kies een bestand"));
                }
                bestand = Some((naam, pad, grootte));
            }
            _ => {}
        }
    }
    b.check(&csrf)?;
    let soort = soort.ok_or_else(|| ongeldig("kies wat voor bestand het is"))?;
    let (naam, pad, grootte) = bestand.ok_or_else(|| ongeldig("kies een bestand"))?;
    let id = leerrecht_app::toegang::auth::new_token("");
    let taak = Arc::new(Invoertaak {
        eigenaar: wie,
        soort,
        bestand: naam,
        pad,
        sinds: Instant::now(),
        grootte: AtomicU64::new(grootte),
        gelezen: Mutex::new(None),
        stand: Mutex::new(Stand::Proef),
    });
    {
        let mut alle = s.invoer();
        alle.retain(|_, t| t.sinds.elapsed() < BEWAREN);
        alle.insert(id.clone(), taak.clone());
    }
    starten(&s, b.actor.clone(), taak, true);
    Ok(Redirect::to(&format!("/inlezen/{id}")).into_response())
}

/// Runs the dry run or the import of `taak` in the background, through the use case of the
/// command, and records its outcome.
fn starten(s: &AppState, actor: Actor, taak: Arc<Invoertaak>, proef: bool) {
    let s = s.clone();
    tokio::spawn(async move {
        let t = taak.clone();
        let uitkomst = s
            .run(move |app| {
                app.import_met(
                    &actor,
                    t.soort,
                    &t.pad,
                    None,
                    proef,
                    &mut |grootte, gelezen| {
                        t.grootte.store(grootte, Ordering::Relaxed);
                        *t.gelezen.lock().unwrap_or_else(|e| e.into_inner()) = Some(gelezen);
                    },
                )
            })
            .await;
        *taak.stand() = match uitkomst {
            Ok(r) if proef => Stand::ProefKlaar(r),
            Ok(r) => Stand::Klaar(r),
            Err(
                crate::ApiError::Invalid(m, _)
                | crate::ApiError::BadRequest(m, _)
                | crate::ApiError::Forbidden(m)
                | crate::ApiError::Unavailable(m),
            ) => Stand::Mislukt(m),
            Err(e) => {
                tracing::error!(fout = ?e, "inlezen");
                Stand::Mislukt("onverwachte fout; zie het logboek van de server".into())
            }
        };
    });
}

/// The file `id` of this user, or not found (another's file is not shown to be there).
fn taak_van(s: &AppState, b: &Bezoeker, id: &str) -> Result<Arc<Invoertaak>, Fout> {
    let wie = eigenaar(b)?;
    s.invoer()
        .get(id)
        .filter(|t| t.eigenaar == wie)
        .cloned()
        .ok_or(Fout::NietGevonden(b.taal))
}

pub async fn stand(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(id): Path<String>,
) -> Result<Response, Fout> {
    let taak = taak_van(&s, &b, &id)?;
    // A page that refreshed itself would take the reader's place away (WCAG 2.2.1): the page
    // waits up to two seconds for the work to end, and while it runs offers to look again.
    let tot = Instant::now() + Duration::from_secs(2);
    while taak.bezig() && Instant::now() < tot {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let t = b.taal;
    let soort = SOORTEN
        .iter()
        .find(|(k, _)| *k == taak.soort)
        .map_or("", |(_, l)| t.s(l));
    let grootte = taak.grootte.load(Ordering::Relaxed);
    let gelezen = taak
        .gelezen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map_or(0, |g| g.load(Ordering::Relaxed))
        .min(grootte);
    let uitkomst = |r: &ImportReport| {
        Some([
            t.getal(r.rows as i64),
            t.getal(r.counts.nieuw as i64),
            t.getal(r.counts.gewijzigd as i64),
            t.getal(r.counts.ongewijzigd as i64),
            r.gelezen.clone().unwrap_or_default(),
        ])
    };
    let fouten = |r: &ImportReport| {
        r.errors
            .iter()
            .map(|e| (e.line, e.column.clone(), e.reason.clone()))
            .collect()
    };
    let mut w = Taakweergave {
        id: id.clone(),
        soort,
        bestand: taak.bestand.clone(),
        bezig: false,
        voortgang: (gelezen, grootte),
        procent: (gelezen * 100).checked_div(grootte).unwrap_or(0),
        wat: String::new(),
        uitkomst: None,
        fouten: Vec::new(),
        klaar_voor_inlezen: false,
        ingelezen: false,
    };
    match &*taak.stand() {
        Stand::Proef => {
            w.bezig = true;
            w.wat = t
                .s("Het bestand wordt gecontroleerd; er wordt nog niets ingelezen.")
                .into();
        }
        Stand::Inlezen => {
            w.bezig = true;
            w.wat = t.s("Het bestand wordt ingelezen.").into();
        }
        Stand::ProefKlaar(r) => {
            w.uitkomst = uitkomst(r);
            w.fouten = fouten(r);
            w.klaar_voor_inlezen = r.errors.is_empty();
            w.wat = if r.errors.is_empty() {
                t.s("Gecontroleerd: er is niets fout. Er is nog niets ingelezen.")
                    .into()
            } else {
                t.s("Gecontroleerd: er zijn fouten, dus er wordt niets ingelezen. Verbeter het bestand en lees het opnieuw in.").into()
            };
        }
        Stand::Klaar(r) => {
            w.uitkomst = uitkomst(r);
            w.fouten = fouten(r);
            w.ingelezen = r.committed;
            w.wat = if r.committed {
                t.s("Ingelezen.").into()
            } else {
                t.s("Niet ingelezen: er is niets geschreven.").into()
            };
        }
        Stand::Mislukt(m) => {
            w.wat = format!("{} {m}", t.s("Niet gelukt:"));
        }
    }
    Ok(html(Inlezenpagina {
        k: b.kader(t.s("Bestand inlezen"), "/inlezen"),
        soorten: Vec::new(),
        taak: Some(w),
    }))
}

/// After a dry run without errors: read the file in.
pub async fn doorgaan(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, Fout> {
    let f: std::collections::HashMap<String, String> =
        serde_urlencoded::from_bytes(&body).unwrap_or_default();
    b.check(f.get("csrf").map_or("", String::as_str))?;
    let taak = taak_van(&s, &b, &id)?;
    {
        let mut stand = taak.stand();
        match &*stand {
            Stand::ProefKlaar(r) if r.errors.is_empty() => *stand = Stand::Inlezen,
            _ => {
                return Err(Fout::Ongeldig(
                    b.taal,
                    b.taal
                        .s("dit bestand kan nu niet worden ingelezen")
                        .to_string(),
                ))
            }
        }
    }
    *taak.gelezen.lock().unwrap_or_else(|e| e.into_inner()) = None;
    starten(&s, b.actor.clone(), taak, false);
    Ok(Redirect::to(&format!("/inlezen/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::tekst::Taal;

    /// While a file is checked, its page shows how far it is and a link to look again; it
    /// never reloads itself (a screen reader would lose its place).
    #[test]
    fn a_running_file_offers_to_look_again_and_does_not_refresh_itself() {
        let pagina = |bezig: bool| {
            Inlezenpagina {
                k: Kader::new(Taal::Nl, "Bestand inlezen", None, "/inlezen"),
                soorten: Vec::new(),
                taak: Some(Taakweergave {
                    id: "abc".into(),
                    soort: "jongeren",
                    bestand: "jongeren.csv".into(),
                    bezig,
                    voortgang: (30, 120),
                    procent: 25,
                    wat: "Het bestand wordt gecontroleerd.".into(),
                    uitkomst: None,
                    fouten: Vec::new(),
                    klaar_voor_inlezen: false,
                    ingelezen: false,
                }),
            }
            .render()
            .unwrap()
        };
        let bezig = pagina(true);
        assert!(!bezig.contains("http-equiv"), "{bezig}");
        assert!(
            bezig.contains(r#"id="inlezen-bijwerken" href="/inlezen/abc""#),
            "{bezig}"
        );
        assert!(
            bezig.contains(r#"value="30""#) && bezig.contains("25%"),
            "{bezig}"
        );
        let klaar = pagina(false);
        assert!(!klaar.contains("inlezen-bijwerken") && !klaar.contains("http-equiv"));
    }
}
