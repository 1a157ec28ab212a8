//! `streams/core/evidence.py`: the ids of a buyer's latest notable events, the `e` part of
//! the window state.
//!
//! `e` maps each seller to `[t, outcome column, event_id]` entries sorted by time (then
//! column, then id: Python compares the lists), the id as `eventids::pack` packs it. Only
//! notable outcomes are kept, the latest `EVIDENCE_CAP` per seller and outcome.

use crate::collections::IndexMap;

use crate::buyer_state::{BuyerState, Evidence};
use crate::eventids::{pack, unpack};

/// `evidence.EVIDENCE_CAP`: latest notable event ids kept per seller and outcome.
pub const EVIDENCE_CAP: usize = 8;

/// `evidence.keep_evidence`: record a notable event in place, keeping the latest
/// `EVIDENCE_CAP` per outcome.
pub fn keep_evidence(state: &mut BuyerState, seller: &str, t: i64, col: usize, event_id: &str) {
    let evidence = state.e.get_or_insert_with(IndexMap::default);
    let entry = Evidence { t, col: col as i64, id: pack(event_id) };
    let Some(entries) = evidence.get_mut(seller) else {
        evidence.insert(seller.to_string(), vec![entry]);
        return;
    };
    match entries.last() {
        // the usual case: the seller's newest notable event (also an empty list, which
        // Python would fail on and no state holds)
        None => entries.push(entry),
        Some(last) if *last <= entry => entries.push(entry),
        Some(_) => {
            // bisect.insort (insort_right): after the entries that compare equal
            let at = entries.partition_point(|x| *x <= entry);
            entries.insert(at, entry);
        }
    }
    if entries.len() > EVIDENCE_CAP {
        let col = col as i64;
        let mut same = entries.iter().enumerate().filter(|(_, kept)| kept.col == col).map(|(i, _)| i);
        if let Some(first) = same.next() {
            // more than EVIDENCE_CAP of this outcome: the oldest goes
            if same.count() + 1 > EVIDENCE_CAP {
                entries.remove(first);
            }
        }
    }
}

/// `evidence.evidence`: event ids of the kept notable events of one outcome with
/// `since <= t < until` (epoch s), sorted by event time (then id, as Python sorts the
/// `(t, id)` pairs), at one seller or all.
pub fn evidence(state: &BuyerState, outcome: usize, since: i64, until: i64, seller: Option<&str>) -> Vec<String> {
    let Some(kept) = state.e.as_ref() else {
        return Vec::new();
    };
    let outcome = outcome as i64;
    let mut found: Vec<(i64, String)> = Vec::new();
    let mut collect = |entries: &Vec<Evidence>| {
        for entry in entries {
            if entry.col == outcome && since <= entry.t && entry.t < until {
                found.push((entry.t, unpack(&entry.id)));
            }
        }
    };
    match seller {
        None => kept.values().for_each(&mut collect),
        Some(s) => {
            if let Some(entries) = kept.get(s) {
                collect(entries);
            }
        }
    }
    found.sort();
    found.into_iter().map(|(_, id)| id).collect()
}
