"""The DuckDB sink: one writer, Arrow batches, offsets committed only after the batch is stored."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer
from mode import Service

from analytics.store import Store, StoreBusy, StoredMessage
from streams import topics
from streams.agents.wiring import Wiring
from streams.kafka_admin import ensure_topics

log = logging.getLogger("orderguard.sink")

STANDBY_RETRY_S = 5.0


@dataclass
class Batch:
    """One ``getmany`` result, decoded and split by topic."""

    events: list[StoredMessage] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    suppressed: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0


def decode_batch(records: dict[Any, list[Any]]) -> Batch:
    """Split a ``getmany`` result by topic; count what cannot be decoded.

    Undecodable events are skipped here: the orders stage dead-letters them.
    """
    batch = Batch()
    for tp, messages in records.items():
        for m in messages:
            try:
                value = orjson.loads(m.value)
                if tp.topic in (topics.ALERTS, topics.SUPPRESSED):
                    value["alert_id"]  # noqa: B018 - a KeyError marks it undecodable
                    target = batch.alerts if tp.topic == topics.ALERTS else batch.suppressed
                    target.append(value)
                else:
                    if not isinstance(value, dict) or not value.get("event_id"):
                        raise ValueError("no event_id")
                    value["occurred_at"]  # noqa: B018
                    batch.events.append(StoredMessage(value, m.partition, m.offset))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                batch.skipped += 1
    return batch


class SinkService(Service):
    """Consumes events and alerts in its own group and writes them to DuckDB.

    DuckDB admits one writer process, so a worker that cannot lock the file waits in standby
    and takes over when the holder goes away.
    """

    def __init__(self, wiring: Wiring, **kwargs: Any) -> None:
        self.w = wiring
        wiring.sink = self
        self.store: Store | None = None
        self.stored_events = 0
        self.stored_alerts = 0
        self.skipped = 0
        super().__init__(**kwargs)

    async def _acquire(self) -> Store:
        while True:
            try:
                return await asyncio.to_thread(Store, self.w.settings.duckdb)
            except StoreBusy:
                log.info("sink: %s is held by another process; standing by", self.w.settings.duckdb)
                await self.sleep(STANDBY_RETRY_S)

    @Service.task
    async def _run(self) -> None:
        s = self.w.settings
        self.store = store = await self._acquire()
        log.info("sink: writing %s", s.duckdb)
        await asyncio.to_thread(ensure_topics, s.kafka, s.partitions, s.app_id)
        consumer = AIOKafkaConsumer(
            topics.EVENTS, topics.ALERTS, topics.SUPPRESSED,
            bootstrap_servers=s.kafka, group_id=f"{s.app_id}-sink",
            enable_auto_commit=False, auto_offset_reset="earliest",
            max_poll_records=s.sink_batch,
            session_timeout_ms=s.session_timeout_s * 1000,
        )
        await consumer.start()
        writing: asyncio.Future[None] | None = None
        try:
            while not self.should_stop:
                records = await consumer.getmany(
                    timeout_ms=s.sink_interval_ms, max_records=s.sink_batch
                )
                if not records:
                    continue
                batch = decode_batch(records)
                # Shielded: a stop during the write cancels the wait, not the write.
                writing = asyncio.ensure_future(asyncio.to_thread(
                    store.write, batch.events, batch.alerts, batch.suppressed))
                await asyncio.shield(writing)
                await consumer.commit()
                self.stored_events += len(batch.events)
                self.stored_alerts += len(batch.alerts)
                self.skipped += batch.skipped
        finally:
            if writing is not None and not writing.done():
                await asyncio.wait([writing])  # never close the file under a running write
            await consumer.stop()
            self.store = None
            await asyncio.to_thread(store.close)


def register(w: Wiring) -> None:
    """Run the sink inside the worker."""

    class WorkerSink(SinkService):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(w, **kwargs)

    w.app.service(WorkerSink)
