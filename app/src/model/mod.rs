//! Plain types and validation shared by the browser and the server. Validation here runs
//! in the form as the user types and again on the server before anything is stored.
pub mod address;
pub mod api;
pub mod api_group;
pub mod audit;
pub mod certificate;
pub mod credential;
pub mod gateway;
pub mod iam;
pub mod nav;
pub mod openapi;
pub mod paging;
pub mod permission;
pub mod process;
pub mod runtime;
pub mod signin;

use serde::{Deserialize, Serialize};

use crate::error::{invalid_if, AppError};

/// Refuses `text` when it holds a character `allowed` refuses, naming the first one: "'#' is
/// not allowed in `what`: use `instead`".
pub fn only_chars(
    field: &str,
    text: &str,
    allowed: impl Fn(char) -> bool,
    what: &str,
    instead: &str,
) -> Result<(), AppError> {
    match text.chars().find(|c| !allowed(*c)) {
        Some(bad) => Err(AppError::invalid(
            field,
            format!("'{bad}' is not allowed in {what}: use {instead}"),
        )),
        None => Ok(()),
    }
}

/// How a kind of name is written: how long it is, what it starts with and what it holds.
pub struct Naming {
    /// What the messages call it, after its article: "a group name".
    pub noun: &'static str,
    pub lengths: std::ops::RangeInclusive<usize>,
    pub first: fn(char) -> bool,
    /// What `first` accepts, in words: "a letter or a digit".
    pub first_is: &'static str,
    pub holds: fn(char) -> bool,
    /// What `holds` accepts, in words, as the refusal says it.
    pub holds_are: &'static str,
}

impl Naming {
    /// Refuses `name` for `field` when it breaks the rule, saying which part.
    pub fn check(&self, field: &str, name: &str) -> Result<(), AppError> {
        let mut noun = self.noun.to_owned();
        noun[..1].make_ascii_uppercase();
        let (low, high) = (self.lengths.start(), self.lengths.end());
        let count = name.chars().count();
        let length = format!("{noun} has {low} to {high} characters.");
        invalid_if(!self.lengths.contains(&count), field, length)?;
        let start = format!("{noun} starts with {}.", self.first_is);
        invalid_if(!name.starts_with(self.first), field, start)?;
        only_chars(field, name, self.holds, self.noun, self.holds_are)
    }
}

/// What the console frame needs to draw itself for the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellInfo {
    pub account: String,
    pub user_name: String,
    pub current_project: ProjectRef,
    pub projects: Vec<ProjectRef>,
    /// The IAM actions the user may perform in the current project.
    pub allowed_actions: Vec<String>,
    /// The current project's gateways, for the gateway switcher.
    pub gateways: Vec<GatewayRef>,
}

/// A gateway as the gateway switcher shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayRef {
    pub id: String,
    pub name: String,
}

impl ShellInfo {
    /// Whether the user may perform `action`.
    pub fn can(&self, action: permission::Action) -> bool {
        self.allowed_actions.iter().any(|a| a == action.name())
    }
}

/// A project as the project switcher shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
    pub description: String,
}
