//! Compatibility: Huawei's official Python SDKs against the real server. The SDKs live in
//! the virtual environment `scripts/setup` creates (`.venv`, from `compat/requirements.txt`).
use std::path::PathBuf;
use std::process::Command;

use crate::support::{TestApp, ADMIN_PASSWORD};

fn python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        python.exists(),
        "the SDK virtual environment is missing: run scripts/setup (it creates .venv with compat/requirements.txt)"
    );
    python
}

fn run_script(app: &TestApp, script: &str) {
    run_script_with(app, script, &[]);
}

/// Runs an SDK script with extra environment variables.
fn run_script_with(app: &TestApp, script: &str, env: &[(&str, String)]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../compat")
        .join(script);
    // Optimised (`-O`): the scripts' checks never rest on `assert`, which it strips.
    let output = Command::new(python())
        .arg("-O")
        .arg(&path)
        .env("PORTICO_URL", &app.console)
        .env("PORTICO_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("PORTICO_GATEWAY_URL", &app.gateway)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run the SDK script");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread")]
async fn huaweicloudsdkiam_manages_users_groups_grants_and_keys() {
    let app = TestApp::spawn().await;
    // The script blocks this thread; the server keeps running on the runtime's others.
    tokio::task::block_in_place(|| run_script(&app, "iam_sdk.py"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huaweicloudsdkapig_manages_gateways() {
    let app = TestApp::spawn().await;
    tokio::task::block_in_place(|| run_script(&app, "apig_gateways_sdk.py"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huaweicloudsdkapig_opens_and_publishes_apis() {
    let app = TestApp::spawn().await;
    tokio::task::block_in_place(|| run_script(&app, "apig_apis_sdk.py"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huaweicloudsdkapig_manages_credentials() {
    let app = TestApp::spawn().await;
    tokio::task::block_in_place(|| run_script(&app, "apig_credentials_sdk.py"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huaweicloudsdkapig_authorizes_credentials_and_the_signing_sdk_calls_through_the_gateway() {
    let app = TestApp::spawn().await;
    tokio::task::block_in_place(|| run_script(&app, "apig_app_auth_sdk.py"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huaweicloudsdkapig_binds_domains_and_certificates_and_runs_tasks() {
    let app = TestApp::spawn().await;
    let (cert, key) = crate::domains::certificate(&["*.shop.example.com"], -1, 90);
    let (other_cert, other_key) = crate::domains::certificate(&["www.example.org"], -1, 90);
    let certificates = [
        ("PORTICO_CERT", cert),
        ("PORTICO_KEY", key),
        ("PORTICO_OTHER_CERT", other_cert),
        ("PORTICO_OTHER_KEY", other_key),
    ];
    tokio::task::block_in_place(|| run_script_with(&app, "apig_domains_sdk.py", &certificates));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huaweicloudsdkiam_drives_every_served_iam_operation() {
    let app = TestApp::spawn().await;
    tokio::task::block_in_place(|| run_script(&app, "iam_admin_sdk.py"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn management_errors_request_ids_and_list_limits_follow_apig_and_iam() {
    let app = TestApp::spawn().await;
    tokio::task::block_in_place(|| run_script(&app, "mgmt_protocol_sdk.py"));
    app.stop().await;
}

/// The scripts check with `expect` (recorded, reported together, failing the run), never
/// with `assert` statements, which `python -O` strips.
#[test]
fn compatibility_scripts_do_not_rely_on_assert_statements() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../compat");
    let mut scripts = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            scripts += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                assert!(
                    !line.trim_start().starts_with("assert "),
                    "{}:{}: checks use expect(), not assert: {line}",
                    path.display(),
                    n + 1
                );
            }
        }
    }
    assert!(
        scripts >= 6,
        "the compatibility scripts were found ({scripts})"
    );
}
