#![allow(clippy::unwrap_used)]

use super::*;
use crate::directory::{Plan, PlanKind};
use crate::ids::{OrgId, TicketId, UserId};
use crate::support::desk::Contacts;
use crate::support::record::{Channel, Identity, Satisfaction};
use crate::support::targets::PlanClass;
use crate::support::ticket::{Author, HistoryEntry, TicketHistory, TicketStatus};
use crate::support::{Category, Eligibility, Queue};

fn policy() -> DeskPolicy {
    DeskPolicy::with_contacts(Contacts::local()).unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// An S1 ticket of a paying org opened Monday 2 March 2026 at 09:00 Denver (16:00 UTC): one
/// business hour to a first response, eight to resolution.
fn ticket(history: Vec<HistoryEntry>) -> Ticket {
    let _ = Plan::new(PlanKind::Monthly, Some(5), None);
    Ticket {
        id: TicketId::from_random([1; 16]),
        org: OrgId::from_random([2; 16]),
        number: 7,
        subject: "LDAP down".into(),
        category: Category::Defect,
        severity: Severity::S1,
        plan_class: PlanClass::Paying,
        requester: UserId::from_random([3; 16]),
        channel: Channel::Api,
        identity: Identity::Session,
        eligibility: Eligibility::Covered {
            queue: Queue::Support,
        },
        queue: Some(Queue::Support),
        assignee: None,
        system: None,
        missing: vec![],
        history: TicketHistory::new(history).unwrap(),
        satisfaction: None,
        sla_marks: SlaMarks::default(),
        created_at: ts("2026-03-02T16:00:00Z"),
        updated_at: ts("2026-03-02T16:00:00Z"),
        version: 1,
    }
}

fn opened() -> Vec<HistoryEntry> {
    vec![HistoryEntry::Created {
        at: ts("2026-03-02T16:00:00Z"),
        status: TicketStatus::New,
    }]
}

fn at(p: &DeskPolicy, t: &Ticket, now: &str) -> (Vec<SlaEvent>, SlaMarks) {
    let targets = p.targets.for_class(t.plan_class, t.severity);
    let sla = t.history.sla(&p.calendar, targets, ts(now)).unwrap();
    due_events(p, t, &sla)
}

#[test]
fn a_clock_warns_once_near_its_breach_then_records_the_breach_once() {
    let p = policy();
    let mut t = ticket(opened());
    // 10 minutes in: on track (a one-hour target is near its breach from the start, by the
    // policy's "at most one business hour left" rule — so it warns at once).
    let (events, marks) = at(&p, &t, "2026-03-02T16:10:00Z");
    assert!(
        matches!(
            events.as_slice(),
            [SlaEvent::NearBreach {
                clock: Clock::FirstResponse,
                ..
            }]
        ),
        "{events:?}"
    );
    t.sla_marks = marks;
    let (events, _) = at(&p, &t, "2026-03-02T16:20:00Z");
    assert!(events.is_empty(), "warned once: {events:?}");
    // An hour and a minute in: breached, recorded once.
    let (events, marks) = at(&p, &t, "2026-03-02T17:01:00Z");
    assert_eq!(
        events,
        vec![SlaEvent::Breached {
            clock: Clock::FirstResponse,
            at: ts("2026-03-02T17:00:00Z")
        }]
    );
    t.sla_marks = marks;
    assert!(at(&p, &t, "2026-03-02T18:00:00Z").0.is_empty());
}

#[test]
fn paused_and_answered_clocks_neither_warn_nor_breach() {
    let p = policy();
    let waiting = ticket(vec![HistoryEntry::Created {
        at: ts("2026-03-02T16:00:00Z"),
        status: TicketStatus::WaitingOnCustomer,
    }]);
    assert!(at(&p, &waiting, "2026-03-09T16:00:00Z").0.is_empty());
    let mut answered = opened();
    answered.push(HistoryEntry::Reply {
        at: ts("2026-03-02T16:30:00Z"),
        by: Author::Agent,
    });
    let t = ticket(answered);
    let (events, _) = at(&p, &t, "2026-03-02T17:30:00Z");
    assert!(
        events.iter().all(|e| !matches!(
            e,
            SlaEvent::NearBreach {
                clock: Clock::FirstResponse,
                ..
            } | SlaEvent::Breached {
                clock: Clock::FirstResponse,
                ..
            }
        )),
        "{events:?}"
    );
}

#[test]
fn the_report_counts_met_breached_and_pending_per_severity_and_month() {
    let p = policy();
    let now = ts("2026-03-03T16:00:00Z");
    let mut met = opened();
    met.push(HistoryEntry::Reply {
        at: ts("2026-03-02T16:30:00Z"),
        by: Author::Agent,
    });
    met.push(HistoryEntry::Status {
        at: ts("2026-03-02T18:00:00Z"),
        to: TicketStatus::Resolved,
    });
    let mut rated = ticket(met);
    rated.satisfaction = Some(Satisfaction::new(4, "", now).unwrap());
    let late = ticket(opened());
    let rows: Vec<(Ticket, crate::support::TicketSla)> = [rated, late]
        .into_iter()
        .map(|t| {
            let targets = p.targets.for_class(t.plan_class, t.severity);
            let sla = t.history.sla(&p.calendar, targets, now).unwrap();
            (t, sla)
        })
        .collect();
    let report = compliance(&p, &rows).unwrap();
    assert_eq!(report.len(), 1);
    let r = &report[0];
    assert_eq!(
        (r.month.as_str(), r.severity, r.tickets),
        ("2026-03", Severity::S1, 2)
    );
    assert_eq!(
        r.first_response,
        TargetCounts {
            met: 1,
            breached: 1,
            pending: 0
        }
    );
    assert_eq!(r.first_response.compliance_percent(), Some(50.0));
    assert_eq!(r.resolution.met, 1);
    assert_eq!(r.median_first_response_minutes, Some(30));
    assert_eq!((r.ratings, r.mean_rating), (1, Some(4.0)));
}
