//! Simple bind. A user binds with their entry's DN (`uid=<user>,ou=users,o=<org>,<suffix>`);
//! the password check is the core's, so lockout, legacy-hash upgrade and the audit event are
//! exactly those of a REST login — except that a plain success's audit event goes through the
//! batched access log instead of a transaction of its own. Anonymous and unauthenticated binds
//! are refused.

use super::Ctx;
use crate::dn::Dn;
use crate::session::Identity;
use ldap3_proto::proto::{LdapBindCred, LdapBindRequest, LdapResultCode};
use skydir_core::CoreError;
use skydir_core::directory::{OrgSlug, Username};
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

/// The org slug and username a bind DN names, if it is a user entry's DN under our suffix.
pub fn user_of_dn(ctx_suffix: &Dn, dn: &Dn) -> Option<(OrgSlug, Username)> {
    if dn.len() != ctx_suffix.len() + 3 || !dn.is_within(ctx_suffix) {
        return None;
    }
    let (t, uid) = dn.leaf()?;
    let ou = dn.parent();
    let org = ou.parent();
    if t != "uid" || ou.leaf()? != ("ou", "users") {
        return None;
    }
    let ("o", slug) = org.leaf()? else {
        return None;
    };
    Some((OrgSlug::parse(slug).ok()?, Username::parse(uid).ok()?))
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
        return refused(
            C::InappropriateAuthentication,
            "anonymous bind is not allowed; bind as a user or service account",
        );
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
    let Some((slug, username)) = user_of_dn(&ctx.model.tree().suffix_dn, &dn) else {
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
                Some(view) => view.is_admin(user.id),
                None => false,
            };
            BindOutcome {
                code: C::Success,
                message: String::new(),
                identity: Identity::User {
                    org: org.id,
                    user: user.id,
                    dn: ctx.model.tree().user_dn(slug.as_str(), username.as_str()),
                    admin,
                },
            }
        }
        Err(CoreError::LockedOut { retry_after_secs }) => refused(
            C::InvalidCredentials,
            &format!("account temporarily locked; try again in {retry_after_secs} s"),
        ),
        Err(CoreError::AccountInactive { .. }) => {
            refused(C::InvalidCredentials, "account is not active")
        }
        Err(CoreError::BadCredentials) => refused(C::InvalidCredentials, "invalid credentials"),
        Err(e) => {
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
    }
}
