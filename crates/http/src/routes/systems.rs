//! Systems (computers) of an org.

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
use skydir_core::directory::{JoinMethod, OsFamily, System};
use skydir_core::ports::Storage;
use skydir_core::service::{NewSystem, SystemPatch};
use utoipa::ToSchema;

/// A system to register.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemIn {
    pub hostname: String,
    /// windows | macos | linux
    pub os_family: String,
    pub os_version: String,
    /// How it joins the directory: ldap_sssd | ldap_nslcd (Linux) | not_joined | unknown
    /// (the default). The support desk asks for the logs of that client.
    pub joined_via: Option<String>,
    pub agent_version: Option<String>,
}

/// Changes to a system; `agent_version: null` clears it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemPatchIn {
    pub os_family: Option<String>,
    pub os_version: Option<String>,
    /// ldap_sssd | ldap_nslcd | not_joined | unknown
    pub joined_via: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub agent_version: Option<Option<String>>,
}

/// A system.
#[derive(Serialize, ToSchema)]
pub struct SystemOut {
    #[schema(value_type = String)]
    pub id: String,
    pub hostname: String,
    pub os_family: String,
    pub os_version: String,
    /// ldap_sssd | ldap_nslcd | not_joined | unknown
    pub joined_via: String,
    pub agent_version: Option<String>,
    #[schema(value_type = Option<String>)]
    pub last_contact: Option<Timestamp>,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
}

impl From<System> for SystemOut {
    fn from(s: System) -> Self {
        Self {
            id: s.id.to_string(),
            hostname: s.hostname.as_str().to_string(),
            os_family: s.os_family.as_str().to_string(),
            os_version: s.os_version,
            joined_via: s.joined_via.as_str().to_string(),
            agent_version: s.agent_version,
            last_contact: s.last_contact,
            created_at: s.created_at,
        }
    }
}

/// Registers a system.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/systems", tag = "systems", request_body = SystemIn,
    responses((status = 201, body = SystemOut), (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<SystemIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<SystemOut>)> {
    let slug = super::slug(&org)?;
    let Json(b) = body?;
    let new = NewSystem {
        hostname: super::name(&b.hostname)?,
        os_family: OsFamily::parse(&b.os_family)?,
        os_version: b.os_version,
        joined_via: b
            .joined_via
            .as_deref()
            .map(JoinMethod::parse)
            .transpose()?
            .unwrap_or_default(),
        agent_version: b.agent_version,
    };
    let s = st.dir.create_system(&actor, &slug, new).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// Lists systems by hostname.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/systems", tag = "systems", params(PageQuery),
    responses((status = 200, body = PageOut<SystemOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<PageOut<SystemOut>>> {
    let Query(q) = q?;
    let page = st
        .dir
        .list_systems(&actor, &super::slug(&org)?, &q.request()?)
        .await?;
    Ok(Json(PageOut::from(page, SystemOut::from)))
}

/// Reads a system.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/systems/{hostname}", tag = "systems",
    responses((status = 200, body = SystemOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, host)): Path<(String, String)>,
) -> ApiResult<Json<SystemOut>> {
    let s = st
        .dir
        .get_system(&actor, &super::slug(&org)?, &super::name(&host)?)
        .await?;
    Ok(Json(s.into()))
}

/// Changes a system.
#[utoipa::path(patch, path = "/api/v1/orgs/{org}/systems/{hostname}", tag = "systems", request_body = SystemPatchIn,
    responses((status = 200, body = SystemOut)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, host)): Path<(String, String)>,
    body: Result<Json<SystemPatchIn>, JsonRejection>,
) -> ApiResult<Json<SystemOut>> {
    let (slug, host) = (super::slug(&org)?, super::name(&host)?);
    let Json(b) = body?;
    let patch = SystemPatch {
        os_family: b.os_family.as_deref().map(OsFamily::parse).transpose()?,
        os_version: b.os_version,
        joined_via: b.joined_via.as_deref().map(JoinMethod::parse).transpose()?,
        agent_version: b.agent_version,
    };
    let s = st.dir.update_system(&actor, &slug, &host, patch).await?;
    Ok(Json(s.into()))
}

/// Removes a system.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/systems/{hostname}", tag = "systems",
    responses((status = 204, description = "deleted")))]
pub async fn delete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, host)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .delete_system(&actor, &super::slug(&org)?, &super::name(&host)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
