"""faust's Kafka consumer, with the seek that ends a rebalance made whole.

When a rebalance ends, faust-streaming (0.15.3) resumes the stream partitions, seeks them to
their committed offsets, then resumes flow control, which empties every agent's queue. Its
table recovery has resumed the consumer's flow before that, so in between the fetcher
already delivers stream messages into the agents' queues, and the last step throws them
away, unprocessed and unacknowledged. They are fetched again only if the seek moves the
fetcher back to them, and it does not on a partition without a committed offset (aiokafka
seeks only to an offset above 0): the worker goes on from the next message, and the
partition's committed offset stops moving for good, as faust commits a partition only up
to its first unacknowledged offset. Seen with two workers of a new app id starting while
events wait (BENCHMARKS.md, "Two workers joining mid catch-up"): the stages kept
processing, but the group's lag never went down, and a restart would have read everything
since the stuck offset again.

:class:`Consumer` closes both ends: its seek first stops the flow (the recovery resumes it
once the queues are emptied, as it already does), so nothing is delivered in between, and a
stream partition without a committed offset is sought to its first offset, where the
worker's ``consumer_auto_offset_reset="earliest"`` starts it, so what was thrown away is
fetched again. Messages the worker had processed before the rebalance may come again, as
after any rebalance; the stages drop redeliveries.

:class:`ConsumerThread` mends the worker's stop while Kafka is down. aiokafka (0.14) closes
its fetcher by cancelling each fetch in flight and awaiting it; a fetch that failed against
the unreachable broker is then asleep in its retry backoff, outside the part of it that
takes cancelling quietly, so the close raises ``CancelledError``. The consumer's thread
died of it before telling faust it had stopped, and faust waited out its 60 s for the
thread before the worker could exit, logging the traceback a word per line on the way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver
from faust.types import TP


class Consumer(driver.Consumer):
    """faust's aiokafka consumer; its seek after a rebalance loses no message."""

    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def perform_seek(self) -> None:
        """Stop the flow, then seek every stream partition to where it resumes."""
        # Recovery calls this between resuming the stream partitions and emptying the agents'
        # queues, and resumes the flow itself right after; a call from ``getmany`` finds
        # the flow stopped already.
        self.stop_flow()
        await super().perform_seek()

    async def seek_to_committed(self) -> Mapping[TP, int]:
        """Seek to the committed offsets; a stream partition with none, to its first offset."""
        committed = await super().seek_to_committed()
        streams = self.app.topics.acking_topics  # the agents' topics, not table changelogs
        fresh = [tp for tp, offset in committed.items()
                 if tp.topic in streams and not (offset and offset > 0)]
        if fresh:
            for tp, offset in (await self.earliest_offsets(*fresh)).items():
                await self._seek(tp, offset)
        return committed


class ConsumerThread(driver.AIOKafkaConsumerThread):
    """faust's aiokafka consumer thread; it stops at once, Kafka up or down."""

    async def on_thread_stop(self) -> None:
        """Stop the consumer; a fetch cancelled in its retry backoff does not end the stop."""
        try:
            await super().on_thread_stop()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise  # the thread itself is being cancelled, not a fetch
            await finish_close(self._consumer)


async def finish_close(consumer: Any) -> None:
    """Finish ``AIOKafkaConsumer.stop`` after its fetcher's close raised.

    Ends the fetches still in flight, then closes the client and its connections: the rest
    of aiokafka 0.14's stop, through its private attributes (pyproject.toml keeps aiokafka
    below 0.15).
    """
    fetches = list(consumer._fetcher._pending_tasks)
    for fetch in fetches:
        fetch.cancel()
    await asyncio.gather(*fetches, return_exceptions=True)
    await consumer._client.close()


class Transport(driver.Transport):
    """faust's aiokafka transport with :class:`Consumer`."""

    Consumer = Consumer


def install(app: faust.App) -> None:
    """Give ``app`` the transport of :class:`Consumer`, before anything creates its consumer."""
    app.transport = Transport(app.conf.broker_consumer, app)
