//! The embedded PostgreSQL is supervised: the real `portico serve`, on its own private
//! cluster, starts it again when it is killed, while the gateway goes on answering.
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use tokio::io::AsyncReadExt;

use crate::support::{eventually, ADMIN_PASSWORD};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn postmaster(data_dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(data_dir.join("postgres/postmaster.pid")).ok()?;
    text.lines().next().map(str::to_owned)
}

async fn status(url: &str) -> Result<u16, String> {
    reqwest::Client::new()
        .get(url)
        .header("Host", "nobody.example.com")
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_killed_embedded_postgres_is_started_again_and_the_gateway_serves_meanwhile() {
    let data_dir = std::env::temp_dir().join(format!("portico-supervised-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).unwrap();
    // PostgreSQL runs as its own user when the tests run as root: it must enter the directory.
    std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (console, gateway) = (free_port(), free_port());
    let site_root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let mut portico = tokio::process::Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("serve")
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["--admin-password", ADMIN_PASSWORD])
        .args(["--console-addr", &format!("127.0.0.1:{console}")])
        .args(["--gateway-addr", &format!("127.0.0.1:{gateway}")])
        .arg("--site-root")
        .arg(&site_root)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // The log as Portico writes it, read while it runs.
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let (log, mut stderr) = (log.clone(), portico.stderr.take().unwrap());
        tokio::spawn(async move {
            let mut chunk = [0_u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut chunk).await {
                log.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        })
    };
    let ready = format!("http://127.0.0.1:{console}/readyz");
    let until_ready = || async {
        match status(&ready).await {
            Ok(200) => Ok(()),
            other => Err(other),
        }
    };
    eventually("Portico ready on its embedded PostgreSQL", until_ready).await;
    let first = postmaster(&data_dir).expect("the cluster's pid file");

    // Killed as the out-of-memory killer would.
    let killed = std::process::Command::new("kill")
        .args(["-9", &first])
        .status()
        .unwrap();
    assert!(killed.success());
    // The gateway answers from its snapshot while the database is gone.
    let gateway_url = format!("http://127.0.0.1:{gateway}/anything");
    assert_eq!(status(&gateway_url).await, Ok(404));
    eventually("ready again on a restarted PostgreSQL", until_ready).await;
    let second = postmaster(&data_dir).expect("the restarted cluster's pid file");
    assert_ne!(first, second, "a new postmaster");
    assert_eq!(status(&gateway_url).await, Ok(404));

    // Each restart is logged (the line follows pg_ctl's return, so it can trail readiness).
    eventually("the restart in the log", || {
        let log = log.clone();
        async move {
            let log = log.lock().unwrap();
            if log.contains("the embedded PostgreSQL was restarted") {
                Ok(())
            } else {
                Err(log.lines().last().unwrap_or_default().to_owned())
            }
        }
    })
    .await;

    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &portico.id().unwrap().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let exit = portico.wait().await.unwrap();
    reader.await.unwrap();
    assert!(exit.success(), "{}", log.lock().unwrap());
    assert!(
        postmaster(&data_dir).is_none(),
        "the cluster stopped with Portico"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}
