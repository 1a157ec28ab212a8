//! Port of `streams/core/linking_rules.py`'s settings: the `linked_accounts` rule as the
//! Python `LinkingRules` object holds it (TOML loading stays in Python).

use pyo3::prelude::*;

/// `linking_rules.Levels`: when the accounts sharing one identity fire, for one strength
/// of link.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Levels {
    pub medium: i64,
    pub high: i64,
    pub min_ratio: f64,
    pub min_accounts: usize,
    pub list_all: bool,
}

/// `linking_rules.LinkingRules`, fields named as the dataclass's.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkingRules {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    pub horizon_days: i64,
    pub medium: i64,
    pub high: i64,
    pub min_ratio: f64,
    pub min_accounts: i64,
    pub address_medium: i64,
    pub address_high: i64,
    pub address_min_ratio: f64,
    pub address_min_accounts: i64,
    pub max_members: i64,
    /// The `retention_days` property: `2 * horizon_days`.
    pub retention_days: i64,
}

impl Default for LinkingRules {
    /// `LinkingRules()`: the dataclass defaults.
    fn default() -> Self {
        LinkingRules {
            id: "linked_accounts".to_string(),
            version: 1,
            enabled: true,
            horizon_days: 7,
            medium: 3,
            high: 6,
            min_ratio: 0.5,
            min_accounts: 2,
            address_medium: 5,
            address_high: 10,
            address_min_ratio: 0.6,
            address_min_accounts: 3,
            max_members: 16,
            retention_days: 14,
        }
    }
}

/// `linking_keys.WEAK_KINDS`: households, offices and dorms share these.
pub fn is_weak_kind(kind: &str) -> bool {
    kind == "addr"
}

impl LinkingRules {
    /// Reads the Python `LinkingRules` object's attributes.
    pub fn from_py(rules: &Bound<'_, PyAny>) -> PyResult<LinkingRules> {
        let horizon_days: i64 = rules.getattr("horizon_days")?.extract()?;
        Ok(LinkingRules {
            id: rules.getattr("id")?.extract()?,
            version: rules.getattr("version")?.extract()?,
            enabled: rules.getattr("enabled")?.is_truthy()?,
            horizon_days,
            medium: rules.getattr("medium")?.extract()?,
            high: rules.getattr("high")?.extract()?,
            min_ratio: rules.getattr("min_ratio")?.extract()?,
            min_accounts: rules.getattr("min_accounts")?.extract()?,
            address_medium: rules.getattr("address_medium")?.extract()?,
            address_high: rules.getattr("address_high")?.extract()?,
            address_min_ratio: rules.getattr("address_min_ratio")?.extract()?,
            address_min_accounts: rules.getattr("address_min_accounts")?.extract()?,
            max_members: rules.getattr("max_members")?.extract()?,
            retention_days: rules.getattr("retention_days")?.extract()?,
        })
    }

    /// `LinkingRules.levels(kind)`: the thresholds for an identity kind.
    pub fn levels(&self, kind: &str) -> Levels {
        if is_weak_kind(kind) {
            Levels {
                medium: self.address_medium,
                high: self.address_high,
                min_ratio: self.address_min_ratio,
                min_accounts: self.address_min_accounts.max(0) as usize,
                list_all: false,
            }
        } else {
            Levels {
                medium: self.medium,
                high: self.high,
                min_ratio: self.min_ratio,
                min_accounts: self.min_accounts.max(0) as usize,
                list_all: true,
            }
        }
    }
}
