//! RFC 9457 `application/problem+json` errors. The only place a [`CoreError`] becomes an HTTP
//! status: each variant gets a status, a stable `type` URI and a detail in the user's terms.
//! Internal errors are logged (without data) and answered with a generic message.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use skydir_core::CoreError;
use utoipa::ToSchema;

/// A problem details document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// URI identifying the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For plan limits: the plan, the limit and how to lift it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// An error on its way to becoming a problem response: a core error, or one of the few
/// failures that belong to HTTP alone.
#[derive(Debug)]
pub enum ApiError {
    Core(CoreError),
    /// The request body is larger than the route accepts (`limit` bytes).
    BodyTooLarge {
        limit: usize,
    },
    /// The client's address spent a rate limit's budget (see `gate`); retry after that many
    /// seconds.
    TooManyRequests {
        retry_after: u64,
    },
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        Self::Core(e)
    }
}

impl ApiError {
    /// A rejected body of a route that carries files (limit [`crate::MAX_UPLOAD_BYTES`]).
    pub fn upload(r: JsonRejection) -> Self {
        match Self::from(r) {
            Self::BodyTooLarge { .. } => Self::BodyTooLarge {
                limit: crate::MAX_UPLOAD_BYTES,
            },
            other => other,
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::BodyTooLarge {
                limit: crate::MAX_BODY_BYTES,
            };
        }
        Self::Core(CoreError::invalid("body", r.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        Self::Core(CoreError::invalid("path", r.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::Core(CoreError::invalid("query", r.body_text()))
    }
}

fn base(kind: &str, title: &str, status: StatusCode, detail: String) -> Problem {
    Problem {
        kind: format!("https://skydir.dev/problems/{kind}"),
        title: title.into(),
        status: status.as_u16(),
        detail,
        field: None,
        plan: None,
        limit: None,
        remedy: None,
        retry_after: None,
    }
}

impl ApiError {
    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let core = match self {
            Self::Core(e) => e,
            Self::TooManyRequests { retry_after } => {
                return Problem {
                    retry_after: Some(*retry_after),
                    ..base(
                        "too-many-requests",
                        "Too many requests",
                        StatusCode::TOO_MANY_REQUESTS,
                        format!(
                            "too many requests from your address; try again in {retry_after} \
                             seconds"
                        ),
                    )
                };
            }
            Self::BodyTooLarge { limit } => {
                return Problem {
                    field: Some("body".into()),
                    limit: Some(*limit as u64),
                    ..base(
                        "body-too-large",
                        "Request body too large",
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!(
                            "the request body is larger than {limit} bytes; bulk loads go \
                             through `skydir import`"
                        ),
                    )
                };
            }
        };
        let detail = core.to_string();
        match core {
            CoreError::Invalid { field, .. } => Problem {
                field: Some(field.clone()),
                ..base(
                    "invalid-request",
                    "Invalid request",
                    StatusCode::BAD_REQUEST,
                    detail,
                )
            },
            CoreError::NotFound { .. } => {
                base("not-found", "Not found", StatusCode::NOT_FOUND, detail)
            }
            CoreError::Conflict { field, .. } => Problem {
                field: Some(field.clone()),
                ..base("conflict", "Conflict", StatusCode::CONFLICT, detail)
            },
            CoreError::PlanLimit {
                plan,
                limit,
                remedy,
            } => Problem {
                plan: Some(plan.clone()),
                limit: Some(*limit),
                remedy: Some(remedy.clone()),
                ..base(
                    "plan-limit",
                    "Plan limit reached",
                    StatusCode::FORBIDDEN,
                    detail,
                )
            },
            CoreError::Unauthenticated => base(
                "unauthenticated",
                "Authentication required",
                StatusCode::UNAUTHORIZED,
                "send an API token as 'Authorization: Bearer skd_…'".into(),
            ),
            CoreError::BadCredentials => base(
                "bad-credentials",
                "Invalid credentials",
                StatusCode::UNAUTHORIZED,
                detail,
            ),
            CoreError::LockedOut { retry_after_secs } => Problem {
                retry_after: Some(*retry_after_secs),
                ..base(
                    "locked-out",
                    "Account locked",
                    StatusCode::TOO_MANY_REQUESTS,
                    detail,
                )
            },
            CoreError::SecondFactorRequired => base(
                "second-factor-required",
                "Authenticator code required",
                StatusCode::UNAUTHORIZED,
                detail,
            ),
            CoreError::OrgSuspended => base(
                "org-suspended",
                "Organization suspended",
                StatusCode::FORBIDDEN,
                detail,
            ),
            CoreError::Forbidden { .. } => {
                base("forbidden", "Forbidden", StatusCode::FORBIDDEN, detail)
            }
            CoreError::Internal(_) => base(
                "internal",
                "Internal error",
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server failed to handle the request; the operator's log has the details"
                    .into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Core(CoreError::Internal(msg)) = &self {
            tracing::error!(error = %msg, "internal error");
        }
        let p = self.problem();
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = p.retry_after;
        let unauth = status == StatusCode::UNAUTHORIZED;
        let mut resp = (status, Json(p)).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(v) = retry.and_then(|r| HeaderValue::from_str(&r.to_string()).ok()) {
            h.insert(header::RETRY_AFTER, v);
        }
        if unauth {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"skydir\""),
            );
        }
        resp
    }
}

/// Result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
