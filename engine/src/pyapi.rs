//! The Python API: `_engine.Engine`, the replay loop over native state.

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::buyer_state::BuyerState;
use crate::linking::LinkedAccounts;
use crate::lists::ListBook;
use crate::pyconv::{alerts_to_py, event_from_py};
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

/// A buyer state round trip (dict -> native -> dict), for the tests of the conversion.
#[pyfunction]
pub fn buyer_state_roundtrip<'py>(py: Python<'py>, state: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
    BuyerState::from_py(state)?.to_py(py)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_function(wrap_pyfunction!(buyer_state_roundtrip, m)?)?;
    Ok(())
}
