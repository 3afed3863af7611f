//! Console sign-in: password check with a temporary lock after repeated failures.
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::{invalid_if, AppError};
use crate::services::caller::{Channel, Cx};
use crate::services::iam::passwords;
use crate::services::iam::session::SessionUser;

/// Wrong passwords in a row that lock a user.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lock lasts.
pub const LOCK_DURATION: time::Duration = time::Duration::minutes(15);

/// Checks a user name and password. On success returns the session to start, in the
/// account's `default` project; on failure counts the attempt and locks the user after
/// `MAX_FAILED_LOGINS` wrong passwords in a row ([`attempt`]).
pub async fn sign_in(
    pool: &PgPool,
    user_name: &str,
    password: &str,
    channel: Channel,
) -> Result<SessionUser, AppError> {
    crate::model::signin::validate(user_name, password)?;
    let user_name = user_name.trim();
    let user = sqlx::query!(
        r#"SELECT u.id, u.account_id, u.name, u.enabled, u.password_hash, u.access_mode,
                  u.password_changed_at, p.id AS "project_id?"
             FROM users u
             LEFT JOIN projects p ON p.account_id = u.account_id AND p.name = 'default'
            WHERE u.name = $1"#,
        user_name
    )
    .fetch_optional(pool)
    .await?;

    let now = OffsetDateTime::now_utc();
    let Some(user) = user else {
        // A wrong user name takes as long as a wrong password.
        passwords::verify(None, password.to_owned()).await?;
        return Err(AppError::InvalidCredentials);
    };
    if !attempt(pool, &user.id, user.password_hash, password).await? {
        return Err(AppError::InvalidCredentials);
    }
    invalid_if(
        !user.enabled,
        "user_name",
        "This user is disabled. Ask an administrator to enable it.",
    )?;
    match (channel, user.access_mode.as_str()) {
        (Channel::Console, "programmatic") => {
            return Err(AppError::invalid(
                "user_name",
                "This user has programmatic access only: it calls the API and cannot sign in to the console.",
            ))
        }
        (Channel::Api, "console") => {
            return Err(AppError::invalid(
                "user_name",
                "This user has console access only and cannot get API tokens.",
            ))
        }
        _ => {}
    }
    let Some(project_id) = user.project_id else {
        return Err(AppError::Internal(
            "the account has no default project".to_owned(),
        ));
    };
    sqlx::query!(
        "UPDATE users SET last_login_at = now() WHERE id = $1",
        user.id
    )
    .execute(pool)
    .await?;
    Ok(SessionUser {
        user_id: user.id,
        user_name: user.name,
        account_id: user.account_id,
        project_id,
        signed_in_at: now.unix_timestamp(),
        password_set_at: crate::services::iam::session::micros(user.password_changed_at),
    })
}

/// The audit log's action of a console sign-in, failed or not.
pub const SIGN_IN: &str = "console:signIn";
/// The audit log's action of a console sign-out.
pub const SIGN_OUT: &str = "console:signOut";

/// Records a console sign-in in the audit log of the user's account: a success, or a
/// failure with its reason. An attempt for a user name that exists nowhere has no account
/// to be recorded in, and is not.
pub async fn record_sign_in(
    pool: &PgPool,
    user_name: &str,
    source_ip: &str,
    outcome: Result<&SessionUser, &AppError>,
) -> Result<(), AppError> {
    use crate::model::audit::AuditResult;
    use crate::services::audit::{self, Target};
    use crate::services::caller::Caller;
    let (user_id, account_id, project_id, name) = match outcome {
        Ok(user) => (
            user.user_id.clone(),
            user.account_id.clone(),
            user.project_id.clone(),
            user.user_name.clone(),
        ),
        Err(_) => {
            let found = sqlx::query!(
                r#"SELECT u.id, u.account_id, u.name, p.id AS "project_id?"
                     FROM users u
                     LEFT JOIN projects p ON p.account_id = u.account_id AND p.name = 'default'
                    WHERE u.name = $1"#,
                user_name.trim()
            )
            .fetch_optional(pool)
            .await?;
            match found {
                Some(u) => (u.id, u.account_id, u.project_id.unwrap_or_default(), u.name),
                None => return Ok(()),
            }
        }
    };
    let caller = Caller {
        user_id: user_id.clone(),
        user_name: name.clone(),
        account_id,
        project_id,
        channel: Channel::Console,
        source_ip: source_ip.to_owned(),
        bound_to: None,
    };
    let (result, detail) = match outcome {
        Ok(_) => (AuditResult::Success, String::new()),
        Err(error) => (AuditResult::Failed, error.to_string()),
    };
    let target = Target {
        kind: "user",
        id: &user_id,
        name: &name,
    };
    audit::record(pool, &caller, SIGN_IN, target, result, &detail).await
}

/// Records a console sign-out in the audit log.
pub async fn record_sign_out(cx: Cx<'_>) -> Result<(), AppError> {
    use crate::services::audit::{self, Target};
    let target = Target {
        kind: "user",
        id: &cx.caller.user_id,
        name: &cx.caller.user_name,
    };
    audit::record(
        cx.pool,
        cx.caller,
        SIGN_OUT,
        target,
        crate::model::audit::AuditResult::Success,
        "",
    )
    .await
}

/// Checks `password` against the user's `hash` under the sign-in lockout, which console
/// sign-in, API tokens and password changes share. The attempt is counted before the slow
/// argon2 check and only taken back when the password is right, so parallel guesses cannot
/// outrun the lock: once `MAX_FAILED_LOGINS` attempts are counted, the rest are refused
/// without a check. `Ok(false)` is a wrong password (counted); a locked user gets
/// `Locked`.
pub async fn attempt(
    pool: &PgPool,
    user_id: &str,
    hash: String,
    password: &str,
) -> Result<bool, AppError> {
    let counted = sqlx::query_scalar!(
        r#"UPDATE users
              SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                  locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(secs => $3)
                                      ELSE NULL END
            WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
        RETURNING locked_until"#,
        user_id,
        MAX_FAILED_LOGINS,
        LOCK_DURATION.as_seconds_f64()
    )
    .fetch_optional(pool)
    .await?;
    let Some(locks) = counted else {
        let until = sqlx::query_scalar!("SELECT locked_until FROM users WHERE id = $1", user_id)
            .fetch_one(pool)
            .await?;
        return Err(locked(until.unwrap_or_else(OffsetDateTime::now_utc)));
    };
    if passwords::verify(Some(hash), password.to_owned()).await? {
        sqlx::query!(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            user_id
        )
        .execute(pool)
        .await?;
        return Ok(true);
    }
    match locks {
        Some(until) => Err(locked(until)),
        None => Ok(false),
    }
}

fn locked(until: OffsetDateTime) -> AppError {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    AppError::Locked {
        until: until.format(format).unwrap_or_else(|_| until.to_string()),
    }
}
