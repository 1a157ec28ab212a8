"""Every worker follows the compacted lists topic into an in-memory ListBook."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from mode import Service

from streams import topics
from streams.agents.wiring import Wiring
from streams.core.lists import ListBook
from streams.lists_topic import apply_record, partitions


class ListsService(Service):
    """Reads ``orderguard.lists`` from the start, then follows it; no consumer group."""

    topic = topics.LISTS

    def __init__(self, wiring: Wiring, **kwargs: Any) -> None:
        self.w = wiring
        self.book: ListBook = wiring.lists
        self.caught_up = False
        super().__init__(**kwargs)

    @Service.task
    async def _follow(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.w.settings.kafka,
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    **self.w.settings.kafka_security.client_options())
        await consumer.start()
        try:
            tps = [TopicPartition(self.topic, p) for p in
                   await asyncio.to_thread(partitions, self.w.settings.kafka, self.topic)]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            ends = await consumer.end_offsets(tps)
            behind = {tp for tp in tps if ends[tp] > 0}
            self.caught_up = not behind
            while not self.should_stop:
                batch = await consumer.getmany(*tps, timeout_ms=500)
                for tp, records in batch.items():
                    for record in records:
                        apply_record(self.book, record)
                        if record.offset + 1 >= ends[tp]:
                            behind.discard(tp)
                if not behind:
                    self.caught_up = True
        finally:
            await consumer.stop()

def register(w: Wiring) -> None:
    """Follow the lists in this worker."""

    class WorkerLists(ListsService):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(w, **kwargs)
            w.lists_service = self

    w.app.service(WorkerLists)
