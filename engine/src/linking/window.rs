//! Port of `streams/core/linking_window.py`: a ring's window, which linked accounts count,
//! what they did together, how bad it is.

use crate::collections::IndexMap;

use super::rules::Levels;
use super::state::{BAD, CANCELLED, CHARGEBACK, CLOSED_UNPAID, CREATED, DISPUTED, PAID, ROW};
use crate::alert::{HIGH, MEDIUM};

/// `RingWindow`: what the ring did in the window `[first_day, first_day + horizon)`.
#[derive(Clone, Debug, PartialEq)]
pub struct RingWindow {
    pub first_day: i64,
    /// The ring's events per column in the window, index 0 unused.
    pub counts: [i64; ROW],
    pub bad: i64,
    /// Sorted.
    pub ring: Vec<String>,
}

impl RingWindow {
    /// `RingWindow.orders`: the ring's orders settled in the window.
    pub fn orders(&self) -> i64 {
        let c = &self.counts;
        (c[PAID] + c[CANCELLED] + c[CLOSED_UNPAID]).max(self.bad)
    }
}

/// `mostly_bad(rows, min_ratio)`: whether an account's kept record has a bad outcome and a
/// bad share of `min_ratio`. (Python compares an int with a float exactly; these small
/// ints convert to `f64` exactly.)
pub fn mostly_bad(rows: &[i64], min_ratio: f64) -> bool {
    let (mut bad, mut settled, mut created) = (0i64, 0i64, 0i64);
    for r in rows.chunks_exact(ROW) {
        created += r[CREATED];
        settled += r[PAID] + r[CANCELLED] + r[CLOSED_UNPAID];
        bad += r[CANCELLED] + r[CLOSED_UNPAID];
        bad += r[DISPUTED] + r[CHARGEBACK];
    }
    bad > 0 && (bad as f64) >= min_ratio * (created.max(settled).max(bad) as f64)
}

/// `ring_window(suspects, start, end)`: sum the rows with `start <= day < end` of the
/// accounts with a bad one there.
pub fn ring_window(suspects: &IndexMap<&str, &Vec<i64>>, start: i64, end: i64) -> RingWindow {
    let mut counts = [0i64; ROW];
    let mut ring: Vec<String> = Vec::new();
    for (buyer, rows) in suspects {
        let mut mine = [0i64; ROW];
        for r in rows.chunks_exact(ROW) {
            if start <= r[0] && r[0] < end {
                for col in 1..ROW {
                    mine[col] += r[col];
                }
            }
        }
        if BAD.clone().any(|c| mine[c] != 0) {
            ring.push(buyer.to_string());
            for col in 1..ROW {
                counts[col] += mine[col];
            }
        }
    }
    let bad = BAD.clone().map(|c| counts[c]).sum();
    ring.sort();
    RingWindow { first_day: start, counts, bad, ring }
}

/// `grade(levels, window)`: `(severity rank, threshold reached)`; rank 0 below the bar.
/// The threshold is `levels.high`/`levels.medium` (Python ints); with rank 0 Python gives
/// `0.0`, which no caller reads.
pub fn grade(levels: &Levels, window: &RingWindow) -> (usize, i64) {
    if window.ring.len() < levels.min_accounts {
        return (0, 0);
    }
    if (window.bad as f64) < levels.min_ratio * (window.orders() as f64) {
        return (0, 0);
    }
    if window.bad >= levels.high {
        return (HIGH, levels.high);
    }
    if window.bad >= levels.medium {
        return (MEDIUM, levels.medium);
    }
    (0, 0)
}
