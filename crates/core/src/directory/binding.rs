//! Access bindings: which users and groups may use which resource.

use crate::ids::{BindingId, GroupId, OrgId, ResourceId, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who a binding grants access to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum BindingSubject {
    User(UserId),
    Group(GroupId),
}

/// A grant of a resource to a user or group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessBinding {
    pub id: BindingId,
    pub org: OrgId,
    pub resource: ResourceId,
    pub subject: BindingSubject,
    pub created_at: Timestamp,
}
