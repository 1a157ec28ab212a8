"""Buyers stage (key: buyer_id): event-time windows folded by the pure core; rules -> alerts."""

from __future__ import annotations

from typing import Any

import orjson

from streams.agents.identities import route_to_identities
from streams.agents.sweeping import sweep_by_key
from streams.agents.wiring import Wiring
from streams.core.buyers import MESSAGE
from streams.core.sweep import Sweeper


def register(w: Wiring) -> None:
    """Add the buyers agent, its window table and the buyer's identity keys."""
    windows = w.state_table("buyer-windows")
    identity_keys = w.state_table("buyer-identity-keys")

    sweeper = Sweeper()

    @w.app.agent(w.buyer_events, name="buyers", concurrency=1)
    async def buyers(stream: Any) -> None:
        async for ev in stream.events():
            async with w.guarded(ev, "buyers"):
                event = orjson.loads(ev.value)
                buyer = event["buyer_id"]
                new_state, alerts = w.steps.step_buyer(windows.get(buyer), event, w.rules, w.lists)
                if alerts or event["type"] != MESSAGE:  # a message that raised nothing
                    windows[buyer] = new_state  # changed nothing: no changelog record
                for alert in alerts:
                    if alert.get("suppressed"):  # an allow-list entry: recorded, not raised
                        await w.publish_suppressed(alert)
                    else:
                        await w.publish_alert(alert)
                await route_to_identities(w, identity_keys, event, new_state)
                for gone in sweep_by_key(sweeper, windows, ev.message.partition,
                                         event["occurred_at"], w.settings.partitions, "buyers"):
                    identity_keys.pop(gone, None)  # same key, same partition
