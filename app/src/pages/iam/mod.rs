//! The IAM area: users, user groups, policies, access keys, and the user wizard.
pub mod access_keys;
pub mod group_detail;
pub mod groups;
pub mod policies;
pub mod user_detail;
pub mod users;
pub mod wizard;
