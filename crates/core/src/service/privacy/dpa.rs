//! The Data Processing Agreement: the operator publishes versions; anyone reads the current
//! text (the statement offers "a copy … for your review"); an admin of an org on a paying plan
//! executes a version, signing with their name and title; the org's admins download the
//! signed agreement. Free and JumpStart orgs are refused with the reason. Each published
//! version is an item of the privacy feed and a mail to every subscribed address ("alerted
//! when our GDPR policies … change").

use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::OrgSlug;
use crate::error::{CoreError, CoreResult};
use crate::ids::{DpaSignatureId, RegistryEventId};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::dpa::{check_version, may_execute, signed_document};
use crate::privacy::{DpaSignature, DpaVersion, FeedEntry, PolicyDocument, PolicyEvent};
use crate::service::{Directory, target};
use serde_json::json;

/// Longest agreement text accepted (bytes).
const MAX_TEXT: usize = 512 * 1024;

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Publishes a new version (operators). Versions are never changed once published.
    pub async fn publish_dpa(
        &self,
        actor: &Actor,
        version: &str,
        text: &str,
    ) -> CoreResult<DpaVersion> {
        self.check(actor, &Action::ManagePrivacyRegistry, "dpa")
            .await?;
        let version = check_version(version)?;
        if text.trim().is_empty() || text.len() > MAX_TEXT {
            return Err(CoreError::invalid(
                "text",
                format!("must be 1-{} KiB", MAX_TEXT / 1024),
            ));
        }
        if self
            .store
            .dpa_versions()
            .await?
            .iter()
            .any(|v| v.version == version)
        {
            return Err(CoreError::conflict(
                "version",
                format!("version {version} is already published; publish a new version instead"),
            ));
        }
        let v = DpaVersion {
            version,
            text: text.to_string(),
            published_at: self.now(),
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            format!("dpa:{}", v.version),
            v.published_at,
        );
        audit.action = "dpa.publish".into();
        let event = PolicyEvent {
            id: RegistryEventId::from_random(self.random()),
            at: v.published_at,
            document: PolicyDocument::Dpa,
            version: v.version.clone(),
            note: String::new(),
        };
        let mut change = Change::new(None)
            .write(Write::PublishDpa(Box::new(v.clone())))
            .write(Write::AddPolicyEvent(Box::new(event.clone())))
            .audit(audit);
        for m in self.announcement(&FeedEntry::Policy(event)).await? {
            change = change.write(Write::QueueMail(Box::new(m)));
        }
        self.store.commit(change).await?;
        Ok(v)
    }

    /// The current (latest) version, for review by anyone.
    pub async fn current_dpa(&self) -> CoreResult<DpaVersion> {
        self.store
            .dpa_versions()
            .await?
            .pop()
            .ok_or_else(|| CoreError::not_found("Data Processing Agreement", "published"))
    }

    /// Executes `version` of the DPA for the org (its admins, paying plans only).
    pub async fn execute_dpa(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        version: &str,
        signer_name: &str,
        signer_title: &str,
    ) -> CoreResult<DpaSignature> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let signer = actor.user().ok_or_else(|| {
            CoreError::forbidden("the DPA is executed by an admin of the organization")
        })?;
        if let Err(e) = may_execute(&org.plan) {
            let mut audit = AuditDraft::new(
                actor,
                &Action::ManageOrgPrivacy(org.id),
                target("org", org.id),
                self.now(),
            )
            .with_detail(json!({ "plan": org.plan.kind.as_str() }))
            .denied();
            audit.action = "dpa.execute".into();
            let _ = self
                .store
                .commit(Change::new(Some(org.id)).audit(audit))
                .await;
            return Err(e);
        }
        let version = check_version(version)?;
        if !self
            .store
            .dpa_versions()
            .await?
            .iter()
            .any(|v| v.version == version)
        {
            return Err(CoreError::invalid(
                "version",
                format!("no DPA version {version} is published"),
            ));
        }
        let field = |name: &str, v: &str| -> CoreResult<String> {
            let t = v.trim();
            if t.is_empty() || t.chars().count() > 200 || t.chars().any(char::is_control) {
                return Err(CoreError::invalid(
                    name,
                    "must be 1-200 characters on one line",
                ));
            }
            Ok(t.to_string())
        };
        let s = DpaSignature {
            id: DpaSignatureId::from_random(self.random()),
            org: org.id,
            version: version.clone(),
            signer,
            signer_name: field("signer_name", signer_name)?,
            signer_title: field("signer_title", signer_title)?,
            signed_at: self.now(),
        };
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageOrgPrivacy(org.id),
            target("dpa_signature", s.id),
            s.signed_at,
        )
        .with_detail(json!({ "version": version }));
        audit.action = "dpa.execute".into();
        self.store
            .commit(
                Change::new(Some(org.id))
                    .write(Write::SignDpa(Box::new(s.clone())))
                    .audit(audit),
            )
            .await?;
        Ok(s)
    }

    /// The org's executions of the DPA (its admins).
    pub async fn dpa_signatures(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<Vec<DpaSignature>> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        self.store.dpa_signatures(org.id).await
    }

    /// The signed agreement as a document (its admins).
    pub async fn dpa_document(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: DpaSignatureId,
    ) -> CoreResult<String> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let s = self
            .store
            .dpa_signatures(org.id)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| CoreError::not_found("DPA signature", id.to_string()))?;
        let v = self
            .store
            .dpa_versions()
            .await?
            .into_iter()
            .find(|v| v.version == s.version)
            .ok_or_else(|| CoreError::Internal("a signed DPA version is missing".into()))?;
        Ok(signed_document(org.slug.as_str(), &v, &s))
    }
}
