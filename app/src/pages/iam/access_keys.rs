//! AccessKeysPage.
use leptos::prelude::*;

#[component]
pub fn AccessKeysPage() -> impl IntoView {
    view! { <div></div> }
}
