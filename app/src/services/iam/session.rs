//! The signed-in user as stored in the console session.
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::error::AppError;

const USER_KEY: &str = "portico.user";

/// Who is signed in, in which project, since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: String,
    pub user_name: String,
    pub account_id: String,
    pub project_id: String,
    /// Unix seconds of sign-in; the absolute session lifetime counts from here.
    pub signed_in_at: i64,
    /// When the user's password was set, as the session knows it (Unix microseconds): once
    /// the password changes, every other session of the user ends.
    #[serde(default)]
    pub password_set_at: i64,
}

impl SessionUser {
    /// Whether the session has outlived its absolute lifetime.
    pub fn expired(&self, max_age: time::Duration, now: OffsetDateTime) -> bool {
        now.unix_timestamp() - self.signed_in_at >= max_age.whole_seconds()
    }
}

/// A password change time as sessions record it.
pub fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

/// The signed-in user if the session is still good: within its absolute lifetime
/// (`max_age`), for a user who is still enabled and whose password has not changed since.
/// A session that is no longer good is ended.
pub async fn live(
    pool: &PgPool,
    session: &Session,
    max_age: time::Duration,
) -> Result<Option<SessionUser>, AppError> {
    let Some(user) = current(session).await? else {
        return Ok(None);
    };
    let password_set = sqlx::query_scalar!(
        "SELECT password_changed_at FROM users WHERE id = $1 AND enabled",
        user.user_id
    )
    .fetch_optional(pool)
    .await?;
    let good = !user.expired(max_age, OffsetDateTime::now_utc())
        && password_set.is_some_and(|at| micros(at) == user.password_set_at);
    if good {
        Ok(Some(user))
    } else {
        end(session).await?;
        Ok(None)
    }
}

/// The signed-in user, if any.
pub async fn current(session: &Session) -> Result<Option<SessionUser>, AppError> {
    Ok(session.get::<SessionUser>(USER_KEY).await?)
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require(session: &Session) -> Result<SessionUser, AppError> {
    current(session).await?.ok_or(AppError::Unauthenticated)
}

/// Starts a session for `user` under a new session id (no fixation of an old one).
pub async fn start(session: &Session, user: &SessionUser) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(USER_KEY, user).await?;
    Ok(())
}

/// Replaces the stored user (e.g. after switching project).
pub async fn update(session: &Session, user: &SessionUser) -> Result<(), AppError> {
    session.insert(USER_KEY, user).await?;
    Ok(())
}

/// Ends the session: the record is deleted and the cookie cleared.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_lifetime_counts_from_sign_in() {
        let now = OffsetDateTime::now_utc();
        let user = SessionUser {
            user_id: "u".into(),
            user_name: "admin".into(),
            account_id: "a".into(),
            project_id: "p".into(),
            signed_in_at: now.unix_timestamp() - 3600,
            password_set_at: 0,
        };
        assert!(!user.expired(time::Duration::hours(2), now));
        assert!(user.expired(time::Duration::hours(1), now));
    }
}
