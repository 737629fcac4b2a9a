//! Provider staff: the operator adds support agents (and further operators) and lists them.
//! Each new staff member gets an API token, shown once; staff hold no org credentials.

use super::{Directory, IssuedToken, target};
use crate::access::{Action, Actor, Staff, StaffRole};
use crate::audit::AuditDraft;
use crate::auth::TokenSubject;
use crate::change::{Change, Write};
use crate::error::{CoreError, CoreResult};
use crate::ids::StaffId;
use crate::ports::DirectoryStore;
use serde_json::json;

/// Checks a staff handle: like a username (lowercase letters, digits, `-_.`), 1–64.
fn check_handle(handle: &str) -> CoreResult<String> {
    crate::directory::Username::parse(handle)
        .map(|u| u.as_str().to_string())
        .map_err(|e| match e {
            CoreError::Invalid { reason, .. } => CoreError::invalid("handle", reason),
            other => other,
        })
}

impl<S: DirectoryStore> Directory<S> {
    /// Adds a staff member with `role` and issues their first token.
    pub async fn create_staff(
        &self,
        actor: &Actor,
        handle: &str,
        role: StaffRole,
    ) -> CoreResult<(Staff, IssuedToken)> {
        self.check(actor, &Action::ManageStaff, "staff:*").await?;
        let handle = check_handle(handle)?;
        let now = self.now();
        let staff = Staff {
            id: StaffId::from_random(self.random()),
            role,
            handle,
            created_at: now,
        };
        let audit = AuditDraft::new(actor, &Action::ManageStaff, target("staff", staff.id), now)
            .with_detail(json!({ "role": role.as_str() }));
        self.store
            .commit(
                Change::new(None)
                    .write(Write::CreateStaff(staff.clone()))
                    .audit(audit),
            )
            .await?;
        let subject = match role {
            StaffRole::Operator => TokenSubject::Operator { staff: staff.id },
            StaffRole::Agent => TokenSubject::Agent { staff: staff.id },
        };
        let token = self.issue_token(actor, subject, "initial", None).await?;
        Ok((staff, token))
    }

    /// Every staff member, by handle.
    pub async fn list_staff(&self, actor: &Actor) -> CoreResult<Vec<Staff>> {
        self.check(actor, &Action::ManageStaff, "staff:*").await?;
        let mut all = self.store.list_staff().await?;
        all.sort_by(|a, b| a.handle.cmp(&b.handle));
        Ok(all)
    }
}
