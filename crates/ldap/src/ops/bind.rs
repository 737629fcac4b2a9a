//! Simple bind. A user binds with their entry's DN (`uid=<user>,ou=users,o=<org>,<suffix>`), an
//! application with its service account's (`cn=<name>,ou=services,o=<org>,<suffix>`); the
//! password check is the core's, so lockout, legacy-hash upgrade and the audit event are
//! exactly those of a REST login — except that a plain success's audit event goes through the
//! batched access log instead of a transaction of its own. An anonymous bind (empty DN and
//! password) succeeds and leaves the connection anonymous; an unauthenticated bind (a DN with an
//! empty password, RFC 4513 §5.1.2) is always refused, and so is a password without a DN.

use super::Ctx;
use crate::dn::Dn;
use crate::session::Identity;
use ldap3_proto::proto::{LdapBindCred, LdapBindRequest, LdapResultCode};
use skydir_core::CoreError;
use skydir_core::directory::{Name, OrgSlug, Username};
use skydir_core::ports::DirectoryStore;
use skydir_core::secret::Secret;

/// A bind's outcome: the result to send and the identity the connection has afterwards.
#[derive(Debug)]
pub struct BindOutcome {
    pub code: LdapResultCode,
    pub message: String,
    pub identity: Identity,
}

fn refused(code: LdapResultCode, message: &str) -> BindOutcome {
    BindOutcome {
        code,
        message: message.to_string(),
        identity: Identity::Anonymous,
    }
}

/// `(org slug, leaf value)` of `<attr>=<value>,ou=<ou>,o=<org>,<suffix>`.
fn org_leaf<'a>(suffix: &Dn, dn: &'a Dn, attr: &str, ou: &str) -> Option<(OrgSlug, &'a str)> {
    if dn.len() != suffix.len() + 3 || !dn.is_within(suffix) {
        return None;
    }
    let (t, value) = dn.leaf()?;
    let parent = dn.parent();
    if t != attr || parent.leaf()? != ("ou", ou) {
        return None;
    }
    let org = parent.parent();
    let ("o", slug) = org.leaf()? else {
        return None;
    };
    Some((OrgSlug::parse(slug).ok()?, value))
}

/// The org slug and username a bind DN names, if it is a user entry's DN under our suffix.
pub fn user_of_dn(suffix: &Dn, dn: &Dn) -> Option<(OrgSlug, Username)> {
    let (slug, uid) = org_leaf(suffix, dn, "uid", "users")?;
    Some((slug, Username::parse(uid).ok()?))
}

/// The org slug and account name a bind DN names, if it is a service account's DN.
pub fn service_of_dn(suffix: &Dn, dn: &Dn) -> Option<(OrgSlug, Name)> {
    let (slug, cn) = org_leaf(suffix, dn, "cn", "services")?;
    Some((slug, Name::parse(cn).ok()?))
}

/// Runs a bind request.
pub async fn bind<S: DirectoryStore>(ctx: &Ctx<S>, req: &LdapBindRequest) -> BindOutcome {
    use LdapResultCode as C;
    if req.version != 3 {
        return refused(C::ProtocolError, "only LDAP version 3 is supported");
    }
    let password = match &req.cred {
        LdapBindCred::Simple(p) => p,
        _ => {
            return refused(
                C::AuthMethodNotSupported,
                "only simple bind is supported (use LDAPS or StartTLS)",
            );
        }
    };
    if req.dn.is_empty() {
        if password.is_empty() {
            // RFC 4513 §5.1.1: an anonymous bind (what `ldapsearch -x` sends without -D). It
            // succeeds and the connection stays anonymous: the root DSE and the subschema
            // entry, nothing else (`super::sight`).
            return BindOutcome {
                code: C::Success,
                message: String::new(),
                identity: Identity::Anonymous,
            };
        }
        // A password without a name authenticates no one (slapd answers the same).
        return refused(C::InvalidCredentials, "invalid credentials");
    }
    if password.is_empty() {
        return refused(
            C::UnwillingToPerform,
            "unauthenticated bind (a DN with an empty password) is not allowed",
        );
    }
    let Ok(dn) = Dn::parse(&req.dn) else {
        return refused(C::InvalidDNSyntax, "the bind DN is not a valid DN");
    };
    let suffix = &ctx.model.tree().suffix_dn;
    if let Some((slug, name)) = service_of_dn(suffix, &dn) {
        return bind_service(ctx, slug, name, password).await;
    }
    let Some((slug, username)) = user_of_dn(suffix, &dn) else {
        return refused(C::InvalidCredentials, "invalid credentials");
    };
    match ctx
        .dir
        .check_password_batching_audit(&slug, &username, Secret::new(password.clone()))
        .await
    {
        Ok((org, user, audit)) => {
            if let Some(event) = audit {
                ctx.access.record(event).await;
            }
            let admin = match ctx.model.get(org.id) {
                Some(view) => view.is_admin(user),
                None => false,
            };
            BindOutcome {
                code: C::Success,
                message: String::new(),
                identity: Identity::User {
                    org: org.id,
                    user,
                    dn: ctx.model.tree().user_dn(slug.as_str(), username.as_str()),
                    admin,
                },
            }
        }
        Err(e) => failed(e),
    }
}

/// A service account's bind.
async fn bind_service<S: DirectoryStore>(
    ctx: &Ctx<S>,
    slug: OrgSlug,
    name: Name,
    password: &str,
) -> BindOutcome {
    match ctx
        .dir
        .check_service_password(&slug, &name, Secret::new(password.to_string()))
        .await
    {
        Ok((org, account, audit)) => {
            if let Some(event) = audit {
                ctx.access.record(event).await;
            }
            BindOutcome {
                code: LdapResultCode::Success,
                message: String::new(),
                identity: Identity::Service {
                    org: org.id,
                    account: account.id,
                    dn: ctx.model.tree().service_dn(slug.as_str(), name.as_str()),
                    password_set_at: account.password_set_at,
                },
            }
        }
        Err(e) => failed(e),
    }
}

/// The answer to a refused bind; the message never says whether the DN exists.
fn failed(e: CoreError) -> BindOutcome {
    use LdapResultCode as C;
    match e {
        // Wrong, unknown, locked and suspended read the same; the audit log has the reason.
        CoreError::BadCredentials | CoreError::LockedOut { .. } => {
            refused(C::InvalidCredentials, "invalid credentials")
        }
        CoreError::OrgSuspended => refused(
            C::InvalidCredentials,
            "the organization is suspended by its provider",
        ),
        e => {
            tracing::error!(error = %e, "LDAP bind failed on the server side");
            refused(C::Unavailable, "the directory is unavailable; try again")
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_user_entry_dns_under_the_suffix_name_a_user() {
        let sfx = Dn::parse("dc=skydir").unwrap();
        let ok = Dn::parse("UID=Alice,ou=Users,o=Acme,dc=skydir").unwrap();
        let (o, u) = user_of_dn(&sfx, &ok).unwrap();
        assert_eq!((o.as_str(), u.as_str()), ("acme", "alice"));
        for bad in [
            "uid=alice,ou=groups,o=acme,dc=skydir",
            "cn=alice,ou=users,o=acme,dc=skydir",
            "uid=alice,ou=users,o=acme,dc=other",
            "uid=alice,ou=users,dc=skydir",
            "uid=al ice,ou=users,o=acme,dc=skydir",
        ] {
            assert!(
                user_of_dn(&sfx, &Dn::parse(bad).unwrap()).is_none(),
                "{bad}"
            );
        }
        let svc = Dn::parse("CN=Jenkins,OU=services,o=acme,dc=skydir").unwrap();
        let (o, n) = service_of_dn(&sfx, &svc).unwrap();
        assert_eq!((o.as_str(), n.as_str()), ("acme", "jenkins"));
        assert!(service_of_dn(&sfx, &ok).is_none());
        let user_ou = Dn::parse("cn=jenkins,ou=users,o=acme,dc=skydir").unwrap();
        assert!(service_of_dn(&sfx, &user_ou).is_none());
    }
}
