//! The policy document in IAM's JSON format, and the checks a policy passes before it is
//! stored: `{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:apis:get"]}]}`.
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actions::{check_pattern, check_resource};
use super::locate::{self, join};

/// The policy language version Portico accepts (IAM's fine-grained policies).
pub const VERSION: &str = "1.1";
/// Longest policy text accepted, in characters (the IAM limit).
pub const MAX_POLICY_CHARS: usize = 6144;

/// A policy: what its statements allow or deny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionDocument {
    /// Always [`VERSION`].
    #[serde(rename = "Version")]
    pub version: String,
    /// The statements, at least one.
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

/// One rule of a policy: allow or deny some actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Whether the statement grants or forbids its actions.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// Action patterns such as `apig:apis:create` or `apig:*:get*`.
    #[serde(rename = "Action")]
    pub actions: Vec<String>,
    /// Gateways the statement is limited to (`apig:*:*:instance:<gateway id>`); empty means
    /// every gateway of the project.
    #[serde(rename = "Resource", default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// Conditions the statement is limited to; stored, not evaluated yet.
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Value>,
}

/// Whether a statement grants or forbids its actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Grants the actions.
    Allow,
    /// Forbids the actions, whatever other statements allow.
    Deny,
}

/// Why a policy text was refused, and where, so a JSON editor can mark the spot.
///
/// `to_string()` gives `path: message`, e.g. `Statement[0].Action[2]: "apig:apis:fly" is
/// not an action Portico knows; actions look like apig:apis:create`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct PermissionDocumentError {
    /// Where in the document, e.g. `Statement[0].Action[2]`; empty for the whole text.
    pub path: String,
    /// 1-based line of the offending text, when it could be found.
    pub line: Option<usize>,
    /// 1-based column of the offending text, when it could be found.
    pub column: Option<usize>,
    /// What is wrong, naming the offending value.
    pub message: String,
}

impl fmt::Display for PermissionDocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Parses and checks a policy text. Every action must be `service:resource:verb` for the
/// `apig` or `iam` service and must name (or, with `*`, match) an action Portico knows.
pub fn parse(text: &str) -> Result<PermissionDocument, PermissionDocumentError> {
    let chars = text.chars().count();
    if chars > MAX_POLICY_CHARS {
        let message =
            format!("A policy has at most {MAX_POLICY_CHARS} characters; this one has {chars}");
        return Err(PermissionDocumentError {
            path: String::new(),
            line: None,
            column: None,
            message,
        });
    }
    let value: Value = serde_json::from_str(text).map_err(|error| PermissionDocumentError {
        path: String::new(),
        line: Some(error.line()),
        column: Some(error.column()),
        message: format!("This is not valid JSON: {error}"),
    })?;
    Checker { text }.document(&value)
}

const STATEMENT_EXAMPLE: &str = r#"[{"Effect":"Allow","Action":["apig:apis:get"]}]"#;

/// Checks a parsed JSON value against the policy rules, pointing errors into `text`.
struct Checker<'t> {
    text: &'t str,
}

impl Checker<'_> {
    /// An error about `path`, marking the key (with `key`) or the value at `mark`.
    fn error(&self, path: &str, mark: &str, key: bool, message: String) -> PermissionDocumentError {
        let position = locate::position(self.text, mark, key);
        PermissionDocumentError {
            path: path.to_owned(),
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
            message,
        }
    }

    /// `found` (the value at `path`, inside the object at `parent`) is not what `expected`
    /// describes, or is missing.
    fn fail<T>(
        &self,
        path: &str,
        parent: &str,
        found: Option<&Value>,
        expected: &str,
    ) -> Result<T, PermissionDocumentError> {
        Err(match found {
            Some(value) => {
                let message = format!("{expected}, not {}", describe(value));
                self.error(path, path, false, message)
            }
            None => self.error(
                path,
                parent,
                false,
                format!("{expected}, but it is missing"),
            ),
        })
    }

    /// The fields of the object at `path`, refusing any name not in `known`.
    fn object<'v>(
        &self,
        path: &str,
        value: &'v Value,
        expected: &str,
        known: &[&str],
    ) -> Result<&'v Map<String, Value>, PermissionDocumentError> {
        let Some(fields) = value.as_object() else {
            return self.fail(path, path, Some(value), expected);
        };
        match fields.keys().find(|key| !known.contains(&key.as_str())) {
            Some(key) => {
                let what = if path.is_empty() {
                    "policy"
                } else {
                    "statement"
                };
                let message = format!(
                    "\"{key}\" is not a {what} field; a {what} has only {} (names are case-sensitive)",
                    known.join(", ")
                );
                let key_path = join(path, key);
                Err(self.error(&key_path, &key_path, true, message))
            }
            None => Ok(fields),
        }
    }

    fn document(&self, value: &Value) -> Result<PermissionDocument, PermissionDocumentError> {
        let expected = r#"A policy must be an object like {"Version":"1.1","Statement":[…]}"#;
        let fields = self.object("", value, expected, &["Version", "Statement"])?;
        match fields.get("Version") {
            Some(Value::String(version)) if version == VERSION => {}
            found => return self.fail("Version", "", found, "Version must be \"1.1\""),
        }
        let statements = match fields.get("Statement") {
            Some(Value::Array(items)) if !items.is_empty() => items,
            found => {
                let expected =
                    format!("Statement must list at least one statement, like {STATEMENT_EXAMPLE}");
                return self.fail("Statement", "", found, &expected);
            }
        };
        let statements = statements
            .iter()
            .enumerate()
            .map(|(i, item)| self.statement(&format!("Statement[{i}]"), item))
            .collect::<Result<_, _>>()?;
        Ok(PermissionDocument {
            version: VERSION.to_owned(),
            statements,
        })
    }

    fn statement(&self, at: &str, value: &Value) -> Result<Statement, PermissionDocumentError> {
        let expected = "a statement must be an object with Effect and Action";
        let known = ["Effect", "Action", "Resource", "Condition"];
        let fields = self.object(at, value, expected, &known)?;
        let effect = match fields.get("Effect") {
            Some(Value::String(effect)) if effect == "Allow" => Effect::Allow,
            Some(Value::String(effect)) if effect == "Deny" => Effect::Deny,
            found => {
                let expected = "Effect must be \"Allow\" or \"Deny\" (with a capital letter)";
                return self.fail(&join(at, "Effect"), at, found, expected);
            }
        };
        let path = join(at, "Action");
        let actions = match fields.get("Action") {
            Some(Value::Array(items)) if !items.is_empty() => {
                self.strings(&path, items, check_pattern)?
            }
            found => {
                let expected = "Action must list at least one action, like [\"apig:apis:get\"]";
                return self.fail(&path, at, found, expected);
            }
        };
        let path = join(at, "Resource");
        let resources = match fields.get("Resource") {
            None => Vec::new(),
            Some(Value::Array(items)) => self.strings(&path, items, check_resource)?,
            found => return self.fail(&path, at, found, "Resource must be a list of strings"),
        };
        let condition = match fields.get("Condition") {
            None => None,
            Some(condition @ Value::Object(_)) => Some(condition.clone()),
            found => {
                let path = join(at, "Condition");
                return self.fail(&path, at, found, "Condition must be an object");
            }
        };
        Ok(Statement {
            effect,
            actions,
            resources,
            condition,
        })
    }

    /// The items of the list at `at`, each a string that passes `check`.
    fn strings(
        &self,
        at: &str,
        items: &[Value],
        check: impl Fn(&str) -> Result<(), String>,
    ) -> Result<Vec<String>, PermissionDocumentError> {
        let mut strings = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            let Value::String(text) = item else {
                return self.fail(&path, at, Some(item), "each item must be a string");
            };
            check(text).map_err(|message| self.error(&path, &path, false, message))?;
            strings.push(text.clone());
        }
        Ok(strings)
    }
}

/// Names a JSON value for a message: short values as written, containers by kind.
pub(super) fn describe(value: &Value) -> String {
    let text = match value {
        Value::Array(items) if items.is_empty() => return "an empty list".to_owned(),
        Value::Array(_) => return "a list".to_owned(),
        Value::Object(_) => return "an object".to_owned(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wraps `statements` in a policy laid out over several lines; they start on line 4.
    fn policy(statements: &str) -> String {
        format!("{{\n  \"Version\": \"1.1\",\n  \"Statement\": [\n{statements}\n  ]\n}}")
    }

    /// Line and column of the last occurrence of `needle`, as an editor counts them.
    fn spot(text: &str, needle: &str) -> (Option<usize>, Option<usize>) {
        let offset = text.rfind(needle).unwrap();
        let line = text[..offset].matches('\n').count() + 1;
        let column = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1) + 1;
        (Some(line), Some(column))
    }

    #[test]
    fn errors_name_the_place_and_mark_it() {
        let allow = r#"{"Effect": "Allow", "Action": ["apig:apis:get"]}"#;
        // (text, expected path, text to mark (last occurrence), start of the message)
        let cases = [
            (
                policy(r#"{"Effect": "allow", "Action": ["apig:apis:get"]}"#),
                "Statement[0].Effect",
                r#""allow""#,
                r#"Effect must be "Allow" or "Deny" (with a capital letter), not "allow""#,
            ),
            (
                policy(&format!(
                    "{allow},\n{allow},\n{}",
                    r#"{"Effect": "Deny", "Action": ["apig:apis:get", "apig:apis:fly"]}"#
                )),
                "Statement[2].Action[1]",
                r#""apig:apis:fly""#,
                r#""apig:apis:fly" is not an action Portico knows; actions look like apig:apis:create"#,
            ),
            (
                policy(r#"{"Effect": "Allow", "Action": ["apig:*:*", "vpc:ports:create"]}"#),
                "Statement[0].Action[1]",
                r#""vpc:ports:create""#,
                r#""vpc:ports:create" names a service Portico does not have"#,
            ),
            (
                policy(r#"{"Effect": "Deny", "Action": []}"#),
                "Statement[0].Action",
                "[]",
                "Action must list at least one action, like [\"apig:apis:get\"], not an empty list",
            ),
            (
                policy(r#"{"Effect": "Allow", "Actions": ["apig:apis:get"]}"#),
                "Statement[0].Actions",
                r#""Actions""#,
                r#""Actions" is not a statement field; a statement has only Effect, Action, Resource, Condition"#,
            ),
            (
                policy(r#"{"Action": ["apig:apis:get"]}"#),
                "Statement[0].Effect",
                r#"{"Action""#,
                "Effect must be \"Allow\" or \"Deny\" (with a capital letter), but it is missing",
            ),
            (
                policy(r#"{"Effect": "Allow", "Action": [7]}"#),
                "Statement[0].Action[0]",
                "7",
                "each item must be a string, not 7",
            ),
            (
                policy(r#"{"Effect": "Allow", "Action": ["apig:*:*"], "Resource": "x"}"#),
                "Statement[0].Resource",
                r#""x""#,
                r#"Resource must be a list of strings, not "x""#,
            ),
            (
                policy(
                    r#"{"Effect": "Allow", "Action": ["apig:*:*"], "Resource": ["apig:*:*:api:*"]}"#,
                ),
                "Statement[0].Resource[0]",
                r#""apig:*:*:api:*""#,
                r#""apig:*:*:api:*" is not a gateway resource; write apig:*:*:instance:<gateway id> (or instance:* for every gateway)"#,
            ),
            (
                policy(r#"{"Effect": "Allow", "Action": ["apig:*:*"], "Condition": []}"#),
                "Statement[0].Condition",
                "[]",
                "Condition must be an object, not an empty list",
            ),
            (
                policy("1"),
                "Statement[0]",
                "1",
                "a statement must be an object",
            ),
            (
                policy("").replace("1.1", "1.0"),
                "Version",
                r#""1.0""#,
                r#"Version must be "1.1", not "1.0""#,
            ),
            (
                "{\n  \"Statement\": []\n}".to_owned(),
                "Version",
                "{",
                "Version must be \"1.1\", but it is missing",
            ),
            (
                policy(""),
                "Statement",
                "[",
                "Statement must list at least one statement",
            ),
            (
                r#"{"Version": "1.1", "Id": "x"}"#.to_owned(),
                "Id",
                r#""Id""#,
                r#""Id" is not a policy field"#,
            ),
            ("[]".to_owned(), "", "[]", "A policy must be an object"),
        ];
        for (text, path, mark, message) in cases {
            let error = parse(&text).unwrap_err();
            assert_eq!(error.path, path, "{text}");
            assert_eq!((error.line, error.column), spot(&text, mark), "{text}");
            assert!(error.message.starts_with(message), "{}", error.message);
        }
    }

    #[test]
    fn the_full_message_reads_well() {
        let text = r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:apis:get","apig:apis:list","apig:apis:fly"]}]}"#;
        assert_eq!(
            parse(text).unwrap_err().to_string(),
            r#"Statement[0].Action[2]: "apig:apis:fly" is not an action Portico knows; actions look like apig:apis:create"#
        );
    }

    #[test]
    fn syntax_errors_carry_serde_json_line_and_column() {
        let error = parse("{\n  \"Version\": \"1.1\",\n  \"Statement\": [,]\n}").unwrap_err();
        assert_eq!(error.path, "");
        assert_eq!((error.line, error.column), (Some(3), Some(17)));
        assert!(
            error.message.starts_with("This is not valid JSON"),
            "{}",
            error.message
        );
    }

    #[test]
    fn overlong_policies_are_refused() {
        let padding = " ".repeat(MAX_POLICY_CHARS);
        let text = format!(
            r#"{{"Version":"1.1",{padding}"Statement":[{{"Effect":"Allow","Action":["apig:*:*"]}}]}}"#
        );
        assert!(parse(&text)
            .unwrap_err()
            .message
            .contains("at most 6144 characters"));
    }

    #[test]
    fn parsed_policies_round_trip() {
        let text = r#"{"Version":"1.1","Statement":[
            {"Effect":"Allow","Action":["apig:apis:create","apig:*:get*"]},
            {"Effect":"Deny","Action":["apig:apis:delete"],"Resource":["apig:*:*:instance:gw1"],
             "Condition":{"StringEquals":{"g:ProjectName":["eu-de"]}}}]}"#;
        let document = parse(text).unwrap();
        assert_eq!(document.statements[1].effect, Effect::Deny);
        assert_eq!(document.statements[1].resources, ["apig:*:*:instance:gw1"]);
        let json = serde_json::to_string(&document).unwrap();
        assert_eq!(parse(&json).unwrap(), document);
        assert_eq!(
            serde_json::from_str::<PermissionDocument>(&json).unwrap(),
            document
        );
    }

    #[test]
    fn empty_resource_and_condition_are_left_out() {
        let text = r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["iam:*:*"]}]}"#;
        assert_eq!(serde_json::to_string(&parse(text).unwrap()).unwrap(), text);
    }
}
