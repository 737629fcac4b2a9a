//! Erasure over REST (GDPR Art. 17/19): an org admin erases a user and follows the request
//! to its certificate; the operator keeps the sub-processors' connectors and settles stuck
//! deliveries; connectors confirm with a signed callback (no login: the `Skydir-Signature`
//! HMAC over the body is the credential).

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::ids::ErasureId;
use skydir_core::ports::Storage;
use skydir_core::privacy::ErasureRequest;
use skydir_core::privacy::erasure::{Certificate, Connector, Delivery, ErasedItem};
use skydir_core::privacy::webhook::SIGNATURE_HEADER;
use skydir_core::service::ConnectorPatch;
use utoipa::ToSchema;

/// A connector as the operator writes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorIn {
    /// Its name in URLs (creation only).
    #[serde(default)]
    pub slug: Option<String>,
    /// The sub-processor's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Where erasure webhooks are posted: https, or http to a loopback address.
    #[serde(default)]
    pub url: Option<String>,
    /// The shared HMAC-SHA256 secret (32-256 printable characters); never shown again.
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// A connector (its secret is never shown).
#[derive(Serialize, ToSchema)]
pub struct ConnectorOut {
    pub slug: String,
    pub name: String,
    pub url: String,
    pub active: bool,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
}

impl From<Connector> for ConnectorOut {
    fn from(c: Connector) -> Self {
        Self {
            slug: c.slug.as_str().to_string(),
            name: c.name,
            url: c.url,
            active: c.active,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// One connector's part of a request.
#[derive(Serialize, ToSchema)]
pub struct DeliveryOut {
    pub connector: String,
    pub name: String,
    /// `pending`, `sent`, `confirmed`, `failed` or `resolved`.
    pub state: String,
    pub attempts: u32,
    #[schema(value_type = Option<String>)]
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
    #[schema(value_type = Option<String>)]
    pub sent_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub settled_at: Option<Timestamp>,
    pub resolution: Option<String>,
}

impl From<Delivery> for DeliveryOut {
    fn from(d: Delivery) -> Self {
        Self {
            connector: d.connector.as_str().to_string(),
            name: d.connector_name,
            state: d.state.as_str().to_string(),
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_error: d.last_error,
            sent_at: d.sent_at,
            settled_at: d.settled_at,
            resolution: d.resolution,
        }
    }
}

/// Something erased in skydir itself.
#[derive(Serialize, ToSchema)]
pub struct ErasedOut {
    pub what: String,
    pub how: String,
}

impl From<ErasedItem> for ErasedOut {
    fn from(e: ErasedItem) -> Self {
        Self {
            what: e.what,
            how: e.how,
        }
    }
}

/// An erasure request. The person appears by pseudonymous id only.
#[derive(Serialize, ToSchema)]
pub struct ErasureOut {
    pub id: String,
    /// `in_progress`, `needs_attention` (a delivery failed) or `completed`.
    pub state: String,
    pub subject: String,
    pub requested_by: String,
    #[schema(value_type = String)]
    pub requested_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub completed_at: Option<Timestamp>,
    pub erased: Vec<ErasedOut>,
    pub deliveries: Vec<DeliveryOut>,
}

impl From<ErasureRequest> for ErasureOut {
    fn from(r: ErasureRequest) -> Self {
        Self {
            id: r.id.to_string(),
            state: r.state().to_string(),
            subject: r.subject.to_string(),
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            completed_at: r.completed_at,
            erased: r.erased.into_iter().map(Into::into).collect(),
            deliveries: r.deliveries.into_iter().map(Into::into).collect(),
        }
    }
}

/// How the operator settled a delivery.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveIn {
    pub note: String,
}

fn erasure_id(s: &str) -> Result<ErasureId, CoreError> {
    ErasureId::parse(s).ok_or_else(|| CoreError::invalid("id", "is not an erasure request id"))
}

fn patch(b: ConnectorIn) -> ConnectorPatch {
    ConnectorPatch {
        name: b.name,
        url: b.url,
        secret: b.secret,
        active: b.active,
    }
}

/// Erases a user and tells every active sub-processor connector.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/users/{username}/erasure", tag = "privacy",
    responses((status = 202, body = ErasureOut), (status = 403, body = crate::Problem),
              (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub async fn request<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<ErasureOut>)> {
    let r = st
        .dir
        .request_erasure(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(r.into())))
}

/// The org's erasure requests, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/erasures", tag = "privacy",
    responses((status = 200, body = Vec<ErasureOut>)))]
pub async fn org_list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<ErasureOut>>> {
    let all = st.dir.org_erasures(&actor, &super::slug(&org)?).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// One of the org's erasure requests.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/erasures/{id}", tag = "privacy",
    responses((status = 200, body = ErasureOut), (status = 404, body = crate::Problem)))]
pub async fn org_get<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Json<ErasureOut>> {
    let r = st
        .dir
        .org_erasure(&actor, &super::slug(&org)?, erasure_id(&id)?)
        .await?;
    Ok(Json(r.into()))
}

/// The erasure certificate of a completed request (`skydir.erasure-certificate/1`).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/erasures/{id}/certificate", tag = "privacy",
    responses((status = 200, description = "what was erased where", body = Object),
              (status = 409, body = crate::Problem)))]
pub async fn certificate<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Json<Certificate>> {
    let c = st
        .dir
        .erasure_certificate(&actor, &super::slug(&org)?, erasure_id(&id)?)
        .await?;
    Ok(Json(c))
}

/// Every connector (operator).
#[utoipa::path(get, path = "/api/v1/privacy/connectors", tag = "privacy",
    responses((status = 200, body = Vec<ConnectorOut>)))]
pub async fn connectors<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<ConnectorOut>>> {
    let all = st.dir.list_connectors(&actor).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Adds a sub-processor's erasure connector (operator).
#[utoipa::path(post, path = "/api/v1/privacy/connectors", tag = "privacy", request_body = ConnectorIn,
    responses((status = 201, body = ConnectorOut), (status = 400, body = crate::Problem)))]
pub async fn add_connector<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<ConnectorIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ConnectorOut>)> {
    let Json(b) = body?;
    let slug = super::name(
        b.slug
            .as_deref()
            .ok_or_else(|| CoreError::invalid("slug", "is required"))?,
    )?;
    let c = st.dir.add_connector(&actor, &slug, patch(b)).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Changes a connector: name, URL, secret, active (operator).
#[utoipa::path(patch, path = "/api/v1/privacy/connectors/{slug}", tag = "privacy", request_body = ConnectorIn,
    responses((status = 200, body = ConnectorOut), (status = 404, body = crate::Problem)))]
pub async fn update_connector<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    body: Result<Json<ConnectorIn>, JsonRejection>,
) -> ApiResult<Json<ConnectorOut>> {
    let Json(b) = body?;
    if b.slug.is_some() {
        return Err(CoreError::invalid("slug", "cannot be changed").into());
    }
    let c = st
        .dir
        .update_connector(&actor, &super::name(&slug)?, patch(b))
        .await?;
    Ok(Json(c.into()))
}

/// Every erasure request (operator).
#[utoipa::path(get, path = "/api/v1/privacy/erasures", tag = "privacy",
    responses((status = 200, body = Vec<ErasureOut>)))]
pub async fn all<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<ErasureOut>>> {
    let all = st.dir.all_erasures(&actor).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// A connector confirms the erasure: body `{"connector": "<slug>"}`, signed in the
/// `Skydir-Signature` header with the connector's secret.
#[utoipa::path(post, path = "/api/v1/privacy/erasures/{id}/confirmations", tag = "privacy",
    request_body(content = String, content_type = "application/json",
        description = "`{\"connector\": \"<slug>\"}`, signed in the Skydir-Signature header"),
    responses((status = 200, body = ErasureOut), (status = 400, body = crate::Problem)))]
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ErasureOut>> {
    let body = body.map_err(|r| CoreError::invalid("body", r.body_text()))?;
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| CoreError::invalid(SIGNATURE_HEADER, "is missing"))?;
    let r = st
        .dir
        .confirm_erasure(erasure_id(&id)?, signature, &body)
        .await?;
    Ok(Json(r.into()))
}

/// The operator settles an unconfirmed delivery, saying how (operator).
#[utoipa::path(post, path = "/api/v1/privacy/erasures/{id}/connectors/{connector}/resolve", tag = "privacy",
    request_body = ResolveIn,
    responses((status = 200, body = ErasureOut), (status = 409, body = crate::Problem)))]
pub async fn resolve<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((id, connector)): Path<(String, String)>,
    body: Result<Json<ResolveIn>, JsonRejection>,
) -> ApiResult<Json<ErasureOut>> {
    let Json(b) = body?;
    let r = st
        .dir
        .resolve_erasure(&actor, erasure_id(&id)?, &super::name(&connector)?, &b.note)
        .await?;
    Ok(Json(r.into()))
}

/// The operator sends a failed delivery again (operator).
#[utoipa::path(post, path = "/api/v1/privacy/erasures/{id}/connectors/{connector}/retry", tag = "privacy",
    responses((status = 200, body = ErasureOut), (status = 409, body = crate::Problem)))]
pub async fn retry<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((id, connector)): Path<(String, String)>,
) -> ApiResult<Json<ErasureOut>> {
    let r = st
        .dir
        .retry_erasure(&actor, erasure_id(&id)?, &super::name(&connector)?)
        .await?;
    Ok(Json(r.into()))
}
