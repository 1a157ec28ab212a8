"""Building alert dicts with exactly the fields of contracts.md §2."""

from __future__ import annotations

from typing import Any

from schemas.alert import SCHEMA_VERSION, SEVERITIES, alert_id
from streams.core.fields import format_day

# A count stays an int in the alert (``"observed": 40``), a share or an amount a float.
# Spelled as a union, not ``float``: compiled (mypyc), a ``float`` parameter turns ints
# into floats, and the alert would read ``40.0`` where the pure core writes ``40``.
Number = int | float


def plural(n: int, word: str) -> str:
    """``3 orders``, ``1 order``: a count with its noun."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def make_alert(
    *,
    rule_id: str,
    rule_version: int,
    subject: str,
    window: str,
    severity_rank: int,
    buyer_ids: list[str],
    event: dict[str, Any],
    explanation: str,
    recommended_actions: list[str],
    evidence_event_ids: list[str],
    observed: Number | None = None,
    threshold: Number | None = None,
    window_start: str | None = None,
    window_end: str | None = None,
    order_id: str | None = None,
    deadline_at: str | None = None,
) -> dict[str, Any]:
    """An alert; its id hashes the rule, its version, the subject, ``window`` and the severity.

    Args:
        rule_id: the rule that fired.
        rule_version: its version.
        subject: what the alert is about, e.g. ``"b-17|s-2"`` (buyer at one shop).
        window: what identifies the episode within the subject (for the id only), e.g.
            the window's start and end; the same episode at the same severity gives the
            same id in the stream and in a replay.
        severity_rank: index into ``schemas.alert.SEVERITIES``.
        buyer_ids: every buyer the alert is about.
        event: the event that made the rule fire (seller, marketplace, time).
        explanation: one sentence a seller understands.
        recommended_actions: action ids from the contract's vocabulary.
        evidence_event_ids: the events that made it fire.
        observed: what was counted, if anything.
        threshold: the limit it reached.
        window_start: start of the window counted over (RFC 3339), if any.
        window_end: its end.
        order_id: the order, for order-level alerts.
        deadline_at: the deadline, for deadline alerts.

    """
    severity = SEVERITIES[severity_rank]
    return {
        "alert_id": alert_id(rule_id, rule_version, subject, window, severity),
        "rule_id": rule_id,
        "rule_version": rule_version,
        "severity": severity,
        "buyer_ids": buyer_ids,
        "seller_id": event["seller_id"],
        "marketplace": event["marketplace"],
        "order_id": order_id,
        "occurred_at": event["occurred_at"],
        "window_start": window_start,
        "window_end": window_end,
        "observed": observed,
        "threshold": threshold,
        "evidence_event_ids": evidence_event_ids,
        "explanation": explanation,
        "recommended_actions": recommended_actions,
        "deadline_at": deadline_at,
        "schema_version": SCHEMA_VERSION,
    }


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
    episode: int,
    observed: Number,
    threshold: Number,
    evidence_event_ids: list[str],
    explanation: str,
    recommended_actions: list[str],
) -> dict[str, Any]:
    """An alert about a buyer's behaviour over a day-aligned window (see :func:`make_alert`).

    The alert shows the window ``[first_day, first_day + horizon_days)`` (UTC day numbers);
    its id hashes the episode instead, the calendar block of ``horizon_days`` days starting
    on day ``episode`` that the window starts in (``streams.core.bursts.episode_of``), so
    the same episode at the same severity gives the same id whichever of its windows
    crossed the limit first.
    """
    start = format_day(first_day)
    end = format_day(first_day + horizon_days)
    return make_alert(
        rule_id=rule_id,
        rule_version=rule_version,
        subject=subject,
        window=f"{format_day(episode)}/{format_day(episode + horizon_days)}",
        severity_rank=severity_rank,
        buyer_ids=buyer_ids,
        event=event,
        explanation=explanation,
        recommended_actions=recommended_actions,
        evidence_event_ids=evidence_event_ids,
        observed=observed,
        threshold=threshold,
        window_start=start,
        window_end=end,
    )
