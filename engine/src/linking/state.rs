//! Port of `streams/core/linking_state.py`: the state of one identity key, its accounts'
//! daily outcome counts folded by event time.
//!
//! Each field mirrors a key of the Python state dict (`{"w", "b", "k", "e", "n", "f"}`
//! and the older `"i"`); an `Option` is a key that may be absent. `to_py`/`from_py`
//! convert to and from that dict, as `buyer_state.rs` does for the buyers.

use crate::collections::IndexMap;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

use super::rules::LinkingRules;
use crate::buyer_state::BuyerState;
use crate::eventids::{pack, unpack};
use crate::fields::DAY;
use crate::layout::{bump, dedupe_key, event_key, keys_from_hex, KEY_WIDTH, WIDTH as BUYER_WIDTH};

pub const CREATED: usize = 1;
pub const PAID: usize = 2;
pub const CANCELLED: usize = 3;
pub const CLOSED_UNPAID: usize = 4;
pub const DISPUTED: usize = 5;
pub const CHARGEBACK: usize = 6;
/// `ROW`: ints per daily row (day and six counts).
pub const ROW: usize = 7;
/// `BAD`: the outcome columns that count against the accounts.
pub const BAD: std::ops::Range<usize> = CANCELLED..ROW;
/// `DEDUPE_CAP`: dedupe keys kept.
pub const DEDUPE_CAP: usize = 64;
/// `EVIDENCE_CAP`: latest bad-outcome event ids kept for the alert's evidence.
pub const EVIDENCE_CAP: usize = 12;

/// `COLUMNS.get(type, 0)`: the outcome column of an event type.
pub fn column(etype: crate::event::EType) -> usize {
    use crate::event::EType::*;
    match etype {
        OrderCreated => CREATED,
        OrderPaid => PAID,
        OrderCancelled => CANCELLED,
        OrderClosedUnpaid => CLOSED_UNPAID,
        DisputeOpened => DISPUTED,
        ChargebackNotified => CHARGEBACK,
        _ => 0,
    }
}

/// An `e` entry: `[t, packed event id, buyer]` (Python sorts these lists: fields in order).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seen {
    pub t: i64,
    pub id: String,
    pub buyer: String,
}

/// An `f` entry: `[episode, severity rank, account]` (sorted as Python sorts the lists).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fired {
    pub episode: i64,
    pub rank: i64,
    pub account: String,
}

/// One identity's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IdentityState {
    /// Watermark: latest `occurred_at` counted (epoch seconds).
    pub w: i64,
    /// Per account, flat rows of `ROW` ints sorted by day.
    pub b: IndexMap<String, Vec<i64>>,
    /// Dedupe keys, `KEY_WIDTH` ASCII characters each, sorted. `None`: an older state
    /// that has `i` instead.
    pub k: Option<String>,
    /// The older layout's 12 hex digits per key (moved to `k` by `upgrade_keys`).
    pub i: Option<String>,
    pub e: Option<Vec<Seen>>,
    /// Accounts dropped past `max_members`: `[day of their last event, how many]`, flat.
    pub n: Option<Vec<i64>>,
    pub f: Option<Vec<Fired>>,
}

/// An account's kept record (`account_record`), as `merge_record` reads it: `rows` with
/// `None` for a value that is not an `int`, `evidence` only its well-formed
/// `[int, str]` entries (the others are skipped by `merge_record`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    pub rows: Vec<Option<i64>>,
    pub evidence: Vec<(i64, String)>,
}

impl Record {
    /// A message's `record`: `None` when it is not a dict (`step` ignores it then).
    /// `type(x) is int` excludes bools and floats; an int beyond 64 bits is taken as no count.
    pub fn from_value(v: &Value) -> Option<Record> {
        let Value::Object(m) = v else { return None };
        let rows = match m.get("rows") {
            Some(Value::Array(a)) => a.iter().map(|x| if let Value::Number(n) = x { n.as_i64() } else { None }).collect(),
            _ => Vec::new(),
        };
        let evidence = match m.get("evidence") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|entry| match entry {
                    Value::Array(pair) if pair.len() == 2 => match (&pair[0], &pair[1]) {
                        (Value::Number(t), Value::String(id)) => t.as_i64().map(|t| (t, id.clone())),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(Record { rows, evidence })
    }

    /// The record as JSON (`{"rows": [...], "evidence": [[t, id], ...]}`); a row value
    /// that was not an int is null.
    pub fn to_value(&self) -> Value {
        let rows = self.rows.iter().map(|x| x.map_or(Value::Null, |n| Value::from(n))).collect();
        let evidence = self.evidence.iter().map(|(t, id)| Value::Array(vec![Value::from(*t), Value::from(id.as_str())])).collect();
        let mut m = serde_json::Map::new();
        m.insert("rows".into(), Value::Array(rows));
        m.insert("evidence".into(), Value::Array(evidence));
        Value::Object(m)
    }

    /// The record as the dict `account_record` returns.
    pub fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rows", self.rows.iter().map(|x| x.unwrap_or(0)).collect::<Vec<i64>>())?;
        let ev = PyList::empty(py);
        for (t, id) in &self.evidence {
            ev.append(PyList::new(py, [t.into_pyobject(py)?.into_any(), id.as_str().into_pyobject(py)?.into_any()])?)?;
        }
        d.set_item("evidence", ev)?;
        Ok(d)
    }
}

impl IdentityState {
    /// `new_state()`: `{"w": 0, "b": {}, "k": ""}`.
    pub fn new() -> Self {
        IdentityState { k: Some(String::new()), ..Default::default() }
    }

    pub fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("w", self.w)?;
        let b = PyDict::new(py);
        for (buyer, rows) in &self.b {
            b.set_item(buyer, PyList::new(py, rows)?)?;
        }
        d.set_item("b", b)?;
        if let Some(k) = &self.k {
            d.set_item("k", k)?;
        }
        if let Some(i) = &self.i {
            d.set_item("i", i)?;
        }
        if let Some(e) = &self.e {
            let l = PyList::empty(py);
            for x in e {
                l.append(PyList::new(py, [x.t.into_pyobject(py)?.into_any(), x.id.as_str().into_pyobject(py)?.into_any(), x.buyer.as_str().into_pyobject(py)?.into_any()])?)?;
            }
            d.set_item("e", l)?;
        }
        if let Some(n) = &self.n {
            d.set_item("n", PyList::new(py, n)?)?;
        }
        if let Some(f) = &self.f {
            let l = PyList::empty(py);
            for x in f {
                l.append(PyList::new(py, [x.episode.into_pyobject(py)?.into_any(), x.rank.into_pyobject(py)?.into_any(), x.account.as_str().into_pyobject(py)?.into_any()])?)?;
            }
            d.set_item("f", l)?;
        }
        Ok(d)
    }

    pub fn from_py(d: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut s = IdentityState::default();
        for (key, value) in d.iter() {
            let key: String = key.extract()?;
            match key.as_str() {
                "w" => s.w = value.extract()?,
                "b" => {
                    for (buyer, rows) in value.downcast::<PyDict>()?.iter() {
                        s.b.insert(buyer.extract()?, rows.extract()?);
                    }
                }
                "k" => {
                    let k: String = value.extract()?;
                    if !k.is_ascii() {
                        return Err(PyValueError::new_err("an identity state's dedupe keys are not ASCII"));
                    }
                    s.k = Some(k);
                }
                "i" => s.i = Some(value.extract()?),
                "e" => {
                    let mut v = Vec::new();
                    for x in value.try_iter()? {
                        let x = x?;
                        let (t, id, buyer): (i64, String, String) = (x.get_item(0)?.extract()?, x.get_item(1)?.extract()?, x.get_item(2)?.extract()?);
                        v.push(Seen { t, id, buyer });
                    }
                    s.e = Some(v);
                }
                "n" => s.n = Some(value.extract()?),
                "f" => {
                    let mut v = Vec::new();
                    for x in value.try_iter()? {
                        let x = x?;
                        let (episode, rank, account): (i64, i64, String) = (x.get_item(0)?.extract()?, x.get_item(1)?.extract()?, x.get_item(2)?.extract()?);
                        v.push(Fired { episode, rank, account });
                    }
                    s.f = Some(v);
                }
                other => {
                    return Err(PyValueError::new_err(format!("an identity state has no key {other:?}")))
                }
            }
        }
        Ok(s)
    }
}

/// `cutoff(state, rules)`: the oldest UTC day kept.
pub fn cutoff(state: &IdentityState, rules: &LinkingRules) -> i64 {
    state.w.div_euclid(DAY) - rules.retention_days + 1
}

/// `fold_at(state, col, t, event_id, buyer, rules)`: count one event (its column not 0)
/// in place; `(column counted or 0, day, joined)`.
pub fn fold_at(state: &mut IdentityState, col: usize, t: i64, event_id: &str, buyer: &str, rules: &LinkingRules) -> (usize, i64, bool) {
    if !(0..1i64 << 32).contains(&t) {
        return (0, 0, false);
    }
    let day = t / DAY;
    let w = state.w;
    if w != 0 && day <= w.div_euclid(DAY) - rules.retention_days {
        return (0, day, false); // older than cutoff(state, rules)
    }
    let key = event_key(day, event_id);
    let mut keys = match state.k.take() {
        Some(k) => k,
        None => upgrade_keys(state),
    };
    let kb = keys.as_bytes();
    if kb.is_empty() || &kb[kb.len().saturating_sub(KEY_WIDTH)..] < &key[..] {
        // the usual case: the identity's newest day
        keys.push_str(std::str::from_utf8(&key).unwrap_or_default());
        if keys.len() > DEDUPE_CAP * KEY_WIDTH {
            keys.drain(..KEY_WIDTH);
        }
    } else {
        match insert_key(&keys, &key) {
            None => {
                state.k = Some(keys);
                return (0, day, false);
            }
            Some(found) => keys = found,
        }
    }
    state.k = Some(keys);
    let joined = !state.b.contains_key(buyer);
    if joined {
        if state.b.len() as i64 >= rules.max_members {
            fold_out(state);
        }
        let mut rows = vec![day, 0, 0, 0, 0, 0, 0];
        rows[col] = 1;
        state.b.insert(buyer.to_string(), rows);
    } else if let Some(rows) = state.b.get_mut(buyer) {
        let len = rows.len();
        if len >= ROW && rows[len - ROW] == day {
            rows[len - ROW + col] += 1;
        } else {
            bump(rows, ROW, day, col, 1);
        }
    }
    if col >= CANCELLED {
        keep_evidence(state, Seen { t, id: pack(event_id), buyer: buyer.to_string() });
    }
    if t > w {
        state.w = t;
        if w != 0 && day > w.div_euclid(DAY) {
            evict(state, rules);
        }
    }
    (col, day, joined)
}

/// `_insert(keys, key)`: `keys` with `key` in sorted place (the oldest go past
/// `DEDUPE_CAP`); `None` if seen. Keys are ASCII, so bytes slice as Python's str does.
fn insert_key(keys: &str, key: &[u8; KEY_WIDTH]) -> Option<String> {
    let kb = keys.as_bytes();
    let mut hi = kb.len() / KEY_WIDTH;
    let key_str = std::str::from_utf8(key).unwrap_or_default();
    let mut out;
    if hi == 0 || &kb[kb.len().saturating_sub(KEY_WIDTH)..] < &key[..] {
        out = format!("{keys}{key_str}");
    } else {
        let mut lo = 0;
        let slot = |i: usize| &kb[(i * KEY_WIDTH).min(kb.len())..(i * KEY_WIDTH + KEY_WIDTH).min(kb.len())];
        while lo < hi {
            let mid = (lo + hi) / 2;
            if slot(mid) < &key[..] {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if slot(lo) == &key[..] {
            return None;
        }
        let at = (lo * KEY_WIDTH).min(kb.len());
        out = format!("{}{}{}", &keys[..at], key_str, &keys[at..]);
    }
    if out.len() > DEDUPE_CAP * KEY_WIDTH {
        out.drain(..KEY_WIDTH);
    }
    Some(out)
}

/// `upgrade_keys(state)`: move the dedupe keys from the 12 hex digits of `i` to `k`, in
/// place; returns them (the caller stores them back in `k`).
pub fn upgrade_keys(state: &mut IdentityState) -> String {
    let old = state.i.take().unwrap_or_default();
    let keys = keys_from_hex(&old, 12, 1, DEDUPE_CAP);
    state.k = Some(keys.clone());
    keys
}

/// `bad_total(rows)`: bad outcomes over all of a row list's days.
pub fn bad_total(rows: &[i64]) -> i64 {
    rows.chunks(ROW).map(|r| r.iter().skip(CANCELLED).take(ROW - CANCELLED).sum::<i64>()).sum()
}

/// `rows[-ROW]`: the day of an account's last row (0 for a malformed empty list).
fn last_day(rows: &[i64]) -> i64 {
    if rows.len() >= ROW { rows[rows.len() - ROW] } else { rows.first().copied().unwrap_or(0) }
}

/// `_fold_out(state, members)`: make room for one account, dropping the least bad, least
/// recent one, counted in `n` under the day of its last event.
fn fold_out(state: &mut IdentityState) {
    let victim = state
        .b
        .iter()
        .min_by(|(a, ra), (b, rb)| (bad_total(ra), last_day(ra), a).cmp(&(bad_total(rb), last_day(rb), b)))
        .map(|(b, _)| b.clone());
    let Some(victim) = victim else { return };
    let last = state.b.shift_remove(&victim).map_or(0, |rows| last_day(&rows));
    let dropped = state.n.get_or_insert_with(Vec::new);
    let mut i = 0;
    while i < dropped.len() && dropped[i] < last {
        i += 2;
    }
    if i < dropped.len() && dropped[i] == last {
        if let Some(n) = dropped.get_mut(i + 1) {
            *n += 1;
        }
    } else {
        dropped.splice(i..i, [last, 1]);
    }
}

/// `dropped_accounts(state)`: accounts dropped past `max_members` still within the retention.
pub fn dropped_accounts(state: &IdentityState) -> i64 {
    state.n.as_ref().map_or(0, |n| n.iter().skip(1).step_by(2).sum())
}

/// `_keep_evidence(state, entry)`: remember a bad-outcome event, the latest `EVIDENCE_CAP`.
fn keep_evidence(state: &mut IdentityState, entry: Seen) {
    let entries = state.e.get_or_insert_with(Vec::new);
    if entries.last().map_or(true, |last| *last < entry) {
        entries.push(entry);
    } else {
        entries.push(entry);
        entries.sort();
    }
    if entries.len() > EVIDENCE_CAP {
        entries.remove(0);
    }
}

/// `account_record(windows)`: an account's kept record from its buyer window state, for
/// an identity it just showed; `None` when it holds the one event that comes with it.
pub fn account_record(windows: &BuyerState) -> Option<Record> {
    let mut by_day: IndexMap<i64, [i64; ROW]> = IndexMap::default();
    let mut total = 0;
    for rows in windows.s.values() {
        let mut i = 0;
        while i < rows.len() {
            let mut counts = [0i64; ROW];
            for c in 1..ROW {
                counts[c] = rows.get(i + c).copied().unwrap_or(0);
            }
            let n: i64 = counts.iter().sum();
            if n != 0 {
                total += n;
                let row = by_day.entry(rows[i]).or_insert_with(|| {
                    let mut r = [0i64; ROW];
                    r[0] = rows[i];
                    r
                });
                for c in 1..ROW {
                    row[c] += counts[c];
                }
            }
            i += BUYER_WIDTH;
        }
    }
    if total <= 1 {
        return None;
    }
    let mut evidence: Vec<(i64, String)> = Vec::new();
    if let Some(e) = &windows.e {
        for entries in e.values() {
            for entry in entries {
                if BAD.contains(&(entry.col as usize)) && entry.col >= 0 {
                    evidence.push((entry.t, unpack(&entry.id)));
                }
            }
        }
    }
    evidence.sort();
    let cut = evidence.len().saturating_sub(EVIDENCE_CAP);
    let mut days: Vec<i64> = by_day.keys().copied().collect();
    days.sort_unstable();
    let rows = days.iter().flat_map(|d| by_day[d].iter().map(|&n| Some(n))).collect();
    Some(Record { rows, evidence: evidence.split_off(cut) })
}

/// `record_for_new_keys(old, keys, windows)`: `account_record` when a key is new to the
/// buyer, `None` when the event only re-showed or reordered known keys.
pub fn record_for_new_keys(old: &[String], keys: &[String], windows: &BuyerState) -> Option<Record> {
    if keys.iter().all(|k| old.contains(k)) {
        None
    } else {
        account_record(windows)
    }
}

/// `merge_record(state, buyer, record, rules)`: take in an account's kept record, in place;
/// whether it added. Each count becomes the larger of the two.
pub fn merge_record(state: &mut IdentityState, buyer: &str, record: &Record, rules: &LinkingRules) -> bool {
    let first = if state.w != 0 { cutoff(state, rules) } else { 0 };
    let incoming = &record.rows;
    let rows = state.b.get(buyer);
    let existed = rows.is_some();
    let mut merged: IndexMap<i64, [i64; ROW]> = IndexMap::default();
    if let Some(rows) = rows {
        for chunk in rows.chunks(ROW) {
            let mut r = [0i64; ROW];
            r[..chunk.len()].copy_from_slice(chunk);
            merged.insert(chunk[0], r);
        }
    }
    let mut changed = false;
    if incoming.len() >= ROW {
        let mut i = 0;
        while i + ROW <= incoming.len() {
            if let Some(day) = incoming[i].filter(|&d| d >= first) {
                let row = merged.entry(day).or_insert_with(|| {
                    let mut r = [0i64; ROW];
                    r[0] = day;
                    r
                });
                for c in 1..ROW {
                    if let Some(n) = incoming[i + c] {
                        if n > row[c] {
                            row[c] = n;
                            changed = true;
                        }
                    }
                }
            }
            i += ROW;
        }
    }
    if !changed {
        return false;
    }
    if !existed && state.b.len() as i64 >= rules.max_members {
        fold_out(state);
    }
    let mut days: Vec<i64> = merged.keys().copied().collect();
    days.sort_unstable();
    state.b.insert(buyer.to_string(), days.iter().flat_map(|d| merged[d]).collect());
    let since = first * DAY;
    let known: crate::collections::HashSet<String> =
        state.e.iter().flatten().map(|x| x.id.clone()).collect();
    for (t, event_id) in &record.evidence {
        if *t >= since {
            let kept = pack(event_id);
            if !known.contains(&kept) && !known.contains(event_id) {
                // (a state from before packing kept ids whole)
                keep_evidence(state, Seen { t: *t, id: kept, buyer: buyer.to_string() });
            }
        }
    }
    true
}

/// `evict(state, rules)`: drop what is older than the retention before the watermark, in
/// place.
pub fn evict(state: &mut IdentityState, rules: &LinkingRules) {
    let first = cutoff(state, rules);
    let stale: Vec<String> = state.b.iter().filter(|(_, rows)| rows.first().map_or(false, |&d| d < first)).map(|(b, _)| b.clone()).collect();
    for buyer in stale {
        let kept = state.b.get(&buyer).map(|rows| rows_since(rows, first)).unwrap_or_default();
        if kept.is_empty() {
            state.b.shift_remove(&buyer);
        } else {
            state.b.insert(buyer, kept);
        }
    }
    if let Some(dropped) = state.n.as_mut() {
        let mut i = 0;
        while i < dropped.len() && dropped[i] < first {
            i += 2;
        }
        if i >= dropped.len() {
            state.n = None;
        } else if i > 0 {
            dropped.drain(..i);
        }
    }
    let keys = match state.k.take() {
        Some(k) => k,
        None => upgrade_keys(state),
    };
    let oldest = dedupe_key(first.max(0), 0); // the smallest key of that day
    let kb = keys.as_bytes();
    let mut i = 0;
    while i < kb.len() && &kb[i..(i + KEY_WIDTH).min(kb.len())] < &oldest[..] {
        i += KEY_WIDTH;
    }
    state.k = Some(if i > 0 { keys.get(i.min(keys.len())..).unwrap_or("").to_string() } else { keys });
    if let Some(entries) = state.e.as_mut() {
        let since = first * DAY;
        entries.retain(|x| x.t >= since);
        if entries.is_empty() {
            state.e = None;
        }
    }
    if let Some(fired) = state.f.as_mut() {
        fired.retain(|x| x.episode > first - rules.horizon_days);
        if fired.is_empty() {
            state.f = None;
        }
    }
}

/// `_rows_since(rows, first)`: the rows of days `>= first`.
fn rows_since(rows: &[i64], first: i64) -> Vec<i64> {
    let mut i = 0;
    while i < rows.len() && rows[i] < first {
        i += ROW;
    }
    rows.get(i..).map(|r| r.to_vec()).unwrap_or_default()
}
