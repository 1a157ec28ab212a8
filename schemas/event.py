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


_fromiso = datetime.fromisoformat


def validate_event(obj: Any) -> dict[str, Any]:
    """Check that ``obj`` is a canonical event and return it (unknown fields are kept).

    A quick pass accepts the usual well-formed event; anything it is unsure of goes to
    the full checks (:func:`_validate`), which accept and reject exactly as before and name
    the first problem.

    Args:
        obj: a decoded JSON value.

    Returns:
        The same dict, with ``schema_version`` defaulted to 1.

    Raises:
        InvalidEvent: with a one-line reason naming the first problem found.

    """
    if type(obj) is not dict:
        return _validate(obj)
    get = obj.get
    etype = get("type")
    event_id = get("event_id")
    seller = get("seller_id")
    market = get("marketplace")
    order = get("order_id")
    buyer = get("buyer_id")
    occurred = get("occurred_at")
    if not (
        type(etype) is str
        and etype in EVENT_TYPES
        and type(event_id) is str
        and event_id
        and type(seller) is str
        and seller
        and type(market) is str
        and market in MARKETPLACES
        and type(occurred) is str
        and (order is None or type(order) is str)
        and (buyer is None or type(buyer) is str)
        and (order or (buyer and etype == "buyer.message"))
    ):
        return _validate(obj)
    try:
        ts = _fromiso(occurred)
    except ValueError:
        return _validate(obj)
    if ts.tzinfo is None or not 1 < ts.year < 9999:  # 1 and 9999 may overflow in UTC
        return _validate(obj)
    actor = get("actor")
    shipping = get("shipping")
    payment = get("payment")
    device = get("device")
    amount = get("amount")
    if (
        (actor is not None and (type(actor) is not str or actor not in ACTORS))
        or (shipping is not None and type(shipping) is not dict)
        or (payment is not None and type(payment) is not dict)
        or (device is not None and type(device) is not dict)
    ):
        return _validate(obj)
    if amount is None:
        if etype == "order.created":
            return _validate(obj)
    elif type(amount) is not str or not _plain_decimal(amount):
        return _validate(obj)
    if etype == "order.created":
        items = get("items")
        if not buyer or (items is not None and type(items) is not list):
            return _validate(obj)
    dispute = get("dispute_id")
    chargeback = get("chargeback_id")
    refund = get("refund_id")
    if (
        (dispute is not None and type(dispute) is not str)
        or (chargeback is not None and type(chargeback) is not str)
        or (refund is not None and type(refund) is not str)
    ):
        return _validate(obj)
    deadline = get("payment_deadline_at")
    if deadline is not None and not _plain_ts(deadline):
        return _validate(obj)
    deadline = get("deadline_at")
    if deadline is not None and not _plain_ts(deadline):
        return _validate(obj)
    version = obj.setdefault("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        return _validate(obj)
    return obj


def _plain_ts(value: Any) -> bool:
    """Whether ``value`` is a timestamp :func:`parse_ts` takes (a quick, sure "yes")."""
    if type(value) is not str:
        return False
    try:
        ts = _fromiso(value)
    except ValueError:
        return False
    return ts.tzinfo is not None and 1 < ts.year < 9999


def _plain_decimal(amount: str) -> bool:
    """Whether ``amount`` is ASCII digits with an optional fraction (``"129.90"``)."""
    whole, dot, frac = amount.partition(".")
    return amount.isascii() and whole.isdigit() and (not dot or frac.isdigit())


def _validate(obj: Any) -> dict[str, Any]:
    """:func:`validate_event`'s full checks, for anything its quick pass is unsure of."""
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
