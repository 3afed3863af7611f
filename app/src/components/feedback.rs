//! Showing the outcome of server calls: an error banner (with the permission a refusal
//! lacks), and a small loading line.
use leptos::prelude::*;

use crate::error::AppError;

/// A banner for an error not tied to one field.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let code = match &error {
                AppError::Forbidden { action } => Some(format!("Missing permission: {action}")),
                _ => None,
            };
            view! {
                <div class="alert alert-error" role="alert">
                    {error.to_string()}
                    {code.map(|code| view! { <div class="error-code">{code}</div> })}
                </div>
            }
        })
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted"><span class="spinner" aria-hidden="true"></span>" Loading…"</p> }
}
