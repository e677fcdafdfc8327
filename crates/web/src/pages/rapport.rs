//! The reports of the figures (docs/domain.md §9), each a page with its parameters as a plain GET
//! form, the SVG charts and tables of `leerrecht report`, and downloads as CSV, XLSX, PDF and
//! a printable HTML page. The figures hold no persons except the KPI's overdue list, which the
//! app fills only for readers the gate lets see them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use leerrecht_app::cijfers::{Gebied, Opties};
use leerrecht_app::uitvoer::Weergave;
use leerrecht_domain::schoolyear::SchoolYear;
use serde::Deserialize;

use super::tekst::Taal;
use super::{doe, html, Bezoeker, Fout, Kader};
use crate::AppState;

/// The reports: path, title, what it shows, and which parameters it takes.
pub const RAPPORTEN: [(&str, &str, &str); 8] = [
    (
        "peildatum",
        "Peildatumtabel",
        "Geregistreerden per categorie op peildata.",
    ),
    (
        "oorzaken",
        "Oorzaken",
        "Geregistreerden per hoofdoorzaak op een datum.",
    ),
    (
        "schooljaar",
        "Schooljaarcijfers",
        "Unieke thuiszitters en verzuimers per gebied in een schooljaar.",
    ),
    (
        "doelen",
        "Doelen",
        "Basis, doel en werkelijk aantal per gebied.",
    ),
    (
        "kpi",
        "Driemaanden-KPI",
        "Aanbod binnen drie maanden, mediaan, te laat.",
    ),
    (
        "leerplichttelling",
        "Leerplichttelling",
        "Absoluut en langdurig relatief verzuim, vrijstellingen.",
    ),
    (
        "inspectie",
        "Inspectie-overzicht",
        "Thuiszitters per samenwerkingsverband.",
    ),
    (
        "rmc",
        "RMC-cijfers",
        "Nieuwe voortijdig schoolverlaters van 18 tot 23 jaar per gemeente, bereikt en teruggeleid.",
    ),
];

#[derive(Template)]
#[template(path = "rapportages.html")]
struct Overzicht {
    k: Kader,
    rapporten: Vec<(&'static str, &'static str, &'static str)>,
    beleid: bool,
}

pub async fn overzicht(b: Bezoeker) -> Response {
    let t = b.taal;
    html(Overzicht {
        k: b.kader(t.s("Rapportages"), "/rapportages"),
        rapporten: RAPPORTEN
            .iter()
            .map(|(p, n, o)| (*p, t.s(n), t.s(o)))
            .collect(),
        beleid: !b.rol().is_some_and(|r| r.sees_persons()),
    })
}

/// The parameters of every report (each takes what it needs).
#[derive(Deserialize, Default, Clone)]
pub struct Vraag {
    #[serde(default)]
    datums: String,
    #[serde(default)]
    datum: String,
    #[serde(default)]
    jaar: String,
    #[serde(default)]
    basisjaar: String,
    #[serde(default)]
    reductie: String,
    #[serde(default)]
    gemeente: String,
    #[serde(default)]
    regio: String,
    #[serde(default)]
    swv: String,
    #[serde(default)]
    school: String,
    #[serde(default)]
    publiek: Option<String>,
    #[serde(default)]
    formaat: String,
}

#[derive(Template)]
#[template(path = "rapport.html")]
struct Rapportpagina {
    k: Kader,
    soort: &'static str,
    titel: String,
    toelichting: Vec<String>,
    inhoud: String,
    v: Vraag,
    met_datums: bool,
    met_datum: bool,
    met_jaar: bool,
    met_doel: bool,
    downloads: Vec<(String, &'static str)>,
}

fn leeg(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn datum(s: &str, veld: &str) -> Result<NaiveDate, String> {
    leerrecht_domain::date::parse_date(s.trim()).map_err(|e| format!("{veld}: {e}"))
}

fn jaar(s: &str, veld: &str) -> Result<SchoolYear, String> {
    s.trim()
        .parse()
        .map_err(|e: leerrecht_domain::schoolyear::SchoolYearError| format!("{veld}: {e}"))
}

pub async fn rapport(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(soort): Path<String>,
    Query(mut v): Query<Vraag>,
) -> Result<Response, Fout> {
    let taal = b.taal;
    let Some(&(soort, naam, _)) = RAPPORTEN.iter().find(|r| r.0 == soort) else {
        return Err(Fout::NietGevonden(taal));
    };
    // Defaults: today, this school year, the baseline of the covenant.
    let vandaag = chrono::Utc::now().date_naive();
    let dit_jaar = SchoolYear::containing(vandaag);
    if v.datums.trim().is_empty() {
        let j = vandaag.year();
        v.datums = format!(
            "01-10-{},01-10-{},{}",
            j - 2,
            j - 1,
            taal.datum_kort(&vandaag)
        );
    }
    if v.datum.trim().is_empty() {
        v.datum = taal.datum_kort(&vandaag);
    }
    if v.jaar.trim().is_empty() {
        v.jaar = dit_jaar.to_string();
    }
    if v.basisjaar.trim().is_empty() {
        v.basisjaar = "2018-2019".into();
    }
    if v.reductie.trim().is_empty() {
        v.reductie = "10".into();
    }
    let opties = Opties {
        gebied: Gebied {
            gemeente: leeg(&v.gemeente),
            regio: leeg(&v.regio),
            swv: leeg(&v.swv),
            school: leeg(&v.school),
        },
        publiek: v.publiek.is_some(),
        bekend_op: None,
    };
    let ongeldig = |m: String| Fout::Ongeldig(taal, m);
    let (actor, regels, q) = (b.actor.clone(), s.cfg().escalatie, v.clone());
    let w: Weergave = match soort {
        "peildatum" => {
            let dates = q
                .datums
                .split(',')
                .map(|d| datum(d, "datums"))
                .collect::<Result<Vec<_>, _>>()
                .map_err(ongeldig)?;
            doe(&s, taal, move |app| {
                Ok(app.rapport_peildatum(&actor, &dates, &opties)?.weergave())
            })
            .await?
        }
        "oorzaken" | "inspectie" => {
            let d = datum(&q.datum, "datum").map_err(ongeldig)?;
            let inspectie = soort == "inspectie";
            doe(&s, taal, move |app| {
                Ok(if inspectie {
                    app.rapport_inspectie(&actor, d, &regels, &opties)?
                        .weergave()
                } else {
                    app.rapport_oorzaken(&actor, d, &opties)?.weergave()
                })
            })
            .await?
        }
        "schooljaar" => {
            let j = jaar(&q.jaar, "jaar").map_err(ongeldig)?;
            doe(&s, taal, move |app| {
                Ok(app.rapport_schooljaar(&actor, j, &opties)?.weergave())
            })
            .await?
        }
        "doelen" => {
            let j = jaar(&q.jaar, "jaar").map_err(ongeldig)?;
            let basis = jaar(&q.basisjaar, "basisjaar").map_err(ongeldig)?;
            let r: f64 = q
                .reductie
                .trim()
                .replace(',', ".")
                .parse()
                .ok()
                .filter(|r| (0.0..=100.0).contains(r))
                .ok_or_else(|| ongeldig("reductie: 0 tot en met 100".into()))?;
            let d = datum(&q.datum, "datum").map_err(ongeldig)?;
            doe(&s, taal, move |app| {
                Ok(app
                    .rapport_doelen(&actor, basis, r, j, d, &opties)?
                    .weergave())
            })
            .await?
        }
        "kpi" | "leerplichttelling" | "rmc" => {
            let j = jaar(&q.jaar, "jaar").map_err(ongeldig)?;
            let d = datum(&q.datum, "datum").map_err(ongeldig)?;
            doe(&s, taal, move |app| {
                Ok(match soort {
                    "kpi" => app.rapport_kpi(&actor, j, d, &regels, &opties)?.weergave(),
                    "rmc" => app.rapport_rmc(&actor, j, d, &opties)?.weergave(),
                    _ => app
                        .rapport_leerplichttelling(&actor, j, d, &regels, &opties)?
                        .weergave(),
                })
            })
            .await?
        }
        _ => return Err(Fout::NietGevonden(taal)),
    };
    // The page's language for the report too: its labels, and its numbers in every format.
    let w = if taal == Taal::En {
        w.in_het_engels()
    } else {
        w
    };
    // CSV keeps the files' ISO dates; every other form is read by a person.
    let w = if v.formaat == "csv" {
        w
    } else {
        w.datums_voor_lezers()
    };
    let bestand = |ext: &str| format!("attachment; filename=\"{soort}.{ext}\"");
    match v.formaat.as_str() {
        "csv" => {
            return Ok(download(
                w.csv().into_bytes(),
                "text/csv; charset=utf-8",
                &bestand("csv"),
            ))
        }
        "xlsx" => {
            let bytes = w.xlsx().map_err(|_| Fout::Intern(taal))?;
            return Ok(download(
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &bestand("xlsx"),
            ));
        }
        "pdf" => {
            return Ok(download(w.pdf(), "application/pdf", &bestand("pdf")));
        }
        "html" => return Ok(printbaar(w.html(), &format!("{soort}.html"))),
        _ => {}
    }
    let query = serde_urlencoded::to_string(Vraag {
        formaat: String::new(),
        ..v.clone()
    })
    .unwrap_or_default();
    let t = taal.s(naam);
    let p = Rapportpagina {
        k: b.kader(t, "/rapportages")
            .kruimel("/rapportages", taal.s("Rapportages"))
            .kruimel(&format!("/rapportages/{soort}"), t),
        soort,
        titel: w.titel.clone(),
        toelichting: w.toelichting.clone(),
        inhoud: w.html_inhoud(),
        met_datums: soort == "peildatum",
        met_datum: matches!(
            soort,
            "oorzaken" | "inspectie" | "doelen" | "kpi" | "leerplichttelling" | "rmc"
        ),
        met_jaar: matches!(
            soort,
            "schooljaar" | "doelen" | "kpi" | "leerplichttelling" | "rmc"
        ),
        met_doel: soort == "doelen",
        downloads: ["csv", "xlsx", "pdf", "html"]
            .into_iter()
            .map(|f| {
                (
                    format!("/rapportages/{soort}?{query}&formaat={f}"),
                    match f {
                        "csv" => "CSV",
                        "xlsx" => "Excel (XLSX)",
                        "pdf" => "PDF",
                        _ => taal.s("Printbare pagina (HTML)"),
                    },
                )
            })
            .collect(),
        v,
    };
    Ok(html(p))
}

impl serde::Serialize for Vraag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Vraag", 11)?;
        for (k, v) in [
            ("datums", &self.datums),
            ("datum", &self.datum),
            ("jaar", &self.jaar),
            ("basisjaar", &self.basisjaar),
            ("reductie", &self.reductie),
            ("gemeente", &self.gemeente),
            ("regio", &self.regio),
            ("swv", &self.swv),
            ("school", &self.school),
        ] {
            st.serialize_field(k, v)?;
        }
        if self.publiek.is_some() {
            st.serialize_field("publiek", "ja")?;
        } else {
            st.skip_field("publiek")?;
        }
        st.end()
    }
}

/// The printable page opens in the browser (`inline`; saved under its file name). It carries
/// its own style sheet in a `<style>` element, which its content security policy allows by
/// that sheet's hash alone; like every page it runs no script and loads nothing.
fn printbaar(pagina: String, bestand: &str) -> Response {
    use data_encoding::BASE64;
    use sha2::{Digest, Sha256};
    let stijl = pagina
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map_or("", |(css, _)| css);
    let beleid = format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src data:; form-action 'none'; \
         frame-ancestors 'none'; base-uri 'none'",
        BASE64.encode(&Sha256::digest(stijl.as_bytes()))
    );
    let mut r = download(
        pagina.into_bytes(),
        "text/html; charset=utf-8",
        &format!("inline; filename=\"{bestand}\""),
    );
    if let Ok(v) = HeaderValue::from_str(&beleid) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

pub(crate) fn download(body: Vec<u8>, soort: &'static str, bestand: &str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(soort));
    if let Ok(v) = HeaderValue::from_str(bestand) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}
