"""Identities stage (key: identity fingerprint): linked accounts and ring alerts."""

from __future__ import annotations

from typing import Any

import orjson

from streams.agents.sweeping import sweep_by_key
from streams.agents.wiring import JSON_HEADERS, Wiring
from streams.core.buyers import suppress_group
from streams.core.fields import epoch_of
from streams.core.linking import LINK_EVENT_TYPES
from streams.core.sweep import Sweeper


def register(w: Wiring) -> None:
    """Add the identities agent and its state table."""
    state = w.state_table("identity-state")
    sweeper = Sweeper()

    @w.app.agent(w.identity_events, name="identities", concurrency=1)
    async def identities(stream: Any) -> None:
        async for ev in stream.events():
            async with w.guarded(ev, "identities"):
                key = ev.key.decode()
                message = orjson.loads(ev.value)
                new_state, alerts = w.steps.step_identity(state.get(key), key, message, w.linking)
                state[key] = new_state
                if alerts and w.lists:  # a ring whose accounts are all allow-listed
                    t = epoch_of(message["occurred_at"])
                    for alert in alerts:
                        suppress_group(alert, w.lists, t)
                for alert in alerts:
                    if "suppressed" in alert:
                        await w.publish_suppressed(alert)
                    else:
                        await w.publish_alert(alert)
                sweep_by_key(sweeper, state, ev.message.partition,
                             str(message.get("occurred_at") or ""), w.settings.partitions,
                             "identities")


async def route_to_identities(
    w: Wiring, keys_table: Any, event: dict[str, Any], windows: dict[str, Any]
) -> None:
    """Send a buyer's event to every identity the buyer has shown (buyers stage side).

    A key new to the buyer also gets the buyer's kept record (``windows``: the buyer's
    window state, this event counted), so it learns the account's earlier events too.
    """
    if event["type"] not in LINK_EVENT_TYPES:
        return
    buyer = event["buyer_id"]
    old = keys_table.get(buyer) or []
    keys = w.steps.buyer_identity_keys(old, event)
    record = None
    if keys is not old:
        keys_table[buyer] = keys
        record = w.steps.record_for_new_keys(old, keys, windows)
    for key in keys:
        message = w.steps.link_message(record if key not in old else None, event, key)
        await w.identity_events.send(
            key=key.encode(), value=orjson.dumps(message), headers=JSON_HEADERS,
        )
