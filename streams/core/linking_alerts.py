"""The ``linked_accounts`` alert: fire-once bookkeeping, the id's subject and the sentence."""

from __future__ import annotations

import hashlib
from typing import Any

from streams.core.alerts import plural, window_alert
from streams.core.fields import DAY
from streams.core.linking_keys import KIND_NOUNS
from streams.core.linking_rules import Levels, LinkingRules
from streams.core.linking_state import CANCELLED, CHARGEBACK, CLOSED_UNPAID, DISPUTED, PAID, State
from streams.core.linking_window import HIGH, RingWindow
from streams.core.playbook import PLAYBOOK, recommend

Alert = dict[str, Any]


def fire_once(state: State, first_day: int, rank: int, accounts: int, horizon: int) -> bool:
    """Record a firing unless an overlapping window fired as high with as many accounts.

    Returns:
        True when the alert should be emitted: no overlapping window fired yet, or the
        severity rose, or more accounts are linked than when it fired.

    """
    fired: list[list[int]] = state.get("f", [])
    kept = []
    for entry in fired:
        if abs(entry[0] - first_day) < horizon:
            if entry[1] >= rank and entry[2] >= accounts:
                return False
            if entry[1] > rank or entry[2] > accounts:
                kept.append(entry)  # still covers what the new firing does not
        else:
            kept.append(entry)
    kept.append([first_day, rank, accounts])
    kept.sort()
    state["f"] = kept
    return True


def ring_alert(
    state: State,
    key: str,
    event: dict[str, Any],
    rules: LinkingRules,
    window: RingWindow,
    rank: int,
    threshold: float,
    listed: list[str],
    accounts: int,
) -> Alert:
    """The ``linked_accounts`` alert for a window that crossed the bar."""
    kind = key.partition(":")[0]
    start = window.first_day * DAY
    end = start + rules.horizon_days * DAY
    ring = set(window.ring)
    evidence = [e[1] for e in state.get("e", ()) if start <= e[0] < end and e[2] in ring]
    actions = _actions(window.counts)
    levels = rules.levels(kind)
    return window_alert(
        rule_id=rules.id,
        rule_version=rules.version,
        subject=f"{key}|{_digest(listed)}",
        severity_rank=rank,
        buyer_ids=listed,
        event=event,
        first_day=window.first_day,
        horizon_days=rules.horizon_days,
        observed=window.bad,
        threshold=threshold,
        evidence_event_ids=evidence,
        explanation=_explain(kind, window, accounts, rules.horizon_days, threshold, levels),
        recommended_actions=actions,
    )


# Only for orders left unpaid or cancelled: a ring that disputes paid orders has none open.
_UNPAID_ONLY = frozenset({"shorten_auto_cancel", "let_platform_auto_close"})


def _actions(counts: tuple[int, ...]) -> list[str]:
    """The playbook's actions for what the ring did.

    Always reporting and warning other sellers: blocking one account does nothing against
    a ring, the platform can act on linked accounts and the other shops will meet them.
    """
    actions = recommend("repeat_nonpayment", HIGH, across_shops=True)
    if not counts[CLOSED_UNPAID] and not counts[CANCELLED]:
        actions = [a for a in actions if a not in _UNPAID_ONLY]
    if counts[DISPUTED] or counts[CHARGEBACK]:
        actions += [a for a in PLAYBOOK["suspicious_paid_order"] if a not in actions]
    return actions


def _digest(buyers: list[str]) -> str:
    """A short stable hash of a sorted account list, for the alert's subject."""
    return hashlib.blake2b("\x1f".join(buyers).encode(), digest_size=8).hexdigest()


def _explain(
    kind: str, window: RingWindow, accounts: int, horizon: int, threshold: float, levels: Levels
) -> str:
    """One sentence: who shares what, what they did together, against which limit."""
    counts = window.counts
    done = []
    if counts[CLOSED_UNPAID]:
        done.append(f"let {plural(counts[CLOSED_UNPAID], 'order')} close unpaid")
    if counts[CANCELLED]:
        noun = "" if done else (" order" if counts[CANCELLED] == 1 else " orders")
        done.append(f"cancelled {counts[CANCELLED]}{noun}")
    if counts[DISPUTED]:
        done.append(f"opened {plural(counts[DISPUTED], 'dispute')}")
    if counts[CHARGEBACK]:
        done.append(f"filed {plural(counts[CHARGEBACK], 'chargeback')}")
    deeds = done[0] if len(done) == 1 else f"{', '.join(done[:-1])} and {done[-1]}"
    paid = f" and paid for {counts[PAID]}" if counts[PAID] else ""
    share = round(100 * window.bad / window.orders)
    return (
        f"{accounts} accounts sharing one {KIND_NOUNS.get(kind, kind)} {deeds} within "
        f"{plural(horizon, 'day')}{paid} ({share}% bad; "
        f"limit {threshold:g} and {round(100 * levels.min_ratio)}%)."
    )
