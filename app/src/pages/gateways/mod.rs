//! The Gateways area: the list, the "Create a gateway" wizard, and each gateway's Overview
//! (endpoints, edition, parameters, tags, inbound ports).
pub mod environments;
pub mod groups;
pub mod list;
pub mod overview;
pub mod wizard;

use leptos::prelude::*;

use crate::domain::gateway::{edition, Endpoints, FeatureSpec, FeatureState, FeatureValue};

/// The pages inside one gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayTab {
    Overview,
    Groups,
    Environments,
}

/// The tabs across a gateway's pages, with the current one marked.
#[component]
pub fn GatewayTabs(#[prop(into)] gateway_id: String, current: GatewayTab) -> impl IntoView {
    let tabs = [
        (GatewayTab::Overview, "Overview", String::new()),
        (GatewayTab::Groups, "API groups", "/groups".to_owned()),
        (
            GatewayTab::Environments,
            "Environments and variables",
            "/environments".to_owned(),
        ),
    ];
    view! {
        <nav class="tabs" aria-label="Gateway">
            {tabs.into_iter().map(|(tab, label, tail)| view! {
                <a
                    class="tab"
                    href=format!("/gateways/{gateway_id}{tail}")
                    aria-current=(tab == current).then_some("page")
                >
                    {label}
                </a>
            }).collect_view()}
        </nav>
    }
}

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

/// 12000 → "12,000".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A parameter's value in words: "On · 30,000 ms", "Off".
pub fn feature_summary(spec: &FeatureSpec, state: &FeatureState) -> String {
    if !state.enabled {
        return "Off".to_owned();
    }
    match spec.value {
        FeatureValue::Switch => "On".to_owned(),
        FeatureValue::Number { unit, .. } => {
            const MIB: i64 = 1024 * 1024;
            match crate::domain::gateway::feature_number(spec, &state.config) {
                Some(n) if unit == "bytes" && n % MIB == 0 => {
                    format!("On · {} MB", thousands(n / MIB))
                }
                Some(n) => format!("On · {} {unit}", thousands(n)),
                None => "On".to_owned(),
            }
        }
    }
}

/// The address callers use for the gateway's DEFAULT group on the shared listener.
pub fn gateway_url(endpoints: &Endpoints) -> String {
    format!("http://{}", endpoints.gateway_addr)
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
        let spec = crate::domain::gateway::feature_spec("backend_timeout").unwrap();
        let mut state = spec.default_state();
        assert_eq!(feature_summary(spec, &state), "On · 60,000 ms");
        state.enabled = false;
        assert_eq!(feature_summary(spec, &state), "Off");
        let body = crate::domain::gateway::feature_spec("request_body_size").unwrap();
        assert_eq!(feature_summary(body, &body.default_state()), "On · 12 MB");
    }
}
