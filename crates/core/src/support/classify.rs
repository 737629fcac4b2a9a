//! A first reading of a customer's free text, for tickets that arrive without a form: mail.
//!
//! The portal and the API ask for a category and the impact; a mail has only a subject and a
//! body. The desk still has to answer at once — with the policy's reason when a request is not
//! covered, and with a response target that depends on severity — so it takes a first guess
//! here, from explicit markers and then from words. Agents re-categorize and re-assess as
//! they work the ticket; the guess only has to be sensible, and it errs on the side of
//! *covering* a request (a wrong refusal costs more than a wrong acceptance).
//!
//! Explicit markers win over words: a line `Category: onboarding` or `Severity: S2` in the
//! body, or a `[category]` in the subject such as `[how_to]`.

use super::category::Category;
use super::security::SecurityRequest;
use super::severity::{Effect, Impact, Severity};

/// What the desk reads out of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub category: Category,
    /// Set when the message names its severity (`Severity: S2`).
    pub severity: Option<Severity>,
    pub impact: Impact,
    /// For account-security requests: what is asked, when the words say.
    pub security: Option<SecurityRequest>,
}

/// Lowercase text with runs of non-alphanumerics turned into single spaces and padded with
/// spaces, so phrases can be found on word boundaries with `contains(" word ")`.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '\'' {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if !space {
        out.push(' ');
    }
    out
}

fn any(hay: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| hay.contains(&format!(" {p} ")))
}

/// Any word starting with one of `stems`.
fn any_stem(hay: &str, stems: &[&str]) -> bool {
    stems.iter().any(|s| hay.contains(&format!(" {s}")))
}

/// The value of a `Name: value` line of `text` (case-insensitive name).
fn marker<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A `[category]` tag in the subject, e.g. `[how_to]` or `[Feedback]`.
fn subject_category(subject: &str) -> Option<Category> {
    let mut rest = subject;
    while let Some(i) = rest.find('[') {
        let after = &rest[i + 1..];
        let Some(j) = after.find(']') else { break };
        if let Ok(c) = Category::parse(&after[..j].replace([' ', '-'], "_")) {
            return Some(c);
        }
        rest = &after[j..];
    }
    None
}

/// What an account-security message asks for. Only requests count — "please reset",
/// "make her an admin", "delete our account" — not mentions: an admin writing "as an
/// administrator" or "bind fails with invalid password" is not asking for either.
pub fn security_request(text: &str) -> Option<SecurityRequest> {
    let w = words(text);
    if any_stem(&w, &["password", "passwd", "passphrase"])
        && any_stem(&w, &["reset", "chang", "forgot", "recover", "new password"])
        && !any(&w, &["password policy", "password expiry"])
    {
        return Some(SecurityRequest::ChangePassword);
    }
    let admin = any_stem(&w, &["admin"]);
    if admin
        && (any(&w, &["make", "promote", "elevate", "upgrade"])
            || any(
                &w,
                &[
                    "admin rights",
                    "admin role",
                    "admin access",
                    "admin privileges",
                    "administrator rights",
                    "administrator role",
                    "administrator access",
                    "administrator privileges",
                ],
            ))
    {
        return Some(SecurityRequest::MakeAdmin);
    }
    if any(
        &w,
        &[
            "delete our organization",
            "delete our organisation",
            "delete our org",
            "delete our company",
            "close our account",
            "cancel our account",
            "remove our account",
            "deletion of our",
            "delete our account",
        ],
    ) {
        return Some(SecurityRequest::DeleteOrganization);
    }
    if any(
        &w,
        &[
            "delete our",
            "delete my",
            "delete the account",
            "delete this account",
            "delete account",
            "delete the user",
            "delete user",
            "close our account",
            "close my account",
            "cancel our account",
            "remove our account",
            "remove my account",
            "deletion of our",
            "deletion of my",
        ],
    ) {
        return Some(SecurityRequest::DeleteAccount);
    }
    if any(
        &w,
        &[
            "add me to",
            "add him to",
            "add her to",
            "add them to",
            "add user to",
            "give me access",
            "give him access",
            "give her access",
            "give them access",
            "grant access",
            "grant me access",
        ],
    ) || (adds_someone_to_something(&w)
        && !any(
            &w,
            &["how do", "how can", "how to", "how should", "how would"],
        ))
    {
        return Some(SecurityRequest::AddToResource);
    }
    if any(
        &w,
        &[
            "who are the admins",
            "who is the admin",
            "who are the administrators",
            "list of users",
            "list of admins",
            "account information",
            "account details",
            "export our users",
        ],
    ) {
        return Some(SecurityRequest::DiscloseAccountInformation);
    }
    None
}

/// "add bob to the VPN group", "please add Ann Lee to wiki": the verb "add" and, within the
/// next four words, "to".
fn adds_someone_to_something(w: &str) -> bool {
    let t: Vec<&str> = w.split_whitespace().collect();
    t.iter().enumerate().any(|(i, x)| {
        (*x == "add" || *x == "adding")
            && t.iter()
                .skip(i + 2)
                .take(4)
                .any(|y| *y == "to" || *y == "into")
    })
}

/// Whether `text` reports something failing ("fails", "error 49", "does not work", "down" …)
/// rather than asking how to do something.
pub fn reads_as_failure(text: &str) -> bool {
    reads_as_failure_words(&words(text))
}

fn reads_as_failure_words(w: &str) -> bool {
    any_stem(
        w,
        &[
            "error",
            "fail",
            "crash",
            "bug",
            "exception",
            "timeout",
            "refus",
            "broke",
            "slow",
            "intermittent",
            "hang",
            "freez",
        ],
    ) || any(
        w,
        &[
            "does not work",
            "doesn't work",
            "not working",
            "stopped working",
            "cannot",
            "can't",
            "unable",
            "down",
            "outage",
            "timed out",
            "denied",
            "invalid",
            "wrong",
        ],
    )
}

/// The category the words suggest.
fn category_from_words(w: &str, security: Option<SecurityRequest>) -> Category {
    if security.is_some() {
        return Category::AccountSecurity;
    }
    if any(
        w,
        &[
            "feature request",
            "suggestion",
            "it would be nice",
            "would be great if",
            "feedback",
            "wish list",
        ],
    ) {
        return Category::Feedback;
    }
    if any(
        w,
        &[
            "my user",
            "i am a user",
            "i'm a user",
            "i am an employee",
            "i'm an employee",
            "my it department",
            "my company uses",
        ],
    ) {
        return Category::EndUserSupport;
    }
    if any_stem(w, &["customiz", "customis", "white label", "rebrand"])
        || any(
            w,
            &["custom build", "custom feature", "build us", "build for us"],
        )
    {
        return Category::Customization;
    }
    if any(
        w,
        &[
            "professional services",
            "consulting",
            "consultant",
            "implement it for us",
            "do the implementation",
            "set it up for us",
            "set everything up for us",
        ],
    ) {
        return Category::ProfessionalServices;
    }
    if any_stem(
        w,
        &[
            "train", "onboard", "on board", "migrat", "rollout", "roll out",
        ],
    ) || any(w, &["implementation plan", "getting started session"])
    {
        return Category::Onboarding;
    }
    if any(
        w,
        &[
            "tacacs",
            "kerberos",
            "ntlm",
            "novell",
            "edirectory",
            "active directory trust",
            "fax",
            "mainframe",
            "as400",
            "ldap v2",
            "ldapv2",
        ],
    ) {
        return Category::UnsupportedIntegration;
    }
    let broken = reads_as_failure_words(w);
    let integration = any_stem(
        w,
        &[
            "ldap", "ldaps", "radius", "saml", "sso", "oidc", "scim", "openid", "wifi", "wi fi",
            "vpn", "sssd", "nslcd", "pam ", "802",
        ],
    );
    match (broken, integration) {
        (true, _) => Category::Defect,
        (false, true) => Category::Integration,
        (false, false) => Category::HowTo,
    }
}

/// The impact the words suggest for an issue of `category`.
fn impact_from_words(w: &str, category: Category) -> Impact {
    let workaround = any(w, &["workaround", "work around", "worked around"]);
    if !category.is_issue() {
        return Impact {
            effect: Effect::None,
            actively_used: true,
            workaround,
        };
    }
    let blocked = any(
        w,
        &[
            "outage",
            "down",
            "nobody can",
            "no one can",
            "no users can",
            "all users",
            "everyone",
            "completely",
            "entirely",
            "cannot log in",
            "can't log in",
            "cannot login",
            "can't login",
            "locked out",
            "blocked",
            "urgent",
            "production is",
            "critical",
        ],
    );
    let degraded = any_stem(
        w,
        &[
            "slow",
            "intermittent",
            "sometimes",
            "occasional",
            "some users",
            "degraded",
            "delay",
        ],
    );
    let test_only = any(
        w,
        &[
            "test lab",
            "testing environment",
            "test environment",
            "pilot",
            "staging",
            "proof of concept",
            "poc",
        ],
    );
    let effect = if blocked {
        Effect::Blocked
    } else if degraded {
        Effect::Degraded
    } else {
        Effect::Minor
    };
    Impact {
        effect,
        actively_used: !test_only,
        workaround,
    }
}

/// Reads a subject and body.
pub fn read(subject: &str, body: &str) -> Reading {
    let all = format!("{subject}\n{body}");
    let w = words(&all);
    let security = security_request(&all);
    let category = marker(body, "category")
        .and_then(|v| Category::parse(&v.replace([' ', '-'], "_")).ok())
        .or_else(|| subject_category(subject))
        .unwrap_or_else(|| category_from_words(&w, security));
    let severity = marker(body, "severity").and_then(|v| Severity::parse(v).ok());
    Reading {
        category,
        severity,
        impact: impact_from_words(&w, category),
        security: if category == Category::AccountSecurity {
            security
        } else {
            None
        },
    }
}

/// Which part of a message a heading line starts, if it is one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Troubleshooting,
    Errors,
    Other,
}

/// Whether `line` is a heading (`Troubleshooting:`, `Error messages:` …) and of which part;
/// the text after its colon belongs to the part.
fn heading(line: &str) -> Option<(Part, &str)> {
    let (head, rest) = line.split_once(':')?;
    let h = head
        .trim()
        .trim_start_matches(['#', '*', '-', ' '])
        .to_lowercase();
    if h.is_empty() || h.split_whitespace().count() > 5 {
        return None;
    }
    let part = if [
        "troubleshooting",
        "steps taken",
        "what i tried",
        "what we tried",
        "tried",
        "already tried",
        "actions taken",
    ]
    .iter()
    .any(|k| h.starts_with(k))
    {
        Part::Troubleshooting
    } else if [
        "error",
        "errors",
        "error message",
        "error messages",
        "log",
        "logs",
        "output",
        "exception",
    ]
    .iter()
    .any(|k| h.starts_with(k))
    {
        Part::Errors
    } else if [
        "description",
        "issue",
        "problem",
        "details",
        "summary",
        "expected",
        "steps to reproduce",
        "system",
        "hostname",
        "category",
        "severity",
    ]
    .iter()
    .any(|k| h.starts_with(k))
    {
        Part::Other
    } else {
        return None;
    };
    Some((part, rest))
}

/// The troubleshooting already taken and the error messages in a free-form message: the
/// text under headings such as `Troubleshooting:` and `Error messages:`, and otherwise the
/// lines that read like them ("we restarted…", "…failed with error 49").
pub fn sections(text: &str) -> (String, String) {
    // Text under headings, and lines that merely read like each part; headings win.
    let (mut trouble, mut errors) = (Vec::new(), Vec::new());
    let (mut trouble_guess, mut errors_guess) = (Vec::new(), Vec::new());
    let mut current: Option<Part> = None;
    for line in text.lines() {
        if line.trim_start().starts_with('>') {
            continue; // quoted earlier mail
        }
        if let Some((part, rest)) = heading(line) {
            current = Some(part);
            let rest = rest.trim();
            if !rest.is_empty() {
                match part {
                    Part::Troubleshooting => trouble.push(rest.to_string()),
                    Part::Errors => errors.push(rest.to_string()),
                    Part::Other => {}
                }
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        match current {
            Some(Part::Troubleshooting) => trouble.push(t.to_string()),
            Some(Part::Errors) => errors.push(t.to_string()),
            _ => {
                let w = words(t);
                if any(
                    &w,
                    &[
                        "i tried",
                        "we tried",
                        "i have tried",
                        "we have tried",
                        "i've tried",
                        "we've tried",
                    ],
                ) || any_stem(
                    &w,
                    &[
                        "restart",
                        "reinstall",
                        "reboot",
                        "re install",
                        "cleared",
                        "rolled back",
                        "checked",
                    ],
                ) {
                    trouble_guess.push(t.to_string());
                }
                if any_stem(&w, &["error", "exception", "fail", "denied", "refus"])
                    || t.contains("code=")
                    || t.contains("err=")
                {
                    errors_guess.push(t.to_string());
                }
            }
        }
    }
    let pick = |found: Vec<String>, guessed: Vec<String>| {
        if found.is_empty() { guessed } else { found }.join("\n")
    };
    (pick(trouble, trouble_guess), pick(errors, errors_guess))
}

#[cfg(test)]
mod tests;
