//! Builders for records and changes, a raw SQL handle behind the store, and the macro that
//! runs every conformance test on SQLite and (when `SKYDIR_TEST_DATABASE_URL` is set) on
//! PostgreSQL.

use jiff::Timestamp;
use skydir_core::access::{Staff, StaffRole};
use skydir_core::audit::{AuditDraft, ChainKey, Outcome};
use skydir_core::auth::{ApiToken, Credential, LoginState, PasswordPolicy, TokenSubject};
use skydir_core::change::{Change, Write};
use skydir_core::directory::{
    AccessBinding, Address, BindingSubject, Email, Group, JoinMethod, Name, Org, OrgSlug, OsFamily,
    PersonalData, Plan, Posix, Resource, ResourceKind, SshKey, System, User, UserStatus, Username,
};
use skydir_core::ids::{BindingId, GroupId, OrgId, ResourceId, StaffId, SystemId, TokenId, UserId};
use skydir_core::ports::DirectoryStore;
use skydir_core::secret::Personal;
use skydir_store::Backend;
use skydir_store::testing::{TempStore, temp_store, test_database_url};
use sqlx::{AssertSqlSafe, PgPool, Row, SqlitePool};
use std::collections::BTreeMap;

/// Runs each named `async fn(&TempStore)` of the calling module as a `sqlite::NAME` test and a
/// `postgres::NAME` test. The PostgreSQL variant returns at once when no test database is
/// configured; when one is configured and unreachable it fails.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let t = $crate::fixtures::fresh(skydir_store::Backend::Sqlite).await;
                    super::$name(&t).await;
                    t.cleanup().await.expect("cleanup");
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if !$crate::fixtures::postgres_configured() {
                        return;
                    }
                    let t = $crate::fixtures::fresh(skydir_store::Backend::Postgres).await;
                    super::$name(&t).await;
                    t.cleanup().await.expect("cleanup");
                }
            )*
        }
    };
}

/// Whether the PostgreSQL variants run.
pub fn postgres_configured() -> bool {
    test_database_url().is_some()
}

/// A fresh store; panics (fails the test) if it cannot be made.
pub async fn fresh(b: Backend) -> TempStore {
    match temp_store(b).await {
        Ok(t) => t,
        Err(e) => panic!("cannot open a fresh {} store: {e}", b.as_str()),
    }
}

/// A fixed instant.
pub fn now() -> Timestamp {
    "2026-03-01T12:00:00Z".parse().unwrap()
}

fn rnd() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

/// An audit draft for `org`'s chain.
pub fn draft(org: Option<OrgId>, action: &str) -> AuditDraft {
    AuditDraft {
        chain: ChainKey::for_org(org),
        at: now(),
        actor: "system".into(),
        action: action.into(),
        target: format!("test:{}", uuid::Uuid::new_v4()),
        outcome: Outcome::Success,
        detail: serde_json::json!({"n": 1, "why": "test"}),
    }
}

/// Commits `writes` scoped to `org` with one audit event; panics on failure.
pub async fn commit(t: &TempStore, org: Option<OrgId>, writes: Vec<Write>) {
    try_commit(t, org, writes).await.expect("commit");
}

/// Commits `writes` scoped to `org` with one audit event.
pub async fn try_commit(
    t: &TempStore,
    org: Option<OrgId>,
    writes: Vec<Write>,
) -> skydir_core::CoreResult<()> {
    let mut c = Change::new(org).audit(draft(org, "test.write"));
    c.writes = writes;
    t.store.commit(c).await
}

pub fn org(slug: &str) -> Org {
    Org {
        id: OrgId::from_random(rnd()),
        slug: OrgSlug::parse(slug).unwrap(),
        name: format!("{slug} Inc."),
        plan: Plan::free(),
        password_policy: PasswordPolicy::default(),
        created_at: now(),
        suspended_at: None,
    }
}

/// Creates and returns an org.
pub async fn new_org(t: &TempStore, slug: &str) -> Org {
    let o = org(slug);
    commit(t, Some(o.id), vec![Write::CreateOrg(o.clone())]).await;
    o
}

pub fn user(org: &Org, username: &str) -> User {
    User {
        id: UserId::from_random(rnd()),
        org: org.id,
        username: Username::parse(username).unwrap(),
        email: Email::parse(&format!("{username}@example.com")).unwrap(),
        status: UserStatus::Active,
        posix: Posix {
            uid_number: 0,
            gid_number: 0,
            home_directory: format!("/home/{username}"),
            login_shell: "/bin/bash".into(),
        },
        ssh_keys: vec![
            SshKey::parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyBody user@host").unwrap(),
        ],
        personal: PersonalData {
            given_name: Personal(Some("Homer".into())),
            family_name: Personal(Some("Simpson".into())),
            phones: Personal(vec!["+1 555 867 5309".into()]),
            addresses: Personal(vec![Address {
                label: Some("home".into()),
                street: Some("742 Evergreen Terrace".into()),
                locality: Some("Springfield".into()),
                region: None,
                postal_code: Some("49007".into()),
                country: Some("US".into()),
            }]),
            custom: Personal(BTreeMap::from([("badge".to_string(), "B-1".to_string())])),
        },
        created_at: now(),
        updated_at: now(),
    }
}

/// Creates a user (with a credential) and returns it as stored (numbers allocated).
pub async fn new_user(t: &TempStore, org: &Org, username: &str) -> User {
    let u = user(org, username);
    commit(
        t,
        Some(org.id),
        vec![Write::CreateUser {
            user: Box::new(u.clone()),
            credential: Some(credential("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA")),
        }],
    )
    .await;
    t.store.user_by_id(org.id, u.id).await.unwrap().unwrap()
}

pub fn credential(hash: &str) -> Credential {
    Credential {
        hash: hash.into(),
        state: LoginState::default(),
    }
}

pub fn group(org: &Org, name: &str) -> Group {
    Group {
        id: GroupId::from_random(rnd()),
        org: org.id,
        name: Name::parse(name).unwrap(),
        description: format!("the {name} group"),
        gid_number: 0,
        created_at: now(),
    }
}

/// Creates a group and returns it as stored.
pub async fn new_group(t: &TempStore, org: &Org, name: &str) -> Group {
    let g = group(org, name);
    commit(t, Some(org.id), vec![Write::CreateGroup(g.clone())]).await;
    t.store.group_by_id(org.id, g.id).await.unwrap().unwrap()
}

pub fn system(org: &Org, hostname: &str) -> System {
    System {
        id: SystemId::from_random(rnd()),
        org: org.id,
        hostname: Name::parse(hostname).unwrap(),
        os_family: OsFamily::Linux,
        os_version: "24.04".into(),
        joined_via: JoinMethod::LdapSssd,
        agent_version: Some("1.2.3".into()),
        last_contact: Some(now()),
        created_at: now(),
    }
}

pub fn resource(org: &Org, name: &str) -> Resource {
    Resource {
        id: ResourceId::from_random(rnd()),
        org: org.id,
        name: Name::parse(name).unwrap(),
        kind: ResourceKind::LdapApp,
        description: format!("the {name} app"),
        created_at: now(),
    }
}

pub fn binding(org: &Org, resource: &Resource, subject: BindingSubject) -> AccessBinding {
    AccessBinding {
        id: BindingId::from_random(rnd()),
        org: org.id,
        resource: resource.id,
        subject,
        created_at: now(),
    }
}

pub fn staff(handle: &str, role: StaffRole) -> Staff {
    Staff {
        id: StaffId::from_random(rnd()),
        role,
        handle: handle.into(),
        created_at: now(),
    }
}

pub fn token(subject: TokenSubject, name: &str) -> ApiToken {
    ApiToken {
        id: TokenId::from_random(rnd()),
        subject,
        name: name.into(),
        secret_hash: rnd().repeat(2).try_into().unwrap(),
        created_at: now(),
        expires_at: None,
        revoked_at: None,
        last_used_at: None,
        idle_secs: None,
    }
}

/// Unwraps the `CoreError::Conflict` of a refused commit.
pub fn conflict_of(r: skydir_core::CoreResult<()>) -> (String, String) {
    match r {
        Err(skydir_core::CoreError::Conflict { field, reason }) => (field, reason),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// A raw SQL connection to a store's data database, behind the store's back.
pub enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Raw {
    pub async fn open(t: &TempStore) -> Raw {
        match t.backend {
            Backend::Sqlite => {
                Raw::Sqlite(SqlitePool::connect(&t.config.database_url).await.unwrap())
            }
            Backend::Postgres => {
                Raw::Postgres(PgPool::connect(&t.config.database_url).await.unwrap())
            }
        }
    }

    /// Runs a statement; returns the rows affected.
    pub async fn exec(&self, sql: &str) -> u64 {
        let sql = AssertSqlSafe(sql.to_string());
        match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Raw::Postgres(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
        }
    }

    /// The first column of every row, as text.
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        let sql = AssertSqlSafe(sql.to_string());
        match self {
            Raw::Sqlite(p) => sqlx::query(sql)
                .fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
            Raw::Postgres(p) => sqlx::query(sql)
                .fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
        }
    }

    pub async fn close(self) {
        match self {
            Raw::Sqlite(p) => p.close().await,
            Raw::Postgres(p) => p.close().await,
        }
    }
}

impl Raw {
    /// A raw connection to the keyring, and the name of its key table.
    pub async fn open_keyring(t: &TempStore) -> (Raw, &'static str) {
        match t.backend {
            Backend::Sqlite => {
                let path = t.sqlite_keyring.as_ref().unwrap();
                let url = format!("sqlite://{}", path.display());
                (
                    Raw::Sqlite(SqlitePool::connect(&url).await.unwrap()),
                    "data_keys",
                )
            }
            Backend::Postgres => (
                Raw::Postgres(PgPool::connect(&t.config.database_url).await.unwrap()),
                "skydir_keyring.data_keys",
            ),
        }
    }

    /// The ids of every key in the keyring (for a connection from [`Raw::open_keyring`]).
    pub async fn key_ids(&self, table: &str) -> Vec<String> {
        self.texts(&format!("SELECT id FROM {table} ORDER BY id"))
            .await
    }
}

/// The keyring id of a user's key.
pub fn user_key_id(u: &User) -> String {
    format!("user/{}/{}", u.org, u.id)
}
