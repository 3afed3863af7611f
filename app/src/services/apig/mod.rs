//! APIG: what gateways serve — gateways and their settings, API groups, APIs and their
//! publishing, environments and variables, bound domains and certificates, OpenAPI import
//! and export (with their asynchronous tasks), debugging calls, and the resource limits
//! APIG lists. Credentials (apps), traffic policies and authorizers land here, one module
//! each.
pub mod api_groups;
pub mod apis;
pub mod app_codes;
pub mod authorizations;
pub mod certificates;
pub mod credentials;
pub mod debug;
pub mod domains;
pub mod environments;
pub mod gateways;
pub mod limits;
pub mod openapi;
pub mod tasks;
