//! Liveness and readiness, on the main listener for load balancers and orchestrators (the
//! Prometheus endpoint has a listener of its own: see `crate::scrape`).

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use skydir_core::ports::Storage;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "alive")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the store answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "ready"), (status = 503, description = "store unavailable")))]
pub async fn readyz<S: Storage + Clone>(State(st): State<AppState<S>>) -> impl IntoResponse {
    if (st.ready)().await {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n")
    }
}
