//! A gateway's Overview (`/gateways/:id`): its endpoints, edition and details (editable),
//! parameters (each editable), tags and inbound ports, and deletion after typing its name.
//! Actions the signed-in user may not perform are not shown.
use leptos::prelude::*;

use crate::components::form::FormActions;
use crate::components::heading::LoadedTitle;
use crate::components::route::path_param;
use leptos_router::hooks::use_navigate;
use serde_json::json;

mod cards;

use super::{
    edition_label, feature_summary, gateway_url, maintenance_options, port_urls, subdomains_url,
};
use crate::api::gateways::{
    get_gateway, AddGatewayPort, ChangeGatewayTags, DeleteGateway, DeleteGatewayPort,
    GatewayOverview, SetGatewayFeature, UpdateGateway,
};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, property_table, row};
use crate::components::dialog::{ConfirmDelete, Removal};
use crate::components::feedback::{failure, on_success, refresh_on_success, ErrorBanner, Loading};
use crate::components::form::{problems, SelectField, Sending, TextField};
use crate::components::shell::use_shell;
use crate::error::AppError;
use crate::model::gateway::{
    self as rules, feature_number, thousands, FeatureSetting, FeatureState, FeatureValue, Gateway,
    GatewayChange, GatewayContents, FEATURES, MIB,
};
use crate::model::permission::actions;
use cards::{PortsCard, TagsCard};

/// The changes the page can make.
#[derive(Clone, Copy)]
struct Actions {
    update: ServerAction<UpdateGateway>,
    feature: ServerAction<SetGatewayFeature>,
    tags: ServerAction<ChangeGatewayTags>,
    add_port: ServerAction<AddGatewayPort>,
    delete_port: ServerAction<DeleteGatewayPort>,
    delete: ServerAction<DeleteGateway>,
}

#[component]
pub fn GatewayOverviewPage() -> impl IntoView {
    let id = path_param("id");
    let refresh = RwSignal::new(0_u32);
    let actions = Actions {
        update: ServerAction::new(),
        feature: ServerAction::new(),
        tags: ServerAction::new(),
        add_port: ServerAction::new(),
        delete_port: ServerAction::new(),
        delete: ServerAction::new(),
    };
    refresh_on_success(actions.update, refresh);
    refresh_on_success(actions.feature, refresh);
    refresh_on_success(actions.tags, refresh);
    refresh_on_success(actions.add_port, refresh);
    refresh_on_success(actions.delete_port, refresh);
    let overview = Resource::new(move || (id.get(), refresh.get()), |(id, _)| get_gateway(id));
    view! {
        <LoadedTitle resource=overview fallback="Gateway" name=|o| o.detail.gateway.name/>
        <p class="small"><a href="/gateways">"← Gateways"</a></p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || overview.get().map(|result| match result {
                Ok(overview) => view! { <OverviewView overview actions/> }.into_any(),
                Err(error) => view! {
                    <div class="page-header"><h1>"Gateway"</h1></div>
                    <ErrorBanner error=Some(error)/>
                }
                .into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn OverviewView(overview: GatewayOverview, actions: Actions) -> impl IntoView {
    let shell = use_shell();
    let GatewayOverview { detail, endpoints } = overview;
    let gateway = detail.gateway;
    let url = gateway_url(&endpoints);
    let subdomains = subdomains_url(&endpoints);
    let port_urls = port_urls(&endpoints, &detail.ingress_ports);
    let can_delete = shell.can(actions::apig::instances::delete);
    // What a policy's Resource names to limit a statement to this gateway.
    let resource = format!("apig:*:*:instance:{}", gateway.id);
    view! {
        <div class="page-header">
            <h1>{gateway.name.clone()} " " <span class="badge badge-success">"Running"</span></h1>
            <p class="muted">
                "Gateway ID " <code>{gateway.id.clone()}</code>
                <CopyButton text=gateway.id.clone() what="gateway ID"/>
                " · IAM resource " <code>{resource.clone()}</code>
                <CopyButton text=resource.clone() what="IAM resource"/>
            </p>
        </div>
        <section class="card">
            <h2>"Endpoints"</h2>
            {property_table(view! {
                        {row("Gateway address", view! { <code>{url.clone()}</code> <CopyButton text=url.clone() what="gateway address"/> })}
                        {row("API groups", view! { <code>{subdomains}</code> })}
                        {row("Inbound ports", or_none(port_urls.join(", ")))}
                    })}
        </section>
        <DetailsCard gateway=gateway.clone() update=actions.update can_update=shell.can(actions::apig::instances::update)/>
        <ParametersCard
            gateway_id=gateway.id.clone()
            features=detail.features
            set=actions.feature
            can_set=shell.can(actions::apig::features::create)
        />
        <TagsCard gateway=gateway.clone() change=actions.tags shell/>
        <PortsCard
            gateway_id=gateway.id.clone()
            ports=detail.ingress_ports
            add=actions.add_port
            remove=actions.delete_port
            can_update=shell.can(actions::apig::instances::update)
        />
        {can_delete.then(|| view! { <DeleteCard gateway contents=detail.contents delete=actions.delete/> })}
    }
    .into_any()
}

/// Name, edition, description and maintenance window, with the form that edits them.
#[component]
fn DetailsCard(
    gateway: Gateway,
    update: ServerAction<UpdateGateway>,
    can_update: bool,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let name = RwSignal::new(gateway.name.clone());
    let description = RwSignal::new(gateway.description.clone());
    let begin = RwSignal::new(gateway.maintain_begin.clone());
    let errors = move || -> Vec<AppError> {
        problems([
            rules::validate_name("instance_name", name.get().trim()),
            crate::model::iam::validate_description("description", &description.get()),
        ])
    };
    let form = Sending::new(update, errors);
    let pending = update.pending();
    let gateway_id = gateway.id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        form.send(ev, || {
            let start = begin.get_untracked();
            let end = format!(
                "{:02}:00:00",
                (start[..2].parse::<u8>().unwrap_or(22) + 4) % 24
            );
            UpdateGateway {
                id: gateway_id.clone(),
                change: GatewayChange {
                    name: Some(name.get_untracked().trim().to_owned()),
                    description: Some(description.get_untracked()),
                    maintain_begin: Some(start),
                    maintain_end: Some(end),
                },
            }
        })
    };
    on_success(update, move || editing.set(false));
    let window = format!(
        "{} – {} UTC",
        &gateway.maintain_begin[..5.min(gateway.maintain_begin.len())],
        &gateway.maintain_end[..5.min(gateway.maintain_end.len())]
    );
    view! {
        <section class="card">
            <h2>"Details"</h2>
            {move || if editing.get() {
                view! {
                    <form class="form" novalidate on:submit=save.clone()>
                        <ErrorBanner error=form.general()/>
                        <TextField label="Gateway name" id="instance_name" value=name error=form.field_error("instance_name")
                            hint="3 to 64 characters: letters, digits, hyphens and underscores, starting with a letter."/>
                        <TextField label="Description" id="description" multiline=true value=description error=form.field_error("description")/>
                        <SelectField label="Maintenance window" id="maintain_begin" value=begin options=maintenance_options()
                            error=form.field_error("maintain_begin")/>
                        <FormActions label="Save" busy="Saving…" pending
                            on_cancel=Callback::new(move |()| editing.set(false))/>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    {property_table(view! {
                                {row("Edition", edition_label(&gateway.spec_id))}
                                {row("Description", or_none(gateway.description.clone()))}
                                {row("Maintenance window", window.clone())}
                                {row("Created", format!("{} by {}", gateway.created_at, gateway.created_by))}
                            })}
                    {can_update.then(|| view! {
                        <div class="form-actions">
                            <button type="button" class="btn" on:click=move |_| { update.clear(); editing.set(true); }>"Edit details"</button>
                        </div>
                    })}
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}

/// Every parameter with its value; each can be changed on its own.
#[component]
fn ParametersCard(
    gateway_id: String,
    features: Vec<FeatureState>,
    set: ServerAction<SetGatewayFeature>,
    can_set: bool,
) -> impl IntoView {
    let editing = RwSignal::new(None::<String>);
    on_success(set, move || editing.set(None));
    let rows = FEATURES
        .iter()
        .filter_map(|spec| {
            let state = features.iter().find(|f| f.name == spec.name)?.clone();
            let gateway_id = gateway_id.clone();
            let name = spec.name;
            Some(view! {
                <tr>
                    <th scope="row">
                        {spec.title}
                        <div class="muted small">{spec.help}</div>
                    </th>
                    <td>
                        {move || if editing.get().as_deref() == Some(name) {
                            view! { <FeatureForm gateway_id=gateway_id.clone() state=state.clone() set editing/> }.into_any()
                        } else {
                            let summary = feature_summary(spec, &state);
                            view! {
                                <div class="property-value">
                                    <span>{summary}</span>
                                    {can_set.then(|| view! {
                                        <button type="button" class="btn btn-small" aria-label=format!("Change {}", spec.title)
                                            on:click=move |_| { set.clear(); editing.set(Some(name.to_owned())); }>
                                            "Change"
                                        </button>
                                    })}
                                </div>
                            }
                            .into_any()
                        }}
                    </td>
                </tr>
            })
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Parameters"</h2>
            {property_table(view! {{rows}})}
        </section>
    }
    .into_any()
}

#[component]
fn FeatureForm(
    gateway_id: String,
    state: FeatureState,
    set: ServerAction<SetGatewayFeature>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let Some(spec) = rules::feature_spec(&state.name) else {
        return ().into_any();
    };
    let enabled = RwSignal::new(state.enabled);
    // Sizes are typed in MB; the setting holds bytes.
    let scale = match spec.value {
        FeatureValue::Number { unit: "bytes", .. } => MIB,
        _ => 1,
    };
    let value = RwSignal::new(
        feature_number(spec, &state.config)
            .map(|n| if n % scale == 0 { n / scale } else { n }.to_string())
            .unwrap_or_default(),
    );
    let typed = move || {
        let text = value.get().trim().to_owned();
        match text.parse::<i64>() {
            Ok(n) => n.saturating_mul(scale).to_string(),
            Err(_) => text,
        }
    };
    let setting = move || {
        let config = match spec.value {
            FeatureValue::Switch => String::new(),
            FeatureValue::Number { key: "", .. } => typed(),
            FeatureValue::Number { key, .. } => json!({ key: typed() }).to_string(),
        };
        FeatureSetting {
            name: spec.name.to_owned(),
            enabled: enabled.get(),
            config,
        }
    };
    let attempted = RwSignal::new(false);
    let server_error = failure(set);
    let error = Signal::derive(move || {
        attempted
            .get()
            .then(|| rules::validate_feature(&setting()).err())
            .flatten()
            .or_else(|| server_error.get())
            .map(|e| e.to_string())
    });
    let pending = set.pending();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if rules::validate_feature(&untrack(setting)).is_err() || pending.get_untracked() {
            return;
        }
        set.dispatch(SetGatewayFeature {
            id: gateway_id.clone(),
            setting: untrack(setting),
        });
    };
    let unit = match spec.value {
        FeatureValue::Number { min, max, .. } if scale > 1 => {
            Some(("MB", thousands(min / scale), thousands(max / scale)))
        }
        FeatureValue::Number { unit, min, max, .. } => Some((unit, thousands(min), thousands(max))),
        FeatureValue::Switch => None,
    };
    view! {
        <form class="inline-form" novalidate on:submit=save>
            <label>
                <input type="checkbox" id=format!("{}-enabled", spec.name)
                    checked=state.enabled prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))/>
                " On"
            </label>
            {unit.map(|(unit, min, max)| view! {
                " "
                <input type="text" inputmode="numeric" id=spec.name aria-label=format!("{} ({unit})", spec.title)
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                " " {unit} <span class="muted small">{format!(" ({min} to {max})")}</span>
            })}
            " "
            <button type="submit" class="btn btn-small btn-primary" disabled=move || pending.get()>"Save"</button>
            <button type="button" class="btn btn-small btn-ghost" on:click=move |_| editing.set(None)>"Cancel"</button>
            {move || error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </form>
    }
    .into_any()
}

/// Deleting the gateway: a dialog that asks for its name.
#[component]
fn DeleteCard(
    gateway: Gateway,
    contents: GatewayContents,
    delete: ServerAction<DeleteGateway>,
) -> impl IntoView {
    let removal = {
        let removal = Removal::new(format!("gateway {}", gateway.name));
        let removal = if contents.is_empty() {
            removal
        } else {
            removal.with(format!("everything it holds: {}", contents.describe()))
        };
        removal
            .with("its parameters, tags and inbound ports")
            .with("calls to it stop")
    };
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if delete.value().with(|v| matches!(v, Some(Ok(())))) {
            navigate("/gateways", Default::default());
        }
    });
    let error = Signal::derive(move || failure(delete).get().map(|e| e.to_string()));
    let name = gateway.name.clone();
    let id = gateway.id.clone();
    let confirm = move || {
        if delete.pending().get_untracked() {
            return;
        }
        delete.dispatch(DeleteGateway {
            id: id.clone(),
            confirm_name: typed.get_untracked(),
        });
    };
    view! {
        <section class="card danger-zone">
            <h2>"Delete gateway"</h2>
            <p>"Deleting the gateway removes it with its parameters, tags and inbound ports. Calls to it stop. This cannot be undone."</p>
            <div class="form-actions">
                <button type="button" class="btn btn-danger" on:click=move |_| { delete.clear(); typed.set(String::new()); open.set(true); }>
                    "Delete gateway"
                </button>
            </div>
            <ConfirmDelete open removal=Some(removal) pending=delete.pending() typed=(typed, name)
                error on_confirm=confirm/>
        </section>
    }
    .into_any()
}
