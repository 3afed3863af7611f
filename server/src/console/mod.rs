//! The console listener: Leptos pages and server functions, health endpoints, static
//! assets, and the management REST API (`mgmt`).
mod gate;
mod health;
pub mod listener;
mod middleware;

pub use middleware::session_store;

use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use sqlx::PgPool;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use std::sync::Arc;

use app::model::gateway::Endpoints;
use app::services::secrets::MasterKey;
use app::{shell, App};

use crate::mgmt::{self, MgmtState};
use crate::signature::FailureLimiter;

/// Session lifetimes, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: time::Duration,
    pub max_age: time::Duration,
    pub secure_cookies: bool,
}

/// What console handlers share.
#[derive(Debug, Clone)]
pub struct ConsoleState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub master_key: MasterKey,
    pub sessions: SessionPolicy,
    /// Signature failures per access key, shared by every signed-call check.
    pub signature_failures: Arc<FailureLimiter>,
    /// Where the gateway listens, for the endpoints the console and the API show.
    pub endpoints: Endpoints,
    /// The secret that makes the gateway report its backend request to the debug API.
    pub debug_key: Arc<str>,
    /// How this process's gateway runtime is doing.
    pub runtime: Arc<app::services::runtime::Health>,
}

impl FromRef<ConsoleState> for LeptosOptions {
    fn from_ref(state: &ConsoleState) -> Self {
        state.leptos_options.clone()
    }
}

/// The console's router with its whole middleware stack.
pub fn router(state: ConsoleState) -> Router {
    let routes = generate_route_list(App);
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    let context = {
        let (pool, master_key, endpoints, runtime) = (
            state.pool.clone(),
            state.master_key.clone(),
            state.endpoints.clone(),
            state.runtime.clone(),
        );
        let debug_target = app::services::apig::debug::DebugTarget {
            gateway_addr: state.endpoints.gateway_addr.clone(),
            subdomain_suffix: state.endpoints.subdomain_suffix.clone(),
            key: state.debug_key.clone(),
            signer: crate::signature::sign_parts,
            master: state.master_key.clone(),
        };
        move || {
            provide_context(pool.clone());
            provide_context(master_key.clone());
            provide_context(endpoints.clone());
            provide_context(debug_target.clone());
            provide_context(runtime.clone());
        }
    };
    let mgmt_state = MgmtState {
        pool: state.pool.clone(),
        master_key: state.master_key.clone(),
        signature_failures: state.signature_failures.clone(),
        endpoints: state.endpoints.clone(),
        debug_key: state.debug_key.clone(),
        session_max_age: state.sessions.max_age,
    };
    let api = mgmt::router(mgmt_state.clone());
    // Unknown paths: the management API's own answer under its prefixes, else the pages'.
    let unknown_api = mgmt::unknown_paths(mgmt_state);
    let pages_fallback =
        leptos_axum::file_and_error_handler_with_context::<ConsoleState, _>(context.clone(), shell);
    let fallback = move |uri: Uri, state: State<ConsoleState>, request: Request<Body>| {
        let (unknown_api, pages_fallback) = (unknown_api.clone(), pages_fallback.clone());
        async move {
            if mgmt::is_api_path(uri.path()) {
                match unknown_api.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            } else {
                pages_fallback(uri, state, request).await
            }
        }
    };
    let pages = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/{*fn_name}", post(server_fn))
        // Named before the pages: `/{area}` would otherwise claim it.
        .route_service(
            "/favicon.svg",
            ServeFile::new(site_root.join("favicon.svg")),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(fallback)
        .with_state(state.clone())
        .merge(api);
    middleware::apply(pages, state)
}

async fn server_fn(State(state): State<ConsoleState>, request: Request<Body>) -> impl IntoResponse {
    let (pool, master_key) = (state.pool.clone(), state.master_key.clone());
    handle_server_fns_with_context(
        move || {
            provide_context(pool.clone());
            provide_context(master_key.clone());
        },
        request,
    )
    .await
}
