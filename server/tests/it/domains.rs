//! Domains bound to groups and their certificates through the management API: the domain
//! rules, certificate checks (key, names, expiry), binding and unbinding, with nothing
//! stored on refusal; and who may do it.
use reqwest::Method;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::api_groups::{gateway, gateway_with_group};
use crate::iam_support::{call, user_with_policy};
use crate::support::{text, TestApp};

/// A self-signed certificate and its key for `names`, valid from `from_days` to `to_days`
/// days from now.
pub fn certificate(names: &[&str], from_days: i64, to_days: i64) -> (String, String) {
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, names[0]);
    let now = OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(from_days);
    params.not_after = now + time::Duration::days(to_days);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

async fn refused(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Value,
    status: u16,
    mention: &str,
) {
    let (got, error) = call(app, token, method, path, Some(body.clone())).await;
    assert_eq!(got, status, "{path} {body}: {error}");
    let message = error["error_msg"].as_str().unwrap_or_default();
    assert!(message.contains(mention), "{path}: {message}");
}

/// Posts each body to `path`; each must be refused with its status and a message naming
/// the reason.
async fn each_refused(app: &TestApp, token: &str, path: &str, cases: Vec<(Value, u16, &str)>) {
    for (body, status, mention) in cases {
        refused(app, token, Method::POST, path, body, status, mention).await;
    }
}

#[tokio::test]
async fn domains_bind_to_one_group_with_apig_rules() {
    let (app, admin) = TestApp::with_admin().await;
    let (gw, group) = gateway_with_group(&app, &admin, "gw-domains", "shop").await;
    let other = ok!(app, admin, POST "{gw}/api-groups", { "name": "other" });
    let domains = format!("{gw}/api-groups/{}/domains", group["id"].as_str().unwrap());

    let bound = ok!(app, admin, POST (&domains), { "url_domain": "API.Shop.example.com." });
    assert_eq!(bound["url_domain"], "api.shop.example.com");
    assert_eq!(bound["min_ssl_version"], "TLSv1.1");
    let group_id = group["id"].as_str().unwrap();
    let shown = ok!(app, admin, GET "{gw}/api-groups/{group_id}");
    assert_eq!(shown["url_domains"][0]["domain"], "api.shop.example.com");
    assert_eq!(shown["url_domains"][0]["id"], bound["id"]);

    let other_domains = format!("{gw}/api-groups/{}/domains", other["id"].as_str().unwrap());
    each_refused(&app, &admin, &other_domains, vec![
        (
            json!({ "url_domain": "api.shop.example.com" }),
            400,
            "already bound to group shop",
        ),
        (
            json!({ "url_domain": "localhost" }),
            400,
            "not a domain name",
        ),
        (
            json!({ "url_domain": "-x.example.com" }),
            400,
            "not a valid label",
        ),
        (
            json!({ "url_domain": "x.example.c0m" }),
            400,
            "top-level domain",
        ),
        (
            json!({ "url_domain": "abc.apig.localhost" }),
            400,
            "generated subdomains",
        ),
        (
            json!({ "url_domain": "b.example.com", "min_ssl_version": "TLSv1.0" }),
            400,
            "not a TLS version",
        ),
        (
            json!({ "url_domain": "b.example.com", "ingress_http_port": 8080 }),
            400,
            "together",
        ),
        (
            json!({ "url_domain": "b.example.com", "ingress_http_port": 18090, "ingress_https_port": -1 }),
            400,
            "not an HTTP inbound port of this gateway",
        ),
        (
            json!({ "url_domain": "b.example.com", "verified_client_certificate_enabled": true }),
            400,
            "not supported",
        ),
    ])
    .await;
    let listed = ok!(app, admin, GET "{gw}/api-groups");
    let held: usize = listed["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["url_domains"].as_array().unwrap().len())
        .sum();
    assert_eq!(held, 1, "refusals stored nothing: {listed}");

    // A custom inbound port of the gateway serves the domains bound to it.
    let port = ok!(app, admin, POST "{gw}/custom-ingress-ports",
        { "protocol": "HTTP", "ingress_port": 18090 });
    ok!(app, admin, POST (&other_domains),
        { "url_domain": "b.example.com", "ingress_http_port": 18090, "ingress_https_port": -1 });
    let port_id = port["ingress_port_id"].as_str().unwrap();
    let on_port = ok!(app, admin, GET "{gw}/custom-ingress-ports/{port_id}/domains");
    assert_eq!(on_port["total"], 1);
    assert_eq!(on_port["domain_infos"][0]["domain_name"], "b.example.com");
    assert_eq!(on_port["domain_infos"][0]["group_name"], "other");

    // Five per group.
    for n in 2..=5 {
        ok!(app, admin, POST (&domains), { "url_domain": format!("d{n}.example.com") });
    }
    refused(
        &app,
        &admin,
        Method::POST,
        &domains,
        json!({ "url_domain": "d6.example.com" }),
        409,
        "already has 5 domains",
    )
    .await;

    let updated = ok!(app, admin, PUT (&format!("{domains}/{}", bound["id"].as_str().unwrap())),
        { "min_ssl_version": "TLSv1.2" });
    assert_eq!(updated["min_ssl_version"], "TLSv1.2");
    let (status, _) = api!(
        app,
        admin,
        DELETE(&format!("{domains}/{}", bound["id"].as_str().unwrap()))
    );
    assert_eq!(status, 204);
    // Unbound, the name is free again, for another group.
    ok!(app, admin, POST (&other_domains), { "url_domain": "api.shop.example.com" });
}

#[tokio::test]
async fn certificates_are_checked_bound_to_covered_domains_and_kept_while_used() {
    let (app, admin) = TestApp::with_admin().await;
    let gw = gateway(&app, &admin, "gw-certs").await;
    let project_base = gw.split("/instances/").next().unwrap().to_owned();
    let instance_id = gw.rsplit('/').next().unwrap().to_owned();
    let group = ok!(app, admin, POST "{gw}/api-groups", { "name": "shop" });
    let domains = format!("{gw}/api-groups/{}/domains", group["id"].as_str().unwrap());
    let bound = ok!(app, admin, POST (&domains), { "url_domain": "api.shop.example.com" });
    let domain = format!("{domains}/{}", bound["id"].as_str().unwrap());

    let (cert, key) = certificate(&["*.shop.example.com"], -1, 90);
    let (wrong_name, wrong_name_key) = certificate(&["www.elsewhere.org"], -1, 90);
    let (_, other_key) = certificate(&["*.shop.example.com"], -1, 90);
    let (expired, expired_key) = certificate(&["*.shop.example.com"], -90, -1);
    each_refused(&app, &admin, &format!("{domain}/certificate"), vec![
        (
            json!({ "name": "shop_cert", "cert_content": wrong_name, "private_key": wrong_name_key }),
            400,
            "is for www.elsewhere.org, not api.shop.example.com",
        ),
        (
            json!({ "name": "shop_cert", "cert_content": cert, "private_key": other_key }),
            400,
            "does not belong",
        ),
        (
            json!({ "name": "shop_cert", "cert_content": expired, "private_key": expired_key }),
            400,
            "expired on",
        ),
        (
            json!({ "name": "shop_cert", "cert_content": "not pem", "private_key": key }),
            400,
            "No certificate found",
        ),
        (
            json!({ "name": "sh", "cert_content": cert, "private_key": key }),
            400,
            "4 to 50",
        ),
    ])
    .await;
    let none = ok!(app, admin, GET "{project_base}/certificates");
    assert_eq!(none["total"], 0, "refused uploads stored nothing");

    let with_cert = ok!(app, admin, POST "{domain}/certificate",
        { "name": "shop_cert", "cert_content": cert, "private_key": key });
    let cert_id = text(&with_cert["ssl_id"]);
    assert_eq!(with_cert["ssl_name"], "shop_cert");
    assert_eq!(with_cert["api_group_name"], "shop");

    let listed = ok!(app, admin, GET "{project_base}/certificates");
    assert_eq!(listed["total"], 1);
    let shown = &listed["certs"][0];
    assert_eq!(shown["type"], "instance");
    assert_eq!(shown["instance_id"], instance_id.as_str());
    assert_eq!(shown["common_name"], "*.shop.example.com");
    assert_eq!(shown["algorithm_type"], "ECC");
    let expiry = (OffsetDateTime::now_utc() + time::Duration::days(90))
        .date()
        .to_string();
    assert!(
        shown["not_after"].as_str().unwrap().starts_with(&expiry),
        "{shown}"
    );
    assert!(shown.get("private_key").is_none() && !listed.to_string().contains("PRIVATE KEY"));

    let detail = ok!(app, admin, GET "{domain}/certificate/{cert_id}");
    assert_eq!(detail["san"], json!(["*.shop.example.com"]));
    let attached = ok!(app, admin, GET "{project_base}/certificates/{cert_id}/attached-domains");
    assert_eq!(
        attached["bound_domains"][0]["url_domain"],
        "api.shop.example.com"
    );

    refused(
        &app,
        &admin,
        Method::DELETE,
        &format!("{project_base}/certificates/{cert_id}"),
        json!({}),
        409,
        "bound to api.shop.example.com",
    )
    .await;
    // Replacing it with a certificate that no longer covers the domain is refused.
    refused(
        &app,
        &admin,
        Method::PUT,
        &format!("{project_base}/certificates/{cert_id}"),
        json!({ "name": "shop_cert", "cert_content": wrong_name, "private_key": wrong_name_key }),
        400,
        "does not cover api.shop.example.com",
    )
    .await;

    let (status, _) = api!(app, admin, DELETE "{domain}/certificate/{cert_id}");
    assert_eq!(status, 204);
    let group_id = group["id"].as_str().unwrap();
    let shown = ok!(app, admin, GET "{gw}/api-groups/{group_id}");
    assert_eq!(shown["url_domains"][0]["ssl_infos"], json!([]));

    // A global certificate, bound by domain name, then by id.
    let (global_cert, global_key) = certificate(&["api.shop.example.com"], -1, 30);
    let global = ok!(app, admin, POST "{project_base}/certificates",
        { "name": "global_cert", "type": "global", "cert_content": global_cert, "private_key": global_key });
    let global_id = global["id"].as_str().unwrap();
    refused(
        &app,
        &admin,
        Method::POST,
        &format!("{project_base}/certificates"),
        json!({ "name": "GLOBAL_CERT", "cert_content": cert, "private_key": key }),
        400,
        "already exists",
    )
    .await;
    let (status, _) = api!(app, admin, POST "{project_base}/certificates/{global_id}/domains/attach",
        { "domains": [{ "domain": "api.shop.example.com", "instance_ids": [instance_id] }] });
    assert_eq!(status, 204);
    let group_id = group["id"].as_str().unwrap();
    let shown = ok!(app, admin, GET "{gw}/api-groups/{group_id}");
    assert_eq!(shown["url_domains"][0]["ssl_infos"][0]["ssl_id"], global_id);
    let (status, _) = api!(app, admin, POST "{project_base}/certificates/{global_id}/domains/detach",
        { "domains": [{ "domain": "api.shop.example.com" }] });
    assert_eq!(status, 204);
    let (status, _) =
        api!(app, admin, POST "{domain}/certificates/attach", { "certificate_ids": [cert_id] });
    assert_eq!(status, 204);
    let (status, _) = api!(app, admin, DELETE "{project_base}/certificates/{global_id}");
    assert_eq!(status, 204);

    // Readers see certificates but cannot upload one.
    let (_, reader) = user_with_policy(&app, &admin, "reader", Some("APIG ReadOnlyAccess")).await;
    let seen = ok!(app, reader, GET "{project_base}/certificates");
    assert_eq!(seen["total"], 1);
    let (other_cert, other_key) = certificate(&["x.example.com"], -1, 30);
    refused(
        &app,
        &reader,
        Method::POST,
        &format!("{project_base}/certificates"),
        json!({ "name": "readers_cert", "cert_content": other_cert, "private_key": other_key }),
        403,
        "apig:domains:bindCertificate",
    )
    .await;
    refused(
        &app,
        &reader,
        Method::POST,
        &domains,
        json!({ "url_domain": "r.example.com" }),
        403,
        "apig:domains:create",
    )
    .await;
}
