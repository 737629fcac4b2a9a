//! Organizations: created with their first administrator (who is mailed an invitation — the
//! provider never chooses a customer's password), their plans, and their suspension.

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
use skydir_core::auth::PasswordPolicy;
use skydir_core::directory::{Email, Org, Plan, PlanKind, Username};
use skydir_core::ports::Storage;
use skydir_core::service::{FirstAdmin, NewOrg, OrgPatch};
use utoipa::ToSchema;

/// A new organization with its first administrator. `seats` is required for monthly/annual
/// (users beyond the 10 free ones), `trial_ends` for jumpstart.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgIn {
    pub slug: String,
    pub name: String,
    /// free | monthly | annual | jumpstart
    pub plan: String,
    pub seats: Option<u64>,
    #[schema(value_type = Option<String>)]
    pub trial_ends: Option<Timestamp>,
    /// The first administrator: mailed an invitation with which they set their own password.
    /// Required (absent, the answer is a 400 saying so).
    #[schema(required = true)]
    pub admin: Option<FirstAdminIn>,
}

/// An organization's first administrator: who they are and where the invitation goes. There
/// is no password: nobody at the provider chooses or learns it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstAdminIn {
    pub username: String,
    pub email: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

/// Changes to an organization.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgPatchIn {
    pub name: Option<String>,
    pub plan: Option<String>,
    pub seats: Option<u64>,
    #[schema(value_type = Option<String>)]
    pub trial_ends: Option<Timestamp>,
    pub password_policy: Option<PolicyDto>,
}

/// Per-org password policy.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDto {
    pub min_length: u32,
    pub max_failures: u32,
    pub lockout_secs: u64,
    pub lockout_max_secs: u64,
}

/// An organization.
#[derive(Serialize, ToSchema)]
pub struct OrgOut {
    #[schema(value_type = String)]
    pub id: String,
    pub slug: String,
    pub name: String,
    pub plan: String,
    pub seats: Option<u64>,
    #[schema(value_type = Option<String>)]
    pub trial_ends: Option<Timestamp>,
    /// Users allowed now; absent when unlimited.
    pub user_limit: Option<u64>,
    pub password_policy: PolicyDto,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    /// When the provider suspended the organization; absent while it is in service.
    #[schema(value_type = Option<String>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended_at: Option<Timestamp>,
    /// The first administrator's invitation (in the answer to the creation only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_admin: Option<super::invitations::InvitationOut>,
}

impl OrgOut {
    fn of(o: Org, now: Timestamp) -> Self {
        let p = o.password_policy;
        Self {
            id: o.id.to_string(),
            slug: o.slug.as_str().to_string(),
            name: o.name,
            user_limit: o.plan.user_limit(now),
            plan: o.plan.kind.as_str().to_string(),
            seats: o.plan.seats,
            trial_ends: o.plan.trial_ends,
            password_policy: PolicyDto {
                min_length: p.min_length,
                max_failures: p.max_failures,
                lockout_secs: p.lockout_secs,
                lockout_max_secs: p.lockout_max_secs,
            },
            created_at: o.created_at,
            suspended_at: o.suspended_at,
            first_admin: None,
        }
    }
}

/// Creates an organization with its first administrator, in one change (operator). The
/// administrator is mailed an invitation (valid 7 days) to set their own password; a refused
/// request leaves nothing behind.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", request_body = OrgIn,
    responses((status = 201, body = OrgOut), (status = 400, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<OrgIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<OrgOut>)> {
    let Json(b) = body?;
    let plan = Plan::new(PlanKind::parse(&b.plan)?, b.seats, b.trial_ends)?;
    let new = NewOrg {
        slug: super::slug(&b.slug)?,
        name: b.name,
        plan,
    };
    let a = b.admin.ok_or_else(|| {
        CoreError::invalid(
            "admin",
            "an organization is created with its first administrator: give admin \
             {username, email, given_name, family_name}; they are mailed an invitation",
        )
    })?;
    let admin = FirstAdmin {
        username: Username::parse(&a.username).map_err(|e| super::prefixed("admin", e))?,
        email: Email::parse(&a.email).map_err(|e| super::prefixed("admin", e))?,
        given_name: a.given_name,
        family_name: a.family_name,
    };
    let username = admin.username.clone();
    let org = st.dir.create_org_with_admin(&actor, new, admin).await?;
    let invitation = st.dir.invitation_of(&actor, &org.slug, &username).await?;
    let mut out = OrgOut::of(org, st.dir.now());
    out.first_admin = invitation.map(Into::into);
    Ok((StatusCode::CREATED, Json(out)))
}

/// Lists organizations (provider staff).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", params(PageQuery),
    responses((status = 200, body = PageOut<OrgOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> ApiResult<Json<PageOut<OrgOut>>> {
    let Query(q) = q?;
    let page = st.dir.list_orgs(&actor, &q.request()?).await?;
    let now = st.dir.now();
    Ok(Json(PageOut::from(page, |o| OrgOut::of(o, now))))
}

/// Reads an organization.
#[utoipa::path(get, path = "/api/v1/orgs/{org}", tag = "orgs",
    responses((status = 200, body = OrgOut), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<OrgOut>> {
    let org = st.dir.get_org(&actor, &super::slug(&org)?).await?;
    Ok(Json(OrgOut::of(org, st.dir.now())))
}

/// Changes an organization's name, plan or password policy (operator).
#[utoipa::path(patch, path = "/api/v1/orgs/{org}", tag = "orgs", request_body = OrgPatchIn,
    responses((status = 200, body = OrgOut), (status = 400, body = crate::Problem)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<OrgPatchIn>, JsonRejection>,
) -> ApiResult<Json<OrgOut>> {
    let Json(b) = body?;
    let slug = super::slug(&org)?;
    let plan = match b.plan {
        Some(kind) => Some(Plan::new(PlanKind::parse(&kind)?, b.seats, b.trial_ends)?),
        None if b.seats.is_some() || b.trial_ends.is_some() => {
            return Err(CoreError::invalid(
                "plan",
                "give the plan together with seats or trial_ends",
            )
            .into());
        }
        None => None,
    };
    let password_policy = b.password_policy.map(|p| PasswordPolicy {
        min_length: p.min_length,
        max_failures: p.max_failures,
        lockout_secs: p.lockout_secs,
        lockout_max_secs: p.lockout_max_secs,
    });
    let patch = OrgPatch {
        name: b.name,
        plan,
        password_policy,
    };
    let org = st.dir.update_org(&actor, &slug, patch).await?;
    Ok(Json(OrgOut::of(org, st.dir.now())))
}

/// The org's dedicated support specialist.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialistIn {
    /// A support agent's handle.
    pub handle: String,
}

/// Names the org's dedicated support specialist (JumpStart tickets go to them; operators).
#[utoipa::path(put, path = "/api/v1/orgs/{org}/specialist", tag = "orgs", request_body = SpecialistIn,
    responses((status = 204, description = "named"), (status = 400, body = crate::Problem),
        (status = 403, body = crate::Problem)))]
pub async fn set_specialist<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<SpecialistIn>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let Json(b) = body?;
    st.dir
        .set_specialist(&actor, &super::slug(&org)?, Some(&b.handle))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Clears the org's dedicated support specialist.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/specialist", tag = "orgs",
    responses((status = 204, description = "cleared"), (status = 403, body = crate::Problem)))]
pub async fn clear_specialist<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<StatusCode> {
    st.dir
        .set_specialist(&actor, &super::slug(&org)?, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Suspends an organization (operator): its people can no longer sign in (web, API, LDAP) and
/// their tokens stop working until it is resumed; nothing is deleted.
#[utoipa::path(put, path = "/api/v1/orgs/{org}/suspension", tag = "orgs",
    responses((status = 200, body = OrgOut), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem)))]
pub async fn suspend<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<OrgOut>> {
    let org = st.dir.suspend_org(&actor, &super::slug(&org)?).await?;
    Ok(Json(OrgOut::of(org, st.dir.now())))
}

/// Resumes a suspended organization (operator).
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/suspension", tag = "orgs",
    responses((status = 200, body = OrgOut), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem)))]
pub async fn resume<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<OrgOut>> {
    let org = st.dir.resume_org(&actor, &super::slug(&org)?).await?;
    Ok(Json(OrgOut::of(org, st.dir.now())))
}
