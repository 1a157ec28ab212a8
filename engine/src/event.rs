//! The canonical event (contracts.md §1) as the core reads it.
//!
//! An `Event` holds the fields the stages read, typed. `raw` keeps the whole JSON object the
//! event came as (normalized as `schemas.event.validate_event` normalizes it), for what
//! passes events on (the orders stage's held follow-ups) and for giving them back to Python.

use serde_json::{Map, Value};

/// Event types, in `eventids::TYPES` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum EType {
    OrderCreated, OrderPaid, OrderCancelled, OrderClosedUnpaid, OrderShipped, OrderDelivered,
    PaymentReminderSent, PaymentFailed, RefundRequested, RefundCompleted, DisputeOpened,
    DisputeCancelled, DisputeResolved, ChargebackNotified, ChargebackAppealed,
    ChargebackResolved, BuyerMessage,
}

impl EType {
    pub const ALL: [EType; 17] = [
        EType::OrderCreated, EType::OrderPaid, EType::OrderCancelled, EType::OrderClosedUnpaid,
        EType::OrderShipped, EType::OrderDelivered, EType::PaymentReminderSent,
        EType::PaymentFailed, EType::RefundRequested, EType::RefundCompleted,
        EType::DisputeOpened, EType::DisputeCancelled, EType::DisputeResolved,
        EType::ChargebackNotified, EType::ChargebackAppealed, EType::ChargebackResolved,
        EType::BuyerMessage,
    ];

    pub fn parse(name: &str) -> Option<EType> {
        crate::eventids::TYPES.iter().position(|&t| t == name).map(|i| EType::ALL[i])
    }

    pub fn name(self) -> &'static str {
        crate::eventids::TYPES[self as usize]
    }
}

/// A validated canonical event.
#[derive(Clone, Debug)]
pub struct Event {
    pub event_id: String,
    pub etype: EType,
    pub occurred_at: String,
    /// `occurred_at` in epoch seconds (`fields.epoch_of`).
    pub t: i64,
    pub marketplace: String,
    pub seller_id: String,
    pub buyer_id: Option<String>,
    pub order_id: Option<String>,
    /// As the JSON had it: a decimal string once validated, absent or null otherwise.
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// `None`: no `items` field (or null); `Some(list)` otherwise.
    pub items: Option<Vec<Value>>,
    pub shipping: Option<Map<String, Value>>,
    pub payment: Option<Map<String, Value>>,
    pub device: Option<Map<String, Value>>,
    pub payment_deadline_at: Option<String>,
    pub deadline_at: Option<String>,
    pub actor: Option<String>,
    pub chargeback_id: Option<String>,
    pub text: Option<Value>,
    /// The whole object, as validated (unknown fields kept), when the caller asked for it
    /// (the dict API gives held follow-ups back to Python whole; replay does not need it).
    pub raw: Option<Box<Map<String, Value>>>,
}

/// Takes a field out of the object (a copy when the object is kept whole).
fn take(obj: &mut Map<String, Value>, key: &str, keep: bool) -> Option<Value> {
    if keep {
        obj.get(key).cloned()
    } else {
        obj.swap_remove(key)
    }
}

fn opt_str(obj: &mut Map<String, Value>, key: &str, keep: bool) -> Result<Option<String>, String> {
    match take(obj, key, keep) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{key} is not a string")),
    }
}

fn opt_map(obj: &mut Map<String, Value>, key: &str, keep: bool) -> Result<Option<Map<String, Value>>, String> {
    match take(obj, key, keep) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(format!("{key} is not an object")),
    }
}

impl Event {
    /// The typed view of an object that `validate_event` accepted (and normalized). The
    /// epoch is parsed by `fields::quick_epoch`, or given by the caller as `t` when the
    /// time is of a shape only Python parses. `keep` keeps the whole object in `raw`.
    ///
    /// Python tells an absent `actor` (a buyer's act) from `"actor": null` (nobody's):
    /// the latter is kept as `Some("")`, which compares as null does.
    pub fn from_validated(mut obj: Map<String, Value>, t: Option<i64>, keep: bool) -> Result<Event, String> {
        let o = &mut obj;
        let etype = match o.get("type") {
            Some(Value::String(s)) => EType::parse(s).ok_or("unknown type")?,
            _ => return Err("no type".into()),
        };
        let occurred_at = opt_str(o, "occurred_at", keep)?.ok_or("no occurred_at")?;
        let t = match t {
            Some(t) => t,
            None => crate::fields::quick_epoch(&occurred_at).ok_or("occurred_at not quick")?,
        };
        let items = match take(o, "items", keep) {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => Some(a),
            Some(_) => return Err("items is not a list".into()),
        };
        let actor = match o.get("actor") {
            Some(Value::Null) => Some(String::new()),
            _ => opt_str(o, "actor", keep)?,
        };
        let mut event = Event {
            event_id: opt_str(o, "event_id", keep)?.ok_or("no event_id")?,
            etype,
            occurred_at,
            t,
            marketplace: opt_str(o, "marketplace", keep)?.ok_or("no marketplace")?,
            seller_id: opt_str(o, "seller_id", keep)?.ok_or("no seller_id")?,
            buyer_id: opt_str(o, "buyer_id", keep)?,
            order_id: opt_str(o, "order_id", keep)?,
            amount: opt_str(o, "amount", keep)?,
            currency: opt_str(o, "currency", keep)?,
            items,
            shipping: opt_map(o, "shipping", keep)?,
            payment: opt_map(o, "payment", keep)?,
            device: opt_map(o, "device", keep)?,
            payment_deadline_at: opt_str(o, "payment_deadline_at", keep)?,
            deadline_at: opt_str(o, "deadline_at", keep)?,
            actor,
            chargeback_id: opt_str(o, "chargeback_id", keep)?,
            text: take(o, "text", keep),
            raw: None,
        };
        if keep {
            event.raw = Some(Box::new(obj));
        }
        Ok(event)
    }

    /// The event with `buyer_id` set (the orders stage's `{**event, "buyer_id": buyer}`):
    /// the orders stage owns the events it forwards, so no copy is needed.
    pub fn with_buyer(mut self, buyer: &str) -> Event {
        self.buyer_id = Some(buyer.to_string());
        if let Some(raw) = self.raw.as_mut() {
            raw.insert("buyer_id".into(), Value::String(buyer.to_string()));
        }
        self
    }

    /// `event.get("actor", "buyer") == "buyer"`.
    pub fn by_buyer(&self) -> bool {
        self.actor.as_deref().map_or(true, |a| a == "buyer")
    }

    /// The buyer, resolved (the buyers and identities stages see only resolved events).
    pub fn buyer(&self) -> &str {
        self.buyer_id.as_deref().unwrap_or("")
    }
}
