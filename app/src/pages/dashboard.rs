//! The dashboard: APIG's process as a checklist.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::process::STEPS;

#[component]
pub fn Dashboard() -> impl IntoView {
    view! {
        <Title text="Dashboard"/>
        <div class="page-header">
            <h1>"Get started"</h1>
            <p class="muted">
                "Portico opens your APIs in five steps. Each step becomes available as this version of Portico grows; until then it says so here."
            </p>
        </div>
        <ol class="checklist">
            {STEPS.iter().enumerate().map(|(index, step)| view! {
                <li class="checklist-step is-unavailable">
                    <span class="step-number" aria-hidden="true">{index + 1}</span>
                    <div class="step-body">
                        <h2 class="step-title">{step.title}</h2>
                        <p>{step.description}</p>
                        <p class="muted small">"Done when " {step.done_when} "."</p>
                    </div>
                    <span class="badge badge-muted">"Not available yet"</span>
                </li>
            }).collect_view()}
        </ol>
        <section class="card">
            <h2>"Traffic"</h2>
            <div class="empty-state">
                <p>"No traffic yet. Calls, errors and latency over time appear here once a gateway serves published APIs."</p>
            </div>
        </section>
    }
}
