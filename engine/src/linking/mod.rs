//! Port of `streams/core/linking.py`: linked accounts, the identities stage as a pure
//! step, and its ring alerts. Submodules port `linking_*.py` one to one.

pub mod alerts;
pub mod keys;
pub mod normalize;
pub mod rules;
pub mod shared;
pub mod state;
pub mod window;

use std::collections::{BTreeMap, BTreeSet};

use crate::collections::IndexMap;
use pyo3::prelude::*;

use crate::alert::Alert;
use crate::buyer_state::BuyerState;
use crate::event::Event;
use crate::fields::DAY;
use alerts::{fire_levels, ring_alert, Ring};
pub use rules::LinkingRules;
use shared::Identities;
use state::{bad_total, column, cutoff, dropped_accounts, fold_at, merge_record, IdentityState, Record, CANCELLED, ROW};
use window::{grade, mostly_bad, ring_window, RingWindow};

/// `bursts.episode_of(first_day, horizon)`: the first day of the calendar block of
/// `horizon` days that `first_day` falls in (Python's `%` floors).
fn episode_of(first_day: i64, horizon: i64) -> i64 {
    first_day - first_day.rem_euclid(horizon.max(1))
}

/// `linking_state.fold(state, event, rules)`: count one event (a link message or a
/// canonical event with `buyer_id` set) in place; `(column, day, joined)`.
pub fn fold(state: &mut IdentityState, event: &Event, rules: &LinkingRules) -> (usize, i64, bool) {
    let mut col = column(event.etype);
    if col == CANCELLED && !event.by_buyer() {
        col = 0;
    }
    let buyer = event.buyer();
    if col == 0 || buyer.is_empty() {
        return (0, 0, false);
    }
    fold_at(state, col, event.t, &event.event_id, buyer, rules)
}

/// `linking_shared.step` with `linking._evaluate`, i.e. `linking.step_identity`: fold one
/// event of a linked account into an identity's state (in place); the alerts.
/// `record`: the message's `record` when it is a dict (`Record::from_value`), else `None`.
pub fn step(state: &mut IdentityState, key: &str, event: &Event, record: Option<&Record>, rules: &LinkingRules) -> Vec<Alert> {
    let (col, day, joined) = fold(state, event, rules);
    let merged = match record {
        Some(r) => merge_record(state, event.buyer(), r, rules),
        None => false,
    };
    if merged && rules.enabled {
        // the account's earlier events, on any kept day: every window is a candidate
        return evaluate(state, key, event, col, day, rules, true);
    }
    // Only a bad outcome or a new account can raise an alert
    if col == 0 || !rules.enabled || !(joined || col >= CANCELLED) {
        return Vec::new();
    }
    evaluate(state, key, event, col, day, rules, false)
}

/// `linking.step_identity(state, key, event, rules)`: `None` state is a new identity.
pub fn step_identity(state: Option<IdentityState>, key: &str, event: &Event, record: Option<&Record>, rules: &LinkingRules) -> (IdentityState, Vec<Alert>) {
    let mut state = state.unwrap_or_else(IdentityState::new);
    let alerts = step(&mut state, key, event, record, rules);
    (state, alerts)
}

/// `linking._evaluate(state, key, event, col, day, rules, every_window)`: the alerts for
/// the windows the event can have changed, after fire-once.
pub fn evaluate(state: &mut IdentityState, key: &str, event: &Event, col: usize, day: i64, rules: &LinkingRules, every_window: bool) -> Vec<Alert> {
    let kind = key.split(':').next().unwrap_or("");
    let levels = rules.levels(kind);
    if col < CANCELLED && !levels.list_all && !every_window {
        return Vec::new(); // an address alert lists only the ring: a newcomer without a bad outcome
    }
    if state.b.values().map(|rows| bad_total(rows)).sum::<i64>() < levels.medium {
        return Vec::new(); // the common case: too few bad outcomes in the whole state
    }
    let horizon = rules.horizon_days;
    let first = cutoff(state, rules);
    let (lo, hi) = if col >= CANCELLED && !every_window {
        ((day - horizon + 1).max(first), day)
    } else {
        (first, state.w.div_euclid(DAY))
    };
    let mut best: BTreeMap<i64, (usize, i64, RingWindow)> = BTreeMap::new(); // episode -> its worst window
    {
        let suspects: IndexMap<&str, &Vec<i64>> = state
            .b
            .iter()
            .filter(|(_, rows)| mostly_bad(rows, levels.min_ratio))
            .map(|(b, rows)| (b.as_str(), rows))
            .collect();
        if suspects.len() < levels.min_accounts {
            return Vec::new();
        }
        let mut starts = BTreeSet::new();
        for rows in suspects.values() {
            for r in rows.chunks_exact(ROW) {
                if lo <= r[0] && r[0] <= hi && state::BAD.clone().any(|c| r[c] != 0) {
                    starts.insert(r[0]);
                }
            }
        }
        for start in starts {
            let window = ring_window(&suspects, start, start + horizon);
            let (rank, threshold) = grade(&levels, &window);
            let episode = episode_of(start, horizon);
            if rank != 0 && best.get(&episode).map_or(true, |b| rank > b.0) {
                best.insert(episode, (rank, threshold, window));
            }
        }
    }
    let mut alerts = Vec::new();
    for (episode, (rank, threshold, window)) in best {
        let listed: Vec<String> = if levels.list_all {
            let mut all: Vec<String> = state.b.keys().cloned().collect();
            all.sort();
            all
        } else {
            window.ring.clone()
        };
        let accounts = listed.len() as i64 + if levels.list_all { dropped_accounts(state) } else { 0 };
        for account in &listed {
            for level in fire_levels(state, episode, account, rank) {
                let limit = if level == rank { threshold } else { levels.medium };
                alerts.push(ring_alert(state, key, event, rules, Ring {
                    window: &window,
                    rank: level,
                    threshold: limit,
                    listed: &listed,
                    accounts,
                    episode,
                    account,
                }));
            }
        }
    }
    alerts
}

/// `linking.LinkedAccounts`: the identities stage in one process (replay, tests), both
/// tables in memory. Folds only the identities two accounts share, the others when read
/// (`linking_shared.Identities`): the same states and alerts as `step_identity` per key.
pub struct LinkedAccounts {
    pub rules: LinkingRules,
    pub stage: Identities,
}

impl LinkedAccounts {
    /// `LinkedAccounts(rules)` from the Python `LinkingRules` object.
    pub fn from_py(rules: &Bound<'_, PyAny>) -> PyResult<LinkedAccounts> {
        Ok(LinkedAccounts::new(LinkingRules::from_py(rules)?))
    }

    pub fn new(rules: LinkingRules) -> LinkedAccounts {
        LinkedAccounts { stage: Identities::new(rules.clone()), rules }
    }

    /// `LinkedAccounts.feed(event, windows)`: route one event of a buyer (`buyer_id`
    /// resolved) to its identities; the alerts. `windows`: the buyer's window state with
    /// the event counted.
    pub fn feed(&mut self, event: &Event, windows: Option<&BuyerState>) -> Vec<Alert> {
        self.stage.feed(event, windows)
    }

    /// `LinkedAccounts.identities`: every identity's state by key (folds the solo keys).
    pub fn identities(&mut self) -> &IndexMap<String, IdentityState> {
        self.stage.all_states()
    }

    /// `LinkedAccounts.buyer_keys`: identity keys by `buyer_id`.
    pub fn buyer_keys(&self) -> &IndexMap<String, Vec<String>> {
        &self.stage.buyer_keys
    }
}

/// The stage is `Send`: the replay may run it with the GIL released.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<LinkedAccounts>();
};
