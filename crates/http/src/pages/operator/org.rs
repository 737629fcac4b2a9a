//! One organization as the provider sees it: its plan and the seats it uses (a count, naming
//! nobody), whether it is suspended, and its first administrator's invitation — which the
//! operator may send again or revoke until it is accepted, without ever seeing the link. The
//! operator changes the plan, suspends and resumes here; the org's people, groups and access
//! are its admins' and are not on this page.

use super::Operator;
use super::orgs::{PLANS, plan_of};
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::{Org, OrgSlug};
use skydir_core::ports::Storage;
use skydir_core::service::{InvitationState, OrgPatch};

/// The page's notice after an action.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// A button's form: its CSRF token and what it asks for.
#[derive(Debug, Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// The plan form.
#[derive(Debug, Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    seats: String,
    #[serde(default)]
    trial_ends: String,
}

impl PlanForm {
    fn of(o: &Org) -> Self {
        Self {
            csrf: String::new(),
            plan: o.plan.kind.as_str().to_string(),
            seats: o.plan.seats.map(|s| s.to_string()).unwrap_or_default(),
            trial_ends: o
                .plan
                .trial_ends
                .map(|t| t.strftime("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }
}

fn slug_of(s: &str) -> Result<OrgSlug, CoreError> {
    OrgSlug::parse(s).map_err(|_| CoreError::not_found("organization", s))
}

async fn render<S: Storage + Clone>(
    st: &AppState<S>,
    op: &Operator,
    slug: &str,
    notice: Option<&str>,
    plan: Option<&PlanForm>,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let back = ("/operator/orgs", "All organizations");
    let loaded = async {
        let slug = slug_of(slug)?;
        let org = st.dir.get_org(&op.actor, &slug).await?;
        let users = st.dir.count_users(&op.actor, &slug).await?;
        let invitation = st.dir.first_admin_invitation(&op.actor, &slug).await?;
        Ok::<_, CoreError>((org, users, invitation))
    }
    .await;
    let (org, users, invitation) = match loaded {
        Ok(l) => l,
        Err(e) => return failure(st, op.chrome(), &e, back),
    };
    let now = st.dir.now();
    let form = plan.map_or_else(|| PlanForm::of(&org), PlanForm::clone_fields);
    let action = format!("/operator/orgs/{}", org.slug);
    let body = html! {
        p { a href="/operator/orgs" { "← All organizations" } }
        h1 { (org.name) " " small { code { (org.slug) } } }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        (form_error(error, &["plan", "seats", "trial_ends"]))
        dl #org-facts {
            dt { "Plan" } dd { (org.plan.kind) }
            dt { "Users" } dd #users { (users) " of " @match org.plan.user_limit(now) { Some(l) => (l), None => "unlimited" } }
            @if let Some(t) = org.plan.trial_ends { dt { "Trial ends" } dd { (t.strftime("%Y-%m-%d")) } }
            dt { "Created" } dd { (org.created_at.strftime("%Y-%m-%d")) }
            dt { "Status" } dd #org-status { @match org.suspended_at { Some(t) => { strong { "Suspended" } " since " (t.strftime("%Y-%m-%d %H:%M UTC")) }, None => "In service" } }
        }
        h2 #first-admin { "First administrator" }
        @match &invitation {
            None => p { "This organization was created without an invitation." }
            Some(i) => {
                p #invitation {
                    code { (i.username) } ": "
                    @match i.state {
                        InvitationState::Pending => { "invitation pending, sent " (i.sent_at.strftime("%Y-%m-%d %H:%M UTC")) ", valid until " (i.expires_at.strftime("%Y-%m-%d %H:%M UTC")) "." }
                        InvitationState::Expired => { "the invitation expired on " (i.expires_at.strftime("%Y-%m-%d")) " unused." }
                        InvitationState::Revoked => { "the invitation was revoked." }
                        InvitationState::Accepted => { "accepted: they have set their password. Everything else about the organization is theirs to manage." }
                    }
                }
                @if i.state != InvitationState::Accepted {
                    p.hint { "The link goes to their address only; nobody at the provider sees it." }
                    form.inline method="post" action={ (action) "/invitation" } {
                        input type="hidden" name="csrf" value=(op.csrf);
                        button type="submit" name="action" value="resend" { "Send the invitation again" }
                        @if i.state == InvitationState::Pending {
                            " "
                            button type="submit" name="action" value="revoke" { "Revoke the invitation" }
                        }
                    }
                }
            }
        }
        h2 #plan-heading { "Plan" }
        form method="post" action={ (action) "/plan" } aria-labelledby="plan-heading" novalidate {
            input type="hidden" name="csrf" value=(op.csrf);
            p { label for="plan" { "Plan" } br;
                select #plan name="plan" aria-describedby="plan-error" {
                    @for (v, t) in PLANS { option value=(v) selected[form.plan == v] { (t) } }
                }
                (field_error(error, "plan")) }
            p { label for="seats" { "Seats" } br; span.hint #seats-hint { "For monthly and annual plans: users beyond the 10 free ones." } br;
                input #seats name="seats" inputmode="numeric" value=(form.seats) aria-describedby="seats-hint seats-error"; (field_error(error, "seats")) }
            p { label for="trial_ends" { "Trial ends" } br; span.hint #trial-hint { "For JumpStart trials." } br;
                input #trial_ends name="trial_ends" type="date" value=(form.trial_ends) aria-describedby="trial-hint trial_ends-error"; (field_error(error, "trial_ends")) }
            p { button type="submit" { "Change the plan" } }
        }
        h2 #suspension { "Suspension" }
        @if org.is_suspended() {
            p { "Nobody of this organization can sign in, and its tokens and LDAP binds are refused. Nothing of it was deleted." }
            form method="post" action={ (action) "/suspension" } {
                input type="hidden" name="csrf" value=(op.csrf);
                button type="submit" name="action" value="resume" { "Resume the organization" }
            }
        } @else {
            p { "Suspending stops every sign-in of the organization's people (web, API, LDAP) until you resume it; nothing is deleted, and its administrators can still write to support." }
            form method="post" action={ (action) "/suspension" } {
                input type="hidden" name="csrf" value=(op.csrf);
                button.danger type="submit" name="action" value="suspend" { "Suspend the organization" }
            }
        }
        h2 { "What the provider does not do here" }
        p { "The organization's users, groups, systems, applications, access and admin roles are its administrators' to manage. Staff never create people in it, set a password, grant access or delete anything; deletion and disclosure happen only through a verified request that one of its administrators confirms." }
    };
    frame(
        st,
        op.chrome(),
        status,
        org.name.as_str(),
        "/operator/orgs",
        body,
    )
}

impl PlanForm {
    fn clone_fields(&self) -> Self {
        Self {
            csrf: String::new(),
            plan: self.plan.clone(),
            seats: self.seats.clone(),
            trial_ends: self.trial_ends.clone(),
        }
    }
}

/// `GET /operator/orgs/{slug}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    op: Operator,
    Path(slug): Path<String>,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("resent") => Some("A new invitation was mailed; the earlier link no longer works."),
        Some("revoked") => Some("The invitation was revoked: its link no longer works."),
        Some("suspended") => Some("The organization is suspended."),
        Some("resumed") => Some("The organization is in service again."),
        Some("plan") => Some("The plan was changed."),
        _ => None,
    };
    render(&st, &op, &slug, notice, None, None, StatusCode::OK).await
}

/// `POST /operator/orgs/{slug}/invitation`: sends the first administrator's invitation again,
/// or revokes it.
pub async fn invitation<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    Path(slug): Path<String>,
    body: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let s = slug_of(&slug)?;
        let first = st
            .dir
            .first_admin_invitation(&op.actor, &s)
            .await?
            .ok_or_else(|| CoreError::not_found("invitation", "of the first administrator"))?;
        match f.action.as_str() {
            "resend" => st
                .dir
                .resend_invitation(&op.actor, &s, &first.username)
                .await
                .map(|_| "resent"),
            "revoke" => st
                .dir
                .revoke_invitation(&op.actor, &s, &first.username)
                .await
                .map(|()| "revoked"),
            _ => Err(CoreError::invalid("action", "expected resend or revoke")),
        }
    }
    .await;
    done(&st, &op, &slug, result).await
}

/// `POST /operator/orgs/{slug}/suspension`: suspends or resumes.
pub async fn suspension<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    Path(slug): Path<String>,
    body: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let s = slug_of(&slug)?;
        match f.action.as_str() {
            "suspend" => st.dir.suspend_org(&op.actor, &s).await.map(|_| "suspended"),
            "resume" => st.dir.resume_org(&op.actor, &s).await.map(|_| "resumed"),
            _ => Err(CoreError::invalid("action", "expected suspend or resume")),
        }
    }
    .await;
    done(&st, &op, &slug, result).await
}

/// `POST /operator/orgs/{slug}/plan`: changes the plan, seats or trial end.
pub async fn plan<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    Path(slug): Path<String>,
    body: Result<Form<PlanForm>, FormRejection>,
) -> Response {
    let f = body.map(|Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let patch = OrgPatch {
            plan: Some(plan_of(&f.plan, &f.seats, &f.trial_ends)?),
            ..OrgPatch::default()
        };
        st.dir
            .update_org(&op.actor, &slug_of(&slug)?, patch)
            .await
            .map(|_| "plan")
    }
    .await;
    match result {
        Ok(d) => Redirect::to(&format!("/operator/orgs/{slug}?done={d}")).into_response(),
        Err(e) => {
            let err = as_field(&e);
            render(&st, &op, &slug, None, Some(&f), Some(&err), status_of(&e)).await
        }
    }
}

async fn done<S: Storage + Clone>(
    st: &AppState<S>,
    op: &Operator,
    slug: &str,
    result: Result<&str, CoreError>,
) -> Response {
    match result {
        Ok(d) => Redirect::to(&format!("/operator/orgs/{slug}?done={d}")).into_response(),
        Err(e) => {
            let err = as_field(&e);
            render(st, op, slug, None, None, Some(&err), status_of(&e)).await
        }
    }
}
