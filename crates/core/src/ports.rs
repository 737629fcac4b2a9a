//! The traits the outside world implements for the core: the clock, randomness, password work
//! and the directory store. Services take them as parameters, so the rules can be tested with
//! a fixed clock and seeded randomness, and run unchanged over SQLite or PostgreSQL.
//!
//! Every store read takes the org as its first argument; the only reads that do not are the ones
//! that find the org or the caller in the first place (`org_by_slug`, `token_by_hash`) and the
//! operator's audit verification.

use crate::access::Staff;
use crate::audit::{AuditEvent, ChainKey};
use crate::auth::{ApiToken, Argon2Params, Credential, LoginRecord, Verification};
use crate::change::Change;
use crate::directory::{
    AccessBinding, Email, Group, GroupMember, Name, Org, OrgSlug, Resource, ServiceAccount, System,
    User, Username,
};
use crate::error::CoreResult;
use crate::ids::{AttachmentId, BindingId, GroupId, OrgId, ServiceAccountId, TicketId, UserId};
use crate::page::{Page, PageRequest};
use crate::secret::Secret;
use crate::support::kb::Match;
use crate::support::{Article, KbCategory, OutboundMail, StoredAttachment, Ticket, TicketMessage};
use jiff::Timestamp;
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future (for object-safe async ports).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The current time. Only the adapter in the binary reads the system clock.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// Cryptographically secure randomness.
pub trait Rng: Send + Sync + 'static {
    fn fill(&self, buf: &mut [u8]);
}

/// Password hashing and verification, which are deliberately slow: the server runs them off the
/// async executor with bounded concurrency; tests and the CLI may run them inline.
pub trait PasswordWork: Send + Sync + 'static {
    /// Argon2id hash of `password` with `salt`.
    fn hash(&self, password: Secret, salt: [u8; 16]) -> BoxFuture<'static, CoreResult<String>>;
    /// Checks `password` against a stored hash of any supported scheme.
    fn verify(
        &self,
        stored: String,
        password: Secret,
    ) -> BoxFuture<'static, CoreResult<Verification>>;
}

/// Runs password work on the calling task.
#[derive(Debug, Clone, Default)]
pub struct InlinePasswordWork(pub Argon2Params);

impl PasswordWork for InlinePasswordWork {
    fn hash(&self, password: Secret, salt: [u8; 16]) -> BoxFuture<'static, CoreResult<String>> {
        let r = crate::auth::credential::hash_password(&password, &salt, &self.0);
        Box::pin(async move { r })
    }

    fn verify(
        &self,
        stored: String,
        password: Secret,
    ) -> BoxFuture<'static, CoreResult<Verification>> {
        let r = crate::auth::credential::verify_password(&stored, &password, &self.0);
        Box::pin(async move { r })
    }
}

/// Re-hashes of legacy or outdated password hashes, run after the login that found them instead
/// of inside it: a login storm after a migration then costs one fast legacy check per login,
/// not an Argon2 hash and a write each. The server runs the jobs in the background at a bounded
/// rate; without a queue, logins re-hash inline.
pub trait RehashQueue: Send + Sync + 'static {
    /// Takes `job`, or refuses it (full, or the same credential already waiting); a refused
    /// job is simply offered again at that credential's next successful login.
    fn offer(&self, job: crate::service::RehashJob) -> bool;
}

/// Persistence of the directory. Implementations encrypt personal data at rest, keep keys apart
/// from data, and apply each [`Change`] atomically together with its audit events.
pub trait DirectoryStore: Send + Sync + 'static {
    /// Applies all writes and appends all audit events in one transaction, or none of them.
    /// Uniqueness violations come back as `CoreError::Conflict` naming the field; a failed seat
    /// check as the plan's limit error.
    fn commit(&self, change: Change) -> impl Future<Output = CoreResult<()>> + Send;

    // --- deployment ---
    fn list_orgs(&self, page: &PageRequest) -> impl Future<Output = CoreResult<Page<Org>>> + Send;
    fn org_by_slug(&self, slug: &OrgSlug) -> impl Future<Output = CoreResult<Option<Org>>> + Send;
    fn org_by_id(&self, id: OrgId) -> impl Future<Output = CoreResult<Option<Org>>> + Send;
    fn list_staff(&self) -> impl Future<Output = CoreResult<Vec<Staff>>> + Send;
    /// A password-reset link by the hex SHA-256 of its token.
    fn password_reset(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = CoreResult<Option<crate::auth::reset::PasswordReset>>> + Send;
    /// The newest invitation link (of either kind) made for a user, used or not.
    fn latest_invitation(
        &self,
        org: OrgId,
        user: UserId,
    ) -> impl Future<Output = CoreResult<Option<crate::auth::reset::PasswordReset>>> + Send;
    /// The newest invitation of the org's first administrator, used or not.
    fn first_admin_invitation(
        &self,
        org: OrgId,
    ) -> impl Future<Output = CoreResult<Option<crate::auth::reset::PasswordReset>>> + Send;
    /// How many reset links (not invitations) were made for a user since `since`, used or not.
    fn password_resets_since(
        &self,
        org: OrgId,
        user: UserId,
        since: jiff::Timestamp,
    ) -> impl Future<Output = CoreResult<u64>> + Send;
    /// An email change by the hex SHA-256 of its link's token (ended ones included).
    fn email_change(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = CoreResult<Option<crate::directory::EmailChange>>> + Send;
    /// The newest open (not ended, possibly expired) email change of a user.
    fn pending_email_change(
        &self,
        org: OrgId,
        user: UserId,
    ) -> impl Future<Output = CoreResult<Option<crate::directory::EmailChange>>> + Send;
    /// How many email changes were asked for a user since `since`, ended or not.
    fn email_changes_since(
        &self,
        org: OrgId,
        user: UserId,
        since: jiff::Timestamp,
    ) -> impl Future<Output = CoreResult<u64>> + Send;
    /// A staff member by handle, with their console password if they set one.
    fn staff_credential(
        &self,
        handle: &str,
    ) -> impl Future<Output = CoreResult<Option<(Staff, Option<Credential>)>>> + Send;
    /// A staff member's authenticator enrollment, its secret opened.
    fn staff_totp(
        &self,
        staff: crate::ids::StaffId,
    ) -> impl Future<Output = CoreResult<Option<crate::auth::TotpEnrollment>>> + Send;
    /// Finds a token by the SHA-256 of its secret (revoked and expired ones included).
    fn token_by_hash(
        &self,
        hash: &[u8; 32],
    ) -> impl Future<Output = CoreResult<Option<ApiToken>>> + Send;

    /// A user's tokens that are not revoked (expired ones included), newest first.
    fn user_tokens(
        &self,
        org: OrgId,
        user: UserId,
    ) -> impl Future<Output = CoreResult<Vec<ApiToken>>> + Send;

    // --- users ---
    fn user_by_name(
        &self,
        org: OrgId,
        username: &Username,
    ) -> impl Future<Output = CoreResult<Option<User>>> + Send;
    fn user_by_id(
        &self,
        org: OrgId,
        id: UserId,
    ) -> impl Future<Output = CoreResult<Option<User>>> + Send;
    /// Looks a user up by email through the blind index.
    fn user_by_email(
        &self,
        org: OrgId,
        email: &Email,
    ) -> impl Future<Output = CoreResult<Option<User>>> + Send;
    /// Users ordered by username; the cursor is the last username.
    fn list_users(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> impl Future<Output = CoreResult<Page<User>>> + Send;
    /// Users whose username starts with `prefix`, ordered and paged like [`Self::list_users`].
    fn search_users(
        &self,
        org: OrgId,
        prefix: &str,
        page: &PageRequest,
    ) -> impl Future<Output = CoreResult<Page<User>>> + Send;
    fn count_users(&self, org: OrgId) -> impl Future<Output = CoreResult<u64>> + Send;
    fn credential(
        &self,
        org: OrgId,
        user: UserId,
    ) -> impl Future<Output = CoreResult<Option<Credential>>> + Send;
    fn admins(&self, org: OrgId) -> impl Future<Output = CoreResult<Vec<UserId>>> + Send;
    /// The user's authenticator enrollment, if any.
    fn totp(
        &self,
        org: OrgId,
        user: UserId,
    ) -> impl Future<Output = CoreResult<Option<crate::auth::TotpEnrollment>>> + Send;
    /// The user's id, status and credential by username, in one read and without decrypting
    /// anything (logins and LDAP binds).
    fn login_record(
        &self,
        org: OrgId,
        username: &Username,
    ) -> impl Future<Output = CoreResult<Option<LoginRecord>>> + Send;

    // --- groups ---
    fn group_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> impl Future<Output = CoreResult<Option<Group>>> + Send;
    fn group_by_id(
        &self,
        org: OrgId,
        id: GroupId,
    ) -> impl Future<Output = CoreResult<Option<Group>>> + Send;
    /// Groups ordered by name; the cursor is the last name.
    fn list_groups(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> impl Future<Output = CoreResult<Page<Group>>> + Send;
    fn members(
        &self,
        org: OrgId,
        group: GroupId,
    ) -> impl Future<Output = CoreResult<Vec<GroupMember>>> + Send;
    /// Every membership edge of the org (for cycle checks and memberOf).
    fn memberships(
        &self,
        org: OrgId,
    ) -> impl Future<Output = CoreResult<Vec<(GroupId, GroupMember)>>> + Send;

    // --- systems, resources, bindings ---
    fn system_by_name(
        &self,
        org: OrgId,
        hostname: &Name,
    ) -> impl Future<Output = CoreResult<Option<System>>> + Send;
    fn list_systems(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> impl Future<Output = CoreResult<Page<System>>> + Send;
    fn resource_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> impl Future<Output = CoreResult<Option<Resource>>> + Send;
    fn list_resources(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> impl Future<Output = CoreResult<Page<Resource>>> + Send;
    fn binding_by_id(
        &self,
        org: OrgId,
        id: BindingId,
    ) -> impl Future<Output = CoreResult<Option<AccessBinding>>> + Send;
    /// Bindings ordered by id; the cursor is the last id.
    fn list_bindings(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> impl Future<Output = CoreResult<Page<AccessBinding>>> + Send;

    // --- LDAP service accounts ---
    fn service_account_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> impl Future<Output = CoreResult<Option<ServiceAccount>>> + Send;
    /// Every service account of the org, ordered by name.
    fn service_accounts(
        &self,
        org: OrgId,
    ) -> impl Future<Output = CoreResult<Vec<ServiceAccount>>> + Send;
    fn service_credential(
        &self,
        org: OrgId,
        account: ServiceAccountId,
    ) -> impl Future<Output = CoreResult<Option<Credential>>> + Send;

    // --- audit ---
    fn audit_chains(&self) -> impl Future<Output = CoreResult<Vec<ChainKey>>> + Send;
    /// Events of one chain with `seq > after`, in order, at most `limit`.
    fn audit_events(
        &self,
        chain: ChainKey,
        after: u64,
        limit: u32,
    ) -> impl Future<Output = CoreResult<Vec<AuditEvent>>> + Send;
    /// The recorded head `(last seq, last hash)` of a chain.
    fn audit_head(
        &self,
        chain: ChainKey,
    ) -> impl Future<Output = CoreResult<Option<(u64, String)>>> + Send;
}

/// Which tickets a listing wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilter {
    /// Only tickets still being worked (not resolved or closed).
    pub open_only: bool,
}

/// A queued outbound mail with its delivery state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub mail: OutboundMail,
    /// Delivery attempts made so far.
    pub attempts: u32,
}

/// Persistence of the support desk: tickets, their messages and attachments, the mail thread
/// index, the record of inbound mail already handled, and the outbound mail queue. Writes go
/// through [`DirectoryStore::commit`] like every other change, so a ticket, its first message,
/// the acknowledgement queued for it and their audit events are committed together.
///
/// Ticket subjects and message bodies are sealed at rest; the mail queue holds its messages
/// sealed until they are delivered.
pub trait DeskStore: Send + Sync + 'static {
    /// Allocates the next deployment-wide ticket number (numbers are never reused; one
    /// allocated for a ticket that then fails to commit is simply skipped).
    fn next_ticket_number(&self) -> impl Future<Output = CoreResult<u64>> + Send;

    fn ticket(
        &self,
        org: OrgId,
        id: TicketId,
    ) -> impl Future<Output = CoreResult<Option<Ticket>>> + Send;

    /// Finds a ticket by its number, whatever its org: how a quoted number or a mail tag
    /// finds its ticket in the first place. Callers check the org before showing anything.
    fn ticket_by_number(
        &self,
        number: u64,
    ) -> impl Future<Output = CoreResult<Option<Ticket>>> + Send;

    /// The org's tickets, newest first; the cursor is the last number.
    fn tickets(
        &self,
        org: OrgId,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> impl Future<Output = CoreResult<Page<Ticket>>> + Send;

    /// Every open ticket of the deployment (the support queue and the SLA watch): staff work
    /// across orgs, as the operator's org listing does.
    fn open_tickets(&self) -> impl Future<Output = CoreResult<Vec<Ticket>>> + Send;

    /// Tickets of every org created in `[from, to)` (SLA compliance reports).
    fn tickets_created_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = CoreResult<Vec<Ticket>>> + Send;

    /// A ticket's messages in order. A message whose author's key was destroyed (the author
    /// was erased) comes back with an empty body and `erased` in its place.
    fn messages(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> impl Future<Output = CoreResult<Vec<TicketMessage>>> + Send;

    fn attachment(
        &self,
        org: OrgId,
        ticket: TicketId,
        id: AttachmentId,
    ) -> impl Future<Output = CoreResult<Option<StoredAttachment>>> + Send;

    /// How many files of the ticket are still stored, and their bytes — without reading them
    /// (the retention rule's question).
    fn stored_files(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> impl Future<Output = CoreResult<(u64, u64)>> + Send;

    /// The ticket a mail thread belongs to: the first of `message_ids` (In-Reply-To, then
    /// References newest first) recorded for a ticket.
    fn ticket_for_mail(
        &self,
        message_ids: &[String],
    ) -> impl Future<Output = CoreResult<Option<(OrgId, TicketId)>>> + Send;

    /// When the desk last sent `address` an automatic answer without a ticket, if ever.
    fn last_answer_to(
        &self,
        address: &Email,
    ) -> impl Future<Output = CoreResult<Option<Timestamp>>> + Send;

    /// Whether an inbound message with this duplicate key was already handled.
    fn inbound_seen(&self, key: &str) -> impl Future<Output = CoreResult<bool>> + Send;

    /// Every user with this email address, in any org: how an inbound mail finds its sender
    /// in the first place (through a deployment-wide blind index; no address is stored).
    fn users_by_email(
        &self,
        email: &Email,
    ) -> impl Future<Output = CoreResult<Vec<(OrgId, UserId)>>> + Send;

    /// Queued mail due for an attempt at `now`, oldest first, at most `limit`, each claimed
    /// for this caller until `lease_until` (so two dispatchers never send the same mail at
    /// once).
    fn claim_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> impl Future<Output = CoreResult<Vec<QueuedMail>>> + Send;

    /// A verified request and the admin a confirmation token was sent to, by the token's
    /// hash — how a confirmation link finds its request in the first place.
    fn verification_by_token(
        &self,
        hash: &[u8; 32],
    ) -> impl Future<Output = CoreResult<Option<(crate::support::VerificationRequest, UserId)>>> + Send;

    /// The verified requests of a ticket, oldest first.
    fn verifications(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> impl Future<Output = CoreResult<Vec<crate::support::VerificationRequest>>> + Send;

    /// The org's dedicated support specialist, if one is named.
    fn specialist(
        &self,
        org: OrgId,
    ) -> impl Future<Output = CoreResult<Option<crate::ids::StaffId>>> + Send;

    /// The agents' macros, by name.
    fn macros(&self) -> impl Future<Output = CoreResult<Vec<crate::support::Macro>>> + Send;

    /// A knowledge-base article by its slug (public or internal).
    fn article(&self, slug: &Name) -> impl Future<Output = CoreResult<Option<Article>>> + Send;

    /// Knowledge-base articles, by category then title; internal ones only if asked.
    fn articles(
        &self,
        category: Option<KbCategory>,
        include_internal: bool,
    ) -> impl Future<Output = CoreResult<Vec<Article>>> + Send;

    /// Full-text search of the knowledge base (the database's own engine), best match first.
    /// `terms` are plain words ([`crate::support::kb::search_terms`]).
    fn search_articles(
        &self,
        terms: &[String],
        mode: Match,
        include_internal: bool,
        limit: u32,
    ) -> impl Future<Output = CoreResult<Vec<Article>>> + Send;

    /// Mail still waiting for delivery (for health and tests).
    fn pending_mail_count(&self) -> impl Future<Output = CoreResult<u64>> + Send;
}

/// Every store port at once: what a front end serving the whole product (HTTP) needs.
pub trait Storage: DirectoryStore + DeskStore + PrivacyStore {}

impl<T: DirectoryStore + DeskStore + PrivacyStore> Storage for T {}

/// Persistence of the data-protection records: the sub-processor registry and its feed, orgs'
/// subscriptions and objections, and the Data Processing Agreement's versions and executions.
/// Writes go through [`DirectoryStore::commit`].
pub trait PrivacyStore: Send + Sync + 'static {
    /// Every sub-processor, removed ones included, by name.
    fn subprocessors(
        &self,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::SubProcessor>>> + Send;

    /// The registry's changes, newest first, at most `limit`.
    fn registry_events(
        &self,
        limit: u32,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::RegistryEvent>>> + Send;

    /// Every org's subscriptions (to mail a change to): how the provider reaches subscribers
    /// in the first place.
    fn subscriptions(
        &self,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::Subscription>>> + Send;

    /// Objections, of one org or (`None`) of all — the provider's list.
    fn objections(
        &self,
        org: Option<OrgId>,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::Objection>>> + Send;

    /// Every published version of the DPA, oldest first.
    fn dpa_versions(
        &self,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::DpaVersion>>> + Send;

    /// The org's executions of the DPA, oldest first.
    fn dpa_signatures(
        &self,
        org: OrgId,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::DpaSignature>>> + Send;

    /// Every erasure connector, inactive ones included, by slug.
    fn connectors(&self)
    -> impl Future<Output = CoreResult<Vec<crate::privacy::Connector>>> + Send;

    fn erasure(
        &self,
        id: crate::ids::ErasureId,
    ) -> impl Future<Output = CoreResult<Option<crate::privacy::ErasureRequest>>> + Send;

    /// Erasure requests of one org or (`None`) of all, newest first.
    fn erasures(
        &self,
        org: Option<OrgId>,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::ErasureRequest>>> + Send;

    /// Deletion requests of one org or (`None`) of all, newest first.
    fn org_deletions(
        &self,
        org: Option<OrgId>,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::OrgDeletion>>> + Send;

    /// Data subjects' requests of one org or (`None`) of all, newest first.
    fn data_requests(
        &self,
        org: Option<OrgId>,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::DataRequest>>> + Send;

    /// The request whose mailed verification token hashes to `token_hash` (hex).
    fn data_request_by_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = CoreResult<Option<crate::privacy::DataRequest>>> + Send;

    /// The breach register, newest awareness first.
    fn breaches(&self) -> impl Future<Output = CoreResult<Vec<crate::privacy::Breach>>> + Send;

    /// Published versions of the policy documents (the feed's other items), newest first, at
    /// most `limit`.
    fn policy_events(
        &self,
        limit: u32,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::PolicyEvent>>> + Send;

    /// The latest published version of the privacy statement.
    fn latest_statement(
        &self,
    ) -> impl Future<Output = CoreResult<Option<crate::privacy::StatementVersion>>> + Send;

    /// When the once-per-deployment step `name` was done, if it was.
    fn deployment_marker(
        &self,
        name: &str,
    ) -> impl Future<Output = CoreResult<Option<Timestamp>>> + Send;

    /// Retention choices of one org or (`None`) of every org that made one.
    fn org_retention(
        &self,
        org: Option<OrgId>,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::OrgRetention>>> + Send;

    /// Requests with a delivery attempt due at or before `now`.
    fn erasures_due(
        &self,
        now: Timestamp,
    ) -> impl Future<Output = CoreResult<Vec<crate::privacy::ErasureRequest>>> + Send;
}
