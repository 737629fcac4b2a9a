//! The inventory of personal data: every piece of personal data skydir keeps, declared once,
//! with its category, purpose, legal basis, retention and source. The access report
//! (Art. 15) and the record of processing (Art. 30) are written from it, and tests hold it to
//! the code: a field of the user record that the access report does not declare (see
//! `report::user_data`), or a sealed column in the store's schema that is not listed here,
//! fails them — personal data cannot be added quietly.

use serde::{Deserialize, Serialize};

/// What kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    /// Who the person is in the directory: username, names.
    Identity,
    /// How to reach them: email, phones, postal addresses.
    Contact,
    /// Attributes the organization defines.
    CustomAttributes,
    /// How they sign in: password hash, authenticator secret, SSH keys.
    Credentials,
    /// Their place in the directory: status, POSIX attributes, groups, access, admin role.
    DirectoryMembership,
    /// What happened: sign-ins, changes, reads of their data (the audit log).
    ActivityRecords,
    /// What they wrote to support, and its files.
    SupportCommunication,
    /// Contractual records: the name and title a DPA was signed with, privacy contacts.
    ContractRecords,
}

impl DataCategory {
    /// Every category.
    pub const ALL: [Self; 8] = [
        Self::Identity,
        Self::Contact,
        Self::CustomAttributes,
        Self::Credentials,
        Self::DirectoryMembership,
        Self::ActivityRecords,
        Self::SupportCommunication,
        Self::ContractRecords,
    ];

    /// The wire name (`contact`, `support_communication`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Contact => "contact",
            Self::CustomAttributes => "custom_attributes",
            Self::Credentials => "credentials",
            Self::DirectoryMembership => "directory_membership",
            Self::ActivityRecords => "activity_records",
            Self::SupportCommunication => "support_communication",
            Self::ContractRecords => "contract_records",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Contact => "contact details",
            Self::CustomAttributes => "custom attributes",
            Self::Credentials => "credentials",
            Self::DirectoryMembership => "directory membership",
            Self::ActivityRecords => "activity records",
            Self::SupportCommunication => "support communication",
            Self::ContractRecords => "contract records",
        }
    }
}

/// Why processing is lawful (GDPR Art. 6(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// (b) Performance of the contract: the service the organization signed up for.
    Contract,
    /// (c) A legal obligation of the provider (records it must keep).
    LegalObligation,
    /// (f) Legitimate interests: security and accountability of the service.
    LegitimateInterests,
}

impl LegalBasis {
    /// In words, with the article.
    pub fn label(self) -> &'static str {
        match self {
            Self::Contract => "performance of the contract (GDPR Art. 6(1)(b))",
            Self::LegalObligation => "legal obligation (GDPR Art. 6(1)(c))",
            Self::LegitimateInterests => {
                "legitimate interests in the security and accountability of the service (GDPR Art. 6(1)(f))"
            }
        }
    }
}

/// Where a piece of data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Entered by the organization's administrators (or imported by them).
    Organization,
    /// Entered by the person themself.
    DataSubject,
    /// Recorded by the service as it is used.
    Service,
}

impl Source {
    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Organization => "your organization's administrators",
            Self::DataSubject => "you",
            Self::Service => "the service, as it is used",
        }
    }
}

/// One declared piece of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DataItem {
    /// Its name, e.g. `user.email`.
    pub key: &'static str,
    pub label: &'static str,
    pub category: DataCategory,
    pub purpose: &'static str,
    pub legal_basis: LegalBasis,
    pub retention: &'static str,
    pub sources: &'static [Source],
    /// Encrypted at rest under the person's own key (so erasing them shreds it).
    pub own_key: bool,
    /// Shown in the access report (a password hash or authenticator secret never is: only
    /// whether one exists).
    pub disclosed: bool,
}

const WHILE_ACTIVE: &str =
    "while the account exists; erased with it, or when the organization is deleted";

/// Every piece of personal data skydir keeps.
pub const INVENTORY: &[DataItem] = &[
    DataItem {
        key: "user.username",
        label: "username",
        category: DataCategory::Identity,
        purpose: "identify the account in the directory, for sign-in and LDAP",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "user.email",
        label: "email address",
        category: DataCategory::Contact,
        purpose: "contact the person and find their account (support mail, notices)",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.pending_email",
        label: "new email address waiting for confirmation",
        category: DataCategory::Contact,
        purpose: "make sure the person receives mail at a new address before it replaces the \
                  account's address",
        legal_basis: LegalBasis::Contract,
        retention: "until the change is confirmed, cancelled or replaced by a newer one; erased \
                    with the account",
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.given_name",
        label: "given name",
        category: DataCategory::Identity,
        purpose: "show the person in the directory and in applications",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.family_name",
        label: "family name",
        category: DataCategory::Identity,
        purpose: "show the person in the directory and in applications",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.phones",
        label: "phone numbers",
        category: DataCategory::Contact,
        purpose: "kept for the organization, which decides whether to store them",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.addresses",
        label: "postal addresses",
        category: DataCategory::Contact,
        purpose: "kept for the organization, which decides whether to store them",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.custom",
        label: "custom attributes",
        category: DataCategory::CustomAttributes,
        purpose: "kept for the organization, which defines them",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.ssh_keys",
        label: "SSH public keys",
        category: DataCategory::Credentials,
        purpose: "let the person sign in to their organization's systems",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::DataSubject],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "user.status",
        label: "account status",
        category: DataCategory::DirectoryMembership,
        purpose: "decide whether the account may sign in",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "user.posix",
        label: "POSIX attributes (uid, gid, home directory, shell)",
        category: DataCategory::DirectoryMembership,
        purpose: "give the person an account on their organization's systems",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization, Source::Service],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "user.created_at",
        label: "when the account was created and last changed",
        category: DataCategory::DirectoryMembership,
        purpose: "keep the directory's history",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Service],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "user.memberships",
        label: "groups, resources and the admin role",
        category: DataCategory::DirectoryMembership,
        purpose: "grant the person access to what their organization decides",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::Organization],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "user.password",
        label: "password (only a salted Argon2id hash)",
        category: DataCategory::Credentials,
        purpose: "let the person sign in; nobody, provider staff included, can read it",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::DataSubject, Source::Organization],
        own_key: false,
        disclosed: false,
    },
    DataItem {
        key: "user.totp",
        label: "authenticator secret",
        category: DataCategory::Credentials,
        purpose: "the second factor of the person's sign-in",
        legal_basis: LegalBasis::Contract,
        retention: WHILE_ACTIVE,
        sources: &[Source::DataSubject],
        own_key: true,
        disclosed: false,
    },
    DataItem {
        key: "audit.events",
        label: "activity records (sign-ins, changes, reads of personal data)",
        category: DataCategory::ActivityRecords,
        purpose: "security and accountability: who did what, and when",
        legal_basis: LegalBasis::LegitimateInterests,
        retention: "kept with the organization's audit log; they name people only by pseudonymous ids",
        sources: &[Source::Service],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "tickets.messages",
        label: "support tickets and messages, with their files",
        category: DataCategory::SupportCommunication,
        purpose: "answer the organization's support requests",
        legal_basis: LegalBasis::Contract,
        retention: "while the organization uses the service; a person's own messages are erased with them",
        sources: &[Source::DataSubject, Source::Service],
        own_key: true,
        disclosed: true,
    },
    DataItem {
        key: "privacy.contracts",
        label: "DPA signatures and privacy contact addresses",
        category: DataCategory::ContractRecords,
        purpose: "keep the record of the organization's agreements and whom to notify",
        legal_basis: LegalBasis::LegalObligation,
        retention: "while the organization uses the service",
        sources: &[Source::DataSubject, Source::Organization],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "privacy.requests",
        label: "your requests about your personal data (access, erasure, rectification, restriction)",
        category: DataCategory::ContractRecords,
        purpose: "answer the request and show it was answered in time",
        legal_basis: LegalBasis::LegalObligation,
        retention: "while the organization uses the service",
        sources: &[Source::DataSubject],
        own_key: false,
        disclosed: true,
    },
    DataItem {
        key: "privacy.erasures",
        label: "erasure requests and their certificates",
        category: DataCategory::ActivityRecords,
        purpose: "prove that an erasure was carried out here and at every sub-processor",
        legal_basis: LegalBasis::LegalObligation,
        retention: "kept naming the person by a pseudonymous id only; the contact details sent to sub-processors are dropped once each has confirmed",
        sources: &[Source::Service],
        own_key: false,
        disclosed: true,
    },
];

/// The declared item named `key`.
pub fn item(key: &str) -> Option<&'static DataItem> {
    INVENTORY.iter().find(|i| i.key == key)
}

/// Which inventory item each column of the store's schema that holds personal data — sealed
/// (`*_ct`), blind-indexed (`*_bidx`, `*_gidx`) or a hash of an address — holds
/// (`table.column`). The store's tests read the migrations and check that every such column is
/// listed here.
pub const SEALED_COLUMNS: &[(&str, &str)] = &[
    ("users.email_ct", "user.email"),
    ("users.email_bidx", "user.email"),
    ("users.email_gidx", "user.email"),
    ("auto_answers.address_hash", "tickets.messages"),
    ("users.ssh_keys_ct", "user.ssh_keys"),
    ("users.given_name_ct", "user.given_name"),
    ("users.family_name_ct", "user.family_name"),
    ("users.phones_ct", "user.phones"),
    ("users.addresses_ct", "user.addresses"),
    ("users.custom_ct", "user.custom"),
    ("totp_enrollments.secret_ct", "user.totp"),
    ("email_changes.new_email_ct", "user.pending_email"),
    ("tickets.subject_ct", "tickets.messages"),
    ("tickets.satisfaction_ct", "tickets.messages"),
    ("ticket_messages.content_ct", "tickets.messages"),
    ("ticket_attachments.content_ct", "tickets.messages"),
    ("outbox.mail_ct", "tickets.messages"),
    ("privacy_subscriptions.email_ct", "privacy.contracts"),
    ("privacy_objections.reason_ct", "privacy.contracts"),
    ("dpa_signatures.signer_ct", "privacy.contracts"),
    ("erasure_requests.entry_ct", "privacy.erasures"),
    ("data_requests.entry_ct", "privacy.requests"),
    // Sealed, but no personal data of a customer: a connector's URL and shared secret, and a
    // provider staff member's authenticator secret (staff are the provider's own people, not
    // data subjects of the organizations it processes data for).
    ("privacy_connectors.entry_ct", ""),
    ("staff_totp.secret_ct", ""),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    #[test]
    fn every_sealed_column_names_a_declared_item() {
        for (col, key) in SEALED_COLUMNS.iter().filter(|(_, k)| !k.is_empty()) {
            assert!(
                item(key).is_some(),
                "{col} names `{key}`, which is not declared"
            );
        }
        let keys: Vec<&str> = INVENTORY.iter().map(|i| i.key).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "every item is declared once");
    }
}
