//! `/org-deletion/{token}`: the page the mailed confirmation link opens. Opening it changes
//! nothing (link scanners fetch links); only the form's POST confirms.

use super::layout::{page, respond};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::html;
use skydir_core::CoreError;
use skydir_core::ports::Storage;

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /org-deletion/{token}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(token): Path<String>,
) -> Response {
    let policy = st.dir.desk_policy().ok();
    let body = html! {
        h1 { "Delete your organization?" }
        p { "You asked to delete your organization and all its data. Once you confirm, it is purged at the end of the grace period unless an administrator cancels. After that nothing can be recovered: sign-ins, LDAP binds and API tokens stop working." }
        form method="post" action={ "/org-deletion/" (token) } {
            p { button type="submit" { "Confirm the deletion" } }
        }
        p { "If you did not ask for this, do nothing and tell your other administrators." }
    };
    no_store(respond(
        StatusCode::OK,
        page("Delete your organization", policy.as_deref(), body),
    ))
}

/// `POST /org-deletion/{token}`.
pub async fn confirm<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    Path(token): Path<String>,
) -> Response {
    let policy = st.dir.desk_policy().ok();
    let (status, body) = match st.dir.confirm_org_deletion_link(&token).await {
        Ok(d) => (
            StatusCode::OK,
            html! {
                h1 { "Deletion confirmed" }
                p role="status" { "The organization " strong { (d.name) } " will be purged at "
                    (d.purge_at.map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default())
                    ". Until then any administrator can cancel it." }
            },
        ),
        Err(e) => {
            let status = match e {
                CoreError::NotFound { .. } => StatusCode::NOT_FOUND,
                CoreError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let text = match e {
                CoreError::NotFound { .. } => "This confirmation link is not valid.".to_string(),
                CoreError::Internal(_) => "Something went wrong; please try again.".to_string(),
                other => other.to_string(),
            };
            (
                status,
                html! { h1 { "Confirmation" } p role="alert" { (text) } },
            )
        }
    };
    no_store(respond(
        status,
        page("Confirmation", policy.as_deref(), body),
    ))
}
