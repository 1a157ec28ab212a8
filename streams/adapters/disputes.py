"""The steps a dispute snapshot implies (opened, appealed, resolved): Shopify and Stripe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streams.adapters.canonical import make_event


@dataclass(frozen=True)
class DisputeState:
    """What a platform's dispute object says, already read into canonical values.

    Attributes:
        chargeback: a chargeback (else an inquiry / pre-dispute warning).
        opened_at: when the dispute was opened; ``deadline_at`` the evidence due date.
        appealed_at: when evidence was submitted, None when not (chargebacks only).
        outcome: ``won``, ``lost``, ``refunded``, … once resolved, else None.
        resolved_at: when it was resolved.

    """

    marketplace: str
    dispute_id: str
    chargeback: bool
    opened_at: str | None
    deadline_at: str | None = None
    appealed_at: str | None = None
    outcome: str | None = None
    resolved_at: str | None = None


def dispute_events(state: DisputeState, **common: Any) -> list[dict[str, Any]]:
    """Emit every step up to the dispute's current state, each with its deterministic id.

    A missed earlier webhook is recovered from a later snapshot, and a repeated step
    (same id) changes nothing downstream.
    """
    kind, opened, resolved = (
        ("chargeback_id", "chargeback.notified", "chargeback.resolved")
        if state.chargeback
        else ("dispute_id", "dispute.opened", "dispute.resolved")
    )
    fields = {**common, kind: state.dispute_id}

    def step(etype: str, at: str | None, **extra: Any) -> dict[str, Any]:
        return make_event(
            state.marketplace, etype, state.dispute_id, occurred_at=at, **fields, **extra
        )

    events = [step(opened, state.opened_at, deadline_at=state.deadline_at)]
    if state.chargeback and state.appealed_at:
        events.append(step("chargeback.appealed", state.appealed_at))
    if state.outcome:
        events.append(step(resolved, state.resolved_at, outcome=state.outcome))
    return events
