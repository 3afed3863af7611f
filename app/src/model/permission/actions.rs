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

/// One action of the catalogue: its name as policies spell it and the kind of thing it
/// acts on (what a refusal's audit record names). Only the catalogue makes them, so a
/// check always names an action Portico knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Action {
    name: &'static str,
    kind: &'static str,
}

impl Action {
    /// `service:resource:verb`, as policies name it.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// What the action acts on, in the console's words ("API group", "access key").
    pub fn target_kind(self) -> &'static str {
        self.kind
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A verb's own kind when the table gives one (`getCertificate ("certificate")`), else its
/// resource's.
macro_rules! kind {
    ($kind:literal) => {
        $kind
    };
    ($kind:literal, $verb_kind:literal) => {
        $verb_kind
    };
}

/// The catalogue from one table: a constant per action, spelled as APIG spells it
/// (`apig::instanceTags::create` is `apig:instanceTags:create`), and [`ACTIONS`], every
/// name in the table's order.
macro_rules! catalogue {
    ($($service:ident { $($resource:ident ($kind:literal) {
        $($verb:ident $(($verb_kind:literal))?),* $(,)?
    })* })*) => {
        $(
            #[allow(non_snake_case)]
            pub mod $service {
                $(
                    #[allow(non_snake_case, non_upper_case_globals)]
                    pub mod $resource {
                        use super::super::Action;
                        $(
                            pub const $verb: Action = Action {
                                name: concat!(
                                    stringify!($service), ":", stringify!($resource), ":", stringify!($verb)
                                ),
                                kind: kind!($kind $(, $verb_kind)?),
                            };
                        )*
                    }
                )*
            }
        )*

        /// Every action Portico knows, `apig:` first, then `iam:`.
        pub const ALL: &[Action] = &[$($($($service::$resource::$verb,)*)*)*];

        /// The names of [`ALL`], in the same order.
        pub const ACTIONS: &[&str] = &[
            $($($(concat!(stringify!($service), ":", stringify!($resource), ":", stringify!($verb)),)*)*)*
        ];
    };
}

catalogue! {
    apig {
        instances ("gateway") { create, delete, update, get, list }
        instance ("gateway") { listByTags, getNumByTags }
        instanceTags ("gateway") { list, create, delete }
        groups ("API group") { create, delete, get, list, update }
        domains ("domain") {
            create,
            delete,
            bindCertificate ("certificate"),
            unbindCertificate ("certificate"),
            getCertificate ("certificate"),
            updateSLDomainSetting,
            get,
        }
        variables ("variable") { create, delete, get, list }
        apis ("API") {
            create,
            delete,
            update,
            get,
            list,
            publish,
            offline,
            debug,
            import,
            export,
            grantAppAccess,
            relieveAppAccess,
            bindSigns,
            unbindSigns,
            bindAcls,
            unbindAcls,
            bindThrottles,
            unbindThrottles,
            bindPlugins,
            unbindPlugins,
            listBindedApps,
            listBindedSigns,
            listBindedAcls,
            listBindedThrottles,
            listBindedTrottles,
            listBindedPlugins,
        }
        envs ("environment") { create, delete, list, update }
        apps ("credential") { create, delete, get, list, update, listBindedApis, listUnbindedApis }
        appCodes ("AppCode") { create, list, get, update, delete }
        signs ("signature key") { create, delete, list, update, listBindedApis, listUnbindedApis }
        acls ("access control policy") { create, delete, get, list, update, listUnbindedApis }
        acl ("access control policy") { listBoundApi }
        throttles ("throttling policy") {
            create,
            delete,
            get,
            list,
            update,
            listBindedApis,
            listUnbindedApis,
        }
        specialThrottles ("throttling policy") { create, delete, get, update }
        vpcChannels ("load balance channel") {
            create,
            delete,
            update,
            get,
            list,
            addInstance,
            deleteInstance,
            updateMemberGroup,
            addOrUpdateMemberGroups,
            deleteMemberGroup,
            batchEnableInstance,
            batchDisableInstance,
        }
        authorizers ("custom authorizer") { create, delete, get, list, update }
        tags ("tag") { list }
        features ("gateway") { list, create }
        metricData ("metric") { get }
        gatewayResponses ("gateway response") { create, get, update, delete, list }
        plugins ("plugin") { create, update, list, get, delete, listBindedApis, listUnbindedApis }
    }
    iam {
        users ("user") { create, get, list, update, delete }
        groups ("group") { create, get, list, update, delete, addUser, removeUser }
        policies ("policy") { create, get, list, update, delete }
        permissions ("group") {
            grantRoleToGroupOnProject,
            revokeRoleFromGroupOnProject,
            listRolesForGroupOnProject,
            checkRoleForGroupOnProject,
        }
        credentials ("access key") {
            createCredential,
            getCredential,
            listCredentials,
            updateCredential,
            deleteCredential,
        }
        projects ("project") { create, get, list, update }
        audit ("audit log") { list }
    }
}

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
    fn each_constant_is_named_as_its_path_and_acts_on_its_kind() {
        assert_eq!(
            apig::instanceTags::create.name(),
            "apig:instanceTags:create"
        );
        assert_eq!(apig::instanceTags::create.target_kind(), "gateway");
        assert_eq!(
            apig::apis::listBindedTrottles.to_string(),
            "apig:apis:listBindedTrottles"
        );
        assert_eq!(apig::groups::get.target_kind(), "API group");
        assert_eq!(iam::groups::get.target_kind(), "group");
        assert_eq!(
            iam::credentials::createCredential.target_kind(),
            "access key"
        );
        assert!(is_known(iam::audit::list.name()));
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
