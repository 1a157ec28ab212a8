"""Burst rules over the windows: find the windows an event pushes over a limit, fire once.

A burst rule counts one outcome (unpaid closes, buyer cancels, ...) in windows of
``horizon_days`` UTC days. When an event arrives, only the windows that contain its day can
have changed, so those are the candidates: each starts on a day holding a counted event
(starting on an empty day would only shorten it), within the retention.

Firing once, whatever the arrival order: windows slide by a day, but an alert is about an
*episode*, the calendar block of ``horizon_days`` days (counted from 1970-01-01) its window
starts in, and the alert id hashes the episode, not the window. The buyer state remembers
the severity each episode fired at (``"f"``); an episode fires again only at a higher
severity, and fires every level it newly reaches (medium, then high). So the alert ids are
those of the (episode, level) pairs that some window reaches: once the same events have
arrived, in any order, the same ids have fired (the counts only grow). Which window of an
episode an alert shows, and its evidence, depend on what had arrived when it fired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas.alert import SEVERITY_RANK
from streams.core.alerts import Number
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

    def __call__(self, window: Window) -> tuple[int, Number]:
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

    def limit(self, rank: int) -> float:
        """The count a window must reach for severity ``rank`` (medium or high)."""
        return float(self.high if rank == HIGH else self.medium)


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


LADDER = (MEDIUM, HIGH)  # the severities a window rule can reach, lowest first


def episode_of(first_day: int, horizon: int) -> int:
    """The first day of the calendar block of ``horizon`` days that ``first_day`` falls in."""
    return first_day - first_day % horizon


def fire_levels(
    state: State,
    key: str,
    episode: int,
    rank: int,
    part: str = "f",
    ladder: tuple[int, ...] = LADDER,
) -> list[int]:
    """Record that ``episode`` reached ``rank``; the severities to fire for it, lowest first.

    Args:
        state: the buyer state; its ``part`` map is updated in place.
        key: the rule and scope, e.g. ``"nonpayment_burst|s-2"``.
        episode: the episode's first day (see :func:`episode_of`).
        rank: the severity rank a window of the episode reached.
        part: ``"f"`` for the daily rules, ``"g"`` for the long rules (evicted later).
        ladder: the severities the rule grades with, lowest first.

    Returns:
        Every rank of ``ladder`` above what the episode fired at before, up to ``rank``:
        empty when it already fired at ``rank`` or higher.

    """
    fired: dict[str, list[list[Any]]] | None = state.get(part)
    if fired is None:
        fired = state[part] = {}
    short = fired_key(key)
    entries = fired.get(short)
    if entries is None:
        # a state written before the short keys has the rule's full id: move its episodes
        entries = fired[short] = fired.pop(key, []) if short != key else []
    return raise_level(entries, [episode], rank, ladder)


# The state names the rule of a fired-episode key by a short code ("nb|s-2", not
# "nonpayment_burst|s-2"): the rule id repeats in every key, and a busy buyer has several.
# Codes are never changed or reused; a rule without one keeps its id. Keys written with the
# full id are still read (:func:`fired_at`) and move to the short key on the next firing.
FIRED_CODES: dict[str, str] = {
    "nonpayment_burst": "nb",
    "cancel_churn": "cc",
    "order_flood": "of",
    "unpaid_stock_held": "us",
    "dispute_abuse": "da",
    "chargeback_abuse": "ca",
    "chargeback_deadline": "cd",
    "off_platform_payment": "op",
}


def fired_key(key: str) -> str:
    """The state's key for a ``rule_id|scope`` fired-episode key (see ``FIRED_CODES``)."""
    rule, bar, scope = key.partition("|")
    code = FIRED_CODES.get(rule)
    return f"{code}|{scope}" if code and bar else key


def raise_level(
    entries: list[list[Any]], head: list[Any], rank: int, ladder: tuple[int, ...] = LADDER
) -> list[int]:
    """Raise, in place, the entry of ``entries`` that ``head`` names to ``rank``.

    Entries are ``[first, rank, *rest]`` lists, named by ``head = [first, *rest]``; a new
    one is added. They are kept sorted, so the same firings give the same list whatever
    order they came in.

    Returns:
        Every rank of ``ladder`` above the entry's previous rank (0 when new), up to
        ``rank``; empty when the entry already had ``rank`` or higher.

    """
    first, rest = head[0], head[1:]
    for entry in entries:
        if entry[0] == first and entry[2:] == rest:
            before: int = entry[1]
            if before >= rank:
                return []
            entry[1] = rank
            break
    else:
        before = 0
        entries.append([first, rank, *rest])
    entries.sort()
    return [r for r in ladder if before < r <= rank] or [rank]


def fired_at(state: State, key: str, episode: int, part: str = "f") -> int:
    """The severity rank ``episode`` fired at for ``key``, 0 when it has not fired."""
    fired: dict[str, list[list[int]]] | None = state.get(part)
    if not fired:
        return 0
    entries = fired.get(fired_key(key)) or fired.get(key) or []  # (the full id: older states)
    for entry in entries:
        if entry[0] == episode:
            return entry[1]
    return 0


def pick(
    state: State,
    key: str,
    candidates: list[Window],
    levels: Levels,
    horizon: int,
    part: str = "f",
) -> list[tuple[Window, int, Number, int]]:
    """What to alert on after grading and fire-once: ``(window, rank, threshold, episode)``.

    Each episode the candidates reach a new severity in gives one item per newly reached
    level, lowest first; the window shown is the episode's worst, the earliest on a tie.
    """
    best: dict[int, tuple[int, Window]] = {}  # episode -> (rank, window)
    for window in candidates:
        rank = levels(window)[0]
        if rank:
            episode = episode_of(window.first_day, horizon)
            known = best.get(episode)
            if known is None or rank > known[0]:
                best[episode] = (rank, window)
    chosen = []
    for episode in sorted(best):
        rank, window = best[episode]
        for level in fire_levels(state, key, episode, rank, part):
            chosen.append((window, level, levels.limit(level), episode))
    return chosen


def ratio(window: Window) -> float:
    """Counted over base events in the window, capped at 1 (an order may predate the window)."""
    return window.count / max(window.base, window.count, 1)

