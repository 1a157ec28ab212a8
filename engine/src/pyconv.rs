//! Conversions between Python objects and the core's values: JSON-shaped values, events,
//! alerts.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::alert::{Alert, Num};
use crate::event::Event;

/// A JSON-shaped Python object (dict, list, str, int, float, bool, None) as a `Value`.
pub fn to_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(s) = obj.downcast::<PyString>() {
        Ok(Value::String(s.to_str()?.to_string()))
    } else if obj.is_instance_of::<PyBool>() {
        Ok(Value::Bool(obj.extract()?))
    } else if obj.is_instance_of::<PyInt>() {
        match obj.extract::<i64>() {
            Ok(v) => Ok(Value::Number(v.into())),
            Err(_) => match obj.extract::<u64>() {
                Ok(v) => Ok(Value::Number(v.into())),
                Err(_) => Err(PyValueError::new_err("an integer beyond 64 bits")),
            },
        }
    } else if let Ok(f) = obj.downcast::<PyFloat>() {
        Number::from_f64(f.value()).map(Value::Number).ok_or_else(|| PyValueError::new_err("a float that is not finite"))
    } else if let Ok(d) = obj.downcast::<PyDict>() {
        Ok(Value::Object(to_map(d)?))
    } else if let Ok(l) = obj.downcast::<PyList>() {
        l.iter().map(|x| to_value(&x)).collect::<PyResult<Vec<_>>>().map(Value::Array)
    } else if let Ok(t) = obj.downcast::<PyTuple>() {
        t.iter().map(|x| to_value(&x)).collect::<PyResult<Vec<_>>>().map(Value::Array)
    } else {
        Err(PyValueError::new_err(format!("not a JSON value: {}", obj.get_type().name()?)))
    }
}

pub fn to_map(d: &Bound<'_, PyDict>) -> PyResult<Map<String, Value>> {
    let mut m = Map::with_capacity(d.len());
    for (k, v) in d.iter() {
        m.insert(k.extract::<String>()?, to_value(&v)?);
    }
    Ok(m)
}

/// A `Value` as the Python object `orjson.loads` would give.
pub fn from_value<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let l = PyList::empty(py);
            for x in a {
                l.append(from_value(py, x)?)?;
            }
            l.into_any()
        }
        Value::Object(m) => from_map(py, m)?.into_any(),
    })
}

pub fn from_map<'py>(py: Python<'py>, m: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in m {
        d.set_item(k, from_value(py, v)?)?;
    }
    Ok(d)
}

/// An event dict that `schemas.event.validate_event` accepted, as an `Event` (kept whole).
/// Its time is parsed by Python's `datetime.fromisoformat` when the quick parser does not
/// take its shape.
pub fn event_from_py(d: &Bound<'_, PyDict>) -> PyResult<Event> {
    let map = to_map(d)?;
    let t = match map.get("occurred_at") {
        Some(Value::String(s)) => match crate::fields::quick_epoch(s) {
            Some(t) => Some(t),
            None => Some(py_epoch(d.py(), s)?),
        },
        _ => None,
    };
    Event::from_validated(map, t, true).map_err(PyValueError::new_err)
}

/// `int(datetime.fromisoformat(ts).timestamp())`, asked of Python.
pub fn py_epoch(py: Python<'_>, ts: &str) -> PyResult<i64> {
    let datetime = py.import("datetime")?.getattr("datetime")?;
    let parsed = datetime.call_method1("fromisoformat", (ts,))?;
    let stamp: f64 = parsed.call_method0("timestamp")?.extract()?;
    Ok(stamp.trunc() as i64)
}

/// An event as the dict the Python core passes on (its whole object when kept).
pub fn event_to_py<'py>(py: Python<'py>, e: &Event) -> PyResult<Bound<'py, PyDict>> {
    match &e.raw {
        Some(raw) => from_map(py, raw),
        None => Err(PyValueError::new_err("the event was not kept whole")),
    }
}

fn num_to_py<'py>(py: Python<'py>, n: Option<Num>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match n {
        None => py.None().into_bound(py),
        Some(Num::Int(i)) => i.into_pyobject(py)?.into_any(),
        Some(Num::Float(f)) => f.into_pyobject(py)?.into_any(),
    })
}

/// An alert as the dict of contracts.md §2 (field order as `alerts.make_alert` writes it),
/// with `suppressed` when an allow entry suppressed it.
pub fn alert_to_py<'py>(py: Python<'py>, a: &Alert) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("alert_id", &a.alert_id)?;
    d.set_item("rule_id", &a.rule_id)?;
    d.set_item("rule_version", a.rule_version)?;
    d.set_item("severity", a.severity)?;
    d.set_item("buyer_ids", &a.buyer_ids)?;
    d.set_item("seller_id", &a.seller_id)?;
    d.set_item("marketplace", &a.marketplace)?;
    d.set_item("order_id", &a.order_id)?;
    d.set_item("occurred_at", &a.occurred_at)?;
    d.set_item("window_start", &a.window_start)?;
    d.set_item("window_end", &a.window_end)?;
    d.set_item("observed", num_to_py(py, a.observed)?)?;
    d.set_item("threshold", num_to_py(py, a.threshold)?)?;
    d.set_item("evidence_event_ids", &a.evidence_event_ids)?;
    d.set_item("explanation", &a.explanation)?;
    d.set_item("recommended_actions", &a.recommended_actions)?;
    d.set_item("deadline_at", &a.deadline_at)?;
    d.set_item("schema_version", crate::alert::SCHEMA_VERSION)?;
    if let Some(s) = &a.suppressed {
        let x = PyDict::new(py);
        x.set_item("list", "allow")?;
        x.set_item("seller_id", &s.seller_id)?;
        x.set_item("reason", &s.reason)?;
        x.set_item("source", &s.source)?;
        d.set_item("suppressed", x)?;
    }
    Ok(d)
}

pub fn alerts_to_py<'py>(py: Python<'py>, alerts: &[Alert]) -> PyResult<Bound<'py, PyList>> {
    let l = PyList::empty(py);
    for a in alerts {
        l.append(alert_to_py(py, a)?)?;
    }
    Ok(l)
}
