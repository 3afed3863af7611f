//! One unit of work for every write. A `Change` opens the transaction; where counts are
//! limited, it takes the row lock of what holds them (a gateway, an API group, a user, a
//! project), so two writers cannot both pass a limit; it ends with `commit`, which bumps
//! the configuration revision when the change is one the gateway runtime serves, writes the
//! audit record and commits — all or nothing. A change dropped before its commit (an error
//! on the way) rolls back and leaves no record.
use std::ops::{Deref, DerefMut};

use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use crate::error::AppError;
use crate::model::audit::AuditResult;
use crate::services::audit::{self, Target};
use crate::services::caller::Caller;
use crate::services::revision;

pub struct Change<'a> {
    tx: Transaction<'static, Postgres>,
    caller: &'a Caller,
    /// Whether the gateway runtime serves what this changes (its commit bumps the revision).
    served: bool,
}

impl<'a> Change<'a> {
    /// A change to what the gateway runtime serves: gateways, API groups, APIs and their
    /// publications, environments, variables, domains, certificates.
    pub async fn served(pool: &PgPool, caller: &'a Caller) -> Result<Self, AppError> {
        Ok(Change {
            tx: pool.begin().await?,
            caller,
            served: true,
        })
    }

    /// A change the runtime does not read: users, user groups, permissions, access keys,
    /// projects, an API's draft, a gateway's tags.
    pub async fn begin(pool: &PgPool, caller: &'a Caller) -> Result<Self, AppError> {
        Ok(Change {
            tx: pool.begin().await?,
            caller,
            served: false,
        })
    }

    /// Holds the gateway's row until the commit: what counts per gateway stays counted.
    pub async fn lock_gateway(&mut self, id: &str) -> Result<(), AppError> {
        sqlx::query!("SELECT id FROM gateways WHERE id = $1 FOR UPDATE", id)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Holds the API group's row until the commit.
    pub async fn lock_api_group(&mut self, id: &str) -> Result<(), AppError> {
        sqlx::query!("SELECT id FROM api_groups WHERE id = $1 FOR UPDATE", id)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Holds the user's row until the commit.
    pub async fn lock_user(&mut self, id: &str) -> Result<(), AppError> {
        sqlx::query!("SELECT id FROM users WHERE id = $1 FOR UPDATE", id)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Holds the project's row until the commit.
    pub async fn lock_project(&mut self, id: &str) -> Result<(), AppError> {
        sqlx::query!("SELECT id FROM projects WHERE id = $1 FOR UPDATE", id)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Finishes the change: the revision bumped (for a served change), the caller's
    /// successful `action` on `target` recorded with `detail`, and the transaction
    /// committed.
    pub async fn commit(
        mut self,
        action: &str,
        target: Target<'_>,
        detail: &str,
    ) -> Result<(), AppError> {
        if self.served {
            revision::bump(&mut self.tx).await?;
        }
        audit::record(
            &mut *self.tx,
            self.caller,
            action,
            target,
            AuditResult::Success,
            detail,
        )
        .await?;
        self.tx.commit().await?;
        Ok(())
    }
}

impl Deref for Change<'_> {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for Change<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}
