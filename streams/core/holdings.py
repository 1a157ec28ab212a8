"""Stock held by a buyer's open unpaid orders: the ``o`` and ``z`` parts of the window state.

``o`` maps each order created and not yet paid, cancelled or closed to ``[t, seller, units,
amount]``. An order may be resolved before its creation arrives (a follow-up that names the
buyer overtakes it); ``z`` remembers such orders for ``DEDUPE_DAYS`` so that the late
creation does not open them. Both are evicted with the windows (``windows.evict``).
"""

from __future__ import annotations

from typing import Any

from streams.core.fields import cents, units

State = dict[str, Any]


def hold(state: State, event: dict[str, Any], t: int, seller: str, resolves: bool) -> None:
    """Track an order created and not yet paid, cancelled or closed, in place.

    Args:
        state: the buyer's window state.
        event: an ``order.created`` or an event that ends the hold (paid, cancelled, closed).
        t: the event time, epoch seconds.
        seller: the event's seller.
        resolves: the event ends the hold rather than starting it.

    """
    order_id = event["order_id"]
    opened = state.get("o")
    if resolves:
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
        return
    gone = state.get("z")
    if gone and order_id in gone:
        del gone[order_id]
        if not gone:
            del state["z"]
        return
    if opened is None:
        opened = state["o"] = {}
    # the amount stays a string: it is parsed only when a rule asks for the value held
    opened[order_id] = [t, seller, units(event.get("items")), event.get("amount")]


def held(state: State, seller: str | None = None) -> tuple[int, int, int]:
    """Orders, units and value (hundredths) held by the buyer's open unpaid orders.

    Values are in each order's own currency, so compare them per seller only.
    """
    opened: dict[str, list[Any]] = state.get("o", {})
    orders = units_held = value = 0
    for _, at_seller, order_units, amount in opened.values():
        if seller is None or at_seller == seller:
            orders += 1
            units_held += order_units
            value += cents(amount)
    return orders, units_held, value
