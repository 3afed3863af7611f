//! The service layer (server only): one module per resource, all SQL as checked
//! `sqlx::query!`. Server functions and the management API both call these functions, so
//! the console and the API can never drift apart.
pub mod access_keys;
pub mod api_groups;
pub mod apis;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod bootstrap;
pub mod caller;
pub mod certificates;
pub mod dashboard;
pub mod debug;
pub mod domains;
pub mod environments;
pub mod gateways;
pub mod groups;
pub mod health;
pub mod ids;
pub mod openapi;
pub mod passwords;
pub mod policies;
pub mod projects;
pub mod quotas;
pub mod revision;
pub mod runtime;
pub mod secrets;
pub mod session;
pub mod tasks;
pub mod tokens;
pub mod users;

use crate::error::AppError;

/// Database errors become `AppError::Internal`; the details go to the log, not the user.
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                AppError::Internal("the database is not reachable".to_owned())
            }
            _ => AppError::Internal("a database error occurred".to_owned()),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        tracing::error!(%error, "session store error");
        AppError::Internal("the session could not be read or saved".to_owned())
    }
}

/// The schema migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");
