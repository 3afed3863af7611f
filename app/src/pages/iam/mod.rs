//! The IAM area: users, user groups, policies, access keys, and the user wizard.
pub mod access_keys;
mod fields;
pub mod permissions;
mod policy_editor;
mod secret;
pub mod user_detail;
pub mod user_group_detail;
mod user_group_members;
mod user_group_permissions;
pub mod user_groups;
mod user_keys;
pub mod users;
pub mod wizard;
mod wizard_done;
mod wizard_steps;
