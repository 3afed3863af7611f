//! Sign-in form rules.
use crate::error::{invalid_if, AppError};

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
    invalid_if(
        user_name.chars().count() > MAX_USER_NAME,
        "user_name",
        format!("A user name has at most {MAX_USER_NAME} characters."),
    )?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    invalid_if(
        password.chars().count() > MAX_PASSWORD,
        "password",
        format!("A password has at most {MAX_PASSWORD} characters."),
    )?;
    Ok(())
}

/// Where to go after signing in: only a path on this console, never another site. The
/// target is first read as a browser reads a URL (WHATWG URL): leading and trailing
/// control characters and spaces dropped, tabs and newlines removed anywhere, a backslash
/// taken for a slash; so `/\t/evil.example` or `\\evil.example`, which a browser would
/// follow off-site, go to the console's home instead.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next else {
        return "/".to_owned();
    };
    let read: String = next
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let on_site = read.starts_with('/')
        && !read.starts_with("//")
        && !read.starts_with("/signin")
        && !read.chars().any(char::is_control);
    if on_site {
        read
    } else {
        "/".to_owned()
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
        // As a browser reads them: tabs and newlines removed, backslashes are slashes,
        // surrounding spaces and controls dropped.
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            " //evil.example",
            "\u{0}//evil.example",
            "/\r\n\\evil.example",
            "/ok\u{7}/x",
        ] {
            assert_eq!(safe_next(Some(sneaky)), "/", "{sneaky:?}");
        }
        assert_eq!(safe_next(Some(" /gateways\t")), "/gateways");
        assert_eq!(safe_next(Some("/iam\\users")), "/iam/users");
    }
}
