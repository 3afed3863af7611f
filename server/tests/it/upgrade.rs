//! Upgrades run one process at a time, so the previous release runs beside this one for a
//! while: a renamed table keeps a view under its old name, and what either release writes
//! the other reads.
use serde_json::json;

use crate::iam_support::{domain_id, role_id};
use crate::support::{text, TestApp};

/// The rows of `table`, in a stable order.
async fn rows(app: &TestApp, table: &str) -> Vec<String> {
    app.scalars(&format!("SELECT t::text FROM {table} t ORDER BY 1"))
        .await
}

#[tokio::test]
async fn the_previous_release_reads_and_writes_under_the_old_table_names() {
    let (app, admin) = TestApp::with_admin().await;
    let (status, created) =
        api!(app, admin, POST "/v3/groups", { "group": { "name": "upgraders" } });
    assert_eq!(status, 201, "{created}");
    let group = text(&created["group"]["id"]);
    let admin_id: String = app
        .scalar("SELECT id FROM users WHERE name = 'admin'")
        .await;

    // The previous release adds a member under the old name, as it always did; this one
    // lists the member.
    sqlx::query(
        "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(&group)
    .bind(&admin_id)
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, members) = api!(app, admin, GET "/v3/groups/{group}/users");
    assert_eq!(status, 200, "{members}");
    assert_eq!(members["users"][0]["id"], admin_id.as_str(), "{members}");

    // This release grants a policy and creates a custom one; the previous release reads
    // both under the old names.
    let domain = domain_id(&app, &admin).await;
    let reader = role_id(&app, &admin, "APIG ReadOnlyAccess").await;
    let path = format!("/v3/domains/{domain}/groups/{group}/roles/{reader}");
    let (status, body) = api!(app, admin, PUT(&path));
    assert_eq!(status, 204, "{body}");
    let policy = json!({ "role": { "display_name": "upgrade check", "type": "XA",
        "policy": { "Version": "1.1", "Statement": [{ "Effect": "Allow", "Action": ["apig:apis:get"] }] } } });
    let (status, created) = api!(app, admin, POST "/v3.0/OS-ROLE/roles", policy);
    assert_eq!(status, 201, "{created}");
    for (old, new) in [
        ("group_members", "user_group_members"),
        ("group_grants", "user_group_grants"),
        ("custom_policies", "permission_policies"),
        ("group_domains", "api_group_domains"),
    ] {
        assert_eq!(
            rows(&app, old).await,
            rows(&app, new).await,
            "{old} → {new}"
        );
    }
    let granted: Vec<String> =
        sqlx::query_scalar("SELECT policy_id FROM group_grants WHERE group_id = $1")
            .bind(&group)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(granted, [reader]);
    let named: Vec<String> = sqlx::query_scalar("SELECT name FROM custom_policies WHERE id = $1")
        .bind(created["role"]["id"].as_str().unwrap())
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(named, ["upgrade check"]);
}
