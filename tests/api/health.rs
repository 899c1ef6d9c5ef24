use super::*;
use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

db_test! {
    async fn probes_answer(app: TestApp) {
        assert_eq!(app.get("/healthz").await.expect(200)["status"], "ok");
        assert_eq!(app.get("/readyz").await.expect(200)["status"], "ready");
        let doc = app.get("/api/v1/openapi.json").await;
        assert_eq!(doc.expect(200)["openapi"], "3.1.0");
        assert!(doc.body["paths"]["/api/v1/claims/{id}"].is_object());
    }
}

#[tokio::test]
async fn readyz_is_503_when_sqlite_is_closed() {
    let app = TestApp::sqlite().await;
    assert_eq!(app.get("/readyz").await.status, 200);
    app.db.close_by_ref().await.unwrap();
    app.get("/readyz").await.problem(503);
    assert_eq!(
        app.get("/healthz").await.status,
        200,
        "liveness does not depend on the database"
    );
    app.get("/api/v1/articles").await.problem(503);
}

/// A TCP relay between the app and PostgreSQL that can cut every connection
/// and refuse new ones, as a crashed or partitioned database would.
struct Relay {
    port: u16,
    down: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Relay {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let cut = Arc::new(Notify::new());
        let (d, c) = (down.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if d.load(Ordering::SeqCst) {
                    continue; // dropping the socket refuses the connection
                }
                let (upstream, cut) = (upstream.clone(), c.clone());
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.notified() => {}
                    }
                });
            }
        });
        Relay { port, down, cut }
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
        if down {
            self.cut.notify_waiters();
        }
    }
}

#[tokio::test]
async fn readyz_is_503_while_postgres_is_unreachable_and_recovers() {
    let Some(url) = TestApp::postgres_url_for_new_schema().await else {
        return;
    };
    // postgres://user@host:port/db?... → route host:port through the relay.
    let (scheme_user, rest) = url.split_once('@').unwrap();
    let (host_port, path) = rest.split_once('/').unwrap();
    let relay = Relay::start(host_port.to_owned()).await;
    let app = TestApp::start(
        &format!("{scheme_user}@127.0.0.1:{}/{path}", relay.port),
        Default::default(),
    )
    .await;

    assert_eq!(app.get("/readyz").await.status, 200);
    relay.set_down(true);
    app.get("/readyz").await.problem(503);
    assert_eq!(app.get("/healthz").await.status, 200);
    // Reads and writes on connections the outage broke are 503 too, not 500.
    app.get("/api/v1/articles").await.problem(503);
    app.post(
        "/api/v1/articles?extract=false",
        serde_json::json!({"title": "T", "body": "B"}),
    )
    .await
    .problem(503);
    relay.set_down(false);
    let mut ready = false;
    for _ in 0..20 {
        if app.get("/readyz").await.status == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(ready, "readyz recovers once the database is back");
}

/// PostgreSQL ending the server's sessions under load (as a restart or a
/// failover does): every request is answered 201 or 503, never 500, and the
/// service recovers by itself.
#[tokio::test]
async fn sessions_ended_by_postgres_are_503_never_500() {
    let Some(url) = TestApp::postgres_url_for_new_schema().await else {
        return;
    };
    let name = format!("claimdesk_kill_{}", uuid::Uuid::now_v7().simple());
    let app = TestApp::start(&format!("{url}&application_name={name}"), Default::default()).await;
    let killer = claimdesk::db::connect(&std::env::var("TEST_POSTGRES_URL").unwrap())
        .await
        .unwrap();
    let mut statuses = Vec::new();
    for round in 0..5 {
        let writes = (0..8).map(|i| {
            app.post(
                "/api/v1/articles?extract=false",
                serde_json::json!({"title": format!("Round {round} article {i}"), "body": "Body."}),
            )
        });
        let kill = async {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            killer
                .execute_unprepared(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{name}'"
                ))
                .await
                .unwrap();
        };
        let (answers, ()) = tokio::join!(futures_util::future::join_all(writes), kill);
        for r in answers {
            if r.status != 201 {
                r.problem(503);
            }
            statuses.push(r.status);
        }
    }
    assert!(statuses.iter().all(|s| [201, 503].contains(s)), "{statuses:?}");
    assert!(
        statuses.contains(&503),
        "some request met an ended session: {statuses:?}"
    );
    let mut recovered = false;
    for _ in 0..20 {
        if app.get("/api/v1/articles").await.status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(
        recovered,
        "the service recovers once PostgreSQL takes connections again"
    );
}
