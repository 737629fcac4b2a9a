//! The orphan sweep. A user's or org's key is written to the keyring before the transaction
//! that creates the record commits, and a user's key is destroyed after the transaction that
//! erases it commits; a crash between the two leaves a key with no record. At start-up such
//! keys are destroyed — but only once they are older than a grace period, because on
//! PostgreSQL another server process may be about to commit the record right now.

use crate::db::Arg;
use crate::error::StoreResult;
use crate::keyring::{DEPLOYMENT_OWNER, KeyOwner, placeholders};
use crate::store::Store;
use sqlx::AssertSqlSafe;
use std::collections::HashSet;

const CHUNK: usize = 500;

impl Store {
    /// Destroys keys whose org or user no longer exists; returns how many.
    pub(crate) async fn sweep_orphan_keys(&self) -> StoreResult<u64> {
        let keys = self.keyring().sweepable().await?;
        if keys.is_empty() {
            return Ok(0);
        }
        let orgs: Vec<String> = keys
            .iter()
            .filter(|k| k.user.is_none())
            .map(|k| k.org.clone())
            .collect();
        let users: Vec<String> = keys.iter().filter_map(|k| k.user.clone()).collect();
        let live_orgs = self.existing("orgs", &orgs).await?;
        let live_users = self.existing("users", &users).await?;
        let orphans: Vec<String> = keys
            .into_iter()
            .filter(|k| !(k.org == DEPLOYMENT_OWNER && k.user.is_none()))
            .filter(|KeyOwner { org, user, .. }| match user {
                Some(u) => !live_users.contains(u),
                None => !live_orgs.contains(org),
            })
            .map(|k| k.id)
            .collect();
        self.keyring().destroy_texts(&orphans).await?;
        Ok(orphans.len() as u64)
    }

    /// The ids among `ids` that exist in `table` (a fixed table name from this module).
    async fn existing(&self, table: &'static str, ids: &[String]) -> StoreResult<HashSet<String>> {
        let mut out = HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT id FROM {table} WHERE id IN ({})",
                placeholders(1, chunk.len())
            );
            let params: Vec<Arg> = chunk.iter().map(Arg::from).collect();
            for row in self.db().fetch_all(AssertSqlSafe(sql), params).await? {
                out.insert(row.text(0)?);
            }
        }
        Ok(out)
    }
}
