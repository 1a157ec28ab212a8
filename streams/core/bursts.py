"""Burst rules over the windows: find the worst window holding an event and fire it once.

A burst rule counts one outcome (unpaid closes, buyer cancels, ...) in windows of
``horizon_days`` UTC days. When an event arrives, only the windows that contain its day can
have changed, so those are the candidates: each starts on a day holding a counted event
(starting on an empty day would only shorten it), within the retention. The candidate with
the highest severity wins, the earliest on a tie, which is the window an in-order stream
would have fired on: a late event lands in the window it belongs to, not the latest one.

Firing once: the buyer state remembers fired windows (``"f"``). A candidate overlapping a
fired window of the same or higher severity is suppressed; a higher severity fires again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.alert import SEVERITY_RANK
from streams.core.layout import WIDTH, State


@dataclass(frozen=True, slots=True)
class Window:
    """Counts in the window ``[first_day, first_day + horizon)`` of one scope.

    Attributes:
        first_day: first UTC day of the window.
        count: events of the counted outcome in it.
        base: events of the base outcome (the ratio's denominator) in it.
        shops: distinct sellers with a counted event in it.

    """

    first_day: int
    count: int
    base: int
    shops: int


# (window) -> (severity rank, threshold reached); rank 0 means "nothing to report".
Grade = Callable[[Window], tuple[int, float]]

MEDIUM = SEVERITY_RANK["medium"]
HIGH = SEVERITY_RANK["high"]


@dataclass(frozen=True, slots=True)
class Levels:
    """Grades a window: medium from ``medium`` events, high from ``high``.

    Attributes:
        medium: count for a medium alert.
        high: count for a high alert.
        min_shops: distinct sellers the window must involve (0 for one shop).
        min_ratio: share of the base outcome the count must reach (0 for no ratio).

    """

    medium: int
    high: int
    min_shops: int = 0
    min_ratio: float = 0.0

    def __call__(self, window: Window) -> tuple[int, float]:
        """``(severity rank, threshold reached)``; rank 0 when the window is below both."""
        if window.shops < self.min_shops:
            return 0, 0.0
        if self.min_ratio and ratio(window) < self.min_ratio:
            return 0, 0.0
        if window.count >= self.high:
            return HIGH, self.high
        if window.count >= self.medium:
            return MEDIUM, self.medium
        return 0, 0.0


def windows_holding(
    state: State,
    col: int,
    base_col: int,
    seller: str | None,
    day: int,
    horizon: int,
    first: int,
) -> list[Window]:
    """The candidate windows that contain ``day``, one per starting day, oldest first.

    Args:
        state: a buyer window state.
        col: the counted outcome column.
        base_col: the ratio's denominator column, 0 for none.
        seller: one seller's counts, or ``None`` for all sellers together.
        day: the UTC day of the event that triggered the evaluation.
        horizon: window length in days.
        first: the oldest day still kept (windows never start earlier).

    """
    sellers: dict[str, list[int]] = state["s"]
    groups = list(sellers.values()) if seller is None else [sellers.get(seller, [])]
    lo = max(day - horizon + 1, first)
    starts: set[int] = set()
    days: list[tuple[int, int, int, int]] = []  # (day, count, base, shop) of kept buckets
    for shop, rows in enumerate(groups):
        for i in range(0, len(rows), WIDTH):
            d, n = rows[i], rows[i + col]
            days.append((d, n, rows[i + base_col] if base_col else 0, shop))
            if n and lo <= d <= day:
                starts.add(d)
    found = []
    for start in sorted(starts):
        end = start + horizon
        count = base = 0
        shops = set()
        for d, n, b, shop in days:
            if start <= d < end:
                count += n
                base += b
                if n:
                    shops.add(shop)
        found.append(Window(start, count, base, len(shops)))
    return found


def fire_once(
    state: State, key: str, first_day: int, rank: int, horizon: int, part: str = "f"
) -> bool:
    """Record a firing unless an overlapping window already fired at this severity or higher.

    Args:
        state: the buyer state; its ``part`` map is updated in place.
        key: the rule and scope, e.g. ``"nonpayment_burst|s-2"``.
        first_day: the candidate window's first day.
        rank: the candidate's severity rank.
        horizon: window length in days (windows overlap when starts are closer than this).
        part: ``"f"`` for the daily rules, ``"g"`` for the long rules (evicted later).

    Returns:
        True when the alert should be emitted.

    """
    fired: dict[str, list[list[int]]] | None = state.get(part)
    entries = fired.get(key, []) if fired else []
    kept = []
    for entry in entries:
        if abs(entry[0] - first_day) < horizon:
            if entry[1] >= rank:
                return False
        else:
            kept.append(entry)
    kept.append([first_day, rank])
    kept.sort()
    if fired is None:
        fired = state[part] = {}
    fired[key] = kept
    return True


def pick(
    state: State,
    key: str,
    candidates: list[Window],
    grade: Grade,
    horizon: int,
    part: str = "f",
) -> tuple[Window, int, float] | None:
    """The candidate to alert on, after grading and fire-once; ``None`` when there is none."""
    graded: list[tuple[int, int, float, Window]] = []
    for window in candidates:
        rank, threshold = grade(window)
        if rank:
            graded.append((-rank, window.first_day, threshold, window))
    graded.sort(key=lambda g: (g[0], g[1]))
    for neg_rank, _, threshold, window in graded:
        if fire_once(state, key, window.first_day, -neg_rank, horizon, part):
            return window, -neg_rank, threshold
    return None


def ratio(window: Window) -> float:
    """Counted over base events in the window, capped at 1 (an order may predate the window)."""
    return window.count / max(window.base, window.count, 1)

