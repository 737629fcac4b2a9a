//! Groups, which may contain users and other groups (nesting without cycles).

use super::Name;
use crate::error::CoreError;
use crate::ids::{GroupId, OrgId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    pub org: OrgId,
    pub name: Name,
    pub description: String,
    pub gid_number: u32,
    pub created_at: Timestamp,
}

/// A direct member of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum GroupMember {
    User(UserId),
    Group(GroupId),
}

/// First gidNumber handed out to groups in each org.
pub const FIRST_GID: u32 = 20_000;

/// Refuses an edge `parent ⊇ child` that would make a group contain itself, given the existing
/// group→group edges of the org.
pub fn check_no_cycle(
    edges: &[(GroupId, GroupId)],
    parent: GroupId,
    child: GroupId,
) -> Result<(), CoreError> {
    if parent == child {
        return Err(CoreError::conflict(
            "member",
            "a group cannot be a member of itself",
        ));
    }
    let mut children: HashMap<GroupId, Vec<GroupId>> = HashMap::new();
    for (p, c) in edges {
        children.entry(*p).or_default().push(*c);
    }
    // Adding parent ⊇ child closes a cycle iff parent is reachable from child.
    let mut seen = HashSet::new();
    let mut stack = vec![child];
    while let Some(g) = stack.pop() {
        if g == parent {
            return Err(CoreError::conflict(
                "member",
                "adding this group would create a membership cycle",
            ));
        }
        if seen.insert(g) {
            stack.extend(children.get(&g).into_iter().flatten().copied());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_refused_and_dags_allowed() {
        let a = GroupId::from_random([1; 16]);
        let b = GroupId::from_random([2; 16]);
        let c = GroupId::from_random([3; 16]);
        let edges = vec![(a, b), (b, c)];
        assert!(check_no_cycle(&edges, c, a).is_err());
        assert!(check_no_cycle(&edges, a, c).is_ok());
        assert!(check_no_cycle(&edges, a, a).is_err());
    }
}
