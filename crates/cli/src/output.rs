//! How the command prints what it found: aligned tables for people, `;`-separated CSV with the
//! import conventions, and JSON. Lists are streamed, never held whole.

use std::io::Write;

use chrono::NaiveDate;
use leerrecht_app::register::queries::{JongereOpDatum, Overzicht};
use leerrecht_app::{Actor, App, AppError};
use leerrecht_domain::ids::GemeenteCode;
use serde_json::json;

fn io_err(e: std::io::Error) -> AppError {
    AppError::Io {
        path: "stdout".into(),
        source: e,
    }
}

pub fn jongeren(
    app: &App,
    actor: &Actor,
    on: NaiveDate,
    gemeente: Option<&GemeenteCode>,
    csv: bool,
    json: bool,
    out: impl Write,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    if csv {
        let mut w = csv_schrijver(&mut out);
        w.write_record([
            "leerling",
            "achternaam",
            "voornamen",
            "geboortedatum",
            "gemeente",
            "leeftijd",
            "plicht",
            "school",
            "sector",
        ])?;
        let result = app.jongeren(actor, on, gemeente, &mut |j: JongereOpDatum| {
            w.write_record([
                j.leerling.to_string().as_str(),
                &geen_formule(&j.achternaam),
                &geen_formule(&j.voornamen),
                &j.geboortedatum.to_string(),
                j.gemeente.as_str(),
                &j.leeftijd.to_string(),
                &j.plicht.to_string(),
                j.school.as_ref().map_or("", |s| s.as_str()),
                j.sector.map_or("", |s| s.code()),
            ])
            .map_err(|e| io_err(e.into()))
        });
        return csv_klaar(result, w);
    }
    let mut first = true;
    if json {
        write!(out, "[")?;
    } else {
        writeln!(
            out,
            "{:<9}  {:<24} {:<20} {:<10}  {:<6} {:>3}  {:<20} {:<6} {:<6}",
            "leerling",
            "achternaam",
            "voornamen",
            "geboren",
            "gem.",
            "lft",
            "plicht",
            "school",
            "sector"
        )?;
    }
    let result = app.jongeren(actor, on, gemeente, &mut |j: JongereOpDatum| {
        let school = j.school.as_ref().map_or("", |s| s.as_str());
        let sector = j.sector.map_or("", |s| s.code());
        let r = if json {
            let sep = if first { "\n" } else { ",\n" };
            first = false;
            let v = json!({
                "leerling": j.leerling.to_string(),
                "achternaam": j.achternaam,
                "voornamen": j.voornamen,
                "geboortedatum": j.geboortedatum,
                "gemeente": j.gemeente,
                "leeftijd": j.leeftijd,
                "plicht": j.plicht,
                "school": j.school,
                "sector": j.sector,
            });
            write!(out, "{sep}{v}")
        } else {
            writeln!(
                out,
                "{:<9}  {:<24} {:<20} {}  {:<6} {:>3}  {:<20} {:<6} {:<6}",
                j.leerling.to_string(),
                clip(&j.achternaam, 24),
                clip(&j.voornamen, 20),
                j.geboortedatum,
                j.gemeente,
                j.leeftijd,
                j.plicht,
                school,
                sector
            )
        };
        r.map_err(io_err)
    });
    klaar(result)?;
    if json {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    out.flush()?;
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The end of a listing: a failure to write is the output's, not the listing's.
fn klaar(result: leerrecht_app::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(AppError::Io { source, .. }) => Err(source.into()),
        r => Ok(r?),
    }
}

/// Ends a streamed CSV: the listing's outcome, then every row written out.
fn csv_klaar<W: Write>(result: leerrecht_app::Result<()>, w: csv::Writer<W>) -> anyhow::Result<()> {
    klaar(result)?;
    w.into_inner().map_err(|e| e.into_error())?.flush()?;
    Ok(())
}

/// A `;` CSV writer with the import files' conventions (quoted only when a field must be).
fn csv_schrijver<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// A text field of a CSV: never a formula to a spreadsheet.
fn geen_formule(s: &str) -> std::borrow::Cow<'_, str> {
    leerrecht_app::uitvoer::geen_formule(s)
}

pub fn overzicht_json(o: &Overzicht) -> serde_json::Value {
    json!({
        "peildatum": o.peildatum,
        "gemeenten": o.gemeenten.iter().map(|g| json!({
            "gemeente": g.gemeente,
            "naam": g.naam,
            "jongeren": g.jongeren,
            "leerplichtig": g.leerplichtig,
            "leerplichtig_ingeschreven": g.leerplichtig_ingeschreven,
            "kwalificatieplichtig": g.kwalificatieplichtig,
            "kwalificatieplichtig_ingeschreven": g.kwalificatieplichtig_ingeschreven,
        })).collect::<Vec<_>>(),
    })
}

pub fn overzicht_table(o: &Overzicht, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "Peildatum {}", o.peildatum)?;
    writeln!(
        out,
        "{:<7} {:<24} {:>10} {:>12} {:>13} {:>12} {:>13}",
        "code",
        "gemeente",
        "jongeren",
        "leerplichtig",
        "ingeschreven",
        "kwalificatie",
        "ingeschreven"
    )?;
    let mut total = [0u64; 5];
    for g in &o.gemeenten {
        let v = [
            g.jongeren,
            g.leerplichtig,
            g.leerplichtig_ingeschreven,
            g.kwalificatieplichtig,
            g.kwalificatieplichtig_ingeschreven,
        ];
        for (t, x) in total.iter_mut().zip(v) {
            *t += x;
        }
        writeln!(
            out,
            "{:<7} {:<24} {:>10} {:>12} {:>13} {:>12} {:>13}",
            g.gemeente,
            clip(&g.naam, 24),
            v[0],
            v[1],
            v[2],
            v[3],
            v[4]
        )?;
    }
    writeln!(
        out,
        "{:<7} {:<24} {:>10} {:>12} {:>13} {:>12} {:>13}",
        "", "Totaal", total[0], total[1], total[2], total[3], total[4]
    )
}

pub fn signalen(
    app: &App,
    actor: &Actor,
    on: NaiveDate,
    regel: Option<leerrecht_domain::rules::Regel>,
    json: bool,
    out: impl Write,
) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    if !json {
        let mut w = csv_schrijver(&mut out);
        w.write_record(["leerling", "school", "regel", "datum"])?;
        // The CSV has no column for the explanation: it is not read.
        let result = app.list_signals(actor, on, regel, false, &mut |s| {
            w.write_record([
                s.leerling.to_string().as_str(),
                s.school.as_deref().unwrap_or(""),
                &s.regel.to_string(),
                &s.datum.to_string(),
            ])
            .map_err(|e| io_err(e.into()))
        });
        return csv_klaar(result, w);
    }
    let mut first = true;
    write!(out, "[")?;
    let result = app.list_signals(actor, on, regel, true, &mut |s| {
        let sep = if first { "\n" } else { ",\n" };
        first = false;
        write!(
            out,
            "{sep}{}",
            serde_json::to_string(&s).expect("serialises")
        )
        .map_err(io_err)
    });
    klaar(result)?;
    writeln!(out, "{}]", if first { "" } else { "\n" })?;
    out.flush()?;
    Ok(())
}
