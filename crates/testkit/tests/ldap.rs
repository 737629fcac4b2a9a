//! The LDAP service driven by real clients against a real server: OpenLDAP's `ldapsearch` and
//! `ldapwhoami` (Debian's ldap-utils, installed by `.ci/run`) and the `ldap3` client crate, on
//! SQLite and (when `SKYDIR_TEST_DATABASE_URL` is set) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry};
use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{Backend, TestApp, each_backend};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PW: &str = "correct horse battery staple";

async fn rest(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let (s, b) = app.call(method, path, Some(token), body).await.unwrap();
    assert!((200..300).contains(&s), "{path}: {s} {b}");
    b
}

const SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHh0ZXN0a2V5dGVzdGtleXRlc3RrZXl0ZXN0a2V5 test";

/// Org `slug` whose first admin `alice` sets her password (PW) with the invitation from the
/// outbox, then adds users `bob` and `carol` (password PW), groups `eng` ⊃ `backend` ∋ bob,
/// and `eng` ∋ carol. Returns alice's session token.
async fn populate(app: &TestApp, slug: &str) -> String {
    let email = format!("alice@{slug}.example.com");
    let (s, b) = app
        .op(
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"slug": slug, "name": "Acme", "plan": "free",
                        "admin": {"username": "alice", "email": email,
                                  "given_name": "Alice", "family_name": "Liddell"}})),
        )
        .await
        .unwrap();
    assert_eq!(s, 201, "{b}");
    let invitation = app.mailed_link(&email, "invitation").await.unwrap();
    app.accept_link(&invitation, PW).await.unwrap();
    let alice = app.login(slug, "alice", PW).await.unwrap();
    rest(
        app,
        &alice,
        Method::PATCH,
        &format!("/api/v1/orgs/{slug}/users/alice"),
        Some(json!({"ssh_keys": [SSH_KEY]})),
    )
    .await;
    for (u, given, family) in [("bob", "Bob", "Builder"), ("carol", "Carol", "Danvers")] {
        rest(
            app,
            &alice,
            Method::POST,
            &format!("/api/v1/orgs/{slug}/users"),
            Some(
                json!({"username": u, "email": format!("{u}@{slug}.example.com"), "password": PW,
                        "given_name": given, "family_name": family, "ssh_keys": [SSH_KEY]}),
            ),
        )
        .await;
    }
    for g in ["eng", "backend"] {
        rest(
            app,
            &alice,
            Method::POST,
            &format!("/api/v1/orgs/{slug}/groups"),
            Some(json!({"name": g})),
        )
        .await;
    }
    for path in [
        "groups/eng/members/groups/backend",
        "groups/backend/members/users/bob",
        "groups/eng/members/users/carol",
    ] {
        rest(
            app,
            &alice,
            Method::PUT,
            &format!("/api/v1/orgs/{slug}/{path}"),
            None,
        )
        .await;
    }
    alice
}

fn dn(slug: &str, user: &str) -> String {
    format!("uid={user},ou=users,o={slug},dc=skydir")
}

/// Runs an OpenLDAP client tool trusting the server's certificate; returns (exit code, output).
async fn tool(app: &TestApp, bin: &str, args: &[&str]) -> (i32, String) {
    app.ldap_tool(bin, args).await
}

async fn search_as(
    app: &TestApp,
    slug: &str,
    user: &str,
    base: &str,
    rest: &[&str],
) -> (i32, String) {
    let bind = dn(slug, user);
    let mut args = vec![
        "-LLL",
        "-x",
        "-o",
        "ldif_wrap=no",
        "-H",
        &app.ldaps_url,
        "-D",
        &bind,
        "-w",
        PW,
        "-b",
        base,
    ];
    args.extend_from_slice(rest);
    tool(app, "ldapsearch", &args).await
}

fn dns(ldif: &str) -> Vec<String> {
    ldif.lines()
        .filter_map(|l| l.strip_prefix("dn: "))
        .map(str::to_string)
        .collect()
}

/// An `ldap3` connection over LDAPS trusting the server's certificate (not bound yet).
async fn ldap3_client(app: &TestApp) -> ldap3::Ldap {
    let tls = skydir_testkit::tls_trusting(&app.cert_path).unwrap();
    let settings = LdapConnSettings::new().set_config(Arc::new(tls));
    let (conn, ldap) = LdapConnAsync::with_settings(settings, &app.ldaps_url)
        .await
        .unwrap();
    ldap3::drive!(conn);
    ldap
}

#[tokio::test]
async fn root_dse_is_readable_anonymously_and_nothing_else_is() {
    each_backend(|app| async move {
        populate(&app, "acme").await;
        // No bind at all: the root DSE and the subschema entry are readable.
        let mut ldap = ldap3_client(&app).await;
        let (entries, _) = ldap
            .search("", Scope::Base, "(objectClass=*)", vec!["+"])
            .await
            .unwrap()
            .success()
            .unwrap();
        let dse = SearchEntry::construct(entries.into_iter().next().unwrap());
        assert_eq!(dse.attrs["namingContexts"], ["dc=skydir"]);
        assert_eq!(dse.attrs["supportedLDAPVersion"], ["3"]);
        assert!(dse.attrs["supportedControl"].contains(&"1.2.840.113556.1.4.319".to_string()));
        assert!(dse.attrs["supportedExtension"].contains(&"1.3.6.1.4.1.4203.1.11.3".to_string()));
        let (entries, _) = ldap
            .search(
                "cn=Subschema",
                Scope::Base,
                "(objectClass=*)",
                vec!["attributeTypes", "objectClasses"],
            )
            .await
            .unwrap()
            .success()
            .unwrap();
        let schema = SearchEntry::construct(entries.into_iter().next().unwrap());
        assert!(
            schema.attrs["attributeTypes"]
                .iter()
                .any(|a| a.contains("NAME 'uidNumber'"))
        );
        assert!(
            schema.attrs["objectClasses"]
                .iter()
                .any(|a| a.contains("NAME 'posixAccount'"))
        );
        // But nothing else.
        let res = ldap
            .search("o=acme,dc=skydir", Scope::Subtree, "(uid=bob)", vec!["1.1"])
            .await
            .unwrap();
        assert_eq!(res.1.rc, 50, "{:?}", res.1);
        // `ldapsearch -x` without -D makes an explicit anonymous bind (empty DN and password),
        // which succeeds; the root DSE is then readable, over LDAPS, StartTLS or in clear.
        for (url, tls) in [
            (app.ldaps_url.as_str(), None),
            (app.ldap_url.as_str(), Some("-ZZ")),
            (app.ldap_url.as_str(), None),
        ] {
            let mut args = vec!["-LLL", "-x", "-o", "ldif_wrap=no", "-H", url];
            args.extend(tls);
            args.extend([
                "-b",
                "",
                "-s",
                "base",
                "(objectClass=*)",
                "namingContexts",
                "supportedExtension",
                "supportedControl",
            ]);
            let (code, out) = tool(&app, "ldapsearch", &args).await;
            assert_eq!(code, 0, "{url} {tls:?}: {out}");
            assert!(out.contains("namingContexts: dc=skydir\n"), "{out}");
            assert!(
                !out.contains("o=acme"),
                "no org is named to strangers: {out}"
            );
            assert!(
                out.contains("supportedControl: 1.2.840.113556.1.4.319"),
                "{out}"
            );
            assert!(
                out.contains("supportedExtension: 1.3.6.1.4.1.4203.1.11.3"),
                "{out}"
            );
        }
        // Nothing else is readable after that anonymous bind.
        for base in [
            "o=acme,dc=skydir",
            "uid=bob,ou=users,o=acme,dc=skydir",
            "dc=skydir",
        ] {
            let (code, out) = tool(
                &app,
                "ldapsearch",
                &[
                    "-LLL",
                    "-x",
                    "-H",
                    &app.ldaps_url,
                    "-b",
                    base,
                    "(objectClass=*)",
                ],
            )
            .await;
            assert_eq!(code, 50, "{base}: {out}");
            assert!(!out.contains("dn:"), "{out}");
        }
        let mut ldap = ldap3_client(&app).await;
        ldap.simple_bind("", "").await.unwrap().success().unwrap();
        let (entries, _) = ldap
            .search("", Scope::Base, "(objectClass=*)", vec!["namingContexts"])
            .await
            .unwrap()
            .success()
            .unwrap();
        assert_eq!(entries.len(), 1);
        let res = ldap
            .search("o=acme,dc=skydir", Scope::Subtree, "(uid=*)", vec!["1.1"])
            .await
            .unwrap();
        assert_eq!((res.1.rc, res.0.len()), (50, 0), "{:?}", res.1);
        // An unauthenticated bind (a DN with an empty password, RFC 4513 §5.1.2) is never a
        // success, and a password without a DN authenticates no one.
        let (code, out) = tool(
            &app,
            "ldapwhoami",
            &[
                "-x",
                "-H",
                &app.ldaps_url,
                "-D",
                &dn("acme", "bob"),
                "-w",
                "",
            ],
        )
        .await;
        assert_eq!(code, 53, "unwillingToPerform: {out}");
        let res = ldap.simple_bind(&dn("acme", "bob"), "").await.unwrap();
        assert_eq!(res.rc, 53, "{res:?}");
        let (code, out) = tool(&app, "ldapwhoami", &["-x", "-H", &app.ldaps_url, "-w", PW]).await;
        assert_eq!(code, 49, "invalidCredentials: {out}");
        // Bound, the root DSE names the org's own naming context.
        let (code, out) =
            search_as(&app, "acme", "bob", "", &["-s", "base", "namingContexts"]).await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("namingContexts: o=acme,dc=skydir"), "{out}");
        app
    })
    .await;
}

/// `ldapcompare` as applications use it for group checks: TRUE/FALSE under the attribute's
/// equality rule, and no more than a search would tell — another org's entry, or another user's
/// for a plain user, is noSuchObject like one that does not exist; anonymously, nothing.
#[tokio::test]
async fn ldapcompare_answers_membership_under_the_search_rules() {
    each_backend(|app| async move {
        let admin = populate(&app, "acme").await;
        populate(&app, "globex").await;
        let secret = "jenkins service secret 1";
        rest(
            &app,
            &admin,
            Method::POST,
            "/api/v1/orgs/acme/ldap-accounts",
            Some(json!({"name": "jenkins", "password": secret})),
        )
        .await;
        let svc = "cn=jenkins,ou=services,o=acme,dc=skydir".to_string();
        let compare = |bind: Option<(String, &'static str)>, entry: String, ava: String| {
            let app = &app;
            async move {
                let mut args = vec!["-x".to_string(), "-H".into(), app.ldaps_url.clone()];
                if let Some((d, pw)) = bind {
                    args.extend(["-D".to_string(), d, "-w".into(), pw.into()]);
                }
                args.extend([entry, ava]);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                tool(app, "ldapcompare", &args).await
            }
        };
        let group = |g: &str| format!("cn={g},ou=groups,o=acme,dc=skydir");
        let as_svc = || Some((svc.clone(), secret));
        let as_user = |u: &str| Some((dn("acme", u), PW));
        // eng ∋ carol and the group backend ∋ bob: `member` holds direct members, `memberUid`
        // everyone below; DN values compare as DNs, other values by their matching rule.
        for (bind, entry, ava, want) in [
            (
                as_svc(),
                group("eng"),
                format!("member:{}", dn("acme", "carol")),
                6,
            ),
            (
                as_svc(),
                group("eng"),
                "member:UID=Carol, OU=Users,O=ACME,DC=skydir".into(),
                6,
            ),
            (
                as_svc(),
                group("eng"),
                format!("member:{}", dn("acme", "bob")),
                5,
            ),
            (
                as_svc(),
                group("eng"),
                format!("member:{}", group("backend")),
                6,
            ),
            (as_svc(), group("eng"), "memberUid:BOB".into(), 6),
            (as_svc(), group("backend"), "memberUid:carol".into(), 5),
            (
                as_svc(),
                dn("acme", "bob"),
                format!("memberOf:{}", group("backend")),
                6,
            ),
            (
                as_svc(),
                dn("acme", "bob"),
                "mail:BOB@acme.example.com".into(),
                6,
            ),
            (as_svc(), dn("acme", "bob"), "cn:bob  builder".into(), 6),
            (
                as_svc(),
                dn("acme", "bob"),
                "homeDirectory:/HOME/bob".into(),
                5,
            ),
            (
                as_user("bob"),
                group("eng"),
                format!("member:{}", dn("acme", "carol")),
                6,
            ),
            (as_user("bob"), dn("acme", "bob"), "uid:bob".into(), 6),
            (as_user("alice"), dn("acme", "carol"), "uid:carol".into(), 6),
        ] {
            let (code, out) = compare(bind, entry.clone(), ava.clone()).await;
            assert_eq!(code, want, "{entry} {ava}: {out}");
            let word = if want == 6 { "TRUE" } else { "FALSE" };
            assert!(out.contains(word), "{entry} {ava}: {out}");
        }
        // What the identity cannot see is noSuchObject, exactly like what does not exist.
        for (bind, entry) in [
            (as_svc(), "cn=eng,ou=groups,o=globex,dc=skydir".to_string()),
            (as_svc(), "uid=bob,ou=users,o=globex,dc=skydir".into()),
            (as_svc(), group("nope")),
            (as_user("bob"), dn("acme", "carol")),
            (as_user("carol"), group("backend")),
        ] {
            let (code, out) = compare(bind, entry.clone(), "uid:carol".into()).await;
            assert_eq!(code, 32, "{entry}: {out}");
            assert!(out.contains("No such object"), "{out}");
        }
        // Attributes as slapd answers them.
        let (code, out) = compare(as_svc(), group("eng"), "mail:x@acme.example.com".into()).await;
        assert_eq!(code, 16, "noSuchAttribute: {out}");
        let (code, out) = compare(as_svc(), group("eng"), "x-colour:blue".into()).await;
        assert_eq!(code, 17, "undefinedAttributeType: {out}");
        let (code, out) = compare(as_svc(), group("eng"), "gidNumber:many".into()).await;
        assert_eq!(code, 21, "invalidAttributeSyntax: {out}");
        // Anonymously: the root DSE, nothing else.
        let (code, out) = compare(None, String::new(), "supportedLDAPVersion:3".into()).await;
        assert_eq!(code, 6, "{out}");
        let (code, out) = compare(
            None,
            group("eng"),
            format!("member:{}", dn("acme", "carol")),
        )
        .await;
        assert_eq!(code, 50, "insufficientAccessRights: {out}");
        // Compares are read access: audited without the entry or the value.
        let t0 = std::time::Instant::now();
        loop {
            let events = rest(
                &app,
                &admin,
                Method::GET,
                "/api/v1/orgs/acme/audit?limit=1000",
                None,
            )
            .await;
            let compares: Vec<&Value> = events
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == "ldap.compare")
                .collect();
            if compares.iter().any(|e| e["detail"]["result"] == 32) {
                let text = serde_json::to_string(&compares).unwrap();
                for secret in ["carol", "member", "cn=eng"] {
                    assert!(!text.contains(secret), "audit log leaks {secret}: {text}");
                }
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "no ldap.compare event: {events}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        app
    })
    .await;
}

#[tokio::test]
async fn users_bind_over_ldaps_and_starttls_and_whoami_names_them() {
    each_backend(|app| async move {
        let alice = populate(&app, "acme").await;
        let bob = dn("acme", "bob");
        let (code, out) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &app.ldaps_url, "-D", &bob, "-w", PW],
        )
        .await;
        assert_eq!((code, out.trim()), (0, format!("dn:{bob}").as_str()));
        // StartTLS on the plain port (-ZZ: fail unless TLS is established).
        let (code, out) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-ZZ", "-H", &app.ldap_url, "-D", &bob, "-w", PW],
        )
        .await;
        assert_eq!((code, out.trim()), (0, format!("dn:{bob}").as_str()));
        // Without StartTLS the plain port refuses to take a password.
        let (code, out) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &app.ldap_url, "-D", &bob, "-w", PW],
        )
        .await;
        assert_eq!(code, 13, "confidentialityRequired: {out}");
        // Wrong password, unknown user, anonymous and unauthenticated binds all fail.
        let (code, out) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &app.ldaps_url, "-D", &bob, "-w", "nope"],
        )
        .await;
        assert_eq!(code, 49, "{out}");
        let ghost = dn("acme", "ghost");
        let (code, _) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &app.ldaps_url, "-D", &ghost, "-w", PW],
        )
        .await;
        assert_eq!(code, 49);
        let other_org = dn("other", "bob");
        let (code, _) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &app.ldaps_url, "-D", &other_org, "-w", PW],
        )
        .await;
        assert_eq!(code, 49);
        let (code, out) = tool(
            &app,
            "ldapsearch",
            &[
                "-x",
                "-H",
                &app.ldaps_url,
                "-b",
                "o=acme,dc=skydir",
                "(uid=bob)",
            ],
        )
        .await;
        assert_eq!(
            code, 50,
            "anonymous: the bind works, the search is refused: {out}"
        );
        assert!(!out.contains("dn:"), "{out}");
        // A suspended user cannot bind.
        rest(
            &app,
            &alice,
            Method::PATCH,
            "/api/v1/orgs/acme/users/carol",
            Some(json!({"status": "suspended"})),
        )
        .await;
        let carol = dn("acme", "carol");
        let (code, out) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &app.ldaps_url, "-D", &carol, "-w", PW],
        )
        .await;
        assert_eq!(code, 49, "{out}");
        // Binds are in the org's audit log, failures included (successes are written in a
        // batch shortly after the bind; failures before the bind is answered).
        let t0 = std::time::Instant::now();
        loop {
            let (_, events) = app
                .call(
                    Method::GET,
                    "/api/v1/orgs/acme/audit?limit=1000",
                    Some(&alice),
                    None,
                )
                .await
                .unwrap();
            let logins: Vec<&Value> = events
                .as_array()
                .map(|a| a.iter().filter(|e| e["action"] == "user.login").collect())
                .unwrap_or_default();
            assert!(logins.iter().any(|e| e["outcome"] == "denied"), "{events}");
            if logins.iter().any(|e| e["outcome"] == "success") {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "no successful bind audited: {events}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        app
    })
    .await;
}

#[tokio::test]
async fn admins_search_the_whole_org_with_filters_scopes_memberof_and_paging() {
    each_backend(|app| async move {
        populate(&app, "acme").await;
        let base = "o=acme,dc=skydir";
        let (code, out) = search_as(&app, "acme", "alice", base, &["(uid=bob)", "+", "*"]).await;
        assert_eq!(code, 0, "{out}");
        assert_eq!(dns(&out), [dn("acme", "bob")]);
        for want in [
            "objectClass: inetOrgPerson",
            "objectClass: posixAccount",
            "cn: Bob Builder",
            "sn: Builder",
            "mail: bob@acme.example.com",
            "uidNumber: 1",
            "homeDirectory: /home/bob",
            "sshPublicKey: ssh-ed25519 ",
            // Nested: bob is in backend, backend is in eng.
            "memberOf: cn=backend,ou=groups,o=acme,dc=skydir",
            "memberOf: cn=eng,ou=groups,o=acme,dc=skydir",
            "entryUUID: ",
        ] {
            assert!(out.contains(want), "missing {want:?} in {out}");
        }
        assert!(!out.to_lowercase().contains("userpassword"), "{out}");
        // Groups: direct members as DNs, nested users resolved for memberUid.
        let (_, out) = search_as(
            &app,
            "acme",
            "alice",
            "ou=groups,o=acme,dc=skydir",
            &["-s", "one", "(cn=eng)"],
        )
        .await;
        assert!(
            out.contains("member: cn=backend,ou=groups,o=acme,dc=skydir"),
            "{out}"
        );
        assert!(
            out.contains(&format!("member: {}", dn("acme", "carol"))),
            "{out}"
        );
        assert!(
            out.contains("memberUid: bob") && out.contains("memberUid: carol"),
            "{out}"
        );
        // The filter language.
        let count = |out: &str| dns(out).len();
        for (filter, n) in [
            ("(objectClass=posixAccount)", 3),
            ("(&(objectClass=inetOrgPerson)(|(uid=bob)(uid=carol)))", 2),
            // Entries without uid are Undefined, and NOT keeps them Undefined: alice, carol.
            ("(!(uid=bob))", 2),
            ("(cn=*o*)", 2), // Bob Builder, Carol Danvers (not Alice Liddell)
            ("(uidNumber>=10001)", 2),
            ("(uidNumber<=10000)", 1),
            ("(sn~=BUILDER)", 1),
            ("(mail=*)", 3),
            ("(memberOf=cn=eng,ou=groups,o=acme,dc=skydir)", 2),
            ("(uidNumber=notanumber)", 0),
        ] {
            let (code, out) = search_as(&app, "acme", "alice", base, &[filter, "1.1"]).await;
            assert_eq!((code, count(&out)), (0, n), "{filter}: {out}");
        }
        // Scopes.
        let (_, out) = search_as(&app, "acme", "alice", base, &["-s", "base", "1.1"]).await;
        assert_eq!(dns(&out), ["o=acme,dc=skydir"]);
        let (_, out) = search_as(&app, "acme", "alice", base, &["-s", "one", "1.1"]).await;
        assert_eq!(
            dns(&out),
            ["ou=users,o=acme,dc=skydir", "ou=groups,o=acme,dc=skydir"]
        );
        let (_, out) = search_as(
            &app,
            "acme",
            "alice",
            "dc=skydir",
            &["-s", "sub", "(objectClass=organization)", "1.1"],
        )
        .await;
        assert_eq!(dns(&out), ["dc=skydir", "o=acme,dc=skydir"]);
        // Entries as bases: a user, a group, the groups container.
        let (_, out) = search_as(
            &app,
            "acme",
            "alice",
            &dn("acme", "bob"),
            &["-s", "sub", "1.1"],
        )
        .await;
        assert_eq!(dns(&out), [dn("acme", "bob")]);
        let eng = "cn=eng,ou=groups,o=acme,dc=skydir";
        let (_, out) = search_as(&app, "acme", "alice", eng, &["-s", "base", "1.1"]).await;
        assert_eq!(dns(&out), [eng]);
        let (_, out) = search_as(&app, "acme", "alice", eng, &["-s", "one", "1.1"]).await;
        assert!(dns(&out).is_empty(), "{out}");
        let (_, out) = search_as(
            &app,
            "acme",
            "alice",
            "ou=groups,o=acme,dc=skydir",
            &["(objectClass=*)", "1.1"],
        )
        .await;
        assert_eq!(dns(&out).len(), 3, "the container and two groups: {out}");
        // Size limit, then paging through everything two at a time.
        let (code, out) = search_as(
            &app,
            "acme",
            "alice",
            base,
            &["-z", "2", "(objectClass=*)", "1.1"],
        )
        .await;
        assert_eq!((code, count(&out)), (4, 2), "sizeLimitExceeded: {out}");
        let (code, out) = search_as(
            &app,
            "acme",
            "alice",
            base,
            &["-E", "pr=2/noprompt", "(objectClass=*)", "1.1"],
        )
        .await;
        assert_eq!((code, count(&out)), (0, 8), "{out}");
        // A DN that does not parse.
        let (code, _) = search_as(&app, "acme", "alice", "not a dn", &["1.1"]).await;
        assert_eq!(code, 34);
        app
    })
    .await;
}

#[tokio::test]
async fn a_bind_in_one_org_never_sees_another_and_users_see_only_themselves() {
    each_backend(|app| async move {
        populate(&app, "acme").await;
        populate(&app, "globex").await;
        // An admin of acme: globex's names do not exist.
        for base in [
            "o=globex,dc=skydir",
            "uid=bob,ou=users,o=globex,dc=skydir",
            "ou=nope,o=acme,dc=skydir",
        ] {
            let (code, out) = search_as(&app, "acme", "alice", base, &["1.1"]).await;
            assert_eq!(code, 32, "noSuchObject for {base}: {out}");
        }
        let (code, out) = search_as(
            &app,
            "acme",
            "alice",
            "dc=skydir",
            &["(objectClass=*)", "1.1"],
        )
        .await;
        assert_eq!(code, 0);
        assert!(dns(&out).iter().all(|d| !d.contains("globex")), "{out}");
        assert_eq!(dns(&out).len(), 9, "{out}");
        // A plain user sees the containers, their own entry and their groups — nothing else.
        let (code, out) = search_as(
            &app,
            "acme",
            "bob",
            "o=acme,dc=skydir",
            &["(objectClass=*)", "1.1"],
        )
        .await;
        assert_eq!(code, 0);
        let mut seen = dns(&out);
        seen.sort();
        let mut want = vec![
            "o=acme,dc=skydir".to_string(),
            "ou=users,o=acme,dc=skydir".into(),
            "ou=groups,o=acme,dc=skydir".into(),
            dn("acme", "bob"),
            "cn=backend,ou=groups,o=acme,dc=skydir".into(),
            "cn=eng,ou=groups,o=acme,dc=skydir".into(),
        ];
        want.sort();
        assert_eq!(seen, want);
        let (code, _) = search_as(&app, "acme", "bob", &dn("acme", "carol"), &["1.1"]).await;
        assert_eq!(code, 32);
        app
    })
    .await;
}

#[tokio::test]
async fn changes_made_over_rest_are_seen_by_the_next_ldap_search() {
    each_backend(|app| async move {
        let alice = populate(&app, "acme").await;
        rest(
            &app,
            &alice,
            Method::POST,
            "/api/v1/orgs/acme/users",
            Some(json!({"username": "dave", "email": "dave@acme.example.com", "password": PW})),
        )
        .await;
        rest(
            &app,
            &alice,
            Method::PUT,
            "/api/v1/orgs/acme/groups/eng/members/users/dave",
            None,
        )
        .await;
        // Read-your-writes: the very next search sees both changes.
        let (_, out) = search_as(
            &app,
            "acme",
            "alice",
            "o=acme,dc=skydir",
            &["(uid=dave)", "memberOf"],
        )
        .await;
        assert!(
            out.contains("memberOf: cn=eng,ou=groups,o=acme,dc=skydir"),
            "{out}"
        );
        // A new admin's next bind sees the whole org.
        rest(
            &app,
            &alice,
            Method::PUT,
            "/api/v1/orgs/acme/admins/dave",
            None,
        )
        .await;
        let (_, out) = search_as(
            &app,
            "acme",
            "dave",
            "o=acme,dc=skydir",
            &["(uid=bob)", "1.1"],
        )
        .await;
        assert_eq!(dns(&out), [dn("acme", "bob")]);
        // Deleting a user removes the entry and its group membership.
        rest(
            &app,
            &alice,
            Method::DELETE,
            "/api/v1/orgs/acme/users/dave",
            None,
        )
        .await;
        let (_, out) = search_as(
            &app,
            "acme",
            "alice",
            "o=acme,dc=skydir",
            &["(|(uid=dave)(memberUid=dave))", "1.1"],
        )
        .await;
        assert!(dns(&out).is_empty(), "{out}");
        // A restarted server builds its model from the store.
        let mut app = app;
        app.restart().await.unwrap();
        let (code, out) = search_as(
            &app,
            "acme",
            "alice",
            "o=acme,dc=skydir",
            &["(uid=bob)", "memberOf"],
        )
        .await;
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains("memberOf: cn=eng,ou=groups,o=acme,dc=skydir"),
            "{out}"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_hostile_pdu_closes_only_its_own_connection() {
    let app = TestApp::spawn_on(Backend::Sqlite).await.unwrap();
    populate(&app, "acme").await;
    let addr = app.ldap_url.trim_start_matches("ldap://").to_string();
    for garbage in [
        &b"\x30\x84\xff\xff\xff\xff\x02\x01\x01"[..], // claims a 4 GiB message
        &b"\x30\x05\x02\x01\x01\x42\x00\x00\x00\x00"[..], // trailing junk after a PDU
        &b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        &[0x30, 0x03, 0x02, 0x01][..], // truncated, then EOF
    ] {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(garbage).await.unwrap();
        let _ = s.shutdown().await;
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
        assert!(
            read.is_ok(),
            "the server must close a hostile connection promptly"
        );
    }
    // GHSA-qcxq-75wr-5cm8: a filter nested 100,000 deep gets a notice of disconnection
    // (protocolError) instead of exhausting a worker's stack.
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    s.write_all(&skydir_ldap::fuzzing::deeply_nested_search(100_000))
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .expect("closed promptly")
        .unwrap();
    let notice = b"1.3.6.1.4.1.1466.20036";
    assert!(
        buf.windows(notice.len()).any(|w| w == notice),
        "notice of disconnection expected, got {buf:?}"
    );
    // Everyone else is served as before.
    let (code, out) = search_as(
        &app,
        "acme",
        "alice",
        "o=acme,dc=skydir",
        &["(uid=bob)", "1.1"],
    )
    .await;
    assert_eq!((code, dns(&out).len()), (0, 1), "{out}");
    app.stop().await.unwrap();
}

#[tokio::test]
async fn the_ldap3_client_crate_binds_searches_and_asks_whoami_over_ldaps() {
    each_backend(|app| async move {
        populate(&app, "acme").await;
        let mut ldap = ldap3_client(&app).await;
        ldap.simple_bind(&dn("acme", "alice"), PW)
            .await
            .unwrap()
            .success()
            .unwrap();
        let (entries, _) = ldap
            .search(
                "ou=users,o=acme,dc=skydir",
                Scope::OneLevel,
                "(objectClass=posixAccount)",
                vec!["uid", "uidNumber"],
            )
            .await
            .unwrap()
            .success()
            .unwrap();
        let mut uids: Vec<String> = entries
            .into_iter()
            .map(|e| SearchEntry::construct(e).attrs["uid"][0].clone())
            .collect();
        uids.sort();
        assert_eq!(uids, ["alice", "bob", "carol"]);
        let (exop, _) = ldap
            .extended(ldap3::exop::WhoAmI)
            .await
            .unwrap()
            .success()
            .unwrap();
        let who: ldap3::exop::WhoAmIResp = exop.parse();
        assert_eq!(who.authzid, format!("dn:{}", dn("acme", "alice")));
        ldap.unbind().await.unwrap();
        app
    })
    .await;
}

#[tokio::test]
async fn users_change_their_own_password_with_ldappasswd_under_the_org_policy() {
    each_backend(|app| async move {
        populate(&app, "acme").await;
        let bob = dn("acme", "bob");
        let new_pw = "a brand new long passphrase";
        let h = app.ldaps_url.clone();
        // Bob is signed in over REST and has a script's API token: a new password ends both.
        let session = app.login("acme", "bob", PW).await.unwrap();
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/me/tokens",
                Some(&session),
                Some(json!({"name": "script"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 201, "{b}");
        let script = b["token"].as_str().unwrap().to_string();
        let (code, out) = tool(
            &app,
            "ldappasswd",
            &["-x", "-H", &h, "-D", &bob, "-w", PW, "-a", PW, "-s", new_pw],
        )
        .await;
        assert_eq!(code, 0, "{out}");
        for t in [&session, &script] {
            let (s, _) = app
                .call(Method::GET, "/api/v1/me/tokens", Some(t), None)
                .await
                .unwrap();
            assert_eq!(s, 401, "the old password's session and the API token ended");
        }
        let (code, _) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &h, "-D", &bob, "-w", new_pw],
        )
        .await;
        assert_eq!(code, 0);
        let (code, _) = tool(&app, "ldapwhoami", &["-x", "-H", &h, "-D", &bob, "-w", PW]).await;
        assert_eq!(code, 49, "the old password no longer works");
        // The REST login uses the same credential.
        app.login("acme", "bob", new_pw).await.unwrap();
        // The org's password policy applies.
        let (code, out) = tool(
            &app,
            "ldappasswd",
            &[
                "-x", "-H", &h, "-D", &bob, "-w", new_pw, "-a", new_pw, "-s", "short",
            ],
        )
        .await;
        assert!(
            code != 0 && out.contains("Constraint violation (19)"),
            "{out}"
        );
        assert!(out.contains("at least 12 characters"), "{out}");
        // A wrong current password is refused.
        let (code, out) = tool(
            &app,
            "ldappasswd",
            &[
                "-x",
                "-H",
                &h,
                "-D",
                &bob,
                "-w",
                new_pw,
                "-a",
                "wrong",
                "-s",
                "another long passphrase",
            ],
        )
        .await;
        assert!(
            code != 0 && out.contains("Invalid credentials (49)"),
            "{out}"
        );
        // Nobody changes another person's password — not even an org admin.
        let alice = dn("acme", "alice");
        let (code, out) = tool(
            &app,
            "ldappasswd",
            &[
                "-x",
                "-H",
                &h,
                "-D",
                &alice,
                "-w",
                PW,
                "-a",
                PW,
                "-s",
                "another long passphrase",
                &bob,
            ],
        )
        .await;
        assert!(
            code != 0 && out.contains("Insufficient access (50)"),
            "{out}"
        );
        assert!(out.contains("only your own password"), "{out}");
        let (code, _) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &h, "-D", &bob, "-w", new_pw],
        )
        .await;
        assert_eq!(code, 0, "bob's password is unchanged");
        // Without the current password the request is refused, not guessed.
        let (code, out) = tool(
            &app,
            "ldappasswd",
            &[
                "-x",
                "-H",
                &h,
                "-D",
                &bob,
                "-w",
                new_pw,
                "-s",
                "another long passphrase",
            ],
        )
        .await;
        assert!(
            code != 0 && out.contains("Server is unwilling to perform (53)"),
            "{out}"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn searches_are_in_the_audit_log_without_filters_or_names() {
    each_backend(|app| async move {
        let alice = populate(&app, "acme").await;
        let (code, out) = search_as(
            &app,
            "acme",
            "alice",
            "o=acme,dc=skydir",
            &["(mail=bob@acme.example.com)", "cn"],
        )
        .await;
        assert_eq!((code, dns(&out).len()), (0, 1), "{out}");
        // Written in the background, shortly after.
        // The org's admins read the log; the provider's operator does not.
        let (s, _) = app
            .op(Method::GET, "/api/v1/orgs/acme/audit?limit=1000", None)
            .await
            .unwrap();
        assert_eq!(s, 403, "the operator reads no org's audit log");
        let t0 = std::time::Instant::now();
        let events = loop {
            let (_, events) = app
                .call(
                    Method::GET,
                    "/api/v1/orgs/acme/audit?limit=1000",
                    Some(&alice),
                    None,
                )
                .await
                .unwrap();
            let found = events
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "ldap.search" && e["detail"]["entries"] == 1);
            if found {
                break events;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "no ldap.search event: {events}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let search = events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "ldap.search" && e["detail"]["entries"] == 1)
            .unwrap();
        assert!(
            search["actor"].as_str().unwrap().starts_with("admin:"),
            "{search}"
        );
        assert_eq!(search["detail"]["scope"], "sub");
        let text = events.to_string();
        for secret in ["bob@", "Builder", "Bob ", "mail="] {
            assert!(!text.contains(secret), "audit log leaks {secret}: {text}");
        }
        app
    })
    .await;
}

/// An application's LDAP service account: created by an org admin over REST, it binds as
/// `cn=<name>,ou=services,o=<org>,dc=skydir`, reads the whole org (and only that org), cannot
/// change its own password over LDAP, and loses access when its password is rotated or it is
/// deleted. The operator cannot create one: it would read personal data.
#[tokio::test]
async fn service_accounts_made_over_rest_bind_and_read_their_org_until_rotated_or_deleted() {
    each_backend(|app| async move {
        let admin = populate(&app, "acme").await;
        populate(&app, "globex").await;
        let base = "/api/v1/orgs/acme/ldap-accounts";
        let secret = "jenkins service secret 1";
        let body = json!({"name": "jenkins", "password": secret, "description": "CI"});
        let (s, b) = app
            .op(Method::POST, base, Some(body.clone()))
            .await
            .unwrap();
        assert_eq!(s, 403, "the operator cannot create service accounts: {b}");
        assert!(
            b["detail"].as_str().unwrap_or("").contains("org admin"),
            "{b}"
        );
        let (s, b) = app
            .call(
                Method::POST,
                base,
                Some(&admin),
                Some(json!({"name": "jenkins", "password": "short"})),
            )
            .await
            .unwrap();
        assert_eq!(s, 400, "{b}");
        assert_eq!(b["field"], "password", "{b}");
        let (s, b) = app
            .call(
                Method::POST,
                base,
                Some(&admin),
                Some(json!({"name": "Bad Name", "password": secret})),
            )
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (400, Some("name")), "{b}");
        let (s, made) = app
            .call(Method::POST, base, Some(&admin), Some(body.clone()))
            .await
            .unwrap();
        assert_eq!(s, 201, "{made}");
        let svc_dn = "cn=jenkins,ou=services,o=acme,dc=skydir";
        assert_eq!(made["dn"], svc_dn);
        assert!(made.get("password").is_none() && !made.to_string().contains(secret));
        let (s, b) = app
            .call(Method::POST, base, Some(&admin), Some(body))
            .await
            .unwrap();
        assert_eq!((s, b["field"].as_str()), (409, Some("name")), "{b}");
        let (s, listed) = app
            .call(Method::GET, base, Some(&admin), None)
            .await
            .unwrap();
        assert_eq!(s, 200);
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
        assert!(
            !listed.to_string().contains("argon2"),
            "no hash in listings: {listed}"
        );

        // ldapwhoami and ldapsearch with the service account, as an application would.
        let (code, out) = tool(
            &app,
            "ldapwhoami",
            &["-x", "-H", &app.ldaps_url, "-D", svc_dn, "-w", secret],
        )
        .await;
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(&format!("dn:{svc_dn}")), "{out}");
        let search = |pw: &'static str, base: &'static str| {
            let app = &app;
            async move {
                tool(
                    app,
                    "ldapsearch",
                    &[
                        "-LLL",
                        "-x",
                        "-o",
                        "ldif_wrap=no",
                        "-H",
                        &app.ldaps_url,
                        "-D",
                        svc_dn,
                        "-w",
                        pw,
                        "-b",
                        base,
                        "(objectClass=inetOrgPerson)",
                        "uid",
                        "mail",
                        "memberOf",
                    ],
                )
                .await
            }
        };
        let (code, out) = search(secret, "o=acme,dc=skydir").await;
        assert_eq!(code, 0, "{out}");
        let mut users = dns(&out);
        users.sort();
        assert_eq!(
            users,
            [dn("acme", "alice"), dn("acme", "bob"), dn("acme", "carol")],
            "{out}"
        );
        assert!(out.contains("mail: carol@acme.example.com"), "{out}");
        assert!(
            out.contains("memberOf: cn=backend,ou=groups,o=acme,dc=skydir"),
            "{out}"
        );
        let (code, out) = search(secret, "o=globex,dc=skydir").await;
        assert_eq!(code, 32, "another org does not exist for it: {out}");
        // A wrong password, or the right one on another org's DN, is invalidCredentials (49).
        let (code, _) = search("wrong password here", "o=acme,dc=skydir").await;
        assert_eq!(code, 49);
        let (code, _) = tool(
            &app,
            "ldapwhoami",
            &[
                "-x",
                "-H",
                &app.ldaps_url,
                "-D",
                "cn=jenkins,ou=services,o=globex,dc=skydir",
                "-w",
                secret,
            ],
        )
        .await;
        assert_eq!(code, 49);
        // Password Modify is refused: an org admin rotates service passwords over REST.
        let (code, out) = tool(
            &app,
            "ldappasswd",
            &[
                "-x",
                "-H",
                &app.ldaps_url,
                "-D",
                svc_dn,
                "-w",
                secret,
                "-s",
                "another secret 12345",
            ],
        )
        .await;
        assert_ne!(code, 0, "{out}");
        assert!(
            out.contains("Insufficient access (50)") && out.contains("org admin"),
            "{out}"
        );

        // A connection bound before a rotation loses access; the new password works.
        let settings = LdapConnSettings::new().set_config(Arc::new(
            skydir_testkit::tls_trusting(&app.cert_path).unwrap(),
        ));
        let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &app.ldaps_url)
            .await
            .unwrap();
        ldap3::drive!(conn);
        ldap.simple_bind(svc_dn, secret)
            .await
            .unwrap()
            .success()
            .unwrap();
        let (rs, _) = ldap
            .search("o=acme,dc=skydir", Scope::Subtree, "(uid=bob)", vec!["uid"])
            .await
            .unwrap()
            .success()
            .unwrap();
        assert_eq!(rs.len(), 1);
        let rotated = "jenkins service secret 2";
        let (s, b) = app
            .call(
                Method::PUT,
                &format!("{base}/jenkins/password"),
                Some(&admin),
                Some(json!({"password": rotated})),
            )
            .await
            .unwrap();
        assert_eq!(s, 200, "{b}");
        let r = ldap
            .search("o=acme,dc=skydir", Scope::Subtree, "(uid=bob)", vec!["uid"])
            .await
            .unwrap();
        assert_eq!(r.1.rc, 50, "the old binding is cut off: {:?}", r.1);
        let (code, _) = search(secret, "o=acme,dc=skydir").await;
        assert_eq!(code, 49, "the old password no longer binds");
        let (code, out) = search(rotated, "o=acme,dc=skydir").await;
        assert_eq!(code, 0, "{out}");

        // Binds, good (batched, written shortly after) and bad, are in the org's audit log
        // under the account's pseudonymous id.
        let actor = format!("service:{}", made["id"].as_str().unwrap());
        let t0 = std::time::Instant::now();
        let events = loop {
            let (_, events) = app
                .call(
                    Method::GET,
                    "/api/v1/orgs/acme/audit?limit=1000",
                    Some(&admin),
                    None,
                )
                .await
                .unwrap();
            let binds: Vec<&Value> = events
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == "ldap_account.bind" && e["actor"] == actor.as_str())
                .collect();
            let outcomes = |o: &str| binds.iter().any(|e| e["outcome"] == o);
            if outcomes("success") && outcomes("denied") {
                break events;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(5),
                "bind events missing: {events}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(
            !events.to_string().contains("jenkins service secret"),
            "no secret in the log"
        );

        // Deleted: binds fail at once.
        let (s, _) = app
            .call(
                Method::DELETE,
                &format!("{base}/jenkins"),
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        assert_eq!(s, 204);
        let (code, _) = search(rotated, "o=acme,dc=skydir").await;
        assert_eq!(code, 49);
        let r = ldap
            .search("o=acme,dc=skydir", Scope::Subtree, "(uid=bob)", vec!["uid"])
            .await
            .unwrap();
        assert_eq!(r.1.rc, 50, "{:?}", r.1);
        let (s, _) = app
            .call(Method::GET, &format!("{base}/jenkins"), Some(&admin), None)
            .await
            .unwrap();
        assert_eq!(s, 404);
        let _ = ldap.unbind().await;
        app
    })
    .await;
}
