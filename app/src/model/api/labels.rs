//! What the console calls each field of an API definition, so a rule's message speaks the
//! wizard's words. The management API puts the field's own name in front of the message.

/// What the console calls a field of an API definition, for messages a user reads:
/// `req_uri` is "Path", `req_params[1].max_size` is "Parameter 2's longest length".
pub fn label(field: &str) -> String {
    if let Some((list, rest)) = field.split_once('[') {
        if let Some((index, part)) = rest.split_once("].") {
            let n = index.parse::<usize>().map_or(0, |i| i + 1);
            let whose = match list {
                "req_params" => format!("Parameter {n}"),
                "backend_params" => format!("Backend parameter {n}"),
                _ => return field.to_owned(),
            };
            return format!("{whose}'s {}", part_label(part));
        }
    }
    match field {
        "name" => "API name",
        "req_uri" => "Path",
        "req_method" => "Method",
        "req_protocol" => "Protocol",
        "match_mode" => "Matching",
        "auth_type" => "Authentication",
        "remark" => "Description",
        "version" => "Version",
        "backend_type" => "Backend type",
        "backend_api.url_domain" => "Backend address",
        "backend_api.req_uri" => "Backend path",
        "backend_api.req_method" => "Backend method",
        "backend_api.req_protocol" => "Backend protocol",
        "backend_api.timeout" => "Timeout",
        "backend_api.retry_count" => "Retries",
        "backend_api.remark" => "Backend description",
        "mock_info.result_content" => "Mock body",
        "mock_info.status_code" => "Mock status",
        other => other,
    }
    .to_owned()
}

/// A parameter's field, as in "Parameter 2's longest length".
fn part_label(part: &str) -> &str {
    match part {
        "remark" => "description",
        "default_value" => "default",
        "sample_value" => "example",
        "enumerations" => "allowed values",
        "regular" => "pattern",
        "min_num" => "smallest value",
        "max_num" => "largest value",
        "min_size" => "shortest length",
        "max_size" => "longest length",
        "valid_enable" => "validation switch",
        "pass_through" => "pass-through switch",
        "origin" => "source",
        other => other,
    }
}
