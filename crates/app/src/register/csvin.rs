//! Reading the region's CSV files (docs/domain.md §12): UTF-8 with or without a byte-order mark,
//! or Windows-1252 as Excel in a Dutch office saves "CSV (puntkomma-gescheiden)", told apart by
//! content (a file that is valid UTF-8 is UTF-8; otherwise `chardetng` must recognise
//! Windows-1252); `;` or `,` detected from the header line, header names case-insensitive.
//! Rows are read one at a time into a reused record, so memory stays constant however large
//! the file.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::{AppError, Result};

/// One problem with one row (or the header, line 1) of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

/// Counts bytes as they are read, for a progress bar.
struct Counting<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// The character encoding a CSV file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codering {
    Utf8,
    Windows1252,
}

impl Codering {
    /// The encoding's name, as the import's summary says it.
    pub fn naam(self) -> &'static str {
        match self {
            Codering::Utf8 => "UTF-8",
            Codering::Windows1252 => "Windows-1252",
        }
    }
}

/// How much of a file that is not UTF-8 the encoding detector reads.
const DETECTIE_BYTES: u64 = 8 << 20;

/// The encoding of the file at `path`, from its content: UTF-8 when the whole file is valid
/// UTF-8 (a byte-order mark included), else Windows-1252 when `chardetng` (the detector of
/// Firefox, told the file is Dutch) finds that; anything else is refused with a reason for
/// the header line.
fn codering_van(path: &Path) -> std::io::Result<std::result::Result<Codering, RowError>> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut rest: Vec<u8> = Vec::new();
    let mut utf8 = true;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        rest.extend_from_slice(&buf[..n]);
        match std::str::from_utf8(&rest) {
            Ok(_) => rest.clear(),
            // A character cut at the end of the chunk: its first bytes go with the next.
            Err(e) if e.error_len().is_none() => {
                rest.drain(..e.valid_up_to());
            }
            Err(_) => {
                utf8 = false;
                break;
            }
        }
    }
    if utf8 && rest.is_empty() {
        return Ok(Ok(Codering::Utf8));
    }
    // The detector reads the first part of the file: a few megabytes of names and places
    // tell it, and reading a national file whole would cost more than the import's own checks.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut file = File::open(path)?.take(DETECTIE_BYTES);
    loop {
        let n = file.read(&mut buf)?;
        detector.feed(&buf[..n], n == 0);
        if n == 0 {
            break;
        }
    }
    let gok = detector.guess(Some(b"nl"), chardetng::Utf8Detection::Deny);
    if gok == encoding_rs::WINDOWS_1252 {
        Ok(Ok(Codering::Windows1252))
    } else {
        Ok(Err(RowError {
            line: 1,
            column: "-".into(),
            reason: format!(
                "neither UTF-8 nor Windows-1252 (it looks like {}): save the file as UTF-8",
                gok.name()
            ),
        }))
    }
}

/// The columns of a header, checked against a format's `columns`: for each expected column its
/// position (None when absent and optional), or every problem as a row error on line `line`.
pub(crate) fn kolommen(
    names: &[String],
    columns: &[Column],
    line: u64,
) -> std::result::Result<Vec<Option<usize>>, Vec<RowError>> {
    let mut errors = Vec::new();
    let expected: Vec<&str> = columns.iter().map(|c| c.name).collect();
    for (i, n) in names.iter().enumerate() {
        if !expected.contains(&n.as_str()) {
            errors.push(RowError {
                line,
                column: n.clone(),
                reason: format!("unknown column (expected {})", expected.join(";")),
            });
        } else if names[..i].contains(n) {
            errors.push(RowError {
                line,
                column: n.clone(),
                reason: "column appears twice".into(),
            });
        }
    }
    let positions: Vec<Option<usize>> = columns
        .iter()
        .map(|c| names.iter().position(|n| n == c.name))
        .collect();
    for (c, p) in columns.iter().zip(&positions) {
        if c.required && p.is_none() {
            errors.push(RowError {
                line,
                column: c.name.into(),
                reason: format!("missing column (expected {})", expected.join(";")),
            });
        }
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(errors)
    }
}

/// A CSV file opened for one of the import formats, with its columns mapped.
pub struct CsvFile {
    reader: csv::Reader<Box<dyn Read + Send>>,
    /// The encoding it is read in.
    pub codering: Codering,
    /// For each expected column, its position in the file (None when absent and optional).
    positions: Vec<Option<usize>>,
    record: csv::StringRecord,
    header_len: usize,
    bytes_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
    pub size: u64,
}

/// A column a format expects; `required` columns must be in the header.
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// The JSON type of the column's member in a batch sent to the API (a file's fields are
    /// all text).
    pub json: JsonSoort,
}

/// The JSON type a batch's member must have, as the API's schema says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonSoort {
    Tekst,
    /// A whole number (a JSON number without fraction).
    Geheel,
    /// `true` or `false`.
    JaNee,
}

pub const fn col(name: &'static str) -> Column {
    Column {
        name,
        required: true,
        json: JsonSoort::Tekst,
    }
}
pub const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
        json: JsonSoort::Tekst,
    }
}

impl Column {
    /// The column as a whole number in a batch.
    pub const fn geheel(self) -> Column {
        Column {
            json: JsonSoort::Geheel,
            ..self
        }
    }
    /// The column as `true`/`false` in a batch.
    pub const fn ja_nee(self) -> Column {
        Column {
            json: JsonSoort::JaNee,
            ..self
        }
    }
}

impl CsvFile {
    /// Opens `path`, detects the separator and checks the header against `columns`. A header
    /// problem is returned as row errors on line 1.
    pub fn open(
        path: &Path,
        columns: &[Column],
    ) -> Result<std::result::Result<Self, Vec<RowError>>> {
        let io = |source| AppError::Io {
            path: path.display().to_string(),
            source,
        };
        let codering = match codering_van(path).map_err(io)? {
            Ok(c) => c,
            Err(e) => return Ok(Err(vec![e])),
        };
        let file = File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let mut buf = BufReader::with_capacity(1 << 16, file);
        let head = buf.fill_buf().map_err(io)?;
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        let semis = first_line.iter().filter(|&&b| b == b';').count();
        let commas = first_line.iter().filter(|&&b| b == b',').count();
        let delimiter = if commas > semis { b',' } else { b';' };
        if bom {
            buf.consume(3);
        }
        let bytes_read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let gelezen = Counting {
            inner: buf,
            read: bytes_read.clone(),
        };
        let bron: Box<dyn Read + Send> = match codering {
            Codering::Utf8 => Box::new(gelezen),
            Codering::Windows1252 => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding_rs::WINDOWS_1252))
                    .build(gelezen),
            ),
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(bron);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Ok(Err(vec![RowError {
                    line: 1,
                    column: "header".into(),
                    reason: format!("cannot read the header: {e}"),
                }]))
            }
        };
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let positions = match kolommen(&names, columns, 1) {
            Ok(p) => p,
            Err(errors) => return Ok(Err(errors)),
        };
        Ok(Ok(CsvFile {
            reader,
            codering,
            positions,
            record: csv::StringRecord::new(),
            header_len: names.len(),
            bytes_read,
            size,
        }))
    }

    /// A shared counter of the bytes read so far, for a progress display.
    pub fn progress(&self) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
        self.bytes_read.clone()
    }

    /// Reads the next row: `Ok(Some((line, fields)))`, where `fields[i]` is the trimmed value of
    /// the i-th expected column ("" when absent), or a row error for an unreadable row.
    pub fn next_row(&mut self) -> Option<std::result::Result<(u64, Fields<'_>), RowError>> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                if self.record.len() != self.header_len {
                    return Some(Err(RowError {
                        line,
                        column: "-".into(),
                        reason: format!(
                            "has {} fields where the header has {}",
                            self.record.len(),
                            self.header_len
                        ),
                    }));
                }
                Some(Ok((
                    line,
                    Fields {
                        record: &self.record,
                        positions: &self.positions,
                    },
                )))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let reason = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "not valid UTF-8: save the file as UTF-8".into(),
                    _ => format!("unreadable row: {e}"),
                };
                Some(Err(RowError {
                    line,
                    column: "-".into(),
                    reason,
                }))
            }
        }
    }
}

/// Where an import's rows come from: a CSV file, or the rows of a batch sent to the API.
pub trait RowSource {
    /// The next row, as [`CsvFile::next_row`].
    fn next_row(&mut self) -> Option<std::result::Result<(u64, Fields<'_>), RowError>>;
    /// How the rows were read, for the import's summary (a file's encoding or sheet).
    fn gelezen(&self) -> Option<String> {
        None
    }
}

impl RowSource for CsvFile {
    fn gelezen(&self) -> Option<String> {
        Some(self.codering.naam().to_string())
    }
    fn next_row(&mut self) -> Option<std::result::Result<(u64, Fields<'_>), RowError>> {
        CsvFile::next_row(self)
    }
}

/// The rows of a JSON batch as an import's rows: each an object whose members are the
/// columns of the file format (strings, numbers, `true`/`false` for `ja`/`nee`, or null for
/// empty). Row numbers count from 1 in the batch.
pub struct JsonRows<'a> {
    rows: std::iter::Enumerate<std::slice::Iter<'a, serde_json::Value>>,
    columns: &'static [Column],
    positions: Vec<Option<usize>>,
    record: csv::StringRecord,
}

impl<'a> JsonRows<'a> {
    pub fn new(rows: &'a [serde_json::Value], columns: &'static [Column]) -> Self {
        JsonRows {
            rows: rows.iter().enumerate(),
            columns,
            positions: (0..columns.len()).map(Some).collect(),
            record: csv::StringRecord::new(),
        }
    }
}

impl RowSource for JsonRows<'_> {
    fn next_row(&mut self) -> Option<std::result::Result<(u64, Fields<'_>), RowError>> {
        let (i, row) = self.rows.next()?;
        let line = i as u64 + 1;
        let err = |column: &str, reason: String| {
            Some(Err(RowError {
                line,
                column: column.into(),
                reason,
            }))
        };
        let Some(obj) = row.as_object() else {
            return err("-", "a row is an object with the columns as members".into());
        };
        let expected = || {
            self.columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !self.columns.iter().any(|c| c.name == k.as_str()))
        {
            return err(k, format!("unknown field (expected {})", expected()));
        }
        let mut values = Vec::with_capacity(self.columns.len());
        for c in self.columns {
            // Each member has the type the API's schema gives it; nothing is coerced (a
            // number in quotes or `"ja"` for a boolean is refused, naming the member).
            use serde_json::Value as V;
            let v = match (c.json, obj.get(c.name)) {
                (_, None | Some(V::Null)) => String::new(),
                (JsonSoort::Tekst, Some(V::String(s))) => s.clone(),
                (JsonSoort::Geheel, Some(V::Number(n))) if n.is_i64() || n.is_u64() => {
                    n.to_string()
                }
                (JsonSoort::JaNee, Some(V::Bool(b))) => if *b { "ja" } else { "nee" }.to_string(),
                (JsonSoort::Tekst, Some(_)) => return err(c.name, "a text (a JSON string)".into()),
                (JsonSoort::Geheel, Some(_)) => {
                    return err(c.name, "a whole number (a JSON number, not text)".into())
                }
                (JsonSoort::JaNee, Some(_)) => {
                    return err(c.name, "true or false (a JSON boolean, not text)".into())
                }
            };
            values.push(v);
        }
        self.record = csv::StringRecord::from(values);
        Some(Ok((line, Fields::new(&self.record, &self.positions))))
    }
}

/// The values of one row, by expected column.
pub struct Fields<'a> {
    record: &'a csv::StringRecord,
    positions: &'a [Option<usize>],
}

impl<'a> Fields<'a> {
    /// The values of a record whose i-th expected column is at `positions[i]`.
    pub(crate) fn new(record: &'a csv::StringRecord, positions: &'a [Option<usize>]) -> Self {
        Fields { record, positions }
    }
    pub fn get(&self, i: usize) -> &str {
        self.positions[i]
            .and_then(|p| self.record.get(p))
            .map_or("", str::trim)
    }
    /// How many fields the row has, against the header's count.
    pub fn len(&self) -> usize {
        self.record.len()
    }
    pub fn is_empty(&self) -> bool {
        self.record.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(content).unwrap();
        f
    }

    const COLS: [Column; 3] = [col("code"), col("naam"), opt("regio")];

    fn rows(content: &[u8]) -> Vec<(u64, Vec<String>)> {
        let f = file(content);
        let mut csv = CsvFile::open(f.path(), &COLS).unwrap().unwrap();
        let mut out = Vec::new();
        while let Some(r) = csv.next_row() {
            let (line, fields) = r.unwrap();
            out.push((line, (0..3).map(|i| fields.get(i).to_string()).collect()));
        }
        out
    }

    /// A batch's members have the schema's types: a number in quotes, `"ja"` for a boolean
    /// or a number for a text is refused with the row and member named, never coerced.
    #[test]
    fn batch_members_must_have_their_json_type() {
        const BATCH: [Column; 3] = [col("code"), opt("minuten").geheel(), opt("heel").ja_nee()];
        let rows = [
            serde_json::json!({"code": "A", "minuten": 60, "heel": true}),
            serde_json::json!({"code": "B", "minuten": null}),
            serde_json::json!({"code": "C", "minuten": "60"}),
            serde_json::json!({"code": "D", "heel": "ja"}),
            serde_json::json!({"code": 7}),
            serde_json::json!({"code": "E", "minuten": 1.5}),
            serde_json::json!({"code": "F", "heel": 1}),
        ];
        let mut src = JsonRows::new(&rows, &BATCH);
        let mut out = Vec::new();
        while let Some(r) = src.next_row() {
            out.push(match r {
                Ok((line, f)) => Ok((
                    line,
                    (0..3).map(|i| f.get(i).to_string()).collect::<Vec<_>>(),
                )),
                Err(e) => Err((e.line, e.column)),
            });
        }
        let ok = |line, v: [&str; 3]| Ok((line, v.map(String::from).to_vec()));
        assert_eq!(
            out,
            vec![
                ok(1, ["A", "60", "ja"]),
                ok(2, ["B", "", ""]),
                Err((3, "minuten".to_string())),
                Err((4, "heel".to_string())),
                Err((5, "code".to_string())),
                Err((6, "minuten".to_string())),
                Err((7, "heel".to_string())),
            ]
        );
    }

    #[test]
    fn separator_bom_and_header_case_are_handled() {
        let semi = rows(b"\xEF\xBB\xBFCODE;Naam\nGM0392; Haarlem \n");
        assert_eq!(
            semi,
            vec![(2, vec!["GM0392".into(), "Haarlem".into(), "".into()])]
        );
        let comma = rows(b"naam,code,regio\nHaarlem,GM0392,ZK\n");
        assert_eq!(
            comma,
            vec![(2, vec!["GM0392".into(), "Haarlem".into(), "ZK".into()])]
        );
    }

    #[test]
    fn header_problems_are_named() {
        let f = file(b"code;nam\nx;y\n");
        let errs = CsvFile::open(f.path(), &COLS).unwrap().err().unwrap();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].column, "nam");
        assert!(errs[0].reason.starts_with("unknown column"));
        assert_eq!(errs[1].column, "naam");
        assert!(errs[1].reason.starts_with("missing column"));
    }

    #[test]
    fn line_numbers_count_physical_lines() {
        let r = rows(b"code;naam\n\"a\nb\";x\nc;y\n");
        assert_eq!(r[0].0, 2);
        assert_eq!(r[1].0, 4);
    }

    #[test]
    fn windows_1252_is_read_and_other_encodings_are_refused() {
        let f = file(b"code;naam\nGM0392;Haarl\xEBm\n");
        let mut csv = CsvFile::open(f.path(), &COLS).unwrap().unwrap();
        assert_eq!(csv.codering, Codering::Windows1252);
        let (_, velden) = csv.next_row().unwrap().unwrap();
        assert_eq!(velden.get(1), "Haarlëm");
        // Cyrillic in Windows-1251 is no Dutch office's file.
        let (cyrillisch, _, _) = encoding_rs::WINDOWS_1251
            .encode("code;naam\nGM0392;Москва Санкт-Петербург Новосибирск Екатеринбург\n");
        let f = file(&cyrillisch);
        let e = CsvFile::open(f.path(), &COLS).unwrap().err().unwrap();
        assert_eq!(e[0].line, 1);
        assert!(
            e[0].reason.contains("neither UTF-8 nor Windows-1252"),
            "{e:?}"
        );
    }
}
