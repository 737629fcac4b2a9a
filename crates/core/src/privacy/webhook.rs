//! The erasure webhook's wire: the JSON body skydir posts to a connector, and the signature
//! both directions carry — `Skydir-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
//! `"<t>.<body>"` with the connector's secret (the scheme Stripe and GitHub receivers know).
//! A signature older or newer than five minutes is refused, so a captured callback cannot be
//! replayed later.

use super::erasure::{ConnectorSecret, ErasureRequest};
use crate::error::{CoreError, CoreResult};
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use serde_json::json;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Skydir-Signature";
/// How far a signature's time may be from ours.
pub const TOLERANCE_SECS: i64 = 300;

fn mac(secret: &ConnectorSecret, t: i64, body: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m.finalize().into_bytes().to_vec()
}

/// The header value signing `body` at `now`.
pub fn sign(secret: &ConnectorSecret, now: Timestamp, body: &[u8]) -> String {
    let t = now.as_second();
    format!("t={t},v1={}", hex::encode(mac(secret, t, body)))
}

/// Checks a header value against `body`.
pub fn verify(
    secret: &ConnectorSecret,
    header: &str,
    body: &[u8],
    now: Timestamp,
) -> CoreResult<()> {
    let bad = |why: &str| Err(CoreError::invalid(SIGNATURE_HEADER, why));
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.extend(hex::decode(v).ok()),
            _ => {}
        }
    }
    let Some(t) = t else {
        return bad("has no time (t=<unix seconds>)");
    };
    if (now.as_second() - t).abs() > TOLERANCE_SECS {
        return bad("is more than five minutes old or ahead");
    }
    let expected = mac(secret, t, body);
    if sigs
        .iter()
        .any(|s| bool::from(s.as_slice().ct_eq(&expected)))
    {
        Ok(())
    } else {
        bad("does not match the body signed with this connector's secret")
    }
}

/// The body posted to a connector: who to erase, and where to confirm.
pub fn erasure_body(
    r: &ErasureRequest,
    connector: &str,
    organization: &str,
    callback_url: &str,
) -> CoreResult<Vec<u8>> {
    let contact = r.contact.as_ref().ok_or_else(|| {
        CoreError::conflict(
            "erasure",
            "the request is complete; nothing is left to send",
        )
    })?;
    serde_json::to_vec(&json!({
        "type": "erasure.requested",
        "request_id": r.id,
        "connector": connector,
        "organization": organization,
        "subject": {
            "id": r.subject,
            "username": contact.username,
            "email": contact.email,
        },
        "requested_at": r.requested_at,
        "confirm": {
            "url": callback_url,
            "body": { "connector": connector },
            "signature": format!("{SIGNATURE_HEADER} over the body, as on this request"),
        },
    }))
    .map_err(|_| CoreError::Internal("an erasure webhook does not serialize".into()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_signature_verifies_once_and_only_for_its_body_secret_and_time() {
        let s = ConnectorSecret::parse(&"k".repeat(32)).unwrap();
        let other = ConnectorSecret::parse(&"j".repeat(32)).unwrap();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let h = sign(&s, now, b"{\"a\":1}");
        assert!(h.starts_with("t=1800000000,v1="));
        verify(&s, &h, b"{\"a\":1}", now).unwrap();
        assert!(verify(&s, &h, b"{\"a\":2}", now).is_err(), "another body");
        assert!(
            verify(&other, &h, b"{\"a\":1}", now).is_err(),
            "another secret"
        );
        let late = Timestamp::from_second(1_800_000_000 + 301).unwrap();
        assert!(
            verify(&s, &h, b"{\"a\":1}", late)
                .unwrap_err()
                .to_string()
                .contains("five minutes")
        );
        assert!(verify(&s, "v1=00", b"", now).is_err());
        assert!(verify(&s, "garbage", b"", now).is_err());
    }
}
