//! The LDAP half of the per-address budgets (`skydir-throttle`): what an unbound connection
//! does spends the anonymous budget, a bind with a password spends a failure unless it
//! succeeds, and once the client's address is over a budget the operation is answered
//! `busy` (51) with the seconds to wait — the password is not even checked. A bound
//! connection is never limited: applications binding and searching all day from one address
//! are what a directory is for.

use crate::session::Identity;
use ldap3_proto::proto::{LdapBindCred, LdapBindRequest, LdapOp, LdapResultCode};
use skydir_throttle::{Attempt, ClientKey, Refused, Throttle};

/// What the budgets say about one operation before it runs.
#[derive(Debug)]
pub enum Verdict<'a> {
    /// Go ahead.
    Pass,
    /// A password bind: go ahead, and say how it went.
    Bind(Attempt<'a>),
    /// Answer busy.
    Refuse(Refused),
}

/// Whether an anonymous simple bind (no name, no password).
pub fn is_anonymous_bind(req: &LdapBindRequest) -> bool {
    req.dn.is_empty() && matches!(&req.cred, LdapBindCred::Simple(p) if p.is_empty())
}

/// Checks `op` from `client` on a connection bound as `id`.
pub fn check<'a>(
    throttle: &'a Throttle,
    client: Option<ClientKey>,
    id: &Identity,
    op: &LdapOp,
) -> Verdict<'a> {
    let Some(client) = client else {
        return Verdict::Pass;
    };
    let verdict = match op {
        LdapOp::UnbindRequest | LdapOp::AbandonRequest(_) => Ok(None),
        LdapOp::BindRequest(req) if !is_anonymous_bind(req) => throttle.attempt(client).map(Some),
        _ if !matches!(id, Identity::Anonymous) => Ok(None),
        _ => throttle.anonymous(client).map(|()| None),
    };
    match verdict {
        Ok(Some(a)) => Verdict::Bind(a),
        Ok(None) => Verdict::Pass,
        Err(r) => {
            metrics::counter!("skydir_rate_limited_total", "protocol" => "ldap", "limit" => r.limit.as_str())
                .increment(1);
            Verdict::Refuse(r)
        }
    }
}

/// The answer to a refused operation.
pub fn busy(r: &Refused) -> (LdapResultCode, String) {
    (
        LdapResultCode::Busy,
        format!(
            "too many requests from your address; try again in {} seconds",
            r.retry_after_secs()
        ),
    )
}
