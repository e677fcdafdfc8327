//! A report's downloads over real HTTP from `leerrecht serve`, on the tiny demo region in
//! SQLite and in PostgreSQL whose gemeenten were renamed (by an ordinary import) to names in
//! Turkish, Polish, Croatian and Frisian spelling: the PDF, read back with a PDF text
//! extractor, holds every name as written; the printable HTML opens in the browser, with a
//! content security policy that lets exactly its own style sheet apply.

mod support;

use data_encoding::BASE64;
use reqwest::blocking::Client;
use sha2::{Digest, Sha256};

use support::{ok, on_both_demos, session_cookie, Demo, Server};

const NAMEN: [(&str, &str); 4] = [
    ("GM0392", "Súdwest-Fryslân"),
    ("GM0473", "Gündoğdu Yıldırım"),
    ("GM0377", "Łukasz Wiśniewski"),
    ("GM0397", "Šimić Đurđević"),
];

/// A logged-in session cookie for the demo account of `rol`.
fn login(c: &Client, s: &Server, demo: &Demo, rol: &str) -> String {
    let r = demo.api_login(c, &s.base, rol);
    assert_eq!(r.status(), 201);
    session_cookie(&r)
}

fn report_downloads(demo: Demo) {
    let dir = tempfile::TempDir::new().unwrap();
    let mut csv = String::from("code;soort;naam;gemeente;regio;swv;bedient\n");
    for (code, naam) in NAMEN {
        csv.push_str(&format!(
            "{code};gemeente;{naam};{code};Zuid-Kennemerland;;\n"
        ));
    }
    std::fs::write(dir.path().join("organisaties.csv"), csv).unwrap();
    ok(
        &demo.db,
        dir.path(),
        &["import", "organisaties", "organisaties.csv"],
    );
    let s = Server::start(&demo.db, &[]);
    let c = Client::new();
    let cookie = login(&c, &s, &demo, "leerplicht");
    let get = |formaat: &str| {
        c.get(s.url(&format!(
            "/rapportages/schooljaar?jaar=2024-2025&formaat={formaat}"
        )))
        .header("cookie", &cookie)
        .send()
        .unwrap()
    };

    let r = get("pdf");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let pdf = r.bytes().unwrap();
    let doc = lopdf::Document::load_mem(&pdf).expect("a PDF");
    let paginas: Vec<u32> = doc.get_pages().keys().copied().collect();
    let tekst = doc.extract_text(&paginas).unwrap();
    for (_, naam) in NAMEN {
        for woord in naam.split_whitespace() {
            assert!(tekst.contains(woord), "{woord:?} not in {tekst:?}");
        }
    }
    assert!(tekst.contains("2024-2025"), "{tekst:?}");
    assert!(!tekst.contains('?'), "a character was lost: {tekst:?}");

    let r = get("html");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let inline = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(inline, "inline; filename=\"schooljaar.html\"");
    let beleid = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let pagina = r.text().unwrap();
    for (_, naam) in NAMEN {
        assert!(pagina.contains(naam), "{naam:?} not on the printable page");
    }
    let stijl = pagina
        .split_once("<style>")
        .and_then(|(_, r)| r.split_once("</style>"))
        .expect("the page has its style sheet")
        .0;
    let hash = BASE64.encode(&Sha256::digest(stijl.as_bytes()));
    assert!(
        beleid.contains(&format!("style-src 'sha256-{hash}'")),
        "{beleid}"
    );
    // Nothing else is allowed: no script, no other style, no frame, no form.
    for deel in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'none'",
        "base-uri 'none'",
    ] {
        assert!(beleid.contains(deel), "{beleid}");
    }
    assert!(!beleid.contains("unsafe"), "{beleid}");
    assert!(!beleid.contains("script"), "{beleid}");

    // The report page itself keeps the site's policy.
    let r = c
        .get(s.url("/rapportages/schooljaar?jaar=2024-2025"))
        .header("cookie", &cookie)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("style-src 'self'"));
}

// Each scenario on both databases.
on_both_demos! {
    report_downloads: report_downloads_sqlite, report_downloads_postgres;
}
