"""The state of one identity key: its accounts' daily outcome counts, folded by event time.

State layout (plain JSON; ``e``, ``n`` and ``f`` appear only when needed)::

    {
      "w": 1790812800,                       # watermark: latest occurred_at counted (epoch s)
      "b": {"b-1": [20736, 1, 0, 0, 1, 0, 0, 20737, ...]},  # per account, flat rows of ROW
                                             # ints sorted by day: day, created, paid,
                                             # cancelled (by the buyer), closed unpaid,
                                             # disputes opened, chargebacks notified
      "k": "JEj-W4EZJEj0a1_x...",            # dedupe keys, KEY_WIDTH chars each, sorted
      "e": [[1790812800, "evt-9", "b-1"], ...],  # latest bad-outcome events (evidence),
                                                 # ids packed (streams.core.eventids)
      "n": [20736, 3, ...],                  # accounts dropped past max_members: [day of
                                             # their last event, how many], sorted by day
      "f": [[20734, 2, "b-1"]],              # fired: [episode, severity rank, account]
    }

Buckets are UTC days, as for buyers (``streams/core/windows.py``): windows start on a day,
so the same events give the same windows in any arrival order. Everything older than
``retention_days`` before the watermark's day is evicted when the watermark enters a new
day, and an event that old is ignored: what is kept depends on the watermark alone.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zlib import crc32

from streams.core.eventids import pack, unpack
from streams.core.fields import DAY, epoch_of
from streams.core.layout import KEY_WIDTH, bump, dedupe_key, keys_from_hex
from streams.core.layout import WIDTH as _BUYER_WIDTH  # a buyer window row: ours + refunds
from streams.core.linking_rules import LinkingRules

State = dict[str, Any]

CREATED, PAID, CANCELLED, CLOSED_UNPAID, DISPUTED, CHARGEBACK = range(1, 7)
ROW = 7
BAD = range(CANCELLED, ROW)  # the outcome columns that count against the accounts

COLUMNS: dict[str, int] = {
    "order.created": CREATED,
    "order.paid": PAID,
    "order.cancelled": CANCELLED,
    "order.closed_unpaid": CLOSED_UNPAID,
    "dispute.opened": DISPUTED,
    "chargeback.notified": CHARGEBACK,
}

# A dedupe key: the event's UTC day and the crc32 of its id, in the buyers' 8 characters
# (``streams.core.layout.dedupe_key``). Keys sort by day, so eviction cuts a prefix; two
# events of one identity collide only with the same day and the same crc. Kept for the
# whole retention, the latest DEDUPE_CAP. States written before kept 12 hex digits per key
# in ``"i"``; they move to ``"k"`` when the identity's next event or eviction comes.
DEDUPE_CAP = 64
EVIDENCE_CAP = 12  # latest bad-outcome event ids kept for the alert's evidence

# One event reaches several identity keys one after the other (up to MAX_BUYER_KEYS): the
# timestamp is parsed once for all of them.
_epoch = lru_cache(maxsize=1024)(epoch_of)


def new_state() -> State:
    """An empty identity state."""
    return {"w": 0, "b": {}, "k": ""}


def column_of(event: dict[str, Any]) -> int:
    """The outcome column an event counts in, 0 for none (seller/system cancels count in none)."""
    col = COLUMNS.get(event["type"], 0)
    if col == CANCELLED and event.get("actor", "buyer") != "buyer":
        return 0
    return col


def cutoff(state: State, rules: LinkingRules) -> int:
    """The oldest UTC day kept: ``retention_days - 1`` days before the watermark's day."""
    wday: int = state["w"] // DAY
    return wday - rules.retention_days + 1


def fold(state: State, event: dict[str, Any], rules: LinkingRules) -> tuple[int, int, bool]:
    """Count one event in place.

    Args:
        state: the identity state, owned by the caller.
        event: a link message (or canonical event) with ``buyer_id`` set.
        rules: the configured rule (retention, ``max_members``).

    Returns:
        ``(column, day, joined)``: the column counted (0 when nothing changed: a redelivery,
        an event older than the retention, a type that counts nowhere), the event's UTC day,
        and whether the event's account is new to the identity.

    """
    col = COLUMNS.get(event["type"], 0)
    if col == CANCELLED and event.get("actor", "buyer") != "buyer":
        col = 0
    buyer = event.get("buyer_id")
    if not col or not buyer:
        return 0, 0, False
    return fold_at(state, col, _epoch(event["occurred_at"]), event["event_id"], buyer, rules)


def fold_at(
    state: State, col: int, t: int, event_id: str, buyer: str, rules: LinkingRules
) -> tuple[int, int, bool]:
    """:func:`fold` for an event the caller has read: its column (not 0), time and ids."""
    if not 0 <= t < 1 << 32:
        return 0, 0, False
    day = t // DAY
    w: int = state["w"]
    if w and day <= w // DAY - rules.retention_days:  # older than cutoff(state, rules)
        return 0, day, False
    key = dedupe_key(day, crc32(event_id.encode()))
    keys: str = state["k"] if "k" in state else upgrade_keys(state)
    if not keys or keys[-KEY_WIDTH:] < key:  # the usual case: the identity's newest day
        keys += key
        if len(keys) > DEDUPE_CAP * KEY_WIDTH:
            keys = keys[KEY_WIDTH:]
    else:
        found = _insert(keys, key)
        if found is None:
            return 0, day, False
        keys = found
    state["k"] = keys
    members: dict[str, list[int]] = state["b"]
    rows = members.get(buyer)
    joined = rows is None
    if rows is None:
        if len(members) >= rules.max_members:
            _fold_out(state, members)
        rows = members[buyer] = [day, 0, 0, 0, 0, 0, 0]
        rows[col] = 1
    elif rows[-ROW] == day:
        rows[col - ROW] += 1
    else:
        bump(rows, ROW, day, col)
    if col >= CANCELLED:
        _keep_evidence(state, [t, pack(event_id), buyer])
    if t > w:
        state["w"] = t
        if w and day > w // DAY:
            evict(state, rules)
    return col, day, joined


def _insert(keys: str, key: str) -> str | None:
    """``keys`` with ``key`` in sorted place (the oldest go past ``DEDUPE_CAP``); None if seen."""
    hi = len(keys) // KEY_WIDTH
    if not hi or keys[-KEY_WIDTH:] < key:
        keys += key  # the identity's newest day
    else:
        lo = 0
        while lo < hi:  # binary search over the fixed-width keys, without splitting them
            mid = (lo + hi) // 2
            if keys[mid * KEY_WIDTH : mid * KEY_WIDTH + KEY_WIDTH] < key:
                lo = mid + 1
            else:
                hi = mid
        at = lo * KEY_WIDTH
        if keys[at : at + KEY_WIDTH] == key:
            return None
        keys = keys[:at] + key + keys[at:]
    if len(keys) > DEDUPE_CAP * KEY_WIDTH:
        keys = keys[KEY_WIDTH:]
    return keys


def upgrade_keys(state: State) -> str:
    """Move a state's dedupe keys from the 12 hex digits of ``"i"`` to ``"k"``, in place.

    An old key was the day (4 digits) and the crc32 (8). The same events get the same keys
    as if they came now, so they still count as seen.
    """
    keys = state["k"] = keys_from_hex(state.pop("i", ""), 12, 1, DEDUPE_CAP)
    return keys


def bad_total(rows: list[int]) -> int:
    """Bad outcomes over all of a row list's days."""
    return sum(rows[i + c] for i in range(0, len(rows), ROW) for c in BAD)


def _fold_out(state: State, members: dict[str, list[int]]) -> None:
    """Make room for one account: drop the least bad, least recent one, counted in ``n``.

    Keeps the accounts a ring alert is about; an identity shared by this many accounts
    is a pick-up point, an office or a farm, and the accounts with bad outcomes matter.
    The dropped account is counted under the day of its last event, and forgotten when
    that day is evicted, as the account itself would have been.
    """
    victim = min(members, key=lambda b: (bad_total(members[b]), members[b][-ROW], b))
    last = members.pop(victim)[-ROW]
    dropped: list[int] = state.setdefault("n", [])
    i = 0
    while i < len(dropped) and dropped[i] < last:
        i += 2
    if i < len(dropped) and dropped[i] == last:
        dropped[i + 1] += 1
    else:
        dropped[i:i] = [last, 1]


def dropped_accounts(state: State) -> int:
    """Accounts dropped past ``max_members`` whose last event is still within the retention."""
    return sum(state.get("n", [])[1::2])


def _keep_evidence(state: State, entry: list[Any]) -> None:
    """Remember a bad-outcome event ``[t, event_id, buyer]``, the latest ``EVIDENCE_CAP``."""
    entries: list[list[Any]] = state.setdefault("e", [])
    if not entries or entries[-1] < entry:
        entries.append(entry)
    else:
        entries.append(entry)
        entries.sort()
    if len(entries) > EVIDENCE_CAP:
        del entries[0]


def account_record(windows: dict[str, Any]) -> dict[str, Any] | None:
    """An account's kept record from its buyer window state, for an identity it just showed.

    The buyers stage sends it with the first event that routes the account to a key (see
    :func:`merge_record`): the events the account had before (a cancel that overtook its
    order's creation, the orders before a new phone or payment account) count there too,
    so what an identity knows of an account does not depend on the order its events came.

    Args:
        windows: the buyer's window state (``streams.core.windows``), the event counted.

    Returns:
        ``{"rows": [...], "evidence": [[t, event_id], ...]}``: the daily counts summed over
        the buyer's shops in this module's row layout, and the latest bad-outcome event ids;
        ``None`` when the record holds the one event that comes with it, or nothing.

    """
    by_day: dict[int, list[int]] = {}
    total = 0
    for rows in windows["s"].values():
        for i in range(0, len(rows), _BUYER_WIDTH):
            counts = rows[i + 1 : i + ROW]
            n = sum(counts)
            if n:
                total += n
                row = by_day.get(rows[i])
                if row is None:
                    by_day[rows[i]] = [rows[i], *counts]
                else:
                    for c in range(1, ROW):
                        row[c] += counts[c - 1]
    if total <= 1:
        return None
    evidence = sorted(
        [entry[0], unpack(entry[2])]
        for entries in windows.get("e", {}).values()
        for entry in entries
        if entry[1] in BAD
    )
    return {
        "rows": [n for day in sorted(by_day) for n in by_day[day]],
        "evidence": evidence[-EVIDENCE_CAP:],
    }


def record_for_new_keys(
    old: list[str], keys: list[str], windows: dict[str, Any]
) -> dict[str, Any] | None:
    """The record to send with ``keys`` (the buyer's keys after an event, ``old`` before).

    :func:`account_record` when a key is new to the buyer, ``None`` when the event only
    re-showed or reordered known keys: those heard every event of the buyer already.
    """
    return None if set(keys).issubset(old) else account_record(windows)


def merge_record(state: State, buyer: str, record: dict[str, Any], rules: LinkingRules) -> bool:
    """Take in an account's kept record (:func:`account_record`), in place; whether it added.

    Each count becomes the larger of what the identity counted and what the record says:
    both count the same account's events, the record all of them, so the merge is exact
    and a redelivered or repeated record changes nothing. Days before :func:`cutoff` are
    left out; the account joins (making room past ``max_members``) when it has any.
    Parts that are not what :func:`account_record` writes are ignored.
    """
    first = cutoff(state, rules) if state["w"] else 0
    incoming = record.get("rows")
    if type(incoming) is not list:
        incoming = []  # not a record the buyers stage wrote: counts nothing
    members: dict[str, list[int]] = state["b"]
    rows = members.get(buyer)
    merged: dict[int, list[int]] = {}
    if rows is not None:
        for i in range(0, len(rows), ROW):
            merged[rows[i]] = rows[i : i + ROW]
    changed = False
    for i in range(0, len(incoming) - ROW + 1, ROW):
        day = incoming[i]
        if type(day) is not int or day < first:
            continue
        row = merged.get(day)
        if row is None:
            row = merged[day] = [day, 0, 0, 0, 0, 0, 0]
        for c in range(1, ROW):
            n = incoming[i + c]
            if type(n) is int and n > row[c]:
                row[c] = n
                changed = True
    if not changed:
        return False
    if rows is None and len(members) >= rules.max_members:
        _fold_out(state, members)
    members[buyer] = [n for day in sorted(merged) for n in merged[day]]
    since = first * DAY
    known = {entry[1] for entry in state.get("e", ())}
    evidence = record.get("evidence")
    for entry in evidence if type(evidence) is list else ():
        if type(entry) is not list or len(entry) != 2:
            continue
        t, event_id = entry
        if type(t) is int and t >= since and type(event_id) is str:
            kept = pack(event_id)
            if kept not in known and event_id not in known:  # (a state from before packing)
                _keep_evidence(state, [t, kept, buyer])
    return True


def evict(state: State, rules: LinkingRules) -> State:
    """Drop what is older than the retention before the watermark, in place; return the state.

    Rows, dedupe keys and evidence older than :func:`cutoff` go, and accounts left with
    no row, or dropped past ``max_members`` with their last event; fired episodes go once no
    kept window can overlap them.
    The wall clock plays no part.
    """
    first = cutoff(state, rules)
    members: dict[str, list[int]] = state["b"]
    for buyer, rows in list(members.items()):
        if rows[0] < first:
            kept = _rows_since(rows, first)
            if kept:
                members[buyer] = kept
            else:
                del members[buyer]
    dropped: list[int] | None = state.get("n")
    if dropped is not None:
        i = 0
        while i < len(dropped) and dropped[i] < first:
            i += 2
        if i == len(dropped):
            del state["n"]
        elif i:
            del dropped[:i]
    keys: str = state["k"] if "k" in state else upgrade_keys(state)
    oldest = dedupe_key(max(first, 0), 0)  # the smallest key of that day
    i = 0
    while i < len(keys) and keys[i : i + KEY_WIDTH] < oldest:
        i += KEY_WIDTH
    if i:
        state["k"] = keys[i:]
    entries: list[list[Any]] | None = state.get("e")
    if entries is not None:
        since = first * DAY
        entries[:] = [entry for entry in entries if entry[0] >= since]
        if not entries:
            del state["e"]
    fired: list[list[int]] | None = state.get("f")
    if fired is not None:
        fired[:] = [ep for ep in fired if ep[0] > first - rules.horizon_days]
        if not fired:
            del state["f"]
    return state


def _rows_since(rows: list[int], first: int) -> list[int]:
    """The rows of days ``>= first`` (rows are sorted by day)."""
    i = 0
    while i < len(rows) and rows[i] < first:
        i += ROW
    return rows[i:]
