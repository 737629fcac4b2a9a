//! The knowledge base through its doors, on both backends: public pages without login, full-text
//! search on the database's own engine, internal articles for agents only, the built-in policy
//! pages, and suggestions while a ticket is written and in its acknowledgement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{TestApp, each_backend};

async fn page(app: &TestApp, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let resp = app.req(Method::GET, path, None).send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, resp.text().await.unwrap(), headers)
}

async fn agent(app: &TestApp) -> String {
    let (s, b) = app
        .op(
            Method::POST,
            "/api/v1/staff",
            Some(json!({"handle": "kim"})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    b["token"].as_str().unwrap().to_string()
}

fn bind_article() -> Value {
    json!({
        "slug": "ldap-bind-error-49", "title": "LDAP bind fails with error 49",
        "category": "ldap", "tags": ["ldap", "bind"],
        "body": "# Symptom\n\nEvery bind fails with error 49 (invalid credentials).\n\n\
                 # Fix\n\n- Check the bind DN: uid=<user>,ou=users,o=<org>,dc=skydir\n\
                 - Rotate the service account password\n"
    })
}

#[tokio::test]
async fn the_knowledge_base_is_public_searchable_and_carries_the_policy_pages() {
    each_backend(|app| async move {
        let agent = agent(&app).await;
        // The public pages, no login.
        let (s, html, headers) = page(&app, "/kb").await;
        assert_eq!(s, 200);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
        assert!(
            html.contains("<label for=\"q\">Search the Knowledge Base</label>"),
            "{html}"
        );
        assert!(html.contains("href=\"/kb/support-policy\""));
        assert!(
            html.contains("U.S. Federal holidays excluded"),
            "hours in the footer"
        );
        let (s, policy, _) = page(&app, "/kb/support-policy").await;
        assert_eq!(s, 200);
        for needle in [
            "Monday to Friday 09:00–17:00 (America/Denver)",
            "/var/log/sssd/sssd_pam.log",
            "journalctl -u nslcd",
            "Product customizations.",
            "never ask you for your password",
        ] {
            assert!(
                policy.contains(needle),
                "{needle:?} missing from the policy page"
            );
        }
        let (_, versions, _) = page(&app, "/kb/supported-versions").await;
        assert!(versions.contains("<td>Windows 10</td>"), "{versions}");
        let (s, _, _) = page(&app, "/assets/site.css").await;
        assert_eq!(s, 200);

        // Agents write public and internal articles.
        let (s, a) = app
            .call(
                Method::POST,
                "/api/v1/kb/articles",
                Some(&agent),
                Some(bind_article()),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{a}");
        assert!(
            a["url"]
                .as_str()
                .unwrap()
                .ends_with("/kb/ldap-bind-error-49")
        );
        let internal = json!({"slug": "escalations", "title": "When to page engineering",
            "category": "troubleshooting", "visibility": "internal",
            "body": "Page the on-call engineer for any S1 outage lasting beyond one hour."});
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/kb/articles",
                Some(&agent),
                Some(internal),
            )
            .await
            .unwrap();
        assert_eq!(s, 201);

        // Full-text search, with stemming, for everyone; the internal article for agents only.
        let (_, html, _) = page(&app, "/kb?q=binding+errors").await;
        assert!(html.contains("1 result for"), "{html}");
        assert!(html.contains("href=\"/kb/ldap-bind-error-49\""), "{html}");
        let (_, html, _) = page(&app, "/kb?q=engineering").await;
        assert!(html.contains("0 results"), "{html}");
        assert!(
            html.contains("No article matches"),
            "an empty state that helps"
        );
        let (_, found) = app
            .call(
                Method::GET,
                "/api/v1/kb/articles?q=engineering",
                Some(&agent),
                None,
            )
            .await
            .unwrap();
        assert_eq!(found[0]["slug"], "escalations", "{found}");
        let (_, found) = app
            .call(Method::GET, "/api/v1/kb/articles?q=engineering", None, None)
            .await
            .unwrap();
        assert_eq!(found, json!([]));
        let (s, _) = app
            .call(Method::GET, "/api/v1/kb/articles/escalations", None, None)
            .await
            .unwrap();
        assert_eq!(s, 404);
        let (s, _, _) = page(&app, "/kb/escalations").await;
        assert_eq!(s, 404);
        let (_, listed) = app
            .call(
                Method::GET,
                "/api/v1/kb/articles?category=policies",
                None,
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            listed.as_array().unwrap().len(),
            3,
            "the built-in pages: {listed}"
        );
        let (s, html, _) = page(&app, "/kb?category=bananas").await;
        assert_eq!(s, 400);
        assert!(html.contains("unknown category"), "{html}");

        // Only agents (and operators) write; built-in pages follow the policy, not edits.
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/kb/articles",
                None,
                Some(bind_article()),
            )
            .await
            .unwrap();
        assert_eq!(s, 401);
        let (s, e) = app
            .call(
                Method::PUT,
                "/api/v1/kb/articles/support-policy",
                Some(&agent),
                Some(bind_article()),
            )
            .await
            .unwrap();
        assert_eq!((s, e["field"].as_str()), (409, Some("slug")), "{e}");
        let (s, e) = app
            .call(
                Method::POST,
                "/api/v1/kb/articles",
                Some(&agent),
                Some(bind_article()),
            )
            .await
            .unwrap();
        assert_eq!(s, 409, "{e}");

        // Suggestions while a ticket is written.
        let (s, sug) = app
            .call(
                Method::GET,
                "/api/v1/kb/suggest?q=Our%20LDAP%20bind%20fails%20with%2049",
                None,
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 200);
        assert_eq!(sug[0]["slug"], "ldap-bind-error-49", "{sug}");

        // Delete, and it is gone from the pages.
        let (s, _) = app
            .call(
                Method::DELETE,
                "/api/v1/kb/articles/ldap-bind-error-49",
                Some(&agent),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 204);
        let (s, html, _) = page(&app, "/kb/ldap-bind-error-49").await;
        assert_eq!(s, 404);
        assert!(html.contains("Article not found"));
        app
    })
    .await;
}

#[tokio::test]
async fn acknowledgements_suggest_the_articles_that_may_answer_the_ticket() {
    each_backend(|app| async move {
        let agent = agent(&app).await;
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/kb/articles",
                Some(&agent),
                Some(bind_article()),
            )
            .await
            .unwrap();
        assert_eq!(s, 201);
        let alice = app
            .org_with_admin(
                "acme",
                json!({"name": "Acme", "plan": "monthly", "seats": 5}),
                "alice",
                "correct horse battery",
            )
            .await
            .unwrap();
        let (s, t) = app
            .call(
                Method::POST,
                "/api/v1/orgs/acme/tickets",
                Some(&alice),
                Some(
                    json!({"subject": "LDAP bind error 49", "category": "how_to",
                              "description": "Which bind DN should our NAS use? We get error 49."}),
                ),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{t}");
        let (_, full) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/tickets/1",
                Some(&alice),
                None,
            )
            .await
            .unwrap();
        let ack = full["messages"][1]["body"].as_str().unwrap();
        assert!(
            ack.contains("These Knowledge Base articles may already help"),
            "{ack}"
        );
        assert!(
            ack.contains("LDAP bind fails with error 49: https://"),
            "{ack}"
        );
        assert!(ack.contains("/kb/ldap-bind-error-49"), "{ack}");
        app
    })
    .await;
}
