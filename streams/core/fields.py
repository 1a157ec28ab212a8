"""Fast readers for canonical event fields: timestamps, money amounts and item quantities."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

DAY = 86_400

_fromiso = datetime.fromisoformat


def epoch_of(ts: str) -> int:
    """Seconds since the epoch of an RFC 3339 timestamp that carries a UTC offset.

    The event was validated upstream (``schemas.event.validate_event``), so the offset is
    present; this is the hot path and does no further checking.

    Args:
        ts: an RFC 3339 timestamp such as ``2026-10-01T08:30:00Z``.

    Returns:
        Whole seconds since 1970-01-01T00:00:00Z (fractions are truncated).

    """
    return int(_fromiso(ts).timestamp())


def format_epoch(t: int) -> str:
    """Format epoch seconds as RFC 3339 UTC with a trailing ``Z``."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_business_days(t: int, days: int) -> int:
    """``t`` (epoch seconds) moved on by ``days`` UTC weekdays, at the same time of day.

    Saturdays and Sundays do not count; public holidays are not known. From a Thursday,
    three business days end on the Tuesday; from a Saturday, on the Wednesday.
    """
    day = t // DAY
    while days > 0:
        day += 1
        if (day + 3) % 7 < 5:  # 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays
            days -= 1
    return day * DAY + t % DAY


@lru_cache(maxsize=4096)
def format_day(day: int) -> str:
    """Format the start of a UTC day number (``epoch // 86400``) as RFC 3339 (cached)."""
    return format_epoch(day * DAY)


def cents(amount: Any) -> int:
    """Hundredths of the currency unit in a decimal string (``"129.90"`` -> 12990).

    Anything that is not a finite decimal counts as 0: amounts only feed the
    "value held by unpaid orders" gauge, never a decision on their own.
    """
    if not isinstance(amount, str):
        return 0
    whole, dot, frac = amount.partition(".")
    if whole.isdigit() and (not dot or (frac.isdigit() and len(frac) <= 2)):
        return int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return 0
    return int(value * 100) if value.is_finite() else 0


def units(items: Any) -> int:
    """Total quantity over an order's ``items``; an order without items holds one unit."""
    if type(items) is not list or not items:
        return 1
    total = 0
    for item in items:
        quantity = item.get("quantity", 1) if type(item) is dict else 1
        if type(quantity) is int:  # the common case, checked first: this runs per order
            total += max(quantity, 0)
            continue
        try:
            total += max(int(quantity), 0)
        except (TypeError, ValueError):
            total += 1
    return total
