//! The breach register for the operator: every breach with the time left on its 72-hour clock
//! (or how overdue it is), a form to register one — its notices are drafted from the facts at
//! once — and each breach's page with the drafted notices, the one button that sends them,
//! the reminders the watch sent, the deliveries, and the supervisory-authority draft with the
//! button that records its filing. Every step is a core service call, audited there.

use super::Operator;
use crate::AppState;
use crate::pages::csrf::form_allowed;
use crate::pages::shell::{as_field, expired, failure, field_error, form_error, frame, status_of};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::OrgSlug;
use skydir_core::ids::BreachId;
use skydir_core::ports::Storage;
use skydir_core::privacy::BreachFacts;
use skydir_core::privacy::breach::{BreachClock, Recipient};
use skydir_core::privacy::inventory::DataCategory;
use skydir_core::service::BreachView;

/// The register form, as posted (categories are repeated checkboxes).
#[derive(Debug, Default)]
pub struct BreachForm {
    csrf: String,
    nature: String,
    categories: Vec<String>,
    approx_subjects: String,
    approx_records: String,
    consequences: String,
    measures: String,
    contact: String,
    aware_at: String,
    occurred_at: String,
    orgs: String,
}

impl BreachForm {
    fn parse(body: &[u8]) -> Self {
        let mut f = Self::default();
        for (k, v) in url::form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "csrf" => f.csrf = v,
                "nature" => f.nature = v,
                "categories" => f.categories.push(v),
                "approx_subjects" => f.approx_subjects = v,
                "approx_records" => f.approx_records = v,
                "consequences" => f.consequences = v,
                "measures" => f.measures = v,
                "contact" => f.contact = v,
                "aware_at" => f.aware_at = v,
                "occurred_at" => f.occurred_at = v,
                "orgs" => f.orgs = v,
                _ => {}
            }
        }
        f
    }

    /// The facts and the scope, or the first field that is wrong.
    fn facts(&self) -> Result<(BreachFacts, Vec<OrgSlug>), CoreError> {
        let categories = self
            .categories
            .iter()
            .map(|c| {
                DataCategory::parse(c)
                    .ok_or_else(|| CoreError::invalid("categories", format!("`{c}` is unknown")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let count = |field: &str, v: &str| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| CoreError::invalid(field, "enter a whole number (your best estimate)"))
        };
        let orgs = self
            .orgs
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(OrgSlug::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CoreError::invalid("orgs", e.to_string()))?;
        let facts = BreachFacts {
            nature: self.nature.clone(),
            categories,
            approx_subjects: count("approx_subjects", &self.approx_subjects)?,
            approx_records: count("approx_records", &self.approx_records)?,
            consequences: self.consequences.clone(),
            measures: self.measures.clone(),
            contact: self.contact.clone(),
            aware_at: utc("aware_at", &self.aware_at)?,
            occurred_at: match self.occurred_at.trim() {
                "" => None,
                s => Some(utc("occurred_at", s)?),
            },
        };
        Ok((facts, orgs))
    }
}

/// A time from a `datetime-local` field, read as UTC (or an RFC 3339 time).
fn utc(field: &str, s: &str) -> Result<Timestamp, CoreError> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    s.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| CoreError::invalid(field, "enter a date and time (UTC)"))
}

fn minute(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// The clock as a badge and its words.
fn clock(c: &BreachClock) -> Markup {
    let class = match c.status {
        "open" => "badge warn",
        "notified within 72 h" => "badge ok",
        _ => "badge bad",
    };
    html! { span class=(class) { (c.status) } " " (c.summary) }
}

const FIELDS: [&str; 10] = [
    "nature",
    "categories",
    "approx_subjects",
    "approx_records",
    "consequences",
    "measures",
    "contact",
    "aware_at",
    "occurred_at",
    "orgs",
];

/// The list's notice.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

async fn render_list<S: Storage + Clone>(
    st: &AppState<S>,
    op: &Operator,
    f: &BreachForm,
    error: Option<&(String, String)>,
    status: StatusCode,
) -> Response {
    let all = match st.dir.breaches(&op.actor).await {
        Ok(b) => b,
        Err(e) => return failure(st, op.chrome(), &e, ("/operator/orgs", "Organizations")),
    };
    let policy = st.dir.desk_policy().ok();
    let privacy = policy
        .as_ref()
        .map(|p| p.contacts.privacy.clone())
        .unwrap_or_default();
    let escalations = policy
        .as_ref()
        .map(|p| p.contacts.escalations.clone())
        .unwrap_or_default();
    let now = st.dir.now().strftime("%Y-%m-%dT%H:%M").to_string();
    let fresh = f.nature.is_empty() && error.is_none();
    let body = html! {
        h1 { "Breaches" }
        p.muted { "The register of personal data breaches (GDPR Art. 33/34). From the time of awareness a 72-hour clock runs: until the notices are sent, " (privacy) " is reminded after 24 and 48 hours, " (escalations) " is told too at 66 hours, and the breach is marked overdue at 72 hours." }
        @if all.is_empty() {
            div.empty { p { "No breach has been recorded." } }
        } @else {
            table #breaches {
                tr { th scope="col" { "Became aware" } th scope="col" { "Nature" } th scope="col" { "Scope" } th scope="col" { "72-hour clock" } }
                @for b in &all {
                    tr {
                        td { a href={ "/operator/breaches/" (b.breach.id) } { (minute(b.breach.facts.aware_at)) } }
                        td { (b.breach.facts.nature) }
                        td { (b.affected_orgs.len()) " organization(s), " (b.affected_subjects) " people" }
                        td { (clock(&b.clock)) }
                    }
                }
            }
        }
        h2 #new-breach { "Register a breach" }
        p.muted { "Record it as soon as you are aware of it. The notices to the people concerned and to their organizations' admins are drafted from these facts at once; you send them with one button." }
        (form_error(error, &FIELDS))
        form method="post" action="/operator/breaches" aria-labelledby="new-breach" novalidate {
            input type="hidden" name="csrf" value=(op.csrf);
            p { label for="nature" { "What happened" } br; textarea #nature name="nature" rows="3" required aria-describedby="nature-error" { (f.nature) } (field_error(error, "nature")) }
            fieldset aria-describedby="categories-error" {
                legend { "Personal data concerned" }
                @for c in DataCategory::ALL {
                    span.choice {
                        input type="checkbox" id={ "cat-" (c.as_str()) } name="categories" value=(c.as_str()) checked[f.categories.iter().any(|x| x == c.as_str())];
                        " " label for={ "cat-" (c.as_str()) } { (c.label()) }
                    }
                    " "
                }
                (field_error(error, "categories"))
            }
            p { label for="approx_subjects" { "About how many people" } br; input #approx_subjects name="approx_subjects" inputmode="numeric" required value=(f.approx_subjects) aria-describedby="approx_subjects-error"; (field_error(error, "approx_subjects")) }
            p { label for="approx_records" { "About how many records" } br; input #approx_records name="approx_records" inputmode="numeric" required value=(f.approx_records) aria-describedby="approx_records-error"; (field_error(error, "approx_records")) }
            p { label for="consequences" { "Likely consequences" } br; textarea #consequences name="consequences" rows="2" required aria-describedby="consequences-error" { (f.consequences) } (field_error(error, "consequences")) }
            p { label for="measures" { "Measures taken or proposed" } br; textarea #measures name="measures" rows="2" required aria-describedby="measures-error" { (f.measures) } (field_error(error, "measures")) }
            p { label for="contact" { "Contact point (data protection officer)" } br; input #contact name="contact" required value=(if fresh { privacy.as_str() } else { f.contact.as_str() }) aria-describedby="contact-error"; (field_error(error, "contact")) }
            p { label for="aware_at" { "Became aware (UTC)" } br; input #aware_at name="aware_at" type="datetime-local" required value=(if fresh { now.as_str() } else { f.aware_at.as_str() }) aria-describedby="aware_at-error"; (field_error(error, "aware_at")) }
            p { label for="occurred_at" { "Happened (UTC, if known)" } br; input #occurred_at name="occurred_at" type="datetime-local" value=(f.occurred_at) aria-describedby="occurred_at-error"; (field_error(error, "occurred_at")) }
            p { label for="orgs" { "Organizations concerned" } br; span.hint #orgs-hint { "Their ids, separated by commas; leave empty for every organization." } br;
                input #orgs name="orgs" value=(f.orgs) aria-describedby="orgs-hint orgs-error"; (field_error(error, "orgs")) }
            p { button type="submit" { "Record the breach and draft its notices" } }
        }
    };
    frame(
        st,
        op.chrome(),
        status,
        "Breaches",
        "/operator/breaches",
        body,
    )
}

/// `GET /operator/breaches`.
pub async fn list<S: Storage + Clone>(State(st): State<AppState<S>>, op: Operator) -> Response {
    render_list(&st, &op, &BreachForm::default(), None, StatusCode::OK).await
}

/// `POST /operator/breaches`: records a breach.
pub async fn create<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    body: Bytes,
) -> Response {
    let f = BreachForm::parse(&body);
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let (facts, orgs) = f.facts()?;
        st.dir.record_breach(&op.actor, facts, &orgs).await
    }
    .await;
    match result {
        Ok(v) => Redirect::to(&format!("/operator/breaches/{}?done=recorded", v.breach.id))
            .into_response(),
        Err(e) => {
            let err = as_field(&e);
            render_list(&st, &op, &f, Some(&err), status_of(&e)).await
        }
    }
}

fn recipient(r: Recipient) -> &'static str {
    match r {
        Recipient::DataSubject => "each person concerned",
        Recipient::OrgAdmin => "each of its administrators",
    }
}

async fn render_one<S: Storage + Clone>(
    st: &AppState<S>,
    op: &Operator,
    id: &str,
    notice: Option<&str>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let back = ("/operator/breaches", "Breaches");
    let read = async {
        let id = BreachId::parse(id).ok_or_else(|| CoreError::not_found("breach", id))?;
        let v = st.dir.breach(&op.actor, id).await?;
        let draft = st.dir.breach_authority_draft(&op.actor, id).await?;
        Ok::<(BreachView, String), CoreError>((v, draft))
    }
    .await;
    let (v, draft) = match read {
        Ok(r) => r,
        Err(e) => return failure(st, op.chrome(), &e, back),
    };
    let b = &v.breach;
    let f = &b.facts;
    let action = format!("/operator/breaches/{}", b.id);
    let to_send: usize = v.drafts.iter().map(|d| d.recipients).sum();
    let body = html! {
        p { a href="/operator/breaches" { "← Breaches" } }
        h1 { "Breach of " (minute(f.aware_at)) }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        p #clock { (clock(&v.clock)) br; small.muted { "Deadline: " (minute(v.clock.deadline)) } }
        dl.facts {
            dt { "What happened" } dd { (f.nature) }
            dt { "Personal data concerned" } dd { (f.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")) }
            dt { "Assessed" } dd { "about " (f.approx_subjects) " people and " (f.approx_records) " records" }
            dt { "In the register" } dd { (v.affected_subjects) " people and " (v.affected_admins) " administrators in " (v.affected_orgs.join(", ")) }
            dt { "Likely consequences" } dd { (f.consequences) }
            dt { "Measures" } dd { (f.measures) }
            dt { "Contact point" } dd { (f.contact) }
            @if let Some(o) = f.occurred_at { dt { "Happened" } dd { (minute(o)) } }
            dt { "Recorded" } dd { (minute(b.recorded_at)) " by " (b.recorded_by) }
        }
        h2 #watch-h { "Reminders" }
        @if b.alerts.is_empty() {
            p #watch { "None yet." }
        } @else {
            ul #watch { @for a in &b.alerts { li { (a.alert.label()) " — " (minute(a.at)) @if a.mail.is_none() { " (passed while the watch was not running; the later step was sent)" } } } }
        }
        @match b.notified_at {
            None => {
                h2 #drafts-h { "Drafted notices" }
                @if v.drafts.is_empty() {
                    p { "Nobody in the register is concerned, so no notice is drafted; sending records the breach as notified, which stops the clock and the reminders." }
                }
                @for d in &v.drafts {
                    details.draft {
                        summary { (d.org) ": to " (recipient(d.recipient)) " (" (d.recipients) ") — " (d.subject) }
                        pre { (d.text) }
                    }
                }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(op.csrf);
                    button type="submit" name="action" value="notify" { "Send the drafted notices (" (to_send) ")" }
                }
            },
            Some(at) => {
                h2 #notices-h { "Notices" }
                p #deliveries { (b.notices.len()) " sent on " (minute(at)) ": " (v.delivered) " delivered, " (v.pending) " pending, " (v.failed) " failed." }
            },
        }
        h2 #authority-h { "Supervisory authority" }
        @match b.authority_notified_at {
            Some(at) => p { "Filed on " (minute(at)) "." },
            None => {
                p.muted { "File this draft with your supervisory authority (fill in what is marked), then record that you did." }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(op.csrf);
                    button type="submit" name="action" value="authority-notified" { "Record that it was filed" }
                }
            },
        }
        pre #authority-draft { (draft) }
    };
    frame(
        st,
        op.chrome(),
        status,
        "Breach",
        "/operator/breaches",
        body,
    )
}

/// `GET /operator/breaches/{id}`.
pub async fn show<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    op: Operator,
    Path(id): Path<String>,
    query: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(q) = query.unwrap_or_default();
    let notice = match q.done.as_deref() {
        Some("recorded") => {
            Some("The breach is recorded and its notices are drafted: review them, then send them.")
        }
        Some("notify") => Some("The notices are on their way; their deliveries appear below."),
        Some("authority-notified") => {
            Some("The filing with the supervisory authority is recorded.")
        }
        _ => None,
    };
    render_one(&st, &op, &id, notice, None, StatusCode::OK).await
}

/// The action form of a breach's page.
#[derive(Debug, Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// `POST /operator/breaches/{id}`: sends the drafted notices, or records the filing.
pub async fn act<S: Storage + Clone>(
    State(st): State<AppState<S>>,
    headers: HeaderMap,
    op: Operator,
    Path(id): Path<String>,
    body: Result<axum::Form<ActionForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let f = body.map(|axum::Form(f)| f).unwrap_or_default();
    let result = async {
        if !form_allowed(&st, &headers, &f.csrf) {
            return Err(expired());
        }
        let breach = BreachId::parse(&id).ok_or_else(|| CoreError::not_found("breach", &id))?;
        match f.action.as_str() {
            "notify" => st.dir.notify_breach(&op.actor, breach).await.map(|_| ()),
            "authority-notified" => st
                .dir
                .breach_authority_notified(&op.actor, breach)
                .await
                .map(|_| ()),
            other => Err(CoreError::invalid(
                "action",
                format!("'{other}' is not something this page does"),
            )),
        }
    }
    .await;
    match result {
        Ok(()) => {
            Redirect::to(&format!("/operator/breaches/{id}?done={}", f.action)).into_response()
        }
        Err(e) => {
            let message = crate::pages::shell::message_of(&e);
            render_one(&st, &op, &id, None, Some(&message), status_of(&e)).await
        }
    }
}
