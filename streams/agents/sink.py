"""The DuckDB sink: one writer, Arrow batches, offsets committed only after the batch is stored."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import orjson
import pyarrow as pa
from aiokafka import AIOKafkaConsumer
from mode import Service

from analytics.store import Store, StoreBusy, StoredMessage, mib
from schemas.alert import validate_alert
from schemas.event import validate_event
from streams import topics
from streams.agents.wiring import Wiring
from streams.errors import InvalidEvent
from streams.kafka_admin import ensure_topics

log = logging.getLogger("orderguard.sink")

STANDBY_RETRY_S = 5.0
PRUNE_EVERY_S = 3600.0
# a pruning that leaves at least this much of the file free, and a tenth of it, says so
# (and that `orderguard compact` would give it back)
COMPACT_HINT_BYTES = 64 * 2**20
# what the store raises for a record it cannot take (rather than for the file or the disk)
DATA_ERRORS = (duckdb.DataError, duckdb.IntegrityError, pa.ArrowException,
               KeyError, TypeError, ValueError)


@dataclass
class Batch:
    """One ``getmany`` result, decoded and split by topic, each record with its message."""

    events: list[StoredMessage] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    suppressed: list[dict[str, Any]] = field(default_factory=list)
    # the Kafka message each record above came from, in the same order
    event_messages: list[Any] = field(default_factory=list)
    alert_messages: list[Any] = field(default_factory=list)
    suppressed_messages: list[Any] = field(default_factory=list)
    # alerts that cannot be decoded: no other stage reads them, so the sink dead-letters them
    rejected: list[tuple[Any, Exception]] = field(default_factory=list)
    skipped: int = 0


def decode_batch(records: dict[Any, list[Any]]) -> Batch:
    """Split a ``getmany`` result by topic; count what cannot be decoded.

    Events that are not canonical events (``validate_event``) are skipped here: the orders
    stage dead-letters them. Alerts off the contract (``validate_alert``) go to ``rejected``.
    """
    batch = Batch()
    for tp, messages in records.items():
        for m in messages:
            try:
                value = orjson.loads(m.value)
                if tp.topic in (topics.ALERTS, topics.SUPPRESSED):
                    if not isinstance(value, dict):
                        raise ValueError("an alert must be a JSON object")
                    validate_alert(value)
                    if tp.topic == topics.ALERTS:
                        batch.alerts.append(value)
                        batch.alert_messages.append(m)
                    else:
                        batch.suppressed.append(value)
                        batch.suppressed_messages.append(m)
                else:  # the store keeps canonical events, as the orders stage takes them
                    batch.events.append(StoredMessage(validate_event(value), m.partition,
                                                      m.offset))
                    batch.event_messages.append(m)
            except (orjson.JSONDecodeError, InvalidEvent, KeyError, TypeError,
                    ValueError) as exc:
                if tp.topic == topics.EVENTS:
                    batch.skipped += 1
                else:
                    batch.rejected.append((m, exc))
    return batch


def store_batch(store: Store, batch: Batch) -> list[tuple[Any, Exception]]:
    """Write the batch in one transaction; if the store refuses its data, record by record.

    A record the store refuses on its own (a timestamp that is no time, a field of the
    wrong type) must not stop the sink, nor be retried for ever: it is returned with the
    reason, for the caller to dead-letter, and the rest of the batch is stored. Any other
    error (the disk, the file) is raised: it is no reason to give records up.

    Returns:
        The refused records' messages, each with the store's error.

    """
    try:
        store.write(batch.events, batch.alerts, batch.suppressed)
        return []
    except DATA_ERRORS as exc:
        log.warning("sink: the store refused a batch of %d records (%s: %s); "
                    "storing them one by one", len(batch.events) + len(batch.alerts)
                    + len(batch.suppressed), type(exc).__name__, str(exc).splitlines()[0])
    refused: list[tuple[Any, Exception]] = []
    singles = [
        *(((e,), (), (), m) for e, m in zip(batch.events, batch.event_messages, strict=True)),
        *(((), (a,), (), m) for a, m in zip(batch.alerts, batch.alert_messages, strict=True)),
        *(((), (), (a,), m)
          for a, m in zip(batch.suppressed, batch.suppressed_messages, strict=True)),
    ]
    for events, alerts, suppressed, message in singles:
        try:
            store.write(events, alerts, suppressed)
        except DATA_ERRORS as exc:
            refused.append((message, exc))
    return refused


@dataclass
class Retention:
    """When the sink next deletes what happened more than ``days`` ago (0: never).

    At the sink's start, then every ``every_s`` seconds.
    """

    days: int
    every_s: float = PRUNE_EVERY_S
    next_at: float | None = None

    def due(self, now: float, wall: datetime) -> datetime | None:
        """The cutoff to prune before if a pruning is due at monotonic ``now``, else None."""
        if not self.days or (self.next_at is not None and now < self.next_at):
            return None
        self.next_at = now + self.every_s
        return wall - timedelta(days=self.days)


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
        self.pruned: Counter[str] = Counter()  # rows the retention deleted, by table
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
            **s.kafka_security.client_options(),
        )
        await consumer.start()
        retention = Retention(s.retention_days)
        writing: asyncio.Future[Any] | None = None
        try:
            while not self.should_stop:
                cutoff = retention.due(time.monotonic(), datetime.now(UTC))
                if cutoff is not None:
                    writing = asyncio.ensure_future(asyncio.to_thread(_prune, store, cutoff))
                    self.pruned.update(await asyncio.shield(writing))
                records = await consumer.getmany(
                    timeout_ms=s.sink_interval_ms, max_records=s.sink_batch
                )
                if not records:
                    continue
                batch = decode_batch(records)
                # Shielded: a stop during the write cancels the wait, not the write.
                writing = asyncio.ensure_future(asyncio.to_thread(store_batch, store, batch))
                refused = await asyncio.shield(writing)
                for message, exc in batch.rejected + refused:
                    await self.w.dead_letter(
                        message.value, topic=message.topic, partition=message.partition,
                        offset=message.offset, stage="sink", exc=exc, key=message.key)
                await consumer.commit()
                gone = {id(message) for message, _ in refused}
                self.stored_events += sum(1 for m in batch.event_messages if id(m) not in gone)
                self.stored_alerts += sum(1 for m in batch.alert_messages if id(m) not in gone)
                self.skipped += batch.skipped
        finally:
            if writing is not None and not writing.done():
                await asyncio.wait([writing])  # never close the file under a running write
            await consumer.stop()
            self.store = None
            await asyncio.to_thread(store.close)


def _prune(store: Store, cutoff: datetime) -> dict[str, int]:
    """Delete what is older than ``cutoff`` and return what went, by table.

    A failure is logged (nothing went) and tried again at the next pruning.
    """
    try:
        gone = store.prune(cutoff)
    except duckdb.Error as exc:
        log.warning("sink: retention: could not delete rows older than %s: %s",
                    cutoff.isoformat(), str(exc).splitlines()[0])
        return {}
    log.info("sink: retention: deleted %s older than %s (ORDERGUARD_RETENTION_DAYS)",
             ", ".join(f"{n:,} {table}" for table, n in gone.items()), cutoff.isoformat())
    if any(gone.values()):
        try:
            size, free = store.free_space()
        except duckdb.Error as exc:
            log.warning("sink: retention: could not measure the store's free space: %s",
                        str(exc).splitlines()[0])
        else:
            if free >= COMPACT_HINT_BYTES and 10 * free >= size:
                log.info("sink: retention: at least %s of the store's %s are free now; new "
                         "rows reuse them, and `orderguard compact` with the worker stopped "
                         "gives them back to the disk", mib(free), mib(size))
    return gone


def register(w: Wiring) -> None:
    """Run the sink inside the worker."""

    class WorkerSink(SinkService):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(w, **kwargs)

    w.app.service(WorkerSink)
