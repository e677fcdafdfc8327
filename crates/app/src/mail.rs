//! E-mail over SMTP (`[smtp]` in leerrecht.toml): a notice to an account's address after
//! every change of its credentials, and a daily digest of the work waiting. A mail is queued
//! in the database's outbox — a notice in the same transaction as the change it tells — and
//! sent afterwards by [`App::mail_verzenden`] (`leerrecht notificaties`, and every minute by
//! `leerrecht serve`), retried with back-off when the server cannot be reached; no request
//! waits for a mail server. A mail names no young person: no name, BSN, date of birth or
//! school, only counts and a link.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use leerrecht_domain::thuiszitters::Escalatieregels;
use leerrecht_store::access::{GebruikerRij, Inlogstap, MailStand, NieuweMail};
use serde::Deserialize;

use crate::toegang::{authorize, Action, Actor};
use crate::{App, AppError, Result};

/// `[smtp]`: the mail server.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "standaard_poort")]
    pub port: u16,
    /// STARTTLS before anything is sent (a refusal to upgrade stops the mail); false only
    /// for a server on this machine.
    #[serde(default = "waar")]
    pub starttls: bool,
    /// The sender, as `naam <adres>`.
    pub van: String,
    /// Files holding the user name and the password for the server, if it asks for them.
    pub gebruiker_file: Option<PathBuf>,
    pub wachtwoord_file: Option<PathBuf>,
}

fn standaard_poort() -> u16 {
    587
}

fn waar() -> bool {
    true
}

/// After how many failed attempts a mail is given up (it stays in the outbox, with its
/// reason, for the beheer page).
pub const POGINGEN_MAX: u32 = 8;

/// How long after the `n`th failed attempt (from 1) the next one is made: 1, 5, 15 minutes,
/// then 1, 2, 4, 8 hours.
fn wachttijd(n: u32) -> Duration {
    match n {
        0 | 1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(15),
        n => Duration::hours(1 << (n - 4).min(3)),
    }
}

/// A connection to the mail server of `[smtp]`.
pub struct Mailer {
    transport: lettre::SmtpTransport,
    van: lettre::message::Mailbox,
}

impl SmtpConfig {
    /// The transport this configuration describes (no connection is made yet).
    pub fn mailer(&self) -> Result<Mailer> {
        let ongeldig = |e: String| AppError::Invalid(format!("[smtp] {e}"));
        let van = self
            .van
            .parse()
            .map_err(|e| ongeldig(format!("van: {e}")))?;
        let mut b = if self.starttls {
            lettre::SmtpTransport::starttls_relay(&self.host)
                .map_err(|e| ongeldig(format!("host: {e}")))?
        } else {
            lettre::SmtpTransport::builder_dangerous(&self.host)
        }
        .port(self.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
        let lees = |p: &PathBuf| {
            std::fs::read_to_string(p)
                .map(|s| s.lines().next().unwrap_or("").to_string())
                .map_err(|e| ongeldig(format!("{}: {e}", p.display())))
        };
        match (&self.gebruiker_file, &self.wachtwoord_file) {
            (Some(g), Some(w)) => {
                b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(
                    lees(g)?,
                    lees(w)?,
                ));
            }
            (None, None) => {}
            _ => {
                return Err(ongeldig(
                    "gebruiker_file and wachtwoord_file go together".into(),
                ))
            }
        }
        Ok(Mailer {
            transport: b.build(),
            van,
        })
    }
}

impl Mailer {
    fn stuur(&self, aan: &str, onderwerp: &str, tekst: &str) -> std::result::Result<(), String> {
        use lettre::Transport;
        let aan: lettre::message::Mailbox = aan.parse().map_err(|e| format!("aan: {e}"))?;
        let m = lettre::Message::builder()
            .from(self.van.clone())
            .to(aan)
            .subject(onderwerp)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(tekst.to_string())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&m)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// What one round of sending did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verzendronde {
    pub verzonden: u64,
    pub mislukt: u64,
}

/// One account's digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overzicht {
    pub gebruikersnaam: String,
    pub aan: String,
    /// Items waiting, per worklist kind.
    pub tellingen: BTreeMap<&'static str, usize>,
    /// Queued now (false: one was queued for this day before, or a dry run).
    pub in_wachtrij: bool,
}

/// The words of a worklist kind in a digest.
fn soort_woorden(soort: &str) -> &str {
    match soort {
        "conceptmelding" => "conceptmeldingen te bevestigen",
        "melding" => "meldingen in behandeling te nemen",
        "signaal" => "signalen",
        "mazl" => "MAZL-verwijzingen",
        "aanbod" => "zaken die op een aanbod wachten",
        "aanbod_te_laat" => "zaken waarvan de termijn voor een aanbod verstreken is",
        "escalatie" => "escalaties",
        "vrijstelling" | "vrijstelling_verlengen" | "vrijstelling_gemarkeerd" => {
            "vrijstellingen om na te kijken"
        }
        "av" => "signalen van absoluut verzuim",
        "thuiszitter_voorstel" => "voorstellen om als thuiszitter te registreren",
        "overdracht" => "overgedragen zaken",
        "overdracht_weg" => "zaken die na een verhuizing naar een ander bureau gingen",
        "handhaving" => "HALT-verwijzingen en processen-verbaal zonder uitkomst",
        "rmc" => "RMC-zaken die binnenkort een uitkomst nodig hebben",
        s => s,
    }
}

/// Refuses what is not an e-mail address, naming it.
pub fn adres_geldig(email: &str) -> Result<()> {
    email
        .parse::<lettre::Address>()
        .map(|_| ())
        .map_err(|err| AppError::Invalid(format!("email: {email:?}: {err}")))
}

impl App {
    /// Sets (or with None removes) the e-mail address of account `naam`; audited. For the
    /// operator and beheer.
    pub fn user_email(&self, actor: &Actor, naam: &str, email: Option<&str>) -> Result<()> {
        authorize(actor, Action::ManageAccounts)?;
        let g = self.account(naam)?;
        if let Some(e) = email {
            adres_geldig(e)?;
        }
        // The old address hears that notices go elsewhere from now on.
        self.inlog_wijzigen(
            &g,
            "het e-mailadres is gewijzigd",
            &[Inlogstap::Email(email.map(str::to_string))],
            self.operatie_entry(actor, "email_gewijzigd", naam.to_string()),
        )
    }

    /// The notice to account `g`'s address that `wat` ("het wachtwoord is gewijzigd") just
    /// now; None when it has no address.
    pub(crate) fn melding_inlog(&self, g: &GebruikerRij, wat: &str) -> Option<Inlogstap> {
        let aan = g.email.clone()?;
        let nu = self.now();
        let wanneer = format!("{} om {}", in_woorden(nu.date_naive()), nu.format("%H:%M"));
        Some(Inlogstap::Mail(NieuweMail {
            sleutel: format!("inlog:{}:{}:{}", g.id, wat, nu.timestamp_micros()),
            aan,
            onderwerp: "leerrecht: wijziging aan uw account".to_string(),
            tekst: format!(
                "Beste {},\n\nAan uw leerrecht-account is op {wanneer} (UTC) iets gewijzigd: {wat}.\n\n\
                 Was u dat zelf, of wist u ervan, dan hoeft u niets te doen. Zo niet, neem dan \
                 direct contact op met de beheerder van leerrecht in uw organisatie.\n\n\
                 Dit bericht is automatisch verstuurd.\n",
                g.gebruikersnaam,
            ),
            gemaakt: nu,
        }))
    }

    /// Queues the day's digest for every active account with an address and work waiting
    /// on `op`: per worklist kind how many items, and a link to the worklist under `site`
    /// (the `[server] origin`). One digest per account and day: a second run queues nothing.
    /// The worklist is read as the account itself reads it (the gate decides, the reads are
    /// audited). `dry_run`: nothing is queued or logged as sent; what would be is returned.
    pub fn notificaties(
        &self,
        actor: &Actor,
        op: NaiveDate,
        regels: &Escalatieregels,
        site: Option<&str>,
        dry_run: bool,
    ) -> Result<Vec<Overzicht>> {
        authorize(actor, Action::ManageAccounts)?;
        let mut out = Vec::new();
        for g in self.store().gebruikers()? {
            let (Some(aan), true) = (g.email.clone(), g.actief) else {
                continue;
            };
            let rol: leerrecht_domain::org::Rol = g.rol.parse().map_err(AppError::Invalid)?;
            if !rol.sees_persons() {
                continue;
            }
            let lezer = self.gebruiker_actor(&g, "notificaties")?;
            let lijst = self.werklijst(&lezer, &g.organisatie, op, regels)?;
            let tellingen: BTreeMap<&'static str, usize> = lijst
                .tellingen
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .collect();
            let totaal: usize = tellingen.values().sum();
            if totaal == 0 {
                continue;
            }
            let dag = in_woorden(op);
            let mut tekst = format!(
                "Beste {},\n\nOp uw werklijst in leerrecht wacht op {dag}:\n\n",
                g.gebruikersnaam
            );
            for (soort, n) in &tellingen {
                tekst += &format!("- {n} {}\n", soort_woorden(soort));
            }
            tekst += &match site {
                Some(s) => format!("\nUw werklijst: {}/werklijst\n", s.trim_end_matches('/')),
                None => "\nLog in op leerrecht om uw werklijst te zien.\n".to_string(),
            };
            tekst += "\nIn dit bericht staan bewust geen namen of andere gegevens van jongeren.\nDit bericht is automatisch verstuurd.\n";
            let in_wachtrij = !dry_run
                && self.store().mail_toevoegen(&NieuweMail {
                    sleutel: format!("overzicht:{}:{op}", g.id),
                    aan: aan.clone(),
                    onderwerp: format!("leerrecht: {totaal} punten op uw werklijst"),
                    tekst,
                    gemaakt: self.now(),
                })?;
            out.push(Overzicht {
                gebruikersnaam: g.gebruikersnaam.clone(),
                aan,
                tellingen,
                in_wachtrij,
            });
        }
        if !dry_run {
            let nieuw = out.iter().filter(|o| o.in_wachtrij).count();
            self.audit_operatie(
                actor,
                "notificaties",
                format!("{op}: {nieuw} overzichten in de wachtrij"),
            )?;
        }
        Ok(out)
    }

    /// Sends the mail that is due, each at most once, and records each attempt: a failure
    /// is tried again after a wait that grows, and given up after [`POGINGEN_MAX`] attempts.
    pub fn mail_verzenden(&self, actor: &Actor, mailer: &Mailer) -> Result<Verzendronde> {
        authorize(actor, Action::ManageAccounts)?;
        let mut ronde = Verzendronde::default();
        loop {
            let nu = self.now();
            let due = self.store().mail_te_verzenden(nu, 100)?;
            if due.is_empty() {
                break;
            }
            for m in due {
                let at = self.now();
                match mailer.stuur(&m.aan, &m.onderwerp, &m.tekst) {
                    Ok(()) => {
                        self.store().mail_poging(m.id, at, None, at)?;
                        ronde.verzonden += 1;
                    }
                    Err(fout) => {
                        let n = m.pogingen + 1;
                        let volgende = if n >= POGINGEN_MAX {
                            opgegeven()
                        } else {
                            at + wachttijd(n)
                        };
                        tracing::warn!(mail = m.id, poging = n, "mail not delivered: {fout}");
                        self.store().mail_poging(m.id, at, Some(&fout), volgende)?;
                        ronde.mislukt += 1;
                    }
                }
            }
        }
        Ok(ronde)
    }

    /// The outbox at a glance: for the beheer page.
    pub fn mail_stand(&self, actor: &Actor) -> Result<MailStand> {
        authorize(actor, Action::ManageAccounts)?;
        Ok(self.store().mail_stand()?)
    }
}

/// A day as running text writes it (`5 december 2026`, ARCHITECTURE.md invariant 31).
fn in_woorden(d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        crate::uitvoer::MAANDEN_NL[d.month0() as usize],
        d.year()
    )
}

/// The "next attempt" of a mail given up: never.
fn opgegeven() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .expect("a date")
        .and_hms_opt(0, 0, 0)
        .expect("a time")
        .and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_and_stays_within_a_working_day() {
        let minuten: Vec<i64> = (1..POGINGEN_MAX)
            .map(|n| wachttijd(n).num_minutes())
            .collect();
        assert_eq!(minuten, [1, 5, 15, 60, 120, 240, 480]);
    }
}
