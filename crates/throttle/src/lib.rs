//! skydir-throttle: per-client budgets for what anyone can do without a credential, shared by
//! the HTTP and LDAP front ends so that one address has one budget whichever door it knocks on.
//!
//! Four budgets, each a token bucket per client (see [`Limits`] for the defaults):
//! - **anonymous** — every request or LDAP operation not made under a valid credential;
//! - **failures** — failed sign-ins (passwords, second factors, bad tokens): a password door
//!   checks it *before* verifying anything and only failures spend it, so guessing stops at
//!   the limit while a user who types their password right never pays — however many sign in
//!   at once from one address (an application's connection pool binding 32 connections);
//! - **strict** — the doors that send mail or take a link's token: forgot-password, public data
//!   requests, invitations and the other emailed links;
//! - **mail senders** — inbound support mail, counted per sender address (each message can
//!   open a ticket and mail an answer back).
//!
//! Authenticated traffic is never counted: an application binding and searching thousands of
//! times a second from one address is normal directory use. Time is `std::time::Instant`
//! (monotonic): wall-clock jumps neither lock clients out nor let them in.

mod bucket;
mod client;
mod rate;

pub use bucket::{Limiter, Wait};
pub use client::ClientKey;
pub use rate::Rate;

use std::time::{Duration, Instant};

/// Most clients each budget tracks at once (a few MB at most).
const MAX_KEYS: usize = 200_000;

/// Errors of this crate: only a setting that does not read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ThrottleError {
    #[error("rate limit `{given}` does not read: {why}")]
    BadRate { given: String, why: String },
}

/// Which budget refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Anonymous,
    Failures,
    Strict,
    MailSender,
}

impl Limit {
    /// The name used in settings, metrics labels and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Failures => "failures",
            Self::Strict => "strict",
            Self::MailSender => "mail_sender",
        }
    }
}

/// A refusal: which budget is spent and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub limit: Limit,
    pub retry_after: Duration,
}

impl Refused {
    /// Whole seconds to wait, at least 1 (what `Retry-After` carries).
    pub fn retry_after_secs(&self) -> u64 {
        let d = self.retry_after;
        (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
    }
}

/// The budgets' settings (`None` turns one off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub anonymous: Option<Rate>,
    pub failures: Option<Rate>,
    pub strict: Option<Rate>,
    pub mail_senders: Option<Rate>,
}

impl Default for Limits {
    /// 300 unauthenticated requests a minute per address (a person browsing public pages
    /// makes a few dozen); 20 failed sign-ins per 5 minutes (then one every 15 s) — per-account
    /// lockout still applies after 5; 20 mails or tokened links an hour; 30 mails an hour from
    /// one sender.
    fn default() -> Self {
        Self {
            anonymous: Some(Rate::new(300, Duration::from_secs(60))),
            failures: Some(Rate::new(20, Duration::from_secs(300))),
            strict: Some(Rate::new(20, Duration::from_secs(3600))),
            mail_senders: Some(Rate::new(30, Duration::from_secs(3600))),
        }
    }
}

/// The budgets of one server.
#[derive(Debug)]
pub struct Throttle {
    anonymous: Limiter<ClientKey>,
    failures: Limiter<ClientKey>,
    strict: Limiter<ClientKey>,
    senders: Limiter<String>,
}

impl Throttle {
    pub fn new(limits: Limits) -> Self {
        Self {
            anonymous: Limiter::new(limits.anonymous, MAX_KEYS),
            failures: Limiter::new(limits.failures, MAX_KEYS),
            strict: Limiter::new(limits.strict, MAX_KEYS),
            senders: Limiter::new(limits.mail_senders, MAX_KEYS),
        }
    }

    /// Spends one unauthenticated request.
    pub fn anonymous(&self, client: ClientKey) -> Result<(), Refused> {
        refuse(
            Limit::Anonymous,
            self.anonymous.take(&client, Instant::now()),
        )
    }

    /// Whether the client's unauthenticated budget is spent (nothing spent by asking).
    pub fn anonymous_spent(&self, client: ClientKey) -> Option<Refused> {
        refuse(
            Limit::Anonymous,
            self.anonymous.peek(&client, Instant::now()),
        )
        .err()
    }

    /// Charges a request that came with a credential which turned out not to be valid.
    pub fn charge_anonymous(&self, client: ClientKey) {
        self.anonymous.charge(&client, Instant::now());
    }

    /// Whether the client may try a password now: refused once its failures are spent, so
    /// that nothing is verified (the right password included) until the wait is over. It
    /// spends nothing — a sign-in that succeeds costs nothing; one that fails is recorded with
    /// [`Throttle::failed`].
    pub fn may_try(&self, client: ClientKey) -> Result<(), Refused> {
        refuse(Limit::Failures, self.failures.peek(&client, Instant::now()))
    }

    /// Records a failed sign-in or bind, or a failed authentication anywhere else (a bad or
    /// expired token). Failures made concurrently past the budget are all counted, up to one
    /// period of debt: the wait grows with them.
    pub fn failed(&self, client: ClientKey) {
        self.failures.charge(&client, Instant::now());
    }

    /// Spends one use of a door that sends mail or takes a link's token.
    pub fn strict(&self, client: ClientKey) -> Result<(), Refused> {
        refuse(Limit::Strict, self.strict.take(&client, Instant::now()))
    }

    /// Spends one inbound message of `sender` (compared without case).
    pub fn mail_sender(&self, sender: &str) -> Result<(), Refused> {
        let key = sender.trim().to_ascii_lowercase();
        refuse(Limit::MailSender, self.senders.take(&key, Instant::now()))
    }
}

fn refuse(limit: Limit, r: Result<(), Wait>) -> Result<(), Refused> {
    r.map_err(|Wait(retry_after)| Refused { limit, retry_after })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn key(s: &str) -> ClientKey {
        s.parse::<IpAddr>().unwrap().into()
    }

    fn tight() -> Throttle {
        let r = Some(Rate::new(2, Duration::from_secs(600)));
        Throttle::new(Limits {
            anonymous: r,
            failures: r,
            strict: r,
            mail_senders: r,
        })
    }

    #[test]
    fn failures_stop_guessing_but_right_passwords_never_pay() {
        let t = tight();
        let me = key("192.0.2.1");
        for _ in 0..10 {
            t.may_try(me).unwrap();
        }
        t.failed(me);
        t.failed(me);
        let r = t.may_try(me).unwrap_err();
        assert_eq!(r.limit, Limit::Failures);
        assert_eq!(r.retry_after_secs(), 300);
        assert!(
            t.may_try(key("192.0.2.2")).is_ok(),
            "other clients are not affected"
        );
    }

    #[test]
    fn bad_tokens_spend_the_failure_budget_too() {
        let t = tight();
        let me = key("2001:db8::1");
        t.failed(me);
        t.failed(me);
        assert!(
            t.may_try(key("2001:db8::2")).is_err(),
            "same /64, same budget"
        );
    }

    #[test]
    fn mail_senders_are_counted_without_case() {
        let t = tight();
        t.mail_sender("Ann@Example.com").unwrap();
        t.mail_sender("ann@example.com ").unwrap();
        assert_eq!(
            t.mail_sender("ANN@example.COM").unwrap_err().limit,
            Limit::MailSender
        );
        t.mail_sender("bob@example.com").unwrap();
    }

    #[test]
    fn turned_off_budgets_never_refuse() {
        let t = Throttle::new(Limits {
            anonymous: None,
            failures: None,
            strict: None,
            mail_senders: None,
        });
        let me = key("192.0.2.1");
        for _ in 0..1000 {
            t.anonymous(me).unwrap();
            t.failed(me);
            t.may_try(me).unwrap();
            t.strict(me).unwrap();
        }
        assert!(t.anonymous_spent(me).is_none());
    }
}
