//! Starts the real app on 127.0.0.1:0 against a fresh database and talks to
//! it over HTTP. Every test runs on SQLite, and on PostgreSQL as well when
//! `TEST_POSTGRES_URL` is set (each test gets a schema of its own there).

use std::path::PathBuf;

use std::net::SocketAddr;

use claimdesk::domain::role::Role;
use claimdesk::domain::user::NewUser;
use claimdesk::http::{self, Settings};
use claimdesk::service::auth::{AuthSettings, Keys};
use reqwest::header::HeaderMap;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::Value;
use uuid::Uuid;

/// Defines `mod $name { sqlite, postgres }`: one test body, run on each database.
#[macro_export]
macro_rules! db_test {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: $crate::support::TestApp) $body
            #[tokio::test]
            async fn sqlite() {
                run($crate::support::TestApp::sqlite().await).await
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::support::TestApp::postgres().await {
                    run(app).await
                }
            }
        }
    )*};
}

/// Like `db_test!`, with the app started with these settings:
/// `db_test_with! { settings_expr; async fn name(app: TestApp) { ... } }`.
#[macro_export]
macro_rules! db_test_with {
    ($settings:expr; $(async fn $name:ident($app:ident: TestApp) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: $crate::support::TestApp) $body
            #[tokio::test]
            async fn sqlite() {
                run($crate::support::TestApp::sqlite_with($settings).await).await
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::support::TestApp::postgres_with($settings).await {
                    run(app).await
                }
            }
        }
    )*};
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    /// An admin's access token, sent by `get`, `post`, ... unless told otherwise.
    pub token: String,
    sqlite_file: Option<PathBuf>,
    /// The sequencer and webhook sender of this app.
    _background: claimdesk::service::background::Background,
}

/// Where the tests find the sentence-embedding model:
/// `CLAIMDESK_EMBEDDING_MODEL`, else `models/all-MiniLM-L6-v2` in the
/// repository (`bash tools/fetch-model.sh` puts it there).
pub fn model_dir() -> PathBuf {
    let dir = std::env::var_os("CLAIMDESK_EMBEDDING_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2"));
    assert!(
        dir.join("model.safetensors").is_file(),
        "the sentence-embedding model is not in {}: run `bash tools/fetch-model.sh` first (or set CLAIMDESK_EMBEDDING_MODEL)",
        dir.display()
    );
    dir
}

/// The model, loaded once for the whole test binary.
pub fn semantic() -> claimdesk::service::semantic::Semantic {
    static LOADED: std::sync::OnceLock<claimdesk::service::semantic::Semantic> = std::sync::OnceLock::new();
    LOADED
        .get_or_init(|| claimdesk::service::semantic::Semantic::load(&model_dir()).expect("load the model"))
        .clone()
}

/// Settings with matching by meaning on.
pub fn with_semantic() -> Settings {
    Settings {
        semantic: semantic(),
        ..Settings::default()
    }
}

/// An HTTP client for tests. TLS comes from rustls on ring, which the
/// service itself uses, so it must be chosen once per process.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

pub const PASSWORD: &str = "correct horse battery staple";

/// Sends requests as one caller: a bearer token, or nobody.
pub struct Caller<'a> {
    app: &'a TestApp,
    token: Option<&'a str>,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json answer with this status and returns its body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.body
        );
        assert_eq!(self.body["status"], status);
        assert!(
            self.body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("urn:claimdesk:problem:"))
        );
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        if status == 422 {
            // Every 422 lists what to fix, field by field.
            let errors = self.body["errors"].as_array();
            assert!(
                errors.is_some_and(|e| !e.is_empty()
                    && e.iter()
                        .all(|e| e["field"].is_string() && e["message"].is_string())),
                "a 422 without an errors list: {}",
                self.body
            );
        }
        &self.body
    }

    /// The fields named in a validation problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        &self.body
    }
}

impl TestApp {
    pub async fn sqlite() -> Self {
        Self::sqlite_with(Settings::default()).await
    }

    pub async fn sqlite_with(settings: Settings) -> Self {
        let file = std::env::temp_dir().join(format!("claimdesk-test-{}.db", Uuid::now_v7().simple()));
        let url = format!("sqlite://{}", file.display());
        let mut app = Self::start(&url, settings).await;
        app.sqlite_file = Some(file);
        app
    }

    /// `None` when `TEST_POSTGRES_URL` is not set.
    pub async fn postgres() -> Option<Self> {
        Self::postgres_with(Settings::default()).await
    }

    pub async fn postgres_with(settings: Settings) -> Option<Self> {
        let url = Self::postgres_url_for_new_schema().await?;
        Some(Self::start(&url, settings).await)
    }

    /// A URL whose connections use a fresh schema of their own.
    pub async fn postgres_url_for_new_schema() -> Option<String> {
        let base = std::env::var("TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let schema = format!("t_{}", Uuid::now_v7().simple());
        let admin = claimdesk::db::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("TEST_POSTGRES_URL is set but PostgreSQL cannot be reached: {e}"));
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create test schema");
        admin.close().await.ok();
        let separator = if base.contains('?') { '&' } else { '?' };
        Some(format!("{base}{separator}options=-c%20search_path%3D{schema}"))
    }

    pub async fn start(url: &str, settings: Settings) -> Self {
        let mut app = Self::launch(url, settings).await;
        app.token = app.user("admin@test.example", Role::Admin).await;
        app
    }

    /// A second app (a replica) on the database of one already started,
    /// signed in as that one's admin.
    pub async fn start_replica(url: &str, settings: Settings, admin_email: &str) -> Self {
        let mut app = Self::launch(url, settings).await;
        app.token = app.login(admin_email, PASSWORD).await.expect(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        app
    }

    /// Migrates, starts the background work and serves the app; no one is
    /// signed in yet.
    async fn launch(url: &str, settings: Settings) -> Self {
        let db = claimdesk::db::connect(url).await.expect("connect");
        claimdesk::db::migrate(&db).await.expect("migrate");
        let (keys, _) = Keys::load(&db, None, AuthSettings::default())
            .await
            .expect("keys");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let background = claimdesk::service::background::start(
            db.clone(),
            http::claim_view,
            settings.webhooks.clone(),
            settings.semantic.clone(),
            0,
        );
        let app = http::app(db.clone(), keys, &settings);
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
        });
        Self {
            base: format!("http://{addr}"),
            client: http_client(),
            db,
            token: String::new(),
            sqlite_file: None,
            _background: background,
        }
    }

    /// Creates a user with this role (straight through the service layer)
    /// and signs them in over HTTP; returns their access token.
    pub async fn user(&self, email: &str, role: Role) -> String {
        let new = NewUser::parse(email, email.into(), PASSWORD.into(), role).expect("valid user");
        claimdesk::service::users::create(&self.db, new)
            .await
            .expect("create user");
        self.login(email, PASSWORD).await.expect(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.anonymous()
            .post(
                "/api/v1/auth/login",
                serde_json::json!({"email": email, "password": password}),
            )
            .await
    }

    pub fn as_user<'a>(&'a self, token: &'a str) -> Caller<'a> {
        Caller {
            app: self,
            token: Some(token),
        }
    }

    pub fn anonymous(&self) -> Caller<'_> {
        Caller {
            app: self,
            token: None,
        }
    }

    fn admin(&self) -> Caller<'_> {
        self.as_user(&self.token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Resp {
        let response = request.send().await.expect("request failed");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.admin().get(path).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.admin().post(path, body).await
    }

    pub async fn patch(&self, path: &str, body: Value, if_match: Option<&str>) -> Resp {
        self.admin().patch(path, body, if_match).await
    }

    pub async fn delete(&self, path: &str, if_match: Option<&str>) -> Resp {
        self.admin().delete(path, if_match).await
    }

    /// Creates an article (without extracting claims) and returns its JSON.
    pub async fn article(&self, title: &str, body: &str) -> Value {
        self.post(
            "/api/v1/articles?extract=false",
            serde_json::json!({"title": title, "body": body}),
        )
        .await
        .expect(201)
        .clone()
    }

    /// Checks that every claim on the page at `list` is shown exactly as
    /// `GET /claims/{id}` shows it, links and group aside (a page is read
    /// another way than one claim).
    pub async fn assert_listed_as_shown(&self, list: &str) {
        let page = self.get(list).await.expect(200).clone();
        let items = page["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{page}");
        for item in items {
            let mut one = self
                .get(&format!("/api/v1/claims/{}", item["id"].as_str().unwrap()))
                .await
                .expect(200)
                .clone();
            // Only a claim on its own shows its links and its group.
            let fields = one.as_object_mut().unwrap();
            fields.remove("links");
            fields.remove("group");
            assert_eq!(&one, item, "a claim in a page differs from the claim itself");
        }
    }

    /// Waits until background work has caught up: every matching job done
    /// and every event numbered (at most 10 s).
    pub async fn settled(&self) {
        for _ in 0..200 {
            let unsequenced = self.count("events WHERE position IS NULL").await;
            if self.count("matching_jobs").await == 0 && unsequenced == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("background work did not catch up within 10 s");
    }

    /// Number of rows in a table, read straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("count")
    }
}

impl Caller<'_> {
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.app.client.request(method, self.app.url(path));
        match self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.app.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.app
            .send(self.request(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value, if_match: Option<&str>) -> Resp {
        let mut request = self.request(reqwest::Method::PATCH, path).json(&body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        self.app.send(request).await
    }

    pub async fn delete(&self, path: &str, if_match: Option<&str>) -> Resp {
        let mut request = self.request(reqwest::Method::DELETE, path);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        self.app.send(request).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}
