//! `leerrecht bench web`: the web application's figures on the database `--db` names (the
//! region demo): every page fetched over HTTP from a server in this process, timed from
//! request to the last byte (median, 95th percentile, slowest) and weighed with its style
//! sheet; and, when chromedriver is there, the file of the person with the most absence
//! loaded in headless Chromium (navigation start to the load event). Prints; asserts nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Datelike;
use leerrecht_app::config::Config;
use leerrecht_app::{Actor, App};
use leerrecht_domain::org::{OrgSoort, Rol};
use reqwest::blocking::Client;
use serde_json::{json, Value};

const WACHTWOORD: &str = "Bench-Web-Wachtwoord-2026";

/// Makes (or refreshes) an account for the benchmark and logs it in; returns the cookie.
fn inloggen(
    app: &App,
    c: &Client,
    base: &str,
    naam: &str,
    org: &str,
    rol: Rol,
) -> anyhow::Result<String> {
    let op = Actor::local_operator();
    let bestaand = app
        .user_list(&op)?
        .into_iter()
        .any(|a| a.gebruikersnaam == naam);
    let geheim = if bestaand {
        // The account of an earlier run: its password kept, not one to change at login.
        app.user_set_password_blijvend(&op, naam, WACHTWOORD)?;
        if rol.needs_second_factor() {
            Some(app.user_reset_2fa(&op, naam)?)
        } else {
            None
        }
    } else {
        app.user_add_blijvend(&op, naam, org, rol, WACHTWOORD)?
            .totp_geheim
    };
    let code = geheim
        .and_then(|g| leerrecht_app::toegang::auth::current_totp(&g, chrono::Utc::now()))
        .unwrap_or_default();
    let r = c
        .post(format!("{base}/inloggen"))
        .form(&[
            ("gebruikersnaam", naam),
            ("wachtwoord", WACHTWOORD),
            ("code", &code),
        ])
        .send()?;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("leerrecht_sessie=lrs_"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    cookie.with_context(|| format!("{naam} could not log in ({})", r.status()))
}

struct Meting {
    pagina: String,
    tijden: Vec<Duration>,
    bytes: usize,
}

fn meet(
    c: &Client,
    url: &str,
    cookie: &str,
    form: Option<&[(&str, &str)]>,
    rondes: usize,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut tijden = Vec::with_capacity(rondes);
    let mut bytes = 0;
    for i in 0..=rondes {
        let t = Instant::now();
        let req = match form {
            Some(f) => c.post(url).form(f),
            None => c.get(url),
        };
        let r = req.header("cookie", cookie).send()?;
        let status = r.status();
        let body = r.bytes()?;
        let d = t.elapsed();
        if !status.is_success() {
            bail!("{url}: {status}");
        }
        bytes = body.len();
        // The first fetch warms the caches and is not counted.
        if i > 0 {
            tijden.push(d);
        }
    }
    tijden.sort();
    Ok((tijden, bytes))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn csrf_van(c: &Client, url: &str, cookie: &str) -> anyhow::Result<String> {
    let html = c.get(url).header("cookie", cookie).send()?.text()?;
    let naald = "name=\"csrf\" value=\"";
    let at = html
        .find(naald)
        .context("the page has a form with a CSRF token")?;
    let rest = &html[at + naald.len()..];
    Ok(rest[..rest.find('"').unwrap_or(0)].to_string())
}

/// The dossier in headless Chromium over WebDriver: the navigation's duration, `keer` times.
#[allow(clippy::too_many_arguments)]
fn browser(
    driver: &str,
    chrome: &str,
    base: &str,
    pad: &str,
    cookie: &str,
    kop: &str,
    keer: usize,
) -> anyhow::Result<Vec<f64>> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = std::process::Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {driver}"))?;
    let wd = format!("http://127.0.0.1:{port}");
    let c = Client::builder().timeout(Duration::from_secs(60)).build()?;
    let result = (|| -> anyhow::Result<Vec<f64>> {
        let mut sessie = None;
        for _ in 0..100 {
            let r = c
                .post(format!("{wd}/session"))
                .json(
                    &json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
                    "goog:chromeOptions": {"binary": chrome, "args": ["--headless=new",
                    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,1000"]}}}}),
                )
                .send();
            if let Ok(r) = r {
                let v: Value = r.json()?;
                sessie = v["value"]["sessionId"].as_str().map(str::to_string);
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let s = sessie.context("chromedriver did not start a session")?;
        let ga = |url: &str| -> anyhow::Result<()> {
            c.post(format!("{wd}/session/{s}/url"))
                .json(&json!({"url": url}))
                .send()?;
            Ok(())
        };
        ga(&format!("{base}/inloggen"))?;
        let (naam, waarde) = cookie.split_once('=').context("a cookie")?;
        c.post(format!("{wd}/session/{s}/cookie"))
            .json(&json!({"cookie": {"name": naam, "value": waarde, "path": "/"}}))
            .send()?;
        let mut uit = Vec::new();
        for _ in 0..=keer {
            ga(&format!("{base}{pad}"))?;
            let v: Value = c
                .post(format!("{wd}/session/{s}/execute/sync"))
                .json(&json!({"script": "const n = performance.getEntriesByType('navigation')[0]; \
                    return [n.loadEventEnd - n.startTime, document.querySelector('h1').textContent];",
                    "args": []}))
                .send()?
                .json()?;
            let d = v["value"][0].as_f64().context("a navigation timing")?;
            if v["value"][1].as_str() != Some(kop) {
                bail!("the browser shows {:?}, not the file", v["value"][1]);
            }
            uit.push(d);
        }
        let _ = c.delete(format!("{wd}/session/{s}")).send();
        // The first load fills the browser's cache with the style sheet.
        uit.remove(0);
        uit.sort_by(f64::total_cmp);
        Ok(uit)
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}

pub(crate) fn bench_web(db: &str, config: &Config, rondes: usize) -> anyhow::Result<()> {
    let store = leerrecht_store::open_for_server(db)
        .with_context(|| format!("cannot open {}", leerrecht_store::redact_url(db)))?;
    let app = Arc::new(App::new(store));
    let op = Actor::local_operator();
    let today = app.now().date_naive();
    let van = chrono::NaiveDate::from_ymd_opt(today.year() - 8, 8, 1).expect("a date");
    let started = Instant::now();
    let (leerling, dagen) = app
        .meeste_verzuim(&op, van, today)?
        .context("the database holds no one: make the region demo first")?;
    eprintln!(
        "person with the most absence: {dagen} days of absence records (found in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let id = app.id_van(leerling)?.context("an id")?;
    let persoon = app.persoon(&op, leerling)?.jongere;
    let orgs = app.organisaties(&op)?;
    let bureau = orgs
        .iter()
        .find(|o| o.soort == OrgSoort::Leerplicht && o.bedient.contains(&persoon.gemeente))
        .context("a bureau serves the person")?
        .code
        .as_str()
        .to_string();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(16)
        .build()?;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base = format!("http://{}", listener.local_addr()?);
    let cfg = leerrecht_web::Instellingen {
        escalatie: config.escalatie,
        ..leerrecht_web::Instellingen::default()
    };
    let state = leerrecht_web::AppState::new(app.clone(), cfg);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(leerrecht_web::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let c = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()?;
    let lp = inloggen(
        &app,
        &c,
        &base,
        "bench.leerplicht",
        &bureau,
        Rol::Leerplicht,
    )?;
    let beheer = inloggen(&app, &c, &base, "bench.beheer", &bureau, Rol::Beheer)?;
    let css = c
        .get(format!("{base}/static/leerrecht.css"))
        .send()?
        .bytes()?
        .len();
    let dossier = format!("/jongeren/{id}");
    let mut pages: Vec<(String, String, &str)> = vec![
        ("inloggen".into(), "/inloggen".into(), ""),
        ("werklijst".into(), "/werklijst".into(), &lp),
        ("zoeken".into(), "/zoeken".into(), &lp),
        ("thuiszitters".into(), "/thuiszitters".into(), &lp),
        ("dossier (most absence)".into(), dossier.clone(), &lp),
        ("rapportages".into(), "/rapportages".into(), &lp),
        ("beheer".into(), "/beheer".into(), &beheer),
    ];
    for r in [
        "peildatum",
        "oorzaken",
        "schooljaar",
        "doelen",
        "kpi",
        "leerplichttelling",
        "inspectie",
    ] {
        pages.push((format!("rapport {r}"), format!("/rapportages/{r}"), &lp));
    }
    let mut metingen = Vec::new();
    for (naam, pad, cookie) in &pages {
        let (tijden, bytes) = meet(&c, &format!("{base}{pad}"), cookie, None, rondes)?;
        metingen.push(Meting {
            pagina: naam.clone(),
            tijden,
            bytes,
        });
    }
    let csrf = csrf_van(&c, &format!("{base}/zoeken"), &lp)?;
    let naam = persoon.achternaam.clone();
    let (tijden, bytes) = meet(
        &c,
        &format!("{base}/zoeken"),
        &lp,
        Some(&[("csrf", &csrf), ("naam", &naam)]),
        rondes,
    )?;
    metingen.push(Meting {
        pagina: "zoeken (by surname)".into(),
        tijden,
        bytes,
    });

    println!(
        "web pages on {} ({rondes} rounds each, after one warm-up; style sheet {css} bytes)",
        leerrecht_store::redact_url(db)
    );
    println!(
        "{:<26} {:>9} {:>9} {:>9} {:>12}",
        "page", "p50 ms", "p95 ms", "max ms", "KB with CSS"
    );
    for m in &metingen {
        let p = |q: f64| {
            m.tijden[((m.tijden.len() as f64 * q).ceil() as usize)
                .saturating_sub(1)
                .min(m.tijden.len() - 1)]
        };
        println!(
            "{:<26} {:>9.1} {:>9.1} {:>9.1} {:>12.1}",
            m.pagina,
            ms(p(0.5)),
            ms(p(0.95)),
            ms(*m.tijden.last().expect("rounds")),
            (m.bytes + css) as f64 / 1024.0
        );
    }
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if std::path::Path::new(&driver).exists() && std::path::Path::new(&chrome).exists() {
        let keer = 10;
        let kop = format!("{} {}", persoon.voornamen, persoon.achternaam);
        match browser(&driver, &chrome, &base, &dossier, &lp, &kop, keer) {
            Ok(t) => println!(
                "dossier (most absence) in headless Chromium, navigation start to load event, {keer} loads: median {:.0} ms, slowest {:.0} ms",
                t[t.len() / 2],
                t[t.len() - 1]
            ),
            Err(e) => println!("browser figure not measured: {e:#}"),
        }
    } else {
        println!("browser figure not measured: no {driver} or {chrome}");
    }
    let _ = stop.send(());
    let _ = rt.block_on(server);
    Ok(())
}
