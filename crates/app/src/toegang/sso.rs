//! Single sign-on through an organisation's identity provider: OpenID Connect's authorization
//! code flow with PKCE (`[[oidc]]` in leerrecht.toml, docs/operations.md).
//!
//! The account and its role stay leerrecht's own: the provider only vouches for who is at the
//! keyboard. A login is matched to an active account of one of the provider's organisations
//! by one claim of the ID token (`koppel_claim`: the e-mail address, the preferred user name
//! or the subject), and the first login links that account to the provider's subject, so that
//! a later change of the claim at the provider cannot move the login to another account.
//! Roles that need a second factor get leerrecht's TOTP on top, unless the provider says (by
//! `acr` or `amr`) that it asked for a strong one itself.
//!
//! A flow is kept in the database for at most [`AANVRAAG_GELDIG`], bound to the browser that
//! started it by a cookie whose hash is stored beside it, and taken out when it comes back: a
//! `state` replayed, from another browser, or too old is refused. Every outcome is audited.

use std::path::PathBuf;
use std::str::FromStr;

use chrono::Duration;
use leerrecht_domain::org::Rol;
use leerrecht_store::access::{GebruikerRij, Inlogstap, OidcAanvraagRij};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, LogoutRequest, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;

use super::accounts::{totp_stap, LoginFout, Sessie};
use leerrecht_store::access::token_hash;

use super::auth::new_token;
use crate::{App, AppError, Result};

/// How long a login may stay with the provider (or wait for the second factor).
pub const AANVRAAG_GELDIG: Duration = Duration::minutes(10);

/// The path the provider sends the browser back to, after the site's origin.
pub const TERUG_PAD: &str = "/inloggen/oidc/terug";

/// The path the provider sends the browser to after logging out there.
pub const UITGELOGD_PAD: &str = "/inloggen";

/// The claims an account can be matched by.
pub const KOPPEL_CLAIMS: [&str; 3] = ["email", "preferred_username", "sub"];

/// One `[[oidc]]` table: an identity provider and the organisations whose staff log in
/// through it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The text of the login page's button.
    pub naam: String,
    /// The organisations (codes) whose accounts log in through this provider.
    pub organisaties: Vec<String>,
    /// The provider's issuer URL; its discovery document is read from
    /// `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// A file holding the client secret (its first line).
    pub client_secret_file: PathBuf,
    /// The claim that names the account: `email` (the account's e-mail address),
    /// `preferred_username` (its e-mail address or user name) or `sub` (its user name).
    #[serde(default = "standaard_claim")]
    pub koppel_claim: String,
    /// `acr` values that mean the provider asked for a strong second factor.
    #[serde(default)]
    pub sterke_acr: Vec<String>,
    /// `amr` values (RFC 8176) that mean the same; default `mfa`, `otp`, `hwk`, `sc`.
    #[serde(default = "standaard_amr")]
    pub sterke_amr: Vec<String>,
}

fn standaard_claim() -> String {
    "email".into()
}

fn standaard_amr() -> Vec<String> {
    ["mfa", "otp", "hwk", "sc"].map(String::from).to_vec()
}

impl OidcConfig {
    /// Checks what can be checked without the network.
    pub fn check(&self, n: usize) -> std::result::Result<(), String> {
        let fout = |e: String| Err(format!("[[oidc]] {} ({:?}): {e}", n + 1, self.naam));
        if self.naam.trim().is_empty() || self.client_id.trim().is_empty() {
            return fout("naam and client_id may not be empty".into());
        }
        if self.organisaties.is_empty() {
            return fout("organisaties: name at least one organisation".into());
        }
        if !KOPPEL_CLAIMS.contains(&self.koppel_claim.as_str()) {
            return fout(format!(
                "koppel_claim: {:?} is not one of {}",
                self.koppel_claim,
                KOPPEL_CLAIMS.join(", ")
            ));
        }
        let url = match reqwest::Url::parse(&self.issuer) {
            Ok(u) => u,
            Err(e) => return fout(format!("issuer: {:?}: {e}", self.issuer)),
        };
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return fout(format!(
                "issuer: {:?} must be https (http only on this machine)",
                self.issuer
            ));
        }
        Ok(())
    }

    /// The provider with its client secret read from `client_secret_file`.
    pub fn laden(&self) -> Result<OidcAanbieder> {
        let tekst =
            std::fs::read_to_string(&self.client_secret_file).map_err(|source| AppError::Io {
                path: self.client_secret_file.display().to_string(),
                source,
            })?;
        let geheim = tekst.lines().next().unwrap_or("").trim().to_string();
        if geheim.is_empty() {
            return Err(AppError::Invalid(format!(
                "[[oidc]] {:?}: {} is empty",
                self.naam,
                self.client_secret_file.display()
            )));
        }
        Ok(OidcAanbieder {
            config: self.clone(),
            geheim,
        })
    }
}

/// A configured provider, ready to use.
#[derive(Clone)]
pub struct OidcAanbieder {
    pub config: OidcConfig,
    geheim: String,
}

impl std::fmt::Debug for OidcAanbieder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcAanbieder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The providers of an installation and the site's origin they send the browser back to.
#[derive(Clone, Debug, Default)]
pub struct Sso {
    pub aanbieders: Vec<OidcAanbieder>,
    pub origin: String,
}

/// A flow started: the provider's URL to send the browser to, and the value of the cookie
/// that binds the flow to this browser.
#[derive(Clone, Debug)]
pub struct SsoStart {
    pub url: String,
    pub binding: String,
}

/// A login through the provider that succeeded there.
#[derive(Clone, Debug)]
pub enum SsoUitkomst {
    /// Logged in: the session, and the provider's index (for logging out there).
    Sessie(Sessie, usize),
    /// leerrecht's second factor is asked as well: the one-time token of the wait.
    CodeNodig(String),
}

/// Why a login through a provider was refused. The user sees [`SsoFout::tekst`]; the audit
/// log keeps the detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SsoFout {
    Verlopen,
    Aanbieder,
    GeenAccount,
    AndereKoppeling,
    GeenTweedeFactor,
    Login(LoginFout),
}

impl SsoFout {
    /// What the user is told, in Dutch (the pages translate it).
    pub fn tekst(&self) -> &'static str {
        match self {
            SsoFout::Verlopen => {
                "deze inlogpoging is verlopen, al gebruikt of in een andere browser begonnen; begin opnieuw"
            }
            SsoFout::Aanbieder => {
                "de identiteitsaanbieder gaf geen geldige aanmelding; begin opnieuw of neem contact op met uw beheerder"
            }
            SsoFout::GeenAccount => {
                "er is geen actief account voor deze aanmelding; neem contact op met uw beheerder"
            }
            SsoFout::AndereKoppeling => {
                "dit account is gekoppeld aan een andere aanmelding bij de identiteitsaanbieder; neem contact op met uw beheerder"
            }
            SsoFout::GeenTweedeFactor => {
                "uw rol vraagt een tweede factor, en uw account heeft er geen; neem contact op met uw beheerder"
            }
            SsoFout::Login(LoginFout::Geblokkeerd) => {
                "account tijdelijk geblokkeerd na te veel mislukte pogingen; probeer het later"
            }
            SsoFout::Login(LoginFout::CodeGebruikt) => {
                "deze code is al gebruikt; wacht op de volgende code uit uw authenticator-app"
            }
            SsoFout::Login(LoginFout::Onjuist) => "de code klopt niet; probeer de volgende code",
            SsoFout::Login(_) => "onjuiste gebruikersnaam, wachtwoord of code",
        }
    }
}

impl std::fmt::Display for SsoFout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tekst())
    }
}

impl std::error::Error for SsoFout {}

/// The claims of a verified ID token that the login needs.
struct Aanmelding {
    subject: String,
    waarde: Option<String>,
    sterk: bool,
}

/// An error with the errors it came from: "a: b: c".
fn keten(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut bron = e.source();
    while let Some(b) = bron {
        s.push_str(": ");
        s.push_str(&b.to_string());
        bron = b.source();
    }
    s
}

/// An HTTP client for the provider: no redirects followed, a short timeout.
fn http() -> Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| AppError::Invalid(format!("oidc: HTTP client: {e}")))
}

/// The provider's discovery document (with its keys).
fn ontdekken(
    p: &OidcAanbieder,
    http: &reqwest::blocking::Client,
) -> Result<ProviderMetadataWithLogout> {
    let issuer = IssuerUrl::new(p.config.issuer.clone())
        .map_err(|e| AppError::Invalid(format!("[[oidc]] issuer: {e}")))?;
    ProviderMetadataWithLogout::discover(&issuer, http).map_err(|e| {
        AppError::Invalid(format!(
            "de identiteitsaanbieder {:?} is niet bereikbaar: {e}",
            p.config.naam
        ))
    })
}

impl App {
    /// The providers' button texts, in the order of `[[oidc]]`.
    pub fn sso_namen(&self) -> Vec<String> {
        self.sso
            .aanbieders
            .iter()
            .map(|p| p.config.naam.clone())
            .collect()
    }

    fn aanbieder(&self, n: usize) -> Result<&OidcAanbieder> {
        self.sso
            .aanbieders
            .get(n)
            .ok_or_else(|| AppError::NotFound(format!("identiteitsaanbieder {n}")))
    }

    fn redirect(&self) -> Result<RedirectUrl> {
        RedirectUrl::new(format!("{}{TERUG_PAD}", self.sso.origin))
            .map_err(|e| AppError::Invalid(format!("[server] origin: {e}")))
    }

    /// Starts a login through provider `n`: the authorization request (with `state`, `nonce`
    /// and an S256 PKCE challenge) and the flow kept for its return.
    pub fn sso_begin(&self, n: usize) -> Result<SsoStart> {
        let p = self.aanbieder(n)?;
        let http = http()?;
        let meta = ontdekken(p, &http)?;
        let client = CoreClient::from_provider_metadata(
            meta,
            ClientId::new(p.config.client_id.clone()),
            Some(ClientSecret::new(p.geheim.clone())),
        )
        .set_redirect_uri(self.redirect()?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        let binding = new_token("lrb_");
        let now = self.now();
        self.store().oidc_aanvraag_bewaren(
            &OidcAanvraagRij {
                sleutel: token_hash(state.secret()),
                binding: token_hash(&binding),
                issuer: p.config.issuer.clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                gebruiker_id: None,
                aangemaakt: now,
            },
            now - AANVRAAG_GELDIG,
        )?;
        Ok(SsoStart {
            url: url.to_string(),
            binding,
        })
    }

    /// The browser came back from the provider with `state` and `code`, carrying the
    /// cookie `binding`: the flow is taken out, the code exchanged for an ID token, the token
    /// checked (signature by the provider's keys, issuer, audience, expiry, nonce), and the
    /// login matched to an account.
    pub fn sso_terug(
        &self,
        state: &str,
        code: &str,
        binding: &str,
        bron: &str,
    ) -> Result<std::result::Result<SsoUitkomst, SsoFout>> {
        let now = self.now();
        let aanvraag = self
            .store()
            .oidc_aanvraag_nemen(&token_hash(state))?
            .filter(|a| a.gebruiker_id.is_none());
        let Some(a) = aanvraag.filter(|a| a.aangemaakt + AANVRAAG_GELDIG > now) else {
            return self.sso_geweigerd(
                "",
                None,
                SsoFout::Verlopen,
                "onbekende of verlopen state",
                bron,
            );
        };
        let Some((n, p)) = self
            .sso
            .aanbieders
            .iter()
            .enumerate()
            .find(|(_, p)| p.config.issuer == a.issuer)
        else {
            return self.sso_geweigerd(
                "",
                None,
                SsoFout::Verlopen,
                "aanbieder niet meer ingesteld",
                bron,
            );
        };
        if a.binding != token_hash(binding) {
            let naam = format!("sso:{}", p.config.naam);
            return self.sso_geweigerd(
                &naam,
                None,
                SsoFout::Verlopen,
                "state uit een andere browser",
                bron,
            );
        }
        let aanmelding = match self.aanmelding(p, &a, code)? {
            Ok(m) => m,
            Err(reden) => {
                let naam = format!("sso:{}", p.config.naam);
                return self.sso_geweigerd(&naam, None, SsoFout::Aanbieder, &reden, bron);
            }
        };
        let naam = aanmelding
            .waarde
            .clone()
            .unwrap_or_else(|| format!("sso:{}", p.config.naam));
        let g = match self.sso_account(p, &aanmelding)? {
            Ok(g) => g,
            Err((fout, reden)) => return self.sso_geweigerd(&naam, None, fout, &reden, bron),
        };
        if g.geblokkeerd_tot.is_some_and(|t| t > now) {
            let fout = SsoFout::Login(LoginFout::Geblokkeerd);
            return self.sso_geweigerd(&naam, Some(&g), fout, "account geblokkeerd", bron);
        }
        let koppeling = format!("{} {}", p.config.issuer, aanmelding.subject);
        match &g.sso_koppeling {
            Some(k) if *k == koppeling => {}
            Some(_) => {
                let fout = SsoFout::AndereKoppeling;
                let reden = format!("account gekoppeld aan een ander subject dan {koppeling:?}");
                return self.sso_geweigerd(&naam, Some(&g), fout, &reden, bron);
            }
            None => {
                let mut entry = self.login_entry(&naam, Some(&g), "sso_gekoppeld", true, bron);
                entry.reden = Some(koppeling.clone());
                self.inlog_wijzigen(
                    &g,
                    &format!("uw account is gekoppeld aan inloggen via {}", p.config.naam),
                    &[Inlogstap::SsoKoppeling(Some(koppeling))],
                    entry,
                )?;
            }
        }
        let rol = Rol::from_str(&g.rol).map_err(AppError::Invalid)?;
        if !aanmelding.sterk {
            match &g.totp_geheim {
                Some(_) => {
                    let token = new_token("lrc_");
                    self.store().oidc_aanvraag_bewaren(
                        &OidcAanvraagRij {
                            sleutel: token_hash(&token),
                            binding: a.binding,
                            issuer: a.issuer,
                            nonce: String::new(),
                            verifier: String::new(),
                            gebruiker_id: Some(g.id),
                            aangemaakt: now,
                        },
                        now - AANVRAAG_GELDIG,
                    )?;
                    self.audit_login(&naam, Some(&g), "sso_tweede_factor_gevraagd", true, bron)?;
                    return Ok(Ok(SsoUitkomst::CodeNodig(token)));
                }
                None if rol.needs_second_factor() => {
                    let fout = SsoFout::GeenTweedeFactor;
                    let reden = "geen sterke tweede factor bij de aanbieder en geen TOTP";
                    return self.sso_geweigerd(&naam, Some(&g), fout, reden, bron);
                }
                None => {}
            }
        }
        let sessie = self.sessie_openen(&g, None, bron)?;
        self.audit_login(&naam, Some(&g), "inloggen_sso", true, bron)?;
        Ok(Ok(SsoUitkomst::Sessie(sessie, n)))
    }

    /// The code of leerrecht's second factor after a provider's login without a strong one:
    /// the wait `token` is taken out (and put back after a wrong code, which counts as a
    /// failed login like one on the login page).
    pub fn sso_code(
        &self,
        token: &str,
        binding: &str,
        code: &str,
        bron: &str,
    ) -> Result<std::result::Result<(Sessie, usize), SsoFout>> {
        let now = self.now();
        let Some(a) = self.store().oidc_aanvraag_nemen(&token_hash(token))? else {
            return self.sso_geweigerd("", None, SsoFout::Verlopen, "onbekende wachttoken", bron);
        };
        let g = match a.gebruiker_id {
            Some(id) => self.store().gebruiker_by_id(id)?,
            None => None,
        };
        let (Some(g), true, true) = (
            g,
            a.aangemaakt + AANVRAAG_GELDIG > now,
            a.binding == token_hash(binding),
        ) else {
            return self.sso_geweigerd(
                "",
                None,
                SsoFout::Verlopen,
                "verlopen of andere browser",
                bron,
            );
        };
        let naam = g.gebruikersnaam.clone();
        let n = self
            .sso
            .aanbieders
            .iter()
            .position(|p| p.config.issuer == a.issuer);
        let (Some(n), true, Some(secret)) = (n, g.actief, g.totp_geheim.as_deref()) else {
            return self.sso_geweigerd(
                &naam,
                Some(&g),
                SsoFout::GeenAccount,
                "account niet meer bruikbaar",
                bron,
            );
        };
        if g.geblokkeerd_tot.is_some_and(|t| t > now) {
            let fout = SsoFout::Login(LoginFout::Geblokkeerd);
            return self.sso_geweigerd(&naam, Some(&g), fout, "account geblokkeerd", bron);
        }
        match totp_stap(&g, secret, code.trim(), now) {
            Ok(stap) => {
                let sessie = self.sessie_openen(&g, Some(stap), bron)?;
                self.audit_login(&naam, Some(&g), "inloggen_sso", true, bron)?;
                Ok(Ok((sessie, n)))
            }
            Err(fout) => {
                let blocked = self.count_failure(&naam, Some(&g), bron, now)?;
                let fout = if blocked {
                    LoginFout::Geblokkeerd
                } else {
                    // The wait stays for another code, as long as it lasts.
                    self.store()
                        .oidc_aanvraag_bewaren(&a, now - AANVRAAG_GELDIG)?;
                    fout
                };
                self.sso_geweigerd(&naam, Some(&g), SsoFout::Login(fout), "onjuiste code", bron)
            }
        }
    }

    /// Where to send the browser after logging out, to end the session at provider `n` as
    /// well (RP-initiated logout), when the provider offers it.
    pub fn sso_uitlog_url(&self, n: usize) -> Result<Option<String>> {
        let p = self.aanbieder(n)?;
        let http = http()?;
        let meta = ontdekken(p, &http)?;
        let Some(eind) = meta.additional_metadata().end_session_endpoint.clone() else {
            return Ok(None);
        };
        let terug = PostLogoutRedirectUrl::new(format!("{}{UITGELOGD_PAD}", self.sso.origin))
            .map_err(|e| AppError::Invalid(format!("[server] origin: {e}")))?;
        let url = LogoutRequest::from(eind)
            .set_client_id(ClientId::new(p.config.client_id.clone()))
            .set_post_logout_redirect_uri(terug)
            .http_get_url();
        Ok(Some(url.to_string()))
    }

    /// Exchanges `code` at the provider and checks the ID token; Err(reason) when the
    /// provider or its token fails.
    fn aanmelding(
        &self,
        p: &OidcAanbieder,
        a: &OidcAanvraagRij,
        code: &str,
    ) -> Result<std::result::Result<Aanmelding, String>> {
        let http = http()?;
        let meta = match ontdekken(p, &http) {
            Ok(m) => m,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let client = CoreClient::from_provider_metadata(
            meta,
            ClientId::new(p.config.client_id.clone()),
            Some(ClientSecret::new(p.geheim.clone())),
        )
        .set_redirect_uri(self.redirect()?);
        let verzoek = match client.exchange_code(AuthorizationCode::new(code.to_string())) {
            Ok(v) => v,
            Err(e) => return Ok(Err(format!("geen token-endpoint: {e}"))),
        };
        let antwoord = match verzoek
            .set_pkce_verifier(PkceCodeVerifier::new(a.verifier.clone()))
            .request(&http)
        {
            Ok(t) => t,
            Err(openidconnect::RequestTokenError::ServerResponse(e)) => {
                return Ok(Err(format!("token-endpoint: {}", e.error())))
            }
            Err(e) => return Ok(Err(format!("token-endpoint: {}", keten(&e)))),
        };
        let Some(id_token) = antwoord.id_token() else {
            return Ok(Err("geen ID-token in het antwoord".into()));
        };
        let claims =
            match id_token.claims(&client.id_token_verifier(), &Nonce::new(a.nonce.clone())) {
                Ok(c) => c,
                Err(e) => return Ok(Err(format!("ongeldig ID-token: {}", keten(&e)))),
            };
        let waarde = match p.config.koppel_claim.as_str() {
            "email" => claims.email().map(|e| e.as_str().to_string()),
            "preferred_username" => claims.preferred_username().map(|u| u.as_str().to_string()),
            _ => Some(claims.subject().as_str().to_string()),
        };
        let acr = claims.auth_context_ref().map(|a| a.as_str().to_string());
        let amr: Vec<String> = claims
            .auth_method_refs()
            .map(|v| v.iter().map(|m| m.as_str().to_string()).collect())
            .unwrap_or_default();
        let sterk = acr.is_some_and(|a| p.config.sterke_acr.contains(&a))
            || amr.iter().any(|m| p.config.sterke_amr.contains(m));
        Ok(Ok(Aanmelding {
            subject: claims.subject().as_str().to_string(),
            waarde,
            sterk,
        }))
    }

    /// The one active account of the provider's organisations that the login's claim names:
    /// by e-mail address, or (for `preferred_username` and `sub`) by user name as well.
    fn sso_account(
        &self,
        p: &OidcAanbieder,
        m: &Aanmelding,
    ) -> Result<std::result::Result<GebruikerRij, (SsoFout, String)>> {
        let Some(waarde) = m.waarde.as_deref().map(str::trim).filter(|w| !w.is_empty()) else {
            let reden = format!("het ID-token heeft geen claim {}", p.config.koppel_claim);
            return Ok(Err((SsoFout::GeenAccount, reden)));
        };
        let op_naam = p.config.koppel_claim != "email";
        let mut passend: Vec<GebruikerRij> = self
            .store()
            .gebruikers()?
            .into_iter()
            .filter(|g| g.actief && p.config.organisaties.contains(&g.organisatie))
            .filter(|g| {
                g.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(waarde))
                    || (op_naam && g.gebruikersnaam == waarde)
            })
            .collect();
        match passend.len() {
            1 => Ok(Ok(passend.remove(0))),
            0 => Ok(Err((
                SsoFout::GeenAccount,
                format!(
                    "geen actief account van {} met {waarde:?}",
                    p.config.organisaties.join(", ")
                ),
            ))),
            n => Ok(Err((
                SsoFout::GeenAccount,
                format!("{n} accounts passen bij {waarde:?}"),
            ))),
        }
    }

    /// Audits a refused single sign-on login under `naam` with the reason, and answers it.
    fn sso_geweigerd<T>(
        &self,
        naam: &str,
        g: Option<&GebruikerRij>,
        fout: SsoFout,
        reden: &str,
        bron: &str,
    ) -> Result<std::result::Result<T, SsoFout>> {
        let naam = if naam.is_empty() { "sso" } else { naam };
        let mut entry = self.login_entry(naam, g, "inloggen_sso_mislukt", false, bron);
        entry.reden = Some(reden.chars().take(500).collect());
        self.auditor.record(self.store(), entry)?;
        Ok(Err(fout))
    }

    /// Undoes the single sign-on link of account `naam`: its next login through the provider
    /// links it again (and the owner hears of it). One change with its sessions' end and the
    /// audit entry, like every credential change.
    pub fn user_sso_ontkoppelen(&self, actor: &super::Actor, naam: &str) -> Result<bool> {
        super::authorize(actor, super::Action::ManageAccounts)?;
        let g = self.account(naam)?;
        if g.sso_koppeling.is_none() {
            return Ok(false);
        }
        let now = self.now();
        let entry = self.operatie_entry(actor, "sso_ontkoppeld", format!("gebruiker {naam}"));
        self.inlog_wijzigen(
            &g,
            "de koppeling van uw account aan inloggen via uw organisatie is opgeheven",
            &[
                Inlogstap::SsoKoppeling(None),
                Inlogstap::SessiesBeeindigen(now),
            ],
            entry,
        )?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(issuer: &str, claim: &str) -> OidcConfig {
        OidcConfig {
            naam: "Gemeente Haarlem".into(),
            organisaties: vec!["GM0392".into()],
            issuer: issuer.into(),
            client_id: "leerrecht".into(),
            client_secret_file: "/dev/null".into(),
            koppel_claim: claim.into(),
            sterke_acr: vec![],
            sterke_amr: standaard_amr(),
        }
    }

    #[test]
    fn an_issuer_speaks_https_except_on_this_machine() {
        assert!(config("https://login.example.nl/realms/haarlem", "email")
            .check(0)
            .is_ok());
        assert!(config("http://127.0.0.1:8080", "email").check(0).is_ok());
        let e = config("http://login.example.nl", "email")
            .check(0)
            .unwrap_err();
        assert!(e.contains("must be https"), "{e}");
        let e = config("https://login.example.nl", "upn")
            .check(0)
            .unwrap_err();
        assert!(e.contains("koppel_claim"), "{e}");
    }

    #[test]
    fn an_empty_secret_file_is_refused_before_the_first_login() {
        let e = config("https://login.example.nl", "email")
            .laden()
            .unwrap_err();
        assert!(e.to_string().contains("is empty"), "{e}");
    }
}
