//! The "Authorize credentials" wizard (`/gateways/:id/credentials/authorize`): choose or
//! create a credential → choose APIs and an environment → review → done, ending with
//! working code to call one of the APIs: a curl line with an AppCode, and the signing steps
//! with `apigateway-sdk-python` (Huawei's other signing SDKs take the same key and secret).
use leptos::prelude::*;

use crate::api::credentials::{
    authorize_scope, AuthorizableApi, AuthorizeChoices, AuthorizeCredential, Authorized,
};
use crate::components::copy::CopyButton;
use crate::components::details::row;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{problems, SelectField, TextField};
use crate::components::route::path_param;
use crate::components::wizard::{
    follow, review_section, step_on, unplaced, Flow, ReviewForm, StepCard, StepForm, WizardPage,
};
use crate::error::AppError;
use crate::model::api_group::RELEASE_ID;
use crate::model::credential::validate_name;
use crate::model::permission::actions;

const STEPS: &[&str] = &["Credential", "APIs and environment", "Review", "Done"];
const CREDENTIAL: usize = 0;
const APIS: usize = 1;
const REVIEW: usize = 2;
const DONE: usize = 3;

/// The choice that creates a credential instead of taking one.
const NEW: &str = "";

#[derive(Clone, Copy)]
struct Wizard {
    choices: StoredValue<AuthorizeChoices>,
    gateway_id: StoredValue<String>,
    credential: RwSignal<String>,
    new_name: RwSignal<String>,
    env_id: RwSignal<String>,
    apis: RwSignal<Vec<String>>,
    step: RwSignal<usize>,
    attempted: RwSignal<[bool; 3]>,
    server_error: RwSignal<Option<AppError>>,
    authorize: ServerAction<AuthorizeCredential>,
}

fn step_of(field: &str) -> Option<usize> {
    match field {
        "name" => Some(CREDENTIAL),
        "api_ids" | "app_ids" | "env_id" => Some(APIS),
        _ => None,
    }
}

impl Wizard {
    fn new(gateway_id: String, choices: AuthorizeChoices) -> Self {
        let first = choices
            .credentials
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_default();
        Wizard {
            choices: StoredValue::new(choices),
            gateway_id: StoredValue::new(gateway_id),
            credential: RwSignal::new(first),
            new_name: RwSignal::new(String::new()),
            env_id: RwSignal::new(RELEASE_ID.to_owned()),
            apis: RwSignal::new(vec![]),
            step: RwSignal::new(CREDENTIAL),
            attempted: RwSignal::new([false; 3]),
            server_error: RwSignal::new(None),
            authorize: ServerAction::new(),
        }
    }

    fn errors(&self, step: usize) -> Vec<AppError> {
        match step {
            CREDENTIAL if self.credential.get() == NEW => {
                problems([validate_name("name", self.new_name.get().trim())])
            }
            APIS if self.apis.get().is_empty() => {
                vec![AppError::invalid("api_ids", "Choose at least one API.")]
            }
            _ => vec![],
        }
    }

    fn field_error(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            let step = step_of(field)?;
            let tried = self.attempted.get()[step];
            tried
                .then(|| self.errors(step))
                .and_then(|errors| errors.into_iter().find(|e| e.field() == Some(field)))
                .or_else(|| self.server_error.get().filter(|e| e.field() == Some(field)))
                .map(|e| e.to_string())
        })
    }

    fn credential_name(&self) -> String {
        let chosen = self.credential.get();
        if chosen == NEW {
            return format!("{} (new)", self.new_name.get().trim());
        }
        self.choices.with_value(|c| {
            c.credentials
                .iter()
                .find(|c| c.id == chosen)
                .map_or(chosen.clone(), |c| c.name.clone())
        })
    }

    fn env_name(&self) -> String {
        let env = self.env_id.get();
        self.choices.with_value(|c| {
            c.environments
                .iter()
                .find(|e| e.id == env)
                .map_or(env.clone(), |e| e.name.clone())
        })
    }

    fn chosen_apis(&self) -> Vec<AuthorizableApi> {
        let chosen = self.apis.get();
        self.choices.with_value(|c| {
            c.apis
                .iter()
                .filter(|a| chosen.contains(&a.id))
                .cloned()
                .collect()
        })
    }
}

impl Flow for Wizard {
    fn step(&self) -> RwSignal<usize> {
        self.step
    }

    fn next(&self) {
        self.server_error.set(None);
        let complete = |step| untrack(|| self.errors(step)).is_empty();
        step_on(self.step, self.attempted, REVIEW, complete);
    }

    fn submit(&self) {
        self.server_error.set(None);
        self.authorize.dispatch(AuthorizeCredential {
            gateway_id: self.gateway_id.get_value(),
            id: self.credential.get_untracked(),
            new_name: self.new_name.get_untracked(),
            env_id: self.env_id.get_untracked(),
            api_ids: self.apis.get_untracked(),
        });
    }

    fn pending(&self) -> Signal<bool> {
        self.authorize.pending().into()
    }

    fn general_error(&self) -> Option<AppError> {
        unplaced(self.authorize.value().get(), step_of)
    }
}

#[component]
pub fn AuthorizeCredentialsWizard() -> impl IntoView {
    let gateway_id = path_param("id");
    let scope = Resource::new(move || gateway_id.get(), authorize_scope);
    let back = Signal::derive(move || {
        (
            format!("/gateways/{}/credentials", gateway_id.get()),
            "Credentials",
        )
    });
    let step = RwSignal::new(CREDENTIAL);
    view! {
        <WizardPage
            title="Authorize credentials"
            intro="Choose a credential (or create one), the APIs it may call and the environment, review, and get the code that calls them. Nothing changes until you confirm on the review step."
            back
            steps=STEPS
            current=step
            permission=actions::apig::apis::grantAppAccess
            refused="authorize credentials"
        >
            <Transition fallback=|| view! { <Loading/> }>
                {move || scope.get().map(|result| match result {
                    Ok(choices) => view! { <Steps choices gateway_id=gateway_id.get_untracked() step/> }.into_any(),
                    Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                })}
            </Transition>
        </WizardPage>
    }
    .into_any()
}

#[component]
fn Steps(choices: AuthorizeChoices, gateway_id: String, step: RwSignal<usize>) -> impl IntoView {
    let cancel = format!("/gateways/{gateway_id}/credentials");
    if choices.apis.is_empty() {
        return view! {
            <section class="card empty-state">
                <h2>"No API to authorize yet"</h2>
                <p>"Only APIs with APP authentication take credentials. Open an API with APP authentication (or change an API's authentication to APP), then come back."</p>
                <p><a class="btn btn-primary" href=format!("/gateways/{gateway_id}/apis/new")>"Open an API"</a></p>
            </section>
        }
        .into_any();
    }
    let wizard = Wizard::new(gateway_id, choices);
    // The page's stepper follows the wizard's step.
    Effect::new(move |_| step.set(wizard.step.get()));
    Effect::new(move |_| {
        let server_error = wizard.server_error;
        follow(
            wizard.authorize.value().get(),
            wizard.step,
            DONE,
            step_of,
            |e| server_error.set(Some(e)),
        );
    });
    view! {
        {move || match wizard.step.get() {
            DONE => match wizard.authorize.value().get().and_then(Result::ok) {
                Some(done) => view! { <DoneStep wizard done/> }.into_any(),
                None => view! { <ReviewStep wizard cancel=cancel.clone()/> }.into_any(),
            },
            REVIEW => view! { <ReviewStep wizard cancel=cancel.clone()/> }.into_any(),
            CREDENTIAL => view! {
                <StepForm wizard cancel=cancel.clone() first=true>
                    <CredentialStep wizard/>
                </StepForm>
            }.into_any(),
            _ => view! {
                <StepForm wizard cancel=cancel.clone() first=false>
                    <ApisStep wizard/>
                </StepForm>
            }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn CredentialStep(wizard: Wizard) -> impl IntoView {
    let mut options: Vec<(String, String)> = wizard.choices.with_value(|c| {
        c.credentials
            .iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect()
    });
    options.push((NEW.to_owned(), "Create a new credential".to_owned()));
    view! {
        <StepCard title="Which credential">
            <SelectField label="Credential" id="credential" value=wizard.credential options
                hint="The caller holds its key and secret, or one of its AppCodes."/>
            <Show when=move || wizard.credential.get() == NEW>
                <TextField label="New credential's name" id="new_name" value=wizard.new_name error=wizard.field_error("name")
                    hint="3 to 64 letters, digits and underscores, starting with a letter. Its key and secret are generated."/>
            </Show>
        </StepCard>
    }
    .into_any()
}

#[component]
fn ApisStep(wizard: Wizard) -> impl IntoView {
    let (environments, apis) = wizard.choices.with_value(|c| {
        (
            c.environments
                .iter()
                .map(|e| (e.id.clone(), e.name.clone()))
                .collect::<Vec<_>>(),
            c.apis.clone(),
        )
    });
    let error = wizard.field_error("api_ids");
    view! {
        <StepCard title="Which APIs, in which environment">
            <SelectField label="Environment" id="env_id" value=wizard.env_id options=environments
                hint="The authorization holds in this environment only."/>
            <fieldset class="field" class:has-error=move || error.get().is_some()>
                <legend>"APIs with APP authentication"</legend>
                {apis.into_iter().map(|api| {
                    let id = api.id.clone();
                    let checked = {
                        let id = id.clone();
                        move || wizard.apis.get().contains(&id)
                    };
                    let toggle = {
                        let id = id.clone();
                        move |ev| {
                            let on = event_target_checked(&ev);
                            wizard.apis.update(|apis| {
                                apis.retain(|a| *a != id);
                                if on {
                                    apis.push(id.clone());
                                }
                            });
                        }
                    };
                    let live = {
                        let live_in = api.live_in.clone();
                        move || live_in.contains(&wizard.env_id.get())
                    };
                    view! {
                        <label class="check-row">
                            <input type="checkbox" name="api" value=id prop:checked=checked on:change=toggle/>
                            " " <strong>{api.name.clone()}</strong> " "
                            <code>{format!("{} {}", api.method, api.path)}</code>
                            <span class="muted">{format!(" · {}", api.group_name)}</span>
                            {move || (!live()).then(|| view! { " " <span class="badge badge-warning">"not published in this environment"</span> })}
                        </label>
                    }
                }).collect_view()}
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            </fieldset>
        </StepCard>
    }
    .into_any()
}

#[component]
fn ReviewStep(wizard: Wizard, cancel: String) -> impl IntoView {
    let pending = wizard.pending();
    let apis = untrack(|| wizard.chosen_apis());
    let submit = move || {
        if pending.get() {
            "Authorizing…"
        } else {
            "Authorize"
        }
    };
    let names = apis
        .iter()
        .map(|a| a.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <ReviewForm wizard cancel submit=Signal::derive(submit)>
            {review_section(wizard, "Credential", CREDENTIAL, view! {
                {row("Credential", untrack(|| wizard.credential_name()))}
            })}
            {review_section(wizard, "APIs and environment", APIS, view! {
                {row("APIs", names)}
                {row("Environment", untrack(|| wizard.env_name()))}
            })}
        </ReviewForm>
    }
    .into_any()
}

/// `api`'s path with its parameters filled with `1`.
fn example_path(api: &AuthorizableApi) -> String {
    api.path
        .split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Where an AppCode may be sent to `api`: over HTTPS on a domain of its group bound with
/// a certificate, or on its subdomain over HTTP where the gateway allows it.
fn app_code_url(choices: &AuthorizeChoices, api: &AuthorizableApi) -> Option<String> {
    let endpoints = &choices.endpoints;
    let tls_port = endpoints
        .gateway_tls_addr
        .rsplit_once(':')
        .map(|(_, port)| port);
    match (&api.https_domain, tls_port) {
        (Some(domain), Some(port)) => Some(format!("https://{domain}:{port}{}", example_path(api))),
        _ if choices.app_code_http => Some(format!(
            "{}{}",
            endpoints.group_url(&api.group_id, false),
            example_path(api)
        )),
        _ => None,
    }
}

/// The lines that call `api` with an AppCode (when it can be sent), and with a signature
/// in Python.
fn samples(
    done: &Authorized,
    api: &AuthorizableApi,
    choices: &AuthorizeChoices,
    env: &str,
) -> (Result<String, &'static str>, String) {
    let method = if api.method == "ANY" {
        "GET"
    } else {
        &api.method
    };
    let stage = if env == "RELEASE" {
        String::new()
    } else {
        format!(" -H 'X-Stage: {env}'")
    };
    let curl = match (&done.app_code, api.app_code, app_code_url(choices, api)) {
        (_, false, _) => Err("This API takes signatures only; let it take AppCodes (its Authentication option) to call it with one."),
        (None, true, _) => Err("To call with an AppCode instead of signing, add one on the credential's page."),
        (_, true, None) => Err("AppCodes travel over HTTPS only: bind a domain with a certificate to the API's group (and start the gateway's HTTPS listener), or allow AppCodes over HTTP in the gateway's parameters."),
        (Some(code), true, Some(url)) => Ok(format!("curl -i -X {method}{stage} -H 'X-Apig-AppCode: {code}' '{url}'")),
    };
    let url = format!(
        "{}{}",
        choices.endpoints.group_url(&api.group_id, false),
        example_path(api)
    );
    let stage_header = if env == "RELEASE" {
        String::new()
    } else {
        format!(", \"X-Stage\": \"{env}\"")
    };
    let python = format!(
        "# pip install apigateway-sdk-python requests\nimport requests\nfrom apigateway_sdk_python import signer\n\nsig = signer.Signer()\nsig.Key = \"{key}\"\nsig.Secret = \"{secret}\"\n\nrequest = signer.HttpRequest(\"{method}\", \"{url}\",\n                             {{\"content-type\": \"application/json\"{stage_header}}}, \"\")\nsig.Sign(request)\nresponse = requests.request(request.method, \"{url}\", headers=request.headers, data=request.body)\nprint(response.status_code, response.text)\n",
        key = done.app_key,
        secret = done.app_secret,
    );
    (curl, python)
}

#[component]
fn DoneStep(wizard: Wizard, done: Authorized) -> impl IntoView {
    let apis = untrack(|| wizard.chosen_apis());
    let env = untrack(|| wizard.env_name());
    let choices = wizard.choices.get_value();
    let first = apis.iter().find(|a| a.app_code).or(apis.first()).cloned();
    let gateway_id = wizard.gateway_id.get_value();
    let credential_page = done
        .authorizations
        .first()
        .map(|a| format!("/gateways/{gateway_id}/credentials/{}", a.credential_id))
        .unwrap_or_else(|| format!("/gateways/{gateway_id}/credentials"));
    let count = done.authorizations.len();
    let code = first.map(|api| {
        let (curl, python) = samples(&done, &api, &choices, &env);
        view! {
            <h3>{format!("Call {}", api.name)}</h3>
            {match curl {
                Ok(curl) => view! {
                    <p>"With an AppCode:"</p>
                    <pre data-testid="curl-sample">{curl.clone()}</pre>
                    <CopyButton text=curl what="curl line"/>
                }.into_any(),
                Err(why) => view! { <p class="muted">{why}</p> }.into_any(),
            }}
            <p>"Signed with Huawei's signing SDK for Python (apigateway-sdk-python); the SDKs for Java, Go, JavaScript and the others sign the same way with this key and secret:"</p>
            <pre data-testid="python-sample">{python.clone()}</pre>
            <CopyButton text=python what="Python sample"/>
        }
    });
    view! {
        <section class="card">
            <div class="alert alert-success" role="status">
                {format!("Authorized: {} in {}.", crate::model::gateway::counted(count as i64, "authorization", "authorizations"), env)}
            </div>
            {code}
            <div class="form-actions">
                <a class="btn btn-primary" href=credential_page>"Go to the credential"</a>
            </div>
        </section>
    }
    .into_any()
}
