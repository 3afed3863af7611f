//! IAM policies for the management API: the policy language, the catalogue of actions it
//! can name, the system policies, and the evaluation that decides what a user may do.
//!
//! Rules:
//! - A policy is IAM's JSON document, version `1.1`: statements with an `Effect` (`Allow` or
//!   `Deny`) and a list of `Action` patterns `service:resource:verb`.
//! - `*` matches any run of characters within one part of an action, never across `:`.
//!   The service part ignores case; resource and verb are case-sensitive.
//! - A policy may only name the `apig` and `iam` services, and every action pattern must
//!   match at least one action of [`actions::ACTIONS`]; [`parse`] refuses anything else
//!   and says where, so the console's JSON editor can mark the spot.
//! - An explicit Deny wins over any Allow; without a matching Allow the answer is no.
//! - Grants are per project or in all projects; `iam:` actions come only from grants in all
//!   projects, and a grant never hands over more than the granter holds ([`grant`]).
//!   A statement's `Resource` (`apig:*:*:instance:<gateway id>`)
//!   limits it to the gateways it names; `Condition` is stored but not evaluated.
//! - Plain data and pure functions only: this module runs in the browser and on the server.
pub mod actions;
pub mod document;
pub mod evaluate;
pub mod grant;
mod locate;
#[cfg(test)]
mod properties;
pub mod system;

pub use actions::{is_known, Action, ACTIONS};
pub use document::{parse, Effect, PermissionDocument, PermissionDocumentError, Statement};
pub use evaluate::{evaluate, evaluate_in, pattern_matches, resource_matches, Decision, Scope};
pub use system::{system_policy, PermissionPolicyKind, SystemPermissionPolicy, SYSTEM_POLICIES};
