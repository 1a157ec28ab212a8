"""The buyers stage as a pure step: fold an event into the buyer's windows, evaluate rules."""

from __future__ import annotations

from typing import Any

from streams.core import windows
from streams.core.detectors import TRIGGERS
from streams.core.fields import epoch_of
from streams.core.rules import RuleSet

# The event types step_buyer looks at; it returns every other event unchanged at once, so a
# caller may skip them (Replay does; the orders agent may, to spare the buyers topic).
BUYER_EVENT_TYPES: frozenset[str] = windows.COUNTED_TYPES


def step_buyer(
    state: dict[str, Any] | None, event: dict[str, Any], rules: RuleSet
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fold one event into a buyer's state and return the alerts it raises.

    The state is owned by the caller, who must write the returned state back
    (``table[buyer_id] = state``): it is updated in place when one is given, so that an
    event costs no copy of the buyer's windows. The event is never modified.

    Args:
        state: the buyer's state from a previous call, or ``None`` for a new buyer.
        event: a validated canonical event whose ``buyer_id`` is set.
        rules: the configured rules.

    Returns:
        ``(state, alerts)``; alerts are dicts with exactly the fields of contracts.md §2.
        A redelivered event returns no alerts and leaves the state unchanged.

    """
    if state is None:
        state = windows.new_state()
    col = windows.apply(state, event, rules.retention_days)
    if not col:
        return state, []
    detectors = TRIGGERS.get(col)
    if not detectors:
        return state, []
    t = epoch_of(event["occurred_at"])
    alerts: list[dict[str, Any]] = []
    for detect in detectors:
        alerts += detect(state, event, t, rules)
    return state, alerts
