"""ORDERGUARD_RETENTION_DAYS against a real worker: what is older goes at the sink's start."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from streams.lag import stage_lags
from tests.integration.conftest import sql, start_worker, wait_for
from tests.integration.helpers import honest, nonpayer, post


def test_a_worker_with_a_retention_deletes_what_is_older_and_keeps_the_rest(
        broker, tmp_path, run_id):
    now = datetime.now(UTC).replace(microsecond=0)
    old = nonpayer(f"ret-old-{run_id}", now - timedelta(days=60), f"{run_id}-old", orders=4)
    recent = honest(f"ret-new-{run_id}", now - timedelta(days=2), f"{run_id}-new", orders=3)
    # a new app's sink reads orderguard.events from its start, other tests' events too:
    # count only this test's
    mine = f"FROM events WHERE starts_with(event_id, '{run_id}-')"
    alerts = f"FROM alerts WHERE starts_with(buyer_ids[1], 'ret-old-{run_id}')"
    app = f"og-ret-{run_id}"
    first = start_worker(broker, tmp_path, app)  # keeps everything
    try:
        assert post(first.url, old + recent)[0] == 202
        wait_for(lambda: sql(first, f"SELECT count(*) {mine}")[0][0] == len(old) + len(recent),
                 timeout_s=180, what="events stored")
        # the old non-payer was alerted on, 60 days ago
        wait_for(lambda: sql(first, f"SELECT count(*) {alerts}")[0][0] > 0,
                 timeout_s=180, what="the old non-payer's alert stored")
        # every stage done: an alert the second worker stored after its pruning would stay
        # until the next one, an hour later
        wait_for(lambda: not sum(lag.behind for _, _, lag in stage_lags(broker, app)),
                 timeout_s=300, what="the first worker's stages caught up")
    finally:
        first.stop()

    second = start_worker(broker, tmp_path, app, ORDERGUARD_RETENTION_DAYS="30")
    try:
        recent_ids = sorted(e["event_id"] for e in recent)
        wait_for(lambda: sql(second, f"SELECT list(event_id ORDER BY event_id) {mine}")[0][0]
                 == recent_ids, timeout_s=60, what="the old events deleted")
        assert sql(second, f"SELECT count(*) {alerts}")[0][0] == 0
        pruned = second.health()["sink"]["pruned"]  # and on /metrics, by table
        assert pruned["events"] >= len(old) and pruned["alerts"] >= 1 and pruned["orders"] >= 4
        orders = sql(second, "SELECT list(order_id ORDER BY order_id) FROM orders "
                             f"WHERE starts_with(order_id, '{run_id}-')")[0][0]
        assert orders == [f"{run_id}-new-ho{n}" for n in range(3)]
    finally:
        second.stop()
    log = (tmp_path / "worker.log").read_text()
    assert re.search(r"sink: retention: deleted [\d,]+ events, [\d,]+ alerts, [\d,]+ "
                     r"suppressions, [\d,]+ orders older than ", log), log[-3000:]
