//! The privacy statement as data: what is kept and why (from the inventory), how it is
//! protected, where it is processed, how long it is kept, the rights and how to use them,
//! breaches, sub-processors and the DPA, and whom to ask. The public page renders it, and its
//! plain text is what gets versioned: skydir publishes a new dated version whenever the text
//! changes — after an upgrade that changes the inventory or the wording, or a restart with a
//! different processing location or privacy contact — and announces it in the feed and to
//! subscribers (see `service::privacy::statement`).

use super::inventory::INVENTORY;
use super::location::ProcessingLocation;
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A run of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Span {
    Text(String),
    Strong(String),
    /// A link to one of the deployment's own pages.
    Link {
        href: &'static str,
        text: String,
    },
}

/// A block of a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Block {
    Para(Vec<Span>),
    List(Vec<Vec<Span>>),
    Table {
        caption: &'static str,
        head: Vec<&'static str>,
        rows: Vec<Vec<String>>,
    },
}

/// A section: an anchor, a heading (none for the opening words) and its blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub heading: Option<&'static str>,
    pub blocks: Vec<Block>,
}

/// The statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub sections: Vec<Section>,
}

/// A published version of the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementVersion {
    pub version: u32,
    /// SHA-256 of `text`, hex.
    pub digest: String,
    pub text: String,
    pub published_at: Timestamp,
}

fn t(s: &str) -> Span {
    Span::Text(s.to_string())
}

fn strong(s: &str) -> Span {
    Span::Strong(s.to_string())
}

fn link(href: &'static str, text: &str) -> Span {
    Span::Link {
        href,
        text: text.to_string(),
    }
}

impl Statement {
    /// The statement as this deployment makes it true: its inventory, its processing
    /// location and its privacy contact.
    pub fn current(location: &ProcessingLocation, contact: &str) -> Self {
        let rows = INVENTORY
            .iter()
            .map(|i| {
                vec![
                    i.label.to_string(),
                    i.purpose.to_string(),
                    i.legal_basis.label().to_string(),
                    i.retention.to_string(),
                ]
            })
            .collect();
        let whereabouts = match &location.stated {
            Some(l) => vec![
                t("In "),
                strong(l),
                t(
                    ", on the provider's own servers. The sub-processors process what they receive where the ",
                ),
                link("/privacy/subprocessors", "sub-processor page"),
                t(" says."),
            ],
            None => vec![
                t(
                    "On the provider's own server, where this deployment keeps its data. The provider has not stated its place yet: ask ",
                ),
                strong(contact),
                t(" where it is. The sub-processors process what they receive where the "),
                link("/privacy/subprocessors", "sub-processor page"),
                t(" says."),
            ],
        };
        Self {
            sections: vec![
                Section {
                    id: "about",
                    heading: None,
                    blocks: vec![Block::Para(vec![t(
                        "skydir runs a cloud directory for organizations. For the people in an organization's directory, the organization is the controller and we are its processor: we process their data only on the organization's instructions, to run the service it signed up for. This page says what we keep, why, for how long, and how to use your rights.",
                    )])],
                },
                Section {
                    id: "data",
                    heading: Some("What we keep, and why"),
                    blocks: vec![Block::Table {
                        caption: "Personal data kept by skydir",
                        head: vec!["Data", "Why", "Legal basis (GDPR Art. 6(1))", "How long"],
                        rows,
                    }],
                },
                Section {
                    id: "security",
                    heading: Some("How it is protected"),
                    blocks: vec![Block::List(vec![
                        vec![t(
                            "Every connection is encrypted (HTTPS, LDAPS or StartTLS); passwords are never sent or accepted in the clear.",
                        )],
                        vec![t(
                            "Personal data is encrypted at rest under a key of its own for each person; erasing a person destroys that key, so backups cannot bring the data back.",
                        )],
                        vec![t(
                            "Support staff cannot see or set passwords, grant access or change memberships; sensitive requests need an organization administrator's verified confirmation.",
                        )],
                        vec![t(
                            "Every disclosure of personal data is written to the organization's tamper-evident audit log.",
                        )],
                    ])],
                },
                Section {
                    id: "location",
                    heading: Some("Where it is processed"),
                    blocks: vec![Block::Para(whereabouts)],
                },
                Section {
                    id: "retention",
                    heading: Some("How long we keep it"),
                    blocks: vec![Block::Para(vec![t(
                        "We keep your data for as long as your organization uses the service: nothing is deleted because a plan or a trial ends. The files attached to closed support tickets are kept too, unless your organization's administrators chose a shorter period for them. When your organization's administrators delete the organization, everything is deleted after a grace period, its keys destroyed and the sub-processors told to erase their copies; erasing a person does the same for that person.",
                    )])],
                },
                Section {
                    id: "rights",
                    heading: Some("Your rights"),
                    blocks: vec![Block::List(vec![
                        vec![
                            strong("Access and portability"),
                            t(" — "),
                            link("/portal/my-data", "My data"),
                            t(" shows everything held about you and downloads it as JSON."),
                        ],
                        vec![
                            strong("Rectification"),
                            t(" — correct your details under "),
                            link("/portal/profile", "My account"),
                            t("."),
                        ],
                        vec![
                            strong("Erasure"),
                            t(" — ask for it under "),
                            link("/portal/profile", "My account"),
                            t(
                                "; your organization's administrators answer within one month, and the erasure reaches the systems your organization connected.",
                            ),
                        ],
                        vec![
                            strong("Without an account"),
                            t(" — use "),
                            link("/privacy/request", "the request form"),
                            t(
                                "; we confirm your address by mail before anything is disclosed or done.",
                            ),
                        ],
                        vec![t(
                            "You may also complain to your data-protection supervisory authority.",
                        )],
                    ])],
                },
                Section {
                    id: "breaches",
                    heading: Some("If something goes wrong"),
                    blocks: vec![Block::Para(vec![t(
                        "A personal-data breach is recorded as soon as we become aware of it. From then on a 72-hour clock runs: we are reminded until the people concerned and their organizations have been notified, which we do within 72 hours of becoming aware of it, and the supervisory authority is notified too.",
                    )])],
                },
                Section {
                    id: "processors",
                    heading: Some("Sub-processors and the DPA"),
                    blocks: vec![Block::Para(vec![
                        t("The companies that help us run the service are listed on the "),
                        link("/privacy/subprocessors", "sub-processor page"),
                        t(". Its "),
                        link("/privacy/subprocessors.rss", "RSS feed"),
                        t(
                            " announces every change of our sub-processors, of this statement and of the Data Processing Agreement. Paying customers can sign our ",
                        ),
                        link("/privacy/dpa", "Data Processing Agreement"),
                        t("."),
                    ])],
                },
                Section {
                    id: "contact",
                    heading: Some("Contact"),
                    blocks: vec![Block::Para(vec![
                        t("Questions about this statement or about your data: "),
                        strong(contact),
                        t("."),
                    ])],
                },
            ],
        }
    }

    /// The statement as plain text, one line per paragraph, list item or table row: what is
    /// versioned and compared.
    pub fn text(&self) -> String {
        fn spans(s: &[Span]) -> String {
            s.iter()
                .map(|s| match s {
                    Span::Text(x) | Span::Strong(x) => x.clone(),
                    Span::Link { href, text } => format!("{text} <{href}>"),
                })
                .collect()
        }
        let mut out = String::from("# Privacy statement\n");
        for sec in &self.sections {
            if let Some(h) = sec.heading {
                out.push_str(&format!("\n## {h}\n"));
            }
            for b in &sec.blocks {
                match b {
                    Block::Para(p) => out.push_str(&format!("{}\n", spans(p))),
                    Block::List(items) => {
                        for i in items {
                            out.push_str(&format!("- {}\n", spans(i)));
                        }
                    }
                    Block::Table { head, rows, .. } => {
                        out.push_str(&format!("| {} |\n", head.join(" | ")));
                        for r in rows {
                            out.push_str(&format!("| {} |\n", r.join(" | ")));
                        }
                    }
                }
            }
        }
        out
    }

    /// SHA-256 of [`Statement::text`], hex.
    pub fn digest(&self) -> String {
        digest(&self.text())
    }
}

/// SHA-256 of a statement's text, hex.
pub fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// What changed between two versions' texts, in words: the sections that changed and the
/// first lines of new text.
pub fn changes(previous: &str, current: &str) -> String {
    fn sections(text: &str) -> Vec<(String, Vec<&str>)> {
        let mut out: Vec<(String, Vec<&str>)> = vec![("Introduction".into(), Vec::new())];
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(h) = line.strip_prefix("## ") {
                out.push((h.to_string(), Vec::new()));
            } else if !line.starts_with("# ")
                && let Some(last) = out.last_mut()
            {
                last.1.push(line);
            }
        }
        out
    }
    let (before, after) = (sections(previous), sections(current));
    fn lines_of<'a>(all: &[(String, Vec<&'a str>)], h: &str) -> Vec<&'a str> {
        all.iter()
            .find(|(x, _)| x == h)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }
    let mut changed: Vec<String> = Vec::new();
    for (h, _) in after.iter().chain(before.iter()) {
        if lines_of(&before, h) != lines_of(&after, h) && !changed.contains(h) {
            changed.push(h.clone());
        }
    }
    if changed.is_empty() {
        return "The wording changed.".into();
    }
    let old: Vec<&str> = before.iter().flat_map(|(_, l)| l.iter().copied()).collect();
    let added: Vec<String> = after
        .iter()
        .flat_map(|(_, l)| l.iter().copied())
        .filter(|l| !old.contains(l))
        .take(3)
        .map(|l| {
            let l = l.trim_start_matches("- ");
            if l.chars().count() > 200 {
                format!("{}…", l.chars().take(200).collect::<String>())
            } else {
                l.to_string()
            }
        })
        .collect();
    let mut out = format!("Changed: {}.", changed.join(", "));
    if !added.is_empty() {
        out.push_str(&format!(" New text: “{}”.", added.join("” “")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(location: Option<&str>) -> Statement {
        Statement::current(
            &ProcessingLocation::new(location, "dpo@provider.test"),
            "dpo@provider.test",
        )
    }

    #[test]
    fn the_statement_covers_every_inventory_item_and_names_the_contact() {
        let s = statement(None);
        let text = s.text();
        for i in INVENTORY {
            assert!(text.contains(i.label), "{} missing", i.label);
        }
        for needle in [
            "## Where it is processed",
            "ask dpo@provider.test where it is",
            "## How long we keep it",
            "for as long as your organization uses the service",
            "RSS feed </privacy/subprocessors.rss>",
            "72 hours",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
    }

    #[test]
    fn the_digest_follows_the_content_and_the_changes_say_what_changed() {
        let a = statement(None);
        let b = statement(Some("EU (Frankfurt)"));
        assert_eq!(
            a.digest(),
            statement(None).digest(),
            "same content, same digest"
        );
        assert_ne!(a.digest(), b.digest());
        assert_eq!(a.digest().len(), 64);
        let note = changes(&a.text(), &b.text());
        assert!(
            note.starts_with("Changed: Where it is processed."),
            "{note}"
        );
        assert!(note.contains("New text: “In EU (Frankfurt)"), "{note}");
        assert_eq!(changes(&a.text(), &a.text()), "The wording changed.");
    }
}
