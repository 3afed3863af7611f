//! The rules of an API definition (`spec/apig-reference.md` §1.4–1.5), each error naming
//! its field.
use super::labels::label;
use super::{ApiDefinition, MAX_PARAMS, METHODS};
use crate::error::{invalid_if, AppError};
use crate::model::api_group::validate_variable_name;
use crate::model::api_group::GROUP_NAME;
use crate::model::{only_chars, Naming};

mod params;

pub use params::validate_param_name;
use params::{validate_backend_param, validate_req_param};

pub(super) fn chars(text: &str) -> usize {
    text.chars().count()
}

pub(super) fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), AppError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            format!(
                "{} is one of {}; {value:?} is not.",
                label(field),
                allowed.join(", ")
            ),
        ))
    }
}

pub(super) fn at_most(field: &str, text: &str, max: usize) -> Result<(), AppError> {
    let length = chars(text);
    if length > max {
        return Err(AppError::invalid(
            field,
            format!(
                "{} has at most {max} characters; this one has {length}.",
                label(field)
            ),
        ));
    }
    Ok(())
}

/// API names are written as group names are.
const API_NAME: Naming = Naming {
    noun: "an API name",
    ..GROUP_NAME
};

/// API names: 3–255 characters of letters (Chinese included), digits, `- _ . / ( ) :` and
/// `、`, starting with a letter or a digit.
pub fn validate_api_name(field: &str, name: &str) -> Result<(), AppError> {
    API_NAME.check(field, name)
}

/// A path parameter in a path segment: `{name}` or, when `greedy_allowed`, `{name+}`.
fn path_param(segment: &str) -> Option<(&str, bool)> {
    let inner = segment.strip_prefix('{')?.strip_suffix('}')?;
    match inner.strip_suffix('+') {
        Some(name) => Some((name, true)),
        None => Some((inner, false)),
    }
}

/// The path parameters of a frontend path, checking its syntax: it starts with `/`, has at
/// most 512 characters, each segment is literal (letters, digits, `* % - _ . ~`) or a whole
/// `{name}`; only the last may be greedy, `{name+}`.
pub fn frontend_path_params(field: &str, uri: &str) -> Result<Vec<String>, AppError> {
    if !uri.starts_with('/') {
        return Err(AppError::invalid(field, "A path starts with /."));
    }
    at_most(field, uri, 512)?;
    let segments: Vec<&str> = uri[1..].split('/').collect();
    let mut params = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if let Some((name, greedy)) = path_param(segment) {
            if greedy && i + 1 != segments.len() {
                return Err(AppError::invalid(
                    field,
                    format!(
                        "{{{name}+}} matches the rest of the path, so it must be the last segment."
                    ),
                ));
            }
            validate_param_name(field, name)?;
            invalid_if(
                params.iter().any(|p: &String| p.eq_ignore_ascii_case(name)),
                field,
                format!("The path parameter {name} appears twice."),
            )?;
            params.push(name.to_owned());
        } else if segment.contains(['{', '}']) {
            return Err(AppError::invalid(
                field,
                format!(
                    "{segment:?}: a path parameter takes a whole segment, such as /users/{{id}}."
                ),
            ));
        } else {
            let allowed = |c: char| c.is_ascii_alphanumeric() || "*%-_.~".contains(c);
            let instead = "letters, digits, * % - _ . ~ and {parameters}.";
            only_chars(field, segment, allowed, "a path", instead)?;
        }
    }
    if segments.len() > 1 && segments.iter().any(|s| s.is_empty()) && uri != "/" {
        let trailing_only = segments.last() == Some(&"")
            && segments[..segments.len() - 1].iter().all(|s| !s.is_empty());
        invalid_if(!trailing_only, field, "A path has no empty segments (//).")?;
    }
    Ok(params)
}

/// The `#variable#` names in a text, checking each name.
pub fn variables_in(field: &str, text: &str) -> Result<Vec<String>, AppError> {
    let parts: Vec<&str> = text.split('#').collect();
    invalid_if(
        parts.len().is_multiple_of(2),
        field,
        "A # opens a #variable# that is never closed.",
    )?;
    let mut names = Vec::new();
    for name in parts.iter().skip(1).step_by(2) {
        validate_variable_name(field, name)
            .map_err(|e| AppError::invalid(field, format!("#{name}#: {e}")))?;
        if !names.iter().any(|n| n == name) {
            names.push((*name).to_owned());
        }
    }
    Ok(names)
}

/// `host[:port]` with optional `#variable#`s.
fn validate_url_domain(field: &str, domain: &str) -> Result<(), AppError> {
    invalid_if(
        domain.is_empty(),
        field,
        "Enter the backend address, host[:port], such as 10.0.0.7:8080 or #backend#.",
    )?;
    at_most(field, domain, 255)?;
    variables_in(field, domain)?;
    let plain: String = domain.split('#').step_by(2).collect();
    invalid_if(
        plain.contains("://") || plain.contains('/'),
        field,
        "The backend address is host[:port] only; the protocol and the path have their own fields.",
    )?;
    only_chars(
        field,
        &plain,
        |c| c.is_ascii_alphanumeric() || ".-_:[]".contains(c),
        "a backend address",
        "letters, digits, - _ and ., a port after :, an IPv6 address in [ ].",
    )?;
    let (host, port) = match plain.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((_, rest)) if rest.is_empty() || rest.starts_with(':') => {
                (&plain[..plain.len() - rest.len()], rest.strip_prefix(':'))
            }
            _ => {
                return Err(AppError::invalid(
                    field,
                    "An IPv6 address is closed with ] and followed only by :port, such as [2001:db8::7]:8080.",
                ))
            }
        },
        None => match plain.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (plain.as_str(), None),
        },
    };
    if let Some(port) = port {
        invalid_if(port.is_empty(), field, "A : in the backend address is followed by the port (1 to 65535), such as 10.0.0.7:8080.")?;
        invalid_if(
            port.parse::<u16>().map_or(true, |p| p == 0),
            field,
            format!("{port:?} is not a port (1 to 65535)."),
        )?;
    }
    // A host written out (no #variable# in it) is a DNS name or an IP address: labels of 1
    // to 63 characters, none empty and none starting or ending with -. Underscores stay
    // allowed: container networks (Docker Compose services) resolve names that have them.
    if !host.starts_with('[') && !domain.contains('#') {
        if let Some(label) = host
            .split('.')
            .find(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
        {
            return Err(AppError::invalid(
                field,
                if label.is_empty() {
                    format!("{host:?} is not a host name: it has an empty part between dots.")
                } else {
                    format!("{host:?} is not a host name: {label:?} starts or ends with - or is longer than 63 characters.")
                },
            ));
        }
    }
    Ok(())
}

/// The `{param}` names in a backend path (parameters may sit inside a segment there).
fn backend_path_params(uri: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = uri;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        names.push(
            rest[start + 1..start + end]
                .trim_end_matches('+')
                .to_owned(),
        );
        rest = &rest[start + end + 1..];
    }
    names
}

impl ApiDefinition {
    /// Every rule, in field order; `max_timeout` is the gateway's longest backend timeout.
    pub fn validate(&self, max_timeout: i64) -> Result<(), AppError> {
        validate_api_name("name", &self.name)?;
        if self.group_id.is_empty() {
            return Err(AppError::invalid("group_id", "Choose the API's group."));
        }
        invalid_if(
            !matches!(self.visibility, 1 | 2),
            "type",
            "type is 1 (public) or 2 (private).",
        )?;
        one_of(
            "req_protocol",
            &self.req_protocol,
            &["HTTP", "HTTPS", "BOTH"],
        )?;
        one_of("req_method", &self.req_method, METHODS)?;
        let path_params = frontend_path_params("req_uri", &self.req_uri)?;
        one_of("match_mode", &self.match_mode, &["NORMAL", "SWA"])?;
        match self.auth_type.as_str() {
            "NONE" | "APP" | "IAM" => {}
            "AUTHORIZER" => {
                return Err(AppError::invalid(
                    "auth_type",
                    "AUTHORIZER authentication is not available in this version of Portico yet; use APP, IAM or NONE.",
                ))
            }
            other => one_of("auth_type", other, &["NONE", "APP", "IAM", "AUTHORIZER"])?,
        }
        one_of(
            "auth_opt.app_code_auth_type",
            &self.auth_opt.app_code_auth_type,
            &["DISABLE", "HEADER"],
        )?;
        invalid_if(
            self.auth_opt.app_code_auth_type == "HEADER" && self.auth_type != "APP",
            "auth_opt.app_code_auth_type",
            "AppCodes authenticate callers of APIs with APP authentication only.",
        )?;
        at_most("remark", &self.remark, 255)?;
        at_most("version", &self.version, 16)?;
        for (field, text) in [
            ("body_remark", &self.body_remark),
            ("result_normal_sample", &self.result_normal_sample),
            ("result_failure_sample", &self.result_failure_sample),
        ] {
            at_most(field, text, 20480)?;
        }
        if self.tags.len() > 10 {
            return Err(AppError::invalid("tags", "An API has at most 10 tags."));
        }
        invalid_if(
            self.req_params.len() > MAX_PARAMS,
            "req_params",
            format!("An API has at most {MAX_PARAMS} request parameters."),
        )?;
        for (i, param) in self.req_params.iter().enumerate() {
            let field = format!("req_params[{i}]");
            validate_req_param(&field, param)?;
            if self.req_params[..i]
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&param.name) && p.location == param.location)
            {
                return Err(AppError::invalid(
                    &format!("{field}.name"),
                    format!(
                        "The {} parameter {} is defined twice.",
                        param.location, param.name
                    ),
                ));
            }
            if param.location == "PATH"
                && !path_params
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&param.name))
            {
                return Err(AppError::invalid(
                    &format!("{field}.name"),
                    format!(
                        "The path parameter {} is not in the path {}; write it as {{{}}}.",
                        param.name, self.req_uri, param.name
                    ),
                ));
            }
        }
        if let Some(missing) = path_params.iter().find(|name| {
            !self
                .req_params
                .iter()
                .any(|p| p.location == "PATH" && p.name.eq_ignore_ascii_case(name))
        }) {
            return Err(AppError::invalid(
                "req_params",
                format!(
                    "The path has {{{missing}}}: define a PATH request parameter named {missing}."
                ),
            ));
        }
        match self.backend_type.as_str() {
            "HTTP" => self.validate_http_backend(max_timeout)?,
            "MOCK" => {
                let mock = self.mock_info.as_ref().ok_or_else(|| {
                    AppError::invalid(
                        "mock_info",
                        "A MOCK backend needs mock_info: the response to answer with.",
                    )
                })?;
                at_most("mock_info.result_content", &mock.result_content, 20480)?;
                invalid_if(
                    !(200..=599).contains(&mock.status_code),
                    "mock_info.status_code",
                    "A mock answers with a status from 200 to 599.",
                )?;
                for (i, header) in mock.headers.iter().enumerate() {
                    let valid = !header.key.is_empty()
                        && header
                            .key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-');
                    invalid_if(
                        !valid,
                        &format!("mock_info.headers[{i}].key"),
                        "A header name has letters, digits and hyphens.",
                    )?;
                }
            }
            "FUNCTION" | "GRPC" => {
                return Err(AppError::invalid(
                    "backend_type",
                    format!(
                    "{} backends are not available in this version of Portico; use HTTP or MOCK.",
                    self.backend_type
                ),
                ))
            }
            other => one_of("backend_type", other, &["HTTP", "MOCK"])?,
        }
        invalid_if(
            self.backend_params.len() > MAX_PARAMS,
            "backend_params",
            format!("An API has at most {MAX_PARAMS} backend parameters."),
        )?;
        for (i, param) in self.backend_params.iter().enumerate() {
            let field = format!("backend_params[{i}]");
            validate_backend_param(&field, param, &self.req_params)?;
            if self.backend_params[..i]
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&param.name) && p.location == param.location)
            {
                return Err(AppError::invalid(
                    &format!("{field}.name"),
                    format!(
                        "The {} backend parameter {} is defined twice.",
                        param.location, param.name
                    ),
                ));
            }
        }
        Ok(())
    }

    fn validate_http_backend(&self, max_timeout: i64) -> Result<(), AppError> {
        let backend = self.backend_api.as_ref().ok_or_else(|| {
            AppError::invalid(
                "backend_api",
                "An HTTP backend needs backend_api: its address, method and path.",
            )
        })?;
        validate_url_domain("backend_api.url_domain", &backend.url_domain)?;
        one_of(
            "backend_api.req_protocol",
            &backend.req_protocol,
            &["HTTP", "HTTPS"],
        )?;
        one_of("backend_api.req_method", &backend.req_method, METHODS)?;
        invalid_if(
            !backend.req_uri.starts_with('/'),
            "backend_api.req_uri",
            "A backend path starts with /.",
        )?;
        at_most("backend_api.req_uri", &backend.req_uri, 512)?;
        variables_in("backend_api.req_uri", &backend.req_uri)?;
        invalid_if(!(1..=max_timeout).contains(&backend.timeout), "backend_api.timeout", format!("The backend timeout is 1 to {max_timeout} ms (the gateway's backend_timeout parameter)."))?;
        if !backend
            .retry_count
            .trim()
            .parse::<i32>()
            .is_ok_and(|n| (-1..=10).contains(&n))
        {
            return Err(AppError::invalid(
                "backend_api.retry_count",
                "Retries are -1 (idempotent methods once) or 0 to 10.",
            ));
        }
        at_most("backend_api.remark", &backend.remark, 255)?;
        for name in backend_path_params(&backend.req_uri) {
            let mapped = self
                .backend_params
                .iter()
                .any(|p| p.location == "PATH" && p.name == name);
            let passed = self
                .req_params
                .iter()
                .any(|p| p.location == "PATH" && p.name == name);
            invalid_if(!mapped && !passed, "backend_api.req_uri", format!("The backend path has {{{name}}}: add a PATH backend parameter {name}, or a PATH request parameter of that name."))?;
        }
        for (i, param) in self.backend_params.iter().enumerate() {
            if param.location == "PATH" && !backend.req_uri.contains(&format!("{{{}}}", param.name))
            {
                return Err(AppError::invalid(
                    &format!("backend_params[{i}].name"),
                    format!("The PATH backend parameter {} is not in the backend path; write it as {{{}}}.", param.name, param.name),
                ));
            }
        }
        Ok(())
    }

    /// The `#variable#` names the backend uses.
    pub fn variables(&self) -> Vec<String> {
        let mut names = Vec::new();
        if let Some(backend) = &self.backend_api {
            for text in [&backend.url_domain, &backend.req_uri] {
                for name in variables_in("", text).unwrap_or_default() {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
        }
        names
    }
}

#[cfg(test)]
pub(crate) mod tests;
