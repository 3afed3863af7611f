//! Credentials (`apps`) through the management API: generated or chosen keys and secrets,
//! secrets sealed at rest, names and keys unique, paging and filters, secret reset, and who
//! may do what.
use serde_json::json;

use crate::api_groups::gateway;
use crate::iam_support::{assert_says, user_with_policy};
use crate::support::{text, TestApp};

#[tokio::test]
async fn credentials_are_created_listed_changed_reset_and_deleted() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-apps").await;

    let mobile = ok!(app, admin, POST "{gw}/apps", { "name": "mobile", "remark": "phones" });
    let (id, key, secret) = (
        text(&mobile["id"]),
        text(&mobile["app_key"]),
        text(&mobile["app_secret"]),
    );
    assert_eq!((key.len(), secret.len()), (32, 32), "{mobile}");
    assert_ne!(key, secret);
    assert_eq!(
        (mobile["status"].clone(), mobile["creator"].clone()),
        (json!(1), json!("USER"))
    );
    let sealed: Vec<u8> = app
        .scalar("SELECT secret_sealed FROM credentials WHERE name = 'mobile'")
        .await;
    assert!(
        !sealed.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "the secret is stored sealed"
    );

    let partner = ok!(app, admin, POST "{gw}/apps",
        { "name": "partner", "app_key": "partner-key-1", "app_secret": "Partner_Secret1" });
    assert_eq!(
        (text(&partner["app_key"]), text(&partner["app_secret"])),
        ("partner-key-1".to_owned(), "Partner_Secret1".to_owned())
    );

    // Refusals name the field and store nothing.
    for (body, code, says) in [
        (
            json!({ "name": "MOBILE" }),
            "APIG.3203",
            "A credential named MOBILE already exists",
        ),
        (
            json!({ "name": "third", "app_key": "partner-key-1" }),
            "APIG.3203",
            "with this key",
        ),
        (
            json!({ "name": "1st" }),
            "APIG.2012",
            "Invalid parameter name: A credential name starts with a letter.",
        ),
        (
            json!({ "name": "third", "app_secret": "short" }),
            "APIG.2012",
            "Invalid parameter app_secret: A secret has 8 to 128 characters.",
        ),
    ] {
        let (status, body) = api!(app, admin, POST(&format!("{gw}/apps")), body);
        assert_eq!(
            (status, body["error_code"].clone()),
            (400, json!(code)),
            "{body}"
        );
        assert_says(&body, says);
    }
    assert_eq!(
        app.scalar::<i64>("SELECT count(*) FROM credentials").await,
        2
    );

    // Paging and filters.
    let second = ok!(app, admin, GET "{gw}/apps?limit=1&offset=1");
    assert_eq!(
        (second["size"].clone(), second["total"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(second["apps"][0]["name"], "partner");
    let found = ok!(app, admin, GET "{gw}/apps?name=obi");
    assert_eq!(found["apps"][0]["id"], id.as_str());
    assert_eq!(
        ok!(app, admin, GET "{gw}/apps?name=obi&precise_search=name")["total"],
        0
    );
    assert_eq!(
        ok!(app, admin, GET "{gw}/apps?app_key=partner-key-1")["apps"][0]["name"],
        "partner"
    );
    assert_eq!(ok!(app, admin, GET "{gw}/apps?status=2")["total"], 0);
    let (status, unknown) = api!(app, admin, GET "{gw}/apps?colour=red");
    assert_eq!(status, 400, "{unknown}");

    // Shown, renamed (its key stays), its secret reset.
    assert_eq!(
        ok!(app, admin, GET "{gw}/apps/{id}")["app_secret"],
        secret.as_str()
    );
    let renamed = ok!(app, admin, PUT "{gw}/apps/{id}", { "name": "mobile_v2", "remark": "" });
    assert_eq!(
        (renamed["name"].clone(), renamed["app_key"].clone()),
        (json!("mobile_v2"), json!(key))
    );
    let (status, refused) =
        api!(app, admin, PUT "{gw}/apps/{id}", { "name": "mobile_v2", "app_key": "another-key" });
    assert_eq!(status, 400, "{refused}");
    assert_says(&refused, "keeps its key");
    let reset = ok!(app, admin, PUT "{gw}/apps/secret/{id}");
    assert_ne!(text(&reset["app_secret"]), secret);
    let chosen = ok!(app, admin, PUT "{gw}/apps/secret/{id}", { "app_secret": "Chosen_Secret9" });
    assert_eq!(chosen["app_secret"], "Chosen_Secret9");
    assert_eq!(
        ok!(app, admin, GET "{gw}/apps/{id}")["app_secret"],
        "Chosen_Secret9"
    );
    let outline = ok!(app, admin, GET "{gw}/resources/outline/apps");
    assert_eq!(
        (
            outline["authed_nums"].clone(),
            outline["unauthed_nums"].clone()
        ),
        (json!(0), json!(2))
    );

    let (status, _) = api!(app, admin, DELETE "{gw}/apps/{id}");
    assert_eq!(status, 204);
    let (status, gone) = api!(app, admin, GET "{gw}/apps/{id}");
    assert_eq!(
        (status, gone["error_code"].clone()),
        (404, json!("APIG.3004")),
        "{gone}"
    );
    app.stop().await;
}

#[tokio::test]
async fn readers_see_credentials_and_only_writers_change_them() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-app-access").await;
    let id = text(&ok!(app, admin, POST "{gw}/apps", { "name": "mobile" })["id"]);
    let (_, reader) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let (_, nobody) = user_with_policy(&app, &admin, "nobody", None).await;

    assert_eq!(ok!(app, reader, GET "{gw}/apps")["total"], 1);
    for (who, token) in [("reader", &reader), ("nobody", &nobody)] {
        let (status, body) = api!(app, token, POST "{gw}/apps", { "name": "theirs" });
        assert_eq!(status, 403, "{who}: {body}");
        let (status, body) = api!(app, token, PUT "{gw}/apps/secret/{id}");
        assert_eq!(status, 403, "{who}: {body}");
        let (status, body) = api!(app, token, DELETE "{gw}/apps/{id}");
        assert_eq!(status, 403, "{who}: {body}");
    }
    let (status, body) = api!(app, nobody, GET "{gw}/apps/{id}");
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        app.scalar::<i64>("SELECT count(*) FROM credentials").await,
        1
    );
    app.stop().await;
}

/// A mock API `name` at `GET /{name}` in `group_id`, authenticated by `auth`.
fn mock_api(group_id: &str, name: &str, auth: &str) -> serde_json::Value {
    json!({
        "name": name, "group_id": group_id, "type": 1, "req_protocol": "HTTPS",
        "req_method": "GET", "req_uri": format!("/{name}"), "auth_type": auth,
        "backend_type": "MOCK", "mock_info": { "result_content": "ok", "status_code": 200 }
    })
}

#[tokio::test]
async fn app_codes_and_authorizations_are_managed_and_a_refused_batch_changes_nothing() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-auths").await;
    let group = text(&ok!(app, admin, POST "{gw}/api-groups", { "name": "shop" })["id"]);
    let orders = text(&ok!(app, admin, POST "{gw}/apis", mock_api(&group, "orders", "APP"))["id"]);
    let stock = text(&ok!(app, admin, POST "{gw}/apis", mock_api(&group, "stock", "APP"))["id"]);
    let open = text(&ok!(app, admin, POST "{gw}/apis", mock_api(&group, "open", "NONE"))["id"]);
    let mobile = text(&ok!(app, admin, POST "{gw}/apps", { "name": "mobile" })["id"]);
    let partner = text(&ok!(app, admin, POST "{gw}/apps", { "name": "partner" })["id"]);
    let release = "DEFAULT_ENVIRONMENT_RELEASE_ID";

    // AppCodes: chosen or generated, at most five, sealed at rest.
    let chosen = format!("+{}/=", "Ab3".repeat(21));
    let code = ok!(app, admin, POST "{gw}/apps/{mobile}/app-codes", { "app_code": chosen });
    assert_eq!(
        (text(&code["app_code"]), text(&code["app_id"])),
        (chosen.clone(), mobile.clone())
    );
    let sealed: Vec<u8> = app.scalar("SELECT code_sealed FROM app_codes").await;
    assert!(!sealed.windows(chosen.len()).any(|w| w == chosen.as_bytes()));
    for (body, says) in [
        (
            json!({ "app_code": "short" }),
            "An AppCode has 64 to 180 characters.",
        ),
        (
            json!({ "app_code": format!("={chosen}") }),
            "starts with a letter, a digit, + or /",
        ),
    ] {
        let (status, refused) = api!(app, admin, POST "{gw}/apps/{mobile}/app-codes", body);
        assert_eq!(status, 400, "{refused}");
        assert_says(&refused, says);
    }
    let (status, taken) =
        api!(app, admin, POST "{gw}/apps/{partner}/app-codes", { "app_code": chosen });
    assert_eq!(
        (status, text(&taken["error_code"])),
        (400, "APIG.3303".to_owned()),
        "{taken}"
    );
    for _ in 0..4 {
        ok!(app, admin, PUT "{gw}/apps/{mobile}/app-codes");
    }
    let (status, full) = api!(app, admin, PUT "{gw}/apps/{mobile}/app-codes");
    assert_eq!(status, 409, "{full}");
    assert_says(&full, "already has 5 AppCodes");
    let page = ok!(app, admin, GET "{gw}/apps/{mobile}/app-codes?limit=2&offset=4");
    assert_eq!(
        (page["total"].clone(), page["size"].clone()),
        (json!(5), json!(1))
    );
    let code_id = text(&code["id"]);
    assert_eq!(
        ok!(app, admin, GET "{gw}/apps/{mobile}/app-codes/{code_id}")["app_code"],
        chosen.as_str()
    );
    ok!(app, admin, DELETE "{gw}/apps/{mobile}/app-codes/{code_id}");
    let (status, gone) = api!(app, admin, GET "{gw}/apps/{mobile}/app-codes/{code_id}");
    assert_eq!(
        (status, text(&gone["error_code"])),
        (404, "APIG.3082".to_owned())
    );

    // A batch naming an API without APP authentication, or one that does not exist, is
    // refused whole.
    for (api_ids, status, says) in [
        (
            json!([orders, open]),
            400,
            "API open uses NONE authentication",
        ),
        (json!([orders, "no-such-api"]), 404, "no-such-api"),
    ] {
        let (got, refused) = api!(app, admin, POST "{gw}/app-auths",
            { "env_id": release, "app_ids": [mobile], "api_ids": api_ids });
        assert_eq!(got, status, "{refused}");
        assert_says(&refused, says);
    }
    assert_eq!(app.scalar::<i64>("SELECT count(*) FROM app_auths").await, 0);

    let made = ok!(app, admin, POST "{gw}/app-auths",
        { "env_id": release, "app_ids": [mobile, partner], "api_ids": [orders, stock] });
    assert_eq!(made["auths"].as_array().unwrap().len(), 4, "{made}");
    assert_eq!(made["auths"][0]["auth_result"]["status"], "SUCCESS");
    // Authorizing a pair again keeps the authorization there is.
    let again = ok!(app, admin, POST "{gw}/app-auths",
        { "env_id": release, "app_ids": [mobile], "api_ids": [orders] });
    assert_eq!(again["auths"][0]["id"], made["auths"][0]["id"]);

    let apis = ok!(app, admin, GET "{gw}/app-auths/binded-apis?app_id={mobile}&limit=1&offset=1");
    assert_eq!(
        (apis["total"].clone(), apis["size"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(apis["auths"][0]["api_name"], "stock");
    assert_eq!(apis["auths"][0]["env_name"], "RELEASE");
    let named = ok!(app, admin, GET "{gw}/app-auths/binded-apis?app_id={mobile}&api_name=ord");
    assert_eq!(named["total"], 1);
    let apps = ok!(app, admin, GET "{gw}/app-auths/binded-apps?api_id={orders}&app_name=part");
    assert_eq!(apps["total"], 1);
    assert_eq!(apps["auths"][0]["app_id"], partner.as_str());
    let (status, missing) = api!(app, admin, GET "{gw}/app-auths/binded-apis");
    assert_eq!(status, 400, "{missing}");
    assert_says(&missing, "app_id");
    let listed = ok!(app, admin, GET "{gw}/apps?name=mobile");
    assert_eq!(listed["apps"][0]["bind_num"], 2);
    let outline = ok!(app, admin, GET "{gw}/resources/outline/apps");
    assert_eq!(
        (
            outline["authed_nums"].clone(),
            outline["unauthed_nums"].clone()
        ),
        (json!(2), json!(0))
    );

    // What could still be authorized: APP APIs only, not those already authorized.
    let revoke = text(&made["auths"][1]["id"]);
    ok!(app, admin, DELETE "{gw}/app-auths/{revoke}");
    let open_to =
        ok!(app, admin, GET "{gw}/app-auths/unbinded-apis?app_id={mobile}&env_id={release}");
    assert_eq!(open_to["total"], 1, "{open_to}");
    assert_eq!(
        open_to["apis"][0]["name"],
        made["auths"][1]["auth_result"]["api_name"]
    );
    let (status, _) = api!(app, admin, DELETE "{gw}/app-auths/{revoke}");
    assert_eq!(status, 404);

    // Deleting an API or a credential takes its authorizations with it.
    ok!(app, admin, DELETE "{gw}/apis/{orders}");
    ok!(app, admin, DELETE "{gw}/apps/{partner}");
    assert_eq!(app.scalar::<i64>("SELECT count(*) FROM app_auths").await, 0);
    app.stop().await;
}
