//! The installation's settings file, `leerrecht.toml`: given with `--config`, or read from the
//! working directory when there. Today it holds the region's rules (`[regels]`); a setting
//! left out keeps its default (docs/domain.md §6).
//!
//! ```toml
//! [regels]
//! signaal_minuten = 360       # the preventive signal from 6 hours in 4 lesweken
//! geldig_vanaf = 2025-08-01   # from when a change applies (default: the day it is first used)
//!
//! [escalatie]                 # the three-month clock (docs/domain.md §8), in calendar months
//! aanbod_maanden = 3          # the deadline for a suitable offer
//! management_maanden = 3      # no offer by then: to the partners' managers
//! bestuurlijk_maanden = 4     # no offer by then: to the boards and aldermen
//! onderbreking_schooldagen = 5 # periods at most this many school days apart are one run
//!
//! [meldingen]
//! termijn_schooldagen = 5     # a school confirms or withdraws a draft within this many school days
//!
//! [doelbinding]               # purpose limitation (docs/domain.md §10)
//! terugkijk_weken = 12        # leerplicht sees absence this far before a melding, case or registration
//!
//! [sleutels]                  # the installation's secret keys, outside the database
//! bestand = "/etc/leerrecht/sleutels"  # one key a line, the current first (`leerrecht sleutel roteer`)
//! # omgeving = "LEERRECHT_SLEUTELS"    # or: an environment variable holding them
//!
//! [smtp]                      # e-mail: notices after a credential change, the daily digest
//! host = "smtp.example.nl"
//! port = 587
//! starttls = true             # false only for a server on this machine
//! van = "leerrecht <noreply@example.nl>"
//! gebruiker_file = "/etc/leerrecht/smtp.user"   # optional, with wachtwoord_file
//! wachtwoord_file = "/etc/leerrecht/smtp.pass"
//!
//! [overdracht]                # a move to a gemeente of another bureau (docs/domain.md §13)
//! dagen = 30                  # the old bureau reads a case it handed over this many days
//!
//! [brieven]                   # the officer's letters (docs/domain.md §13)
//! map = "brieven"             # their templates and logos; relative to this file's folder
//!
//! [[oidc]]                    # single sign-on, one table per identity provider
//! naam = "Gemeente Haarlem"   # the login page's button
//! organisaties = ["RBL-ZKIJ", "GM0392"]
//! issuer = "https://login.example.nl/realms/haarlem"
//! client_id = "leerrecht"
//! client_secret_file = "/etc/leerrecht/oidc-haarlem.secret"
//! koppel_claim = "email"      # email | preferred_username | sub
//! sterke_acr = []             # acr values of a strong second factor at the provider
//! sterke_amr = ["mfa", "otp", "hwk", "sc"]  # amr values of one (the default)
//!
//! [server]                    # `leerrecht serve`
//! achter_tls_proxy = true     # behind a proxy that terminates TLS: send HSTS
//! origin = "https://leerrecht.example.nl"  # the site's origin, when the proxy changes Host
//!
//! [metrics]
//! token_file = "/etc/leerrecht/metrics-token"  # /metrics needs this bearer token
//!
//! [taken]                     # the daily jobs `leerrecht serve` runs (server's local time)
//! signalen = "06:00"          # bring the signals up to date
//! escaleren = "06:15"         # raise the escalations that are due
//! bewaartermijn = "02:00"     # retention purge
//! backup = "01:30"            # an online backup, a new file in backup_map each run
//! backup_map = "/var/backups/leerrecht"
//! inhalen_uren = 6            # a slot missed while no server ran is run this late at most
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use leerrecht_domain::rules::Regels;
use leerrecht_domain::thuiszitters::Escalatieregels;
use serde::Deserialize;

use crate::{AppError, Result};

/// The settings of the installation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The rules the file sets, if it has a `[regels]` table.
    pub regels: Option<Regels>,
    /// From when those rules apply, if the file says.
    pub regels_geldig_vanaf: Option<NaiveDate>,
    /// When the escalation ladder's steps fall due.
    pub escalatie: Escalatieregels,
    /// Where the settings came from, for messages.
    pub bron: Option<PathBuf>,
    /// How `leerrecht serve` sits in the network.
    pub server: ServerConfig,
    /// Who may read `/metrics`.
    pub metrics: MetricsConfig,
    /// The daily jobs of `leerrecht serve`.
    pub taken: crate::taken::TakenConfig,
    /// `[doelbinding]`: purpose limitation.
    pub doelbinding: Doelbinding,
    /// `[sleutels]`: where the installation's secret keys are kept, outside the database.
    pub sleutels: crate::toegang::sleutels::SleutelBron,
    /// `[smtp]`: the mail server of notices and digests; None: no mail is sent.
    pub smtp: Option<crate::mail::SmtpConfig>,
    /// `[[oidc]]`: the identity providers of single sign-on (none: passwords only).
    pub oidc: Vec<crate::toegang::sso::OidcConfig>,
    /// `[brieven] map`: the folder of the letters' templates and logos, as written.
    pub brieven: Option<PathBuf>,
    /// `[overdracht] dagen`: how long a bureau reads a case it handed over after a move
    /// (None: [`crate::zaken::overdracht::OVERDRACHT_DAGEN`]).
    pub overdracht_dagen: Option<u32>,
}

/// `[overdracht]`: a case handed over after a move.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Overdracht {
    dagen: u32,
}

/// `[brieven]`: where the letters' templates and logos are kept.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Brieven {
    map: PathBuf,
}

/// `[doelbinding]`: how far before the period of a melding, case or registration its reader
/// sees a young person's absence (docs/domain.md §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doelbinding {
    pub terugkijk_weken: u32,
}

impl Default for Doelbinding {
    fn default() -> Self {
        Doelbinding {
            terugkijk_weken: leerrecht_domain::doelbinding::TERUGKIJK_WEKEN,
        }
    }
}

/// `[server]`: how `leerrecht serve` is reached.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The server sits behind a reverse proxy that terminates TLS, so every answer reaches
    /// the browser over HTTPS and may carry `Strict-Transport-Security`. Off by default: the
    /// server itself speaks plain HTTP, where HSTS means nothing.
    #[serde(default)]
    pub achter_tls_proxy: bool,
    /// The origin the browser sees (`https://leerrecht.example.nl`), which the login form's
    /// `Origin` must match. Without it the origin must name the host of the request's `Host`
    /// header; set it when the proxy passes another `Host`.
    #[serde(default)]
    pub origin: Option<String>,
}

/// `[metrics]`: `/metrics` is served only to a bearer of this token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// A file that holds the token (its first line); `LEERRECHT_METRICS_TOKEN` overrides
    /// it. Without either, `/metrics` answers 404.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
}

/// The shortest metrics token accepted.
pub const METRICS_TOKEN_MIN: usize = 32;

impl MetricsConfig {
    /// The token `/metrics` asks for: `LEERRECHT_METRICS_TOKEN` when set (and not empty),
    /// else the first line of `token_file`; `None` when neither is configured. A token
    /// shorter than [`METRICS_TOKEN_MIN`] characters is refused.
    pub fn token(&self) -> Result<Option<String>> {
        let env = std::env::var("LEERRECHT_METRICS_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty());
        let token = match (env, &self.token_file) {
            (Some(t), _) => t.trim().to_string(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|source| AppError::Io {
                    path: path.display().to_string(),
                    source,
                })?
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
            (None, None) => return Ok(None),
        };
        if token.chars().count() < METRICS_TOKEN_MIN || token.chars().any(char::is_whitespace) {
            return Err(AppError::Invalid(format!(
                "the metrics token: at least {METRICS_TOKEN_MIN} characters without white space"
            )));
        }
        Ok(Some(token))
    }
}

/// `[meldingen]`: the school's term for a draft melding.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Meldingregels {
    termijn_schooldagen: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    regels: Option<toml::Table>,
    escalatie: Option<Escalatieregels>,
    meldingen: Option<Meldingregels>,
    server: Option<ServerConfig>,
    metrics: Option<MetricsConfig>,
    taken: Option<crate::taken::TakenBestand>,
    doelbinding: Option<Doelbinding>,
    sleutels: Option<crate::toegang::sleutels::SleutelBron>,
    smtp: Option<crate::mail::SmtpConfig>,
    #[serde(default)]
    oidc: Vec<crate::toegang::sso::OidcConfig>,
    brieven: Option<Brieven>,
    overdracht: Option<Overdracht>,
}

impl Config {
    /// How long a bureau reads a case it handed over after a move: `[overdracht] dagen`.
    pub fn overdracht_dagen(&self) -> u32 {
        self.overdracht_dagen
            .unwrap_or(crate::zaken::overdracht::OVERDRACHT_DAGEN)
    }

    /// The folder of the letters' templates and logos: `[brieven] map`, relative to the
    /// settings file's folder, or `brieven` beside the settings file (in the working
    /// directory without one).
    pub fn briefmap(&self) -> PathBuf {
        let basis = self
            .bron
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        match &self.brieven {
            Some(m) if m.is_absolute() => m.clone(),
            Some(m) => basis.join(m),
            None => basis.join("brieven"),
        }
    }

    /// Single sign-on as configured: each provider with its client secret read, and the
    /// site's origin the providers send the browser back to.
    pub fn sso(&self) -> Result<crate::toegang::sso::Sso> {
        let aanbieders = self
            .oidc
            .iter()
            .map(|o| o.laden())
            .collect::<Result<Vec<_>>>()?;
        Ok(crate::toegang::sso::Sso {
            aanbieders,
            origin: self
                .server
                .origin
                .as_deref()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string(),
        })
    }

    /// Reads `path`, or `leerrecht.toml` in the working directory when no path is given and
    /// that file exists; otherwise the defaults.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from("leerrecht.toml");
                if !p.exists() {
                    return Ok(Config::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|source| AppError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut c = Self::parse(&text)
            .map_err(|e| AppError::Invalid(format!("{}: {e}", path.display())))?;
        c.bron = Some(path);
        Ok(c)
    }

    /// Parses the text of a settings file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut escalatie = file.escalatie.unwrap_or_default();
        if let Some(m) = file.meldingen {
            if !(1..=60).contains(&m.termijn_schooldagen) {
                return Err("[meldingen] termijn_schooldagen: from 1 to 60 school days".into());
            }
            escalatie.melding_termijn_schooldagen = m.termijn_schooldagen;
        }
        let server = file.server.unwrap_or_default();
        let metrics = file.metrics.unwrap_or_default();
        let taken = match file.taken {
            Some(t) => crate::taken::TakenConfig::uit(t)?,
            None => crate::taken::TakenConfig::default(),
        };
        let doelbinding = file.doelbinding.unwrap_or_default();
        let sleutels = file.sleutels.unwrap_or_default();
        let smtp = file.smtp;
        let oidc = file.oidc;
        let brieven = file.brieven.map(|b| b.map);
        let overdracht_dagen = match file.overdracht {
            Some(o) if !(1..=365).contains(&o.dagen) => {
                return Err("[overdracht] dagen: from 1 to 365 days".into())
            }
            o => o.map(|o| o.dagen),
        };
        for (n, o) in oidc.iter().enumerate() {
            o.check(n)?;
            if oidc[..n].iter().any(|p| p.issuer == o.issuer) {
                return Err(format!("[[oidc]] {}: issuer {:?} twice", n + 1, o.issuer));
            }
        }
        if !oidc.is_empty() && server.origin.is_none() {
            return Err(
                "[[oidc]] needs [server] origin: the address the identity provider sends the browser back to"
                    .into(),
            );
        }
        if let Some(m) = &smtp {
            m.van
                .parse::<lettre::message::Mailbox>()
                .map_err(|e| format!("[smtp] van: {:?}: {e}", m.van))?;
        }
        if sleutels.bestand.is_some() && sleutels.omgeving.is_some() {
            return Err("[sleutels]: bestand or omgeving, not both".into());
        }
        let max = leerrecht_domain::doelbinding::TERUGKIJK_WEKEN_MAX;
        if doelbinding.terugkijk_weken > max {
            return Err(format!(
                "[doelbinding] terugkijk_weken: from 0 to {max} weeks"
            ));
        }
        if let Some(o) = &server.origin {
            let ok = o.split_once("://").is_some_and(|(scheme, host)| {
                matches!(scheme, "http" | "https")
                    && !host.is_empty()
                    && !host.contains(['/', '?', '#', ' '])
            });
            if !ok {
                return Err(format!(
                    "[server] origin: {o:?} is not an origin like \"https://leerrecht.example.nl\""
                ));
            }
        }
        if !(1..=escalatie.bestuurlijk_maanden).contains(&escalatie.management_maanden)
            || escalatie.aanbod_maanden == 0
        {
            return Err(
                "[escalatie]: management after at least 1 month, bestuurlijk not before management"
                    .into(),
            );
        }
        let zonder_regels = Config {
            escalatie,
            server,
            metrics,
            taken,
            doelbinding,
            sleutels,
            smtp,
            oidc,
            brieven,
            overdracht_dagen,
            ..Config::default()
        };
        let Some(mut table) = file.regels else {
            return Ok(zonder_regels);
        };
        let geldig_vanaf = match table.remove("geldig_vanaf") {
            None => None,
            Some(toml::Value::Datetime(d)) => Some(
                d.to_string()
                    .parse()
                    .map_err(|_| format!("regels.geldig_vanaf: {d} is not a date"))?,
            ),
            Some(v) => {
                return Err(format!(
                    "regels.geldig_vanaf: {v} is not a date (write 2025-08-01)"
                ))
            }
        };
        let regels: Regels = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| format!("[regels]: {}", e.message()))?;
        regels.check().map_err(|e| format!("[regels]: {e}"))?;
        Ok(Config {
            regels: Some(regels),
            regels_geldig_vanaf: geldig_vanaf,
            ..zonder_regels
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_sign_on_needs_the_origin_the_provider_sends_back_to() {
        let oidc = "[[oidc]]\nnaam = \"Gemeente Haarlem\"\norganisaties = [\"GM0392\"]\n\
                    issuer = \"https://login.example.nl/realms/haarlem\"\n\
                    client_id = \"leerrecht\"\nclient_secret_file = \"/etc/leerrecht/oidc\"\n";
        let e = Config::parse(oidc).unwrap_err();
        assert!(e.contains("[server] origin"), "{e}");
        let c = Config::parse(&format!(
            "[server]\norigin = \"https://leerrecht.example.nl\"\n{oidc}"
        ))
        .unwrap();
        assert_eq!(c.oidc.len(), 1);
        assert_eq!(c.oidc[0].koppel_claim, "email");
        assert!(c.oidc[0].sterke_amr.contains(&"mfa".to_string()));
        let twee = format!("[server]\norigin = \"https://leerrecht.example.nl\"\n{oidc}{oidc}");
        let e = Config::parse(&twee).unwrap_err();
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn rules_keep_their_defaults_where_the_file_is_silent() {
        let c =
            Config::parse("[regels]\nsignaal_minuten = 360\ngeldig_vanaf = 2025-08-01\n").unwrap();
        let r = c.regels.unwrap();
        assert_eq!(r.signaal_minuten, 360);
        assert_eq!(r.uur16_minuten, Regels::default().uur16_minuten);
        assert_eq!(c.regels_geldig_vanaf, NaiveDate::from_ymd_opt(2025, 8, 1));
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn mistakes_are_named() {
        assert!(Config::parse("[regels]\nsignal_minuten = 360\n")
            .unwrap_err()
            .contains("signal_minuten"));
        assert!(Config::parse("[regels]\nuur16_minuten = 0\n").is_err());
        assert!(Config::parse("[regel]\n").is_err());
        assert!(Config::parse("[doelbinding]\nterugkijk_weken = 79\n")
            .unwrap_err()
            .contains("terugkijk_weken"));
        assert!(Config::parse("[escalatie]\nmanagement_maanden = 5\n").is_err());
        assert_eq!(
            Config::parse("[escalatie]\nbestuurlijk_maanden = 6\n")
                .unwrap()
                .escalatie
                .bestuurlijk_maanden,
            6
        );
        assert!(
            Config::parse("[server]\norigin = \"leerrecht.example.nl\"\n")
                .unwrap_err()
                .contains("origin")
        );
        assert!(Config::parse("[server]\nachter_tls_proxy = \"ja\"\n").is_err());
        let c = Config::parse(
            "[server]\nachter_tls_proxy = true\norigin = \"https://leerrecht.example.nl\"\n\
             [metrics]\ntoken_file = \"/etc/leerrecht/metrics-token\"\n",
        )
        .unwrap();
        assert!(c.server.achter_tls_proxy);
        assert_eq!(
            c.server.origin.as_deref(),
            Some("https://leerrecht.example.nl")
        );
        assert!(c.metrics.token_file.is_some());
        assert!(Config::parse("[regels]\ngeldig_vanaf = \"morgen\"\n")
            .unwrap_err()
            .contains("geldig_vanaf"));
    }

    #[test]
    fn the_melding_term_is_set_under_meldingen() {
        assert_eq!(Config::default().escalatie.melding_termijn_schooldagen, 5);
        let c = Config::parse("[meldingen]\ntermijn_schooldagen = 3\n").unwrap();
        assert_eq!(c.escalatie.melding_termijn_schooldagen, 3);
        assert!(Config::parse("[meldingen]\ntermijn_schooldagen = 0\n")
            .unwrap_err()
            .contains("termijn_schooldagen"));
        // It is not an escalation setting.
        assert!(Config::parse("[escalatie]\nmelding_termijn_schooldagen = 3\n").is_err());
    }
}
