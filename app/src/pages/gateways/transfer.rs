//! Import and export on a gateway's APIs page. Import: choose a Swagger or OpenAPI file
//! (JSON or YAML), see what it holds, then import it one API at a time with a progress bar
//! and each API's result. Export: a group's drafts, or what is live in an environment, as a
//! Swagger 2.0 file to download.
use leptos::prelude::*;

use crate::api::api_groups::create_api_group;
use crate::api::apis::GatewayScope;
use crate::api::openapi::{export_apis, import_api_item, preview_import};
use crate::components::feedback::ErrorBanner;
use crate::components::form::{choices, CheckboxField, SelectField};
use crate::components::table::{Column, DataTable};
use crate::error::AppError;
use crate::model::gateway::counted;
use crate::model::openapi::{ImportItem, ImportPlan, ItemOutcome};

/// Reads the file chosen in a file input into `text` (and its name into `name`).
fn read_file(ev: &leptos::ev::Event, text: RwSignal<String>, name: RwSignal<String>) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use leptos::web_sys::js_sys::{Function, Reflect};
    let read = || -> Result<(), JsValue> {
        let target = ev.target().ok_or(JsValue::NULL)?;
        let files = Reflect::get(&target, &"files".into())?;
        let file = Reflect::get(&files, &0.into())?;
        if file.is_undefined() {
            return Ok(());
        }
        name.set(
            Reflect::get(&file, &"name".into())?
                .as_string()
                .unwrap_or_default(),
        );
        let read_text: Function = Reflect::get(&file, &"text".into())?.dyn_into()?;
        let promise = read_text.call0(&file)?;
        let then: Function = Reflect::get(&promise, &"then".into())?.dyn_into()?;
        let done = Closure::once_into_js(move |content: JsValue| {
            text.set(content.as_string().unwrap_or_default());
        });
        then.call1(&promise, &done)?;
        Ok(())
    };
    if read().is_err() {
        name.set(String::new());
    }
}

/// One row of the import: the operation and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RowState {
    Planned,
    Done(String),
    Failed(String),
}

#[component]
pub fn ImportCard(gateway_id: String, scope: GatewayScope, on_done: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let file_name = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let overwrite = RwSignal::new(false);
    let plan = RwSignal::new(None::<ImportPlan>);
    let states = RwSignal::new(Vec::<RowState>::new());
    let running = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let mut targets = vec![(
        String::new(),
        "A new API group named after the file's title".to_owned(),
    )];
    targets.extend(
        scope
            .groups
            .iter()
            .map(|g| (g.id.clone(), format!("API group {}", g.name))),
    );
    let preview = {
        let gateway_id = gateway_id.clone();
        move |_| {
            let (gateway_id, content) = (gateway_id.clone(), text.get_untracked());
            error.set(None);
            plan.set(None);
            leptos::task::spawn_local(async move {
                match preview_import(gateway_id, content).await {
                    Ok(found) => {
                        states.set(vec![RowState::Planned; found.items.len()]);
                        plan.set(Some(found));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let run = move |_| {
        let Some(found) = plan.get_untracked() else {
            return;
        };
        let gateway_id = gateway_id.clone();
        let (group, overwrite) = (target.get_untracked(), overwrite.get_untracked());
        running.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let group_id = if group.is_empty() {
                match create_api_group(
                    gateway_id.clone(),
                    found.group_name.clone(),
                    found.group_remark.chars().take(1000).collect(),
                )
                .await
                {
                    Ok(created) => created.id,
                    Err(e) => {
                        error.set(Some(e));
                        running.set(false);
                        return;
                    }
                }
            } else {
                group
            };
            for (index, item) in found.items.into_iter().enumerate() {
                let state =
                    match import_api_item(gateway_id.clone(), group_id.clone(), item, overwrite)
                        .await
                    {
                        Ok(ItemOutcome::Done(done)) => RowState::Done(if done.action == "update" {
                            "Updated".to_owned()
                        } else {
                            "Created".to_owned()
                        }),
                        Ok(ItemOutcome::Ignored(_)) => RowState::Done(
                            "Left as it was (an API with this route or name exists)".to_owned(),
                        ),
                        Ok(ItemOutcome::Failed(failed)) => RowState::Failed(failed.error_msg),
                        Err(e) => RowState::Failed(e.to_string()),
                    };
                states.update(|all| {
                    if let Some(slot) = all.get_mut(index) {
                        *slot = state;
                    }
                });
            }
            running.set(false);
            on_done.run(());
        });
    };
    let progress = move || {
        let all = states.get();
        let finished = all.iter().filter(|s| **s != RowState::Planned).count();
        (finished, all.len())
    };
    view! {
        <section class="card">
            <h2>"Import from OpenAPI"</h2>
            <p class="muted">"Swagger 2.0 or OpenAPI 3.0, JSON or YAML, with APIG's x-apigateway-* extensions. You see what the file holds before anything is imported."</p>
            <ErrorBanner error=error/>
            <div class="form">
                <div class="field">
                    <label for="import_file">"File"</label>
                    <input id="import_file" type="file" accept=".json,.yaml,.yml"
                        on:change=move |ev| { plan.set(None); read_file(&ev, text, file_name); }/>
                </div>
                <SelectField label="Import into" id="import_target" value=target options=targets/>
                <CheckboxField label="Overwrite APIs with the same route or name" id="import_overwrite" checked=overwrite/>
                <div class="form-actions">
                    <button type="button" class="btn" disabled=move || text.get().is_empty() || running.get() on:click=preview>"Preview"</button>
                </div>
            </div>
            {move || plan.get().map(|found| {
                let count = found.items.len();
                let run = run.clone();
                view! {
                    <h3>{format!("{} in {}", counted(i64::try_from(count).unwrap_or(i64::MAX), "API", "APIs"), if found.group_name.is_empty() { "the file".to_owned() } else { found.group_name.clone() })}</h3>
                    <progress max=move || progress().1.max(1) value=move || progress().0 aria-label="Import progress"></progress>
                    <span class="muted small">{move || format!(" {} of {} done", progress().0, progress().1)}</span>
                    <DataTable label="APIs in the file" columns=import_columns(states)
                        rows={found.items.iter().cloned().enumerate().collect::<Vec<_>>()}/>
                    <div class="form-actions">
                        <button type="button" class="btn btn-primary" disabled=move || { running.get() || progress().0 > 0 } on:click=run>
                            {move || if running.get() { "Importing…".to_owned() } else { format!("Import {}", counted(i64::try_from(count).unwrap_or(i64::MAX), "API", "APIs")) }}
                        </button>
                    </div>
                }
            })}
        </section>
    }
    .into_any()
}

#[component]
pub fn ExportCard(gateway_id: String, scope: GatewayScope) -> impl IntoView {
    let groups: Vec<(String, String)> = scope
        .groups
        .iter()
        .map(|g| (g.id.clone(), g.name.clone()))
        .collect();
    let group = RwSignal::new(groups.first().map(|g| g.0.clone()).unwrap_or_default());
    let mut envs = vec![(String::new(), "Drafts (what is defined now)".to_owned())];
    envs.extend(
        scope
            .environments
            .iter()
            .map(|e| (e.id.clone(), format!("Live in {}", e.name))),
    );
    let env = RwSignal::new(String::new());
    let format = RwSignal::new("json".to_owned());
    let download = RwSignal::new(None::<(String, String)>);
    let error = RwSignal::new(None::<AppError>);
    let names: Vec<(String, String)> = groups.clone();
    let export = move |_| {
        let (gateway_id, group_id, env_id, yaml) = (
            gateway_id.clone(),
            group.get_untracked(),
            env.get_untracked(),
            format.get_untracked() == "yaml",
        );
        let name = names
            .iter()
            .find(|g| g.0 == group_id)
            .map(|g| g.1.clone())
            .unwrap_or_else(|| "apis".to_owned());
        error.set(None);
        download.set(None);
        leptos::task::spawn_local(async move {
            match export_apis(gateway_id, group_id, env_id, yaml).await {
                Ok(text) => {
                    let (mime, extension) = if yaml {
                        ("application/yaml", "yaml")
                    } else {
                        ("application/json", "json")
                    };
                    let href = format!(
                        "data:{mime};charset=utf-8,{}",
                        leptos::web_sys::js_sys::encode_uri_component(&text)
                    );
                    download.set(Some((href, format!("{name}.{extension}"))));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let formats = choices(&[("json", "JSON"), ("yaml", "YAML")]);
    view! {
        <section class="card">
            <h2>"Export to OpenAPI"</h2>
            <ErrorBanner error=error/>
            <div class="inline-fields">
                <SelectField label="Group to export" id="export_group" value=group options=groups/>
                <SelectField label="Definitions" id="export_env" value=env options=envs/>
                <SelectField label="Format" id="export_format" value=format options=formats/>
                <button type="button" class="btn" on:click=export>"Export"</button>
            </div>
            {move || download.get().map(|(href, file)| view! {
                <p><a class="btn btn-primary" href=href download=file.clone()>{format!("Download {file}")}</a></p>
            })}
        </section>
    }
    .into_any()
}

/// The import preview: each API of the file, what will happen to it, then what did.
fn import_columns(states: RwSignal<Vec<RowState>>) -> Vec<Column<(usize, ImportItem)>> {
    vec![
        Column::new("Request", |(_, item): &(usize, ImportItem)| {
            view! {
                <code>{format!("{} {}", item.method, item.path)}</code>
            }
        }),
        Column::new("Name", |(_, item): &(usize, ImportItem)| {
            item.definition
                .as_ref()
                .map(|d| d.name.clone())
                .unwrap_or_default()
        }),
        Column::new("Result", move |(index, item): &(usize, ImportItem)| {
            let index = *index;
            let planned = if item.error.is_empty() {
                if item.note.is_empty() {
                    "Ready".to_owned()
                } else {
                    format!("Ready. {}", item.note)
                }
            } else {
                format!("Cannot be imported: {}", item.error)
            };
            move || match states.get().get(index).cloned() {
                Some(RowState::Done(what)) => {
                    view! { <span class="badge badge-success">{what}</span> }.into_any()
                }
                Some(RowState::Failed(why)) => {
                    view! { <span class="field-error">{why}</span> }.into_any()
                }
                _ => view! { <span class="muted">{planned.clone()}</span> }.into_any(),
            }
        }),
    ]
}
