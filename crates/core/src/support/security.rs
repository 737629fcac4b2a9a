//! What support staff may do about an account-security request.
//!
//! The provider's support policy is that support staff never change a password and never add
//! anyone to a resource an organization controls, whoever asks ("will not take this action for
//! you at any time") — and a role is such an access, so staff never make anyone an
//! administrator either: the org's own active admins are the account verification that
//! request needs. Deleting an account and disclosing account information happen only on a
//! verified request, which `service::desk::verify` checks here before skydir carries one out. An account-security ticket is always accepted (see
//! [`decide`](super::eligibility::decide)) so that it reaches the verification flow; this
//! module is the rule that flow applies. The directory's own authorization
//! (`access::authorize`) already denies a support agent these actions; this is the answer the
//! desk gives the customer, and the check before staff act on a verified request.

use crate::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

/// An account-security request a customer may make of support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityRequest {
    /// Change or set someone's password.
    ChangePassword,
    /// Add someone to a resource (a group, a system, an application) the org controls.
    AddToResource,
    /// Make a user an administrator of the org.
    MakeAdmin,
    /// Delete a user's account.
    DeleteAccount,
    /// Delete the organization's account and all its data.
    DeleteOrganization,
    /// Disclose information about an account.
    DiscloseAccountInformation,
}

impl SecurityRequest {
    /// Every request, in declaration order.
    pub const ALL: [SecurityRequest; 6] = [
        Self::ChangePassword,
        Self::AddToResource,
        Self::MakeAdmin,
        Self::DeleteAccount,
        Self::DeleteOrganization,
        Self::DiscloseAccountInformation,
    ];
}

/// How support handles a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "handling", rename_all = "snake_case")]
pub enum SecurityHandling {
    /// Support staff never do this, whoever asks; `instead` says who can.
    Never { reason: String, instead: String },
    /// Done only on a verified request; `reason` tells the customer what that takes.
    VerifiedRequestOnly { reason: String },
}

/// What stands behind a request once the verification flow has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Verification {
    /// The request was submitted by an active administrator of the organization it is about.
    pub from_active_admin: bool,
    /// That administrator's identity was confirmed through the verification flow (not merely
    /// by the address the request came from).
    pub identity_confirmed: bool,
}

impl Verification {
    /// Whether the request counts as verified: both conditions hold.
    pub fn is_verified(&self) -> bool {
        self.from_active_admin && self.identity_confirmed
    }
}

/// What support does when the customer's administrators cannot grant access themselves.
const ROOT_CAUSE: &str = "If your administrators cannot do it themselves, we treat that as a \
     defect and work with you to find its root cause: this ticket is one — tell us what happens \
     when they try.";

/// How support handles `request`.
pub fn handling(request: SecurityRequest) -> SecurityHandling {
    const VERIFIED: &str = "the request must come from an active administrator of your \
                            organization and be verified by us before we act on it";
    match request {
        SecurityRequest::ChangePassword => SecurityHandling::Never {
            reason: "Support staff never change a password or set it to one you tell us."
                .to_string(),
            instead: "Users change their own password; an administrator of your organization \
                      can send a password reset."
                .to_string(),
        },
        SecurityRequest::AddToResource => SecurityHandling::Never {
            reason: "Support staff never add anyone to a resource your organization controls."
                .to_string(),
            instead: format!(
                "An administrator of your organization grants access to groups, systems and \
                 applications. {ROOT_CAUSE}"
            ),
        },
        SecurityRequest::MakeAdmin => SecurityHandling::Never {
            reason: "Support staff never make anyone an administrator or change a role, even \
                     on a verified request."
                .to_string(),
            instead: format!(
                "An active administrator of your organization makes a user an administrator in \
                 the admin console (Users) or with PUT /api/v1/orgs/{{org}}/admins/{{username}}. \
                 {ROOT_CAUSE}"
            ),
        },
        SecurityRequest::DeleteAccount => SecurityHandling::VerifiedRequestOnly {
            reason: format!("To delete an account, {VERIFIED}."),
        },
        SecurityRequest::DeleteOrganization => SecurityHandling::VerifiedRequestOnly {
            reason: format!(
                "To delete your organization's account and all its data, {VERIFIED}; a grace \
                 period follows in which any administrator can cancel it"
            ),
        },
        SecurityRequest::DiscloseAccountInformation => SecurityHandling::VerifiedRequestOnly {
            reason: format!("To disclose account information, {VERIFIED}."),
        },
    }
}

/// Whether support staff may carry out `request` given its `verification`. Errors with
/// [`CoreError::Forbidden`] naming the rule (and who can act instead) for a request staff
/// never carry out, or one that is not verified.
pub fn may_carry_out(request: SecurityRequest, verification: &Verification) -> CoreResult<()> {
    match handling(request) {
        SecurityHandling::Never { reason, instead } => {
            Err(CoreError::forbidden(format!("{reason} {instead}")))
        }
        SecurityHandling::VerifiedRequestOnly { .. } if verification.is_verified() => Ok(()),
        SecurityHandling::VerifiedRequestOnly { reason } => Err(CoreError::forbidden(format!(
            "{reason} {}",
            if verification.from_active_admin {
                "The administrator's identity has not been confirmed yet."
            } else {
                "This request did not come from an active administrator."
            }
        ))),
    }
}

/// The policy's promise that "no employee will ever ask you for your password", as a check
/// on what the desk says: whether `text` asks its reader for a password — a sentence that
/// names a password together with a request ("send us", "tell me", "what is your", …) and
/// no negation ("we never ask for your password" is the promise itself, not a request).
/// Every automatic answer, every macro and every public reply of an agent is held to it.
pub fn asks_for_a_password(text: &str) -> bool {
    const WORDS: [&str; 3] = ["password", "passphrase", "passcode"];
    const REQUESTS: [&str; 22] = [
        "send us",
        "send me",
        "send your",
        "send it",
        "email us",
        "mail us",
        "give us",
        "give me",
        "tell us",
        "tell me",
        "share your",
        "share it",
        "provide your",
        "provide us",
        "reply with",
        "respond with",
        "include your",
        "what is your",
        "what's your",
        "confirm your",
        "let us know your",
        "we need your",
    ];
    const NEGATIONS: [&str; 6] = ["never", "not ", "n't", "nobody", "no one", "no employee"];
    let lower = text.to_lowercase().replace('\u{2019}', "'");
    lower
        .split(['.', '!', '?', '\n', ';'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .any(|s| {
            WORDS.iter().any(|w| s.contains(w))
                && REQUESTS.iter().any(|r| s.contains(r))
                && !NEGATIONS.iter().any(|n| s.contains(n))
        })
}

/// Refuses text of the desk's that would ask a customer for their password (`field` names the
/// input it came from).
pub fn never_ask_for_a_password(field: &str, text: &str) -> CoreResult<()> {
    if asks_for_a_password(text) {
        return Err(CoreError::invalid(
            field,
            "this asks the customer for a password; the support policy promises that no \
             employee will ever ask for one — point them to their own password change or to \
             their administrator's reset link instead",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
