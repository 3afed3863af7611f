//! One API (`/gateways/:id/apis/:api_id`): tabs for the frontend request, the backend, the
//! parameters and publishing. Publishing shows, per environment, what is live and whether
//! the draft differs; publishes the draft, takes it offline, and switches back to an
//! earlier version from the history. Deleting asks first.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::api_debug::DebugPanel;
use super::apis::{live_badges, route_label};
use super::{curl_line, GatewayTab, GatewayTabs};
use crate::api::apis::{get_api, ApiView, DeleteApi, OfflineApi, PublishApi, SwitchApiVersion};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, row};
use crate::components::dialog::ConfirmDialog;
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner, Loading};
use crate::components::shell::use_shell;
use crate::domain::api::ApiDefinition;

#[derive(Clone, Copy)]
struct Actions {
    publish: ServerAction<PublishApi>,
    offline: ServerAction<OfflineApi>,
    switch: ServerAction<SwitchApiVersion>,
    delete: ServerAction<DeleteApi>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Frontend,
    Backend,
    Parameters,
    Publishing,
    Debug,
}

#[component]
pub fn ApiDetailPage() -> impl IntoView {
    let params = use_params_map();
    let gateway_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let api_id = Memo::new(move |_| params.read().get("api_id").unwrap_or_default());
    let refresh = RwSignal::new(0_u32);
    // Outside the reloading part, so a reload after an action keeps the open tab.
    // `?tab=debug` (the Open-an-API wizard's last step links there) opens the Debug tab.
    let query = leptos_router::hooks::use_query_map();
    let opened = if query.read_untracked().get("tab").as_deref() == Some("debug") {
        Tab::Debug
    } else {
        Tab::Frontend
    };
    let tab = RwSignal::new(opened);
    let actions = Actions {
        publish: ServerAction::new(),
        offline: ServerAction::new(),
        switch: ServerAction::new(),
        delete: ServerAction::new(),
    };
    refresh_on_success(actions.publish, refresh);
    refresh_on_success(actions.offline, refresh);
    refresh_on_success(actions.switch, refresh);
    let data = Resource::new(
        move || (gateway_id.get(), api_id.get(), refresh.get()),
        |(gateway, api, _)| get_api(gateway, api),
    );
    let title = move || {
        data.get()
            .and_then(Result::ok)
            .map_or_else(|| "API".to_owned(), |v| v.api.definition.name)
    };
    view! {
        <Title text=title/>
        <p class="small"><a href=move || format!("/gateways/{}/apis", gateway_id.get())>"← APIs"</a></p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || data.get().map(|result| match result {
                Ok(view_data) => view! { <ApiView data=view_data actions tab/> }.into_any(),
                Err(error) => view! {
                    <div class="page-header"><h1>"API"</h1></div>
                    <ErrorBanner error=Some(error)/>
                }
                .into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn ApiView(data: ApiView, actions: Actions, tab: RwSignal<Tab>) -> impl IntoView {
    let shell = use_shell();
    let api = data.api.clone();
    let gateway_id = api.gateway_id.clone();
    let delete_open = RwSignal::new(false);
    let navigate = use_navigate();
    {
        let gateway_id = gateway_id.clone();
        Effect::new(move |_| match actions.delete.value().get() {
            Some(Ok(())) => navigate(&format!("/gateways/{gateway_id}/apis"), Default::default()),
            Some(Err(_)) => delete_open.set(false),
            None => {}
        });
    }
    let delete = {
        let (gateway_id, api_id) = (gateway_id.clone(), api.id.clone());
        move || {
            actions.delete.dispatch(DeleteApi {
                gateway_id: gateway_id.clone(),
                api_id: api_id.clone(),
            });
        }
    };
    let tabs = [
        (Tab::Frontend, "Frontend request"),
        (Tab::Backend, "Backend"),
        (Tab::Parameters, "Parameters"),
        (Tab::Publishing, "Publishing"),
        (Tab::Debug, "Debug"),
    ];
    let delete_message = if api.publications.is_empty() {
        format!(
            "API {} is deleted with its published history. This cannot be undone.",
            api.definition.name
        )
    } else {
        format!(
            "API {} is live in {}: take it offline there first.",
            api.definition.name,
            api.publications
                .iter()
                .map(|p| p.env_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    view! {
        <div class="page-header">
            <h1>{api.definition.name.clone()} " " {live_badges(&api)}</h1>
            <p class="muted">
                <code>{route_label(&api)}</code> " in group " {api.group_name.clone()} " · API ID " <code>{api.id.clone()}</code>
                <CopyButton text=api.id.clone() what="API ID"/>
            </p>
            <div class="form-actions">
                {shell.can("apig:apis:update").then(|| view! {
                    <a class="btn btn-primary" href=format!("/gateways/{}/apis/{}/edit", api.gateway_id, api.id)>"Edit API"</a>
                })}
                {shell.can("apig:apis:delete").then(|| view! {
                    <button type="button" class="btn btn-danger" on:click=move |_| delete_open.set(true)>"Delete API"</button>
                })}
            </div>
        </div>
        <GatewayTabs gateway_id=gateway_id.clone() current=GatewayTab::Apis/>
        <ErrorBanner error=failure(actions.delete)/>
        <div class="tabs" role="tablist" aria-label="API">
            {tabs.into_iter().map(|(value, label)| view! {
                <button type="button" class="tab" role="tab" aria-selected=move || (tab.get() == value).to_string()
                    on:click=move |_| tab.set(value)>{label}</button>
            }).collect_view()}
        </div>
        {move || match tab.get() {
            Tab::Frontend => frontend(&data.api.definition).into_any(),
            Tab::Backend => backend(&data.api.definition).into_any(),
            Tab::Parameters => parameters(&data.api.definition).into_any(),
            Tab::Publishing => view! { <Publishing data=data.clone() actions/> }.into_any(),
            Tab::Debug => view! { <DebugPanel api=data.api.clone()/> }.into_any(),
        }}
        <ConfirmDialog
            open=delete_open
            title=format!("Delete API {}?", api.definition.name)
            message=delete_message
            confirm_label="Delete API"
            pending=actions.delete.pending()
            on_confirm=delete
        />
    }
    .into_any()
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "Yes"
    } else {
        "No"
    }
}

fn frontend(d: &ApiDefinition) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Frontend request"</h2>
            <div class="table-wrap"><table class="table"><tbody>
                {row("Method", d.req_method.clone())}
                {row("Path", view! { <code>{d.req_uri.clone()}</code> })}
                {row("Match", if d.match_mode == "SWA" { "Prefix: the path and everything under it" } else { "Exact path" })}
                {row("Protocol", d.req_protocol.clone())}
                {row("Authentication", if d.auth_type == "NONE" { "None: anyone who can reach the gateway may call it".to_owned() } else { d.auth_type.clone() })}
                {row("CORS", yes_no(d.cors))}
                {row("Description", or_none(d.remark.clone()))}
            </tbody></table></div>
        </section>
    }
}

fn backend(d: &ApiDefinition) -> impl IntoView {
    let body = match (&d.backend_api, &d.mock_info) {
        (Some(b), _) if d.backend_type == "HTTP" => view! {
            {row("Type", "HTTP")}
            {row("Address", view! { <code>{format!("{}://{}", b.req_protocol.to_lowercase(), b.url_domain)}</code> })}
            {row("Method", b.req_method.clone())}
            {row("Path", view! { <code>{b.req_uri.clone()}</code> })}
            {row("Timeout", format!("{} ms", b.timeout))}
            {row("Retries", if b.retry_count.trim() == "-1" { "Idempotent methods once".to_owned() } else { b.retry_count.clone() })}
        }
        .into_any(),
        (_, Some(m)) => view! {
            {row("Type", "Mock")}
            {row("Status", m.status_code.to_string())}
            {row("Headers", or_none(m.headers.iter().map(|h| format!("{}: {}", h.key, h.value)).collect::<Vec<_>>().join(", ")))}
            {row("Body", view! { <pre class="mono">{m.result_content.clone()}</pre> })}
        }
        .into_any(),
        _ => view! { {row("Type", d.backend_type.clone())} }.into_any(),
    };
    view! {
        <section class="card">
            <h2>"Backend"</h2>
            <div class="table-wrap"><table class="table"><tbody>{body}</tbody></table></div>
        </section>
    }
}

fn parameters(d: &ApiDefinition) -> impl IntoView {
    let request = if d.req_params.is_empty() {
        view! { <tr><td class="table-empty" colspan="5">"No request parameters."</td></tr> }
            .into_any()
    } else {
        d.req_params
            .iter()
            .map(|p| {
                let mut rules = Vec::new();
                if !p.enumerations.is_empty() {
                    rules.push(format!("one of {}", p.enumerations));
                }
                if let (Some(min), Some(max)) = (p.min_num, p.max_num) {
                    rules.push(format!("{min} to {max}"));
                }
                if let Some(max) = p.max_size {
                    rules.push(format!("at most {max} characters"));
                }
                if !p.default_value.is_empty() {
                    rules.push(format!("default {}", p.default_value));
                }
                view! {
                    <tr>
                        <td><code>{p.name.clone()}</code></td>
                        <td>{p.location.clone()}</td>
                        <td>{p.kind.clone()}</td>
                        <td>{yes_no(p.required == 1)}</td>
                        <td>{or_none(rules.join("; "))}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let mapping = if d.backend_params.is_empty() {
        view! { <tr><td class="table-empty" colspan="3">"No backend parameters: request parameters pass through under their own names."</td></tr> }.into_any()
    } else {
        d.backend_params
            .iter()
            .map(|p| {
                let source = match p.origin.as_str() {
                    "REQUEST" => format!("request parameter {}", p.value),
                    "CONSTANT" => format!("constant {:?}", p.value),
                    _ => format!("system value {}", p.value),
                };
                view! {
                    <tr>
                        <td><code>{p.name.clone()}</code></td>
                        <td>{p.location.clone()}</td>
                        <td>{source}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card">
            <h2>"Request parameters"</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Location"</th><th scope="col">"Type"</th><th scope="col">"Required"</th><th scope="col">"Rules"</th></tr></thead>
                <tbody>{request}</tbody>
            </table></div>
        </section>
        <section class="card">
            <h2>"Backend parameters"</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Location"</th><th scope="col">"Value from"</th></tr></thead>
                <tbody>{mapping}</tbody>
            </table></div>
        </section>
    }
}

#[component]
fn Publishing(data: ApiView, actions: Actions) -> impl IntoView {
    let shell = use_shell();
    let can_publish = shell.can("apig:apis:publish");
    let can_offline = shell.can("apig:apis:offline");
    let api = data.api.clone();
    let group = data
        .scope
        .groups
        .iter()
        .find(|g| g.id == api.definition.group_id)
        .cloned();
    let confirm_offline = RwSignal::new(None::<(String, String)>);
    let offline_open = RwSignal::new(false);
    Effect::new(move |_| {
        if actions.offline.value().with(Option::is_some) {
            offline_open.set(false);
        }
    });
    let rows = data
        .scope
        .environments
        .iter()
        .map(|env| {
            let live = api.publications.iter().find(|p| p.env_id == env.id).cloned();
            let publish = {
                let (gateway_id, api_id, env_id) = (api.gateway_id.clone(), api.id.clone(), env.id.clone());
                move |_| {
                    actions.publish.dispatch(PublishApi {
                        gateway_id: gateway_id.clone(),
                        api_id: api_id.clone(),
                        env_id: env_id.clone(),
                        remark: String::new(),
                    });
                }
            };
            let ask_offline = {
                let (env_id, env_name) = (env.id.clone(), env.name.clone());
                move |_| {
                    confirm_offline.set(Some((env_id.clone(), env_name.clone())));
                    offline_open.set(true);
                }
            };
            let state = match &live {
                Some(p) if p.matches_draft => view! { <span class="badge badge-success">"Live"</span> " since " {p.published_at.clone()} }.into_any(),
                Some(p) => view! {
                    <span class="badge badge-success">"Live"</span> " since " {p.published_at.clone()} " "
                    <span class="badge badge-warning">"Draft differs"</span>
                }
                .into_any(),
                None => view! { <span class="badge badge-muted">"Not published"</span> }.into_any(),
            };
            let call = match (&live, &group) {
                (Some(_), Some(group)) => {
                    let line = curl_line(&api.definition, group, &data.scope.endpoints, &env.name);
                    view! { <code class="curl">{line.clone()}</code> <CopyButton text=line what="curl command"/> }.into_any()
                }
                _ => view! { <span class="muted">"—"</span> }.into_any(),
            };
            let publish_label = if live.is_some() { "Publish the draft" } else { "Publish" };
            view! {
                <tr>
                    <th scope="row">{env.name.clone()}</th>
                    <td>{state}</td>
                    <td>{call}</td>
                    <td class="actions">
                        {can_publish.then(|| view! {
                            <button type="button" class="btn btn-small" aria-label=format!("{publish_label} to {}", env.name)
                                disabled=move || actions.publish.pending().get() on:click=publish.clone()>{publish_label}</button>
                        })}
                        {(can_offline && live.is_some()).then(|| view! {
                            " "
                            <button type="button" class="btn btn-small btn-ghost" aria-label=format!("Take offline from {}", env.name)
                                on:click=ask_offline.clone()>"Take offline"</button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let history = if data.versions.is_empty() {
        view! { <tr><td class="table-empty" colspan="5">"Not published yet: each publish records a version here."</td></tr> }.into_any()
    } else {
        data.versions
            .iter()
            .map(|v| {
                let switch = {
                    let (gateway_id, api_id, version_id) = (api.gateway_id.clone(), api.id.clone(), v.version_id.clone());
                    move |_| {
                        actions.switch.dispatch(SwitchApiVersion {
                            gateway_id: gateway_id.clone(),
                            api_id: api_id.clone(),
                            version_id: version_id.clone(),
                        });
                    }
                };
                view! {
                    <tr>
                        <td>{v.published_at.clone()}</td>
                        <td>{v.env_name.clone()}</td>
                        <td>{v.published_by.clone()}</td>
                        <td>{or_none(v.remark.clone())}</td>
                        <td>
                            {if v.live {
                                view! { <span class="badge badge-success">"Live"</span> }.into_any()
                            } else if can_publish {
                                view! {
                                    <button type="button" class="btn btn-small" aria-label=format!("Switch {} to the version of {}", v.env_name, v.published_at)
                                        on:click=switch>"Switch to this version"</button>
                                }
                                .into_any()
                            } else {
                                ().into_any()
                            }}
                        </td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let take_offline = {
        let (gateway_id, api_id) = (api.gateway_id.clone(), api.id.clone());
        move || {
            if let Some((env_id, _)) = confirm_offline.get_untracked() {
                actions.offline.dispatch(OfflineApi {
                    gateway_id: gateway_id.clone(),
                    api_id: api_id.clone(),
                    env_id,
                });
            }
        }
    };
    view! {
        <ErrorBanner error=failure(actions.publish)/>
        <ErrorBanner error=failure(actions.offline)/>
        <ErrorBanner error=failure(actions.switch)/>
        <section class="card">
            <h2>"Environments"</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">"Environment"</th><th scope="col">"State"</th><th scope="col">"Call it"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        </section>
        <section class="card">
            <h2>"Publish history"</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">"Published"</th><th scope="col">"Environment"</th><th scope="col">"By"</th><th scope="col">"Note"</th><th scope="col">"State"</th></tr></thead>
                <tbody>{history}</tbody>
            </table></div>
        </section>
        <ConfirmDialog
            open=offline_open
            title=Signal::derive(move || confirm_offline.get().map(|(_, name)| format!("Take {} offline from {name}?", api.definition.name)).unwrap_or_default())
            message=Signal::derive(move || confirm_offline.get().map(|(_, name)| format!("Calls in {name} will get 404 until it is published there again. Its history stays.")).unwrap_or_default())
            confirm_label="Take offline"
            pending=actions.offline.pending()
            on_confirm=take_offline
        />
    }
    .into_any()
}
