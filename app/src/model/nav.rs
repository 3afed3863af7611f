//! The console's areas, in the order the left navigation shows them. One table drives both
//! the navigation and the page each area shows, so they cannot disagree.

use crate::model::permission::{actions, Action};

/// A heading in the left navigation and the areas under it.
#[derive(Debug, Clone, Copy)]
pub struct NavSection {
    pub title: &'static str,
    pub areas: &'static [Area],
}

/// One console area.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    /// Path under the console root, e.g. `gateways` for `/gateways`.
    pub slug: &'static str,
    pub title: &'static str,
    /// What the area is for, shown on its page.
    pub purpose: &'static str,
    /// The IAM action needed to see the area; none: every signed-in user.
    pub action: Option<Action>,
    /// Whether this version of Portico has the area (else its page says it is not
    /// available yet).
    pub available: bool,
}

pub const NAV: &[NavSection] = &[
    NavSection {
        title: "IAM",
        areas: &[
            Area {
                slug: "iam/users",
                title: "Users",
                purpose: "Create IAM users, reset passwords, disable or delete them.",
                action: Some(actions::iam::users::list),
                available: true,
            },
            Area {
                slug: "iam/groups",
                title: "User groups",
                purpose: "Put users in groups and grant each group policies, per project or in all projects.",
                action: Some(actions::iam::groups::list),
                available: true,
            },
            Area {
                slug: "iam/policies",
                title: "Policies",
                purpose: "The system policies, and your own JSON policies over apig: and iam: actions.",
                action: Some(actions::iam::policies::list),
                available: true,
            },
            Area {
                slug: "iam/access-keys",
                title: "Access keys",
                purpose: "Your permanent access keys (AK/SK) for signing API calls.",
                action: None,
                available: true,
            },
            Area {
                slug: "audit",
                title: "Audit log",
                purpose: "See who changed what, when and from where, including refused attempts.",
                action: Some(actions::iam::audit::list),
                available: true,
            },
        ],
    },
    NavSection {
        title: "Gateways",
        areas: &[Area {
            slug: "gateways",
            title: "Gateways",
            purpose: "Create gateways: isolated spaces with their own API groups, APIs, credentials, policies, settings and tags.",
            action: Some(actions::apig::instances::list),
            available: true,
        }],
    },
];

/// The areas inside one gateway, grouped as APIG groups them. Their slugs are under
/// `/gateways/{id}/` (the empty slug is the gateway's Overview). The traffic policies are
/// named for what they do, so no label is shared with IAM's Policies.
pub const GATEWAY_NAV: &[NavSection] = &[
    NavSection {
        title: "Gateway",
        areas: &[Area {
            slug: "",
            title: "Overview",
            purpose: "The gateway's endpoints, edition, parameters, tags and inbound ports.",
            action: Some(actions::apig::instances::get),
            available: true,
        }],
    },
    NavSection {
        title: "API management",
        areas: &[
            Area {
                slug: "groups",
                title: "API groups",
                purpose: "Group APIs, reach them on a generated subdomain or your own domains with certificates.",
                action: Some(actions::apig::groups::list),
                available: true,
            },
            Area {
                slug: "apis",
                title: "APIs",
                purpose: "Define each API's frontend request and backend, then publish it to an environment.",
                action: Some(actions::apig::apis::list),
                available: true,
            },
            Area {
                slug: "environments",
                title: "Environments",
                purpose: "Keep RELEASE and your own environments, with variables used in backend addresses and paths.",
                action: Some(actions::apig::envs::list),
                available: true,
            },
            Area {
                slug: "authorizers",
                title: "Custom authorizers",
                purpose: "Let your own HTTP endpoint decide whether a call may pass.",
                action: Some(actions::apig::authorizers::list),
                available: false,
            },
            Area {
                slug: "orchestrations",
                title: "Orchestration rules",
                purpose: "Map request parameters to new values before the backend sees them.",
                // Until the policy catalogue has orchestration actions (issue 22), whoever
                // may list APIs sees where the rules will be.
                action: Some(actions::apig::apis::list),
                available: false,
            },
            Area {
                slug: "error-responses",
                title: "Error responses",
                purpose: "Shape the status, headers and body the gateway answers with when a call fails.",
                action: Some(actions::apig::gatewayResponses::list),
                available: false,
            },
        ],
    },
    NavSection {
        title: "API policies",
        areas: &[
            Area {
                slug: "throttles",
                title: "Request throttling",
                purpose: "Limit how many calls an API takes per second, minute or hour, per caller or in all.",
                action: Some(actions::apig::throttles::list),
                available: false,
            },
            Area {
                slug: "acls",
                title: "Access control",
                purpose: "Allow or deny callers by IP address or range, per API.",
                action: Some(actions::apig::acls::list),
                available: false,
            },
        ],
    },
    NavSection {
        title: "API consumption",
        areas: &[
            Area {
                slug: "credentials",
                title: "Credentials",
                purpose: "Issue keys, secrets and AppCodes to callers and authorize them per API and environment.",
                action: Some(actions::apig::apps::list),
                available: true,
            },
            Area {
                slug: "quotas",
                title: "Credential quotas",
                purpose: "Cap how many calls a credential makes in a period.",
                // Quotas belong to credentials until their own actions land (issue 21).
                action: Some(actions::apig::apps::list),
                available: false,
            },
        ],
    },
    NavSection {
        title: "Operations",
        areas: &[Area {
            slug: "monitoring",
            title: "Monitoring",
            purpose: "Follow calls, errors and latency over time for the gateway and each API.",
            action: Some(actions::apig::metricData::get),
            available: false,
        }],
    },
];

/// The gateway a console path is inside (`/gateways/{id}/…`), if any.
pub fn gateway_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/gateways/")?;
    let id = rest.split('/').next().filter(|id| !id.is_empty())?;
    (id != "new").then_some(id)
}

/// The area of a gateway at this slug (`authorizers`), if a gateway has one.
pub fn find_in_gateway(slug: &str) -> Option<&'static Area> {
    GATEWAY_NAV
        .iter()
        .flat_map(|section| section.areas.iter())
        .find(|area| area.slug == slug)
}

/// The area at this path, if the console has one.
pub fn find(slug: &str) -> Option<&'static Area> {
    NAV.iter()
        .flat_map(|section| section.areas.iter())
        .find(|area| area.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_and_found() {
        let slugs: Vec<_> = NAV.iter().flat_map(|s| s.areas).map(|a| a.slug).collect();
        let mut sorted = slugs.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), slugs.len());
        for slug in slugs {
            assert_eq!(find(slug).map(|a| a.slug), Some(slug));
        }
        assert!(find("nope").is_none());
        let inside: Vec<_> = GATEWAY_NAV
            .iter()
            .flat_map(|s| s.areas)
            .map(|a| a.slug)
            .collect();
        for slug in inside {
            assert_eq!(find_in_gateway(slug).map(|a| a.slug), Some(slug));
        }
        let titles: Vec<_> = NAV
            .iter()
            .chain(GATEWAY_NAV)
            .flat_map(|s| s.areas)
            .map(|a| a.title)
            .collect();
        assert_eq!(
            titles.iter().filter(|t| **t == "Policies").count(),
            1,
            "only IAM's policies are called Policies: {titles:?}"
        );
    }

    #[test]
    fn a_path_inside_a_gateway_names_it() {
        assert_eq!(gateway_of("/gateways/abc"), Some("abc"));
        assert_eq!(gateway_of("/gateways/abc/apis/x"), Some("abc"));
        assert_eq!(gateway_of("/gateways/new"), None);
        assert_eq!(gateway_of("/gateways"), None);
        assert_eq!(gateway_of("/gateways/"), None);
        assert_eq!(gateway_of("/apis"), None);
    }
}
