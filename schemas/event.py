"""The canonical event of contracts.md §1: its vocabulary and a fast validator."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from streams.errors import InvalidEvent

SCHEMA_VERSION = 1

EVENT_TYPES: frozenset[str] = frozenset(
    {
        "order.created",
        "order.paid",
        "order.cancelled",
        "order.closed_unpaid",
        "order.shipped",
        "order.delivered",
        "payment.reminder_sent",
        "payment.failed",
        "refund.requested",
        "refund.completed",
        "dispute.opened",
        "dispute.cancelled",
        "dispute.resolved",
        "chargeback.notified",
        "chargeback.appealed",
        "chargeback.resolved",
        "buyer.message",
    }
)

MARKETPLACES: frozenset[str] = frozenset(
    {"aliexpress", "tmall", "taobao", "shopify", "woocommerce", "stripe", "generic"}
)
ACTORS: frozenset[str] = frozenset({"buyer", "seller", "system", "platform"})

REQUIRED: tuple[str, ...] = ("event_id", "type", "occurred_at", "marketplace", "seller_id")
TIMESTAMP_FIELDS: tuple[str, ...] = ("occurred_at", "payment_deadline_at", "deadline_at")
AMOUNT_TYPES: frozenset[str] = frozenset(
    {"order.created", "refund.requested", "refund.completed", "chargeback.notified"}
)
STRING_IDS: tuple[str, ...] = (
    "event_id",
    "seller_id",
    "order_id",
    "buyer_id",
    "dispute_id",
    "chargeback_id",
    "refund_id",
)


def parse_ts(value: Any, field: str = "occurred_at") -> datetime:
    """Parse an RFC 3339 timestamp into an aware UTC datetime.

    Raises:
        InvalidEvent: when the value is not a timestamp with a UTC offset.

    """
    if not isinstance(value, str):
        raise InvalidEvent(f"{field} must be an RFC 3339 string")
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(f"{field} is not an RFC 3339 timestamp: {value[:40]!r}") from None
    if ts.tzinfo is None:
        raise InvalidEvent(f"{field} has no UTC offset: {value[:40]!r}")
    try:
        return ts.astimezone(UTC)
    except OverflowError:
        raise InvalidEvent(f"{field} is out of range: {value[:40]!r}") from None


def format_ts(ts: datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC with a trailing Z (seconds precision)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(value: str) -> int:
    """Seconds since the epoch of an RFC 3339 timestamp (already validated)."""
    return int(datetime.fromisoformat(value).timestamp())


def _check_amount(event: dict[str, Any]) -> None:
    amount = event.get("amount")
    if amount is None:
        if event["type"] == "order.created":
            raise InvalidEvent("missing required field 'amount' (required on order.created)")
        return
    if not isinstance(amount, str):
        raise InvalidEvent("amount must be a decimal string such as \"129.90\"")
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise InvalidEvent(f"amount is not a decimal: {amount[:40]!r}") from None
    if not value.is_finite():
        raise InvalidEvent("amount must be finite")


def validate_event(obj: Any) -> dict[str, Any]:
    """Check that ``obj`` is a canonical event and return it (unknown fields are kept).

    Args:
        obj: a decoded JSON value.

    Returns:
        The same dict, with ``schema_version`` defaulted to 1.

    Raises:
        InvalidEvent: with a one-line reason naming the first problem found.

    """
    if not isinstance(obj, dict):
        raise InvalidEvent("an event must be a JSON object")
    for field in REQUIRED:
        if not obj.get(field):
            raise InvalidEvent(f"missing required field {field!r}")
    for field in STRING_IDS:
        value = obj.get(field)
        if value is not None and not isinstance(value, str):
            raise InvalidEvent(f"{field} must be a string (ids can exceed 2^53)")
    etype = obj["type"]
    if not isinstance(etype, str) or etype not in EVENT_TYPES:
        raise InvalidEvent(f"unknown event type {str(etype)[:60]!r}")
    if not isinstance(obj["marketplace"], str) or obj["marketplace"] not in MARKETPLACES:
        raise InvalidEvent(f"unknown marketplace {str(obj['marketplace'])[:40]!r}")
    if etype == "buyer.message":
        if not obj.get("order_id") and not obj.get("buyer_id"):
            raise InvalidEvent("buyer.message needs an order_id or a buyer_id")
    elif not obj.get("order_id"):
        raise InvalidEvent("missing required field 'order_id'")
    if etype == "order.created":
        if not obj.get("buyer_id"):
            raise InvalidEvent("missing required field 'buyer_id' (required on order.created)")
        items = obj.get("items")
        if items is not None and not isinstance(items, list):
            raise InvalidEvent("items must be a list")
    for field in TIMESTAMP_FIELDS:
        if obj.get(field) is not None:
            parse_ts(obj[field], field)
    actor = obj.get("actor")
    if actor is not None and (not isinstance(actor, str) or actor not in ACTORS):
        raise InvalidEvent(f"unknown actor {str(actor)[:20]!r}")
    for field in ("shipping", "payment", "device"):
        value = obj.get(field)
        if value is not None and not isinstance(value, dict):
            raise InvalidEvent(f"{field} must be an object")
    _check_amount(obj)
    version = obj.setdefault("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise InvalidEvent(f"unsupported schema_version {version!r}")
    return obj


def kafka_key(event: dict[str, Any]) -> str:
    """The Kafka key of an event on ``orderguard.events``: order id, else buyer id."""
    return str(event.get("order_id") or event["buyer_id"])
