"""The buyer-level burst rules, ``nonpayment_burst`` and ``cancel_churn``, and their triggers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streams.core import windows as win
from streams.core.alerts import plural, window_alert
from streams.core.bursts import HIGH, MEDIUM, Levels, Window, pick, ratio, windows_holding
from streams.core.evidence import evidence
from streams.core.fields import DAY
from streams.core.playbook import recommend
from streams.core.rules import BurstRule, CancelChurn, RuleSet
from streams.core.windows import WIDTH, State

Alert = dict[str, Any]
Detector = Callable[[State, dict[str, Any], int, RuleSet], list[Alert]]
# (rule, buyer, window, where, limit) -> the sentence a seller reads
Explain = Callable[[BurstRule, str, Window, str, str], str]


def _explain_nonpayment(rule: BurstRule, buyer: str, w: Window, where: str, limit: str) -> str:
    return (
        f"Buyer {buyer} let {plural(w.count, 'order')} close unpaid {where} "
        f"within {plural(rule.horizon_days, 'day')} (limit {limit})."
    )


def _explain_churn(rule: BurstRule, buyer: str, w: Window, where: str, limit: str) -> str:
    share = round(100 * rule.min_ratio) if isinstance(rule, CancelChurn) else 0
    return (
        f"Buyer {buyer} cancelled {w.count} of {plural(max(w.base, w.count), 'order')} "
        f"({round(100 * ratio(w))}%) {where} within {plural(rule.horizon_days, 'day')} "
        f"(limit {limit} and {share}%)."
    )


def nonpayment_burst(state: State, event: dict[str, Any], t: int, rules: RuleSet) -> list[Alert]:
    """Alert when a buyer lets too many orders close unpaid within the horizon."""
    rule = rules.nonpayment_burst
    if not rule.enabled:
        return []
    return _burst(state, event, t, rules, rule, win.CLOSED_UNPAID, 0, 0.0, _explain_nonpayment)


def cancel_churn(state: State, event: dict[str, Any], t: int, rules: RuleSet) -> list[Alert]:
    """Alert when a buyer cancels many orders, and most of those placed, within the horizon."""
    rule = rules.cancel_churn
    if not rule.enabled:
        return []
    return _burst(
        state, event, t, rules, rule, win.CANCELLED, win.CREATED, rule.min_ratio, _explain_churn
    )


def _burst(
    state: State,
    event: dict[str, Any],
    t: int,
    rules: RuleSet,
    rule: BurstRule,
    col: int,
    base_col: int,
    min_ratio: float,
    explain: Explain,
) -> list[Alert]:
    """Evaluate a burst rule at the event's shop and, if the buyer uses several, across shops."""
    # Fast exits first: most counted events come nowhere near a threshold (fewer events
    # kept in all than the medium level; the retention is at least the horizon).
    sellers: dict[str, list[int]] = state["s"]
    shop = event["seller_id"]
    scopes: list[tuple[str | None, int, int, int, int]] = []
    here = sum(sellers[shop][col::WIDTH])
    if here >= rule.medium:
        scopes.append((shop, here, rule.medium, rule.high, 0))
    if len(sellers) >= rule.min_shops:
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
    fired: dict[str, list[list[int]]] | None = state.get("f")
    alerts = []
    for seller, total, medium, high, min_shops in scopes:
        scope = "*" if seller is None else seller
        key = f"{rule.id}|{scope}"
        # A known abuser's next event rarely changes anything: skip when a window that
        # every candidate overlaps already fired at the highest severity reachable.
        if fired is not None and _covered(
            fired.get(key), day, horizon, HIGH if total >= high else MEDIUM
        ):
            continue
        first = win.cutoff(state, rules.retention_days)
        candidates = windows_holding(state, col, base_col, seller, day, horizon, first)
        chosen = pick(state, key, candidates, Levels(medium, high, min_shops, min_ratio), horizon)
        if chosen is None:
            continue
        window, rank, threshold = chosen
        noun = " cancels" if base_col else ""
        if seller is None:
            where, limit = f"at {window.shops} shops", f"{threshold:g}{noun} across shops"
        else:
            where, limit = f"at shop {seller}", f"{threshold:g}{noun}"
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
                observed=window.count,
                threshold=threshold,
                evidence_event_ids=evidence(state, col, start, start + horizon * DAY, seller),
                explanation=explain(rule, buyer, window, where, limit),
                recommended_actions=recommend("repeat_nonpayment", rank, seller is None),
            )
        )
    return alerts


def _covered(episodes: list[list[int]] | None, day: int, horizon: int, ceiling: int) -> bool:
    """Whether a fired episode overlaps every window holding ``day`` at ``ceiling`` or above."""
    if episodes:
        for start, rank in episodes:
            if rank >= ceiling and day - horizon < start <= day:
                return True
    return False


# outcome column -> the detectors an event counted there can make fire
TRIGGERS: dict[int, tuple[Detector, ...]] = {
    win.CLOSED_UNPAID: (nonpayment_burst,),
    win.CANCELLED: (cancel_churn,),
}
