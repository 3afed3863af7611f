//! The "Open an API" wizard (`/gateways/:id/apis/new`): group (existing or new) → frontend
//! request (method, path, parameters) → backend (HTTP or mock, timeout, parameter mapping)
//! → review and publish → done (the URL and a ready-to-copy curl line). What is entered lives
//! in signals the wizard owns, so Back and Next keep it; each step is checked with the same
//! rules the server applies; nothing is created until the review step sends it all.
use leptos::prelude::*;

mod edit;
mod review;
mod steps;

use super::{call_url, curl_line};
use crate::api::apis::{
    load_scope, GatewayScope, OpenApi, OpenApiWithWizard, OpenedApi, UpdateApiDefinition,
};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, property_table, row};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{problems, SelectField};
use crate::components::route::path_param;
use crate::components::wizard::{
    follow, review_section, step_on, unplaced, Flow, ReviewForm as ReviewFrame, StepForm,
    WizardPage,
};
use crate::error::AppError;
use crate::model::api::{
    frontend_path_params, ApiDefinition, BackendApi, BackendParam, MockInfo, ReqParam,
};
use crate::model::api_group::{validate_group_name, RELEASE_ID};
use crate::model::permission::actions;
use edit::keep_unedited;
pub use edit::EditApiWizard;
use review::{DoneStep, ReviewForm};
use steps::{BackendStep, GroupStep, RequestStep};

const STEPS: &[&str] = &["Group", "Request", "Backend", "Review and publish", "Done"];
const EDIT_STEPS: &[&str] = &["Group", "Request", "Backend", "Review and save", "Done"];
const GROUP: usize = 0;
const REQUEST: usize = 1;
const BACKEND: usize = 2;
const REVIEW: usize = 3;
const DONE: usize = 4;
/// The group choice meaning "create a new group".
const NEW_GROUP: &str = "";

/// A request parameter row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ParamRow {
    id: u32,
    name: String,
    location: String,
    kind: String,
    required: bool,
    default_value: String,
    enumerations: String,
}

/// A backend parameter (mapping) row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MapRow {
    id: u32,
    name: String,
    location: String,
    origin: String,
    value: String,
}

#[derive(Debug, Clone, Copy)]
struct Draft {
    group: RwSignal<String>,
    new_group: RwSignal<String>,
    name: RwSignal<String>,
    method: RwSignal<String>,
    path: RwSignal<String>,
    prefix: RwSignal<bool>,
    cors: RwSignal<bool>,
    /// `NONE` or `APP`.
    auth: RwSignal<String>,
    /// APP callers may send an AppCode instead of signing.
    app_code: RwSignal<bool>,
    remark: RwSignal<String>,
    params: RwSignal<Vec<ParamRow>>,
    backend_type: RwSignal<String>,
    address: RwSignal<String>,
    protocol: RwSignal<String>,
    backend_method: RwSignal<String>,
    backend_path: RwSignal<String>,
    timeout: RwSignal<String>,
    retries: RwSignal<String>,
    mappings: RwSignal<Vec<MapRow>>,
    mock_status: RwSignal<String>,
    mock_body: RwSignal<String>,
    env: RwSignal<String>,
    next_row: StoredValue<u32>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            group: RwSignal::new(NEW_GROUP.to_owned()),
            new_group: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            method: RwSignal::new("GET".to_owned()),
            path: RwSignal::new("/".to_owned()),
            prefix: RwSignal::new(false),
            cors: RwSignal::new(false),
            auth: RwSignal::new("NONE".to_owned()),
            app_code: RwSignal::new(false),
            remark: RwSignal::new(String::new()),
            params: RwSignal::new(vec![]),
            backend_type: RwSignal::new("HTTP".to_owned()),
            address: RwSignal::new(String::new()),
            protocol: RwSignal::new("HTTP".to_owned()),
            backend_method: RwSignal::new("GET".to_owned()),
            backend_path: RwSignal::new("/".to_owned()),
            timeout: RwSignal::new("5000".to_owned()),
            retries: RwSignal::new("-1".to_owned()),
            mappings: RwSignal::new(vec![]),
            mock_status: RwSignal::new("200".to_owned()),
            mock_body: RwSignal::new(String::new()),
            env: RwSignal::new(RELEASE_ID.to_owned()),
            next_row: StoredValue::new(0),
        }
    }

    /// A draft holding an existing API's definition, to edit it.
    fn from_definition(definition: &ApiDefinition) -> Self {
        let draft = Draft::new();
        draft.group.set(definition.group_id.clone());
        draft.name.set(definition.name.clone());
        draft.method.set(definition.req_method.clone());
        draft.path.set(definition.req_uri.clone());
        draft.prefix.set(definition.match_mode == "SWA");
        draft.cors.set(definition.cors);
        draft.auth.set(definition.auth_type.clone());
        draft
            .app_code
            .set(definition.auth_opt.app_code_auth_type == "HEADER");
        draft.remark.set(definition.remark.clone());
        let params = definition
            .req_params
            .iter()
            .map(|p| ParamRow {
                id: draft.row_id(),
                name: p.name.clone(),
                location: p.location.clone(),
                kind: p.kind.clone(),
                required: p.required == 1,
                default_value: p.default_value.clone(),
                enumerations: p.enumerations.clone(),
            })
            .collect();
        draft.params.set(params);
        let mappings = definition
            .backend_params
            .iter()
            .map(|p| MapRow {
                id: draft.row_id(),
                name: p.name.clone(),
                location: p.location.clone(),
                origin: p.origin.clone(),
                value: p.value.clone(),
            })
            .collect();
        draft.mappings.set(mappings);
        draft.backend_type.set(definition.backend_type.clone());
        if let Some(backend) = &definition.backend_api {
            draft.address.set(backend.url_domain.clone());
            draft.protocol.set(backend.req_protocol.clone());
            draft.backend_method.set(backend.req_method.clone());
            draft.backend_path.set(backend.req_uri.clone());
            draft.timeout.set(backend.timeout.to_string());
            draft.retries.set(backend.retry_count.clone());
        }
        if let Some(mock) = &definition.mock_info {
            draft.mock_status.set(mock.status_code.to_string());
            draft.mock_body.set(mock.result_content.clone());
        }
        draft.env.set(String::new());
        draft
    }

    fn row_id(&self) -> u32 {
        let id = self.next_row.get_value();
        self.next_row.set_value(id + 1);
        id
    }

    /// Adds a PATH parameter row for each `{name}` of the path that has none.
    fn sync_path_params(&self) {
        let Ok(names) = frontend_path_params("req_uri", self.path.get_untracked().trim()) else {
            return;
        };
        for name in names {
            let known = self.params.with_untracked(|rows| {
                rows.iter()
                    .any(|r| r.location == "PATH" && r.name.eq_ignore_ascii_case(&name))
            });
            if !known {
                let row = ParamRow {
                    id: self.row_id(),
                    name,
                    location: "PATH".to_owned(),
                    kind: "STRING".to_owned(),
                    required: true,
                    default_value: String::new(),
                    enumerations: String::new(),
                };
                self.params.update(|rows| rows.push(row));
            }
        }
    }

    /// The definition as entered. `backend` false stands in a mock backend, to check the
    /// request step on its own.
    fn definition(&self, group_id: &str, backend: bool) -> ApiDefinition {
        let req_params = self
            .params
            .get()
            .into_iter()
            .map(|r| ReqParam {
                name: r.name.trim().to_owned(),
                kind: r.kind,
                required: if r.location == "PATH" || r.required {
                    1
                } else {
                    2
                },
                location: r.location,
                default_value: r.default_value.trim().to_owned(),
                sample_value: String::new(),
                valid_enable: 1,
                remark: String::new(),
                enumerations: r.enumerations.trim().to_owned(),
                min_num: None,
                max_num: None,
                min_size: None,
                max_size: None,
                regular: String::new(),
                pass_through: 1,
            })
            .collect();
        let http = backend && self.backend_type.get() == "HTTP";
        ApiDefinition {
            name: self.name.get().trim().to_owned(),
            group_id: group_id.to_owned(),
            visibility: 1,
            version: String::new(),
            req_protocol: "HTTP".to_owned(),
            req_method: self.method.get(),
            req_uri: self.path.get().trim().to_owned(),
            match_mode: if self.prefix.get() { "SWA" } else { "NORMAL" }.to_owned(),
            auth_type: self.auth.get(),
            auth_opt: crate::model::api::AuthOpt {
                app_code_auth_type: if self.auth.get() == "APP" && self.app_code.get() {
                    "HEADER"
                } else {
                    "DISABLE"
                }
                .to_owned(),
            },
            cors: self.cors.get(),
            backend_type: if http { "HTTP" } else { "MOCK" }.to_owned(),
            remark: self.remark.get(),
            tags: vec![],
            body_remark: String::new(),
            result_normal_sample: String::new(),
            result_failure_sample: String::new(),
            req_params,
            backend_params: if backend {
                self.mappings
                    .get()
                    .into_iter()
                    .map(|m| BackendParam {
                        origin: m.origin,
                        name: m.name.trim().to_owned(),
                        location: m.location,
                        value: m.value.trim().to_owned(),
                        remark: String::new(),
                    })
                    .collect()
            } else {
                vec![]
            },
            backend_api: http.then(|| BackendApi {
                url_domain: self.address.get().trim().to_owned(),
                req_protocol: self.protocol.get(),
                req_method: self.backend_method.get(),
                req_uri: self.backend_path.get().trim().to_owned(),
                timeout: self.timeout.get().trim().parse().unwrap_or(0),
                retry_count: self.retries.get().trim().to_owned(),
                remark: String::new(),
            }),
            mock_info: (!http).then(|| MockInfo {
                result_content: if backend {
                    self.mock_body.get()
                } else {
                    String::new()
                },
                status_code: if backend {
                    self.mock_status.get().trim().parse().unwrap_or(0)
                } else {
                    200
                },
                headers: vec![],
                remark: String::new(),
            }),
        }
    }

    fn group_id(&self) -> String {
        self.group.get()
    }
}

/// The step an error's field belongs to.
fn step_of(field: &str) -> Option<usize> {
    if field == "new_group" || field == "group_id" {
        Some(GROUP)
    } else if field.starts_with("backend") || field.starts_with("mock_info") {
        Some(BACKEND)
    } else if field == "env_id" {
        Some(REVIEW)
    } else if matches!(
        field,
        "name" | "req_method" | "req_uri" | "match_mode" | "remark"
    ) || field.starts_with("req_params")
    {
        Some(REQUEST)
    } else {
        None
    }
}

#[derive(Clone, Copy)]
struct Wizard {
    gateway_id: Memo<String>,
    draft: Draft,
    step: RwSignal<usize>,
    attempted: RwSignal<[bool; 3]>,
    server_error: RwSignal<Option<AppError>>,
    open: ServerAction<OpenApiWithWizard>,
    /// The gateway's longest backend timeout, once loaded.
    max_timeout: RwSignal<i64>,
    /// Set when the wizard edits an existing API instead of opening one.
    editing: Option<Editing>,
}

/// An API being edited: its id, its stored definition, and the save action.
#[derive(Clone, Copy)]
struct Editing {
    api_id: StoredValue<String>,
    original: StoredValue<ApiDefinition>,
    save: ServerAction<UpdateApiDefinition>,
}

impl Wizard {
    /// What is wrong in a step now (at most one error from the definition's rules, which
    /// stop at the first).
    fn errors(&self, step: usize) -> Vec<AppError> {
        let draft = self.draft;
        let max_timeout = self.max_timeout.get();
        match step {
            GROUP if draft.group_id() == NEW_GROUP => problems([validate_group_name(
                "new_group",
                draft.new_group.get().trim(),
            )]),
            REQUEST => draft
                .definition("group", false)
                .validate(max_timeout)
                .err()
                .into_iter()
                .collect(),
            BACKEND => draft
                .definition("group", true)
                .validate(max_timeout)
                .err()
                .into_iter()
                .collect(),
            _ => vec![],
        }
    }

    fn error_of(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.error_where(move |f| f == field))
    }

    /// The current error whose field `matches`, from the rules once Next was tried, or from
    /// the server.
    fn error_where(self, matches: impl Fn(&str) -> bool) -> Option<String> {
        let step = self.step.get();
        let tried = self.attempted.get().get(step).copied().unwrap_or(false);
        tried
            .then(|| self.errors(step))
            .and_then(|errors| errors.into_iter().find(|e| e.field().is_some_and(&matches)))
            .or_else(|| {
                self.server_error
                    .get()
                    .filter(|e| e.field().is_some_and(&matches))
            })
            .map(|e| e.to_string())
    }

    /// The outcome of the last submit: the open action's, or the save action's when editing.
    fn outcome(&self) -> Option<Result<(), AppError>> {
        match self.editing {
            Some(editing) => editing.save.value().get().map(|r| r.map(|_| ())),
            None => self.open.value().get().map(|r| r.map(|_| ())),
        }
    }

    fn follow_outcome(&self) {
        let server_error = self.server_error;
        follow(self.outcome(), self.step, DONE, step_of, |e| {
            server_error.set(Some(e))
        });
    }
}

impl Flow for Wizard {
    fn step(&self) -> RwSignal<usize> {
        self.step
    }

    fn next(&self) {
        if self.step.get_untracked() == REQUEST {
            self.draft.sync_path_params();
        }
        self.server_error.set(None);
        let complete = |step| untrack(|| self.errors(step)).is_empty();
        step_on(self.step, self.attempted, REVIEW, complete);
    }

    fn submit(&self) {
        self.server_error.set(None);
        let draft = self.draft;
        if let Some(editing) = self.editing {
            let definition = untrack(|| {
                keep_unedited(
                    &editing.original.get_value(),
                    draft.definition(&draft.group_id(), true),
                )
            });
            editing.save.dispatch(UpdateApiDefinition {
                gateway_id: self.gateway_id.get_untracked(),
                api_id: editing.api_id.get_value(),
                definition,
            });
            return;
        }
        let wizard = untrack(|| OpenApi {
            gateway_id: self.gateway_id.get(),
            new_group: if draft.group_id() == NEW_GROUP {
                draft.new_group.get().trim().to_owned()
            } else {
                String::new()
            },
            definition: draft.definition(&draft.group_id(), true),
            env_id: draft.env.get(),
        });
        self.open.dispatch(OpenApiWithWizard { wizard });
    }

    fn pending(&self) -> Signal<bool> {
        match self.editing {
            Some(editing) => editing.save.pending().into(),
            None => self.open.pending().into(),
        }
    }

    fn general_error(&self) -> Option<AppError> {
        unplaced(self.outcome(), step_of)
    }
}

#[component]
pub fn OpenApiWizard() -> impl IntoView {
    let gateway_id = path_param("id");
    let scope = Resource::new(move || gateway_id.get(), load_scope);
    let wizard = Wizard {
        gateway_id,
        draft: Draft::new(),
        step: RwSignal::new(GROUP),
        attempted: RwSignal::new([false; 3]),
        server_error: RwSignal::new(None),
        open: ServerAction::new(),
        max_timeout: RwSignal::new(60_000),
        editing: None,
    };
    Effect::new(move |_| wizard.follow_outcome());
    // Start with the first group that is not DEFAULT, if there is one.
    Effect::new(move |_| {
        if let Some(Ok(scope)) = scope.get() {
            wizard.max_timeout.set(scope.max_timeout);
            if let Some(group) = scope.groups.iter().find(|g| !g.is_default) {
                wizard.draft.group.set(group.id.clone());
            }
        }
    });
    let step = wizard.step;
    view! {
        <WizardPage
            title="Open an API"
            intro="Choose the group, define the request callers send and the backend that answers, then publish it to an environment. Nothing is created until you confirm on the review step."
            back=Signal::derive(move || (format!("/gateways/{}/apis", gateway_id.get()), "APIs"))
            steps=STEPS
            current=step
            permission=actions::apig::apis::create
            refused="open APIs on this gateway"
        >
            <Transition fallback=|| view! { <Loading/> }>
                {move || scope.get().map(|result| match result {
                    Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                    Ok(scope) => match step.get() {
                        DONE => match wizard.open.value().get().and_then(Result::ok) {
                            Some(opened) => view! { <DoneStep opened/> }.into_any(),
                            None => view! { <ReviewForm wizard scope/> }.into_any(),
                        },
                        REVIEW => view! { <ReviewForm wizard scope/> }.into_any(),
                        current => view! { <InputForm wizard current scope/> }.into_any(),
                    },
                })}
            </Transition>
        </WizardPage>
    }
    .into_any()
}

/// Where Cancel goes: the API's page when editing, else the APIs list.
fn cancel_href(wizard: Wizard) -> String {
    let gateway = wizard.gateway_id.get_untracked();
    match wizard.editing {
        Some(editing) => format!("/gateways/{gateway}/apis/{}", editing.api_id.get_value()),
        None => format!("/gateways/{gateway}/apis"),
    }
}

#[component]
fn InputForm(wizard: Wizard, current: usize, scope: GatewayScope) -> impl IntoView {
    let body = match current {
        GROUP => view! { <GroupStep wizard scope/> }.into_any(),
        REQUEST => view! { <RequestStep wizard/> }.into_any(),
        _ => view! { <BackendStep wizard/> }.into_any(),
    };
    let cancel = cancel_href(wizard);
    view! {
        <StepForm wizard cancel first=current == GROUP>
            {body}
        </StepForm>
    }
    .into_any()
}
