//! The dashboard: APIG's process as a checklist, each step with its state and its wizard.
use leptos::prelude::*;

use crate::components::heading::PageHeader;

use crate::api::process_state;
use crate::components::shell::use_shell;
use crate::model::process::STEPS;

#[component]
pub fn Dashboard() -> impl IntoView {
    let shell = use_shell();
    let state = Resource::new(|| (), |_| process_state());
    let done = move |index: usize| {
        state
            .get()
            .and_then(Result::ok)
            .is_some_and(|state| state.done(index))
    };
    let wizard_path = move |path: &str| {
        state
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .wizard_path(path)
    };
    view! {
        <PageHeader title="Dashboard" heading="Get started">
            "Portico opens your APIs in five steps. Each step says whether it is done and leads to its wizard; steps this version does not have yet say what is coming and what you can use today."
        </PageHeader>
        <Transition fallback=|| ()>
            <ol class="checklist">
                {STEPS.iter().enumerate().map(|(index, step)| {
                    let available = step.wizard.is_some();
                    view! {
                        <li
                            class="checklist-step"
                            class:is-unavailable=!available
                            class:is-done=move || done(index)
                            class:is-current=move || available && !done(index)
                            data-step=index + 1
                        >
                            <span class="step-number" aria-hidden="true">{index + 1}</span>
                            <div class="step-body">
                                <h2 class="step-title">{step.title}</h2>
                                <p>{step.description}</p>
                                <p class="muted small">"Done when " {step.done_when} "."</p>
                                {step.coming.map(|(note, label, path)| view! {
                                    <p class="small">{note}</p>
                                    <a class="btn btn-small" href=path>{label}</a>
                                })}
                                {step.wizard.map(|(label, path, action)| view! {
                                    <Show when=move || shell.can(action)>
                                        <a class="btn btn-primary btn-small" href=move || wizard_path(path)>{label}</a>
                                    </Show>
                                })}
                            </div>
                            {if available {
                                view! {
                                    <span class=move || if done(index) { "badge badge-success" } else { "badge badge-info" }>
                                        {move || if done(index) { "Done" } else { "To do" }}
                                    </span>
                                }.into_any()
                            } else {
                                view! { <span class="badge badge-muted">"Coming later"</span> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </Transition>
        <section class="card">
            <h2>"Traffic"</h2>
            <div class="empty-state">
                <p>"No traffic yet. Calls, errors and latency over time appear here once a gateway serves published APIs."</p>
            </div>
        </section>
    }
}
