"""Orders, buyers and identities idle for 400 days leave the tables, and the changelogs say so."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import orjson
from kafka import KafkaConsumer, KafkaProducer

from streams import statecodec
from streams.agents.sweeping import partition_of
from streams.core.linking import identity_keys
from streams.topics import EVENTS
from tests.factories import T0, make_event
from tests.integration.conftest import start_worker

PARTITIONS = 4  # the worker's default
OLD = datetime(2019, 3, 1, tzinfo=UTC)

def _send(broker: str, events: list[dict], partition: int) -> None:
    producer = KafkaProducer(bootstrap_servers=broker, acks="all")
    try:
        for event in events:
            producer.send(EVENTS, key=event["order_id"].encode(), value=orjson.dumps(event),
                          partition=partition)
        producer.flush()
    finally:
        producer.close()


def _order(run_id: str, name: str, at: datetime, n: int) -> dict:
    # phones of this run's own: a new app id reads every earlier run's orders on the broker,
    # and a phone they share would gain their buyers after this run's sweep forgot it
    exchange = 200 + int(run_id, 16) % 800
    return make_event("order.created", buyer=f"b-{run_id}-{name}", order=f"{run_id}-{name}",
                      event_id=f"{run_id}-{name}", at=at,
                      shipping={"phone": f"+1415{exchange}{n:04d}", "country": "US"})


def _ticks(run_id: str) -> list[dict]:
    """Recent orders whose buyers, and whose phones, cover every partition."""
    ticks: list[dict] = []
    buyers: set[int] = set()
    phones: set[int] = set()
    n = 0
    while len(buyers) < PARTITIONS or len(phones) < PARTITIONS:
        n += 1
        tick = _order(run_id, f"t{n}", T0, 1000 + n)
        buyers.add(partition_of(tick["buyer_id"], PARTITIONS))
        phones.add(partition_of(identity_keys(tick)[0], PARTITIONS))
        ticks.append(tick)
    return ticks


def _changelogs(
    broker: str, wanted: dict[str, set[str]], doomed: set[str], timeout_s: float
) -> dict:
    """Every value written for the wanted keys of each changelog topic, in order.

    Reads until every doomed key's latest value is a deletion (with none doomed: until
    every key has a value), or the time is up.
    """
    consumer = KafkaConsumer(bootstrap_servers=broker, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=1000)
    seen = {(topic, key): [] for topic, keys in wanted.items() for key in keys}
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not set(wanted) <= (consumer.topics() or set()):
            time.sleep(0.5)
        consumer.subscribe(list(wanted))
        while time.monotonic() < deadline:
            for record in consumer:
                key = (record.topic, orjson.loads(record.key) if record.key else None)
                if key in seen:
                    value = record.value
                    seen[key].append(None if value is None else statecodec.loads(value))
            if all(values and (values[-1] is None or not doomed)
                   for (_, k), values in seen.items() if k in doomed or not doomed):
                break
    finally:
        consumer.close()
    return seen


def test_idle_entries_restored_by_a_restart_are_deleted_through_the_changelogs(
    own_broker, tmp_path, run_id
):
    # an empty broker: on the session's, a new app id reads every earlier test's events first
    broker = own_broker[0]
    old = _order(run_id, "old", OLD, 1)
    ticks = _ticks(run_id)
    app_id = f"og-sweep-{uuid.uuid4().hex[:8]}"
    buyer, phone = old["buyer_id"], identity_keys(old)[0]
    tick = ticks[-1]
    wanted = {
        f"{app_id}-order-state-changelog": {old["order_id"], tick["order_id"]},
        f"{app_id}-buyer-windows-changelog": {buyer, tick["buyer_id"]},
        f"{app_id}-buyer-identity-keys-changelog": {buyer},
        f"{app_id}-identity-state-changelog": {phone, identity_keys(tick)[0]},
    }
    # 1. an order of 2019 reaches every stage's table; the worker stops
    _send(broker, [old], partition=0)
    worker = start_worker(broker, tmp_path / "w", app_id)
    port = int(worker.url.rsplit(":", 1)[1])
    try:
        written = {topic: keys - {tick["order_id"], tick["buyer_id"], identity_keys(tick)[0]}
                   for topic, keys in wanted.items()}
        _changelogs(broker, written, set(), timeout_s=120)
    finally:
        worker.stop()
    # 2. restarted, the worker recovers the tables; recent orders on every partition make
    # each stage sweep: what is 400 days older than them goes, deleted on the changelog
    worker = start_worker(broker, tmp_path / "w", app_id, port)
    try:
        _send(broker, ticks, partition=0)
        seen = _changelogs(broker, wanted, {old["order_id"], buyer, phone}, timeout_s=120)
    finally:
        worker.stop()
    order = seen[(f"{app_id}-order-state-changelog", old["order_id"])]
    assert order[0]["d"] == "2019-03-01" and order[0]["p"] == 0  # stamped with its partition
    for (topic, key), values in seen.items():
        if key in (old["order_id"], buyer, phone):
            assert values and values[0] is not None and values[-1] is None, (topic, values)
        else:  # the recent ones stay
            assert values and all(v is not None for v in values), (topic, values)
