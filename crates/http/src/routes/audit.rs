//! An org's audit log, for its admins.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::audit::AuditEvent;
use skydir_core::ports::Storage;
use utoipa::{IntoParams, ToSchema};

/// Which events to read.
#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Return events with a sequence number above this (default 0).
    pub after: Option<u64>,
    /// At most this many (1–1000, default 100).
    pub limit: Option<u32>,
}

/// An audit event. Actors and targets are opaque ids; no personal data.
#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub seq: u64,
    #[schema(value_type = String)]
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub hash: String,
}

impl From<AuditEvent> for AuditOut {
    fn from(e: AuditEvent) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target: e.target,
            outcome: e.outcome.as_str().into(),
            detail: e.detail,
            hash: e.hash,
        }
    }
}

/// Reads the org's audit chain, oldest first.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<AuditOut>>> {
    let Query(q) = q?;
    let events = st
        .dir
        .org_audit(
            &actor,
            &super::slug(&org)?,
            q.after.unwrap_or(0),
            q.limit.unwrap_or(100),
        )
        .await?;
    Ok(Json(events.into_iter().map(AuditOut::from).collect()))
}
