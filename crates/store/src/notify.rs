//! Change notices across server processes sharing one PostgreSQL database. Each commit that
//! touches the directory sends `pg_notify` inside its transaction (so it is delivered only if
//! the commit lands, and in commit order); every process LISTENs and feeds notices from other
//! processes into its own change stream, which keeps their LDAP read models current.
//! If the listening connection drops, notices may have been missed, so a reconnect asks
//! readers to reload everything.

use crate::store::{Inner, Store};
use serde::{Deserialize, Serialize};
use skydir_core::change::Touched;
use sqlx::postgres::{PgListener, PgPool};
use std::sync::Weak;
use std::time::Duration;
use uuid::Uuid;

/// The notification channel.
pub(crate) const CHANNEL: &str = "skydir_touched";

/// PostgreSQL refuses payloads of 8000 bytes or more; bigger notices become org reloads.
const MAX_PAYLOAD: usize = 7900;

#[derive(Serialize, Deserialize)]
struct Payload {
    origin: Uuid,
    touched: Touched,
}

/// The payload announcing `t` from process `origin`.
pub(crate) fn payload(origin: Uuid, t: &Touched) -> String {
    let full = serde_json::to_string(&Payload {
        origin,
        touched: t.clone(),
    })
    .unwrap_or_default();
    if full.len() < MAX_PAYLOAD && !full.is_empty() {
        return full;
    }
    serde_json::to_string(&Payload {
        origin,
        touched: t.as_reload(),
    })
    .unwrap_or_default()
}

/// Listens until the store is dropped or closed (the task is aborted then).
pub(crate) async fn listen(store: Weak<Inner>, pool: PgPool, origin: Uuid) {
    let mut listener = loop {
        match connect(&pool).await {
            Ok(l) => break l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot LISTEN for changes from other processes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    loop {
        let next = listener.try_recv().await;
        let Some(inner) = store.upgrade() else {
            return;
        };
        let store = Store { inner };
        match next {
            Ok(Some(n)) => match serde_json::from_str::<Payload>(n.payload()) {
                Ok(p) if p.origin != origin => store.notify(p.touched),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "ignoring a malformed change notice"),
            },
            Ok(None) => {
                tracing::warn!("lost the LISTEN connection; readers reload everything");
                store.notify(Touched::everything());
            }
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN failed; retrying");
                drop(store);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

async fn connect(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut l = PgListener::connect_with(pool).await?;
    l.listen(CHANNEL).await?;
    Ok(l)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use skydir_core::ids::{OrgId, UserId};

    #[test]
    fn big_notices_become_org_reloads_under_the_payload_limit() {
        let org = OrgId::from_random([1; 16]);
        let mut t = Touched::everything();
        t.org = org;
        t.reload = false;
        t.users = (0..4096u32)
            .map(|i| {
                let mut b = [0u8; 16];
                b[..4].copy_from_slice(&i.to_be_bytes());
                UserId::from_random(b)
            })
            .collect();
        let p = payload(Uuid::nil(), &t);
        assert!(p.len() < MAX_PAYLOAD);
        let back: Payload = serde_json::from_str(&p).unwrap();
        assert!(back.touched.reload && back.touched.users.is_empty() && back.touched.org == org);
        t.users.truncate(3);
        let back: Payload = serde_json::from_str(&payload(Uuid::nil(), &t)).unwrap();
        assert_eq!(back.touched.users, t.users);
    }
}
