//! What the gateway runtime serves, read in one consistent transaction: every publication
//! with the definition of its live version, the groups and how they are reached (subdomain,
//! bound domains, a gateway's inbound ports for its DEFAULT group), environment variables
//! and the gateway parameters the data plane applies. The runtime compiles this into its
//! snapshot; nothing here is read while a request is served.
use std::collections::HashMap;
use std::sync::Mutex;

use sqlx::PgPool;

use crate::services::caller::{Caller, Cx};
use time::OffsetDateTime;

use crate::error::AppError;
use crate::model::api::ApiDefinition;
use crate::model::credential::FROZEN;
use crate::model::gateway::{feature_number, feature_spec, FeatureValue};
use crate::model::runtime::{
    GatewaySettings, RuntimeApi, RuntimeCertificate, RuntimeConfig, RuntimeCredential,
    RuntimeFailure, RuntimeGroup, RuntimeStatus,
};
use crate::services::secrets::MasterKey;

/// What this process's gateway runtime last did, written by its loader and read by the
/// console.
#[derive(Debug, Default)]
pub struct Health {
    state: Mutex<HealthState>,
}

#[derive(Debug, Default)]
struct HealthState {
    served_revision: i64,
    live_apis: usize,
    loaded_at: Option<OffsetDateTime>,
    failure: Option<(OffsetDateTime, String)>,
}

impl Health {
    /// A configuration was built and is served now.
    pub fn served(&self, revision: i64, live_apis: usize) {
        if let Ok(mut state) = self.state.lock() {
            *state = HealthState {
                served_revision: revision,
                live_apis,
                loaded_at: Some(OffsetDateTime::now_utc()),
                failure: None,
            };
        }
    }

    /// A build failed; what is served stays as it was.
    pub fn failed(&self, error: &AppError) {
        let message = match error {
            AppError::Internal(detail) => detail.clone(),
            other => other.to_string(),
        };
        if let Ok(mut state) = self.state.lock() {
            state.failure = Some((OffsetDateTime::now_utc(), message));
        }
    }

    /// Why the last build failed, if it did.
    pub fn failure(&self) -> Option<String> {
        self.state
            .lock()
            .ok()
            .and_then(|state| state.failure.as_ref().map(|(_, message)| message.clone()))
    }

    /// The runtime's status against the latest committed revision.
    pub async fn status(&self, pool: &PgPool) -> Result<RuntimeStatus, AppError> {
        let committed_revision = crate::services::revision::current(pool).await?;
        let state = self
            .state
            .lock()
            .map_err(|_| AppError::Internal("the runtime status is unavailable".into()))?;
        Ok(RuntimeStatus {
            served_revision: state.served_revision,
            committed_revision,
            live_apis: state.live_apis,
            loaded_at: state.loaded_at.map(crate::services::audit::format_time),
            failure: state.failure.as_ref().map(|(at, message)| RuntimeFailure {
                at: crate::services::audit::format_time(*at),
                message: message.clone(),
            }),
        })
    }
}

/// A read-only transaction that sees one committed state throughout (what a snapshot is
/// read in).
pub(crate) async fn consistent(
    pool: &PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Reads everything the runtime serves, as of one revision; certificate keys are decrypted
/// with `master`.
pub async fn load(pool: &PgPool, master: &MasterKey) -> Result<RuntimeConfig, AppError> {
    let mut tx = consistent(pool).await?;
    let revision = sqlx::query_scalar!("SELECT revision FROM config_revision")
        .fetch_one(&mut *tx)
        .await?;
    let groups =
        sqlx::query!("SELECT id, gateway_id, is_default, sl_domain_access_enabled FROM api_groups")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| RuntimeGroup {
                id: r.id,
                gateway_id: r.gateway_id,
                is_default: r.is_default,
                sl_domain_access_enabled: r.sl_domain_access_enabled,
            })
            .collect();
    let domains = sqlx::query!("SELECT domain, group_id FROM api_group_domains")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.domain, r.group_id))
        .collect();
    let ports = sqlx::query!("SELECT port, protocol, gateway_id FROM gateway_ingress_ports")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .filter_map(|r| Some((u16::try_from(r.port).ok()?, r.protocol, r.gateway_id)))
        .collect();
    let rows = sqlx::query!(
        r#"SELECT p.api_id, p.gateway_id, a.group_id, p.env_id, e.name AS "env_name", p.version_id, v.definition
             FROM api_publications p
             JOIN apis a ON a.id = p.api_id
             JOIN api_versions v ON v.id = p.version_id
             JOIN environments e ON e.gateway_id = p.gateway_id AND e.id = p.env_id"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut publications = Vec::with_capacity(rows.len());
    for row in rows {
        let definition: ApiDefinition =
            serde_json::from_value(row.definition).map_err(|error| {
                AppError::Internal(format!(
                    "the published version {} of API {} does not read: {error}",
                    row.version_id, row.api_id
                ))
            })?;
        publications.push(RuntimeApi {
            api_id: row.api_id,
            gateway_id: row.gateway_id,
            group_id: row.group_id,
            env_id: row.env_id,
            env_name: row.env_name,
            version_id: row.version_id,
            definition,
        });
    }
    let mut variables: HashMap<(String, String), HashMap<String, String>> = HashMap::new();
    for row in sqlx::query!("SELECT group_id, env_id, name, value FROM env_variables")
        .fetch_all(&mut *tx)
        .await?
    {
        variables
            .entry((row.group_id, row.env_id))
            .or_default()
            .insert(row.name, row.value);
    }
    let mut gateways: HashMap<String, GatewaySettings> = HashMap::new();
    let body_spec = feature_spec("request_body_size")
        .ok_or_else(|| AppError::Internal("request_body_size is not a gateway parameter".into()))?;
    let FeatureValue::Number { default, .. } = body_spec.value else {
        return Err(AppError::Internal(
            "request_body_size is not a number".into(),
        ));
    };
    let default_body = u64::try_from(default).unwrap_or(u64::MAX);
    for id in sqlx::query_scalar!("SELECT id FROM gateways")
        .fetch_all(&mut *tx)
        .await?
    {
        gateways.insert(
            id,
            GatewaySettings {
                request_body_size: default_body,
                app_code_http: false,
                app_secret: false,
                app_basic: false,
            },
        );
    }
    for row in sqlx::query!(
        "SELECT gateway_id, config FROM gateway_features WHERE name = 'request_body_size' AND enabled"
    )
    .fetch_all(&mut *tx)
    .await?
    {
        let bytes = feature_number(body_spec, &row.config).and_then(|n| u64::try_from(n).ok());
        if let (Some(settings), Some(bytes)) = (gateways.get_mut(&row.gateway_id), bytes) {
            settings.request_body_size = bytes;
        }
    }
    for row in sqlx::query!(
        "SELECT gateway_id, name FROM gateway_features
          WHERE name IN ('app_code_http', 'app_secret', 'app_basic') AND enabled"
    )
    .fetch_all(&mut *tx)
    .await?
    {
        if let Some(settings) = gateways.get_mut(&row.gateway_id) {
            match row.name.as_str() {
                "app_code_http" => settings.app_code_http = true,
                "app_secret" => settings.app_secret = true,
                _ => settings.app_basic = true,
            }
        }
    }
    let mut certificates = Vec::new();
    for row in sqlx::query!(
        "SELECT d.domain, c.cert_pem, c.key_sealed FROM api_group_domains d JOIN certificates c ON c.id = d.certificate_id"
    )
    .fetch_all(&mut *tx)
    .await?
    {
        let key = master.open(&row.key_sealed).map_err(|error| {
            AppError::Internal(format!(
                "the private key of the certificate of {} cannot be decrypted ({error}); is PORTICO_MASTER_KEY the key it was stored with?",
                row.domain
            ))
        })?;
        certificates.push(RuntimeCertificate {
            domain: row.domain,
            cert_pem: row.cert_pem,
            key_pem: String::from_utf8(key)
                .map_err(|_| AppError::Internal("a certificate key is not text".into()))?,
        });
    }
    let credentials = credentials(&mut tx, master).await?;
    let authorizations = sqlx::query!("SELECT credential_id, api_id, env_id FROM app_auths")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.credential_id, r.api_id, r.env_id))
        .collect();
    tx.commit().await?;
    Ok(RuntimeConfig {
        revision,
        groups,
        domains,
        ports,
        publications,
        variables,
        gateways,
        certificates,
        credentials,
        authorizations,
    })
}

/// Every credential with its secret and AppCodes opened with `master`.
async fn credentials(
    tx: &mut sqlx::PgConnection,
    master: &MasterKey,
) -> Result<Vec<RuntimeCredential>, AppError> {
    let unreadable = |what: &str, id: &str, error: AppError| {
        AppError::Internal(format!(
            "the {what} of credential {id} cannot be decrypted ({error}); is PORTICO_MASTER_KEY the key it was stored with?"
        ))
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    let mut codes: HashMap<String, Vec<String>> = HashMap::new();
    for row in sqlx::query!("SELECT credential_id, code_sealed FROM app_codes ORDER BY created_at")
        .fetch_all(&mut *tx)
        .await?
    {
        let code = master
            .open(&row.code_sealed)
            .map_err(|e| unreadable("AppCode", &row.credential_id, e))?;
        codes.entry(row.credential_id).or_default().push(text(code));
    }
    let mut acls: HashMap<String, (bool, Vec<String>)> = HashMap::new();
    for row in sqlx::query!("SELECT credential_id, acl_type, acl_values FROM credential_acls")
        .fetch_all(&mut *tx)
        .await?
    {
        acls.insert(
            row.credential_id,
            (row.acl_type == "PERMIT", row.acl_values),
        );
    }
    let mut credentials = Vec::new();
    for row in
        sqlx::query!("SELECT id, gateway_id, name, app_key, secret_sealed, status FROM credentials")
            .fetch_all(&mut *tx)
            .await?
    {
        let secret = master
            .open(&row.secret_sealed)
            .map_err(|e| unreadable("secret", &row.id, e))?;
        credentials.push(RuntimeCredential {
            app_codes: codes.remove(&row.id).unwrap_or_default(),
            acl: acls.remove(&row.id),
            id: row.id,
            gateway_id: row.gateway_id,
            name: row.name,
            app_key: row.app_key,
            app_secret: text(secret),
            frozen: row.status == FROZEN,
        });
    }
    Ok(credentials)
}

/// The configuration a draft is debugged with (APIG's DEVELOPER mode): what `load` reads,
/// with the API's draft definition as the only API live, in its group's `stage`. Nothing is
/// published or stored.
pub async fn draft(
    pool: &PgPool,
    master: &MasterKey,
    caller: &Caller,
    gateway_id: &str,
    api_id: &str,
    stage: &str,
) -> Result<RuntimeConfig, AppError> {
    let api = crate::services::apig::apis::get(Cx { pool, caller }, gateway_id, api_id).await?;
    let all = crate::model::paging::Page::new(Some(0), Some(crate::model::paging::MAX_LIMIT));
    let (_, environments) =
        crate::services::apig::environments::list(Cx { pool, caller }, gateway_id, None, all)
            .await?;
    let environment = environments
        .into_iter()
        .find(|e| e.name.eq_ignore_ascii_case(stage))
        .ok_or_else(|| {
            AppError::invalid("stage", format!("The gateway has no environment {stage}."))
        })?;
    let mut config = load(pool, master).await?;
    config.publications = vec![RuntimeApi {
        api_id: api.id,
        gateway_id: gateway_id.to_owned(),
        group_id: api.definition.group_id.clone(),
        env_id: environment.id,
        env_name: environment.name,
        version_id: "draft".to_owned(),
        definition: api.definition,
    }];
    Ok(config)
}
