//! The contact-details form, shared by the admin console's user page and the person's own
//! account page (GDPR Art. 16, rectification): email, names and phone numbers, filled from
//! the user's view, checked into a `UserPatch`, and rendered with each error next to its field.
//! A new email address waits for confirmation from that address: [`pending`] shows it with
//! the buttons that send its link again or cancel the change.

use crate::pages::shell::{field_error, form_error};
use maud::{Markup, html};
use serde::Deserialize;
use skydir_core::CoreError;
use skydir_core::directory::Email;
use skydir_core::service::{PendingEmail, UserPatch, UserView};

/// The form's fields (plus its CSRF token).
#[derive(Debug, Deserialize, Default)]
pub struct ContactForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    /// One number per line.
    #[serde(default)]
    pub phones: String,
}

/// The fields a core error may name.
pub const FIELDS: [&str; 4] = ["email", "given_name", "family_name", "phones"];

fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl ContactForm {
    /// The form filled with what the caller may see of `u`.
    pub fn of(u: &UserView) -> Self {
        let c = u.contact.as_ref();
        Self {
            csrf: String::new(),
            email: c.map(|c| c.email.as_str().to_string()).unwrap_or_default(),
            given_name: c
                .and_then(|c| c.personal.given_name.get().clone())
                .unwrap_or_default(),
            family_name: c
                .and_then(|c| c.personal.family_name.get().clone())
                .unwrap_or_default(),
            phones: c
                .map(|c| c.personal.phones.get().join("\n"))
                .unwrap_or_default(),
        }
    }

    /// The change it asks for: every field set (an empty name clears it).
    pub fn patch(&self) -> Result<UserPatch, CoreError> {
        Ok(UserPatch {
            email: Some(Email::parse(&self.email)?),
            given_name: Some(optional(&self.given_name)),
            family_name: Some(optional(&self.family_name)),
            phones: Some(
                self.phones
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            ..UserPatch::default()
        })
    }

    /// The form posting to `action`, with a submit button saying `submit`.
    pub fn render(
        &self,
        action: &str,
        csrf: &str,
        submit: &str,
        error: Option<&(String, String)>,
    ) -> Markup {
        html! {
            (form_error(error, &FIELDS))
            form method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(csrf);
                p { label for="email" { "Email" } br; input #email name="email" type="email" required autocomplete="email" value=(self.email) aria-describedby="email-error"; (field_error(error, "email")) }
                p { label for="given_name" { "Given name" } br; input #given_name name="given_name" autocomplete="given-name" value=(self.given_name) aria-describedby="given_name-error"; (field_error(error, "given_name")) }
                p { label for="family_name" { "Family name" } br; input #family_name name="family_name" autocomplete="family-name" value=(self.family_name) aria-describedby="family_name-error"; (field_error(error, "family_name")) }
                p { label for="phones" { "Phone numbers (one per line)" } br; textarea #phones name="phones" rows="2" aria-describedby="phones-error" { (self.phones) } (field_error(error, "phones")) }
                p { button type="submit" { (submit) } }
            }
        }
    }
}

/// A new address waiting for confirmation, if `u` has one: what the account still uses, where
/// the link went and until when, and a form posting `action=resend|cancel` to `action`.
pub fn pending(u: &UserView, action: &str, csrf: &str) -> Markup {
    let Some(c) = &u.contact else {
        return html! {};
    };
    let Some(p) = &c.pending_email else {
        return html! {};
    };
    pending_of(&c.email, p, action, csrf)
}

fn pending_of(current: &Email, p: &PendingEmail, action: &str, csrf: &str) -> Markup {
    html! {
        div #pending-email role="status" {
            p {
                @if p.expired {
                    "The confirmation link mailed to " strong { (p.address.as_str()) } " expired on "
                    (p.expires_at.strftime("%Y-%m-%d %H:%M UTC")) ". "
                } @else {
                    "Waiting for confirmation at " strong { (p.address.as_str()) } ": the link mailed there works until "
                    (p.expires_at.strftime("%Y-%m-%d %H:%M UTC")) ". "
                }
                "Until it is opened the account keeps " (current.as_str()) "."
                @if p.by_admin { " An administrator asked for this change." }
            }
            form.inline method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" name="action" value="resend" { "Send the link again" }
                " "
                button type="submit" name="action" value="cancel" { "Cancel the change" }
            }
        }
    }
}
