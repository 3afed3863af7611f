//! A gateway's API groups (`/gateways/:id/groups`): each group with the subdomain it is
//! reached at, a form to create one, and deletion after a confirmation. The DEFAULT group
//! belongs to the gateway and stays.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{GatewayTab, GatewayTabs};
use crate::api::groups::{list_api_groups, CreateApiGroup, DeleteApiGroup, GroupsView};
use crate::components::copy::CopyButton;
use crate::components::dialog::ConfirmDialog;
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner, Loading};
use crate::components::form::{field_errors, TextField};
use crate::components::heading::ScopedHeading;
use crate::components::pager::Pager;
use crate::components::shell::use_shell;
use crate::domain::group::{validate_group_name, validate_remark, ApiGroup};
use crate::error::AppError;

#[component]
pub fn GatewayGroupsPage() -> impl IntoView {
    let params = use_params_map();
    let gateway_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let search = RwSignal::new(String::new());
    let offset = RwSignal::new(0_i64);
    let refresh = RwSignal::new(0_u32);
    let create = ServerAction::<CreateApiGroup>::new();
    let delete = ServerAction::<DeleteApiGroup>::new();
    refresh_on_success(create, refresh);
    refresh_on_success(delete, refresh);
    let view_data = Resource::new(
        move || (gateway_id.get(), search.get(), offset.get(), refresh.get()),
        |(id, search, offset, _)| list_api_groups(id, search, offset),
    );
    let total = Signal::derive(move || {
        view_data
            .get()
            .and_then(Result::ok)
            .map_or(0, |v| v.page.total)
    });
    view! {
        <Title text="API groups"/>
        <p class="small"><a href="/gateways">"← Gateways"</a></p>
        <div class="page-header">
            <ScopedHeading
                name=Signal::derive(move || view_data.get().and_then(Result::ok).map(|v| v.gateway_name))
                title="API groups"
            />
            <p class="muted">
                "An API group holds related APIs. Callers reach a group's APIs at its subdomain on the gateway; the DEFAULT group also answers on the gateway's inbound ports."
            </p>
        </div>
        <GatewayTabs gateway_id=gateway_id.get_untracked() current=GatewayTab::Groups/>
        <div class="table-toolbar">
            <input
                type="search"
                class="table-search"
                aria-label="Search groups by name"
                placeholder="Search by name"
                prop:value=move || search.get()
                on:input=move |ev| {
                    search.set(event_target_value(&ev));
                    offset.set(0);
                }
            />
        </div>
        <ErrorBanner error=failure(delete)/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || view_data.get().map(|result| match result {
                Ok(data) => view! {
                    <GroupTable data delete gateway_id=gateway_id.get_untracked()/>
                    <Pager offset total/>
                }
                .into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
        <CreateGroupCard gateway_id create/>
    }
    .into_any()
}

#[component]
fn GroupTable(
    data: GroupsView,
    delete: ServerAction<DeleteApiGroup>,
    gateway_id: String,
) -> impl IntoView {
    let shell = use_shell();
    let can_delete = shell.can("apig:groups:delete");
    let confirming = RwSignal::new(None::<ApiGroup>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if delete.value().with(Option::is_some) {
            open.set(false);
        }
    });
    let suffix = data.subdomain_suffix.clone();
    let rows = {
        let gateway_id = gateway_id.clone();
        data
        .page
        .groups
        .into_iter()
        .map(|group| {
            let domain = group.sl_domain(&suffix);
            let ask = {
                let group = group.clone();
                move |_| {
                    delete.clear();
                    confirming.set(Some(group.clone()));
                    open.set(true);
                }
            };
            view! {
                <tr>
                    <td>
                        <a href=format!("/gateways/{gateway_id}/groups/{}", group.id)>{group.name.clone()}</a>
                        {group.is_default.then(|| view! { " " <span class="badge badge-info">"Default"</span> })}
                    </td>
                    <td><code>{domain.clone()}</code> <CopyButton text=domain what="subdomain"/></td>
                    <td>{if group.remark.is_empty() { "—".to_owned() } else { group.remark.clone() }}</td>
                    <td>{group.created_at.clone()}</td>
                    <td class="row-actions">
                        <a class="btn btn-small" href=format!("/gateways/{gateway_id}/groups/{}", group.id)
                            aria-label=format!("Domains of group {}", group.name)>"Domains"</a>
                        {(can_delete && !group.is_default).then(|| view! {
                            <button type="button" class="btn btn-small btn-ghost"
                                aria-label=format!("Delete group {}", group.name) on:click=ask.clone()>"Delete"</button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view()
    };
    let confirm = move || {
        if let Some(group) = confirming.get_untracked() {
            delete.dispatch(DeleteApiGroup {
                gateway_id: gateway_id.clone(),
                group_id: group.id,
            });
        }
    };
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Subdomain"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <ConfirmDialog
            open
            title=Signal::derive(move || confirming.get().map(|g| format!("Delete group {}?", g.name)).unwrap_or_default())
            message=Signal::derive(move || confirming.get().map(|g| format!(
                "Group {} is deleted with its variables in every environment, and its subdomain stops answering. This cannot be undone.",
                g.name
            )).unwrap_or_default())
            confirm_label="Delete group"
            pending=delete.pending()
            on_confirm=confirm
        />
    }
    .into_any()
}

#[component]
fn CreateGroupCard(
    gateway_id: Memo<String>,
    create: ServerAction<CreateApiGroup>,
) -> impl IntoView {
    let shell = use_shell();
    let name = RwSignal::new(String::new());
    let remark = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let errors = move || -> Vec<AppError> {
        [
            validate_group_name("name", name.get().trim()),
            validate_remark("remark", &remark.get(), 1000),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect()
    };
    let server_error = failure(create);
    let field_error = field_errors(attempted, errors, server_error);
    let general = Signal::derive(move || server_error.get().filter(|e| e.field().is_none()));
    Effect::new(move |_| {
        if create.value().with(|v| matches!(v, Some(Ok(_)))) {
            name.set(String::new());
            remark.set(String::new());
            attempted.set(false);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if !errors().is_empty() || create.pending().get_untracked() {
            return;
        }
        create.dispatch(CreateApiGroup {
            gateway_id: gateway_id.get_untracked(),
            name: name.get_untracked(),
            remark: remark.get_untracked(),
        });
    };
    move || {
        shell.can("apig:groups:create").then(|| view! {
            <section class="card">
                <h2>"Create an API group"</h2>
                <form class="form" novalidate on:submit=submit>
                    <ErrorBanner error=general/>
                    <TextField label="Group name" id="group_name" value=name error=field_error("name")
                        hint="3 to 255 characters: letters, digits and - _ . / ( ) :, starting with a letter or a digit."/>
                    <TextField label="Group description" id="group_remark" multiline=true value=remark error=field_error("remark")
                        hint="Optional, at most 1000 characters."/>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>"Create group"</button>
                    </div>
                </form>
            </section>
        })
    }
}
