//! Grants follow Huawei IAM's rules: `iam:` actions come only from grants in all projects,
//! a policy naming them cannot be granted in one project, and nobody grants more than they
//! hold where the grant applies. Policies themselves are validated, and a Deny wins.
use serde_json::json;

use crate::console_iam::signed_in;
use crate::iam_support::assert_says;
use crate::iam_support::{
    admin_token, default_project, domain_id, role_id, user_with_policy, USER_PASSWORD,
};
use crate::support::{text, TestApp, ADMIN_PASSWORD};

/// The id of the IAM `kind` (`users`, `groups`) named `name`.
async fn id_named(app: &TestApp, admin: &str, kind: &str, name: &str) -> String {
    let (status, found) = api!(app, admin, GET "/v3/{kind}?name={name}");
    assert_eq!(status, 200, "{found}");
    text(&found[kind][0]["id"])
}

async fn group_named(app: &TestApp, admin: &str, name: &str) -> String {
    id_named(app, admin, "groups", name).await
}

/// Every grant of the group as (policy id, project id or "" for all projects), sorted.
async fn grants_of(app: &TestApp, group_id: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT policy_id, coalesce(project_id, '') FROM user_group_grants WHERE group_id = $1 ORDER BY 1, 2",
    )
    .bind(group_id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

fn message(body: &serde_json::Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn administering_iam_in_one_project_cannot_grant_anything_anywhere() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let domain = domain_id(&app, &admin).await;
    let iam_admin = role_id(&app, &admin, "IAM Administrator").await;
    let apig_admin = role_id(&app, &admin, "APIG Administrator").await;
    let (_, mallory) = user_with_policy(&app, &admin, "mallory", Some("APIG ReadOnlyAccess")).await;
    let group = group_named(&app, &admin, "mallory-group").await;

    // IAM Administrator in one project is refused with the reason, and nothing changes.
    let before = grants_of(&app, &group).await;
    let (status, error) =
        api!(app, admin, PUT "/v3/projects/{project}/groups/{group}/roles/{iam_admin}");
    assert_eq!(status, 400, "{error}");
    assert!(
        message(&error).contains("apply to the whole account: grant it in all projects"),
        "{error}"
    );
    assert_eq!(grants_of(&app, &group).await, before);

    // A project grant of IAM Administrator stored before the rule gives no IAM action: the
    // escalation it allowed (granting itself the administrator policies) is refused.
    sqlx::query(
        "INSERT INTO user_group_grants (group_id, policy_id, project_id) VALUES ($1, $2, $3)",
    )
    .bind(&group)
    .bind(&iam_admin)
    .bind(&project)
    .execute(&app.pool)
    .await
    .unwrap();
    let before = grants_of(&app, &group).await;
    for path in [
        format!("/v3/projects/{project}/groups/{group}/roles/{apig_admin}"),
        format!("/v3/domains/{domain}/groups/{group}/roles/{iam_admin}"),
        format!("/v3/OS-INHERIT/domains/{domain}/groups/{group}/roles/{apig_admin}/inherited_to_projects"),
    ] {
        let (status, error) = api!(app, mallory, PUT (&path));
        assert_eq!(status, 403, "PUT {path}: {error}");
        assert!(
            message(&error).contains("iam:permissions:grantRoleToGroupOnProject"),
            "{error}"
        );
    }
    let (status, _) = api!(app, mallory, GET "/v3/users");
    assert_eq!(status, 403, "listing users needs IAM in all projects");
    assert_eq!(grants_of(&app, &group).await, before);
    app.stop().await;
}

#[tokio::test]
async fn grants_in_all_projects_through_keystones_domain_calls() {
    let (app, admin) = TestApp::with_admin().await;
    let domain = domain_id(&app, &admin).await;
    let reader = role_id(&app, &admin, "IAM ReadOnlyAccess").await;
    let (_, auditor) = user_with_policy(&app, &admin, "auditor", None).await;
    user_with_policy(&app, &admin, "holder", Some("APIG ReadOnlyAccess")).await;
    let group = group_named(&app, &admin, "holder-group").await;
    let (status, _) = api!(app, auditor, GET "/v3/users");
    assert_eq!(status, 403);

    let direct = format!("/v3/domains/{domain}/groups/{group}/roles/{reader}");
    let inherited = format!(
        "/v3/OS-INHERIT/domains/{domain}/groups/{group}/roles/{reader}/inherited_to_projects"
    );
    let (status, body) = api!(app, admin, PUT(&direct));
    assert_eq!(status, 204, "{body}");
    // One grant in all projects, seen through both families of calls.
    for path in [&direct, &inherited] {
        let (status, _) = api!(app, admin, HEAD(path));
        assert_eq!(status, 204, "HEAD {path}");
    }
    let (status, listed) = api!(app, admin, GET "/v3/domains/{domain}/groups/{group}/roles");
    assert_eq!(status, 200, "{listed}");
    let names: Vec<&str> = listed["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["IAM ReadOnlyAccess"]);
    let (status, listed) = api!(app, admin, GET "/v3/OS-INHERIT/domains/{domain}/groups/{group}/roles/inherited_to_projects");
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["roles"][0]["id"], reader.as_str());
    assert!(listed["roles"][0].get("domain_id").is_none(), "{listed}");

    // The group's member now reads IAM, in every project.
    let member = format!(
        "/v3/groups/{group}/users/{}",
        user_id(&app, &admin, "auditor").await
    );
    let (status, _) = api!(app, admin, PUT(&member));
    assert_eq!(status, 204);
    let (status, users) = api!(app, auditor, GET "/v3/users");
    assert_eq!(status, 200, "{users}");

    // Another account's domain is not this one.
    let (status, error) = api!(app, admin, PUT "/v3/domains/0123456789abcdef0123456789abcdef/groups/{group}/roles/{reader}");
    assert_eq!(status, 404, "{error}");

    // Removed through the inherited form, gone from both.
    let (status, _) = api!(app, admin, DELETE(&inherited));
    assert_eq!(status, 204);
    for path in [&direct, &inherited] {
        let (status, _) = api!(app, admin, HEAD(path));
        assert_eq!(status, 404, "HEAD {path}");
    }
    let (status, _) = api!(app, auditor, GET "/v3/users");
    assert_eq!(status, 403);
    app.stop().await;
}

async fn user_id(app: &TestApp, admin: &str, name: &str) -> String {
    id_named(app, admin, "users", name).await
}

#[tokio::test]
async fn nobody_grants_more_than_they_hold_where_the_grant_applies() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let domain = domain_id(&app, &admin).await;
    // An IAM administrator who holds APIG ReadOnlyAccess in the project, nothing more of APIG.
    let (_, iam_admin) =
        user_with_policy(&app, &admin, "iamadmin", Some("IAM Administrator")).await;
    let own_group = group_named(&app, &admin, "iamadmin-group").await;
    let apig_reader = role_id(&app, &admin, "APIG ReadOnlyAccess").await;
    let (status, _) =
        api!(app, admin, PUT "/v3/projects/{project}/groups/{own_group}/roles/{apig_reader}");
    assert_eq!(status, 204);
    let (status, created) =
        api!(app, iam_admin, POST "/v3/groups", serde_json::json!({ "group": { "name": "team" } }));
    assert_eq!(status, 201, "{created}");
    let team = text(&created["group"]["id"]);

    let apig_full = role_id(&app, &admin, "APIG Administrator").await;
    let refused = [
        // More than held in the project.
        format!("/v3/projects/{project}/groups/{team}/roles/{apig_full}"),
        // Held in one project only, not in all of them.
        format!("/v3/OS-INHERIT/domains/{domain}/groups/{team}/roles/{apig_reader}/inherited_to_projects"),
    ];
    for path in &refused {
        let (status, error) = api!(app, iam_admin, PUT(path));
        assert_eq!(status, 403, "PUT {path}: {error}");
        assert!(
            message(&error).starts_with("You can grant only what you hold yourself"),
            "{error}"
        );
    }
    assert_eq!(grants_of(&app, &team).await, vec![]);

    // What it holds where it applies, it can grant.
    let iam_reader = role_id(&app, &admin, "IAM ReadOnlyAccess").await;
    for path in [
        format!("/v3/projects/{project}/groups/{team}/roles/{apig_reader}"),
        format!("/v3/domains/{domain}/groups/{team}/roles/{iam_reader}"),
    ] {
        let (status, body) = api!(app, iam_admin, PUT(&path));
        assert_eq!(status, 204, "PUT {path}: {body}");
    }
    assert_eq!(grants_of(&app, &team).await, {
        let mut expected = vec![
            (apig_reader.clone(), project.clone()),
            (iam_reader.clone(), String::new()),
        ];
        expected.sort();
        expected
    });
    app.stop().await;
}

#[tokio::test]
async fn the_console_grants_iam_policies_in_all_projects_only() {
    let app = TestApp::spawn().await;
    let admin_api = admin_token(&app).await;
    let project = default_project(&app, &admin_api).await;
    let iam_reader = role_id(&app, &admin_api, "IAM ReadOnlyAccess").await;
    let (status, created) = api!(app, admin_api, POST "/v3/groups",
        serde_json::json!({ "group": { "name": "readers" } }));
    assert_eq!(status, 201, "{created}");
    let group = text(&created["group"]["id"]);
    let admin = signed_in(&app, "admin", ADMIN_PASSWORD).await;

    // The grant form: the refusal belongs to its "Applies in" field.
    let grant = |project_id: &str| serde_json::json!({ "group_id": group, "policy_id": iam_reader, "project_id": project_id });
    let (status, error) = console!(app, admin, "iam/grant", grant(&project));
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["Invalid"]["field"], "project_id", "{error}");
    assert_eq!(grants_of(&app, &group).await, vec![]);
    let (status, body) = console!(app, admin, "iam/grant", grant(""));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        grants_of(&app, &group).await,
        vec![(iam_reader.clone(), String::new())]
    );

    // The user wizard, asked for the current project only, creates nothing and says why at
    // its policies step.
    let wizard = serde_json::json!({ "wizard": { "user": { "name": "newcomer", "email": "",
        "description": "", "password": USER_PASSWORD, "enabled": true, "access_mode": "default" },
        "group_ids": [], "new_group": "newcomers", "policy_ids": [iam_reader],
        "all_projects": false, "create_access_key": false } });
    let (status, error) = console!(app, admin, "iam/create_user_with_permissions", wizard);
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["Invalid"]["field"], "policies", "{error}");
    let created: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM users WHERE name = 'newcomer') + (SELECT count(*) FROM user_groups WHERE name = 'newcomers')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(created, 0, "nothing was created");
    app.stop().await;
}

#[tokio::test]
async fn permission_policies_are_validated_and_deny_wins() {
    let (app, admin) = TestApp::with_admin().await;
    let bad = json!({ "role": { "display_name": "broken", "type": "XA",
        "policy": { "Version": "1.1", "Statement": [{ "Effect": "Allow", "Action": ["iam:users:fly"] }] } } });
    let (status, error) = api!(app, admin, POST "/v3.0/OS-ROLE/roles", bad);
    assert_eq!(status, 400);
    assert_says(&error, "Statement[0].Action[0]");

    let deny = json!({ "role": { "display_name": "no user listing", "type": "XA",
        "policy": { "Version": "1.1", "Statement": [{ "Effect": "Deny", "Action": ["iam:users:list"] }] } } });
    let (status, created) = api!(app, admin, POST "/v3.0/OS-ROLE/roles", deny);
    assert_eq!(status, 201, "{created}");
    let deny_id = text(&created["role"]["id"]);

    let (_, iam_reader) =
        user_with_policy(&app, &admin, "auditor", Some("IAM ReadOnlyAccess")).await;
    let (status, _) = api!(app, iam_reader, GET "/v3/users");
    assert_eq!(status, 200);
    let (_, groups) = api!(app, admin, GET "/v3/groups?name=auditor-group");
    let group_id = text(&groups["groups"][0]["id"]);
    let domain = domain_id(&app, &admin).await;
    let (status, _) =
        api!(app, admin, PUT "/v3/domains/{domain}/groups/{group_id}/roles/{deny_id}");
    assert_eq!(status, 204);
    let (status, error) = api!(app, iam_reader, GET "/v3/users");
    assert_eq!(status, 403, "an explicit Deny wins: {error}");

    // A granted policy cannot be deleted.
    let (status, error) = api!(app, admin, DELETE "/v3.0/OS-ROLE/roles/{deny_id}");
    assert_eq!(status, 409);
    assert_says(&error, "auditor-group");
    app.stop().await;
}
