//! A confirmation dialog for destructive actions: it names what will be removed and what
//! depends on it, and nothing happens until the user confirms.
use std::future::Future;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

/// A key handler that sets `open` to false when Escape is pressed.
pub fn closes_on_escape(open: RwSignal<bool>) -> impl Fn(leptos::ev::KeyboardEvent) + Clone {
    move |ev| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    }
}

/// Shown while `open` is true. `on_confirm` runs once when the user confirms; Cancel,
/// Escape or a click outside closes it.
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] message: Signal<String>,
    #[prop(into, default = "Delete".into())] confirm_label: Signal<String>,
    #[prop(into, optional)] pending: Signal<bool>,
    on_confirm: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let on_confirm = std::sync::Arc::new(on_confirm);
    view! {
        <Show when=move || open.get()>
            {
                let on_confirm = on_confirm.clone();
                view! {
                    <div
                        class="dialog-backdrop"
                        on:click=move |_| open.set(false)
                        on:keydown=closes_on_escape(open)
                    >
                        <div
                            class="dialog"
                            role="alertdialog"
                            aria-modal="true"
                            aria-labelledby="dialog-title"
                            on:click=|ev| ev.stop_propagation()
                        >
                            <h2 class="dialog-title" id="dialog-title">{move || title.get()}</h2>
                            <div class="dialog-body">
                                <p>{move || message.get()}</p>
                            </div>
                            <div class="dialog-actions">
                                <button type="button" class="btn" on:click=move |_| open.set(false)>"Cancel"</button>
                                <button
                                    type="button"
                                    class="btn btn-danger"
                                    disabled=move || pending.get()
                                    on:click={
                                        let on_confirm = on_confirm.clone();
                                        move |_| on_confirm()
                                    }
                                >
                                    {move || confirm_label.get()}
                                </button>
                            </div>
                        </div>
                    </div>
                }
            }
        </Show>
    }
}

/// What a deletion removes, for `ConfirmDelete`: the thing, what goes with it, and, when
/// the server would refuse, why and what to do first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// What goes, as a user names it: "API group orders".
    pub what: String,
    /// What goes with it or stops working.
    pub with: Vec<String>,
    /// What else the user should know before deleting.
    pub notes: Vec<String>,
    /// Why the deletion cannot happen yet.
    pub blocked: Option<Blocked>,
}

/// Why a deletion would be refused, and where to go to make it possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub reason: String,
    /// `(href, label)` of the page where the user does what is needed first.
    pub then: Option<(String, String)>,
}

impl Removal {
    pub fn new(what: impl Into<String>) -> Self {
        Removal {
            what: what.into(),
            with: Vec::new(),
            notes: Vec::new(),
            blocked: None,
        }
    }

    /// Something that goes with it, or stops working, as a sentence.
    pub fn with(mut self, consequence: impl Into<String>) -> Self {
        self.with.push(consequence.into());
        self
    }

    /// Something else to know before deleting, as a sentence.
    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    /// The server would refuse: `reason`, and the page that fixes it.
    pub fn blocked(mut self, reason: impl Into<String>, then: Option<(String, String)>) -> Self {
        self.blocked = Some(Blocked {
            reason: reason.into(),
            then,
        });
        self
    }
}

/// The dialog before a deletion, shown while `open` and `removal` holds one. It names
/// what goes and what goes with it; when the deletion would be refused it says what to do
/// first, with a link, and offers no Delete button. `on_confirm` runs when the user
/// confirms; Cancel, Escape or a click outside closes it.
#[component]
pub fn ConfirmDelete(
    open: RwSignal<bool>,
    #[prop(into)] removal: Signal<Option<Removal>>,
    #[prop(into, optional)] pending: Signal<bool>,
    /// For what is costly to lose (a gateway): the user types `.1` into `.0` first.
    #[prop(optional)]
    typed: Option<(RwSignal<String>, String)>,
    /// Why the last attempt failed, shown in the dialog.
    #[prop(into, optional)]
    error: Signal<Option<String>>,
    on_confirm: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let on_confirm = std::sync::Arc::new(on_confirm);
    let close = move || open.set(false);
    let typed = StoredValue::new(typed);
    let confirmed = move || {
        typed.with_value(|typed| {
            typed
                .as_ref()
                .is_none_or(|(value, expected)| value.with(|v| v.trim() == expected))
        })
    };
    move || {
        removal.get().filter(|_| open.get()).map(|shown| {
            let on_confirm = on_confirm.clone();
            let title = match shown.blocked {
                Some(_) => format!("{} cannot be deleted yet", capitalised(&shown.what)),
                None => format!("Delete {}?", shown.what),
            };
            let body = match shown.blocked.clone() {
                Some(blocked) => view! {
                    <p>{blocked.reason}</p>
                    {blocked.then.map(|(href, label)| view! {
                        <p><a class="btn btn-primary" href=href on:click=move |_| close()>{label}</a></p>
                    })}
                }
                .into_any(),
                None => view! {
                    {(!shown.with.is_empty()).then(|| view! {
                        <p>"Deleting it also:"</p>
                        <ul class="dialog-list">
                            {shown.with.iter().map(|item| view! { <li>{item.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    {shown.notes.iter().map(|note| view! { <p>{note.clone()}</p> }).collect_view()}
                    <p>"This cannot be undone."</p>
                    {typed.get_value().map(|(value, expected)| view! {
                        <div class="field">
                            <label for="confirm_name">{format!("Type {expected} to confirm")}</label>
                            <input id="confirm_name" type="text" autocomplete="off" bind:value=value/>
                        </div>
                    })}
                    {move || error.get().map(|error| view! { <div class="alert alert-error" role="alert">{error}</div> })}
                }
                .into_any(),
            };
            let confirm = shown.blocked.is_none().then(|| view! {
                <button type="button" class="btn btn-danger" disabled=move || pending.get() || !confirmed()
                    on:click=move |_| on_confirm()>
                    {format!("Delete {}", shown.what)}
                </button>
            });
            view! {
                <div class="dialog-backdrop" on:click=move |_| close()
                    on:keydown=closes_on_escape(open)>
                    <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title"
                        on:click=|ev| ev.stop_propagation()>
                        <h2 class="dialog-title" id="dialog-title">{title}</h2>
                        <div class="dialog-body">{body}</div>
                        <div class="dialog-actions">
                            <button type="button" class="btn" on:click=move |_| close()>
                                {if confirm.is_some() { "Cancel" } else { "Close" }}
                            </button>
                            {confirm}
                        </div>
                    </div>
                </div>
            }
        })
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What a dialog about `subject` needs to know, loaded by `load` each time the dialog opens
/// on one (`Ok(None)` while it is closed).
pub fn load_on_open<T, U, F>(
    open: RwSignal<bool>,
    subject: RwSignal<Option<T>>,
    load: impl Fn(T) -> F + 'static,
) -> LocalResource<Result<Option<U>, AppError>>
where
    T: Clone + Send + Sync + 'static,
    U: 'static,
    F: Future<Output = Result<U, AppError>> + 'static,
{
    LocalResource::new(move || {
        let loading = subject.get().filter(|_| open.get()).map(&load);
        async move {
            match loading {
                Some(loading) => loading.await.map(Some),
                None => Ok(None),
            }
        }
    })
}

/// What confirming a dialog about `subject` does: sends `action` with `input(subject)`.
pub fn send_for<T, S>(
    subject: RwSignal<Option<T>>,
    action: ServerAction<S>,
    input: impl Fn(T) -> S + Send + Sync + 'static,
) -> impl Fn() + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    move || {
        if let Some(subject) = subject.get_untracked() {
            action.dispatch(input(subject));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removal_keeps_what_goes_with_it_in_order() {
        let removal = Removal::new("API group orders")
            .with("its variables in every environment")
            .with("its subdomain stops answering");
        assert_eq!(removal.with.len(), 2);
        assert!(removal.blocked.is_none());
        let blocked = removal.blocked(
            "It holds 2 APIs.",
            Some(("/apis".into(), "Its APIs".into())),
        );
        assert_eq!(blocked.blocked.unwrap().reason, "It holds 2 APIs.");
        assert_eq!(capitalised("API group orders"), "API group orders");
        assert_eq!(capitalised("user ann"), "User ann");
    }
}
