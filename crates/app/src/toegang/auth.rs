//! Authentication building blocks: password hashing and policy, the TOTP second factor
//! (RFC 6238), secret tokens, and the clock every expiry is measured against.

use std::sync::Mutex;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
use chrono::{DateTime, Duration, DurationRound, Utc};
use data_encoding::{BASE32_NOPAD, BASE64URL_NOPAD};
use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Failed logins in a row after which an account is locked.
pub const MAX_MISLUKT: u32 = 5;
/// How long a locked account stays locked.
pub const BLOKKADE: Duration = Duration::minutes(15);
/// A session ends after this long without use…
pub const SESSIE_INACTIEF: Duration = Duration::minutes(30);
/// …and at the latest this long after login.
pub const SESSIE_MAX: Duration = Duration::hours(12);
/// TOTP time step (RFC 6238 default).
pub const TOTP_STAP: i64 = 30;

/// Where the current moment comes from: the system clock, or a settable one in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock, to the microsecond (what the databases keep).
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        micros(Utc::now())
    }
}

/// A clock that stands still until moved: for tests of expiry and lockout.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(t: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(micros(t)))
    }
    pub fn advance(&self, d: Duration) {
        let mut t = self.0.lock().expect("clock lock");
        *t += d;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

impl<C: Clock> Clock for std::sync::Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

/// Argon2id with the OWASP Password Storage Cheat Sheet's first set of parameters:
/// 19 MiB of memory, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string with a random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    argon2()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .expect("Argon2 hashing with valid parameters")
        .to_string()
}

/// Whether `password` matches a stored PHC hash; an unreadable hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(h) => argon2().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the username is unknown, so that an unknown name costs as
/// much time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("geen-echte-gebruiker"))
}

/// The password policy (after NIST SP 800-63B and OWASP ASVS 2.1): at least 12 characters
/// and at most 128, not containing the username, not one character repeated, not a
/// well-known password. No composition rules.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < 12 {
        return Err("wachtwoord te kort: minstens 12 tekens".into());
    }
    if n > 128 {
        return Err("wachtwoord te lang: hoogstens 128 tekens".into());
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return Err("wachtwoord mag de gebruikersnaam niet bevatten".into());
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err("wachtwoord is één teken herhaald".into());
    }
    const BEKEND: &[&str] = &[
        "123456789012",
        "1234567890123",
        "qwertyuiopas",
        "wachtwoord123",
        "wachtwoord1234",
        "welkom123456",
        "welkomwelkom",
        "password1234",
        "passwordpassword",
        "qwerty123456",
        "iloveyou1234",
        "administrator",
        "leerplicht123",
        "zomer2024zomer",
        "voorjaar2025!",
    ];
    if BEKEND.contains(&lower.as_str()) {
        return Err("wachtwoord is te bekend".into());
    }
    Ok(())
}

/// A new TOTP secret: 20 random bytes (the RFC's SHA-1 key size), base32 as authenticator
/// apps expect it.
pub fn new_totp_secret() -> String {
    let mut key = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut key);
    BASE32_NOPAD.encode(&key)
}

/// The `otpauth://` address an authenticator app reads (usually as a QR code).
pub fn otpauth_uri(account: &str, secret: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/leerrecht:{}?secret={secret}&issuer=leerrecht&algorithm=SHA1&digits=6&period={TOTP_STAP}",
        enc(account)
    )
}

/// The six-digit code of a time step (RFC 6238 over RFC 4226's HOTP with HMAC-SHA1).
pub fn totp_code(key: &[u8], step: i64) -> u32 {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    bin % 1_000_000
}

/// The time step of a moment.
pub fn totp_step(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(TOTP_STAP)
}

/// Checks a code against the secret at `now`, allowing one step of clock drift either way;
/// a step at or before `last_used` is refused, so a code works once. Returns the step used.
pub fn verify_totp(
    secret: &str,
    code: &str,
    now: DateTime<Utc>,
    last_used: Option<i64>,
) -> Option<i64> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let want: u32 = code.parse().ok()?;
    let now_step = totp_step(now);
    (now_step - 1..=now_step + 1)
        .filter(|s| last_used.is_none_or(|l| *s > l))
        .find(|s| totp_code(&key, *s) == want)
}

/// Whether `code` is a code of the window around `now` that was already spent (its step is
/// at or before `last_used`): a code used twice, which the login answers as such rather than
/// as a wrong code.
pub fn totp_hergebruikt(
    secret: &str,
    code: &str,
    now: DateTime<Utc>,
    last_used: Option<i64>,
) -> bool {
    let (Some(last), Ok(key)) = (last_used, BASE32_NOPAD.decode(secret.as_bytes())) else {
        return false;
    };
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(want) = code.parse::<u32>() else {
        return false;
    };
    let now_step = totp_step(now);
    (now_step - 1..=now_step + 1)
        .filter(|s| *s <= last)
        .any(|s| totp_code(&key, s) == want)
}

/// The current code for a secret: for the demo and tests, as an authenticator app shows it.
pub fn current_totp(secret: &str, now: DateTime<Utc>) -> Option<String> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    Some(format!("{:06}", totp_code(&key, totp_step(now))))
}

/// A new secret token with a readable prefix: 32 random bytes, base64url.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", BASE64URL_NOPAD.encode(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn totp_matches_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1, key "12345678901234567890"; the RFC prints 8 digits,
        // the last six are the 6-digit code.
        let key = b"12345678901234567890";
        for (t, code8) in [
            (59i64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ] {
            assert_eq!(totp_code(key, t / 30), code8 % 1_000_000, "t = {t}");
        }
    }

    #[test]
    fn a_code_works_once_and_within_one_step_of_drift() {
        let secret = new_totp_secret();
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 10).unwrap();
        let code = current_totp(&secret, now).unwrap();
        let step = verify_totp(&secret, &code, now, None).expect("current code");
        assert_eq!(verify_totp(&secret, &code, now, Some(step)), None, "replay");
        assert!(
            totp_hergebruikt(&secret, &code, now, Some(step)),
            "a replay is named"
        );
        assert!(
            !totp_hergebruikt(&secret, &code, now, None),
            "a fresh code is not"
        );
        assert!(
            !totp_hergebruikt(&secret, &code, now, Some(step - 2)),
            "nor a new one"
        );
        assert!(verify_totp(&secret, &code, now + Duration::seconds(30), None).is_some());
        assert_eq!(
            verify_totp(&secret, &code, now + Duration::seconds(90), None),
            None
        );
        assert_eq!(verify_totp(&secret, "12345", now, None), None);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("correct paard batterij nietje");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct paard batterij nietje"));
        assert!(!verify_password(&h, "correct paard batterij nietjes"));
        assert!(!verify_password("geen hash", "x"));
        assert_ne!(h, hash_password("correct paard batterij nietje"), "salted");
    }

    #[test]
    fn the_policy_names_what_is_wrong() {
        assert!(check_password_policy("kort", "anna")
            .unwrap_err()
            .contains("kort"));
        assert!(check_password_policy("anna-de-vries-2026", "Anna")
            .unwrap_err()
            .contains("gebruikersnaam"));
        assert!(check_password_policy("aaaaaaaaaaaaaaa", "x").is_err());
        assert!(check_password_policy("Wachtwoord123", "x")
            .unwrap_err()
            .contains("bekend"));
        assert!(check_password_policy("fiets-molen-tulp-7", "anna").is_ok());
    }
}
