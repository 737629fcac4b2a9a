//! The access report over REST (GDPR Art. 15/20): `GET /api/v1/me/data-export` for the
//! signed-in user, `GET /api/v1/orgs/{org}/users/{username}/data-export` for their org's
//! admins. JSON by default (`skydir.access-report/1`, machine-readable and portable);
//! `?format=html` for the same report to read. Never cached.

use crate::AppState;
use crate::caller::Caller;
use crate::pages::access_report::page_response;
use crate::problem::ApiResult;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::privacy::report::AccessReport;
use utoipa::IntoParams;

/// How to return the report.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `json` (default) or `html`.
    pub format: Option<String>,
}

fn respond<S: Storage + Clone>(
    st: &AppState<S>,
    q: ExportQuery,
    report: AccessReport,
) -> ApiResult<Response> {
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let mut resp = Json(report).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(resp)
        }
        "html" => Ok(page_response(st.dir.desk_policy().ok().as_deref(), &report)),
        other => Err(CoreError::invalid(
            "format",
            format!("`{other}` is not a report format; use json or html"),
        )
        .into()),
    }
}

/// The access report about the calling user.
#[utoipa::path(get, path = "/api/v1/me/data-export", tag = "me", params(ExportQuery),
    responses((status = 200, description = "the access report (`skydir.access-report/1`) in JSON, or HTML with `?format=html`", body = Object),
              (status = 401, body = crate::Problem), (status = 403, body = crate::Problem)))]
pub async fn mine<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q?;
    let report = st.dir.my_access_report(&actor).await?;
    respond(&st, q, report)
}

/// The access report about a user of the org (its admins).
#[utoipa::path(get, path = "/api/v1/orgs/{org}/users/{username}/data-export", tag = "users",
    params(ExportQuery),
    responses((status = 200, description = "the access report (`skydir.access-report/1`) in JSON, or HTML with `?format=html`", body = Object),
              (status = 403, body = crate::Problem), (status = 404, body = crate::Problem)))]
pub async fn of_user<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Caller(actor): Caller,
    Path((org, user)): Path<(String, String)>,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q?;
    let report = st
        .dir
        .access_report(&actor, &super::slug(&org)?, &super::username(&user)?)
        .await?;
    respond(&st, q, report)
}
