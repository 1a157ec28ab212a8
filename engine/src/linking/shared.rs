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
//! here every list stored in `buyer_keys` gets a new generation number (`gens`), 0 being
//! the shared empty list of a buyer without keys, and a plan remembers the generation.

use crate::collections::HashMap;
use std::sync::Arc;

use crate::collections::IndexMap;

use super::keys::{buyer_identity_keys, details_of, is_identifying, is_link_type, keys_of, Details};
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
/// Details whose keys are cached (`_keys_of`'s `lru_cache`; the cache changes no result).
const KEY_CACHE: usize = 1 << 16;

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
/// whether that record comes after the entry at start, else before the first).
#[derive(Clone, Debug)]
struct Solo {
    owner: String,
    start: i64,
    record: Option<Arc<Record>>,
    record_after: bool,
}

/// A plan: (the generation of the buyer's keys list, whether any is solo, the folded keys).
#[derive(Clone, Debug)]
struct Plan {
    gen: u64,
    any_solo: bool,
    folded: Arc<Vec<String>>,
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
    /// Identity keys by `buyer_id` (kept in the buyers stage's table).
    pub buyer_keys: IndexMap<String, Vec<String>>,
    /// The folded identity states by key; `all_states` gives every key.
    pub states: IndexMap<String, IdentityState>,
    /// `LOG_TRIM` and `LOG_MAX` (the tests set them lower).
    pub log_trim: usize,
    pub log_max: usize,
    gens: HashMap<String, u64>,
    next_gen: u64,
    solo: IndexMap<String, Solo>,
    logs: HashMap<String, Log>,
    plans: HashMap<String, Plan>,
    key_cache: HashMap<Details, Arc<Vec<String>>>,
}

impl Identities {
    pub fn new(rules: LinkingRules) -> Identities {
        Identities {
            rules,
            buyer_keys: IndexMap::default(),
            states: IndexMap::default(),
            log_trim: LOG_TRIM,
            log_max: LOG_MAX,
            gens: HashMap::default(),
            next_gen: 0,
            solo: IndexMap::default(),
            logs: HashMap::default(),
            plans: HashMap::default(),
            key_cache: HashMap::default(),
        }
    }

    /// The generation of the buyer's current keys list (0: none yet, `_NO_KEYS`).
    fn gen_of(&self, buyer: &str) -> u64 {
        self.gens.get(buyer).copied().unwrap_or(0)
    }

    /// `identity_keys(event)`, cached by its details as `_keys_of` is.
    fn identity_keys(&mut self, event: &Event) -> Arc<Vec<String>> {
        let Some(details) = details_of(event) else { return Arc::new(Vec::new()) };
        if let Some(found) = self.key_cache.get(&details) {
            return found.clone();
        }
        let found = Arc::new(keys_of(&details));
        if self.key_cache.len() >= KEY_CACHE {
            self.key_cache.clear();
        }
        self.key_cache.insert(details, found.clone());
        found
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
        let mut plan = self.plans.get(buyer).cloned();
        if is_identifying(event.etype) {
            let old_gen = self.gen_of(buyer);
            let found = self.identity_keys(event);
            let changed = buyer_identity_keys(self.buyer_keys.get(buyer).map(Vec::as_slice).unwrap_or(&[]), &found);
            if let Some(keys) = changed {
                let old: Vec<String> = self.buyer_keys.get(buyer).cloned().unwrap_or_default();
                self.next_gen += 1;
                let gen = self.next_gen;
                self.buyer_keys.insert(buyer.to_string(), keys.clone());
                self.gens.insert(buyer.to_string(), gen);
                let record = windows.and_then(|w| record_for_new_keys(&old, &keys, w));
                let reordered = plan.as_ref().map_or(false, |p| p.gen == old_gen && p.folded.is_empty())
                    && same_keys(&old, &keys);
                if reordered {
                    // all still solo, reordered
                    let p = Plan { gen, any_solo: true, folded: Arc::new(Vec::new()) };
                    self.plans.insert(buyer.to_string(), p.clone());
                    plan = Some(p);
                } else {
                    self.rekey(buyer, &old, &keys);
                    plan = None;
                }
                if let Some(record) = record {
                    return self.feed_with_record(event, buyer, &old, &keys, Arc::new(record));
                }
            }
        }
        let col = column(event.etype);
        if col == CANCELLED && !event.by_buyer() {
            return Vec::new(); // counts nowhere: no state changes (new keys were set up by rekey)
        }
        if self.buyer_keys.get(buyer).map_or(true, |k| k.is_empty()) {
            return Vec::new();
        }
        let gen = self.gen_of(buyer);
        let plan = match plan {
            Some(p) if p.gen == gen => p,
            _ => self.plan(buyer),
        };
        self.fold(event, buyer, col, plan.any_solo, &plan.folded)
    }

    /// `Identities._fold`: count the event for the buyer's keys, logged for the solo ones,
    /// folded for the rest.
    fn fold(&mut self, event: &Event, buyer: &str, col: usize, any_solo: bool, folded: &[String]) -> Vec<Alert> {
        let t = event.t;
        if any_solo {
            let trim = self.log_trim;
            let log = self.logs.entry(buyer.to_string()).or_insert_with(|| Log::new(trim));
            log.entries.push((col, t, event.event_id.clone()));
            if log.entries.len() >= log.trim_at {
                self.trim(buyer);
            }
        }
        let mut alerts = Vec::new();
        let rules = &self.rules;
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
    /// buyer, with its record.
    fn feed_with_record(&mut self, event: &Event, buyer: &str, old: &[String], keys: &[String], record: Arc<Record>) -> Vec<Alert> {
        let new: Vec<String> = keys.iter().filter(|k| !old.contains(k)).cloned().collect();
        for key in &new {
            // set up by rekey as a solo key of the buyer, from this event on
            if let Some(owner) = self.solo.get_mut(key) {
                if owner.owner == buyer {
                    owner.record = Some(record.clone());
                    owner.record_after = true; // folded in when it must be
                }
            }
        }
        let others: Vec<String> =
            keys.iter().filter(|k| !new.contains(k) || !self.states.contains_key(*k)).cloned().collect();
        let folded: Vec<String> = others.iter().filter(|k| self.states.contains_key(*k)).cloned().collect();
        let any_solo = folded.len() < others.len();
        let mut alerts = self.fold(event, buyer, column(event.etype), any_solo, &folded);
        for key in &new {
            // shared with others already: as step_identity does, record and all
            if let Some(state) = self.states.get_mut(key) {
                alerts.extend(step(state, key, event, Some(&record), &self.rules));
            }
        }
        self.plans.remove(buyer);
        alerts
    }

    /// `Identities.all_states`: every identity's state by key (folds the solo keys).
    pub fn all_states(&mut self) -> &IndexMap<String, IdentityState> {
        let keys: Vec<String> = self.solo.keys().cloned().collect();
        for key in keys {
            self.fold_solo(&key);
        }
        &self.states
    }

    /// `Identities._rekey`: set up the keys the buyer gained, fold those it lost.
    fn rekey(&mut self, buyer: &str, old: &[String], keys: &[String]) {
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
                    let log = self.logs.entry(buyer.to_string()).or_insert_with(|| Log::new(trim));
                    let start = log.base + log.entries.len() as i64;
                    log.latest = log.latest.max(start);
                    self.solo.insert(key.clone(), Solo { owner: buyer.to_string(), start, record: None, record_after: true });
                }
                Some(owner) if owner.owner != buyer => self.fold_solo(key), // a second account shows it
                Some(_) => {}
            }
        }
        self.plans.remove(buyer);
    }

    /// `Identities._plan`.
    fn plan(&mut self, buyer: &str) -> Plan {
        let keys = self.buyer_keys.get(buyer).map(Vec::as_slice).unwrap_or(&[]);
        let folded: Vec<String> = keys.iter().filter(|k| self.states.contains_key(*k)).cloned().collect();
        let plan = Plan { gen: self.gen_of(buyer), any_solo: folded.len() < keys.len(), folded: Arc::new(folded) };
        self.plans.insert(buyer.to_string(), plan.clone());
        plan
    }

    /// `Identities._fold_solo`: fold a solo key's entries into a state of its own: the
    /// entry the key came with, then the owner's record (if one came), then the later
    /// entries. When that first entry was trimmed away, the record goes first and the
    /// state is evicted to the watermark at the end.
    fn fold_solo(&mut self, key: &str) {
        let Some(solo) = self.solo.shift_remove(key) else { return };
        let owner = solo.owner.as_str();
        let mut state = IdentityState::new();
        let rules = &self.rules;
        if let Some(log) = self.logs.get(owner) {
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
        self.plans.remove(owner);
        let keys = self.buyer_keys.get(owner).map(Vec::as_slice).unwrap_or(&[]);
        if !keys.iter().any(|k| self.solo.get(k).map_or(false, |s| s.owner == owner)) {
            self.logs.remove(owner); // no solo key of the owner left
        }
    }

    /// `Identities._trim`: drop the entries older than the retention before the log's
    /// watermark (that of the latest solo key, the lowest of them all).
    fn trim(&mut self, buyer: &str) {
        let Some(log) = self.logs.get(buyer) else { return };
        let since = (log.latest - log.base).max(0) as usize;
        let latest_t = log.entries.get(since.min(log.entries.len())..).unwrap_or(&[])
            .iter().map(|e| e.1).filter(|&t| valid_time(t)).max();
        if let Some(latest_t) = latest_t {
            let first = latest_t / DAY - self.rules.retention_days + 1;
            if log.entries.iter().any(|e| !(valid_time(e.1) && e.1 / DAY >= first)) {
                self.drop_before(buyer, first);
            }
        }
        let len = self.logs.get(buyer).map_or(0, |l| l.entries.len());
        if len > self.log_max {
            // a very busy account: fold its keys as they come
            let keys: Vec<String> = self.buyer_keys.get(buyer).map(Vec::as_slice).unwrap_or(&[])
                .iter().filter(|k| self.solo.contains_key(*k)).cloned().collect();
            for key in keys {
                self.fold_solo(&key);
            }
            return;
        }
        let trim = self.log_trim;
        if let Some(log) = self.logs.get_mut(buyer) {
            log.trim_at = trim.max(2 * len);
        }
    }

    /// `Identities._drop`: remove the entries of days before `first` (and out of range:
    /// folds ignore those), moving the solo keys' positions.
    fn drop_before(&mut self, buyer: &str, first: i64) {
        let Some(log) = self.logs.get_mut(buyer) else { return };
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
        for key in self.buyer_keys.get(buyer).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(owner) = self.solo.get_mut(key) {
                if owner.owner == buyer {
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
