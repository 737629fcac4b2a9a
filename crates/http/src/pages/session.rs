//! Browser sessions for every signed-in area (portal, admin console, agent workspace): the
//! session is a login token (the same 12-hour session token the API's login issues) in an
//! `HttpOnly; Secure; SameSite=Strict` cookie with the `__Host-` prefix, so only this host —
//! never a sibling domain — can set it. Every form carries a CSRF token bound to that session
//! (see `csrf.rs`). Nothing here decides who may do what: the session only yields the caller's
//! `Actor`, and the core's services decide.

use crate::AppState;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;

/// The session cookie.
pub const SESSION: &str = "__Host-skydir_session";
/// How long the cookies live: the session token's own lifetime (12 hours).
pub const SESSION_SECS: u64 = 43_200;
/// The pre-session cookie: a random value the forms shown before login are bound to.
pub const CSRF: &str = "__Host-skydir_csrf";

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: secure, host-only (no `Domain`, `Path=/`, as the `__Host-` prefix
/// requires), `SameSite=Strict`, out of scripts' reach; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: u64) -> HeaderValue {
    let v = format!("{name}={value}; Path=/; Secure; SameSite=Strict; HttpOnly; Max-Age={max_age}");
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("skydir_invalid=; Max-Age=0"))
}

/// The session's actor, whoever it is: `None` without a valid session cookie.
pub async fn signed_in<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
) -> Option<(Actor, String)> {
    let token = cookie(headers, SESSION)?;
    let actor = st.dir.authenticate_token(&token).await.ok()?;
    crate::gate::note_signed_in();
    Some((actor, token))
}

/// The session's actor when it is a person of an organization (admin or user): `None`
/// otherwise.
pub async fn actor<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
) -> Option<(Actor, String)> {
    match signed_in(st, headers).await? {
        (a @ (Actor::OrgAdmin { .. } | Actor::User { .. }), t) => Some((a, t)),
        _ => None,
    }
}

/// A response that starts a session: the session cookie (its forms are bound to it from now
/// on, so the pre-session cookie goes).
pub fn start_session(mut resp: Response, session_token: &str) -> Response {
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(SESSION, session_token, SESSION_SECS),
    );
    h.append(header::SET_COOKIE, set_cookie(CSRF, "", 0));
    resp
}

/// A response that ends the session in the browser (both cookies deleted).
pub fn end_session(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(SESSION, "", 0));
    h.append(header::SET_COOKIE, set_cookie(CSRF, "", 0));
    resp
}
