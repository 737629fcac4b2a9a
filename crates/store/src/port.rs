//! The core's [`DirectoryStore`] port, implemented by [`Store`]. Each method delegates to the
//! store's own operation and maps [`crate::StoreError`] into the core's error: refusals keep
//! their meaning (conflict, not found, plan limit), everything else is `Internal`.

use crate::store::Store;
use jiff::Timestamp;
use skydir_core::CoreResult;
use skydir_core::access::Staff;
use skydir_core::audit::{AuditEvent, ChainKey};
use skydir_core::auth::{ApiToken, Credential, LoginRecord};
use skydir_core::change::Change;
use skydir_core::directory::{
    AccessBinding, Email, Group, GroupMember, Name, Org, OrgSlug, Resource, ServiceAccount, System,
    User, Username,
};
use skydir_core::ids::{AttachmentId, TicketId};
use skydir_core::ids::{BindingId, GroupId, OrgId, ServiceAccountId, UserId};
use skydir_core::page::{Page, PageRequest};
use skydir_core::ports::{DeskStore, DirectoryStore, PrivacyStore, QueuedMail, TicketFilter};
use skydir_core::support::kb::Match;
use skydir_core::support::{Article, KbCategory, StoredAttachment, Ticket, TicketMessage};

impl DirectoryStore for Store {
    async fn commit(&self, change: Change) -> CoreResult<()> {
        Ok(self.commit_change(&change).await?)
    }

    async fn list_orgs(&self, page: &PageRequest) -> CoreResult<Page<Org>> {
        Ok(self.read_orgs(page).await?)
    }

    async fn org_by_slug(&self, slug: &OrgSlug) -> CoreResult<Option<Org>> {
        Ok(self.read_org_by_slug(slug).await?)
    }

    async fn org_by_id(&self, id: OrgId) -> CoreResult<Option<Org>> {
        Ok(self.read_org_by_id(id).await?)
    }

    async fn list_staff(&self) -> CoreResult<Vec<Staff>> {
        Ok(self.read_staff().await?)
    }

    async fn password_reset(
        &self,
        token_hash: &str,
    ) -> CoreResult<Option<skydir_core::auth::reset::PasswordReset>> {
        Ok(self.read_password_reset(token_hash).await?)
    }

    async fn latest_invitation(
        &self,
        org: OrgId,
        user: UserId,
    ) -> CoreResult<Option<skydir_core::auth::reset::PasswordReset>> {
        Ok(self.read_latest_invitation(org, user).await?)
    }

    async fn first_admin_invitation(
        &self,
        org: OrgId,
    ) -> CoreResult<Option<skydir_core::auth::reset::PasswordReset>> {
        Ok(self.read_first_admin_invitation(org).await?)
    }

    async fn password_resets_since(
        &self,
        org: OrgId,
        user: UserId,
        since: jiff::Timestamp,
    ) -> CoreResult<u64> {
        Ok(self.read_password_resets_since(org, user, since).await?)
    }

    async fn email_change(
        &self,
        token_hash: &str,
    ) -> CoreResult<Option<skydir_core::directory::EmailChange>> {
        Ok(self.read_email_change(token_hash).await?)
    }

    async fn pending_email_change(
        &self,
        org: OrgId,
        user: UserId,
    ) -> CoreResult<Option<skydir_core::directory::EmailChange>> {
        Ok(self.read_pending_email_change(org, user).await?)
    }

    async fn email_changes_since(
        &self,
        org: OrgId,
        user: UserId,
        since: Timestamp,
    ) -> CoreResult<u64> {
        Ok(self.read_email_changes_since(org, user, since).await?)
    }

    async fn staff_credential(
        &self,
        handle: &str,
    ) -> CoreResult<Option<(Staff, Option<Credential>)>> {
        Ok(self.read_staff_credential(handle).await?)
    }

    async fn staff_totp(
        &self,
        staff: skydir_core::ids::StaffId,
    ) -> CoreResult<Option<skydir_core::auth::TotpEnrollment>> {
        Ok(self.read_staff_totp(staff).await?)
    }

    async fn user_tokens(&self, org: OrgId, user: UserId) -> CoreResult<Vec<ApiToken>> {
        Ok(self.read_user_tokens(org, user).await?)
    }

    async fn token_by_hash(&self, hash: &[u8; 32]) -> CoreResult<Option<ApiToken>> {
        Ok(self.read_token_by_hash(hash).await?)
    }

    async fn user_by_name(&self, org: OrgId, username: &Username) -> CoreResult<Option<User>> {
        Ok(self.read_user_by_name(org, username).await?)
    }

    async fn user_by_id(&self, org: OrgId, id: UserId) -> CoreResult<Option<User>> {
        Ok(self.read_user_by_id(org, id).await?)
    }

    async fn user_by_email(&self, org: OrgId, email: &Email) -> CoreResult<Option<User>> {
        Ok(self.read_user_by_email(org, email).await?)
    }

    async fn list_users(&self, org: OrgId, page: &PageRequest) -> CoreResult<Page<User>> {
        Ok(self.read_users(org, page).await?)
    }

    async fn search_users(
        &self,
        org: OrgId,
        prefix: &str,
        page: &PageRequest,
    ) -> CoreResult<Page<User>> {
        Ok(self.read_users_prefixed(org, prefix, page).await?)
    }

    async fn count_users(&self, org: OrgId) -> CoreResult<u64> {
        Ok(self.read_user_count(org).await?)
    }

    async fn credential(&self, org: OrgId, user: UserId) -> CoreResult<Option<Credential>> {
        Ok(self.read_credential(org, user).await?)
    }

    async fn login_record(
        &self,
        org: OrgId,
        username: &Username,
    ) -> CoreResult<Option<LoginRecord>> {
        Ok(self.read_login_record(org, username).await?)
    }

    async fn totp(
        &self,
        org: OrgId,
        user: UserId,
    ) -> CoreResult<Option<skydir_core::auth::TotpEnrollment>> {
        Ok(self.read_totp(org, user).await?)
    }

    async fn admins(&self, org: OrgId) -> CoreResult<Vec<UserId>> {
        Ok(self.read_admins(org).await?)
    }

    async fn group_by_name(&self, org: OrgId, name: &Name) -> CoreResult<Option<Group>> {
        Ok(self.read_group_by_name(org, name).await?)
    }

    async fn group_by_id(&self, org: OrgId, id: GroupId) -> CoreResult<Option<Group>> {
        Ok(self.read_group_by_id(org, id).await?)
    }

    async fn list_groups(&self, org: OrgId, page: &PageRequest) -> CoreResult<Page<Group>> {
        Ok(self.read_groups(org, page).await?)
    }

    async fn members(&self, org: OrgId, group: GroupId) -> CoreResult<Vec<GroupMember>> {
        Ok(self.read_members(org, group).await?)
    }

    async fn memberships(&self, org: OrgId) -> CoreResult<Vec<(GroupId, GroupMember)>> {
        Ok(self.read_memberships(org).await?)
    }

    async fn system_by_name(&self, org: OrgId, hostname: &Name) -> CoreResult<Option<System>> {
        Ok(self.read_system_by_name(org, hostname).await?)
    }

    async fn list_systems(&self, org: OrgId, page: &PageRequest) -> CoreResult<Page<System>> {
        Ok(self.read_systems(org, page).await?)
    }

    async fn resource_by_name(&self, org: OrgId, name: &Name) -> CoreResult<Option<Resource>> {
        Ok(self.read_resource_by_name(org, name).await?)
    }

    async fn list_resources(&self, org: OrgId, page: &PageRequest) -> CoreResult<Page<Resource>> {
        Ok(self.read_resources(org, page).await?)
    }

    async fn binding_by_id(&self, org: OrgId, id: BindingId) -> CoreResult<Option<AccessBinding>> {
        Ok(self.read_binding_by_id(org, id).await?)
    }

    async fn list_bindings(
        &self,
        org: OrgId,
        page: &PageRequest,
    ) -> CoreResult<Page<AccessBinding>> {
        Ok(self.read_bindings(org, page).await?)
    }

    async fn service_account_by_name(
        &self,
        org: OrgId,
        name: &Name,
    ) -> CoreResult<Option<ServiceAccount>> {
        Ok(self.read_service_by_name(org, name).await?)
    }

    async fn service_accounts(&self, org: OrgId) -> CoreResult<Vec<ServiceAccount>> {
        Ok(self.read_services(org).await?)
    }

    async fn service_credential(
        &self,
        org: OrgId,
        account: ServiceAccountId,
    ) -> CoreResult<Option<Credential>> {
        Ok(self.read_service_credential(org, account).await?)
    }

    async fn audit_chains(&self) -> CoreResult<Vec<ChainKey>> {
        Ok(self.read_audit_chains().await?)
    }

    async fn audit_events(
        &self,
        chain: ChainKey,
        after: u64,
        limit: u32,
    ) -> CoreResult<Vec<AuditEvent>> {
        Ok(self.read_audit_events(chain, after, limit).await?)
    }

    async fn audit_head(&self, chain: ChainKey) -> CoreResult<Option<(u64, String)>> {
        Ok(self.read_audit_head(chain).await?)
    }
}

impl DeskStore for Store {
    async fn next_ticket_number(&self) -> CoreResult<u64> {
        Ok(self.read_next_ticket_number().await?)
    }

    async fn ticket(&self, org: OrgId, id: TicketId) -> CoreResult<Option<Ticket>> {
        Ok(self.read_ticket(org, id).await?)
    }

    async fn ticket_by_number(&self, number: u64) -> CoreResult<Option<Ticket>> {
        Ok(self.read_ticket_by_number(number).await?)
    }

    async fn tickets(
        &self,
        org: OrgId,
        filter: &TicketFilter,
        page: &PageRequest,
    ) -> CoreResult<Page<Ticket>> {
        Ok(self.read_tickets(org, filter, page).await?)
    }

    async fn open_tickets(&self) -> CoreResult<Vec<Ticket>> {
        Ok(self.read_open_tickets().await?)
    }

    async fn tickets_created_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> CoreResult<Vec<Ticket>> {
        Ok(self.read_tickets_created_between(from, to).await?)
    }

    async fn messages(&self, org: OrgId, ticket: TicketId) -> CoreResult<Vec<TicketMessage>> {
        Ok(self.read_messages(org, ticket).await?)
    }

    async fn stored_files(&self, org: OrgId, ticket: TicketId) -> CoreResult<(u64, u64)> {
        Ok(self.read_stored_files(org, ticket).await?)
    }

    async fn attachment(
        &self,
        org: OrgId,
        ticket: TicketId,
        id: AttachmentId,
    ) -> CoreResult<Option<StoredAttachment>> {
        Ok(self.read_attachment(org, ticket, id).await?)
    }

    async fn ticket_for_mail(
        &self,
        message_ids: &[String],
    ) -> CoreResult<Option<(OrgId, TicketId)>> {
        Ok(self.read_ticket_for_mail(message_ids).await?)
    }

    async fn last_answer_to(&self, address: &Email) -> CoreResult<Option<Timestamp>> {
        Ok(self.read_last_answer_to(address).await?)
    }

    async fn inbound_seen(&self, key: &str) -> CoreResult<bool> {
        Ok(self.read_inbound_seen(key).await?)
    }

    async fn users_by_email(&self, email: &Email) -> CoreResult<Vec<(OrgId, UserId)>> {
        Ok(self.read_users_by_email(email).await?)
    }

    async fn claim_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> CoreResult<Vec<QueuedMail>> {
        Ok(self.claim_queued_mail(now, lease_until, limit).await?)
    }

    async fn verification_by_token(
        &self,
        hash: &[u8; 32],
    ) -> CoreResult<Option<(skydir_core::support::VerificationRequest, UserId)>> {
        Ok(self.read_verification_by_token(hash).await?)
    }

    async fn verifications(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> CoreResult<Vec<skydir_core::support::VerificationRequest>> {
        Ok(self.read_verifications(org, ticket).await?)
    }

    async fn specialist(&self, org: OrgId) -> CoreResult<Option<skydir_core::ids::StaffId>> {
        Ok(self.read_specialist(org).await?)
    }

    async fn macros(&self) -> CoreResult<Vec<skydir_core::support::Macro>> {
        Ok(self.read_macros().await?)
    }

    async fn article(&self, slug: &Name) -> CoreResult<Option<Article>> {
        Ok(self.read_article(slug).await?)
    }

    async fn articles(
        &self,
        category: Option<KbCategory>,
        include_internal: bool,
    ) -> CoreResult<Vec<Article>> {
        Ok(self.read_articles(category, include_internal).await?)
    }

    async fn search_articles(
        &self,
        terms: &[String],
        mode: Match,
        include_internal: bool,
        limit: u32,
    ) -> CoreResult<Vec<Article>> {
        Ok(self.search_kb(terms, mode, include_internal, limit).await?)
    }

    async fn pending_mail_count(&self) -> CoreResult<u64> {
        Ok(self.read_pending_mail_count().await?)
    }
}

impl PrivacyStore for Store {
    async fn subprocessors(&self) -> CoreResult<Vec<skydir_core::privacy::SubProcessor>> {
        Ok(self.read_subprocessors().await?)
    }

    async fn registry_events(
        &self,
        limit: u32,
    ) -> CoreResult<Vec<skydir_core::privacy::RegistryEvent>> {
        Ok(self.read_registry_events(limit).await?)
    }

    async fn subscriptions(&self) -> CoreResult<Vec<skydir_core::privacy::Subscription>> {
        Ok(self.read_subscriptions().await?)
    }

    async fn objections(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<skydir_core::privacy::Objection>> {
        Ok(self.read_objections(org).await?)
    }

    async fn dpa_versions(&self) -> CoreResult<Vec<skydir_core::privacy::DpaVersion>> {
        Ok(self.read_dpa_versions().await?)
    }

    async fn dpa_signatures(
        &self,
        org: OrgId,
    ) -> CoreResult<Vec<skydir_core::privacy::DpaSignature>> {
        Ok(self.read_dpa_signatures(org).await?)
    }

    async fn connectors(&self) -> CoreResult<Vec<skydir_core::privacy::Connector>> {
        Ok(self.read_connectors().await?)
    }

    async fn erasure(
        &self,
        id: skydir_core::ids::ErasureId,
    ) -> CoreResult<Option<skydir_core::privacy::ErasureRequest>> {
        Ok(self.read_erasure(id).await?)
    }

    async fn erasures(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<skydir_core::privacy::ErasureRequest>> {
        Ok(self.read_erasures(org).await?)
    }

    async fn org_deletions(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<skydir_core::privacy::OrgDeletion>> {
        Ok(self.read_org_deletions(org).await?)
    }

    async fn data_request_by_token(
        &self,
        token_hash: &str,
    ) -> CoreResult<Option<skydir_core::privacy::DataRequest>> {
        Ok(self.read_data_request_by_token(token_hash).await?)
    }

    async fn data_requests(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<skydir_core::privacy::DataRequest>> {
        Ok(self.read_data_requests(org).await?)
    }

    async fn breaches(&self) -> CoreResult<Vec<skydir_core::privacy::Breach>> {
        Ok(self.read_breaches().await?)
    }

    async fn policy_events(
        &self,
        limit: u32,
    ) -> CoreResult<Vec<skydir_core::privacy::PolicyEvent>> {
        Ok(self.read_policy_events(limit).await?)
    }

    async fn latest_statement(&self) -> CoreResult<Option<skydir_core::privacy::StatementVersion>> {
        Ok(self.read_latest_statement().await?)
    }

    async fn deployment_marker(&self, name: &str) -> CoreResult<Option<jiff::Timestamp>> {
        Ok(self.read_deployment_marker(name).await?)
    }

    async fn org_retention(
        &self,
        org: Option<OrgId>,
    ) -> CoreResult<Vec<skydir_core::privacy::OrgRetention>> {
        Ok(self.read_org_retention(org).await?)
    }

    async fn erasures_due(
        &self,
        now: jiff::Timestamp,
    ) -> CoreResult<Vec<skydir_core::privacy::ErasureRequest>> {
        Ok(self.read_erasures_due(now).await?)
    }
}
