//! What a support ticket is about.
//!
//! The provider's support policy lists what support includes ("Product defect and issue
//! triaging, analysis and resolution", "Product integration assistance … through supported
//! protocols", training, implementation and migration through Customer Success) and what it
//! does not ("End-user support", "Product customizations", "Resource integration assistance
//! through unsupported protocols, equipment, or software", "Professional services or product
//! implementation", …). Every ticket is filed under one [`Category`] so that
//! [`decide`](super::eligibility::decide) can answer "is this covered, and for whom?" without
//! reading prose. The wire names are the snake_case names below; they are stable API.

use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a support ticket is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Something in the product does not work as documented.
    Defect,
    /// Help connecting a resource through a protocol the provider supports.
    Integration,
    /// A question about using the product.
    HowTo,
    /// Training, implementation or migration of an organization onto the product.
    Onboarding,
    /// A request to change the product for one customer.
    Customization,
    /// Help connecting through a protocol, equipment or software the provider does not support.
    UnsupportedIntegration,
    /// Consulting or implementation work done for the customer.
    ProfessionalServices,
    /// A request from an end user of a customer's organization rather than its administrators.
    EndUserSupport,
    /// Passwords, access to resources, admin rights, account deletion, account information.
    AccountSecurity,
    /// An idea, a wish or a comment about the product.
    Feedback,
}

impl Category {
    /// Every category, in the order of the policy matrix.
    pub const ALL: [Category; 10] = [
        Self::Defect,
        Self::Integration,
        Self::HowTo,
        Self::Onboarding,
        Self::Customization,
        Self::UnsupportedIntegration,
        Self::ProfessionalServices,
        Self::EndUserSupport,
        Self::AccountSecurity,
        Self::Feedback,
    ];

    /// Parses the wire name (exactly as [`Category::as_str`] writes it; surrounding spaces and
    /// letter case are forgiven). The error lists every valid name.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
                CoreError::invalid(
                    "category",
                    format!(
                        "unknown category '{}'; expected one of {}",
                        s.trim(),
                        names.join(", ")
                    ),
                )
            })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Defect => "defect",
            Self::Integration => "integration",
            Self::HowTo => "how_to",
            Self::Onboarding => "onboarding",
            Self::Customization => "customization",
            Self::UnsupportedIntegration => "unsupported_integration",
            Self::ProfessionalServices => "professional_services",
            Self::EndUserSupport => "end_user_support",
            Self::AccountSecurity => "account_security",
            Self::Feedback => "feedback",
        }
    }

    /// One line for people choosing a category, e.g. in a ticket form.
    pub fn description(self) -> &'static str {
        match self {
            Self::Defect => "Something in the product does not work as documented.",
            Self::Integration => {
                "Help connecting a resource to the directory through a supported protocol."
            }
            Self::HowTo => "A question about how to use the product.",
            Self::Onboarding => "Training, implementation or migration onto the product.",
            Self::Customization => "A change to the product made for your organization only.",
            Self::UnsupportedIntegration => {
                "Help with a protocol, equipment or software we do not support."
            }
            Self::ProfessionalServices => {
                "Consulting or implementation work done for your organization."
            }
            Self::EndUserSupport => "Help for an individual end user of your organization.",
            Self::AccountSecurity => {
                "Passwords, access to resources, admin rights, account deletion or account \
                 information."
            }
            Self::Feedback => "An idea or comment about the product.",
        }
    }

    /// Whether a ticket of this category is about something broken, so that the policy's
    /// ticket details (troubleshooting, error messages, agent log) apply to it.
    pub fn is_issue(self) -> bool {
        matches!(self, Self::Defect | Self::Integration)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
