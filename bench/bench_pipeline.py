"""End to end on the broker: events produced -> stored and detected by a worker, vs baselines.

Two things are timed from the first event produced, in one worker (the default one: sink
and detection stages together): until its sink has stored every event in DuckDB, and until
its detection stages (orders -> buyers -> identities) have committed every message of them
(the app's consumer group has no lag). The detection is timed again with two workers of
one app id on this machine, sharing the topics' partitions: without standby tables
(``ORDERGUARD_STANDBY_REPLICAS=0``), and with faust's default of one, where each worker
also follows the other's table changelogs to take its partitions over warm. Commits come
every few seconds (faust's ``broker_commit_interval``, 2.8 s), so the detection time is
late by up to that much.

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from analytics.client import query_worker
from bench.common import json_lines, report, wait_until
from schemas.event import validate_event
from streams import topics
from streams.backtest import detection
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
    engine = detection(None)  # as `orderguard replay` builds it
    started = time.perf_counter()
    for value in values:
        engine.feed(validate_event(orjson.loads(value)))
    return time.perf_counter() - started


@contextmanager
def app_workers(count: int, extra: dict[str, str], app_id: str | None = None,
                worker_cls: type[WorkerProcess] = WorkerProcess
                ) -> Iterator[tuple[str, Path, list[WorkerProcess]]]:
    """``count`` workers of a new app id, each ready, stopped on the way out: the app id,
    their folder (store, data directories, logs) and the workers.

    The first holds the DuckDB store (one writer), started alone so that it gets it; the
    others' sinks stand by.
    """
    work = Path(tempfile.mkdtemp())
    app_id = app_id or f"bench-{uuid.uuid4().hex[:8]}"
    env = {"ORDERGUARD_KAFKA": BOOTSTRAP, "ORDERGUARD_APP_ID": app_id,
           "ORDERGUARD_DUCKDB": str(work / "og.duckdb"), **extra}
    running: list[WorkerProcess] = []
    try:
        for i in range(count):
            worker = worker_cls({**env, "ORDERGUARD_DATA_DIR": str(work / f"d{i}")},
                                work / f"worker{i}.log", 6199 + i)
            running.append(worker.start())
            worker.wait_ready(need_store=i == 0)
        yield app_id, work, running
    finally:
        for worker in running:
            worker.stop()


def _timed(events: list[dict], tag: str, workers: int, **extra: str) -> tuple[float, float, int]:
    """Produce ``events`` (ids starting with ``tag``) to ``workers`` workers of a new app id:
    seconds until stored, until detected, and the messages written to the app's own topics
    meanwhile."""
    distinct = len({e["event_id"] for e in events})
    with app_workers(workers, extra) as (app_id, _, running):
        detection = (topics.EVENTS, topics.buyer_events(app_id), topics.identity_events(app_id))
        # let the workers catch up with whatever the topic already holds before timing
        # (and finish sharing out the partitions)
        _settle(running[0], "SELECT count(*) FROM events")
        _wait_no_lag(app_id, detection)
        written_before = _written(app_id)
        started = time.perf_counter()
        produce(BOOTSTRAP, events)
        pipeline_s = wait_until(started, f"{distinct} events stored",
                                lambda: stored(running[0], tag) >= distinct, timeout_s=600)
        _wait_no_lag(app_id, detection)
        detection_s = time.perf_counter() - started
        return pipeline_s, detection_s, _written(app_id) - written_before


def run(n: int = 20_000) -> list[dict]:
    tags = [uuid.uuid4().hex[:8] for _ in range(3)]
    one = _events(n, tags[0])
    pipeline_s, detection_s, written = _timed(one, tags[0], workers=1)
    # the same traffic under other ids, to two workers of one app id: without standby
    # tables, then with faust's default of one (each follows the other's changelogs)
    two_s = _timed(_events(n, tags[1]), tags[1], workers=2,
                   ORDERGUARD_STANDBY_REPLICAS="0")[1]
    standby_s = _timed(_events(n, tags[2]), tags[2], workers=2,
                       ORDERGUARD_STANDBY_REPLICAS="1")[1]
    values = json_lines(one)
    raw_s = raw_kafka_seconds(values)
    replay_s = replay_seconds(values)
    rows = [report("pipeline: produce -> DuckDB", n, pipeline_s,
                   "kafka-python produce+consume", raw_s),
            report("pipeline: produce -> detected", n, detection_s,
                   "kafka-python produce+consume", raw_s),
            report("pipeline: detected, vs replay", n, detection_s,
                   "replay loop, no Kafka", replay_s),
            report("pipeline: detected, 2 workers", n, two_s, "1 worker, same run", detection_s),
            report("pipeline: 2 workers, 1 standby", n, standby_s, "1 worker, same run",
                   detection_s)]
    print(f"{'messages the worker wrote':<34} {written / n:12.2f} per event "
          f"(internal topics and changelogs of its app id)", flush=True)
    return rows


def stored(worker: WorkerProcess, tag: str) -> int:
    """Events the worker's store holds whose ids start with ``tag``."""
    query = f"SELECT count(*) FROM events WHERE starts_with(event_id, '{tag}')"
    return int(query_worker(worker.url, query).rows[0][0])


def _settle(worker: WorkerProcess, query: str) -> None:
    last = -1
    while True:
        now = query_worker(worker.url, query).rows[0][0]
        if now == last:
            return
        last = now
        time.sleep(2)


def _wait_no_lag(group: str, names: tuple[str, ...], timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while lag := group_lag(BOOTSTRAP, group, names):
        if time.monotonic() > deadline:  # a hung bench says why instead of hanging
            msg = (f"{group} still has {lag:,} messages uncommitted on {', '.join(names)} after "
                   f"{timeout_s:.0f} s; see `ORDERGUARD_APP_ID={group} orderguard lag`")
            raise RuntimeError(msg)
        time.sleep(0.2)


def _written(app_id: str, suffix: str = "") -> int:
    """Messages on the app's own topics (internal streams and changelogs), all partitions;
    only on those whose names end with ``suffix``, if given."""
    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP)
    try:
        own = [t for t in consumer.topics() if t.startswith(f"{app_id}-") and t.endswith(suffix)]
        parts = [TopicPartition(t, p) for t in own for p in consumer.partitions_for_topic(t)]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()


if __name__ == "__main__":
    run()
