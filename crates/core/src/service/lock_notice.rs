//! Telling an account's owner that it locked. A sign-in never says an account is locked (that
//! would tell a guesser the name exists), so the person it belongs to hears it by mail instead:
//! a user at their own address, a service account's organization at its admins' addresses. Once
//! per series of failures — when the failures first reach the policy's limit — not on every
//! doubling of the lock, so a guesser cannot turn the lock into a mail cannon.

use super::Directory;
use super::password_check::Holder;
use crate::auth::LoginState;
use crate::change::{Change, Write};
use crate::directory::Org;
use crate::error::CoreResult;
use crate::ports::DirectoryStore;

impl<S: DirectoryStore> Directory<S> {
    /// Adds to `change` the mails that tell `holder`'s owner its credential is now locked as
    /// `state` says.
    pub(super) async fn lock_notice(
        &self,
        org: &Org,
        holder: Holder,
        state: LoginState,
        mut change: Change,
    ) -> CoreResult<Change> {
        let until = state
            .locked_until
            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "a while".into());
        let n = state.failures;
        let (recipients, subject, text) = match holder {
            Holder::User { id, .. } => {
                let Some(user) = self.store.user_by_id(org.id, id).await? else {
                    return Ok(change);
                };
                (
                    vec![user.email.as_str().to_string()],
                    format!("Your {} account is locked for now", org.name),
                    format!(
                        "After {n} wrong passwords in a row, sign-ins to your account '{}' at {} \
                         are refused until {until}, even with the right password.\n\n\
                         If that was you: wait until then, or use \"Forgot your password?\" on \
                         the sign-in page.\nIf it was not: someone may be guessing your password. \
                         Tell your administrator, and choose a new, long password once you can \
                         sign in.\n\nWe never ask for your password, by mail or otherwise.\n",
                        user.username, org.name
                    ),
                )
            }
            Holder::Service { id, .. } => {
                let name = self
                    .store
                    .service_accounts(org.id)
                    .await?
                    .into_iter()
                    .find(|a| a.id == id)
                    .map(|a| a.name.as_str().to_string())
                    .unwrap_or_else(|| "(deleted)".into());
                let mut to = Vec::new();
                for admin in self.store.admins(org.id).await? {
                    if let Some(u) = self.store.user_by_id(org.id, admin).await? {
                        to.push(u.email.as_str().to_string());
                    }
                }
                (
                    to,
                    format!("{}: the LDAP account '{name}' is locked for now", org.name),
                    format!(
                        "After {n} wrong passwords in a row, binds of the LDAP service account \
                         '{name}' of {} are refused until {until}, even with the right \
                         password. Applications that bind with it cannot reach the directory \
                         until then.\n\nIf an application was given an old password, correct it; \
                         if not, someone may be guessing it: rotate the account's password in \
                         the admin console (LDAP accounts), which also lifts the lock.\n",
                        org.name
                    ),
                )
            }
        };
        for to in recipients {
            let mail = self.privacy_mail(Some(org.id), &to, subject.clone(), text.clone());
            change = change.write(Write::QueueMail(Box::new(mail)));
        }
        Ok(change)
    }
}
