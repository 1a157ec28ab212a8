"""The buyers stage as a pure step: fold an event into the buyer's windows, evaluate rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from streams.core import windows
from streams.core.lists import ListBook, ListEntry
from streams.core.offplatform import off_platform_payment
from streams.core.rules import RuleSet
from streams.core.triggers import TRIGGERS

MESSAGE = "buyer.message"
# The event types step_buyer looks at; it returns every other event unchanged at once, so a
# caller may skip them (Replay does; the orders agent may, to spare the buyers topic).
BUYER_EVENT_TYPES: frozenset[str] = windows.COUNTED_TYPES | {MESSAGE}

_fromiso = datetime.fromisoformat


def step_buyer(
    state: dict[str, Any] | None,
    event: dict[str, Any],
    rules: RuleSet,
    lists: ListBook | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fold one event into a buyer's state and return the alerts it raises.

    The state is owned by the caller, who must write the returned state back
    (``table[buyer_id] = state``): it is updated in place when one is given, so that an
    event costs no copy of the buyer's windows. The event is never modified.

    Args:
        state: the buyer's state from a previous call, or ``None`` for a new buyer.
        event: a validated canonical event whose ``buyer_id`` is set.
        rules: the configured rules.
        lists: the allow and deny lists, if any. A deny entry for the buyer at the event's
            shop makes a new order raise ``blocked_buyer_order``; an allow entry suppresses
            the buyer's alerts at that shop.

    Returns:
        ``(state, alerts)``; alerts are dicts with exactly the fields of contracts.md §2,
        plus ``suppressed`` (``{"list": "allow", "seller_id", "reason", "source"}``) on
        alerts an allow entry suppresses: the caller records those and publishes none.
        A redelivered event returns no alerts and leaves the state unchanged.

    """
    if state is None:
        state = windows.new_state()
    etype = event["type"]
    if etype not in BUYER_EVENT_TYPES:
        return state, []
    t = int(_fromiso(event["occurred_at"]).timestamp())  # fields.epoch_of, inlined
    if etype == MESSAGE:  # counts in no window: only what the message says
        alerts = off_platform_payment(state, event, t, rules, lists)
    else:
        col = windows.apply_at(state, event, t, rules.retention_days, rules.long_days)
        if not col:
            return state, []
        detectors = TRIGGERS.get(col)
        if not detectors:
            return state, []
        alerts = []
        for detect in detectors:
            found = detect(state, event, t, rules, lists)
            if found:
                alerts += found
    if alerts and lists:
        suppress(alerts, lists, event["buyer_id"], t)
    return state, alerts


def suppress(alerts: list[dict[str, Any]], lists: ListBook, buyer: str, t: int) -> None:
    """Mark, in place, the alerts an allow entry for ``buyer`` at their shop suppresses.

    The rules still record that they fired (an alert suppressed now is not raised again
    for the same window once the entry is removed).
    """
    for alert in alerts:
        entry = lists.lookup("allow", buyer, alert["seller_id"], t)
        if entry is not None:
            alert["suppressed"] = suppression(entry)


def suppression(entry: ListEntry) -> dict[str, Any]:
    """The ``suppressed`` field an allow entry adds to the alerts it suppresses."""
    return {
        "list": "allow",
        "seller_id": entry.seller_id,
        "reason": entry.reason,
        "source": entry.source,
    }


def suppress_group(alert: dict[str, Any], lists: ListBook, t: int) -> None:
    """Suppress, in place, an alert about several buyers when every one is allow-listed.

    A ``linked_accounts`` alert names every account of the ring; one allow entry does not
    speak for the others. The stream's identities stage and ``orderguard replay`` both
    call this with the event time ``t`` of the event that raised the alert.
    """
    entries = [lists.lookup("allow", b, alert["seller_id"], t) for b in alert["buyer_ids"]]
    first = entries[0] if entries else None
    if first is not None and all(entries):
        alert["suppressed"] = suppression(first)
