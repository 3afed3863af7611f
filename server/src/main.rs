//! `portico`: parse the configuration, open the database, serve until a signal arrives,
//! then stop everything in order (listeners drain, pool closes, embedded PostgreSQL stops).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use portico::application::Application;
use portico::config::{Cli, Mode, Settings};
use portico::database::Database;
use portico::telemetry;

/// mimalloc: the gateway allocates a little per request (header maps, buffers); a
/// thread-caching allocator keeps that off the profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let (mode, settings) = Cli::parse().into_parts();
    if let Err(message) = settings.validate() {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    telemetry::init(settings.log_format);
    // Rendering a console page walks its view tree recursively; unoptimised builds need
    // more than tokio's default 2 MiB of stack per worker for the larger pages.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(mode, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(mode: Mode, settings: Settings) -> anyhow::Result<()> {
    let database = Database::open(&settings).await?;
    let result = match mode {
        Mode::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Mode::Serve => serve(&settings, database.pool.clone()).await,
    };
    database.close().await?;
    result
}

async fn serve(settings: &Settings, pool: sqlx::PgPool) -> anyhow::Result<()> {
    let application = Application::build(settings, pool).await?;
    tracing::info!(
        console = %format!("http://{}", application.console_addr()),
        gateway = %format!("http://{}", application.gateway_addr()),
        "Portico is serving"
    );
    application.run(shutdown_signal()).await?;
    tracing::info!("stopped on signal");
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let mut terminate =
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate.recv() => {},
    }
}
