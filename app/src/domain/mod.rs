//! Plain types and validation shared by the browser and the server. Validation here runs
//! in the form as the user types and again on the server before anything is stored.
pub mod audit;
pub mod iam;
pub mod nav;
pub mod paging;
pub mod policy;
pub mod process;
pub mod signin;

use serde::{Deserialize, Serialize};

/// What the console frame needs to draw itself for the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellInfo {
    pub account: String,
    pub user_name: String,
    pub current_project: ProjectRef,
    pub projects: Vec<ProjectRef>,
}

/// A project as the project switcher shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
}
