//! Domains bound to API groups (`.../api-groups/{group_id}/domains`) and the certificate
//! each serves. A domain routes to one group in the whole installation; a group has at most
//! five; the gateway's generated subdomains cannot be bound; a certificate is bound only to a
//! domain its names cover, and only in its own gateway unless it is global.
use sqlx::PgPool;

use crate::error::Kind;
use crate::error::{invalid_if, not_found_if, AppError};
use crate::model::certificate::{
    normalize_domain, validate_domain, validate_ports, validate_tls_version, BoundDomain,
    CertificateDetails, CertificateRef, CertificateUpload, DomainSettings, Link,
    MAX_DOMAINS_PER_GROUP,
};
use crate::model::permission::actions::apig as act;
use crate::services::audit::Target;
use crate::services::caller::{Caller, Cx};
use crate::services::change::{Change, Table};
use crate::services::secrets::MasterKey;
use crate::services::{apig::api_groups, apig::certificates, apig::gateways, ids};

struct Row {
    id: String,
    group_id: String,
    domain: String,
    min_ssl_version: String,
    is_http_redirect_to_https: bool,
    ingress_http_port: Option<i32>,
    ingress_https_port: Option<i32>,
    certificate_id: Option<String>,
    certificate_name: Option<String>,
    algorithm_type: Option<String>,
    details: Option<serde_json::Value>,
}

impl From<Row> for BoundDomain {
    fn from(row: Row) -> Self {
        let certificate = match (row.certificate_id, row.certificate_name) {
            (Some(id), Some(name)) => Some(CertificateRef {
                id,
                name,
                algorithm_type: row.algorithm_type.unwrap_or_default(),
                not_after: row
                    .details
                    .and_then(|d| serde_json::from_value::<CertificateDetails>(d).ok())
                    .map(|d| d.not_after)
                    .unwrap_or_default(),
            }),
            _ => None,
        };
        BoundDomain {
            id: row.id,
            group_id: row.group_id,
            domain: row.domain,
            min_ssl_version: row.min_ssl_version,
            is_http_redirect_to_https: row.is_http_redirect_to_https,
            ingress_http_port: row.ingress_http_port,
            ingress_https_port: row.ingress_https_port,
            certificate,
        }
    }
}

fn target<'a>(id: &'a str, domain: &'a str) -> Target<'a> {
    Target {
        kind: "domain",
        id,
        name: domain,
    }
}

/// The domains of the given groups of a gateway, in binding order.
pub async fn of_groups(
    pool: &PgPool,
    gateway_id: &str,
    group_ids: &[String],
) -> Result<Vec<BoundDomain>, AppError> {
    Ok(sqlx::query_as!(
        Row,
        r#"SELECT d.id, d.group_id, d.domain, d.min_ssl_version, d.is_http_redirect_to_https,
                  d.ingress_http_port, d.ingress_https_port, d.certificate_id,
                  c.name AS "certificate_name?", c.algorithm_type AS "algorithm_type?", c.details AS "details?"
             FROM api_group_domains d LEFT JOIN certificates c ON c.id = d.certificate_id
            WHERE d.gateway_id = $1 AND d.group_id = ANY($2)
            ORDER BY d.created_at, d.id"#,
        gateway_id,
        group_ids
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(BoundDomain::from)
    .collect())
}

/// The domains bound with a certificate, each with its group's name and its gateway.
pub async fn with_certificate(
    pool: &PgPool,
    certificate_id: &str,
) -> Result<Vec<(BoundDomain, String, String)>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT d.id, d.group_id, d.domain, d.min_ssl_version, d.is_http_redirect_to_https,
                  d.ingress_http_port, d.ingress_https_port, d.certificate_id,
                  c.name AS "certificate_name", c.algorithm_type, c.details,
                  g.name AS "group_name", d.gateway_id
             FROM api_group_domains d
             JOIN certificates c ON c.id = d.certificate_id
             JOIN api_groups g ON g.id = d.group_id
            WHERE d.certificate_id = $1
            ORDER BY d.domain"#,
        certificate_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let bound = BoundDomain::from(Row {
                id: r.id,
                group_id: r.group_id,
                domain: r.domain,
                min_ssl_version: r.min_ssl_version,
                is_http_redirect_to_https: r.is_http_redirect_to_https,
                ingress_http_port: r.ingress_http_port,
                ingress_https_port: r.ingress_https_port,
                certificate_id: r.certificate_id,
                certificate_name: Some(r.certificate_name),
                algorithm_type: Some(r.algorithm_type),
                details: Some(r.details),
            });
            (bound, r.group_name, r.gateway_id)
        })
        .collect())
}

pub async fn get(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    domain_id: &str,
) -> Result<BoundDomain, AppError> {
    api_groups::get(cx, gateway_id, group_id).await?;
    of_groups(cx.pool, gateway_id, &[group_id.to_owned()])
        .await?
        .into_iter()
        .find(|d| d.id == domain_id)
        .ok_or_else(|| AppError::not_found(Kind::Domain, format!("Domain {domain_id}")))
}

/// Checks the settings and that custom ports are inbound ports of the gateway with the
/// right protocol.
async fn check_settings(
    cx: Cx<'_>,
    gateway_id: &str,
    settings: &DomainSettings,
) -> Result<(), AppError> {
    if let Some(version) = &settings.min_ssl_version {
        validate_tls_version("min_ssl_version", version)?;
    }
    invalid_if(
        settings.verified_client_certificate_enabled == Some(true),
        "verified_client_certificate_enabled",
        "Client certificate verification is not supported yet.",
    )?;
    validate_ports(settings.ingress_http_port, settings.ingress_https_port)?;
    let owned = gateways::ingress_ports(cx, gateway_id).await?;
    for (field, port, protocol, standard) in [
        ("ingress_http_port", settings.ingress_http_port, "HTTP", 80),
        (
            "ingress_https_port",
            settings.ingress_https_port,
            "HTTPS",
            443,
        ),
    ] {
        let Some(port) = port.filter(|p| *p != -1 && *p != standard) else {
            continue;
        };
        if !owned
            .iter()
            .any(|p| p.port == port && p.protocol == protocol)
        {
            return Err(AppError::invalid(
                field,
                format!("Port {port} is not an {protocol} inbound port of this gateway; add it under the gateway's inbound ports first."),
            ));
        }
    }
    Ok(())
}

/// Binds `domain` to a group.
pub async fn bind(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    domain: &str,
    settings: &DomainSettings,
    subdomain_suffix: &str,
) -> Result<BoundDomain, AppError> {
    let group = api_groups::get(cx, gateway_id, group_id).await?;
    validate_domain("url_domain", domain)?;
    let domain = normalize_domain(domain);
    let suffix = normalize_domain(subdomain_suffix);
    if domain == suffix || domain.ends_with(&format!(".{suffix}")) {
        return Err(AppError::invalid(
            "url_domain",
            format!("Domains under {suffix} are the gateway's generated subdomains and cannot be bound."),
        ));
    }
    check_settings(cx, gateway_id, settings).await?;
    let mut change = Change::served(cx).await?;
    change.lock(Table::ApiGroups, group_id).await?;
    let held = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM api_group_domains WHERE group_id = $1"#,
        group_id
    )
    .fetch_one(&mut *change)
    .await?;
    if held >= MAX_DOMAINS_PER_GROUP {
        return Err(AppError::conflict(
            Some("url_domain"),
            format!(
                "API group {} already has {MAX_DOMAINS_PER_GROUP} domains, the most a group can hold.",
                group.name
            ),
        ));
    }
    let taken = sqlx::query!(
        r#"SELECT g.name AS "group_name", gw.project_id FROM api_group_domains d
             JOIN api_groups g ON g.id = d.group_id JOIN gateways gw ON gw.id = d.gateway_id
            WHERE d.domain = $1"#,
        domain
    )
    .fetch_optional(&mut *change)
    .await?;
    if let Some(taken) = taken {
        let holder = if taken.project_id == cx.caller.project_id {
            format!("group {}", taken.group_name)
        } else {
            "a group of another project".to_owned()
        };
        return Err(AppError::taken(
            Kind::Domain,
            "url_domain",
            format!("{domain} is already bound to {holder}."),
        ));
    }
    let id = ids::new_id();
    sqlx::query!(
        "INSERT INTO api_group_domains (id, gateway_id, group_id, domain, min_ssl_version, is_http_redirect_to_https,
                                    ingress_http_port, ingress_https_port)
         VALUES ($1, $2, $3, $4, coalesce($5, 'TLSv1.1'), coalesce($6, false), $7, $8)",
        id,
        gateway_id,
        group_id,
        domain,
        settings.min_ssl_version,
        settings.is_http_redirect_to_https,
        settings.ingress_http_port,
        settings.ingress_https_port
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(
            act::domains::create,
            &id,
            &domain,
            &format!("bound to group {}", group.name),
        )
        .await?;
    get(cx, gateway_id, group_id, &id).await
}

/// Changes a bound domain's TLS version, redirect and ports.
pub async fn update(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    domain_id: &str,
    settings: &DomainSettings,
) -> Result<BoundDomain, AppError> {
    let current = get(cx, gateway_id, group_id, domain_id).await?;
    check_settings(cx, gateway_id, settings).await?;
    let mut change = Change::served(cx).await?;
    let (http, https) = match (settings.ingress_http_port, settings.ingress_https_port) {
        (Some(http), Some(https)) => (Some(http), Some(https)),
        _ => (current.ingress_http_port, current.ingress_https_port),
    };
    sqlx::query!(
        "UPDATE api_group_domains SET min_ssl_version = coalesce($2, min_ssl_version),
                is_http_redirect_to_https = coalesce($3, is_http_redirect_to_https),
                ingress_http_port = $4, ingress_https_port = $5
          WHERE id = $1",
        domain_id,
        settings.min_ssl_version,
        settings.is_http_redirect_to_https,
        http,
        https
    )
    .execute(&mut *change)
    .await?;
    change
        .commit_on(
            act::domains::create,
            domain_id,
            &current.domain,
            "settings changed",
        )
        .await?;
    get(cx, gateway_id, group_id, domain_id).await
}

/// Unbinds a domain (its certificate stays in the certificate list).
pub async fn unbind(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    domain_id: &str,
) -> Result<(), AppError> {
    let current = get(cx, gateway_id, group_id, domain_id).await?;
    let mut change = Change::served(cx).await?;
    change.delete(Table::ApiGroupDomains, domain_id).await?;
    change
        .commit_on(act::domains::delete, domain_id, &current.domain, "")
        .await
}

/// Binds a stored certificate to a domain (replacing the one it had), or unbinds it
/// (`certificate_id` must then be the one the domain has).
pub async fn link(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    domain_id: &str,
    certificate_id: &str,
    link: Link,
) -> Result<BoundDomain, AppError> {
    match link {
        Link::Attach => attach(cx, gateway_id, group_id, domain_id, certificate_id).await,
        Link::Detach => detach(cx, gateway_id, group_id, domain_id, certificate_id).await,
    }
}

async fn attach(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    domain_id: &str,
    certificate_id: &str,
) -> Result<BoundDomain, AppError> {
    let current = get(cx, gateway_id, group_id, domain_id).await?;
    let certificate = certificates::get(cx, certificate_id).await?;
    if certificate
        .gateway_id
        .as_deref()
        .is_some_and(|g| g != gateway_id)
    {
        return Err(AppError::invalid(
            "certificate_ids",
            format!(
                "Certificate {} belongs to another gateway; use a global certificate or one of this gateway.",
                certificate.name
            ),
        ));
    }
    if !certificate.details.covers(&current.domain) {
        return Err(AppError::invalid(
            "certificate_ids",
            format!(
                "Certificate {} is for {}, not {}.",
                certificate.name,
                certificate.details.names().join(", "),
                current.domain
            ),
        ));
    }
    let mut change = Change::served(cx).await?;
    set_certificate(&mut change, domain_id, Some(certificate_id)).await?;
    change
        .commit(
            act::domains::bindCertificate,
            target(domain_id, &current.domain),
            &format!("certificate {}", certificate.name),
        )
        .await?;
    get(cx, gateway_id, group_id, domain_id).await
}

async fn set_certificate(
    tx: &mut sqlx::PgConnection,
    domain_id: &str,
    certificate_id: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE api_group_domains SET certificate_id = $2 WHERE id = $1",
        domain_id,
        certificate_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Uploads a certificate for this gateway and binds it to the domain in one step
/// (`POST .../domains/{domain_id}/certificate`).
pub async fn upload(
    pool: &PgPool,
    master: &MasterKey,
    caller: &Caller,
    gateway_id: &str,
    group_id: &str,
    domain_id: &str,
    upload: &CertificateUpload,
) -> Result<BoundDomain, AppError> {
    let current = get(Cx { pool, caller }, gateway_id, group_id, domain_id).await?;
    let upload = CertificateUpload {
        cert_type: "instance".to_owned(),
        gateway_id: Some(gateway_id.to_owned()),
        ..upload.clone()
    };
    let mut change = Change::served(Cx { pool, caller }).await?;
    let id = ids::new_id();
    let checked = certificates::insert(pool, &mut change, master, caller, &id, &upload).await?;
    if !checked.details.covers(&current.domain) {
        return Err(AppError::invalid(
            "cert_content",
            format!(
                "The certificate is for {}, not {}.",
                checked.details.names().join(", "),
                current.domain
            ),
        ));
    }
    set_certificate(&mut change, domain_id, Some(&id)).await?;
    change
        .commit(
            act::domains::bindCertificate,
            target(domain_id, &current.domain),
            &format!("certificate {} uploaded", upload.name),
        )
        .await?;
    get(Cx { pool, caller }, gateway_id, group_id, domain_id).await
}

async fn detach(
    cx: Cx<'_>,
    gateway_id: &str,
    group_id: &str,
    domain_id: &str,
    certificate_id: &str,
) -> Result<BoundDomain, AppError> {
    let current = get(cx, gateway_id, group_id, domain_id).await?;
    not_found_if(
        current.certificate.as_ref().map(|c| c.id.as_str()) != Some(certificate_id),
        Kind::Certificate,
        format!("Certificate {certificate_id} on {}", current.domain),
    )?;
    if current.is_http_redirect_to_https {
        return Err(AppError::conflict(
            None,
            format!(
                "{} redirects HTTP to HTTPS; turn the redirect off before removing its certificate.",
                current.domain
            ),
        ));
    }
    let mut change = Change::served(cx).await?;
    set_certificate(&mut change, domain_id, None).await?;
    change
        .commit(
            act::domains::unbindCertificate,
            target(domain_id, &current.domain),
            "",
        )
        .await?;
    get(cx, gateway_id, group_id, domain_id).await
}

/// Domains of a gateway served on one of its custom inbound ports: (group id, group name,
/// domain).
pub async fn on_port(
    cx: Cx<'_>,
    gateway_id: &str,
    port_id: &str,
) -> Result<Vec<(String, String, String)>, AppError> {
    let port = gateways::ingress_ports(cx, gateway_id)
        .await?
        .into_iter()
        .find(|p| p.id == port_id)
        .ok_or_else(|| AppError::not_found(Kind::IngressPort, format!("Inbound port {port_id}")))?;
    let rows = sqlx::query!(
        r#"SELECT d.group_id, g.name AS "group_name", d.domain FROM api_group_domains d
             JOIN api_groups g ON g.id = d.group_id
            WHERE d.gateway_id = $1
              AND CASE WHEN $2 = 'HTTP' THEN d.ingress_http_port = $3 ELSE d.ingress_https_port = $3 END
            ORDER BY d.domain"#,
        gateway_id,
        port.protocol,
        port.port
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.group_id, r.group_name, r.domain))
        .collect())
}

/// Where a bound domain of the caller's project is: (gateway id, group id, domain id).
pub async fn find(cx: Cx<'_>, domain: &str) -> Result<(String, String, String), AppError> {
    let name = normalize_domain(domain);
    let row = sqlx::query!(
        "SELECT d.gateway_id, d.group_id, d.id FROM api_group_domains d JOIN gateways g ON g.id = d.gateway_id
          WHERE d.domain = $1 AND g.project_id = $2",
        name,
        cx.caller.project_id
    )
    .fetch_optional(cx.pool)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::Domain, format!("Domain {name}")))?;
    Ok((row.gateway_id, row.group_id, row.id))
}
