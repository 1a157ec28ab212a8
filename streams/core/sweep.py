"""When a stage forgets the keys no event has touched for ``KEEP_DAYS``: bookkeeping only.

The stages' tables have one entry per order, buyer or identity ever seen. Each entry's own
state is evicted by its own watermark, but only when one of its events arrives: an order
that is over, a buyer who never comes back, stay as they were. A :class:`Sweeper` tells a
stage when to look for such entries in a partition, and before which date an entry counts
as idle: ``KEEP_DAYS`` before the newest event the partition has seen, in event time (the
wall clock plays no part, so a replay of history forgets what the live stream forgot).

``KEEP_DAYS`` is over a year: longer than any rule looks back (the rules file refuses
horizons above 400 days) and than card networks and marketplaces let a chargeback or
dispute come (120 days after the transaction for most card disputes).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from datetime import date, timedelta
from typing import Any

from streams.core.fields import epoch_of
from streams.core.thresholds import MAX_HORIZON_DAYS

KEEP_DAYS = MAX_HORIZON_DAYS  # no rule looks further back
EVERY_DAYS = 30


class Sweeper:
    """Per partition: whether a sweep is due, at most once per ``every_days`` of event time.

    A sweep is due at a partition's first event (which also finds the entries a restart
    restored), then at the first event dated ``every_days`` or more after the last sweep's.
    An entry thus lives at most ``keep_days + every_days`` past its last event, and a table
    is scanned about once a month of event time, not per event.
    """

    def __init__(self, keep_days: int = KEEP_DAYS, every_days: int = EVERY_DAYS) -> None:
        self.keep = timedelta(days=keep_days)
        self.every = timedelta(days=every_days)
        self._next: dict[int, str] = {}

    def due(self, partition: int, occurred_at: str) -> str | None:
        """The date (``YYYY-MM-DD``) before which entries are idle, when a sweep is due.

        Args:
            partition: the partition of the event being processed.
            occurred_at: its ``occurred_at`` (RFC 3339; the date as written is used, so an
                offset may move it by a day, nothing at this scale).

        """
        day = occurred_at[:10]
        next_due = self._next.get(partition)
        if next_due is not None and day < next_due:
            return None
        try:
            today = date.fromisoformat(day)
        except ValueError:  # not a date: nothing to compare against
            return None
        self._next[partition] = (today + self.every).isoformat()
        return (today - self.keep).isoformat()


def day_start(day: str) -> int:
    """The epoch second a ``YYYY-MM-DD`` date starts at (UTC)."""
    return epoch_of(f"{day}T00:00:00Z")


def watermark_idle(state: object, since: int) -> bool:
    """Whether a buyer's or identity's state has had no event since epoch second ``since``."""
    if type(state) is not dict:
        return False
    watermark = state.get("w")
    return type(watermark) is int and watermark < since


def forget(table: MutableMapping[Any, Any], doomed: Callable[[Any, Any], bool]) -> list[Any]:
    """Delete the entries for which ``doomed(key, value)`` holds, in place; their keys."""
    gone = [key for key, value in table.items() if doomed(key, value)]
    for key in gone:
        del table[key]
    return gone
