//! The public privacy statement (`/privacy`): the core's statement — written from the same
//! inventory of personal data that drives the access report and the Art. 30 record, so it
//! cannot drift from what the code keeps — rendered as a page, with the version it was
//! published as and its date (every change is a dated version in the privacy feed).

use super::layout::{page, respond};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use skydir_core::ports::Storage;
use skydir_core::privacy::statement::{Block, Span};

fn spans(s: &[Span]) -> Markup {
    html! {
        @for span in s {
            @match span {
                Span::Text(t) => (t),
                Span::Strong(t) => strong { (t) },
                Span::Link { href, text } => a href=(href) { (text) },
            }
        }
    }
}

/// `GET /privacy`.
pub async fn show<S: Storage + Clone>(State(st): State<AppState<S>>) -> Response {
    let policy = st.dir.desk_policy().ok();
    let statement = match st.dir.privacy_statement() {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "privacy statement failed");
            return respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                page(
                    "Privacy statement",
                    policy.as_deref(),
                    html! { h1 { "Privacy statement" } p { "This page could not be read just now; please try again." } },
                ),
            );
        }
    };
    // Shown when the text on the page is the published one (a restart publishes any change).
    let version = st
        .dir
        .statement_version()
        .await
        .ok()
        .flatten()
        .filter(|v| v.digest == statement.digest());
    let body = html! {
        h1 { "Privacy statement" }
        @if let Some(v) = &version {
            p.muted #statement-version { "Version " (v.version) ", in effect since " (v.published_at.strftime("%Y-%m-%d")) ". Every change is announced in the " a href="/privacy/subprocessors.rss" { "RSS feed" } "." }
        }
        @for section in &statement.sections {
            @if let Some(h) = section.heading { h2 id=(section.id) { (h) } }
            @for block in &section.blocks {
                @match block {
                    Block::Para(p) => p { (spans(p)) },
                    Block::List(items) => ul { @for i in items { li { (spans(i)) } } },
                    Block::Table { caption, head, rows } => {
                        table #inventory {
                            caption.sr { (caption) }
                            tr { @for h in head { th scope="col" { (h) } } }
                            @for r in rows { tr { @for c in r { td { (c) } } } }
                        }
                    }
                }
            }
        }
    };
    respond(
        StatusCode::OK,
        page("Privacy statement", policy.as_deref(), body),
    )
}
