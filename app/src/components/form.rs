//! Form fields with their error shown right under the input. The controlled fields keep
//! their value in a signal, so a wizard keeps what was entered while its steps come and go;
//! a field's hint and error sit right under it and are tied to the input with
//! `aria-describedby`.
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::feedback::{failure, on_success, ErrorBanner};
use crate::error::AppError;

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

/// The ids an input's `aria-describedby` lists: its hint, then its error when it has one.
pub fn described_by(
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
pub fn hint_and_error(
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
    #[prop(optional)] placeholder: Option<&'static str>,
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
                placeholder=placeholder
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

/// Select options from `(value, label)` pairs.
pub fn choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(value, label)| ((*value).to_owned(), (*label).to_owned()))
        .collect()
}

/// Select options whose labels are their values.
pub fn options(values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), (*v).to_owned()))
        .collect()
}

/// A labelled select bound to `value`; `options` are `(value, label)`.
#[component]
pub fn SelectField(
    label: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    options: Vec<(String, String)>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>{label}</label>
            <select
                id=id
                name=id
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by(id, hint.is_some(), error)
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {options.into_iter().map(|(option, text)| {
                    let selected = {
                        let option = option.clone();
                        move || value.get() == option
                    };
                    view! { <option value=option selected=selected>{text}</option> }
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

/// What a form's checks found wrong (each check passes with `Ok`).
pub fn problems<const N: usize>(checks: [Result<(), AppError>; N]) -> Vec<AppError> {
    checks.into_iter().filter_map(Result::err).collect()
}

/// The error to show next to each field of a form: the rules' verdict (`rules`) once the
/// form was submitted (`attempted`), else what the server said about that field.
pub fn field_errors<R>(
    attempted: RwSignal<bool>,
    rules: R,
    server: Signal<Option<AppError>>,
) -> impl Fn(&'static str) -> Signal<Option<String>> + Copy
where
    R: Fn() -> Vec<AppError> + Copy + Send + Sync + 'static,
{
    move |field| {
        Signal::derive(move || {
            attempted
                .get()
                .then(rules)
                .and_then(|errors| errors.into_iter().find(|e| e.field() == Some(field)))
                .or_else(|| server.get().filter(|e| e.field() == Some(field)))
                .map(|error| error.to_string())
        })
    }
}

/// A form's last row: Cancel (when the form can be left) and the submit button, which
/// reads `busy` and is disabled while what it sent is on its way, or while `blocked` says
/// the form is not ready.
#[component]
pub fn FormActions(
    label: &'static str,
    busy: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into, optional)] blocked: Option<Signal<bool>>,
    #[prop(into, optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let disabled = move || pending.get() || blocked.is_some_and(|blocked| blocked.get());
    view! {
        <div class="form-actions">
            {on_cancel.map(|cancel| view! {
                <button type="button" class="btn btn-ghost" on:click=move |_| cancel.run(())>"Cancel"</button>
            })}
            <button type="submit" class="btn btn-primary" disabled=disabled>
                {move || if pending.get() { busy } else { label }}
            </button>
        </div>
    }
}

/// A form that sends one server action: its `rules` are checked on Send (their errors show
/// from then on, as the user types), it sends one request at a time, and what the server
/// refused shows next to its field, or above the form when it belongs to none.
pub struct Sending<S: ServerFn + 'static, R> {
    action: ServerAction<S>,
    attempted: RwSignal<bool>,
    rules: R,
}

impl<S: ServerFn + 'static, R: Copy> Clone for Sending<S, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn + 'static, R: Copy> Copy for Sending<S, R> {}

impl<S, R> Sending<S, R>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    R: Fn() -> Vec<AppError> + Copy + Send + Sync + 'static,
{
    pub fn new(action: ServerAction<S>, rules: R) -> Self {
        Sending {
            action,
            attempted: RwSignal::new(false),
            rules,
        }
    }

    /// The error to show next to `field`.
    pub fn field_error(self, field: &'static str) -> Signal<Option<String>> {
        field_errors(self.attempted, self.rules, self.refused())(field)
    }

    /// What the server refused the last time.
    pub fn refused(self) -> Signal<Option<AppError>> {
        failure(self.action)
    }

    /// What the server refused that belongs to no field.
    pub fn general(self) -> Signal<Option<AppError>> {
        let refused = self.refused();
        Signal::derive(move || refused.get().filter(|e| e.field().is_none()))
    }

    /// Handles Send: checks the rules, and sends `input()` when they pass and nothing is on
    /// its way.
    pub fn send(self, ev: leptos::ev::SubmitEvent, input: impl FnOnce() -> S) {
        ev.prevent_default();
        self.attempted.set(true);
        if !(self.rules)().is_empty() || self.action.pending().get_untracked() {
            return;
        }
        self.action.dispatch(input());
    }

    /// Whether what it sent is on its way.
    pub fn pending(self) -> Memo<bool> {
        self.action.pending()
    }

    /// Empties the form (`reset`) each time the server accepts it.
    pub fn on_success(self, reset: impl Fn() + 'static) {
        on_success(self.action, move || {
            reset();
            self.attempted.set(false);
        });
    }
}

/// A card holding one form that sends `form`: its title, what the server refused that
/// belongs to no field, the fields (`children`), and Cancel (when `on_cancel` is given)
/// with the submit button, which sends `input()`. `inline` lays the fields out in a row.
#[component]
pub fn FormCard<S, R>(
    title: &'static str,
    form: Sending<S, R>,
    input: impl Fn() -> S + Send + Sync + 'static,
    label: &'static str,
    busy: &'static str,
    #[prop(into, optional)] on_cancel: Option<Callback<()>>,
    #[prop(optional)] inline: bool,
    children: Children,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    R: Fn() -> Vec<AppError> + Copy + Send + Sync + 'static,
{
    let class = if inline { "inline-fields" } else { "form" };
    let pending = form.pending();
    let actions = match on_cancel {
        Some(on_cancel) => view! { <FormActions label busy pending on_cancel/> }.into_any(),
        None => view! { <FormActions label busy pending/> }.into_any(),
    };
    view! {
        <section class="card">
            <h2>{title}</h2>
            <ErrorBanner error=form.general()/>
            <form class=class novalidate on:submit=move |ev| form.send(ev, &input)>
                {children()}
                {actions}
            </form>
        </section>
    }
}
