//! The clock: the one place the service and the command line read the time.
//!
//! The crates below (`lang`, `compiler`, `evaluator`) never read the clock; the caller passes
//! "today" in. A [`Project`](crate::project::Project) carries a `Clock`: the [`SystemClock`] when
//! run, a [`FixedClock`] in tests that need a date that does not move.

use datalex_lang::date::Date;
use std::fmt::{self, Debug};
use std::time::{Duration, SystemTime};

/// Seconds east of UTC of Asia/Shanghai (UTC+8, no daylight saving), whose calendar day is
/// "today" for a request that gives no `at`.
const SHANGHAI_OFFSET_SECS: u64 = 8 * 3600;

const SECS_PER_DAY: u64 = 86_400;

/// A source of the current time.
pub trait Clock: Send + Sync + Debug {
    /// The time elapsed since the Unix epoch (1970-01-01T00:00:00Z).
    fn since_epoch(&self) -> Duration;

    /// Today in Asia/Shanghai (UTC+8): the default `at` of a request.
    fn today(&self) -> Date {
        let days = (self.since_epoch().as_secs() + SHANGHAI_OFFSET_SECS) / SECS_PER_DAY;
        Date::from_days(i32::try_from(days).unwrap_or(0))
    }

    /// Now as RFC 3339 in UTC with milliseconds (`2026-03-02T08:15:00.123Z`): the time of a
    /// logged decision, of a reload.
    fn timestamp(&self) -> String {
        let now = self.since_epoch();
        let secs = now.as_secs();
        let date = Date::from_days(i32::try_from(secs / SECS_PER_DAY).unwrap_or(0));
        let rem = secs % SECS_PER_DAY;
        format!(
            "{date}T{:02}:{:02}:{:02}.{:03}Z",
            rem / 3600,
            (rem / 60) % 60,
            rem % 60,
            now.subsec_millis()
        )
    }
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn since_epoch(&self) -> Duration {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
    }
}

/// A clock that always says the same time (for tests).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FixedClock {
    since_epoch: Duration,
}

impl FixedClock {
    /// The clock stopped at `since_epoch` after the Unix epoch.
    pub fn new(since_epoch: Duration) -> FixedClock {
        FixedClock { since_epoch }
    }

    /// The clock stopped at noon, Asia/Shanghai time, of `date` (so [`Clock::today`] is `date`).
    /// Dates before the epoch give the epoch.
    pub fn on(date: Date) -> FixedClock {
        let days = u64::try_from(date.days()).unwrap_or(0);
        FixedClock::new(Duration::from_secs(
            days * SECS_PER_DAY + 12 * 3600 - SHANGHAI_OFFSET_SECS,
        ))
    }
}

impl Debug for FixedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FixedClock({})", self.timestamp())
    }
}

impl Clock for FixedClock {
    fn since_epoch(&self) -> Duration {
        self.since_epoch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn today_is_the_day_in_shanghai() {
        // 2026-03-01T16:00:00Z is midnight of 2026-03-02 in Shanghai.
        let midnight = FixedClock::new(Duration::from_secs(
            u64::try_from(date("2026-03-01").days()).unwrap() * SECS_PER_DAY + 16 * 3600,
        ));
        assert_eq!(midnight.today(), date("2026-03-02"));
        assert_eq!(midnight.timestamp(), "2026-03-01T16:00:00.000Z");
        let before = FixedClock::new(midnight.since_epoch() - Duration::from_millis(1));
        assert_eq!(before.today(), date("2026-03-01"));
        assert_eq!(before.timestamp(), "2026-03-01T15:59:59.999Z");
    }

    #[test]
    fn a_fixed_clock_on_a_date_says_that_date() {
        for d in ["1970-01-01", "2023-03-01", "2024-02-29", "2026-12-31"] {
            assert_eq!(FixedClock::on(date(d)).today(), date(d));
        }
        assert_eq!(
            FixedClock::on(date("2026-03-02")).timestamp(),
            "2026-03-02T04:00:00.000Z"
        );
        assert_eq!(
            format!("{:?}", FixedClock::on(date("2026-03-02"))),
            "FixedClock(2026-03-02T04:00:00.000Z)"
        );
    }

    #[test]
    fn the_system_clock_is_after_the_code_was_written() {
        assert!(SystemClock.today() >= date("2025-01-01"));
    }
}
