//! A staff member's authenticator secret as stored: sealed under the deployment key (staff
//! belong to no org and have no key of their own), bound to the staff member by its AAD so a
//! sealed secret copied onto another staff row does not open.

use crate::crypto::{self, DataKey};
use crate::error::StoreResult;
use skydir_core::ids::StaffId;
use zeroize::Zeroizing;

fn aad(staff: StaffId) -> String {
    format!("skydir/v1|deployment|staff_totp|{staff}|secret")
}

/// Seals a staff member's authenticator secret.
pub(crate) fn seal(staff: StaffId, secret: &[u8], key: &DataKey) -> StoreResult<String> {
    crypto::seal(key.bytes(), aad(staff).as_bytes(), secret)
}

/// Opens a staff member's authenticator secret.
pub(crate) fn open(staff: StaffId, sealed: &str, key: &DataKey) -> StoreResult<Zeroizing<Vec<u8>>> {
    crypto::open(key.bytes(), aad(staff).as_bytes(), sealed, || {
        format!("the authenticator of staff member {staff}")
    })
}
