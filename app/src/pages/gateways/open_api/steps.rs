//! The input steps of the "Open an API" wizard: group, frontend request with its
//! parameters, backend with its parameter mapping.
use leptos::prelude::*;

use super::{Draft, MapRow, ParamRow, Wizard, NEW_GROUP};
use crate::api::apis::GatewayScope;
use crate::components::form::{choices, options, CheckboxField, SelectField, TextField};
use crate::components::wizard::StepCard;
use crate::model::api::{METHODS, SYSTEM_PARAMS};

#[component]
pub(super) fn GroupStep(wizard: Wizard, scope: GatewayScope) -> impl IntoView {
    let draft = wizard.draft;
    let mut options: Vec<(String, String)> = scope
        .groups
        .iter()
        .map(|g| (g.id.clone(), g.name.clone()))
        .collect();
    if wizard.editing.is_none() {
        options.push((NEW_GROUP.to_owned(), "A new API group…".to_owned()));
    }
    view! {
        <section class="card">
            <h2>"Group"</h2>
            <p class="muted">"An API belongs to one group; callers reach the group's APIs at its subdomain."</p>
            <div class="form">
                <SelectField label="API group" id="group" value=draft.group options=options error=wizard.error_of("group_id")/>
                {move || (draft.group.get() == NEW_GROUP).then(|| view! {
                    <TextField label="New group name" id="new_group" value=draft.new_group error=wizard.error_of("new_group")
                        hint="3 to 255 characters: letters, digits and - _ . / ( ) :, starting with a letter or a digit."/>
                })}
            </div>
        </section>
    }
    .into_any()
}

#[component]
pub(super) fn RequestStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let rows_error = Signal::derive(move || wizard.error_where(|f| f.starts_with("req_params")));
    let add = move |_| {
        let row = ParamRow {
            id: draft.row_id(),
            name: String::new(),
            location: "QUERY".to_owned(),
            kind: "STRING".to_owned(),
            required: false,
            default_value: String::new(),
            enumerations: String::new(),
        };
        draft.params.update(|rows| rows.push(row));
    };
    view! {
        <StepCard title="Frontend request">
            <TextField label="API name" id="name" value=draft.name error=wizard.error_of("name")
                hint="3 to 255 characters: letters, digits and - _ . / ( ) :, starting with a letter or a digit."/>
            <SelectField label="Method" id="req_method" value=draft.method options=options(METHODS) error=wizard.error_of("req_method")/>
            <div class="field" class:has-error=move || wizard.error_of("req_uri").get().is_some()>
                <label for="req_uri">"Path"</label>
                <input id="req_uri" prop:value=move || draft.path.get()
                    aria-invalid=move || wizard.error_of("req_uri").get().is_some().to_string()
                    on:input=move |ev| draft.path.set(event_target_value(&ev))
                    on:change=move |_| draft.sync_path_params()/>
                <p class="field-hint">"Such as /orders/{id}. {name} takes one segment, a last {name+} the rest of the path; path parameters are added below for you."</p>
                {move || wizard.error_of("req_uri").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <CheckboxField label="Prefix match: also answer every path under this one" id="prefix" checked=draft.prefix/>
            <CheckboxField label="Allow cross-origin calls from browsers (CORS)" id="cors" checked=draft.cors/>
            <AuthenticationChoice draft/>
        </StepCard>
        <section class="card">
            <h2>"Request parameters"</h2>
            <p class="muted">"The gateway checks each parameter before calling the backend and refuses a request that breaks a rule."</p>
            {move || rows_error.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <For
                each=move || draft.params.get().into_iter().enumerate()
                key=|(index, row)| (*index, row.id)
                children=move |(index, row)| param_row(draft, index, row)
            />
            <button type="button" class="btn btn-small" on:click=add>"Add parameter"</button>
        </section>
    }
    .into_any()
}

fn edit_param(draft: Draft, id: u32, change: impl FnOnce(&mut ParamRow)) {
    draft.params.update(|rows| {
        if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
            change(row);
        }
    });
}

fn param_row(draft: Draft, index: usize, row: ParamRow) -> impl IntoView {
    let id = row.id;
    let current = move |pick: fn(&ParamRow) -> String| {
        move || {
            draft
                .params
                .with(|rows| rows.iter().find(|r| r.id == id).map(pick))
                .unwrap_or_default()
        }
    };
    let n = index + 1;
    let location = current(|r| r.location.clone());
    let kind = current(|r| r.kind.clone());
    view! {
        <div class="inline-fields param-row">
            <div class="field">
                <label for=format!("param-name-{id}")>{format!("Parameter {n} name")}</label>
                <input id=format!("param-name-{id}") prop:value=current(|r| r.name.clone())
                    on:input=move |ev| edit_param(draft, id, |r| r.name = event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for=format!("param-location-{id}")>{format!("Parameter {n} location")}</label>
                <select id=format!("param-location-{id}") prop:value=location
                    on:change=move |ev| edit_param(draft, id, |r| r.location = event_target_value(&ev))>
                    {["PATH", "QUERY", "HEADER"].map(|v| view! { <option value=v selected=move || location() == v>{v}</option> })}
                </select>
            </div>
            <div class="field">
                <label for=format!("param-type-{id}")>{format!("Parameter {n} type")}</label>
                <select id=format!("param-type-{id}") prop:value=kind
                    on:change=move |ev| edit_param(draft, id, |r| r.kind = event_target_value(&ev))>
                    {["STRING", "NUMBER"].map(|v| view! { <option value=v selected=move || kind() == v>{v}</option> })}
                </select>
            </div>
            <div class="field">
                <label for=format!("param-enum-{id}")>{format!("Parameter {n} allowed values")}</label>
                <input id=format!("param-enum-{id}") placeholder="a,b,c" prop:value=current(|r| r.enumerations.clone())
                    on:input=move |ev| edit_param(draft, id, |r| r.enumerations = event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for=format!("param-default-{id}")>{format!("Parameter {n} default")}</label>
                <input id=format!("param-default-{id}") prop:value=current(|r| r.default_value.clone())
                    on:input=move |ev| edit_param(draft, id, |r| r.default_value = event_target_value(&ev))/>
            </div>
            <label class="checkbox-inline">
                <input type="checkbox" id=format!("param-required-{id}")
                    prop:checked=move || draft.params.with(|rows| rows.iter().any(|r| r.id == id && (r.required || r.location == "PATH")))
                    on:change=move |ev| edit_param(draft, id, |r| r.required = event_target_checked(&ev))/>
                {format!(" Parameter {n} required")}
            </label>
            <button type="button" class="btn btn-ghost btn-small" aria-label=format!("Remove parameter {n}")
                on:click=move |_| draft.params.update(|rows| rows.retain(|r| r.id != id))>"Remove"</button>
        </div>
    }
    .into_any()
}

#[component]
pub(super) fn BackendStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let mapping_error =
        Signal::derive(move || wizard.error_where(|f| f.starts_with("backend_params")));
    let add = move |_| {
        let row = MapRow {
            id: draft.row_id(),
            name: String::new(),
            location: "HEADER".to_owned(),
            origin: "REQUEST".to_owned(),
            value: String::new(),
        };
        draft.mappings.update(|rows| rows.push(row));
    };
    let types = choices(&[
        ("HTTP", "HTTP or HTTPS service"),
        ("MOCK", "Mock: a fixed response"),
    ]);
    view! {
        <StepCard title="Backend">
            <SelectField label="Backend type" id="backend_type" value=draft.backend_type options=types/>
            {move || if draft.backend_type.get() == "HTTP" {
                view! {
                    <TextField label="Backend address" id="url_domain" value=draft.address error=wizard.error_of("backend_api.url_domain")
                        hint="host[:port], such as 10.0.0.7:8080; #name# takes an environment variable's value."/>
                    <SelectField label="Backend protocol" id="backend_protocol" value=draft.protocol options=options(&["HTTP", "HTTPS"])/>
                    <SelectField label="Backend method" id="backend_method" value=draft.backend_method options=options(METHODS)/>
                    <TextField label="Backend path" id="backend_path" value=draft.backend_path error=wizard.error_of("backend_api.req_uri")
                        hint="Such as /v1/orders/{orderId}; {name} takes a PATH backend parameter or a path parameter of the same name."/>
                    <TextField label="Timeout (ms)" id="timeout" value=draft.timeout error=wizard.error_of("backend_api.timeout")
                        hint="1 to the gateway's longest backend timeout (60,000 ms unless its parameters say otherwise)."/>
                    <TextField label="Retries" id="retries" value=draft.retries error=wizard.error_of("backend_api.retry_count")
                        hint="-1 retries idempotent methods once; 0 to 10 sets the count."/>
                }
                .into_any()
            } else {
                view! {
                    <TextField label="Mock status" id="mock_status" value=draft.mock_status error=wizard.error_of("mock_info.status_code")/>
                    <TextField label="Mock body" id="mock_body" multiline=true value=draft.mock_body error=wizard.error_of("mock_info.result_content")/>
                }
                .into_any()
            }}
        </StepCard>
        <Show when=move || draft.backend_type.get() == "HTTP">
            <section class="card">
                <h2>"Parameter mapping"</h2>
                <p class="muted">"Request parameters pass to the backend under their own names. Add a backend parameter to rename or move one, send a constant, or send a system value such as the caller's address."</p>
                {move || mapping_error.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                <For
                    each=move || draft.mappings.get().into_iter().enumerate()
                    key=|(index, row)| (*index, row.id)
                    children=move |(index, row)| map_row(draft, index, row)
                />
                <button type="button" class="btn btn-small" on:click=add>"Add backend parameter"</button>
            </section>
        </Show>
    }
    .into_any()
}

fn edit_map(draft: Draft, id: u32, change: impl FnOnce(&mut MapRow)) {
    draft.mappings.update(|rows| {
        if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
            change(row);
        }
    });
}

fn map_row(draft: Draft, index: usize, row: MapRow) -> impl IntoView {
    let id = row.id;
    let current = move |pick: fn(&MapRow) -> String| {
        move || {
            draft
                .mappings
                .with(|rows| rows.iter().find(|r| r.id == id).map(pick))
                .unwrap_or_default()
        }
    };
    let n = index + 1;
    let location = current(|r| r.location.clone());
    let origin = current(|r| r.origin.clone());
    view! {
        <div class="inline-fields param-row">
            <div class="field">
                <label for=format!("map-name-{id}")>{format!("Backend parameter {n} name")}</label>
                <input id=format!("map-name-{id}") prop:value=current(|r| r.name.clone())
                    on:input=move |ev| edit_map(draft, id, |r| r.name = event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for=format!("map-location-{id}")>{format!("Backend parameter {n} location")}</label>
                <select id=format!("map-location-{id}") prop:value=location
                    on:change=move |ev| edit_map(draft, id, |r| r.location = event_target_value(&ev))>
                    {["PATH", "QUERY", "HEADER"].map(|v| view! { <option value=v selected=move || location() == v>{v}</option> })}
                </select>
            </div>
            <div class="field">
                <label for=format!("map-origin-{id}")>{format!("Backend parameter {n} value from")}</label>
                <select id=format!("map-origin-{id}") prop:value=origin
                    on:change=move |ev| edit_map(draft, id, |r| r.origin = event_target_value(&ev))>
                    {[("REQUEST", "Request parameter"), ("CONSTANT", "Constant"), ("SYSTEM", "System value")].map(|(v, label)| view! {
                        <option value=v selected=move || origin() == v>{label}</option>
                    })}
                </select>
            </div>
            <div class="field">
                <label for=format!("map-value-{id}")>{format!("Backend parameter {n} value")}</label>
                <input id=format!("map-value-{id}") list="system-values" prop:value=current(|r| r.value.clone())
                    on:input=move |ev| edit_map(draft, id, |r| r.value = event_target_value(&ev))/>
                <datalist id="system-values">
                    {SYSTEM_PARAMS.iter().map(|v| view! { <option value=*v></option> }).collect_view()}
                </datalist>
            </div>
            <button type="button" class="btn btn-ghost btn-small" aria-label=format!("Remove backend parameter {n}")
                on:click=move |_| draft.mappings.update(|rows| rows.retain(|r| r.id != id))>"Remove"</button>
        </div>
    }
    .into_any()
}

/// How callers prove who they are: an authorized credential (APP), an IAM user (IAM), or
/// nobody (NONE). Custom authorizers are listed so the choice is visible, and arrive with
/// the issue that builds them.
#[component]
fn AuthenticationChoice(draft: Draft) -> impl IntoView {
    let option = move |value: &'static str, label: &'static str| {
        view! {
            <label class="radio-option">
                <input type="radio" name="auth_type" value=value
                    checked=draft.auth.get_untracked() == value
                    prop:checked=move || draft.auth.get() == value
                    on:change=move |_| draft.auth.set(value.to_owned())/>
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="field field-group">
            <legend>"Authentication"</legend>
            {option("APP", " App: callers sign with an authorized credential's key and secret, or send its AppCode")}
            <Show when=move || draft.auth.get() == "APP">
                <CheckboxField label="Also accept AppCodes (X-Apig-AppCode, over HTTPS) instead of a signature" id="app_code" checked=draft.app_code/>
            </Show>
            {option("IAM", " IAM: callers send an IAM user's token (X-Auth-Token) or sign with the user's access key")}
            <Show when=move || draft.auth.get() == "IAM">
                <p class="field-hint">"Every enabled IAM user of this Portico may call it, whatever their permissions; the backend can learn who called from $context.userId and $context.userName."</p>
            </Show>
            {option("NONE", " None: anyone who knows the address can call it")}
            <label class="radio-option muted">
                <input type="radio" name="auth_type" value="AUTHORIZER" disabled=true/>
                " Custom authorizer: your own endpoint decides (coming in a later version)"
            </label>
            <Show when=move || draft.auth.get() == "NONE">
                <div class="alert alert-warning" role="note">
                    "With no authentication, the gateway lets every call through: anyone who learns the URL can call your backend. Choose App to let only the credentials you authorize call it."
                </div>
            </Show>
        </fieldset>
    }
}
