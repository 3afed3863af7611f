//! Phase 4, transform: the caller's request as the backend gets it. Request parameters are
//! checked as defined (400 `APIG.0201` naming the parameter); backend parameters are
//! mapped (REQUEST, CONSTANT, SYSTEM), parameters that do not pass through dropped, the
//! backend path filled and the query encoded; `X-Forwarded-*` prepared. Parameter
//! orchestration rules land here.
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::percent_decode_str;

use super::path::encode;
use super::pipeline::{Context, DEBUG};
use super::snapshot::{Captured, LiveApi, Location, PathTemplate, Source, SystemParam};
use super::upstream::Forwarded;
use super::GatewayError;

/// The request's parameters by location, as the caller sent them.
pub(super) struct Incoming {
    path: Captured,
    query: Vec<(String, String)>,
    headers: HeaderMap,
}

impl Incoming {
    /// The parameters of a routed request: the captured path values decoded, the query
    /// split and decoded.
    pub fn new(
        captured: Captured,
        query: Option<&str>,
        headers: HeaderMap,
    ) -> Result<Self, GatewayError> {
        Ok(Incoming {
            path: super::path::decode(captured)?,
            query: query_pairs(query),
            headers,
        })
    }

    fn get(&self, location: Location, name: &str) -> Option<String> {
        match location {
            Location::Path => self
                .path
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            Location::Query => self
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            Location::Header => self
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
    }

    /// Every request parameter against its definition.
    pub fn check(&self, api: &LiveApi) -> Result<(), GatewayError> {
        for param in &api.checks {
            let value = self.get(param.location, &param.name);
            super::params::check(param, value.as_deref())?;
        }
        Ok(())
    }
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let Some(query) = query.filter(|q| !q.is_empty()) else {
        return Vec::new();
    };
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// The request the backend gets, but for its method and body.
pub(super) struct Outgoing {
    /// The request target: path and query, percent-encoded.
    pub target: String,
    pub headers: HeaderMap,
    pub forwarded: Forwarded,
}

/// What one backend mapping does: a parameter that moved leaves its old place, and the
/// backend parameter gets its value.
struct MappingStep<'a> {
    leaves: Option<(Location, &'a str)>,
    value: Option<String>,
}

/// The backend request of `call`, its path from `path`.
pub(super) fn outgoing(call: &Context<'_>, incoming: Incoming, path: &PathTemplate) -> Outgoing {
    let api = call.api;
    // Every value is read from the request as the caller sent it, before anything moves.
    let steps: Vec<MappingStep> = api
        .mappings
        .iter()
        .map(|mapping| match &mapping.source {
            Source::Request {
                location,
                name,
                default,
            } => {
                let value = incoming.get(*location, name).or_else(|| default.clone());
                let moved = *location != mapping.location || *name != mapping.name;
                let leaves = (moved && *location != Location::Path).then_some((*location, &**name));
                MappingStep { leaves, value }
            }
            Source::Constant(value) => MappingStep {
                leaves: None,
                value: Some(value.clone()),
            },
            Source::System(param) => MappingStep {
                leaves: None,
                value: Some(system_value(*param, call)),
            },
        })
        .collect();
    let Incoming {
        path: mut path_values,
        mut query,
        mut headers,
    } = incoming;
    // Parameters that do not pass through are dropped.
    for param in api.checks.iter().filter(|p| !p.pass_through) {
        match param.location {
            Location::Query => query.retain(|(k, _)| k != &param.name),
            Location::Header => {
                headers.remove(param.name.as_str());
            }
            Location::Path => {}
        }
    }
    for (mapping, step) in api.mappings.iter().zip(steps) {
        match step.leaves {
            Some((Location::Query, name)) => query.retain(|(k, _)| k != name),
            Some((_, name)) => {
                headers.remove(name);
            }
            None => {}
        }
        let Some(value) = step.value else { continue };
        match mapping.location {
            Location::Path => {
                path_values.retain(|(k, _)| k != &mapping.name);
                path_values.push((mapping.name.clone(), value));
            }
            Location::Query => {
                query.retain(|(k, _)| k != &mapping.name);
                query.push((mapping.name.clone(), value));
            }
            Location::Header => {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(mapping.name.as_bytes()),
                    HeaderValue::from_str(&value),
                ) {
                    headers.insert(name, value);
                }
            }
        }
    }
    // The request target: the path template filled, then the query. Every value is
    // percent-encoded and the template was checked when the snapshot was built, so the
    // target is valid as it stands.
    let mut target = String::with_capacity(64);
    path.fill(&path_values, &mut target);
    for (n, (k, v)) in query.iter().enumerate() {
        target.push(if n == 0 { '?' } else { '&' });
        target.extend(encode(k));
        target.push('=');
        target.extend(encode(v));
    }
    if call.carries_debug {
        headers.remove(DEBUG);
    }
    Outgoing {
        target,
        headers,
        forwarded: forwarded(call),
    }
}

/// The backend learns who called and how; hop-by-hop headers, `Host` and any
/// `X-Forwarded-*` the caller sent are replaced as the request goes out.
fn forwarded(call: &Context<'_>) -> Forwarded {
    let peer_ip = &call.peer.ip;
    let earlier = call.forwarded_for.as_ref().and_then(|v| v.to_str().ok());
    Forwarded {
        r#for: earlier
            .and_then(|earlier| {
                let ip = peer_ip.to_str().unwrap_or_default();
                HeaderValue::from_str(&format!("{earlier}, {ip}")).ok()
            })
            .unwrap_or_else(|| peer_ip.clone()),
        host: call.host.clone(),
        proto: HeaderValue::from_static(if call.state.tls { "https" } else { "http" }),
    }
}

/// A system parameter's value for this call.
fn system_value(param: SystemParam, call: &Context<'_>) -> String {
    let api = call.api;
    match param {
        SystemParam::SourceIp => call.peer.ip.to_str().unwrap_or_default().to_owned(),
        SystemParam::Stage => api.env_name.clone(),
        SystemParam::ApiId => api.api_id.clone(),
        SystemParam::ApiName => api.name.clone(),
        SystemParam::AppId => call
            .identity
            .app()
            .map(|(id, _)| id)
            .unwrap_or_default()
            .to_owned(),
        SystemParam::AppName => call
            .identity
            .app()
            .map(|(_, name)| name)
            .unwrap_or_default()
            .to_owned(),
        SystemParam::UserId => call
            .identity
            .user()
            .map(|(id, _)| id)
            .unwrap_or_default()
            .to_owned(),
        SystemParam::UserName => call
            .identity
            .user()
            .map(|(_, name)| name)
            .unwrap_or_default()
            .to_owned(),
        SystemParam::RequestId => call.request_id.to_string(),
        SystemParam::ServerAddr => format!("0.0.0.0:{}", call.state.local_port),
        SystemParam::ServerName => "portico".to_owned(),
        SystemParam::HandleTime => time::OffsetDateTime::now_utc().unix_timestamp().to_string(),
    }
}
