//! Organizations as rows: plan terms in columns, the password policy as JSON text.

use super::{id, micros, opt_micros, opt_ts, parsed, ts};
use crate::db::{Arg, Row, args};
use crate::error::{StoreError, StoreResult};
use skydir_core::auth::PasswordPolicy;
use skydir_core::directory::{Org, OrgSlug, Plan, PlanKind};
use skydir_core::ids::OrgId;

/// Columns read by [`org_from_row`], in order.
macro_rules! org_cols {
    () => {
        "id, slug, name, plan_kind, plan_seats, plan_trial_ends, password_policy, created_at, \
         suspended_at"
    };
}
pub(crate) use org_cols;

/// Values for `INSERT INTO orgs (org_cols!())`, in column order.
pub(crate) fn org_args(o: &Org) -> StoreResult<Vec<Arg>> {
    let seats = o
        .plan
        .seats
        .map(|s| i64::try_from(s).map_err(|_| StoreError::corrupt("plan seats out of range")))
        .transpose()?;
    let policy = serde_json::to_string(&o.password_policy)
        .map_err(|_| StoreError::corrupt("password policy does not serialize"))?;
    Ok(args![
        o.id.to_string(),
        o.slug.as_str(),
        o.name.as_str(),
        o.plan.kind.as_str(),
        seats,
        opt_micros(o.plan.trial_ends),
        policy,
        micros(o.created_at),
        opt_micros(o.suspended_at),
    ])
}

/// An org from a row of `org_cols!()`.
pub(crate) fn org_from_row(r: &Row) -> StoreResult<Org> {
    let seats = r
        .opt_int(4)?
        .map(|s| u64::try_from(s).map_err(|_| StoreError::corrupt("orgs.plan_seats is negative")))
        .transpose()?;
    let policy: PasswordPolicy = serde_json::from_str(&r.text(6)?)
        .map_err(|_| StoreError::corrupt("orgs.password_policy is not a policy"))?;
    Ok(Org {
        id: id(&r.text(0)?, OrgId::parse, "orgs.id")?,
        slug: parsed(&r.text(1)?, OrgSlug::parse, "orgs.slug")?,
        name: r.text(2)?,
        plan: Plan {
            kind: parsed(&r.text(3)?, PlanKind::parse, "orgs.plan_kind")?,
            seats,
            trial_ends: opt_ts(r.opt_int(5)?, "orgs.plan_trial_ends")?,
        },
        password_policy: policy,
        created_at: ts(r.int(7)?, "orgs.created_at")?,
        suspended_at: opt_ts(r.opt_int(8)?, "orgs.suspended_at")?,
    })
}
