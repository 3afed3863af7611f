//! The system policies every account has: fixed, read-only, and granted like custom ones.
//!
//! Rules: ids never change (grants refer to them); documents are JSON text in the same
//! format as custom policies and must pass [`parse`](super::document::parse), which the
//! tests prove.
use serde::{Deserialize, Serialize};

use super::document::{parse, PermissionDocument};

/// Whether a system policy is a role (coarse, service-wide) or a fine-grained policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionPolicyKind {
    /// A system role, such as APIG Administrator.
    Role,
    /// A system policy, such as APIG ReadOnlyAccess.
    Policy,
}

/// A built-in policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemPermissionPolicy {
    /// Stable id, 32 lowercase hex characters.
    pub id: &'static str,
    /// Machine name, unique among system policies.
    pub name: &'static str,
    /// The name the console shows, as in Huawei Cloud IAM.
    pub display_name: &'static str,
    /// What the policy grants, in one sentence.
    pub description: &'static str,
    /// Role or policy.
    pub kind: PermissionPolicyKind,
    /// The policy document as JSON text.
    pub document: &'static str,
}

impl SystemPermissionPolicy {
    /// The parsed policy document.
    pub fn document(&self) -> PermissionDocument {
        // The documents are constants below; `every_system_document_parses` checks them.
        parse(self.document).expect("system policy documents are valid")
    }
}

/// All system policies.
pub const SYSTEM_POLICIES: &[SystemPermissionPolicy] = &[
    SystemPermissionPolicy {
        id: "228909955831b34982cb838c62f8b393",
        name: "apig_administrator",
        display_name: "APIG Administrator",
        description: "APIG's administrator role: every function of every gateway. The admin group holds it; grant it to the people who run the gateways.",
        kind: PermissionPolicyKind::Role,
        document: r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:*"]}]}"#,
    },
    SystemPermissionPolicy {
        id: "c99b870656261be8f3d9baa40adecf32",
        name: "apig_full_access",
        display_name: "APIG FullAccess",
        description: "APIG's full-access policy: every gateway function, for API owners who create and change what gateways hold. Add a custom policy with Deny statements to hold some actions back.",
        kind: PermissionPolicyKind::Policy,
        document: r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:*"]}]}"#,
    },
    SystemPermissionPolicy {
        id: "bda2433eae7096e8d26b438a01350699",
        name: "apig_read_only_access",
        display_name: "APIG ReadOnlyAccess",
        description: "View gateways and everything in them, without changing anything.",
        kind: PermissionPolicyKind::Policy,
        document: r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:get*","apig:*:list*"]}]}"#,
    },
    SystemPermissionPolicy {
        id: "ecd584982eabf7b33fbeb4ec2f2fdf42",
        name: "iam_administrator",
        display_name: "IAM Administrator",
        description: "Manage users, groups, policies, permissions, credentials and projects.",
        kind: PermissionPolicyKind::Policy,
        document: r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["iam:*:*"]}]}"#,
    },
    SystemPermissionPolicy {
        id: "1553147424efaae7697f10b88e5af971",
        name: "iam_read_only_access",
        display_name: "IAM ReadOnlyAccess",
        description: "View users, groups, policies, permissions, projects and the audit log.",
        kind: PermissionPolicyKind::Policy,
        document: r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["iam:*:get*","iam:*:list*","iam:*:check*"]}]}"#,
    },
];

/// Finds a system policy by id, machine name or display name.
pub fn system_policy(id_or_name: &str) -> Option<&'static SystemPermissionPolicy> {
    SYSTEM_POLICIES.iter().find(|policy| {
        policy.id == id_or_name || policy.name == id_or_name || policy.display_name == id_or_name
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::permission::evaluate::{evaluate, Decision};
    use std::collections::HashSet;

    fn allows(display_name: &str, action: &str) -> bool {
        let document = system_policy(display_name).unwrap().document();
        evaluate([&document], action) == Decision::Allow
    }

    #[test]
    fn every_system_document_parses() {
        for policy in SYSTEM_POLICIES {
            let document =
                parse(policy.document).unwrap_or_else(|e| panic!("{}: {e}", policy.name));
            assert_eq!(policy.document(), document);
        }
    }

    #[test]
    fn ids_and_names_are_distinct_and_well_formed() {
        let mut seen = HashSet::new();
        for policy in SYSTEM_POLICIES {
            assert_eq!(policy.id.len(), 32, "{}", policy.id);
            assert!(policy
                .id
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
            assert!(seen.insert(policy.id));
            assert!(seen.insert(policy.name));
            assert!(seen.insert(policy.display_name));
        }
    }

    #[test]
    fn found_by_id_or_name() {
        let admin = system_policy("APIG Administrator").unwrap();
        assert_eq!(admin.kind, PermissionPolicyKind::Role);
        assert_eq!(system_policy(admin.id), Some(admin));
        assert_eq!(system_policy("apig_administrator"), Some(admin));
        assert_eq!(system_policy("APIG Nobody"), None);
    }

    #[test]
    fn system_policies_grant_what_their_names_say() {
        assert!(allows(
            "APIG Administrator",
            "apig:vpcChannels:batchEnableInstance"
        ));
        assert!(allows("APIG FullAccess", "apig:apis:delete"));
        let describe = |name: &str| {
            SYSTEM_POLICIES
                .iter()
                .find(|p| p.display_name == name)
                .map(|p| p.description)
        };
        assert_ne!(
            describe("APIG Administrator"),
            describe("APIG FullAccess"),
            "each system policy says what sets it apart"
        );
        assert!(!allows("APIG FullAccess", "iam:users:create"));
        assert!(allows("APIG ReadOnlyAccess", "apig:apis:list"));
        assert!(allows("APIG ReadOnlyAccess", "apig:domains:getCertificate"));
        assert!(!allows("APIG ReadOnlyAccess", "apig:apis:create"));
        assert!(allows("IAM Administrator", "iam:groups:addUser"));
        assert!(!allows("IAM Administrator", "apig:apis:get"));
        assert!(allows(
            "IAM ReadOnlyAccess",
            "iam:permissions:checkRoleForGroupOnProject"
        ));
        assert!(allows("IAM ReadOnlyAccess", "iam:audit:list"));
        assert!(!allows("IAM ReadOnlyAccess", "iam:users:delete"));
    }
}
