//! The support team's arrangements: the dedicated specialist a JumpStart org's tickets go to
//! (named by the operator), and the agents' macros (saved answers) and their use on a ticket.

use super::TicketView;
use crate::access::{Action, Actor, StaffRole};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{Name, OrgSlug};
use crate::error::{CoreError, CoreResult};
use crate::ids::{MacroId, StaffId};
use crate::ports::{DeskStore, DirectoryStore};
use crate::service::{Directory, target};
use crate::support::{Macro, MacroContext, TicketStatus, Visibility};
use serde_json::json;

impl<S: DirectoryStore + DeskStore> Directory<S> {
    /// Names (or, with `None`, clears) the org's dedicated support specialist: a support
    /// agent, by handle. The operator's arrangement, like the plan.
    pub async fn set_specialist(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        handle: Option<&str>,
    ) -> CoreResult<Option<StaffId>> {
        let org = self.org_for(actor, slug, Action::UpdateOrg).await?;
        let staff = match handle {
            None => None,
            Some(h) => Some(
                self.store
                    .list_staff()
                    .await?
                    .into_iter()
                    .find(|s| s.handle == h.trim() && s.role == StaffRole::Agent)
                    .ok_or_else(|| {
                        CoreError::invalid("handle", format!("no support agent is called '{h}'"))
                    })?
                    .id,
            ),
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::UpdateOrg(org.id),
            target("org", org.id),
            self.now(),
        )
        .with_detail(json!({ "specialist": staff.map(|s| target("staff", s)) }));
        audit.action = "org.specialist".into();
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::SetSpecialist(staff))
                    .audit(audit),
            )
            .await?;
        Ok(staff)
    }

    /// The agents' macros, by name.
    pub async fn list_macros(&self, actor: &Actor) -> CoreResult<Vec<Macro>> {
        self.check(actor, &Action::SupportQueue, "macros").await?;
        self.store.macros().await
    }

    /// Saves a macro under `name` (replacing one of that name).
    pub async fn put_macro(
        &self,
        actor: &Actor,
        name: &Name,
        title: &str,
        body: &str,
        visibility: Visibility,
        status: Option<TicketStatus>,
    ) -> CoreResult<Macro> {
        self.check(actor, &Action::SupportQueue, "macros").await?;
        Macro::check(title, body)?;
        let existing = self
            .store
            .macros()
            .await?
            .into_iter()
            .find(|m| &m.name == name);
        let m = Macro {
            id: existing.map_or_else(|| MacroId::from_random(self.random()), |m| m.id),
            name: name.clone(),
            title: title.trim().to_string(),
            body: body.to_string(),
            visibility,
            status,
            updated_at: self.now(),
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::SupportQueue,
            target("macro", m.id),
            m.updated_at,
        )
        .with_detail(json!({ "name": name.as_str() }));
        audit.action = "macro.save".into();
        self.store
            .commit(
                Change::new(None)
                    .write(Write::PutMacro(Box::new(m.clone())))
                    .audit(audit),
            )
            .await?;
        Ok(m)
    }

    /// Deletes a macro.
    pub async fn delete_macro(&self, actor: &Actor, name: &Name) -> CoreResult<()> {
        self.check(actor, &Action::SupportQueue, "macros").await?;
        let m = self
            .store
            .macros()
            .await?
            .into_iter()
            .find(|m| &m.name == name)
            .ok_or_else(|| CoreError::not_found("macro", name.as_str()))?;
        let mut audit = AuditDraft::new(
            actor,
            &Action::SupportQueue,
            target("macro", m.id),
            self.now(),
        );
        audit.action = "macro.delete".into();
        self.store
            .commit(
                Change::new(None)
                    .write(Write::DeleteMacro(m.id))
                    .audit(audit),
            )
            .await
    }

    /// Replies on ticket `number` with macro `name`: its text with the placeholders filled,
    /// its visibility, and the status it sets.
    pub async fn reply_with_macro(
        &self,
        actor: &Actor,
        number: u64,
        name: &Name,
    ) -> CoreResult<TicketView> {
        let Actor::SupportAgent { staff } = *actor else {
            return Err(CoreError::forbidden("macros are used by support agents"));
        };
        let m = self
            .list_macros(actor)
            .await?
            .into_iter()
            .find(|m| &m.name == name)
            .ok_or_else(|| CoreError::not_found("macro", name.as_str()))?;
        let (_, ticket) = self.staff_ticket(actor, number).await?;
        let requester = self.requester(&ticket).await?;
        let given = requester
            .as_ref()
            .and_then(|u| u.personal.given_name.get().clone());
        let handle = self
            .store
            .list_staff()
            .await?
            .into_iter()
            .find(|s| s.id == staff)
            .map_or_else(|| "support".to_string(), |s| s.handle);
        let policy = self.desk_policy()?;
        let kb = format!("{}/kb", policy.contacts.public_url);
        let body = m.render(&MacroContext {
            ticket: ticket.number,
            subject: &ticket.subject,
            requester: given.as_deref(),
            agent: &handle,
            kb: &kb,
        });
        self.agent_reply(actor, number, body, m.visibility, m.status, Vec::new())
            .await
    }
}
