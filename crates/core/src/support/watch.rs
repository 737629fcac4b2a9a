//! Watching SLA clocks: what is due for a ticket right now — a near-breach warning, a breach to
//! record — and the compliance report per severity and month.
//!
//! The desk runs [`due_events`] over every open ticket once a minute. Each event happens once
//! per ticket and clock: the ticket's [`SlaMarks`] remember what was done, so a restart, a
//! second server process or a late run never warns twice. A clock that is paused (waiting on
//! the customer) or stopped neither warns nor breaches.
//!
//! The report ([`compliance`]) counts, for the tickets *opened* in a period, how many met each
//! target, how many breached it and how many are still running, per severity and per month of
//! opening (in the calendar's zone), with the median business time to first response and the
//! customers' satisfaction ratings.

use super::desk::DeskPolicy;
use super::record::{SlaMarks, Ticket};
use super::severity::Severity;
use super::targets::{Targets, Urgency};
use super::ticket::TicketSla;
use crate::error::CoreResult;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which of a ticket's two clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    FirstResponse,
    Resolution,
}

impl Clock {
    /// Words for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::FirstResponse => "first response",
            Self::Resolution => "resolution",
        }
    }
}

/// Something the watch must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaEvent {
    /// The clock is near its breach; it is due at `due`.
    NearBreach { clock: Clock, due: Timestamp },
    /// The clock's target was missed at `at`.
    Breached { clock: Clock, at: Timestamp },
}

/// The events due for `ticket` given its clocks now, and the marks once they are acted on.
pub fn due_events(
    policy: &DeskPolicy,
    ticket: &Ticket,
    sla: &TicketSla,
) -> (Vec<SlaEvent>, SlaMarks) {
    let targets: Targets = policy.targets.for_class(ticket.plan_class, ticket.severity);
    let mut marks = ticket.sla_marks;
    let mut events = Vec::new();
    for (clock, status, target) in [
        (
            Clock::FirstResponse,
            &sla.first_response,
            targets.first_response,
        ),
        (Clock::Resolution, &sla.resolution, targets.resolution),
    ] {
        let (warned, breached) = match clock {
            Clock::FirstResponse => (
                &mut marks.first_response_warned,
                &mut marks.first_response_breached,
            ),
            Clock::Resolution => (&mut marks.resolution_warned, &mut marks.resolution_breached),
        };
        match (policy.targets.urgency(target, status), status.breached_at) {
            (Urgency::Breached, Some(at)) if breached.is_none() => {
                *breached = Some(at);
                *warned = true;
                events.push(SlaEvent::Breached { clock, at });
            }
            (Urgency::NearBreach, _) if !*warned => {
                if let Some(due) = status.due {
                    *warned = true;
                    events.push(SlaEvent::NearBreach { clock, due });
                }
            }
            _ => {}
        }
    }
    (events, marks)
}

/// How one target fared over a set of tickets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TargetCounts {
    /// Met: answered or resolved before the target.
    pub met: u64,
    /// Missed.
    pub breached: u64,
    /// Not answered or resolved yet, and not yet late.
    pub pending: u64,
}

impl TargetCounts {
    /// Met as a share of those decided (met or breached), in percent; `None` before any is.
    pub fn compliance_percent(&self) -> Option<f64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| (self.met as f64) * 100.0 / (decided as f64))
    }
}

/// One row of the report: the tickets of one severity opened in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceRow {
    /// `YYYY-MM` in the calendar's zone.
    pub month: String,
    pub severity: Severity,
    pub tickets: u64,
    pub first_response: TargetCounts,
    pub resolution: TargetCounts,
    /// Median business time to the first response, of those answered.
    pub median_first_response_minutes: Option<i64>,
    /// Satisfaction ratings given, and their mean.
    pub ratings: u64,
    pub mean_rating: Option<f64>,
}

fn count(c: &mut TargetCounts, breached: bool, stopped: bool) {
    if breached {
        c.breached += 1;
    } else if stopped {
        c.met += 1;
    } else {
        c.pending += 1;
    }
}

/// The compliance report for `tickets`, each with its clocks read now.
pub fn compliance(
    policy: &DeskPolicy,
    tickets: &[(Ticket, TicketSla)],
) -> CoreResult<Vec<ComplianceRow>> {
    #[derive(Default)]
    struct Acc {
        tickets: u64,
        first: TargetCounts,
        resolution: TargetCounts,
        response_minutes: Vec<i64>,
        ratings: Vec<u8>,
    }
    let tz = policy.calendar.time_zone().clone();
    let mut acc: BTreeMap<(String, Severity), Acc> = BTreeMap::new();
    for (t, sla) in tickets {
        let month = t
            .created_at
            .to_zoned(tz.clone())
            .strftime("%Y-%m")
            .to_string();
        let a = acc.entry((month, t.severity)).or_default();
        a.tickets += 1;
        let answered = t.history.first_response_at().is_some();
        count(&mut a.first, sla.first_response.is_breached(), answered);
        if answered {
            a.response_minutes
                .push(sla.first_response.elapsed.as_secs() / 60);
        }
        count(
            &mut a.resolution,
            sla.resolution.is_breached(),
            !t.is_open(),
        );
        if let Some(s) = &t.satisfaction {
            a.ratings.push(s.rating);
        }
    }
    Ok(acc
        .into_iter()
        .map(|((month, severity), mut a)| {
            a.response_minutes.sort_unstable();
            let median = (!a.response_minutes.is_empty())
                .then(|| a.response_minutes[a.response_minutes.len() / 2]);
            let ratings = a.ratings.len() as u64;
            let mean = (ratings > 0)
                .then(|| a.ratings.iter().map(|r| f64::from(*r)).sum::<f64>() / ratings as f64);
            ComplianceRow {
                month,
                severity,
                tickets: a.tickets,
                first_response: a.first,
                resolution: a.resolution,
                median_first_response_minutes: median,
                ratings,
                mean_rating: mean,
            }
        })
        .collect())
}

/// The text of an SLA event, for the internal note and the escalation mail.
pub fn describe(policy: &DeskPolicy, number: u64, severity: Severity, e: &SlaEvent) -> String {
    match e {
        SlaEvent::NearBreach { clock, due } => format!(
            "SLA warning on ticket #{number} ({severity}): the {} target is near its breach; due \
             {}.",
            clock.label(),
            super::replies::local_time(policy, *due)
        ),
        SlaEvent::Breached { clock, at } => format!(
            "SLA breach on ticket #{number} ({severity}): the {} target was missed at {}.",
            clock.label(),
            super::replies::local_time(policy, *at)
        ),
    }
}

#[cfg(test)]
mod tests;
