//! The org admin role.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use skydir_core::ports::Storage;

/// Usernames of the org's admins.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/admins", tag = "admins",
    responses((status = 200, body = Vec<String>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<String>>> {
    let admins = st.dir.list_admins(&actor, &super::slug(&org)?).await?;
    Ok(Json(
        admins.into_iter().map(|u| u.as_str().to_string()).collect(),
    ))
}

/// Makes a user an org admin (idempotent).
#[utoipa::path(put, path = "/api/v1/orgs/{org}/admins/{username}", tag = "admins",
    responses((status = 204, description = "is admin"), (status = 403, body = crate::Problem)))]
pub async fn grant<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .grant_admin(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the admin role (the last admin cannot be removed).
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/admins/{username}", tag = "admins",
    responses((status = 204, description = "no longer admin"), (status = 409, body = crate::Problem)))]
pub async fn revoke<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .revoke_admin(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
