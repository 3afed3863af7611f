//! The `portico` server: configuration, the embedded database, the console listener and
//! the gateway listener, assembled by `Application`.
#![forbid(unsafe_code)]

pub mod application;
pub mod config;
pub mod console;
pub mod database;
pub mod gateway;
pub mod listen;
pub mod mgmt;
pub mod postgres;
pub mod signature;
pub mod telemetry;
