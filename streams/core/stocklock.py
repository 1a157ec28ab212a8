"""Stock-locking detectors: ``order_flood`` (orders within minutes) and ``unpaid_stock_held``."""

from __future__ import annotations

from typing import Any

from streams.core.alerts import make_alert, plural
from streams.core.bursts import HIGH, MEDIUM, fire_once
from streams.core.fields import DAY, format_day, format_epoch
from streams.core.holdings import event_id_of, held_at, value_bound, value_of
from streams.core.layout import State
from streams.core.lists import ListBook
from streams.core.playbook import recommend
from streams.core.rules import RuleSet

Alert = dict[str, Any]

# An unpaid-stock episode: holdings whose oldest order starts within this many days of a
# fired one are the same episode (the longest platform payment window is about 3 days).
HOLD_EPISODE_DAYS = 3


def _grade(value: int, medium: int, high: int) -> int:
    return HIGH if value >= high else MEDIUM if value >= medium else 0


def order_flood(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer places many unpaid orders, or unpaid units of one SKU, within minutes.

    Windows slide over the buyer's open unpaid orders at the shop (``streams.core.holdings``):
    the candidates start at such an order no more than the horizon before the new one, so
    they contain it; paid, cancelled and closed orders lock no stock and do not count. The
    worst window wins, the earliest on a tie. It fires once per shop and UTC day of the
    window's start, again only at a higher severity: which orders of a flood arrive first
    decides the exact window that crosses the limit, the day it starts on hardly ever, so
    the stream and a replay that interleave orders differently raise the same alert ids.
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
    mine = [e for e in opened.values() if e[1] == seller and t - horizon < e[0] < t + horizon]
    # (-rank, start, units of the top SKU or -1 when the order count explains it, sku, rows)
    graded: list[tuple[int, int, int, str, list[list[Any]]]] = []
    for start in sorted({e[0] for e in mine if e[0] <= t}):
        inside = [e for e in mine if start <= e[0] < start + horizon]
        per_sku: dict[str, int] = {}
        for entry in inside:
            for i in range(5, len(entry) - 1, 2):
                per_sku[entry[i]] = per_sku.get(entry[i], 0) + entry[i + 1]
        units, sku = max((n, s) for s, n in per_sku.items()) if per_sku else (0, "")
        by_orders = _grade(len(inside), rule.orders_medium, rule.orders_high)
        by_units = _grade(units, rule.units_medium, rule.units_high)
        rank = max(by_orders, by_units)
        if rank:
            inside.sort(key=lambda e: (e[0], event_id_of(e)))
            graded.append((-rank, start, -1 if by_orders >= by_units else units, sku, inside))
    graded.sort(key=lambda g: (g[0], g[1]))
    buyer = event["buyer_id"]
    for neg_rank, start, units, sku, inside in graded:
        rank = -neg_rank
        day = start // DAY
        if not fire_once(state, f"{rule.id}|{seller}", day, rank, 1):
            continue
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
        window_start, window_end = format_epoch(start), format_epoch(start + horizon)
        return [
            make_alert(
                rule_id=rule.id,
                rule_version=rule.version,
                subject=f"{buyer}|{seller}",
                window=format_day(day),
                severity_rank=rank,
                buyer_ids=[buyer],
                event=event,
                explanation=(
                    f"Buyer {buyer} {what} (limit {threshold}), which can lock up your stock "
                    f"until the orders are paid or closed."
                ),
                recommended_actions=recommend("stock_locked", rank),
                evidence_event_ids=[eid for e in inside if (eid := event_id_of(e))],
                observed=observed,
                threshold=threshold,
                window_start=window_start,
                window_end=window_end,
            )
        ]
    return []


def unpaid_stock_held(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer's unpaid orders at one shop hold too many units or too much value.

    Values are compared per shop, in the shop's currency. An episode starts with the oldest
    order held; it fires once, again at a higher severity or once the holding has been
    renewed for longer than ``HOLD_EPISODE_DAYS``.
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
    value = sum(value_of(entry) for entry in opened.values() if entry[1] == seller)
    by_units = _grade(units, rule.units_medium, rule.units_high)
    by_value = _grade(
        value,
        rule.value_medium * 100 if rule.value_medium else 1 << 62,
        rule.value_high * 100 if rule.value_high else 1 << 62,
    )
    rank = max(by_units, by_value)
    if not rank:
        return []
    orders = held_at(state, seller)
    oldest = orders[0][0]
    key = f"{rule.id}|{seller}"
    if not fire_once(state, key, oldest // DAY, rank, HOLD_EPISODE_DAYS):
        return []
    buyer = event["buyer_id"]
    currency = str(event.get("currency") or "")
    worth = f"{value // 100}.{value % 100:02d}{' ' + currency if currency else ''}"
    observed: float
    threshold: int
    if by_units >= by_value:
        observed = float(units)
        threshold = rule.units_high if rank == HIGH else rule.units_medium
        limit = f"{threshold} units"
    else:
        observed = value / 100
        threshold = rule.value_high if rank == HIGH else rule.value_medium
        limit = f"{threshold}{' ' + currency if currency else ''}"
    return [
        make_alert(
            rule_id=rule.id,
            rule_version=rule.version,
            subject=f"{buyer}|{seller}",
            window=format_day(oldest // DAY),
            severity_rank=rank,
            buyer_ids=[buyer],
            event=event,
            explanation=(
                f"Buyer {buyer} holds {plural(units, 'unit')} worth {worth} of your stock at "
                f"shop {seller} in {plural(len(orders), 'unpaid order')} (limit {limit})."
            ),
            recommended_actions=recommend("stock_locked", rank),
            evidence_event_ids=[eid for e in orders if (eid := event_id_of(e))],
            observed=observed,
            threshold=threshold,
            window_start=format_epoch(oldest),
            window_end=event["occurred_at"],
        )
    ]
