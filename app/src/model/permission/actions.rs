//! The catalogue of actions a policy can name: every `apig:` action of Huawei Cloud APIG's
//! permission table, and the `iam:` actions of Portico's own IAM service.
//!
//! Rules: an action is `service:resource:verb`, spelled exactly as the APIG documentation
//! prints it (including its misspellings, such as `listBindedTrottles`, so policies written
//! for APIG keep working). Policies may only name actions from this list.
use serde_json::Value;

use super::document::describe;
use super::evaluate::{glob_matches, pattern_matches};

/// The services whose actions a policy may name.
pub const SERVICES: &[&str] = &["apig", "iam"];

/// Every action Portico knows, `apig:` first, then `iam:`.
pub const ACTIONS: &[&str] = &[
    // apig:instances
    "apig:instances:create",
    "apig:instances:delete",
    "apig:instances:update",
    "apig:instances:get",
    "apig:instances:list",
    // apig:instance
    "apig:instance:listByTags",
    "apig:instance:getNumByTags",
    // apig:instanceTags
    "apig:instanceTags:list",
    "apig:instanceTags:create",
    "apig:instanceTags:delete",
    // apig:groups
    "apig:groups:create",
    "apig:groups:delete",
    "apig:groups:get",
    "apig:groups:list",
    "apig:groups:update",
    // apig:domains
    "apig:domains:create",
    "apig:domains:delete",
    "apig:domains:bindCertificate",
    "apig:domains:unbindCertificate",
    "apig:domains:getCertificate",
    "apig:domains:updateSLDomainSetting",
    "apig:domains:get",
    // apig:variables
    "apig:variables:create",
    "apig:variables:delete",
    "apig:variables:get",
    "apig:variables:list",
    // apig:apis
    "apig:apis:create",
    "apig:apis:delete",
    "apig:apis:update",
    "apig:apis:get",
    "apig:apis:list",
    "apig:apis:publish",
    "apig:apis:offline",
    "apig:apis:debug",
    "apig:apis:import",
    "apig:apis:export",
    "apig:apis:grantAppAccess",
    "apig:apis:relieveAppAccess",
    "apig:apis:bindSigns",
    "apig:apis:unbindSigns",
    "apig:apis:bindAcls",
    "apig:apis:unbindAcls",
    "apig:apis:bindThrottles",
    "apig:apis:unbindThrottles",
    "apig:apis:bindPlugins",
    "apig:apis:unbindPlugins",
    "apig:apis:listBindedApps",
    "apig:apis:listBindedSigns",
    "apig:apis:listBindedAcls",
    "apig:apis:listBindedThrottles",
    "apig:apis:listBindedTrottles",
    "apig:apis:listBindedPlugins",
    // apig:envs
    "apig:envs:create",
    "apig:envs:delete",
    "apig:envs:list",
    "apig:envs:update",
    // apig:apps
    "apig:apps:create",
    "apig:apps:delete",
    "apig:apps:get",
    "apig:apps:list",
    "apig:apps:update",
    "apig:apps:listBindedApis",
    "apig:apps:listUnbindedApis",
    // apig:appCodes
    "apig:appCodes:create",
    "apig:appCodes:list",
    "apig:appCodes:get",
    "apig:appCodes:update",
    "apig:appCodes:delete",
    // apig:signs
    "apig:signs:create",
    "apig:signs:delete",
    "apig:signs:list",
    "apig:signs:update",
    "apig:signs:listBindedApis",
    "apig:signs:listUnbindedApis",
    // apig:acls
    "apig:acls:create",
    "apig:acls:delete",
    "apig:acls:get",
    "apig:acls:list",
    "apig:acls:update",
    "apig:acls:listUnbindedApis",
    // apig:acl
    "apig:acl:listBoundApi",
    // apig:throttles
    "apig:throttles:create",
    "apig:throttles:delete",
    "apig:throttles:get",
    "apig:throttles:list",
    "apig:throttles:update",
    "apig:throttles:listBindedApis",
    "apig:throttles:listUnbindedApis",
    // apig:specialThrottles
    "apig:specialThrottles:create",
    "apig:specialThrottles:delete",
    "apig:specialThrottles:get",
    "apig:specialThrottles:update",
    // apig:vpcChannels
    "apig:vpcChannels:create",
    "apig:vpcChannels:delete",
    "apig:vpcChannels:update",
    "apig:vpcChannels:get",
    "apig:vpcChannels:list",
    "apig:vpcChannels:addInstance",
    "apig:vpcChannels:deleteInstance",
    "apig:vpcChannels:updateMemberGroup",
    "apig:vpcChannels:addOrUpdateMemberGroups",
    "apig:vpcChannels:deleteMemberGroup",
    "apig:vpcChannels:batchEnableInstance",
    "apig:vpcChannels:batchDisableInstance",
    // apig:authorizers
    "apig:authorizers:create",
    "apig:authorizers:delete",
    "apig:authorizers:get",
    "apig:authorizers:list",
    "apig:authorizers:update",
    // apig:tags
    "apig:tags:list",
    // apig:features
    "apig:features:list",
    "apig:features:create",
    // apig:metricData
    "apig:metricData:get",
    // apig:gatewayResponses
    "apig:gatewayResponses:create",
    "apig:gatewayResponses:get",
    "apig:gatewayResponses:update",
    "apig:gatewayResponses:delete",
    "apig:gatewayResponses:list",
    // apig:plugins
    "apig:plugins:create",
    "apig:plugins:update",
    "apig:plugins:list",
    "apig:plugins:get",
    "apig:plugins:delete",
    "apig:plugins:listBindedApis",
    "apig:plugins:listUnbindedApis",
    // iam:users
    "iam:users:create",
    "iam:users:get",
    "iam:users:list",
    "iam:users:update",
    "iam:users:delete",
    // iam:groups
    "iam:groups:create",
    "iam:groups:get",
    "iam:groups:list",
    "iam:groups:update",
    "iam:groups:delete",
    "iam:groups:addUser",
    "iam:groups:removeUser",
    // iam:policies
    "iam:policies:create",
    "iam:policies:get",
    "iam:policies:list",
    "iam:policies:update",
    "iam:policies:delete",
    // iam:permissions
    "iam:permissions:grantRoleToGroupOnProject",
    "iam:permissions:revokeRoleFromGroupOnProject",
    "iam:permissions:listRolesForGroupOnProject",
    "iam:permissions:checkRoleForGroupOnProject",
    // iam:credentials
    "iam:credentials:createCredential",
    "iam:credentials:getCredential",
    "iam:credentials:listCredentials",
    "iam:credentials:updateCredential",
    "iam:credentials:deleteCredential",
    // iam:projects
    "iam:projects:create",
    "iam:projects:get",
    "iam:projects:list",
    "iam:projects:update",
    // iam:audit
    "iam:audit:list",
];

/// Checks a `Resource` entry: `apig:<region>:<account>:instance:<gateway id>`, five parts,
/// `*` allowed in each (region and account are not compared). Portico limits statements
/// to gateways, so the type is `instance`.
pub fn check_resource(resource: &str) -> Result<(), String> {
    let quoted = describe(&Value::String(resource.to_owned()));
    match resource.split(':').collect::<Vec<_>>().as_slice() {
        [service, _, _, kind, id]
            if glob_matches(&service.to_ascii_lowercase(), "apig")
                && glob_matches(kind, "instance")
                && !id.is_empty() =>
        {
            Ok(())
        }
        _ => Err(format!(
            "{quoted} is not a gateway resource; write apig:*:*:instance:<gateway id> (or instance:* for every gateway)"
        )),
    }
}

/// Checks an action pattern as written in a policy: `service:resource:verb` for the
/// `apig` or `iam` service, naming (or, with `*`, matching) at least one known action.
/// The error is a sentence for the user that names the pattern.
pub fn check_pattern(action: &str) -> Result<(), String> {
    let quoted = describe(&Value::String(action.to_owned()));
    let parts: Vec<&str> = action.split(':').collect();
    let service = match parts.as_slice() {
        [service, resource, verb] if ![service, resource, verb].iter().any(|p| p.is_empty()) => {
            service.to_ascii_lowercase()
        }
        _ => return Err(format!(
            "{quoted} is not an action; actions have three parts, service:resource:verb, like apig:apis:create"
        )),
    };
    if !SERVICES.iter().any(|known| glob_matches(&service, known)) {
        return Err(format!(
            "{quoted} names a service Portico does not have; use apig or iam, like apig:apis:create"
        ));
    }
    if ACTIONS.iter().any(|known| pattern_matches(action, known)) {
        Ok(())
    } else if action.contains('*') {
        Err(format!("{quoted} matches no action Portico knows; a * matches within one part, like apig:*:get*"))
    } else {
        Err(format!(
            "{quoted} is not an action Portico knows; actions look like apig:apis:create"
        ))
    }
}

/// Whether `action` is exactly one of the catalogue's actions (no wildcards).
pub fn is_known(action: &str) -> bool {
    ACTIONS.contains(&action)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_action_has_three_parts_and_appears_once() {
        let mut seen = HashSet::new();
        for action in ACTIONS {
            let parts: Vec<&str> = action.split(':').collect();
            assert_eq!(parts.len(), 3, "{action}");
            assert!(parts.iter().all(|part| !part.is_empty()), "{action}");
            assert!(!action.contains('*'), "{action}");
            assert!(seen.insert(action), "{action} is listed twice");
        }
    }

    #[test]
    fn every_action_belongs_to_apig_or_iam() {
        for action in ACTIONS {
            assert!(
                pattern_matches("apig:*:*", action) || pattern_matches("iam:*:*", action),
                "{action}"
            );
        }
    }

    #[test]
    fn the_apig_permission_table_is_present() {
        for action in [
            "apig:instances:create",
            "apig:instance:listByTags",
            "apig:instance:getNumByTags",
            "apig:instanceTags:delete",
            "apig:domains:updateSLDomainSetting",
            "apig:apis:listBindedApps",
            "apig:apis:listBindedThrottles",
            "apig:apis:listBindedTrottles",
            "apig:apis:relieveAppAccess",
            "apig:acl:listBoundApi",
            "apig:acls:listUnbindedApis",
            "apig:specialThrottles:update",
            "apig:vpcChannels:addOrUpdateMemberGroups",
            "apig:vpcChannels:batchDisableInstance",
            "apig:metricData:get",
            "apig:gatewayResponses:list",
            "apig:plugins:listUnbindedApis",
            "apig:appCodes:delete",
        ] {
            assert!(is_known(action), "{action}");
        }
        assert_eq!(
            ACTIONS.iter().filter(|a| a.starts_with("apig:")).count(),
            125
        );
    }

    #[test]
    fn portico_iam_actions_are_present() {
        for action in [
            "iam:users:create",
            "iam:groups:removeUser",
            "iam:policies:delete",
            "iam:permissions:checkRoleForGroupOnProject",
            "iam:credentials:listCredentials",
            "iam:projects:update",
            "iam:audit:list",
        ] {
            assert!(is_known(action), "{action}");
        }
        assert_eq!(ACTIONS.iter().filter(|a| a.starts_with("iam:")).count(), 31);
    }

    #[test]
    fn unknown_and_wildcard_actions_are_not_known() {
        assert!(!is_known("apig:apis:fly"));
        assert!(!is_known("apig:*:*"));
        assert!(!is_known("vpc:ports:create"));
        assert!(!is_known("APIG:apis:create"));
    }

    #[test]
    fn action_shapes_are_checked() {
        let three_parts = "three parts, service:resource:verb";
        assert!(check_pattern("apig:*").unwrap_err().contains(three_parts));
        assert!(check_pattern("apig::get")
            .unwrap_err()
            .contains(three_parts));
        assert!(check_pattern("apig:apis:get:x")
            .unwrap_err()
            .contains(three_parts));
        assert!(check_pattern("apig:*:fly*")
            .unwrap_err()
            .contains("matches no action Portico knows"));
        for pattern in [
            "*:*:*",
            "APIG:apis:create",
            "a*:instance:*ByTags",
            "iam:*:check*",
            "apig:acl:listBoundApi",
        ] {
            assert_eq!(check_pattern(pattern), Ok(()), "{pattern}");
        }
    }
}
