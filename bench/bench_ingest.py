"""Webhooks over HTTP on a worker -> accepted, deduplicated, stored and detected, vs baselines.

One worker (sink and stages together) of a new app id whose groups start at the ends of the
topics (not the history earlier runs left there), with a secret for the ``generic``
endpoint. Each simulated event is posted as its own signed delivery (``POST
/webhooks/generic``, one event per request, as a platform sends one webhook per order
change) by ``CLIENTS`` threads, each on one keep-alive connection. Timed from the first
request: until every request has been answered 202 (the broker has acked each delivery),
until the worker's sink has stored every event in DuckDB (the deliveries stage has checked
each delivery's keys and published its event), and until the detection stages have
committed every message (commits come every 2.8 s, so this is late by up to that). Every
delivery is then posted a second time, as a platform's retry: timed until the stage has
dropped them all as duplicates (the worker's ``duplicate_deliveries``).

The baselines, measured in the same run on the same worker: the same clients asking for
``GET /health`` as many times (the HTTP server alone, no broker), and as many other events
produced straight to ``orderguard.events`` with ``orderguard produce``'s producer, until the
sink has stored them and the stages have detected them (the pipeline without HTTP and
without the dedupe stage).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import orjson
from prometheus_client.parser import text_string_to_metric_families

from bench.bench_pipeline import BOOTSTRAP, _events, _wait_no_lag, app_workers, stored
from bench.common import json_lines, report, wait_until
from streams import topics
from streams.lag import skip_backlog
from streams.producer import produce
from streams.supervise import WorkerProcess

CLIENTS = 16
SECRET = f"bench-{uuid.uuid4().hex}"


def _signed(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Orderguard-Signature": f"sha256={digest}"}


def _requests(url: str, calls: list[tuple[str, str, bytes | None]], expect: int) -> float:
    """Send ``calls`` (method, path, body) from ``CLIENTS`` keep-alive connections: seconds
    until every one is answered, each with status ``expect``."""
    host = urlsplit(url)
    shares = [calls[i::CLIENTS] for i in range(CLIENTS)]

    def client(share: list[tuple[str, str, bytes | None]]) -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        try:
            for method, path, body in share:
                conn.request(method, path, body=body, headers=_signed(body) if body else {})
                response = conn.getresponse()
                answer = response.read()
                if response.status != expect:
                    msg = f"{method} {path}: {response.status} {answer[:200]!r}"
                    raise RuntimeError(msg)
        finally:
            conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for done in [pool.submit(client, share) for share in shares]:
            done.result()
    return time.perf_counter() - started


def _duplicates(worker: WorkerProcess) -> int:
    """The worker's count of deliveries its dedupe stage dropped, from /metrics."""
    with urllib.request.urlopen(f"{worker.url}/metrics", timeout=10) as r:  # noqa: S310
        text = r.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "orderguard_duplicate_deliveries_total":
                return int(sample.value)
    msg = "the worker's /metrics has no orderguard_duplicate_deliveries_total"
    raise RuntimeError(msg)


def run(n: int = 5_000) -> list[dict]:
    tags = [uuid.uuid4().hex[:8] for _ in range(3)]
    bodies = json_lines(_events(n, tags[0]))
    direct = _events(n, tags[1])
    env = {"ORDERGUARD_GENERIC_SECRET": SECRET}
    # the simulator redelivers some webhooks: the same body again (a duplicate delivery)
    # or the same event in another body; the store keeps one row per event id
    distinct = len({orjson.loads(body)["event_id"] for body in bodies})
    repeats = n - len(set(bodies))
    # a new app id reads only what comes next, not the history earlier runs left on the topics
    app_id = f"bench-ingest-{uuid.uuid4().hex[:8]}"
    skip_backlog(BOOTSTRAP, app_id)
    detection = (topics.EVENTS, topics.buyer_events(app_id), topics.identity_events(app_id))
    with app_workers(1, env, app_id) as (_, _, (worker,)):
        posts = [("POST", "/webhooks/generic", body) for body in bodies]
        # one delivery through to the store first: the worker's stages have their
        # partitions and tables, and its connections are open, before anything is timed
        warm = json_lines(_events(1, tags[2]))
        started = time.perf_counter()
        _requests(worker.url, [("POST", "/webhooks/generic", warm[0])], 202)
        wait_until(started, "the first delivery stored", lambda: stored(worker, tags[2]) >= 1)
        health_s = _requests(worker.url, [("GET", "/health", None)] * n, 200)

        dropped = _duplicates(worker)
        started = time.perf_counter()
        accepted_s = _requests(worker.url, posts, 202)
        stored_s = wait_until(started, f"{distinct} events stored",
                          lambda: stored(worker, tags[0]) >= distinct)
        wait_until(started, f"{repeats} duplicates dropped",
               lambda: _duplicates(worker) >= dropped + repeats)
        _wait_no_lag(app_id, detection)
        detected_s = time.perf_counter() - started

        started = time.perf_counter()
        _requests(worker.url, posts, 202)
        redelivered_s = wait_until(started, f"{n} redeliveries dropped",
                               lambda: _duplicates(worker) >= dropped + repeats + n)

        direct_distinct = len({e["event_id"] for e in direct})
        started = time.perf_counter()
        produce(BOOTSTRAP, direct)
        produced_s = wait_until(started, f"{direct_distinct} produced events stored",
                            lambda: stored(worker, tags[1]) >= direct_distinct)
        _wait_no_lag(app_id, detection)
        produced_detected_s = time.perf_counter() - started
    return [
        report("ingest: webhooks accepted (202)", n, accepted_s,
               "GET /health, same clients", health_s),
        report("ingest: webhooks -> DuckDB", n, stored_s, "produce -> DuckDB, same worker",
               produced_s),
        report("ingest: webhooks -> detected", n, detected_s, "produce -> detected, same worker",
               produced_detected_s),
        report("ingest: redeliveries dropped", n, redelivered_s, "first deliveries -> DuckDB",
               stored_s),
    ]


if __name__ == "__main__":
    run()
