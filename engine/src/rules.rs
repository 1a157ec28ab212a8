//! `streams/core/thresholds.py` and `streams/core/rules.py`: every rule's settings.
//!
//! Loading and checking the TOML stays in Python: `RuleSet::from_py` reads a Python
//! `RuleSet` (already checked) attribute by attribute. Fields are named as the Python
//! dataclass fields; `id` (a ClassVar in Python) is read from the object too.

use pyo3::prelude::*;

/// `thresholds.BurstRule` and its subclasses (`RatioRule`, `NonpaymentBurst`,
/// `CancelChurn`, `DisputeAbuse`, `ChargebackAbuse`): one struct for all four burst
/// rules. A rule that is not a `RatioRule` has `ratio == false` and `min_ratio == 0.0`
/// (what `_burst` and `_share` take for it).
#[derive(Clone, Debug, PartialEq)]
pub struct BurstRule {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    pub horizon_days: i64,
    pub medium: i64,
    pub high: i64,
    pub shops_medium: i64,
    pub shops_high: i64,
    pub min_shops: i64,
    /// `RatioRule.min_ratio`; 0.0 for a rule that is not a ratio rule.
    pub min_ratio: f64,
    /// `isinstance(rule, RatioRule)`.
    pub ratio: bool,
    /// The ClassVar `BurstRule.long`: a long rule (months) counts the long-horizon rows.
    pub long: bool,
}

pub type NonpaymentBurst = BurstRule;
pub type CancelChurn = BurstRule;
pub type DisputeAbuse = BurstRule;
pub type ChargebackAbuse = BurstRule;

/// `thresholds.OrderFlood`.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderFlood {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    pub horizon_minutes: i64,
    pub orders_medium: i64,
    pub orders_high: i64,
    pub units_medium: i64,
    pub units_high: i64,
}

/// `thresholds.UnpaidStockHeld`.
#[derive(Clone, Debug, PartialEq)]
pub struct UnpaidStockHeld {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    pub units_medium: i64,
    pub units_high: i64,
    pub value_medium: i64,
    pub value_high: i64,
}

/// `thresholds.BadContact`.
#[derive(Clone, Debug, PartialEq)]
pub struct BadContact {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    pub min_phone_digits: i64,
    pub max_phone_digits: i64,
    pub max_repeated_digits: i64,
    pub min_address_chars: i64,
    pub high_problems: i64,
}

/// `thresholds.ChargebackDeadline`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChargebackDeadline {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    pub medium_hours: i64,
    pub high_hours: i64,
    pub default_business_days: i64,
}

/// `thresholds.BlockedBuyerOrder`.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockedBuyerOrder {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
}

/// `thresholds.OffPlatformPayment`.
#[derive(Clone, Debug, PartialEq)]
pub struct OffPlatformPayment {
    pub id: String,
    pub version: i64,
    pub enabled: bool,
    pub extra_phrases: Vec<String>,
}

/// `rules.RuleSet`: every buyer rule, configured, and how long the buyer windows keep
/// their counts (`retention_days`, `long_days`, computed by the Python `__post_init__`
/// and read as they are).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSet {
    pub nonpayment_burst: NonpaymentBurst,
    pub cancel_churn: CancelChurn,
    pub order_flood: OrderFlood,
    pub unpaid_stock_held: UnpaidStockHeld,
    pub bad_contact: BadContact,
    pub dispute_abuse: DisputeAbuse,
    pub chargeback_abuse: ChargebackAbuse,
    pub chargeback_deadline: ChargebackDeadline,
    pub blocked_buyer_order: BlockedBuyerOrder,
    pub off_platform_payment: OffPlatformPayment,
    pub retention_days: i64,
    pub long_days: i64,
}

fn get<'py, T: FromPyObject<'py>>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<T> {
    obj.getattr(name)?.extract()
}

/// The fields every rule has: `(id, version, enabled)`.
fn head(rule: &Bound<'_, PyAny>) -> PyResult<(String, i64, bool)> {
    Ok((get(rule, "id")?, get(rule, "version")?, get(rule, "enabled")?))
}

impl BurstRule {
    /// A Python `BurstRule` (or `RatioRule`) object.
    pub fn from_py(rule: &Bound<'_, PyAny>) -> PyResult<BurstRule> {
        let (id, version, enabled) = head(rule)?;
        // isinstance(rule, RatioRule), by the field only ratio rules have
        let ratio = rule.hasattr("min_ratio")?;
        Ok(BurstRule {
            id,
            version,
            enabled,
            horizon_days: get(rule, "horizon_days")?,
            medium: get(rule, "medium")?,
            high: get(rule, "high")?,
            shops_medium: get(rule, "shops_medium")?,
            shops_high: get(rule, "shops_high")?,
            min_shops: get(rule, "min_shops")?,
            min_ratio: if ratio { get(rule, "min_ratio")? } else { 0.0 },
            ratio,
            long: get(rule, "long")?,
        })
    }
}

impl RuleSet {
    /// The Python `RuleSet` object's settings.
    pub fn from_py(rules: &Bound<'_, PyAny>) -> PyResult<RuleSet> {
        let r = |name: &str| rules.getattr(name);
        let flood = r("order_flood")?;
        let stock = r("unpaid_stock_held")?;
        let contact = r("bad_contact")?;
        let deadline = r("chargeback_deadline")?;
        let blocked = r("blocked_buyer_order")?;
        let off = r("off_platform_payment")?;
        Ok(RuleSet {
            nonpayment_burst: BurstRule::from_py(&r("nonpayment_burst")?)?,
            cancel_churn: BurstRule::from_py(&r("cancel_churn")?)?,
            order_flood: {
                let (id, version, enabled) = head(&flood)?;
                OrderFlood {
                    id,
                    version,
                    enabled,
                    horizon_minutes: get(&flood, "horizon_minutes")?,
                    orders_medium: get(&flood, "orders_medium")?,
                    orders_high: get(&flood, "orders_high")?,
                    units_medium: get(&flood, "units_medium")?,
                    units_high: get(&flood, "units_high")?,
                }
            },
            unpaid_stock_held: {
                let (id, version, enabled) = head(&stock)?;
                UnpaidStockHeld {
                    id,
                    version,
                    enabled,
                    units_medium: get(&stock, "units_medium")?,
                    units_high: get(&stock, "units_high")?,
                    value_medium: get(&stock, "value_medium")?,
                    value_high: get(&stock, "value_high")?,
                }
            },
            bad_contact: {
                let (id, version, enabled) = head(&contact)?;
                BadContact {
                    id,
                    version,
                    enabled,
                    min_phone_digits: get(&contact, "min_phone_digits")?,
                    max_phone_digits: get(&contact, "max_phone_digits")?,
                    max_repeated_digits: get(&contact, "max_repeated_digits")?,
                    min_address_chars: get(&contact, "min_address_chars")?,
                    high_problems: get(&contact, "high_problems")?,
                }
            },
            dispute_abuse: BurstRule::from_py(&r("dispute_abuse")?)?,
            chargeback_abuse: BurstRule::from_py(&r("chargeback_abuse")?)?,
            chargeback_deadline: {
                let (id, version, enabled) = head(&deadline)?;
                ChargebackDeadline {
                    id,
                    version,
                    enabled,
                    medium_hours: get(&deadline, "medium_hours")?,
                    high_hours: get(&deadline, "high_hours")?,
                    default_business_days: get(&deadline, "default_business_days")?,
                }
            },
            blocked_buyer_order: {
                let (id, version, enabled) = head(&blocked)?;
                BlockedBuyerOrder { id, version, enabled }
            },
            off_platform_payment: {
                let (id, version, enabled) = head(&off)?;
                OffPlatformPayment { id, version, enabled, extra_phrases: get(&off, "extra_phrases")? }
            },
            retention_days: get(rules, "retention_days")?,
            long_days: get(rules, "long_days")?,
        })
    }
}
