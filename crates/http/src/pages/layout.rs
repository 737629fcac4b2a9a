//! The frame of every page: skip link, header with navigation, main content, and a footer with
//! the support hours and contacts (the support policy wants them shown wherever customers look
//! for help), plus the security headers pages are served with.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use skydir_core::support::DeskPolicy;

/// A whole page around `content`.
pub fn page(title: &str, policy: Option<&DeskPolicy>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · skydir" }
                link rel="stylesheet" href="/assets/site.css";
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header {
                    a.brand href="/kb" { "skydir" }
                    nav aria-label="Site" {
                        a href="/kb" { "Knowledge Base" }
                        a href="/kb/support-policy" { "Support policy" }
                        a href="/kb/supported-versions" { "Supported versions" }
                        a href="/kb/supported-protocols" { "Protocols" }
                        a href="/privacy" { "Privacy" }
                        a href="/privacy/subprocessors" { "Sub-processors" }
                        a href="/portal/login" { "Log in" }
                    }
                }
                main #main { (content) }
                footer {
                    @if let Some(p) = policy {
                        p { "Support hours: " (p.hours_text()) "." }
                        p {
                            "Support: " a href={ "mailto:" (p.contacts.support) } { (p.contacts.support) }
                            " · Sales and Customer Success: " a href={ "mailto:" (p.contacts.sales) } { (p.contacts.sales) }
                            " · Feedback: " a href={ "mailto:" (p.contacts.feedback) } { (p.contacts.feedback) }
                        }
                        p { "Support requests are accepted from the active administrators of an organization." }
                    }
                }
            }
        }
    }
}

/// An HTML response with the pages' security headers.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    let mut resp = (status, markup.into_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; \
             connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    resp
}

/// A page for someone not signed in that carries a form — a login, a reset link, the public
/// data-subject request: the page, the pre-session cookie its CSRF token is bound to (when the
/// visitor had none), and no caching or referrer, since such pages carry one-time links and
/// credentials.
pub fn form_page<S: skydir_core::ports::Storage + Clone>(
    st: &crate::AppState<S>,
    status: StatusCode,
    title: &str,
    csrf: &crate::pages::csrf::Csrf,
    body: Markup,
) -> Response {
    let policy = st.dir.desk_policy().ok();
    let mut resp = respond(status, page(title, policy.as_deref(), body));
    csrf.set_cookie(&mut resp);
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}
