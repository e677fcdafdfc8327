//! Report PDFs read back as a reader's PDF tool reads them: the text through the embedded
//! font's ToUnicode map (lopdf), the drawing operators from the decoded content streams.

use leerrecht_app::uitvoer::{Cel, Grafiek, GrafiekSoort, Tabel, Weergave};
use leerrecht_domain::cijfers::Aantal;
use lopdf::{Document, Object};

/// All text of the PDF, page after page.
fn tekst(pdf: &[u8]) -> String {
    let doc = Document::load_mem(pdf).expect("a PDF lopdf reads");
    let paginas: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&paginas).expect("text extracted")
}

/// The words of `s`, with whitespace (line breaks included) not counting.
fn woorden(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn aantal(n: u64) -> Cel {
    Cel::Aantal(Aantal::new(n))
}

const NAMEN: [&str; 6] = [
    "Yıldırım Gündoğdu",
    "Şükrü Çağlayan",
    "Łukasz Wiśniewski",
    "Żaneta Źdźbło",
    "Šimić Đurđević",
    "Sjoerd Hylkema út Fryslân, Wêzenpaad",
];

fn namenrapport() -> Weergave {
    Weergave {
        titel: "Doelen: 2023–2024 ten opzichte van basisjaar 2018–2019 (−10%)".into(),
        toelichting: vec!["Gebied: Zuid-Kennemerland – peildatum 4 december 2026".into()],
        tabellen: vec![Tabel {
            titel: "Jongeren per naam".into(),
            kolommen: vec!["Naam".into(), "Verschil".into()],
            rijen: NAMEN
                .iter()
                .enumerate()
                .map(|(i, n)| vec![Cel::Tekst((*n).into()), aantal(10 + i as u64)])
                .collect(),
        }],
        grafieken: vec![],
        engels: false,
    }
}

#[test]
fn names_in_turkish_polish_croatian_and_frisian_spelling_read_back_from_the_pdf() {
    let w = namenrapport();
    let pdf = w.pdf();
    let t = tekst(&pdf);
    for naam in NAMEN {
        for woord in woorden(naam) {
            assert!(t.contains(&woord), "{woord:?} not in {t:?}");
        }
    }
    // The dashes and the minus sign of the titles print as themselves.
    for woord in ["2023–2024", "2018–2019", "(−10%)", "Zuid-Kennemerland", "–"] {
        assert!(t.contains(woord), "{woord:?} not in {t:?}");
    }
    assert!(!t.contains('?'), "a character was lost: {t:?}");
    // The font is in the file, as a subset: no reader needs it installed, and the PDF stays
    // small (the whole of DejaVu Sans and its bold is 1.4 MB).
    let doc = Document::load_mem(&pdf).unwrap();
    let mut ingebed = 0;
    for (_, o) in doc.objects.iter() {
        if let Ok(d) = o.as_dict() {
            if d.get(b"Type").and_then(Object::as_name).ok() == Some(&b"FontDescriptor"[..]) {
                assert!(d.get(b"FontFile2").is_ok(), "font not embedded: {d:?}");
                let naam = d.get(b"FontName").and_then(Object::as_name).unwrap();
                assert_eq!(
                    naam[6],
                    b'+',
                    "a subset's name: {:?}",
                    String::from_utf8_lossy(naam)
                );
                ingebed += 1;
            }
        }
    }
    assert_eq!(ingebed, 2, "the regular and the bold font");
    eprintln!("PDF of the names report: {} bytes", pdf.len());
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
}

#[test]
fn a_long_title_and_a_long_cell_wrap_with_every_word_kept() {
    let titel = "Thuiszitters in Zuid-Kennemerland en IJmond per gemeente, per categorie en per \
                 schooljaar van 2018–2019 tot en met 2025–2026, met de doelen van het convenant";
    let cel = "Samenwerkingsverband Passend Onderwijs Voortgezet Onderwijs Zuid-Kennemerland en \
               IJmond, locatie Velsen-Noord (Wijk aan Zee), afdeling thuiszitterstafel";
    let kop = "Verschil ten opzichte van het basisjaar in procenten";
    let w = Weergave {
        titel: titel.into(),
        toelichting: vec![],
        tabellen: vec![Tabel {
            titel: titel.into(),
            kolommen: vec!["Organisatie".into(), kop.into(), "Aantal".into()],
            rijen: vec![
                vec![Cel::Tekst(cel.into()), Cel::Getal(-12.5), aantal(1234)],
                vec![Cel::Tekst("Haarlem".into()), Cel::Getal(3.0), aantal(49)],
            ],
        }],
        grafieken: vec![],
        engels: false,
    };
    let t = tekst(&w.pdf());
    for woord in woorden(titel)
        .into_iter()
        .chain(woorden(cel))
        .chain(woorden(kop))
    {
        assert!(t.contains(&woord), "{woord:?} not in {t:?}");
    }
    for getal in ["−12,5", "1.234", "Haarlem", "49"] {
        assert!(
            t.contains(getal) || t.contains(&getal.replace('−', "-")),
            "{getal:?} in {t:?}"
        );
    }
    assert!(!t.contains('…'), "text was cut: {t:?}");
    // Wrapped: the long cell is set on more than one line, none wider than its column.
    let lines: Vec<&str> = t.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        !lines.iter().any(|l| l.contains(cel)),
        "the cell stayed on one line: {lines:?}"
    );
}

/// Every text-showing operator, with the fill colour in force at that moment.
fn tekstkleuren(pdf: &[u8]) -> Vec<Vec<f32>> {
    let doc = Document::load_mem(pdf).unwrap();
    let mut kleuren = Vec::new();
    for (_, id) in doc.get_pages() {
        let inhoud = doc.get_and_decode_page_content(id).unwrap();
        let mut vulling = vec![0.0, 0.0, 0.0];
        for op in inhoud.operations {
            match op.operator.as_str() {
                "rg" => vulling = op.operands.iter().map(|o| o.as_float().unwrap()).collect(),
                "g" => vulling = vec![op.operands[0].as_float().unwrap(); 3],
                "Tj" | "TJ" => kleuren.push(vulling.clone()),
                _ => {}
            }
        }
    }
    kleuren
}

#[test]
fn all_categories_of_a_chart_are_in_its_legend_and_the_table_text_is_in_the_text_colour() {
    let categorieen = [
        "Thuiszittend zonder onderwijs",
        "Vrijgesteld van inschrijving (art. 5 onder a)",
        "Ingeschreven, langer dan vier weken verzuim",
        "Absoluut verzuim",
        "Ingeschreven, geen passend aanbod",
        "Overig",
    ];
    let datums = ["01-10-2024", "01-10-2025", "04-12-2026"];
    let w = Weergave {
        titel: "Thuiszitters per categorie op peildatum".into(),
        toelichting: vec![],
        tabellen: vec![Tabel {
            titel: "Categorieën".into(),
            kolommen: vec!["Peildatum".into(); 1]
                .into_iter()
                .chain(categorieen.iter().map(|c| c.to_string()))
                .collect(),
            rijen: datums
                .iter()
                .map(|d| {
                    std::iter::once(Cel::Tekst((*d).into()))
                        .chain((0..categorieen.len()).map(|i| aantal(10 + i as u64)))
                        .collect()
                })
                .collect(),
        }],
        grafieken: vec![Grafiek {
            titel: "Thuiszitters per categorie".into(),
            soort: GrafiekSoort::Staven,
            labels: datums.iter().map(|d| d.to_string()).collect(),
            reeksen: categorieen
                .iter()
                .enumerate()
                .map(|(i, c)| (c.to_string(), vec![Some(10.0 + i as f64); datums.len()]))
                .collect(),
            band: None,
        }],
        engels: false,
    };
    let pdf = w.pdf();
    let t = tekst(&pdf);
    let zonder_wit = |s: &str| s.split_whitespace().collect::<String>();
    for c in categorieen {
        // Whole on one line in the legend, and once more as a column head (there wrapped).
        assert!(t.contains(c), "{c:?} not whole in the legend: {t:?}");
        assert_eq!(
            zonder_wit(&t).matches(&zonder_wit(c)).count(),
            2,
            "{c:?} in {t:?}"
        );
        for woord in woorden(c) {
            assert!(t.matches(&woord).count() >= 2, "{woord:?} broken: {t:?}");
        }
    }
    let kleuren = tekstkleuren(&pdf);
    assert!(kleuren.len() > 20);
    let zwart = &kleuren[0];
    assert!(
        zwart.iter().all(|v| *v < 0.2),
        "text is near-black: {zwart:?}"
    );
    assert!(
        kleuren.iter().all(|k| k == zwart),
        "text in another colour: {kleuren:?}"
    );
}
