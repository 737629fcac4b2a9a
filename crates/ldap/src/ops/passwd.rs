//! Password Modify (RFC 3062) for a bound user changing their own password — `ldappasswd`,
//! SSSD's password change, applications' "change password" pages. It runs the REST path's use
//! case (current password checked, org policy applied, lockout on wrong current password,
//! audited, and the person's REST and portal sessions and personal API tokens ended with the
//! old password — there is no session to spare on this side); nobody changes another person's
//! password, over LDAP either.

use super::Ctx;
use super::bind::user_of_dn;
use crate::dn::Dn;
use crate::session::Identity;
use ldap3_proto::proto::{LdapExtendedRequest, LdapPasswordModifyRequest, LdapResultCode};
use skydir_core::CoreError;
use skydir_core::ports::DirectoryStore;
use skydir_core::secret::Secret;
use skydir_core::service::Keep;

/// OID of the Password Modify extended operation.
pub const OID_PASSWORD_MODIFY: &str = "1.3.6.1.4.1.4203.1.11.1";

/// Runs a Password Modify request; returns the result code and message.
pub async fn modify<S: DirectoryStore>(
    ctx: &Ctx<S>,
    id: &Identity,
    req: &LdapExtendedRequest,
) -> (LdapResultCode, String) {
    use LdapResultCode as C;
    let dn = match id {
        Identity::User { dn, .. } => dn,
        Identity::Service { .. } => {
            return (
                C::InsufficentAccessRights,
                "a service account's password is set by an org admin through the REST API \
                 (PUT /api/v1/orgs/{org}/ldap-accounts/{name}/password)"
                    .into(),
            );
        }
        Identity::Anonymous => return (C::InsufficentAccessRights, "bind first".into()),
    };
    let Ok(pm) = LdapPasswordModifyRequest::try_from(req) else {
        return (
            C::ProtocolError,
            "the Password Modify request does not decode".into(),
        );
    };
    let suffix = &ctx.model.tree().suffix_dn;
    let Some((slug, username)) = Dn::parse(dn).ok().and_then(|d| user_of_dn(suffix, &d)) else {
        return (
            C::OperationsError,
            "the bound identity is not a user".into(),
        );
    };
    if let Some(target) = &pm.user_identity {
        let named = target
            .strip_prefix("dn:")
            .map(|d| Dn::parse(d).ok().and_then(|d| user_of_dn(suffix, &d)))
            .or_else(|| {
                target.strip_prefix("u:").map(|u| {
                    Some((
                        slug.clone(),
                        skydir_core::directory::Username::parse(u).ok()?,
                    ))
                })
            })
            .unwrap_or_else(|| Dn::parse(target).ok().and_then(|d| user_of_dn(suffix, &d)));
        if named != Some((slug.clone(), username.clone())) {
            return (
                C::InsufficentAccessRights,
                "you can change only your own password; an org admin sends a reset link instead"
                    .into(),
            );
        }
    }
    let Some(old) = pm.old_password else {
        return (
            C::UnwillingToPerform,
            "give your current password too (ldappasswd -a or -A)".into(),
        );
    };
    let Some(new) = pm.new_password else {
        return (
            C::UnwillingToPerform,
            "give the new password (ldappasswd -s or -S); skydir does not generate passwords"
                .into(),
        );
    };
    let Some(actor) = id.actor() else {
        return (C::InsufficentAccessRights, "bind first".into());
    };
    match ctx
        .dir
        .change_password(
            &actor,
            &slug,
            &username,
            Secret::new(old),
            Secret::new(new),
            Keep::nothing_but(false),
        )
        .await
    {
        Ok(ended) => (
            C::Success,
            format!(
                "password changed; {} sessions and {} API tokens ended",
                ended.sessions, ended.api_tokens
            ),
        ),
        Err(CoreError::BadCredentials) => (
            C::InvalidCredentials,
            "the current password is wrong".into(),
        ),
        Err(CoreError::LockedOut { retry_after_secs }) => (
            C::InvalidCredentials,
            format!("account temporarily locked; try again in {retry_after_secs} s"),
        ),
        Err(CoreError::Invalid { reason, .. }) => (C::ConstraintViolation, reason),
        Err(CoreError::Forbidden { reason }) => (C::InsufficentAccessRights, reason),
        Err(e) => {
            tracing::error!(error = %e, "LDAP password change failed on the server side");
            (
                C::Unavailable,
                "the directory is unavailable; try again".into(),
            )
        }
    }
}
