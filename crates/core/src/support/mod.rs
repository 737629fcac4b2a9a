//! The support desk's rules: when support is open and how much of an SLA target has elapsed,
//! and what the provider's support policy covers, for whom, how urgently, and on what
//! conditions.
//!
//! The provider's support policy says support hours are "Monday through Friday – 9am to 5pm
//! Mountain Time (U.S.)", "U.S. Federal holidays excluded", and SLA targets count business time
//! within those hours; that paying, free and JumpStart customers get different support; what
//! support includes and does not; that support is severity based; that systems must be up to
//! date; and what a ticket should contain. This module turns those sentences into data and
//! rules, with no clock, no storage and no I/O: every question takes the instants, plans and
//! texts it is about. Tickets, mail intake and the REST API are built on top of it.
//!
//! Business time:
//! - [`holidays`]: holiday rules as data, and the eleven US federal holidays of 5 U.S.C. 6103(a).
//! - [`spec`]: the serde form of a calendar (zone, weekly hours, holidays, closures).
//! - [`calendar`]: a validated [`Calendar`] and its questions (open at an instant? the open
//!   intervals of a day, the next opening). [`Calendar::us_support`] is the policy's calendar.
//! - [`business_time`]: business-time arithmetic on a calendar — where the SLA clock starts,
//!   the instant a business duration has elapsed, the business time between two instants.
//! - [`sla_clock`]: an SLA clock recomputed from a ticket's running/paused/stopped history.
//!
//! Policy:
//! - [`category`]: what a ticket is about ([`Category`]).
//! - [`eligibility`]: [`decide`] — covered (and in which [`Queue`]), routed to Customer Success,
//!   or not covered with the customer-facing reason, by plan and category.
//! - [`security`]: what staff never do (passwords, access to resources) and what needs a
//!   verified request (deletion, account information, admin rights).
//! - [`severity`]: S1–S4, their written definitions as data, and [`severity::assess`].
//! - [`targets`]: first-response and resolution targets per severity and plan class as data,
//!   and the near-breach rule.
//! - [`version`] and [`lifecycle`]: numeric versions, and the supported-versions list that says
//!   whether a system is supported, end of life, out of date or not listed.
//! - [`intake`]: which of the policy's ticket details are missing, and the request for each.
//! - [`language`]: [`is_probably_english`], for the English-only rule.
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
//!
//! A monthly customer's how-to question, in English, is covered in the support queue with a
//! four-hour first response at S2:
//!
//! ```
//! use skydir_core::directory::plan::{Plan, PlanKind};
//! use skydir_core::support::{
//!     Category, Eligibility, EligibilityContext, Queue, Severity, SlaTargets, decide,
//!     is_probably_english,
//! };
//!
//! let plan = Plan::new(PlanKind::Monthly, Some(25), None)?;
//! let at = "2026-03-02T16:00:00Z".parse()?;
//! let message = "How do I add a user to a group with the API?";
//! let ctx = EligibilityContext {
//!     at,
//!     critical_defect: false,
//!     english: is_probably_english(message),
//!     sales_contact: "sales@example.com",
//! };
//! assert_eq!(
//!     decide(&plan, Category::HowTo, &ctx),
//!     Eligibility::Covered { queue: Queue::Support }
//! );
//! let targets = SlaTargets::default_policy().targets_for(&plan, Severity::S2, at);
//! assert_eq!(targets.first_response, jiff::SignedDuration::from_hours(4));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod business_time;
pub mod calendar;
pub mod category;
pub mod classify;
pub mod desk;
pub mod eligibility;
pub mod holidays;
pub mod intake;
pub mod kb;
pub mod language;
pub mod lifecycle;
pub mod macros;
pub mod mail;
pub mod media_type;
pub mod record;
pub mod replies;
pub mod security;
pub mod severity;
pub mod sla_clock;
pub mod spec;
pub mod targets;
pub mod ticket;
pub mod triage;
pub mod verification;
pub mod version;
pub mod watch;

pub use calendar::{Calendar, Interval};
pub use category::Category;
pub use desk::{Contacts, DeskPolicy};
pub use eligibility::{Eligibility, EligibilityContext, Queue, decide};
pub use holidays::{
    DayOfWeek, Holiday, HolidayDate, HolidayRule, HolidayRuleSpec, Observance, observed_holidays,
    us_federal,
};
pub use intake::{
    AffectedSystem, Attachment, AttachmentKind, ChecklistItem, Detail, ItemState, LogSource,
    Missing, TicketDetails, checklist, missing_details, missing_in,
};
pub use kb::{Article, ArticleInput, KbCategory};
pub use language::is_probably_english;
pub use lifecycle::{
    FamilyVersions, Lifecycle, Platform, Release, SupportedVersions, SupportedVersionsSpec,
};
pub use macros::{Macro, MacroContext};
pub use mail::{
    AuthResult, AuthResults, InboundAttachment, InboundMail, OutboundMail, SenderCheck,
    parse_ticket_tag, sender_check, ticket_tag,
};
pub use media_type::MediaType;
pub use record::{
    AttachmentMeta, Channel, Identity, MessageAuthor, Satisfaction, SlaMarks, StoredAttachment,
    Ticket, TicketMessage, Visibility,
};
pub use security::{SecurityHandling, SecurityRequest, Verification};
pub use severity::{
    DefinitionsSpec, Effect, Impact, Severity, SeverityDefinition, SeverityDefinitions,
};
pub use sla_clock::{ClockEvent, ClockState, SlaStatus, sla_status};
pub use spec::{CalendarSpec, Closure, OpenHours, WeeklyHours};
pub use targets::{
    ClassTargets, NearBreach, PlanClass, SlaTargets, SlaTargetsSpec, Targets, Urgency,
};
pub use ticket::{Author, HistoryEntry, TicketHistory, TicketSla, TicketStatus};
pub use verification::{Challenge, VerificationRequest, VerificationState, VerifiedAction};
pub use version::Version;
