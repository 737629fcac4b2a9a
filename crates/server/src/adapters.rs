//! The outside-world implementations of the core's small ports: the system clock, the OS
//! random generator, and password hashing off the async executor with bounded concurrency.

use skydir_core::CoreResult;
use skydir_core::auth::credential::{hash_password, verify_password};
use skydir_core::auth::{Argon2Params, Verification};
use skydir_core::ports::{BoxFuture, Clock, PasswordWork, Rng};
use skydir_core::secret::Secret;
use skydir_core::{CoreError, Timestamp};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The real clock (the one place that reads the system time).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The operating system's CSPRNG (through rand's thread-local, OS-seeded ChaCha generator).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl Rng for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        use rand::RngCore;
        rand::rng().fill_bytes(buf);
    }
}

/// Argon2 on the blocking pool, at most `workers` at a time, so logins cannot starve the
/// executor or exhaust memory.
#[derive(Debug, Clone)]
pub struct BlockingPasswordWork {
    params: Argon2Params,
    permits: Arc<Semaphore>,
}

impl BlockingPasswordWork {
    /// `workers` concurrent hashes with `params`.
    pub fn new(params: Argon2Params, workers: usize) -> Self {
        Self {
            params,
            permits: Arc::new(Semaphore::new(workers)),
        }
    }
}

async fn offload<T: Send + 'static>(
    permits: Arc<Semaphore>,
    f: impl FnOnce() -> CoreResult<T> + Send + 'static,
) -> CoreResult<T> {
    let _permit = permits
        .acquire_owned()
        .await
        .map_err(|_| CoreError::Internal("password workers shut down".into()))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| CoreError::Internal("password worker failed".into()))?
}

impl PasswordWork for BlockingPasswordWork {
    fn hash(&self, password: Secret, salt: [u8; 16]) -> BoxFuture<'static, CoreResult<String>> {
        let params = self.params;
        Box::pin(offload(self.permits.clone(), move || {
            hash_password(&password, &salt, &params)
        }))
    }

    fn verify(
        &self,
        stored: String,
        password: Secret,
    ) -> BoxFuture<'static, CoreResult<Verification>> {
        let params = self.params;
        Box::pin(offload(self.permits.clone(), move || {
            verify_password(&stored, &password, &params)
        }))
    }
}
