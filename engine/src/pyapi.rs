//! The Python API: `_engine.Engine`, the replay loop over native state.

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::buyer_state::BuyerState;
use crate::buyers;
use crate::linking::{self, rules::LinkingRules, state::{IdentityState, Record}, LinkedAccounts};
use crate::lists::ListBook;
use crate::orders::{self, OrderState};
use crate::pyconv::{alert_to_py, alerts_to_py, event_from_py, event_to_py, from_map, to_value};
use crate::replay::Replay;
use crate::rules::RuleSet;
use crate::validate::quick_event;

/// The detection pipeline as `orderguard replay` runs it (`streams.core.replay.Replay`),
/// its states kept natively.
///
/// `Engine(rules, lists=None, linking=None)` takes the Python `RuleSet`, `ListBook` and
/// `LinkingRules` (None: no identities stage).
#[pyclass(module = "_engine", unsendable)]
pub struct Engine {
    replay: Replay,
    /// `validate_event(orjson.loads(line))`, for lines the quick path leaves to Python.
    slow: PyObject,
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (rules, lists=None, linking=None))]
    fn new(py: Python<'_>, rules: &Bound<'_, PyAny>, lists: Option<&Bound<'_, PyAny>>, linking: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let rules = RuleSet::from_py(rules)?;
        let lists = lists.map(ListBook::from_py).transpose()?;
        let identities = linking.map(LinkedAccounts::from_py).transpose()?;
        let slow = py.import("streams.engine")?.getattr("decode_event")?.unbind();
        Ok(Engine { replay: Replay::new(rules, lists, identities), slow })
    }

    /// Feed one validated event dict; the alerts it raised (dicts of contracts.md §2).
    fn feed<'py>(&mut self, py: Python<'py>, event: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyList>> {
        let event = event_from_py(event)?;
        let alerts = self.replay.feed(event);
        alerts_to_py(py, &alerts)
    }

    /// Feed one JSON line (an event); its alerts. A line the quick path does not take is
    /// decoded and validated by Python (`streams.engine.decode_event`), whose
    /// `InvalidEvent` or `orjson.JSONDecodeError` propagates: the caller skips the line.
    fn feed_line<'py>(&mut self, py: Python<'py>, line: &Bound<'py, PyBytes>) -> PyResult<Bound<'py, PyList>> {
        let event = match quick_event(line.as_bytes(), false) {
            Some(event) => event,
            None => {
                let decoded = self.slow.bind(py).call1((line,))?;
                event_from_py(decoded.downcast::<PyDict>()?)?
            }
        };
        let alerts = self.replay.feed(event);
        alerts_to_py(py, &alerts)
    }

    /// Feed a batch of JSON lines (bytes, as a file gives them, newline included or not):
    /// `(alerts, bad, events)`. Blank lines are passed over; a line that is no canonical
    /// event is not fed, and `bad` names it: `(its index in the batch, the exception
    /// Python's validation raised)`; `events` counts the lines fed. The replay command's
    /// loop, in one call per batch instead of one per line.
    fn feed_lines<'py>(&mut self, py: Python<'py>, lines: &Bound<'py, PyList>) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>, usize)> {
        let alerts = PyList::empty(py);
        let bad = PyList::empty(py);
        let invalid = py.import("streams.errors")?.getattr("InvalidEvent")?;
        let undecodable = py.import("orjson")?.getattr("JSONDecodeError")?;
        let mut fed = 0;
        for (index, item) in lines.iter().enumerate() {
            let line = item.downcast::<PyBytes>()?;
            let bytes = line.as_bytes();
            if bytes.iter().all(|b| PY_WHITESPACE.contains(b)) {
                continue; // bytes.strip() leaves nothing: a blank line
            }
            let event = match quick_event(bytes, false) {
                Some(event) => event,
                None => match self.slow.bind(py).call1((line,)) {
                    Ok(decoded) => event_from_py(decoded.downcast::<PyDict>()?)?,
                    Err(err) if err.is_instance(py, &invalid) || err.is_instance(py, &undecodable) => {
                        bad.append((index, err.into_value(py)))?;
                        continue;
                    }
                    Err(err) => return Err(err),
                },
            };
            fed += 1;
            for alert in self.replay.feed(event) {
                alerts.append(alert_to_py(py, &alert)?)?;
            }
        }
        Ok((alerts, bad, fed))
    }

    /// The alerts allow entries suppressed so far, each with its `suppressed` field.
    #[getter]
    fn suppressed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        alerts_to_py(py, &self.replay.suppressed)
    }

    /// A buyer's state as the Python core keeps it (a dict).
    fn buyer_state<'py>(&self, py: Python<'py>, buyer_id: &str) -> PyResult<Bound<'py, PyDict>> {
        self.replay.buyers.get(buyer_id).ok_or_else(|| PyKeyError::new_err(buyer_id.to_string()))?.to_py(py)
    }

    /// An order's state as the Python core keeps it (a dict).
    fn order_state<'py>(&self, py: Python<'py>, order_id: &str) -> PyResult<Bound<'py, PyDict>> {
        self.replay.orders.get(order_id).ok_or_else(|| PyKeyError::new_err(order_id.to_string()))?.to_py(py)
    }

    /// The ids of the buyers with a state.
    fn buyer_ids(&self) -> Vec<String> {
        self.replay.buyers.keys().cloned().collect()
    }

    /// The ids of the orders with a state.
    fn order_ids(&self) -> Vec<String> {
        self.replay.orders.keys().cloned().collect()
    }
}

/// What Python's `bytes.strip()` strips: ASCII space, \t, \n, \r, \x0b and \x0c.
const PY_WHITESPACE: &[u8] = b" \t\n\r\x0b\x0c";

/// A rule set converted once for the step functions (`Rules(python_rule_set)`).
#[pyclass(module = "_engine", frozen)]
pub struct Rules(RuleSet);

#[pymethods]
impl Rules {
    #[new]
    fn new(rules: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Rules(RuleSet::from_py(rules)?))
    }
}

/// Allow and deny lists converted once (`Lists(python_list_book)`); convert again after a
/// change.
#[pyclass(module = "_engine", frozen)]
pub struct Lists(ListBook);

#[pymethods]
impl Lists {
    #[new]
    fn new(book: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Lists(ListBook::from_py(book)?))
    }
}

/// The linked-accounts rule converted once (`Linking(python_linking_rules)`).
#[pyclass(module = "_engine", frozen)]
pub struct Linking(LinkingRules);

#[pymethods]
impl Linking {
    #[new]
    fn new(rules: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Linking(LinkingRules::from_py(rules)?))
    }
}

/// `streams.core.orders.step_order`, over the dicts the orders stage's table keeps:
/// `(state, forwarded events)`. The state is a new dict, not the one given.
#[pyfunction]
#[pyo3(signature = (state, event))]
fn step_order<'py>(py: Python<'py>, state: Option<&Bound<'py, PyDict>>, event: &Bound<'py, PyDict>) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    let mut s = match state {
        Some(d) => OrderState::from_py(d)?,
        None => OrderState::new(),
    };
    let forward = orders::step_order(&mut s, event_from_py(event)?);
    let out = PyList::empty(py);
    for e in &forward {
        out.append(event_to_py(py, e)?)?;
    }
    Ok((s.to_py(py)?, out))
}

/// `streams.core.buyers.step_buyer`, over the dicts the buyers stage's table keeps:
/// `(state, alerts)`. The state is a new dict, not the one given.
#[pyfunction]
#[pyo3(signature = (state, event, rules, lists=None))]
fn step_buyer<'py>(py: Python<'py>, state: Option<&Bound<'py, PyDict>>, event: &Bound<'py, PyDict>, rules: &Rules, lists: Option<&Lists>) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    let mut s = match state {
        Some(d) => BuyerState::from_py(d)?,
        None => BuyerState::new(),
    };
    let alerts = buyers::step_buyer(&mut s, &event_from_py(event)?, &rules.0, lists.map(|l| &l.0));
    Ok((s.to_py(py)?, alerts_to_py(py, &alerts)?))
}

/// `streams.core.linking.step_identity` over an identity's state dict and the message the
/// buyers stage sent (`link_message`): `(state, alerts)`.
#[pyfunction]
fn step_identity<'py>(py: Python<'py>, state: Option<&Bound<'py, PyDict>>, key: &str, message: &Bound<'py, PyDict>, rules: &Linking) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    let state = state.map(IdentityState::from_py).transpose()?;
    let event = event_from_py(message)?;
    let record = match message.get_item("record")? {
        Some(r) => Record::from_value(&to_value(&r)?),
        None => None,
    };
    let (state, alerts) = linking::step_identity(state, key, &event, record.as_ref(), &rules.0);
    Ok((state.to_py(py)?, alerts_to_py(py, &alerts)?))
}

/// `streams.core.linking_keys.buyer_identity_keys`, or `None` when the buyer's keys stay
/// as they were (the Python function then returns the very list it was given).
#[pyfunction]
fn buyer_identity_keys(buyer_keys: Vec<String>, event: &Bound<'_, PyDict>) -> PyResult<Option<Vec<String>>> {
    let found = linking::keys::identity_keys(&event_from_py(event)?);
    Ok(linking::keys::buyer_identity_keys(&buyer_keys, &found))
}

/// `streams.core.linking_state.record_for_new_keys`.
#[pyfunction]
fn record_for_new_keys<'py>(py: Python<'py>, old: Vec<String>, keys: Vec<String>, windows: &Bound<'py, PyDict>) -> PyResult<Option<Bound<'py, PyDict>>> {
    linking::state::record_for_new_keys(&old, &keys, &BuyerState::from_py(windows)?).map(|r| r.to_py(py)).transpose()
}

/// `streams.core.linking_keys.link_message`.
#[pyfunction]
#[pyo3(signature = (record, event, key))]
fn link_message<'py>(py: Python<'py>, record: Option<&Bound<'py, PyAny>>, event: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyDict>> {
    let record = match record {
        Some(r) if !r.is_none() => Record::from_value(&to_value(r)?),
        _ => None,
    };
    from_map(py, &linking::keys::link_message(record.as_ref(), &event_from_py(event)?, key))
}

/// A buyer state round trip (dict -> native -> dict), for the tests of the conversion.
#[pyfunction]
pub fn buyer_state_roundtrip<'py>(py: Python<'py>, state: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
    BuyerState::from_py(state)?.to_py(py)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_class::<Rules>()?;
    m.add_class::<Lists>()?;
    m.add_class::<Linking>()?;
    m.add_function(wrap_pyfunction!(step_order, m)?)?;
    m.add_function(wrap_pyfunction!(step_buyer, m)?)?;
    m.add_function(wrap_pyfunction!(step_identity, m)?)?;
    m.add_function(wrap_pyfunction!(buyer_identity_keys, m)?)?;
    m.add_function(wrap_pyfunction!(record_for_new_keys, m)?)?;
    m.add_function(wrap_pyfunction!(link_message, m)?)?;
    m.add_function(wrap_pyfunction!(buyer_state_roundtrip, m)?)?;
    Ok(())
}
