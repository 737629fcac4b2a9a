//! The Prometheus scrape endpoint. It is not part of the application's router: metrics tell
//! which routes are used how often and how fast, which is nobody's business on the public
//! HTTPS port, so the server serves this router on its own listener (by default on loopback,
//! where a local Prometheus or agent scrapes it over plain HTTP).

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;

/// `GET /metrics` in the Prometheus text format; every other path is 404.
pub fn router(handle: PrometheusHandle) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move || {
                let body = handle.render();
                async move {
                    (
                        [
                            (
                                header::CONTENT_TYPE,
                                HeaderValue::from_static("text/plain; version=0.0.4"),
                            ),
                            (
                                header::X_CONTENT_TYPE_OPTIONS,
                                HeaderValue::from_static("nosniff"),
                            ),
                        ],
                        body,
                    )
                }
            }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found: scrape /metrics\n") })
}
