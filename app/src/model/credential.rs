//! Credentials (APIG's apps): what a caller signs its calls with, one gateway's each — a
//! key, unique across Portico and fixed for the credential's life, and a secret that can
//! be reset. The rules their fields follow (APIG's limits).
use serde::{Deserialize, Serialize};

use super::Naming;
use crate::error::AppError;

/// Credentials per gateway (APIG's default quota).
pub const MAX_CREDENTIALS: i64 = 50;

/// Longest description.
pub const MAX_REMARK: usize = 255;

/// AppCodes per credential (APIG's limit).
pub const MAX_APP_CODES: i64 = 5;

/// A credential's status: valid, or frozen (its calls refused with APIG.0502).
pub const VALID: i16 = 1;
pub const FROZEN: i16 = 2;

/// A credential, with its secret: shown only to callers allowed to read credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub id: String,
    pub name: String,
    pub remark: String,
    pub app_key: String,
    pub app_secret: String,
    /// [`VALID`] or [`FROZEN`].
    pub status: i16,
    /// How many APIs it is authorized for, in any environment.
    pub authorized_apis: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// An AppCode of a credential: what a caller sends in `X-Apig-AppCode` instead of a
/// signature, over HTTPS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCode {
    pub id: String,
    pub credential_id: String,
    pub app_code: String,
    pub created_at: String,
}

/// A credential's own access control: its calls may come only from (`permit`) or never
/// from the addresses, ranges and CIDR blocks listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialAcl {
    pub credential_id: String,
    pub permit: bool,
    pub values: Vec<String>,
}

impl CredentialAcl {
    /// APIG's name of the list's kind: `PERMIT` or `DENY`.
    pub fn kind(&self) -> &'static str {
        if self.permit {
            "PERMIT"
        } else {
            "DENY"
        }
    }
}

/// A credential's authorization to call an API in an environment, with the names the
/// lists show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    pub id: String,
    pub credential_id: String,
    pub credential_name: String,
    pub credential_remark: String,
    pub api_id: String,
    pub api_name: String,
    pub api_remark: String,
    /// The API's visibility: 1 public, 2 private.
    pub api_type: i32,
    pub group_id: String,
    pub group_name: String,
    pub env_id: String,
    pub env_name: String,
    pub created_at: String,
}

/// A credential to create: its key and secret are generated unless given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCredential {
    pub name: String,
    pub remark: String,
    pub app_key: Option<String>,
    pub app_secret: Option<String>,
}

const NAME: Naming = Naming {
    noun: "a credential name",
    lengths: 3..=64,
    first: char::is_alphabetic,
    first_is: "a letter",
    holds: |c| c.is_alphanumeric() || c == '_',
    holds_are: "letters, digits and underscores.",
};

const KEY: Naming = Naming {
    noun: "a key",
    lengths: 8..=200,
    first: |c| c.is_ascii_alphanumeric(),
    first_is: "a letter or a digit",
    holds: |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'),
    holds_are: "letters, digits, _ and -.",
};

/// Secrets start as keys do.
const SECRET: Naming = Naming {
    noun: "a secret",
    lengths: 8..=128,
    holds: |c| c.is_ascii_alphanumeric() || "_-!@#$%".contains(c),
    holds_are: "letters, digits and _ - ! @ # $ %.",
    ..KEY
};

/// AppCodes: 64–180 characters, starting with a letter, a digit, `+` or `/`.
const APP_CODE: Naming = Naming {
    noun: "an AppCode",
    lengths: 64..=180,
    first: |c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/'),
    first_is: "a letter, a digit, + or /",
    holds: |c| c.is_ascii_alphanumeric() || "+_!@#$%-/=".contains(c),
    holds_are: "letters, digits and + _ ! @ # $ % - / =.",
};

/// An AppCode a caller chooses: 64–180 letters, digits and `+ _ ! @ # $ % - / =`, starting
/// with a letter, a digit, `+` or `/`.
pub fn validate_app_code(field: &str, code: &str) -> Result<(), AppError> {
    APP_CODE.check(field, code)
}

/// Credential names: 3–64 letters (Chinese included), digits and underscores, starting
/// with a letter.
pub fn validate_name(field: &str, name: &str) -> Result<(), AppError> {
    NAME.check(field, name)
}

/// A key a caller chooses: 8–200 letters, digits, `_` and `-`, starting with a letter or a
/// digit.
pub fn validate_key(field: &str, key: &str) -> Result<(), AppError> {
    KEY.check(field, key)
}

/// A secret a caller chooses: 8–128 letters, digits and `_ - ! @ # $ %`, starting with a
/// letter or a digit.
pub fn validate_secret(field: &str, secret: &str) -> Result<(), AppError> {
    SECRET.check(field, secret)
}

impl NewCredential {
    pub fn validate(&self) -> Result<(), AppError> {
        validate_name("name", &self.name)?;
        super::api_group::validate_remark("remark", &self.remark, MAX_REMARK)?;
        if let Some(key) = &self.app_key {
            validate_key("app_key", key)?;
        }
        if let Some(secret) = &self.app_secret {
            validate_secret("app_secret", secret)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keys_and_secrets_follow_apig() {
        assert!(validate_name("name", "mobile_app").is_ok());
        assert!(validate_name("name", "手机应用").is_ok());
        for bad in ["ab", "1app", "my-app", &"a".repeat(65)] {
            assert!(validate_name("name", bad).is_err(), "{bad}");
        }
        assert!(validate_key("app_key", "key-1234_x").is_ok());
        assert!(validate_key("app_key", "-key12345").is_err());
        assert!(validate_key("app_key", "short").is_err());
        assert!(validate_secret("app_secret", "s3cret!@#$%").is_ok());
        assert!(validate_secret("app_secret", "secret with space").is_err());
        let says = validate_secret("app_secret", "secret^^^")
            .unwrap_err()
            .to_string();
        assert!(says.contains("'^' is not allowed in a secret"), "{says}");
        let code = format!("+{}/=", "Ab3".repeat(21));
        assert!(validate_app_code("app_code", &code).is_ok());
        assert!(validate_app_code("app_code", &"a".repeat(63)).is_err());
        assert!(validate_app_code("app_code", &"a".repeat(181)).is_err());
        assert!(validate_app_code("app_code", &format!("={code}")).is_err());
        assert!(validate_app_code("app_code", &format!("{code} ")).is_err());
    }
}
