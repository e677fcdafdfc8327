//! Accounts, API tokens, login with a second factor, lockout and sessions.

use std::str::FromStr;

use leerrecht_domain::ids::GemeenteCode;
use leerrecht_domain::org::{OrgSoort, Organisatie, Rol};
use leerrecht_store::access::{
    token_hash, ApiTokenRij, GebruikerRij, Inlogstap, NieuweGebruiker, SessieRij,
};

use crate::toegang::auth::{
    check_password_policy, dummy_hash, hash_password, new_token, new_totp_secret, otpauth_uri,
    verify_password, verify_totp, BLOKKADE, MAX_MISLUKT, SESSIE_INACTIEF, SESSIE_MAX,
};
use crate::toegang::{authorize, Action, Actor, Gebruiker, Scope, Systeem};
use crate::{App, AppError, Result};

/// How long a password reset code stays valid.
pub const HERSTEL_GELDIG: chrono::Duration = chrono::Duration::hours(24);

/// How often a session in use has its idle deadline moved on.
const SESSIE_VERLENGEN: chrono::Duration = chrono::Duration::seconds(60);

/// How long the failed attempts under a name from an address are remembered after the last.
const POGINGEN_VERGETEN: chrono::Duration = chrono::Duration::hours(24);

/// The name failed attempts are counted under: as typed, at most 64 characters (the longest
/// user name), so that any name is counted and none takes more room.
fn pogingnaam(naam: &str) -> String {
    naam.chars().take(64).collect()
}

/// A new account: the TOTP secret to hand to the user once (roles that see persons).
#[derive(Clone, Debug)]
pub struct NieuwAccount {
    pub id: i64,
    pub totp_geheim: Option<String>,
}

/// An account as listed (no secrets).
#[derive(Clone, Debug, serde::Serialize)]
pub struct AccountRegel {
    pub gebruikersnaam: String,
    pub organisatie: String,
    pub rol: String,
    pub actief: bool,
    pub tweede_factor: bool,
    pub geblokkeerd: bool,
    /// Linked to an identity at an identity provider (single sign-on).
    pub sso: bool,
}

/// Why a login failed. Deliberately vague towards the user: a wrong name, password or code
/// are one answer, so that the answer does not tell which accounts exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoginFout {
    #[error("onjuiste gebruikersnaam, wachtwoord of code")]
    Onjuist,
    #[error("account tijdelijk geblokkeerd na te veel mislukte pogingen; probeer het later")]
    Geblokkeerd,
    #[error("tweede factor nodig: voer de code uit uw authenticator-app in")]
    CodeNodig,
    /// The password was right but the code was already used once: said as such only after
    /// the right password, so it tells no more than a successful login would.
    #[error("deze code is al gebruikt; wacht op de volgende code uit uw authenticator-app")]
    CodeGebruikt,
    /// The password was right and the account is to set up a new second factor: the secret
    /// is for its owner, who confirms it with a first code at the next attempt.
    #[error("stel eerst uw tweede factor in: log in op de webpagina /inloggen")]
    Inschrijven(Inschrijving),
    /// The password and code were right, but the password was set by someone else: its
    /// owner chooses a new one, sent with the next attempt. Holds why a new one sent was
    /// refused (the password policy), if one was sent.
    #[error("kies eerst een nieuw wachtwoord: dit wachtwoord is door de beheerder ingesteld")]
    WachtwoordKiezen(Option<String>),
}

/// A new second factor for its owner to add to an authenticator app.
#[derive(Clone, PartialEq, Eq)]
pub struct Inschrijving {
    pub geheim: String,
    /// The `otpauth://` URI of the secret, as text and for a QR code.
    pub uri: String,
}

impl std::fmt::Debug for Inschrijving {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Inschrijving(..)")
    }
}

/// A session handed to the client: the token goes into a cookie and is stored only as a hash.
#[derive(Clone, Debug)]
pub struct Sessie {
    pub token: String,
    pub verloopt: chrono::DateTime<chrono::Utc>,
}

fn org_of(orgs: &[Organisatie], code: &str) -> Result<Organisatie> {
    orgs.iter()
        .find(|o| o.code.as_str() == code)
        .cloned()
        .ok_or_else(|| AppError::Invalid(format!("org: onbekende organisatie {code:?}")))
}

impl App {
    /// Adds an account. The password must meet the policy; roles that see persons and
    /// `beheer` get a TOTP secret, returned once, which they need at every login.
    pub fn user_add(
        &self,
        actor: &Actor,
        gebruikersnaam: &str,
        org: &str,
        rol: Rol,
        wachtwoord: &str,
    ) -> Result<NieuwAccount> {
        self.account_toevoegen(actor, gebruikersnaam, org, rol, wachtwoord, true)
    }

    /// [`App::user_add`] with a password its owner keeps: for the local operator's demo and
    /// test installations only, whose accounts are logged in with the password printed.
    pub fn user_add_blijvend(
        &self,
        actor: &Actor,
        gebruikersnaam: &str,
        org: &str,
        rol: Rol,
        wachtwoord: &str,
    ) -> Result<NieuwAccount> {
        if !matches!(actor, Actor::LocalOperator { .. }) {
            return Err(AppError::Forbidden(
                "alleen de beheerder van de installatie, op de server".into(),
            ));
        }
        self.account_toevoegen(actor, gebruikersnaam, org, rol, wachtwoord, false)
    }

    fn account_toevoegen(
        &self,
        actor: &Actor,
        gebruikersnaam: &str,
        org: &str,
        rol: Rol,
        wachtwoord: &str,
        tijdelijk: bool,
    ) -> Result<NieuwAccount> {
        authorize(actor, Action::ManageAccounts)?;
        let naam = gebruikersnaam.trim();
        if naam.is_empty()
            || naam.len() > 64
            || !naam
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
        {
            return Err(AppError::Invalid(
                "username: 1 to 64 letters, digits or . - _ @".into(),
            ));
        }
        let o = org_of(&self.store().organisaties()?, org)?;
        if let Some(soort) = rol.org_soort() {
            if o.soort != soort {
                return Err(AppError::Invalid(format!(
                    "org: een {rol}-gebruiker hoort bij een organisatie van soort {soort}, {} is {}",
                    o.code.as_str(),
                    o.soort
                )));
            }
        }
        check_password_policy(wachtwoord, naam)
            .map_err(|e| AppError::Invalid(format!("password: {e}")))?;
        let totp = rol.needs_second_factor().then(new_totp_secret);
        let id = self
            .store()
            .add_gebruiker(&NieuweGebruiker {
                gebruikersnaam: naam.to_string(),
                organisatie: o.code.as_str().to_string(),
                rol: rol.code().to_string(),
                wachtwoord_hash: hash_password(wachtwoord),
                totp_geheim: totp.clone(),
                aangemaakt: self.now(),
                wachtwoord_tijdelijk: tijdelijk,
            })
            .map_err(|e| match e {
                leerrecht_store::StoreError::Invalid(m) => {
                    AppError::Invalid(format!("username: {m}"))
                }
                e => e.into(),
            })?;
        self.audit_operatie(
            actor,
            "gebruiker_toevoegen",
            format!("{naam} ({rol}, {org})"),
        )?;
        Ok(NieuwAccount {
            id,
            totp_geheim: totp,
        })
    }

    pub fn user_list(&self, actor: &Actor) -> Result<Vec<AccountRegel>> {
        authorize(actor, Action::ManageAccounts)?;
        let now = self.now();
        Ok(self
            .store()
            .gebruikers()?
            .into_iter()
            .map(|g| AccountRegel {
                geblokkeerd: g.geblokkeerd_tot.is_some_and(|t| t > now),
                tweede_factor: g.totp_geheim.is_some(),
                sso: g.sso_koppeling.is_some(),
                gebruikersnaam: g.gebruikersnaam,
                organisatie: g.organisatie,
                rol: g.rol,
                actief: g.actief,
            })
            .collect())
    }

    pub(crate) fn account(&self, naam: &str) -> Result<GebruikerRij> {
        self.store()
            .gebruiker(naam)?
            .ok_or_else(|| AppError::Invalid(format!("username: onbekend: {naam}")))
    }

    /// Disables an account and ends its sessions.
    pub fn user_disable(&self, actor: &Actor, naam: &str) -> Result<()> {
        authorize(actor, Action::ManageAccounts)?;
        let g = self.account(naam)?;
        self.inlog_wijzigen(
            &g,
            "het account is uitgeschakeld",
            &[
                Inlogstap::Actief(false),
                Inlogstap::SessiesBeeindigen(self.now()),
            ],
            self.operatie_entry(actor, "gebruiker_uitschakelen", naam.to_string()),
        )
    }

    /// A new TOTP secret for a user who lost their device; ends their sessions. Returns the
    /// secret to hand over once: for the operator on the server only (`leerrecht user
    /// reset-2fa`). An administrator in the web application asks for a new second factor
    /// with [`App::user_vraag_2fa`] instead, whose secret only its owner sees.
    pub fn user_reset_2fa(&self, actor: &Actor, naam: &str) -> Result<String> {
        authorize(actor, Action::ManageAccounts)?;
        if !matches!(actor, Actor::LocalOperator { .. }) {
            return Err(AppError::Forbidden(
                "een nieuw geheim ziet alleen de eigenaar van het account".into(),
            ));
        }
        let g = self.account(naam)?;
        let secret = new_totp_secret();
        self.inlog_wijzigen(
            &g,
            "er is een nieuwe tweede factor",
            &[
                Inlogstap::TotpGeheim(Some(secret.clone())),
                Inlogstap::SessiesBeeindigen(self.now()),
            ],
            self.operatie_entry(actor, "tweede_factor_opnieuw", naam.to_string()),
        )?;
        Ok(secret)
    }

    /// An administrator asks for a new second factor for an account (its owner lost the
    /// device): the account's secret is gone and its sessions end; at the owner's next login,
    /// after the password, the new secret is shown to the owner, who confirms it with a first
    /// code. The administrator never sees it.
    pub fn user_vraag_2fa(&self, actor: &Actor, naam: &str) -> Result<()> {
        authorize(actor, Action::ManageAccounts)?;
        let g = self.account(naam)?;
        self.inlog_wijzigen(
            &g,
            "er is een nieuwe tweede factor",
            &[
                Inlogstap::TotpVragen,
                Inlogstap::SessiesBeeindigen(self.now()),
            ],
            self.operatie_entry(actor, "tweede_factor_gevraagd", naam.to_string()),
        )
    }

    /// The code an authenticator app would show now for a user's second factor, if they have
    /// one: for the operator of a demo or test installation (`leerrecht totp USER`) only, and
    /// audited.
    pub fn user_totp_code(&self, actor: &Actor, naam: &str) -> Result<Option<String>> {
        if !matches!(actor, Actor::LocalOperator { .. }) {
            return Err(AppError::Forbidden(
                "alleen de beheerder van de installatie, op de server".into(),
            ));
        }
        let g = self.account(naam)?;
        self.audit_operatie(actor, "tweede_factor_code", naam.to_string())?;
        Ok(g.totp_geheim
            .as_deref()
            .and_then(|s| crate::toegang::auth::current_totp(s, self.now())))
    }

    /// Sets a new password (policy applies) and ends the user's sessions. The password is
    /// temporary: its owner chooses their own at the next login.
    pub fn user_set_password(&self, actor: &Actor, naam: &str, wachtwoord: &str) -> Result<()> {
        self.wachtwoord_zetten(actor, naam, wachtwoord, true)
    }

    /// [`App::user_set_password`] with a password its owner keeps, as
    /// [`App::user_add_blijvend`]: for the local operator's demo and test installations only.
    pub fn user_set_password_blijvend(
        &self,
        actor: &Actor,
        naam: &str,
        wachtwoord: &str,
    ) -> Result<()> {
        if !matches!(actor, Actor::LocalOperator { .. }) {
            return Err(AppError::Forbidden(
                "alleen de beheerder van de installatie, op de server".into(),
            ));
        }
        self.wachtwoord_zetten(actor, naam, wachtwoord, false)
    }

    fn wachtwoord_zetten(
        &self,
        actor: &Actor,
        naam: &str,
        wachtwoord: &str,
        tijdelijk: bool,
    ) -> Result<()> {
        authorize(actor, Action::ManageAccounts)?;
        let g = self.account(naam)?;
        check_password_policy(wachtwoord, naam)
            .map_err(|e| AppError::Invalid(format!("password: {e}")))?;
        let hash = hash_password(wachtwoord);
        self.inlog_wijzigen(
            &g,
            "het wachtwoord is gewijzigd",
            &[
                if tijdelijk {
                    Inlogstap::TijdelijkWachtwoord(hash)
                } else {
                    Inlogstap::Wachtwoord(hash)
                },
                Inlogstap::LoginState {
                    mislukt: 0,
                    geblokkeerd_tot: None,
                    stap: None,
                },
                Inlogstap::InlogpogingenWissen(pogingnaam(naam)),
                Inlogstap::SessiesBeeindigen(self.now()),
            ],
            self.operatie_entry(actor, "wachtwoord_opnieuw", naam.to_string()),
        )
    }

    /// A one-time code with which the user sets a new password themself (`POST
    /// /api/v1/wachtwoordherstel`), valid for [`HERSTEL_GELDIG`]; it replaces any earlier
    /// code. The administrator hands it over by another channel than the username. Returns
    /// the code, which is stored only as a hash, and when it expires.
    pub fn user_reset_password(
        &self,
        actor: &Actor,
        naam: &str,
    ) -> Result<(String, chrono::DateTime<chrono::Utc>)> {
        authorize(actor, Action::ManageAccounts)?;
        let g = self.account(naam)?;
        let code = new_token("lrh_");
        let verloopt = self.now() + HERSTEL_GELDIG;
        self.inlog_wijzigen(
            &g,
            "er is een herstelcode voor het wachtwoord uitgegeven",
            &[Inlogstap::Herstelcode(token_hash(&code), verloopt)],
            self.operatie_entry(actor, "wachtwoordherstel_uitgegeven", naam.to_string()),
        )?;
        Ok((code, verloopt))
    }

    /// Sets a new password with a reset code and, for an account with a second factor, the
    /// current TOTP code: a lost password never bypasses the second factor. A wrong name,
    /// code or TOTP code is one vague answer and counts towards the lockout like a failed
    /// login. On success the code is spent, the lockout cleared and every session ended.
    pub fn password_reset(
        &self,
        naam: &str,
        herstelcode: &str,
        nieuw: &str,
        totp: Option<&str>,
        bron: &str,
    ) -> Result<std::result::Result<(), LoginFout>> {
        let now = self.now();
        let gevonden = self.store().gebruiker(naam)?;
        if self.geblokkeerd(naam, bron, now)? {
            self.audit_login(
                naam,
                gevonden.as_ref(),
                "wachtwoordherstel_geblokkeerd",
                false,
                bron,
            )?;
            return Ok(Err(LoginFout::Geblokkeerd));
        }
        let Some(g) = gevonden else {
            let blocked = self.count_failure(naam, None, bron, now)?;
            self.audit_login(naam, None, "wachtwoordherstel_mislukt", false, bron)?;
            return Ok(Err(if blocked {
                LoginFout::Geblokkeerd
            } else {
                LoginFout::Onjuist
            }));
        };
        let code_ok = self
            .store()
            .herstelcode(g.id)?
            .is_some_and(|(h, verloopt)| verloopt > now && h == token_hash(herstelcode));
        let mut stap = None;
        let second_ok = match (&g.totp_geheim, totp) {
            (Some(secret), Some(code)) => {
                stap = verify_totp(secret, code, now, g.totp_laatste_stap);
                stap.is_some()
            }
            (Some(_), None) => false,
            (None, _) => true,
        };
        if !code_ok || !second_ok || !g.actief {
            let blocked = self.count_failure(naam, Some(&g), bron, now)?;
            self.audit_login(naam, Some(&g), "wachtwoordherstel_mislukt", false, bron)?;
            return Ok(Err(if blocked {
                LoginFout::Geblokkeerd
            } else {
                LoginFout::Onjuist
            }));
        }
        check_password_policy(nieuw, naam)
            .map_err(|e| AppError::Invalid(format!("wachtwoord: {e}")))?;
        self.inlog_wijzigen(
            &g,
            "het wachtwoord is gewijzigd",
            &[
                Inlogstap::Wachtwoord(hash_password(nieuw)),
                Inlogstap::HerstelcodeWissen,
                Inlogstap::LoginState {
                    mislukt: 0,
                    geblokkeerd_tot: None,
                    stap,
                },
                Inlogstap::InlogpogingenWissen(pogingnaam(naam)),
                Inlogstap::SessiesBeeindigen(now),
            ],
            self.login_entry(naam, Some(&g), "wachtwoord_hersteld", true, bron),
        )?;
        Ok(Ok(()))
    }

    /// A signed-in user changes their own password, giving the current one; every session
    /// of the account ends, this one included. A wrong current password counts towards the
    /// lockout of the name and address as a failed login does, and while they are blocked
    /// the current password is not checked at all.
    pub fn change_own_password(&self, actor: &Actor, huidig: &str, nieuw: &str) -> Result<()> {
        let Actor::Gebruiker(u) = actor else {
            return Err(AppError::Forbidden(
                "alleen een gebruiker heeft een wachtwoord".into(),
            ));
        };
        let g = self.account(&u.gebruikersnaam)?;
        let now = self.now();
        let geblokkeerd =
            || AppError::Locked("te veel mislukte pogingen; probeer het later opnieuw".into());
        if self.geblokkeerd(&g.gebruikersnaam, &u.bron, now)? {
            self.audit_operatie(
                actor,
                "wachtwoord_wijzigen_geblokkeerd",
                g.gebruikersnaam.clone(),
            )?;
            return Err(geblokkeerd());
        }
        if !verify_password(&g.wachtwoord_hash, huidig) {
            let blocked = self.count_failure(&g.gebruikersnaam, Some(&g), &u.bron, now)?;
            self.audit_login(
                &g.gebruikersnaam,
                Some(&g),
                "wachtwoord_wijzigen_mislukt",
                false,
                &u.bron,
            )?;
            if blocked {
                return Err(geblokkeerd());
            }
            return Err(AppError::Invalid(
                "huidig: het huidige wachtwoord klopt niet".into(),
            ));
        }
        check_password_policy(nieuw, &g.gebruikersnaam)
            .map_err(|e| AppError::Invalid(format!("nieuw: {e}")))?;
        self.inlog_wijzigen(
            &g,
            "het wachtwoord is gewijzigd",
            &[
                Inlogstap::Wachtwoord(hash_password(nieuw)),
                Inlogstap::SessiesBeeindigen(self.now()),
            ],
            self.operatie_entry(actor, "wachtwoord_gewijzigd", g.gebruikersnaam.clone()),
        )
    }

    /// Whether attempts under `naam` from `bron` are blocked now.
    fn geblokkeerd(
        &self,
        naam: &str,
        bron: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        Ok(self
            .store()
            .inlogpoging(&pogingnaam(naam), bron)?
            .is_some_and(|(_, tot)| tot.is_some_and(|t| t > now)))
    }

    /// Counts a failed attempt under a name from an address, whether an account of that name
    /// exists or not; five in a row block that name from that address for [`BLOKKADE`]. True
    /// when blocked now. The account's own state shows the latest block to administrators.
    pub(crate) fn count_failure(
        &self,
        naam: &str,
        g: Option<&GebruikerRij>,
        bron: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        let naam = pogingnaam(naam);
        let n = match self.store().inlogpoging(&naam, bron)? {
            Some((n, None)) => n + 1,
            // After a block, counting starts again.
            _ => 1,
        };
        let blok = (n >= MAX_MISLUKT).then(|| now + BLOKKADE);
        self.store().set_inlogpoging(
            &naam,
            bron,
            if blok.is_some() { 0 } else { n },
            blok,
            now,
            now - POGINGEN_VERGETEN,
        )?;
        if let (Some(g), Some(_)) = (g, blok) {
            self.store().set_login_state(g.id, 0, blok, None)?;
        }
        Ok(blok.is_some())
    }

    /// An attempt to log in or to reset a password, in the audit log (there is no actor yet).
    pub(crate) fn audit_login(
        &self,
        naam: &str,
        g: Option<&GebruikerRij>,
        actie: &str,
        ok: bool,
        bron: &str,
    ) -> Result<()> {
        self.auditor
            .record(self.store(), self.login_entry(naam, g, actie, ok, bron))
    }

    /// The entry of a login (or a step like it) under the name typed, before any actor is
    /// known.
    pub(crate) fn login_entry(
        &self,
        naam: &str,
        g: Option<&GebruikerRij>,
        actie: &str,
        ok: bool,
        bron: &str,
    ) -> leerrecht_store::access::NieuwAuditEntry {
        leerrecht_store::access::NieuwAuditEntry {
            tijd: leerrecht_store::access::moment(self.now()),
            actor: naam.chars().take(64).collect(),
            organisatie: g.map(|g| g.organisatie.clone()),
            rol: None,
            actie: actie.to_string(),
            persoon: None,
            record: None,
            bron: bron.to_string(),
            reden: None,
            noodtoegang: false,
            toegestaan: ok,
            doel: None,
        }
    }

    /// Changes the credentials of account `g` as one unit of work: the steps, the end of
    /// its sessions among them, and the audit entry `entry` naming the change are committed
    /// together or not at all, so a crash never leaves a new password beside live old
    /// sessions, nor a change the log does not name.
    /// The notice `wat` changed goes to the account's address with the change, queued in the
    /// same transaction ([`crate::mail`]).
    pub(crate) fn inlog_wijzigen(
        &self,
        g: &GebruikerRij,
        wat: &str,
        stappen: &[Inlogstap],
        entry: leerrecht_store::access::NieuwAuditEntry,
    ) -> Result<()> {
        let mut alle = stappen.to_vec();
        alle.extend(self.melding_inlog(g, wat));
        Ok(self.store().inlog_wijzigen(g.id, &alle, &[entry])?)
    }

    /// An API token for a system of an organisation; the token is returned once and stored
    /// only as a hash.
    pub fn token_create(
        &self,
        actor: &Actor,
        org: &str,
        scopes: &[Scope],
        omschrijving: &str,
    ) -> Result<(i64, String)> {
        authorize(actor, Action::ManageAccounts)?;
        if scopes.is_empty() {
            return Err(AppError::Invalid("scope: at least one".into()));
        }
        let o = org_of(&self.store().organisaties()?, org)?;
        if o.soort != OrgSoort::School {
            return Err(AppError::Invalid(format!(
                "org: tokens for {} are for schools; {} is {}",
                scopes
                    .iter()
                    .map(|s| s.code())
                    .collect::<Vec<_>>()
                    .join(" "),
                o.code.as_str(),
                o.soort
            )));
        }
        let token = new_token("lrt_");
        let id = self.store().add_api_token(&ApiTokenRij {
            id: 0,
            token_hash: token_hash(&token),
            organisatie: o.code.as_str().to_string(),
            scopes: scopes
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(" "),
            omschrijving: omschrijving.to_string(),
            aangemaakt: self.now(),
            ingetrokken: None,
        })?;
        self.audit_operatie(actor, "token_aanmaken", format!("token {id} voor {org}"))?;
        Ok((id, token))
    }

    /// Every API token (without its secret, which is kept as a hash only): for beheer.
    pub fn tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenRij>> {
        authorize(actor, Action::ManageAccounts)?;
        Ok(self.store().api_tokens()?)
    }

    pub fn token_revoke(&self, actor: &Actor, id: i64) -> Result<bool> {
        authorize(actor, Action::ManageAccounts)?;
        let done = self.store().revoke_api_token(id, self.now())?;
        self.audit_operatie(actor, "token_intrekken", format!("token {id}"))?;
        Ok(done)
    }

    /// The system a bearer token belongs to; None for an unknown or revoked token.
    pub fn token_actor(&self, token: &str, bron: &str) -> Result<Option<Actor>> {
        let Some(t) = self.store().api_token(&token_hash(token))? else {
            return Ok(None);
        };
        if t.ingetrokken.is_some() {
            return Ok(None);
        }
        let scopes = t
            .scopes
            .split_whitespace()
            .map(Scope::from_str)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(AppError::Invalid)?;
        Ok(Some(Actor::Systeem(Systeem {
            token_id: t.id,
            organisatie: t.organisatie,
            scopes,
            bron: bron.to_string(),
        })))
    }

    /// Logs in with password and, for roles that see persons and `beheer` (or anyone who set
    /// one up), the current TOTP code. Five failures in a row under one name from one address
    /// block that name from that address for fifteen minutes, the same for names with and
    /// without an account; every attempt is in the audit log. An account marked for a new
    /// second factor gets, after the right password, [`LoginFout::Inschrijven`] with the
    /// secret, and logs in when the next attempt brings a first code of it.
    pub fn login(
        &self,
        naam: &str,
        wachtwoord: &str,
        code: Option<&str>,
        bron: &str,
    ) -> Result<std::result::Result<Sessie, LoginFout>> {
        self.login_met(naam, wachtwoord, code, None, bron)
    }

    /// [`App::login`] with the new password `nieuw` its owner chose, for an account whose
    /// password someone else set ([`LoginFout::WachtwoordKiezen`]): after the right password
    /// and code, the new one (the policy applies, and it differs from the one given) replaces
    /// it in one transaction with the end of any other session and its audit entry, and the
    /// login goes on.
    pub fn login_met(
        &self,
        naam: &str,
        wachtwoord: &str,
        code: Option<&str>,
        nieuw: Option<&str>,
        bron: &str,
    ) -> Result<std::result::Result<Sessie, LoginFout>> {
        let now = self.now();
        let log = |actie: &str, ok: bool, g: Option<&GebruikerRij>| {
            self.audit_login(naam, g, actie, ok, bron)
        };
        let gevonden = self.store().gebruiker(naam)?;
        if self.geblokkeerd(naam, bron, now)? {
            log("inloggen_geblokkeerd", false, gevonden.as_ref())?;
            return Ok(Err(LoginFout::Geblokkeerd));
        }
        let Some(g) = gevonden else {
            // Spend the same time as for a wrong password, and count the failure the same.
            let _ = verify_password(dummy_hash(), wachtwoord);
            let blocked = self.count_failure(naam, None, bron, now)?;
            log("inloggen_mislukt", false, None)?;
            return Ok(Err(if blocked {
                LoginFout::Geblokkeerd
            } else {
                LoginFout::Onjuist
            }));
        };
        let fail = |fout: LoginFout| -> Result<std::result::Result<Sessie, LoginFout>> {
            let blocked = self.count_failure(naam, Some(&g), bron, now)?;
            log("inloggen_mislukt", false, Some(&g))?;
            Ok(Err(if blocked {
                LoginFout::Geblokkeerd
            } else {
                fout
            }))
        };
        if !verify_password(&g.wachtwoord_hash, wachtwoord) || !g.actief {
            return fail(LoginFout::Onjuist);
        }
        let rol = Rol::from_str(&g.rol).map_err(AppError::Invalid)?;
        let mut stap = None;
        if g.totp_inschrijven {
            // Setting up a new second factor: shown only now, after the owner's password.
            let geheim = self.store().totp_aanbieden(g.id, &new_totp_secret())?;
            let inschrijving = || {
                LoginFout::Inschrijven(Inschrijving {
                    uri: otpauth_uri(&g.gebruikersnaam, &geheim),
                    geheim: geheim.clone(),
                })
            };
            let Some(code) = code else {
                log("tweede_factor_getoond", true, Some(&g))?;
                return Ok(Err(inschrijving()));
            };
            match verify_totp(&geheim, code, now, None) {
                Some(s) if self.store().totp_bevestigen(g.id, s)? => {
                    log("tweede_factor_ingesteld", true, Some(&g))?;
                    stap = Some(s);
                }
                _ => {
                    return fail(inschrijving());
                }
            }
        } else {
            match (&g.totp_geheim, code) {
                (Some(secret), Some(code)) => match totp_stap(&g, secret, code, now) {
                    Ok(s) => stap = Some(s),
                    Err(fout) => return fail(fout),
                },
                (Some(_), None) => return Ok(Err(LoginFout::CodeNodig)),
                (None, _) if rol.needs_second_factor() => {
                    // A role with a second factor that has none set up cannot log in.
                    return fail(LoginFout::Onjuist);
                }
                (None, _) => {}
            }
        }
        if g.wachtwoord_tijdelijk {
            // A password someone else set is not the owner's: they choose one now. The code
            // stays unspent until they do (no session was made with it).
            let Some(nieuw) = nieuw.filter(|n| !n.is_empty()) else {
                log("wachtwoord_kiezen_gevraagd", true, Some(&g))?;
                return Ok(Err(LoginFout::WachtwoordKiezen(None)));
            };
            let geweigerd = if nieuw == wachtwoord {
                Some("kies een ander wachtwoord dan het ingestelde".to_string())
            } else {
                check_password_policy(nieuw, naam)
                    .err()
                    .map(|e| e.to_string())
            };
            if let Some(reden) = geweigerd {
                return Ok(Err(LoginFout::WachtwoordKiezen(Some(reden))));
            }
            self.inlog_wijzigen(
                &g,
                "het wachtwoord is gewijzigd",
                &[
                    Inlogstap::Wachtwoord(hash_password(nieuw)),
                    Inlogstap::SessiesBeeindigen(now),
                ],
                self.login_entry(naam, Some(&g), "wachtwoord_gekozen", true, bron),
            )?;
        }
        self.store().clear_inlogpogingen(&pogingnaam(naam), bron)?;
        let sessie = self.sessie_openen(&g, stap, bron)?;
        log("inloggen", true, Some(&g))?;
        Ok(Ok(sessie))
    }

    /// A new session of account `g`, whose login succeeded with TOTP step `stap` (if any):
    /// its failures in a row are forgotten.
    pub(crate) fn sessie_openen(
        &self,
        g: &GebruikerRij,
        stap: Option<i64>,
        bron: &str,
    ) -> Result<Sessie> {
        let now = self.now();
        self.store().set_login_state(g.id, 0, None, stap)?;
        let token = new_token("lrs_");
        let verloopt = now + SESSIE_INACTIEF;
        self.store().add_sessie(&SessieRij {
            token_hash: token_hash(&token),
            gebruiker_id: g.id,
            aangemaakt: now,
            laatst_gebruikt: now,
            verloopt,
            ingetrokken: None,
            bron: bron.to_string(),
        })?;
        Ok(Sessie { token, verloopt })
    }

    /// The user of a live session, which is extended by this use; None when the session is
    /// unknown, revoked, idle too long, too old, or the account was disabled.
    pub fn session_actor(&self, token: &str, bron: &str) -> Result<Option<Actor>> {
        let h = token_hash(token);
        // The session, its user and the user's organisation in one read: this runs for
        // every request of a session.
        let Some(f) = self.store().sessie_feiten(&h)? else {
            return Ok(None);
        };
        let s = f.sessie;
        let now = self.now();
        if s.ingetrokken.is_some() || s.verloopt <= now || s.aangemaakt + SESSIE_MAX <= now {
            return Ok(None);
        }
        let Some(g) = f.gebruiker else {
            return Ok(None);
        };
        if !g.actief {
            return Ok(None);
        }
        // Extended at most once a minute: a write per request would cost more than the
        // request (the API's reads), and a minute off the idle limit does not matter.
        if now - s.laatst_gebruikt >= SESSIE_VERLENGEN {
            let verloopt = (now + SESSIE_INACTIEF).min(s.aangemaakt + SESSIE_MAX);
            self.store().touch_sessie(&h, now, verloopt)?;
        }
        Ok(Some(actor_van(&g, f.bedient, bron)?))
    }

    /// Ends a session.
    pub fn logout(&self, token: &str) -> Result<bool> {
        Ok(self.store().revoke_sessie(&token_hash(token), self.now())?)
    }

    /// The actor for an account, with what the gate needs of its organisation.
    pub fn gebruiker_actor(&self, g: &GebruikerRij, bron: &str) -> Result<Actor> {
        actor_van(g, self.store().bedient_van(&g.organisatie)?, bron)
    }
}

/// The TOTP step of `code` for account `g` with `secret`, unless the code is wrong or was
/// spent before ([`LoginFout::CodeGebruikt`]).
pub(crate) fn totp_stap(
    g: &GebruikerRij,
    secret: &str,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> std::result::Result<i64, LoginFout> {
    match verify_totp(secret, code, now, g.totp_laatste_stap) {
        Some(s) => Ok(s),
        None if crate::toegang::auth::totp_hergebruikt(secret, code, now, g.totp_laatste_stap) => {
            Err(LoginFout::CodeGebruikt)
        }
        None => Err(LoginFout::Onjuist),
    }
}

/// The actor for an account whose organisation serves `bedient` (None: an unknown
/// organisation, refused).
fn actor_van(g: &GebruikerRij, bedient: Option<Vec<String>>, bron: &str) -> Result<Actor> {
    let bedient: Vec<GemeenteCode> = bedient
        .ok_or_else(|| {
            AppError::Invalid(format!("org: onbekende organisatie {:?}", g.organisatie))
        })?
        .iter()
        .map(|c| {
            c.parse()
                .map_err(|e| AppError::Invalid(format!("org: {e}")))
        })
        .collect::<Result<_>>()?;
    Ok(Actor::Gebruiker(Gebruiker {
        id: g.id,
        gebruikersnaam: g.gebruikersnaam.clone(),
        rol: Rol::from_str(&g.rol).map_err(AppError::Invalid)?,
        organisatie: g.organisatie.clone(),
        bedient,
        bron: bron.to_string(),
    }))
}
