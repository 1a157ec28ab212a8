//! `streams/core/eviction.py`: eviction of a buyer's window state by its watermark (never
//! the wall clock).

use crate::collections::IndexMap;

use crate::buyer_state::{BuyerState, Evidence};
use crate::fields::DAY;
use crate::holdings::{forget_resolved, RESOLVED_KEEP};
use crate::layout::{dedupe_key, long_column, period_of, DEDUPE_DAYS, KEY_WIDTH, WIDTH};
use crate::longterm;
use crate::windows::upgrade_keys;

/// `eviction.evict`: drop everything older than the watermark allows, in place.
///
/// Counted from the first day of the watermark's eviction period: daily buckets older than
/// `retention_days` go (their paid orders, disputes and chargebacks first move to the long
/// rows when `long_days` is set), long rows older than `long_days`; dedupe keys older than
/// `DEDUPE_DAYS`; evidence, open orders and early-resolution markers older than the
/// retention (dispute and chargeback evidence: the long retention); fired episodes that no
/// window inside the retention can overlap.
pub fn evict(state: &mut BuyerState, retention_days: i64, long_days: i64) {
    let period = period_of(state.w);
    let first = period - retention_days + 1;
    let lfirst = if long_days != 0 { period - long_days + 1 } else { first };
    let since = first * DAY;
    // the daily rows: taken out while the long rows are written (rows are sorted by day:
    // only the oldest needs a look)
    let mut sellers = std::mem::take(&mut state.s);
    sellers.retain(|seller, rows| {
        // (an empty row list, which no state holds, makes Python raise IndexError: kept)
        if rows.is_empty() || rows[0] >= first {
            return true;
        }
        let mut i = WIDTH;
        while i < rows.len() && rows[i] < first {
            i += WIDTH;
        }
        if long_days != 0 {
            longterm::roll(state, seller, rows, i);
        }
        if i < rows.len() {
            rows.drain(..i);
            true
        } else {
            false
        }
    });
    state.s = sellers;
    if long_days != 0 {
        longterm::evict(state, lfirst);
    }
    evict_keys(state, period);
    evict_evidence(state, since, lfirst * DAY);
    if let Some(opened) = state.o.as_mut() {
        opened.retain(|_, v| v.t >= since);
        if opened.is_empty() {
            state.o = None;
        }
    }
    forget_resolved(state, state.w - RESOLVED_KEEP);
    if let Some(gone) = state.z.as_mut() {
        // kept as long as a creation they would cancel can still arrive
        gone.retain(|_, v| *v >= since);
        if gone.is_empty() {
            state.z = None;
        }
    }
    evict_fired(&mut state.f, first - retention_days);
    evict_fired(&mut state.g, lfirst - long_days.max(retention_days));
}

/// `eviction._evict_keys`: drop the dedupe keys of days before the dedupe window.
fn evict_keys(state: &mut BuyerState, period: i64) {
    let keys: &mut String = match state.k {
        Some(ref mut k) => k,
        None => upgrade_keys(state), // a state written before the dedupe keys were "k"
    };
    // the smallest key of that day (Python raises OverflowError for a day before the
    // epoch, a watermark in 1970's first week: no event gets there, see apply_at)
    let oldest = dedupe_key(period - DEDUPE_DAYS + 1, 0);
    let oldest = std::str::from_utf8(&oldest).unwrap_or("");
    if !keys.is_ascii() {
        keys.clear(); // not a string the core writes: see windows::apply_at
    }
    if !keys.is_empty() && prefix(keys, 0) < oldest {
        let mut i = KEY_WIDTH;
        while i < keys.len() && prefix(keys, i) < oldest {
            i += KEY_WIDTH;
        }
        keys.drain(..i.min(keys.len()));
    }
}

/// `keys[at:at + KEY_WIDTH]`.
fn prefix(keys: &str, at: usize) -> &str {
    keys.get(at..(at + KEY_WIDTH).min(keys.len())).unwrap_or("")
}

/// `eviction._evict_evidence`: drop evidence before `since` (disputes and chargebacks:
/// before `long_since`).
fn evict_evidence(state: &mut BuyerState, since: i64, long_since: i64) {
    let Some(evidence) = state.e.as_mut() else {
        return;
    };
    if evidence.is_empty() {
        return; // Python: `if not evidence: return`, an empty part stays
    }
    evidence.retain(|_, entries: &mut Vec<Evidence>| {
        // (an empty list, which no state holds, makes Python raise IndexError: kept)
        if entries.is_empty() || entries[0].t >= since {
            return true;
        }
        entries.retain(|e| e.t >= since || (long_column(e.col as usize) && e.t >= long_since));
        !entries.is_empty()
    });
    if evidence.is_empty() {
        state.e = None;
    }
}

/// `eviction._evict_fired`: drop fired episodes starting on or before day `oldest`: no
/// window can overlap them.
fn evict_fired(part: &mut Option<IndexMap<String, Vec<(i64, i64)>>>, oldest: i64) {
    let Some(fired) = part.as_mut() else {
        return;
    };
    if fired.is_empty() {
        return; // an empty part stays, as in Python
    }
    fired.retain(|_, episodes| {
        if episodes.is_empty() || episodes[0].0 > oldest {
            return true;
        }
        episodes.retain(|e| e.0 > oldest);
        !episodes.is_empty()
    });
    if fired.is_empty() {
        *part = None;
    }
}
