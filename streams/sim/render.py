"""Rendering order plans as canonical events, then perturbing their arrival order."""

from __future__ import annotations

import random
from typing import Any

from streams.core.fields import epoch_of, format_epoch
from streams.sim.world import DAY, HOUR, OrderPlan, Seller, money

LATE = 0.03  # share of events delivered 10 minutes to 6 hours late
REDELIVERED = 0.03  # share of events delivered twice (same event_id)
OVERTAKEN = 0.03  # share of orders whose first follow-up arrives before order.created


class Renderer:
    """Turns order plans into canonical events, then into a perturbed arrival order.

    Attributes:
        fake_orders: ids of the orders rendered with a made-up contact.

    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.order_ids: set[str] = set()
        self.fake_orders: set[str] = set()
        self.queue: list[tuple[int, int, dict[str, Any]]] = []  # (arrival, seq, event)

    def _event(self, etype: str, at: int, seller: Seller, order_id: str,
               **fields: Any) -> dict[str, Any]:
        # as the adapters derive ids, from the business event: ``<marketplace>:<type>:<id>``
        # (one event of each type per order here), so ids are as long as real ones
        return {"event_id": f"{seller.marketplace}:{etype}:{order_id}", "type": etype,
                "occurred_at": format_epoch(at), "marketplace": seller.marketplace,
                "seller_id": seller.id, "order_id": order_id, **fields, "schema_version": 1}

    def _order_id(self, market: str) -> str:
        rng = self.rng
        while True:
            if market in ("tmall", "taobao"):
                order_id = str(rng.randrange(10**18, 10**19))  # beyond 2^53
            elif market == "aliexpress":
                order_id = str(rng.randrange(8 * 10**15, 9 * 10**15))
            else:
                order_id = str(rng.randrange(10**6, 10**13))
            if order_id not in self.order_ids:
                self.order_ids.add(order_id)
                return order_id

    def order(self, plan: OrderPlan) -> dict[str, Any]:
        """Render one order's events and queue them with their arrival times; its creation."""
        buyer, seller, at, rng = plan.buyer, plan.seller, plan.at, self.rng
        order_id = self._order_id(seller.marketplace)
        if plan.fake:
            self.fake_orders.add(order_id)
        deadline = at + seller.pay_hours * HOUR
        created = self._event(
            "order.created", at, seller, order_id, buyer_id=buyer.id,
            amount=money(plan.total()), currency=seller.currency,
            items=[{"sku": s, "quantity": q, "unit_price": money(p)} for s, q, p in plan.items],
            shipping=dict(plan.shipping or buyer.shipping), device=dict(buyer.device),
            payment_deadline_at=format_epoch(deadline))
        who = {} if seller.thin else {"buyer_id": buyer.id}
        follow: list[dict[str, Any]] = []
        if plan.fate == "paid":
            paid = at + plan.after
            follow.append(self._event("order.paid", paid, seller, order_id,
                                      payment=dict(buyer.payment), **who))
            shipped = paid + rng.randint(2, 30) * HOUR
            follow.append(self._event("order.shipped", shipped, seller, order_id,
                                      actor="seller", **who))
            follow.append(self._event("order.delivered", shipped + rng.randint(1, 8) * DAY,
                                      seller, order_id, **who))
        elif plan.fate == "cancelled":
            follow.append(self._event("order.cancelled", at + plan.after, seller, order_id,
                                      actor="buyer", reason="no longer needed", **who))
        elif plan.fate == "closed_unpaid":
            if seller.pay_hours > 2:
                follow.append(self._event("payment.reminder_sent", at + HOUR, seller, order_id,
                                          actor="system", channel="system", **who))
            follow.append(self._event("order.closed_unpaid", deadline, seller, order_id,
                                      actor="platform", reason="payment timeout", **who))
        for delay, etype, fields in plan.extra:
            follow.append(self._event(etype, at + delay, seller, order_id, **who, **fields))
        created_arrival = at + rng.randint(0, 3)
        if follow and rng.random() < OVERTAKEN:
            first = min(follow, key=lambda e: e["occurred_at"])
            created_arrival = epoch_of(first["occurred_at"]) + rng.randint(5, 300)
        self._queue(created_arrival, created)
        for event in follow:
            self._queue(epoch_of(event["occurred_at"]) + rng.randint(0, 3), event)
        return created

    def message(self, created: dict[str, Any], text: str, thin: bool,
                after: int = 10 * 60) -> None:
        """Queue a ``buyer.message`` about an order, ``after`` seconds past its creation.

        Its id derives from the order's, and it draws nothing from the random generator,
        so that messages change no other event of the simulation. A thin marketplace's
        message names no buyer (the pipeline resolves it from the order).
        """
        at = epoch_of(created["occurred_at"]) + after
        event_id = f"{created['marketplace']}:buyer.message:{created['order_id']}"
        event = {"event_id": event_id, "type": "buyer.message",
                 "occurred_at": format_epoch(at), "marketplace": created["marketplace"],
                 "seller_id": created["seller_id"], "order_id": created["order_id"],
                 **({} if thin else {"buyer_id": created["buyer_id"]}), "text": text,
                 "actor": "buyer", "schema_version": 1}
        self.queue.append((at, len(self.queue), event))

    def _queue(self, arrival: int, event: dict[str, Any]) -> None:
        rng = self.rng
        if rng.random() < LATE:
            arrival += rng.randint(600, 6 * HOUR)
        self.queue.append((arrival, len(self.queue), event))
        if rng.random() < REDELIVERED:  # same event, same id, a little later
            self.queue.append((arrival + rng.randint(1, 600), len(self.queue), dict(event)))

    def arrivals(self) -> list[dict[str, Any]]:
        """The queued events in arrival order."""
        return [event for _, _, event in sorted(self.queue, key=lambda q: (q[0], q[1]))]
