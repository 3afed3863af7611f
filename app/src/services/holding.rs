//! What an owner holds by name: API groups and environments in a gateway, gateways and
//! certificates in a project. Each kind has a name unique within its owner (in any case)
//! and, for most, a limit on how many the owner holds; writers check both inside their
//! `Change`, after taking the owner's row lock, so two writers cannot both pass.
use sqlx::PgConnection;

use crate::error::{AppError, Kind};
use crate::model::permission::Action;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::ids;

/// One kind of thing an owner holds: its table, the owner's column, and how a refusal
/// names it.
pub struct Holding {
    pub table: &'static str,
    pub owner: &'static str,
    pub kind: Kind,
    /// The field a name clash is reported on.
    pub field: &'static str,
    /// The refusal of a name that is taken, `{name}` standing for it ("An API group named
    /// {name} already exists in this gateway.").
    pub taken: &'static str,
    /// The most one owner holds, and the refusal of one more, `{owner}` standing for the
    /// owner's name and `{max}` for the most ("Gateway {owner} already has {max} API
    /// groups, the most it can hold.").
    pub limit: Option<(i64, &'static str)>,
}

impl Holding {
    /// Refuses `name` when another of the owner's things (not `except`) has it.
    pub async fn name_free(
        &self,
        conn: &mut PgConnection,
        owner_id: &str,
        name: &str,
        except: &str,
    ) -> Result<(), AppError> {
        // The table and column are this module's constants, never input.
        let query = format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE {} = $1 AND lower(name) = lower($2) AND id <> $3)",
            self.table, self.owner
        );
        let taken: bool = sqlx::query_scalar(&query)
            .bind(owner_id)
            .bind(name)
            .bind(except)
            .fetch_one(&mut *conn)
            .await?;
        if taken {
            let message = self.taken.replace("{name}", name);
            return Err(AppError::taken(self.kind, self.field, message));
        }
        Ok(())
    }

    /// Admits one more named `name`: refused when the owner (`owner_name` in the message)
    /// already holds its limit, or has one by that name.
    pub async fn admit(
        &self,
        conn: &mut PgConnection,
        owner_id: &str,
        owner_name: &str,
        name: &str,
    ) -> Result<(), AppError> {
        if let Some((max, full)) = self.limit {
            let query = format!(
                "SELECT count(*) FROM {} WHERE {} = $1",
                self.table, self.owner
            );
            let held: i64 = sqlx::query_scalar(&query)
                .bind(owner_id)
                .fetch_one(&mut *conn)
                .await?;
            if held >= max {
                let message = full
                    .replace("{owner}", owner_name)
                    .replace("{max}", &max.to_string());
                return Err(AppError::conflict(None, message));
            }
        }
        self.name_free(conn, owner_id, name, "").await
    }

    /// The change that adds one named `name` to the gateway `gateway_id` named
    /// `gateway_name`, under the gateway's lock, once the limit and the name admit it.
    pub async fn admitted_in_gateway<'a>(
        &self,
        cx: Cx<'a>,
        (gateway_id, gateway_name): (&str, &str),
        name: &str,
    ) -> Result<Change<'a>, AppError> {
        let mut change = Change::served(cx).await?;
        change.lock(Table::Gateways, gateway_id).await?;
        self.admit(&mut change, gateway_id, gateway_name, name)
            .await?;
        Ok(change)
    }

    /// Creates one named `name` with `remark` in the gateway `gateway_id` named
    /// `gateway_name` (API groups and environments: `id, gateway_id, name, remark`),
    /// admitted under the gateway's lock and recorded as `action`; returns its id.
    pub async fn create_in_gateway(
        &self,
        cx: Cx<'_>,
        (gateway_id, gateway_name): (&str, &str),
        (name, remark): (&str, &str),
        action: Action,
    ) -> Result<String, AppError> {
        let gateway = (gateway_id, gateway_name);
        let mut change = self.admitted_in_gateway(cx, gateway, name).await?;
        let id = ids::new_id();
        let insert = format!(
            "INSERT INTO {} (id, gateway_id, name, remark) VALUES ($1, $2, $3, $4)",
            self.table
        );
        sqlx::query(&insert)
            .bind(&id)
            .bind(gateway_id)
            .bind(name)
            .bind(remark)
            .execute(&mut *change)
            .await?;
        let detail = format!("in gateway {gateway_name}");
        change.commit_on(action, &id, name, &detail).await?;
        Ok(id)
    }
}
