//! The five steps of the APIG process, as the dashboard's checklist shows them.

/// One step of the process.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub title: &'static str,
    pub description: &'static str,
    /// When the step counts as done, in the user's words.
    pub done_when: &'static str,
}

pub const STEPS: &[Step] = &[
    Step {
        title: "Create users and grant permissions",
        description: "Give your team their own sign-in and the APIG permissions they need.",
        done_when: "a user other than admin holds an APIG policy",
    },
    Step {
        title: "Create a gateway",
        description:
            "A gateway is an isolated space for API groups, APIs, credentials and policies.",
        done_when: "a gateway exists",
    },
    Step {
        title: "Open APIs",
        description: "Define an API's request and backend, then publish it to an environment.",
        done_when: "an API is published in some environment",
    },
    Step {
        title: "Authorize callers (optional)",
        description:
            "Issue credentials, authorize them for APIs, and set quotas and access control.",
        done_when: "credentials are authorized for APIs",
    },
    Step {
        title: "Call APIs",
        description:
            "Clients call the gateway endpoint, signed, with an AppCode or through your authorizer.",
        done_when: "the gateway has served a successful call",
    },
];
