"""Burst detectors: counts of one outcome over day windows, at one shop and across shops.

``nonpayment_burst`` and ``cancel_churn`` count the daily rows (a week); ``dispute_abuse``
and ``chargeback_abuse`` count months, over the daily and the long-horizon rows together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streams.core import longterm
from streams.core import windows as win
from streams.core.alerts import plural, window_alert
from streams.core.bursts import (
    HIGH,
    MEDIUM,
    Levels,
    Window,
    episode_of,
    fired_at,
    pick,
    ratio,
    windows_holding,
)
from streams.core.evidence import evidence
from streams.core.fields import DAY
from streams.core.lists import ListBook
from streams.core.playbook import recommend
from streams.core.rules import BurstRule, RatioRule, RuleSet
from streams.core.windows import WIDTH, State

Alert = dict[str, Any]
Detector = Callable[[State, dict[str, Any], int, RuleSet, ListBook | None], list[Alert]]
# (rule, buyer, window, where, limit) -> the sentence a seller reads
Explain = Callable[[BurstRule, str, Window, str, str], str]


def _share(rule: BurstRule) -> int:
    return round(100 * rule.min_ratio) if isinstance(rule, RatioRule) else 0


def _explain_nonpayment(rule: BurstRule, buyer: str, w: Window, where: str, limit: str) -> str:
    return (
        f"Buyer {buyer} let {plural(w.count, 'order')} close unpaid {where} "
        f"within {plural(rule.horizon_days, 'day')} (limit {limit})."
    )


def _explain_churn(rule: BurstRule, buyer: str, w: Window, where: str, limit: str) -> str:
    return (
        f"Buyer {buyer} cancelled {w.count} of {plural(max(w.base, w.count), 'order')} "
        f"({round(100 * ratio(w))}%) {where} within {plural(rule.horizon_days, 'day')} "
        f"(limit {limit} and {_share(rule)}%)."
    )


def _explain_disputes(rule: BurstRule, buyer: str, w: Window, where: str, limit: str) -> str:
    return (
        f"Buyer {buyer} opened {plural(w.count, 'dispute')} on "
        f"{plural(max(w.base, w.count), 'paid order')} ({round(100 * ratio(w))}%) {where} "
        f"within {plural(rule.horizon_days, 'day')}, cancelled disputes included "
        f"(limit {limit} and {_share(rule)}%)."
    )


def _explain_chargebacks(rule: BurstRule, buyer: str, w: Window, where: str, limit: str) -> str:
    return (
        f"Buyer {buyer} charged back {w.count} of {plural(max(w.base, w.count), 'paid order')} "
        f"({round(100 * ratio(w))}%) {where} within {plural(rule.horizon_days, 'day')} "
        f"(limit {limit} and {_share(rule)}%)."
    )


def nonpayment_burst(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer lets too many orders close unpaid within the horizon."""
    rule = rules.nonpayment_burst
    if not rule.enabled:
        return []
    return _burst(state, event, t, rules, rule, win.CLOSED_UNPAID, 0, _explain_nonpayment,
                  "repeat_nonpayment", "")


def cancel_churn(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer cancels many orders, and most of those placed, within the horizon."""
    rule = rules.cancel_churn
    if not rule.enabled:
        return []
    return _burst(state, event, t, rules, rule, win.CANCELLED, win.CREATED, _explain_churn,
                  "repeat_nonpayment", "cancels")


def dispute_abuse(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer opens many disputes, a large share of paid orders, over months."""
    rule = rules.dispute_abuse
    if not rule.enabled:
        return []
    return _burst(state, event, t, rules, rule, win.DISPUTED, win.PAID, _explain_disputes,
                  "dispute_abuse", "disputes")


def chargeback_abuse(
    state: State, event: dict[str, Any], t: int, rules: RuleSet, lists: ListBook | None = None
) -> list[Alert]:
    """Alert when a buyer charges back many payments, a large share of them, over months."""
    rule = rules.chargeback_abuse
    if not rule.enabled:
        return []
    return _burst(state, event, t, rules, rule, win.CHARGEBACK, win.PAID, _explain_chargebacks,
                  "chargeback_abuse", "chargebacks")


def _burst(
    state: State,
    event: dict[str, Any],
    t: int,
    rules: RuleSet,
    rule: BurstRule,
    col: int,
    base_col: int,
    explain: Explain,
    signal: str,
    noun: str,
) -> list[Alert]:
    """Evaluate a burst rule at the event's shop and, if the buyer uses several, across shops."""
    # Fast exits first: most counted events come nowhere near a threshold (fewer events
    # kept in all than the medium level; the retention is at least the horizon).
    sellers: dict[str, list[int]] = state["s"]
    shop = event["seller_id"]
    long = rule.long
    scopes: list[tuple[str | None, int, int, int, int]] = []
    here = longterm.total(state, col, shop) if long else sum(sellers[shop][col::WIDTH])
    if here >= rule.medium:
        scopes.append((shop, here, rule.medium, rule.high, 0))
    if long or len(sellers) >= rule.min_shops:
        if long:
            everywhere = longterm.total(state, col, None)
        else:
            everywhere = 0
            for rows in sellers.values():
                everywhere += sum(rows[col::WIDTH])
        if everywhere >= rule.shops_medium:
            scopes.append((None, everywhere, rule.shops_medium, rule.shops_high, rule.min_shops))
    if not scopes:
        return []
    buyer = event["buyer_id"]
    day = t // DAY
    horizon = rule.horizon_days
    part = "g" if long else "f"
    fired: dict[str, list[list[int]]] | None = state.get(part)
    min_ratio = rule.min_ratio if isinstance(rule, RatioRule) else 0.0
    alerts = []
    for seller, total, medium, high, min_shops in scopes:
        scope = "*" if seller is None else seller
        key = f"{rule.id}|{scope}"
        # A known abuser's next event rarely changes anything: skip when every episode a
        # window holding this day can start in already fired at the highest reachable level.
        if fired is not None and _covered(
            state, key, part, day, horizon, HIGH if total >= high else MEDIUM
        ):
            continue
        if long:
            first = win.cutoff(state, rules.long_days or rules.retention_days)
            candidates = longterm.windows(state, col, seller, day, horizon, first)
        else:
            first = win.cutoff(state, rules.retention_days)
            candidates = windows_holding(state, col, base_col, seller, day, horizon, first)
        levels = Levels(medium, high, min_shops, min_ratio)
        for window, rank, threshold, episode in pick(state, key, candidates, levels, horizon,
                                                     part):
            limit = f"{threshold:g}{' ' + noun if noun else ''}"
            if seller is None:
                where, limit = f"at {window.shops} shops", f"{limit} across shops"
            else:
                where = f"at shop {seller}"
            start = window.first_day * DAY
            alerts.append(
                window_alert(
                    rule_id=rule.id,
                    rule_version=rule.version,
                    subject=f"{buyer}|{scope}",
                    severity_rank=rank,
                    buyer_ids=[buyer],
                    event=event,
                    first_day=window.first_day,
                    horizon_days=horizon,
                    episode=episode,
                    observed=window.count,
                    threshold=threshold,
                    evidence_event_ids=evidence(state, col, start, start + horizon * DAY,
                                                seller),
                    explanation=explain(rule, buyer, window, where, limit),
                    recommended_actions=recommend(signal, rank, seller is None),
                )
            )
    return alerts


def _covered(state: State, key: str, part: str, day: int, horizon: int, ceiling: int) -> bool:
    """Whether both episodes a window holding ``day`` can start in fired at ``ceiling``."""
    return all(
        fired_at(state, key, episode, part) >= ceiling
        for episode in {episode_of(day - horizon + 1, horizon), episode_of(day, horizon)}
    )
