"""`kill -9` of the worker mid-stream, then a restart: every event stored exactly once."""

from __future__ import annotations

import uuid

from streams.producer import produce
from tests.factories import T0
from tests.integration.conftest import sql, start_worker, wait_for
from tests.integration.helpers import churner, honest, nonpayer


def test_kill_9_mid_stream_and_restart_leave_every_event_stored_exactly_once(
    own_broker, tmp_path, run_id
):
    # an empty broker: on the session's, a new app id reads every earlier test's events first
    broker = own_broker[0]
    events = []
    for n in range(400):
        make = (nonpayer, churner, honest)[n % 3]
        events += make(f"k{run_id}-b{n}", T0, f"{run_id}-{n}")
    total = len(events)
    app_id = f"og-crash-{uuid.uuid4().hex[:8]}"
    small_batches = {"ORDERGUARD_SINK_BATCH": "50"}
    worker = start_worker(broker, tmp_path / "w", app_id, **small_batches)
    port = int(worker.url.rsplit(":", 1)[1])
    count = f"SELECT count(*) FROM events WHERE event_id LIKE '{run_id}-%'"
    try:
        produce(broker, events)
        stored_before = wait_for(lambda: sql(worker, count)[0][0], interval=0.05,
                                 what="first batches stored")
    finally:
        worker.kill()
    assert 0 < stored_before < total, "the kill should land mid-stream"

    restarted = start_worker(broker, tmp_path / "w", app_id, port, **small_batches)
    try:
        wait_for(lambda: sql(restarted, count)[0][0] == total, timeout_s=180,
                 what=f"all {total} events stored after the restart")
        rows, distinct = sql(restarted, f"SELECT count(*), count(DISTINCT event_id) FROM events "
                                        f"WHERE event_id LIKE '{run_id}-%'")[0]
        assert rows == distinct == total
        alerts, distinct_alerts = sql(restarted, "SELECT count(*), count(DISTINCT alert_id) "
                                                 "FROM alerts")[0]
        assert alerts == distinct_alerts > 0
    finally:
        restarted.stop()
