//! A clock a test moves: the system time plus an offset the test advances, so a server's
//! deadlines (the 72-hour breach clock, say) pass in a test while everything else — TLS
//! certificates, the test's own timeouts — keeps real time.

use skydir_core::ports::Clock;
use std::sync::Mutex;

/// The system time plus an offset.
#[derive(Debug, Default)]
pub struct TestClock {
    offset: Mutex<jiff::SignedDuration>,
}

impl TestClock {
    /// Moves the clock forward by `by` (from now on, for every reader).
    pub fn advance(&self, by: jiff::SignedDuration) {
        if let Ok(mut o) = self.offset.lock() {
            *o += by;
        }
    }
}

impl Clock for TestClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> jiff::Timestamp {
        let offset = self.offset.lock().map(|o| *o).unwrap_or_default();
        jiff::Timestamp::now()
            .checked_add(offset)
            .unwrap_or_else(|_| jiff::Timestamp::now())
    }
}
