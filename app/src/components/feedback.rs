//! Showing the outcome of server calls: an error banner (with the permission a refusal
//! lacks and the APIG error code in small print), and a small loading line.
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

/// A banner for an error not tied to one field.
#[component]
pub fn ErrorBanner(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let code = match &error {
                AppError::Forbidden { action } => {
                    format!("Missing permission: {action} · {}", error.code())
                }
                AppError::Transport(_) => String::new(),
                other => other.code().to_owned(),
            };
            let code = (!code.is_empty()).then_some(code);
            view! {
                <div class="alert alert-error" role="alert">
                    {error.to_string()}
                    {code.map(|code| view! { <div class="error-code">{code}</div> })}
                </div>
            }
        })
    }
}

/// What `resource` loads, drawn by `show`: a loading line until it is there, the error in
/// a banner when loading fails. Drawn on the server; a reload keeps the last value shown.
#[component]
pub fn Loaded<T>(
    resource: Resource<Result<T, AppError>>,
    show: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    view! {
        <Transition fallback=Loading>
            {move || resource.get().map(|result| match result {
                Ok(value) => show(value),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted"><span class="spinner" aria-hidden="true"></span>" Loading…"</p> }
}

/// Runs `then` each time `action` is answered, whatever the answer.
pub fn after_each<S>(action: ServerAction<S>, then: impl Fn() + 'static)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Effect::watch(move || action.version().get(), move |_, _, _| then(), false);
}

/// Runs `then` each time `action` succeeds; a refusal leaves the page (and the form
/// showing the error) as it is.
pub fn on_success<S>(action: ServerAction<S>, then: impl Fn() + 'static)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    after_each(action, move || {
        if action.value().with_untracked(|v| matches!(v, Some(Ok(_)))) {
            then();
        }
    });
}

/// Bumps `refresh` each time `action` succeeds, so the page loads what changed.
pub fn refresh_on_success<S>(action: ServerAction<S>, refresh: RwSignal<u32>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    on_success(action, move || refresh.update(|n| *n += 1));
}

/// The error of an action's last run, if it failed.
pub fn failure<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|outcome| match outcome {
            Some(Err(error)) => Some(error.clone()),
            _ => None,
        })
    })
}
