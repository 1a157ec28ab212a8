//! `streams/core/orderchecks.py`: the order-level detectors `bad_contact`,
//! `chargeback_deadline` and `blocked_buyer_order`.
//!
//! Their alerts name the order (`order_id`) and fire once per order: a redelivered event
//! changes nothing in the buyer state, so it reaches no detector.

use pyo3::prelude::*;
use serde_json::Value;

use crate::alert::{make_alert, plural, recommend, Alert, AlertArgs, Num, HIGH, LOW, MEDIUM};
use crate::bursts::fire_levels;
use crate::buyer_state::BuyerState;
use crate::contacts::contact_problems;
use crate::event::Event;
use crate::fields::{add_business_days, format_epoch, quick_epoch, DAY};
use crate::lists::{ListBook, ALL_SELLERS};
use crate::rules::RuleSet;

const HOUR: i64 = 3_600;

/// `_listing`: `a`, `a and b`, `a, b and c`.
fn listing(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `bad_contact`: alert on an order whose contact details cannot be real
/// (`crate::contacts`).
///
/// The state remembers a checksum of the last contact found plausible (`c`, under this rule
/// version), so that one is not checked again.
pub fn bad_contact(
    state: &mut BuyerState,
    event: &Event,
    _t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.bad_contact;
    let shipping = match &event.shipping {
        Some(s) if rule.enabled => s,
        _ => return Vec::new(),
    };
    // crc32("\x1f".join(shipping.values()).encode(), rule.version); a value that is not a
    // string makes the join raise TypeError: then the mark is -1 and the contact is checked
    // every time
    let mut mark: i64 = -1;
    if shipping.values().all(|v| v.is_string()) {
        // zlib.crc32's starting value is taken modulo 2**32, as an unsigned int
        let mut hasher = crc32fast::Hasher::new_with_initial(rule.version as u32);
        for (i, v) in shipping.values().enumerate() {
            if i > 0 {
                hasher.update(b"\x1f");
            }
            if let Value::String(s) = v {
                hasher.update(s.as_bytes());
            }
        }
        mark = i64::from(hasher.finalize());
    }
    if state.c == Some(mark) {
        return Vec::new();
    }
    let problems = contact_problems(Some(shipping), rule);
    if problems.is_empty() {
        if mark >= 0 {
            state.c = Some(mark);
        }
        return Vec::new();
    }
    let rank = if problems.len() as i64 >= rule.high_problems { HIGH } else { MEDIUM };
    let (buyer, seller) = (event.buyer(), event.seller_id.as_str());
    let order_id = event.order_id.clone().unwrap_or_default();
    vec![make_alert(AlertArgs {
        rule_id: &rule.id,
        rule_version: rule.version,
        subject: &format!("{buyer}|{seller}|{order_id}"),
        window: "order",
        severity_rank: rank,
        buyer_ids: vec![buyer.to_string()],
        event,
        explanation: format!(
            "Order {order_id} from buyer {buyer} at shop {seller} has {}: check the contact \
             details with the buyer before shipping.",
            listing(&problems)
        ),
        recommended_actions: recommend("bad_contact", rank, false),
        evidence_event_ids: vec![event.event_id.clone()],
        observed: Some(Num::Int(problems.len() as i64)),
        threshold: Some(Num::Int(if rank == HIGH { rule.high_problems } else { 1 })),
        window_start: None,
        window_end: None,
        order_id: Some(order_id),
        deadline_at: None,
    })]
}

/// `fields.epoch_of` of a validated timestamp: the quick shape here, any other shape that
/// `validate_event` let through (e.g. `2026-10-05 08:00Z`) by Python's
/// `datetime.fromisoformat`, as the Python core reads it. `None` only if Python cannot.
fn epoch_of(ts: &str) -> Option<i64> {
    quick_epoch(ts).or_else(|| Python::with_gil(|py| crate::pyconv::py_epoch(py, ts).ok()))
}

/// `round(left / HOUR, 1)`: hours, to the tenth. CPython rounds a float to a number of
/// decimals by its exact decimal value, half to even (`_Py_dg_dtoa` mode 3), and reads the
/// digits back; Rust's `{:.1}` formats the exact value the same way.
pub fn hours_left(left: i64) -> f64 {
    let x = left as f64 / HOUR as f64;
    format!("{x:.1}").parse().unwrap_or(x)
}

/// `chargeback_deadline`: alert on a chargeback notice with an appeal deadline; severity by
/// the time left at the notice (counted from its event time).
///
/// It fires once per chargeback and deadline, again only at a higher severity.
pub fn chargeback_deadline(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    _lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.chargeback_deadline;
    let raw = event.deadline_at.as_deref().filter(|s| !s.is_empty());
    if !rule.enabled || !(raw.is_some() || rule.default_business_days != 0) {
        return Vec::new();
    }
    // without a deadline from the platform, the playbooks': a few business days
    let deadline = match raw {
        Some(raw) => match epoch_of(raw) {
            Some(d) => d,
            None => return Vec::new(), // (Python would raise: not a validated event)
        },
        None => add_business_days(t, rule.default_business_days),
    };
    let left = deadline - t;
    let (rank, threshold) = if left <= rule.high_hours.saturating_mul(HOUR) {
        (HIGH, rule.high_hours)
    } else if left <= rule.medium_hours.saturating_mul(HOUR) {
        (MEDIUM, rule.medium_hours)
    } else {
        (LOW, rule.medium_hours)
    };
    let (buyer, seller) = (event.buyer(), event.seller_id.as_str());
    let order_id = event.order_id.clone().unwrap_or_default();
    let chargeback = match event.chargeback_id.as_deref() {
        Some(c) if !c.is_empty() => c.to_string(),
        _ => order_id.clone(),
    };
    // one notice, one severity: a later notice closer to the deadline fires the new level only
    let key = format!("{}|{chargeback}", rule.id);
    if fire_levels(state, &key, deadline.div_euclid(DAY), rank, false, &[]).is_empty() {
        return Vec::new();
    }
    let due = format_epoch(deadline);
    let (explanation, actions) = if left <= 0 {
        (
            format!(
                "The appeal deadline {due} for buyer {buyer}'s chargeback on order {order_id} at \
                 shop {seller} had passed when the notice came: ask platform support with your \
                 evidence."
            ),
            vec!["contact_platform_support".to_string(), "collect_evidence".to_string()],
        )
    } else {
        let hours = left / HOUR; // left > 0: floor division
        let span = if hours < 72 { plural(hours, "hour") } else { plural(hours / 24, "day") };
        let mut after = format!("{span} after the notice");
        if raw.is_none() {
            let days = plural(rule.default_business_days, "business day");
            after += &format!(": the platform gave no deadline, so the playbooks' {days}");
        }
        (
            format!(
                "Buyer {buyer} charged back order {order_id} at shop {seller}: appeal by {due} \
                 ({after}) with tracking and delivery proof, the listing, any \
                 refund proof and the buyer's messages."
            ),
            recommend("chargeback", rank, false),
        )
    };
    vec![make_alert(AlertArgs {
        rule_id: &rule.id,
        rule_version: rule.version,
        subject: &format!("{buyer}|{seller}|{order_id}|{chargeback}"),
        window: &due.clone(),
        severity_rank: rank,
        buyer_ids: vec![buyer.to_string()],
        event,
        explanation,
        recommended_actions: actions,
        evidence_event_ids: vec![event.event_id.clone()],
        observed: Some(Num::Float(hours_left(left))),
        threshold: Some(Num::Int(threshold)),
        window_start: Some(event.occurred_at.clone()),
        window_end: Some(due.clone()),
        order_id: Some(order_id),
        deadline_at: Some(due),
    })]
}

/// `blocked_buyer_order`: alert, high, when a buyer on the shop's or the shared deny list
/// places an order.
pub fn blocked_buyer_order(
    _state: &mut BuyerState,
    event: &Event,
    t: i64,
    rules: &RuleSet,
    lists: Option<&ListBook>,
) -> Vec<Alert> {
    let rule = &rules.blocked_buyer_order;
    // (`not lists` is also true of an empty book, whose lookup finds nothing)
    let lists = match lists {
        Some(l) if rule.enabled => l,
        _ => return Vec::new(),
    };
    let (buyer, seller) = (event.buyer(), event.seller_id.as_str());
    let order_id = event.order_id.clone().unwrap_or_default();
    let entry = match lists.lookup("deny", buyer, seller, t) {
        Some(e) => e,
        None => return Vec::new(),
    };
    let whose = if entry.seller_id == ALL_SELLERS {
        "the block list shared by all sellers"
    } else {
        "your block list"
    };
    let mut parts = Vec::new();
    if !entry.reason.is_empty() {
        parts.push(format!("reason: {}", entry.reason));
    }
    if !entry.source.is_empty() {
        parts.push(format!("added by {}", entry.source));
    }
    let why = parts.join("; ");
    let why = if why.is_empty() { String::new() } else { format!(" ({why})") };
    vec![make_alert(AlertArgs {
        rule_id: &rule.id,
        rule_version: rule.version,
        subject: &format!("{buyer}|{seller}|{order_id}"),
        window: "order",
        severity_rank: HIGH,
        buyer_ids: vec![buyer.to_string()],
        event,
        explanation: format!(
            "Buyer {buyer}, on {whose}{why}, placed order {order_id} at shop {seller}: do not \
             ship it, and let the platform close it if it stays unpaid."
        ),
        recommended_actions: recommend("blocked_buyer", HIGH, false),
        evidence_event_ids: vec![event.event_id.clone()],
        observed: None,
        threshold: None,
        window_start: None,
        window_end: None,
        order_id: Some(order_id),
        deadline_at: None,
    })]
}
