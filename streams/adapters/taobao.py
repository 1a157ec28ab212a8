"""Taobao / Tmall TMC trade and refund messages to canonical events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streams.adapters.base import Outcome, Webhook
from streams.adapters.canonical import make_event
from streams.adapters.fields import CHINA_TZ, opt_decimal, opt_timestamp, req_ident, text
from streams.adapters.tmc import Message, read_message
from streams.errors import InvalidEvent

CURRENCY = "CNY"
MARKETPLACES = frozenset({"taobao", "tmall"})
Event = dict[str, Any]

# Trade status -> (type, actor). TRADE_CLOSED_BY_TAOBAO: closed before payment (by the
# buyer, the seller or the timeout); TRADE_CLOSED: closed after payment by a full refund.
STATUS_EVENTS: dict[str, tuple[str, str | None]] = {
    "WAIT_SELLER_SEND_GOODS": ("order.paid", None),
    "SELLER_CONSIGNED_PART": ("order.shipped", None),
    "WAIT_BUYER_CONFIRM_GOODS": ("order.shipped", None),
    "TRADE_BUYER_SIGNED": ("order.delivered", None),
    "TRADE_FINISHED": ("order.delivered", None),
    "TRADE_CLOSED_BY_TAOBAO": ("order.closed_unpaid", "platform"),
    "TRADE_CLOSED": ("order.cancelled", "platform"),
}


def _buyer(c: dict[str, Any]) -> str | None:
    # buyer_open_uid is the stable per-app id; nicks are masked on newer APIs (may collide)
    open_uid = text(c, "buyer_open_uid")
    if open_uid:
        return f"taobao:{open_uid}"
    nick = text(c, "buyer_nick")
    return f"taobao:nick:{nick}" if nick else None


class _Trade:
    """Builds events for one message about one trade (``tid``)."""

    def __init__(self, msg: Message, marketplace: str) -> None:
        c = msg.content
        self.msg, self.c, self.marketplace = msg, c, marketplace
        self.tid = req_ident(c, "tid", "tid")
        self.seller = msg.seller_or(text(c, "seller_nick"))

    def event(self, etype: str, business_id: str, at: str | None = None, **extra: Any) -> Event:
        return make_event(
            self.marketplace,
            etype,
            business_id,
            seller_id=self.seller,
            occurred_at=at or self.msg.time,
            order_id=self.tid,
            buyer_id=_buyer(self.c),
            **extra,
        )

    def trade(self, etype: str, **extra: Any) -> Event:
        return self.event(etype, self.tid, **extra)

    def by_status(self, default: tuple[str, str | None] | None = None) -> list[Event]:
        status = text(self.c, "status")
        etype, actor = STATUS_EVENTS.get(status or "", default or ("", None))
        if not etype:
            return []
        amount = opt_decimal(self.c, "payment") if etype == "order.paid" else None
        return [
            self.trade(
                etype,
                actor=actor,
                reason=status if actor else None,
                **_money(amount),
            )
        ]

    def refund(self, etype: str, **extra: Any) -> Event:
        refund_id = req_ident(self.c, "refund_id", "refund_id")
        modified = opt_timestamp(self.c, "modified", CHINA_TZ)
        key = "dispute_id" if etype.startswith("dispute.") else "refund_id"
        return self.event(
            etype,
            refund_id,
            modified,
            **_money(opt_decimal(self.c, "refund_fee")),
            source_updated_at=modified,
            reason=text(self.c, "bill_type"),
            refund_phase=text(self.c, "refund_phase"),
            **{key: refund_id},
            **extra,
        )


def _money(amount: str | None) -> dict[str, str | None]:
    """An amount in yuan with its currency; no currency without an amount."""
    return {"amount": amount, "currency": CURRENCY if amount else None}


def _trade_create(t: _Trade) -> list[Event]:
    return [t.trade("order.created", **_money(opt_decimal(t.c, "payment")))]


def _buyer_pay(t: _Trade) -> list[Event]:
    return [t.trade("order.paid", **_money(opt_decimal(t.c, "payment")))]


def _trade_close(t: _Trade) -> list[Event]:
    # without a status a close cannot be told apart: record a platform cancel
    return t.by_status(default=("order.cancelled", "platform"))


TOPICS: dict[str, Callable[[_Trade], list[Event]]] = {
    "taobao_trade_TradeCreate": _trade_create,
    "taobao_trade_TradeBuyerPay": _buyer_pay,
    "taobao_trade_TradeClose": _trade_close,
    "taobao_trade_TradeChanged": lambda t: t.by_status(),
    "taobao_trade_TradeSellerShip": lambda t: [t.trade("order.shipped")],
    "taobao_trade_TradeSuccess": lambda t: [t.trade("order.delivered")],
    "taobao_refund_RefundCreated": lambda t: [t.refund("refund.requested", actor="buyer")],
    "taobao_refund_RefundSuccess": lambda t: [t.refund("refund.completed")],
    "taobao_refund_TaobaoInterApplied": lambda t: [t.refund("dispute.opened", actor="buyer")],
    "taobao_refund_TaobaoIntervened": lambda t: [t.refund("dispute.opened")],
}


def parse(hook: Webhook) -> Outcome:
    """Map one TMC message posted to ``/webhooks/taobao``.

    Raises:
        InvalidEvent: when the envelope or its content is malformed.

    """
    msg = read_message(hook)
    marketplace = msg.marketplace or "taobao"
    if marketplace not in MARKETPLACES:
        raise InvalidEvent("marketplace must be taobao or tmall")
    handler = TOPICS.get(msg.topic)
    if handler is None:
        return Outcome(events=[], dedupe_keys=msg.dedupe_keys, unknown_topic=msg.topic)
    return Outcome(events=handler(_Trade(msg, marketplace)), dedupe_keys=msg.dedupe_keys)
