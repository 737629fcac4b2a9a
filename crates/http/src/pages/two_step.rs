//! The "Two-step login" section of an account page — a user's (`/portal/profile`) and a staff
//! member's (`/staff/account`) — in its three states: off (a button to set it up), being set
//! up (the key to type in or open, and the first code), on (a current code turns it off). The
//! forms post to `{action}`, `{action}/confirm` and `{action}/remove`.

use crate::pages::shell::{field_error, form_error};
use maud::{Markup, html};
use skydir_core::CoreError;
use skydir_core::service::TotpProvisioning;

/// What the section shows.
pub struct TwoStep<'a> {
    /// Where its forms post, e.g. `/portal/profile/totp`.
    pub action: &'a str,
    pub csrf: &'a str,
    /// A confirmed authenticator is enrolled.
    pub on: bool,
    /// A fresh enrolment's key, shown once.
    pub provisioning: Option<&'a TotpProvisioning>,
    /// The error of the last attempt, as (field, message).
    pub error: Option<&'a (String, String)>,
    /// Why it cannot be set up yet, if it cannot (instead of the button).
    pub blocked: Option<&'a str>,
}

/// The section's markup.
pub fn section(t: &TwoStep<'_>) -> Markup {
    let err = t.error;
    html! {
        section aria-labelledby="totp-h" {
            h2 #totp-h { "Two-step login" }
            (form_error(err, &["code"]))
            @if let Some(p) = t.provisioning {
                p { "Add this account to your authenticator app, then enter the six-digit code it shows to finish." }
                p { "Key to type in: " code #totp-secret { (p.secret_base32.expose()) } }
                p { a href=(p.uri.expose()) { "Open in an authenticator app on this device" } }
                form method="post" action={ (t.action) "/confirm" } novalidate {
                    input type="hidden" name="csrf" value=(t.csrf);
                    p { label for="code" { "Code from the app" } br; input #code name="code" inputmode="numeric" autocomplete="one-time-code" required aria-describedby="code-error"; (field_error(err, "code")) }
                    p { button type="submit" { "Turn on two-step login" } }
                }
            } @else if t.on {
                p #totp-state { "On: logging in asks for a code from your authenticator app." }
                form method="post" action={ (t.action) "/remove" } novalidate {
                    input type="hidden" name="csrf" value=(t.csrf);
                    p { label for="code" { "Current code, to turn it off" } br; input #code name="code" inputmode="numeric" autocomplete="one-time-code" required aria-describedby="code-error"; (field_error(err, "code")) }
                    p { button.danger type="submit" { "Turn off two-step login" } }
                }
            } @else {
                p #totp-state { "Off. With it on, a stolen password alone cannot open your account." }
                @if let Some(why) = t.blocked {
                    p.hint #totp-blocked { (why) }
                } @else {
                    @if err.is_some() { p { (field_error(err, "code")) " Set it up again to get a new key." } }
                    form method="post" action=(t.action) {
                        input type="hidden" name="csrf" value=(t.csrf);
                        button type="submit" { "Set up two-step login" }
                    }
                }
            }
        }
    }
}

/// A code's error, said beside the code field (the core names it `totp`).
pub fn code_error(e: CoreError) -> CoreError {
    match e {
        CoreError::Invalid { reason, .. } => CoreError::invalid("code", reason),
        other => other,
    }
}
