"""Long-horizon counts for the dispute and chargeback rules: the ``l`` and ``p`` state parts.

Daily rows (``s``) are kept for the daily rules' horizon (a week). The dispute and
chargeback rules look back months, and a row per day for that long would cost an active
buyer kilobytes. So when eviction drops a daily row, what the long rules need moves here::

    "l": {"s-2": [20700, 1, 0, 20712, 0, 1]},  # per seller, flat rows of L_WIDTH: day,
                                               # disputes opened, chargebacks (days with one)
    "p": {"s-2": [690, 4, 691, 2]},            # per seller, flat rows: block of BLOCK_DAYS
                                               # days, paid orders in it

Disputes and chargebacks are rare, so they keep their exact day and the long windows count
them exactly. Paid orders (the ratio's base) are common and are kept per 30-day block; a
window counts every block it overlaps, which can only raise the base, so lower the ratio:
the side that spares buyers. An event older than the daily retention but inside the long
one is counted here directly. Rows older than the long retention are evicted.
"""

from __future__ import annotations

from streams.core.bursts import Window
from streams.core.layout import CHARGEBACK, DISPUTED, PAID, WIDTH, State, bump

BLOCK_DAYS = 30
L_WIDTH = 3  # day, disputed, chargeback
P_WIDTH = 2  # block, paid
_L_OFFSET = {DISPUTED: 1, CHARGEBACK: 2}


def add(state: State, seller: str, day: int, col: int, n: int = 1) -> None:
    """Count ``n`` events of a long column (paid, disputed, chargeback) on ``day``, in place."""
    if col == PAID:
        bump(state.setdefault("p", {}).setdefault(seller, []), P_WIDTH, day // BLOCK_DAYS, 1, n)
    else:
        bump(state.setdefault("l", {}).setdefault(seller, []), L_WIDTH, day, _L_OFFSET[col], n)


def keeps(day: int, col: int, period: int, long_days: int) -> bool:
    """Whether the long rows keep an event of ``col`` on ``day`` (see :func:`evict`).

    Args:
        day: the event's UTC day.
        col: ``PAID``, ``DISPUTED`` or ``CHARGEBACK``.
        period: the first day of the watermark's eviction period.
        long_days: the long retention.

    """
    first = period - long_days + 1
    return day >= first or (col == PAID and day // BLOCK_DAYS >= first // BLOCK_DAYS)


def roll(state: State, seller: str, rows: list[int], end: int) -> None:
    """Move the long counts of the daily rows ``rows[:end]`` (about to be evicted) here."""
    for i in range(0, end, WIDTH):
        day = rows[i]
        if rows[i + PAID]:
            add(state, seller, day, PAID, rows[i + PAID])
        if rows[i + DISPUTED]:
            add(state, seller, day, DISPUTED, rows[i + DISPUTED])
        if rows[i + CHARGEBACK]:
            add(state, seller, day, CHARGEBACK, rows[i + CHARGEBACK])


def evict(state: State, first: int) -> None:
    """Drop long rows before day ``first`` (paid blocks that end before it), in place."""
    for part, width, oldest in (("l", L_WIDTH, first), ("p", P_WIDTH, first // BLOCK_DAYS)):
        sellers: dict[str, list[int]] | None = state.get(part)
        if not sellers:
            continue
        for seller, rows in list(sellers.items()):
            i = 0
            while i < len(rows) and rows[i] < oldest:
                i += width
            if i == len(rows):
                del sellers[seller]
            elif i:
                del rows[:i]
        if not sellers:
            del state[part]


def total(state: State, col: int, seller: str | None) -> int:
    """Disputes or chargebacks kept at all (daily and long rows), at one seller or all."""
    daily: dict[str, list[int]] = state["s"]
    long: dict[str, list[int]] = state.get("l", {})
    offset = _L_OFFSET[col]
    if seller is not None:
        return sum(daily.get(seller, [])[col::WIDTH]) + sum(long.get(seller, [])[offset::L_WIDTH])
    return sum(sum(rows[col::WIDTH]) for rows in daily.values()) + sum(
        sum(rows[offset::L_WIDTH]) for rows in long.values()
    )


def windows(
    state: State, col: int, seller: str | None, day: int, horizon: int, first: int
) -> list[Window]:
    """Candidate windows of a long rule that contain ``day``, one per starting day.

    Like ``streams.core.bursts.windows_holding`` over daily and long rows together. The
    base is the paid orders from one horizon before the window's start to its end (whole
    30-day blocks for the older days): claims come days or weeks after the payment, so the
    orders they are about were mostly paid before the first claim.

    Args:
        state: a buyer window state.
        col: ``DISPUTED`` or ``CHARGEBACK``.
        seller: one seller, or ``None`` for all sellers together.
        day: the UTC day of the event that triggered the evaluation.
        horizon: window length in days.
        first: the oldest day still kept by the long retention.

    """
    daily: dict[str, list[int]] = state["s"]
    long: dict[str, list[int]] = state.get("l", {})
    paid: dict[str, list[int]] = state.get("p", {})
    names = sorted(set(daily) | set(long) | set(paid)) if seller is None else [seller]
    offset = _L_OFFSET[col]
    days: list[tuple[int, int, int, int]] = []  # (day, count, paid, shop)
    blocks: list[tuple[int, int]] = []  # (block, paid)
    for shop, name in enumerate(names):
        rows = daily.get(name, [])
        days += [(rows[i], rows[i + col], rows[i + PAID], shop) for i in range(0, len(rows), WIDTH)]
        rows = long.get(name, [])
        days += [(rows[i], rows[i + offset], 0, shop) for i in range(0, len(rows), L_WIDTH)]
        rows = paid.get(name, [])
        blocks += [(rows[i], rows[i + 1]) for i in range(0, len(rows), P_WIDTH)]
    lo = max(day - horizon + 1, first)
    found = []
    for start in sorted({d for d, n, _, _ in days if n and lo <= d <= day}):
        end = start + horizon
        since = start - horizon
        count = base = 0
        shops = set()
        for d, n, b, shop in days:
            if since <= d < end:
                base += b
                if start <= d and n:
                    count += n
                    shops.add(shop)
        base += sum(n for block, n in blocks
                    if block * BLOCK_DAYS < end and (block + 1) * BLOCK_DAYS > since)
        found.append(Window(start, count, base, len(shops)))
    return found
