//! Deciding whether a set of policies allows an action.
//!
//! Rules: an explicit Deny that matches wins over every Allow; otherwise a matching Allow
//! grants the action; otherwise the action is denied, because no grant means no access.
use serde::{Deserialize, Serialize};

use super::document::{Effect, PermissionDocument};

/// The outcome of evaluating policies for one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Some statement allows the action and none denies it.
    Allow,
    /// A statement denies the action; no Allow can override this.
    ExplicitDeny,
    /// No statement mentions the action, so it is not granted.
    ImplicitDeny,
}

impl Decision {
    /// Whether the caller may perform the action.
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Whether the action pattern `pattern` (as written in a policy) covers `action`.
///
/// Both are split on `:` and must have exactly three parts, `service:resource:verb`. Each
/// part of the pattern is matched on its own, so `*` stands for any run of characters
/// within one part and never crosses a `:`. The service name is compared without regard to
/// case (`APIG` and `apig` are the same service); resource and verb are case-sensitive.
pub fn pattern_matches(pattern: &str, action: &str) -> bool {
    let pattern: Vec<&str> = pattern.split(':').collect();
    let action: Vec<&str> = action.split(':').collect();
    match (pattern.as_slice(), action.as_slice()) {
        ([service, resource, verb], [a_service, a_resource, a_verb]) => {
            glob_matches(
                &service.to_ascii_lowercase(),
                &a_service.to_ascii_lowercase(),
            ) && glob_matches(resource, a_resource)
                && glob_matches(verb, a_verb)
        }
        _ => false,
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters (including
/// none) and every other character matches only itself.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was seen, and how much of the text it has swallowed so far.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Where an action is performed, which decides the statements limited by `Resource` that
/// apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Across the project (creating a gateway, IAM): only statements without `Resource`.
    Project,
    /// Inside one gateway: statements without `Resource`, and those naming the gateway.
    Gateway(&'a str),
    /// Somewhere in the project (what the console shows, whether a list can be read at
    /// all): any Allow, limited or not; only unlimited Denies.
    Anywhere,
}

/// Whether a `Resource` pattern names the gateway `gateway_id`. Resources are written
/// `service:region:account:type:id`, like `apig:*:*:instance:<gateway id>`; region and
/// account are not compared (one installation has one of each), the service ignores case,
/// and `*` matches within one part as in actions.
pub fn resource_matches(pattern: &str, gateway_id: &str) -> bool {
    match pattern.split(':').collect::<Vec<_>>().as_slice() {
        [service, _region, _account, kind, id] => {
            glob_matches(&service.to_ascii_lowercase(), "apig")
                && glob_matches(kind, "instance")
                && glob_matches(id, gateway_id)
        }
        _ => false,
    }
}

/// Decides whether `policies`, taken together, allow `action` across the project.
pub fn evaluate<'a>(
    policies: impl IntoIterator<Item = &'a PermissionDocument>,
    action: &str,
) -> Decision {
    evaluate_in(policies, action, Scope::Project)
}

/// Decides whether `policies` allow `action` in `scope`. A statement with `Resource`
/// applies only to the gateways it names (see [`Scope`]); `Condition` is kept in the
/// document but not evaluated.
pub fn evaluate_in<'a>(
    policies: impl IntoIterator<Item = &'a PermissionDocument>,
    action: &str,
    scope: Scope<'_>,
) -> Decision {
    let mut decision = Decision::ImplicitDeny;
    for statement in policies.into_iter().flat_map(|policy| &policy.statements) {
        if !statement
            .actions
            .iter()
            .any(|pattern| pattern_matches(pattern, action))
        {
            continue;
        }
        let unlimited = statement.resources.is_empty();
        let applies = match (scope, statement.effect) {
            _ if unlimited => true,
            (Scope::Gateway(id), _) => statement.resources.iter().any(|r| resource_matches(r, id)),
            (Scope::Anywhere, Effect::Allow) => true,
            _ => false,
        };
        if applies {
            match statement.effect {
                Effect::Deny => return Decision::ExplicitDeny,
                Effect::Allow => decision = Decision::Allow,
            }
        }
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::permission::actions::ACTIONS;
    use crate::model::permission::document::parse;

    fn policy(text: &str) -> PermissionDocument {
        parse(text).unwrap()
    }

    #[test]
    fn resources_limit_statements_to_the_gateways_they_name() {
        let scoped = policy(
            r#"{"Version":"1.1","Statement":[
                {"Effect":"Allow","Action":["apig:*:*"],"Resource":["apig:*:*:instance:gw1"]},
                {"Effect":"Deny","Action":["apig:apis:delete"],"Resource":["APIG:cn-north-4:acc:instance:gw*"]}]}"#,
        );
        let in_gw1 = |action| evaluate_in([&scoped], action, Scope::Gateway("gw1"));
        assert_eq!(in_gw1("apig:apis:create"), Decision::Allow);
        assert_eq!(in_gw1("apig:apis:delete"), Decision::ExplicitDeny);
        assert_eq!(
            evaluate_in([&scoped], "apig:apis:create", Scope::Gateway("gw2")),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate_in([&scoped], "apig:apis:delete", Scope::Gateway("gw2")),
            Decision::ExplicitDeny
        );
        // Across the project (creating a gateway) a limited Allow grants nothing.
        assert_eq!(
            evaluate([&scoped], "apig:instances:create"),
            Decision::ImplicitDeny
        );
        // Somewhere: the limited Allow counts, the limited Deny does not deny everywhere.
        assert_eq!(
            evaluate_in([&scoped], "apig:apis:delete", Scope::Anywhere),
            Decision::Allow
        );
        let everywhere = policy(
            r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:get*"]}]}"#,
        );
        assert_eq!(
            evaluate_in([&everywhere], "apig:apis:get", Scope::Gateway("any")),
            Decision::Allow
        );
        assert!(resource_matches("apig:*:*:instance:*", "gw9"));
        assert!(!resource_matches("apig:*:*:api:*", "gw9"));
        assert!(!resource_matches("iam:*:*:instance:gw9", "gw9"));
        assert!(!resource_matches("apig:instance:gw9", "gw9"));
    }

    #[test]
    fn a_wildcard_stays_within_its_part() {
        assert!(pattern_matches("apig:*:get*", "apig:apis:get"));
        assert!(pattern_matches(
            "apig:*:get*",
            "apig:domains:getCertificate"
        ));
        assert!(!pattern_matches("apig:*:get*", "apig:apis:list"));
        assert!(!pattern_matches("apig:*", "apig:apis:get"));
        assert!(!pattern_matches("apig:*:*:*", "apig:apis:get"));
        assert!(!pattern_matches("apig:apis*", "apig:apis:get"));
        assert!(!pattern_matches(
            "apig:*Throttles:list*",
            "apig:apis:listBindedThrottles"
        ));
        assert!(pattern_matches(
            "apig:*Throttles:*",
            "apig:specialThrottles:get"
        ));
        assert!(pattern_matches(
            "apig:a*s:*Apps",
            "apig:apis:listBindedApps"
        ));
    }

    #[test]
    fn star_star_star_matches_everything() {
        assert!(ACTIONS
            .iter()
            .all(|action| pattern_matches("*:*:*", action)));
    }

    #[test]
    fn service_ignores_case_but_resource_and_verb_do_not() {
        assert!(pattern_matches("APIG:apis:create", "apig:apis:create"));
        assert!(pattern_matches("Apig:*:*", "apig:apis:create"));
        assert!(!pattern_matches("apig:APIS:create", "apig:apis:create"));
        assert!(!pattern_matches("apig:apis:Create", "apig:apis:create"));
    }

    #[test]
    fn globs_backtrack() {
        assert!(glob_matches("*Bind*Apis", "listBindedApis"));
        assert!(glob_matches("l*s", "listBindedApis"));
        assert!(!glob_matches("l*x", "listBindedApis"));
        assert!(glob_matches("**", ""));
        assert!(!glob_matches("", "a"));
    }

    #[test]
    fn no_policy_means_no_access() {
        assert_eq!(evaluate([], "apig:apis:get"), Decision::ImplicitDeny);
        assert!(!Decision::ImplicitDeny.is_allowed());
    }

    #[test]
    fn deny_wins_over_allow() {
        let allow =
            policy(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:*"]}]}"#);
        let deny = policy(
            r#"{"Version":"1.1","Statement":[{"Effect":"Deny","Action":["apig:apis:delete"]}]}"#,
        );
        assert_eq!(
            evaluate([&allow, &deny], "apig:apis:delete"),
            Decision::ExplicitDeny
        );
        assert_eq!(
            evaluate([&deny, &allow], "apig:apis:delete"),
            Decision::ExplicitDeny
        );
        assert_eq!(
            evaluate([&allow, &deny], "apig:apis:create"),
            Decision::Allow
        );
        assert_eq!(
            evaluate([&deny], "apig:apis:create"),
            Decision::ImplicitDeny
        );
        assert!(evaluate([&allow], "apig:apis:create").is_allowed());
    }

    #[test]
    fn deny_and_allow_in_one_policy() {
        let both = policy(
            r#"{"Version":"1.1","Statement":[
                {"Effect":"Allow","Action":["apig:apis:*"]},
                {"Effect":"Deny","Action":["apig:apis:delete","apig:apis:publish"]}]}"#,
        );
        assert_eq!(evaluate([&both], "apig:apis:update"), Decision::Allow);
        assert_eq!(
            evaluate([&both], "apig:apis:publish"),
            Decision::ExplicitDeny
        );
        assert_eq!(evaluate([&both], "apig:groups:get"), Decision::ImplicitDeny);
    }

    #[test]
    fn read_only_allows_reading_but_not_writing() {
        let read_only = policy(
            r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:get*","apig:*:list*"]}]}"#,
        );
        assert_eq!(evaluate([&read_only], "apig:apis:list"), Decision::Allow);
        assert_eq!(evaluate([&read_only], "apig:apis:get"), Decision::Allow);
        assert_eq!(
            evaluate([&read_only], "apig:apis:create"),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate([&read_only], "iam:users:list"),
            Decision::ImplicitDeny
        );
    }
}
