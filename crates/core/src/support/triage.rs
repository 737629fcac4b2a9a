//! Intake: the desk's decision about a new ticket, from the policy's rules alone.
//!
//! One function, [`triage`], applies in order: eligibility (plan × category, English, the
//! free-plan defect rule), severity (the customer's stated severity, else the written
//! definitions applied to the impact), the supported-versions check of the system involved,
//! and completeness. Its answer fixes the ticket's starting status:
//!
//! - not covered → `resolved` at once, answered with the reason and remedy (a reply from the
//!   customer reopens it, e.g. to say a defect is critical after all);
//! - the system must be updated first, or a missing detail blocks the work (a defect that
//!   says neither what fails nor what error it shows, a request with no description) →
//!   `waiting_on_customer`, so both SLA clocks are paused until the customer answers; details
//!   that would help but do not block are asked for while the clock runs;
//! - otherwise `new`, in its queue, with both clocks running.
//!
//! Every door — mail, portal, API — calls this, so the same request gets the same answer.

use super::category::Category;
use super::desk::DeskPolicy;
use super::eligibility::{Eligibility, EligibilityContext, decide};
use super::intake::{ChecklistItem, Missing, TicketDetails, checklist, missing_in};
use super::language::is_probably_english;
use super::lifecycle::Lifecycle;
use super::severity::{Impact, Severity, assess};
use super::targets::{PlanClass, Targets};
use super::ticket::TicketStatus;
use crate::directory::{Plan, System};
use jiff::Timestamp;

/// What intake knows of a new request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub plan: &'a Plan,
    pub category: Category,
    /// The severity the customer chose, if they did.
    pub severity: Option<Severity>,
    pub impact: Impact,
    pub details: &'a TicketDetails,
    /// The system the ticket is about, when one of the org's systems was named.
    pub system: Option<&'a System>,
    /// The customer's own words (subject and description), for the English-only rule.
    pub text: &'a str,
    /// Staff's or the customer's statement that a defect is critical or affects many.
    pub critical_defect: bool,
    pub at: Timestamp,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    pub eligibility: Eligibility,
    pub severity: Severity,
    /// The policy's checklist for this ticket (empty when the request is not covered).
    pub checklist: Vec<ChecklistItem>,
    /// The checklist's missing items.
    pub missing: Vec<Missing>,
    /// The system's standing when it is not simply supported.
    pub lifecycle: Option<Lifecycle>,
    pub status: TicketStatus,
    pub targets: Targets,
    /// Whether the targets are aims (free plans) rather than commitments.
    pub best_effort: bool,
}

/// The severity a request starts at: a question or request is S4 whatever was chosen; an
/// issue or account-security request takes the customer's choice, else the written
/// definitions applied to its impact.
pub fn starting_severity(
    category: Category,
    stated: Option<Severity>,
    impact: &Impact,
) -> Severity {
    if category.is_issue() || category == Category::AccountSecurity {
        stated.unwrap_or_else(|| assess(impact))
    } else {
        Severity::S4
    }
}

/// Decides a new request (see the module documentation).
pub fn triage(policy: &DeskPolicy, r: &Request<'_>) -> Triage {
    let eligibility = decide(
        r.plan,
        r.category,
        &EligibilityContext {
            at: r.at,
            critical_defect: r.critical_defect,
            english: is_probably_english(r.text),
            sales_contact: &policy.contacts.sales,
        },
    );
    let severity = starting_severity(r.category, r.severity, &r.impact);
    let covered = !matches!(eligibility, Eligibility::NotCovered { .. });
    let lifecycle = match r.system {
        Some(system) if covered && r.category.is_issue() => {
            let today = r.at.to_zoned(policy.calendar.time_zone().clone()).date();
            match policy.versions.check(system, today) {
                Lifecycle::Supported => None,
                other => Some(other),
            }
        }
        _ => None,
    };
    let checklist = if covered {
        checklist(r.details)
    } else {
        Vec::new()
    };
    let missing = missing_in(&checklist);
    let blocked = missing.iter().any(|m| m.blocking);
    let status = if !covered {
        TicketStatus::Resolved
    } else if lifecycle.as_ref().is_some_and(Lifecycle::needs_update) || blocked {
        TicketStatus::WaitingOnCustomer
    } else {
        TicketStatus::New
    };
    let class = PlanClass::of(r.plan, r.at);
    Triage {
        eligibility,
        severity,
        checklist,
        missing,
        lifecycle,
        status,
        targets: policy.targets.for_class(class, severity),
        best_effort: policy.targets.is_best_effort(class),
    }
}

#[cfg(test)]
mod tests;
