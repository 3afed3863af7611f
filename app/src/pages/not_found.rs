//! The page for a console path that does not exist (status 404 on the server).
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <div class="empty-state card">
            <h1>"Page not found"</h1>
            <p>"There is no console page at this address."</p>
            <a class="btn" href="/">"Go to the dashboard"</a>
        </div>
    }
}
