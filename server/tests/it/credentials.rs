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
