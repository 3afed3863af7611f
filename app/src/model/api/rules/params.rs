//! The rules of an API's request parameters and backend parameters (names, types,
//! locations, limits, patterns, what each backend parameter maps), each error naming its
//! field.
use super::{at_most, chars, one_of};
use crate::error::{invalid_if, AppError};
use crate::model::api::labels::label;
use crate::model::api::{BackendParam, ReqParam, SYSTEM_PARAMS};
use crate::model::only_chars;

/// Parameter names: 1–32 letters, digits, `. _ -`, starting with a letter; not `x-stage`,
/// not starting with `x-apig-` or `x-sdk-`.
pub fn validate_param_name(field: &str, name: &str) -> Result<(), AppError> {
    invalid_if(
        !(1..=32).contains(&chars(name)),
        field,
        format!("Parameter name {name:?}: 1 to 32 characters."),
    )?;
    invalid_if(
        !name.starts_with(|c: char| c.is_ascii_alphabetic()),
        field,
        format!("Parameter name {name:?} must start with a letter."),
    )?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-_".contains(c);
    let what = format!("parameter name {name:?}");
    only_chars(field, name, allowed, &what, "letters, digits, . _ -")?;
    let lower = name.to_ascii_lowercase();
    invalid_if(
        lower == "x-stage" || lower.starts_with("x-apig-") || lower.starts_with("x-sdk-"),
        field,
        format!("{name} is reserved by the gateway (x-stage, x-apig-*, x-sdk-*)."),
    )?;
    Ok(())
}

pub(super) fn validate_req_param(field: &str, param: &ReqParam) -> Result<(), AppError> {
    validate_param_name(&format!("{field}.name"), &param.name)?;
    one_of(
        &format!("{field}.location"),
        &param.location,
        &["PATH", "QUERY", "HEADER"],
    )?;
    one_of(&format!("{field}.type"), &param.kind, &["STRING", "NUMBER"])?;
    if param.location == "HEADER" {
        let lower = param.name.to_ascii_lowercase();
        if lower == "authorization" || lower == "x-auth-token" || param.name.contains('_') {
            return Err(AppError::invalid(
                &format!("{field}.name"),
                format!(
                    "{} cannot be a header parameter (not Authorization or X-Auth-Token, no _).",
                    param.name
                ),
            ));
        }
    }
    for (name, value) in [
        ("required", param.required),
        ("valid_enable", param.valid_enable),
        ("pass_through", param.pass_through),
    ] {
        if !matches!(value, 1 | 2) {
            return Err(AppError::invalid(
                &format!("{field}.{name}"),
                format!(
                    "{} is 1 (yes) or 2 (no).",
                    label(&format!("{field}.{name}"))
                ),
            ));
        }
    }
    for (name, text) in [
        ("remark", &param.remark),
        ("default_value", &param.default_value),
        ("sample_value", &param.sample_value),
        ("enumerations", &param.enumerations),
        ("regular", &param.regular),
    ] {
        at_most(&format!("{field}.{name}"), text, 255)?;
    }
    let number = param.kind == "NUMBER";
    if let (Some(min), Some(max)) = (param.min_num, param.max_num) {
        if min > max {
            return Err(AppError::invalid(
                &format!("{field}.min_num"),
                format!(
                    "{}'s smallest value {min} is above its largest value {max}.",
                    label(&format!("{field}.name")).trim_end_matches("'s name")
                ),
            ));
        }
    }
    if let (Some(min), Some(max)) = (param.min_size, param.max_size) {
        if min > max {
            return Err(AppError::invalid(
                &format!("{field}.min_size"),
                format!(
                    "{}'s shortest length {min} is above its longest length {max}.",
                    label(&format!("{field}.name")).trim_end_matches("'s name")
                ),
            ));
        }
    }
    invalid_if(
        param.min_size.is_some_and(|n| n < 0) || param.max_size.is_some_and(|n| n < 0),
        &format!("{field}.min_size"),
        "Lengths are 0 or more.",
    )?;
    invalid_if(number && (param.min_size.is_some() || param.max_size.is_some()), &format!("{field}.min_size"), "Lengths apply to STRING parameters; give a NUMBER parameter a smallest and largest value instead.")?;
    invalid_if(!number && (param.min_num.is_some() || param.max_num.is_some()), &format!("{field}.min_num"), "Smallest and largest values apply to NUMBER parameters; give a STRING parameter a shortest and longest length instead.")?;
    let values: Vec<&str> = param
        .enumerations
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if number {
        if let Some(bad) = values.iter().find(|v| v.parse::<f64>().is_err()) {
            return Err(AppError::invalid(
                &format!("{field}.enumerations"),
                format!(
                    "{bad:?} is not a number, and {} is a NUMBER parameter.",
                    param.name
                ),
            ));
        }
        invalid_if(
            !param.default_value.is_empty() && param.default_value.parse::<f64>().is_err(),
            &format!("{field}.default_value"),
            format!("The default {:?} is not a number.", param.default_value),
        )?;
    }
    if !param.default_value.is_empty()
        && !values.is_empty()
        && !values.contains(&param.default_value.as_str())
    {
        return Err(AppError::invalid(
            &format!("{field}.default_value"),
            format!(
                "The default {:?} is not one of the enumerations.",
                param.default_value
            ),
        ));
    }
    Ok(())
}

pub(super) fn validate_backend_param(
    field: &str,
    param: &BackendParam,
    req_params: &[ReqParam],
) -> Result<(), AppError> {
    validate_param_name(&format!("{field}.name"), &param.name)?;
    one_of(
        &format!("{field}.location"),
        &param.location,
        &["PATH", "QUERY", "HEADER"],
    )?;
    one_of(
        &format!("{field}.origin"),
        &param.origin,
        &["REQUEST", "CONSTANT", "SYSTEM"],
    )?;
    at_most(&format!("{field}.value"), &param.value, 255)?;
    at_most(&format!("{field}.remark"), &param.remark, 255)?;
    match param.origin.as_str() {
        "REQUEST"
            if !req_params
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&param.value)) =>
        {
            Err(AppError::invalid(
                &format!("{field}.value"),
                format!(
                    "{} maps the request parameter {:?}, which the API does not define.",
                    param.name, param.value
                ),
            ))
        }
        "SYSTEM" if !SYSTEM_PARAMS.contains(&param.value.as_str()) => Err(AppError::invalid(
            &format!("{field}.value"),
            format!(
                "{:?} is not a system parameter; they are {}.",
                param.value,
                SYSTEM_PARAMS.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}
