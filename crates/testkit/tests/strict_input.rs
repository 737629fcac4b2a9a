//! Input is stored strictly (issue #16 §4), through the real doors on SQLite and (when
//! `SKYDIR_TEST_DATABASE_URL` is set) PostgreSQL: an email address that is not a bare
//! `addr-spec` and an attachment type that is not a media type are refused with a 400 naming
//! the field, and nothing is written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{TestApp, each_backend};

const PW: &str = "correct horse battery staple";

/// A display name, angle brackets, a comment, a header smuggled after a line break.
const NOT_ADDRESSES: [&str; 4] = [
    "Eve <eve@x.org>",
    "<eve@x.org>",
    "eve@x.org (boss)",
    "eve@x.org\r\nBcc: y@z.org",
];

async fn call(
    app: &TestApp,
    token: Option<&str>,
    m: Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    app.call(m, path, token, Some(body)).await.unwrap()
}

fn refused(got: (u16, Value), field: &str, what: &str) {
    let (s, b) = got;
    assert_eq!(
        (s, b["field"].as_str()),
        (400, Some(field)),
        "{what:?}: {b}"
    );
    assert!(!b["detail"].as_str().unwrap_or("").is_empty(), "{b}");
}

#[tokio::test]
async fn addresses_that_are_not_bare_addr_specs_are_refused_naming_the_field() {
    each_backend(|app| async move {
        let admin = app
            .org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
            .await
            .unwrap();
        app.add_user(&admin, "acme", "bob", PW).await.unwrap();
        let users = || async {
            let (s, b) = app
                .call(Method::GET, "/api/v1/orgs/acme/users", Some(&admin), None)
                .await
                .unwrap();
            assert_eq!(s, 200, "{b}");
            b["items"].to_string()
        };
        let bob = || async {
            let (_, b) = app
                .call(
                    Method::GET,
                    "/api/v1/orgs/acme/users/bob",
                    Some(&admin),
                    None,
                )
                .await
                .unwrap();
            b["email"].clone()
        };
        let users_before = users().await;
        assert_eq!(bob().await, "bob@acme.test");
        for bad in NOT_ADDRESSES {
            let user = json!({"username": "eve", "email": bad, "password": PW});
            let got = call(
                &app,
                Some(&admin),
                Method::POST,
                "/api/v1/orgs/acme/users",
                user,
            )
            .await;
            refused(got, "email", bad);
            let patch = json!({"email": bad});
            let got = call(
                &app,
                Some(&admin),
                Method::PATCH,
                "/api/v1/orgs/acme/users/bob",
                patch,
            )
            .await;
            refused(got, "email", bad);
            let org = json!({"slug": "evil", "name": "Evil", "plan": "free",
                             "admin": {"username": "eve", "email": bad}});
            let (s, b) = app
                .op(Method::POST, "/api/v1/orgs", Some(org))
                .await
                .unwrap();
            refused((s, b), "admin.email", bad);
            let request = json!({"org": "acme", "email": bad, "kind": "access"});
            let got = call(
                &app,
                None,
                Method::POST,
                "/api/v1/privacy/data-requests",
                request,
            )
            .await;
            refused(got, "email", bad);
        }
        // Nothing was written anywhere.
        assert_eq!(users().await, users_before);
        assert_eq!(bob().await, "bob@acme.test");
        let (s, _) = app
            .op(Method::GET, "/api/v1/orgs/evil", None)
            .await
            .unwrap();
        assert_eq!(s, 404, "no org was created");
        let (_, requests) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/data-requests",
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        assert_eq!(requests, json!([]), "no request was filed");
        assert!(
            !app.outbox().iter().any(|m| m.contains("x.org")),
            "and nothing was mailed"
        );
        // A bare address is accepted; an internationalized domain is kept in its ASCII form.
        let user = json!({"username": "eve", "email": " Eve@Bücher.example ", "password": PW});
        let (s, b) = call(
            &app,
            Some(&admin),
            Method::POST,
            "/api/v1/orgs/acme/users",
            user,
        )
        .await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["email"], "eve@xn--bcher-kva.example", "{b}");
        app
    })
    .await;
}

#[tokio::test]
async fn attachment_types_that_are_not_media_types_are_refused_naming_the_field() {
    each_backend(|app| async move {
        let admin = app
            .org_with_admin("acme", json!({"plan": "monthly", "seats": 5}), "alice", PW)
            .await
            .unwrap();
        let file = |content_type: &str| {
            json!({"filename": "sssd.log", "content_type": content_type,
                   "content_base64": STANDARD.encode("pam_sss log line 1\n")})
        };
        let ticket = |files: Vec<Value>| {
            json!({"subject": "Adding users to groups", "category": "how_to",
                   "description": "How do I add a user to a group with the API, please?",
                   "attachments": files})
        };
        let tickets = "/api/v1/orgs/acme/tickets";
        for bad in [
            "text/html\r\nX-Evil: 1",
            "text/html\nX-Evil: 1",
            "text",
            "text/*",
            "text/plain; x",
        ] {
            let t = ticket(vec![file("text/plain"), file(bad)]);
            let got = call(&app, Some(&admin), Method::POST, tickets, t).await;
            refused(got, "attachments[1].content_type", bad);
        }
        let (_, list) = app
            .call(Method::GET, tickets, Some(&admin), None)
            .await
            .unwrap();
        assert_eq!(list["items"], json!([]), "no ticket was opened: {list}");
        // A good one is kept in normal form; a reply with a bad one changes nothing.
        let t = ticket(vec![
            file("Text/Plain; Charset=UTF-8"),
            json!({"filename": "x.bin",
                       "content_base64": STANDARD.encode([0u8, 1, 2])}),
        ]);
        let (s, t) = call(&app, Some(&admin), Method::POST, tickets, t).await;
        assert_eq!(s, 201, "{t}");
        let reply =
            json!({"body": "Here is the log.", "attachments": [file("text/html\r\nX-Evil: 1")]});
        let got = call(
            &app,
            Some(&admin),
            Method::POST,
            &format!("{tickets}/1/messages"),
            reply,
        )
        .await;
        refused(got, "attachments[0].content_type", "reply");
        let (_, full) = app
            .call(Method::GET, &format!("{tickets}/1"), Some(&admin), None)
            .await
            .unwrap();
        let messages = full["messages"].as_array().unwrap();
        assert_eq!(
            messages.len(),
            2,
            "the request and the acknowledgement only: {full}"
        );
        let types: Vec<&str> = messages[0]["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["content_type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            ["text/plain; charset=utf-8", "application/octet-stream"]
        );
        app
    })
    .await;
}
