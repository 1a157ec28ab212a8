"""`orderguard demo`: a simulated marketplace day through a real worker, alerts live, a summary."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from analytics.client import query_worker
from analytics.report import summary
from streams.settings import Settings
from streams.supervise import WorkerProcess

Echo = Callable[[str], None]

SEVERITY_MARK = {"info": " ", "low": "·", "medium": "!", "high": "!!", "critical": "!!!"}


def post_events(url: str, events: list[dict[str, Any]], batch: int = 50) -> int:
    """POST events to the generic webhook in JSON-array batches; return how many were accepted."""
    accepted = 0
    for start in range(0, len(events), batch):
        body = orjson.dumps(events[start : start + batch])
        request = urllib.request.Request(  # noqa: S310 - our own worker on localhost
            f"{url}/webhooks/generic", data=body, method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            accepted += orjson.loads(response.read())["accepted"]
    return accepted


def format_alert(alert: dict[str, Any]) -> str:
    """One line per alert for a terminal."""
    mark = SEVERITY_MARK.get(alert["severity"], "?")
    return f"{mark:>3} {alert['severity']:<8} {alert['rule_id']:<20} {alert['explanation']}"


def run_demo(settings: Settings, seed: int, buyers: int, workdir: Path, echo: Echo) -> None:
    """Start a worker, send a simulated day through its webhook, follow alerts, summarize."""
    from streams.follow import follow_alerts
    from streams.simulator import simulate

    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / f"demo-{seed}.duckdb"
    env = {"ORDERGUARD_DUCKDB": str(db), "ORDERGUARD_KAFKA": settings.kafka,
           "ORDERGUARD_DATA_DIR": str(workdir / "worker")}
    worker = WorkerProcess(env, workdir / "worker.log", settings.web_port)
    sim = simulate(seed, buyers=buyers)
    echo(f"demo: seed {seed}: {len(sim.events)} events from {buyers} buyers "
         f"(worker log: {worker.log_path}, store: {db})")
    seen: list[dict[str, Any]] = []
    worker.start()
    try:
        worker.wait_ready()
        echo(f"demo: worker ready at {worker.url}; following orderguard.alerts")
        stream = follow_alerts(settings.kafka, from_now=True, idle_timeout_s=None)
        ready = threading.Event()

        def printer() -> None:
            ready.set()
            for alert in stream:
                seen.append(alert)
                echo(format_alert(alert))

        threading.Thread(target=printer, daemon=True).start()
        ready.wait(10)
        started = time.monotonic()
        accepted = post_events(worker.url, sim.events)
        echo(f"demo: webhook accepted {accepted} events in {time.monotonic() - started:.1f}s")
        _wait_settled(worker.url, len({e['event_id'] for e in sim.events}), seen, echo)
        echo("")
        echo(summary(lambda q: query_worker(worker.url, q)))
        hint = 'orderguard sql "SELECT * FROM alerts LIMIT 5"'
        echo(f"\ndemo: {len(seen)} alerts followed live; query the store with "
             f"ORDERGUARD_DUCKDB={db} {hint}")
    finally:
        worker.stop()


def _wait_settled(url: str, expected: int, seen: list[dict[str, Any]], echo: Echo,
                  timeout_s: float = 180) -> None:
    """Wait until the sink stored this run's events and no alert arrived for a few seconds."""
    deadline = time.monotonic() + timeout_s
    last_alerts, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        stored = query_worker(url, "SELECT count(*) FROM events").rows[0][0]
        if len(seen) != last_alerts:
            last_alerts, quiet_since = len(seen), time.monotonic()
        if stored >= expected and time.monotonic() - quiet_since > 4:
            return
        time.sleep(1)
    echo("demo: gave up waiting for the pipeline to settle (see the worker log)")
