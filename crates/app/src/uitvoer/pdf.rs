//! A report as a PDF: A4 pages with the title, the notes, a bar chart per chart (lines as
//! bars per label) and every table. The text is set in DejaVu Sans (an open licence, see
//! `crates/app/fonts`), of which the PDF embeds only the glyphs it uses, so that every letter
//! a name or label can hold (Yıldırım, Šimić, Łukasz, Hylkema's ú and â, the dashes of the
//! titles) prints as itself on any machine, and a text extractor reads it back through the
//! font's ToUnicode map. Titles and cells wrap to the room they have instead of being cut.

use std::collections::BTreeMap;
use std::io::Write as _;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::Face;

use crate::uitvoer::{Cel, Grafiek, GrafiekSoort, Weergave};

pub(crate) const BREED: f32 = 595.0;
pub(crate) const HOOG: f32 = 842.0;
pub(crate) const MARGE: f32 = 50.0;
const KLEUREN: [(f32, f32, f32); 5] = [
    (0.082, 0.259, 0.451),
    (0.878, 0.431, 0.0),
    (0.224, 0.529, 0.051),
    (0.667, 0.0, 0.369),
    (0.0, 0.482, 0.8),
];
/// The size of a table's text.
const TABEL: f32 = 8.5;
/// The colour of all text: near-black, whatever colour a chart used last.
const TEKSTKLEUR: (f32, f32, f32) = (0.1, 0.1, 0.1);

static GEWOON: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static VET: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// One embedded font: its glyphs and widths, and the glyphs the document uses so far.
struct Letter {
    data: &'static [u8],
    /// The font's name in the PDF; a subset's name starts with a tag of six capitals.
    naam: &'static str,
    face: Face<'static>,
    per_em: f32,
    /// Old glyph id → the id in the subset, in the order of first use.
    gebruikt: GlyphRemapper,
    /// Subset glyph id → the text it stands for (for the ToUnicode map).
    tekens: BTreeMap<u16, char>,
}

impl Letter {
    fn new(data: &'static [u8], naam: &'static str) -> Self {
        // The font is part of the binary and parsed in the tests: it cannot be malformed.
        let face = Face::parse(data, 0).expect("the embedded font parses");
        Letter {
            data,
            naam,
            per_em: f32::from(face.units_per_em()),
            face,
            gebruikt: GlyphRemapper::new(),
            tekens: BTreeMap::new(),
        }
    }

    /// The glyph of `c`, or of `?` where the font has none.
    fn glyph(&self, c: char) -> (u16, char) {
        match self.face.glyph_index(c) {
            Some(g) => (g.0, c),
            None => (self.face.glyph_index('?').map_or(0, |g| g.0), '?'),
        }
    }

    /// The advance of a glyph in thousandths of the font size.
    fn voortgang(&self, g: u16) -> f32 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(g))
            .map_or(0.0, |a| f32::from(a) * 1000.0 / self.per_em)
    }

    /// How wide `s` is set at `grootte` points.
    fn breedte(&self, s: &str, grootte: f32) -> f32 {
        s.chars()
            .map(|c| self.voortgang(self.glyph(c).0))
            .sum::<f32>()
            * grootte
            / 1000.0
    }

    /// `s` as two-byte glyph ids of the subset (Identity-H), noting the glyphs used.
    fn codeer(&mut self, s: &str) -> Vec<u8> {
        let mut uit = Vec::with_capacity(s.len() * 2);
        for c in s.chars() {
            let (g, c) = self.glyph(c);
            let nieuw = self.gebruikt.remap(g);
            self.tekens.entry(nieuw).or_insert(c);
            uit.extend_from_slice(&nieuw.to_be_bytes());
        }
        uit
    }

    /// Writes the font as a Type0 font with a subset TrueType CIDFont under `id`.
    fn schrijf(&self, pdf: &mut Pdf, id: Ref, volgende: &mut Ref) {
        let (cid, beschrijving, bestand, cmap) = (
            volgende.bump(),
            volgende.bump(),
            volgende.bump(),
            volgende.bump(),
        );
        let naam = self.naam;
        pdf.type0_font(id)
            .base_font(Name(naam.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let mut f = pdf.cid_font(cid);
        f.subtype(CidFontType::Type2)
            .base_font(Name(naam.as_bytes()))
            .system_info(info)
            .font_descriptor(beschrijving)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let breedtes: Vec<f32> = self
            .gebruikt
            .remapped_gids()
            .map(|g| self.voortgang(g))
            .collect();
        f.widths().consecutive(0, breedtes);
        f.finish();
        let schaal = |v: i16| f32::from(v) * 1000.0 / self.per_em;
        let vak = self.face.global_bounding_box();
        pdf.font_descriptor(beschrijving)
            .name(Name(naam.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                schaal(vak.x_min),
                schaal(vak.y_min),
                schaal(vak.x_max),
                schaal(vak.y_max),
            ))
            .italic_angle(0.0)
            .ascent(schaal(self.face.ascender()))
            .descent(schaal(self.face.descender()))
            .cap_height(schaal(
                self.face.capital_height().unwrap_or(self.face.ascender()),
            ))
            .stem_v(80.0)
            .font_file2(bestand);
        // The embedded font is known to subset; should that ever fail, the whole font goes in.
        let deel =
            subsetter::subset(self.data, 0, &self.gebruikt).unwrap_or_else(|_| self.data.to_vec());
        pdf.stream(bestand, &inpakken(&deel))
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), deel.len() as i32);
        let mut kaart = UnicodeCmap::new(Name(b"Custom"), info);
        for (g, c) in &self.tekens {
            kaart.pair(*g, *c);
        }
        pdf.stream(cmap, kaart.finish().as_slice());
    }
}

/// Deflates a stream (FlateDecode).
fn inpakken(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

/// Breaks `s` into lines no wider than `ruimte`, at spaces; a word wider than the room is
/// broken where it must. Never loses a character.
fn afbreken(l: &Letter, s: &str, grootte: f32, ruimte: f32) -> Vec<String> {
    let mut regels = Vec::new();
    let mut huidig = String::new();
    for woord in s.split_whitespace() {
        let proef = if huidig.is_empty() {
            woord.to_string()
        } else {
            format!("{huidig} {woord}")
        };
        if l.breedte(&proef, grootte) <= ruimte {
            huidig = proef;
            continue;
        }
        if !huidig.is_empty() {
            regels.push(std::mem::take(&mut huidig));
        }
        for c in woord.chars() {
            huidig.push(c);
            if l.breedte(&huidig, grootte) > ruimte && huidig.chars().count() > 1 {
                huidig.pop();
                // After a hyphen of the word where there is one (Zuid-/Kennemerland).
                let rest = match huidig.trim_end_matches('-').rfind('-') {
                    Some(i)
                        if l.breedte(&format!("{}{c}", &huidig[i + 1..]), grootte) <= ruimte =>
                    {
                        huidig.split_off(i + 1)
                    }
                    _ => String::new(),
                };
                regels.push(std::mem::replace(&mut huidig, rest));
                huidig.push(c);
            }
        }
    }
    if !huidig.is_empty() || regels.is_empty() {
        regels.push(huidig);
    }
    regels
}

/// `s` cut to `ruimte` with an ellipsis: only for a chart's axis labels, whose full text is
/// in the table under the chart.
fn passend(l: &Letter, s: &str, grootte: f32, ruimte: f32) -> String {
    if l.breedte(s, grootte) <= ruimte {
        return s.to_string();
    }
    let mut t = String::new();
    for c in s.chars() {
        t.push(c);
        if l.breedte(&t, grootte) + l.breedte("…", grootte) > ruimte {
            t.pop();
            break;
        }
    }
    t.push('…');
    t
}

pub(crate) struct Pagina {
    pub(crate) inhoud: Content,
    pub(crate) y: f32,
}

pub(crate) struct Schrijver {
    paginas: Vec<Content>,
    pub(crate) huidig: Pagina,
    gewoon: Letter,
    vet: Letter,
}

impl Schrijver {
    pub(crate) fn new() -> Self {
        Schrijver {
            paginas: Vec::new(),
            huidig: Pagina {
                inhoud: Content::new(),
                y: HOOG - MARGE,
            },
            gewoon: Letter::new(GEWOON, "LRPDFA+DejaVuSans"),
            vet: Letter::new(VET, "LRPDFB+DejaVuSans-Bold"),
        }
    }

    fn letter(&self, vet: bool) -> &Letter {
        if vet {
            &self.vet
        } else {
            &self.gewoon
        }
    }

    pub(crate) fn breedte(&self, s: &str, grootte: f32, vet: bool) -> f32 {
        self.letter(vet).breedte(s, grootte)
    }

    fn afbreken(&self, s: &str, grootte: f32, vet: bool, ruimte: f32) -> Vec<String> {
        afbreken(self.letter(vet), s, grootte, ruimte)
    }

    /// Starts a new page when fewer than `nodig` points are left.
    fn ruimte(&mut self, nodig: f32) {
        if self.huidig.y - nodig < MARGE {
            self.nieuwe_pagina();
        }
    }

    pub(crate) fn nieuwe_pagina(&mut self) {
        let oud = std::mem::replace(
            &mut self.huidig,
            Pagina {
                inhoud: Content::new(),
                y: HOOG - MARGE,
            },
        );
        self.paginas.push(oud.inhoud);
    }

    pub(crate) fn tekst(&mut self, x: f32, y: f32, grootte: f32, vet: bool, s: &str) {
        let bytes = if vet {
            self.vet.codeer(s)
        } else {
            self.gewoon.codeer(s)
        };
        let c = &mut self.huidig.inhoud;
        let (r, g, b) = TEKSTKLEUR;
        c.set_fill_rgb(r, g, b);
        c.begin_text();
        c.set_font(Name(if vet { b"F2" } else { b"F1" }), grootte);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    /// A paragraph over the full width, wrapped, on as many lines as it needs.
    pub(crate) fn regel(&mut self, grootte: f32, vet: bool, s: &str) {
        for r in self.afbreken(s, grootte, vet, BREED - 2.0 * MARGE) {
            self.ruimte(grootte * 1.5);
            self.huidig.y -= grootte * 1.4;
            let y = self.huidig.y;
            self.tekst(MARGE, y, grootte, vet, &r);
        }
    }

    fn lijn(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, grijs: f32) {
        let c = &mut self.huidig.inhoud;
        c.set_stroke_gray(grijs);
        c.set_line_width(0.5);
        c.move_to(x1, y1);
        c.line_to(x2, y2);
        c.stroke();
    }

    fn grafiek(&mut self, g: &Grafiek, getal: &dyn Fn(f64) -> String) {
        let hoogte = 160.0;
        // The legend: every series, on as many lines as it takes.
        let (legenda, regels) = {
            let mut plek = Vec::new();
            let (mut x, mut regel) = (MARGE, 0usize);
            for (naam, _) in &g.reeksen {
                let naam = passend(&self.gewoon, naam, 8.0, BREED - 2.0 * MARGE - 10.0);
                let breed = 10.0 + self.breedte(&naam, 8.0, false);
                if x > MARGE && x + breed > BREED - MARGE {
                    x = MARGE;
                    regel += 1;
                }
                plek.push((x, regel, naam));
                x += breed + 12.0;
            }
            (plek, regel + 1)
        };
        let titel = self
            .afbreken(&g.titel, 11.0, true, BREED - 2.0 * MARGE)
            .len() as f32;
        self.ruimte(titel * 15.4 + hoogte + 42.0 + regels as f32 * 12.0);
        self.regel(11.0, true, &g.titel);
        let max = g
            .reeksen
            .iter()
            .flat_map(|(_, v)| v.iter().flatten())
            .fold(0.0_f64, |a, b| a.max(*b))
            .max(1.0) as f32;
        let (links, onder) = (MARGE + 30.0, self.huidig.y - hoogte - 10.0);
        let breed = BREED - MARGE - links;
        for i in 0..=4 {
            let v = max * i as f32 / 4.0;
            let y = onder + hoogte * i as f32 / 4.0;
            self.lijn(links, y, links + breed, y, 0.85);
            let t = getal(v as f64);
            let x = links - 4.0 - self.breedte(&t, 7.0, false);
            self.tekst(x, y - 2.0, 7.0, false, &t);
        }
        let n = g.labels.len().max(1) as f32;
        let groep = breed / n;
        let reeksen = g.reeksen.len().max(1) as f32;
        let staaf = (groep * 0.8 / reeksen).max(0.5);
        let punt = |i: usize, w: f64| {
            (
                links + groep * (i as f32 + 0.5),
                onder + (w as f32 / max) * hoogte,
            )
        };
        if g.soort == GrafiekSoort::Lijn {
            // The band first, in a light tint of its colour, under the lines.
            let paren = g.band_punten();
            if let Some((a, _)) = g.band.filter(|_| !paren.is_empty()) {
                let (cr, cg, cb) = KLEUREN[a % KLEUREN.len()];
                let licht = |x: f32| x + (1.0 - x) * 0.8;
                let c = &mut self.huidig.inhoud;
                c.set_fill_rgb(licht(cr), licht(cg), licht(cb));
                let mut omtrek = paren
                    .iter()
                    .map(|(i, _, h)| punt(*i, *h))
                    .chain(paren.iter().rev().map(|(i, l, _)| punt(*i, *l)));
                if let Some((x, y)) = omtrek.next() {
                    c.move_to(x, y);
                }
                for (x, y) in omtrek {
                    c.line_to(x, y);
                }
                c.close_path();
                c.fill_nonzero();
            }
        }
        for (r, (_, waarden)) in g.reeksen.iter().enumerate() {
            let (cr, cg, cb) = KLEUREN[r % KLEUREN.len()];
            let c = &mut self.huidig.inhoud;
            if g.soort == GrafiekSoort::Lijn {
                c.set_stroke_rgb(cr, cg, cb);
                c.set_line_width(1.5);
                let mut eerste = true;
                for (i, w) in waarden.iter().enumerate() {
                    let Some(w) = w else { continue };
                    let (x, y) = punt(i, *w);
                    if eerste {
                        c.move_to(x, y);
                        eerste = false;
                    } else {
                        c.line_to(x, y);
                    }
                }
                c.stroke();
                continue;
            }
            c.set_fill_rgb(cr, cg, cb);
            for (i, w) in waarden.iter().enumerate() {
                if let Some(w) = w {
                    let h = (*w as f32 / max) * hoogte;
                    let x = links + groep * i as f32 + groep * 0.1 + staaf * r as f32;
                    c.rect(x, onder, staaf, h);
                }
            }
            c.fill_nonzero();
        }
        let elk = (n / 12.0).ceil().max(1.0) as usize;
        let ruimte = groep * elk as f32 - 2.0;
        // Smaller (down to 5 points) where a word of a label is wider than its room.
        let grootte = g
            .labels
            .iter()
            .step_by(elk)
            .flat_map(|l| l.split_whitespace())
            .map(|w| 7.0 * ruimte / self.breedte(w, 7.0, false).max(1.0))
            .fold(7.0_f32, f32::min)
            .max(5.0);
        for (i, l) in g.labels.iter().enumerate().step_by(elk) {
            let x = links + groep * i as f32 + 1.0;
            // On two lines at most; a longer label is cut (the table under it has it whole).
            let mut regels = afbreken(&self.gewoon, l, grootte, ruimte);
            if regels.len() > 2 {
                let rest = regels.split_off(1).join(" ");
                regels.push(passend(&self.gewoon, &rest, grootte, ruimte));
            }
            for (k, r) in regels.iter().enumerate() {
                self.tekst(x, onder - 10.0 - k as f32 * 8.0, grootte, false, r);
            }
        }
        let boven = onder - 32.0;
        for (r, (x, regel, naam)) in legenda.iter().enumerate() {
            let y = boven - *regel as f32 * 12.0;
            let (cr, cg, cb) = KLEUREN[r % KLEUREN.len()];
            let c = &mut self.huidig.inhoud;
            c.set_fill_rgb(cr, cg, cb);
            c.rect(*x, y, 7.0, 7.0);
            c.fill_nonzero();
            self.tekst(x + 10.0, y, 8.0, false, naam);
        }
        self.huidig.y = boven - (regels as f32 - 1.0) * 12.0 - 12.0;
    }

    /// How wide each column of a table is: as wide as its widest text where the page allows;
    /// else each at least as wide as its longest word, and what is left shared in proportion
    /// to what each would need more.
    fn kolombreedtes(&self, kop: &[(String, bool)], rijen: &[Vec<(String, bool)>]) -> Vec<f32> {
        let breed = BREED - 2.0 * MARGE;
        let n = kop.len().max(1);
        let mut nodig = vec![0.0_f32; n];
        let mut minst = vec![0.0_f32; n];
        let cellen = kop.iter().map(|c| (c, true)).enumerate().chain(
            rijen
                .iter()
                .flat_map(|r| r.iter().map(|c| (c, false)).enumerate()),
        );
        for (i, ((tekst, _), vet)) in cellen {
            if i >= n {
                continue;
            }
            if !vet {
                nodig[i] = nodig[i].max(self.breedte(tekst, TABEL, false) + 6.0);
            }
            for woord in tekst.split_whitespace() {
                let b = self.breedte(woord, TABEL, vet) + 6.0;
                minst[i] = minst[i].max(b);
                nodig[i] = nodig[i].max(b);
            }
        }
        let (som_nodig, som_minst) = (nodig.iter().sum::<f32>(), minst.iter().sum::<f32>());
        if som_nodig <= breed {
            let extra = (breed - som_nodig) / n as f32;
            nodig.iter().map(|b| b + extra).collect()
        } else if som_minst >= breed {
            minst.iter().map(|b| b * breed / som_minst).collect()
        } else {
            let over = (breed - som_minst) / (som_nodig - som_minst);
            minst
                .iter()
                .zip(&nodig)
                .map(|(m, b)| m + (b - m) * over)
                .collect()
        }
    }

    fn tabel(&mut self, t: &crate::uitvoer::Tabel, getal: &dyn Fn(f64) -> String) {
        let grootte = TABEL;
        let breed = BREED - 2.0 * MARGE;
        let rijen: Vec<Vec<(String, bool)>> = t
            .rijen
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let tekst = match c {
                            Cel::Aantal(a) => {
                                a.getal().map_or_else(|| a.tekst(), |n| getal(n as f64))
                            }
                            Cel::Getal(x) => getal(*x),
                            Cel::Tekst(s) => s.clone(),
                            Cel::Leeg => String::new(),
                        };
                        (tekst, i > 0 && matches!(c, Cel::Aantal(_) | Cel::Getal(_)))
                    })
                    .collect()
            })
            .collect();
        // A head flush right above a column of numbers, flush left above text.
        let kop: Vec<(String, bool)> = t
            .kolommen
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let getallen = rijen.iter().any(|r| r.get(i).is_some_and(|c| c.1));
                (k.clone(), getallen)
            })
            .collect();
        let breedtes = self.kolombreedtes(&kop, &rijen);
        let x_van = |i: usize| MARGE + breedtes.iter().take(i).sum::<f32>();
        let ruimte_van = |i: usize| breedtes.get(i).copied().unwrap_or(breed) - 6.0;
        // The heads smaller where a word of theirs is wider than its column, so that it
        // wraps between words rather than inside one.
        let kopgrootte = kop
            .iter()
            .enumerate()
            .flat_map(|(i, k)| k.0.split_whitespace().map(move |w| (i, w)))
            .map(|(i, w)| {
                let b = self.breedte(w, grootte, true);
                if b > ruimte_van(i) {
                    grootte * ruimte_van(i) / b
                } else {
                    grootte
                }
            })
            .fold(grootte, f32::min)
            .max(6.0);
        // One row: each cell wrapped in its column, numbers (and the heads above them)
        // flush right; the row as high as its highest cell.
        let regels_van = |s: &Schrijver, cellen: &[(String, bool)], vet: bool| {
            let grootte = if vet { kopgrootte } else { grootte };
            cellen
                .iter()
                .enumerate()
                .map(|(i, (tekst, _))| s.afbreken(tekst, grootte, vet, ruimte_van(i)))
                .collect::<Vec<_>>()
        };
        let hoogte = |s: &Schrijver, cellen: &[(String, bool)], vet: bool| {
            let grootte = if vet { kopgrootte } else { grootte };
            let n = regels_van(s, cellen, vet)
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(1)
                .max(1);
            grootte * 1.2 + (n - 1) as f32 * grootte * 1.25 + 4.0
        };
        let rij = |s: &mut Schrijver, cellen: &[(String, bool)], vet: bool, grijs: f32| {
            let grootte = if vet { kopgrootte } else { grootte };
            let interlinie = grootte * 1.25;
            let regels = regels_van(s, cellen, vet);
            let n = regels.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let y0 = s.huidig.y;
            for (i, (cel, (_, rechts))) in regels.iter().zip(cellen).enumerate() {
                for (k, r) in cel.iter().enumerate() {
                    let y = y0 - grootte * 1.2 - k as f32 * interlinie;
                    let x = if *rechts {
                        x_van(i) + ruimte_van(i) - s.breedte(r, grootte, vet)
                    } else {
                        x_van(i)
                    };
                    s.tekst(x, y, grootte, vet, r);
                }
            }
            s.huidig.y = y0 - grootte * 1.2 - (n - 1) as f32 * interlinie - 4.0;
            let y = s.huidig.y + 1.0;
            s.lijn(MARGE, y, BREED - MARGE, y, grijs);
        };
        let kophoogte = hoogte(self, &kop, true);
        let titel = self.afbreken(&t.titel, 11.0, true, breed).len() as f32;
        let eerste_rij = rijen.first().map_or(0.0, |r| hoogte(self, r, false));
        self.ruimte(titel * 15.4 + kophoogte + eerste_rij + 4.0);
        self.regel(11.0, true, &t.titel);
        self.huidig.y -= 4.0;
        rij(self, &kop, true, 0.2);
        for r in &rijen {
            if self.huidig.y - hoogte(self, r, false) < MARGE {
                self.nieuwe_pagina();
                rij(self, &kop, true, 0.2);
            }
            rij(self, r, false, 0.8);
        }
        self.huidig.y -= 10.0;
    }
}

impl Weergave {
    /// The report as a PDF of A4 pages.
    pub fn pdf(&self) -> Vec<u8> {
        let mut s = Schrijver::new();
        s.regel(16.0, true, &self.titel);
        for t in &self.toelichting {
            s.regel(9.0, false, t);
        }
        s.huidig.y -= 6.0;
        let getal = |x: f64| self.getal(x);
        for g in &self.grafieken {
            s.grafiek(g, &getal);
        }
        for t in &self.tabellen {
            s.tabel(t, &getal);
        }
        s.afmaken(&self.titel, None)
    }
}

/// A picture to place on the pages (a letter's logo): its pixels as RGB, with an alpha
/// channel when it has one.
#[derive(Clone, Debug)]
pub struct Plaatje {
    pub breed: u32,
    pub hoog: u32,
    pub rgb: Vec<u8>,
    pub alfa: Option<Vec<u8>>,
}

impl Schrijver {
    /// The document: every page, the fonts' subsets and, when given, the picture every page
    /// may show as `/Im1`.
    pub(crate) fn afmaken(self, titel: &str, plaatje: Option<&Plaatje>) -> Vec<u8> {
        let Schrijver {
            mut paginas,
            huidig,
            gewoon,
            vet,
        } = self;
        paginas.push(huidig.inhoud);

        let mut pdf = Pdf::new();
        let mut volgende = Ref::new(1);
        let (catalogus, boom, info) = (volgende.bump(), volgende.bump(), volgende.bump());
        let (f1, f2, im1) = (volgende.bump(), volgende.bump(), volgende.bump());
        pdf.catalog(catalogus).pages(boom);
        pdf.document_info(info).title(TextStr(titel));
        let ids: Vec<(Ref, Ref)> = (0..paginas.len())
            .map(|_| (volgende.bump(), volgende.bump()))
            .collect();
        pdf.pages(boom)
            .kids(ids.iter().map(|(p, _)| *p))
            .count(ids.len() as i32);
        for ((pagina, inhoud), c) in ids.iter().zip(paginas) {
            let mut p = pdf.page(*pagina);
            p.media_box(Rect::new(0.0, 0.0, BREED, HOOG));
            p.parent(boom);
            p.contents(*inhoud);
            let mut bronnen = p.resources();
            let mut fonts = bronnen.fonts();
            fonts.pair(Name(b"F1"), f1);
            fonts.pair(Name(b"F2"), f2);
            fonts.finish();
            if plaatje.is_some() {
                bronnen.x_objects().pair(Name(b"Im1"), im1);
            }
            bronnen.finish();
            p.finish();
            pdf.stream(*inhoud, &inpakken(&c.finish()))
                .filter(Filter::FlateDecode);
        }
        if let Some(pl) = plaatje {
            let masker = pl.alfa.as_ref().map(|_| volgende.bump());
            let rgb = inpakken(&pl.rgb);
            let mut img = pdf.image_xobject(im1, &rgb);
            img.filter(Filter::FlateDecode);
            img.width(pl.breed as i32);
            img.height(pl.hoog as i32);
            img.color_space().device_rgb();
            img.bits_per_component(8);
            if let Some(m) = masker {
                img.s_mask(m);
            }
            img.finish();
            if let (Some(m), Some(alfa)) = (masker, &pl.alfa) {
                let alfa = inpakken(alfa);
                let mut s = pdf.image_xobject(m, &alfa);
                s.filter(Filter::FlateDecode);
                s.width(pl.breed as i32);
                s.height(pl.hoog as i32);
                s.color_space().device_gray();
                s.bits_per_component(8);
            }
        }
        gewoon.schrijf(&mut pdf, f1, &mut volgende);
        vet.schrijf(&mut pdf, f2, &mut volgende);
        pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Wrapping keeps every character and puts none past the room it was given (a line
        /// of one character excepted: nothing narrower exists).
        #[test]
        fn wrapping_keeps_every_character_within_the_room(
            s in "[a-zA-Zığşçöüłśźżćńšđčžâêûú–− ,.-]{0,120}",
            ruimte in 5.0f32..400.0,
        ) {
            let l = Letter::new(GEWOON, "LRPDFA+DejaVuSans");
            let regels = afbreken(&l, &s, 9.0, ruimte);
            let zonder_wit = |s: &str| s.split_whitespace().collect::<String>();
            prop_assert_eq!(zonder_wit(&regels.concat()), zonder_wit(&s));
            for r in &regels {
                prop_assert!(l.breedte(r, 9.0) <= ruimte || r.chars().count() == 1, "{r:?}");
            }
        }
    }

    #[test]
    fn the_font_has_the_letters_of_the_region_s_names() {
        let l = Letter::new(GEWOON, "LRPDFA+DejaVuSans");
        for c in "ıİğĞşŞçÇöÖüÜłŁśŚźŹżŻćĆńŃąęšŠđĐčČžŽâêôûúÂÊÔÛÚ–−€".chars()
        {
            assert_eq!(l.glyph(c).1, c, "{c} is missing from the font");
        }
        assert_eq!(l.glyph('\u{10FFFF}').1, '?');
    }
}
