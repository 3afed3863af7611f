//! The frame of every wizard: its title, the way back, what it does, the stepper, and the
//! steps. A user who lacks the permission the wizard ends with is told so before step 1
//! and is not shown the steps, rather than filling them all to be refused at the end.
use leptos::prelude::*;
use leptos_meta::Title;

use super::details::property_table;
use super::feedback::ErrorBanner;
use super::shell::use_shell;
use super::stepper::Stepper;
use crate::error::AppError;

#[component]
pub fn WizardPage(
    #[prop(into)] title: String,
    /// What the wizard does, in a sentence or two.
    intro: &'static str,
    /// `(href, label)` of the page the wizard comes from ("← APIs").
    #[prop(into)]
    back: Signal<(String, &'static str)>,
    steps: &'static [&'static str],
    #[prop(into)] current: Signal<usize>,
    /// The permission the wizard's last step needs.
    permission: crate::model::permission::Action,
    /// What the user cannot do without it ("create users").
    refused: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let shell = use_shell();
    // While the frame data is unknown the steps show; the server checks again at the end.
    let allowed = move || !shell.loaded() || shell.can(permission);
    view! {
        <Title text=title.clone()/>
        <p class="small">
            {move || {
                let (href, label) = back.get();
                view! { <a href=href>{format!("← {label}")}</a> }
            }}
        </p>
        <div class="page-header">
            <h1>{title}</h1>
            <p class="muted">{intro}</p>
        </div>
        <Show
            when=allowed
            fallback=move || view! {
                <div class="alert alert-error" role="alert">
                    {format!("You cannot {refused}: your user groups do not grant the permission {permission}. Ask an administrator to grant it, then open this wizard again.")}
                    <div class="error-code">{format!("Missing permission: {permission}")}</div>
                </div>
                <p>
                    <a class="btn" href=move || back.get().0>{move || format!("Back to {}", back.get().1)}</a>
                </p>
            }
        >
            <Stepper steps current/>
            {children()}
        </Show>
    }
}

/// A step's card: its title over its fields.
#[component]
pub fn StepCard(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{title}</h2>
            <div class="form">{children()}</div>
        </section>
    }
}

/// What the shared step forms need of a wizard: moving between steps, sending what was
/// entered, and what the server said.
pub trait Flow: Copy + Send + Sync + 'static {
    /// The step shown, by index.
    fn step(&self) -> RwSignal<usize>;
    /// Checks the current step and moves on when it has no error.
    fn next(&self);
    /// Sends everything entered (the only place a wizard creates anything).
    fn submit(&self);
    /// Whether what was sent is still on its way.
    fn pending(&self) -> Signal<bool>;
    /// A server refusal that belongs to no field.
    fn general_error(&self) -> Option<AppError>;

    fn back(&self) {
        self.step().update(|step| *step = step.saturating_sub(1));
    }
}

/// Next on an input step (one before `review`): marks the step tried, after which its errors
/// show as the user types, and moves on when `complete` says it has none. Returns the step
/// it left.
pub fn step_on(
    step: RwSignal<usize>,
    attempted: RwSignal<[bool; 3]>,
    review: usize,
    complete: impl FnOnce(usize) -> bool,
) -> Option<usize> {
    let at = step.get_untracked();
    if at >= review {
        return None;
    }
    attempted.update(|tried| tried[at] = true);
    if !complete(at) {
        return None;
    }
    step.set(at + 1);
    Some(at)
}

/// A refusal in `outcome` that names no field of the wizard's steps (`step_of` places
/// none), for the banner above the form.
pub fn unplaced<T>(
    outcome: Option<Result<T, AppError>>,
    step_of: fn(&str) -> Option<usize>,
) -> Option<AppError> {
    outcome
        .and_then(Result::err)
        .filter(|e| e.field().and_then(step_of).is_none())
}

/// An input step: its fields, then Cancel, Back (after the first step) and Next; Enter
/// moves on too.
#[component]
pub fn StepForm<W: Flow>(
    wizard: W,
    /// Where Cancel goes.
    #[prop(into)]
    cancel: String,
    /// Whether this is the first step (which has no Back).
    first: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <form
            class="form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                wizard.next();
            }
        >
            {children()}
            <div class="form-actions">
                <a class="btn btn-ghost" href=cancel>"Cancel"</a>
                {(!first).then(|| view! {
                    <button type="button" class="btn" on:click=move |_| wizard.back()>"Back"</button>
                })}
                <button type="submit" class="btn btn-primary">"Next"</button>
            </div>
        </form>
    }
}

/// The review step: what the wizard is about to do, and the button that does it (sent
/// once, however often it is pressed).
#[component]
pub fn ReviewForm<W: Flow>(
    wizard: W,
    /// Where Cancel goes.
    #[prop(into)]
    cancel: String,
    /// The button's text, which says when it is on its way ("Creating…").
    #[prop(into)]
    submit: Signal<&'static str>,
    children: Children,
) -> impl IntoView {
    let pending = wizard.pending();
    view! {
        <form
            class="form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if !pending.get_untracked() {
                    wizard.submit();
                }
            }
        >
            <ErrorBanner error=Signal::derive(move || wizard.general_error())/>
            {children()}
            <div class="form-actions">
                <a class="btn btn-ghost" href=cancel>"Cancel"</a>
                <button type="button" class="btn" on:click=move |_| wizard.back()>"Back"</button>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {submit}
                </button>
            </div>
        </form>
    }
}

/// A section of the review step, with a button back to the step it came from.
pub fn review_section(
    wizard: impl Flow,
    title: &'static str,
    step: usize,
    rows: impl IntoView,
) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{title}</h2>
            {property_table(rows)}
            <div class="form-actions">
                <button type="button" class="btn btn-small" on:click=move |_| wizard.step().set(step)>
                    {format!("Change {}", title.to_lowercase())}
                </button>
            </div>
        </section>
    }
}

/// After the server answered: the done step, or back to the step `place` gives the field it
/// refused, where `show` shows the refusal; a refusal of no field stays on the review step.
pub fn follow<T>(
    outcome: Option<Result<T, AppError>>,
    step: RwSignal<usize>,
    done: usize,
    place: impl Fn(&str) -> Option<usize>,
    show: impl FnOnce(AppError),
) {
    match outcome {
        Some(Ok(_)) => step.set(done),
        Some(Err(error)) => {
            if let Some(at) = error.field().and_then(place) {
                show(error);
                step.set(at);
            }
        }
        None => {}
    }
}
