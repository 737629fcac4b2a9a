//! A ticket's life as the SLA sees it: the statuses a ticket moves through, which moves are
//! allowed, and its two SLA clocks — first response and resolution — derived from its history.
//!
//! The ticket service keeps the history (every status change and every public reply, with
//! who made it and when); [`TicketHistory::sla`] recomputes both clocks from it on a calendar,
//! so due times are never counted up incrementally and a corrected history gives the corrected
//! answer. Rules:
//! - Both clocks start when the ticket is created and pause while it waits on the customer
//!   (for missing details, or for an answer to a question).
//! - The first-response clock stops at the first public reply of an agent; automatic
//!   acknowledgements are not replies.
//! - The resolution clock stops when the ticket is resolved or closed, and runs again if it is
//!   reopened.

use super::calendar::Calendar;
use super::sla_clock::{ClockEvent, ClockState, SlaStatus, sla_status};
use super::targets::Targets;
use crate::error::{CoreError, CoreResult};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Received, not yet looked at by an agent.
    New,
    /// Being worked by support.
    Open,
    /// Waiting for the customer (missing details, a question); the SLA clocks are paused.
    WaitingOnCustomer,
    /// Support considers it solved; the customer may reopen it.
    Resolved,
    /// Finished for good.
    Closed,
}

impl TicketStatus {
    /// Every status, in workflow order.
    pub const ALL: [TicketStatus; 5] = [
        Self::New,
        Self::Open,
        Self::WaitingOnCustomer,
        Self::Resolved,
        Self::Closed,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Open => "open",
            Self::WaitingOnCustomer => "waiting_on_customer",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    /// Parses a wire name; the error lists the valid ones.
    pub fn parse(s: &str) -> CoreResult<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|t| t.as_str()).collect();
                CoreError::invalid(
                    "status",
                    format!(
                        "'{s}' is not a ticket status; use one of {}",
                        names.join(", ")
                    ),
                )
            })
    }

    /// Whether a ticket may move from `self` to `to`. Closed is final; anything open may be
    /// resolved or closed; a resolved ticket may be reopened or closed.
    pub fn may_become(self, to: TicketStatus) -> bool {
        use TicketStatus::*;
        match (self, to) {
            (a, b) if a == b => false,
            (Closed, _) => false,
            (_, New) => false,
            (Resolved, Open | Closed) => true,
            (Resolved, _) => false,
            (New | Open | WaitingOnCustomer, _) => true,
        }
    }

    fn clock(self) -> ClockState {
        match self {
            Self::New | Self::Open => ClockState::Running,
            Self::WaitingOnCustomer => ClockState::Paused,
            Self::Resolved | Self::Closed => ClockState::Stopped,
        }
    }
}

/// Who wrote a public reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Agent,
    Customer,
}

/// One entry of a ticket's history, as far as the SLA cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEntry {
    /// The ticket was created (in `status`: `new`, or `waiting_on_customer` when details were
    /// missing at intake).
    Created { at: Timestamp, status: TicketStatus },
    /// The status changed.
    Status { at: Timestamp, to: TicketStatus },
    /// A public reply (internal notes are not replies).
    Reply { at: Timestamp, by: Author },
}

impl HistoryEntry {
    fn at(&self) -> Timestamp {
        match *self {
            Self::Created { at, .. } | Self::Status { at, .. } | Self::Reply { at, .. } => at,
        }
    }
}

/// Both SLA clocks of a ticket at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketSla {
    pub first_response: SlaStatus,
    pub resolution: SlaStatus,
}

/// A ticket's history in time order, checked: it starts with `Created`, every status change is
/// allowed from the status before it, and times never go back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketHistory(Vec<HistoryEntry>);

impl TicketHistory {
    /// Checks `entries` (see the type's docs); the error names the offending entry.
    pub fn new(entries: Vec<HistoryEntry>) -> CoreResult<Self> {
        let mut status = match entries.first() {
            Some(HistoryEntry::Created { status, .. }) => *status,
            _ => {
                return Err(CoreError::invalid(
                    "history[0]",
                    "a ticket's history starts with its creation",
                ));
            }
        };
        if !matches!(status, TicketStatus::New | TicketStatus::WaitingOnCustomer) {
            return Err(CoreError::invalid(
                "history[0].status",
                "a ticket is created new, or waiting on the customer for missing details",
            ));
        }
        for (i, pair) in entries.windows(2).enumerate() {
            let (before, e) = (&pair[0], &pair[1]);
            if e.at() < before.at() {
                return Err(CoreError::invalid(
                    format!("history[{}].at", i + 1),
                    "entries must be in time order",
                ));
            }
            match *e {
                HistoryEntry::Created { .. } => {
                    return Err(CoreError::invalid(
                        format!("history[{}]", i + 1),
                        "a ticket is created once",
                    ));
                }
                HistoryEntry::Status { to, .. } => {
                    if !status.may_become(to) {
                        return Err(CoreError::conflict(
                            "status",
                            format!("a {} ticket cannot become {}", status.as_str(), to.as_str()),
                        ));
                    }
                    status = to;
                }
                HistoryEntry::Reply { .. } => {}
            }
        }
        Ok(Self(entries))
    }

    /// The entries.
    pub fn entries(&self) -> &[HistoryEntry] {
        &self.0
    }

    /// The status after the last entry.
    pub fn status(&self) -> TicketStatus {
        self.0
            .iter()
            .rev()
            .find_map(|e| match *e {
                HistoryEntry::Created { status, .. } => Some(status),
                HistoryEntry::Status { to, .. } => Some(to),
                HistoryEntry::Reply { .. } => None,
            })
            .unwrap_or(TicketStatus::New)
    }

    /// When the ticket was closed, if it is.
    pub fn closed_at(&self) -> Option<Timestamp> {
        if self.status() != TicketStatus::Closed {
            return None;
        }
        self.0.iter().rev().find_map(|e| match *e {
            HistoryEntry::Status {
                at,
                to: TicketStatus::Closed,
            } => Some(at),
            _ => None,
        })
    }

    /// When an agent first replied publicly, if they have.
    pub fn first_response_at(&self) -> Option<Timestamp> {
        self.0.iter().find_map(|e| match *e {
            HistoryEntry::Reply {
                at,
                by: Author::Agent,
            } => Some(at),
            _ => None,
        })
    }

    /// The resolution clock's events: the status of each change.
    fn resolution_events(&self) -> Vec<ClockEvent> {
        self.0
            .iter()
            .filter_map(|e| match *e {
                HistoryEntry::Created { at, status } | HistoryEntry::Status { at, to: status } => {
                    Some(ClockEvent {
                        at,
                        state: status.clock(),
                    })
                }
                HistoryEntry::Reply { .. } => None,
            })
            .collect()
    }

    /// The first-response clock's events: like the resolution clock's until the first agent
    /// reply, which stops it for good.
    fn first_response_events(&self) -> Vec<ClockEvent> {
        let mut out = Vec::new();
        for e in &self.0 {
            match *e {
                HistoryEntry::Reply {
                    at,
                    by: Author::Agent,
                } => {
                    out.push(ClockEvent {
                        at,
                        state: ClockState::Stopped,
                    });
                    return out;
                }
                HistoryEntry::Created { at, status } | HistoryEntry::Status { at, to: status } => {
                    out.push(ClockEvent {
                        at,
                        state: status.clock(),
                    });
                }
                HistoryEntry::Reply { .. } => {}
            }
        }
        out
    }

    /// Both clocks at `now` against `targets` on `calendar`.
    pub fn sla(
        &self,
        calendar: &Calendar,
        targets: Targets,
        now: Timestamp,
    ) -> CoreResult<TicketSla> {
        Ok(TicketSla {
            first_response: sla_status(
                calendar,
                &self.first_response_events(),
                targets.first_response,
                now,
            )?,
            resolution: sla_status(calendar, &self.resolution_events(), targets.resolution, now)?,
        })
    }
}

#[cfg(test)]
mod tests;
