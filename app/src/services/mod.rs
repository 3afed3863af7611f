//! The service layer (server only), by product area: `iam` (users, user groups,
//! permission policies, access keys, projects, tokens, sign-in) and `apig` (gateways, API
//! groups, APIs and their publishing, environments and variables, domains, certificates,
//! OpenAPI import and export, resource limits), one module per resource; beside them what
//! both share (the audit log, the caller, `change`: the unit of work of every write, the
//! configuration revision, the runtime's configuration, secrets at rest). All SQL is here,
//! as checked `sqlx::query!`. Server functions and the management API both call these
//! functions, so the console and the API can never drift apart.
pub mod apig;
pub mod audit;
pub mod bootstrap;
pub mod caller;
pub mod change;
pub mod dashboard;
pub mod health;
pub mod holding;
pub mod iam;
pub mod ids;
pub mod revision;
pub mod runtime;
pub mod secrets;

use crate::error::{AppError, Kind};

/// Database errors, classified: a unique violation is the name-exists error of what the
/// constraint guards, naming its field (a writer that raced another past its own check); a
/// pool timeout, a lock timeout, a deadlock or a serialization failure is `Unavailable`
/// (503: nothing changed, try again); anything else is `Internal`. The details go to the
/// log, not the user.
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(taken) = error
            .as_database_error()
            .filter(|e| e.is_unique_violation())
            .and_then(|e| e.constraint())
            .and_then(taken)
        {
            return taken;
        }
        tracing::error!(%error, "database error");
        let code = error.as_database_error().and_then(|e| e.code());
        match (&error, code.as_deref()) {
            (sqlx::Error::PoolTimedOut, _) => {
                AppError::Unavailable("no database connection was free in time".to_owned())
            }
            // lock_not_available, deadlock_detected, serialization_failure, query_canceled
            // (a statement or lock timeout).
            (_, Some("55P03" | "40P01" | "40001" | "57014")) => {
                AppError::Unavailable("the data is locked by another change".to_owned())
            }
            (sqlx::Error::Io(_) | sqlx::Error::PoolClosed, _) => {
                AppError::Internal("the database is not reachable".to_owned())
            }
            _ => AppError::Internal("a database error occurred".to_owned()),
        }
    }
}

/// The unique constraints that guard names: the constraint, what it guards, the field it
/// names, and the start of the message. (Renamed tables keep their constraints' names
/// until the contract step of the rename: `custom_policies_…` guards
/// `permission_policies`, `group_domains_…` guards `api_group_domains`.)
pub const UNIQUE_NAMES: [(&str, Kind, &str, &str); 16] = [
    (
        "users_account_id_name_key",
        Kind::User,
        "name",
        "A user with this name",
    ),
    (
        "user_groups_account_id_name_key",
        Kind::UserGroup,
        "name",
        "A user group with this name",
    ),
    (
        "custom_policies_account_id_name_key",
        Kind::Policy,
        "name",
        "A policy with this name",
    ),
    (
        "projects_account_id_name_key",
        Kind::Project,
        "name",
        "A project with this name",
    ),
    (
        "gateways_project_id_name_key",
        Kind::Gateway,
        "instance_name",
        "A gateway with this name in this project",
    ),
    (
        "api_groups_name",
        Kind::ApiGroup,
        "name",
        "An API group with this name in this gateway",
    ),
    (
        "environments_gateway_id_name_key",
        Kind::Environment,
        "name",
        "An environment with this name in this gateway",
    ),
    (
        "env_variables_group_id_env_id_name_key",
        Kind::Variable,
        "variable_name",
        "A variable with this name in this group and environment",
    ),
    (
        "apis_name",
        Kind::Api,
        "name",
        "An API with this name in this group",
    ),
    (
        "apis_route",
        Kind::Route,
        "req_uri",
        "An API of this group with this method and path",
    ),
    (
        "certificates_name",
        Kind::Certificate,
        "name",
        "A certificate with this name",
    ),
    (
        "group_domains_domain_key",
        Kind::Domain,
        "url_domain",
        "A binding of this domain",
    ),
    (
        "credentials_name",
        Kind::Credential,
        "name",
        "A credential with this name in this gateway",
    ),
    (
        "credentials_app_key_key",
        Kind::Credential,
        "app_key",
        "A credential with this key",
    ),
    (
        "app_codes_code_digest_key",
        Kind::AppCode,
        "app_code",
        "This AppCode",
    ),
    (
        "gateway_ingress_ports_port_key",
        Kind::IngressPort,
        "ingress_port",
        "A gateway listening on this port",
    ),
];

/// The name-exists error of a unique constraint in `UNIQUE_NAMES`.
fn taken(constraint: &str) -> Option<AppError> {
    UNIQUE_NAMES
        .iter()
        .find(|(name, ..)| *name == constraint)
        .map(|(_, kind, field, what)| {
            AppError::taken(*kind, field, format!("{what} already exists."))
        })
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        tracing::error!(%error, "session store error");
        AppError::Internal("the session could not be read or saved".to_owned())
    }
}

/// The schema migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");
