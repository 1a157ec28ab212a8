"""A worker's tables per store: catching up with the events topic, and a restart after it.

For each table store (``ORDERGUARD_TABLE_STORE``: ``bytes``, in memory, and ``rocksdb``,
files kept across a clean stop), a worker of a new app id, sink off, processes the same
number of simulated events (under ids of their own), timed from its start until its
consumer group has no lag. Its group starts at the end of ``orderguard.events`` as it was
before they were produced, so it reads only them, whatever the topic held before. It is
then stopped cleanly and started again on the same data directory, timed until ``/health``
says its tables are read back: the in-memory store reads every changelog record again, the
rocksdb store only those written after its files' offsets.

The ratios are rocksdb's against the bytes store's, measured in the same run: catch-up
throughput (what keeping tables on disk costs per event) and restart time inverted (how
many times faster a restart is).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from bench.bench_pipeline import _events, _written
from bench.common import report
from streams import topics
from streams.lag import group_lag, skip_backlog
from streams.producer import produce
from streams.supervise import WorkerProcess

BOOTSTRAP = os.environ.get("ORDERGUARD_KAFKA", "localhost:9092")
STORES = ("bytes", "rocksdb")


def _start(env: dict[str, str], log: Path) -> tuple[WorkerProcess, float]:
    """A worker, and the seconds from its start until its tables are read back."""
    worker = WorkerProcess(env, log, 6299)
    started = time.perf_counter()
    worker.start()
    while not ((worker.health() or {}).get("tables") or {}).get("recovered"):
        if worker.proc is not None and worker.proc.poll() is not None:
            raise RuntimeError(f"worker exited; see {log}")
        time.sleep(0.05)
    return worker, time.perf_counter() - started


def _rss_mb(worker: WorkerProcess) -> float:
    """The worker process's resident memory, MiB (Linux)."""
    assert worker.proc is not None
    status = Path(f"/proc/{worker.proc.pid}/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kib) / 1024


def _store_run(store: str, n: int) -> tuple[float, float, int, float]:
    """Seconds to catch up with ``n`` new events, to restart after a clean stop; changelog
    records; the worker's resident memory after catching up, MiB."""
    work = Path(tempfile.mkdtemp())
    app_id = f"bench-{store}-{uuid.uuid4().hex[:6]}"
    skip_backlog(BOOTSTRAP, app_id)
    produce(BOOTSTRAP, _events(n, uuid.uuid4().hex[:8]))
    env = {"ORDERGUARD_KAFKA": BOOTSTRAP, "ORDERGUARD_APP_ID": app_id,
           "ORDERGUARD_DUCKDB": str(work / "og.duckdb"), "ORDERGUARD_DATA_DIR": str(work / "d"),
           "ORDERGUARD_TABLE_STORE": store, "ORDERGUARD_SINK": "0"}
    stages = (topics.EVENTS, topics.buyer_events(app_id), topics.identity_events(app_id))
    started = time.perf_counter()
    worker, _ = _start(env, work / "worker.log")
    try:
        time.sleep(1)  # the group's lag is only known once it has committed
        while group_lag(BOOTSTRAP, app_id, stages):
            time.sleep(0.2)
        catch_up_s = time.perf_counter() - started
        rss_mb = _rss_mb(worker)
    finally:
        worker.stop()
    worker, restart_s = _start(env, work / "worker.log")
    worker.stop()
    return catch_up_s, restart_s, _written(app_id, "-changelog"), rss_mb


def run(n: int = 20_000) -> list[dict]:
    results = {store: _store_run(store, n) for store in STORES}
    for store, (catch_up_s, restart_s, records, rss_mb) in results.items():
        print(f"{'tables ' + store:<34} caught up with {n:,} events in {catch_up_s:.1f} s "
              f"(RSS {rss_mb:.0f} MiB), restarted in {restart_s:.2f} s ({records:,} changelog "
              f"records)", flush=True)
    (bytes_catch_up, bytes_restart, *_), (rocks_catch_up, rocks_restart, *_) = results.values()
    row = report("worker catch-up, rocksdb tables", n, rocks_catch_up,
                 "bytes tables, same run", bytes_catch_up)
    faster = bytes_restart / rocks_restart
    print(f"{'worker restart, rocksdb tables':<34} {rocks_restart:>10.2f} s   baseline "
          f"{'bytes tables, same run':<28} {bytes_restart:>10.2f} s   ratio {faster:6.3f} "
          f"(times faster)", flush=True)
    return [row, {"name": "worker restart, rocksdb tables", "seconds": rocks_restart,
                  "baseline": "bytes tables, same run", "baseline_seconds": bytes_restart,
                  "ratio": faster}]

if __name__ == "__main__":
    run()
