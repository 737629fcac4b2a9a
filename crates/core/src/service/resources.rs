//! Applications and other resources users can be given access to.

use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::names::check_description;
use crate::directory::{Name, Org, OrgSlug, Resource, ResourceKind};
use crate::error::{CoreError, CoreResult};
use crate::ids::ResourceId;
use crate::page::{Page, PageRequest};
use crate::ports::DirectoryStore;
use serde_json::json;

/// A resource to create.
#[derive(Debug, Clone)]
pub struct NewResource {
    pub name: Name,
    pub kind: ResourceKind,
    pub description: String,
}

/// Changes to a resource.
#[derive(Debug, Clone, Default)]
pub struct ResourcePatch {
    pub description: Option<String>,
}

impl<S: DirectoryStore> Directory<S> {
    pub(super) async fn resource_in(&self, org: &Org, name: &Name) -> CoreResult<Resource> {
        self.store
            .resource_by_name(org.id, name)
            .await?
            .ok_or_else(|| CoreError::not_found("resource", name.as_str()))
    }

    /// Creates a resource.
    pub async fn create_resource(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        new: NewResource,
    ) -> CoreResult<Resource> {
        let org = self.org_for(actor, slug, Action::ManageResources).await?;
        let now = self.now();
        let resource = Resource {
            id: ResourceId::from_random(self.random()),
            org: org.id,
            name: new.name,
            kind: new.kind,
            description: check_description(&new.description)?,
            created_at: now,
        };
        let change = Change::new(Some(org.id))
            .write(Write::CreateResource(resource.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageResources(org.id),
                    target("resource", resource.id),
                    now,
                )
                .with_detail(json!({"op": "create", "kind": resource.kind.as_str()})),
            );
        self.store.commit(change).await?;
        Ok(resource)
    }

    /// Reads a resource.
    pub async fn get_resource(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
    ) -> CoreResult<Resource> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        self.resource_in(&org, name).await
    }

    /// Lists resources by name.
    pub async fn list_resources(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        page: &PageRequest,
    ) -> CoreResult<Page<Resource>> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        self.store.list_resources(org.id, page).await
    }

    /// Changes a resource's description.
    pub async fn update_resource(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
        patch: ResourcePatch,
    ) -> CoreResult<Resource> {
        let org = self.org_for(actor, slug, Action::ManageResources).await?;
        let mut resource = self.resource_in(&org, name).await?;
        let Some(d) = patch.description else {
            return Err(CoreError::invalid("body", "nothing to change"));
        };
        resource.description = check_description(&d)?;
        let change = Change::new(Some(org.id))
            .write(Write::UpdateResource(resource.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageResources(org.id),
                    target("resource", resource.id),
                    self.now(),
                )
                .with_detail(json!({"op": "update", "fields": ["description"]})),
            );
        self.store.commit(change).await?;
        Ok(resource)
    }

    /// Deletes a resource and the bindings to it.
    pub async fn delete_resource(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::ManageResources).await?;
        let resource = self.resource_in(&org, name).await?;
        let change = Change::new(Some(org.id))
            .write(Write::DeleteResource(resource.id))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageResources(org.id),
                    target("resource", resource.id),
                    self.now(),
                )
                .with_detail(json!({"op": "delete"})),
            );
        self.store.commit(change).await
    }
}
