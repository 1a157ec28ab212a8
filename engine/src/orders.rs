//! `streams/core/orders.py`: the orders stage as a pure step: dedupe, order status, and
//! the buyer of thin follow-ups.
//!
//! `OrderState` mirrors the Python state dict of one order (see the module docstring of
//! `streams/core/orders.py`): `b` (the buyer), `st` (status), `c` (created seen), `j` (the
//! event ids seen, packed, each ended by `SEP`), `i` (the older layout's ids), `h` (held
//! follow-ups), `hx` (follow-ups dropped), `d` (date of the latest event), `p` (partition).
//! A `None` field is an absent key. The keys' insertion order is tracked too (`KeyOrder`),
//! so that `to_py` gives a dict whose `list(d)` is the Python one's.

use std::borrow::Cow;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::event::{EType, Event};
use crate::eventids::pack;
use crate::pyconv::{event_from_py, event_to_py};
use crate::sweep::prefix_chars;

/// `orders.MAX_IDS`: an order's life has a dozen events; redeliveries repeat recent ones.
pub const MAX_IDS: usize = 32;
/// `orders.SEP`: ends each id in `j` (DEL: not found in real ids, one byte in JSON).
pub const SEP: char = '\x7f';
/// `orders.OLD_SEP`: ended each id in the older layout's `i`.
pub const OLD_SEP: char = '\x1f';
/// `orders.MAX_HELD`.
pub const MAX_HELD: usize = 16;

/// `orders._STATUS`: the status an event type sets and its rank (a status only ever moves
/// up in rank, so a late `order.paid` cannot undo `order.shipped`).
fn status_of(etype: EType) -> Option<(&'static str, i64)> {
    Some(match etype {
        EType::OrderCreated => ("created", 1),
        EType::OrderPaid => ("paid", 2),
        EType::OrderShipped => ("shipped", 3),
        EType::OrderDelivered => ("delivered", 4),
        EType::OrderCancelled => ("cancelled", 5),
        EType::OrderClosedUnpaid => ("closed_unpaid", 5),
        _ => return None,
    })
}

/// `orders._RANK.get(status, 0)`.
fn rank_of(status: &str) -> i64 {
    match status {
        "created" => 1,
        "paid" => 2,
        "shipped" => 3,
        "delivered" => 4,
        "cancelled" | "closed_unpaid" => 5,
        _ => 0,
    }
}

/// A key of the state dict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    B = 1,
    St,
    C,
    J,
    I,
    H,
    Hx,
    D,
    P,
}

impl Key {
    const ALL: [Key; 9] = [Key::B, Key::St, Key::C, Key::J, Key::I, Key::H, Key::Hx, Key::D, Key::P];

    fn name(self) -> &'static str {
        ["b", "st", "c", "j", "i", "h", "hx", "d", "p"][self as usize - 1]
    }

    fn parse(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// The order in which the state's keys were inserted, as a Python dict keeps it: 4 bits a
/// key (`Key as u8`, never 0), the first key in the lowest bits, 0 past the last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct KeyOrder(u64);

impl KeyOrder {
    fn iter(self) -> impl Iterator<Item = Key> {
        (0..Key::ALL.len())
            .map(move |n| ((self.0 >> (4 * n)) & 0xF) as usize)
            .take_while(|&k| k != 0)
            .map(|k| Key::ALL[k - 1])
    }

    fn len(self) -> usize {
        self.iter().count()
    }

    fn has(self, key: Key) -> bool {
        self.iter().any(|k| k == key)
    }

    /// `d[key] = ...`: a new key goes last; an existing one keeps its place.
    fn insert(&mut self, key: Key) {
        if !self.has(key) {
            self.0 |= (key as u64) << (4 * self.len());
        }
    }

    /// `del d[key]`: the keys after it move up one place.
    fn remove(&mut self, key: Key) {
        if let Some(n) = self.iter().position(|k| k == key) {
            let low = self.0 & ((1u64 << (4 * n)) - 1);
            let high = (self.0 >> (4 * (n + 1))) << (4 * n);
            self.0 = low | high;
        }
    }
}

/// `i`: the ids an older state kept whole, as a string (each ended by `OLD_SEP`) or, earlier
/// still, as a list.
#[derive(Clone, Debug, PartialEq)]
pub enum OldIds {
    Str(String),
    List(Vec<String>),
}

/// The orders stage's state of one order (see the module doc).
#[derive(Clone, Debug, Default)]
pub struct OrderState {
    b: Option<String>,
    st: Option<Cow<'static, str>>,
    c: Option<i64>,
    j: Option<String>,
    i: Option<OldIds>,
    h: Option<Vec<Event>>,
    hx: Option<i64>,
    d: Option<String>,
    p: Option<i64>,
    keys: KeyOrder,
}

impl OrderState {
    /// An order not seen before (`step_order(None, event)`): no keys yet.
    pub fn new() -> OrderState {
        OrderState::default()
    }

    /// `b`: the order's buyer.
    pub fn buyer(&self) -> Option<&str> {
        self.b.as_deref()
    }

    /// `st`: the order's status.
    pub fn status(&self) -> Option<&str> {
        self.st.as_deref()
    }

    /// `d`: the UTC date (as written) of the order's latest event.
    pub fn date(&self) -> Option<&str> {
        self.d.as_deref()
    }

    /// `h`: the follow-ups held until the buyer is known.
    pub fn held(&self) -> &[Event] {
        self.h.as_deref().unwrap_or(&[])
    }

    /// `hx`: follow-ups dropped because `h` was full.
    pub fn dropped(&self) -> i64 {
        self.hx.unwrap_or(0)
    }

    /// `p`: the partition that wrote the state.
    pub fn partition(&self) -> Option<i64> {
        self.p
    }

    /// `state["p"] = partition` (the orders agent stamps it).
    pub fn set_partition(&mut self, partition: i64) {
        self.p = Some(partition);
        self.keys.insert(Key::P);
    }

    fn set_j(&mut self, ids: String) {
        self.j = Some(ids);
        self.keys.insert(Key::J);
    }

    /// `orders._upgrade_ids`: move the ids an older state kept whole in `i` to `j`, packed.
    fn upgrade_ids(&mut self) {
        let Some(old) = self.i.take() else { return };
        self.keys.remove(Key::I);
        let whole: Vec<&str> = match &old {
            OldIds::List(ids) => ids.iter().map(String::as_str).collect(),
            OldIds::Str(s) => {
                // str(old).split(OLD_SEP)[:-1]
                let mut parts: Vec<&str> = s.split(OLD_SEP).collect();
                parts.pop();
                parts
            }
        };
        let mut ids = String::new();
        for id in &whole[whole.len().saturating_sub(MAX_IDS)..] {
            ids.push_str(&pack(id));
            ids.push(SEP);
        }
        self.set_j(ids);
    }

    /// The state as the Python dict (keys in the Python order; held events whole).
    pub fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for key in self.keys.iter() {
            let name = key.name();
            match key {
                Key::B => d.set_item(name, self.b.as_deref())?,
                Key::St => d.set_item(name, self.st.as_deref())?,
                Key::C => d.set_item(name, self.c)?,
                Key::J => d.set_item(name, self.j.as_deref())?,
                Key::I => match &self.i {
                    Some(OldIds::Str(s)) => d.set_item(name, s)?,
                    Some(OldIds::List(l)) => d.set_item(name, PyList::new(py, l)?)?,
                    None => d.set_item(name, py.None())?,
                },
                Key::H => {
                    let l = PyList::empty(py);
                    for e in self.held() {
                        l.append(event_to_py(py, e)?)?;
                    }
                    d.set_item(name, l)?;
                }
                Key::Hx => d.set_item(name, self.hx)?,
                Key::D => d.set_item(name, self.d.as_deref())?,
                Key::P => d.set_item(name, self.p)?,
            }
        }
        Ok(d)
    }

    /// A state the Python core wrote. The values must have the types the Python writes
    /// (`c`, `hx`, `p` ints; `b`, `st`, `j`, `d` strings; `i` a string or a list of strings;
    /// `h` a list of validated events): anything else is refused with `ValueError`.
    pub fn from_py(d: &Bound<'_, PyDict>) -> PyResult<OrderState> {
        let mut s = OrderState::default();
        for (name, value) in d.iter() {
            let name: String = name.extract()?;
            let key = Key::parse(&name)
                .ok_or_else(|| PyValueError::new_err(format!("an order state has no key {name:?}")))?;
            match key {
                Key::B => s.b = Some(value.extract()?),
                Key::St => s.st = Some(Cow::Owned(value.extract()?)),
                Key::C => s.c = Some(value.extract()?),
                Key::J => s.j = Some(value.extract()?),
                Key::I => {
                    s.i = Some(if let Ok(text) = value.downcast::<PyString>() {
                        OldIds::Str(text.to_str()?.to_string())
                    } else {
                        OldIds::List(value.downcast::<PyList>()?.extract()?)
                    })
                }
                Key::H => {
                    let mut held = Vec::new();
                    for e in value.downcast::<PyList>()?.iter() {
                        held.push(event_from_py(e.downcast::<PyDict>()?)?);
                    }
                    s.h = Some(held);
                }
                Key::Hx => s.hx = Some(value.extract()?),
                Key::D => s.d = Some(value.extract()?),
                Key::P => s.p = Some(value.extract()?),
            }
            s.keys.insert(key);
        }
        Ok(s)
    }
}

/// `orders.step_order`: fold one event into its order's state and return the events to
/// forward to buyers.
///
/// Redelivered event ids are dropped. A follow-up without `buyer_id` gets the order's
/// buyer; when the buyer is not known yet it is held in the state and released, with
/// `buyer_id` set, right after the first event that names the buyer. An event that names
/// its buyer is forwarded as it is (moved); the others as copies with `buyer_id` set
/// (`Event::with_buyer`). A new order starts from `OrderState::new()` (Python's `None`).
pub fn step_order(state: &mut OrderState, event: Event) -> Vec<Event> {
    // `needle` is SEP + mark; `mark` is the packed id ended by SEP
    let packed = pack(&event.event_id);
    let mut needle = String::with_capacity(packed.len() + 2);
    needle.push(SEP);
    needle.push_str(&packed);
    needle.push(SEP);
    let mark = &needle[1..];
    if state.j.is_none() && state.i.is_some() {
        state.upgrade_ids();
    }
    match state.j.as_mut() {
        Some(ids) if !ids.is_empty() => {
            if ids.starts_with(mark) || ids.contains(needle.as_str()) {
                return Vec::new();
            }
            ids.push_str(mark);
            // len(ids) > 2 * MAX_IDS (in characters) and ids.count(SEP) > MAX_IDS
            if ids.len() > 2 * MAX_IDS
                && ids.bytes().filter(|&c| c == SEP as u8).count() > MAX_IDS
                && ids.chars().count() > 2 * MAX_IDS
            {
                if let Some(first) = ids.find(SEP) {
                    ids.drain(..=first);
                }
            }
        }
        // no ids yet (a new order, or an empty "j"): the key keeps its place if it has one
        _ => state.set_j(mark.to_string()),
    }
    // the date as written (ten characters): an offset may shift it a day
    let day = prefix_chars(&event.occurred_at, 10);
    if day > state.d.as_deref().unwrap_or("") {
        match state.d.as_mut() {
            Some(d) => {
                d.clear();
                d.push_str(day);
            }
            None => {
                state.d = Some(day.to_string());
                state.keys.insert(Key::D);
            }
        }
    }
    if event.etype == EType::OrderCreated {
        if state.c.is_some() {
            return Vec::new(); // an order is created once, whatever its event id
        }
        state.c = Some(1);
        state.keys.insert(Key::C);
    }
    if let Some((status, rank)) = status_of(event.etype) {
        let moves = match state.st.as_deref() {
            None => true,
            Some(current) => rank > rank_of(current),
        };
        if moves {
            state.st = Some(Cow::Borrowed(status));
            state.keys.insert(Key::St);
        }
    }
    if let Some(buyer) = event.buyer_id.as_deref().filter(|b| !b.is_empty()) {
        if state.b.is_some() {
            return vec![event];
        }
        state.b = Some(buyer.to_string());
        state.keys.insert(Key::B);
        // state.pop("h", None): the key goes even when the list is empty
        let held = state.h.take();
        state.keys.remove(Key::H);
        let mut forward = Vec::with_capacity(1 + held.as_ref().map_or(0, Vec::len));
        forward.push(event);
        let buyer = state.b.as_deref().unwrap_or_default();
        for h in held.into_iter().flatten() {
            forward.push(h.with_buyer(buyer));
        }
        return forward;
    }
    // a "b" present but empty is as good as none here (`if known:`)
    if let Some(known) = state.b.as_deref().filter(|b| !b.is_empty()) {
        return vec![event.with_buyer(known)];
    }
    match state.h.as_mut() {
        None => {
            state.h = Some(vec![event]);
            state.keys.insert(Key::H);
        }
        Some(held) if held.len() < MAX_HELD => held.push(event),
        Some(_) => {
            // saturating: past i64 (a state no stage writes) Python's int just grows
            state.hx = Some(state.hx.unwrap_or(0).saturating_add(1));
            state.keys.insert(Key::Hx);
        }
    }
    Vec::new()
}

/// `orders.idle`: whether an order's latest event is dated before `before` (`YYYY-MM-DD`).
/// A state written before orders kept their date is never idle.
pub fn idle(state: &OrderState, before: &str) -> bool {
    state.d.as_deref().is_some_and(|last| last < before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order() {
        let mut k = KeyOrder::default();
        for key in [Key::J, Key::D, Key::C, Key::St, Key::H] {
            k.insert(key);
        }
        k.insert(Key::J);
        k.remove(Key::C);
        k.insert(Key::B);
        assert_eq!(k.iter().map(Key::name).collect::<Vec<_>>(), ["j", "d", "st", "h", "b"]);
        k.remove(Key::B);
        k.remove(Key::J);
        assert_eq!(k.iter().map(Key::name).collect::<Vec<_>>(), ["d", "st", "h"]);
        let mut all = KeyOrder::default();
        for key in Key::ALL.iter().rev() {
            all.insert(*key);
        }
        assert_eq!(all.len(), 9);
        all.remove(Key::P);
        assert_eq!(all.iter().next(), Some(Key::D));
    }
}
