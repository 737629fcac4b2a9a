//! Erasure (GDPR Art. 17/19) through its doors, on both backends: an admin erases a user over
//! REST; the server posts signed webhooks to three sub-processor receivers on 127.0.0.1 — one
//! that fails once then accepts and confirms by signed callback, one that erases at once, one
//! that always fails until the operator resolves it — and the request completes with a
//! certificate naming the person only by pseudonym.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The test plays the sub-processor: it signs with the wall clock, as a real one would.
#![allow(clippy::disallowed_methods)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use reqwest::Method;
use serde_json::{Value, json};
use skydir_core::privacy::ConnectorSecret;
use skydir_core::privacy::webhook::{SIGNATURE_HEADER, sign, verify};
use skydir_testkit::{TestApp, each_backend};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PW: &str = "correct horse battery staple";
const CRM_SECRET: &str = "crm-secret-0123456789abcdef0123456789";
const MAIL_SECRET: &str = "mail-secret-0123456789abcdef012345678";
const DEAD_SECRET: &str = "dead-secret-0123456789abcdef012345678";

/// What a receiver saw: (path, signature header, body).
type Seen = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

async fn receive(
    State(seen): State<Seen>,
    Path(who): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let sig = headers
        .get(SIGNATURE_HEADER)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let n = {
        let mut s = seen.lock().unwrap();
        s.push((who.clone(), sig, body.to_vec()));
        s.iter().filter(|(w, ..)| *w == who).count()
    };
    match (who.as_str(), n) {
        ("crm", 1) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "down for a moment".into(),
        ),
        ("crm", _) => (StatusCode::ACCEPTED, "{\"queued\": true}".into()),
        ("mail", _) => (StatusCode::OK, "{\"erased\": true}".into()),
        _ => (StatusCode::SERVICE_UNAVAILABLE, String::new()),
    }
}

/// Three receivers on one 127.0.0.1 port: `/crm`, `/mail`, `/dead`.
async fn receivers() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = Router::new()
        .route("/{who}", post(receive))
        .with_state(seen.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (base, seen)
}

fn count(seen: &Seen, who: &str) -> usize {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|(w, ..)| w == who)
        .count()
}

async fn setup(app: &TestApp) -> String {
    let dora = app
        .org_with_admin(
            "acme",
            json!({"name": "Acme Corp", "plan": "annual", "seats": 10}),
            "dora",
            PW,
        )
        .await
        .unwrap();
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/orgs/acme/users",
            Some(&dora),
            Some(
                json!({"username": "ada", "email": "ada@acme.test", "password": PW,
                        "given_name": "Ada", "phones": ["+44 20 7946 0000"]}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    dora
}

#[tokio::test]
async fn erasure_reaches_every_connector_and_ends_in_a_certificate() {
    each_backend(|app| async move {
        let (base, seen) = receivers().await;
        let dora = setup(&app).await;
        for (slug, name, secret) in [("crm", "Acme CRM Inc.", CRM_SECRET), ("mailer", "Postal Mail Co", MAIL_SECRET), ("dead", "Gone Ltd", DEAD_SECRET)] {
            let path = if slug == "mailer" { "mail" } else { slug };
            let (s, b) = app
                .op(Method::POST, "/api/v1/privacy/connectors",
                    Some(json!({"slug": slug, "name": name, "url": format!("{base}/{path}"), "secret": secret})))
                .await
                .unwrap();
            assert_eq!(s, 201, "{b}");
            assert!(b.get("secret").is_none(), "the secret is never shown");
        }
        // Bad connectors are refused with the reason, and only the operator keeps them.
        let (s, e) = app
            .op(Method::POST, "/api/v1/privacy/connectors",
                Some(json!({"slug": "plain", "name": "X", "url": "http://crm.example/hook", "secret": CRM_SECRET})))
            .await
            .unwrap();
        assert_eq!(s, 400);
        assert!(e["detail"].as_str().unwrap().contains("https"), "{e}");
        let (s, _) = app
            .call(Method::GET, "/api/v1/privacy/connectors", Some(&dora), None)
            .await
            .unwrap();
        assert_eq!(s, 403);

        // The admin erases ada: gone at once, the webhooks follow.
        let (s, r) = app
            .call(Method::POST, "/api/v1/orgs/acme/users/ada/erasure", Some(&dora), None)
            .await
            .unwrap();
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["state"], "in_progress");
        let id = r["id"].as_str().unwrap().to_string();
        let subject = r["subject"].as_str().unwrap().to_string();
        assert!(!r.to_string().contains("ada@acme.test"), "the request names a pseudonym only");
        assert!(r["erased"].as_array().unwrap().iter().any(|e| e["what"] == "email address"));
        let (s, _) = app.call(Method::GET, "/api/v1/orgs/acme/users/ada", Some(&dora), None).await.unwrap();
        assert_eq!(s, 404);
        assert!(app.login("acme", "ada", PW).await.is_err(), "no more logins");

        // Wait for crm's retry (2 s after its first failure) and dead's second failure.
        let mut waited = 0;
        while (count(&seen, "crm") < 2 || count(&seen, "mail") < 1 || count(&seen, "dead") < 2) && waited < 200 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            waited += 1;
        }
        assert!(count(&seen, "crm") >= 2 && count(&seen, "dead") >= 2, "retried with back-off");
        // Every webhook is signed with its connector's secret and says whom and where to confirm.
        let (who, sig, body) = seen.lock().unwrap().iter().find(|(w, ..)| w == "crm").cloned().unwrap();
        assert_eq!(who, "crm");
        let crm = ConnectorSecret::parse(CRM_SECRET).unwrap();
        verify(&crm, &sig, &body, jiff::Timestamp::now()).unwrap();
        assert!(verify(&ConnectorSecret::parse(MAIL_SECRET).unwrap(), &sig, &body, jiff::Timestamp::now()).is_err());
        let hook: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(hook["type"], "erasure.requested");
        assert_eq!(hook["subject"]["email"], "ada@acme.test");
        assert_eq!(hook["subject"]["id"], subject.as_str());
        assert_eq!(hook["organization"], "acme");
        assert!(hook["confirm"]["url"].as_str().unwrap().ends_with(&format!("/api/v1/privacy/erasures/{id}/confirmations")));

        let (_, r) = app.call(Method::GET, &format!("/api/v1/orgs/acme/erasures/{id}"), Some(&dora), None).await.unwrap();
        let state = |r: &Value, c: &str| {
            r["deliveries"].as_array().unwrap().iter().find(|d| d["connector"] == c).unwrap().clone()
        };
        assert_eq!(state(&r, "crm")["state"], "sent", "{r}");
        assert_eq!(state(&r, "mailer")["state"], "confirmed");
        let dead = state(&r, "dead");
        assert_eq!(dead["state"], "pending");
        assert_eq!(dead["last_error"], "HTTP 503");
        assert!(dead["attempts"].as_u64().unwrap() >= 2);
        let (s, e) = app
            .call(Method::GET, &format!("/api/v1/orgs/acme/erasures/{id}/certificate"), Some(&dora), None)
            .await
            .unwrap();
        assert_eq!(s, 409);
        assert!(e["detail"].as_str().unwrap().contains("still waiting for crm, dead"), "{e}");

        // crm confirms by signed callback; a forged or replayed one is refused.
        let confirm = |sig: String, body: Vec<u8>| {
            app.req(Method::POST, &format!("/api/v1/privacy/erasures/{id}/confirmations"), None)
                .header(SIGNATURE_HEADER, sig)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        let body = br#"{"connector":"crm"}"#.to_vec();
        let forged = sign(&ConnectorSecret::parse(MAIL_SECRET).unwrap(), jiff::Timestamp::now(), &body);
        assert_eq!(confirm(forged, body.clone()).await.unwrap().status(), 400);
        let old = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(3600);
        assert_eq!(confirm(sign(&crm, old, &body), body.clone()).await.unwrap().status(), 400);
        let resp = confirm(sign(&crm, jiff::Timestamp::now(), &body), body.clone()).await.unwrap();
        assert_eq!(resp.status(), 200);

        // The operator settles the dead one; only then is the request complete.
        let resolve = format!("/api/v1/privacy/erasures/{id}/connectors/dead/resolve");
        let (s, _) = app.call(Method::POST, &resolve, Some(&dora), Some(json!({"note": "x"}))).await.unwrap();
        assert_eq!(s, 403, "admins do not settle for sub-processors");
        let (s, r) = app
            .op(Method::POST, &resolve, Some(json!({"note": "Gone Ltd confirmed deletion by letter, ref 77"})))
            .await
            .unwrap();
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["state"], "completed");

        let (s, c) = app
            .call(Method::GET, &format!("/api/v1/orgs/acme/erasures/{id}/certificate"), Some(&dora), None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{c}");
        assert_eq!(c["certificate"], "skydir.erasure-certificate/1");
        assert_eq!(c["subject"], subject.as_str());
        assert_eq!(c["organization"], "Acme Corp");
        let outcomes: Vec<(String, String)> = c["sub_processors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["connector"].as_str().unwrap().into(), d["outcome"].as_str().unwrap().into()))
            .collect();
        assert_eq!(
            outcomes,
            [("crm".into(), "confirmed".into()), ("dead".into(), "resolved".into()), ("mailer".into(), "confirmed".into())]
        );
        assert!(c.to_string().contains("ref 77"));
        assert!(c["erased_here"].as_array().unwrap().iter().any(|e| e["how"].as_str().unwrap().contains("key destroyed")));
        assert!(!c.to_string().contains("ada@acme.test"));

        // The audit keeps a pseudonymous record only.
        let (_, events) = app.call(Method::GET, "/api/v1/orgs/acme/audit?limit=1000", Some(&dora), None).await.unwrap();
        assert!(events.as_array().unwrap().iter().any(|e| e["action"] == "user.delete" && e["target"] == format!("user:{subject}")));
        assert!(!events.to_string().contains("ada@acme.test") && !events.to_string().contains("Ada"));
        let (_, all) = app.op(Method::GET, "/api/v1/privacy/erasures", None).await.unwrap();
        assert_eq!(all.as_array().unwrap().len(), 1);
        app
    })
    .await;
}
