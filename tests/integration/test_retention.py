"""ORDERGUARD_RETENTION_DAYS against a real worker: what is older goes at the sink's start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.integration.conftest import sql, start_worker, wait_for
from tests.integration.helpers import honest, nonpayer, post


def _count(worker, where: str) -> int:
    return sql(worker, f"SELECT count(*) FROM events WHERE {where}")[0][0]


def test_a_worker_with_a_retention_deletes_what_is_older_and_keeps_the_rest(
        broker, tmp_path, run_id):
    now = datetime.now(UTC).replace(microsecond=0)
    old = nonpayer(f"ret-old-{run_id}", now - timedelta(days=60), f"{run_id}-old", orders=4)
    recent = honest(f"ret-new-{run_id}", now - timedelta(days=2), f"{run_id}-new", orders=3)
    app = f"og-ret-{run_id}"
    first = start_worker(broker, tmp_path, app)  # keeps everything
    try:
        assert post(first.url, old + recent)[0] == 202
        wait_for(lambda: _count(first, "true") == len(old) + len(recent), what="events stored")
        alerts = sql(first, "SELECT count(*) FROM alerts")[0][0]
        assert alerts > 0  # the old non-payer was alerted on, 60 days ago
    finally:
        first.stop()

    second = start_worker(broker, tmp_path, app, ORDERGUARD_RETENTION_DAYS="30")
    try:
        wait_for(lambda: _count(second, "true") == len(recent), what="old events deleted")
        assert _count(second, f"event_id LIKE '{run_id}-new-%'") == len(recent)
        assert sql(second, "SELECT count(*) FROM alerts")[0][0] == 0
        assert sql(second, "SELECT count(*) FROM orders")[0][0] == 3
    finally:
        second.stop()
    log = (tmp_path / "worker.log").read_text()
    assert f"sink: retention: deleted {len(old)} events, {alerts} alerts, 0 suppressions, " \
           f"4 orders older than" in log
