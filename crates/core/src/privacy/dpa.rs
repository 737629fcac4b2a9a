//! The Data Processing Agreement: versioned text the operator publishes, which an admin of an
//! org on a paying plan may execute ("only paying customers … may enter into the DPA"). Free
//! and JumpStart orgs are refused with the reason and the way to a paying plan. An execution
//! records the version, the admin who signed, the name and title they signed with, and when;
//! the signed agreement can be downloaded again at any time.

use crate::directory::{Plan, PlanKind};
use crate::error::{CoreError, CoreResult};
use crate::ids::{DpaSignatureId, OrgId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A published version of the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DpaVersion {
    /// E.g. `2026-01`.
    pub version: String,
    pub text: String,
    pub published_at: Timestamp,
}

/// An org's execution of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DpaSignature {
    pub id: DpaSignatureId,
    pub org: OrgId,
    pub version: String,
    /// The admin who executed it.
    pub signer: UserId,
    /// The name and title they signed with (sealed at rest).
    pub signer_name: String,
    pub signer_title: String,
    pub signed_at: Timestamp,
}

/// Checks a version label: 1–40 letters, digits, `.`, `-`, `_`.
pub fn check_version(v: &str) -> CoreResult<String> {
    let t = v.trim();
    if t.is_empty()
        || t.len() > 40
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
    {
        return Err(CoreError::invalid(
            "version",
            "must be 1-40 letters, digits, '.', '-' or '_'",
        ));
    }
    Ok(t.to_string())
}

/// Whether an org on `plan` may execute the DPA; the refusal names the plan and the way.
pub fn may_execute(plan: &Plan) -> CoreResult<()> {
    match plan.kind {
        PlanKind::Monthly | PlanKind::Annual => Ok(()),
        PlanKind::Free => Err(CoreError::forbidden(
            "the Data Processing Agreement is available to paying customers only (monthly or \
             annual plans); your organization is on the free plan — move to a paid plan to \
             execute it",
        )),
        PlanKind::Jumpstart => Err(CoreError::forbidden(
            "the Data Processing Agreement is available to paying customers only (monthly or \
             annual plans); your organization is on a JumpStart trial — move to a paid plan \
             to execute it",
        )),
    }
}

/// The signed agreement as a document: the text followed by the signature block.
pub fn signed_document(org: &str, v: &DpaVersion, s: &DpaSignature) -> String {
    format!(
        "{text}\n\n---\nExecuted by the customer organization '{org}'\nVersion: {version}\n\
         Signed by: {name}, {title}\nSigned at: {at}\nSignature record: {id}\n",
        text = v.text.trim_end(),
        version = v.version,
        name = s.signer_name,
        title = s.signer_title,
        at = s.signed_at,
        id = s.id,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_paying_plans_may_execute_and_the_refusal_says_why() {
        assert!(may_execute(&Plan::new(PlanKind::Monthly, Some(5), None).unwrap()).is_ok());
        assert!(may_execute(&Plan::new(PlanKind::Annual, Some(5), None).unwrap()).is_ok());
        let e = may_execute(&Plan::free()).unwrap_err().to_string();
        assert!(
            e.contains("paying customers") && e.contains("free plan"),
            "{e}"
        );
        let trial = Plan::new(PlanKind::Jumpstart, None, Some(Timestamp::UNIX_EPOCH)).unwrap();
        let e = may_execute(&trial).unwrap_err().to_string();
        assert!(e.contains("JumpStart"), "{e}");
    }

    #[test]
    fn versions_are_labels() {
        assert_eq!(check_version(" 2026-01 ").unwrap(), "2026-01");
        assert!(check_version("v1 final").is_err());
        assert!(check_version("").is_err());
    }
}
