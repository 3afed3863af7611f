//! The wizard's last two steps: the review (what will be created or saved, and where it
//! will answer) and the result, with the way on to debugging the API.
use super::*;

#[component]
pub(super) fn ReviewForm(wizard: Wizard, scope: GatewayScope) -> impl IntoView {
    let draft = wizard.draft;
    let pending = wizard.pending();
    let editing = wizard.editing.is_some();
    let definition = untrack(|| draft.definition(&draft.group_id(), true));
    let group = untrack(|| {
        if draft.group_id() == NEW_GROUP {
            format!("{} (new)", draft.new_group.get().trim())
        } else {
            scope
                .groups
                .iter()
                .find(|g| g.id == draft.group_id())
                .map(|g| g.name.clone())
                .unwrap_or_default()
        }
    });
    let params = definition
        .req_params
        .iter()
        .map(|p| {
            format!(
                "{} ({}, {}{})",
                p.name,
                p.location,
                p.kind,
                if p.required == 1 { ", required" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let backend = match &definition.backend_api {
        Some(b) => format!(
            "{} {}://{}{} · {} ms",
            b.req_method,
            b.req_protocol.to_lowercase(),
            b.url_domain,
            b.req_uri,
            b.timeout
        ),
        None => definition
            .mock_info
            .as_ref()
            .map(|m| format!("Mock answering {}", m.status_code))
            .unwrap_or_default(),
    };
    let mappings = definition
        .backend_params
        .iter()
        .map(|p| {
            format!(
                "{} ({}) ← {} {}",
                p.name,
                p.location,
                p.origin.to_lowercase(),
                p.value
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut env_options: Vec<(String, String)> = scope
        .environments
        .iter()
        .map(|e| (e.id.clone(), format!("Publish to {}", e.name)))
        .collect();
    env_options.push((String::new(), "Do not publish yet".to_owned()));
    let submit = move || match (editing, pending.get(), draft.env.get().is_empty()) {
        (true, true, _) => "Saving…",
        (true, false, _) => "Save changes",
        (false, true, _) => "Creating…",
        (false, false, true) => "Create API",
        (false, false, false) => "Create and publish",
    };
    view! {
        <ReviewFrame wizard cancel=cancel_href(wizard) submit=Signal::derive(submit)>
            {review_section(wizard, "Group", GROUP, view! { {row("Group", group.clone())} }.into_any())}
            {review_section(wizard, "Request", REQUEST, view! {
                {row("API name", definition.name.clone())}
                {row("Request", format!("{} {}{}", definition.req_method, definition.req_uri, if definition.match_mode == "SWA" { " (prefix)" } else { "" }))}
                {row("Authentication", auth_label(&definition.auth_type, &definition.auth_opt.app_code_auth_type))}
                {row("Parameters", or_none(params))}
            }.into_any())}
            {review_section(wizard, "Backend", BACKEND, view! {
                {row("Backend", backend)}
                {row("Parameter mapping", or_none(mappings))}
            }.into_any())}
            {if editing {
                view! {
                    <div class="alert alert-info" role="note">
                        "Saving changes the API's draft. Where it is published, the live version stays until you publish again from the API's page."
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <section class="card">
                        <h2>"Publish"</h2>
                        <SelectField label="Environment" id="env" value=draft.env options=env_options error=wizard.error_of("env_id")
                            hint="Publishing makes the API callable there; you can publish to other environments later."/>
                    </section>
                }
                .into_any()
            }}
        </ReviewFrame>
    }
    .into_any()
}

#[component]
pub(super) fn DoneStep(opened: OpenedApi) -> impl IntoView {
    let OpenedApi {
        api,
        group,
        publication,
        scope,
    } = opened;
    let url = call_url(&api.definition, &group, &scope.endpoints);
    let detail = format!("/gateways/{}/apis/{}", api.gateway_id, api.id);
    let calls = match publication.as_ref() {
        Some(p) => {
            let curl = curl_line(&api.definition, &group, &scope.endpoints, &p.env_name);
            view! {
                <div class="alert alert-success" role="status">
                    {format!("API {} is published to {} and answers now.", api.definition.name, p.env_name)}
                </div>
                {property_table(view! {
                    {row("URL", view! { <code>{url.clone()}</code> <CopyButton text=url.clone() what="URL"/> })}
                    {row("Call it", view! { <code class="curl">{curl.clone()}</code> <CopyButton text=curl what="curl command"/> })}
                })}
            }
            .into_any()
        }
        None => view! {
            <div class="alert alert-success" role="status">
                {format!("API {} is created. Publish it to an environment to make it callable.", api.definition.name)}
            </div>
            {property_table(view! {
                {row("URL once published", view! { <code>{url.clone()}</code> })}
            })}
        }
        .into_any(),
    };
    let debug = publication
        .is_some()
        .then(|| format!("/gateways/{}/apis/{}?tab=debug", api.gateway_id, api.id));
    let authorize = match api.definition.auth_type.as_str() {
        "APP" => {
            let href = format!("/gateways/{}/credentials/authorize", api.gateway_id);
            Some(view! {
                <div class="alert alert-info" role="note">
                    "Callers need a credential authorized for this API: calls without one are refused with 401. "
                    <a href=href>"Authorize credentials"</a>
                </div>
            }.into_any())
        }
        "IAM" => Some(view! {
            <div class="alert alert-info" role="note">
                "Callers send an IAM user's token in X-Auth-Token ($TOKEN above: the X-Subject-Token that POST /v3/auth/tokens returns), or sign the call with the user's access key as Huawei's SDKs do; calls without either are refused with 401."
            </div>
        }.into_any()),
        _ => None,
    };
    view! {
        <section class="card">
            {calls}
            {authorize}
            <div class="form-actions">
                {debug.map(|href| view! { <a class="btn btn-primary" href=href>"Debug it now"</a> })}
                <a class="btn" href=detail>"View the API"</a>
                <a class="btn" href=format!("/gateways/{}/apis", api.gateway_id)>"All APIs"</a>
                <a class="btn btn-ghost" rel="external" href=format!("/gateways/{}/apis/new", api.gateway_id)>"Open another API"</a>
            </div>
        </section>
    }
    .into_any()
}

/// An authentication type as the review step says it.
fn auth_label(auth_type: &str, app_code: &str) -> &'static str {
    match auth_type {
        "APP" if app_code == "HEADER" => "App: a credential's signature or AppCode",
        "APP" => "App: a credential's signature",
        "IAM" => "IAM: a token or an access key's signature",
        "AUTHORIZER" => "Custom authorizer",
        _ => "None: anyone who knows the address can call it",
    }
}
