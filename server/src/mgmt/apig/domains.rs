//! Domains bound to API groups (`api-groups/{group_id}/domains...`), the certificate each
//! serves, and the domains on a custom inbound port. Certificate operations use the
//! `apig:domains:*` certificate actions: reading needs `getCertificate`, uploading and
//! binding `bindCertificate`, deleting and unbinding `unbindCertificate`. The project's
//! certificates themselves are in `certificates`.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::error::AppError;
use app::model::certificate::{BoundDomain, Certificate, CertificateUpload, DomainSettings, Link};
use app::model::permission::actions::apig as act;
use app::services::apig::certificates::{self};
use app::services::{apig::api_groups, apig::domains};

use super::{apig_time_of, slice, without};
use crate::mgmt::{page, Body, Created, Done, InGateway, Item, MgmtState, Path, Query, Reply};
use app::error::Kind;

/// A bound domain as group responses list it (`url_domains[]`).
pub fn url_domain(domain: &BoundDomain) -> Value {
    let ssl_infos: Vec<Value> = domain
        .certificate
        .iter()
        .map(|c| {
            json!({ "ssl_id": c.id, "ssl_name": c.name, "algorithm_type": c.algorithm_type,
                    "type": 0, "is_has_trusted_root_ca": false })
        })
        .collect();
    let mut value = without(
        reference(domain),
        &["url_domain", "status", "is_http_redirect_to_https"],
    );
    value["domain"] = json!(domain.domain);
    value["cname_status"] = json!(3);
    value["is_has_trusted_root_ca"] = json!(false);
    value["ssl_infos"] = json!(ssl_infos);
    value
}

/// What binding or changing a domain answers without: its certificate, which has calls of
/// its own.
const UNLINKED: &[&str] = &["ssl_id", "ssl_name"];

/// What a certificate's list entry leaves out of its details.
pub(super) const LISTED_WITHOUT: &[&str] = &[
    "version",
    "organization",
    "organizational_unit",
    "locality",
    "state",
    "country",
    "not_before",
    "serial_number",
    "issuer",
];

/// The fields every domain response shares.
pub(super) fn reference(domain: &BoundDomain) -> Value {
    json!({
        "id": domain.id,
        "url_domain": domain.domain,
        "status": 3,
        "min_ssl_version": domain.min_ssl_version,
        "is_http_redirect_to_https": domain.is_http_redirect_to_https,
        "verified_client_certificate_enabled": false,
        // -1: the default port (80, 443), as APIG writes it.
        "ingress_http_port": domain.ingress_http_port.unwrap_or(-1),
        "ingress_https_port": domain.ingress_https_port.unwrap_or(-1),
        "ssl_id": domain.certificate.as_ref().map(|c| c.id.as_str()),
        "ssl_name": domain.certificate.as_ref().map(|c| c.name.as_str()),
    })
}

pub(super) fn certificate(certificate: &Certificate) -> Value {
    let d = &certificate.details;
    json!({
        "id": certificate.id,
        "name": certificate.name,
        "type": certificate.cert_type,
        "instance_id": certificate.gateway_id.as_deref().unwrap_or("common"),
        "project_id": certificate.project_id,
        "common_name": d.common_name,
        "san": d.san,
        "not_after": apig_time_of(&d.not_after),
        "not_before": apig_time_of(&d.not_before),
        "signature_algorithm": d.signature_algorithm,
        "create_time": apig_time_of(&certificate.created_at),
        "update_time": apig_time_of(&certificate.updated_at),
        "is_has_trusted_root_ca": false,
        "algorithm_type": certificate.algorithm_type,
        "version": d.version,
        "organization": d.organization,
        "organizational_unit": d.organizational_unit,
        "locality": d.locality,
        "state": d.state,
        "country": d.country,
        "serial_number": d.serial_number,
        "issuer": d.issuer,
    })
}

#[derive(Deserialize)]
pub struct DomainBody {
    url_domain: Option<String>,
    min_ssl_version: Option<String>,
    is_http_redirect_to_https: Option<bool>,
    verified_client_certificate_enabled: Option<bool>,
    ingress_http_port: Option<i32>,
    ingress_https_port: Option<i32>,
}

impl DomainBody {
    fn settings(&self) -> DomainSettings {
        DomainSettings {
            min_ssl_version: self.min_ssl_version.clone(),
            is_http_redirect_to_https: self.is_http_redirect_to_https,
            verified_client_certificate_enabled: self.verified_client_certificate_enabled,
            ingress_http_port: self.ingress_http_port,
            ingress_https_port: self.ingress_https_port,
        }
    }
}

type GroupPath = Path<(String, String, String)>;
type DomainPath = Path<(String, String, String, String)>;

pub async fn bind(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Path((_, _, group_id)): GroupPath,
    Body(body): Body<DomainBody>,
) -> Created {
    let (caller, instance_id) = gateway.allow(act::domains::create).await?;
    let bound = domains::bind(
        caller.cx(),
        &instance_id,
        &group_id,
        body.url_domain.as_deref().unwrap_or_default(),
        &body.settings(),
        &state.endpoints.subdomain_suffix,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(without(reference(&bound), UNLINKED)),
    ))
}

pub async fn update(
    gateway: InGateway,
    Path((_, _, group_id, domain_id)): DomainPath,
    Body(body): Body<DomainBody>,
) -> Reply {
    let (caller, instance_id) = gateway.allow(act::domains::create).await?;
    let bound = domains::update(
        caller.cx(),
        &instance_id,
        &group_id,
        &domain_id,
        &body.settings(),
    )
    .await?;
    Ok(Json(without(reference(&bound), UNLINKED)))
}

pub async fn unbind(gateway: InGateway, Path((_, _, group_id, domain_id)): DomainPath) -> Done {
    let (caller, instance_id) = gateway.allow(act::domains::delete).await?;
    domains::unbind(caller.cx(), &instance_id, &group_id, &domain_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct CertificateBody {
    name: String,
    cert_content: String,
    private_key: String,
    #[serde(rename = "type", default)]
    cert_type: String,
    instance_id: Option<String>,
    trusted_root_ca: Option<String>,
    algorithm_type: Option<String>,
}

impl CertificateBody {
    pub(super) fn upload(self) -> CertificateUpload {
        CertificateUpload {
            name: self.name,
            cert_content: self.cert_content,
            private_key: self.private_key,
            cert_type: self.cert_type,
            gateway_id: self.instance_id.filter(|i| i != "common"),
            algorithm_type: self.algorithm_type,
            trusted_root_ca: self.trusted_root_ca,
        }
    }
}

/// Uploads a certificate for the gateway and binds it to the domain.
pub async fn upload_certificate(
    State(state): State<MgmtState>,
    gateway: InGateway,
    Path((_, _, group_id, domain_id)): DomainPath,
    Body(body): Body<CertificateBody>,
) -> Created {
    let (caller, instance_id) = gateway.allow(act::domains::bindCertificate).await?;
    let bound = domains::upload(
        &state.pool,
        &state.master_key,
        &caller,
        &instance_id,
        &group_id,
        &domain_id,
        &body.upload(),
    )
    .await?;
    let group = api_groups::get(caller.cx(), &instance_id, &group_id).await?;
    let mut value = reference(&bound);
    value["instance_id"] = json!(instance_id);
    value["api_group_id"] = json!(group.id);
    value["api_group_name"] = json!(group.name);
    Ok((StatusCode::CREATED, Json(value)))
}

/// `…/api-groups/{group_id}/domains/{domain_id}/certificates/{certificate_id}`
#[derive(Deserialize)]
pub struct CertificatePath {
    group_id: String,
    domain_id: String,
    certificate_id: String,
}

pub async fn remove_certificate(gateway: InGateway, Path(at): Path<CertificatePath>) -> Done {
    let (caller, instance_id) = gateway.allow(act::domains::unbindCertificate).await?;
    let (group, domain, certificate) = (&at.group_id, &at.domain_id, &at.certificate_id);
    domains::link(
        caller.cx(),
        &instance_id,
        group,
        domain,
        certificate,
        Link::Detach,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn show_domain_certificate(gateway: InGateway, Path(at): Path<CertificatePath>) -> Reply {
    let (caller, instance_id) = gateway.allow(act::domains::getCertificate).await?;
    let bound = domains::get(caller.cx(), &instance_id, &at.group_id, &at.domain_id).await?;
    if bound.certificate.as_ref().map(|c| c.id.as_str()) != Some(at.certificate_id.as_str()) {
        return Err(AppError::not_found(
            Kind::Certificate,
            format!("Certificate {} on {}", at.certificate_id, bound.domain),
        )
        .into());
    }
    let found = certificates::get(caller.cx(), &at.certificate_id).await?;
    Ok(Json(without(
        certificate(&found),
        &["algorithm_type", "is_has_trusted_root_ca"],
    )))
}

#[derive(Deserialize)]
pub struct CertificateIds {
    #[serde(default)]
    certificate_ids: Vec<String>,
}

/// Which way a `.../attach` or `.../detach` route links certificates and domains.
pub trait Linking {
    const LINK: Link;
}

pub struct Attach;
pub struct Detach;

impl Linking for Attach {
    const LINK: Link = Link::Attach;
}

impl Linking for Detach {
    const LINK: Link = Link::Detach;
}

/// Binds a stored certificate to the domain (a domain serves one certificate), or unbinds
/// the named certificates from it.
pub async fn link_certificates<L: Linking>(
    gateway: InGateway,
    Path((_, _, group_id, domain_id)): DomainPath,
    Body(body): Body<CertificateIds>,
) -> Done {
    let (caller, instance_id) = gateway.allow(L::LINK.action()).await?;
    match (L::LINK, body.certificate_ids.as_slice()) {
        (_, []) => {
            return Err(AppError::invalid(
                "certificate_ids",
                "Name the certificate to bind or unbind.",
            )
            .into())
        }
        (Link::Attach, [_, _, ..]) => {
            return Err(AppError::invalid(
                "certificate_ids",
                "Name exactly one certificate: a domain serves one certificate.",
            )
            .into())
        }
        _ => {}
    }
    for certificate_id in &body.certificate_ids {
        domains::link(
            caller.cx(),
            &instance_id,
            &group_id,
            &domain_id,
            certificate_id,
            L::LINK,
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortDomainQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    /// Part of the domain name.
    domain_name: Option<String>,
}

/// Domains served on one of the gateway's custom inbound ports.
pub async fn port_domains(
    gateway: InGateway,
    Item(port_id): Item,
    Query(query): Query<PortDomainQuery>,
) -> Reply {
    let page = page(query.offset, query.limit)?;
    let (caller, instance_id) = gateway.allow(act::instances::get).await?;
    let want = query.domain_name.unwrap_or_default().to_ascii_lowercase();
    let matching: Vec<_> = domains::on_port(caller.cx(), &instance_id, &port_id)
        .await?
        .into_iter()
        .filter(|(_, _, domain)| domain.to_ascii_lowercase().contains(&want))
        .collect();
    let (shown, total) = slice(matching, page);
    let infos: Vec<Value> = shown
        .iter()
        .map(|(group_id, group_name, domain)| {
            json!({ "group_id": group_id, "group_name": group_name, "domain_name": domain })
        })
        .collect();
    Ok(Json(
        json!({ "size": infos.len(), "total": total, "domain_infos": infos }),
    ))
}
