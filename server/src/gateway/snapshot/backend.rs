//! Where a live API's calls go, compiled once per snapshot from its definition: variables
//! substituted, the backend's address split and checked, its method parsed, or the reason
//! it cannot be served.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::uri::{Authority, PathAndQuery};
use axum::http::Method;

use app::model::api::ApiDefinition;

use crate::gateway::path::encode;

/// Where a live API's calls go.
#[derive(Debug)]
pub enum Backend {
    Mock {
        status: u16,
        body: String,
        headers: Vec<(String, String)>,
    },
    Http {
        address: Address,
        /// The backend method; `None` for `ANY` (the caller's method goes on).
        method: Option<Method>,
        /// The backend path, variables substituted; `{name}` filled per request.
        path: PathTemplate,
        timeout: Duration,
        /// Extra attempts after a connection failure (`retry_count`, -1 meaning none).
        retries: u32,
    },
    /// The definition cannot be served (a variable it needs has no value in the
    /// environment, an address that is not one); calls get a 500 naming the reason.
    Broken(String),
}

/// A backend's address, checked and split once when the snapshot is built (nothing of it
/// is parsed per call).
#[derive(Debug)]
pub struct Address {
    pub https: bool,
    /// `host[:port]` as configured, sent as `Host`; also the key of this backend's
    /// connections in the pool.
    pub authority: Arc<str>,
    /// The host to connect to (an IPv6 address without its brackets), and the port.
    pub host: Box<str>,
    pub port: u16,
}

impl Address {
    fn new(https: bool, authority: &str) -> Result<Self, String> {
        let parsed: Authority = authority
            .parse()
            .map_err(|_| format!("the backend address {authority} is not valid"))?;
        let port = match parsed.as_str().rsplit_once(':') {
            Some((_, port)) if !port.ends_with(']') => port.parse().ok(),
            _ => Some(if https { 443 } else { 80 }),
        };
        let (Some(port), false) = (port, parsed.host().is_empty() || authority.contains('@'))
        else {
            return Err(format!("the backend address {authority} is not valid"));
        };
        Ok(Address {
            https,
            authority: parsed.as_str().into(),
            host: parsed
                .host()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .into(),
            port,
        })
    }

    pub fn scheme(&self) -> &'static str {
        if self.https {
            "https"
        } else {
            "http"
        }
    }
}

/// A backend path split once into literal text and `{name}` / `{name+}` placeholders.
#[derive(Debug, PartialEq, Eq)]
pub struct PathTemplate(Vec<Piece>);

#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// One segment's value, percent-encoded whole.
    Value(String),
    /// A greedy value: slashes kept, each segment percent-encoded.
    Rest(String),
}

impl PathTemplate {
    /// Splits `path`; it must be a valid request target with every placeholder filled.
    fn new(path: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = path;
        while let Some((before, after)) = rest.split_once('{') {
            let Some((name, after)) = after.split_once('}') else {
                break;
            };
            pieces.push(Piece::Text(before.to_owned()));
            pieces.push(match name.strip_suffix('+') {
                Some(name) => Piece::Rest(name.to_owned()),
                None => Piece::Value(name.to_owned()),
            });
            rest = after;
        }
        pieces.push(Piece::Text(rest.to_owned()));
        let filled: String = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.as_str(),
                Piece::Value(_) | Piece::Rest(_) => "x",
            })
            .collect();
        if !filled.starts_with('/') || filled.parse::<PathAndQuery>().is_err() {
            return Err(format!("the backend path {path} is not valid"));
        }
        pieces.retain(|piece| *piece != Piece::Text(String::new()));
        Ok(PathTemplate(pieces))
    }

    /// Writes the path with each placeholder's value from `values` (empty when missing).
    pub fn fill(&self, values: &[(String, String)], target: &mut String) {
        let value = |name: &str| {
            values
                .iter()
                .find(|(k, _)| k == name)
                .map_or("", |(_, v)| v.as_str())
        };
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => target.push_str(text),
                Piece::Value(name) => target.extend(encode(value(name))),
                Piece::Rest(name) => {
                    for (n, segment) in value(name).split('/').enumerate() {
                        if n > 0 {
                            target.push('/');
                        }
                        target.extend(encode(segment));
                    }
                }
            }
        }
    }
}

pub fn compile(
    definition: &ApiDefinition,
    variables: Option<&HashMap<String, String>>,
) -> Result<Backend, String> {
    if let Some(api) = &definition.backend_api {
        let https = api.req_protocol.eq_ignore_ascii_case("HTTPS");
        let address = Address::new(https, &substitute(&api.url_domain, variables)?)?;
        let path = PathTemplate::new(&substitute(&api.req_uri, variables)?)?;
        return Ok(Backend::Http {
            address,
            method: match api.req_method.as_str() {
                "ANY" => None,
                other => Some(Method::from_bytes(other.as_bytes()).unwrap_or(Method::GET)),
            },
            path,
            timeout: Duration::from_millis(api.timeout.max(1) as u64),
            retries: api.retry_count.trim().parse::<i64>().unwrap_or(-1).max(0) as u32,
        });
    }
    if let Some(mock) = &definition.mock_info {
        return Ok(Backend::Mock {
            status: u16::try_from(mock.status_code).unwrap_or(200),
            body: mock.result_content.clone(),
            headers: mock
                .headers
                .iter()
                .map(|h| (h.key.clone(), h.value.clone()))
                .collect(),
        });
    }
    Err(format!(
        "backend type {} has no runtime",
        definition.backend_type
    ))
}

fn substitute(text: &str, variables: Option<&HashMap<String, String>>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('#') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('#') else { break };
        let name = &after[..end];
        let value = variables
            .and_then(|v| v.get(name))
            .ok_or_else(|| format!("the variable #{name}# has no value in this environment"))?;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_paths_are_split_once_and_filled_encoded() {
        let template = PathTemplate::new("/users/{id}/files/{rest+}").unwrap();
        let values = [
            ("id".to_owned(), "a b".to_owned()),
            ("rest".to_owned(), "x/ü.txt".to_owned()),
        ];
        let mut target = String::new();
        template.fill(&values, &mut target);
        assert_eq!(target, "/users/a%20b/files/x/%C3%BC.txt");
        let mut missing = String::new();
        PathTemplate::new("/{id}").unwrap().fill(&[], &mut missing);
        assert_eq!(missing, "/");
        for bad in ["users/{id}", "/a b/{id}", ""] {
            let refused = PathTemplate::new(bad).unwrap_err();
            assert!(refused.contains("is not valid"), "{bad}: {refused}");
        }
    }

    #[test]
    fn backend_addresses_are_split_once_and_bad_ones_refused() {
        let plain = Address::new(false, "backend.internal").unwrap();
        assert_eq!((&*plain.host, plain.port), ("backend.internal", 80));
        let secure = Address::new(true, "backend.internal").unwrap();
        assert_eq!(secure.port, 443);
        let v6 = Address::new(false, "[::1]:8080").unwrap();
        assert_eq!(
            (&*v6.host, v6.port, &*v6.authority),
            ("::1", 8080, "[::1]:8080")
        );
        for bad in ["", "a b:80", "user@host", "host:port", "http://host"] {
            let refused = Address::new(false, bad).unwrap_err();
            assert!(refused.contains("is not valid"), "{bad}: {refused}");
        }
    }

    #[test]
    fn variables_are_substituted_or_named_when_missing() {
        let vars: HashMap<String, String> = [("host".to_owned(), "10.0.0.1:80".to_owned())].into();
        assert_eq!(
            substitute("#host#/v1", Some(&vars)).unwrap(),
            "10.0.0.1:80/v1"
        );
        assert!(substitute("#port#", Some(&vars))
            .unwrap_err()
            .contains("#port#"));
        assert_eq!(substitute("plain", None).unwrap(), "plain");
    }
}
