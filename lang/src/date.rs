//! Civil dates of the proleptic Gregorian calendar, without an external date crate.
//!
//! Deadlines in the regulations are counted in days, so a [`Date`] is a day number;
//! the conversions use Howard Hinnant's `days_from_civil` / `civil_from_days`
//! algorithms (<https://howardhinnant.github.io/date_algorithms.html>).
//! Timestamps are read in Asia/Shanghai (UTC+08:00, no daylight saving time).

use crate::message::Message;
use std::fmt;
use std::str::FromStr;

/// A day of the proleptic Gregorian calendar, stored as days since 1970-01-01.
///
/// Only the years 0001 to 9999 are representable; arithmetic saturates at
/// [`Date::MIN`] and [`Date::MAX`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date(i32);

/// A day of the week.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not shaped like `YYYY-MM-DD`.
    #[error("`{input}` is not a date: expected `YYYY-MM-DD`")]
    Malformed {
        /// The text that was read.
        input: String,
    },
    /// The text is neither a `YYYY-MM-DD` date nor shaped like an RFC 3339 timestamp.
    #[error(
        "`{input}` is not a date or timestamp: expected `YYYY-MM-DD` \
         or an RFC 3339 timestamp such as `2026-03-02T09:30:00+08:00`"
    )]
    MalformedTimestamp {
        /// The text that was read.
        input: String,
    },
    /// The text is well shaped but names no real day or time.
    #[error("`{input}` is not a date: {reason}")]
    Impossible {
        /// The text that was read.
        input: String,
        /// What is wrong, e.g. `February 2026 has 28 days`.
        reason: DateFault,
    },
}

impl DateError {
    /// What is wrong, as a catalog message (E0003's message, and the reason a request's date
    /// is refused).
    pub fn message(&self) -> Message {
        match self {
            DateError::Malformed { input } => Message::new("date-malformed").code("input", input),
            DateError::MalformedTimestamp { input } => {
                Message::new("date-malformed-timestamp").code("input", input)
            }
            DateError::Impossible { input, reason } => Message::new("date-impossible")
                .code("input", input)
                .arg("reason", reason.message()),
        }
    }
}

impl DateFault {
    /// What is wrong, as a catalog message.
    pub fn message(&self) -> Message {
        match self {
            DateFault::NoYearZero => Message::new("date-no-year-zero"),
            DateFault::NoMonth(m) => Message::new("date-no-month").arg("month", *m),
            DateFault::NoDayZero => Message::new("date-no-day-zero"),
            DateFault::MonthLength { month, year, days } => {
                let name = month
                    .checked_sub(1)
                    .and_then(|i| MONTH_IDS.get(i as usize))
                    .copied()
                    .unwrap_or("month-1");
                Message::new("date-month-length")
                    .arg("month-name", Message::new(name))
                    .arg("month", *month)
                    .arg("year", *year)
                    .arg("days", *days)
            }
            DateFault::OutOfRange { part, value, max } => {
                let part = match part {
                    TimePart::Hour => "date-part-hour",
                    TimePart::Minute => "date-part-minute",
                    TimePart::Second => "date-part-second",
                    TimePart::OffsetHour => "date-part-offset-hour",
                    TimePart::OffsetMinute => "date-part-offset-minute",
                };
                Message::new("date-out-of-range")
                    .arg("part", Message::new(part))
                    .arg("value", *value)
                    .arg("max", *max)
            }
            DateFault::OutsideYears => Message::new("date-outside-years"),
        }
    }
}

/// The catalog's names of the months.
const MONTH_IDS: [&str; 12] = [
    "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8",
    "month-9", "month-10", "month-11", "month-12",
];

/// What is wrong with a well-shaped date or timestamp that names no real day or time: typed,
/// so that each language words it (its `Display` is the English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFault {
    /// The year 0000.
    NoYearZero,
    /// A month outside 1–12.
    NoMonth(u32),
    /// The day 0.
    NoDayZero,
    /// A day past the end of its month: the month, the year and how many days it has.
    MonthLength {
        /// The month, 1..=12.
        month: u32,
        /// The year.
        year: i32,
        /// How many days it has.
        days: u32,
    },
    /// A part of a time out of range.
    OutOfRange {
        /// Which part.
        part: TimePart,
        /// Its value.
        value: i32,
        /// Its largest value.
        max: i32,
    },
    /// A timestamp whose day in Asia/Shanghai is outside the years 0001 to 9999.
    OutsideYears,
}

/// A part of an RFC 3339 timestamp's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePart {
    /// The hour.
    Hour,
    /// The minute.
    Minute,
    /// The second.
    Second,
    /// The offset's hours.
    OffsetHour,
    /// The offset's minutes.
    OffsetMinute,
}

impl TimePart {
    /// The English words for it.
    pub fn as_str(self) -> &'static str {
        match self {
            TimePart::Hour => "hour",
            TimePart::Minute => "minute",
            TimePart::Second => "second",
            TimePart::OffsetHour => "offset hour",
            TimePart::OffsetMinute => "offset minute",
        }
    }
}

impl fmt::Display for DateFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateFault::NoYearZero => f.write_str("there is no year 0000"),
            DateFault::NoMonth(m) => write!(f, "there is no month {m}"),
            DateFault::NoDayZero => f.write_str("there is no day 0"),
            DateFault::MonthLength { month, year, days } => {
                let name = month
                    .checked_sub(1)
                    .and_then(|i| MONTH_NAMES.get(i as usize))
                    .copied()
                    .unwrap_or_default();
                write!(f, "{name} {year} has {days} days")
            }
            DateFault::OutOfRange { part, value, max } => {
                write!(f, "{} {value} is out of range (0 to {max})", part.as_str())
            }
            DateFault::OutsideYears => {
                f.write_str("in Asia/Shanghai it falls outside the years 0001 to 9999")
            }
        }
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Minutes east of UTC of Asia/Shanghai.
const SHANGHAI_OFFSET_MINUTES: i32 = 8 * 60;

impl Date {
    /// The first representable day, 0001-01-01.
    pub const MIN: Date = Date(days_from_civil(1, 1, 1));
    /// The last representable day, 9999-12-31.
    pub const MAX: Date = Date(days_from_civil(9999, 12, 31));

    /// The date of year `y` (1..=9999), month `m` and day `d`, or `None` if there is no such day.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        let month_len = days_in_month(y, m)?;
        ((1..=9999).contains(&y) && (1..=month_len).contains(&d))
            .then(|| Date(days_from_civil(y, m, d)))
    }

    /// The date `days` days after 1970-01-01, clamped to [`Date::MIN`]..=[`Date::MAX`].
    pub fn from_days(days: i32) -> Date {
        Date(days.clamp(Self::MIN.0, Self::MAX.0))
    }

    /// The number of days since 1970-01-01 (negative before it).
    pub fn days(self) -> i32 {
        self.0
    }

    /// The year, 1..=9999.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The month, 1..=12.
    pub fn month(self) -> u32 {
        self.ymd().1
    }

    /// The day of the month, 1..=31.
    pub fn day(self) -> u32 {
        self.ymd().2
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday, day 3 counting from Monday = 0.
        match (self.0 + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// The date `n` days later (earlier if `n` is negative), saturating at [`Date::MIN`] and [`Date::MAX`].
    pub fn add_days(self, n: i32) -> Date {
        Date::from_days(self.0.saturating_add(n))
    }

    /// The number of days from `self` to `other` (`other - self`).
    pub fn days_until(self, other: Date) -> i32 {
        other.0 - self.0
    }

    /// Strict `YYYY-MM-DD` (exactly 4-2-2 digits).
    ///
    /// # Errors
    ///
    /// [`DateError::Malformed`] if the text is not so shaped, [`DateError::Impossible`]
    /// if it names no day (`2026-02-30`).
    pub fn parse(s: &str) -> Result<Date, DateError> {
        if s.len() != 10 {
            return Err(DateError::Malformed {
                input: s.to_owned(),
            });
        }
        parse_date_prefix(s)?.ok_or_else(|| DateError::Malformed {
            input: s.to_owned(),
        })
    }

    /// A `YYYY-MM-DD` date, or a full RFC 3339 timestamp (`2026-03-02T23:30:00Z`,
    /// `2026-03-02T07:30:00.250+08:00`) read in Asia/Shanghai (UTC+08:00, no DST):
    /// the instant is converted to +08:00 and its date taken.
    ///
    /// # Errors
    ///
    /// [`DateError::Malformed`] or [`DateError::MalformedTimestamp`] if the text is not so
    /// shaped, [`DateError::Impossible`] if it names no day or time (`T24:00:00Z`).
    pub fn parse_date_or_timestamp(s: &str) -> Result<Date, DateError> {
        if s.len() == 10 {
            return Date::parse(s);
        }
        let malformed = || DateError::MalformedTimestamp {
            input: s.to_owned(),
        };
        let date = parse_date_prefix(s)?.ok_or_else(malformed)?;
        let time = parse_time(s).ok_or_else(malformed)?;
        let check = |value: i32, max: i32, part: TimePart| {
            if value <= max {
                Ok(())
            } else {
                Err(DateError::Impossible {
                    input: s.to_owned(),
                    reason: DateFault::OutOfRange { part, value, max },
                })
            }
        };
        check(time.hour, 23, TimePart::Hour)?;
        check(time.minute, 59, TimePart::Minute)?;
        check(time.second, 60, TimePart::Second)?;
        check(time.offset_hour, 23, TimePart::OffsetHour)?;
        check(time.offset_minute, 59, TimePart::OffsetMinute)?;

        let offset = time.offset_sign * (time.offset_hour * 60 + time.offset_minute);
        let shanghai_minutes = time.hour * 60 + time.minute - offset + SHANGHAI_OFFSET_MINUTES;
        let days = date.0 + shanghai_minutes.div_euclid(24 * 60);
        if (Self::MIN.0..=Self::MAX.0).contains(&days) {
            Ok(Date(days))
        } else {
            Err(DateError::Impossible {
                input: s.to_owned(),
                reason: DateFault::OutsideYears,
            })
        }
    }
}

impl Weekday {
    /// Whether this is a Saturday or a Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        struct DateVisitor;

        impl serde::de::Visitor<'_> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date `YYYY-MM-DD` or an RFC 3339 timestamp")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
                Date::parse_date_or_timestamp(s).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DateVisitor)
    }
}

/// The time-of-day part of an RFC 3339 timestamp, not yet range-checked.
struct Time {
    hour: i32,
    minute: i32,
    second: i32,
    offset_sign: i32,
    offset_hour: i32,
    offset_minute: i32,
}

/// Reads the `YYYY-MM-DD` at the start of `s`: `Ok(None)` if it is not shaped so,
/// an error if it is shaped so but names no day.
fn parse_date_prefix(s: &str) -> Result<Option<Date>, DateError> {
    let (Some(y), Some(m), Some(d), true) = (
        digits(s, 0, 4),
        digits(s, 5, 7),
        digits(s, 8, 10),
        byte_is(s, 4, b"-") && byte_is(s, 7, b"-"),
    ) else {
        return Ok(None);
    };
    let y = i32::try_from(y).unwrap_or(0);
    let impossible = |reason: DateFault| DateError::Impossible {
        input: s.to_owned(),
        reason,
    };
    if y == 0 {
        return Err(impossible(DateFault::NoYearZero));
    }
    let month_len = days_in_month(y, m).ok_or_else(|| impossible(DateFault::NoMonth(m)))?;
    match Date::from_ymd(y, m, d) {
        Some(date) => Ok(Some(date)),
        None if d == 0 => Err(impossible(DateFault::NoDayZero)),
        None => Err(impossible(DateFault::MonthLength {
            month: m,
            year: y,
            days: month_len,
        })),
    }
}

/// Reads the `Thh:mm:ss[.fff](Z|±hh:mm)` that follows the date in a timestamp.
fn parse_time(s: &str) -> Option<Time> {
    if !byte_is(s, 10, b"Tt") || !byte_is(s, 13, b":") || !byte_is(s, 16, b":") {
        return None;
    }
    let mut zone = s.get(19..)?;
    if let Some(fraction) = zone.strip_prefix('.') {
        let rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
        if rest.len() == fraction.len() {
            return None;
        }
        zone = rest;
    }
    let (offset_sign, offset_hour, offset_minute) = match zone {
        "Z" | "z" => (1, 0, 0),
        _ if zone.len() == 6 && byte_is(zone, 3, b":") => {
            let sign = match zone.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            (sign, digits(zone, 1, 3)?, digits(zone, 4, 6)?)
        }
        _ => return None,
    };
    let int = |v: u32| i32::try_from(v).ok();
    Some(Time {
        hour: int(digits(s, 11, 13)?)?,
        minute: int(digits(s, 14, 16)?)?,
        second: int(digits(s, 17, 19)?)?,
        offset_sign,
        offset_hour: int(offset_hour)?,
        offset_minute: int(offset_minute)?,
    })
}

/// The number written by the ASCII digits `s[from..to]`, if they are all digits.
fn digits(s: &str, from: usize, to: usize) -> Option<u32> {
    let field = s.get(from..to)?;
    if field.is_empty() || !field.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    field.parse().ok()
}

/// Whether the byte at `at` in `s` is one of `allowed`.
fn byte_is(s: &str, at: usize, allowed: &[u8]) -> bool {
    s.as_bytes().get(at).is_some_and(|b| allowed.contains(b))
}

fn is_leap_year(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// The number of days of month `m` of year `y`, or `None` if `m` is not 1..=12.
fn days_in_month(y: i32, m: u32) -> Option<u32> {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap_year(y) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Days since 1970-01-01 of a valid civil date (Hinnant's `days_from_civil`).
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (if m > 2 { m - 3 } else { m + 9 }) as i32; // [0, 11], March = 0
    let doy = (153 * mp + 2) / 5 + d as i32 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count (Hinnant's `civil_from_days`); `z` is within
/// [`Date::MIN`]..=[`Date::MAX`], so nothing overflows.
fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let y = yoe + era * 400 + i32::from(m <= 2);
    // `m` and `d` are positive, as noted above.
    (y, m.unsigned_abs(), d.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn epoch_and_bounds() {
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(Date::MIN.ymd(), (1, 1, 1));
        assert_eq!(Date::MAX.ymd(), (9999, 12, 31));
        assert_eq!(Date::from_days(i32::MIN), Date::MIN);
        assert_eq!(Date::from_days(i32::MAX), Date::MAX);
        assert_eq!(Date::MAX.add_days(i32::MAX), Date::MAX);
        assert_eq!(Date::MIN.add_days(i32::MIN), Date::MIN);
        assert_eq!(Date::MIN.to_string(), "0001-01-01");
        assert_eq!(date("2026-03-02").days(), 20_514);
    }

    #[test]
    fn leap_years() {
        assert!(Date::from_ymd(2024, 2, 29).is_some());
        assert!(Date::from_ymd(2026, 2, 29).is_none());
        assert!(Date::from_ymd(2026, 2, 30).is_none());
        assert!(Date::from_ymd(2000, 2, 29).is_some());
        assert!(Date::from_ymd(1900, 2, 29).is_none());
        assert_eq!(date("2024-02-28").add_days(1), date("2024-02-29"));
        assert_eq!(date("2026-02-28").add_days(1), date("2026-03-01"));
        assert_eq!(date("1900-02-28").add_days(1), date("1900-03-01"));
        assert_eq!(date("2000-02-28").days_until(date("2000-03-01")), 2);
    }

    #[test]
    fn impossible_dates() {
        assert!(Date::from_ymd(2026, 13, 1).is_none());
        assert!(Date::from_ymd(2026, 0, 1).is_none());
        assert!(Date::from_ymd(2026, 4, 31).is_none());
        assert!(Date::from_ymd(2026, 1, 0).is_none());
        assert!(Date::from_ymd(0, 1, 1).is_none());
        assert!(Date::from_ymd(10_000, 1, 1).is_none());
        assert_eq!(
            Date::parse("2026-02-30").unwrap_err().to_string(),
            "`2026-02-30` is not a date: February 2026 has 28 days"
        );
        assert_eq!(
            Date::parse("2026-13-01").unwrap_err().to_string(),
            "`2026-13-01` is not a date: there is no month 13"
        );
        assert!(matches!(
            Date::parse("0000-01-01"),
            Err(DateError::Impossible { .. })
        ));
        assert!(matches!(
            Date::parse("2026-01-00"),
            Err(DateError::Impossible { .. })
        ));
    }

    #[test]
    fn round_trips() {
        let mut expected = Date::MIN;
        for days in Date::MIN.days()..=Date::MAX.days() {
            let d = Date::from_days(days);
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
            assert_eq!(d, expected);
            expected = expected.add_days(1);
            if days % 997 == 0 {
                assert_eq!(Date::parse(&d.to_string()), Ok(d));
            }
        }
    }

    #[test]
    fn consecutive_days_are_consecutive_dates() {
        let mut prev = Date::MIN.ymd();
        for days in Date::MIN.days() + 1..=Date::MAX.days() {
            let next = Date::from_days(days).ymd();
            let (y, m, d) = prev;
            let ok = (next == (y, m, d + 1))
                || (next == (y, m + 1, 1) && d == days_in_month(y, m).unwrap())
                || (next == (y + 1, 1, 1) && (m, d) == (12, 31));
            assert!(ok, "{prev:?} -> {next:?}");
            prev = next;
        }
    }

    #[test]
    fn weekdays() {
        assert_eq!(date("2026-03-02").weekday(), Weekday::Monday);
        assert_eq!(date("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(date("2026-02-14").weekday(), Weekday::Saturday);
        assert_eq!(date("2000-01-01").weekday(), Weekday::Saturday);
        assert_eq!(date("1969-12-28").weekday(), Weekday::Sunday);
        assert!(date("2026-03-01").weekday().is_weekend());
        assert!(!date("2026-03-06").weekday().is_weekend());
        assert_eq!(Weekday::Tuesday.to_string(), "Tuesday");
    }

    #[test]
    fn accessors_and_display() {
        let d = date("2026-03-02");
        assert_eq!((d.year(), d.month(), d.day()), (2026, 3, 2));
        assert_eq!(d.to_string(), "2026-03-02");
        assert_eq!(
            "0987-11-05".parse::<Date>().unwrap().to_string(),
            "0987-11-05"
        );
        assert_eq!(d.days_until(date("2026-03-16")), 14);
        assert_eq!(date("2026-03-16").days_until(d), -14);
    }

    #[test]
    fn malformed_dates() {
        for s in [
            "",
            "2026-3-2",
            "2026-03-2",
            "26-03-02",
            "2026/03/02",
            "2026-03-02 ",
            " 2026-03-02",
            "+026-03-02",
            "2026-+3-02",
            "2026-03-+2",
            "２０２６-03-02",
            "2026-03-0a",
            "20260302",
            "2026-03-02T00:00:00Z",
        ] {
            assert_eq!(
                Date::parse(s),
                Err(DateError::Malformed {
                    input: s.to_owned()
                }),
                "{s:?}"
            );
        }
        assert_eq!(
            Date::parse("2026-3-2").unwrap_err().to_string(),
            "`2026-3-2` is not a date: expected `YYYY-MM-DD`"
        );
    }

    #[test]
    fn timestamps_in_shanghai() {
        let p = |s: &str| Date::parse_date_or_timestamp(s).unwrap();
        assert_eq!(p("2026-03-02"), date("2026-03-02"));
        assert_eq!(p("2026-03-01T16:30:00Z"), date("2026-03-02"));
        assert_eq!(p("2026-03-01T15:59:59Z"), date("2026-03-01"));
        assert_eq!(p("2026-03-01T16:00:00Z"), date("2026-03-02"));
        assert_eq!(p("2026-03-02T07:59:59+08:00"), date("2026-03-02"));
        assert_eq!(p("2026-03-02T23:59:59+08:00"), date("2026-03-02"));
        assert_eq!(p("2026-03-01T23:00:00-05:00"), date("2026-03-02"));
        assert_eq!(p("2026-03-01T10:59:59-05:00"), date("2026-03-01"));
        assert_eq!(p("2026-03-02T23:30:00Z"), date("2026-03-03"));
        assert_eq!(p("2026-03-02T01:00:00+14:00"), date("2026-03-01"));
        assert_eq!(p("2026-03-01T20:00:00.123456-12:00"), date("2026-03-02"));
        assert_eq!(p("2026-12-31t16:00:00.5z"), date("2027-01-01"));
        assert_eq!(p("2024-02-28T23:59:60Z"), date("2024-02-29"));
        assert_eq!(p("2026-03-02T00:00:00-00:00"), date("2026-03-02"));
    }

    #[test]
    fn malformed_timestamps() {
        for s in [
            "2026-03-02T16:30:00",
            "2026-03-02 16:30:00Z",
            "2026-03-02T16:30Z",
            "2026-03-02T16:30:00.Z",
            "2026-03-02T16:30:00+0800",
            "2026-03-02T16:30:00+08",
            "2026-03-02T16:30:00*08:00",
            "2026-03-02T1a:30:00Z",
            "2026-03-02T16:30:00Zjunk",
            "2026-03-02T16:30:00.12.3Z",
            "2026-03-02x",
            "2026-03-02T16:30:00.１Z",
            "tomorrow",
        ] {
            assert!(
                matches!(
                    Date::parse_date_or_timestamp(s),
                    Err(DateError::MalformedTimestamp { .. } | DateError::Malformed { .. })
                ),
                "{s:?}"
            );
        }
        for s in [
            "2026-03-02T24:00:00Z",
            "2026-03-02T23:60:00Z",
            "2026-03-02T23:59:61Z",
            "2026-03-02T23:00:00+24:00",
            "2026-03-02T23:00:00+08:60",
            "2026-02-30T10:00:00Z",
            "9999-12-31T20:00:00Z",
        ] {
            assert!(
                matches!(
                    Date::parse_date_or_timestamp(s),
                    Err(DateError::Impossible { .. })
                ),
                "{s:?}"
            );
        }
        assert_eq!(
            Date::parse_date_or_timestamp("2026-03-02T24:00:00Z")
                .unwrap_err()
                .to_string(),
            "`2026-03-02T24:00:00Z` is not a date: hour 24 is out of range (0 to 23)"
        );
    }

    #[test]
    fn serde_as_string() {
        use serde::de::value::{Error, StrDeserializer, U32Deserializer};
        use serde::Deserialize;
        let de = |s: &str| Date::deserialize(StrDeserializer::<Error>::new(s));
        assert_eq!(de("2026-03-02"), Ok(date("2026-03-02")));
        assert_eq!(de("2026-03-01T16:30:00Z"), Ok(date("2026-03-02")));
        assert_eq!(
            de("2026-02-30").unwrap_err().to_string(),
            "`2026-02-30` is not a date: February 2026 has 28 days"
        );
        let not_a_string = Date::deserialize(U32Deserializer::<Error>::new(20_514));
        assert!(not_a_string
            .unwrap_err()
            .to_string()
            .contains("expected a date `YYYY-MM-DD` or an RFC 3339 timestamp"));
    }
}
