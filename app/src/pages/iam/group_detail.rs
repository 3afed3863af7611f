//! GroupDetailPage.
use leptos::prelude::*;

#[component]
pub fn GroupDetailPage() -> impl IntoView {
    view! { <div></div> }
}
