"""Faust Records for the canonical event and the alert, with an orjson codec.

For Python consumers that want typed values; the pipeline itself moves plain JSON.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import faust
import orjson
from faust.serializers import codecs


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, faust.Record):
        return value.to_representation()
    raise TypeError(f"cannot serialize {type(value).__name__}")


class OrjsonCodec(codecs.Codec):
    """JSON via orjson: bytes out, exact big integers, RFC 3339 datetimes."""

    def _dumps(self, obj: Any) -> bytes:
        return orjson.dumps(obj, default=_default)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


codecs.register("orjson", OrjsonCodec())


class Item(faust.Record, serializer="orjson", include_metadata=False):
    """One order line."""

    sku: str
    quantity: int
    unit_price: str | None = None


class Shipping(faust.Record, serializer="orjson", include_metadata=False):
    """Where the order goes; any field may be empty."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    postal_code: str | None = None
    address1: str | None = None


class Payment(faust.Record, serializer="orjson", include_metadata=False):
    """How the order was paid."""

    method: str | None = None
    account_fingerprint: str | None = None


class Device(faust.Record, serializer="orjson", include_metadata=False):
    """The buyer's device."""

    ip: str | None = None
    fingerprint: str | None = None


class CanonicalEvent(faust.Record, serializer="orjson", include_metadata=False):
    """contracts.md §1."""

    event_id: str
    type: str
    occurred_at: str
    marketplace: str
    seller_id: str
    order_id: str | None = None
    buyer_id: str | None = None
    amount: str | None = None
    currency: str | None = None
    items: list[Item] | None = None
    shipping: Shipping | None = None
    payment: Payment | None = None
    device: Device | None = None
    payment_deadline_at: str | None = None
    actor: str | None = None
    reason: str | None = None
    deadline_at: str | None = None
    outcome: str | None = None
    responsible: str | None = None
    channel: str | None = None
    dispute_id: str | None = None
    chargeback_id: str | None = None
    refund_id: str | None = None
    text: str | None = None
    schema_version: int = 1


class Alert(faust.Record, serializer="orjson", include_metadata=False):
    """contracts.md §2."""

    alert_id: str
    rule_id: str
    rule_version: int
    severity: str
    buyer_ids: list[str]
    seller_id: str | None
    marketplace: str | None
    order_id: str | None
    occurred_at: str
    window_start: str | None
    window_end: str | None
    observed: float | None
    threshold: float | None
    evidence_event_ids: list[str]
    explanation: str
    recommended_actions: list[str]
    deadline_at: str | None
    schema_version: int = 1
