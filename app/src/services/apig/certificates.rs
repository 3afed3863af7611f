//! SSL certificates of a project: uploaded as PEM (checked by `model::certificate::pem`),
//! stored with the private key sealed under the master key, bound to domains by
//! `services::apig::domains`. An `instance` certificate belongs to one gateway; a `global` one can
//! be bound in any gateway of the project. A bound certificate cannot be deleted.
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use crate::error::AppError;
use crate::error::Kind;
use crate::model::certificate::pem::{self, Checked};
use crate::model::certificate::{
    validate_certificate_name, BoundDomain, Certificate, CertificatePage, CertificateUpload,
};
use crate::model::paging::Page;
use crate::model::permission::actions::apig as act;
use crate::services::audit::format_time;
use crate::services::caller::{Caller, Cx};
use crate::services::change::{Change, Table};
use crate::services::holding::Holding;
use crate::services::secrets::MasterKey;
use crate::services::{apig::gateways, ids};

struct Row {
    id: String,
    project_id: String,
    gateway_id: Option<String>,
    cert_type: String,
    name: String,
    algorithm_type: String,
    details: serde_json::Value,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<Row> for Certificate {
    fn from(row: Row) -> Self {
        Certificate {
            id: row.id,
            name: row.name,
            cert_type: row.cert_type,
            gateway_id: row.gateway_id,
            project_id: row.project_id,
            algorithm_type: row.algorithm_type,
            details: serde_json::from_value(row.details).unwrap_or_default(),
            created_at: format_time(row.created_at),
            updated_at: format_time(row.updated_at),
        }
    }
}

/// Which certificates a list shows.
#[derive(Debug, Default)]
pub struct CertificateFilter<'a> {
    pub name: Option<&'a str>,
    pub common_name: Option<&'a str>,
    pub cert_type: Option<&'a str>,
    pub gateway_id: Option<&'a str>,
    /// `RSA` or `ECC`.
    pub algorithm_type: Option<&'a str>,
    /// As the certificate names it, e.g. `SHA256-RSA`.
    pub signature_algorithm: Option<&'a str>,
}

/// Checks an upload: name, type and gateway, then the PEM pair itself.
async fn checked(
    cx: Cx<'_>,
    upload: &CertificateUpload,
) -> Result<(String, Option<String>, Checked), AppError> {
    validate_certificate_name("name", &upload.name)?;
    let gateway_id = upload.gateway_id.clone().filter(|g| !g.is_empty());
    let cert_type = match (upload.cert_type.as_str(), &gateway_id) {
        ("instance", Some(_)) | ("", Some(_)) => "instance",
        ("global", _) | ("", None) => "global",
        ("instance", None) => {
            return Err(AppError::invalid(
                "instance_id",
                "An instance certificate names its gateway (instance_id).",
            ))
        }
        (other, _) => {
            return Err(AppError::invalid(
                "type",
                format!("{other} is not a certificate type; use instance or global."),
            ))
        }
    };
    let gateway_id = if cert_type == "instance" {
        let gateway_id = gateway_id.unwrap_or_default();
        gateways::get(cx, &gateway_id).await?;
        Some(gateway_id)
    } else {
        None
    };
    if upload
        .trusted_root_ca
        .as_deref()
        .is_some_and(|ca| !ca.trim().is_empty())
    {
        return Err(AppError::invalid(
            "trusted_root_ca",
            "Client certificate verification (a trusted root CA) is not supported yet; leave it empty.",
        ));
    }
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let checked = pem::check(
        &upload.cert_content,
        &upload.private_key,
        upload.algorithm_type.as_deref(),
        now,
    )?;
    Ok((cert_type.to_owned(), gateway_id, checked))
}

/// A project's certificates, named uniquely within it.
const CERTIFICATES: Holding = Holding {
    table: "certificates",
    owner: "project_id",
    kind: Kind::Certificate,
    field: "name",
    taken: "A certificate named {name} already exists.",
    limit: None,
};

fn expiry(checked: &Checked) -> Result<OffsetDateTime, AppError> {
    OffsetDateTime::from_unix_timestamp(checked.not_after)
        .map_err(|error| AppError::Internal(error.to_string()))
}

/// Adds a certificate; its key is stored sealed.
pub async fn create(
    pool: &PgPool,
    master: &MasterKey,
    caller: &Caller,
    upload: &CertificateUpload,
) -> Result<Certificate, AppError> {
    let mut change = Change::served(Cx { pool, caller }).await?;
    let id = ids::new_id();
    insert(pool, &mut change, master, caller, &id, upload).await?;
    change
        .commit_on(
            act::domains::bindCertificate,
            &id,
            &upload.name,
            "certificate uploaded",
        )
        .await?;
    get(Cx { pool, caller }, &id).await
}

/// Checks and inserts a certificate inside the caller's transaction (also used when a
/// certificate is uploaded straight onto a domain).
pub async fn insert(
    pool: &PgPool,
    tx: &mut PgConnection,
    master: &MasterKey,
    caller: &Caller,
    id: &str,
    upload: &CertificateUpload,
) -> Result<Checked, AppError> {
    let (cert_type, gateway_id, checked) = self::checked(Cx { pool, caller }, upload).await?;
    CERTIFICATES
        .name_free(tx, &caller.project_id, &upload.name, "")
        .await?;
    let details = serde_json::to_value(&checked.details)
        .map_err(|error| AppError::Internal(error.to_string()))?;
    sqlx::query!(
        "INSERT INTO certificates (id, project_id, gateway_id, cert_type, name, algorithm_type, cert_pem, key_sealed, details, not_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        caller.project_id,
        gateway_id,
        cert_type,
        upload.name,
        checked.algorithm_type,
        upload.cert_content.trim(),
        master.seal(upload.private_key.trim().as_bytes())?,
        details,
        expiry(&checked)?
    )
    .execute(&mut *tx)
    .await?;
    Ok(checked)
}

pub async fn list(
    cx: Cx<'_>,
    filter: &CertificateFilter<'_>,
    page: Page,
) -> Result<CertificatePage, AppError> {
    let name = filter.name.filter(|n| !n.is_empty());
    let common_name = filter.common_name.filter(|n| !n.is_empty());
    let cert_type = filter.cert_type.filter(|n| !n.is_empty());
    let gateway_id = filter.gateway_id.filter(|n| !n.is_empty());
    let algorithm = filter.algorithm_type.filter(|n| !n.is_empty());
    let signature = filter.signature_algorithm.filter(|n| !n.is_empty());
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM certificates
            WHERE project_id = $1
              AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
              AND ($3::text IS NULL OR strpos(lower(details->>'common_name'), lower($3)) > 0)
              AND ($4::text IS NULL OR cert_type = $4)
              AND ($5::text IS NULL OR gateway_id = $5)
              AND ($6::text IS NULL OR algorithm_type = upper($6))
              AND ($7::text IS NULL OR lower(details->>'signature_algorithm') = lower($7))"#,
        cx.caller.project_id,
        name,
        common_name,
        cert_type,
        gateway_id,
        algorithm,
        signature
    )
    .fetch_one(cx.pool)
    .await?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, project_id, gateway_id, cert_type, name, algorithm_type, details, created_at, updated_at
           FROM certificates
          WHERE project_id = $1
            AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0)
            AND ($3::text IS NULL OR strpos(lower(details->>'common_name'), lower($3)) > 0)
            AND ($4::text IS NULL OR cert_type = $4)
            AND ($5::text IS NULL OR gateway_id = $5)
            AND ($8::text IS NULL OR algorithm_type = upper($8))
            AND ($9::text IS NULL OR lower(details->>'signature_algorithm') = lower($9))
          ORDER BY created_at DESC, id OFFSET $6 LIMIT $7",
        cx.caller.project_id,
        name,
        common_name,
        cert_type,
        gateway_id,
        page.offset,
        page.limit,
        algorithm,
        signature
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(CertificatePage {
        total,
        certificates: rows.into_iter().map(Certificate::from).collect(),
    })
}

pub async fn get(cx: Cx<'_>, id: &str) -> Result<Certificate, AppError> {
    sqlx::query_as!(
        Row,
        "SELECT id, project_id, gateway_id, cert_type, name, algorithm_type, details, created_at, updated_at
           FROM certificates WHERE id = $1 AND project_id = $2",
        id,
        cx.caller.project_id
    )
    .fetch_optional(cx.pool)
    .await?
    .map(Certificate::from)
    .ok_or_else(|| AppError::not_found(Kind::Certificate, format!("Certificate {id}")))
}

/// The domains a certificate is bound to, each with its group and gateway.
pub async fn attached_domains(
    cx: Cx<'_>,
    id: &str,
    domain: Option<&str>,
    page: Page,
) -> Result<(Vec<(BoundDomain, String, String)>, i64), AppError> {
    get(cx, id).await?;
    let all = crate::services::apig::domains::with_certificate(cx.pool, id).await?;
    let matching: Vec<_> = all
        .into_iter()
        .filter(|(bound, _, _)| {
            domain.is_none_or(|d| d.is_empty() || bound.domain.contains(&d.to_ascii_lowercase()))
        })
        .collect();
    let total = matching.len() as i64;
    let shown = matching
        .into_iter()
        .skip(page.offset as usize)
        .take(page.limit as usize)
        .collect();
    Ok((shown, total))
}

/// Replaces a certificate's name and content. Every domain it is bound to must still be
/// covered by the new certificate's names.
pub async fn update(
    pool: &PgPool,
    master: &MasterKey,
    caller: &Caller,
    id: &str,
    upload: &CertificateUpload,
) -> Result<Certificate, AppError> {
    let current = get(Cx { pool, caller }, id).await?;
    let upload = CertificateUpload {
        cert_type: current.cert_type.clone(),
        gateway_id: current.gateway_id.clone(),
        ..upload.clone()
    };
    let (_, _, checked) = checked(Cx { pool, caller }, &upload).await?;
    for (bound, _, _) in crate::services::apig::domains::with_certificate(pool, id).await? {
        if !checked.details.covers(&bound.domain) {
            return Err(AppError::invalid(
                "cert_content",
                format!(
                    "The new certificate does not cover {}, which this certificate is bound to.",
                    bound.domain
                ),
            ));
        }
    }
    let mut change = Change::served(Cx { pool, caller }).await?;
    CERTIFICATES
        .name_free(&mut change, &caller.project_id, &upload.name, id)
        .await?;
    let details = serde_json::to_value(&checked.details)
        .map_err(|error| AppError::Internal(error.to_string()))?;
    sqlx::query!(
        "UPDATE certificates SET name = $2, algorithm_type = $3, cert_pem = $4, key_sealed = $5, details = $6,
                not_after = $7, updated_at = now()
          WHERE id = $1",
        id,
        upload.name,
        checked.algorithm_type,
        upload.cert_content.trim(),
        master.seal(upload.private_key.trim().as_bytes())?,
        details,
        expiry(&checked)?
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(
            act::domains::bindCertificate,
            id,
            &upload.name,
            "certificate replaced",
        )
        .await?;
    get(Cx { pool, caller }, id).await
}

/// Deletes a certificate no domain uses.
pub async fn delete(cx: Cx<'_>, id: &str) -> Result<(), AppError> {
    let current = get(cx, id).await?;
    let bound = crate::services::apig::domains::with_certificate(cx.pool, id).await?;
    if !bound.is_empty() {
        let names: Vec<&str> = bound.iter().map(|(d, _, _)| d.domain.as_str()).collect();
        return Err(AppError::conflict(
            None,
            format!(
                "Certificate {} is bound to {}; unbind it first.",
                current.name,
                names.join(", ")
            ),
        ));
    }
    let mut change = Change::served(cx).await?;
    change.delete(Table::Certificates, id).await?;
    change
        .commit_on(
            act::domains::unbindCertificate,
            id,
            &current.name,
            "certificate deleted",
        )
        .await
}
