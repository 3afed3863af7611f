//! APIs: the frontend request definition and its backend, in APIG's field names so the
//! stored definition, the management API and the published snapshots are one shape — the
//! shape the gateway runtime compiles. Every rule of `spec/apig-reference.md` §1.4–1.5 that
//! this version serves is checked here, naming the field.
use serde::{Deserialize, Serialize};

use crate::error::{invalid_if, AppError};

mod labels;
mod rules;

pub use rules::{frontend_path_params, validate_api_name, validate_param_name, variables_in};

/// A complete sample definition for tests across the crate.
#[cfg(test)]
pub(crate) use rules::tests::sample;

/// Parameters per API (APIG's API_PARAM_NUM_LIMIT).
pub const MAX_PARAMS: usize = 50;
/// Published versions kept per API and environment.
pub const MAX_VERSIONS: i64 = 10;
pub const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "ANY",
];
/// System parameters a backend parameter can carry (`origin = SYSTEM`).
pub const SYSTEM_PARAMS: &[&str] = &[
    "$context.sourceIp",
    "$context.stage",
    "$context.apiId",
    "$context.apiName",
    "$context.appId",
    "$context.appName",
    "$context.userId",
    "$context.userName",
    "$context.requestId",
    "$context.serverAddr",
    "$context.serverName",
    "$context.handleTime",
];

fn one() -> i32 {
    1
}

fn two() -> i32 {
    2
}

fn normal() -> String {
    "NORMAL".to_owned()
}

fn none() -> String {
    "NONE".to_owned()
}

fn http() -> String {
    "HTTP".to_owned()
}

/// An API as defined (the draft); published versions are snapshots of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiDefinition {
    pub name: String,
    pub group_id: String,
    /// 1 public, 2 private.
    #[serde(rename = "type", default = "one")]
    pub visibility: i32,
    #[serde(default)]
    pub version: String,
    #[serde(default = "http")]
    pub req_protocol: String,
    pub req_method: String,
    pub req_uri: String,
    #[serde(default = "normal")]
    pub match_mode: String,
    #[serde(default = "none")]
    pub auth_type: String,
    #[serde(default)]
    pub auth_opt: AuthOpt,
    #[serde(default)]
    pub cors: bool,
    pub backend_type: String,
    #[serde(default)]
    pub remark: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub body_remark: String,
    #[serde(default)]
    pub result_normal_sample: String,
    #[serde(default)]
    pub result_failure_sample: String,
    #[serde(default)]
    pub req_params: Vec<ReqParam>,
    #[serde(default)]
    pub backend_params: Vec<BackendParam>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_api: Option<BackendApi>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock_info: Option<MockInfo>,
}

/// Options of an API's authentication: whether APP-authenticated callers may send an
/// AppCode instead of a signature (`HEADER`) or not (`DISABLE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthOpt {
    #[serde(default = "disable")]
    pub app_code_auth_type: String,
}

impl Default for AuthOpt {
    fn default() -> Self {
        AuthOpt {
            app_code_auth_type: disable(),
        }
    }
}

fn disable() -> String {
    "DISABLE".to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReqParam {
    pub name: String,
    #[serde(rename = "type", default = "string_type")]
    pub kind: String,
    pub location: String,
    #[serde(default)]
    pub default_value: String,
    #[serde(default)]
    pub sample_value: String,
    /// 1 required, 2 optional; PATH parameters are always required.
    #[serde(default = "two")]
    pub required: i32,
    /// 1 validate, 2 do not.
    #[serde(default = "one")]
    pub valid_enable: i32,
    #[serde(default)]
    pub remark: String,
    /// Comma-separated allowed values.
    #[serde(default)]
    pub enumerations: String,
    #[serde(default)]
    pub min_num: Option<i64>,
    #[serde(default)]
    pub max_num: Option<i64>,
    #[serde(default)]
    pub min_size: Option<i64>,
    #[serde(default)]
    pub max_size: Option<i64>,
    #[serde(default)]
    pub regular: String,
    /// 1 pass to the backend, 2 do not.
    #[serde(default = "one")]
    pub pass_through: i32,
}

fn string_type() -> String {
    "STRING".to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendParam {
    /// REQUEST, CONSTANT or SYSTEM.
    pub origin: String,
    pub name: String,
    pub location: String,
    /// The request parameter's name, the constant, or the system parameter.
    pub value: String,
    #[serde(default)]
    pub remark: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendApi {
    /// `host[:port]`, possibly with `#variable#`s.
    pub url_domain: String,
    #[serde(default = "http")]
    pub req_protocol: String,
    pub req_method: String,
    pub req_uri: String,
    /// Milliseconds.
    #[serde(default = "default_timeout")]
    pub timeout: i64,
    /// -1 (idempotent methods once) or 0–10.
    #[serde(default = "default_retry")]
    pub retry_count: String,
    #[serde(default)]
    pub remark: String,
}

fn default_timeout() -> i64 {
    5000
}

fn default_retry() -> String {
    "-1".to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockInfo {
    #[serde(default)]
    pub result_content: String,
    /// Portico's addition: the status the mock answers with (default 200).
    #[serde(default = "ok_status")]
    pub status_code: i32,
    /// Portico's addition: headers the mock answers with.
    #[serde(default)]
    pub headers: Vec<MockHeader>,
    #[serde(default)]
    pub remark: String,
}

fn ok_status() -> i32 {
    200
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockHeader {
    pub key: String,
    pub value: String,
}

/// An API with what the console and the API show about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiInfo {
    pub id: String,
    pub gateway_id: String,
    pub group_name: String,
    pub definition: ApiDefinition,
    pub created_at: String,
    pub updated_at: String,
    /// Where it is live.
    pub publications: Vec<Publication>,
}

/// The version of an API live in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub publish_id: String,
    pub env_id: String,
    pub env_name: String,
    pub version_id: String,
    pub published_at: String,
    pub remark: String,
    /// Whether the draft still equals what is live here.
    pub matches_draft: bool,
}

/// One published version of an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version_id: String,
    pub api_id: String,
    pub env_id: String,
    pub env_name: String,
    pub remark: String,
    pub published_by: String,
    pub published_at: String,
    /// Whether this version is the one live in its environment.
    pub live: bool,
}

/// Methods a debug call may use.
pub const DEBUG_METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];

/// A debug call of a published API (APIG's `CONSUMER` mode).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DebugCall {
    /// Environment name; empty means RELEASE.
    pub stage: String,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// A credential to sign the call with (SDK-HMAC-SHA256), by id; empty: unsigned.
    #[serde(default)]
    pub app_id: String,
}

/// What a debug call did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugResult {
    pub status: u16,
    /// The request as sent to the gateway.
    pub request: String,
    /// The gateway's response: status line, headers, body.
    pub response: String,
    pub latency_ms: u64,
    /// The request the gateway sent to the backend (`MOCK ...` for mocks).
    pub backend_request: String,
}

impl DebugCall {
    /// APIG's debug rules: the method, a path starting with `/` (≤ 1024), parameter and
    /// header names (a letter first, ≤ 32 of letters, digits, `.` `-`, and `_` in queries;
    /// no `X-Apig-*`, `X-Sdk-*` or `X-Stage` headers), a body of at most 2 MB.
    pub fn validate(&self) -> Result<(), AppError> {
        if !DEBUG_METHODS.contains(&self.method.as_str()) {
            return Err(AppError::invalid(
                "method",
                format!(
                    "{} is not a debug method; use GET, POST, PUT, DELETE, HEAD, PATCH or OPTIONS.",
                    self.method
                ),
            ));
        }
        invalid_if(
            !self.path.starts_with('/') || self.path.len() > 1024,
            "path",
            "The path starts with / and has at most 1024 characters.",
        )?;
        let names = self
            .query
            .iter()
            .map(|(n, _)| ("query", n, true))
            .chain(self.headers.iter().map(|(n, _)| ("header", n, false)));
        for (field, name, underscore) in names {
            let valid = name.len() <= 32
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '.' || c == '-' || (underscore && c == '_')
                });
            let lower = name.to_ascii_lowercase();
            let reserved = field == "header"
                && (lower.starts_with("x-apig-")
                    || lower.starts_with("x-sdk-")
                    || lower.starts_with("x-portico-")
                    || lower == "x-stage");
            invalid_if(
                !valid || reserved,
                field,
                format!("{name} is not allowed as a {field} name in a debug call."),
            )?;
        }
        if self.body.len() > 2 * 1024 * 1024 {
            return Err(AppError::invalid("body", "The body has at most 2 MB."));
        }
        Ok(())
    }
}
