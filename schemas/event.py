"""The canonical event of contracts.md §1: its vocabulary and a fast validator."""

from __future__ import annotations

import re
from datetime import UTC, datetime
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


# what an event may carry; past these, the rules' windows and the store cannot count
# event times from 1970 up to (not into) 2106: the windows keep a time in 32 bits of seconds
# (to 2106-02-07) and would ignore an event outside
FIRST_YEAR, END_YEAR = 1970, 2106
MAX_WHOLE_DIGITS = 14  # the store keeps amounts as DECIMAL(18, 4)
MAX_QUANTITY = 10**9  # units on one order line
_DECIMAL = re.compile(rf"-?\d{{1,{MAX_WHOLE_DIGITS}}}(\.\d+)?", re.ASCII)


def parse_ts(value: Any, field: str = "occurred_at") -> datetime:
    """Parse an RFC 3339 timestamp into an aware UTC datetime.

    Raises:
        InvalidEvent: when the value is not a timestamp with a UTC offset, or is before
            1970 or from 2106 on.

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
        ts = ts.astimezone(UTC)
    except OverflowError:
        ts = datetime.min.replace(tzinfo=UTC)  # out of range below
    if not FIRST_YEAR <= ts.year < END_YEAR:
        raise InvalidEvent(f"{field} is out of range (years {FIRST_YEAR} to {END_YEAR - 1}): "
                           f"{value[:40]!r}")
    return ts


def format_utc(ts: datetime) -> str:
    """An aware datetime as RFC 3339 in UTC with a trailing Z, fractions kept."""
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def format_ts(ts: datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC with a trailing Z (seconds precision)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(value: str) -> int:
    """Seconds since the epoch of an RFC 3339 timestamp (already validated)."""
    return int(datetime.fromisoformat(value).timestamp())


def _check_decimal(value: Any, field: str) -> None:
    if not isinstance(value, str):
        raise InvalidEvent(f"{field} must be a decimal string such as \"129.90\"")
    if _DECIMAL.fullmatch(value):
        return
    if re.fullmatch(r"-?\d+(\.\d+)?", value, re.ASCII):
        raise InvalidEvent(f"{field} is out of range (at most {MAX_WHOLE_DIGITS} digits "
                           f"before the point): {value[:40]!r}")
    raise InvalidEvent(f"{field} is not a plain decimal such as \"129.90\": {value[:40]!r}")


def _check_amount(event: dict[str, Any]) -> None:
    amount = event.get("amount")
    if amount is None:
        if event["type"] == "order.created":
            raise InvalidEvent("missing required field 'amount' (required on order.created)")
    else:
        _check_decimal(amount, "amount")
    code = event.get("currency")
    if code is None or code == "":
        return
    if not (isinstance(code, str) and len(code) == 3 and code.isascii() and code.isalpha()):
        raise InvalidEvent(f"currency must be an ISO 4217 code such as \"USD\", "
                           f"not {str(code)[:20]!r}")
    event["currency"] = code.upper()


def _check_items(items: Any) -> None:
    if not isinstance(items, list):
        raise InvalidEvent("items must be a list")
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidEvent(f"items[{n}] must be an object {{sku, quantity, unit_price}}")
        if not isinstance(item.get("sku"), str):
            raise InvalidEvent(f"items[{n}].sku must be a string")
        quantity = item.get("quantity")
        if type(quantity) is not int or not 0 <= quantity <= MAX_QUANTITY:
            raise InvalidEvent(f"items[{n}].quantity must be a whole number from 0 to "
                               f"{MAX_QUANTITY:,}, not {str(quantity)[:20]!r}")
        if item.get("unit_price") is not None:
            _check_decimal(item["unit_price"], f"items[{n}].unit_price")


_fromiso = datetime.fromisoformat


def validate_event(obj: Any) -> dict[str, Any]:
    """Check that ``obj`` is a canonical event and return it (unknown fields are kept).

    A quick pass accepts the usual well-formed event; anything it is unsure of goes to
    the full checks (:func:`_validate`), which accept and reject exactly as before and name
    the first problem.

    Args:
        obj: a decoded JSON value.

    Returns:
        The same dict, with ``schema_version`` defaulted to 1, a time given at another
        offset rewritten in UTC (``...Z``) and a lower-case currency code upper-cased.

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
    # fromisoformat gives "Z" and "+00:00" the one UTC instance; the full checks take the rest
    if ts.tzinfo is not UTC or not FIRST_YEAR <= ts.year < END_YEAR:
        return _validate(obj)  # no offset, another than UTC's, or out of range
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
    code = get("currency")
    if code is not None and not (type(code) is str and len(code) == 3 and code.isascii()
                                 and code.isalpha() and code.isupper()):
        return _validate(obj)
    if etype == "order.created":
        items = get("items")
        if not buyer or (items is not None and not _plain_items(items)):
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
    return ts.tzinfo is UTC and FIRST_YEAR <= ts.year < END_YEAR


def _plain_decimal(amount: str) -> bool:
    """Whether ``amount`` is ASCII digits with an optional fraction (``"129.90"``)."""
    whole, dot, frac = amount.partition(".")
    return (amount.isascii() and whole.isdigit() and len(whole) <= MAX_WHOLE_DIGITS
            and (not dot or frac.isdigit()))


def _plain_items(items: Any) -> bool:
    """Whether ``items`` is a list of well-formed lines (a quick, sure "yes")."""
    if type(items) is not list:
        return False
    for item in items:
        if type(item) is not dict or type(item.get("sku")) is not str:
            return False
        quantity = item.get("quantity")
        if type(quantity) is not int or not 0 <= quantity <= MAX_QUANTITY:
            return False
        price = item.get("unit_price")
        if price is not None and (type(price) is not str or not _plain_decimal(price)):
            return False
    return True


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
        if obj.get("items") is not None:
            _check_items(obj["items"])
    for field in TIMESTAMP_FIELDS:
        if obj.get(field) is not None:
            ts = parse_ts(obj[field], field)
            if datetime.fromisoformat(obj[field]).utcoffset():
                obj[field] = format_utc(ts)  # canonical: in UTC
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
