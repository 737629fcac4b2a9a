//! Staff for the operator: the list of support agents and operators, and a form to add one.
//! The new member's token is shown on the page once — it is what they sign in with at
//! `/staff/login` — and never again.

use super::Operator;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use skydir_core::access::StaffRole;
use skydir_core::ports::Storage;

/// The new-staff form.
#[derive(Debug, Deserialize, Default)]
pub struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    role: String,
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    op: &Operator,
    f: &StaffForm,
    created: Option<(&str, &str)>,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let staff = match st.dir.list_staff(&op.actor).await {
        Ok(s) => s,
        Err(e) => {
            return failure(st, op.chrome(), &e, ("/operator/orgs", "Organizations"));
        }
    };
    let body = html! {
        h1 { "Staff" }
        @if let Some((handle, token)) = created {
            div.notice role="status" {
                p { strong { (handle) } " was added. Their sign-in token, shown only now — give it to them over a safe channel:" }
                p { code #new-token { (token) } }
                p { "They sign in at " a href="/staff/login" { "/staff/login" } "." }
            }
        }
        table #staff {
            tr { th scope="col" { "Handle" } th scope="col" { "Role" } th scope="col" { "Since" } }
            @for s in &staff {
                tr { td { (s.handle) } td { (s.role.as_str()) } td { (s.created_at.strftime("%Y-%m-%d")) } }
            }
        }
        h2 #new-staff { "Add a staff member" }
        (form_error(error, &["handle", "role"]))
        form method="post" action="/operator/staff" aria-labelledby="new-staff" novalidate {
            input type="hidden" name="csrf" value=(op.csrf);
            p { label for="handle" { "Handle" } br; input #handle name="handle" required autocomplete="off" value=(f.handle) aria-describedby="handle-error"; (field_error(error, "handle")) }
            p { label for="role" { "Role" } br;
                select #role name="role" {
                    option value="agent" selected[f.role != "operator"] { "Support agent" }
                    option value="operator" selected[f.role == "operator"] { "Operator" }
                }
            }
            p { button type="submit" { "Add the staff member" } }
        }
    };
    frame(st, op.chrome(), status, "Staff", "/operator/staff", body)
}

/// `GET /operator/staff`.
pub async fn list<S: Storage + Clone>(State(st): State<AppState<S>>, op: Operator) -> Response {
    render(&st, &op, &StaffForm::default(), None, None, StatusCode::OK).await
}

/// `POST /operator/staff`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    body: Result<Form<StaffForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = if form_allowed(&st, &headers, &f.csrf) {
        let role = if f.role == "operator" {
            StaffRole::Operator
        } else {
            StaffRole::Agent
        };
        st.dir.create_staff(&op.actor, &f.handle, role).await
    } else {
        Err(expired())
    };
    match result {
        Ok((staff, token)) => {
            let mut resp = render(
                &st,
                &op,
                &StaffForm::default(),
                Some((&staff.handle, token.secret.expose())),
                None,
                StatusCode::CREATED,
            )
            .await;
            resp.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            resp
        }
        Err(e) => {
            let err = as_field(&e);
            render(&st, &op, &f, None, Some(&err), status_of(&e)).await
        }
    }
}
