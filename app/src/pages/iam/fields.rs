//! Form fields of the IAM user pages. Each input is controlled: its value lives in a signal,
//! so a wizard keeps what was entered while its steps come and go. A field's hint and error
//! sit right under it and are tied to the input with `aria-describedby`.
use leptos::prelude::*;

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

/// The ids an input's `aria-describedby` lists: its hint, then its error when it has one.
fn described_by(
    id: &'static str,
    has_hint: bool,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + Clone + 'static {
    move || {
        let mut ids = vec![];
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if error.get().is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The hint and the error under a control.
fn hint_and_error(
    id: &'static str,
    hint: Option<&'static str>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        {hint.map(|hint| view! { <p class="field-hint" id=format!("{id}-hint")>{hint}</p> })}
        {move || error.get().map(|message| view! {
            <p class="field-error" id=format!("{id}-error")>{message}</p>
        })}
    }
}

/// A labelled text input (or, `multiline`, a text area) bound to `value`.
#[component]
pub fn TextField(
    label: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let described = described_by(id, hint.is_some(), error);
    let invalid = move || error.get().is_some().to_string();
    let control = if multiline {
        view! {
            <textarea
                id=id
                name=id
                aria-invalid=invalid
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                aria-invalid=invalid
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>{label}</label>
            {control}
            {hint_and_error(id, hint, error)}
        </div>
    }
}

/// The access type, as a select bound to `value`.
#[component]
pub fn AccessModeField(
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let hint = Some("Programmatic access uses access keys to call APIs; console access signs in here with a password.");
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>"Access type"</label>
            <select
                id=id
                name=id
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by(id, true, error)
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {ACCESS_MODES.iter().map(|(mode, label)| view! {
                    <option value=*mode selected=move || value.get() == *mode>{*label}</option>
                }).collect_view()}
            </select>
            {hint_and_error(id, hint, error)}
        </div>
    }
}

/// A labelled checkbox bound to `checked`.
#[component]
pub fn CheckboxField(
    label: &'static str,
    id: &'static str,
    checked: RwSignal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(into, optional)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label>
                <input
                    type="checkbox"
                    id=id
                    name=id
                    disabled=move || disabled.get()
                    aria-describedby=described_by(id, hint.is_some(), error)
                    // The attribute for the server-rendered page, the property once hydrated.
                    checked=checked.get_untracked()
                    prop:checked=move || checked.get()
                    on:change=move |ev| checked.set(event_target_checked(&ev))
                />
                " "
                {label}
            </label>
            {hint_and_error(id, hint, error)}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_modes_have_labels() {
        for (mode, label) in ACCESS_MODES {
            assert_eq!(access_mode_label(mode), *label);
            assert!(crate::domain::iam::validate_access_mode("access_mode", mode).is_ok());
        }
        assert_eq!(access_mode_label("other"), "other");
    }
}
