//! Event fields the core reads, as `streams/core/fields.py` reads them: times, amounts.

pub const DAY: i64 = 86_400;

/// Days from 1970-01-01 to a civil date (proleptic Gregorian), Howard Hinnant's algorithm.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (days since 1970-01-01).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(b: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(n)
}

/// Epoch seconds of a timestamp in the one shape the quick path takes:
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1 to 6 digits, then `Z` or `+00:00`,
/// years 1970 to 2105. `None` for anything else (the caller then asks Python's
/// `datetime.fromisoformat`, which takes more shapes). Fractions are truncated, as
/// `int(datetime.fromisoformat(ts).timestamp())` truncates them.
pub fn quick_epoch(ts: &str) -> Option<i64> {
    let b = ts.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi, s) = (digits(&b[11..13])?, digits(&b[14..16])?, digits(&b[17..19])?);
    if !(1970..2106).contains(&y) || !(1..=12).contains(&mo) || d < 1 || d > month_days(y, mo)
        || h > 23 || mi > 59 || s > 59
    {
        return None;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 6 {
            return None;
        }
        rest = &rest[1 + n..];
    }
    if rest != b"Z" && rest != b"+00:00" {
        return None;
    }
    Some(days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + s)
}

fn month_days(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `fields.format_epoch`: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_epoch(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
}

/// `fields.format_day`: the start of a UTC day number.
pub fn format_day(day: i64) -> String {
    format_epoch(day * DAY)
}

/// `fields.add_business_days`.
pub fn add_business_days(t: i64, mut days: i64) -> i64 {
    let mut day = t.div_euclid(DAY);
    while days > 0 {
        day += 1;
        if (day + 3).rem_euclid(7) < 5 {
            days -= 1;
        }
    }
    day * DAY + t.rem_euclid(DAY)
}

/// `fields.cents` for the strings the quick path lets through: plain decimals (ASCII
/// digits, an optional point and digits). `None` when the amount is of another shape:
/// the caller must then ask Python (`decimal.Decimal`) or treat it as the Python code does.
pub fn plain_cents(amount: &str) -> Option<i64> {
    if let Some(rest) = amount.strip_prefix('-') {
        // int(Decimal(amount) * 100) truncates toward zero: the same digits, negated
        return plain_cents(rest).map(|c| -c);
    }
    let (whole, frac) = match amount.find('.') {
        Some(i) => (&amount[..i], Some(&amount[i + 1..])),
        None => (amount, None),
    };
    if whole.is_empty() || !whole.bytes().all(|c| c.is_ascii_digit()) || whole.len() > 16 {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    match frac {
        None => Some(w * 100),
        Some(f) if f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit()) => None,
        Some(f) if f.len() <= 2 => {
            let v: i64 = f.parse().ok()?;
            Some(w * 100 + if f.len() == 1 { v * 10 } else { v })
        }
        // Decimal(amount) * 100 truncated: the first two digits of the fraction
        Some(f) => Some(w * 100 + f[..2].parse::<i64>().ok()?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs() {
        assert_eq!(quick_epoch("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(quick_epoch("2026-10-01T08:30:00Z"), Some(1_790_843_400));
        assert_eq!(quick_epoch("2026-10-01T08:30:00.123456+00:00"), Some(1_790_843_400));
        assert_eq!(quick_epoch("2026-10-01T08:30:00+08:00"), None);
        assert_eq!(format_epoch(1_790_843_400), "2026-10-01T08:30:00Z");
        assert_eq!(plain_cents("129.9"), Some(12990));
        assert_eq!(plain_cents("129.999"), Some(12999));
    }
}
