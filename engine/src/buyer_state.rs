//! The buyers stage's state of one buyer: `streams/core/windows.py`'s layout, typed.
//!
//! Each field mirrors a key of the Python state dict (see the module docstring of
//! `streams/core/windows.py`); an `Option` or an empty map is a key that is absent. Maps
//! are `IndexMap`s so that they iterate in insertion order as Python dicts do: the core
//! iterates them (sellers, orders) and the order shows in alerts. Removing an entry
//! must keep the others' order (`shift_remove`), as `del d[k]` does.
//!
//! `to_py` and `from_py` convert to and from the dict the Python core keeps, for the
//! stages' tables and the differential tests.

use crate::collections::IndexMap;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// `entry[3]` of an `o` entry: the order's `amount` as the event had it.
#[derive(Clone, Debug, PartialEq)]
pub enum Amount {
    None,
    Int(i64),
    Str(String),
}

/// An `o` entry: `[t, seller, units, amount, packed creation id, end, sku, qty, ...]`.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderEntry {
    pub t: i64,
    pub seller: String,
    pub units: i64,
    pub amount: Amount,
    /// The creation's id as `eventids.pack_under` keeps it under the order id.
    pub created: String,
    /// `RESOLVED` (index 5): resolution time (> 0), minus seconds to the deadline (< 0), or 0.
    pub end: i64,
    pub skus: Vec<(String, i64)>,
}

impl OrderEntry {
    /// The list Python keeps: `[t, seller, units, amount, created, end, sku, qty, ...]`.
    pub fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let l = PyList::empty(py);
        l.append(self.t)?;
        l.append(&self.seller)?;
        l.append(self.units)?;
        match &self.amount {
            Amount::None => l.append(py.None())?,
            Amount::Int(v) => l.append(v)?,
            Amount::Str(s) => l.append(s)?,
        }
        l.append(&self.created)?;
        l.append(self.end)?;
        for (sku, q) in &self.skus {
            l.append(sku)?;
            l.append(q)?;
        }
        Ok(l)
    }

    /// An entry from the list Python keeps.
    pub fn from_py(l: &Bound<'_, PyList>) -> PyResult<Self> {
        let amount = l.get_item(3)?;
        let amount = if amount.is_none() {
            Amount::None
        } else if let Ok(v) = amount.extract::<i64>() {
            Amount::Int(v)
        } else {
            Amount::Str(amount.extract()?)
        };
        let mut skus = Vec::new();
        let mut j = 6;
        while j + 1 < l.len() {
            skus.push((l.get_item(j)?.extract()?, l.get_item(j + 1)?.extract()?));
            j += 2;
        }
        Ok(OrderEntry {
            t: l.get_item(0)?.extract()?,
            seller: l.get_item(1)?.extract()?,
            units: l.get_item(2)?.extract()?,
            amount,
            created: l.get_item(4)?.extract()?,
            end: l.get_item(5)?.extract()?,
            skus,
        })
    }
}

/// An `e` entry: `[t, outcome column, packed event id]` (lists compare in this order).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub t: i64,
    pub col: i64,
    pub id: String,
}

/// A buyer's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuyerState {
    pub w: i64,
    pub s: IndexMap<String, Vec<i64>>,
    /// `None`: a state written before the keys were `k` (it has `i` instead).
    pub k: Option<String>,
    /// The older layout's hex keys (moved to `k` by `layout.upgrade_keys`).
    pub i: Option<String>,
    pub e: Option<IndexMap<String, Vec<Evidence>>>,
    pub o: Option<IndexMap<String, OrderEntry>>,
    pub z: Option<IndexMap<String, i64>>,
    pub l: Option<IndexMap<String, Vec<i64>>>,
    pub p: Option<IndexMap<String, Vec<i64>>>,
    pub c: Option<i64>,
    /// Fired episodes of the daily rules: key -> sorted `[episode, rank]` entries.
    pub f: Option<IndexMap<String, Vec<(i64, i64)>>>,
    /// The same for the long rules.
    pub g: Option<IndexMap<String, Vec<(i64, i64)>>>,
}

impl BuyerState {
    /// `windows.new_state()`: `{"w": 0, "s": {}, "k": ""}`.
    pub fn new() -> Self {
        BuyerState { k: Some(String::new()), ..Default::default() }
    }

    pub fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("w", self.w)?;
        d.set_item("s", rows_to_py(py, &self.s)?)?;
        if let Some(k) = &self.k {
            d.set_item("k", k)?;
        }
        if let Some(i) = &self.i {
            d.set_item("i", i)?;
        }
        if let Some(e) = &self.e {
            let m = PyDict::new(py);
            for (seller, entries) in e {
                let l = PyList::empty(py);
                for x in entries {
                    l.append(PyList::new(py, [x.t.into_pyobject(py)?.into_any(), x.col.into_pyobject(py)?.into_any(), x.id.as_str().into_pyobject(py)?.into_any()])?)?;
                }
                m.set_item(seller, l)?;
            }
            d.set_item("e", m)?;
        }
        if let Some(o) = &self.o {
            let m = PyDict::new(py);
            for (order_id, x) in o {
                m.set_item(order_id, x.to_py(py)?)?;
            }
            d.set_item("o", m)?;
        }
        if let Some(z) = &self.z {
            let m = PyDict::new(py);
            for (k, v) in z {
                m.set_item(k, v)?;
            }
            d.set_item("z", m)?;
        }
        if let Some(l) = &self.l {
            d.set_item("l", rows_to_py(py, l)?)?;
        }
        if let Some(p) = &self.p {
            d.set_item("p", rows_to_py(py, p)?)?;
        }
        if let Some(c) = self.c {
            d.set_item("c", c)?;
        }
        if let Some(f) = &self.f {
            d.set_item("f", fired_to_py(py, f)?)?;
        }
        if let Some(g) = &self.g {
            d.set_item("g", fired_to_py(py, g)?)?;
        }
        Ok(d)
    }

    pub fn from_py(d: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut s = BuyerState::default();
        for (key, value) in d.iter() {
            let key: String = key.extract()?;
            match key.as_str() {
                "w" => s.w = value.extract()?,
                "s" => s.s = rows_from_py(&value)?,
                "k" => s.k = Some(value.extract()?),
                "i" => s.i = Some(value.extract()?),
                "e" => {
                    let mut m = IndexMap::default();
                    for (seller, entries) in value.downcast::<PyDict>()?.iter() {
                        let mut v = Vec::new();
                        for x in entries.try_iter()? {
                            let x = x?;
                            v.push(Evidence {
                                t: x.get_item(0)?.extract()?,
                                col: x.get_item(1)?.extract()?,
                                id: x.get_item(2)?.extract()?,
                            });
                        }
                        m.insert(seller.extract()?, v);
                    }
                    s.e = Some(m);
                }
                "o" => {
                    let mut m = IndexMap::default();
                    for (order_id, entry) in value.downcast::<PyDict>()?.iter() {
                        m.insert(order_id.extract()?, OrderEntry::from_py(entry.downcast::<PyList>()?)?);
                    }
                    s.o = Some(m);
                }
                "z" => {
                    let mut m = IndexMap::default();
                    for (k, v) in value.downcast::<PyDict>()?.iter() {
                        m.insert(k.extract()?, v.extract()?);
                    }
                    s.z = Some(m);
                }
                "l" => s.l = Some(rows_from_py(&value)?),
                "p" => s.p = Some(rows_from_py(&value)?),
                "c" => s.c = Some(value.extract()?),
                "f" => s.f = Some(fired_from_py(&value)?),
                "g" => s.g = Some(fired_from_py(&value)?),
                other => {
                    return Err(pyo3::exceptions::PyValueError::new_err(format!(
                        "a buyer state has no key {other:?}"
                    )))
                }
            }
        }
        Ok(s)
    }
}

fn rows_to_py<'py>(py: Python<'py>, rows: &IndexMap<String, Vec<i64>>) -> PyResult<Bound<'py, PyDict>> {
    let m = PyDict::new(py);
    for (seller, r) in rows {
        m.set_item(seller, PyList::new(py, r)?)?;
    }
    Ok(m)
}

fn rows_from_py(value: &Bound<'_, PyAny>) -> PyResult<IndexMap<String, Vec<i64>>> {
    let mut m = IndexMap::default();
    for (k, v) in value.downcast::<PyDict>()?.iter() {
        m.insert(k.extract()?, v.extract()?);
    }
    Ok(m)
}

fn fired_to_py<'py>(py: Python<'py>, f: &IndexMap<String, Vec<(i64, i64)>>) -> PyResult<Bound<'py, PyDict>> {
    let m = PyDict::new(py);
    for (key, entries) in f {
        let l = PyList::empty(py);
        for (a, b) in entries {
            l.append(PyList::new(py, [a, b])?)?;
        }
        m.set_item(key, l)?;
    }
    Ok(m)
}

fn fired_from_py(value: &Bound<'_, PyAny>) -> PyResult<IndexMap<String, Vec<(i64, i64)>>> {
    let mut m = IndexMap::default();
    for (k, v) in value.downcast::<PyDict>()?.iter() {
        let mut entries = Vec::new();
        for x in v.try_iter()? {
            let x = x?;
            entries.push((x.get_item(0)?.extract()?, x.get_item(1)?.extract()?));
        }
        m.insert(k.extract()?, entries);
    }
    Ok(m)
}
