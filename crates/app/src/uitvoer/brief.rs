//! A letter as a PDF (docs/domain.md §13): one A4 letter per address, each on a page of its
//! own, with the gemeente's logo and name at the top, the address where a window envelope
//! shows it, and the template's text set as real text in the report's embedded font, so that
//! it can be searched and read aloud.

pub use crate::uitvoer::pdf::Plaatje;
use crate::uitvoer::pdf::{Schrijver, BREED, HOOG, MARGE};

/// One letter: to whom (the lines of the address block) and its text, merge fields filled.
#[derive(Clone, Debug)]
pub struct Briefpagina {
    pub adres: Vec<String>,
    pub tekst: String,
}

/// The largest logo accepted, in pixels either way.
const LOGO_MAX: u32 = 4000;

/// A logo as the letters show it, from a PNG file; why not, when it is none.
pub fn logo_lezen(bytes: &[u8]) -> Result<Plaatje, String> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().map_err(|e| format!("geen PNG: {e}"))?;
    let grootte = reader
        .output_buffer_size()
        .ok_or_else(|| "geen PNG: te groot".to_string())?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w > LOGO_MAX || h > LOGO_MAX {
        return Err(format!(
            "te groot: {w} × {h} pixels, hoogstens {LOGO_MAX} × {LOGO_MAX}"
        ));
    }
    let mut buf = vec![0; grootte];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("geen PNG: {e}"))?;
    buf.truncate(info.buffer_size());
    let (mut rgb, mut alfa) = (Vec::with_capacity(buf.len()), Vec::new());
    let heeft_alfa = matches!(
        info.color_type,
        png::ColorType::Rgba | png::ColorType::GrayscaleAlpha
    );
    match info.color_type {
        png::ColorType::Rgb => rgb = buf,
        png::ColorType::Rgba => {
            for p in buf.chunks_exact(4) {
                rgb.extend_from_slice(&p[..3]);
                alfa.push(p[3]);
            }
        }
        png::ColorType::Grayscale => {
            for g in buf {
                rgb.extend_from_slice(&[g, g, g]);
            }
        }
        png::ColorType::GrayscaleAlpha => {
            for p in buf.chunks_exact(2) {
                rgb.extend_from_slice(&[p[0], p[0], p[0]]);
                alfa.push(p[1]);
            }
        }
        png::ColorType::Indexed => return Err("geen PNG: palet niet uitgepakt".into()),
    }
    Ok(Plaatje {
        breed: info.width,
        hoog: info.height,
        rgb,
        alfa: heeft_alfa.then_some(alfa),
    })
}

/// The letters as one PDF: `afzender` (the gemeente or bureau) at the top of each, next to
/// the logo when there is one; `titel` is the document's title.
pub fn brief_pdf(
    afzender: &str,
    logo: Option<&Plaatje>,
    titel: &str,
    brieven: &[Briefpagina],
) -> Vec<u8> {
    let mut s = Schrijver::new();
    for (i, b) in brieven.iter().enumerate() {
        if i > 0 {
            s.nieuwe_pagina();
        }
        // The head: the logo at the left, at most 60 points high and 180 wide.
        let boven = HOOG - MARGE;
        if let Some(l) = logo {
            let schaal = (60.0 / l.hoog as f32).min(180.0 / l.breed as f32);
            let (w, h) = (l.breed as f32 * schaal, l.hoog as f32 * schaal);
            let c = &mut s.huidig.inhoud;
            c.save_state();
            c.transform([w, 0.0, 0.0, h, MARGE, boven - h]);
            c.x_object(pdf_writer::Name(b"Im1"));
            c.restore_state();
        }
        let x = BREED - MARGE - s.breedte(afzender, 13.0, true);
        s.tekst(x, boven - 13.0, 13.0, true, afzender);
        // The address where a window envelope (left, 5 cm from the top) shows it.
        let mut y = HOOG - 150.0;
        for r in &b.adres {
            s.tekst(MARGE + 20.0, y, 10.0, false, r);
            y -= 13.0;
        }
        s.huidig.y = HOOG - 250.0;
        for regel in b.tekst.lines() {
            let regel = regel.trim_end();
            if regel.is_empty() {
                s.huidig.y -= 7.0;
            } else {
                s.regel(10.0, regel.starts_with("Betreft:"), regel);
            }
        }
    }
    s.afmaken(titel, logo)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `w` × `h` pixels with an alpha channel.
    fn png_van(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().unwrap();
        wr.write_image_data(&vec![200; (w * h * 4) as usize])
            .unwrap();
        wr.finish().unwrap();
        out
    }

    #[test]
    fn a_logo_is_read_with_its_transparency_and_nonsense_is_refused() {
        let l = logo_lezen(&png_van(3, 2)).unwrap();
        assert_eq!((l.breed, l.hoog, l.rgb.len()), (3, 2, 18));
        assert_eq!(l.alfa.map(|a| a.len()), Some(6));
        assert!(logo_lezen(b"GIF89a").unwrap_err().starts_with("geen PNG"));
        assert!(logo_lezen(&png_van(4001, 1))
            .unwrap_err()
            .starts_with("te groot"));
    }

    #[test]
    fn each_letter_is_a_page_of_real_text() {
        let logo = logo_lezen(&png_van(40, 20)).unwrap();
        let brieven = [
            Briefpagina {
                adres: vec![
                    "A. Öztürk".into(),
                    "Kerkstraat 1".into(),
                    "2011 AB Haarlem".into(),
                ],
                tekst: "Betreft: uitnodiging\n\nBeste mevrouw Öztürk,\n\nTot ziens.".into(),
            },
            Briefpagina {
                adres: vec!["B. Jansen".into()],
                tekst: "Beste meneer Jansen,".into(),
            },
        ];
        let pdf = brief_pdf("Gemeente Haarlem", Some(&logo), "Uitnodiging", &brieven);
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        let eerste = doc.extract_text(&[1]).unwrap();
        assert!(eerste.contains("Beste mevrouw Öztürk"), "{eerste}");
        assert!(eerste.contains("Gemeente Haarlem"), "{eerste}");
        assert!(doc.extract_text(&[2]).unwrap().contains("meneer Jansen"));
    }
}
