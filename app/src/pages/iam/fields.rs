//! Form fields of the IAM user pages.
use leptos::prelude::*;

use crate::components::form::SelectField;

/// The access types a user can have, as `(value, label)`, in the order forms offer them.
pub const ACCESS_MODES: &[(&str, &str)] = &[
    ("default", "Console and programmatic access"),
    ("programmatic", "Programmatic access only"),
    ("console", "Console access only"),
];

/// How forms and lists name an access type.
pub fn access_mode_label(mode: &str) -> &str {
    ACCESS_MODES
        .iter()
        .find(|(value, _)| *value == mode)
        .map_or(mode, |(_, label)| label)
}

/// The access type, as a select bound to `value`.
#[component]
pub fn AccessModeField(
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let options = ACCESS_MODES
        .iter()
        .map(|(mode, label)| ((*mode).to_owned(), (*label).to_owned()))
        .collect();
    view! {
        <SelectField
            label="Access type"
            id=id
            value=value
            options=options
            error=error
            hint="Programmatic access uses access keys to call APIs; console access signs in here with a password."
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_modes_have_labels() {
        for (mode, label) in ACCESS_MODES {
            assert_eq!(access_mode_label(mode), *label);
            assert!(crate::model::iam::validate_access_mode("access_mode", mode).is_ok());
        }
        assert_eq!(access_mode_label("other"), "other");
    }
}
