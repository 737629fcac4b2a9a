//! The support policy's promises about provider staff, held through every door of a running
//! server: "no employee has the ability to change your password", "will not honor any
//! requests for an individual to be added to a resource … at any time", no deletion and no
//! disclosure without a verified request. Provider staff are the operator as much as support
//! agents.
//!
//! The matrix is generated from the server's own route tables: every operation of the OpenAPI
//! document (which `every_path_in_the_openapi_document_is_a_served_route` holds to the routed
//! paths in both directions) and every console page must have a row in [`rest_rule`] /
//! [`page_rule`], so a new route cannot escape it. Each row says which staff may use the
//! door; the test then drives it as the operator and as a support agent, with a body an org
//! admin could have sent, and checks that every refusal is a refusal and changed nothing.
//! The CLI's doors are walked in `crates/server/tests/staff_cli.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::TestApp;

const PW: &str = "correct horse battery staple";

/// Who among provider staff may use a door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, or whoever holds a secret the request carries (a mailed token, a connector's
    /// signature): not a staff door.
    Open,
    /// The operator (the deployment's business: orgs, plans, staff, registers, breaches).
    Operator,
    /// Support agents (tickets, macros, verified requests).
    Agent,
    /// Both (the knowledge base, the desk's reports).
    Staff,
    /// The org's own people only: staff are refused, whatever they send.
    Customer,
    /// The invitation of one person: the org's admins, and the operator for the first
    /// administrator only until accepted (driven here on a user who is not: refused).
    FirstAdminOnly,
}

/// Every operation of the API and who among staff may use it. A route missing here fails the
/// test: deciding this row is part of adding the route.
fn rest_rule(method: &str, path: &str) -> Option<Rule> {
    use Rule::*;
    Some(match (method, path) {
        ("GET", "/healthz" | "/readyz") => Open,
        ("POST", "/api/v1/auth/login" | "/api/v1/auth/password" | "/api/v1/auth/email") => Open,
        ("GET", "/api/v1/kb/articles" | "/api/v1/kb/articles/{slug}" | "/api/v1/kb/suggest") => {
            Open
        }
        ("POST", "/api/v1/kb/articles") | ("PUT" | "DELETE", "/api/v1/kb/articles/{slug}") => Staff,
        ("POST", "/api/v1/mail/inbound") => Operator,
        (_, p) if p.starts_with("/api/v1/me/") => Customer,
        ("POST", "/api/v1/org-deletions/confirmations") => Open,
        ("GET", "/api/v1/orgs") => Staff,
        ("POST", "/api/v1/orgs") => Operator,
        ("GET", "/api/v1/orgs/{org}") => Staff,
        ("PATCH", "/api/v1/orgs/{org}") => Operator,
        ("PUT" | "DELETE", "/api/v1/orgs/{org}/suspension") => Operator,
        ("PUT" | "DELETE", "/api/v1/orgs/{org}/specialist") => Operator,
        (_, "/api/v1/orgs/{org}/users/{username}/invitation") => FirstAdminOnly,
        // Tickets: the org's admins open and follow them; agents read them here and work them
        // on the desk's routes below; operators never see them.
        (
            "GET",
            "/api/v1/orgs/{org}/tickets"
            | "/api/v1/orgs/{org}/tickets/{id}"
            | "/api/v1/orgs/{org}/tickets/{id}/attachments/{attachment}",
        ) => Agent,
        (_, p) if p.starts_with("/api/v1/orgs/{org}/") => Customer,
        (_, p) if p.starts_with("/api/v1/breaches") => Operator,
        (_, p) if p.starts_with("/api/v1/privacy/connectors") => Operator,
        ("POST", "/api/v1/privacy/data-requests" | "/api/v1/privacy/data-requests/verify") => Open,
        ("GET", "/api/v1/privacy/dpa" | "/api/v1/privacy/subprocessors") => Open,
        ("POST", "/api/v1/privacy/dpa/versions") => Operator,
        ("GET", "/api/v1/privacy/erasures") => Operator,
        ("POST", "/api/v1/privacy/erasures/{id}/confirmations") => Open,
        (
            "POST",
            "/api/v1/privacy/erasures/{id}/connectors/{connector}/resolve"
            | "/api/v1/privacy/erasures/{id}/connectors/{connector}/retry",
        ) => Operator,
        ("GET", "/api/v1/privacy/objections") => Operator,
        (
            "POST",
            "/api/v1/privacy/subprocessors" | "/api/v1/privacy/subprocessors/{slug}/confirmation",
        )
        | ("PUT" | "DELETE", "/api/v1/privacy/subprocessors/{slug}") => Operator,
        ("GET" | "POST", "/api/v1/staff") => Operator,
        ("GET", "/api/v1/support/reports/sla") => Staff,
        (_, p) if p.starts_with("/api/v1/support/") => Agent,
        ("GET" | "POST", "/api/v1/verifications/{token}") => Open,
        _ => return None,
    })
}

/// Every console page and who among staff may use it.
fn page_rule(path: &str) -> Option<Rule> {
    use Rule::*;
    Some(match path {
        "/portal/login" | "/portal/logout" | "/portal/forgot" => Open,
        "/portal/reset/{token}" | "/portal/invitation/{token}" | "/portal/email/{token}" => Open,
        p if p == "/portal" || p.starts_with("/portal/") => Customer,
        p if p == "/admin" || p.starts_with("/admin/") => Customer,
        p if p == "/operator" || p.starts_with("/operator/") => Operator,
        p if p.starts_with("/staff/") || p == "/desk" || p.starts_with("/desk/") => Staff,
        p if p == "/kb" || p.starts_with("/kb/") => Open,
        p if p == "/privacy" || p.starts_with("/privacy/") => Open,
        p if p.starts_with("/verify/") || p.starts_with("/org-deletion/") => Open,
        p if p.starts_with("/assets/") => Open,
        _ => return None,
    })
}

/// The org the matrix works on, as its admin sees it.
struct World {
    app: TestApp,
    alice: String,
    agent: String,
    binding: String,
    ticket: u64,
}

async fn world() -> World {
    let app = TestApp::spawn().await.unwrap();
    let alice = app
        .org_with_admin("acme", json!({"plan": "annual", "seats": 5}), "alice", PW)
        .await
        .unwrap();
    app.org_with_admin("beta", json!({"plan": "free"}), "zed", PW)
        .await
        .unwrap();
    app.add_user(&alice, "acme", "bob", PW).await.unwrap();
    let as_alice = |m: Method, p: &str, b: Option<Value>| {
        let (app, alice) = (&app, alice.clone());
        let p = p.to_string();
        async move {
            let (s, body) = app.call(m, &p, Some(&alice), b).await.unwrap();
            assert!(s < 300, "{p}: {s} {body}");
            body
        }
    };
    for g in ["eng", "ops"] {
        as_alice(
            Method::POST,
            "/api/v1/orgs/acme/groups",
            Some(json!({"name": g})),
        )
        .await;
    }
    as_alice(
        Method::PUT,
        "/api/v1/orgs/acme/groups/eng/members/users/bob",
        None,
    )
    .await;
    as_alice(
        Method::POST,
        "/api/v1/orgs/acme/resources",
        Some(json!({"name": "wiki", "kind": "sso_app"})),
    )
    .await;
    let binding = as_alice(
        Method::POST,
        "/api/v1/orgs/acme/bindings",
        Some(json!({"resource": "wiki", "group": "eng"})),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    as_alice(
        Method::POST,
        "/api/v1/orgs/acme/systems",
        Some(json!({"hostname": "web1.acme.test", "os_family": "linux", "os_version": "ubuntu 24.04"})),
    )
    .await;
    as_alice(
        Method::POST,
        "/api/v1/orgs/acme/ldap-accounts",
        Some(json!({"name": "jenkins", "password": "a long service secret"})),
    )
    .await;
    let ticket = as_alice(
        Method::POST,
        "/api/v1/orgs/acme/tickets",
        Some(json!({"subject": "Adding users", "category": "how_to",
                    "description": "How do I add a user to a group?"})),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    let (s, b) = app
        .op(
            Method::POST,
            "/api/v1/staff",
            Some(json!({"handle": "ann"})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    let agent = b["token"].as_str().unwrap().to_string();
    World {
        app,
        alice,
        agent,
        binding,
        ticket,
    }
}

const NIL: &str = "00000000-0000-4000-8000-000000000000";

/// `path` with real names of `org`'s records in place of its parameters.
fn concrete(w: &World, path: &str, org: &str) -> String {
    let name = if path.contains("/ldap-accounts/") {
        "jenkins"
    } else if path.contains("/resources/") {
        "wiki"
    } else if path.contains("/macros/") {
        "greeting"
    } else {
        "eng"
    };
    let id = if path.contains("/bindings/") {
        w.binding.clone()
    } else if path.contains("/tickets/") {
        w.ticket.to_string()
    } else {
        NIL.to_string()
    };
    path.replace("{org}", org)
        .replace("{username}", "bob")
        .replace("{name}", name)
        .replace("{child}", "ops")
        .replace("{hostname}", "web1.acme.test")
        .replace("{id}", &id)
        .replace("{attachment}", NIL)
        .replace(
            "{slug}",
            if path.contains("/kb/") {
                "hello-kb"
            } else {
                "acme"
            },
        )
        .replace("{connector}", "crm")
        .replace("{token}", "skv_not-a-real-token")
}

/// A body the route accepts (what an org admin, or the operator, would send): a refusal must
/// then come from the policy, not from a malformed request.
fn body(method: &str, path: &str) -> Option<Value> {
    if method == "DELETE" && path == "/api/v1/me/totp" {
        return Some(json!({"code": "123456"}));
    }
    if method == "GET" || method == "DELETE" {
        return None;
    }
    Some(match (method, path) {
        ("POST", "/api/v1/orgs") => json!({"slug": "gamma", "name": "Gamma", "plan": "free",
            "admin": {"username": "gina", "email": "gina@gamma.test"}}),
        ("PATCH", "/api/v1/orgs/{org}") => json!({"name": "Renamed"}),
        ("POST", "/api/v1/orgs/{org}/users") => json!({"username": "mallory",
            "email": "mallory@acme.test", "password": "a password staff would know"}),
        ("PATCH", "/api/v1/orgs/{org}/users/{username}") => {
            json!({"email": "mallory@evil.test", "status": "active"})
        }
        ("PUT", "/api/v1/orgs/{org}/users/{username}/password") => {
            json!({"current_password": PW, "new_password": "a password staff would know"})
        }
        ("POST", "/api/v1/orgs/{org}/groups") => json!({"name": "staff-made"}),
        ("PATCH", "/api/v1/orgs/{org}/groups/{name}") => json!({"description": "changed"}),
        ("POST", "/api/v1/orgs/{org}/systems") => {
            json!({"hostname": "evil.acme.test", "os_family": "linux", "os_version": "debian 12"})
        }
        ("PATCH", "/api/v1/orgs/{org}/systems/{hostname}") => json!({"os_version": "debian 13"}),
        ("POST", "/api/v1/orgs/{org}/resources") => json!({"name": "vpn", "kind": "network"}),
        ("PATCH", "/api/v1/orgs/{org}/resources/{name}") => json!({"description": "changed"}),
        ("POST", "/api/v1/orgs/{org}/bindings") => json!({"resource": "wiki", "user": "bob"}),
        ("POST", "/api/v1/orgs/{org}/ldap-accounts") => {
            json!({"name": "staff-reader", "password": "a long service secret"})
        }
        ("PUT", "/api/v1/orgs/{org}/ldap-accounts/{name}/password") => {
            json!({"password": "another long secret"})
        }
        ("POST", "/api/v1/orgs/{org}/tickets") => {
            json!({"subject": "x", "category": "how_to", "description": "y"})
        }
        ("PATCH", "/api/v1/orgs/{org}/tickets/{id}") => json!({"status": "resolved"}),
        ("POST", "/api/v1/orgs/{org}/tickets/{id}/messages") => json!({"body": "hello"}),
        ("PUT", "/api/v1/orgs/{org}/tickets/{id}/satisfaction") => json!({"rating": 5}),
        ("POST", "/api/v1/orgs/{org}/dpa") => {
            json!({"version": "1", "signer_name": "Al Ice", "signer_title": "CEO"})
        }
        ("POST", "/api/v1/orgs/{org}/privacy/subscriptions") => json!({"email": "s@acme.test"}),
        ("POST", "/api/v1/orgs/{org}/privacy/objections") => {
            json!({"subprocessor": "aws", "reason": "no"})
        }
        ("POST", "/api/v1/orgs/{org}/data-requests/{id}/extend") => {
            json!({"months": 1, "reason": "busy"})
        }
        ("POST", p) if p.starts_with("/api/v1/orgs/{org}/data-requests/") => json!({"note": "n"}),
        ("PUT", "/api/v1/orgs/{org}/specialist") => json!({"handle": "ann"}),
        ("PUT", "/api/v1/orgs/{org}/privacy/retention") => json!({"attachment_days": 1}),
        ("POST", "/api/v1/me/data-requests") => json!({"kind": "access", "details": ""}),
        ("POST", "/api/v1/me/tokens") => json!({"name": "staff script", "days": 1}),
        ("PUT", "/api/v1/me/totp") => json!({"code": "123456"}),
        ("POST", "/api/v1/staff") => json!({"handle": "eve"}),
        ("POST", "/api/v1/breaches") => json!({"nature": "a lost laptop",
            "categories": ["contact"], "approx_subjects": 1, "approx_records": 1,
            "consequences": "c", "measures": "m", "contact": "dpo@provider.test",
            "aware_at": "2026-12-01T00:00:00Z"}),
        ("POST", "/api/v1/privacy/connectors") => json!({"slug": "crm", "name": "CRM",
            "url": "https://127.0.0.1:9/hook", "secret": "a long shared secret for the hook"}),
        ("PATCH", "/api/v1/privacy/connectors/{slug}") => json!({"active": false}),
        ("POST", "/api/v1/privacy/erasures/{id}/connectors/{connector}/resolve") => {
            json!({"note": "n"})
        }
        ("POST", "/api/v1/privacy/dpa/versions") => json!({"version": "9", "text": "t"}),
        ("POST", "/api/v1/privacy/subprocessors")
        | ("PUT", "/api/v1/privacy/subprocessors/{slug}") => {
            json!({"slug": "acme", "name": "Acme Hosting", "purpose": "hosting",
                   "data_categories": ["contact"], "location": "EU", "dpa_date": "2026-01-01"})
        }
        ("POST", "/api/v1/kb/articles") | ("PUT", "/api/v1/kb/articles/{slug}") => {
            json!({"slug": "hello-kb", "title": "Hello", "body": "b", "category": "general"})
        }
        ("PUT", "/api/v1/support/macros/{name}") => json!({"title": "Hi", "body": "Hello"}),
        ("PATCH", "/api/v1/support/tickets/{id}") => json!({"severity": "s3"}),
        ("POST", "/api/v1/support/tickets/{id}/messages") => json!({"body": "hello"}),
        ("POST", "/api/v1/support/tickets/{id}/verifications") => {
            json!({"request": "delete_account", "username": "bob"})
        }
        _ => json!({}),
    })
}

/// What the org's admin sees of the org: whatever staff try, none of it may move.
async fn snapshot(w: &World) -> Vec<Value> {
    let mut out = Vec::new();
    for p in [
        "/api/v1/orgs/acme",
        "/api/v1/orgs/acme/users",
        "/api/v1/orgs/acme/admins",
        "/api/v1/orgs/acme/groups",
        "/api/v1/orgs/acme/groups/eng",
        "/api/v1/orgs/acme/resources",
        "/api/v1/orgs/acme/bindings",
        "/api/v1/orgs/acme/systems",
        "/api/v1/orgs/acme/ldap-accounts",
        "/api/v1/orgs/acme/users/bob/invitation",
    ] {
        let (s, b) = w
            .app
            .call(Method::GET, p, Some(&w.alice), None)
            .await
            .unwrap();
        out.push(json!({"path": p, "status": s, "body": b}));
    }
    out
}

async fn send(w: &World, method: &str, path: &str, org: &str, token: &str) -> (u16, Value) {
    let m = Method::from_bytes(method.as_bytes()).unwrap();
    let url = concrete(w, path, org);
    if path == "/api/v1/mail/inbound" {
        let resp = w
            .app
            .req(m, &url, Some(token))
            .header("content-type", "message/rfc822")
            .body(
                "From: x@example.com\r\nSubject: hi\r\nMessage-ID: <m1@example.com>\r\n\r\nhi\r\n",
            )
            .send()
            .await
            .unwrap();
        return TestApp::json(resp).await.unwrap();
    }
    w.app
        .call(m, &url, Some(token), body(method, path))
        .await
        .unwrap()
}

/// Every API operation × {operator, support agent}: staff are refused every door of an org's
/// contents (creating people, passwords, groups, access, roles, deletion, disclosure) and the
/// org is exactly as before; each staff door is open to the staff it names and shut to the
/// other.
#[tokio::test]
async fn every_api_route_keeps_provider_staff_to_the_policy() {
    let w = world().await;
    let doc = w
        .app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .unwrap()
        .1;
    let mut ops: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&m.as_str()) {
                ops.push((m.to_uppercase(), path.clone()));
            }
        }
    }
    let unclassified: Vec<String> = ops
        .iter()
        .filter(|(m, p)| rest_rule(m, p).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unclassified.is_empty(),
        "decide who among staff may use these routes (rest_rule): {unclassified:?}"
    );
    assert!(ops.len() >= 130, "only {} operations", ops.len());

    let before = snapshot(&w).await;
    let operator = w.app.operator_token.clone();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (method, path) in &ops {
        let rule = rest_rule(method, path).unwrap();
        let refuse = |who: &str| match rule {
            Rule::Customer | Rule::FirstAdminOnly => true,
            Rule::Operator => who == "agent",
            Rule::Agent => who == "operator",
            Rule::Staff | Rule::Open => false,
        };
        for (who, token) in [("operator", &operator), ("agent", &w.agent)] {
            if !refuse(who) {
                continue;
            }
            let (s, b) = send(&w, method, path, "acme", token).await;
            checked += 1;
            if s != 403 && s != 401 {
                failures.push(format!("{who} {method} {path}: {s} {b}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "staff got through:\n{}",
        failures.join("\n")
    );
    assert!(checked >= 150, "only {checked} refusals checked");
    assert_eq!(snapshot(&w).await, before, "staff changed the org");

    // The refusals name the rule and who can do it instead.
    for (path, words) in [
        ("/api/v1/orgs/acme/admins/bob", "at any time"),
        (
            "/api/v1/orgs/acme/groups/eng/members/users/alice",
            "at any time",
        ),
    ] {
        for token in [&operator, &w.agent] {
            let (s, b) = w
                .app
                .call(Method::PUT, path, Some(token), None)
                .await
                .unwrap();
            assert_eq!(s, 403);
            let detail = b["detail"].as_str().unwrap_or_default();
            assert!(
                detail.contains(words) && detail.contains("org admin"),
                "{detail}"
            );
        }
    }

    // Staff doors are open to the staff they name (on another org, "beta", so nothing above
    // could have been hiding behind them): never refused for who they are.
    for (method, path) in &ops {
        let rule = rest_rule(method, path).unwrap();
        for (who, token) in [("operator", &operator), ("agent", &w.agent)] {
            let allowed = match rule {
                Rule::Operator => who == "operator",
                Rule::Agent => who == "agent",
                Rule::Staff => true,
                _ => false,
            };
            if !allowed || (method == "DELETE" && path == "/api/v1/orgs/{org}/suspension") {
                continue;
            }
            let (s, b) = send(&w, method, path, "beta", token).await;
            assert!(
                s != 401 && s != 403,
                "{who} refused its own door {method} {path}: {s} {b}"
            );
        }
    }
}

/// The attack a provider's insider would try first, closed at every step: make a user with a
/// password they chose, make it an admin, log in as it — or take over the first admin's
/// invitation after the customer accepted it.
#[tokio::test]
async fn the_operator_cannot_make_itself_a_way_into_a_customers_personal_data() {
    let w = world().await;
    let op = w.app.operator_token.clone();
    let (s, _) = w
        .app
        .op(
            Method::POST,
            "/api/v1/orgs/acme/users",
            Some(
                json!({"username": "insider", "email": "insider@provider.test",
                        "password": "the operator knows this one"}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(s, 403, "no user with a password the operator chose");
    let (s, _) = w
        .app
        .op(Method::PUT, "/api/v1/orgs/acme/admins/bob", None)
        .await
        .unwrap();
    assert_eq!(s, 403, "no admin role from the provider");
    assert!(
        w.app
            .login("acme", "insider", "the operator knows this one")
            .await
            .is_err()
    );
    // The first admin accepted: the operator can no longer send her invitation anywhere.
    for m in [Method::POST, Method::DELETE] {
        let (s, b) = w
            .app
            .call(
                m,
                "/api/v1/orgs/acme/users/alice/invitation",
                Some(&op),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 403, "{b}");
    }
    // Nor read anyone's data, nor reset a password.
    for p in [
        "/api/v1/orgs/acme/users",
        "/api/v1/orgs/acme/users/bob",
        "/api/v1/orgs/acme/users/bob/data-export",
        "/api/v1/orgs/acme/audit",
    ] {
        let (s, _) = w.app.call(Method::GET, p, Some(&op), None).await.unwrap();
        assert_eq!(s, 403, "{p}");
    }
    // While she had not accepted, the operator could only resend it — to her own address.
    let (s, b) = w
        .app
        .op(
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"slug": "delta", "name": "Delta", "plan": "free",
                        "admin": {"username": "dee", "email": "dee@delta.test"}})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["first_admin"]["state"], "pending");
    assert!(
        !b.to_string().contains("/portal/invitation/"),
        "no link in the answer"
    );
    let first = w
        .app
        .mailed_link("dee@delta.test", "invitation")
        .await
        .unwrap();
    let (s, b) = w
        .app
        .op(
            Method::POST,
            "/api/v1/orgs/delta/users/dee/invitation",
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    assert!(
        !b.to_string().contains("/portal/invitation/"),
        "no link in the answer"
    );
    let second = w
        .app
        .wait_for_link("dee@delta.test", "invitation", Some(&first), || {
            w.app.outbox()
        })
        .await
        .unwrap();
    assert!(
        w.app.accept_link(&first, PW).await.is_err(),
        "the first link ended"
    );
    w.app.accept_link(&second, PW).await.unwrap();
    w.app.login("delta", "dee", PW).await.unwrap();
}

/// Every console page × {operator, support agent}: the admin console and the portal refuse
/// staff sessions, GET and POST alike (with a valid CSRF token: the refusal is the policy's),
/// and the org is unchanged; the operator console refuses agents.
#[tokio::test]
async fn every_console_page_keeps_provider_staff_to_the_policy() {
    let w = world().await;
    let pages = skydir_http::page_paths::<skydir_store::Store>();
    let unclassified: Vec<&str> = pages
        .iter()
        .copied()
        .filter(|p| page_rule(p).is_none())
        .collect();
    assert!(
        unclassified.is_empty(),
        "decide who among staff may use these pages (page_rule): {unclassified:?}"
    );
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(skydir_testkit::tls_trusting(&w.app.cert_path).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A staff session signed in the way a browser does, with the CSRF token of its own pages.
    let session = |token: String| {
        let app = &w.app;
        async move {
            let mut b = skydir_testkit::Browser::new(app).unwrap();
            let (s, _, _) = b.staff_sign_in(&token).await.unwrap();
            assert_eq!(s, 303, "staff sign-in");
            b.get("/staff/account").await.unwrap();
            let cookie = b
                .cookie(skydir_http::SESSION_COOKIE)
                .expect("a session cookie")
                .to_string();
            (cookie, b.csrf().unwrap())
        }
    };
    let sessions = [
        ("operator", session(w.app.operator_token.clone()).await),
        ("agent", session(w.agent.clone()).await),
    ];
    let before = snapshot(&w).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &pages {
        let rule = page_rule(path).unwrap();
        for (who, (cookie, csrf)) in &sessions {
            let refuse = match rule {
                Rule::Customer => true,
                Rule::Operator => *who == "agent",
                _ => false,
            };
            if !refuse {
                continue;
            }
            let url = format!(
                "{}{}",
                w.app.base,
                concrete(&w, path, "acme").replace("{slug}", "acme")
            );
            let cookies = format!("{}={cookie}", skydir_http::SESSION_COOKIE);
            let fields = [
                ("csrf", csrf.as_str()),
                ("username", "mallory"),
                ("email", "mallory@acme.test"),
                ("way", "password"),
                ("password", "a password staff would know"),
                ("member", "bob"),
                ("kind", "user"),
                ("name", "staff-made"),
                ("status", "suspended"),
                ("action", "resend"),
                ("plan", "annual"),
                ("seats", "99"),
            ];
            for post in [false, true] {
                let rb = if post {
                    client
                        .post(&url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form(&fields))
                } else {
                    client.get(&url)
                };
                let resp = rb.header("cookie", &cookies).send().await.unwrap();
                let status = resp.status().as_u16();
                let location = resp
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                checked += 1;
                let refused = match status {
                    300..=399 => [
                        "/portal/login",
                        "/staff/login",
                        "/desk",
                        "/operator/orgs",
                        "/portal/profile",
                    ]
                    .iter()
                    .any(|to| location == *to || location.starts_with(&format!("{to}?"))),
                    401 | 403 | 404 | 405 => true,
                    _ => false,
                };
                if !refused {
                    failures.push(format!(
                        "{who} {} {path}: {status} {location}",
                        if post { "POST" } else { "GET" }
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "staff got through:\n{}",
        failures.join("\n")
    );
    assert!(checked >= 40, "only {checked} page requests checked");
    assert_eq!(snapshot(&w).await, before, "staff changed the org");
}

/// `application/x-www-form-urlencoded` of `fields`.
fn form(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_string(),
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Staff have no LDAP identity: neither their tokens nor their handles bind, so the LDAP door
/// reads nothing for them.
#[tokio::test]
async fn staff_have_no_way_in_over_ldap() {
    use ldap3::{LdapConnAsync, LdapConnSettings};
    let w = world().await;
    let tls = skydir_testkit::tls_trusting(&w.app.cert_path).unwrap();
    let settings = LdapConnSettings::new().set_config(std::sync::Arc::new(tls));
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &w.app.ldaps_url)
        .await
        .unwrap();
    ldap3::drive!(conn);
    for dn in [
        "uid=operator,ou=users,o=acme,dc=skydir",
        "cn=operator,ou=services,o=acme,dc=skydir",
        "uid=ann,ou=users,o=acme,dc=skydir",
        "cn=operator,dc=skydir",
    ] {
        for pw in [w.app.operator_token.as_str(), w.agent.as_str()] {
            let r = ldap.simple_bind(dn, pw).await.unwrap();
            assert_eq!(r.rc, 49, "{dn} bound");
        }
    }
}

/// The provider suspends an org (an unpaid bill): every door of its people shuts — logins,
/// tokens, new LDAP binds and searches on connections bound before — whatever the password,
/// and nothing is lost; resumed, everything works as before.
#[tokio::test]
async fn a_suspended_org_opens_no_door_until_the_provider_resumes_it() {
    use ldap3::{LdapConnAsync, LdapConnSettings, Scope};
    let w = world().await;
    let tls = skydir_testkit::tls_trusting(&w.app.cert_path).unwrap();
    let settings = LdapConnSettings::new().set_config(std::sync::Arc::new(tls));
    let (conn, mut ldap) = LdapConnAsync::with_settings(settings.clone(), &w.app.ldaps_url)
        .await
        .unwrap();
    ldap3::drive!(conn);
    let dn = "uid=alice,ou=users,o=acme,dc=skydir";
    assert_eq!(ldap.simple_bind(dn, PW).await.unwrap().rc, 0);
    let search = |ldap: &mut ldap3::Ldap| {
        let mut ldap = ldap.clone();
        async move {
            ldap.search("o=acme,dc=skydir", Scope::Subtree, "(uid=bob)", vec!["uid"])
                .await
                .unwrap()
                .1
                .rc
        }
    };
    assert_eq!(search(&mut ldap).await, 0);

    let (s, b) = w
        .app
        .op(Method::PUT, "/api/v1/orgs/acme/suspension", None)
        .await
        .unwrap();
    assert_eq!(s, 200, "{b}");
    assert!(b["suspended_at"].is_string());
    for pw in [PW, "not her password"] {
        let (s, b) = w
            .app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"org": "acme", "username": "alice", "password": pw})),
            )
            .await
            .unwrap();
        assert_eq!(
            (s, b["type"].as_str().unwrap_or_default()),
            (403, "https://skydir.dev/problems/org-suspended"),
            "{b}"
        );
    }
    let (s, _) = w
        .app
        .call(Method::GET, "/api/v1/orgs/acme/users", Some(&w.alice), None)
        .await
        .unwrap();
    assert_eq!(s, 403, "the admin's token stops working");
    assert_eq!(
        search(&mut ldap).await,
        53,
        "a connection bound before reads no more"
    );
    let (conn2, mut fresh) = LdapConnAsync::with_settings(settings.clone(), &w.app.ldaps_url)
        .await
        .unwrap();
    ldap3::drive!(conn2);
    assert_eq!(fresh.simple_bind(dn, PW).await.unwrap().rc, 49);
    // Other orgs carry on.
    w.app.login("beta", "zed", PW).await.unwrap();

    let (s, b) = w
        .app
        .op(Method::DELETE, "/api/v1/orgs/acme/suspension", None)
        .await
        .unwrap();
    assert_eq!(s, 200, "{b}");
    assert!(b.get("suspended_at").is_none());
    let (s, b) = w
        .app
        .call(Method::GET, "/api/v1/orgs/acme/users", Some(&w.alice), None)
        .await
        .unwrap();
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["items"].as_array().unwrap().len(), 2, "nothing was lost");
    assert_eq!(search(&mut ldap).await, 0);
    assert_eq!(fresh.simple_bind(dn, PW).await.unwrap().rc, 0);
    // Only the provider suspends.
    let (s, _) = w
        .app
        .call(
            Method::PUT,
            "/api/v1/orgs/acme/suspension",
            Some(&w.alice),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, 403);
}
