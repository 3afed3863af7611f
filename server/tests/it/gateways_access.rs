//! Who may do what with gateways: read-only users, the authorization table of every gateway
//! endpoint, grants limited to one gateway, and the cloud-only operations that answer 501.
use reqwest::Method;
use serde_json::{json, Value};

use crate::gateways::{create, instances, total};
use crate::iam_support::assert_says;
use crate::iam_support::{call, default_project, user_with_policy, user_with_role};
use crate::support::TestApp;

/// The tried-as-a-new-user walk through the API: a read-only user sees gateways but cannot
/// create one, and the refusal is in the audit log.
#[tokio::test]
async fn a_read_only_user_lists_gateways_but_cannot_create_one() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    create(
        &app,
        &admin,
        &project,
        json!({ "instance_name": "gw-prod", "spec_id": "BASIC" }),
    )
    .await;
    let (_, reader) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    assert_eq!(total(&app, &reader, &project).await, 1);
    let (status, error) = create(
        &app,
        &reader,
        &project,
        json!({ "instance_name": "gw-mine", "spec_id": "BASIC" }),
    )
    .await;
    assert_eq!(status, 403, "{error}");
    assert_eq!(error["error_code"], "APIG.1020");
    assert!(error["error_msg"]
        .as_str()
        .unwrap()
        .contains("apig:instances:create"));
    let refusals: Vec<(String, String)> = sqlx::query_as(
        "SELECT user_name, action FROM audit_records WHERE result = 'refused' AND resource_type = 'gateway'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        refusals,
        [("reader".to_owned(), "apig:instances:create".to_owned())]
    );
    assert_eq!(total(&app, &admin, &project).await, 1);
    app.stop().await;
}

/// Every gateway endpoint, for an administrator, an APIG read-only user and a user with no
/// policy; a project the caller's account lacks is 404.
#[tokio::test]
async fn authorization_table_covers_every_gateway_endpoint() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let (_, created) = create(
        &app,
        &admin,
        &project,
        json!({ "instance_name": "gw-prod", "spec_id": "BASIC" }),
    )
    .await;
    let id = created["instance_id"].as_str().unwrap();
    let (_, port) = api!(app, admin, POST (&format!("{}/{id}/custom-ingress-ports", instances(&project))),
        { "protocol": "HTTP", "ingress_port": 18090 });
    let port_id = port["ingress_port_id"].as_str().unwrap();
    let (_, reader) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let (_, nobody) = user_with_policy(&app, &admin, "nobody", None).await;
    let gw = format!("{}/{id}", instances(&project));
    // (method, path, body, is it a read)
    let endpoints: Vec<(Method, String, Option<Value>, bool)> = vec![
        (Method::GET, instances(&project), None, true),
        (Method::GET, gw.clone(), None, true),
        (Method::GET, format!("{gw}/progress"), None, true),
        (Method::GET, format!("{gw}/restriction"), None, true),
        (Method::GET, format!("{gw}/features"), None, true),
        (Method::GET, format!("{gw}/instance-features"), None, true),
        (Method::GET, format!("{gw}/instance-tags"), None, true),
        (
            Method::GET,
            format!("/v2/{project}/apigw/instance-tags"),
            None,
            true,
        ),
        (
            Method::GET,
            format!("{gw}/custom-ingress-ports"),
            None,
            true,
        ),
        (
            Method::POST,
            instances(&project),
            Some(json!({ "instance_name": "gw-table", "spec_id": "BASIC" })),
            false,
        ),
        (
            Method::PUT,
            gw.clone(),
            Some(json!({ "description": "changed" })),
            false,
        ),
        (
            Method::POST,
            format!("{gw}/features"),
            Some(json!({ "name": "app_route", "enable": true })),
            false,
        ),
        (
            Method::POST,
            format!("{gw}/instance-tags/action"),
            Some(json!({ "action": "create", "tags": [{ "key": "k", "value": "v" }] })),
            false,
        ),
        (
            Method::POST,
            format!("{gw}/instance-tags/action"),
            Some(json!({ "action": "delete", "tags": [{ "key": "k" }] })),
            false,
        ),
        (
            Method::POST,
            format!("{gw}/custom-ingress-ports"),
            Some(json!({ "protocol": "HTTPS", "ingress_port": 18091 })),
            false,
        ),
        (
            Method::DELETE,
            format!("{gw}/custom-ingress-ports/{port_id}"),
            None,
            false,
        ),
        (Method::DELETE, gw.clone(), None, false),
    ];
    for (method, path, body, read) in &endpoints {
        // The administrator goes last: its writes must not change what the others are refused.
        for (who, token, allowed) in [
            ("apig reader", &reader, *read),
            ("no policy", &nobody, false),
            ("admin", &admin, true),
        ] {
            let (status, response) = call(&app, token, method.clone(), path, body.clone()).await;
            if allowed {
                assert!(status < 300, "{who} {method} {path}: {status} {response}");
            } else {
                assert_eq!(status, 403, "{who} {method} {path}: {response}");
                assert_eq!(response["error_code"], "APIG.1020");
            }
        }
    }
    let (status, _) = api!(
        app,
        admin,
        GET(&instances("0123456789abcdef0123456789abcdef"))
    );
    assert_eq!(status, 404);
    app.stop().await;
}

/// Cloud-only operations answer 501 with an APIG error naming the operation.
#[tokio::test]
async fn operations_without_meaning_here_answer_501() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let (_, created) = create(
        &app,
        &admin,
        &project,
        json!({ "instance_name": "gw-prod", "spec_id": "BASIC" }),
    )
    .await;
    let gw = format!(
        "{}/{}",
        instances(&project),
        created["instance_id"].as_str().unwrap()
    );
    for (method, path, operation) in [
        (Method::PUT, format!("{gw}/eip"), "add_eip_v2"),
        (Method::DELETE, format!("{gw}/eip"), "remove_eip_v2"),
        (
            Method::GET,
            format!("/v2/{project}/apigw/available-zones"),
            "list_available_zones_v2",
        ),
        (
            Method::POST,
            format!("{gw}/vpc-endpoint/permissions/batch-add"),
            "add_endpoint_permissions",
        ),
    ] {
        let (status, error) = call(&app, &admin, method.clone(), &path, Some(json!({}))).await;
        assert_eq!(status, 501, "{method} {path}: {error}");
        assert_says(&error, operation);
        assert!(error["error_code"].as_str().unwrap().starts_with("APIG."));
    }
    app.stop().await;
}

#[tokio::test]
async fn a_grant_limited_to_a_gateway_reaches_only_that_gateway() {
    let (app, admin) = TestApp::with_admin().await;
    let one = crate::api_groups::gateway(&app, &admin, "gw-mine").await;
    let two = crate::api_groups::gateway(&app, &admin, "gw-theirs").await;
    let one_id = one.rsplit('/').next().unwrap().to_owned();
    let project_base = one.split("/instances/").next().unwrap().to_owned();

    // A statement with a Resource that is not a gateway is refused where it is written.
    let bad = json!({ "role": { "display_name": "bad scope", "type": "XA",
        "policy": { "Version": "1.1", "Statement": [{ "Effect": "Allow", "Action": ["apig:*:*"],
            "Resource": ["apig:*:*:api:*"] }] } } });
    let (status, error) = api!(app, admin, POST "/v3.0/OS-ROLE/roles", bad);
    assert_eq!(status, 400, "{error}");
    assert!(
        error.to_string().contains("is not a gateway resource"),
        "{error}"
    );

    let scoped = json!({ "role": { "display_name": "one gateway", "type": "XA",
        "policy": { "Version": "1.1", "Statement": [{ "Effect": "Allow", "Action": ["apig:*:*"],
            "Resource": [format!("apig:*:*:instance:{one_id}")] }] } } });
    let (status, created) = api!(app, admin, POST "/v3.0/OS-ROLE/roles", scoped);
    assert_eq!(status, 201, "{created}");
    let role = created["role"]["id"].as_str().unwrap();
    let (_, operator) = user_with_role(&app, &admin, "operator", Some(role)).await;

    // The list shows only the named gateway.
    let (status, listed) = api!(app, operator, GET "{project_base}/instances");
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["instances"][0]["id"], one_id.as_str());

    // Inside it, everything; inside the other, nothing — refused and audited.
    let (status, group) = api!(app, operator, POST "{one}/api-groups", { "name": "mine" });
    assert_eq!(status, 201, "{group}");
    let (status, error) = api!(app, operator, POST "{two}/api-groups", { "name": "theirs" });
    assert_eq!(status, 403, "{error}");
    assert_eq!(error["error_code"], "APIG.1020");
    let (status, _) = api!(app, operator, GET "{two}/api-groups");
    assert_eq!(status, 403);
    let (_, groups) = api!(app, admin, GET "{two}/api-groups");
    assert_eq!(
        groups["total"], 1,
        "nothing was created in the other gateway: {groups}"
    );

    // A limited grant gives nothing across the project: no new gateways.
    let (status, _) = api!(app, operator, POST "{project_base}/instances",
        { "instance_name": "gw-new", "spec_id": "BASIC" });
    assert_eq!(status, 403);
    let refusals: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM audit_records WHERE result = 'refused' AND user_name = 'operator' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let refusals: Vec<&str> = refusals.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(
        refusals,
        [
            "apig:groups:create",
            "apig:groups:list",
            "apig:instances:create"
        ]
    );
    app.stop().await;
}
