//! AuditPage.
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <div></div> }
}
