//! Organizations: created and re-planned by the operator, read by their own members.

use super::{Directory, NewUser, PasswordInput, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::PasswordPolicy;
use crate::auth::reset::LinkPurpose;
use crate::change::{Change, Write};
use crate::directory::org::check_display_name;
use crate::directory::{Email, Org, OrgSlug, PersonalData, Plan, UserStatus, Username};
use crate::error::{CoreError, CoreResult};
use crate::ids::OrgId;
use crate::page::{Page, PageRequest};
use crate::ports::{DeskStore, DirectoryStore};
use crate::secret::Personal;
use serde_json::json;

/// A new organization.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub slug: OrgSlug,
    pub name: String,
    pub plan: Plan,
}

/// An organization's first administrator, as the provider knows them: a name and an address
/// to send the invitation to — never a password.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    pub username: Username,
    pub email: Email,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

/// Changes to an org; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrgPatch {
    pub name: Option<String>,
    pub plan: Option<Plan>,
    pub password_policy: Option<PasswordPolicy>,
}

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Creates an org together with its first administrator (operator only), in one change:
    /// either both exist afterwards, with the administrator's invitation queued to their
    /// address, or nothing does — never an org nobody can administer. Nobody at the provider
    /// chooses or sees the administrator's password: they set it with the invitation.
    pub async fn create_org_with_admin(
        &self,
        actor: &Actor,
        new: NewOrg,
        admin: FirstAdmin,
    ) -> CoreResult<Org> {
        let (org, change) = self.new_org(actor, new).await?;
        let now = self.now();
        org.plan.check_growth(0, 1, now)?;
        let user = self.build_user(
            &org,
            NewUser {
                username: admin.username,
                email: admin.email,
                password: PasswordInput::None,
                status: UserStatus::Active,
                posix: None,
                ssh_keys: Vec::new(),
                personal: PersonalData {
                    given_name: Personal(admin.given_name),
                    family_name: Personal(admin.family_name),
                    ..PersonalData::default()
                },
            },
        )?;
        let id = user.id;
        let invitation = self.invitation(&org, &user, LinkPurpose::FirstAdmin)?;
        let change = change
            .write(Write::CreateUser {
                user: Box::new(user),
                credential: None,
            })
            .write(Write::SetAdmin {
                user: id,
                admin: true,
            })
            .merge(invitation)
            // In the org's own chain: the org's admins see who made their first admin.
            .audit(
                AuditDraft::new(actor, &Action::CreateUser(org.id), target("user", id), now)
                    .with_detail(json!({"status": "active", "invited": true, "first_admin": true})),
            )
            .audit(
                AuditDraft::new(actor, &Action::GrantAdmin(org.id), target("user", id), now)
                    .with_detail(json!({"first_admin": true})),
            )
            .seats(org.plan.clone(), now);
        self.store.commit(change).await?;
        Ok(org)
    }

    /// Suspends the organization (operator), e.g. for an unpaid bill: from then on nobody of
    /// it signs in over the web, the API or LDAP, and its tokens stop working; nothing of it
    /// is deleted. Its admins can still reach support by mail.
    pub async fn suspend_org(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<Org> {
        self.set_suspension(actor, slug, true).await
    }

    /// Lifts a suspension (operator): everything works again as before.
    pub async fn resume_org(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<Org> {
        self.set_suspension(actor, slug, false).await
    }

    async fn set_suspension(&self, actor: &Actor, slug: &OrgSlug, on: bool) -> CoreResult<Org> {
        let mut org = self.org_for(actor, slug, Action::SuspendOrg).await?;
        if org.is_suspended() == on {
            return Ok(org);
        }
        let now = self.now();
        org.suspended_at = on.then_some(now);
        let name = if on { "org.suspend" } else { "org.resume" };
        let change = Change::new(Some(org.id))
            .write(Write::UpdateOrg(org.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::SuspendOrg(org.id),
                    target("org", org.id),
                    now,
                )
                .named(name),
            );
        self.store.commit(change).await?;
        Ok(org)
    }
}

impl<S: DirectoryStore> Directory<S> {
    /// Creates an org without an administrator (operator only). The REST API and the console
    /// always create an org with its first administrator
    /// ([`Directory::create_org_with_admin`]); this is for skydir's own tests and tools.
    pub async fn create_org(&self, actor: &Actor, new: NewOrg) -> CoreResult<Org> {
        let (org, change) = self.new_org(actor, new).await?;
        self.store.commit(change).await?;
        Ok(org)
    }

    /// A new org and the change that creates it: its creation opens the org's own audit chain,
    /// and the deployment chain records it too.
    async fn new_org(&self, actor: &Actor, new: NewOrg) -> CoreResult<(Org, Change)> {
        self.check(actor, &Action::CreateOrg, "org:new").await?;
        let name = check_display_name("name", &new.name)?;
        let now = self.now();
        let org = Org {
            id: OrgId::from_random(self.random()),
            slug: new.slug,
            name,
            plan: new.plan,
            password_policy: PasswordPolicy::default(),
            created_at: now,
            suspended_at: None,
        };
        let mut in_org =
            AuditDraft::new(actor, &Action::ReadOrg(org.id), target("org", org.id), now)
                .with_detail(json!({"plan": org.plan.kind.as_str()}));
        in_org.action = "org.create".into();
        let change = Change::new(Some(org.id))
            .write(Write::CreateOrg(org.clone()))
            .audit(AuditDraft::new(
                actor,
                &Action::CreateOrg,
                target("org", org.id),
                now,
            ))
            .audit(in_org);
        Ok((org, change))
    }

    /// Reads an org.
    pub async fn get_org(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<Org> {
        self.org_for(actor, slug, Action::ReadOrg).await
    }

    /// How many users an org has now (the seats it uses): a billing fact its admins and the
    /// provider both need, which names nobody.
    pub async fn count_users(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<u64> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        self.store.count_users(org.id).await
    }

    /// Lists orgs (provider staff).
    pub async fn list_orgs(&self, actor: &Actor, page: &PageRequest) -> CoreResult<Page<Org>> {
        self.check(actor, &Action::ListOrgs, "org:*").await?;
        self.store.list_orgs(page).await
    }

    /// Changes an org's name, plan or password policy (operator).
    pub async fn update_org(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        patch: OrgPatch,
    ) -> CoreResult<Org> {
        let mut org = self.org_for(actor, slug, Action::UpdateOrg).await?;
        let mut changed = Vec::new();
        if let Some(name) = patch.name {
            org.name = check_display_name("name", &name)?;
            changed.push("name");
        }
        if let Some(plan) = patch.plan {
            org.plan = plan;
            changed.push("plan");
        }
        if let Some(policy) = patch.password_policy {
            policy.validate()?;
            org.password_policy = policy;
            changed.push("password_policy");
        }
        if changed.is_empty() {
            return Err(CoreError::invalid("body", "nothing to change"));
        }
        let now = self.now();
        let change = Change::new(Some(org.id))
            .write(Write::UpdateOrg(org.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::UpdateOrg(org.id),
                    target("org", org.id),
                    now,
                )
                .with_detail(json!({"fields": changed, "plan": org.plan.kind.as_str()})),
            );
        self.store.commit(change).await?;
        Ok(org)
    }
}
