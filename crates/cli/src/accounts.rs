//! `leerrecht user|token|audit|purge`, and the demo's accounts.

use std::io::{self, BufRead, IsTerminal, Write};

use chrono::NaiveDate;
use leerrecht_app::{Actor, App};
use leerrecht_demo::DemoAccounts;

use crate::{checked, AuditWhat, TokenWhat, UserWhat};

/// Reads a password from standard input: one line, never an argument (arguments show in the
/// process list and shell history).
fn read_password() -> anyhow::Result<String> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprint!("Wachtwoord (minstens 12 tekens): ");
        io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub(crate) fn user(app: &App, actor: &Actor, what: UserWhat) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match what {
        UserWhat::Add {
            username,
            org,
            role,
            email,
        } => {
            if let Some(e) = &email {
                checked(leerrecht_app::mail::adres_geldig(e))?;
            }
            let password = read_password()?;
            let nieuw = checked(app.user_add(actor, &username, &org, role, &password))?;
            if let Some(e) = &email {
                checked(app.user_email(actor, &username, Some(e)))?;
            }
            writeln!(out, "gebruiker {username} toegevoegd ({role}, {org})")?;
            writeln!(
                out,
                "het wachtwoord is tijdelijk: de gebruiker kiest bij de eerste inlog een eigen wachtwoord"
            )?;
            if let Some(secret) = nieuw.totp_geheim {
                print_totp(&mut out, &username, &secret)?;
            }
        }
        UserWhat::List { format } => {
            let list = checked(app.user_list(actor))?;
            if format == crate::TableOrJson::Json {
                serde_json::to_writer_pretty(&mut out, &list)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{:<24} {:<12} {:<14} {:<7} {:<13} {:<15} geblokkeerd",
                    "gebruiker", "rol", "organisatie", "actief", "tweede factor", "via organisatie"
                )?;
                for g in list {
                    let ja = |b: bool| if b { "ja" } else { "nee" };
                    writeln!(
                        out,
                        "{:<24} {:<12} {:<14} {:<7} {:<13} {:<15} {}",
                        g.gebruikersnaam,
                        g.rol,
                        g.organisatie,
                        ja(g.actief),
                        ja(g.tweede_factor),
                        ja(g.sso),
                        ja(g.geblokkeerd)
                    )?;
                }
            }
        }
        UserWhat::Disable { username } => {
            checked(app.user_disable(actor, &username))?;
            writeln!(out, "gebruiker {username} uitgeschakeld; sessies beëindigd")?;
        }
        UserWhat::SsoOntkoppelen { username } => {
            if checked(app.user_sso_ontkoppelen(actor, &username))? {
                writeln!(
                    out,
                    "koppeling van {username} aan inloggen via de organisatie opgeheven; sessies beëindigd"
                )?;
            } else {
                writeln!(
                    out,
                    "{username} was niet gekoppeld aan inloggen via de organisatie"
                )?;
            }
        }
        UserWhat::Reset2fa { username } => {
            let secret = checked(app.user_reset_2fa(actor, &username))?;
            print_totp(&mut out, &username, &secret)?;
        }
        UserWhat::ResetPassword { username } => {
            let (code, verloopt) = checked(app.user_reset_password(actor, &username))?;
            writeln!(out, "herstelcode voor {username}, eenmalig getoond:")?;
            writeln!(out, "  {code}")?;
            writeln!(
                out,
                "geldig tot {}; geef de code via een ander kanaal dan de gebruikersnaam",
                verloopt.format("%Y-%m-%d %H:%M UTC")
            )?;
        }
        UserWhat::Email {
            username,
            email,
            geen: _,
        } => {
            checked(app.user_email(actor, &username, email.as_deref()))?;
            match email {
                Some(e) => writeln!(out, "e-mailadres van {username}: {e}")?,
                None => writeln!(out, "{username} heeft geen e-mailadres meer")?,
            }
        }
        UserWhat::Password { username } => {
            let password = read_password()?;
            checked(app.user_set_password(actor, &username, &password))?;
            writeln!(
                out,
                "wachtwoord van {username} gewijzigd; sessies beëindigd; het is tijdelijk: de gebruiker kiest bij de volgende inlog een eigen wachtwoord"
            )?;
        }
    }
    Ok(())
}

fn print_totp(out: &mut impl Write, username: &str, secret: &str) -> io::Result<()> {
    writeln!(
        out,
        "tweede factor (TOTP) voor {username}, eenmalig getoond:"
    )?;
    writeln!(out, "  geheim: {secret}")?;
    writeln!(
        out,
        "  {}",
        leerrecht_app::toegang::auth::otpauth_uri(username, secret)
    )
}

pub(crate) fn token(app: &App, actor: &Actor, what: TokenWhat) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match what {
        TokenWhat::Create {
            org,
            scope,
            omschrijving,
        } => {
            let (id, token) = checked(app.token_create(actor, &org, &scope, &omschrijving))?;
            writeln!(out, "token {id} voor {org}, eenmalig getoond:")?;
            writeln!(out, "{token}")?;
        }
        TokenWhat::List => {
            let tokens = checked(app.tokens(actor))?;
            writeln!(
                out,
                "{:<6} {:<10} {:<40} {:<11} omschrijving",
                "nr", "org", "scopes", "status"
            )?;
            for t in tokens {
                writeln!(
                    out,
                    "{:<6} {:<10} {:<40} {:<11} {}",
                    t.id,
                    t.organisatie,
                    t.scopes,
                    if t.ingetrokken.is_some() {
                        "ingetrokken"
                    } else {
                        "actief"
                    },
                    t.omschrijving
                )?;
            }
        }
        TokenWhat::Revoke { id } => {
            if checked(app.token_revoke(actor, id))? {
                writeln!(out, "token {id} ingetrokken")?;
            } else {
                writeln!(out, "token {id}: geen actief token met dit nummer")?;
            }
        }
    }
    Ok(())
}

pub(crate) fn audit(app: &App, actor: &Actor, what: AuditWhat) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match what {
        AuditWhat::Verify => {
            let c = checked(app.audit_verify(actor))?;
            match (&c.eerste_breuk, &c.kop) {
                (Some((seq, why)), _) => {
                    writeln!(
                        out,
                        "audit log BROKEN at entry {seq}: {why} ({} entries read)",
                        c.entries
                    )?;
                    anyhow::bail!("the audit log's chain is broken at entry {seq}");
                }
                (None, Some((seq, hash))) => {
                    writeln!(
                        out,
                        "audit log intact: {} entries; newest {seq} {hash}",
                        c.entries
                    )?;
                }
                (None, None) => writeln!(out, "audit log intact: empty")?,
            }
        }
        AuditWhat::Export { person, format } => {
            let rows = checked(app.audit_export(actor, person))?;
            if format == crate::CsvOrJson::Json {
                let items: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "volgnummer": r.seq,
                            "tijd": r.entry.tijd,
                            "wie": r.entry.actor,
                            "organisatie": r.entry.organisatie,
                            "rol": r.entry.rol,
                            "actie": r.entry.actie,
                            "wat": r.entry.record,
                            "vanaf": r.entry.bron,
                            "reden": r.entry.reden,
                            "noodtoegang": r.entry.noodtoegang,
                            "toegestaan": r.entry.toegestaan,
                        })
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &items)?;
                writeln!(out)?;
            } else {
                let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
                w.write_record([
                    "volgnummer",
                    "tijd",
                    "wie",
                    "organisatie",
                    "rol",
                    "actie",
                    "wat",
                    "vanaf",
                    "reden",
                    "noodtoegang",
                    "toegestaan",
                ])?;
                for r in &rows {
                    let e = &r.entry;
                    let ja = |b: bool| if b { "ja" } else { "nee" };
                    // Names and reasons are typed by people: never a formula to a spreadsheet.
                    let tekst = |t: Option<&str>| {
                        leerrecht_app::uitvoer::geen_formule(t.unwrap_or("")).into_owned()
                    };
                    w.write_record([
                        r.seq.to_string().as_str(),
                        &e.tijd,
                        &tekst(Some(&e.actor)),
                        &tekst(e.organisatie.as_deref()),
                        e.rol.as_deref().unwrap_or(""),
                        &e.actie,
                        &tekst(e.record.as_deref()),
                        &tekst(Some(&e.bron)),
                        &tekst(e.reden.as_deref()),
                        ja(e.noodtoegang),
                        ja(e.toegestaan),
                    ])?;
                }
                w.flush()?;
            }
        }
    }
    Ok(())
}

pub(crate) fn purge(
    app: &App,
    actor: &Actor,
    as_of: NaiveDate,
    dry_run: bool,
    json: bool,
    regels: &leerrecht_domain::thuiszitters::Escalatieregels,
) -> anyhow::Result<()> {
    let r = checked(app.purge_met(actor, as_of, dry_run, regels))?;
    let mut out = io::stdout().lock();
    let t = &r.telling;
    if json {
        let personen: Vec<_> = r
            .personen
            .iter()
            .map(|p| serde_json::json!({"leerling": p.leerling.to_string(), "geboortedatum": p.geboortedatum, "wat": p.wat}))
            .collect();
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({
                "peildatum": r.peildatum,
                "proef": r.dry_run,
                "meldingen_voor": r.meldingen_voor,
                "personen": personen,
                "verwijderd": {
                    "personen": t.personen, "inschrijvingen": t.inschrijvingen, "verzuim": t.verzuim,
                    "signalen": t.signalen, "registraties": t.registraties, "meldingen": t.meldingen, "notities": t.notities,
                    "partners": t.partners, "noodtoegang": t.noodtoegang, "verzorgers": t.verzorgers,
                    "zaaknotities": t.zaaknotities, "brieven": t.brieven, "sessies": r.sessies, "mails": r.mails,
                },
            }),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    if dry_run {
        writeln!(
            out,
            "proef: er wordt niets verwijderd. Zou verwijderen op {}:",
            r.peildatum
        )?;
        writeln!(out, "leerling;geboortedatum;wat")?;
        for p in &r.personen {
            writeln!(out, "{};{};{}", p.leerling, p.geboortedatum, p.wat)?;
        }
    } else {
        writeln!(out, "verwijderd op {}:", r.peildatum)?;
    }
    writeln!(
        out,
        "personen {}, inschrijvingen {}, verzuimregels {}, signalen {}, registraties {}, meldingen (begonnen voor {}) {}, medische notities {}, partners {}, noodtoegang {}, verzorgers {}, zaaknotities {}, brieven {}; sessies {} en e-mails {} ouder dan {} dagen",
        t.personen, t.inschrijvingen, t.verzuim, t.signalen, t.registraties, r.meldingen_voor, t.meldingen, t.notities, t.partners, t.noodtoegang, t.verzorgers,
        t.zaaknotities, t.brieven, r.sessies, r.mails, leerrecht_app::toegang::retention::VERGETEN_NA_DAGEN
    )?;
    Ok(())
}

/// Prints the demo's accounts and token: the only time their secrets are shown.
/// `totp` is the command that prints a second-factor code, as it can be run from here.
pub(crate) fn print_demo_accounts(
    a: &DemoAccounts,
    totp: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "Accounts (eenmalig getoond; TOTP-geheim in een authenticator-app zetten):"
    )?;
    writeln!(
        out,
        "{:<18} {:<11} {:<12} {:<44} totp-geheim",
        "gebruiker", "rol", "organisatie", "wachtwoord"
    )?;
    for g in &a.accounts {
        writeln!(
            out,
            "{:<18} {:<11} {:<12} {:<44} {}",
            g.gebruikersnaam,
            g.rol,
            g.organisatie,
            g.wachtwoord,
            g.totp_geheim.as_deref().unwrap_or("-")
        )?;
    }
    writeln!(
        out,
        "De code voor de tweede factor: zet het TOTP-geheim in een authenticator-app, of vraag \
         de huidige code op met:"
    )?;
    writeln!(out, "  {totp}")?;
    if a.token.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "API-token van school {} (verzuim:schrijven meldingen:schrijven):",
        a.token_school
    )?;
    writeln!(out, "  {}", a.token)
}
