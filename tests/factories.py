"""Factories for tests: canonical events with sensible defaults, overridable per test."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
_seq = itertools.count(1)


def ts(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_event(
    type: str = "order.created",  # noqa: A002 - the contract's field name
    *,
    buyer: str | None = "b1",
    order: str | None = None,
    at: datetime = T0,
    seller: str = "s1",
    marketplace: str = "generic",
    event_id: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A valid canonical event; ``order.created`` gets an amount and one item."""
    n = next(_seq)
    event: dict[str, Any] = {
        "event_id": event_id or f"ev-{n}",
        "type": type,
        "occurred_at": ts(at),
        "marketplace": marketplace,
        "seller_id": seller,
        "order_id": order or f"o-{n}",
    }
    if buyer is not None:
        event["buyer_id"] = buyer
    if type == "order.created":
        event.update(amount="129.90", currency="USD",
                     items=[{"sku": "sku-1", "quantity": 1, "unit_price": "129.90"}])
    if type in ("order.cancelled", "order.closed_unpaid"):
        event["actor"] = "buyer" if type == "order.cancelled" else "platform"
    event.update(overrides)
    return event


def unpaid_order(buyer: str, at: datetime, prefix: str, n: int, **kw: Any) -> list[dict[str, Any]]:
    """An order that the platform closes unpaid a day later; the close carries no buyer."""
    order = f"{prefix}-o{n}"
    return [
        make_event("order.created", buyer=buyer, order=order, at=at,
                   event_id=f"{prefix}-{n}-c", **kw),
        make_event("order.closed_unpaid", buyer=None, order=order, at=at + timedelta(days=1),
                   event_id=f"{prefix}-{n}-x", **kw),
    ]
