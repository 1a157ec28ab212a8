"""Stock-locking detectors: ``order_flood`` (orders within minutes) and ``unpaid_stock_held``.

Both ask what the buyer's unpaid orders held *at* the event time of an order's creation
(``streams.core.holdings.holds_at``): an order holds from its creation until it is paid,
cancelled or closed, or its payment deadline passes. That is the moment the seller's stock
was locked, and it does not depend on the order in which the buyer's orders reached the
stage: a payment that arrived early (another partition ran ahead) does not hide an order
that was unpaid then, and a creation that arrives late is evaluated at its own time and at
every later creation it overlaps. Episodes are UTC days; each fires every severity it newly
reaches, once (``streams.core.bursts.fire_levels``), so the same events give the same alert
ids in the stream and in a replay.
"""

from __future__ import annotations

from typing import Any

from streams.core.alerts import Number, make_alert, plural
from streams.core.bursts import HIGH, MEDIUM, fire_levels
from streams.core.fields import DAY, format_day, format_epoch
from streams.core.holdings import (
    SKUS,
    event_id_of,
    hold_end,
    holds_at,
    orders_at,
    value_bound,
    value_of,
)
from streams.core.layout import State
from streams.core.lists import ListBook
from streams.core.playbook import recommend
from streams.core.rules import RuleSet

Alert = dict[str, Any]


def _grade(value: int, medium: int, high: int) -> int:
    return HIGH if value >= high else MEDIUM if value >= medium else 0


def _moments(orders: list[list[Any]], t: int, span: int) -> list[int]:
    """The creation times in ``[t, t + span)``: the new order's and the later ones it joins."""
    return sorted({e[0] for e in orders if t <= e[0] < t + span})


def order_flood(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer places many unpaid orders, or unpaid units of one SKU, within minutes.

    At the creation time ``m`` of an order, the window is the ``horizon_minutes`` up to
    ``m``; it counts the orders created in it and still unpaid at ``m`` (paid, cancelled and
    closed orders lock no stock), and their units per SKU. A new order is such a moment,
    and so is every later creation within the horizon (a late order joins their windows).
    A window fires on the UTC day of its moment, every severity it newly reaches.
    """
    rule = rules.order_flood
    opened: dict[str, list[Any]] | None = state.get("o")
    if not rule.enabled or not opened:
        return []
    if len(opened) < rule.orders_medium:  # fast exit: too few orders and units in all
        units = 0
        for entry in opened.values():
            units += entry[2]
        if units < rule.units_medium:
            return []
    seller = event["seller_id"]
    horizon = rule.horizon_minutes * 60
    orders = orders_at(state, seller)
    key = f"{rule.id}|{seller}"
    buyer = event["buyer_id"]
    alerts = []
    for moment in _moments(orders, t, horizon):
        inside = [e for e in orders if moment - horizon < e[0] and holds_at(e, moment)]
        per_sku: dict[str, int] = {}
        for entry in inside:
            for i in range(SKUS, len(entry) - 1, 2):
                per_sku[entry[i]] = per_sku.get(entry[i], 0) + entry[i + 1]
        units, sku = max((n, s) for s, n in per_sku.items()) if per_sku else (0, "")
        by_orders = _grade(len(inside), rule.orders_medium, rule.orders_high)
        by_units = _grade(units, rule.units_medium, rule.units_high)
        rank = max(by_orders, by_units)
        if not rank:
            continue
        day = moment // DAY
        for level in fire_levels(state, key, day, rank):
            alerts.append(_flood_alert(rule, buyer, seller, event, day, level, moment, inside,
                                       units if by_units > by_orders else -1, sku))
    return alerts


def _flood_alert(
    rule: Any,
    buyer: str,
    seller: str,
    event: dict[str, Any],
    day: int,
    rank: int,
    moment: int,
    inside: list[list[Any]],
    units: int,
    sku: str,
) -> Alert:
    """The ``order_flood`` alert; ``units`` is -1 when the order count explains it."""
    minutes = plural(rule.horizon_minutes, "minute")
    if units < 0:
        observed = len(inside)
        threshold = rule.orders_high if rank == HIGH else rule.orders_medium
        what = f"placed {observed} unpaid orders at shop {seller} within {minutes}"
    else:
        observed = units
        threshold = rule.units_high if rank == HIGH else rule.units_medium
        what = (
            f"ordered {units} units of {sku or 'one item'} at shop {seller} within "
            f"{minutes}, unpaid"
        )
    explanation = (
        f"Buyer {buyer} {what} (limit {threshold}), which can lock up your stock until the "
        f"orders are paid or closed."
    )
    return _stock_alert(rule, event, seller, day, rank, explanation, inside, observed,
                        threshold, min(e[0] for e in inside), moment)


def unpaid_stock_held(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer's unpaid orders at one shop hold too many units or too much value.

    Evaluated at the creation time of the new order and of every later order created while
    it was unpaid (a late order adds to their holdings). Values are compared per shop, in
    the shop's currency. An episode is the UTC day of that creation time; it fires every
    severity it newly reaches.
    """
    rule = rules.unpaid_stock_held
    opened: dict[str, list[Any]] | None = state.get("o")
    if not rule.enabled or not opened:
        return []
    seller = event["seller_id"]
    units = bound = 0
    for entry in opened.values():
        if entry[1] == seller:
            units += entry[2]
            bound += value_bound(entry)
    if units < rule.units_medium and (not rule.value_medium or bound < rule.value_medium * 100):
        return []  # the usual case, decided before parsing any amount
    orders = orders_at(state, seller)
    mine = opened.get(event["order_id"])
    until = (hold_end(mine) or 1 << 62) if mine is not None else t + 1
    key = f"{rule.id}|{seller}"
    alerts = []
    for moment in _moments(orders, t, max(until - t, 1)):
        held = [e for e in orders if holds_at(e, moment)]
        units = sum(e[2] for e in held)
        value = sum(value_of(e) for e in held)
        by_units = _grade(units, rule.units_medium, rule.units_high)
        by_value = _grade(
            value,
            rule.value_medium * 100 if rule.value_medium else 1 << 62,
            rule.value_high * 100 if rule.value_high else 1 << 62,
        )
        rank = max(by_units, by_value)
        if not rank:
            continue
        day = moment // DAY
        for level in fire_levels(state, key, day, rank):
            alerts.append(_held_alert(rule, event, seller, level, held, units, value,
                                      by_units >= by_value, moment, day))
    return alerts


def _held_alert(
    rule: Any,
    event: dict[str, Any],
    seller: str,
    rank: int,
    held: list[list[Any]],
    units: int,
    value: int,
    by_units: bool,
    moment: int,
    day: int,
) -> Alert:
    """The ``unpaid_stock_held`` alert for what ``held`` locked at ``moment``."""
    buyer = event["buyer_id"]
    currency = str(event.get("currency") or "")
    worth = f"{value // 100}.{value % 100:02d}{' ' + currency if currency else ''}"
    observed: Number
    threshold: int
    if by_units:
        observed = float(units)
        threshold = rule.units_high if rank == HIGH else rule.units_medium
        limit = f"{threshold} units"
    else:
        observed = value / 100
        threshold = rule.value_high if rank == HIGH else rule.value_medium
        limit = f"{threshold}{' ' + currency if currency else ''}"
    explanation = (
        f"Buyer {buyer} holds {plural(units, 'unit')} worth {worth} of your stock at shop "
        f"{seller} in {plural(len(held), 'unpaid order')} (limit {limit})."
    )
    return _stock_alert(rule, event, seller, day, rank, explanation, held, observed,
                        threshold, held[0][0], moment)


def _stock_alert(
    rule: Any,
    event: dict[str, Any],
    seller: str,
    day: int,
    rank: int,
    explanation: str,
    orders: list[list[Any]],
    observed: Number,
    threshold: Number,
    start: int,
    moment: int,
) -> Alert:
    """A stock-locking alert about ``orders`` (their ``o`` entries) on the UTC ``day``."""
    buyer = event["buyer_id"]
    return make_alert(
        rule_id=rule.id,
        rule_version=rule.version,
        subject=f"{buyer}|{seller}",
        window=format_day(day),
        severity_rank=rank,
        buyer_ids=[buyer],
        event=event,
        explanation=explanation,
        recommended_actions=recommend("stock_locked", rank),
        evidence_event_ids=[eid for e in orders if (eid := event_id_of(e))],
        observed=observed,
        threshold=threshold,
        window_start=format_epoch(start),
        window_end=format_epoch(moment),
    )
