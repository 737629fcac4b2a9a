//! No account oracle: every refused sign-in — unknown org, unknown name, no password yet, wrong
//! password, locked, suspended — costs exactly one password verification and answers the same,
//! for users, service accounts and staff; the reason goes to the audit log, and the start of a
//! lock to the account's owner by mail.

use super::*;
use crate::auth::Verification;
use crate::ports::{BoxFuture, PasswordWork};
use crate::service::NewServiceAccount;
use crate::support::OutboundMail;

/// The real password work, counted.
#[derive(Default)]
struct Counted {
    inner: InlinePasswordWork,
    verifies: AtomicU64,
    hashes: AtomicU64,
}

impl PasswordWork for Counted {
    fn hash(&self, password: Secret, salt: [u8; 16]) -> BoxFuture<'static, CoreResult<String>> {
        self.hashes.fetch_add(1, Ordering::SeqCst);
        self.inner.hash(password, salt)
    }

    fn verify(
        &self,
        stored: String,
        password: Secret,
    ) -> BoxFuture<'static, CoreResult<Verification>> {
        self.verifies.fetch_add(1, Ordering::SeqCst);
        self.inner.verify(stored, password)
    }
}

impl Counted {
    /// (verifications, hashes) done by `f`.
    async fn cost<T>(&self, f: impl Future<Output = T>) -> (u64, u64, T) {
        let (v, h) = (
            self.verifies.load(Ordering::SeqCst),
            self.hashes.load(Ordering::SeqCst),
        );
        let out = f.await;
        (
            self.verifies.load(Ordering::SeqCst) - v,
            self.hashes.load(Ordering::SeqCst) - h,
            out,
        )
    }
}

fn counted() -> (Directory<MemoryStore>, MemoryStore, Arc<Counted>) {
    let store = MemoryStore::default();
    let work = Arc::new(Counted {
        inner: InlinePasswordWork(fast()),
        ..Default::default()
    });
    let dir = Directory::new(
        store.clone(),
        Arc::new(FixedClock(Mutex::new(
            "2026-06-01T12:00:00Z".parse().unwrap(),
        ))),
        Arc::new(CounterRng(AtomicU64::new(21))),
        work.clone(),
    );
    (dir, store, work)
}

fn reasons(store: &MemoryStore, chain: ChainKey) -> Vec<String> {
    store
        .events(chain)
        .iter()
        .filter(|e| e.outcome == Outcome::Denied)
        .filter_map(|e| e.detail["reason"].as_str().map(str::to_string))
        .collect()
}

fn lock_mails(store: &MemoryStore, to: &str) -> Vec<OutboundMail> {
    store
        .with_desk(|d| d.queued_to(to))
        .unwrap()
        .into_iter()
        .filter(|m| m.subject.contains("locked"))
        .collect()
}

#[tokio::test]
async fn every_refused_sign_in_costs_one_password_check_and_answers_the_same() {
    let (dir, store, work) = counted();
    let o = acme_with_alice(&dir).await;
    let admin = log_in_alice(&dir, &o).await.actor;
    let mut sus = new_user("sus", Some("sus's long passphrase"));
    sus.status = UserStatus::Suspended;
    dir.create_user(&admin, &o.slug, sus).await.unwrap();
    dir.create_user(&admin, &o.slug, new_user("invited", None))
        .await
        .unwrap();
    let app = Name::parse("app").unwrap();
    dir.create_service_account(
        &admin,
        &o.slug,
        NewServiceAccount {
            name: app.clone(),
            description: String::new(),
            password: Secret::new("a long service secret"),
        },
    )
    .await
    .unwrap();
    let user = |n: &str| Username::parse(n).unwrap();
    let pw = Secret::new;

    // The decoy is made on the first unknown name (one hash, once per process).
    let (v, h, r) = work
        .cost(dir.check_password(&slug("nowhere"), &user("x"), pw("guess")))
        .await;
    assert_eq!((v, h, r.unwrap_err()), (1, 1, CoreError::BadCredentials));

    let cases: Vec<(&str, OrgSlug, Username, Secret)> = vec![
        ("unknown org", slug("nowhere"), user("alice"), pw(ALICE_PW)),
        ("unknown user", o.slug.clone(), user("bob"), pw("guess")),
        (
            "no password yet",
            o.slug.clone(),
            user("invited"),
            pw("guess"),
        ),
        ("wrong password", o.slug.clone(), user("alice"), pw("guess")),
        ("suspended, wrong", o.slug.clone(), user("sus"), pw("guess")),
        (
            "suspended, right",
            o.slug.clone(),
            user("sus"),
            pw("sus's long passphrase"),
        ),
    ];
    for (what, org, name, password) in cases {
        let (v, h, r) = work.cost(dir.check_password(&org, &name, password)).await;
        assert_eq!(
            (v, h, r.map(|_| ()).unwrap_err()),
            (1, 0, CoreError::BadCredentials),
            "{what}"
        );
        // The REST login is the same check.
        let (v, h, r) = work.cost(dir.login(&org, &name, pw("guess"), None)).await;
        assert_eq!(
            (v, h, r.map(|_| ()).unwrap_err()),
            (1, 0, CoreError::BadCredentials),
            "{what} (login)"
        );
    }
    for (what, name, password) in [
        ("unknown account", Name::parse("nobody").unwrap(), "guess"),
        ("wrong password", app.clone(), "guess"),
    ] {
        let (v, h, r) = work
            .cost(dir.check_service_password(&o.slug, &name, pw(password)))
            .await;
        assert_eq!(
            (v, h, r.map(|_| ()).unwrap_err()),
            (1, 0, CoreError::BadCredentials),
            "service: {what}"
        );
    }
    let (v, h, r) = work
        .cost(dir.check_service_password(&slug("nowhere"), &app, pw("guess")))
        .await;
    assert_eq!(
        (v, h, r.map(|_| ()).unwrap_err()),
        (1, 0, CoreError::BadCredentials)
    );

    // The reasons are the audit log's: the org's chain for its names, the deployment's for
    // unknown orgs — never the name that was tried.
    let org_reasons = reasons(&store, ChainKey::Org(o.id));
    for reason in ["unknown_name", "no_password", "inactive"] {
        assert!(
            org_reasons.iter().any(|r| r == reason),
            "{reason}: {org_reasons:?}"
        );
    }
    assert!(reasons(&store, ChainKey::Deployment).contains(&"unknown_org".to_string()));
    let tried = store
        .events(ChainKey::Org(o.id))
        .iter()
        .chain(store.events(ChainKey::Deployment).iter())
        .any(|e| {
            let text = format!("{} {}", e.target, e.detail);
            text.contains("bob") || text.contains("nobody") || text.contains("nowhere")
        });
    assert!(!tried, "a tried name reached the audit log");
}

#[tokio::test]
async fn a_locked_account_answers_as_a_wrong_password_and_its_owner_is_told_once() {
    let (dir, store, work) = counted();
    let o = acme_with_alice(&dir).await;
    let alice = Username::parse("alice").unwrap();
    let wrong = || Secret::new("not alices password");
    for _ in 0..5 {
        assert_eq!(
            dir.login(&o.slug, &alice, wrong(), None).await.unwrap_err(),
            CoreError::BadCredentials
        );
    }
    // Locked now: the right password too reads as wrong, after the same work.
    for password in [Secret::new(ALICE_PW), wrong()] {
        let (v, h, r) = work.cost(dir.login(&o.slug, &alice, password, None)).await;
        assert_eq!(
            (v, h, r.map(|_| ()).unwrap_err()),
            (1, 0, CoreError::BadCredentials)
        );
    }
    assert!(reasons(&store, ChainKey::Org(o.id)).contains(&"locked".to_string()));
    // Alice heard of it once, at her own address, with what to do.
    let mails = lock_mails(&store, "alice@example.com");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].text.contains("5 wrong passwords"),
        "{}",
        mails[0].text
    );
    assert!(mails[0].text.contains("Forgot your password"));
    assert!(
        !mails[0]
            .text
            .to_lowercase()
            .contains("send us your password")
    );
}

#[tokio::test]
async fn a_locked_service_account_is_told_to_the_orgs_admins_and_binds_read_as_wrong() {
    let (dir, store, _) = counted();
    let o = acme_with_alice(&dir).await;
    let admin = log_in_alice(&dir, &o).await.actor;
    let app = Name::parse("app").unwrap();
    dir.create_service_account(
        &admin,
        &o.slug,
        NewServiceAccount {
            name: app.clone(),
            description: String::new(),
            password: Secret::new("a long service secret"),
        },
    )
    .await
    .unwrap();
    for _ in 0..7 {
        assert_eq!(
            dir.check_service_password(&o.slug, &app, Secret::new("old secret"))
                .await
                .unwrap_err(),
            CoreError::BadCredentials
        );
    }
    assert_eq!(
        dir.check_service_password(&o.slug, &app, Secret::new("a long service secret"))
            .await
            .unwrap_err(),
        CoreError::BadCredentials
    );
    let mails = lock_mails(&store, "alice@example.com");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].text.contains("'app'"));
}

#[tokio::test]
async fn staff_sign_ins_tell_nothing_either() {
    let (dir, store, work) = counted();
    let boot = dir.bootstrap_operator().await.unwrap().unwrap();
    let operator = dir.authenticate_token(boot.secret.expose()).await.unwrap();
    let (_, token) = dir
        .create_staff(&operator, "ann", crate::access::StaffRole::Agent)
        .await
        .unwrap();
    let ann = dir.authenticate_token(token.secret.expose()).await.unwrap();
    let pw = || Secret::new("ann's long passphrase");
    // Before she has a password, and for a handle nobody has: the same work and answer.
    for handle in ["ann", "nobody"] {
        let (v, _, r) = work.cost(dir.staff_login(handle, pw(), None)).await;
        assert_eq!(
            (v, r.map(|_| ()).unwrap_err()),
            (1, CoreError::BadCredentials)
        );
    }
    dir.set_staff_password(&ann, None, pw()).await.unwrap();
    for _ in 0..5 {
        let r = dir.staff_login("ann", Secret::new("wrong"), None).await;
        assert_eq!(r.map(|_| ()).unwrap_err(), CoreError::BadCredentials);
    }
    let (v, h, r) = work.cost(dir.staff_login("ann", pw(), None)).await;
    assert_eq!(
        (v, h, r.map(|_| ()).unwrap_err()),
        (1, 0, CoreError::BadCredentials)
    );
    let why = reasons(&store, ChainKey::Deployment);
    for reason in ["no_password", "unknown_name", "locked"] {
        assert!(why.iter().any(|r| r == reason), "{reason}: {why:?}");
    }
}
