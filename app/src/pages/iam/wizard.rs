//! CreateUserWizard.
use leptos::prelude::*;

#[component]
pub fn CreateUserWizard() -> impl IntoView {
    view! { <div></div> }
}
