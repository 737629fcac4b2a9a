//! Access bindings: granting a user or group a resource. Granting access is something support
//! staff can never do (the matrix in `access` denies it); org admins and the operator can.

use super::groups::MemberRef;
use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{AccessBinding, BindingSubject, Name, OrgSlug};
use crate::error::{CoreError, CoreResult};
use crate::ids::BindingId;
use crate::page::{Page, PageRequest};
use crate::ports::DirectoryStore;
use serde_json::json;

/// A binding to create: a resource and the user or group it is granted to.
#[derive(Debug, Clone)]
pub struct NewBinding {
    pub resource: Name,
    pub subject: MemberRef,
}

impl<S: DirectoryStore> Directory<S> {
    /// Grants a resource to a user or group.
    pub async fn create_binding(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        new: NewBinding,
    ) -> CoreResult<AccessBinding> {
        let org = self.org_for(actor, slug, Action::GrantAccess).await?;
        let resource = self.resource_in(&org, &new.resource).await?;
        let subject = match &new.subject {
            MemberRef::User(u) => BindingSubject::User(
                self.store
                    .user_by_name(org.id, u)
                    .await?
                    .ok_or_else(|| CoreError::not_found("user", u.as_str()))?
                    .id,
            ),
            MemberRef::Group(g) => BindingSubject::Group(
                self.store
                    .group_by_name(org.id, g)
                    .await?
                    .ok_or_else(|| CoreError::not_found("group", g.as_str()))?
                    .id,
            ),
        };
        let now = self.now();
        let binding = AccessBinding {
            id: BindingId::from_random(self.random()),
            org: org.id,
            resource: resource.id,
            subject,
            created_at: now,
        };
        let change = Change::new(Some(org.id))
            .write(Write::CreateBinding(binding.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::GrantAccess(org.id),
                    target("binding", binding.id),
                    now,
                )
                .with_detail(json!({"resource": target("resource", resource.id)})),
            );
        self.store.commit(change).await?;
        Ok(binding)
    }

    /// Lists bindings.
    pub async fn list_bindings(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        page: &PageRequest,
    ) -> CoreResult<Page<AccessBinding>> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        self.store.list_bindings(org.id, page).await
    }

    /// Reads one binding.
    pub async fn get_binding(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: BindingId,
    ) -> CoreResult<AccessBinding> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        self.store
            .binding_by_id(org.id, id)
            .await?
            .ok_or_else(|| CoreError::not_found("binding", id.to_string()))
    }

    /// Revokes a binding.
    pub async fn delete_binding(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: BindingId,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::GrantAccess).await?;
        if self.store.binding_by_id(org.id, id).await?.is_none() {
            return Err(CoreError::not_found("binding", id.to_string()));
        }
        let change = Change::new(Some(org.id))
            .write(Write::DeleteBinding(id))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::GrantAccess(org.id),
                    target("binding", id),
                    self.now(),
                )
                .with_detail(json!({"op": "delete"})),
            );
        self.store.commit(change).await
    }
}
