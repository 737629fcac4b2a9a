//! The headers every response of the application carries, set in one layer so no handler can
//! forget them: `Strict-Transport-Security` (the application is only ever served over the
//! server's HTTPS listener, so browsers should never try plain HTTP), `X-Content-Type-Options:
//! nosniff` (a download or problem document is never reinterpreted as HTML or script), and
//! `Cache-Control: no-store` on what is private — every API response (they carry personal data
//! or tokens, and login answers issue them) and every response to a request that carried
//! credentials — unless the handler chose its own caching. Public pages such as `/kb` and the
//! stylesheet stay cacheable.
//!
//! On the way in, an HTTP/2 request's `:authority` is copied to `Host` when the client sent no
//! `Host` (browsers do not over HTTP/2), so the console's Origin check compares against the
//! host over either protocol.

use crate::pages::session::SESSION;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// One year, as the issue of record asks; no `includeSubDomains`, since skydir does not know
/// what else runs under its domain.
const HSTS: &str = "max-age=31536000";

/// Sets the security headers on the response to `req` (and its `Host`, see above).
pub async fn secure(mut req: Request, next: Next) -> Response {
    if !req.headers().contains_key(header::HOST)
        && let Some(host) = req
            .uri()
            .authority()
            .and_then(|a| HeaderValue::from_str(a.as_str()).ok())
    {
        req.headers_mut().insert(header::HOST, host);
    }
    let private = req.uri().path().starts_with("/api/") || has_credentials(req.headers());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if private && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Whether the request carries a bearer token or a console session (valid or not).
pub(crate) fn has_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
        || crate::pages::session::cookie(headers, SESSION).is_some()
}
