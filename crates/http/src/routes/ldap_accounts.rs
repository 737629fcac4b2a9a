//! LDAP service accounts: the bind identities applications use to read an org's directory.
//! Org admins create them with a password (never shown again, never readable), rotate it and
//! delete them; the response names the DN to configure in the application.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::directory::ServiceAccount;
use skydir_core::ports::Storage;
use skydir_core::secret::Secret;
use skydir_core::service::NewServiceAccount;
use utoipa::ToSchema;

/// A service account to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LdapAccountIn {
    /// Lowercase letters, digits, `-`, `_`, `.`; the `cn` of the bind DN.
    pub name: String,
    /// Subject to the org's password policy.
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
    #[serde(default)]
    pub description: String,
}

/// A new password for a service account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LdapPasswordIn {
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
}

/// A service account (its password is never returned).
#[derive(Serialize, ToSchema)]
pub struct LdapAccountOut {
    #[schema(value_type = String)]
    pub id: String,
    pub name: String,
    /// The DN the application binds as.
    pub dn: String,
    pub description: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = String)]
    pub password_set_at: Timestamp,
}

fn out(suffix: &str, org: &str, a: ServiceAccount) -> LdapAccountOut {
    LdapAccountOut {
        id: a.id.to_string(),
        dn: format!("cn={},ou=services,o={org},{suffix}", a.name),
        name: a.name.as_str().to_string(),
        description: a.description,
        created_at: a.created_at,
        password_set_at: a.password_set_at,
    }
}

/// Creates an LDAP service account (org admins only).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/ldap-accounts", tag = "ldap-accounts",
    request_body = LdapAccountIn,
    responses((status = 201, body = LdapAccountOut), (status = 403, body = crate::Problem),
        (status = 409, body = crate::Problem), (status = 400, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<LdapAccountIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<LdapAccountOut>)> {
    let slug = super::slug(&org)?;
    let Json(b) = body?;
    let new = NewServiceAccount {
        name: super::name(&b.name)?,
        description: b.description,
        password: b.password,
    };
    let a = st.dir.create_service_account(&actor, &slug, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(out(&st.ldap_suffix, slug.as_str(), a)),
    ))
}

/// Lists the org's LDAP service accounts by name.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/ldap-accounts", tag = "ldap-accounts",
    responses((status = 200, body = Vec<LdapAccountOut>), (status = 403, body = crate::Problem)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<LdapAccountOut>>> {
    let slug = super::slug(&org)?;
    let all = st.dir.list_service_accounts(&actor, &slug).await?;
    Ok(Json(
        all.into_iter()
            .map(|a| out(&st.ldap_suffix, slug.as_str(), a))
            .collect(),
    ))
}

/// Reads one LDAP service account.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/ldap-accounts/{name}", tag = "ldap-accounts",
    responses((status = 200, body = LdapAccountOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
) -> ApiResult<Json<LdapAccountOut>> {
    let slug = super::slug(&org)?;
    let a = st
        .dir
        .get_service_account(&actor, &slug, &super::name(&name)?)
        .await?;
    Ok(Json(out(&st.ldap_suffix, slug.as_str(), a)))
}

/// Sets a new password; connections bound with the old one lose access.
#[utoipa::path(put, path = "/api/v1/orgs/{org}/ldap-accounts/{name}/password", tag = "ldap-accounts",
    request_body = LdapPasswordIn,
    responses((status = 200, body = LdapAccountOut), (status = 400, body = crate::Problem)))]
pub async fn set_password<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
    body: Result<Json<LdapPasswordIn>, JsonRejection>,
) -> ApiResult<Json<LdapAccountOut>> {
    let slug = super::slug(&org)?;
    let name = super::name(&name)?;
    let Json(b) = body?;
    let a = st
        .dir
        .set_service_password(&actor, &slug, &name, b.password)
        .await?;
    Ok(Json(out(&st.ldap_suffix, slug.as_str(), a)))
}

/// Deletes an LDAP service account; its binds stop working at once.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/ldap-accounts/{name}", tag = "ldap-accounts",
    responses((status = 204, description = "deleted"), (status = 404, body = crate::Problem)))]
pub async fn delete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, name)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .delete_service_account(&actor, &super::slug(&org)?, &super::name(&name)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
