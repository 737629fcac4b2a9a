//! Invitations: how a new person gets into an organization without anyone else choosing
//! their password. The org's first administrator is invited when the operator creates the
//! org; users an admin adds without a password, and users imported without a hash, are invited
//! too. An invitation is a one-time link (only its hash kept, valid a week) mailed to the
//! person's own address, with which they set their first password themself.
//!
//! Resending and revoking an invitation is the org's admins' business — and, for the first
//! administrator only and only until they accept, the operator's too (a provider who created
//! an org for a customer must be able to say "we sent it again"). The link itself is never
//! shown to anyone: it goes to the invited address only.

use super::{Directory, target};
use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::auth::reset::{LinkPurpose, PasswordReset};
use crate::change::{Change, Write};
use crate::directory::{Org, OrgSlug, User, UserStatus, Username};
use crate::error::{CoreError, CoreResult};
use crate::ports::{DeskStore, DirectoryStore};
use jiff::Timestamp;

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    /// Mailed and still usable.
    Pending,
    /// Not used within its week.
    Expired,
    /// Revoked (or replaced) before anyone used it.
    Revoked,
    /// The person set their password with it.
    Accepted,
}

impl InvitationState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Accepted => "accepted",
        }
    }
}

/// An invitation as admins (and, for the first admin, the operator) see it: never its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationView {
    pub username: Username,
    pub state: InvitationState,
    /// The invitation of the org's first administrator.
    pub first_admin: bool,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// The writes of a new invitation of `purpose` (the first admin's, from the provider, or
    /// one from the org) for `user` and the mail carrying it; the caller adds them to the
    /// change that creates the user (or resends), with its audit event.
    pub(super) fn invitation(
        &self,
        org: &Org,
        user: &User,
        purpose: LinkPurpose,
    ) -> CoreResult<Change> {
        let policy = self.desk_policy()?;
        let provider = policy.contacts.public_url.clone();
        let support = policy.contacts.support.clone();
        self.new_link(org, user, purpose, |url| {
            let opening = if purpose == LinkPurpose::FirstAdmin {
                format!(
                    "Your organization '{}' ({}) is ready at {provider}, and you are its first \
                     administrator.",
                    org.name, org.slug
                )
            } else {
                format!(
                    "An administrator of {} invited you to its directory at {provider}.",
                    org.name
                )
            };
            (
                format!("You are invited to {}: set your password", org.name),
                format!(
                    "{opening}\n\nYour organization: {slug}\nYour username: {username}\n\n\
                     Choose your password here:\n{url}\n\nThe link works once, within 7 days. \
                     Nobody else knows or chooses your password — not your administrators and \
                     not our staff, who will never ask you for it. If you did not expect this \
                     mail, ignore it; questions go to {support}.\n",
                    slug = org.slug,
                    username = user.username,
                ),
            )
        })
    }

    /// The invitation of `username` (the org's admins; the operator for the first
    /// administrator only), or `None` when they were never invited.
    pub async fn invitation_of(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<Option<InvitationView>> {
        let (_, user, latest, _) = self.invitation_target(actor, slug, username).await?;
        Ok(match latest {
            Some(l) => Some(self.invitation_view(&user, &l).await?),
            None => None,
        })
    }

    /// The invitation of the org's first administrator (the operator who created the org, or
    /// its admins), or `None` for an org created without one.
    pub async fn first_admin_invitation(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<Option<InvitationView>> {
        let org = self
            .org_for(actor, slug, Action::ManageFirstAdminInvitation)
            .await?;
        let Some(link) = self.store.first_admin_invitation(org.id).await? else {
            return Ok(None);
        };
        let Some(user) = self.store.user_by_id(org.id, link.user).await? else {
            return Ok(None);
        };
        Ok(Some(self.invitation_view(&user, &link).await?))
    }

    /// Mails `username` a new invitation in place of any earlier one (whose link stops
    /// working). Refused once they have a password: they then use "Forgot your password?".
    pub async fn resend_invitation(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<InvitationView> {
        let (org, user, latest, action) = self.invitation_target(actor, slug, username).await?;
        if self.store.credential(org.id, user.id).await?.is_some() {
            return Err(CoreError::conflict(
                "username",
                "this person has already set a password; they can ask for a reset link at the \
                 login page, or an administrator can mail them one",
            ));
        }
        if user.status == UserStatus::Suspended {
            return Err(CoreError::conflict(
                "status",
                "the user is suspended; reactivate them before inviting them again",
            ));
        }
        // A resent invitation keeps the first one's kind (and words).
        let purpose = latest.map_or(LinkPurpose::Invitation, |l| l.purpose);
        let now = self.now();
        let change = Change::new(Some(org.id))
            .write(Write::EndPasswordLinks {
                user: user.id,
                at: now,
            })
            .merge(self.invitation(&org, &user, purpose)?)
            .audit(
                AuditDraft::new(actor, &action, target("user", user.id), now)
                    .named("user.invitation.sent"),
            );
        self.store.commit(change).await?;
        let sent = self
            .store
            .latest_invitation(org.id, user.id)
            .await?
            .ok_or_else(|| CoreError::Internal("a sent invitation is not stored".into()))?;
        self.invitation_view(&user, &sent).await
    }

    /// Ends `username`'s pending invitation: its link stops working.
    pub async fn revoke_invitation(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<()> {
        let (org, user, latest, action) = self.invitation_target(actor, slug, username).await?;
        let now = self.now();
        if !latest.is_some_and(|l| l.usable(now)) {
            return Err(CoreError::not_found(
                "pending invitation",
                username.as_str(),
            ));
        }
        let change = Change::new(Some(org.id))
            .write(Write::EndPasswordLinks {
                user: user.id,
                at: now,
            })
            .audit(
                AuditDraft::new(actor, &action, target("user", user.id), now)
                    .named("user.invitation.revoked"),
            );
        self.store.commit(change).await
    }

    /// The org, user and latest invitation an invitation request is about, and the action it
    /// is authorized as: an admin's `UpdateUser`, or the operator's
    /// `ManageFirstAdminInvitation` while the first administrator has no password. Anyone else
    /// is refused — the same way whether or not the username exists.
    async fn invitation_target(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<(Org, User, Option<PasswordReset>, Action)> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let user = self.store.user_by_name(org.id, username).await?;
        let as_admin = user.as_ref().map(|u| Action::UpdateUser(org.id, u.id));
        if let (Some(user), Some(action)) = (user.as_ref(), as_admin)
            && authorize(actor, &action).is_ok()
        {
            let latest = self.store.latest_invitation(org.id, user.id).await?;
            return Ok((org, user.clone(), latest, action));
        }
        let first_admin = match &user {
            Some(u) => {
                let latest = self.store.latest_invitation(org.id, u.id).await?;
                let pending_first = latest
                    .as_ref()
                    .is_some_and(|l| l.purpose == LinkPurpose::FirstAdmin)
                    && self.store.credential(org.id, u.id).await?.is_none();
                pending_first.then_some(latest)
            }
            None => None,
        };
        let action = Action::ManageFirstAdminInvitation(org.id);
        match (user, first_admin) {
            (Some(user), Some(latest)) => {
                self.check(actor, &action, &target("user", user.id)).await?;
                Ok((org, user, latest, action))
            }
            (user, _) => {
                // Whoever may not list the org's users learns nothing about who exists.
                let may_know = authorize(actor, &Action::ListUsers(org.id)).is_ok();
                match user {
                    Some(u) if may_know => {
                        let t = target("user", u.id);
                        self.check(actor, &Action::UpdateUser(org.id, u.id), &t)
                            .await?;
                        Err(CoreError::Internal(
                            "an invitation target was not decided".into(),
                        ))
                    }
                    None if may_know => Err(CoreError::not_found("user", username.as_str())),
                    _ if authorize(actor, &action).is_ok() => Err(CoreError::forbidden(
                        "the provider resends or revokes only the invitation of an \
                         organization's first administrator, until they set their password; \
                         everyone else's is the org admins' to manage",
                    )),
                    _ => {
                        self.check(actor, &action, &target("org", org.id)).await?;
                        Err(CoreError::Internal(
                            "an invitation target was not decided".into(),
                        ))
                    }
                }
            }
        }
    }

    async fn invitation_view(&self, user: &User, l: &PasswordReset) -> CoreResult<InvitationView> {
        let now = self.now();
        let state = match l.used_at {
            None if now < l.expires_at => InvitationState::Pending,
            None => InvitationState::Expired,
            Some(_) if self.store.credential(user.org, user.id).await?.is_some() => {
                InvitationState::Accepted
            }
            Some(_) => InvitationState::Revoked,
        };
        Ok(InvitationView {
            username: user.username.clone(),
            state,
            first_admin: l.purpose == LinkPurpose::FirstAdmin,
            sent_at: l.created_at,
            expires_at: l.expires_at,
        })
    }
}
