//! The hash chain: each event's hash covers the previous hash and the event's fields, so editing,
//! reordering or deleting an event breaks every later link; the store also keeps the chain head
//! (last seq and hash) apart from the events, so cutting off the tail is detected too.

use super::AuditEvent;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first event of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Hash of one event given its predecessor's hash. Fields are length-prefixed so no two
/// different events can produce the same input.
pub fn chain_hash(prev_hash: &str, e: &AuditEvent) -> String {
    let mut h = Sha256::new();
    let detail = e.detail.to_string();
    let seq = e.seq.to_string();
    let at = e.at.as_microsecond().to_string();
    for part in [
        prev_hash,
        e.chain.as_str(),
        seq.as_str(),
        at.as_str(),
        e.actor.as_str(),
        e.action.as_str(),
        e.target.as_str(),
        e.outcome.as_str(),
        detail.as_str(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where and why a chain failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("chain {chain}: event {seq} is out of sequence (expected {expected})")]
    Gap {
        chain: String,
        seq: u64,
        expected: u64,
    },
    #[error("chain {chain}: event {seq} does not link to its predecessor")]
    BadLink { chain: String, seq: u64 },
    #[error("chain {chain}: event {seq} was altered (hash mismatch)")]
    Altered { chain: String, seq: u64 },
    #[error("chain {chain}: events end at {last} but the recorded head is {head}")]
    Truncated { chain: String, last: u64, head: u64 },
    #[error("chain {chain}: head hash does not match the last event")]
    HeadMismatch { chain: String },
}

/// Verifies one chain's events (in seq order, starting at 1) against its recorded head
/// `(last_seq, last_hash)`.
pub fn verify_chain(
    chain: &str,
    events: impl IntoIterator<Item = AuditEvent>,
    head: Option<(u64, String)>,
) -> Result<u64, ChainBreak> {
    let mut prev = GENESIS.to_string();
    let mut expected = 1u64;
    for e in events {
        if e.seq != expected {
            return Err(ChainBreak::Gap {
                chain: chain.into(),
                seq: e.seq,
                expected,
            });
        }
        if e.prev_hash != prev {
            return Err(ChainBreak::BadLink {
                chain: chain.into(),
                seq: e.seq,
            });
        }
        if chain_hash(&prev, &e) != e.hash {
            return Err(ChainBreak::Altered {
                chain: chain.into(),
                seq: e.seq,
            });
        }
        prev = e.hash;
        expected += 1;
    }
    let last = expected - 1;
    match head {
        Some((head_seq, head_hash)) => {
            if head_seq != last {
                return Err(ChainBreak::Truncated {
                    chain: chain.into(),
                    last,
                    head: head_seq,
                });
            }
            if head_hash != prev {
                return Err(ChainBreak::HeadMismatch {
                    chain: chain.into(),
                });
            }
        }
        None if last > 0 => {
            return Err(ChainBreak::Truncated {
                chain: chain.into(),
                last,
                head: 0,
            });
        }
        None => {}
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Outcome;
    use jiff::Timestamp;

    fn chain_of(n: u64) -> Vec<AuditEvent> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEvent {
                    chain: "-".into(),
                    seq,
                    at: Timestamp::UNIX_EPOCH,
                    actor: "system".into(),
                    action: "org.create".into(),
                    target: format!("org:{seq}"),
                    outcome: Outcome::Success,
                    detail: serde_json::json!({"n": seq}),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = chain_hash(&prev, &e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn head(v: &[AuditEvent]) -> Option<(u64, String)> {
        v.last().map(|e| (e.seq, e.hash.clone()))
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain_of(5);
        assert_eq!(verify_chain("-", c.clone(), head(&c)), Ok(5));
        assert_eq!(verify_chain("-", vec![], None), Ok(0));
    }

    #[test]
    fn alteration_deletion_and_truncation_are_detected() {
        let c = chain_of(5);
        let h = head(&c);
        let mut altered = c.clone();
        altered[2].target = "org:999".into();
        assert!(matches!(
            verify_chain("-", altered, h.clone()),
            Err(ChainBreak::Altered { seq: 3, .. })
        ));
        let mut deleted = c.clone();
        deleted.remove(1);
        assert!(matches!(
            verify_chain("-", deleted, h.clone()),
            Err(ChainBreak::Gap { seq: 3, .. })
        ));
        let truncated = c[..4].to_vec();
        assert!(matches!(
            verify_chain("-", truncated, h),
            Err(ChainBreak::Truncated {
                last: 4,
                head: 5,
                ..
            })
        ));
    }
}
