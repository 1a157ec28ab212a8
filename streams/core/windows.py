"""Per-buyer event-time windows: daily outcome counters per seller, folded by pure functions.

State layout (plain JSON; ``e``, ``o``, ``z`` and ``f`` appear only when needed)::

    {
      "w": 1790812800,                      # watermark: latest occurred_at seen (epoch s)
      "s": {"s-2": [20736, 2, 1, 0, 1, 0, 0, 0, 20737, ...]},  # per seller, flat rows of
                                            # WIDTH ints sorted by day: day, created, paid,
                                            # cancelled, closed_unpaid, disputed, chargeback,
                                            # refund
      "i": "6a1f3c00e3b0c442...",           # dedupe keys, KEY_WIDTH hex chars each, sorted
      "e": {"s-2": [[1790812800, 4, "evt-9"], ...]},  # evidence.py: latest notable events
      "o": {"o-1": [1790812800, "s-2", 3, "129.90"]}, # holdings.py: open unpaid orders
      "z": {"o-7": 1790812800},             # holdings.py: resolved before their creation
      "f": {"nonpayment_burst|s-2": [[20736, 2]]},    # fired episodes (owned by the rules)
    }

Buckets are UTC days (``day = epoch // 86400``): rule horizons are days to months, so a day
keeps a week in 7 rows and the state of an active buyer under 1 KB, and day-aligned window
starts stay the same whatever order the events arrive in. Minute-scale patterns (order floods)
need exact times and get their own short list, not finer buckets. Rows are flat (one list per
seller, not one per day): fewer objects to allocate, to chase and to serialize.

The step functions own the state they are given: they update it in place and return it.
Callers write the returned value back (``table[key] = state``) and drop the old reference.
"""

from __future__ import annotations

from bisect import insort
from datetime import datetime
from typing import Any
from zlib import crc32

from streams.core.evidence import keep_evidence
from streams.core.fields import DAY
from streams.core.holdings import hold

State = dict[str, Any]

_fromiso = datetime.fromisoformat

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


def new_state() -> State:
    """An empty buyer window state."""
    return {"w": 0, "s": {}, "i": ""}


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


def fold(state: State | None, event: dict[str, Any], retention_days: int) -> State:
    """Fold one event into a buyer's windows (see :func:`apply`) and return the state."""
    if state is None:
        state = new_state()
    apply(state, event, retention_days)
    return state


def apply(state: State, event: dict[str, Any], retention_days: int) -> int:
    """Fold one event into ``state`` in place.

    Args:
        state: the buyer's window state, owned by the caller and updated in place.
        event: a validated canonical event with ``buyer_id`` resolved.
        retention_days: the longest rule horizon; older buckets are evicted.

    Returns:
        The outcome column the event was counted in; 0 when it changed no counter (a
        redelivery, an event older than the retention, or a type no window counts).

    """
    # This runs for most events of the stream: it is written for speed (no helper calls
    # on the common path), see docs/rules.md "Performance".
    kind = _KIND.get(event["type"])
    if kind is None:
        return 0
    col, resolves = kind
    if col == CANCELLED and event.get("actor", "buyer") != "buyer":
        col = 0
    t = int(_fromiso(event["occurred_at"]).timestamp())  # fields.epoch_of, inlined
    if not 0 <= t < 1 << 32:
        return 0  # outside 1970-2106: it would break the fixed-width dedupe keys
    w: int = state["w"]
    wday = w // DAY
    period = wday - wday % EVICT_DAYS
    day = t // DAY
    if w and day <= period - retention_days:
        return 0  # older than every window that can still fire
    event_id: str = event["event_id"]
    key = format((t << 32) | crc32(event_id.encode()), "016x")
    keys: str = state["i"]
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
        state["i"] = keys
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
            _count_late(rows, day, col)
        if col in NOTABLE:
            keep_evidence(state, seller, t, col, event_id)
    if col == CREATED or resolves:
        hold(state, event, t, seller, resolves)
    if t > w:
        state["w"] = t
        if day - day % EVICT_DAYS > period:
            evict(state, retention_days)
    return col


def _seen(keys: str, key: str, found: int) -> bool:
    """Whether ``key`` occurs in ``keys`` at a key boundary (``found`` is its first match)."""
    while found >= 0:
        if found % KEY_WIDTH == 0:
            return True
        found = keys.find(key, found + 1)
    return False


def _insert(keys: str, key: str) -> str:
    """``keys`` with ``key`` inserted in order (for events older than the buyer's newest)."""
    split = [keys[i : i + KEY_WIDTH] for i in range(0, len(keys), KEY_WIDTH)]
    insort(split, key)
    return "".join(split)


def _count_late(rows: list[int], day: int, col: int) -> None:
    """Count in a bucket older than the newest: insert the bucket in day order if it is new."""
    i = len(rows) - WIDTH
    while i >= 0 and rows[i] > day:
        i -= WIDTH
    if i >= 0 and rows[i] == day:
        rows[i + col] += 1
        return
    row = [day, 0, 0, 0, 0, 0, 0, 0]
    row[col] = 1
    rows[i + WIDTH : i + WIDTH] = row


def evict(state: State, retention_days: int) -> State:
    """Drop everything older than the watermark allows, in place, and return the state.

    Counted from the first day of the watermark's eviction period (``EVICT_DAYS``):
    buckets, evidence, open orders and early-resolution markers older than
    ``retention_days`` days go; dedupe keys older than ``DEDUPE_DAYS``; fired episodes
    that no window inside the retention can overlap. The wall clock plays no part.
    """
    wday = state["w"] // DAY
    period = wday - wday % EVICT_DAYS
    first = period - retention_days + 1
    since = first * DAY
    recent = (period - DEDUPE_DAYS + 1) * DAY
    sellers: dict[str, list[int]] = state["s"]
    for seller, rows in list(sellers.items()):
        if rows[0] < first:  # rows are sorted by day: only the oldest needs a look
            i = WIDTH
            while i < len(rows) and rows[i] < first:
                i += WIDTH
            if i < len(rows):
                del rows[:i]
            else:
                del sellers[seller]
    keys: str = state["i"]
    oldest = format(recent, "08x")  # a key starts with its event time in 8 hex digits
    if keys and keys[:8] < oldest:
        i = KEY_WIDTH
        while i < len(keys) and keys[i : i + 8] < oldest:
            i += KEY_WIDTH
        state["i"] = keys[i:]
    evidence: dict[str, list[list[Any]]] | None = state.get("e")
    if evidence:
        for seller, entries in list(evidence.items()):
            if entries[0][0] < since:
                kept_entries = [entry for entry in entries if entry[0] >= since]
                if kept_entries:
                    evidence[seller] = kept_entries
                else:
                    del evidence[seller]
        if not evidence:
            del state["e"]
    opened: dict[str, list[Any]] | None = state.get("o")
    if opened is not None:
        for order_id in [k for k, v in opened.items() if v[0] < since]:
            del opened[order_id]
        if not opened:
            del state["o"]
    gone: dict[str, int] | None = state.get("z")
    if gone is not None:  # kept as long as a creation they would cancel can still arrive
        for order_id in [k for k, v in gone.items() if v < since]:
            del gone[order_id]
        if not gone:
            del state["z"]
    fired: dict[str, list[list[int]]] | None = state.get("f")
    if fired:
        for key, episodes in list(fired.items()):
            if episodes[0][0] <= first - retention_days:
                kept_episodes = [e for e in episodes if e[0] > first - retention_days]
                if kept_episodes:
                    fired[key] = kept_episodes
                else:
                    del fired[key]
        if not fired:
            del state["f"]
    return state


def count(state: State, outcome: int, since: int, until: int, seller: str | None = None) -> int:
    """Events of one outcome in buckets ``since <= day < until``, at one seller or all.

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
