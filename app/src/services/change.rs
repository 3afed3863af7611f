//! One unit of work for every write. A `Change` opens the transaction; where counts are
//! limited, it takes the row lock of what holds them (a gateway, an API group, a user, a
//! project), so two writers cannot both pass a limit; it ends with `commit`, which bumps
//! the configuration revision when the change is one the gateway runtime serves, writes the
//! audit record and commits — all or nothing. A change dropped before its commit (an error
//! on the way) rolls back and leaves no record.
use std::ops::{Deref, DerefMut};

use sqlx::{PgConnection, Postgres, Transaction};

use crate::error::AppError;
use crate::model::audit::AuditResult;
use crate::model::permission::actions::Action;
use crate::services::audit::{self, Target};
use crate::services::caller::{Caller, Cx};
use crate::services::revision;

/// A table a change locks a row of (what holds counted things: a gateway its API groups, a
/// user its access keys) or deletes a row from, by the row's key.
#[derive(Debug, Clone, Copy)]
pub enum Table {
    AccessKeys,
    ApiGroupDomains,
    ApiGroups,
    ApiVersions,
    Apis,
    Certificates,
    Credentials,
    EnvVariables,
    Gateways,
    PermissionPolicies,
    Projects,
    UserGroups,
    Users,
}

impl Table {
    /// The table's name and its key column.
    fn name_and_key(self) -> (&'static str, &'static str) {
        match self {
            Table::AccessKeys => ("access_keys", "access_key"),
            Table::ApiGroupDomains => ("api_group_domains", "id"),
            Table::ApiGroups => ("api_groups", "id"),
            Table::ApiVersions => ("api_versions", "id"),
            Table::Apis => ("apis", "id"),
            Table::Certificates => ("certificates", "id"),
            Table::Credentials => ("credentials", "id"),
            Table::EnvVariables => ("env_variables", "id"),
            Table::Gateways => ("gateways", "id"),
            Table::PermissionPolicies => ("permission_policies", "id"),
            Table::Projects => ("projects", "id"),
            Table::UserGroups => ("user_groups", "id"),
            Table::Users => ("users", "id"),
        }
    }
}

pub struct Change<'a> {
    tx: Transaction<'static, Postgres>,
    caller: &'a Caller,
    /// Whether the gateway runtime serves what this changes (its commit bumps the revision).
    served: bool,
    /// How many audit records the change holds (a batch where nothing changed bumps no
    /// revision).
    recorded: usize,
    /// `recorded` at the last savepoint.
    recorded_at_savepoint: usize,
}

impl<'a> Change<'a> {
    /// A change to what the gateway runtime serves: gateways, API groups, APIs and their
    /// publications, environments, variables, domains, certificates.
    pub async fn served(cx: Cx<'a>) -> Result<Self, AppError> {
        Ok(Change {
            tx: cx.pool.begin().await?,
            caller: cx.caller,
            served: true,
            recorded: 0,
            recorded_at_savepoint: 0,
        })
    }

    /// A change the runtime does not read: users, user groups, permissions, access keys,
    /// projects, an API's draft, a gateway's tags.
    pub async fn begin(cx: Cx<'a>) -> Result<Self, AppError> {
        Ok(Change {
            tx: cx.pool.begin().await?,
            caller: cx.caller,
            served: false,
            recorded: 0,
            recorded_at_savepoint: 0,
        })
    }

    /// Holds the row `key` of `table` until the commit: what it counts stays counted.
    pub async fn lock(&mut self, table: Table, key: &str) -> Result<(), AppError> {
        let (name, column) = table.name_and_key();
        let statement = format!("SELECT 1 FROM {name} WHERE {column} = $1 FOR UPDATE");
        sqlx::query(&statement)
            .bind(key)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Deletes the row `key` of `table`; what refers to it goes with it, by its foreign
    /// keys.
    pub async fn delete(&mut self, table: Table, key: &str) -> Result<(), AppError> {
        let (name, column) = table.name_and_key();
        let statement = format!("DELETE FROM {name} WHERE {column} = $1");
        sqlx::query(&statement)
            .bind(key)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Records the caller's successful `action` on `target`, with `detail`, in the change
    /// (a batch records one per thing it changed).
    pub async fn record(
        &mut self,
        action: Action,
        target: Target<'_>,
        detail: &str,
    ) -> Result<(), AppError> {
        self.record_event(action.name(), target, detail).await
    }

    /// Records the caller's successful `action` on the thing `id` named `name`, of the kind
    /// the action acts on.
    pub async fn record_on(
        &mut self,
        action: Action,
        id: &str,
        name: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        let target = Target {
            kind: action.target_kind(),
            id,
            name,
        };
        self.record(action, target, detail).await
    }

    /// Records an event that is no catalogue action (a user changing their own password,
    /// which needs no permission) under its audit name.
    pub async fn record_event(
        &mut self,
        event: &'static str,
        target: Target<'_>,
        detail: &str,
    ) -> Result<(), AppError> {
        audit::record(
            &mut *self.tx,
            self.caller,
            event,
            target,
            AuditResult::Success,
            detail,
        )
        .await?;
        self.recorded += 1;
        Ok(())
    }

    /// Marks where one item of a batch begins, to undo that item alone with `settle`.
    pub async fn savepoint(&mut self) -> Result<(), AppError> {
        self.recorded_at_savepoint = self.recorded;
        sqlx::query("SAVEPOINT batch_item")
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Ends the item begun at the last `savepoint`: kept when it was written, undone (with
    /// its audit record) when it failed.
    pub async fn settle(&mut self, written: bool) -> Result<(), AppError> {
        let statement = match written {
            true => "RELEASE SAVEPOINT batch_item",
            false => {
                self.recorded = self.recorded_at_savepoint;
                "ROLLBACK TO SAVEPOINT batch_item"
            }
        };
        sqlx::query(statement).execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Commits what was recorded: the revision bumped once when a served change changed
    /// anything, and the transaction committed.
    pub async fn finish(mut self) -> Result<(), AppError> {
        if self.served && self.recorded > 0 {
            revision::bump(&mut self.tx).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    /// Finishes a change of one thing: the caller's successful `action` on `target`
    /// recorded with `detail`, the revision bumped (for a served change), and the
    /// transaction committed.
    pub async fn commit(
        mut self,
        action: Action,
        target: Target<'_>,
        detail: &str,
    ) -> Result<(), AppError> {
        self.record(action, target, detail).await?;
        self.finish().await
    }

    /// Like [`commit`](Self::commit), for the thing `id` named `name`, of the kind the
    /// action acts on.
    pub async fn commit_on(
        mut self,
        action: Action,
        id: &str,
        name: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        self.record_on(action, id, name, detail).await?;
        self.finish().await
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
