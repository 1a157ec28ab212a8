"""WooCommerce webhooks (order snapshots, refunds, the unsigned ping) to canonical events."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from streams.adapters.base import DEFAULT_SELLER, Outcome, Webhook
from streams.adapters.canonical import body_key, make_event
from streams.adapters.fields import (
    abs_decimal,
    compact,
    currency,
    email_id,
    host_of,
    ip_address,
    loads,
    obj,
    opt_decimal,
    opt_ident,
    opt_list,
    opt_obj,
    opt_timestamp,
    req_ident,
    text,
)
from streams.errors import InvalidEvent

MARKETPLACE = "woocommerce"
ORDER_TOPICS = frozenset({"order.created", "order.updated"})
REFUND_TOPIC = "refund.created"
_PING = re.compile(rb"webhook_id=\d{1,20}")

Event = dict[str, Any]


def is_ping(body: bytes) -> bool:
    """Whether ``body`` is WooCommerce's unsigned ``webhook_id=<n>`` ping."""
    return _PING.fullmatch(body.strip()) is not None


def _ts(o: dict[str, Any], name: str) -> str | None:
    # *_gmt fields are naive UTC; the plain ones are in the site's unknown zone (read as UTC)
    return opt_timestamp(o, f"{name}_gmt", UTC) or opt_timestamp(o, name, UTC)


def _seller(hook: Webhook, body: dict[str, Any]) -> str:
    links = opt_obj(body, "_links")
    hrefs = [
        text(obj(link, "link"), "href") for rel in ("self", "up") for link in opt_list(links, rel)
    ]
    return host_of(hook.header("X-WC-Webhook-Source")) or next(
        (h for h in map(host_of, hrefs) if h), DEFAULT_SELLER
    )


def shop_order_id(seller: str, number: str) -> str:
    """``<shop host>:<order number>``: WooCommerce numbers restart at 1 on every site.

    Two shops' order 727 are two orders; keyed by the bare number, the pipeline would take
    the second one's creation for a redelivery of the first and resolve one shop's refunds
    to the other shop's buyer.
    """
    return f"{seller}:{number}"


def _buyer(order: dict[str, Any], seller: str) -> str | None:
    customer_id = opt_ident(order, "customer_id")
    if customer_id and customer_id != "0":
        # WordPress user ids restart at 1 on every site: scope them by the shop
        return f"woocommerce:{seller}:{customer_id}"
    return email_id(text(opt_obj(order, "billing"), "email"))


def _items(order: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for raw in opt_list(order, "line_items"):
        line = obj(raw, "line item")
        variation = opt_ident(line, "variation_id")
        product = variation if variation and variation != "0" else opt_ident(line, "product_id")
        product = f"product:{product}" if product else None
        quantity = line.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity < 10**9:
            raise InvalidEvent("line item quantity must be a non-negative integer")
        item = {
            "sku": text(line, "sku") or product or req_ident(line, "id", "line item id"),
            "quantity": quantity,
            "unit_price": opt_decimal(line, "price"),
        }
        items.append(compact(item))
    return items


def _shipping(order: dict[str, Any]) -> dict[str, Any]:
    billing = opt_obj(order, "billing")
    address = opt_obj(order, "shipping") or billing
    names = (text(address, "first_name"), text(address, "last_name"))
    return {
        "name": " ".join(n for n in names if n),
        "phone": text(address, "phone") or text(billing, "phone"),
        "email": text(billing, "email"),
        "country": text(address, "country"),
        "region": text(address, "state"),
        "city": text(address, "city"),
        "postal_code": text(address, "postcode"),
        "address1": text(address, "address_1"),
    }


def order_events(order: dict[str, Any], topic: str, seller: str) -> list[Event]:
    """Map an order snapshot to the events its current status implies.

    The body carries no previous status, so each fact gets a deterministic id and
    repeats across updates collapse: created (order.created topic only, with the buyer's
    checkout note as a ``buyer.message``), paid (``date_paid`` set), cancelled (after
    payment) or closed unpaid (without), failed payment, and one refund.completed per
    listed refund.
    """
    number = req_ident(order, "id", "order id")
    order_id = shop_order_id(seller, number)
    status = text(order, "status")
    modified = _ts(order, "date_modified")
    paid_at = _ts(order, "date_paid")
    code = currency(order.get("currency"))

    def event(etype: str, business_id: str, at: str | None, **extra: Any) -> Event:
        return make_event(
            MARKETPLACE,
            etype,
            f"{seller}:{business_id}",
            seller_id=seller,
            occurred_at=at,
            order_id=order_id,
            buyer_id=_buyer(order, seller),
            source_updated_at=modified,
            **extra,
        )

    events = []
    if topic == "order.created":
        events.append(
            event(
                "order.created",
                number,
                _ts(order, "date_created"),
                amount=opt_decimal(order, "total"),
                currency=code,
                items=_items(order),
                shipping=_shipping(order),
                payment={"method": text(order, "payment_method")},
                device={"ip": ip_address(text(order, "customer_ip_address"))},
            )
        )
        note = text(order, "customer_note")  # the buyer's note at checkout
        if note:
            events.append(event("buyer.message", f"{number}:note", _ts(order, "date_created"),
                                text=note, actor="buyer"))
    if paid_at:
        events.append(
            event(
                "order.paid", number, paid_at, amount=opt_decimal(order, "total"), currency=code
            )
        )
    if status == "cancelled":
        if paid_at:
            events.append(
                event("order.cancelled", number, modified, actor="seller", reason=status)
            )
        else:
            # WooCommerce cancels unpaid orders when the hold-stock time runs out
            events.append(
                event("order.closed_unpaid", number, modified, actor="system", reason=status)
            )
    elif status == "failed":
        events.append(
            event(
                "payment.failed",
                f"{number}:{modified}",
                modified,
                amount=opt_decimal(order, "total"),
                currency=code,
                reason=status,
            )
        )
    for raw in opt_list(order, "refunds"):
        refund = obj(raw, "refund")
        refund_id = req_ident(refund, "id", "refund id")
        total = opt_decimal(refund, "total")
        events.append(
            event(
                "refund.completed",
                refund_id,
                modified,
                refund_id=refund_id,
                amount=abs_decimal(total) if total else None,
                currency=code,
                reason=text(refund, "reason"),
            )
        )
    return events


def refund_events(refund: dict[str, Any], seller: str) -> list[Event]:
    """Map a refund resource (topic ``refund.created``) to refund.completed.

    The order id comes from ``parent_id`` or the ``_links.up`` URL; the resource has no currency.
    """
    refund_id = req_ident(refund, "id", "refund id")
    order_id = opt_ident(refund, "parent_id")
    if order_id in (None, "0"):
        ups = [
            text(obj(u, "link"), "href") or "" for u in opt_list(opt_obj(refund, "_links"), "up")
        ]
        match = next((m for m in (re.search(r"/orders/(\d+)", u) for u in ups) if m), None)
        order_id = match.group(1) if match else None
    if order_id is None:
        raise InvalidEvent("refund names no order (parent_id or _links.up)")
    order_id = shop_order_id(seller, order_id)
    amount = opt_decimal(refund, "amount")
    return [
        make_event(
            MARKETPLACE,
            "refund.completed",
            f"{seller}:{refund_id}",
            seller_id=seller,
            occurred_at=_ts(refund, "date_created"),
            order_id=order_id,
            refund_id=refund_id,
            amount=abs_decimal(amount) if amount else None,
            reason=text(refund, "reason"),
        )
    ]


def parse(hook: Webhook) -> Outcome:
    """Map one WooCommerce delivery (topic from ``hook.topic`` or ``X-WC-Webhook-Topic``).

    Raises:
        InvalidEvent: when the topic is missing or the body is malformed.

    """
    if is_ping(hook.body):
        return Outcome(events=[], dedupe_keys=(body_key(hook, "ping"),), ping=True)
    topic = hook.topic or hook.header("X-WC-Webhook-Topic")
    if topic is None:
        raise InvalidEvent("missing topic: X-WC-Webhook-Topic header or --topic")
    keys = [body_key(hook, topic)]
    if topic not in ORDER_TOPICS and topic != REFUND_TOPIC:
        return Outcome(events=[], dedupe_keys=tuple(keys), unknown_topic=topic)
    body = obj(loads(hook.body), "body")
    seller = _seller(hook, body)
    if topic == REFUND_TOPIC:
        return Outcome(events=refund_events(body, seller), dedupe_keys=tuple(keys))
    order_id = req_ident(body, "id", "order id")
    modified = _ts(body, "date_modified")
    keys.append(f"woocommerce:{seller}:{topic}:{order_id}:{modified}:{text(body, 'status')}")
    return Outcome(events=order_events(body, topic, seller), dedupe_keys=tuple(keys))
