//! The installation's secret keys (ASVS 6.4.1): the key of the opaque ids in URLs and of the
//! pseudonyms in the audit log. With `[sleutels]` in `leerrecht.toml` they are read from a
//! file (`bestand`, readable by its owner only) or an environment variable (`omgeving`), one
//! key of 64 hexadecimal digits per line, the current one first and earlier ones after it:
//! an id or pseudonym made with an earlier key is still recognised, so rotating a key breaks
//! no stored link and no lookup in the audit log. Without `[sleutels]` the key is kept in the
//! database (a demo or test installation); `leerrecht sleutel roteer` moves it out.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;
use serde::Deserialize;

use crate::toegang::{authorize, Action, Actor};
use crate::{App, AppError, Result};

/// `[sleutels]`: where the keys are; neither set: in the database.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SleutelBron {
    /// A file with one key a line, the current first.
    pub bestand: Option<PathBuf>,
    /// The name of an environment variable holding the keys, separated by white space.
    pub omgeving: Option<String>,
}

/// The name of the setting that holds the key in the database when none is configured.
pub(crate) const IN_DATABASE: &str = "audit_sleutel";

/// Keys from their text: one of 64 hexadecimal digits per line or word; `#` starts a comment.
pub fn sleutels_uit(tekst: &str, waar: &str) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for (n, regel) in tekst.lines().enumerate() {
        let regel = regel.split('#').next().unwrap_or("");
        for woord in regel.split_whitespace() {
            let key = data_encoding::HEXLOWER_PERMISSIVE
                .decode(woord.as_bytes())
                .ok()
                .filter(|k| k.len() == 32)
                .ok_or_else(|| {
                    AppError::Invalid(format!(
                        "{waar}, line {}: a key is 64 hexadecimal digits",
                        n + 1
                    ))
                })?;
            out.push(key);
        }
    }
    Ok(out)
}

impl SleutelBron {
    /// Whether keys are configured outside the database.
    pub fn ingesteld(&self) -> bool {
        self.bestand.is_some() || self.omgeving.is_some()
    }

    /// The configured keys, the current first; None when none are configured. A file that
    /// others than its owner may read, or that holds no key, is refused.
    pub fn lees(&self) -> Result<Option<Vec<Vec<u8>>>> {
        let (tekst, waar) = match (&self.bestand, &self.omgeving) {
            (Some(p), _) => {
                let tekst = std::fs::read_to_string(p).map_err(|e| {
                    AppError::Invalid(format!(
                        "[sleutels] bestand {}: {e}; `leerrecht sleutel roteer` makes it",
                        p.display()
                    ))
                })?;
                alleen_eigenaar(p)?;
                (tekst, p.display().to_string())
            }
            (None, Some(v)) => (
                std::env::var(v).map_err(|_| {
                    AppError::Invalid(format!("[sleutels] omgeving: {v} is not set"))
                })?,
                format!("the variable {v}"),
            ),
            (None, None) => return Ok(None),
        };
        let keys = sleutels_uit(&tekst, &waar)?;
        if keys.is_empty() {
            return Err(AppError::Invalid(format!("{waar}: holds no key")));
        }
        Ok(Some(keys))
    }
}

#[cfg(unix)]
fn alleen_eigenaar(p: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p)
        .map_err(|source| AppError::Io {
            path: p.display().to_string(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(AppError::Invalid(format!(
            "[sleutels] bestand {}: readable by others (mode {:o}); make it 600",
            p.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn alleen_eigenaar(_: &Path) -> Result<()> {
    Ok(())
}

/// What a rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotatie {
    /// How many keys the file holds now (the new one and the earlier ones).
    pub sleutels: usize,
    /// The key that was kept in the database moved into the file.
    pub uit_database: bool,
}

impl App {
    /// The app with the keys of `[sleutels]`, the current first: the database's key is not
    /// used.
    pub fn met_sleutels(mut self, sleutels: Vec<Vec<u8>>) -> Self {
        self.sleutels = Some(sleutels);
        self
    }

    /// Every key an id or pseudonym may have been made with, the current first.
    pub(crate) fn alle_sleutels(&self) -> Result<Vec<&[u8]>> {
        match &self.sleutels {
            Some(keys) => Ok(keys.iter().map(|k| k.as_slice()).collect()),
            None => Ok(vec![self.audit_key()?]),
        }
    }

    /// Rotates the keys in the file `bron.bestand`: a new random key becomes the current
    /// one and the earlier ones stay after it (the file's, or when it has none yet, the key
    /// kept in the database, which is then removed from the database). The file is written
    /// whole and readable by its owner only. For the local operator; audited.
    pub fn sleutel_roteren(&self, actor: &Actor, bron: &SleutelBron) -> Result<Rotatie> {
        authorize(actor, Action::ManageAccounts)?;
        if !matches!(actor, Actor::LocalOperator { .. }) {
            return Err(AppError::Forbidden(
                "alleen de beheerder van de installatie, op de server".into(),
            ));
        }
        let Some(pad) = &bron.bestand else {
            return Err(AppError::Invalid(
                "[sleutels] bestand: name the key file in leerrecht.toml (keys in an environment variable are rotated where it is set)".into(),
            ));
        };
        let mut keys = if pad.exists() {
            bron.lees()?.unwrap_or_default()
        } else {
            Vec::new()
        };
        let in_db = self.store().instelling(IN_DATABASE)?;
        let uit_database = keys.is_empty() && in_db.is_some();
        if let (true, Some(hex)) = (keys.is_empty(), &in_db) {
            keys.extend(sleutels_uit(hex, "the database's key")?);
        }
        let mut nieuw = vec![0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut nieuw);
        keys.insert(0, nieuw);
        schrijf(pad, &keys)?;
        if in_db.is_some() {
            self.store().set_instelling(IN_DATABASE, None)?;
        }
        self.audit_operatie(
            actor,
            "sleutel_geroteerd",
            format!(
                "{} sleutels in {}{}",
                keys.len(),
                pad.display(),
                if uit_database {
                    "; de sleutel uit de database erbij"
                } else {
                    ""
                }
            ),
        )?;
        Ok(Rotatie {
            sleutels: keys.len(),
            uit_database,
        })
    }
}

/// Writes `keys` to `pad` whole: a new file beside it, readable by its owner only, then
/// renamed over it.
fn schrijf(pad: &Path, keys: &[Vec<u8>]) -> Result<()> {
    let io = |source| AppError::Io {
        path: pad.display().to_string(),
        source,
    };
    let tmp = pad.with_extension("nieuw");
    let mut opties = std::fs::OpenOptions::new();
    opties.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opties.mode(0o600);
    }
    let mut f = opties.open(&tmp).map_err(io)?;
    let mut tekst = String::from(
        "# leerrecht's keys: the current first, earlier ones after it (ids and pseudonyms made\n# with them are still recognised). Keep this file readable by leerrecht alone.\n",
    );
    for k in keys {
        tekst += &data_encoding::HEXLOWER.encode(k);
        tekst.push('\n');
    }
    f.write_all(tekst.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, pad).map_err(io)
}
