//! The checks a published API declares for its request parameters (required, enumeration,
//! number range, length, pattern), applied to each value as the caller sent it.
use super::snapshot::ParamCheck;
use super::GatewayError;

/// Refuses `n` below `min` or above `max` (either may be open), naming the range.
fn within(n: i64, min: Option<i64>, max: Option<i64>, what: &str) -> Result<(), String> {
    if min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max) {
        let bound = |b: Option<i64>| b.map_or(String::new(), |n| n.to_string());
        return Err(format!("{what} {}..{}", bound(min), bound(max)));
    }
    Ok(())
}

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
        within(number, param.min_num, param.max_num, "out of range").map_err(invalid)?;
    } else {
        let length = value.chars().count() as i64;
        within(
            length,
            param.min_size,
            param.max_size,
            "length out of range",
        )
        .map_err(invalid)?;
    }
    if let Some(pattern) = &param.pattern {
        if !pattern.is_match(value) {
            return Err(invalid(format!("does not match {}", pattern.as_str())));
        }
    }
    Ok(())
}
