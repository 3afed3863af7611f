//! The Debug tab of an API's page: choose the environment, fill the path, query, headers and
//! body, send the call through the real gateway, and see the request, the response, the
//! request the gateway sent to the backend, and the latency.
use leptos::prelude::*;

use crate::components::form::FormActions;

use crate::api::apis::DebugApi;
use crate::components::feedback::ErrorBanner;
use crate::components::form::{SelectField, Sending, TextField};
use crate::error::AppError;
use crate::model::api::{ApiInfo, DebugCall, DEBUG_METHODS};

/// `name=value` lines (query) or `Name: value` lines (headers) as pairs; blank lines skipped.
fn pairs(text: &str, separator: char) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(separator) {
            Some((name, value)) => (name.trim().to_owned(), value.trim().to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect()
}

#[component]
pub fn DebugPanel(
    api: ApiInfo,
    /// The credentials authorized for the API, `(id, name)`, to sign the call with.
    #[prop(optional)]
    signers: Vec<(String, String)>,
) -> impl IntoView {
    let send = ServerAction::<DebugApi>::new();
    if api.publications.is_empty() {
        return view! {
            <section class="card">
                <div class="empty-state">
                    <p>"This API is not published anywhere yet."</p>
                    <p class="muted">"Debugging calls what is live: publish it to an environment on the Publishing tab first."</p>
                </div>
            </section>
        }
        .into_any();
    }
    let environments: Vec<(String, String)> = api
        .publications
        .iter()
        .map(|p| (p.env_name.clone(), p.env_name.clone()))
        .collect();
    let stage = RwSignal::new(environments[0].0.clone());
    let methods: Vec<(String, String)> = if api.definition.req_method == "ANY" {
        DEBUG_METHODS
            .iter()
            .map(|m| (m.to_string(), m.to_string()))
            .collect()
    } else {
        vec![(
            api.definition.req_method.clone(),
            api.definition.req_method.clone(),
        )]
    };
    let method = RwSignal::new(methods[0].0.clone());
    let path = RwSignal::new(api.definition.req_uri.clone());
    let query = RwSignal::new(String::new());
    let headers = RwSignal::new(String::new());
    let signed = api.definition.auth_type == "APP";
    let signer = RwSignal::new(
        signers
            .first()
            .map(|(id, _)| id.clone())
            .unwrap_or_default(),
    );
    let mut signer_options = signers;
    signer_options.push((String::new(), "Do not sign".to_owned()));
    let body = RwSignal::new(String::new());
    let call = move || DebugCall {
        stage: stage.get(),
        method: method.get(),
        path: path.get().trim().to_owned(),
        query: pairs(&query.get(), '='),
        headers: pairs(&headers.get(), ':'),
        body: body.get(),
        app_id: if signed { signer.get() } else { String::new() },
    };
    let errors = move || -> Vec<AppError> { call().validate().err().into_iter().collect() };
    let form = Sending::new(send, errors);
    let server_error = form.refused();
    let general = Signal::derive(move || {
        server_error
            .get()
            .filter(|e| !matches!(e.field(), Some("path" | "query" | "header" | "body")))
    });
    let (gateway_id, api_id) = (api.gateway_id.clone(), api.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        form.send(ev, || DebugApi {
            gateway_id: gateway_id.clone(),
            api_id: api_id.clone(),
            call: untrack(call),
        })
    };
    let result = move || send.value().get().and_then(Result::ok);
    view! {
        <section class="card">
            <h2>"Debug"</h2>
            <p class="muted">"Sends a real call through the gateway, as a caller would, to what is live in the environment."</p>
            <form class="form" novalidate on:submit=submit>
                <ErrorBanner error=general/>
                <SelectField label="Environment" id="debug_stage" value=stage options=environments/>
                <SelectField label="Method" id="debug_method" value=method options=methods/>
                {signed.then(|| view! {
                    <SelectField label="Sign with credential" id="debug_signer" value=signer options=signer_options
                        hint="The call is signed with the credential's key and secret (SDK-HMAC-SHA256), as a caller's SDK signs it."/>
                }.into_any())}
                <TextField label="Path" id="debug_path" value=path error=form.field_error("path")
                    hint="Fill the path parameters, like /orders/42."/>
                <TextField label="Query parameters" id="debug_query" multiline=true value=query error=form.field_error("query")
                    hint="One name=value per line."/>
                <TextField label="Headers" id="debug_headers" multiline=true value=headers error=form.field_error("header")
                    hint="One Name: value per line."/>
                <TextField label="Body" id="debug_body" multiline=true value=body error=form.field_error("body")/>
                <FormActions label="Send" busy="Sending…" pending=send.pending()/>
            </form>
        </section>
        {move || result().map(|r| {
            let badge = if r.status < 400 { "badge badge-success" } else { "badge badge-danger" };
            view! {
                <section class="card" aria-label="Debug result">
                    <h2>"Result " <span class=badge>{r.status}</span></h2>
                    <p>{format!("Answered in {} ms.", r.latency_ms)}</p>
                    <p>"Sent to the backend: " <code>{if r.backend_request.is_empty() { "nothing (refused by the gateway)".to_owned() } else { r.backend_request.clone() }}</code></p>
                    <h3>"Request"</h3>
                    <pre class="debug-text">{r.request.clone()}</pre>
                    <h3>"Response"</h3>
                    <pre class="debug-text">{r.response.clone()}</pre>
                </section>
            }
        })}
    }
    .into_any()
}
