use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use claimdesk::domain::DomainError;
use claimdesk::domain::claimreview::Publisher;
use claimdesk::domain::role::Role;
use claimdesk::domain::user::NewUser;
use claimdesk::service::auth::{AuthSettings, Keys, SecretSource};
use claimdesk::{db, http, service};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// mimalloc rather than glibc's allocator: measured side by side under the
/// load benchmark it served `GET /claims/{id}` on SQLite 1.8× as fast, the
/// other reads 1.15–1.3× and `POST /articles` 1.1×, for about a third more
/// resident memory (docs/performance.md); extraction alone runs ~8% faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Log lines as `text` (for people) or `json` (one object a line, for
    /// log collectors).
    #[arg(long, env = "CLAIMDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// A duration as seconds (`30`) or with a unit (`500ms`, `30s`, `2m`).
fn duration(value: &str) -> Result<std::time::Duration, String> {
    let value = value.trim();
    let (number, scale) = if let Some(ms) = value.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(s) = value.strip_suffix('s') {
        (s, 1.0)
    } else if let Some(m) = value.strip_suffix('m') {
        (m, 60.0)
    } else {
        (value, 1.0)
    };
    let seconds = number
        .trim()
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .ok_or_else(|| format!("\"{value}\" is not a duration: write seconds (30) or 500ms, 30s, 2m"))?;
    Ok(std::time::Duration::from_secs_f64(seconds))
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
        /// Secret for signing access tokens, at least 32 bytes. When unset, one
        /// is generated at first start and kept in the database.
        #[arg(long, env = "CLAIMDESK_JWT_SECRET", hide_env_values = true)]
        jwt_secret: Option<String>,
        /// The organisation that publishes the fact-checks (ClaimReview author).
        #[arg(long, env = "CLAIMDESK_ORG_NAME", default_value = "claimdesk")]
        org_name: String,
        /// Its home page.
        #[arg(long, env = "CLAIMDESK_ORG_URL", default_value = "https://claimdesk.example")]
        org_url: String,
        /// Public URL of a fact-check, with {id} for the claim id.
        /// Defaults to <org-url>/fact-checks/{id}.
        #[arg(long, env = "CLAIMDESK_REVIEW_URL")]
        review_url: Option<String>,
        /// How many reverse proxies of yours stand in front of claimdesk, each
        /// appending to X-Forwarded-For. The client is the address this many
        /// places from the right of that header. 0 trusts no header.
        #[arg(long, env = "CLAIMDESK_TRUSTED_PROXIES", default_value_t = 0)]
        trusted_proxies: usize,
        /// The most claims one article may have; extraction that finds more
        /// is refused (422) and nothing is stored.
        #[arg(long, env = "CLAIMDESK_MAX_CLAIMS_PER_ARTICLE", default_value_t = http::Settings::default().max_claims_per_article)]
        max_claims_per_article: usize,
        /// Let webhooks go to loopback and private addresses (tests, or a
        /// desk whose integrations all live on its own network).
        #[arg(long, env = "CLAIMDESK_WEBHOOKS_ALLOW_PRIVATE", default_value_t = false)]
        webhooks_allow_private: bool,
        /// Comma-separated hosts webhooks may go to; unset, any public host.
        #[arg(long, env = "CLAIMDESK_WEBHOOKS_ALLOWED_HOSTS", value_delimiter = ',')]
        webhooks_allowed_hosts: Vec<String>,
        /// Serve Prometheus metrics at http://<this address>/metrics (off
        /// when unset; keep it on a private address).
        #[arg(long, env = "CLAIMDESK_METRICS_BIND")]
        metrics_bind: Option<SocketAddr>,
        /// How long a request may take before it is abandoned with 503.
        #[arg(long, env = "CLAIMDESK_REQUEST_TIMEOUT", default_value = "30s", value_parser = duration)]
        request_timeout: std::time::Duration,
        /// How long a client may take to send a request body before 408.
        #[arg(long, env = "CLAIMDESK_BODY_TIMEOUT", default_value = "10s", value_parser = duration)]
        body_timeout: std::time::Duration,
        /// On SIGTERM/SIGINT, how long in-flight requests and background work
        /// may take to finish before the process exits anyway.
        #[arg(long, env = "CLAIMDESK_SHUTDOWN_GRACE", default_value = "20s", value_parser = duration)]
        shutdown_grace: std::time::Duration,
        /// Serve the ClaimReview feed (/api/v1/claimreview/feed) to anyone,
        /// without signing in.
        #[arg(long, env = "CLAIMDESK_PUBLIC_FEED", default_value_t = false)]
        public_feed: bool,
        /// A directory with the sentence-embedding model all-MiniLM-L6-v2
        /// (`model.safetensors` and `vocab.txt`; `bash tools/fetch-model.sh`
        /// puts it in models/all-MiniLM-L6-v2). With it, claims are matched
        /// with other publishers' fact-checks by meaning as well as words.
        #[arg(long, env = "CLAIMDESK_EMBEDDING_MODEL")]
        embedding_model: Option<std::path::PathBuf>,
        /// How many claims each replica matches at once in the background
        /// (0: one per CPU core). More drain a backlog of matching faster
        /// but take CPU from requests during a flood of articles.
        #[arg(long, env = "CLAIMDESK_MATCHING_TASKS", default_value_t = 0,
              value_parser = clap::value_parser!(u16).range(0..=64))]
        matching_tasks: u16,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Print the OpenAPI document as JSON.
    Openapi,
    /// Print the claims found in a text file (or standard input with `-` or
    /// no argument) as JSON, with no server or database.
    Extract {
        /// The file to read; `-` or nothing for standard input.
        file: Option<std::path::PathBuf>,
    },
    /// Fill the database with generated articles and claims (about ten
    /// claims an article), for trying the service out and for benchmarks.
    /// Adds to what is there.
    Seed {
        /// How many claims to write.
        #[arg(long)]
        claims: usize,
        /// The same seed writes the same text.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write the whole database, as of one moment, to a file (or standard
    /// output) as NDJSON: a backup, or the way to move to another database.
    Export {
        /// The file to write; `-` or nothing for standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Load a file written by `export` into an empty database (SQLite or
    /// PostgreSQL), in one transaction, after migrating it.
    Import {
        /// The file to read; `-` for standard input.
        file: std::path::PathBuf,
        /// Replace the rows of a database that is not empty. Still refused
        /// when it holds claim history, which is never deleted.
        #[arg(long)]
        force: bool,
    },
    /// Import other publishers' fact-checks (a schema.org DataFeed of
    /// ClaimReview, or a JSON array of them) from a file of any size, read
    /// one element at a time. Importing a file again updates, never
    /// duplicates.
    ImportFactChecks {
        /// The JSON file to read.
        file: std::path::PathBuf,
    },
    /// Manage accounts from scripts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account. The password is read from standard input, or from
    /// the environment variable named by --password-env.
    Add {
        #[arg(long)]
        email: String,
        /// reporter, checker, editor or admin.
        #[arg(long)]
        role: String,
        /// Defaults to the part of the email before the @.
        #[arg(long)]
        display_name: Option<String>,
        /// Name of an environment variable holding the password.
        #[arg(long)]
        password_env: Option<String>,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// List migrations and whether each has been applied.
    Status,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match cli.log_format {
        // One object a line: timestamp, level, target, message and fields
        // at the top level, and the request's id and route in `span`.
        LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Extract { file } => {
            let text = match file.filter(|f| f.as_os_str() != "-") {
                Some(path) => std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
                None => std::io::read_to_string(std::io::stdin())
                    .map_err(|e| format!("cannot read standard input: {e}"))?,
            };
            let json = serde_json::to_string_pretty(&http::extraction::Extraction::of(&text))
                .map_err(|e| format!("cannot render the claims: {e}"))?;
            println!("{json}");
            Ok(())
        }
        Command::Openapi => {
            println!("{}", http::openapi_json());
            Ok(())
        }
        Command::Seed { claims, seed } => {
            let conn = connect(&cli.database_url).await?;
            db::migrate(&conn)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            let started = std::time::Instant::now();
            let step = (claims / 20).max(1);
            service::seed::seed(&conn, claims, seed, |done| {
                if done % step < 2_000 || done == claims {
                    tracing::info!("{done} of {claims} claims written");
                }
            })
            .await
            .map_err(|e| format!("seeding failed: {e}"))?;
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "wrote {claims} claims in {seconds:.1} s ({:.0} claims/s)",
                claims as f64 / seconds.max(1e-9)
            );
            Ok(())
        }
        Command::Export { output } => {
            let conn = connect(&cli.database_url).await?;
            let started = std::time::Instant::now();
            let counts = service::backup::export(&conn, output.as_deref())
                .await
                .map_err(|e| format!("export failed: {e}"))?;
            tracing::info!(
                "exported {} rows in {:.1} s",
                counts.values().sum::<u64>(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import { file, force } => {
            let conn = connect(&cli.database_url).await?;
            let started = std::time::Instant::now();
            let (header, counts) = service::backup::import(&conn, &file, force)
                .await
                .map_err(|e| format!("import failed; no rows were changed: {e}"))?;
            println!(
                "imported {} rows ({} claims) exported from {} at {}, in {:.1} s",
                counts.values().sum::<u64>(),
                counts.get("claims").copied().unwrap_or(0),
                header.database,
                header.exported_at.to_rfc3339(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::ImportFactChecks { file } => {
            let conn = connect(&cli.database_url).await?;
            db::migrate(&conn)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            let report = service::fact_checks::import_file(&conn, &file).await?;
            for refusal in report.refusals.iter().take(20) {
                eprintln!("refused {}: {}", refusal.pointer, refusal.reason);
            }
            if report.refused > 20 {
                eprintln!("... and {} more refused", report.refused - 20);
            }
            println!(
                "{} created, {} updated, {} refused",
                report.created, report.updated, report.refused
            );
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
        Command::User {
            action:
                UserAction::Add {
                    email,
                    role,
                    display_name,
                    password_env,
                },
        } => {
            let password = match password_env {
                Some(var) => {
                    std::env::var(&var).map_err(|_| format!("the environment variable {var} is not set"))?
                }
                None => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let role = Role::parse(&role).map_err(|m| format!("--role {m}"))?;
            let display_name =
                display_name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
            let new = NewUser::parse(&email, display_name, password, role).map_err(describe)?;
            let conn = connect(&cli.database_url).await?;
            db::migrate(&conn)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            let user = service::users::create(&conn, new).await.map_err(|e| match e {
                db::StoreError::Domain(e) => describe(e),
                db::StoreError::Database(e) | db::StoreError::Unavailable(e) => {
                    format!("database error: {e}")
                }
            })?;
            println!(
                "created {} ({}) with id {}",
                user.email.as_str(),
                user.role.as_str(),
                user.id
            );
            Ok(())
        }
        Command::Serve {
            bind,
            body_limit,
            jwt_secret,
            org_name,
            org_url,
            review_url,
            trusted_proxies,
            max_claims_per_article,
            webhooks_allow_private,
            webhooks_allowed_hosts,
            metrics_bind,
            request_timeout,
            body_timeout,
            shutdown_grace,
            public_feed,
            embedding_model,
            matching_tasks,
        } => {
            // Installed first, so that everything from here on is counted.
            let metrics = metrics_bind.map(|_| http::metrics::install()).transpose()?;
            let conn = connect(&cli.database_url).await?;
            db::migrate(&conn)
                .await
                .map_err(|e| format!("migration failed: {e}"))?;
            let (keys, source) = Keys::load(&conn, jwt_secret, AuthSettings::default()).await?;
            if source == SecretSource::Database {
                tracing::warn!(
                    "CLAIMDESK_JWT_SECRET is not set: signing access tokens with a secret generated at first start and kept in the database (shared by every replica on it). Set CLAIMDESK_JWT_SECRET to manage it yourself."
                );
            }
            if let Some(password) = service::users::bootstrap_admin(&conn)
                .await
                .map_err(|e| format!("cannot create the first admin: {e}"))?
            {
                tracing::warn!(
                    "no users yet: created {} with password {password} (shown only this once). Sign in with POST /api/v1/auth/login, then set a new password with PATCH /api/v1/users/<your id> {{\"password\": \"...\"}}.",
                    service::users::FIRST_ADMIN_EMAIL
                );
            }
            let review_url_template =
                review_url.unwrap_or_else(|| format!("{}/fact-checks/{{id}}", org_url.trim_end_matches('/')));
            let publisher = Publisher {
                name: org_name,
                url: org_url,
                review_url_template,
            };
            let webhooks = service::webhooks::WebhookSettings {
                allow_private: webhooks_allow_private,
                allowed_hosts: webhooks_allowed_hosts,
                ..Default::default()
            };
            if let (Some(address), Some(handle)) = (metrics_bind, metrics) {
                let listener = tokio::net::TcpListener::bind(address)
                    .await
                    .map_err(|e| format!("cannot listen for metrics on {address}: {e}"))?;
                let routes = http::metrics::router(conn.clone(), handle);
                tokio::spawn(async move { axum::serve(listener, routes).await });
                tracing::info!("metrics at http://{address}/metrics");
            }
            let semantic = match &embedding_model {
                Some(dir) => {
                    let loaded = service::semantic::Semantic::load(dir).map_err(|e| {
                        format!("cannot load the embedding model from {}: {e}", dir.display())
                    })?;
                    tracing::info!(model = %dir.display(), "matching fact-checks by meaning as well as words");
                    loaded
                }
                None => {
                    tracing::info!(
                        "CLAIMDESK_EMBEDDING_MODEL is not set: fact-checks are matched by words alone (see docs/exchange.md)"
                    );
                    service::semantic::Semantic::off()
                }
            };
            let background = service::background::start(
                conn.clone(),
                http::claim_view,
                webhooks.clone(),
                semantic.clone(),
                usize::from(matching_tasks),
            );
            let app = http::app(
                conn,
                keys,
                &http::Settings {
                    body_limit,
                    publisher,
                    trusted_proxies,
                    max_claims_per_article,
                    webhooks,
                    request_timeout,
                    body_timeout,
                    public_feed,
                    semantic,
                },
            );
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
            tracing::info!("claimdesk listening on http://{bind}");
            let (stopping, mut stop) = tokio::sync::watch::channel(false);
            let serving = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async move {
                    shutdown_signal().await;
                    let _ = stopping.send(true);
                });
            let mut server = tokio::spawn(async move { serving.await });
            let finished = tokio::select! {
                joined = &mut server => Some(joined),
                _ = stop.wait_for(|stopping| *stopping) => None,
            };
            let signalled = std::time::Instant::now();
            let mut cut_off = false;
            let joined = match finished {
                Some(joined) => Some(joined),
                // Requests in flight get the grace period to finish; then
                // the process exits regardless.
                None => match tokio::time::timeout(shutdown_grace, &mut server).await {
                    Ok(joined) => Some(joined),
                    Err(_) => {
                        cut_off = true;
                        tracing::warn!(
                            grace_secs = shutdown_grace.as_secs_f64(),
                            "requests still running at the end of the shutdown grace period were cut off"
                        );
                        server.abort();
                        None
                    }
                },
            };
            if let Some(joined) = joined {
                joined
                    .map_err(|e| format!("server task failed: {e}"))?
                    .map_err(|e| format!("server error: {e}"))?;
            }
            // Background work under way finishes in what is left of the
            // grace; the rest waits in the database for the next start.
            background
                .shutdown(shutdown_grace.saturating_sub(signalled.elapsed()))
                .await;
            if cut_off {
                tracing::info!("shut down, cutting off what ran past the grace period");
            } else {
                tracing::info!("shut down cleanly");
            }
            Ok(())
        }
    }
}

/// A rule broken by command-line input, as one readable line.
fn describe(err: DomainError) -> String {
    match err {
        DomainError::Invalid(fields) => fields
            .iter()
            .map(|f| format!("{} {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
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
