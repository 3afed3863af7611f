//! One API (`/gateways/:id/apis/:api_id`): tabs for the frontend request, the backend, the
//! parameters and publishing. Publishing shows, per environment, what is live and whether
//! the draft differs; publishes the draft, takes it offline, and switches back to an
//! earlier version from the history. Deleting asks first.
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::api_debug::DebugPanel;
use super::apis::{live_badges, route_label};
use super::curl_line;
use crate::api::apis::{get_api, ApiView, DeleteApi, OfflineApi, PublishApi, SwitchApiVersion};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, property_table, row};
use crate::components::dialog::{ConfirmDelete, ConfirmDialog, Removal};
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner, Loading};
use crate::components::heading::LoadedTitle;
use crate::components::route::path_param;
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable};
use crate::model::api::{ApiDefinition, BackendParam, Publication, ReqParam, VersionInfo};
use crate::model::api_group::Environment;
use crate::model::credential::Authorization;
use crate::model::permission::actions;

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

impl Tab {
    const ALL: [(Tab, &'static str, &'static str); 5] = [
        (Tab::Frontend, "frontend", "Frontend request"),
        (Tab::Backend, "backend", "Backend"),
        (Tab::Parameters, "parameters", "Parameters"),
        (Tab::Publishing, "publishing", "Publishing"),
        (Tab::Debug, "debug", "Debug"),
    ];

    /// The tab `?tab=` names; the first one when it names none.
    fn from_param(param: Option<&str>) -> Tab {
        Tab::ALL
            .iter()
            .find(|(_, name, _)| Some(*name) == param)
            .map_or(Tab::Frontend, |(tab, _, _)| *tab)
    }
}

#[component]
pub fn ApiDetailPage() -> impl IntoView {
    let gateway_id = path_param("id");
    let api_id = path_param("api_id");
    let refresh = RwSignal::new(0_u32);
    // The open tab is in the address (`?tab=debug`, where the Open-an-API wizard's last
    // step links), so a reload, a link or a page without JavaScript opens the same tab.
    let query = leptos_router::hooks::use_query_map();
    let tab = Memo::new(move |_| Tab::from_param(query.read().get("tab").as_deref()));
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
    view! {
        <LoadedTitle resource=data fallback="API" name=|v| v.api.definition.name/>
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
fn ApiView(data: ApiView, actions: Actions, tab: Memo<Tab>) -> impl IntoView {
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
    let removal = Removal::new(format!("API {}", api.definition.name))
        .with("its published versions and their history");
    let removal = if api.publications.is_empty() {
        removal
    } else {
        let live: Vec<&str> = api
            .publications
            .iter()
            .map(|p| p.env_name.as_str())
            .collect();
        removal.blocked(
            format!(
                "It is live in {}: take it offline there first, so callers are not cut off by surprise.",
                live.join(", ")
            ),
            Some(("?tab=publishing".to_owned(), "Go to Publishing".to_owned())),
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
                {shell.can(actions::apig::apis::update).then(|| view! {
                    <a class="btn btn-primary" href=format!("/gateways/{}/apis/{}/edit", api.gateway_id, api.id)>"Edit API"</a>
                })}
                {shell.can(actions::apig::apis::delete).then(|| view! {
                    <button type="button" class="btn btn-danger" on:click=move |_| delete_open.set(true)>"Delete API"</button>
                })}
            </div>
        </div>
        <ErrorBanner error=failure(actions.delete)/>
        <nav class="tabs" aria-label="API">
            {Tab::ALL.into_iter().map(|(value, name, label)| view! {
                <a class="tab" href=format!("?tab={name}") aria-current=move || (tab.get() == value).then_some("page")>{label}</a>
            }).collect_view()}
        </nav>
        {move || match tab.get() {
            Tab::Frontend => view! {
                {frontend(&data.api.definition)}
                {(data.api.definition.auth_type == "APP").then(|| callers(&data))}
            }.into_any(),
            Tab::Backend => backend(&data.api.definition).into_any(),
            Tab::Parameters => parameters(&data.api.definition).into_any(),
            Tab::Publishing => view! { <Publishing data=data.clone() actions/> }.into_any(),
            Tab::Debug => {
                let mut signers: Vec<(String, String)> = data
                    .authorizations
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| (a.credential_id, a.credential_name))
                    .collect();
                signers.sort();
                signers.dedup();
                view! { <DebugPanel api=data.api.clone() signers/> }.into_any()
            }
        }}
        <ConfirmDelete
            open=delete_open
            removal=Some(removal)
            pending=actions.delete.pending()
            on_confirm=delete
        />
    }
    .into_any()
}

/// The credentials authorized to call an APP-authenticated API, per environment.
fn callers(data: &ApiView) -> impl IntoView {
    let gateway_id = data.api.gateway_id.clone();
    let wizard = format!("/gateways/{gateway_id}/credentials/authorize");
    let body = match data.authorizations.clone() {
        Ok(authorizations) => {
            let columns = vec![
                Column::new("Credential", move |a: &Authorization| {
                    view! {
                        <a href=format!("/gateways/{gateway_id}/credentials/{}", a.credential_id)>{a.credential_name.clone()}</a>
                    }
                }),
                Column::new("Environment", |a: &Authorization| a.env_name.clone()),
                Column::new("Since", |a: &Authorization| a.created_at.clone()),
            ];
            view! {
                <DataTable label="Credentials that may call it" columns rows=authorizations
                    empty="No credential may call it yet: every call is refused until you authorize one."/>
            }
            .into_any()
        }
        Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
    };
    view! {
        <section class="card">
            <h2>"Credentials that may call it"</h2>
            {body}
            <p><a class="btn" href=wizard>"Authorize credentials"</a></p>
        </section>
    }
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
            {property_table(view! {
                {row("Method", d.req_method.clone())}
                {row("Path", view! { <code>{d.req_uri.clone()}</code> })}
                {row("Match", if d.match_mode == "SWA" { "Prefix: the path and everything under it" } else { "Exact path" })}
                {row("Protocol", d.req_protocol.clone())}
                {row("Authentication", match (d.auth_type.as_str(), d.auth_opt.app_code_auth_type.as_str()) {
                    ("NONE", _) => "None: anyone who can reach the gateway may call it".to_owned(),
                    ("APP", "HEADER") => "App: an authorized credential's signature, or its AppCode over HTTPS".to_owned(),
                    ("APP", _) => "App: an authorized credential's signature".to_owned(),
                    ("IAM", _) => "IAM: any IAM user's token, or a signature with the user's access key".to_owned(),
                    (other, _) => other.to_owned(),
                })}
                {row("CORS", yes_no(d.cors))}
                {row("Description", or_none(d.remark.clone()))}
            })}
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
            {property_table(view! {{body}})}
        </section>
    }
}

fn parameters(d: &ApiDefinition) -> impl IntoView {
    let request = vec![
        Column::new(
            "Name",
            |p: &ReqParam| view! { <code>{p.name.clone()}</code> },
        ),
        Column::new("Location", |p: &ReqParam| p.location.clone()),
        Column::new("Type", |p: &ReqParam| p.kind.clone()),
        Column::new("Required", |p: &ReqParam| yes_no(p.required == 1)),
        Column::new("Rules", |p: &ReqParam| {
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
            or_none(rules.join("; "))
        }),
    ];
    let mapping = vec![
        Column::new(
            "Name",
            |p: &BackendParam| view! { <code>{p.name.clone()}</code> },
        ),
        Column::new("Location", |p: &BackendParam| p.location.clone()),
        Column::new("Value from", |p: &BackendParam| match p.origin.as_str() {
            "REQUEST" => format!("request parameter {}", p.value),
            "CONSTANT" => format!("constant {:?}", p.value),
            _ => format!("system value {}", p.value),
        }),
    ];
    view! {
        <section class="card">
            <h2>"Request parameters"</h2>
            <DataTable label="Request parameters" columns=request rows=d.req_params.clone()
                empty="No request parameters."/>
        </section>
        <section class="card">
            <h2>"Backend parameters"</h2>
            <DataTable label="Backend parameters" columns=mapping rows=d.backend_params.clone()
                empty="No backend parameters: request parameters pass through under their own names."/>
        </section>
    }
}

/// An environment on the Publishing tab, with what is live there.
#[derive(Debug, Clone)]
struct EnvRow {
    env: Environment,
    live: Option<Publication>,
}

#[component]
fn Publishing(data: ApiView, actions: Actions) -> impl IntoView {
    let shell = use_shell();
    let can_publish = shell.can(actions::apig::apis::publish);
    let can_offline = shell.can(actions::apig::apis::offline);
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
    let rows: Vec<EnvRow> = data
        .scope
        .environments
        .iter()
        .map(|env| EnvRow {
            env: env.clone(),
            live: api
                .publications
                .iter()
                .find(|p| p.env_id == env.id)
                .cloned(),
        })
        .collect();
    let endpoints = data.scope.endpoints.clone();
    let environments = {
        let api = api.clone();
        vec![
            Column::new(
                "Environment",
                |row: &EnvRow| view! { <strong>{row.env.name.clone()}</strong> },
            ),
            Column::new("State", |row: &EnvRow| {
                match &row.live {
                Some(p) if p.matches_draft => view! { <span class="badge badge-success">"Live"</span> " since " {p.published_at.clone()} }.into_any(),
                Some(p) => view! {
                    <span class="badge badge-success">"Live"</span> " since " {p.published_at.clone()} " "
                    <span class="badge badge-warning">"Draft differs"</span>
                }
                .into_any(),
                None => view! { <span class="badge badge-muted">"Not published"</span> }.into_any(),
            }
            }),
            Column::new("Call it", {
                let api = api.clone();
                move |row: &EnvRow| match (&row.live, &group) {
                    (Some(_), Some(group)) => {
                        let line = curl_line(&api.definition, group, &endpoints, &row.env.name);
                        view! { <code class="curl">{line.clone()}</code> <CopyButton text=line what="curl command"/> }.into_any()
                    }
                    _ => view! { <span class="muted">"—"</span> }.into_any(),
                }
            }),
            Column::actions(move |row: &EnvRow| {
                let publish = {
                    let (gateway_id, api_id, env_id) =
                        (api.gateway_id.clone(), api.id.clone(), row.env.id.clone());
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
                    let (env_id, env_name) = (row.env.id.clone(), row.env.name.clone());
                    move |_| {
                        confirm_offline.set(Some((env_id.clone(), env_name.clone())));
                        offline_open.set(true);
                    }
                };
                let publish_label = if row.live.is_some() {
                    "Publish the draft"
                } else {
                    "Publish"
                };
                view! {
                    {can_publish.then(|| view! {
                        <button type="button" class="btn btn-small" aria-label=format!("{publish_label} to {}", row.env.name)
                            disabled=move || actions.publish.pending().get() on:click=publish>{publish_label}</button>
                    })}
                    {(can_offline && row.live.is_some()).then(|| view! {
                        <button type="button" class="btn btn-small btn-ghost" aria-label=format!("Take offline from {}", row.env.name)
                            on:click=ask_offline>"Take offline"</button>
                    })}
                }
            }),
        ]
    };
    let history = {
        let api = api.clone();
        vec![
            Column::new("Published", |v: &VersionInfo| v.published_at.clone()),
            Column::new("Environment", |v: &VersionInfo| v.env_name.clone()),
            Column::new("By", |v: &VersionInfo| v.published_by.clone()),
            Column::new("Note", |v: &VersionInfo| or_none(v.remark.clone())),
            Column::new("State", move |v: &VersionInfo| {
                let switch = {
                    let (gateway_id, api_id, version_id) =
                        (api.gateway_id.clone(), api.id.clone(), v.version_id.clone());
                    move |_| {
                        actions.switch.dispatch(SwitchApiVersion {
                            gateway_id: gateway_id.clone(),
                            api_id: api_id.clone(),
                            version_id: version_id.clone(),
                        });
                    }
                };
                if v.live {
                    view! { <span class="badge badge-success">"Live"</span> }.into_any()
                } else if can_publish {
                    view! {
                        <button type="button" class="btn btn-small" aria-label=format!("Switch {} to the version of {}", v.env_name, v.published_at)
                            on:click=switch>"Switch to this version"</button>
                    }
                    .into_any()
                } else {
                    ().into_any()
                }
            }),
        ]
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
            <DataTable label="Environments" columns=environments rows/>
        </section>
        <section class="card">
            <h2>"Publish history"</h2>
            <DataTable label="Publish history" columns=history rows=data.versions.clone()
                empty="Not published yet: each publish records a version here."/>
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
