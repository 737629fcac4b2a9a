//! Users: provisioning, reading (personal data only for the user and their org's admins),
//! updating, erasure, and the owner's own password change.

use crate::AppState;
use crate::caller::{Caller, Presented};
use crate::page::{PageOut, PageQuery};
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::directory::personal::Address;
use skydir_core::directory::{Email, PersonalData, Posix, SshKey, UserStatus, Username};
use skydir_core::ports::Storage;
use skydir_core::secret::{Personal, Secret};
use skydir_core::service::{Ended, Keep, NewUser, PasswordInput, UserPatch, UserView};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// POSIX account attributes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PosixDto {
    pub uid_number: u32,
    pub gid_number: u32,
    pub home_directory: String,
    pub login_shell: String,
}

impl From<PosixDto> for Posix {
    fn from(p: PosixDto) -> Self {
        Posix {
            uid_number: p.uid_number,
            gid_number: p.gid_number,
            home_directory: p.home_directory,
            login_shell: p.login_shell,
        }
    }
}

/// A postal address.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressDto {
    pub label: Option<String>,
    pub street: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

impl std::fmt::Debug for AddressDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AddressDto(***)")
    }
}

impl From<AddressDto> for Address {
    fn from(a: AddressDto) -> Self {
        Address {
            label: a.label,
            street: a.street,
            locality: a.locality,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}

impl From<Address> for AddressDto {
    fn from(a: Address) -> Self {
        AddressDto {
            label: a.label,
            street: a.street,
            locality: a.locality,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}

/// A user to create. Give `password` (clear text, checked against the org's policy) or
/// `password_hash` (migrating from another directory), or neither: the user is then mailed an
/// invitation (valid 7 days) to set their own password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    pub username: String,
    pub email: String,
    #[schema(value_type = Option<String>, format = Password)]
    pub password: Option<Secret>,
    #[schema(value_type = Option<String>)]
    pub password_hash: Option<Secret>,
    /// staged | active | suspended (default active)
    pub status: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub addresses: Vec<AddressDto>,
    #[serde(default)]
    pub custom: BTreeMap<String, String>,
    #[serde(default)]
    pub ssh_keys: Vec<String>,
    pub posix: Option<PosixDto>,
}

/// Changes to a user. Absent fields stay; `null` clears a name.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchIn {
    pub status: Option<String>,
    pub email: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub family_name: Option<Option<String>>,
    pub phones: Option<Vec<String>>,
    pub addresses: Option<Vec<AddressDto>>,
    pub custom: Option<BTreeMap<String, String>>,
    pub ssh_keys: Option<Vec<String>>,
    pub posix: Option<PosixDto>,
}

/// The caller's own password change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    #[schema(value_type = String, format = Password)]
    pub current_password: Secret,
    #[schema(value_type = String, format = Password)]
    pub new_password: Secret,
    /// Keep the caller's personal API tokens working (default `false`: they end with the
    /// other sessions).
    #[serde(default)]
    pub keep_api_tokens: bool,
}

/// What a change of how someone signs in ended: their other login sessions and personal API
/// tokens that were still usable (the token the request came with survives).
#[derive(Serialize, ToSchema)]
pub struct EndedOut {
    pub sessions_ended: u64,
    pub api_tokens_ended: u64,
}

impl From<Ended> for EndedOut {
    fn from(e: Ended) -> Self {
        Self {
            sessions_ended: e.sessions,
            api_tokens_ended: e.api_tokens,
        }
    }
}

/// A user. Contact and personal fields appear only for the user themself and their org's admins.
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    #[schema(value_type = String)]
    pub id: String,
    pub username: String,
    pub status: String,
    pub is_admin: bool,
    pub posix: PosixDto,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<AddressDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_keys: Option<Vec<String>>,
    /// A new address waiting for its confirmation link to be opened (the account keeps
    /// `email` until then); shown on a single user's read, not in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_email: Option<String>,
    /// When the confirmation link of `pending_email` stops working.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub pending_email_expires_at: Option<Timestamp>,
}

impl From<UserView> for UserOut {
    fn from(v: UserView) -> Self {
        let mut out = UserOut {
            id: v.id.to_string(),
            username: v.username.as_str().to_string(),
            status: v.status.as_str().to_string(),
            is_admin: v.is_admin,
            posix: PosixDto {
                uid_number: v.posix.uid_number,
                gid_number: v.posix.gid_number,
                home_directory: v.posix.home_directory,
                login_shell: v.posix.login_shell,
            },
            created_at: v.created_at,
            updated_at: v.updated_at,
            email: None,
            given_name: None,
            family_name: None,
            phones: None,
            addresses: None,
            custom: None,
            ssh_keys: None,
            pending_email: None,
            pending_email_expires_at: None,
        };
        if let Some(c) = v.contact {
            if let Some(p) = c.pending_email {
                out.pending_email = Some(p.address.as_str().to_string());
                out.pending_email_expires_at = Some(p.expires_at);
            }
            out.email = Some(c.email.as_str().to_string());
            out.given_name = c.personal.given_name.0;
            out.family_name = c.personal.family_name.0;
            out.phones = Some(c.personal.phones.0);
            out.addresses = Some(
                c.personal
                    .addresses
                    .0
                    .into_iter()
                    .map(AddressDto::from)
                    .collect(),
            );
            out.custom = Some(c.personal.custom.0);
            out.ssh_keys = Some(
                c.ssh_keys
                    .into_iter()
                    .map(|k| k.as_str().to_string())
                    .collect(),
            );
        }
        out
    }
}

fn ssh_keys(keys: Vec<String>) -> Result<Vec<SshKey>, CoreError> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            SshKey::parse(k).map_err(|e| match e {
                CoreError::Invalid { reason, .. } => {
                    CoreError::invalid(format!("ssh_keys[{i}]"), reason)
                }
                other => other,
            })
        })
        .collect()
}

fn new_user(b: UserIn) -> Result<NewUser, CoreError> {
    let password = match (b.password, b.password_hash) {
        (Some(_), Some(_)) => {
            return Err(CoreError::invalid(
                "password",
                "give password or password_hash, not both",
            ));
        }
        (Some(p), None) => PasswordInput::Plain(p),
        (None, Some(h)) => PasswordInput::Hash(h),
        (None, None) => PasswordInput::Invite,
    };
    Ok(NewUser {
        username: Username::parse(&b.username)?,
        email: Email::parse(&b.email)?,
        password,
        status: b
            .status
            .as_deref()
            .map(UserStatus::parse)
            .transpose()?
            .unwrap_or(UserStatus::Active),
        posix: b.posix.map(Posix::from),
        ssh_keys: ssh_keys(b.ssh_keys)?,
        personal: PersonalData {
            given_name: Personal(b.given_name),
            family_name: Personal(b.family_name),
            phones: Personal(b.phones),
            addresses: Personal(b.addresses.into_iter().map(Address::from).collect()),
            custom: Personal(b.custom),
        },
    })
}

/// Creates a user. The 11th user of a free org is refused with the plan, limit and way out.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/users", tag = "users", request_body = UserIn,
    responses((status = 201, body = UserOut), (status = 400, body = crate::Problem),
              (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<UserIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<UserOut>)> {
    let slug = super::slug(&org)?;
    let Json(b) = body?;
    let view = st.dir.create_user(&actor, &slug, new_user(b)?).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Lists users by username.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/users", tag = "users", params(PageQuery),
    responses((status = 200, body = PageOut<UserOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<PageOut<UserOut>>> {
    let Query(q) = q?;
    let page = st
        .dir
        .list_users(&actor, &super::slug(&org)?, &q.request()?)
        .await?;
    Ok(Json(PageOut::from(page, UserOut::from)))
}

/// Reads a user.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/users/{username}", tag = "users",
    responses((status = 200, body = UserOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<Json<UserOut>> {
    let view = st
        .dir
        .get_user(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    Ok(Json(view.into()))
}

/// Changes a user. A new `email` is not set at once: the new address is mailed a confirmation
/// link (valid 24 hours) and the current one a notice, and the answer shows it as
/// `pending_email` until the link is opened; the same address as now changes nothing.
#[utoipa::path(patch, path = "/api/v1/orgs/{org}/users/{username}", tag = "users", request_body = UserPatchIn,
    responses((status = 200, body = UserOut), (status = 400, body = crate::Problem)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
    body: Result<Json<UserPatchIn>, JsonRejection>,
) -> ApiResult<Json<UserOut>> {
    let (slug, username) = (super::slug(&org)?, super::username(&user)?);
    let Json(b) = body?;
    let patch = UserPatch {
        status: b.status.as_deref().map(UserStatus::parse).transpose()?,
        posix: b.posix.map(Posix::from),
        email: b.email.as_deref().map(Email::parse).transpose()?,
        ssh_keys: b.ssh_keys.map(ssh_keys).transpose()?,
        given_name: b.given_name,
        family_name: b.family_name,
        phones: b.phones,
        addresses: b
            .addresses
            .map(|a| a.into_iter().map(Address::from).collect()),
        custom: b.custom,
    };
    let view = st.dir.update_user(&actor, &slug, &username, patch).await?;
    Ok(Json(view.into()))
}

/// Erases a user: records deleted, data key destroyed.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/users/{username}", tag = "users",
    responses((status = 204, description = "erased"), (status = 404, body = crate::Problem)))]
pub async fn delete<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    st.dir
        .delete_user(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's own password (nobody can set another person's password). Every other
/// login session of the caller ends, and their personal API tokens too unless
/// `keep_api_tokens`; the token this request came with keeps working.
#[utoipa::path(put, path = "/api/v1/orgs/{org}/users/{username}/password", tag = "users",
    request_body = PasswordChangeIn,
    responses((status = 200, body = EndedOut), (status = 403, body = crate::Problem)))]
pub async fn change_password<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Presented(current): Presented,
    Path((org, user)): Path<(String, String)>,
    body: Result<Json<PasswordChangeIn>, JsonRejection>,
) -> ApiResult<Json<EndedOut>> {
    let (slug, username) = (super::slug(&org)?, super::username(&user)?);
    let Json(b) = body?;
    let keep = Keep {
        current,
        api_tokens: b.keep_api_tokens,
    };
    let ended = st
        .dir
        .change_password(
            &actor,
            &slug,
            &username,
            b.current_password,
            b.new_password,
            keep,
        )
        .await?;
    Ok(Json(ended.into()))
}
