use super::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use claimdesk::domain::role::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::ConnectionTrait;
use support::PASSWORD;

async fn jwt_secret(app: &TestApp) -> String {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT value FROM server_secrets WHERE name = 'jwt_hs256'",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<String>("", "value").unwrap()
}

fn sign(claims: serde_json::Value, alg: Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), &claims, &EncodingKey::from_secret(secret)).unwrap()
}

fn claims_for(sub: &str, overrides: serde_json::Value) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": sub, "role": "admin", "iat": now, "exp": now + 600,
        "iss": "claimdesk", "aud": "claimdesk-api", "jti": "test"
    });
    for (k, v) in overrides.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

#[track_caller]
fn assert_401(r: &support::Resp) {
    r.problem(401);
    assert!(
        r.header("www-authenticate")
            .is_some_and(|h| h.starts_with("Bearer")),
        "401 must carry WWW-Authenticate: Bearer"
    );
}

db_test! {
    async fn sign_in_refresh_rotate_and_sign_out(app: TestApp) {
        let login = app.login("ADMIN@test.example", PASSWORD).await;
        let pair = login.expect(200).clone();
        assert_eq!(pair["token_type"], "Bearer");
        assert_eq!(pair["expires_in"], 900);
        let access = pair["access_token"].as_str().unwrap();
        let me = app.as_user(access).get("/api/v1/me").await;
        assert_eq!(me.expect(200)["email"], "admin@test.example");
        assert_eq!(me.body["role"], "admin");
        assert!(me.body.get("password_hash").is_none());

        let first = pair["refresh_token"].as_str().unwrap();
        let rotated = app.anonymous().post("/api/v1/auth/refresh", json!({"refresh_token": first})).await;
        let second = rotated.expect(200)["refresh_token"].as_str().unwrap().to_owned();
        assert_ne!(second, first);
        assert_eq!(app.as_user(rotated.body["access_token"].as_str().unwrap()).get("/api/v1/me").await.status, 200);

        // Reusing a spent refresh token signals theft: the whole family dies.
        assert_401(&app.anonymous().post("/api/v1/auth/refresh", json!({"refresh_token": first})).await);
        assert_401(&app.anonymous().post("/api/v1/auth/refresh", json!({"refresh_token": second})).await);

        let other = app.login("admin@test.example", PASSWORD).await.expect(200).clone();
        let refresh = other["refresh_token"].as_str().unwrap();
        assert_eq!(app.anonymous().post("/api/v1/auth/logout", json!({"refresh_token": refresh})).await.status, 204);
        assert_401(&app.anonymous().post("/api/v1/auth/refresh", json!({"refresh_token": refresh})).await);
        assert_eq!(app.anonymous().post("/api/v1/auth/logout", json!({"refresh_token": "cdr_unknown"})).await.status, 204);
        assert_401(&app.anonymous().post("/api/v1/auth/refresh", json!({"refresh_token": "nonsense"})).await);
    }

    async fn wrong_email_and_wrong_password_look_the_same(app: TestApp) {
        let wrong_password = app.login("admin@test.example", "not the password at all").await;
        let wrong_email = app.login("nobody@test.example", PASSWORD).await;
        assert_401(&wrong_password);
        assert_401(&wrong_email);
        // The same but for the id of the request each answers.
        let without_id = |body: &serde_json::Value| {
            let mut body = body.clone();
            body.as_object_mut().unwrap().remove("request_id");
            body
        };
        assert_eq!(without_id(&wrong_password.body), without_id(&wrong_email.body));
        assert_401(&app.login("not an email", PASSWORD).await);
        app.anonymous().post("/api/v1/auth/login", json!({"email": "admin@test.example"})).await.problem(422);
    }

    async fn repeated_failures_are_rate_limited(app: TestApp) {
        for _ in 0..5 {
            assert_401(&app.login("admin@test.example", "wrong password!!").await);
        }
        let limited = app.login("admin@test.example", PASSWORD).await;
        limited.problem(429);
        let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        // Another account from the same address still gets in...
        app.user("second@test.example", Role::Reporter).await;
        // ...until the address itself has failed too often.
        for i in 0..15 {
            app.login(&format!("ghost{i}@test.example"), "whatever12345").await;
        }
        app.login("second@test.example", PASSWORD).await.problem(429);
    }

    async fn bad_credentials_are_401(app: TestApp) {
        let secret = jwt_secret(&app).await;
        let me = app.anonymous().get("/api/v1/me").await;
        let admin_id = app.get("/api/v1/me").await.body["id"].as_str().unwrap().to_owned();
        assert_401(&me);
        let now = chrono::Utc::now().timestamp();
        let good = sign(claims_for(&admin_id, json!({})), Algorithm::HS256, secret.as_bytes());
        assert_eq!(app.as_user(&good).get("/api/v1/me").await.status, 200, "a well-formed token works");

        let (header, payload, _) = {
            let mut parts = good.split('.');
            (parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned(), parts.next().unwrap().to_owned())
        };
        let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let mut tampered_claims = claims_for(&admin_id, json!({}));
        tampered_claims["jti"] = json!("forged");
        let tampered_payload = URL_SAFE_NO_PAD.encode(tampered_claims.to_string());
        let good_signature = good.rsplit('.').next().unwrap();
        let cases: Vec<(&str, String)> = vec![
            ("garbage", "not-a-token".into()),
            ("three junk parts", "abc.def.ghi".into()),
            ("expired", sign(claims_for(&admin_id, json!({"exp": now - 120, "iat": now - 1000})), Algorithm::HS256, secret.as_bytes())),
            ("wrong issuer", sign(claims_for(&admin_id, json!({"iss": "someone-else"})), Algorithm::HS256, secret.as_bytes())),
            ("wrong audience", sign(claims_for(&admin_id, json!({"aud": "other-api"})), Algorithm::HS256, secret.as_bytes())),
            ("no expiry", sign(json!({"sub": admin_id, "role": "admin", "iss": "claimdesk", "aud": "claimdesk-api"}), Algorithm::HS256, secret.as_bytes())),
            ("other algorithm", sign(claims_for(&admin_id, json!({})), Algorithm::HS512, secret.as_bytes())),
            ("other secret", sign(claims_for(&admin_id, json!({})), Algorithm::HS256, b"an entirely different secret of 32+ bytes")),
            ("alg none", format!("{none_header}.{payload}.")),
            ("tampered payload", format!("{header}.{tampered_payload}.{good_signature}")),
            ("unknown user", sign(claims_for("00000000-0000-7000-8000-000000000000", json!({})), Algorithm::HS256, secret.as_bytes())),
            ("unknown api token", "cdk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
        ];
        for (name, token) in &cases {
            let r = app.as_user(token).get("/api/v1/me").await;
            assert_eq!(r.status, 401, "{name}: {}", r.body);
            assert_401(&r);
            // Nothing tells a forger which part of the token to fix.
            let expected = match *name {
                "unknown user" => "invalid token",
                "unknown api token" => "the API token is unknown, revoked or expired",
                _ => "invalid or expired token",
            };
            assert_eq!(r.body["detail"], expected, "{name}");
        }
        for header in ["Basic YWRtaW46cGFzcw==", "Bearer", "Bearer    ", "Token abc"] {
            let r = app.send(app.client.get(app.url("/api/v1/me")).header("authorization", header)).await;
            assert_401(&r);
        }
    }

    async fn disabling_a_user_stops_their_credentials_at_once(app: TestApp) {
        let reporter = app.user("rita@test.example", Role::Reporter).await;
        let me = app.as_user(&reporter).get("/api/v1/me").await.expect(200).clone();
        let token = app.as_user(&reporter).post("/api/v1/tokens", json!({"name": "bot", "role": "reporter"})).await;
        let api_token = token.expect(201)["token"].as_str().unwrap().to_owned();
        let refresh = app.login("rita@test.example", PASSWORD).await.body["refresh_token"].as_str().unwrap().to_owned();
        assert_eq!(app.as_user(&api_token).get("/api/v1/articles").await.status, 200);

        let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
        app.patch(&path, json!({"disabled": true}), None).await.expect(200);
        assert_401(&app.as_user(&reporter).get("/api/v1/me").await);
        assert_401(&app.as_user(&api_token).get("/api/v1/articles").await);
        assert_401(&app.anonymous().post("/api/v1/auth/refresh", json!({"refresh_token": refresh})).await);
        assert_401(&app.login("rita@test.example", PASSWORD).await);

        app.patch(&path, json!({"disabled": false}), None).await.expect(200);
        assert_eq!(app.login("rita@test.example", PASSWORD).await.status, 200);
    }

    async fn users_are_managed_by_admins(app: TestApp) {
        let created = app
            .post("/api/v1/users", json!({"email": "Sam@Test.Example", "display_name": "Sam", "password": "long enough pass", "role": "checker"}))
            .await;
        let sam = created.expect(201).clone();
        assert_eq!(sam["email"], "sam@test.example");
        assert_eq!(sam["role"], "checker");
        assert!(sam.get("password").is_none() && sam.get("password_hash").is_none());
        assert_eq!(created.header("location"), Some(format!("/api/v1/users/{}", sam["id"].as_str().unwrap()).as_str()));

        let dup = app.post("/api/v1/users", json!({"email": "SAM@test.example", "display_name": "Other", "password": "long enough pass", "role": "reporter"})).await;
        dup.problem(409);
        let bad = app.post("/api/v1/users", json!({"email": "x", "display_name": "", "password": "short", "role": "reporter"})).await;
        bad.problem(422);
        assert_eq!(bad.error_fields(), ["email", "display_name", "password"]);
        app.post("/api/v1/users", json!({"email": "a@b.c", "display_name": "A", "password": "long enough pass", "role": "root"})).await.problem(422);

        let sam_path = format!("/api/v1/users/{}", sam["id"].as_str().unwrap());
        let promoted = app.patch(&sam_path, json!({"role": "editor", "display_name": "Sam O."}), Some("\"1\"")).await;
        assert_eq!(promoted.expect(200)["role"], "editor");
        app.patch(&sam_path, json!({"role": "admin"}), Some("\"1\"")).await.problem(412);
        let new_password = app.patch(&sam_path, json!({"password": "another long passphrase"}), None).await;
        new_password.expect(200);
        assert_401(&app.login("sam@test.example", "long enough pass").await);
        assert_eq!(app.login("sam@test.example", "another long passphrase").await.status, 200);

        let listed = app.get("/api/v1/users?limit=1").await;
        assert_eq!(listed.expect(200)["items"].as_array().unwrap().len(), 1);
        assert!(listed.body["next_cursor"].is_string());

        let sam_token = app.login("sam@test.example", "another long passphrase").await.body["access_token"].as_str().unwrap().to_owned();
        app.as_user(&sam_token).get("/api/v1/users").await.problem(403);
        app.as_user(&sam_token).post("/api/v1/users", json!({})).await.problem(403);
    }

    async fn the_last_active_admin_stays(app: TestApp) {
        let me = app.get("/api/v1/me").await.body.clone();
        let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
        app.patch(&path, json!({"role": "editor"}), None).await.problem(409);
        app.patch(&path, json!({"disabled": true}), None).await.problem(409);
        assert_eq!(app.get(&path).await.body["role"], "admin");

        let second = app.user("second-admin@test.example", Role::Admin).await;
        assert_eq!(app.patch(&path, json!({"role": "editor"}), None).await.status, 200);
        // Now the second admin is the last one.
        let second_id = app.as_user(&second).get("/api/v1/me").await.body["id"].as_str().unwrap().to_owned();
        app.as_user(&second).patch(&format!("/api/v1/users/{second_id}"), json!({"disabled": true}), None).await.problem(409);
    }

    async fn api_tokens(app: TestApp) {
        let editor = app.user("ed@test.example", Role::Editor).await;
        let reporter = app.user("rep@test.example", Role::Reporter).await;
        let as_editor = app.as_user(&editor);

        let too_high = as_editor.post("/api/v1/tokens", json!({"name": "bot", "role": "admin"})).await;
        assert_eq!(too_high.problem(422)["errors"][0]["field"], "role");
        as_editor.post("/api/v1/tokens", json!({"name": "bot", "role": "reporter", "expires_at": "2001-01-01T00:00:00Z"})).await.problem(422);
        // Past 9999 a time is refused, as everywhere (SQLite compares times as text).
        let far = as_editor.post("/api/v1/tokens", json!({"name": "bot", "role": "reporter", "expires_at": "+10000-01-01T00:00:00Z"})).await;
        far.problem(422);
        assert_eq!(far.error_fields(), ["expires_at"]);
        as_editor.post("/api/v1/tokens", json!({"name": " ", "role": "reporter"})).await.problem(422);

        let created = as_editor.post("/api/v1/tokens", json!({"name": "CMS plug-in", "role": "reporter"})).await;
        let token = created.expect(201).clone();
        let secret = token["token"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("cdk_"));
        assert_eq!(token["last_used_at"], json!(null));

        // The token acts as a reporter even though its owner is an editor.
        let bot = app.as_user(&secret);
        let article = bot.post("/api/v1/articles", json!({"title": "From the CMS", "body": "12 words."})).await;
        assert_eq!(article.expect(201)["created_by"], as_editor.get("/api/v1/me").await.body["id"]);
        bot.delete(&format!("/api/v1/articles/{}", article.body["id"].as_str().unwrap()), None).await.problem(403);
        bot.post("/api/v1/tokens", json!({"name": "child", "role": "reporter"})).await.problem(403);

        let mine = as_editor.get("/api/v1/tokens").await;
        let listed = &mine.expect(200)["items"][0];
        assert_eq!(listed["name"], "CMS plug-in");
        assert!(listed.get("token").is_none(), "the secret is shown only once");
        assert!(listed["last_used_at"].is_string(), "use is recorded");

        // Others cannot see or revoke it; an admin can.
        assert_eq!(app.as_user(&reporter).get("/api/v1/tokens").await.body["items"], json!([]));
        let path = format!("/api/v1/tokens/{}", token["id"].as_str().unwrap());
        app.as_user(&reporter).delete(&path, None).await.problem(404);
        assert_eq!(app.get("/api/v1/tokens").await.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(app.delete(&path, None).await.status, 204);
        assert_401(&bot.get("/api/v1/articles").await);
        assert!(as_editor.get("/api/v1/tokens").await.body["items"][0]["revoked_at"].is_string());
    }

    async fn writes_record_who_made_them(app: TestApp) {
        let reporter = app.user("writer@test.example", Role::Reporter).await;
        let as_reporter = app.as_user(&reporter);
        let me = as_reporter.get("/api/v1/me").await.body["id"].clone();
        let article = as_reporter.post("/api/v1/articles", json!({"title": "T", "body": "Prices rose 4%."})).await;
        assert_eq!(article.expect(201)["created_by"], me);
        let claim = as_reporter.post("/api/v1/claims", json!({"text": "Prices rose 4%", "article_id": article.body["id"]})).await;
        assert_eq!(claim.expect(201)["created_by"], me);
        assert_eq!(as_reporter.get(&format!("/api/v1/claims/{}", claim.body["id"].as_str().unwrap())).await.body["created_by"], me);
    }
}

async fn login_from(app: &TestApp, forwarded_for: &str, email: &str, password: &str) -> u16 {
    let body = json!({"email": email, "password": password});
    let request = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&body);
    app.send(request).await.status
}

fn behind_one_proxy() -> claimdesk::http::Settings {
    claimdesk::http::Settings {
        trusted_proxies: 1,
        ..Default::default()
    }
}

db_test_with! {
    behind_one_proxy();

    async fn behind_a_trusted_proxy_the_client_is_the_rightmost_forwarded_address(app: TestApp) {
        // A client writes whatever it likes at the left of X-Forwarded-For;
        // the proxy appends the address it really came from.
        for i in 0..20 {
            let status = login_from(
                &app,
                &format!("198.51.100.{i}, 203.0.113.7"),
                &format!("nobody{i}@test.example"),
                "wrong password!!",
            )
            .await;
            assert_eq!(status, 401, "attempt {i}");
        }
        assert_eq!(login_from(&app, "198.51.100.77, 203.0.113.7", "admin@test.example", PASSWORD).await, 429);
        assert_eq!(login_from(&app, "203.0.113.7", "admin@test.example", PASSWORD).await, 429);
        assert_eq!(login_from(&app, "203.0.113.8", "admin@test.example", PASSWORD).await, 200);
    }

    async fn one_address_cannot_lock_an_account_out_for_everyone(app: TestApp) {
        for _ in 0..5 {
            assert_eq!(login_from(&app, "203.0.113.7", "admin@test.example", "wrong password!!").await, 401);
        }
        assert_eq!(login_from(&app, "203.0.113.7", "admin@test.example", PASSWORD).await, 429);
        // The person, signing in from elsewhere, is not locked out.
        assert_eq!(login_from(&app, "203.0.113.8", "admin@test.example", PASSWORD).await, 200);
        assert_eq!(login_from(&app, "203.0.113.8", "admin@test.example", PASSWORD).await, 200);
    }
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_for_is_ignored() {
    let app = TestApp::sqlite().await;
    for i in 0..20 {
        login_from(
            &app,
            &format!("203.0.113.{i}"),
            &format!("nobody{i}@test.example"),
            "wrong password!!",
        )
        .await;
    }
    // A forged header does not escape the limit on the real address.
    assert_eq!(
        login_from(&app, "203.0.113.99", "admin@test.example", PASSWORD).await,
        429
    );
}
