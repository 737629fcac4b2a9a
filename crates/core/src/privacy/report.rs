//! The access report (GDPR Art. 15, portable under Art. 20): everything held about one person,
//! each piece with what the inventory says of it — category, purpose, legal basis, retention,
//! source — plus their memberships, the activity recorded about them, the tickets they appear
//! in, who else receives their data (the sub-processors), where it is processed, and their
//! rights. Built from the inventory so the report cannot forget a declared field, and from an
//! exhaustive destructuring of the user record so a new field cannot skip the report.

use super::SubProcessor;
use super::inventory::{DataItem, item};
use crate::audit::AuditEvent;
use crate::directory::{Email, User};
use crate::ids::UserId;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};

/// Version of the report's JSON shape, for the programs that read it (Art. 20).
pub const REPORT_FORMAT: &str = "skydir.access-report/1";

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct AccessReport {
    pub format: &'static str,
    pub generated_at: Timestamp,
    pub subject: ReportSubject,
    /// Who decides about the data (the organization) and who processes it for them.
    pub controller: String,
    pub processor: String,
    /// Each piece of personal data held, with what it is for.
    pub personal_data: Vec<ReportedData>,
    pub memberships: Memberships,
    /// Events of the audit log the person did or that concern them, oldest first.
    pub activity: Vec<ActivityLine>,
    pub tickets: Vec<TicketLine>,
    /// Agreements they signed for the organization, subscriptions, objections.
    pub contracts: Vec<ContractLine>,
    /// What the memberships, activity, tickets and contracts above are kept for.
    pub other_records: Vec<DataItemView>,
    /// Who else receives personal data to run the service.
    pub recipients: Vec<Recipient>,
    /// Where it is processed.
    pub locations: Vec<String>,
    pub rights: Vec<Right>,
}

/// Whom the report is about.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSubject {
    pub id: UserId,
    pub username: String,
    pub organization: String,
    pub organization_slug: String,
}

/// One piece of personal data with its inventory entry.
#[derive(Debug, Clone, Serialize)]
pub struct ReportedData {
    #[serde(flatten)]
    pub item: DataItemView,
    /// The value held (absent when empty); for credentials only whether one exists.
    pub value: Value,
}

/// What the inventory says of a piece of data, in words.
#[derive(Debug, Clone, Serialize)]
pub struct DataItemView {
    pub key: &'static str,
    pub label: &'static str,
    pub category: &'static str,
    pub purpose: &'static str,
    pub legal_basis: &'static str,
    pub retention: &'static str,
    pub source: Vec<&'static str>,
    /// Encrypted at rest under the person's own key, destroyed when they are erased.
    pub encrypted_under_own_key: bool,
}

impl From<&DataItem> for DataItemView {
    fn from(i: &DataItem) -> Self {
        Self {
            key: i.key,
            label: i.label,
            category: i.category.label(),
            purpose: i.purpose,
            legal_basis: i.legal_basis.label(),
            retention: i.retention,
            source: i.sources.iter().map(|s| s.label()).collect(),
            encrypted_under_own_key: i.own_key,
        }
    }
}

/// The person's place in the directory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Memberships {
    pub admin: bool,
    /// Groups they are a member of, directly.
    pub groups: Vec<String>,
    /// Groups they are in through other groups.
    pub nested_groups: Vec<String>,
    /// Resources (applications, networks, file servers) they are granted.
    pub access: Vec<AccessLine>,
}

/// A resource the person may use, and why.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLine {
    pub resource: String,
    pub kind: String,
    /// `directly`, or `through group <name>`.
    pub granted: String,
}

/// One audit event about the person.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityLine {
    pub at: Timestamp,
    pub action: String,
    /// `you`, or the kind of actor (administrator, provider operator, …).
    pub by: String,
    pub outcome: String,
}

/// A ticket the person opened or wrote in, with their own messages.
#[derive(Debug, Clone, Serialize)]
pub struct TicketLine {
    pub number: u64,
    pub subject: String,
    pub status: String,
    pub opened_at: Timestamp,
    /// `requester` or `participant`.
    pub role: &'static str,
    pub messages: Vec<OwnMessage>,
}

/// A message the person wrote.
#[derive(Debug, Clone, Serialize)]
pub struct OwnMessage {
    pub at: Timestamp,
    pub body: String,
    pub attachments: Vec<String>,
}

/// A data-protection record in which the person appears.
#[derive(Debug, Clone, Serialize)]
pub struct ContractLine {
    /// `dpa_signature`, `subprocessor_subscription` or `subprocessor_objection`.
    pub record: &'static str,
    pub detail: String,
    pub at: Timestamp,
}

/// A sub-processor receiving personal data.
#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub name: String,
    pub purpose: String,
    pub data_categories: Vec<String>,
    pub location: String,
}

impl From<&SubProcessor> for Recipient {
    fn from(s: &SubProcessor) -> Self {
        Self {
            name: s.name.clone(),
            purpose: s.purpose.clone(),
            data_categories: s.data_categories.clone(),
            location: s.location.clone(),
        }
    }
}

/// One of the person's rights and how to use it here.
#[derive(Debug, Clone, Serialize)]
pub struct Right {
    pub right: &'static str,
    pub article: &'static str,
    pub how: &'static str,
}

/// The data subject's rights (GDPR Art. 15–21, 77), each with the way to use it in skydir.
pub const RIGHTS: &[Right] = &[
    Right {
        right: "access",
        article: "GDPR Art. 15",
        how: "this report; ask for it again at any time from your account page or through your administrator",
    },
    Right {
        right: "rectification",
        article: "GDPR Art. 16",
        how: "change your names, phones, addresses and SSH keys yourself, or ask your administrator",
    },
    Right {
        right: "erasure",
        article: "GDPR Art. 17",
        how: "ask your administrator to erase your account: your data is deleted here and at every sub-processor, and its encryption key destroyed",
    },
    Right {
        right: "restriction of processing",
        article: "GDPR Art. 18",
        how: "ask your administrator, who files a restriction request",
    },
    Right {
        right: "data portability",
        article: "GDPR Art. 20",
        how: "this report in JSON is machine-readable and can be given to another provider",
    },
    Right {
        right: "objection",
        article: "GDPR Art. 21",
        how: "object to processing based on legitimate interests through your administrator",
    },
    Right {
        right: "complaint",
        article: "GDPR Art. 77",
        how: "lodge a complaint with the data protection supervisory authority of your country",
    },
];

fn reported(key: &str, value: Value) -> Option<ReportedData> {
    item(key).map(|i| ReportedData {
        item: i.into(),
        value,
    })
}

/// The user record as inventory items. Destructures the record without `..`, so adding a field
/// to [`User`] does not compile until it is reported (and declared in the inventory). A new
/// address waiting for confirmation (`pending_email`) is held too, apart from the record.
pub fn user_data(
    user: &User,
    pending_email: Option<&Email>,
    password_set: bool,
    authenticator: bool,
) -> Vec<ReportedData> {
    let User {
        id: _,
        org: _,
        username,
        email,
        status,
        posix,
        ssh_keys,
        personal,
        created_at,
        updated_at,
    } = user;
    let crate::directory::PersonalData {
        given_name,
        family_name,
        phones,
        addresses,
        custom,
    } = personal;
    let fields = [
        ("user.username", json!(username.as_str())),
        ("user.email", json!(email.as_str())),
        (
            "user.pending_email",
            json!(pending_email.map(Email::as_str)),
        ),
        ("user.given_name", json!(given_name.get())),
        ("user.family_name", json!(family_name.get())),
        ("user.phones", json!(phones.get())),
        ("user.addresses", json!(addresses.get())),
        ("user.custom", json!(custom.get())),
        (
            "user.ssh_keys",
            json!(ssh_keys.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
        ),
        ("user.status", json!(status)),
        ("user.posix", json!(posix)),
        (
            "user.created_at",
            json!({ "created_at": created_at, "updated_at": updated_at }),
        ),
        (
            "user.password",
            json!(if password_set { "set" } else { "not set" }),
        ),
        (
            "user.totp",
            json!(if authenticator {
                "enrolled"
            } else {
                "not enrolled"
            }),
        ),
    ];
    fields
        .into_iter()
        .filter_map(|(k, v)| reported(k, v))
        .collect()
}

/// The inventory entry of a report section that is not a user field (memberships, activity,
/// tickets, contracts), for the report to say what it is for.
pub fn section(key: &str) -> Option<DataItemView> {
    item(key).map(Into::into)
}

/// Whether an audit event concerns `user`: they did it, it targets them, or its detail names
/// them (added to or removed from a group, …).
pub fn concerns(event: &AuditEvent, user: UserId) -> bool {
    let id = user.to_string();
    let named = format!("user:{id}");
    event.target == named
        || actor_id(&event.actor) == Some(id.as_str())
        || event.detail.to_string().contains(&format!("\"{named}\""))
}

fn actor_id(actor: &str) -> Option<&str> {
    actor.split_once(':').map(|(_, id)| id)
}

/// An audit event as a line of the report: the actor is `you`, or only their kind — the
/// report is about this person, not about the staff or admins who acted.
pub fn activity_line(event: &AuditEvent, user: UserId) -> ActivityLine {
    let id = user.to_string();
    let by = if actor_id(&event.actor) == Some(id.as_str()) {
        "you".to_string()
    } else {
        match event.actor.split(':').next().unwrap_or_default() {
            "admin" => "an administrator of your organization",
            "user" => "another user of your organization",
            "operator" => "the provider's operator",
            "agent" => "the provider's support",
            "service" => "an LDAP service account of your organization",
            "system" => "the service",
            _ => "someone not signed in",
        }
        .to_string()
    };
    ActivityLine {
        at: event.at,
        action: event.action.clone(),
        by,
        outcome: event.outcome.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::directory::{Posix, UserStatus, Username};
    use crate::ids::OrgId;

    fn user() -> User {
        User {
            id: UserId::from_random([1; 16]),
            org: OrgId::from_random([2; 16]),
            username: Username::parse("ada").unwrap(),
            email: Email::parse("ada@example.test").unwrap(),
            status: UserStatus::Active,
            posix: Posix {
                uid_number: 10_000,
                gid_number: 10_000,
                home_directory: "/home/ada".into(),
                login_shell: "/bin/bash".into(),
            },
            ssh_keys: vec![],
            personal: Default::default(),
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn every_user_field_is_reported_with_its_inventory_entry() {
        let pending = Email::parse("ada@lovelace.test").unwrap();
        let data = user_data(&user(), Some(&pending), true, false);
        let keys: Vec<&str> = data.iter().map(|d| d.item.key).collect();
        for i in super::super::inventory::INVENTORY
            .iter()
            .filter(|i| i.key.starts_with("user.") && i.key != "user.memberships")
        {
            assert!(keys.contains(&i.key), "{} is not in the report", i.key);
        }
        let email = data.iter().find(|d| d.item.key == "user.email").unwrap();
        assert_eq!(email.value, json!("ada@example.test"));
        assert!(email.item.legal_basis.contains("Art. 6(1)(b)"));
        let new = data
            .iter()
            .find(|d| d.item.key == "user.pending_email")
            .unwrap();
        assert_eq!(new.value, json!("ada@lovelace.test"));
        assert!(new.item.encrypted_under_own_key);
        let pw = data.iter().find(|d| d.item.key == "user.password").unwrap();
        assert_eq!(pw.value, json!("set"), "never the hash");
        let totp = data.iter().find(|d| d.item.key == "user.totp").unwrap();
        assert_eq!(totp.value, json!("not enrolled"));
    }

    #[test]
    fn activity_names_the_subject_as_you_and_others_by_kind_only() {
        let u = user();
        let mut e = AuditEvent {
            chain: "org".into(),
            seq: 1,
            at: Timestamp::UNIX_EPOCH,
            actor: format!("admin:{}", UserId::from_random([9; 16])),
            action: "user.update".into(),
            target: format!("user:{}", u.id),
            outcome: crate::audit::Outcome::Success,
            detail: json!({}),
            prev_hash: String::new(),
            hash: String::new(),
        };
        assert!(concerns(&e, u.id));
        let line = activity_line(&e, u.id);
        assert_eq!(line.by, "an administrator of your organization");
        e.actor = format!("user:{}", u.id);
        e.target = "org:x".into();
        assert!(concerns(&e, u.id));
        assert_eq!(activity_line(&e, u.id).by, "you");
        e.actor = "system".into();
        assert!(!concerns(&e, u.id));
        e.detail = json!({"added": format!("user:{}", u.id)});
        assert!(concerns(&e, u.id), "named in the detail");
    }
}
