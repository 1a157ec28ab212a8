"""AliExpress TMC order-status messages to canonical events (thin: no buyer, no amount)."""

from __future__ import annotations

from typing import Any

from streams.adapters.base import Outcome, Webhook
from streams.adapters.canonical import make_event
from streams.adapters.fields import (
    CHINA_TZ,
    currency,
    opt_decimal,
    opt_ident,
    opt_timestamp,
    req_ident,
    text,
)
from streams.adapters.tmc import Message, read_message

MARKETPLACE = "aliexpress"
Event = dict[str, Any]
PREFIXES = ("aliexpress_order_All", "aliexpress_order_")

# Topic (without prefix) -> canonical type. "All*" topics are the same states for all sellers.
STATES: dict[str, str] = {
    "RiskControl": "order.paid",  # paid, in the 24 h risk review
    "WaitSellerExamineMoney": "order.paid",
    "WaitGroupSuccess": "order.paid",
    "WaitSellerSendGoods": "order.paid",
    "FulfillmentOrderCreated": "order.paid",
    "SellerPartSendGoods": "order.shipped",
    "WaitBuyerAcceptGoods": "order.shipped",
    "InCancel": "order.cancelled",
    "Finish": "order.delivered",
}
# FINISH also ends orders that were never paid or were cancelled: last_status tells.
UNPAID_BEFORE_FINISH = frozenset({"PLACE_ORDER_SUCCESS", "PAYMENT_PROCESSING", "IN_BOOK_SALE"})


def _state(topic: str) -> str | None:
    for prefix in PREFIXES:
        if topic.startswith(prefix):
            return topic[len(prefix) :]
    return None


def _placed(msg: Message, base: dict[str, Any]) -> list[Event]:
    """PlaceOrderSuccess carries no buyer: it becomes order.created only when enriched.

    A relay that looked the order up may add ``buyer_id`` (or ``buyer_login_id``),
    ``amount`` and ``currency`` to the content.
    """
    c = msg.content
    buyer = opt_ident(c, "buyer_id") or opt_ident(c, "buyer_login_id")
    amount = opt_decimal(c, "amount")
    if not buyer or amount is None:
        return []
    return [
        make_event(
            MARKETPLACE,
            "order.created",
            base["order_id"],
            **base,
            buyer_id=f"aliexpress:{buyer}",
            amount=amount,
            currency=currency(c.get("currency")),
        )
    ]


def parse(hook: Webhook) -> Outcome:
    """Map one TMC message posted to ``/webhooks/aliexpress``.

    Raises:
        InvalidEvent: when the envelope or its content is malformed.

    """
    msg = read_message(hook)
    c = msg.content
    state = _state(msg.topic)
    if state != "PlaceOrderSuccess" and state not in STATES:
        return Outcome(events=[], dedupe_keys=msg.dedupe_keys, unknown_topic=msg.topic)
    order_id = req_ident(c, "order_id", "order_id")
    base: dict[str, Any] = {
        "seller_id": msg.seller_or(text(c, "login_id")),
        "occurred_at": opt_timestamp(c, "order_change_time", CHINA_TZ) or msg.time,
        "order_id": order_id,
    }
    if state == "PlaceOrderSuccess":
        events = _placed(msg, base)
        if not events:
            # keep the bytes in the dead-letter topic until an enriched copy arrives
            return Outcome(events=[], dedupe_keys=msg.dedupe_keys, unknown_topic=msg.topic)
        return Outcome(events=events, dedupe_keys=msg.dedupe_keys)
    etype = STATES[state or ""]
    last = text(c, "last_status")
    extra: dict[str, Any] = {"last_status": last}
    if state == "Finish" and last in UNPAID_BEFORE_FINISH:
        etype, extra["actor"], extra["reason"] = "order.closed_unpaid", "platform", last
    elif etype == "order.cancelled" or (state == "Finish" and last == "IN_CANCEL"):
        etype, extra["actor"], extra["reason"] = "order.cancelled", "buyer", "IN_CANCEL"
    event = make_event(MARKETPLACE, etype, order_id, **base, **extra)
    return Outcome(events=[event], dedupe_keys=msg.dedupe_keys)
