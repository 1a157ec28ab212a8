"""Replay: the orders and buyers stages run in-process, over dicts instead of Faust tables."""

from __future__ import annotations

from typing import Any

from streams.core.buyers import BUYER_EVENT_TYPES, step_buyer
from streams.core.orders import step_order
from streams.core.rules import RuleSet


class Replay:
    """The detection pipeline of the stream, in one process, for ``orderguard replay``.

    Feeding the events of a stream in the same arrival order gives the same alerts with
    the same ids as the streaming stages, because both call the same step functions.

    Attributes:
        rules: the configured rules.
        orders: order state by ``order_id`` (the orders stage's table).
        buyers: buyer state by ``buyer_id`` (the buyers stage's table).

    """

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.orders: dict[str, dict[str, Any]] = {}
        self.buyers: dict[str, dict[str, Any]] = {}

    def feed(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Run one validated canonical event through both stages.

        Args:
            event: a canonical event that passed ``schemas.event.validate_event``.

        Returns:
            The alerts it raised, usually none.

        """
        order_id = event.get("order_id")
        if order_id:
            orders = self.orders
            state, forward = step_order(orders.get(order_id), event)
            orders[order_id] = state
            if not forward:
                return []
        else:  # a buyer.message without an order: the orders agent forwards it as it is
            forward = [event]
        buyers = self.buyers
        rules = self.rules
        alerts: list[dict[str, Any]] = []
        for ev in forward:
            if ev["type"] not in BUYER_EVENT_TYPES:
                continue
            buyer = ev["buyer_id"]
            buyer_state, raised = step_buyer(buyers.get(buyer), ev, rules)
            buyers[buyer] = buyer_state
            if raised:
                alerts += raised
        return alerts
