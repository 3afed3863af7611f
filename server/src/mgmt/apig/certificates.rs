//! SSL certificates of a project (`/certificates...`): upload, list, show, replace,
//! delete, and the domains each is bound to (`attached-domains`, `attach`, `detach`).
//! Reading needs `apig:domains:getCertificate`, uploading and binding `bindCertificate`,
//! deleting and unbinding `unbindCertificate`.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use app::error::AppError;
use app::model::permission::actions::apig as act;
use app::services::apig::certificates::{self, CertificateFilter};
use app::services::apig::domains;

use super::domains::{certificate, reference, CertificateBody, Linking, LISTED_WITHOUT};
use super::without;
use crate::mgmt::{page, Body, Created, Done, InProject, MgmtState, Path, Query, Reply};
use app::error::Kind;

pub async fn create_certificate(
    State(state): State<MgmtState>,
    project: InProject,
    Body(body): Body<CertificateBody>,
) -> Created {
    let caller = project.allow(act::domains::bindCertificate).await?;
    let created =
        certificates::create(&state.pool, &state.master_key, &caller, &body.upload()).await?;
    Ok((StatusCode::CREATED, Json(certificate(&created))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    name: Option<String>,
    common_name: Option<String>,
    #[serde(rename = "type")]
    cert_type: Option<String>,
    instance_id: Option<String>,
    signature_algorithm: Option<String>,
    algorithm_type: Option<String>,
}

pub async fn list_certificates(project: InProject, Query(query): Query<CertificateQuery>) -> Reply {
    let page = page(query.offset, query.limit)?;
    let caller = project.allow(act::domains::getCertificate).await?;
    let filter = CertificateFilter {
        name: query.name.as_deref(),
        common_name: query.common_name.as_deref(),
        cert_type: query.cert_type.as_deref(),
        gateway_id: query.instance_id.as_deref(),
        algorithm_type: query.algorithm_type.as_deref(),
        signature_algorithm: query.signature_algorithm.as_deref(),
    };
    let page = certificates::list(caller.cx(), &filter, page).await?;
    let certs: Vec<Value> = page
        .certificates
        .iter()
        .map(|c| without(certificate(c), LISTED_WITHOUT))
        .collect();
    Ok(Json(
        json!({ "size": certs.len(), "total": page.total, "certs": certs }),
    ))
}

pub async fn show_certificate(
    project: InProject,
    Path((_, certificate_id)): Path<(String, String)>,
) -> Reply {
    let caller = project
        .allow_on(act::domains::getCertificate, &certificate_id)
        .await?;
    let found = certificates::get(caller.cx(), &certificate_id).await?;
    Ok(Json(certificate(&found)))
}

pub async fn update_certificate(
    State(state): State<MgmtState>,
    project: InProject,
    Path((_, certificate_id)): Path<(String, String)>,
    Body(body): Body<CertificateBody>,
) -> Reply {
    let caller = project
        .allow_on(act::domains::bindCertificate, &certificate_id)
        .await?;
    let updated = certificates::update(
        &state.pool,
        &state.master_key,
        &caller,
        &certificate_id,
        &body.upload(),
    )
    .await?;
    Ok(Json(certificate(&updated)))
}

pub async fn delete_certificate(
    project: InProject,
    Path((_, certificate_id)): Path<(String, String)>,
) -> Done {
    let caller = project
        .allow_on(act::domains::unbindCertificate, &certificate_id)
        .await?;
    certificates::delete(caller.cx(), &certificate_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachedQuery {
    offset: Option<i64>,
    limit: Option<i64>,
    url_domain: Option<String>,
}

pub async fn attached_domains(
    project: InProject,
    Path((_, certificate_id)): Path<(String, String)>,
    Query(query): Query<AttachedQuery>,
) -> Reply {
    let page = page(query.offset, query.limit)?;
    let caller = project
        .allow_on(act::domains::getCertificate, &certificate_id)
        .await?;
    let (found, total) = certificates::attached_domains(
        caller.cx(),
        &certificate_id,
        query.url_domain.as_deref(),
        page,
    )
    .await?;
    let bound: Vec<Value> = found
        .iter()
        .map(|(domain, group_name, gateway_id)| {
            let mut value = reference(domain);
            value["api_group_id"] = json!(domain.group_id);
            value["api_group_name"] = json!(group_name);
            value["instance_id"] = json!(gateway_id);
            value
        })
        .collect();
    Ok(Json(
        json!({ "size": bound.len(), "total": total, "bound_domains": bound }),
    ))
}

#[derive(Deserialize)]
pub struct DomainNames {
    #[serde(default)]
    domains: Vec<DomainName>,
}

#[derive(Deserialize)]
pub struct DomainName {
    domain: String,
    #[serde(default)]
    instance_ids: Vec<String>,
}

/// Binds (or unbinds) a certificate to domains named by their names, in the listed gateways.
pub async fn link_domains<L: Linking>(
    project: InProject,
    Path((_, certificate_id)): Path<(String, String)>,
    Body(names): Body<DomainNames>,
) -> Done {
    let caller = project.allow_on(L::LINK.action(), &certificate_id).await?;
    if names.domains.is_empty() {
        return Err(AppError::invalid("domains", "Name at least one domain.").into());
    }
    for name in &names.domains {
        let (gateway_id, group_id, domain_id) = domains::find(caller.cx(), &name.domain).await?;
        if !name.instance_ids.is_empty() && !name.instance_ids.contains(&gateway_id) {
            return Err(AppError::not_found(
                Kind::Domain,
                format!("Domain {} in the listed gateways", name.domain),
            )
            .into());
        }
        domains::link(
            caller.cx(),
            &gateway_id,
            &group_id,
            &domain_id,
            &certificate_id,
            L::LINK,
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
