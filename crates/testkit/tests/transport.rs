//! Headers and transport, driven against a real server: the security headers of every
//! response, where metrics are served, body limits over HTTP/2, the console's cookies and
//! CSRF binding, and the modes of the files in the data directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{Browser, TestApp, each_backend};

const PW: &str = "correct horse battery staple";

/// A request (method, path, bearer token, JSON body) and whether its answer is private.
type Case<'a> = (Method, &'a str, Option<&'a str>, Option<Value>, bool);

/// Every response — public page, asset, API, problem, 404 — is marked HTTPS-only and not to be
/// sniffed; the API's and the signed-in ones are never stored by a cache, the public pages may
/// be.
#[tokio::test]
async fn every_response_has_hsts_and_nosniff_and_private_ones_are_not_stored() {
    each_backend(|app| async move {
        let admin = app
            .org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
            .await
            .unwrap();
        let (s, b) = app
            .call(
                Method::PATCH,
                "/api/v1/orgs/acme/users/alice",
                Some(&admin),
                Some(json!({"phones": ["+1 555 0100"]})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        let login = json!({"org": "acme", "username": "alice", "password": PW});
        let cases: Vec<Case<'_>> = vec![
            (Method::GET, "/healthz", None, None, false),
            (Method::GET, "/kb", None, None, false),
            (Method::GET, "/assets/site.css", None, None, false),
            (Method::GET, "/no/such/page", None, None, false),
            (Method::GET, "/portal/login", None, None, true),
            (Method::GET, "/api/v1/openapi.json", None, None, true),
            (Method::GET, "/api/v1/orgs", None, None, true),
            (Method::POST, "/api/v1/auth/login", None, Some(login), true),
            (
                Method::GET,
                "/api/v1/orgs/acme/users/alice",
                Some(&admin),
                None,
                true,
            ),
            (
                Method::GET,
                "/api/v1/orgs/acme/users",
                Some(&admin),
                None,
                true,
            ),
            (Method::GET, "/api/v1/me/tokens", Some(&admin), None, true),
            (Method::GET, "/kb", Some(&admin), None, true),
        ];
        for (method, path, token, body, private) in cases {
            let mut rb = app.req(method.clone(), path, token);
            if let Some(b) = body {
                rb = rb.json(&b);
            }
            let r = rb.send().await.unwrap();
            let h = r.headers();
            let what = format!("{method} {path} ({})", r.status());
            assert_eq!(
                h.get("strict-transport-security")
                    .and_then(|v| v.to_str().ok()),
                Some("max-age=31536000"),
                "{what}"
            );
            assert_eq!(
                h.get("x-content-type-options")
                    .and_then(|v| v.to_str().ok()),
                Some("nosniff"),
                "{what}"
            );
            let cache = h.get("cache-control").and_then(|v| v.to_str().ok());
            if private {
                assert_eq!(cache, Some("no-store"), "{what}");
            } else {
                assert_ne!(cache, Some("no-store"), "{what}");
            }
        }
        app
    })
    .await;
}

/// `/metrics` is not on the HTTPS port (404 there) but on its own listener on loopback.
#[tokio::test]
async fn metrics_are_served_on_their_own_loopback_listener_and_not_on_the_https_port() {
    let app = TestApp::spawn().await.unwrap();
    let r = app.req(Method::GET, "/metrics", None).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let url = url::Url::parse(&app.metrics_url).unwrap();
    assert_eq!(url.scheme(), "http");
    assert_eq!(url.host_str(), Some("127.0.0.1"));
    let r = app.client.get(url.as_str()).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.contains("skydir_http_requests_total"), "{text}");
    let r = app
        .client
        .get(url.join("/api/v1/orgs").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "the metrics listener serves nothing else");
    app.stop().await.unwrap();
}

/// A body over the limit gets the same 413 problem document over HTTP/2 as over HTTP/1.1, and
/// the stream ends cleanly: the server reads the rest of the body instead of resetting the
/// stream, which clients such as curl take for an error and drop the answer.
#[tokio::test]
async fn a_body_over_the_limit_gets_a_413_problem_over_http2_as_over_http1() {
    let app = TestApp::spawn().await.unwrap();
    let mut alpn_h2 = skydir_testkit::tls_trusting(&app.cert_path).unwrap();
    alpn_h2.alpn_protocols = vec![b"h2".to_vec()];
    let h2 = reqwest::Client::builder()
        .tls_backend_preconfigured(alpn_h2)
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let h1 = reqwest::Client::builder()
        .tls_backend_preconfigured(skydir_testkit::tls_trusting(&app.cert_path).unwrap())
        .http1_only()
        .build()
        .unwrap();
    let big = json!({"slug": "big", "name": "x".repeat(2 * 1024 * 1024), "plan": "free"});
    for (client, version) in [
        (&h2, reqwest::Version::HTTP_2),
        (&h1, reqwest::Version::HTTP_11),
    ] {
        let r = client
            .post(format!("{}/api/v1/orgs", app.base))
            .bearer_auth(&app.operator_token)
            .json(&big)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{version:?}: {e:?}"));
        assert_eq!(r.version(), version);
        assert_eq!(r.status(), 413, "{version:?}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{version:?}"
        );
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], 413, "{version:?}: {body}");
    }

    // On the wire: the whole body is taken, the answer arrives whole, no RST_STREAM.
    let body = serde_json::to_vec(&big).unwrap();
    let (status, problem, reset) = raw_h2_post(&app, "/api/v1/orgs", body).await;
    assert_eq!(status, 413);
    assert_eq!(problem["status"], 413, "{problem}");
    assert_eq!(reset, None, "the server reset the stream");
    // The same for an upload over its own (larger) limit.
    let mail = vec![b'a'; skydir_http::MAX_UPLOAD_BYTES + 1024 * 1024];
    let (status, _, reset) = raw_h2_post(&app, "/api/v1/mail/inbound", mail).await;
    assert_eq!((status, reset), (413, None));
    app.stop().await.unwrap();
}

/// Posts `body` as the operator over a bare HTTP/2 connection (TLS with ALPN `h2`), sending
/// and reading at once as clients do; returns the status, the JSON answer and the reason of
/// an `RST_STREAM` the server sent, if it sent one.
async fn raw_h2_post(app: &TestApp, path: &str, body: Vec<u8>) -> (u16, Value, Option<String>) {
    use std::future::poll_fn;
    let url = url::Url::parse(&app.base).unwrap();
    let tcp = tokio::net::TcpStream::connect((url.host_str().unwrap(), url.port().unwrap()))
        .await
        .unwrap();
    let mut tls = skydir_testkit::tls_trusting(&app.cert_path).unwrap();
    tls.alpn_protocols = vec![b"h2".to_vec()];
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let stream = tokio_rustls::TlsConnector::from(std::sync::Arc::new(tls))
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (client, conn) = h2::client::handshake(stream).await.unwrap();
    tokio::spawn(conn);
    let mut client = client.ready().await.unwrap();
    let req = http::Request::post(format!("{}{path}", app.base))
        .header("authorization", format!("Bearer {}", app.operator_token))
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(req, false).unwrap();
    let sender = tokio::spawn(async move {
        let mut rest = bytes::Bytes::from(body);
        while !rest.is_empty() {
            send.reserve_capacity(rest.len().min(64 * 1024));
            match poll_fn(|cx| send.poll_capacity(cx)).await {
                Some(Ok(n)) if n > 0 => {
                    let chunk = rest.split_to(n.min(rest.len()));
                    if send.send_data(chunk, rest.is_empty()).is_err() {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                _ => break,
            }
        }
        poll_fn(|cx| match send.poll_reset(cx) {
            std::task::Poll::Ready(Ok(reason)) => std::task::Poll::Ready(Some(reason)),
            std::task::Poll::Ready(Err(e)) => std::task::Poll::Ready(e.reason()),
            std::task::Poll::Pending => std::task::Poll::Ready(None),
        })
        .await
    });
    let resp = response.await.unwrap();
    let status = resp.status().as_u16();
    let mut recv = resp.into_body();
    let mut text = Vec::new();
    let mut reset = None;
    while let Some(chunk) = recv.data().await {
        match chunk {
            Ok(c) => {
                let _ = recv.flow_control().release_capacity(c.len());
                text.extend_from_slice(&c);
            }
            Err(e) => {
                reset = Some(format!("{e}"));
                break;
            }
        }
    }
    if let Some(reason) = sender.await.unwrap() {
        reset = Some(format!("{reason:?}"));
    }
    (
        status,
        serde_json::from_slice(&text).unwrap_or(Value::Null),
        reset,
    )
}

/// A raw form post from a page of this server, with exactly the cookies given.
async fn post_raw(app: &TestApp, path: &str, cookies: &str, fields: &[(&str, &str)]) -> u16 {
    post_from(app, path, cookies, fields, &[("origin", &app.base)]).await
}

/// A raw form post with exactly the cookies and browser headers given.
async fn post_from(
    app: &TestApp,
    path: &str,
    cookies: &str,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> u16 {
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(skydir_testkit::tls_trusting(&app.cert_path).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut rb = client
        .post(format!("{}{path}", app.base))
        .header("cookie", cookies)
        .header("content-type", "application/x-www-form-urlencoded");
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    rb.body(body).send().await.unwrap().status().as_u16()
}

/// The console's cookies are `__Host-` cookies (the test browser refuses any other), and a
/// form's CSRF token is made by the server for the request's own cookie: a cookie and field an
/// attacker picks — the old double submit — are refused before login and after, someone
/// else's token does not fit this browser's cookie, and the page's own token works.
#[tokio::test]
async fn csrf_tokens_are_bound_to_the_session_and_a_planted_pair_is_refused() {
    each_backend(|app| async move {
        let admin = app
            .org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
            .await
            .unwrap();
        let login = |csrf: &'static str| {
            [
                ("csrf", csrf),
                ("org", "acme"),
                ("username", "alice"),
                ("password", PW),
            ]
        };
        let pre = skydir_http::PRE_SESSION_COOKIE;
        let session = skydir_http::SESSION_COOKIE;
        assert!(pre.starts_with("__Host-") && session.starts_with("__Host-"));

        // Before login: a planted cookie with the same value in the field does not log in,
        // under the old cookie name or the new one.
        for cookie in [
            format!("{pre}=planted-by-mallory"),
            "skydir_csrf=planted-by-mallory".to_string(),
        ] {
            let s = post_raw(&app, "/portal/login", &cookie, &login("planted-by-mallory")).await;
            assert_eq!(s, 403, "{cookie}");
        }

        // Mallory's own genuine pair does not fit the victim's cookie.
        let mut mallory = Browser::new(&app).unwrap();
        mallory.get("/portal/login").await.unwrap();
        let mallorys_token = mallory.csrf().unwrap();
        let mut b = Browser::new(&app).unwrap();
        b.get("/portal/login").await.unwrap();
        let cookie = b.cookie(pre).expect("a pre-session cookie").to_string();
        let token = b.csrf().unwrap();
        assert_ne!(token, cookie, "the field is not the cookie's value");
        assert_ne!(token, mallorys_token);
        let fields = [
            ("csrf", mallorys_token.as_str()),
            ("org", "acme"),
            ("username", "alice"),
            ("password", PW),
        ];
        let s = post_raw(&app, "/portal/login", &format!("{pre}={cookie}"), &fields).await;
        assert_eq!(s, 403);
        for path in ["/portal/forgot", "/privacy/request"] {
            let s = post_raw(
                &app,
                path,
                &format!("{pre}=planted"),
                &[("csrf", "planted"), ("org", "acme"), ("username", "alice")],
            )
            .await;
            assert_eq!(s, 403, "{path}");
        }

        // The page's own form logs in; from then on the forms are bound to the session.
        let (s, _, to) = b.log_in("acme", "alice", PW).await.unwrap();
        assert_eq!((s, to.as_deref()), (303, Some("/admin")));
        assert!(b.cookie(pre).is_none(), "the pre-session cookie went");
        let sess = b.cookie(session).expect("a session cookie").to_string();
        b.get("/admin/users/new").await.unwrap();
        let bound = b.csrf().unwrap();
        assert_ne!(bound, token);
        let new_user = |csrf: String, name: &str| {
            vec![
                ("csrf".to_string(), csrf),
                ("username".to_string(), name.to_string()),
                ("email".to_string(), format!("{name}@acme.test")),
                ("way".to_string(), "invite".to_string()),
            ]
        };
        for (cookies, csrf) in [
            (format!("{session}={sess}"), "forged".to_string()),
            (format!("{session}={sess}"), token.clone()),
            (
                format!("{session}={sess}; {pre}=planted"),
                "planted".to_string(),
            ),
            (
                format!("{session}={sess}; skydir_csrf=planted"),
                "planted".to_string(),
            ),
        ] {
            let f = new_user(csrf, "mallory");
            let pairs: Vec<(&str, &str)> =
                f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let s = post_raw(&app, "/admin/users/new", &cookies, &pairs).await;
            assert_eq!(s, 403, "{cookies}");
        }
        // Another session of the same admin has a token of its own, which does not fit this one.
        let mut other = Browser::new(&app).unwrap();
        other.log_in("acme", "alice", PW).await.unwrap();
        other.get("/admin/users/new").await.unwrap();
        let others = other.csrf().unwrap();
        assert_ne!(others, bound);
        let f = new_user(others, "mallory");
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let s = post_raw(
            &app,
            "/admin/users/new",
            &format!("{session}={sess}"),
            &pairs,
        )
        .await;
        assert_eq!(s, 403);
        let (s, _) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/users/mallory",
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 404, "no forged form created anyone");

        // The right token from another site's page is refused too: the browser says so.
        let f = new_user(bound.clone(), "mallory");
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let cookies = format!("{session}={sess}");
        for headers in [
            vec![("origin", "https://evil.example")],
            vec![("origin", "null"), ("sec-fetch-site", "cross-site")],
        ] {
            let s = post_from(&app, "/admin/users/new", &cookies, &pairs, &headers).await;
            assert_eq!(s, 403, "{headers:?}");
        }

        // The session's own form works.
        let f = new_user(bound, "bob");
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (s, _, to) = b.post_form("/admin/users/new", &pairs).await.unwrap();
        assert_eq!(
            (s, to.as_deref()),
            (303, Some("/admin/users/bob?created=1"))
        );
        app
    })
    .await;
}

/// Every entry under `dir` with its mode.
fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, u32)>) {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        out.push((p.clone(), meta.permissions().mode() & 0o7777));
        if meta.is_dir() {
            walk(&p, out);
        }
    }
}

/// Asserts every file under the data directory (and itself) is 0600 and every directory 0700;
/// returns the files' paths relative to it.
fn assert_private(data: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let root = std::fs::metadata(data).unwrap().permissions().mode() & 0o7777;
    assert_eq!(root, 0o700, "{}", data.display());
    let mut all = Vec::new();
    walk(data, &mut all);
    let mut files = Vec::new();
    for (p, mode) in all {
        let rel = p.strip_prefix(data).unwrap().display().to_string();
        if p.is_dir() {
            assert_eq!(mode, 0o700, "directory {rel} is {mode:o}");
        } else {
            assert_eq!(mode, 0o600, "file {rel} is {mode:o}");
            files.push(rel);
        }
    }
    files
}

/// Everything the server writes into its data directory is its own — files 0600 (database,
/// WAL and SHM, keyring, key-encryption key, TLS key and certificate, outbox mail) and
/// directories 0700 — whatever the umask; and a tree left looser is tightened at the next start.
#[tokio::test]
async fn the_data_directory_holds_only_0600_files_and_0700_directories() {
    use std::os::unix::fs::PermissionsExt;
    each_backend(|mut app| async move {
        // A write: an org whose first admin is mailed an invitation (into the outbox).
        app.org_with_admin("acme", json!({"plan": "free"}), "alice", PW)
            .await
            .unwrap();
        let files = assert_private(&app.data_dir);
        let mut expected = vec!["keys/kek", "tls/key.pem", "tls/cert.pem"];
        if app.backend == skydir_testkit::Backend::Sqlite {
            expected.extend([
                "skydir.db",
                "skydir.db-wal",
                "skydir.db-shm",
                "keys/keyring.db",
                "keys/keyring.db-wal",
                "keys/keyring.db-shm",
            ]);
        }
        for f in expected {
            assert!(files.iter().any(|x| x == f), "{f} missing from {files:?}");
        }
        assert!(
            files
                .iter()
                .any(|f| f.starts_with("outbox/") && f.ends_with(".eml")),
            "{files:?}"
        );

        // An older version's, or a hand-restored, tree: tightened at the next start.
        let loosen = |rel: &str, mode: u32| {
            std::fs::set_permissions(
                app.data_dir.join(rel),
                std::fs::Permissions::from_mode(mode),
            )
            .unwrap()
        };
        loosen("", 0o755);
        loosen("outbox", 0o775);
        loosen("tls/cert.pem", 0o644);
        loosen("tls", 0o755);
        app.restart().await.unwrap();
        assert_private(&app.data_dir);
        app
    })
    .await;
}
