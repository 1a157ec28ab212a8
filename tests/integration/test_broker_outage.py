"""A broker outage under a running worker: a broker of the test's own, stopped and started."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from tests.factories import T0
from tests.integration.conftest import sql, start_worker, wait_for
from tests.integration.helpers import nonpayer, post


def _health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as r:  # noqa: S310
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read())


def _lines(path: Path) -> list[str]:
    return path.read_text(errors="replace").splitlines()


def _worker_through_an_outage(own_broker, workdir: Path, app_id: str, buyer: str,
                              run_id: str, **env: str):
    """A worker that took half of a non-payer's deliveries, then Kafka stopped under it.

    Returns the worker, ``kafka``, the deliveries still to send and the log's length when
    the worker saw the broker go.
    """
    bootstrap, kafka = own_broker
    worker = start_worker(bootstrap, workdir, app_id, **env)
    events = nonpayer(buyer, T0, run_id, orders=4)
    try:
        assert [post(worker.url, e)[0] for e in events[:4]] == [202] * 4
        return worker, kafka, events[4:], _outage(kafka, worker)
    except BaseException:
        worker.kill()
        raise


def _outage(kafka: Callable[[str], None], worker) -> int:
    """Stop the broker; once /health says so, the log's length then."""
    kafka("down")
    stopped_at = len(_lines(worker.log_path))
    code, doc = wait_for(lambda: (h := _health(worker.url))[0] == 503 and h,
                         timeout_s=30, what="/health to say Kafka is unreachable")
    assert doc["status"] == "degraded" and doc["kafka"]["reachable"] is False
    return stopped_at


def _quiet_then_back(kafka: Callable[[str], None], worker, stopped_at: int) -> None:
    time.sleep(10)  # the worker's clients keep failing all this while
    outage_log = _lines(worker.log_path)[stopped_at:]
    # without the repeat filter, about 230 lines a second (2,000+ here)
    assert len(outage_log) < 60, "\n".join(outage_log[-40:])
    assert any("is unreachable" in line for line in _lines(worker.log_path))
    kafka("up")
    wait_for(lambda: _health(worker.url)[0] == 200, timeout_s=60,
             what="/health to say Kafka answers again")


def _stored_once(worker, run_id: str, buyer: str, n: int, reconnected: bool = True) -> None:
    stored = (f"SELECT count(*), count(DISTINCT event_id) FROM events "
              f"WHERE event_id LIKE '{run_id}-%'")
    counted: list[tuple] = []
    try:
        wait_for(lambda: counted.append(sql(worker, stored)[0]) or counted[-1] == (n, n),
                 timeout_s=120, what=f"all {n} events stored once")
        alert = (f"SELECT count(*) FROM alerts WHERE rule_id = 'nonpayment_burst' AND "
                 f"list_contains(buyer_ids, '{buyer}')")
        wait_for(lambda: sql(worker, alert)[0][0], timeout_s=120,
                 what="the nonpayment_burst alert stored")  # detection runs after the sink
    except AssertionError as exc:  # what was stored, and what the worker said meanwhile
        tail = "\n".join(_lines(worker.log_path)[-150:])
        raise AssertionError(f"{exc}; events stored, distinct: {counted[-1:]}; "
                             f"the worker's log ends:\n{tail}") from None
    if reconnected:
        assert any("answers again" in line for line in _lines(worker.log_path))


def test_while_kafka_is_down_webhooks_are_kept_on_disk_and_outlive_a_crash_of_the_worker(
    own_broker, tmp_path, run_id
):
    app_id, buyer = f"og-spool-{run_id}", f"spooled-{run_id}"
    worker, kafka, during, stopped_at = _worker_through_an_outage(
        own_broker, tmp_path / "w", app_id, buyer, run_id)
    try:
        for event in during:  # no platform retries any of these
            started = time.monotonic()
            assert post(worker.url, event) == (202, {"accepted": 1, "spooled": True})
            assert time.monotonic() - started < 2, "a spooled delivery should not wait long"
        assert _health(worker.url)[1]["spool"]["bytes"] > 0
        time.sleep(10)
        assert len(_lines(worker.log_path)[stopped_at:]) < 60
    finally:
        worker.kill()  # the deliveries it answered 202 are only on its disk now
    kafka("up")
    worker = start_worker(own_broker[0], tmp_path / "w", app_id)  # the same data directory
    try:
        _stored_once(worker, run_id, buyer, 8, reconnected=False)
        wait_for(lambda: _health(worker.url)[1]["spool"]["bytes"] == 0, what="the spool drained")
        assert any("spool: published 4 deliveries" in line for line in _lines(worker.log_path))
    finally:
        worker.stop()


def test_with_the_spool_off_webhooks_get_a_quick_503_and_nothing_is_lost(
    own_broker, tmp_path, run_id
):
    buyer = f"outage-{run_id}"
    worker, kafka, during, stopped_at = _worker_through_an_outage(
        own_broker, tmp_path / "w", f"og-outage-{run_id}", buyer, run_id,
        ORDERGUARD_SPOOL_MB="0")
    try:
        for event in during:  # the platform's first attempts
            started = time.monotonic()
            status, body = post(worker.url, event)
            assert status == 503, body
            assert time.monotonic() - started < 2, "a 503 should not wait for the broker"
        request = urllib.request.Request(f"{worker.url}/webhooks/generic", method="POST",
                                         data=orjson.dumps(during[0]))
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
        assert answer.value.headers["Retry-After"] == "30"
        _quiet_then_back(kafka, worker, stopped_at)
        # the platform retries all but the last: that one gets through anyway, as the
        # worker kept it in flight after answering 503
        assert [post(worker.url, e)[0] for e in during[:3]] == [202] * 3
        _stored_once(worker, run_id, buyer, 8)
    finally:
        worker.stop()


def test_a_worker_told_to_stop_while_kafka_is_down_exits_at_once(own_broker, tmp_path, run_id):
    worker = start_worker(own_broker[0], tmp_path / "w", f"og-stop-{run_id}")
    try:
        stopped_at = _outage(own_broker[1], worker)
        time.sleep(3)  # the consumer's fetches fail and back off, as in any outage
        started = time.monotonic()
        worker.stop(timeout_s=50)
        took = time.monotonic() - started
    finally:
        worker.kill()
    log = _lines(worker.log_path)[stopped_at:]
    # aiokafka's fetcher close raised CancelledError from a fetch in its retry backoff: the
    # consumer thread died and faust waited 60 s for it (then the stop above gave up)
    assert took < 15, f"stop took {took:.1f}s"
    assert worker.proc is not None and worker.proc.returncode == 0, "\n".join(log[-40:])
    assert not [line for line in log if "Error while stopping child" in line
                or "Exception in thread" in line], "\n".join(log[-40:])


def test_produce_stops_and_says_how_far_it_got_when_kafka_goes_away(own_broker, monkeypatch):
    import re

    import streams.producer
    from streams.kafka_admin import ensure_topics
    from streams.producer import ProduceFailed, produce
    from tests.factories import make_event

    bootstrap, kafka = own_broker
    ensure_topics(bootstrap, 3, "produce-outage")
    monkeypatch.setattr(streams.producer, "STALL_S", 3.0)
    events = [make_event(event_id=f"po-{n}", order=f"po-{n}") for n in range(60_000)]
    seen: list[tuple[int, int]] = []

    def down_at_first_report(sent: int, acknowledged: int) -> None:
        seen.append((sent, acknowledged))
        if len(seen) == 1:
            kafka("down")  # 50,000 sent; the last 10,000 have no broker to go to

    started = time.monotonic()
    with pytest.raises(ProduceFailed) as failed:
        produce(bootstrap, events, progress=down_at_first_report)
    assert time.monotonic() - started < 120  # it waited forever in flush() before
    said = re.fullmatch(r"Kafka at \S+ stopped answering: ([\d,]+) of 60,000 events sent were "
                        r"acknowledged; producing the same events again is safe: the orders "
                        r"stage drops an event_id it has seen", str(failed.value))
    assert said, str(failed.value)
    assert int(said.group(1).replace(",", "")) < 60_000
    assert seen[0][0] == 50_000
    kafka("up")  # for the fixture's own stop


def test_an_event_over_the_topic_s_limit_stops_produce_before_anything_is_sent():
    from streams.producer import MAX_EVENT_BYTES, ProduceFailed, produce
    from tests.factories import make_event

    events = [make_event(event_id="fine"), make_event(event_id="huge", note="x" * MAX_EVENT_BYTES)]
    with pytest.raises(ProduceFailed, match=r"^event 2 \('huge'\) is [\d,]+ bytes; the topic "
                       r"takes [\d,]+ at most: nothing was sent$"):
        produce("localhost:1", events)  # refused before any connection is tried
