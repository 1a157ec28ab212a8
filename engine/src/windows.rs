//! `streams/core/windows.py`: per-buyer event-time windows, daily outcome counters per
//! seller, folded in place (see the Python module's docstring for the state layout and
//! `buyer_state.rs` for its typed form).

use crate::buyer_state::BuyerState;
use crate::event::{EType, Event};
use crate::eviction::evict;
use crate::evidence::keep_evidence;
use crate::fields::DAY;
use crate::holdings::{close_order, forget_resolved, open_order, RESOLVED_KEEP};
use crate::layout::{
    bump, event_key, keys_from_hex, long_column, notable, CANCELLED, CHARGEBACK, CLOSED_UNPAID, CREATED, DEDUPE_CAP,
    DEDUPE_DAYS, DISPUTED, EVICT_DAYS, KEY_WIDTH, PAID, REFUND, WIDTH,
};
use crate::longterm;

/// `windows._KIND`: the column an event type counts in and whether it ends the order's
/// hold on stock; `None` for the types no window counts.
fn kind_of(etype: EType) -> Option<(usize, bool)> {
    Some(match etype {
        EType::OrderCreated => (CREATED, false),
        EType::OrderPaid => (PAID, true),
        EType::OrderCancelled => (CANCELLED, true),
        EType::OrderClosedUnpaid => (CLOSED_UNPAID, true),
        EType::DisputeOpened => (DISPUTED, false),
        EType::ChargebackNotified => (CHARGEBACK, false),
        EType::RefundRequested => (REFUND, false),
        _ => return None,
    })
}

/// `windows.COUNTED_TYPES`: whether events of this type can change the windows.
pub fn is_counted(etype: EType) -> bool {
    kind_of(etype).is_some()
}

/// `windows.new_state`: an empty buyer window state.
pub fn new_state() -> BuyerState {
    BuyerState::new()
}

/// `windows.bucket_of`: the bucket (UTC day number) of an epoch-seconds timestamp.
pub fn bucket_of(t: i64) -> i64 {
    t.div_euclid(DAY)
}

/// `windows.cutoff`: the oldest bucket kept, `retention_days - 1` before the watermark's
/// eviction period.
pub fn cutoff(state: &BuyerState, retention_days: i64) -> i64 {
    let wday = state.w.div_euclid(DAY);
    wday - wday.rem_euclid(EVICT_DAYS) - retention_days + 1
}

/// `windows.column_of`: the outcome column an event counts in, 0 when it counts in none.
/// A cancel counts only when the buyer (or an adapter that cannot tell) cancelled.
pub fn column_of(event: &Event) -> usize {
    match kind_of(event.etype) {
        None => 0,
        Some((CANCELLED, _)) if !event.by_buyer() => 0,
        Some((col, _)) => col,
    }
}

/// `windows.fold`: fold one event into a buyer's windows (see `apply_at`) and return the
/// state. `t` is the event's time, as `windows.apply` parses it (`Event::t`).
pub fn fold(state: Option<BuyerState>, event: &Event, retention_days: i64, long_days: i64) -> BuyerState {
    let mut state = state.unwrap_or_else(new_state);
    apply_at(&mut state, event, event.t, retention_days, long_days);
    state
}

/// `layout.upgrade_keys`: move an older state's hex dedupe keys (`i`) to `k`, in place,
/// and return them.
pub fn upgrade_keys(state: &mut BuyerState) -> &mut String {
    let old = state.i.take().unwrap_or_default();
    state.k.insert(keys_from_hex(&old, 16, 86_400, DEDUPE_CAP))
}

/// `windows.apply_at`: fold one event at time `t` (epoch seconds) into `state` in place.
///
/// Returns the outcome column the event was counted in; 0 when it changed no counter (a
/// redelivery, an event older than the retention, or a type no window counts).
pub fn apply_at(state: &mut BuyerState, event: &Event, t: i64, retention_days: i64, long_days: i64) -> usize {
    let Some((mut col, resolves)) = kind_of(event.etype) else {
        return 0;
    };
    if col == CANCELLED && !event.by_buyer() {
        col = 0;
    }
    if !(0 < t && t < 1 << 32) {
        return 0; // outside 1970-2106: it would break the fixed-width dedupe keys (and a
                  // resolution at 0 would read as none)
    }
    let w = state.w;
    let wday = w.div_euclid(DAY);
    let period = wday - wday.rem_euclid(EVICT_DAYS);
    let day = t / DAY; // t > 0
    if w != 0 && day <= period - retention_days {
        // older than every daily window that can still fire: only the long rules want it
        if long_days != 0 && long_column(col) && longterm::keeps(day, col, period, long_days) {
            return count_old(state, event, t, col);
        }
        return 0;
    }
    let event_id = event.event_id.as_str();
    let key_bytes = event_key(day, event_id);
    // the key is ASCII (KEY_ALPHABET)
    let key = std::str::from_utf8(&key_bytes).unwrap_or("");
    let keys: &mut String = match state.k {
        Some(ref mut k) => k,
        None => upgrade_keys(state), // a state written before the dedupe keys were "k"
    };
    if !keys.is_ascii() {
        // Not a string the core writes (keys are KEY_ALPHABET characters): Python would
        // slice it by code points; it is forgotten here rather than cut inside a character.
        keys.clear();
    }
    if let Some(found) = keys.find(key) {
        if seen(keys, key, found) {
            return 0;
        }
    }
    if day > period - DEDUPE_DAYS {
        if keys.is_empty() || last_key(keys) < key {
            keys.push_str(key); // the usual case: the buyer's newest event
        } else {
            insert_key(keys, key);
        }
        if keys.len() > DEDUPE_CAP * KEY_WIDTH {
            // keys[KEY_WIDTH:]: the smallest (oldest) key goes
            keys.drain(..KEY_WIDTH);
        }
    }
    let seller = event.seller_id.as_str();
    if col != 0 {
        match state.s.get_mut(seller) {
            None => {
                let mut row = vec![day, 0, 0, 0, 0, 0, 0, 0];
                row[col] = 1;
                state.s.insert(seller.to_string(), row);
            }
            Some(rows) => {
                let n = rows.len();
                // (an empty row list, which no state holds, makes Python raise IndexError;
                // bump inserts the row there)
                if n >= WIDTH && rows[n - WIDTH] == day {
                    rows[n - WIDTH + col] += 1;
                } else if n >= WIDTH && rows[n - WIDTH] < day {
                    rows.extend_from_slice(&[day, 0, 0, 0, 0, 0, 0, 0]);
                    rows[n + col] += 1;
                } else {
                    bump(rows, WIDTH, day, col, 1); // a bucket older than the newest
                }
            }
        }
        if notable(col) {
            keep_evidence(state, seller, t, col, event_id);
        }
    }
    if col == CREATED {
        open_order(state, event, t, seller);
    } else if resolves {
        // validated follow-ups always name their order (Python raises KeyError otherwise)
        if let Some(order_id) = event.order_id.as_deref() {
            close_order(state, order_id, t);
        }
    }
    if t > w {
        state.w = t;
        if w != 0 && day - day % EVICT_DAYS > period {
            evict(state, retention_days, long_days); // a new buyer has nothing to evict
        } else if state.o.is_some() {
            forget_resolved(state, t - RESOLVED_KEEP); // resolved orders go RESOLVED_KEEP after
        }
    }
    col
}

/// The last `KEY_WIDTH` characters of `keys` (`keys[-KEY_WIDTH:]`).
fn last_key(keys: &str) -> &str {
    keys.get(keys.len().saturating_sub(KEY_WIDTH)..).unwrap_or(keys)
}

/// `windows._count_old`: count an event older than the daily retention in the long-horizon
/// rows only (beyond the dedupe keys).
fn count_old(state: &mut BuyerState, event: &Event, t: i64, col: usize) -> usize {
    let seller = event.seller_id.as_str();
    longterm::add(state, seller, t / DAY, col, 1);
    if col != PAID {
        keep_evidence(state, seller, t, col, &event.event_id);
    }
    col
}

/// `windows._seen`: whether `key` occurs in `keys` at a key boundary (`found`: its first
/// match).
fn seen(keys: &str, key: &str, mut found: usize) -> bool {
    loop {
        if found % KEY_WIDTH == 0 {
            return true;
        }
        match keys.get(found + 1..).and_then(|rest| rest.find(key)) {
            Some(i) => found += 1 + i,
            None => return false,
        }
    }
}

/// `windows._insert`: `keys` with `key` inserted in order (binary search over the
/// fixed-width keys), for a key below the buyer's largest.
fn insert_key(keys: &mut String, key: &str) {
    let (mut lo, mut hi) = (0, keys.len() / KEY_WIDTH);
    while lo < hi {
        let mid = (lo + hi) >> 1;
        let at = mid * KEY_WIDTH;
        // keys[at:at + KEY_WIDTH] (shorter at a ragged end, as Python slices)
        let kept = keys.get(at..(at + KEY_WIDTH).min(keys.len())).unwrap_or("");
        if kept < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    keys.insert_str(lo * KEY_WIDTH, key);
}

/// `windows.count`: events of one outcome in daily buckets `since <= day < until`, at one
/// seller or across all.
pub fn count(state: &BuyerState, outcome: usize, since: i64, until: i64, seller: Option<&str>) -> i64 {
    let sum = |rows: &Vec<i64>| -> i64 {
        rows.chunks(WIDTH)
            .filter(|r| since <= r[0] && r[0] < until)
            .map(|r| r.get(outcome).copied().unwrap_or(0))
            .sum()
    };
    match seller {
        None => state.s.values().map(sum).sum(),
        Some(s) => state.s.get(s).map_or(0, sum),
    }
}
