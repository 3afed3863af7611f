//! The Overview's tags and inbound ports cards.
use leptos::prelude::*;

use crate::api::gateways::{AddGatewayPort, ChangeGatewayTags, DeleteGatewayPort};
use crate::components::dialog::{send_for, ConfirmDialog};
use crate::components::feedback::{failure, on_success, ErrorBanner};
use crate::components::form::{options, SelectField, TextField};
use crate::components::table::{Column, DataTable};
use crate::model::gateway::{self as rules, Gateway, IngressPort, NewIngressPort, Tag};
use crate::model::permission::actions;

/// Tags, each removable, and a form to add one.
#[component]
pub(super) fn TagsCard(
    gateway: Gateway,
    change: ServerAction<ChangeGatewayTags>,
    shell: crate::components::shell::ShellContext,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let tag = move || Tag {
        key: key.get().trim().to_owned(),
        value: value.get().trim().to_owned(),
    };
    let server_error = failure(change);
    let error = move |field: &'static str| {
        Signal::derive(move || {
            attempted
                .get()
                .then(|| rules::validate_tag("tag", &tag()).err())
                .flatten()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.to_string())
        })
    };
    on_success(change, move || {
        key.set(String::new());
        value.set(String::new());
        attempted.set(false);
    });
    let can_add = shell.can(actions::apig::instanceTags::create);
    let can_remove = shell.can(actions::apig::instanceTags::delete);
    let id = gateway.id.clone();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if rules::validate_tag("tag", &untrack(tag)).is_err() || change.pending().get_untracked() {
            return;
        }
        change.dispatch(ChangeGatewayTags {
            id: id.clone(),
            action: "create".to_owned(),
            tags: vec![untrack(tag)],
        });
    };
    let list = if gateway.tags.is_empty() {
        view! { <p class="muted">"No tags yet. Tags are key–value pairs to find and group gateways by."</p> }.into_any()
    } else {
        gateway
            .tags
            .iter()
            .map(|t| {
                let label = format!("{}={}", t.key, t.value);
                let remove = {
                    let (id, tag) = (gateway.id.clone(), t.clone());
                    move |_| {
                        change.dispatch(ChangeGatewayTags {
                            id: id.clone(),
                            action: "delete".to_owned(),
                            tags: vec![tag.clone()],
                        });
                    }
                };
                view! {
                    <span class="badge badge-muted tag">
                        {label.clone()}
                        {can_remove.then(|| view! {
                            " "
                            <button type="button" class="btn btn-ghost btn-small" aria-label=format!("Remove tag {label}") on:click=remove.clone()>"×"</button>
                        })}
                    </span>
                    " "
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card">
            <h2>"Tags"</h2>
            <ErrorBanner error=server_error/>
            <div>{list}</div>
            {can_add.then(|| view! {
                <form class="inline-fields" novalidate on:submit=add>
                    <TextField label="Key" id="tag_key" value=key error=error("tag.key")/>
                    <TextField label="Value" id="tag_value" value=value error=error("tag.value")/>
                    <button type="submit" class="btn">"Add tag"</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// Inbound ports, each removable after confirming, and a form to add one.
#[component]
pub(super) fn PortsCard(
    gateway_id: String,
    ports: Vec<IngressPort>,
    add: ServerAction<AddGatewayPort>,
    remove: ServerAction<DeleteGatewayPort>,
    can_update: bool,
) -> impl IntoView {
    let protocol = RwSignal::new("HTTP".to_owned());
    let number = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let port = move || NewIngressPort {
        protocol: protocol.get(),
        port: number.get().trim().parse().unwrap_or(-1),
    };
    let live = Signal::derive(move || {
        attempted
            .get()
            .then(|| rules::validate_ingress_port("port", &port()).err())
            .flatten()
            .map(|e| e.to_string())
    });
    let added_error = failure(add);
    on_success(add, move || {
        number.set(String::new());
        attempted.set(false);
    });
    let confirming = RwSignal::new(None::<IngressPort>);
    let dialog_open = RwSignal::new(false);
    Effect::new(move |_| {
        if !dialog_open.get() {
            confirming.set(None);
        }
    });
    Effect::new(move |_| {
        if remove.value().with(|v| v.is_some()) {
            dialog_open.set(false);
        }
    });
    let id = gateway_id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if rules::validate_ingress_port("port", &untrack(port)).is_err()
            || add.pending().get_untracked()
        {
            return;
        }
        add.dispatch(AddGatewayPort {
            id: id.clone(),
            port: untrack(port),
        });
    };
    let columns = vec![
        Column::new("Protocol", |p: &IngressPort| p.protocol.clone()),
        Column::new("Port", |p: &IngressPort| p.port),
        Column::actions(move |p: &IngressPort| {
            let ask = {
                let p = p.clone();
                move |_| {
                    confirming.set(Some(p.clone()));
                    dialog_open.set(true);
                }
            };
            can_update.then(|| view! {
                <button type="button" class="btn btn-small btn-ghost" aria-label=format!("Remove port {}", p.port) on:click=ask>"Remove"</button>
            })
        }),
    ];
    let confirm = send_for(confirming, remove, move |port| DeleteGatewayPort {
        id: gateway_id.clone(),
        port_id: port.id,
    });
    let message = Signal::derive(move || {
        confirming
            .get()
            .map(|p| format!("Callers using port {} will no longer reach this gateway's DEFAULT group there.", p.port))
            .unwrap_or_default()
    });
    let protocols = options(&["HTTP", "HTTPS"]);
    view! {
        <section class="card">
            <h2>"Inbound ports"</h2>
            <ErrorBanner error=failure(remove)/>
            <DataTable label="Inbound ports" columns rows=ports
                empty="No inbound ports. The gateway answers on the shared gateway address."/>
            {can_update.then(|| view! {
                <form class="inline-fields" novalidate on:submit=submit>
                    <SelectField label="Protocol" id="new_port_protocol" value=protocol options=protocols/>
                    <TextField label="Port" id="new_port" value=number
                        error=Signal::derive(move || live.get().or_else(|| added_error.get().map(|e| e.to_string())))
                        hint="1024 to 49151, not used by another gateway."/>
                    <button type="submit" class="btn">"Add port"</button>
                </form>
            })}
            <ConfirmDialog
                open=dialog_open
                title=Signal::derive(move || confirming.get().map(|p| format!("Remove inbound port {}?", p.port)).unwrap_or_default())
                message=message
                confirm_label="Remove port"
                pending=remove.pending()
                on_confirm=confirm
            />
        </section>
    }
    .into_any()
}
