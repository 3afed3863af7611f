//! Domains bound to API groups and the SSL certificates served for them, with the rules of
//! `spec/apig-reference.md` §1.3: domain names as APIG spells them (wildcards included), at
//! most five domains per group, one group per domain, certificate names, and a certificate
//! bound only to a domain its names cover.
use serde::{Deserialize, Serialize};

use crate::error::{invalid_if, AppError};
use crate::model::permission::actions;

#[cfg(feature = "ssr")]
pub mod pem;

/// Independent domains per group (APIG's APIGROUP_DOMAIN_NUM_LIMIT).
pub const MAX_DOMAINS_PER_GROUP: i64 = 5;
/// Minimum TLS versions a domain may ask for. Portico's TLS (rustls) speaks TLS 1.2 and 1.3,
/// so `TLSv1.1`, APIG's default, serves TLS 1.2 and up like `TLSv1.2`.
pub const TLS_VERSIONS: &[&str] = &["TLSv1.1", "TLSv1.2"];
pub const DEFAULT_TLS_VERSION: &str = "TLSv1.1";
/// Key algorithms of certificates Portico can serve.
pub const ALGORITHMS: &[&str] = &["RSA", "ECC"];
/// APIG refuses certificates valid past this moment (2038-01-19 03:14:07 UTC, Unix seconds).
pub const LATEST_EXPIRY: i64 = 2_147_483_647;

/// Binding a stored certificate to a domain, or removing it from the domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Link {
    Attach,
    Detach,
}

impl Link {
    /// The IAM action that allows it.
    pub fn action(self) -> crate::model::permission::Action {
        match self {
            Link::Attach => actions::apig::domains::bindCertificate,
            Link::Detach => actions::apig::domains::unbindCertificate,
        }
    }
}

/// A domain bound to an API group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundDomain {
    pub id: String,
    pub group_id: String,
    /// Lower case, without a trailing dot.
    pub domain: String,
    pub min_ssl_version: String,
    pub is_http_redirect_to_https: bool,
    /// Inbound ports the domain answers on; `None` when not set (the gateway's listeners).
    pub ingress_http_port: Option<i32>,
    pub ingress_https_port: Option<i32>,
    pub certificate: Option<CertificateRef>,
}

/// The certificate bound to a domain, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRef {
    pub id: String,
    pub name: String,
    pub algorithm_type: String,
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub not_after: String,
}

/// A stored certificate (its private key never leaves the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub id: String,
    pub name: String,
    /// `instance` (belongs to one gateway) or `global` (any gateway of the project).
    pub cert_type: String,
    pub gateway_id: Option<String>,
    pub project_id: String,
    pub algorithm_type: String,
    pub details: CertificateDetails,
    pub created_at: String,
    pub updated_at: String,
}

/// What the certificate itself says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CertificateDetails {
    pub common_name: String,
    pub san: Vec<String>,
    pub organization: Vec<String>,
    pub organizational_unit: Vec<String>,
    pub locality: Vec<String>,
    pub state: Vec<String>,
    pub country: Vec<String>,
    pub issuer: Vec<String>,
    pub serial_number: String,
    pub signature_algorithm: String,
    pub version: i32,
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub not_before: String,
    pub not_after: String,
}

impl CertificateDetails {
    /// The names the certificate is valid for: its subject alternative names, or its common
    /// name when it has none.
    pub fn names(&self) -> Vec<&str> {
        if self.san.is_empty() {
            vec![self.common_name.as_str()]
        } else {
            self.san.iter().map(String::as_str).collect()
        }
    }

    /// Whether the certificate is valid for `domain` (a bound domain, possibly a wildcard).
    pub fn covers(&self, domain: &str) -> bool {
        self.names().iter().any(|name| name_covers(name, domain))
    }
}

/// Whether a certificate name covers `domain`: equal ignoring case, or a wildcard name
/// `*.example.com` covering exactly one more label (`api.example.com`, and the wildcard
/// domain `*.example.com` itself).
pub fn name_covers(name: &str, domain: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    if name == domain {
        return true;
    }
    match (name.strip_prefix("*."), domain.split_once('.')) {
        (Some(parent), Some((label, rest))) => {
            rest == parent && !label.is_empty() && !label.contains('*')
        }
        _ => false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatePage {
    pub certificates: Vec<Certificate>,
    pub total: i64,
}

/// The form that binds a domain or changes its settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomainSettings {
    pub min_ssl_version: Option<String>,
    pub is_http_redirect_to_https: Option<bool>,
    pub verified_client_certificate_enabled: Option<bool>,
    pub ingress_http_port: Option<i32>,
    pub ingress_https_port: Option<i32>,
}

/// A certificate as uploaded: PEM certificate (chain) and private key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CertificateUpload {
    pub name: String,
    pub cert_content: String,
    pub private_key: String,
    /// `instance` or `global`; empty means `instance` when a gateway is named, else `global`.
    pub cert_type: String,
    pub gateway_id: Option<String>,
    pub algorithm_type: Option<String>,
    pub trusted_root_ca: Option<String>,
}

/// Normalises a domain for storage and comparison: lower case, no trailing dot.
pub fn normalize_domain(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Domain names as APIG accepts them: 2–8 labels of letters, digits, `-` and `_` (not
/// starting with `-` or `_`, not ending with `-`, at most 63 characters) ending with a
/// top-level label of 2–64 letters; or a wildcard `*.` followed by 1–6 such labels and the
/// top-level label. At most 255 characters; a trailing dot is allowed.
pub fn validate_domain(field: &str, domain: &str) -> Result<(), AppError> {
    let trimmed = domain.trim();
    if trimmed.is_empty() {
        return Err(AppError::invalid(field, "Enter a domain name."));
    }
    invalid_if(
        trimmed.len() > 255,
        field,
        "A domain name has at most 255 characters.",
    )?;
    let name = trimmed.strip_suffix('.').unwrap_or(trimmed);
    let (wildcard, rest) = match name.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    let labels: Vec<&str> = rest.split('.').collect();
    let (top, inner) = labels.split_last().expect("split yields one item");
    let allowed_inner = if wildcard { 1..=6 } else { 1..=7 };
    if !allowed_inner.contains(&inner.len()) {
        return Err(AppError::invalid(
            field,
            format!(
                "{trimmed} is not a domain name: it needs {} and a top-level domain, like {}.",
                if wildcard {
                    "one to six labels after *."
                } else {
                    "one to seven labels"
                },
                if wildcard {
                    "*.example.com"
                } else {
                    "api.example.com"
                }
            ),
        ));
    }
    if !(2..=64).contains(&top.len()) || !top.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(AppError::invalid(
            field,
            format!(
                "{trimmed} does not end with a top-level domain of 2 to 64 letters (like .com)."
            ),
        ));
    }
    for label in inner {
        let ok_chars = label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let ok_ends = !label.starts_with(['-', '_']) && !label.ends_with('-');
        if label.is_empty() || label.len() > 63 || !ok_chars || !ok_ends {
            return Err(AppError::invalid(
                field,
                format!(
                    "\"{label}\" in {trimmed} is not a valid label: 1 to 63 letters, digits, - and _, not starting with - or _ and not ending with -."
                ),
            ));
        }
    }
    Ok(())
}

/// Certificate names: 4–50 characters of letters, digits and `_`, starting with a letter.
pub fn validate_certificate_name(field: &str, name: &str) -> Result<(), AppError> {
    let length = name.chars().count();
    invalid_if(
        !(4..=50).contains(&length),
        field,
        "A certificate name has 4 to 50 characters.",
    )?;
    invalid_if(
        !name.starts_with(|c: char| c.is_alphabetic()),
        field,
        "A certificate name starts with a letter.",
    )?;
    if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || *c == '_')) {
        return Err(AppError::invalid(
            field,
            format!("A certificate name has only letters, digits and _ (not {bad:?})."),
        ));
    }
    Ok(())
}

/// The minimum TLS version a domain asks for.
pub fn validate_tls_version(field: &str, version: &str) -> Result<(), AppError> {
    if TLS_VERSIONS.contains(&version) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!("{version} is not a TLS version here; use TLSv1.1 or TLSv1.2."),
        ))
    }
}

/// Checks a pair of inbound ports: both given or neither; each `-1` (not served), the
/// standard port (80 for HTTP, 443 for HTTPS), or a custom inbound port (1024–49151). Whether
/// the gateway owns a custom port is checked by the service.
pub fn validate_ports(http: Option<i32>, https: Option<i32>) -> Result<(), AppError> {
    match (http, https) {
        (None, None) => Ok(()),
        (Some(_), None) | (None, Some(_)) => Err(AppError::invalid(
            if http.is_none() {
                "ingress_http_port"
            } else {
                "ingress_https_port"
            },
            "Give the HTTP and the HTTPS inbound port together.",
        )),
        (Some(http), Some(https)) => {
            for (field, port, standard) in [
                ("ingress_http_port", http, 80),
                ("ingress_https_port", https, 443),
            ] {
                invalid_if(port != -1 && port != standard && !(1024..=49151).contains(&port), field, format!("{port} is not an inbound port: use -1 (not served), {standard}, or a custom inbound port from 1024 to 49151."))?;
            }
            invalid_if(
                http == -1 && https == -1,
                "ingress_http_port",
                "A domain must be served on HTTP or on HTTPS; both ports are -1.",
            )?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_follow_apig_rules() {
        for good in [
            "api.example.com",
            "API.Example.COM.",
            "a.b.c.d.e.f.g.com",
            "x_y.example.org",
            "*.example.com",
            "*.a.b.example.com",
            "shop-1.example.museum",
        ] {
            assert!(validate_domain("url_domain", good).is_ok(), "{good}");
        }
        for (bad, says) in [
            ("", "Enter a domain name"),
            ("localhost", "one to seven labels"),
            ("a.b.c.d.e.f.g.h.com", "one to seven labels"),
            ("*.com", "one to six labels"),
            ("api.example.c0m", "top-level domain"),
            ("api.example.c", "top-level domain"),
            ("-api.example.com", "\"-api\""),
            ("api-.example.com", "\"api-\""),
            ("_api.example.com", "\"_api\""),
            ("a..example.com", "\"\""),
            ("ap i.example.com", "\"ap i\""),
            ("api.*.example.com", "\"*\""),
        ] {
            let error = validate_domain("url_domain", bad).unwrap_err();
            assert_eq!(error.field(), Some("url_domain"));
            assert!(error.to_string().contains(says), "{bad}: {error}");
        }
        let long = format!("{}.com", "a".repeat(64));
        assert!(validate_domain("url_domain", &long).is_err());
        assert_eq!(normalize_domain(" API.Example.com. "), "api.example.com");
    }

    #[test]
    fn certificate_names_cover_domains_like_tls_clients_check_them() {
        assert!(name_covers("api.example.com", "API.example.com"));
        assert!(name_covers("*.example.com", "api.example.com"));
        assert!(name_covers("*.example.com", "*.example.com"));
        assert!(!name_covers("*.example.com", "example.com"));
        assert!(!name_covers("*.example.com", "a.b.example.com"));
        assert!(!name_covers("api.example.com", "www.example.com"));
        assert!(!name_covers("api.example.com", "*.example.com"));
        let details = CertificateDetails {
            common_name: "ignored.example.com".into(),
            san: vec!["api.example.com".into(), "*.shop.example.com".into()],
            ..CertificateDetails::default()
        };
        assert!(details.covers("a.shop.example.com"));
        assert!(!details.covers("ignored.example.com"));
        let cn_only = CertificateDetails {
            common_name: "api.example.com".into(),
            ..CertificateDetails::default()
        };
        assert!(cn_only.covers("api.example.com"));
    }

    #[test]
    fn certificate_names_and_ports() {
        assert!(validate_certificate_name("name", "site_cert_1").is_ok());
        for bad in ["abc", "1cert", "my-cert", &"a".repeat(51)] {
            assert!(validate_certificate_name("name", bad).is_err(), "{bad}");
        }
        assert!(validate_ports(None, None).is_ok());
        assert!(validate_ports(Some(80), Some(443)).is_ok());
        assert!(validate_ports(Some(-1), Some(8443)).is_ok());
        assert!(validate_ports(Some(80), None).is_err());
        assert!(validate_ports(Some(8080), Some(443)).is_ok());
        assert!(validate_ports(Some(81), Some(443)).is_err());
        assert!(validate_ports(Some(-1), Some(-1)).is_err());
        assert!(validate_tls_version("min_ssl_version", "TLSv1.2").is_ok());
        assert!(validate_tls_version("min_ssl_version", "TLSv1.0").is_err());
    }
}
