"""Buyer state layout: the outcome columns and the sizes the window modules share."""

from __future__ import annotations

from typing import Any

State = dict[str, Any]

# Columns of a daily row (``"s"``): the day, then one counter per outcome.
CREATED, PAID, CANCELLED, CLOSED_UNPAID, DISPUTED, CHARGEBACK, REFUND = range(1, 8)
WIDTH = 8
OUTCOMES: dict[str, int] = {
    "created": CREATED,
    "paid": PAID,
    "cancelled": CANCELLED,
    "closed_unpaid": CLOSED_UNPAID,
    "disputed": DISPUTED,
    "chargeback": CHARGEBACK,
    "refund": REFUND,
}
NOTABLE: frozenset[int] = frozenset({CANCELLED, CLOSED_UNPAID, DISPUTED, CHARGEBACK, REFUND})
# Outcomes the long rules count beyond the daily retention (``streams.core.longterm``).
LONG_COLUMNS: frozenset[int] = frozenset({PAID, DISPUTED, CHARGEBACK})

# Redeliveries come soon after the original: remember the ids of events from the day before
# the watermark's eviction period on (so 2 to 8 days), at most DEDUPE_CAP of them.
DEDUPE_DAYS = 2
DEDUPE_CAP = 32
# A dedupe key is the event time and the crc32 of the event id, as 16 hex digits: keys sort
# by event time, so "the latest DEDUPE_CAP" is well defined, and two events of one buyer
# collide only with the same second and the same crc. They share ONE string rather than a
# list: fewer JSON bytes, and one object for the garbage collector instead of one per key.
KEY_WIDTH = 16
# Eviction runs when the watermark enters a new EVICT_DAYS period (epoch-aligned), not on
# every new day: it then costs nothing on most events. What is kept is measured from the
# period's first day, so a buyer keeps between retention_days and retention_days +
# EVICT_DAYS - 1 days, and the kept set still depends on the watermark alone.
EVICT_DAYS = 7


def period_of(watermark: int) -> int:
    """The first day of the watermark's eviction period (UTC day number)."""
    wday = watermark // 86_400
    return wday - wday % EVICT_DAYS
