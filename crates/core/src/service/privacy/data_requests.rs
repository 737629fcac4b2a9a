//! Data subjects' requests as use cases. A signed-in person files one for themself; anyone can
//! file one through the public form for an address of a user of the organization, and it waits
//! until that address opens the mailed link. The organization's admins (the controller) work
//! them: extend the deadline once with a reason, complete them — an access request mails the
//! person their report, an erasure request erases them — or reject them with the reason; the
//! person is told each step by mail; the admins are reminded a week before a request is due.

use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{Email, Org, OrgSlug, User};
use crate::error::{CoreError, CoreResult};
use crate::ids::DataRequestId;
use crate::ports::{DeskStore, DirectoryStore, PrivacyStore};
use crate::privacy::data_request::{
    DataRequest, RequestKind, RequestState, check_details, one_month_after,
};
use crate::service::{Directory, target};
use crate::support::OutboundMail;
use crate::support::verification::{token_from_random, token_hash};
use serde_json::json;

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

impl<S: DirectoryStore + DeskStore + PrivacyStore> Directory<S> {
    fn request_mail(&self, org: &Org, to: &str, subject: String, text: String) -> OutboundMail {
        self.privacy_mail(Some(org.id), to, subject, text)
    }

    /// Mails to every admin of the org that a request needs them.
    async fn tell_admins(&self, org: &Org, r: &DataRequest, what: &str) -> CoreResult<Vec<Write>> {
        let mut out = Vec::new();
        for id in self.store.admins(org.id).await? {
            if let Some(a) = self.store.user_by_id(org.id, id).await? {
                out.push(Write::QueueMail(Box::new(self.request_mail(
                    org,
                    a.email.as_str(),
                    format!("Data subject request ({}) {what}", r.kind.as_str()),
                    format!(
                        "A data subject's {} request for {} {what}.\nReceived: {}\nDue: {} \
                         (GDPR Art. 12(3): one month, extendable once with a reason)\n\n\
                         Work it at GET /api/v1/orgs/{}/data-requests/{}\n",
                        r.kind.as_str(),
                        org.name,
                        when(r.received_at),
                        when(r.due_at),
                        org.slug,
                        r.id
                    ),
                ))));
            }
        }
        Ok(out)
    }

    async fn commit_request(
        &self,
        actor: &Actor,
        org: &Org,
        r: &DataRequest,
        what: &str,
        mails: Vec<Write>,
    ) -> CoreResult<()> {
        let mut audit = AuditDraft::new(
            actor,
            &Action::ManageOrgPrivacy(org.id),
            target("data_request", r.id),
            self.now(),
        );
        audit.action = format!("data_request.{what}");
        audit.detail = json!({ "kind": r.kind.as_str(), "state": r.state.as_str() });
        let mut change = Change::new(Some(org.id))
            .write(Write::PutDataRequest(Box::new(r.clone())))
            .audit(audit);
        for m in mails {
            change = change.write(m);
        }
        self.store.commit(change).await
    }

    fn new_request(
        &self,
        org: &Org,
        kind: RequestKind,
        email: &str,
        details: String,
        channel: &str,
    ) -> DataRequest {
        let now = self.now();
        DataRequest {
            id: DataRequestId::from_random(self.random()),
            org: org.id,
            kind,
            subject: None,
            email: email.to_string(),
            details,
            channel: channel.to_string(),
            state: RequestState::Open,
            received_at: now,
            verified_at: None,
            token_hash: None,
            due_at: one_month_after(now, 1),
            extension: None,
            reminded_at: None,
            closed_at: None,
            outcome: None,
            version: 1,
        }
    }

    /// A signed-in person files a request about themself.
    pub async fn submit_data_request(
        &self,
        actor: &Actor,
        kind: RequestKind,
        details: &str,
    ) -> CoreResult<DataRequest> {
        let (org, user) = self
            .signed_in_user(
                actor,
                "requests about personal data are filed by the person themself",
            )
            .await?;
        let mut r = self.new_request(
            &org,
            kind,
            user.email.as_str(),
            check_details(details)?,
            "self_service",
        );
        r.subject = Some(user.id);
        r.verified_at = Some(r.received_at);
        let mut mails = self.tell_admins(&org, &r, "was received").await?;
        mails.push(Write::QueueMail(Box::new(self.request_mail(
            &org,
            user.email.as_str(),
            format!("We received your {} request", kind.as_str()),
            format!(
                "We received your {} request about your personal data held for {}. It will be \
                 answered by {} at the latest.\n",
                kind.as_str(),
                org.name,
                when(r.due_at)
            ),
        ))));
        self.commit_request(actor, &org, &r, "received", mails)
            .await?;
        Ok(r)
    }

    /// Anyone files a request for an address; it waits for that address to open the link.
    /// The answer is the same whether or not the address belongs to a user of the
    /// organization, so the form tells nobody who is in a directory.
    pub async fn submit_public_data_request(
        &self,
        slug: &OrgSlug,
        email: &Email,
        kind: RequestKind,
        details: &str,
    ) -> CoreResult<()> {
        let details = check_details(details)?;
        let Some(org) = self.store.org_by_slug(slug).await? else {
            return Ok(());
        };
        let known = self.store.user_by_email(org.id, email).await?.is_some();
        if !known {
            return Ok(());
        }
        let now = self.now();
        let pending = self
            .store
            .data_requests(Some(org.id))
            .await?
            .into_iter()
            .any(|r| {
                r.state == RequestState::AwaitingVerification
                    && r.email == email.as_str()
                    && now <= r.received_at + crate::privacy::data_request::VERIFY_WITHIN
            });
        if pending {
            return Ok(()); // one link at a time per address: the form cannot flood a mailbox
        }
        let token = token_from_random(self.random());
        let hash = token_hash(&token)
            .ok_or_else(|| CoreError::Internal("a fresh token does not parse".into()))?;
        let mut r = self.new_request(&org, kind, email.as_str(), details, "email");
        r.state = RequestState::AwaitingVerification;
        r.token_hash = Some(hex::encode(hash));
        let url = self.desk_policy()?.contacts.public_url.clone();
        let mail = self.request_mail(
            &org,
            email.as_str(),
            format!("Confirm your {} request", kind.as_str()),
            format!(
                "Someone asked, for this address, for {} of the personal data {} holds in its \
                 directory. Nothing is disclosed or done until you confirm it was you.\n\n\
                 To confirm, within 72 hours, open {url}/privacy/request/confirm/{token}\n\n\
                 (or, from a program: POST {url}/api/v1/privacy/data-requests/verify with \
                 {{\"token\": \"{token}\"}})\n\nIf it was not you, ignore this mail.\n",
                kind.as_str(),
                org.name
            ),
        );
        self.commit_request(
            &Actor::System,
            &org,
            &r,
            "received_unverified",
            vec![Write::QueueMail(Box::new(mail))],
        )
        .await
    }

    /// The person opened the mailed link.
    pub async fn verify_data_request(&self, token: &str) -> CoreResult<DataRequest> {
        let unknown = || CoreError::not_found("request", "this link".to_string());
        let hash = token_hash(token).map(hex::encode).ok_or_else(unknown)?;
        let mut r = self
            .store
            .data_request_by_token(&hash)
            .await?
            .ok_or_else(unknown)?;
        let org = self.store.org_by_id(r.org).await?.ok_or_else(unknown)?;
        // Stored when the request was made (by an earlier, laxer parser perhaps): read leniently.
        let email = Email::stored(&r.email)?;
        let subject = self.store.user_by_email(org.id, &email).await?;
        r.verify(subject.map(|u| u.id), self.now())?;
        let mails = self
            .tell_admins(&org, &r, "was received and verified")
            .await?;
        self.commit_request(&Actor::System, &org, &r, "verified", mails)
            .await?;
        Ok(r)
    }

    /// The org's requests, newest first (its admins).
    pub async fn org_data_requests(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<Vec<DataRequest>> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        self.store.data_requests(Some(org.id)).await
    }

    async fn org_request(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: DataRequestId,
    ) -> CoreResult<(Org, DataRequest)> {
        let org = self.org_for(actor, slug, Action::ManageOrgPrivacy).await?;
        let r = self
            .store
            .data_requests(Some(org.id))
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| CoreError::not_found("request", id.to_string()))?;
        Ok((org, r))
    }

    /// One request (its org's admins).
    pub async fn org_data_request(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: DataRequestId,
    ) -> CoreResult<DataRequest> {
        Ok(self.org_request(actor, slug, id).await?.1)
    }

    /// Extends the deadline once, telling the person why.
    pub async fn extend_data_request(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: DataRequestId,
        months: i64,
        reason: &str,
    ) -> CoreResult<DataRequest> {
        let (org, mut r) = self.org_request(actor, slug, id).await?;
        r.extend(months, reason, self.now())?;
        let mail = self.request_mail(
            &org,
            &r.email,
            format!("Your {} request: more time needed", r.kind.as_str()),
            format!(
                "{} needs more time to answer your {} request, received {}. It will now be \
                 answered by {}.\n\nWhy: {}\n",
                org.name,
                r.kind.as_str(),
                when(r.received_at),
                when(r.due_at),
                r.extension
                    .as_ref()
                    .map(|e| e.reason.as_str())
                    .unwrap_or_default()
            ),
        );
        self.commit_request(
            actor,
            &org,
            &r,
            "extended",
            vec![Write::QueueMail(Box::new(mail))],
        )
        .await?;
        Ok(r)
    }

    /// Completes a request: an access request mails the person their report; an erasure
    /// request erases them; the others are done by the admin, who says what was done.
    pub async fn complete_data_request(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: DataRequestId,
        note: &str,
    ) -> CoreResult<DataRequest> {
        let (org, mut r) = self.org_request(actor, slug, id).await?;
        r.complete(note, self.now())?;
        let subject: Option<User> = match r.subject {
            Some(u) => self.store.user_by_id(org.id, u).await?,
            None => None,
        };
        let body = match (r.kind, subject) {
            (RequestKind::Access, Some(user)) => {
                let report = self.report(actor, &org, user).await?;
                let json = serde_json::to_string_pretty(&report)
                    .map_err(|_| CoreError::Internal("the report does not serialize".into()))?;
                format!(
                    "Your access request is answered. Below is everything {} holds about you, \
                     with why and for how long, who else receives it and your rights, in JSON \
                     (machine-readable; you may give it to another provider).\n\n{}\n\n{json}\n",
                    org.name,
                    r.outcome.as_deref().unwrap_or_default()
                )
            }
            (RequestKind::Erasure, Some(user)) => {
                self.erase(actor, &org, user).await?;
                format!(
                    "Your erasure request is done: your account and personal data at {} are \
                     erased, here and at our sub-processors.\n\n{}\n",
                    org.name,
                    r.outcome.as_deref().unwrap_or_default()
                )
            }
            (RequestKind::Access | RequestKind::Erasure, None) => {
                return Err(CoreError::conflict(
                    "request",
                    "no account has this address any more; reject the request saying so",
                ));
            }
            (kind, _) => format!(
                "Your {} request is done.\n\nWhat was done: {}\n",
                kind.as_str(),
                r.outcome.as_deref().unwrap_or_default()
            ),
        };
        let mail = self.request_mail(
            &org,
            &r.email,
            format!("Your {} request is answered", r.kind.as_str()),
            body,
        );
        self.commit_request(
            actor,
            &org,
            &r,
            "completed",
            vec![Write::QueueMail(Box::new(mail))],
        )
        .await?;
        Ok(r)
    }

    /// Rejects a request with the reason, telling the person (and of their right to complain).
    pub async fn reject_data_request(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        id: DataRequestId,
        reason: &str,
    ) -> CoreResult<DataRequest> {
        let (org, mut r) = self.org_request(actor, slug, id).await?;
        r.reject(reason, self.now())?;
        let mail = self.request_mail(
            &org,
            &r.email,
            format!("Your {} request", r.kind.as_str()),
            format!(
                "{} has not acted on your {} request.\n\nWhy: {}\n\nYou may lodge a complaint \
                 with a data protection supervisory authority and seek a judicial remedy \
                 (GDPR Art. 12(4)).\n",
                org.name,
                r.kind.as_str(),
                r.outcome.as_deref().unwrap_or_default()
            ),
        );
        self.commit_request(
            actor,
            &org,
            &r,
            "rejected",
            vec![Write::QueueMail(Box::new(mail))],
        )
        .await?;
        Ok(r)
    }

    /// Reminds the admins of every open request due within a week, once (the retention job).
    pub async fn remind_data_requests(&self, actor: &Actor) -> CoreResult<usize> {
        crate::access::authorize(actor, &Action::ManagePrivacyRegistry)?;
        let now = self.now();
        let mut n = 0;
        for mut r in self.store.data_requests(None).await? {
            if !r.needs_reminder(now) {
                continue;
            }
            let Some(org) = self.store.org_by_id(r.org).await? else {
                continue;
            };
            r.reminded_at = Some(now);
            r.version += 1;
            let mails = self.tell_admins(&org, &r, "is due within a week").await?;
            self.commit_request(actor, &org, &r, "reminded", mails)
                .await?;
            n += 1;
        }
        Ok(n)
    }
}
