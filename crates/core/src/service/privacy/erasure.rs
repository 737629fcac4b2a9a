//! Erasure as use cases: the operator keeps the sub-processors' connectors; an org admin (or
//! the operator, for a verified request) erases a user — deleted and their key destroyed in
//! the same commit that records the request — and the request then propagates: the server's
//! dispatcher posts the signed webhooks this module hands it and records each attempt;
//! connectors confirm with a signed callback; the operator resolves or resends what is stuck.
//! Deleting a user through the directory is the same erasure.

use crate::access::{Action, Actor, authorize};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{Name, Org, OrgSlug, User, Username};
use crate::error::{CoreError, CoreResult};
use crate::ids::{ConnectorId, ErasureId};
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::erasure::{
    Attempt, Certificate, Connector, ConnectorSecret, ErasureRequest, SubjectContact, check_url,
};
use crate::privacy::webhook;
use crate::service::{Directory, target};
use serde_json::json;

/// A webhook the dispatcher should post now.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub request: ErasureId,
    pub connector: Name,
    pub url: String,
    pub body: Vec<u8>,
    /// The `Skydir-Signature` header value.
    pub signature: String,
}

/// What the operator writes about a connector.
#[derive(Debug, Clone, Default)]
pub struct ConnectorPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub active: Option<bool>,
}

fn check_name(name: &str) -> CoreResult<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return Err(CoreError::invalid("name", "must be 1-200 characters"));
    }
    Ok(n.to_string())
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    /// Adds a connector (operators).
    pub async fn add_connector(
        &self,
        actor: &Actor,
        slug: &Name,
        patch: ConnectorPatch,
    ) -> CoreResult<Connector> {
        self.check(actor, &Action::ManagePrivacyRegistry, "connectors")
            .await?;
        if self
            .store
            .connectors()
            .await?
            .iter()
            .any(|c| c.slug == *slug)
        {
            return Err(CoreError::conflict(
                "slug",
                format!("a connector named {slug} already exists"),
            ));
        }
        let (Some(name), Some(url), Some(secret)) = (patch.name, patch.url, patch.secret) else {
            return Err(CoreError::invalid(
                "connector",
                "name, url and secret are required",
            ));
        };
        let now = self.now();
        let c = Connector {
            id: ConnectorId::from_random(self.random()),
            slug: slug.clone(),
            name: check_name(&name)?,
            url: check_url(&url)?,
            secret: ConnectorSecret::parse(&secret)?,
            active: patch.active.unwrap_or(true),
            created_at: now,
            updated_at: now,
        };
        self.put_connector(actor, &c, "created").await?;
        Ok(c)
    }

    /// Changes a connector: name, URL, secret (rotation), active.
    pub async fn update_connector(
        &self,
        actor: &Actor,
        slug: &Name,
        patch: ConnectorPatch,
    ) -> CoreResult<Connector> {
        self.check(actor, &Action::ManagePrivacyRegistry, "connectors")
            .await?;
        let mut c = self.connector(slug).await?;
        if let Some(n) = patch.name {
            c.name = check_name(&n)?;
        }
        if let Some(u) = patch.url {
            c.url = check_url(&u)?;
        }
        if let Some(s) = patch.secret {
            c.secret = ConnectorSecret::parse(&s)?;
        }
        if let Some(a) = patch.active {
            c.active = a;
        }
        c.updated_at = self.now();
        self.put_connector(actor, &c, "updated").await?;
        Ok(c)
    }

    /// Every connector (operators).
    pub async fn list_connectors(&self, actor: &Actor) -> CoreResult<Vec<Connector>> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        self.store.connectors().await
    }

    async fn connector(&self, slug: &Name) -> CoreResult<Connector> {
        self.store
            .connectors()
            .await?
            .into_iter()
            .find(|c| c.slug == *slug)
            .ok_or_else(|| CoreError::not_found("connector", slug.as_str().to_string()))
    }

    async fn put_connector(&self, actor: &Actor, c: &Connector, what: &str) -> CoreResult<()> {
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManagePrivacyRegistry,
            target("connector", c.id),
            c.updated_at,
        );
        audit.detail = json!({ "connector": c.slug.as_str(), "change": what, "active": c.active });
        self.store
            .commit(
                Change::new(None)
                    .write(Write::PutConnector(Box::new(c.clone())))
                    .audit(audit),
            )
            .await
    }

    /// Erases `username` of org `slug` and starts telling the connectors (the org's admins;
    /// the operator for a verified request).
    pub async fn request_erasure(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<ErasureRequest> {
        let org = self.org_for(actor, slug, Action::ReadOrg).await?;
        let user = self.user_in(&org, username).await?;
        self.erase(actor, &org, user).await
    }

    /// Deletes a user: the same erasure, for callers that need no request back.
    pub async fn delete_user(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<()> {
        self.request_erasure(actor, slug, username)
            .await
            .map(|_| ())
    }

    /// The erasure behind every deletion of a user.
    pub(in crate::service) async fn erase(
        &self,
        actor: &Actor,
        org: &Org,
        user: User,
    ) -> CoreResult<ErasureRequest> {
        let action = Action::DeleteUser(org.id, user.id);
        self.check(actor, &action, &target("user", user.id)).await?;
        let admins = self.store.admins(org.id).await?;
        if admins == [user.id] {
            return Err(CoreError::conflict(
                "username",
                "this is the organization's only admin; make another user admin first",
            ));
        }
        let connectors = self.store.connectors().await?;
        let request = ErasureRequest::new(
            ErasureId::from_random(self.random()),
            org.id,
            user.id,
            actor.to_string(),
            self.now(),
            SubjectContact {
                username: user.username.as_str().to_string(),
                email: user.email.as_str().to_string(),
            },
            &connectors,
        );
        let mut audit = AuditDraft::new(
            actor,
            &action,
            target("user", user.id),
            request.requested_at,
        );
        audit.detail = json!({
            "erasure": request.id,
            "connectors": request.deliveries.iter().map(|d| d.connector.as_str()).collect::<Vec<_>>(),
        });
        let change = Change::new(Some(org.id))
            .write(Write::EraseUser(user.id))
            .write(Write::PutErasure(Box::new(request.clone())))
            .audit(audit);
        self.store.commit(change).await?;
        Ok(request)
    }

    /// The org's erasure requests, newest first (its admins).
    pub async fn org_erasures(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<Vec<ErasureRequest>> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        self.store.erasures(Some(org.id)).await
    }

    /// One of the org's requests (its admins).
    pub async fn org_erasure(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: ErasureId,
    ) -> CoreResult<ErasureRequest> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        match self.store.erasure(id).await? {
            Some(r) if r.org == org.id => Ok(r),
            _ => Err(CoreError::not_found("erasure", id.to_string())),
        }
    }

    /// The certificate of a completed request (its org's admins).
    pub async fn erasure_certificate(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: ErasureId,
    ) -> CoreResult<Certificate> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let r = self.org_erasure(actor, slug, id).await?;
        r.certificate(&org.name)
    }

    /// Every request (operators).
    pub async fn all_erasures(&self, actor: &Actor) -> CoreResult<Vec<ErasureRequest>> {
        authorize(actor, &Action::ManagePrivacyRegistry)?;
        self.store.erasures(None).await
    }

    /// The operator settles an unconfirmed delivery, saying how.
    pub async fn resolve_erasure(
        &self,
        actor: &Actor,
        id: ErasureId,
        connector: &Name,
        note: &str,
    ) -> CoreResult<ErasureRequest> {
        self.check(
            actor,
            &Action::ManagePrivacyRegistry,
            &target("erasure", id),
        )
        .await?;
        self.update_erasure(actor, id, "resolved", |r, now| {
            r.resolve(connector, note, now)
        })
        .await
    }

    /// The operator sends a failed delivery again.
    pub async fn retry_erasure(
        &self,
        actor: &Actor,
        id: ErasureId,
        connector: &Name,
    ) -> CoreResult<ErasureRequest> {
        self.check(
            actor,
            &Action::ManagePrivacyRegistry,
            &target("erasure", id),
        )
        .await?;
        self.update_erasure(actor, id, "retried", |r, now| r.retry(connector, now))
            .await
    }

    /// A connector's signed confirmation (no login: the signature is the credential). The body
    /// is `{"connector": "<slug>"}`.
    pub async fn confirm_erasure(
        &self,
        id: ErasureId,
        signature: &str,
        body: &[u8],
    ) -> CoreResult<ErasureRequest> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Confirmation {
            connector: String,
        }
        let c: Confirmation = serde_json::from_slice(body).map_err(|e| {
            CoreError::invalid(
                "body",
                format!("expected {{\"connector\": \"<slug>\"}}: {e}"),
            )
        })?;
        let slug = Name::parse(&c.connector)?;
        let connector = self.connector(&slug).await?;
        webhook::verify(&connector.secret, signature, body, self.now())?;
        let who = Actor::System;
        self.update_erasure(&who, id, "confirmed", |r, now| r.confirm(&slug, now))
            .await
    }

    /// The webhooks due now, signed (the dispatcher).
    pub async fn erasure_webhooks_due(&self) -> CoreResult<Vec<Webhook>> {
        let now = self.now();
        let connectors = self.store.connectors().await?;
        let base = self.desk_policy()?.contacts.public_url.clone();
        let mut out = Vec::new();
        for r in self.store.erasures_due(now).await? {
            let org = self.store.org_by_id(r.org).await?;
            let org_slug = org.map(|o| o.slug.as_str().to_string()).unwrap_or_default();
            for slug in r.due(now) {
                let Some(c) = connectors.iter().find(|c| c.slug == slug) else {
                    continue;
                };
                let callback = format!("{base}/api/v1/privacy/erasures/{}/confirmations", r.id);
                let body = webhook::erasure_body(&r, slug.as_str(), &org_slug, &callback)?;
                out.push(Webhook {
                    request: r.id,
                    connector: slug.clone(),
                    url: c.url.clone(),
                    signature: webhook::sign(&c.secret, now, &body),
                    body,
                });
            }
        }
        Ok(out)
    }

    /// Records what a webhook attempt came to (the dispatcher).
    pub async fn record_webhook(
        &self,
        id: ErasureId,
        connector: &Name,
        attempt: Attempt,
    ) -> CoreResult<ErasureRequest> {
        let what = match &attempt {
            Attempt::Accepted => "sent",
            Attempt::Erased => "confirmed",
            Attempt::Failed(_) => "attempt_failed",
        };
        self.update_erasure(&Actor::System, id, what, |r, now| {
            r.record_attempt(connector, attempt.clone(), now)
        })
        .await
    }

    /// Applies `f` to the stored request and commits it at the next version, retrying when
    /// another writer got there first.
    async fn update_erasure(
        &self,
        actor: &Actor,
        id: ErasureId,
        what: &str,
        f: impl Fn(&mut ErasureRequest, jiff::Timestamp) -> CoreResult<()>,
    ) -> CoreResult<ErasureRequest> {
        let mut last = None;
        for _ in 0..3 {
            let mut r = self
                .store
                .erasure(id)
                .await?
                .ok_or_else(|| CoreError::not_found("erasure", id.to_string()))?;
            let before = r.clone();
            let now = self.now();
            f(&mut r, now)?;
            if r == before {
                return Ok(r);
            }
            r.version += 1;
            let mut audit = AuditDraft::new(
                actor,
                &Action::ManagePrivacyRegistry,
                target("erasure", id),
                now,
            );
            audit.detail = json!({ "change": what, "state": r.state() });
            let change = Change::new(Some(r.org))
                .write(Write::PutErasure(Box::new(r.clone())))
                .audit(audit);
            match self.store.commit(change).await {
                Ok(()) => return Ok(r),
                Err(e @ CoreError::Conflict { .. }) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| CoreError::conflict("erasure", "changed concurrently")))
    }
}
