//! Reading an import from a spreadsheet (`.xlsx`, docs/domain.md §12): the first sheet, or the
//! one named, with the same header and columns as the CSV file. A cell is read as the CSV
//! would have it: text as it is, a whole number without a fraction, a spreadsheet date as
//! `YYYY-MM-DD`, and a number in a column of identifiers (`bsn`, `onderwijsnummer`,
//! `leerling`) with the leading zeros the spreadsheet dropped. Errors name the sheet's row
//! and the column, as a CSV file's name its line.

use std::path::Path;

use calamine::{Data, Reader};

use crate::register::csvin::{kolommen, Column, Fields, RowError, RowSource};
use crate::{AppError, Result};

/// The columns whose numbers are identifiers of nine digits.
const NUMMERS: [&str; 3] = ["bsn", "onderwijsnummer", "leerling"];

/// One sheet of a workbook, opened for one of the import formats.
pub struct XlsxBlad {
    rijen: std::vec::IntoIter<(u64, std::result::Result<csv::StringRecord, RowError>)>,
    positions: Vec<Option<usize>>,
    record: csv::StringRecord,
    /// The sheet read.
    pub blad: String,
    pub size: u64,
    progress: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl XlsxBlad {
    /// Opens the sheet `blad` (default: the first) of the workbook at `path` and checks its
    /// header (its first row) against `columns`. A header problem, or a sheet that is not
    /// there, is returned as row errors.
    pub fn open(
        path: &Path,
        columns: &[Column],
        blad: Option<&str>,
    ) -> Result<std::result::Result<Self, Vec<RowError>>> {
        let fout = |reason: String| {
            Ok(Err(vec![RowError {
                line: 1,
                column: "-".into(),
                reason,
            }]))
        };
        let size = std::fs::metadata(path)
            .map_err(|source| AppError::Io {
                path: path.display().to_string(),
                source,
            })?
            .len();
        let mut boek: calamine::Xlsx<_> = match calamine::open_workbook(path) {
            Ok(b) => b,
            Err(e) => return fout(format!("not a readable .xlsx workbook: {e}")),
        };
        let namen = boek.sheet_names();
        let naam = match blad {
            Some(b) => match namen.iter().find(|n| n.as_str() == b) {
                Some(n) => n.clone(),
                None => {
                    return fout(format!(
                        "no sheet {b:?} in the workbook (it has {})",
                        namen.join(", ")
                    ))
                }
            },
            None => match namen.first() {
                Some(n) => n.clone(),
                None => return fout("the workbook has no sheet".into()),
            },
        };
        let range = match boek.worksheet_range(&naam) {
            Ok(r) => r,
            Err(e) => return fout(format!("sheet {naam:?}: {e}")),
        };
        // The sheet's own row numbers: the range may start below row 1.
        let eerste = range.start().map_or(0, |(r, _)| u64::from(r)) + 1;
        let mut rows = range.rows();
        let Some(kop) = rows.next() else {
            return fout(format!("sheet {naam:?} is empty"));
        };
        let names: Vec<String> = kop
            .iter()
            .map(|c| tekst(c).unwrap_or_default().trim().to_ascii_lowercase())
            .collect();
        // Empty columns at the right of the header are no columns.
        let breedte = names
            .iter()
            .rposition(|n| !n.is_empty())
            .map_or(0, |i| i + 1);
        let names = names[..breedte].to_vec();
        let positions = match kolommen(&names, columns, eerste) {
            Ok(p) => p,
            Err(errors) => return Ok(Err(errors)),
        };
        let mut rijen = Vec::new();
        for (i, rij) in rows.enumerate() {
            let line = eerste + 1 + i as u64;
            // A row of empty cells is no row (a spreadsheet's formatting reaches further
            // down than its data).
            if rij.iter().all(|c| matches!(c, Data::Empty)) {
                continue;
            }
            let mut record = csv::StringRecord::new();
            let mut fout = None;
            for (k, naam) in names.iter().enumerate() {
                let cel = rij.get(k).unwrap_or(&Data::Empty);
                match waarde(cel, NUMMERS.contains(&naam.as_str())) {
                    Ok(v) => record.push_field(&v),
                    Err(reason) => {
                        fout.get_or_insert(RowError {
                            line,
                            column: naam.clone(),
                            reason,
                        });
                        record.push_field("");
                    }
                }
            }
            rijen.push((line, fout.map_or(Ok(record), Err)));
        }
        Ok(Ok(XlsxBlad {
            rijen: rijen.into_iter(),
            positions,
            record: csv::StringRecord::new(),
            blad: naam,
            size,
            progress: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(size)),
        }))
    }

    /// A counter of the bytes read: the whole workbook, read when it was opened.
    pub fn progress(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        self.progress.clone()
    }
}

impl RowSource for XlsxBlad {
    fn gelezen(&self) -> Option<String> {
        Some(format!("xlsx, blad {}", self.blad))
    }
    fn next_row(&mut self) -> Option<std::result::Result<(u64, Fields<'_>), RowError>> {
        let (line, rij) = self.rijen.next()?;
        match rij {
            Ok(record) => {
                self.record = record;
                Some(Ok((line, Fields::new(&self.record, &self.positions))))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// A cell's text, when it is text.
fn tekst(c: &Data) -> Option<String> {
    match c {
        Data::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A cell as the CSV file would have it, or why it cannot be read.
fn waarde(c: &Data, nummer: bool) -> std::result::Result<String, String> {
    let geheel = |n: i64| {
        if nummer && (0..1_000_000_000).contains(&n) {
            format!("{n:09}")
        } else {
            n.to_string()
        }
    };
    Ok(match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => geheel(*n),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => geheel(*f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "ja" } else { "nee" }.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) => t.date().format("%Y-%m-%d").to_string(),
            None => return Err(format!("not a date: {d}")),
        },
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds an error: {e}")),
    })
}
