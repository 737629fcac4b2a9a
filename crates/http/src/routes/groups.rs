//! Groups and nested membership.

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
use skydir_core::directory::Group;
use skydir_core::ports::Storage;
use skydir_core::service::{GroupPatch, GroupView, MemberRef, NewGroup};
use utoipa::ToSchema;

/// A group to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Allocated when absent.
    pub gid_number: Option<u32>,
}

/// Changes to a group.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatchIn {
    pub description: Option<String>,
}

/// A group (with its direct members when read one at a time).
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    #[schema(value_type = String)]
    pub id: String,
    pub name: String,
    pub description: String,
    pub gid_number: u32,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_users: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_groups: Option<Vec<String>>,
}

impl From<Group> for GroupOut {
    fn from(g: Group) -> Self {
        Self {
            id: g.id.to_string(),
            name: g.name.as_str().to_string(),
            description: g.description,
            gid_number: g.gid_number,
            created_at: g.created_at,
            member_users: None,
            member_groups: None,
        }
    }
}

impl From<GroupView> for GroupOut {
    fn from(v: GroupView) -> Self {
        let mut out = GroupOut::from(v.group);
        out.member_users = Some(
            v.member_users
                .into_iter()
                .map(|u| u.as_str().to_string())
                .collect(),
        );
        out.member_groups = Some(
            v.member_groups
                .into_iter()
                .map(|g| g.as_str().to_string())
                .collect(),
        );
        out
    }
}

/// Creates a group.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/groups", tag = "groups", request_body = GroupIn,
    responses((status = 201, body = GroupOut), (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<GroupIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<GroupOut>)> {
    let slug = super::slug(&org)?;
    let Json(b) = body?;
    let new = NewGroup {
        name: super::name(&b.name)?,
        description: b.description,
        gid_number: b.gid_number,
    };
    let v = st.dir.create_group(&actor, &slug, new).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Lists groups by name.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/groups", tag = "groups", params(PageQuery),
    responses((status = 200, body = PageOut<GroupOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<PageOut<GroupOut>>> {
    let Query(q) = q?;
    let page = st
        .dir
        .list_groups(&actor, &super::slug(&org)?, &q.request()?)
        .await?;
    Ok(Json(PageOut::from(page, GroupOut::from)))
}

/// Reads a group with its direct members.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/groups/{name}", tag = "groups",
    responses((status = 200, body = GroupOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
) -> ApiResult<Json<GroupOut>> {
    let v = st
        .dir
        .get_group(&actor, &super::slug(&org)?, &super::name(&name)?)
        .await?;
    Ok(Json(v.into()))
}

/// Changes a group's description.
#[utoipa::path(patch, path = "/api/v1/orgs/{org}/groups/{name}", tag = "groups", request_body = GroupPatchIn,
    responses((status = 200, body = GroupOut)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
    body: Result<Json<GroupPatchIn>, JsonRejection>,
) -> ApiResult<Json<GroupOut>> {
    let (slug, name) = (super::slug(&org)?, super::name(&name)?);
    let Json(b) = body?;
    let v = st
        .dir
        .update_group(
            &actor,
            &slug,
            &name,
            GroupPatch {
                description: b.description,
            },
        )
        .await?;
    Ok(Json(v.into()))
}

/// Deletes a group.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/groups/{name}", tag = "groups",
    responses((status = 204, description = "deleted")))]
pub async fn delete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .delete_group(&actor, &super::slug(&org)?, &super::name(&name)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a user to a group.
#[utoipa::path(put, path = "/api/v1/orgs/{org}/groups/{name}/members/users/{username}", tag = "groups",
    responses((status = 200, body = GroupOut)))]
pub async fn add_user<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name, user)): Path<(String, String, String)>,
) -> ApiResult<Json<GroupOut>> {
    let m = MemberRef::User(super::username(&user)?);
    let v = st
        .dir
        .add_member(&actor, &super::slug(&org)?, &super::name(&name)?, m)
        .await?;
    Ok(Json(v.into()))
}

/// Removes a user from a group.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/groups/{name}/members/users/{username}", tag = "groups",
    responses((status = 204, description = "removed")))]
pub async fn remove_user<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name, user)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let m = MemberRef::User(super::username(&user)?);
    st.dir
        .remove_member(&actor, &super::slug(&org)?, &super::name(&name)?, m)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Nests a group inside another (cycles are refused).
#[utoipa::path(put, path = "/api/v1/orgs/{org}/groups/{name}/members/groups/{child}", tag = "groups",
    responses((status = 200, body = GroupOut), (status = 409, body = crate::Problem)))]
pub async fn add_group<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name, child)): Path<(String, String, String)>,
) -> ApiResult<Json<GroupOut>> {
    let m = MemberRef::Group(super::name(&child)?);
    let v = st
        .dir
        .add_member(&actor, &super::slug(&org)?, &super::name(&name)?, m)
        .await?;
    Ok(Json(v.into()))
}

/// Removes a nested group.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/groups/{name}/members/groups/{child}", tag = "groups",
    responses((status = 204, description = "removed")))]
pub async fn remove_group<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name, child)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let m = MemberRef::Group(super::name(&child)?);
    st.dir
        .remove_member(&actor, &super::slug(&org)?, &super::name(&name)?, m)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
