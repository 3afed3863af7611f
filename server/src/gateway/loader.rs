//! Keeps the snapshot current: builds it at start, rebuilds when `portico_config` is
//! notified, and checks the revision every few seconds to heal a missed notification. A build
//! that fails never replaces the snapshot being served (the error is logged and shown in the
//! console); while PostgreSQL is away the last snapshot keeps serving and the loader retries.
//! IAM's principals (tokens, access keys) are kept current the same way on `portico_iam`,
//! swapped on their own: issuing a token rebuilds no route table.
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::watch;

use super::snapshot::{Principals, Snapshot};
use crate::signature::FailureLimiter;
use app::services::iam::principals;
use app::services::iam::principals::RuntimeIam;
use app::services::runtime::Health;
use app::services::secrets::MasterKey;
use app::services::{revision, runtime};

/// How often the revision is compared when no notification came.
const CHECK_EVERY: Duration = Duration::from_secs(5);
/// How long to wait before reconnecting after PostgreSQL went away.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// A burst of notifications (a batch publishing many APIs notifies once per API) is
/// rebuilt once: after a quiet gap, and at most this long after the first.
const QUIET: Duration = Duration::from_millis(20);
const COALESCE_AT_MOST: Duration = Duration::from_millis(200);

/// The snapshot being served, and how the last build went (shared with the console).
#[derive(Debug)]
pub struct Live {
    current: ArcSwap<Snapshot>,
    principals: ArcSwap<Principals>,
    /// Signature failures per IAM access key, shared with the management API: five in a
    /// row lock the key for five minutes wherever it is used.
    pub iam_failures: Arc<FailureLimiter>,
    health: Arc<Health>,
    /// The revision served, for whoever follows swaps (the inbound-port listeners).
    swapped: watch::Sender<i64>,
}

impl Live {
    pub fn empty(health: Arc<Health>, iam_failures: Arc<FailureLimiter>) -> Self {
        Live {
            current: ArcSwap::from_pointee(Snapshot::default()),
            principals: ArcSwap::from_pointee(Principals::default()),
            iam_failures,
            health,
            swapped: watch::Sender::new(0),
        }
    }

    /// One snapshot that is never replaced (a draft's debug call).
    pub fn serving(
        snapshot: Snapshot,
        iam: &RuntimeIam,
        iam_failures: Arc<FailureLimiter>,
    ) -> Self {
        let live = Live::empty(Arc::new(Health::default()), iam_failures);
        live.current.store(Arc::new(snapshot));
        live.principals.store(Arc::new(Principals::build(iam)));
        live
    }

    /// IAM's principals, to authenticate one call with.
    pub fn principals(&self) -> Arc<Principals> {
        self.principals.load_full()
    }

    /// Tells each time a new snapshot is served.
    pub fn swaps(&self) -> watch::Receiver<i64> {
        self.swapped.subscribe()
    }

    /// The snapshot to serve one request with.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }
}

/// Builds a snapshot of what is committed now and serves it; a failure leaves the current
/// one in place.
pub async fn reload(pool: &PgPool, master: &MasterKey, live: &Live, suffix: &str) {
    match runtime::load(pool, master).await {
        Ok(config) => {
            let snapshot = Snapshot::build(&config, suffix);
            tracing::info!(
                revision = snapshot.revision,
                apis = snapshot.live_apis(),
                "gateway configuration loaded"
            );
            let (revision, apis) = (snapshot.revision, snapshot.live_apis());
            live.current.store(Arc::new(snapshot));
            live.swapped.send_replace(revision);
            live.health.served(revision, apis);
        }
        Err(error) => {
            tracing::error!(%error, "the gateway configuration could not be built; the previous one stays");
            live.health.failed(&error);
        }
    }
}

/// Loads IAM's principals as committed now and serves them; a failure leaves the current
/// ones in place.
pub async fn reload_iam(pool: &PgPool, master: &MasterKey, live: &Live) {
    match principals::load(pool, master).await {
        Ok(iam) => {
            let principals = Principals::build(&iam);
            tracing::debug!(revision = principals.revision, "IAM principals loaded");
            live.principals.store(Arc::new(principals));
        }
        Err(error) => {
            tracing::error!(%error, "IAM's principals could not be loaded; the previous ones stay");
        }
    }
}

/// Follows configuration and IAM changes until the task is aborted.
pub async fn follow(pool: PgPool, master: MasterKey, live: Arc<Live>, suffix: String) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for configuration changes yet");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
        };
        if let Err(error) = listener
            .listen_all([revision::CHANNEL, principals::CHANNEL])
            .await
        {
            tracing::warn!(%error, "cannot listen for configuration changes yet");
            tokio::time::sleep(RETRY_AFTER).await;
            continue;
        }
        // Changes made while nobody listened.
        reload(&pool, &master, &live, &suffix).await;
        reload_iam(&pool, &master, &live).await;
        let mut check = tokio::time::interval(CHECK_EVERY);
        check.tick().await;
        loop {
            tokio::select! {
                notified = listener.recv() => match notified {
                    Ok(first) => {
                        let mut changed = Changed::default();
                        changed.note(first.channel());
                        let until = tokio::time::Instant::now() + COALESCE_AT_MOST;
                        while tokio::time::Instant::now() < until {
                            match tokio::time::timeout(QUIET, listener.recv()).await {
                                Ok(Ok(next)) => changed.note(next.channel()),
                                _ => break,
                            }
                        }
                        if changed.config {
                            reload(&pool, &master, &live, &suffix).await;
                        }
                        if changed.iam {
                            reload_iam(&pool, &master, &live).await;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "lost the configuration channel; reconnecting");
                        break;
                    }
                },
                _ = check.tick() => {
                    let served = live.snapshot().revision;
                    if let Ok(committed) = revision::current(&pool).await {
                        if committed != served {
                            reload(&pool, &master, &live, &suffix).await;
                        }
                    }
                    let served = live.principals().revision;
                    if let Ok(committed) = principals::current(&pool).await {
                        if committed != served {
                            reload_iam(&pool, &master, &live).await;
                        }
                    }
                }
            }
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

/// Which of the followed channels a burst of notifications named.
#[derive(Default)]
struct Changed {
    config: bool,
    iam: bool,
}

impl Changed {
    fn note(&mut self, channel: &str) {
        match channel {
            principals::CHANNEL => self.iam = true,
            _ => self.config = true,
        }
    }
}
