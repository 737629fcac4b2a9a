//! Data protection over REST: the sub-processor registry (public to read, the operator's to
//! keep), the Data Processing Agreement (its current text public; executed by an admin of a
//! paying org), and an org's subscriptions to registry changes and objections.

use crate::AppState;
use crate::caller::Caller;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use skydir_core::CoreError;
use skydir_core::directory::Email;
use skydir_core::ids::{DpaSignatureId, SubscriptionId};
use skydir_core::ports::Storage;
use skydir_core::privacy::{
    DpaSignature, Objection, SubProcessor, SubProcessorInput, Subscription,
};
use utoipa::ToSchema;

/// A sub-processor's entry as the operator writes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubProcessorIn {
    /// Its address in the registry (creation only).
    #[serde(default)]
    pub slug: Option<String>,
    pub name: String,
    pub purpose: String,
    /// The categories of personal data it receives.
    pub data_categories: Vec<String>,
    /// Where it processes them.
    pub location: String,
    /// When the DPA with it was signed, `YYYY-MM-DD`.
    pub dpa_date: String,
}

/// A sub-processor.
#[derive(Serialize, ToSchema)]
pub struct SubProcessorOut {
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub data_categories: Vec<String>,
    pub location: String,
    pub dpa_date: String,
    #[schema(value_type = String)]
    pub added_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub removed_at: Option<Timestamp>,
    /// An example from the statement that the operator has not confirmed yet ("example — edit
    /// before going live").
    pub example: bool,
}

impl From<SubProcessor> for SubProcessorOut {
    fn from(s: SubProcessor) -> Self {
        Self {
            slug: s.slug.as_str().to_string(),
            name: s.name,
            purpose: s.purpose,
            data_categories: s.data_categories,
            location: s.location,
            dpa_date: s.dpa_date.to_string(),
            added_at: s.added_at,
            removed_at: s.removed_at,
            example: s.example,
        }
    }
}

fn input(b: SubProcessorIn) -> Result<SubProcessorInput, CoreError> {
    Ok(SubProcessorInput {
        name: b.name,
        purpose: b.purpose,
        data_categories: b.data_categories,
        location: b.location,
        dpa_date: b
            .dpa_date
            .trim()
            .parse()
            .map_err(|_| CoreError::invalid("dpa_date", "must be a date like 2024-05-01"))?,
    })
}

/// The registry, removed entries included (public).
#[utoipa::path(get, path = "/api/v1/privacy/subprocessors", tag = "privacy", security(()),
    responses((status = 200, body = Vec<SubProcessorOut>)))]
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
) -> ApiResult<Json<Vec<SubProcessorOut>>> {
    Ok(Json(
        st.dir
            .subprocessors()
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Adds a sub-processor (operators), replacing an example of the same slug; subscribed orgs
/// are told by mail.
#[utoipa::path(post, path = "/api/v1/privacy/subprocessors", tag = "privacy", request_body = SubProcessorIn,
    responses((status = 201, body = SubProcessorOut), (status = 403, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<SubProcessorIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<SubProcessorOut>)> {
    let Json(b) = body?;
    let slug = b
        .slug
        .as_deref()
        .ok_or_else(|| CoreError::invalid("slug", "is required to add a sub-processor"))?;
    let slug = super::name(slug)?;
    let s = st.dir.add_subprocessor(&actor, &slug, input(b)?).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// Changes a sub-processor's entry (operators).
#[utoipa::path(put, path = "/api/v1/privacy/subprocessors/{slug}", tag = "privacy", request_body = SubProcessorIn,
    responses((status = 200, body = SubProcessorOut), (status = 404, body = crate::Problem)))]
pub async fn update<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
    body: Result<Json<SubProcessorIn>, JsonRejection>,
) -> ApiResult<Json<SubProcessorOut>> {
    let Json(b) = body?;
    let s = st
        .dir
        .update_subprocessor(&actor, &super::name(&slug)?, input(b)?)
        .await?;
    Ok(Json(s.into()))
}

/// Confirms an example entry as it stands (operators); subscribed orgs are told of it.
#[utoipa::path(post, path = "/api/v1/privacy/subprocessors/{slug}/confirmation", tag = "privacy",
    responses((status = 200, body = SubProcessorOut), (status = 404, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<SubProcessorOut>> {
    let s = st
        .dir
        .confirm_subprocessor(&actor, &super::name(&slug)?)
        .await?;
    Ok(Json(s.into()))
}

/// Removes a sub-processor (operators); it stays listed as removed.
#[utoipa::path(delete, path = "/api/v1/privacy/subprocessors/{slug}", tag = "privacy",
    responses((status = 200, body = SubProcessorOut), (status = 404, body = crate::Problem)))]
pub async fn remove<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(slug): Path<String>,
) -> ApiResult<Json<SubProcessorOut>> {
    let s = st
        .dir
        .remove_subprocessor(&actor, &super::name(&slug)?)
        .await?;
    Ok(Json(s.into()))
}

/// An objection.
#[derive(Serialize, ToSchema)]
pub struct ObjectionOut {
    pub id: String,
    /// The org's id.
    pub org: String,
    pub subprocessor: String,
    pub reason: String,
    #[schema(value_type = String)]
    pub at: Timestamp,
}

impl From<Objection> for ObjectionOut {
    fn from(o: Objection) -> Self {
        Self {
            id: o.id.to_string(),
            org: o.org.to_string(),
            subprocessor: o.subprocessor,
            reason: o.reason,
            at: o.at,
        }
    }
}

/// Every org's objections (operators).
#[utoipa::path(get, path = "/api/v1/privacy/objections", tag = "privacy",
    responses((status = 200, body = Vec<ObjectionOut>), (status = 403, body = crate::Problem)))]
pub async fn all_objections<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
) -> ApiResult<Json<Vec<ObjectionOut>>> {
    Ok(Json(
        st.dir
            .objections(&actor, None)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// A DPA version to publish.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DpaVersionIn {
    pub version: String,
    pub text: String,
}

/// A DPA version.
#[derive(Serialize, ToSchema)]
pub struct DpaVersionOut {
    pub version: String,
    pub text: String,
    #[schema(value_type = String)]
    pub published_at: Timestamp,
}

/// Publishes a DPA version (operators).
#[utoipa::path(post, path = "/api/v1/privacy/dpa/versions", tag = "privacy", request_body = DpaVersionIn,
    responses((status = 201, body = DpaVersionOut), (status = 409, body = crate::Problem)))]
pub async fn publish_dpa<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    body: Result<Json<DpaVersionIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<DpaVersionOut>)> {
    let Json(b) = body?;
    let v = st.dir.publish_dpa(&actor, &b.version, &b.text).await?;
    Ok((
        StatusCode::CREATED,
        Json(DpaVersionOut {
            version: v.version,
            text: v.text,
            published_at: v.published_at,
        }),
    ))
}

/// The current DPA, for review (public).
#[utoipa::path(get, path = "/api/v1/privacy/dpa", tag = "privacy", security(()),
    responses((status = 200, body = DpaVersionOut), (status = 404, body = crate::Problem)))]
pub async fn current_dpa<S: Storage + Clone>(
    State(st): State<AppState<S>>,
) -> ApiResult<Json<DpaVersionOut>> {
    let v = st.dir.current_dpa().await?;
    Ok(Json(DpaVersionOut {
        version: v.version,
        text: v.text,
        published_at: v.published_at,
    }))
}

/// An execution of the DPA.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DpaSignIn {
    pub version: String,
    /// The name and title the admin signs with.
    pub signer_name: String,
    pub signer_title: String,
}

/// A signed DPA.
#[derive(Serialize, ToSchema)]
pub struct DpaSignatureOut {
    pub id: String,
    pub version: String,
    pub signer: String,
    pub signer_name: String,
    pub signer_title: String,
    #[schema(value_type = String)]
    pub signed_at: Timestamp,
}

impl From<DpaSignature> for DpaSignatureOut {
    fn from(s: DpaSignature) -> Self {
        Self {
            id: s.id.to_string(),
            version: s.version,
            signer: s.signer.to_string(),
            signer_name: s.signer_name,
            signer_title: s.signer_title,
            signed_at: s.signed_at,
        }
    }
}

/// Executes the DPA (the org's admins; monthly and annual plans only).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/dpa", tag = "privacy", request_body = DpaSignIn,
    responses((status = 201, body = DpaSignatureOut), (status = 403, body = crate::Problem)))]
pub async fn sign_dpa<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<DpaSignIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<DpaSignatureOut>)> {
    let Json(b) = body?;
    let s = st
        .dir
        .execute_dpa(
            &actor,
            &super::slug(&org)?,
            &b.version,
            &b.signer_name,
            &b.signer_title,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// The org's executions of the DPA.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/dpa", tag = "privacy",
    responses((status = 200, body = Vec<DpaSignatureOut>), (status = 403, body = crate::Problem)))]
pub async fn dpa_signatures<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<DpaSignatureOut>>> {
    let all = st.dir.dpa_signatures(&actor, &super::slug(&org)?).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Downloads a signed DPA as text.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/dpa/{id}/document", tag = "privacy",
    responses((status = 200, description = "the signed agreement", content_type = "text/plain"),
        (status = 404, body = crate::Problem)))]
pub async fn dpa_document<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = DpaSignatureId::parse(&id)
        .ok_or_else(|| CoreError::invalid("id", "is not a signature id"))?;
    let doc = st.dir.dpa_document(&actor, &super::slug(&org)?, id).await?;
    let mut r = doc.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"data-processing-agreement.txt\""),
    );
    Ok(r)
}

/// An address to tell about registry changes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionIn {
    pub email: String,
}

/// A subscription.
#[derive(Serialize, ToSchema)]
pub struct SubscriptionOut {
    pub id: String,
    pub email: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
}

impl From<Subscription> for SubscriptionOut {
    fn from(s: Subscription) -> Self {
        Self {
            id: s.id.to_string(),
            email: s.email.as_str().to_string(),
            created_at: s.created_at,
        }
    }
}

/// Subscribes an address to sub-processor changes (the org's admins).
#[utoipa::path(post, path = "/api/v1/orgs/{org}/privacy/subscriptions", tag = "privacy",
    request_body = SubscriptionIn,
    responses((status = 201, body = SubscriptionOut), (status = 400, body = crate::Problem)))]
pub async fn subscribe<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<SubscriptionIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<SubscriptionOut>)> {
    let Json(b) = body?;
    let s = st
        .dir
        .subscribe_registry(&actor, &super::slug(&org)?, Email::parse(&b.email)?)
        .await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// The org's subscriptions.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/privacy/subscriptions", tag = "privacy",
    responses((status = 200, body = Vec<SubscriptionOut>)))]
pub async fn subscriptions<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<SubscriptionOut>>> {
    let all = st
        .dir
        .org_subscriptions(&actor, &super::slug(&org)?)
        .await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Ends a subscription.
#[utoipa::path(delete, path = "/api/v1/orgs/{org}/privacy/subscriptions/{id}", tag = "privacy",
    responses((status = 204, description = "ended"), (status = 404, body = crate::Problem)))]
pub async fn unsubscribe<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let id = SubscriptionId::parse(&id)
        .ok_or_else(|| CoreError::invalid("id", "is not a subscription id"))?;
    st.dir
        .unsubscribe_registry(&actor, &super::slug(&org)?, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An objection to a sub-processor.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionIn {
    /// The sub-processor's slug.
    pub subprocessor: String,
    pub reason: String,
}

/// Objects to a sub-processor (the org's admins); the provider is told.
#[utoipa::path(post, path = "/api/v1/orgs/{org}/privacy/objections", tag = "privacy",
    request_body = ObjectionIn,
    responses((status = 201, body = ObjectionOut), (status = 404, body = crate::Problem)))]
pub async fn object<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
    body: Result<Json<ObjectionIn>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ObjectionOut>)> {
    let Json(b) = body?;
    let o = st
        .dir
        .object_to_subprocessor(
            &actor,
            &super::slug(&org)?,
            &super::name(&b.subprocessor)?,
            &b.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(o.into())))
}

/// The org's objections.
#[utoipa::path(get, path = "/api/v1/orgs/{org}/privacy/objections", tag = "privacy",
    responses((status = 200, body = Vec<ObjectionOut>)))]
pub async fn objections<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<ObjectionOut>>> {
    let slug = super::slug(&org)?;
    Ok(Json(
        st.dir
            .objections(&actor, Some(&slug))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}
