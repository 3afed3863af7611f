//! The five steps of the APIG process, as the dashboard's checklist shows them.

use crate::model::permission::{actions, Action};
use serde::{Deserialize, Serialize};

/// One step of the process.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub title: &'static str,
    pub description: &'static str,
    /// When the step counts as done, in the user's words.
    pub done_when: &'static str,
    /// The wizard that does the step (label, path, the action it needs), once this version
    /// of Portico has it. `{gateway}` in the path stands for the project's first gateway.
    pub wizard: Option<(&'static str, &'static str, Action)>,
    /// For a step this version does not have yet: what is coming, and the link (label,
    /// path) to what exists today.
    pub coming: Option<(&'static str, &'static str, &'static str)>,
}

/// Which steps are done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessState {
    /// A user other than admin holds an APIG policy.
    pub users_granted: bool,
    /// The current project's first gateway, if it has one.
    pub gateway_id: Option<String>,
    /// An API of the project is published in some environment.
    pub api_published: bool,
    /// A credential of the project is authorized for an API.
    pub callers_authorized: bool,
}

impl ProcessState {
    /// Whether step `index` (0-based) is done.
    pub fn done(&self, index: usize) -> bool {
        match index {
            0 => self.users_granted,
            1 => self.gateway_id.is_some(),
            2 => self.api_published,
            3 => self.callers_authorized,
            _ => false,
        }
    }

    /// Where a step's wizard opens: `{gateway}` filled with the project's first gateway, or
    /// the page that asks for a gateway when there is none yet.
    pub fn wizard_path(&self, path: &str) -> String {
        match (&self.gateway_id, path.contains("{gateway}")) {
            (_, false) => path.to_owned(),
            (Some(id), true) => path.replace("{gateway}", id),
            (None, true) => "/apis".to_owned(),
        }
    }
}

pub const STEPS: &[Step] = &[
    Step {
        title: "Create users and grant permissions",
        description: "Give your team their own sign-in and the APIG permissions they need.",
        done_when: "a user other than admin holds an APIG policy",
        wizard: Some(("Create a user", "/iam/users/new", actions::iam::users::create)),
        coming: None,
    },
    Step {
        title: "Create a gateway",
        description:
            "A gateway is an isolated space for API groups, APIs, credentials and policies.",
        done_when: "a gateway exists",
        wizard: Some(("Create a gateway", "/gateways/new", actions::apig::instances::create)),
        coming: None,
    },
    Step {
        title: "Open APIs",
        description: "Define an API's request and backend, then publish it to an environment.",
        done_when: "an API is published in some environment",
        wizard: Some((
            "Open an API",
            "/gateways/{gateway}/apis/new",
            actions::apig::apis::create,
        )),
        coming: None,
    },
    Step {
        title: "Authorize callers (optional)",
        description:
            "Issue credentials, authorize them for APIs, and set quotas and access control.",
        done_when: "a credential is authorized for an API",
        wizard: Some((
            "Authorize credentials",
            "/gateways/{gateway}/credentials/authorize",
            actions::apig::apis::grantAppAccess,
        )),
        coming: None,
    },
    Step {
        title: "Call APIs",
        description:
            "Clients call the gateway endpoint: signed with a credential or an IAM access key, with an AppCode, or with an IAM token.",
        done_when: "the gateway has served a successful call",
        wizard: None,
        coming: Some((
            "Counting calls comes with monitoring in a later version. Today each published API's page has a ready-to-copy curl line and a Debug tab that sends a test request.",
            "Call a published API",
            "/apis",
        )),
    },
];
