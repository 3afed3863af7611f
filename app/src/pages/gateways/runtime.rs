//! The gateway runtime's status, on the gateway list: whether callers already get every
//! published change and, when the latest change could not be applied, why (callers keep
//! getting the APIs as they were until the cause is fixed). The configuration's revision
//! number is in small print, for operators comparing it with the logs.
use leptos::prelude::*;

use crate::api::gateways::runtime_status;
use crate::model::runtime::RuntimeStatus;

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
        .map(|at| format!(" The last change was applied at {at} UTC."))
        .unwrap_or_default();
    let apis = match status.live_apis {
        1 => "1 API live".to_owned(),
        n => format!("{n} APIs live"),
    };
    match status.failure {
        Some(failure) => view! {
            <div class="alert alert-error" role="alert" data-testid="runtime-failure">
                <p>
                    <strong>"The gateways could not apply the latest change"</strong>
                    {format!(
                        " (tried at {} UTC). Callers keep getting the APIs as they were before it ({apis}); the change applies as soon as the cause is fixed.",
                        failure.at
                    )}
                </p>
                <p class="error-code">
                    {failure.message}
                    {format!(" · configuration revision {} wanted, {} served", status.committed_revision, status.served_revision)}
                </p>
            </div>
        }
        .into_any(),
        None => view! {
            <p class="muted small" data-testid="runtime-status">
                <span class=if status.behind() { "badge badge-warning" } else { "badge badge-success" }>
                    {if status.behind() { "Applying changes" } else { "Up to date" }}
                </span>
                {if status.behind() {
                    format!(" Callers get the latest published changes in a moment: {apis} so far.{loaded}")
                } else {
                    format!(" Callers get every published change: {apis}.{loaded}")
                }}
                <span class="error-code">{format!(" Configuration revision {}", status.served_revision)}</span>
            </p>
        }
        .into_any(),
    }
}
