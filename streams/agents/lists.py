"""Every worker follows the compacted lists topic into an in-memory ListBook."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from mode import Service

from streams import topics
from streams.agents.wiring import Wiring
from streams.core.lists import ListBook
from streams.errors import InvalidEvent

log = logging.getLogger("orderguard.lists")


class ListsService(Service):
    """Reads ``orderguard.lists`` from the start, then follows it; no consumer group."""

    def __init__(self, wiring: Wiring, **kwargs: Any) -> None:
        self.w = wiring
        self.book: ListBook = wiring.lists
        self.caught_up = False
        super().__init__(**kwargs)

    @Service.task
    async def _follow(self) -> None:
        tp = TopicPartition(topics.LISTS, 0)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.w.settings.kafka,
                                    enable_auto_commit=False, auto_offset_reset="earliest")
        await consumer.start()
        try:
            consumer.assign([tp])
            await consumer.seek_to_beginning(tp)
            end = (await consumer.end_offsets([tp]))[tp]
            if end == 0:
                self.caught_up = True
            while not self.should_stop:
                batch = await consumer.getmany(tp, timeout_ms=500)
                for record in batch.get(tp, []):
                    self._apply(record)
                    if record.offset + 1 >= end:
                        self.caught_up = True
        finally:
            await consumer.stop()

    def _apply(self, record: Any) -> None:
        try:
            value = None if record.value is None else orjson.loads(record.value)
            self.book.apply(record.key.decode(), value)
        except (InvalidEvent, ValueError, AttributeError) as exc:
            log.warning("lists: skipped a malformed entry at offset %s: %s", record.offset, exc)


def register(w: Wiring) -> None:
    """Follow the lists in this worker."""

    class WorkerLists(ListsService):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(w, **kwargs)
            w.lists_service = self

    w.app.service(WorkerLists)
