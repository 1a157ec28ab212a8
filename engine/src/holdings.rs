//! `streams/core/holdings.py`: stock held by a buyer's unpaid orders, in event time: the `o`
//! and `z` parts of the state.
//!
//! `o` maps each order created, and not resolved long ago, to an `OrderEntry`: `[t, seller,
//! units, amount, creation id (as `eventids::pack_under` keeps it under the order id), end,
//! sku, quantity, ...]`. `end` (`RESOLVED`) is the resolution time once resolved (or the
//! payment deadline if that came first); while not, minus the seconds from the creation to
//! the deadline, or 0 without one. `z` remembers orders resolved before their creation
//! arrived.

use crate::collections::IndexMap;
use serde_json::Value;

use crate::buyer_state::{Amount, BuyerState, OrderEntry};
use crate::event::Event;
use crate::eventids::{pack_under, packed_whole, unpack, unpack_under};
use crate::fields::{days_from_civil, plain_cents, quick_epoch, DAY};

/// SKUs kept per open order, the largest quantities.
pub const SKU_CAP: usize = 4;
/// How long a resolved order stays in `o` past its resolution, by the watermark.
pub const RESOLVED_KEEP: i64 = 3600;
/// Orders kept in `o` (and markers in `z`) per buyer.
pub const ORDERS_CAP: usize = 64;

/// `holdings.open_order`: hold an `order.created` until it is paid, cancelled or closed (or
/// due), in place.
pub fn open_order(state: &mut BuyerState, event: &Event, t: i64, seller: &str) {
    // Validated creations always carry an order id; Python would key the entry by None
    // (which no JSON state can hold): nothing is held here.
    let Some(order_id) = event.order_id.as_deref() else {
        return;
    };
    let deadline = deadline_of(event, t);
    let mut end = if deadline != 0 { t - deadline } else { 0 }; // not resolved: holds until its deadline
    if let Some(gone) = state.z.as_mut() {
        if let Some(resolved) = gone.shift_remove(order_id) {
            // its payment, cancel or close came first
            if gone.is_empty() {
                state.z = None;
            }
            end = ended(deadline, resolved);
            if end + RESOLVED_KEEP < state.w {
                return; // long over: it held nothing a rule still looks at
            }
        }
    }
    let mut entry = OrderEntry {
        t,
        seller: seller.to_string(),
        units: 1,
        amount: match &event.amount {
            Some(a) => Amount::Str(a.clone()),
            None => Amount::None,
        },
        created: pack_under(&event.event_id, order_id),
        end,
        skus: Vec::new(),
    };
    if let Some(items) = event.items.as_ref().filter(|items| !items.is_empty()) {
        match items.as_slice() {
            [Value::Object(item)] => {
                // the usual order: one line
                let quantity = match item.get("quantity") {
                    None => 1,
                    Some(q) => quantity_of(q),
                };
                let sku = match item.get("sku") {
                    Some(Value::String(s)) => s.clone(),
                    other => py_str_or_empty(other),
                };
                entry.skus.push((sku, quantity));
                entry.units = quantity;
            }
            _ => entry.units = skus(items, &mut entry),
        }
    }
    let opened = match state.o.as_mut() {
        None => {
            let mut m = IndexMap::default();
            m.insert(order_id.to_string(), entry);
            state.o = Some(m);
            return;
        }
        Some(o) => o,
    };
    if opened.len() >= ORDERS_CAP && !opened.contains_key(order_id) {
        // min(opened, key=_drop_rank): the first of the smallest, in iteration order
        let mut drop: Option<(usize, (i64, i64, String))> = None;
        for (i, (k, v)) in opened.iter().enumerate() {
            let rank = drop_rank(k, v);
            if drop.as_ref().map_or(true, |(_, best)| rank < *best) {
                drop = Some((i, rank));
            }
        }
        if let Some((i, _)) = drop {
            opened.shift_remove_index(i);
        }
    }
    opened.insert(order_id.to_string(), entry);
}

/// `holdings._deadline`: the epoch second an order created at `t` is closed if unpaid; 0
/// when it has none. A deadline at or before the creation is ignored.
fn deadline_of(event: &Event, t: i64) -> i64 {
    let Some(at) = event.payment_deadline_at.as_deref() else {
        return 0;
    };
    // Python's epoch_of raises ValueError on a string fromisoformat refuses; validated
    // events never carry one (their deadlines passed parse_ts): taken as no deadline here.
    let deadline = quick_epoch(at).or_else(|| iso_epoch(at)).unwrap_or(0);
    if deadline > t { deadline } else { 0 }
}

/// `holdings._ended`: when a hold ends once its order is resolved at `t`, given its end so
/// far (0: none). The earliest wins.
fn ended(end: i64, t: i64) -> i64 {
    if end != 0 { end.min(t) } else { t }
}

/// `holdings._drop_rank`: which order a full `o` drops first: the earliest resolved, else
/// the oldest unpaid (then by creation id).
fn drop_rank(order_id: &str, entry: &OrderEntry) -> (i64, i64, String) {
    let created = unpack_under(&entry.created, order_id);
    if entry.end > 0 {
        (0, entry.end, created)
    } else {
        (1, entry.t, created)
    }
}

/// `holdings.close_order`: end an order's hold (paid, cancelled or closed at `t`), in place.
pub fn close_order(state: &mut BuyerState, order_id: &str, t: i64) {
    let w = state.w;
    if let Some(opened) = state.o.as_mut() {
        if let Some(entry) = opened.get_mut(order_id) {
            let end = ended(hold_end(entry), t);
            if end + RESOLVED_KEEP < w {
                // over long ago: nothing looks at it any more
                opened.shift_remove(order_id);
                if opened.is_empty() {
                    state.o = None;
                }
            } else {
                entry.end = end;
            }
            return;
        }
    }
    // resolved before its creation arrived: remember it so the creation does not open it
    let gone = state.z.get_or_insert_with(IndexMap::default);
    if gone.len() >= ORDERS_CAP && !gone.contains_key(order_id) {
        // min(gone, key=lambda k: (gone[k], k)): the earliest resolution goes
        let drop = gone.iter().enumerate().min_by(|(_, a), (_, b)| (a.1, a.0).cmp(&(b.1, b.0))).map(|(i, _)| i);
        if let Some(i) = drop {
            gone.shift_remove_index(i);
        }
    }
    let was = gone.get(order_id).copied().unwrap_or(t);
    gone.insert(order_id.to_string(), t.min(was));
}

/// `holdings.forget_resolved`: drop, in place, the orders of `o` resolved before `before`
/// (epoch seconds).
pub fn forget_resolved(state: &mut BuyerState, before: i64) {
    let Some(opened) = state.o.as_mut() else {
        return;
    };
    // runs on every watermark advance: usually nothing goes (and an empty `o` stays, as
    // Python's early return leaves it)
    if !opened.values().any(|e| 0 < e.end && e.end < before) {
        return;
    }
    opened.retain(|_, e| !(0 < e.end && e.end < before));
    if opened.is_empty() {
        state.o = None;
    }
}

/// `holdings.held`: orders, units and value (hundredths) of the buyer's orders not
/// resolved yet, at one seller or all.
pub fn held(state: &BuyerState, seller: Option<&str>) -> (i64, i64, i64) {
    let (mut orders, mut units, mut value) = (0i64, 0i64, 0i64);
    if let Some(opened) = state.o.as_ref() {
        for entry in opened.values() {
            if seller.map_or(true, |s| entry.seller == s) && entry.end <= 0 {
                // (Python's ints do not overflow: saturated here, for unvalidated amounts)
                orders += 1;
                units = units.saturating_add(entry.units);
                value = value.saturating_add(value_of(entry));
            }
        }
    }
    (orders, units, value)
}

/// `holdings.holds_at`: whether the order of an `o` entry held stock at `t` (from its
/// creation until its resolution or, while it has none, its payment deadline).
pub fn holds_at(entry: &OrderEntry, t: i64) -> bool {
    let end = hold_end(entry);
    entry.t <= t && (end == 0 || end > t)
}

/// `holdings.hold_end`: when the order stopped (or will stop) holding stock; 0: not known.
pub fn hold_end(entry: &OrderEntry) -> i64 {
    if entry.end >= 0 { entry.end } else { entry.t - entry.end }
}

/// `holdings.orders_at`: the orders at one seller, resolved or not, oldest first (then by
/// creation id), each with its creation id whole (`eventids::packed_whole`).
pub fn orders_at(state: &BuyerState, seller: &str) -> Vec<(String, OrderEntry)> {
    let mut found: Vec<(String, OrderEntry)> = Vec::new();
    if let Some(opened) = state.o.as_ref() {
        for (order_id, e) in opened {
            if e.seller == seller {
                let mut e = e.clone();
                e.created = packed_whole(&e.created, order_id);
                found.push((order_id.clone(), e));
            }
        }
    }
    // list.sort is stable, as sort_by_cached_key is
    found.sort_by_cached_key(|(_, e)| (e.t, event_id_of(e)));
    found
}

/// `holdings.held_at`: the orders at one seller unpaid at event time `t`, oldest first.
pub fn held_at(state: &BuyerState, seller: &str, t: i64) -> Vec<(String, OrderEntry)> {
    orders_at(state, seller).into_iter().filter(|(_, e)| holds_at(e, t)).collect()
}

/// `holdings.value_of`: an open order's value in hundredths of its currency.
pub fn value_of(entry: &OrderEntry) -> i64 {
    match &entry.amount {
        Amount::Int(v) => *v,
        Amount::None => 0,
        Amount::Str(s) => cents(s),
    }
}

/// `fields.cents` of a string: hundredths in a decimal string; anything that is not a
/// finite decimal counts as 0. Plain decimals (all a validated event carries) go by
/// `fields::plain_cents`; other strings as `int(Decimal(amount) * 100)` would take them.
pub fn cents(amount: &str) -> i64 {
    plain_cents(amount).or_else(|| decimal_cents(amount)).unwrap_or(0)
}

/// `int(Decimal(s) * 100)` for the strings `Decimal` takes (surrounding whitespace, a sign,
/// digits with `_` between them, a point, an exponent); `None` for the rest (and for NaN
/// and the infinities, which `cents` counts as 0). Saturates beyond 64 bits.
fn decimal_cents(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let exp: i64 = match exp {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            let v: i64 = underscored_digits(digits)?.parse().unwrap_or(i64::MAX / 4);
            if e.starts_with('-') { -v } else { v }
        }
    };
    let (whole, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    let whole = if whole.is_empty() { String::new() } else { underscored_digits(whole)? };
    let frac = if frac.is_empty() { String::new() } else { underscored_digits(frac)? };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    // value = digits * 10^(exp - len(frac)); times 100, truncated toward zero
    let digits = format!("{whole}{frac}");
    let shift = exp.saturating_sub(frac.len() as i64).saturating_add(2);
    let kept: String = if shift >= 0 {
        if digits.trim_start_matches('0').is_empty() {
            "0".into()
        } else if shift > 40 {
            return Some(if neg { i64::MIN } else { i64::MAX });
        } else {
            format!("{digits}{}", "0".repeat(shift as usize))
        }
    } else {
        let cut = (-shift) as usize;
        if cut >= digits.len() { "0".into() } else { digits[..digits.len() - cut].to_string() }
    };
    let kept = kept.trim_start_matches('0');
    let v: i64 = if kept.is_empty() { 0 } else if kept.len() > 18 { i64::MAX } else { kept.parse().ok()? };
    Some(if neg { -v } else { v })
}

/// ASCII digits with single `_` between them (as Python's numeric parsers take them), the
/// underscores removed; `None` otherwise.
fn underscored_digits(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            if !b[i - 1].is_ascii_digit() {
                return None;
            }
        } else if c.is_ascii_digit() {
            out.push(c as char);
        } else {
            return None;
        }
    }
    Some(out)
}

/// `holdings.value_bound`: more than an open order's value in hundredths, without parsing
/// it: `100 * 10 ** digits` for an amount with `digits` before the point.
///
/// Python's bounds for 17 and 18 digits exceed 64 bits: they saturate at `i64::MAX` here
/// (a validated amount has at most 14 digits and a sign).
pub fn value_bound(entry: &OrderEntry) -> i64 {
    match &entry.amount {
        Amount::Int(v) => *v,
        Amount::None => 0,
        Amount::Str(amount) => {
            // Python counts code points, not bytes
            let digits = match amount.find('.') {
                Some(i) => amount[..i].chars().count(),
                None => amount.chars().count(),
            };
            if digits < 19 {
                10i64.checked_pow(digits as u32).and_then(|p| p.checked_mul(100)).unwrap_or(i64::MAX)
            } else {
                1 << 62
            }
        }
    }
}

/// `holdings.event_id_of`: the id of an order's creation, from an entry of `orders_at`.
pub fn event_id_of(entry: &OrderEntry) -> String {
    unpack(&entry.created)
}

/// `item.get("quantity", 1)` as `open_order` and `_skus` take it: an int (not a bool)
/// floored at 0, else `holdings._quantity`.
fn quantity_of(q: &Value) -> i64 {
    match q {
        Value::Number(n) if n.is_i64() => n.as_i64().unwrap_or(0).max(0),
        Value::Number(n) if n.is_u64() => i64::MAX, // beyond 64 bits in Python too: saturated
        other => py_quantity(other),
    }
}

/// `holdings._quantity`: `max(int(value), 0)`, 1 when `int()` refuses it.
fn py_quantity(value: &Value) -> i64 {
    match value {
        Value::Bool(b) => i64::from(*b),
        // int(float) truncates (floats from JSON are finite); saturating beyond 64 bits
        Value::Number(n) => n.as_f64().map_or(1, |f| (f.trunc() as i64).max(0)),
        Value::String(s) => py_int_str(s).map_or(1, |v| v.max(0)),
        // int(None), int([...]), int({...}): TypeError
        _ => 1,
    }
}

/// `int(s)` of a string: surrounding whitespace, a sign, ASCII digits with single `_`
/// between them. `None` where Python raises ValueError (and for non-ASCII digits, which
/// Python takes: an unvalidated event's quantity only). Saturates beyond 64 bits.
fn py_int_str(s: &str) -> Option<i64> {
    let s = s.trim_matches(|c: char| c.is_whitespace());
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = underscored_digits(digits)?;
    let digits = digits.trim_start_matches('0');
    let v: i64 = if digits.is_empty() { 0 } else if digits.len() > 18 { i64::MAX } else { digits.parse().ok()? };
    Some(if neg { -v } else { v })
}

/// `str(value or "")`: the sku of a line whose sku is not a string (validated events
/// always carry string skus). Floats, lists and objects print as Python prints them, as
/// far as `py_repr` follows it.
fn py_str_or_empty(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => String::new(),
        Some(Value::Array(a)) if a.is_empty() => String::new(),
        Some(Value::Object(m)) if m.is_empty() => String::new(),
        Some(v) => py_repr(v, true),
    }
}

/// Python's `str()` (`top`) or `repr()` of a JSON value.
fn py_repr(v: &Value, top: bool) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Number(n) => py_float_repr(n.as_f64().unwrap_or(0.0)),
        Value::String(s) if top => s.clone(),
        Value::String(s) => py_str_repr(s),
        Value::Array(a) => format!("[{}]", a.iter().map(|x| py_repr(x, false)).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter().map(|(k, x)| format!("{}: {}", py_str_repr(k), py_repr(x, false))).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `repr(float)`: the shortest digits that round-trip, positional for exponents -4..16.
fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sci = format!("{f:e}"); // e.g. "-1.2345e-7": the shortest round-trip digits
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mant) = match mant.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mant),
    };
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        if exp < 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
        } else {
            let point = exp as usize + 1;
            if digits.len() <= point {
                format!("{sign}{digits}{}.0", "0".repeat(point - digits.len()))
            } else {
                format!("{sign}{}.{}", &digits[..point], &digits[point..])
            }
        }
    } else {
        let m = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        format!("{sign}{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// `repr(str)`, for the common characters (quotes, backslashes, control characters).
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `holdings._skus`: append an order's `sku, quantity` pairs (merged; the largest
/// `SKU_CAP`) to the entry; return its units. A line that is not an object counts one unit.
fn skus(items: &[Value], entry: &mut OrderEntry) -> i64 {
    let mut per: IndexMap<String, i64> = IndexMap::default();
    let mut units: i64 = 0;
    for item in items {
        if let Value::Object(item) = item {
            let quantity = match item.get("quantity") {
                None => 1,
                Some(q) => quantity_of(q),
            };
            let sku = py_str_or_empty(item.get("sku"));
            let n = per.entry(sku).or_insert(0);
            *n = n.saturating_add(quantity);
            units = units.saturating_add(quantity);
        } else {
            units = units.saturating_add(1);
        }
    }
    if per.len() <= SKU_CAP {
        entry.skus.extend(per);
    } else {
        let mut pairs: Vec<(String, i64)> = per.into_iter().collect();
        pairs.sort_by(|a, b| (-a.1, &a.0).cmp(&(-b.1, &b.0)));
        pairs.truncate(SKU_CAP);
        entry.skus.extend(pairs);
    }
    units
}

/// `int(datetime.fromisoformat(ts).timestamp())` for the shapes Python 3.11 takes beyond
/// `fields::quick_epoch`'s: dates `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-Www[-D]`, `YYYYWww[D]`;
/// any one separator character; times `HH[:MM[:SS[.f]]]` or `HH[MM[SS[.f]]]` (`.` or `,`,
/// fractions truncated); offsets `Z` or `±HH[[:]MM[[:]SS[.f]]]`, spaces before it. A time
/// without an offset is read as UTC (Python reads it as local time: validated events
/// always carry an offset). `None` for what it does not take.
pub fn iso_epoch(ts: &str) -> Option<i64> {
    let b = ts.as_bytes();
    if !ts.is_ascii() || b.len() < 7 {
        return None;
    }
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    let year = num(&b[0..4])?;
    if year < 1 {
        return None;
    }
    // the date part: its day number and its length
    let (day, date_len) = if b[4] == b'-' {
        if b.get(5) == Some(&b'W') {
            let week = num(b.get(6..8)?)?;
            let (dow, len) = if b.get(8) == Some(&b'-') { (num(b.get(9..10)?)?, 10) } else { (1, 8) };
            (iso_week_day(year, week, dow)?, len)
        } else {
            let (m, d) = (num(b.get(5..7)?)?, num(b.get(8..10)?)?);
            if b.get(7) != Some(&b'-') {
                return None;
            }
            (civil_day(year, m, d)?, 10)
        }
    } else if b[4] == b'W' {
        let week = num(b.get(5..7)?)?;
        match b.get(7) {
            Some(c) if c.is_ascii_digit() => (iso_week_day(year, week, i64::from(c - b'0'))?, 8),
            _ => (iso_week_day(year, week, 1)?, 7),
        }
    } else {
        let (m, d) = (num(b.get(4..6)?)?, num(b.get(6..8)?)?);
        (civil_day(year, m, d)?, 8)
    };
    let rest = &ts[date_len..];
    if rest.is_empty() {
        return Some(day * DAY);
    }
    // one separator character (any), then the time
    let rest = rest.get(1..)?;
    let tz_at = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
    let (time, tz) = rest.split_at(tz_at);
    let time = time.trim_end_matches(' ');
    let secs = time_of(time)?;
    let offset = match tz {
        "" => 0,
        "Z" => 0,
        _ => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * time_of(&tz[1..])?
        }
    };
    Some(day * DAY + secs - offset)
}

/// Seconds in a `HH[:MM[:SS[.f]]]` (or `HHMMSS`) time of day or UTC offset (fractions
/// truncated).
fn time_of(s: &str) -> Option<i64> {
    let (clock, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if let Some(f) = frac {
        if !f.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let parts: Vec<&str> = if clock.contains(':') {
        clock.split(':').collect()
    } else {
        (0..clock.len()).step_by(2).map(|i| clock.get(i..(i + 2).min(clock.len())).unwrap_or("")).collect()
    };
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let v: Vec<i64> = parts.iter().map(|p| p.parse().unwrap_or(99)).collect();
    let (h, m, sec) = (v[0], *v.get(1).unwrap_or(&0), *v.get(2).unwrap_or(&0));
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    Some(h * 3600 + m * 60 + sec)
}

fn civil_day(y: i64, m: i64, d: i64) -> Option<i64> {
    let days = match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        _ => return None,
    };
    if d < 1 || d > days {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// The day of ISO week `week`, weekday `dow` (1: Monday) of ISO year `year`.
fn iso_week_day(year: i64, week: i64, dow: i64) -> Option<i64> {
    if !(1..=7).contains(&dow) {
        return None;
    }
    let jan4 = days_from_civil(year, 1, 4);
    let jan4_dow = (jan4 + 3).rem_euclid(7); // 0: Monday (1970-01-01 was a Thursday)
    let week1 = jan4 - jan4_dow;
    // weeks: 52, or 53 when the year starts on a Thursday (or a leap year on a Wednesday)
    let jan1_dow = (days_from_civil(year, 1, 1) + 3).rem_euclid(7);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let weeks = if jan1_dow == 3 || (leap && jan1_dow == 2) { 53 } else { 52 };
    if week < 1 || week > weeks {
        return None;
    }
    Some(week1 + (week - 1) * 7 + dow - 1)
}
