use std::net::SocketAddr;
use std::process::ExitCode;

use claimdesk::{db, http};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// claimdesk: fact-claim tracking for newsroom verification desks.
#[derive(Parser)]
#[command(name = "claimdesk", version, about)]
struct Cli {
    /// Database to use: a SQLite file (created if missing) or a PostgreSQL URL.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://claimdesk.db",
        global = true
    )]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve HTTP until SIGINT or SIGTERM.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CLAIMDESK_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Largest request body accepted, in bytes.
        #[arg(long, env = "CLAIMDESK_BODY_LIMIT", default_value_t = http::Settings::default().body_limit)]
        body_limit: usize,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Print the OpenAPI document as JSON.
    Openapi,
}

#[derive(Subcommand)]
enum MigrateAction {
    /// List migrations and whether each has been applied.
    Status,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Openapi => {
            let json = http::openapi_document()
                .to_pretty_json()
                .map_err(|e| format!("cannot render the OpenAPI document: {e}"))?;
            println!("{json}");
            Ok(())
        }
        Command::Migrate { action } => {
            let conn = connect(&cli.database_url).await?;
            match action {
                None => db::migrate(&conn)
                    .await
                    .map_err(|e| format!("migration failed: {e}")),
                Some(MigrateAction::Status) => {
                    let status = db::migration_status(&conn)
                        .await
                        .map_err(|e| format!("cannot read migration status: {e}"))?;
                    for (name, applied) in status {
                        println!("{} {name}", if applied { "applied" } else { "pending" });
                    }
                    Ok(())
                }
            }
        }
        Command::Serve { bind, body_limit } => {
            let conn = connect(&cli.database_url).await?;
            db::migrate(&conn)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            let app = http::app(conn, &http::Settings { body_limit });
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            tracing::info!("claimdesk listening on http://{bind}");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await
                .map_err(|e| format!("server error: {e}"))?;
            tracing::info!("shut down cleanly");
            Ok(())
        }
    }
}

async fn connect(url: &str) -> Result<sea_orm::DatabaseConnection, String> {
    // The URL may hold a password: name only the kind of database.
    let kind = url.split(':').next().unwrap_or("database");
    db::connect(url)
        .await
        .map_err(|e| format!("cannot open the {kind} database: {e}"))
}

/// Resolves on SIGINT or SIGTERM; in-flight requests then finish before exit.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
