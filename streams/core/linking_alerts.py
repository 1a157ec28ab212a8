"""The ``linked_accounts`` alert: fire-once bookkeeping, the id's subject and the sentence."""

from __future__ import annotations

from typing import Any

from streams.core.alerts import Number, plural, window_alert
from streams.core.bursts import raise_level
from streams.core.eventids import unpack
from streams.core.fields import DAY
from streams.core.linking_keys import KIND_NOUNS
from streams.core.linking_rules import Levels, LinkingRules
from streams.core.linking_state import CANCELLED, CHARGEBACK, CLOSED_UNPAID, DISPUTED, PAID, State
from streams.core.linking_window import HIGH, RingWindow
from streams.core.playbook import PLAYBOOK, recommend

Alert = dict[str, Any]


def fire_levels(state: State, episode: int, account: str, rank: int) -> list[int]:
    """Record that ``account`` is in a ring of ``episode`` at ``rank``; the levels to fire.

    An episode is the calendar block of ``horizon_days`` days a ring's window starts in
    (``streams.core.bursts.episode_of``). Each account of the ring fires every level it
    newly reaches in the episode, once (``"f"`` keeps ``[episode, rank, account]``), so
    which window crossed first and which account joined first do not change the ids: an
    account that joins later gets its own alert, listing the whole ring.
    """
    fired: list[list[Any]] | None = state.get("f")
    if fired is None:
        fired = state["f"] = []
    return raise_level(fired, [episode, account], rank)


def ring_alert(
    state: State,
    key: str,
    event: dict[str, Any],
    rules: LinkingRules,
    window: RingWindow,
    rank: int,
    threshold: Number,
    listed: list[str],
    accounts: int,
    episode: int,
    account: str,
) -> Alert:
    """The ``linked_accounts`` alert about ``account``, one of ``listed``, listed first."""
    kind = key.partition(":")[0]
    start = window.first_day * DAY
    end = start + rules.horizon_days * DAY
    ring = set(window.ring)
    evidence = [
        unpack(e[1]) for e in state.get("e", ()) if start <= e[0] < end and e[2] in ring
    ]
    actions = _actions(window.counts)
    levels = rules.levels(kind)
    return window_alert(
        rule_id=rules.id,
        rule_version=rules.version,
        subject=f"{key}|{account}",
        severity_rank=rank,
        buyer_ids=[account] + [b for b in listed if b != account],
        event=event,
        first_day=window.first_day,
        horizon_days=rules.horizon_days,
        episode=episode,
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


def _explain(
    kind: str, window: RingWindow, accounts: int, horizon: int, threshold: Number, levels: Levels
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
