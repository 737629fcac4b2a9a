//! The knowledge base: articles the public reads without logging in ("Knowledge Base:
//! Available to all. No login required."), internal articles for agents, and the three pages
//! the support policy points customers to — the support policy itself, the supported versions
//! ("For a current list of the versions … we support, please check our Knowledge Base") and the
//! supported protocols and resources ("check our Knowledge Base for officially supported
//! resource integrations and protocol support"). Those three are *built in*: generated from the
//! desk's policy data ([`builtin`]), so they can never disagree with what the desk enforces.
//!
//! Article bodies are plain text with a tiny, safe layout: blank lines separate paragraphs,
//! `# ` starts a heading, `- ` a list item, `| a | b |` lines form a table. Pages render that;
//! nothing in an article is ever interpreted as HTML.

use super::desk::DeskPolicy;
use super::record::Visibility;
use super::severity::Severity;
use super::targets::PlanClass;
use crate::directory::Name;
use crate::error::{CoreError, CoreResult};
use crate::ids::{ArticleId, StaffId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Longest article body (bytes).
pub const MAX_BODY_BYTES: usize = 100 * 1024;

/// What an article is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KbCategory {
    GettingStarted,
    Directory,
    Ldap,
    Networks,
    Applications,
    Systems,
    Security,
    Troubleshooting,
    Policies,
}

impl KbCategory {
    /// Every category, in the order pages list them.
    pub const ALL: [KbCategory; 9] = [
        Self::GettingStarted,
        Self::Directory,
        Self::Ldap,
        Self::Networks,
        Self::Applications,
        Self::Systems,
        Self::Security,
        Self::Troubleshooting,
        Self::Policies,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GettingStarted => "getting_started",
            Self::Directory => "directory",
            Self::Ldap => "ldap",
            Self::Networks => "networks",
            Self::Applications => "applications",
            Self::Systems => "systems",
            Self::Security => "security",
            Self::Troubleshooting => "troubleshooting",
            Self::Policies => "policies",
        }
    }

    /// The heading shown to readers.
    pub fn title(self) -> &'static str {
        match self {
            Self::GettingStarted => "Getting started",
            Self::Directory => "Users, groups and the directory",
            Self::Ldap => "LDAP",
            Self::Networks => "Networks and RADIUS",
            Self::Applications => "Applications and single sign-on",
            Self::Systems => "Systems and the agent",
            Self::Security => "Security and privacy",
            Self::Troubleshooting => "Troubleshooting",
            Self::Policies => "Support policies",
        }
    }

    /// Parses a wire name; the error lists the valid ones.
    pub fn parse(s: &str) -> CoreResult<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|c| c.as_str()).collect();
                CoreError::invalid(
                    "category",
                    format!(
                        "unknown category '{s}'; expected one of {}",
                        names.join(", ")
                    ),
                )
            })
    }
}

/// An article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    /// The article's address: `/kb/<slug>`.
    pub slug: Name,
    pub title: String,
    pub body: String,
    pub category: KbCategory,
    /// Public (anyone) or internal (agents only).
    pub visibility: Visibility,
    pub tags: Vec<String>,
    /// Generated from the desk's policy data; not editable.
    pub builtin: bool,
    pub author: Option<StaffId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An article to write.
#[derive(Debug, Clone)]
pub struct ArticleInput {
    pub title: String,
    pub body: String,
    pub category: KbCategory,
    pub visibility: Visibility,
    pub tags: Vec<String>,
}

impl ArticleInput {
    /// Checks and tidies the fields (trimmed title, tags lowercase, unique, at most 20).
    pub fn checked(mut self) -> CoreResult<Self> {
        self.title = self.title.trim().to_string();
        if self.title.is_empty() || self.title.chars().count() > 200 {
            return Err(CoreError::invalid("title", "must be 1-200 characters"));
        }
        if self.title.chars().any(char::is_control) {
            return Err(CoreError::invalid("title", "must be one line"));
        }
        if self.body.trim().is_empty() {
            return Err(CoreError::invalid("body", "must not be empty"));
        }
        if self.body.len() > MAX_BODY_BYTES {
            return Err(CoreError::invalid(
                "body",
                format!("must be at most {} KiB", MAX_BODY_BYTES / 1024),
            ));
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &self.tags {
            let t = t.trim().to_lowercase();
            if t.is_empty() || t.chars().count() > 40 || t.chars().any(char::is_control) {
                return Err(CoreError::invalid(
                    "tags",
                    "each tag must be 1-40 characters on one line",
                ));
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if tags.len() > 20 {
            return Err(CoreError::invalid("tags", "at most 20 tags"));
        }
        self.tags = tags;
        Ok(self)
    }
}

/// The words of a search: lowercase letters and digits, at least two characters, at most
/// twelve words (more say nothing a search engine can use). Never any query syntax, so the
/// store can hand them to its full-text engine verbatim.
pub fn search_terms(q: &str) -> Vec<String> {
    const STOP: &[&str] = &[
        "the", "and", "for", "with", "how", "do", "does", "can", "to", "of", "in", "on", "is",
        "are", "we", "our", "my", "it", "an", "be", "what", "why", "when", "please", "you", "your",
        "this", "that", "from", "at", "or", "as", "by", "have", "has", "not", "no", "help",
        "thanks", "thank", "hello", "hi", "since", "all", "any",
    ];
    let mut out: Vec<String> = Vec::new();
    for w in q
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !STOP.contains(&w.as_str()))
    {
        if !out.contains(&w) {
            out.push(w);
        }
        if out.len() == 12 {
            break;
        }
    }
    out
}

/// How a search matches its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Every word (a reader's search box).
    All,
    /// Any word, best first (suggestions from a ticket's text).
    Any,
}

/// The built-in articles, generated from `policy`.
pub fn builtin(policy: &DeskPolicy) -> CoreResult<Vec<(Name, ArticleInput)>> {
    Ok(vec![
        (Name::parse("support-policy")?, support_policy(policy)),
        (
            Name::parse("supported-versions")?,
            supported_versions(policy),
        ),
        (Name::parse("supported-protocols")?, supported_protocols()),
    ])
}

fn hours(d: jiff::SignedDuration) -> String {
    super::replies::business_duration(d)
}

fn support_policy(p: &DeskPolicy) -> ArticleInput {
    let c = &p.contacts;
    let mut b = String::new();
    let _ = write!(
        b,
        "We are committed to the success of our customers. This page sets out who our support \
         serves, what it includes, how to reach it, when it is open and how fast it answers.\n\n\
         # Support eligibility\n\n\
         - Paying customers (monthly or annual plans) receive full support assistance.\n\
         - Free accounts receive support assistance, Knowledge Base access, and research and \
         analysis of critical defects that affect the customer base.\n\
         - JumpStart trial participants receive everything paying customers do, from a \
         dedicated support specialist, with unlimited users for the duration of the trial.\n\n\
         # Support includes\n\n\
         - Product defect and issue triaging, analysis and resolution.\n\
         - Product integration assistance with resources through our supported protocols (see \
         Supported protocols and resources).\n\
         - Product training, implementation and migration services are provided by our \
         Customer Success team: contact {sales}.\n\n\
         # Support does not include\n\n\
         - End-user support: your organization's users go through its administrators.\n\
         - Product on-boarding, training or migration planning for free accounts.\n\
         - Product customizations.\n\
         - Resource integration assistance through unsupported protocols, equipment or software.\n\
         - Professional services or product implementation.\n\
         - Support communication in languages other than English.\n\n\
         A request support does not cover is answered with the reason and where to go instead; \
         it is never silently dropped.\n\n\
         # Contacting support\n\n\
         Requests are accepted from the active administrators of an organization. Further \
         verification of your identity may be required for security reasons.\n\n\
         - Email: write to {support}. Please include a detailed description of the issue, the \
         troubleshooting actions you have taken, the pertinent error messages and screenshots, \
         and the applicable logs of the affected system — those its client writes: for a Linux \
         host joined over LDAP with SSSD, {sssd}/sssd_<domain>.log, {sssd}/sssd_nss.log and \
         {sssd}/sssd_pam.log; with nslcd, the output of journalctl -u nslcd. An application \
         connected over LDAP writes its own log. A question needs only the question: we start \
         on it at once.\n\
         - Portal and API: open a ticket as an administrator of your organization.\n\
         - Knowledge Base: available to all, no login required.\n\n\
         If you administer several organizations, write to the plus-address of the one the \
         request is about, e.g. {plus}.\n\n\
         # Hours of support operation\n\n\
         {hours}.\n\n\
         # Issue prioritization and response targets\n\n\
         Support is direct and severity based: issues that stop you from using the service with \
         resources your business actively depends on take priority. Targets count business \
         time within the hours above; on free plans they are best-effort aims.\n\n",
        sales = c.sales,
        support = c.support,
        sssd = super::intake::SSSD_LOG_DIR,
        plus = plus_address(&c.support),
        hours = p.hours_text(),
    );
    b.push_str("| Severity | Definition | First response (paying) | Resolution (paying) | First response (free) | Resolution (free) |\n");
    for s in Severity::ALL {
        let d = p.severities.get(s);
        let paying = p.targets.for_class(PlanClass::Paying, s);
        let free = p.targets.for_class(PlanClass::Free, s);
        let _ = writeln!(
            b,
            "| {s} {} | {} | {} | {} | {} | {} |",
            d.name,
            d.definition,
            hours(paying.first_response),
            hours(paying.resolution),
            hours(free.first_response),
            hours(free.resolution)
        );
    }
    let _ = write!(
        b,
        "\n# Support limitations\n\n\
         We make reasonable efforts to correct any issue related to our product, but cannot \
         guarantee compatibility with every resource in customer environments, nor be \
         responsible for third-party resources or resources that cannot connect through our \
         documented protocols. If your systems are end of life, unpatched or otherwise out of \
         date, we ask you to update them before we provide support (see Supported versions).\n\n\
         # Support and the security of your account\n\n\
         - Nobody on our staff can see or access your password, or change it for you or to \
         something you tell us. We will never ask you for your password. Passwords are hashed \
         and salted with Argon2id.\n\
         - We never add anyone to a resource your organization controls, whoever asks: your \
         administrators grant access.\n\
         - Deleting your account, disclosing account information and making a user an \
         administrator happen only on a verified request: every active administrator of your \
         organization is asked to confirm, and nothing is done until one does.\n\n\
         # Feedback\n\n\
         We appreciate your feedback if anything is not up to standard: write to {feedback} \
         or {support}, and rate the answer to any resolved ticket.\n",
        feedback = c.feedback,
        support = c.support,
    );
    ArticleInput {
        title: "Support policy".into(),
        body: b,
        category: KbCategory::Policies,
        visibility: Visibility::Public,
        tags: vec![
            "support".into(),
            "policy".into(),
            "sla".into(),
            "hours".into(),
        ],
    }
}

fn plus_address(support: &str) -> String {
    match support.rsplit_once('@') {
        Some((l, d)) => format!("{l}+<organization>@{d}"),
        None => support.to_string(),
    }
}

fn supported_versions(p: &DeskPolicy) -> ArticleInput {
    let spec = p.versions.spec();
    let mut b = String::from(
        "Systems must run a supported, patched operating system (and, where a system reports \
         a skydir agent, a supported agent version). A ticket about a system that is end of \
         life, unpatched or otherwise out of date is answered with a request to update it \
         first.\n",
    );
    for (family, v) in [
        ("Windows", &spec.windows),
        ("macOS", &spec.macos),
        ("Linux", &spec.linux),
    ] {
        let _ = write!(
            b,
            "\n# {family}\n\nOldest supported skydir agent: {}.\n\n\
             | Platform | Release | Versions | Oldest supported patch | End of life |\n",
            v.agent_minimum
        );
        for platform in &v.platforms {
            for r in &platform.releases {
                let _ = writeln!(
                    b,
                    "| {} | {} | {} to before {} | {} | {} |",
                    platform.name,
                    r.name,
                    r.from,
                    r.before,
                    r.minimum
                        .as_ref()
                        .map_or_else(|| "-".to_string(), ToString::to_string),
                    r.end_of_life
                        .map_or_else(|| "not announced".to_string(), |d| d.to_string()),
                );
            }
        }
    }
    b.push_str("\nA system whose version is not listed is not refused: support asks about it.\n");
    ArticleInput {
        title: "Supported versions".into(),
        body: b,
        category: KbCategory::Policies,
        visibility: Visibility::Public,
        tags: vec![
            "versions".into(),
            "end of life".into(),
            "windows".into(),
            "macos".into(),
            "linux".into(),
            "agent".into(),
        ],
    }
}

fn supported_protocols() -> ArticleInput {
    ArticleInput {
        title: "Supported protocols and resources".into(),
        body: "Support helps you integrate resources through these protocols. Integration \
               through other protocols, equipment or software is not included in support.\n\n\
               # Supported today\n\n\
               - LDAP v3 (RFC 4510-4519): LDAPS on port 6360 and StartTLS on port 3890; simple \
               bind for users and per-organization LDAP service accounts; the full filter \
               language, paged results, WhoAmI and Password Modify. Tested with OpenLDAP's \
               ldapsearch and ldappasswd, SSSD and nslcd, Python ldap3 and application LDAP \
               connectors.\n\
               - REST API under /api/v1 with its OpenAPI document at /api/v1/openapi.json.\n\
               - Email to the support address, for support requests.\n\n\
               # On the roadmap (not yet supported)\n\n\
               - SCIM 2.0 provisioning.\n\
               - RADIUS (PAP, then EAP) for networks and Wi-Fi.\n\
               - OpenID Connect and SAML 2.0 single sign-on.\n\
               - The system agent for Linux, macOS and Windows.\n\n\
               # Supported resources\n\n\
               - Systems: Windows, macOS and Linux releases listed under Supported versions.\n\
               - Applications that authenticate against LDAP v3 over TLS.\n"
            .into(),
        category: KbCategory::Policies,
        visibility: Visibility::Public,
        tags: vec!["protocols".into(), "ldap".into(), "integrations".into()],
    }
}

#[cfg(test)]
mod tests;
