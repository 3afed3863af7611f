//! Console pages, one module per area.
pub mod area;
pub mod dashboard;
pub mod not_found;
pub mod signin;
