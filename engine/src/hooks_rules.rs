//! Test hooks of the burst rules (see PORTING.md): pyfunctions the differential tests
//! call with the Python core's own objects (state dicts, event dicts, `RuleSet`,
//! `ListBook`, alert dicts).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::alert::Alert;
use crate::buyer_state::BuyerState;
use crate::buyers;
use crate::bursts;
use crate::lists::ListBook;
use crate::pyconv::{alerts_to_py, event_from_py};
use crate::rules::RuleSet;

fn state_of(state: Option<&Bound<'_, PyDict>>) -> PyResult<BuyerState> {
    match state {
        Some(d) => BuyerState::from_py(d),
        None => Ok(BuyerState::new()),
    }
}

/// A `ListBook` converted once (`rules_listbook(book)`), for tests that pass the same
/// book with every event.
#[pyclass(frozen)]
struct RulesListBook(ListBook);

/// Converts a Python `ListBook` once: the handle may stand for it in the other hooks.
#[pyfunction]
fn rules_listbook(book: &Bound<'_, PyAny>) -> PyResult<RulesListBook> {
    Ok(RulesListBook(ListBook::from_py(book)?))
}

/// Calls `f` with the lists a hook was given: None, a `rules_listbook` handle (borrowed)
/// or a Python `ListBook` (converted).
fn with_lists<R>(lists: Option<&Bound<'_, PyAny>>, f: impl FnOnce(Option<&ListBook>) -> R) -> PyResult<R> {
    match lists {
        Some(l) if l.is_none() => Ok(f(None)),
        Some(l) => match l.downcast::<RulesListBook>() {
            Ok(handle) => Ok(f(Some(&handle.get().0))),
            Err(_) => Ok(f(Some(&ListBook::from_py(l)?))),
        },
        None => Ok(f(None)),
    }
}

fn answer<'py>(py: Python<'py>, state: &BuyerState, alerts: &[Alert]) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    Ok((state.to_py(py)?, alerts_to_py(py, alerts)?))
}

/// The detectors of `step_buyer` on a state the fold already counted the event in
/// (`windows.apply_at` returned `col`), then the allow-list suppression as `step_buyer`
/// applies it: `(state, alerts)`.
#[pyfunction]
#[pyo3(signature = (state, event, t, col, rules, lists=None))]
fn rules_detect<'py>(
    py: Python<'py>,
    state: &Bound<'py, PyDict>,
    event: &Bound<'py, PyDict>,
    t: i64,
    col: usize,
    rules: &Bound<'py, PyAny>,
    lists: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    let mut s = BuyerState::from_py(state)?;
    let e = event_from_py(event)?;
    let r = RuleSet::from_py(rules)?;
    let alerts = with_lists(lists, |l| {
        let mut alerts = buyers::detect(&mut s, &e, t, col, &r, l);
        if let Some(book) = l {
            if !alerts.is_empty() && !book.is_empty() {
                buyers::suppress(&mut alerts, book, e.buyer(), t);
            }
        }
        alerts
    })?;
    answer(py, &s, &alerts)
}

/// `buyers.step_buyer(state, event, rules, lists)`: `(state, alerts)`.
#[pyfunction]
#[pyo3(signature = (state, event, rules, lists=None))]
fn rules_step<'py>(
    py: Python<'py>,
    state: Option<&Bound<'py, PyDict>>,
    event: &Bound<'py, PyDict>,
    rules: &Bound<'py, PyAny>,
    lists: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyList>)> {
    let mut s = state_of(state)?;
    let e = event_from_py(event)?;
    let r = RuleSet::from_py(rules)?;
    let alerts = with_lists(lists, |l| buyers::step_buyer(&mut s, &e, &r, l))?;
    answer(py, &s, &alerts)
}

/// `bursts.fire_levels(state, key, episode, rank, part)`: `(state, ranks)`.
#[pyfunction]
#[pyo3(signature = (state, key, episode, rank, part="f"))]
fn rules_fire_levels<'py>(
    py: Python<'py>,
    state: &Bound<'py, PyDict>,
    key: &str,
    episode: i64,
    rank: usize,
    part: &str,
) -> PyResult<(Bound<'py, PyDict>, Vec<usize>)> {
    let mut s = BuyerState::from_py(state)?;
    let ranks = bursts::fire_levels(&mut s, key, episode, rank, part == "g", &bursts::LADDER);
    Ok((s.to_py(py)?, ranks))
}

/// `bursts.fired_at(state, key, episode, part)`.
#[pyfunction]
#[pyo3(signature = (state, key, episode, part="f"))]
fn rules_fired_at(state: &Bound<'_, PyDict>, key: &str, episode: i64, part: &str) -> PyResult<usize> {
    Ok(bursts::fired_at(&BuyerState::from_py(state)?, key, episode, part == "g"))
}

/// `f"{x:g}"`.
#[pyfunction]
fn rules_fmt_g(x: f64) -> String {
    crate::pystr::format_g(x)
}

/// `ListBook.lookup(kind, buyer, seller, at)` on a Python `ListBook`: the entry's
/// `(kind, buyer_id, seller_id, reason, source, added_at, expires_at)`, or None.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn rules_lookup(
    book: &Bound<'_, PyAny>,
    kind: &str,
    buyer: &str,
    seller: &str,
    at: i64,
) -> PyResult<Option<(String, String, String, String, String, i64, Option<i64>)>> {
    let b = ListBook::from_py(book)?;
    Ok(b.lookup(kind, buyer, seller, at).map(|e| {
        (e.kind.clone(), e.buyer_id.clone(), e.seller_id.clone(), e.reason.clone(), e.source.clone(), e.added_at, e.expires_at)
    }))
}

/// `buyers.suppress_group(alert, lists, t)` for an alert naming `buyer_ids` at `seller`:
/// the `suppressed` dict it would get, or None.
#[pyfunction]
fn rules_suppress_group<'py>(
    py: Python<'py>,
    book: &Bound<'py, PyAny>,
    buyer_ids: Vec<String>,
    seller: String,
    t: i64,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let b = ListBook::from_py(book)?;
    let mut alert = Alert {
        alert_id: String::new(),
        rule_id: String::new(),
        rule_version: 1,
        severity: "high",
        buyer_ids,
        seller_id: seller,
        marketplace: String::new(),
        order_id: None,
        occurred_at: String::new(),
        window_start: None,
        window_end: None,
        observed: None,
        threshold: None,
        evidence_event_ids: Vec::new(),
        explanation: String::new(),
        recommended_actions: Vec::new(),
        deadline_at: None,
        suppressed: None,
    };
    buyers::suppress_group(&mut alert, &b, t);
    match &alert.suppressed {
        None => Ok(None),
        Some(s) => {
            let d = PyDict::new(py);
            d.set_item("list", "allow")?;
            d.set_item("seller_id", &s.seller_id)?;
            d.set_item("reason", &s.reason)?;
            d.set_item("source", &s.source)?;
            Ok(Some(d))
        }
    }
}

/// `buyers.BUYER_EVENT_TYPES`, as the Rust port has them.
#[pyfunction]
fn rules_buyer_event_types() -> Vec<&'static str> {
    crate::event::EType::ALL.iter().filter(|t| buyers::is_buyer_event(**t)).map(|t| t.name()).collect()
}

/// `RuleSet::from_py(rules)` given back as `{rule id: {field: value}}` (with each rule's
/// `id`, burst rules' `ratio`/`long`) plus `retention_days` and `long_days`.
#[pyfunction]
fn rules_ruleset<'py>(py: Python<'py>, rules: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let r = RuleSet::from_py(rules)?;
    let out = PyDict::new(py);
    let head = |id: &str, version: i64, enabled: bool| -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", id)?;
        d.set_item("version", version)?;
        d.set_item("enabled", enabled)?;
        Ok(d)
    };
    for b in [&r.nonpayment_burst, &r.cancel_churn, &r.dispute_abuse, &r.chargeback_abuse] {
        let d = head(&b.id, b.version, b.enabled)?;
        d.set_item("horizon_days", b.horizon_days)?;
        d.set_item("medium", b.medium)?;
        d.set_item("high", b.high)?;
        d.set_item("shops_medium", b.shops_medium)?;
        d.set_item("shops_high", b.shops_high)?;
        d.set_item("min_shops", b.min_shops)?;
        if b.ratio {
            d.set_item("min_ratio", b.min_ratio)?;
        }
        d.set_item("long", b.long)?;
        out.set_item(&b.id, d)?;
    }
    let f = &r.order_flood;
    let d = head(&f.id, f.version, f.enabled)?;
    d.set_item("horizon_minutes", f.horizon_minutes)?;
    d.set_item("orders_medium", f.orders_medium)?;
    d.set_item("orders_high", f.orders_high)?;
    d.set_item("units_medium", f.units_medium)?;
    d.set_item("units_high", f.units_high)?;
    out.set_item(&f.id, d)?;
    let u = &r.unpaid_stock_held;
    let d = head(&u.id, u.version, u.enabled)?;
    d.set_item("units_medium", u.units_medium)?;
    d.set_item("units_high", u.units_high)?;
    d.set_item("value_medium", u.value_medium)?;
    d.set_item("value_high", u.value_high)?;
    out.set_item(&u.id, d)?;
    let c = &r.bad_contact;
    let d = head(&c.id, c.version, c.enabled)?;
    d.set_item("min_phone_digits", c.min_phone_digits)?;
    d.set_item("max_phone_digits", c.max_phone_digits)?;
    d.set_item("max_repeated_digits", c.max_repeated_digits)?;
    d.set_item("min_address_chars", c.min_address_chars)?;
    d.set_item("high_problems", c.high_problems)?;
    out.set_item(&c.id, d)?;
    let x = &r.chargeback_deadline;
    let d = head(&x.id, x.version, x.enabled)?;
    d.set_item("medium_hours", x.medium_hours)?;
    d.set_item("high_hours", x.high_hours)?;
    d.set_item("default_business_days", x.default_business_days)?;
    out.set_item(&x.id, d)?;
    let x = &r.blocked_buyer_order;
    out.set_item(&x.id, head(&x.id, x.version, x.enabled)?)?;
    let x = &r.off_platform_payment;
    let d = head(&x.id, x.version, x.enabled)?;
    d.set_item("extra_phrases", &x.extra_phrases)?;
    out.set_item(&x.id, d)?;
    out.set_item("retention_days", r.retention_days)?;
    out.set_item("long_days", r.long_days)?;
    Ok(out)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(rules_ruleset, m)?)?;
    m.add_function(wrap_pyfunction!(rules_listbook, m)?)?;
    m.add_class::<RulesListBook>()?;
    m.add_function(wrap_pyfunction!(rules_detect, m)?)?;
    m.add_function(wrap_pyfunction!(rules_step, m)?)?;
    m.add_function(wrap_pyfunction!(rules_fire_levels, m)?)?;
    m.add_function(wrap_pyfunction!(rules_fired_at, m)?)?;
    m.add_function(wrap_pyfunction!(rules_fmt_g, m)?)?;
    m.add_function(wrap_pyfunction!(rules_lookup, m)?)?;
    m.add_function(wrap_pyfunction!(rules_suppress_group, m)?)?;
    m.add_function(wrap_pyfunction!(rules_buyer_event_types, m)?)?;
    Ok(())
}
