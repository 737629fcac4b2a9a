//! Organizations for the operator: the list (plan, seats, trial, whether suspended) and a form
//! that creates an organization together with its first administrator — one change in the core
//! (`create_org_with_admin`), so a refused form leaves nothing half-made behind: never an org
//! without an administrator. The form asks for the administrator's name and address only: they
//! are mailed an invitation and choose their password themself.

use super::Operator;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::{Email, OrgSlug, Plan, PlanKind, Username};
use skydir_core::page::PageRequest;
use skydir_core::ports::Storage;
use skydir_core::service::{FirstAdmin, NewOrg};

/// The new-organization form.
#[derive(Debug, Deserialize, Default)]
pub struct OrgForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    seats: String,
    /// `YYYY-MM-DD`, for JumpStart trials.
    #[serde(default)]
    trial_ends: String,
    #[serde(default)]
    admin_username: String,
    #[serde(default)]
    admin_email: String,
    #[serde(default)]
    admin_given_name: String,
    #[serde(default)]
    admin_family_name: String,
}

/// The list's notice and cursor.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    after: Option<String>,
}

const FIELDS: [&str; 9] = [
    "slug",
    "name",
    "plan",
    "seats",
    "trial_ends",
    "admin_username",
    "admin_email",
    "admin_given_name",
    "admin_family_name",
];

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    op: &Operator,
    q: &ListQuery,
    f: &OrgForm,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let req = PageRequest {
        after: q.after.clone().filter(|a| !a.is_empty() && a.len() <= 64),
        limit: 50,
    };
    let orgs = match st.dir.list_orgs(&op.actor, &req).await {
        Ok(p) => p,
        Err(e) => {
            return failure(st, op.chrome(), &e, ("/operator/staff", "Staff"));
        }
    };
    let now = st.dir.now();
    let body = html! {
        h1 { "Organizations" }
        @if let Some(s) = &q.created { p.notice role="status" { "Organization " (s) " was created. Its first administrator was mailed an invitation (valid 7 days) to choose their password; nobody else sees it." } }
        @if orgs.items.is_empty() && req.after.is_none() {
            div.empty { p { "No organizations yet. Create the first one below." } }
        } @else {
            table #orgs {
                tr { th scope="col" { "Id" } th scope="col" { "Name" } th scope="col" { "Plan" } th scope="col" { "User limit" } th scope="col" { "Trial ends" } th scope="col" { "Status" } }
                @for o in &orgs.items {
                    tr {
                        td { a href={ "/operator/orgs/" (o.slug) } { code { (o.slug) } } }
                        td { (o.name) }
                        td { (o.plan.kind) }
                        td { @match o.plan.user_limit(now) { Some(l) => (l), None => "unlimited" } }
                        td { @if let Some(t) = o.plan.trial_ends { (t.strftime("%Y-%m-%d")) } }
                        td { @if o.is_suspended() { strong { "Suspended" } } @else { "In service" } }
                    }
                }
            }
            @if let Some(next) = &orgs.next { p { a rel="next" href={ "/operator/orgs?after=" (next) } { "Next page →" } } }
        }
        h2 #new-org { "Create an organization" }
        (form_error(error, &FIELDS))
        form method="post" action="/operator/orgs" aria-labelledby="new-org" novalidate {
            input type="hidden" name="csrf" value=(op.csrf);
            fieldset {
                legend { "Organization" }
                p { label for="slug" { "Organization id" } br; span.hint #slug-hint { "Lowercase letters, digits and “-”; used to log in and in LDAP (o=…)." } br;
                    input #slug name="slug" required value=(f.slug) aria-describedby="slug-hint slug-error"; (field_error(error, "slug")) }
                p { label for="name" { "Name" } br; input #name name="name" required value=(f.name) aria-describedby="name-error"; (field_error(error, "name")) }
                p { label for="plan" { "Plan" } br;
                    select #plan name="plan" aria-describedby="plan-error" {
                        @for (v, t) in PLANS {
                            option value=(v) selected[f.plan == v] { (t) }
                        }
                    }
                    (field_error(error, "plan")) }
                p { label for="seats" { "Seats" } br; span.hint #seats-hint { "For monthly and annual plans: users beyond the 10 free ones." } br;
                    input #seats name="seats" inputmode="numeric" value=(f.seats) aria-describedby="seats-hint seats-error"; (field_error(error, "seats")) }
                p { label for="trial_ends" { "Trial ends" } br; span.hint #trial-hint { "For JumpStart trials." } br;
                    input #trial_ends name="trial_ends" type="date" value=(f.trial_ends) aria-describedby="trial-hint trial_ends-error"; (field_error(error, "trial_ends")) }
            }
            fieldset {
                legend { "Its first administrator" }
                p.hint { "They are mailed an invitation to choose their own password: nobody at the provider chooses or sees it." }
                p { label for="admin_username" { "Admin username" } br; input #admin_username name="admin_username" required autocomplete="off" value=(f.admin_username) aria-describedby="admin_username-error"; (field_error(error, "admin_username")) }
                p { label for="admin_email" { "Admin email" } br; span.hint #admin_email-hint { "Where the invitation goes." } br; input #admin_email name="admin_email" type="email" required autocomplete="off" value=(f.admin_email) aria-describedby="admin_email-hint admin_email-error"; (field_error(error, "admin_email")) }
                p { label for="admin_given_name" { "Given name" } br; input #admin_given_name name="admin_given_name" autocomplete="off" value=(f.admin_given_name) aria-describedby="admin_given_name-error"; (field_error(error, "admin_given_name")) }
                p { label for="admin_family_name" { "Family name" } br; input #admin_family_name name="admin_family_name" autocomplete="off" value=(f.admin_family_name) aria-describedby="admin_family_name-error"; (field_error(error, "admin_family_name")) }
            }
            p { button type="submit" { "Create the organization" } }
        }
    };
    frame(
        st,
        op.chrome(),
        status,
        "Organizations",
        "/operator/orgs",
        body,
    )
}

/// `GET /operator/orgs`.
pub async fn list<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    op: Operator,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    render(
        &st,
        &op,
        &q,
        &OrgForm {
            plan: "free".into(),
            ..OrgForm::default()
        },
        None,
        StatusCode::OK,
    )
    .await
}

/// The plans as the forms offer them.
pub(super) const PLANS: [(&str, &str); 4] = [
    ("free", "Free (10 users)"),
    ("monthly", "Monthly (10 free users + seats)"),
    ("annual", "Annual (10 free users + seats)"),
    ("jumpstart", "JumpStart trial (unlimited until it ends)"),
];

/// Renames a core error's field into the form's (the admin's fields are prefixed).
fn admin_field(e: CoreError) -> CoreError {
    match e {
        CoreError::Invalid { field, reason }
            if ["username", "email", "given_name", "family_name"].contains(&field.as_str()) =>
        {
            CoreError::Invalid {
                field: format!("admin_{field}"),
                reason,
            }
        }
        CoreError::Conflict { field, reason }
            if ["username", "email"].contains(&field.as_str()) =>
        {
            CoreError::Conflict {
                field: format!("admin_{field}"),
                reason,
            }
        }
        other => other,
    }
}

/// A plan from a form's fields (seats for paid plans, a `YYYY-MM-DD` end for trials).
pub(super) fn plan_of(plan: &str, seats: &str, trial_ends: &str) -> Result<Plan, CoreError> {
    let kind = PlanKind::parse(plan)?;
    let seats = match seats.trim() {
        "" => None,
        s => Some(
            s.parse::<u64>()
                .map_err(|_| CoreError::invalid("seats", "must be a whole number"))?,
        ),
    };
    let trial_ends = match trial_ends.trim() {
        "" => None,
        d => Some(
            jiff::civil::Date::strptime("%Y-%m-%d", d)
                .ok()
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp())
                .ok_or_else(|| {
                    CoreError::invalid("trial_ends", "must be a date like 2027-01-31")
                })?,
        ),
    };
    Plan::new(
        kind,
        seats.filter(|_| matches!(kind, PlanKind::Monthly | PlanKind::Annual)),
        trial_ends.filter(|_: &Timestamp| kind == PlanKind::Jumpstart),
    )
}

fn parse(f: &OrgForm) -> Result<(NewOrg, FirstAdmin), CoreError> {
    let org = NewOrg {
        slug: OrgSlug::parse(f.slug.trim()).map_err(|e| match e {
            CoreError::Invalid { reason, .. } => CoreError::invalid("slug", reason),
            other => other,
        })?,
        name: f.name.trim().to_string(),
        plan: plan_of(&f.plan, &f.seats, &f.trial_ends)?,
    };
    let name = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let admin = FirstAdmin {
        username: Username::parse(f.admin_username.trim()).map_err(admin_field)?,
        email: Email::parse(&f.admin_email).map_err(admin_field)?,
        given_name: name(&f.admin_given_name),
        family_name: name(&f.admin_family_name),
    };
    Ok((org, admin))
}

/// `POST /operator/orgs`.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    body: Result<Form<OrgForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let (new, admin) = parse(&f)?;
        let org = st
            .dir
            .create_org_with_admin(&op.actor, new, admin)
            .await
            .map_err(admin_field)?;
        Ok(org.slug)
    }
    .await;
    match result {
        Ok(slug) => Redirect::to(&format!("/operator/orgs?created={slug}")).into_response(),
        Err(e) => {
            let err = as_field(&e);
            render(
                &st,
                &op,
                &ListQuery::default(),
                &f,
                Some(&err),
                status_of(&e),
            )
            .await
        }
    }
}
