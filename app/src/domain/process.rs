//! The five steps of the APIG process, as the dashboard's checklist shows them.

use serde::{Deserialize, Serialize};

/// One step of the process.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub title: &'static str,
    pub description: &'static str,
    /// When the step counts as done, in the user's words.
    pub done_when: &'static str,
    /// The wizard that does the step (label, path, the action it needs), once this version
    /// of Portico has it.
    pub wizard: Option<(&'static str, &'static str, &'static str)>,
}

/// Which steps are done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessState {
    /// A user other than admin holds an APIG policy.
    pub users_granted: bool,
    /// A gateway exists in the current project.
    pub gateway_exists: bool,
}

impl ProcessState {
    /// Whether step `index` (0-based) is done.
    pub fn done(&self, index: usize) -> bool {
        match index {
            0 => self.users_granted,
            1 => self.gateway_exists,
            _ => false,
        }
    }
}

pub const STEPS: &[Step] = &[
    Step {
        title: "Create users and grant permissions",
        description: "Give your team their own sign-in and the APIG permissions they need.",
        done_when: "a user other than admin holds an APIG policy",
        wizard: Some(("Create a user", "/iam/users/new", "iam:users:create")),
    },
    Step {
        title: "Create a gateway",
        description:
            "A gateway is an isolated space for API groups, APIs, credentials and policies.",
        done_when: "a gateway exists",
        wizard: Some(("Create a gateway", "/gateways/new", "apig:instances:create")),
    },
    Step {
        title: "Open APIs",
        description: "Define an API's request and backend, then publish it to an environment.",
        done_when: "an API is published in some environment",
        wizard: None,
    },
    Step {
        title: "Authorize callers (optional)",
        description:
            "Issue credentials, authorize them for APIs, and set quotas and access control.",
        done_when: "credentials are authorized for APIs",
        wizard: None,
    },
    Step {
        title: "Call APIs",
        description:
            "Clients call the gateway endpoint, signed, with an AppCode or through your authorizer.",
        done_when: "the gateway has served a successful call",
        wizard: None,
    },
];
