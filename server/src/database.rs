//! Opening the database: the embedded cluster when no `DATABASE_URL` is given, else that
//! server; then migrations.
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::config::Settings;
use crate::postgres::{self, EmbeddedPostgres, Lifetime};

/// The pool, and the embedded cluster behind it if there is one (stopped when dropped).
#[derive(Debug)]
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects as configured and brings the schema up to date.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let (url, embedded) = match &settings.database_url {
            Some(url) => (url.clone(), None),
            None => {
                let data_dir = settings.data_dir.clone();
                let cluster = tokio::task::spawn_blocking(move || {
                    EmbeddedPostgres::start(&data_dir, Lifetime::Persistent)
                })
                .await
                .context("starting the embedded PostgreSQL")??;
                tracing::info!(data_dir = %settings.data_dir.display(), "embedded PostgreSQL started");
                cluster
                    .supervise()
                    .context("watching the embedded PostgreSQL")?;
                create_database(&cluster.url("postgres"), postgres::DATABASE).await?;
                (cluster.url(postgres::DATABASE), Some(cluster))
            }
        };
        let pool = connect(&url).await?;
        app::services::MIGRATOR
            .run(&pool)
            .await
            .context("applying database migrations")?;
        Ok(Database { pool, embedded })
    }

    /// Closes the pool, then stops the embedded cluster (if any).
    pub async fn close(mut self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(mut cluster) = self.embedded.take() {
            tokio::task::spawn_blocking(move || cluster.stop())
                .await
                .context("stopping the embedded PostgreSQL")??;
            tracing::info!("embedded PostgreSQL stopped");
        }
        Ok(())
    }
}

/// A pool for `url`.
pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = url
        .parse()
        .context("DATABASE_URL is not a valid PostgreSQL URL")?;
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .context("connecting to PostgreSQL")
}

/// Creates `name` in the cluster at `admin_url` unless it exists.
pub async fn create_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let pool = connect(admin_url).await?;
    let exists = sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
    )
    .bind(name)
    .fetch_one(&pool)
    .await?;
    if !exists {
        sqlx::query(&format!(
            "CREATE DATABASE \"{}\"",
            name.replace('"', "\"\"")
        ))
        .execute(&pool)
        .await
        .with_context(|| format!("creating database {name}"))?;
    }
    pool.close().await;
    Ok(())
}
