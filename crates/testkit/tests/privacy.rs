//! Data protection through its doors, on both backends: the public sub-processor page and its
//! RSS 2.0 feed (read by Python's feedparser too), subscriptions told by mail, objections, the
//! DPA for paying orgs only, the register's starting examples and the operator's console for
//! them, where the data is processed, and an organization's own retention of ticket files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_mail::testing::SmtpSink;
use skydir_testkit::{Browser, TestApp, each_backend_with};
use std::time::Duration;

const PW: &str = "correct horse battery staple";

/// Org `slug` on `plan` whose first admin dora took her invitation — from the SMTP sink (the
/// mails after its first `start`) when there is one, else from the outbox — and logged in.
async fn org_admin(
    app: &TestApp,
    slug: &str,
    plan: Value,
    sink: Option<(&SmtpSink, usize)>,
) -> String {
    let mut plan = plan;
    plan["name"] = json!(slug);
    match sink {
        Some((sink, start)) => app
            .org_with_admin_via(slug, plan, "dora", PW, || {
                sink.received()[start..]
                    .iter()
                    .map(|r| String::from_utf8_lossy(&r.data).into_owned())
                    .collect()
            })
            .await
            .unwrap(),
        None => app.org_with_admin(slug, plan, "dora", PW).await.unwrap(),
    }
}

fn aws(location: &str) -> Value {
    json!({"slug": "aws", "name": "Amazon Web Services", "purpose": "Hosting of the service",
           "data_categories": ["directory records", "contact details"], "location": location,
           "dpa_date": "2024-05-01"})
}

async fn feed(app: &TestApp) -> rss::Channel {
    let r = app
        .req(Method::GET, "/privacy/subprocessors.rss", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/rss+xml")
    );
    let bytes = r.bytes().await.unwrap();
    rss::Channel::read_from(&bytes[..]).expect("a valid RSS 2.0 document")
}

#[tokio::test]
async fn the_public_registry_and_its_feed_announce_every_change_and_subscribers_are_mailed() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    // The sink is on 127.0.0.1 and speaks only plain text.
    let env = [
        ("SKYDIR_SMTP_URL", url.as_str()),
        ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
    ];
    each_backend_with(&env, |app| {
        let sink = &sink;
        async move {
            let before = sink.received().len();
            let acme = org_admin(&app, "acme", json!({"plan": "monthly", "seats": 5}), Some((sink, before))).await;
            // Dora's invitation is in; count the subscribers' mails from here.
            let start = sink.received().len();
            let (s, _) = app
                .call(Method::POST, "/api/v1/orgs/acme/privacy/subscriptions", Some(&acme),
                      Some(json!({"email": "privacy@acme.test"})))
                .await
                .unwrap();
            assert_eq!(s, 201);
            // Only the operator keeps the registry.
            let (s, _) = app.call(Method::POST, "/api/v1/privacy/subprocessors", Some(&acme), Some(aws("US"))).await.unwrap();
            assert_eq!(s, 403);
            let (s, b) = app.op(Method::POST, "/api/v1/privacy/subprocessors", Some(aws("US"))).await.unwrap();
            assert_eq!(s, 201, "{b}");
            let (s, b) = app.op(Method::POST, "/api/v1/privacy/subprocessors", Some(json!({"slug": "x", "name": "X", "purpose": "p", "data_categories": [], "location": "l", "dpa_date": "2024-01-01"}))).await.unwrap();
            assert_eq!((s, b["field"].as_str()), (400, Some("data_categories")), "{b}");
            let (s, _) = app.op(Method::PUT, "/api/v1/privacy/subprocessors/aws", Some(aws("EU (Frankfurt)"))).await.unwrap();
            assert_eq!(s, 200);
            let (s, _) = app.op(Method::DELETE, "/api/v1/privacy/subprocessors/aws", None).await.unwrap();
            assert_eq!(s, 200);

            let ch = feed(&app).await;
            let titles: Vec<&str> = ch.items().iter().map(|i| i.title().unwrap()).collect();
            assert_eq!(
                titles,
                ["Sub-processor removed: Amazon Web Services", "Sub-processor changed: Amazon Web Services", "New sub-processor: Amazon Web Services", "Privacy statement published (version 1)"],
                "the statement's first version was published at the first start"
            );
            assert!(ch.items()[1].description().unwrap().contains("location: US → EU (Frankfurt)"));
            for i in ch.items() {
                assert!(i.guid().is_some() && i.pub_date().is_some());
            }
            // The page: current entries, removed ones apart, the feed linked.
            let page = app.req(Method::GET, "/privacy/subprocessors", None).send().await.unwrap().text().await.unwrap();
            assert!(page.contains("href=\"/privacy/subprocessors.rss\""));
            assert!(page.contains("No longer used"), "{page}");
            // Subscribers were told of each change.
            let got = sink.wait_for(start + 3, Duration::from_secs(20)).await;
            let to_sub: Vec<String> = got[start..]
                .iter()
                .filter(|r| r.rcpt_to == ["privacy@acme.test"])
                .map(|r| String::from_utf8_lossy(&r.data).to_string())
                .collect();
            assert_eq!(to_sub.len(), 3, "one mail per change");
            assert!(to_sub.iter().any(|m| m.contains("New sub-processor: Amazon Web Services")));

            // Objections reach the provider.
            app.op(Method::POST, "/api/v1/privacy/subprocessors", Some(json!({"slug": "sendgrid", "name": "SendGrid", "purpose": "Mail delivery", "data_categories": ["email addresses"], "location": "US", "dpa_date": "2024-02-01"}))).await.unwrap();
            let (s, o) = app
                .call(Method::POST, "/api/v1/orgs/acme/privacy/objections", Some(&acme),
                      Some(json!({"subprocessor": "sendgrid", "reason": "We need EU-only mail delivery."})))
                .await
                .unwrap();
            assert_eq!(s, 201, "{o}");
            let (_, all) = app.op(Method::GET, "/api/v1/privacy/objections", None).await.unwrap();
            assert_eq!(all[0]["reason"], "We need EU-only mail delivery.");
            app
        }
    })
    .await;
}

#[tokio::test]
async fn only_paying_orgs_execute_the_dpa_and_download_it_signed() {
    each_backend_with(&[], |app| async move {
        let paying = org_admin(&app, "acme", json!({"plan": "annual", "seats": 5}), None).await;
        let free = org_admin(&app, "tiny", json!({"plan": "free"}), None).await;
        let trial = org_admin(&app, "trial", json!({"plan": "jumpstart", "trial_ends": "2099-01-01T00:00:00Z"}), None).await;
        let (s, _) = app.call(Method::GET, "/api/v1/privacy/dpa", None, None).await.unwrap();
        assert_eq!(s, 404, "nothing published yet");
        let (s, _) = app
            .op(Method::POST, "/api/v1/privacy/dpa/versions",
                Some(json!({"version": "2026-01", "text": "This Data Processing Agreement is made between the provider and the customer.\n\nSecond paragraph."})))
            .await
            .unwrap();
        assert_eq!(s, 201);
        let page = app.req(Method::GET, "/privacy/dpa", None).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("This Data Processing Agreement is made between"), "public for review");
        let sign = json!({"version": "2026-01", "signer_name": "Dora Admin", "signer_title": "CTO"});
        for (token, plan) in [(&free, "free plan"), (&trial, "JumpStart trial")] {
            let org = if plan == "free plan" { "tiny" } else { "trial" };
            let (s, e) = app.call(Method::POST, &format!("/api/v1/orgs/{org}/dpa"), Some(token), Some(sign.clone())).await.unwrap();
            assert_eq!(s, 403, "{e}");
            let d = e["detail"].as_str().unwrap();
            assert!(d.contains("paying customers only") && d.contains(plan), "{d}");
        }
        let (s, _) = app.op(Method::POST, "/api/v1/orgs/acme/dpa", Some(sign.clone())).await.unwrap();
        assert_eq!(s, 403, "the operator does not sign for a customer");
        let (s, sig) = app.call(Method::POST, "/api/v1/orgs/acme/dpa", Some(&paying), Some(sign)).await.unwrap();
        assert_eq!(s, 201, "{sig}");
        let id = sig["id"].as_str().unwrap();
        let doc = app
            .req(Method::GET, &format!("/api/v1/orgs/acme/dpa/{id}/document"), Some(&paying))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(doc.contains("Signed by: Dora Admin, CTO"), "{doc}");
        assert!(doc.contains("Version: 2026-01"));
        let (_, list) = app.call(Method::GET, "/api/v1/orgs/acme/dpa", Some(&paying), None).await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        app
    })
    .await;
}

/// Reads an RSS document with Python's feedparser (a real, independent RSS reader): the
/// feed's title, whether it was well-formed (`bozo` 0), and each entry's title, id (guid),
/// link, tags and publication time (Unix seconds). Installs feedparser with pip when it is
/// missing; returns `None` only when there is no python3 at all.
fn feedparser(rss: &[u8]) -> Option<Value> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 is not installed: the feedparser check cannot run");
        return None;
    }
    let has = |c: &mut Command| c.status().is_ok_and(|s| s.success());
    if !has(Command::new("python3").args(["-c", "import feedparser"])) {
        let pip = |extra: &[&str]| {
            has(Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "feedparser"])
                .args(extra))
        };
        assert!(
            pip(&[]) || pip(&["--break-system-packages"]),
            "feedparser is missing and pip could not install it"
        );
    }
    const SCRIPT: &str = "import calendar, json, sys, feedparser\n\
        d = feedparser.parse(sys.stdin.buffer.read())\n\
        print(json.dumps({'bozo': int(d.bozo), 'version': d.version, 'title': d.feed.get('title'),\n\
          'entries': [{'title': e.title, 'id': e.id, 'link': e.link,\n\
            'tags': [t.term for t in e.get('tags', [])],\n\
            'published': calendar.timegm(e.published_parsed)} for e in d.entries]}))\n";
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(rss).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "feedparser failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

async fn feed_bytes(app: &TestApp) -> Vec<u8> {
    app.req(Method::GET, "/privacy/subprocessors.rss", None)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn the_feed_read_by_feedparser_announces_statement_and_dpa_versions_and_registry_changes() {
    let sink = SmtpSink::start().await.unwrap();
    let url = sink.url();
    for backend in skydir_testkit::Backend::all() {
        let relay = [
            ("SKYDIR_SMTP_URL", url.as_str()),
            ("SKYDIR_SMTP_ALLOW_PLAINTEXT", "true"),
        ];
        let mut app = TestApp::spawn_with(backend, &relay).await.unwrap();
        let start = sink.received().len();
        let acme = org_admin(
            &app,
            "acme",
            json!({"plan": "monthly", "seats": 5}),
            Some((&sink, start)),
        )
        .await;
        // The subscriber's mail is counted from here, after dora's invitation.
        let start = sink.received().len();
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/orgs/acme/privacy/subscriptions",
                Some(&acme),
                Some(json!({"email": "privacy@acme.test"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 201);
        // The operator states where the data is processed, between two starts: the
        // statement's text changes, so it is published again as version 2.
        app.restart_with(&[("SKYDIR_PROCESSING_LOCATION", "EU (Frankfurt)")])
            .await
            .unwrap();
        let page = app
            .req(Method::GET, "/privacy", None)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Version 2, in effect since"), "{page}");
        assert!(page.contains("<strong>EU (Frankfurt)</strong>"), "{page}");
        // A restart without a change publishes nothing.
        app.restart().await.unwrap();
        let (s, b) = app
            .op(
                Method::POST,
                "/api/v1/privacy/dpa/versions",
                Some(json!({"version": "2026-06", "text": "The agreement."})),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{b}");
        let (s, b) = app
            .op(
                Method::POST,
                "/api/v1/privacy/subprocessors/aws/confirmation",
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");

        let rss = feed_bytes(&app).await;
        let Some(feed) = feedparser(&rss) else {
            app.stop().await.unwrap();
            return;
        };
        assert_eq!(feed["bozo"], 0, "well-formed: {feed}");
        assert_eq!(feed["version"], "rss20");
        assert_eq!(
            feed["title"],
            "skydir privacy: GDPR policies and sub-processors"
        );
        let entries = feed["entries"].as_array().unwrap();
        let titles: Vec<&str> = entries
            .iter()
            .map(|e| e["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            titles,
            [
                "New sub-processor: Amazon Web Services, Inc.",
                "Data Processing Agreement version 2026-06 published",
                "Privacy statement updated (version 2)",
                "Privacy statement published (version 1)"
            ]
        );
        let tags: Vec<&str> = entries
            .iter()
            .map(|e| e["tags"][0].as_str().unwrap())
            .collect();
        assert_eq!(
            tags,
            ["added", "dpa", "privacy-statement", "privacy-statement"]
        );
        assert!(entries[2]["link"].as_str().unwrap().ends_with("/privacy"));
        assert!(
            entries[1]["link"]
                .as_str()
                .unwrap()
                .ends_with("/privacy/dpa")
        );
        // Dated, newest first, each with its own id that stays the same on the next read.
        let dates: Vec<i64> = entries
            .iter()
            .map(|e| e["published"].as_i64().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
        assert!(dates.iter().all(|d| *d > 1_700_000_000), "{dates:?}");
        let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        let again = feedparser(&feed_bytes(&app).await).unwrap();
        let ids_again: Vec<&str> = again["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ids_again, "stable guids");

        // The subscriber was mailed each of the three changes since subscribing.
        let got = sink.wait_for(start + 3, Duration::from_secs(20)).await;
        let limits = skydir_mail::Limits {
            max_message_bytes: 1 << 20,
        };
        let to_sub: Vec<String> = got[start..]
            .iter()
            .filter(|r| r.rcpt_to == ["privacy@acme.test"])
            .map(|r| {
                let m = skydir_mail::parse(&r.data, &limits).unwrap();
                format!("{}\n\n{}", m.subject, m.text)
            })
            .collect();
        assert_eq!(to_sub.len(), 3, "{to_sub:?}");
        assert!(
            to_sub
                .iter()
                .any(|m| m.contains("Privacy statement updated (version 2)")
                    && m.contains("Where it is processed"))
        );
        assert!(
            to_sub
                .iter()
                .any(|m| m.contains("Data Processing Agreement version 2026-06 published"))
        );
        app.stop().await.unwrap();
    }
}

#[tokio::test]
async fn a_new_deployment_lists_the_statements_sub_processors_as_examples_until_confirmed() {
    for backend in skydir_testkit::Backend::all() {
        let mut app = TestApp::spawn_with(backend, &[]).await.unwrap();
        let (_, all) = app
            .op(Method::GET, "/api/v1/privacy/subprocessors", None)
            .await
            .unwrap();
        let names: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "Amazon Web Services, Inc.",
                "Drift",
                "Fivetran",
                "Optimizely",
                "Segment",
                "SendGrid, Inc.",
                "Snowflake"
            ]
        );
        assert!(all.as_array().unwrap().iter().all(|s| s["example"] == true));
        let page = app
            .req(Method::GET, "/privacy/subprocessors", None)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            page.matches("example — edit before going live").count(),
            8,
            "each entry and the note"
        );

        // The operator's console: the examples, and where the data is processed (unconfirmed).
        let mut b = Browser::new(&app).unwrap();
        let (s, _, to) = b.staff_sign_in(&app.operator_token).await.unwrap();
        assert_eq!((s, to.as_deref()), (303, Some("/operator")));
        let (s, html, _) = b.get("/operator/privacy").await.unwrap();
        assert_eq!(s, 200);
        assert!(
            html.contains("href=\"/operator/privacy\" aria-current=\"page\""),
            "in the console's navigation"
        );
        assert!(html.contains("7 entries are examples"), "{html}");
        assert!(html.contains("not confirmed"), "{html}");
        assert!(html.contains("privacy@skydir.localhost"), "{html}");
        let csrf = b.csrf().unwrap();
        let (s, _, to) = b
            .post_form(
                "/operator/privacy",
                &[("csrf", &csrf), ("action", "confirm"), ("slug", "aws")],
            )
            .await
            .unwrap();
        assert_eq!(
            (s, to.as_deref()),
            (303, Some("/operator/privacy?done=confirm"))
        );
        let (s, _, _) = b
            .post_form(
                "/operator/privacy",
                &[("csrf", &csrf), ("action", "remove"), ("slug", "drift")],
            )
            .await
            .unwrap();
        assert_eq!(s, 303);
        let (s, _, _) = b
            .post_form(
                "/operator/privacy",
                &[
                    ("csrf", &csrf),
                    ("action", "update"),
                    ("slug", "segment"),
                    ("name", "Segment.io"),
                    ("purpose", "Product analytics"),
                    ("data_categories", "usage data, contact details"),
                    ("location", "EU (Dublin)"),
                    ("dpa_date", "2025-03-01"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(s, 303);
        let (s, html, _) = b
            .post_form(
                "/operator/privacy",
                &[
                    ("csrf", &csrf),
                    ("action", "update"),
                    ("slug", "optimizely"),
                    ("name", "Optimizely"),
                    ("purpose", "Experiments"),
                    ("data_categories", ""),
                    ("location", "US"),
                    ("dpa_date", "2025-03-01"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(s, 400, "a bad entry is refused with the reason");
        assert!(html.contains("data_categories"), "{html}");

        // Every start after the first leaves the register alone: what was removed stays out.
        app.restart().await.unwrap();
        let (_, all) = app
            .op(Method::GET, "/api/v1/privacy/subprocessors", None)
            .await
            .unwrap();
        let state = |slug: &str| {
            let s = all
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["slug"] == slug)
                .unwrap();
            (s["example"].as_bool().unwrap(), s["removed_at"].is_string())
        };
        assert_eq!(all.as_array().unwrap().len(), 7);
        assert_eq!(state("aws"), (false, false));
        assert_eq!(state("segment"), (false, false));
        assert_eq!(state("drift"), (true, true));
        assert_eq!(state("snowflake"), (true, false));
        let page = app
            .req(Method::GET, "/privacy/subprocessors", None)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !page.contains("Drift"),
            "a removed example was never a sub-processor"
        );
        assert!(page.contains("Segment.io") && page.contains("EU (Dublin)"));
        let feed = feed(&app).await;
        let titles: Vec<&str> = feed.items().iter().map(|i| i.title().unwrap()).collect();
        assert_eq!(
            titles,
            [
                "New sub-processor: Segment.io",
                "New sub-processor: Amazon Web Services, Inc.",
                "Privacy statement published (version 1)"
            ]
        );
        // Access reports name only what the operator confirmed, and always where it is processed.
        org_admin(&app, "acme", json!({"plan": "free"}), None).await;
        let dora = app.login("acme", "dora", PW).await.unwrap();
        let (s, r) = app
            .call(Method::GET, "/api/v1/me/data-export", Some(&dora), None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{r}");
        let recipients: Vec<&str> = r["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        assert_eq!(recipients, ["Amazon Web Services, Inc.", "Segment.io"]);
        let locations = r["locations"].as_array().unwrap();
        assert!(
            locations.iter().any(|l| l
                .as_str()
                .unwrap()
                .starts_with("on the provider's own server")
                && l.as_str().unwrap().contains("privacy@skydir.localhost")),
            "{locations:?}"
        );
        app.stop().await.unwrap();
    }
}

#[tokio::test]
async fn an_admin_opts_into_a_shorter_file_retention_and_the_operator_cannot() {
    each_backend_with(&[], |app| async move {
        let acme = org_admin(&app, "acme", json!({"plan": "monthly", "seats": 5}), None).await;
        let path = "/api/v1/orgs/acme/privacy/retention";
        let (s, r) = app
            .call(Method::GET, path, Some(&acme), None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["attachment_days"], Value::Null);
        assert_eq!(
            r["attachments"],
            "kept while the organization uses the service"
        );
        let (s, e) = app
            .call(
                Method::PUT,
                path,
                Some(&acme),
                Some(json!({"attachment_days": 0})),
            )
            .await
            .unwrap();
        assert_eq!(
            (s, e["field"].as_str()),
            (400, Some("attachment_days")),
            "{e}"
        );
        let (s, _) = app
            .op(Method::PUT, path, Some(json!({"attachment_days": 30})))
            .await
            .unwrap();
        assert_eq!(s, 403, "the provider does not choose it");
        let (s, r) = app
            .call(
                Method::PUT,
                path,
                Some(&acme),
                Some(json!({"attachment_days": 90})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            r["attachments"],
            "deleted 90 days after the ticket is closed"
        );

        // The same setting on the admin console's privacy page.
        let mut b = Browser::new(&app).unwrap();
        let (s, _, _) = b.log_in("acme", "dora", PW).await.unwrap();
        assert_eq!(s, 303);
        let (s, html, _) = b.get("/admin/privacy").await.unwrap();
        assert_eq!(s, 200);
        assert!(
            html.contains("deleted 90 days after the ticket is closed"),
            "{html}"
        );
        let csrf = b.csrf().unwrap();
        let (s, _, to) = b
            .post_form(
                "/admin/privacy",
                &[("csrf", &csrf), ("action", "retention-keep"), ("days", "")],
            )
            .await
            .unwrap();
        assert_eq!(
            (s, to.as_deref()),
            (303, Some("/admin/privacy?done=retention-keep"))
        );
        let (s, html, _) = b
            .post_form(
                "/admin/privacy",
                &[
                    ("csrf", &csrf),
                    ("action", "retention-days"),
                    ("days", "forever"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(s, 400);
        assert!(html.contains("enter a number of days"), "{html}");
        let (_, r) = app
            .call(Method::GET, path, Some(&acme), None)
            .await
            .unwrap();
        assert_eq!(r["attachment_days"], Value::Null);

        // Each choice is in the organization's audit log.
        let (_, log) = app
            .call(Method::GET, "/api/v1/orgs/acme/audit", Some(&acme), None)
            .await
            .unwrap();
        let n = log.to_string().matches("privacy.retention").count();
        assert!(n >= 2, "{log}");
        app
    })
    .await;
}
