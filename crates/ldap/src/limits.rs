//! The LDAP half of the per-address budgets (`skydir-throttle`): what an unbound connection
//! does spends the anonymous budget, a refused bind spends a failure, and once the client's
//! address is over a budget the operation is answered `busy` (51) with the seconds to wait —
//! a bind's password is not even checked. A bound
//! connection is never limited: applications binding and searching all day from one address
//! are what a directory is for.

use crate::session::Identity;
use ldap3_proto::proto::{LdapBindCred, LdapBindRequest, LdapOp, LdapResultCode};
use skydir_throttle::{ClientKey, Refused, Throttle};

/// Whether an anonymous simple bind (no name, no password).
pub fn is_anonymous_bind(req: &LdapBindRequest) -> bool {
    req.dn.is_empty() && matches!(&req.cred, LdapBindCred::Simple(p) if p.is_empty())
}

/// Checks `op` from `client` on a connection bound as `id`: `Err` to answer busy.
pub fn check(
    throttle: &Throttle,
    client: Option<ClientKey>,
    id: &Identity,
    op: &LdapOp,
) -> Result<(), Refused> {
    let Some(client) = client else {
        return Ok(());
    };
    let verdict = match op {
        LdapOp::UnbindRequest | LdapOp::AbandonRequest(_) => Ok(()),
        LdapOp::BindRequest(req) if !is_anonymous_bind(req) => throttle.may_try(client),
        _ if !matches!(id, Identity::Anonymous) => Ok(()),
        _ => throttle.anonymous(client),
    };
    if let Err(r) = &verdict {
        metrics::counter!("skydir_rate_limited_total", "protocol" => "ldap", "limit" => r.limit.as_str())
            .increment(1);
    }
    verdict
}

/// Records a bind whose credentials were checked and refused.
pub fn failed(throttle: &Throttle, client: Option<ClientKey>) {
    if let Some(client) = client {
        throttle.failed(client);
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
