//! The frame of every wizard: its title, the way back, what it does, the stepper, and the
//! steps. A user who lacks the permission the wizard ends with is told so before step 1
//! and is not shown the steps, rather than filling them all to be refused at the end.
use leptos::prelude::*;
use leptos_meta::Title;

use super::shell::use_shell;
use super::stepper::Stepper;

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
