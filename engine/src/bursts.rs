//! `streams/core/bursts.py`: burst rules over the windows: find the windows an event pushes
//! over a limit, fire once per (episode, level).
//!
//! The fired episodes live in the state's `f` (daily rules) and `g` (long rules) parts:
//! `short key -> sorted [(episode, rank)]` (see `buyer_state::BuyerState`).

use std::collections::{BTreeMap, BTreeSet};

use crate::collections::IndexMap;

use crate::alert::Num;
pub use crate::alert::{HIGH, MEDIUM};
use crate::buyer_state::BuyerState;
use crate::layout::WIDTH;
pub use crate::layout::Window;

/// `bursts.Levels`: grades a window: medium from `medium` events, high from `high`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Levels {
    pub medium: i64,
    pub high: i64,
    /// distinct sellers the window must involve (0 for one shop)
    pub min_shops: i64,
    /// share of the base outcome the count must reach (0 for no ratio)
    pub min_ratio: f64,
}

impl Levels {
    /// `Levels.__call__`: `(severity rank, threshold reached)`; rank 0 when the window is
    /// below both. The threshold is an int when reached, the float `0.0` otherwise, as in
    /// the Python.
    pub fn grade(&self, window: &Window) -> (usize, Num) {
        if window.shops < self.min_shops {
            return (0, Num::Float(0.0));
        }
        // `if self.min_ratio and ...`: a zero ratio is no ratio
        if self.min_ratio != 0.0 && ratio(window) < self.min_ratio {
            return (0, Num::Float(0.0));
        }
        if window.count >= self.high {
            return (HIGH, Num::Int(self.high));
        }
        if window.count >= self.medium {
            return (MEDIUM, Num::Int(self.medium));
        }
        (0, Num::Float(0.0))
    }

    /// `Levels.limit`: the count a window must reach for severity `rank` (medium or high),
    /// as a float (`float(...)` in the Python: alerts carry it as a float).
    pub fn limit(&self, rank: usize) -> f64 {
        (if rank == HIGH { self.high } else { self.medium }) as f64
    }
}

/// `bursts.windows_holding`: the candidate windows that contain `day`, one per starting
/// day, oldest first.
///
/// `base_col` 0 is no base; `seller` `None` counts all sellers together; windows never
/// start before `first`.
pub fn windows_holding(
    state: &BuyerState,
    col: usize,
    base_col: usize,
    seller: Option<&str>,
    day: i64,
    horizon: i64,
    first: i64,
) -> Vec<Window> {
    const EMPTY: &[i64] = &[];
    let groups: Vec<&[i64]> = match seller {
        None => state.s.values().map(|r| r.as_slice()).collect(),
        Some(s) => vec![state.s.get(s).map_or(EMPTY, |r| r.as_slice())],
    };
    let lo = (day - horizon + 1).max(first);
    let mut starts = BTreeSet::new();
    // (day, count, base, shop) of kept buckets
    let mut days: Vec<(i64, i64, i64, usize)> = Vec::new();
    for (shop, rows) in groups.iter().enumerate() {
        // (a partial row at the end would raise IndexError in the Python; it cannot occur)
        for row in rows.chunks_exact(WIDTH) {
            let (d, n) = (row[0], row[col]);
            days.push((d, n, if base_col != 0 { row[base_col] } else { 0 }, shop));
            if n != 0 && lo <= d && d <= day {
                starts.insert(d);
            }
        }
    }
    let mut found = Vec::with_capacity(starts.len());
    for start in starts {
        let end = start + horizon;
        let (mut count, mut base) = (0, 0);
        let mut shops = BTreeSet::new();
        for &(d, n, b, shop) in &days {
            if start <= d && d < end {
                count += n;
                base += b;
                if n != 0 {
                    shops.insert(shop);
                }
            }
        }
        found.push(Window { first_day: start, count, base, shops: shops.len() as i64 });
    }
    found
}

/// `bursts.LADDER`: the severities a window rule can reach, lowest first.
pub const LADDER: [usize; 2] = [MEDIUM, HIGH];

/// `bursts.episode_of`: the first day of the calendar block of `horizon` days that
/// `first_day` falls in (Python's `%` floors: `rem_euclid` for a positive horizon).
pub fn episode_of(first_day: i64, horizon: i64) -> i64 {
    if horizon == 0 {
        return first_day; // (Python raises ZeroDivisionError; rules check horizon >= 1)
    }
    first_day - first_day.rem_euclid(horizon)
}

/// The state's fired-episode part: `g` for the long rules, else `f`.
fn part(state: &BuyerState, long: bool) -> &Option<IndexMap<String, Vec<(i64, i64)>>> {
    if long { &state.g } else { &state.f }
}

fn part_mut(state: &mut BuyerState, long: bool) -> &mut Option<IndexMap<String, Vec<(i64, i64)>>> {
    if long { &mut state.g } else { &mut state.f }
}

/// `bursts.fire_levels`: record that `episode` reached `rank`; the severities to fire for
/// it, lowest first (empty when it already fired at `rank` or higher). `long` is the
/// Python's `part="g"`, else `"f"`.
pub fn fire_levels(
    state: &mut BuyerState,
    key: &str,
    episode: i64,
    rank: usize,
    long: bool,
    ladder: &[usize],
) -> Vec<usize> {
    let fired = part_mut(state, long).get_or_insert_with(IndexMap::default);
    let short = fired_key(key);
    if !fired.contains_key(short.as_str()) {
        // a state written before the short keys has the rule's full id: move its episodes
        // (popped first, then inserted last, as `fired[short] = fired.pop(key, [])` does)
        let moved = if short != key { fired.shift_remove(key).unwrap_or_default() } else { Vec::new() };
        fired.insert(short.clone(), moved);
    }
    let entries = fired.entry(short).or_default();
    raise_level(entries, episode, rank as i64, ladder)
}

/// `bursts.FIRED_CODES`: the short code of a rule id in fired-episode keys. Codes are
/// never changed or reused; a rule without one keeps its id.
pub fn fired_code(rule: &str) -> Option<&'static str> {
    Some(match rule {
        "nonpayment_burst" => "nb",
        "cancel_churn" => "cc",
        "order_flood" => "of",
        "unpaid_stock_held" => "us",
        "dispute_abuse" => "da",
        "chargeback_abuse" => "ca",
        "chargeback_deadline" => "cd",
        "off_platform_payment" => "op",
        _ => return None,
    })
}

/// `bursts.fired_key`: the state's key for a `rule_id|scope` fired-episode key.
pub fn fired_key(key: &str) -> String {
    // key.partition("|"): without a bar the key stays as it is
    match key.split_once('|') {
        Some((rule, scope)) => match fired_code(rule) {
            Some(code) => format!("{code}|{scope}"),
            None => key.to_string(),
        },
        None => key.to_string(),
    }
}

/// `bursts.raise_level` for entries `[first, rank]` (no `rest`): raise, in place, the entry
/// of `first` to `rank`, or add it; keep the entries sorted. Returns every rank of
/// `ladder` above the entry's previous rank (0 when new) up to `rank`, or `[rank]` when
/// the ladder has none of them; empty when the entry already had `rank` or higher.
pub fn raise_level(entries: &mut Vec<(i64, i64)>, first: i64, rank: i64, ladder: &[usize]) -> Vec<usize> {
    let before = match entries.iter_mut().find(|e| e.0 == first) {
        Some(entry) => {
            let before = entry.1;
            if before >= rank {
                return Vec::new();
            }
            entry.1 = rank;
            before
        }
        None => {
            entries.push((first, rank));
            0
        }
    };
    entries.sort();
    let levels: Vec<usize> =
        ladder.iter().copied().filter(|&r| before < r as i64 && r as i64 <= rank).collect();
    if levels.is_empty() { vec![rank.max(0) as usize] } else { levels }
}

/// `bursts.fired_at`: the severity rank `episode` fired at for `key`, 0 when it has not.
pub fn fired_at(state: &BuyerState, key: &str, episode: i64, long: bool) -> usize {
    let fired = match part(state, long) {
        Some(f) if !f.is_empty() => f,
        _ => return 0,
    };
    // `fired.get(short) or fired.get(key) or []`: an empty list falls through too (the
    // full id: older states)
    let short = fired_key(key);
    let entries = match fired.get(short.as_str()) {
        Some(e) if !e.is_empty() => e.as_slice(),
        _ => fired.get(key).map_or(&[][..], |e| e.as_slice()),
    };
    for &(first, rank) in entries {
        if first == episode {
            return rank.max(0) as usize;
        }
    }
    0
}

/// One item of `bursts.pick`: `(window, rank, threshold, episode)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Picked {
    pub window: Window,
    pub rank: usize,
    pub threshold: f64,
    pub episode: i64,
}

/// `bursts.pick`: what to alert on after grading and fire-once. Each episode the
/// candidates reach a new severity in gives one item per newly reached level, lowest
/// first; the window shown is the episode's worst, the earliest on a tie.
pub fn pick(
    state: &mut BuyerState,
    key: &str,
    candidates: &[Window],
    levels: &Levels,
    horizon: i64,
    long: bool,
) -> Vec<Picked> {
    let mut best: BTreeMap<i64, (usize, Window)> = BTreeMap::new(); // episode -> (rank, window)
    for window in candidates {
        let rank = levels.grade(window).0;
        if rank != 0 {
            let episode = episode_of(window.first_day, horizon);
            match best.get(&episode) {
                Some(known) if rank <= known.0 => {}
                _ => {
                    best.insert(episode, (rank, *window));
                }
            }
        }
    }
    let mut chosen = Vec::new();
    for (episode, (rank, window)) in best {
        for level in fire_levels(state, key, episode, rank, long, &LADDER) {
            chosen.push(Picked { window, rank: level, threshold: levels.limit(level), episode });
        }
    }
    chosen
}

/// `bursts.ratio`: counted over base events in the window, capped at 1 (an order may
/// predate the window).
pub fn ratio(window: &Window) -> f64 {
    window.count as f64 / window.base.max(window.count).max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_levels() {
        assert_eq!(fired_key("nonpayment_burst|s-2"), "nb|s-2");
        assert_eq!(fired_key("nonpayment_burst"), "nonpayment_burst");
        assert_eq!(fired_key("linked_accounts|x"), "linked_accounts|x");
        let mut entries = vec![(10, 2)];
        assert_eq!(raise_level(&mut entries, 10, 3, &LADDER), vec![3]);
        assert_eq!(raise_level(&mut entries, 10, 3, &LADDER), Vec::<usize>::new());
        assert_eq!(raise_level(&mut entries, 3, 3, &LADDER), vec![2, 3]);
        assert_eq!(entries, vec![(3, 3), (10, 3)]);
        assert_eq!(episode_of(-3, 7), -7);
    }
}
