//! Applications and other resources.

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
use skydir_core::directory::{Resource, ResourceKind};
use skydir_core::ports::Storage;
use skydir_core::service::{NewResource, ResourcePatch};
use utoipa::ToSchema;

/// A resource to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceIn {
    pub name: String,
    /// ldap_app | file_server | network | sso_app
    pub kind: String,
    #[serde(default)]
    pub description: String,
}

/// Changes to a resource.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcePatchIn {
    pub description: Option<String>,
}

/// A resource.
#[derive(Serialize, ToSchema)]
pub struct ResourceOut {
    #[schema(value_type = String)]
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
}

impl From<Resource> for ResourceOut {
    fn from(r: Resource) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name.as_str().to_string(),
            kind: r.kind.as_str().to_string(),
            description: r.description,
            created_at: r.created_at,
        }
    }
}

/// Creates a resource.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/resources", tag = "resources", request_body = ResourceIn,
    responses((status = 201, body = ResourceOut), (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<ResourceIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ResourceOut>)> {
    let slug = super::slug(&org)?;
    let Json(b) = body?;
    let new = NewResource {
        name: super::name(&b.name)?,
        kind: ResourceKind::parse(&b.kind)?,
        description: b.description,
    };
    let r = st.dir.create_resource(&actor, &slug, new).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// Lists resources by name.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/resources", tag = "resources", params(PageQuery),
    responses((status = 200, body = PageOut<ResourceOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<PageOut<ResourceOut>>> {
    let Query(q) = q?;
    let page = st
        .dir
        .list_resources(&actor, &super::slug(&org)?, &q.request()?)
        .await?;
    Ok(Json(PageOut::from(page, ResourceOut::from)))
}

/// Reads a resource.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/resources/{name}", tag = "resources",
    responses((status = 200, body = ResourceOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
) -> ApiResult<Json<ResourceOut>> {
    let r = st
        .dir
        .get_resource(&actor, &super::slug(&org)?, &super::name(&name)?)
        .await?;
    Ok(Json(r.into()))
}

/// Changes a resource's description.
#[utoipa::path(patch, path = "/api/v1/orgs/{org}/resources/{name}", tag = "resources", request_body = ResourcePatchIn,
    responses((status = 200, body = ResourceOut)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
    body: Result<Json<ResourcePatchIn>, JsonRejection>,
) -> ApiResult<Json<ResourceOut>> {
    let (slug, name) = (super::slug(&org)?, super::name(&name)?);
    let Json(b) = body?;
    let r = st
        .dir
        .update_resource(
            &actor,
            &slug,
            &name,
            ResourcePatch {
                description: b.description,
            },
        )
        .await?;
    Ok(Json(r.into()))
}

/// Deletes a resource and its bindings.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/resources/{name}", tag = "resources",
    responses((status = 204, description = "deleted")))]
pub async fn delete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .delete_resource(&actor, &super::slug(&org)?, &super::name(&name)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
