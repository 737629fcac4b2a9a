//! CSRF tokens of the console's forms, made so that a cookie and field an attacker picks never
//! verify together. A signed-in person's forms carry an HMAC, under the deployment's CSRF key,
//! of their session token: only the server can make it, and only for the holder of that
//! (`HttpOnly`) session cookie; it ends with the session. Forms shown before anyone is signed in
//! (login, staff sign-in, forgot password, the reset and invitation links, the public
//! data-subject request) carry an HMAC of a random pre-session value kept in the
//! `__Host-skydir_csrf` cookie: planting a value of one's own in a victim's browser gains
//! nothing without the token the server made for it, and the `__Host-` prefix keeps sibling
//! domains from planting cookies at all. SameSite=Strict cookies and a check that the browser
//! says the form came from this site (`Origin`, or `Sec-Fetch-Site` where the page's
//! `no-referrer` policy makes the browser send `Origin: null`) come on top.
//!
//! The key is derived from the deployment key in the keyring (see the server's start), so
//! every process of a deployment accepts the forms of every other.

use super::session::{CSRF, SESSION, SESSION_SECS, cookie, set_cookie};
use crate::AppState;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The deployment's secret for CSRF tokens. Cheap to clone; `Debug` shows no key.
#[derive(Clone)]
pub struct CsrfKey(Arc<Zeroizing<[u8; 32]>>);

impl CsrfKey {
    /// Wraps 32 secret bytes.
    pub fn new(bytes: Zeroizing<[u8; 32]>) -> Self {
        Self(Arc::new(bytes))
    }

    /// The token for `binding`.
    fn token(&self, binding: Binding<'_>) -> String {
        let (purpose, value) = match binding {
            Binding::Session(v) => (&b"session"[..], v),
            Binding::PreSession(v) => (&b"pre-session"[..], v),
        };
        #[allow(clippy::expect_used)] // HMAC takes keys of any length
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice())
            .expect("HMAC accepts a 32-byte key");
        mac.update(purpose);
        mac.update(b"\0");
        mac.update(value.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(***)")
    }
}

/// What a request's tokens are bound to.
enum Binding<'a> {
    /// The session cookie's token.
    Session(&'a str),
    /// The pre-session cookie's random value.
    PreSession(&'a str),
}

/// What the request's cookies bind its forms to: the session when there is one, else the
/// pre-session value; `None` with neither.
fn binding(headers: &HeaderMap) -> Option<(bool, String)> {
    cookie(headers, SESSION)
        .map(|s| (true, s))
        .or_else(|| cookie(headers, CSRF).map(|v| (false, v)))
}

fn token_for(key: &CsrfKey, session: bool, value: &str) -> String {
    key.token(if session {
        Binding::Session(value)
    } else {
        Binding::PreSession(value)
    })
}

/// The CSRF token the forms of one response carry, and the pre-session cookie that response
/// must set when the visitor had neither cookie yet.
#[derive(Debug, Clone)]
pub struct Csrf {
    /// The value of every form's `csrf` field.
    pub token: String,
    fresh: Option<String>,
}

impl Csrf {
    /// Adds the pre-session cookie to `resp` when this request made one.
    pub fn set_cookie(&self, resp: &mut Response) {
        if let Some(v) = &self.fresh {
            resp.headers_mut()
                .append(header::SET_COOKIE, set_cookie(CSRF, v, SESSION_SECS));
        }
    }
}

/// The CSRF token for the forms of the page answering this request.
pub fn csrf<S>(st: &AppState<S>, headers: &HeaderMap) -> Csrf {
    match binding(headers) {
        Some((session, value)) => Csrf {
            token: token_for(&st.csrf_key, session, &value),
            fresh: None,
        },
        None => {
            let value = random_value();
            Csrf {
                token: token_for(&st.csrf_key, false, &value),
                fresh: Some(value),
            }
        }
    }
}

/// Whether a submitted form may act: its `csrf` field is the token of the request's own
/// session (or pre-session) cookie, and the browser does not say it came from elsewhere.
pub fn form_allowed<S>(st: &AppState<S>, headers: &HeaderMap, submitted: &str) -> bool {
    let Some((session, value)) = binding(headers) else {
        return false;
    };
    let expected = token_for(&st.csrf_key, session, &value);
    let same: bool = expected.as_bytes().ct_eq(submitted.as_bytes()).into();
    same && from_this_site(headers)
}

/// A present `Origin` must be `https://` this host. Pages served with `Referrer-Policy:
/// no-referrer` (the pre-login forms) make browsers send `Origin: null`; then a present
/// `Sec-Fetch-Site` must be `same-origin`. A client that sends neither relies on the token
/// alone.
fn from_this_site(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .map(|v: &HeaderValue| v.to_str().unwrap_or(""))
    };
    match text(header::ORIGIN) {
        Some(o) if o != "null" => text(header::HOST)
            .is_some_and(|h| o.strip_prefix("https://").is_some_and(|rest| rest == h)),
        _ => text(SEC_FETCH_SITE).is_none_or(|s| s == "same-origin"),
    }
}

/// Where the browser says a request comes from (Fetch Metadata).
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// A fresh random pre-session value.
fn random_value() -> String {
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(b: u8) -> CsrfKey {
        CsrfKey::new(Zeroizing::new([b; 32]))
    }

    #[test]
    fn tokens_depend_on_key_binding_and_value() {
        let k = key(1);
        let s = k.token(Binding::Session("abc"));
        assert_eq!(s, k.token(Binding::Session("abc")));
        assert_ne!(s, k.token(Binding::PreSession("abc")));
        assert_ne!(s, k.token(Binding::Session("abd")));
        assert_ne!(s, key(2).token(Binding::Session("abc")));
        assert_ne!(s, "abc");
        assert_eq!(format!("{k:?}"), "CsrfKey(***)");
    }

    #[test]
    fn the_session_cookie_binds_before_the_pre_session_one() {
        let mut h = HeaderMap::new();
        assert!(binding(&h).is_none());
        h.insert(header::COOKIE, format!("{CSRF}=pre").parse().unwrap());
        assert_eq!(binding(&h), Some((false, "pre".to_string())));
        h.append(header::COOKIE, format!("{SESSION}=sess").parse().unwrap());
        assert_eq!(binding(&h), Some((true, "sess".to_string())));
    }

    #[test]
    fn the_browser_must_not_say_the_form_came_from_elsewhere() {
        let with = |origin: Option<&str>, fetch_site: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, "dir.example:8443".parse().unwrap());
            if let Some(o) = origin {
                h.insert(header::ORIGIN, o.parse().unwrap());
            }
            if let Some(s) = fetch_site {
                h.insert(SEC_FETCH_SITE, s.parse().unwrap());
            }
            from_this_site(&h)
        };
        assert!(with(None, None));
        assert!(with(Some("https://dir.example:8443"), None));
        assert!(with(Some("https://dir.example:8443"), Some("same-origin")));
        assert!(!with(Some("http://dir.example:8443"), None));
        assert!(!with(Some("https://evil.example"), Some("same-origin")));
        assert!(with(Some("null"), Some("same-origin")));
        assert!(with(Some("null"), None));
        assert!(!with(Some("null"), Some("cross-site")));
        assert!(!with(Some("null"), Some("same-site")));
        assert!(!with(None, Some("cross-site")));
    }
}
