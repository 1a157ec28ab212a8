//! Alerts with exactly the fields of contracts.md §2 (`streams/core/alerts.py`,
//! `streams/core/playbook.py`, `schemas.alert.alert_id`).

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;

use crate::event::Event;
use crate::fields::format_day;

pub const SCHEMA_VERSION: i64 = 1;
pub const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];
pub const LOW: usize = 1;
pub const MEDIUM: usize = 2;
pub const HIGH: usize = 3;

/// A count stays an int in the alert (`"observed": 40`), a share or an amount a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(i64),
    Float(f64),
}

/// Why an allow entry suppressed an alert (`buyers.suppression`).
#[derive(Clone, Debug, PartialEq)]
pub struct Suppressed {
    pub seller_id: String,
    pub reason: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Alert {
    pub alert_id: String,
    pub rule_id: String,
    pub rule_version: i64,
    pub severity: &'static str,
    pub buyer_ids: Vec<String>,
    pub seller_id: String,
    pub marketplace: String,
    pub order_id: Option<String>,
    pub occurred_at: String,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub observed: Option<Num>,
    pub threshold: Option<Num>,
    pub evidence_event_ids: Vec<String>,
    pub explanation: String,
    pub recommended_actions: Vec<String>,
    pub deadline_at: Option<String>,
    pub suppressed: Option<Suppressed>,
}

/// `schemas.alert.alert_id`: blake2b (12 bytes) of `rule|version|subject|window|severity`, hex.
pub fn alert_id(rule_id: &str, rule_version: i64, subject: &str, window: &str, severity: &str) -> String {
    let raw = format!("{rule_id}|{rule_version}|{subject}|{window}|{severity}");
    let mut hasher = Blake2bVar::new(12).expect("12 is a valid blake2b size");
    hasher.update(raw.as_bytes());
    let mut out = [0u8; 12];
    hasher.finalize_variable(&mut out).expect("12 bytes");
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// `alerts.plural`: `3 orders`, `1 order`.
pub fn plural(n: i64, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// The arguments of `alerts.make_alert`.
pub struct AlertArgs<'a> {
    pub rule_id: &'a str,
    pub rule_version: i64,
    pub subject: &'a str,
    pub window: &'a str,
    pub severity_rank: usize,
    pub buyer_ids: Vec<String>,
    pub event: &'a Event,
    pub explanation: String,
    pub recommended_actions: Vec<String>,
    pub evidence_event_ids: Vec<String>,
    pub observed: Option<Num>,
    pub threshold: Option<Num>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub order_id: Option<String>,
    pub deadline_at: Option<String>,
}

/// `alerts.make_alert`.
pub fn make_alert(a: AlertArgs<'_>) -> Alert {
    let severity = SEVERITIES[a.severity_rank];
    Alert {
        alert_id: alert_id(a.rule_id, a.rule_version, a.subject, a.window, severity),
        rule_id: a.rule_id.to_string(),
        rule_version: a.rule_version,
        severity,
        buyer_ids: a.buyer_ids,
        seller_id: a.event.seller_id.clone(),
        marketplace: a.event.marketplace.clone(),
        order_id: a.order_id,
        occurred_at: a.event.occurred_at.clone(),
        window_start: a.window_start,
        window_end: a.window_end,
        observed: a.observed,
        threshold: a.threshold,
        evidence_event_ids: a.evidence_event_ids,
        explanation: a.explanation,
        recommended_actions: a.recommended_actions,
        deadline_at: a.deadline_at,
        suppressed: None,
    }
}

/// The arguments of `alerts.window_alert`.
pub struct WindowArgs<'a> {
    pub rule_id: &'a str,
    pub rule_version: i64,
    pub subject: &'a str,
    pub severity_rank: usize,
    pub buyer_ids: Vec<String>,
    pub event: &'a Event,
    pub first_day: i64,
    pub horizon_days: i64,
    pub episode: i64,
    pub observed: Num,
    pub threshold: Num,
    pub evidence_event_ids: Vec<String>,
    pub explanation: String,
    pub recommended_actions: Vec<String>,
}

/// `alerts.window_alert`.
pub fn window_alert(a: WindowArgs<'_>) -> Alert {
    let window = format!("{}/{}", format_day(a.episode), format_day(a.episode + a.horizon_days));
    make_alert(AlertArgs {
        rule_id: a.rule_id,
        rule_version: a.rule_version,
        subject: a.subject,
        window: &window,
        severity_rank: a.severity_rank,
        buyer_ids: a.buyer_ids,
        event: a.event,
        explanation: a.explanation,
        recommended_actions: a.recommended_actions,
        evidence_event_ids: a.evidence_event_ids,
        observed: Some(a.observed),
        threshold: Some(a.threshold),
        window_start: Some(format_day(a.first_day)),
        window_end: Some(format_day(a.first_day + a.horizon_days)),
        order_id: None,
        deadline_at: None,
    })
}

/// `playbook.PLAYBOOK`.
fn playbook(signal: &str) -> &'static [&'static str] {
    match signal {
        "unpaid_order" => &["send_payment_reminder"],
        "repeat_nonpayment" => &["hold_shipment", "shorten_auto_cancel", "let_platform_auto_close", "block_buyer"],
        "stock_locked" => &["reduce_stock_on_payment", "hold_shipment", "shorten_auto_cancel", "let_platform_auto_close"],
        "bad_contact" => &["hold_shipment", "contact_buyer"],
        "suspicious_paid_order" => &["collect_evidence", "contact_platform_support"],
        "dispute" => &["contact_buyer"],
        "dispute_abuse" => &["collect_evidence", "contact_platform_support", "contact_buyer"],
        "chargeback" => &["appeal_chargeback", "collect_evidence"],
        "chargeback_abuse" => &["collect_evidence", "appeal_chargeback", "block_buyer", "report_buyer"],
        "blocked_buyer" => &["hold_shipment", "let_platform_auto_close", "block_buyer"],
        "off_platform_payment" => &["decline_off_platform_payment", "collect_evidence"],
        _ => panic!("no playbook signal {signal}"),
    }
}

/// `playbook.ESCALATE_HIGH` with its default.
fn escalate_high(signal: &str) -> &'static [&'static str] {
    match signal {
        "stock_locked" | "dispute_abuse" => &["block_buyer"],
        "chargeback" | "bad_contact" | "blocked_buyer" => &[],
        _ => &["report_buyer"],
    }
}

/// `playbook.recommend`.
pub fn recommend(signal: &str, severity_rank: usize, across_shops: bool) -> Vec<String> {
    let mut actions: Vec<String> = playbook(signal).iter().map(|s| s.to_string()).collect();
    if severity_rank >= HIGH {
        for a in escalate_high(signal) {
            if !actions.iter().any(|x| x == a) {
                actions.push(a.to_string());
            }
        }
    }
    if across_shops && !actions.iter().any(|x| x == "share_with_sellers") {
        actions.push("share_with_sellers".to_string());
    }
    actions
}
