//! A report as a PDF: A4 pages with the title, the notes, a bar chart per chart (lines as
//! bars per label) and every table, in Helvetica (one of the fonts every PDF reader has, so
//! nothing is embedded) with the Windows-1252 encoding, which holds the Dutch letters.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use crate::uitvoer::{Cel, Grafiek, Weergave};

const BREED: f32 = 595.0;
const HOOG: f32 = 842.0;
const MARGE: f32 = 50.0;
const KLEUREN: [(f32, f32, f32); 5] = [
    (0.082, 0.259, 0.451),
    (0.878, 0.431, 0.0),
    (0.224, 0.529, 0.051),
    (0.667, 0.0, 0.369),
    (0.0, 0.482, 0.8),
];

/// Text in Windows-1252 (WinAnsiEncoding); what it lacks becomes `?`.
fn ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '−' | '–' => 0x96,
            '—' => 0x97,
            '€' => 0x80,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            c if (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32)) => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

/// About as wide as Helvetica sets it: enough to right-align numbers and cut long cells.
fn breedte(s: &str, grootte: f32) -> f32 {
    s.chars().count() as f32 * grootte * 0.52
}

fn passend(s: &str, grootte: f32, ruimte: f32) -> String {
    if breedte(s, grootte) <= ruimte {
        return s.to_string();
    }
    let n = (ruimte / (grootte * 0.52)).max(2.0) as usize;
    let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
    t.push('…');
    t
}

struct Pagina {
    inhoud: Content,
    y: f32,
}

struct Schrijver {
    paginas: Vec<Content>,
    huidig: Pagina,
}

impl Schrijver {
    fn new() -> Self {
        Schrijver {
            paginas: Vec::new(),
            huidig: Pagina {
                inhoud: Content::new(),
                y: HOOG - MARGE,
            },
        }
    }

    /// Starts a new page when fewer than `nodig` points are left.
    fn ruimte(&mut self, nodig: f32) {
        if self.huidig.y - nodig < MARGE {
            let oud = std::mem::replace(
                &mut self.huidig,
                Pagina {
                    inhoud: Content::new(),
                    y: HOOG - MARGE,
                },
            );
            self.paginas.push(oud.inhoud);
        }
    }

    fn tekst(&mut self, x: f32, y: f32, grootte: f32, vet: bool, s: &str) {
        let c = &mut self.huidig.inhoud;
        c.begin_text();
        c.set_font(Name(if vet { b"F2" } else { b"F1" }), grootte);
        c.next_line(x, y);
        c.show(Str(&ansi(s)));
        c.end_text();
    }

    fn regel(&mut self, grootte: f32, vet: bool, s: &str) {
        self.ruimte(grootte * 1.5);
        self.huidig.y -= grootte * 1.4;
        let y = self.huidig.y;
        self.tekst(
            MARGE,
            y,
            grootte,
            vet,
            &passend(s, grootte, BREED - 2.0 * MARGE),
        );
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
        self.ruimte(hoogte + 60.0);
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
            self.tekst(links - 4.0 - breedte(&t, 7.0), y - 2.0, 7.0, false, &t);
        }
        let n = g.labels.len().max(1) as f32;
        let groep = breed / n;
        let reeksen = g.reeksen.len().max(1) as f32;
        let staaf = (groep * 0.8 / reeksen).max(0.5);
        for (r, (_, waarden)) in g.reeksen.iter().enumerate() {
            let (cr, cg, cb) = KLEUREN[r % KLEUREN.len()];
            let c = &mut self.huidig.inhoud;
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
        for (i, l) in g.labels.iter().enumerate().step_by(elk) {
            let x = links + groep * i as f32 + 1.0;
            self.tekst(
                x,
                onder - 10.0,
                7.0,
                false,
                &passend(l, 7.0, groep * elk as f32),
            );
        }
        self.huidig.y = onder - 14.0;
        let mut x = MARGE;
        let y = self.huidig.y - 10.0;
        for (r, (naam, _)) in g.reeksen.iter().enumerate() {
            let (cr, cg, cb) = KLEUREN[r % KLEUREN.len()];
            let c = &mut self.huidig.inhoud;
            c.set_fill_rgb(cr, cg, cb);
            c.rect(x, y, 7.0, 7.0);
            c.fill_nonzero();
            self.tekst(x + 10.0, y, 8.0, false, naam);
            x += 20.0 + breedte(naam, 8.0);
            if x > BREED - MARGE - 60.0 {
                break;
            }
        }
        self.huidig.y = y - 12.0;
    }

    fn tabel(&mut self, t: &crate::uitvoer::Tabel, getal: &dyn Fn(f64) -> String) {
        let grootte = 8.5;
        let rij = grootte * 1.6;
        let breed = BREED - 2.0 * MARGE;
        let kolommen = t.kolommen.len().max(1);
        let eerste = if kolommen == 1 { breed } else { breed * 0.4 };
        let rest = if kolommen > 1 {
            (breed - eerste) / (kolommen - 1) as f32
        } else {
            0.0
        };
        let x_van = |i: usize| {
            if i == 0 {
                MARGE
            } else {
                MARGE + eerste + rest * (i - 1) as f32
            }
        };
        self.ruimte(rij * 3.0 + 14.0);
        self.regel(11.0, true, &t.titel);
        let kop = |s: &mut Schrijver| {
            s.huidig.y -= rij;
            let y = s.huidig.y;
            for (i, k) in t.kolommen.iter().enumerate() {
                let ruimte = if i == 0 { eerste } else { rest } - 4.0;
                let k = passend(k, grootte, ruimte);
                let x = if i == 0 {
                    x_van(0)
                } else {
                    x_van(i) + rest - 4.0 - breedte(&k, grootte)
                };
                s.tekst(x, y, grootte, true, &k);
            }
            s.lijn(MARGE, y - 3.0, BREED - MARGE, y - 3.0, 0.2);
        };
        kop(self);
        for r in &t.rijen {
            if self.huidig.y - rij < MARGE {
                self.ruimte(rij * 2.0);
                kop(self);
            }
            self.huidig.y -= rij;
            let y = self.huidig.y;
            for (i, c) in r.iter().enumerate() {
                let tekst = match c {
                    Cel::Aantal(a) => a.getal().map_or_else(|| a.tekst(), |n| getal(n as f64)),
                    Cel::Getal(x) => getal(*x),
                    Cel::Tekst(s) => s.clone(),
                    Cel::Leeg => String::new(),
                };
                let ruimte = if i == 0 { eerste } else { rest } - 4.0;
                let tekst = passend(&tekst, grootte, ruimte);
                let rechts = i > 0 && matches!(c, Cel::Aantal(_) | Cel::Getal(_));
                let x = if rechts {
                    x_van(i) + rest - 4.0 - breedte(&tekst, grootte)
                } else {
                    x_van(i)
                };
                self.tekst(x, y, grootte, false, &tekst);
            }
            self.lijn(MARGE, y - 3.0, BREED - MARGE, y - 3.0, 0.8);
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
        let Schrijver {
            mut paginas,
            huidig,
        } = s;
        paginas.push(huidig.inhoud);

        let mut pdf = Pdf::new();
        let (catalogus, boom, gewoon, vet) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
        pdf.catalog(catalogus).pages(boom);
        let ids: Vec<(Ref, Ref)> = (0..paginas.len())
            .map(|i| (Ref::new(5 + 2 * i as i32), Ref::new(6 + 2 * i as i32)))
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
            fonts.pair(Name(b"F1"), gewoon);
            fonts.pair(Name(b"F2"), vet);
            fonts.finish();
            bronnen.finish();
            p.finish();
            pdf.stream(*inhoud, &c.finish());
        }
        for (id, naam) in [(gewoon, &b"Helvetica"[..]), (vet, &b"Helvetica-Bold"[..])] {
            pdf.type1_font(id)
                .base_font(Name(naam))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uitvoer::{GrafiekSoort, Tabel};

    #[test]
    fn a_report_becomes_a_pdf_with_its_text() {
        let w = Weergave {
            titel: "Thuiszitters per categorie".into(),
            toelichting: vec!["Gebied: regio Zuid-Kennemerland, peildatum 1 oktober 2025".into()],
            tabellen: vec![Tabel {
                titel: "Categorieën".into(),
                kolommen: vec!["Categorie".into(), "2025-10-01".into()],
                rijen: vec![vec![Cel::Tekst("Thuiszittend".into()), Cel::Getal(1234.0)]],
            }],
            grafieken: vec![Grafiek {
                titel: "Categorieën".into(),
                soort: GrafiekSoort::Staven,
                labels: vec!["Thuiszittend".into()],
                reeksen: vec![("2025-10-01".into(), vec![Some(1234.0)])],
            }],
            engels: false,
        };
        let pdf = w.pdf();
        assert!(pdf.starts_with(b"%PDF-"));
        let tekst = String::from_utf8_lossy(&pdf);
        assert!(tekst.contains("Helvetica"));
        // Uncompressed content streams: the text is there as written, in Windows-1252.
        assert!(pdf
            .windows(b"(Thuiszittend)".len())
            .any(|w| w == b"(Thuiszittend)"));
        assert!(pdf.windows(6).any(|w| w == b"(1.234"));
        assert_eq!(ansi("Categorieën"), b"Categorie\xebn");
    }
}
