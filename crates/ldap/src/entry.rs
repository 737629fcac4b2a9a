//! An entry as LDAP clients see it: a DN and named, multi-valued attributes. Entries of the
//! read model are immutable and shared (`Arc`); a change replaces them.
//!
//! The read model holds one entry per user, so an entry is compact: the DN and every value live
//! back to back in one string, and each attribute is a type from the schema's static table
//! ([`schema::ATTRIBUTES`]) with a count of values — a handful of allocations per entry however
//! many attributes it has, and no attribute name stored per entry.

use crate::dn::Dn;
use crate::schema::{self, AttributeType};

/// One attribute of an entry: its type, the name clients see and its values.
#[derive(Debug, Clone, Copy)]
pub struct Attr<'a> {
    /// The attribute type's position in [`schema::ATTRIBUTES`].
    pub index: usize,
    /// The attribute type.
    pub ty: &'static AttributeType,
    /// The name clients see (the one the entry was built with).
    pub name: &'static str,
    pub values: Values<'a>,
}

/// The values of one attribute, borrowed from their entry.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    text: &'a str,
    /// Where each value starts, then where the last one ends (one more than there are values).
    bounds: &'a [u32],
}

impl<'a> Values<'a> {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    /// True when there is no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let text = self.text;
        self.bounds
            .windows(2)
            .map(move |w| text.get(w[0] as usize..w[1] as usize).unwrap_or_default())
    }

    /// The values as owned strings.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

/// One attribute in an entry's table: type, which of its names, number of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    ty: u8,
    name: u8,
    count: u32,
}

impl Slot {
    fn ty(self) -> &'static AttributeType {
        &schema::ATTRIBUTES[usize::from(self.ty)]
    }
}

/// A directory entry.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The DN as sent to clients, then every value.
    text: Box<str>,
    /// Where the DN ends, then where each value ends, in `text`.
    ends: Box<[u32]>,
    attrs: Box<[Slot]>,
    /// The parsed, normalized DN.
    pub ndn: Dn,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Entry");
        d.field("dn", &self.dn());
        for a in self.attrs() {
            d.field(a.name, &a.values.to_vec());
        }
        d.finish()
    }
}

/// Builds an [`Entry`] attribute by attribute.
#[derive(Debug)]
pub struct EntryBuilder {
    text: String,
    ends: Vec<u32>,
    attrs: Vec<Slot>,
    ndn: Dn,
}

/// `len` as an offset into an entry's text (entries are far below 4 GiB).
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl EntryBuilder {
    fn start(dn: &str, ndn: Dn, values: usize, attrs: usize) -> Self {
        let mut text = String::with_capacity(values);
        text.push_str(dn);
        let mut ends = Vec::with_capacity(attrs + 1);
        ends.push(offset(text.len()));
        Self {
            text,
            ends,
            attrs: Vec::with_capacity(attrs),
            ndn,
        }
    }

    /// Adds `values` under `name` (nothing when `values` is empty). `name` must be one of the
    /// schema's names ([`schema::ATTRIBUTES`]): skydir builds every entry from its own schema,
    /// which the subschema entry publishes; a name outside it is left out.
    pub fn with<I, V>(mut self, name: &str, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: AsRef<str>,
    {
        let Some(index) = schema::type_index(name) else {
            debug_assert!(false, "attribute {name:?} is not in the schema");
            return self;
        };
        let ty = &schema::ATTRIBUTES[index];
        let alias = ty.names.iter().position(|n| *n == name).unwrap_or(0);
        let before = self.ends.len();
        for v in values {
            self.text.push_str(v.as_ref());
            self.ends.push(offset(self.text.len()));
        }
        let count = self.ends.len() - before;
        if count > 0 {
            self.attrs.push(Slot {
                ty: u8::try_from(index).unwrap_or(u8::MAX),
                name: u8::try_from(alias).unwrap_or(0),
                count: u32::try_from(count).unwrap_or(u32::MAX),
            });
        }
        self
    }

    /// The finished entry, with no spare capacity.
    pub fn build(self) -> Entry {
        Entry {
            text: self.text.into_boxed_str(),
            ends: self.ends.into_boxed_slice(),
            attrs: self.attrs.into_boxed_slice(),
            ndn: self.ndn,
        }
    }
}

impl Entry {
    /// Starts an entry named `dn`, which must be a valid DN (it is built by skydir itself).
    pub fn builder(dn: impl AsRef<str>) -> EntryBuilder {
        let dn = dn.as_ref();
        let ndn = Dn::parse(dn).unwrap_or_else(|_| Dn::root());
        EntryBuilder::start(dn, ndn, dn.len() + 256, 24)
    }

    /// The DN as sent to clients.
    pub fn dn(&self) -> &str {
        self.text
            .get(..self.ends.first().map_or(0, |e| *e as usize))
            .unwrap_or_default()
    }

    /// Every attribute, in the order the entry was built.
    pub fn attrs(&self) -> impl Iterator<Item = Attr<'_>> + '_ {
        let mut first = 0usize;
        self.attrs.iter().map(move |s| {
            let count = s.count as usize;
            let bounds = self.ends.get(first..=first + count).unwrap_or_default();
            first += count;
            let ty = s.ty();
            Attr {
                index: usize::from(s.ty),
                ty,
                name: ty
                    .names
                    .get(usize::from(s.name))
                    .copied()
                    .unwrap_or(ty.names[0]),
                values: Values {
                    text: &self.text,
                    bounds,
                },
            }
        })
    }

    /// The attribute called `name` (any alias, any case, or its OID).
    pub fn get(&self, name: &str) -> Option<Attr<'_>> {
        self.get_type(schema::type_index(name)?)
    }

    /// The attribute of the type at `index` in [`schema::ATTRIBUTES`].
    pub fn get_type(&self, index: usize) -> Option<Attr<'_>> {
        self.attrs().find(|a| a.index == index)
    }

    /// A copy with the values of `name` replaced by `values` (the attribute dropped when they are
    /// empty, and added just before the attribute `before` — or last — when it was absent).
    pub fn replacing<I, V>(&self, name: &str, values: I, before: &str) -> Entry
    where
        I: IntoIterator<Item = V>,
        V: AsRef<str>,
    {
        let target = schema::type_index(name);
        let anchor = schema::type_index(before);
        let mut b = EntryBuilder::start(
            self.dn(),
            self.ndn.clone(),
            self.text.len(),
            self.ends.len(),
        );
        let mut values = Some(values);
        for a in self.attrs() {
            if Some(a.index) == target || (Some(a.index) == anchor && values.is_some()) {
                if let Some(v) = values.take() {
                    b = b.with(name, v);
                }
                if Some(a.index) == target {
                    continue;
                }
            }
            b = b.with(a.name, a.values.iter());
        }
        if let Some(v) = values {
            b = b.with(name, v);
        }
        b.build()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found_by_any_alias_and_empty_ones_are_left_out() {
        let e = Entry::builder("uid=a,o=x")
            .with("cn", ["A"])
            .with("mail", Vec::<String>::new())
            .build();
        assert_eq!(
            e.get("commonName").map(|a| a.values.to_vec()),
            Some(vec!["A".to_string()])
        );
        assert_eq!(e.get("2.5.4.3").map(|a| a.name), Some("cn"));
        assert!(e.get("mail").is_none());
        assert_eq!(e.ndn.leaf(), Some(("uid", "a")));
        assert_eq!(e.dn(), "uid=a,o=x");
    }

    #[test]
    fn names_values_and_order_are_kept() {
        let e = Entry::builder("cn=G,o=x")
            .with("objectClass", ["top", "groupOfNames"])
            .with("commonName", ["G"])
            .with("member", ["uid=a,o=x", "", "uid=b,o=x"])
            .with("description", ["é ü"])
            .build();
        let seen: Vec<(&str, Vec<String>)> =
            e.attrs().map(|a| (a.name, a.values.to_vec())).collect();
        assert_eq!(
            seen,
            [
                ("objectClass", vec!["top".into(), "groupOfNames".into()]),
                ("commonName", vec!["G".into()]),
                (
                    "member",
                    vec!["uid=a,o=x".into(), "".into(), "uid=b,o=x".into()]
                ),
                ("description", vec!["é ü".into()]),
            ]
        );
        assert_eq!(e.get("member").map(|a| a.values.len()), Some(3));
        assert_eq!(e.dn(), "cn=G,o=x");
    }

    #[test]
    fn replacing_values_gives_what_building_with_them_gives() {
        let build = |groups: &[&str]| {
            Entry::builder("uid=a,o=x")
                .with("uid", ["a"])
                .with("memberOf", groups.iter().copied())
                .with("structuralObjectClass", ["inetOrgPerson"])
                .with("hasSubordinates", ["FALSE"])
                .build()
        };
        let (none, one, two) = (
            build(&[]),
            build(&["cn=g,o=x"]),
            build(&["cn=g,o=x", "cn=h,o=x"]),
        );
        let swap = |e: &Entry, to: &[&str]| {
            e.replacing("memberOf", to.iter().copied(), "structuralObjectClass")
        };
        assert_eq!(swap(&none, &["cn=g,o=x"]), one);
        assert_eq!(swap(&one, &["cn=g,o=x", "cn=h,o=x"]), two);
        assert_eq!(swap(&two, &[]), none);
        assert_eq!(swap(&none, &[]), none);
        let no_anchor = Entry::builder("uid=a,o=x").with("uid", ["a"]).build();
        let added = no_anchor.replacing("memberOf", ["cn=g,o=x"], "structuralObjectClass");
        assert_eq!(
            added.attrs().map(|a| a.name).collect::<Vec<_>>(),
            ["uid", "memberOf"]
        );
    }
}
