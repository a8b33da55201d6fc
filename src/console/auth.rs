//! Who is asking: passwords (Argon2id), session tokens (random, stored as their SHA-256),
//! CSRF tokens, and the limit on failed sign-ins.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

/// Failed sign-ins allowed per key (an address, a user name) in [`WINDOW`] seconds.
pub const MAX_FAILURES: u32 = 5;
pub const WINDOW: i64 = 15 * 60;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// 32 random bytes in hex.
pub fn random_token() -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the store keeps of a session token.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The Argon2id PHC string of a password, with a random salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| AuthError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` is the one `hash` was made from (a malformed hash matches nothing).
pub fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Compares two tokens in constant time.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Failed sign-ins counted per key within a window; bounded in size.
#[derive(Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

/// The most keys the limiter remembers: past it, windows that ended are forgotten first.
const MAX_KEYS: usize = 10_000;

impl Limiter {
    /// Whether `key` may try to sign in now.
    pub fn allows(&self, key: &str, now: i64) -> bool {
        let f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f.get(key)
            .is_none_or(|&(n, since)| n < MAX_FAILURES || now - since >= WINDOW)
    }

    pub fn failed(&self, key: &str, now: i64) {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if f.len() >= MAX_KEYS {
            f.retain(|_, &mut (_, since)| now - since < WINDOW);
        }
        if f.len() >= MAX_KEYS {
            return;
        }
        let e = f.entry(key.to_owned()).or_insert((0, now));
        if now - e.1 >= WINDOW {
            *e = (0, now);
        }
        e.0 += 1;
    }

    pub fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_matches_its_hash_only() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(password_matches("correct horse", &h));
        assert!(!password_matches("correct horsf", &h));
        assert!(!password_matches("correct horse", "not a hash"));
        assert_ne!(h, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn sign_ins_are_limited_per_key_for_a_window() {
        let l = Limiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(l.allows("10.0.0.1", 100));
            l.failed("10.0.0.1", 100);
        }
        assert!(!l.allows("10.0.0.1", 100 + WINDOW - 1));
        assert!(l.allows("10.0.0.2", 100), "another address");
        assert!(l.allows("10.0.0.1", 100 + WINDOW), "the window ended");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert_eq!(digest("x").len(), 64);
    }
}
