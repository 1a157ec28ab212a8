"""Orders stage (key: order_id): dedupe, order state, buyer resolution; re-keys by buyer."""

from __future__ import annotations

from typing import Any

import orjson

from schemas.event import validate_event
from streams.agents.sweeping import forget
from streams.agents.wiring import JSON_HEADERS, Wiring
from streams.core.buyers import BUYER_EVENT_TYPES
from streams.core.orders import idle
from streams.core.sweep import Sweeper


def register(w: Wiring) -> None:
    """Add the orders agent and its state table to the app."""
    state = w.state_table("order-state")
    sweeper = Sweeper()

    @w.app.agent(w.events, name="orders", concurrency=1)
    async def orders(stream: Any) -> None:
        async for ev in stream.events():
            async with w.guarded(ev, "orders"):
                event = validate_event(orjson.loads(ev.value))
                if not event.get("order_id"):  # a buyer.message without an order
                    forwards = [event]
                else:
                    new_state, forwards = w.steps.step_order(state.get(event["order_id"]), event)
                    partition = ev.message.partition
                    if new_state.get("p") != partition:
                        new_state["p"] = partition
                    state[event["order_id"]] = new_state
                    before = sweeper.due(partition, event["occurred_at"])
                    if before is not None:
                        forget_idle(state, partition, before)
                for out in forwards:
                    if out["type"] not in BUYER_EVENT_TYPES:
                        continue  # nothing the buyers stage counts; Replay skips them too
                    await w.buyer_events.send(
                        key=out["buyer_id"].encode(), value=orjson.dumps(out),
                        headers=JSON_HEADERS,
                    )


def forget_idle(state: Any, partition: int, before: str) -> list[Any]:
    """Delete the partition's orders whose latest event is dated before ``before``."""
    return forget(
        state,
        lambda _, v: type(v) is dict and v.get("p") == partition and idle(v, before),
        f"orders, partition {partition}",
    )
