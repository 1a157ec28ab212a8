//! The maps the core keeps, with a fast hasher (FxHash) instead of SipHash.
//!
//! Keys are ids and seller names from the marketplaces' own events; the maps are rebuilt for
//! every run, so SipHash's protection against chosen keys buys little here and cost about a
//! twentieth of the replay's time.

pub type IndexMap<K, V> = indexmap::IndexMap<K, V, rustc_hash::FxBuildHasher>;
pub type HashMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
pub type HashSet<K> = std::collections::HashSet<K, rustc_hash::FxBuildHasher>;
