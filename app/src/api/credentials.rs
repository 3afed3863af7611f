//! Server functions of a gateway's Credentials pages and the Authorize-credentials wizard.
//! Each checks one IAM action for the signed-in user and calls the service layer. Lists
//! and details leave the secret out; it is revealed on demand to who may read credentials
//! (`apig:apps:get`), as are AppCodes.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::api_group::Environment;
use crate::model::credential::{AppCode, Authorization, Credential, CredentialAcl};

#[cfg(feature = "ssr")]
use super::ctx::{self, master_key};
#[cfg(feature = "ssr")]
use crate::model::permission::actions::apig as act;
#[cfg(feature = "ssr")]
use crate::services::apig::{app_codes, authorizations, credentials};

/// A gateway's credentials, secrets left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsView {
    pub gateway_name: String,
    pub credentials: Vec<Credential>,
}

/// An API a credential can be authorized for (APP authentication).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizableApi {
    pub id: String,
    pub name: String,
    pub group_id: String,
    pub group_name: String,
    pub method: String,
    pub path: String,
    /// Whether it takes AppCodes (`X-Apig-AppCode`).
    pub app_code: bool,
    /// A domain of its group bound with a certificate: where it answers over HTTPS.
    pub https_domain: Option<String>,
    /// The environments it is live in, by id.
    pub live_in: Vec<String>,
}

/// One credential with what it holds: AppCodes, authorizations, access control, and what
/// the forms offer (environments, APIs with APP authentication).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialView {
    pub gateway_name: String,
    pub credential: Credential,
    pub app_codes: Vec<AppCode>,
    pub authorizations: Vec<Authorization>,
    pub acl: Option<CredentialAcl>,
    pub environments: Vec<Environment>,
    pub apis: Vec<AuthorizableApi>,
}

/// Everything the Authorize-credentials wizard chooses from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeChoices {
    pub gateway_name: String,
    pub credentials: Vec<Credential>,
    pub environments: Vec<Environment>,
    pub apis: Vec<AuthorizableApi>,
    /// How callers reach the gateway.
    pub endpoints: crate::model::gateway::Endpoints,
    /// The gateway accepts AppCodes over plain HTTP (`app_code_http`).
    pub app_code_http: bool,
}

/// The credential with its secret blank.
#[cfg(feature = "ssr")]
fn without_secret(mut credential: Credential) -> Credential {
    credential.app_secret.clear();
    credential
}

#[cfg(feature = "ssr")]
async fn all_credentials(
    cx: crate::services::caller::Cx<'_>,
    gateway_id: &str,
) -> Result<Vec<Credential>, AppError> {
    use crate::model::paging::{Page, MAX_LIMIT};
    let all = Page::new(Some(0), Some(MAX_LIMIT));
    let filter = credentials::CredentialFilter::default();
    let (_, found) = credentials::list(cx, &master_key()?, gateway_id, &filter, all).await?;
    Ok(found.into_iter().map(without_secret).collect())
}

/// The gateway's APIs with APP authentication, with where each is live.
#[cfg(feature = "ssr")]
async fn authorizable(
    cx: crate::services::caller::Cx<'_>,
    gateway_id: &str,
) -> Result<Vec<AuthorizableApi>, AppError> {
    use crate::model::paging::{Page, MAX_LIMIT};
    use crate::services::apig::apis::{self, ApiFilter};
    let filter = ApiFilter {
        auth_type: Some("APP".to_owned()),
        ..Default::default()
    };
    let (_, found) =
        apis::list(cx, gateway_id, &filter, Page::new(Some(0), Some(MAX_LIMIT))).await?;
    let groups: Vec<String> = found
        .iter()
        .map(|a| a.definition.group_id.clone())
        .collect();
    let domains = crate::services::apig::domains::of_groups(cx.pool, gateway_id, &groups).await?;
    let https_domain = |group_id: &str| {
        domains
            .iter()
            .find(|d| {
                d.group_id == group_id && d.certificate.is_some() && !d.domain.starts_with('*')
            })
            .map(|d| d.domain.clone())
    };
    Ok(found
        .into_iter()
        .map(|api| AuthorizableApi {
            https_domain: https_domain(&api.definition.group_id),
            app_code: api.definition.auth_opt.app_code_auth_type == "HEADER",
            live_in: api.publications.iter().map(|p| p.env_id.clone()).collect(),
            id: api.id,
            name: api.definition.name,
            group_id: api.definition.group_id,
            group_name: api.group_name,
            method: api.definition.req_method,
            path: api.definition.req_uri,
        })
        .collect())
}

#[cfg(feature = "ssr")]
async fn all_environments(
    cx: crate::services::caller::Cx<'_>,
    gateway_id: &str,
) -> Result<Vec<Environment>, AppError> {
    use crate::model::paging::{Page, MAX_LIMIT};
    let all = Page::new(Some(0), Some(MAX_LIMIT));
    let (_, environments) =
        crate::services::apig::environments::list(cx, gateway_id, None, all).await?;
    Ok(environments)
}

#[server(endpoint = "credentials/list")]
pub async fn list_credentials(gateway_id: String) -> Result<CredentialsView, AppError> {
    ctx::allowed_in(act::apps::list, &gateway_id, async |cx| {
        let gateway = crate::services::apig::gateways::get(cx, &gateway_id).await?;
        Ok(CredentialsView {
            gateway_name: gateway.name,
            credentials: all_credentials(cx, &gateway_id).await?,
        })
    })
    .await
}

/// Creates a credential; its creator sees the generated secret once, in the answer.
#[server(endpoint = "credentials/create")]
pub async fn create_credential(
    gateway_id: String,
    name: String,
    remark: String,
) -> Result<Credential, AppError> {
    ctx::allowed_in(act::apps::create, &gateway_id, async |cx| {
        let new = crate::model::credential::NewCredential {
            name: name.trim().to_owned(),
            remark,
            app_key: None,
            app_secret: None,
        };
        credentials::create(cx, &master_key()?, &gateway_id, &new).await
    })
    .await
}

#[server(endpoint = "credentials/delete")]
pub async fn delete_credential(gateway_id: String, id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::apps::delete, &gateway_id, async |cx| {
        credentials::delete(cx, &master_key()?, &gateway_id, &id).await
    })
    .await
}

#[server(endpoint = "credentials/get")]
pub async fn credential_detail(gateway_id: String, id: String) -> Result<CredentialView, AppError> {
    use crate::model::paging::{Page, MAX_LIMIT};
    ctx::allowed_in(act::apps::get, &gateway_id, async |cx| {
        let master = master_key()?;
        let gateway = crate::services::apig::gateways::get(cx, &gateway_id).await?;
        let credential = credentials::get(cx, &master, &gateway_id, &id).await?;
        let all = Page::new(Some(0), Some(MAX_LIMIT));
        let (_, app_codes) = app_codes::list(cx, &master, &gateway_id, &id, all).await?;
        let filter = authorizations::AuthorizationFilter {
            credential_id: Some(&id),
            ..Default::default()
        };
        let (_, authorizations) = authorizations::list(cx, &gateway_id, &filter, all).await?;
        Ok(CredentialView {
            gateway_name: gateway.name,
            credential: without_secret(credential),
            app_codes,
            authorizations,
            acl: credentials::acl(cx, &master, &gateway_id, &id).await?,
            environments: all_environments(cx, &gateway_id).await?,
            apis: authorizable(cx, &gateway_id).await?,
        })
    })
    .await
}

/// The credential's secret, for who may read credentials.
#[server(endpoint = "credentials/secret")]
pub async fn reveal_secret(gateway_id: String, id: String) -> Result<String, AppError> {
    ctx::allowed_in(act::apps::get, &gateway_id, async |cx| {
        Ok(credentials::get(cx, &master_key()?, &gateway_id, &id)
            .await?
            .app_secret)
    })
    .await
}

/// A new generated secret; the old one stops working at once.
#[server(endpoint = "credentials/reset_secret")]
pub async fn reset_credential_secret(gateway_id: String, id: String) -> Result<String, AppError> {
    ctx::allowed_in(act::apps::update, &gateway_id, async |cx| {
        Ok(
            credentials::reset_secret(cx, &master_key()?, &gateway_id, &id, None)
                .await?
                .app_secret,
        )
    })
    .await
}

#[server(endpoint = "credentials/freeze")]
pub async fn freeze_credential(
    gateway_id: String,
    id: String,
    frozen: bool,
) -> Result<(), AppError> {
    ctx::allowed_in(act::apps::update, &gateway_id, async |cx| {
        credentials::set_frozen(cx, &master_key()?, &gateway_id, &id, frozen).await?;
        Ok(())
    })
    .await
}

/// Adds an AppCode, generated when `app_code` is blank.
#[server(endpoint = "credentials/add_app_code")]
pub async fn add_app_code(
    gateway_id: String,
    id: String,
    app_code: String,
) -> Result<AppCode, AppError> {
    ctx::allowed_in(act::appCodes::create, &gateway_id, async |cx| {
        let chosen = Some(app_code.trim()).filter(|c| !c.is_empty());
        app_codes::add(cx, &master_key()?, &gateway_id, &id, chosen).await
    })
    .await
}

#[server(endpoint = "credentials/remove_app_code")]
pub async fn remove_app_code(
    gateway_id: String,
    id: String,
    code_id: String,
) -> Result<(), AppError> {
    ctx::allowed_in(act::appCodes::delete, &gateway_id, async |cx| {
        app_codes::remove(cx, &master_key()?, &gateway_id, &id, &code_id).await
    })
    .await
}

/// Sets the credential's access control from the entries, one per line.
#[server(endpoint = "credentials/set_acl")]
pub async fn set_credential_acl(
    gateway_id: String,
    id: String,
    permit: bool,
    entries: String,
) -> Result<CredentialAcl, AppError> {
    ctx::allowed_in(act::apps::update, &gateway_id, async |cx| {
        let values = entry_lines(&entries);
        credentials::set_acl(cx, &master_key()?, &gateway_id, &id, (permit, &values)).await
    })
    .await
}

#[server(endpoint = "credentials/remove_acl")]
pub async fn remove_credential_acl(gateway_id: String, id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::apps::update, &gateway_id, async |cx| {
        credentials::remove_acl(cx, &master_key()?, &gateway_id, &id).await
    })
    .await
}

/// The non-blank lines of a list typed one entry per line (or separated by commas).
pub fn entry_lines(text: &str) -> Vec<String> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[server(endpoint = "credentials/scope")]
pub async fn authorize_scope(gateway_id: String) -> Result<AuthorizeChoices, AppError> {
    ctx::allowed_in(act::apps::list, &gateway_id, async |cx| {
        let gateway = crate::services::apig::gateways::get(cx, &gateway_id).await?;
        Ok(AuthorizeChoices {
            gateway_name: gateway.name,
            credentials: all_credentials(cx, &gateway_id).await?,
            environments: all_environments(cx, &gateway_id).await?,
            apis: authorizable(cx, &gateway_id).await?,
            endpoints: use_context::<crate::model::gateway::Endpoints>().unwrap_or_default(),
            app_code_http: crate::services::apig::gateways::features(cx, &gateway_id)
                .await?
                .iter()
                .any(|f| f.name == "app_code_http" && f.enabled),
        })
    })
    .await
}

/// What the wizard authorized, with what its sample code needs: the credential's key and
/// secret and, if it has one, an AppCode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorized {
    pub authorizations: Vec<Authorization>,
    pub app_key: String,
    pub app_secret: String,
    pub app_code: Option<String>,
}

/// Authorizes the credential `id` (or a new one named `new_name`) for `api_ids` in the
/// environment `env_id`, in one transaction.
#[server(endpoint = "credentials/authorize", input = server_fn::codec::Json)]
pub async fn authorize_credential(
    gateway_id: String,
    id: String,
    new_name: String,
    env_id: String,
    api_ids: Vec<String>,
) -> Result<Authorized, AppError> {
    ctx::allowed_in(act::apis::grantAppAccess, &gateway_id, async |cx| {
        let master = master_key()?;
        let credential = match id.is_empty() {
            false => credentials::get(cx, &master, &gateway_id, &id).await?,
            true => {
                let new = crate::model::credential::NewCredential {
                    name: new_name.trim().to_owned(),
                    ..Default::default()
                };
                credentials::create(cx, &master, &gateway_id, &new).await?
            }
        };
        let ids = [credential.id.clone()];
        let made = authorizations::authorize(cx, &gateway_id, &env_id, &ids, &api_ids).await?;
        let all = crate::model::paging::Page::new(Some(0), Some(1));
        let (_, codes) = app_codes::list(cx, &master, &gateway_id, &credential.id, all).await?;
        Ok(Authorized {
            authorizations: made,
            app_key: credential.app_key,
            app_secret: credential.app_secret,
            app_code: codes.into_iter().next().map(|c| c.app_code),
        })
    })
    .await
}

#[server(endpoint = "credentials/revoke")]
pub async fn revoke_authorization(gateway_id: String, auth_id: String) -> Result<(), AppError> {
    ctx::allowed_in(act::apis::relieveAppAccess, &gateway_id, async |cx| {
        authorizations::revoke(cx, &gateway_id, &auth_id).await
    })
    .await
}

/// The credentials authorized for an API, for its page.
#[server(endpoint = "credentials/of_api")]
pub async fn api_authorizations(
    gateway_id: String,
    api_id: String,
) -> Result<Vec<Authorization>, AppError> {
    ctx::allowed_in(act::apis::listBindedApps, &gateway_id, async |cx| {
        let filter = authorizations::AuthorizationFilter {
            api_id: Some(&api_id),
            ..Default::default()
        };
        let all = crate::model::paging::Page::new(Some(0), Some(crate::model::paging::MAX_LIMIT));
        Ok(authorizations::list(cx, &gateway_id, &filter, all).await?.1)
    })
    .await
}
