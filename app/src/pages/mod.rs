//! Console pages, one module per area.
pub mod account;
pub mod area;
pub mod audit;
pub mod dashboard;
pub mod gateways;
pub mod iam;
pub mod not_found;
pub mod signin;
