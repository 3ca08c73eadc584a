//! Chinese numerals as article, paragraph and item numbers are written (第二十条第二款第二项):
//! 一 … 九十九, 一百 … 九百九十九 (with 零 for a missing ten: 一百零一). Numbers from 1000 are
//! written in Arabic digits, which the parser also accepts inside `第…条` (第20条).

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// `n` in Chinese numerals: 1 → 一, 20 → 二十, 45 → 四十五, 101 → 一百零一, 110 → 一百一十.
/// From 1000 on, Arabic digits.
pub fn chinese(n: u32) -> String {
    let digit = |d: u32| DIGITS.get(d as usize).copied().unwrap_or('零');
    if n == 0 {
        return "零".to_string();
    }
    if n >= 1000 {
        return n.to_string();
    }
    let (h, t, u) = (n / 100, (n / 10) % 10, n % 10);
    let mut s = String::new();
    if h > 0 {
        s.push(digit(h));
        s.push('百');
        if t == 0 && u > 0 {
            s.push('零');
        }
    }
    if t > 0 {
        if !(t == 1 && h == 0) {
            s.push(digit(t));
        }
        s.push('十');
    }
    if u > 0 {
        s.push(digit(u));
    }
    s
}

/// Reads a number written as [`chinese`] writes it, or in Arabic digits. `None` for anything
/// else (`十十`, `二百百`, `百`, an empty string), so that a mistyped numeral is an error, never
/// another number.
pub fn parse(s: &str) -> Option<u32> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let n = parse_chinese(s)?;
    // Only the canonical spelling: every number has one, and a text that reads back the same
    // cannot have been meant as another number.
    (chinese(n) == s).then_some(n)
}

fn parse_chinese(s: &str) -> Option<u32> {
    let value = |c: char| DIGITS.iter().position(|d| *d == c).map(|i| i as u32);
    let mut total = 0u32;
    let mut pending: Option<u32> = None;
    for c in s.chars() {
        match c {
            '百' => {
                total += pending.take()? * 100;
            }
            '十' => {
                total += pending.take().unwrap_or(1) * 10;
            }
            '零' => {}
            _ => {
                if pending.is_some() {
                    return None;
                }
                pending = Some(value(c)?);
            }
        }
    }
    total += pending.unwrap_or(0);
    (total > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for n in 1..1200 {
            assert_eq!(parse(&chinese(n)), Some(n), "{n} {}", chinese(n));
        }
    }

    #[test]
    fn known_spellings() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (45, "四十五"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (999, "九百九十九"),
        ];
        for (n, s) in cases {
            assert_eq!(chinese(n), s, "{n}");
            assert_eq!(parse(s), Some(n), "{s}");
        }
    }

    #[test]
    fn malformed_numerals_are_refused() {
        for s in [
            "",
            "十十",
            "百",
            "二百百",
            "一十",
            "二零",
            "零",
            "一二",
            "百一",
            "20a",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
        assert_eq!(parse("20"), Some(20));
    }
}
