//! Deleting an organization through its doors, on both backends: an admin asks, the request
//! is mailed (real SMTP) to them with a link and to the other admins; a second admin or the
//! link confirms; any admin cancels during the grace period; then the retention job purges
//! it — and its logins, API tokens and LDAP binds stop working, while other orgs carry on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ldap3::{LdapConnAsync, LdapConnSettings};
use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::SmtpSink;
use skydir_testkit::{TestApp, each_backend_with};
use std::sync::Arc;
use std::time::Duration;

const PW: &str = "correct horse battery staple";

/// Org `slug` whose first admin `admins[0]` took the invitation mailed to the sink (after the
/// first `start` mails); they add the other admins and the users.
async fn org_with(
    app: &TestApp,
    sink: &SmtpSink,
    start: usize,
    slug: &str,
    admins: &[&str],
    users: &[&str],
) {
    let first = app
        .org_with_admin_via(
            slug,
            json!({"plan": "annual", "seats": 10}),
            admins[0],
            PW,
            || {
                sink.received()[start..]
                    .iter()
                    .map(|r| String::from_utf8_lossy(&r.data).into_owned())
                    .collect()
            },
        )
        .await
        .unwrap();
    for u in admins[1..].iter().chain(users) {
        app.add_user(&first, slug, u, PW).await.unwrap();
    }
    for a in &admins[1..] {
        app.make_admin(&first, slug, a).await.unwrap();
    }
}

async fn ldap_bind(app: &TestApp, slug: &str, user: &str) -> u32 {
    let tls = skydir_testkit::tls_trusting(&app.cert_path).unwrap();
    let settings = LdapConnSettings::new().set_config(Arc::new(tls));
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &app.ldaps_url)
        .await
        .unwrap();
    ldap3::drive!(conn);
    let r = ldap
        .simple_bind(&format!("uid={user},ou=users,o={slug},dc=skydir"), PW)
        .await
        .unwrap();
    r.rc
}

/// The last mail to `to` containing `needle`, among those after the first `start`.
fn mail_to(sink: &SmtpSink, start: usize, to: &str, needle: &str) -> Option<String> {
    sink.received()[start..]
        .iter()
        .rev()
        .filter(|r| r.rcpt_to == [to.to_string()])
        .map(|r| String::from_utf8_lossy(&r.data).to_string())
        .find(|m| m.contains(needle))
}

#[tokio::test]
async fn an_organization_is_deleted_only_when_confirmed_and_then_nothing_of_it_works() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    each_backend_with(
        &[
            ("SKYDIR_SMTP_URL", url.as_str()),
            // The sink is on 127.0.0.1 and speaks only plain text.
            ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
            ("SKYDIR_ORG_DELETION_GRACE_DAYS", "0"),
            ("SKYDIR_RETENTION_INTERVAL_SECS", "1"),
        ],
        |app| {
            let sink = &sink;
            async move {
                let before = sink.received().len();
                org_with(&app, sink, before, "acme", &["dora", "eve"], &["ada"]).await;
                org_with(&app, sink, before, "beta", &["zed"], &[]).await;
                // The first admins' invitations are in; count the deletion's mails from here.
                let start = sink.received().len();
                let dora = app.login("acme", "dora", PW).await.unwrap();
                let eve = app.login("acme", "eve", PW).await.unwrap();
                let ada = app.login("acme", "ada", PW).await.unwrap();
                let zed = app.login("beta", "zed", PW).await.unwrap();
                assert_eq!(ldap_bind(&app, "acme", "ada").await, 0);

                // Only the org's own admins ask.
                for (who, token) in [("user", &ada), ("other org's admin", &zed)] {
                    let (s, _) = app
                        .call(
                            Method::POST,
                            "/api/v1/orgs/acme/deletion",
                            Some(token),
                            None,
                        )
                        .await
                        .unwrap();
                    assert!(s == 403 || s == 404, "{who}: {s}");
                }
                let (s, _) = app
                    .op(Method::POST, "/api/v1/orgs/acme/deletion", None)
                    .await
                    .unwrap();
                assert_eq!(s, 403, "not the provider either");

                // Asked, then cancelled by the other admin.
                let (s, d) = app
                    .call(
                        Method::POST,
                        "/api/v1/orgs/acme/deletion",
                        Some(&dora),
                        None,
                    )
                    .await
                    .unwrap();
                assert_eq!(s, 202, "{d}");
                assert_eq!(d["state"], "awaiting_confirmation");
                let (s, _) = app
                    .call(Method::POST, "/api/v1/orgs/acme/deletion", Some(&eve), None)
                    .await
                    .unwrap();
                assert_eq!(s, 409, "one at a time");
                let (s, e) = app
                    .call(
                        Method::POST,
                        "/api/v1/orgs/acme/deletion/confirm",
                        Some(&dora),
                        None,
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    s, 403,
                    "the requester does not confirm their own request: {e}"
                );
                let (s, d) = app
                    .call(
                        Method::DELETE,
                        "/api/v1/orgs/acme/deletion",
                        Some(&eve),
                        None,
                    )
                    .await
                    .unwrap();
                assert_eq!((s, d["state"].as_str()), (200, Some("cancelled")));
                assert!(
                    sink.wait_for(start + 2, Duration::from_secs(20))
                        .await
                        .len()
                        >= start + 2
                );
                assert!(
                    mail_to(sink, start, "eve@acme.test", "asked to delete").is_some(),
                    "the other admins are told"
                );

                // Asked again; confirmed by the requester through the mailed link.
                let (s, _) = app
                    .call(
                        Method::POST,
                        "/api/v1/orgs/acme/deletion",
                        Some(&dora),
                        None,
                    )
                    .await
                    .unwrap();
                assert_eq!(s, 202);
                let mut link = None;
                for _ in 0..200 {
                    let mails: Vec<String> = sink.received()[start..]
                        .iter()
                        .filter(|r| r.rcpt_to == ["dora@acme.test".to_string()])
                        .map(|r| String::from_utf8_lossy(&r.data).to_string())
                        .collect();
                    if mails.len() >= 2 {
                        let m = mails.last().unwrap().replace("=\r\n", "");
                        let at = m.find("/org-deletion/skv_").unwrap();
                        link = Some(
                            m[at + "/org-deletion/".len()..]
                                .chars()
                                .take(47)
                                .collect::<String>(),
                        );
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let token = link.expect("the confirmation link was mailed");
                let (s, _) = app
                    .call(
                        Method::POST,
                        "/api/v1/org-deletions/confirmations",
                        None,
                        Some(json!({"token": "skv_nottherightone"})),
                    )
                    .await
                    .unwrap();
                assert_eq!(s, 404);
                let page = app
                    .req(Method::GET, &format!("/org-deletion/{token}"), None)
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                assert!(
                    page.contains("Confirm the deletion"),
                    "opening the link changes nothing"
                );
                let (_, d) = app
                    .call(Method::GET, "/api/v1/orgs/acme/deletion", Some(&eve), None)
                    .await
                    .unwrap();
                assert_eq!(d["state"], "awaiting_confirmation");
                let resp = app
                    .req(Method::POST, &format!("/org-deletion/{token}"), None)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200);
                assert!(resp.text().await.unwrap().contains("Deletion confirmed"));

                // The retention job purges it (grace period 0 here): nothing of acme works.
                let mut gone = false;
                for _ in 0..100 {
                    let (s, _) = app
                        .op(Method::GET, "/api/v1/orgs/acme", None)
                        .await
                        .unwrap();
                    if s == 404 {
                        gone = true;
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                assert!(gone, "purged");
                let (s, _) = app
                    .call(Method::GET, "/api/v1/orgs/acme/users", Some(&dora), None)
                    .await
                    .unwrap();
                assert_eq!(s, 401, "API tokens stop working");
                assert!(
                    app.login("acme", "ada", PW).await.is_err(),
                    "logins stop working"
                );
                assert_ne!(
                    ldap_bind(&app, "acme", "ada").await,
                    0,
                    "LDAP binds stop working"
                );
                // Beta carries on.
                let (s, _) = app
                    .call(Method::GET, "/api/v1/orgs/beta/users", Some(&zed), None)
                    .await
                    .unwrap();
                assert_eq!(s, 200);
                assert_eq!(ldap_bind(&app, "beta", "zed").await, 0);
                // The deployment's audit records the purge; one erasure per user told the connectors.
                let (_, erasures) = app
                    .op(Method::GET, "/api/v1/privacy/erasures", None)
                    .await
                    .unwrap();
                assert_eq!(erasures.as_array().unwrap().len(), 3, "{erasures}");
                assert!(
                    erasures
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|e: &Value| e["state"] == "completed")
                );
                app
            }
        },
    )
    .await;
}
