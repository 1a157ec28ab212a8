"""Two workers of a new app id start while events wait: do their committed offsets reach the end?

Each try produces a few thousand new events, starts two workers of a new app id (no standby
tables) on the events topic, which then holds the backlog of every earlier try too, and follows
the app's committed offsets on the detection stages' topics: the try is *done* once they
reach the topics' ends, *stuck* once a partition's committed offset has not moved for
``STUCK_S`` while it is behind its end, and *slow* if neither happened by the deadline. The
second worker joins while the first is catching up, the rebalance that faust-streaming
0.15.3 ends by throwing away messages it had already fetched (``streams.agents.consumer``).

The baseline, in the same run on the same broker, alternating try by try: the same workers
with faust's own consumer (that module's two overrides removed in the worker processes).
Not part of ``python -m bench``: it takes about two minutes a try, and a rate needs tries.

    python -m bench.bench_join [tries per consumer, default 6]
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid

from kafka import TopicPartition

from analytics.client import query_worker
from bench.bench_pipeline import BOOTSTRAP, _events, app_workers
from streams import topics
from streams.lag import partition_offsets
from streams.producer import produce
from streams.supervise import WorkerProcess

STUCK_S = 60  # a committed offset behind its end that has not moved for this long is stuck
DEADLINE_S = 600
BACKLOG = 20_000  # events on the topic before the first try (a fresh broker has none)
PER_TRY = 5_000


class PlainConsumerWorker(WorkerProcess):
    """A worker with faust's own consumer: ``streams.agents.consumer``'s overrides removed."""

    command = ("-c", "from streams.agents import consumer as c; "
                     "del c.Consumer.perform_seek, c.Consumer.seek_to_committed; "
                     "import sys; sys.argv[1:] = ['worker', '--loglevel', 'info']; "
                     "from streams.cli import main; main()")


def _follow(app_id: str, worker: WorkerProcess) -> tuple[str, float, str]:
    """``done``, ``stuck`` or ``slow``; seconds; the stuck partitions, if any.

    Meanwhile asks the first worker how many events it stored, every 2 s, as a dashboard
    would (and as ``bench_pipeline`` does): its SQL endpoint runs on the worker's event loop.
    """
    names = (topics.EVENTS, topics.buyer_events(app_id), topics.identity_events(app_id))
    started = time.monotonic()
    moved: dict[TopicPartition, tuple[int | None, float]] = {}
    while time.monotonic() - started < DEADLINE_S:
        query_worker(worker.url, "SELECT count(*) FROM events")
        now = time.monotonic()
        parts = [p for found in partition_offsets(BOOTSTRAP, app_id, names).values()
                 for p in found]
        behind = [p for p in parts if p.behind]
        if parts and not behind:
            return "done", now - started, ""
        stuck = []
        for p in behind:
            last = moved.get(p.tp)
            if last is None or last[0] != p.committed:
                moved[p.tp] = (p.committed, now)
            elif now - last[1] > STUCK_S:
                stuck.append(f"{p.tp.topic}[{p.tp.partition}] at {p.committed} of {p.end}")
        if stuck:
            return "stuck", now - started, "; ".join(stuck)
        time.sleep(2)
    return "slow", DEADLINE_S, ""


def _try(worker_cls: type[WorkerProcess], n: int) -> tuple[str, float, str]:
    tag = uuid.uuid4().hex[:8]
    produce(BOOTSTRAP, _events(n, tag))
    workers = app_workers(2, {"ORDERGUARD_STANDBY_REPLICAS": "0"}, f"bench-join-{tag}",
                          worker_cls)
    with workers as (app_id, work, running):
        outcome = _follow(app_id, running[0])
    shutil.rmtree(work, ignore_errors=True)  # a try that failed keeps its logs
    return outcome


def run(tries: int = 6) -> dict[str, list[str]]:
    produce(BOOTSTRAP, _events(BACKLOG, uuid.uuid4().hex[:8]))
    outcomes: dict[str, list[str]] = {"orderguard": [], "faust": []}
    for i in range(tries):
        for name, cls in (("orderguard", WorkerProcess), ("faust", PlainConsumerWorker)):
            outcome, seconds, detail = _try(cls, PER_TRY)
            outcomes[name].append(outcome)
            print(f"try {i + 1}, {name + ' consumer:':<20} {outcome:<5} after {seconds:4.0f} s"
                  f"{'  ' + detail if detail else ''}", flush=True)
    for name, seen in outcomes.items():
        print(f"{name + ' consumer:':<20} {seen.count('stuck')} of {len(seen)} tries stuck, "
              f"{seen.count('slow')} slow", flush=True)
    return outcomes


if __name__ == "__main__":
    os.environ.setdefault("ORDERGUARD_PURE", "1")  # as the runs in BENCHMARKS.md
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
