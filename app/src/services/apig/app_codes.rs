//! AppCodes of credentials: up to five each, chosen or generated, sealed under the master
//! key like secrets. Their SHA-256 digest is kept beside them, unique across Portico: a
//! call names its AppCode alone, so no two credentials may share one.
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::{AppError, Kind};
use crate::model::credential::{validate_app_code, AppCode, MAX_APP_CODES};
use crate::model::paging::Page;
use crate::model::permission::actions::apig as act;
use crate::services::apig::credentials;
use crate::services::audit::format_time;
use crate::services::caller::Cx;
use crate::services::change::{Change, Table};
use crate::services::ids;
use crate::services::secrets::MasterKey;

/// 64 hexadecimal digits from the system's random source: a generated AppCode.
fn generated() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The digest an AppCode is found by.
pub fn digest(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}

struct Row {
    id: String,
    credential_id: String,
    code_sealed: Vec<u8>,
    created_at: OffsetDateTime,
}

impl Row {
    fn open(self, master: &MasterKey) -> Result<AppCode, AppError> {
        let code = master.open(&self.code_sealed)?;
        Ok(AppCode {
            id: self.id,
            credential_id: self.credential_id,
            app_code: String::from_utf8_lossy(&code).into_owned(),
            created_at: format_time(self.created_at),
        })
    }
}

/// Adds `code` (generated when `None`) to the credential `credential_id`.
pub async fn add(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    credential_id: &str,
    code: Option<&str>,
) -> Result<AppCode, AppError> {
    let credential = credentials::get(cx, master, gateway_id, credential_id).await?;
    if let Some(code) = code {
        validate_app_code("app_code", code)?;
    }
    let code = code.map_or_else(generated, str::to_owned);
    let mut change = Change::served(cx).await?;
    change.lock(Table::Credentials, credential_id).await?;
    let held = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM app_codes WHERE credential_id = $1"#,
        credential_id
    )
    .fetch_one(&mut *change)
    .await?;
    if held >= MAX_APP_CODES {
        return Err(AppError::conflict(
            None,
            format!(
                "Credential {} already has {MAX_APP_CODES} AppCodes, the most it can hold: remove one first.",
                credential.name
            ),
        ));
    }
    let id = ids::new_id();
    sqlx::query!(
        "INSERT INTO app_codes (id, credential_id, code_sealed, code_digest) VALUES ($1, $2, $3, $4)",
        id,
        credential_id,
        master.seal(code.as_bytes())?,
        digest(&code)
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(
            act::appCodes::create,
            credential_id,
            &credential.name,
            "added an AppCode",
        )
        .await?;
    get(cx, master, gateway_id, credential_id, &id).await
}

/// A credential's AppCodes, oldest first, with their total.
pub async fn list(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    credential_id: &str,
    page: Page,
) -> Result<(i64, Vec<AppCode>), AppError> {
    credentials::get(cx, master, gateway_id, credential_id).await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM app_codes WHERE credential_id = $1"#,
        credential_id
    )
    .fetch_one(cx.pool)
    .await?;
    let codes = sqlx::query_as!(
        Row,
        "SELECT id, credential_id, code_sealed, created_at FROM app_codes
          WHERE credential_id = $1 ORDER BY created_at, id OFFSET $2 LIMIT $3",
        credential_id,
        page.offset,
        page.limit
    )
    .fetch_all(cx.pool)
    .await?
    .into_iter()
    .map(|row| row.open(master))
    .collect::<Result<_, _>>()?;
    Ok((total, codes))
}

pub async fn get(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    credential_id: &str,
    id: &str,
) -> Result<AppCode, AppError> {
    credentials::get(cx, master, gateway_id, credential_id).await?;
    sqlx::query_as!(
        Row,
        "SELECT id, credential_id, code_sealed, created_at FROM app_codes
          WHERE credential_id = $1 AND id = $2",
        credential_id,
        id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::AppCode, format!("AppCode {id}")))?
    .open(master)
}

/// Removes an AppCode: calls with it are refused from the next configuration served.
pub async fn remove(
    cx: Cx<'_>,
    master: &MasterKey,
    gateway_id: &str,
    credential_id: &str,
    id: &str,
) -> Result<(), AppError> {
    get(cx, master, gateway_id, credential_id, id).await?;
    let credential = credentials::get(cx, master, gateway_id, credential_id).await?;
    let mut change = Change::served(cx).await?;
    sqlx::query!("DELETE FROM app_codes WHERE id = $1", id)
        .execute(&mut *change)
        .await?;
    change
        .commit_on(
            act::appCodes::delete,
            credential_id,
            &credential.name,
            "removed an AppCode",
        )
        .await
}
