"""Per-buyer event-time windows: daily outcome counters per seller, folded by pure functions.

State layout (plain JSON; every key but ``w``, ``s`` and ``k`` appears only when needed)::

    {
      "w": 1790812800,                      # watermark: latest occurred_at seen (epoch s)
      "s": {"s-2": [20736, 2, 1, 0, 1, 0, 0, 0, 20737, ...]},  # per seller, flat rows of
                                            # WIDTH ints sorted by day: day, created, paid,
                                            # cancelled, closed_unpaid, disputed, chargeback,
                                            # refund
      "k": "JEj-W4EZJEj0a1_x...",           # dedupe keys, KEY_WIDTH chars each (day, crc32
                                            # of the event id: see layout.py), sorted
      "e": {"s-2": [[1790812800, 4, "evt-9"], ...]},  # evidence.py: latest notable events
      "o": {"o-1": [1790812800, "s-2", 3, 12990, "evt-1", 0, "sku-1", 3]},  # holdings.py:
                                            # unpaid and recently resolved orders (end:
                                            # when resolved; while not, minus the seconds
                                            # to the payment deadline, or 0), units per SKU
      "z": {"o-7": 1790812800},             # holdings.py: resolved before their creation
      "l": {"s-2": [20700, 1, 0]},          # longterm.py: disputes, chargebacks by day ...
      "p": {"s-2": [690, 4]},               # ... and paid orders by 30-day block, for days
                                            # older than the daily retention
      "c": 2308451134,                      # orderchecks.py: last plausible contact's crc
      "f": {"nb|s-2": [[20736, 2]]},        # fired episodes (owned by the rules; rule ids
      "g": {"da|s-2": [[20700, 2]]},        # by short code, bursts.FIRED_CODES) ... of the
                                            # long rules
    }

Buckets are UTC days (``day = epoch // 86400``): daily rule horizons are a week, so a day
keeps a week in 7 rows and the state of an active buyer under 1 KB, and day-aligned window
starts stay the same whatever order the events arrive in. Minute-scale patterns (order
floods) need exact times: they read the open unpaid orders (``o``), not finer buckets; the
months the dispute and chargeback rules look back get coarser storage (``l``, ``p``). Rows
are flat (one list per seller, not one per day): fewer objects to allocate, to chase and
to serialize.

The step functions own the state they are given: they update it in place and return it.
Callers write the returned value back (``table[key] = state``) and drop the old reference.
"""

from __future__ import annotations

from binascii import b2a_base64
from datetime import datetime
from typing import Any
from zlib import crc32

from streams.core import longterm
from streams.core.eviction import evict
from streams.core.evidence import keep_evidence
from streams.core.fields import DAY
from streams.core.holdings import RESOLVED_KEEP, close_order, forget_resolved, open_order
from streams.core.layout import (
    CANCELLED,
    CHARGEBACK,
    CLOSED_UNPAID,
    CREATED,
    DEDUPE_CAP,
    DEDUPE_DAYS,
    DISPUTED,
    EVICT_DAYS,
    KEY_WIDTH,
    LONG_COLUMNS,
    NOTABLE,
    OUTCOMES,
    PAID,
    REFUND,
    TO_KEY,
    WIDTH,
    State,
    bump,
    upgrade_keys,
)

__all__ = [
    "CANCELLED", "CHARGEBACK", "CLOSED_UNPAID", "COUNTED_TYPES", "CREATED", "DEDUPE_CAP",
    "DEDUPE_DAYS", "DISPUTED", "EVICT_DAYS", "KEY_WIDTH", "LONG_COLUMNS", "NOTABLE", "OUTCOMES",
    "PAID", "REFUND", "WIDTH", "State", "apply", "apply_at", "bucket_of", "column_of", "count",
    "cutoff", "evict", "fold", "new_state", "upgrade_keys",
]

_fromiso = datetime.fromisoformat

# event type -> (column it counts in, whether it ends the order's hold on stock). A cancel
# counts against the buyer only when the buyer (or an adapter that cannot tell) cancelled;
# seller, system and platform cancels still end the hold.
_KIND: dict[str, tuple[int, bool]] = {
    "order.created": (CREATED, False),
    "order.paid": (PAID, True),
    "order.cancelled": (CANCELLED, True),
    "order.closed_unpaid": (CLOSED_UNPAID, True),
    "dispute.opened": (DISPUTED, False),
    "chargeback.notified": (CHARGEBACK, False),
    "refund.requested": (REFUND, False),
}
COUNTED_TYPES: frozenset[str] = frozenset(_KIND)  # the types that can change the windows


def new_state() -> State:
    """An empty buyer window state."""
    return {"w": 0, "s": {}, "k": ""}


def bucket_of(t: int) -> int:
    """The bucket (UTC day number) of an epoch-seconds timestamp."""
    return t // DAY


def cutoff(state: State, retention_days: int) -> int:
    """The oldest bucket kept: ``retention_days - 1`` before the watermark's eviction period."""
    wday: int = state["w"] // DAY
    return wday - wday % EVICT_DAYS - retention_days + 1


def column_of(event: dict[str, Any]) -> int:
    """The outcome column an event counts in, 0 when it counts in none."""
    kind = _KIND.get(event["type"])
    if kind is None or (kind[0] == CANCELLED and event.get("actor", "buyer") != "buyer"):
        return 0
    return kind[0]


def fold(
    state: State | None, event: dict[str, Any], retention_days: int, long_days: int = 0
) -> State:
    """Fold one event into a buyer's windows (see :func:`apply`) and return the state."""
    if state is None:
        state = new_state()
    apply(state, event, retention_days, long_days)
    return state


def apply(state: State, event: dict[str, Any], retention_days: int, long_days: int = 0) -> int:
    """Fold one event into ``state`` in place (see :func:`apply_at`).

    Args:
        state: the buyer's window state, owned by the caller and updated in place.
        event: a validated canonical event with ``buyer_id`` resolved.
        retention_days: the longest daily rule horizon; older daily buckets are evicted.
        long_days: the longest long-rule horizon (0: none); paid orders, disputes and
            chargebacks older than the daily retention are kept this long, coarser.

    Returns:
        The outcome column the event was counted in; 0 when it changed no counter (a
        redelivery, an event older than the retention, or a type no window counts).

    """
    if event["type"] not in _KIND:
        return 0
    t = int(_fromiso(event["occurred_at"]).timestamp())  # fields.epoch_of, inlined
    return apply_at(state, event, t, retention_days, long_days)


def apply_at(
    state: State, event: dict[str, Any], t: int, retention_days: int, long_days: int = 0
) -> int:
    """:func:`apply` for an event whose time (epoch seconds) the caller has parsed: ``t``."""
    # This runs for most events of the stream: it is written for speed (few helper calls
    # on the common path), see docs/rules.md "Performance".
    kind = _KIND.get(event["type"])
    if kind is None:
        return 0
    col, resolves = kind
    if col == CANCELLED and event.get("actor", "buyer") != "buyer":
        col = 0
    if not 0 < t < 1 << 32:
        return 0  # outside 1970-2106: it would break the fixed-width dedupe keys (and a
        # resolution at 0 would read as none)
    w: int = state["w"]
    wday = w // DAY
    period = wday - wday % EVICT_DAYS
    day = t // DAY
    if w and day <= period - retention_days:
        # older than every daily window that can still fire: only the long rules want it
        if long_days and col in LONG_COLUMNS and longterm.keeps(day, col, period, long_days):
            return _count_old(state, event, t, col)
        return 0
    event_id: str = event["event_id"]
    key: str = b2a_base64(  # layout.dedupe_key, inlined
        ((day << 32) | crc32(event_id.encode())).to_bytes(6, "big"), newline=False
    ).translate(TO_KEY).decode()
    try:
        keys: str = state["k"]
    except KeyError:  # a state written before the dedupe keys were "k"
        keys = upgrade_keys(state)
    found = keys.find(key)
    if found >= 0 and _seen(keys, key, found):
        return 0
    if day > period - DEDUPE_DAYS:
        if not keys or keys[-KEY_WIDTH:] < key:
            keys += key  # the usual case: the buyer's newest event
        else:
            keys = _insert(keys, key)
        if len(keys) > DEDUPE_CAP * KEY_WIDTH:
            keys = keys[KEY_WIDTH:]
        state["k"] = keys
    seller: str = event["seller_id"]
    if col:
        rows: list[int] | None = state["s"].get(seller)
        if rows is None:
            rows = state["s"][seller] = [day, 0, 0, 0, 0, 0, 0, 0]
            rows[col] = 1
        elif rows[-WIDTH] == day:
            rows[col - WIDTH] += 1
        elif rows[-WIDTH] < day:
            rows += (day, 0, 0, 0, 0, 0, 0, 0)
            rows[col - WIDTH] += 1
        else:
            bump(rows, WIDTH, day, col)  # a bucket older than the newest
        if col in NOTABLE:
            keep_evidence(state, seller, t, col, event_id)
    if col == CREATED:
        open_order(state, event, t, seller)
    elif resolves:
        close_order(state, event["order_id"], t)
    if t > w:
        state["w"] = t
        if w and day - day % EVICT_DAYS > period:  # a new buyer has nothing to evict
            evict(state, retention_days, long_days)
        elif "o" in state:  # resolved orders go RESOLVED_KEEP after their resolution
            forget_resolved(state, t - RESOLVED_KEEP)
    return col


def _count_old(state: State, event: dict[str, Any], t: int, col: int) -> int:
    """Count an event older than the daily retention in the long-horizon rows only.

    Such events are beyond the dedupe keys: the orders stage's per-order ids are what keeps
    a redelivery of one from counting twice.
    """
    seller: str = event["seller_id"]
    longterm.add(state, seller, t // DAY, col)
    if col != PAID:
        keep_evidence(state, seller, t, col, event["event_id"])
    return col


def _seen(keys: str, key: str, found: int) -> bool:
    """Whether ``key`` occurs in ``keys`` at a key boundary (``found`` is its first match)."""
    while found >= 0:
        if found % KEY_WIDTH == 0:
            return True
        found = keys.find(key, found + 1)
    return False


def _insert(keys: str, key: str) -> str:
    """``keys`` with ``key`` inserted in order, for a key below the buyer's largest.

    Within a day keys go by crc, so this is about as common as appending.
    """
    lo, hi = 0, len(keys) // KEY_WIDTH
    while lo < hi:  # binary search over the fixed-width keys, without splitting the string
        mid = (lo + hi) >> 1
        if keys[mid * KEY_WIDTH : mid * KEY_WIDTH + KEY_WIDTH] < key:
            lo = mid + 1
        else:
            hi = mid
    at = lo * KEY_WIDTH
    return keys[:at] + key + keys[at:]


def count(state: State, outcome: int, since: int, until: int, seller: str | None = None) -> int:
    """Events of one outcome in daily buckets ``since <= day < until``, at one seller or all.

    Args:
        state: a buyer window state.
        outcome: a column constant such as ``CLOSED_UNPAID``.
        since: first bucket (UTC day number, see :func:`bucket_of`), inclusive.
        until: last bucket, exclusive.
        seller: count at this seller only; ``None`` counts across all sellers.

    """
    sellers: dict[str, list[int]] = state["s"]
    groups = sellers.values() if seller is None else (sellers.get(seller, []),)
    return sum(
        rows[i + outcome]
        for rows in groups
        for i in range(0, len(rows), WIDTH)
        if since <= rows[i] < until
    )
