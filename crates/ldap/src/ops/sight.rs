//! Who sees which entries — the one rule that search and compare both obey, so that neither
//! answers a question the other would not.
//!
//! - Anyone, bound or not (an explicit anonymous bind included), sees the root DSE and the
//!   subschema entry; the root DSE names the suffix to strangers and the bound org's own
//!   naming context once bound.
//! - Nothing else is visible anonymously: such requests get insufficientAccessRights whether
//!   or not the entry exists.
//! - An org admin or the org's service account sees the whole org; a user sees the suffix, the
//!   org's containers, their own entry and the groups they belong to (as over REST, where a
//!   user cannot read other users).
//! - Another org's entries are not reachable at all: their DNs are `noSuchObject`, exactly like
//!   names that do not exist, so no answer tells a stranger's entry from a missing one.

use super::{Ctx, dse};
use crate::dn::Dn;
use crate::entry::Entry;
use crate::model::OrgView;
use crate::session::Identity;
use ldap3_proto::proto::LdapResultCode;
use skydir_core::ids::UserId;
use std::sync::Arc;

/// Why a bound identity sees nothing below the root: the code and message to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: LdapResultCode,
    pub message: &'static str,
}

/// What an identity may see of its org, as of one snapshot of the read model.
#[derive(Debug)]
pub struct Sight {
    pub view: Arc<OrgView>,
    /// `None`: the whole org (admins, service accounts); `Some(u)`: user u's part of it.
    reader: Option<UserId>,
}

/// The root DSE or the subschema entry when `dn` names one of them: readable by anyone.
/// `starttls` says whether StartTLS is on offer on this connection.
pub fn public_entry<S>(ctx: &Ctx<S>, id: &Identity, dn: &Dn, starttls: bool) -> Option<Entry> {
    let tree = ctx.model.tree();
    if dn.is_root() {
        let nc = match (id, id.org().and_then(|o| ctx.model.get(o))) {
            (Identity::User { .. } | Identity::Service { .. }, Some(view)) => {
                tree.org_dn(view.slug())
            }
            _ => tree.suffix.clone(),
        };
        return Some(dse::root_dse(&nc, starttls));
    }
    (*dn == tree.subschema_dn).then(dse::subschema)
}

/// What `id` may see below the root, or why it may see nothing.
pub fn sight<S>(ctx: &Ctx<S>, id: &Identity) -> Result<Sight, Refusal> {
    use LdapResultCode as C;
    let (org, reader) = match id {
        Identity::User {
            org, user, admin, ..
        } => (*org, (!*admin).then_some(*user)),
        Identity::Service { org, .. } => (*org, None),
        Identity::Anonymous => {
            return Err(Refusal {
                code: C::InsufficentAccessRights,
                message: "anonymous access is limited to the root DSE; bind as a user or service account first",
            });
        }
    };
    let Some(view) = ctx.model.get(org) else {
        return Err(Refusal {
            code: C::NoSuchObject,
            message: "no such object",
        });
    };
    if view.is_suspended() {
        return Err(Refusal {
            code: C::UnwillingToPerform,
            message: "the organization is suspended by its provider",
        });
    }
    if let Identity::Service {
        account,
        password_set_at,
        ..
    } = id
        && !view.service_current(*account, *password_set_at)
    {
        return Err(Refusal {
            code: C::InsufficentAccessRights,
            message: "this service account was deleted or its password changed; bind again",
        });
    }
    Ok(Sight { view, reader })
}

impl Sight {
    /// True when this identity may see `e` (an entry of its org's view, or the suffix).
    pub fn sees(&self, suffix: &Entry, e: &Entry) -> bool {
        match self.reader {
            None => true,
            Some(user) => e.ndn == suffix.ndn || user_sees(&self.view, user, e),
        }
    }

    /// The entry named `dn` if it exists and this identity may see it.
    pub fn entry<'a>(&'a self, suffix: &'a Arc<Entry>, dn: &Dn) -> Option<&'a Arc<Entry>> {
        entry_at(&self.view, suffix, dn).filter(|e| self.sees(suffix, e))
    }
}

/// The entry named `dn` in `view` (or the suffix), found by its leaf RDN instead of a scan.
pub fn entry_at<'a>(view: &'a OrgView, suffix: &'a Arc<Entry>, dn: &Dn) -> Option<&'a Arc<Entry>> {
    if *dn == suffix.ndn {
        return Some(suffix);
    }
    if let Some(c) = view.containers.iter().find(|c| c.ndn == *dn) {
        return Some(c);
    }
    let found = match dn.leaf()? {
        ("uid", v) => view.user_by_uid(v),
        ("cn", v) => view.groups.get(v),
        _ => None,
    };
    found.filter(|e| e.ndn == *dn)
}

/// What a non-admin user may see below the org: containers, themselves, their groups.
fn user_sees(view: &OrgView, user: UserId, e: &Entry) -> bool {
    if view.containers.iter().any(|c| c.ndn == e.ndn) {
        return true;
    }
    if view.user_entry(user).is_some_and(|me| me.ndn == e.ndn) {
        return true;
    }
    view.groups_of(user)
        .iter()
        .filter_map(|g| view.group_entry(*g))
        .any(|g| g.ndn == e.ndn)
}
