"""Replay: the orders and buyers stages run in-process, over dicts instead of Faust tables."""

from __future__ import annotations

from typing import Any, Protocol

from streams.core.buyers import BUYER_EVENT_TYPES, step_buyer, suppress_group
from streams.core.fields import epoch_of
from streams.core.lists import ListBook
from streams.core.orders import idle, step_order
from streams.core.rules import RuleSet
from streams.core.sweep import Sweeper, forget


class Stage(Protocol):
    """A further in-process stage fed every buyer event, e.g. the identities stage."""

    def feed(
        self, event: dict[str, Any], windows: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Fold one event of a buyer (``buyer_id`` resolved) and return its alerts.

        ``windows`` is the buyer's window state, the event counted (the buyers stage's).
        """
        ...


class Replay:
    """The detection pipeline of the stream, in one process, for ``orderguard replay``.

    Feeding the events of a stream in the same arrival order gives the same alerts with
    the same ids as the streaming stages, because both call the same step functions.

    Attributes:
        rules: the configured rules.
        lists: the allow and deny lists, or ``None``.
        identities: the identities stage (``streams.core.linking.LinkedAccounts``), or
            ``None``; it sees every buyer event after the buyers stage.
        orders: order state by ``order_id`` (the orders stage's table; orders idle for
            ``sweep.KEEP_DAYS`` are forgotten as the stage forgets them, the file being
            one partition). Buyers and identities are not swept: a replay ends.
        buyers: buyer state by ``buyer_id`` (the buyers stage's table).
        suppressed: the alerts an allow entry suppressed, in order (never returned by
            :meth:`feed`), each with its ``suppressed`` field.

    """

    def __init__(
        self, rules: RuleSet, lists: ListBook | None = None, identities: Stage | None = None
    ) -> None:
        self.rules = rules
        self.lists = lists
        self.identities = identities
        self.orders: dict[str, dict[str, Any]] = {}
        self.buyers: dict[str, dict[str, Any]] = {}
        self.suppressed: list[dict[str, Any]] = []
        self._sweeper = Sweeper()  # as the orders stage forgets idle orders (one partition)

    def feed(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Run one validated canonical event through the stages.

        Args:
            event: a canonical event that passed ``schemas.event.validate_event``.

        Returns:
            The alerts it raised, usually none; suppressed ones go to ``suppressed``.

        """
        order_id = event.get("order_id")
        if order_id:
            orders = self.orders
            known = orders.get(order_id)
            state, forward = step_order(known, event)
            if known is None:  # a known state was updated in place: no write needed
                orders[order_id] = state
            before = self._sweeper.due(0, event["occurred_at"])
            if before is not None:
                forget(orders, lambda _, v: idle(v, before))
            if not forward:
                return []
            if len(forward) == 1 and forward[0]["type"] not in BUYER_EVENT_TYPES:
                return []  # shipped, delivered, reminders, ...: nothing the buyers count
        else:  # a buyer.message without an order: the orders agent forwards it as it is
            forward = [event]
        buyers = self.buyers
        lists = self.lists
        identities = self.identities
        alerts: list[dict[str, Any]] = []
        for ev in forward:
            if ev["type"] not in BUYER_EVENT_TYPES:
                continue
            buyer = ev["buyer_id"]
            known = buyers.get(buyer)
            buyer_state, raised = step_buyer(known, ev, self.rules, lists)
            if known is None:
                buyers[buyer] = buyer_state
            if identities is not None:
                linked = identities.feed(ev, buyer_state)
                if linked and lists:
                    t = epoch_of(ev["occurred_at"])
                    for alert in linked:
                        suppress_group(alert, lists, t)
                raised += linked
            if raised:
                if lists:
                    self.suppressed += [a for a in raised if "suppressed" in a]
                    raised = [a for a in raised if "suppressed" not in a]
                alerts += raised
        return alerts

