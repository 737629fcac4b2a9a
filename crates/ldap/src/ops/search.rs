//! Search: scopes, the filter language, attribute selection, size and time limits and the
//! paged-results control (RFC 2696), answered from a snapshot of the bound org's read model.
//!
//! What an identity sees is [`super::sight`]'s rule (shared with compare): the root DSE and the
//! subschema entry for anyone, the whole org for admins and service accounts, their own part
//! for users, nothing of another org.

use super::Ctx;
use super::sight::{self, entry_at};
use crate::dn::{Dn, normalize_value};
use crate::entry::Entry;
use crate::filter;
use crate::model::OrgView;
use crate::schema;
use crate::session::Identity;
use ldap3_proto::control::LdapControl;
use ldap3_proto::proto::{
    LdapFilter, LdapPartialAttribute, LdapResultCode, LdapSearchRequest, LdapSearchResultEntry,
    LdapSearchScope,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a search sends back.
#[derive(Debug)]
pub struct SearchOutcome {
    pub entries: Vec<LdapSearchResultEntry>,
    pub code: LdapResultCode,
    pub message: String,
    /// The paged-results response control, when the request carried one.
    pub paged: Option<LdapControl>,
}

fn done(code: LdapResultCode, message: &str) -> SearchOutcome {
    SearchOutcome {
        entries: Vec::new(),
        code,
        message: message.to_string(),
        paged: None,
    }
}

/// A paged-results cookie: where the next page starts in the candidate order.
fn decode_cookie(c: &[u8]) -> Option<usize> {
    let b: [u8; 8] = c.try_into().ok()?;
    usize::try_from(u64::from_be_bytes(b)).ok()
}

fn encode_cookie(pos: usize) -> Vec<u8> {
    (pos as u64).to_be_bytes().to_vec()
}

/// Runs a search for `id`. `starttls` says whether StartTLS is on offer on this connection.
pub fn search<S>(
    ctx: &Ctx<S>,
    id: &Identity,
    req: &LdapSearchRequest,
    ctrls: &[LdapControl],
    starttls: bool,
) -> SearchOutcome {
    use LdapResultCode as C;
    let Ok(base) = Dn::parse(&req.base) else {
        return done(C::InvalidDNSyntax, "the search base is not a valid DN");
    };
    let paged = ctrls.iter().find_map(|c| match c {
        LdapControl::SimplePagedResults { size, cookie } => Some((*size, cookie.clone())),
        _ => None,
    });
    // The root DSE and the subschema entry are readable by anyone.
    if req.scope == LdapSearchScope::Base
        && let Some(e) = sight::public_entry(ctx, id, &base, starttls)
    {
        return single(&e, req);
    }
    let sight = match sight::sight(ctx, id) {
        Ok(s) => s,
        Err(r) => return done(r.code, r.message),
    };
    let view = &sight.view;
    let suffix_entry = &ctx.model.tree().suffix_entry;
    // A subtree or one-level search from the root behaves as one from the suffix.
    let base = if base.is_root() {
        ctx.model.tree().suffix_dn.clone()
    } else {
        base
    };
    // The base must be an entry this identity can see.
    if sight.entry(suffix_entry, &base).is_none() {
        return done(C::NoSuchObject, "no such object");
    }
    let server_limit = ctx.cfg.size_limit;
    let (limit, start) = match &paged {
        Some((size, cookie)) => {
            if *size <= 0 {
                // RFC 2696 §3: a size of zero abandons the paged search.
                return SearchOutcome {
                    paged: Some(LdapControl::SimplePagedResults {
                        size: 0,
                        cookie: Vec::new(),
                    }),
                    ..done(C::Success, "")
                };
            }
            let start = if cookie.is_empty() {
                0
            } else {
                match decode_cookie(cookie) {
                    Some(p) => p,
                    None => {
                        return done(C::UnwillingToPerform, "the paged-results cookie is invalid");
                    }
                }
            };
            let size = usize::try_from(*size).unwrap_or(usize::MAX);
            (size.min(server_limit), start)
        }
        None => {
            let asked = usize::try_from(req.sizelimit).unwrap_or(0);
            (
                if asked == 0 {
                    server_limit
                } else {
                    asked.min(server_limit)
                },
                0,
            )
        }
    };
    let deadline = (req.timelimit > 0)
        .then(|| Instant::now() + Duration::from_secs(u64::try_from(req.timelimit).unwrap_or(0)));
    let uid = uid_equality(&req.filter);
    let mut out = Vec::new();
    let mut next = None;
    let mut code = C::Success;
    for (pos, e) in candidates(view, suffix_entry, &base, uid.as_deref())
        .enumerate()
        .skip(start)
    {
        if pos % 256 == 0
            && let Some(d) = deadline
            && Instant::now() > d
        {
            code = C::TimeLimitExceeded;
            break;
        }
        if !in_scope(&e.ndn, &base, &req.scope)
            || !sight.sees(suffix_entry, e)
            || !filter::matches(&req.filter, e)
        {
            continue;
        }
        if out.len() == limit {
            match paged {
                Some(_) => next = Some(pos),
                None => code = C::SizeLimitExceeded,
            }
            break;
        }
        out.push(project(e, &req.attrs, req.typesonly));
    }
    SearchOutcome {
        entries: out,
        message: match code {
            C::SizeLimitExceeded => format!(
                "more entries match than the size limit of {limit}; use the paged-results control"
            ),
            C::TimeLimitExceeded => "time limit exceeded".into(),
            _ => String::new(),
        },
        code,
        paged: paged.map(|_| LdapControl::SimplePagedResults {
            size: 0,
            cookie: next.map(encode_cookie).unwrap_or_default(),
        }),
    }
}

/// A search of one fixed entry (root DSE, subschema).
fn single(e: &Entry, req: &LdapSearchRequest) -> SearchOutcome {
    let mut out = done(LdapResultCode::Success, "");
    if filter::matches(&req.filter, e) {
        out.entries.push(project(e, &req.attrs, req.typesonly));
    }
    out
}

/// The entries that can match, in search order (suffix, containers, users, groups): with `uid`
/// known from the filter only that user; below a user or group entry only that entry; below
/// `ou=groups` no users. The order is stable, so paged-results cookies are positions in it.
fn candidates<'a>(
    view: &'a OrgView,
    suffix: &'a Arc<Entry>,
    base: &Dn,
    uid: Option<&str>,
) -> Box<dyn Iterator<Item = &'a Arc<Entry>> + 'a> {
    if let Some(u) = uid {
        return Box::new(view.user_by_uid(&normalize_value(u)).into_iter());
    }
    if let Some(e) = entry_at(view, suffix, base)
        && matches!(base.leaf(), Some(("uid" | "cn", _)))
    {
        return Box::new(std::iter::once(e));
    }
    let groups_ou = view
        .containers
        .iter()
        .find(|c| c.ndn.leaf() == Some(("ou", "groups")));
    if groups_ou.is_some_and(|g| g.ndn == *base) {
        return Box::new(groups_ou.into_iter().chain(view.groups.values()));
    }
    Box::new(
        std::iter::once(suffix)
            .chain(view.containers.iter())
            .chain(view.users())
            .chain(view.groups.values()),
    )
}

fn in_scope(dn: &Dn, base: &Dn, scope: &LdapSearchScope) -> bool {
    match scope {
        LdapSearchScope::Base => dn == base,
        LdapSearchScope::OneLevel => dn.len() == base.len() + 1 && dn.is_within(base),
        // Subtree and RFC 4530's subordinate-subtree ("children").
        LdapSearchScope::Subtree => dn.is_within(base),
        LdapSearchScope::Children => dn.len() > base.len() && dn.is_within(base),
    }
}

/// The uid an entry must have for `f` to be TRUE, when `f` says so plainly: `(uid=x)` or an
/// AND with such a part. Lets `(&(objectClass=posixAccount)(uid=x))` skip the other entries.
fn uid_equality(f: &LdapFilter) -> Option<String> {
    match f {
        LdapFilter::Equality(a, v) if schema::canonical_name(a) == "uid" => Some(v.clone()),
        LdapFilter::And(parts) => parts.iter().find_map(uid_equality),
        _ => None,
    }
}

/// The entry as the client asked for it: `*` (or nothing) for user attributes, `+` for
/// operational ones, names for those, `1.1` for none; only types with `typesOnly`.
pub fn project(e: &Entry, attrs: &[String], types_only: bool) -> LdapSearchResultEntry {
    let all_user = attrs.is_empty() || attrs.iter().any(|a| a == "*");
    let all_operational = attrs.iter().any(|a| a == "+");
    // Types by their position in the schema (a name outside it matches nothing: entries carry
    // only the schema's types).
    let named: Vec<usize> = attrs
        .iter()
        .filter(|a| !matches!(a.as_str(), "*" | "+" | "1.1"))
        .filter_map(|a| schema::type_index(a))
        .collect();
    let attributes = e
        .attrs()
        .filter(|a| {
            let op = a.ty.operational;
            (all_user && !op) || (all_operational && op) || named.contains(&a.index)
        })
        .map(|a| LdapPartialAttribute {
            atype: a.name.to_string(),
            vals: if types_only {
                Vec::new()
            } else {
                a.values.iter().map(|v| v.as_bytes().to_vec()).collect()
            },
        })
        .collect();
    LdapSearchResultEntry {
        dn: e.dn().to_string(),
        attributes,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use ldap3_proto::parse_ldap_filter_str;

    #[test]
    fn attribute_selection() {
        let e = Entry::builder("uid=a,o=x")
            .with("uid", ["a"])
            .with("mail", ["a@x.io"])
            .with("memberOf", ["cn=g,o=x"])
            .build();
        let names = |attrs: &[&str]| -> Vec<String> {
            let attrs: Vec<String> = attrs.iter().map(|s| s.to_string()).collect();
            project(&e, &attrs, false)
                .attributes
                .into_iter()
                .map(|a| a.atype)
                .collect()
        };
        assert_eq!(names(&[]), ["uid", "mail"]);
        assert_eq!(names(&["*"]), ["uid", "mail"]);
        assert_eq!(names(&["+"]), ["memberOf"]);
        assert_eq!(names(&["*", "+"]), ["uid", "mail", "memberOf"]);
        assert_eq!(names(&["1.1"]), Vec::<String>::new());
        assert_eq!(names(&["MAIL", "memberof"]), ["mail", "memberOf"]);
        assert!(
            project(&e, &["uid".into()], true).attributes[0]
                .vals
                .is_empty()
        );
    }

    #[test]
    fn uid_equality_is_found_in_ands_only() {
        let f = |s: &str| uid_equality(&parse_ldap_filter_str(s).unwrap());
        assert_eq!(f("(uid=a)"), Some("a".into()));
        assert_eq!(f("(&(objectClass=posixAccount)(UID=b))"), Some("b".into()));
        assert_eq!(f("(|(uid=a)(uid=b))"), None);
        assert_eq!(f("(!(uid=a))"), None);
    }

    #[test]
    fn cookies_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cookie(&encode_cookie(12345)), Some(12345));
        assert_eq!(decode_cookie(b"xyz"), None);
    }
}
