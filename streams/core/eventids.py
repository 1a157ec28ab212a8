"""Event ids as a buyer's state keeps them: the adapters' ``<marketplace>:<type>:`` in 3 characters.

The adapters derive an event's id from the business event, ``<marketplace>:<type>:<id>``
(``taobao:order.created:3812345678901234567``), and the state keeps ids only to name them as
evidence. :func:`pack` writes the known prefix as ``~`` and two digits (14 to 31 characters
fewer), :func:`unpack` gives the id back. An id of any other shape is kept as it is,
with a ``~`` in front when it starts with one, so every id comes back unchanged; an id kept
before this layout (never packed) also comes back as it is, unless it started with ``~``.
"""

from __future__ import annotations

from typing import Any

# Append only: a packed id names its prefix by the positions of its marketplace and type in
# these tuples, in states already written.
MARKETPLACES: tuple[str, ...] = (
    "aliexpress", "tmall", "taobao", "shopify", "woocommerce", "stripe", "generic",
)
TYPES: tuple[str, ...] = (
    "order.created", "order.paid", "order.cancelled", "order.closed_unpaid", "order.shipped",
    "order.delivered", "payment.reminder_sent", "payment.failed", "refund.requested",
    "refund.completed", "dispute.opened", "dispute.cancelled", "dispute.resolved",
    "chargeback.notified", "chargeback.appealed", "chargeback.resolved", "buyer.message",
)
MARK = "~"
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_PACKED: dict[str, str] = {
    f"{market}:{etype}:": MARK + _DIGITS[m] + _DIGITS[t]
    for m, market in enumerate(MARKETPLACES)
    for t, etype in enumerate(TYPES)
}
_PREFIXES: dict[str, str] = {code[1:]: prefix for prefix, code in _PACKED.items()}


def pack(event_id: str) -> str:
    """The form of ``event_id`` a state keeps (:func:`unpack` gives it back)."""
    cut = event_id.find(":", event_id.find(":") + 1) + 1  # just past the second colon
    if cut:
        code = _PACKED.get(event_id[:cut])
        if code is not None:
            return code + event_id[cut:]
    return MARK + event_id if event_id[:1] == MARK else event_id


def pack_under(event_id: str, tail: str) -> str:
    """:func:`pack` for an id kept under what it ends with: the 3-character code alone.

    An order's creation, ``taobao:order.created:<order id>``, is kept in the buyer's state
    under its order id: the id's code is enough, and :func:`unpack_under` puts the order id
    back. Any other id is packed whole.
    """
    kept = pack(event_id)
    if (
        len(kept) == 3 + len(tail) and kept[0] == MARK and kept[1:3] in _PREFIXES
        and kept.endswith(tail)
    ):
        return kept[:3]
    return kept


def unpack_under(kept: Any, tail: str) -> Any:
    """The event id :func:`pack_under` kept as ``kept`` under ``tail``."""
    return unpack(packed_whole(kept, tail))


def packed_whole(kept: Any, tail: str) -> Any:
    """What :func:`pack` gives for the id :func:`pack_under` kept as ``kept`` under ``tail``."""
    if type(kept) is str and len(kept) == 3 and kept[0] == MARK and kept[1:] in _PREFIXES:
        return kept + tail
    return kept


def unpack(kept: Any) -> Any:
    """The event id a state kept as ``kept`` (anything but a string is returned as is)."""
    if type(kept) is not str or kept[:1] != MARK:
        return kept
    prefix = _PREFIXES.get(kept[1:3])
    return kept[1:] if prefix is None else prefix + kept[3:]
