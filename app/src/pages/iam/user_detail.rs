//! UserDetailPage.
use leptos::prelude::*;

#[component]
pub fn UserDetailPage() -> impl IntoView {
    view! { <div></div> }
}
