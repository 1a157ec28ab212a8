"""Building alert dicts with exactly the fields of contracts.md §2."""

from __future__ import annotations

from typing import Any

from schemas.alert import SCHEMA_VERSION, SEVERITIES, alert_id
from streams.core.fields import format_day


def plural(n: int, word: str) -> str:
    """``3 orders``, ``1 order``: a count with its noun."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def window_alert(
    *,
    rule_id: str,
    rule_version: int,
    subject: str,
    severity_rank: int,
    buyer_ids: list[str],
    event: dict[str, Any],
    first_day: int,
    horizon_days: int,
    observed: float,
    threshold: float,
    evidence_event_ids: list[str],
    explanation: str,
    recommended_actions: list[str],
) -> dict[str, Any]:
    """An alert about a buyer's behaviour over a day-aligned window.

    The id hashes the rule, its version, the subject, the window and the severity, so the
    same window at the same severity gives the same id in the stream and in a replay.

    Args:
        rule_id: the rule that fired.
        rule_version: its version.
        subject: what the alert is about, e.g. ``"b-17|s-2"`` (buyer at one shop).
        severity_rank: index into ``schemas.alert.SEVERITIES``.
        buyer_ids: every buyer the alert is about.
        event: the event that made the rule fire (seller, marketplace, time).
        first_day: first UTC day of the window (``epoch // 86400``).
        horizon_days: window length in days.
        observed: what was counted.
        threshold: the limit it reached.
        evidence_event_ids: the events counted (latest ones when there are many).
        explanation: one sentence a seller understands.
        recommended_actions: action ids from the contract's vocabulary.

    """
    severity = SEVERITIES[severity_rank]
    start = format_day(first_day)
    end = format_day(first_day + horizon_days)
    return {
        "alert_id": alert_id(rule_id, rule_version, subject, f"{start}/{end}", severity),
        "rule_id": rule_id,
        "rule_version": rule_version,
        "severity": severity,
        "buyer_ids": buyer_ids,
        "seller_id": event["seller_id"],
        "marketplace": event["marketplace"],
        "order_id": None,
        "occurred_at": event["occurred_at"],
        "window_start": start,
        "window_end": end,
        "observed": observed,
        "threshold": threshold,
        "evidence_event_ids": evidence_event_ids,
        "explanation": explanation,
        "recommended_actions": recommended_actions,
        "deadline_at": None,
        "schema_version": SCHEMA_VERSION,
    }
