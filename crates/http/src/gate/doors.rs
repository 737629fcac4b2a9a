//! Which budget a request spends besides the unauthenticated one, by the route it matched.
//! Only writes count (a form shown is not a form sent); the lists are checked against the
//! route tables by the test kit, so renaming a route cannot quietly take its limit away.

use axum::http::Method;

/// The doors that verify a password (and a second factor): they spend the failure budget,
/// which is checked before the password is.
pub const SIGN_IN: &[&str] = &["/api/v1/auth/login", "/portal/login", "/staff/login"];

/// The doors that send mail or redeem an emailed link's token: forgot-password, the public
/// data request, invitations, resets and the other links.
pub const STRICT: &[&str] = &[
    "/portal/forgot",
    "/portal/reset/{token}",
    "/portal/invitation/{token}",
    "/portal/email/{token}",
    "/api/v1/auth/password",
    "/api/v1/auth/email",
    "/privacy/request",
    "/privacy/request/confirm/{token}",
    "/api/v1/privacy/data-requests",
    "/api/v1/privacy/data-requests/verify",
    "/verify/{token}",
    "/org-deletion/{token}",
];

/// The kind of door a request knocks on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    SignIn,
    Strict,
    Other,
}

/// The door of a request to the route template `route`.
pub fn door(method: &Method, route: Option<&str>) -> Door {
    let Some(route) = route else {
        return Door::Other;
    };
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return Door::Other;
    }
    if SIGN_IN.contains(&route) {
        Door::SignIn
    } else if STRICT.contains(&route) {
        Door::Strict
    } else {
        Door::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_writes_to_the_listed_doors_are_counted() {
        assert_eq!(door(&Method::POST, Some("/portal/login")), Door::SignIn);
        assert_eq!(door(&Method::GET, Some("/portal/login")), Door::Other);
        assert_eq!(door(&Method::POST, Some("/portal/forgot")), Door::Strict);
        assert_eq!(door(&Method::POST, Some("/api/v1/orgs")), Door::Other);
        assert_eq!(door(&Method::POST, None), Door::Other);
    }
}
