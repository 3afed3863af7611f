//! OpenAPI import and export with APIG's `x-apigateway-*` extensions (`spec/apig-reference.md`
//! §8.4). Export writes Swagger 2.0; import reads Swagger 2.0 and OpenAPI 3.0 documents
//! (already parsed from JSON or YAML). A document Portico exports imports back to the same
//! definitions.
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::model::api::{
    ApiDefinition, AuthOpt, BackendApi, BackendParam, MockHeader, MockInfo, ReqParam,
};

/// What a document would import: the group it describes and each operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub group_name: String,
    pub group_remark: String,
    pub items: Vec<ImportItem>,
}

/// One operation of the document: its definition (group left empty), or why it cannot be
/// imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub method: String,
    pub path: String,
    pub definition: Option<ApiDefinition>,
    pub error: String,
    /// Something the user should know, such as a mock backend standing in for a missing one.
    pub note: String,
}

/// What an import did with each operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub group_id: String,
    pub group_name: String,
    pub success: Vec<ImportSuccess>,
    pub failure: Vec<ImportFailure>,
    /// Operations left alone: an API with the same route or name exists and the import
    /// does not overwrite.
    pub ignore: Vec<ImportItemRef>,
}

/// What importing one operation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemOutcome {
    Done(ImportSuccess),
    Ignored(ImportItemRef),
    Failed(ImportFailure),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSuccess {
    pub method: String,
    pub path: String,
    /// `create` or `update`.
    pub action: String,
    pub id: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFailure {
    pub method: String,
    pub path: String,
    pub error_code: String,
    pub error_msg: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItemRef {
    pub method: String,
    pub path: String,
}

const METHODS: [&str; 7] = ["get", "post", "put", "delete", "head", "patch", "options"];
const ANY_METHOD: &str = "x-apigateway-any-method";

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn string_at(value: &Value, key: &str) -> String {
    value.get(key).map(text).unwrap_or_default()
}

/// Swagger 2.0 for a group's APIs.
pub fn export(
    group_name: &str,
    group_remark: &str,
    version: &str,
    host: &str,
    apis: &[ApiDefinition],
) -> Value {
    let mut paths = Map::new();
    for api in apis {
        let method = if api.req_method == "ANY" {
            ANY_METHOD.to_owned()
        } else {
            api.req_method.to_ascii_lowercase()
        };
        let entry = paths
            .entry(api.req_uri.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(item) = entry.as_object_mut() {
            item.insert(method, operation(api));
        }
    }
    json!({
        "swagger": "2.0",
        "info": { "title": group_name, "description": group_remark, "version": version },
        "host": host,
        "basePath": "/",
        "paths": paths,
    })
}

fn operation(api: &ApiDefinition) -> Value {
    let parameters: Vec<Value> = api.req_params.iter().map(parameter).collect();
    let schemes = match api.req_protocol.as_str() {
        "HTTPS" => json!(["https"]),
        "BOTH" => json!(["http", "https"]),
        _ => json!(["http"]),
    };
    let mut op = json!({
        "operationId": api.name,
        "description": api.remark,
        "schemes": schemes,
        "parameters": parameters,
        "responses": { "default": { "description": "response" } },
        "x-apigateway-request-type": if api.visibility == 2 { "private" } else { "public" },
        "x-apigateway-match-mode": api.match_mode,
        "x-apigateway-cors": api.cors,
        "x-apigateway-backend": backend(api),
    });
    if !api.version.is_empty() {
        op["x-apigateway-version"] = json!(api.version);
    }
    let auth = match api.auth_type.as_str() {
        "APP" => Some("AppSigv1"),
        "IAM" => Some("IAM"),
        "AUTHORIZER" => Some("AUTHORIZER"),
        _ => None,
    };
    if let Some(auth) = auth {
        op["x-apigateway-auth-type"] = json!(auth);
    }
    if api.auth_opt.app_code_auth_type == "HEADER" {
        op["x-apigateway-auth-opt"] = json!({ "appcode-auth-type": "header" });
    }
    op
}

fn parameter(p: &ReqParam) -> Value {
    let mut out = json!({
        "name": p.name,
        "in": p.location.to_ascii_lowercase(),
        "required": p.required == 1,
        "type": if p.kind == "NUMBER" { "number" } else { "string" },
        "description": p.remark,
    });
    if !p.default_value.is_empty() {
        out["default"] = json!(p.default_value);
    }
    let values: Vec<&str> = p
        .enumerations
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if !values.is_empty() {
        out["enum"] = json!(values);
    }
    for (key, value) in [
        ("minimum", p.min_num),
        ("maximum", p.max_num),
        ("minLength", p.min_size),
        ("maxLength", p.max_size),
    ] {
        if let Some(value) = value {
            out[key] = json!(value);
        }
    }
    if !p.regular.is_empty() {
        out["pattern"] = json!(p.regular);
    }
    if !p.sample_value.is_empty() {
        out["x-apigateway-sample"] = json!(p.sample_value);
    }
    if p.pass_through == 2 {
        out["x-apigateway-pass-through"] = json!("never");
    }
    out
}

fn backend(api: &ApiDefinition) -> Value {
    let parameters: Vec<Value> = api
        .backend_params
        .iter()
        .map(|p| {
            json!({ "name": p.name, "value": p.value, "in": p.location.to_ascii_lowercase(),
                    "origin": p.origin, "description": p.remark })
        })
        .collect();
    match (&api.backend_api, &api.mock_info) {
        (Some(b), _) if api.backend_type == "HTTP" => json!({
            "type": "HTTP",
            "parameters": parameters,
            "httpEndpoints": {
                "address": b.url_domain,
                "scheme": b.req_protocol.to_ascii_lowercase(),
                "method": b.req_method,
                "path": b.req_uri,
                "timeout": b.timeout,
                "retry-count": b.retry_count,
                "description": b.remark,
            },
        }),
        (_, Some(m)) => json!({
            "type": "MOCK",
            "parameters": parameters,
            "mockEndpoints": {
                "result-content": m.result_content,
                "status-code": m.status_code,
                "headers": m.headers.iter().map(|h| json!({ "key": h.key, "value": h.value })).collect::<Vec<_>>(),
                "description": m.remark,
            },
        }),
        _ => json!({ "type": api.backend_type }),
    }
}

/// Reads a parsed document into an import plan. A document that is neither Swagger 2.0 nor
/// OpenAPI 3 is refused as a whole.
pub fn plan(document: &Value) -> Result<ImportPlan, String> {
    let swagger = document.get("swagger").map(text);
    let openapi = document.get("openapi").map(text);
    let v2 = swagger.as_deref() == Some("2.0");
    let v3 = openapi.as_deref().is_some_and(|v| v.starts_with('3'));
    if !v2 && !v3 {
        return Err(
            "The file is neither Swagger 2.0 (swagger: \"2.0\") nor OpenAPI 3 (openapi: 3.x)."
                .to_owned(),
        );
    }
    let info = document.get("info").cloned().unwrap_or(Value::Null);
    let base = if v2 {
        string_at(document, "basePath")
    } else {
        String::new()
    };
    let base = base.trim_end_matches('/');
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return Err("The file has no paths.".to_owned());
    };
    let mut items = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (key, op) in item {
            let method = if key == ANY_METHOD {
                "ANY".to_owned()
            } else if METHODS.contains(&key.as_str()) {
                key.to_ascii_uppercase()
            } else {
                continue;
            };
            let full_path = format!("{base}{path}");
            let mut item = ImportItem {
                method: method.clone(),
                path: full_path.clone(),
                definition: None,
                error: String::new(),
                note: String::new(),
            };
            match definition(op, &method, &full_path, &shared, v3) {
                Ok((definition, note)) => {
                    item.definition = Some(definition);
                    item.note = note;
                }
                Err(error) => item.error = error,
            }
            items.push(item);
        }
    }
    Ok(ImportPlan {
        group_name: string_at(&info, "title"),
        group_remark: string_at(&info, "description"),
        items,
    })
}

fn definition(
    op: &Value,
    method: &str,
    path: &str,
    shared: &[Value],
    v3: bool,
) -> Result<(ApiDefinition, String), String> {
    let mut req_params = Vec::new();
    let own: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for p in shared.iter().chain(own.iter()) {
        let location = string_at(p, "in");
        match location.as_str() {
            "path" | "query" | "header" => req_params.push(req_param(p, &location, v3)?),
            // The body passes through to the backend as it is.
            "body" => {}
            other => {
                return Err(format!(
                    "Parameters in {other} are not supported (only path, query and header)."
                ))
            }
        }
    }
    let name = {
        let id = string_at(op, "operationId");
        if id.is_empty() {
            let slug: String = path
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            format!(
                "{}{}",
                method.to_ascii_lowercase(),
                slug.trim_end_matches('_')
            )
        } else {
            id
        }
    };
    let auth_type = match op.get("x-apigateway-auth-type").map(text).as_deref() {
        Some("AppSigv1") => "APP",
        Some("IAM" | "IAM_NONE") => "IAM",
        Some("AUTHORIZER") => "AUTHORIZER",
        _ => "NONE",
    };
    let protocol = match op.get("schemes").and_then(Value::as_array) {
        Some(schemes) if schemes.len() > 1 => "BOTH",
        Some(schemes) if schemes.first().map(text).as_deref() == Some("https") => "HTTPS",
        _ => "HTTP",
    };
    let (backend_type, backend_api, mock_info, backend_params, note) =
        backend_of(op.get("x-apigateway-backend"))?;
    Ok((
        ApiDefinition {
            name,
            group_id: String::new(),
            visibility: if op.get("x-apigateway-request-type").map(text).as_deref()
                == Some("private")
            {
                2
            } else {
                1
            },
            version: string_at(op, "x-apigateway-version"),
            req_protocol: protocol.to_owned(),
            req_method: method.to_owned(),
            req_uri: path.to_owned(),
            match_mode: op
                .get("x-apigateway-match-mode")
                .map(text)
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "NORMAL".to_owned()),
            auth_type: auth_type.to_owned(),
            auth_opt: AuthOpt {
                app_code_auth_type: match op
                    .pointer("/x-apigateway-auth-opt/appcode-auth-type")
                    .map(text)
                    .as_deref()
                {
                    Some("header") => "HEADER",
                    _ => "DISABLE",
                }
                .to_owned(),
            },
            cors: op
                .get("x-apigateway-cors")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            backend_type,
            remark: string_at(op, "description"),
            tags: vec![],
            body_remark: String::new(),
            result_normal_sample: String::new(),
            result_failure_sample: String::new(),
            req_params,
            backend_params,
            backend_api,
            mock_info,
        },
        note,
    ))
}

fn req_param(p: &Value, location: &str, v3: bool) -> Result<ReqParam, String> {
    let schema = if v3 {
        p.get("schema").cloned().unwrap_or(Value::Null)
    } else {
        p.clone()
    };
    let kind = match string_at(&schema, "type").as_str() {
        "integer" | "number" | "long" | "float" | "double" => "NUMBER",
        _ => "STRING",
    };
    let number = |key: &str| schema.get(key).and_then(Value::as_f64).map(|n| n as i64);
    // APIG keeps the values as one comma-separated text: a value with a comma in it is two.
    let enumerations = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| {
            let values: Vec<String> = values.iter().map(text).collect();
            values
                .iter()
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let required =
        location == "path" || p.get("required").and_then(Value::as_bool).unwrap_or(false);
    Ok(ReqParam {
        name: string_at(p, "name"),
        kind: kind.to_owned(),
        location: location.to_ascii_uppercase(),
        default_value: schema.get("default").map(text).unwrap_or_default(),
        sample_value: string_at(p, "x-apigateway-sample"),
        required: if required { 1 } else { 2 },
        valid_enable: 1,
        remark: string_at(p, "description"),
        enumerations,
        min_num: if kind == "NUMBER" {
            number("minimum")
        } else {
            None
        },
        max_num: if kind == "NUMBER" {
            number("maximum")
        } else {
            None
        },
        min_size: if kind == "STRING" {
            number("minLength")
        } else {
            None
        },
        max_size: if kind == "STRING" {
            number("maxLength")
        } else {
            None
        },
        regular: string_at(&schema, "pattern"),
        pass_through: if string_at(p, "x-apigateway-pass-through") == "never" {
            2
        } else {
            1
        },
    })
}

type Backend = (
    String,
    Option<BackendApi>,
    Option<MockInfo>,
    Vec<BackendParam>,
    String,
);

fn backend_of(backend: Option<&Value>) -> Result<Backend, String> {
    let Some(backend) = backend else {
        let mock = MockInfo {
            result_content: String::new(),
            status_code: 200,
            headers: vec![],
            remark: String::new(),
        };
        return Ok((
            "MOCK".to_owned(),
            None,
            Some(mock),
            vec![],
            "The file names no backend (x-apigateway-backend): a mock answering 200 stands in until you set one.".to_owned(),
        ));
    };
    let params = backend
        .get("parameters")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|p| BackendParam {
                    origin: {
                        let origin = string_at(p, "origin");
                        if origin.is_empty() {
                            "REQUEST".to_owned()
                        } else {
                            origin
                        }
                    },
                    name: string_at(p, "name"),
                    location: string_at(p, "in").to_ascii_uppercase(),
                    value: string_at(p, "value"),
                    remark: string_at(p, "description"),
                })
                .collect()
        })
        .unwrap_or_default();
    match string_at(backend, "type").as_str() {
        "HTTP" => {
            let endpoint = backend.get("httpEndpoints").cloned().unwrap_or(Value::Null);
            let timeout = endpoint
                .get("timeout")
                .and_then(Value::as_i64)
                .unwrap_or(5000);
            let retry = endpoint
                .get("retry-count")
                .map(text)
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "-1".to_owned());
            Ok((
                "HTTP".to_owned(),
                Some(BackendApi {
                    url_domain: string_at(&endpoint, "address"),
                    req_protocol: string_at(&endpoint, "scheme").to_ascii_uppercase(),
                    req_method: string_at(&endpoint, "method").to_ascii_uppercase(),
                    req_uri: string_at(&endpoint, "path"),
                    timeout,
                    retry_count: retry,
                    remark: string_at(&endpoint, "description"),
                }),
                None,
                params,
                String::new(),
            ))
        }
        "MOCK" => {
            let endpoint = backend.get("mockEndpoints").cloned().unwrap_or(Value::Null);
            let headers = endpoint
                .get("headers")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|h| MockHeader {
                            key: string_at(h, "key"),
                            value: string_at(h, "value"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok((
                "MOCK".to_owned(),
                None,
                Some(MockInfo {
                    result_content: string_at(&endpoint, "result-content"),
                    status_code: endpoint
                        .get("status-code")
                        .and_then(Value::as_i64)
                        .map_or(200, |s| s as i32),
                    headers,
                    remark: string_at(&endpoint, "description"),
                }),
                params,
                String::new(),
            ))
        }
        other => Err(format!(
            "{other} backends are not available in this version of Portico; HTTP and MOCK are."
        )),
    }
}

#[cfg(test)]
mod tests;
