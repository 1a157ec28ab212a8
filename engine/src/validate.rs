//! `schemas/event.py`'s `validate_event`, its quick pass only: one JSON line to an `Event`
//! when the quick pass would accept it and return it unchanged (but for `schema_version`
//! defaulted to 1). Anything else gives `None`: the caller then asks Python
//! (`orjson.loads` and `validate_event`), which accepts, rewrites or refuses it.
//!
//! The rule is one-sided: `quick_event` never accepts what Python refuses, and what it
//! accepts equals, as a dict, what Python returns. Where it cannot be sure of that it says
//! `None`, even for an event Python would accept:
//!
//! - The JSON is parsed by serde_json. Any float gives `None`: serde_json's default float
//!   parsing is not always correctly rounded, and it reads an integer past 64 bits (which
//!   orjson reads as a float too, but perhaps rounded otherwise) and `-0` (an int 0 for
//!   orjson) as floats. Duplicate keys keep the last value at the first key's place in
//!   both (see `parse_object`). Invalid UTF-8, lone surrogates, control characters in
//!   strings, a BOM, trailing content, NaN: both refuse them.
//! - Times are taken only in `fields::quick_epoch`'s shape (`YYYY-MM-DDTHH:MM:SS`, a
//!   fraction of 1 to 6 digits, `Z` or `+00:00`, years 1970 to 2105), a subset of what
//!   `datetime.fromisoformat` reads as UTC in range.
//! - `schema_version` is taken only as the integer 1 or absent (Python also takes `true`
//!   and `1.0`, which equal 1).
//! - `items` that is not a list (or null) on an event other than `order.created` passes the
//!   quick pass, but `Event` cannot hold it.
//! - JSON nested deeper than 128 arrays or objects: serde_json's recursion limit (orjson's
//!   is higher).

use serde_json::{Map, Value};

use crate::event::{EType, Event};
use crate::eventids::MARKETPLACES;
use crate::fields::quick_epoch;

/// `schemas.event.ACTORS`.
const ACTORS: [&str; 4] = ["buyer", "seller", "system", "platform"];
/// `schemas.event.MAX_WHOLE_DIGITS`.
const MAX_WHOLE_DIGITS: usize = 14;
/// `schemas.event.MAX_QUANTITY`.
const MAX_QUANTITY: u64 = 1_000_000_000;
/// `schemas.event.SCHEMA_VERSION`.
const SCHEMA_VERSION: i64 = 1;

/// `validate_event(orjson.loads(line))` when its quick pass accepts the event unchanged
/// (`schema_version` defaulted to 1, appended last as `setdefault` appends it); `None`
/// otherwise (ask Python). `keep` keeps the whole object in `Event::raw` (the dict API needs
/// it); without it the fields are moved out of the parsed object, not copied.
pub fn quick_event(line: &[u8], keep: bool) -> Option<Event> {
    let mut obj = parse_object(line)?;
    let t = quick_pass(&obj)?;
    // only `raw` shows it: without `keep`, the defaulted version would be dropped again
    if keep && !obj.contains_key("schema_version") {
        obj.insert("schema_version".to_string(), Value::Number(SCHEMA_VERSION.into()));
    }
    // the quick pass does not look at `items` but on order.created; `Event` needs a list
    Event::from_validated(obj, Some(t), keep).ok()
}

/// `orjson.loads(line)` when it is an object and serde_json surely reads it as orjson
/// does; `None` otherwise.
///
/// Duplicate keys: serde_json's `Map` (an `IndexMap` with `preserve_order`) inserts each
/// entry, so the last value stays at the first key's place: what a Python dict built by
/// orjson holds (checked against orjson 3.13 by the differential tests). Floats (and
/// integers past 64 bits, which serde_json reads as floats, and `-0`) give `None`.
pub fn parse_object(line: &[u8]) -> Option<Map<String, Value>> {
    let obj: Map<String, Value> = serde_json::from_slice(line).ok()?;
    obj.values().all(no_float).then_some(obj)
}

/// Whether a value holds no float anywhere.
fn no_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => !n.is_f64(),
        Value::Array(a) => a.iter().all(no_float),
        Value::Object(m) => m.values().all(no_float),
        _ => true,
    }
}

/// `obj.get(key)`, a JSON null read as Python's `None` (as absent).
fn get<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// `get(key)` is None or a str: `Ok(Some(s))`, `Ok(None)`, `Err` for another type.
fn opt_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, ()> {
    match get(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

/// `type(v) is str and v` (non-empty).
fn non_empty<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// `event._plain_decimal`: ASCII digits (at most `MAX_WHOLE_DIGITS`) with an optional
/// fraction of ASCII digits (`"129.90"`; no sign).
fn plain_decimal(amount: &str) -> bool {
    let (whole, frac) = match amount.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (amount, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    digits(whole) && whole.len() <= MAX_WHOLE_DIGITS && frac.map_or(true, digits)
}

/// `event._plain_items`: a list of objects with a `sku` string, a `quantity` int from 0
/// to `MAX_QUANTITY` and an optional plain `unit_price`.
fn plain_items(items: &Value) -> bool {
    let Value::Array(items) = items else { return false };
    items.iter().all(|item| {
        let Value::Object(item) = item else { return false };
        // a JSON bool is no Number: `type(quantity) is not int` refuses True as well
        let quantity_ok = matches!(item.get("quantity"), Some(Value::Number(n)) if n.as_u64().is_some_and(|q| q <= MAX_QUANTITY));
        matches!(item.get("sku"), Some(Value::String(_)))
            && quantity_ok
            && match get(item, "unit_price") {
                None => true,
                Some(Value::String(p)) => plain_decimal(p),
                Some(_) => false,
            }
    })
}

/// `event._plain_ts`, narrowed to `quick_epoch`'s shape.
fn plain_ts(value: &Value) -> bool {
    matches!(value, Value::String(s) if quick_epoch(s).is_some())
}

/// `validate_event`'s quick pass, in its order: `Some(epoch of occurred_at)` when it
/// accepts `obj` as it is (but for `schema_version`, checked here, defaulted by the caller).
fn quick_pass(obj: &Map<String, Value>) -> Option<i64> {
    let etype = match obj.get("type") {
        Some(Value::String(s)) => EType::parse(s)?,
        _ => return None,
    };
    non_empty(obj, "event_id")?;
    non_empty(obj, "seller_id")?;
    match obj.get("marketplace") {
        Some(Value::String(m)) if MARKETPLACES.contains(&m.as_str()) => {}
        _ => return None,
    }
    let occurred = match obj.get("occurred_at") {
        Some(Value::String(s)) => s,
        _ => return None,
    };
    let order = opt_str(obj, "order_id").ok()?;
    let buyer = opt_str(obj, "buyer_id").ok()?.filter(|b| !b.is_empty());
    if order.map_or(true, str::is_empty) && !(buyer.is_some() && etype == EType::BuyerMessage) {
        return None;
    }
    // fromisoformat, UTC, years 1970 to 2105: only the shape quick_epoch takes
    let t = quick_epoch(occurred)?;
    match opt_str(obj, "actor").ok()? {
        Some(actor) if !ACTORS.contains(&actor) => return None,
        _ => {}
    }
    for key in ["shipping", "payment", "device"] {
        if !matches!(get(obj, key), None | Some(Value::Object(_))) {
            return None;
        }
    }
    match get(obj, "amount") {
        None if etype == EType::OrderCreated => return None,
        None => {}
        Some(Value::String(a)) if plain_decimal(a) => {}
        Some(_) => return None,
    }
    match get(obj, "currency") {
        None => {}
        Some(Value::String(c)) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => {}
        Some(_) => return None,
    }
    if etype == EType::OrderCreated {
        buyer?;
        if let Some(items) = get(obj, "items") {
            if !plain_items(items) {
                return None;
            }
        }
    }
    for key in ["dispute_id", "chargeback_id", "refund_id"] {
        opt_str(obj, key).ok()?;
    }
    for key in ["payment_deadline_at", "deadline_at"] {
        if let Some(deadline) = get(obj, key) {
            if !plain_ts(deadline) {
                return None;
            }
        }
    }
    // obj.setdefault("schema_version", 1) != 1: absent, or the integer 1
    match obj.get("schema_version") {
        None => {}
        Some(Value::Number(n)) if n.as_i64() == Some(SCHEMA_VERSION) => {}
        Some(_) => return None,
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"event_id":"shopify:order.created:1","type":"order.created","occurred_at":"2026-10-01T00:00:40Z","marketplace":"shopify","seller_id":"s-1","order_id":"1","buyer_id":"b-1","amount":"199.12","currency":"USD","items":[{"sku":"a","quantity":2,"unit_price":"99.56"}]}"#;

    #[test]
    fn accepts_the_usual_event() {
        let e = quick_event(LINE.as_bytes(), true).unwrap();
        assert_eq!(e.t, 1_790_812_840);
        assert_eq!(e.raw.unwrap().get("schema_version"), Some(&Value::Number(1.into())));
        assert!(quick_event(LINE.as_bytes(), false).unwrap().raw.is_none());
    }

    #[test]
    fn refuses_what_it_is_unsure_of() {
        for (from, to) in [
            ("\"199.12\"", "\"-199.12\""),
            ("\"USD\"", "\"usd\""),
            ("Z\",\"market", "+08:00\",\"market"),
            ("2,\"unit", "2.0,\"unit"),
            ("\"b-1\"", "\"\""),
        ] {
            let line = LINE.replacen(from, to, 1);
            assert_ne!(line, LINE);
            assert!(quick_event(line.as_bytes(), true).is_none(), "{line}");
        }
        assert!(quick_event(b"[1]", true).is_none());
        assert!(quick_event(b"\xef\xbb\xbf{}", true).is_none());
    }
}
