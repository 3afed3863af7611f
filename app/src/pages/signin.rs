//! The sign-in page, the only page reachable without a session.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::SignIn;
use crate::components::form::FormField;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || action.value().get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            error()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.to_string())
        })
    };
    let form_error = move || {
        error()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Sign in"/>
        <main class="signin">
            <div class="signin-card card">
                <div class="brand brand-large">
                    <span class="brand-mark" aria-hidden="true">"P"</span>
                    "Portico"
                </div>
                <h1>"Sign in to the console"</h1>
                <p class="muted">"Use your IAM user name and password."</p>
                {move || form_error().map(|message| view! {
                    <div class="alert alert-error" role="alert">{message}</div>
                })}
                <ActionForm action attr:class="form" attr:novalidate="">
                    <input type="hidden" name="next" value=next/>
                    <FormField
                        label="User name"
                        name="user_name"
                        autocomplete="username"
                        autofocus=true
                        error=field_error("user_name")
                    />
                    <FormField
                        label="Password"
                        name="password"
                        input_type="password"
                        autocomplete="current-password"
                        error=field_error("password")
                    />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
