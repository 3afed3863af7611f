//! The checks a published API declares for its request parameters (required, enumeration,
//! number range, length, pattern), applied to each value as the caller sent it.
use super::snapshot::ParamCheck;
use super::GatewayError;

/// Checks one parameter's value; the error names the parameter and the rule.
pub fn check(param: &ParamCheck, value: Option<&str>) -> Result<(), GatewayError> {
    let invalid = |reason: String| {
        GatewayError::BadParameter(format!(
            "Invalid parameter value: parameterName:{},reason:{reason}",
            param.name
        ))
    };
    let Some(value) = value else {
        return if param.required {
            Err(GatewayError::BadParameter(format!(
                "Missing parameter: parameterName:{}",
                param.name
            )))
        } else {
            Ok(())
        };
    };
    if !param.enumerations.is_empty() && !param.enumerations.iter().any(|e| e == value) {
        return Err(invalid(format!(
            "not one of {}",
            param.enumerations.join(",")
        )));
    }
    if param.number {
        let number: i64 = value
            .parse()
            .map_err(|_| invalid("not a number".to_owned()))?;
        if param.min_num.is_some_and(|min| number < min)
            || param.max_num.is_some_and(|max| number > max)
        {
            return Err(invalid(format!(
                "out of range {}..{}",
                param.min_num.map_or(String::new(), |n| n.to_string()),
                param.max_num.map_or(String::new(), |n| n.to_string())
            )));
        }
    } else {
        let length = value.chars().count() as i64;
        if param.min_size.is_some_and(|min| length < min)
            || param.max_size.is_some_and(|max| length > max)
        {
            return Err(invalid(format!(
                "length out of range {}..{}",
                param.min_size.map_or(String::new(), |n| n.to_string()),
                param.max_size.map_or(String::new(), |n| n.to_string())
            )));
        }
    }
    if let Some(pattern) = &param.pattern {
        if !pattern.is_match(value) {
            return Err(invalid(format!("does not match {}", pattern.as_str())));
        }
    }
    Ok(())
}
