"""Stock held by a buyer's open unpaid orders: the ``o`` and ``z`` parts of the window state.

``o`` maps each order created and not yet paid, cancelled or closed to ``[t, seller, units,
amount, event_id, sku, quantity, sku, quantity, ...]``: its creation time, shop, units,
amount (the decimal string as given: parsed only when a rule needs the value), the id of its
creation (for evidence) and its units per SKU (the ``SKU_CAP`` largest). The stock-locking
rules read it: ``unpaid_stock_held`` sums it per shop, ``order_flood`` looks for many of
these orders within minutes. An order may be resolved before its creation arrives (a
follow-up that names the buyer overtakes it); ``z`` remembers such orders for the retention
so that the late creation does not open them. Both are evicted with the windows
(``streams.core.eviction``).
"""

from __future__ import annotations

from typing import Any

from streams.core.fields import cents

State = dict[str, Any]

SKU_CAP = 4  # SKUs kept per open order, the largest quantities


def open_order(state: State, event: dict[str, Any], t: int, seller: str) -> None:
    """Hold an ``order.created`` until it is paid, cancelled or closed, in place.

    Args:
        state: the buyer's window state.
        event: the order's creation.
        t: its event time, epoch seconds.
        seller: its seller.

    """
    order_id = event["order_id"]
    gone = state.get("z")
    if gone and order_id in gone:  # its payment, cancel or close came first
        del gone[order_id]
        if not gone:
            del state["z"]
        return
    entry: list[Any] = [t, seller, 1, event.get("amount"), event["event_id"]]
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
    else:
        opened[order_id] = entry


def close_order(state: State, order_id: str, t: int) -> None:
    """End an order's hold (paid, cancelled or closed at ``t``), in place."""
    opened = state.get("o")
    if opened and order_id in opened:
        del opened[order_id]
        if not opened:
            del state["o"]
        return
    # resolved before its creation arrived: remember it so the creation does not open it
    gone = state.get("z")
    if gone is None:
        gone = state["z"] = {}
    gone[order_id] = min(t, gone.get(order_id, t))


def held(state: State, seller: str | None = None) -> tuple[int, int, int]:
    """Orders, units and value (hundredths) held by the buyer's open unpaid orders.

    Values are in each order's own currency, so compare them per seller only.
    """
    opened: dict[str, list[Any]] = state.get("o", {})
    orders = units_held = value = 0
    for entry in opened.values():
        if seller is None or entry[1] == seller:
            orders += 1
            units_held += entry[2]
            value += value_of(entry)
    return orders, units_held, value


def held_at(state: State, seller: str) -> list[list[Any]]:
    """The open unpaid orders at one seller (their ``o`` entries), oldest first."""
    opened: dict[str, list[Any]] = state.get("o", {})
    found = [entry for entry in opened.values() if entry[1] == seller]
    found.sort(key=lambda e: (e[0], event_id_of(e)))
    return found


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
    """The id of an open order's creation ("" in states written before ids were kept)."""
    return str(entry[4]) if len(entry) > 4 else ""


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
