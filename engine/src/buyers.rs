//! `streams/core/buyers.py` (the buyers stage as a pure step: fold an event into the
//! buyer's windows, evaluate the rules) and `streams/core/triggers.py` (which detectors
//! an event counted in each outcome column can fire).

use crate::alert::{Alert, Suppressed};
use crate::buyer_state::BuyerState;
use crate::detectors::{cancel_churn, chargeback_abuse, dispute_abuse, nonpayment_burst};
use crate::event::{EType, Event};
use crate::layout::{CANCELLED, CHARGEBACK, CLOSED_UNPAID, CREATED, DISPUTED};
use crate::lists::{ListBook, ListEntry};
use crate::offplatform::off_platform_payment;
use crate::orderchecks::{bad_contact, blocked_buyer_order, chargeback_deadline};
use crate::rules::RuleSet;
use crate::stocklock::{order_flood, unpaid_stock_held};
use crate::windows;

/// `detectors.Detector`: `(state, event, t, rules, lists) -> alerts`.
pub type Detector = fn(&mut BuyerState, &Event, i64, &RuleSet, Option<&ListBook>) -> Vec<Alert>;

/// `triggers.TRIGGERS`: the detectors an event counted in outcome column `col` can make
/// fire, in this order (none for the other columns).
pub fn triggers(col: usize) -> &'static [Detector] {
    match col {
        CREATED => &[blocked_buyer_order, bad_contact, order_flood, unpaid_stock_held],
        CLOSED_UNPAID => &[nonpayment_burst],
        CANCELLED => &[cancel_churn],
        DISPUTED => &[dispute_abuse],
        CHARGEBACK => &[chargeback_deadline, chargeback_abuse],
        _ => &[],
    }
}

/// `buyers.BUYER_EVENT_TYPES`: the event types `step_buyer` looks at (the counted types
/// and `buyer.message`); it returns every other event unchanged at once.
pub fn is_buyer_event(etype: EType) -> bool {
    etype == EType::BuyerMessage || windows::is_counted(etype)
}

/// `buyers.step_buyer`: fold one event into a buyer's state (in place) and return the
/// alerts it raises, with `suppressed` set on those an allow entry suppresses. A new
/// buyer's state is `BuyerState::new()` (the Python's `state=None`). A redelivered event
/// returns no alerts and leaves the state unchanged.
pub fn step_buyer(state: &mut BuyerState, event: &Event, rules: &RuleSet, lists: Option<&ListBook>) -> Vec<Alert> {
    if !is_buyer_event(event.etype) {
        return Vec::new();
    }
    let t = event.t; // int(datetime.fromisoformat(occurred_at).timestamp())
    let mut alerts = if event.etype == EType::BuyerMessage {
        // counts in no window: only what the message says
        off_platform_payment(state, event, t, rules, lists)
    } else {
        let col = windows::apply_at(state, event, t, rules.retention_days, rules.long_days);
        if col == 0 {
            return Vec::new();
        }
        detect(state, event, t, col, rules, lists)
    };
    // `if alerts and lists:` (an empty book is falsy)
    if let Some(book) = lists {
        if !alerts.is_empty() && !book.is_empty() {
            suppress(&mut alerts, book, event.buyer(), t);
        }
    }
    alerts
}

/// The detectors of `step_buyer` once the fold counted the event in `col`: every
/// detector of `triggers(col)`, their alerts in order (not suppressed yet).
pub fn detect(
    state: &mut BuyerState,
    event: &Event,
    t: i64,
    col: usize,
    rules: &RuleSet,
    lists: Option<&ListBook>,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for detector in triggers(col) {
        alerts.extend(detector(state, event, t, rules, lists));
    }
    alerts
}

/// `buyers.suppress`: mark, in place, the alerts an allow entry for `buyer` at their shop
/// suppresses. The rules still record that they fired.
pub fn suppress(alerts: &mut [Alert], lists: &ListBook, buyer: &str, t: i64) {
    for alert in alerts.iter_mut() {
        if let Some(entry) = lists.lookup("allow", buyer, &alert.seller_id, t) {
            alert.suppressed = Some(suppression(entry));
        }
    }
}

/// `buyers.suppression`: the `suppressed` field an allow entry adds to the alerts it
/// suppresses (`{"list": "allow", ...}`: the list is implied).
pub fn suppression(entry: &ListEntry) -> Suppressed {
    Suppressed {
        seller_id: entry.seller_id.clone(),
        reason: entry.reason.clone(),
        source: entry.source.clone(),
    }
}

/// `buyers.suppress_group`: suppress, in place, an alert about several buyers when every
/// one is allow-listed (the first buyer's entry is the one recorded).
pub fn suppress_group(alert: &mut Alert, lists: &ListBook, t: i64) {
    let mut first: Option<&ListEntry> = None;
    for (i, buyer) in alert.buyer_ids.iter().enumerate() {
        match lists.lookup("allow", buyer, &alert.seller_id, t) {
            Some(entry) => {
                if i == 0 {
                    first = Some(entry);
                }
            }
            None => return,
        }
    }
    if let Some(entry) = first {
        alert.suppressed = Some(suppression(entry));
    }
}
