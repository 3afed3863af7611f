//! Gateways (APIG instances): their fields, editions, parameters ("features"), tags and
//! custom inbound ports, with the rules of `spec/apig-reference.md` §1.1 and §8.1.
use serde::{Deserialize, Serialize};

mod features;

pub use features::{
    amount, counted, feature_number, feature_spec, thousands, validate_feature, FeatureSpec,
    FeatureValue, FEATURES, MIB,
};

use super::{only_chars, Naming};
use crate::error::{invalid_if, AppError};
use crate::model::iam::validate_description;

/// Gateways per project (APIG's default quota of 5 per account, applied per project here).
pub const MAX_GATEWAYS: i64 = 5;
/// Tags per gateway.
pub const MAX_TAGS: usize = 20;
/// Custom inbound ports per gateway.
pub const MAX_INGRESS_PORTS: usize = 10;

/// Where the installation's gateway listens, for showing endpoints and URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// The gateway listener, `host:port`.
    pub gateway_addr: String,
    /// Group subdomains are `{group_id}.{suffix}`.
    pub subdomain_suffix: String,
    /// The HTTPS listener, `host:port`, blank when the gateway serves no HTTPS.
    pub gateway_tls_addr: String,
}

impl Endpoints {
    /// The gateway listener's IP address (APIG's `ingress_ip`).
    pub fn ingress_ip(&self) -> &str {
        self.gateway_addr
            .rsplit_once(':')
            .map_or(self.gateway_addr.as_str(), |(ip, _)| ip)
            .trim_matches(['[', ']'])
    }

    /// The gateway listener's port.
    pub fn port(&self) -> &str {
        self.gateway_addr
            .rsplit_once(':')
            .map_or("", |(_, port)| port)
    }

    /// Where a group's APIs answer on its subdomain: over HTTPS (`tls`, when the gateway
    /// serves it) or HTTP.
    pub fn group_url(&self, group_id: &str, tls: bool) -> String {
        let (scheme, addr) = match tls && !self.gateway_tls_addr.is_empty() {
            true => ("https", &self.gateway_tls_addr),
            false => ("http", &self.gateway_addr),
        };
        let port = addr.rsplit_once(':').map_or("", |(_, port)| port);
        format!("{scheme}://{group_id}.{}:{port}", self.subdomain_suffix)
    }
}

/// A gateway as the console and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gateway {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub spec_id: String,
    pub maintain_begin: String,
    pub maintain_end: String,
    pub created_by: String,
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub created_at: String,
    /// Seconds since the epoch (APIG's `create_time`).
    pub created_unix: i64,
    pub tags: Vec<Tag>,
}

/// One page of gateways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayPage {
    pub gateways: Vec<Gateway>,
    pub total: i64,
}

/// A gateway with everything its Overview shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayDetail {
    pub gateway: Gateway,
    pub features: Vec<FeatureState>,
    pub ingress_ports: Vec<IngressPort>,
    pub contents: GatewayContents,
}

/// What a gateway holds beyond what every gateway has (its DEFAULT group and RELEASE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayContents {
    pub apis: i64,
    pub groups: i64,
    pub environments: i64,
    pub variables: i64,
}

impl GatewayContents {
    pub fn is_empty(&self) -> bool {
        *self == GatewayContents::default()
    }

    /// "1 API, 2 API groups, 1 environment and 3 variables"; empty when there is nothing.
    pub fn describe(&self) -> String {
        let plural = |n: i64, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let parts: Vec<String> = [
            plural(self.apis, "API", "APIs"),
            plural(self.groups, "API group", "API groups"),
            plural(self.environments, "environment", "environments"),
            plural(self.variables, "variable", "variables"),
        ]
        .into_iter()
        .flatten()
        .collect();
        match parts.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// The fields of a new gateway, with its first parameters, tags and ports (the wizard
/// creates all of them in one step).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGateway {
    pub name: String,
    pub description: String,
    pub spec_id: String,
    /// Empty: the default window 22:00:00–02:00:00.
    pub maintain_begin: String,
    pub maintain_end: String,
    pub tags: Vec<Tag>,
    pub features: Vec<FeatureSetting>,
    pub ingress_ports: Vec<NewIngressPort>,
}

/// A change to a gateway's own fields; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub maintain_begin: Option<String>,
    pub maintain_end: Option<String>,
}

/// A parameter as set by a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSetting {
    pub name: String,
    pub enabled: bool,
    pub config: String,
}

/// A parameter's current state: its setting, or its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureState {
    /// The same before the parameter is first set and after.
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub config: String,
    /// When it was last set; the gateway's creation time while it has its default.
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewIngressPort {
    pub protocol: String,
    pub port: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngressPort {
    pub id: String,
    pub protocol: String,
    pub port: i32,
}

/// An edition (`spec_id`): it sets the gateway's limits, not its hardware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition {
    pub id: &'static str,
    pub title: &'static str,
    /// Most APIs the gateway holds.
    pub max_apis: i64,
    /// Requests per second the edition is rated for.
    pub rated_rps: i64,
}

pub const EDITIONS: &[Edition] = &[
    Edition {
        id: "BASIC",
        title: "Basic",
        max_apis: 250,
        rated_rps: 2_000,
    },
    Edition {
        id: "PROFESSIONAL",
        title: "Professional",
        max_apis: 800,
        rated_rps: 4_000,
    },
    Edition {
        id: "ENTERPRISE",
        title: "Enterprise",
        max_apis: 2_000,
        rated_rps: 6_000,
    },
    Edition {
        id: "PLATINUM",
        title: "Platinum",
        max_apis: 8_000,
        rated_rps: 10_000,
    },
];

/// The edition of a `spec_id`. APIG's `_IPV6` and `PLATINUM_X2`…`X8` variants are accepted
/// and have the limits of their base edition.
pub fn edition(spec_id: &str) -> Option<&'static Edition> {
    let base = spec_id.strip_suffix("_IPV6").unwrap_or(spec_id);
    let base = match base.strip_prefix("PLATINUM_X") {
        Some("2" | "3" | "4" | "5" | "6" | "7" | "8") => "PLATINUM",
        _ => base,
    };
    EDITIONS.iter().find(|e| e.id == base)
}

const GATEWAY_NAME: Naming = Naming {
    noun: "a gateway name",
    lengths: 3..=64,
    first: char::is_alphabetic,
    first_is: "a letter",
    holds: |c| c.is_alphanumeric() || matches!(c, '-' | '_'),
    holds_are: "letters, digits, hyphens and underscores.",
};

/// Gateway names: 3–64 characters, starting with a letter; then letters, digits, `-`, `_`.
pub fn validate_name(field: &str, name: &str) -> Result<(), AppError> {
    GATEWAY_NAME.check(field, name)
}

pub fn validate_spec(field: &str, spec_id: &str) -> Result<&'static Edition, AppError> {
    edition(spec_id).ok_or_else(|| {
        AppError::invalid(
            field,
            format!(
                "The edition is one of {}; {spec_id:?} is not one of them.",
                EDITIONS.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// Hours a maintenance window can start at.
pub const MAINTENANCE_STARTS: [u8; 6] = [2, 6, 10, 14, 18, 22];

/// A maintenance window: it starts at 02, 06, 10, 14, 18 or 22 o'clock and lasts exactly
/// four hours (`xx:00:00`).
pub fn validate_maintenance(begin: &str, end: &str) -> Result<(), AppError> {
    let hour = |field: &str, value: &str| -> Result<u8, AppError> {
        value
            .strip_suffix(":00:00")
            .filter(|h| h.len() == 2)
            .and_then(|h| h.parse::<u8>().ok())
            .filter(|h| *h < 24)
            .ok_or_else(|| {
                AppError::invalid(
                    field,
                    format!("A time of day is written HH:00:00; {value:?} is not."),
                )
            })
    };
    let start = hour("maintain_begin", begin)?;
    let stop = hour("maintain_end", end)?;
    invalid_if(
        !MAINTENANCE_STARTS.contains(&start),
        "maintain_begin",
        "A maintenance window starts at 02, 06, 10, 14, 18 or 22 o'clock.",
    )?;
    if stop != (start + 4) % 24 {
        return Err(AppError::invalid(
            "maintain_end",
            format!(
                "A maintenance window lasts 4 hours: starting at {begin} it ends at {:02}:00:00.",
                (start + 4) % 24
            ),
        ));
    }
    Ok(())
}

/// Tags: at most 20, keys unique; key 1–128 characters of letters, digits, spaces and
/// `_ . : = + - @`, not starting with `_sys_`; value up to 255 characters, also `/`.
pub fn validate_tags(tags: &[Tag]) -> Result<(), AppError> {
    invalid_if(
        tags.len() > MAX_TAGS,
        "tags",
        format!("A gateway has at most {MAX_TAGS} tags."),
    )?;
    for (i, tag) in tags.iter().enumerate() {
        validate_tag(&format!("tags[{i}]"), tag)?;
        invalid_if(
            tags[..i].iter().any(|t| t.key == tag.key),
            &format!("tags[{i}].key"),
            format!("The tag key {} is given twice.", tag.key),
        )?;
    }
    Ok(())
}

pub fn validate_tag(field: &str, tag: &Tag) -> Result<(), AppError> {
    let key_field = format!("{field}.key");
    let count = tag.key.chars().count();
    invalid_if(
        !(1..=128).contains(&count),
        &key_field,
        "A tag key has 1 to 128 characters.",
    )?;
    invalid_if(
        tag.key.starts_with("_sys_"),
        &key_field,
        "Tag keys starting with _sys_ are reserved for the system.",
    )?;
    only_chars(
        &key_field,
        &tag.key,
        |c| c.is_alphanumeric() || " _.:=+-@".contains(c),
        "a tag key",
        "letters, digits, spaces and _ . : = + - @",
    )?;
    let value_field = format!("{field}.value");
    invalid_if(
        tag.value.chars().count() > 255,
        &value_field,
        "A tag value has at most 255 characters.",
    )?;
    only_chars(
        &value_field,
        &tag.value,
        |c| c.is_alphanumeric() || " _.:/=+-@".contains(c),
        "a tag value",
        "letters, digits, spaces and _ . : / = + - @",
    )?;
    Ok(())
}

/// Custom inbound ports: HTTP or HTTPS on a port from 1024 to 49151.
pub fn validate_ingress_port(field: &str, port: &NewIngressPort) -> Result<(), AppError> {
    invalid_if(
        !matches!(port.protocol.as_str(), "HTTP" | "HTTPS"),
        &format!("{field}.protocol"),
        "The protocol of an inbound port is HTTP or HTTPS.",
    )?;
    invalid_if(
        !(1024..=49151).contains(&port.port),
        &format!("{field}.ingress_port"),
        format!("An inbound port is 1024 to 49151; {} is not.", port.port),
    )?;
    Ok(())
}

impl NewGateway {
    /// Every rule, in the order the wizard asks; the maintenance window defaults when empty.
    pub fn validate(&self) -> Result<(), AppError> {
        validate_name("instance_name", &self.name)?;
        validate_spec("spec_id", &self.spec_id)?;
        validate_description("description", &self.description)?;
        let (begin, end) = self.maintenance();
        validate_maintenance(begin, end)?;
        for (i, setting) in self.features.iter().enumerate() {
            validate_feature(setting).map_err(|e| match e {
                AppError::Invalid { field, message } => {
                    AppError::invalid(&format!("features[{i}].{field}"), message)
                }
                other => other,
            })?;
        }
        validate_tags(&self.tags)?;
        invalid_if(
            self.ingress_ports.len() > MAX_INGRESS_PORTS,
            "ingress_ports",
            format!("A gateway has at most {MAX_INGRESS_PORTS} inbound ports."),
        )?;
        for (i, port) in self.ingress_ports.iter().enumerate() {
            let field = format!("ingress_ports[{i}]");
            validate_ingress_port(&field, port)?;
            invalid_if(
                self.ingress_ports[..i].iter().any(|p| p.port == port.port),
                &format!("{field}.ingress_port"),
                format!("Port {} is given twice.", port.port),
            )?;
        }
        Ok(())
    }

    /// The maintenance window, with the default for empty fields.
    pub fn maintenance(&self) -> (&str, &str) {
        if self.maintain_begin.is_empty() && self.maintain_end.is_empty() {
            ("22:00:00", "02:00:00")
        } else {
            (&self.maintain_begin, &self.maintain_end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<(), AppError>) -> String {
        result
            .expect_err("refused")
            .field()
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn names_follow_apig() {
        assert!(validate_name("n", "gw-prod_1").is_ok());
        assert!(validate_name("n", "网关一号").is_ok());
        for bad in [
            "ab",
            "1gateway",
            "-gw",
            "gw prod",
            "gw.prod",
            &"g".repeat(65),
        ] {
            assert!(validate_name("n", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn editions_and_their_variants() {
        assert_eq!(edition("BASIC").map(|e| e.max_apis), Some(250));
        assert_eq!(edition("PLATINUM_X4").map(|e| e.id), Some("PLATINUM"));
        assert_eq!(edition("ENTERPRISE_IPV6").map(|e| e.id), Some("ENTERPRISE"));
        assert!(edition("PLATINUM_X9").is_none());
        assert!(edition("basic").is_none());
    }

    #[test]
    fn maintenance_windows_last_four_hours_from_fixed_starts() {
        assert!(validate_maintenance("22:00:00", "02:00:00").is_ok());
        assert!(validate_maintenance("02:00:00", "06:00:00").is_ok());
        assert_eq!(
            field(validate_maintenance("03:00:00", "07:00:00")),
            "maintain_begin"
        );
        assert_eq!(
            field(validate_maintenance("02:00:00", "05:00:00")),
            "maintain_end"
        );
        assert_eq!(
            field(validate_maintenance("2:00", "06:00:00")),
            "maintain_begin"
        );
    }

    #[test]
    fn tags_and_ports() {
        let tag = |k: &str, v: &str| Tag {
            key: k.to_owned(),
            value: v.to_owned(),
        };
        assert!(validate_tags(&[tag("team", "payments"), tag("cost:center", "a/b")]).is_ok());
        assert_eq!(field(validate_tags(&[tag("", "x")])), "tags[0].key");
        assert_eq!(field(validate_tags(&[tag("_sys_x", "x")])), "tags[0].key");
        assert_eq!(field(validate_tags(&[tag("a", "<b>")])), "tags[0].value");
        assert_eq!(
            field(validate_tags(&[tag("a", "1"), tag("a", "2")])),
            "tags[1].key"
        );
        let many: Vec<_> = (0..21).map(|i| tag(&format!("k{i}"), "")).collect();
        assert_eq!(field(validate_tags(&many)), "tags");
        let port = |protocol: &str, port: i32| NewIngressPort {
            protocol: protocol.to_owned(),
            port,
        };
        assert!(validate_ingress_port("p", &port("HTTPS", 8443)).is_ok());
        assert_eq!(
            field(validate_ingress_port("p", &port("TCP", 8443))),
            "p.protocol"
        );
        assert_eq!(
            field(validate_ingress_port("p", &port("HTTP", 80))),
            "p.ingress_port"
        );
    }

    #[test]
    fn contents_read_as_a_sentence() {
        let mut contents = GatewayContents::default();
        assert!(contents.is_empty());
        assert_eq!(contents.describe(), "");
        contents.groups = 2;
        assert_eq!(contents.describe(), "2 API groups");
        contents.environments = 1;
        contents.variables = 3;
        assert_eq!(
            contents.describe(),
            "2 API groups, 1 environment and 3 variables"
        );
    }

    #[test]
    fn a_new_gateway_reports_the_first_broken_rule() {
        let mut gateway = NewGateway {
            name: "gw-prod".into(),
            spec_id: "BASIC".into(),
            ..Default::default()
        };
        assert!(gateway.validate().is_ok());
        assert_eq!(gateway.maintenance(), ("22:00:00", "02:00:00"));
        gateway.ingress_ports = vec![
            NewIngressPort {
                protocol: "HTTP".into(),
                port: 8081,
            },
            NewIngressPort {
                protocol: "HTTPS".into(),
                port: 8081,
            },
        ];
        assert_eq!(field(gateway.validate()), "ingress_ports[1].ingress_port");
        gateway.spec_id = "HUGE".into();
        assert_eq!(field(gateway.validate()), "spec_id");
    }
}
