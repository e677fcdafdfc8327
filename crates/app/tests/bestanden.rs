//! Files as offices make them (docs/domain.md §12), on both databases: a CSV file saved by
//! Excel in a Dutch office (Windows-1252) is read as such, and one in UTF-8 as UTF-8, told
//! apart by content; a spreadsheet (`.xlsx`) is read from its first sheet or the one named,
//! with real spreadsheet dates and identifiers whose leading zeros the spreadsheet dropped.
//! Errors keep naming the line (the sheet's row) and the column, and a bad file writes
//! nothing.

mod common;

use common::{error_places, leerling, Db};
use leerrecht_app::register::import::{ImportKind, ImportReport};
use leerrecht_app::Actor;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const JONGEREN_KOP: &str = "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n";

fn lees(db: &Db, kind: ImportKind, naam: &str, inhoud: &[u8], blad: Option<&str>) -> ImportReport {
    let pad = db.dir.path().join(naam);
    std::fs::write(&pad, inhoud).unwrap();
    db.app
        .import_met(
            &Actor::local_operator(),
            kind,
            &pad,
            blad,
            false,
            &mut |_, _| {},
        )
        .unwrap()
}

fn naam(db: &Db, wie: &str) -> String {
    let j = db
        .app
        .opslag(&Actor::local_operator())
        .unwrap()
        .jongere(leerling(wie))
        .unwrap()
        .unwrap();
    format!("{} {}", j.voornamen, j.achternaam)
}

/// Text in Windows-1252, as Excel writes it in a Dutch office.
fn cp1252(s: &str) -> Vec<u8> {
    let (bytes, _, fout) = encoding_rs::WINDOWS_1252.encode(s);
    assert!(!fout);
    bytes.into_owned()
}

fn excel_in_windows_1252_and_utf8_are_both_read(db: Db) {
    db.region();
    let rijen = format!(
        "{JONGEREN_KOP}111222333;;Müller;Sem;2015-03-10;GM0392\n\
         123456782;;Öztürk;Noor Çelik;01-09-2009;GM0392\n"
    );
    let r = lees(
        &db,
        ImportKind::Jongeren,
        "jongeren.csv",
        &cp1252(&rijen),
        None,
    );
    assert!(r.committed, "{:?}", r.errors);
    assert_eq!(r.gelezen.as_deref(), Some("Windows-1252"));
    assert_eq!(naam(&db, "111222333"), "Sem Müller");
    assert_eq!(naam(&db, "123456782"), "Noor Çelik Öztürk");
    // The same file in UTF-8 with a byte-order mark changes nothing.
    let mut utf8 = b"\xEF\xBB\xBF".to_vec();
    utf8.extend_from_slice(rijen.as_bytes());
    let r = lees(&db, ImportKind::Jongeren, "jongeren.csv", &utf8, None);
    assert_eq!(r.gelezen.as_deref(), Some("UTF-8"));
    assert_eq!((r.counts.gewijzigd, r.counts.nieuw), (0, 0));
    // A bad row in Windows-1252 is named by its line and column, and nothing is written.
    let fout = format!(
        "{JONGEREN_KOP}111222333;;Müller-de Jong;Sem;2015-03-10;GM0392\n\
         123456782;;Öztürk;Noor;31-02-2009;GM0392\n"
    );
    let r = lees(&db, ImportKind::Jongeren, "fout.csv", &cp1252(&fout), None);
    assert!(!r.committed);
    assert_eq!(error_places(&r), [(3, "geboortedatum")]);
    assert_eq!(naam(&db, "111222333"), "Sem Müller");
}

/// A workbook with an explanation on its first sheet and the enrolments on the second: the
/// pupil's number as a number (so without its leading zero), the dates as real dates.
fn werkboek(fout_op_rij_3: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    let uitleg = wb.add_worksheet();
    uitleg.set_name("Toelichting").unwrap();
    uitleg
        .write_string(0, 0, "Inschrijvingen per 1 oktober")
        .unwrap();
    let blad = wb.add_worksheet();
    blad.set_name("Inschrijvingen").unwrap();
    let datum = Format::new().set_num_format("dd-mm-yyyy");
    for (k, kop) in ["leerling", "school", "sector", "begindatum", "einddatum"]
        .iter()
        .enumerate()
    {
        blad.write_string(0, k as u16, *kop).unwrap();
    }
    // 010000008 (Daan) as the number 10000008.
    blad.write_number(1, 0, 10_000_008.0).unwrap();
    blad.write_string(1, 1, "07NU01").unwrap();
    blad.write_string(1, 2, "VO").unwrap();
    blad.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2015, 8, 17).unwrap(), &datum)
        .unwrap();
    blad.write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(2021, 7, 31).unwrap(), &datum)
        .unwrap();
    blad.write_number(2, 0, 111_222_333.0).unwrap();
    blad.write_string(2, 1, "07NU01").unwrap();
    blad.write_string(2, 2, "VO").unwrap();
    if fout_op_rij_3 {
        blad.write_string(2, 3, "dertig juni").unwrap();
    } else {
        blad.write_datetime_with_format(
            2,
            3,
            ExcelDateTime::from_ymd(2027, 8, 23).unwrap(),
            &datum,
        )
        .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn a_spreadsheet_is_read_from_the_sheet_named(db: Db) {
    db.region();
    let inschrijvingen = |db: &Db| {
        db.app
            .opslag(&Actor::local_operator())
            .unwrap()
            .inschrijvingen_van(leerling("010000008"))
            .unwrap()
            .into_iter()
            .map(|i| (i.school.as_str().to_string(), i.begindatum().to_string()))
            .collect::<Vec<_>>()
    };
    // The first sheet is the explanation: its header is no header of enrolments.
    let r = lees(
        &db,
        ImportKind::Inschrijvingen,
        "inschrijvingen.xlsx",
        &werkboek(false),
        None,
    );
    assert!(!r.committed);
    assert!(
        r.errors
            .iter()
            .any(|e| e.line == 1 && e.column == "leerling"),
        "{:?}",
        r.errors
    );
    // A sheet that is not there is named with those that are.
    let r = lees(
        &db,
        ImportKind::Inschrijvingen,
        "inschrijvingen.xlsx",
        &werkboek(false),
        Some("Blad9"),
    );
    assert!(
        r.errors[0].reason.contains("Toelichting, Inschrijvingen"),
        "{:?}",
        r.errors
    );
    // A date that is no date: the sheet's row 3, its column; nothing is written.
    let r = lees(
        &db,
        ImportKind::Inschrijvingen,
        "inschrijvingen.xlsx",
        &werkboek(true),
        Some("Inschrijvingen"),
    );
    assert!(!r.committed);
    assert_eq!(error_places(&r), [(3, "begindatum")]);
    assert!(inschrijvingen(&db).is_empty());
    let r = lees(
        &db,
        ImportKind::Inschrijvingen,
        "inschrijvingen.xlsx",
        &werkboek(false),
        Some("Inschrijvingen"),
    );
    assert!(r.committed, "{:?}", r.errors);
    assert_eq!(r.gelezen.as_deref(), Some("xlsx, blad Inschrijvingen"));
    assert_eq!(r.rows, 2);
    assert_eq!(
        inschrijvingen(&db),
        [("07NU01".to_string(), "2015-08-17".to_string())]
    );
}

on_both!(
    excel_in_windows_1252_and_utf8_are_both_read,
    a_spreadsheet_is_read_from_the_sheet_named,
);
