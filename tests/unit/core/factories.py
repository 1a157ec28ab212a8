"""Event factories for the core's unit tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from schemas.event import validate_event
from streams.core.fields import format_epoch

T0 = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # a Monday morning, UTC
_serial = itertools.count(1)

ACTOR = {"order.cancelled": "buyer", "order.closed_unpaid": "platform"}


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> str:
    """An RFC 3339 timestamp relative to T0."""
    moment = T0 + timedelta(days=days, hours=hours, minutes=minutes)
    return format_epoch(int(moment.timestamp()))


def make_event(
    type: str = "order.created",
    buyer: str | None = "b-1",
    when: str | None = None,
    seller: str = "s-1",
    order: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A valid canonical event; every field can be overridden."""
    n = next(_serial)
    event: dict[str, Any] = {
        "event_id": f"ev-{n}",
        "type": type,
        "occurred_at": when or at(),
        "marketplace": "aliexpress",
        "seller_id": seller,
        "order_id": order or f"o-{n}",
    }
    if buyer is not None:
        event["buyer_id"] = buyer
    if type == "order.created":
        event.update(
            amount="25.00",
            currency="USD",
            items=[{"sku": "sku-1", "quantity": 2, "unit_price": "12.50"}],
        )
    if type in ACTOR:
        event["actor"] = ACTOR[type]
    event.update(overrides)
    return validate_event(event)


def order(
    fate: str, buyer: str = "b-1", day: float = 0, seller: str = "s-1", **created: Any
) -> list[dict[str, Any]]:
    """An order.created and its fate a little later: paid, cancelled or closed_unpaid."""
    first = make_event("order.created", buyer, at(day), seller, **created)
    follow = make_event(f"order.{fate}", buyer, at(day, hours=1), seller, first["order_id"])
    return [first, follow]


def contact(**overrides: Any) -> dict[str, Any]:
    """A plausible shipping contact (Madrid); any field can be overridden or set to None."""
    shipping = {
        "name": "Lucía Martín",
        "phone": "+34 612 345 978",
        "email": "lucia.m@example.com",
        "country": "ES",
        "region": "Madrid",
        "city": "Madrid",
        "postal_code": "28013",
        "address1": "Calle de Alcalá 42, 3º B",
    }
    shipping.update(overrides)
    return {k: v for k, v in shipping.items() if v is not None}


def created(
    buyer: str = "b-1",
    when: str | None = None,
    seller: str = "s-1",
    sku: str = "sku-1",
    quantity: int = 1,
    amount: str = "10.00",
    **overrides: Any,
) -> dict[str, Any]:
    """An order.created of one line (``quantity`` units of ``sku``)."""
    return make_event(
        "order.created", buyer, when, seller, amount=amount,
        items=[{"sku": sku, "quantity": quantity, "unit_price": amount}], **overrides,
    )


def follow(etype: str, order: dict[str, Any], when: str, **overrides: Any) -> dict[str, Any]:
    """A follow-up of ``order`` (its buyer, shop and order id) of type ``etype``."""
    return make_event(
        etype, order["buyer_id"], when, order["seller_id"], order["order_id"], **overrides
    )


def paid_order(buyer: str = "b-1", day: float = 0, seller: str = "s-1") -> list[dict[str, Any]]:
    """An order.created and its order.paid ten minutes later."""
    first = created(buyer, at(day), seller)
    return [first, follow("order.paid", first, at(day, minutes=10))]
