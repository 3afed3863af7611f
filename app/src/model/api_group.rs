//! API groups, environments and environment variables inside a gateway, with the rules of
//! `spec/apig-reference.md` §1.3 and §1.6.
use serde::{Deserialize, Serialize};

use super::{only_chars, Naming};
use crate::error::{invalid_if, AppError};

/// API groups per gateway (APIG's APIGROUP_NUM_LIMIT).
pub const MAX_GROUPS: i64 = 1500;
/// Environments per gateway, RELEASE included.
pub const MAX_ENVIRONMENTS: i64 = 10;
/// Variables per group and environment.
pub const MAX_VARIABLES: i64 = 50;
/// The id and name of the environment every gateway has.
pub const RELEASE_ID: &str = "DEFAULT_ENVIRONMENT_RELEASE_ID";
pub const RELEASE: &str = "RELEASE";
/// The name of the group every gateway has.
pub const DEFAULT_GROUP: &str = "DEFAULT";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiGroup {
    pub id: String,
    pub gateway_id: String,
    pub name: String,
    pub remark: String,
    pub is_default: bool,
    pub sl_domain_access_enabled: bool,
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub created_at: String,
    pub updated_at: String,
}

impl ApiGroup {
    /// The group's generated subdomain, `{id}.{suffix}`.
    pub fn sl_domain(&self, suffix: &str) -> String {
        format!("{}.{suffix}", self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPage {
    pub groups: Vec<ApiGroup>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    pub id: String,
    pub name: String,
    pub remark: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variable {
    pub id: String,
    pub group_id: String,
    pub env_id: String,
    pub name: String,
    pub value: String,
}

fn count(text: &str) -> usize {
    text.chars().count()
}

pub(crate) const GROUP_NAME: Naming = Naming {
    noun: "a group name",
    lengths: 3..=255,
    first: char::is_alphanumeric,
    first_is: "a letter or a digit",
    holds: |c| c.is_alphanumeric() || "-_./():：（）、".contains(c),
    holds_are: "letters, digits and - _ . / ( ) :",
};

const ENV_NAME: Naming = Naming {
    noun: "an environment name",
    lengths: 3..=64,
    first: |c| c.is_ascii_alphabetic(),
    first_is: "a letter",
    holds: |c| c.is_ascii_alphanumeric() || c == '_',
    holds_are: "letters, digits and underscores.",
};

/// Variable names start as environment names do.
const VARIABLE_NAME: Naming = Naming {
    noun: "a variable name",
    lengths: 3..=32,
    holds: |c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'),
    holds_are: "letters, digits, _ and -.",
    ..ENV_NAME
};

/// Group names: 3–255 characters of letters (Chinese included), digits and
/// `- _ . / ( ) :` (and the full-width `：（）、`), starting with a letter or a digit.
pub fn validate_group_name(field: &str, name: &str) -> Result<(), AppError> {
    GROUP_NAME.check(field, name)
}

/// Descriptions and remarks: at most `max` characters, without `<` or `>`.
pub fn validate_remark(field: &str, remark: &str, max: usize) -> Result<(), AppError> {
    invalid_if(
        count(remark) > max,
        field,
        format!("A description has at most {max} characters."),
    )?;
    invalid_if(
        remark.contains(['<', '>']),
        field,
        "A description cannot contain < or >.",
    )?;
    Ok(())
}

/// Environment names: 3–64 letters, digits and underscores, starting with a letter.
pub fn validate_env_name(field: &str, name: &str) -> Result<(), AppError> {
    ENV_NAME.check(field, name)
}

/// Variable names: 3–32 letters, digits, `_` and `-`, starting with a letter.
pub fn validate_variable_name(field: &str, name: &str) -> Result<(), AppError> {
    VARIABLE_NAME.check(field, name)
}

/// Variable values: 1–255 characters of letters, digits and `_ - / . :`.
pub fn validate_variable_value(field: &str, value: &str) -> Result<(), AppError> {
    invalid_if(
        !(1..=255).contains(&count(value)),
        field,
        "A variable value has 1 to 255 characters.",
    )?;
    only_chars(
        field,
        value,
        |c| c.is_ascii_alphanumeric() || "_-/.:".contains(c),
        "a variable value",
        "letters, digits and _ - / . :",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names() {
        for good in [
            "payments",
            "DEFAULT",
            "1st-group",
            "orders/v2 (beta)",
            "支付:v1",
        ] {
            let good = good.replace(' ', "");
            assert!(validate_group_name("name", &good).is_ok(), "{good}");
        }
        for bad in ["ab", "-group", "group name", "group<1>", &"g".repeat(256)] {
            assert!(validate_group_name("name", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn environment_names() {
        assert!(validate_env_name("name", "TEST_1").is_ok());
        for bad in ["TE", "1TEST", "TEST-1", "测试环境"] {
            assert!(validate_env_name("name", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn variables() {
        assert!(validate_variable_name("n", "backend-host").is_ok());
        assert!(validate_variable_name("n", "ab").is_err());
        assert!(validate_variable_name("n", "9host").is_err());
        assert!(validate_variable_name("n", "host.name").is_err());
        assert!(validate_variable_value("v", "10.0.0.1:8080/api").is_ok());
        assert!(validate_variable_value("v", "").is_err());
        assert!(validate_variable_value("v", "a b").is_err());
        assert!(validate_variable_value("v", &"a".repeat(256)).is_err());
    }

    #[test]
    fn remarks() {
        assert!(validate_remark("remark", "fine", 1000).is_ok());
        assert!(validate_remark("remark", "<script>", 1000).is_err());
        assert!(validate_remark("remark", &"x".repeat(256), 255).is_err());
    }
}
