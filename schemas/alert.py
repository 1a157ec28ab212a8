"""The alert of contracts.md §2: its vocabulary, its deterministic id and a validator."""

from __future__ import annotations

import hashlib
from typing import Any

SCHEMA_VERSION = 1

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}

ACTIONS: frozenset[str] = frozenset(
    {
        "hold_shipment",
        "contact_buyer",
        "send_payment_reminder",
        "shorten_auto_cancel",
        "let_platform_auto_close",
        "cancel_order",
        "block_buyer",
        "report_buyer",
        "share_with_sellers",
        "collect_evidence",
        "appeal_chargeback",
        "contact_platform_support",
        "reduce_stock_on_payment",
        "decline_off_platform_payment",
    }
)

FIELDS: tuple[str, ...] = (
    "alert_id",
    "rule_id",
    "rule_version",
    "severity",
    "buyer_ids",
    "seller_id",
    "marketplace",
    "order_id",
    "occurred_at",
    "window_start",
    "window_end",
    "observed",
    "threshold",
    "evidence_event_ids",
    "explanation",
    "recommended_actions",
    "deadline_at",
    "schema_version",
)


def alert_id(rule_id: str, rule_version: int, subject: str, window: str, severity: str) -> str:
    """A deterministic alert id: the same rule, subject, window and severity give the same id.

    A replay or a redelivery therefore never creates a second alert, while a rise in
    severity within the same window produces a new one.
    """
    raw = f"{rule_id}|{rule_version}|{subject}|{window}|{severity}".encode()
    return hashlib.blake2b(raw, digest_size=12).hexdigest()


def validate_alert(obj: Any) -> dict[str, Any]:
    """Check an alert against the contract; raise ValueError naming the first problem."""
    if not isinstance(obj, dict):
        raise ValueError(f"an alert is a JSON object, not {type(obj).__name__}")
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        raise ValueError(f"alert lacks fields {missing}")
    for field in ("alert_id", "rule_id", "occurred_at", "explanation"):
        if not isinstance(obj[field], str):
            raise ValueError(f"{field} must be a string")
    for field in ("seller_id", "marketplace", "order_id"):
        if obj[field] is not None and not isinstance(obj[field], str):
            raise ValueError(f"{field} must be a string or null")
    severity = obj["severity"]
    if not isinstance(severity, str) or severity not in SEVERITY_RANK:
        raise ValueError(f"unknown severity {str(severity)[:20]!r}")
    buyers = obj["buyer_ids"]
    if not isinstance(buyers, list) or not buyers or not all(isinstance(b, str) for b in buyers):
        raise ValueError("buyer_ids must be a non-empty list of strings")
    actions = obj["recommended_actions"]
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise ValueError("recommended_actions must be a list of strings")
    unknown = set(actions) - ACTIONS
    if unknown:
        raise ValueError(f"unknown actions {sorted(unknown)}")
    return obj
