//! UsersPage.
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! { <div></div> }
}
