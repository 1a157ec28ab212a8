"""Orders stage (key: order_id): dedupe, order state, buyer resolution; re-keys by buyer."""

from __future__ import annotations

from typing import Any

import orjson

from schemas.event import validate_event
from streams.agents.wiring import JSON_HEADERS, Wiring, log
from streams.core.buyers import BUYER_EVENT_TYPES
from streams.core.orders import Sweeper, idle, step_order


def register(w: Wiring) -> None:
    """Add the orders agent and its state table to the app."""
    state = w.app.Table(
        "order-state", default=None, schema=w.json_schema, partitions=w.settings.partitions,
    )
    sweeper = Sweeper(every=w.settings.orders_sweep_every)

    @w.app.agent(w.events, name="orders", concurrency=1)
    async def orders(stream: Any) -> None:
        async for ev in stream.events():
            async with w.guarded(ev, "orders"):
                event = validate_event(orjson.loads(ev.value))
                if not event.get("order_id"):  # a buyer.message without an order
                    forwards = [event]
                else:
                    new_state, forwards = step_order(state.get(event["order_id"]), event)
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


def forget_idle(state: Any, partition: int, before: str) -> None:
    """Delete the partition's orders whose latest event is dated before ``before``.

    Runs inside the stream iteration of an event of ``partition``: Faust writes each
    deletion to that partition of the changelog, which is where the order's state lives
    (the agent stamped it with ``p``), so a restart does not bring the orders back.
    """
    gone = [
        key for key, value in state.items()
        if type(value) is dict and value.get("p") == partition and idle(value, before)
    ]
    for key in gone:
        del state[key]
    if gone:
        log.info("orders: forgot %d orders of partition %d idle since before %s",
                 len(gone), partition, before)
