//! The test harness: one private PostgreSQL cluster per test binary (the same code as the
//! embedded default), a fresh database per test cloned from a migrated template, and
//! `TestApp`, the real server started on port 0.
use std::path::PathBuf;
use std::sync::OnceLock;

use clap::Parser;
use portico::application::Application;
use portico::config::{Cli, Settings};
use portico::postgres::{EmbeddedPostgres, Lifetime};
use sqlx::PgPool;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
const TEMPLATE: &str = "portico_template";
/// Encrypts the secrets of every test database (tests never read a key file).
const TEST_MASTER_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

struct TestCluster {
    postgres: EmbeddedPostgres,
}

/// The binary's cluster, started on first use with a migrated template database. It is
/// stopped and its directory removed by its guardian when the test binary exits, however
/// it exits.
fn cluster() -> &'static TestCluster {
    static CLUSTER: OnceLock<TestCluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("portico-test-{}", std::process::id()));
        let postgres = EmbeddedPostgres::start(&dir, Lifetime::Ephemeral)
            .expect("start the test PostgreSQL cluster");
        let admin_url = postgres.url("postgres");
        let template_url = postgres.url(TEMPLATE);
        // A runtime of its own: the caller may be inside another test's runtime.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                portico::database::create_database(&admin_url, TEMPLATE)
                    .await
                    .unwrap();
                let pool = portico::database::connect(&template_url).await.unwrap();
                app::services::MIGRATOR
                    .run(&pool)
                    .await
                    .expect("migrate the template database");
                pool.close().await;
            });
        })
        .join()
        .expect("prepare the template database");
        TestCluster { postgres }
    })
}

/// A new database with the current schema and no rows, and its URL.
pub async fn fresh_database() -> (PgPool, String) {
    let cluster = cluster();
    let name = format!("test_{}", app::services::ids::new_id());
    let admin = portico::database::connect(&cluster.postgres.url("postgres"))
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        .execute(&admin)
        .await
        .expect("create a test database");
    admin.close().await;
    let url = cluster.postgres.url(&name);
    let pool = portico::database::connect(&url).await.unwrap();
    (pool, url)
}

/// Settings as a user would give them on the command line, with listeners on port 0.
pub fn settings(database_url: &str, extra: &[&str]) -> Settings {
    let site_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let mut args = vec![
        "portico".to_owned(),
        "--console-addr".into(),
        "127.0.0.1:0".into(),
        "--gateway-addr".into(),
        "127.0.0.1:0".into(),
        "--gateway-tls-addr".into(),
        "127.0.0.1:0".into(),
        "--database-url".into(),
        database_url.into(),
        "--site-root".into(),
        site_root.to_string_lossy().into_owned(),
        "--master-key".into(),
        TEST_MASTER_KEY.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let (_, settings) = Cli::try_parse_from(args)
        .expect("valid test settings")
        .into_parts();
    settings.validate().expect("consistent test settings");
    settings
}

/// The real server, running on its own ports against its own database.
pub struct TestApp {
    pub console: String,
    pub gateway: String,
    /// The gateway's HTTPS listener.
    pub gateway_tls: std::net::SocketAddr,
    pub pool: PgPool,
    pub database_url: String,
    /// A browser-like client: keeps cookies, does not follow redirects.
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&["--admin-password", ADMIN_PASSWORD]).await
    }

    /// A server and a token of its administrator, which most management tests start from.
    pub async fn with_admin() -> (TestApp, String) {
        let app = Self::spawn().await;
        let admin = crate::iam_support::admin_token(&app).await;
        (app, admin)
    }

    /// Starts the server with extra command-line settings.
    pub async fn spawn_with(extra: &[&str]) -> TestApp {
        let (pool, url) = fresh_database().await;
        Self::start(pool, url, client(), extra).await
    }

    /// Stops this server and starts a new one on the same database; the client (and its
    /// cookies) carries over.
    pub async fn restart(self, extra: &[&str]) -> TestApp {
        let (pool, url, client) = (
            self.pool.clone(),
            self.database_url.clone(),
            self.client.clone(),
        );
        self.stop().await;
        Self::start(pool, url, client, extra).await
    }

    async fn start(pool: PgPool, url: String, client: reqwest::Client, extra: &[&str]) -> TestApp {
        let settings = settings(&url, extra);
        let application = Application::build(&settings, pool.clone())
            .await
            .expect("build the application");
        let console = format!("http://{}", application.console_addr());
        let gateway = format!("http://{}", application.gateway_addr());
        let gateway_tls = application
            .gateway_tls_addr()
            .expect("the test settings open the HTTPS listener");
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = tokio::spawn(application.run(async {
            let _ = stop.await;
        }));
        TestApp {
            console,
            gateway,
            gateway_tls,
            pool,
            database_url: url,
            client,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// One value the database holds now, as `sql` reads it.
    pub async fn scalar<T>(&self, sql: &str) -> T
    where
        T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    /// The values of the first column of what `sql` reads.
    pub async fn scalars<T>(&self, sql: &str) -> Vec<T>
    where
        T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    {
        sqlx::query_scalar(sql).fetch_all(&self.pool).await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.console)
    }

    /// Calls a server function the way the console's browser code does.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in(&self, user: &str, password: &str) -> reqwest::Response {
        self.call("sign_in", &[("user_name", user), ("password", password)])
            .await
    }

    /// Stops the server as a signal would and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }
}

/// The string at `value` (the test fails when there is none).
pub fn text(value: &serde_json::Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
        .to_owned()
}

/// A client that keeps cookies and shows redirects instead of following them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Cuts the database of `database_url` off (no new connections, the open ones terminated)
/// or lets connections in again: PostgreSQL going away and coming back, for that server.
pub async fn database_reachable(database_url: &str, reachable: bool) {
    let name = database_url
        .rsplit('/')
        .next()
        .and_then(|tail| tail.split('?').next())
        .expect("a database name");
    let admin = portico::database::connect(&cluster().postgres.url("postgres"))
        .await
        .unwrap();
    sqlx::query(&format!(
        "ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"
    ))
    .execute(&admin)
    .await
    .unwrap();
    if !reachable {
        sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(name)
            .execute(&admin)
            .await
            .unwrap();
    }
    admin.close().await;
}

/// Retries `attempt` until it gives a value: the runtime follows commits in the background,
/// and ports open and close as the snapshot changes. Fails after twenty seconds, showing
/// `what` was awaited and the last miss.
pub async fn eventually<T, M: std::fmt::Debug, F: std::future::Future<Output = Result<T, M>>>(
    what: &str,
    mut attempt: impl FnMut() -> F,
) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(miss) => assert!(
                std::time::Instant::now() < deadline,
                "{what}: still {miss:?}"
            ),
        }
        tokio::task::yield_now().await;
    }
}
