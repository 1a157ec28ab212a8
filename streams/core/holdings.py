"""Stock held by a buyer's unpaid orders, in event time: the ``o`` and ``z`` parts of the state.

``o`` maps each order created, and not resolved long ago, to ``[t, seller, units, amount,
event_id, end, sku, quantity, sku, quantity, ...]``: its creation time, shop, units, amount
(the decimal string as given: parsed only when a rule needs the value), the id of its
creation (for evidence; as ``streams.core.eventids.pack_under`` keeps it under the order
id: usually 3 characters, the order id put back on reading), when its hold on stock
ends, and its units per SKU (the ``SKU_CAP`` largest). Once it is paid, cancelled or
closed, ``end`` is when (or its payment deadline, if that came first); while it is not, it
is minus the seconds from its creation to its ``payment_deadline_at`` (the platform closes
an unpaid order then: an offset is fewer bytes than a time), or 0 when the order has no
deadline. A resolved order stays ``RESOLVED_KEEP`` seconds past its resolution (by the
watermark), then goes.

The stock-locking rules ask what was held *at* an event time (:func:`holds_at`): an order
holds from its creation to its resolution or its payment deadline, whichever comes first. So
a payment that arrives early (another partition ran ahead) does not hide an order that was
still unpaid when the flood happened, an unpaid close that arrives late does not make an
order past its deadline count, and the stream and a replay that interleave a buyer's orders
differently see the same holdings. An order may be resolved before its creation arrives (a
follow-up that names the buyer overtakes it); ``z`` remembers when, for the retention, so
that the late creation enters ``o`` already resolved. All are evicted with the windows
(``streams.core.eviction``).
"""

from __future__ import annotations

from typing import Any

from streams.core.eventids import pack_under, packed_whole, unpack, unpack_under
from streams.core.fields import cents, epoch_of

State = dict[str, Any]

SKU_CAP = 4  # SKUs kept per open order, the largest quantities
RESOLVED = 5  # index of the hold's end in an ``o`` entry (> 0: resolved; <= 0: not yet)
SKUS = 6  # index of the first ``sku, quantity`` pair
# How long a resolved order stays in ``o`` past its resolution, by the watermark: longer
# than partitions usually drift apart in event time (an order created before it resolved
# may still arrive), short enough to keep the state of a buyer who pays for many orders
# small.
RESOLVED_KEEP = 3600
ORDERS_CAP = 64  # orders kept in ``o`` (and markers in ``z``) per buyer


def open_order(state: State, event: dict[str, Any], t: int, seller: str) -> None:
    """Hold an ``order.created`` until it is paid, cancelled or closed (or due), in place.

    Args:
        state: the buyer's window state.
        event: the order's creation.
        t: its event time, epoch seconds.
        seller: its seller.

    """
    order_id = event["order_id"]
    deadline = _deadline(event, t)
    end = t - deadline if deadline else 0  # not resolved: it holds until its deadline
    gone = state.get("z")
    if gone and order_id in gone:  # its payment, cancel or close came first
        resolved = gone.pop(order_id)
        if not gone:
            del state["z"]
        end = _ended(deadline, resolved)
        if end + RESOLVED_KEEP < state["w"]:
            return  # long over: it held nothing a rule still looks at
    entry: list[Any] = [
        t, seller, 1, event.get("amount"), pack_under(event["event_id"], order_id), end,
    ]
    items = event.get("items")
    if type(items) is list and items:
        if len(items) == 1 and type(items[0]) is dict:  # the usual order: one line
            item = items[0]
            quantity = item.get("quantity", 1)
            quantity = max(quantity, 0) if type(quantity) is int else _quantity(quantity)
            sku = item.get("sku")
            entry += (sku if type(sku) is str else str(sku or ""), quantity)
            entry[2] = quantity
        else:
            entry[2] = _skus(items, entry)
    opened = state.get("o")
    if opened is None:
        state["o"] = {order_id: entry}
        return
    if len(opened) >= ORDERS_CAP and order_id not in opened:
        del opened[min(opened, key=lambda k: _drop_rank(k, opened[k]))]
    opened[order_id] = entry


def _deadline(event: dict[str, Any], t: int) -> int:
    """The epoch second an order created at ``t`` is closed if unpaid; 0 when it has none.

    A deadline at or before the creation is ignored: an order holds stock for a moment at
    least.
    """
    at = event.get("payment_deadline_at")
    if type(at) is not str:
        return 0
    deadline = epoch_of(at)
    return deadline if deadline > t else 0


def _ended(end: int, t: int) -> int:
    """When a hold ends once its order is resolved at ``t``, given its end so far (0: none).

    The earliest wins: an earlier resolution, or the payment deadline if that came first.
    """
    return min(end, t) if end else t


def _drop_rank(order_id: str, entry: list[Any]) -> tuple[int, int, str]:
    """Which order a full ``o`` drops first: the earliest resolved, else the oldest unpaid."""
    resolved: int = entry[RESOLVED]
    created = str(unpack_under(entry[4], order_id))
    if resolved > 0:
        return (0, resolved, created)
    return (1, entry[0], created)


def close_order(state: State, order_id: str, t: int) -> None:
    """End an order's hold (paid, cancelled or closed at ``t``), in place."""
    opened = state.get("o")
    entry = opened.get(order_id) if opened else None
    if entry is not None:
        end = _ended(hold_end(entry), t)
        if end + RESOLVED_KEEP < state["w"]:  # over long ago: nothing looks at it any more
            del opened[order_id]  # type: ignore[union-attr]
            if not opened:
                del state["o"]
        else:
            entry[RESOLVED] = end
        return
    # resolved before its creation arrived: remember it so the creation does not open it
    gone = state.get("z")
    if gone is None:
        gone = state["z"] = {}
    elif len(gone) >= ORDERS_CAP and order_id not in gone:
        del gone[min(gone, key=lambda k: (gone[k], k))]  # the earliest resolution goes
    gone[order_id] = min(t, gone.get(order_id, t))


def forget_resolved(state: State, before: int) -> None:
    """Drop, in place, the orders of ``o`` resolved before ``before`` (epoch seconds)."""
    opened: dict[str, list[Any]] | None = state.get("o")
    if not opened:
        return
    for entry in opened.values():  # runs on every watermark advance: usually nothing goes
        if 0 < entry[RESOLVED] < before:
            break
    else:
        return
    gone = [k for k, e in opened.items() if 0 < e[RESOLVED] < before]
    for order_id in gone:
        del opened[order_id]
    if not opened:
        del state["o"]


def held(state: State, seller: str | None = None) -> tuple[int, int, int]:
    """Orders, units and value (hundredths) of the buyer's orders not resolved yet.

    An order past its payment deadline counts until its close arrives: this is what the
    state knows of, not what was held at a moment (:func:`holds_at`).

    Values are in each order's own currency, so compare them per seller only.
    """
    opened: dict[str, list[Any]] = state.get("o", {})
    orders = units_held = value = 0
    for entry in opened.values():
        if (seller is None or entry[1] == seller) and entry[RESOLVED] <= 0:
            orders += 1
            units_held += entry[2]
            value += value_of(entry)
    return orders, units_held, value


def holds_at(entry: list[Any], t: int) -> bool:
    """Whether the order of an ``o`` entry held stock at ``t``.

    It did from its creation until its resolution or, while it has none, its payment
    deadline.
    """
    end = hold_end(entry)
    return entry[0] <= t and (not end or end > t)


def hold_end(entry: list[Any]) -> int:
    """When the order of an ``o`` entry stopped (or will stop) holding stock; 0: not known.

    Its resolution, or while it has none, its payment deadline.
    """
    end: int = entry[RESOLVED]
    return end if end >= 0 else entry[0] - end


def orders_at(state: State, seller: str) -> list[list[Any]]:
    """The ``o`` entries of the orders at one seller, resolved or not, oldest first.

    Each entry's creation id is whole (:func:`event_id_of`): an entry that keeps it under
    its order id is copied with the id put back, so the state itself is unchanged.
    """
    opened: dict[str, list[Any]] = state.get("o", {})
    found = []
    for order_id, e in opened.items():
        if e[1] == seller:
            kept = e[4]
            whole = packed_whole(kept, order_id)
            if whole is not kept:
                e = [*e[:4], whole, *e[5:]]
            found.append(e)
    found.sort(key=lambda e: (e[0], event_id_of(e)))
    return found


def held_at(state: State, seller: str, t: int) -> list[list[Any]]:
    """The orders at one seller unpaid at event time ``t`` (their ``o`` entries), oldest first."""
    return [e for e in orders_at(state, seller) if holds_at(e, t)]


def value_of(entry: list[Any]) -> int:
    """An open order's value in hundredths of its currency."""
    amount = entry[3]
    return amount if type(amount) is int else cents(amount)


def value_bound(entry: list[Any]) -> int:
    """More than an open order's value in hundredths, without parsing it: ``10 ** digits``.

    An amount with ``k`` digits before the decimal point is below ``10 ** k``.
    """
    amount = entry[3]
    if type(amount) is not str:
        return amount if isinstance(amount, int) else 0
    point = amount.find(".")
    digits: int = point if point >= 0 else len(amount)
    return _TEN_POWERS[digits] if digits < len(_TEN_POWERS) else 1 << 62


_TEN_POWERS = tuple(100 * 10**k for k in range(19))


def event_id_of(entry: list[Any]) -> str:
    """The id of an order's creation, from an entry of :func:`orders_at`."""
    return str(unpack(entry[4]))


def _quantity(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 1


def _skus(items: list[Any], entry: list[Any]) -> int:
    """Append an order's ``sku, quantity`` pairs (merged; the largest ``SKU_CAP``); its units.

    A line that is not an object counts one unit, as in ``streams.core.fields.units``.
    """
    per: dict[str, int] = {}
    units = 0
    for item in items:
        if type(item) is dict:
            quantity = item.get("quantity", 1)
            quantity = max(quantity, 0) if type(quantity) is int else _quantity(quantity)
            sku = str(item.get("sku") or "")
            per[sku] = per.get(sku, 0) + quantity
            units += quantity
        else:
            units += 1
    pairs = per.items() if len(per) <= SKU_CAP else sorted(
        per.items(), key=lambda kv: (-kv[1], kv[0])
    )[:SKU_CAP]
    for sku, quantity in pairs:
        entry += (sku, quantity)
    return units
