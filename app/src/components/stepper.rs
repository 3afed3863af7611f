//! The wizard stepper: every step, where you are, and which are done.
use leptos::prelude::*;

#[component]
pub fn Stepper(
    steps: &'static [&'static str],
    #[prop(into)] current: Signal<usize>,
) -> impl IntoView {
    view! {
        <ol class="stepper" aria-label="Progress">
            {steps.iter().enumerate().map(|(index, label)| view! {
                <li
                    class="stepper-step"
                    class:is-complete=move || index < current.get()
                    class:is-current=move || index == current.get()
                    aria-current=move || (index == current.get()).then_some("step")
                >
                    <span class="stepper-index">{index + 1}</span>
                    <span class="stepper-label">{*label}</span>
                </li>
            }).collect_view()}
        </ol>
    }
}
