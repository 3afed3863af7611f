//! A gateway's APIs (`/gateways/:id/apis`): search by name, filter by group and by the
//! environment an API is live in, paging; where each API is live and whether its draft
//! differs from what is live; the way into the "Open an API" wizard.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::transfer::{ExportCard, ImportCard};
use crate::api::apis::{list_apis, ApisView, BatchApis, BatchResult};
use crate::components::feedback::{failure, on_success, ErrorBanner, Loading};
use crate::components::heading::ScopedHeading;
use crate::components::pager::Pager;
use crate::components::route::path_param;
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable, EmptyState, ListState, Selection, TableSearch};
use crate::model::api::ApiInfo;
use crate::model::api_group::Environment;
use crate::model::permission::actions;

/// "GET /orders/{id}" with "(prefix)" for prefix matches.
pub fn route_label(api: &ApiInfo) -> String {
    let d = &api.definition;
    let prefix = if d.match_mode == "SWA" {
        " (prefix)"
    } else {
        ""
    };
    format!("{} {}{prefix}", d.req_method, d.req_uri)
}

/// Where an API is live, with a marker when the draft differs from what is live.
pub fn live_badges(api: &ApiInfo) -> impl IntoView {
    if api.publications.is_empty() {
        return view! { <span class="badge badge-muted">"Not published"</span> }.into_any();
    }
    let differs = api.publications.iter().any(|p| !p.matches_draft);
    view! {
        {api.publications.iter().map(|p| view! {
            <span class="badge badge-success">{p.env_name.clone()}</span> " "
        }).collect_view()}
        {differs.then(|| view! { <span class="badge badge-warning" title="The draft has changes that are not published">"Draft differs"</span> })}
    }
    .into_any()
}

#[component]
pub fn GatewayApisPage() -> impl IntoView {
    let shell = use_shell();
    let query = use_query_map();
    let gateway_id = path_param("id");
    let list = ListState::new();
    // `?group=` comes from links such as a group's "See its APIs".
    let group = RwSignal::new(query.read_untracked().get("group").unwrap_or_default());
    let env = RwSignal::new(String::new());
    let refresh = RwSignal::new(0_u32);
    let data = Resource::new(
        move || {
            (
                gateway_id.get(),
                list.search.get(),
                group.get(),
                env.get(),
                list.sort.get().as_param(),
                list.offset.get(),
                refresh.get(),
            )
        },
        |(id, search, group, env, sort, offset, _)| list_apis(id, search, group, env, sort, offset),
    );
    let total = Signal::derive(move || data.get().and_then(Result::ok).map_or(0, |v| v.total));
    let filtered = move || !group.get().is_empty() || !env.get().is_empty();
    let new_href = move || format!("/gateways/{}/apis/new", gateway_id.get());
    let chosen = RwSignal::new(Vec::<String>::new());
    // Outside the reloading parts, so the outcome of a bulk action outlives the reload it
    // causes.
    let batch = ServerAction::<BatchApis>::new();
    let last_online = RwSignal::new(true);
    on_success(batch, move || {
        chosen.set(Vec::new());
        refresh.update(|n| *n += 1);
    });
    view! {
        <Title text="APIs"/>
        <p class="small"><a href="/gateways">"← Gateways"</a></p>
        <div class="page-header">
            <ScopedHeading
                name=Signal::derive(move || data.get().and_then(Result::ok).map(|v| v.scope.gateway_name))
                title="APIs"
            />
            <p class="muted">
                "Each API pairs a request callers send with the backend that answers it. Edits change the draft; callers see a change once it is published to an environment."
            </p>
        </div>
        <Transition fallback=|| ()>
            {move || data.get().and_then(Result::ok).map(|view_data| {
                let groups = view_data.scope.groups.clone();
                let envs = view_data.scope.environments.clone();
                view! {
                    <div class="table-toolbar">
                        <TableSearch list label="Search APIs by name"/>
                        <select aria-label="Group" prop:value=move || group.get()
                            on:change=move |ev| { group.set(event_target_value(&ev)); list.offset.set(0); }>
                            <option value="">"All groups"</option>
                            {groups.into_iter().map(|g| view! { <option value=g.id.clone() selected=g.id == group.get_untracked()>{g.name}</option> }).collect_view()}
                        </select>
                        <select aria-label="Live in" prop:value=move || env.get()
                            on:change=move |ev| { env.set(event_target_value(&ev)); list.offset.set(0); }>
                            <option value="">"Any environment"</option>
                            {envs.into_iter().map(|e| view! { <option value=e.id>{format!("Live in {}", e.name)}</option> }).collect_view()}
                        </select>
                        {shell.can(actions::apig::apis::create).then(|| view! {
                            <div class="table-toolbar-actions">
                                <a class="btn btn-primary" href=new_href>"Open an API"</a>
                            </div>
                        })}
                    </div>
                    <BulkBar gateway_id=gateway_id.get_untracked() environments=view_data.scope.environments chosen batch last_online/>
                }
            })}
        </Transition>
        <ErrorBanner error=failure(batch)/>
        {move || batch.value().get().and_then(Result::ok).map(|results| view! {
            <BatchResults results online=last_online.get_untracked()/>
        })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || data.get().map(|result| match result {
                Ok(view_data) => {
                    let can_create = shell.can(actions::apig::apis::create);
                    let href = new_href();
                    let bulk = shell.can(actions::apig::apis::publish) || shell.can(actions::apig::apis::offline);
                    view! {
                        <DataTable
                            label="APIs"
                            columns=api_columns(gateway_id.get_untracked())
                            rows=view_data.apis
                            list
                            selection=bulk.then_some(Selection { chosen, id_and_name: |api: &ApiInfo| (api.id.clone(), api.definition.name.clone()) })
                            filtered=filtered()
                            empty="No APIs match these filters."
                            blank=move || view! {
                                <EmptyState
                                    title="No APIs yet"
                                    text="The Open-an-API wizard walks you through the request callers send, the backend that answers, and publishing it to an environment; it ends with a curl line to call it."
                                    action=can_create.then(|| (href.clone(), "Open an API with the wizard"))
                                    permission=actions::apig::apis::create
                                />
                            }
                        />
                        {(view_data.total > 0 || filtered() || list.searching()).then(|| view! { <Pager offset=list.offset total/> })}
                    }
                    .into_any()
                }
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
        <TransferCards gateway_id data refresh/>
    }
    .into_any()
}

/// Publishing or taking offline the ticked APIs in one environment, with each API's
/// outcome.
#[component]
fn BulkBar(
    gateway_id: String,
    environments: Vec<Environment>,
    chosen: RwSignal<Vec<String>>,
    batch: ServerAction<BatchApis>,
    last_online: RwSignal<bool>,
) -> impl IntoView {
    let shell = use_shell();
    let env = RwSignal::new(
        environments
            .iter()
            .find(|e| e.name == "RELEASE")
            .or(environments.first())
            .map(|e| e.id.clone())
            .unwrap_or_default(),
    );
    let run = move |online: bool| {
        let gateway_id = gateway_id.clone();
        move |_| {
            last_online.set(online);
            batch.dispatch(BatchApis {
                gateway_id: gateway_id.clone(),
                api_ids: chosen.get_untracked(),
                env_id: env.get_untracked(),
                online,
            });
        }
    };
    let count = move || chosen.with(Vec::len);
    view! {
        <Show when=move || { count() > 0 }>
            <div class="bulk-bar" role="region" aria-label="Bulk actions">
                <strong>{move || if count() == 1 { "1 API chosen".to_owned() } else { format!("{} APIs chosen", count()) }}</strong>
                <select aria-label="Environment for the chosen APIs" prop:value=move || env.get()
                    on:change=move |ev| env.set(event_target_value(&ev))>
                    {environments.iter().map(|e| view! { <option value=e.id.clone()>{format!("in {}", e.name)}</option> }).collect_view()}
                </select>
                {shell.can(actions::apig::apis::publish).then(|| view! {
                    <button type="button" class="btn btn-primary btn-small" disabled=move || batch.pending().get()
                        on:click=run(true)>"Publish"</button>
                })}
                {shell.can(actions::apig::apis::offline).then(|| view! {
                    <button type="button" class="btn btn-small" disabled=move || batch.pending().get()
                        on:click=run(false)>"Take offline"</button>
                })}
                <button type="button" class="btn btn-small btn-ghost" on:click=move |_| chosen.set(Vec::new())>"Clear"</button>
                {move || batch.pending().get().then(|| view! { <progress aria-label="Working on the chosen APIs"></progress> })}
            </div>
        </Show>
    }
}

/// Each API's outcome of the last bulk action.
#[component]
fn BatchResults(results: Vec<BatchResult>, online: bool) -> impl IntoView {
    let done = results.iter().filter(|r| r.error.is_none()).count();
    let verb = if online { "published" } else { "taken offline" };
    let summary = format!("{done} of {} {verb}.", results.len());
    view! {
        <section class="card" aria-label="Results of the bulk action">
            <h2>{summary}</h2>
            <DataTable
                label="Results"
                columns=vec![
                    Column::new("API", |r: &BatchResult| if r.name.is_empty() { r.api_id.clone() } else { r.name.clone() }),
                    Column::new("Result", move |r: &BatchResult| match &r.error {
                        None => view! { <span class="badge badge-success">{if online { "Published" } else { "Taken offline" }}</span> }.into_any(),
                        Some(error) => view! { <span class="badge badge-danger">"Failed"</span> " " {error.clone()} }.into_any(),
                    }),
                ]
                rows=results
            />
        </section>
    }
}

fn api_columns(gateway_id: String) -> Vec<Column<ApiInfo>> {
    vec![
        Column::new("Name", move |api: &ApiInfo| view! {
            <a href=format!("/gateways/{gateway_id}/apis/{}", api.id)>{api.definition.name.clone()}</a>
        })
        .sorted("name"),
        Column::new("Request", |api: &ApiInfo| view! { <code>{route_label(api)}</code> }).sorted("path"),
        Column::new("Group", |api: &ApiInfo| api.group_name.clone()),
        Column::new("Live in", live_badges),
        Column::new("Backend", |api: &ApiInfo| {
            let backend = match api.definition.backend_api.as_ref() {
                Some(b) if api.definition.backend_type == "HTTP" => {
                    format!("{}://{}{}", b.req_protocol.to_lowercase(), b.url_domain, b.req_uri)
                }
                _ => "Mock".to_owned(),
            };
            view! { <code class="wrap-anywhere">{backend}</code> }
        }),
    ]
}

/// Import and export, for those who may; loaded once with the page's scope.
#[component]
fn TransferCards(
    gateway_id: Memo<String>,
    data: Resource<Result<ApisView, crate::error::AppError>>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let shell = use_shell();
    let scope = Memo::new(move |_| data.get().and_then(Result::ok).map(|v| v.scope));
    let on_done = Callback::new(move |()| refresh.update(|n| *n += 1));
    view! {
        <Transition fallback=|| ()>
            {move || scope.get().map(|scope| view! {
                <details class="transfer">
                    <summary>"Import and export"</summary>
                    {shell.can(actions::apig::apis::import).then(|| view! {
                        <ImportCard gateway_id=gateway_id.get_untracked() scope=scope.clone() on_done/>
                    })}
                    {shell.can(actions::apig::apis::export).then(|| view! {
                        <ExportCard gateway_id=gateway_id.get_untracked() scope=scope.clone()/>
                    })}
                </details>
            })}
        </Transition>
    }
}
