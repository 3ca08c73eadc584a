//! Rate limits: a [`Rate`] as the configuration writes it (`"100/s"`), and the limiters the
//! service keeps — one per authenticated caller (its own rate, or the default), one per peer
//! address for requests that carry no key (open routes). A request over its rate is answered
//! `429 rate_limited` with `Retry-After` (see [`crate::auth`]).
//!
//! The limiters are `governor`'s GCRA: a caller may send `burst` requests at once, then one
//! every `per / count`.

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};
use serde::Deserialize;
use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

/// A rate: `count` requests per `per` (`"100/s"`, `"600/min"`, `"2/h"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Rate {
    /// How many requests.
    pub count: NonZeroU32,
    /// In how long.
    pub per: Duration,
}

impl Rate {
    /// The governor quota of this rate with `burst` requests at once (default: `count`).
    pub fn quota(self, burst: Option<NonZeroU32>) -> Quota {
        // `count` ≥ 1 and `per` ≥ 1 s, so the period is positive; the fallback is never taken.
        let period = self.per / self.count.get();
        let quota = Quota::with_period(period).unwrap_or_else(|| Quota::per_second(self.count));
        quota.allow_burst(burst.unwrap_or(self.count))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.per.as_secs() {
            1 => "s",
            60 => "min",
            _ => "h",
        };
        write!(f, "{}/{unit}", self.count)
    }
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(s: &str) -> Result<Rate, String> {
        let wrong = || format!("`{s}` is not a rate: write `N/s`, `N/min` or `N/h` with N ≥ 1");
        let (count, unit) = s.trim().split_once('/').ok_or_else(wrong)?;
        let count: NonZeroU32 = count.trim().parse().map_err(|_| wrong())?;
        let per = match unit.trim() {
            "s" => Duration::from_secs(1),
            "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            _ => return Err(wrong()),
        };
        Ok(Rate { count, per })
    }
}

impl TryFrom<String> for Rate {
    type Error = String;

    fn try_from(s: String) -> Result<Rate, String> {
        s.parse()
    }
}

/// The rate of an authenticated caller that names none in the key file.
pub const DEFAULT_CALLER_RATE: Rate = Rate {
    count: NonZeroU32::MIN.saturating_add(99),
    per: Duration::from_secs(1),
};

/// The rate, per peer address, of requests without a key on open routes (health probes) when
/// the service has keys. (Without keys — loopback development — there is no default limit.)
pub const DEFAULT_OPEN_RATE: Rate = Rate {
    count: NonZeroU32::MIN.saturating_add(19),
    per: Duration::from_secs(1),
};

/// How long until a request over its rate may be sent again.
pub type RetryAfter = Duration;

/// One caller's limiter.
pub struct CallerLimit {
    quota: Quota,
    limiter: DefaultDirectRateLimiter,
}

impl CallerLimit {
    /// A limiter for `quota`.
    pub fn new(quota: Quota) -> CallerLimit {
        CallerLimit {
            quota,
            limiter: DefaultDirectRateLimiter::direct(quota),
        }
    }

    /// Its quota (a reloaded key file keeps a caller's limiter while its quota is unchanged).
    pub fn quota(&self) -> Quota {
        self.quota
    }

    /// Takes one request from the caller's allowance, or says how long to wait.
    pub fn check(&self) -> Result<(), RetryAfter> {
        self.limiter
            .check()
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The limiter of requests without a key, keyed by the peer's address.
pub struct AddressLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl AddressLimit {
    /// A limiter giving each address `quota`.
    pub fn new(quota: Quota) -> AddressLimit {
        AddressLimit {
            limiter: DefaultKeyedRateLimiter::dashmap(quota),
        }
    }

    /// Takes one request from `addr`'s allowance, or says how long to wait.
    pub fn check(&self, addr: IpAddr) -> Result<(), RetryAfter> {
        self.limiter
            .check_key(&addr)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets the addresses whose allowance is full again, so the table does not grow with
    /// every address ever seen.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// The whole seconds of `Retry-After` for a wait (at least 1).
pub fn retry_after_secs(wait: RetryAfter) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_and_print_as_written() {
        for text in ["100/s", "600/min", "2/h"] {
            let rate: Rate = text.parse().unwrap();
            assert_eq!(rate.to_string(), text);
        }
        assert_eq!(
            " 5 / min ".parse::<Rate>().unwrap().per,
            Duration::from_secs(60)
        );
        for wrong in ["0/s", "5", "5/day", "x/s", "-1/s", ""] {
            let e = wrong.parse::<Rate>().unwrap_err();
            assert!(e.contains("`N/s`, `N/min` or `N/h`"), "{wrong}: {e}");
        }
        assert_eq!(DEFAULT_CALLER_RATE.to_string(), "100/s");
        assert_eq!(DEFAULT_OPEN_RATE.to_string(), "20/s");
    }

    #[test]
    fn a_caller_gets_its_burst_then_waits() {
        let limit = CallerLimit::new("2/h".parse::<Rate>().unwrap().quota(None));
        assert!(limit.check().is_ok());
        assert!(limit.check().is_ok());
        let wait = limit.check().unwrap_err();
        // One request every 30 minutes once the burst of 2 is spent.
        assert!(wait > Duration::from_secs(1700), "{wait:?}");
        assert!(retry_after_secs(wait) <= 1800);
        let burst = NonZeroU32::new(3).unwrap();
        let limit = CallerLimit::new("1/h".parse::<Rate>().unwrap().quota(Some(burst)));
        assert!((0..3).all(|_| limit.check().is_ok()));
        assert!(limit.check().is_err());
    }

    #[test]
    fn addresses_are_limited_each_on_its_own() {
        let limit = AddressLimit::new("1/h".parse::<Rate>().unwrap().quota(None));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(limit.check(a).is_ok());
        assert!(limit.check(a).is_err());
        assert!(limit.check(b).is_ok());
        limit.forget_idle();
        assert!(
            limit.check(a).is_err(),
            "a spent allowance is not forgotten"
        );
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
