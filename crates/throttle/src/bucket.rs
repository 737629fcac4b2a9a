//! One budget kept per key (a client address, a mail sender) as a GCRA token bucket: each key
//! stores only the instant its bucket will be full again, so a check is one map lookup. Keys
//! whose bucket has refilled are forgotten, and the table has a ceiling; when an attack spread
//! over more addresses than the ceiling fills it, new keys pass untracked (per-address limits
//! cannot stop such an attack anyway) and the refusal is counted by the caller's metrics.
//!
//! Beyond the usual "take one", a failed-sign-in budget must be *checked before* the password
//! is verified and *spent only after* the attempt failed, past the limit when failures come
//! concurrently — which is why this is not `governor`, whose buckets can be neither peeked at
//! nor charged into debt.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::rate::Rate;

const SHARDS: usize = 16;

/// How long to wait before the bucket has room again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

/// Token buckets, one per key.
#[derive(Debug)]
pub struct Limiter<K> {
    rate: Option<Rate>,
    shards: Vec<Mutex<HashMap<K, Instant>>>,
    hasher: RandomState,
    per_shard: usize,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// Buckets of `rate` (`None`: no limit), tracking at most `max_keys` keys.
    pub fn new(rate: Option<Rate>, max_keys: usize) -> Self {
        Self {
            rate,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: RandomState::new(),
            per_shard: max_keys.div_ceil(SHARDS).max(1),
        }
    }

    /// Spends one from `key`'s bucket, or says how long until one is there.
    pub fn take(&self, key: &K, now: Instant) -> Result<(), Wait> {
        self.step(key, now, Step::Take)
    }

    /// Whether `key` could spend one now (spends nothing).
    pub fn peek(&self, key: &K, now: Instant) -> Result<(), Wait> {
        self.step(key, now, Step::Peek)
    }

    /// Spends one even from an empty bucket (up to one period of debt): for what is only
    /// known to have been unauthenticated after it was served.
    pub fn charge(&self, key: &K, now: Instant) {
        let _ = self.step(key, now, Step::Charge);
    }

    /// Keys tracked now (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }

    fn shard(&self, key: &K) -> std::sync::MutexGuard<'_, HashMap<K, Instant>> {
        let i = (self.hasher.hash_one(key) as usize) % SHARDS;
        // A panic while holding the lock leaves a consistent map: keep using it.
        self.shards[i].lock().unwrap_or_else(|p| p.into_inner())
    }

    fn step(&self, key: &K, now: Instant, step: Step) -> Result<(), Wait> {
        let Some(rate) = self.rate else {
            return Ok(());
        };
        let interval = rate.interval();
        let mut shard = self.shard(key);
        let full_at = shard.get(key).copied().unwrap_or(now).max(now);
        let after = full_at + interval;
        // The bucket holds `period` worth of allowance: it overflows past `now + period`.
        let limit = now + rate.period;
        let verdict = if after > limit {
            Err(Wait(after - limit))
        } else {
            Ok(())
        };
        let store = match step {
            Step::Peek => None,
            Step::Take => verdict.is_ok().then_some(after),
            Step::Charge => Some(after.min(limit + rate.period)),
        };
        if let Some(at) = store {
            if !shard.contains_key(key) && shard.len() >= self.per_shard {
                shard.retain(|_, full| *full > now);
                if shard.len() >= self.per_shard {
                    return verdict;
                }
            }
            shard.insert(key.clone(), at);
        }
        verdict
    }
}

#[derive(Clone, Copy)]
enum Step {
    Peek,
    Take,
    Charge,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn limiter(burst: u32, secs: u64) -> Limiter<u8> {
        Limiter::new(Some(Rate::new(burst, Duration::from_secs(secs))), 64)
    }

    #[test]
    fn a_bucket_spends_its_burst_then_refills_one_interval_at_a_time() {
        let l = limiter(3, 30);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.take(&1, t0), Ok(()));
        }
        assert_eq!(l.take(&1, t0), Err(Wait(Duration::from_secs(10))));
        assert_eq!(l.take(&2, t0), Ok(()), "another key has its own bucket");
        let later = t0 + Duration::from_secs(10);
        assert_eq!(l.take(&1, later), Ok(()));
        assert!(l.take(&1, later).is_err());
        let full = t0 + Duration::from_secs(40);
        for _ in 0..3 {
            assert_eq!(l.take(&1, full), Ok(()));
        }
    }

    #[test]
    fn peek_spends_nothing() {
        let l = limiter(2, 20);
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(l.peek(&1, t0), Ok(()));
        }
        l.take(&1, t0).unwrap();
        l.take(&1, t0).unwrap();
        assert_eq!(l.peek(&1, t0), Err(Wait(Duration::from_secs(10))));
    }

    #[test]
    fn charges_run_into_debt_of_at_most_one_period() {
        let l = limiter(2, 20);
        let t0 = Instant::now();
        for _ in 0..100 {
            l.charge(&1, t0);
        }
        assert_eq!(l.peek(&1, t0), Err(Wait(Duration::from_secs(30))));
        assert_eq!(l.peek(&1, t0 + Duration::from_secs(30)), Ok(()));
    }

    #[test]
    fn no_rate_means_no_limit_and_nothing_tracked() {
        let l: Limiter<u8> = Limiter::new(None, 64);
        let t0 = Instant::now();
        for _ in 0..10_000 {
            assert_eq!(l.take(&1, t0), Ok(()));
        }
        assert_eq!(l.tracked(), 0);
    }

    #[test]
    fn the_table_forgets_full_buckets_and_stops_growing_at_its_ceiling() {
        let l: Limiter<u32> = Limiter::new(Some(Rate::new(1, Duration::from_secs(60))), 32);
        let t0 = Instant::now();
        for k in 0..10_000 {
            let _ = l.take(&k, t0);
        }
        assert!(l.tracked() <= 32 + SHARDS, "tracked {}", l.tracked());
        // Once those buckets are full again they are forgotten to make room.
        let later = t0 + Duration::from_secs(61);
        for k in 20_000..20_010 {
            l.take(&k, later).unwrap();
        }
        assert!(
            l.take(&20_000, later).is_err(),
            "new keys are tracked again"
        );
    }
}
