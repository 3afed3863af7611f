//! Server functions of a group's Domains and certificates page. Each checks one IAM action
//! for the signed-in user in the current project and calls the service layer.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::api_group::ApiGroup;
use crate::model::certificate::{BoundDomain, Certificate, Link};

#[cfg(feature = "ssr")]
use super::ctx::{self, authorized_in};
#[cfg(feature = "ssr")]
use crate::model::permission::actions::apig as act;
#[cfg(feature = "ssr")]
use crate::services::apig::{certificates, domains};
#[cfg(feature = "ssr")]
use crate::services::iam::authz;

/// A group with its bound domains and the certificates that could serve them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDomainsView {
    pub gateway_name: String,
    pub group: ApiGroup,
    pub subdomain: String,
    pub domains: Vec<BoundDomain>,
    /// The server's date and time (`YYYY-MM-DD HH:MM:SS` UTC), to count days to expiry.
    pub today: String,
    /// Global certificates and this gateway's, newest first.
    pub certificates: Vec<Certificate>,
}

#[server(endpoint = "domains/list")]
pub async fn group_domains(
    gateway_id: String,
    group_id: String,
) -> Result<GroupDomainsView, AppError> {
    use crate::services::{apig::api_groups, apig::domains, apig::gateways};
    use certificates::{self, CertificateFilter};
    ctx::allowed_in(act::domains::get, &gateway_id, async |cx| {
        let gateway = gateways::get(cx, &gateway_id).await?;
        let group = api_groups::get(cx, &gateway_id, &group_id).await?;
        let suffix = use_context::<crate::model::gateway::Endpoints>()
            .map(|e| e.subdomain_suffix)
            .unwrap_or_default();
        let certificates = if authz::decide_in(
            cx,
            act::domains::getCertificate,
            crate::model::permission::Scope::Gateway(&gateway_id),
        )
        .await?
        .is_allowed()
        {
            let page = crate::model::paging::Page::new(None, Some(500));
            certificates::list(cx, &CertificateFilter::default(), page)
                .await?
                .certificates
                .into_iter()
                .filter(|c| c.gateway_id.as_deref().is_none_or(|g| g == gateway_id))
                .collect()
        } else {
            Vec::new()
        };
        Ok(GroupDomainsView {
            gateway_name: gateway.name,
            subdomain: group.sl_domain(&suffix),
            domains: domains::of_groups(cx.pool, &gateway_id, std::slice::from_ref(&group_id))
                .await?,
            group,
            certificates,
            today: crate::services::audit::format_time(time::OffsetDateTime::now_utc()),
        })
    })
    .await
}

#[server(endpoint = "domains/bind")]
pub async fn bind_domain(
    gateway_id: String,
    group_id: String,
    domain: String,
    min_ssl_version: String,
) -> Result<BoundDomain, AppError> {
    use crate::model::certificate::DomainSettings;
    ctx::allowed_in(act::domains::create, &gateway_id, async |cx| {
        let suffix = use_context::<crate::model::gateway::Endpoints>()
            .map(|e| e.subdomain_suffix)
            .unwrap_or_default();
        let settings = DomainSettings {
            min_ssl_version: Some(min_ssl_version),
            ..DomainSettings::default()
        };
        domains::bind(cx, &gateway_id, &group_id, &domain, &settings, &suffix).await
    })
    .await
}

#[server(endpoint = "domains/unbind")]
pub async fn unbind_domain(
    gateway_id: String,
    group_id: String,
    domain_id: String,
) -> Result<(), AppError> {
    ctx::allowed_in(act::domains::delete, &gateway_id, async |cx| {
        domains::unbind(cx, &gateway_id, &group_id, &domain_id).await
    })
    .await
}

/// Uploads a PEM certificate and key for this gateway and binds it to the domain.
#[server(endpoint = "domains/upload-certificate")]
pub async fn upload_domain_certificate(
    gateway_id: String,
    group_id: String,
    domain_id: String,
    name: String,
    cert_content: String,
    private_key: String,
) -> Result<BoundDomain, AppError> {
    use crate::model::certificate::CertificateUpload;
    ctx::respond(
        async {
            let caller = authorized_in(act::domains::bindCertificate, &gateway_id).await?;
            let upload = CertificateUpload {
                name: name.trim().to_owned(),
                cert_content,
                private_key,
                ..CertificateUpload::default()
            };
            domains::upload(
                &ctx::pool()?,
                &ctx::master_key()?,
                &caller,
                &gateway_id,
                &group_id,
                &domain_id,
                &upload,
            )
            .await
        }
        .await,
    )
}

/// Binds a stored certificate to the domain, or unbinds the domain's certificate.
#[server(endpoint = "domains/link-certificate")]
pub async fn link_domain_certificate(
    gateway_id: String,
    group_id: String,
    domain_id: String,
    certificate_id: String,
    link: Link,
) -> Result<BoundDomain, AppError> {
    ctx::allowed_in(link.action(), &gateway_id, async |cx| {
        domains::link(
            cx,
            &gateway_id,
            &group_id,
            &domain_id,
            &certificate_id,
            link,
        )
        .await
    })
    .await
}
