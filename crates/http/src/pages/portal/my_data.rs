//! "My data": the signed-in person's access report (GDPR Art. 15) in the portal, for any user
//! of the directory, admin or not, with a download of the same report in JSON (Art. 20).

use super::Member;
use super::tickets::{failure, frame};
use crate::AppState;
use crate::pages::access_report::report;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use skydir_core::ports::Storage;

/// `GET /portal/my-data`.
pub async fn show<S: Storage + Clone>(State(st): State<AppState<S>>, m: Member) -> Response {
    let Member {
        actor: a,
        slug: _,
        csrf: token,
    } = m;
    match st.dir.my_access_report(&a).await {
        Ok(r) => {
            let body = html! {
                p { a href="/portal/my-data.json" download { "Download this report as JSON" }
                    " (machine-readable, to keep or to give to another provider)." }
                (report(&r))
            };
            frame(&st, &a, StatusCode::OK, "My data", &token, body)
        }
        Err(e) => failure(&st, &a, &token, &e),
    }
}

/// `GET /portal/my-data.json`: the same report, as a file.
pub async fn download<S: Storage + Clone>(State(st): State<AppState<S>>, m: Member) -> Response {
    let Member {
        actor: a,
        slug: _,
        csrf: token,
    } = m;
    match st.dir.my_access_report(&a).await {
        Ok(r) => {
            let name = format!(
                "attachment; filename=\"access-report-{}.json\"",
                r.subject.username
            );
            let mut resp = axum::Json(r).into_response();
            let h = resp.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&name) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        Err(e) => failure(&st, &a, &token, &e),
    }
}
