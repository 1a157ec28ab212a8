"""Buyer state layout: the outcome columns and the sizes the window modules share."""

from __future__ import annotations

from binascii import b2a_base64
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
# A dedupe key is the event's UTC day (16 bits) and the crc32 of its id (32 bits), 48 bits
# written as KEY_WIDTH characters of an order-preserving base 64 (KEY_ALPHABET is in ASCII
# order, so keys compare as strings as their numbers do): keys sort by day, which is what
# eviction cuts by, and "the latest DEDUPE_CAP" is well defined (the oldest days go first;
# within a day, the smaller crcs). Two events of one buyer collide only with the same day
# and the same crc. They share ONE string rather than a list: fewer JSON bytes, and one
# object for the garbage collector instead of one per key. States written before this layout
# kept 16 hex digits per key (event second and crc) in ``"i"``; they move to ``"k"`` when
# the buyer's next event comes (:func:`upgrade_keys`).
KEY_WIDTH = 8
KEY_ALPHABET = b"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
TO_KEY = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", KEY_ALPHABET
)  # standard base 64 -> KEY_ALPHABET, digit value for digit value


def dedupe_key(day: int, crc: int) -> str:
    """The dedupe key of an event on ``day`` (UTC day number) whose id has crc32 ``crc``."""
    return b2a_base64(((day << 32) | crc).to_bytes(6, "big"), newline=False).translate(
        TO_KEY
    ).decode()


def upgrade_keys(state: State) -> str:
    """Move an older state's dedupe keys to ``"k"``, in place, and return them.

    States written before this layout kept 16 hex digits per key in ``"i"``: the event's
    second and the crc32 of its id. The same events get the same keys as if they came now.
    """
    keys = state["k"] = keys_from_hex(state.pop("i", ""), 16, 86_400, DEDUPE_CAP)
    return keys


def keys_from_hex(old: str, width: int, per_day: int, cap: int) -> str:
    """The dedupe keys of an older layout's hex keys, sorted, the latest ``cap``.

    Each old key is ``width`` hex digits: a time (in units of which a day has ``per_day``)
    and the crc32 of the event's id in the last 8. A stretch that is not hex is skipped.
    """
    found = set()
    for i in range(0, len(old) - width + 1, width):
        try:
            day = int(old[i : i + width - 8], 16) // per_day
            found.add(dedupe_key(day, int(old[i + width - 8 : i + width], 16)))
        except ValueError:  # not a key: nothing to remember
            continue
    return "".join(sorted(found)[-cap:])


# Eviction runs when the watermark enters a new EVICT_DAYS period (epoch-aligned), not on
# every new day: it then costs nothing on most events. What is kept is measured from the
# period's first day, so a buyer keeps between retention_days and retention_days +
# EVICT_DAYS - 1 days, and the kept set still depends on the watermark alone.
EVICT_DAYS = 7


def period_of(watermark: int) -> int:
    """The first day of the watermark's eviction period (UTC day number)."""
    wday = watermark // 86_400
    return wday - wday % EVICT_DAYS


def bump(rows: list[int], width: int, key: int, offset: int, n: int = 1) -> None:
    """Add ``n`` at ``offset`` of the row of ``rows`` starting with ``key``, in place.

    ``rows`` is a flat list of rows of ``width`` ints, sorted by their first (a day or a
    block); a row for ``key`` is inserted in order when there is none. Searches from the
    end: the rows counted into are almost always the newest.
    """
    i = len(rows) - width
    while i >= 0 and rows[i] > key:
        i -= width
    if i >= 0 and rows[i] == key:
        rows[i + offset] += n
        return
    row = [key] + [0] * (width - 1)
    row[offset] = n
    rows[i + width : i + width] = row
