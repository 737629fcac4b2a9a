//! The `skydir` binary as an operator runs it: first start, kill -9 and restart, operator
//! tokens, imports and audit verification — through the real process, its stdout and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

use support::*;

const PW: &str = "correct horse battery staple";

async fn list_usernames(c: &reqwest::Client, base: &str, token: &str, org: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let q = if after.is_empty() {
            String::new()
        } else {
            format!("&after={after}")
        };
        let (st, b) = call(
            c,
            base,
            token,
            reqwest::Method::GET,
            &format!("/api/v1/orgs/{org}/users?limit=500{q}"),
            None,
        )
        .await;
        assert_eq!(st, 200, "{b}");
        out.extend(
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_string()),
        );
        match b["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => return out,
        }
    }
}

#[tokio::test]
async fn first_start_prints_an_operator_token_and_kill_9_mid_stream_loses_no_acknowledged_write() {
    let (_t, data) = tmp();
    let mut s = serve(&data);
    let token = s
        .token
        .clone()
        .expect("first start prints the operator token");
    assert!(
        s.stdout.iter().any(|l| l.contains("https://127.0.0.1:")),
        "{:?}",
        s.stdout
    );
    // The key-encryption key is apart from the database, readable only by its owner.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(data.join("keys/kek"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert!(data.join("skydir.db").exists() && data.join("keys/keyring.db").exists());
    let c = client(&data);
    let admin = org_with_admin(
        &c,
        &s.base,
        &token,
        json!({"slug": "acme", "name": "Acme", "plan": "monthly", "seats": 100000}),
        json!({"username": "alice", "email": "alice@acme.test"}),
        PW,
        || outbox(&data),
    )
    .await;
    // A stream of writes by the org's admin from 4 concurrent clients; record every
    // acknowledged one.
    let acked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (c, base, token, acked) = (c.clone(), s.base.clone(), admin.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("w{w}n{i:05}");
                let body = json!({"username": name, "email": format!("{name}@example.com"), "phones": ["+1 555 0100"]});
                let r = c.post(format!("{base}/api/v1/orgs/acme/users")).bearer_auth(&token).json(&body).send().await;
                match r {
                    Ok(r) if r.status() == 201 => acked.lock().unwrap().push(name),
                    Ok(r) => panic!("unexpected status {}", r.status()),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    s.child.kill().unwrap(); // SIGKILL, with writes in flight
    s.child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "the stream made progress before the kill ({})",
        acked.len()
    );

    let mut s2 = serve(&data);
    assert!(
        s2.token.is_none(),
        "a restart does not create a second operator: {:?}",
        s2.stdout
    );
    let c = client(&data);
    let stored: std::collections::HashSet<String> = list_usernames(&c, &s2.base, &admin, "acme")
        .await
        .into_iter()
        .collect();
    let lost: Vec<&String> = acked.iter().filter(|n| !stored.contains(*n)).collect();
    assert!(
        lost.is_empty(),
        "acknowledged writes lost after kill -9: {lost:?}"
    );
    s2.child.kill().unwrap();
    s2.child.wait().unwrap();
}

#[tokio::test]
async fn logs_carry_no_secrets_or_personal_data() {
    let (_t, data) = tmp();
    let mut s = serve(&data);
    let token = s.token.clone().unwrap();
    let c = client(&data);
    let admin_pw = "Planted-Admin-Passw0rd-4417";
    let admin = org_with_admin(
        &c,
        &s.base,
        &token,
        json!({"slug": "acme", "name": "Acme", "plan": "free"}),
        json!({"username": "alice", "email": "alice.planted@example.com",
               "given_name": "Plantedgiven"}),
        admin_pw,
        || outbox(&data),
    )
    .await;
    let invitation = link_in(&outbox(&data), "alice.planted@example.com", "invitation").unwrap();
    let planted_pw = "Planted-Passw0rd-9731";
    let planted_phone = "+1 555 867 5309";
    let (st, b) = call(
        &c,
        &s.base,
        &admin,
        reqwest::Method::POST,
        "/api/v1/orgs/acme/users",
        Some(
            json!({"username": "zed", "email": "zed.planted@example.com", "password": planted_pw,
                    "phones": [planted_phone], "addresses": [{"street": "742 Evergreen Terrace"}]}),
        ),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    let login = json!({"org": "acme", "username": "zed", "password": planted_pw});
    let r = c
        .post(format!("{}/api/v1/auth/login", s.base))
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bad = json!({"org": "acme", "username": "zed", "password": "Wrong-Planted-Secret"});
    let r = c
        .post(format!("{}/api/v1/auth/login", s.base))
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A bad body that contains personal data is refused without echoing it into the log.
    let r = c
        .post(format!("{}/api/v1/orgs/acme/users", s.base))
        .bearer_auth(&admin)
        .json(&json!({"username": "yan", "email": "broken", "phones": [planted_phone]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    s.child.kill().unwrap();
    s.child.wait().unwrap();
    let log = std::fs::read_to_string(log_path(&data)).unwrap();
    assert!(log.contains("request"), "the log captured requests: {log}");
    for planted in [
        planted_pw,
        "Wrong-Planted-Secret",
        planted_phone,
        "867 5309",
        "Evergreen",
        "zed.planted",
        &token,
        admin_pw,
        "alice.planted",
        "Plantedgiven",
        &admin,
        &invitation,
    ] {
        assert!(!log.contains(planted), "log leaks {planted}");
    }
}

#[tokio::test]
async fn token_create_operator_prints_a_working_token_and_audit_verify_catches_tampering() {
    let (_t, data) = tmp();
    let mut s = serve(&data);
    let first = s.token.clone().unwrap();
    let c = client(&data);
    let (st, b) = call(
        &c,
        &s.base,
        &first,
        reqwest::Method::POST,
        "/api/v1/orgs",
        Some(json!({"slug": "acme", "name": "Acme", "plan": "free",
                    "admin": {"username": "alice", "email": "alice@acme.test"}})),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    let out = skydir(&data)
        .args(["token", "create", "--operator"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(second.starts_with("skd_") && second != first);
    let (st, b) = call(
        &c,
        &s.base,
        &second,
        reqwest::Method::GET,
        "/api/v1/orgs",
        None,
    )
    .await;
    assert_eq!(st, 200, "{b}");
    s.child.kill().unwrap();
    s.child.wait().unwrap();

    let out = skydir(&data).args(["audit", "verify"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0 broken"), "{text}");

    // Tamper with one event directly in the database file.
    let url = format!("sqlite://{}", data.join("skydir.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query("UPDATE audit_events SET target = 'org:forged' WHERE seq = 1")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let out = skydir(&data).args(["audit", "verify"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("BROKEN") && text.contains("altered"),
        "{text}"
    );
}

#[tokio::test]
async fn import_users_reports_rows_by_line_supports_dry_run_and_all_or_nothing() {
    let (t, data) = tmp();
    let mut s = serve(&data);
    let token = s.token.clone().unwrap();
    let c = client(&data);
    let admin = org_with_admin(
        &c,
        &s.base,
        &token,
        json!({"slug": "acme", "name": "Acme", "plan": "monthly", "seats": 100}),
        json!({"username": "alice", "email": "alice@acme.test"}),
        PW,
        || outbox(&data),
    )
    .await;
    let csv = t.path().join("users.csv");
    // Line 3 has a bad email; line 5 a clear-text password, which is never imported.
    std::fs::write(
        &csv,
        "username,email,given_name,password
ann,ann@example.com,Ann,
ben,not-an-email,Ben,
         cat,cat@example.com,Cat,
dan,dan@example.com,Dan,Planted-Cleartext-1
",
    )
    .unwrap();
    // Dry run: reports lines 3 and 5, writes nothing.
    let out = skydir(&data)
        .args(["import", "users"])
        .arg(&csv)
        .args(["--org", "acme", "--dry-run", "--quiet"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}{err}");
    assert!(err.contains("line 3: email"), "{err}");
    assert!(
        err.contains("line 5: password") && err.contains("clear-text passwords are not imported"),
        "{err}"
    );
    assert!(
        !err.contains("Planted-Cleartext-1"),
        "errors never quote a password: {err}"
    );
    assert!(text.contains("nothing written"), "{text}");
    // All-or-nothing refuses everything because of lines 3 and 5.
    let out = skydir(&data)
        .args(["import", "users"])
        .arg(&csv)
        .args(["--org", "acme", "--all-or-nothing", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (_, b) = call(
        &c,
        &s.base,
        &admin,
        reqwest::Method::GET,
        "/api/v1/orgs/acme/users",
        None,
    )
    .await;
    assert_eq!(
        b["items"].as_array().unwrap().len(),
        1,
        "the admin only: {b}"
    );
    // A plain import writes the two good rows, and refuses the clear-text password.
    let out = skydir(&data)
        .args(["import", "users"])
        .arg(&csv)
        .args(["--org", "acme", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}{err}");
    assert!(text.contains("2 users created"), "{text}{err}");
    assert!(err.contains("line 5: password"), "{err}");
    let (_, b) = call(
        &c,
        &s.base,
        &admin,
        reqwest::Method::GET,
        "/api/v1/orgs/acme/users",
        None,
    )
    .await;
    let names: Vec<&str> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "ann", "cat"]);
    // The imported rows had no hash: each person is mailed an invitation to set a password
    // (the running server's mailer delivers what the import queued).
    for who in ["ann@example.com", "cat@example.com"] {
        let link = wait_for_link(who, "invitation", || outbox(&data)).await;
        assert!(!link.is_empty());
    }
    let mails = outbox(&data);
    assert!(
        !mails
            .iter()
            .any(|m| m.contains("dan@example.com") || m.contains("not-an-email")),
        "refused rows are mailed nothing"
    );
    let (st, v) = call(
        &c,
        &s.base,
        &admin,
        reqwest::Method::GET,
        "/api/v1/orgs/acme/users/ann/invitation",
        None,
    )
    .await;
    assert_eq!((st, v["state"].as_str()), (200, Some("pending")), "{v}");
    s.child.kill().unwrap();
    s.child.wait().unwrap();
}

/// The LDAPS URL a server printed in its banner.
fn ldaps_url(s: &Server) -> String {
    s.stdout
        .iter()
        .find_map(|l| l.strip_prefix("LDAPS on "))
        .map(|u| u.trim_end_matches('/').to_string())
        .expect("no LDAPS address printed")
}

/// Two `skydir serve` processes on one PostgreSQL database: a change made through one is seen
/// over LDAP on the other within a second (LISTEN/NOTIFY). Runs in the PostgreSQL suite.
#[tokio::test]
async fn two_processes_on_one_postgres_see_each_others_changes_over_ldap_within_a_second() {
    let Ok(admin_url) = std::env::var("SKYDIR_TEST_DATABASE_URL") else {
        eprintln!("SKYDIR_TEST_DATABASE_URL is not set; the PostgreSQL suite runs this test");
        return;
    };
    let name = format!("skydir_two_{}", uuid::Uuid::new_v4().simple());
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let url = format!("{}/{name}", &admin_url[..admin_url.rfind('/').unwrap()]);
    let (_t, data) = tmp();
    let env = [("SKYDIR_DATABASE_URL", url.as_str())];
    let mut a = serve_env(&data, &env);
    let mut b = serve_env(&data, &env);
    let token = a.token.clone().expect("first start prints a token");
    let c = client(&data);
    let pw = PW;
    // The org's first admin bob, invited at the org's creation through A.
    let bob = org_with_admin(
        &c,
        &a.base,
        &token,
        json!({"slug": "acme", "name": "Acme", "plan": "free"}),
        json!({"username": "bob", "email": "bob@acme.example.com"}),
        pw,
        || outbox(&data),
    )
    .await;
    let search_on_b = |user: &str, filter: &str| {
        let out = Command::new("ldapsearch")
            .args(["-LLL", "-x", "-H", &ldaps_url(&b), "-D"])
            .arg(format!("uid={user},ou=users,o=acme,dc=skydir"))
            .args(["-w", pw, "-b", "o=acme,dc=skydir", filter, "1.1"])
            .env("LDAPTLS_CACERT", data.join("tls/cert.pem"))
            .output()
            .expect("ldapsearch (ldap-utils) is needed");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let within_a_second = |user: &str, filter: &str, want: &str| {
        let t0 = Instant::now();
        loop {
            let out = search_on_b(user, filter);
            if out.contains(want) {
                return t0.elapsed();
            }
            assert!(
                t0.elapsed() < Duration::from_secs(1),
                "not on B after 1 s: {out}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // Bob adds dave through A and makes him an admin: B learns it (dave then sees the whole
    // org) ...
    let (s, v) = call(
        &c,
        &a.base,
        &bob,
        reqwest::Method::POST,
        "/api/v1/orgs/acme/users",
        Some(json!({"username": "dave", "email": "dave@acme.example.com", "password": pw})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = call(
        &c,
        &a.base,
        &bob,
        reqwest::Method::PUT,
        "/api/v1/orgs/acme/admins/dave",
        None,
    )
    .await;
    assert_eq!(s, 204, "{v}");
    within_a_second("dave", "(uid=bob)", "dn: uid=bob,ou=users,o=acme,dc=skydir");
    // ... and a user created through A.
    let (s, v) = call(
        &c,
        &a.base,
        &bob,
        reqwest::Method::POST,
        "/api/v1/orgs/acme/users",
        Some(json!({"username": "carol", "email": "carol@acme.example.com"})),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let took = within_a_second(
        "bob",
        "(uid=carol)",
        "dn: uid=carol,ou=users,o=acme,dc=skydir",
    );
    eprintln!("visible on the other process after {took:?}");
    a.child.kill().unwrap();
    b.child.kill().unwrap();
    let _ = a.child.wait();
    let _ = b.child.wait();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn privacy_records_prints_the_article_30_record_from_the_live_data() {
    let (_t, data) = tmp();
    let mut s = serve(&data);
    let token = s.token.clone().unwrap();
    let c = client(&data);
    for (path, body) in [
        (
            "/api/v1/orgs",
            json!({"slug": "acme", "name": "Acme Corp", "plan": "monthly", "seats": 5,
                   "admin": {"username": "dora", "email": "dora@acme.test"}}),
        ),
        (
            "/api/v1/privacy/subprocessors",
            json!({"slug": "mailco", "name": "Postal Mail Co", "purpose": "Delivery of the service's email",
                   "data_categories": ["contact details"], "location": "EU (Dublin)", "dpa_date": "2025-02-01"}),
        ),
    ] {
        let (st, b) = call(&c, &s.base, &token, reqwest::Method::POST, path, Some(body)).await;
        assert_eq!(st, 201, "{b}");
    }
    s.child.kill().unwrap();
    s.child.wait().unwrap();

    let out = skydir(&data)
        .args(["privacy", "records"])
        .env("SKYDIR_PROCESSING_LOCATION", "EU (Frankfurt)")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "Record of processing activities (GDPR Article 30(2))",
        "location: EU (Frankfurt)",
        "Acme Corp (acme), plan monthly",
        "DPA: not executed",
        "email address [contact details]",
        "Postal Mail Co: Delivery of the service's email",
        "(c) Transfers:",
        "(d) Technical and organisational security measures:",
        "crypto-shredding",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    let out = skydir(&data)
        .args(["privacy", "records", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "skydir.processing-record/1");
    assert_eq!(v["controllers"][0]["slug"], "acme");
    let out = skydir(&data)
        .args(["privacy", "records", "--format", "xml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use text or json"));
}

#[tokio::test]
async fn privacy_retention_previews_then_purges_a_confirmed_organization_deletion() {
    let (_t, data) = tmp();
    let grace = [
        ("SKYDIR_ORG_DELETION_GRACE_DAYS", "0"),
        ("SKYDIR_RETENTION_INTERVAL_SECS", "3600"),
    ];
    let mut s = serve_env(&data, &grace);
    let op = s.token.clone().unwrap();
    let c = client(&data);
    let post = |path: &'static str, token: String, body: Option<serde_json::Value>| {
        let (c, base) = (c.clone(), s.base.clone());
        async move { call(&c, &base, &token, reqwest::Method::POST, path, body).await }
    };
    // Dora is the org's first admin (invited); she adds eve and makes her an admin too.
    let dora = org_with_admin(
        &c,
        &s.base,
        &op,
        json!({"slug": "acme", "name": "Acme", "plan": "free"}),
        json!({"username": "dora", "email": "dora@acme.test"}),
        PW,
        || outbox(&data),
    )
    .await;
    let (st, b) = post(
        "/api/v1/orgs/acme/users",
        dora.clone(),
        Some(json!({"username": "eve", "email": "eve@acme.test", "password": PW})),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    let (st, _) = call(
        &c,
        &s.base,
        &dora,
        reqwest::Method::PUT,
        "/api/v1/orgs/acme/admins/eve",
        None,
    )
    .await;
    assert_eq!(st, 204);
    let tokens = [dora, login(&c, &s.base, "acme", "eve", PW).await];
    // The server's retention job ran its first round at start, long before this confirmation,
    // and runs again only in an hour: the CLI below is what purges.
    let (st, b) = post("/api/v1/orgs/acme/deletion", tokens[0].clone(), None).await;
    assert_eq!(st, 202, "{b}");
    let (st, b) = call(
        &c,
        &s.base,
        &tokens[1],
        reqwest::Method::POST,
        "/api/v1/orgs/acme/deletion/confirm",
        None,
    )
    .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["state"], "scheduled");
    s.child.kill().unwrap();
    s.child.wait().unwrap();

    let run = |args: &[&str]| {
        let out = skydir(&data).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let preview = run(&["privacy", "retention", "--dry-run"]);
    assert!(
        preview.contains("would purge organization acme (2 users)"),
        "{preview}"
    );
    assert!(preview.contains("dry run: nothing changed"));
    let again = run(&["privacy", "retention", "--dry-run"]);
    assert!(
        again.contains("would purge organization acme"),
        "the dry run changed nothing"
    );
    let done = run(&["privacy", "retention"]);
    assert!(
        done.contains("purged organization acme (2 users)"),
        "{done}"
    );
    let after = run(&["privacy", "retention", "--dry-run"]);
    assert!(after.contains("0 organization(s) would purge"), "{after}");
    let verify = run(&["audit", "verify"]);
    assert!(
        verify.contains("0 broken"),
        "the remaining chains are intact: {verify}"
    );
}
