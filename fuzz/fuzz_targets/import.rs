//! Every import's parsing and checking path, as `leerrecht import KIND FILE --dry-run` runs
//! it, on an in-memory SQLite register holding a small region: any bytes are either imported
//! (a dry run keeps nothing) or refused with row errors; nothing panics. The first byte picks
//! the kind of file.
#![no_main]

use std::io::Write;
use std::sync::OnceLock;

use leerrecht_app::register::import::ImportKind;
use leerrecht_app::{Actor, App};
use libfuzzer_sys::fuzz_target;

const KINDS: [ImportKind; 7] = [
    ImportKind::Organisaties,
    ImportKind::Kalender,
    ImportKind::Jongeren,
    ImportKind::Inschrijvingen,
    ImportKind::Verzuim,
    ImportKind::Meldingen,
    ImportKind::Registraties,
];

const ORGANISATIES: &str = "code;soort;naam;gemeente;regio;swv;bedient
GM0392;gemeente;Haarlem;;Zuid-Kennemerland;;
05KO00;school;De Klimop;GM0392;;SWV-PO-ZK;
SWV-PO-ZK;swv;SWV PO;;Zuid-Kennemerland;;
RBL-ZK;leerplicht;Bureau;GM0392;;;GM0392
";
const JONGEREN: &str = "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
111222333;;Jansen;Sem;2015-03-10;GM0392
;101222331;Bakker;Lotte;2012-05-05;GM0392
";
const INSCHRIJVINGEN: &str = "leerling;school;sector;begindatum;einddatum
111222333;05KO00;PO;2019-08-20;
101222331;05KO00;PO;2016-08-20;
";

struct Lab {
    app: App,
    dir: std::path::PathBuf,
}

fn lab() -> &'static Lab {
    static LAB: OnceLock<Lab> = OnceLock::new();
    LAB.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("leerrecht-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let app = App::new(leerrecht_store::open("sqlite::memory:").unwrap());
        let lab = Lab { app, dir };
        for (kind, csv) in [
            (ImportKind::Organisaties, ORGANISATIES),
            (ImportKind::Jongeren, JONGEREN),
            (ImportKind::Inschrijvingen, INSCHRIJVINGEN),
        ] {
            let r = lab.import(kind, csv.as_bytes(), false);
            assert!(r.committed, "{kind}: {:?}", r.errors);
        }
        lab
    })
}

impl Lab {
    fn import(
        &self,
        kind: ImportKind,
        bytes: &[u8],
        dry_run: bool,
    ) -> leerrecht_app::register::import::ImportReport {
        let path = self.dir.join("invoer.csv");
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .unwrap();
        self.app
            .import(
                &Actor::local_operator(),
                kind,
                &path,
                dry_run,
                &mut |_, _| {},
            )
            .expect("an import fails only on rows, never as a whole")
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&k, csv)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(k) % KINDS.len()];
    let r = lab().import(kind, csv, true);
    assert!(!r.committed, "a dry run keeps nothing");
    for e in &r.errors {
        assert!(!e.reason.is_empty(), "a row error says what is wrong");
    }
});
