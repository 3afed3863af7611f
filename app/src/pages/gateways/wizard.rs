//! The "Create a gateway" wizard (`/gateways/new`): name, edition and description →
//! parameters → tags and inbound ports → review → done. What is entered lives in signals
//! owned by the wizard, so Back and Next keep it; each step checks its fields with the
//! domain rules before moving on; nothing is created until the review step sends it all.
use leptos::prelude::*;
use leptos_meta::Title;
use serde_json::json;

use super::{edition_label, feature_summary, gateway_url};
use crate::api::gateways::{CreateGateway, GatewayOverview};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, row};
use crate::components::feedback::ErrorBanner;
use crate::components::form::{SelectField, TextField};
use crate::components::shell::use_shell;
use crate::components::stepper::Stepper;
use crate::domain::gateway::{
    self as rules, FeatureSetting, FeatureSpec, FeatureValue, NewGateway, NewIngressPort, Tag,
    EDITIONS, FEATURES, MAINTENANCE_STARTS, MAX_INGRESS_PORTS, MAX_TAGS,
};
use crate::domain::iam::validate_description;
use crate::error::AppError;

const STEPS: &[&str] = &["Basics", "Parameters", "Tags and ports", "Review", "Done"];
const BASICS: usize = 0;
const PARAMETERS: usize = 1;
const TAGS_PORTS: usize = 2;
const REVIEW: usize = 3;
const DONE: usize = 4;

/// One parameter as the form holds it.
#[derive(Debug, Clone, Copy)]
struct FeatureDraft {
    spec: &'static FeatureSpec,
    enabled: RwSignal<bool>,
    /// The number, as typed (empty for switches).
    value: RwSignal<String>,
}

impl FeatureDraft {
    fn new(spec: &'static FeatureSpec) -> Self {
        let value = match spec.value {
            FeatureValue::Switch => String::new(),
            FeatureValue::Number { default, .. } => default.to_string(),
        };
        FeatureDraft {
            spec,
            enabled: RwSignal::new(spec.enabled_by_default),
            value: RwSignal::new(value),
        }
    }

    fn setting(&self) -> FeatureSetting {
        let config = match self.spec.value {
            FeatureValue::Switch => String::new(),
            FeatureValue::Number { key: "", .. } => self.value.get().trim().to_owned(),
            FeatureValue::Number { key, .. } => json!({ key: self.value.get().trim() }).to_string(),
        };
        FeatureSetting {
            name: self.spec.name.to_owned(),
            enabled: self.enabled.get(),
            config,
        }
    }

    /// Whether the form still holds the default (then nothing is sent for it).
    fn is_default(&self) -> bool {
        let default = self.spec.default_state();
        let setting = self.setting();
        setting.enabled == default.enabled
            && rules::validate_feature(&setting).is_ok_and(|s| s.config == default.config)
    }

    fn field(&self) -> String {
        format!("features.{}", self.spec.name)
    }
}

/// A tag or port row, with an id that stays put while rows above it come and go. Rows are
/// plain data in one signal the wizard owns, so they outlive the step that shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TagRow {
    id: u32,
    key: String,
    value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PortRow {
    id: u32,
    protocol: String,
    port: String,
}

/// What the user has entered so far.
#[derive(Debug, Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    spec_id: RwSignal<String>,
    description: RwSignal<String>,
    maintain_begin: RwSignal<String>,
    features: StoredValue<Vec<FeatureDraft>>,
    tags: RwSignal<Vec<TagRow>>,
    ports: RwSignal<Vec<PortRow>>,
    next_row: StoredValue<u32>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            name: RwSignal::new(String::new()),
            spec_id: RwSignal::new("BASIC".to_owned()),
            description: RwSignal::new(String::new()),
            maintain_begin: RwSignal::new("22:00:00".to_owned()),
            features: StoredValue::new(FEATURES.iter().map(FeatureDraft::new).collect()),
            tags: RwSignal::new(vec![]),
            ports: RwSignal::new(vec![]),
            next_row: StoredValue::new(0),
        }
    }

    fn row_id(&self) -> u32 {
        let id = self.next_row.get_value();
        self.next_row.set_value(id + 1);
        id
    }

    fn maintain_end(&self) -> String {
        let begin: u8 = self.maintain_begin.get()[..2].parse().unwrap_or(22);
        format!("{:02}:00:00", (begin + 4) % 24)
    }

    fn tags(&self) -> Vec<Tag> {
        self.tags
            .get()
            .iter()
            .map(|row| Tag {
                key: row.key.trim().to_owned(),
                value: row.value.trim().to_owned(),
            })
            .collect()
    }

    fn ports(&self) -> Vec<NewIngressPort> {
        self.ports
            .get()
            .iter()
            .map(|row| NewIngressPort {
                protocol: row.protocol.clone(),
                port: row.port.trim().parse().unwrap_or(-1),
            })
            .collect()
    }

    fn to_new(self) -> NewGateway {
        NewGateway {
            name: self.name.get().trim().to_owned(),
            description: self.description.get(),
            spec_id: self.spec_id.get(),
            maintain_begin: self.maintain_begin.get(),
            maintain_end: self.maintain_end(),
            tags: self.tags(),
            features: self
                .features
                .get_value()
                .iter()
                .filter(|f| !f.is_default())
                .map(FeatureDraft::setting)
                .collect(),
            ingress_ports: self.ports(),
        }
    }

    /// What is wrong in `step` now, each error naming its field.
    fn errors(&self, step: usize) -> Vec<AppError> {
        match step {
            BASICS => [
                rules::validate_name("instance_name", self.name.get().trim()),
                rules::validate_spec("spec_id", &self.spec_id.get()).map(|_| ()),
                validate_description("description", &self.description.get()),
            ]
            .into_iter()
            .filter_map(Result::err)
            .collect(),
            PARAMETERS => self
                .features
                .get_value()
                .iter()
                .filter_map(|f| {
                    rules::validate_feature(&f.setting())
                        .err()
                        .map(|e| AppError::invalid(&f.field(), e.to_string()))
                })
                .collect(),
            TAGS_PORTS => {
                let mut errors = vec![];
                let tags = self.tags();
                if tags.len() > MAX_TAGS {
                    errors.push(AppError::invalid(
                        "tags",
                        format!("A gateway has at most {MAX_TAGS} tags."),
                    ));
                }
                for (i, tag) in tags.iter().enumerate() {
                    let field = format!("tags[{i}]");
                    if let Err(error) = rules::validate_tag(&field, tag) {
                        errors.push(error);
                    } else if tags[..i].iter().any(|t| t.key == tag.key) {
                        errors.push(AppError::invalid(
                            &format!("{field}.key"),
                            format!("The tag key {} is given twice.", tag.key),
                        ));
                    }
                }
                let ports = self.ports();
                for (i, port) in ports.iter().enumerate() {
                    let field = format!("ingress_ports[{i}]");
                    if let Err(error) = rules::validate_ingress_port(&field, port) {
                        errors.push(error);
                    } else if ports[..i].iter().any(|p| p.port == port.port) {
                        errors.push(AppError::invalid(
                            &format!("{field}.ingress_port"),
                            format!("Port {} is given twice.", port.port),
                        ));
                    }
                }
                errors
            }
            _ => vec![],
        }
    }
}

/// The step a server error's field belongs to.
fn step_of(field: &str) -> Option<usize> {
    match field {
        "instance_name" | "spec_id" | "description" | "maintain_begin" | "maintain_end" => {
            Some(BASICS)
        }
        f if f.starts_with("features") => Some(PARAMETERS),
        f if f.starts_with("tags") || f.starts_with("ingress_port") => Some(TAGS_PORTS),
        _ => None,
    }
}

/// Whether the form shows errors of `field` next to an input.
fn shown_by_a_field(field: &str) -> bool {
    matches!(
        field,
        "instance_name" | "spec_id" | "description" | "maintain_begin" | "tags"
    ) || field.starts_with("tags[")
        || field.starts_with("ingress_ports[")
        || field.starts_with("features.")
}

#[derive(Clone, Copy)]
struct Wizard {
    draft: Draft,
    step: RwSignal<usize>,
    attempted: RwSignal<[bool; 3]>,
    /// What the server refused, shown on the step it belongs to until Next is pressed.
    server_error: RwSignal<Option<AppError>>,
    create: ServerAction<CreateGateway>,
}

impl Wizard {
    fn new() -> Self {
        Wizard {
            draft: Draft::new(),
            step: RwSignal::new(BASICS),
            attempted: RwSignal::new([false; 3]),
            server_error: RwSignal::new(None),
            create: ServerAction::new(),
        }
    }

    /// The error to show next to `field`.
    fn field_error(self, field: String) -> Signal<Option<String>> {
        Signal::derive(move || {
            let step = step_of(&field)?;
            let tried = self.attempted.get().get(step).copied().unwrap_or(false);
            tried
                .then(|| self.draft.errors(step))
                .and_then(|errors| errors.into_iter().find(|e| e.field() == Some(&field)))
                .or_else(|| {
                    self.server_error
                        .get()
                        .filter(|e| e.field() == Some(field.as_str()))
                })
                .map(|error| error.to_string())
        })
    }

    /// A server refusal on the current step that no field shows (such as a port another
    /// gateway holds).
    fn step_error(self) -> Signal<Option<AppError>> {
        Signal::derive(move || {
            self.server_error.get().filter(|e| {
                e.field().and_then(step_of) == Some(self.step.get())
                    && !e.field().is_some_and(shown_by_a_field)
            })
        })
    }

    fn next(&self) {
        let step = self.step.get_untracked();
        if step >= REVIEW {
            return;
        }
        self.attempted.update(|tried| tried[step] = true);
        self.server_error.set(None);
        if untrack(|| self.draft.errors(step)).is_empty() {
            self.step.set(step + 1);
        }
    }

    fn back(&self) {
        self.step.update(|step| *step = step.saturating_sub(1));
    }

    fn submit(&self) {
        self.server_error.set(None);
        self.create.dispatch(CreateGateway {
            gateway: untrack(|| self.draft.to_new()),
        });
    }

    /// After the server answered: done, or back to the step of the field it refused.
    fn follow_outcome(&self) {
        match self.create.value().get() {
            Some(Ok(_)) => self.step.set(DONE),
            Some(Err(error)) => {
                if let Some(step) = error.field().and_then(step_of) {
                    self.server_error.set(Some(error));
                    self.step.set(step);
                }
            }
            None => {}
        }
    }

    fn general_error(&self) -> Option<AppError> {
        self.create
            .value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.field().and_then(step_of).is_none())
    }
}

#[component]
pub fn CreateGatewayWizard() -> impl IntoView {
    let shell = use_shell();
    let wizard = Wizard::new();
    Effect::new(move |_| wizard.follow_outcome());
    let may_create = move || {
        let loaded = shell.0.get().and_then(Result::ok).is_some();
        !loaded || shell.can("apig:instances:create")
    };
    let step = wizard.step;
    view! {
        <Title text="Create a gateway"/>
        <p class="small"><a href="/gateways">"← Gateways"</a></p>
        <div class="page-header">
            <h1>"Create a gateway"</h1>
            <p class="muted">
                "Name the gateway and choose its edition, adjust its parameters, tag it and give it inbound ports. Nothing is created until you confirm on the review step."
            </p>
        </div>
        <Transition fallback=|| ()>
            {move || (!may_create()).then(|| view! {
                <ErrorBanner error=Some(AppError::forbidden("apig:instances:create"))/>
            })}
        </Transition>
        <Stepper steps=STEPS current=step/>
        {move || match step.get() {
            DONE => match wizard.create.value().get().and_then(Result::ok) {
                Some(created) => view! { <DoneStep created/> }.into_any(),
                None => view! { <ReviewForm wizard/> }.into_any(),
            },
            REVIEW => view! { <ReviewForm wizard/> }.into_any(),
            current => view! { <InputForm wizard current/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn InputForm(wizard: Wizard, current: usize) -> impl IntoView {
    let body = match current {
        BASICS => view! { <BasicsStep wizard/> }.into_any(),
        PARAMETERS => view! { <ParametersStep wizard/> }.into_any(),
        _ => view! { <TagsPortsStep wizard/> }.into_any(),
    };
    view! {
        <form
            class="form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                wizard.next();
            }
        >
            <ErrorBanner error=wizard.step_error()/>
            {body}
            <div class="form-actions">
                <a class="btn btn-ghost" href="/gateways">"Cancel"</a>
                {(current > BASICS).then(|| view! {
                    <button type="button" class="btn" on:click=move |_| wizard.back()>"Back"</button>
                })}
                <button type="submit" class="btn btn-primary">"Next"</button>
            </div>
        </form>
    }
    .into_any()
}

fn edition_options() -> Vec<(String, String)> {
    EDITIONS
        .iter()
        .map(|e| (e.id.to_owned(), edition_label(e.id)))
        .collect()
}

fn maintenance_options() -> Vec<(String, String)> {
    MAINTENANCE_STARTS
        .iter()
        .map(|h| {
            (
                format!("{h:02}:00:00"),
                format!("{h:02}:00 – {:02}:00 UTC", (h + 4) % 24),
            )
        })
        .collect()
}

#[component]
fn BasicsStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let error = move |field: &str| wizard.field_error(field.to_owned());
    view! {
        <section class="card">
            <h2>"Name, edition and description"</h2>
            <div class="form">
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
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn ParametersStep(wizard: Wizard) -> impl IntoView {
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
fn TagsPortsStep(wizard: Wizard) -> impl IntoView {
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

/// A review section with a button back to the step it came from.
fn section(wizard: Wizard, title: &'static str, step: usize, rows: impl IntoView) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{title}</h2>
            <div class="table-wrap">
                <table class="table"><tbody>{rows}</tbody></table>
            </div>
            <div class="form-actions">
                <button type="button" class="btn btn-small" on:click=move |_| wizard.step.set(step)>
                    {format!("Change {}", title.to_lowercase())}
                </button>
            </div>
        </section>
    }
}

#[component]
fn ReviewForm(wizard: Wizard) -> impl IntoView {
    let pending = wizard.create.pending();
    let new = untrack(|| wizard.draft.to_new());
    let changed: Vec<String> = new
        .features
        .iter()
        .filter_map(|setting| {
            let spec = rules::feature_spec(&setting.name)?;
            let state = rules::validate_feature(setting).ok()?;
            let state = crate::domain::gateway::FeatureState {
                id: String::new(),
                name: state.name,
                enabled: state.enabled,
                config: state.config,
                updated_at: String::new(),
            };
            Some(format!("{}: {}", spec.title, feature_summary(spec, &state)))
        })
        .collect();
    let tags = new
        .tags
        .iter()
        .map(|t| format!("{}={}", t.key, t.value))
        .collect::<Vec<_>>()
        .join(", ");
    let ports = new
        .ingress_ports
        .iter()
        .map(|p| format!("{} {}", p.protocol, p.port))
        .collect::<Vec<_>>()
        .join(", ");
    let (begin, end) = (new.maintain_begin.clone(), new.maintain_end.clone());
    view! {
        <form
            class="form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if !pending.get_untracked() {
                    wizard.submit();
                }
            }
        >
            <ErrorBanner error=Signal::derive(move || wizard.general_error())/>
            {section(wizard, "Basics", BASICS, view! {
                {row("Gateway name", new.name.clone())}
                {row("Edition", edition_label(&new.spec_id))}
                {row("Description", or_none(new.description.clone()))}
                {row("Maintenance window", format!("{} – {} UTC", &begin[..5], &end[..5]))}
            })}
            {section(wizard, "Parameters", PARAMETERS, view! {
                {row("Changed from the defaults", or_none(changed.join("; ")))}
            })}
            {section(wizard, "Tags and ports", TAGS_PORTS, view! {
                {row("Tags", or_none(tags))}
                {row("Inbound ports", or_none(ports))}
            })}
            <div class="form-actions">
                <a class="btn btn-ghost" href="/gateways">"Cancel"</a>
                <button type="button" class="btn" on:click=move |_| wizard.back()>"Back"</button>
                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create gateway" }}
                </button>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn DoneStep(created: GatewayOverview) -> impl IntoView {
    let gateway = created.detail.gateway;
    let url = gateway_url(&created.endpoints);
    let ports: Vec<String> = created
        .detail
        .ingress_ports
        .iter()
        .map(|p| {
            format!(
                "{}://{}:{}",
                p.protocol.to_lowercase(),
                created.endpoints.ingress_ip(),
                p.port
            )
        })
        .collect();
    let subdomains = format!(
        "http://{{group_id}}.{}:{}",
        created.endpoints.subdomain_suffix,
        created.endpoints.port()
    );
    view! {
        <section class="card">
            <div class="alert alert-success" role="status">
                {format!("Gateway {} is created and running.", gateway.name)}
            </div>
            <div class="table-wrap">
                <table class="table">
                    <tbody>
                        {row("Gateway ID", view! {
                            <code>{gateway.id.clone()}</code>
                            <CopyButton text=gateway.id.clone() what="gateway ID"/>
                        })}
                        {row("Edition", edition_label(&gateway.spec_id))}
                        {row("Gateway address", view! { <code>{url.clone()}</code> <CopyButton text=url.clone() what="gateway address"/> })}
                        {row("API groups are reached at", view! { <code>{subdomains}</code> })}
                        {row("Inbound ports", or_none(ports.join(", ")))}
                    </tbody>
                </table>
            </div>
            <h3>"Next: open APIs on it"</h3>
            <p>"Create an API group on the gateway, define an API's request and backend, and publish it to an environment."</p>
            <div class="form-actions">
                <a class="btn btn-primary" href=format!("/gateways/{}", gateway.id)>"Go to the gateway"</a>
                <a class="btn" href="/gateways">"All gateways"</a>
                <a class="btn btn-ghost" href="/gateways/new" rel="external">"Create another gateway"</a>
            </div>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_fields_map_to_their_step() {
        assert_eq!(step_of("instance_name"), Some(BASICS));
        assert_eq!(step_of("features[0].config"), Some(PARAMETERS));
        assert_eq!(step_of("tags[2].key"), Some(TAGS_PORTS));
        assert_eq!(step_of("ingress_port"), Some(TAGS_PORTS));
        assert_eq!(step_of("ingress_ports[0].ingress_port"), Some(TAGS_PORTS));
        assert_eq!(step_of("other"), None);
    }
}
