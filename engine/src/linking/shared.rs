//! Port of `streams/core/linking_shared.py`: the identities stage in one process, folding
//! only the identities two accounts share.
//!
//! A "solo" key (shown by one account only) is kept as its owner and a position in a log
//! of the owner's counted events, and folded only when it must be: when a second
//! account's event reaches it, when it leaves its owner's keys, when the owner's log grows
//! long, or when the states are read. The states so built, and every alert in its order,
//! are those of folding each key with `step_identity` as each event arrives.
//!
//! Python tells a buyer's key list apart by identity (`keys is old`, `plan[0] is keys`):
//! here every list stored in `buyer_keys` gets a new generation number (`Slot::gen`), 0
//! being the shared empty list of a buyer without keys, and a plan remembers the generation.
//!
//! What Python keeps in dicts by buyer (`_logs`, `_plans`) is kept in one `Slot` per buyer,
//! by the buyer's index in `buyer_keys` (which never removes one), and a solo key names its
//! owner by that index. A buyer's slot also remembers its latest details and their keys,
//! so that an order repeating them costs no lookup in the keys cache nor comparison.

use std::sync::Arc;

use crate::collections::IndexMap;

use super::keys::{buyer_identity_keys, is_identifying, is_link_type, KeyCache};
use super::rules::LinkingRules;
use super::state::{column, evict, fold_at, merge_record, record_for_new_keys, IdentityState, Record, CANCELLED};
use super::{evaluate, step};
use crate::alert::Alert;
use crate::buyer_state::BuyerState;
use crate::event::Event;
use crate::fields::DAY;

/// `LOG_TRIM`: entries before a log is first trimmed to the retention.
pub const LOG_TRIM: usize = 32;
/// `LOG_MAX`: entries a log may keep after trimming; beyond, its keys are folded.
pub const LOG_MAX: usize = 512;

/// `(column, epoch seconds, event id)` of one counted event.
type Entry = (usize, i64, String);

/// `_Log`: one account's counted events, oldest first, for its solo keys.
#[derive(Clone, Debug)]
struct Log {
    /// The position of `entries[0]` since the log began.
    base: i64,
    entries: Vec<Entry>,
    /// The highest start of a solo key (a bound: may be stale, higher).
    latest: i64,
    trim_at: usize,
}

impl Log {
    fn new(trim: usize) -> Log {
        Log { base: 0, entries: Vec::new(), latest: 0, trim_at: trim }
    }
}

/// `_Solo`: (owner, start in the owner's log, the owner's record that came with the key,
/// whether that record comes after the entry at start, else before the first). The owner
/// is the index of its `buyer_keys` entry (a buyer stays there once it has keys). `seq`:
/// when the key became solo, its place in Python's `_solo` dict (`all_states` folds them
/// in that order; `swap_remove` is O(1) where `IndexMap::shift_remove` is O(n)).
#[derive(Clone, Debug)]
struct Solo {
    seq: u64,
    owner: usize,
    start: i64,
    record: Option<Arc<Record>>,
    record_after: bool,
}

/// A plan: (the generation of the buyer's keys list, whether any is solo, the folded keys;
/// `None` for none, the usual case, which so costs no allocation to make or read).
#[derive(Clone, Debug)]
struct Plan {
    gen: u64,
    any_solo: bool,
    folded: Option<Arc<Vec<String>>>,
}

impl Plan {
    fn folded(&self) -> &[String] {
        self.folded.as_deref().map_or(&[], Vec::as_slice)
    }
}

/// The keys of one set of the buyer's details as last seen: the details as `KeyCache`
/// writes them, its serial number and keys (a memo of `KeyCache`'s entry in the buyer's
/// own slot: one buyer's orders show the same details again).
#[derive(Clone, Debug, Default)]
struct Seen {
    details: Arc<[u8]>,
    serial: u64,
    found: Arc<Vec<String>>,
}

/// What the stage keeps per buyer besides its keys (Python's `_plans` and `_logs` entries
/// and the identity of its keys list), at the index of the buyer's `buyer_keys` entry.
#[derive(Clone, Debug, Default)]
struct Slot {
    /// The generation of the buyer's keys list (`gens` in the module doc).
    gen: u64,
    plan: Option<Plan>,
    log: Option<Box<Log>>,
    /// `KeyCache` serials (0: none) whose keys are all among the buyer's keys now: an
    /// event showing them adds nothing (`buyer_identity_keys` returns the list itself), so
    /// the comparison is skipped. The latest two: a buyer's orders and its payments.
    known: [u64; 2],
    /// The buyer's latest two sets of details (its orders', its payments'), newest first.
    seen: [Seen; 2],
}

fn valid_time(t: i64) -> bool {
    (0..1i64 << 32).contains(&t)
}

/// `_same_keys(old, keys)`: whether two key lists (without repeats) hold the same keys.
fn same_keys(old: &[String], keys: &[String]) -> bool {
    old.len() == keys.len() && keys.iter().all(|k| old.contains(k))
}

/// `linking_shared.Identities` with `linking._evaluate`.
pub struct Identities {
    pub rules: LinkingRules,
    /// Identity keys by `buyer_id` (kept in the buyers stage's table). A buyer is added on
    /// its first key and never removed: its index names it in `slots` and `Solo::owner`.
    pub buyer_keys: IndexMap<String, Vec<String>>,
    /// The folded identity states by key; `all_states` gives every key.
    pub states: IndexMap<String, IdentityState>,
    /// `LOG_TRIM` and `LOG_MAX` (the tests set them lower).
    pub log_trim: usize,
    pub log_max: usize,
    /// Per buyer, by its index in `buyer_keys`.
    slots: Vec<Slot>,
    next_gen: u64,
    /// (An `IndexMap` for its kept hashes: it grows without reading every key again;
    /// `swap_remove` is O(1), and `Solo::seq` keeps Python's order.)
    solo: IndexMap<String, Solo>,
    next_seq: u64,
    key_cache: KeyCache,
}

impl Identities {
    pub fn new(rules: LinkingRules) -> Identities {
        Identities {
            rules,
            buyer_keys: IndexMap::default(),
            states: IndexMap::default(),
            log_trim: LOG_TRIM,
            log_max: LOG_MAX,
            slots: Vec::new(),
            next_gen: 0,
            solo: IndexMap::default(),
            next_seq: 0,
            key_cache: KeyCache::default(),
        }
    }

    /// `identity_keys(event)` of an `order.created`/`order.paid` event of the buyer at
    /// `index` (if it has keys), cached by its details as `_keys_of` is (`KeyCache`,
    /// and the buyer's `Slot::seen`), with the cache entry's serial number.
    fn identity_keys(&mut self, event: &Event, index: Option<usize>) -> (u64, Arc<Vec<String>>) {
        let Some(i) = index else { return self.key_cache.identity_keys(event) };
        let details = self.key_cache.encode_details(event);
        let slot = &mut self.slots[i];
        if let Some(seen) = slot.seen.iter().find(|seen| *seen.details == *details) {
            return (seen.serial, seen.found.clone());
        }
        let (details, serial, found) = self.key_cache.lookup(event);
        let slot = &mut self.slots[i];
        slot.seen.swap(0, 1);
        slot.seen[0] = Seen { details, serial, found: found.clone() };
        (serial, found)
    }

    /// The keys of the buyer at `index` in `buyer_keys`.
    fn keys_at(&self, index: usize) -> &[String] {
        self.buyer_keys.get_index(index).map_or(&[], |(_, keys)| keys.as_slice())
    }

    /// `Identities.feed(event, windows)`: route one event of a buyer (`buyer_id`
    /// resolved) to its identities; the alerts.
    pub fn feed(&mut self, event: &Event, windows: Option<&BuyerState>) -> Vec<Alert> {
        let buyer = match event.buyer_id.as_deref() {
            Some(b) if !b.is_empty() => b,
            _ => return Vec::new(),
        };
        if !is_link_type(event.etype) {
            return Vec::new();
        }
        let mut index = self.buyer_keys.get_index_of(buyer);
        let mut plan = index.and_then(|i| self.slots[i].plan.clone());
        if is_identifying(event.etype) {
            let old_gen = index.map_or(0, |i| self.slots[i].gen);
            let (serial, found) = self.identity_keys(event, index);
            let known = serial != 0 && index.map_or(false, |i| self.slots[i].known.contains(&serial));
            let changed = if known { None } else { buyer_identity_keys(index.map_or(&[], |i| self.keys_at(i)), &found) };
            if let (None, Some(i), false) = (&changed, index, known) {
                let slot = &mut self.slots[i];
                slot.known = [serial, slot.known[0]];
            }
            if let Some(keys) = changed {
                let i = match index {
                    Some(i) => i,
                    None => {
                        let (i, _) = self.buyer_keys.insert_full(buyer.to_string(), Vec::new());
                        self.slots.push(Slot::default());
                        i
                    }
                };
                index = Some(i);
                let old = std::mem::replace(&mut self.buyer_keys[i], keys.clone());
                self.next_gen += 1;
                let gen = self.next_gen;
                self.slots[i].gen = gen;
                // every key found is kept (5 kinds at most, MAX_BUYER_KEYS 8); others may not be
                self.slots[i].known = [serial, 0];
                let record = windows.and_then(|w| record_for_new_keys(&old, &keys, w));
                let reordered = plan.as_ref().map_or(false, |p| p.gen == old_gen && p.folded().is_empty())
                    && same_keys(&old, &keys);
                if reordered {
                    // all still solo, reordered
                    let p = Plan { gen, any_solo: true, folded: None };
                    self.slots[i].plan = Some(p.clone());
                    plan = Some(p);
                } else {
                    self.rekey(i, &old, &keys);
                    plan = None;
                }
                if let Some(record) = record {
                    return self.feed_with_record(event, i, &old, &keys, Arc::new(record));
                }
            }
        }
        let col = column(event.etype);
        if col == CANCELLED && !event.by_buyer() {
            return Vec::new(); // counts nowhere: no state changes (new keys were set up by rekey)
        }
        let Some(i) = index else { return Vec::new() }; // no keys
        if self.keys_at(i).is_empty() {
            return Vec::new();
        }
        let gen = self.slots[i].gen;
        let plan = match plan {
            Some(p) if p.gen == gen => p,
            _ => self.plan(i),
        };
        self.fold(event, i, col, plan.any_solo, plan.folded())
    }

    /// `Identities._fold`: count the event for the buyer's keys (the buyer at `index`),
    /// logged for the solo ones, folded for the rest.
    fn fold(&mut self, event: &Event, index: usize, col: usize, any_solo: bool, folded: &[String]) -> Vec<Alert> {
        let t = event.t;
        if any_solo {
            let trim = self.log_trim;
            let log = self.slots[index].log.get_or_insert_with(|| Box::new(Log::new(trim)));
            log.entries.push((col, t, event.event_id.clone()));
            if log.entries.len() >= log.trim_at {
                self.trim(index);
            }
        }
        let mut alerts = Vec::new();
        if folded.is_empty() {
            return alerts;
        }
        let rules = &self.rules;
        let buyer = self.buyer_keys.get_index(index).map_or("", |(b, _)| b.as_str());
        for key in folded {
            // as step_identity does, for each key of the buyer in order
            let Some(state) = self.states.get_mut(key) else { continue };
            let (got, day, joined) = fold_at(state, col, t, &event.event_id, buyer, rules);
            if got != 0 && rules.enabled && (joined || got >= CANCELLED) {
                alerts.extend(evaluate(state, key, event, got, day, rules, false));
            }
        }
        alerts
    }

    /// `Identities._feed_with_record`: `feed` for an event that shows keys new to the
    /// buyer (at `index`), with its record.
    fn feed_with_record(&mut self, event: &Event, index: usize, old: &[String], keys: &[String], record: Arc<Record>) -> Vec<Alert> {
        let new: Vec<&String> = keys.iter().filter(|k| !old.contains(k)).collect();
        for key in &new {
            // set up by rekey as a solo key of the buyer, from this event on
            if let Some(owner) = self.solo.get_mut(key.as_str()) {
                if owner.owner == index {
                    owner.record = Some(record.clone());
                    owner.record_after = true; // folded in when it must be
                }
            }
        }
        let others: Vec<&String> =
            keys.iter().filter(|k| !new.contains(k) || !self.states.contains_key(*k)).collect();
        let folded: Vec<String> = others.iter().filter(|k| self.states.contains_key(**k)).map(|k| (*k).clone()).collect();
        let any_solo = folded.len() < others.len();
        let mut alerts = self.fold(event, index, column(event.etype), any_solo, &folded);
        for key in &new {
            // shared with others already: as step_identity does, record and all
            if let Some(state) = self.states.get_mut(key.as_str()) {
                alerts.extend(step(state, key, event, Some(&record), &self.rules));
            }
        }
        self.slots[index].plan = None;
        alerts
    }

    /// `Identities.all_states`: every identity's state by key (folds the solo keys).
    pub fn all_states(&mut self) -> &IndexMap<String, IdentityState> {
        let mut keys: Vec<(u64, String)> = self.solo.iter().map(|(k, s)| (s.seq, k.clone())).collect();
        keys.sort_unstable();
        for (_, key) in keys {
            self.fold_solo(&key);
        }
        &self.states
    }

    /// `Identities._rekey`: set up the keys the buyer (at `index`) gained, fold those it lost.
    fn rekey(&mut self, index: usize, old: &[String], keys: &[String]) {
        for key in old {
            if !keys.contains(key) && self.solo.contains_key(key) {
                self.fold_solo(key);
            }
        }
        for key in keys {
            if self.states.contains_key(key) {
                continue;
            }
            match self.solo.get(key) {
                None => {
                    // a new identity: solo from the buyer's next entry on
                    let trim = self.log_trim;
                    let log = self.slots[index].log.get_or_insert_with(|| Box::new(Log::new(trim)));
                    let start = log.base + log.entries.len() as i64;
                    log.latest = log.latest.max(start);
                    self.next_seq += 1;
                    let seq = self.next_seq;
                    self.solo.insert(key.clone(), Solo { seq, owner: index, start, record: None, record_after: true });
                }
                Some(owner) if owner.owner != index => self.fold_solo(key), // a second account shows it
                Some(_) => {}
            }
        }
        self.slots[index].plan = None;
    }

    /// `Identities._plan` for the buyer at `index`.
    fn plan(&mut self, index: usize) -> Plan {
        let keys = self.keys_at(index);
        let folded: Vec<String> = keys.iter().filter(|k| self.states.contains_key(*k)).cloned().collect();
        let any_solo = folded.len() < keys.len();
        let slot = &mut self.slots[index];
        let folded = if folded.is_empty() { None } else { Some(Arc::new(folded)) };
        let plan = Plan { gen: slot.gen, any_solo, folded };
        slot.plan = Some(plan.clone());
        plan
    }

    /// `Identities._fold_solo`: fold a solo key's entries into a state of its own: the
    /// entry the key came with, then the owner's record (if one came), then the later
    /// entries. When that first entry was trimmed away, the record goes first and the
    /// state is evicted to the watermark at the end.
    fn fold_solo(&mut self, key: &str) {
        let Some(solo) = self.solo.swap_remove(key) else { return };
        let index = solo.owner;
        let owner = self.buyer_keys.get_index(index).map_or("", |(b, _)| b.as_str());
        let mut state = IdentityState::new();
        let rules = &self.rules;
        if let Some(log) = self.slots[index].log.as_ref() {
            let from = (solo.start - log.base).max(0) as usize;
            let entries = log.entries.get(from.min(log.entries.len())..).unwrap_or(&[]);
            if let (Some(record), false) = (&solo.record, solo.record_after) {
                merge_record(&mut state, owner, record, rules);
            }
            for (n, (col, t, event_id)) in entries.iter().enumerate() {
                fold_at(&mut state, *col, *t, event_id, owner, rules);
                if n == 0 && solo.record_after {
                    if let Some(record) = &solo.record {
                        merge_record(&mut state, owner, record, rules);
                    }
                }
            }
        } else if let (Some(record), false) = (&solo.record, solo.record_after) {
            merge_record(&mut state, owner, record, rules); // (no log: cannot happen)
        }
        if solo.record.is_some() && !solo.record_after && state.w != 0 {
            evict(&mut state, rules);
        }
        self.states.insert(key.to_string(), state);
        let keys = self.keys_at(index);
        let solo_left = keys.iter().any(|k| self.solo.get(k).map_or(false, |s| s.owner == index));
        let slot = &mut self.slots[index];
        slot.plan = None;
        if !solo_left {
            slot.log = None; // no solo key of the owner left
        }
    }

    /// `Identities._trim`: drop the entries older than the retention before the log's
    /// watermark (that of the latest solo key, the lowest of them all).
    fn trim(&mut self, index: usize) {
        let Some(log) = self.slots[index].log.as_ref() else { return };
        let since = (log.latest - log.base).max(0) as usize;
        let latest_t = log.entries.get(since.min(log.entries.len())..).unwrap_or(&[])
            .iter().map(|e| e.1).filter(|&t| valid_time(t)).max();
        if let Some(latest_t) = latest_t {
            let first = latest_t / DAY - self.rules.retention_days + 1;
            if log.entries.iter().any(|e| !(valid_time(e.1) && e.1 / DAY >= first)) {
                self.drop_before(index, first);
            }
        }
        let len = self.slots[index].log.as_ref().map_or(0, |l| l.entries.len());
        if len > self.log_max {
            // a very busy account: fold its keys as they come
            let keys: Vec<String> = self.keys_at(index).iter().filter(|k| self.solo.contains_key(*k)).cloned().collect();
            for key in keys {
                self.fold_solo(&key);
            }
            return;
        }
        let trim = self.log_trim;
        if let Some(log) = self.slots[index].log.as_mut() {
            log.trim_at = trim.max(2 * len);
        }
    }

    /// `Identities._drop`: remove the entries of days before `first` (and out of range:
    /// folds ignore those), moving the solo keys' positions.
    fn drop_before(&mut self, index: usize, first: i64) {
        let Some(log) = self.slots[index].log.as_mut() else { return };
        let entries = std::mem::take(&mut log.entries);
        let len = entries.len();
        // new position of each old position: how many kept entries precede it
        let mut moved = vec![0usize; len + 1];
        let mut kept: Vec<Entry> = Vec::with_capacity(len);
        for (i, entry) in entries.into_iter().enumerate() {
            moved[i] = kept.len();
            if valid_time(entry.1) && entry.1 / DAY >= first {
                kept.push(entry);
            }
        }
        moved[len] = kept.len();
        let base = log.base;
        let keys = self.buyer_keys.get_index(index).map_or(&[][..], |(_, keys)| keys.as_slice());
        for key in keys {
            if let Some(owner) = self.solo.get_mut(key) {
                if owner.owner == index {
                    let at = ((owner.start - base).max(0) as usize).min(len);
                    // the entry the key came with dropped: its record now goes first
                    owner.record_after = owner.record_after && (at >= len || moved[at + 1] > moved[at]);
                    owner.start = moved[at] as i64;
                }
            }
        }
        log.latest = moved[((log.latest - base).max(0) as usize).min(len)] as i64;
        log.base = 0;
        log.entries = kept;
    }
}
