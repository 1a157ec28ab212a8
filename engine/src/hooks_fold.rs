//! Test hooks of the buyer fold (windows, eviction, evidence, holdings, longterm): what
//! the differential tests call to hold the port to `streams/core` (see PORTING.md).
//!
//! States go in and out as the dicts the Python core keeps (`BuyerState::from_py` /
//! `to_py`); `FoldState` keeps a state on the Rust side across events, so that a stream
//! folds without a round trip through Python per event.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::buyer_state::{BuyerState, OrderEntry};
use crate::pyconv::event_from_py;
use crate::{eviction, evidence, holdings, longterm, windows};

fn state_of(state: Option<&Bound<'_, PyDict>>) -> PyResult<BuyerState> {
    match state {
        Some(d) => BuyerState::from_py(d),
        None => Ok(windows::new_state()),
    }
}

fn entries_to_py<'py>(py: Python<'py>, found: &[(String, OrderEntry)]) -> PyResult<Bound<'py, PyList>> {
    let l = PyList::empty(py);
    for (_, e) in found {
        l.append(e.to_py(py)?)?;
    }
    Ok(l)
}

/// A buyer state kept on the Rust side; `apply` folds an event dict as `windows.apply`.
#[pyclass(module = "_engine")]
pub struct FoldState {
    state: BuyerState,
}

#[pymethods]
impl FoldState {
    #[new]
    #[pyo3(signature = (state=None))]
    fn new(state: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(FoldState { state: state_of(state)? })
    }

    /// `windows.apply(state, event, retention_days, long_days)`: the column counted.
    #[pyo3(signature = (event, retention_days, long_days=0))]
    fn apply(&mut self, event: &Bound<'_, PyDict>, retention_days: i64, long_days: i64) -> PyResult<usize> {
        let event = event_from_py(event)?;
        Ok(windows::apply_at(&mut self.state, &event, event.t, retention_days, long_days))
    }

    /// `eviction.evict(state, retention_days, long_days)`.
    #[pyo3(signature = (retention_days, long_days=0))]
    fn evict(&mut self, retention_days: i64, long_days: i64) {
        eviction::evict(&mut self.state, retention_days, long_days);
    }

    /// The state as the dict the Python core keeps.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.state.to_py(py)
    }
}

/// `windows.apply` on a state dict (None: a new state, as `windows.fold`):
/// `(state after, column)`.
#[pyfunction]
#[pyo3(signature = (state, event, retention_days, long_days=0))]
fn fold_apply<'py>(py: Python<'py>, state: Option<&Bound<'py, PyDict>>, event: &Bound<'py, PyDict>, retention_days: i64, long_days: i64) -> PyResult<(Bound<'py, PyDict>, usize)> {
    let mut s = state_of(state)?;
    let event = event_from_py(event)?;
    let col = windows::apply_at(&mut s, &event, event.t, retention_days, long_days);
    Ok((s.to_py(py)?, col))
}

/// `windows.apply_at` with the caller's time `t`: `(state after, column)`.
#[pyfunction]
#[pyo3(signature = (state, event, t, retention_days, long_days=0))]
fn fold_apply_at<'py>(py: Python<'py>, state: Option<&Bound<'py, PyDict>>, event: &Bound<'py, PyDict>, t: i64, retention_days: i64, long_days: i64) -> PyResult<(Bound<'py, PyDict>, usize)> {
    let mut s = state_of(state)?;
    let event = event_from_py(event)?;
    let col = windows::apply_at(&mut s, &event, t, retention_days, long_days);
    Ok((s.to_py(py)?, col))
}

/// `windows.column_of(event)`.
#[pyfunction]
fn fold_column_of(event: &Bound<'_, PyDict>) -> PyResult<usize> {
    Ok(windows::column_of(&event_from_py(event)?))
}

/// `eviction.evict` on a state dict: the state after.
#[pyfunction]
#[pyo3(signature = (state, retention_days, long_days=0))]
fn fold_evict<'py>(py: Python<'py>, state: &Bound<'py, PyDict>, retention_days: i64, long_days: i64) -> PyResult<Bound<'py, PyDict>> {
    let mut s = BuyerState::from_py(state)?;
    eviction::evict(&mut s, retention_days, long_days);
    s.to_py(py)
}

/// `layout.upgrade_keys`: `(state after, keys)`.
#[pyfunction]
fn fold_upgrade_keys<'py>(py: Python<'py>, state: &Bound<'py, PyDict>) -> PyResult<(Bound<'py, PyDict>, String)> {
    let mut s = BuyerState::from_py(state)?;
    let keys = windows::upgrade_keys(&mut s).clone();
    Ok((s.to_py(py)?, keys))
}

/// `windows.cutoff`.
#[pyfunction]
fn fold_cutoff(state: &Bound<'_, PyDict>, retention_days: i64) -> PyResult<i64> {
    Ok(windows::cutoff(&BuyerState::from_py(state)?, retention_days))
}

/// `windows.count`.
#[pyfunction]
#[pyo3(signature = (state, outcome, since, until, seller=None))]
fn fold_count(state: &Bound<'_, PyDict>, outcome: usize, since: i64, until: i64, seller: Option<&str>) -> PyResult<i64> {
    Ok(windows::count(&BuyerState::from_py(state)?, outcome, since, until, seller))
}

/// `evidence.evidence`.
#[pyfunction]
#[pyo3(signature = (state, outcome, since, until, seller=None))]
fn fold_evidence(state: &Bound<'_, PyDict>, outcome: usize, since: i64, until: i64, seller: Option<&str>) -> PyResult<Vec<String>> {
    Ok(evidence::evidence(&BuyerState::from_py(state)?, outcome, since, until, seller))
}

/// `holdings.held`.
#[pyfunction]
#[pyo3(signature = (state, seller=None))]
fn fold_held(state: &Bound<'_, PyDict>, seller: Option<&str>) -> PyResult<(i64, i64, i64)> {
    Ok(holdings::held(&BuyerState::from_py(state)?, seller))
}

/// `holdings.orders_at`: the entries, as lists.
#[pyfunction]
fn fold_orders_at<'py>(py: Python<'py>, state: &Bound<'py, PyDict>, seller: &str) -> PyResult<Bound<'py, PyList>> {
    entries_to_py(py, &holdings::orders_at(&BuyerState::from_py(state)?, seller))
}

/// `holdings.held_at`: the entries, as lists.
#[pyfunction]
fn fold_held_at<'py>(py: Python<'py>, state: &Bound<'py, PyDict>, seller: &str, t: i64) -> PyResult<Bound<'py, PyList>> {
    entries_to_py(py, &holdings::held_at(&BuyerState::from_py(state)?, seller, t))
}

/// The readers of one `o` entry: `(holds_at(entry, t), hold_end, value_of, value_bound,
/// event_id_of)`.
#[pyfunction]
fn fold_entry(entry: &Bound<'_, PyList>, t: i64) -> PyResult<(bool, i64, i64, i64, String)> {
    let e = OrderEntry::from_py(entry)?;
    Ok((holdings::holds_at(&e, t), holdings::hold_end(&e), holdings::value_of(&e), holdings::value_bound(&e), holdings::event_id_of(&e)))
}

/// `fields.cents` of a string, as the holdings read amounts.
#[pyfunction]
fn fold_cents(amount: &str) -> i64 {
    holdings::cents(amount)
}

/// `int(datetime.fromisoformat(ts).timestamp())` as the holdings read deadlines (None:
/// not a shape they take).
#[pyfunction]
fn fold_epoch(ts: &str) -> Option<i64> {
    crate::fields::quick_epoch(ts).or_else(|| holdings::iso_epoch(ts))
}

/// `longterm.total`.
#[pyfunction]
#[pyo3(signature = (state, col, seller=None))]
fn fold_longterm_total(state: &Bound<'_, PyDict>, col: usize, seller: Option<&str>) -> PyResult<i64> {
    Ok(longterm::total(&BuyerState::from_py(state)?, col, seller))
}

/// `longterm.windows`: `(first_day, count, base, shops)` tuples.
#[pyfunction]
#[pyo3(signature = (state, col, seller, day, horizon, first))]
fn fold_longterm_windows(state: &Bound<'_, PyDict>, col: usize, seller: Option<&str>, day: i64, horizon: i64, first: i64) -> PyResult<Vec<(i64, i64, i64, i64)>> {
    Ok(longterm::windows(&BuyerState::from_py(state)?, col, seller, day, horizon, first)
        .into_iter()
        .map(|w| (w.first_day, w.count, w.base, w.shops))
        .collect())
}

/// `longterm.keeps`.
#[pyfunction]
fn fold_longterm_keeps(day: i64, col: usize, period: i64, long_days: i64) -> bool {
    longterm::keeps(day, col, period, long_days)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<FoldState>()?;
    m.add_function(wrap_pyfunction!(fold_apply, m)?)?;
    m.add_function(wrap_pyfunction!(fold_apply_at, m)?)?;
    m.add_function(wrap_pyfunction!(fold_column_of, m)?)?;
    m.add_function(wrap_pyfunction!(fold_evict, m)?)?;
    m.add_function(wrap_pyfunction!(fold_upgrade_keys, m)?)?;
    m.add_function(wrap_pyfunction!(fold_cutoff, m)?)?;
    m.add_function(wrap_pyfunction!(fold_count, m)?)?;
    m.add_function(wrap_pyfunction!(fold_evidence, m)?)?;
    m.add_function(wrap_pyfunction!(fold_held, m)?)?;
    m.add_function(wrap_pyfunction!(fold_orders_at, m)?)?;
    m.add_function(wrap_pyfunction!(fold_held_at, m)?)?;
    m.add_function(wrap_pyfunction!(fold_entry, m)?)?;
    m.add_function(wrap_pyfunction!(fold_cents, m)?)?;
    m.add_function(wrap_pyfunction!(fold_epoch, m)?)?;
    m.add_function(wrap_pyfunction!(fold_longterm_total, m)?)?;
    m.add_function(wrap_pyfunction!(fold_longterm_windows, m)?)?;
    m.add_function(wrap_pyfunction!(fold_longterm_keeps, m)?)?;
    Ok(())
}
