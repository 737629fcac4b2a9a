#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::support::calendar::Calendar;
use jiff::SignedDuration;

fn at(s: &str) -> Timestamp {
    // Local Denver times in the tests read as the policy's hours.
    let civil: jiff::civil::DateTime = s.parse().unwrap();
    civil.in_tz("America/Denver").unwrap().timestamp()
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

fn targets(first: i64, resolution: i64) -> Targets {
    Targets {
        first_response: hours(first),
        resolution: hours(resolution),
    }
}

#[test]
fn the_whole_transition_table() {
    use TicketStatus::*;
    // Rows: from; columns: to, in TicketStatus::ALL order. Y = allowed.
    let expected = [
        (New, "-YYYY"),
        (Open, "--YYY"),
        (WaitingOnCustomer, "-Y-YY"),
        (Resolved, "-Y--Y"),
        (Closed, "-----"),
    ];
    for (from, row) in expected {
        let got: String = TicketStatus::ALL
            .iter()
            .map(|to| if from.may_become(*to) { 'Y' } else { '-' })
            .collect();
        assert_eq!(got, row, "from {}", from.as_str());
    }
    assert_eq!(
        TicketStatus::parse("waiting_on_customer").unwrap(),
        WaitingOnCustomer
    );
    let e = TicketStatus::parse("pending").unwrap_err().to_string();
    assert!(e.contains("waiting_on_customer"), "{e}");
}

#[test]
fn histories_are_checked_entry_by_entry() {
    let t = at("2026-06-01T10:00");
    let created = HistoryEntry::Created {
        at: t,
        status: TicketStatus::New,
    };
    assert!(TicketHistory::new(vec![]).is_err());
    assert!(
        TicketHistory::new(vec![HistoryEntry::Status {
            at: t,
            to: TicketStatus::Open
        }])
        .is_err()
    );
    let closed_then_open = TicketHistory::new(vec![
        created,
        HistoryEntry::Status {
            at: t,
            to: TicketStatus::Closed,
        },
        HistoryEntry::Status {
            at: t,
            to: TicketStatus::Open,
        },
    ]);
    assert!(
        matches!(&closed_then_open, Err(CoreError::Conflict { reason, .. }) if reason.contains("closed ticket cannot become open")),
        "{closed_then_open:?}"
    );
    let backwards = TicketHistory::new(vec![
        created,
        HistoryEntry::Reply {
            at: t - SignedDuration::from_secs(1),
            by: Author::Agent,
        },
    ]);
    assert!(
        matches!(&backwards, Err(CoreError::Invalid { field, .. }) if field == "history[1].at"),
        "{backwards:?}"
    );
}

/// "Target response times, along with time to resolution, will vary based on severity": a
/// ticket opened Friday 16:00 with a 2-hour first-response target is due Monday 10:00; the
/// agent's reply Monday 09:30 meets it; waiting on the customer over Tuesday pauses the
/// resolution clock, which ends when the ticket is resolved.
#[test]
fn both_clocks_follow_the_history_pausing_while_waiting_on_the_customer() {
    let cal = Calendar::us_support().unwrap();
    let created = at("2026-06-05T16:00"); // a Friday
    let mut entries = vec![HistoryEntry::Created {
        at: created,
        status: TicketStatus::New,
    }];
    let h = TicketHistory::new(entries.clone()).unwrap();
    let sla = h.sla(&cal, targets(2, 16), at("2026-06-05T16:30")).unwrap();
    assert_eq!(sla.first_response.due, Some(at("2026-06-08T10:00")));
    // 16 business hours: Friday 16–17, Monday 9–17, Tuesday 9–16.
    assert_eq!(sla.resolution.due, Some(at("2026-06-09T16:00")));

    entries.push(HistoryEntry::Status {
        at: at("2026-06-08T09:10"),
        to: TicketStatus::Open,
    });
    entries.push(HistoryEntry::Reply {
        at: at("2026-06-08T09:30"),
        by: Author::Agent,
    });
    entries.push(HistoryEntry::Status {
        at: at("2026-06-08T09:30"),
        to: TicketStatus::WaitingOnCustomer,
    });
    entries.push(HistoryEntry::Reply {
        at: at("2026-06-10T09:00"),
        by: Author::Customer,
    });
    entries.push(HistoryEntry::Status {
        at: at("2026-06-10T09:00"),
        to: TicketStatus::Open,
    });
    let h = TicketHistory::new(entries.clone()).unwrap();
    let now = at("2026-06-10T12:00");
    let sla = h.sla(&cal, targets(2, 16), now).unwrap();
    assert_eq!(h.first_response_at(), Some(at("2026-06-08T09:30")));
    assert_eq!(sla.first_response.state, Some(ClockState::Stopped));
    assert!(!sla.first_response.is_breached());
    assert_eq!(
        sla.first_response.elapsed,
        hours(1) + SignedDuration::from_mins(30)
    );
    // Resolution: Fri 16:00–17:00 (1 h) + Mon 09:00–09:30 (0.5 h), paused until Wed 09:00,
    // then 3 h to noon: 4.5 h elapsed; the 11.5 h left end Thursday 15:30.
    assert_eq!(
        sla.resolution.elapsed,
        hours(4) + SignedDuration::from_mins(30)
    );
    assert_eq!(sla.resolution.due, Some(at("2026-06-11T15:30")));
    entries.push(HistoryEntry::Status {
        at: at("2026-06-10T15:00"),
        to: TicketStatus::Resolved,
    });
    let h = TicketHistory::new(entries).unwrap();
    let later = h.sla(&cal, targets(2, 16), at("2026-06-20T12:00")).unwrap();
    assert_eq!(later.resolution.state, Some(ClockState::Stopped));
    assert!(!later.resolution.is_breached());
    assert_eq!(h.status(), TicketStatus::Resolved);
}

#[test]
fn no_agent_reply_in_time_is_a_first_response_breach() {
    let cal = Calendar::us_support().unwrap();
    let h = TicketHistory::new(vec![
        HistoryEntry::Created {
            at: at("2026-06-01T09:00"),
            status: TicketStatus::New,
        },
        HistoryEntry::Reply {
            at: at("2026-06-01T10:00"),
            by: Author::Customer,
        },
    ])
    .unwrap();
    let sla = h.sla(&cal, targets(1, 8), at("2026-06-01T11:00")).unwrap();
    assert_eq!(sla.first_response.breached_at, Some(at("2026-06-01T10:00")));
    assert!(!sla.resolution.is_breached());
    assert_eq!(
        h.first_response_at(),
        None,
        "a customer's reply is not a response"
    );
}
