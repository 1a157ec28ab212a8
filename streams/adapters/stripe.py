"""Stripe events (disputes, failed payments, refunds, early fraud warnings) to canonical events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from streams.adapters.base import DEFAULT_SELLER, Outcome, Webhook
from streams.adapters.canonical import body_key, make_event
from streams.adapters.disputes import DisputeState, dispute_events
from streams.adapters.fields import (
    currency,
    email_id,
    ip_address,
    loads,
    minor_units,
    obj,
    opt_ident,
    opt_list,
    opt_obj,
    opt_timestamp,
    req_ident,
    text,
)
from streams.errors import InvalidEvent

MARKETPLACE = "stripe"
Event = dict[str, Any]


@dataclass(frozen=True)
class Context:
    """What the Stripe event envelope says around its ``data.object``."""

    seller: str
    event_id: str | None
    created: str | None


def _ref(parent: dict[str, Any], key: str) -> str | None:
    """Read an id that may be expanded into an object (``"ch_1"`` or ``{"id": "ch_1"}``)."""
    value = parent.get(key)
    if isinstance(value, dict):
        return opt_ident(value, "id")
    return opt_ident(parent, key)


def _order_id(o: dict[str, Any]) -> str:
    # payment intent first, then charge: every event about one payment shares it
    order_id = _ref(o, "payment_intent") or _ref(o, "charge")
    if order_id is None and text(o, "object") in ("charge", "payment_intent"):
        order_id = opt_ident(o, "id")
    if order_id is None:
        raise InvalidEvent("Stripe object names no payment_intent or charge")
    return order_id


def _buyer(o: dict[str, Any]) -> str | None:
    customer = _ref(o, "customer")
    if customer:
        return f"stripe:{customer}"
    billing = opt_obj(o, "billing_details")
    return email_id(text(o, "receipt_email") or text(billing, "email"))


def _money(o: dict[str, Any], key: str = "amount") -> tuple[str | None, str | None]:
    code = currency(o.get("currency"))
    if o.get(key) is None:
        return None, code
    return minor_units(o[key], code, key), code


def _card_payment(details: dict[str, Any]) -> dict[str, Any]:
    card = opt_obj(details, "card")
    fingerprint = text(card, "fingerprint")
    return {
        "method": text(details, "type") or text(card, "brand"),
        "account_fingerprint": f"stripe:card:{fingerprint}" if fingerprint else None,
    }


_INQUIRY_OUTCOMES = {"warning_closed": "closed", "won": "won", "lost": "lost"}
_CHARGEBACK_OUTCOMES = {
    "won": "won",
    "lost": "lost",
    "charge_refunded": "refunded",
    "prevented": "prevented",
}


def dispute_changed(d: dict[str, Any], ctx: Context) -> list[Event]:
    """charge.dispute.* -> chargeback.* (or dispute.* for inquiries / warnings) up to the status."""
    status = text(d, "status") or ""
    card = opt_obj(opt_obj(d, "payment_method_details"), "card")
    inquiry = status.startswith("warning_") or text(card, "case_type") == "inquiry"
    created = opt_timestamp(d, "created")
    # later steps happen at the event's time, but never before the dispute itself
    later = max(t for t in (ctx.created, created, "") if t is not None) or None
    details = opt_obj(d, "evidence_details")
    submitted = details.get("submission_count")
    appealed = status == "under_review" or (isinstance(submitted, int) and submitted > 0)
    state = DisputeState(
        marketplace=MARKETPLACE,
        dispute_id=req_ident(d, "id", "dispute id"),
        chargeback=not inquiry,
        opened_at=created,
        deadline_at=opt_timestamp(details, "due_by"),
        appealed_at=later if appealed else None,
        outcome=(_INQUIRY_OUTCOMES if inquiry else _CHARGEBACK_OUTCOMES).get(status),
        resolved_at=later,
    )
    amount, code = _money(d)
    evidence = opt_obj(d, "evidence")
    return dispute_events(
        state,
        seller_id=ctx.seller,
        order_id=_order_id(d),
        amount=amount,
        currency=code,
        reason=text(d, "reason"),
        device={"ip": ip_address(text(evidence, "customer_purchase_ip"))},
    )


def charge_failed(c: dict[str, Any], ctx: Context) -> list[Event]:
    """charge.failed -> payment.failed keyed by the charge id."""
    charge_id = req_ident(c, "id", "charge id")
    amount, code = _money(c)
    outcome = opt_obj(c, "outcome")
    return [
        make_event(
            MARKETPLACE,
            "payment.failed",
            charge_id,
            seller_id=ctx.seller,
            occurred_at=opt_timestamp(c, "created") or ctx.created,
            order_id=_order_id(c),
            buyer_id=_buyer(c),
            amount=amount,
            currency=code,
            reason=text(c, "failure_code") or text(outcome, "reason") or text(c, "failure_message"),
            payment=_card_payment(opt_obj(c, "payment_method_details")),
            risk_level=text(outcome, "risk_level"),
        )
    ]


def payment_intent_failed(pi: dict[str, Any], ctx: Context) -> list[Event]:
    """payment_intent.payment_failed -> payment.failed (charge.failed's id if it names one)."""
    pi_id = req_ident(pi, "id", "payment intent id")
    error = opt_obj(pi, "last_payment_error")
    charge_id = _ref(error, "charge")
    business_id = charge_id or (f"{pi_id}:{ctx.event_id}" if ctx.event_id else pi_id)
    amount, code = _money(pi)
    method = opt_obj(error, "payment_method")
    return [
        make_event(
            MARKETPLACE,
            "payment.failed",
            business_id,
            seller_id=ctx.seller,
            occurred_at=ctx.created or opt_timestamp(pi, "created"),
            order_id=pi_id,
            buyer_id=_buyer(pi),
            amount=amount,
            currency=code,
            reason=text(error, "decline_code") or text(error, "code") or text(error, "type"),
            payment=_card_payment(method) if method else None,
        )
    ]


def _refund_event(
    r: dict[str, Any], ctx: Context, order_id: str, buyer: str | None
) -> Event | None:
    status = text(r, "status")
    if status in ("failed", "canceled"):
        return None
    etype = "refund.requested" if status in ("pending", "requires_action") else "refund.completed"
    refund_id = req_ident(r, "id", "refund id")
    amount, code = _money(r)
    return make_event(
        MARKETPLACE,
        etype,
        refund_id,
        seller_id=ctx.seller,
        occurred_at=opt_timestamp(r, "created") or ctx.created,
        order_id=order_id,
        buyer_id=buyer,
        refund_id=refund_id,
        amount=amount,
        currency=code,
        reason=text(r, "reason"),
    )


def charge_refunded(c: dict[str, Any], ctx: Context) -> list[Event]:
    """charge.refunded -> refund.completed per refund listed on the charge."""
    order_id, buyer = _order_id(c), _buyer(c)
    listed = opt_list(opt_obj(c, "refunds"), "data")
    events = [_refund_event(obj(r, "refund"), ctx, order_id, buyer) for r in listed]
    if listed:
        return [e for e in events if e is not None]
    # newer API versions do not embed refunds: the cumulative amount tells refunds apart
    charge_id = req_ident(c, "id", "charge id")
    amount, code = _money(c, "amount_refunded")
    if amount is None or not Decimal(amount):
        return []
    return [
        make_event(
            MARKETPLACE,
            "refund.completed",
            f"{charge_id}:{amount}",
            seller_id=ctx.seller,
            occurred_at=ctx.created or opt_timestamp(c, "created"),
            order_id=order_id,
            buyer_id=buyer,
            refund_id=charge_id,
            amount=amount,
            currency=code,
        )
    ]


def refund_changed(r: dict[str, Any], ctx: Context) -> list[Event]:
    """refund.created|updated, charge.refund.updated -> refund.requested or refund.completed."""
    event = _refund_event(r, ctx, _order_id(r), _buyer(r))
    return [event] if event else []


def early_fraud_warning(w: dict[str, Any], ctx: Context) -> list[Event]:
    """radar.early_fraud_warning.* -> dispute.opened with ``dispute_kind: early_fraud_warning``.

    An issuer's fraud report usually precedes a chargeback; it is a dispute signal, not
    a payment failure (the payment went through).
    """
    warning_id = req_ident(w, "id", "early fraud warning id")
    actionable = w.get("actionable")
    return [
        make_event(
            MARKETPLACE,
            "dispute.opened",
            warning_id,
            seller_id=ctx.seller,
            occurred_at=opt_timestamp(w, "created") or ctx.created,
            order_id=_order_id(w),
            dispute_id=warning_id,
            dispute_kind="early_fraud_warning",
            reason=text(w, "fraud_type"),
            actionable=actionable if isinstance(actionable, bool) else None,
        )
    ]


TYPES: dict[str, Callable[[dict[str, Any], Context], list[Event]]] = {
    "charge.dispute.created": dispute_changed,
    "charge.dispute.updated": dispute_changed,
    "charge.dispute.closed": dispute_changed,
    "charge.failed": charge_failed,
    "payment_intent.payment_failed": payment_intent_failed,
    "charge.refunded": charge_refunded,
    "refund.created": refund_changed,
    "refund.updated": refund_changed,
    "charge.refund.updated": refund_changed,
    "radar.early_fraud_warning.created": early_fraud_warning,
    "radar.early_fraud_warning.updated": early_fraud_warning,
}


def parse(hook: Webhook) -> Outcome:
    """Map one Stripe event; a bare object (no envelope) needs ``hook.topic``.

    Raises:
        InvalidEvent: when the body is malformed or names no type.

    """
    body = obj(loads(hook.body), "body")
    keys = [body_key(hook, hook.topic)]
    if body.get("object") == "event":
        etype = hook.topic or text(body, "type")
        event_id: str | None = req_ident(body, "id", "Stripe event id")
        keys.append(f"stripe:event:{event_id}")
        data = obj(opt_obj(body, "data").get("object"), "data.object")
        ctx = Context(
            text(body, "account") or DEFAULT_SELLER, event_id, opt_timestamp(body, "created")
        )
    else:
        etype, data = hook.topic, body
        ctx = Context(DEFAULT_SELLER, None, None)
    if etype is None:
        raise InvalidEvent("Stripe body names no event type: send an event or pass --topic")
    if etype not in TYPES:
        return Outcome(events=[], dedupe_keys=tuple(keys), unknown_topic=etype)
    return Outcome(events=TYPES[etype](data, ctx), dedupe_keys=tuple(keys))
