//! IAM users, user groups and access keys as the console and the API exchange them, with
//! the rules their fields follow (IAM's limits).
use serde::{Deserialize, Serialize};

use super::only_chars;
use crate::error::{invalid_if, AppError};

/// Longest user or group name.
pub const MAX_NAME: usize = 32;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 255;
/// Permanent access keys a user may hold.
pub const MAX_ACCESS_KEYS: i64 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub description: String,
    pub enabled: bool,
    /// `default` (console and API), `programmatic` (API only) or `console`.
    pub access_mode: String,
    /// The password must be changed at the next sign-in.
    pub pwd_status: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

/// What creating a user takes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub description: String,
    pub password: String,
    pub enabled: bool,
    pub access_mode: String,
}

/// A change to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    pub name: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub access_mode: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
}

/// A policy granted to a group, in one project or (`project_id` None) in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub policy_id: String,
    pub policy_name: String,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    pub access_key: String,
    pub user_id: String,
    pub description: String,
    /// `active` or `inactive`.
    pub status: String,
    pub created_at: String,
    /// When a signed call last used it (to the minute); None: never.
    pub last_used_at: Option<String>,
}

/// A new access key: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccessKey {
    pub key: AccessKey,
    pub secret: String,
}

/// A policy as lists show it: a system role or policy built into Portico, or a custom one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionPolicy {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `system` or `custom`.
    pub origin: String,
    /// IAM's type: `RT` system role, `AX`/`XA` policy scope for custom ones, `AA` system policy.
    pub policy_type: String,
    /// The policy document, as JSON text.
    pub document: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

/// A page of the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub total: i64,
    pub users: Vec<User>,
}

/// A user with their groups and access keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: User,
    pub groups: Vec<UserGroup>,
    pub access_keys: Vec<AccessKey>,
}

/// A group with its members and grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGroupDetail {
    pub group: UserGroup,
    pub members: Vec<User>,
    pub grants: Vec<Grant>,
}

/// Everything the "Create a user and grant APIG permissions" wizard collected. Nothing is
/// created before its last step sends this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserWizard {
    pub user: NewUser,
    /// Existing groups to add the user to.
    pub group_ids: Vec<String>,
    /// A new group to create for the user (empty: none).
    pub new_group: String,
    /// Policies to grant to the new group.
    pub policy_ids: Vec<String>,
    /// Grant them in all projects (else in the current project only).
    pub all_projects: bool,
    /// Create an access key for the user.
    pub create_access_key: bool,
}

/// What the wizard created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserWizardResult {
    pub user: User,
    pub account: String,
    pub groups: Vec<String>,
    pub access_key: Option<NewAccessKey>,
}

/// IAM user and group names: 1–32 letters, digits, spaces, `-`, `_`, `.`; not starting
/// with a digit or a space.
pub fn validate_name(field: &str, what: &str, name: &str) -> Result<(), AppError> {
    let count = name.chars().count();
    if count == 0 {
        return Err(AppError::invalid(field, format!("Enter a {what} name.")));
    }
    invalid_if(
        count > MAX_NAME,
        field,
        format!("A {what} name has at most {MAX_NAME} characters."),
    )?;
    only_chars(
        field,
        name,
        |c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'),
        &format!("a {what} name"),
        "letters, digits, spaces, hyphens, underscores and periods.",
    )?;
    invalid_if(
        name.starts_with(|c: char| c.is_ascii_digit() || c == ' '),
        field,
        format!("A {what} name cannot start with a digit or a space."),
    )?;
    Ok(())
}

/// Passwords: 8–32 characters of at least two kinds (upper case, lower case, digits,
/// others), and not containing the user name.
pub fn validate_password(field: &str, user_name: &str, password: &str) -> Result<(), AppError> {
    let count = password.chars().count();
    invalid_if(
        !(8..=32).contains(&count),
        field,
        "A password has 8 to 32 characters.",
    )?;
    let kinds = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    invalid_if(
        kinds.iter().filter(|k| **k).count() < 2,
        field,
        "Use at least two kinds of characters: upper case, lower case, digits, special characters.",
    )?;
    invalid_if(
        !user_name.is_empty() && password.to_lowercase().contains(&user_name.to_lowercase()),
        field,
        "The password must not contain the user name.",
    )?;
    Ok(())
}

pub fn validate_email(field: &str, email: &str) -> Result<(), AppError> {
    if email.is_empty() {
        return Ok(());
    }
    let valid = email.len() <= 255
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            "Enter an email address such as ops@example.com.",
        ))
    }
}

/// Descriptions of IAM resources: at most 255 characters, without `<` or `>`.
pub fn validate_description(field: &str, description: &str) -> Result<(), AppError> {
    super::api_group::validate_remark(field, description, MAX_DESCRIPTION)
}

pub fn validate_access_mode(field: &str, mode: &str) -> Result<(), AppError> {
    match mode {
        "default" | "programmatic" | "console" => Ok(()),
        _ => Err(AppError::invalid(
            field,
            "The access type is default, programmatic or console.",
        )),
    }
}

impl NewUser {
    /// Every rule, field by field, in form order.
    pub fn validate(&self) -> Result<(), AppError> {
        validate_name("name", "user", &self.name)?;
        validate_email("email", &self.email)?;
        validate_description("description", &self.description)?;
        validate_access_mode("access_mode", &self.access_mode)?;
        validate_password("password", &self.name, &self.password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<(), AppError>) -> Option<String> {
        result.err().and_then(|e| e.field().map(str::to_owned))
    }

    #[test]
    fn names_follow_iam_rules() {
        assert!(validate_name("name", "user", "ops.reader_1").is_ok());
        assert!(validate_name("name", "user", "").is_err());
        assert!(validate_name("name", "user", "1st").is_err());
        assert!(validate_name("name", "user", "a/b").is_err());
        assert!(validate_name("name", "user", &"a".repeat(33)).is_err());
    }

    #[test]
    fn passwords_need_length_variety_and_no_user_name() {
        assert!(validate_password("password", "reader", "Secret-2026").is_ok());
        assert!(validate_password("password", "reader", "short1A").is_err());
        assert!(validate_password("password", "reader", "alllowercase").is_err());
        assert!(validate_password("password", "reader", "Reader-2026").is_err());
    }

    #[test]
    fn new_user_errors_name_their_field() {
        let mut user = NewUser {
            name: "reader".into(),
            email: "reader@example.com".into(),
            description: String::new(),
            password: "Secret-2026".into(),
            enabled: true,
            access_mode: "default".into(),
        };
        assert!(user.validate().is_ok());
        user.email = "nope".into();
        assert_eq!(field(user.validate()).as_deref(), Some("email"));
        user.email.clear();
        user.access_mode = "root".into();
        assert_eq!(field(user.validate()).as_deref(), Some("access_mode"));
    }
}
