//! Secrets at rest: AES-256-GCM under the installation's master key. A sealed value is
//! `nonce (12 bytes) || ciphertext+tag`. The master key comes from `PORTICO_MASTER_KEY`
//! (64 hex characters) or from `<data dir>/master.key`, created with mode 0600 on first use.
//! Every process sharing one database must use the same key.
use std::fmt;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use crate::error::AppError;

const NONCE_LEN: usize = 12;

/// The master key. Cloning shares it; `Debug` never prints it.
#[derive(Clone)]
pub struct MasterKey(Arc<Aes256Gcm>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// A key from 32 raw bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        MasterKey(Arc::new(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(
            bytes,
        ))))
    }

    /// A key from 64 hex characters (`PORTICO_MASTER_KEY`).
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "the master key must be 64 hexadecimal characters".to_owned())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| {
            "the master key must be 64 hexadecimal characters (32 bytes)".to_owned()
        })?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The key in `path`, created (random, mode 0600) if the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = Aes256Gcm::generate_key(OsRng);
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(|e| format!("creating {}: {e}", path.display()))?;
                writeln!(file, "{}", hex::encode(key))
                    .map_err(|e| format!("writing {}: {e}", path.display()))?;
                Ok(MasterKey(Arc::new(Aes256Gcm::new(&key))))
            }
            Err(error) => Err(format!("reading {}: {error}", path.display())),
        }
    }

    /// Encrypts `plaintext` under a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, AppError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self
            .0
            .encrypt(&nonce, plaintext)
            .map_err(|_| AppError::Internal("a secret could not be encrypted".to_owned()))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Decrypts a value made by `seal`; fails if it was altered or sealed under another key.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, AppError> {
        if sealed.len() < NONCE_LEN {
            return Err(AppError::Internal("a stored secret is damaged".to_owned()));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.0.decrypt(Nonce::from_slice(nonce), ciphertext).map_err(|_| {
            AppError::Internal("a stored secret cannot be decrypted with this master key (PORTICO_MASTER_KEY differs?)".to_owned())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_unaltered() {
        let key = MasterKey::from_bytes(&[7; 32]);
        let sealed = key.seal(b"secret").unwrap();
        assert!(
            !sealed.windows(6).any(|w| w == b"secret"),
            "ciphertext must not contain the plaintext"
        );
        assert_eq!(key.open(&sealed).unwrap(), b"secret");
        assert_ne!(
            key.seal(b"secret").unwrap(),
            sealed,
            "fresh nonce each time"
        );
        let other = MasterKey::from_bytes(&[8; 32]);
        assert!(other.open(&sealed).is_err());
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(key.open(&altered).is_err());
    }

    #[test]
    fn hex_keys_must_be_32_bytes() {
        assert!(MasterKey::from_hex(&"ab".repeat(32)).is_ok());
        assert!(MasterKey::from_hex("abcd").is_err());
        assert!(MasterKey::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir =
            std::env::temp_dir().join(format!("portico-key-{}", crate::services::ids::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("master.key");
        let first = MasterKey::load_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let sealed = first.seal(b"x").unwrap();
        let second = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(second.open(&sealed).unwrap(), b"x");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
