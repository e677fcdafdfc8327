//! A report as readers get it: tables and charts ([`Weergave`]) written as aligned text, CSV,
//! XLSX (one sheet per table, numbers as numbers) or a printable A4 HTML page with SVG charts.
//! Labels are Dutch, and numbers in HTML and PDF are written the Dutch way; a report
//! [`in_het_engels`](Weergave::in_het_engels) has English labels and English numbers.

pub mod brief;
mod en;
mod pdf;

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use leerrecht_domain::cijfers::Aantal;

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cel {
    Tekst(String),
    /// A count, possibly hidden as `<5` for publication.
    Aantal(Aantal),
    /// Any other number (a share, a median, a difference).
    Getal(f64),
    Leeg,
}

impl Cel {
    fn tekst(&self) -> String {
        match self {
            Cel::Tekst(s) => s.clone(),
            Cel::Aantal(a) => a.tekst(),
            Cel::Getal(x) => getal(*x, '.'),
            Cel::Leeg => String::new(),
        }
    }
    fn is_getal(&self) -> bool {
        matches!(self, Cel::Aantal(_) | Cel::Getal(_))
    }
}

/// A number as text: whole numbers plainly, others with one decimal and `komma`.
fn getal(x: f64, komma: char) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}").replace('.', &komma.to_string())
    }
}

/// A number the English way: thousands with a comma, decimals with a point.
pub fn getal_en(x: f64) -> String {
    getal_nl(x)
        .chars()
        .map(|c| match c {
            '.' => ',',
            ',' => '.',
            c => c,
        })
        .collect()
}

/// A number the Dutch way: thousands with a point, decimals with a comma.
pub fn getal_nl(x: f64) -> String {
    let s = getal(x.abs(), ',');
    let (heel, rest) = s
        .split_once(',')
        .map_or((s.as_str(), None), |(h, r)| (h, Some(r)));
    let mut out = String::new();
    for (i, c) in heel.chars().enumerate() {
        if i > 0 && (heel.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if let Some(r) = rest {
        out.push(',');
        out.push_str(r);
    }
    if x < 0.0 {
        format!("−{out}")
    } else {
        out
    }
}

/// The months by name, for dates written out (`20 juli 2026`); the pages use them too.
pub const MAANDEN_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
pub const MAANDEN_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Every ISO date (`2026-07-20`, standing on its own) in a text, written by `schrijf`; a
/// school year (`2025-2026`) or an impossible date stays as it is.
pub fn iso_datums(tekst: &str, schrijf: impl Fn(NaiveDate) -> String) -> String {
    let b = tekst.as_bytes();
    let mut out = String::with_capacity(tekst.len() + 8);
    let (mut i, mut gekopieerd) = (0, 0);
    while i + 10 <= b.len() {
        let vorm = b[i..i + 10].iter().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        let los = (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && (i + 10 == b.len() || !b[i + 10].is_ascii_alphanumeric());
        if vorm && los {
            if let Ok(d) = NaiveDate::parse_from_str(&tekst[i..i + 10], "%Y-%m-%d") {
                out.push_str(&tekst[gekopieerd..i]);
                out.push_str(&schrijf(d));
                i += 10;
                gekopieerd = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&tekst[gekopieerd..]);
    out
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tabel {
    pub titel: String,
    pub kolommen: Vec<String>,
    pub rijen: Vec<Vec<Cel>>,
}

impl Tabel {
    /// A table with one row per item, made by `rij`.
    pub fn per<T>(
        titel: &str,
        kolommen: &[&str],
        items: &[T],
        rij: impl FnMut(&T) -> Vec<Cel>,
    ) -> Tabel {
        Tabel {
            titel: titel.into(),
            kolommen: kolommen.iter().map(|k| k.to_string()).collect(),
            rijen: items.iter().map(rij).collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrafiekSoort {
    /// Grouped bars: one group per label, one bar per series.
    Staven,
    /// One line per series over the labels.
    Lijn,
}

/// A chart: labels along the horizontal axis, series of values (None: hidden or missing).
#[derive(Clone, Debug, PartialEq)]
pub struct Grafiek {
    pub titel: String,
    pub soort: GrafiekSoort,
    pub labels: Vec<String>,
    pub reeksen: Vec<(String, Vec<Option<f64>>)>,
    /// Two series (by index) whose values bound a shaded band, such as a forecast's interval.
    pub band: Option<(usize, usize)>,
}

impl Grafiek {
    /// The band's points where both its series have a value: (label index, low, high); none
    /// without a band of at least two such points.
    pub(crate) fn band_punten(&self) -> Vec<(usize, f64, f64)> {
        let Some((a, b)) = self.band else {
            return Vec::new();
        };
        let punten: Vec<(usize, f64, f64)> = self.reeksen[a]
            .1
            .iter()
            .zip(&self.reeksen[b].1)
            .enumerate()
            .filter_map(|(i, (l, h))| Some((i, (*l)?, (*h)?)))
            .collect();
        if punten.len() > 1 {
            punten
        } else {
            Vec::new()
        }
    }
}

/// A report ready to be written in any format.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Weergave {
    pub titel: String,
    /// Lines under the title: the area, the moment, whether small counts are hidden.
    pub toelichting: Vec<String>,
    pub tabellen: Vec<Tabel>,
    pub grafieken: Vec<Grafiek>,
    /// Labels in English, numbers written the English way (see `in_het_engels`).
    pub engels: bool,
}

impl Weergave {
    /// A number for a reader of this report: the Dutch or the English way.
    pub(crate) fn getal(&self, x: f64) -> String {
        if self.engels {
            getal_en(x)
        } else {
            getal_nl(x)
        }
    }

    /// The same report with its dates written for a reader: `20 juli 2026` (`20 July 2026`)
    /// in the title and the lines under it, `20-07-2026` in tables and along chart axes.
    /// Every format a person reads (text, HTML, PDF, XLSX) is written from this; CSV keeps
    /// the ISO dates of the files.
    pub fn datums_voor_lezers(mut self) -> Weergave {
        let maanden = if self.engels { MAANDEN_EN } else { MAANDEN_NL };
        let lang = |s: &mut String| {
            *s = iso_datums(s, |d| {
                format!("{} {} {}", d.day(), maanden[d.month0() as usize], d.year())
            })
        };
        let kort = |s: &mut String| *s = iso_datums(s, |d| d.format("%d-%m-%Y").to_string());
        lang(&mut self.titel);
        self.toelichting.iter_mut().for_each(lang);
        for t in &mut self.tabellen {
            lang(&mut t.titel);
            t.kolommen.iter_mut().for_each(kort);
            for cel in t.rijen.iter_mut().flatten() {
                if let Cel::Tekst(s) = cel {
                    kort(s);
                }
            }
        }
        for g in &mut self.grafieken {
            lang(&mut g.titel);
            g.labels.iter_mut().for_each(kort);
            for (naam, _) in &mut g.reeksen {
                kort(naam);
            }
        }
        self
    }

    /// Aligned plain text, for the terminal.
    pub fn tekst(&self) -> String {
        let mut out = format!("{}\n", self.titel);
        for t in &self.toelichting {
            let _ = writeln!(out, "{t}");
        }
        for tabel in &self.tabellen {
            let cellen: Vec<Vec<String>> = tabel
                .rijen
                .iter()
                .map(|r| r.iter().map(Cel::tekst).collect())
                .collect();
            let breedte: Vec<usize> = (0..tabel.kolommen.len())
                .map(|i| {
                    cellen
                        .iter()
                        .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                        .chain([tabel.kolommen[i].chars().count()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let _ = writeln!(out, "\n{}", tabel.titel);
            let regel = |out: &mut String, cells: &[String], rechts: &dyn Fn(usize) -> bool| {
                let parts: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let pad = breedte[i].saturating_sub(c.chars().count());
                        if rechts(i) {
                            format!("{}{c}", " ".repeat(pad))
                        } else {
                            format!("{c}{}", " ".repeat(pad))
                        }
                    })
                    .collect();
                let _ = writeln!(out, "{}", parts.join("  ").trim_end());
            };
            let getal_kolom = |i: usize| {
                tabel
                    .rijen
                    .iter()
                    .any(|r| r.get(i).is_some_and(Cel::is_getal))
            };
            regel(&mut out, &tabel.kolommen, &getal_kolom);
            for (r, c) in tabel.rijen.iter().zip(&cellen) {
                regel(&mut out, c, &|i| r.get(i).is_some_and(Cel::is_getal));
            }
        }
        out
    }

    /// CSV with `;`: one table as it is; several as blocks with their own header row,
    /// separated by an empty line, the table's title heading the first column.
    pub fn csv(&self) -> String {
        let meerdere = self.tabellen.len() > 1;
        let mut blokken = Vec::new();
        for tabel in &self.tabellen {
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new());
            let mut kop = tabel.kolommen.clone();
            if meerdere {
                kop[0] = format!("{}: {}", tabel.titel, kop[0]);
            }
            w.write_record(&kop).expect("writing to memory");
            for r in &tabel.rijen {
                w.write_record(r.iter().map(|c| match c {
                    Cel::Getal(x) => getal(*x, ','),
                    c => geen_formule(&c.tekst()).into_owned(),
                }))
                .expect("writing to memory");
            }
            blokken.push(
                String::from_utf8(w.into_inner().expect("writing to memory"))
                    .expect("CSV of UTF-8"),
            );
        }
        blokken.join("\n")
    }

    /// An XLSX workbook: one sheet per table, counts and numbers as numbers, `<5` as text.
    pub fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let vet = Format::new().set_bold();
        let mut namen: Vec<String> = Vec::new();
        for tabel in &self.tabellen {
            let mut naam: String = tabel
                .titel
                .chars()
                .filter(|c| !"[]:*?/\\'".contains(*c))
                .take(28)
                .collect();
            if naam.trim().is_empty() {
                naam = "Tabel".into();
            }
            while namen.contains(&naam) {
                naam.push('_');
            }
            namen.push(naam.clone());
            let ws = wb.add_worksheet();
            ws.set_name(&naam)?;
            for (i, k) in tabel.kolommen.iter().enumerate() {
                ws.write_string_with_format(0, i as u16, k, &vet)?;
                ws.set_column_width(i as u16, (k.chars().count().max(10) + 2) as f64)?;
            }
            for (r, rij) in tabel.rijen.iter().enumerate() {
                let r = r as u32 + 1;
                for (c, cel) in rij.iter().enumerate() {
                    let c = c as u16;
                    match cel {
                        Cel::Tekst(s) => {
                            ws.write_string(r, c, s)?;
                        }
                        Cel::Aantal(a) => match a.getal() {
                            Some(n) => {
                                ws.write_number(r, c, n as f64)?;
                            }
                            None => {
                                ws.write_string(r, c, a.tekst())?;
                            }
                        },
                        Cel::Getal(x) => {
                            ws.write_number(r, c, *x)?;
                        }
                        Cel::Leeg => {}
                    }
                }
            }
        }
        if self.tabellen.is_empty() {
            wb.add_worksheet();
        }
        wb.save_to_buffer()
    }

    /// A complete, printable (A4) HTML page with the tables and SVG charts.
    pub fn html(&self) -> String {
        let pagina = HtmlPagina {
            taal: if self.engels { "en" } else { "nl" },
            titel: &self.titel,
            toelichting: &self.toelichting,
            css: CSS,
            inhoud: self.html_inhoud(),
        };
        askama::Template::render(&pagina).expect("a report's page renders")
    }

    /// The charts (inline SVG) and tables of the report, as an HTML fragment for a page that
    /// has its own title and style.
    pub fn html_inhoud(&self) -> String {
        let inhoud = HtmlInhoud {
            grafieken: self
                .grafieken
                .iter()
                .enumerate()
                .map(|(i, g)| svg(g, i, &|x| self.getal(x)))
                .collect(),
            tabellen: self
                .tabellen
                .iter()
                .map(|t| HtmlTabel {
                    titel: &t.titel,
                    kolommen: &t.kolommen,
                    rijen: t
                        .rijen
                        .iter()
                        .map(|r| {
                            r.iter()
                                .map(|c| HtmlCel {
                                    getal: c.is_getal(),
                                    tekst: match c {
                                        Cel::Aantal(a) => a
                                            .getal()
                                            .map_or_else(|| a.tekst(), |n| self.getal(n as f64)),
                                        Cel::Getal(x) => self.getal(*x),
                                        c => c.tekst(),
                                    },
                                })
                                .collect()
                        })
                        .collect(),
                })
                .collect(),
        };
        askama::Template::render(&inhoud).expect("a report's content renders")
    }
}

/// The printable page of a report (`templates/rapport.html`).
#[derive(askama::Template)]
#[template(path = "rapport.html")]
struct HtmlPagina<'a> {
    taal: &'a str,
    titel: &'a str,
    toelichting: &'a [String],
    css: &'a str,
    /// Rendered by [`HtmlInhoud`], escaped there.
    inhoud: String,
}

/// The charts and tables of a report (`templates/rapport_inhoud.html`).
#[derive(askama::Template)]
#[template(path = "rapport_inhoud.html")]
struct HtmlInhoud<'a> {
    grafieken: Vec<SvgGrafiek<'a>>,
    tabellen: Vec<HtmlTabel<'a>>,
}

struct HtmlTabel<'a> {
    titel: &'a str,
    kolommen: &'a [String],
    rijen: Vec<Vec<HtmlCel>>,
}

struct HtmlCel {
    tekst: String,
    getal: bool,
}

/// A chart laid out for SVG: every position worked out, written with one decimal.
struct SvgGrafiek<'a> {
    id: String,
    titel: &'a str,
    breed: f64,
    hoog: f64,
    raster: Vec<Rasterlijn>,
    labels: Vec<Label<'a>>,
    staven: Vec<Staaf<'a>>,
    /// The shaded band between two series (its outline's points), with its colour.
    band: Option<(String, &'static str)>,
    lijnen: Vec<Lijn>,
    legenda: Vec<(&'static str, &'a str)>,
}

struct Rasterlijn {
    x1: f64,
    x2: f64,
    y: String,
    tekst_x: f64,
    tekst_y: String,
    waarde: String,
}

struct Label<'a> {
    x: String,
    y: String,
    tekst: &'a str,
}

struct Staaf<'a> {
    x: String,
    y: String,
    breed: String,
    hoog: String,
    kleur: &'static str,
    naam: &'a str,
    waarde: String,
}

struct Lijn {
    punten: String,
    kleur: &'static str,
    cirkels: Vec<(String, String)>,
}

/// The page's own style, after the NL Design System's conventions: its fonts and colours as
/// custom properties, readable tables, and A4 for print.
const CSS: &str = "
:root{--nl-color-primary:#154273;--nl-color-text:#1a1a1a;--nl-color-border:#b4b4b4;
--nl-color-muted:#f3f3f3;--nl-font:'Rijksoverheid Sans',Verdana,Arial,sans-serif}
body{font-family:var(--nl-font);color:var(--nl-color-text);margin:0;line-height:1.5}
main{max-width:180mm;margin:0 auto;padding:1.5rem}
h1{color:var(--nl-color-primary);font-size:1.6rem;margin:0 0 .5rem}
.toelichting{margin:.25rem 0;color:#4a4a4a}
table{border-collapse:collapse;width:100%;margin:1.5rem 0;font-size:.9rem;break-inside:avoid}
caption{text-align:left;font-weight:bold;font-size:1.1rem;margin-bottom:.4rem}
th,td{border-bottom:1px solid var(--nl-color-border);padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--nl-color-muted)}
.getal{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.5rem 0;break-inside:avoid}
figcaption{font-weight:bold;margin-bottom:.4rem}
svg text{font-family:var(--nl-font);font-size:11px;fill:var(--nl-color-text)}
@page{size:A4;margin:15mm}
@media print{main{max-width:none;padding:0}}
";

const KLEUREN: [&str; 6] = [
    "#154273", "#e17000", "#39870c", "#a90061", "#007bc7", "#673327",
];

/// A chart laid out for inline SVG, with a title and legend readable by screen readers.
fn svg<'a>(g: &'a Grafiek, nummer: usize, getal: &dyn Fn(f64) -> String) -> SvgGrafiek<'a> {
    let (w, h) = (640.0_f64, 300.0_f64);
    let (links, rechts, boven, onder) = (48.0, 12.0, 12.0, 90.0);
    let (pw, ph) = (w - links - rechts, h - boven - onder);
    let max = g
        .reeksen
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0_f64, |a, b| a.max(*b));
    let schaal = nice_max(max);
    let y = |v: f64| boven + ph - v / schaal * ph;
    let een = |v: f64| format!("{v:.1}");
    let raster = (0..=4)
        .map(|i| {
            let v = schaal * f64::from(i) / 4.0;
            Rasterlijn {
                x1: links,
                x2: w - rechts,
                y: een(y(v)),
                tekst_x: links - 6.0,
                tekst_y: een(y(v) + 4.0),
                waarde: getal(v),
            }
        })
        .collect();
    let n = g.labels.len().max(1) as f64;
    let stap = pw / n;
    let labels = g
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| Label {
            x: een(links + stap * (i as f64 + 0.5)),
            y: een(boven + ph + 14.0),
            tekst: l,
        })
        .collect();
    let k = g.reeksen.len().max(1) as f64;
    let mut staven = Vec::new();
    let mut lijnen = Vec::new();
    for (r, (naam, waarden)) in g.reeksen.iter().enumerate() {
        let kleur = KLEUREN[r % KLEUREN.len()];
        match g.soort {
            GrafiekSoort::Staven => {
                let bw = stap * 0.8 / k;
                for (i, v) in waarden.iter().enumerate() {
                    let Some(v) = v else { continue };
                    staven.push(Staaf {
                        x: een(links + stap * i as f64 + stap * 0.1 + bw * r as f64),
                        y: een(y(*v)),
                        breed: een(bw),
                        hoog: een(boven + ph - y(*v)),
                        kleur,
                        naam,
                        waarde: getal(*v),
                    });
                }
            }
            GrafiekSoort::Lijn => {
                let cirkels: Vec<(String, String)> = waarden
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        v.map(|v| (een(links + stap * (i as f64 + 0.5)), een(y(v))))
                    })
                    .collect();
                lijnen.push(Lijn {
                    punten: cirkels
                        .iter()
                        .map(|(x, y)| format!("{x},{y}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    kleur,
                    cirkels,
                });
            }
        }
    }
    // The band: along the upper series and back along the lower, where both have values.
    let paren = g.band_punten();
    let band = g.band.filter(|_| !paren.is_empty()).map(|(a, _)| {
        let x = |i: usize| een(links + stap * (i as f64 + 0.5));
        let heen = paren
            .iter()
            .map(|(i, _, h)| format!("{},{}", x(*i), een(y(*h))));
        let terug = paren
            .iter()
            .rev()
            .map(|(i, l, _)| format!("{},{}", x(*i), een(y(*l))));
        (
            heen.chain(terug).collect::<Vec<_>>().join(" "),
            KLEUREN[a % KLEUREN.len()],
        )
    });
    SvgGrafiek {
        id: format!("grafiek-{nummer}"),
        titel: &g.titel,
        breed: w,
        hoog: h,
        raster,
        labels,
        staven,
        band,
        lijnen,
        legenda: g
            .reeksen
            .iter()
            .enumerate()
            .map(|(r, (naam, _))| (KLEUREN[r % KLEUREN.len()], naam.as_str()))
            .collect(),
    }
}

/// A round upper bound for an axis.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

/// A text cell for CSV that a spreadsheet will not run as a formula: text that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice on CSV
/// injection), and so does text whose first character after leading white space or control
/// characters is one of those (spreadsheets trim a leading space before they parse a
/// formula). Numbers are written by their own path and never pass through here.
pub fn geen_formule(s: &str) -> std::borrow::Cow<'_, str> {
    const START: [char; 8] = [
        '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ];
    let eerste = s.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    if s.starts_with(['\t', '\r', '\n']) || eerste.starts_with(START) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_text_is_never_a_formula() {
        assert_eq!(
            super::geen_formule("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(super::geen_formule("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::geen_formule("-2+3"), "'-2+3");
        assert_eq!(super::geen_formule("Jansen"), "Jansen");
        assert_eq!(super::geen_formule("2024-2025"), "2024-2025");
    }

    /// A formula behind leading white space is a formula too: a spreadsheet trims it first.
    #[test]
    fn a_formula_behind_leading_white_space_is_neutralised() {
        for cell in [
            " =1+1",
            "  =HYPERLINK(\"http://x\")",
            " +31",
            " -2+3",
            " @SUM(A1)",
            "\t=1+1",
            "\r=1+1",
            "\n=1+1",
            "\u{a0}=1+1",
            "\u{1}=1+1",
            "\u{FF1D}1+1",
            "\t",
        ] {
            assert_eq!(super::geen_formule(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in [" Jansen", "de Vries", " 2024-2025", "", "   ", "a=b"] {
            assert_eq!(super::geen_formule(cell), cell, "{cell:?}");
        }
    }

    use super::*;

    fn weergave() -> Weergave {
        let mut klein = Aantal::new(3);
        klein.publiek();
        Weergave {
            titel: "Proef".into(),
            toelichting: vec!["Regio <Zuid>".into()],
            tabellen: vec![Tabel {
                titel: "Per categorie".into(),
                kolommen: vec!["Categorie".into(), "2017-01-01".into()],
                rijen: vec![
                    vec![
                        Cel::Tekst("Thuiszittend".into()),
                        Cel::Aantal(Aantal::new(1234)),
                    ],
                    vec![Cel::Tekst("Nazorg".into()), Cel::Aantal(klein)],
                    vec![Cel::Tekst("Aandeel".into()), Cel::Getal(66.7)],
                ],
            }],
            grafieken: vec![Grafiek {
                titel: "Staven".into(),
                soort: GrafiekSoort::Staven,
                labels: vec!["a".into(), "b".into()],
                reeksen: vec![("x".into(), vec![Some(2.0), None])],
                band: None,
            }],
            engels: false,
        }
    }

    #[test]
    fn a_report_in_english_has_english_labels_and_numbers() {
        let en = weergave().in_het_engels();
        assert_eq!(en.tabellen[0].titel, "Per category");
        assert_eq!(en.tabellen[0].kolommen, ["Category", "2017-01-01"]);
        // The domain's names stay as they are.
        assert_eq!(
            en.tabellen[0].rijen[0][0],
            Cel::Tekst("Thuiszittend".into())
        );
        let html = en.html();
        assert!(html.contains("<html lang=\"en\">"), "{html}");
        assert!(
            html.contains(">1,234<") && html.contains(">66.7<"),
            "{html}"
        );
        // The CSV is for machines: the same numbers in both.
        assert!(en.csv().contains("Thuiszittend;1234"));
    }

    #[test]
    fn numbers_the_dutch_way() {
        assert_eq!(getal_nl(1234567.0), "1.234.567");
        assert_eq!(getal_nl(66.7), "66,7");
        assert_eq!(getal_nl(-4.0), "−4");
        assert_eq!(getal_nl(999.0), "999");
        assert_eq!(getal_en(1234567.0), "1,234,567");
        assert_eq!(getal_en(66.7), "66.7");
    }

    #[test]
    fn csv_text_and_html_show_hidden_counts_as_less_than_five() {
        let w = weergave();
        assert_eq!(
            w.csv(),
            "Categorie;2017-01-01\nThuiszittend;1234\nNazorg;<5\nAandeel;66,7\n"
        );
        let t = w.tekst();
        assert!(t.contains("Thuiszittend        1234"), "{t}");
        assert!(t.contains("Nazorg                <5"), "{t}");
        let h = w.html();
        assert!(h.contains("<td class=\"getal\">1.234</td>"), "{h}");
        // Escaped as text, never markup (askama writes `<` as `&#60;`).
        assert!(h.contains("<td class=\"getal\">&#60;5</td>"), "{h}");
        assert!(h.contains("Regio &#60;Zuid&#62;"), "{h}");
        assert!(!h.contains("<Zuid>"), "{h}");
        // One bar: the hidden value draws none.
        assert_eq!(h.matches("<rect").count(), 1, "{h}");
        assert!(h.contains("@page{size:A4"));
    }

    #[test]
    fn an_axis_ends_on_a_round_number() {
        assert_eq!(nice_max(86.0), 100.0);
        assert_eq!(nice_max(140.0), 200.0);
        assert_eq!(nice_max(4.0), 5.0);
        assert_eq!(nice_max(0.0), 1.0);
    }
}
