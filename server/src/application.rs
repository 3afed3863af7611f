//! The application: listeners bound, routers built, background tasks ready. `build` binds
//! before returning, so a caller (a test) can ask for port 0 and read the real port back.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use leptos::config::{Env, LeptosOptions};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_sessions::ExpiredDeletion;

use app::model::gateway::Endpoints;
use app::services::bootstrap::{self, Bootstrap};

use crate::config::Settings;
use crate::console::{self, ConsoleState, SessionPolicy};
use crate::gateway;
use crate::listen::ClientLimits;
use crate::signature::FailureLimiter;

/// How long in-flight requests get to finish after a shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Application {
    console_listener: TcpListener,
    gateway_listener: TcpListener,
    gateway_tls_listener: Option<TcpListener>,
    console_state: ConsoleState,
    console_limits: ClientLimits,
    gateway_limits: ClientLimits,
}

impl Application {
    /// Creates the account on first start, then binds both listeners.
    pub async fn build(settings: &Settings, pool: PgPool) -> anyhow::Result<Self> {
        match bootstrap::ensure_account(
            &pool,
            &settings.account,
            settings.admin_password.as_deref(),
        )
        .await
        .context("creating the account")?
        {
            Bootstrap::Existing => {}
            Bootstrap::Created {
                generated_password: Some(password),
            } => tracing::warn!(
                account = %settings.account,
                "created the account with user 'admin' and the generated password {password} \
                 (shown only this once; set PORTICO_ADMIN_PASSWORD to choose it)"
            ),
            Bootstrap::Created {
                generated_password: None,
            } => tracing::info!(
                account = %settings.account,
                "created the account with user 'admin' and the password from PORTICO_ADMIN_PASSWORD"
            ),
        }

        let console_listener = TcpListener::bind(settings.console_addr)
            .await
            .with_context(|| {
                format!(
                    "binding the console to {} (--console-addr / PORTICO_CONSOLE_ADDR)",
                    settings.console_addr
                )
            })?;
        let gateway_listener = TcpListener::bind(settings.gateway_addr)
            .await
            .with_context(|| {
                format!(
                    "binding the gateway to {} (--gateway-addr / PORTICO_GATEWAY_ADDR)",
                    settings.gateway_addr
                )
            })?;

        let gateway_tls_listener = match settings.gateway_tls_addr {
            Some(addr) => Some(TcpListener::bind(addr).await.with_context(|| {
                format!("binding the gateway's HTTPS listener to {addr} (--gateway-tls-addr / PORTICO_GATEWAY_TLS_ADDR)")
            })?),
            None => None,
        };

        let site_root = settings.resolved_site_root();
        if !site_root.join("pkg").is_dir() {
            tracing::warn!(
                site_root = %site_root.display(),
                "the console's assets are missing (no pkg/ directory): pages render but do not become interactive; \
                 build them with `cargo leptos build` or point --site-root at them"
            );
        }
        let leptos_options = LeptosOptions::builder()
            .output_name("portico")
            .site_root(site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(console_listener.local_addr()?)
            .env(
                if std::env::var("LEPTOS_ENV").is_ok_and(|env| env.eq_ignore_ascii_case("dev")) {
                    Env::DEV
                } else {
                    Env::PROD
                },
            )
            .build();
        let master_key = settings
            .load_master_key()
            .map_err(anyhow::Error::msg)
            .context("loading the master key")?;
        let console_state = ConsoleState {
            leptos_options,
            pool,
            master_key,
            signature_failures: Arc::new(FailureLimiter::with_capacity(
                settings.signature_failure_keys as usize,
            )),
            debug_key: app::services::ids::new_id().into(),
            runtime: Default::default(),
            endpoints: Endpoints {
                gateway_addr: gateway_listener.local_addr()?.to_string(),
                subdomain_suffix: settings.subdomain_suffix.clone(),
                gateway_tls_addr: match &gateway_tls_listener {
                    Some(listener) => listener.local_addr()?.to_string(),
                    None => String::new(),
                },
            },
            sessions: SessionPolicy {
                idle: time::Duration::minutes(settings.session_idle_minutes.into()),
                max_age: time::Duration::hours(settings.session_max_hours.into()),
                secure_cookies: settings.secure_cookies,
            },
        };
        Ok(Application {
            console_listener,
            gateway_listener,
            gateway_tls_listener,
            console_state,
            console_limits: settings.client_limits(settings.console_max_connections),
            gateway_limits: settings.client_limits(settings.gateway_max_connections),
        })
    }

    pub fn console_addr(&self) -> SocketAddr {
        self.console_listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The gateway's HTTPS address, when it has one.
    pub fn gateway_tls_addr(&self) -> Option<SocketAddr> {
        self.gateway_tls_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    pub fn gateway_addr(&self) -> SocketAddr {
        self.gateway_listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes (then drains in-flight requests) or until a part
    /// stops on its own, which is reported as the error.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);

        let console_router = console::router(self.console_state.clone());
        let mut console = tokio::spawn(console::listener::serve(
            self.console_listener,
            console_router,
            self.console_limits.clone(),
            stop_rx.clone(),
        ));
        // The first snapshot is built before the gateway serves; the loader then follows
        // every committed change.
        let live = Arc::new(gateway::Live::empty(
            self.console_state.runtime.clone(),
            self.console_state.signature_failures.clone(),
        ));
        let pool = self.console_state.pool.clone();
        let suffix = self.console_state.endpoints.subdomain_suffix.clone();
        let master = self.console_state.master_key.clone();
        gateway::loader::reload(&pool, &master, &live, &suffix).await;
        gateway::loader::reload_iam(&pool, &master, &live).await;
        let loader = tokio::spawn(gateway::loader::follow(pool, master, live.clone(), suffix));
        let debug_key = self.console_state.debug_key.clone();
        let ports = tokio::spawn(gateway::ports::follow(
            live.clone(),
            debug_key.clone(),
            self.gateway_limits.clone(),
            self.gateway_listener.local_addr()?.ip(),
            stop_rx.clone(),
        ));
        let mut gateway = gateway::workers::spawn(
            self.gateway_listener,
            self.gateway_tls_listener,
            live.clone(),
            debug_key.clone(),
            self.gateway_limits.clone(),
            stop_rx.clone(),
        )?;
        let store = console::session_store(self.console_state.pool.clone());
        let mut session_cleanup = tokio::spawn(async move {
            store
                .continuously_delete_expired(Duration::from_secs(60))
                .await
        });

        let pool = self.console_state.pool.clone();
        let housekeeping_task = tokio::spawn(async move {
            let mut every_minute = tokio::time::interval(Duration::from_secs(60));
            loop {
                every_minute.tick().await;
                if let Err(error) = housekeeping(&pool).await {
                    tracing::warn!(
                        "expired tokens, temporary keys and old tasks not removed yet: {error}"
                    );
                }
            }
        });

        let early = tokio::select! {
            () = shutdown => None,
            result = &mut console => Some(format!("the console listener stopped: {}", describe(result))),
            result = &mut gateway => Some(format!("the gateway listeners stopped: {}", describe(result))),
            result = &mut session_cleanup => Some(format!("the session cleanup task stopped: {}", describe(result))),
        };
        let _ = stop_tx.send(true);
        session_cleanup.abort();
        housekeeping_task.abort();
        loader.abort();
        ports.abort();
        let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
            let _ = (&mut console).await;
            let _ = (&mut gateway).await;
        })
        .await;
        if drained.is_err() {
            tracing::warn!("requests still in flight after {DRAIN_TIMEOUT:?} were cut off");
            console.abort();
            gateway.abort();
        }
        match early {
            None => Ok(()),
            Some(reason) => Err(anyhow::anyhow!(reason)),
        }
    }
}

/// Every minute: removes expired API tokens and temporary access keys (they are refused
/// anyway; this keeps the tables small), fails async tasks whose server stopped, and removes
/// week-old task results.
async fn housekeeping(pool: &sqlx::PgPool) -> Result<(), app::error::AppError> {
    app::services::iam::tokens::delete_expired(pool).await?;
    app::services::iam::access_keys::delete_expired_temporary(pool).await?;
    app::services::apig::tasks::fail_stale(pool).await?;
    app::services::apig::tasks::delete_old(pool).await?;
    Ok(())
}

fn describe<E: std::fmt::Display, F: std::fmt::Display>(
    result: Result<Result<(), E>, F>,
) -> String {
    match result {
        Ok(Ok(())) => "it ended without an error".to_owned(),
        Ok(Err(error)) => error.to_string(),
        Err(error) => format!("it panicked or was cancelled: {error}"),
    }
}
