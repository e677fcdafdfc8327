//! Administration: the organisations of the region, the accounts (which `beheer` may
//! disable or mark for a new second factor, which the owner sets up at the next login), the school calendar and the versions of the signal
//! rules, and the daily jobs' latest runs. Other changes go through the import files, `leerrecht user …` and
//! `leerrecht.toml`, which check and audit them.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use leerrecht_app::App;

use super::{doe, html, terug_naar, Bezoeker, Fout, Kader};
use crate::AppState;

#[derive(Template)]
#[template(path = "beheer.html")]
struct Beheerpagina {
    k: Kader,
    zoek: String,
    organisaties: Blad<6>,
    gebruikers: Blad<7>,
    kalender: Blad<4>,
    /// Each rule version's thresholds: valid from, threshold, value.
    regels: Vec<(String, String, String)>,
    /// The daily jobs: job, time of day, latest start, duration, outcome.
    taken: Vec<[String; 5]>,
    /// The e-mail outbox: waiting, of which failed, sent; and the last failure with when.
    mail: ([String; 3], Option<(String, String)>),
}

/// Rows of a table shown a page at a time.
const PER_BLAD: usize = 50;

/// One page of a table's rows that match the search: the rows, which rows of how many, and
/// the addresses of the pages before and after.
pub struct Blad<const N: usize> {
    rijen: Vec<[String; N]>,
    bereik: String,
    vorige: Option<String>,
    volgende: Option<String>,
}

/// The rows whose cells hold `zoek` (ignoring case), page `nr` of them (from 1); `adres`
/// makes the address of another page.
fn blad<const N: usize>(
    rijen: Vec<[String; N]>,
    zoek: &str,
    nr: usize,
    taal: super::tekst::Taal,
    adres: impl Fn(usize) -> String,
) -> Blad<N> {
    let zoek = zoek.trim().to_lowercase();
    let passend: Vec<[String; N]> = rijen
        .into_iter()
        .filter(|r| zoek.is_empty() || r.iter().any(|c| c.to_lowercase().contains(&zoek)))
        .collect();
    let totaal = passend.len();
    let bladen = totaal.div_ceil(PER_BLAD).max(1);
    let nr = nr.clamp(1, bladen);
    let van = (nr - 1) * PER_BLAD;
    let rijen: Vec<[String; N]> = passend.into_iter().skip(van).take(PER_BLAD).collect();
    let bereik = if totaal == 0 {
        taal.s("geen").to_string()
    } else {
        format!(
            "{}–{} {} {}",
            taal.getal((van + 1) as i64),
            taal.getal((van + rijen.len()) as i64),
            taal.s("van"),
            taal.getal(totaal as i64)
        )
    };
    Blad {
        rijen,
        bereik,
        vorige: (nr > 1).then(|| adres(nr - 1)),
        volgende: (nr < bladen).then(|| adres(nr + 1)),
    }
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct Ok {
    ok: Option<String>,
    /// Text to look for in organisations, users and the calendar.
    #[serde(default)]
    zoek: String,
    /// The page of each table, from 1.
    #[serde(default)]
    org: Option<usize>,
    #[serde(default)]
    gebr: Option<usize>,
    #[serde(default)]
    kal: Option<usize>,
}

pub async fn beheer(
    State(s): State<AppState>,
    b: Bezoeker,
    Query(q): Query<Ok>,
) -> Result<Response, Fout> {
    pagina(&s, &b, q).await
}

async fn pagina(s: &AppState, b: &Bezoeker, q: Ok) -> Result<Response, Fout> {
    let ok = q.ok.as_deref();
    let taal = b.taal;
    if b.rol() != Some(leerrecht_domain::org::Rol::Beheer) {
        return Err(Fout::Verboden(taal));
    }
    let actor = b.actor.clone();
    let taken_config = s.cfg().taken.clone();
    let (orgs, users, kal, regels, taken, mail) = doe(s, taal, move |app| {
        Ok((
            app.organisaties(&actor)?,
            app.user_list(&actor)?,
            app.kalender(&actor)?,
            app.regelversies(&actor)?,
            app.taken_stand(&actor, &taken_config)?,
            app.mail_stand(&actor)?,
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
    // The address of the page with one table moved to page `nr`, the others kept.
    let adres = |tabel: &str, nr: usize| {
        let mut v = q.clone();
        v.ok = None;
        match tabel {
            "org" => v.org = Some(nr),
            "gebr" => v.gebr = Some(nr),
            _ => v.kal = Some(nr),
        }
        let mut a = form_urlencoded::Serializer::new(String::new());
        if !v.zoek.is_empty() {
            a.append_pair("zoek", &v.zoek);
        }
        for (n, w) in [("org", v.org), ("gebr", v.gebr), ("kal", v.kal)] {
            if let Some(w) = w {
                a.append_pair(n, &w.to_string());
            }
        }
        format!("/beheer?{}", a.finish())
    };
    let p = Beheerpagina {
        k,
        zoek: q.zoek.clone(),
        taken: taken.iter().map(|t| taak_rij(t, taal)).collect(),
        mail: (
            [
                taal.getal(mail.wachtend as i64),
                taal.getal(mail.mislukt as i64),
                taal.getal(mail.verzonden as i64),
            ],
            mail.laatste_fout.map(|(fout, t)| {
                (
                    fout,
                    t.with_timezone(&chrono::Local)
                        .format("%d-%m-%Y %H:%M")
                        .to_string(),
                )
            }),
        ),
        regels: regels
            .into_iter()
            .flat_map(|(d, r)| {
                let datum = taal.datum_kort(&d);
                // The thresholds as rows; a version that is not an object shows as it is.
                match serde_json::from_str::<serde_json::Value>(&r) {
                    Ok(serde_json::Value::Object(m)) => m
                        .into_iter()
                        .map(|(k, v)| (datum.clone(), k, v.to_string()))
                        .collect::<Vec<_>>(),
                    _ => vec![(datum, String::new(), r)],
                }
            })
            .collect(),
        organisaties: blad(
            orgs.into_iter()
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
                .collect::<Vec<_>>(),
            &q.zoek,
            q.org.unwrap_or(1),
            taal,
            |n| adres("org", n),
        ),
        gebruikers: blad(
            users
                .into_iter()
                .map(|u| {
                    [
                        u.gebruikersnaam,
                        u.rol,
                        u.organisatie,
                        ja(u.actief),
                        ja(u.tweede_factor),
                        ja(u.sso),
                        ja(u.geblokkeerd),
                    ]
                })
                .collect::<Vec<_>>(),
            &q.zoek,
            q.gebr.unwrap_or(1),
            taal,
            |n| adres("gebr", n),
        ),
        kalender: blad(
            kal.into_iter()
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
                .collect::<Vec<_>>(),
            &q.zoek,
            q.kal.unwrap_or(1),
            taal,
            |n| adres("kal", n),
        ),
    };
    Ok(html(p))
}

/// A daily job as a row of the beheer page, its moments in the server's local time.
fn taak_rij(t: &leerrecht_app::taken::TaakStand, taal: super::tekst::Taal) -> [String; 5] {
    use leerrecht_app::taken::Taak;
    let naam = taal.s(match t.taak {
        Taak::Signalen => "Signalen bijwerken",
        Taak::Escaleren => "Escalaties",
        Taak::Bewaartermijn => "Bewaartermijn",
        Taak::Backup => "Backup",
        Taak::Notificaties => "Overzichten per e-mail",
    });
    let (start, duur, uitkomst) = match &t.laatste {
        None => (taal.s("nog niet").to_string(), String::new(), String::new()),
        Some(r) => (
            r.gestart
                .with_timezone(&chrono::Local)
                .format("%d-%m-%Y %H:%M")
                .to_string(),
            r.duur_ms
                .map(|ms| {
                    let s = format!("{:.1} s", ms as f64 / 1e3);
                    match taal {
                        super::tekst::Taal::Nl => s.replace('.', ","),
                        super::tekst::Taal::En => s,
                    }
                })
                .unwrap_or_default(),
            match r.uitkomst.as_deref() {
                None => taal.s("bezig").to_string(),
                Some(u) if u.starts_with("ok") => taal.s("gelukt").to_string(),
                // The message is the operator's: the job's own words, no personal data.
                Some(u) => format!("{}: {}", taal.s("mislukt"), u.trim_start_matches("fout: ")),
            },
        ),
    };
    [
        naam.to_string(),
        t.tijd.format("%H:%M").to_string(),
        start,
        duur,
        uitkomst,
    ]
}

/// A button on one account: the form's token is checked, the use case runs for the account
/// named in the address, and the page comes back saying `ok`.
async fn op_account<F>(
    s: &AppState,
    b: &Bezoeker,
    body: &[u8],
    naam: String,
    ok: &str,
    f: F,
) -> Result<Response, Fout>
where
    F: FnOnce(&App, &leerrecht_app::Actor, &str) -> leerrecht_app::Result<()> + Send + 'static,
{
    b.formulier::<serde::de::IgnoredAny>(body)?;
    let actor = b.actor.clone();
    doe(s, b.taal, move |app| f(app, &actor, &naam)).await?;
    Ok(terug_naar(&format!("/beheer?ok={ok}")))
}

/// Disables an account and ends its sessions.
pub async fn uitschakelen(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(naam): Path<String>,
    body: Bytes,
) -> Result<Response, Fout> {
    op_account(&s, &b, &body, naam, "1", App::user_disable).await
}

/// Asks for a new second factor for an account: its owner sets it up at the next login, and
/// the secret is shown to the owner alone.
pub async fn tweede_factor(
    State(s): State<AppState>,
    b: Bezoeker,
    Path(naam): Path<String>,
    body: Bytes,
) -> Result<Response, Fout> {
    op_account(&s, &b, &body, naam, "tweede-factor", App::user_vraag_2fa).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::tekst::Taal;

    #[test]
    fn a_table_page_by_page_and_searched() {
        let rijen: Vec<[String; 2]> = (1..=120)
            .map(|i| {
                [
                    format!("org{i:03}"),
                    if i % 2 == 0 { "even" } else { "oneven" }.into(),
                ]
            })
            .collect();
        let b = blad(rijen.clone(), "", 2, Taal::Nl, |n| {
            format!("/beheer?org={n}")
        });
        assert_eq!(b.rijen.len(), 50);
        assert_eq!(b.rijen[0][0], "org051");
        assert_eq!(b.bereik, "51–100 van 120");
        assert_eq!(b.vorige.as_deref(), Some("/beheer?org=1"));
        assert_eq!(b.volgende.as_deref(), Some("/beheer?org=3"));
        let b = blad(rijen.clone(), "ONEVEN", 9, Taal::En, |n| n.to_string());
        assert_eq!(b.rijen.len(), 10, "the last page of 60 matches");
        assert_eq!(b.bereik, "51–60 of 60");
        assert!(b.volgende.is_none() && b.vorige.is_some());
        let b = blad(rijen, "niets", 1, Taal::Nl, |n| n.to_string());
        assert!(b.rijen.is_empty() && b.vorige.is_none() && b.volgende.is_none());
        assert_eq!(b.bereik, "geen");
    }
}
