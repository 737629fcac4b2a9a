//! The record of processing activities a processor keeps (GDPR Art. 30(2)): who processes for
//! whom, the categories of processing (from the inventory), the recipients and transfers (the
//! sub-processor registry), and the technical and organisational security measures — written
//! from the same data the product runs on, so the record cannot drift from the code.

use super::SubProcessor;
use super::inventory::INVENTORY;
use jiff::Timestamp;
use serde::Serialize;

/// Version of the record's JSON shape.
pub const RECORD_FORMAT: &str = "skydir.processing-record/1";

/// The whole record.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessingRecord {
    pub format: &'static str,
    pub generated_at: Timestamp,
    /// Art. 30(2)(a): the processor and its contact.
    pub processor: Party,
    /// Art. 30(2)(a): each controller on whose behalf it processes.
    pub controllers: Vec<Controller>,
    /// Art. 30(2)(b): the categories of processing carried out for each controller.
    pub processing: Vec<Processing>,
    /// Recipients: the sub-processors.
    pub sub_processors: Vec<SubProcessorLine>,
    /// Art. 30(2)(c): where data goes, as the registry states it.
    pub transfers: Vec<String>,
    /// Art. 30(2)(d): technical and organisational security measures (Art. 32(1)).
    pub security_measures: Vec<&'static str>,
}

/// The processor.
#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub name: String,
    pub contact: String,
    pub location: String,
}

/// A customer organization (a controller).
#[derive(Debug, Clone, Serialize)]
pub struct Controller {
    pub organization: String,
    pub slug: String,
    pub plan: String,
    /// The DPA version in force and when it was signed, if executed.
    pub dpa: Option<String>,
    pub customer_since: Timestamp,
}

/// One category of processing, from the inventory.
#[derive(Debug, Clone, Serialize)]
pub struct Processing {
    pub data: &'static str,
    pub category: &'static str,
    pub purpose: &'static str,
    pub legal_basis: &'static str,
    pub retention: &'static str,
    pub encrypted_under_own_key: bool,
}

/// A sub-processor line.
#[derive(Debug, Clone, Serialize)]
pub struct SubProcessorLine {
    pub name: String,
    pub purpose: String,
    pub data_categories: Vec<String>,
    pub location: String,
    pub dpa_date: String,
}

/// What skydir does to secure the data, as built (each one is enforced and tested in code).
pub const SECURITY_MEASURES: &[&str] = &[
    "encryption in transit: HTTPS only, LDAP only over LDAPS or after StartTLS, TLS to the mail relay",
    "encryption at rest: personal data fields, authenticator secrets, ticket text and files sealed with XChaCha20-Poly1305 under per-organization and per-user data keys, wrapped by an operator-held key-encryption key stored apart from the data",
    "blind indexes (keyed HMAC) for lookups on encrypted fields",
    "crypto-shredding: erasing a person destroys their key; deleting an organization destroys its keys",
    "passwords stored only as salted Argon2id hashes; nobody, provider staff included, can read or set another person's password",
    "access control in one place: organizations are isolated, provider staff cannot read customers' personal data, support agents cannot grant access or change memberships",
    "an append-only, hash-chained audit log per organization, verified by `skydir audit verify`, recording every change and every read of personal data without personal data in clear",
    "login throttling and lockout, optional second factor (TOTP)",
    "a breach register with the 72-hour notification clock",
];

/// Builds the record.
pub fn record(
    now: Timestamp,
    processor: Party,
    controllers: Vec<Controller>,
    subprocessors: &[SubProcessor],
) -> ProcessingRecord {
    let current: Vec<&SubProcessor> = subprocessors
        .iter()
        .filter(|s| s.removed_at.is_none())
        .collect();
    let mut transfers: Vec<String> = current
        .iter()
        .map(|s| format!("{}: {} ({})", s.name, s.location, s.purpose))
        .collect();
    if transfers.is_empty() {
        transfers.push("none: no sub-processor receives personal data".into());
    }
    ProcessingRecord {
        format: RECORD_FORMAT,
        generated_at: now,
        processor,
        controllers,
        processing: INVENTORY
            .iter()
            .map(|i| Processing {
                data: i.label,
                category: i.category.label(),
                purpose: i.purpose,
                legal_basis: i.legal_basis.label(),
                retention: i.retention,
                encrypted_under_own_key: i.own_key,
            })
            .collect(),
        sub_processors: current
            .iter()
            .map(|s| SubProcessorLine {
                name: s.name.clone(),
                purpose: s.purpose.clone(),
                data_categories: s.data_categories.clone(),
                location: s.location.clone(),
                dpa_date: s.dpa_date.to_string(),
            })
            .collect(),
        transfers,
        security_measures: SECURITY_MEASURES.to_vec(),
    }
}

impl ProcessingRecord {
    /// The record as plain text, for the file a supervisory authority may ask for.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Record of processing activities (GDPR Article 30(2))\nGenerated: {}\n\n\
             (a) Processor: {} — contact: {} — location: {}\n\n\
             Controllers on whose behalf we process ({}):\n",
            self.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            self.processor.name,
            self.processor.contact,
            self.processor.location,
            self.controllers.len()
        );
        for c in &self.controllers {
            out.push_str(&format!(
                "  - {} ({}), plan {}, customer since {}; DPA: {}\n",
                c.organization,
                c.slug,
                c.plan,
                c.customer_since.strftime("%Y-%m-%d"),
                c.dpa.as_deref().unwrap_or("not executed")
            ));
        }
        out.push_str("\n(b) Categories of processing carried out for each controller:\n");
        for p in &self.processing {
            out.push_str(&format!(
                "  - {} [{}]: {}; basis: {}; kept: {}\n",
                p.data, p.category, p.purpose, p.legal_basis, p.retention
            ));
        }
        out.push_str("\nSub-processors:\n");
        if self.sub_processors.is_empty() {
            out.push_str("  none\n");
        }
        for s in &self.sub_processors {
            out.push_str(&format!(
                "  - {}: {} — data: {} — location: {} — DPA signed {}\n",
                s.name,
                s.purpose,
                s.data_categories.join(", "),
                s.location,
                s.dpa_date
            ));
        }
        out.push_str("\n(c) Transfers:\n");
        for t in &self.transfers {
            out.push_str(&format!("  - {t}\n"));
        }
        out.push_str("\n(d) Technical and organisational security measures:\n");
        for m in &self.security_measures {
            out.push_str(&format!("  - {m}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_lists_every_inventory_item_and_every_article_30_2_part() {
        let r = record(
            Timestamp::UNIX_EPOCH,
            Party {
                name: "skydir".into(),
                contact: "privacy@provider.test".into(),
                location: "EU".into(),
            },
            vec![],
            &[],
        );
        assert_eq!(r.processing.len(), INVENTORY.len());
        let t = r.to_text();
        for part in [
            "(a) Processor",
            "(b) Categories",
            "(c) Transfers",
            "(d) Technical",
        ] {
            assert!(t.contains(part), "{part}");
        }
        assert!(t.contains("no sub-processor receives personal data"));
    }
}
