//! orderguard's detection core, native.
//!
//! A port of `streams/core` (and `schemas/event.py`'s quick validation) that keeps its
//! semantics exactly: the same states, the same alerts with the same ids. Each module
//! names the Python module it ports (see PORTING.md). The Python core stays the
//! specification; differential tests hold the two together.

pub mod alert;
pub mod collections;
pub mod buyer_state;
pub mod event;
pub mod eventids;
pub mod fields;
pub mod layout;
pub mod pyconv;

// the buyer fold
pub mod eviction;
pub mod evidence;
pub mod holdings;
pub mod longterm;
pub mod windows;
// the burst rules
pub mod buyers;
pub mod bursts;
pub mod detectors;
pub mod lists;
pub mod rules;
// the order rules
pub mod contacts;
pub mod pystr;
pub mod pystr_tables;
pub mod offplatform;
pub mod orderchecks;
pub mod stocklock;
// the orders stage
pub mod orders;
pub mod sweep;
pub mod validate;
// the identities stage
pub mod linking;
// replay and the Python API
pub mod pyapi;
pub mod replay;

mod hooks_fold;
mod hooks_linking;
mod hooks_orderrules;
mod hooks_orders;
mod hooks_rules;

use pyo3::prelude::*;

#[pymodule]
fn _engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__doc__", "orderguard's detection core, compiled from Rust (engine/)")?;
    m.add("UNIDATA_VERSION", pystr_tables::UNIDATA_VERSION)?;
    hooks_fold::register(m)?;
    hooks_rules::register(m)?;
    hooks_orderrules::register(m)?;
    hooks_orders::register(m)?;
    hooks_linking::register(m)?;
    pyapi::register(m)?;
    Ok(())
}

// States are many small maps, strings and vectors: mimalloc allocates and frees them in
// about half the time of glibc's malloc (measured on the replay benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
