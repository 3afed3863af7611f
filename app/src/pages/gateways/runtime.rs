//! The gateway runtime's status, on the gateway list: the configuration revision it serves
//! and, when the last configuration could not be loaded, why (the previous one keeps
//! serving until the cause is fixed).
use leptos::prelude::*;

use crate::api::gateways::runtime_status;
use crate::domain::runtime::RuntimeStatus;

#[component]
pub fn RuntimeNotice() -> impl IntoView {
    let status = Resource::new(|| (), |_| runtime_status());
    view! {
        <Transition fallback=|| ()>
            {move || status.get().and_then(Result::ok).map(|status| view! { <StatusLine status/> })}
        </Transition>
    }
}

#[component]
fn StatusLine(status: RuntimeStatus) -> impl IntoView {
    let loaded = status
        .loaded_at
        .clone()
        .map(|at| format!(", loaded {at} UTC"))
        .unwrap_or_default();
    let apis = match status.live_apis {
        1 => "1 API live".to_owned(),
        n => format!("{n} APIs live"),
    };
    match status.failure {
        Some(failure) => view! {
            <div class="alert alert-error" role="alert" data-testid="runtime-failure">
                <p>
                    <strong>"The gateway could not load the latest configuration"</strong>
                    {format!(
                        " (revision {}, at {} UTC). It keeps serving revision {} ({apis}); the change is loaded as soon as the cause is fixed.",
                        status.committed_revision, failure.at, status.served_revision
                    )}
                </p>
                <p class="error-code">{failure.message}</p>
            </div>
        }
        .into_any(),
        None => view! {
            <p class="muted small" data-testid="runtime-status">
                <span class=if status.behind() { "badge badge-warning" } else { "badge badge-success" }>
                    {if status.behind() { "Loading" } else { "Runtime up to date" }}
                </span>
                {format!(" Serving configuration revision {}: {apis}{loaded}.", status.served_revision)}
            </p>
        }
        .into_any(),
    }
}
