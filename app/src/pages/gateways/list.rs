//! The gateway list (`/gateways`): search by name on the server, paging, and the way into
//! the "Create a gateway" wizard; with no gateway yet, an empty state that leads there.
use leptos::prelude::*;

use crate::components::heading::PageHeader;

use super::edition_label;
use super::runtime::RuntimeNotice;
use crate::api::gateways::list_gateways;
use crate::components::feedback::{ErrorBanner, Loaded, Loading};
use crate::components::pager::Pager;
use crate::components::shell::use_shell;
use crate::components::table::{
    refused, Column, CreateLink, DataTable, EmptyState, ListState, TableSearch,
};
use crate::model::gateway::{Gateway, MAX_GATEWAYS};
use crate::model::permission::actions;

#[component]
pub fn GatewaysPage() -> impl IntoView {
    let shell = use_shell();
    let list = ListState::new();
    let page = list.page(list_gateways);
    let total = Signal::derive(move || page.get().and_then(Result::ok).map_or(0, |p| p.total));
    let forbidden = move || refused(page);
    view! {
        <PageHeader title="Gateways">
            "Each gateway is an isolated space with its own API groups, APIs, environments, credentials and policies, its own parameters and tags. A project holds up to "
            {MAX_GATEWAYS} " gateways."
        </PageHeader>
        <RuntimeNotice/>
        <Transition fallback=|| ()>
            <Show when=move || { !forbidden() && (total.get() > 0 || list.searching()) }>
                <div class="table-toolbar">
                    <TableSearch list label="Search gateways by name"/>
                    <CreateLink action=actions::apig::instances::create href="/gateways/new" label="Create gateway"/>
                </div>
            </Show>
        </Transition>
        <Loaded resource=page show=move |page| {
            let searched = list.search.get_untracked();
            let can_create = shell.can(actions::apig::instances::create);
            view! {
                <DataTable label="Gateways" columns=gateway_columns() rows=page.gateways list
                    empty=format!("No gateways match “{searched}”.")
                    blank=move || view! { <NoGateway can_create/> }/>
                {(page.total > 0 || !searched.is_empty()).then(|| view! { <Pager offset=list.offset total/> })}
            }
            .into_any()
        }/>
    }
    .into_any()
}

fn gateway_columns() -> Vec<Column<Gateway>> {
    vec![
        Column::new("Name", |gateway: &Gateway| view! {
            <a href=format!("/gateways/{}", gateway.id)>{gateway.name.clone()}</a>
            {(!gateway.description.is_empty()).then(|| view! { <div class="muted small">{gateway.description.clone()}</div> })}
        })
        .sorted("name"),
        Column::new("Edition", |gateway: &Gateway| edition_label(&gateway.spec_id)),
        Column::new("Status", |_: &Gateway| view! { <span class="badge badge-success">"Running"</span> }),
        Column::new("Tags", |gateway: &Gateway| {
            if gateway.tags.is_empty() {
                view! { <span class="muted">"—"</span> }.into_any()
            } else {
                gateway
                    .tags
                    .iter()
                    .map(|tag| view! { <span class="badge badge-muted tag">{format!("{}={}", tag.key, tag.value)}</span> " " })
                    .collect_view()
                    .into_any()
            }
        }),
        Column::new("Created", |gateway: &Gateway| gateway.created_at.clone()).sorted("created"),
    ]
}

/// Shown while the project has no gateway.
#[component]
fn NoGateway(can_create: bool) -> impl IntoView {
    view! {
        <EmptyState title="No gateway yet"
            text="A gateway is where your APIs live: create one, then open APIs on it. The wizard asks for a name and an edition, lets you adjust parameters, tags and inbound ports, and shows everything before it creates the gateway."
            action=can_create.then(|| ("/gateways/new".to_owned(), "Create a gateway with the wizard"))
            permission=actions::apig::instances::create/>
    }
}

/// An area that lives inside a gateway (`/api-groups`, `/environments`) reached from the
/// left navigation: pick the gateway, land on its tab.
#[component]
pub fn GatewayPicker(
    title: &'static str,
    tail: &'static str,
    purpose: &'static str,
) -> impl IntoView {
    let page = Resource::new(|| (), |()| list_gateways(String::new(), String::new(), 0));
    view! {
        <PageHeader title>{purpose}</PageHeader>
        <Transition fallback=|| view! { <Loading/> }>
            {move || page.get().map(|result| match result {
                Ok(page) if page.gateways.is_empty() => view! {
                    <div class="card empty-state">
                        <h2>"No gateway yet"</h2>
                        <p>"These live inside a gateway. Create a gateway first."</p>
                        <a class="btn btn-primary" href="/gateways">"Go to Gateways"</a>
                    </div>
                }
                .into_any(),
                Ok(page) => view! {
                    <section class="card">
                        <h2>"Choose a gateway"</h2>
                        <ul class="link-list">
                            {page.gateways.into_iter().map(|g| view! {
                                <li><a href=format!("/gateways/{}{tail}", g.id)>{g.name}</a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
                .into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}
