//! Test hooks of the order rules (stocklock, orderchecks, contacts, offplatform): the
//! pyfunctions the differential tests call (see PORTING.md).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde_json::Value;

use crate::buyer_state::BuyerState;
use crate::lists::ListBook;
use crate::pyconv::{alerts_to_py, event_from_py, to_value};
use crate::rules::RuleSet;

type Detector = fn(&mut BuyerState, &crate::event::Event, i64, &RuleSet, Option<&ListBook>) -> Vec<crate::alert::Alert>;

fn detector(name: &str) -> PyResult<Detector> {
    Ok(match name {
        "order_flood" => crate::stocklock::order_flood,
        "unpaid_stock_held" => crate::stocklock::unpaid_stock_held,
        "bad_contact" => crate::orderchecks::bad_contact,
        "chargeback_deadline" => crate::orderchecks::chargeback_deadline,
        "blocked_buyer_order" => crate::orderchecks::blocked_buyer_order,
        "off_platform_payment" => crate::offplatform::off_platform_payment,
        other => return Err(PyValueError::new_err(format!("no order-rules detector {other:?}"))),
    })
}

/// `detector(state, event, t, rules, lists)` of the order rules, on a copy of the state:
/// `(alerts, state after)`, the state as the Python dict.
#[pyfunction]
#[pyo3(signature = (name, state, event, t, rules, lists=None))]
fn orderrules_detect<'py>(
    py: Python<'py>,
    name: &str,
    state: &Bound<'py, PyDict>,
    event: &Bound<'py, PyDict>,
    t: i64,
    rules: &Bound<'py, PyAny>,
    lists: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyDict>)> {
    let detect = detector(name)?;
    let mut state = BuyerState::from_py(state)?;
    let event = event_from_py(event)?;
    let rules = RuleSet::from_py(rules)?;
    let lists = match lists {
        Some(l) if !l.is_none() => Some(ListBook::from_py(l)?),
        _ => None,
    };
    let alerts = detect(&mut state, &event, t, &rules, lists.as_ref());
    Ok((alerts_to_py(py, &alerts)?, state.to_py(py)?))
}

/// `contacts.contact_problems(shipping, rules.bad_contact)` (a shipping that is not a dict
/// has none).
#[pyfunction]
fn orderrules_contact_problems<'py>(py: Python<'py>, shipping: &Bound<'py, PyAny>, rules: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let rules = RuleSet::from_py(rules)?;
    let found = match to_value(shipping)? {
        Value::Object(m) => crate::contacts::contact_problems(Some(&m), &rules.bad_contact),
        _ => Vec::new(),
    };
    PyTuple::new(py, found)
}

/// `contacts.phone_problem`.
#[pyfunction]
fn orderrules_phone_problem(phone: &str, min_digits: i64, max_digits: i64, max_run: i64) -> Option<String> {
    crate::contacts::phone_problem(phone, min_digits, max_digits, max_run)
}

/// `contacts.postal_problem`.
#[pyfunction]
fn orderrules_postal_problem(postal: &str, country: &str) -> Option<String> {
    crate::contacts::postal_problem(postal, country)
}

/// `contacts.placeholder`.
#[pyfunction]
fn orderrules_placeholder(text: &str) -> bool {
    crate::contacts::placeholder(text)
}

/// `offplatform.off_platform_request(text, extra)` (a text that is not a str finds nothing).
#[pyfunction]
#[pyo3(signature = (text, extra=Vec::new()))]
fn orderrules_off_platform_request(text: &Bound<'_, PyAny>, extra: Vec<String>) -> PyResult<Option<String>> {
    let text = match text.extract::<String>() {
        Ok(s) => Value::String(s),
        Err(_) => Value::Null,
    };
    Ok(crate::offplatform::off_platform_request(Some(&text), &extra))
}

/// `unicodedata.normalize("NFKC", text)`, `text.casefold()`, `repr(text)`, `text.strip()`,
/// and the `str` classes of each character (`isalpha`, `isdecimal`, `isdigit`,
/// `isnumeric`, `isalnum`, `isspace`, `isprintable`), as the port computes them.
#[pyfunction]
fn orderrules_str_ops(text: &str) -> (String, String, String, String, Vec<(bool, bool, bool, bool, bool, bool, bool)>) {
    use crate::pystr::*;
    let classes = text
        .chars()
        .map(|c| (is_alpha(c), is_decimal(c), is_digit(c), is_numeric(c), is_alnum(c), is_space(c), is_printable(c)))
        .collect();
    (crate::pystr::nfkc(text), casefold(text), repr(text), strip(text).to_string(), classes)
}

/// `str(value)` of a JSON-shaped value, as `contacts._text` writes a non-string field.
#[pyfunction]
fn orderrules_py_str(value: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(crate::pystr::py_str(&to_value(value)?))
}

/// `round(left / 3600, 1)` as `chargeback_deadline` computes its `observed`.
#[pyfunction]
fn orderrules_hours_left(left: i64) -> f64 {
    crate::orderchecks::hours_left(left)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(orderrules_hours_left, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_detect, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_contact_problems, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_phone_problem, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_postal_problem, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_placeholder, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_off_platform_request, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_str_ops, m)?)?;
    m.add_function(wrap_pyfunction!(orderrules_py_str, m)?)?;
    Ok(())
}
