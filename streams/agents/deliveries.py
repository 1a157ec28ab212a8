"""Deliveries stage (one partition): drop redelivered webhooks, publish the rest as events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

import orjson

from streams.agents.wiring import Wiring
from streams.core.sweep import forget

log = logging.getLogger("orderguard")

# Shopify retries for 4 hours (8 times), Stripe for 3 days: remember delivery keys for a week.
KEEP_KEYS_S = 7 * 24 * 3600
EVICT_EVERY = 1000
# deliveries whose events may wait for the broker's acks at once; the stage waits beyond
MAX_IN_FLIGHT = 1000
# how long a stopping stage waits for the acks of the deliveries it has published
DRAIN_S = 10.0


class KeyBook:
    """The delivery keys seen, and those of deliveries whose events still wait for acks.

    A delivery's keys are recorded only once the broker has acked every event it carries: a
    key recorded for events that never reached the broker (a worker killed during an
    outage) would drop the delivery's redelivery as a duplicate, and lose it. Events
    published twice instead (a worker killed after the acks, before its keys reached the
    changelog) are dropped by their ids downstream.

    The stage does not wait for the acks itself: that is one broker round trip per delivery,
    which bounded the stage at about 250 deliveries/s (BENCHMARKS.md). Keys in flight count
    as seen, so a redelivery that arrives meanwhile is still a duplicate.
    """

    def __init__(self, table: MutableMapping[str, int], limit: int = MAX_IN_FLIGHT) -> None:
        self.table = table
        self.limit = limit
        self.in_flight: set[str] = set()
        self._settling: set[asyncio.Task[None]] = set()

    def seen(self, keys: Iterable[str]) -> bool:
        """Whether any of a delivery's keys was recorded, or is waiting to be."""
        return any(key in self.in_flight or key in self.table for key in keys)

    async def record_when_acked(
        self, keys: list[str], acks: list[Awaitable[Any]], now: int,
        failed: Callable[[BaseException], Awaitable[None]],
    ) -> None:
        """Record ``keys`` at ``now`` once every ack is done; ``failed(exc)`` if one fails.

        Returns at once unless ``limit`` deliveries are waiting already; then when one is done.
        The waiting task runs in the caller's context: faust's table writes need the event
        being processed (a context variable), so the caller keeps that event referenced.
        """
        self.in_flight.update(keys)
        task = asyncio.ensure_future(self._settle(keys, acks, now, failed))
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)
        if len(self._settling) >= self.limit:
            await asyncio.wait(self._settling, return_when=asyncio.FIRST_COMPLETED)

    async def _settle(
        self, keys: list[str], acks: list[Awaitable[Any]], now: int,
        failed: Callable[[BaseException], Awaitable[None]],
    ) -> None:
        try:
            for ack in acks:
                await ack
        except Exception as exc:  # noqa: BLE001 - the delivery goes to the dead letters
            try:
                await failed(exc)
            except Exception:  # nobody awaits this task: say it here, or it is lost
                log.exception("deliveries: a delivery whose events Kafka did not take (%s) "
                              "could not be dead-lettered either; keys %s", exc, keys)
        else:
            for key in keys:
                self.table[key] = now
        finally:
            self.in_flight.difference_update(keys)

    async def drain(self, timeout_s: float = DRAIN_S) -> int:
        """Wait up to ``timeout_s`` for the deliveries in flight; how many are still waiting."""
        if self._settling:
            await asyncio.wait(set(self._settling), timeout=timeout_s)
        return len(self._settling)

    def __len__(self) -> int:
        """Deliveries waiting for their acks."""
        return len(self._settling)


def register(w: Wiring) -> None:
    """Add the deliveries agent and its delivery-key table."""
    table = w.state_table("delivery-keys", partitions=1)

    @w.app.agent(w.deliveries, name="deliveries", concurrency=1)
    async def deliveries(stream: Any) -> None:
        book = KeyBook(table)
        handled = 0
        try:
            async for ev in stream.events():
                async with w.guarded(ev, "deliveries"):
                    delivery = orjson.loads(ev.value)
                    stamp = ev.message.timestamp
                    now = int(stamp / 1000) if stamp else 0
                    if book.seen(delivery["keys"]):
                        w.stats["duplicate_deliveries"] += 1
                        continue
                    acks = [await w.publish_event(event) for event in delivery["events"]]

                    async def failed(exc: BaseException, ev: Any = ev) -> None:
                        # ev is held here until then: the key writes need it (KeyBook)
                        msg = ev.message
                        await w.dead_letter(ev.value, topic=msg.topic, partition=msg.partition,
                                            offset=msg.offset, stage="deliveries", exc=exc,
                                            key=ev.key)

                    await book.record_when_acked(delivery["keys"], acks, now, failed)
                    handled += 1
                    if handled % EVICT_EVERY == 0:
                        forget(table, lambda _, at, oldest=now - KEEP_KEYS_S: at < oldest)
        finally:
            await book.drain()
