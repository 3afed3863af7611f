//! Gateway parameters ("features", `spec/apig-reference.md` §8.1) that mean something for a
//! self-hosted gateway: their defaults, ranges and the form of their `config`.
use super::{FeatureSetting, FeatureState};
use crate::error::AppError;

/// How a parameter's `config` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureValue {
    /// On or off; no config.
    Switch,
    /// A whole number in `min..=max`: `{"<key>": n}`, or the bare number when `key` is empty.
    Number {
        key: &'static str,
        min: i64,
        max: i64,
        default: i64,
        unit: &'static str,
    },
}

/// A gateway parameter that means something for a self-hosted gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub help: &'static str,
    pub enabled_by_default: bool,
    pub value: FeatureValue,
}

/// One mebibyte, the "MB" sizes are shown in.
pub const MIB: i64 = 1024 * 1024;

pub const FEATURES: &[FeatureSpec] = &[
    FeatureSpec {
        name: "ratelimit",
        title: "Default API rate limit",
        help: "Calls per second each API accepts when no throttling policy is bound.",
        enabled_by_default: true,
        value: FeatureValue::Number {
            key: "api_limits",
            min: 1,
            max: 1_000_000,
            default: 200,
            unit: "calls/s",
        },
    },
    FeatureSpec {
        name: "request_body_size",
        title: "Maximum request body",
        help: "Larger request bodies are refused with 413.",
        enabled_by_default: true,
        value: FeatureValue::Number {
            key: "",
            min: MIB,
            max: 9536 * MIB,
            default: 12 * MIB,
            unit: "bytes",
        },
    },
    FeatureSpec {
        name: "backend_timeout",
        title: "Longest backend timeout",
        help: "The largest timeout an API's backend may be given.",
        enabled_by_default: true,
        value: FeatureValue::Number {
            key: "max_timeout",
            min: 1,
            max: 600_000,
            default: 60_000,
            unit: "ms",
        },
    },
    FeatureSpec {
        name: "real_ip_from_xff",
        title: "Client address from X-Forwarded-For",
        help: "Take the caller's address from X-Forwarded-For: 0 or more counts from the left, -1 or less from the right.",
        enabled_by_default: false,
        value: FeatureValue::Number {
            key: "xff_index",
            min: -10,
            max: 10,
            default: -1,
            unit: "position",
        },
    },
    FeatureSpec {
        name: "gzip",
        title: "Compress responses",
        help: "Gzip responses over 1 KB for callers that accept it, at this level (1–9).",
        enabled_by_default: false,
        value: FeatureValue::Number {
            key: "comp_level",
            min: 1,
            max: 9,
            default: 6,
            unit: "level",
        },
    },
    FeatureSpec {
        name: "app_route",
        title: "Call any group by address",
        help: "Let APIs of groups other than DEFAULT be called on the gateway's own ports.",
        enabled_by_default: false,
        value: FeatureValue::Switch,
    },
    FeatureSpec {
        name: "app_secret",
        title: "Key and secret in headers",
        help: "Let callers authenticate with a credential's key in X-HW-ID and its secret in X-HW-AppKey, without a signature.",
        enabled_by_default: false,
        value: FeatureValue::Switch,
    },
    FeatureSpec {
        name: "app_basic",
        title: "Key and secret as Basic authentication",
        help: "Let callers authenticate with Authorization: Basic base64(key:secret), without a signature.",
        enabled_by_default: false,
        value: FeatureValue::Switch,
    },
    FeatureSpec {
        name: "app_code_http",
        title: "AppCodes over HTTP",
        help: "Accept AppCodes on plain HTTP calls too; by default they are accepted only over HTTPS, where they cannot be read on the way.",
        enabled_by_default: false,
        value: FeatureValue::Switch,
    },
    FeatureSpec {
        name: "api_uri_no_escape",
        title: "Keep request paths unescaped",
        help: "Pass percent-encoded paths to backends as received.",
        enabled_by_default: false,
        value: FeatureValue::Switch,
    },
];

/// "1 API", "23 APIs", "1,200 APIs": a count with its noun.
pub fn counted(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// `12582912` as `12,582,912`.
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

/// A parameter's value as people read it: sizes in MB (`12 MB`, not 12582912), other
/// numbers grouped by thousands with their unit.
pub fn amount(unit: &str, n: i64) -> String {
    match unit {
        "bytes" if n % MIB == 0 => format!("{} MB", thousands(n / MIB)),
        "position" | "level" => n.to_string(),
        _ => format!("{} {unit}", thousands(n)),
    }
}

/// What a parameter's unit is called in a sentence.
fn unit_words(unit: &str) -> &str {
    match unit {
        "ms" => "milliseconds",
        "calls/s" => "calls per second",
        other => other,
    }
}

/// "Longest backend timeout must be a whole number of milliseconds, 1 to 600,000."
fn range_message(spec: &FeatureSpec, unit: &str, min: i64, max: i64) -> String {
    let bounds = match unit {
        "position" | "level" => format!("{min} to {max}"),
        _ => format!("{} to {}", amount(unit, min), amount(unit, max)),
    };
    format!(
        "{} must be a whole number of {}, {bounds}.",
        spec.title,
        unit_words(unit)
    )
}

pub fn feature_spec(name: &str) -> Option<&'static FeatureSpec> {
    FEATURES.iter().find(|f| f.name == name)
}

impl FeatureSpec {
    /// The config of the default setting.
    pub fn default_config(&self) -> String {
        match self.value {
            FeatureValue::Switch => String::new(),
            FeatureValue::Number { key, default, .. } => number_config(key, default),
        }
    }

    /// The default value, as listed before the parameter is ever set (the service gives
    /// it its id and time).
    pub fn default_state(&self) -> FeatureState {
        FeatureState {
            id: String::new(),
            name: self.name.to_owned(),
            enabled: self.enabled_by_default,
            config: self.default_config(),
            updated_at: String::new(),
        }
    }
}

fn number_config(key: &str, value: i64) -> String {
    if key.is_empty() {
        value.to_string()
    } else {
        format!("{{\"{key}\":{value}}}")
    }
}

/// The number in a parameter's config, if it has one.
pub fn feature_number(spec: &FeatureSpec, config: &str) -> Option<i64> {
    let FeatureValue::Number { key, .. } = spec.value else {
        return None;
    };
    let config = config.trim();
    if key.is_empty() {
        return config.trim_matches('"').parse().ok();
    }
    let value: serde_json::Value = serde_json::from_str(config).ok()?;
    match &value[key] {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Checks a parameter setting and returns it in its stored form (config normalised; an
/// empty config of a numeric parameter takes the default).
pub fn validate_feature(setting: &FeatureSetting) -> Result<FeatureSetting, AppError> {
    let spec = feature_spec(&setting.name).ok_or_else(|| {
        let known: Vec<_> = FEATURES.iter().map(|f| f.name).collect();
        AppError::invalid(
            "name",
            format!(
                "The gateway parameter {} is not supported; the parameters are {}.",
                setting.name,
                known.join(", ")
            ),
        )
    })?;
    let config = match spec.value {
        FeatureValue::Switch => String::new(),
        FeatureValue::Number {
            key,
            min,
            max,
            default,
            unit,
        } => {
            let value = if setting.config.trim().is_empty() {
                default
            } else {
                feature_number(spec, &setting.config).ok_or_else(|| {
                    let form = if key.is_empty() {
                        format!("the number alone, such as {default}")
                    } else {
                        number_config(key, default)
                    };
                    AppError::invalid(
                        "config",
                        format!(
                            "{} (written as {form})",
                            range_message(spec, unit, min, max).trim_end_matches('.')
                        ),
                    )
                })?
            };
            if !(min..=max).contains(&value) {
                return Err(AppError::invalid(
                    "config",
                    format!(
                        "{} {} is not.",
                        range_message(spec, unit, min, max),
                        amount(unit, value)
                    ),
                ));
            }
            number_config(key, value)
        }
    };
    Ok(FeatureSetting {
        name: setting.name.clone(),
        enabled: setting.enabled,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_their_noun() {
        assert_eq!(counted(1, "API", "APIs"), "1 API");
        assert_eq!(counted(0, "API", "APIs"), "0 APIs");
        assert_eq!(counted(1200, "API", "APIs"), "1,200 APIs");
    }

    #[test]
    fn messages_use_the_parameters_title_and_units_people_read() {
        let set = |name: &str, config: &str| FeatureSetting {
            name: name.to_owned(),
            enabled: true,
            config: config.to_owned(),
        };
        let too_long = validate_feature(&set("backend_timeout", r#"{"max_timeout": 700000}"#))
            .unwrap_err()
            .to_string();
        assert_eq!(
            too_long,
            "Longest backend timeout must be a whole number of milliseconds, 1 ms to 600,000 ms. 700,000 ms is not."
        );
        let junk = validate_feature(&set("backend_timeout", "soon"))
            .unwrap_err()
            .to_string();
        assert!(
            junk.starts_with("Longest backend timeout must be a whole number of milliseconds"),
            "{junk}"
        );
        assert!(!junk.contains("backend_timeout takes"), "{junk}");
        let small = validate_feature(&set("request_body_size", "1000"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            small,
            "Maximum request body must be a whole number of bytes, 1 MB to 9,536 MB. 1,000 bytes is not."
        );
        assert_eq!(amount("bytes", 12 * MIB), "12 MB");
        assert_eq!(thousands(-1234), "-1,234");
    }

    #[test]
    fn features_are_checked_and_normalised() {
        let set = |name: &str, config: &str| FeatureSetting {
            name: name.to_owned(),
            enabled: true,
            config: config.to_owned(),
        };
        assert_eq!(
            validate_feature(&set("ratelimit", r#"{"api_limits": "500"}"#))
                .unwrap()
                .config,
            r#"{"api_limits":500}"#
        );
        assert_eq!(
            validate_feature(&set("request_body_size", "104857600"))
                .unwrap()
                .config,
            "104857600"
        );
        assert_eq!(
            validate_feature(&set("backend_timeout", ""))
                .unwrap()
                .config,
            r#"{"max_timeout":60000}"#
        );
        assert_eq!(
            validate_feature(&set("app_route", "ignored"))
                .unwrap()
                .config,
            ""
        );
        let out_of_range =
            validate_feature(&set("backend_timeout", r#"{"max_timeout":600001}"#)).unwrap_err();
        assert_eq!(out_of_range.field(), Some("config"));
        assert!(out_of_range.to_string().contains("1 ms to 600,000 ms"));
        assert_eq!(
            validate_feature(&set("ratelimit", "fast"))
                .unwrap_err()
                .field(),
            Some("config")
        );
        let unknown = validate_feature(&set("lts", "")).unwrap_err();
        assert_eq!(unknown.field(), Some("name"));
        assert!(unknown.to_string().contains("ratelimit"));
    }
}
