//! The REST API driven over real HTTPS against a real server, on SQLite and (when
//! `SKYDIR_TEST_DATABASE_URL` is set) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{Backend, TestApp, each_backend};

const PW: &str = "correct horse battery staple";

async fn user(app: &TestApp, token: &str, slug: &str, name: &str, extra: Value) -> (u16, Value) {
    let mut body = json!({"username": name, "email": format!("{name}@example.com")});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.call(
        Method::POST,
        &format!("/api/v1/orgs/{slug}/users"),
        Some(token),
        Some(body),
    )
    .await
    .unwrap()
}

/// An org on `plan` whose first admin `alice` set her password (PW) with the invitation the
/// operator's creation mailed her; the admin's session token.
async fn org_on(app: &TestApp, slug: &str, plan: Value) -> String {
    app.org_with_admin(slug, plan, "alice", PW).await.unwrap()
}

/// A free org with its first admin `alice` (password PW) and the admin's session token.
async fn org_with_admin(app: &TestApp, slug: &str) -> String {
    org_on(app, slug, json!({"plan": "free"})).await
}

#[tokio::test]
async fn health_readiness_metrics_and_openapi_are_served() {
    each_backend(|app| async move {
        let (s, _) = app.call(Method::GET, "/healthz", None, None).await.unwrap();
        assert_eq!(s, 200);
        let (s, _) = app.call(Method::GET, "/readyz", None, None).await.unwrap();
        assert_eq!(s, 200);
        let (s, doc) = app
            .call(Method::GET, "/api/v1/openapi.json", None, None)
            .await
            .unwrap();
        assert_eq!(s, 200);
        assert!(
            doc["paths"]["/api/v1/orgs/{org}/users"]["post"].is_object(),
            "{doc}"
        );
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        // Metrics are scraped from their own loopback listener, not the HTTPS port.
        let text = app.scrape_metrics().await.unwrap();
        assert!(text.contains("skydir_http_requests_total"), "{text}");
        assert!(text.contains("route=\"/api/v1/openapi.json\""), "{text}");
        app
    })
    .await;
}

#[tokio::test]
async fn requests_without_or_with_a_bad_token_get_401_problem_json() {
    each_backend(|app| async move {
        let resp = app
            .req(Method::GET, "/api/v1/orgs", None)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401);
        assert_eq!(resp.headers()["content-type"], "application/problem+json");
        assert!(resp.headers().contains_key("www-authenticate"));
        let (s, _) = app
            .call(Method::GET, "/api/v1/orgs", Some("skd_nope"), None)
            .await
            .unwrap();
        assert_eq!(s, 401);
        app
    })
    .await;
}

/// The provider hands an organization over without ever holding a customer's password: the
/// operator creates it with its first admin, who is mailed an invitation; from then on the
/// operator runs the plan and the suspension, and provisions, grants, reads and deletes no one.
#[tokio::test]
async fn the_operator_creates_an_org_with_an_invited_admin_and_touches_no_one_in_it() {
    each_backend(|app| async move {
        // No first admin, or one with a password: refused, nothing created.
        let bare = json!({"slug": "acme", "name": "Acme Inc.", "plan": "free"});
        let (s, b) = app
            .op(Method::POST, "/api/v1/orgs", Some(bare.clone()))
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (400, Some("admin")), "{b}");
        assert!(b["detail"].as_str().unwrap().contains("invitation"), "{b}");
        let mut with_pw = bare.clone();
        with_pw["admin"] = json!({"username": "alice", "email": "alice@acme.test", "password": PW});
        let (s, b) = app
            .op(Method::POST, "/api/v1/orgs", Some(with_pw))
            .await
            .unwrap();
        assert_eq!(
            s, 400,
            "the provider never chooses the admin's password: {b}"
        );
        let (s, _) = app
            .op(Method::GET, "/api/v1/orgs/acme", None)
            .await
            .unwrap();
        assert_eq!(s, 404, "nothing was created");

        // Created with its first admin: the answer says an invitation is pending, never its link.
        let mut body = bare;
        body["admin"] =
            json!({"username": "alice", "email": "alice@acme.test", "given_name": "Alice"});
        let (s, b) = app
            .op(Method::POST, "/api/v1/orgs", Some(body))
            .await
            .unwrap();
        assert_eq!(s, 201, "{b}");
        assert_eq!(
            (
                b["first_admin"]["state"].as_str(),
                b["first_admin"]["first_admin"].as_bool()
            ),
            (Some("pending"), Some(true)),
            "{b}"
        );
        let first = app
            .mailed_link("alice@acme.test", "invitation")
            .await
            .unwrap();
        assert!(
            !b.to_string().contains(&first),
            "the link goes to the invited address only"
        );
        // The operator may send it again (the first link stops working) until it is accepted.
        let path = "/api/v1/orgs/acme/users/alice/invitation";
        let (s, v) = app.op(Method::POST, path, None).await.unwrap();
        assert_eq!((s, v["state"].as_str()), (201, Some("pending")), "{v}");
        let again = app
            .wait_for_link("alice@acme.test", "invitation", Some(&first), || {
                app.outbox()
            })
            .await
            .unwrap();
        assert!(
            app.accept_link(&first, PW).await.is_err(),
            "the first link is spent"
        );
        app.accept_link(&again, PW).await.unwrap();
        let alice = app.login("acme", "alice", PW).await.unwrap();
        let (s, v) = app
            .call(Method::GET, path, Some(&alice), None)
            .await
            .unwrap();
        assert_eq!((s, v["state"].as_str()), (200, Some("accepted")), "{v}");
        let (s, _) = app.op(Method::POST, path, None).await.unwrap();
        assert_eq!(
            s, 403,
            "once accepted, the invitation is not the provider's business"
        );
        let (s, b) = user(&app, &alice, "acme", "bob", json!({"password": PW})).await;
        assert_eq!(s, 201, "{b}");

        // Everything inside the org is its admins' business: the operator is refused.
        for (m, p, body) in [
            (
                Method::POST,
                "/api/v1/orgs/acme/users",
                Some(json!({"username": "mallory", "email": "m@example.com", "password": PW})),
            ),
            (
                Method::POST,
                "/api/v1/orgs/acme/users",
                Some(json!({"username": "mallory", "email": "m@example.com"})),
            ),
            (Method::GET, "/api/v1/orgs/acme/users", None),
            (Method::GET, "/api/v1/orgs/acme/users/bob", None),
            (
                Method::PATCH,
                "/api/v1/orgs/acme/users/bob",
                Some(json!({"status": "suspended"})),
            ),
            (Method::DELETE, "/api/v1/orgs/acme/users/bob", None),
            (Method::PUT, "/api/v1/orgs/acme/admins/bob", None),
            (Method::DELETE, "/api/v1/orgs/acme/admins/alice", None),
            (
                Method::POST,
                "/api/v1/orgs/acme/groups",
                Some(json!({"name": "ops"})),
            ),
            (
                Method::POST,
                "/api/v1/orgs/acme/systems",
                Some(json!({"hostname": "web-1", "os_family": "linux", "os_version": "12"})),
            ),
            (
                Method::POST,
                "/api/v1/orgs/acme/resources",
                Some(json!({"name": "wiki", "kind": "ldap_app"})),
            ),
            (Method::GET, "/api/v1/orgs/acme/audit", None),
        ] {
            let (s, e) = app.op(m.clone(), p, body).await.unwrap();
            assert_eq!(s, 403, "{m} {p}: {e}");
        }
        let (s, e) = app
            .op(Method::PUT, "/api/v1/orgs/acme/admins/bob", None)
            .await
            .unwrap();
        assert_eq!(s, 403);
        assert!(
            e["detail"].as_str().unwrap().contains("admin console"),
            "{e}"
        );
        // ... and nothing changed.
        let (_, list) = app
            .call(Method::GET, "/api/v1/orgs/acme/users", Some(&alice), None)
            .await
            .unwrap();
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["alice", "bob"]);
        assert_eq!(list["items"][1]["status"], "active");
        let (_, admins) = app
            .call(Method::GET, "/api/v1/orgs/acme/admins", Some(&alice), None)
            .await
            .unwrap();
        assert!(
            admins.to_string().contains("alice") && !admins.to_string().contains("bob"),
            "{admins}"
        );
        let (s, groups) = app
            .call(Method::GET, "/api/v1/orgs/acme/groups", Some(&alice), None)
            .await
            .unwrap();
        assert_eq!(s, 200);
        assert!(!groups.to_string().contains("ops"), "{groups}");

        // The operator suspends the org (nobody of it signs in) and resumes it; its admins
        // cannot do either.
        let (s, _) = app
            .call(
                Method::PUT,
                "/api/v1/orgs/acme/suspension",
                Some(&alice),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 403);
        let (s, o) = app
            .op(Method::PUT, "/api/v1/orgs/acme/suspension", None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{o}");
        assert!(o["suspended_at"].is_string(), "{o}");
        assert!(app.login("acme", "bob", PW).await.is_err(), "suspended");
        let (s, _) = app
            .call(Method::GET, "/api/v1/orgs/acme/users", Some(&alice), None)
            .await
            .unwrap();
        assert_ne!(s, 200, "tokens stop working while suspended");
        let (s, o) = app
            .op(Method::DELETE, "/api/v1/orgs/acme/suspension", None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{o}");
        assert!(o.get("suspended_at").is_none(), "{o}");
        app.login("acme", "bob", PW).await.unwrap();
        let (s, _) = app
            .call(Method::GET, "/api/v1/orgs/acme/users", Some(&alice), None)
            .await
            .unwrap();
        assert_eq!(s, 200, "everything works again");
        app
    })
    .await;
}

#[tokio::test]
async fn free_org_refuses_the_eleventh_user_naming_plan_limit_and_way_out() {
    each_backend(|app| async move {
        // The first admin is the first of the ten free users.
        let admin = org_with_admin(&app, "acme").await;
        for i in 2..=10 {
            let (s, b) = user(&app, &admin, "acme", &format!("u{i:02}"), json!({})).await;
            assert_eq!(s, 201, "{b}");
        }
        let (s, b) = user(&app, &admin, "acme", "u11", json!({})).await;
        assert_eq!(s, 403, "{b}");
        assert_eq!(b["type"], "https://skydir.dev/problems/plan-limit");
        assert_eq!(b["plan"], "free");
        assert_eq!(b["limit"], 10);
        assert!(b["remedy"].as_str().unwrap().contains("upgrade"), "{b}");
        let (_, list) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/users?limit=500",
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 10);
        // Upgrading (the operator's business) lifts the limit: 10 free users plus one seat.
        let (s, b) = app
            .op(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(json!({"plan": "monthly", "seats": 1})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["user_limit"], 11, "{b}");
        let (s, _) = user(&app, &admin, "acme", "u11", json!({})).await;
        assert_eq!(s, 201);
        let (s, b) = user(&app, &admin, "acme", "u12", json!({})).await;
        assert_eq!(s, 403);
        assert_eq!(b["limit"], 11, "{b}");
        assert!(b["remedy"].as_str().unwrap().contains("seats"), "{b}");
        app
    })
    .await;
}

#[tokio::test]
async fn ended_trial_keeps_every_record_but_blocks_growth_past_the_free_limit() {
    each_backend(|app| async move {
        let admin = org_on(
            &app,
            "trial",
            json!({"plan": "jumpstart", "trial_ends": "2099-01-01T00:00:00Z"}),
        )
        .await;
        // The first admin and eleven more: past the free limit while the trial runs.
        for i in 2..=12 {
            let (s, b) = user(&app, &admin, "trial", &format!("t{i:02}"), json!({})).await;
            assert_eq!(s, 201, "{b}");
        }
        let (s, b) = app
            .op(
                Method::PATCH,
                "/api/v1/orgs/trial",
                Some(json!({"plan": "jumpstart", "trial_ends": "2020-01-01T00:00:00Z"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["user_limit"], 10);
        let (_, list) = app
            .call(Method::GET, "/api/v1/orgs/trial/users", Some(&admin), None)
            .await
            .unwrap();
        assert_eq!(
            list["items"].as_array().unwrap().len(),
            12,
            "nothing was deleted"
        );
        let (s, b) = user(&app, &admin, "trial", "t13", json!({})).await;
        assert_eq!(s, 403);
        assert!(b["detail"].as_str().unwrap().contains("trial"), "{b}");
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_a_specific_problem_and_changes_nothing() {
    each_backend(|app| async move {
        let admin = org_with_admin(&app, "acme").await;
        let cases = [
            (json!({"username": "Bad Name!", "email": "a@example.com"}), "username"),
            (json!({"username": "okname", "email": "not-an-email"}), "email"),
            (json!({"username": "okname", "email": "a@example.com", "phones": ["call me"]}), "phones[0]"),
            (json!({"username": "okname", "email": "a@example.com", "password": "short"}), "password"),
            (json!({"username": "okname", "email": "a@example.com", "ssh_keys": ["ssh-dss AAAA"]}), "ssh_keys[0]"),
            (json!({"username": "okname", "email": "a@example.com", "colour": "blue"}), "body"),
            (json!({"username": "okname", "email": "a@example.com", "password_hash": "md5:abc"}), "password_hash"),
        ];
        for (body, field) in cases {
            let (s, b) = app.call(Method::POST, "/api/v1/orgs/acme/users", Some(&admin), Some(body.clone())).await.unwrap();
            assert_eq!(s, 400, "{body} -> {b}");
            assert_eq!(b["field"], field, "{body} -> {b}");
            assert!(!b["detail"].as_str().unwrap().is_empty());
        }
        let (s, b) = app
            .call(Method::POST, "/api/v1/orgs/acme/users", Some(&admin), Some(json!({"username": "okname", "email": "a@example.com", "phones": "555"})))
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (400, Some("body")), "wrong type: {b}");
        assert!(b["detail"].as_str().unwrap().contains("phones"), "{b}");
        let huge = format!("{{\"username\":\"big\",\"email\":\"b@example.com\",\"given_name\":\"{}\"}}", "x".repeat(2 << 20));
        let resp = app
            .req(Method::POST, "/api/v1/orgs/acme/users", Some(&admin))
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 413, "oversized bodies are refused");
        assert_eq!(
            resp.headers()["content-type"],
            "application/problem+json"
        );
        let b: Value = resp.json().await.unwrap();
        assert_eq!(b["type"], "https://skydir.dev/problems/body-too-large", "{b}");
        assert_eq!(b["limit"], 1024 * 1024, "{b}");
        let resp = app
            .req(Method::POST, "/api/v1/orgs/acme/users", Some(&admin))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        let (_, list) = app.call(Method::GET, "/api/v1/orgs/acme/users", Some(&admin), None).await.unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "the first admin only: {list}");
        // Duplicates are conflicts naming the field.
        let (s, _) = user(&app, &admin, "acme", "dup", json!({})).await;
        assert_eq!(s, 201);
        let (s, b) = user(&app, &admin, "acme", "dup", json!({"email": "other@example.com"})).await;
        assert_eq!((s, b["field"].as_str()), (409, Some("username")), "{b}");
        let (s, b) = app
            .call(Method::POST, "/api/v1/orgs/acme/users", Some(&admin), Some(json!({"username": "dup2", "email": "DUP@example.com"})))
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (409, Some("email")), "{b}");
        assert!(!b.to_string().contains("dup@example.com"), "conflicts do not echo personal data");
        app
    })
    .await;
}

#[tokio::test]
async fn personal_data_is_shown_to_the_user_and_their_admins_only_and_every_read_is_audited() {
    each_backend(|app| async move {
        let admin = org_with_admin(&app, "acme").await;
        let (s, b) = user(
            &app,
            &admin,
            "acme",
            "bob",
            json!({"password": PW, "given_name": "Bob", "phones": ["+1 555 0100"],
                   "addresses": [{"street": "1 Main St", "locality": "Denver"}], "custom": {"badge": "42"}}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["phones"][0], "+1 555 0100");
        assert!(b["posix"]["uid_number"].as_u64().unwrap() >= 10_000);
        // The provider's operator sees nobody: not the personal data, not even the directory
        // fields or the list.
        for path in ["/api/v1/orgs/acme/users/bob", "/api/v1/orgs/acme/users"] {
            let (s, b) = app.op(Method::GET, path, None).await.unwrap();
            assert_eq!(s, 403, "{path}: {b}");
            let text = b.to_string();
            assert!(!text.contains("555 01") && !text.contains("bob@"), "{text}");
        }
        // Bob sees himself; Bob cannot see Alice.
        let bob = app.login("acme", "bob", PW).await.unwrap();
        let (s, b) = app.call(Method::GET, "/api/v1/orgs/acme/users/bob", Some(&bob), None).await.unwrap();
        assert_eq!(s, 200);
        assert_eq!(b["addresses"][0]["street"], "1 Main St");
        let (s, _) = app.call(Method::GET, "/api/v1/orgs/acme/users/alice", Some(&bob), None).await.unwrap();
        assert_eq!(s, 403);
        // Bob rectifies his own data; he cannot change his status.
        let (s, b) = app
            .call(Method::PATCH, "/api/v1/orgs/acme/users/bob", Some(&bob), Some(json!({"phones": ["+1 555 0199"]})))
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["phones"][0], "+1 555 0199");
        let (s, _) = app
            .call(Method::PATCH, "/api/v1/orgs/acme/users/bob", Some(&bob), Some(json!({"status": "suspended"})))
            .await
            .unwrap();
        assert_eq!(s, 403);
        // No response ever carries a hash.
        let (_, list) = app.call(Method::GET, "/api/v1/orgs/acme/users", Some(&admin), None).await.unwrap();
        let text = list.to_string();
        assert!(!text.contains("argon2") && !text.contains("password"), "{text}");
        // The reads are in the org's audit log, pseudonymously.
        let (s, events) = app.call(Method::GET, "/api/v1/orgs/acme/audit?limit=1000", Some(&admin), None).await.unwrap();
        assert_eq!(s, 200);
        let events = events.as_array().unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"user.personal.read"), "{actions:?}");
        assert!(actions.contains(&"user.personal.list"), "{actions:?}");
        assert!(actions.contains(&"user.personal.update"), "{actions:?}");
        let all = serde_json::to_string(events).unwrap();
        // Distinctive fragments only: short digit runs occur by chance in ids and hashes.
        for secret in ["bob", "Bob", "555 01", "Main St", "Denver", "example.com"] {
            assert!(!all.contains(secret), "audit log leaks {secret}: {all}");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn nobody_sets_another_persons_password_and_owners_change_their_own() {
    each_backend(|app| async move {
        let admin = org_with_admin(&app, "acme").await;
        let (s, _) = user(&app, &admin, "acme", "bob", json!({"password": PW})).await;
        assert_eq!(s, 201);
        let body = json!({"current_password": PW, "new_password": "another long passphrase"});
        let path = "/api/v1/orgs/acme/users/bob/password";
        let (s, b) = app
            .call(Method::PUT, path, Some(&admin), Some(body.clone()))
            .await
            .unwrap();
        assert_eq!(s, 403, "{b}");
        let (s, _) = app.op(Method::PUT, path, Some(body.clone())).await.unwrap();
        assert_eq!(s, 403);
        let bob = app.login("acme", "bob", PW).await.unwrap();
        let (s, b) = app
            .call(Method::PUT, path, Some(&bob), Some(body))
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(
            b,
            json!({"sessions_ended": 0, "api_tokens_ended": 0}),
            "he stays signed in here"
        );
        assert!(app.login("acme", "bob", PW).await.is_err());
        app.login("acme", "bob", "another long passphrase")
            .await
            .unwrap();
        app
    })
    .await;
}

fn ssha(password: &str, salt: &[u8]) -> String {
    use base64::Engine;
    use sha1::{Digest, Sha1};
    let mut h = Sha1::new();
    h.update(password.as_bytes());
    h.update(salt);
    let mut raw = h.finalize().to_vec();
    raw.extend_from_slice(salt);
    format!(
        "{{SSHA}}{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

#[tokio::test]
async fn imported_ssha_hash_logs_in_and_is_rehashed_to_argon2id() {
    each_backend(|app| async move {
        use skydir_core::ports::DirectoryStore;
        let admin = org_with_admin(&app, "acme").await;
        let hash = ssha("legacy secret", b"NaCl1234");
        // Carrying a hash over is provisioning: the org's admin does it, not the provider.
        let (s, b) = user(
            &app,
            &app.operator_token,
            "acme",
            "carol",
            json!({"password_hash": hash}),
        )
        .await;
        assert_eq!(s, 403, "{b}");
        let (s, b) = user(
            &app,
            &admin,
            "acme",
            "carol",
            json!({"password_hash": hash}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        assert!(app.login("acme", "carol", "wrong password").await.is_err());
        app.login("acme", "carol", "legacy secret").await.unwrap();
        // Look at the stored credential directly: it becomes Argon2id.
        let cfg = skydir::config::Config::load(&Default::default(), &Default::default(), app.env())
            .unwrap();
        let wired = skydir::wiring::open(&cfg, false).await.unwrap();
        let org = wired
            .store
            .org_by_slug(&"acme".parse_slug())
            .await
            .unwrap()
            .unwrap();
        let carol = wired
            .store
            .user_by_name(
                org.id,
                &skydir_core::directory::Username::parse("carol").unwrap(),
            )
            .await
            .unwrap()
            .unwrap();
        // The re-hash runs in the background, moments after the login.
        let t0 = std::time::Instant::now();
        loop {
            let cred = wired
                .store
                .credential(org.id, carol.id)
                .await
                .unwrap()
                .unwrap();
            if cred.hash.starts_with("$argon2id$") {
                break;
            }
            assert!(
                cred.hash.starts_with("{SSHA}"),
                "neither legacy nor rehashed"
            );
            assert!(
                t0.elapsed() < std::time::Duration::from_secs(10),
                "not rehashed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        wired.store.close().await;
        app.login("acme", "carol", "legacy secret").await.unwrap();
        app
    })
    .await;
}

trait ParseSlug {
    fn parse_slug(&self) -> skydir_core::directory::OrgSlug;
}

impl ParseSlug for str {
    fn parse_slug(&self) -> skydir_core::directory::OrgSlug {
        skydir_core::directory::OrgSlug::parse(self).unwrap()
    }
}

#[tokio::test]
async fn groups_nest_without_cycles_and_bindings_grant_resources() {
    each_backend(|app| async move {
        let admin = org_with_admin(&app, "acme").await;
        let a = Some(admin.as_str());
        for g in ["eng", "backend"] {
            let (s, b) = app
                .call(
                    Method::POST,
                    "/api/v1/orgs/acme/groups",
                    a,
                    Some(json!({"name": g})),
                )
                .await
                .unwrap();
            assert_eq!(s, 201, "{b}");
            assert!(b["gid_number"].as_u64().unwrap() >= 20_000);
        }
        let (s, b) = app
            .call(
                Method::PUT,
                "/api/v1/orgs/acme/groups/eng/members/groups/backend",
                a,
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["member_groups"], json!(["backend"]));
        let (s, b) = app
            .call(
                Method::PUT,
                "/api/v1/orgs/acme/groups/backend/members/groups/eng",
                a,
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 409, "{b}");
        assert!(b["detail"].as_str().unwrap().contains("cycle"));
        let (s, b) = app
            .call(
                Method::PUT,
                "/api/v1/orgs/acme/groups/backend/members/users/alice",
                a,
                None,
            )
            .await
            .unwrap();
        assert_eq!((s, &b["member_users"]), (200, &json!(["alice"])));
        // Systems and resources.
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/orgs/acme/systems",
                a,
                Some(json!({"hostname": "web-1", "os_family": "linux", "os_version": "12"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{b}");
        let (s, b) = app
            .call(
                Method::PATCH,
                "/api/v1/orgs/acme/systems/web-1",
                a,
                Some(json!({"agent_version": "1.2.3"})),
            )
            .await
            .unwrap();
        assert_eq!((s, &b["agent_version"]), (200, &json!("1.2.3")));
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/orgs/acme/resources",
                a,
                Some(json!({"name": "wiki", "kind": "ldap_app"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{b}");
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/orgs/acme/bindings",
                a,
                Some(json!({"resource": "wiki", "group": "eng"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{b}");
        let id = b["id"].as_str().unwrap().to_string();
        let (s, b) = app
            .call(Method::GET, "/api/v1/orgs/acme/bindings", a, None)
            .await
            .unwrap();
        assert_eq!((s, b["items"].as_array().unwrap().len()), (200, 1));
        let (s, _) = app
            .call(
                Method::DELETE,
                &format!("/api/v1/orgs/acme/bindings/{id}"),
                a,
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 204);
        let (s, _) = app
            .call(Method::DELETE, "/api/v1/orgs/acme/groups/backend", a, None)
            .await
            .unwrap();
        assert_eq!(s, 204);
        let (s, b) = app
            .call(Method::GET, "/api/v1/orgs/acme/groups/eng", a, None)
            .await
            .unwrap();
        assert_eq!((s, &b["member_groups"]), (200, &json!([])));
        app
    })
    .await;
}

#[tokio::test]
async fn no_org_actor_reaches_another_org() {
    each_backend(|app| async move {
        let a = org_with_admin(&app, "acme").await;
        let g = app
            .org_with_admin("globex", json!({"plan": "free"}), "gina", PW)
            .await
            .unwrap();
        let (s, _) = user(&app, &g, "globex", "hank", json!({})).await;
        assert_eq!(s, 201);
        for (m, p) in [
            (Method::GET, "/api/v1/orgs/globex"),
            (Method::GET, "/api/v1/orgs/globex/users"),
            (Method::GET, "/api/v1/orgs/globex/users/hank"),
            (Method::DELETE, "/api/v1/orgs/globex/users/hank"),
            (Method::GET, "/api/v1/orgs/globex/audit"),
        ] {
            let (s, b) = app.call(m.clone(), p, Some(&a), None).await.unwrap();
            assert_eq!(s, 404, "{m} {p}: {b}");
        }
        let (s, _) = app
            .call(Method::GET, "/api/v1/orgs", Some(&a), None)
            .await
            .unwrap();
        assert_eq!(s, 403);
        app
    })
    .await;
}

#[tokio::test]
async fn pagination_walks_every_user_once() {
    each_backend(|app| async move {
        let admin = org_on(&app, "big", json!({"plan": "monthly", "seats": 100})).await;
        for i in 0..23 {
            let (s, _) = user(&app, &admin, "big", &format!("p{i:03}"), json!({})).await;
            assert_eq!(s, 201);
        }
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(a) => format!("/api/v1/orgs/big/users?limit=5&after={a}"),
                None => "/api/v1/orgs/big/users?limit=5".to_string(),
            };
            let (s, b) = app
                .call(Method::GET, &path, Some(&admin), None)
                .await
                .unwrap();
            assert_eq!(s, 200, "{b}");
            for u in b["items"].as_array().unwrap() {
                seen.push(u["username"].as_str().unwrap().to_string());
            }
            match b["next"].as_str() {
                Some(n) => after = Some(n.to_string()),
                None => break,
            }
        }
        // Everyone once, in username order: the first admin and the 23 she added.
        let expected: Vec<String> = std::iter::once("alice".to_string())
            .chain((0..23).map(|i| format!("p{i:03}")))
            .collect();
        assert_eq!(seen, expected);
        let (s, b) = app
            .call(
                Method::GET,
                "/api/v1/orgs/big/users?limit=0",
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (400, Some("limit")));
        app
    })
    .await;
}

#[tokio::test]
async fn restart_keeps_everything_and_prints_no_second_token() {
    for backend in Backend::all() {
        let mut app = TestApp::spawn_on(backend).await.unwrap();
        let admin = org_with_admin(&app, "acme").await;
        let (s, _) = user(
            &app,
            &admin,
            "acme",
            "dora",
            json!({"phones": ["+1 555 0142"]}),
        )
        .await;
        assert_eq!(s, 201);
        let again = app.restart().await.unwrap();
        assert!(again.is_none(), "the operator is created once");
        let (s, b) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/users/dora",
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        assert_eq!((s, &b["username"]), (200, &json!("dora")));
        assert_eq!(b["phones"], json!(["+1 555 0142"]), "{b}");
        app.login("acme", "alice", PW).await.unwrap();
        app.stop().await.unwrap();
    }
}

#[tokio::test]
async fn every_path_in_the_openapi_document_is_a_served_route() {
    let app = TestApp::spawn().await.unwrap();
    let (_, doc) = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut checked = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{org}", "nosuchorg")
            .replace("{username}", "nobody")
            .replace("{name}", "nothing")
            .replace("{child}", "nothing")
            .replace("{hostname}", "nohost")
            .replace("{id}", "00000000-0000-4000-8000-000000000000");
        for method in item.as_object().unwrap().keys() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let resp = app
                .req(m.clone(), &concrete, Some(&app.operator_token))
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path} is documented but not routed");
            assert!(
                !body.contains("route 'the requested path'"),
                "{method} {path} is documented but not routed"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} operations documented");
    // The other direction: every routed path is documented ...
    // (The document itself is the one routed path it does not describe.)
    let routed: Vec<&str> = skydir_http::routed_paths::<skydir_store::Store>()
        .into_iter()
        .filter(|p| *p != "/api/v1/openapi.json")
        .collect();
    for path in &routed {
        assert!(
            paths.contains_key(*path),
            "{path} is routed but not documented"
        );
    }
    assert_eq!(routed.len(), paths.len(), "routed: {routed:?}");
    // ... and on a documented path, a method the document does not list is not served.
    for (path, item) in paths {
        let concrete = path
            .replace("{org}", "nosuchorg")
            .replace("{username}", "nobody")
            .replace("{name}", "nothing")
            .replace("{child}", "nothing")
            .replace("{hostname}", "nohost")
            .replace("{id}", "00000000-0000-4000-8000-000000000000");
        for m in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            if item.get(m.as_str().to_lowercase()).is_some() {
                continue;
            }
            let resp = app
                .req(m.clone(), &concrete, Some(&app.operator_token))
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                resp.status(),
                405,
                "{m} {path} is served but not documented"
            );
        }
    }
    // And an undocumented path is not served.
    let (s, b) = app.op(Method::GET, "/api/v1/nope", None).await.unwrap();
    assert_eq!(s, 404, "{b}");
    app.stop().await.unwrap();
}

/// The README's automation path: an org admin creates a personal API token over REST (its
/// secret shown once), a script uses it, the admin lists and revokes it; staff have no
/// personal tokens of an org person to make.
#[tokio::test]
async fn an_admin_automates_with_a_personal_api_token_over_rest() {
    let app = TestApp::spawn().await.unwrap();
    let alice = app
        .org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
        .await
        .unwrap();
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&alice),
            Some(json!({"name": "provisioning script", "days": 30})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    let token = b["token"].as_str().unwrap().to_string();
    let id = b["id"].as_str().unwrap().to_string();
    assert!(token.starts_with("skd_"));
    assert!(b["expires_at"].is_string());
    app.add_user(&token, "acme", "bob", PW).await.unwrap();
    let (s, list) = app
        .call(Method::GET, "/api/v1/me/tokens", Some(&alice), None)
        .await
        .unwrap();
    assert_eq!(s, 200);
    let listed = list.as_array().unwrap();
    assert!(listed.iter().any(|t| t["name"] == "provisioning script"));
    assert!(
        !list.to_string().contains(&token),
        "the secret is shown once"
    );
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/me/tokens/{id}"),
            Some(&alice),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 204);
    let (s, _) = app
        .call(Method::GET, "/api/v1/orgs/acme/users", Some(&token), None)
        .await
        .unwrap();
    assert_eq!(s, 401, "revoked");
    let (s, _) = app
        .op(
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "x"})),
        )
        .await
        .unwrap();
    assert_eq!(s, 403, "staff act as no org person");
    app.stop().await.unwrap();
}
