"""The orders stage as a pure step: dedupe, order status, and the buyer of thin follow-ups.

State layout per ``order_id`` (plain JSON, every key optional)::

    {
      "b": "b-17",            # the order's buyer, from order.created or any event naming it
      "st": "paid",           # status: created < paid < shipped < delivered < cancelled/closed
      "c": 1,                 # order.created seen (a second creation is dropped)
      "j": "~10123\x7f~11123\x7f", # event ids seen, oldest first, packed (eventids.pack)
                              # and each ended by SEP, at most MAX_IDS (one string: one
                              # object to look through, not many)
      "h": [{...}, ...],      # follow-ups held until the buyer is known, at most MAX_HELD
      "hx": 2,                # follow-ups dropped because "h" was full
      "d": "2026-10-05",      # the UTC date (as written: offsets may shift it a day) of
                              # the order's latest event, for forgetting idle orders
      "p": 3,                 # the partition that wrote it (stamped by the orders agent)
    }

An order is never finished for good: a chargeback can come months after delivery. But one
whose latest event is ``streams.core.sweep.KEEP_DAYS`` older than the newest event of its
partition is forgotten (:func:`idle`, ``streams.core.sweep.Sweeper``); otherwise the stage's
table would keep every order ever seen. A later event of a forgotten order starts it
afresh: one that names its buyer counts as usual, one that names none waits in ``h`` for an
event that does.

States written before ids were packed kept them whole in ``"i"``, each ended by
``OLD_SEP`` (or, earlier still, as a list); they move to ``"j"`` at the order's next event
(:func:`_upgrade_ids`), and the ids they held still count as seen.
"""

from __future__ import annotations

from typing import Any

from streams.core.eventids import pack

MAX_IDS = 32  # an order's life has a dozen events; redeliveries repeat recent ones
# ends each id in "j": DEL, not found in real event ids, and one byte in JSON (the unit
# separator that ended them in "i" is written \u001f: six)
SEP = "\x7f"
OLD_SEP = "\x1f"
MAX_HELD = 16

# event type -> (status it sets, rank): the status only ever moves up in rank, so a late
# order.paid cannot undo order.shipped
_STATUS: dict[str, tuple[str, int]] = {
    "order.created": ("created", 1),
    "order.paid": ("paid", 2),
    "order.shipped": ("shipped", 3),
    "order.delivered": ("delivered", 4),
    "order.cancelled": ("cancelled", 5),
    "order.closed_unpaid": ("closed_unpaid", 5),
}
_RANK: dict[str, int] = dict(_STATUS.values())


def step_order(
    state: dict[str, Any] | None, event: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fold one event into its order's state and return the events to forward to buyers.

    Redelivered event ids are dropped. A follow-up without ``buyer_id`` gets the order's
    buyer; when the buyer is not known yet (the follow-up overtook its ``order.created``),
    it is held in the state and released, with ``buyer_id`` set, right after the first
    event that names the buyer. An event that names its buyer is forwarded as it is (the
    same dict: callers must not modify it); the others as new dicts with ``buyer_id`` set.
    The input event is never modified. The state is owned by the caller, who must write
    the returned state back (``table[order_id] = state``): it is updated in place when one
    is given.

    Args:
        state: the order's state from a previous call, or ``None`` for a new order.
        event: a validated canonical event of this order (``buyer.message`` without an
            order is keyed by its buyer and simply forwarded, once).

    Returns:
        ``(state, events)``: every forwarded event carries ``buyer_id``.

    """
    mark = pack(event["event_id"]) + SEP
    if state is None:
        state = {"j": mark}
    else:
        ids = state.get("j")
        if ids is None and "i" in state:
            ids = _upgrade_ids(state)
        if not ids:
            state["j"] = mark
        else:
            if ids.startswith(mark) or SEP + mark in ids:
                return state, []
            ids += mark
            if len(ids) > 2 * MAX_IDS and ids.count(SEP) > MAX_IDS:
                ids = ids[ids.index(SEP) + 1 :]
            state["j"] = ids
    day = event["occurred_at"][:10]
    if day > state.get("d", ""):
        state["d"] = day
    etype = event["type"]
    if etype == "order.created":
        if "c" in state:
            return state, []  # an order is created once, whatever its event id
        state["c"] = 1
    status = _STATUS.get(etype)
    if status is not None:
        current = state.get("st")
        if current is None or status[1] > _RANK.get(current, 0):
            state["st"] = status[0]
    buyer = event.get("buyer_id")
    if buyer:
        forward = [event]
        if "b" not in state:
            state["b"] = buyer
            held: list[dict[str, Any]] | None = state.pop("h", None)
            if held:
                forward += [{**h, "buyer_id": buyer} for h in held]
        return state, forward
    known = state.get("b")
    if known:
        return state, [{**event, "buyer_id": known}]
    held = state.get("h")
    if held is None:
        state["h"] = [dict(event)]
    elif len(held) < MAX_HELD:
        held.append(dict(event))
    else:
        state["hx"] = state.get("hx", 0) + 1
    return state, []


def _upgrade_ids(state: dict[str, Any]) -> str:
    """Move the ids an older state kept whole in ``"i"`` to ``"j"``, packed, and return them."""
    old = state.pop("i")
    whole = old if type(old) is list else str(old).split(OLD_SEP)[:-1]
    ids = state["j"] = "".join(pack(str(i)) + SEP for i in whole[-MAX_IDS:])
    return ids


def idle(state: dict[str, Any], before: str) -> bool:
    """Whether an order's latest event is dated before ``before`` (``YYYY-MM-DD``).

    A state written before orders kept their date is never idle.
    """
    last = state.get("d")
    return last is not None and last < before
