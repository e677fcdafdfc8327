//! Imports of the region's files (docs/domain.md §12), all or nothing: every row is parsed into domain
//! types here, references to organisations are checked against the register, and the store
//! checks what only the stored data can tell (unknown people, duplicates, overlaps). One bad
//! row anywhere means nothing is written, and every bad row is reported.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use chrono::NaiveDate;
use leerrecht_domain::calendar::Vakantie;
use leerrecht_domain::date::parse_date;
use leerrecht_domain::ids::{Bsn, GemeenteCode, LeerlingId, Onderwijsnummer, SchoolCode};
use leerrecht_domain::org::{OrgCode, OrgSoort, Organisatie};
use leerrecht_domain::person::{Inschrijving, Jongere, Sector};
use leerrecht_domain::rules::{Verzuim, Verzuimsoort};
use leerrecht_store::{ImportCounts, ImportOutcome, MeldingRij, RowIssue, VerzuimRij};

use crate::register::csvin::{col, opt, Column, CsvFile, Fields, JsonRows, RowError, RowSource};
use crate::register::xlsxin::XlsxBlad;
use crate::toegang::{authorize, Action, Actor};
use crate::{App, AppError, Result};
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak, Registratie};
use leerrecht_domain::verzorger::{
    email_geldig, telefoon_geldig, Adres, Postcode, Relatie, Verzorger,
};
use leerrecht_store::MeldingGegevens;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Organisaties,
    Jongeren,
    Inschrijvingen,
    Kalender,
    Verzuim,
    Meldingen,
    Registraties,
    Verzorgers,
}

impl ImportKind {
    /// Every kind with the name a command or form gives it.
    pub const ALLE: [(ImportKind, &'static str); 8] = [
        (ImportKind::Organisaties, "organisaties"),
        (ImportKind::Jongeren, "jongeren"),
        (ImportKind::Inschrijvingen, "inschrijvingen"),
        (ImportKind::Kalender, "kalender"),
        (ImportKind::Verzuim, "verzuim"),
        (ImportKind::Meldingen, "meldingen"),
        (ImportKind::Registraties, "registraties"),
        (ImportKind::Verzorgers, "verzorgers"),
    ];
}

impl FromStr for ImportKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ImportKind::ALLE
            .iter()
            .find(|(_, naam)| *naam == s)
            .map(|(k, _)| *k)
            .ok_or_else(|| format!("unknown import {s:?}"))
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImportKind::Organisaties => "organisaties",
            ImportKind::Jongeren => "jongeren",
            ImportKind::Inschrijvingen => "inschrijvingen",
            ImportKind::Kalender => "kalender",
            ImportKind::Verzuim => "verzuim",
            ImportKind::Meldingen => "meldingen",
            ImportKind::Registraties => "registraties",
            ImportKind::Verzorgers => "verzorgers",
        })
    }
}

/// What an import did: how many rows, what changed, and every bad row.
#[derive(Clone, Debug)]
pub struct ImportReport {
    pub kind: ImportKind,
    pub rows: u64,
    pub counts: ImportCounts,
    pub errors: Vec<RowError>,
    pub committed: bool,
    pub dry_run: bool,
    /// How a file was read: its encoding (`UTF-8`, `Windows-1252`) or the spreadsheet's
    /// sheet (`xlsx, blad NAAM`); None for a batch sent to the API.
    pub gelezen: Option<String>,
}

const ORGANISATIES: [Column; 7] = [
    col("code"),
    col("soort"),
    col("naam"),
    opt("gemeente"),
    opt("regio"),
    opt("swv"),
    opt("bedient"),
];
const JONGEREN: [Column; 7] = [
    opt("bsn"),
    opt("onderwijsnummer"),
    col("achternaam"),
    opt("voornamen"),
    col("geboortedatum"),
    col("gemeente"),
    opt("verhuisdatum"),
];
const INSCHRIJVINGEN: [Column; 6] = [
    col("leerling"),
    col("school"),
    col("sector"),
    col("begindatum"),
    opt("einddatum"),
    opt("startkwalificatie"),
];
const KALENDER: [Column; 4] = [col("naam"), col("van"), col("tot"), opt("school")];
const VERZUIM: [Column; 6] = [
    col("leerling"),
    col("school"),
    col("datum"),
    col("soort"),
    opt("minuten").geheel(),
    opt("hele_dag").ja_nee(),
];
const REGISTRATIES: [Column; 5] = [
    col("leerling"),
    col("categorie"),
    col("oorzaak"),
    col("van"),
    opt("tot"),
];
const VERZORGERS: [Column; 9] = [
    col("leerling"),
    col("naam"),
    col("relatie"),
    col("straat"),
    col("huisnummer"),
    col("postcode"),
    col("woonplaats"),
    opt("telefoon"),
    opt("email"),
];
const MELDINGEN: [Column; 12] = [
    col("leerling"),
    col("school"),
    col("begindatum"),
    col("verzuimsoort"),
    opt("uren").geheel(),
    opt("dagen").geheel(),
    opt("einddatum"),
    opt("hele_lessen").ja_nee(),
    opt("reden"),
    opt("ondernomen"),
    opt("actie_gewenst").ja_nee(),
    opt("contact"),
];

/// The columns of each file format.
fn columns_of(kind: ImportKind) -> &'static [Column] {
    match kind {
        ImportKind::Organisaties => &ORGANISATIES,
        ImportKind::Jongeren => &JONGEREN,
        ImportKind::Inschrijvingen => &INSCHRIJVINGEN,
        ImportKind::Kalender => &KALENDER,
        ImportKind::Verzuim => &VERZUIM,
        ImportKind::Meldingen => &MELDINGEN,
        ImportKind::Registraties => &REGISTRATIES,
        ImportKind::Verzorgers => &VERZORGERS,
    }
}

/// Collects the errors of one row while its fields are parsed.
struct Row<'f, 'a> {
    line: u64,
    fields: &'f Fields<'a>,
    names: &'static [Column],
    errors: Vec<RowError>,
}

impl Row<'_, '_> {
    fn raw(&self, i: usize) -> &str {
        self.fields.get(i)
    }
    fn err(&mut self, i: usize, reason: impl Into<String>) {
        self.errors.push(RowError {
            line: self.line,
            column: self.names[i].name.into(),
            reason: reason.into(),
        });
    }
    /// A required value parsed with `parse`; None (and an error) when empty or invalid.
    fn req<T, E: fmt::Display>(
        &mut self,
        i: usize,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = self.raw(i);
        if v.is_empty() {
            self.err(i, "is empty");
            return None;
        }
        self.parsed(i, v.to_string(), parse)
    }
    /// An optional value: Some(None) when empty, None when invalid.
    fn opt<T, E: fmt::Display>(
        &mut self,
        i: usize,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        let v = self.raw(i);
        if v.is_empty() {
            return Some(None);
        }
        self.parsed(i, v.to_string(), parse).map(Some)
    }
    fn parsed<T, E: fmt::Display>(
        &mut self,
        i: usize,
        v: String,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.err(i, format!("{v:?}: {e}"));
                None
            }
        }
    }
    fn text(&mut self, i: usize, required: bool) -> Option<String> {
        let v = self.raw(i).to_string();
        if required && v.is_empty() {
            self.err(i, "is empty");
            return None;
        }
        if v.chars().any(char::is_control) {
            self.err(i, "contains control characters");
            return None;
        }
        Some(v)
    }
}

/// The organisations already registered, for checking references.
struct Register {
    soort: HashMap<String, OrgSoort>,
    /// For a school's system (API token): the only school its rows may name.
    own_school: Option<String>,
}

impl Register {
    fn load(app: &App, actor: &Actor) -> Result<Self> {
        let soort = app
            .store()
            .organisaties()?
            .into_iter()
            .map(|o| (o.code.as_str().to_string(), o.soort))
            .collect();
        let own_school = match actor {
            Actor::Systeem(s) => Some(s.organisatie.clone()),
            _ => None,
        };
        Ok(Register { soort, own_school })
    }
    fn is(&self, code: &str, soort: OrgSoort) -> bool {
        self.soort.get(code) == Some(&soort)
    }
}

fn merge(mut errors: Vec<RowError>, issues: &[RowIssue]) -> Vec<RowError> {
    errors.extend(issues.iter().map(|i| RowError {
        line: i.line,
        column: i.column.clone(),
        reason: i.reason.clone(),
    }));
    // Stable: a row's own errors stay in column order.
    errors.sort_by_key(|e| e.line);
    errors
}

/// Streams parsed rows to the store, keeping the errors of rows that did not parse.
struct Parsed<'c, 'e, T, F> {
    csv: &'c mut dyn RowSource,
    names: &'static [Column],
    parse: F,
    errors: &'e RefCell<Vec<RowError>>,
    rows: &'e Cell<u64>,
    _t: std::marker::PhantomData<T>,
}

impl<T, F> Iterator for Parsed<'_, '_, T, F>
where
    F: FnMut(&mut Row<'_, '_>) -> Option<T>,
{
    type Item = (u64, T);
    fn next(&mut self) -> Option<(u64, T)> {
        loop {
            match self.csv.next_row()? {
                Err(e) => {
                    self.rows.set(self.rows.get() + 1);
                    self.errors.borrow_mut().push(e);
                }
                Ok((line, fields)) => {
                    self.rows.set(self.rows.get() + 1);
                    let mut row = Row {
                        line,
                        fields: &fields,
                        names: self.names,
                        errors: Vec::new(),
                    };
                    let parsed = (self.parse)(&mut row);
                    if row.errors.is_empty() {
                        if let Some(t) = parsed {
                            return Some((line, t));
                        }
                    }
                    self.errors.borrow_mut().extend(row.errors);
                }
            }
        }
    }
}

impl App {
    /// Imports one file of `kind`. With `dry_run` everything is checked and counted, and
    /// nothing is kept. `on_open` receives the file size and a live count of bytes read.
    pub fn import(
        &self,
        actor: &Actor,
        kind: ImportKind,
        path: &Path,
        dry_run: bool,
        on_open: &mut dyn FnMut(u64, Arc<AtomicU64>),
    ) -> Result<ImportReport> {
        self.import_met(actor, kind, path, None, dry_run, on_open)
    }

    /// [`App::import`] of a CSV file (UTF-8 or Windows-1252) or, for a name ending in
    /// `.xlsx`, a spreadsheet: its sheet `blad`, or the first.
    pub fn import_met(
        &self,
        actor: &Actor,
        kind: ImportKind,
        path: &Path,
        blad: Option<&str>,
        dry_run: bool,
        on_open: &mut dyn FnMut(u64, Arc<AtomicU64>),
    ) -> Result<ImportReport> {
        authorize(actor, inlezen_actie(kind))?;
        let report = |errors| ImportReport {
            kind,
            rows: 0,
            counts: ImportCounts::default(),
            errors,
            committed: false,
            dry_run,
            gelezen: None,
        };
        let xlsx = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        let mut bron: Box<dyn RowSource> = if xlsx {
            match XlsxBlad::open(path, columns_of(kind), blad)? {
                Ok(b) => {
                    on_open(b.size, b.progress());
                    Box::new(b)
                }
                Err(errors) => return Ok(report(errors)),
            }
        } else {
            match CsvFile::open(path, columns_of(kind))? {
                Ok(csv) => {
                    on_open(csv.size, csv.progress());
                    Box::new(csv)
                }
                Err(errors) => return Ok(report(errors)),
            }
        };
        let gelezen = bron.gelezen();
        // A bureau's officer reads in rows of the young people of its own gemeenten only.
        if let Actor::Gebruiker(g) = actor {
            if g.rol == leerrecht_domain::org::Rol::Leerplicht {
                let kolom = columns_of(kind)
                    .iter()
                    .position(|c| c.name == "leerling")
                    .unwrap_or(0);
                let vandaag = self.now().date_naive();
                bron = Box::new(EigenGemeenten {
                    bron,
                    kolom,
                    binnen: Box::new(move |l: LeerlingId| {
                        Ok(self
                            .store()
                            .persoon_context(l, vandaag)?
                            .is_none_or(|ctx| g.bedient.contains(&ctx.jongere.gemeente)))
                    }),
                });
            }
        }
        let file = file_name(path);
        if !dry_run {
            self.audit_begin(actor, &format!("import_{kind}"), file.clone())?;
        }
        let mut r = if kind == ImportKind::Organisaties {
            let register = Register::load(self, actor)?;
            let r = self.import_organisaties(&mut *bron, register, dry_run, kind)?;
            if r.committed {
                self.audit_import(actor, kind, &file, &r.counts)?;
            }
            r
        } else {
            self.import_rows(actor, kind, &mut *bron, &file, dry_run)?
        };
        r.gelezen = gelezen;
        Ok(r)
    }

    /// Imports a batch of absence or meldingen sent to the API: the same checks, row by row,
    /// as the file of that kind, all or nothing. Each row is an object with the file's
    /// columns as members; row numbers count from 1. A system's token must carry the scope
    /// of the kind.
    pub fn import_batch(
        &self,
        actor: &Actor,
        kind: ImportKind,
        rows: &[serde_json::Value],
        bron: &str,
    ) -> Result<ImportReport> {
        let action = match kind {
            ImportKind::Verzuim => Action::SendVerzuim,
            ImportKind::Meldingen => Action::SendMeldingen,
            _ => {
                return Err(AppError::Invalid(format!(
                    "{kind}: only verzuim and meldingen come in batches"
                )))
            }
        };
        authorize(actor, action)?;
        self.audit_begin(actor, &format!("import_{kind}"), bron.to_string())?;
        let mut source = JsonRows::new(rows, columns_of(kind));
        let mut report = self.import_rows(actor, kind, &mut source, bron, false)?;
        if !matches!(actor, Actor::LocalOperator { .. }) {
            report.errors = self.als_niet_ingeschreven(actor, kind, rows, report.errors)?;
        }
        Ok(report)
    }

    /// For a batch of a school (its system or user): a row that names a person the register
    /// does not know gets the error of a row whose person is not enrolled at the school on
    /// that date, so that a batch cannot tell who is registered. The operator's files keep
    /// the plainer error.
    fn als_niet_ingeschreven(
        &self,
        actor: &Actor,
        kind: ImportKind,
        rows: &[serde_json::Value],
        errors: Vec<RowError>,
    ) -> Result<Vec<RowError>> {
        if !errors
            .iter()
            .any(|e| e.reason == leerrecht_store::UNKNOWN_PERSON)
        {
            return Ok(errors);
        }
        let register = Register::load(self, actor)?;
        let today = chrono::Local::now().date_naive();
        let columns = columns_of(kind);
        Ok(errors
            .into_iter()
            .map(|e| {
                if e.reason != leerrecht_store::UNKNOWN_PERSON {
                    return e;
                }
                let Some(row) = (e.line as usize).checked_sub(1).and_then(|i| rows.get(i)) else {
                    return e;
                };
                let mut source = JsonRows::new(std::slice::from_ref(row), columns);
                let Some(Ok((_, fields))) = source.next_row() else {
                    return e;
                };
                let mut r = Row {
                    line: e.line,
                    fields: &fields,
                    names: columns,
                    errors: Vec::new(),
                };
                let (column, leerling, school, datum) = match kind {
                    ImportKind::Verzuim => match parse_verzuim(&mut r, &register, today) {
                        Some(v) => ("datum", v.leerling, v.school, v.verzuim.datum),
                        None => return e,
                    },
                    ImportKind::Meldingen => match parse_melding(&mut r, &register, today) {
                        Some(m) => ("begindatum", m.leerling, m.school, m.begindatum),
                        None => return e,
                    },
                    _ => return e,
                };
                RowError {
                    line: e.line,
                    column: column.into(),
                    reason: format!("{leerling} is not enrolled at {school} on {datum}"),
                }
            })
            .collect())
    }

    /// The part of an import shared by files and batches: parse, check, store, audit.
    fn import_rows(
        &self,
        actor: &Actor,
        kind: ImportKind,
        csv: &mut dyn RowSource,
        bron: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let columns = columns_of(kind);
        let report = |rows, counts, errors, committed| ImportReport {
            kind,
            rows,
            counts,
            errors,
            committed,
            dry_run,
            gelezen: None,
        };
        let register = Register::load(self, actor)?;
        let errors = RefCell::new(Vec::new());
        let rows = Cell::new(0u64);
        let mut decide =
            |issues: &[RowIssue]| !dry_run && issues.is_empty() && errors.borrow().is_empty();
        let today = chrono::Local::now().date_naive();
        macro_rules! run {
            ($parse:expr, $store_fn:ident $(, $extra:expr)*) => {{
                let mut it = Parsed {
                    csv: &mut *csv,
                    names: columns,
                    parse: $parse,
                    errors: &errors,
                    rows: &rows,
                    _t: std::marker::PhantomData,
                };
                self.store().$store_fn(&mut it, &mut decide $(, $extra)*)?
            }};
        }
        // Set with the meldingen when they commit, until they have joined their cases: a crash
        // in between leaves it for the next process to finish (`App::herstellen`).
        let markering = crate::herstel::koppelen_markering();
        let outcome: ImportOutcome = match kind {
            ImportKind::Jongeren => run!(
                |r: &mut Row| parse_jongere(r, &register, today),
                import_jongeren
            ),
            ImportKind::Inschrijvingen => run!(
                |r: &mut Row| parse_inschrijving(r, &register),
                import_inschrijvingen
            ),
            ImportKind::Kalender => {
                run!(|r: &mut Row| parse_vakantie(r, &register), import_vakanties)
            }
            ImportKind::Verzuim => run!(
                |r: &mut Row| parse_verzuim(r, &register, today),
                import_verzuim
            ),
            ImportKind::Meldingen => run!(
                |r: &mut Row| parse_melding(r, &register, today),
                import_meldingen,
                Some(markering.as_str())
            ),
            ImportKind::Registraties => run!(
                |r: &mut Row| parse_registratie(r, today),
                import_registraties
            ),
            ImportKind::Verzorgers => run!(parse_verzorger, import_verzorgers),
            ImportKind::Organisaties => {
                return Err(AppError::Invalid(
                    "organisaties are imported from a file only".into(),
                ))
            }
        };
        let errors = merge(errors.into_inner(), &outcome.issues);
        if outcome.committed {
            self.audit_import(actor, kind, bron, &outcome.counts)?;
            if kind == ImportKind::Jongeren {
                // A move may take a young person out of their bureau's gemeenten: their open
                // cases go to the bureau of the new one (docs/domain.md §13). After every
                // import, so that a run of the same file completes what a crash between the
                // commit and here left.
                self.overdragen(actor, self.now().date_naive())?;
            }
            if kind == ImportKind::Meldingen {
                // A melding from a file is registered: it joins (or opens) a verzuim case.
                self.meldingen_koppelen(actor)?;
                self.store().set_instelling(&markering, None)?;
            }
        }
        Ok(report(
            rows.get(),
            outcome.counts,
            errors,
            outcome.committed,
        ))
    }

    /// An import that changed stored data is an entry in the audit log (after the one that
    /// said it started): the file, its kind
    /// and what changed.
    fn audit_import(
        &self,
        actor: &Actor,
        kind: ImportKind,
        file: &str,
        c: &ImportCounts,
    ) -> Result<()> {
        self.audit_operatie(
            actor,
            &format!("import_{kind}"),
            format!(
                "{file}: nieuw {}, gewijzigd {}, ongewijzigd {}",
                c.nieuw, c.gewijzigd, c.ongewijzigd
            ),
        )
    }

    /// Organisations refer to each other (a school to its SWV and gemeente, a bureau to the
    /// gemeenten it serves), in any order within the file, so the file is read whole first; the
    /// organisation register of even a whole country is small.
    fn import_organisaties(
        &self,
        csv: &mut dyn RowSource,
        register: Register,
        dry_run: bool,
        kind: ImportKind,
    ) -> Result<ImportReport> {
        let mut errors = Vec::new();
        let mut parsed: Vec<(u64, Organisatie, Vec<RowError>)> = Vec::new();
        let mut rows = 0;
        while let Some(r) = csv.next_row() {
            rows += 1;
            match r {
                Err(e) => errors.push(e),
                Ok((line, fields)) => {
                    let mut row = Row {
                        line,
                        fields: &fields,
                        names: &ORGANISATIES,
                        errors: Vec::new(),
                    };
                    match parse_organisatie(&mut row) {
                        Some(o) if row.errors.is_empty() => parsed.push((line, o, Vec::new())),
                        _ => errors.extend(row.errors),
                    }
                }
            }
        }
        // References may point at organisations of this file or of the register.
        let mut soort: HashMap<String, OrgSoort> = register.soort;
        for (_, o, _) in &parsed {
            soort.insert(o.code.as_str().to_string(), o.soort);
        }
        let is = |code: &str, k: OrgSoort| soort.get(code) == Some(&k);
        for (line, o, errs) in &mut parsed {
            let mut e = |column: &str, reason: String| {
                errs.push(RowError {
                    line: *line,
                    column: column.into(),
                    reason,
                })
            };
            if let Some(g) = &o.gemeente {
                if !is(g.as_str(), OrgSoort::Gemeente) {
                    e("gemeente", format!("unknown gemeente {g}: register it as an organisation of soort gemeente"));
                }
            }
            if let Some(s) = &o.swv {
                if !is(s.as_str(), OrgSoort::Swv) {
                    e("swv", format!("unknown samenwerkingsverband {s}"));
                }
            }
            for g in &o.bedient {
                if !is(g.as_str(), OrgSoort::Gemeente) {
                    e("bedient", format!("unknown gemeente {g}"));
                }
            }
        }
        for (_, _, errs) in &mut parsed {
            errors.append(errs);
        }
        let file_errors = !errors.is_empty();
        let mut it = parsed.into_iter().map(|(l, o, _)| (l, o));
        let outcome = self.store().import_organisaties(&mut it, &mut |issues| {
            !dry_run && !file_errors && issues.is_empty()
        })?;
        Ok(ImportReport {
            kind,
            rows,
            counts: outcome.counts,
            errors: merge(errors, &outcome.issues),
            committed: outcome.committed,
            dry_run,
            gelezen: None,
        })
    }
}

/// What reading in a file of `kind` asks of the gate: the organisations and the calendar are
/// beheer's; the register of people beheer's from the browser (the operator's on the server);
/// the thuiszitters list and the parents the bureau's; absence and meldingen the schools'.
pub fn inlezen_actie(kind: ImportKind) -> Action {
    match kind {
        ImportKind::Organisaties | ImportKind::Kalender => Action::BeheerRegister,
        ImportKind::Jongeren | ImportKind::Inschrijvingen => Action::InlezenRegister,
        ImportKind::Registraties | ImportKind::Verzorgers => Action::InlezenDossier,
        ImportKind::Verzuim | ImportKind::Meldingen => Action::WriteAbsence,
    }
}

/// The rows of a file, each of a young person the reader may have in it: a row of someone
/// outside is an error of the row (the person the file names is not in the bureau's
/// gemeenten), so the file as a whole is refused and nothing is written.
struct EigenGemeenten<'a> {
    bron: Box<dyn RowSource + 'a>,
    kolom: usize,
    binnen: Box<dyn Fn(LeerlingId) -> Result<bool> + 'a>,
}

impl RowSource for EigenGemeenten<'_> {
    fn gelezen(&self) -> Option<String> {
        self.bron.gelezen()
    }
    fn next_row(&mut self) -> Option<std::result::Result<(u64, Fields<'_>), RowError>> {
        let (line, velden) = match self.bron.next_row()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        let binnen = match LeerlingId::from_str(velden.get(self.kolom)) {
            // An unreadable number or an unknown person: the import names it as such.
            Err(_) => true,
            Ok(l) => (self.binnen)(l).unwrap_or(false),
        };
        if binnen {
            Some(Ok((line, velden)))
        } else {
            Some(Err(RowError {
                line,
                column: "leerling".into(),
                reason: "not a young person of the gemeenten your bureau serves".into(),
            }))
        }
    }
}

fn parse_organisatie(r: &mut Row<'_, '_>) -> Option<Organisatie> {
    let soort = r.req(1, OrgSoort::from_str);
    let code = soort.and_then(|s| r.req(0, |v| OrgCode::parse(s, v)));
    let naam = r.text(2, true);
    let gemeente = r.opt(3, GemeenteCode::from_str);
    let regio = r.text(4, false).map(|s| (!s.is_empty()).then_some(s));
    let swv = r.opt(5, |v| OrgCode::parse(OrgSoort::Swv, v));
    let bedient_raw = r.raw(6).to_string();
    let mut bedient = BTreeSet::new();
    for part in bedient_raw
        .split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part.parse::<GemeenteCode>() {
            Ok(g) => {
                bedient.insert(g);
            }
            Err(e) => r.err(6, format!("{part:?}: {e}")),
        }
    }
    let (soort, code, naam, mut gemeente, regio, swv) =
        (soort?, code?, naam?, gemeente?, regio?, swv?);
    match soort {
        OrgSoort::Gemeente => {
            let own: GemeenteCode = code.as_str().parse().ok()?;
            if gemeente.as_ref().is_some_and(|g| *g != own) {
                r.err(
                    3,
                    "a gemeente lies in itself: leave empty or repeat the code",
                );
            }
            gemeente = Some(own);
        }
        OrgSoort::School if gemeente.is_none() => {
            r.err(3, "a school needs the gemeente it lies in")
        }
        _ => {}
    }
    if swv.is_some() && soort != OrgSoort::School {
        r.err(5, "only a school belongs to a samenwerkingsverband");
    }
    if !bedient.is_empty() && !soort.serves_gemeenten() {
        r.err(
            6,
            "only leerplicht, ggd and cjg organisations serve gemeenten",
        );
    }
    if bedient.is_empty() && soort.serves_gemeenten() {
        r.err(6, "list the gemeenten it serves, separated by |");
    }
    Some(Organisatie {
        code,
        soort,
        naam,
        gemeente,
        regio,
        swv,
        bedient: bedient.into_iter().collect(),
    })
}

fn parse_jongere(r: &mut Row<'_, '_>, register: &Register, today: NaiveDate) -> Option<Jongere> {
    let bsn = r.opt(0, Bsn::from_str);
    let onr = r.opt(1, Onderwijsnummer::from_str);
    let achternaam = r.text(2, true);
    let voornamen = r.text(3, false);
    let geboortedatum = r.req(4, parse_date);
    let gemeente = r.req(5, GemeenteCode::from_str);
    if let Some(g) = &gemeente {
        if !register.is(g.as_str(), OrgSoort::Gemeente) {
            r.err(
                5,
                format!("unknown gemeente {g}: import it with 'import organisaties' first"),
            );
        }
    }
    if let Some(d) = geboortedatum {
        if d > today {
            r.err(4, format!("{d} lies in the future"));
        }
    }
    let verhuisdatum = r.opt(6, parse_date);
    if let (Some(Some(v)), Some(g)) = (verhuisdatum, geboortedatum) {
        if v > today {
            r.err(6, format!("{v} lies in the future"));
        } else if v < g {
            r.err(6, format!("{v} lies before the geboortedatum {g}"));
        }
    }
    let (bsn, onr) = (bsn?, onr?);
    if bsn.is_none() && onr.is_none() {
        r.err(0, "give a BSN, or an onderwijsnummer when there is none");
        return None;
    }
    let mut j = Jongere::new(bsn, onr, achternaam?, voornamen?, geboortedatum?, gemeente?).ok()?;
    j.woont_sinds = verhuisdatum?;
    Some(j)
}

fn parse_inschrijving(r: &mut Row<'_, '_>, register: &Register) -> Option<Inschrijving> {
    let leerling = r.req(0, LeerlingId::from_str);
    let school = r.req(1, SchoolCode::from_str);
    if let Some(s) = &school {
        if !register.is(s.as_str(), OrgSoort::School) {
            r.err(
                1,
                format!("unknown school {s}: import it with 'import organisaties' first"),
            );
        }
    }
    let sector = r.req(2, Sector::from_str);
    let begin = r.req(3, parse_date);
    let eind = r.opt(4, parse_date);
    if let (Some(b), Some(Some(e))) = (begin, eind) {
        if e < b {
            r.err(4, format!("{e} lies before begindatum {b}"));
            return None;
        }
    }
    let startkwalificatie = r.opt(5, ja_nee)?.unwrap_or(false);
    if startkwalificatie && eind == Some(None) {
        r.err(
            5,
            "a startkwalificatie is obtained at the end of an enrolment: give its einddatum",
        );
        return None;
    }
    Inschrijving::new(leerling?, school?, sector?, begin?, eind?)
        .and_then(|i| i.met_startkwalificatie(startkwalificatie))
        .ok()
}

fn parse_registratie(r: &mut Row<'_, '_>, today: NaiveDate) -> Option<Registratie> {
    let leerling = r.req(0, LeerlingId::from_str);
    let categorie = r.req(1, Categorie::from_str);
    let oorzaak = r.req(2, Oorzaak::from_str);
    let van = r.req(3, parse_date);
    not_future(r, 3, van, today);
    let tot = r.opt(4, parse_date);
    if let (Some(b), Some(Some(e))) = (van, tot) {
        if e < b {
            r.err(4, format!("{e} lies before van {b}"));
            return None;
        }
    }
    Registratie::new(leerling?, categorie?, oorzaak?, van?, tot?).ok()
}

fn parse_verzorger(r: &mut Row<'_, '_>) -> Option<Verzorger> {
    let leerling = r.req(0, LeerlingId::from_str);
    let naam = r.text(1, true);
    let relatie = r.req(2, Relatie::from_str);
    let straat = r.text(3, true);
    let huisnummer = r.text(4, true);
    let postcode = r.req(5, Postcode::from_str);
    let woonplaats = r.text(6, true);
    let telefoon = r.text(7, false);
    if let Some(t) = telefoon.as_deref().filter(|t| !t.is_empty()) {
        if !telefoon_geldig(t) {
            r.err(7, format!("{t:?} is not a telephone number"));
        }
    }
    let email = r.text(8, false);
    if let Some(e) = email.as_deref().filter(|e| !e.is_empty()) {
        if !email_geldig(e) {
            r.err(8, format!("{e:?} is not an e-mail address"));
        }
    }
    Some(Verzorger {
        leerling: leerling?,
        naam: naam?,
        relatie: relatie?,
        adres: Adres {
            straat: straat?,
            huisnummer: huisnummer?,
            postcode: postcode?,
            woonplaats: woonplaats?,
        },
        telefoon: Some(telefoon?).filter(|t| !t.is_empty()),
        email: Some(email?).filter(|e| !e.is_empty()),
    })
}

fn parse_vakantie(r: &mut Row<'_, '_>, register: &Register) -> Option<Vakantie> {
    let naam = r.text(0, true);
    let van = r.req(1, parse_date);
    let tot = r.req(2, parse_date);
    let school = r.opt(3, SchoolCode::from_str);
    if let Some(Some(s)) = &school {
        if !register.is(s.as_str(), OrgSoort::School) {
            r.err(
                3,
                format!("unknown school {s}: import it with 'import organisaties' first"),
            );
        }
    }
    if let (Some(v), Some(t)) = (van, tot) {
        if t < v {
            r.err(2, format!("{t} lies before van {v}"));
            return None;
        }
    }
    Some(Vakantie {
        naam: naam?,
        van: van?,
        tot: tot?,
        school: school?,
    })
}

fn known_school(r: &mut Row<'_, '_>, i: usize, register: &Register) -> Option<SchoolCode> {
    let school = r.req(i, SchoolCode::from_str)?;
    if !register.is(school.as_str(), OrgSoort::School) {
        r.err(
            i,
            format!("unknown school {school}: import it with 'import organisaties' first"),
        );
    } else if let Some(own) = register
        .own_school
        .as_deref()
        .filter(|o| *o != school.as_str())
    {
        r.err(
            i,
            format!("not your school: this token sends for {own} only"),
        );
    }
    Some(school)
}

fn not_future(r: &mut Row<'_, '_>, i: usize, d: Option<NaiveDate>, today: NaiveDate) {
    if let Some(d) = d {
        if d > today {
            r.err(i, format!("{d} lies in the future"));
        }
    }
}

fn parse_verzuim(r: &mut Row<'_, '_>, register: &Register, today: NaiveDate) -> Option<VerzuimRij> {
    let leerling = r.req(0, LeerlingId::from_str);
    let school = known_school(r, 1, register);
    let datum = r.req(2, parse_date);
    not_future(r, 2, datum, today);
    let soort = r.req(3, Verzuimsoort::from_str);
    // A school day has at most 24 hours of lessons; empty means none counted (a late arrival).
    let minuten = r.opt(4, |v| match v.parse::<u16>() {
        Ok(n) if n <= 1440 => Ok(n),
        _ => Err("minutes are a whole number from 0 to 1440"),
    });
    let hele_dag = r.opt(5, ja_nee);
    Some(VerzuimRij {
        leerling: leerling?,
        school: school?,
        verzuim: Verzuim::new(
            datum?,
            soort?,
            minuten?.unwrap_or(0),
            hele_dag?.unwrap_or(false),
        ),
    })
}

/// The kinds of melding (docs/domain.md §7).
pub const MELDING_SOORTEN: [&str; 5] = ["luxe", "beginnend", "signaal", "16uur", "langdurig"];

fn parse_melding(r: &mut Row<'_, '_>, register: &Register, today: NaiveDate) -> Option<MeldingRij> {
    let leerling = r.req(0, LeerlingId::from_str);
    let school = known_school(r, 1, register);
    let begindatum = r.req(2, parse_date);
    not_future(r, 2, begindatum, today);
    let soort = r.req(3, |v| {
        MELDING_SOORTEN
            .iter()
            .find(|k| k.eq_ignore_ascii_case(v))
            .copied()
            .ok_or("use luxe, beginnend, signaal, 16uur or langdurig")
    });
    let number = |v: &str| v.parse::<u32>().map_err(|_| "a whole number of 0 or more");
    let uren = r.opt(4, number);
    let dagen = r.opt(5, number);
    let einddatum = r.opt(6, parse_date);
    if let (Some(b), Some(Some(e))) = (begindatum, einddatum) {
        if e < b {
            r.err(6, format!("{e} lies before begindatum {b}"));
        }
    }
    let hele_lessen = r.opt(7, ja_nee);
    let free = |r: &mut Row, i: usize| {
        let v = r.raw(i).trim().to_string();
        (!v.is_empty()).then_some(v)
    };
    let (reden, ondernomen) = (free(r, 8), free(r, 9));
    let actie_gewenst = r.opt(10, ja_nee);
    let contact = free(r, 11);
    Some(MeldingRij {
        leerling: leerling?,
        school: school?,
        begindatum: begindatum?,
        verzuimsoort: soort?,
        uren: uren?,
        dagen: dagen?,
        gegevens: MeldingGegevens {
            einddatum: einddatum?,
            hele_lessen: hele_lessen?,
            reden,
            ondernomen,
            actie_gewenst: actie_gewenst?,
            contact,
        },
    })
}

/// `ja` or `nee` (also j/n, 1/0, true/false).
fn ja_nee(v: &str) -> Result<bool, &'static str> {
    match v.to_ascii_lowercase().as_str() {
        "ja" | "j" | "1" | "true" => Ok(true),
        "nee" | "n" | "0" | "false" => Ok(false),
        _ => Err("use ja or nee"),
    }
}

impl AppError {
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, AppError::Invalid(_))
    }
}

/// The file's name as the audit log records it.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
