//! How the IAM pages place a server error: next to the form field it names, or in the
//! banner above the form.
use crate::error::AppError;

/// The message of `error` when it belongs next to `field`.
pub fn field_message(error: Option<AppError>, field: &str) -> Option<String> {
    error
        .filter(|error| error.field() == Some(field))
        .map(|error| error.to_string())
}

/// `error` when it belongs to none of the form's `fields`, for the banner above the form.
pub fn banner_error(error: Option<AppError>, fields: &[&str]) -> Option<AppError> {
    error.filter(|error| error.field().is_none_or(|field| !fields.contains(&field)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_go_next_to_their_field_or_above_the_form() {
        let name = AppError::invalid("name", "Enter a group name.");
        let other = AppError::conflict(None, "Busy.");
        assert_eq!(
            field_message(Some(name.clone()), "name").as_deref(),
            Some("Enter a group name.")
        );
        assert_eq!(field_message(Some(name.clone()), "description"), None);
        assert_eq!(banner_error(Some(name.clone()), &["name"]), None);
        assert_eq!(
            banner_error(Some(name.clone()), &["description"]),
            Some(name)
        );
        assert_eq!(banner_error(Some(other.clone()), &["name"]), Some(other));
    }
}
