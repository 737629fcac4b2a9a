//! Turns constraint violations into the core's errors. Unique violations are recognized by
//! constraint name (PostgreSQL) or by the column list SQLite reports, and become a `Conflict`
//! naming the field in the request's terms; the reason may repeat a name the caller chose, but
//! never an email address or other personal data. Foreign-key violations mean a referenced
//! record does not exist (in this org) and become `NotFound`.

use crate::error::StoreError;
use skydir_core::CoreError;
use skydir_core::change::Write;
use sqlx::error::ErrorKind;

/// Which uniqueness rule a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unique {
    OrgSlug,
    StaffHandle,
    Username,
    Email,
    Uid,
    GroupName,
    Gid,
    Hostname,
    ResourceName,
    Member,
    Binding,
    TokenHash,
    ServiceName,
    TicketNumber,
    InboundMail,
    ArticleSlug,
    MacroName,
    SubProcessorSlug,
    DpaVersion,
    Id,
}

/// `(PostgreSQL constraint, SQLite column list, rule)`; the names are those of the migrations.
const RULES: &[(&str, &str, Unique)] = &[
    ("orgs_slug_key", "orgs.slug", Unique::OrgSlug),
    ("staff_handle_key", "staff.handle", Unique::StaffHandle),
    (
        "users_username_key",
        "users.org_id, users.username",
        Unique::Username,
    ),
    (
        "users_email_key",
        "users.org_id, users.email_bidx",
        Unique::Email,
    ),
    (
        "users_uid_key",
        "users.org_id, users.uid_number",
        Unique::Uid,
    ),
    (
        "groups_name_key",
        "groups.org_id, groups.name",
        Unique::GroupName,
    ),
    (
        "groups_gid_key",
        "groups.org_id, groups.gid_number",
        Unique::Gid,
    ),
    (
        "systems_hostname_key",
        "systems.org_id, systems.hostname",
        Unique::Hostname,
    ),
    (
        "resources_name_key",
        "resources.org_id, resources.name",
        Unique::ResourceName,
    ),
    (
        "group_members_user_key",
        "group_members.org_id, group_members.group_id, group_members.member_user",
        Unique::Member,
    ),
    (
        "group_members_group_key",
        "group_members.org_id, group_members.group_id, group_members.member_group",
        Unique::Member,
    ),
    (
        "access_bindings_user_key",
        "access_bindings.org_id, access_bindings.resource_id, access_bindings.subject_user",
        Unique::Binding,
    ),
    (
        "access_bindings_group_key",
        "access_bindings.org_id, access_bindings.resource_id, access_bindings.subject_group",
        Unique::Binding,
    ),
    (
        "service_accounts_name_key",
        "service_accounts.org_id, service_accounts.name",
        Unique::ServiceName,
    ),
    (
        "api_tokens_hash_key",
        "api_tokens.secret_hash",
        Unique::TokenHash,
    ),
    ("tickets_number_key", "tickets.number", Unique::TicketNumber),
    (
        "kb_articles_slug_key",
        "kb_articles.slug",
        Unique::ArticleSlug,
    ),
    ("macros_name_key", "macros.name", Unique::MacroName),
    (
        "subprocessors_slug_key",
        "subprocessors.slug",
        Unique::SubProcessorSlug,
    ),
    (
        "dpa_versions_pkey",
        "dpa_versions.version",
        Unique::DpaVersion,
    ),
    (
        "inbound_mail_pkey",
        "inbound_mail.key_hash",
        Unique::InboundMail,
    ),
];

fn which_unique(constraint: Option<&str>, message: &str) -> Option<Unique> {
    if let Some(name) = constraint {
        if let Some((_, _, u)) = RULES.iter().find(|(pg, _, _)| *pg == name) {
            return Some(*u);
        }
        return name.ends_with("_pkey").then_some(Unique::Id);
    }
    let cols = message.strip_prefix("UNIQUE constraint failed: ")?;
    if let Some((_, _, u)) = RULES.iter().find(|(_, lite, _)| *lite == cols) {
        return Some(*u);
    }
    cols.ends_with(".id").then_some(Unique::Id)
}

/// Replaces a constraint violation raised by `w` with the core error it means.
pub(super) fn classify(e: StoreError, w: &Write) -> StoreError {
    let StoreError::Database(sqlx::Error::Database(db)) = &e else {
        return e;
    };
    match db.kind() {
        ErrorKind::UniqueViolation => match which_unique(db.constraint(), db.message()) {
            Some(u) => StoreError::Refused(conflict(u, w)),
            None => StoreError::Refused(CoreError::conflict(
                "record",
                "conflicts with an existing record",
            )),
        },
        ErrorKind::ForeignKeyViolation => match missing(w) {
            Some(core) => StoreError::Refused(core),
            None => e,
        },
        _ => e,
    }
}

fn conflict(u: Unique, w: &Write) -> CoreError {
    let named = |what: &str, name: Option<&str>| match name {
        Some(n) => format!("a {what} named '{n}' already exists in this organization"),
        None => format!("a {what} of that name already exists in this organization"),
    };
    let (field, reason) = match u {
        Unique::OrgSlug => (
            "slug",
            match w {
                Write::CreateOrg(o) | Write::UpdateOrg(o) => {
                    format!("an organization with the slug '{}' already exists", o.slug)
                }
                _ => "an organization with this slug already exists".into(),
            },
        ),
        Unique::TicketNumber => ("number", "this ticket number is already taken".into()),
        Unique::MacroName => ("name", "a macro of this name already exists".into()),
        Unique::SubProcessorSlug => (
            "slug",
            "a sub-processor of this name is already in the registry".into(),
        ),
        Unique::DpaVersion => ("version", "this DPA version is already published".into()),
        Unique::ArticleSlug => (
            "slug",
            match w {
                Write::PutArticle(a) => format!("an article at /kb/{} already exists", a.slug),
                _ => "an article with this slug already exists".into(),
            },
        ),
        // Mail intake treats this as "a second delivery of the same message".
        Unique::InboundMail => ("message_id", "this message was already handled".into()),
        Unique::StaffHandle => (
            "handle",
            "a staff member with this handle already exists".into(),
        ),
        Unique::Username => (
            "username",
            named(
                "user",
                match w {
                    Write::CreateUser { user, .. } | Write::UpdateUser(user) => {
                        Some(user.username.as_str())
                    }
                    _ => None,
                },
            ),
        ),
        Unique::Email => (
            "email",
            "another user of this organization has this email".into(),
        ),
        Unique::Uid => (
            "posix.uid_number",
            match w {
                Write::CreateUser { user, .. } | Write::UpdateUser(user) => format!(
                    "uid number {} is already in use in this organization",
                    user.posix.uid_number
                ),
                _ => "this uid number is already in use in this organization".into(),
            },
        ),
        Unique::GroupName => (
            "name",
            named(
                "group",
                match w {
                    Write::CreateGroup(g) | Write::UpdateGroup(g) => Some(g.name.as_str()),
                    _ => None,
                },
            ),
        ),
        Unique::Gid => (
            "gid_number",
            match w {
                Write::CreateGroup(g) | Write::UpdateGroup(g) => format!(
                    "gid number {} is already used by another group of this organization",
                    g.gid_number
                ),
                _ => "this gid number is already used by another group".into(),
            },
        ),
        Unique::Hostname => (
            "hostname",
            named(
                "system",
                match w {
                    Write::CreateSystem(s) | Write::UpdateSystem(s) => Some(s.hostname.as_str()),
                    _ => None,
                },
            ),
        ),
        Unique::ResourceName => (
            "name",
            named(
                "resource",
                match w {
                    Write::CreateResource(r) | Write::UpdateResource(r) => Some(r.name.as_str()),
                    _ => None,
                },
            ),
        ),
        Unique::Member => ("member", "is already a member of this group".into()),
        Unique::Binding => ("subject", "already has access to this resource".into()),
        Unique::TokenHash => ("token", "a token with this secret already exists".into()),
        Unique::ServiceName => (
            "name",
            named(
                "service account",
                match w {
                    Write::CreateServiceAccount { account, .. } => Some(account.name.as_str()),
                    _ => None,
                },
            ),
        ),
        Unique::Id => ("id", "a record with this id already exists".into()),
    };
    CoreError::conflict(field, reason)
}

/// What a foreign-key violation raised by `w` means: a referenced record is missing.
fn missing(w: &Write) -> Option<CoreError> {
    Some(match w {
        Write::CreateUser { user, .. } => {
            CoreError::not_found("organization", user.org.to_string())
        }
        Write::CreateGroup(g) => CoreError::not_found("organization", g.org.to_string()),
        Write::CreateSystem(s) => CoreError::not_found("organization", s.org.to_string()),
        Write::CreateResource(r) => CoreError::not_found("organization", r.org.to_string()),
        Write::SetCredential { user, .. } | Write::SetAdmin { user, .. } => {
            CoreError::not_found("user", user.to_string())
        }
        Write::SetStaffCredential { staff, .. } | Write::SetStaffTotp { staff, .. } => {
            CoreError::not_found("staff", staff.to_string())
        }
        Write::AddMember { group, .. } => {
            CoreError::not_found("group or member", group.to_string())
        }
        Write::CreateBinding(b) => {
            CoreError::not_found("resource or subject", b.resource.to_string())
        }
        Write::CreateToken(t) => CoreError::not_found("token subject", t.id.to_string()),
        Write::CreateServiceAccount { account, .. } => {
            CoreError::not_found("organization", account.org.to_string())
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_name_the_same_rule() {
        assert_eq!(
            which_unique(Some("users_email_key"), "duplicate key value"),
            Some(Unique::Email)
        );
        assert_eq!(
            which_unique(
                None,
                "UNIQUE constraint failed: users.org_id, users.email_bidx"
            ),
            Some(Unique::Email)
        );
        assert_eq!(
            which_unique(None, "UNIQUE constraint failed: users.id"),
            Some(Unique::Id)
        );
        assert_eq!(which_unique(Some("users_pkey"), ""), Some(Unique::Id));
        assert_eq!(which_unique(None, "something else"), None);
    }
}
