//! Gateways (APIG instances) through the management API: every rule, what a refusal leaves
//! behind (nothing), parameters, tags and inbound ports (who may do what: `gateways_access`).
use serde_json::{json, Value};

use crate::iam_support::default_project;
use crate::support::{text, TestApp};

pub fn instances(project: &str) -> String {
    format!("/v2/{project}/apigw/instances")
}

pub async fn create(app: &TestApp, token: &str, project: &str, body: Value) -> (u16, Value) {
    api!(app, token, POST(&instances(project)), body)
}

pub async fn total(app: &TestApp, token: &str, project: &str) -> i64 {
    let (status, listed) = api!(app, token, GET(&instances(project)));
    assert_eq!(status, 200, "{listed}");
    listed["total"].as_i64().unwrap()
}

async fn revision(app: &TestApp) -> i64 {
    app.scalar("SELECT revision FROM config_revision").await
}

#[tokio::test]
async fn gateways_are_created_listed_changed_and_deleted() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let before = revision(&app).await;

    let (status, created) = create(
        &app,
        &admin,
        &project,
        json!({ "instance_name": "gw-prod", "spec_id": "PROFESSIONAL", "description": "payments",
                "tags": [{ "key": "team", "value": "payments" }] }),
    )
    .await;
    assert_eq!(status, 202, "{created}");
    let id = text(&created["instance_id"]);
    assert_eq!(id.len(), 32);
    assert!(
        revision(&app).await > before,
        "a new gateway bumps the configuration revision"
    );

    let (status, shown) = api!(app, admin, GET(&format!("{}/{id}", instances(&project))));
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["instance_name"], "gw-prod");
    assert_eq!(shown["spec"], "PROFESSIONAL");
    assert_eq!(shown["status"], "Running");
    assert_eq!(shown["maintain_begin"], "22:00:00");
    assert_eq!(shown["maintain_end"], "02:00:00");
    assert_eq!(shown["ingress_ip"], "127.0.0.1");

    let (status, listed) = api!(
        app,
        admin,
        GET(&format!("{}?instance_name=PROD", instances(&project)))
    );
    assert_eq!(status, 200);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["instances"][0]["id"], id.as_str());

    let (status, updated) = api!(app, admin, PUT (&format!("{}/{id}", instances(&project))),
        { "instance_name": "gw-main", "maintain_begin": "02:00:00", "maintain_end": "06:00:00" });
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["instance_name"], "gw-main");
    assert_eq!(updated["maintain_begin"], "02:00:00");
    assert_eq!(updated["description"], "payments");

    let (status, _) = api!(app, admin, DELETE(&format!("{}/{id}", instances(&project))));
    assert_eq!(status, 204);
    assert_eq!(total(&app, &admin, &project).await, 0);
    let (status, error) = api!(app, admin, GET(&format!("{}/{id}", instances(&project))));
    assert_eq!(status, 404, "{error}");
    let actions: Vec<String> = app.scalars("SELECT action FROM audit_records WHERE resource_type = 'gateway' AND result = 'success' ORDER BY id").await;
    assert_eq!(
        actions,
        [
            "apig:instances:create",
            "apig:instances:update",
            "apig:instances:delete"
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn bad_gateway_input_names_the_field_and_stores_nothing() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let (status, _) = create(
        &app,
        &admin,
        &project,
        json!({ "instance_name": "gw-prod", "spec_id": "BASIC" }),
    )
    .await;
    assert_eq!(status, 202);

    let many_tags: Vec<Value> = (0..21).map(|i| json!({ "key": format!("k{i}") })).collect();
    let cases = [
        (
            json!({ "instance_name": "gw", "spec_id": "BASIC" }),
            400,
            "instance_name",
        ),
        (
            json!({ "instance_name": "9lives", "spec_id": "BASIC" }),
            400,
            "instance_name",
        ),
        (
            json!({ "instance_name": "gw prod", "spec_id": "BASIC" }),
            400,
            "instance_name",
        ),
        (
            json!({ "instance_name": "gw-other", "spec_id": "GIANT" }),
            400,
            "spec_id",
        ),
        (
            json!({ "instance_name": "gw-other", "spec_id": "BASIC", "description": "<b>" }),
            400,
            "description",
        ),
        (
            json!({ "instance_name": "gw-other", "spec_id": "BASIC",
                    "maintain_begin": "03:00:00", "maintain_end": "07:00:00" }),
            400,
            "maintain_begin",
        ),
        (
            json!({ "instance_name": "gw-other", "spec_id": "BASIC",
                    "maintain_begin": "02:00:00", "maintain_end": "04:00:00" }),
            400,
            "maintain_end",
        ),
        (
            json!({ "instance_name": "gw-other", "spec_id": "BASIC", "tags": many_tags }),
            400,
            "tags",
        ),
        (
            json!({ "instance_name": "GW-PROD", "spec_id": "BASIC" }),
            400,
            "already exists",
        ),
        (json!({ "spec_id": "BASIC" }), 400, "instance_name"),
    ];
    for (body, expected, mention) in cases {
        let (status, error) = create(&app, &admin, &project, body.clone()).await;
        assert_eq!(status, expected, "{body}: {error}");
        let message = error["error_msg"].as_str().unwrap();
        assert!(message.contains(mention), "{body}: {message}");
        assert!(error["error_code"].as_str().unwrap().starts_with("APIG."));
    }
    assert_eq!(
        total(&app, &admin, &project).await,
        1,
        "refused input stored nothing"
    );

    // At most five gateways per project.
    for i in 2..=5 {
        let (status, _) = create(
            &app,
            &admin,
            &project,
            json!({ "instance_name": format!("gw-{i}"), "spec_id": "BASIC" }),
        )
        .await;
        assert_eq!(status, 202);
    }
    let (status, error) = create(
        &app,
        &admin,
        &project,
        json!({ "instance_name": "gw-6", "spec_id": "BASIC" }),
    )
    .await;
    assert_eq!(status, 409, "{error}");
    assert!(error["error_msg"].as_str().unwrap().contains("5 gateways"));
    app.stop().await;
}

#[tokio::test]
async fn parameters_tags_and_inbound_ports() {
    let (app, admin) = TestApp::with_admin().await;
    let project = default_project(&app, &admin).await;
    let mut ids = Vec::new();
    for name in ["gw-one", "gw-two"] {
        let (_, created) = create(
            &app,
            &admin,
            &project,
            json!({ "instance_name": name, "spec_id": "BASIC" }),
        )
        .await;
        ids.push(text(&created["instance_id"]));
    }
    let one = format!("{}/{}", instances(&project), ids[0]);
    let two = format!("{}/{}", instances(&project), ids[1]);

    // Parameters: defaults until set; checked against their ranges.
    let (_, listed) = api!(app, admin, GET "{one}/features");
    let timeout = listed["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "backend_timeout")
        .unwrap()
        .clone();
    assert_eq!(timeout["config"], r#"{"max_timeout":60000}"#);
    let (status, error) = api!(app, admin, POST "{one}/features",
        { "name": "backend_timeout", "enable": true, "config": "{\"max_timeout\":700000}" });
    assert_eq!(status, 400);
    assert!(error["error_msg"]
        .as_str()
        .unwrap()
        .contains("1 ms to 600,000 ms"));
    let (status, set) = api!(app, admin, POST "{one}/features",
        { "name": "backend_timeout", "enable": true, "config": "{\"max_timeout\":30000}" });
    assert_eq!(status, 201, "{set}");
    assert_eq!(set["config"], r#"{"max_timeout":30000}"#);
    assert!(set["update_time"].as_str().unwrap().ends_with('Z'));
    let (status, error) =
        api!(app, admin, POST "{one}/features", { "name": "teleport", "enable": true });
    assert_eq!(status, 400, "{error}");

    // Tags: add, change by key, remove; the project's tags gather values.
    for (path, body) in [
        (
            &one,
            json!({ "action": "create", "tags": [{ "key": "env", "value": "prod" }, { "key": "team", "value": "a" }] }),
        ),
        (
            &two,
            json!({ "action": "create", "tags": [{ "key": "env", "value": "test" }] }),
        ),
        (
            &one,
            json!({ "action": "create", "tags": [{ "key": "team", "value": "b" }] }),
        ),
        (
            &one,
            json!({ "action": "delete", "tags": [{ "key": "env" }] }),
        ),
    ] {
        let (status, error) = api!(app, admin, POST "{path}/instance-tags/action", body);
        assert_eq!(status, 204, "{error}");
    }
    let (_, tags) = api!(app, admin, GET "{one}/instance-tags");
    assert_eq!(tags["tags"], json!([{ "key": "team", "value": "b" }]));
    let (_, all) = api!(app, admin, GET "/v2/{project}/apigw/instance-tags");
    assert_eq!(
        all["tags"],
        json!([{ "key": "env", "values": ["test"] }, { "key": "team", "values": ["b"] }])
    );

    // Inbound ports: one port belongs to one gateway.
    let (status, port) = api!(app, admin, POST "{one}/custom-ingress-ports",
        { "protocol": "HTTP", "ingress_port": 18081 });
    assert_eq!(status, 201, "{port}");
    for (body, expected) in [
        (json!({ "protocol": "HTTP", "ingress_port": 18081 }), 400),
        (json!({ "protocol": "HTTP", "ingress_port": 80 }), 400),
        (json!({ "protocol": "UDP", "ingress_port": 18082 }), 400),
    ] {
        let (status, error) = api!(app, admin, POST "{two}/custom-ingress-ports", body.clone());
        assert_eq!(status, expected, "{body}: {error}");
    }
    let (_, listed) = api!(app, admin, GET "{one}/custom-ingress-ports?protocol=HTTP");
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["ingress_port_infos"][0]["ingress_port"], 18081);
    let port_id = port["ingress_port_id"].as_str().unwrap();
    let (status, _) = api!(app, admin, DELETE "{one}/custom-ingress-ports/{port_id}");
    assert_eq!(status, 204);
    let (status, port) = api!(app, admin, POST "{two}/custom-ingress-ports",
        { "protocol": "HTTPS", "ingress_port": 18081 });
    assert_eq!(status, 201, "a freed port can be reused: {port}");
    app.stop().await;
}
