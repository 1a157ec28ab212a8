//! `streams/core/sweep.py`: when a stage forgets the keys no event has touched for
//! `KEEP_DAYS` (bookkeeping only).
//!
//! A `Sweeper` tells a stage, per partition, when to look for idle entries and before which
//! date (`YYYY-MM-DD`) an entry counts as idle: `KEEP_DAYS` before the newest event the
//! partition has seen, in event time. Dates are compared as the strings Python compares.

use crate::collections::HashMap;

use crate::collections::IndexMap;

use crate::fields::{civil_from_days, days_from_civil};

/// `sweep.KEEP_DAYS` = `thresholds.MAX_HORIZON_DAYS`: no rule looks further back.
pub const KEEP_DAYS: i64 = 400;
/// `sweep.EVERY_DAYS`.
pub const EVERY_DAYS: i64 = 30;

/// `sweep.Sweeper`: per partition, whether a sweep is due, at most once per `every_days`
/// of event time.
#[derive(Clone, Debug)]
pub struct Sweeper {
    keep: i64,
    every: i64,
    /// `Sweeper._next`: partition -> the date (`YYYY-MM-DD`) from which the next sweep is due.
    next: HashMap<i64, String>,
}

impl Default for Sweeper {
    fn default() -> Self {
        Sweeper::new()
    }
}

impl Sweeper {
    /// `Sweeper()`: `keep_days=KEEP_DAYS`, `every_days=EVERY_DAYS`.
    pub fn new() -> Sweeper {
        Sweeper::with_days(KEEP_DAYS, EVERY_DAYS)
    }

    /// `Sweeper(keep_days, every_days)`.
    pub fn with_days(keep_days: i64, every_days: i64) -> Sweeper {
        Sweeper { keep: keep_days, every: every_days, next: HashMap::default() }
    }

    /// `Sweeper.due`: the date (`YYYY-MM-DD`) before which entries are idle, when a sweep
    /// is due for `partition` at an event dated `occurred_at`.
    ///
    /// The date is `occurred_at[:10]` as written (ten characters, not bytes), parsed as
    /// Python 3.11's `date.fromisoformat` parses it (week dates, no separators and trailing
    /// characters included: see `iso_date`). Where Python raises `OverflowError` (a date
    /// whose `+ every_days` or `- keep_days` leaves years 1 to 9999; never for a validated
    /// event, whose years are 1970 to 2105) this returns `None`, having recorded what
    /// Python records before it raises.
    pub fn due(&mut self, partition: i64, occurred_at: &str) -> Option<String> {
        let day = prefix_chars(occurred_at, 10);
        if let Some(next_due) = self.next.get(&partition) {
            if day < next_due.as_str() {
                return None;
            }
        }
        // not a date: nothing to compare against (Python's ValueError)
        let today = iso_date(day)?;
        // Python stores the next due date before it computes the one it returns: a
        // `today - keep_days` that overflows still leaves the next date recorded
        // (checked: Python's timedelta refuses more than 999,999,999 days outright)
        self.next.insert(partition, format_date(today.checked_add(self.every)?)?);
        format_date(today.checked_sub(self.keep)?)
    }
}

/// `text[:n]`: the first `n` characters (code points, as Python slices).
pub fn prefix_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// The day number (days since 1970-01-01) of 0001-01-01 and of 9999-12-31: Python's
/// `date.min` and `date.max`.
const FIRST_DAY: i64 = -719_162;
const LAST_DAY: i64 = 2_932_896;

/// `date.isoformat()` of a day number; `None` where Python's date arithmetic raises
/// `OverflowError` (outside years 1 to 9999).
fn format_date(day: i64) -> Option<String> {
    if !(FIRST_DAY..=LAST_DAY).contains(&day) {
        return None;
    }
    let (y, m, d) = civil_from_days(day);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_days(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Python 3.11's `date.fromisoformat(text)` as a day number, `None` where it raises
/// `ValueError`.
///
/// A port of CPython 3.11's `date_fromisoformat` / `parse_isoformat_date`: the UTF-8 length
/// must be 7, 8 or 10 bytes; then `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-Www[-D]` or `YYYYWww[D]`
/// (ASCII digits). CPython does not check that the parse reached the end, so trailing bytes
/// within the length are ignored (`date.fromisoformat("20261001T0")` is 2026-10-01), and a
/// read past the end sees the C string's NUL (which matches nothing).
pub fn iso_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let len = b.len();
    if !(len == 7 || len == 8 || len == 10) {
        return None;
    }
    let at = |i: usize| -> u8 { b.get(i).copied().unwrap_or(0) };
    let digits = |from: usize, n: usize| -> Option<i64> {
        let mut v = 0i64;
        for i in from..from + n {
            let c = at(i);
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let year = digits(0, 4)?;
    let mut p = 4;
    let uses_separator = at(p) == b'-';
    if uses_separator {
        p += 1;
    }
    if at(p) == b'W' {
        // an ISO week date
        p += 1;
        let week = digits(p, 2)?;
        p += 2;
        let weekday = if p < len {
            if uses_separator {
                if at(p) != b'-' {
                    return None;
                }
                p += 1;
            }
            digits(p, 1)?
        } else {
            1
        };
        return iso_to_day(year, week, weekday);
    }
    let month = digits(p, 2)?;
    p += 2;
    if uses_separator {
        if at(p) != b'-' {
            return None;
        }
        p += 1;
    }
    let day = digits(p, 2)?;
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > month_days(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// CPython's `iso_to_ymd` (then the date's range check), as a day number.
///
/// An ISO year 0 gives either a date CPython refuses or one in the first days of year 1,
/// from which `today - keep_days` overflows: `None` either way.
fn iso_to_day(iso_year: i64, week: i64, weekday: i64) -> Option<i64> {
    if iso_year < 1 {
        return None;
    }
    let jan1 = days_from_civil(iso_year, 1, 1);
    // Monday 0 .. Sunday 6 (1970-01-01 was a Thursday)
    let first_weekday = (jan1 + 3).rem_euclid(7);
    if week <= 0 || week >= 53 {
        // ISO years have 53 weeks when they start on a Thursday, or on a Wednesday in a
        // leap year
        let long_year = first_weekday == 3 || (first_weekday == 2 && is_leap(iso_year));
        if !(week == 53 && long_year) {
            return None;
        }
    }
    if !(1..=7).contains(&weekday) {
        return None;
    }
    let mut week1_monday = jan1 - first_weekday;
    if first_weekday > 3 {
        week1_monday += 7;
    }
    let day = week1_monday + (week - 1) * 7 + weekday - 1;
    // `date(year, ...)`: years 1 to 9999
    (FIRST_DAY..=LAST_DAY).contains(&day).then_some(day)
}

/// `sweep.day_start`: the epoch second a `YYYY-MM-DD` date starts at (UTC); `None` when
/// `fields.epoch_of` would not take `f"{day}T00:00:00Z"` quickly (ask Python).
pub fn day_start(day: &str) -> Option<i64> {
    crate::fields::quick_epoch(&format!("{day}T00:00:00Z"))
}

/// `sweep.watermark_idle` for a buyer's state: whether it has had no event since epoch
/// second `since` (its watermark `w` is always an int here).
pub fn watermark_idle(state: &crate::buyer_state::BuyerState, since: i64) -> bool {
    state.w < since
}

/// `sweep.forget`: delete the entries for which `doomed(key, value)` holds, in place
/// (the others keep their order); their keys, in table order.
pub fn forget<V>(table: &mut IndexMap<String, V>, mut doomed: impl FnMut(&str, &V) -> bool) -> Vec<String> {
    let mut gone = Vec::new();
    table.retain(|key, value| {
        if doomed(key, value) {
            gone.push(key.clone());
            false
        } else {
            true
        }
    });
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_as_the_unit_test() {
        let mut s = Sweeper::new();
        assert_eq!(s.due(0, "2026-05-01T08:00:00Z").as_deref(), Some("2025-03-27"));
        assert_eq!(s.due(0, "2026-05-01T23:00:00Z"), None);
        assert_eq!(s.due(0, "2026-05-30T23:59:59Z"), None);
        assert_eq!(s.due(0, "2026-04-20T00:00:00Z"), None);
        assert_eq!(s.due(0, "2026-05-31T00:00:00+08:00").as_deref(), Some("2025-04-26"));
        assert_eq!(s.due(0, "2026-06-29T00:00:00Z"), None);
        assert_eq!(s.due(1, "2020-01-01T00:00:00Z").as_deref(), Some("2018-11-27"));
        assert_eq!(s.due(2, "not a date"), None);
        assert_eq!(s.due(2, "2020-01-01T00:00:00Z").as_deref(), Some("2018-11-27"));
    }

    #[test]
    fn forget_keeps_the_others_in_order() {
        let mut table: IndexMap<String, i64> = (0..6).map(|k| (format!("k{k}"), k)).collect();
        let gone = forget(&mut table, |_, v| v % 2 == 1);
        assert_eq!(gone, ["k1", "k3", "k5"]);
        assert_eq!(table.keys().collect::<Vec<_>>(), ["k0", "k2", "k4"]);
    }

    #[test]
    fn iso_dates() {
        let d = |s| iso_date(s).and_then(format_date);
        assert_eq!(d("20261001T0").as_deref(), Some("2026-10-01"));
        assert_eq!(d("2026-W40-4").as_deref(), Some("2026-10-01"));
        assert_eq!(d("2026W404xx").as_deref(), Some("2026-10-01"));
        assert_eq!(d("2026W53").as_deref(), Some("2026-12-28"));
        assert_eq!(d("2026-13-01"), None);
        assert_eq!(d("0000-01-01"), None);
        assert_eq!(d("9999-W52-7"), None);
        assert_eq!(d("2026-1001"), None);
    }
}
