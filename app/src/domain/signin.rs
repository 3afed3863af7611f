//! Sign-in form rules.
use crate::error::AppError;

/// Longest user name IAM accepts.
pub const MAX_USER_NAME: usize = 64;
/// Longest password accepted at sign-in (argon2 input is bounded to keep hashing cheap).
pub const MAX_PASSWORD: usize = 128;

/// Checks the sign-in form before it is sent and again on the server.
pub fn validate(user_name: &str, password: &str) -> Result<(), AppError> {
    let user_name = user_name.trim();
    if user_name.is_empty() {
        return Err(AppError::invalid("user_name", "Enter your user name."));
    }
    if user_name.chars().count() > MAX_USER_NAME {
        return Err(AppError::invalid(
            "user_name",
            format!("A user name has at most {MAX_USER_NAME} characters."),
        ));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    if password.chars().count() > MAX_PASSWORD {
        return Err(AppError::invalid(
            "password",
            format!("A password has at most {MAX_PASSWORD} characters."),
        ));
    }
    Ok(())
}

/// Where to go after signing in: only a path on this console, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/signin") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_name_the_field() {
        assert_eq!(validate(" ", "x").unwrap_err().field(), Some("user_name"));
        assert_eq!(validate("admin", "").unwrap_err().field(), Some("password"));
        assert!(validate("admin", "secret").is_ok());
    }

    #[test]
    fn overlong_values_are_refused() {
        let long = "a".repeat(MAX_USER_NAME + 1);
        assert_eq!(validate(&long, "x").unwrap_err().field(), Some("user_name"));
        let long = "a".repeat(MAX_PASSWORD + 1);
        assert_eq!(
            validate("admin", &long).unwrap_err().field(),
            Some("password")
        );
    }

    #[test]
    fn next_never_leaves_the_console() {
        assert_eq!(safe_next(Some("/gateways")), "/gateways");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/signin")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
