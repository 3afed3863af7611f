//! IAM: who may act, and how they prove it — users, user groups and their members,
//! permission policies (IAM's "policies": the system ones and the account's custom ones)
//! and their grants, permanent and temporary access keys (AK/SK), projects, API tokens,
//! console sign-in and sessions, and authorization (`authz`: may this caller perform this
//! action here?).
pub mod access_keys;
pub mod authz;
pub mod passwords;
pub mod permissions;
pub mod projects;
pub mod session;
pub mod signin;
pub mod tokens;
pub mod user_groups;
pub mod users;

use sqlx::postgres::PgQueryResult;

use crate::error::{AppError, Kind};

/// Checks a write that an account-wide name guards (`ON CONFLICT DO NOTHING` on insert,
/// `NOT EXISTS` on update): it wrote nothing when another `kind` of the account, a `what`,
/// has the name `name`.
pub(crate) fn name_was_free(
    written: PgQueryResult,
    kind: Kind,
    what: &str,
    name: &str,
) -> Result<(), AppError> {
    if written.rows_affected() == 0 {
        return Err(AppError::taken(
            kind,
            "name",
            format!("A {what} named {name} already exists."),
        ));
    }
    Ok(())
}
