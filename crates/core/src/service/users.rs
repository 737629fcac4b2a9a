//! Users: provisioning (one at a time or imported in bulk), reading with audited disclosure of
//! personal data, updates, password changes by their owner, and erasure.

use super::sign_out::Why;
use super::{Directory, Ended, Keep, UserView, target};
use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::auth::credential::is_supported_hash;
use crate::auth::reset::LinkPurpose;
use crate::auth::{Credential, LoginState, Verification};
use crate::change::{Change, Write};
use crate::directory::personal::Address;
use crate::directory::{
    Email, Org, OrgSlug, PersonalData, Posix, SshKey, User, UserStatus, Username,
};
use crate::error::{CoreError, CoreResult};
use crate::ids::UserId;
use crate::page::{Page, PageRequest};
use crate::ports::{DeskStore, DirectoryStore};
use crate::secret::{Personal, Secret};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// How a new user's password arrives.
#[derive(Debug, Clone, Default)]
pub enum PasswordInput {
    /// No password and no invitation (the user cannot log in until an admin invites them or
    /// mails them a reset link).
    #[default]
    None,
    /// No password: the user is mailed an invitation with which they set it themself.
    Invite,
    /// A clear-text password an org admin chose, hashed with Argon2id here. Never from
    /// provider staff (who cannot create users) nor from an import.
    Plain(Secret),
    /// A hash exported by another directory ({SSHA}, {SSHA512}, {CRYPT}, {ARGON2}, `$argon2…`).
    Hash(Secret),
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub email: Email,
    pub password: PasswordInput,
    pub status: UserStatus,
    /// `None` allocates uid/gid and uses `/home/<username>` and `/bin/bash`.
    pub posix: Option<Posix>,
    pub ssh_keys: Vec<SshKey>,
    pub personal: PersonalData,
}

/// Changes to a user; `None` leaves a field as it is. Directory fields need `UpdateUser`,
/// contact and personal fields `UpdatePersonalData`.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub status: Option<UserStatus>,
    pub posix: Option<Posix>,
    pub email: Option<Email>,
    pub ssh_keys: Option<Vec<SshKey>>,
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub phones: Option<Vec<String>>,
    pub addresses: Option<Vec<Address>>,
    pub custom: Option<BTreeMap<String, String>>,
}

impl UserPatch {
    fn touches_directory(&self) -> bool {
        self.status.is_some() || self.posix.is_some()
    }

    fn touches_personal(&self) -> bool {
        self.email.is_some()
            || self.ssh_keys.is_some()
            || self.given_name.is_some()
            || self.family_name.is_some()
            || self.phones.is_some()
            || self.addresses.is_some()
            || self.custom.is_some()
    }
}

/// Options of a bulk import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Write nothing unless every row is valid.
    pub all_or_nothing: bool,
}

/// One refused row of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

/// Outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Rows that were valid (and were written unless this was a dry run or refused as a whole).
    pub valid: u64,
    /// Users actually created.
    pub created: u64,
    pub errors: Vec<RowError>,
}

/// Rows per transaction during import: large enough to amortize commits, small enough that a
/// crash mid-import loses at most one uncommitted batch (which the report never claimed).
const IMPORT_BATCH: usize = 1000;

impl<S: DirectoryStore> Directory<S> {
    pub(super) async fn user_in(&self, org: &Org, username: &Username) -> CoreResult<User> {
        self.store
            .user_by_name(org.id, username)
            .await?
            .ok_or_else(|| CoreError::not_found("user", username.as_str()))
    }

    pub(super) async fn is_admin(&self, org: &Org, user: UserId) -> CoreResult<bool> {
        Ok(self.store.admins(org.id).await?.contains(&user))
    }

    /// Builds the view and, when personal data is disclosed, records the read in the audit log
    /// before returning it.
    async fn view(
        &self,
        actor: &Actor,
        org: &Org,
        user: User,
        is_admin: bool,
    ) -> CoreResult<UserView> {
        let disclose = authorize(actor, &Action::ReadPersonalData(org.id, user.id)).is_ok();
        if disclose {
            let read = AuditDraft::new(
                actor,
                &Action::ReadPersonalData(org.id, user.id),
                target("user", user.id),
                self.now(),
            );
            self.store
                .commit(Change::new(Some(org.id)).audit(read))
                .await?;
        }
        let id = user.id;
        let mut view = UserView::of(user, is_admin, disclose);
        if let Some(c) = view.contact.as_mut() {
            c.pending_email = self.pending_email(org.id, id).await?;
        }
        Ok(view)
    }

    pub(super) async fn credential_for(
        &self,
        org: &Org,
        password: PasswordInput,
    ) -> CoreResult<Option<Credential>> {
        let hash = match password {
            PasswordInput::None | PasswordInput::Invite => return Ok(None),
            PasswordInput::Plain(pw) => {
                org.password_policy.check_new_password(&pw)?;
                self.passwords.hash(pw, self.random()).await?
            }
            PasswordInput::Hash(h) => {
                if !is_supported_hash(h.expose()) {
                    return Err(CoreError::invalid(
                        "password_hash",
                        "unsupported hash format; expected {SSHA}, {SSHA512}, {CRYPT}$2b$…, \
                         {ARGON2}$argon2… or $argon2id$…",
                    ));
                }
                h.expose().to_string()
            }
        };
        Ok(Some(Credential {
            hash,
            state: LoginState::default(),
        }))
    }

    pub(super) fn build_user(&self, org: &Org, new: NewUser) -> CoreResult<User> {
        new.personal.validate()?;
        let posix = match new.posix {
            Some(p) => {
                p.validate()?;
                p
            }
            None => Posix {
                uid_number: 0,
                gid_number: 0,
                home_directory: format!("/home/{}", new.username.as_str()),
                login_shell: "/bin/bash".into(),
            },
        };
        let now = self.now();
        Ok(User {
            id: UserId::from_random(self.random()),
            org: org.id,
            username: new.username,
            email: new.email,
            status: new.status,
            posix,
            ssh_keys: new.ssh_keys,
            personal: new.personal,
            created_at: now,
            updated_at: now,
        })
    }

    /// Reads a user.
    pub async fn get_user(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<UserView> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let user = self.user_in(&org, username).await?;
        self.check(
            actor,
            &Action::ReadUser(org.id, user.id),
            &target("user", user.id),
        )
        .await?;
        let admin = self.is_admin(&org, user.id).await?;
        self.view(actor, &org, user, admin).await
    }

    /// Lists users, ordered by username.
    pub async fn list_users(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        page: &PageRequest,
    ) -> CoreResult<Page<UserView>> {
        self.find_users(actor, slug, None, page).await
    }

    /// Lists users, ordered by username, optionally only those whose username starts with
    /// `prefix` (lowercased; an empty prefix lists everyone).
    pub async fn find_users(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        prefix: Option<&str>,
        page: &PageRequest,
    ) -> CoreResult<Page<UserView>> {
        let org = self.org_for(actor, slug, Action::ListUsers).await?;
        let prefix = prefix
            .map(|p| p.trim().to_lowercase())
            .filter(|p| !p.is_empty());
        if prefix.as_ref().is_some_and(|p| p.len() > 64) {
            return Err(CoreError::invalid(
                "q",
                "a username is at most 64 characters",
            ));
        }
        let users = match &prefix {
            Some(p) => self.store.search_users(org.id, p, page).await?,
            None => self.store.list_users(org.id, page).await?,
        };
        let admins: HashSet<UserId> = self.store.admins(org.id).await?.into_iter().collect();
        let disclosed: Vec<String> = users
            .items
            .iter()
            .filter(|u| authorize(actor, &Action::ReadPersonalData(org.id, u.id)).is_ok())
            .map(|u| u.id.to_string())
            .collect();
        if !disclosed.is_empty() {
            let mut read = AuditDraft::new(
                actor,
                &Action::ReadPersonalData(org.id, UserId(uuid::Uuid::nil())),
                "user:*",
                self.now(),
            )
            .with_detail(json!({"users": disclosed}));
            read.action = "user.personal.list".into();
            self.store
                .commit(Change::new(Some(org.id)).audit(read))
                .await?;
        }
        Ok(users.map(|u| {
            let disclose = authorize(actor, &Action::ReadPersonalData(org.id, u.id)).is_ok();
            let admin = admins.contains(&u.id);
            UserView::of(u, admin, disclose)
        }))
    }

    /// Changes the caller's own password after checking the current one. Every other login
    /// session of theirs ends in the same change, and their personal API tokens too unless
    /// `keep.api_tokens` (see `sign_out`); the token the change was made with survives.
    pub async fn change_password(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
        current: Secret,
        new: Secret,
        keep: Keep,
    ) -> CoreResult<Ended> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let user = self.user_in(&org, username).await?;
        let action = Action::SetPassword(org.id, user.id);
        self.check(actor, &action, &target("user", user.id)).await?;
        if let Some(cred) = self.store.credential(org.id, user.id).await? {
            cred.state.check(self.now())?;
            if self.passwords.verify(cred.hash.clone(), current).await? == Verification::Mismatch {
                let state = cred.state.after_failure(self.now(), &org.password_policy);
                let change = Change::new(Some(org.id))
                    .write(Write::SetLoginState {
                        user: user.id,
                        state,
                    })
                    .audit(
                        AuditDraft::new(actor, &action, target("user", user.id), self.now())
                            .denied(),
                    );
                self.store.commit(change).await?;
                return Err(CoreError::BadCredentials);
            }
        }
        org.password_policy.check_new_password(&new)?;
        let hash = self.passwords.hash(new, self.random()).await?;
        let (sign_out, ended) = self
            .end_sessions(
                actor,
                &action,
                (org.id, user.id),
                &keep,
                Why::PasswordChanged,
            )
            .await?;
        let change = Change::new(Some(org.id))
            .write(Write::SetCredential {
                user: user.id,
                credential: Credential {
                    hash,
                    state: LoginState::default(),
                },
            })
            .audit(AuditDraft::new(
                actor,
                &action,
                target("user", user.id),
                self.now(),
            ))
            .merge(sign_out);
        self.store.commit(change).await?;
        Ok(ended)
    }
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Changes a user's directory fields and/or personal data. A new email address is not set
    /// here: it is mailed a confirmation link (and the current address a notice), and replaces
    /// the current one when the link is opened (`email_change`); the same address as now
    /// changes nothing.
    pub async fn update_user(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
        patch: UserPatch,
    ) -> CoreResult<UserView> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let mut user = self.user_in(&org, username).await?;
        let before = user.clone();
        let t = target("user", user.id);
        if !patch.touches_directory() && !patch.touches_personal() {
            return Err(CoreError::invalid("body", "nothing to change"));
        }
        if patch.touches_directory() {
            self.check(actor, &Action::UpdateUser(org.id, user.id), &t)
                .await?;
        }
        if patch.touches_personal() {
            self.check(actor, &Action::UpdatePersonalData(org.id, user.id), &t)
                .await?;
        }
        let personal_change = patch.touches_personal();
        let mut fields = Vec::new();
        if let Some(s) = patch.status {
            user.status = s;
            fields.push("status");
        }
        if let Some(p) = patch.posix {
            p.validate()?;
            user.posix = p;
            fields.push("posix");
        }
        let new_email = patch.email.filter(|e| *e != user.email);
        if let Some(k) = patch.ssh_keys {
            user.ssh_keys = k;
            fields.push("ssh_keys");
        }
        if let Some(v) = patch.given_name {
            user.personal.given_name = Personal(v);
            fields.push("given_name");
        }
        if let Some(v) = patch.family_name {
            user.personal.family_name = Personal(v);
            fields.push("family_name");
        }
        if let Some(v) = patch.phones {
            user.personal.phones = Personal(v);
            fields.push("phones");
        }
        if let Some(v) = patch.addresses {
            user.personal.addresses = Personal(v);
            fields.push("addresses");
        }
        if let Some(v) = patch.custom {
            user.personal.custom = Personal(v);
            fields.push("custom");
        }
        user.personal.validate()?;
        let now = self.now();
        user.updated_at = now;
        let action = if personal_change {
            Action::UpdatePersonalData(org.id, user.id)
        } else {
            Action::UpdateUser(org.id, user.id)
        };
        let mut change = Change::new(Some(org.id));
        if !fields.is_empty() {
            change = change
                .write(Write::UpdateUser(Box::new(user.clone())))
                .audit(
                    AuditDraft::new(actor, &action, t, now).with_detail(json!({"fields": fields})),
                );
        }
        if let Some(new) = &new_email {
            change = change.merge(self.start_email_change(actor, &org, &before, new).await?);
        }
        if !change.writes.is_empty() {
            self.store.commit(change).await?;
        }
        let shown = if fields.is_empty() { before } else { user };
        let admin = self.is_admin(&org, shown.id).await?;
        self.view(actor, &org, shown, admin).await
    }

    /// Creates a user (the org's admins). Counts against the plan's user limit. With
    /// [`PasswordInput::Invite`] the user is mailed an invitation in the same change.
    pub async fn create_user(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        new: NewUser,
    ) -> CoreResult<UserView> {
        let org = self.org_for(actor, slug, Action::CreateUser).await?;
        let now = self.now();
        // Fail fast with the plan's error before doing any password work.
        org.plan
            .check_growth(self.store.count_users(org.id).await?, 1, now)?;
        let mut new = new;
        let password = std::mem::take(&mut new.password);
        let invite = matches!(password, PasswordInput::Invite);
        let status = new.status;
        if invite && status == UserStatus::Suspended {
            return Err(CoreError::invalid(
                "status",
                "a suspended user cannot be invited; create them active or staged",
            ));
        }
        let user = self.build_user(&org, new)?;
        let credential = self.credential_for(&org, password).await?;
        let id = user.id;
        let invitation = if invite {
            Some(self.invitation(&org, &user, LinkPurpose::Invitation)?)
        } else {
            None
        };
        let mut change = Change::new(Some(org.id))
            .write(Write::CreateUser {
                user: Box::new(user),
                credential,
            })
            .audit(
                AuditDraft::new(actor, &Action::CreateUser(org.id), target("user", id), now)
                    .with_detail(json!({"status": status.as_str(), "invited": invite})),
            )
            .seats(org.plan.clone(), now);
        if let Some(invitation) = invitation {
            change = change.merge(invitation);
        }
        self.store.commit(change).await?;
        let user = self
            .store
            .user_by_id(org.id, id)
            .await?
            .ok_or_else(|| CoreError::Internal("created user not found".into()))?;
        self.view(actor, &org, user, false).await
    }

    /// Imports users in bulk. Each row is checked on its own and reported with its line number;
    /// `progress(done, total)` is called after each batch. Users keep the password hash they
    /// came with; a row without one is mailed an invitation; a clear-text password is refused
    /// (nobody types a customer's password, not even into an import file).
    pub async fn import_users(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        rows: Vec<(u64, NewUser)>,
        opts: ImportOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> CoreResult<ImportReport> {
        let org = self.org_for(actor, slug, Action::ImportUsers).await?;
        let total = rows.len() as u64;
        let mut report = ImportReport::default();
        let mut names = HashSet::new();
        let mut emails = HashSet::new();
        let mut ready: Vec<(User, Option<Credential>)> = Vec::with_capacity(rows.len());
        // One pass over the org's existing users (instead of lookups per row) gives the
        // usernames, emails and uidNumbers already taken, so every clash is reported on its row
        // instead of failing a whole batch at commit.
        let (mut taken_names, mut taken_emails, mut uids) =
            (HashSet::new(), HashSet::new(), HashSet::new());
        let mut page = PageRequest::first(crate::page::MAX_PAGE);
        loop {
            let p = self.store.list_users(org.id, &page).await?;
            for u in p.items {
                uids.insert(u.posix.uid_number);
                taken_names.insert(u.username);
                taken_emails.insert(u.email);
            }
            match p.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        for (line, new) in rows {
            let err = |field: &str, reason: String| RowError {
                line,
                field: field.into(),
                reason,
            };
            if names.contains(&new.username) {
                report.errors.push(err(
                    "username",
                    "appears more than once in this file".into(),
                ));
                continue;
            }
            if emails.contains(&new.email) {
                report
                    .errors
                    .push(err("email", "appears more than once in this file".into()));
                continue;
            }
            if let Some(uid) = new.posix.as_ref().map(|p| p.uid_number)
                && uids.contains(&uid)
            {
                report.errors.push(err(
                    "uid_number",
                    format!("uidNumber {uid} is already in use"),
                ));
                continue;
            }
            if taken_names.contains(&new.username) {
                report.errors.push(err(
                    "username",
                    "a user with this username already exists".into(),
                ));
                continue;
            }
            if taken_emails.contains(&new.email) {
                report.errors.push(err(
                    "email",
                    "another user of this organization has this email".into(),
                ));
                continue;
            }
            let mut new = new;
            let password = match std::mem::take(&mut new.password) {
                PasswordInput::Plain(_) => {
                    report.errors.push(err(
                        "password",
                        "clear-text passwords are not imported: nobody types a customer's \
                         password; give the hash the old directory kept ({SSHA}, {SSHA512}, \
                         {CRYPT}, {ARGON2}) or leave it empty and the user is invited to set one"
                            .into(),
                    ));
                    continue;
                }
                PasswordInput::None | PasswordInput::Invite => PasswordInput::Invite,
                hash @ PasswordInput::Hash(_) => hash,
            };
            let (username, email) = (new.username.clone(), new.email.clone());
            let built = self.build_user(&org, new);
            let user = match built {
                Ok(u) => u,
                Err(e) => {
                    report.errors.push(row_error(line, e));
                    continue;
                }
            };
            match self.credential_for(&org, password).await {
                Ok(c) => {
                    names.insert(username);
                    emails.insert(email);
                    if user.posix.uid_number != 0 {
                        uids.insert(user.posix.uid_number);
                    }
                    ready.push((user, c));
                }
                Err(e) => report.errors.push(row_error(line, e)),
            }
        }
        report.valid = ready.len() as u64;
        let now = self.now();
        org.plan
            .check_growth(self.store.count_users(org.id).await?, report.valid, now)?;
        if opts.dry_run || (opts.all_or_nothing && !report.errors.is_empty()) {
            progress(total, total);
            return Ok(report);
        }
        let batch = if opts.all_or_nothing {
            usize::MAX
        } else {
            IMPORT_BATCH
        };
        let mut done = total - report.valid;
        let mut it = ready.into_iter().peekable();
        while it.peek().is_some() {
            let mut change = Change::new(Some(org.id)).seats(org.plan.clone(), now);
            for (user, credential) in it.by_ref().take(batch) {
                // The user's row first: the invitation's link refers to it.
                let invitation = if credential.is_none() {
                    Some(self.invitation(&org, &user, LinkPurpose::Invitation)?)
                } else {
                    None
                };
                change = change.audit(
                    AuditDraft::new(
                        actor,
                        &Action::CreateUser(org.id),
                        target("user", user.id),
                        now,
                    )
                    .with_detail(json!({"via": "import"})),
                );
                change = change.write(Write::CreateUser {
                    user: Box::new(user),
                    credential,
                });
                if let Some(invitation) = invitation {
                    change = change.merge(invitation);
                }
            }
            let n = change.users_added();
            self.store.commit(change).await?;
            report.created += n;
            done += n;
            progress(done, total);
        }
        let summary = AuditDraft::new(
            actor,
            &Action::ImportUsers(org.id),
            target("org", org.id),
            now,
        )
        .with_detail(json!({"created": report.created, "refused_rows": report.errors.len()}));
        self.store
            .commit(Change::new(Some(org.id)).audit(summary))
            .await?;
        Ok(report)
    }
}

fn row_error(line: u64, e: CoreError) -> RowError {
    match e {
        CoreError::Invalid { field, reason } | CoreError::Conflict { field, reason } => RowError {
            line,
            field,
            reason,
        },
        other => RowError {
            line,
            field: "row".into(),
            reason: other.to_string(),
        },
    }
}
