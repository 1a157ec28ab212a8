//! Test hooks: pyfunctions the differential tests call (see PORTING.md), for the orders
//! stage (`orders.rs`, `sweep.rs`) and the quick validation (`validate.rs`).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::event::Event;
use crate::orders::{idle, step_order, OrderState};
use crate::pyconv::{event_from_py, event_to_py};
use crate::sweep::{Sweeper, EVERY_DAYS, KEEP_DAYS};
use crate::validate::quick_event;


/// Folds a whole stream of one order in Rust (no conversion between steps) and gives the
/// final state and every forwarded event: checks that the state kept in Rust behaves as
/// the one converted at each step.
#[pyfunction]
fn orders_run<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyList>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    let mut s = OrderState::new();
    let out = PyList::empty(py);
    for e in events.iter() {
        for f in step_order(&mut s, event_from_py(e.downcast::<PyDict>()?)?) {
            out.append(event_to_py(py, &f)?)?;
        }
    }
    Ok((s.to_py(py)?, out))
}

/// `idle(state, before)`.
#[pyfunction]
fn orders_idle(state: &Bound<'_, PyDict>, before: &str) -> PyResult<bool> {
    Ok(idle(&OrderState::from_py(state)?, before))
}

/// A fresh `Sweeper(keep_days, every_days)` asked `due(partition, occurred_at)` for each
/// call in turn: the answers.
#[pyfunction]
#[pyo3(signature = (calls, keep_days = KEEP_DAYS, every_days = EVERY_DAYS))]
fn sweeper_due(calls: Vec<(i64, String)>, keep_days: i64, every_days: i64) -> Vec<Option<String>> {
    let mut sweeper = Sweeper::with_days(keep_days, every_days);
    calls.iter().map(|(partition, occurred_at)| sweeper.due(*partition, occurred_at)).collect()
}

/// `quick_event(line, keep)`: the event as a dict when the quick path takes the line
/// (`keep=True`); with `keep=False`, the typed fields (and `t`) as a dict, to check that
/// both ways read the same event. `None`: Python must decide.
#[pyfunction(name = "quick_event")]
#[pyo3(signature = (line, keep = true))]
fn quick_event_hook<'py>(py: Python<'py>, line: &Bound<'py, PyBytes>, keep: bool) -> PyResult<Option<Bound<'py, PyDict>>> {
    match quick_event(line.as_bytes(), keep) {
        None => Ok(None),
        Some(e) if keep => Ok(Some(event_to_py(py, &e)?)),
        Some(e) => Ok(Some(typed_fields(py, &e)?)),
    }
}

/// `quick_event(line, keep=True)` and the typed fields of the same event.
#[pyfunction]
fn quick_event_typed<'py>(py: Python<'py>, line: &Bound<'py, PyBytes>) -> PyResult<Option<Bound<'py, PyDict>>> {
    match quick_event(line.as_bytes(), true) {
        None => Ok(None),
        Some(e) => Ok(Some(typed_fields(py, &e)?)),
    }
}

fn typed_fields<'py>(py: Python<'py>, e: &Event) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("event_id", &e.event_id)?;
    d.set_item("type", e.etype.name())?;
    d.set_item("occurred_at", &e.occurred_at)?;
    d.set_item("t", e.t)?;
    d.set_item("marketplace", &e.marketplace)?;
    d.set_item("seller_id", &e.seller_id)?;
    d.set_item("buyer_id", &e.buyer_id)?;
    d.set_item("order_id", &e.order_id)?;
    d.set_item("amount", &e.amount)?;
    d.set_item("currency", &e.currency)?;
    d.set_item("actor", &e.actor)?;
    d.set_item("chargeback_id", &e.chargeback_id)?;
    d.set_item("payment_deadline_at", &e.payment_deadline_at)?;
    d.set_item("deadline_at", &e.deadline_at)?;
    d.set_item("items", e.items.as_ref().map(|v| format!("{v:?}")))?;
    d.set_item("shipping", e.shipping.as_ref().map(|v| format!("{v:?}")))?;
    d.set_item("payment", e.payment.as_ref().map(|v| format!("{v:?}")))?;
    d.set_item("device", e.device.as_ref().map(|v| format!("{v:?}")))?;
    d.set_item("text", e.text.as_ref().map(|v| format!("{v:?}")))?;
    Ok(d)
}

/// For timing: how many of `lines` the quick path takes, `rounds` times over, and the
/// seconds it took (the lines' conversion from Python excluded).
#[pyfunction]
#[pyo3(signature = (lines, keep = false, rounds = 1))]
fn quick_event_count(lines: Vec<Bound<'_, PyBytes>>, keep: bool, rounds: usize) -> (usize, f64) {
    let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
    let start = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        n += lines.iter().filter(|l| quick_event(l, keep).is_some()).count();
    }
    (n, start.elapsed().as_secs_f64())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(orders_run, m)?)?;
    m.add_function(wrap_pyfunction!(orders_idle, m)?)?;
    m.add_function(wrap_pyfunction!(sweeper_due, m)?)?;
    m.add_function(wrap_pyfunction!(quick_event_hook, m)?)?;
    m.add_function(wrap_pyfunction!(quick_event_typed, m)?)?;
    m.add_function(wrap_pyfunction!(quick_event_count, m)?)?;
    Ok(())
}
