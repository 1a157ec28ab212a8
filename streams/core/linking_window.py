"""A ring's window: which linked accounts count, what they did together, how bad it is."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.alert import SEVERITY_RANK
from streams.core.alerts import Number
from streams.core.linking_rules import Levels
from streams.core.linking_state import (
    BAD,
    CANCELLED,
    CHARGEBACK,
    CLOSED_UNPAID,
    CREATED,
    DISPUTED,
    PAID,
    ROW,
)

MEDIUM = SEVERITY_RANK["medium"]
HIGH = SEVERITY_RANK["high"]


@dataclass(frozen=True, slots=True)
class RingWindow:
    """What the ring did in the window ``[first_day, first_day + horizon)``.

    The ring is the accounts with a bad outcome in the window whose own record (every
    kept day) is mostly bad: a co-resident or family member who cancelled one order of
    four is not part of it, and neither counts nor is listed.
    """

    first_day: int
    counts: tuple[int, ...]  # the ring's events per column in the window, index 0 unused
    bad: int
    ring: tuple[str, ...]

    @property
    def orders(self) -> int:
        """The ring's orders settled in the window: paid, cancelled or closed unpaid.

        Outcomes, not creations: an unpaid close comes days after its order was placed,
        often in a later window, while a payment, a cancel and a close all fall on the day
        the order's fate was decided. A dispute or chargeback follows a payment.
        """
        counts = self.counts
        return max(counts[PAID] + counts[CANCELLED] + counts[CLOSED_UNPAID], self.bad)


def mostly_bad(rows: list[int], min_ratio: float) -> bool:
    """Whether an account's kept record has a bad outcome and a bad share of ``min_ratio``.

    The share is of every order the account placed or settled in the kept days, so an
    account whose other orders are still open when its one cancel arrives is not
    mistaken for an abuser.
    """
    bad = settled = created = 0
    for i in range(0, len(rows), ROW):
        created += rows[i + CREATED]
        settled += rows[i + PAID] + rows[i + CANCELLED] + rows[i + CLOSED_UNPAID]
        bad += rows[i + CANCELLED] + rows[i + CLOSED_UNPAID]
        bad += rows[i + DISPUTED] + rows[i + CHARGEBACK]
    return bad > 0 and bad >= min_ratio * max(created, settled, bad)


def ring_window(suspects: dict[str, list[int]], start: int, end: int) -> RingWindow:
    """Sum the rows with ``start <= day < end`` of the accounts with a bad one there."""
    counts = [0] * ROW
    ring = []
    for buyer, rows in suspects.items():
        mine = [0] * ROW
        for i in range(0, len(rows), ROW):
            if start <= rows[i] < end:
                for col in range(1, ROW):
                    mine[col] += rows[i + col]
        if any(mine[c] for c in BAD):
            ring.append(buyer)
            for col in range(1, ROW):
                counts[col] += mine[col]
    total = sum(counts[c] for c in BAD)
    return RingWindow(start, tuple(counts), total, tuple(sorted(ring)))


def grade(levels: Levels, window: RingWindow) -> tuple[int, Number]:
    """``(severity rank, threshold reached)``; rank 0 when the window stays below the bar."""
    if len(window.ring) < levels.min_accounts:
        return 0, 0.0
    if window.bad < levels.min_ratio * window.orders:
        return 0, 0.0
    if window.bad >= levels.high:
        return HIGH, levels.high
    if window.bad >= levels.medium:
        return MEDIUM, levels.medium
    return 0, 0.0
