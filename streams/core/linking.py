"""Linked accounts: the identities stage as a pure step, and its ring alerts.

The buyers stage remembers each buyer's identity keys (:func:`buyer_identity_keys`) and
sends every event of the buyer to each of them (:func:`link_message`); the identities
stage, keyed by identity, folds those messages with :func:`step_identity`. Accounts that
share a phone, device, payment account or email (strong links), or an address (a weak link:
households share them), and together let orders close unpaid, cancel them, dispute or
charge back past the rule's bar raise one ``linked_accounts`` alert listing the accounts.
See docs/linking.md.
"""

from __future__ import annotations

from typing import Any

from streams.core.alerts import Number
from streams.core.bursts import episode_of
from streams.core.fields import DAY
from streams.core.linking_alerts import fire_levels, ring_alert
from streams.core.linking_keys import (
    LINK_EVENT_TYPES,
    MAX_BUYER_KEYS,
    buyer_identity_keys,
    identity_keys,
    link_message,
)
from streams.core.linking_normalize import normalize_address, normalize_email, normalize_phone
from streams.core.linking_rules import LinkingRules, load_linking_rules
from streams.core.linking_shared import Identities, step
from streams.core.linking_state import (
    BAD,
    CANCELLED,
    ROW,
    State,
    account_record,
    bad_total,
    cutoff,
    dropped_accounts,
    evict,
    new_state,
    record_for_new_keys,
)
from streams.core.linking_window import RingWindow, grade, mostly_bad, ring_window

__all__ = [
    "LINK_EVENT_TYPES",
    "account_record",
    "record_for_new_keys",
    "MAX_BUYER_KEYS",
    "LinkedAccounts",
    "LinkingRules",
    "buyer_identity_keys",
    "evict",
    "identity_keys",
    "link_message",
    "load_linking_rules",
    "new_state",
    "normalize_address",
    "normalize_email",
    "normalize_phone",
    "step_identity",
]

Alert = dict[str, Any]


def step_identity(
    state: State | None, key: str, event: dict[str, Any], rules: LinkingRules
) -> tuple[State, list[Alert]]:
    """Fold one event of a linked account into an identity's state; return the alerts.

    The state is owned by the caller, who must write the returned state back
    (``table[key] = state``): it is updated in place when one is given.

    Args:
        state: the identity's state from a previous call, or ``None`` for a new identity.
        key: the identity key (``phone:…``, ``addr:…``, ...), the stage's Kafka key.
        event: a :func:`link_message` (or a canonical event) with ``buyer_id`` set.
        rules: the ``linked_accounts`` rule.

    Returns:
        ``(state, alerts)``; alerts have exactly the fields of contracts.md §2. A
        redelivered event returns no alerts and leaves the state unchanged.

    """
    return step(state, key, event, rules, _evaluate)


def _evaluate(
    state: State,
    key: str,
    event: dict[str, Any],
    col: int,
    day: int,
    rules: LinkingRules,
    every_window: bool = False,
) -> list[Alert]:
    """The alerts for the windows the event can have changed, after fire-once.

    Each episode (``streams.core.bursts.episode_of``) a crossing window starts in fires,
    with its worst window, the levels each listed account newly reaches in it.

    A bad outcome changes the windows holding its day. A new account changes every window
    of a strong link (the alert lists all accounts), and an account's record
    (``every_window``) any window, so all kept windows are candidates.
    """
    levels = rules.levels(key.partition(":")[0])
    if col < CANCELLED and not levels.list_all and not every_window:
        return []  # an address alert lists only the ring: a newcomer without a bad outcome
    members: dict[str, list[int]] = state["b"]
    if sum(map(bad_total, members.values())) < levels.medium:
        return []  # the common case: too few bad outcomes in the whole state
    horizon = rules.horizon_days
    first = cutoff(state, rules)
    if col >= CANCELLED and not every_window:
        lo, hi = max(day - horizon + 1, first), day
    else:
        lo, hi = first, state["w"] // DAY
    suspects = {b: rows for b, rows in members.items() if mostly_bad(rows, levels.min_ratio)}
    if len(suspects) < levels.min_accounts:
        return []
    starts = sorted(
        {
            rows[i]
            for rows in suspects.values()
            for i in range(0, len(rows), ROW)
            if lo <= rows[i] <= hi and any(rows[i + c] for c in BAD)
        }
    )
    best: dict[int, tuple[int, Number, RingWindow]] = {}  # episode -> its worst window
    for start in starts:
        window = ring_window(suspects, start, start + horizon)
        rank, threshold = grade(levels, window)
        episode = episode_of(start, horizon)
        if rank and (episode not in best or rank > best[episode][0]):
            best[episode] = (rank, threshold, window)
    alerts = []
    for episode in sorted(best):
        rank, threshold, window = best[episode]
        listed = sorted(members) if levels.list_all else list(window.ring)
        accounts = len(listed) + (dropped_accounts(state) if levels.list_all else 0)
        for account in listed:
            for level in fire_levels(state, episode, account, rank):
                limit = threshold if level == rank else levels.medium
                alerts.append(ring_alert(state, key, event, rules, window, level, limit,
                                         listed, accounts, episode, account))
    return alerts


class LinkedAccounts:
    """The identities stage in one process (replay, tests): both tables as dicts.

    Mirrors the stream's wiring: the buyer's identity keys are updated first, then the
    event goes to every key the buyer has, each folded by :func:`step_identity`. Given
    the same arrival order at each identity, it raises the same alerts as the stream.

    Attributes:
        rules: the ``linked_accounts`` rule.
        buyer_keys: identity keys by ``buyer_id`` (kept in the buyers stage's table).
        identities: identity state by key (the identities stage's table).

    """

    def __init__(self, rules: LinkingRules) -> None:
        self.rules = rules
        # folds only the identities two accounts share, the others when read (same states)
        self._stage = Identities(rules, _evaluate)
        self.buyer_keys: dict[str, list[str]] = self._stage.buyer_keys

    @property
    def identities(self) -> dict[str, State]:
        """Identity state by key (the identities stage's table)."""
        return self._stage.all_states()

    def feed(self, event: dict[str, Any], windows: State | None = None) -> list[Alert]:
        """Route one event of a buyer (``buyer_id`` resolved) to its identities; the alerts.

        ``windows``: the buyer's window state with the event counted; keys new to the
        buyer get the buyer's record from it (``linking_state.account_record``).
        """
        return self._stage.feed(event, windows)
