//! GroupsPage.
use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    view! { <div></div> }
}
