//! A gateway's settings after creation: its parameters (features), tags and custom inbound
//! ports. Each change is audited and bumps the configuration revision.
use super::*;
use crate::model::permission::actions::apig as act;
use crate::services::change::{Change, Table};

/// Every supported parameter: its setting, or its default.
pub async fn features(cx: Cx<'_>, id: &str) -> Result<Vec<FeatureState>, AppError> {
    let gateway = get(cx, id).await?;
    let rows = sqlx::query!(
        "SELECT id, name, enabled, config, updated_at FROM gateway_features WHERE gateway_id = $1",
        id
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rules::FEATURES
        .iter()
        .map(|spec| match rows.iter().find(|r| r.name == spec.name) {
            Some(row) => FeatureState {
                id: row.id.clone(),
                name: row.name.clone(),
                enabled: row.enabled,
                config: row.config.clone(),
                updated_at: format_time(row.updated_at),
            },
            // Never set: the id it will keep when set, and the gateway's creation time.
            None => FeatureState {
                id: feature_id(id, spec.name),
                updated_at: gateway.created_at.clone(),
                ..spec.default_state()
            },
        })
        .collect())
}

/// Sets one parameter; returns its new state.
pub async fn set_feature(
    cx: Cx<'_>,
    id: &str,
    setting: &FeatureSetting,
) -> Result<FeatureState, AppError> {
    let current = get(cx, id).await?;
    let setting = rules::validate_feature(setting)?;
    let mut change = Change::served(cx).await?;
    upsert_feature(&mut change, id, &setting).await?;
    change
        .commit_on(
            act::features::create,
            id,
            &current.name,
            &format!(
                "{} {} {}",
                setting.name,
                if setting.enabled { "on" } else { "off" },
                setting.config
            ),
        )
        .await?;
    features(cx, id)
        .await?
        .into_iter()
        .find(|f| f.name == setting.name)
        .ok_or_else(|| AppError::Internal("a parameter just set is missing".to_owned()))
}

/// Adds (`create`) or removes (`delete`) tags. Adding a key that exists changes its value;
/// removing one that does not exist changes nothing.
pub async fn change_tags(
    cx: Cx<'_>,
    id: &str,
    action: &str,
    tags: &[Tag],
) -> Result<Vec<Tag>, AppError> {
    let current = get(cx, id).await?;
    let audit_action = match action {
        "create" => act::instanceTags::create,
        "delete" => act::instanceTags::delete,
        other => {
            return Err(AppError::invalid(
                "action",
                format!("The action is create or delete, not {other:?}."),
            ))
        }
    };
    let mut change = Change::begin(cx).await?;
    if action == "create" {
        rules::validate_tags(tags)?;
        let mut merged = current.tags.clone();
        for tag in tags {
            match merged.iter_mut().find(|t| t.key == tag.key) {
                Some(existing) => existing.value.clone_from(&tag.value),
                None => merged.push(tag.clone()),
            }
        }
        if merged.len() > MAX_TAGS {
            return Err(AppError::invalid(
                "tags",
                format!(
                    "A gateway has at most {MAX_TAGS} tags; it has {} and this adds {}.",
                    current.tags.len(),
                    merged.len() - current.tags.len()
                ),
            ));
        }
        for tag in tags {
            sqlx::query!(
                "INSERT INTO gateway_tags (gateway_id, key, value) VALUES ($1, $2, $3)
                 ON CONFLICT (gateway_id, key) DO UPDATE SET value = excluded.value",
                id,
                tag.key,
                tag.value
            )
            .execute(&mut *change)
            .await?;
        }
    } else {
        let keys: Vec<String> = tags.iter().map(|t| t.key.clone()).collect();
        sqlx::query!(
            "DELETE FROM gateway_tags WHERE gateway_id = $1 AND key = ANY($2)",
            id,
            &keys
        )
        .execute(&mut *change)
        .await?;
    }
    let keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    change
        .commit_on(audit_action, id, &current.name, &keys.join(", "))
        .await?;
    Ok(get(cx, id).await?.tags)
}

/// Every tag key in the project with the values it has.
pub async fn project_tags(cx: Cx<'_>) -> Result<Vec<(String, Vec<String>)>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.key, array_agg(DISTINCT t.value ORDER BY t.value) AS "values!"
             FROM gateway_tags t JOIN gateways g ON g.id = t.gateway_id
            WHERE g.project_id = $1 GROUP BY t.key ORDER BY t.key"#,
        cx.caller.project_id
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.values)).collect())
}

pub async fn ingress_ports(cx: Cx<'_>, id: &str) -> Result<Vec<IngressPort>, AppError> {
    get(cx, id).await?;
    let ports = sqlx::query_as!(
        IngressPort,
        "SELECT id, protocol, port FROM gateway_ingress_ports WHERE gateway_id = $1 ORDER BY port",
        id
    )
    .fetch_all(cx.pool)
    .await?;
    Ok(ports)
}

pub async fn add_ingress_port(
    cx: Cx<'_>,
    id: &str,
    port: &NewIngressPort,
) -> Result<IngressPort, AppError> {
    let current = get(cx, id).await?;
    rules::validate_ingress_port("ingress_port", port).map_err(|e| match e {
        AppError::Invalid { field, message } => AppError::invalid(
            field.strip_prefix("ingress_port.").unwrap_or(&field),
            message,
        ),
        other => other,
    })?;
    let mut change = Change::served(cx).await?;
    change.lock(Table::Gateways, id).await?;
    let held = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM gateway_ingress_ports WHERE gateway_id = $1"#,
        id
    )
    .fetch_one(&mut *change)
    .await?;
    if held >= MAX_INGRESS_PORTS as i64 {
        return Err(AppError::conflict(
            None,
            format!("A gateway has at most {MAX_INGRESS_PORTS} inbound ports."),
        ));
    }
    ports_free(&mut change, std::slice::from_ref(port)).await?;
    let created = insert_port(&mut change, id, port).await?;
    change
        .commit_on(
            act::instances::update,
            id,
            &current.name,
            &format!("inbound port {} {} added", port.protocol, port.port),
        )
        .await?;
    Ok(created)
}

pub async fn delete_ingress_port(cx: Cx<'_>, id: &str, port_id: &str) -> Result<(), AppError> {
    let current = get(cx, id).await?;
    let mut change = Change::served(cx).await?;
    let removed = sqlx::query!(
        "DELETE FROM gateway_ingress_ports WHERE id = $1 AND gateway_id = $2 RETURNING protocol, port",
        port_id,
        id
    )
    .fetch_optional(&mut *change)
    .await?
    .ok_or_else(|| AppError::not_found(Kind::IngressPort, format!("Inbound port {port_id}")))?;
    change
        .commit_on(
            act::instances::update,
            id,
            &current.name,
            &format!("inbound port {} {} removed", removed.protocol, removed.port),
        )
        .await
}
