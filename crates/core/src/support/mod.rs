//! The support desk's business-time rules: when support is open, and how much of an SLA target
//! has elapsed.
//!
//! The provider's support policy says support hours are "Monday through Friday – 9am to 5pm
//! Mountain Time (U.S.)", "U.S. Federal holidays excluded", and SLA targets count business time
//! within those hours. This module turns that sentence into data and arithmetic, with no clock
//! and no I/O: every question takes the instants it is about.
//!
//! - [`holidays`]: holiday rules as data, and the eleven US federal holidays of 5 U.S.C. 6103(a).
//! - [`spec`]: the serde form of a calendar (zone, weekly hours, holidays, closures).
//! - [`calendar`]: a validated [`Calendar`] and its questions (open at an instant? the open
//!   intervals of a day, the next opening). [`Calendar::us_support`] is the policy's calendar.
//! - [`business_time`]: business-time arithmetic on a calendar — where the SLA clock starts,
//!   the instant a business duration has elapsed, the business time between two instants.
//! - [`sla_clock`]: an SLA clock recomputed from a ticket's running/paused/stopped history.
//!
//! ```
//! use jiff::SignedDuration;
//! use skydir_core::Timestamp;
//! use skydir_core::support::{Calendar, ClockEvent, ClockState, sla_status};
//!
//! let calendar = Calendar::us_support()?;
//! // Friday 13 March 2026, 16:30 in Denver (MDT, UTC−6); one business hour to answer.
//! let created: Timestamp = "2026-03-13T22:30:00Z".parse()?;
//! let events = [ClockEvent { at: created, state: ClockState::Running }];
//! let status = sla_status(&calendar, &events, SignedDuration::from_hours(1), created)?;
//! // Half an hour on Friday, half an hour from Monday 09:00.
//! assert_eq!(status.due, Some("2026-03-16T15:30:00Z".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod business_time;
pub mod calendar;
pub mod category;
pub mod eligibility;
pub mod holidays;
pub mod intake;
pub mod language;
pub mod lifecycle;
pub mod security;
pub mod severity;
pub mod sla_clock;
pub mod spec;
pub mod targets;
pub mod version;

pub use calendar::{Calendar, Interval};
pub use category::Category;
pub use eligibility::{Eligibility, EligibilityContext, Queue, decide};
pub use holidays::{
    DayOfWeek, Holiday, HolidayDate, HolidayRule, HolidayRuleSpec, Observance, observed_holidays,
    us_federal,
};
pub use intake::{
    AGENT_LOG_UNIX, AGENT_LOG_WINDOWS, AffectedSystem, Attachment, AttachmentKind, Detail, Missing,
    TicketDetails, agent_log_path, missing_details, request_message,
};
pub use language::is_probably_english;
pub use lifecycle::{
    FamilyVersions, Lifecycle, Platform, Release, SupportedVersions, SupportedVersionsSpec,
};
pub use security::{SecurityHandling, SecurityRequest, Verification, handling, may_carry_out};
pub use severity::{
    DefinitionsSpec, Effect, Impact, Severity, SeverityDefinition, SeverityDefinitions, assess,
};
pub use sla_clock::{ClockEvent, ClockState, SlaStatus, sla_status};
pub use spec::{CalendarSpec, Closure, OpenHours, WeeklyHours};
pub use targets::{
    ClassTargets, NearBreach, PlanClass, SlaTargets, SlaTargetsSpec, Targets, Urgency,
};
pub use version::Version;
