//! Rate limits in front of every route: the HTTP half of `skydir-throttle`'s budgets, keyed by
//! the client's address (see `client.rs` for reverse proxies).
//!
//! - A request without a credential spends the anonymous budget before it is served.
//! - A request with a credential is served; if no valid credential was found on the way
//!   (a made-up cookie or token), it is charged afterwards, and once the budget is spent such
//!   requests are answered 429 — so adding a fake header buys nothing, while real sessions
//!   and tokens are never limited by address.
//! - A password door is refused before the password is checked once the address's failures
//!   are spent; every 401 (a wrong password or code, a bad or expired token) spends one.
//! - The mail-sending and link doors spend the strict budget.
//!
//! Refusals are 429 with `Retry-After` (problem+json under `/api/`, a page elsewhere) and
//! are counted in `skydir_rate_limited_total{protocol="http",limit=…}`.

mod client;
pub mod doors;

pub use client::TrustedProxies;

use crate::pages::layout;
use crate::problem::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;
use skydir_throttle::{ClientKey, Refused, Throttle};
use std::cell::Cell;
use std::sync::Arc;

tokio::task_local! {
    /// Set while a request is served: whether a valid credential was found.
    static SIGNED_IN: Cell<bool>;
}

/// Tells the gate that the request being served carries a valid credential (called where
/// sessions and tokens are resolved).
pub fn note_signed_in() {
    let _ = SIGNED_IN.try_with(|c| c.set(true));
}

/// The budgets and who the client is.
#[derive(Debug, Clone)]
pub struct Gate {
    pub throttle: Arc<Throttle>,
    pub proxies: TrustedProxies,
}

/// The middleware.
pub async fn guard(State(gate): State<Gate>, req: Request, next: Next) -> Response {
    let Some(ip) = gate.proxies.client(req.extensions(), req.headers()) else {
        return next.run(req).await;
    };
    let client = ClientKey::from(ip);
    let t = &gate.throttle;
    let api = req.uri().path().starts_with("/api/");
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str());
    let door = doors::door(req.method(), route);
    let credential = crate::headers::has_credentials(req.headers());
    if !credential && let Err(r) = t.anonymous(client) {
        return refuse(r, api);
    }
    match door {
        doors::Door::SignIn => {
            if let Err(r) = t.may_try(client) {
                return refuse(r, api);
            }
        }
        doors::Door::Strict => {
            if let Err(r) = t.strict(client) {
                return refuse(r, api);
            }
        }
        doors::Door::Other => {}
    }
    let (resp, signed_in) = SIGNED_IN
        .scope(Cell::new(false), async move {
            let resp = next.run(req).await;
            (resp, SIGNED_IN.with(Cell::get))
        })
        .await;
    if resp.status() == StatusCode::UNAUTHORIZED {
        t.failed(client);
    }
    // Only a credential that turned out not to be valid costs anything here: a signed-in
    // request never touches the anonymous budget.
    if credential && !signed_in {
        let spent = t.anonymous_spent(client);
        t.charge_anonymous(client);
        if let Some(r) = spent {
            return refuse(r, api);
        }
    }
    resp
}

/// The 429 answer.
fn refuse(r: Refused, api: bool) -> Response {
    metrics::counter!("skydir_rate_limited_total", "protocol" => "http", "limit" => r.limit.as_str())
        .increment(1);
    let secs = r.retry_after_secs();
    if api {
        return ApiError::TooManyRequests { retry_after: secs }.into_response();
    }
    let mut resp = layout::respond(
        StatusCode::TOO_MANY_REQUESTS,
        layout::page(
            "Too many requests",
            None,
            html! {
                h1 { "Too many requests" }
                p { "Too many requests came from your address. Try again in " (secs) " seconds." }
            },
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}
