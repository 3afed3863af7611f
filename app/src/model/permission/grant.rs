//! What a grant hands over, so that it can be held to two rules before it is made:
//! `iam:` actions are the account's, never one project's, and nobody grants more than they
//! hold where the grant applies.
use super::actions::{Action, ACTIONS, ALL};
use super::document::{Effect, PermissionDocument};
use super::evaluate::{evaluate_in, pattern_matches, Scope};

/// Whether `action` belongs to IAM, one service for the whole account: as in Huawei Cloud
/// IAM, where global services are granted at account level, only grants in all projects
/// confer it.
pub fn is_account_wide(action: &str) -> bool {
    action.starts_with("iam:")
}

/// The account-wide actions `document` names, allowed or denied, in catalogue order. Such a
/// policy is granted in all projects only: a grant in one project could neither give nor
/// take away any of them.
pub fn account_wide_actions(document: &PermissionDocument) -> Vec<&'static str> {
    ACTIONS
        .iter()
        .copied()
        .filter(|action| is_account_wide(action))
        .filter(|action| {
            document
                .statements
                .iter()
                .flat_map(|statement| &statement.actions)
                .any(|pattern| pattern_matches(pattern, action))
        })
        .collect()
}

/// One thing a grant of a policy hands over: an action, across the project or in one
/// gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demand<'a> {
    pub action: Action,
    pub scope: Scope<'a>,
}

/// Everything a grant of `document` hands over. A statement without `Resource` hands its
/// actions over across the project; one naming a gateway, in that gateway; one naming
/// gateways by a pattern (`instance:gw*`), across the project, since the gateways it will
/// match are not known yet. What the document's own Deny statements take back is not
/// handed over.
pub fn demands(document: &PermissionDocument) -> Vec<Demand<'_>> {
    let mut demands = Vec::new();
    for statement in document
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        // Where the statement hands its actions over, and where the document is asked
        // whether it really does (a gateway pattern is asked as "somewhere").
        let scopes: Vec<(Scope<'_>, Scope<'_>)> = if statement.resources.is_empty() {
            vec![(Scope::Project, Scope::Project)]
        } else {
            statement
                .resources
                .iter()
                .map(|resource| match resource.rsplit(':').next() {
                    Some(id) if !id.contains('*') => (Scope::Gateway(id), Scope::Gateway(id)),
                    _ => (Scope::Project, Scope::Anywhere),
                })
                .collect()
        };
        for action in ALL.iter().copied().filter(|action| {
            statement
                .actions
                .iter()
                .any(|pattern| pattern_matches(pattern, action.name()))
        }) {
            for &(scope, asked) in &scopes {
                let demand = Demand { action, scope };
                if evaluate_in([document], action.name(), asked).is_allowed()
                    && !demands.contains(&demand)
                {
                    demands.push(demand);
                }
            }
        }
    }
    demands
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::permission::document::parse;
    use crate::model::permission::system::system_policy;

    #[test]
    fn iam_actions_are_the_accounts() {
        let iam_admin = system_policy("IAM Administrator").unwrap().document();
        assert!(account_wide_actions(&iam_admin).contains(&"iam:users:create"));
        let apig_admin = system_policy("APIG Administrator").unwrap().document();
        assert!(account_wide_actions(&apig_admin).is_empty());
        let everything =
            parse(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["*:*:*"]}]}"#)
                .unwrap();
        assert!(account_wide_actions(&everything)
            .contains(&"iam:permissions:grantRoleToGroupOnProject"));
        let denied = parse(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:*"]},{"Effect":"Deny","Action":["iam:users:delete"]}]}"#).unwrap();
        assert_eq!(account_wide_actions(&denied), ["iam:users:delete"]);
    }

    #[test]
    fn a_grant_hands_over_what_its_allows_cover_where_they_apply() {
        let document = parse(
            r#"{"Version":"1.1","Statement":[
                {"Effect":"Allow","Action":["apig:apis:get"]},
                {"Effect":"Allow","Action":["apig:apis:create","apig:apis:delete"],"Resource":["apig:*:*:instance:gw1","apig:*:*:instance:gw*"]},
                {"Effect":"Deny","Action":["apig:apis:delete"],"Resource":["apig:*:*:instance:gw1"]}]}"#,
        )
        .unwrap();
        assert_eq!(
            demands(&document),
            vec![
                Demand {
                    action: super::super::actions::apig::apis::get,
                    scope: Scope::Project
                },
                Demand {
                    action: super::super::actions::apig::apis::create,
                    scope: Scope::Gateway("gw1")
                },
                Demand {
                    action: super::super::actions::apig::apis::create,
                    scope: Scope::Project
                },
                Demand {
                    action: super::super::actions::apig::apis::delete,
                    scope: Scope::Project
                },
            ]
        );
        let read_only = system_policy("APIG ReadOnlyAccess").unwrap().document();
        let handed = demands(&read_only);
        assert!(handed.iter().all(|d| d.scope == Scope::Project));
        assert!(handed.iter().any(|d| d.action.name() == "apig:apis:list"));
        assert!(!handed.iter().any(|d| d.action.name() == "apig:apis:create"));
    }
}
