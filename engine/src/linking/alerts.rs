//! Port of `streams/core/linking_alerts.py`: the `linked_accounts` alert, its fire-once
//! bookkeeping, the id's subject and the sentence.

use super::keys::kind_noun;
use super::rules::{Levels, LinkingRules};
use super::state::{Fired, IdentityState, CANCELLED, CHARGEBACK, CLOSED_UNPAID, DISPUTED, PAID, ROW};
use super::window::RingWindow;
use crate::alert::{plural, recommend, window_alert, Alert, Num, WindowArgs, HIGH, MEDIUM};
use crate::event::Event;
use crate::eventids::unpack;
use crate::fields::DAY;

/// `bursts.LADDER`: the severities a window rule can reach, lowest first.
const LADDER: [usize; 2] = [MEDIUM, HIGH];

/// `bursts.raise_level(entries, [episode, account], rank)` for `f` entries
/// `[episode, rank, account]`: raise the entry in place (or add it), keep the list sorted
/// as Python sorts the lists; the ladder's ranks above the previous one up to `rank`.
pub fn raise_level(entries: &mut Vec<Fired>, episode: i64, account: &str, rank: usize) -> Vec<usize> {
    let before = match entries.iter_mut().find(|x| x.episode == episode && x.account == account) {
        Some(entry) => {
            let before = entry.rank;
            if before >= rank as i64 {
                return Vec::new();
            }
            entry.rank = rank as i64;
            before
        }
        None => {
            entries.push(Fired { episode, rank: rank as i64, account: account.to_string() });
            0
        }
    };
    entries.sort();
    let levels: Vec<usize> = LADDER.iter().copied().filter(|&r| before < r as i64 && r <= rank).collect();
    if levels.is_empty() { vec![rank] } else { levels }
}

/// `fire_levels(state, episode, account, rank)`: record that `account` is in a ring of
/// `episode` at `rank`; the levels to fire.
pub fn fire_levels(state: &mut IdentityState, episode: i64, account: &str, rank: usize) -> Vec<usize> {
    raise_level(state.f.get_or_insert_with(Vec::new), episode, account, rank)
}

/// The arguments of `ring_alert` after `state`, `key`, `event` and `rules`.
pub struct Ring<'a> {
    pub window: &'a RingWindow,
    pub rank: usize,
    pub threshold: i64,
    pub listed: &'a [String],
    pub accounts: i64,
    pub episode: i64,
    pub account: &'a str,
}

/// `ring_alert(...)`: the `linked_accounts` alert about `account`, listed first.
pub fn ring_alert(state: &IdentityState, key: &str, event: &Event, rules: &LinkingRules, r: Ring<'_>) -> Alert {
    let kind = key.split(':').next().unwrap_or("");
    let window = r.window;
    let start = window.first_day * DAY;
    let end = start + rules.horizon_days * DAY;
    let evidence = state
        .e
        .iter()
        .flatten()
        .filter(|e| start <= e.t && e.t < end && window.ring.iter().any(|b| *b == e.buyer))
        .map(|e| unpack(&e.id))
        .collect();
    let levels = rules.levels(kind);
    let mut buyer_ids = vec![r.account.to_string()];
    buyer_ids.extend(r.listed.iter().filter(|b| b.as_str() != r.account).cloned());
    window_alert(WindowArgs {
        rule_id: &rules.id,
        rule_version: rules.version,
        subject: &format!("{key}|{}", r.account),
        severity_rank: r.rank,
        buyer_ids,
        event,
        first_day: window.first_day,
        horizon_days: rules.horizon_days,
        episode: r.episode,
        observed: Num::Int(window.bad),
        threshold: Num::Int(r.threshold),
        evidence_event_ids: evidence,
        explanation: explain(kind, window, r.accounts, rules.horizon_days, r.threshold, &levels),
        recommended_actions: actions(&window.counts),
    })
}

/// `_actions(counts)`: the playbook's actions for what the ring did.
fn actions(counts: &[i64; ROW]) -> Vec<String> {
    let mut actions = recommend("repeat_nonpayment", HIGH, true);
    if counts[CLOSED_UNPAID] == 0 && counts[CANCELLED] == 0 {
        // only for orders left unpaid or cancelled (`_UNPAID_ONLY`)
        actions.retain(|a| a != "shorten_auto_cancel" && a != "let_platform_auto_close");
    }
    if counts[DISPUTED] != 0 || counts[CHARGEBACK] != 0 {
        for a in ["collect_evidence", "contact_platform_support"] {
            // PLAYBOOK["suspicious_paid_order"]
            if !actions.iter().any(|x| x == a) {
                actions.push(a.to_string());
            }
        }
    }
    actions
}

/// `_explain(...)`: one sentence, who shares what, what they did together, against which
/// limit.
fn explain(kind: &str, window: &RingWindow, accounts: i64, horizon: i64, threshold: i64, levels: &Levels) -> String {
    let c = &window.counts;
    let mut done: Vec<String> = Vec::new();
    if c[CLOSED_UNPAID] != 0 {
        done.push(format!("let {} close unpaid", plural(c[CLOSED_UNPAID], "order")));
    }
    if c[CANCELLED] != 0 {
        let noun = if !done.is_empty() { "" } else if c[CANCELLED] == 1 { " order" } else { " orders" };
        done.push(format!("cancelled {}{noun}", c[CANCELLED]));
    }
    if c[DISPUTED] != 0 {
        done.push(format!("opened {}", plural(c[DISPUTED], "dispute")));
    }
    if c[CHARGEBACK] != 0 {
        done.push(format!("filed {}", plural(c[CHARGEBACK], "chargeback")));
    }
    // (a window that graded has a bad outcome, so `done` is never empty; Python would
    // raise an IndexError on an empty one)
    let deeds = match done.len() {
        0 => String::new(),
        1 => done[0].clone(),
        n => format!("{} and {}", done[..n - 1].join(", "), done[n - 1]),
    };
    let paid = if c[PAID] != 0 { format!(" and paid for {}", c[PAID]) } else { String::new() };
    let orders = window.orders();
    let share = if orders != 0 { (100.0 * window.bad as f64 / orders as f64).round_ties_even() as i64 } else { 0 };
    format!(
        "{accounts} accounts sharing one {} {deeds} within {}{paid} ({share}% bad; limit {} and {}%).",
        kind_noun(kind),
        plural(horizon, "day"),
        crate::pystr::format_g(threshold as f64),
        (100.0 * levels.min_ratio).round_ties_even() as i64,
    )
}
