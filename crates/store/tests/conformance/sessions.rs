//! Ending a person's sessions: `Write::EndSessions` revokes, in the change's transaction, every
//! token of that one person not revoked yet — login sessions always, personal API tokens when
//! asked — except the one to keep, and never anyone else's.

use crate::fixtures::*;
use skydir_core::auth::{ApiToken, TokenSubject};
use skydir_core::change::Write;
use skydir_core::ports::DirectoryStore;
use skydir_store::testing::TempStore;

on_both_backends!(ending_sessions_spares_the_kept_token_api_tokens_if_asked_and_other_people,);

fn session(o: &skydir_core::directory::Org, u: &skydir_core::directory::User) -> ApiToken {
    let mut t = token(
        TokenSubject::User {
            org: o.id,
            user: u.id,
        },
        "session",
    );
    t.idle_secs = Some(3600);
    t
}

async fn ending_sessions_spares_the_kept_token_api_tokens_if_asked_and_other_people(t: &TempStore) {
    let o = new_org(t, "acme").await;
    let ann = new_user(t, &o, "ann").await;
    let bob = new_user(t, &o, "bob").await;
    let (laptop, phone, tablet) = (session(&o, &ann), session(&o, &ann), session(&o, &ann));
    let script = token(
        TokenSubject::User {
            org: o.id,
            user: ann.id,
        },
        "script",
    );
    let bobs = session(&o, &bob);
    let writes = [&laptop, &phone, &tablet, &script, &bobs]
        .into_iter()
        .map(|t| Write::CreateToken(t.clone()))
        .collect();
    commit(t, Some(o.id), writes).await;
    let s = &t.store;
    let revoked = |tok: &ApiToken| {
        let h = tok.secret_hash;
        async move {
            s.token_by_hash(&h)
                .await
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some()
        }
    };
    // Sessions only, the laptop kept.
    commit(
        t,
        Some(o.id),
        vec![Write::EndSessions {
            user: ann.id,
            at: now(),
            keep: Some(laptop.id),
            api_tokens: false,
        }],
    )
    .await;
    assert!(!revoked(&laptop).await, "the kept session");
    assert!(revoked(&phone).await && revoked(&tablet).await);
    assert!(!revoked(&script).await, "API tokens were not asked for");
    assert!(!revoked(&bobs).await, "another person's session");
    let at = s.token_by_hash(&phone.secret_hash).await.unwrap().unwrap();
    assert_eq!(at.revoked_at, Some(now()));
    // Everything, API tokens included, nothing kept.
    commit(
        t,
        Some(o.id),
        vec![Write::EndSessions {
            user: ann.id,
            at: now(),
            keep: None,
            api_tokens: true,
        }],
    )
    .await;
    assert!(revoked(&laptop).await && revoked(&script).await);
    assert!(s.user_tokens(o.id, ann.id).await.unwrap().is_empty());
    assert!(!revoked(&bobs).await);
    // Another org's change reaches nobody of this one.
    let other = new_org(t, "globex").await;
    let bobs_again = session(&o, &bob);
    commit(t, Some(o.id), vec![Write::CreateToken(bobs_again.clone())]).await;
    commit(
        t,
        Some(other.id),
        vec![Write::EndSessions {
            user: bob.id,
            at: now(),
            keep: None,
            api_tokens: true,
        }],
    )
    .await;
    assert!(!revoked(&bobs_again).await);
}
