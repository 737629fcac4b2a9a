//! Request metrics and logs. Only the matched route template (`/api/v1/orgs/{org}/users/{username}`)
//! is recorded, never the concrete path, query or body, so usernames and other data stay out of
//! logs and metric labels.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Records `skydir_http_requests_total` and `skydir_http_request_duration_seconds`.
pub async fn observe(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    let secs = started.elapsed().as_secs_f64();
    metrics::counter!("skydir_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.clone()).increment(1);
    metrics::histogram!("skydir_http_request_duration_seconds", "method" => method.clone(), "route" => route.clone()).record(secs);
    tracing::info!(%method, %route, %status, ms = (secs * 1000.0) as u64, "request");
    resp
}
