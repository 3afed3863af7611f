//! Credentials of a gateway (APIG's apps): a key, unique across Portico and fixed for the
//! credential's life, and a secret sealed under the master key, which a reset replaces at
//! once. Every change runs in one transaction with its audit record and a configuration
//! revision bump, since the gateway authenticates callers with them.
use time::OffsetDateTime;

use crate::error::{AppError, Kind};
use crate::model::address::parse_list;
use crate::model::api_group::validate_remark;
use crate::model::credential::{
    validate_name, validate_secret, Credential, CredentialAcl, NewCredential, FROZEN,
    MAX_CREDENTIALS, MAX_REMARK, VALID,
};
use crate::model::paging::Page;
use crate::model::permission::actions::apig as act;
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::holding::Holding;
use crate::services::secrets::MasterKey;
use crate::services::{apig::gateways, ids};

/// A gateway's credentials, named uniquely within it.
const CREDENTIALS: Holding = Holding {
    table: "credentials",
    owner: "gateway_id",
    kind: Kind::Credential,
    field: "name",
    taken: "A credential named {name} already exists in this gateway.",
    limit: Some((
        MAX_CREDENTIALS,
        "Gateway {owner} already has {max} credentials, the most it can hold.",
    )),
};

/// Filters of the credential list; `exact` matches `name` whole instead of in part.
#[derive(Debug, Default)]
pub struct CredentialFilter<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub app_key: Option<&'a str>,
    /// Valid (1) or frozen (2).
    pub status: Option<i16>,
    pub exact: bool,
}

/// 32 hexadecimal digits from the system's random source: a generated key or secret.
fn generated() -> String {
    ids::new_id()
}

/// A `credentials` row as stored, its secret still sealed.
struct Row {
    id: String,
    name: String,
    remark: String,
    app_key: String,
    secret_sealed: Vec<u8>,
    status: i16,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    authorized_apis: i64,
}

impl Row {
    fn open(self, master: &MasterKey) -> Result<Credential, AppError> {
        let secret = master.open(&self.secret_sealed)?;
        Ok(Credential {
            id: self.id,
            name: self.name,
            remark: self.remark,
            app_key: self.app_key,
            app_secret: String::from_utf8_lossy(&secret).into_owned(),
            status: self.status,
            authorized_apis: self.authorized_apis,
            created_at: format_time(self.created_at),
            updated_at: format_time(self.updated_at),
        })
    }
}

pub async fn create(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    new: &NewCredential,
) -> Result<Credential, AppError> {
    let gateway = gateways::get(cx, gateway_id).await?;
    new.validate()?;
    let mut change = CREDENTIALS
        .admitted_in_gateway(cx, (gateway_id, &gateway.name), &new.name)
        .await?;
    let id = ids::new_id();
    let key = new.app_key.clone().unwrap_or_else(generated);
    let secret = new.app_secret.clone().unwrap_or_else(generated);
    sqlx::query!(
        "INSERT INTO credentials (id, gateway_id, name, remark, app_key, secret_sealed)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        gateway_id,
        new.name,
        new.remark,
        key,
        master.seal(secret.as_bytes())?
    )
    .execute(&mut *change)
    .await?;
    let detail = format!("in gateway {}", gateway.name);
    change
        .commit_on(act::apps::create, &id, &new.name, &detail)
        .await?;
    get(cx, master, gateway_id, &id).await
}

/// A gateway's credentials, oldest first, with the total that match.
pub async fn list(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    filter: &CredentialFilter<'_>,
    page: Page,
) -> Result<(i64, Vec<Credential>), AppError> {
    gateways::get(cx, gateway_id).await?;
    let (id, key) = (filter.id.filter(|s| !s.is_empty()), filter.app_key);
    let name = filter.name.filter(|n| !n.is_empty());
    let pattern = name.map(|n| format!("%{}%", n.replace('%', "\\%").replace('_', "\\_")));
    let name = if filter.exact { name } else { None };
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM credentials
            WHERE gateway_id = $1 AND ($2::text IS NULL OR id = $2) AND ($3::text IS NULL OR app_key = $3)
              AND ($4::text IS NULL OR name = $4) AND ($5::text IS NULL OR $4::text IS NOT NULL OR name ILIKE $5)
              AND ($6::smallint IS NULL OR status = $6)"#,
        gateway_id,
        id,
        key,
        name,
        pattern,
        filter.status
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT id, name, remark, app_key, secret_sealed, status, created_at, updated_at,
                (SELECT count(DISTINCT api_id) FROM app_auths WHERE credential_id = credentials.id) AS "authorized_apis!"
           FROM credentials
            WHERE gateway_id = $1 AND ($2::text IS NULL OR id = $2) AND ($3::text IS NULL OR app_key = $3)
              AND ($4::text IS NULL OR name = $4) AND ($5::text IS NULL OR $4::text IS NOT NULL OR name ILIKE $5)
              AND ($6::smallint IS NULL OR status = $6)
            ORDER BY created_at, id OFFSET $7 LIMIT $8"#,
        gateway_id,
        id,
        key,
        name,
        pattern,
        filter.status,
        page.offset,
        page.limit
    )
    .fetch_all(cx.pool)
    .await?;
    let credentials = rows
        .into_iter()
        .map(|row| row.open(master))
        .collect::<Result<_, _>>()?;
    Ok((total, credentials))
}

pub async fn get(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
) -> Result<Credential, AppError> {
    gateways::get(cx, gateway_id).await?;
    sqlx::query_as!(
        Row,
        r#"SELECT id, name, remark, app_key, secret_sealed, status, created_at, updated_at,
                (SELECT count(DISTINCT api_id) FROM app_auths WHERE credential_id = credentials.id) AS "authorized_apis!"
           FROM credentials
          WHERE gateway_id = $1 AND id = $2"#,
        gateway_id,
        id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Credential, format!("Credential {id}")))?
    .open(master)
}

/// Renames a credential or changes its description (`None` keeps it). Its key stays.
pub async fn update(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
    name: &str,
    remark: Option<&str>,
) -> Result<Credential, AppError> {
    get(cx, master, gateway_id, id).await?;
    validate_name("name", name)?;
    if let Some(remark) = remark {
        validate_remark("remark", remark, MAX_REMARK)?;
    }
    let mut change = Change::served(cx).await?;
    CREDENTIALS
        .name_free(&mut change, gateway_id, name, id)
        .await?;
    sqlx::query!(
        "UPDATE credentials SET name = $3, remark = coalesce($4, remark), updated_at = now()
          WHERE gateway_id = $1 AND id = $2",
        gateway_id,
        id,
        name,
        remark
    )
    .execute(&mut *change)
    .await?;
    change.commit_on(act::apps::update, id, name, "").await?;
    get(cx, master, gateway_id, id).await
}

/// Replaces the secret with `secret` (generated when `None`); the old one stops working
/// with the next configuration the gateway loads.
pub async fn reset_secret(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
    secret: Option<&str>,
) -> Result<Credential, AppError> {
    let current = get(cx, master, gateway_id, id).await?;
    if let Some(secret) = secret {
        validate_secret("app_secret", secret)?;
    }
    let secret = secret.map_or_else(generated, str::to_owned);
    let mut change = Change::served(cx).await?;
    sqlx::query!(
        "UPDATE credentials SET secret_sealed = $3, updated_at = now() WHERE gateway_id = $1 AND id = $2",
        gateway_id,
        id,
        master.seal(secret.as_bytes())?
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(act::apps::update, id, &current.name, "reset its secret")
        .await?;
    get(cx, master, gateway_id, id).await
}

/// Freezes a credential (`frozen`), refusing its calls with APIG.0502, or makes it valid
/// again.
pub async fn set_frozen(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
    frozen: bool,
) -> Result<Credential, AppError> {
    let current = get(cx, master, gateway_id, id).await?;
    let status = if frozen { FROZEN } else { VALID };
    if current.status == status {
        return Ok(current);
    }
    let mut change = Change::served(cx).await?;
    sqlx::query!(
        "UPDATE credentials SET status = $3, updated_at = now() WHERE gateway_id = $1 AND id = $2",
        gateway_id,
        id,
        status
    )
    .execute(&mut *change)
    .await?;
    let detail = if frozen { "froze it" } else { "unfroze it" };
    change
        .commit_on(act::apps::update, id, &current.name, detail)
        .await?;
    get(cx, master, gateway_id, id).await
}

/// The credential's access control, if it has one.
pub async fn acl(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
) -> Result<Option<CredentialAcl>, AppError> {
    get(cx, master, gateway_id, id).await?;
    let row = sqlx::query!(
        "SELECT acl_type, acl_values FROM credential_acls WHERE credential_id = $1",
        id
    )
    .fetch_optional(cx.pool)
    .await?;
    Ok(row.map(|row| CredentialAcl {
        credential_id: id.to_owned(),
        permit: row.acl_type == "PERMIT",
        values: row.acl_values,
    }))
}

/// Sets the credential's access control: `values` (each checked) permitted or denied.
pub async fn set_acl(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
    (permit, values): (bool, &[String]),
) -> Result<CredentialAcl, AppError> {
    let current = get(cx, master, gateway_id, id).await?;
    parse_list("app_acl_values", values)?;
    let values: Vec<String> = values.iter().map(|v| v.trim().to_owned()).collect();
    let acl = CredentialAcl {
        credential_id: id.to_owned(),
        permit,
        values,
    };
    let mut change = Change::served(cx).await?;
    sqlx::query!(
        "INSERT INTO credential_acls (credential_id, acl_type, acl_values) VALUES ($1, $2, $3)
         ON CONFLICT (credential_id) DO UPDATE SET acl_type = $2, acl_values = $3, updated_at = now()",
        id,
        acl.kind(),
        &acl.values
    )
    .execute(&mut *change)
    .await?;
    let detail = format!(
        "{} {} addresses",
        acl.kind().to_lowercase(),
        acl.values.len()
    );
    change
        .commit_on(act::apps::update, id, &current.name, &detail)
        .await?;
    Ok(acl)
}

/// Removes the credential's access control: its calls may come from anywhere.
pub async fn remove_acl(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
) -> Result<(), AppError> {
    let current = get(cx, master, gateway_id, id).await?;
    let mut change = Change::served(cx).await?;
    sqlx::query!("DELETE FROM credential_acls WHERE credential_id = $1", id)
        .execute(&mut *change)
        .await?;
    change
        .commit_on(
            act::apps::update,
            id,
            &current.name,
            "removed its access control",
        )
        .await
}

pub async fn delete(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    id: &str,
) -> Result<(), AppError> {
    let current = get(cx, master, gateway_id, id).await?;
    let mut change = Change::served(cx).await?;
    change.delete(Table::Credentials, id).await?;
    change
        .commit_on(act::apps::delete, id, &current.name, "")
        .await
}
