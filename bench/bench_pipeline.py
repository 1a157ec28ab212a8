"""End to end on the broker: events produced -> stored in DuckDB by a worker, vs raw Kafka.

The baseline moves the same bytes through the same broker with kafka-python alone
(produce, then consume them back), so the ratio says what the pipeline costs on top of Kafka.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

import orjson
from kafka import KafkaConsumer, KafkaProducer

from analytics.client import query_worker
from bench.common import report
from streams.demo import namespace_ids
from streams.kafka_admin import admin_client
from streams.producer import produce
from streams.simulator import simulate
from streams.supervise import WorkerProcess

BOOTSTRAP = os.environ.get("ORDERGUARD_KAFKA", "localhost:9092")


def _events(n: int, tag: str) -> list[dict]:
    out: list[dict] = []
    seed = 100
    while len(out) < n:
        out += [namespace_ids(e, f"{tag}{seed}") for e in simulate(seed, buyers=400).events]
        seed += 1
    return out[:n]


def raw_kafka_seconds(values: list[bytes]) -> float:
    from kafka.admin import NewTopic

    topic = f"bench-raw-{uuid.uuid4().hex[:8]}"
    admin = admin_client(BOOTSTRAP)
    admin.create_topics([NewTopic(topic, 4, 1)])
    admin.close()
    started = time.perf_counter()
    producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", linger_ms=5)
    for v in values:
        producer.send(topic, v)
    producer.flush()
    producer.close()
    consumer = KafkaConsumer(topic, bootstrap_servers=BOOTSTRAP, auto_offset_reset="earliest",
                             group_id=f"bench-{topic}", consumer_timeout_ms=10_000)
    seen = 0
    for _ in consumer:
        seen += 1
        if seen == len(values):
            break
    consumer.close()
    return time.perf_counter() - started


def run(n: int = 20_000) -> list[dict]:
    tag = uuid.uuid4().hex[:8]
    events = _events(n, tag)
    distinct = len({e["event_id"] for e in events})
    work = Path(tempfile.mkdtemp())
    env = {"ORDERGUARD_KAFKA": BOOTSTRAP, "ORDERGUARD_APP_ID": f"bench-{tag}",
           "ORDERGUARD_DUCKDB": str(work / "og.duckdb"), "ORDERGUARD_DATA_DIR": str(work / "d")}
    worker = WorkerProcess(env, work / "worker.log", 6199).start()
    try:
        worker.wait_ready()
        # let the worker catch up with whatever the topic already holds before timing
        _settle(worker, "SELECT count(*) FROM events")
        started = time.perf_counter()
        produce(BOOTSTRAP, events)
        query = f"SELECT count(*) FROM events WHERE starts_with(event_id, '{tag}')"
        while query_worker(worker.url, query).rows[0][0] < distinct:
            time.sleep(0.05)
        pipeline_s = time.perf_counter() - started
    finally:
        worker.stop()
    raw_s = raw_kafka_seconds([orjson.dumps(e) for e in events])
    return [report("pipeline: produce -> DuckDB", n, pipeline_s,
                   "kafka-python produce+consume", raw_s)]


def _settle(worker: WorkerProcess, query: str) -> None:
    last = -1
    while True:
        now = query_worker(worker.url, query).rows[0][0]
        if now == last:
            return
        last = now
        time.sleep(2)


if __name__ == "__main__":
    run()
