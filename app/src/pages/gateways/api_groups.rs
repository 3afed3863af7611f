//! A gateway's API groups (`/gateways/:id/groups`): each group with the subdomain it is
//! reached at, a form to create one, and deletion after a confirmation. The DEFAULT group
//! belongs to the gateway and stays.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::api_groups::{list_api_groups, CreateApiGroup, DeleteApiGroup, GroupsView};
use crate::components::copy::CopyButton;
use crate::components::dialog::{ConfirmDelete, Removal};
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner, Loading};
use crate::components::form::{problems, FormCard, Sending, TextField};
use crate::components::heading::ScopedHeading;
use crate::components::pager::Pager;
use crate::components::route::path_param;
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable, ListState, TableSearch};
use crate::error::AppError;
use crate::model::api_group::{validate_group_name, validate_remark, ApiGroup};
use crate::model::gateway::counted;
use crate::model::permission::actions;

#[component]
pub fn GatewayGroupsPage() -> impl IntoView {
    let gateway_id = path_param("id");
    let list = ListState::new();
    let refresh = RwSignal::new(0_u32);
    let create = ServerAction::<CreateApiGroup>::new();
    let delete = ServerAction::<DeleteApiGroup>::new();
    refresh_on_success(create, refresh);
    refresh_on_success(delete, refresh);
    let view_data = Resource::new(
        move || {
            (
                gateway_id.get(),
                list.search.get(),
                list.sort.get().as_param(),
                list.offset.get(),
                refresh.get(),
            )
        },
        |(id, search, sort, offset, _)| list_api_groups(id, search, sort, offset),
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
        <div class="table-toolbar">
            <TableSearch list label="Search groups by name"/>
        </div>
        <ErrorBanner error=failure(delete)/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || view_data.get().map(|result| match result {
                Ok(data) => view! {
                    <GroupTable data list delete gateway_id=gateway_id.get_untracked()/>
                    <Pager offset=list.offset total/>
                }
                .into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
        <CreateGroupCard gateway_id create/>
    }
    .into_any()
}

/// What deleting `group` removes, or why it cannot go yet (it holds `apis` APIs).
fn group_removal(group: &ApiGroup, apis: i64, apis_href: String) -> Removal {
    let removal = Removal::new(format!("API group {}", group.name))
        .with("its variables in every environment")
        .with("its subdomain and bound domain names stop answering");
    if apis > 0 {
        removal.blocked(
            format!(
                "It still holds {}. Take them offline and delete them (or move them to another group) first.",
                counted(apis, "API", "APIs")
            ),
            Some((apis_href, format!("See the APIs of {}", group.name))),
        )
    } else {
        removal
    }
}

#[component]
fn GroupTable(
    data: GroupsView,
    list: ListState,
    delete: ServerAction<DeleteApiGroup>,
    gateway_id: String,
) -> impl IntoView {
    let shell = use_shell();
    let can_delete = shell.can(actions::apig::groups::delete);
    let removal = RwSignal::new(None::<Removal>);
    let open = RwSignal::new(false);
    let target = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if delete.value().with(Option::is_some) {
            open.set(false);
        }
    });
    let suffix = data.subdomain_suffix.clone();
    let counts = data.api_counts.clone();
    let base = gateway_id.clone();
    let columns = vec![
        Column::new("Name", {
            let base = base.clone();
            move |group: &ApiGroup| view! {
                <a href=format!("/gateways/{base}/groups/{}", group.id)>{group.name.clone()}</a>
                {group.is_default.then(|| view! { " " <span class="badge badge-info">"Default"</span> })}
            }
        })
        .sorted("name"),
        Column::new("Subdomain", move |group: &ApiGroup| {
            let domain = group.sl_domain(&suffix);
            view! { <code class="wrap-anywhere">{domain.clone()}</code> " " <CopyButton text=domain what="subdomain"/> }
        }),
        Column::new("APIs", {
            let counts = counts.clone();
            move |group: &ApiGroup| counts.get(&group.id).copied().unwrap_or(0)
        }),
        Column::new("Description", |group: &ApiGroup| {
            if group.remark.is_empty() { "—".to_owned() } else { group.remark.clone() }
        }),
        Column::new("Created", |group: &ApiGroup| group.created_at.clone()).sorted("created"),
        Column::actions(move |group: &ApiGroup| {
            let apis = counts.get(&group.id).copied().unwrap_or(0);
            let ask = {
                let group = group.clone();
                let apis_href = format!("/gateways/{base}/apis?group={}", group.id);
                move |_| {
                    delete.clear();
                    target.set_value(Some(group.id.clone()));
                    removal.set(Some(group_removal(&group, apis, apis_href.clone())));
                    open.set(true);
                }
            };
            view! {
                <a class="btn btn-small" href=format!("/gateways/{base}/groups/{}", group.id)
                    aria-label=format!("Domains of group {}", group.name)>"Domains"</a>
                {(can_delete && !group.is_default).then(|| view! {
                    <button type="button" class="btn btn-small btn-ghost"
                        aria-label=format!("Delete group {}", group.name) on:click=ask>"Delete"</button>
                })}
            }
        }),
    ];
    let confirm = move || {
        if let Some(group_id) = target.get_value() {
            delete.dispatch(DeleteApiGroup {
                gateway_id: gateway_id.clone(),
                group_id,
            });
        }
    };
    let searched = list.search.get_untracked();
    view! {
        <DataTable label="API groups" columns rows=data.page.groups list
            empty=format!("No groups match “{searched}”.")/>
        <ConfirmDelete open removal pending=delete.pending() on_confirm=confirm/>
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
    let errors = move || -> Vec<AppError> {
        problems([
            validate_group_name("name", name.get().trim()),
            validate_remark("remark", &remark.get(), 1000),
        ])
    };
    let form = Sending::new(create, errors);
    form.on_success(move || {
        name.set(String::new());
        remark.set(String::new());
    });
    let input = move || CreateApiGroup {
        gateway_id: gateway_id.get_untracked(),
        name: name.get_untracked(),
        remark: remark.get_untracked(),
    };
    move || {
        shell.can(actions::apig::groups::create).then(|| view! {
            <FormCard title="Create an API group" form input label="Create group" busy="Creating…">
                <TextField label="Group name" id="group_name" value=name error=form.field_error("name")
                    hint="3 to 255 characters: letters, digits and - _ . / ( ) :, starting with a letter or a digit."/>
                <TextField label="Group description" id="group_remark" multiline=true value=remark error=form.field_error("remark")
                    hint="Optional, at most 1000 characters."/>
            </FormCard>
        })
    }
}
