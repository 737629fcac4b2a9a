//! Applying a [`Change`]: every write and every audit event in one transaction, or none.
//!
//! Order of work:
//! 1. outside the transaction, create the data keys of new orgs and users in the keyring and
//!    seal the users' personal fields (keys must exist before any record sealed under them);
//! 2. in one write transaction: lock the org row when numbers are allocated or seats counted
//!    (PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serializes writers), check seats, apply
//!    the writes, append the audit events, commit;
//! 3. after the commit, destroy the keys of erased users. If the transaction failed instead,
//!    destroy the keys step 1 created. A crash in between leaves orphans for the start-up sweep.

mod audit;
mod conflict;
mod desk;
mod directory;
mod email_changes;
mod kb;
mod prepare;
mod privacy;
mod services;
mod team;
mod totp;
mod users;
mod verification;

use crate::db::{Tx, args};
use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use prepare::Prepared;
use skydir_core::CoreError;
use skydir_core::change::{Change, Write};
use skydir_core::ids::OrgId;

impl Store {
    /// Applies `change` atomically (see the module docs).
    pub(crate) async fn commit_change(&self, change: &Change) -> StoreResult<()> {
        check_scope(change)?;
        let prepared = prepare::prepare(self, change).await?;
        match self.apply(change, &prepared).await {
            Ok(()) => {
                if let Some(t) = change.touched() {
                    self.notify(t);
                }
                if let Err(e) = self.keyring().destroy(&prepared.erased).await {
                    // The records are gone; the start-up sweep destroys the keys later.
                    tracing::error!(error = %e, "could not destroy erased users' data keys");
                }
                Ok(())
            }
            Err(e) => {
                if let Err(d) = self.keyring().destroy(&prepared.created).await {
                    tracing::warn!(error = %d, "could not remove data keys of a failed change");
                }
                Err(e)
            }
        }
    }

    async fn apply(&self, change: &Change, prepared: &Prepared) -> StoreResult<()> {
        let mut tx = self.db().begin_write().await?;
        match apply_in(&mut tx, change, prepared).await {
            Ok(()) => {
                if let (Tx::Postgres(_), Some(t)) = (&tx, change.touched()) {
                    // Delivered to the other processes only if, and when, this commits.
                    let payload = crate::notify::payload(self.inner.origin, &t);
                    tx.execute(
                        "SELECT pg_notify($1, $2)",
                        args![crate::notify::CHANNEL, payload],
                    )
                    .await?;
                }
                Ok(tx.commit().await?)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }
}

async fn apply_in(tx: &mut Tx, change: &Change, prepared: &Prepared) -> StoreResult<()> {
    if let Some(org) = change.org
        && needs_org_lock(change)
    {
        tx.fetch_optional(
            tx.pick(
                "SELECT id FROM orgs WHERE id = $1",
                "SELECT id FROM orgs WHERE id = $1 FOR NO KEY UPDATE",
            ),
            args![org.to_string()],
        )
        .await?;
    }
    if let Some(seats) = &change.seat_check {
        let org = scope_org(change)?;
        let current = tx
            .fetch_optional(
                "SELECT COUNT(*) FROM users WHERE org_id = $1",
                args![org.to_string()],
            )
            .await?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        let current = u64::try_from(current).unwrap_or(0);
        seats
            .plan
            .check_growth(current, change.users_added(), seats.now)?;
    }
    for (i, w) in change.writes.iter().enumerate() {
        apply_write(tx, change, i, w, prepared)
            .await
            .map_err(|e| conflict::classify(e, w))?;
    }
    audit::append(tx, &change.audit).await
}

async fn apply_write(
    tx: &mut Tx,
    change: &Change,
    index: usize,
    w: &Write,
    prepared: &Prepared,
) -> StoreResult<()> {
    use Write::*;
    match w {
        CreateOrg(o) => directory::create_org(tx, o).await,
        UpdateOrg(o) => directory::update_org(tx, o).await,
        CreateStaff(s) => directory::create_staff(tx, s).await,
        SetStaffCredential { staff, credential } => {
            directory::set_staff_credential(tx, *staff, credential).await
        }
        SetStaffLoginState { staff, state } => {
            directory::set_staff_login_state(tx, *staff, state).await
        }
        SetStaffTotp { staff, enrollment } => {
            totp::set_staff(tx, *staff, enrollment, prepared.desk(index)?).await
        }
        RemoveStaffTotp(staff) => totp::remove_staff(tx, *staff).await,
        UseStaffTotpStep { staff, step } => totp::use_staff_step(tx, *staff, *step).await,
        CreateUser { user, credential } => {
            users::create(tx, user, credential.as_ref(), prepared.sealed(index)?).await
        }
        UpdateUser(user) => users::update(tx, user, prepared.sealed(index)?).await,
        SetCredential { user, credential } => {
            users::set_credential(tx, scope_org(change)?, *user, credential).await
        }
        SetLoginState { user, state } => {
            users::set_login_state(tx, scope_org(change)?, *user, state).await
        }
        EraseUser(user) => users::erase(tx, scope_org(change)?, *user).await,
        PutPasswordReset(r) => users::put_reset(tx, r).await,
        EndPasswordLinks { user, at } => users::end_links(tx, scope_org(change)?, *user, *at).await,
        UsePasswordReset { token_hash, at } => users::use_reset(tx, token_hash, *at).await,
        PutEmailChange(c) => {
            let sealed = prepared.desk(index).ok();
            email_changes::put(tx, scope_org(change)?, c, sealed).await
        }
        EndEmailChanges { user, at, how } => {
            email_changes::end_all(tx, scope_org(change)?, *user, *at, *how).await
        }
        ConfirmEmailChange { token_hash, at } => {
            email_changes::confirm(tx, scope_org(change)?, token_hash, *at).await
        }
        SetAdmin { user, admin } => users::set_admin(tx, scope_org(change)?, *user, *admin).await,
        CreateGroup(g) => directory::create_group(tx, g).await,
        UpdateGroup(g) => directory::update_group(tx, g).await,
        DeleteGroup(g) => directory::delete_group(tx, scope_org(change)?, *g).await,
        AddMember { group, member } => {
            directory::add_member(tx, scope_org(change)?, *group, member).await
        }
        RemoveMember { group, member } => {
            directory::remove_member(tx, scope_org(change)?, *group, member).await
        }
        CreateSystem(s) => directory::create_system(tx, s).await,
        UpdateSystem(s) => directory::update_system(tx, s).await,
        DeleteSystem(s) => directory::delete_system(tx, scope_org(change)?, *s).await,
        CreateResource(r) => directory::create_resource(tx, r).await,
        UpdateResource(r) => directory::update_resource(tx, r).await,
        DeleteResource(r) => directory::delete_resource(tx, scope_org(change)?, *r).await,
        CreateBinding(b) => directory::create_binding(tx, b).await,
        DeleteBinding(b) => directory::delete_binding(tx, scope_org(change)?, *b).await,
        CreateToken(t) => directory::create_token(tx, t).await,
        RevokeToken { id, at } => directory::revoke_token(tx, change.org, *id, *at).await,
        TouchToken { id, at } => directory::touch_token(tx, change.org, *id, *at).await,
        EndSessions {
            user,
            at,
            keep,
            api_tokens,
        } => directory::end_sessions(tx, scope_org(change)?, *user, *at, *keep, *api_tokens).await,
        CreateServiceAccount {
            account,
            credential,
        } => services::create(tx, account, credential).await,
        SetServiceCredential {
            account,
            credential,
            set_at,
        } => {
            let at = crate::rows::micros(*set_at);
            services::set_credential(tx, scope_org(change)?, *account, credential, at).await
        }
        SetServiceLoginState { account, state } => {
            services::set_login_state(tx, scope_org(change)?, *account, state).await
        }
        DeleteServiceAccount(id) => services::delete(tx, scope_org(change)?, *id).await,
        UpgradeHash {
            owner,
            from_hash,
            to_hash,
        } => users::upgrade_hash(tx, scope_org(change)?, *owner, from_hash, to_hash).await,
        CreateTicket(t) => desk::create_ticket(tx, t, prepared.desk(index)?).await,
        UpdateTicket(t) => {
            desk::update_ticket(tx, scope_org(change)?, t, prepared.desk(index)?).await
        }
        AddMessage { message, .. } => {
            desk::add_message(tx, scope_org(change)?, message, prepared.desk(index)?).await
        }
        LinkMail { ticket, .. } => {
            desk::link_mail(tx, scope_org(change)?, *ticket, prepared.desk(index)?).await
        }
        RecordInbound {
            outcome,
            ticket,
            at,
            ..
        } => {
            desk::record_inbound(tx, change.org, outcome, *ticket, *at, prepared.desk(index)?).await
        }
        QueueMail(m) => desk::queue_mail(tx, change.org, m, prepared.desk(index)?).await,
        RecordAnswer { at, .. } => desk::record_answer(tx, *at, prepared.desk(index)?).await,
        SetTotp { user, enrollment } => {
            totp::set(
                tx,
                scope_org(change)?,
                *user,
                enrollment,
                prepared.desk(index)?,
            )
            .await
        }
        RemoveTotp(user) => totp::remove(tx, scope_org(change)?, *user).await,
        UseTotpStep { user, step } => totp::use_step(tx, scope_org(change)?, *user, *step).await,
        CreateVerification {
            request,
            challenges,
        } => verification::create(tx, scope_org(change)?, request, challenges).await,
        UpdateVerification(v) => verification::update(tx, scope_org(change)?, v).await,
        SetSpecialist(staff) => team::set_specialist(tx, scope_org(change)?, *staff).await,
        PutMacro(m) => team::put_macro(tx, m).await,
        DeleteMacro(id) => team::delete_macro(tx, *id).await,
        PutSubProcessor(s) => privacy::put_subprocessor(tx, s).await,
        AddRegistryEvent(e) => privacy::add_event(tx, e).await,
        Subscribe(s) => privacy::subscribe(tx, scope_org(change)?, s, prepared.desk(index)?).await,
        Unsubscribe(id) => privacy::unsubscribe(tx, scope_org(change)?, *id).await,
        RecordObjection(o) => {
            privacy::object(tx, scope_org(change)?, o, prepared.desk(index)?).await
        }
        PublishDpa(v) => privacy::publish_dpa(tx, v).await,
        AddPolicyEvent(e) => privacy::add_policy_event(tx, e).await,
        PublishStatement(v) => privacy::publish_statement(tx, v).await,
        MarkDeployment { name, at } => privacy::mark_deployment(tx, name, *at).await,
        SetOrgRetention(r) => privacy::set_org_retention(tx, scope_org(change)?, r).await,
        SignDpa(s) => privacy::sign_dpa(tx, scope_org(change)?, s, prepared.desk(index)?).await,
        PutConnector(c) => privacy::put_connector(tx, c, prepared.desk(index)?).await,
        PutErasure(r) => privacy::put_erasure(tx, r, prepared.desk(index)?).await,
        PutBreach(b) => privacy::put_breach(tx, b).await,
        PutOrgDeletion(d) => privacy::put_org_deletion(tx, d).await,
        PurgeOrg(org) => privacy::purge_org(tx, *org).await,
        PurgeAttachments(ticket) => desk::purge_attachments(tx, scope_org(change)?, *ticket).await,
        PutDataRequest(r) => {
            privacy::put_data_request(tx, scope_org(change)?, r, prepared.desk(index)?).await
        }
        PutArticle(a) => kb::put_article(tx, a).await,
        DeleteArticle(id) => kb::delete_article(tx, *id).await,
        MailDelivered(id) => desk::mail_delivered(tx, *id).await,
        MailFailed {
            id,
            attempts,
            retry_at,
            error,
        } => desk::mail_failed(tx, *id, *attempts, *retry_at, error).await,
    }
}

/// Whether the change allocates POSIX numbers or counts seats, which must not interleave with
/// another transaction doing the same for the org.
fn needs_org_lock(change: &Change) -> bool {
    change.seat_check.is_some()
        || change.writes.iter().any(|w| {
            matches!(
                w,
                Write::CreateUser { .. }
                    | Write::UpdateUser(_)
                    | Write::CreateGroup(_)
                    | Write::UpdateGroup(_)
            )
        })
}

/// The org of a change whose writes name records by id only.
fn scope_org(change: &Change) -> StoreResult<OrgId> {
    change.org.ok_or_else(|| {
        StoreError::Refused(CoreError::Internal(
            "an org-scoped write arrived in a change without an org".into(),
        ))
    })
}

/// Refuses a change carrying a record of another org than the one it is scoped to: no change
/// may cross orgs.
fn check_scope(change: &Change) -> StoreResult<()> {
    use Write::*;
    for w in &change.writes {
        let record_org = match w {
            CreateOrg(o) | UpdateOrg(o) => Some(o.id),
            CreateUser { user, .. } => Some(user.org),
            UpdateUser(u) => Some(u.org),
            CreateGroup(g) | UpdateGroup(g) => Some(g.org),
            CreateSystem(s) | UpdateSystem(s) => Some(s.org),
            CreateResource(r) | UpdateResource(r) => Some(r.org),
            CreateBinding(b) => Some(b.org),
            CreateServiceAccount { account, .. } => Some(account.org),
            CreateTicket(t) | UpdateTicket(t) => Some(t.org),
            AddMessage { message, .. } => Some(message.org),
            CreateToken(t) => {
                if t.org() != change.org {
                    return Err(cross_org());
                }
                None
            }
            _ => None,
        };
        if let Some(o) = record_org {
            let org_write = matches!(w, CreateOrg(_) | UpdateOrg(_));
            match change.org {
                Some(c) if c != o => return Err(cross_org()),
                None if !org_write => return Err(cross_org()),
                _ => {}
            }
        }
    }
    Ok(())
}

fn cross_org() -> StoreError {
    StoreError::Refused(CoreError::Internal(
        "a change carried a record of another organization than its own".into(),
    ))
}

/// Maps "no row matched" to the record's `NotFound`.
pub(crate) fn found(rows: u64, kind: &'static str, key: impl ToString) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::Refused(CoreError::not_found(
            kind,
            key.to_string(),
        )))
    } else {
        Ok(())
    }
}
