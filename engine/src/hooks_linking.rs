//! Test hooks: pyfunctions the differential tests call (see PORTING.md).
//!
//! `LinkedAccounts` wraps `linking::LinkedAccounts` (feed, identities, buyer_keys);
//! the functions expose the normalizers, the identity keys, `step_identity`,
//! `account_record` and the state's dict conversion.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::buyer_state::BuyerState;
use crate::linking::state::{account_record, IdentityState};
use crate::linking::{keys, normalize, LinkedAccounts};
use crate::pyconv::{alerts_to_py, event_from_py};

/// `streams.core.linking.LinkedAccounts`, native.
#[pyclass(name = "LinkedAccounts", unsendable)]
struct PyLinkedAccounts {
    inner: LinkedAccounts,
}

#[pymethods]
impl PyLinkedAccounts {
    #[new]
    fn new(rules: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyLinkedAccounts { inner: LinkedAccounts::from_py(rules)? })
    }

    /// `feed(event, windows=None)`: the alerts (dicts).
    #[pyo3(signature = (event, windows=None))]
    fn feed<'py>(&mut self, py: Python<'py>, event: &Bound<'py, PyDict>, windows: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyList>> {
        let event = event_from_py(event)?;
        let windows = windows.map(BuyerState::from_py).transpose()?;
        let alerts = self.inner.feed(&event, windows.as_ref());
        alerts_to_py(py, &alerts)
    }

    /// `identities`: every identity's state dict by key (folds the solo keys).
    fn identities<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (key, state) in self.inner.identities() {
            d.set_item(key, state.to_py(py)?)?;
        }
        Ok(d)
    }

    /// `buyer_keys`: identity keys by buyer.
    fn buyer_keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (buyer, keys) in self.inner.buyer_keys() {
            d.set_item(buyer, keys)?;
        }
        Ok(d)
    }

    /// Sets `LOG_TRIM` and `LOG_MAX` for this stage (the Python tests monkeypatch them).
    fn set_log_limits(&mut self, trim: usize, most: usize) {
        self.inner.stage.log_trim = trim;
        self.inner.stage.log_max = most;
        // (a log made before keeps its trim_at, as a Python _Log does)
    }

    /// How many identities are folded now (the others are solo).
    fn folded_count(&self) -> usize {
        self.inner.stage.states.len()
    }
}

#[pyfunction]
fn linking_normalize_phone(raw: &str, country: &str) -> Option<String> {
    normalize::normalize_phone(raw, country)
}

#[pyfunction]
fn linking_normalize_email(raw: &str) -> Option<String> {
    normalize::normalize_email(raw)
}

#[pyfunction]
fn linking_normalize_address(address1: &str, postal_code: &str, country: &str) -> Option<String> {
    normalize::normalize_address(address1, postal_code, country)
}

#[pyfunction]
fn linking_normalize_fingerprint(raw: &str) -> Option<String> {
    normalize::normalize_fingerprint(raw)
}

#[pyfunction]
fn linking_is_cjk(text: &str) -> bool {
    normalize::is_cjk(text)
}

/// `identity_keys(event)`.
#[pyfunction]
fn linking_identity_keys(event: &Bound<'_, PyDict>) -> PyResult<Vec<String>> {
    Ok(keys::identity_keys(&event_from_py(event)?))
}

/// `identity_key(kind, value)`.
#[pyfunction]
fn linking_identity_key(kind: &str, value: &str) -> String {
    keys::identity_key(kind, value)
}


/// `account_record(windows)`.
#[pyfunction]
fn linking_account_record<'py>(py: Python<'py>, windows: &Bound<'py, PyDict>) -> PyResult<Option<Bound<'py, PyDict>>> {
    account_record(&BuyerState::from_py(windows)?).map(|r| r.to_py(py)).transpose()
}



/// An identity state dict through `from_py` and `to_py`.
#[pyfunction]
fn linking_state_roundtrip<'py>(py: Python<'py>, state: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
    IdentityState::from_py(state)?.to_py(py)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLinkedAccounts>()?;
    m.add_function(wrap_pyfunction!(linking_normalize_phone, m)?)?;
    m.add_function(wrap_pyfunction!(linking_normalize_email, m)?)?;
    m.add_function(wrap_pyfunction!(linking_normalize_address, m)?)?;
    m.add_function(wrap_pyfunction!(linking_normalize_fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(linking_is_cjk, m)?)?;
    m.add_function(wrap_pyfunction!(linking_identity_keys, m)?)?;
    m.add_function(wrap_pyfunction!(linking_identity_key, m)?)?;
    m.add_function(wrap_pyfunction!(linking_account_record, m)?)?;
    m.add_function(wrap_pyfunction!(linking_state_roundtrip, m)?)?;
    Ok(())
}
