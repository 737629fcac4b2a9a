//! Provider staff: the operator adds support agents (or further operators) and lists them.
//! A new staff member's API token is in the creation response, once.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::access::{Staff, StaffRole};
use skydir_core::ports::Storage;
use utoipa::ToSchema;

/// A staff member to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffIn {
    /// Lowercase letters, digits, `-`, `_`, `.`.
    pub handle: String,
    /// `agent` (default) or `operator`.
    #[serde(default)]
    pub role: Option<String>,
}

/// A staff member.
#[derive(Serialize, ToSchema)]
pub struct StaffOut {
    pub id: String,
    pub handle: String,
    pub role: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    /// Their API token: in the creation response only, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

fn out(s: Staff, token: Option<String>) -> StaffOut {
    StaffOut {
        id: s.id.to_string(),
        handle: s.handle,
        role: s.role.as_str().into(),
        created_at: s.created_at,
        token,
    }
}

/// Adds a support agent or operator (operators only).
#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", request_body = StaffIn,
    responses((status = 201, body = StaffOut), (status = 403, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<StaffIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<StaffOut>)> {
    let Json(b) = body?;
    let role = match b.role.as_deref() {
        None => StaffRole::Agent,
        Some(r) => StaffRole::parse(r).ok_or_else(|| {
            CoreError::invalid(
                "role",
                format!("'{r}' is not a staff role; use agent or operator"),
            )
        })?,
    };
    let (staff, token) = st.dir.create_staff(&actor, &b.handle, role).await?;
    Ok((
        StatusCode::CREATED,
        Json(out(staff, Some(token.secret.expose().to_string()))),
    ))
}

/// Lists the deployment's staff.
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff",
    responses((status = 200, body = Vec<StaffOut>), (status = 403, body = crate::Problem)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<StaffOut>>> {
    let all = st.dir.list_staff(&actor).await?;
    Ok(Json(all.into_iter().map(|s| out(s, None)).collect()))
}
