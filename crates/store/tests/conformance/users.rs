//! Users: round-trips with every personal field, updates, email lookup through the blind index,
//! listing, POSIX allocation, credentials and login state, the admin role and erasure.

use crate::fixtures::*;
use skydir_core::auth::LoginState;
use skydir_core::auth::TokenSubject;
use skydir_core::change::Write;
use skydir_core::directory::user::FIRST_UID;
use skydir_core::directory::{
    BindingSubject, Email, GroupMember, UserStatus, Username, group::FIRST_GID,
};
use skydir_core::ids::UserId;
use skydir_core::page::PageRequest;
use skydir_core::ports::DirectoryStore;
use skydir_core::secret::Personal;
use skydir_store::testing::TempStore;

on_both_backends!(
    user_round_trip_keeps_every_field,
    user_update_moves_the_email_index,
    users_list_in_username_pages,
    users_search_by_username_prefix,
    password_resets_are_used_once_and_go_with_their_user,
    invitations_are_found_newest_first_and_end_together,
    posix_numbers_are_allocated_per_org,
    credential_and_login_state,
    admin_role_set_and_unset,
    erase_removes_the_user_and_everything_hanging_off_it,
    reads_never_cross_orgs,
    concurrent_creations_get_distinct_uids,
);

async fn user_round_trip_keeps_every_field(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let mut u = user(&o, "homer");
    u.posix.uid_number = 12_345;
    u.posix.gid_number = 5001;
    u.status = UserStatus::Staged;
    commit(
        t,
        Some(o.id),
        vec![Write::CreateUser {
            user: Box::new(u.clone()),
            credential: None,
        }],
    )
    .await;
    let s = &t.store;
    assert_eq!(s.user_by_id(o.id, u.id).await.unwrap(), Some(u.clone()));
    assert_eq!(
        s.user_by_name(o.id, &u.username).await.unwrap(),
        Some(u.clone())
    );
    // The lookup normalizes like the model does.
    let shouted = Email::parse("HOMER@Example.COM").unwrap();
    assert_eq!(
        s.user_by_email(o.id, &shouted).await.unwrap(),
        Some(u.clone())
    );
    assert_eq!(s.credential(o.id, u.id).await.unwrap(), None);
    assert_eq!(s.count_users(o.id).await.unwrap(), 1);
}

async fn user_update_moves_the_email_index(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let mut u = new_user(t, &o, "marge").await;
    let old = u.email.clone();
    u.email = Email::parse("marge.b@example.org").unwrap();
    u.username = Username::parse("marge.b").unwrap();
    u.status = UserStatus::Suspended;
    u.personal.phones = Personal(vec!["+1 555 0100".into(), "+1 555 0101".into()]);
    u.personal.given_name = Personal(None);
    u.ssh_keys.clear();
    u.updated_at = "2026-04-01T00:00:00Z".parse().unwrap();
    commit(t, Some(o.id), vec![Write::UpdateUser(Box::new(u.clone()))]).await;
    let s = &t.store;
    assert_eq!(s.user_by_id(o.id, u.id).await.unwrap(), Some(u.clone()));
    assert_eq!(s.user_by_email(o.id, &old).await.unwrap(), None);
    assert_eq!(
        s.user_by_email(o.id, &u.email).await.unwrap(),
        Some(u.clone())
    );
    assert_eq!(
        s.user_by_name(o.id, &Username::parse("marge").unwrap())
            .await
            .unwrap(),
        None
    );

    // Updating a user that does not exist is NotFound, not a silent no-op.
    let ghost = user(&o, "ghost");
    let r = try_commit(t, Some(o.id), vec![Write::UpdateUser(Box::new(ghost))]).await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
}

async fn users_list_in_username_pages(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let other = new_org(t, "other").await;
    new_user(t, &other, "aaron").await;
    for name in ["dave", "bob", "erin", "carol", "alice", "frank", "bob.jr"] {
        new_user(t, &o, name).await;
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(3);
    loop {
        let p = t.store.list_users(o.id, &page).await.unwrap();
        assert!(p.items.len() <= 3);
        assert!(p.items.iter().all(|u| u.org == o.id));
        seen.extend(p.items.iter().map(|u| u.username.to_string()));
        match p.next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["alice", "bob", "bob.jr", "carol", "dave", "erin", "frank"]
    );
    // Limit 0 means the default page size.
    let all = t
        .store
        .list_users(o.id, &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.items.len(), 7);
    assert_eq!(all.next, None);
}

async fn users_search_by_username_prefix(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let other = new_org(t, "other").await;
    new_user(t, &other, "bob.other").await;
    for name in ["bob", "bob.jr", "bobby", "b_b", "bxb", "alice", "robert"] {
        new_user(t, &o, name).await;
    }
    let names = |p: skydir_core::page::Page<skydir_core::directory::User>| {
        p.items
            .iter()
            .map(|u| u.username.to_string())
            .collect::<Vec<_>>()
    };
    let found = t
        .store
        .search_users(o.id, "bob", &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(names(found), ["bob", "bob.jr", "bobby"]);
    // `_` and `%` are literal, not LIKE wildcards.
    let found = t
        .store
        .search_users(o.id, "b_", &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(names(found), ["b_b"]);
    let found = t
        .store
        .search_users(o.id, "%", &PageRequest::first(10))
        .await
        .unwrap();
    assert!(found.items.is_empty());
    // Paged like the full list.
    let first = t
        .store
        .search_users(o.id, "bob", &PageRequest::first(2))
        .await
        .unwrap();
    assert_eq!(first.next.as_deref(), Some("bob.jr"));
    let rest = t
        .store
        .search_users(
            o.id,
            "bob",
            &PageRequest {
                after: first.next.clone(),
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(names(rest), ["bobby"]);
}

async fn password_resets_are_used_once_and_go_with_their_user(t: &TempStore) {
    use skydir_core::auth::reset::{LinkPurpose, PasswordReset};
    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "bob").await;
    let reset = PasswordReset {
        token_hash: "ab".repeat(32),
        org: o.id,
        user: u.id,
        purpose: LinkPurpose::Reset,
        created_at: now(),
        expires_at: now(),
        used_at: None,
    };
    commit(t, Some(o.id), vec![Write::PutPasswordReset(reset.clone())]).await;
    assert_eq!(
        t.store.password_reset(&reset.token_hash).await.unwrap(),
        Some(reset.clone())
    );
    assert_eq!(
        t.store.password_reset(&"cd".repeat(32)).await.unwrap(),
        None
    );
    // Links are counted per user since a time (the login page's rate limit).
    let minute = jiff::SignedDuration::from_mins(1);
    assert_eq!(
        t.store
            .password_resets_since(o.id, u.id, now().checked_sub(minute).unwrap())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        t.store
            .password_resets_since(o.id, u.id, now().checked_add(minute).unwrap())
            .await
            .unwrap(),
        0
    );
    let other = new_user(t, &o, "carol").await;
    assert_eq!(
        t.store
            .password_resets_since(o.id, other.id, skydir_core::Timestamp::MIN)
            .await
            .unwrap(),
        0
    );
    let spend = || Write::UsePasswordReset {
        token_hash: reset.token_hash.clone(),
        at: now(),
    };
    commit(t, Some(o.id), vec![spend()]).await;
    let used = t
        .store
        .password_reset(&reset.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.used_at, Some(now()));
    let again = try_commit(t, Some(o.id), vec![spend()]).await;
    assert!(
        matches!(&again, Err(skydir_core::CoreError::Conflict { field, .. }) if field == "link"),
        "{again:?}"
    );
    commit(t, Some(o.id), vec![Write::EraseUser(u.id)]).await;
    assert_eq!(
        t.store.password_reset(&reset.token_hash).await.unwrap(),
        None
    );
}

/// Invitations are kept like reset links with what they are for: the newest one of a user (and
/// the org's first administrator's) is found, invitations do not count toward the login page's
/// reset-link limit, and ending a user's links ends every unused one — of that user only.
async fn invitations_are_found_newest_first_and_end_together(t: &TempStore) {
    use skydir_core::auth::reset::{LinkPurpose, PasswordReset};
    let o = new_org(t, "acme").await;
    let alice = new_user(t, &o, "alice").await;
    let bob = new_user(t, &o, "bob").await;
    let minute = jiff::SignedDuration::from_mins(1);
    let link = |hash: &str, user, purpose, at: jiff::Timestamp| PasswordReset {
        token_hash: hash.repeat(32),
        org: o.id,
        user,
        purpose,
        created_at: at,
        expires_at: at.checked_add(purpose.valid_for()).unwrap(),
        used_at: None,
    };
    let first = link("a1", alice.id, LinkPurpose::FirstAdmin, now());
    let second = link(
        "a2",
        alice.id,
        LinkPurpose::FirstAdmin,
        now().checked_add(minute).unwrap(),
    );
    let reset = link("a3", alice.id, LinkPurpose::Reset, now());
    let bobs = link("b1", bob.id, LinkPurpose::Invitation, now());
    commit(
        t,
        Some(o.id),
        [&first, &second, &reset, &bobs]
            .into_iter()
            .map(|l| Write::PutPasswordReset(l.clone()))
            .collect(),
    )
    .await;
    let s = &t.store;
    assert_eq!(
        s.latest_invitation(o.id, alice.id).await.unwrap(),
        Some(second.clone())
    );
    assert_eq!(
        s.first_admin_invitation(o.id).await.unwrap(),
        Some(second.clone())
    );
    assert_eq!(
        s.latest_invitation(o.id, bob.id).await.unwrap(),
        Some(bobs.clone())
    );
    // Only the reset link counts toward the login page's limit.
    assert_eq!(
        s.password_resets_since(o.id, alice.id, skydir_core::Timestamp::MIN)
            .await
            .unwrap(),
        1
    );
    // Ending Alice's links ends all three of hers and none of Bob's.
    let at = now().checked_add(minute).unwrap();
    commit(
        t,
        Some(o.id),
        vec![Write::EndPasswordLinks { user: alice.id, at }],
    )
    .await;
    for l in [&first, &second, &reset] {
        let read = s.password_reset(&l.token_hash).await.unwrap().unwrap();
        assert_eq!(read.used_at, Some(at), "{}", l.token_hash);
    }
    let b = s.password_reset(&bobs.token_hash).await.unwrap().unwrap();
    assert_eq!(b.used_at, None);
    // Another org sees none of it.
    let other = new_org(t, "other").await;
    assert_eq!(s.first_admin_invitation(other.id).await.unwrap(), None);
    assert_eq!(s.latest_invitation(other.id, bob.id).await.unwrap(), None);
}

async fn posix_numbers_are_allocated_per_org(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let other = new_org(t, "other").await;
    let a = new_user(t, &o, "a").await;
    let b = new_user(t, &o, "b").await;
    assert_eq!(
        (a.posix.uid_number, a.posix.gid_number),
        (FIRST_UID, FIRST_UID)
    );
    assert_eq!(
        (b.posix.uid_number, b.posix.gid_number),
        (FIRST_UID + 1, FIRST_UID + 1)
    );
    // Another org starts from the beginning.
    let x = new_user(t, &other, "x").await;
    assert_eq!(x.posix.uid_number, FIRST_UID);

    // An explicit number is kept, and allocation continues above the highest.
    let mut c = user(&o, "c");
    c.posix.uid_number = 15_000;
    c.posix.gid_number = 100;
    commit(
        t,
        Some(o.id),
        vec![Write::CreateUser {
            user: Box::new(c.clone()),
            credential: None,
        }],
    )
    .await;
    let d = new_user(t, &o, "d").await;
    assert_eq!(d.posix.uid_number, 15_001);
    let c = t.store.user_by_id(o.id, c.id).await.unwrap().unwrap();
    assert_eq!((c.posix.uid_number, c.posix.gid_number), (15_000, 100));

    // Two users created in one change get consecutive numbers.
    let (e, f) = (user(&o, "e"), user(&o, "f"));
    commit(
        t,
        Some(o.id),
        vec![
            Write::CreateUser {
                user: Box::new(e.clone()),
                credential: None,
            },
            Write::CreateUser {
                user: Box::new(f.clone()),
                credential: None,
            },
        ],
    )
    .await;
    let e = t.store.user_by_id(o.id, e.id).await.unwrap().unwrap();
    let f = t.store.user_by_id(o.id, f.id).await.unwrap().unwrap();
    assert_eq!((e.posix.uid_number, f.posix.uid_number), (15_002, 15_003));

    // Groups: from FIRST_GID, explicit numbers kept.
    let g1 = new_group(t, &o, "staff").await;
    let g2 = new_group(t, &o, "admins").await;
    assert_eq!((g1.gid_number, g2.gid_number), (FIRST_GID, FIRST_GID + 1));
    let mut g3 = group(&o, "legacy");
    g3.gid_number = 5000;
    commit(t, Some(o.id), vec![Write::CreateGroup(g3.clone())]).await;
    assert_eq!(
        t.store
            .group_by_id(o.id, g3.id)
            .await
            .unwrap()
            .unwrap()
            .gid_number,
        5000
    );
    assert_eq!(new_group(t, &other, "staff").await.gid_number, FIRST_GID);
}

async fn credential_and_login_state(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "ann").await;
    let s = &t.store;
    let c = s.credential(o.id, u.id).await.unwrap().unwrap();
    assert!(c.hash.starts_with("$argon2id$"));
    assert_eq!(c.state, LoginState::default());

    let locked = LoginState {
        failures: 5,
        locked_until: Some(now()),
    };
    commit(
        t,
        Some(o.id),
        vec![Write::SetLoginState {
            user: u.id,
            state: locked,
        }],
    )
    .await;
    assert_eq!(
        s.credential(o.id, u.id).await.unwrap().unwrap().state,
        locked
    );

    commit(
        t,
        Some(o.id),
        vec![Write::SetCredential {
            user: u.id,
            credential: credential("{SSHA}bmV3aGFzaA=="),
        }],
    )
    .await;
    let c = s.credential(o.id, u.id).await.unwrap().unwrap();
    assert_eq!(c.hash, "{SSHA}bmV3aGFzaA==");
    assert_eq!(c.state, LoginState::default());

    // A user created without a credential can get one; login state needs one.
    let mut v = user(&o, "ben");
    v.posix.uid_number = 0;
    commit(
        t,
        Some(o.id),
        vec![Write::CreateUser {
            user: Box::new(v.clone()),
            credential: None,
        }],
    )
    .await;
    let r = try_commit(
        t,
        Some(o.id),
        vec![Write::SetLoginState {
            user: v.id,
            state: locked,
        }],
    )
    .await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
    commit(
        t,
        Some(o.id),
        vec![Write::SetCredential {
            user: v.id,
            credential: credential("{SSHA}Zmlyc3Q="),
        }],
    )
    .await;
    assert!(s.credential(o.id, v.id).await.unwrap().is_some());

    // Setting a credential for a user that does not exist is NotFound.
    let r = try_commit(
        t,
        Some(o.id),
        vec![Write::SetCredential {
            user: UserId::from_random([9; 16]),
            credential: credential("{SSHA}eA=="),
        }],
    )
    .await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
}

async fn admin_role_set_and_unset(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let a = new_user(t, &o, "a").await;
    let b = new_user(t, &o, "b").await;
    let set = |user, admin| vec![Write::SetAdmin { user, admin }];
    commit(t, Some(o.id), set(a.id, true)).await;
    commit(t, Some(o.id), set(b.id, true)).await;
    commit(t, Some(o.id), set(b.id, true)).await; // idempotent
    let mut admins = t.store.admins(o.id).await.unwrap();
    admins.sort();
    let mut want = vec![a.id, b.id];
    want.sort();
    assert_eq!(admins, want);
    commit(t, Some(o.id), set(a.id, false)).await;
    assert_eq!(t.store.admins(o.id).await.unwrap(), vec![b.id]);
    let r = try_commit(t, Some(o.id), set(UserId::from_random([3; 16]), true)).await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
}

async fn erase_removes_the_user_and_everything_hanging_off_it(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let u = new_user(t, &o, "gone").await;
    let keep = new_user(t, &o, "kept").await;
    let g = new_group(t, &o, "staff").await;
    let r = resource(&o, "wiki");
    let b = binding(&o, &r, BindingSubject::User(u.id));
    let tok = token(
        TokenSubject::User {
            org: o.id,
            user: u.id,
        },
        "cli",
    );
    commit(
        t,
        Some(o.id),
        vec![
            Write::AddMember {
                group: g.id,
                member: GroupMember::User(u.id),
            },
            Write::AddMember {
                group: g.id,
                member: GroupMember::User(keep.id),
            },
            Write::SetAdmin {
                user: u.id,
                admin: true,
            },
            Write::CreateResource(r.clone()),
            Write::CreateBinding(b.clone()),
            Write::CreateToken(tok.clone()),
        ],
    )
    .await;
    commit(t, Some(o.id), vec![Write::EraseUser(u.id)]).await;

    let s = &t.store;
    assert_eq!(s.user_by_id(o.id, u.id).await.unwrap(), None);
    assert_eq!(s.user_by_email(o.id, &u.email).await.unwrap(), None);
    assert_eq!(s.credential(o.id, u.id).await.unwrap(), None);
    assert!(s.admins(o.id).await.unwrap().is_empty());
    assert_eq!(
        s.members(o.id, g.id).await.unwrap(),
        vec![GroupMember::User(keep.id)]
    );
    assert_eq!(s.binding_by_id(o.id, b.id).await.unwrap(), None);
    assert_eq!(s.token_by_hash(&tok.secret_hash).await.unwrap(), None);
    assert_eq!(s.count_users(o.id).await.unwrap(), 1);
    assert_eq!(s.user_by_id(o.id, keep.id).await.unwrap(), Some(keep));

    // Erasing again: the user is not there.
    let r = try_commit(t, Some(o.id), vec![Write::EraseUser(u.id)]).await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
}

async fn reads_never_cross_orgs(t: &TempStore) {
    let a = new_org(t, "a").await;
    let b = new_org(t, "b").await;
    let ua = new_user(t, &a, "ann").await;
    let ga = new_group(t, &a, "staff").await;
    let s = &t.store;
    assert_eq!(s.user_by_id(b.id, ua.id).await.unwrap(), None);
    assert_eq!(s.user_by_name(b.id, &ua.username).await.unwrap(), None);
    assert_eq!(s.user_by_email(b.id, &ua.email).await.unwrap(), None);
    assert_eq!(s.group_by_id(b.id, ga.id).await.unwrap(), None);
    assert_eq!(s.credential(b.id, ua.id).await.unwrap(), None);

    // Writes naming another org's records by id find nothing…
    let r = try_commit(t, Some(b.id), vec![Write::EraseUser(ua.id)]).await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
    let r = try_commit(
        t,
        Some(b.id),
        vec![Write::AddMember {
            group: ga.id,
            member: GroupMember::User(ua.id),
        }],
    )
    .await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::NotFound { .. })),
        "{r:?}"
    );
    // …and a change scoped to one org cannot carry another org's record.
    let r = try_commit(t, Some(b.id), vec![Write::CreateGroup(group(&a, "x"))]).await;
    assert!(
        matches!(r, Err(skydir_core::CoreError::Internal(_))),
        "{r:?}"
    );
    assert!(s.user_by_id(a.id, ua.id).await.unwrap().is_some());
}

async fn concurrent_creations_get_distinct_uids(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let mut o2 = o.clone();
    o2.plan = skydir_core::directory::Plan::new(
        skydir_core::directory::PlanKind::Annual,
        Some(100),
        None,
    )
    .unwrap();
    commit(t, Some(o.id), vec![Write::UpdateOrg(o2.clone())]).await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = t.store.clone();
        let u = user(&o, &format!("u{i}"));
        let plan = o2.plan.clone();
        tasks.push(tokio::spawn(async move {
            let c = skydir_core::change::Change::new(Some(u.org))
                .write(Write::CreateUser {
                    user: Box::new(u),
                    credential: None,
                })
                .audit(draft(Some(o2.id), "user.create"))
                .seats(plan, now());
            store.commit(c).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let users = t
        .store
        .list_users(o.id, &PageRequest::first(100))
        .await
        .unwrap();
    let mut uids: Vec<u32> = users.items.iter().map(|u| u.posix.uid_number).collect();
    uids.sort();
    assert_eq!(uids, (FIRST_UID..FIRST_UID + 12).collect::<Vec<_>>());
}
