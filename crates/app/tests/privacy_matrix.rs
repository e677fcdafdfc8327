//! The matrix in docs/privacy-matrix.md is what the gate decides: every cell of the document is
//! asked of the gate, and every cell the gate knows is in the document.

use std::collections::HashMap;
use std::path::Path;

use leerrecht_app::toegang::matrix::{cel_tekst, matrix, Situatie};

/// The cells of the document's table: (reader, kind of data, state) → cell text.
fn document() -> HashMap<(String, String, String), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/privacy-matrix.md");
    let text = std::fs::read_to_string(&path).expect("docs/privacy-matrix.md");
    let mut rows = text.lines().filter(|l| l.starts_with('|'));
    let header: Vec<String> = cells(rows.next().expect("a table header"));
    assert_eq!(
        header[..2],
        ["lezer", "gegevens"],
        "the table's first columns"
    );
    let states: Vec<&str> = Situatie::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(
        header[2..],
        states,
        "one column per state of the file, in order"
    );
    let mut out = HashMap::new();
    for row in rows.filter(|l| !l.starts_with("|---")) {
        let c = cells(row);
        assert_eq!(c.len(), header.len(), "a row with a cell per column: {row}");
        for (state, cell) in header[2..].iter().zip(&c[2..]) {
            let key = (c[0].clone(), c[1].clone(), state.clone());
            assert!(
                out.insert(key.clone(), cell.clone()).is_none(),
                "{key:?} twice"
            );
        }
    }
    out
}

fn cells(row: &str) -> Vec<String> {
    row.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn the_gate_decides_every_cell_as_the_document_says() {
    let mut doc = document();
    let mut wrong = Vec::new();
    for c in matrix() {
        let key = (
            c.lezer.to_string(),
            c.gegevens.to_string(),
            c.situatie.to_string(),
        );
        match doc.remove(&key) {
            Some(said) if said == cel_tekst(&c) => {}
            Some(said) => wrong.push(format!(
                "{} / {} / {}: the document says {said:?}, the gate {:?}",
                c.lezer,
                c.gegevens,
                c.situatie,
                cel_tekst(&c)
            )),
            None => wrong.push(format!(
                "{} / {} / {}: missing from the document (the gate: {:?})",
                c.lezer,
                c.gegevens,
                c.situatie,
                cel_tekst(&c)
            )),
        }
    }
    wrong.extend(
        doc.keys()
            .map(|k| format!("{k:?}: in the document, unknown to the gate")),
    );
    assert!(
        wrong.is_empty(),
        "docs/privacy-matrix.md and the gate differ (regenerate the table with \
         `leerrecht privacy matrix --format md` when the change is meant):\n{}",
        wrong.join("\n")
    );
}

/// The rules of purpose limitation, as the matrix shows them (docs/domain.md §10).
#[test]
fn the_matrix_shows_purpose_limitation() {
    let m = matrix();
    let cel = |lezer: &str, gegevens: &str, situatie: &str| {
        m.iter()
            .find(|c| c.lezer == lezer && c.gegevens == gegevens && c.situatie == situatie)
            .unwrap_or_else(|| panic!("{lezer}/{gegevens}/{situatie}"))
            .clone()
    };
    // Leerplicht: the register of everyone it serves, absence only on a ground.
    assert!(cel("leerplicht", "registergegevens", "geen").zichtbaar);
    assert!(!cel("leerplicht", "verzuim", "geen").zichtbaar);
    for (grond, doel) in [
        ("melding", "melding"),
        ("zaak", "zaak"),
        ("registratie", "registratie"),
    ] {
        let c = cel("leerplicht", "verzuim", grond);
        assert!(c.zichtbaar, "{grond}");
        assert_eq!(c.doel, Some(doel));
    }
    // A MAZL referral is the doctor's ground, not leerplicht's.
    assert!(!cel("leerplicht", "verzuim", "mazl").zichtbaar);
    // Sick days: the school and the referred youth doctor, no one else.
    for situatie in Situatie::ALL {
        assert!(!cel("leerplicht", "ziekteverzuim", situatie.code()).zichtbaar);
        assert!(!cel("leerplicht", "signalen", situatie.code()).zichtbaar);
        assert!(!cel("leerplicht", "conceptmeldingen", situatie.code()).zichtbaar);
        assert!(!cel("swv", "ziekteverzuim", situatie.code()).zichtbaar);
        assert!(!cel("cjg", "verzuim", situatie.code()).zichtbaar);
    }
    assert!(cel("school", "ziekteverzuim", "geen").zichtbaar);
    assert!(cel("jeugdarts", "ziekteverzuim", "mazl").zichtbaar);
    assert!(!cel("jeugdarts", "verzuim", "mazl").zichtbaar);
    assert!(!cel("jeugdarts", "ziekteverzuim", "geen").zichtbaar);
    // Break-the-glass lifts the lack of a ground, and is named as such.
    let nood = cel("leerplicht", "verzuim", "noodtoegang");
    assert!(nood.zichtbaar);
    assert_eq!(nood.doel, Some("noodtoegang"));
    // Medical notes: the youth doctor alone, not even the operator.
    assert!(!cel("operator", "medische_notities", "mazl").zichtbaar);
    assert!(cel("jeugdarts", "medische_notities", "mazl").zichtbaar);
}

/// The register of processing activities names, for the absence, exactly the purposes on
/// which the gate lets someone read it; every entry is complete.
#[test]
fn the_register_of_processing_names_the_gates_purposes() {
    use leerrecht_app::toegang::verwerkingsregister::{csv, KOPPEN};
    use leerrecht_app::toegang::Doel;
    let bytes = csv("het college van B&W van Haarlem").unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte order mark, as every export");
    let mut r = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), KOPPEN);
    let rows: Vec<::csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 6, "{rows:?}");
    let codes: Vec<&str> = Doel::ALL.iter().map(|d| d.code()).collect();
    for row in &rows {
        assert!(row.iter().all(|f| !f.trim().is_empty()), "{row:?}");
        assert_eq!(&row[2], "het college van B&W van Haarlem");
        for d in row[9].split(',') {
            assert!(codes.contains(&d), "{d} is no purpose of the gate");
        }
    }
    let verzuim = rows
        .iter()
        .find(|r| &r[0] == "verzuimregistratie")
        .expect("the absence's entry");
    let mut registered: Vec<&str> = verzuim[9].split(',').collect();
    registered.sort();
    let mut gate: Vec<&str> = matrix()
        .into_iter()
        .filter(|c| c.zichtbaar && (c.gegevens == "verzuim" || c.gegevens == "ziekteverzuim"))
        .filter_map(|c| c.doel)
        .filter(|d| *d != "beheer" && *d != "noodtoegang")
        .collect();
    gate.sort();
    gate.dedup();
    assert_eq!(registered, gate);
}
