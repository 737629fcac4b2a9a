//! Browser sessions for every signed-in area (portal, admin console, agent workspace): the session is a login token in an `HttpOnly; Secure;
//! SameSite=Strict` cookie (the same 12-hour session token the API's login issues), and every
//! form carries a CSRF token that must equal the `skydir_csrf` cookie (double submit), on top
//! of SameSite and an `Origin` check. Nothing here decides who may do what: the session only
//! yields the caller's `Actor`, and the core's services decide.

use crate::AppState;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use skydir_core::access::Actor;
use skydir_core::ports::Storage;
use subtle::ConstantTimeEq;

/// The session cookie.
pub const SESSION: &str = "skydir_session";
/// How long the cookies live: the session token's own lifetime (12 hours).
pub const SESSION_SECS: u64 = 43_200;
/// The CSRF cookie (readable by the server's own forms only through the page it renders).
pub const CSRF: &str = "skydir_csrf";

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

/// A `Set-Cookie` value: secure, host-only, `SameSite=Strict`; `max_age` 0 deletes it.
pub fn set_cookie(name: &str, value: &str, http_only: bool, max_age: u64) -> HeaderValue {
    let v = format!(
        "{name}={value}; Path=/; Secure; SameSite=Strict; Max-Age={max_age}{}",
        if http_only { "; HttpOnly" } else { "" }
    );
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("skydir_invalid=; Max-Age=0"))
}

/// A fresh random CSRF token.
pub fn new_csrf() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// The request's CSRF cookie, if it has one.
pub fn csrf_of(headers: &HeaderMap) -> Option<String> {
    cookie(headers, CSRF)
}

/// Whether a submitted form may act: its `csrf` field equals the cookie, and a present
/// `Origin` header names this host.
pub fn form_allowed(headers: &HeaderMap, submitted: &str) -> bool {
    let Some(expected) = csrf_of(headers) else {
        return false;
    };
    let same = expected.as_bytes().ct_eq(submitted.as_bytes()).into();
    let origin_ok = match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (Some(o), Some(h)) => match (o.to_str(), h.to_str()) {
            (Ok(o), Ok(h)) => o.strip_prefix("https://").is_some_and(|rest| rest == h),
            _ => false,
        },
        // Browsers send Origin on POST; a client without one relies on the token alone.
        _ => true,
    };
    same && origin_ok && !submitted.is_empty()
}

/// The session's actor, whoever it is: `None` without a valid session cookie.
pub async fn signed_in<S: Storage + Clone>(
    st: &AppState<S>,
    headers: &HeaderMap,
) -> Option<(Actor, String)> {
    let token = cookie(headers, SESSION)?;
    st.dir
        .authenticate_token(&token)
        .await
        .ok()
        .map(|a| (a, token))
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

/// A response that starts a session: the session cookie and a fresh CSRF token.
pub fn start_session(mut resp: Response, session_token: &str) -> Response {
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(SESSION, session_token, true, SESSION_SECS),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(CSRF, &new_csrf(), false, SESSION_SECS),
    );
    resp
}

/// A response that ends the session in the browser (both cookies deleted).
pub fn end_session(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(SESSION, "", true, 0));
    h.append(header::SET_COOKIE, set_cookie(CSRF, "", false, 0));
    resp
}

/// The request's CSRF token, or a fresh one for a page that sets it.
pub fn csrf(headers: &HeaderMap) -> String {
    csrf_of(headers).unwrap_or_else(new_csrf)
}
