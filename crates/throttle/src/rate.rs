//! A budget as operators write it: `20/5min` is a bucket of 20 that refills completely in five
//! minutes (one more every 15 s), so a client may spend 20 at once and then 4 a minute.

use crate::ThrottleError;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Shortest refill period accepted: anything faster is not a limit.
const MIN_PERIOD: Duration = Duration::from_millis(100);
/// Longest refill period accepted (a day): longer would punish a shared address for days.
const MAX_PERIOD: Duration = Duration::from_secs(86_400);

/// `burst` requests at once, refilled evenly over `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub period: Duration,
}

impl Rate {
    /// A rate of `burst` per `period`.
    pub const fn new(burst: u32, period: Duration) -> Self {
        Self { burst, period }
    }

    /// The time one request's allowance takes to come back.
    pub fn interval(&self) -> Duration {
        self.period / self.burst.max(1)
    }
}

impl FromStr for Rate {
    type Err = ThrottleError;

    /// `N/PERIOD` with PERIOD in jiff's friendly form (`30s`, `5min`, `1h`, `1 hour`).
    fn from_str(s: &str) -> Result<Self, ThrottleError> {
        let bad = |why: &str| ThrottleError::BadRate {
            given: s.to_string(),
            why: why.to_string(),
        };
        let (n, period) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| bad("write it as COUNT/PERIOD, e.g. 20/5min, or `off`"))?;
        let burst: u32 = n
            .trim()
            .parse()
            .map_err(|_| bad("the count must be a whole number from 1"))?;
        if burst == 0 {
            return Err(bad(
                "the count must be at least 1 (write `off` to turn it off)",
            ));
        }
        let period = period.trim();
        // `20/min` reads as one minute.
        let period = if period.starts_with(|c: char| c.is_ascii_digit()) {
            period.to_string()
        } else {
            format!("1{period}")
        };
        let d: jiff::SignedDuration = period
            .parse()
            .map_err(|_| bad("the period must be a duration such as 30s, 5min or 1h"))?;
        let period = d
            .try_into()
            .map_err(|_| bad("the period must be positive"))?;
        if !(MIN_PERIOD..=MAX_PERIOD).contains(&period) {
            return Err(bad("the period must be between 100ms and 24h"));
        }
        Ok(Self { burst, period })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.period.as_secs();
        if self.period.subsec_nanos() != 0 {
            write!(f, "{}/{}ms", self.burst, self.period.as_millis())
        } else if secs.is_multiple_of(3600) {
            write!(f, "{}/{}h", self.burst, secs / 3600)
        } else if secs.is_multiple_of(60) {
            write!(f, "{}/{}min", self.burst, secs / 60)
        } else {
            write!(f, "{}/{}s", self.burst, secs)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn operators_write_rates_as_count_per_period() {
        let r: Rate = "20/5min".parse().unwrap();
        assert_eq!(r, Rate::new(20, Duration::from_secs(300)));
        assert_eq!(r.interval(), Duration::from_secs(15));
        assert_eq!(
            "300/min".parse::<Rate>().unwrap().period,
            Duration::from_secs(60)
        );
        assert_eq!(
            "10 / 1 hour".parse::<Rate>().unwrap().period,
            Duration::from_secs(3600)
        );
        assert_eq!("3/2s".parse::<Rate>().unwrap().to_string(), "3/2s");
        assert_eq!("20/5min".parse::<Rate>().unwrap().to_string(), "20/5min");
    }

    #[test]
    fn nonsense_rates_are_refused_with_the_reason() {
        for (given, says) in [
            ("20", "COUNT/PERIOD"),
            ("0/min", "at least 1"),
            ("-3/min", "whole number"),
            ("5/soon", "duration"),
            ("5/0s", "between"),
            ("5/48h", "between"),
        ] {
            let e = given.parse::<Rate>().unwrap_err().to_string();
            assert!(e.contains(says), "{given}: {e}");
            assert!(e.contains(given.trim()), "{given}: {e}");
        }
    }
}
