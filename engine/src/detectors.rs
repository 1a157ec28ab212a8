//! `streams/core/detectors.py`: burst detectors: counts of one outcome over day windows,
//! at one shop and across shops.
//!
//! `nonpayment_burst` and `cancel_churn` count the daily rows (a week); `dispute_abuse` and
//! `chargeback_abuse` count months, over the daily and the long-horizon rows together.

use crate::alert::{plural, recommend, window_alert, Alert, Num, WindowArgs, HIGH, MEDIUM};
use crate::buyer_state::BuyerState;
use crate::bursts::{episode_of, fired_at, pick, ratio, windows_holding, Levels, Window};
use crate::event::Event;
use crate::evidence::evidence;
use crate::fields::DAY;
use crate::layout::{CANCELLED, CHARGEBACK, CLOSED_UNPAID, CREATED, DISPUTED, PAID, WIDTH};
use crate::lists::ListBook;
use crate::longterm;
use crate::pystr::format_g;
use crate::rules::{BurstRule, RuleSet};
use crate::windows;

/// `(rule, buyer, window, where, limit) -> the sentence a seller reads` (`Explain`).
type Explain = fn(&BurstRule, &str, &Window, &str, &str) -> String;

/// Python's `round(x)` of a float: half to even, as an int.
fn py_round(x: f64) -> i64 {
    x.round_ties_even() as i64
}

/// `detectors._share`: the rule's ratio in percent, 0 for a rule without one.
fn share(rule: &BurstRule) -> i64 {
    if rule.ratio { py_round(100.0 * rule.min_ratio) } else { 0 }
}

/// `detectors._explain_nonpayment`.
fn explain_nonpayment(rule: &BurstRule, buyer: &str, w: &Window, place: &str, limit: &str) -> String {
    format!(
        "Buyer {buyer} let {} close unpaid {place} within {} (limit {limit}).",
        plural(w.count, "order"),
        plural(rule.horizon_days, "day"),
    )
}

/// `detectors._explain_churn`.
fn explain_churn(rule: &BurstRule, buyer: &str, w: &Window, place: &str, limit: &str) -> String {
    format!(
        "Buyer {buyer} cancelled {} of {} ({}%) {place} within {} (limit {limit} and {}%).",
        w.count,
        plural(w.base.max(w.count), "order"),
        py_round(100.0 * ratio(w)),
        plural(rule.horizon_days, "day"),
        share(rule),
    )
}

/// `detectors._explain_disputes`.
fn explain_disputes(rule: &BurstRule, buyer: &str, w: &Window, place: &str, limit: &str) -> String {
    format!(
        "Buyer {buyer} opened {} on {} ({}%) {place} within {}, cancelled disputes included \
         (limit {limit} and {}%).",
        plural(w.count, "dispute"),
        plural(w.base.max(w.count), "paid order"),
        py_round(100.0 * ratio(w)),
        plural(rule.horizon_days, "day"),
        share(rule),
    )
}

/// `detectors._explain_chargebacks`.
fn explain_chargebacks(rule: &BurstRule, buyer: &str, w: &Window, place: &str, limit: &str) -> String {
    format!(
        "Buyer {buyer} charged back {} of {} ({}%) {place} within {} (limit {limit} and {}%).",
        w.count,
        plural(w.base.max(w.count), "paid order"),
        py_round(100.0 * ratio(w)),
        plural(rule.horizon_days, "day"),
        share(rule),
    )
}

/// `detectors.nonpayment_burst`: alert when a buyer lets too many orders close unpaid
/// within the horizon.
pub fn nonpayment_burst(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.nonpayment_burst;
    if !rule.enabled {
        return Vec::new();
    }
    burst(state, event, t, rules, rule, CLOSED_UNPAID, 0, explain_nonpayment, "repeat_nonpayment", "")
}

/// `detectors.cancel_churn`: alert when a buyer cancels many orders, and most of those
/// placed, within the horizon.
pub fn cancel_churn(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.cancel_churn;
    if !rule.enabled {
        return Vec::new();
    }
    burst(state, event, t, rules, rule, CANCELLED, CREATED, explain_churn, "repeat_nonpayment", "cancels")
}

/// `detectors.dispute_abuse`: alert when a buyer opens many disputes, a large share of
/// paid orders, over months.
pub fn dispute_abuse(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.dispute_abuse;
    if !rule.enabled {
        return Vec::new();
    }
    burst(state, event, t, rules, rule, DISPUTED, PAID, explain_disputes, "dispute_abuse", "disputes")
}

/// `detectors.chargeback_abuse`: alert when a buyer charges back many payments, a large
/// share of them, over months.
pub fn chargeback_abuse(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.chargeback_abuse;
    if !rule.enabled {
        return Vec::new();
    }
    burst(state, event, t, rules, rule, CHARGEBACK, PAID, explain_chargebacks, "chargeback_abuse", "chargebacks")
}

/// `sum(rows[col::WIDTH])`.
fn column_sum(rows: &[i64], col: usize) -> i64 {
    rows.iter().skip(col).step_by(WIDTH).sum()
}

/// `detectors._burst`: evaluate a burst rule at the event's shop and, if the buyer uses
/// several, across shops.
#[allow(clippy::too_many_arguments)]
fn burst(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    rule: &BurstRule,
    col: usize,
    base_col: usize,
    explain: Explain,
    signal: &str,
    noun: &str,
) -> Vec<Alert> {
    // Fast exits first: most counted events come nowhere near a threshold (fewer events
    // kept in all than the medium level; the retention is at least the horizon).
    let shop = event.seller_id.as_str();
    let long = rule.long;
    // (seller, total, medium, high, min_shops) per scope
    let mut scopes: Vec<(Option<&str>, i64, i64, i64, i64)> = Vec::with_capacity(2);
    let here = if long {
        longterm::total(state, col, Some(shop))
    } else {
        // `sellers[shop]` raises KeyError in the Python when the shop has no daily rows;
        // after `windows.apply_at` counted the event there it always has them (0 here).
        state.s.get(shop).map_or(0, |rows| column_sum(rows, col))
    };
    if here >= rule.medium {
        scopes.push((Some(shop), here, rule.medium, rule.high, 0));
    }
    if long || state.s.len() as i64 >= rule.min_shops {
        let everywhere = if long {
            longterm::total(state, col, None)
        } else {
            state.s.values().map(|rows| column_sum(rows, col)).sum()
        };
        if everywhere >= rule.shops_medium {
            scopes.push((None, everywhere, rule.shops_medium, rule.shops_high, rule.min_shops));
        }
    }
    if scopes.is_empty() {
        return Vec::new();
    }
    let buyer = event.buyer();
    let day = t.div_euclid(DAY);
    let horizon = rule.horizon_days;
    // `fired is not None`: the part exists (even empty) before this event's firings
    let fired = if long { state.g.is_some() } else { state.f.is_some() };
    let min_ratio = if rule.ratio { rule.min_ratio } else { 0.0 };
    let mut alerts = Vec::new();
    for (seller, total, medium, high, min_shops) in scopes {
        let scope = seller.unwrap_or("*");
        let key = format!("{}|{scope}", rule.id);
        // A known abuser's next event rarely changes anything: skip when every episode a
        // window holding this day can start in already fired at the highest reachable level.
        if fired && covered(state, &key, long, day, horizon, if total >= high { HIGH } else { MEDIUM }) {
            continue;
        }
        let candidates = if long {
            let first = windows::cutoff(state, if rules.long_days != 0 { rules.long_days } else { rules.retention_days });
            longterm::windows(state, col, seller, day, horizon, first)
        } else {
            let first = windows::cutoff(state, rules.retention_days);
            windows_holding(state, col, base_col, seller, day, horizon, first)
        };
        let levels = Levels { medium, high, min_shops, min_ratio };
        for p in pick(state, &key, &candidates, &levels, horizon, long) {
            let window = p.window;
            let mut limit = format_g(p.threshold);
            if !noun.is_empty() {
                limit.push(' ');
                limit.push_str(noun);
            }
            let place = match seller {
                None => {
                    limit.push_str(" across shops");
                    format!("at {} shops", window.shops)
                }
                Some(s) => format!("at shop {s}"),
            };
            let start = window.first_day * DAY;
            let subject = format!("{buyer}|{scope}");
            alerts.push(window_alert(WindowArgs {
                rule_id: &rule.id,
                rule_version: rule.version,
                subject: &subject,
                severity_rank: p.rank,
                buyer_ids: vec![buyer.to_string()],
                event,
                first_day: window.first_day,
                horizon_days: horizon,
                episode: p.episode,
                observed: Num::Int(window.count),
                threshold: Num::Float(p.threshold),
                evidence_event_ids: evidence(state, col, start, start + horizon * DAY, seller),
                explanation: explain(rule, buyer, &window, &place, &limit),
                recommended_actions: recommend(signal, p.rank, seller.is_none()),
            }));
        }
    }
    alerts
}

/// `detectors._covered`: whether both episodes a window holding `day` can start in fired
/// at `ceiling`.
fn covered(state: &BuyerState, key: &str, long: bool, day: i64, horizon: i64, ceiling: usize) -> bool {
    let oldest = episode_of(day - horizon + 1, horizon);
    let newest = episode_of(day, horizon);
    fired_at(state, key, oldest, long) >= ceiling
        && (newest == oldest || fired_at(state, key, newest, long) >= ceiling)
}


#[cfg(test)]
mod tests {
    use crate::pystr::format_g as fmt_g;

    #[test]
    fn g_format() {
        for (x, s) in [
            (3.0, "3"), (12.0, "12"), (100000.0, "100000"), (1e6, "1e+06"), (1234567.0, "1.23457e+06"),
            (0.5, "0.5"), (1e-5, "1e-05"), (0.0001, "0.0001"), (999999.5, "1e+06"), (-2.5, "-2.5"),
        ] {
            assert_eq!(fmt_g(x), s, "{x}");
        }
    }
}
