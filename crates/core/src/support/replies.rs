//! The desk's automatic answers, in the words customers read.
//!
//! The support policy makes promises the desk keeps in writing: every automatic answer says
//! when to expect a response (or why there will be none), what support does not cover and
//! where to go instead, and ends with the support hours, the contact addresses and the way to
//! the knowledge base and the policy. An acknowledgement carries the policy's checklist of
//! ticket details — what was received, what is missing (and whether the work waits for it),
//! what is not needed for this ticket — so the customer sees the whole list without being
//! held for items that do not apply. The sentences about eligibility,
//! severity, versions and completeness come from the rules' own modules; this one arranges
//! them into messages.

use super::desk::DeskPolicy;
use super::eligibility::{Eligibility, Queue};
use super::intake::{ChecklistItem, ItemState};
use super::lifecycle::Lifecycle;
use super::mail::ticket_tag;
use super::security::SecurityHandling;
use super::triage::Triage;
use jiff::{SignedDuration, Timestamp};
use std::fmt::Write as _;

/// A knowledge-base article suggested to the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub title: String,
    pub url: String,
}

/// When the first response is expected, as the SLA clock reads right after intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The clock runs: a response is due by this instant.
    By(Timestamp),
    /// The clock is paused until the customer answers; then this much business time.
    AfterAnswer(SignedDuration),
    /// No response is coming: the request was answered already.
    Answered,
}

/// What an acknowledgement is about.
#[derive(Debug, Clone)]
pub struct Ack<'a> {
    pub number: u64,
    pub subject: &'a str,
    /// How to greet the requester (their given name, or nothing).
    pub greeting_name: Option<&'a str>,
    pub triage: &'a Triage,
    pub expect: Expect,
    /// For an account-security request: how support handles what was asked.
    pub security: Option<&'a SecurityHandling>,
    pub suggestions: &'a [Suggestion],
    /// Attachments that were not kept, with the reason.
    pub dropped: &'a [String],
    /// The request came by mail that could not be authenticated.
    pub unverified_mail: bool,
    /// The org's dedicated specialist (JumpStart), by handle, when one is named.
    pub specialist: Option<&'a str>,
}

/// A business duration in words: "4 business hours", "2 business days" (8-hour days).
pub fn business_duration(d: SignedDuration) -> String {
    let minutes = d.as_secs().max(0) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 && h >= 8 && h % 8 == 0 {
        let days = h / 8;
        return format!("{days} business day{}", if days == 1 { "" } else { "s" });
    }
    match (h, m) {
        (0, m) => format!("{m} business minute{}", if m == 1 { "" } else { "s" }),
        (h, 0) => format!("{h} business hour{}", if h == 1 { "" } else { "s" }),
        (h, m) => format!("{h} h {m} min of business time"),
    }
}

/// An instant in the calendar's zone, e.g. "Monday 2 March 2026, 10:00 MST".
pub fn local_time(policy: &DeskPolicy, t: Timestamp) -> String {
    t.to_zoned(policy.calendar.time_zone().clone())
        .strftime("%A %-d %B %Y, %H:%M %Z")
        .to_string()
}

/// The closing every automatic answer carries: hours, contacts, knowledge base and policy.
pub fn footer(policy: &DeskPolicy) -> String {
    let c = &policy.contacts;
    format!(
        "Support hours: {hours}.\n\
         Support: {support} · Sales and Customer Success: {sales} · Feedback: {feedback}\n\
         Knowledge Base (no login needed): {url}/kb\n\
         Our support policy: {url}/kb/support-policy\n\
         Support requests are accepted from the active administrators of an organization.",
        hours = policy.hours_text(),
        support = c.support,
        sales = c.sales,
        feedback = c.feedback,
        url = c.public_url,
    )
}

fn greeting(name: Option<&str>) -> String {
    match name {
        Some(n) if !n.trim().is_empty() => format!("Hello {},\n\n", n.trim()),
        _ => "Hello,\n\n".to_string(),
    }
}

/// The subject of every mail about ticket `number`: the tag first, so replies thread.
pub fn ticket_subject(number: u64, subject: &str) -> String {
    format!("{} {subject}", ticket_tag(number))
}

/// The acknowledgement of a new ticket: subject and text.
pub fn acknowledgement(policy: &DeskPolicy, a: &Ack<'_>) -> (String, String) {
    let t = a.triage;
    let mut s = greeting(a.greeting_name);
    let _ = writeln!(
        s,
        "Thank you for contacting support. Your request \"{}\" has been recorded as ticket #{}.",
        a.subject, a.number
    );
    s.push('\n');
    match &t.eligibility {
        Eligibility::NotCovered { reason, remedy } => {
            let _ = writeln!(s, "{reason}\n{remedy}");
            s.push_str(
                "\nWe have marked this ticket as answered. If we have misunderstood your \
                 request, simply reply to this message and it will be reopened.\n",
            );
        }
        Eligibility::RoutedToSales { reason } => {
            let _ = writeln!(s, "{reason}");
        }
        Eligibility::Covered { queue } => {
            let def = policy.severities.get(t.severity);
            let _ = writeln!(
                s,
                "Severity: {} ({}) — {}",
                t.severity, def.name, def.definition
            );
            if *queue == Queue::DedicatedSpecialist {
                match a.specialist {
                    Some(name) => {
                        let _ = writeln!(
                            s,
                            "Your JumpStart trial includes a dedicated support specialist: \
                             {name} will handle this ticket."
                        );
                    }
                    None => s.push_str(
                        "Your JumpStart trial includes a dedicated support specialist, who will \
                         handle this ticket.\n",
                    ),
                }
            }
            if *queue == Queue::Feedback {
                s.push_str(
                    "Thank you for your feedback: it goes to our product team, who read every \
                     message.\n",
                );
            }
        }
    }
    if let Some(security) = a.security {
        s.push('\n');
        match security {
            SecurityHandling::Never { reason, instead } => {
                let _ = writeln!(s, "{reason} {instead}");
            }
            SecurityHandling::VerifiedRequestOnly { reason } => {
                let _ = writeln!(
                    s,
                    "{reason} An agent will start the verification: every active \
                     administrator of your organization will receive a confirmation request, \
                     and nothing is done until one of them confirms it."
                );
            }
        }
    }
    if let Some(lifecycle) = &t.lifecycle
        && let Some(text) = lifecycle_text(lifecycle)
    {
        let _ = writeln!(s, "\n{text}");
    }
    if !t.checklist.is_empty() {
        s.push('\n');
        s.push_str(&checklist_text(&t.checklist));
    }
    if !a.dropped.is_empty() {
        s.push_str("\nThese attachments could not be kept:\n");
        for d in a.dropped {
            let _ = writeln!(s, "- {d}");
        }
    }
    s.push('\n');
    match a.expect {
        Expect::By(due) => {
            let _ = writeln!(
                s,
                "You can expect a first response by {}{}.",
                local_time(policy, due),
                if t.best_effort {
                    " (a best-effort target on your plan)"
                } else {
                    ""
                }
            );
        }
        Expect::AfterAnswer(d) => {
            let _ = writeln!(
                s,
                "Once you reply, you can expect a first response within {}{}.",
                business_duration(d),
                if t.best_effort {
                    " (a best-effort target on your plan)"
                } else {
                    ""
                }
            );
        }
        Expect::Answered => {}
    }
    if a.unverified_mail {
        s.push_str(
            "\nWe could not confirm that this message really came from your address, so we \
             will not disclose or change anything about your account on its strength.\n",
        );
    }
    if !a.suggestions.is_empty() {
        s.push_str("\nThese Knowledge Base articles may already help:\n");
        for sug in a.suggestions {
            let _ = writeln!(s, "- {}: {}", sug.title, sug.url);
        }
    }
    let _ = write!(
        s,
        "\nPlease keep {} in the subject when you reply.\n\n-- \n{}\n",
        ticket_tag(a.number),
        footer(policy)
    );
    (ticket_subject(a.number, a.subject), s)
}

/// The policy's checklist as the customer reads it, with what follows from it: the ticket
/// waits only for an item marked as needed.
pub fn checklist_text(items: &[ChecklistItem]) -> String {
    let mut s = String::from("What our support policy asks each request to include:\n");
    let (mut blocking, mut helping) = (false, false);
    for i in items {
        let name = i.detail.policy_name();
        let _ = match &i.state {
            ItemState::Received => writeln!(s, "[x] {name}: received."),
            ItemState::Missing {
                request,
                blocking: true,
            } => {
                blocking = true;
                writeln!(s, "[ ] {name} (needed before we can start): {request}")
            }
            ItemState::Missing { request, .. } => {
                helping = true;
                writeln!(s, "[ ] {name}: {request}")
            }
            ItemState::NotNeeded { why } => writeln!(s, "[-] {name}: {why}."),
        };
    }
    if blocking {
        s.push_str(
            "Until we have what is marked as needed, your ticket waits for you and its response \
             time does not run.\n",
        );
    } else if helping {
        s.push_str(
            "We are working on your ticket without the missing items; sending them helps us \
             resolve it sooner.\n",
        );
    }
    s
}

/// The sentence asking for an update, when the system's standing calls for one.
fn lifecycle_text(l: &Lifecycle) -> Option<String> {
    match l {
        Lifecycle::Supported => None,
        Lifecycle::EndOfLife {
            what,
            since,
            advice,
        } => Some(format!(
            "{what} reached its end of life on {since}. Our policy is to ask you to update \
             systems that are end of life before we provide support. {advice}"
        )),
        Lifecycle::OutOfDate {
            what,
            minimum,
            advice,
        } => Some(format!(
            "{what} is older than the oldest supported version ({minimum}). Our policy is to \
             ask you to update unpatched or out-of-date systems before we provide support. \
             {advice}"
        )),
        Lifecycle::Unlisted { what, advice } => Some(format!(
            "{what} is not in our list of supported versions. {advice}"
        )),
    }
}

/// To a user of a known org who is not one of its active admins.
pub fn not_an_admin(policy: &DeskPolicy) -> String {
    format!(
        "Hello,\n\nThank you for your message. Support requests are accepted from the active \
         administrators of your organization, and end-user support goes through them: please \
         ask your IT administrator, who can contact us on your behalf.\n\nMany questions are \
         answered in our Knowledge Base, which is open to everyone.\n\n-- \n{}\n",
        footer(policy)
    )
}

/// To a sender the desk does not know.
pub fn unknown_sender(policy: &DeskPolicy) -> String {
    format!(
        "Hello,\n\nThank you for your message. We could not find an organization that this \
         address administers, so we have not opened a ticket.\n\nHow to get support: \
         requests are accepted from the active administrators of an organization, from the \
         address recorded for them. If you use the service through your employer, please ask \
         your IT administrator. If you administer an organization under another address, \
         please write from that address. To become a customer, contact {sales}.\n\nOur \
         Knowledge Base is open to everyone, no login needed.\n\n-- \n{footer}\n",
        sales = policy.contacts.sales,
        footer = footer(policy)
    )
}

/// To an admin of several orgs whose mail does not say which one it is about.
pub fn which_org(policy: &DeskPolicy) -> String {
    let (local, domain) = policy
        .contacts
        .support
        .rsplit_once('@')
        .unwrap_or(("support", "skydir.localhost"));
    format!(
        "Hello,\n\nThank you for your message. Your address administers more than one \
         organization, so we cannot tell which one this request is about. Please send it \
         again to {local}+<organization>@{domain}, where <organization> is the short name \
         (slug) of the organization, for example {local}+acme@{domain}.\n\n-- \n{}\n",
        footer(policy)
    )
}

#[cfg(test)]
mod tests;
