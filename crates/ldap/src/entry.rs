//! An entry as LDAP clients see it: a DN and named, multi-valued attributes. Entries of the
//! read model are immutable and shared (`Arc`); a change replaces them.

use crate::dn::Dn;
use crate::schema;

/// One attribute: its lookup key (lower-cased canonical name), the name clients see, values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub key: String,
    pub name: String,
    pub values: Vec<String>,
}

/// A directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The DN as sent to clients.
    pub dn: String,
    /// The parsed, normalized DN.
    pub ndn: Dn,
    pub attrs: Vec<Attr>,
}

impl Entry {
    /// An entry with no attributes yet. `dn` must be a valid DN (it is built by skydir itself).
    pub fn new(dn: String) -> Self {
        let ndn = Dn::parse(&dn).unwrap_or_else(|_| Dn::root());
        Self {
            dn,
            ndn,
            attrs: Vec::new(),
        }
    }

    /// Adds `values` under `name` (nothing when `values` is empty).
    pub fn with<I, V>(mut self, name: &str, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        if !values.is_empty() {
            self.attrs.push(Attr {
                key: schema::canonical_name(name),
                name: name.to_string(),
                values,
            });
        }
        self
    }

    /// The attribute called `name` (any alias, any case).
    pub fn get(&self, name: &str) -> Option<&Attr> {
        let key = schema::canonical_name(name);
        self.attrs.iter().find(|a| a.key == key)
    }

    /// The attribute with lookup key `key` (already canonical and lower-cased).
    pub fn get_key(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found_by_any_alias_and_empty_ones_are_left_out() {
        let e = Entry::new("uid=a,o=x".into())
            .with("cn", ["A"])
            .with("mail", Vec::<String>::new());
        assert_eq!(
            e.get("commonName").map(|a| a.values.clone()),
            Some(vec!["A".to_string()])
        );
        assert!(e.get("mail").is_none());
        assert_eq!(e.ndn.leaf(), Some(("uid", "a")));
    }
}
