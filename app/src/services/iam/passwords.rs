//! Password hashing with argon2id (PHC strings). Hashing is CPU-bound, so callers in async
//! code go through `hash`/`verify`, which run it on the blocking pool.
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::{distributions::Alphanumeric, Rng};

use crate::error::AppError;

/// A hash of a password nobody knows, verified against when the user does not exist so that
/// a wrong user name takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$DRsbFzlWh9jXcWYxpo0TGSeLw5s6X9zO3kN6eB7fsDs";

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "argon2 hashing failed");
            AppError::Internal("the password could not be hashed".to_owned())
        })
}

fn verify_blocking(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a password with argon2id and a fresh salt.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio_blocking(move || hash_blocking(&password)).await?
}

/// Checks a password against a stored hash; `None` spends the same time and fails.
pub async fn verify(hash: Option<String>, password: String) -> Result<bool, AppError> {
    tokio_blocking(move || match hash {
        Some(hash) => verify_blocking(&hash, &password),
        None => {
            verify_blocking(DUMMY_HASH, &password);
            false
        }
    })
    .await
}

/// A random password for the bootstrap administrator: 20 letters and digits.
pub fn generate() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

async fn tokio_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|error| {
        tracing::error!(%error, "password task failed");
        AppError::Internal("the password could not be checked".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let hash = hash_blocking("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_blocking(&hash, "correct horse"));
        assert!(!verify_blocking(&hash, "correct horsE"));
        assert!(!verify_blocking("not a hash", "correct horse"));
    }

    #[test]
    fn dummy_hash_parses_so_timing_matches() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn generated_passwords_differ() {
        let a = generate();
        assert_eq!(a.len(), 20);
        assert_ne!(a, generate());
    }
}
