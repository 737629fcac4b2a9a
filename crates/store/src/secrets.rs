//! Deployment-wide secrets for the front ends, derived from the deployment key in the keyring
//! (HKDF-SHA256, one `purpose` each): every process of a deployment derives the same secret
//! without it being stored anywhere, and no two purposes share key material. The web console
//! keys its CSRF tokens with one.

use crate::crypto::derive;
use crate::error::StoreError;
use crate::store::Store;
use zeroize::Zeroizing;

impl Store {
    /// The 32-byte secret of `purpose` (e.g. `b"skydir/console/csrf"`).
    pub async fn deployment_secret(
        &self,
        purpose: &[u8],
    ) -> Result<Zeroizing<[u8; 32]>, StoreError> {
        let key = derive(&self.keyring().deployment().await?, purpose)?;
        Ok(Zeroizing::new(*key.bytes()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::Backend;
    use crate::testing::temp_store;

    #[tokio::test]
    async fn secrets_differ_by_purpose_and_every_opening_derives_the_same() {
        let t = temp_store(Backend::Sqlite).await.unwrap();
        let a = t.store.deployment_secret(b"one").await.unwrap();
        let b = t.store.deployment_secret(b"two").await.unwrap();
        assert_ne!(*a, *b);
        let again = t.reopen().await.unwrap();
        assert_eq!(*a, *again.deployment_secret(b"one").await.unwrap());
        again.close().await;
        t.cleanup().await.unwrap();
    }
}
