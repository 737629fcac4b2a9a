//! Who gets what support: the provider's eligibility rules by plan and ticket category.
//!
//! The provider's support policy says:
//! - "Paying Customers – Our customers who are currently engaged in month-to-month or annual
//!   contract billing plans … receive the benefit of full support assistance."
//! - "Free Account Customers – Support assistance, Knowledge Base access, and research and
//!   analysis of critical defects that affect the customer base are all available to free
//!   account customers."
//! - "JumpStart™ Program Participants – … a trial program … This program includes a dedicated
//!   support specialist to assist you in setting up quickly."
//! - Training, implementation and migration "can also be provided by our Customer Success
//!   team. To learn more please contact us at sales@…".
//! - Not included: end-user support; on-boarding, training or migration planning for free
//!   accounts; customizations; integration through unsupported protocols, equipment or
//!   software; professional services or product implementation; communication in languages
//!   other than English.
//!
//! [`decide`] turns that into an [`Eligibility`] for one ticket, in this order:
//! 1. `feedback` always goes to the feedback queue, in any language.
//! 2. `account_security` is always accepted into the org's queue, in any language, because it
//!    is handled by the verification flow ([`security`](super::security)), never refused.
//! 3. Categories support never covers (customization, unsupported integration, professional
//!    services, end-user support) are not covered, on every plan.
//! 4. `onboarding` (training, implementation, migration) goes to Customer Success for paying
//!    orgs and running JumpStart trials, and is not covered on the free plan.
//! 5. A message not in English is answered, in English, with a request to write in English.
//! 6. On the free plan, a defect is researched only when it is critical or affects the
//!    customer base; any other defect is answered with the Knowledge Base.
//! 7. Everything else — defects, integrations through supported protocols, how-to questions —
//!    is covered: in the support queue, or with the dedicated specialist during a JumpStart
//!    trial.
//!
//! A JumpStart org whose trial has ended is supported as a free org. Reasons and remedies are
//! the English sentences shown to the customer; they name the plan and what to do instead.

use super::category::Category;
use crate::directory::plan::{Plan, PlanKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a covered ticket is worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// The support team.
    Support,
    /// The dedicated support specialist of a JumpStart trial.
    DedicatedSpecialist,
    /// The Customer Success team (reached through sales): training, implementation, migration.
    CustomerSuccess,
    /// Product feedback, read by the product team.
    Feedback,
}

/// The answer to "does support cover this ticket?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Eligibility {
    /// Covered: the ticket goes to `queue`.
    Covered { queue: Queue },
    /// Not support's to give, but the Customer Success team provides it; `reason` says so and
    /// how to reach them.
    RoutedToSales { reason: String },
    /// Not covered: `reason` says why, `remedy` what to do instead.
    NotCovered { reason: String, remedy: String },
}

impl Eligibility {
    /// The queue a ticket goes to: its own for a covered one, Customer Success for one routed
    /// to sales, none for one not covered.
    pub fn queue(&self) -> Option<Queue> {
        match self {
            Self::Covered { queue } => Some(*queue),
            Self::RoutedToSales { .. } => Some(Queue::CustomerSuccess),
            Self::NotCovered { .. } => None,
        }
    }
}

/// What besides plan and category decides a ticket's eligibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EligibilityContext<'a> {
    /// When the ticket was opened (decides whether a JumpStart trial is still running).
    pub at: Timestamp,
    /// For a defect: whether it is critical or affects the customer base (staff's triage, or
    /// an incident known to affect many customers).
    pub critical_defect: bool,
    /// Whether the customer's message is in English (e.g.
    /// [`is_probably_english`](super::language::is_probably_english)).
    pub english: bool,
    /// How to reach sales and Customer Success, e.g. `sales@example.com`.
    pub sales_contact: &'a str,
}

/// How the policy sees an org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Paying(PlanKind),
    JumpStart,
    Free,
    TrialEnded,
}

impl Tier {
    fn of(plan: &Plan, at: Timestamp) -> Self {
        match plan.kind {
            PlanKind::Monthly | PlanKind::Annual => Self::Paying(plan.kind),
            PlanKind::Jumpstart if plan.trial_expired(at) => Self::TrialEnded,
            PlanKind::Jumpstart => Self::JumpStart,
            PlanKind::Free => Self::Free,
        }
    }

    /// The plan, as a customer reads it in a sentence.
    fn name(self) -> &'static str {
        match self {
            Self::Paying(PlanKind::Annual) => "the annual plan",
            Self::Paying(_) => "the monthly plan",
            Self::JumpStart => "the JumpStart trial",
            Self::Free => "the free plan",
            Self::TrialEnded => "the free plan (your JumpStart trial has ended)",
        }
    }

    fn is_free(self) -> bool {
        matches!(self, Self::Free | Self::TrialEnded)
    }

    fn queue(self) -> Queue {
        match self {
            Self::JumpStart => Queue::DedicatedSpecialist,
            Self::Paying(_) | Self::Free | Self::TrialEnded => Queue::Support,
        }
    }

    /// How to get full support, for a free org.
    fn upgrade(self) -> &'static str {
        match self {
            Self::Free => {
                "Moving to the monthly or annual plan, or starting a JumpStart trial, brings \
                 full support."
            }
            _ => "Moving to the monthly or annual plan brings full support.",
        }
    }
}

/// Whether support covers a ticket of `category` from an org on `plan`; see the module
/// documentation for the rules and their order.
pub fn decide(plan: &Plan, category: Category, ctx: &EligibilityContext<'_>) -> Eligibility {
    let tier = Tier::of(plan, ctx.at);
    let plan_name = tier.name();
    let sales = ctx.sales_contact;
    let not_covered = |reason: String, remedy: String| Eligibility::NotCovered { reason, remedy };
    match category {
        Category::Feedback => {
            return Eligibility::Covered {
                queue: Queue::Feedback,
            };
        }
        Category::AccountSecurity => {
            return Eligibility::Covered {
                queue: tier.queue(),
            };
        }
        Category::Customization => {
            return not_covered(
                format!("Product customizations are not included in support on {plan_name}."),
                "If you would like the product to work differently, please send us your idea \
                 as feedback; we read every request."
                    .to_string(),
            );
        }
        Category::UnsupportedIntegration => {
            return not_covered(
                format!(
                    "Integration assistance through protocols, equipment or software we do not \
                     support is not included in support on {plan_name}."
                ),
                "Our Knowledge Base lists the supported protocols: we are glad to help you \
                 integrate through one of them (open an integration ticket), and the vendor of \
                 the equipment or software may be able to help with the rest."
                    .to_string(),
            );
        }
        Category::ProfessionalServices => {
            return not_covered(
                format!(
                    "Professional services and product implementation are not included in \
                     support on {plan_name}."
                ),
                format!(
                    "Our Customer Success team can tell you which implementation services are \
                     available: please contact us at {sales}."
                ),
            );
        }
        Category::EndUserSupport => {
            return not_covered(
                format!(
                    "Support on {plan_name} is provided to your organization's administrators, \
                     not to its end users."
                ),
                "End-user support goes through your organization's admin: please ask your IT \
                 administrator, who can contact us if needed."
                    .to_string(),
            );
        }
        Category::Onboarding if tier.is_free() => {
            return not_covered(
                format!(
                    "Product on-boarding, training and migration planning are not included in \
                     support on {plan_name}."
                ),
                format!(
                    "Our Knowledge Base has set-up and migration guides, and our Customer \
                     Success team can provide training, implementation and migration services: \
                     please contact us at {sales}. {}",
                    tier.upgrade()
                ),
            );
        }
        Category::Onboarding => {
            let specialist = if tier == Tier::JumpStart {
                " Your dedicated support specialist is still glad to answer set-up questions: \
                 open a how-to ticket for those."
            } else {
                ""
            };
            return Eligibility::RoutedToSales {
                reason: format!(
                    "Product training, implementation and migration assistance on {plan_name} \
                     is provided by our Customer Success team. To learn more, please contact \
                     us at {sales}.{specialist}"
                ),
            };
        }
        Category::Defect | Category::Integration | Category::HowTo => {}
    }
    if !ctx.english {
        return not_covered(
            format!("Support on {plan_name} is provided in English only."),
            "Please write to us again in English and we will be glad to help.".to_string(),
        );
    }
    if category == Category::Defect && tier.is_free() && !ctx.critical_defect {
        return not_covered(
            format!(
                "On {plan_name}, support researches and analyses defects that are critical or \
                 affect our customer base, and this report does not appear to be one."
            ),
            format!(
                "Please search our Knowledge Base, which is open to everyone, for known issues \
                 and workarounds. If the defect is critical or affects many customers, reply and \
                 tell us so and we will look again. {}",
                tier.upgrade()
            ),
        );
    }
    Eligibility::Covered {
        queue: tier.queue(),
    }
}

#[cfg(test)]
mod tests;
