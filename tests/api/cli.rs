//! The `claimdesk` binary itself: first run, scripting, refusal to start with
//! a weak secret, and graceful shutdown on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::*;

const BIN: &str = env!("CARGO_BIN_EXE_claimdesk");

pub fn sqlite_url() -> (String, std::path::PathBuf) {
    let file = std::env::temp_dir().join(format!("claimdesk-cli-{}.db", uuid::Uuid::now_v7().simple()));
    (format!("sqlite://{}", file.display()), file)
}

/// Never the same port twice in one test run: the port is free only until
/// someone binds it, and the system may offer a port it just gave back (a
/// server and its metrics address were once both handed 34607).
pub fn free_port() -> u16 {
    static HANDED_OUT: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !handed_out.contains(&port) {
            handed_out.push(port);
            return port;
        }
    }
}

/// A running `claimdesk serve`, with the log lines it printed while starting.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub startup_log: Vec<String>,
    log: std::io::Lines<BufReader<std::process::ChildStderr>>,
}

impl Server {
    fn start(database_url: &str) -> Server {
        Self::start_with(database_url, &[], None)
    }

    /// Starts the binary with extra environment variables, on `port` if
    /// given (a restarted server keeps its address).
    pub fn start_with(database_url: &str, env: &[(&str, &str)], port: Option<u16>) -> Server {
        let port = port.unwrap_or_else(free_port);
        let mut child = Command::new(BIN)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .envs(env.iter().copied())
            .env("DATABASE_URL", database_url)
            .env_remove("CLAIMDESK_JWT_SECRET")
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start claimdesk");
        let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut startup_log = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        for line in log.by_ref() {
            let line = line.unwrap();
            let ready = line.contains("listening on");
            startup_log.push(line);
            if ready || Instant::now() > deadline {
                break;
            }
        }
        assert!(
            startup_log.iter().any(|l| l.contains("listening on")),
            "did not start: {startup_log:#?}"
        );
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            startup_log,
            log,
        }
    }

    /// The password of `admin@localhost`, printed once on the first start.
    pub fn first_run_password(&self) -> String {
        let line = self
            .startup_log
            .iter()
            .find(|l| l.contains("admin@localhost with password"))
            .expect("the first run prints the admin password");
        line.split("with password ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.base.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Reads the rest of its log in the background, so it never blocks on a
    /// full pipe.
    pub fn drain_log(self) -> Child {
        let Server { child, log, .. } = self;
        std::thread::spawn(move || for _ in log {});
        child
    }

    /// Sends SIGTERM and returns whether it exited cleanly, with its last log lines.
    pub fn terminate(mut self) -> (bool, Vec<String>) {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        let rest: Vec<String> = self.log.map_while(Result::ok).collect();
        (status.success(), rest)
    }
}

pub async fn login(base: &str, email: &str, password: &str) -> u16 {
    crate::support::http_client()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn first_run_creates_an_admin_and_shuts_down_cleanly(url: String) {
    let server = Server::start(&url);
    let password = server.first_run_password();
    assert!(password.len() >= 12);
    assert!(
        server
            .startup_log
            .iter()
            .any(|l| l.contains("CLAIMDESK_JWT_SECRET is not set"))
    );
    assert_eq!(login(&server.base, "admin@localhost", &password).await, 200);
    assert_eq!(
        login(&server.base, "admin@localhost", "wrong password!").await,
        401
    );
    let (clean, log) = server.terminate();
    assert!(clean, "exit status after SIGTERM; log: {log:#?}");
    assert!(log.iter().any(|l| l.contains("shut down cleanly")), "{log:#?}");

    // The second start finds a user and prints no password; the same
    // database-kept secret still validates tokens.
    let again = Server::start(&url);
    assert!(!again.startup_log.iter().any(|l| l.contains("with password")));
    assert_eq!(login(&again.base, "admin@localhost", &password).await, 200);
    again.terminate();
}

async fn user_add_for_scripts(url: String) {
    let added = Command::new(BIN)
        .args([
            "user",
            "add",
            "--email",
            "Desk@Example.org",
            "--role",
            "checker",
            "--password-env",
            "DESK_PW",
        ])
        .env("DATABASE_URL", &url)
        .env("DESK_PW", "a long enough secret")
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(String::from_utf8_lossy(&added.stdout).contains("created desk@example.org (checker)"));

    let mut weak = Command::new(BIN)
        .args(["user", "add", "--email", "weak@example.org", "--role", "reporter"])
        .env("DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    weak.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = weak.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password must be at least 12 characters"));

    let duplicate = Command::new(BIN)
        .args([
            "user",
            "add",
            "--email",
            "desk@example.org",
            "--role",
            "admin",
            "--password-env",
            "DESK_PW",
        ])
        .env("DATABASE_URL", &url)
        .env("DESK_PW", "a long enough secret")
        .output()
        .unwrap();
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));

    // With a user present, serve creates no first admin.
    let server = Server::start(&url);
    assert!(!server.startup_log.iter().any(|l| l.contains("with password")));
    assert_eq!(
        login(&server.base, "desk@example.org", "a long enough secret").await,
        200
    );
    server.terminate();
}

#[tokio::test]
async fn first_run_sqlite() {
    let (url, _file) = sqlite_url();
    first_run_creates_an_admin_and_shuts_down_cleanly(url).await;
}

#[tokio::test]
async fn first_run_postgres() {
    if let Some(url) = TestApp::postgres_url_for_new_schema().await {
        first_run_creates_an_admin_and_shuts_down_cleanly(url).await;
    }
}

#[tokio::test]
async fn user_add_sqlite() {
    let (url, _file) = sqlite_url();
    user_add_for_scripts(url).await;
}

#[tokio::test]
async fn user_add_postgres() {
    if let Some(url) = TestApp::postgres_url_for_new_schema().await {
        user_add_for_scripts(url).await;
    }
}

#[test]
fn a_short_jwt_secret_refuses_to_start() {
    let (url, _file) = sqlite_url();
    let out = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", url)
        .env("CLAIMDESK_JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at least 32 bytes"), "{stderr}");
    assert!(!stderr.contains("too-short"), "the secret itself is never logged");
}

#[test]
fn migrate_and_status() {
    let (url, _file) = sqlite_url();
    let status = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let before = status(&["migrate", "status"]);
    assert!(String::from_utf8_lossy(&before.stdout).contains("pending m20261127_000001_articles_and_claims"));
    assert!(status(&["migrate"]).status.success());
    let after = String::from_utf8_lossy(&status(&["migrate", "status"]).stdout).to_string();
    assert!(after.lines().all(|l| l.starts_with("applied ")), "{after}");
}

/// `claimdesk seed` on each database: the claims it writes are counted,
/// searchable and matched like any others, and a second run adds to them.
#[tokio::test]
async fn seed_fills_a_database_that_search_and_matching_read() {
    let (sqlite, _file) = sqlite_url();
    let mut urls = vec![sqlite];
    urls.extend(TestApp::postgres_url_for_new_schema().await);
    for url in urls {
        let seed = |n: &str| {
            Command::new(BIN)
                .args(["seed", "--claims", n])
                .env("DATABASE_URL", &url)
                .output()
                .unwrap()
        };
        let out = seed("250");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("wrote 250 claims"));
        let app = TestApp::start(&url, claimdesk::http::Settings::default()).await;
        assert_eq!(app.count("claims").await, 250);
        assert_eq!(app.count("articles").await, 25);

        let newest = app.get("/api/v1/claims?limit=1").await;
        let claim = newest.expect(200)["items"][0].clone();
        let id = claim["id"].as_str().unwrap();
        let text = claim["text"].as_str().unwrap();
        assert!(!claim["quantities"].as_array().unwrap().is_empty(), "{claim}");
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(8)
            .collect();
        let found = app
            .get(&format!("/api/v1/claims?q={}&limit=200", words.join("%20")))
            .await;
        let ids: Vec<&str> = found.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&id), "{text} not found by its own words");
        app.get(&format!("/api/v1/claims/{id}/similar")).await.expect(200);

        assert!(seed("10").status.success());
        assert_eq!(app.count("claims").await, 260);
        assert!(!seed("nope").status.success(), "a bad count must fail");
    }
}
