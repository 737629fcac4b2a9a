//! Reads of verified requests: by a confirmation token's hash (how a link finds its request),
//! and a ticket's requests.

use crate::db::args;
use crate::error::StoreResult;
use crate::rows::id;
use crate::rows::verification::{verification_cols, verification_from_row};
use crate::store::Store;
use skydir_core::ids::{OrgId, TicketId, UserId};
use skydir_core::support::VerificationRequest;

impl Store {
    pub(crate) async fn read_verification_by_token(
        &self,
        hash: &[u8; 32],
    ) -> StoreResult<Option<(VerificationRequest, UserId)>> {
        let Some(r) = self
            .db()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    verification_cols!(),
                    ", c.admin_id FROM verification_challenges c \
                     JOIN verifications v ON v.id = c.verification_id AND v.org_id = c.org_id \
                     WHERE c.token_hash = $1"
                ),
                args![hex::encode(hash)],
            )
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            verification_from_row(&r)?,
            id(
                &r.text(11)?,
                UserId::parse,
                "verification_challenges.admin_id",
            )?,
        )))
    }

    pub(crate) async fn read_verifications(
        &self,
        org: OrgId,
        ticket: TicketId,
    ) -> StoreResult<Vec<VerificationRequest>> {
        self.db()
            .fetch_all(
                concat!(
                    "SELECT ",
                    verification_cols!(),
                    " FROM verifications v WHERE v.org_id = $1 AND v.ticket_id = $2 \
                     ORDER BY v.opened_at"
                ),
                args![org.to_string(), ticket.to_string()],
            )
            .await?
            .iter()
            .map(verification_from_row)
            .collect()
    }
}
