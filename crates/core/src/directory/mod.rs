//! The directory model: organizations and their plans, users, groups, systems, resources and
//! access bindings. Plain data plus the rules that need no storage to check.

pub mod binding;
pub mod email;
pub mod email_change;
pub mod group;
pub mod names;
pub mod org;
pub mod personal;
pub mod plan;
pub mod resource;
pub mod service_account;
pub mod system;
pub mod user;

pub use binding::{AccessBinding, BindingSubject};
pub use email::Email;
pub use email_change::{EmailChange, EmailChangeEnd};
pub use group::{Group, GroupMember};
pub use names::{Name, OrgSlug, Username};
pub use org::Org;
pub use personal::{Address, PersonalData};
pub use plan::{FREE_USER_LIMIT, Plan, PlanKind};
pub use resource::{Resource, ResourceKind};
pub use service_account::ServiceAccount;
pub use system::{JoinMethod, OsFamily, System};
pub use user::{Posix, SshKey, User, UserStatus};
