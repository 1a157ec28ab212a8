"""Deliveries stage (one partition): drop redelivered webhooks, publish the rest as events."""

from __future__ import annotations

from typing import Any

import orjson

from streams.agents.wiring import Wiring
from streams.core.sweep import forget

# Shopify retries for 4 hours (8 times), Stripe for 3 days: remember delivery keys for a week.
KEEP_KEYS_S = 7 * 24 * 3600
EVICT_EVERY = 1000


def register(w: Wiring) -> None:
    """Add the deliveries agent and its delivery-key table."""
    keys = w.state_table("delivery-keys", partitions=1)

    @w.app.agent(w.deliveries, name="deliveries", concurrency=1)
    async def deliveries(stream: Any) -> None:
        handled = 0
        async for ev in stream.events():
            async with w.guarded(ev, "deliveries"):
                delivery = orjson.loads(ev.value)
                stamp = ev.message.timestamp
                now = int(stamp / 1000) if stamp else 0
                if any(key in keys for key in delivery["keys"]):
                    w.stats["duplicate_deliveries"] += 1
                    continue
                # the events first, acked, and only then the keys: a key recorded for events
                # that never reached the broker (a worker killed during an outage) would drop
                # the delivery's redelivery as a duplicate, and lose it. Events published
                # twice instead (killed after the acks) are dropped by their ids downstream.
                acks = [await w.publish_event(event) for event in delivery["events"]]
                for ack in acks:
                    await ack
                for key in delivery["keys"]:
                    keys[key] = now
                handled += 1
                if handled % EVICT_EVERY == 0:
                    forget(keys, lambda _, at, oldest=now - KEEP_KEYS_S: at < oldest)
