"""A worker's memory and speed with each table store: ``bytes`` (default) against ``memory://``.

One simulated stream is produced once; then a worker with faust's ``memory://`` store (the
baseline) and one with the bytes store (``streams/agents/bytestore.py``), each with an app
id of its own, read the whole events topic (what earlier runs on the broker left there
too) until every stage has caught up. Each run reports the events per second it read and
the worker's resident memory at the end.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from bench.common import report
from streams import topics
from streams.demo import namespace_ids
from streams.lag import group_lag
from streams.producer import produce
from streams.simulator import simulate
from streams.supervise import WorkerProcess

BOOTSTRAP = os.environ.get("ORDERGUARD_KAFKA", "localhost:9092")


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def _catch_up(store: str, tag: str, port: int) -> tuple[float, int]:
    """Seconds for a new worker with ``store`` to catch up with the topics, and its RSS."""
    work = Path(tempfile.mkdtemp())
    app_id = f"bench-{store}-{tag}"
    env = {"ORDERGUARD_KAFKA": BOOTSTRAP, "ORDERGUARD_APP_ID": app_id,
           "ORDERGUARD_TABLE_STORE": store, "ORDERGUARD_SINK": "0",
           "ORDERGUARD_DATA_DIR": str(work / "d")}
    worker = WorkerProcess(env, work / "worker.log", port).start()
    try:
        worker.wait_ready(need_store=False)
        started = time.perf_counter()
        stage_topics = (topics.EVENTS, *topics.internal(app_id))
        while group_lag(BOOTSTRAP, app_id, stage_topics) > 0:
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        assert worker.proc is not None
        return seconds, _rss_bytes(worker.proc.pid)
    finally:
        worker.stop()


def _on_topic() -> int:
    """How many events ``orderguard.events`` holds (the sum of its end offsets)."""
    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP)
    try:
        parts = [TopicPartition(topics.EVENTS, p)
                 for p in consumer.partitions_for_topic(topics.EVENTS) or ()]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()


def run(buyers: int = 20_000, days: int = 1) -> list[dict]:
    tag = uuid.uuid4().hex[:8]
    events = [namespace_ids(e, tag) for e in simulate(2026, buyers=buyers, days=days).events]
    produce(BOOTSTRAP, events)
    total = _on_topic()
    memory_s, memory_rss = _catch_up("memory", tag, 6197)
    bytes_s, bytes_rss = _catch_up("bytes", tag, 6198)
    result = report(f"worker catch-up, bytes store: {total:,} events", total, bytes_s,
                    "memory:// store", memory_s)
    print(f"worker RSS after catching up: bytes store {bytes_rss / 2**20:,.0f} MiB, "
          f"memory:// {memory_rss / 2**20:,.0f} MiB, ratio {bytes_rss / memory_rss:.3f} "
          f"({len(events):,} of the events from this run's {buyers:,} buyers)", flush=True)
    return [result]


if __name__ == "__main__":
    run()
