"""Orders idle for 400 days leave the orders stage's table, and its changelog says so."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import orjson
from kafka import KafkaConsumer, KafkaProducer

from streams.topics import EVENTS
from tests.factories import T0, make_event
from tests.integration.conftest import start_worker


def _send(broker: str, events: list[dict], partition: int) -> None:
    producer = KafkaProducer(bootstrap_servers=broker, acks="all")
    try:
        for event in events:
            producer.send(EVENTS, key=event["order_id"].encode(), value=orjson.dumps(event),
                          partition=partition)
        producer.flush()
    finally:
        producer.close()


def _changelog(broker: str, topic: str, keys: set[str], timeout_s: float) -> dict[str, list]:
    """Every value written for ``keys`` (JSON keys, as the table writes them), in order."""
    consumer = KafkaConsumer(bootstrap_servers=broker, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=1000)
    seen: dict[str, list] = {key: [] for key in keys}
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and topic not in (consumer.topics() or set()):
            time.sleep(0.5)
        consumer.subscribe([topic])
        while time.monotonic() < deadline:
            for record in consumer:
                key = orjson.loads(record.key) if record.key else None
                if key in seen:
                    seen[key].append(None if record.value is None else orjson.loads(record.value))
            if all(seen.values()) and any(v[-1] is None for v in seen.values()):
                break
    finally:
        consumer.close()
    return seen


def test_an_order_idle_for_400_days_is_deleted_through_the_changelog(broker, tmp_path, run_id):
    idle = f"{run_id}-idle"
    old = make_event("order.created", buyer=f"b-{run_id}", order=idle,
                     at=datetime(2019, 3, 1, tzinfo=UTC), event_id=f"{run_id}-old")
    recent = [make_event("order.created", buyer=f"b-{run_id}", order=f"{run_id}-r{n}",
                         event_id=f"{run_id}-r{n}", at=T0) for n in range(30)]
    _send(broker, [old, *recent], partition=0)
    app_id = f"og-sweep-{uuid.uuid4().hex[:8]}"
    # a sweep every 20 events of a partition: one runs among the 30 recent orders
    worker = start_worker(broker, tmp_path / "w", app_id, ORDERGUARD_ORDERS_SWEEP_EVERY="20")
    try:
        keys = {idle, f"{run_id}-r0", f"{run_id}-r29"}
        seen = _changelog(broker, f"{app_id}-order-state-changelog", keys, timeout_s=120)
    finally:
        worker.stop()
    # the idle order was written (stamped with its partition), then deleted: a tombstone
    assert seen[idle][0]["d"] == "2019-03-01" and seen[idle][0]["p"] == 0
    assert seen[idle][-1] is None
    # the recent orders of the same partition stay
    for key in keys - {idle}:
        assert seen[key] and all(value is not None for value in seen[key])
