//! PoliciesPage.
use leptos::prelude::*;

#[component]
pub fn PoliciesPage() -> impl IntoView {
    view! { <div></div> }
}
