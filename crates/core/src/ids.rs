//! Typed identifiers. Every record has a UUID; the type says which table it belongs to, so an
//! org id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Builds the id from 16 random bytes (UUID v4 layout).
            pub fn from_random(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }

            /// Parses the canonical hyphenated form.
            pub fn parse(s: &str) -> Option<Self> {
                Uuid::parse_str(s).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }
    )*};
}

id_type!(
    /// An organization (tenant).
    OrgId,
    /// A user of an organization.
    UserId,
    /// A group of an organization.
    GroupId,
    /// A system (computer) of an organization.
    SystemId,
    /// An application or other resource of an organization.
    ResourceId,
    /// An access binding (subject → resource).
    BindingId,
    /// An API token.
    TokenId,
    /// An org's LDAP service account (an application's bind identity).
    ServiceAccountId,
    /// A provider staff member (operator or support agent).
    StaffId,
    /// A support ticket.
    TicketId,
    /// One message (customer reply, agent reply or internal note) of a ticket.
    MessageId,
    /// A file attached to a ticket message.
    AttachmentId,
    /// A queued outbound mail.
    MailId,
    /// A knowledge-base article.
    ArticleId,
    /// A verified request (a sensitive action waiting for an admin's confirmation).
    VerificationId,
    /// An agents' saved answer (macro).
    MacroId,
    /// A sub-processor in the public registry.
    SubProcessorId,
    /// One dated change of the sub-processor registry (a feed item).
    RegistryEventId,
    /// An org's execution of the Data Processing Agreement.
    DpaSignatureId,
    /// An org's subscription to sub-processor changes.
    SubscriptionId,
    /// An org's objection to a sub-processor.
    ObjectionId,
    /// A sub-processor's erasure connector (a signed webhook).
    ConnectorId,
    /// An erasure request (GDPR Art. 17) and its propagation.
    ErasureId,
    /// A personal-data breach in the register (GDPR Art. 33/34).
    BreachId,
    /// An organization's deletion request.
    OrgDeletionId,
    /// A data subject's request (access, erasure, rectification, restriction).
    DataRequestId,
);
