//! Single sign-on end to end, on both databases: `leerrecht serve` with an `[[oidc]]`
//! provider against a real OpenID provider (npm `oidc-provider`, started by the test from
//! `crates/cli/tests/oidc`), driven in headless Chromium. A good login with a strong second
//! factor at the provider, and one without it that asks for leerrecht's code; logging out
//! there too; and the refusals: a replayed `state`, one from another browser, an ID token
//! for another audience, one signed with a key the provider does not publish, an expired
//! code, and a disabled account. Each refusal is audited with its reason, and nobody is
//! logged in by one.
//!
//! The provider comes from the npm registry: `bash scripts/test.sh` installs it into
//! `target/oidc-provider` and names its script in `LEERRECHT_OIDC_PROVIDER`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, Locator};
use leerrecht_app::Actor;
use leerrecht_domain::org::Rol;
use support::{account_toevoegen, free_port, in_runtime, on_both_demos, tools, Browser, Demo};
use support::{eerste_regel, serve_op, Proces};

/// The provider's script: `LEERRECHT_OIDC_PROVIDER`, or where test.sh installs it.
fn script() -> PathBuf {
    let p = std::env::var("LEERRECHT_OIDC_PROVIDER")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/oidc-provider/provider.mjs")
        });
    let installed = p
        .parent()
        .is_some_and(|d| d.join("node_modules/oidc-provider").is_dir());
    assert!(
        installed,
        "the single sign-on test needs the OpenID provider at {} with its node_modules \
         (LEERRECHT_OIDC_PROVIDER): run `bash scripts/test.sh`, which installs it",
        p.display()
    );
    p
}

/// The OpenID provider on port `port` of this machine, with leerrecht at `leerrecht` as
/// its one client.
fn aanbieder(port: u16, leerrecht: &str, geheim: &str) -> (Proces, String) {
    let clients = serde_json::json!([{
        "client_id": "leerrecht",
        "client_secret": geheim,
        "redirect_uris": [format!("{leerrecht}/inloggen/oidc/terug")],
        "post_logout_redirect_uris": [format!("{leerrecht}/inloggen")],
    }]);
    let mut child = Command::new("node")
        .arg(script())
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_CLIENTS", clients.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start node with the OpenID provider");
    let line = eerste_regel(&mut child, "the provider");
    let issuer = line
        .trim()
        .strip_prefix("LISTENING ")
        .unwrap_or_else(|| panic!("unexpected first line of the provider: {line:?}"))
        .to_string();
    (Proces(child), issuer)
}

/// `leerrecht serve` on `db` at `port`, with the provider at `issuer` for organisation
/// `org`.
fn leerrecht(db: &str, dir: &Path, port: u16, issuer: &str, org: &str) -> Proces {
    let secret = dir.join("oidc.secret");
    std::fs::write(&secret, "een-geheim-van-de-client\n").unwrap();
    let config = dir.join("leerrecht.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\norigin = \"http://127.0.0.1:{port}\"\n\n\
             [[oidc]]\nnaam = \"Testgemeente\"\norganisaties = [\"{org}\"]\n\
             issuer = \"{issuer}\"\nclient_id = \"leerrecht\"\n\
             client_secret_file = \"{}\"\nkoppel_claim = \"email\"\n",
            secret.display()
        ),
    )
    .unwrap();
    let (child, _) = serve_op(
        db,
        &format!("127.0.0.1:{port}"),
        &[("LEERRECHT_CONFIG", config.to_str().unwrap())],
        Stdio::null(),
    );
    Proces(child)
}

/// Switches the provider's test mode (see provider.mjs).
async fn modus(issuer: &str, m: &str) {
    let r = reqwest::Client::new()
        .post(format!("{issuer}/__test/modus"))
        .body(m.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "mode {m}");
}

/// The provider's last authorization response (the URL back to leerrecht).
async fn laatste(issuer: &str) -> String {
    reqwest::Client::new()
        .get(format!("{issuer}/__test/laatste"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits until the browser's address satisfies `ok` (a click on another site's page returns
/// before the navigation it starts).
async fn wacht_op(c: &Client, wat: &str, ok: impl Fn(&str) -> bool) -> String {
    for _ in 0..400 {
        let url = c.current_url().await.unwrap().to_string();
        let klaar = c
            .execute("return document.readyState === 'complete';", vec![])
            .await
            .is_ok_and(|v| v == serde_json::Value::Bool(true));
        if ok(&url) && klaar {
            return url;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let url = c.current_url().await.unwrap();
    panic!("the browser did not reach {wat}; it is at {url}");
}

/// Waits for the provider's page that says it held its response back.
async fn vastgehouden(c: &Client) {
    for _ in 0..400 {
        if c.find(Locator::Css("#vastgehouden")).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the provider did not hold its response back");
}

async fn klik(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The provider's login: `login` as the name, with or without a strong second factor.
async fn bij_aanbieder(c: &Client, issuer: &str, login: &str, sterk: bool) {
    wacht_op(c, "the provider's login form", |u| {
        u.starts_with(issuer) && u.contains("/interaction/")
    })
    .await;
    let veld = c.find(Locator::Css("#login")).await.unwrap();
    veld.send_keys(login).await.unwrap();
    if sterk {
        klik(c, "#sterk").await;
    }
    klik(c, "#inloggen").await;
}

/// Starts a login through the provider from leerrecht's login page.
async fn begin(b: &mut Browser) {
    b.ga("/inloggen").await;
    klik(&b.c, "#sso-0").await;
}

/// A browser without cookies: no session at leerrecht or at the provider.
async fn vers(b: &mut Browser) {
    b.ga("/inloggen").await;
    b.c.delete_all_cookies().await.unwrap();
}

/// The refusal shown on leerrecht's page after the provider sent the browser back.
async fn weigering(b: &Browser) -> String {
    wacht_op(&b.c, "leerrecht's refusal", |u| {
        u.starts_with(&b.base) && u.contains("/inloggen/oidc/terug")
    })
    .await;
    b.tekst("#inlog-fout").await
}

/// Nobody is logged in: the worklist sends the browser to the login page.
async fn niet_ingelogd(b: &mut Browser) {
    b.ga("/werklijst").await;
    let url = b.c.current_url().await.unwrap().to_string();
    assert!(
        url.ends_with("/inloggen"),
        "logged in after a refusal: {url}"
    );
}

fn sso_end_to_end(demo: Demo) {
    let Some((chrome, driver, axe)) = tools() else {
        return;
    };
    let app = demo.app();
    let op = Actor::local_operator();
    let org = app
        .user_list(&op)
        .unwrap()
        .into_iter()
        .find(|g| g.gebruikersnaam == "demo.leerplicht")
        .expect("the demo's leerplicht account")
        .organisatie;
    let (lp, geheim) = account_toevoegen(
        &app,
        "sso.leerplicht",
        &org,
        Rol::Leerplicht,
        "een wachtwoord dat niemand gebruikt",
    );
    app.user_email(&op, &lp, Some("lp@example.nl")).unwrap();
    let (uit, _) = account_toevoegen(
        &app,
        "sso.uitgeschakeld",
        &org,
        Rol::Leerplicht,
        "een wachtwoord dat niemand gebruikt",
    );
    app.user_email(&op, &uit, Some("uit@example.nl")).unwrap();
    app.user_disable(&op, &uit).unwrap();

    let dir = tempfile::TempDir::new().unwrap();
    let poort = free_port();
    let base = format!("http://127.0.0.1:{poort}");
    let (_aanbieder, issuer) = aanbieder(free_port(), &base, "een-geheim-van-de-client");
    let server = leerrecht(&demo.db, dir.path(), poort, &issuer, &org);

    let foto = in_runtime(async {
        let mut b = Browser::bij(server, base.clone(), chrome, driver, axe).await;

        // The login page has a button per provider.
        b.ga("/inloggen").await;
        assert_eq!(b.tekst("#sso-0").await, "Testgemeente");
        let foto = b.foto("inloggen-organisatie").await;

        // The button's address answers 302 to the provider, with state, nonce and an S256
        // PKCE challenge, and a cookie that binds the flow to the browser.
        let r = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(format!("{base}/inloggen/oidc/0"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 302);
        let naar = r.headers()["location"].to_str().unwrap().to_string();
        assert!(naar.starts_with(&format!("{issuer}/auth?")), "{naar}");
        for param in [
            "state=",
            "nonce=",
            "code_challenge=",
            "code_challenge_method=S256",
        ] {
            assert!(
                naar.contains(param),
                "the authorization request has {param}: {naar}"
            );
        }
        let cookie = r.headers()["set-cookie"].to_str().unwrap();
        for vlag in ["HttpOnly", "SameSite=Lax", "Path=/inloggen/oidc"] {
            assert!(cookie.contains(vlag), "{cookie}");
        }

        // A good login with a strong second factor at the provider: straight to the worklist.
        klik(&b.c, "#sso-0").await;
        bij_aanbieder(&b.c, &issuer, "lp@example.nl", true).await;
        wacht_op(&b.c, "the worklist", |u| u == format!("{base}/werklijst")).await;
        assert!(b.bron().await.contains("sso.leerplicht"));

        // Logging out ends the session at the provider too, and comes back to the login page.
        klik(&b.c, "form[action='/uitloggen'] button").await;
        wacht_op(&b.c, "the provider's logout", |u| u.starts_with(&issuer)).await;
        klik(&b.c, "#uitloggen").await;
        wacht_op(&b.c, "the login page", |u| u == format!("{base}/inloggen")).await;
        niet_ingelogd(&mut b).await;

        // The provider asks for a login again (its session ended); without a strong second
        // factor there, leerrecht asks for the code of its own.
        begin(&mut b).await;
        bij_aanbieder(&b.c, &issuer, "lp@example.nl", false).await;
        wacht_op(&b.c, "leerrecht's code", |u| {
            u == format!("{base}/inloggen/oidc/code")
        })
        .await;
        b.ga("/inloggen/oidc/code").await;
        let code = leerrecht_app::toegang::auth::current_totp(&geheim, chrono::Utc::now()).unwrap();
        b.vul("#code", &code).await;
        b.klik("form[action='/inloggen/oidc/code'] button").await;
        wacht_op(&b.c, "the worklist", |u| u == format!("{base}/werklijst")).await;

        // A response from the provider brought by another browser (login CSRF): the flow is
        // bound to the browser that started it.
        vers(&mut b).await;
        modus(&issuer, "vasthouden").await;
        begin(&mut b).await;
        bij_aanbieder(&b.c, &issuer, "lp@example.nl", true).await;
        vastgehouden(&b.c).await;
        let antwoord = laatste(&issuer).await;
        assert!(antwoord.starts_with(&format!("{base}/inloggen/oidc/terug?")));
        b.c.goto(&format!("{base}/inloggen/oidc/code"))
            .await
            .unwrap();
        b.c.delete_all_cookies().await.unwrap();
        b.c.goto(&antwoord).await.unwrap();
        assert!(
            weigering(&b)
                .await
                .contains("in een andere browser begonnen"),
            "a foreign state is refused"
        );
        niet_ingelogd(&mut b).await;

        // A response used once logs in; the same response again is refused.
        vers(&mut b).await;
        begin(&mut b).await;
        bij_aanbieder(&b.c, &issuer, "lp@example.nl", true).await;
        vastgehouden(&b.c).await;
        let antwoord = laatste(&issuer).await;
        b.c.goto(&antwoord).await.unwrap();
        wacht_op(&b.c, "the worklist", |u| u == format!("{base}/werklijst")).await;
        b.c.goto(&antwoord).await.unwrap();
        assert!(
            weigering(&b).await.contains("al gebruikt"),
            "a replayed state is refused"
        );
        modus(&issuer, "normaal").await;

        // The provider's faults: an ID token for another audience, one signed with a key the
        // provider does not publish, a code that expired before leerrecht could use it.
        for m in ["aud", "sleutel", "verlopen"] {
            vers(&mut b).await;
            modus(&issuer, m).await;
            begin(&mut b).await;
            bij_aanbieder(&b.c, &issuer, "lp@example.nl", true).await;
            let t = weigering(&b).await;
            assert!(t.contains("geen geldige aanmelding"), "{m}: {t}");
            niet_ingelogd(&mut b).await;
        }
        modus(&issuer, "normaal").await;

        // A disabled account does not log in through the provider either.
        vers(&mut b).await;
        begin(&mut b).await;
        bij_aanbieder(&b.c, &issuer, "uit@example.nl", true).await;
        let t = weigering(&b).await;
        assert!(t.contains("geen actief account"), "{t}");
        niet_ingelogd(&mut b).await;
        foto
    });

    // The first login linked the account to the provider's subject, once; the owner heard
    // of it; every refusal is in the audit log with its reason.
    let store = app.opslag(&op).unwrap();
    let g = store.gebruiker(&lp).unwrap().unwrap();
    assert_eq!(
        g.sso_koppeling.as_deref(),
        Some(format!("{issuer} lp@example.nl").as_str())
    );
    let mut acties = Vec::new();
    store
        .for_each_audit(&mut |e| {
            if e.entry.actie.contains("sso") {
                acties.push((e.entry.actie, e.entry.reden.unwrap_or_default()));
            }
            Ok(())
        })
        .unwrap();
    let gelukt = acties.iter().filter(|a| a.0 == "inloggen_sso").count();
    assert_eq!(gelukt, 3, "{acties:?}");
    let gekoppeld = acties.iter().filter(|a| a.0 == "sso_gekoppeld").count();
    assert_eq!(gekoppeld, 1, "{acties:?}");
    let redenen: Vec<&str> = acties
        .iter()
        .filter(|a| a.0 == "inloggen_sso_mislukt")
        .map(|a| a.1.as_str())
        .collect();
    for verwacht in [
        "andere browser",
        "onbekende of verlopen state",
        "audience",
        "matching key",
        "invalid_grant",
        "geen actief account",
    ] {
        assert!(
            redenen.iter().any(|r| r.contains(verwacht)),
            "no refusal audited with {verwacht:?}: {redenen:?}"
        );
    }
    let mails = store.mail_te_verzenden(chrono::Utc::now(), 100).unwrap();
    let melding = mails
        .iter()
        .filter(|m| {
            m.aan == "lp@example.nl" && m.tekst.contains("gekoppeld aan inloggen via Testgemeente")
        })
        .count();
    assert_eq!(melding, 1, "the owner hears of the new link once");
    support::handleiding_fotos(&[("inloggen-organisatie".to_string(), foto)]);
}

on_both_demos! {
    sso_end_to_end: sso_on_sqlite, sso_on_postgres;
}
