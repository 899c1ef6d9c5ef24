//! Every route × every role: the exact allowed/denied outcome. The table must
//! list every operation in the OpenAPI document, so a new route cannot ship
//! without an access decision.

use super::*;
use claimdesk::domain::role::Role;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy)]
enum Access {
    Public,
    AtLeast(Role),
}

use Access::*;
use Role::*;

const TABLE: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Public),
    ("GET", "/readyz", Public),
    ("GET", "/api/v1/openapi.json", Public),
    ("POST", "/api/v1/auth/login", Public),
    ("POST", "/api/v1/auth/refresh", Public),
    ("POST", "/api/v1/auth/logout", Public),
    ("GET", "/api/v1/me", AtLeast(Reporter)),
    ("GET", "/api/v1/users", AtLeast(Admin)),
    ("POST", "/api/v1/users", AtLeast(Admin)),
    ("GET", "/api/v1/users/{id}", AtLeast(Admin)),
    ("PATCH", "/api/v1/users/{id}", AtLeast(Admin)),
    ("GET", "/api/v1/tokens", AtLeast(Reporter)),
    ("POST", "/api/v1/tokens", AtLeast(Reporter)),
    ("DELETE", "/api/v1/tokens/{id}", AtLeast(Reporter)),
    ("GET", "/api/v1/articles", AtLeast(Reporter)),
    ("POST", "/api/v1/articles", AtLeast(Reporter)),
    ("GET", "/api/v1/articles/{id}", AtLeast(Reporter)),
    ("PATCH", "/api/v1/articles/{id}", AtLeast(Reporter)),
    ("DELETE", "/api/v1/articles/{id}", AtLeast(Editor)),
    ("POST", "/api/v1/articles/{id}/extract", AtLeast(Reporter)),
    ("GET", "/api/v1/claims", AtLeast(Reporter)),
    ("GET", "/api/v1/claims/export.csv", AtLeast(Reporter)),
    ("GET", "/api/v1/claimreview/feed", AtLeast(Reporter)),
    ("POST", "/api/v1/fact-checks/import", AtLeast(Editor)),
    ("GET", "/api/v1/fact-checks", AtLeast(Reporter)),
    ("GET", "/api/v1/fact-checks/{id}", AtLeast(Reporter)),
    ("POST", "/api/v1/claims", AtLeast(Reporter)),
    ("GET", "/api/v1/claims/{id}", AtLeast(Reporter)),
    ("PATCH", "/api/v1/claims/{id}", AtLeast(Reporter)),
    ("DELETE", "/api/v1/claims/{id}", AtLeast(Editor)),
    ("POST", "/api/v1/extract", AtLeast(Reporter)),
    ("POST", "/api/v1/claims/{id}/transitions", AtLeast(Checker)),
    ("GET", "/api/v1/claims/{id}/history", AtLeast(Reporter)),
    ("GET", "/api/v1/claims/{id}/claimreview", AtLeast(Reporter)),
    ("GET", "/api/v1/claims/{id}/sources", AtLeast(Reporter)),
    ("POST", "/api/v1/claims/{id}/sources", AtLeast(Reporter)),
    ("PATCH", "/api/v1/sources/{id}", AtLeast(Reporter)),
    ("DELETE", "/api/v1/sources/{id}", AtLeast(Reporter)),
    ("GET", "/api/v1/claims/{id}/comments", AtLeast(Reporter)),
    ("POST", "/api/v1/claims/{id}/comments", AtLeast(Reporter)),
    ("PATCH", "/api/v1/comments/{id}", AtLeast(Reporter)),
    ("GET", "/api/v1/claims/{id}/similar", AtLeast(Reporter)),
    ("GET", "/api/v1/claims/{id}/links", AtLeast(Reporter)),
    ("POST", "/api/v1/claims/{id}/links", AtLeast(Checker)),
    ("DELETE", "/api/v1/claims/{id}/links/{other_id}", AtLeast(Checker)),
    ("GET", "/api/v1/events", AtLeast(Reporter)),
    ("GET", "/api/v1/webhooks", AtLeast(Editor)),
    ("POST", "/api/v1/webhooks", AtLeast(Editor)),
    ("GET", "/api/v1/webhooks/{id}", AtLeast(Editor)),
    ("PATCH", "/api/v1/webhooks/{id}", AtLeast(Editor)),
    ("DELETE", "/api/v1/webhooks/{id}", AtLeast(Editor)),
    ("POST", "/api/v1/webhooks/{id}/rotate-secret", AtLeast(Editor)),
    ("GET", "/api/v1/webhooks/{id}/deliveries", AtLeast(Editor)),
    (
        "POST",
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
        AtLeast(Editor),
    ),
    ("POST", "/api/v1/webhooks/{id}/test", AtLeast(Editor)),
];

#[test]
fn the_table_covers_every_documented_operation() {
    let doc = claimdesk::http::openapi_document();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let tabled: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, tabled, "every route needs a row in the access table");
}

db_test! {
    async fn every_route_for_every_role(app: TestApp) {
        let mut callers: Vec<(Option<Role>, Option<String>)> = vec![(None, None)];
        for role in [Reporter, Checker, Editor] {
            callers.push((Some(role), Some(app.user(&format!("{}@test.example", role.as_str()), role).await)));
        }
        callers.push((Some(Admin), Some(app.token.clone())));
        let absent = "00000000-0000-7000-8000-000000000000";
        for (method, path, access) in TABLE {
            let path = path
                .replace("{id}", absent)
                .replace("{other_id}", absent)
                .replace("{delivery_id}", "msg_absent");
            for (role, token) in &callers {
                let caller = match token {
                    Some(t) => app.as_user(t),
                    None => app.anonymous(),
                };
                let mut request = caller.request(method.parse().unwrap(), &path);
                if ["POST", "PATCH"].contains(method) {
                    request = request.json(&json!({}));
                }
                let status = app.send(request).await.status;
                let expected_denial = match (access, role) {
                    (Public, _) => None,
                    (AtLeast(_), None) => Some(401),
                    (AtLeast(least), Some(role)) if role < least => Some(403),
                    (AtLeast(_), Some(_)) => None,
                };
                match expected_denial {
                    Some(denied) => assert_eq!(status, denied, "{method} {path} as {role:?}"),
                    None => assert!(status != 401 && status != 403, "{method} {path} as {role:?} was refused with {status}"),
                }
            }
        }
    }
}
