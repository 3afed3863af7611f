//! A gateway's APIs (`/gateways/:id/apis`): search by name, filter by group and by the
//! environment an API is live in, paging; where each API is live and whether its draft
//! differs from what is live; the way into the "Open an API" wizard.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::transfer::{ExportCard, ImportCard};
use super::{GatewayTab, GatewayTabs};
use crate::api::apis::{list_apis, ApisView};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::heading::ScopedHeading;
use crate::components::pager::Pager;
use crate::components::shell::use_shell;
use crate::domain::api::ApiInfo;

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
    let params = use_params_map();
    let gateway_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let search = RwSignal::new(String::new());
    let group = RwSignal::new(String::new());
    let env = RwSignal::new(String::new());
    let offset = RwSignal::new(0_i64);
    let refresh = RwSignal::new(0_u32);
    let data = Resource::new(
        move || {
            (
                gateway_id.get(),
                search.get(),
                group.get(),
                env.get(),
                offset.get(),
                refresh.get(),
            )
        },
        |(id, search, group, env, offset, _)| list_apis(id, search, group, env, offset),
    );
    let total = Signal::derive(move || data.get().and_then(Result::ok).map_or(0, |v| v.total));
    let filtered =
        move || !search.get().is_empty() || !group.get().is_empty() || !env.get().is_empty();
    let new_href = move || format!("/gateways/{}/apis/new", gateway_id.get());
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
        <GatewayTabs gateway_id=gateway_id.get_untracked() current=GatewayTab::Apis/>
        <Transition fallback=|| ()>
            {move || data.get().and_then(Result::ok).map(|view_data| {
                let groups = view_data.scope.groups.clone();
                let envs = view_data.scope.environments.clone();
                view! {
                    <div class="table-toolbar">
                        <input type="search" class="table-search" aria-label="Search APIs by name" placeholder="Search by name"
                            prop:value=move || search.get()
                            on:input=move |ev| { search.set(event_target_value(&ev)); offset.set(0); }/>
                        <select aria-label="Group" prop:value=move || group.get()
                            on:change=move |ev| { group.set(event_target_value(&ev)); offset.set(0); }>
                            <option value="">"All groups"</option>
                            {groups.into_iter().map(|g| view! { <option value=g.id>{g.name}</option> }).collect_view()}
                        </select>
                        <select aria-label="Live in" prop:value=move || env.get()
                            on:change=move |ev| { env.set(event_target_value(&ev)); offset.set(0); }>
                            <option value="">"Any environment"</option>
                            {envs.into_iter().map(|e| view! { <option value=e.id>{format!("Live in {}", e.name)}</option> }).collect_view()}
                        </select>
                        {shell.can("apig:apis:create").then(|| view! {
                            <div class="table-toolbar-actions">
                                <a class="btn btn-primary" href=new_href>"Open an API"</a>
                            </div>
                        })}
                    </div>
                }
            })}
        </Transition>
        <Transition fallback=|| view! { <Loading/> }>
            {move || data.get().map(|result| match result {
                Ok(view_data) if view_data.total == 0 && !filtered() => view! {
                    <div class="card empty-state">
                        <h2>"No APIs yet"</h2>
                        <p>"The Open-an-API wizard walks you through the request callers send, the backend that answers, and publishing it to an environment; it ends with a curl line to call it."</p>
                        {if shell.can("apig:apis:create") {
                            view! { <a class="btn btn-primary" href=new_href()>"Open an API with the wizard"</a> }.into_any()
                        } else {
                            view! { <p class="muted">"Ask an administrator: you lack the permission apig:apis:create."</p> }.into_any()
                        }}
                    </div>
                }
                .into_any(),
                Ok(view_data) => view! {
                    <ApiTable data=view_data gateway_id=gateway_id.get_untracked()/>
                    <Pager offset total/>
                }
                .into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
        <TransferCards gateway_id data refresh/>
    }
    .into_any()
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
                    {shell.can("apig:apis:import").then(|| view! {
                        <ImportCard gateway_id=gateway_id.get_untracked() scope=scope.clone() on_done/>
                    })}
                    {shell.can("apig:apis:export").then(|| view! {
                        <ExportCard gateway_id=gateway_id.get_untracked() scope=scope.clone()/>
                    })}
                </details>
            })}
        </Transition>
    }
}

#[component]
fn ApiTable(data: ApisView, gateway_id: String) -> impl IntoView {
    let rows = if data.apis.is_empty() {
        view! { <tr><td class="table-empty" colspan="5">"No APIs match these filters."</td></tr> }
            .into_any()
    } else {
        data.apis
            .into_iter()
            .map(|api| {
                let backend = match api.definition.backend_api.as_ref() {
                    Some(b) if api.definition.backend_type == "HTTP" => {
                        format!("{}://{}{}", b.req_protocol.to_lowercase(), b.url_domain, b.req_uri)
                    }
                    _ => "Mock".to_owned(),
                };
                view! {
                    <tr>
                        <td><a href=format!("/gateways/{gateway_id}/apis/{}", api.id)>{api.definition.name.clone()}</a></td>
                        <td><code>{route_label(&api)}</code></td>
                        <td>{api.group_name.clone()}</td>
                        <td>{live_badges(&api)}</td>
                        <td><code>{backend}</code></td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Request"</th>
                        <th scope="col">"Group"</th>
                        <th scope="col">"Live in"</th>
                        <th scope="col">"Backend"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
