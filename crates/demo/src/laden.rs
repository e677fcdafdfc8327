//! Loads the demo region into the store: the generator's output goes straight into one bulk
//! transaction, so a failed or interrupted demo leaves the database as empty as it was.

use leerrecht_domain::calendar::{demo_vakanties, Vakantie};
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::org::Organisatie;
use leerrecht_domain::person::{Inschrijving, Jongere};
use leerrecht_domain::rules::Verzuim;
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_store::{BulkWriter, StoreError};

use crate::Demo;
use crate::{generate_with, DemoOptions, DemoSink, DemoSummary};
use chrono::NaiveDate;
use leerrecht_app::toegang::{authorize, Action, Actor, Scope};
use leerrecht_app::{AppError, Result};
use leerrecht_domain::org::{OrgSoort, Rol};
use leerrecht_domain::thuiszitters::Escalatieregels;

struct StoreSink<'a> {
    writer: Box<dyn BulkWriter + 'a>,
}

impl DemoSink for StoreSink<'_> {
    type Error = StoreError;
    fn organisatie(&mut self, o: &Organisatie) -> Result<(), StoreError> {
        self.writer.organisatie(o)
    }
    fn vakantie(&mut self, v: &Vakantie) -> Result<(), StoreError> {
        self.writer.vakantie(v)
    }
    fn jongere(&mut self, j: &Jongere) -> Result<(), StoreError> {
        self.writer.jongere(j)
    }
    fn inschrijving(&mut self, i: &Inschrijving) -> Result<(), StoreError> {
        self.writer.inschrijving(i)
    }
    fn verzuim(
        &mut self,
        leerling: LeerlingId,
        school: &SchoolCode,
        rows: &[Verzuim],
    ) -> Result<(), StoreError> {
        self.writer.verzuim(leerling, school, rows)
    }
}

impl Demo<'_> {
    /// Fills an empty database with the demo region of `scale`, the same for the same seed.
    pub fn load(&self, actor: &Actor, options: &DemoOptions) -> Result<DemoSummary> {
        authorize(actor, Action::LoadDemo)?;
        if !self.store().is_empty()? {
            return Err(AppError::Invalid(
                "deze database bevat al een register: geef de demo een nieuwe database met --db"
                    .into(),
            ));
        }
        let mut sink = StoreSink {
            writer: self.store().bulk_writer()?,
        };
        let summary = generate_with(
            options,
            &|year| demo_vakanties(SchoolYear::new(year)),
            &mut sink,
        )?;
        sink.writer.commit()?;
        self.audit_operatie(actor, "demo", format!("{} jongeren", summary.jongeren))?;
        Ok(summary)
    }

    /// One account per role in a fitting organisation of the demo region, each with a fresh
    /// random password (and TOTP secret for roles with a second factor), plus an API token for
    /// the school's administration package: printed once by `leerrecht demo`. A role that
    /// works on persons gets the organisation of its kind with the most work on `today`
    /// (for a school: drafts waiting and signals of the last weeks), so that every demo login
    /// has something to do.
    pub fn accounts(&self, actor: &Actor, today: NaiveDate) -> Result<DemoAccounts> {
        let orgs = self.store().organisaties()?;
        let first = |soort: OrgSoort| {
            orgs.iter()
                .find(|o| o.soort == soort)
                .map(|o| o.code.as_str().to_string())
                .ok_or_else(|| AppError::Invalid(format!("de demoregio heeft geen {soort}")))
        };
        let regels = Escalatieregels::default();
        let drukste = |soort: OrgSoort| -> Result<String> {
            if soort == OrgSoort::School {
                let voorraad = self.store().werkvoorraad(
                    today,
                    today - chrono::Duration::days(leerrecht_app::werklijst::SIGNALEN_DAGEN),
                    "concept",
                    None,
                )?;
                let mut werk: std::collections::BTreeMap<String, usize> = Default::default();
                for (m, _) in &voorraad.meldingen {
                    *werk.entry(m.school.as_str().to_string()).or_default() += 3;
                }
                for (_, school, regel, _) in &voorraad.signalen {
                    if regel == "signaal" {
                        *werk.entry(school.clone()).or_default() += 1;
                    }
                }
                let best = werk
                    .iter()
                    .max_by_key(|(code, n)| (**n, std::cmp::Reverse(*code)));
                return match best {
                    Some((code, _)) => Ok(code.clone()),
                    None => first(soort),
                };
            }
            let mut best: Option<(usize, String)> = None;
            for o in orgs.iter().filter(|o| o.soort == soort) {
                let n = self
                    .werklijst(actor, o.code.as_str(), today, &regels)?
                    .items
                    .len();
                if best.as_ref().is_none_or(|(m, _)| n > *m) {
                    best = Some((n, o.code.as_str().to_string()));
                }
            }
            match best {
                Some((_, code)) => Ok(code),
                None => first(soort),
            }
        };
        let mut accounts = Vec::new();
        for rol in Rol::ALL {
            let org = match rol {
                Rol::Beleid => first(OrgSoort::Gemeente)?,
                Rol::Beheer => first(OrgSoort::Leerplicht)?,
                r => drukste(
                    r.org_soort()
                        .expect("roles that see persons have an org kind"),
                )?,
            };
            let gebruikersnaam = format!("demo.{rol}");
            let wachtwoord = leerrecht_app::toegang::auth::new_token("");
            let nieuw = self.user_add_blijvend(actor, &gebruikersnaam, &org, rol, &wachtwoord)?;
            accounts.push(DemoAccount {
                gebruikersnaam,
                rol,
                organisatie: org,
                wachtwoord,
                totp_geheim: nieuw.totp_geheim,
            });
        }
        let school = drukste(OrgSoort::School)?;
        let (_, token) = self.token_create(
            actor,
            &school,
            &[Scope::VerzuimSchrijven, Scope::MeldingenSchrijven],
            "demo: leerlingadministratie",
        )?;
        Ok(DemoAccounts {
            accounts,
            token_school: school,
            token,
        })
    }
}

impl Demo<'_> {
    /// For a database that already holds the demo: a fresh password (and TOTP secret, for
    /// roles with a second factor) for each of the demo's accounts, so that `leerrecht demo` can
    /// print the logins again. Refuses a database without the demo's accounts.
    pub fn accounts_opnieuw(&self, actor: &Actor) -> Result<Vec<DemoAccount>> {
        let bestaand = self.user_list(actor)?;
        let mut out = Vec::new();
        for rol in Rol::ALL {
            let gebruikersnaam = format!("demo.{rol}");
            let Some(a) = bestaand.iter().find(|a| a.gebruikersnaam == gebruikersnaam) else {
                return Err(AppError::Invalid(format!(
                    "deze database bevat een register zonder het demo-account {gebruikersnaam}: \
                     geef de demo een nieuwe database met --db"
                )));
            };
            let wachtwoord = leerrecht_app::toegang::auth::new_token("");
            self.user_set_password(actor, &gebruikersnaam, &wachtwoord)?;
            let totp_geheim = if rol.needs_second_factor() {
                Some(self.user_reset_2fa(actor, &gebruikersnaam)?)
            } else {
                None
            };
            out.push(DemoAccount {
                gebruikersnaam,
                rol,
                organisatie: a.organisatie.clone(),
                wachtwoord,
                totp_geheim,
            });
        }
        Ok(out)
    }
}

/// An account made by the demo, with its secrets.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DemoAccount {
    pub gebruikersnaam: String,
    pub rol: Rol,
    pub organisatie: String,
    pub wachtwoord: String,
    pub totp_geheim: Option<String>,
}

/// The demo's accounts and the school's API token.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DemoAccounts {
    pub accounts: Vec<DemoAccount>,
    pub token_school: String,
    pub token: String,
}

/// Writes what the generator makes as the region's import files (docs/domain.md §12), so that the
/// demo region can also be loaded, or measured, through the ordinary imports.
struct CsvSink {
    organisaties: csv::Writer<std::fs::File>,
    kalender: csv::Writer<std::fs::File>,
    jongeren: csv::Writer<std::fs::File>,
    inschrijvingen: csv::Writer<std::fs::File>,
    verzuim: csv::Writer<std::fs::File>,
}

impl CsvSink {
    fn create(dir: &std::path::Path) -> Result<Self> {
        let open = |name: &str, header: &[&str]| -> Result<csv::Writer<std::fs::File>> {
            let path = dir.join(name);
            let file = std::fs::File::create(&path).map_err(|source| AppError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .buffer_capacity(1 << 16)
                .from_writer(file);
            w.write_record(header).map_err(|e| csv_err(&path, e))?;
            Ok(w)
        };
        Ok(CsvSink {
            organisaties: open(
                "organisaties.csv",
                &[
                    "code", "soort", "naam", "gemeente", "regio", "swv", "bedient",
                ],
            )?,
            kalender: open("kalender.csv", &["naam", "van", "tot", "school"])?,
            jongeren: open(
                "jongeren.csv",
                &[
                    "bsn",
                    "onderwijsnummer",
                    "achternaam",
                    "voornamen",
                    "geboortedatum",
                    "gemeente",
                ],
            )?,
            inschrijvingen: open(
                "inschrijvingen.csv",
                &[
                    "leerling",
                    "school",
                    "sector",
                    "begindatum",
                    "einddatum",
                    "startkwalificatie",
                ],
            )?,
            verzuim: open(
                "verzuim.csv",
                &[
                    "leerling", "school", "datum", "soort", "minuten", "hele_dag",
                ],
            )?,
        })
    }
}

fn csv_err(path: &std::path::Path, e: csv::Error) -> AppError {
    AppError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    }
}

fn opt_str<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl DemoSink for CsvSink {
    type Error = csv::Error;
    fn organisatie(&mut self, o: &Organisatie) -> Result<(), csv::Error> {
        let bedient: Vec<&str> = o.bedient.iter().map(|g| g.as_str()).collect();
        self.organisaties.write_record([
            o.code.as_str(),
            o.soort.code(),
            &o.naam,
            &opt_str(o.gemeente.as_ref()),
            o.regio.as_deref().unwrap_or(""),
            &opt_str(o.swv.as_ref()),
            &bedient.join("|"),
        ])
    }
    fn vakantie(&mut self, v: &Vakantie) -> Result<(), csv::Error> {
        self.kalender.write_record([
            v.naam.as_str(),
            &v.van.to_string(),
            &v.tot.to_string(),
            &opt_str(v.school.as_ref()),
        ])
    }
    fn jongere(&mut self, j: &Jongere) -> Result<(), csv::Error> {
        self.jongeren.write_record([
            opt_str(j.bsn()).as_str(),
            &opt_str(j.onderwijsnummer()),
            &j.achternaam,
            &j.voornamen,
            &j.geboortedatum.to_string(),
            j.gemeente.as_str(),
        ])
    }
    fn inschrijving(&mut self, i: &Inschrijving) -> Result<(), csv::Error> {
        self.inschrijvingen.write_record([
            i.leerling.to_string().as_str(),
            i.school.as_str(),
            i.sector.code(),
            &i.begindatum().to_string(),
            &opt_str(i.einddatum()),
            if i.startkwalificatie() { "ja" } else { "nee" },
        ])
    }
    fn verzuim(
        &mut self,
        leerling: LeerlingId,
        school: &SchoolCode,
        rows: &[Verzuim],
    ) -> Result<(), csv::Error> {
        let leerling = leerling.to_string();
        for v in rows {
            self.verzuim.write_record([
                leerling.as_str(),
                school.as_str(),
                &v.datum.to_string(),
                v.soort.code(),
                &v.minuten.to_string(),
                if v.hele_dag { "ja" } else { "nee" },
            ])?;
        }
        Ok(())
    }
}

/// Writes the demo region of `scale` as the four import files into `dir`; no database needed.
pub fn export_demo(
    actor: &Actor,
    options: &DemoOptions,
    dir: &std::path::Path,
) -> Result<DemoSummary> {
    authorize(actor, Action::LoadDemo)?;
    let mut sink = CsvSink::create(dir)?;
    let summary = generate_with(
        options,
        &|year| demo_vakanties(SchoolYear::new(year)),
        &mut sink,
    )
    .map_err(|e| csv_err(dir, e))?;
    for w in [
        &mut sink.organisaties,
        &mut sink.kalender,
        &mut sink.jongeren,
        &mut sink.inschrijvingen,
    ] {
        w.flush().map_err(|source| AppError::Io {
            path: dir.display().to_string(),
            source,
        })?;
    }
    Ok(summary)
}
