//! `streams/core/longterm.py`: long-horizon counts for the dispute and chargeback rules,
//! the `l` and `p` state parts.
//!
//! ```text
//! "l": {"s-2": [20700, 1, 0, 20712, 0, 1]},  # per seller, flat rows of L_WIDTH: day,
//!                                            # disputes opened, chargebacks
//! "p": {"s-2": [690, 4, 691, 2]},            # per seller, flat rows: block of BLOCK_DAYS
//!                                            # days, paid orders in it
//! ```
//!
//! Python's `//` floors: every division here whose operand can be negative (a day before
//! the epoch, from a small watermark minus a retention) uses `div_euclid`, which floors
//! as Python does for a positive divisor.

use std::collections::BTreeSet;

use crate::collections::IndexMap;

use crate::buyer_state::BuyerState;
use crate::layout::{bump, Window, CHARGEBACK, DISPUTED, PAID, WIDTH};

pub const BLOCK_DAYS: i64 = 30;
/// day, disputed, chargeback
pub const L_WIDTH: usize = 3;
/// block, paid
pub const P_WIDTH: usize = 2;

/// `longterm._L_OFFSET`: the offset of a column in an `l` row. Python raises `KeyError`
/// for any other column; callers here only pass `DISPUTED` and `CHARGEBACK`.
fn l_offset(col: usize) -> Option<usize> {
    match col {
        DISPUTED => Some(1),
        CHARGEBACK => Some(2),
        _ => None,
    }
}

/// `longterm.add`: count `n` events of a long column (paid, disputed, chargeback) on
/// `day`, in place.
pub fn add(state: &mut BuyerState, seller: &str, day: i64, col: usize, n: i64) {
    if col == PAID {
        let rows = state.p.get_or_insert_with(IndexMap::default).entry(seller.to_string()).or_default();
        bump(rows, P_WIDTH, day.div_euclid(BLOCK_DAYS), 1, n);
    } else if let Some(offset) = l_offset(col) {
        let rows = state.l.get_or_insert_with(IndexMap::default).entry(seller.to_string()).or_default();
        bump(rows, L_WIDTH, day, offset, n);
    }
    // any other column: Python raises KeyError (no caller passes one)
}

/// `longterm.keeps`: whether the long rows keep an event of `col` on `day` (`period`: the
/// first day of the watermark's eviction period).
pub fn keeps(day: i64, col: usize, period: i64, long_days: i64) -> bool {
    let first = period - long_days + 1;
    day >= first || (col == PAID && day.div_euclid(BLOCK_DAYS) >= first.div_euclid(BLOCK_DAYS))
}

/// `longterm.roll`: move the long counts of the daily rows `rows[..end]` (about to be
/// evicted) to the long rows.
pub fn roll(state: &mut BuyerState, seller: &str, rows: &[i64], end: usize) {
    let mut i = 0;
    while i < end && i + CHARGEBACK < rows.len() {
        let day = rows[i];
        for col in [PAID, DISPUTED, CHARGEBACK] {
            if rows[i + col] != 0 {
                add(state, seller, day, col, rows[i + col]);
            }
        }
        i += WIDTH;
    }
}

/// The rows of one long part before `oldest` dropped (`longterm.evict`'s loop body).
fn evict_part(part: &mut Option<IndexMap<String, Vec<i64>>>, width: usize, oldest: i64) {
    let Some(sellers) = part.as_mut() else {
        return;
    };
    if sellers.is_empty() {
        return; // Python: `if not sellers: continue`, an empty part stays
    }
    sellers.retain(|_, rows| {
        let mut i = 0;
        while i < rows.len() && rows[i] < oldest {
            i += width;
        }
        if i == rows.len() {
            return false;
        }
        if i > 0 {
            rows.drain(..i.min(rows.len()));
        }
        true
    });
    if sellers.is_empty() {
        *part = None;
    }
}

/// `longterm.evict`: drop long rows before day `first` (paid blocks that end before it),
/// in place.
pub fn evict(state: &mut BuyerState, first: i64) {
    evict_part(&mut state.l, L_WIDTH, first);
    evict_part(&mut state.p, P_WIDTH, first.div_euclid(BLOCK_DAYS));
}

/// `sum(rows[start::step])`.
fn strided_sum(rows: &[i64], start: usize, step: usize) -> i64 {
    rows.iter().skip(start).step_by(step).sum()
}

/// `longterm.total`: disputes or chargebacks kept at all (daily and long rows), at one
/// seller or all. (Python raises `KeyError` for another column: 0 here.)
pub fn total(state: &BuyerState, col: usize, seller: Option<&str>) -> i64 {
    let Some(offset) = l_offset(col) else {
        return 0;
    };
    let long = state.l.as_ref();
    match seller {
        Some(s) => {
            state.s.get(s).map_or(0, |rows| strided_sum(rows, col, WIDTH))
                + long.and_then(|l| l.get(s)).map_or(0, |rows| strided_sum(rows, offset, L_WIDTH))
        }
        None => {
            state.s.values().map(|rows| strided_sum(rows, col, WIDTH)).sum::<i64>()
                + long.map_or(0, |l| l.values().map(|rows| strided_sum(rows, offset, L_WIDTH)).sum::<i64>())
        }
    }
}

/// `longterm.windows`: candidate windows of a long rule that contain `day`, one per
/// starting day, over the daily and long rows together. The base is the paid orders from
/// one horizon before the window's start to its end (whole 30-day blocks for the older
/// days). (Python raises `KeyError` for a column other than disputed or chargeback: none
/// here.)
pub fn windows(state: &BuyerState, col: usize, seller: Option<&str>, day: i64, horizon: i64, first: i64) -> Vec<Window> {
    let Some(offset) = l_offset(col) else {
        return Vec::new();
    };
    let daily = &state.s;
    let empty = IndexMap::default();
    let long = state.l.as_ref().unwrap_or(&empty);
    let paid = state.p.as_ref().unwrap_or(&empty);
    let names: Vec<&str> = match seller {
        // sorted(set(daily) | set(long) | set(paid))
        None => daily.keys().chain(long.keys()).chain(paid.keys()).map(String::as_str)
            .collect::<BTreeSet<&str>>().into_iter().collect(),
        Some(s) => vec![s],
    };
    let mut days: Vec<(i64, i64, i64, usize)> = Vec::new(); // (day, count, paid, shop)
    let mut blocks: Vec<(i64, i64)> = Vec::new(); // (block, paid)
    for (shop, name) in names.iter().enumerate() {
        if let Some(rows) = daily.get(*name) {
            for r in rows.chunks_exact(WIDTH) {
                days.push((r[0], r[col], r[PAID], shop));
            }
        }
        if let Some(rows) = long.get(*name) {
            for r in rows.chunks_exact(L_WIDTH) {
                days.push((r[0], r[offset], 0, shop));
            }
        }
        if let Some(rows) = paid.get(*name) {
            for r in rows.chunks_exact(P_WIDTH) {
                blocks.push((r[0], r[1]));
            }
        }
    }
    let lo = (day - horizon + 1).max(first);
    let starts: BTreeSet<i64> = days.iter().filter(|&&(d, n, _, _)| n != 0 && lo <= d && d <= day).map(|x| x.0).collect();
    let mut found = Vec::with_capacity(starts.len());
    for start in starts {
        let end = start + horizon;
        let since = start - horizon;
        let (mut count, mut base) = (0i64, 0i64);
        let mut shops = BTreeSet::new();
        for &(d, n, b, shop) in &days {
            if since <= d && d < end {
                base += b;
                if start <= d && n != 0 {
                    count += n;
                    shops.insert(shop);
                }
            }
        }
        base += blocks.iter()
            .filter(|&&(block, _)| block * BLOCK_DAYS < end && (block + 1) * BLOCK_DAYS > since)
            .map(|&(_, n)| n)
            .sum::<i64>();
        found.push(Window { first_day: start, count, base, shops: shops.len() as i64 });
    }
    found
}
