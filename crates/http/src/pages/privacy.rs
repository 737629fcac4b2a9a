//! The public privacy pages: the sub-processor list (`/privacy/subprocessors`, entries the
//! operator has not confirmed marked as examples), the privacy RSS 2.0 feed
//! (`/privacy/subprocessors.rss`) announcing every addition, change and removal of a
//! sub-processor and every new version of the privacy statement and of the DPA, and the
//! current Data Processing Agreement for review (`/privacy/dpa`). No login needed.

use super::layout::{page, respond};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use rss::{ChannelBuilder, GuidBuilder, ItemBuilder};
use skydir_core::CoreError;
use skydir_core::ports::Storage;
use skydir_core::privacy::EXAMPLE_MARK;

fn failure<S: Storage + Clone>(st: &AppState<S>, e: &CoreError) -> Response {
    let policy = st.dir.desk_policy().ok();
    let (status, text) = match e {
        CoreError::NotFound { .. } => (
            StatusCode::NOT_FOUND,
            "Nothing has been published here yet.".to_string(),
        ),
        _ => {
            tracing::error!(error = %e, "privacy page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "This page could not be read just now; please try again.".to_string(),
            )
        }
    };
    respond(
        status,
        page(
            "Privacy",
            policy.as_deref(),
            html! { h1 { "Privacy" } p { (text) } },
        ),
    )
}

/// `GET /privacy/subprocessors`.
pub async fn subprocessors<S: Storage + Clone>(State(st): State<AppState<S>>) -> Response {
    let policy = st.dir.desk_policy().ok();
    let all = match st.dir.subprocessors().await {
        Ok(a) => a,
        Err(e) => return failure(&st, &e),
    };
    let (current, removed): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|s| s.removed_at.is_none());
    // An example removed before anyone confirmed it was never a sub-processor.
    let removed: Vec<_> = removed.into_iter().filter(|s| !s.example).collect();
    let examples = current.iter().filter(|s| s.example).count();
    let body = html! {
        h1 { "Sub-processors" }
        p { "The third parties we use to deliver the service, what they do, the personal data they receive and where they process it. We have a data processing agreement with each." }
        p { a href="/privacy/subprocessors.rss" { "Subscribe to the RSS feed" } " to be told when this list, our privacy statement or our DPA changes. An organization's administrators can also subscribe an address by mail, and object to a sub-processor." }
        @if examples > 0 {
            p.notice #examples role="note" { "Entries marked " strong { (EXAMPLE_MARK) } " are the sub-processors our published statement names, listed as examples until the provider of this deployment confirms or replaces them." }
        }
        @if current.is_empty() {
            div.empty { p { "No sub-processors are listed." } }
        } @else {
            table #subprocessors {
                tr { th scope="col" { "Name" } th scope="col" { "Purpose" } th scope="col" { "Personal data" } th scope="col" { "Location" } th scope="col" { "DPA signed" } }
                @for s in &current {
                    tr {
                        td { (s.name) @if s.example { br; span.badge.warn { (EXAMPLE_MARK) } } }
                        td { (s.purpose) } td { (s.data_categories.join(", ")) } td { (s.location) }
                        td { @if s.example { "to be confirmed" } @else { (s.dpa_date) } }
                    }
                }
            }
        }
        @if !removed.is_empty() {
            h2 { "No longer used" }
            ul { @for s in &removed { li { (s.name) " — removed " (s.removed_at.map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_default()) } } }
        }
    };
    respond(
        StatusCode::OK,
        page("Sub-processors", policy.as_deref(), body),
    )
}

/// `GET /privacy/subprocessors.rss`: RSS 2.0, one item per registry change and per policy
/// version, newest first.
pub async fn feed<S: Storage + Clone>(State(st): State<AppState<S>>) -> Response {
    let events = match st.dir.privacy_feed().await {
        Ok(e) => e,
        Err(e) => return failure(&st, &e),
    };
    let base = st
        .dir
        .desk_policy()
        .map(|p| p.contacts.public_url.clone())
        .unwrap_or_default();
    let rfc2822 = |t: jiff::Timestamp| t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
    let items: Vec<rss::Item> = events
        .iter()
        .map(|e| {
            ItemBuilder::default()
                .title(Some(e.title()))
                .description(Some(e.description()))
                .link(Some(format!("{base}{}", e.path())))
                .guid(Some(
                    GuidBuilder::default()
                        .value(e.guid())
                        .permalink(false)
                        .build(),
                ))
                .pub_date(Some(rfc2822(e.at())))
                .categories(vec![rss::Category {
                    name: e.category().to_string(),
                    domain: None,
                }])
                .build()
        })
        .collect();
    let channel = ChannelBuilder::default()
        .title("skydir privacy: GDPR policies and sub-processors")
        .link(format!("{base}/privacy"))
        .description("New versions of the privacy statement and of the Data Processing Agreement, and additions, changes and removals of the sub-processors that process personal data for the service.")
        .language(Some("en".to_string()))
        .last_build_date(events.first().map(|e| rfc2822(e.at())))
        .items(items)
        .build();
    let mut r = channel.to_string().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/rss+xml; charset=utf-8"),
    );
    r
}

/// `GET /privacy/dpa`: the current agreement, for review.
pub async fn dpa<S: Storage + Clone>(State(st): State<AppState<S>>) -> Response {
    let policy = st.dir.desk_policy().ok();
    match st.dir.current_dpa().await {
        Ok(v) => {
            let body = html! {
                h1 { "Data Processing Agreement" }
                p.muted { "Version " (v.version) ", published " (v.published_at.strftime("%Y-%m-%d")) ". Only customers on a paying plan (monthly or annual) may execute it; an administrator of such an organization signs it in the API (POST /api/v1/orgs/<org>/dpa)." }
                @for para in v.text.split("\n\n") { p { (para) } }
            };
            respond(
                StatusCode::OK,
                page("Data Processing Agreement", policy.as_deref(), body),
            )
        }
        Err(e) => failure(&st, &e),
    }
}
