//! Integrations are told: signed webhook deliveries to a real HTTP receiver,
//! retries, the outbox across a crash, one sender among replicas, the SSRF
//! guard, and the event feed.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use claimdesk::domain::role::Role;
use claimdesk::http::Settings;
use claimdesk::service::webhooks::WebhookSettings;
use futures_util::future::join_all;
use sea_orm::TransactionTrait;
use serde_json::Value;

use super::*;
use support::PASSWORD;

/// One delivery as the receiver got it.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: Bytes,
    at: Instant,
}

impl Received {
    fn id(&self) -> String {
        self.headers["webhook-id"].to_str().unwrap().to_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn event_type(&self) -> String {
        self.json()["type"].as_str().unwrap().to_owned()
    }
}

/// An HTTP status to answer with, and a `Retry-After` value.
type Answer = (u16, Option<&'static str>);

#[derive(Clone, Default)]
struct Script {
    received: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer with, in order, before answering 200.
    answers: Arc<Mutex<VecDeque<Answer>>>,
}

/// A webhook receiver on 127.0.0.1: records every request, answers per script.
struct Receiver {
    url: String,
    script: Script,
}

impl Receiver {
    async fn start() -> Self {
        let script = Script::default();
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/hook"),
            script,
        }
    }

    fn answer_first(&self, answers: &[Answer]) {
        self.script
            .answers
            .lock()
            .unwrap()
            .extend(answers.iter().copied());
    }

    fn received(&self) -> Vec<Received> {
        self.script.received.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what arrived, or panics after `secs`.
    async fn wait_for(&self, secs: u64, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; got {:?}",
                got.iter().map(Received::event_type).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(State(script): State<Script>, headers: HeaderMap, body: Bytes) -> (StatusCode, HeaderMap) {
    script.received.lock().unwrap().push(Received {
        headers,
        body,
        at: Instant::now(),
    });
    let (status, retry_after) = script.answers.lock().unwrap().pop_front().unwrap_or((200, None));
    let mut out = HeaderMap::new();
    if let Some(seconds) = retry_after {
        out.insert("retry-after", seconds.parse().unwrap());
    }
    (StatusCode::from_u16(status).unwrap(), out)
}

fn private_allowed() -> Settings {
    Settings {
        webhooks: WebhookSettings {
            allow_private: true,
            retry_schedule: vec![chrono::Duration::milliseconds(300); 7],
            allowed_hosts: Vec::new(),
        },
        ..Default::default()
    }
}

/// Registers the receiver for `events`; returns (webhook path, secret).
async fn register(app: &TestApp, receiver: &Receiver, events: Value) -> (String, String) {
    let created = app
        .post("/api/v1/webhooks", json!({"url": receiver.url, "events": events}))
        .await;
    let body = created.expect(201).clone();
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    (
        format!("/api/v1/webhooks/{}", body["id"].as_str().unwrap()),
        secret,
    )
}

#[track_caller]
fn verify(secret: &str, delivery: &Received) {
    let verifier = standardwebhooks::Webhook::new(secret).unwrap();
    verifier
        .verify(&delivery.body, &delivery.headers)
        .unwrap_or_else(|e| panic!("signature of {} does not verify: {e}", delivery.id()));
}

const ARTICLE: &str = "The water board said 4,200 households lost supply for more than 12 hours in June. \
Engineers in Tartu replaced 3 kilometres of pipe, according to the city council.";

db_test_with! {
    private_allowed();

    async fn a_claims_whole_life_is_delivered_signed_and_in_order(app: TestApp) {
        let receiver = Receiver::start().await;
        let (_, secret) = register(&app, &receiver, json!(["*"])).await;
        let checker = app.user("checker@test.example", Role::Checker).await;
        let editor = app.user("editor@test.example", Role::Editor).await;

        let created = app.post("/api/v1/articles", json!({"title": "Water", "body": ARTICLE, "url": "https://news.example.org/water"})).await;
        let claim_id = created.expect(201)["claims"][0]["id"].as_str().unwrap().to_owned();
        let claim = format!("/api/v1/claims/{claim_id}");
        let c = app.as_user(&checker);
        c.post(&format!("{claim}/transitions"), json!({"to": "in_progress"})).await.expect(200);
        let source = c.post(&format!("{claim}/sources"), json!({"url": "https://stats.example.gov/water", "stance": "refutes"})).await;
        let source = format!("/api/v1/sources/{}", source.expect(201)["id"].as_str().unwrap());
        c.post(&format!("{claim}/sources"), json!({"url": "https://stats.example.gov/water-2", "stance": "context"})).await.expect(201);
        c.delete(&source, None).await;
        c.post(&format!("{claim}/comments"), json!({"body": "June figures are provisional."})).await.expect(201);
        c.post(&format!("{claim}/transitions"), json!({"to": "in_review", "verdict": {"rating": "mostly_false", "summary": "3,100 households."}})).await.expect(200);
        app.as_user(&editor).post(&format!("{claim}/transitions"), json!({"to": "verified"})).await.expect(200);

        let wanted = ["article.created", "claim.created", "source.added", "source.removed", "comment.added", "claim.transitioned", "claim.verified"];
        let got = receiver.wait_for(15, "the claim's whole life", |got| {
            let types: BTreeSet<String> = got.iter().map(Received::event_type).collect();
            wanted.iter().all(|w| types.contains(*w))
        }).await;
        for delivery in &got {
            verify(&secret, delivery);
            let timestamp: i64 = delivery.headers["webhook-timestamp"].to_str().unwrap().parse().unwrap();
            assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60);
            assert!(delivery.id().starts_with("msg_"));
        }
        // This claim's deliveries arrive in the order of its history.
        let history: Vec<String> = app.get(&format!("{claim}/history?limit=100")).await.body["items"]
            .as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
        let delivered: Vec<String> = got.iter()
            .filter(|d| d.json()["data"]["claim_id"] == json!(claim_id))
            .map(|d| d.json()["data"]["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(delivered, history, "one claim's deliveries go out in commit order");
        let verified = got.iter().find(|d| d.event_type() == "claim.verified").unwrap().json();
        assert_eq!(verified["data"]["kind"], "transitioned");
        assert_eq!(verified["data"]["data"]["to"], "verified");
        assert_eq!(verified["data"]["claim"]["id"], json!(claim_id));
        assert_eq!(verified["data"]["claim"]["status"], "verified");
        assert_eq!(verified["data"]["claim"]["verdict"]["rating"], "mostly_false");
        let article = got.iter().find(|d| d.event_type() == "article.created").unwrap().json();
        assert_eq!(article["data"]["data"]["title"], "Water");
        assert!(article["data"]["claim"].is_null());
        // Each event once: every webhook-id is new.
        let ids: BTreeSet<String> = got.iter().map(Received::id).collect();
        assert_eq!(ids.len(), got.len());
    }

    async fn a_failing_receiver_gets_the_same_delivery_again(app: TestApp) {
        let receiver = Receiver::start().await;
        let (hook, secret) = register(&app, &receiver, json!(["claim.created"])).await;
        receiver.answer_first(&[(500, None), (500, None)]);
        app.post("/api/v1/claims", json!({"text": "Rents rose 9% in Lisbon last year"})).await.expect(201);
        let got = receiver.wait_for(15, "three attempts", |got| got.len() >= 3).await;
        let ids: BTreeSet<String> = got.iter().map(Received::id).collect();
        assert_eq!(ids.len(), 1, "the webhook-id is the receiver's idempotency key: the same on every attempt");
        for delivery in &got {
            verify(&secret, delivery);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(receiver.received().len(), 3, "a 2xx ends the retries");
        let log = app.get(&format!("{hook}/deliveries")).await;
        let entry = &log.expect(200)["items"][0];
        assert_eq!(entry["status"], "delivered");
        assert_eq!(entry["attempts"], 3);
        assert_eq!(entry["last_status"], 200);
        assert_eq!(entry["id"], json!(got[0].id()));

        // Replay sends it once more, with the same id.
        let replayed = app.post(&format!("{hook}/deliveries/{}/replay", got[0].id()), json!({})).await;
        assert_eq!(replayed.expect(202)["status"], "pending");
        let again = receiver.wait_for(10, "the replay", |got| got.len() >= 4).await;
        assert_eq!(again[3].id(), got[0].id());
        app.post(&format!("{hook}/deliveries/msg_nothing/replay"), json!({})).await.problem(404);
    }

    async fn retry_after_is_honoured_and_410_disables(app: TestApp) {
        let receiver = Receiver::start().await;
        let (hook, _) = register(&app, &receiver, json!(["*"])).await;
        receiver.answer_first(&[(429, Some("2"))]);
        app.post(&format!("{hook}/test"), json!({})).await.expect(202);
        let got = receiver.wait_for(15, "a retry after Retry-After", |got| got.len() >= 2).await;
        assert_eq!(got[0].event_type(), "ping");
        assert!(got[1].at - got[0].at >= Duration::from_millis(1900), "waited {:?}", got[1].at - got[0].at);

        receiver.answer_first(&[(410, None)]);
        app.post(&format!("{hook}/test"), json!({})).await.expect(202);
        receiver.wait_for(10, "the 410", |got| got.len() >= 3).await;
        let mut disabled = Value::Null;
        for _ in 0..40 {
            disabled = app.get(&hook).await.body.clone();
            if disabled["enabled"] == false {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(disabled["enabled"], false);
        assert!(disabled["disabled_reason"].as_str().unwrap().contains("410"));
        app.post("/api/v1/claims", json!({"text": "Bus fares fell 3% in Riga"})).await.expect(201);
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(receiver.received().len(), 3, "a disabled endpoint gets nothing");
        // Enabling it again clears the reason.
        let enabled = app.patch(&hook, json!({"enabled": true}), None).await;
        assert_eq!(enabled.expect(200)["disabled_reason"], json!(null));
    }

    async fn a_rolled_back_change_sends_nothing(app: TestApp) {
        let receiver = Receiver::start().await;
        register(&app, &receiver, json!(["*"])).await;
        let claim = app.post("/api/v1/claims", json!({"text": "Tram lines grew 14% in Porto"})).await;
        let claim_id = claimdesk::domain::ids::ClaimId(claim.expect(201)["id"].as_str().unwrap().parse().unwrap());
        receiver.wait_for(10, "the committed claim.created", |got| got.len() == 1).await;
        let feed_before = app.count("events").await;

        // A change whose transaction rolls back: its events go with it.
        let txn = app.db.begin().await.unwrap();
        let data = claimdesk::domain::history::EventData::Deleted(claimdesk::domain::history::ClaimDeleted {});
        claimdesk::service::events::record(&txn, claim_id, None, data).await.unwrap();
        txn.rollback().await.unwrap();
        // And a refused request writes none.
        app.post("/api/v1/claims", json!({"text": ""})).await.problem(422);

        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(receiver.received().len(), 1);
        assert_eq!(app.count("events").await, feed_before);
    }

    async fn the_feed_returns_every_event_once_across_pages_written_concurrently(app: TestApp) {
        let app = &app;
        let writers = (0..4).map(|w| async move {
            for i in 0..6 {
                app.post("/api/v1/claims", json!({"text": format!("Writer {w} says {} new parks opened", i + 10)})).await.expect(201);
            }
        });
        let reader = async {
            let mut seen: Vec<String> = Vec::new();
            let mut cursor = String::from("0");
            let deadline = Instant::now() + Duration::from_secs(30);
            while seen.len() < 24 && Instant::now() < deadline {
                let page = app.get(&format!("/api/v1/events?after={cursor}&limit=3&types=claim.created")).await;
                let body = page.expect(200).clone();
                for item in body["items"].as_array().unwrap() {
                    seen.push(item["id"].as_str().unwrap().to_owned());
                    assert_eq!(item["type"], "claim.created");
                    assert_eq!(item["kind"], "created");
                }
                cursor = body["next_cursor"].as_str().unwrap().to_owned();
            }
            seen
        };
        let (_, seen) = tokio::join!(join_all(writers), reader);
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(seen.len(), 24, "{seen:?}");
        assert_eq!(unique.len(), 24, "no event twice");
        // Positions rise one by one, whatever order the writers committed in.
        let all = app.get("/api/v1/events?limit=200").await.body.clone();
        let positions: Vec<i64> = all["items"].as_array().unwrap().iter().map(|e| e["position"].as_i64().unwrap()).collect();
        assert_eq!(positions, (1..=positions.len() as i64).collect::<Vec<_>>());
    }

    async fn the_feed_holds_a_request_until_something_happens(app: TestApp) {
        let start = app.get("/api/v1/events?limit=200").await.body["next_cursor"].as_str().unwrap().to_owned();
        let waiting = async {
            let began = Instant::now();
            let page = app.get(&format!("/api/v1/events?after={start}&wait=10")).await;
            (began.elapsed(), page)
        };
        let writer = async {
            tokio::time::sleep(Duration::from_millis(700)).await;
            app.post("/api/v1/claims", json!({"text": "Ferry trips rose 5% in Split"})).await.expect(201);
        };
        let ((waited, page), ()) = tokio::join!(waiting, writer);
        assert_eq!(page.expect(200)["items"][0]["type"], "claim.created");
        assert!(waited >= Duration::from_millis(600) && waited < Duration::from_secs(9), "{waited:?}");
        app.get("/api/v1/events?wait=31").await.problem(422);
        app.get("/api/v1/events?after=nope").await.problem(422);
        app.get("/api/v1/events?types=claim.exploded").await.problem(422);
    }

    async fn webhooks_are_managed_by_editors(app: TestApp) {
        let receiver = Receiver::start().await;
        let (hook, secret) = register(&app, &receiver, json!(["claim.verified"])).await;
        let shown = app.get(&hook).await;
        assert!(shown.expect(200).get("secret").is_none(), "the secret is shown only once");
        assert_eq!(shown.body["events"], json!(["claim.verified"]));
        app.post("/api/v1/webhooks", json!({"url": receiver.url, "events": ["claim.exploded"]})).await.problem(422);
        app.post("/api/v1/webhooks", json!({"url": receiver.url, "events": []})).await.problem(422);
        app.post("/api/v1/webhooks", json!({"url": "ftp://hooks.example/", "events": ["*"]})).await.problem(422);
        let reporter = app.user("rep@test.example", Role::Reporter).await;
        app.as_user(&reporter).get("/api/v1/webhooks").await.problem(403);

        // Rotation: for a day deliveries carry both signatures.
        let rotated = app.post(&format!("{hook}/rotate-secret"), json!({})).await;
        let new_secret = rotated.expect(200)["secret"].as_str().unwrap().to_owned();
        assert_ne!(new_secret, secret);
        app.post(&format!("{hook}/test"), json!({})).await.expect(202);
        let got = receiver.wait_for(10, "the ping", |got| !got.is_empty()).await;
        assert_eq!(got[0].headers["webhook-signature"].to_str().unwrap().split(' ').count(), 2);
        verify(&secret, &got[0]);
        verify(&new_secret, &got[0]);

        let etag = app.get(&hook).await.header("etag").unwrap().to_owned();
        app.patch(&hook, json!({"description": "Desk bot", "events": ["*"]}), Some(&etag)).await.expect(200);
        app.patch(&hook, json!({"enabled": false}), Some(&etag)).await.problem(412);
        assert_eq!(app.get("/api/v1/webhooks").await.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(app.delete(&hook, None).await.status, 204);
        app.get(&hook).await.problem(404);
    }
}

db_test! {
    async fn private_addresses_are_refused(app: TestApp) {
        for url in [
            "http://127.0.0.1:9/hook",
            "http://localhost:9/hook",
            "http://10.0.0.8/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hook",
            "http://192.168.1.20/hook",
        ] {
            let refused = app.post("/api/v1/webhooks", json!({"url": url, "events": ["*"]})).await;
            assert_eq!(refused.problem(422)["errors"][0]["field"], "url", "{url}");
        }
        assert_eq!(app.count("webhooks").await, 0);
    }
}

db_test_with! {
    private_allowed();

    async fn null_for_an_endpoint_field_that_cannot_be_cleared_is_refused(app: TestApp) {
        let hook = app.post("/api/v1/webhooks", json!({"url": "http://127.0.0.1:9/in", "events": ["claim.created"], "description": "CMS"})).await;
        let path = format!("/api/v1/webhooks/{}", hook.expect(201)["id"].as_str().unwrap());
        let refused = app.patch(&path, json!({"url": null, "events": null, "enabled": null}), None).await;
        refused.problem(422);
        assert_eq!(refused.error_fields(), ["url", "events", "enabled"]);
        let kept = app.get(&path).await;
        assert_eq!((&kept.expect(200)["events"], &kept.body["enabled"], &kept.body["version"]), (&json!(["claim.created"]), &json!(true), &json!(1)));
        let cleared = app.patch(&path, json!({"description": null}), Some("1")).await;
        assert_eq!(cleared.expect(200)["description"], Value::Null);
    }

    async fn parallel_registrations_cannot_pass_the_endpoint_limit(app: TestApp) {
        let max = claimdesk::service::webhooks::MAX_WEBHOOKS;
        for i in 0..max - 5 {
            app.post("/api/v1/webhooks", json!({"url": format!("http://127.0.0.1:9/h{i}"), "events": ["*"]})).await.expect(201);
        }
        let racing = (0..20).map(|i| app.post("/api/v1/webhooks", json!({"url": format!("http://127.0.0.1:9/r{i}"), "events": ["*"]})));
        let statuses: Vec<u16> = join_all(racing).await.iter().map(|r| r.status).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 5, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 15, "{statuses:?}");
        assert_eq!(app.count("webhooks").await, max as i64);
    }
}

fn only_localhost() -> Settings {
    Settings {
        webhooks: WebhookSettings {
            allow_private: true,
            allowed_hosts: vec!["127.0.0.1".into()],
            ..Default::default()
        },
        ..Default::default()
    }
}

db_test_with! {
    only_localhost();

    async fn an_egress_allow_list_refuses_other_hosts_without_looking_them_up(app: TestApp) {
        let refused = app.post("/api/v1/webhooks", json!({"url": "https://hooks.example.org/x", "events": ["*"]})).await;
        assert!(refused.problem(422)["errors"][0]["message"].as_str().unwrap().contains("127.0.0.1"));
        app.post("/api/v1/webhooks", json!({"url": "http://127.0.0.1:9/x", "events": ["*"]})).await.expect(201);
    }
}

/// Replicas on one PostgreSQL database share the work: each event is
/// delivered once, by one of them.
#[tokio::test]
async fn two_replicas_deliver_each_event_once() {
    let Some(url) = TestApp::postgres_url_for_new_schema().await else {
        return;
    };
    let first = TestApp::start(&url, private_allowed()).await;
    let second = TestApp::start_replica(&url, private_allowed(), "admin@test.example").await;
    let receiver = Receiver::start().await;
    register(&first, &receiver, json!(["claim.created"])).await;
    let writes = (0..20).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        app.post(
            "/api/v1/claims",
            json!({"text": format!("Replica test: {} new libraries opened", i + 3)}),
        )
    });
    for r in join_all(writes).await {
        r.expect(201);
    }
    receiver
        .wait_for(20, "twenty deliveries", |got| got.len() >= 20)
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = receiver.received();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for d in &got {
        *per_id.entry(d.id()).or_default() += 1;
    }
    assert_eq!(got.len(), 20, "each event once, not once per replica");
    assert!(per_id.values().all(|n| *n == 1));
}

/// The outbox survives a crash: claimdesk killed with SIGKILL right after a
/// change committed (before its delivery was made) sends it after restart.
#[tokio::test]
async fn a_delivery_survives_sigkill_between_commit_and_send() {
    for url in [
        Some(super::cli::sqlite_url().0),
        TestApp::postgres_url_for_new_schema().await,
    ] {
        let Some(url) = url else { continue };
        let receiver = Receiver::start().await;
        let env = [("CLAIMDESK_WEBHOOKS_ALLOW_PRIVATE", "true")];
        let server = super::cli::Server::start_with(&url, &env, None);
        let (base, port) = (server.base.clone(), server.port());
        let mut child = server.drain_log();

        let db = claimdesk::db::connect(&url).await.unwrap();
        let new = claimdesk::domain::user::NewUser::parse(
            "ed@test.example",
            "Ed".into(),
            PASSWORD.into(),
            Role::Editor,
        )
        .unwrap();
        claimdesk::service::users::create(&db, new).await.unwrap();
        let client = support::http_client();
        let token = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "ed@test.example", "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let hook = client
            .post(format!("{base}/api/v1/webhooks"))
            .bearer_auth(&token)
            .json(&json!({"url": receiver.url, "events": ["claim.created"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(hook.status(), 201);
        let secret = hook.json::<Value>().await.unwrap()["secret"]
            .as_str()
            .unwrap()
            .to_owned();

        let created = client
            .post(format!("{base}/api/v1/claims"))
            .bearer_auth(&token)
            .json(&json!({"text": "Ferries carried 2 million people last year"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "committed");
        child.kill().unwrap(); // SIGKILL: no shutdown, no flushing
        child.wait().unwrap();
        let before_restart = receiver.received().len();

        let restarted = super::cli::Server::start_with(&url, &env, Some(port));
        let mut child = restarted.drain_log();
        let got = receiver
            .wait_for(20, "the delivery after restart", |got| !got.is_empty())
            .await;
        verify(&secret, &got[0]);
        assert_eq!(got[0].event_type(), "claim.created");
        eprintln!(
            "{url}: {before_restart} deliveries arrived before the kill, {} after restart",
            got.len()
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
