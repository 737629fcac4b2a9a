//! Sealing of what an org writes into the data-protection records (under the org key, bound to
//! table, record and field).

use crate::crypto::{self, DataKey};
use crate::error::{StoreError, StoreResult};
use skydir_core::ids::OrgId;

fn aad(org: OrgId, table: &str, id: &str, field: &str) -> String {
    format!("skydir/v1|{org}|{table}|{id}|{field}")
}

/// Seals `value` of record `id` of `table`.
pub(crate) fn seal(
    org: OrgId,
    table: &str,
    id: &str,
    field: &str,
    value: &str,
    key: &DataKey,
) -> StoreResult<String> {
    crypto::seal(
        key.bytes(),
        aad(org, table, id, field).as_bytes(),
        value.as_bytes(),
    )
}

/// Opens what [`seal`] sealed.
pub(crate) fn open(
    org: OrgId,
    table: &str,
    id: &str,
    field: &str,
    sealed: &str,
    key: &DataKey,
) -> StoreResult<String> {
    let plain = crypto::open(
        key.bytes(),
        aad(org, table, id, field).as_bytes(),
        sealed,
        || format!("{table}.{field} of {id}"),
    )?;
    String::from_utf8(plain.to_vec())
        .map_err(|_| StoreError::corrupt(format!("{table}.{field} is not text")))
}

fn deployment_aad(table: &str, id: &str) -> String {
    format!("skydir/v1|deployment|{table}|{id}")
}

/// Seals a provider-wide record (connectors, erasure requests) under the deployment key.
pub(crate) fn seal_deployment(
    table: &str,
    id: &str,
    value: &str,
    key: &DataKey,
) -> StoreResult<String> {
    crypto::seal(
        key.bytes(),
        deployment_aad(table, id).as_bytes(),
        value.as_bytes(),
    )
}

/// Opens what [`seal_deployment`] sealed, as JSON of `T`.
pub(crate) fn open_deployment<T: serde::de::DeserializeOwned>(
    table: &str,
    id: &str,
    sealed: &str,
    key: &DataKey,
) -> StoreResult<T> {
    let plain = crypto::open(
        key.bytes(),
        deployment_aad(table, id).as_bytes(),
        sealed,
        || format!("{table} record {id}"),
    )?;
    serde_json::from_slice(&plain)
        .map_err(|_| StoreError::corrupt(format!("{table} record {id} is malformed")))
}
