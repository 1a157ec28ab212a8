"""End to end on the broker: events produced -> stored and detected by a worker, vs baselines.

Two things are timed from the first event produced, in one worker (the default one: sink
and detection stages together): until its sink has stored every event in DuckDB, and until
its detection stages (orders -> buyers -> identities) have committed every message of them
(the app's consumer group has no lag). Commits come every few seconds (faust's
``broker_commit_interval``, 2.8 s), so the detection time is late by up to that much.

The baselines, measured in the same run: kafka-python alone moving the same bytes through
the same broker (produce, then consume them back), and ``orderguard replay``'s loop doing the
same detection in one process, without Kafka. The last line counts the messages the worker
wrote per event (its internal topics and table changelogs): what one event costs in Kafka.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from analytics.client import query_worker
from bench.common import report
from schemas.event import validate_event
from streams import topics
from streams.core.linking import LinkedAccounts
from streams.core.linking_rules import load_linking_file
from streams.core.replay import Replay
from streams.core.rules import load_rules
from streams.demo import namespace_ids
from streams.kafka_admin import admin_client
from streams.lag import group_lag
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


def replay_seconds(values: list[bytes]) -> float:
    """``orderguard replay``'s loop over the same events: the detection without Kafka."""
    engine = Replay(load_rules(), identities=LinkedAccounts(load_linking_file(None)))
    started = time.perf_counter()
    for value in values:
        engine.feed(validate_event(orjson.loads(value)))
    return time.perf_counter() - started


def run(n: int = 20_000) -> list[dict]:
    tag = uuid.uuid4().hex[:8]
    events = _events(n, tag)
    distinct = len({e["event_id"] for e in events})
    work = Path(tempfile.mkdtemp())
    app_id = f"bench-{tag}"
    env = {"ORDERGUARD_KAFKA": BOOTSTRAP, "ORDERGUARD_APP_ID": app_id,
           "ORDERGUARD_DUCKDB": str(work / "og.duckdb"), "ORDERGUARD_DATA_DIR": str(work / "d")}
    worker = WorkerProcess(env, work / "worker.log", 6199).start()
    detection = (topics.EVENTS, topics.buyer_events(app_id), topics.identity_events(app_id))
    try:
        worker.wait_ready()
        # let the worker catch up with whatever the topic already holds before timing
        _settle(worker, "SELECT count(*) FROM events")
        _wait_no_lag(app_id, detection)
        written_before = _written(app_id)
        started = time.perf_counter()
        produce(BOOTSTRAP, events)
        query = f"SELECT count(*) FROM events WHERE starts_with(event_id, '{tag}')"
        while query_worker(worker.url, query).rows[0][0] < distinct:
            time.sleep(0.05)
        pipeline_s = time.perf_counter() - started
        _wait_no_lag(app_id, detection)
        detection_s = time.perf_counter() - started
        written = _written(app_id) - written_before
    finally:
        worker.stop()
    values = [orjson.dumps(e) for e in events]
    raw_s = raw_kafka_seconds(values)
    replay_s = replay_seconds(values)
    rows = [report("pipeline: produce -> DuckDB", n, pipeline_s,
                   "kafka-python produce+consume", raw_s),
            report("pipeline: produce -> detected", n, detection_s,
                   "kafka-python produce+consume", raw_s),
            report("pipeline: detected, vs replay", n, detection_s,
                   "replay loop, no Kafka", replay_s)]
    print(f"{'messages the worker wrote':<34} {written / n:12.2f} per event "
          f"(internal topics and changelogs of {app_id})", flush=True)
    return rows


def _settle(worker: WorkerProcess, query: str) -> None:
    last = -1
    while True:
        now = query_worker(worker.url, query).rows[0][0]
        if now == last:
            return
        last = now
        time.sleep(2)


def _wait_no_lag(group: str, names: tuple[str, ...]) -> None:
    while group_lag(BOOTSTRAP, group, names):
        time.sleep(0.2)


def _written(app_id: str) -> int:
    """Messages on the app's own topics (internal streams and changelogs), all partitions."""
    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP)
    try:
        own = [t for t in consumer.topics() if t.startswith(f"{app_id}-")]
        parts = [TopicPartition(t, p) for t in own for p in consumer.partitions_for_topic(t)]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()


if __name__ == "__main__":
    run()
