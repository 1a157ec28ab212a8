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
//! - JSON nested deeper than 127 arrays or objects (the event's object one of them):
//!   serde_json's recursion limit (orjson's is higher).
//!
//! Two readers give the same answers: with `keep` (the dict API) serde_json builds the whole
//! object (`parse_object`, `quick_pass`, `Event::from_validated`); without it (replay's path)
//! `Fields::read` reads the top level of the object by hand, straight into typed slots, and
//! hands serde_json only what it cannot read surely (see `Reader`).

use std::borrow::Cow;

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
/// it); without it the line is read straight into the typed fields (`Fields`), with the same
/// answers.
pub fn quick_event(line: &[u8], keep: bool) -> Option<Event> {
    if !keep {
        let mut fields = Fields::default();
        fields.read(line)?;
        return fields.into_event();
    }
    let mut obj = parse_object(line)?;
    let t = quick_pass(&obj)?;
    // `raw` shows the defaulted version (the typed fields have none)
    if !obj.contains_key("schema_version") {
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

// --- the typed reader (replay's path) ----------------------------------------------------

/// serde_json's recursion limit: arrays and objects nest at most 127 deep in a document (the
/// event's object one of them): its remaining depth, 128 at the start, must stay above 0.
const MAX_LEVEL: usize = 127;

/// One value of the event's object as `Reader` read it (what `parse_object` would hold at
/// that key, in a cheaper form).
#[derive(Debug)]
enum Raw<'a> {
    Null,
    Bool(bool),
    /// A string, borrowed from the line when it has no escapes.
    Str(Cow<'a, str>),
    /// A non-negative integer (serde_json's `Number` from a `u64`).
    Int(u64),
    /// Anything else (arrays, objects, other numbers); `float`: it holds a float somewhere,
    /// which `parse_object` refuses.
    Other { value: Value, float: bool },
}

impl<'a> Raw<'a> {
    /// The `Value` serde_json would have built.
    fn into_value(self) -> Value {
        match self {
            Raw::Null => Value::Null,
            Raw::Bool(b) => Value::Bool(b),
            Raw::Str(s) => Value::String(s.into_owned()),
            Raw::Int(n) => Value::Number(n.into()),
            Raw::Other { value, .. } => value,
        }
    }

    /// Whether a float is in it (`!no_float`).
    fn has_float(&self) -> bool {
        matches!(self, Raw::Other { float: true, .. })
    }
}

/// A JSON line read by hand with exactly serde_json's grammar and values: its whitespace,
/// its recursion limit, strings without control characters in valid UTF-8, `null`, `true`,
/// `false`, separators without trailing commas, objects as its `Map` builds them (a later
/// duplicate key replaces the value at the first one's place), nothing after the value.
/// What it does not read surely itself it hands to serde_json at the same place, which reads
/// or refuses it as it would inside the whole line: strings with escapes, and numbers other
/// than plain integers below 10^18 (fractions, exponents, signs, leading zeros, big ones).
/// So it accepts exactly what `serde_json::from_slice` accepts, with the same values.
struct Reader<'a> {
    /// The line; `line.as_bytes()` is `bytes`.
    line: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Whether serde_json read a float since this was last cleared: only then are the
    /// values looked through for floats.
    saw_float: bool,
    /// The entries of the objects being read, one list for each level (kept for reuse).
    entries: Vec<Vec<(String, Value)>>,
}

impl<'a> Reader<'a> {
    /// A reader at the start of the line; `None` when it is not UTF-8 (serde_json refuses
    /// invalid UTF-8 in a string, and any byte past ASCII outside one).
    fn new(line: &'a [u8]) -> Option<Reader<'a>> {
        let line = std::str::from_utf8(line).ok()?;
        Some(Reader { line, bytes: line.as_bytes(), pos: 0, saw_float: false, entries: Vec::new() })
    }

    /// Skips serde_json's whitespace (JSON's four characters).
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte, not taken.
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The next byte, taken.
    fn byte(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// The string at `pos` (its `"`), borrowed when it has no escape; no control
    /// character may be in it. serde_json decodes one with an escape.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.pos + 1;
        let mut end = start;
        // eight bytes at a time, to the first that may be one of those
        while let Some(word) = self.bytes.get(end..end + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            let special = special_bytes(u64::from_le_bytes(word));
            if special != 0 {
                end += special.trailing_zeros() as usize / 8;
                break;
            }
            end += 8;
        }
        // then byte by byte
        loop {
            match *self.bytes.get(end)? {
                b'"' => break,
                b'\\' => return self.serde_string().map(Cow::Owned),
                c if c < 0x20 => return None,
                _ => end += 1,
            }
        }
        self.pos = end + 1;
        self.line.get(start..end).map(Cow::Borrowed)
    }

    /// serde_json's reading of the string at `pos`.
    fn serde_string(&mut self) -> Option<String> {
        let mut values = serde_json::Deserializer::from_slice(&self.bytes[self.pos..]).into_iter::<String>();
        let s = values.next()?.ok()?;
        self.pos += values.byte_offset();
        Some(s)
    }

    /// serde_json's reading of the number at `pos` (or its refusal of what is there).
    fn serde_number(&mut self) -> Option<Value> {
        let mut values = serde_json::Deserializer::from_slice(&self.bytes[self.pos..]).into_iter::<Value>();
        let value = values.next()?.ok()?;
        self.pos += values.byte_offset();
        match &value {
            Value::Number(n) => self.saw_float |= n.is_f64(),
            _ => return None, // only a number can start with what is left
        }
        Some(value)
    }

    /// A plain integer at `pos` (ASCII digits, no leading zero, below 10^18, not followed by
    /// a fraction or exponent): the one number read here.
    fn plain_int(&mut self) -> Option<u64> {
        let rest = &self.bytes[self.pos..];
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        let plain = (1..=18).contains(&digits)
            && (digits == 1 || rest[0] != b'0')
            && !matches!(rest.get(digits), Some(b'.' | b'e' | b'E'));
        if !plain {
            return None;
        }
        self.pos += digits;
        Some(rest[..digits].iter().fold(0, |n, c| n * 10 + u64::from(c - b'0')))
    }

    /// `null`, `true` or `false` at `pos`.
    fn literal(&mut self) -> Option<Option<bool>> {
        let rest = &self.bytes[self.pos..];
        let (word, value): (&[u8], _) = match rest.first()? {
            b'n' => (b"null", None),
            b't' => (b"true", Some(true)),
            _ => (b"false", Some(false)),
        };
        if !rest.starts_with(word) {
            return None;
        }
        self.pos += word.len();
        Some(value)
    }

    /// The value at `pos` inside an array or object at `level` (1: the event's object).
    fn value(&mut self, level: usize) -> Option<Value> {
        Some(match self.peek()? {
            b'"' => Value::String(self.string()?.into_owned()),
            b'{' => self.object(level + 1)?,
            b'[' => self.array(level + 1)?,
            b'n' | b't' | b'f' => self.literal()?.map_or(Value::Null, Value::Bool),
            b'0'..=b'9' => match self.plain_int() {
                Some(n) => Value::Number(n.into()),
                None => self.serde_number()?,
            },
            _ => self.serde_number()?,
        })
    }

    /// The array at `pos`, itself at `level`.
    fn array(&mut self, level: usize) -> Option<Value> {
        if level > MAX_LEVEL {
            return None;
        }
        self.pos += 1;
        let mut values = Vec::new();
        self.skip_ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(Value::Array(values));
        }
        loop {
            values.push(self.value(level)?);
            self.skip_ws();
            match self.byte()? {
                b',' => self.skip_ws(),
                b']' => return Some(Value::Array(values)),
                _ => return None,
            }
        }
    }

    /// The object at `pos`, itself at `level` (2 and more: the event's are read by
    /// `Fields::read`), as serde_json's `Map` holds it.
    fn object(&mut self, level: usize) -> Option<Value> {
        if level > MAX_LEVEL {
            return None;
        }
        self.pos += 1;
        if self.entries.len() <= level {
            self.entries.resize_with(level + 1, Vec::new);
        }
        let mut entries = std::mem::take(&mut self.entries[level]);
        self.skip_ws();
        if self.peek()? == b'}' {
            self.pos += 1;
        } else {
            loop {
                if self.peek()? != b'"' {
                    return None; // a key must be a string (no trailing comma either)
                }
                let key = self.string()?.into_owned();
                self.skip_ws();
                if self.byte()? != b':' {
                    return None;
                }
                self.skip_ws();
                let value = self.value(level)?;
                entries.push((key, value));
                self.skip_ws();
                match self.byte()? {
                    b',' => self.skip_ws(),
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        // `Map::insert` each in turn, as serde_json does (sized once)
        let map: Map<String, Value> = entries.drain(..).collect();
        self.entries[level] = entries;
        Some(Value::Object(map))
    }

    /// A value of the event's object: strings borrowed, the rest as serde_json reads it.
    fn field(&mut self) -> Option<Raw<'a>> {
        match self.peek()? {
            b'"' => return self.string().map(Raw::Str),
            b'n' | b't' | b'f' => return self.literal().map(|v| v.map_or(Raw::Null, Raw::Bool)),
            b'0'..=b'9' => {
                if let Some(n) = self.plain_int() {
                    return Some(Raw::Int(n));
                }
            }
            _ => {}
        }
        self.saw_float = false;
        let value = self.value(1)?;
        let float = self.saw_float && has_float(&value);
        Some(Raw::Other { value, float })
    }
}

/// The bytes of `word` (eight, the first lowest) that are a quote, a backslash or a control
/// character (below 0x20), the bytes a string's scan stops at: their high bits set, and
/// perhaps some after the first such byte, never one before it. (A byte below `n`, at most
/// 0x80, sets its high bit in `(x - n * ONES) & !x & HIGH`, the first exactly; a byte equal
/// to `c` is a byte below 1 in `x ^ c * ONES`.)
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    below(word, 0x20) | below(quote, 1) | below(backslash, 1)
}

/// Whether `value` holds a float (`!no_float`).
fn has_float(value: &Value) -> bool {
    !no_float(value)
}

/// The fields of one event line that `validate_event`'s quick pass and `Event` read, each
/// the last value its key had in the object (a Python dict keeps the last one, as
/// `parse_object` does); `None`: absent.
#[derive(Default)]
struct Fields<'a> {
    etype: Option<Raw<'a>>,
    event_id: Option<Raw<'a>>,
    seller_id: Option<Raw<'a>>,
    marketplace: Option<Raw<'a>>,
    occurred_at: Option<Raw<'a>>,
    order_id: Option<Raw<'a>>,
    buyer_id: Option<Raw<'a>>,
    actor: Option<Raw<'a>>,
    shipping: Option<Raw<'a>>,
    payment: Option<Raw<'a>>,
    device: Option<Raw<'a>>,
    amount: Option<Raw<'a>>,
    currency: Option<Raw<'a>>,
    items: Option<Raw<'a>>,
    dispute_id: Option<Raw<'a>>,
    chargeback_id: Option<Raw<'a>>,
    refund_id: Option<Raw<'a>>,
    payment_deadline_at: Option<Raw<'a>>,
    deadline_at: Option<Raw<'a>>,
    schema_version: Option<Raw<'a>>,
    text: Option<Raw<'a>>,
    /// The other keys whose (last) value holds a float: `parse_object` refuses the line if
    /// any is left at the end.
    floats: Vec<Cow<'a, str>>,
}

/// `get(key)` on a slot: the value unless it is absent or null.
fn got<'r, 'a>(slot: &'r Option<Raw<'a>>) -> Option<&'r Raw<'a>> {
    slot.as_ref().filter(|v| !matches!(v, Raw::Null))
}

/// `opt_str` on a slot: `Ok(Some(s))` for a string, `Ok(None)` absent or null, `Err` else.
fn slot_str<'r>(slot: &'r Option<Raw<'_>>) -> Result<Option<&'r str>, ()> {
    match got(slot) {
        None => Ok(None),
        Some(Raw::Str(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

/// `non_empty` on a slot: a non-empty string (null is no string).
fn slot_non_empty<'r>(slot: &'r Option<Raw<'_>>) -> Option<&'r str> {
    match slot {
        Some(Raw::Str(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// A slot `slot_str` accepted, as the `Event`'s field.
fn owned_str(slot: Option<Raw<'_>>) -> Option<String> {
    match slot {
        Some(Raw::Str(s)) => Some(s.into_owned()),
        _ => None,
    }
}

/// A slot holding null, nothing or an object (checked), as the `Event`'s map.
fn owned_map(slot: Option<Raw<'_>>) -> Option<Map<String, Value>> {
    match slot {
        Some(Raw::Other { value: Value::Object(m), .. }) => Some(m),
        _ => None,
    }
}

impl<'a> Fields<'a> {
    /// `parse_object(line)` read into the (empty) slots: `None` where it gives `None` (not
    /// JSON as serde_json reads it, not an object, a float left in it, nested too deep).
    fn read(&mut self, line: &'a [u8]) -> Option<()> {
        let mut r = Reader::new(line)?;
        r.skip_ws();
        if r.byte()? != b'{' {
            return None;
        }
        r.skip_ws();
        if r.peek()? == b'}' {
            r.pos += 1;
        } else {
            loop {
                if r.peek()? != b'"' {
                    return None; // a key must be a string (no trailing comma either)
                }
                let key = r.string()?;
                r.skip_ws();
                if r.byte()? != b':' {
                    return None;
                }
                r.skip_ws();
                let value = r.field()?;
                self.put(key, value);
                r.skip_ws();
                match r.byte()? {
                    b',' => r.skip_ws(),
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        r.skip_ws();
        if r.pos != line.len() {
            return None; // trailing characters
        }
        let slots = [
            &self.etype, &self.event_id, &self.seller_id, &self.marketplace, &self.occurred_at,
            &self.order_id, &self.buyer_id, &self.actor, &self.shipping, &self.payment,
            &self.device, &self.amount, &self.currency, &self.items, &self.dispute_id,
            &self.chargeback_id, &self.refund_id, &self.payment_deadline_at, &self.deadline_at,
            &self.schema_version, &self.text,
        ];
        let float = slots.iter().any(|slot| slot.as_ref().is_some_and(Raw::has_float));
        (self.floats.is_empty() && !float).then_some(())
    }

    /// `obj[key] = value` (a later duplicate key replaces the value).
    fn put(&mut self, key: Cow<'a, str>, value: Raw<'a>) {
        let slot = match key.as_ref() {
            "type" => &mut self.etype,
            "event_id" => &mut self.event_id,
            "seller_id" => &mut self.seller_id,
            "marketplace" => &mut self.marketplace,
            "occurred_at" => &mut self.occurred_at,
            "order_id" => &mut self.order_id,
            "buyer_id" => &mut self.buyer_id,
            "actor" => &mut self.actor,
            "shipping" => &mut self.shipping,
            "payment" => &mut self.payment,
            "device" => &mut self.device,
            "amount" => &mut self.amount,
            "currency" => &mut self.currency,
            "items" => &mut self.items,
            "dispute_id" => &mut self.dispute_id,
            "chargeback_id" => &mut self.chargeback_id,
            "refund_id" => &mut self.refund_id,
            "payment_deadline_at" => &mut self.payment_deadline_at,
            "deadline_at" => &mut self.deadline_at,
            "schema_version" => &mut self.schema_version,
            "text" => &mut self.text,
            _ => {
                // only whether its last value holds a float matters
                if let Some(i) = self.floats.iter().position(|k| *k == key) {
                    self.floats.swap_remove(i);
                }
                if value.has_float() {
                    self.floats.push(key);
                }
                return;
            }
        };
        *slot = Some(value);
    }

    /// `quick_pass`, on the slots: `Some(epoch of occurred_at)` when it accepts the event.
    fn quick_pass(&self) -> Option<(EType, i64)> {
        let etype = match &self.etype {
            Some(Raw::Str(s)) => EType::parse(s)?,
            _ => return None,
        };
        slot_non_empty(&self.event_id)?;
        slot_non_empty(&self.seller_id)?;
        match &self.marketplace {
            Some(Raw::Str(m)) if MARKETPLACES.contains(&m.as_ref()) => {}
            _ => return None,
        }
        let occurred = match &self.occurred_at {
            Some(Raw::Str(s)) => s,
            _ => return None,
        };
        let order = slot_str(&self.order_id).ok()?;
        let buyer = slot_str(&self.buyer_id).ok()?.filter(|b| !b.is_empty());
        if order.map_or(true, str::is_empty) && !(buyer.is_some() && etype == EType::BuyerMessage) {
            return None;
        }
        let t = quick_epoch(occurred)?;
        match slot_str(&self.actor).ok()? {
            Some(actor) if !ACTORS.contains(&actor) => return None,
            _ => {}
        }
        for slot in [&self.shipping, &self.payment, &self.device] {
            if !matches!(got(slot), None | Some(Raw::Other { value: Value::Object(_), .. })) {
                return None;
            }
        }
        match got(&self.amount) {
            None if etype == EType::OrderCreated => return None,
            None => {}
            Some(Raw::Str(a)) if plain_decimal(a) => {}
            Some(_) => return None,
        }
        match got(&self.currency) {
            None => {}
            Some(Raw::Str(c)) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => {}
            Some(_) => return None,
        }
        // `items`: a list or nothing; order.created's must be plain. (The quick pass looks at
        // no other type's items, but `Event` holds only a list: as `from_validated`, refuse.)
        match got(&self.items) {
            None => {}
            Some(Raw::Other { value: items @ Value::Array(_), .. }) => {
                if etype == EType::OrderCreated && !plain_items(items) {
                    return None;
                }
            }
            Some(_) => return None,
        }
        if etype == EType::OrderCreated {
            buyer?;
        }
        for slot in [&self.dispute_id, &self.chargeback_id, &self.refund_id] {
            slot_str(slot).ok()?;
        }
        for slot in [&self.payment_deadline_at, &self.deadline_at] {
            match got(slot) {
                None => {}
                Some(Raw::Str(s)) if quick_epoch(s).is_some() => {}
                Some(_) => return None,
            }
        }
        // obj.setdefault("schema_version", 1) != 1: absent, or the integer 1
        match &self.schema_version {
            None | Some(Raw::Int(1)) => {}
            Some(Raw::Other { value: Value::Number(n), .. }) if n.as_i64() == Some(SCHEMA_VERSION) => {}
            Some(_) => return None,
        }
        Some((etype, t))
    }

    /// `Event::from_validated(obj, t, keep=false)` of the event the quick pass accepted.
    fn into_event(self) -> Option<Event> {
        let (etype, t) = self.quick_pass()?;
        let actor = match self.actor {
            Some(Raw::Null) => Some(String::new()),
            other => owned_str(other),
        };
        Some(Event {
            event_id: owned_str(self.event_id)?,
            etype,
            occurred_at: owned_str(self.occurred_at)?,
            t,
            marketplace: owned_str(self.marketplace)?,
            seller_id: owned_str(self.seller_id)?,
            buyer_id: owned_str(self.buyer_id),
            order_id: owned_str(self.order_id),
            amount: owned_str(self.amount),
            currency: owned_str(self.currency),
            items: match self.items {
                Some(Raw::Other { value: Value::Array(a), .. }) => Some(a),
                _ => None,
            },
            shipping: owned_map(self.shipping),
            payment: owned_map(self.payment),
            device: owned_map(self.device),
            payment_deadline_at: owned_str(self.payment_deadline_at),
            deadline_at: owned_str(self.deadline_at),
            actor,
            chargeback_id: owned_str(self.chargeback_id),
            text: self.text.map(Raw::into_value),
            raw: None,
        })
    }
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

    /// Both readers' answer on a line: `None`, or the typed event (`raw` left out).
    fn both(line: &str) -> (Option<String>, Option<String>) {
        let typed = |keep| {
            quick_event(line.as_bytes(), keep).map(|mut e| {
                e.raw = None;
                format!("{e:?}")
            })
        };
        (typed(true), typed(false))
    }

    #[test]
    fn the_typed_reader_answers_as_serde_json() {
        let base = &LINE[..LINE.len() - 1];
        let accepted = |extra: &str| {
            let (kept, typed) = both(&format!("{base}{extra}}}"));
            assert_eq!(kept, typed, "{extra}");
            typed.is_some()
        };
        for extra in [
            "", r#","x":1.5,"x":1"#, r#","x":{"a":1.5,"a":1}"#, r#","x" : [ ] , "y" : { } "#,
            r#","\u0078":1.5,"x":1"#, r#","typ\u0065":"order.created""#, r#","x":"\ud83d\ude00""#,
            r#","text":-0,"text":0"#, r#","shipping":{"a":"x","a":"y","b":null}"#, r#","x":-5"#,
            r#","x":18446744073709551615"#, r#","x":[true,false,null,"é"]"#,
        ] {
            assert!(accepted(extra), "{extra}");
        }
        for extra in [
            r#","x":1,"x":1.5"#, r#","x":{"a":1,"a":1.5}"#, r#","x":[1,]"#, r#","x":{"a":1,}"#,
            r#","x":-0"#, r#","x":01"#, r#","x":1e400"#, r#","x":18446744073709551616"#, ",",
            r#","x":"\ud83d""#, "\"x\":1", r#","x":nul"#, ",\"x\":\"a\tb\"" /* a tab */, r#","x":[1 2]"#,
            r#","schema_version":1.0"#, r#","items":{}"#,
        ] {
            assert!(!accepted(extra), "{extra}");
        }
        // serde_json's limit: 127 arrays and objects in all, the event's object one of them
        let nested = |n: usize| format!(r#","x":{}{}"#, "[".repeat(n), "]".repeat(n));
        assert!(accepted(&nested(126)));
        assert!(!accepted(&nested(127)));
        let line = format!(" \n{LINE}\r\t");
        assert_eq!(both(&line).1, both(LINE).1);
        for line in ["", "{", "{}", "{ }", "[]", "null", "{}x", "\u{feff}{}"] {
            assert_eq!(both(line), (None, None), "{line}");
        }
    }

    #[test]
    fn special_bytes_finds_the_first() {
        for special in [b'"', b'\\', 0x00, 0x1f] {
            for at in 0..8 {
                for fill in [b'a', b' ', 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']', 0x20] {
                    let mut word = [fill; 8];
                    word[at] = special;
                    let mask = special_bytes(u64::from_le_bytes(word));
                    assert_eq!(mask.trailing_zeros() as usize / 8, at, "{word:?}");
                }
            }
        }
        assert_eq!(special_bytes(u64::from_le_bytes(*b"abcdefgh")), 0);
        assert_eq!(special_bytes(u64::from_le_bytes([0x20, 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']'])), 0);
    }
}
