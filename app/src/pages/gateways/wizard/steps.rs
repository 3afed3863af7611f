//! The input steps of the "Create a gateway" wizard: basics, parameters, tags and ports.
use leptos::prelude::*;

use super::super::{edition_label, maintenance_options};
use super::{Draft, FeatureDraft, PortRow, TagRow, Wizard};
use crate::components::form::{SelectField, TextField};
use crate::components::wizard::StepCard;
use crate::model::gateway::{FeatureValue, EDITIONS, MAX_INGRESS_PORTS, MAX_TAGS};

fn edition_options() -> Vec<(String, String)> {
    EDITIONS
        .iter()
        .map(|e| (e.id.to_owned(), edition_label(e.id)))
        .collect()
}

#[component]
pub(super) fn BasicsStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let error = move |field: &str| wizard.field_error(field.to_owned());
    view! {
        <StepCard title="Name, edition and description">
            <TextField
                label="Gateway name"
                id="instance_name"
                value=draft.name
                error=error("instance_name")
                hint="3 to 64 characters: letters, digits, hyphens and underscores, starting with a letter."
            />
            <SelectField
                label="Edition"
                id="spec_id"
                value=draft.spec_id
                options=edition_options()
                error=error("spec_id")
                hint="The edition sets how many APIs the gateway holds and the rate it is rated for."
            />
            <TextField
                label="Description"
                id="description"
                multiline=true
                value=draft.description
                error=error("description")
                hint="Optional, at most 255 characters, without < or >."
            />
            <SelectField
                label="Maintenance window"
                id="maintain_begin"
                value=draft.maintain_begin
                options=maintenance_options()
                error=error("maintain_begin")
                hint="Four hours in which Portico may restart the gateway for upgrades."
            />
        </StepCard>
    }
    .into_any()
}

#[component]
pub(super) fn ParametersStep(wizard: Wizard) -> impl IntoView {
    let features = wizard.draft.features.get_value();
    view! {
        <section class="card">
            <h2>"Parameters"</h2>
            <p class="muted">
                "Each parameter starts at its default. Change only what this gateway needs; you can change them later on the gateway's Overview."
            </p>
            <div class="form">
                {features.into_iter().map(|feature| feature_field(wizard, feature)).collect_view()}
            </div>
        </section>
    }
    .into_any()
}

fn feature_field(wizard: Wizard, feature: FeatureDraft) -> impl IntoView {
    let spec = feature.spec;
    let error = wizard.field_error(feature.field());
    let id = spec.name;
    let number = match spec.value {
        FeatureValue::Switch => None,
        FeatureValue::Number { min, max, unit, .. } => Some((min, max, unit)),
    };
    view! {
        <fieldset class="field feature" class:has-error=move || error.get().is_some()>
            <legend>{spec.title}</legend>
            <p class="field-hint">{spec.help}</p>
            <div class="feature-controls">
            <label>
                <input
                    type="checkbox"
                    id=format!("{id}-enabled")
                    checked=feature.enabled.get_untracked()
                    prop:checked=move || feature.enabled.get()
                    on:change=move |ev| feature.enabled.set(event_target_checked(&ev))
                />
                " On"
            </label>
            {number.map(|(min, max, unit)| view! {
                <label class="feature-value">
                    <input
                        type="text"
                        inputmode="numeric"
                        id=id
                        aria-label=format!("{} ({unit})", spec.title)
                        aria-invalid=move || error.get().is_some().to_string()
                        prop:value=move || feature.value.get()
                        on:input=move |ev| feature.value.set(event_target_value(&ev))
                    />
                    " " {unit} <span class="muted small">{format!(" ({min} to {max})")}</span>
                </label>
            })}
            </div>
            {move || error.get().map(|message| view! { <p class="field-error" id=format!("{id}-error")>{message}</p> })}
        </fieldset>
    }
    .into_any()
}

#[component]
pub(super) fn TagsPortsStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let add_tag = move |_| {
        let row = TagRow {
            id: draft.row_id(),
            key: String::new(),
            value: String::new(),
        };
        draft.tags.update(|rows| rows.push(row));
    };
    let add_port = move |_| {
        let row = PortRow {
            id: draft.row_id(),
            protocol: "HTTP".to_owned(),
            port: String::new(),
        };
        draft.ports.update(|rows| rows.push(row));
    };
    let tags_error = wizard.field_error("tags".to_owned());
    view! {
        <section class="card">
            <h2>"Tags"</h2>
            <p class="muted">{format!("Optional key–value pairs to find and group gateways by, at most {MAX_TAGS}.")}</p>
            {move || tags_error.get().map(|message| view! { <p class="field-error">{message}</p> })}
            <For
                each=move || draft.tags.get().into_iter().enumerate()
                key=|(index, row)| (*index, row.id)
                children=move |(index, row)| tag_row(wizard, index, row)
            />
            <button type="button" class="btn btn-small" on:click=add_tag disabled=move || { draft.tags.get().len() >= MAX_TAGS }>
                "Add tag"
            </button>
        </section>
        <section class="card">
            <h2>"Inbound ports"</h2>
            <p class="muted">
                {format!("Optional extra ports, 1024 to 49151, on which this gateway's DEFAULT group answers when a request's host is not a known domain (at most {MAX_INGRESS_PORTS}).")}
            </p>
            <For
                each=move || draft.ports.get().into_iter().enumerate()
                key=|(index, row)| (*index, row.id)
                children=move |(index, row)| port_row(wizard, index, row)
            />
            <button type="button" class="btn btn-small" on:click=add_port disabled=move || { draft.ports.get().len() >= MAX_INGRESS_PORTS }>
                "Add inbound port"
            </button>
        </section>
    }
    .into_any()
}

/// Changes one field of the tag row `id`.
fn edit_tag(draft: Draft, id: u32, change: impl FnOnce(&mut TagRow)) {
    draft.tags.update(|rows| {
        if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
            change(row);
        }
    });
}

fn edit_port(draft: Draft, id: u32, change: impl FnOnce(&mut PortRow)) {
    draft.ports.update(|rows| {
        if let Some(row) = rows.iter_mut().find(|r| r.id == id) {
            change(row);
        }
    });
}

fn tag_row(wizard: Wizard, index: usize, row: TagRow) -> impl IntoView {
    let draft = wizard.draft;
    let id = row.id;
    let key_error = wizard.field_error(format!("tags[{index}].key"));
    let value_error = wizard.field_error(format!("tags[{index}].value"));
    let current = move |pick: fn(&TagRow) -> String| {
        move || {
            draft
                .tags
                .with(|rows| rows.iter().find(|r| r.id == id).map(pick))
                .unwrap_or_default()
        }
    };
    let remove = move |_| draft.tags.update(|rows| rows.retain(|r| r.id != id));
    view! {
        <div class="inline-fields">
            <div class="field" class:has-error=move || key_error.get().is_some()>
                <label for=format!("tag-key-{id}")>{format!("Tag {} key", index + 1)}</label>
                <input
                    id=format!("tag-key-{id}")
                    aria-invalid=move || key_error.get().is_some().to_string()
                    prop:value=current(|r| r.key.clone())
                    on:input=move |ev| edit_tag(draft, id, |r| r.key = event_target_value(&ev))
                />
                {move || key_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field" class:has-error=move || value_error.get().is_some()>
                <label for=format!("tag-value-{id}")>{format!("Tag {} value", index + 1)}</label>
                <input
                    id=format!("tag-value-{id}")
                    aria-invalid=move || value_error.get().is_some().to_string()
                    prop:value=current(|r| r.value.clone())
                    on:input=move |ev| edit_tag(draft, id, |r| r.value = event_target_value(&ev))
                />
                {move || value_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <button type="button" class="btn btn-ghost btn-small" on:click=remove>"Remove"</button>
        </div>
    }
    .into_any()
}

fn port_row(wizard: Wizard, index: usize, row: PortRow) -> impl IntoView {
    let draft = wizard.draft;
    let id = row.id;
    let port_error = wizard.field_error(format!("ingress_ports[{index}].ingress_port"));
    let current = move |pick: fn(&PortRow) -> String| {
        move || {
            draft
                .ports
                .with(|rows| rows.iter().find(|r| r.id == id).map(pick))
                .unwrap_or_default()
        }
    };
    let remove = move |_| draft.ports.update(|rows| rows.retain(|r| r.id != id));
    let selected = current(|r| r.protocol.clone());
    view! {
        <div class="inline-fields">
            <div class="field">
                <label for=format!("port-protocol-{id}")>{format!("Port {} protocol", index + 1)}</label>
                <select
                    id=format!("port-protocol-{id}")
                    prop:value=selected
                    on:change=move |ev| edit_port(draft, id, |r| r.protocol = event_target_value(&ev))
                >
                    {["HTTP", "HTTPS"].map(|p| view! { <option value=p selected=move || selected() == p>{p}</option> })}
                </select>
            </div>
            <div class="field" class:has-error=move || port_error.get().is_some()>
                <label for=format!("port-number-{id}")>{format!("Port {}", index + 1)}</label>
                <input
                    id=format!("port-number-{id}")
                    inputmode="numeric"
                    aria-invalid=move || port_error.get().is_some().to_string()
                    prop:value=current(|r| r.port.clone())
                    on:input=move |ev| edit_port(draft, id, |r| r.port = event_target_value(&ev))
                />
                {move || port_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <button type="button" class="btn btn-ghost btn-small" on:click=remove>"Remove"</button>
        </div>
    }
    .into_any()
}
