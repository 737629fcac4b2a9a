//! The store's reads. Every read of an org's data filters by the org; listings are cursor
//! pages ordered by their natural key, fetched one row past the limit to know whether a next
//! page exists.

mod audit;
mod desk;
mod email_changes;
mod groups;
mod kb;
mod orgs;
mod privacy;
mod services;
mod team;
mod things;
mod users;
mod verification;

use crate::db::{Arg, args};
use skydir_core::ids::OrgId;
use skydir_core::page::{DEFAULT_PAGE, MAX_PAGE, PageRequest};

/// The page size actually served: the default for 0, at most [`MAX_PAGE`].
pub(crate) fn page_limit(page: &PageRequest) -> u32 {
    match page.limit {
        0 => DEFAULT_PAGE,
        n => n.min(MAX_PAGE),
    }
}

/// One page query over `table` ordered by `key`: `(sql, args, limit)`. `cols`, `table` and
/// `key` are constants of the calling module, never input.
pub(crate) fn paged(
    cols: &'static str,
    table: &'static str,
    key: &'static str,
    org: Option<OrgId>,
    page: &PageRequest,
) -> (String, Vec<Arg>, u32) {
    paged_where(cols, table, key, org, None, page)
}

/// [`paged`] with one more condition: `cond` is a constant SQL fragment whose one parameter
/// is written `$?` and bound to the given value.
pub(crate) fn paged_where(
    cols: &'static str,
    table: &'static str,
    key: &'static str,
    org: Option<OrgId>,
    cond: Option<(&'static str, Arg)>,
    page: &PageRequest,
) -> (String, Vec<Arg>, u32) {
    let limit = page_limit(page);
    let mut params = args![i64::from(limit) + 1];
    let mut conds = Vec::new();
    if let Some((sql, arg)) = cond {
        params.push(arg);
        conds.push(sql.replace("$?", &format!("${}", params.len())));
    }
    if let Some(o) = org {
        params.push(Arg::from(o.to_string()));
        conds.push(format!("org_id = ${}", params.len()));
    }
    if let Some(after) = &page.after {
        params.push(Arg::from(after.as_str()));
        conds.push(format!("{key} > ${}", params.len()));
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let sql = format!("SELECT {cols} FROM {table}{filter} ORDER BY {key} LIMIT $1");
    (sql, params, limit)
}
