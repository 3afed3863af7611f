//! The Gateways area: the list, the "Create a gateway" wizard, and each gateway's Overview
//! (endpoints, edition, parameters, tags, inbound ports).
pub mod api_debug;
pub mod api_detail;
pub mod api_groups;
pub mod apis;
pub mod authorize;
pub mod credentials;
pub mod domains;
pub mod environments;
pub mod list;
pub mod open_api;
pub mod overview;
pub mod runtime;
pub mod transfer;
pub mod wizard;

use crate::model::api::{ApiDefinition, ReqParam};
use crate::model::api_group::{ApiGroup, RELEASE};
use crate::model::gateway::{
    amount, edition, thousands, Endpoints, FeatureSpec, FeatureState, FeatureValue, IngressPort,
    MAINTENANCE_STARTS,
};

/// How the console names an edition: "Professional · 800 APIs · 4,000 requests/s".
pub fn edition_label(spec_id: &str) -> String {
    match edition(spec_id) {
        Some(e) => format!(
            "{} · {} APIs · {} requests/s",
            e.title,
            thousands(e.max_apis),
            thousands(e.rated_rps)
        ),
        None => spec_id.to_owned(),
    }
}

/// The maintenance windows a gateway can have, as `(start, label)`.
pub fn maintenance_options() -> Vec<(String, String)> {
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

/// A parameter's value in words: "On · 30,000 ms", "Off".
pub fn feature_summary(spec: &FeatureSpec, state: &FeatureState) -> String {
    if !state.enabled {
        return "Off".to_owned();
    }
    match spec.value {
        FeatureValue::Switch => "On".to_owned(),
        FeatureValue::Number { unit, .. } => {
            match crate::model::gateway::feature_number(spec, &state.config) {
                Some(n) => format!("On · {}", amount(unit, n)),
                None => "On".to_owned(),
            }
        }
    }
}

/// An example value for a parameter: its sample, its default, or one that fits its type.
fn example(param: &ReqParam) -> String {
    [&param.sample_value, &param.default_value]
        .into_iter()
        .find(|v| !v.is_empty())
        .cloned()
        .or_else(|| {
            param
                .enumerations
                .split(',')
                .next()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        })
        .unwrap_or_else(|| {
            if param.kind == "NUMBER" {
                "1".to_owned()
            } else {
                "value".to_owned()
            }
        })
}

/// The URL that calls an API through its group's subdomain, path and required query
/// parameters filled with example values.
pub fn call_url(definition: &ApiDefinition, group: &ApiGroup, endpoints: &Endpoints) -> String {
    let path: Vec<String> = definition
        .req_uri
        .split('/')
        .map(|segment| {
            let name = segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .map(|s| s.trim_end_matches('+'));
            match name.and_then(|n| {
                definition
                    .req_params
                    .iter()
                    .find(|p| p.location == "PATH" && p.name == n)
            }) {
                Some(param) => example(param),
                None => segment.to_owned(),
            }
        })
        .collect();
    let query: Vec<String> = definition
        .req_params
        .iter()
        .filter(|p| p.location == "QUERY" && p.required == 1)
        .map(|p| format!("{}={}", p.name, example(p)))
        .collect();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    format!(
        "http://{}:{}{}{query}",
        group.sl_domain(&endpoints.subdomain_suffix),
        endpoints.port(),
        path.join("/")
    )
}

/// A ready-to-copy curl line for an API in an environment (X-Stage outside RELEASE), with
/// its required headers.
pub fn curl_line(
    definition: &ApiDefinition,
    group: &ApiGroup,
    endpoints: &Endpoints,
    env_name: &str,
) -> String {
    let method = if definition.req_method == "ANY" {
        "GET"
    } else {
        &definition.req_method
    };
    let mut parts = vec!["curl -i".to_owned()];
    if method != "GET" {
        parts.push(format!("-X {method}"));
    }
    if env_name != RELEASE {
        parts.push(format!("-H 'X-Stage: {env_name}'"));
    }
    if definition.auth_type == "IAM" {
        // Double quotes: the shell fills in the caller's token.
        parts.push("-H \"X-Auth-Token: $TOKEN\"".to_owned());
    }
    for param in definition
        .req_params
        .iter()
        .filter(|p| p.location == "HEADER" && p.required == 1)
    {
        parts.push(format!("-H '{}: {}'", param.name, example(param)));
    }
    parts.push(format!("'{}'", call_url(definition, group, endpoints)));
    parts.join(" ")
}

/// The address callers use for the gateway's DEFAULT group on the shared listener.
pub fn gateway_url(endpoints: &Endpoints) -> String {
    format!("http://{}", endpoints.gateway_addr)
}

/// The URL pattern of a gateway's groups on their subdomains.
pub fn subdomains_url(endpoints: &Endpoints) -> String {
    format!(
        "http://{{group_id}}.{}:{}",
        endpoints.subdomain_suffix,
        endpoints.port()
    )
}

/// The URL of each of a gateway's inbound ports.
pub fn port_urls(endpoints: &Endpoints, ports: &[IngressPort]) -> Vec<String> {
    let ip = endpoints.ingress_ip();
    ports
        .iter()
        .map(|p| format!("{}://{ip}:{}", p.protocol.to_lowercase(), p.port))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_editions_read_well() {
        assert_eq!(thousands(12_582_912), "12,582,912");
        assert_eq!(thousands(250), "250");
        assert_eq!(thousands(-1), "-1");
        assert_eq!(
            edition_label("PROFESSIONAL"),
            "Professional · 800 APIs · 4,000 requests/s"
        );
        let spec = crate::model::gateway::feature_spec("backend_timeout").unwrap();
        let mut state = spec.default_state();
        assert_eq!(feature_summary(spec, &state), "On · 60,000 ms");
        state.enabled = false;
        assert_eq!(feature_summary(spec, &state), "Off");
        let body = crate::model::gateway::feature_spec("request_body_size").unwrap();
        assert_eq!(feature_summary(body, &body.default_state()), "On · 12 MB");
    }

    #[test]
    fn curl_lines_fill_parameters_and_choose_the_environment() {
        let definition: ApiDefinition = serde_json::from_value(serde_json::json!({
            "name": "get-order", "group_id": "g1", "req_method": "GET", "req_uri": "/orders/{id}/{rest+}",
            "backend_type": "MOCK", "mock_info": { "result_content": "ok" },
            "req_params": [
                { "name": "id", "type": "NUMBER", "location": "PATH", "required": 1 },
                { "name": "rest", "type": "STRING", "location": "PATH", "required": 1, "sample_value": "a/b" },
                { "name": "fields", "type": "STRING", "location": "QUERY", "required": 1, "enumerations": "all,summary" },
                { "name": "page", "type": "NUMBER", "location": "QUERY", "required": 2 },
                { "name": "X-Tenant", "type": "STRING", "location": "HEADER", "required": 1, "default_value": "acme" }
            ]
        }))
        .unwrap();
        let group = ApiGroup {
            id: "g1".into(),
            gateway_id: "gw".into(),
            name: "orders".into(),
            remark: String::new(),
            is_default: false,
            sl_domain_access_enabled: true,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let endpoints = Endpoints {
            gateway_addr: "127.0.0.1:8080".into(),
            subdomain_suffix: "apig.localhost".into(),
            gateway_tls_addr: "127.0.0.1:8443".into(),
        };
        assert_eq!(
            curl_line(&definition, &group, &endpoints, "TEST"),
            "curl -i -H 'X-Stage: TEST' -H 'X-Tenant: acme' 'http://g1.apig.localhost:8080/orders/1/a/b?fields=all'"
        );
        assert_eq!(
            curl_line(&definition, &group, &endpoints, "RELEASE"),
            "curl -i -H 'X-Tenant: acme' 'http://g1.apig.localhost:8080/orders/1/a/b?fields=all'"
        );
        let iam = ApiDefinition {
            auth_type: "IAM".into(),
            ..definition
        };
        assert_eq!(
            curl_line(&iam, &group, &endpoints, "RELEASE"),
            "curl -i -H \"X-Auth-Token: $TOKEN\" -H 'X-Tenant: acme' 'http://g1.apig.localhost:8080/orders/1/a/b?fields=all'"
        );
    }
}
