//! Organizations and their plans.

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
use skydir_core::directory::{Org, Plan, PlanKind};
use skydir_core::ports::Storage;
use skydir_core::service::{NewOrg, OrgPatch};
use utoipa::ToSchema;

/// A new organization. `seats` is required for monthly/annual, `trial_ends` for jumpstart.
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
        }
    }
}

/// Creates an organization (operator).
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
    let org = st.dir.create_org(&actor, new).await?;
    Ok((StatusCode::CREATED, Json(OrgOut::of(org, st.dir.now()))))
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
