//! `streams/core/lists.py`: allow and deny lists, entries per seller or shared by all
//! sellers. Parsing the lists topic's records stays in Python: `ListBook::from_py` reads
//! a Python `ListBook`'s entries.

use crate::collections::HashMap;

use pyo3::prelude::*;

/// `lists.ALL_SELLERS`: the seller of an entry that applies at every seller.
pub const ALL_SELLERS: &str = "*";

/// `lists.ListEntry`: one allow- or deny-list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub kind: String,
    pub buyer_id: String,
    pub seller_id: String,
    pub reason: String,
    pub source: String,
    pub added_at: i64,
    pub expires_at: Option<i64>,
}

impl ListEntry {
    /// `ListEntry.key`: `kind|seller|buyer`.
    pub fn key(&self) -> String {
        entry_key(&self.kind, &self.seller_id, &self.buyer_id)
    }

    /// `ListEntry.active`: whether the entry applies at epoch second `at`.
    pub fn active(&self, at: i64) -> bool {
        self.expires_at.map_or(true, |expires| at < expires)
    }

    /// A Python `ListEntry` object.
    pub fn from_py(entry: &Bound<'_, PyAny>) -> PyResult<ListEntry> {
        Ok(ListEntry {
            kind: entry.getattr("kind")?.extract()?,
            buyer_id: entry.getattr("buyer_id")?.extract()?,
            seller_id: entry.getattr("seller_id")?.extract()?,
            reason: entry.getattr("reason")?.extract()?,
            source: entry.getattr("source")?.extract()?,
            added_at: entry.getattr("added_at")?.extract()?,
            expires_at: entry.getattr("expires_at")?.extract()?,
        })
    }
}

/// `lists.entry_key`: `kind|seller|buyer`, the key of an entry on the compacted topic.
pub fn entry_key(kind: &str, seller_id: &str, buyer_id: &str) -> String {
    format!("{kind}|{seller_id}|{buyer_id}")
}

/// `lists.ListBook`: the current allow and deny lists, by `entry_key`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListBook {
    entries: HashMap<String, ListEntry>,
}

impl ListBook {
    pub fn new() -> ListBook {
        ListBook::default()
    }

    /// A Python `ListBook`: its `entries()`, each under its own key (as `apply` keeps them).
    pub fn from_py(book: &Bound<'_, PyAny>) -> PyResult<ListBook> {
        let mut out = ListBook::new();
        for entry in book.call_method0("entries")?.try_iter()? {
            out.insert(ListEntry::from_py(&entry?)?);
        }
        Ok(out)
    }

    /// Keeps `entry` under its key, replacing the entry it had (`ListBook.apply`'s fold).
    pub fn insert(&mut self, entry: ListEntry) {
        self.entries.insert(entry.key(), entry);
    }

    /// Removes the entry under `key` (`ListBook.apply` with a tombstone).
    pub fn remove(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// `len(book)`; an empty book is falsy in the Python (`if alerts and lists:`).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `ListBook.entries`: every entry, expired ones included, sorted by key.
    pub fn entries(&self) -> Vec<&ListEntry> {
        let mut keys: Vec<&String> = self.entries.keys().collect();
        keys.sort();
        keys.into_iter().map(|k| &self.entries[k]).collect()
    }

    /// `ListBook.lookup`: the entry of `kind` that applies to this buyer at this seller at
    /// `at`. A seller's own entry wins over one shared by all sellers.
    pub fn lookup(&self, kind: &str, buyer_id: &str, seller_id: &str, at: i64) -> Option<&ListEntry> {
        if self.entries.is_empty() {
            return None;
        }
        for seller in [seller_id, ALL_SELLERS] {
            if let Some(entry) = self.entries.get(&entry_key(kind, seller, buyer_id)) {
                if entry.active(at) {
                    return Some(entry);
                }
            }
        }
        None
    }
}
