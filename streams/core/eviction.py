"""Eviction of a buyer's window state by its watermark (never the wall clock)."""

from __future__ import annotations

from typing import Any

from streams.core import longterm
from streams.core.fields import DAY
from streams.core.holdings import RESOLVED_KEEP, forget_resolved
from streams.core.layout import (
    DEDUPE_DAYS,
    KEY_WIDTH,
    LONG_COLUMNS,
    WIDTH,
    State,
    dedupe_key,
    period_of,
    upgrade_keys,
)


def evict(state: State, retention_days: int, long_days: int = 0) -> State:
    """Drop everything older than the watermark allows, in place, and return the state.

    Counted from the first day of the watermark's eviction period (``EVICT_DAYS``): daily
    buckets older than ``retention_days`` go (their paid orders, disputes and chargebacks
    first move to the long-horizon rows when ``long_days`` is set), long-horizon rows older
    than ``long_days``; dedupe keys older than ``DEDUPE_DAYS``; evidence, open orders and
    early-resolution markers older than the retention (dispute and chargeback evidence:
    the long retention); fired episodes that no window inside the retention can overlap.
    The wall clock plays no part.
    """
    period = period_of(state["w"])
    first = period - retention_days + 1
    lfirst = period - long_days + 1 if long_days else first
    since = first * DAY
    sellers: dict[str, list[int]] = state["s"]
    for seller, rows in list(sellers.items()):
        if rows[0] < first:  # rows are sorted by day: only the oldest needs a look
            i = WIDTH
            while i < len(rows) and rows[i] < first:
                i += WIDTH
            if long_days:
                longterm.roll(state, seller, rows, i)
            if i < len(rows):
                del rows[:i]
            else:
                del sellers[seller]
    if long_days:
        longterm.evict(state, lfirst)
    _evict_keys(state, period)
    _evict_evidence(state, since, lfirst * DAY)
    opened: dict[str, list[Any]] | None = state.get("o")
    if opened is not None:
        for order_id in [k for k, v in opened.items() if v[0] < since]:
            del opened[order_id]
        if not opened:
            del state["o"]
    forget_resolved(state, state["w"] - RESOLVED_KEEP)
    gone: dict[str, int] | None = state.get("z")
    if gone is not None:  # kept as long as a creation they would cancel can still arrive
        for order_id in [k for k, v in gone.items() if v < since]:
            del gone[order_id]
        if not gone:
            del state["z"]
    _evict_fired(state, "f", first - retention_days)
    _evict_fired(state, "g", lfirst - max(long_days, retention_days))
    return state


def _evict_keys(state: State, period: int) -> None:
    keys: str | None = state.get("k")
    if keys is None:  # a state written before the dedupe keys were "k"
        keys = upgrade_keys(state)
    oldest = dedupe_key(period - DEDUPE_DAYS + 1, 0)  # the smallest key of that day
    if keys and keys[:KEY_WIDTH] < oldest:
        i = KEY_WIDTH
        while i < len(keys) and keys[i : i + KEY_WIDTH] < oldest:
            i += KEY_WIDTH
        state["k"] = keys[i:]


def _evict_evidence(state: State, since: int, long_since: int) -> None:
    evidence: dict[str, list[list[Any]]] | None = state.get("e")
    if not evidence:
        return
    for seller, entries in list(evidence.items()):
        if entries[0][0] < since:
            kept = [
                e for e in entries
                if e[0] >= since or (e[1] in LONG_COLUMNS and e[0] >= long_since)
            ]
            if kept:
                evidence[seller] = kept
            else:
                del evidence[seller]
    if not evidence:
        del state["e"]


def _evict_fired(state: State, part: str, oldest: int) -> None:
    """Drop fired episodes starting on or before day ``oldest``: no window can overlap them."""
    fired: dict[str, list[list[int]]] | None = state.get(part)
    if not fired:
        return
    for key, episodes in list(fired.items()):
        if episodes[0][0] <= oldest:
            kept = [e for e in episodes if e[0] > oldest]
            if kept:
                fired[key] = kept
            else:
                del fired[key]
    if not fired:
        del state[part]
