//! `streams/core/stocklock.py`: the stock-locking detectors `order_flood` (orders within
//! minutes) and `unpaid_stock_held`.
//!
//! Both ask what the buyer's unpaid orders held *at* the event time of an order's creation
//! (`crate::holdings::holds_at`), whatever order the buyer's events arrived in. Episodes
//! are UTC days; each fires every severity it newly reaches, once
//! (`crate::bursts::fire_levels`).

use crate::collections::IndexMap;

use crate::alert::{make_alert, plural, recommend, Alert, AlertArgs, Num, HIGH, MEDIUM};
use crate::bursts::{fire_levels, LADDER};
use crate::buyer_state::{BuyerState, OrderEntry};
use crate::event::Event;
use crate::fields::{format_day, format_epoch, DAY};
use crate::holdings::{event_id_of, hold_end, holds_at, orders_at, value_bound, value_of};
use crate::lists::ListBook;
use crate::rules::{OrderFlood, RuleSet, UnpaidStockHeld};

/// Python's `1 << 62`: "no limit" and "no end".
const FAR: i64 = 1 << 62;

/// `_grade`.
fn grade(value: i64, medium: i64, high: i64) -> usize {
    if value >= high {
        HIGH
    } else if value >= medium {
        MEDIUM
    } else {
        0
    }
}

/// `_moments`: the creation times in `[t, t + span)`, sorted, once each: the new order's
/// and the later ones it joins.
fn moments(orders: &[(String, OrderEntry)], t: i64, span: i64) -> Vec<i64> {
    let mut found: Vec<i64> =
        orders.iter().map(|(_, e)| e.t).filter(|&m| t <= m && m < t.saturating_add(span)).collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// `order_flood`: alert when a buyer places many unpaid orders, or unpaid units of one SKU,
/// within minutes.
///
/// At the creation time `m` of an order, the window is the `horizon_minutes` up to `m`; it
/// counts the orders created in it and still unpaid at `m`, and their units per SKU. A new
/// order is such a moment, and so is every later creation within the horizon. A window
/// fires on the UTC day of its moment, every severity it newly reaches.
pub fn order_flood(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.order_flood;
    let opened = match &state.o {
        Some(o) if rule.enabled && !o.is_empty() => o,
        _ => return Vec::new(),
    };
    if (opened.len() as i64) < rule.orders_medium {
        // fast exit: too few orders and units in all
        let units = opened.values().fold(0i64, |n, e| n.saturating_add(e.units));
        if units < rule.units_medium {
            return Vec::new();
        }
    }
    let seller = event.seller_id.as_str();
    let horizon = rule.horizon_minutes.saturating_mul(60);
    let orders = orders_at(state, seller);
    let key = format!("{}|{seller}", rule.id);
    let buyer = event.buyer();
    let mut alerts = Vec::new();
    for moment in moments(&orders, t, horizon) {
        let inside: Vec<&OrderEntry> =
            orders.iter().map(|(_, e)| e).filter(|e| moment.saturating_sub(horizon) < e.t && holds_at(e, moment)).collect();
        let mut per_sku: IndexMap<&str, i64> = IndexMap::default();
        for entry in &inside {
            for (sku, quantity) in &entry.skus {
                let n = per_sku.entry(sku.as_str()).or_insert(0);
                *n = n.saturating_add(*quantity);
            }
        }
        // max((n, s) for s, n in per_sku.items()): the most units, the greatest SKU on a tie
        let (units, sku) = per_sku.iter().map(|(s, n)| (*n, *s)).max().unwrap_or((0, ""));
        let by_orders = grade(inside.len() as i64, rule.orders_medium, rule.orders_high);
        let by_units = grade(units, rule.units_medium, rule.units_high);
        let rank = by_orders.max(by_units);
        if rank == 0 {
            continue;
        }
        let day = moment.div_euclid(DAY);
        let shown = if by_units > by_orders { units } else { -1 };
        for level in fire_levels(state, &key, day, rank, false, &LADDER) {
            alerts.push(flood_alert(rule, buyer, seller, event, day, level, moment, &inside, shown, sku));
        }
    }
    alerts
}

/// `_flood_alert`: the `order_flood` alert; `units` is -1 when the order count explains it.
#[allow(clippy::too_many_arguments)]
fn flood_alert(
    rule: &OrderFlood,
    buyer: &str,
    seller: &str,
    event: &Event,
    day: i64,
    rank: usize,
    moment: i64,
    inside: &[&OrderEntry],
    units: i64,
    sku: &str,
) -> Alert {
    let minutes = plural(rule.horizon_minutes, "minute");
    let (observed, threshold, what) = if units < 0 {
        let observed = inside.len() as i64;
        let threshold = if rank == HIGH { rule.orders_high } else { rule.orders_medium };
        (observed, threshold, format!("placed {observed} unpaid orders at shop {seller} within {minutes}"))
    } else {
        let threshold = if rank == HIGH { rule.units_high } else { rule.units_medium };
        let sku = if sku.is_empty() { "one item" } else { sku };
        (units, threshold, format!("ordered {units} units of {sku} at shop {seller} within {minutes}, unpaid"))
    };
    let explanation = format!(
        "Buyer {buyer} {what} (limit {threshold}), which can lock up your stock until the \
         orders are paid or closed."
    );
    let start = inside.iter().map(|e| e.t).min().unwrap_or(moment);
    stock_alert(
        &rule.id, rule.version, event, seller, day, rank, explanation, inside,
        Num::Int(observed), Num::Int(threshold), start, moment,
    )
}

/// `unpaid_stock_held`: alert when a buyer's unpaid orders at one shop hold too many units
/// or too much value.
///
/// Evaluated at the creation time of the new order and of every later order created while
/// it was unpaid. Values are compared per shop, in the shop's currency. An episode is the
/// UTC day of that creation time; it fires every severity it newly reaches.
pub fn unpaid_stock_held(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.unpaid_stock_held;
    let opened = match &state.o {
        Some(o) if rule.enabled && !o.is_empty() => o,
        _ => return Vec::new(),
    };
    let seller = event.seller_id.as_str();
    // (Python's ints do not overflow: saturating sums compare the same with the limits)
    let (mut units, mut bound) = (0i64, 0i64);
    for entry in opened.values() {
        if entry.seller == seller {
            units = units.saturating_add(entry.units);
            bound = bound.saturating_add(value_bound(entry));
        }
    }
    if units < rule.units_medium && (rule.value_medium == 0 || bound < rule.value_medium.saturating_mul(100)) {
        return Vec::new(); // the usual case, decided before parsing any amount
    }
    let mine = event.order_id.as_deref().and_then(|o| opened.get(o));
    let until = match mine {
        Some(entry) => match hold_end(entry) {
            0 => FAR,
            end => end,
        },
        None => t + 1,
    };
    let orders = orders_at(state, seller);
    let key = format!("{}|{seller}", rule.id);
    let mut alerts = Vec::new();
    for moment in moments(&orders, t, (until - t).max(1)) {
        let held: Vec<&OrderEntry> = orders.iter().map(|(_, e)| e).filter(|e| holds_at(e, moment)).collect();
        let units = held.iter().fold(0i64, |n, e| n.saturating_add(e.units));
        let value = held.iter().fold(0i64, |n, e| n.saturating_add(value_of(e)));
        let by_units = grade(units, rule.units_medium, rule.units_high);
        let by_value = grade(
            value,
            if rule.value_medium != 0 { rule.value_medium.saturating_mul(100) } else { FAR },
            if rule.value_high != 0 { rule.value_high.saturating_mul(100) } else { FAR },
        );
        let rank = by_units.max(by_value);
        if rank == 0 {
            continue;
        }
        let day = moment.div_euclid(DAY);
        for level in fire_levels(state, &key, day, rank, false, &LADDER) {
            alerts.push(held_alert(rule, event, seller, level, &held, units, value, by_units >= by_value, moment, day));
        }
    }
    alerts
}

/// `_held_alert`: the `unpaid_stock_held` alert for what `held` locked at `moment`.
#[allow(clippy::too_many_arguments)]
fn held_alert(
    rule: &UnpaidStockHeld,
    event: &Event,
    seller: &str,
    rank: usize,
    held: &[&OrderEntry],
    units: i64,
    value: i64,
    by_units: bool,
    moment: i64,
    day: i64,
) -> Alert {
    let buyer = event.buyer();
    let currency = event.currency.clone().unwrap_or_default();
    let suffix = if currency.is_empty() { String::new() } else { format!(" {currency}") };
    // value // 100 and value % 100 floor as Python's do
    let worth = format!("{}.{:02}{suffix}", value.div_euclid(100), value.rem_euclid(100));
    let (observed, threshold, limit) = if by_units {
        let threshold = if rank == HIGH { rule.units_high } else { rule.units_medium };
        (units as f64, threshold, format!("{threshold} units"))
    } else {
        let threshold = if rank == HIGH { rule.value_high } else { rule.value_medium };
        // value / 100, correctly rounded as Python's int division is: read from the exact
        // decimal (a plain f64 division rounds twice past 2**53)
        let observed = worth_float(value);
        (observed, threshold, format!("{threshold}{suffix}"))
    };
    let explanation = format!(
        "Buyer {buyer} holds {} worth {worth} of your stock at shop {seller} in {} (limit {limit}).",
        plural(units, "unit"),
        plural(held.len() as i64, "unpaid order"),
    );
    let start = held.first().map_or(moment, |e| e.t);
    stock_alert(
        &rule.id, rule.version, event, seller, day, rank, explanation, held,
        Num::Float(observed), Num::Int(threshold), start, moment,
    )
}

/// `value / 100` (hundredths to a float), correctly rounded.
fn worth_float(value: i64) -> f64 {
    let digits = format!("{}{}.{:02}", if value < 0 { "-" } else { "" }, value.unsigned_abs() / 100, value.unsigned_abs() % 100);
    digits.parse().unwrap_or(value as f64 / 100.0)
}

/// `_stock_alert`: a stock-locking alert about `orders` (their `o` entries) on the UTC `day`.
#[allow(clippy::too_many_arguments)]
fn stock_alert(
    rule_id: &str,
    rule_version: i64,
    event: &Event,
    seller: &str,
    day: i64,
    rank: usize,
    explanation: String,
    orders: &[&OrderEntry],
    observed: Num,
    threshold: Num,
    start: i64,
    moment: i64,
) -> Alert {
    let buyer = event.buyer();
    make_alert(AlertArgs {
        rule_id,
        rule_version,
        subject: &format!("{buyer}|{seller}"),
        window: &format_day(day),
        severity_rank: rank,
        buyer_ids: vec![buyer.to_string()],
        event,
        explanation,
        recommended_actions: recommend("stock_locked", rank, false),
        evidence_event_ids: orders.iter().map(|e| event_id_of(e)).filter(|id| !id.is_empty()).collect(),
        observed: Some(observed),
        threshold: Some(threshold),
        window_start: Some(format_epoch(start)),
        window_end: Some(format_epoch(moment)),
        order_id: None,
        deadline_at: None,
    })
}
