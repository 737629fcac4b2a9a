//! The SLA clock of a ticket, recomputed from its history.
//!
//! A ticket's clock runs while the provider owes the customer something and pauses while it
//! waits on the customer. The ticket service records each change as a [`ClockEvent`] —
//! created ⇒ running, waiting on the customer ⇒ paused, customer replied or an agent's
//! override ⇒ running, resolved ⇒ stopped — and asks [`sla_status`] for the reading at an
//! instant. The reading is always recomputed from the whole history on a [`Calendar`], never
//! counted up call by call, so it is the same whichever calls came before, and a changed
//! calendar or a corrected event simply gives the corrected answer.
//!
//! Rules:
//! - Each time the clock (re)starts running at `t`, it counts from
//!   [`Calendar::next_business_instant`]`(t)`: the next open whole minute. A pause or stop
//!   ends the count exactly at its instant. A "running" event while running, or a "paused"
//!   event while not running, changes nothing.
//! - Events after `now` are ignored: the reading at `now` depends on the past only.
//! - The target is *met* if the clock stops or pauses at or before the due instant, and
//!   *breached* at the due instant if the clock is still running after it. A clock paused
//!   exactly at its due instant is not breached, but is breached as soon as it runs again.
//!
//! This knows nothing of tickets, severities or plans: the caller picks the calendar and the
//! target (e.g. 8 business hours for a first response).

use super::calendar::Calendar;
use crate::error::{CoreError, CoreResult};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What the clock does from an event on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Counting business time: the ticket was created, the customer replied, or an agent
    /// restarted the clock.
    Running,
    /// Not counting: waiting on the customer.
    Paused,
    /// Not counting: resolved. A later `Running` event (a reopened ticket) counts on.
    Stopped,
}

/// A change of the clock's state at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockEvent {
    /// When the change happened.
    pub at: Timestamp,
    /// The state from then on.
    pub state: ClockState,
}

/// The reading of an SLA clock at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaStatus {
    /// The clock's state at the instant; `None` before its first event.
    pub state: Option<ClockState>,
    /// Business time counted so far.
    pub elapsed: SignedDuration,
    /// Business time left before the target is reached; zero once reached.
    pub remaining: SignedDuration,
    /// While running: the instant the target is reached if the clock keeps running (in the
    /// past once breached). `None` while paused, stopped or not started — `remaining` is the
    /// figure to show then.
    pub due: Option<Timestamp>,
    /// When the target was breached, if it was by the instant of the reading.
    pub breached_at: Option<Timestamp>,
}

impl SlaStatus {
    /// Whether the target was breached.
    pub fn is_breached(&self) -> bool {
        self.breached_at.is_some()
    }
}

/// The reading at `now` of an SLA clock with the given `target` of business time, from the
/// ticket's `events` in time order (ties are taken in list order). Errors if the target is not
/// positive, the events are out of order, or the calendar stays closed for ten years.
pub fn sla_status(
    calendar: &Calendar,
    events: &[ClockEvent],
    target: SignedDuration,
    now: Timestamp,
) -> CoreResult<SlaStatus> {
    if !target.is_positive() {
        return Err(CoreError::invalid(
            "target",
            format!("an SLA target must be a positive business duration, got {target:#}"),
        ));
    }
    for (i, pair) in events.windows(2).enumerate() {
        if let [before, after] = pair
            && after.at < before.at
        {
            return Err(CoreError::invalid(
                format!("events[{}].at", i + 1),
                format!(
                    "{} is before the previous event at {}; events must be in time order",
                    after.at, before.at
                ),
            ));
        }
    }

    // The stretches during which the clock counted: from the (rounded) start of each run to
    // the pause or stop that ended it, or to `now` for a run still going.
    let mut state = None;
    let mut runs: Vec<(Timestamp, Option<Timestamp>)> = Vec::new();
    for event in events.iter().take_while(|e| e.at <= now) {
        match (state, event.state) {
            (Some(ClockState::Running), ClockState::Running) => {}
            (_, ClockState::Running) => {
                runs.push((calendar.next_business_instant(event.at)?, None));
            }
            (Some(ClockState::Running), ClockState::Paused | ClockState::Stopped) => {
                if let Some(run) = runs.last_mut() {
                    run.1 = Some(event.at);
                }
            }
            (_, ClockState::Paused | ClockState::Stopped) => {}
        }
        state = Some(event.state);
    }

    let mut elapsed = SignedDuration::ZERO;
    let mut breached_at = None;
    let mut due = None;
    for (start, end) in runs {
        let counted = calendar.between(start, end.unwrap_or(now));
        if breached_at.is_none() {
            let budget = target.checked_sub(elapsed).unwrap_or(SignedDuration::ZERO);
            match end {
                // A finished run reaches the target only if it counted the whole budget, and
                // breaches it only if it ran on past that instant.
                Some(end) if counted >= budget => {
                    let reached = calendar.add(start, budget)?;
                    if reached < end {
                        breached_at = Some(reached);
                    }
                }
                Some(_) => {}
                None => {
                    let reached = calendar.add(start, budget)?;
                    due = Some(reached);
                    if reached < now {
                        breached_at = Some(reached);
                    }
                }
            }
        } else if end.is_none() {
            due = breached_at;
        }
        elapsed = elapsed.saturating_add(counted);
    }
    let remaining = target
        .checked_sub(elapsed)
        .unwrap_or(SignedDuration::ZERO)
        .max(SignedDuration::ZERO);
    Ok(SlaStatus {
        state,
        elapsed,
        remaining,
        due,
        breached_at,
    })
}

#[cfg(test)]
mod tests;
