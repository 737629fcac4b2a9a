//! Where the provider processes the data ("where it is being processed", which the statement
//! promises to tell a data subject). The operator states it (`processing_location`); until
//! they do, skydir states what it knows for certain — the data lives on the provider's own
//! server, wherever this deployment's data directory (or database) is — names the provider's
//! privacy contact to ask, and marks the statement unconfirmed, so no report ever says
//! nothing.

use serde::Serialize;

/// The processing location as stated to data subjects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessingLocation {
    /// What the operator set, if anything.
    pub stated: Option<String>,
    /// The provider's privacy contact, named while nothing is stated.
    pub contact: String,
}

impl ProcessingLocation {
    /// The location the operator stated, or the default naming `contact`.
    pub fn new(stated: Option<&str>, contact: &str) -> Self {
        Self {
            stated: stated
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            contact: contact.to_string(),
        }
    }

    /// Whether the operator has stated it (the console shows the default as unconfirmed).
    pub fn confirmed(&self) -> bool {
        self.stated.is_some()
    }

    /// In words, for the statement, the access report and the record of processing.
    pub fn describe(&self) -> String {
        match &self.stated {
            Some(l) => format!("{l} (the provider's own servers)"),
            None => format!(
                "on the provider's own server, where this deployment keeps its data (the \
                 provider has not stated its place yet; ask {} where it is)",
                self.contact
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_processing_location_names_the_providers_server_and_contact() {
        let d = ProcessingLocation::new(None, "dpo@provider.test");
        assert!(!d.confirmed());
        let text = d.describe();
        assert!(text.starts_with("on the provider's own server"), "{text}");
        assert!(text.contains("dpo@provider.test"), "{text}");
        let blank = ProcessingLocation::new(Some("  "), "dpo@provider.test");
        assert_eq!(blank, d, "a blank setting is no statement");
        let set = ProcessingLocation::new(Some(" EU (Frankfurt) "), "dpo@provider.test");
        assert!(set.confirmed());
        assert_eq!(
            set.describe(),
            "EU (Frankfurt) (the provider's own servers)"
        );
    }
}
