//! The caller's own API tokens over REST — what the console's *API tokens* page does, for the
//! scripts an admin automates with: create a named token acting as oneself (its secret shown
//! once), list one's tokens and sessions, revoke one. Staff have no org person to act as.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::auth::ApiToken;
use skydir_core::ids::TokenId;
use skydir_core::ports::Storage;
use utoipa::ToSchema;

/// A token to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyTokenIn {
    /// What it is for, e.g. `provisioning script` (1-64 characters).
    pub name: String,
    /// Days it lasts (1-365); absent, until revoked.
    pub days: Option<u32>,
}

/// A token as listed (never its secret).
#[derive(Serialize, ToSchema)]
pub struct MyTokenOut {
    #[schema(value_type = String)]
    pub id: String,
    pub name: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub last_used_at: Option<Timestamp>,
}

impl From<ApiToken> for MyTokenOut {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// A new token: its secret is in this answer only.
#[derive(Serialize, ToSchema)]
pub struct NewTokenOut {
    #[schema(value_type = String)]
    pub id: String,
    pub token: String,
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
}

/// Creates an API token acting as the caller.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me", request_body = MyTokenIn,
    responses((status = 201, body = NewTokenOut), (status = 400, body = crate::Problem),
        (status = 403, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<MyTokenIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<NewTokenOut>)> {
    let Json(b) = body?;
    let t = st.dir.create_my_token(&actor, &b.name, b.days).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenOut {
            id: t.id.to_string(),
            token: t.secret.expose().to_string(),
            expires_at: t.expires_at,
        }),
    ))
}

/// The caller's tokens and sessions that are not revoked, newest first.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me",
    responses((status = 200, body = Vec<MyTokenOut>), (status = 403, body = crate::Problem)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<MyTokenOut>>> {
    let tokens = st.dir.my_tokens(&actor).await?;
    Ok(Json(tokens.into_iter().map(MyTokenOut::from).collect()))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "me",
    responses((status = 204, description = "revoked"), (status = 404, body = crate::Problem)))]
pub async fn revoke<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = TokenId::parse(&id).ok_or_else(|| CoreError::not_found("token", id.clone()))?;
    st.dir.revoke_my_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
