//! Access bindings: granting a resource to a user or a group.

use crate::AppState;
use crate::caller::Caller;
use crate::page::{PageOut, PageQuery};
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::directory::{AccessBinding, BindingSubject};
use skydir_core::ids::BindingId;
use skydir_core::ports::Storage;
use skydir_core::service::{MemberRef, NewBinding};
use utoipa::ToSchema;

/// A binding to create: the resource's name and exactly one of `user` or `group`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindingIn {
    pub resource: String,
    pub user: Option<String>,
    pub group: Option<String>,
}

/// A binding.
#[derive(Serialize, ToSchema)]
pub struct BindingOut {
    #[schema(value_type = String)]
    pub id: String,
    #[schema(value_type = String)]
    pub resource_id: String,
    /// user | group
    pub subject_type: String,
    #[schema(value_type = String)]
    pub subject_id: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
}

impl From<AccessBinding> for BindingOut {
    fn from(b: AccessBinding) -> Self {
        let (subject_type, subject_id) = match b.subject {
            BindingSubject::User(u) => ("user", u.to_string()),
            BindingSubject::Group(g) => ("group", g.to_string()),
        };
        Self {
            id: b.id.to_string(),
            resource_id: b.resource.to_string(),
            subject_type: subject_type.into(),
            subject_id,
            created_at: b.created_at,
        }
    }
}

fn binding_id(s: &str) -> Result<BindingId, CoreError> {
    BindingId::parse(s).ok_or_else(|| CoreError::invalid("id", "not a binding id (a UUID)"))
}

/// Grants a resource.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/bindings", tag = "bindings", request_body = BindingIn,
    responses((status = 201, body = BindingOut), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<BindingIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<BindingOut>)> {
    let slug = super::slug(&org)?;
    let Json(b) = body?;
    let subject = match (b.user, b.group) {
        (Some(u), None) => MemberRef::User(super::username(&u)?),
        (None, Some(g)) => MemberRef::Group(super::name(&g)?),
        _ => return Err(CoreError::invalid("user", "give exactly one of user or group").into()),
    };
    let new = NewBinding {
        resource: super::name(&b.resource)?,
        subject,
    };
    let out = st.dir.create_binding(&actor, &slug, new).await?;
    Ok((StatusCode::CREATED, Json(out.into())))
}

/// Lists bindings.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/bindings", tag = "bindings", params(PageQuery),
    responses((status = 200, body = PageOut<BindingOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<PageOut<BindingOut>>> {
    let Query(q) = q?;
    let page = st
        .dir
        .list_bindings(&actor, &super::slug(&org)?, &q.request()?)
        .await?;
    Ok(Json(PageOut::from(page, BindingOut::from)))
}

/// Reads a binding.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/bindings/{id}", tag = "bindings",
    responses((status = 200, body = BindingOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Json<BindingOut>> {
    let b = st
        .dir
        .get_binding(&actor, &super::slug(&org)?, binding_id(&id)?)
        .await?;
    Ok(Json(b.into()))
}

/// Revokes a binding.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/bindings/{id}", tag = "bindings",
    responses((status = 204, description = "revoked")))]
pub async fn delete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .delete_binding(&actor, &super::slug(&org)?, binding_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
