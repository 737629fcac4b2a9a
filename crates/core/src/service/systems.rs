//! Systems (computers) registered in an org.

use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::system::check_version;
use crate::directory::{JoinMethod, Name, Org, OrgSlug, OsFamily, System};
use crate::error::{CoreError, CoreResult};
use crate::ids::SystemId;
use crate::page::{Page, PageRequest};
use crate::ports::DirectoryStore;
use serde_json::json;

/// A system to register.
#[derive(Debug, Clone)]
pub struct NewSystem {
    pub hostname: Name,
    pub os_family: OsFamily,
    pub os_version: String,
    /// How it joins the directory (`Unknown` when not said).
    pub joined_via: JoinMethod,
    pub agent_version: Option<String>,
}

/// Changes to a system.
#[derive(Debug, Clone, Default)]
pub struct SystemPatch {
    pub os_family: Option<OsFamily>,
    pub os_version: Option<String>,
    pub joined_via: Option<JoinMethod>,
    pub agent_version: Option<Option<String>>,
}

impl<S: DirectoryStore> Directory<S> {
    async fn system_in(&self, org: &Org, hostname: &Name) -> CoreResult<System> {
        self.store
            .system_by_name(org.id, hostname)
            .await?
            .ok_or_else(|| CoreError::not_found("system", hostname.as_str()))
    }

    /// Registers a system.
    pub async fn create_system(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        new: NewSystem,
    ) -> CoreResult<System> {
        let org = self.org_for(actor, slug, Action::ManageSystems).await?;
        check_version("os_version", &new.os_version)?;
        new.joined_via.check(new.os_family)?;
        if let Some(v) = &new.agent_version {
            check_version("agent_version", v)?;
        }
        let now = self.now();
        let system = System {
            id: SystemId::from_random(self.random()),
            org: org.id,
            hostname: new.hostname,
            os_family: new.os_family,
            os_version: new.os_version,
            joined_via: new.joined_via,
            agent_version: new.agent_version,
            last_contact: None,
            created_at: now,
        };
        let change = Change::new(Some(org.id))
            .write(Write::CreateSystem(system.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageSystems(org.id),
                    target("system", system.id),
                    now,
                )
                .with_detail(json!({"op": "create"})),
            );
        self.store.commit(change).await?;
        Ok(system)
    }

    /// Reads a system.
    pub async fn get_system(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        hostname: &Name,
    ) -> CoreResult<System> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        self.system_in(&org, hostname).await
    }

    /// Lists systems by hostname.
    pub async fn list_systems(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        page: &PageRequest,
    ) -> CoreResult<Page<System>> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        self.store.list_systems(org.id, page).await
    }

    /// Changes a system's OS, the way it joins or its agent version.
    pub async fn update_system(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        hostname: &Name,
        patch: SystemPatch,
    ) -> CoreResult<System> {
        let org = self.org_for(actor, slug, Action::ManageSystems).await?;
        let mut system = self.system_in(&org, hostname).await?;
        let mut fields = Vec::new();
        if let Some(f) = patch.os_family {
            system.os_family = f;
            fields.push("os_family");
        }
        if let Some(v) = patch.os_version {
            check_version("os_version", &v)?;
            system.os_version = v;
            fields.push("os_version");
        }
        if let Some(m) = patch.joined_via {
            system.joined_via = m;
            fields.push("joined_via");
        }
        if let Some(v) = patch.agent_version {
            if let Some(v) = &v {
                check_version("agent_version", v)?;
            }
            system.agent_version = v;
            fields.push("agent_version");
        }
        if fields.is_empty() {
            return Err(CoreError::invalid("body", "nothing to change"));
        }
        system.joined_via.check(system.os_family)?;
        let change = Change::new(Some(org.id))
            .write(Write::UpdateSystem(system.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageSystems(org.id),
                    target("system", system.id),
                    self.now(),
                )
                .with_detail(json!({"op": "update", "fields": fields})),
            );
        self.store.commit(change).await?;
        Ok(system)
    }

    /// Removes a system.
    pub async fn delete_system(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        hostname: &Name,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::ManageSystems).await?;
        let system = self.system_in(&org, hostname).await?;
        let change = Change::new(Some(org.id))
            .write(Write::DeleteSystem(system.id))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::ManageSystems(org.id),
                    target("system", system.id),
                    self.now(),
                )
                .with_detail(json!({"op": "delete"})),
            );
        self.store.commit(change).await
    }
}
