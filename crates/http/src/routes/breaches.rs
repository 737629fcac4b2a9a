//! The breach register over REST (operators): record an incident, read the register with its
//! 72-hour clocks and deliveries, send the notices, get the supervisory-authority draft and
//! record its filing.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ids::BreachId;
use skydir_core::ports::Storage;
use skydir_core::privacy::BreachFacts;
use skydir_core::privacy::inventory::DataCategory;
use skydir_core::service::BreachView;
use utoipa::ToSchema;

/// An incident as the operator records it (every item GDPR Art. 33(3) asks for).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachIn {
    /// What happened.
    pub nature: String,
    /// Categories of personal data concerned: identity, contact, custom_attributes,
    /// credentials, directory_membership, activity_records, support_communication,
    /// contract_records.
    pub categories: Vec<String>,
    /// Approximate number of people concerned.
    pub approx_subjects: u64,
    /// Approximate number of records concerned.
    pub approx_records: u64,
    pub consequences: String,
    pub measures: String,
    /// The data protection officer or other contact point.
    pub contact: String,
    /// When the provider became aware (RFC 3339): the 72-hour clock starts here.
    pub aware_at: String,
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// Organizations concerned (slugs); empty or absent: every organization.
    #[serde(default)]
    pub orgs: Vec<String>,
}

fn time(field: &str, s: &str) -> Result<Timestamp, CoreError> {
    s.parse().map_err(|_| {
        CoreError::invalid(field, "must be an RFC 3339 time, e.g. 2026-06-01T12:00:00Z")
    })
}

fn breach_id(s: &str) -> Result<BreachId, CoreError> {
    BreachId::parse(s).ok_or_else(|| CoreError::invalid("id", "is not a breach id"))
}

/// Records a breach.
#[utoipa::path(post, path = "/api/v1/breaches", tag = "privacy", request_body = BreachIn,
    responses((status = 201, description = "the breach with its clock and who it affects", body = Object),
              (status = 400, body = crate::Problem), (status = 403, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<BreachIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<BreachView>)> {
    let Json(b) = body?;
    let categories = b
        .categories
        .iter()
        .map(|c| {
            DataCategory::parse(c).ok_or_else(|| {
                CoreError::invalid(
                    "categories",
                    format!(
                        "`{c}` is not a category; use {}",
                        DataCategory::ALL.map(|c| c.as_str()).join(", ")
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let facts = BreachFacts {
        nature: b.nature,
        categories,
        approx_subjects: b.approx_subjects,
        approx_records: b.approx_records,
        consequences: b.consequences,
        measures: b.measures,
        contact: b.contact,
        aware_at: time("aware_at", &b.aware_at)?,
        occurred_at: b.occurred_at.map(|o| time("occurred_at", &o)).transpose()?,
    };
    let orgs = b
        .orgs
        .iter()
        .map(|o| super::slug(o))
        .collect::<Result<Vec<_>, _>>()?;
    let v = st.dir.record_breach(&actor, facts, &orgs).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// The register, newest awareness first.
#[utoipa::path(get, path = "/api/v1/breaches", tag = "privacy",
    responses((status = 200, body = Vec<Object>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<BreachView>>> {
    Ok(Json(st.dir.breaches(&actor).await?))
}

/// One breach: facts, clock, who it affects, each notice's delivery.
#[utoipa::path(get, path = "/api/v1/breaches/{id}", tag = "privacy",
    responses((status = 200, body = Object), (status = 404, body = crate::Problem)))]
pub async fn get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BreachView>> {
    Ok(Json(st.dir.breach(&actor, breach_id(&id)?).await?))
}

/// Sends the notices to every person concerned and their organizations' admins (once).
#[utoipa::path(post, path = "/api/v1/breaches/{id}/notifications", tag = "privacy",
    responses((status = 200, body = Object), (status = 409, body = crate::Problem)))]
pub async fn notify<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BreachView>> {
    Ok(Json(st.dir.notify_breach(&actor, breach_id(&id)?).await?))
}

/// The draft notification to the supervisory authority (GDPR Art. 33(3)), as text.
#[utoipa::path(get, path = "/api/v1/breaches/{id}/authority-draft", tag = "privacy",
    responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = crate::Problem)))]
pub async fn authority_draft<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let text = st
        .dir
        .breach_authority_draft(&actor, breach_id(&id)?)
        .await?;
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(r)
}

/// Records that the notification was filed with the supervisory authority.
#[utoipa::path(post, path = "/api/v1/breaches/{id}/authority-notified", tag = "privacy",
    responses((status = 200, body = Object), (status = 409, body = crate::Problem)))]
pub async fn authority_notified<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BreachView>> {
    Ok(Json(
        st.dir
            .breach_authority_notified(&actor, breach_id(&id)?)
            .await?,
    ))
}
