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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::snapshot::Location;

    fn param(number: bool, min: Option<i64>, max: Option<i64>) -> ParamCheck {
        ParamCheck {
            name: "p".into(),
            location: Location::Query,
            number,
            required: true,
            default: None,
            enumerations: vec![],
            min_num: min.filter(|_| number),
            max_num: max.filter(|_| number),
            min_size: min.filter(|_| !number),
            max_size: max.filter(|_| !number),
            pattern: None,
            pass_through: true,
        }
    }

    fn reason(param: &ParamCheck, value: &str) -> Option<String> {
        match check(param, Some(value)) {
            Ok(()) => None,
            Err(GatewayError::BadParameter(message)) => Some(message),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers_and_lengths_stay_within_their_bounds() {
        let number = param(true, Some(1), Some(99));
        assert_eq!(reason(&number, "1"), None);
        assert_eq!(reason(&number, "99"), None);
        assert_eq!(
            reason(&number, "100").as_deref(),
            Some("Invalid parameter value: parameterName:p,reason:out of range 1..99")
        );
        assert!(reason(&number, "0")
            .unwrap()
            .ends_with("out of range 1..99"));
        assert!(reason(&number, "x").unwrap().ends_with("not a number"));
        let open = param(true, None, Some(5));
        assert_eq!(reason(&open, "-1000"), None);
        assert!(reason(&open, "6").unwrap().ends_with("out of range ..5"));
        let text = param(false, Some(2), Some(3));
        assert_eq!(reason(&text, "ab"), None);
        assert_eq!(reason(&text, "äöü"), None, "length counts characters");
        assert!(reason(&text, "a")
            .unwrap()
            .ends_with("length out of range 2..3"));
        assert!(reason(&text, "abcd")
            .unwrap()
            .ends_with("length out of range 2..3"));
    }
}
