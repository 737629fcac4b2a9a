//! Unit tests of the use cases over the in-memory store, a fixed clock and seeded randomness.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod breach;
mod desk;
mod email_change;
mod first_admin;
mod memory;
mod memory_desk;
mod memory_privacy;
mod oracle;
mod privacy;
mod retention;
mod sessions;
mod staff_totp;
mod verify;

use super::*;
use crate::audit::{ChainKey, Outcome};
use crate::auth::Argon2Params;
use crate::directory::{Email, Name, Plan, PlanKind, UserStatus, Username};
use crate::ports::{Clock, InlinePasswordWork, Rng};
use crate::secret::Secret;
use memory::MemoryStore;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

struct FixedClock(Mutex<Timestamp>);
impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

struct CounterRng(AtomicU64);
impl Rng for CounterRng {
    fn fill(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let n = self
                .0
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .to_le_bytes();
            chunk.copy_from_slice(&n[..chunk.len()]);
        }
    }
}

fn fast() -> Argon2Params {
    Argon2Params {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    }
}

/// A directory over a fresh store with a clock the test moves.
fn clocked(now: &str, seed: u64) -> (Directory<MemoryStore>, MemoryStore, Arc<FixedClock>) {
    let store = MemoryStore::default();
    let clock = Arc::new(FixedClock(Mutex::new(now.parse().unwrap())));
    let dir = Directory::new(
        store.clone(),
        clock.clone(),
        Arc::new(CounterRng(AtomicU64::new(seed))),
        Arc::new(InlinePasswordWork(fast())),
    );
    (dir, store, clock)
}

fn directory() -> (Directory<MemoryStore>, MemoryStore) {
    let store = MemoryStore::default();
    let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    let dir = Directory::new(
        store.clone(),
        Arc::new(FixedClock(Mutex::new(now))),
        Arc::new(CounterRng(AtomicU64::new(1))),
        Arc::new(InlinePasswordWork(fast())),
    );
    (dir, store)
}

fn op() -> Actor {
    Actor::Operator {
        staff: crate::ids::StaffId::from_random([9; 16]),
    }
}

fn slug(s: &str) -> OrgSlug {
    OrgSlug::parse(s).unwrap()
}

fn new_user(name: &str, password: Option<&str>) -> NewUser {
    NewUser {
        username: Username::parse(name).unwrap(),
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        password: password.map_or(PasswordInput::None, |p| {
            PasswordInput::Plain(Secret::new(p))
        }),
        status: UserStatus::Active,
        posix: None,
        ssh_keys: vec![],
        personal: Default::default(),
    }
}

/// An OpenLDAP `{SSHA}` hash of `pw` with the salt "salt", as an import would bring it.
fn ssha(pw: &str) -> String {
    use base64::Engine;
    use sha1::{Digest, Sha1};
    let mut raw = Sha1::new()
        .chain_update(pw.as_bytes())
        .chain_update(b"salt")
        .finalize()
        .to_vec();
    raw.extend_from_slice(b"salt");
    format!(
        "{{SSHA}}{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Users are provisioned in these tests as skydir itself (the path of an import run on the
/// server): provider staff cannot create people in an org, and an org needs someone first.
fn provision() -> Actor {
    Actor::System
}

/// The first administrator "alice" as the operator names her (no password: an invitation).
fn first_admin(name: &str) -> FirstAdmin {
    FirstAdmin {
        username: Username::parse(name).unwrap(),
        email: Email::parse(&format!("{name}@example.com")).unwrap(),
        given_name: Some("Alice".into()),
        family_name: None,
    }
}

/// The token of the newest link of `page` (`invitation` or `reset`) mailed to `to`.
fn link_mailed_to(store: &MemoryStore, to: &str, page: &str) -> Option<String> {
    let mails = store.with_desk(|d| d.queued_to(to)).unwrap();
    let marker = format!("/portal/{page}/");
    mails.iter().rev().find_map(|m| {
        let at = m.text.find(&marker)? + marker.len();
        Some(
            m.text[at..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect(),
        )
    })
}

/// Org "acme" (free plan) created by the operator with its first admin "alice", who accepts
/// her invitation with the password [`ALICE_PW`].
async fn acme_with_alice(dir: &Directory<MemoryStore>) -> Org {
    let org = dir
        .create_org_with_admin(
            &op(),
            NewOrg {
                slug: slug("acme"),
                name: "Acme".into(),
                plan: Plan::free(),
            },
            first_admin("alice"),
        )
        .await
        .unwrap();
    let store = dir.store().clone();
    let token = link_mailed_to(&store, "alice@example.com", "invitation").unwrap();
    dir.complete_password_reset(&token, Secret::new(ALICE_PW), false)
        .await
        .unwrap();
    org
}

/// Alice logs in to `org` with [`ALICE_PW`].
async fn log_in_alice(dir: &Directory<MemoryStore>, org: &Org) -> LoginOutcome {
    dir.login(
        &org.slug,
        &Username::parse("alice").unwrap(),
        Secret::new(ALICE_PW),
        None,
    )
    .await
    .unwrap()
}

/// Alice's password in [`acme_with_alice`].
const ALICE_PW: &str = "a long enough passphrase";

async fn org(dir: &Directory<MemoryStore>, name: &str, plan: Plan) -> Org {
    dir.create_org(
        &op(),
        NewOrg {
            slug: slug(name),
            name: name.into(),
            plan,
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn creating_a_user_commits_the_user_and_its_audit_event_and_the_eleventh_is_refused() {
    let (dir, store) = directory();
    let o = acme_with_alice(&dir).await;
    let admin = log_in_alice(&dir, &o).await.actor;
    // Alice is user number one (uid 10000); nine more fill the free plan's ten.
    for i in 1..10 {
        let v = dir
            .create_user(&admin, &o.slug, new_user(&format!("u{i}"), None))
            .await
            .unwrap();
        assert_eq!(v.posix.uid_number, 10_000 + i);
        assert!(
            v.contact.is_some(),
            "the admin who made them sees their details"
        );
    }
    let before = store.audit_len(ChainKey::Org(o.id));
    let e = dir
        .create_user(&admin, &o.slug, new_user("u10", None))
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::PlanLimit { limit: 10, .. }), "{e:?}");
    assert_eq!(
        store.audit_len(ChainKey::Org(o.id)),
        before,
        "a refused write leaves nothing"
    );
    let creates = store
        .events(ChainKey::Org(o.id))
        .iter()
        .filter(|e| e.action == "user.create")
        .count();
    assert_eq!(creates, 10);
}

#[tokio::test]
async fn reading_personal_data_is_audited_and_denials_are_recorded() {
    let (dir, store) = directory();
    let o = org(&dir, "acme", Plan::free()).await;
    let v = dir
        .create_user(&provision(), &o.slug, new_user("alice", None))
        .await
        .unwrap();
    dir.grant_admin(&provision(), &o.slug, &v.username)
        .await
        .unwrap();
    let admin = Actor::OrgAdmin {
        org: o.id,
        user: v.id,
    };
    let bob = dir
        .create_user(&admin, &o.slug, new_user("bob", None))
        .await
        .unwrap();
    assert!(bob.contact.is_some());
    let n = store.audit_len(ChainKey::Org(o.id));
    let seen = dir.get_user(&admin, &o.slug, &bob.username).await.unwrap();
    assert_eq!(seen.contact.unwrap().email.as_str(), "bob@example.com");
    let events = store.events(ChainKey::Org(o.id));
    assert_eq!(events.len(), n + 1);
    assert_eq!(events[n].action, "user.personal.read");
    assert_eq!(events[n].target, format!("user:{}", bob.id));
    // A plain user trying to grant access is refused, and the refusal is on record.
    let user = Actor::User {
        org: o.id,
        user: bob.id,
    };
    let e = dir
        .grant_admin(&user, &o.slug, &bob.username)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden { .. }));
    let last = store.events(ChainKey::Org(o.id)).pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.outcome),
        ("admin.grant", Outcome::Denied)
    );
}

#[tokio::test]
async fn login_locks_out_after_the_policy_failures_and_rehashes_legacy_hashes() {
    let (dir, store) = directory();
    let o = org(&dir, "acme", Plan::free()).await;
    let mut u = new_user("carol", None);
    u.password = PasswordInput::Hash(Secret::new(ssha("legacy secret")));
    let v = dir.create_user(&provision(), &o.slug, u).await.unwrap();
    let name = v.username.clone();
    let out = dir
        .login(&o.slug, &name, Secret::new("legacy secret"), None)
        .await
        .unwrap();
    assert_eq!(
        out.actor,
        Actor::User {
            org: o.id,
            user: v.id
        }
    );
    let cred = store.credential(o.id, v.id).await.unwrap().unwrap();
    assert!(cred.hash.starts_with("$argon2id$"), "rehashed on success");
    assert_eq!(
        dir.authenticate_token(out.token.secret.expose())
            .await
            .unwrap(),
        out.actor
    );
    for _ in 0..5 {
        let e = dir
            .login(&o.slug, &name, Secret::new("wrong"), None)
            .await
            .unwrap_err();
        assert_eq!(e, CoreError::BadCredentials);
    }
    // Locked for the policy's first minute: the right password reads as a wrong one.
    let e = dir
        .login(&o.slug, &name, Secret::new("legacy secret"), None)
        .await
        .unwrap_err();
    assert_eq!(e, CoreError::BadCredentials);
    let state = store.credential(o.id, v.id).await.unwrap().unwrap().state;
    assert_eq!(state.failures, 5);
    assert_eq!(
        state.locked_until,
        Some("2026-06-01T12:01:00Z".parse().unwrap())
    );
}

#[tokio::test]
async fn tokens_follow_the_users_current_role_and_status() {
    let (dir, _) = directory();
    let o = org(&dir, "acme", Plan::free()).await;
    let a = dir
        .create_user(
            &provision(),
            &o.slug,
            new_user("alice", Some("a long enough passphrase")),
        )
        .await
        .unwrap();
    dir.create_user(&provision(), &o.slug, new_user("ann", None))
        .await
        .unwrap();
    let t = dir
        .login(
            &o.slug,
            &a.username,
            Secret::new("a long enough passphrase"),
            None,
        )
        .await
        .unwrap()
        .token;
    assert!(matches!(
        dir.authenticate_token(t.secret.expose()).await.unwrap(),
        Actor::User { .. }
    ));
    dir.grant_admin(&provision(), &o.slug, &a.username)
        .await
        .unwrap();
    assert!(matches!(
        dir.authenticate_token(t.secret.expose()).await.unwrap(),
        Actor::OrgAdmin { .. }
    ));
    let patch = UserPatch {
        status: Some(UserStatus::Suspended),
        ..Default::default()
    };
    dir.update_user(&provision(), &o.slug, &a.username, patch)
        .await
        .unwrap();
    assert_eq!(
        dir.authenticate_token(t.secret.expose()).await.unwrap_err(),
        CoreError::Unauthenticated
    );
    assert_eq!(
        dir.authenticate_token("skd_garbage").await.unwrap_err(),
        CoreError::Unauthenticated
    );
}

#[tokio::test]
async fn staff_exchange_their_own_token_for_a_session_and_nothing_else_qualifies() {
    let (dir, _) = directory();
    let boot = dir.bootstrap_operator().await.unwrap().unwrap();
    let operator = dir.authenticate_token(boot.secret.expose()).await.unwrap();
    let (_, agent_token) = dir
        .create_staff(&operator, "ann", crate::access::StaffRole::Agent)
        .await
        .unwrap();
    let (actor, session) = dir
        .staff_session(agent_token.secret.expose(), None)
        .await
        .unwrap();
    assert!(matches!(actor, Actor::SupportAgent { .. }));
    assert!(session.expires_at.is_some(), "a session expires");
    assert_ne!(session.secret.expose(), agent_token.secret.expose());
    assert_eq!(
        dir.authenticate_token(session.secret.expose())
            .await
            .unwrap(),
        actor
    );
    // A session cannot renew itself, a user's token is no staff token, garbage is nothing.
    assert_eq!(
        dir.staff_session(session.secret.expose(), None)
            .await
            .unwrap_err(),
        CoreError::Unauthenticated
    );
    let o = org(&dir, "acme", Plan::free()).await;
    dir.create_user(
        &provision(),
        &o.slug,
        new_user("alice", Some("a long enough passphrase")),
    )
    .await
    .unwrap();
    let user = dir
        .login(
            &o.slug,
            &Username::parse("alice").unwrap(),
            Secret::new("a long enough passphrase"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        dir.staff_session(user.token.secret.expose(), None)
            .await
            .unwrap_err(),
        CoreError::Unauthenticated
    );
    assert_eq!(
        dir.staff_session("skd_garbage", None).await.unwrap_err(),
        CoreError::Unauthenticated
    );
    // The operator's token works too, and logging the session out leaves the token alone.
    let (op_actor, op_session) = dir.staff_session(boot.secret.expose(), None).await.unwrap();
    assert!(matches!(op_actor, Actor::Operator { .. }));
    dir.logout(op_session.secret.expose()).await.unwrap();
    assert_eq!(
        dir.authenticate_token(op_session.secret.expose())
            .await
            .unwrap_err(),
        CoreError::Unauthenticated
    );
    assert!(dir.authenticate_token(boot.secret.expose()).await.is_ok());
}

#[tokio::test]
async fn staff_set_a_console_password_and_log_in_with_it_under_the_lockout() {
    let (dir, _) = directory();
    let boot = dir.bootstrap_operator().await.unwrap().unwrap();
    let operator = dir.authenticate_token(boot.secret.expose()).await.unwrap();
    let (_, token) = dir
        .create_staff(&operator, "ann", crate::access::StaffRole::Agent)
        .await
        .unwrap();
    let ann = dir.authenticate_token(token.secret.expose()).await.unwrap();
    // No password yet: the handle alone logs nobody in, exactly like an unknown handle.
    let pw = || Secret::new("ann's long passphrase");
    assert_eq!(
        dir.staff_login("ann", pw(), None).await.unwrap_err(),
        CoreError::BadCredentials
    );
    assert_eq!(
        dir.staff_login("nobody", pw(), None).await.unwrap_err(),
        CoreError::BadCredentials
    );
    assert!(!dir.staff_has_password(&ann).await.unwrap());
    // The policy applies to staff passwords.
    assert!(matches!(
        dir.set_staff_password(&ann, None, Secret::new("short"))
            .await,
        Err(CoreError::Invalid { .. })
    ));
    dir.set_staff_password(&ann, None, pw()).await.unwrap();
    assert!(dir.staff_has_password(&ann).await.unwrap());
    let (actor, session) = dir.staff_login("ann", pw(), None).await.unwrap();
    assert_eq!(actor, ann);
    assert!(session.expires_at.is_some());
    assert_eq!(
        dir.authenticate_token(session.secret.expose())
            .await
            .unwrap(),
        ann
    );
    // Replacing it needs the current one; a user of an org has no staff password at all.
    assert_eq!(
        dir.set_staff_password(&ann, None, Secret::new("another long passphrase"))
            .await
            .unwrap_err(),
        CoreError::BadCredentials
    );
    let user = Actor::User {
        org: crate::ids::OrgId::from_random([1; 16]),
        user: crate::ids::UserId::from_random([2; 16]),
    };
    assert!(matches!(
        dir.set_staff_password(&user, None, pw()).await,
        Err(CoreError::Forbidden { .. })
    ));
    // Four more wrong passwords (five with the one above) lock the account, the right one too.
    for _ in 0..4 {
        assert_eq!(
            dir.staff_login("ann", Secret::new("wrong"), None)
                .await
                .unwrap_err(),
            CoreError::BadCredentials
        );
    }
    // Locked: the right password reads as a wrong one (the audit log says why).
    assert_eq!(
        dir.staff_login("ann", pw(), None).await.unwrap_err(),
        CoreError::BadCredentials
    );
}

#[tokio::test]
async fn people_create_list_and_revoke_their_own_tokens_only() {
    let (dir, _) = directory();
    let o = org(&dir, "acme", Plan::free()).await;
    for name in ["alice", "bob"] {
        dir.create_user(
            &provision(),
            &o.slug,
            new_user(name, Some("a long enough passphrase")),
        )
        .await
        .unwrap();
    }
    let login = |name: &'static str| {
        let dir = &dir;
        let slug = o.slug.clone();
        async move {
            dir.login(
                &slug,
                &Username::parse(name).unwrap(),
                Secret::new("a long enough passphrase"),
                None,
            )
            .await
            .unwrap()
        }
    };
    let alice = login("alice").await.actor;
    let bob = login("bob").await.actor;
    let t = dir
        .create_my_token(&alice, "backup script", Some(30))
        .await
        .unwrap();
    assert_eq!(
        dir.authenticate_token(t.secret.expose()).await.unwrap(),
        alice
    );
    let mine = dir.my_tokens(&alice).await.unwrap();
    assert_eq!(mine.len(), 2, "the login session and the new token");
    assert!(
        mine.iter()
            .any(|x| x.name == "backup script" && x.expires_at.is_some())
    );
    // Names and lifetimes are checked; staff have no personal tokens.
    assert!(matches!(
        dir.create_my_token(&alice, " ", None).await,
        Err(CoreError::Invalid { .. })
    ));
    assert!(matches!(
        dir.create_my_token(&alice, "x", Some(0)).await,
        Err(CoreError::Invalid { .. })
    ));
    assert!(matches!(
        dir.create_my_token(&op(), "x", None).await,
        Err(CoreError::Forbidden { .. })
    ));
    // Bob cannot revoke Alice's token; Alice can.
    assert!(matches!(
        dir.revoke_my_token(&bob, t.id).await,
        Err(CoreError::NotFound { .. })
    ));
    dir.revoke_my_token(&alice, t.id).await.unwrap();
    assert_eq!(
        dir.authenticate_token(t.secret.expose()).await.unwrap_err(),
        CoreError::Unauthenticated
    );
    assert_eq!(dir.my_tokens(&alice).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_last_admin_cannot_be_revoked_or_erased() {
    let (dir, _) = directory();
    let o = org(&dir, "acme", Plan::free()).await;
    let a = dir
        .create_user(&provision(), &o.slug, new_user("alice", None))
        .await
        .unwrap();
    dir.grant_admin(&provision(), &o.slug, &a.username)
        .await
        .unwrap();
    assert!(matches!(
        dir.revoke_admin(&provision(), &o.slug, &a.username).await,
        Err(CoreError::Conflict { .. })
    ));
    assert!(matches!(
        dir.delete_user(&provision(), &o.slug, &a.username).await,
        Err(CoreError::Conflict { .. })
    ));
    let b = dir
        .create_user(&provision(), &o.slug, new_user("bert", None))
        .await
        .unwrap();
    dir.grant_admin(&provision(), &o.slug, &b.username)
        .await
        .unwrap();
    dir.revoke_admin(&provision(), &o.slug, &a.username)
        .await
        .unwrap();
    dir.delete_user(&provision(), &o.slug, &a.username)
        .await
        .unwrap();
    assert!(matches!(
        dir.get_user(&op(), &o.slug, &a.username).await,
        Err(CoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn import_reports_each_bad_row_by_line_and_dry_run_or_all_or_nothing_write_nothing() {
    let (dir, _) = directory();
    let o = org(
        &dir,
        "acme",
        Plan::new(PlanKind::Monthly, Some(50), None).unwrap(),
    )
    .await;
    dir.create_user(&provision(), &o.slug, new_user("existing", None))
        .await
        .unwrap();
    let mut bad_hash = new_user("badhash", None);
    bad_hash.password = PasswordInput::Hash(Secret::new("{MD5}xyz"));
    let rows = vec![
        (2, new_user("a1", None)),
        (3, new_user("a1", None)),
        (4, new_user("existing", None)),
        (5, bad_hash),
        (6, new_user("a2", None)),
    ];
    let noop = |_: u64, _: u64| {};
    let dry = ImportOptions {
        dry_run: true,
        all_or_nothing: false,
    };
    let r = dir
        .import_users(&Actor::System, &o.slug, rows.clone(), dry, &noop)
        .await
        .unwrap();
    assert_eq!((r.valid, r.created), (2, 0));
    let lines: Vec<(u64, &str)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(3, "username"), (4, "username"), (5, "password_hash")]
    );
    assert_eq!(dir.store().count_users(o.id).await.unwrap(), 1);
    let aon = ImportOptions {
        dry_run: false,
        all_or_nothing: true,
    };
    let r = dir
        .import_users(&Actor::System, &o.slug, rows.clone(), aon, &noop)
        .await
        .unwrap();
    assert_eq!(r.created, 0);
    assert_eq!(dir.store().count_users(o.id).await.unwrap(), 1);
    let r = dir
        .import_users(
            &Actor::System,
            &o.slug,
            rows,
            ImportOptions::default(),
            &noop,
        )
        .await
        .unwrap();
    assert_eq!(r.created, 2);
    assert_eq!(dir.store().count_users(o.id).await.unwrap(), 3);
}

#[tokio::test]
async fn audit_verification_passes_on_an_intact_log() {
    let (dir, _) = directory();
    let o = org(&dir, "acme", Plan::free()).await;
    dir.create_user(&provision(), &o.slug, new_user("alice", None))
        .await
        .unwrap();
    let reports = dir.verify_audit(&op()).await.unwrap();
    assert_eq!(reports.len(), 2, "deployment chain and the org's chain");
    assert!(
        reports.iter().all(|r| r.broken.is_none() && r.events > 0),
        "{reports:?}"
    );
    assert!(
        dir.verify_audit(&Actor::User {
            org: o.id,
            user: crate::ids::UserId::from_random([1; 16])
        })
        .await
        .is_err()
    );
}

#[tokio::test]
async fn service_accounts_are_an_admins_to_make_and_bind_with_lockout_and_audit() {
    let (dir, store) = directory();
    let o = org(&dir, "acme", Plan::free()).await;
    let v = dir
        .create_user(&provision(), &o.slug, new_user("alice", None))
        .await
        .unwrap();
    dir.grant_admin(&provision(), &o.slug, &v.username)
        .await
        .unwrap();
    let admin = Actor::OrgAdmin {
        org: o.id,
        user: v.id,
    };
    let name = Name::parse("jenkins").unwrap();
    let new = |pw: &str| NewServiceAccount {
        name: name.clone(),
        description: "CI server".into(),
        password: Secret::new(pw),
    };
    // The operator sees no personal data, so cannot make an account that reads it.
    let e = dir
        .create_service_account(&op(), &o.slug, new("a long service secret"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CoreError::Forbidden { reason } if reason.contains("org admin")),
        "{e:?}"
    );
    let e = dir
        .create_service_account(&admin, &o.slug, new("short"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CoreError::Invalid { field, .. } if field == "password"),
        "{e:?}"
    );
    let made = dir
        .create_service_account(&admin, &o.slug, new("a long service secret"))
        .await
        .unwrap();
    let e = dir
        .create_service_account(&admin, &o.slug, new("a long service secret"))
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Conflict { .. }), "{e:?}");
    let listed = dir.list_service_accounts(&admin, &o.slug).await.unwrap();
    assert_eq!(listed, vec![made.clone()]);

    // A plain success hands its audit event back for batching; the actor is the account.
    let (_, acct, event) = dir
        .check_service_password(&o.slug, &name, Secret::new("a long service secret"))
        .await
        .unwrap();
    assert_eq!(acct.id, made.id);
    let event = event.unwrap();
    assert_eq!(event.action, "ldap_account.bind");
    assert_eq!(
        event.actor,
        Actor::Service {
            org: o.id,
            account: made.id
        }
    );
    // Wrong passwords fail like unknown accounts, are audited, and lock out per the policy.
    let unknown = dir
        .check_service_password(&o.slug, &Name::parse("nobody").unwrap(), Secret::new("x"))
        .await
        .unwrap_err();
    assert_eq!(unknown, CoreError::BadCredentials);
    for _ in 0..5 {
        let e = dir
            .check_service_password(&o.slug, &name, Secret::new("wrong"))
            .await
            .unwrap_err();
        assert_eq!(e, CoreError::BadCredentials);
    }
    // Locked: the right password reads as a wrong one.
    assert_eq!(
        dir.check_service_password(&o.slug, &name, Secret::new("a long service secret"))
            .await
            .map(|_| ())
            .unwrap_err(),
        CoreError::BadCredentials
    );
    let state = store
        .service_credential(o.id, made.id)
        .await
        .unwrap()
        .unwrap()
        .state;
    assert!(state.locked_until.is_some(), "{state:?}");
    let denied = store
        .events(ChainKey::Org(o.id))
        .iter()
        .filter(|e| e.action == "ldap_account.bind" && e.outcome == Outcome::Denied)
        .count();
    assert!(denied >= 1);
    // Rotation resets the lockout; deletion ends binds.
    dir.set_service_password(&admin, &o.slug, &name, Secret::new("another long secret"))
        .await
        .unwrap();
    assert!(
        dir.check_service_password(&o.slug, &name, Secret::new("another long secret"))
            .await
            .is_ok()
    );
    dir.delete_service_account(&admin, &o.slug, &name)
        .await
        .unwrap();
    assert_eq!(
        dir.check_service_password(&o.slug, &name, Secret::new("another long secret"))
            .await
            .unwrap_err(),
        CoreError::BadCredentials
    );
    let ops: Vec<String> = store
        .events(ChainKey::Org(o.id))
        .iter()
        .filter(|e| e.action == "ldap_account.manage" && e.outcome == Outcome::Success)
        .map(|e| e.detail["op"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ops, ["create", "password", "delete"]);
}

/// Collects offered re-hash jobs, one per credential.
#[derive(Default)]
struct CollectingQueue(Mutex<Vec<RehashJob>>);

impl crate::ports::RehashQueue for CollectingQueue {
    fn offer(&self, job: RehashJob) -> bool {
        let mut jobs = self.0.lock().unwrap();
        if jobs.iter().any(|j| j.key() == job.key()) {
            return false;
        }
        jobs.push(job);
        true
    }
}

#[tokio::test]
async fn with_a_queue_legacy_hashes_are_upgraded_after_the_login_and_never_over_a_newer_password() {
    let (dir, store) = directory();
    let queue = Arc::new(CollectingQueue::default());
    let dir = dir.with_rehash_queue(queue.clone());
    let o = org(&dir, "acme", Plan::free()).await;
    let mut u = new_user("carol", None);
    u.password = PasswordInput::Hash(Secret::new(ssha("legacy secret")));
    let carol = dir.create_user(&provision(), &o.slug, u).await.unwrap();
    // The login succeeds on the legacy hash and leaves it in place; the job waits in the queue,
    // once however many logins there are.
    for _ in 0..3 {
        dir.login(&o.slug, &carol.username, Secret::new("legacy secret"), None)
            .await
            .unwrap();
    }
    assert!(
        store
            .credential(o.id, carol.id)
            .await
            .unwrap()
            .unwrap()
            .hash
            .starts_with("{SSHA}")
    );
    let job = queue.0.lock().unwrap().pop().unwrap();
    assert!(queue.0.lock().unwrap().is_empty());
    dir.rehash(job).await.unwrap();
    let cred = store.credential(o.id, carol.id).await.unwrap().unwrap();
    assert!(cred.hash.starts_with("$argon2id$"), "upgraded by the job");
    let last = store.events(ChainKey::Org(o.id)).pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("credential.rehash", "system")
    );
    dir.login(&o.slug, &carol.username, Secret::new("legacy secret"), None)
        .await
        .unwrap();

    // A job that runs after the password changed must not bring the old password back.
    let mut u = new_user("dave", None);
    u.password = PasswordInput::Hash(Secret::new(ssha("old secret")));
    let dave = dir.create_user(&provision(), &o.slug, u).await.unwrap();
    dir.login(&o.slug, &dave.username, Secret::new("old secret"), None)
        .await
        .unwrap();
    let job = queue.0.lock().unwrap().pop().unwrap();
    let me = Actor::User {
        org: o.id,
        user: dave.id,
    };
    dir.change_password(
        &me,
        &o.slug,
        &dave.username,
        Secret::new("old secret"),
        Secret::new("a brand new passphrase"),
        Keep::default(),
    )
    .await
    .unwrap();
    dir.rehash(job).await.unwrap();
    assert!(
        dir.login(&o.slug, &dave.username, Secret::new("old secret"), None)
            .await
            .is_err(),
        "the stale job did not restore the old password"
    );
    dir.login(
        &o.slug,
        &dave.username,
        Secret::new("a brand new passphrase"),
        None,
    )
    .await
    .unwrap();
}
