//! The official working-day calendar (`stdlib/calendar/*.toml`, one file a year) and
//! working-day arithmetic for deadlines such as "within 10 working days".

use std::collections::{BTreeMap, BTreeSet};

use datalex_lang::date::{Date, DateError, Weekday};
use serde::Deserialize;

/// The most working days [`Calendar::add_working_days`] counts; larger counts saturate at it.
pub const MAX_WORKING_DAYS: u32 = 100_000;

/// The official working-day calendar: which dates are public holidays and which weekend
/// days are working days, for the years that are loaded.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, Year>,
}

/// One loaded year.
#[derive(Debug, Clone)]
struct Year {
    /// The notice the year's file cites.
    source: String,
    /// Holiday ranges, sorted and disjoint.
    holidays: Vec<Holiday>,
    /// Weekend days that are working days, sorted.
    workdays: Vec<Date>,
    /// January 1st of the year.
    jan1: Date,
    /// Bit `i` is set when day `i` of the year (0 = January 1st) is a working day.
    working: [u64; 6],
}

/// A public holiday: the days `from..=to` off.
#[derive(Debug, Clone)]
struct Holiday {
    name: String,
    from: Date,
    to: Date,
}

/// The result of counting working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingDays {
    /// The last working day counted.
    pub due: Date,
    /// Whether a day examined lies in a year whose holidays are not loaded, so the count
    /// assumed Monday to Friday there.
    pub outside_loaded: bool,
}

/// Why a calendar file was rejected. Every message starts with the file's name.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The file is not valid TOML or does not have the calendar's fields.
    #[error("{file}: {message}")]
    Toml {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A date is not a strict `YYYY-MM-DD` date.
    #[error("{file}: {error}")]
    Date {
        /// The file.
        file: String,
        /// What is wrong with the date.
        error: DateError,
    },
    /// The declared year has no days that a [`Date`] can represent.
    #[error("{file}: year {year} is outside 0001 to 9999")]
    YearOutOfRange {
        /// The file.
        file: String,
        /// The declared year.
        year: i32,
    },
    /// A date lies outside the year the file declares.
    #[error("{file}: `{date}` is not in {year}, the year this file declares")]
    WrongYear {
        /// The file.
        file: String,
        /// The declared year.
        year: i32,
        /// The offending date.
        date: Date,
    },
    /// A holiday range ends before it starts.
    #[error("{file}: holiday {name} ends on `{to}`, before it starts on `{from}`")]
    InvertedRange {
        /// The file.
        file: String,
        /// The holiday's name.
        name: String,
        /// The first day.
        from: Date,
        /// The last day.
        to: Date,
    },
    /// A date is listed twice, as two holidays or as a working day twice.
    #[error("{file}: `{date}` is listed twice")]
    Duplicate {
        /// The file.
        file: String,
        /// The date listed twice.
        date: Date,
    },
    /// A date is both a holiday and a working day.
    #[error("{file}: `{date}` is listed both as a holiday and as a working day")]
    Overlap {
        /// The file.
        file: String,
        /// The date in both lists.
        date: Date,
    },
    /// A listed working day is not a Saturday or Sunday.
    #[error("{file}: working day `{date}` is a {weekday}; only a Saturday or Sunday can be an adjusted working day")]
    NotWeekend {
        /// The file.
        file: String,
        /// The date.
        date: Date,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// The year is already loaded.
    #[error("{file}: the calendar of {year} is already loaded")]
    DuplicateYear {
        /// The file.
        file: String,
        /// The year.
        year: i32,
    },
}

/// The TOML shape of one year's file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: String,
    #[serde(default)]
    holidays: Vec<HolidayEntry>,
    #[serde(default)]
    workdays: Vec<String>,
}

/// A holiday in the TOML file; without `to` it is the single day `from`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayEntry {
    name: String,
    from: String,
    to: Option<String>,
}

impl Calendar {
    /// An empty calendar: every Monday to Friday is a working day.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one year's TOML text (`origin` names the file in errors) and adds it.
    ///
    /// The file is checked: every date lies in the declared year, every working day is a
    /// Saturday or Sunday, no date is both a holiday and a working day or listed twice, and
    /// the year is not already loaded.
    ///
    /// Returns the year that was added.
    ///
    /// # Errors
    ///
    /// A [`CalendarError`] naming `origin` when the text breaks any of these rules; the
    /// calendar is then unchanged.
    pub fn add_year_toml(&mut self, origin: &str, text: &str) -> Result<i32, CalendarError> {
        let file = || origin.to_owned();
        let parsed: YearFile = toml::from_str(text).map_err(|e| CalendarError::Toml {
            file: file(),
            message: e.message().to_owned(),
        })?;
        let year = parsed.year;
        if self.years.contains_key(&year) {
            return Err(CalendarError::DuplicateYear { file: file(), year });
        }
        let (Some(jan1), Some(dec31)) = (Date::from_ymd(year, 1, 1), Date::from_ymd(year, 12, 31))
        else {
            return Err(CalendarError::YearOutOfRange { file: file(), year });
        };
        let date = |s: &str| {
            let date = Date::parse(s).map_err(|error| CalendarError::Date {
                file: file(),
                error,
            })?;
            if date.year() == year {
                Ok(date)
            } else {
                Err(CalendarError::WrongYear {
                    file: file(),
                    year,
                    date,
                })
            }
        };

        let mut holidays = Vec::with_capacity(parsed.holidays.len());
        let mut holiday_days = BTreeSet::new();
        for entry in parsed.holidays {
            let from = date(&entry.from)?;
            let to = entry.to.as_deref().map_or(Ok(from), date)?;
            if to < from {
                return Err(CalendarError::InvertedRange {
                    file: file(),
                    name: entry.name,
                    from,
                    to,
                });
            }
            for day in (from.days()..=to.days()).map(Date::from_days) {
                if !holiday_days.insert(day) {
                    return Err(CalendarError::Duplicate {
                        file: file(),
                        date: day,
                    });
                }
            }
            holidays.push(Holiday {
                name: entry.name,
                from,
                to,
            });
        }
        holidays.sort_by_key(|h| h.from);

        let mut workdays = BTreeSet::new();
        for text in &parsed.workdays {
            let day = date(text)?;
            let weekday = day.weekday();
            if !weekday.is_weekend() {
                return Err(CalendarError::NotWeekend {
                    file: file(),
                    date: day,
                    weekday,
                });
            }
            if holiday_days.contains(&day) {
                return Err(CalendarError::Overlap {
                    file: file(),
                    date: day,
                });
            }
            if !workdays.insert(day) {
                return Err(CalendarError::Duplicate {
                    file: file(),
                    date: day,
                });
            }
        }

        let mut working = [0_u64; 6];
        let days = (jan1.days()..=dec31.days()).map(Date::from_days);
        for (i, day) in days.enumerate() {
            let is_working = workdays.contains(&day)
                || !(day.weekday().is_weekend() || holiday_days.contains(&day));
            if let (true, Some(word)) = (is_working, working.get_mut(i / 64)) {
                *word |= 1 << (i % 64);
            }
        }

        self.years.insert(
            year,
            Year {
                source: parsed.source,
                holidays,
                workdays: workdays.into_iter().collect(),
                jan1,
                working,
            },
        );
        Ok(year)
    }

    /// The loaded years, in increasing order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether the calendar of `year` is loaded.
    pub fn is_loaded(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The notice the calendar of `year` cites, if that year is loaded.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|y| y.source.as_str())
    }

    /// Whether `d` is a working day: Mon–Fri that is not a holiday, or an adjusted working
    /// weekend day. Outside loaded years: Mon–Fri only.
    pub fn is_working_day(&self, d: Date) -> bool {
        match self.years.get(&d.year()) {
            Some(year) => year.is_working_day(d),
            None => !d.weekday().is_weekend(),
        }
    }

    /// The `n`-th working day after `start` (counting starts the day after `start`;
    /// 民法典 Art. 201). With `n == 0` returns `start`. `outside_loaded` is true when any day
    /// examined (`start + 1 ..= due`) lies in a year that is not loaded; those days count as
    /// working days Mon–Fri only.
    ///
    /// Counts above [`MAX_WORKING_DAYS`] saturate at it, and counting stops at [`Date::MAX`],
    /// so this always terminates; a count that reaches [`Date::MAX`] with days left is
    /// `outside_loaded` too (its due date is beyond any calendar).
    pub fn add_working_days(&self, start: Date, n: u32) -> WorkingDays {
        let mut remaining = n.min(MAX_WORKING_DAYS);
        let mut due = start;
        let mut outside_loaded = false;
        while remaining > 0 && due < Date::MAX {
            due = due.add_days(1);
            let working = match self.years.get(&due.year()) {
                Some(year) => year.is_working_day(due),
                None => {
                    outside_loaded = true;
                    !due.weekday().is_weekend()
                }
            };
            if working {
                remaining -= 1;
            }
        }
        // Days left to count at the end of the date range lie in years no calendar has:
        // the due date is not known, and is reported as such.
        outside_loaded |= remaining > 0;
        WorkingDays {
            due,
            outside_loaded,
        }
    }

    /// The holiday name of `d` if it is one (for explanations).
    pub fn holiday_name(&self, d: Date) -> Option<&str> {
        let year = self.years.get(&d.year())?;
        year.holidays
            .iter()
            .find(|h| h.from <= d && d <= h.to)
            .map(|h| h.name.as_str())
    }

    /// Whether `d` is a weekend day made a working day (调休上班) (for explanations).
    pub fn is_adjusted_workday(&self, d: Date) -> bool {
        self.years
            .get(&d.year())
            .is_some_and(|y| y.workdays.binary_search(&d).is_ok())
    }
}

impl Year {
    /// Whether `d`, a day of this year, is a working day.
    fn is_working_day(&self, d: Date) -> bool {
        usize::try_from(self.jan1.days_until(d)).is_ok_and(|i| {
            self.working
                .get(i / 64)
                .is_some_and(|word| word >> (i % 64) & 1 == 1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: [(&str, &str); 4] = [
        ("2023.toml", include_str!("../../stdlib/calendar/2023.toml")),
        ("2024.toml", include_str!("../../stdlib/calendar/2024.toml")),
        ("2025.toml", include_str!("../../stdlib/calendar/2025.toml")),
        ("2026.toml", include_str!("../../stdlib/calendar/2026.toml")),
    ];

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn official() -> Calendar {
        let mut calendar = Calendar::new();
        for (file, text) in FILES {
            calendar.add_year_toml(file, text).unwrap();
        }
        calendar
    }

    fn due(calendar: &Calendar, start: &str, n: u32) -> String {
        calendar.add_working_days(date(start), n).due.to_string()
    }

    #[test]
    fn loads_the_official_years() {
        let calendar = official();
        assert_eq!(
            calendar.years().collect::<Vec<_>>(),
            [2023, 2024, 2025, 2026]
        );
        assert!(calendar.is_loaded(2026));
        assert!(!calendar.is_loaded(2027));
        assert!(calendar
            .source(2025)
            .unwrap()
            .contains("国办发明电〔2024〕12号"));
    }

    #[test]
    fn working_day_counts_in_2026() {
        let calendar = official();
        for (start, n, expected) in [
            ("2026-03-02", 10, "2026-03-16"),
            ("2026-02-10", 10, "2026-03-02"),
            ("2026-02-25", 10, "2026-03-10"),
            ("2026-09-28", 10, "2026-10-16"),
            ("2026-04-01", 15, "2026-04-23"),
            ("2026-04-28", 15, "2026-05-21"),
            ("2026-09-30", 15, "2026-10-27"),
            ("2026-04-20", 2, "2026-04-22"),
            ("2026-04-23", 2, "2026-04-27"),
            ("2026-05-20", 2, "2026-05-22"),
            ("2026-10-23", 2, "2026-10-27"),
            ("2026-03-02", 0, "2026-03-02"),
            ("2026-02-14", 0, "2026-02-14"),
        ] {
            let result = calendar.add_working_days(date(start), n);
            assert_eq!(result.due.to_string(), expected, "{start} + {n}");
            assert!(!result.outside_loaded, "{start} + {n}");
        }
    }

    #[test]
    fn counts_outside_the_loaded_years() {
        let calendar = official();
        assert_eq!(
            calendar.add_working_days(date("2030-12-20"), 10),
            WorkingDays {
                due: date("2031-01-03"),
                outside_loaded: true
            }
        );
        assert!(
            calendar
                .add_working_days(date("2026-12-28"), 10)
                .outside_loaded
        );
        assert!(
            !calendar
                .add_working_days(date("2027-01-05"), 0)
                .outside_loaded
        );
        // The same count without any calendar is Monday to Friday only.
        let empty = Calendar::new();
        assert_eq!(due(&empty, "2026-02-10", 10), "2026-02-24");
        assert!(
            empty
                .add_working_days(date("2026-02-10"), 10)
                .outside_loaded
        );
        // 2025 to 2026 crosses only loaded years.
        let result = calendar.add_working_days(date("2025-12-25"), 10);
        assert_eq!(result.due, date("2026-01-09"));
        assert!(!result.outside_loaded);
    }

    #[test]
    fn absurd_counts_do_not_hang_or_panic() {
        let calendar = official();
        let capped = calendar.add_working_days(date("2026-01-01"), MAX_WORKING_DAYS);
        assert_eq!(
            calendar.add_working_days(date("2026-01-01"), u32::MAX),
            capped
        );
        assert!(capped.outside_loaded);
        let end = calendar.add_working_days(date("9999-12-20"), 1_000);
        assert_eq!(end.due, Date::MAX);
        assert_eq!(calendar.add_working_days(Date::MAX, 5).due, Date::MAX);
    }

    #[test]
    fn official_2026_days() {
        let calendar = official();
        let holidays = [
            ("2026-01-01", "2026-01-03", "元旦"),
            ("2026-02-15", "2026-02-23", "春节"),
            ("2026-04-04", "2026-04-06", "清明节"),
            ("2026-05-01", "2026-05-05", "劳动节"),
            ("2026-06-19", "2026-06-21", "端午节"),
            ("2026-09-25", "2026-09-27", "中秋节"),
            ("2026-10-01", "2026-10-07", "国庆节"),
        ];
        for (from, to, name) in holidays {
            for days in date(from).days()..=date(to).days() {
                let d = Date::from_days(days);
                assert!(!calendar.is_working_day(d), "{d}");
                assert_eq!(calendar.holiday_name(d), Some(name), "{d}");
            }
        }
        for d in [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ] {
            let d = date(d);
            assert!(d.weekday().is_weekend(), "{d}");
            assert!(calendar.is_working_day(d), "{d}");
            assert!(calendar.is_adjusted_workday(d), "{d}");
            assert_eq!(calendar.holiday_name(d), None, "{d}");
        }
        assert!(calendar.is_working_day(date("2026-03-02")));
        assert!(!calendar.is_working_day(date("2026-03-07")));
        assert!(!calendar.is_adjusted_workday(date("2026-03-07")));
        assert_eq!(calendar.holiday_name(date("2026-03-02")), None);
        assert_eq!(
            calendar.holiday_name(date("2023-10-01")),
            Some("中秋节、国庆节")
        );
        assert_eq!(
            calendar.holiday_name(date("2025-10-08")),
            Some("国庆节、中秋节")
        );
        // Outside the loaded years: Monday to Friday.
        assert!(calendar.is_working_day(date("2027-01-01")));
        assert!(!calendar.is_working_day(date("2027-01-02")));
        assert_eq!(calendar.holiday_name(date("2027-01-01")), None);
    }

    #[test]
    fn bitset_agrees_with_the_lists() {
        let calendar = official();
        for year in calendar.years.values() {
            let mut d = year.jan1;
            while d.year() == year.jan1.year() {
                let holiday = year.holidays.iter().any(|h| h.from <= d && d <= h.to);
                let expected = year.workdays.contains(&d) || !(holiday || d.weekday().is_weekend());
                assert_eq!(year.is_working_day(d), expected, "{d}");
                d = d.add_days(1);
            }
            assert!(!year.is_working_day(year.jan1.add_days(-1)));
        }
    }

    fn error(text: &str) -> CalendarError {
        let mut calendar = Calendar::new();
        let error = calendar.add_year_toml("bad.toml", text).unwrap_err();
        assert!(error.to_string().starts_with("bad.toml: "), "{error}");
        error
    }

    fn file(holidays: &str, workdays: &str) -> String {
        format!(
            "year = 2026\nsource = \"test\"\nholidays = [{holidays}]\nworkdays = [{workdays}]\n"
        )
    }

    #[test]
    fn rejects_bad_files() {
        let e = error(&file("", "\"2026-03-03\""));
        assert!(
            matches!(
                e,
                CalendarError::NotWeekend {
                    weekday: Weekday::Tuesday,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            "bad.toml: working day `2026-03-03` is a Tuesday; \
             only a Saturday or Sunday can be an adjusted working day"
        );
        let e = error(&file(
            "{ name = \"元旦\", from = \"2025-12-31\", to = \"2026-01-01\" }",
            "",
        ));
        assert!(
            matches!(e, CalendarError::WrongYear { year: 2026, .. }),
            "{e}"
        );
        let e = error(&file("", "\"2027-01-02\""));
        assert_eq!(
            e.to_string(),
            "bad.toml: `2027-01-02` is not in 2026, the year this file declares"
        );
        let e = error(&file("", "\"2026-02-30\""));
        assert!(matches!(e, CalendarError::Date { .. }), "{e}");
        assert!(e.to_string().contains("February 2026 has 28 days"), "{e}");
        let e = error(&file("", "\"2026-3-7\""));
        assert!(matches!(e, CalendarError::Date { .. }), "{e}");
        let e = error(&file(
            "{ name = \"春节\", from = \"2026-02-15\", to = \"2026-02-23\" }",
            "\"2026-02-21\"",
        ));
        assert!(matches!(e, CalendarError::Overlap { .. }), "{e}");
        let e = error(&file(
            "{ name = \"a\", from = \"2026-02-15\", to = \"2026-02-18\" }, { name = \"b\", from = \"2026-02-18\" }",
            "",
        ));
        assert!(matches!(e, CalendarError::Duplicate { .. }), "{e}");
        let e = error(&file("", "\"2026-02-14\", \"2026-02-14\""));
        assert!(matches!(e, CalendarError::Duplicate { .. }), "{e}");
        let e = error(&file(
            "{ name = \"a\", from = \"2026-02-18\", to = \"2026-02-15\" }",
            "",
        ));
        assert!(matches!(e, CalendarError::InvertedRange { .. }), "{e}");
        let e = error("year = 2026\nsource = \"x\"\nholidays = [\n");
        assert!(matches!(e, CalendarError::Toml { .. }), "{e}");
        let e = error("year = 2026\nsource = \"x\"\nholiday = []\n");
        assert!(matches!(e, CalendarError::Toml { .. }), "{e}");
        let e = error("source = \"x\"\n");
        assert!(matches!(e, CalendarError::Toml { .. }), "{e}");
        let e = error("year = 12026\nsource = \"x\"\n");
        assert!(matches!(e, CalendarError::YearOutOfRange { .. }), "{e}");
    }

    #[test]
    fn rejects_a_duplicate_year() {
        let mut calendar = official();
        let e = calendar
            .add_year_toml("again/2026.toml", FILES[3].1)
            .unwrap_err();
        assert!(
            matches!(e, CalendarError::DuplicateYear { year: 2026, .. }),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            "again/2026.toml: the calendar of 2026 is already loaded"
        );
        assert_eq!(calendar.years().count(), 4);
    }

    #[test]
    fn a_holiday_without_to_is_one_day() {
        let mut calendar = Calendar::new();
        let year = calendar
            .add_year_toml(
                "one.toml",
                &file("{ name = \"元旦\", from = \"2026-01-01\" }", ""),
            )
            .unwrap();
        assert_eq!(year, 2026);
        assert!(!calendar.is_working_day(date("2026-01-01")));
        assert!(calendar.is_working_day(date("2026-01-02")));
        assert!(!calendar.is_working_day(date("2026-01-04")));
    }
}
