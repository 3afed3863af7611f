//! Form fields with their error shown right under the input.
use leptos::prelude::*;

/// A labelled input whose error (if any) is announced and shown beneath it.
#[component]
pub fn FormField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] autofocus: bool,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let input_id = format!("field-{name}");
    let error_id = format!("field-{name}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=input_id.clone()>{label}</label>
            <input
                id=input_id
                name=name
                type=input_type
                autocomplete=autocomplete
                autofocus=autofocus
                required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by
            />
            {move || error.get().map(|message| view! {
                <p class="field-error" id=error_id.clone()>{message}</p>
            })}
        </div>
    }
}
