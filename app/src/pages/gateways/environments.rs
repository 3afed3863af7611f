//! A gateway's environments and variables (`/gateways/:id/environments`): RELEASE and the
//! gateway's own environments, with a form to add one and deletion after a confirmation;
//! then, for a chosen API group, its variables in each environment.
use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::api_groups::{
    list_environments, list_variables, CreateEnvironment, CreateVariable, DeleteEnvironment,
    DeleteVariable, EnvironmentsView,
};
use crate::components::dialog::{send_for, ConfirmDelete, Removal};
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner, Loading};
use crate::components::form::{problems, FormCard, SelectField, Sending, TextField};
use crate::components::heading::ScopedHeading;
use crate::components::route::path_param;
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable};
use crate::error::AppError;
use crate::model::api_group::{
    validate_env_name, validate_remark, validate_variable_name, validate_variable_value,
    Environment, Variable, RELEASE_ID,
};
use crate::model::gateway::{counted, thousands};
use crate::model::permission::actions;

#[component]
pub fn GatewayEnvironmentsPage() -> impl IntoView {
    let gateway_id = path_param("id");
    let refresh = RwSignal::new(0_u32);
    let create = ServerAction::<CreateEnvironment>::new();
    let delete = ServerAction::<DeleteEnvironment>::new();
    refresh_on_success(create, refresh);
    refresh_on_success(delete, refresh);
    let data = Resource::new(
        move || (gateway_id.get(), refresh.get()),
        |(id, _)| list_environments(id),
    );
    view! {
        <Title text="Environments and variables"/>
        <p class="small"><a href="/gateways">"← Gateways"</a></p>
        <div class="page-header">
            <ScopedHeading
                name=Signal::derive(move || data.get().and_then(Result::ok).map(|v| v.gateway_name))
                title="Environments and variables"
            />
            <p class="muted">
                "APIs are published to environments. RELEASE answers by default; callers choose another with the X-Stage header. Variables give each group a value per environment, used as #name# in backend addresses and paths."
            </p>
        </div>
        <ErrorBanner error=failure(delete)/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || data.get().map(|result| match result {
                Ok(data) => view! {
                    <EnvironmentTable environments=data.environments.clone() live=data.live_counts.clone() delete gateway_id=gateway_id.get_untracked()/>
                    <CreateEnvironmentCard gateway_id=gateway_id.get_untracked() create/>
                    <VariablesCard data gateway_id=gateway_id.get_untracked()/>
                }
                .into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn EnvironmentTable(
    environments: Vec<Environment>,
    live: BTreeMap<String, i64>,
    delete: ServerAction<DeleteEnvironment>,
    gateway_id: String,
) -> impl IntoView {
    let can_delete = use_shell().can(actions::apig::envs::delete);
    let confirming = RwSignal::new(None::<Environment>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if delete.value().with(Option::is_some) {
            open.set(false);
        }
    });
    let columns = vec![
        Column::new("Name", |env: &Environment| {
            view! {
                {env.name.clone()}
                {(env.id == RELEASE_ID).then(|| view! { " " <span class="badge badge-info">"Default"</span> })}
            }
        }),
        Column::new("Description", |env: &Environment| {
            if env.remark.is_empty() {
                "—".to_owned()
            } else {
                env.remark.clone()
            }
        }),
        Column::new("Callers select it with", |env: &Environment| {
            if env.id == RELEASE_ID {
                "No header".to_owned()
            } else {
                format!("X-Stage: {}", env.name)
            }
        }),
        Column::new("Live APIs", {
            let live = live.clone();
            move |env: &Environment| thousands(live.get(&env.id).copied().unwrap_or(0))
        }),
        Column::actions(move |env: &Environment| {
            let ask = {
                let env = env.clone();
                move |_| {
                    delete.clear();
                    confirming.set(Some(env.clone()));
                    open.set(true);
                }
            };
            (can_delete && env.id != RELEASE_ID).then(|| view! {
                <button type="button" class="btn btn-small btn-ghost"
                    aria-label=format!("Delete environment {}", env.name) on:click=ask>"Delete"</button>
            })
        }),
    ];
    let apis_href = format!("/gateways/{gateway_id}/apis");
    let confirm = send_for(confirming, delete, move |env| DeleteEnvironment {
        gateway_id: gateway_id.clone(),
        env_id: env.id,
    });
    view! {
        <section class="card">
            <h2>"Environments"</h2>
            <DataTable label="Environments" columns rows=environments/>
            <ConfirmDelete
                open
                removal=Signal::derive(move || confirming.get().map(|e| {
                    environment_removal(&e, live.get(&e.id).copied().unwrap_or(0), &apis_href)
                }))
                pending=delete.pending()
                on_confirm=confirm
            />
        </section>
    }
    .into_any()
}

/// What deleting `env` removes, or why it cannot go yet (`live` APIs are published in it).
fn environment_removal(env: &Environment, live: i64, apis_href: &str) -> Removal {
    let removal =
        Removal::new(format!("environment {}", env.name)).with("every group's variables in it");
    if live > 0 {
        removal.blocked(
            format!(
                "{} live in it. Take {} offline in {} first (each API's Publishing tab, or tick them on the APIs page).",
                counted(live, "API is", "APIs are"),
                if live == 1 { "it" } else { "them" },
                env.name
            ),
            Some((apis_href.to_owned(), "Open the APIs".to_owned())),
        )
    } else {
        removal.note(format!(
            "Callers sending X-Stage: {} get an error afterwards.",
            env.name
        ))
    }
}

#[component]
fn CreateEnvironmentCard(
    gateway_id: String,
    create: ServerAction<CreateEnvironment>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let remark = RwSignal::new(String::new());
    let errors = move || -> Vec<AppError> {
        problems([
            validate_env_name("name", name.get().trim()),
            validate_remark("remark", &remark.get(), 255),
        ])
    };
    let form = Sending::new(create, errors);
    let input = move || CreateEnvironment {
        gateway_id: gateway_id.clone(),
        name: name.get_untracked(),
        remark: remark.get_untracked(),
    };
    use_shell().can(actions::apig::envs::create).then(|| view! {
        <FormCard title="Add an environment" form input label="Add environment" busy="Adding…" inline=true>
            <TextField label="Environment name" id="env_name" value=name error=form.field_error("name")
                hint="3 to 64 letters, digits and underscores, starting with a letter, such as TEST."/>
            <TextField label="Environment description" id="env_remark" value=remark error=form.field_error("remark")/>
        </FormCard>
    })
}

/// The variables of one group, per environment, with a form to add one.
#[component]
fn VariablesCard(data: EnvironmentsView, gateway_id: String) -> impl IntoView {
    let shell = use_shell();
    let groups = data.groups.clone();
    let environments = data.environments.clone();
    let first_group = groups.first().map(|g| g.id.clone()).unwrap_or_default();
    let group_id = RwSignal::new(first_group.clone());
    let refresh = RwSignal::new(0_u32);
    let create = ServerAction::<CreateVariable>::new();
    let delete = ServerAction::<DeleteVariable>::new();
    refresh_on_success(create, refresh);
    refresh_on_success(delete, refresh);
    // The first group's variables come with the page's data, so the server renders them
    // and the browser hydrates the same rows; another group's, or after a change, are
    // fetched in the browser. (A resource created here, inside the page's Transition,
    // would be numbered differently on the server and in the browser.)
    let first_variables = data.first_variables.clone();
    let unchanged = {
        let first_group = first_group.clone();
        move || refresh.get() == 0 && group_id.get() == first_group
    };
    let fetched = {
        let (gateway_id, unchanged) = (gateway_id.clone(), unchanged.clone());
        LocalResource::new(move || {
            let fetch = (!unchanged()).then(|| list_variables(gateway_id.clone(), group_id.get()));
            async move {
                match fetch {
                    Some(fetch) => Some(fetch.await),
                    None => None,
                }
            }
        })
    };
    let variables = move || {
        if unchanged() {
            Some(first_variables.clone())
        } else {
            fetched.get().flatten()
        }
    };
    let env_name = {
        let environments = environments.clone();
        move |id: &str| {
            environments
                .iter()
                .find(|e| e.id == id)
                .map_or_else(|| id.to_owned(), |e| e.name.clone())
        }
    };
    let group_options: Vec<(String, String)> = groups
        .iter()
        .map(|g| (g.id.clone(), g.name.clone()))
        .collect();
    let can_delete = shell.can(actions::apig::variables::delete);
    let columns = {
        let env_name = env_name.clone();
        let gateway_id = gateway_id.clone();
        vec![
            Column::new(
                "Variable",
                |v: &Variable| view! { <code>{format!("#{}#", v.name)}</code> },
            ),
            Column::new("Environment", {
                let env_name = env_name.clone();
                move |v: &Variable| env_name(&v.env_id)
            }),
            Column::new(
                "Value",
                |v: &Variable| view! { <code class="wrap-anywhere">{v.value.clone()}</code> },
            ),
            Column::actions(move |v: &Variable| {
                let remove = {
                    let (gateway_id, id) = (gateway_id.clone(), v.id.clone());
                    move |_| {
                        delete.dispatch(DeleteVariable {
                            gateway_id: gateway_id.clone(),
                            variable_id: id.clone(),
                        });
                    }
                };
                can_delete.then(|| view! {
                    <button type="button" class="btn btn-small btn-ghost"
                        aria-label=format!("Delete variable {} in {}", v.name, env_name(&v.env_id))
                        on:click=remove>"Delete"</button>
                })
            }),
        ]
    };
    view! {
        <section class="card">
            <h2>"Variables"</h2>
            <SelectField label="API group" id="variables_group" value=group_id options=group_options/>
            <ErrorBanner error=failure(delete)/>
            <Transition fallback=|| view! { <Loading/> }>
                {
                    let columns = columns.clone();
                    let variables = variables.clone();
                    move || variables().map(|result| match result {
                        Ok(list) => view! {
                            <DataTable label="Variables" columns=columns.clone() rows=list
                                empty="This group has no variables yet."/>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                    })
                }
            </Transition>
            {shell.can(actions::apig::variables::create).then(|| view! {
                <AddVariableForm gateway_id group_id environments create/>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn AddVariableForm(
    gateway_id: String,
    group_id: RwSignal<String>,
    environments: Vec<Environment>,
    create: ServerAction<CreateVariable>,
) -> impl IntoView {
    let env_id = RwSignal::new(
        environments
            .first()
            .map(|e| e.id.clone())
            .unwrap_or_default(),
    );
    let name = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let errors = move || -> Vec<AppError> {
        problems([
            validate_variable_name("variable_name", name.get().trim()),
            validate_variable_value("variable_value", value.get().trim()),
        ])
    };
    let form = Sending::new(create, errors);
    form.on_success(move || {
        name.set(String::new());
        value.set(String::new());
    });
    let env_options: Vec<(String, String)> = environments
        .iter()
        .map(|e| (e.id.clone(), e.name.clone()))
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        form.send(ev, || CreateVariable {
            gateway_id: gateway_id.clone(),
            group_id: group_id.get_untracked(),
            env_id: env_id.get_untracked(),
            name: name.get_untracked(),
            value: value.get_untracked(),
        })
    };
    view! {
        <h3>"Add a variable"</h3>
        <ErrorBanner error=form.general()/>
        <form class="inline-fields" novalidate on:submit=submit>
            <SelectField label="Environment" id="variable_env" value=env_id options=env_options/>
            <TextField label="Variable name" id="variable_name" value=name error=form.field_error("variable_name")
                hint="3 to 32 letters, digits, _ and -, starting with a letter."/>
            <TextField label="Variable value" id="variable_value" value=value error=form.field_error("variable_value")
                hint="1 to 255 letters, digits and _ - / . :"/>
            <button type="submit" class="btn btn-primary">"Add variable"</button>
        </form>
    }
    .into_any()
}
