//! The "Create a gateway" wizard (`/gateways/new`): name, edition and description →
//! parameters → tags and inbound ports → review → done. What is entered lives in signals
//! owned by the wizard, so Back and Next keep it; each step checks its fields with the
//! domain rules before moving on; nothing is created until the review step sends it all.
use leptos::prelude::*;
use serde_json::json;

mod steps;

use super::{edition_label, feature_summary, gateway_url, port_urls, subdomains_url};
use crate::api::gateways::{CreateGateway, GatewayOverview};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, property_table, row};
use crate::components::feedback::ErrorBanner;
use crate::components::form::problems;
use crate::components::wizard::{
    follow, review_section, step_on, unplaced, Flow, ReviewForm, StepForm, WizardPage,
};
use crate::error::AppError;
use crate::model::gateway::{
    self as rules, FeatureSetting, FeatureSpec, FeatureValue, NewGateway, NewIngressPort, Tag,
    FEATURES, MAX_TAGS,
};
use crate::model::iam::validate_description;
use crate::model::permission::actions;
use steps::{BasicsStep, ParametersStep, TagsPortsStep};

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
            BASICS => problems([
                rules::validate_name("instance_name", self.name.get().trim()),
                rules::validate_spec("spec_id", &self.spec_id.get()).map(|_| ()),
                validate_description("description", &self.description.get()),
            ]),
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

    /// After the server answered: done, or back to the step of the field it refused.
    fn follow_outcome(&self) {
        let server_error = self.server_error;
        follow(self.create.value().get(), self.step, DONE, step_of, |e| {
            server_error.set(Some(e))
        });
    }
}

impl Flow for Wizard {
    fn step(&self) -> RwSignal<usize> {
        self.step
    }

    fn next(&self) {
        self.server_error.set(None);
        let complete = |step| untrack(|| self.draft.errors(step)).is_empty();
        step_on(self.step, self.attempted, REVIEW, complete);
    }

    fn submit(&self) {
        self.server_error.set(None);
        self.create.dispatch(CreateGateway {
            gateway: untrack(|| self.draft.to_new()),
        });
    }

    fn pending(&self) -> Signal<bool> {
        self.create.pending().into()
    }

    fn general_error(&self) -> Option<AppError> {
        unplaced(self.create.value().get(), step_of)
    }
}

#[component]
pub fn CreateGatewayWizard() -> impl IntoView {
    let wizard = Wizard::new();
    Effect::new(move |_| wizard.follow_outcome());
    let step = wizard.step;
    view! {
        <WizardPage
            title="Create a gateway"
            intro="Name the gateway and choose its edition, adjust its parameters, tag it and give it inbound ports. Nothing is created until you confirm on the review step."
            back=("/gateways".to_owned(), "Gateways")
            steps=STEPS
            current=step
            permission=actions::apig::instances::create
            refused="create gateways"
        >
            {move || match step.get() {
                DONE => match wizard.create.value().get().and_then(Result::ok) {
                    Some(created) => view! { <DoneStep created/> }.into_any(),
                    None => view! { <ReviewStep wizard/> }.into_any(),
                },
                REVIEW => view! { <ReviewStep wizard/> }.into_any(),
                current => view! { <InputForm wizard current/> }.into_any(),
            }}
        </WizardPage>
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
        <StepForm wizard cancel="/gateways" first=current == BASICS>
            <ErrorBanner error=wizard.step_error()/>
            {body}
        </StepForm>
    }
    .into_any()
}

#[component]
fn ReviewStep(wizard: Wizard) -> impl IntoView {
    let pending = wizard.pending();
    let new = untrack(|| wizard.draft.to_new());
    let changed: Vec<String> = new
        .features
        .iter()
        .filter_map(|setting| {
            let spec = rules::feature_spec(&setting.name)?;
            let state = rules::validate_feature(setting).ok()?;
            let state = crate::model::gateway::FeatureState {
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
    let submit = move || {
        if pending.get() {
            "Creating…"
        } else {
            "Create gateway"
        }
    };
    view! {
        <ReviewForm wizard cancel="/gateways" submit=Signal::derive(submit)>
            {review_section(wizard, "Basics", BASICS, view! {
                {row("Gateway name", new.name.clone())}
                {row("Edition", edition_label(&new.spec_id))}
                {row("Description", or_none(new.description.clone()))}
                {row("Maintenance window", format!("{} – {} UTC", &begin[..5], &end[..5]))}
            })}
            {review_section(wizard, "Parameters", PARAMETERS, view! {
                {row("Changed from the defaults", or_none(changed.join("; ")))}
            })}
            {review_section(wizard, "Tags and ports", TAGS_PORTS, view! {
                {row("Tags", or_none(tags))}
                {row("Inbound ports", or_none(ports))}
            })}
        </ReviewForm>
    }
    .into_any()
}

#[component]
fn DoneStep(created: GatewayOverview) -> impl IntoView {
    let gateway = created.detail.gateway;
    let url = gateway_url(&created.endpoints);
    let ports = port_urls(&created.endpoints, &created.detail.ingress_ports);
    let subdomains = subdomains_url(&created.endpoints);
    view! {
        <section class="card">
            <div class="alert alert-success" role="status">
                {format!("Gateway {} is created and running.", gateway.name)}
            </div>
            {property_table(view! {
                        {row("Gateway ID", view! {
                            <code>{gateway.id.clone()}</code>
                            <CopyButton text=gateway.id.clone() what="gateway ID"/>
                        })}
                        {row("Edition", edition_label(&gateway.spec_id))}
                        {row("Gateway address", view! { <code>{url.clone()}</code> <CopyButton text=url.clone() what="gateway address"/> })}
                        {row("API groups are reached at", view! { <code>{subdomains}</code> })}
                        {row("Inbound ports", or_none(ports.join(", ")))}
                    })}
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
