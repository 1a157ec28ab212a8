"""Shopify webhooks (orders, refunds, Shopify Payments disputes) to canonical events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streams.adapters.base import DEFAULT_SELLER, Outcome, Webhook
from streams.adapters.canonical import body_key, make_event, sum_decimals
from streams.adapters.disputes import DisputeState, dispute_events
from streams.adapters.fields import (
    compact,
    currency,
    digest,
    email_id,
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
from streams.core.linking_normalize import normalize_phone
from streams.errors import InvalidEvent

MARKETPLACE = "shopify"
UNPAID = frozenset({"pending", "expired", "voided"})
"""financial_status values meaning the buyer never paid."""

Event = dict[str, Any]


def _buyer(order: dict[str, Any]) -> str | None:
    """The customer id; else the email; else the phone; else the order's own guest id.

    A guest checkout by phone (SMS) or an order with no contact at all (a point-of-sale
    sale) is still an order: refused, Shopify would retry it for hours and then may drop
    the subscription. A guest per order counts no history, but its address, phone and
    device still link it to other accounts.
    """
    customer = opt_obj(order, "customer")
    customer_id = opt_ident(customer, "id")
    if customer_id:
        return f"shopify:{customer_id}"
    email = email_id(text(order, "email") or text(order, "contact_email")
                     or text(customer, "email"))
    if email:
        return email
    shipping = _shipping(order)
    phone = normalize_phone(shipping["phone"], shipping["country"])
    if phone:
        return f"phone:{phone}"
    order_id = opt_ident(order, "id")
    return f"shopify:guest:{order_id}" if order_id else None


def _quantity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**9:
        raise InvalidEvent("line item quantity must be a non-negative integer")
    return value


def _items(order: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for raw in opt_list(order, "line_items"):
        line = obj(raw, "line item")
        variant = opt_ident(line, "variant_id") or opt_ident(line, "product_id")
        item = {
            "sku": text(line, "sku")
            or (f"variant:{variant}" if variant else req_ident(line, "id", "line item id")),
            "quantity": _quantity(line.get("quantity", 1)),
            "unit_price": opt_decimal(line, "price"),
        }
        items.append(compact(item))
    return items


def _shipping(order: dict[str, Any]) -> dict[str, Any]:
    address = opt_obj(order, "shipping_address") or opt_obj(order, "billing_address")
    customer = opt_obj(order, "customer")
    name = text(address, "name") or " ".join(
        part for part in (text(address, "first_name"), text(address, "last_name")) if part
    )
    return {
        "name": name,
        "phone": text(address, "phone") or text(order, "phone") or text(customer, "phone"),
        "email": text(order, "email") or text(order, "contact_email"),
        "country": text(address, "country_code") or text(address, "country"),
        "region": text(address, "province_code") or text(address, "province"),
        "city": text(address, "city"),
        "postal_code": text(address, "zip"),
        "address1": text(address, "address1"),
    }


def _payment(order: dict[str, Any]) -> dict[str, Any]:
    gateways = [g for g in opt_list(order, "payment_gateway_names") if isinstance(g, str) and g]
    details = opt_obj(order, "payment_details")
    bin_ = text(details, "credit_card_bin")
    number = text(details, "credit_card_number") or ""
    last4 = "".join(c for c in number if c.isdigit())[-4:]
    # bin + last4 identifies a card well enough to link accounts; last4 alone would not.
    fingerprint = f"shopify:card:{digest(bin_, last4)}" if bin_ and len(last4) == 4 else None
    return {
        "method": gateways[0] if gateways else text(order, "gateway"),
        "account_fingerprint": fingerprint,
    }


def _device(order: dict[str, Any]) -> dict[str, Any]:
    client = opt_obj(order, "client_details")
    return {
        "ip": ip_address(text(order, "browser_ip") or text(client, "browser_ip")),
        "fingerprint": text(client, "session_hash"),
    }


def _payment_deadline(order: dict[str, Any]) -> str | None:
    terms = opt_obj(order, "payment_terms")
    for schedule in opt_list(terms, "payment_schedules"):
        due = opt_timestamp(obj(schedule, "payment schedule"), "due_at")
        if due:
            return due
    return None


def _order_event(
    order: dict[str, Any], seller: str, etype: str, at: str | None, **extra: Any
) -> Event:
    order_id = req_ident(order, "id", "order id")
    return make_event(
        MARKETPLACE,
        etype,
        order_id,
        seller_id=seller,
        occurred_at=at,
        order_id=order_id,
        buyer_id=_buyer(order),
        source_updated_at=opt_timestamp(order, "updated_at"),
        **extra,
    )


def order_created(order: dict[str, Any], seller: str, hook: Webhook) -> list[Event]:
    """orders/create -> order.created with items, shipping, payment and device.

    The buyer's note at checkout (``note``), if any, also becomes a ``buyer.message``.
    """
    created_at = opt_timestamp(order, "created_at")
    events = [
        _order_event(
            order,
            seller,
            "order.created",
            created_at,
            amount=opt_decimal(order, "total_price"),
            currency=currency(order.get("currency")),
            items=_items(order),
            shipping=_shipping(order),
            payment=_payment(order),
            device=_device(order),
            payment_deadline_at=_payment_deadline(order),
        )
    ]
    note = text(order, "note")
    if note:
        events.append(
            _order_event(order, seller, "buyer.message", created_at, text=note, actor="buyer")
        )
    return events


def order_paid(order: dict[str, Any], seller: str, hook: Webhook) -> list[Event]:
    """orders/paid -> order.paid (at updated_at: the payload is the order as it became paid)."""
    at = opt_timestamp(order, "updated_at") or opt_timestamp(order, "processed_at")
    return [
        _order_event(
            order,
            seller,
            "order.paid",
            at,
            amount=opt_decimal(order, "total_price"),
            currency=currency(order.get("currency")),
            payment=_payment(order),
        )
    ]


def _cancel(order: dict[str, Any], seller: str) -> Event:
    at = opt_timestamp(order, "cancelled_at")
    if at is None:
        raise InvalidEvent("cancelled order without cancelled_at")
    reason = text(order, "cancel_reason")
    unpaid = text(order, "financial_status") in UNPAID
    if reason == "customer":
        etype, actor = "order.cancelled", "buyer"
    elif reason == "declined":
        # the payment was declined: payment never came, the platform closed the order
        etype, actor = "order.closed_unpaid", "platform"
    elif unpaid and reason not in ("fraud", "inventory"):
        etype, actor = "order.closed_unpaid", "seller"
    else:
        etype, actor = "order.cancelled", "seller"
    return _order_event(order, seller, etype, at, actor=actor, reason=reason)


def order_cancelled(order: dict[str, Any], seller: str, hook: Webhook) -> list[Event]:
    """orders/cancelled -> order.cancelled or order.closed_unpaid by cancel_reason."""
    return [_cancel(order, seller)]


def order_updated(order: dict[str, Any], seller: str, hook: Webhook) -> list[Event]:
    """orders/updated -> a cancel (same ids as orders/cancelled) or a close without payment."""
    if order.get("cancelled_at"):
        return [_cancel(order, seller)]
    closed_at = opt_timestamp(order, "closed_at")
    if closed_at and text(order, "financial_status") in UNPAID:
        return [
            _order_event(
                order, seller, "order.closed_unpaid", closed_at, actor="seller", reason="closed"
            )
        ]
    return []


def refund_created(refund: dict[str, Any], seller: str, hook: Webhook) -> list[Event]:
    """refunds/create -> refund.completed with the sum of its successful refund transactions."""
    amounts, currencies = [], []
    for raw in opt_list(refund, "transactions"):
        tx = obj(raw, "transaction")
        if text(tx, "kind") == "refund" and text(tx, "status") in ("success", None):
            amount = opt_decimal(tx, "amount")
            if amount is not None:
                amounts.append(amount)
                currencies.append(currency(tx.get("currency")))
    if not amounts:
        return []  # restock-only refund: no money moved
    refund_id = req_ident(refund, "id", "refund id")
    return [
        make_event(
            MARKETPLACE,
            "refund.completed",
            refund_id,
            seller_id=seller,
            occurred_at=opt_timestamp(refund, "processed_at")
            or opt_timestamp(refund, "created_at"),
            order_id=req_ident(refund, "order_id", "refund order_id"),
            refund_id=refund_id,
            amount=sum_decimals(amounts),
            currency=currencies[0],
            reason=text(refund, "note"),
        )
    ]


def _triggered_at(hook: Webhook) -> str | None:
    # only a fallback time for disputes, so a malformed header is ignored, not fatal
    try:
        return opt_timestamp({"at": hook.header("X-Shopify-Triggered-At")}, "at")
    except InvalidEvent:
        return None


_RESOLVED_OUTCOMES = {
    "won": "won",
    "lost": "lost",
    "accepted": "accepted",
    "charge_refunded": "refunded",
}


def dispute_changed(dispute: dict[str, Any], seller: str, hook: Webhook) -> list[Event]:
    """disputes/create|update -> chargeback.* (or dispute.* for inquiries) up to the status."""
    order_id = opt_ident(dispute, "order_id")
    if order_id is None:
        raise InvalidEvent("dispute without order_id")
    status = text(dispute, "status") or ""
    chargeback = text(dispute, "type") != "inquiry"
    initiated = opt_timestamp(dispute, "initiated_at")
    sent = opt_timestamp(dispute, "evidence_sent_on")
    triggered = _triggered_at(hook)
    appealed = status == "under_review" or sent is not None
    state = DisputeState(
        marketplace=MARKETPLACE,
        dispute_id=req_ident(dispute, "id", "dispute id"),
        chargeback=chargeback,
        opened_at=initiated,
        deadline_at=opt_timestamp(dispute, "evidence_due_by"),
        appealed_at=(sent or triggered or initiated) if appealed else None,
        outcome=_RESOLVED_OUTCOMES.get(status),
        resolved_at=opt_timestamp(dispute, "finalized_on") or triggered or sent or initiated,
    )
    return dispute_events(
        state,
        seller_id=seller,
        order_id=order_id,
        amount=opt_decimal(dispute, "amount"),
        currency=currency(dispute.get("currency")),
        reason=text(dispute, "reason"),
    )


Handler = Callable[[dict[str, Any], str, Webhook], list[Event]]

TOPICS: dict[str, tuple[str, Handler]] = {
    "orders/create": ("order", order_created),
    "orders/paid": ("order", order_paid),
    "orders/cancelled": ("order", order_cancelled),
    "orders/updated": ("order", order_updated),
    "refunds/create": ("refund", refund_created),
    "disputes/create": ("dispute", dispute_changed),
    "disputes/update": ("dispute", dispute_changed),
}


def parse(hook: Webhook) -> Outcome:
    """Map one Shopify delivery (topic from ``hook.topic`` or ``X-Shopify-Topic``).

    Raises:
        InvalidEvent: when the topic is missing or the body is malformed.

    """
    topic = hook.topic or hook.header("X-Shopify-Topic")
    if topic is None:
        raise InvalidEvent("missing topic: X-Shopify-Topic header or --topic")
    keys = [body_key(hook, topic)]
    if webhook_id := hook.header("X-Shopify-Webhook-Id"):
        keys.append(f"shopify:webhook:{webhook_id}")
    if event_id := hook.header("X-Shopify-Event-Id"):
        # one Shopify event triggers several topics with the same id: scope it by topic
        keys.append(f"shopify:event:{topic}:{event_id}")
    if topic not in TOPICS:
        return Outcome(events=[], dedupe_keys=tuple(keys), unknown_topic=topic)
    resource, handler = TOPICS[topic]
    body = obj(loads(hook.body), "body")
    # REST responses wrap the resource ({"order": {...}}); webhook bodies do not.
    if set(body) == {resource}:
        body = obj(body[resource], resource)
    seller = hook.header("X-Shopify-Shop-Domain") or DEFAULT_SELLER
    return Outcome(events=handler(body, seller, hook), dedupe_keys=tuple(keys))
