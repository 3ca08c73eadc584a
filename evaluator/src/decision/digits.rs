//! Numbers and dates written as their `Display` writes them, without the formatting
//! machinery: the trace shows them on every decision (`engine::trace`) and the decision's JSON
//! writes them (`decision::json`).

use datalex_lang::date::Date;

/// Writes `n` in decimal as `{n}` does, without the formatting machinery (the trace shows
/// numbers on every decision, and the JSON writes them).
pub(crate) fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = n.unsigned_abs();
    loop {
        if let Some(d) = digits.get_mut(len) {
            // The remainder is below 10: a digit.
            *d = b'0' + (rest % 10) as u8;
        }
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from(*d));
    }
}

/// Writes `d` as `{d}` does (`YYYY-MM-DD`), without the formatting machinery.
pub(crate) fn push_date(out: &mut String, d: Date) {
    let (y, m, day) = d.ymd();
    // Years are 1..=9999 (`Date`'s range): four digits.
    let y = y.unsigned_abs();
    for n in [y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10] {
        out.push(char::from(b'0' + n as u8));
    }
    out.push('-');
    out.push(char::from(b'0' + (m / 10 % 10) as u8));
    out.push(char::from(b'0' + (m % 10) as u8));
    out.push('-');
    out.push(char::from(b'0' + (day / 10 % 10) as u8));
    out.push(char::from(b'0' + (day % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::{push_date, push_int};
    use datalex_lang::date::Date;

    #[test]
    fn numbers_and_dates_are_written_as_display_writes_them() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            365,
            -1,
            -10,
            -365,
            i64::MAX,
            i64::MIN,
            1_000_000,
        ] {
            let mut s = String::new();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        let mut d = Date::MIN;
        while d < Date::MAX {
            let mut s = String::new();
            push_date(&mut s, d);
            assert_eq!(s, d.to_string());
            d = d.add_days(97);
        }
        let mut s = String::new();
        push_date(&mut s, Date::MAX);
        assert_eq!(s, Date::MAX.to_string());
    }
}
